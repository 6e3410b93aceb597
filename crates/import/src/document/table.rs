//! A published table read as data: which rows are its header lines and
//! its header, where its data begins, which column is which (from the
//! header labels), the code and name of a row, and an amount cell as
//! printed ([`Num`]).

use super::Kind;
use super::words::{is_digits, is_number, one_line, squeeze, trim};
use gongkai_content::yaml::Value;
use rust_decimal::Decimal;

/// A published table, cells cleaned.
#[derive(Clone, Debug)]
pub(crate) struct PubTable {
    pub(crate) kind: Kind,
    /// The title as published (or the standard one when it had none).
    pub(crate) title: String,
    /// Every row, cells trimmed, header lines first when there are any.
    pub(crate) rows: Vec<Vec<String>>,
    /// The 注 printed under it.
    pub(crate) note: Option<String>,
}

impl PubTable {
    /// Whether the first row holds the header lines (unit, year, amount unit).
    fn has_header_row(&self) -> bool {
        self.rows.first().is_some_and(|r| {
            r.len() <= 4
                && r.iter().any(|c| {
                    let s = squeeze(c);
                    s.contains("预算年度") || s.starts_with("单位：") || s.starts_with("单位:") || s.contains("截止")
                })
        })
    }

    /// The header lines (unit, 预算年度, 单位), when the first row holds them.
    pub(crate) fn header(&self) -> &[String] {
        if self.has_header_row() { &self.rows[0] } else { &[] }
    }

    /// The first row after the header lines.
    fn first_body_row(&self) -> usize {
        usize::from(self.has_header_row())
    }

    /// Index of the first data row.
    fn data_start(&self) -> usize {
        let from = self.first_body_row();
        if let Some(i) = self.rows[from..]
            .iter()
            .position(|r| r.first().is_some_and(|c| squeeze(c) == "栏次"))
        {
            return from + i + 1;
        }
        let starts_data = |r: &Vec<String>| -> bool {
            match self.kind {
                Kind::Procurement => r.first().is_some_and(|c| squeeze(c).starts_with("合计")),
                Kind::Assets => r.first().is_some_and(|c| squeeze(c).contains("资产总额")),
                Kind::Organisation => !r
                    .iter()
                    .any(|c| squeeze(c).contains("单位名称") || squeeze(c).contains("单位性质")),
                _ => r.iter().skip(1).any(|c| {
                    let s = squeeze(c);
                    (is_number(&s) && s.contains('.')) || (is_digits(&s) && matches!(s.len(), 3 | 5 | 7))
                }),
            }
        };
        match self.rows[from..].iter().position(starts_data) {
            Some(i) => from + i,
            None => self.rows.len(),
        }
    }

    /// The rows between the header lines and the data: the column headings.
    pub(crate) fn head_rows(&self) -> &[Vec<String>] {
        &self.rows[self.first_body_row()..self.data_start().max(self.first_body_row())]
    }

    /// Data rows that have any content.
    pub(crate) fn data(&self) -> Vec<&Vec<String>> {
        self.rows[self.data_start()..]
            .iter()
            .filter(|r| r.iter().any(|c| !trim(c).is_empty()))
            .collect()
    }
}

/// An amount cell as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Num {
    /// Empty, `--`, `-`: none.
    Empty,
    /// A number, as printed (thousands separators removed).
    Value(String),
    /// Text where an amount belongs.
    Bad(String),
}

impl Num {
    /// Reads a published cell.
    pub(crate) fn of(cell: &str) -> Num {
        let t = squeeze(cell).replace([',', '，'], "");
        if t.is_empty() || matches!(t.as_str(), "--" | "-" | "—" | "——" | "－" | "－－" | "/") {
            return Num::Empty;
        }
        if is_number(&t) {
            Num::Value(t)
        } else {
            Num::Bad(one_line(cell))
        }
    }

    /// Its amount (zero unless a number).
    pub(crate) fn dec(&self) -> Decimal {
        match self {
            Num::Value(v) => v.parse().unwrap_or_default(),
            _ => Decimal::ZERO,
        }
    }

    /// Whether it shows no amount (empty, or zero).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Num::Empty => true,
            Num::Value(_) => self.dec().is_zero(),
            Num::Bad(_) => false,
        }
    }

    /// The number as printed, or `~`.
    pub(crate) fn shown(&self) -> String {
        match self {
            Num::Value(v) => v.clone(),
            _ => "~".into(),
        }
    }

    /// The YAML value: the number as printed, or `~`.
    pub(crate) fn value(&self) -> Value {
        match self {
            Num::Value(v) => Value::number(v),
            _ => Value::null(),
        }
    }
}

/// Resolves the data columns of a table from its header rows: keywords in the
/// header row that names most of them, others appended in reading order;
/// `合计` (the row total) first.
pub(crate) fn resolve_columns<C: Copy + PartialEq>(
    head: &[Vec<String>],
    keywords: &[(&str, C)],
    total: Option<C>,
) -> Vec<C> {
    let matches = |cell: &str| -> Option<C> {
        let s = squeeze(cell);
        if let Some(t) = total
            && s == "合计"
        {
            return Some(t);
        }
        keywords.iter().find(|(k, _)| s.contains(k)).map(|(_, c)| *c)
    };
    let rows: Vec<Vec<C>> = head
        .iter()
        .map(|r| {
            let mut seq: Vec<C> = Vec::new();
            for c in r.iter().filter_map(|c| matches(c)) {
                if !seq.contains(&c) {
                    seq.push(c);
                }
            }
            seq
        })
        .collect();
    let best = rows
        .iter()
        .enumerate()
        .max_by_key(|(i, r)| (r.len(), usize::MAX - i))
        .map(|(i, _)| i);
    let mut out: Vec<C> = best.map(|i| rows[i].clone()).unwrap_or_default();
    for r in &rows {
        for c in r {
            if !out.contains(c) {
                out.push(*c);
            }
        }
    }
    if let Some(t) = total
        && let Some(i) = out.iter().position(|c| *c == t)
    {
        out.remove(i);
        out.insert(0, t);
    }
    out
}

/// One data row of a code table: code (none on 合计), name, amount cells.
#[derive(Clone, Debug)]
pub(crate) struct CodeRow {
    pub(crate) code: Option<String>,
    pub(crate) name: String,
    pub(crate) cells: Vec<String>,
}

/// A function code (3, 5 or 7 digits) or an economic one (3 or 5).
fn is_code(s: &str, economic: bool) -> bool {
    is_digits(s)
        && if economic {
            matches!(s.len(), 3 | 5)
        } else {
            matches!(s.len(), 3 | 5 | 7)
        }
}

/// `201一般公共服务支出` / `201 一般公共服务支出` in one cell.
fn split_code_name(cell: &str, economic: bool) -> Option<(String, String)> {
    let t = trim(cell);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = trim(&t[digits.len()..]);
    (is_code(&digits, economic) && !rest.is_empty() && !rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
        .then(|| (digits, one_line(rest)))
}

/// A data row of a code table: its code and name (in one cell or two, in
/// one of the first three cells) and its amount cells; the 合计 row has no code.
pub(crate) fn parse_code_row(row: &[String], economic: bool) -> Option<CodeRow> {
    for i in 0..row.len().min(3) {
        let s = squeeze(&row[i]);
        if is_code(&s, economic)
            && row.get(i + 1).is_some_and(|n| {
                let n = squeeze(n);
                !n.is_empty() && !is_number(&n)
            })
        {
            return Some(CodeRow {
                code: Some(s),
                name: one_line(&row[i + 1]),
                cells: row[i + 2..].to_vec(),
            });
        }
        if s == "合计" || s == "总计" {
            return Some(CodeRow {
                code: None,
                name: "合计".into(),
                cells: row[i + 1..].to_vec(),
            });
        }
        if let Some((code, name)) = split_code_name(&row[i], economic) {
            return Some(CodeRow {
                code: Some(code),
                name,
                cells: row[i + 1..].to_vec(),
            });
        }
    }
    None
}

/// Fits a row's amount cells to `n` columns: stray blank cells at either end
/// are dropped, missing cells read as empty; extra non-empty cells are returned.
pub(crate) fn fit_cells(cells: &[String], n: usize) -> (Vec<String>, Vec<String>) {
    let mut cells = cells.to_vec();
    while cells.len() > n && cells.last().is_some_and(|c| trim(c).is_empty()) {
        cells.pop();
    }
    while cells.len() > n && cells.first().is_some_and(|c| trim(c).is_empty()) {
        cells.remove(0);
    }
    let extra = if cells.len() > n {
        cells.split_off(n)
    } else {
        Vec::new()
    };
    cells.resize(n, String::new());
    (cells, extra)
}
