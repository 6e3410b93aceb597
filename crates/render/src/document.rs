//! The canonical disclosure document, as Markdown.
//!
//! Structure, numbering, headings and table titles come from here, never from
//! typed text: the nine tables (第一部分), then the explanatory sections
//! (第二部分) numbered 一、二、… in order of the sections present. Every figure
//! of the explanatory sections (quoted facts and the cells of their tables) is
//! written through a marker ([`markers`](super::markers)); after assembly the
//! markers are stripped and every such figure is read back and checked against
//! the model, so a document with a mismatched figure is never produced. The
//! nine tables print each cell from its own figure in the table style (see
//! `Builder::table`).

use super::markers;
use super::narrative::{Narrator, TemplateError};
use gongkai_derive::derive::{Derived, chinese_number};
use gongkai_derive::facts::Facts;
use gongkai_model::diag::Diagnostics;
use gongkai_model::disclosure::{Disclosure, Located, Project};
use gongkai_model::table::{Cell, Table, TableId};
use std::fmt::Write as _;

/// A rendered document.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The document, markers stripped.
    pub markdown: String,
    /// The same with every figure's marker kept, for renderers that link
    /// figures to their sources (the portal).
    pub marked: String,
    /// The rendered narrative sections (id → clean text), for prose checks.
    pub sections: Vec<(String, String)>,
}

/// The id a table cell's figure is marked with.
pub(crate) fn cell_id(table: TableId, row: &str, column: usize) -> String {
    format!("cell:{}:{row}:{column}", table.slug())
}

/// Escapes text for Markdown so it prints as typed.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends text to `out`, escaped as [`escape`] does.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    if needs_no_escape(text) {
        out.push_str(text);
    } else {
        escape_lines(out, text);
    }
}

/// [`push_escaped`] line by line: lines are trimmed and joined with spaces,
/// punctuation and structural starts get a backslash.
fn escape_lines(out: &mut String, text: &str) {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let trimmed = line.trim();
        // Line starts that Markdown would take as structure.
        let structural_start = trimmed.starts_with(['#', '+', '-', '=', '>']);
        if structural_start {
            out.push('\\');
        }
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let list_like = digits > 0
            && matches!(trimmed.as_bytes().get(digits), Some(b'.' | b')'))
            && trimmed[digits + 1..].starts_with(' ');
        for (j, c) in trimmed.chars().enumerate() {
            let special = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~');
            let list_mark = list_like && j == digits;
            let already = j == 0 && structural_start;
            if (special || list_mark) && !already {
                out.push('\\');
            }
            out.push(c);
        }
    }
}

/// Whether [`push_escaped`] would copy `text` unchanged: one line, nothing to
/// trim, no Markdown punctuation, and no start Markdown takes as structure.
fn needs_no_escape(text: &str) -> bool {
    let special = |b: u8| {
        matches!(
            b,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'~' | b'\n' | b'\r'
        )
    };
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let list_like = digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')'));
    !text.bytes().any(special)
        && !text.starts_with(['#', '+', '-', '=', '>'])
        && !text.starts_with(char::is_whitespace)
        && !text.ends_with(char::is_whitespace)
        && !list_like
}

/// Renders the document of one department-year.
pub fn render(
    d: &Disclosure,
    derived: &Derived,
    facts: &Facts,
    narrator: &Narrator,
    diags: &mut Diagnostics,
) -> Option<Rendered> {
    let mut doc = Builder {
        d,
        derived,
        facts,
        narrator,
        out: String::new(),
        sections: Vec::new(),
        context: context(d, facts),
        failed: false,
        diags,
    };
    doc.document();
    if doc.failed {
        return None;
    }
    let Builder {
        out, sections, diags, ..
    } = doc;
    let extracted = match markers::extract(&out) {
        Ok(e) => e,
        Err(e) => {
            diags.error("figure-marker", d.unit.loc.clone(), e.to_string());
            return None;
        }
    };
    let resolve = |id: &str| resolve(id, derived, facts);
    let mismatches = markers::verify(&extracted, &resolve);
    for m in &mismatches {
        diags
            .error(
                "figure-readback",
                d.unit.loc.clone(),
                format!("the rendered document {}", m.problem),
            )
            .help = Some("a template printed a figure that does not read as its fact; fix the template".into());
    }
    if !mismatches.is_empty() {
        return None;
    }
    let sections = sections
        .into_iter()
        .map(|(id, text)| (id, markers::extract(&text).map(|e| e.clean).unwrap_or(text)))
        .collect();
    Some(Rendered {
        marked: out,
        markdown: extracted.clean,
        sections,
    })
}

/// The shown value of a marked id, and whether prose styles are allowed.
pub(crate) fn resolve(id: &str, derived: &Derived, facts: &Facts) -> Option<(rust_decimal::Decimal, bool)> {
    if let Some(rest) = id.strip_prefix("cell:") {
        let mut parts = rest.rsplitn(2, ':');
        let column: usize = parts.next()?.parse().ok()?;
        let (slug, row) = parts.next()?.split_once(':')?;
        let table = all_tables(derived).find(|t| t.id.slug() == slug)?;
        let row = table.rows.iter().find(|r| r.key == row)?;
        return row.cells.get(column)?.figure().map(|f| (f.shown, false));
    }
    facts.get(id).map(|fact| (fact.figure.shown, true))
}

fn all_tables(derived: &Derived) -> impl Iterator<Item = &Table> {
    derived
        .tables
        .iter()
        .chain(&derived.procurement)
        .chain(&derived.assets)
        .chain(&derived.organisation)
}

/// The template context: facts at the top level, plus `unit`, `year`,
/// `prior_year` and the narrative texts under `text`.
fn context(d: &Disclosure, facts: &Facts) -> tera::Context {
    let mut value = facts.to_context(markers::mark);
    let n = &d.narrative;
    let t = |x: &Option<Located<String>>| x.as_ref().map(|l| escape(&l.value));
    let text = serde_json::json!({
        "project_purposes": t(&n.project_purposes),
        "running_costs_use": t(&n.running_costs_use),
        "sangong_change": t(&n.sangong_change),
        "procurement_intro": t(&n.procurement_intro),
        "change_reasons": {
            "total": t(&n.change_reason_total),
            "basic": t(&n.change_reason_basic),
            "project": t(&n.change_reason_project),
        },
    });
    let unit = serde_json::json!({
        "code": d.unit.code,
        "name": escape(&d.unit.name),
        "level": d.unit.level,
        "locality": d.unit.locality,
    });
    if let Some(map) = value.as_object_mut() {
        map.insert("text".into(), text);
        map.insert("unit".into(), unit);
        map.insert("year".into(), d.unit.year.into());
        let prior_year = d.prior.as_ref().map_or(d.unit.year.saturating_sub(1), |p| p.year);
        map.insert("prior_year".into(), prior_year.into());
    }
    tera::Context::from_serialize(&value).unwrap_or_default()
}

struct Builder<'a> {
    d: &'a Disclosure,
    derived: &'a Derived,
    facts: &'a Facts,
    narrator: &'a Narrator,
    out: String,
    sections: Vec<(String, String)>,
    context: tera::Context,
    failed: bool,
    diags: &'a mut Diagnostics,
}

impl Builder<'_> {
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push_str("\n\n");
    }

    fn heading(&mut self, level: usize, text: &str) {
        let _ = write!(self.out, "{} {}\n\n", "#".repeat(level), text);
    }

    fn page_break(&mut self) {
        self.out.push_str("<!-- pagebreak -->\n\n");
    }

    fn document(&mut self) {
        let u = &self.d.unit;
        let kind = if self.derived.tables.is_empty() {
            "部门预算绩效目标"
        } else {
            "部门预算信息公开"
        };
        let title = format!("{}{}年{kind}", escape(&u.name), u.year);
        self.heading(1, &title);
        self.corrections();
        if self.derived.tables.is_empty() {
            self.performance_only();
            return;
        }
        self.heading(2, &format!("第一部分 {}{}年部门预算表", escape(&u.name), u.year));
        for table in &self.derived.tables {
            self.page_break();
            self.heading(3, table.title);
            self.table_header(true);
            self.table(table, true, false);
        }
        self.page_break();
        self.heading(
            2,
            &format!("第二部分 {}{}年部门预算信息公开情况说明", escape(&u.name), u.year),
        );
        self.text_section("preamble", |b| b.d.narrative.preamble.clone());
        type Section<'b, 'c> = (&'b str, fn(&mut Builder<'c>));
        let mut sections: Vec<Section> = vec![
            ("部门职责及机构设置情况", Self::duties),
            ("部门预算安排的总体情况", Self::overview),
            ("机关运行经费安排情况", Self::running_costs),
            ("财政拨款“三公”经费预算情况及增减变化原因", Self::sangong),
        ];
        if self.has_performance() {
            sections.push(("预算绩效信息", Self::performance));
        }
        if self.d.procurement.is_some() {
            sections.push(("政府采购预算情况", Self::procurement));
        }
        if self.d.assets.is_some() {
            sections.push(("国有资产信息", Self::assets));
        }
        if !self.d.narrative.glossary.is_empty() || self.has_override("glossary") {
            sections.push(("名词解释", Self::glossary));
        }
        sections.push(("其他需要说明的事项", Self::other));
        for (i, (title, body)) in sections.into_iter().enumerate() {
            self.heading(3, &format!("{}、{title}", chinese_number(i + 1)));
            body(self);
        }
    }

    /// 更正说明, at the head of a republished disclosure.
    fn corrections(&mut self) {
        let list = self.d.corrections.clone();
        if list.is_empty() {
            return;
        }
        self.heading(2, "更正说明");
        for c in &list {
            let note = c.note.as_deref().map(escape).unwrap_or_default();
            self.line(&format!("{}：{note}", escape(&c.date)));
            for change in &c.changes {
                let _ = writeln!(self.out, "- {}", escape(change));
            }
            self.out.push('\n');
        }
    }

    fn has_performance(&self) -> bool {
        let n = &self.d.narrative;
        !n.performance_overall.is_empty()
            || !n.performance_sub_goals.is_empty()
            || self.d.projects.as_ref().is_some_and(|p| !p.projects.is_empty())
            || self.has_override("performance")
    }

    fn has_override(&self, id: &str) -> bool {
        self.d.sections.contains_key(id)
    }

    /// `101张家口…`, `预算年度：2022`, `单位：万元` above a table.
    fn table_header(&mut self, with_year: bool) {
        let u = &self.d.unit;
        let mut lines = vec![format!("{}{}", u.code, escape(&u.name))];
        if with_year {
            lines.push(format!("预算年度：{}", u.year));
        }
        lines.push("单位：万元".into());
        for line in lines {
            self.line(&line);
        }
    }

    /// A table as a GFM pipe table; the nine tables get their 栏次 row.
    ///
    /// With `marked`, every amount is written through a figure marker, so the
    /// portal can link prose to it and the read-back checks it. The nine
    /// tables of part one are written unmarked: each cell prints its own
    /// figure in the table style, so a marker would only check the cell
    /// against itself, and a department-year has thousands of them.
    fn table(&mut self, table: &Table, numbered: bool, marked: bool) {
        let out = &mut self.out;
        out.push('|');
        for column in &table.columns {
            out.push(' ');
            out.push_str(display_header(column));
            out.push_str(" |");
        }
        out.push_str("\n|");
        for _ in &table.columns {
            out.push_str("---|");
        }
        out.push('\n');
        if numbered {
            out.push_str("| 栏次 |");
            for i in 1..table.columns.len() {
                let _ = write!(out, " {i} |");
            }
            out.push('\n');
        }
        for row in &table.rows {
            out.push('|');
            for (i, cell) in row.cells.iter().enumerate() {
                out.push(' ');
                match cell {
                    Cell::Text(s) => push_escaped(out, s),
                    Cell::Amount(f) if marked => {
                        out.push_str(&markers::mark(&cell_id(table.id, &row.key, i), &f.text()))
                    }
                    Cell::Amount(f) => out.push_str(&f.text()),
                    Cell::Blank => {}
                }
                out.push_str(" |");
            }
            out.push('\n');
        }
        out.push('\n');
        if let Some(note) = &table.note {
            self.line(&escape(note));
        }
    }

    /// A section's body: the author's `sections/<id>.md` if any, else `default`.
    fn templated(&mut self, id: &str) {
        let rendered = match self.d.sections.get(id) {
            Some(source) => {
                self.narrator
                    .render_author(&source.loc.file.display().to_string(), &source.value, &self.context)
            }
            None => self.narrator.render(id, &self.context),
        };
        match rendered {
            Ok(text) => {
                let text = text.trim().to_string();
                if !text.is_empty() {
                    self.line(&text);
                }
                self.sections.push((id.to_string(), text));
            }
            Err(e) => self.template_error(id, e),
        }
    }

    fn template_error(&mut self, id: &str, e: TemplateError) {
        let author = self.d.sections.get(id);
        let mut loc = author.map_or_else(|| self.d.unit.loc.clone(), |s| s.loc.clone());
        let mut message = format!("section `{id}` cannot be rendered: {}", e.message);
        let mut help =
            "a figure must be a fact that exists for this department-year (see docs/templates.md)".to_string();
        // Point into the author's file, and name the unknown reference.
        if let (Some(source), Some((line, column))) = (author, e.position()) {
            loc.line = line;
            loc.column = column;
            let text = source
                .value
                .lines()
                .nth(line.saturating_sub(1) as usize)
                .unwrap_or_default();
            let name: String = text
                .chars()
                .skip(column.saturating_sub(1) as usize)
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.'))
                .collect();
            loc.len = name.chars().count() as u32;
            if !name.is_empty() && self.facts.get(&name).is_none() && e.message.contains("undefined") {
                message = format!("section `{id}`: `{name}` is not a fact of this department-year");
                let ids: Vec<&str> = self.facts.iter().map(|(id, _)| id).collect();
                if let Some(best) = gongkai_model::diag::closest(&name, &ids) {
                    help = format!("did you mean `{best}`? (facts are listed in docs/templates.md)");
                }
            }
        }
        self.diags.error("template", loc, message).help = Some(help);
        self.failed = true;
    }

    /// A text-only section: the author's override, or paragraphs from narrative.yaml.
    fn text_section(&mut self, id: &str, paragraphs: impl Fn(&Self) -> Vec<Located<String>>) {
        if self.has_override(id) {
            self.templated(id);
            return;
        }
        let paragraphs = paragraphs(self);
        let mut joined = String::new();
        for p in &paragraphs {
            self.line(&escape(&p.value));
            joined.push_str(&p.value);
            joined.push('\n');
        }
        self.sections.push((id.to_string(), joined));
    }

    fn duties(&mut self) {
        if self.has_override("duties") {
            self.templated("duties");
        } else {
            self.line("部门职责：");
            self.text_section("duties", |b| b.d.narrative.duties.clone());
        }
        if let Some(table) = self.derived.organisation.clone() {
            self.line("机构设置：");
            self.line(&format!("**{}**", table.title));
            self.table(&table, false, true);
        }
    }

    fn overview(&mut self) {
        self.text_section("overview", |b| b.d.narrative.overview.clone());
        let mut parts: Vec<(&str, &str)> = vec![("收入说明", "income"), ("支出说明", "expenditure")];
        // Stated when last year's total is known (prior.yaml may be a blank scaffold).
        if self.facts.get("change.total").is_some() {
            parts.push(("比上年增减情况", "change"));
        }
        for (i, (title, id)) in parts.into_iter().enumerate() {
            self.heading(4, &format!("{}、{title}", i + 1));
            self.templated(id);
        }
    }

    fn running_costs(&mut self) {
        self.templated("running-costs");
    }

    fn sangong(&mut self) {
        self.templated("sangong");
    }

    fn performance(&mut self) {
        if self.has_override("performance") {
            self.templated("performance");
        } else {
            self.department_performance(4);
        }
        self.project_tables(4);
    }

    /// 部门整体绩效目标: overall goals, sub-goals, safeguards.
    fn department_performance(&mut self, level: usize) {
        let n = self.d.narrative.clone();
        if n.performance_overall.is_empty() && n.performance_sub_goals.is_empty() && n.performance_safeguards.is_empty()
        {
            return;
        }
        self.heading(level, "第一部分 部门整体绩效目标");
        let mut parts: Vec<&str> = Vec::new();
        if !n.performance_overall.is_empty() {
            parts.push("总体绩效目标");
        }
        if !n.performance_sub_goals.is_empty() {
            parts.push("分项绩效目标");
        }
        if !n.performance_safeguards.is_empty() {
            parts.push("工作保障措施");
        }
        for (i, part) in parts.into_iter().enumerate() {
            let number = if level <= 2 {
                format!("{}、", chinese_number(i + 1))
            } else {
                format!("（{}）", chinese_number(i + 1))
            };
            self.heading(level + 1, &format!("{number}{part}"));
            match part {
                "总体绩效目标" => {
                    for p in &n.performance_overall {
                        self.line(&escape(&p.value));
                    }
                }
                "分项绩效目标" => {
                    for (j, g) in n.performance_sub_goals.iter().enumerate() {
                        self.heading(level + 2, &format!("{}、{}", j + 1, escape(&g.title.value)));
                        self.line(&format!("绩效目标：{}", escape(&g.goal.value)));
                        self.line(&format!("绩效指标：{}", escape(&g.indicators.value)));
                    }
                }
                _ => {
                    for p in &n.performance_safeguards {
                        self.line(&escape(&p.value));
                    }
                }
            }
        }
    }

    /// 预算项目绩效目标: one table per project.
    fn project_tables(&mut self, level: usize) {
        let Some(projects) = self.d.projects.clone() else {
            return;
        };
        if projects.projects.is_empty() {
            return;
        }
        self.heading(level, "第二部分 预算项目绩效目标");
        for (i, p) in projects.projects.iter().enumerate() {
            self.heading(level + 1, &format!("{}、{}绩效目标表", i + 1, escape(&p.name.value)));
            self.project(i, p);
        }
    }

    fn project(&mut self, index: usize, p: &Project) {
        if let Some(unit) = &p.unit {
            self.line(&escape(unit));
        }
        let mut facts: Vec<String> = Vec::new();
        if let Some(code) = &p.code {
            facts.push(format!("项目编码：{}", escape(&code.value)));
        }
        if p.has_budget {
            let fact = |what: &str| {
                let id = format!("project.{}.{what}", index + 1);
                let text = self.facts.get(&id).map(|f| f.text()).unwrap_or_default();
                markers::mark(&id, &text)
            };
            facts.push(format!(
                "预算数：{}万元（其中：财政资金{}万元，其他资金{}万元）",
                fact("budget"),
                fact("fiscal"),
                fact("other"),
            ));
        }
        if let Some(use_of_funds) = &p.use_of_funds {
            facts.push(format!("资金用途：{}", escape(use_of_funds)));
        }
        for f in facts {
            self.line(&f);
        }
        if let Some(plan) = &p.spending_plan {
            let cells: Vec<String> = plan
                .iter()
                .map(|c| {
                    c.as_ref()
                        .map_or_else(String::new, |v| format!("{}%", v.value.normalize()))
                })
                .collect();
            self.line("资金支出计划（%）：");
            let _ = writeln!(
                self.out,
                "| 3月底 | 6月底 | 10月底 | 12月底 |\n|---|---|---|---|\n| {} |\n",
                cells.join(" | ")
            );
        }
        if !p.goals.is_empty() {
            self.line("绩效目标：");
            for g in &p.goals {
                self.line(&escape(&g.value));
            }
        }
        if !p.indicators.is_empty() {
            self.out.push_str("| 一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据 |\n|---|---|---|---|---|---|\n");
            for ind in &p.indicators {
                let cells = [
                    &ind.level1,
                    &ind.level2,
                    &ind.name,
                    &ind.description,
                    &ind.value.value,
                    &ind.basis,
                ];
                let cells: Vec<String> = cells.iter().map(|c| escape(c)).collect();
                let _ = writeln!(self.out, "| {} |", cells.join(" | "));
            }
            self.out.push('\n');
        }
    }

    fn procurement(&mut self) {
        self.templated("procurement");
        if let Some(table) = self.derived.procurement.clone() {
            self.line(&format!("**{}**", table.title));
            let u = &self.d.unit;
            self.line(&format!("{}{}", u.code, escape(&u.name)));
            self.line("单位：万元");
            self.table(&table, false, true);
        }
    }

    fn assets(&mut self) {
        self.templated("assets");
        if let Some(table) = self.derived.assets.clone() {
            self.line(&format!("**{}**", table.title));
            let u = &self.d.unit;
            self.line(&format!("{}{}", u.code, escape(&u.name)));
            if let Some(as_of) = self.d.assets.as_ref().and_then(|a| a.as_of.clone()) {
                self.line(&format!("截止时间：{}", escape(&as_of)));
            }
            self.table(&table, false, true);
        }
    }

    fn glossary(&mut self) {
        if self.has_override("glossary") {
            self.templated("glossary");
            return;
        }
        let entries = self.d.narrative.glossary.clone();
        let mut joined = String::new();
        for (i, (term, definition)) in entries.iter().enumerate() {
            let line = format!("{}、{}：{}", i + 1, escape(&term.value), escape(&definition.value));
            joined.push_str(&line);
            joined.push('\n');
            self.line(&line);
        }
        self.sections.push(("glossary".into(), joined));
    }

    fn other(&mut self) {
        self.text_section("other", |b| b.d.narrative.other_matters.clone());
    }

    /// A year that publishes only performance targets (the newer separate layout).
    fn performance_only(&mut self) {
        self.department_performance(2);
        self.project_tables(2);
    }
}

/// Column labels as printed.
fn display_header(column: &str) -> &str {
    match column {
        "收入预算数" | "支出预算数" => "预算数",
        "收入金额" => "金额",
        "支出合计" => "合计",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut of `push_escaped` takes only text the full escape would
    /// leave unchanged.
    #[test]
    fn plain_text_shortcut_agrees_with_the_full_escape() {
        let cases = [
            "",
            "办公费",
            "2010101",
            "1. 项目",
            "1.5万元",
            "12)",
            "3",
            " 前导空格",
            "尾随全角空格\u{3000}",
            "- 列表",
            "# 标题",
            "a_b",
            "a|b",
            "两行\n文字",
            "回车\r",
            "<b>",
            "~",
            "> 引用",
            "=",
            "+1",
            "（一）机构设置",
        ];
        for case in cases {
            let mut full = String::new();
            escape_lines(&mut full, case);
            if needs_no_escape(case) {
                assert_eq!(full, case, "{case:?} was taken as plain but escapes to {full:?}");
            }
            assert_eq!(escape(case), full, "{case:?}");
        }
        assert!(needs_no_escape("办公费") && needs_no_escape("2010101"));
        assert!(!needs_no_escape("1. 项目") && !needs_no_escape("a_b"));
    }
}
