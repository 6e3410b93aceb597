//! The streaming pipeline for large sites: departments are loaded, derived,
//! checked, rendered and written one at a time on every core, and only a slim
//! summary of each is kept for the site-level pages. Memory stays bounded by
//! the departments in flight, not by the size of the site.
//!
//! Results are gathered in folder order, so output and findings are the same
//! whatever the number of threads.

use crate::build::{OutputFile, Staging, WriteStats};
use crate::codes::SiteCodes;
use crate::diag::{Diagnostics, Severity};
use crate::portal::{self, Portal, YearsOf};
use crate::render::narrative::Narrator;
use crate::{Checked, Error, derive, diag, facts, load, prose};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What one department-year produced.
struct Done {
    diags: Diagnostics,
    slim: Option<Checked>,
    search: Option<portal::search::SearchDoc>,
}

/// Which outputs a build writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// The documents (Markdown and .docx).
    pub documents: bool,
    /// The downloads of each department-year (CSV, .xlsx, JSON).
    pub downloads: bool,
}

impl Outputs {
    pub const ALL: Outputs = Outputs {
        documents: true,
        downloads: true,
    };
    /// The portal's pages only (the like-for-like comparison with Hugo).
    pub const PAGES: Outputs = Outputs {
        documents: false,
        downloads: false,
    };
}

/// How a run went.
#[derive(Debug, Default)]
pub struct Report {
    pub diags: Diagnostics,
    /// Department-years found (folders with a unit.yaml).
    pub found: usize,
    /// Files written or kept, when building.
    pub stats: Option<WriteStats>,
}

/// How many worker threads: `GONGKAI_THREADS`, else the machine's cores.
pub fn threads() -> usize {
    std::env::var("GONGKAI_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Checks a site, or builds it into `output` when given. Nothing is written
/// when any department-year has an error.
pub fn run(
    content: &Path,
    output: Option<&Path>,
    outputs: Outputs,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Report, Error> {
    let dirs = load::find_disclosures(content)?;
    let mut site_diags = Diagnostics::new();
    let site_codes = SiteCodes::load(content, &mut site_diags);
    let narrator = Narrator::new(Some(&crate::theme_dir(content)))?;
    let portal = match output {
        Some(_) => Some(Portal::new(content).map_err(|e| Error::Portal(e.to_string()))?),
        None => None,
    };
    // Which years each department publishes, from the unit files alone.
    let units: Vec<Option<crate::model::Unit>> = dirs.iter().map(|d| peek_unit(d)).collect();
    let years_of: YearsOf = portal::years_of(units.iter().flatten());
    let staging = match output {
        Some(out) => Some(Staging::begin(out)?),
        None => None,
    };

    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Done>>> = Mutex::new((0..dirs.len()).map(|_| None).collect());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads().min(dirs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(dir) = dirs.get(i) else { break };
                    let done = department(
                        dir,
                        &site_codes,
                        &narrator,
                        portal.as_ref(),
                        &years_of,
                        staging.as_ref(),
                        outputs,
                    );
                    match done {
                        Ok(done) => {
                            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(done);
                        }
                        Err(e) => {
                            *failure.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
                            next.store(usize::MAX / 2, Ordering::Relaxed);
                        }
                    }
                    progress(finished.fetch_add(1, Ordering::Relaxed) + 1, dirs.len());
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        if let Some(s) = staging {
            s.abandon();
        }
        return Err(e);
    }
    let mut report = Report {
        diags: site_diags,
        found: dirs.len(),
        stats: None,
    };
    let mut slims = Vec::new();
    let mut docs = Vec::new();
    for done in results
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
    {
        report.diags.extend(done.diags);
        slims.extend(done.slim);
        docs.extend(done.search);
    }
    let (Some(staging), Some(portal)) = (staging, portal) else {
        return Ok(report);
    };
    if report.diags.has_errors() {
        staging.abandon();
        return Ok(report);
    }
    let site = match portal.site(&slims, &docs, &years_of) {
        Ok(files) => files,
        Err(e) => {
            staging.abandon();
            return Err(Error::Portal(e.to_string()));
        }
    };
    for file in &site {
        if let Err(e) = staging.put(file) {
            staging.abandon();
            return Err(e);
        }
    }
    report.stats = Some(staging.commit()?);
    Ok(report)
}

/// The unit of a department-year folder, read on its own (no findings).
fn peek_unit(dir: &Path) -> Option<crate::model::Unit> {
    let mut quiet = Diagnostics::new();
    let (raw, file) = load::read_yaml::<crate::schema::UnitFile>(&dir.join("unit.yaml"), &mut quiet)?;
    let year: u16 = raw.year.value.trim().parse().ok()?;
    Some(crate::model::Unit {
        code: raw.code.value.trim().to_string(),
        name: raw.name.value.trim().to_string(),
        level: raw.level.value.trim().to_string(),
        province: raw.province.map(|p| p.value.trim().to_string()),
        locality: raw.locality.value.trim().to_string(),
        year,
        amount_unit: crate::amount::AmountUnit::Wan,
        loc: diag::Loc::file_start(&file),
    })
}

/// Loads, derives, checks and renders one department-year; writes its files
/// into the staging folder when building.
fn department(
    dir: &Path,
    site_codes: &SiteCodes,
    narrator: &Narrator,
    portal: Option<&Portal>,
    years_of: &YearsOf,
    staging: Option<&Staging>,
    outputs: Outputs,
) -> Result<Done, Error> {
    let mut diags = Diagnostics::new();
    let Some(disclosure) = load::load_disclosure(dir, site_codes, &mut diags) else {
        return Ok(Done {
            diags,
            slim: None,
            search: None,
        });
    };
    if diags.iter().any(|d| d.severity == Severity::Error) {
        diags.note(
            "not-derived",
            disclosure.unit.loc.clone(),
            "tables and relations of this department-year were not checked: fix the errors in its files first",
        );
        return Ok(Done {
            diags,
            slim: None,
            search: None,
        });
    }
    let derived = derive::derive(&disclosure, &mut diags);
    crate::check::check(&disclosure, &derived, &mut diags);
    prose::check_literals(&disclosure, &mut diags);
    let facts = facts::Facts::build(&disclosure, &derived);
    let document = crate::render::document::render(&disclosure, &derived, &facts, narrator, &mut diags);
    if let Some(doc) = &document {
        prose::check_reasons(&disclosure, &doc.sections, &mut diags);
    }
    let checked = Checked {
        disclosure,
        derived,
        facts,
        document,
    };
    if let (Some(portal), Some(staging)) = (portal, staging)
        && !diags.has_errors()
    {
        let mut files: Vec<OutputFile> = if outputs.documents {
            crate::build::outputs(std::slice::from_ref(&checked))?
        } else {
            Vec::new()
        };
        files.extend(
            portal
                .department(&checked, years_of, outputs.downloads)
                .map_err(|e| Error::Portal(e.to_string()))?,
        );
        for file in &files {
            staging.put(file)?;
        }
    }
    let search = Some(portal::search_doc(&checked));
    Ok(Done {
        diags,
        slim: Some(portal::slim(checked)),
        search,
    })
}
