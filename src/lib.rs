//! gongkai (公开): department budget disclosures from YAML, exact to the fen.
//!
//! The pipeline reads in one direction, one module per stage:
//!
//! 1. [`load`]: content folder → validated [`model`] (YAML via [`schema`],
//!    exact [`amount`]s, [`codes`] checked against the year's lists);
//! 2. [`derive`]: the nine [`table`]s and key figures from the leaves,
//!    declared totals reconciled;
//! 3. [`check`]: the relations between tables and parts;
//!
//! every stage reporting into [`diag::Diagnostics`]. Terms of the domain are
//! English or pinyin in code; `docs/glossary.md` maps them to Chinese.

pub mod amount;
pub mod author;
pub mod build;
pub mod cache;
pub mod check;
pub mod codes;
pub mod derive;
pub mod diag;
pub mod diff;
pub mod emit;
pub mod facts;
pub mod import;
pub mod load;
pub mod model;
pub mod ooxml;
pub mod par;
pub mod pipeline;
pub mod portal;
pub mod prefetch;
pub mod prose;
pub mod render;
pub mod schema;
pub mod serve;
pub mod table;

use std::path::{Path, PathBuf};

/// A loaded, derived, checked and rendered department-year.
#[derive(Debug)]
pub struct Checked {
    pub disclosure: model::Disclosure,
    pub derived: derive::Derived,
    pub facts: facts::Facts,
    /// The document, when it rendered and every figure read back correctly.
    pub document: Option<render::document::Rendered>,
}

/// What stops a run altogether (as opposed to findings in the content).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] load::LoadError),
    #[error(transparent)]
    Template(#[from] render::narrative::TemplateError),
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
    let narrator = render::narrative::Narrator::new(Some(&theme_dir(content)))?;
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
        let document = render::document::render(&disclosure, &derived, &facts, &narrator, diags);
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
