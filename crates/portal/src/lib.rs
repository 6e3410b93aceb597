//! The static transparency portal: pages, charts, downloads and search,
//! rendered from the same checked model as the document.
//!
//! Permalinks carry the year: `/<year>/<code>/` is one department-year and
//! never moves; `/<year>/` lists a year; `/departments/<code>/` compares the
//! years of a department; `/` is the home page with search. Links are
//! relative, so the site works from any base path and from `file://`.
//!
//! Templates and static files come from `themes/default/portal/` compiled in;
//! a site overrides any file with its own copy in
//! `<site>/themes/default/portal/`, as zola and mdBook allow.

mod budget;
pub mod charts;
pub mod downloads;
pub mod html;
pub mod search;

use charts::{Bar, BarChart};
use gongkai_derive::facts::Facts;
use gongkai_model::config::SiteConfig;
use gongkai_model::identity::{Identity, Series};
use gongkai_model::table::{Table, TableId};
use gongkai_render::Checked;
use gongkai_render::output::OutputFile;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The theme's files: (name, compiled-in content).
const TEMPLATES: [(&str, &str); 5] = [
    ("base.html", include_str!("../../../themes/default/portal/base.html")),
    ("index.html", include_str!("../../../themes/default/portal/index.html")),
    ("year.html", include_str!("../../../themes/default/portal/year.html")),
    (
        "department.html",
        include_str!("../../../themes/default/portal/department.html"),
    ),
    (
        "compare.html",
        include_str!("../../../themes/default/portal/compare.html"),
    ),
];
const STATIC: [(&str, &str); 3] = [
    (
        "style.css",
        include_str!("../../../themes/default/portal/static/style.css"),
    ),
    (
        "search.js",
        include_str!("../../../themes/default/portal/static/search.js"),
    ),
    ("fig.js", include_str!("../../../themes/default/portal/static/fig.js")),
];

/// What can go wrong rendering the portal.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// A page template does not compile or render.
    #[error("portal template `{name}`: {message}")]
    Template {
        /// The template (`department.html`).
        name: String,
        /// Tera's message.
        message: String,
    },
    /// A theme file cannot be read.
    #[error("cannot read theme file `{path}`: {source}")]
    Theme {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A download cannot be made.
    #[error("{0}")]
    Download(String),
}

/// A theme file: the site's override if present, else the compiled-in one.
fn theme_file(theme_dir: &Path, name: &str, builtin: &str) -> Result<String, PortalError> {
    let own = theme_dir.join(name);
    if own.is_file() {
        return std::fs::read_to_string(&own).map_err(|source| PortalError::Theme { path: own, source });
    }
    Ok(builtin.to_string())
}

/// The portal's compiled templates and static files, built once per build
/// and shared by the threads rendering departments.
pub struct Portal {
    tera: tera::Tera,
    statics: Vec<OutputFile>,
    /// What every page says about the site (`site` in the templates).
    site: serde_json::Value,
    /// In a draft build, what the site pages say of it (`draft`).
    draft: serde_json::Value,
}

impl Portal {
    /// The default theme with the site's overrides (`<theme>/portal/`), and
    /// the site's name, publisher and contact for every page.
    pub fn new(config: &SiteConfig) -> Result<Self, PortalError> {
        let theme = config.theme.join("portal");
        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html"]);
        tera.register_function("range", budget::range);
        for (name, builtin) in TEMPLATES {
            let source = theme_file(&theme, name, builtin)?;
            tera.add_raw_template(name, &source)
                .map_err(|e| PortalError::Template {
                    name: name.into(),
                    message: e.to_string(),
                })?;
        }
        let mut statics = Vec::new();
        for (name, builtin) in STATIC {
            statics.push(OutputFile {
                path: PathBuf::from("static").join(name),
                bytes: theme_file(&theme.join("static"), name, builtin)?.into_bytes(),
            });
        }
        let site = serde_json::json!({
            "title": config.title,
            "publisher": config.publisher,
            "contact": config.contact,
            "base_url": config.base_url,
        });
        Ok(Portal {
            tera,
            statics,
            site,
            draft: serde_json::Value::Null,
        })
    }

    /// Renders template `name` for the page at `url` (relative to the site
    /// root, e.g. `2022/101/`).
    fn render(&self, name: &str, url: &str, ctx: &serde_json::Value) -> Result<Vec<u8>, PortalError> {
        let template_error = |message: String| PortalError::Template {
            name: name.into(),
            message,
        };
        let mut context = tera::Context::from_serialize(ctx).map_err(|e| template_error(e.to_string()))?;
        context.insert("site", &self.site);
        context.insert("page_url", url);
        if ctx.get("draft").is_none() {
            context.insert("draft", &self.draft);
        }
        // Straight into bytes: `render` would check the whole page is UTF-8
        // again (it is: templates and context are strings).
        let mut page = budget::Page::start();
        self.tera
            .render_to(name, &context, &mut page)
            .map_err(|e| template_error(e.to_string()))?;
        Ok(page.into_bytes())
    }

    /// Marks every site page as a draft with `errors` errors in all (a
    /// draft build's pages are never published).
    pub fn set_draft(&mut self, errors: usize) {
        self.draft = serde_json::json!({
            "banner": format!("草稿：{errors}处错误，不得公开"),
            "notes": [],
        });
    }

    /// A department-year's page and downloads.
    pub fn department(&self, c: &Checked, years_of: &YearsOf, downloads: bool) -> Result<Vec<OutputFile>, PortalError> {
        let dir = department_dir(c);
        let mut page = department_page(c, years_of)?;
        if let Some(draft) = &c.draft {
            page["draft"] = serde_json::json!({
                "banner": draft.banner(),
                "notes": draft.notes.iter().map(|n| &n.text).collect::<Vec<_>>(),
            });
        }
        if !downloads {
            page["downloads"] = serde_json::Value::Array(Vec::new());
        }
        let mut files = vec![OutputFile {
            path: dir.join("index.html"),
            bytes: self.render("department.html", &format!("{}/", dir.display()), &page)?,
        }];
        if downloads {
            files.extend(department_downloads(c)?);
        }
        Ok(files)
    }

    /// The site-level files: home, year and comparison pages, search index,
    /// open data and static files. `slim` needs units, facts and project
    /// lists only (see [`slim`]).
    pub fn site(&self, summaries: &[Summary], years_of: &YearsOf) -> Result<Vec<OutputFile>, PortalError> {
        let mut files = self.statics.clone();
        let mut years: BTreeMap<u16, Vec<&Summary>> = BTreeMap::new();
        for s in summaries {
            years.entry(s.identity.year).or_default().push(s);
        }
        for (year, list) in &years {
            let ctx = serde_json::json!({
                "root": "../",
                "title": format!("{year}年部门预算公开"),
                "year": year,
                "groups": groups(list, "../"),
            });
            files.push(OutputFile {
                path: PathBuf::from(year.to_string()).join("index.html"),
                bytes: self.render("year.html", &format!("{year}/"), &ctx)?,
            });
        }
        let home_years: Vec<serde_json::Value> = years
            .iter()
            .rev()
            .map(|(year, list)| serde_json::json!({ "year": year, "href": format!("{year}/"), "groups": groups(list, "") }))
            .collect();
        let ctx = serde_json::json!({ "root": "", "title": self.site["title"], "years": home_years });
        files.push(OutputFile {
            path: PathBuf::from("index.html"),
            bytes: self.render("index.html", "", &ctx)?,
        });
        // Each department's summaries, in the order given (one pass: a
        // province keeps tens of thousands of departments over several years).
        let mut by_series: BTreeMap<Series, Vec<&Summary>> = BTreeMap::new();
        for s in summaries {
            by_series.entry(s.identity.series()).or_default().push(s);
        }
        let compared: Vec<(&Series, &Vec<&Summary>)> = years_of
            .iter()
            .filter(|(_, years)| years.len() >= 2)
            .filter_map(|(series, _)| Some((series, by_series.get(series)?)))
            .filter(|(_, list)| list.len() >= 2)
            .collect();
        // One comparison page per department publishing two years or more,
        // rendered on every core.
        files.extend(gongkai_model::par::map(&compared, &|_, _| {}, |(series, list)| {
            let url = format!("departments/{}/", series.slashed());
            Ok::<_, PortalError>(OutputFile {
                path: PathBuf::from("departments").join(series.path()).join("index.html"),
                bytes: self.render("compare.html", &url, &compare_page(series, list))?,
            })
        })?);
        files.extend(downloads::open_data(summaries));
        Ok(files)
    }
}

/// The years each department (each [`Series`]) publishes.
pub type YearsOf = BTreeMap<Series, Vec<u16>>;

/// Years per department of a set of department-years.
pub fn years_of<'a>(identities: impl IntoIterator<Item = &'a Identity>) -> YearsOf {
    let mut map: YearsOf = BTreeMap::new();
    for identity in identities {
        map.entry(identity.series()).or_default().push(identity.year);
    }
    for years in map.values_mut() {
        years.sort_unstable();
        years.dedup();
    }
    map
}

/// Most characters of a page's text the search index takes (names, headings
/// and the start of the text); keeps the index small for large sites.
pub(crate) const SEARCH_TEXT_CHARS: usize = 3000;

/// The search entry of a department-year.
pub fn search_doc(c: &Checked) -> search::SearchDoc {
    let u = &c.disclosure.unit;
    let mut text: String = c
        .document
        .as_ref()
        .map(|d| {
            d.markdown
                .lines()
                .filter(|l| !l.starts_with('|') && !l.starts_with("<!--"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    if let Some((cut, _)) = text.char_indices().nth(SEARCH_TEXT_CHARS) {
        text.truncate(cut);
    }
    if let Some(p) = &c.disclosure.projects {
        for project in &p.projects {
            text.push('\n');
            text.push_str(&project.name.value);
        }
    }
    search::SearchDoc {
        url: format!("{}/", department_dir(c).display()),
        title: format!("{}{}年部门预算", u.name, u.year),
        year: u.year,
        department: u.name.clone(),
        text,
    }
}

/// What the site-level pages (home, year lists, comparisons, open data) need
/// of one department-year: its unit, the figures they quote as printed, and
/// its project count. Small and serializable, so a large site does not stay in
/// memory and the build cache can keep it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Summary {
    pub(crate) year: u16,
    pub(crate) code: String,
    /// The department's name.
    pub name: String,
    pub(crate) level: String,
    pub(crate) locality: String,
    pub(crate) province: Option<String>,
    /// Which document it is (year, phase, division, department, scope).
    pub(crate) identity: Identity,
    /// Fact id → the figure as tables print it (see [`SITE_FIGURES`]).
    pub(crate) figures: BTreeMap<String, String>,
    /// How many projects the department-year lists.
    pub(crate) projects: usize,
}

/// The facts the site-level pages quote: the comparison rows and the open
/// data's key figures.
pub(crate) const SITE_FIGURES: [&str; 9] = [
    "total",
    "expenditure.basic",
    "expenditure.project",
    "basic.personnel",
    "basic.public",
    "running_costs",
    "sangong.subtotal",
    "procurement.total",
    "assets.total",
];

impl Summary {
    /// What the site pages need of a checked department-year.
    pub fn of(c: &Checked) -> Summary {
        let u = &c.disclosure.unit;
        Summary {
            year: u.year,
            code: u.code.clone(),
            identity: u.identity(),
            name: u.name.clone(),
            level: u.level.clone(),
            locality: u.locality.clone(),
            province: u.province.clone(),
            figures: SITE_FIGURES
                .iter()
                .filter_map(|id| Some((id.to_string(), c.facts.get(id)?.text())))
                .collect(),
            projects: c.disclosure.projects.as_ref().map_or(0, |p| p.projects.len()),
        }
    }

    /// A quoted figure; `None` when the department-year does not publish it.
    pub(crate) fn figure(&self, id: &str) -> Option<&str> {
        debug_assert!(SITE_FIGURES.contains(&id), "{id} is not a site figure");
        self.figures.get(id).map(String::as_str)
    }
}

/// The permalink folder of a department-year (see [`Identity::path`]).
pub(crate) fn department_dir(c: &Checked) -> PathBuf {
    c.output_dir()
}

/// The way up from a page in `folder` to the site root: `../` per level.
fn root_of(folder: &str) -> String {
    "../".repeat(folder.split('/').filter(|s| !s.is_empty()).count())
}

/// What a department-year is called in titles: `2022年部门预算`,
/// `2026年单位预算`, `2023年部门决算`.
fn document_kind(identity: &Identity) -> String {
    format!(
        "{}年{}{}",
        identity.year,
        identity.scope.label(),
        identity.phase.label()
    )
}

/// Departments of a list grouped by locality and level, for index pages.
fn groups(list: &[&Summary], prefix: &str) -> Vec<serde_json::Value> {
    let mut by_group: BTreeMap<(String, String), Vec<serde_json::Value>> = BTreeMap::new();
    for u in list {
        let total = u.figure("total");
        by_group
            .entry((
                format!("{}{}", u.province.clone().unwrap_or_default(), u.locality),
                u.level.clone(),
            ))
            .or_default()
            .push(serde_json::json!({
                "code": u.code,
                "name": u.name,
                "year": u.year,
                "href": format!("{prefix}{}/", u.identity.slashed()),
                "total": total,
            }));
    }
    by_group
        .into_iter()
        .map(|((locality, level), departments)| serde_json::json!({ "locality": locality, "level": level, "departments": departments }))
        .collect()
}

/// A headline figure with the cell it links to.
#[derive(Serialize)]
struct Headline {
    label: &'static str,
    value: String,
    href: Option<String>,
}

fn headline(facts: &Facts, tables: &[&Table], id: &str, label: &'static str) -> Option<Headline> {
    let fact = facts.get(id)?;
    let href = fact.cell.as_ref().and_then(|cell| {
        let table = tables.iter().find(|t| t.id == cell.table)?;
        let column = table.columns.iter().position(|c| *c == cell.column)?;
        Some(format!("#{}", html::cell_id(cell.table, &cell.row, column)))
    });
    Some(Headline {
        label,
        value: fact.text(),
        href,
    })
}

fn all_tables(c: &Checked) -> Vec<&Table> {
    let d = &c.derived;
    d.tables
        .iter()
        .chain(&d.procurement)
        .chain(&d.assets)
        .chain(&d.organisation)
        .collect()
}

fn department_page(c: &Checked, years_of: &YearsOf) -> Result<serde_json::Value, PortalError> {
    let u = &c.disclosure.unit;
    let tables = all_tables(c);
    let headlines: Vec<Headline> = [
        ("total", "收支总计"),
        ("expenditure.basic", "基本支出"),
        ("expenditure.project", "项目支出"),
        ("running_costs", "机关运行经费"),
        ("sangong.subtotal", "“三公”经费"),
        ("procurement.total", "政府采购"),
    ]
    .iter()
    .filter_map(|(id, label)| headline(&c.facts, &tables, id, label))
    .collect();
    let nine: Vec<serde_json::Value> = c
        .derived
        .tables
        .iter()
        .map(|t| {
            serde_json::json!({
                "number": t.id.number(),
                "slug": t.id.slug(),
                "title": t.title,
                "html": html::table(t, &format!("表{} {}", t.id.number(), t.title), true),
            })
        })
        .collect();
    let narrative = c.document.as_ref().map(|doc| {
        let marked = &doc.marked;
        let part_two = marked.find("\n## 第二部分").map_or_else(
            || marked.split_once('\n').map_or("", |(_, rest)| rest),
            |at| &marked[at..],
        );
        html::narrative(part_two, &c.facts, &tables)
    });
    let identity = u.identity();
    let series = identity.series();
    let root = root_of(&identity.slashed());
    let others: Vec<serde_json::Value> = years_of
        .get(&series)
        .into_iter()
        .flatten()
        .filter(|y| **y != u.year)
        .map(|y| serde_json::json!({ "year": y, "href": format!("{root}{y}/{}/", series.slashed()) }))
        .collect();
    let compare =
        (years_of.get(&series).map_or(0, Vec::len) > 1).then(|| format!("{root}departments/{}/", series.slashed()));
    let downloads: Vec<serde_json::Value> = download_links(c);
    Ok(serde_json::json!({
        "root": root,
        "title": format!("{}{}", u.name, document_kind(&identity)),
        "unit": { "code": u.code, "name": u.name, "level": u.level, "locality": u.locality, "province": u.province },
        "year": u.year,
        "headlines": headlines,
        "charts": department_charts(c),
        "tables": nine,
        "narrative": narrative,
        "other_years": others,
        "compare": compare,
        "downloads": downloads,
        "corrections": c.disclosure.corrections.iter().map(|k| serde_json::json!({
            "date": k.date, "note": k.note, "changes": k.changes,
        })).collect::<Vec<_>>(),
    }))
}

/// The department-year's download files, relative to its page.
fn download_files(c: &Checked) -> Vec<(String, String)> {
    let mut files = Vec::new();
    if c.document.is_some() {
        files.push(("disclosure.docx".into(), "公开文件（Word）".into()));
        files.push(("disclosure.md".into(), "公开文件（Markdown）".into()));
    }
    if !c.derived.tables.is_empty() {
        files.push(("tables.xlsx".into(), "九张表（Excel）".into()));
        for t in &c.derived.tables {
            files.push((
                format!("tables/{}.csv", csv_name(t.id)),
                format!("表{} {}（CSV）", t.id.number(), t.title),
            ));
        }
    }
    files.push(("model.json".into(), "全部数据（JSON）".into()));
    files
}

fn csv_name(id: TableId) -> String {
    format!("{}-{}", id.number(), id.slug())
}

fn download_links(c: &Checked) -> Vec<serde_json::Value> {
    download_files(c)
        .into_iter()
        .map(|(href, label)| serde_json::json!({ "href": href, "label": label }))
        .collect()
}

fn department_downloads(c: &Checked) -> Result<Vec<OutputFile>, PortalError> {
    let dir = department_dir(c);
    let mut files = Vec::new();
    if !c.derived.tables.is_empty() {
        for t in &c.derived.tables {
            files.push(OutputFile {
                path: dir.join("tables").join(format!("{}.csv", csv_name(t.id))),
                bytes: downloads::table_csv(t),
            });
        }
        files.push(OutputFile {
            path: dir.join("tables.xlsx"),
            bytes: downloads::workbook_xlsx(c).map_err(|e| PortalError::Download(e.to_string()))?,
        });
    }
    files.push(OutputFile {
        path: dir.join("model.json"),
        bytes: downloads::model_json(c).into_bytes(),
    });
    Ok(files)
}

/// The charts of a department page, from figures the tables show. A chart is
/// one image to assistive technology (`role="img"` with its text alternative),
/// so its bars carry no links: nested controls would be unreachable.
fn department_charts(c: &Checked) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(t3) = c.derived.table(TableId::Expenditure) {
        let bars: Vec<Bar> = t3
            .rows
            .iter()
            .filter(|r| r.key.len() == 3)
            .filter_map(|r| {
                let name = r.cells.get(2).map(|c| c.display())?;
                let value = t3.figure(&r.key, "合计")?.shown;
                Some(Bar {
                    label: name,
                    value,
                    compare: None,
                    href: None,
                })
            })
            .collect();
        out.push(charts::bar_chart(&BarChart {
            id: "chart-function".into(),
            title: "支出按功能分类（类）".into(),
            unit: "万元".into(),
            legend: None,
            bars,
        }));
    }
    let pair = |id: &str, title: &str, items: &[(&str, &str)]| -> Option<String> {
        let bars: Option<Vec<Bar>> = items
            .iter()
            .map(|(fact, label)| {
                let f = c.facts.get(fact)?;
                Some(Bar {
                    label: (*label).to_string(),
                    value: f.figure.shown,
                    compare: None,
                    href: None,
                })
            })
            .collect();
        Some(charts::bar_chart(&BarChart {
            id: id.into(),
            title: title.into(),
            unit: "万元".into(),
            legend: None,
            bars: bars?,
        }))
    };
    out.extend(pair(
        "chart-basic-project",
        "基本支出与项目支出",
        &[("expenditure.basic", "基本支出"), ("expenditure.project", "项目支出")],
    ));
    out.extend(pair(
        "chart-personnel-public",
        "人员经费与公用经费",
        &[("basic.personnel", "人员经费"), ("basic.public", "公用经费")],
    ));
    if c.derived.table(TableId::Sangong).is_some() {
        let items = [
            ("sangong.abroad", "prior.sangong.abroad", "因公出国（境）费"),
            ("sangong.car_purchase", "prior.sangong.car_purchase", "公务用车购置费"),
            ("sangong.car_running", "prior.sangong.car_running", "公务用车运行维护费"),
            ("sangong.reception", "prior.sangong.reception", "公务接待费"),
        ];
        let has_prior = c.facts.get("prior.sangong.total").is_some();
        let bars: Vec<Bar> = items
            .iter()
            .filter_map(|(now, before, label)| {
                let f = c.facts.get(now)?;
                Some(Bar {
                    label: (*label).to_string(),
                    value: f.figure.shown,
                    compare: has_prior.then(|| c.facts.get(before).map(|p| p.figure.shown).unwrap_or_default()),
                    href: None,
                })
            })
            .collect();
        let prior_year = c.disclosure.prior.as_ref().map(|p| p.year);
        out.push(charts::bar_chart(&BarChart {
            id: "chart-sangong".into(),
            title: "“三公”经费".into(),
            unit: "万元".into(),
            legend: prior_year.map(|y| (format!("{}年", c.disclosure.unit.year), format!("{y}年"))),
            bars,
        }));
    }
    out
}

/// Key figures of a department across its years.
fn compare_page(series: &Series, list: &[&Summary]) -> serde_json::Value {
    let first = list[0];
    let root = root_of(&format!("departments/{}", series.slashed()));
    let rows: Vec<serde_json::Value> = [
        ("total", "收支总计"),
        ("expenditure.basic", "基本支出"),
        ("expenditure.project", "项目支出"),
        ("basic.personnel", "人员经费"),
        ("running_costs", "机关运行经费"),
        ("sangong.subtotal", "“三公”经费"),
        ("procurement.total", "政府采购"),
        ("assets.total", "上年末固定资产"),
    ]
    .iter()
    .map(|(id, label)| {
        let values: Vec<Option<&str>> = list.iter().map(|s| s.figure(id)).collect();
        serde_json::json!({ "label": label, "values": values })
    })
    .collect();
    let years: Vec<serde_json::Value> = list
        .iter()
        .map(|s| {
            let y = s.year;
            serde_json::json!({ "year": y, "href": format!("{root}{}/", s.identity.slashed()), "projects": s.projects })
        })
        .collect();
    serde_json::json!({
        "root": root,
        "title": format!("{}历年{}{}", first.name, series.scope.label(), series.phase.label()),
        "unit": { "code": first.code, "name": first.name },
        "years": years,
        "rows": rows,
    })
}
