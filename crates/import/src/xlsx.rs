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
//! `12.5%`, a section for zero such as `"-"` gives `-`), the number's text
//! first rounded to the 15 significant digits Excel keeps, in decimal, so
//! `2100.3200000000002` (how a writer prints the double nearest 2100.32)
//! comes out as `2100.32` and an amount never passes through binary floating
//! point; `General` shows those digits, trailing zeros dropped. Dates show
//! as `2022-01-01` (with the time when there is one), booleans as `TRUE` /
//! `FALSE`, errors as written (`#DIV/0!`). Formats this reader does not
//! render (scientific, fractions, 中文大写 `[DBNum]`) fall back to `General`.
//!
//! The reader is gongkai's own, streaming SpreadsheetML with quick-xml:
//!
//! - `book`: `workbook.xml` (sheets, order, visibility, date system), its
//!   relationships, the shared strings (rich-text runs included) and the
//!   number formats of `styles.xml`;
//! - `cells`: a worksheet's cells, their references and values;
//! - `display`: numbers, dates and number formats as displayed;
//! - `xml`: the event stream every part is read through.
//!
//! Hostile input: the zip is checked as [`super::docx`] checks it (entries
//! counted, every part decompressed with a cap, all parts together within
//! a budget); only the parts the workbook needs are read; nesting is limited
//! to [`MAX_DEPTH`](gongkai_ooxml::read::MAX_DEPTH); cells are streamed, never laid
//! out from a declared dimension (which is not read at all); a cell
//! reference past `XFD1048576` is an error; the shared strings, sheets and
//! formats are counted ([`MAX_CELLS`], [`MAX_SHEETS`], [`MAX_FORMATS`]), the
//! tables are refused past [`MAX_CELLS`] cells and their text past
//! [`MAX_TEXT_BYTES`]. Nothing panics on input: every failure is a
//! [`FormatError`].

mod book;
mod cells;
mod display;
mod xml;

use super::docx::too_many_cells;
use super::{Block, Source};
use book::{Book, SheetPart};
pub(crate) use gongkai_ooxml::read::FormatError;
use gongkai_ooxml::read::{MAX_CELLS, Package, root_name, xml_text};

const KIND: &str = ".xlsx";

/// Most sheets a workbook may list.
pub(crate) const MAX_SHEETS: usize = 1_000;
/// Most number formats, and most cell formats, a workbook may define
/// (Excel allows about 64,000 cell formats).
pub(crate) const MAX_FORMATS: usize = 65_536;
/// Most text all the cells read may hold together (256 MiB): a long shared
/// string or number format repeated over many cells must not add up to
/// more memory than the workbook's parts may.
pub(crate) const MAX_TEXT_BYTES: usize = 256 * 1024 * 1024;

/// What the sheets read so far have used of the limits.
#[derive(Default)]
struct Used {
    /// Cells of the tables laid out.
    cells: usize,
    /// Bytes of the cells' text.
    text: usize,
}

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
    let workbook = xml_text(workbook, KIND, &main)?;
    if root_name(&workbook).as_deref() != Some("workbook") {
        return Err(FormatError::NotThisFormat {
            kind: KIND,
            reason: format!("`{main}` is not a workbook"),
        });
    }
    let book = Book::read(&mut package, &main, &workbook)?;
    let mut blocks = Vec::new();
    let mut used = Used::default();
    for sheet in &book.sheets {
        let rows = read_sheet(&mut package, &book, sheet, &mut used)?;
        sheet_blocks(rows, &mut blocks);
    }
    Ok(Source { blocks })
}

/// The non-empty rows of a sheet, each as wide as the sheet's used columns;
/// `used` counts what the sheets so far took.
fn read_sheet(
    package: &mut Package<'_>,
    book: &Book,
    sheet: &SheetPart,
    used: &mut Used,
) -> Result<Vec<Vec<String>>, FormatError> {
    let name = &sheet.name;
    let Some(bytes) = package.read(&sheet.part)? else {
        return Err(FormatError::Malformed {
            kind: KIND,
            part: sheet.part.clone(),
            message: format!("the part of sheet `{name}` is missing"),
        });
    };
    let text = xml_text(bytes, KIND, &sheet.part)?;
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    cells::read_cells(&text, &sheet.part, book, |row, col, text| {
        if cells.len() + used.cells >= MAX_CELLS {
            return Err(too_many_cells(KIND));
        }
        used.text += text.len();
        if used.text > MAX_TEXT_BYTES {
            return Err(FormatError::TooLarge {
                kind: KIND,
                reason: format!("the cells' text exceeds {} MiB", MAX_TEXT_BYTES >> 20),
            });
        }
        cells.push((row, col, text));
        Ok(())
    })?;
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
    if dense.saturating_add(used.cells) > MAX_CELLS {
        return Err(FormatError::TooLarge {
            kind: KIND,
            reason: format!(
                "sheet {name} spans {row_count} rows × {width} columns: the tables exceed {MAX_CELLS} cells"
            ),
        });
    }
    used.cells += dense;
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
