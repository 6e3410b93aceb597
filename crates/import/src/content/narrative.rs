//! `narrative.yaml`: the text of the explanatory sections that is not a
//! figure — the paragraphs of 一、八、九, the opening of 二, the goals and
//! safeguards of 五, and the non-figure phrases of the figure sentences
//! gongkai regenerates (the purposes of project expenditure, the reasons of
//! the changes, what running costs are for, the sentence after the
//! procurement total). The figure sentences themselves are kept for the
//! trial, which compares them with gongkai's. Text that types an amount is
//! withheld and listed: narrative text may not type figures.

use super::Importer;
use super::changes::{change_at, parse_change, sangong_change};
use crate::document::kinds::is_performance_subheading;
use crate::document::words::{
    after_marker, amount_after, has_list_number, is_short_title, sentences, squeeze, strip_number, trim,
};
use crate::document::{Para, Sec};
use gongkai_content::yaml::{Value, Writer};

/// Reads the explanatory text and writes `narrative.yaml`; `None` when it
/// would hold nothing.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    let n = im.narrative();
    let n = im.withhold_typed_figures(n);
    write(&n)
}

/// `narrative.yaml`, when it holds anything.
fn write(n: &NarrativeOut) -> Option<String> {
    fn list(w: &mut Writer, key: &'static str, comment: &str, items: &[String]) {
        if !items.is_empty() {
            w.blank().comment(0, comment);
            w.list(0, key, items.iter().map(|t| Value::quoted(t)));
        }
    }
    let mut w = Writer::new();
    w.comment(0, "情况说明中的文字部分（非数字）——由 gongkai import 录入。")
        .comment(
            0,
            "含数字的句子（收入、支出、增减、机关运行经费、“三公”、政府采购、国有资产）由程序根据各表生成。",
        );
    list(&mut w, "preamble", "开头段落", &n.preamble);
    list(&mut w, "duties", "一、部门职责", &n.duties);
    list(&mut w, "overview", "二、部门预算安排的总体情况：开头段落", &n.overview);
    if let Some(t) = &n.project_purposes {
        w.blank()
            .comment(0, "2、支出说明：项目支出“主要为……”")
            .key(0, "project_purposes", Value::quoted(t), None);
    }
    if n.change_total.is_some() || n.change_basic.is_some() || n.change_project.is_some() {
        w.comment(0, "3、比上年增减情况：增减原因").open(0, "change_reasons");
        for (key, t) in [
            ("total", &n.change_total),
            ("basic", &n.change_basic),
            ("project", &n.change_project),
        ] {
            if let Some(t) = t {
                w.key(1, key, Value::quoted(t), None);
            }
        }
    }
    if let Some(t) = &n.running_costs_use {
        w.comment(0, "三、机关运行经费：“主要用于……”")
            .key(0, "running_costs_use", Value::quoted(t), None);
    }
    if let Some(t) = &n.sangong_change {
        w.comment(0, "四、“三公”经费：与上年比较的说明")
            .key(0, "sangong_change", Value::quoted(t), None);
    }
    if !n.overall.is_empty() || !n.sub_goals.is_empty() || !n.safeguards.is_empty() {
        w.blank().open(0, "performance");
        if !n.overall.is_empty() {
            w.comment(1, "总体绩效目标");
            w.list(1, "overall", n.overall.iter().map(|t| Value::quoted(t)));
        }
        if !n.sub_goals.is_empty() {
            w.comment(
                1,
                "分项绩效目标：title = 标题，goal = “绩效目标：”后文字，indicators = “绩效指标：”后文字",
            )
            .open(1, "sub_goals");
            for (i, (title, goal, indicators)) in n.sub_goals.iter().enumerate() {
                w.item_key(2, "title", Value::quoted(title), Some(&format!("{}、", i + 1)))
                    .key(3, "goal", Value::quoted(goal), None)
                    .key(3, "indicators", Value::quoted(indicators), None);
            }
        }
        if !n.safeguards.is_empty() {
            w.comment(1, "工作保障措施");
            w.list(1, "safeguards", n.safeguards.iter().map(|t| Value::quoted(t)));
        }
    }
    if let Some(t) = &n.procurement_intro {
        w.blank().comment(0, "六、政府采购预算情况：合计金额之后的句子").key(
            0,
            "procurement_intro",
            Value::quoted(t),
            None,
        );
    }
    if !n.glossary.is_empty() {
        w.blank().comment(0, "八、名词解释").open(0, "glossary");
        for (i, (term, definition)) in n.glossary.iter().enumerate() {
            w.item_key(1, "term", Value::quoted(term), Some(&format!("{}、", i + 1)))
                .key(2, "definition", Value::quoted(definition), None);
        }
    }
    list(&mut w, "other_matters", "九、其他需要说明的事项", &n.other_matters);
    w.has_content().then(|| w.finish())
}

impl Importer<'_> {
    /// The text of the explanatory sections, section by section.
    fn narrative(&mut self) -> NarrativeOut {
        let mut n = NarrativeOut::default();
        let full = !self.doc.tables.is_empty();
        // Preamble: before 一 (the tables part has no paragraphs of its own).
        for (i, p) in self.doc.paragraphs(Sec::Preamble).iter().enumerate() {
            self.used.insert((Sec::Preamble, i));
            n.preamble.push(p.text.clone());
        }
        for (i, p) in self.doc.paragraphs(Sec::Start).iter().enumerate() {
            self.used.insert((Sec::Start, i));
            if full && !is_short_title(&p.text) {
                n.preamble.push(p.text.clone());
            } else {
                self.note(format!(
                    "text before the first section not placed (gongkai prints its own titles): {}",
                    p.text
                ));
            }
        }
        // 一、部门职责
        let mut in_setup = false;
        for (i, p) in self.doc.paragraphs(Sec::Duties).iter().enumerate() {
            self.used.insert((Sec::Duties, i));
            let s = squeeze(&p.text);
            let label = strip_number(&s).to_string();
            if label.starts_with("部门职责") || label.starts_with("主要职责") || label.starts_with("职能职责")
            {
                let rest = p
                    .text
                    .split_once(['：', ':'])
                    .map(|(_, r)| trim(r).to_string())
                    .unwrap_or_default();
                if !rest.is_empty() && label.contains('：') {
                    n.duties.push(rest);
                }
                in_setup = false;
                continue;
            }
            if label.starts_with("机构设置") {
                in_setup = true;
                let rest = p
                    .text
                    .split_once(['：', ':'])
                    .map(|(_, r)| trim(r).to_string())
                    .unwrap_or_default();
                if !rest.is_empty() {
                    self.note(format!(
                        "{}: 机构设置 text not placed (gongkai prints the table): {rest}",
                        Sec::Duties.label()
                    ));
                }
                continue;
            }
            if in_setup || p.after_table {
                self.note(format!("{}: text not placed: {}", Sec::Duties.label(), p.text));
                continue;
            }
            n.duties.push(p.text.clone());
        }
        // 二、总体情况
        let overview = self.doc.paragraphs(Sec::Overview).to_vec();
        let mut part = "overview";
        for (i, p) in overview.iter().enumerate() {
            let s = squeeze(&p.text);
            if has_list_number(&p.text) && is_short_title(&p.text) && s.chars().count() <= 16 {
                part = if s.contains("收入") && !s.contains("支出") {
                    "income"
                } else if s.contains("比上年") || s.contains("增减") {
                    "change"
                } else if s.contains("支出") {
                    "expenditure"
                } else {
                    self.note(format!(
                        "{}: heading `{}` not placed; its text follows",
                        Sec::Overview.label(),
                        p.text
                    ));
                    "unknown"
                };
                self.used.insert((Sec::Overview, i));
                continue;
            }
            self.used.insert((Sec::Overview, i));
            // A figure paragraph without its own sub-heading.
            let kind = match part {
                "overview" if !gongkai_derive::prose::find_literals(&p.text).is_empty() => {
                    overview_kind(&p.text).unwrap_or(part)
                }
                _ => part,
            };
            match kind {
                "overview" => n.overview.push(p.text.clone()),
                "income" => self.regenerated.push(("income", Sec::Overview, p.text.clone())),
                "expenditure" => {
                    if let Some(purposes) = after_marker(&p.text, "项目支出", &["主要为", "主要用于", "主要是"])
                    {
                        n.project_purposes = Some(purposes);
                    }
                    self.regenerated.push(("expenditure", Sec::Overview, p.text.clone()));
                }
                "change" => {
                    let reasons = parse_change(&p.text, self.unit.year).1;
                    n.change_total = reasons.total_reason;
                    n.change_basic = reasons.basic_reason;
                    n.change_project = reasons.project_reason;
                    self.regenerated.push(("change", Sec::Overview, p.text.clone()));
                }
                _ => self.note(format!("{}: text not placed: {}", Sec::Overview.label(), p.text)),
            }
        }
        // 三、机关运行经费
        for (i, p) in self.doc.paragraphs(Sec::RunningCosts).iter().enumerate() {
            self.used.insert((Sec::RunningCosts, i));
            if let Some(use_) = after_marker(&p.text, "", &["主要用于"]) {
                n.running_costs_use.get_or_insert(use_);
            }
            self.regenerated
                .push(("running-costs", Sec::RunningCosts, p.text.clone()));
        }
        // 四、“三公”
        for (i, p) in self.doc.paragraphs(Sec::Sangong).iter().enumerate() {
            self.used.insert((Sec::Sangong, i));
            if let Some(change) = sangong_change(&p.text) {
                let text = match change.delta {
                    None => Some(change.sentence.clone()),
                    Some(_) => change.reason.clone(),
                };
                if let Some(t) = text.filter(|t| !t.is_empty()) {
                    n.sangong_change = Some(t);
                }
            }
            self.regenerated.push(("sangong", Sec::Sangong, p.text.clone()));
        }
        // 五、绩效
        let mut mode = "intro";
        let mut goal: Option<(String, String, String)> = None;
        let perf = self.doc.paragraphs(Sec::Performance).to_vec();
        for (i, p) in perf.iter().enumerate() {
            self.used.insert((Sec::Performance, i));
            let s = squeeze(&p.text);
            if is_performance_subheading(strip_number(&s)) || is_performance_subheading(&s) {
                if let Some(g) = goal.take() {
                    n.sub_goals.push(g);
                }
                mode = if s.contains("总体") || s.contains("整体") {
                    "overall"
                } else if s.contains("分项") {
                    "sub"
                } else {
                    "safeguards"
                };
                continue;
            }
            match mode {
                "overall" => n.overall.push(p.text.clone()),
                "safeguards" => n.safeguards.push(p.text.clone()),
                "sub" => {
                    if let Some(rest) = s.strip_prefix("绩效目标：").or_else(|| s.strip_prefix("绩效目标:")) {
                        let _ = rest;
                        let text = p
                            .text
                            .split_once(['：', ':'])
                            .map(|(_, r)| trim(r).to_string())
                            .unwrap_or_default();
                        match goal.as_mut() {
                            Some(g) if g.1.is_empty() => g.1 = text,
                            _ => self.note(format!(
                                "{}: 分项绩效目标 text not placed: {}",
                                Sec::Performance.label(),
                                p.text
                            )),
                        }
                    } else if s.starts_with("绩效指标：") || s.starts_with("绩效指标:") {
                        let text = p
                            .text
                            .split_once(['：', ':'])
                            .map(|(_, r)| trim(r).to_string())
                            .unwrap_or_default();
                        match goal.as_mut() {
                            Some(g) if g.2.is_empty() => g.2 = text,
                            _ => self.note(format!(
                                "{}: 分项绩效目标 text not placed: {}",
                                Sec::Performance.label(),
                                p.text
                            )),
                        }
                    } else if has_list_number(&p.text) && is_short_title(&p.text) && !p.text.contains('：') {
                        if let Some(g) = goal.take() {
                            n.sub_goals.push(g);
                        }
                        goal = Some((strip_number(&p.text).to_string(), String::new(), String::new()));
                    } else {
                        self.note(format!(
                            "{}: 分项绩效目标 text not placed: {}",
                            Sec::Performance.label(),
                            p.text
                        ));
                    }
                }
                _ => self.note(format!("{}: text not placed: {}", Sec::Performance.label(), p.text)),
            }
        }
        if let Some(g) = goal.take() {
            n.sub_goals.push(g);
        }
        // 六、政府采购
        for (i, p) in self.doc.paragraphs(Sec::Procurement).iter().enumerate() {
            self.used.insert((Sec::Procurement, i));
            if p.after_table {
                self.note(format!(
                    "{}: text below the table not placed: {}",
                    Sec::Procurement.label(),
                    p.text
                ));
                continue;
            }
            let mut intro = String::new();
            let mut figures = String::new();
            for sentence in sentences(&p.text) {
                if amount_after(&sentence, 0).is_some() {
                    figures.push_str(&sentence);
                } else {
                    intro.push_str(&sentence);
                }
            }
            if !intro.is_empty() {
                match &mut n.procurement_intro {
                    Some(existing) => existing.push_str(&intro),
                    None => n.procurement_intro = Some(intro),
                }
            }
            self.regenerated.push(("procurement", Sec::Procurement, p.text.clone()));
        }
        // 七、国有资产
        for (i, p) in self.doc.paragraphs(Sec::Assets).iter().enumerate() {
            self.used.insert((Sec::Assets, i));
            if p.after_table {
                self.note(format!(
                    "{}: text below the table not placed: {}",
                    Sec::Assets.label(),
                    p.text
                ));
                continue;
            }
            self.regenerated.push(("assets", Sec::Assets, p.text.clone()));
        }
        // 八、名词解释
        for (i, p) in self.doc.paragraphs(Sec::Glossary).iter().enumerate() {
            self.used.insert((Sec::Glossary, i));
            let body = strip_number(&p.text);
            match body.split_once(['：', ':']) {
                Some((term, definition)) if !trim(term).is_empty() && term.chars().count() <= 30 => {
                    n.glossary.push((trim(term).to_string(), trim(definition).to_string()));
                }
                _ => self.note(format!(
                    "{}: entry without `term：definition` not placed: {}",
                    Sec::Glossary.label(),
                    p.text
                )),
            }
        }
        // 九、其他
        for (i, p) in self.doc.paragraphs(Sec::Other).iter().enumerate() {
            self.used.insert((Sec::Other, i));
            n.other_matters.push(p.text.clone());
        }
        for (i, p) in self.doc.paragraphs(Sec::Unknown).iter().enumerate() {
            self.used.insert((Sec::Unknown, i));
            self.note(format!("{}: text not placed: {}", Sec::Unknown.label(), p.text));
        }
        n
    }

    /// `n` without the texts that type amounts (gongkai forbids them); they are listed.
    fn withhold_typed_figures(&mut self, mut n: NarrativeOut) -> NarrativeOut {
        let mut withheld = Vec::new();
        let mut keep = |field: &str, text: &str| -> bool {
            let literals = gongkai_derive::prose::find_literals(text);
            if literals.is_empty() {
                true
            } else {
                withheld.push(format!(
                    "narrative.yaml {field}: text with typed amounts ({}) not placed, since narrative text may not type figures: {text}",
                    literals.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("、")
                ));
                false
            }
        };
        n.preamble.retain(|t| keep("preamble", t));
        n.duties.retain(|t| keep("duties", t));
        n.overview.retain(|t| keep("overview", t));
        n.overall.retain(|t| keep("performance.overall", t));
        n.safeguards.retain(|t| keep("performance.safeguards", t));
        n.other_matters.retain(|t| keep("other_matters", t));
        n.sub_goals
            .retain(|(a, b, c)| keep("performance.sub_goals", &format!("{a} {b} {c}")));
        n.glossary.retain(|(a, b)| keep("glossary", &format!("{a}：{b}")));
        for (field, slot) in [
            ("project_purposes", &mut n.project_purposes),
            ("change_reasons.total", &mut n.change_total),
            ("change_reasons.basic", &mut n.change_basic),
            ("change_reasons.project", &mut n.change_project),
            ("running_costs_use", &mut n.running_costs_use),
            ("sangong_change", &mut n.sangong_change),
            ("procurement_intro", &mut n.procurement_intro),
        ] {
            if slot.as_ref().is_some_and(|t| !keep(field, t)) {
                *slot = None;
            }
        }
        self.unplaced.extend(withheld);
        n
    }
}

/// What `narrative.yaml` holds.
#[derive(Debug, Default)]
struct NarrativeOut {
    preamble: Vec<String>,
    duties: Vec<String>,
    overview: Vec<String>,
    project_purposes: Option<String>,
    change_total: Option<String>,
    change_basic: Option<String>,
    change_project: Option<String>,
    running_costs_use: Option<String>,
    sangong_change: Option<String>,
    overall: Vec<String>,
    sub_goals: Vec<(String, String, String)>,
    safeguards: Vec<String>,
    procurement_intro: Option<String>,
    glossary: Vec<(String, String)>,
    other_matters: Vec<String>,
}

/// Which figure sentence of 二 a paragraph without sub-heading is.
pub(super) fn overview_kind(text: &str) -> Option<&'static str> {
    let s = squeeze(text);
    if s.contains("比上年")
        || s.contains("较上年")
        || ((s.contains("较20") || s.contains("与20")) && change_at(text, 0).is_some())
    {
        Some("change")
    } else if s.contains("收入") && !s.contains("支出") {
        Some("income")
    } else if s.contains("支出") {
        Some("expenditure")
    } else {
        None
    }
}

/// Paragraphs of a sub-part (`3、比上年增减情况`) of a section: those after a
/// numbered heading containing all of `keys` (any one of them).
pub(super) fn sub_part(paras: &[Para], keys: &[&str]) -> Vec<(usize, String)> {
    let mut inside = false;
    let mut out = Vec::new();
    for (i, p) in paras.iter().enumerate() {
        let s = squeeze(&p.text);
        if has_list_number(&p.text) && is_short_title(&p.text) && s.chars().count() <= 16 {
            inside = keys.iter().any(|k| s.contains(k));
            continue;
        }
        if inside {
            out.push((i, p.text.clone()));
        }
    }
    out
}
