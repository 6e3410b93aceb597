//! The fast YAML front end (`gongkai_content::fast`) against serde-saphyr.
//!
//! Input: the layout of the `load` target (the files of one
//! department-year, NUL-separated, in the order of
//! `gongkai_fuzz::load_files()`), so the `load` corpus seeds this one. Each
//! file that is UTF-8 (after a BOM is stripped, as `load::parse_yaml` does)
//! is read with the fast front end as the schema type
//! `gongkai_content::files` declares for it; when the fast front
//! end accepts it, serde-saphyr must accept it too and give the same values
//! and positions (`Debug` output), or the target panics. Inputs the fast
//! front end gives up on are fine: serde-saphyr decides them alone.
//!
//! `GONGKAI_FUZZ_VERBOSE=1` prints, per file, whether the fast front end
//! accepted it or why it gave up.

#![no_main]

use gongkai_content::fast::Comparison;
use gongkai_content::files;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for (name, bytes) in gongkai_fuzz::split_named(data, gongkai_fuzz::load_files()) {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match files::by_name(name).and_then(|file| file.compare_fast(text)) {
            Some(Comparison::Differ(how)) => {
                panic!("{name}: the fast front end and serde-saphyr differ\n{how}\ninput: {text:?}")
            }
            Some(Comparison::Same) if gongkai_fuzz::verbose() => eprintln!("{name}: accepted, same"),
            Some(Comparison::Bailed(why)) if gongkai_fuzz::verbose() => eprintln!("{name}: gave up: {why}"),
            _ => {}
        }
    }
});
