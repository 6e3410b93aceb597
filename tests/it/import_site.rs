//! `gongkai import` into a site, through the command line: where the
//! department-year goes (its identity: two counties' 101 side by side), what
//! is refused, `published.yaml` where the published tables disagree, a blank
//! total that is not a declared 0.00, a write that dies midway, and the
//! summary and exit code the import ends with (those of `gongkai check`).
//!
//! The documents are reference 000 (张家口市人大常委会办公室, 2022) and
//! variants of it: another department's name, a table-1 total changed, a
//! 三公 subtotal left blank.

use crate::common::{gongkai, snapshot, temp};
use std::path::{Path, PathBuf};
use std::process::Output;

const REFERENCE_000: &str = "tests/fixtures/reference/000_1bd74c4de65820db.txt";
/// The department's name as reference 000 prints it.
const ZHANGJIAKOU: &str = "张家口市人民代表大会常务委员会办公室";

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

/// Reference 000 with table 1's 收入总计 printed 3000.32 (2100.32 everywhere else).
const TOTAL_3000: (&str, &str, &str) = ("", "\t收入总计\n\t2100.32\n", "\t收入总计\n\t3000.32\n");

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

/// Reference 000 published by another department: every mention of its
/// name replaced.
fn renamed(dir: &Path, file: &str, name: &str) -> PathBuf {
    let text = std::fs::read_to_string(REFERENCE_000)
        .expect("reference")
        .replace(ZHANGJIAKOU, name);
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write variant");
    path
}

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

#[test]
fn two_counties_101_of_one_year_are_kept_side_by_side() {
    let root = temp("import-two-counties");
    let content = root.join("content");
    let fengrun = renamed(&root, "fengrun.txt", "唐山市丰润区人民代表大会常务委员会办公室");
    let pingxiang = renamed(&root, "pingxiang.txt", "平乡县人民代表大会常务委员会办公室");
    let out = import(&fengrun, &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("as 2022年 130208 101 唐山市丰润区人民代表大会常务委员会办公室"),
        "{}",
        stderr(&out)
    );
    let out = import(&pingxiang, &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (region, name, level, locality) in [
        ("130208", "唐山市丰润区", "区级", "丰润区"),
        ("130532", "平乡县", "县级", "平乡县"),
    ] {
        let unit = std::fs::read_to_string(content.join(format!("2022/{region}/101/unit.yaml"))).expect("unit.yaml");
        assert!(unit.contains(&format!("region: \"{region}\"")), "{unit}");
        assert!(
            unit.contains(&format!("name: {name}人民代表大会常务委员会办公室")),
            "{unit}"
        );
        // Level and locality follow the region (not the first 市 of the name).
        assert!(unit.contains(&format!("level: {level}")), "{unit}");
        assert!(unit.contains(&format!("locality: {locality}\n")), "{unit}");
    }
    // Both are checked and published, each at its own address.
    let out = check(&content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("checked 2 department-years") && stderr(&out).contains(": 0 errors, 0 warnings, 2 notes"),
        "{}",
        stderr(&out)
    );
    let output = root.join("output");
    let out = gongkai()
        .arg("build")
        .arg(&content)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    for region in ["130208", "130532"] {
        let page = std::fs::read_to_string(output.join(format!("2022/{region}/101/index.html"))).expect("page");
        let place = if region == "130208" { "丰润区" } else { "平乡县" };
        assert!(page.contains(place), "{region}");
    }
    // Importing the same document again is refused, naming what is there.
    let out = import(&pingxiang, &content, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("holds 2022年 130532 101 平乡县人民代表大会常务委员会办公室")
            && stderr(&out).contains("pass --force"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn two_departments_no_region_tells_apart_are_refused_even_with_force() {
    let root = temp("import-no-region");
    let content = root.join("content");
    // No place name anywhere: no region is found for either.
    let first = renamed(&root, "a.txt", "人民代表大会常务委员会办公室");
    let second = renamed(&root, "b.txt", "人大常委会机关");
    let out = import(&first, &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("region not set: the document names no 区划"),
        "{}",
        stderr(&out)
    );
    let dir = content.join("2022/101");
    let before = snapshot(&dir);
    for args in [&[][..], &["--force"][..]] {
        let out = import(&second, &content, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(
                "holds 2022年 101 人民代表大会常务委员会办公室: another department than this document's 人大常委会机关"
            ) && err.contains("--region")
                && err.contains("nothing was written"),
            "{err}"
        );
        assert_eq!(snapshot(&dir), before, "{args:?}: the first one is untouched");
    }
    // With its region given, the second is kept beside the first.
    let out = import(&second, &content, &["--region", "130532"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(content.join("2022/130532/101/unit.yaml").exists());
    assert_eq!(snapshot(&dir), before);
    // A region that is not a 区划代码 imports nothing.
    let out = import(&second, &content, &["--region", "1302"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("`1302` is not a 区划代码"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_region_given_wins_and_an_ambiguous_one_is_listed_not_guessed() {
    let root = temp("import-region-given");
    let content = root.join("content");
    let chaoyang = renamed(&root, "chaoyang.txt", "朝阳区人民代表大会常务委员会办公室");
    let out = import(&chaoyang, &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("region not set: `朝阳区人民代表大会常务委员会办公室` fits 110105 北京市朝阳区")
            && err.contains("220104 吉林省长春市朝阳区"),
        "{err}"
    );
    assert!(content.join("2022/101/unit.yaml").exists());
    let beijing = content.join("2022/110105/101");
    let out = import(&chaoyang, &content, &["--region", "110105"]);
    // The same department without a region is already there: with
    // --region it would be published twice.
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("would be published twice"), "{}", stderr(&out));
    std::fs::remove_dir_all(content.join("2022/101")).expect("remove");
    let out = import(&chaoyang, &content, &["--region", "110105"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let unit = std::fs::read_to_string(beijing.join("unit.yaml")).expect("unit");
    assert!(unit.contains("region: \"110105\"   # 区划代码（导入时指定）"), "{unit}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_site_of_one_locality_keeps_its_folders_and_force_replaces_the_whole_folder() {
    let root = temp("import-one-locality");
    let content = root.join("content");
    crate::common::copy_dir(Path::new("content"), &content, false);
    let dir = content.join("2022/101");
    std::fs::create_dir_all(dir.join("sections")).expect("sections");
    std::fs::write(dir.join("sections/other_matters.md"), "本部门无其他需要说明的事项。\n").expect("section");
    let before = snapshot(&dir);
    // The shipped 2022/101 has no region: the same department-year, which
    // the import follows instead of adding 2022/130700/101 beside it.
    let out = import(Path::new(REFERENCE_000), &content, &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("in `") && err.contains("without a region; the import follows it"),
        "{err}"
    );
    assert!(
        err.contains("holds 2022年 101 张家口市人民代表大会常务委员会办公室"),
        "{err}"
    );
    assert_eq!(snapshot(&dir), before);
    assert!(!content.join("2022/130700").exists());
    let out = import(Path::new(REFERENCE_000), &content, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("removed with the old folder (the import does not write them): sections/other_matters.md"),
        "{err}"
    );
    assert!(!dir.join("sections").exists());
    let unit = std::fs::read_to_string(dir.join("unit.yaml")).expect("unit");
    assert!(!unit.contains("region"), "{unit}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_table_one_total_that_disagrees_is_kept_in_published_yaml_and_fails_the_import() {
    let root = temp("import-total-mismatch");
    let content = root.join("content");
    let file = variant(&root, "t1.txt", &[TOTAL_3000]);
    let out = import(&file, &content, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the published tables disagree in 1 cell: kept as printed in published.yaml"),
        "{err}"
    );
    assert!(!err.contains("3000.32"), "not listed as unplaced: {err}");
    assert_eq!(import_summary(&out), "1 error, 0 warnings, 1 note");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("published.yaml:7:12: error[total-mismatch]: 部门预算收支总表 收入总计 收入预算数: declared 3000.32 but its parts add to 2100.32"),
        "{stdout}"
    );
    let dir = content.join("2022/130700/101");
    let published = std::fs::read_to_string(dir.join("published.yaml")).expect("published.yaml");
    assert!(
        published.contains(
            "  - table: summary   # 部门预算收支总表\n    row: \"total\"\n    column: 收入预算数\n    value: 3000.32\n"
        ),
        "{published}"
    );
    // `check` reports it at that cell; nothing is published.
    let found = findings(&content);
    assert!(
        found
            .iter()
            .any(|(s, r, f)| s == "error" && r == "total-mismatch" && f.ends_with("2022/130700/101/published.yaml")),
        "{found:?}"
    );
    let output = root.join("output");
    let out = gongkai()
        .arg("build")
        .arg(&content)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    assert!(!output.join("2022").exists(), "nothing is published");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_blank_subtotal_above_figures_is_a_warning_not_a_declared_zero() {
    let root = temp("import-blank-subtotal");
    let content = root.join("content");
    let file = variant(&root, "blank.txt", &[CAR_BLANK]);
    let out = import(&file, &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(import_summary(&out), "0 errors, 2 warnings, 1 note");
    let dir = content.join("2022/130700/101");
    let sangong = std::fs::read_to_string(dir.join("sangong.yaml")).expect("sangong");
    assert!(!sangong.contains("car:"), "not declared: {sangong}");
    assert!(sangong.contains("subtotal: { general: 56.10 }"), "{sangong}");
    let published = std::fs::read_to_string(dir.join("published.yaml")).expect("published.yaml");
    assert!(
        published.contains("    row: \"car\"\n    column: 合计\n    value: ~   # 原表空白\n"),
        "{published}"
    );
    // The check fixture `import-blank-subtotal` is exactly this import.
    let fixture = Path::new("tests/fixtures/check/import-blank-subtotal/content/2022/130700/101");
    assert_eq!(snapshot(&dir), snapshot(fixture), "re-run the import into the fixture");
    let found = findings(&content);
    let rules: Vec<(&str, &str)> = found.iter().map(|(s, r, _)| (s.as_str(), r.as_str())).collect();
    assert_eq!(
        rules,
        [
            ("note", "total-rounding-tail"),
            ("warning", "published-blank"),
            ("warning", "published-blank")
        ]
    );
    // The table prints the sum under the blank, and the subtotal agrees.
    let mut diags = gongkai_model::diag::Diagnostics::new();
    let checked = crate::common::check_site(&content, &mut diags).expect("checks");
    let t9 = checked[0]
        .derived
        .table(gongkai_model::table::TableId::Sangong)
        .expect("table 9");
    assert_eq!(t9.figure("car", "合计").expect("car").text(), "53.43");
    assert_eq!(t9.figure("subtotal", "合计").expect("subtotal").text(), "56.10");
    let _ = std::fs::remove_dir_all(&root);
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

/// A forced import whose write fails leaves the old folder as it was: when
/// a write is refused (the file-size limit, with its signal ignored) the
/// import says so and removes what it staged; when the process is killed
/// midway (the limit's signal), the old folder is intact, the staging folder
/// left beside it is not content, and the next build publishes the old
/// department-year whole.
#[cfg(unix)]
#[test]
fn a_forced_import_that_fails_midway_leaves_the_old_folder_intact() {
    let root = temp("import-crash");
    let content = root.join("content");
    let out = import(Path::new(REFERENCE_000), &content, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = content.join("2022/130700/101");
    let before = snapshot(&dir);
    let file = variant(&root, "t1.txt", &[TOTAL_3000]);
    // 12 blocks (6 or 12 KB, whichever the shell counts): the first files
    // fit, projects.yaml (16 KB) does not.
    let limited = |trap: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{trap} ulimit -f 12; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_gongkai"))
            .arg("import")
            .arg(&file)
            .arg("--content")
            .arg(&content)
            .arg("--force")
            .output()
            .expect("runs")
    };
    let siblings = || {
        let mut names: Vec<String> = std::fs::read_dir(content.join("2022/130700"))
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    // The write refused: an error, and nothing staged is left.
    let out = limited("trap '' XFSZ;");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("projects.yaml") && stderr(&out).contains("nothing was written"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&dir), before);
    assert_eq!(siblings(), ["101"]);
    // Killed midway.
    let out = limited("");
    assert!(out.status.code().is_none(), "killed by a signal: {}", stderr(&out));
    assert_eq!(snapshot(&dir), before, "the old folder is intact");
    let left = siblings();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left[0].starts_with(".101.gongkai-staging-"), "{left:?}");
    // The leftover is reported, never read; the old department-year is published whole.
    let found = findings(&content);
    assert!(
        found
            .iter()
            .any(|(s, r, f)| s == "warning" && r == "write-interrupted" && f.contains(".101.gongkai-staging-")),
        "{found:?}"
    );
    assert!(!found.iter().any(|(s, _, _)| s == "error"), "{found:?}");
    let output = root.join("output");
    let out = gongkai()
        .arg("build")
        .arg(&content)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let document = std::fs::read_to_string(output.join("2022/130700/101/disclosure.md")).expect("document");
    assert!(
        document.contains("人大代表培训经费"),
        "the project tables are published"
    );
    let _ = std::fs::remove_dir_all(&root);
}
