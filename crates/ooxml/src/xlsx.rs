//! A minimal SpreadsheetML (.xlsx) writer: what the portal's workbook download
//! (`tables.xlsx`, [`gongkai_portal::downloads::workbook_xlsx`]) and the test
//! fixtures need, and no more.
//!
//! A [`Workbook`] is composed once and saved by either of two writers
//! ([`Writer`]): gongkai's own (this module, the default) or the maintained
//! crate rust_xlsxwriter (`xlsx/library.rs`), which `GONGKAI_OWN_XLSX=0` picks
//! for the portal's download ([`Writer::configured`]). The own writer is
//! kept only as long as it saves a measurable share of a build
//! (`bench/twins.md`).
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

mod library;
mod sheet;
mod styles;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{escape_into, xml_char, zip_package};
use sheet::{SharedStrings, push_cell_ref, sheet_xml};
pub use sheet::{cell_ref, parse_cell_ref};
use styles::styles_xml;

/// Rows in a worksheet.
pub const MAX_ROWS: u32 = 1_048_576;
/// Columns in a worksheet (`A` to `XFD`).
pub const MAX_COLUMNS: u16 = 16_384;
/// Characters in a sheet name.
pub(crate) const MAX_SHEET_NAME: usize = 31;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// A cell or range past the last row or column of a sheet.
    #[error("cell (row {row}, column {col}) is outside the sheet (rows 0–1048575, columns 0–16383)")]
    OutOfRange {
        /// 0-based row.
        row: u32,
        /// 0-based column.
        col: u32,
    },
    /// A sheet name Excel would refuse.
    #[error("sheet name {name:?}: {reason}")]
    SheetName {
        /// The name asked for.
        name: String,
        /// Why Excel would refuse it.
        reason: &'static str,
    },
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
    /// rust_xlsxwriter refused the workbook ([`Writer::RustXlsxwriter`]).
    #[error("rust_xlsxwriter: {0}")]
    Library(#[from] rust_xlsxwriter::XlsxError),
    /// A number rust_xlsxwriter cannot hold (it writes `f64`).
    #[error("number {0} cannot be written as a double")]
    Number(Decimal),
}

/// Which code writes a [`Workbook`]'s package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Writer {
    /// gongkai's own writer (this module): small parts stored, large ones
    /// deflated at level 1, numbers as their exact decimal text.
    #[default]
    Own,
    /// The maintained crate rust_xlsxwriter (`xlsx/library.rs`): every part
    /// deflated (at level 1), numbers as the nearest double.
    RustXlsxwriter,
}

impl Writer {
    /// The writer the environment asks for: [`Writer::RustXlsxwriter`] when
    /// `GONGKAI_OWN_XLSX=0`, else [`Writer::Own`]; read once per process.
    pub fn configured() -> Writer {
        static CHOSEN: std::sync::OnceLock<Writer> = std::sync::OnceLock::new();
        *CHOSEN.get_or_init(|| {
            if std::env::var_os("GONGKAI_OWN_XLSX").is_some_and(|v| v == "0") {
                Writer::RustXlsxwriter
            } else {
                Writer::Own
            }
        })
    }
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Align {
    /// Text left, numbers right.
    #[default]
    General,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// How a cell looks. The default is plain: Calibri 11, no border, `General`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// Bold type.
    pub bold: bool,
    /// Font size in points; `None` is 11.
    pub size: Option<u8>,
    /// Horizontal alignment.
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
    /// Text (in the shared string table).
    Text(Cow<'a, str>),
    /// Written as its decimal text, trailing zeros dropped.
    Number(Decimal),
    /// TRUE or FALSE.
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
    /// The document's title.
    pub title: String,
    /// Its author (the department).
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
    /// An empty workbook with these properties.
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
        let lower = || name.chars().flat_map(char::to_lowercase);
        if self
            .sheets
            .iter()
            .any(|s| s.name.chars().flat_map(char::to_lowercase).eq(lower()))
        {
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

    /// The .xlsx file, written by gongkai's own writer.
    pub fn save(&self) -> Result<Vec<u8>, XlsxError> {
        self.save_with(Writer::Own)
    }

    /// The .xlsx file, written by `writer`. Both writers refuse the same
    /// workbooks (no visible sheet, an invalid date, an unknown style)
    /// before writing anything.
    pub fn save_with(&self, writer: Writer) -> Result<Vec<u8>, XlsxError> {
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
        if writer == Writer::RustXlsxwriter {
            return library::save(self, active);
        }

        let texts = self
            .sheets
            .iter()
            .flat_map(|s| &s.cells)
            .filter(|c| matches!(c.value, Value::Text(_)))
            .count();
        let mut strings = SharedStrings::with_capacity(texts);
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

#[cfg(test)]
mod tests {
    use super::*;

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
