//! `gongkai import` of the Word-export text form: the text front-end, then
//! the content builders, whose trial checks their files in memory
//! (`site::pipeline::check_department` on `Files::Memory`: no disk).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let source = gongkai_import::text::read(&text);
    gongkai_fuzz::report_import(&gongkai_import::content::to_content(&source));
});
