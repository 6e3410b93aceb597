//! A minimal SpreadsheetML (.xlsx) writer: what the portal's workbook download
//! (`tables.xlsx`, [`crate::portal::downloads::workbook_xlsx`]) and the test
//! fixtures need, and no more.
//!
//! It writes worksheets (visible or hidden) of cells holding text, numbers,
//! booleans or nothing, each cell in a [`Style`] (bold, font size, alignment,
//! wrapping, indent, a thin border, a number format); merged ranges, column
//! widths, row heights, frozen top rows, landscape pages fitted to one page
//! wide; and the document's title, author and creation date.
//!
//! How: plain string building. Text goes to the shared string table, escaped
//! for XML; what XML cannot carry (C0 controls, U+FFFE, U+FFFF) and carriage
//! returns are written as Excel writes them, `_xHHHH_`, and a literal
//! `_xHHHH_` has its underscore escaped, so every string reads back as it was.
//! Numbers are written from their exact decimal text (a [`Decimal`]), never
//! through binary floating point. The package is zipped by
//! [`super::zip_package`] (small parts stored, large ones deflated at level
//! 1). No theme, formulas or calculation chain. The same workbook always
//! gives the same bytes: the creation date is the caller's, the zip times
//! are fixed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{escape_into, xml_char, zip_package};

/// Rows in a worksheet.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns in a worksheet (`A` to `XFD`).
pub const MAX_COLUMNS: u16 = 16_384;
/// Characters in a sheet name.
pub const MAX_SHEET_NAME: usize = 31;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// A cell or range past the last row or column of a sheet.
    #[error("cell (row {row}, column {col}) is outside the sheet (rows 0–1048575, columns 0–16383)")]
    OutOfRange { row: u32, col: u32 },
    /// A sheet name Excel would refuse.
    #[error("sheet name {name:?}: {reason}")]
    SheetName { name: String, reason: &'static str },
    /// Two merged ranges share a cell (Excel reports the file as damaged).
    #[error("merged range {0} overlaps an earlier one")]
    MergeOverlap(String),
    /// A merged range whose last cell comes before its first.
    #[error("merged range {0} ends before it starts")]
    MergeBackwards(String),
    /// A [`StyleId`] this workbook did not give out.
    #[error("style {0} is not one of this workbook's styles")]
    UnknownStyle(u32),
    /// Nothing to show: a workbook needs a visible sheet.
    #[error("the workbook has no visible sheet")]
    NoVisibleSheet,
    /// Not a calendar date.
    #[error("creation date {0:04}-{1:02}-{2:02} is not a date")]
    InvalidDate(u16, u8, u8),
    /// The zip container could not be written.
    #[error("writing the .xlsx package: {0}")]
    Zip(#[from] zip::result::ZipError),
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Align {
    /// Text left, numbers right.
    #[default]
    General,
    Left,
    Center,
    Right,
}

/// How a cell looks. The default is plain: Calibri 11, no border, `General`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub bold: bool,
    /// Font size in points; `None` is 11.
    pub size: Option<u8>,
    pub align: Align,
    /// Centred vertically (else at the bottom).
    pub vertical_center: bool,
    /// Text wraps within the cell.
    pub wrap: bool,
    /// Indent level (each about three characters); left-aligns the cell when
    /// no alignment is set.
    pub indent: u8,
    /// A thin border on all four sides.
    pub border: bool,
    /// A number format code such as `0.00`; `None` is `General`.
    pub number_format: Option<String>,
}

/// A style registered with [`Workbook::add_style`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StyleId(u32);

impl StyleId {
    /// The plain style every workbook has.
    pub const DEFAULT: StyleId = StyleId(0);
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Text(Cow<'a, str>),
    /// Written as its decimal text, trailing zeros dropped.
    Number(Decimal),
    Bool(bool),
    /// Nothing, but the cell's style shows (a border, a format).
    Blank,
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Value<'_> {
    fn from(s: String) -> Self {
        Value::Text(Cow::Owned(s))
    }
}

impl From<Decimal> for Value<'_> {
    fn from(d: Decimal) -> Self {
        Value::Number(d)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// The document properties (`docProps/core.xml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Properties {
    pub title: String,
    pub author: String,
    /// Creation (and modification) date as (year, month, day), midnight UTC:
    /// fixed by the caller so that output is reproducible.
    pub created: (u16, u8, u8),
}

#[derive(Debug)]
struct Cell<'a> {
    row: u32,
    col: u16,
    style: u32,
    value: Value<'a>,
}

/// A rectangle of cells, first and last inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    first_row: u32,
    first_col: u16,
    last_row: u32,
    last_col: u16,
}

impl Range {
    fn overlaps(&self, other: &Range) -> bool {
        self.first_row <= other.last_row
            && other.first_row <= self.last_row
            && self.first_col <= other.last_col
            && other.first_col <= self.last_col
    }

    fn reference(&self) -> String {
        let mut out = String::new();
        push_cell_ref(&mut out, self.first_row, self.first_col);
        out.push(':');
        push_cell_ref(&mut out, self.last_row, self.last_col);
        out
    }
}

/// One sheet of a [`Workbook`].
#[derive(Debug)]
pub struct Worksheet<'a> {
    name: String,
    hidden: bool,
    cells: Vec<Cell<'a>>,
    merges: Vec<Range>,
    widths: BTreeMap<u16, u16>,
    heights: BTreeMap<u32, u16>,
    frozen_rows: u32,
    landscape: bool,
    fit_to_width: bool,
}

fn check_cell(row: u32, col: u16) -> Result<(), XlsxError> {
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(XlsxError::OutOfRange {
            row,
            col: u32::from(col),
        });
    }
    Ok(())
}

impl<'a> Worksheet<'a> {
    /// Puts `value` in the cell at `row`, `col` (both from 0). A cell written
    /// twice keeps the last value; a blank in the default style writes
    /// nothing.
    pub fn write(&mut self, row: u32, col: u16, value: impl Into<Value<'a>>, style: StyleId) -> Result<(), XlsxError> {
        check_cell(row, col)?;
        let value = value.into();
        if value == Value::Blank && style == StyleId::DEFAULT {
            return Ok(());
        }
        self.cells.push(Cell {
            row,
            col,
            style: style.0,
            value,
        });
        Ok(())
    }

    /// Merges the cells from (`first_row`, `first_col`) to (`last_row`,
    /// `last_col`) into one showing `value`; every cell of the range gets
    /// `style` (so a border goes all round). A range of one cell is just
    /// that cell.
    pub fn merge(
        &mut self,
        (first_row, first_col): (u32, u16),
        (last_row, last_col): (u32, u16),
        value: impl Into<Value<'a>>,
        style: StyleId,
    ) -> Result<(), XlsxError> {
        check_cell(first_row, first_col)?;
        check_cell(last_row, last_col)?;
        let range = Range {
            first_row,
            first_col,
            last_row,
            last_col,
        };
        if last_row < first_row || last_col < first_col {
            return Err(XlsxError::MergeBackwards(range.reference()));
        }
        if self.merges.iter().any(|m| m.overlaps(&range)) {
            return Err(XlsxError::MergeOverlap(range.reference()));
        }
        self.write(first_row, first_col, value, style)?;
        if range.first_row == range.last_row && range.first_col == range.last_col {
            return Ok(());
        }
        for row in first_row..=last_row {
            for col in first_col..=last_col {
                if (row, col) != (first_row, first_col) {
                    self.write(row, col, Value::Blank, style)?;
                }
            }
        }
        self.merges.push(range);
        Ok(())
    }

    /// The width of a column in characters of the default font (at most 255).
    pub fn set_column_width(&mut self, col: u16, width: u16) -> Result<(), XlsxError> {
        check_cell(0, col)?;
        self.widths.insert(col, width.min(255));
        Ok(())
    }

    /// The height of a row in points (at most 409).
    pub fn set_row_height(&mut self, row: u32, points: u16) -> Result<(), XlsxError> {
        check_cell(row, 0)?;
        self.heights.insert(row, points.min(409));
        Ok(())
    }

    /// Keeps the first `rows` rows in view while scrolling.
    pub fn freeze_rows(&mut self, rows: u32) -> Result<(), XlsxError> {
        check_cell(rows, 0)?;
        self.frozen_rows = rows;
        Ok(())
    }

    /// Prints in landscape.
    pub fn set_landscape(&mut self) {
        self.landscape = true;
    }

    /// Prints scaled to one page wide (as many pages tall as it takes).
    pub fn fit_to_width(&mut self) {
        self.fit_to_width = true;
    }

    /// Hides the sheet (it stays in the workbook).
    pub fn hide(&mut self) {
        self.hidden = true;
    }
}

/// A workbook being built; [`Workbook::save`] gives the .xlsx bytes.
#[derive(Debug)]
pub struct Workbook<'a> {
    properties: Properties,
    styles: Vec<Style>,
    sheets: Vec<Worksheet<'a>>,
}

impl<'a> Workbook<'a> {
    pub fn new(properties: Properties) -> Self {
        Workbook {
            properties,
            styles: vec![Style::default()],
            sheets: Vec::new(),
        }
    }

    /// The id of `style`, registering it the first time.
    pub fn add_style(&mut self, style: Style) -> StyleId {
        let index = match self.styles.iter().position(|s| *s == style) {
            Some(i) => i,
            None => {
                self.styles.push(style);
                self.styles.len() - 1
            }
        };
        StyleId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// A new sheet at the end. The name must be 1 to 31 characters, without
    /// `[]:*?/\`, not start or end with `'`, and differ from the other
    /// sheets' names ignoring case.
    pub fn add_worksheet(&mut self, name: &str) -> Result<&mut Worksheet<'a>, XlsxError> {
        let refuse = |reason| {
            Err(XlsxError::SheetName {
                name: name.to_string(),
                reason,
            })
        };
        let chars = name.chars().count();
        if chars == 0 || chars > MAX_SHEET_NAME {
            return refuse("must be 1 to 31 characters");
        }
        if name.contains(['[', ']', ':', '*', '?', '/', '\\']) || !name.chars().all(xml_char) {
            return refuse("has a character Excel does not allow in a sheet name");
        }
        if name.starts_with('\'') || name.ends_with('\'') {
            return refuse("starts or ends with an apostrophe");
        }
        let lower = name.to_lowercase();
        if self.sheets.iter().any(|s| s.name.to_lowercase() == lower) {
            return refuse("is already taken");
        }
        self.sheets.push(Worksheet {
            name: name.to_string(),
            hidden: false,
            cells: Vec::new(),
            merges: Vec::new(),
            widths: BTreeMap::new(),
            heights: BTreeMap::new(),
            frozen_rows: 0,
            landscape: false,
            fit_to_width: false,
        });
        let last = self.sheets.len() - 1;
        Ok(&mut self.sheets[last])
    }

    /// The .xlsx file.
    pub fn save(&self) -> Result<Vec<u8>, XlsxError> {
        let active = self
            .sheets
            .iter()
            .position(|s| !s.hidden)
            .ok_or(XlsxError::NoVisibleSheet)?;
        let (year, month, day) = self.properties.created;
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(XlsxError::InvalidDate(year, month, day));
        }
        let styles = u32::try_from(self.styles.len()).unwrap_or(u32::MAX);
        if let Some(bad) = self.sheets.iter().flat_map(|s| &s.cells).find(|c| c.style >= styles) {
            return Err(XlsxError::UnknownStyle(bad.style));
        }

        let mut strings = SharedStrings::default();
        let mut parts: Vec<(String, String)> = Vec::with_capacity(self.sheets.len() + 8);
        parts.push(("[Content_Types].xml".into(), self.content_types()));
        parts.push(("_rels/.rels".into(), ROOT_RELS.into()));
        parts.push(("docProps/app.xml".into(), APP_XML.into()));
        parts.push(("docProps/core.xml".into(), self.core_xml()));
        parts.push(("xl/workbook.xml".into(), self.workbook_xml(active)));
        parts.push(("xl/_rels/workbook.xml.rels".into(), self.workbook_rels()));
        parts.push(("xl/styles.xml".into(), styles_xml(&self.styles)));
        for (i, sheet) in self.sheets.iter().enumerate() {
            let xml = sheet_xml(sheet, i == active, &mut strings);
            parts.push((format!("xl/worksheets/sheet{}.xml", i + 1), xml));
        }
        parts.push(("xl/sharedStrings.xml".into(), strings.xml()));
        Ok(zip_package(&parts)?)
    }

    fn content_types(&self) -> String {
        let mut out = String::from(XML_DECL);
        out.push_str(
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
             <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
             <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>",
        );
        for i in 1..=self.sheets.len() {
            let _ = write!(
                out,
                "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" \
                 ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
            );
        }
        out.push_str("</Types>");
        out
    }

    fn core_xml(&self) -> String {
        let p = &self.properties;
        let (year, month, day) = p.created;
        let created = format!("{year:04}-{month:02}-{day:02}T00:00:00Z");
        let mut out = String::from(XML_DECL);
        out.push_str(
            "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
             xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>",
        );
        escape_into(&mut out, &p.title);
        out.push_str("</dc:title><dc:creator>");
        escape_into(&mut out, &p.author);
        out.push_str("</dc:creator><cp:lastModifiedBy>");
        escape_into(&mut out, &p.author);
        let _ = write!(
            out,
            "</cp:lastModifiedBy><dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created>\
             <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified></cp:coreProperties>"
        );
        out
    }

    fn workbook_xml(&self, active: usize) -> String {
        let mut out = String::from(XML_DECL);
        out.push_str(
            "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" \
             xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\
             <workbookPr/><bookViews><workbookView",
        );
        if active > 0 {
            let _ = write!(out, " firstSheet=\"{active}\" activeTab=\"{active}\"");
        }
        out.push_str("/></bookViews><sheets>");
        for (i, sheet) in self.sheets.iter().enumerate() {
            out.push_str("<sheet name=\"");
            escape_into(&mut out, &sheet.name);
            let _ = write!(out, "\" sheetId=\"{}\"", i + 1);
            if sheet.hidden {
                out.push_str(" state=\"hidden\"");
            }
            let _ = write!(out, " r:id=\"rId{}\"/>", i + 1);
        }
        out.push_str("</sheets></workbook>");
        out
    }

    fn workbook_rels(&self) -> String {
        const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        let mut out = String::from(XML_DECL);
        out.push_str("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
        let n = self.sheets.len();
        for i in 1..=n {
            let _ = write!(
                out,
                "<Relationship Id=\"rId{i}\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
            );
        }
        let _ = write!(
            out,
            "<Relationship Id=\"rId{}\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
             <Relationship Id=\"rId{}\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
            n + 1,
            n + 2
        );
        out
    }
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const APP_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">",
    "<Application>gongkai</Application><DocSecurity>0</DocSecurity></Properties>"
);

// ---------------------------------------------------------------------------
// Shared strings

/// The shared string table: each distinct text once, in order of first use.
#[derive(Default)]
struct SharedStrings<'s> {
    index: HashMap<&'s str, u32>,
    order: Vec<&'s str>,
    /// References, counted (the table's `count`).
    uses: usize,
}

impl<'s> SharedStrings<'s> {
    fn id(&mut self, text: &'s str) -> u32 {
        self.uses += 1;
        let next = u32::try_from(self.order.len()).unwrap_or(u32::MAX);
        *self.index.entry(text).or_insert_with(|| {
            self.order.push(text);
            next
        })
    }

    fn xml(&self) -> String {
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
fn push_cell_ref(out: &mut String, row: u32, col: u16) {
    push_column(out, u32::from(col));
    let _ = write!(out, "{}", u64::from(row) + 1);
}

/// Appends the letters of column `col` (0 is `A`, 26 is `AA`).
fn push_column(out: &mut String, col: u32) {
    let mut letters = ['A'; 7];
    let mut n = u64::from(col) + 1;
    let mut start = letters.len();
    while n > 0 && start > 0 {
        n -= 1;
        start -= 1;
        letters[start] = char::from(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.extend(&letters[start..]);
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

fn sheet_xml<'s>(sheet: &'s Worksheet<'_>, active: bool, strings: &mut SharedStrings<'s>) -> String {
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
        let _ = write!(out, "<row r=\"{}\"", u64::from(row) + 1);
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
        let _ = write!(out, " s=\"{}\"", cell.style);
    }
    match &cell.value {
        Value::Text(text) => {
            let _ = write!(out, " t=\"s\"><v>{}</v></c>", strings.id(text));
        }
        Value::Number(n) => {
            let _ = write!(out, "><v>{}</v></c>", n.normalize());
        }
        Value::Bool(b) => {
            let _ = write!(out, " t=\"b\"><v>{}</v></c>", u8::from(*b));
        }
        Value::Blank => out.push_str("/>"),
    }
}

// ---------------------------------------------------------------------------
// Styles

/// `xl/styles.xml` for the styles in order (the first the default):
/// number formats numbered from 164 in order of first use, one font per
/// weight and size, two borders (none, thin).
fn styles_xml(styles: &[Style]) -> String {
    let mut formats: Vec<&str> = Vec::new();
    let mut fonts: Vec<(bool, u8)> = vec![(false, 11)];
    for style in styles {
        if let Some(code) = style.number_format.as_deref()
            && code != "General"
            && !formats.contains(&code)
        {
            formats.push(code);
        }
        let font = (style.bold, style.size.unwrap_or(11));
        if !fonts.contains(&font) {
            fonts.push(font);
        }
    }
    let mut out = String::with_capacity(2048);
    out.push_str(XML_DECL);
    out.push_str("<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">");
    if !formats.is_empty() {
        let _ = write!(out, "<numFmts count=\"{}\">", formats.len());
        for (id, code) in (164..).zip(&formats) {
            let _ = write!(out, "<numFmt numFmtId=\"{id}\" formatCode=\"");
            escape_into(&mut out, code);
            out.push_str("\"/>");
        }
        out.push_str("</numFmts>");
    }
    let _ = write!(out, "<fonts count=\"{}\">", fonts.len());
    for (bold, size) in &fonts {
        out.push_str("<font>");
        if *bold {
            out.push_str("<b/>");
        }
        let _ = write!(
            out,
            "<sz val=\"{size}\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        );
    }
    out.push_str(
        "</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border>\
         <border><left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>\
         <top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    );
    let _ = write!(out, "<cellXfs count=\"{}\">", styles.len());
    for style in styles {
        let format = style
            .number_format
            .as_deref()
            .and_then(|code| formats.iter().position(|f| *f == code))
            .map_or(0, |i| i + 164);
        let font = fonts
            .iter()
            .position(|f| *f == (style.bold, style.size.unwrap_or(11)))
            .unwrap_or(0);
        let border = usize::from(style.border);
        let _ = write!(
            out,
            "<xf numFmtId=\"{format}\" fontId=\"{font}\" fillId=\"0\" borderId=\"{border}\" xfId=\"0\""
        );
        if format != 0 {
            out.push_str(" applyNumberFormat=\"1\"");
        }
        if font != 0 {
            out.push_str(" applyFont=\"1\"");
        }
        if border != 0 {
            out.push_str(" applyBorder=\"1\"");
        }
        let horizontal = match (style.align, style.indent) {
            (Align::General, 0) => None,
            (Align::General | Align::Left, _) => Some("left"),
            (Align::Center, _) => Some("center"),
            (Align::Right, _) => Some("right"),
        };
        if horizontal.is_none() && !style.vertical_center && !style.wrap {
            out.push_str("/>");
            continue;
        }
        out.push_str(" applyAlignment=\"1\"><alignment");
        if let Some(h) = horizontal {
            let _ = write!(out, " horizontal=\"{h}\"");
        }
        if style.vertical_center {
            out.push_str(" vertical=\"center\"");
        }
        if style.wrap {
            out.push_str(" wrapText=\"1\"");
        }
        if style.indent > 0 {
            let _ = write!(out, " indent=\"{}\"", style.indent);
        }
        out.push_str("/></xf>");
    }
    out.push_str(
        "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
         <dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>",
    );
    out
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
    fn cell_text_escapes() {
        let mut out = String::new();
        push_cell_text(&mut out, "a<&>\"b\r\n\t\u{1}\u{ffff}_x0041_ _x12_");
        assert_eq!(out, "a&lt;&amp;&gt;\"b_x000D_\n\t_x0001__xFFFF__x005F_x0041_ _x12_");
    }

    #[test]
    fn names_excel_refuses() {
        let mut wb = Workbook::new(Properties {
            title: String::new(),
            author: String::new(),
            created: (2022, 1, 1),
        });
        assert!(wb.add_worksheet("表1 收支总表").is_ok());
        assert!(wb.add_worksheet("a").is_ok());
        let long = "长".repeat(32);
        for bad in ["", "a/b", "[x]", "'q", long.as_str(), "表1 收支总表", "A"] {
            assert!(
                matches!(wb.add_worksheet(bad), Err(XlsxError::SheetName { .. })),
                "{bad:?}"
            );
        }
        assert!(wb.add_worksheet(&"长".repeat(31)).is_ok());
    }

    #[test]
    fn cells_and_merges_are_checked() {
        let mut wb = Workbook::new(Properties {
            title: String::new(),
            author: String::new(),
            created: (2022, 1, 1),
        });
        let ws = wb.add_worksheet("a").unwrap();
        assert!(matches!(
            ws.write(MAX_ROWS, 0, "x", StyleId::DEFAULT),
            Err(XlsxError::OutOfRange { .. })
        ));
        assert!(matches!(
            ws.write(0, MAX_COLUMNS, "x", StyleId::DEFAULT),
            Err(XlsxError::OutOfRange { .. })
        ));
        ws.write(MAX_ROWS - 1, MAX_COLUMNS - 1, "x", StyleId::DEFAULT).unwrap();
        ws.merge((0, 0), (0, 3), "t", StyleId::DEFAULT).unwrap();
        let err = ws.merge((0, 3), (1, 4), "u", StyleId::DEFAULT).unwrap_err();
        assert_eq!(err.to_string(), "merged range D1:E2 overlaps an earlier one");
        let err = ws.merge((5, 3), (4, 3), "u", StyleId::DEFAULT).unwrap_err();
        assert_eq!(err.to_string(), "merged range D6:D5 ends before it starts");
        ws.write(2, 0, "x", StyleId(7)).unwrap();
        assert!(matches!(wb.save(), Err(XlsxError::UnknownStyle(7))));
    }

    #[test]
    fn a_workbook_needs_a_visible_sheet_and_a_date() {
        let mut wb = Workbook::new(Properties {
            title: String::new(),
            author: String::new(),
            created: (2022, 13, 1),
        });
        assert!(matches!(wb.save(), Err(XlsxError::NoVisibleSheet)));
        wb.add_worksheet("a").unwrap().hide();
        assert!(matches!(wb.save(), Err(XlsxError::NoVisibleSheet)));
        wb.add_worksheet("b").unwrap();
        assert_eq!(
            wb.save().unwrap_err().to_string(),
            "creation date 2022-13-01 is not a date"
        );
    }
}
