//! The .xlsx front-end: a workbook whose sheets are published tables.
//!
//! Each visible worksheet, in workbook order, becomes:
//!
//! 1. its title lines as paragraphs: the rows above the table that have a
//!    single non-empty cell (the title 部门预算收支总表, the department), or
//!    at most three cells one of which is a header line (预算年度：2022,
//!    单位：万元, 编制单位：…), each non-empty cell a paragraph;
//! 2. one table of the rows from there on, as wide as the sheet's used
//!    columns; rows without any text are left out; a merged area shows its
//!    text in its first cell, the others are empty; cells are trimmed;
//! 3. the notes below the table (a last row with a single cell 注：…) as
//!    paragraphs.
//!
//! Cells are read as the sheet displays them: a number through its number
//! format (`0.00` gives `72.90`, `#,##0` gives `1,234`, `0.0%` gives
//! `12.5%`, a section for zero such as `"-"` gives `-`), the binary
//! floating point first rounded to the 15 significant digits Excel keeps,
//! so `2100.32` never comes out as `2100.3200000000002` and 0.1 + 0.2 is
//! `0.3`; `General` shows those digits, trailing zeros dropped. Dates show as
//! `2022-01-01` (with the time when there is one), booleans as `TRUE` /
//! `FALSE`, errors as `#DIV/0!` and so on. Formats this reader does not
//! render (scientific, fractions, 中文大写 `[DBNum]`) fall back to `General`.
//!
//! Hostile input: the zip is checked and every entry decompressed once
//! within the limits of [`super::docx`] before the spreadsheet reader
//! (calamine) sees it; cells are streamed, never laid out from a declared
//! dimension, and a sheet's table is refused past [`MAX_CELLS`] cells; a
//! panic inside the spreadsheet reader becomes a [`FormatError`].

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{DataRef, ExcelDateTime, Reader, SheetType, SheetVisible, Xlsx};
use rust_decimal::{Decimal, RoundingStrategy};

pub use super::docx::FormatError;
use super::docx::{MAX_CELLS, Package, root_name, too_many_cells, xml_text};
use super::{Block, Source};

const KIND: &str = ".xlsx";

/// Reads a workbook: each visible worksheet as its title paragraphs, one
/// table and its notes, in workbook order. See the module documentation.
pub fn read(bytes: &[u8]) -> Result<Source, FormatError> {
    let mut package = Package::open(bytes, KIND)?;
    let main = package.main_part("xl/workbook.xml")?;
    let Some(workbook) = package.read(&main)? else {
        return Err(FormatError::NotThisFormat {
            kind: KIND,
            reason: format!("{main} missing"),
        });
    };
    if root_name(&xml_text(workbook, KIND, &main)?).as_deref() != Some("workbook") {
        return Err(FormatError::NotThisFormat {
            kind: KIND,
            reason: format!("`{main}` is not a workbook"),
        });
    }
    package.check_all()?;
    match catch_unwind(AssertUnwindSafe(|| read_workbook(bytes))) {
        Ok(result) => result,
        Err(_) => Err(FormatError::Malformed {
            kind: KIND,
            part: main,
            message: "the spreadsheet reader failed on this file".into(),
        }),
    }
}

fn malformed(part: &str, e: impl std::fmt::Display) -> FormatError {
    FormatError::Malformed {
        kind: KIND,
        part: part.to_string(),
        message: e.to_string(),
    }
}

fn read_workbook(bytes: &[u8]) -> Result<Source, FormatError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|e| malformed("workbook", e))?;
    let sheets: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    let mut blocks = Vec::new();
    let mut cells = 0usize;
    for name in &sheets {
        let rows = read_sheet(&mut workbook, name, &mut cells)?;
        sheet_blocks(rows, &mut blocks);
    }
    Ok(Source { blocks })
}

/// The non-empty rows of a sheet, each as wide as the sheet's used columns;
/// `total` counts the cells of the tables laid out so far.
fn read_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    total: &mut usize,
) -> Result<Vec<Vec<String>>, FormatError> {
    let part = format!("sheet {name}");
    let mut reader = workbook.worksheet_cells_reader(name).map_err(|e| malformed(&part, e))?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(|e| malformed(&part, e))? {
        let format = reader
            .styles()
            .get(style)
            .and_then(|s| s.number_format.as_ref())
            .map(|f| f.format_code.as_str());
        let text = cell_text(cell.get_value(), format);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if cells.len() + *total >= MAX_CELLS {
            return Err(too_many_cells(KIND));
        }
        let (row, col) = cell.get_position();
        cells.push((row, col, text.to_string()));
    }
    // Stream order is row order in every writer, but not by rule; a cell
    // given twice keeps its last value.
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    cells.reverse();
    cells.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    cells.reverse();
    let (Some(first), Some(last)) = (cells.iter().map(|c| c.1).min(), cells.iter().map(|c| c.1).max()) else {
        return Ok(Vec::new());
    };
    let width = (last - first) as usize + 1;
    let mut row_count = 0usize;
    let mut previous = None;
    for (r, _, _) in &cells {
        if previous != Some(*r) {
            row_count += 1;
            previous = Some(*r);
        }
    }
    let dense = row_count.saturating_mul(width);
    if dense.saturating_add(*total) > MAX_CELLS {
        return Err(FormatError::TooLarge {
            kind: KIND,
            reason: format!(
                "sheet {name} spans {row_count} rows × {width} columns: the tables exceed {MAX_CELLS} cells"
            ),
        });
    }
    *total += dense;
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(row_count);
    let mut current = None;
    for (r, c, text) in cells {
        if current != Some(r) {
            rows.push(vec![String::new(); width]);
            current = Some(r);
        }
        if let Some(slot) = rows.last_mut().and_then(|row| row.get_mut((c - first) as usize)) {
            *slot = text;
        }
    }
    Ok(rows)
}

fn non_empty(row: &[String]) -> Vec<&str> {
    row.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect()
}

/// 预算年度：2022, 单位：万元 and the like, written above a table.
fn is_header_line(cell: &str) -> bool {
    const LEADS: &[&str] = &[
        "预算年度",
        "年度：",
        "年度:",
        "单位：",
        "单位:",
        "金额单位",
        "计量单位",
        "编制单位",
        "编制部门",
        "填报单位",
        "部门：",
        "部门:",
        "部门名称：",
        "部门名称:",
        "单位名称：",
        "单位名称:",
    ];
    LEADS.iter().any(|l| cell.starts_with(l))
}

fn is_numeric(cell: &str) -> bool {
    let s = cell
        .trim_start_matches(['-', '+'])
        .trim_end_matches('%')
        .replace(',', "");
    !s.is_empty() && s.parse::<f64>().is_ok()
}

/// A title line above the table.
fn is_title_row(row: &[String]) -> bool {
    let cells = non_empty(row);
    cells.len() == 1
        || (cells.len() <= 3 && cells.iter().any(|c| is_header_line(c)) && !cells.iter().any(|c| is_numeric(c)))
}

/// A note below the table.
fn is_note_row(row: &[String]) -> bool {
    let cells = non_empty(row);
    match cells.as_slice() {
        [only] => ["注：", "注:", "说明：", "说明:", "备注：", "备注:"]
            .iter()
            .any(|l| only.starts_with(l)),
        _ => false,
    }
}

fn sheet_blocks(rows: Vec<Vec<String>>, blocks: &mut Vec<Block>) {
    let titles = rows.iter().take_while(|r| is_title_row(r)).count();
    let notes = rows[titles..].iter().rev().take_while(|r| is_note_row(r)).count();
    let table_end = rows.len() - notes;
    let mut rows = rows.into_iter();
    for row in rows.by_ref().take(titles) {
        blocks.extend(non_empty(&row).into_iter().map(|c| Block::Paragraph(c.to_string())));
    }
    let table: Vec<Vec<String>> = rows.by_ref().take(table_end - titles).collect();
    if !table.is_empty() {
        blocks.push(Block::Table(table));
    }
    for row in rows {
        blocks.extend(non_empty(&row).into_iter().map(|c| Block::Paragraph(c.to_string())));
    }
}

// ---------------------------------------------------------------------------
// Displayed text

/// A cell's value as the sheet displays it through `format` (a number
/// format code; `None` is `General`).
fn cell_text(value: &DataRef<'_>, format: Option<&str>) -> String {
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Float(f) => match excel_decimal(*f) {
            Some(d) => number_text(d, format),
            None => f.to_string(),
        },
        DataRef::Int(i) => number_text(Decimal::from(*i), format),
        DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        DataRef::DateTime(dt) => date_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// The decimal Excel shows for a double: its 15 significant digits.
/// `None` for infinities, NaN and magnitudes a `Decimal` cannot hold.
fn excel_decimal(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(Decimal::ZERO);
    }
    Decimal::from_scientific(&format!("{f:.14e}"))
        .ok()
        .map(|d| d.normalize())
}

fn date_text(dt: &ExcelDateTime) -> String {
    if dt.is_duration() {
        let seconds = (dt.as_f64() * 86_400.0).round();
        if !seconds.is_finite() || seconds.abs() > 1e15 {
            return dt.as_f64().to_string();
        }
        let s = seconds.abs() as u64;
        let sign = if seconds < 0.0 { "-" } else { "" };
        return format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// `General`: the digits, trailing zeros dropped.
fn general(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A number through a format code; `General` for what is not rendered.
fn number_text(value: Decimal, format: Option<&str>) -> String {
    format
        .and_then(|code| formatted(value, code))
        .unwrap_or_else(|| general(value))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    /// `0` (always shown), `#` or `?` (shown when significant).
    Digit(char),
    Point,
    Comma,
    Percent,
    General,
}

/// The sections of a format code, split at `;` outside quotes and brackets.
fn sections(code: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
        } else if quoted {
            quoted = c != '"';
        } else if bracket {
            bracket = c != ']';
        } else {
            match c {
                '"' => quoted = true,
                '[' => bracket = true,
                '\\' => escaped = true,
                ';' => {
                    out.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(current) = out.last_mut() {
            current.push(c);
        }
    }
    out
}

/// The tokens of one section; `None` when it holds what is not rendered
/// here (dates, times, exponents, fractions, other numeral systems).
fn tokens(section: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    let literal = |out: &mut Vec<Token>, s: &str| match out.last_mut() {
        Some(Token::Literal(l)) => l.push_str(s),
        _ => out.push(Token::Literal(s.to_string())),
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    s.push(q);
                }
                literal(&mut out, &s);
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                let upper = inner.to_ascii_uppercase();
                // Colours, conditions and locales change nothing here;
                // 中文 numerals and elapsed time are not rendered.
                if upper.starts_with("DBNUM")
                    || upper.starts_with("NATNUM")
                    || matches!(upper.as_str(), "H" | "HH" | "M" | "MM" | "S" | "SS")
                {
                    return None;
                }
                if let Some(currency) = inner.strip_prefix('$') {
                    let symbol = currency.split('-').next().unwrap_or("");
                    literal(&mut out, symbol);
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    literal(&mut out, n.encode_utf8(&mut [0; 4]));
                }
            }
            '_' | '*' => {
                chars.next();
            }
            '0' | '#' | '?' => out.push(Token::Digit(c)),
            '.' => out.push(Token::Point),
            ',' => out.push(Token::Comma),
            '%' => {
                out.push(Token::Percent);
            }
            // Text shown as text; a number under `@` shows as General.
            '@' => out.push(Token::General),
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => return None,
            '/' => return None,
            'G' | 'g' => {
                let rest: String = chars.clone().take(6).collect();
                if rest.eq_ignore_ascii_case("eneral") {
                    for _ in 0..6 {
                        chars.next();
                    }
                    out.push(Token::General);
                } else {
                    return None;
                }
            }
            c if c.is_ascii_alphabetic() => return None,
            c => literal(&mut out, c.encode_utf8(&mut [0; 4])),
        }
    }
    Some(out)
}

/// Groups of three digits separated by commas.
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn formatted(value: Decimal, code: &str) -> Option<String> {
    if code.trim().is_empty() {
        return None;
    }
    let sections = sections(code);
    let negative = value.is_sign_negative() && !value.is_zero();
    let (section, auto_sign) = match (negative, value.is_zero(), sections.as_slice()) {
        (true, _, [_, neg, ..]) if !neg.trim().is_empty() => (neg.as_str(), false),
        (_, true, [_, _, zero, ..]) => (zero.as_str(), false),
        (_, _, [first, ..]) => (first.as_str(), negative),
        (_, _, []) => return None,
    };
    let tokens = tokens(section)?;

    let mut point = false;
    let mut int_zeros = 0usize;
    let mut frac_zeros = 0usize;
    let mut frac_places = 0usize;
    let mut grouping = false;
    let mut scale = 0u32;
    let mut percent = 0u32;
    let mut general_at = None;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Digit(d) if point => {
                frac_places += 1;
                if *d == '0' {
                    frac_zeros = frac_places;
                }
            }
            Token::Digit(d) => {
                if *d == '0' {
                    int_zeros += 1;
                }
            }
            Token::Point => point = true,
            Token::Comma => {
                let before = i > 0 && matches!(tokens.get(i - 1), Some(Token::Digit(_) | Token::Comma));
                let after = matches!(tokens.get(i + 1), Some(Token::Digit(_)));
                if before && after && !point {
                    grouping = true;
                } else if before && !after {
                    scale += 1;
                }
            }
            Token::Percent => percent += 1,
            Token::General => general_at = Some(i),
            Token::Literal(_) => {}
        }
    }
    let has_digits = tokens.iter().any(|t| matches!(t, Token::Digit(_)));

    let mut v = value.abs();
    for _ in 0..percent.min(4) {
        v = v.checked_mul(Decimal::ONE_HUNDRED)?;
    }
    for _ in 0..scale.min(4) {
        v = v.checked_div(Decimal::ONE_THOUSAND)?;
    }
    let places = u32::try_from(frac_places.min(20)).unwrap_or(20);
    let mut rounded = v.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    let digits = rounded.to_string();
    let (int, frac) = digits.split_once('.').unwrap_or((digits.as_str(), ""));
    let mut frac = frac.to_string();
    while frac.len() > frac_zeros && frac.ends_with('0') {
        frac.pop();
    }
    let int = if int == "0" && int_zeros == 0 { "" } else { int };
    let int = if grouping { group(int) } else { int.to_string() };
    let int = format!("{int:0>int_zeros$}");
    let number = if point { format!("{int}.{frac}") } else { int };

    let mut out = String::new();
    let mut placed = false;
    for t in &tokens {
        match t {
            Token::Literal(l) => out.push_str(l),
            Token::Percent => out.push('%'),
            Token::General => out.push_str(&general(v)),
            Token::Digit(_) | Token::Point if !placed => {
                out.push_str(&number);
                placed = true;
            }
            Token::Digit(_) | Token::Point | Token::Comma => {}
        }
    }
    if !has_digits && general_at.is_none() && !point {
        // A section of text only, such as "-" for zero.
        return Some(out.trim().to_string());
    }
    let shown_zero = rounded.is_zero() && general_at.is_none();
    if auto_sign && !shown_zero {
        out.insert(0, '-');
    }
    Some(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: f64, code: &str) -> String {
        number_text(excel_decimal(v).unwrap(), Some(code))
    }

    #[test]
    fn decimals_as_excel_keeps_them() {
        assert_eq!(excel_decimal(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(excel_decimal(2100.32).unwrap().to_string(), "2100.32");
        assert_eq!(
            excel_decimal(f64::from_bits(2100.32f64.to_bits() + 1))
                .unwrap()
                .to_string(),
            "2100.32"
        );
        assert_eq!(excel_decimal(-0.0).unwrap().to_string(), "0");
        assert_eq!(excel_decimal(1e300), None);
        assert_eq!(excel_decimal(f64::NAN), None);
    }

    #[test]
    fn number_formats() {
        assert_eq!(f(72.9, "0.00"), "72.90");
        assert_eq!(f(2100.32, "General"), "2100.32");
        assert_eq!(f(10.0, "General"), "10");
        assert_eq!(f(2.675, "0.00"), "2.68");
        assert_eq!(f(-2.675, "0.00"), "-2.68");
        assert_eq!(f(-0.001, "0.00"), "0.00");
        assert_eq!(f(1234567.891, "#,##0.00"), "1,234,567.89");
        assert_eq!(f(1234.0, "#,##0"), "1,234");
        assert_eq!(f(0.125, "0.0%"), "12.5%");
        assert_eq!(f(0.5, "0%"), "50%");
        assert_eq!(f(12.0, "0.0#"), "12.0");
        assert_eq!(f(12.345, "0.0#"), "12.35");
        assert_eq!(f(-12.0, "#,##0.00;(#,##0.00)"), "(12.00)");
        assert_eq!(f(-12.0, "#,##0.00;[Red]-#,##0.00"), "-12.00");
        assert_eq!(f(0.0, "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "), "-");
        assert_eq!(
            f(1234.5, "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "),
            "1,234.50"
        );
        assert_eq!(
            f(-1234.5, "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "),
            "-1,234.50"
        );
        assert_eq!(f(5.0, "0\"人\""), "5人");
        assert_eq!(f(5.0, "[$¥-804]#,##0.00"), "¥5.00");
        assert_eq!(f(-5.0, "¥#,##0.00"), "-¥5.00");
        assert_eq!(f(1500.0, "#,##0,"), "2");
        assert_eq!(f(0.5, "#.##"), ".5");
        assert_eq!(f(7.0, "000"), "007");
        assert_eq!(f(12345.678, "0.00E+00"), "12345.678");
        assert_eq!(f(3.0, "[DBNum1]General"), "3");
        assert_eq!(f(3.5, "General\"元\""), "3.5元");
        assert_eq!(f(44562.0, "yyyy-mm-dd"), "44562");
    }
}
