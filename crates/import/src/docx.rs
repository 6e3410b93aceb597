//! The .docx front-end: the paragraphs and tables of `word/document.xml`, in
//! document order.
//!
//! What is read:
//!
//! - body paragraphs: the text of their runs (`w:t`), `w:tab` as `\t`,
//!   `w:br` / `w:cr` as a newline (a page or column break adds nothing),
//!   trimmed of surrounding white space (the ideographic spaces used to
//!   indent included); paragraphs with no visible text are left out, and so
//!   are those that hold a page-number field and only its decoration
//!   (`— 3 —`, `第 3 页 共 9 页`);
//! - tables (`w:tbl` → rows `w:tr` → cells `w:tc`): a cell's text is its
//!   paragraphs joined by `\n`, each trimmed, empty lines at either end
//!   dropped; a cell spanning columns (`w:gridSpan`, also
//!   `w:gridBefore` / `w:gridAfter`) is followed by empty cells so every
//!   row is as wide as the grid; a vertically merged continuation cell
//!   (`w:vMerge` without `restart`) is empty; rows are padded to the widest
//!   row; a deleted row (tracked change) is left out;
//! - nested tables: their paragraphs become lines of the enclosing cell;
//!   text boxes: their paragraphs become lines of the paragraph that anchors
//!   them (the DrawingML version only: `mc:Fallback` is skipped).
//!
//! What is left out: headers and footers (other parts), bookmarks, comments,
//! field instructions (`w:instrText`) and the results of page-number fields
//! (`PAGE`, `NUMPAGES`, `PAGEREF`, a whole `TOC`), deleted text (`w:del`,
//! `w:moveFrom`). Inserted text (`w:ins`, `w:moveTo`) is kept.
//!
//! The file may come from anywhere: the zip is checked before it is read
//! ([`MAX_ENTRIES`], [`MAX_PART_BYTES`] per part, counted while
//! decompressing, not trusted from the header), element nesting is limited
//! to [`MAX_DEPTH`], tables to [`MAX_COLUMNS`] columns and [`MAX_CELLS`]
//! cells, and nothing recurses on the input. Every failure is a
//! [`FormatError`].

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{Block, Source};
pub use gongkai_ooxml::read::FormatError;
use gongkai_ooxml::read::{MAX_CELLS, MAX_COLUMNS, MAX_DEPTH, Package, malformed, resolve_reference, xml_text};

/// Reads a .docx: body paragraphs and tables of `word/document.xml` (or the
/// main part `_rels/.rels` names), in document order. See the module
/// documentation for what is kept.
pub fn read(bytes: &[u8]) -> Result<Source, FormatError> {
    let mut package = Package::open(bytes, KIND)?;
    let main = package.main_part("word/document.xml")?;
    let Some(xml) = package.read(&main)? else {
        return Err(FormatError::NotThisFormat {
            kind: KIND,
            reason: format!("{main} missing"),
        });
    };
    let text = xml_text(xml, KIND, &main)?;
    DocumentReader::new(&main).read(&text)
}

const KIND: &str = ".docx";

// ---------------------------------------------------------------------------
// document.xml

const NS_W: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const NS_MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";
const NS_M: &[&str] = &[
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://purl.oclc.org/ooxml/officeDocument/math",
];

/// Field types whose result is a page number or a table of contents.
const PAGE_FIELDS: &[&str] = &["PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "PAGEREF", "TOC"];

/// The namespace an element name is in, by its prefix as bound on the root
/// element (where Word and every other writer declare them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    W,
    Mc,
    M,
    Other,
}

#[derive(Debug)]
struct Field {
    /// The instruction, up to its first 64 bytes.
    instr: String,
    /// Past `separate`: the result is showing.
    result: bool,
}

impl Field {
    fn hidden(&self) -> bool {
        if !self.result {
            return true;
        }
        let word = self.instr.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        PAGE_FIELDS.contains(&word.as_str())
    }
}

#[derive(Debug, Default)]
struct Cell {
    lines: Vec<String>,
    span: usize,
    /// A vertically (or, old style, horizontally) merged continuation cell.
    continued: bool,
}

#[derive(Debug, Default)]
struct Row {
    cells: Vec<String>,
    grid_after: usize,
    deleted: bool,
}

#[derive(Debug, Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Option<Row>,
    cell: Option<Cell>,
}

/// Which properties element of the outermost table is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Props {
    None,
    Row,
    Cell,
}

struct DocumentReader {
    part: String,
    prefixes: Vec<(Vec<u8>, Ns)>,
    blocks: Vec<Block>,
    depth: usize,
    /// The paragraph being read and how many `w:p` are open (text boxes nest).
    para: Option<String>,
    para_depth: usize,
    /// The paragraph holds a page-number field.
    page_field: bool,
    in_text: bool,
    in_instr: bool,
    fields: Vec<Field>,
    /// `begin`s past the field nesting limit, still to be ended.
    field_overflow: usize,
    /// Open `w:tbl` outside paragraphs; only the outermost is structured.
    table_depth: usize,
    table: Option<Table>,
    props: Props,
    cells: usize,
}

impl DocumentReader {
    fn new(part: &str) -> Self {
        DocumentReader {
            part: part.to_string(),
            prefixes: vec![(b"w".to_vec(), Ns::W), (b"mc".to_vec(), Ns::Mc), (b"m".to_vec(), Ns::M)],
            blocks: Vec::new(),
            depth: 0,
            para: None,
            para_depth: 0,
            page_field: false,
            in_text: false,
            in_instr: false,
            fields: Vec::new(),
            field_overflow: 0,
            table_depth: 0,
            table: None,
            props: Props::None,
            cells: 0,
        }
    }

    fn malformed(&self, message: impl std::fmt::Display) -> FormatError {
        malformed(KIND, &self.part, &message)
    }

    fn read(mut self, xml: &str) -> Result<Source, FormatError> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut root_seen = false;
        loop {
            let event = reader.read_event().map_err(|e| self.malformed(e))?;
            match event {
                Event::Start(e) => {
                    if !root_seen {
                        root_seen = true;
                        self.root(&e)?;
                    }
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(FormatError::TooLarge {
                            kind: KIND,
                            reason: format!("`{}` nests elements more than {MAX_DEPTH} deep", self.part),
                        });
                    }
                    if self.start(&e)? == Flow::Skip {
                        reader.read_to_end(e.name()).map_err(|e| self.malformed(e))?;
                        self.depth -= 1;
                    }
                }
                Event::Empty(e) => {
                    if !root_seen {
                        root_seen = true;
                        self.root(&e)?;
                    }
                    self.empty(&e)?;
                }
                Event::End(e) => {
                    self.depth = self.depth.saturating_sub(1);
                    let (ns, local) = self.name(e.name().into_inner());
                    self.end(ns, local)?;
                }
                Event::Text(t) => {
                    let text = t.xml10_content().map_err(|e| self.malformed(e))?;
                    self.text(&text);
                }
                Event::CData(t) => {
                    let text = t.decode().map_err(|e| self.malformed(e))?;
                    self.text(&text);
                }
                Event::GeneralRef(r) => {
                    if let Some(s) = resolve_reference(&r).map_err(|e| self.malformed(e))? {
                        self.text(&s);
                    }
                }
                Event::Eof => break,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
            }
        }
        if !root_seen {
            return Err(self.malformed("no root element"));
        }
        Ok(Source { blocks: self.blocks })
    }

    /// Checks the root is a WordprocessingML document.
    fn root(&mut self, root: &BytesStart<'_>) -> Result<(), FormatError> {
        self.bind_prefixes(root);
        match self.name(root.name().into_inner()) {
            (Ns::W, b"document") => Ok(()),
            _ => Err(FormatError::NotThisFormat {
                kind: KIND,
                reason: format!("`{}` is not a Word document", self.part),
            }),
        }
    }

    /// Learns the prefixes of the namespaces that matter from the root.
    fn bind_prefixes(&mut self, root: &BytesStart<'_>) {
        for a in root.attributes().flatten() {
            let key = a.key.as_ref();
            let prefix: &[u8] = if key == b"xmlns" {
                b""
            } else if let Some(p) = key.strip_prefix(b"xmlns:") {
                p
            } else {
                continue;
            };
            let Ok(uri) = a.normalized_value(XmlVersion::Implicit1_0) else {
                continue;
            };
            let ns = if NS_W.contains(&uri.as_ref()) {
                Ns::W
            } else if uri == NS_MC {
                Ns::Mc
            } else if NS_M.contains(&uri.as_ref()) {
                Ns::M
            } else {
                Ns::Other
            };
            self.prefixes.retain(|(p, _)| p != prefix);
            self.prefixes.insert(0, (prefix.to_vec(), ns));
        }
    }

    fn name<'n>(&self, qname: &'n [u8]) -> (Ns, &'n [u8]) {
        let (prefix, local) = match qname.iter().position(|b| *b == b':') {
            Some(i) => (&qname[..i], &qname[i + 1..]),
            None => (&qname[..0], qname),
        };
        let ns = self
            .prefixes
            .iter()
            .find(|(p, _)| p == prefix)
            .map_or(Ns::Other, |(_, ns)| *ns);
        (ns, local)
    }

    fn visible(&self) -> bool {
        self.field_overflow == 0 && !self.fields.iter().any(Field::hidden)
    }

    fn push_str(&mut self, s: &str) {
        if self.visible()
            && let Some(p) = self.para.as_mut()
        {
            p.push_str(s);
        }
    }

    fn text(&mut self, s: &str) {
        if self.in_instr {
            if let Some(f) = self.fields.last_mut()
                && !f.result
            {
                for c in s.chars() {
                    if f.instr.len() >= 64 {
                        break;
                    }
                    f.instr.push(c);
                }
            }
        } else if self.in_text {
            self.push_str(s);
        }
    }

    /// Whether the structure of the outermost table applies here.
    fn in_outer_table(&self) -> bool {
        self.table_depth == 1 && self.para_depth == 0
    }

    fn start(&mut self, e: &BytesStart<'_>) -> Result<Flow, FormatError> {
        let (ns, local) = self.name(e.name().into_inner());
        match (ns, local) {
            (Ns::W, _) => {}
            (Ns::Mc, b"Fallback") => return Ok(Flow::Skip),
            (Ns::M, b"t") => {
                self.in_text = true;
                return Ok(Flow::Into);
            }
            _ => return Ok(Flow::Into),
        }
        // Properties of the outermost table's rows and cells are read (a
        // tracked change of them is not); every other properties element is
        // skipped whole.
        if self.props != Props::None {
            if matches!(local, b"trPrChange" | b"tcPrChange") {
                return Ok(Flow::Skip);
            }
            self.property(local, e)?;
            return Ok(Flow::Into);
        }
        match local {
            b"p" => self.open_paragraph(),
            b"t" => self.in_text = true,
            b"instrText" => {
                if self.fields.last().is_some_and(|f| !f.result) {
                    self.in_instr = true;
                } else {
                    return Ok(Flow::Skip);
                }
            }
            b"fldSimple" => {
                let field = Field {
                    instr: attr_local(e, b"instr").unwrap_or_default(),
                    result: true,
                };
                if field.hidden() {
                    self.page_field = true;
                    return Ok(Flow::Skip);
                }
            }
            b"trPr" if self.in_outer_table() && self.table.as_ref().is_some_and(|t| t.row.is_some()) => {
                self.props = Props::Row;
            }
            b"tcPr" if self.in_outer_table() && self.table.as_ref().is_some_and(|t| t.cell.is_some()) => {
                self.props = Props::Cell;
            }
            b"pPr" | b"rPr" | b"sectPr" | b"tblPr" | b"tblGrid" | b"tblPrEx" | b"trPr" | b"tcPr" | b"sdtPr"
            | b"sdtEndPr" | b"del" | b"moveFrom" | b"delText" | b"delInstrText" | b"fldData" | b"rPrChange"
            | b"pPrChange" | b"footnotePr" | b"endnotePr" | b"background" => return Ok(Flow::Skip),
            b"tbl" if self.para_depth == 0 => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.table = Some(Table::default());
                }
            }
            b"tr" if self.in_outer_table() => {
                if let Some(t) = self.table.as_mut() {
                    t.row = Some(Row::default());
                }
            }
            b"tc" if self.in_outer_table() => {
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
            }
            other => self.run_content(other, e)?,
        }
        Ok(Flow::Into)
    }

    fn empty(&mut self, e: &BytesStart<'_>) -> Result<(), FormatError> {
        let (ns, local) = self.name(e.name().into_inner());
        if ns != Ns::W {
            return Ok(());
        }
        if self.props != Props::None {
            return self.property(local, e);
        }
        match local {
            b"p" => {
                // An empty paragraph: an empty line in a cell, nothing in the
                // body or in a text box.
                if self.para_depth == 0 {
                    self.para = Some(String::new());
                    self.close_paragraph()?;
                }
            }
            b"tc" if self.in_outer_table() => {
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(Cell {
                        span: 1,
                        ..Cell::default()
                    });
                }
                self.close_cell()?;
            }
            other => self.run_content(other, e)?,
        }
        Ok(())
    }

    /// Elements inside a run (or fields around runs).
    fn run_content(&mut self, local: &[u8], e: &BytesStart<'_>) -> Result<(), FormatError> {
        match local {
            b"tab" | b"ptab" => self.push_str("\t"),
            b"br" => {
                let kind = attr_local(e, b"type").unwrap_or_default();
                if kind != "page" && kind != "column" {
                    self.push_str("\n");
                }
            }
            b"cr" => self.push_str("\n"),
            b"noBreakHyphen" => self.push_str("-"),
            b"fldChar" => match attr_local(e, b"fldCharType").as_deref() {
                Some("begin") => {
                    if self.fields.len() >= 64 {
                        self.field_overflow += 1;
                    } else {
                        self.fields.push(Field {
                            instr: String::new(),
                            result: false,
                        });
                    }
                }
                Some("separate") => {
                    if self.field_overflow == 0
                        && let Some(f) = self.fields.last_mut()
                    {
                        f.result = true;
                        if f.hidden() {
                            self.page_field = true;
                        }
                    }
                }
                Some("end") => {
                    if self.field_overflow > 0 {
                        self.field_overflow -= 1;
                    } else {
                        self.fields.pop();
                    }
                }
                _ => {}
            },
            _ => {}
        }
        Ok(())
    }

    /// An element inside the `w:trPr` or `w:tcPr` of the outermost table.
    fn property(&mut self, local: &[u8], e: &BytesStart<'_>) -> Result<(), FormatError> {
        let number = || {
            attr_local(e, b"val")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map_or(1, |n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let Some(table) = self.table.as_mut() else {
            return Ok(());
        };
        match (self.props, local) {
            (Props::Row, b"gridBefore") => {
                let n = number();
                if let Some(row) = table.row.as_mut() {
                    if n > MAX_COLUMNS || row.cells.len() + n > MAX_COLUMNS {
                        return Err(too_wide(&self.part));
                    }
                    row.cells.extend(std::iter::repeat_n(String::new(), n));
                }
            }
            (Props::Row, b"gridAfter") => {
                if let Some(row) = table.row.as_mut() {
                    row.grid_after = number().min(MAX_COLUMNS + 1);
                }
            }
            (Props::Row, b"del") => {
                if let Some(row) = table.row.as_mut() {
                    row.deleted = true;
                }
            }
            (Props::Cell, b"gridSpan") => {
                if let Some(cell) = table.cell.as_mut() {
                    cell.span = number().clamp(1, MAX_COLUMNS + 1);
                }
            }
            (Props::Cell, b"vMerge" | b"hMerge") => {
                if let Some(cell) = table.cell.as_mut() {
                    cell.continued = attr_local(e, b"val").is_none_or(|v| v != "restart");
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, ns: Ns, local: &[u8]) -> Result<(), FormatError> {
        match (ns, local) {
            (Ns::M, b"t") => self.in_text = false,
            (Ns::W, b"trPr" | b"tcPr") if self.props != Props::None => self.props = Props::None,
            (Ns::W, _) if self.props != Props::None => {}
            (Ns::W, b"t") => self.in_text = false,
            (Ns::W, b"instrText") => self.in_instr = false,
            (Ns::W, b"p") => {
                self.para_depth = self.para_depth.saturating_sub(1);
                if self.para_depth == 0 {
                    self.close_paragraph()?;
                }
            }
            (Ns::W, b"tc") if self.in_outer_table() => self.close_cell()?,
            (Ns::W, b"tr") if self.in_outer_table() => self.close_row()?,
            (Ns::W, b"tbl") if self.para_depth == 0 && self.table_depth > 0 => {
                self.table_depth -= 1;
                if self.table_depth == 0 {
                    self.close_table();
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_paragraph(&mut self) {
        if self.para_depth == 0 {
            self.para = Some(String::new());
            self.page_field = false;
        } else if let Some(p) = self.para.as_mut()
            && !p.is_empty()
            && !p.ends_with('\n')
        {
            // A paragraph of a text box: a line of its own.
            p.push('\n');
        }
        self.para_depth += 1;
    }

    fn close_paragraph(&mut self) -> Result<(), FormatError> {
        self.para_depth = 0;
        self.in_text = false;
        let Some(text) = self.para.take() else {
            return Ok(());
        };
        let text = text.trim();
        if self.page_field && is_page_decoration(text) {
            return Ok(());
        }
        if self.table_depth > 0 {
            if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
                cell.lines.push(text.to_string());
            }
        } else if !text.is_empty() {
            self.blocks.push(Block::Paragraph(text.to_string()));
        }
        Ok(())
    }

    fn close_cell(&mut self) -> Result<(), FormatError> {
        let Some(table) = self.table.as_mut() else {
            return Ok(());
        };
        let Some(cell) = table.cell.take() else {
            return Ok(());
        };
        let row = table.row.get_or_insert_with(Row::default);
        if row.cells.len() + cell.span > MAX_COLUMNS {
            return Err(too_wide(&self.part));
        }
        self.cells += cell.span;
        if self.cells > MAX_CELLS {
            return Err(too_many_cells(KIND));
        }
        row.cells.push(if cell.continued {
            String::new()
        } else {
            cell.lines.join("\n").trim_matches('\n').to_string()
        });
        row.cells.extend(std::iter::repeat_n(String::new(), cell.span - 1));
        Ok(())
    }

    fn close_row(&mut self) -> Result<(), FormatError> {
        let Some(table) = self.table.as_mut() else {
            return Ok(());
        };
        let Some(mut row) = table.row.take() else {
            return Ok(());
        };
        if row.cells.len() + row.grid_after > MAX_COLUMNS {
            return Err(too_wide(&self.part));
        }
        self.cells += row.grid_after;
        if self.cells > MAX_CELLS {
            return Err(too_many_cells(KIND));
        }
        row.cells.extend(std::iter::repeat_n(String::new(), row.grid_after));
        if !row.deleted {
            table.rows.push(row.cells);
        }
        Ok(())
    }

    fn close_table(&mut self) {
        let Some(table) = self.table.take() else {
            return;
        };
        let mut rows = table.rows;
        if rows.is_empty() {
            return;
        }
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        for row in &mut rows {
            row.resize(width, String::new());
        }
        self.blocks.push(Block::Table(rows));
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    Into,
    Skip,
}

/// What is left of a paragraph around a page number: dashes, 第 页 共 页,
/// `Page of`.
fn is_page_decoration(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || "—–-_|/·.第页共PpAaGgEeOoFf".contains(c))
}

/// An attribute by local name (`w:val`, `val`: whatever the prefix).
fn attr_local(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn too_wide(part: &str) -> FormatError {
    FormatError::TooLarge {
        kind: KIND,
        reason: format!("`{part}` has a table row wider than {MAX_COLUMNS} cells"),
    }
}

pub(super) fn too_many_cells(kind: &'static str) -> FormatError {
    FormatError::TooLarge {
        kind,
        reason: format!("more than {MAX_CELLS} table cells"),
    }
}
