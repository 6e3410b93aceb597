//! The workbook-wide parts: `workbook.xml` (the sheets, their order and
//! visibility, the date system), its relationships (which part each sheet
//! is), the shared string table and the number formats of `styles.xml`.

use std::collections::HashMap;

use super::display::{Kind, NumFmt, builtin_code, builtin_kind, date_kind};
use super::xml::{Ev, Xml, attr};
use super::{KIND, MAX_FORMATS, MAX_SHEETS};
use gongkai_ooxml::read::{FormatError, MAX_CELLS, Package, resolve_target, xml_text};

/// A visible worksheet: its name and the part that holds it.
#[derive(Debug)]
pub(super) struct SheetPart {
    pub(super) name: String,
    pub(super) part: String,
}

/// What the sheets' cells are read against.
#[derive(Debug, Default)]
pub(super) struct Book {
    /// The visible worksheets, in workbook order.
    pub(super) sheets: Vec<SheetPart>,
    pub(super) strings: SharedStrings,
    pub(super) styles: Styles,
    /// Serial dates count from 1904-01-01 (else 1900-01-01).
    pub(super) date1904: bool,
}

/// A sheet as `workbook.xml` lists it.
struct Listed {
    name: String,
    visible: bool,
    rel: Option<String>,
}

/// A relationship of `workbook.xml`: its type and the part it points to.
struct Rel {
    kind: String,
    part: String,
}

fn too_large(reason: String) -> FormatError {
    FormatError::TooLarge { kind: KIND, reason }
}

impl Book {
    /// Reads the workbook whose main part `main` has the text `workbook`.
    pub(super) fn read(package: &mut Package<'_>, main: &str, workbook: &str) -> Result<Book, FormatError> {
        let (dir, file) = main.rsplit_once('/').unwrap_or(("", main));
        let mut book = Book::default();
        let listed = book.read_workbook(workbook, main)?;

        let rels_part = if dir.is_empty() {
            format!("_rels/{file}.rels")
        } else {
            format!("{dir}/_rels/{file}.rels")
        };
        let rels = match package.read(&rels_part)? {
            Some(bytes) => read_rels(&xml_text(bytes, KIND, &rels_part)?, &rels_part, dir)?,
            None => HashMap::new(),
        };
        let related = |suffix: &str, default: &str| {
            rels.values()
                .filter(|r| r.kind.ends_with(suffix))
                .map(|r| r.part.clone())
                .min()
                .unwrap_or_else(|| resolve_target(dir, default))
        };

        let strings_part = related("/sharedStrings", "sharedStrings.xml");
        if let Some(bytes) = package.read(&strings_part)? {
            book.strings = SharedStrings::read(&xml_text(bytes, KIND, &strings_part)?, &strings_part)?;
        }
        let styles_part = related("/styles", "styles.xml");
        if let Some(bytes) = package.read(&styles_part)? {
            book.styles = Styles::read(&xml_text(bytes, KIND, &styles_part)?, &styles_part)?;
        }

        for sheet in listed.into_iter().filter(|s| s.visible) {
            let rel = sheet.rel.as_deref().and_then(|id| rels.get(id));
            let Some(rel) = rel else {
                return Err(FormatError::Malformed {
                    kind: KIND,
                    part: rels_part,
                    message: format!("no relationship for sheet `{}`", sheet.name),
                });
            };
            // Chart and dialog sheets have no cells to read.
            if rel.kind.ends_with("/worksheet") {
                book.sheets.push(SheetPart {
                    name: sheet.name,
                    part: rel.part.clone(),
                });
            }
        }
        Ok(book)
    }

    /// The sheets listed in `workbook.xml`, in order, and the date system.
    fn read_workbook(&mut self, text: &str, part: &str) -> Result<Vec<Listed>, FormatError> {
        let mut xml = Xml::new(text, part);
        let mut listed = Vec::new();
        loop {
            match xml.next()? {
                Ev::Start(e) | Ev::Empty(e) => match e.local_name().as_ref() {
                    b"sheet" => {
                        if listed.len() >= MAX_SHEETS {
                            return Err(too_large(format!("`{part}` lists more than {MAX_SHEETS} sheets")));
                        }
                        let state = attr(&e, b"state");
                        listed.push(Listed {
                            name: attr(&e, b"name").unwrap_or_default().into_owned(),
                            visible: !matches!(state.as_deref(), Some("hidden" | "veryHidden")),
                            rel: attr(&e, b"id").map(|id| id.into_owned()),
                        });
                    }
                    b"workbookPr" => {
                        if let Some(v) = attr(&e, b"date1904") {
                            self.date1904 = matches!(v.trim(), "1" | "true");
                        }
                    }
                    _ => {}
                },
                Ev::Eof => break,
                Ev::End | Ev::Text(_) => {}
            }
        }
        Ok(listed)
    }
}

/// The relationships of a `.rels` part by id, targets resolved against
/// `dir`; external targets left out.
fn read_rels(text: &str, part: &str, dir: &str) -> Result<HashMap<String, Rel>, FormatError> {
    let mut xml = Xml::new(text, part);
    let mut rels = HashMap::new();
    loop {
        match xml.next()? {
            Ev::Start(e) | Ev::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let external = attr(&e, b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                if let (Some(id), Some(target), false) = (attr(&e, b"Id"), attr(&e, b"Target"), external) {
                    if rels.len() >= MAX_SHEETS * 2 {
                        return Err(too_large(format!(
                            "`{part}` has more than {} relationships",
                            MAX_SHEETS * 2
                        )));
                    }
                    rels.insert(
                        id.into_owned(),
                        Rel {
                            kind: attr(&e, b"Type").unwrap_or_default().into_owned(),
                            part: resolve_target(dir, &target),
                        },
                    );
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(rels)
}

// ---------------------------------------------------------------------------
// Shared strings

/// The shared string table, kept as one text and the end of each string.
#[derive(Debug, Default)]
pub(super) struct SharedStrings {
    text: String,
    ends: Vec<usize>,
}

impl SharedStrings {
    /// Reads `sharedStrings.xml`: one string per `<si>`, from its `<t>`
    /// elements and those of its rich-text runs.
    fn read(text: &str, part: &str) -> Result<SharedStrings, FormatError> {
        let mut xml = Xml::new(text, part);
        let mut table = SharedStrings::default();
        loop {
            let item = match xml.next()? {
                Ev::Start(e) if e.local_name().as_ref() == b"si" => read_string_item(&mut xml)?,
                Ev::Empty(e) if e.local_name().as_ref() == b"si" => String::new(),
                Ev::Eof => break,
                _ => continue,
            };
            if table.ends.len() >= MAX_CELLS {
                return Err(too_large(format!("`{part}` has more than {MAX_CELLS} strings")));
            }
            table.text.push_str(&item);
            table.ends.push(table.text.len());
        }
        Ok(table)
    }

    /// How many strings there are.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    /// String `i`, if there is one.
    pub(super) fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)?,
            None => 0,
        };
        self.text.get(start..end)
    }
}

/// The text of a string item (`<si>` or an inline `<is>`) whose start tag
/// was just read: its `<t>` elements in order, those of rich-text runs
/// (`<r><t>`) included, phonetic guides (`<rPh>`) left out. A `<t>` without
/// `xml:space="preserve"` is trimmed of ASCII white space, and `_xHHHH_`
/// escapes are decoded.
pub(super) fn read_string_item(xml: &mut Xml<'_>) -> Result<String, FormatError> {
    let inside = xml.depth();
    let mut out = String::new();
    while xml.depth() >= inside {
        match xml.next()? {
            Ev::Start(e) => match e.local_name().as_ref() {
                b"rPh" => xml.skip()?,
                b"t" => {
                    let preserve = attr(&e, b"space").is_some_and(|v| v == "preserve");
                    let text = xml.text()?;
                    let text = if preserve {
                        text.as_str()
                    } else {
                        text.trim_matches([' ', '\t', '\r', '\n'])
                    };
                    unescape_into(&mut out, text);
                }
                _ => {}
            },
            Ev::Eof => return Err(xml.malformed("the file ends inside a string")),
            Ev::Empty(_) | Ev::End | Ev::Text(_) => {}
        }
    }
    Ok(out)
}

/// The `_xHHHH_` code unit at the start of `s`, if it starts with one.
fn escape_at(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() < 7 || b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(s.get(2..6)?, 16).ok()
}

/// Appends `s` with its `_xHHHH_` escapes decoded (UTF-16 code units: a
/// surrogate pair makes one character, a lone surrogate U+FFFD).
pub(super) fn unescape_into(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(at) = rest.find("_x") {
        let Some(unit) = escape_at(&rest[at..]) else {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at + 7..];
        let c = match unit {
            0xD800..=0xDBFF => match escape_at(rest) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    rest = &rest[7..];
                    let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    char::from_u32(code)
                }
                _ => None,
            },
            unit => char::from_u32(u32::from(unit)),
        };
        out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    out.push_str(rest);
}

// ---------------------------------------------------------------------------
// Styles

/// Characters in a number format code (Excel's limit); a longer custom
/// code is not read.
const MAX_FORMAT_CODE: usize = 255;

/// The number formats of `styles.xml`: the custom codes by id, and the
/// format id of each cell format (`cellXfs`), by the cells' `s` index.
#[derive(Debug, Default)]
pub(super) struct Styles {
    custom: HashMap<u32, String>,
    cell_formats: Vec<Option<u32>>,
}

impl Styles {
    fn read(text: &str, part: &str) -> Result<Styles, FormatError> {
        let mut xml = Xml::new(text, part);
        let mut styles = Styles::default();
        // The depth of the open `numFmts` / `cellXfs`, if any.
        let mut in_formats = None;
        let mut in_cell_xfs = None;
        loop {
            let (e, empty) = match xml.next()? {
                Ev::Start(e) => (e, false),
                Ev::Empty(e) => (e, true),
                Ev::End => {
                    let depth = Some(xml.depth() + 1);
                    if in_formats == depth {
                        in_formats = None;
                    }
                    if in_cell_xfs == depth {
                        in_cell_xfs = None;
                    }
                    continue;
                }
                Ev::Eof => break,
                Ev::Text(_) => continue,
            };
            match e.local_name().as_ref() {
                b"numFmts" if !empty => in_formats = Some(xml.depth()),
                b"cellXfs" if !empty => in_cell_xfs = Some(xml.depth()),
                b"numFmt" if in_formats.is_some() => {
                    let id = attr(&e, b"numFmtId").and_then(|v| v.trim().parse::<u32>().ok());
                    let code = attr(&e, b"formatCode").filter(|c| c.chars().count() <= MAX_FORMAT_CODE);
                    if let (Some(id), Some(code)) = (id, code) {
                        if styles.custom.len() >= MAX_FORMATS {
                            return Err(too_large(format!(
                                "`{part}` has more than {MAX_FORMATS} number formats"
                            )));
                        }
                        styles.custom.insert(id, code.into_owned());
                    }
                }
                b"xf" if in_cell_xfs.is_some() => {
                    if styles.cell_formats.len() >= MAX_FORMATS {
                        return Err(too_large(format!("`{part}` has more than {MAX_FORMATS} cell formats")));
                    }
                    let id = attr(&e, b"numFmtId").and_then(|v| v.trim().parse::<u32>().ok());
                    styles.cell_formats.push(id);
                }
                _ => {}
            }
        }
        Ok(styles)
    }

    /// The number format of cell format `index` (a cell's `s`): `General`
    /// when there is no such cell format or it names none.
    pub(super) fn format(&self, index: usize) -> NumFmt<'_> {
        let Some(id) = self.cell_formats.get(index).copied().flatten() else {
            return NumFmt::GENERAL;
        };
        match self.custom.get(&id) {
            Some(code) => NumFmt {
                code: code.as_str(),
                kind: date_kind(code),
            },
            None => NumFmt {
                code: builtin_code(id).unwrap_or("General"),
                kind: builtin_kind(id),
            },
        }
    }
}

impl NumFmt<'_> {
    /// No format: the number's digits.
    pub(super) const GENERAL: NumFmt<'static> = NumFmt {
        code: "General",
        kind: Kind::Number,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unescape(s: &str) -> String {
        let mut out = String::new();
        unescape_into(&mut out, s);
        out
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(unescape("a_x000D_b"), "a\rb");
        assert_eq!(unescape("_x005F_x0041_"), "_x0041_");
        assert_eq!(unescape("_xD83D__xDE00_"), "😀");
        assert_eq!(unescape("_xD83D_x"), "\u{fffd}x");
        assert_eq!(
            unescape("_x12_ _xZZZZ_ _X0041_ _x+FFF_ _x"),
            "_x12_ _xZZZZ_ _X0041_ _x+FFF_ _x"
        );
        assert_eq!(unescape("中_x4E2D_"), "中中");
    }

    #[test]
    fn shared_strings_with_runs_and_guides() {
        let xml = "<sst><si><t>甲</t></si><si/><si><r><rPr><b/></rPr><t xml:space=\"preserve\">乙 </t></r>\
                   <r><t> 丙 </t></r><rPh><t>ピン</t></rPh></si><si><t>&lt;&amp;&gt;_x0001_</t></si></sst>";
        let table = SharedStrings::read(xml, "sst").unwrap();
        assert_eq!(table.len(), 4);
        assert_eq!(table.get(0), Some("甲"));
        assert_eq!(table.get(1), Some(""));
        assert_eq!(table.get(2), Some("乙 丙"));
        assert_eq!(table.get(3), Some("<&>\u{1}"));
        assert_eq!(table.get(4), None);
    }

    #[test]
    fn number_formats_by_cell_format() {
        let xml = "<styleSheet><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"0.00\"/>\
                   <numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd\"/></numFmts>\
                   <dxfs><dxf><numFmt numFmtId=\"166\" formatCode=\"0.0\"/></dxf></dxfs>\
                   <cellStyleXfs><xf numFmtId=\"2\"/></cellStyleXfs>\
                   <cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"164\"></xf><xf numFmtId=\"165\"/>\
                   <xf numFmtId=\"14\"/><xf numFmtId=\"4\"/><xf/><xf numFmtId=\"166\"/><xf numFmtId=\"46\"/></cellXfs></styleSheet>";
        let styles = Styles::read(xml, "styles").unwrap();
        let f = |i| {
            let f = styles.format(i);
            (f.code, f.kind)
        };
        assert_eq!(f(0), ("General", Kind::Number));
        assert_eq!(f(1), ("0.00", Kind::Number));
        assert_eq!(f(2), ("yyyy-mm-dd", Kind::Date));
        assert_eq!(f(3), ("mm-dd-yy", Kind::Date));
        assert_eq!(f(4), ("#,##0.00", Kind::Number));
        assert_eq!(f(5), ("General", Kind::Number));
        // A differential format's number format is not a cell's.
        assert_eq!(f(6), ("General", Kind::Number));
        assert_eq!(f(7), ("[h]:mm:ss", Kind::Duration));
        assert_eq!(f(8), ("General", Kind::Number));
    }
}
