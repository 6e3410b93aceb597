//! The worksheet parts of a workbook: A1 references, the shared string
//! table (`xl/sharedStrings.xml`) and each sheet's XML
//! (`xl/worksheets/sheetN.xml`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

use rust_decimal::Decimal;

use super::{Cell, MAX_COLUMNS, MAX_ROWS, Value, Worksheet, XML_DECL};
use crate::xml_char;

/// FNV-1a: the shared string table hashes a few hundred short strings per
/// workbook, where SipHash's protection against chosen keys is not needed
/// (the texts are the caller's, not an attacker's) and costs more than the
/// rest of the lookup.
#[derive(Default)]
pub(super) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The shared string table: each distinct text once, in order of first use.
#[derive(Default)]
pub(super) struct SharedStrings<'s> {
    index: HashMap<&'s str, u32, BuildHasherDefault<Fnv>>,
    order: Vec<&'s str>,
    /// References, counted (the table's `count`).
    uses: usize,
}

impl<'s> SharedStrings<'s> {
    /// A table for at most `texts` references.
    pub(super) fn with_capacity(texts: usize) -> Self {
        SharedStrings {
            index: HashMap::with_capacity_and_hasher(texts, BuildHasherDefault::default()),
            order: Vec::with_capacity(texts),
            uses: 0,
        }
    }

    fn id(&mut self, text: &'s str) -> u32 {
        self.uses += 1;
        let next = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        *self.index.entry(text).or_insert_with(|| {
            self.order.push(text);
            next
        })
    }

    pub(super) fn xml(&self) -> String {
        let mut out = String::with_capacity(self.order.iter().map(|s| s.len() + 16).sum::<usize>() + 200);
        out.push_str(XML_DECL);
        let _ = write!(
            out,
            "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{}\" uniqueCount=\"{}\">",
            self.uses,
            self.order.len()
        );
        for text in &self.order {
            let padded = text.starts_with(char::is_whitespace) || text.ends_with(char::is_whitespace);
            out.push_str(if padded {
                "<si><t xml:space=\"preserve\">"
            } else {
                "<si><t>"
            });
            push_cell_text(&mut out, text);
            out.push_str("</t></si>");
        }
        out.push_str("</sst>");
        out
    }
}

/// Whether `s` starts with what a reader would take for an `_xHHHH_` escape.
fn looks_escaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[0] == b'_' && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// Appends a cell's text as element content: `&<>` as entities; carriage
/// returns and what XML cannot carry as `_xHHHH_`; the underscore of a
/// literal `_xHHHH_` as `_x005F_`.
fn push_cell_text(out: &mut String, text: &str) {
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '_' if looks_escaped(&text[i..]) => out.push_str("_x005F_"),
            '\r' => out.push_str("_x000D_"),
            c if !xml_char(c) => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------
// Worksheets

/// Appends an A1-style reference: column letters, then the row number.
pub(super) fn push_cell_ref(out: &mut String, row: u32, col: u16) {
    push_column(out, u32::from(col));
    push_number(out, u64::from(row) + 1);
}

/// Appends `n` in decimal digits (without going through `fmt`, which costs
/// more than the rest of a cell).
pub(super) fn push_number(out: &mut String, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&b| char::from(b)));
}

/// Appends a decimal's digits, trailing zeros after the point dropped
/// (`72.90` as `72.9`, `100` as `100`), as `Decimal`'s `Display` of the
/// normalised number would, without going through `fmt`.
pub(super) fn push_decimal(out: &mut String, value: Decimal) {
    let mut mantissa = value.mantissa().unsigned_abs();
    let mut scale = value.scale();
    while scale > 0 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
        scale -= 1;
    }
    if mantissa == 0 {
        out.push('0');
        return;
    }
    // At most 29 digits (96 bits), a sign, a point and a leading zero run
    // of up to 28.
    let mut text = [b'0'; 64];
    let mut start = text.len();
    let mut written = 0u32;
    while mantissa > 0 || written <= scale {
        if written == scale && scale > 0 {
            start -= 1;
            text[start] = b'.';
        }
        start -= 1;
        text[start] = b'0' + (mantissa % 10) as u8;
        mantissa /= 10;
        written += 1;
    }
    if value.is_sign_negative() {
        start -= 1;
        text[start] = b'-';
    }
    out.extend(text[start..].iter().map(|&b| char::from(b)));
}

/// Appends the letters of column `col` (0 is `A`, 26 is `AA`).
fn push_column(out: &mut String, col: u32) {
    let mut letters = [b'A'; 7];
    let mut n = u64::from(col) + 1;
    let mut start = letters.len();
    while n > 0 && start > 0 {
        n -= 1;
        start -= 1;
        letters[start] = b'A' + (n % 26) as u8;
        n /= 26;
    }
    out.extend(letters[start..].iter().map(|&b| char::from(b)));
}

/// The A1-style reference of the cell at 0-based `row` and `col`: `B3` for
/// (2, 1).
pub fn cell_ref(row: u32, col: u32) -> String {
    let mut out = String::new();
    push_column(&mut out, col);
    let _ = write!(out, "{}", u64::from(row) + 1);
    out
}

/// The 0-based (row, column) of an A1-style reference such as `B3` (column
/// letters in either case); `None` for anything else, or for a cell past
/// the last row or column (`XFD1048576`).
pub fn parse_cell_ref(reference: &str) -> Option<(u32, u32)> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = reference.get(letters..)?;
    if !(1..=3).contains(&letters) || !(1..=7).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = reference
        .bytes()
        .take(letters)
        .fold(0u32, |n, b| n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1);
    let row: u32 = digits.parse().ok()?;
    if col == 0 || col > u32::from(MAX_COLUMNS) || row == 0 || row > MAX_ROWS {
        return None;
    }
    Some((row - 1, col - 1))
}

/// The cells of a sheet in row, then column order, the last write of a cell
/// winning.
fn ordered<'c, 'a>(cells: &'c [Cell<'a>]) -> Vec<&'c Cell<'a>> {
    let mut sorted: Vec<&Cell> = cells.iter().collect();
    // Stable: the writes of one cell stay in the order they were made.
    sorted.sort_by_key(|c| (c.row, c.col));
    let mut out: Vec<&Cell> = Vec::with_capacity(sorted.len());
    for cell in sorted {
        match out.last_mut() {
            Some(last) if (last.row, last.col) == (cell.row, cell.col) => *last = cell,
            _ => out.push(cell),
        }
    }
    out
}

pub(super) fn sheet_xml<'s>(sheet: &'s Worksheet<'_>, active: bool, strings: &mut SharedStrings<'s>) -> String {
    let cells = ordered(&sheet.cells);
    let mut out = String::with_capacity(cells.len() * 48 + 1024);
    out.push_str(XML_DECL);
    out.push_str(
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
         xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    );
    if sheet.fit_to_width {
        out.push_str("<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
    }
    // The used range.
    out.push_str("<dimension ref=\"");
    match (cells.first(), cells.last()) {
        (Some(first), Some(last)) => {
            let first_col = cells.iter().map(|c| c.col).min().unwrap_or(0);
            let last_col = cells.iter().map(|c| c.col).max().unwrap_or(0);
            push_cell_ref(&mut out, first.row, first_col);
            if (first.row, first_col) != (last.row, last_col) {
                out.push(':');
                push_cell_ref(&mut out, last.row, last_col);
            }
        }
        _ => out.push_str("A1"),
    }
    out.push_str("\"/><sheetViews><sheetView");
    if active {
        out.push_str(" tabSelected=\"1\"");
    }
    out.push_str(" workbookViewId=\"0\"");
    if sheet.frozen_rows > 0 {
        let rows = sheet.frozen_rows;
        out.push_str("><pane ySplit=\"");
        let _ = write!(out, "{rows}\" topLeftCell=\"");
        push_cell_ref(&mut out, rows, 0);
        out.push_str("\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView>");
    } else {
        out.push_str("/>");
    }
    out.push_str("</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");

    if !sheet.widths.is_empty() {
        out.push_str("<cols>");
        for (col, width) in &sheet.widths {
            // Excel stores the width with the cell padding of the default
            // font (5 pixels of a 7-pixel digit), truncated to 1/256.
            let stored = u32::from(*width) * 256 + if *width > 0 { 182 } else { 0 };
            let _ = write!(
                out,
                "<col min=\"{n}\" max=\"{n}\" width=\"{}\" customWidth=\"1\"/>",
                Decimal::new(i64::from(stored), 0) / Decimal::from(256),
                n = u32::from(*col) + 1
            );
        }
        out.push_str("</cols>");
    }

    out.push_str("<sheetData>");
    let mut heights = sheet.heights.iter().peekable();
    let mut at = 0;
    while at < cells.len() || heights.peek().is_some() {
        let next_cell_row = cells.get(at).map(|c| c.row);
        let row = match (next_cell_row, heights.peek()) {
            (Some(c), Some((h, _))) => c.min(**h),
            (Some(c), None) => c,
            (None, Some((h, _))) => **h,
            (None, None) => break,
        };
        out.push_str("<row r=\"");
        push_number(&mut out, u64::from(row) + 1);
        out.push('"');
        if let Some((_, points)) = heights.next_if(|(h, _)| **h == row) {
            let _ = write!(out, " ht=\"{points}\" customHeight=\"1\"");
        }
        out.push('>');
        while let Some(cell) = cells.get(at).filter(|c| c.row == row) {
            push_cell(&mut out, cell, strings);
            at += 1;
        }
        out.push_str("</row>");
    }
    out.push_str("</sheetData>");

    if !sheet.merges.is_empty() {
        let _ = write!(out, "<mergeCells count=\"{}\">", sheet.merges.len());
        for m in &sheet.merges {
            let _ = write!(out, "<mergeCell ref=\"{}\"/>", m.reference());
        }
        out.push_str("</mergeCells>");
    }
    out.push_str(
        "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>",
    );
    if sheet.landscape || sheet.fit_to_width {
        out.push_str("<pageSetup");
        if sheet.fit_to_width {
            out.push_str(" fitToHeight=\"0\"");
        }
        out.push_str(if sheet.landscape {
            " orientation=\"landscape\"/>"
        } else {
            " orientation=\"portrait\"/>"
        });
    }
    out.push_str("</worksheet>");
    out
}

fn push_cell<'s>(out: &mut String, cell: &'s Cell<'_>, strings: &mut SharedStrings<'s>) {
    out.push_str("<c r=\"");
    push_cell_ref(out, cell.row, cell.col);
    out.push('"');
    if cell.style != 0 {
        out.push_str(" s=\"");
        push_number(out, u64::from(cell.style));
        out.push('"');
    }
    match &cell.value {
        Value::Text(text) => {
            out.push_str(" t=\"s\"><v>");
            push_number(out, u64::from(strings.id(text)));
            out.push_str("</v></c>");
        }
        Value::Number(n) => {
            out.push_str("><v>");
            push_decimal(out, *n);
            out.push_str("</v></c>");
        }
        Value::Bool(b) => {
            out.push_str(if *b {
                " t=\"b\"><v>1</v></c>"
            } else {
                " t=\"b\"><v>0</v></c>"
            });
        }
        Value::Blank => out.push_str("/>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(c: u32) -> String {
        let mut s = String::new();
        push_column(&mut s, c);
        s
    }

    #[test]
    fn column_letters() {
        assert_eq!(col(0), "A");
        assert_eq!(col(25), "Z");
        assert_eq!(col(26), "AA");
        assert_eq!(col(701), "ZZ");
        assert_eq!(col(702), "AAA");
        assert_eq!(col(u32::from(MAX_COLUMNS) - 1), "XFD");
        assert_eq!(col(u32::MAX), "MWLQKWV");
    }

    #[test]
    fn references_both_ways() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(MAX_ROWS - 1, u32::from(MAX_COLUMNS) - 1), "XFD1048576");
        for (row, col) in [(0, 0), (2, 1), (99, 26), (MAX_ROWS - 1, u32::from(MAX_COLUMNS) - 1)] {
            assert_eq!(parse_cell_ref(&cell_ref(row, col)), Some((row, col)));
        }
        assert_eq!(parse_cell_ref("b3"), Some((2, 1)));
        for bad in [
            "",
            "A",
            "1",
            "A0",
            "XFE1",
            "A1048577",
            "spnumFm",
            "AAAA1",
            "A12345678",
            "A1B",
            "$A$1",
            "A-1",
            "Ａ1",
        ] {
            assert_eq!(parse_cell_ref(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_as_display_of_the_normalised_number() {
        for text in [
            "0",
            "0.00",
            "-0.00",
            "72.90",
            "-72.9",
            "100",
            "2100.32",
            "0.000001",
            "-0.5",
            "1e-28",
            "79228162514264337593543950335",
            "-7.9228162514264337593543950335",
            "12345678901234.5600",
        ] {
            let d: Decimal = if text.contains('e') {
                Decimal::from_scientific(text).unwrap()
            } else {
                text.parse().unwrap()
            };
            let mut out = String::new();
            push_decimal(&mut out, d);
            let expected = if d.is_zero() {
                "0".to_string()
            } else {
                d.normalize().to_string()
            };
            assert_eq!(out, expected, "{text}");
        }
    }

    #[test]
    fn cell_text_escapes() {
        let mut out = String::new();
        push_cell_text(&mut out, "a<&>\"b\r\n\t\u{1}\u{ffff}_x0041_ _x12_");
        assert_eq!(out, "a&lt;&amp;&gt;\"b_x000D_\n\t_x0001__xFFFF__x005F_x0041_ _x12_");
    }
}
