//! The YAML loader through derivation, checks and rendering.
//!
//! Input: the files of one department-year, NUL-separated, in the order of
//! `gongkai_fuzz::load_files()` (the YAML files `gongkai_content::files`
//! declares); an empty chunk means "this file is absent" (so `\0\0…` skips
//! files), chunks past the last name are ignored. They are loaded from
//! memory (`Files::Memory`), never from the disk.
//! `fuzz/make-corpus.py` builds such inputs from content folders.

#![no_main]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use gongkai_model::diag::Diagnostics;
use gongkai_render::narrative::Narrator;
use libfuzzer_sys::fuzz_target;

fn narrator() -> &'static Narrator {
    static NARRATOR: OnceLock<Narrator> = OnceLock::new();
    NARRATOR.get_or_init(|| Narrator::new(None).expect("the default templates compile"))
}

// `GONGKAI_FUZZ_VERBOSE=1` prints how far each input got and its
// diagnostics (triage: `target/x86_64-unknown-linux-gnu/release/load FILE`).
fuzz_target!(|data: &[u8]| {
    let files: BTreeMap<String, Vec<u8>> = gongkai_fuzz::department_files(data);
    let mut diags = Diagnostics::new();
    let loaded = gongkai_content::load::load_in_memory(&files, &mut diags);
    if let Some(d) = loaded.filter(|_| !diags.has_errors()) {
        let derived = gongkai_derive::derive::derive(&d, &mut diags);
        gongkai_derive::check::check(&d, &derived, &mut diags);
        gongkai_derive::prose::check_literals(&d, &mut diags);
        let facts = gongkai_derive::facts::Facts::build(&d, &derived);
        let _ = facts.to_context(gongkai_render::markers::mark);
        let document = gongkai_render::document::render(&d, &derived, &facts, narrator(), &mut diags);
        if let Some(doc) = &document {
            gongkai_derive::prose::check_reasons(&d, &doc.sections, &mut diags);
        }
        if gongkai_fuzz::verbose() {
            eprintln!("loaded, derived, checked; rendered: {}", document.is_some());
        }
    } else if gongkai_fuzz::verbose() {
        eprintln!("files: {:?}; not derived (load failed or has errors)", files.keys().collect::<Vec<_>>());
    }
    // The diagnostics as `check` prints them (snippets cut from the sources).
    let text = diags.render_text();
    let _ = diags.render_json();
    if gongkai_fuzz::verbose() {
        eprintln!("{text}");
    }
});
