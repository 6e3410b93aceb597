//! Narrative sections: Tera templates that write the standard sentences
//! from facts.
//!
//! The default templates live in `themes/default/document/` and are compiled
//! into the binary; a site overrides any of them with a file of the same name
//! in `<site>/themes/default/document/`, and a department-year overrides a
//! section's text with `sections/<id>.md` in its folder. In all of them a
//! figure is a reference to a fact (`{{ sangong.total | short }}`), never a
//! typed number. Filters format a fact and keep its marker, so the figure can
//! be verified after rendering:
//!
//! | filter | prints `56.10` as | use |
//! |---|---|---|
//! | `wan` | `56.10` | as in tables |
//! | `short` | `56.1` (and `0`) | as prose usually writes |
//! | `abs` | drops the sign | a change whose direction a word says |
//!
//! Tests `negative`, `positive` and `zero` choose the words (增加 / 减少 / 持平).

use crate::markers::{mark, parse_marked};
use std::path::Path;
use tera::{Context, Kwargs, State, Tera, TeraResult};

/// The sections with a template, in document order, and their file names.
pub const SECTIONS: [&str; 7] = [
    "income",
    "expenditure",
    "change",
    "running-costs",
    "sangong",
    "procurement",
    "assets",
];

/// The default templates, compiled in.
const DEFAULTS: [(&str, &str); 7] = [
    ("income", include_str!("../../../themes/default/document/income.md")),
    (
        "expenditure",
        include_str!("../../../themes/default/document/expenditure.md"),
    ),
    ("change", include_str!("../../../themes/default/document/change.md")),
    (
        "running-costs",
        include_str!("../../../themes/default/document/running-costs.md"),
    ),
    ("sangong", include_str!("../../../themes/default/document/sangong.md")),
    (
        "procurement",
        include_str!("../../../themes/default/document/procurement.md"),
    ),
    ("assets", include_str!("../../../themes/default/document/assets.md")),
];

/// A template that failed to parse or render.
#[derive(Debug, thiserror::Error)]
#[error("template `{name}`: {message}")]
pub struct TemplateError {
    pub name: String,
    pub message: String,
}

impl TemplateError {
    /// Line and column in the template, when Tera gave them (`… (at name:L:C)`).
    pub fn position(&self) -> Option<(u32, u32)> {
        let at = self.message.rsplit_once("(at ")?.1.strip_suffix(')')?;
        let mut parts = at.rsplitn(3, ':');
        let column = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((line, column))
    }
}

/// The template engine with the document's filters.
pub struct Narrator {
    tera: Tera,
}

fn not_a_fact(filter: &str, value: &str) -> tera::Error {
    tera::Error::message(format!(
        "`{filter}` applies to a fact such as `sangong.total`, not to `{value}`; figures are never typed into templates"
    ))
}

/// Reformats a marked fact; the marker keeps the fact's id.
fn remark(filter: &'static str, value: &str, f: impl Fn(&str) -> String) -> TeraResult<String> {
    let (id, text) = parse_marked(value).ok_or_else(|| not_a_fact(filter, value))?;
    Ok(mark(id, &f(text)))
}

fn fact_sign(test: &'static str, value: &str) -> TeraResult<std::cmp::Ordering> {
    let (_, text) = parse_marked(value).ok_or_else(|| not_a_fact(test, value))?;
    let n: rust_decimal::Decimal = text.parse().map_err(|_| not_a_fact(test, value))?;
    Ok(n.cmp(&rust_decimal::Decimal::ZERO))
}

impl Narrator {
    /// The engine with the default templates, then the site's overrides from
    /// `theme_dir` (e.g. `<site>/themes/default/document`) when it exists.
    pub fn new(theme_dir: Option<&Path>) -> Result<Self, TemplateError> {
        let mut tera = Tera::default();
        tera.autoescape_on(Vec::<&str>::new());
        tera.register_filter("wan", |v: &str, _: Kwargs, _: &State| {
            remark("wan", v, |t| t.to_string())
        });
        tera.register_filter("short", |v: &str, _: Kwargs, _: &State| {
            remark("short", v, |t| {
                let n: rust_decimal::Decimal = t.parse().unwrap_or_default();
                let n = n.normalize();
                if n.is_zero() { "0".into() } else { n.to_string() }
            })
        });
        tera.register_filter("abs", |v: &str, _: Kwargs, _: &State| {
            remark("abs", v, |t| t.trim_start_matches('-').to_string())
        });
        tera.register_test("negative", |v: &str, _: Kwargs, _: &State| {
            fact_sign("negative", v).map(|o| o.is_lt())
        });
        tera.register_test("positive", |v: &str, _: Kwargs, _: &State| {
            fact_sign("positive", v).map(|o| o.is_gt())
        });
        tera.register_test("zero", |v: &str, _: Kwargs, _: &State| {
            fact_sign("zero", v).map(|o| o.is_eq())
        });
        for (name, text) in DEFAULTS {
            let own = theme_dir.map(|d| d.join(format!("{name}.md"))).filter(|p| p.is_file());
            let source = match &own {
                Some(path) => std::fs::read_to_string(path).map_err(|e| TemplateError {
                    name: path.display().to_string(),
                    message: e.to_string(),
                })?,
                None => text.to_string(),
            };
            tera.add_raw_template(name, source.trim_end())
                .map_err(|e| TemplateError {
                    name: own.map_or_else(|| name.to_string(), |p| p.display().to_string()),
                    message: error_chain(&e),
                })?;
        }
        Ok(Narrator { tera })
    }

    /// Renders a section's template.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera.render(name, context).map_err(|e| TemplateError {
            name: name.to_string(),
            message: error_chain(&e),
        })
    }

    /// Renders an author's Markdown (a `sections/<id>.md` override).
    pub fn render_author(&self, name: &str, source: &str, context: &Context) -> Result<String, TemplateError> {
        self.tera.render_str(source, context, false).map_err(|e| TemplateError {
            name: name.to_string(),
            message: error_chain(&e),
        })
    }
}

/// Tera's message without its source snippet: the first line and the
/// ` --> template:line:col` position.
fn error_chain(e: &tera::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    let mut lines = message.lines();
    let first = lines
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ")
        .to_string();
    match lines.find(|l| l.trim_start().starts_with("-->")) {
        Some(at) => format!("{first} (at {})", at.trim_start().trim_start_matches("--> ")),
        None => first,
    }
}
