//! `gongkai import` into a site, through the command line: the exit code
//! and the summary the import ends with (those of `gongkai check` for the
//! department-year it wrote).
//!
//! The documents are reference 000 (张家口市人大常委会办公室, 2022) and
//! variants of it.

use crate::common::{gongkai, temp};
use std::path::{Path, PathBuf};
use std::process::Output;

const REFERENCE_000: &str = "tests/fixtures/reference/000_1bd74c4de65820db.txt";
/// Reference 000 with `edits` applied, written into `dir` as `name`: each
/// `(after, from, to)` replaces the first `from` after the first `after`
/// (a table's title; empty for the start), which must exist.
fn variant(dir: &Path, name: &str, edits: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(REFERENCE_000).expect("reference");
    for (after, from, to) in edits {
        let start = text
            .find(after)
            .unwrap_or_else(|| panic!("`{after}` is not in the reference"));
        let at = text[start..]
            .find(from)
            .unwrap_or_else(|| panic!("`{from}` is not in the reference after `{after}`"));
        text.replace_range(start + at..start + at + from.len(), to);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write variant");
    path
}

/// Reference 000 with the 公务用车购置及运维费 row of table 9 left blank above
/// its 53.43 运行维护费.
const CAR_BLANK: (&str, &str, &str) = (
    "",
    "\t二、公务用车购置及运维费\n\t53.43\n\t53.43\n",
    "\t二、公务用车购置及运维费\n\t\n\t\n",
);

/// Reference 000 with 2010101 行政运行 at 1030.00 in 部门预算支出总表 (the
/// source of functions.yaml) and in the 一般公共预算 table: its declared
/// parents no longer add up.
const LEAF_CHANGED: [(&str, &str, &str); 2] = [
    (
        "部门预算支出总表",
        "\t2010101\n\t行政运行\n\t1030.38\n\t1030.38\n",
        "\t2010101\n\t行政运行\n\t1030.00\n\t1030.00\n",
    ),
    (
        "部门预算一般公共预算财政拨款支出表",
        "\t2010101\n\t行政运行\n\t1030.38\n\t1030.38\n",
        "\t2010101\n\t行政运行\n\t1030.00\n\t1030.00\n",
    ),
];

/// `gongkai import FILE --content CONTENT ARGS…`.
fn import(file: &Path, content: &Path, args: &[&str]) -> Output {
    gongkai()
        .arg("import")
        .arg(file)
        .arg("--content")
        .arg(content)
        .args(args)
        .output()
        .expect("runs")
}

/// `gongkai check CONTENT ARGS…`.
fn check(content: &Path, args: &[&str]) -> Output {
    gongkai().arg("check").arg(content).args(args).output().expect("runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The findings of `gongkai check --format json`: (severity, rule, file).
fn findings(content: &Path) -> Vec<(String, String, String)> {
    let out = check(content, &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    json.as_array()
        .expect("array")
        .iter()
        .map(|d| {
            let field = |k: &str| d[k].as_str().unwrap_or_default().to_string();
            (field("severity"), field("rule"), field("file"))
        })
        .collect()
}

/// The line `check of the imported department-year: …` of an import.
fn import_summary(out: &Output) -> String {
    stderr(out)
        .lines()
        .find_map(|l| l.strip_prefix("check of the imported department-year: "))
        .unwrap_or_else(|| panic!("no summary: {}", stderr(out)))
        .to_string()
}

/// The folder an import says it wrote (`… into DIR (N files)`).
fn written_into(out: &Output) -> String {
    let err = stderr(out);
    let line = err
        .lines()
        .find(|l| l.starts_with("imported "))
        .unwrap_or_else(|| panic!("{err}"));
    let (_, rest) = line.split_once(" into ").unwrap_or_else(|| panic!("{line}"));
    let (dir, _) = rest.rsplit_once(" (").unwrap_or_else(|| panic!("{line}"));
    dir.to_string()
}

/// The import's summary line counts what `check` reports for the
/// department-year it wrote, in a site with others too.
fn assert_summary_is_checks(out: &Output, content: &Path) -> String {
    let summary = import_summary(out);
    let dir = written_into(out);
    let mine: Vec<(String, String, String)> = findings(content)
        .into_iter()
        .filter(|(_, _, f)| Path::new(f).starts_with(&dir))
        .collect();
    let count = |s: &str| mine.iter().filter(|(sev, _, _)| sev == s).count();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    assert_eq!(
        summary,
        format!(
            "{}, {}, {}",
            plural(count("error"), "error"),
            plural(count("warning"), "warning"),
            plural(count("note"), "note")
        ),
        "{mine:?}"
    );
    summary
}

#[test]
fn the_import_summary_is_what_check_prints_for_the_department_year() {
    let root = temp("import-summary");
    let content = root.join("content");
    crate::common::copy_dir(Path::new("content/2026"), &content.join("2026"), false);
    // With errors: written, exit 1, and the counts are check's.
    let broken = variant(&root, "leaf.txt", &LEAF_CHANGED);
    let out = import(&broken, &content, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let summary = assert_summary_is_checks(&out, &content);
    assert!(!summary.starts_with("0 errors"), "{summary}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("error[total-mismatch]: 20101"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr(&out).contains("error: the imported content has errors"),
        "{}",
        stderr(&out)
    );
    // On its own, `check` prints the same line.
    let alone = root.join("alone");
    let dir = written_into(&out);
    let relative = Path::new(&dir)
        .strip_prefix(&content)
        .expect("inside the content folder");
    crate::common::copy_dir(Path::new(&dir), &alone.join(relative), false);
    let out = check(&alone, &[]);
    assert!(
        stderr(&out).contains(&format!("checked 1 department-year: {summary}")),
        "{}",
        stderr(&out)
    );
    // Warnings and notes only: exit 0, the same counts.
    let other = root.join("other");
    crate::common::copy_dir(Path::new("content/2026"), &other.join("2026"), false);
    let file = variant(&root, "blank.txt", &[CAR_BLANK]);
    let out = import(&file, &other, &[]);
    let summary = assert_summary_is_checks(&out, &other);
    let expected = if summary.starts_with("0 errors") { 0 } else { 1 };
    assert_eq!(out.status.code(), Some(expected), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn nothing_imported_exits_2_and_errors_written_exit_1() {
    let root = temp("import-exit");
    let content = root.join("content");
    let file = root.join("nothing.txt");
    std::fs::write(&file, "一、部门职责及机构设置情况\n负责某事。\n").expect("write");
    let out = import(&file, &content, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no department found"), "{}", stderr(&out));
    assert!(!content.exists());
    let out = import(&root.join("missing.txt"), &content, &[]);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&root);
}
