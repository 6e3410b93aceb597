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
//!
//! A section's sentences need conditions, not programs: these templates may
//! hold `{{ … }}`, `{% if %}` / `{% elif %}` / `{% else %}` / `{% endif %}`,
//! comments and `{% raw %}`, and nothing else ([`check_tags`]). So rendering
//! one takes time and memory in proportion to its text (a loop cannot run
//! for half a minute and a gigabyte, as one did before this rule), and a
//! section's text is capped at [`MAX_SECTION_BYTES`] anyway.

use crate::markers::{mark, parse_marked};
use std::path::Path;
use tera::{Context, Kwargs, State, Tera, TeraResult};

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

/// The most a section's rendered text may hold (a page of prose is a few
/// kilobytes).
pub(crate) const MAX_SECTION_BYTES: usize = 256 * 1024;

/// The tags a document template may use.
const ALLOWED_TAGS: [&str; 6] = ["if", "elif", "else", "endif", "raw", "endraw"];

/// Refuses any tag but [`ALLOWED_TAGS`], naming it with its line and column
/// (as Tera's errors do, so the message points into the author's file).
fn check_tags(name: &str, source: &str) -> Result<(), TemplateError> {
    let mut in_raw = false;
    let mut rest = source;
    let mut offset = 0;
    while let Some(start) = rest.find("{%") {
        let tag_at = offset + start;
        let after = &rest[start + 2..];
        let Some(end) = after.find("%}") else { break };
        let inner = after[..end].trim_matches(|c: char| c == '-' || c == '+' || c.is_whitespace());
        let word = inner.split_whitespace().next().unwrap_or_default();
        // Inside `{% raw %}` every tag is text until `{% endraw %}`.
        let allowed = in_raw || ALLOWED_TAGS.contains(&word);
        if !allowed {
            let before = &source[..tag_at];
            let line = before.matches('\n').count() + 1;
            let column = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
            return Err(TemplateError {
                name: name.to_string(),
                message: format!(
                    "`{{% {word} %}}` is not allowed in a document template: sentences need only `{{{{ fact }}}}` and `{{% if %}}` (at {name}:{line}:{column})"
                ),
            });
        }
        match word {
            "raw" if !in_raw => in_raw = true,
            "endraw" => in_raw = false,
            _ => {}
        }
        offset = tag_at + 2 + end + 2;
        rest = &source[offset..];
    }
    Ok(())
}

/// A writer that refuses to grow past [`MAX_SECTION_BYTES`].
struct Capped(Vec<u8>);

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_SECTION_BYTES {
            return Err(std::io::Error::other(format!(
                "the section's text would exceed {} KiB",
                MAX_SECTION_BYTES / 1024
            )));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capped {
    fn into_string(self) -> String {
        String::from_utf8(self.0).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// A template that failed to parse or render.
#[derive(Debug, thiserror::Error)]
#[error("template `{name}`: {message}")]
pub struct TemplateError {
    pub(crate) name: String,
    pub(crate) message: String,
}

impl TemplateError {
    /// Line and column in the template, when Tera gave them (`… (at name:L:C)`).
    pub(crate) fn position(&self) -> Option<(u32, u32)> {
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
            let shown = own
                .as_ref()
                .map_or_else(|| name.to_string(), |p| p.display().to_string());
            check_tags(&shown, &source)?;
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
        let mut out = Capped(Vec::new());
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|e| TemplateError {
                name: name.to_string(),
                message: error_chain(&e),
            })?;
        Ok(out.into_string())
    }

    /// Renders an author's Markdown (a `sections/<id>.md` override).
    pub(crate) fn render_author(&self, name: &str, source: &str, context: &Context) -> Result<String, TemplateError> {
        check_tags(name, source)?;
        let mut out = Capped(Vec::new());
        self.tera
            .render_str_to(source, context, false, &mut out)
            .map_err(|e| TemplateError {
                name: name.to_string(),
                message: error_chain(&e),
            })?;
        Ok(out.into_string())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn author(source: &str) -> Result<String, TemplateError> {
        let narrator = Narrator::new(None).expect("default templates");
        let mut context = Context::new();
        context.insert("year", &2022);
        narrator.render_author("sections/other.md", source, &context)
    }

    #[test]
    fn conditions_and_references_render() {
        assert_eq!(
            author("{# 注 #}{{ year }}年{% if year > 2000 %}有{% elif year %}x{% else %}无{% endif %}{% raw %}{% for %}{% endraw %}").unwrap(),
            "2022年有{% for %}"
        );
    }

    #[test]
    fn loops_assignments_and_includes_are_refused_with_their_position() {
        for (source, word, at) in [
            (
                "前文\n{% for i in range(end=100000) %}{% for j in range(end=100000) %}x{% endfor %}{% endfor %}",
                "for",
                "2:1",
            ),
            ("{% set s = \"x\" %}{{ s }}", "set", "1:1"),
            ("ab{%- macro m() %}{% endmacro %}", "macro", "1:3"),
            ("{% include \"x\" %}", "include", "1:1"),
            (
                "{% raw %}{% for %}{% endraw %}\n  {% filter upper %}x{% endfilter %}",
                "filter",
                "2:3",
            ),
        ] {
            let e = author(source).unwrap_err();
            assert!(
                e.message.contains(&format!("`{{% {word} %}}` is not allowed")),
                "{source}: {}",
                e.message
            );
            assert_eq!(
                e.position(),
                Some((at[..1].parse().unwrap(), at[2..].parse().unwrap())),
                "{source}: {}",
                e.message
            );
        }
    }

    #[test]
    fn a_section_cannot_grow_past_its_cap() {
        let e = author("{{ range(end=100000) | join(sep=\"一二三四五六七八九十\") }}").unwrap_err();
        assert!(e.message.contains("would exceed 256 KiB"), "{}", e.message);
    }

    #[test]
    fn a_theme_template_with_a_loop_is_refused_naming_its_file() {
        let dir = std::env::temp_dir().join(format!("gongkai-narrative-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sangong.md"), "{% for x in [1] %}{{ x }}{% endfor %}").unwrap();
        let e = Narrator::new(Some(&dir)).err().expect("refused");
        assert!(e.name.ends_with("sangong.md"), "{}", e.name);
        assert!(e.message.contains("`{% for %}` is not allowed"), "{}", e.message);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
