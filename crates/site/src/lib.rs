//! The site: everything that works on a whole content folder.
//!
//! - [`pipeline`]: the one pipeline (load → derive → check → render → write)
//!   every command runs;
//! - [`build`]: the output folder, brought up to date and swapped in at once;
//! - [`cache`]: what each department-year produced last time;
//! - [`prefetch`]: reading content ahead of the workers;
//! - [`serve`]: the local preview;
//! - [`diff`]: what a correction changes;
//! - [`author`]: `new` and `rollover`.

pub mod author;
pub mod build;
pub mod cache;
pub mod diff;
pub mod pipeline;
pub mod prefetch;
pub mod serve;

use gongkai_content::load;
use gongkai_derive::{check, derive, facts, prose};
use gongkai_model::diag;
use gongkai_render::Checked;
use std::path::{Path, PathBuf};

/// What stops a run altogether (as opposed to findings in the content).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    Template(#[from] gongkai_render::narrative::TemplateError),
    #[error("cannot write `{path}`: {message}")]
    Docx { path: PathBuf, message: String },
    #[error("portal: {0}")]
    Portal(String),
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The folder a site's theme overrides live in, next to its content.
pub fn theme_dir(content: &Path) -> PathBuf {
    content
        .parent()
        .unwrap_or(Path::new(""))
        .join("themes/default/document")
}

/// Loads, derives, checks and renders every department-year below `content`.
///
/// A department-year whose files have errors is not derived: a dropped value
/// would only cascade into misleading total errors. One note says so, and its
/// relations are checked once the load errors are fixed.
pub fn check_site(content: &Path, diags: &mut diag::Diagnostics) -> Result<Vec<Checked>, Error> {
    let site = load::load_site(content, diags)?;
    let narrator = gongkai_render::narrative::Narrator::new(Some(&theme_dir(content)))?;
    let mut checked = Vec::with_capacity(site.disclosures.len());
    for disclosure in site.disclosures {
        let dir = diag::display_path(&disclosure.dir);
        let load_errors = diags
            .iter()
            .any(|d| d.severity == diag::Severity::Error && d.loc.file.starts_with(&dir));
        if load_errors {
            diags.note(
                "not-derived",
                disclosure.unit.loc.clone(),
                "tables and relations of this department-year were not checked: fix the errors in its files first",
            );
            continue;
        }
        let derived = derive::derive(&disclosure, diags);
        check::check(&disclosure, &derived, diags);
        prose::check_literals(&disclosure, diags);
        let facts = facts::Facts::build(&disclosure, &derived);
        let document = gongkai_render::document::render(&disclosure, &derived, &facts, &narrator, diags);
        if let Some(doc) = &document {
            prose::check_reasons(&disclosure, &doc.sections, diags);
        }
        checked.push(Checked {
            disclosure,
            derived,
            facts,
            document,
        });
    }
    Ok(checked)
}
