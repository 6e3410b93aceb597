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
pub mod check;
pub mod codes;
pub mod derive;
pub mod diag;
pub mod load;
pub mod model;
pub mod schema;
pub mod table;

use std::path::Path;

/// A loaded, derived and checked department-year.
#[derive(Debug)]
pub struct Checked {
    pub disclosure: model::Disclosure,
    pub derived: derive::Derived,
}

/// Loads, derives and checks every department-year below `content`.
pub fn check_site(
    content: &Path,
    diags: &mut diag::Diagnostics,
) -> Result<Vec<Checked>, load::LoadError> {
    let site = load::load_site(content, diags)?;
    Ok(site
        .disclosures
        .into_iter()
        .map(|disclosure| {
            let derived = derive::derive(&disclosure, diags);
            check::check(&disclosure, &derived, diags);
            Checked {
                disclosure,
                derived,
            }
        })
        .collect())
}
