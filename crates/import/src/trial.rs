//! The trial of an import: the content files it made are checked in memory
//! as every command checks a department-year
//! ([`check_department`](gongkai_site::pipeline::check_department) on
//! [`Files::Memory`]), and what gongkai prints from them is compared with
//! the published document: every cell of every table it derives, and the
//! wording of every figure sentence it regenerates. Nothing is written to
//! the disk.
//!
//! A published amount cell that differs from the derived one (the
//! published tables disagree with each other, or with what was imported)
//! has a place: it is returned as a [`Disagreement`], which the importer
//! writes to `published.yaml` so that `check` reports it (`total-mismatch`,
//! a rounding tail, `published-blank`). Everything else that differs (a
//! published row gongkai does not print, a text cell, a note) is listed.

use crate::content::Regenerated;
use crate::document::table::Num;
use crate::document::words::{code_and_name, is_number, one_line, short, squeeze, trim};
use crate::document::{Doc, Kind, PubTable};
use gongkai_content::load::Files;
use gongkai_model::codes::{CodeLists, SiteCodes};
use gongkai_model::diag::{Diagnostics, Severity};
use gongkai_model::identity::Identity;
use gongkai_model::table::{Cell, Table, TableId};
use gongkai_site::pipeline::{Settings, check_department};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// What an import made, to try.
pub(crate) struct Trial<'a> {
    /// The published document.
    pub(crate) doc: &'a Doc,
    /// The content files made, by name.
    pub(crate) files: &'a [(String, String)],
    /// The department-year (the folder its files would be in).
    pub(crate) identity: &'a Identity,
    /// The function and economic codes published, with their names.
    pub(crate) function_codes: &'a BTreeMap<String, String>,
    pub(crate) economic_codes: &'a BTreeMap<String, String>,
    /// The figure sentences gongkai writes again.
    pub(crate) regenerated: &'a [Regenerated],
}

/// A published amount cell that differs from the one gongkai derives: its
/// place in the derived table and the figure as printed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Disagreement {
    /// The table.
    pub(crate) table: TableId,
    /// The row's key in the derived table (`201`, `total`, `car` …).
    pub(crate) row: String,
    /// The column's label.
    pub(crate) column: &'static str,
    /// The figure as printed (thousands separators removed); `None` when
    /// the cell was printed blank.
    pub(crate) printed: Option<String>,
}

/// What a trial found.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// What has no place in the content, one line each.
    pub(crate) unplaced: Vec<String>,
    /// Published amount cells that differ from the derived ones and are not
    /// among those already kept.
    pub(crate) disagreements: Vec<Disagreement>,
}

/// Tries the import: what has no place, and the published cells that
/// differ from the derived ones, leaving out those in `kept` (already in
/// `published.yaml`: `check` reports them).
pub(crate) fn compare(trial: &Trial<'_>, kept: &[Disagreement]) -> Outcome {
    let Trial { doc, identity, .. } = *trial;
    let year = identity.year;
    let mut outcome = Outcome::default();
    let out = &mut outcome.unplaced;
    // Codes the built-in lists lack: the site must add them.
    let lists = CodeLists::builtin(year);
    let mut site = SiteCodes::default();
    for (code, name) in trial.function_codes {
        if !lists.function.contains(code) {
            out.push(format!(
                "function code {code} {name} is not in the built-in {} list: add `{code}\t{name}` to content/codes/function.tsv",
                lists.function.year
            ));
            site.function.push((code.clone(), name.clone()));
        }
    }
    for (code, name) in trial.economic_codes {
        if !lists.economic.contains(code) {
            out.push(format!(
                "economic code {code} {name} is not in the built-in {} list: add `{code}\t{name}` to content/codes/economic.tsv",
                lists.economic.year
            ));
            site.economic.push((code.clone(), name.clone()));
        }
    }
    let narrator = match gongkai_render::narrative::Narrator::new(None) {
        Ok(narrator) => narrator,
        Err(e) => {
            out.push(format!(
                "the imported content could not be tried (gongkai's own templates: {e}); published tables were not compared"
            ));
            return outcome;
        }
    };
    let settings = Settings {
        config: gongkai_model::config::SiteConfig::defaults(std::path::Path::new("content")),
        site_codes: site,
        narrator,
    };
    let files: BTreeMap<String, Vec<u8>> = trial
        .files
        .iter()
        .map(|(name, text)| (name.clone(), text.as_bytes().to_vec()))
        .collect();
    let dir = identity.path();
    let mut diags = Diagnostics::new();
    let Some(checked) = check_department(Files::Memory(&files), &dir, &settings, &mut diags) else {
        if !diags.iter().any(|d| d.rule == "not-derived") {
            out.push(format!("the imported unit.yaml does not load: {}", diags.render_text()));
            return outcome;
        }
        // Errors in the files: check derives nothing from them.
        for d in diags.iter().filter(|d| d.severity == Severity::Error) {
            let file = d
                .loc
                .file
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push(format!(
                "check will report in {file} line {}: {}",
                d.loc.line, d.message
            ));
        }
        out.push(
            "published tables and figure sentences were not compared: check derives nothing from files with errors"
                .into(),
        );
        return outcome;
    };
    let derived = &checked.derived;
    let mut cells = Cells {
        kept,
        found: &mut outcome.disagreements,
    };
    for (kind, table) in Kind::NINE.iter().zip(&derived.tables) {
        if let Some(published) = doc.table(*kind) {
            compare_table(published, table, out, &mut cells);
        }
    }
    for (kind, table) in [
        (Kind::Procurement, &derived.procurement),
        (Kind::Assets, &derived.assets),
        (Kind::Organisation, &derived.organisation),
    ] {
        if let (Some(published), Some(table)) = (doc.table(kind), table) {
            compare_table(published, table, out, &mut cells);
        }
    }
    if derived.tables.is_empty() {
        for kind in Kind::NINE {
            if let Some(t) = doc.table(kind) {
                out.push(format!(
                    "{}: published, but no 部门预算支出总表 was found to derive it from; not imported",
                    t.title
                ));
            }
        }
    }
    // The regenerated figure sentences against gongkai's.
    if trial.regenerated.is_empty() {
        return outcome;
    }
    let Some(rendered) = &checked.document else {
        for (_, sec, text) in trial.regenerated {
            out.push(format!(
                "{}: gongkai could not render this section to compare; published text: {text}",
                sec.label()
            ));
        }
        return outcome;
    };
    for (id, sec, text) in trial.regenerated {
        let ours = rendered
            .sections
            .iter()
            .find(|(s, _)| s == id)
            .map(|(_, t)| t.as_str())
            .unwrap_or("");
        let missing = uncovered(text, ours);
        if !missing.is_empty() {
            out.push(format!(
                "{}: published wording not reproduced by gongkai's sentence — published: «{}» ; not in gongkai's text: «{}» ; gongkai writes: «{}»",
                sec.label(),
                text,
                missing.join("」「"),
                ours.trim()
            ));
        }
    }
    outcome
}

/// The published cells that differ from the derived ones: those already
/// kept, and those found.
struct Cells<'a> {
    kept: &'a [Disagreement],
    found: &'a mut Vec<Disagreement>,
}

impl Cells<'_> {
    /// A published cell that differs from the derived one: kept for
    /// `published.yaml` when it is an amount (or printed blank) where the
    /// derived table has an amount; `false` when it has no place there.
    fn place(&mut self, table: &Table, row: usize, column: usize, printed: &str) -> bool {
        if !matches!(table.rows[row].cells.get(column), Some(Cell::Amount(_))) {
            return false;
        }
        let printed = match Num::of(printed) {
            Num::Value(v) => Some(v),
            Num::Empty => None,
            Num::Bad(_) => return false,
        };
        let cell = Disagreement {
            table: table.id,
            row: table.rows[row].key.clone(),
            column: table.columns[column],
            printed,
        };
        if !self
            .kept
            .iter()
            .any(|k| k.table == cell.table && k.row == cell.row && k.column == cell.column)
            && !self.found.contains(&cell)
        {
            self.found.push(cell);
        }
        true
    }
}

/// Normalised text for comparing wording: no spaces, full-width
/// punctuation, numbers without trailing zeros.
fn normalise(text: &str) -> String {
    let mut s: String = squeeze(text)
        .chars()
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ',' => '，',
            ';' => '；',
            ':' => '：',
            c => c,
        })
        .collect();
    // Numbers: 56.10 → 56.1
    let mut out = String::with_capacity(s.len());
    let mut number = String::new();
    s.push('\u{0}');
    for c in s.chars() {
        if c.is_ascii_digit() || (c == '.' && !number.is_empty() && !number.contains('.')) {
            number.push(c);
            continue;
        }
        if !number.is_empty() {
            let trimmed = number.trim_end_matches('.');
            match trimmed.parse::<Decimal>() {
                Ok(d) if trimmed.contains('.') => out.push_str(&short(d)),
                _ => out.push_str(trimmed),
            }
            if number.ends_with('.') {
                out.push('.');
            }
            number.clear();
        }
        if c != '\u{0}' {
            out.push(c);
        }
    }
    out
}

/// Clauses of `published` that `ours` lacks.
fn uncovered(published: &str, ours: &str) -> Vec<String> {
    let ours = normalise(ours);
    normalise(published)
        .split(['，', '。', '；', '：', '（', '）', '、', '“', '”'])
        .filter(|c| !c.is_empty() && !ours.contains(*c))
        .map(str::to_string)
        .collect()
}

/// A cell's text for comparison.
fn cell_norm(s: &str) -> String {
    let t = squeeze(s);
    match Num::of(&t) {
        Num::Empty => String::new(),
        Num::Value(v) => {
            let d: Decimal = v.parse().unwrap_or_default();
            if d.is_zero() { String::new() } else { short(d) }
        }
        Num::Bad(_) => t.replace('(', "（").replace(')', "）"),
    }
}

/// One published table against gongkai's, row by row (aligned on their
/// labels) and cell by cell: an amount cell that differs goes to `cells`,
/// anything else that differs to `out`.
fn compare_table(published: &PubTable, table: &Table, out: &mut Vec<String>, cells: &mut Cells<'_>) {
    let title = &published.title;
    let data: Vec<&Vec<String>> = published.data();
    let width = table.columns.len();
    let numbered = table.columns.first() == Some(&"序号");
    // Published rows fitted to the derived width.
    let rows: Vec<Vec<String>> = data
        .iter()
        .map(|r| {
            let mut r: Vec<String> = (*r).clone();
            // The 机构设置 table prints names without their unit codes.
            if published.kind == Kind::Organisation
                && let Some(first) = r.first_mut()
                && let Some((code, name)) = code_and_name(first)
                && code.len() >= 6
            {
                *first = name;
            }
            while r.len() > width && r.last().is_some_and(|c| trim(c).is_empty()) {
                r.pop();
            }
            if numbered && r.len() + 1 == width {
                r.insert(0, String::new());
            }
            r
        })
        .collect();
    let text_columns: Vec<usize> = (0..width)
        .filter(|i| !(numbered && *i == 0))
        .filter(|i| {
            table
                .rows
                .iter()
                .any(|r| matches!(r.cells.get(*i), Some(Cell::Text(_))))
        })
        .collect();
    let signature = |cells: &dyn Fn(usize) -> String| -> String {
        text_columns.iter().map(|i| cells(*i)).collect::<Vec<_>>().join("|")
    };
    let ours: Vec<String> = table
        .rows
        .iter()
        .map(|r| signature(&|i| r.cells.get(i).map(|c| cell_norm(&c.display())).unwrap_or_default()))
        .collect();
    let theirs: Vec<String> = rows
        .iter()
        .map(|r| signature(&|i| r.get(i).map(|c| cell_norm(c)).unwrap_or_default()))
        .collect();
    let pairs = align(&theirs, &ours);
    let mut matched_ours = vec![false; ours.len()];
    for (p, o) in &pairs {
        matched_ours[*o] = true;
        let pr = &rows[*p];
        let or = &table.rows[*o];
        if pr.len() > width && pr[width..].iter().any(|c| !trim(c).is_empty()) {
            out.push(format!(
                "{title}: row «{}»: cells beyond gongkai's {width} columns: {}",
                label_of(pr),
                pr[width..].join(" | ")
            ));
        }
        for i in 0..width {
            if numbered && i == 0 {
                continue;
            }
            let a = pr.get(i).map(|c| cell_norm(c)).unwrap_or_default();
            let b = or.cells.get(i).map(|c| cell_norm(&c.display())).unwrap_or_default();
            if a != b && !cells.place(table, *o, i, pr.get(i).map_or("", String::as_str)) {
                out.push(format!(
                    "{title}: row «{}», column {}: published `{}`, gongkai prints `{}`",
                    label_of(pr),
                    table.columns[i],
                    pr.get(i).map(|c| one_line(c)).unwrap_or_default(),
                    or.cells[i].display()
                ));
            }
        }
    }
    let matched: BTreeSet<usize> = pairs.iter().map(|(p, _)| *p).collect();
    for (p, row) in rows.iter().enumerate() {
        if matched.contains(&p) {
            continue;
        }
        let content: Vec<String> = row
            .iter()
            .enumerate()
            .filter(|(i, c)| !(trim(c).is_empty() || numbered && *i == 0))
            .map(|(_, c)| one_line(c))
            .collect();
        if !content.is_empty() {
            let hint = if published.kind == Kind::Summary {
                " (gongkai prints the 类 lines of the year's list; a locality line such as 人行科目 needs its code in content/codes/lei.tsv and figures in functions.yaml)"
            } else {
                ""
            };
            out.push(format!(
                "{title}: published row not reproduced by gongkai: {}{hint}",
                content.join(" | ")
            ));
        }
    }
    for (o, row) in table.rows.iter().enumerate() {
        if !matched_ours[o]
            && row
                .cells
                .iter()
                .any(|c| matches!(c, Cell::Amount(f) if !f.shown.is_zero()))
        {
            out.push(format!(
                "{title}: gongkai prints a row the published table lacks: {}",
                row.cells.iter().map(Cell::display).collect::<Vec<_>>().join(" | ")
            ));
        }
    }
    let published_note = published.note.as_deref().map(squeeze);
    let our_note = table.note.as_deref().map(squeeze);
    if published_note.is_some() && published_note != our_note {
        out.push(format!(
            "{title}: published note `{}` differs from gongkai's `{}`",
            published.note.clone().unwrap_or_default(),
            table.note.clone().unwrap_or_default()
        ));
    }
}

/// A row's label for messages: its first texts that are not numbers.
fn label_of(row: &[String]) -> String {
    row.iter()
        .skip(1)
        .map(|c| one_line(c))
        .filter(|c| !c.is_empty() && !is_number(c))
        .take(2)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest common subsequence of two row-signature lists: matched index pairs.
fn align(a: &[String], b: &[String]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut dp = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            dp[i][j] = if a[i] == b[j] {
                dp[i + 1][j + 1] + 1
            } else {
                dp[i + 1][j].max(dp[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < n && j < m {
        if a[i] == b[j] {
            out.push((i, j));
            i += 1;
            j += 1;
        } else if dp[i + 1][j] >= dp[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}
