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
///
/// A department-year whose files have errors is not derived: a dropped value
/// would only cascade into misleading total errors. One note says so, and its
/// relations are checked once the load errors are fixed.
pub fn check_site(
    content: &Path,
    diags: &mut diag::Diagnostics,
) -> Result<Vec<Checked>, load::LoadError> {
    let site = load::load_site(content, diags)?;
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
        checked.push(Checked {
            disclosure,
            derived,
        });
    }
    Ok(checked)
}
