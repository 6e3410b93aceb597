//! The YAML loader through derivation, checks and rendering.
//!
//! Input: the files of one department-year, NUL-separated, in the order of
//! `gongkai_fuzz::load_files()` (the YAML files `gongkai_content::files`
//! declares); an empty chunk means "this file is absent" (so `\0\0…` skips
//! files), chunks past the last name are ignored. They go through the one
//! pipeline step every command runs (`pipeline::check_department`), from
//! memory (`Files::Memory`), never from the disk.
//! `fuzz/make-corpus.py` builds such inputs from content folders.

#![no_main]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use gongkai_content::load::Files;
use gongkai_model::diag::Diagnostics;
use gongkai_site::pipeline::{Settings, check_department};
use libfuzzer_sys::fuzz_target;

/// The settings of a site with no configuration, code lists or theme of its
/// own: the built-in ones.
fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let mut quiet = Diagnostics::new();
        Settings::of_site(Path::new("/nonexistent/content"), &mut quiet).expect("the default templates compile")
    })
}

// `GONGKAI_FUZZ_VERBOSE=1` prints how far each input got and its
// diagnostics (triage: `target/x86_64-unknown-linux-gnu/release/load FILE`).
fuzz_target!(|data: &[u8]| {
    let files: BTreeMap<String, Vec<u8>> = gongkai_fuzz::department_files(data);
    let mut diags = Diagnostics::new();
    // The one step every command runs on a department-year: load, derive,
    // check, facts, document with its read-back, prose rules.
    let checked = check_department(Files::Memory(&files), Path::new("2022/101"), settings(), &mut diags);
    if gongkai_fuzz::verbose() {
        match &checked {
            Some(c) => eprintln!("loaded, derived, checked; rendered: {}", c.document.is_some()),
            None => eprintln!(
                "files: {:?}; not derived (load failed or has errors)",
                files.keys().collect::<Vec<_>>()
            ),
        }
    }
    // The diagnostics as `check` prints them (snippets cut from the sources).
    let text = diags.render_text();
    let _ = diags.render_json();
    if gongkai_fuzz::verbose() {
        eprintln!("{text}");
    }
});
