//! `gongkai import` of an .xlsx: the zip package checks, gongkai's own
//! SpreadsheetML reader (workbook, relationships, shared strings, number
//! formats, cells) and the cell formatting, then the content back-end on
//! what it read.
//!
//! Two kinds of input, so that mutations reach the sheet reader (the zip's
//! CRC-32 rejects almost every mutation of a packaged part):
//! - starting with `PK`: the bytes are the .xlsx file itself;
//! - anything else: NUL-separated parts `sheet1.xml`, `sharedStrings.xml`,
//!   `styles.xml`, `workbook.xml` (see `gongkai_fuzz::xlsx`), packaged here.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let packaged;
    let bytes = if data.starts_with(b"PK") {
        data
    } else {
        packaged = gongkai_fuzz::xlsx(data);
        &packaged
    };
    let read = gongkai_import::xlsx::read(bytes);
    match read {
        Ok(source) => gongkai_fuzz::report_import(&gongkai_import::content::to_content(&source)),
        Err(e) if gongkai_fuzz::verbose() => eprintln!("read: {e}"),
        Err(_) => {}
    }
});
