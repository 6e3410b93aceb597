//! `gongkai import` of a .docx: the zip package and document.xml reader,
//! then the content back-end on what it read.
//!
//! Two kinds of input, so that mutations reach the XML reader (the zip's
//! CRC-32 rejects almost every mutation of a packaged part):
//! - starting with `PK`: the bytes are the .docx file itself;
//! - anything else: the bytes are `word/document.xml`, packaged here.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let packaged;
    let bytes = if data.starts_with(b"PK") {
        data
    } else {
        packaged = gongkai_fuzz::docx(data);
        &packaged
    };
    let read = gongkai_import::docx::read(bytes);
    match read {
        Ok(source) => gongkai_fuzz::report_import(&gongkai_import::content::to_content(&source)),
        Err(e) if gongkai_fuzz::verbose() => eprintln!("read: {e}"),
        Err(_) => {}
    }
});
