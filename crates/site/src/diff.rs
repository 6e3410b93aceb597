//! `gongkai diff OLD NEW`: what a correction changes.
//!
//! Both sides are checked and rendered in memory, then compared: every table
//! cell and every quoted fact whose figure differs, every narrative section
//! whose text differs, and every output file whose bytes differ. A side is a
//! content folder or `git:REV` (the content folder at a git revision).

use gongkai_model::table::Cell;
use gongkai_render::Checked;
use gongkai_render::output::OutputFile;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// A table cell: department-year, table title, row label, column, old, new.
    Cell {
        unit: String,
        table: String,
        /// Which table and row, for telling source cells from derived totals.
        table_id: gongkai_model::table::TableId,
        row_key: String,
        row: String,
        column: String,
        old: String,
        new: String,
    },
    /// A quoted fact (what the narrative prints).
    Fact {
        unit: String,
        id: String,
        label: String,
        old: String,
        new: String,
    },
    /// A narrative section's text.
    Text { unit: String, section: String },
    /// A department-year present on one side only.
    Disclosure { unit: String, added: bool },
    /// An output file that changes.
    Output { path: PathBuf, kind: OutputChange },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OutputChange {
    Added,
    Removed,
    Changed,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |s: &str| {
            if s.is_empty() {
                "（空）".to_string()
            } else {
                s.to_string()
            }
        };
        match self {
            Change::Cell {
                unit,
                table,
                row,
                column,
                old,
                new,
                ..
            } => write!(f, "{unit} {table} {row} {column}: {} → {}", show(old), show(new)),
            Change::Fact {
                unit,
                id,
                label,
                old,
                new,
            } => write!(f, "{unit} 文字引用 {label} ({id}): {old} → {new}"),
            Change::Text { unit, section } => write!(f, "{unit} 情况说明 `{section}` 的文字有变化"),
            Change::Disclosure { unit, added: true } => write!(f, "{unit}: 新增"),
            Change::Disclosure { unit, added: false } => write!(f, "{unit}: 删除"),
            Change::Output { path, kind } => {
                let word = match kind {
                    OutputChange::Added => "added",
                    OutputChange::Removed => "removed",
                    OutputChange::Changed => "changed",
                };
                write!(f, "output {word}: {}", path.display())
            }
        }
    }
}

fn key(c: &Checked) -> gongkai_model::identity::Identity {
    c.disclosure.unit.identity()
}

/// How a change names its department-year: `2022年 101张家口市…`.
pub fn unit_label(c: &Checked) -> String {
    format!("{}{}", c.disclosure.unit.identity(), c.disclosure.unit.name)
}

/// The differences between two checked and built sites.
pub fn diff(old: &[Checked], new: &[Checked], old_files: &[OutputFile], new_files: &[OutputFile]) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_by: BTreeMap<_, _> = old.iter().map(|c| (key(c), c)).collect();
    let new_by: BTreeMap<_, _> = new.iter().map(|c| (key(c), c)).collect();
    let keys: BTreeSet<_> = old_by.keys().chain(new_by.keys()).cloned().collect();
    for k in keys {
        match (old_by.get(&k), new_by.get(&k)) {
            (Some(a), Some(b)) => disclosure(a, b, &mut changes),
            (None, Some(b)) => changes.push(Change::Disclosure {
                unit: unit_label(b),
                added: true,
            }),
            (Some(a), None) => changes.push(Change::Disclosure {
                unit: unit_label(a),
                added: false,
            }),
            (None, None) => {}
        }
    }
    let old_out: BTreeMap<&Path, &[u8]> = old_files
        .iter()
        .map(|f| (f.path.as_path(), f.bytes.as_slice()))
        .collect();
    let new_out: BTreeMap<&Path, &[u8]> = new_files
        .iter()
        .map(|f| (f.path.as_path(), f.bytes.as_slice()))
        .collect();
    let paths: BTreeSet<&Path> = old_out.keys().chain(new_out.keys()).copied().collect();
    for path in paths {
        let kind = match (old_out.get(path), new_out.get(path)) {
            (Some(a), Some(b)) if a == b => continue,
            (Some(_), Some(_)) => OutputChange::Changed,
            (None, _) => OutputChange::Added,
            (_, None) => OutputChange::Removed,
        };
        changes.push(Change::Output {
            path: path.to_path_buf(),
            kind,
        });
    }
    changes
}

fn disclosure(a: &Checked, b: &Checked, changes: &mut Vec<Change>) {
    let unit = unit_label(b);
    let tables = |c: &'_ Checked| -> Vec<gongkai_model::table::Table> {
        let d = &c.derived;
        d.tables
            .iter()
            .chain(&d.procurement)
            .chain(&d.assets)
            .cloned()
            .collect()
    };
    let (ta, tb) = (tables(a), tables(b));
    for t in &tb {
        let before = ta.iter().find(|x| x.id == t.id);
        for row in &t.rows {
            let old_row = before.and_then(|x| x.row(&row.key));
            for (i, cell) in row.cells.iter().enumerate() {
                let Cell::Amount(f) = cell else { continue };
                let old = old_row
                    .and_then(|r| r.cells.get(i))
                    .map(Cell::display)
                    .unwrap_or_default();
                let new = f.text();
                if old != new {
                    changes.push(Change::Cell {
                        unit: unit.clone(),
                        table: t.title.to_string(),
                        table_id: t.id,
                        row_key: row.key.clone(),
                        row: row_label(t, row, i),
                        column: t.columns[i].to_string(),
                        old,
                        new,
                    });
                }
            }
        }
        // Rows that disappeared.
        if let Some(before) = before {
            for row in before.rows.iter().filter(|r| t.row(&r.key).is_none()) {
                for (i, cell) in row.cells.iter().enumerate() {
                    if let Cell::Amount(f) = cell
                        && !f.text().is_empty()
                    {
                        changes.push(Change::Cell {
                            unit: unit.clone(),
                            table: t.title.to_string(),
                            table_id: t.id,
                            row_key: row.key.clone(),
                            row: row_label(before, row, i),
                            column: before.columns[i].to_string(),
                            old: f.text(),
                            new: String::new(),
                        });
                    }
                }
            }
        }
    }
    let ids: BTreeSet<&str> = a
        .facts
        .iter()
        .map(|(id, _)| id)
        .chain(b.facts.iter().map(|(id, _)| id))
        .collect();
    for id in ids {
        let (fa, fb) = (a.facts.get(id), b.facts.get(id));
        let (old, new) = (
            fa.map(|f| f.text()).unwrap_or_default(),
            fb.map(|f| f.text()).unwrap_or_default(),
        );
        if old != new {
            changes.push(Change::Fact {
                unit: unit.clone(),
                id: id.to_string(),
                label: fb.or(fa).map(|f| f.label.to_string()).unwrap_or_default(),
                old,
                new,
            });
        }
    }
    if let (Some(da), Some(db)) = (&a.document, &b.document) {
        let before: BTreeMap<&str, &str> = da.sections.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for (id, text) in &db.sections {
            if before.get(id.as_str()) != Some(&text.as_str()) {
                changes.push(Change::Text {
                    unit: unit.clone(),
                    section: id.clone(),
                });
            }
        }
    }
}

/// A row's printed label for a column: its code and name; in two-sided tables
/// (收支总表) the label on the column's own side.
fn row_label(t: &gongkai_model::table::Table, row: &gongkai_model::table::Row, column: usize) -> String {
    if let Some(split) = t.columns.iter().position(|c| c.starts_with("支出项目")) {
        let side = if column < split { 1 } else { split };
        return row.cells.get(side).map(Cell::display).unwrap_or_default();
    }
    let texts: Vec<String> = row
        .cells
        .iter()
        .enumerate()
        .filter(|(i, c)| matches!(c, Cell::Text(_)) && t.columns[*i] != "序号")
        .map(|(_, c)| c.display())
        .filter(|s| !s.is_empty())
        .take(2)
        .collect();
    if texts.is_empty() {
        row.key.clone()
    } else {
        texts.join(" ")
    }
}

/// Whether a change is to a figure someone entered (a leaf), as opposed to a
/// total that follows from it.
pub fn is_source(change: &Change) -> bool {
    use gongkai_model::table::TableId;
    let Change::Cell { table_id, row_key, .. } = change else {
        return false;
    };
    match table_id {
        TableId::Expenditure => row_key.len() == 7,
        TableId::BasicEconomic => row_key.len() == 5,
        TableId::Sangong => !matches!(row_key.as_str(), "total" | "subtotal" | "abroad" | "car"),
        TableId::Procurement => row_key.starts_with("line-"),
        TableId::Assets => row_key != "total",
        _ => false,
    }
}

/// Resolves a side: a folder, or `git:REV` exported into a temporary folder
/// (the same relative content path at that revision).
pub fn resolve_side(side: &str, content_path: &Path) -> Result<(PathBuf, Option<PathBuf>), String> {
    let Some(rev) = side.strip_prefix("git:") else {
        return Ok((PathBuf::from(side), None));
    };
    if rev.is_empty() || rev.starts_with('-') {
        return Err(format!("`{side}` is not a git revision"));
    }
    let tmp = std::env::temp_dir().join(format!("gongkai-diff-{}-{}", std::process::id(), sanitize(rev)));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let archive = std::process::Command::new("git")
        .args(["archive", "--format=tar", rev, "--"])
        .arg(content_path)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !archive.status.success() {
        return Err(format!(
            "git archive {rev}: {}",
            String::from_utf8_lossy(&archive.stderr).trim()
        ));
    }
    let tar_path = tmp.join("content.tar");
    std::fs::write(&tar_path, &archive.stdout).map_err(|e| e.to_string())?;
    let status = std::process::Command::new("tar")
        .arg("-xf")
        .arg(&tar_path)
        .arg("-C")
        .arg(&tmp)
        .status()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("cannot unpack {rev}"));
    }
    Ok((tmp.join(content_path), Some(tmp)))
}

fn sanitize(rev: &str) -> String {
    rev.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The corrections file for a department-year: the figure changes, as a
/// 更正说明 the author can edit before republishing.
pub fn corrections_yaml(existing: Option<&str>, date: &str, changes: &[&Change]) -> String {
    let mut out = existing.map_or_else(gongkai_content::write::corrections_head, str::to_string);
    let changes = changes
        .iter()
        .filter(|c| is_source(c))
        .map(|c| match c {
            Change::Cell {
                table,
                row,
                column,
                old,
                new,
                ..
            } => format!("{table} {row} {column}：由 {} 更正为 {}", blank(old), blank(new)),
            Change::Fact { label, old, new, .. } => format!("{label}：由 {} 更正为 {}", blank(old), blank(new)),
            Change::Text { section, .. } => format!("情况说明（{section}）的文字"),
            other => other.to_string(),
        })
        .collect();
    out.push_str(&gongkai_content::write::correction(
        &gongkai_model::disclosure::Correction {
            date: date.to_string(),
            note: Some("对以下数据进行了更正，相关合计数及各表相应调整：".into()),
            changes,
        },
    ));
    out
}

fn blank(s: &str) -> &str {
    if s.is_empty() { "空" } else { s }
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
