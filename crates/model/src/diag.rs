//! Diagnostics: what is wrong, where, and what would be right.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the
//! first problem. A diagnostic names a file, line and column (1-based, column
//! counted in characters), a severity, a stable rule id and a message; it is
//! printed as `path:line:col: severity[rule]: message` followed by the source
//! line and a caret under the offending value, or as JSON.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How bad a finding is. `Error` fails `check` and `build`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Wrong: fails `check` and `build`.
    Error,
    /// Probably wrong, or worth a look; the build goes on.
    Warning,
    /// For information (a rounding tail within bounds, a step skipped); nothing to fix.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`, as findings print it.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A position in a content file: 1-based line and character column, and the
/// length in characters of the value it points at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// The file, its path as findings print it (see [`display_path`]).
    pub file: Arc<Path>,
    /// Line, from 1.
    pub line: u32,
    /// Column in characters, from 1.
    pub column: u32,
    /// Length of the value in characters (0 for a whole file): what the carets underline.
    pub len: u32,
}

impl Loc {
    /// The start of a file, for findings about a file as a whole.
    pub fn file_start(file: &Arc<Path>) -> Self {
        Loc {
            file: file.clone(),
            line: 1,
            column: 1,
            len: 0,
        }
    }

    /// The position of a loaded value.
    pub fn at(file: &Arc<Path>, pos: &crate::span::Pos) -> Self {
        Loc {
            file: file.clone(),
            line: pos.line.max(1),
            column: pos.column.max(1),
            len: pos.len,
        }
    }

    /// The position serde-saphyr reports for a value or an error in `file`.
    pub fn from_saphyr(file: &Arc<Path>, loc: &serde_saphyr::Location) -> Self {
        Loc {
            file: file.clone(),
            line: loc.line().max(1) as u32,
            column: loc.column().max(1) as u32,
            len: loc.span().len() as u32,
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// Stable identifier of the rule, e.g. `total-rounding-tail`.
    pub rule: &'static str,
    /// Where: the value the finding is about.
    pub loc: Loc,
    /// What is wrong, in one sentence without the position (the headline adds it).
    pub message: String,
    /// What would be right, when that can be said.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A finding without help; set `help` to add what would be right.
    pub fn new(severity: Severity, rule: &'static str, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            rule,
            loc,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The first line: `path:line:col: severity[rule]: message`.
    pub(crate) fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.loc.file.display(),
            self.loc.line,
            self.loc.column,
            self.severity.label(),
            self.rule,
            self.message
        )
    }
}

/// The JSON form of a diagnostic (`check --format json`).
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: Severity,
    rule: &'a str,
    file: String,
    line: u32,
    column: u32,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

/// All findings of a run, plus the text of the files they point into.
#[derive(Default, Debug)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    sources: BTreeMap<Arc<Path>, Arc<str>>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Remembers a file's text so findings in it can quote the line.
    pub fn add_source(&mut self, path: Arc<Path>, text: Arc<str>) {
        self.sources.insert(path, text);
    }

    /// Adds a finding made elsewhere (a code verdict, a cached finding).
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error; set `help` on the result to say what would be right.
    pub fn error(&mut self, rule: &'static str, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        self.push_get(Diagnostic::new(Severity::Error, rule, loc, message))
    }

    /// Adds a warning; set `help` on the result to say what would be right.
    pub fn warning(&mut self, rule: &'static str, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        self.push_get(Diagnostic::new(Severity::Warning, rule, loc, message))
    }

    /// Adds a note; set `help` on the result to say more.
    pub fn note(&mut self, rule: &'static str, loc: Loc, message: impl Into<String>) -> &mut Diagnostic {
        self.push_get(Diagnostic::new(Severity::Note, rule, loc, message))
    }

    fn push_get(&mut self, diagnostic: Diagnostic) -> &mut Diagnostic {
        self.items.push(diagnostic);
        self.items.last_mut().expect("just pushed")
    }

    /// Forgets the text of every file no finding points into. A run over a
    /// site keeps each department-year's findings until the end; without
    /// this it would keep the text of every content file too.
    pub fn forget_unquoted_sources(&mut self) {
        let quoted: std::collections::BTreeSet<&Path> = self.items.iter().map(|d| &*d.loc.file).collect();
        self.sources.retain(|path, _| quoted.contains(&**path));
    }

    /// Takes the findings of another run (a department-year checked apart).
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
        self.sources.extend(other.sources);
    }

    /// Splits the findings in two: those `mine` selects, and the others,
    /// each with the text of the files its findings point into.
    pub fn partition(self, mine: impl Fn(&Diagnostic) -> bool) -> (Diagnostics, Diagnostics) {
        let (a, b): (Vec<Diagnostic>, Vec<Diagnostic>) = self.items.into_iter().partition(|d| mine(d));
        let sources = |items: &[Diagnostic]| -> BTreeMap<Arc<Path>, Arc<str>> {
            self.sources
                .iter()
                .filter(|(path, _)| items.iter().any(|d| d.loc.file == **path))
                .map(|(path, text)| (path.clone(), text.clone()))
                .collect()
        };
        let (sa, sb) = (sources(&a), sources(&b));
        (
            Diagnostics { items: a, sources: sa },
            Diagnostics { items: b, sources: sb },
        )
    }

    /// Whether any finding is an error, which fails `check` and `build`.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many findings are of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// Whether there is no finding at all.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The findings ordered by file, line, column, then severity and rule.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| (&a.loc, a.severity, a.rule, &a.message).cmp(&(&b.loc, b.severity, b.rule, &b.message)));
        items.dedup_by(|a, b| a == b);
        items
    }

    /// Human-readable report: each finding with its source line and caret.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for d in self.sorted() {
            out.push_str(&d.headline());
            out.push('\n');
            if let Some(line) = self.source_line(&d.loc.file, d.loc.line) {
                let number = d.loc.line.to_string();
                let gutter = " ".repeat(number.len());
                let _ = writeln!(out, "{gutter} |");
                let _ = writeln!(out, "{number} | {line}");
                let lead = display_width(line.chars().take(d.loc.column.saturating_sub(1) as usize));
                let span: String = line
                    .chars()
                    .skip(d.loc.column.saturating_sub(1) as usize)
                    .take(d.loc.len.max(1) as usize)
                    .collect();
                let carets = display_width(span.chars()).max(1);
                let _ = writeln!(out, "{gutter} | {}{}", " ".repeat(lead), "^".repeat(carets));
            }
            if let Some(help) = &d.help {
                let _ = writeln!(out, "  = help: {help}");
            }
        }
        out
    }

    /// One JSON object per finding, as an array.
    pub fn render_json(&self) -> String {
        let items: Vec<JsonDiagnostic> = self
            .sorted()
            .into_iter()
            .map(|d| JsonDiagnostic {
                severity: d.severity,
                rule: d.rule,
                file: d.loc.file.display().to_string(),
                line: d.loc.line,
                column: d.loc.column,
                message: &d.message,
                help: d.help.as_deref(),
            })
            .collect();
        serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
    }

    /// `N errors, N warnings, N notes`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {}, {}",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Note), "note")
        )
    }

    /// The findings in the order they were reported (unsorted, duplicates kept).
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The text of a line of a registered file.
    pub fn source_line(&self, file: &Path, line: u32) -> Option<&str> {
        let text = self.sources.get(file)?;
        text.lines().nth(line.checked_sub(1)? as usize)
    }
}

/// Terminal columns a run of characters takes: CJK and full-width forms take two.
fn display_width(chars: impl Iterator<Item = char>) -> usize {
    chars.map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Path of a content file as diagnostics print it: relative to the working
/// directory when it lies below it.
pub fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}

/// The candidate closest to `field` (case-insensitive), when one is within a
/// small edit distance: the "did you mean" of a finding.
pub fn closest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    let lower = field.to_lowercase();
    expected
        .iter()
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(d, k)| *d <= (k.chars().count() / 3).max(2))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_quoted_sources_are_kept() {
        let quoted: Arc<Path> = Arc::from(Path::new("a.yaml"));
        let clean: Arc<Path> = Arc::from(Path::new("b.yaml"));
        let mut diags = Diagnostics::new();
        diags.add_source(quoted.clone(), Arc::from("a: 1\n"));
        diags.add_source(clean.clone(), Arc::from("b: 2\n"));
        diags.warning("test", Loc::file_start(&quoted), "look");
        diags.forget_unquoted_sources();
        assert_eq!(diags.source_line(&quoted, 1), Some("a: 1"));
        assert_eq!(diags.source_line(&clean, 1), None);
        // The finding still renders with its line.
        assert!(diags.render_text().contains("1 | a: 1"), "{}", diags.render_text());
    }

    #[test]
    fn caret_lines_up_under_cjk_text() {
        let file: Arc<Path> = Arc::from(Path::new("a.yaml"));
        let mut diags = Diagnostics::new();
        diags.add_source(file.clone(), Arc::from("名称: 行政运行 x\n"));
        let loc = Loc {
            file,
            line: 1,
            column: 5,
            len: 4,
        };
        diags.error("test", loc, "bad");
        let text = diags.render_text();
        assert_eq!(
            text,
            "a.yaml:1:5: error[test]: bad\n  |\n1 | 名称: 行政运行 x\n  |       ^^^^^^^^\n"
        );
    }
}
