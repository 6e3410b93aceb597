//! Fixture folders: each `tests/fixtures/check/<case>/content/` is a small
//! site with one class of bad input; `expected.txt` next to it holds the exact
//! `Diagnostics::render_text()` output of checking it (rule, severity,
//! message, file, line, column, source line and caret), compared as a
//! snapbox snapshot.
//!
//! A mismatch fails. `SNAPSHOTS=overwrite` rewrites `expected.txt` from the
//! actual output (and creates it for a new case) — then read every changed
//! file with `git diff` before committing it (docs/testing.md).

use gongkai_model::diag::Diagnostics;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

const FIXTURES: &str = "tests/fixtures/check";

/// What checking one case produced.
struct Outcome {
    text: String,
    has_errors: bool,
}

/// Checks one case's content folder; a load error or a panic becomes part of
/// the text so it shows in the diff.
fn run_case(content: &Path) -> Outcome {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut diags = Diagnostics::new();
        let loaded = crate::common::check_site(content, &mut diags);
        (loaded.map(|_| ()), diags)
    }));
    match result {
        Ok((loaded, diags)) => {
            let mut text = diags.render_text();
            if let Err(e) = loaded {
                let _ = writeln!(text, "LOAD ERROR: {e}");
            }
            Outcome {
                text,
                has_errors: diags.has_errors(),
            }
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(non-string panic payload)");
            Outcome {
                text: format!("PANIC: {message}\n"),
                has_errors: true,
            }
        }
    }
}

/// The case folders, in name order.
fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .unwrap_or_else(|e| panic!("cannot read {FIXTURES}: {e}"))
        .map(|entry| entry.expect("readable fixture entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn check_fixtures() {
    // Paths in messages are relative to the working directory, which cargo
    // sets to the crate root for integration tests.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::env::current_dir().expect("working directory").canonicalize().ok(),
        root.canonicalize().ok(),
        "run from the crate root so diagnostic paths match expected.txt"
    );
    let cases = cases();
    assert!(!cases.is_empty(), "no fixture cases under {FIXTURES}");

    let mut failures: Vec<String> = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let content = case.join("content");
        let expected_path = case.join("expected.txt");
        if !content.is_dir() {
            eprintln!("[{name}] has no content/ folder");
            failures.push(name);
            continue;
        }
        let outcome = run_case(&content);

        if let Err(diff) = crate::common::check_snapshot(&outcome.text, &expected_path) {
            eprintln!(
                "[{name}] render_text() differs from {}:\n{diff}",
                expected_path.display()
            );
            failures.push(name);
            continue;
        }
        let expects_errors = outcome.text.contains(": error[");
        if outcome.has_errors != expects_errors {
            eprintln!(
                "[{name}] has_errors() is {}, but expected.txt {} `: error[`",
                outcome.has_errors,
                if expects_errors { "contains" } else { "does not contain" }
            );
            failures.push(name);
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed: {}",
        failures.len(),
        cases.len(),
        failures.join(", ")
    );
}

/// Codes the built-in list has only since this transcription (2013201,
/// 2013202) and codes it lacks under a known parent (a warning) stop
/// neither the checks nor the build: the site builds and its document keeps
/// the names the content gives.
#[test]
fn code_fixtures_with_warnings_only_build() {
    for case in ["code-listed-2013201", "code-not-in-list", "code-renamed-2022"] {
        let content = Path::new(FIXTURES).join(case).join("content");
        let files = crate::common::site_files(&content).unwrap_or_else(|e| panic!("[{case}] build failed: {e}"));
        assert!(!files.is_empty(), "[{case}] built no files");
    }
    let content = Path::new(FIXTURES).join("code-not-in-list/content");
    let checked = {
        let mut diags = Diagnostics::new();
        crate::common::check_site(&content, &mut diags).expect("checks")
    };
    let text: String = crate::common::document_files(&checked)
        .iter()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .collect();
    assert!(
        text.contains("社会工作事务"),
        "the name given for 20139 is kept in the document"
    );
}
