//! A worksheet's cells, streamed from its `<sheetData>`: where each cell is
//! (its `r` reference; without one, the cell after the previous one, and a
//! `<row>` without `r` the row after the previous one) and what it shows
//! (its value by type, through the cell's number format).
//!
//! Cell types: `s` (shared string), `str` (formula text), `inlineStr` (an
//! `<is>` string), `n` or none (number; without a type, text that is no
//! number is kept as text), `b` (`TRUE` / `FALSE`), `e` (the error as
//! written, `#DIV/0!`), `d` (an ISO date as written). Formulas are not
//! evaluated: their last value is read. A reference past `XFD1048576`, or a
//! cell pushed past it by references left out, is an error, never a wrap or
//! an allocation.

use super::book::{Book, read_string_item, unescape_into};
use super::display::number_display;
use super::xml::{Ev, Xml, attr};
use gongkai_ooxml::read::FormatError;
use gongkai_ooxml::xlsx::{MAX_COLUMNS, MAX_ROWS, cell_ref, parse_cell_ref};

/// At most this much of a hostile value goes into an error message.
fn short(s: &str) -> String {
    const MAX: usize = 24;
    match s.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// A row number (`r` of `<row>`, from 1) as a 0-based row.
fn parse_row(r: &str) -> Result<u32, String> {
    let row = r.trim();
    match row.parse::<u32>() {
        Ok(n) if row.bytes().all(|b| b.is_ascii_digit()) && (1..=MAX_ROWS).contains(&n) => Ok(n - 1),
        _ => Err(format!(
            "row number `{}` is not a row of the sheet (1 to {MAX_ROWS})",
            short(r)
        )),
    }
}

/// Streams the cells of the worksheet `text` (part `part`), handing each
/// non-empty one to `keep` as (row, column, displayed text), both from 0.
pub(super) fn read_cells(
    text: &str,
    part: &str,
    book: &Book,
    mut keep: impl FnMut(u32, u32, String) -> Result<(), FormatError>,
) -> Result<(), FormatError> {
    let mut xml = Xml::new(text, part);
    // Whatever comes before the cells (the root, `<dimension>`, views,
    // columns) is passed over; a part without `<sheetData>` has no cells.
    loop {
        match xml.next()? {
            Ev::Start(e) if e.local_name().as_ref() == b"sheetData" => break,
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
    let data = xml.depth();
    let mut row = 0u32;
    let mut next_row = 0u32;
    let mut next_col = 0u32;
    while xml.depth() >= data {
        let (e, empty) = match xml.next()? {
            Ev::Start(e) => (e, false),
            Ev::Empty(e) => (e, true),
            Ev::Eof => break,
            Ev::End | Ev::Text(_) => continue,
        };
        match e.local_name().as_ref() {
            b"row" => {
                row = match attr(&e, b"r") {
                    Some(r) => parse_row(&r).map_err(|m| xml.malformed(m))?,
                    None if next_row < MAX_ROWS => next_row,
                    None => return Err(xml.malformed(format!("a row without a number after row {MAX_ROWS}"))),
                };
                next_row = row + 1;
                next_col = 0;
            }
            b"c" => {
                let (r, c) = match attr(&e, b"r") {
                    Some(reference) => parse_cell_ref(reference.trim()).ok_or_else(|| {
                        xml.malformed(format!(
                            "cell reference `{}` is not a cell of the sheet (A1 to XFD{MAX_ROWS})",
                            short(&reference)
                        ))
                    })?,
                    None if next_col < u32::from(MAX_COLUMNS) => (row, next_col),
                    None => {
                        return Err(xml.malformed(format!(
                            "a cell without a reference after column XFD in row {}",
                            u64::from(row) + 1
                        )));
                    }
                };
                next_col = c + 1;
                if empty {
                    continue;
                }
                let style = attr(&e, b"s").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(0);
                let kind = attr(&e, b"t").map(|t| t.into_owned());
                let (v, inline) = read_cell_content(&mut xml)?;
                let shown = cell_text(kind.as_deref(), v, inline, style, book)
                    .map_err(|m| xml.malformed(format!("cell {}: {m}", cell_ref(r, c))))?;
                let shown = shown.trim();
                if !shown.is_empty() {
                    keep(r, c, shown.to_string())?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The value `<v>` and inline string `<is>` of the cell whose start tag was
/// just read, up to its end; a formula `<f>` and anything else passed over.
fn read_cell_content(xml: &mut Xml<'_>) -> Result<(Option<String>, Option<String>), FormatError> {
    let inside = xml.depth();
    let (mut v, mut inline) = (None, None);
    while xml.depth() >= inside {
        match xml.next()? {
            Ev::Start(e) => match e.local_name().as_ref() {
                b"v" => v = Some(xml.text()?),
                b"is" => inline = Some(read_string_item(xml)?),
                _ => xml.skip()?,
            },
            Ev::Eof => break,
            Ev::Empty(_) | Ev::End | Ev::Text(_) => {}
        }
    }
    Ok((v, inline))
}

/// What a cell shows, by its type `t`, value `v`, inline string and cell
/// format `style`. An error says what is wrong with the value.
fn cell_text(
    kind: Option<&str>,
    v: Option<String>,
    inline: Option<String>,
    style: usize,
    book: &Book,
) -> Result<String, String> {
    if kind == Some("inlineStr") || (v.is_none() && inline.is_some()) {
        return Ok(inline.unwrap_or_default());
    }
    let v = v.unwrap_or_default();
    match kind {
        Some("s") => {
            let index = v.trim();
            if index.is_empty() {
                return Ok(String::new());
            }
            let i: usize = index
                .parse()
                .map_err(|_| format!("shared string index `{}` is not a number", short(index)))?;
            book.strings.get(i).map(str::to_string).ok_or_else(|| {
                format!(
                    "shared string {i} does not exist (the table has {})",
                    book.strings.len()
                )
            })
        }
        Some("str") => {
            let mut out = String::with_capacity(v.len());
            unescape_into(&mut out, &v);
            Ok(out)
        }
        Some("b") => match v.trim() {
            "" => Ok(String::new()),
            "1" => Ok("TRUE".into()),
            "0" => Ok("FALSE".into()),
            b if b.eq_ignore_ascii_case("true") => Ok("TRUE".into()),
            b if b.eq_ignore_ascii_case("false") => Ok("FALSE".into()),
            b => Err(format!("`{}` is not a boolean", short(b))),
        },
        Some("e" | "d") => Ok(v),
        None | Some("n") => {
            if v.trim().is_empty() {
                return Ok(String::new());
            }
            match number_display(&v, book.styles.format(style), book.date1904) {
                Some(shown) => Ok(shown),
                None if kind.is_none() => Ok(v),
                None => Err(format!("`{}` is not a number", short(&v))),
            }
        }
        Some(other) => Err(format!("unknown cell type `{}`", short(other))),
    }
}
