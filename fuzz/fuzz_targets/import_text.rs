//! `gongkai import` of the Word-export text form: the text front-end, then
//! the content back-end (which also loads, derives and renders its result).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = gongkai_import::text::read(&text);
    gongkai_fuzz::report_import(&gongkai_import::content::to_content(&source));
});
