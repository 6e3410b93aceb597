//! The same [`Workbook`] written by the maintained crate
//! [`rust_xlsxwriter`] instead of gongkai's own writer
//! ([`Writer::RustXlsxwriter`](super::Writer), chosen with
//! `GONGKAI_OWN_XLSX=0`).
//!
//! Every cell, style, merged range, column width, row height, frozen row
//! count, page setup, hidden sheet and document property of the workbook is
//! handed to rust_xlsxwriter as it is. The package differs from the own
//! writer's in its bytes, not in what a reader sees, except:
//!
//! - numbers go through `f64` (rust_xlsxwriter's cell type): the decimal's
//!   text is parsed, so the nearest double is written, and a reader that
//!   rounds to Excel's 15 significant digits (gongkai's own does) reads the
//!   decimal back;
//! - row heights are whole pixels (28 points are stored as 27.75);
//! - the package has rust_xlsxwriter's extra parts (a theme, the sheet list
//!   in `docProps/app.xml`).
//!
//! Deterministic: the creation date is the workbook's (not the clock), and
//! rust_xlsxwriter gives every zip entry a fixed time. The parts are
//! deflated at level 1, as the own writer deflates its large parts
//! (rust_xlsxwriter's default is 6).

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder};

use super::{Align, Style, Value, Workbook, XlsxError};

/// The deflate level of every part (rust_xlsxwriter stores no part).
const COMPRESSION_LEVEL: u8 = 1;

/// The workbook's .xlsx file as rust_xlsxwriter writes it; `active` is the
/// index of the first visible sheet. The caller has checked the workbook
/// (a visible sheet, a valid date, known styles).
pub(super) fn save(workbook: &Workbook<'_>, active: usize) -> Result<Vec<u8>, XlsxError> {
    let mut out = rust_xlsxwriter::Workbook::new();
    out.set_zip_compression_level(COMPRESSION_LEVEL);
    let (year, month, day) = workbook.properties.created;
    let created = ExcelDateTime::from_ymd(year, month, day)?;
    out.set_properties(
        &DocProperties::new()
            .set_title(workbook.properties.title.as_str())
            .set_author(workbook.properties.author.as_str())
            .set_creation_datetime(&created),
    );
    let formats: Vec<Format> = workbook.styles.iter().map(format).collect();
    for (i, sheet) in workbook.sheets.iter().enumerate() {
        let ws = out.add_worksheet();
        ws.set_name(sheet.name.as_str())?;
        // Merges first: rust_xlsxwriter writes a merged range's first cell
        // (as text) and pads the rest with blanks; the cells written below
        // then replace them with what the workbook holds.
        for m in &sheet.merges {
            let first = sheet
                .cells
                .iter()
                .rfind(|c| (c.row, c.col) == (m.first_row, m.first_col));
            let style = &formats[first.map_or(0, |c| c.style) as usize];
            ws.merge_range(m.first_row, m.first_col, m.last_row, m.last_col, "", style)?;
            if first.is_none() {
                // A blank in the default style: no text, not even "".
                ws.write_blank(m.first_row, m.first_col, style)?;
            }
        }
        // In the order written: a cell written twice keeps the last value.
        for cell in &sheet.cells {
            let (row, col) = (cell.row, cell.col);
            let style = &formats[cell.style as usize];
            match &cell.value {
                Value::Text(text) => ws.write_string_with_format(row, col, text.as_ref(), style)?,
                Value::Number(n) => ws.write_number_with_format(row, col, to_f64(*n)?, style)?,
                Value::Bool(b) => ws.write_boolean_with_format(row, col, *b, style)?,
                Value::Blank => ws.write_blank(row, col, style)?,
            };
        }
        for (col, width) in &sheet.widths {
            ws.set_column_width(*col, f64::from(*width))?;
        }
        for (row, points) in &sheet.heights {
            ws.set_row_height(*row, f64::from(*points))?;
        }
        if sheet.frozen_rows > 0 {
            ws.set_freeze_panes(sheet.frozen_rows, 0)?;
        }
        if sheet.landscape {
            ws.set_landscape();
        }
        if sheet.fit_to_width {
            // One page wide, as many tall as it takes.
            ws.set_print_fit_to_pages(1, 0);
        }
        if sheet.hidden {
            ws.set_hidden(true);
        }
        if i == active {
            ws.set_active(true);
            if active > 0 {
                ws.set_first_tab(true);
            }
        }
    }
    Ok(out.save_to_buffer()?)
}

/// A [`Style`] as a rust_xlsxwriter [`Format`].
fn format(style: &Style) -> Format {
    let mut f = Format::new();
    if style.bold {
        f = f.set_bold();
    }
    if let Some(size) = style.size {
        f = f.set_font_size(f64::from(size));
    }
    // An indent left-aligns a cell with no alignment, as in the own writer.
    match (style.align, style.indent) {
        (Align::General, 0) => {}
        (Align::General | Align::Left, _) => f = f.set_align(FormatAlign::Left),
        (Align::Center, _) => f = f.set_align(FormatAlign::Center),
        (Align::Right, _) => f = f.set_align(FormatAlign::Right),
    }
    if style.vertical_center {
        f = f.set_align(FormatAlign::VerticalCenter);
    }
    if style.wrap {
        f = f.set_text_wrap();
    }
    if style.indent > 0 {
        f = f.set_indent(style.indent);
    }
    if style.border {
        f = f.set_border(FormatBorder::Thin);
    }
    if let Some(code) = style.number_format.as_deref() {
        f = f.set_num_format(code);
    }
    f
}

/// The double nearest to `value`: its decimal text parsed (correctly
/// rounded), not the mantissa divided by a power of ten.
fn to_f64(value: Decimal) -> Result<f64, XlsxError> {
    value
        .normalize()
        .to_string()
        .parse::<f64>()
        .or_else(|_| f64::try_from(value))
        .map_err(|_| XlsxError::Number(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_the_nearest_double() {
        for (text, expected) in [("2100.32", 2100.32_f64), ("72.90", 72.9), ("-0.5", -0.5), ("0", 0.0)] {
            let d: Decimal = text.parse().unwrap();
            assert_eq!(to_f64(d).unwrap().to_bits(), expected.to_bits(), "{text}");
        }
    }
}
