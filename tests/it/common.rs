//! Helpers shared by the integration tests: the parser of the published
//! reference text (Word export: tab-indented cells, blank lines between rows).

use gongkai_model::table::TableId;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A table as published: header lines above it, data rows after 栏次, its note.
#[derive(Debug, Default)]
pub struct PublishedTable {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub note: Option<String>,
}

/// Reads the tables of a Word-export text: a title line, tab-indented cells,
/// blank lines between rows; data rows start after the 栏次 row.
pub fn published_tables(text: &str) -> Vec<(String, PublishedTable)> {
    let titles: Vec<&str> = TableId::ALL.iter().map(|t| t.title()).collect();
    let mut tables: Vec<(String, PublishedTable)> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut in_data = false;
    let mut current: Option<usize> = None;
    let flush =
        |row: &mut Vec<String>, tables: &mut Vec<(String, PublishedTable)>, current: Option<usize>, in_data: bool| {
            if let Some(i) = current
                && in_data
                && !row.is_empty()
            {
                tables[i].1.rows.push(std::mem::take(row));
            }
            row.clear();
        };
    for line in text.lines() {
        let unindented = line.trim_start_matches(' ');
        let plain = match unindented.find(']') {
            Some(end) if unindented.starts_with("[bookmark:") => &unindented[end + 1..],
            _ => unindented,
        };
        if let Some(cell) = line.strip_prefix('\t') {
            let Some(i) = current else { continue };
            if !in_data
                && row.is_empty()
                && tables[i].1.rows.is_empty()
                && !cell.trim().is_empty()
                && cell.trim() != "序号"
            {
                // Header lines above the column heads: unit, year, unit of amounts.
                if tables[i].1.header.len() < 3 {
                    tables[i].1.header.push(cell.trim().to_string());
                    continue;
                }
            }
            row.push(cell.trim().to_string());
        } else if line.trim().is_empty() {
            if !in_data && row.first().is_some_and(|c| c == "栏次") {
                in_data = true;
                row.clear();
            }
            flush(&mut row, &mut tables, current, in_data);
        } else if titles.contains(&plain.trim()) {
            flush(&mut row, &mut tables, current, in_data);
            tables.push((plain.trim().to_string(), PublishedTable::default()));
            current = Some(tables.len() - 1);
            in_data = false;
        } else if plain.trim().starts_with("注：") {
            if let Some(i) = current {
                tables[i].1.note = Some(plain.trim().to_string());
            }
        } else {
            flush(&mut row, &mut tables, current, in_data);
            current = None;
        }
    }
    flush(&mut row, &mut tables, current, in_data);
    tables
}

/// The reference text's lines that are not table cells, bookmarks removed.
pub fn reference_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('\t'))
        .map(|l| {
            let l = l.trim_start_matches(' ');
            match l.find(']') {
                Some(end) if l.starts_with("[bookmark:") => l[end + 1..].to_string(),
                _ => l.to_string(),
            }
        })
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Reference 000, the published 2022 disclosure.
pub fn reference_000_text() -> String {
    std::fs::read_to_string("tests/fixtures/reference/000_1bd74c4de65820db.txt").expect("reference fixture")
}

/// A fresh scratch folder for one test.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies a folder, creating files in `reverse` order if asked (a different
/// file-system order).
pub fn copy_dir(from: &Path, to: &Path, reverse: bool) {
    let mut entries: Vec<_> = walkdir::WalkDir::new(from).into_iter().map(Result::unwrap).collect();
    if reverse {
        entries.reverse();
    }
    for entry in entries {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The gongkai binary under test.
pub fn gongkai() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// Every file below a folder with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Every department-year of `content` through the pipeline, checked and
/// kept; findings into `diags`.
pub fn check_site(
    content: &Path,
    diags: &mut gongkai_model::diag::Diagnostics,
) -> Result<Vec<gongkai_render::Checked>, gongkai_site::Error> {
    let report = gongkai_site::pipeline::run(content, &gongkai_site::pipeline::Options::checked())?;
    diags.extend(report.diags);
    Ok(report.checked)
}

/// Every file of a build of `content`, in memory, sorted by path.
pub fn site_files(content: &Path) -> Result<Vec<gongkai_render::output::OutputFile>, gongkai_site::Error> {
    let report = gongkai_site::pipeline::run(content, &gongkai_site::pipeline::Options::memory())?;
    assert!(!report.diags.has_errors(), "{}", report.diags.render_text());
    Ok(report.files)
}

/// The document files of checked department-years.
pub fn document_files(checked: &[gongkai_render::Checked]) -> Vec<gongkai_render::output::OutputFile> {
    checked
        .iter()
        .flat_map(|c| gongkai_render::document_files(c).expect("document"))
        .collect()
}

/// What a snapshot assertion does on a mismatch, from `SNAPSHOTS`: unset or
/// `verify`, fail (the default, and the only choice under CI); `overwrite`,
/// rewrite the expected file for the developer to review with `git diff`
/// (see docs/testing.md). Any other value is refused, so that no setting can
/// turn a mismatch into a pass.
fn snapshot_action() -> snapbox::assert::Action {
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    match std::env::var("SNAPSHOTS").as_deref() {
        Err(std::env::VarError::NotPresent) | Ok("" | "verify") => snapbox::assert::Action::Verify,
        Ok("overwrite") if ci => panic!("SNAPSHOTS=overwrite with CI set: expected files are never rewritten in CI"),
        Ok("overwrite") => snapbox::assert::Action::Overwrite,
        Ok(other) => panic!("SNAPSHOTS={other}: only `verify` (the default) and `overwrite` are accepted"),
        Err(e) => panic!("SNAPSHOTS: {e}"),
    }
}

/// Compares `actual` with the expected file at `expected` (a path relative
/// to the crate root), exactly: no wildcards, no path or line-ending
/// normalisation. On a mismatch, the line diff; with `SNAPSHOTS=overwrite`
/// the file is rewritten instead (and created if missing).
pub fn check_snapshot(actual: &str, expected: &Path) -> Result<(), String> {
    let action = snapshot_action();
    // `raw()`: `[..]` and `...` in an expected file are text, not wildcards.
    let expected_data = snapbox::Data::read_from(expected, None).raw();
    let assert = snapbox::Assert::new().action(action).normalize_paths(false);
    let hint = format!(
        "To accept the new output: SNAPSHOTS=overwrite cargo test --workspace, then review `git diff {}` \
         (docs/testing.md).",
        expected.display()
    );
    assert
        .try_eq(Some(&"this run"), snapbox::Data::text(actual), expected_data)
        .map_err(|e| format!("{e}\n{hint}"))?;
    // snapbox folds CRLF into LF: the bytes must be the same too.
    let on_disk = std::fs::read(expected).map_err(|e| format!("{}: {e}", expected.display()))?;
    if on_disk != actual.as_bytes() && action == snapbox::assert::Action::Overwrite {
        std::fs::write(expected, actual).map_err(|e| format!("{}: {e}", expected.display()))?;
    } else if on_disk != actual.as_bytes() {
        return Err(format!(
            "{}: the lines are equal, but the line endings differ\n{hint}",
            expected.display()
        ));
    }
    Ok(())
}

/// [`check_snapshot`], panicking on a mismatch.
#[track_caller]
pub fn assert_snapshot(actual: &str, expected: &Path) {
    if let Err(e) = check_snapshot(actual, expected) {
        panic!("{e}");
    }
}
