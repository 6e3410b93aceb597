//! Hostile input, failed builds and hostile content: nothing is lost and
//! nothing gets in.

use crate::common::{copy_dir, gongkai, snapshot};
use gongkai_model::diag::Diagnostics;
use gongkai_render::output::OutputFile;
use gongkai_site::build::write_atomically;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn temp(name: &str) -> PathBuf {
    crate::common::temp(&format!("hardening-{name}"))
}

fn build(content: &Path, output: &Path) -> std::process::Output {
    gongkai()
        .args(["build"])
        .arg(content)
        .arg("-o")
        .arg(output)
        .output()
        .unwrap()
}

#[test]
fn a_failed_build_leaves_the_published_output_exactly_as_it_was() {
    let root = temp("atomic");
    let content = root.join("content");
    copy_dir(Path::new("content"), &content, false);
    let output = root.join("output");
    assert!(build(&content, &output).status.success());
    let published = snapshot(&output);
    assert!(published.len() > 20);

    // 1. Bad data.
    let functions = content.join("2022/101/functions.yaml");
    let good = std::fs::read_to_string(&functions).unwrap();
    std::fs::write(&functions, good.replace("project: 72.90 }", "project: 72.9O }")).unwrap();
    let run = build(&content, &output);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("nothing was written"));
    assert_eq!(snapshot(&output), published, "bad data changed the output");
    std::fs::write(&functions, &good).unwrap();

    // 2. A broken template in the site's theme.
    let theme = root.join("themes/default/portal");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("index.html"),
        "{% extends \"base.html\" %}{% block content %}{{ unclosed",
    )
    .unwrap();
    let run = build(&content, &output);
    assert!(!run.status.success());
    assert_eq!(snapshot(&output), published, "a template error changed the output");
    std::fs::remove_dir_all(root.join("themes")).unwrap();

    // 3. The disk fails half-way: a file where a folder must go.
    let files = vec![
        OutputFile {
            path: "a.html".into(),
            bytes: b"new".to_vec(),
        },
        OutputFile {
            path: "index.html".into(),
            bytes: b"x".to_vec(),
        },
        OutputFile {
            path: "index.html/under-a-file.html".into(),
            bytes: b"y".to_vec(),
        },
    ];
    assert!(write_atomically(&output, &files).is_err());
    assert_eq!(snapshot(&output), published, "a write failure changed the output");
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn builds_are_byte_identical_whatever_the_number_of_threads() {
    let root = temp("threads");
    for threads in ["1", "2", "3"] {
        let run = gongkai()
            .env("GONGKAI_THREADS", threads)
            .args(["build", "content", "-o"])
            .arg(root.join(threads))
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let one = snapshot(&root.join("1"));
    assert_eq!(one, snapshot(&root.join("2")));
    assert_eq!(one, snapshot(&root.join("3")));
    // The streaming build writes exactly what the in-memory build produces.
    let mut expected: Vec<(PathBuf, Vec<u8>)> = crate::common::site_files(Path::new("content"))
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect();
    expected.sort();
    let written: Vec<(PathBuf, Vec<u8>)> = one
        .into_iter()
        .filter(|(p, _)| p != Path::new(".gongkai-manifest"))
        .collect();
    assert_eq!(written.len(), expected.len());
    for ((pa, ba), (pb, bb)) in written.iter().zip(&expected) {
        assert_eq!(pa, pb);
        assert!(
            ba == bb,
            "{} differs between the streaming and in-memory builds",
            pa.display()
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn builds_are_byte_identical_whatever_the_file_system_order() {
    let root = temp("determinism");
    copy_dir(Path::new("content"), &root.join("a/content"), false);
    copy_dir(Path::new("content"), &root.join("b/content"), true);
    assert!(build(&root.join("a/content"), &root.join("a/output")).status.success());
    assert!(build(&root.join("b/content"), &root.join("b/output")).status.success());
    let (a, b) = (snapshot(&root.join("a/output")), snapshot(&root.join("b/output")));
    assert_eq!(a.len(), b.len());
    for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{} differs between builds", pa.display());
    }
    let _ = std::fs::remove_dir_all(&root);
}

fn site_with(root: &Path, edit: impl Fn(&Path)) -> (Vec<gongkai_render::Checked>, Diagnostics, PathBuf) {
    let content = root.join("content");
    copy_dir(Path::new("content/2022"), &content.join("2022"), false);
    edit(&content.join("2022/101"));
    let mut diags = Diagnostics::new();
    let checked = crate::common::check_site(&content, &mut diags).unwrap();
    (checked, diags, content)
}

#[test]
fn no_content_can_inject_script_into_the_site() {
    let root = temp("injection");
    let (_, diags, content) = site_with(&root, |d| {
        let unit = std::fs::read_to_string(d.join("unit.yaml")).unwrap();
        std::fs::write(
            d.join("unit.yaml"),
            unit.replace(
                "name: 张家口市人民代表大会常务委员会办公室",
                "name: \"人大<script>alert(1)</script>\\\"'&\"",
            ),
        )
        .unwrap();
        let narrative = std::fs::read_to_string(d.join("narrative.yaml")).unwrap();
        std::fs::write(
            d.join("narrative.yaml"),
            narrative.replace(
                "other_matters:",
                "other_matters:\n  - \"<img src=x onerror=alert(2)> [链接](javascript:alert(3)) <iframe src=//evil>\"",
            ),
        )
        .unwrap();
        std::fs::create_dir_all(d.join("sections")).unwrap();
        std::fs::write(
            d.join("sections/running-costs.md"),
            "<script>alert(4)</script>\n\n机关运行经费{{ running_costs | short }}万元。<b onclick=alert(5)>x</b>\n",
        )
        .unwrap();
    });
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let files = crate::common::site_files(&content).unwrap();
    let mut pages = 0;
    for f in files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "html")) {
        let html = String::from_utf8_lossy(&f.bytes);
        pages += 1;
        for bad in ["<script>alert", "<img", "<iframe", "<b "] {
            assert!(!html.contains(bad), "{}: `{bad}` got into the page", f.path.display());
        }
        // Inside real tags: no event handlers, no javascript: URLs.
        for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or_default()) {
            let lower = tag.to_lowercase();
            assert!(!lower.contains("javascript:"), "{}: <{tag}>", f.path.display());
            assert!(
                !lower.split_whitespace().any(|a| a.starts_with("on") && a.contains('=')),
                "{}: handler in <{tag}>",
                f.path.display()
            );
        }
    }
    assert!(pages >= 3, "{pages} pages");
    let page = files
        .iter()
        .find(|f| f.path == Path::new("2022/101/index.html"))
        .unwrap();
    let html = String::from_utf8_lossy(&page.bytes);
    assert!(
        html.contains("人大&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"),
        "the name is shown as text"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn department_codes_cannot_escape_the_output() {
    let root = temp("traversal");
    let (checked, diags, _) = site_with(&root, |d| {
        let unit = std::fs::read_to_string(d.join("unit.yaml")).unwrap();
        std::fs::write(
            d.join("unit.yaml"),
            unit.replace("code: \"101\"", "code: \"../../../etc\""),
        )
        .unwrap();
    });
    let rendered = diags.render_text();
    assert!(rendered.contains("error[unit-code]"), "{rendered}");
    assert!(checked.is_empty(), "a department with a bad code must not be built");
    // And the writer refuses any path that climbs out, whatever produced it.
    let output = root.join("output");
    for bad in ["../escape.html", "/etc/passwd", "a/../../b"] {
        let files = vec![OutputFile {
            path: bad.into(),
            bytes: b"x".to_vec(),
        }];
        assert!(write_atomically(&output, &files).is_err(), "{bad}");
    }
    assert!(!root.join("escape.html").exists());
    let _ = std::fs::remove_dir_all(&root);
}

fn check_one_file(name: &str, bytes: &[u8]) -> String {
    let root = temp(&format!("hostile-{name}"));
    let dir = root.join("content/2022/101");
    copy_dir(Path::new("content/2022/101"), &dir, false);
    std::fs::write(dir.join(name), bytes).unwrap();
    let run = gongkai().arg("check").arg(root.join("content")).output().unwrap();
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(run.status.code(), Some(1), "hostile {name} must fail check");
    String::from_utf8_lossy(&run.stdout).into_owned()
}

#[test]
fn hostile_yaml_fails_fast_with_a_clear_error() {
    // A billion laughs: nine levels of nine aliases.
    let mut bomb = String::from("a0: &a0 [\"lol\"]\n");
    for i in 1..10 {
        let refs: Vec<String> = (0..9).map(|_| format!("*a{}", i - 1)).collect();
        bomb.push_str(&format!("a{i}: &a{i} [{}]\n", refs.join(", ")));
    }
    bomb.push_str("rows: *a9\n");
    let report = check_one_file("functions.yaml", bomb.as_bytes());
    assert!(report.contains("functions.yaml:"), "{report}");
    assert!(report.contains("error["), "{report}");

    // Deep nesting.
    let deep = format!("rows: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let report = check_one_file("functions.yaml", deep.as_bytes());
    assert!(report.contains("functions.yaml:1:"), "{report}");

    // A 100 MB file is refused before it is read.
    let root = temp("hostile-large");
    let dir = root.join("content/2022/101");
    copy_dir(Path::new("content/2022/101"), &dir, false);
    let file = std::fs::File::create(dir.join("projects.yaml")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    let run = gongkai().arg("check").arg(root.join("content")).output().unwrap();
    let report = String::from_utf8_lossy(&run.stdout).into_owned();
    let _ = std::fs::remove_dir_all(&root);
    assert!(
        report.contains("error[file-too-large]: file is 104857600 bytes"),
        "{report}"
    );
}

#[test]
fn serve_binds_loopback_unless_told_otherwise() {
    let mut child = gongkai()
        .args(["serve", "content", "--port", "0"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 256];
    while !seen
        .lines()
        .any(|l| l.starts_with("serving on") && l.contains("Ctrl-C"))
    {
        let n = stderr.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(seen.contains("serving on http://127.0.0.1:"), "{seen}");
}

/// A web root pointed at the build by a symbolic link stays a link to a
/// complete generation: the folder it names is swapped beside it, never
/// written in place, and the link is never replaced by a folder.
#[cfg(unix)]
#[test]
fn a_symlinked_output_is_swapped_behind_the_link() {
    let root = temp("symlinked-output");
    let www = root.join("www/site");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("stale.html"), "old").unwrap();
    let link = root.join("output");
    std::os::unix::fs::symlink("www/site", &link).unwrap();
    for run in 0..2 {
        let out = crate::common::gongkai()
            .args(["build", "content", "-o"])
            .arg(&link)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink(), "run {run}: the link was replaced");
        assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("www/site"));
        assert!(
            www.join("2022/101/index.html").is_file(),
            "run {run}: the web root lacks the build"
        );
        assert!(
            !www.join("stale.html").exists(),
            "run {run}: a file of the old web root survived"
        );
        // The spare generation lives beside the web root, not inside it.
        assert!(root.join("www/.site.previous").is_dir(), "run {run}");
        assert!(!www.join(".site.previous").exists());
    }
    assert_eq!(
        crate::common::snapshot(&www),
        crate::common::snapshot(&{
            let fresh = root.join("fresh");
            let out = crate::common::gongkai()
                .args(["build", "--no-cache", "content", "-o"])
                .arg(&fresh)
                .output()
                .unwrap();
            assert!(out.status.success());
            fresh
        }),
        "the web root holds exactly what a fresh build writes"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Templates run within a budget: a loop in an author's section is refused
/// at its line, and a runaway loop in a site's portal template stops with an
/// error naming the template. Neither publishes anything.
#[test]
fn templates_cannot_run_away() {
    let root = temp("runaway");
    let (_, diags, _) = site_with(&root, |d| {
        std::fs::create_dir_all(d.join("sections")).unwrap();
        std::fs::write(
            d.join("sections/other.md"),
            "其他事项。\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}{{ i }}{% endfor %}{% endfor %}\n",
        )
        .unwrap();
    });
    let text = diags.render_text();
    assert!(
        text.contains(
            "sections/other.md:2:1: error[template]: section `other` cannot be rendered: `{% for %}` is not allowed"
        ),
        "{text}"
    );

    let site = temp("runaway-portal");
    copy_dir(Path::new("content"), &site.join("content"), false);
    let theme = site.join("themes/default/portal");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(
        theme.join("year.html"),
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    )
    .unwrap();
    let out = crate::common::gongkai()
        .current_dir(&site)
        .arg("build")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("year.html"), "{stderr}");
    assert!(
        stderr.contains("go past the 100000 elements a page may use in all"),
        "{stderr}"
    );
    assert!(!site.join("output").exists(), "a failed build published");
    let _ = std::fs::remove_dir_all(&root);
    let _ = std::fs::remove_dir_all(&site);
}
