//! Authoring commands: `new` scaffolds a department-year, `rollover` drafts
//! next year's from this year's. Both write every file the content crate
//! declares ([`files::FILES`]) through its writers, and, like `import`,
//! write the folder all or nothing ([`write_files`]). None replaces an
//! existing folder unless told to (`force`).

use gongkai_content::files;
use gongkai_model::disclosure::*;
use gongkai_render::Checked;
use std::path::{Path, PathBuf};

/// Why an authoring command wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum AuthorError {
    #[error(
        "`{}` already holds {}; pass --force to replace the folder (files not written again are removed with it)",
        dir.display(),
        list_files(holds)
    )]
    Exists {
        /// The folder.
        dir: PathBuf,
        /// Its own files (`sections/…` included), relative.
        holds: Vec<String>,
    },
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

/// `unit.yaml, functions.yaml and 3 more`, for messages.
fn list_files(files: &[String]) -> String {
    match files {
        [] => "nothing".into(),
        [one] => one.clone(),
        [first @ .., last] if files.len() <= 6 => format!("{} and {last}", first.join(", ")),
        _ => format!("{} and {} more", files[..5].join(", "), files.len() - 5),
    }
}

/// Writes `files` (paths relative to `dir` → text) as the whole content of
/// the department-year folder `dir`, all or nothing: into a staging folder
/// beside it, renamed into place in one step (see [`crate::folder`]). An
/// existing folder with files of its own is refused unless `force`, which
/// replaces it: its files not written again are removed with it and
/// named in the result.
pub fn write_files(dir: &Path, files: &[(String, String)], force: bool) -> Result<Written, AuthorError> {
    crate::folder::write_folder(dir, files, force)
}

pub use crate::folder::Written;

/// What `new` needs to know.
pub struct NewDepartment {
    pub code: String,
    pub name: String,
    pub year: u16,
    pub level: String,
    pub province: Option<String>,
    pub locality: String,
    /// 区划代码 of the locality, when the site holds several.
    pub region: Option<String>,
}

impl NewDepartment {
    /// Where its folder goes below the content folder:
    /// `<year>/[<region>/]<code>`, as its web address.
    pub fn folder(&self) -> std::path::PathBuf {
        gongkai_model::identity::Identity {
            year: self.year,
            phase: gongkai_model::identity::Phase::Budget,
            region: self.region.clone(),
            code: self.code.clone(),
            scope: gongkai_model::identity::Scope::Department,
        }
        .path()
    }
}

/// The files of a blank department-year, every field explained in Chinese.
pub fn scaffold(n: &NewDepartment) -> Result<Vec<(String, String)>, AuthorError> {
    if n.code.is_empty() || !n.code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AuthorError::Invalid(format!(
            "department code `{}` must be letters and digits",
            n.code
        )));
    }
    if let Some(region) = &n.region
        && !gongkai_model::identity::is_region_code(region)
    {
        return Err(AuthorError::Invalid(format!(
            "`{region}` is not a 区划代码 (six digits, e.g. 130208)"
        )));
    }
    let unit = Unit {
        code: n.code.clone(),
        name: n.name.clone(),
        level: n.level.clone(),
        province: n.province.clone(),
        locality: n.locality.clone(),
        year: n.year,
        region: n.region.clone(),
        phase: gongkai_model::identity::Phase::Budget,
        scope: gongkai_model::identity::Scope::Department,
        amount_unit: gongkai_model::amount::AmountUnit::Wan,
        loc: gongkai_model::diag::Loc::file_start(&std::sync::Arc::from(Path::new(files::UNIT.name))),
    };
    let files = files::FILES
        .iter()
        .filter_map(|f| Some((f.name.to_string(), f.scaffold(&unit)?)))
        .collect();
    Ok(files)
}

/// A draft of next year's content from a checked department-year: same
/// structure, codes, organisation, projects and indicators; leaf figures kept
/// as drafts to edit; published totals dropped (they would no longer add up
/// once a leaf changes); this year's figures become `prior.yaml`.
pub fn rollover(c: &Checked, to_year: u16) -> Result<Vec<(String, String)>, AuthorError> {
    let d = &c.disclosure;
    if to_year <= d.unit.year {
        return Err(AuthorError::Invalid(format!(
            "rollover goes forward: {to_year} is not after {}",
            d.unit.year
        )));
    }
    let next = next_year(c, to_year);
    let draft = format!("# 草稿：由{}年数据滚动生成，请逐项核改后再发布。\n", d.unit.year);
    let files = files::FILES
        .iter()
        .flat_map(|f| {
            let draft = if f.drafted { draft.as_str() } else { "" };
            f.write(&next)
                .into_iter()
                .map(move |(name, text)| (name, format!("{draft}{text}")))
        })
        .collect();
    Ok(files)
}

/// Next year's department-year as drafted from this year's: the year
/// moved on; leaf rows only; published totals, the reasons of the year's
/// changes and the correction notices dropped; assets as of the end of
/// this year; this year's figures as last year's.
fn next_year(c: &Checked, to_year: u16) -> Disclosure {
    let mut next = c.disclosure.clone();
    next.unit.year = to_year;
    if let Some(f) = &mut next.functions {
        let leaves = leaf_rows(f.rows.iter().map(|r| (r.code.as_ref(), r.source)).collect());
        let mut leaf = leaves.into_iter();
        f.rows.retain(|_| leaf.next().unwrap_or(false));
        f.year_end_carryover.clear();
    }
    if let Some(e) = &mut next.economic {
        let leaves = leaf_rows(e.rows.iter().map(|r| (r.code.as_ref(), Source::General)).collect());
        let mut leaf = leaves.into_iter();
        e.rows.retain(|_| leaf.next().unwrap_or(false));
    }
    if let Some(s) = &mut next.sangong {
        s.declared_abroad = None;
        s.declared_car = None;
        s.declared_subtotal = None;
        s.declared_total = None;
    }
    if let Some(p) = &mut next.projects {
        for p in &mut p.projects {
            p.declared_budget = None;
        }
    }
    if let Some(p) = &mut next.procurement {
        p.declared_total = None;
        p.declared_small_firms = None;
        for l in &mut p.lines {
            l.declared_project_budget = None;
        }
    }
    if let Some(a) = &mut next.assets {
        a.as_of = Some(format!("{}-12-31", to_year - 1));
        a.declared_total = None;
        a.declared_planned_purchase = None;
        a.note = None;
    }
    next.prior = c
        .facts
        .get("total")
        .is_some()
        .then(|| prior_from(c.disclosure.unit.year, &c.facts));
    let n = &mut next.narrative;
    n.change_reason_total = None;
    n.change_reason_basic = None;
    n.change_reason_project = None;
    n.sangong_change = None;
    next.corrections.clear();
    next
}

/// Which rows are leaves: rows with a code and no deeper code of the same
/// source among the rows.
fn leaf_rows(rows: Vec<(Option<&Located<String>>, Source)>) -> Vec<bool> {
    rows.iter()
        .map(|(code, source)| match code {
            None => false,
            Some(code) => !rows.iter().any(|(other, s)| {
                s == source
                    && other.is_some_and(|o| o.value.len() > code.value.len() && o.value.starts_with(&code.value))
            }),
        })
        .collect()
}

/// Next year's `prior.yaml`: this year's figures as the tables print them.
fn prior_from(year: u16, facts: &gongkai_derive::facts::Facts) -> Prior {
    let file: std::sync::Arc<std::path::Path> = std::path::Path::new("prior.yaml").into();
    let get = |id: &str| {
        facts.get(id).map(|f| Located {
            value: gongkai_model::amount::Amount::entered(f.figure.shown, gongkai_model::amount::AmountUnit::Wan),
            loc: gongkai_model::diag::Loc::file_start(&file),
        })
    };
    Prior {
        year,
        total: get("total"),
        basic: get("expenditure.basic"),
        project: get("expenditure.project"),
        personnel: get("basic.personnel"),
        public: get("basic.public"),
        sangong_total: get("sangong.subtotal"),
        sangong_abroad: get("sangong.abroad"),
        sangong_car_purchase: get("sangong.car_purchase"),
        sangong_car_running: get("sangong.car_running"),
        sangong_reception: get("sangong.reception"),
        sangong_meeting: None,
        sangong_training: None,
    }
}
