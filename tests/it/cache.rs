//! The build cache and the two-generation output: a warm run does no work
//! for unchanged department-years and writes exactly what a cold run writes.

use crate::common::{copy_dir, gongkai, snapshot};
use std::path::{Path, PathBuf};

/// A copy of the shipped site (content only) in a scratch folder.
fn site(name: &str) -> PathBuf {
    let root = crate::common::temp(&format!("cache-{name}"));
    copy_dir(Path::new("content"), &root.join("content"), false);
    root
}

/// Runs `gongkai <args>` in `root`; returns (success, stdout, stderr).
fn run(root: &Path, args: &[&str]) -> (bool, String, String) {
    let out = gongkai().current_dir(root).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// Every file of an output, the manifest included.
fn site_files(output: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    snapshot(output)
}

#[test]
fn a_warm_build_reuses_every_department_year_and_writes_the_same_site() {
    let root = site("warm");
    let (ok, _, cold) = run(&root, &["build"]);
    assert!(ok, "{cold}");
    assert!(!cold.contains("unchanged since the last build"), "{cold}");
    assert!(root.join(".gongkai-cache/content.json").is_file());
    let first = site_files(&root.join("output"));

    let (ok, _, warm) = run(&root, &["build"]);
    assert!(ok, "{warm}");
    assert!(warm.contains("2 unchanged since the last build"), "{warm}");
    assert!(warm.contains("0 files written"), "{warm}");
    assert_eq!(site_files(&root.join("output")), first);

    // The same site as a build that ignores the cache.
    let (ok, _, _) = run(&root, &["build", "--no-cache", "-o", "fresh"]);
    assert!(ok);
    assert_eq!(site_files(&root.join("fresh")), first);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_correction_renders_only_its_department_year() {
    let root = site("correction");
    assert!(run(&root, &["build"]).0);
    let before = site_files(&root.join("output"));
    edit(
        &root.join("content/2022/101/narrative.yaml"),
        "的主要职责是",
        "的主要职能是",
    );
    let (ok, out, err) = run(&root, &["build"]);
    assert!(ok, "{out}{err}");
    assert!(err.contains("1 unchanged since the last build"), "{err}");
    let after = site_files(&root.join("output"));
    // Exactly the same files as a build from scratch of the corrected content.
    assert!(run(&root, &["build", "--no-cache", "-o", "fresh"]).0);
    assert_eq!(after, site_files(&root.join("fresh")));
    // The other year's files did not change; the corrected year's did.
    assert_eq!(after.len(), before.len());
    let changed: Vec<&PathBuf> = after
        .iter()
        .zip(&before)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| &a.0)
        .collect();
    assert!(!changed.is_empty());
    assert!(
        changed.iter().all(|p| !p.starts_with("2026")),
        "2026 files changed: {changed:?}"
    );
    assert!(changed.iter().any(|p| p.starts_with("2022/101")), "{changed:?}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn findings_from_the_cache_read_exactly_as_the_first_time() {
    let root = site("findings");
    // An error, with the line it quotes and its caret.
    edit(
        &root.join("content/2022/101/sangong.yaml"),
        "general: 2.67",
        "general: 2.6x7",
    );
    let cold = run(&root, &["check"]);
    assert!(!cold.0);
    assert!(cold.1.contains("sangong.yaml:"), "{}", cold.1);
    assert!(cold.1.contains("2.6x7"), "{}", cold.1);
    assert!(cold.1.contains('^'), "{}", cold.1);
    assert!(!cold.2.contains("unchanged since the last run"), "{}", cold.2);
    let warm = run(&root, &["check"]);
    assert!(warm.2.contains("2 unchanged since the last run"), "{}", warm.2);
    assert_eq!((cold.0, &cold.1), (warm.0, &warm.1));
    let json = (
        run(&root, &["check", "--format", "json", "--no-cache"]),
        run(&root, &["check", "--format", "json"]),
    );
    assert_eq!(json.0, json.1);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_cache_is_void_when_the_theme_changes_and_ignored_when_corrupt() {
    let root = site("void");
    assert!(run(&root, &["build"]).0);
    let theme = root.join("themes/default/portal");
    std::fs::create_dir_all(&theme).unwrap();
    let base = std::fs::read_to_string("themes/default/portal/base.html").unwrap();
    std::fs::write(
        theme.join("base.html"),
        base.replace("</footer>", "<p>本站由某某维护</p></footer>"),
    )
    .unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok, "{err}");
    assert!(!err.contains("unchanged since the last build"), "{err}");
    let page = std::fs::read_to_string(root.join("output/2022/101/index.html")).unwrap();
    assert!(page.contains("本站由某某维护"));

    std::fs::write(root.join(".gongkai-cache/content.json"), "{ not json").unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok, "{err}");
    assert!(!err.contains("unchanged since the last build"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_touched_file_is_rehashed_and_a_damaged_output_rerendered() {
    let root = site("touched");
    assert!(run(&root, &["build"]).0);
    let first = site_files(&root.join("output"));
    // Same bytes, new time stamp (as after a git checkout): still reused.
    let unit = root.join("content/2022/101/unit.yaml");
    let text = std::fs::read(&unit).unwrap();
    std::fs::write(&unit, text).unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok && err.contains("2 unchanged since the last build"), "{err}");
    // A published file edited by hand does not match the manifest: the
    // department-year is rendered again and the file restored.
    let page = root.join("output/2022/101/index.html");
    std::fs::write(&page, "defaced").unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok && err.contains("1 unchanged since the last build"), "{err}");
    assert_eq!(site_files(&root.join("output")), first);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_removed_department_year_disappears_from_both_generations() {
    let root = site("removed");
    assert!(run(&root, &["build"]).0);
    assert!(run(&root, &["build"]).0);
    std::fs::remove_dir_all(root.join("content/2026")).unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok, "{err}");
    assert!(!root.join("output/2026").exists());
    assert!(run(&root, &["build", "--no-cache", "-o", "fresh"]).0);
    assert_eq!(site_files(&root.join("output")), site_files(&root.join("fresh")));
    // The spare generation is the previous site, complete with its manifest.
    assert!(root.join(".output.previous/.gongkai-manifest").is_file());
    assert!(root.join(".output.previous/2026").exists());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn after_a_failed_build_the_next_one_reuses_what_it_rendered() {
    let root = site("after-failure");
    assert!(run(&root, &["build"]).0);
    // 2026 corrected, 2022 broken: the build fails, output untouched.
    edit(&root.join("content/2026/101/narrative.yaml"), "\n", "\n# 更正\n");
    let sangong = root.join("content/2022/101/sangong.yaml");
    let good = std::fs::read_to_string(&sangong).unwrap();
    edit(&sangong, "general: 2.67", "general: 2.6x7");
    let published = site_files(&root.join("output"));
    assert!(!run(&root, &["build"]).0);
    assert_eq!(site_files(&root.join("output")), published);
    // Fixed: 2026 comes from the failed build's work, 2022 is rendered.
    std::fs::write(&sangong, good).unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok && err.contains("1 unchanged since the last build"), "{err}");
    assert!(run(&root, &["build", "--no-cache", "-o", "fresh"]).0);
    assert_eq!(site_files(&root.join("output")), site_files(&root.join("fresh")));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_unchanged_run_writes_no_cache_and_a_lost_search_file_loses_nothing() {
    let root = site("unchanged");
    assert!(run(&root, &["build"]).0);
    let cache = root.join(".gongkai-cache/content.json");
    let search = root.join(".gongkai-cache/content.search-signatures");
    assert!(search.is_file());
    let stamp = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before = (stamp(&cache), stamp(&search));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(run(&root, &["check"]).0);
    assert!(run(&root, &["build"]).0);
    assert_eq!(
        (stamp(&cache), stamp(&search)),
        before,
        "an unchanged run rewrote the cache"
    );

    // Losing the search signatures: the entries are worked out again, the
    // index is the same, and the signatures are written anew.
    let index = site_files(&root.join("output/search"));
    std::fs::remove_file(&search).unwrap();
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok && err.contains("2 unchanged since the last build"), "{err}");
    assert_eq!(site_files(&root.join("output/search")), index);
    assert!(search.exists(), "signatures written again");
    edit(
        &root.join("content/2022/101/narrative.yaml"),
        "的主要职责是",
        "的主要职能是",
    );
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok && err.contains("1 unchanged since the last build"), "{err}");
    assert_ne!(site_files(&root.join("output/search")), index);
    assert!(run(&root, &["build", "--no-cache", "-o", "fresh"]).0);
    assert_eq!(site_files(&root.join("output")), site_files(&root.join("fresh")));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn the_cache_follows_the_folder_not_how_it_is_named() {
    let root = site("named");
    assert!(run(&root, &["build", "content"]).0);
    let (ok, _, err) = run(&root, &["build", "./content"]);
    assert!(ok && err.contains("2 unchanged since the last build"), "{err}");
    let absolute = root.join("content").canonicalize().unwrap();
    let (ok, _, err) = run(&root, &["build", absolute.to_str().unwrap()]);
    assert!(ok && err.contains("2 unchanged since the last build"), "{err}");
    let _ = std::fs::remove_dir_all(&root);
}

/// A check records no site entries (it needs none); the build after it must
/// still render every department-year and publish the whole site.
#[test]
fn a_build_after_a_check_is_complete() {
    let root = site("check-then-build");
    assert!(run(&root, &["check"]).0);
    let (ok, _, err) = run(&root, &["build"]);
    assert!(ok, "{err}");
    assert!(!err.contains("unchanged since the last build"), "{err}");
    assert!(run(&root, &["build", "--no-cache", "-o", "fresh"]).0);
    assert_eq!(site_files(&root.join("output")), site_files(&root.join("fresh")));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_rewrite_in_place_never_reaches_the_other_generation() {
    let root = site("in-place");
    assert!(run(&root, &["build"]).0);
    // A second full render: every file is unchanged, so the spare generation
    // gets hard links to the published files (the two share inodes).
    assert!(run(&root, &["build", "--no-cache"]).0);
    let shared = site_files(&root.join("output"));
    let reword_and_build = |from: &str, to: &str| {
        edit(&root.join("content/2022/101/narrative.yaml"), from, to);
        let (ok, _, err) = run(&root, &["build"]);
        assert!(ok, "{err}");
    };
    reword_and_build("的主要职责是", "的主要职能是");
    // The corrected files were written into the spare generation; the files
    // it shared with the published one were replaced, not overwritten, so
    // the generation now spare still holds exactly the site before.
    assert_eq!(site_files(&root.join(".output.previous")), shared);
    // Back again: now the spare generation's copies of the corrected files
    // are its own (one link each) and are rewritten in place.
    reword_and_build("的主要职能是", "的主要职责是");
    assert_eq!(site_files(&root.join("output")), shared);
    let (ok, _, _) = run(&root, &["build", "--no-cache", "-o", "fresh"]);
    assert!(ok);
    assert_eq!(site_files(&root.join("fresh")), shared);
    let _ = std::fs::remove_dir_all(&root);
}
