//! Writing content: the model back to the YAML of its files, with Chinese
//! comments that explain each field. The declaration of the files
//! ([`crate::files`]) writes each file with these (`rollover` every file of
//! next year's draft, `new` its `unit.yaml`); the importer writes
//! `organisation.yaml` with [`organisation`] and `published.yaml` with
//! [`published`], and `diff
//! --write-corrections` a notice with [`corrections_head`] and
//! [`correction`].
//!
//! What a file's model holds is written, and nothing else, so a written file
//! loads back to the same model. Text goes through the one YAML writer
//! ([`crate::yaml`]): labels plain when that is safe, prose always quoted,
//! so no text can change the structure of a file. Amounts are written
//! exactly, in the unit the folder declares.

use crate::yaml::{Value, Writer};
use gongkai_model::amount::{Amount, AmountUnit, format_wan};
use gongkai_model::disclosure::*;
use rust_decimal::Decimal;

/// An amount in a file's unit, exactly (`~` for none).
pub(crate) fn amount(value: Option<Amount>, unit: AmountUnit) -> Value {
    match value {
        None => Value::null(),
        Some(a) => Value::number(&match unit {
            AmountUnit::Wan => format_wan((a.yuan / Decimal::from(10_000)).round_dp(2)),
            AmountUnit::Yuan => format!("{:.2}", a.yuan),
        }),
    }
}

/// A typed amount in the file's unit (`~` for none).
fn fact(f: &Option<Fact>, unit: AmountUnit) -> Value {
    amount(f.as_ref().map(|f| f.value), unit)
}

/// A quantity (`~` for none).
fn decimal(d: &Option<Located<Decimal>>) -> Value {
    Value::opt_number(d.as_ref().map(|d| d.value.normalize().to_string()).as_deref())
}

/// The `amount_unit` line of a file.
fn amount_unit(w: &mut Writer, unit: AmountUnit) {
    w.key(0, "amount_unit", Value::text(unit.label()), None);
}

/// `unit.yaml`. The department code is always quoted (it is text: leading
/// zeros stay).
pub(crate) fn unit(u: &Unit) -> String {
    let mut w = Writer::new();
    w.comment(0, "部门基本信息：各表表头的“部门编码+名称、预算年度、单位”")
        .key(0, "code", Value::quoted(&u.code), Some("部门编码"))
        .key(0, "name", Value::text(&u.name), Some("部门全称"))
        .key(
            0,
            "level",
            Value::text(&u.level),
            Some("省级 / 市级 / 县级 / 区级 / 乡镇级"),
        );
    if let Some(p) = &u.province {
        w.key(0, "province", Value::text(p), None);
    }
    w.key(0, "locality", Value::text(&u.locality), Some("所在地区")).key(
        0,
        "year",
        Value::int(u.year),
        Some("预算年度"),
    );
    if let Some(region) = &u.region {
        w.key(0, "region", Value::quoted(region), Some("区划代码"));
    }
    if u.phase != gongkai_model::identity::Phase::Budget {
        w.key(0, "phase", Value::text(u.phase.label()), Some("预算 / 决算"));
    }
    if let gongkai_model::identity::Scope::Unit(unit_code) = &u.scope {
        w.key(0, "scope", Value::text("单位"), Some("部门（汇总）/ 单位")).key(
            0,
            "unit_code",
            Value::quoted(unit_code),
            Some("单位编码"),
        );
    }
    w.key(
        0,
        "amount_unit",
        Value::text(u.amount_unit.label()),
        Some("金额单位：万元（最多两位小数）或 元"),
    );
    w.finish()
}

/// `functions.yaml`.
pub(crate) fn functions(f: &Functions, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "部门预算支出（按支出功能分类科目）：只填最末级科目，类、款和合计由程序计算。",
    )
    .comment(
        0,
        "source 为资金来源（默认 一般公共预算）；basic 基本支出，project 项目支出，",
    )
    .comment(
        0,
        "operating 经营支出，remit 上解上级支出，subsidy 对附属单位补助支出。",
    );
    amount_unit(&mut w, unit);
    if !f.year_end_carryover.is_empty() {
        w.open(0, "year_end_carryover");
        for (source, a) in &f.year_end_carryover {
            let item = Value::map([
                ("source", Value::text(source.label())),
                ("amount", amount(Some(a.value), unit)),
            ]);
            w.item(1, item, None);
        }
    }
    w.list(0, "rows", f.rows.iter().map(|r| function_row(r, unit)));
    w.finish()
}

/// A row of `functions.yaml` as a flow mapping.
fn function_row(r: &FunctionRow, unit: AmountUnit) -> Value {
    let mut entries = Vec::new();
    if let Some(code) = &r.code {
        entries.push(("code", Value::text(&code.value)));
    }
    if let Some(name) = &r.name {
        entries.push(("name", Value::text(&name.value)));
    }
    if r.source != Source::General {
        entries.push(("source", Value::text(r.source.label())));
    }
    for (key, value) in ["basic", "project", "operating", "remit", "subsidy"]
        .into_iter()
        .zip(&r.amounts)
    {
        if value.is_some() {
            entries.push((key, fact(value, unit)));
        }
    }
    Value::map(entries)
}

/// `economic.yaml`.
pub(crate) fn economic(e: &Economic, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(0, "一般公共预算财政拨款基本支出（按经济分类科目，表6）：只填款级科目。")
        .comment(0, "personnel 人员经费，public 公用经费（机关运行经费）。");
    amount_unit(&mut w, unit);
    w.list(
        0,
        "rows",
        e.rows.iter().map(|r| {
            let mut entries = Vec::new();
            if let Some(code) = &r.code {
                entries.push(("code", Value::text(&code.value)));
            }
            if let Some(name) = &r.name {
                entries.push(("name", Value::text(&name.value)));
            }
            if r.personnel.is_some() {
                entries.push(("personnel", fact(&r.personnel, unit)));
            }
            if r.public.is_some() {
                entries.push(("public", fact(&r.public, unit)));
            }
            Value::map(entries)
        }),
    );
    w.finish()
}

/// A 三公 row's amounts by fund, the absent ones left out.
fn funds(f: &FundFacts, unit: AmountUnit) -> Value {
    Value::map(
        ["general", "gov_fund", "state_capital"]
            .into_iter()
            .zip(&f.0)
            .filter(|(_, v)| v.is_some())
            .map(|(k, v)| (k, fact(v, unit))),
    )
}

/// `sangong.yaml`.
pub(crate) fn sangong(s: &Sangong, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "财政拨款“三公”经费（表9）：按资金性质填列，general 一般公共预算，gov_fund 政府性基金，state_capital 国有资本经营。",
    );
    amount_unit(&mut w, unit);
    for (key, label, f) in [
        ("abroad_teaching", "教学科研人员因公出国（境）费", &s.abroad_teaching),
        ("abroad_other", "其他因公出国（境）费", &s.abroad_other),
        ("car_purchase", "公务用车购置费", &s.car_purchase),
        ("car_running", "公务用车运行维护费", &s.car_running),
        ("reception", "公务接待费", &s.reception),
    ] {
        w.key(0, key, funds(f, unit), Some(label));
    }
    for (key, label, f) in [
        ("meeting", "会议费", &s.meeting),
        ("training", "培训费", &s.training),
        ("abroad", "因公出国（境）费（申报值）", &s.declared_abroad),
        ("car", "公务用车购置及运行维护费（申报值）", &s.declared_car),
        ("subtotal", "“三公”经费小计（申报值）", &s.declared_subtotal),
        ("total", "合计（申报值）", &s.declared_total),
    ] {
        if let Some(f) = f {
            w.key(0, key, funds(f, unit), Some(label));
        }
    }
    w.finish()
}

/// `projects.yaml`.
pub(crate) fn projects(p: &Projects, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "预算项目及绩效目标。budget：fiscal 财政资金，other 其他资金；spending_plan 为累计支出进度（%）。",
    )
    .comment(
        0,
        "indicators 每行六格：[一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]，前两格留空（~）表示同上一行。",
    );
    amount_unit(&mut w, unit);
    if p.projects.is_empty() {
        w.list(0, "projects", []);
    } else {
        w.open(0, "projects");
    }
    for p in &p.projects {
        project(&mut w, p, unit);
    }
    w.finish()
}

/// One project of `projects.yaml`.
fn project(w: &mut Writer, p: &Project, unit: AmountUnit) {
    w.item_key(1, "name", Value::text(&p.name.value), None);
    if let Some(code) = &p.code {
        w.key(2, "code", Value::text(&code.value), None);
    }
    if let Some(u) = &p.unit {
        w.key(2, "unit", Value::text(u), None);
    }
    if let Some(f) = &p.function_code {
        w.key(2, "function_code", Value::text(&f.value), None);
    }
    if p.has_budget {
        let mut budget = vec![("fiscal", fact(&p.fiscal, unit)), ("other", fact(&p.other, unit))];
        if p.declared_budget.is_some() {
            budget.push(("total", fact(&p.declared_budget, unit)));
        }
        w.key(2, "budget", Value::map(budget), None);
    }
    if let Some(u) = &p.use_of_funds {
        w.key(2, "use_of_funds", Value::quoted(u), None);
    }
    if let Some(plan) = &p.spending_plan {
        let cell = |c: &Option<Located<Decimal>>| match c {
            Some(v) => Value::text(&format!("{}%", v.value.normalize())),
            None => Value::null(),
        };
        let plan = Value::map([
            ("march", cell(&plan[0])),
            ("june", cell(&plan[1])),
            ("october", cell(&plan[2])),
            ("december", cell(&plan[3])),
        ]);
        w.key(2, "spending_plan", plan, None);
    }
    w.list(2, "goals", p.goals.iter().map(|g| Value::quoted(&g.value)));
    // An indicator repeats the levels of the row above as `~` (a merged cell).
    let (mut l1, mut l2) = ("", "");
    let rows: Vec<Value> = p
        .indicators
        .iter()
        .map(|i| {
            let same1 = i.level1 == l1;
            let first = if same1 { Value::null() } else { Value::text(&i.level1) };
            let second = if same1 && i.level2 == l2 {
                Value::null()
            } else {
                Value::text(&i.level2)
            };
            (l1, l2) = (&i.level1, &i.level2);
            Value::seq([
                first,
                second,
                Value::text(&i.name),
                Value::text(&i.description),
                Value::text(&i.value.value),
                Value::text(&i.basis),
            ])
        })
        .collect();
    w.list(2, "indicators", rows);
}

/// The keys of a procurement line's fund columns, in [`PROCUREMENT_FUNDS`] order.
pub const PROCUREMENT_FUND_KEYS: [&str; 7] = [
    "general",
    "gov_fund",
    "state_capital",
    "special_account",
    "unit_funds",
    "carryover_appropriation",
    "carryover_other",
];

/// `procurement.yaml`.
pub(crate) fn procurement(p: &Procurement, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "政府采购预算：每行一个采购品目；金额按资金来源分列，合计由程序计算。",
    );
    amount_unit(&mut w, unit);
    if let Some(note) = &p.note {
        w.key(0, "note", Value::quoted(note), None);
    }
    if p.declared_total.is_some() {
        w.key(0, "total", fact(&p.declared_total, unit), Some("合计（申报值）"));
    }
    if p.declared_small_firms.is_some() {
        w.key(
            0,
            "total_small_firms",
            fact(&p.declared_small_firms, unit),
            Some("合计预留中小微企业份额（申报值）"),
        );
    }
    if p.lines.is_empty() {
        w.list(0, "lines", []);
    } else {
        w.open(0, "lines");
    }
    for l in &p.lines {
        w.item_key(1, "project", Value::text(&l.project.value), None);
        if let Some(u) = &l.unit {
            w.key(2, "unit", Value::text(u), None);
        }
        if l.declared_project_budget.is_some() {
            w.key(2, "project_budget", fact(&l.declared_project_budget, unit), None);
        }
        w.key(2, "item", Value::text(&l.item), None)
            .key(2, "catalogue", Value::text(&l.catalogue.value), None)
            .key(2, "measure", Value::opt_text(l.measure.as_deref()), None)
            .key(2, "quantity", decimal(&l.quantity), None)
            .key(2, "unit_price", fact(&l.unit_price, unit), None);
        for (key, value) in PROCUREMENT_FUND_KEYS.into_iter().zip(&l.funds) {
            if value.is_some() {
                w.key(2, key, fact(value, unit), None);
            }
        }
        if l.small_firms.is_some() {
            w.key(2, "small_firms", fact(&l.small_firms, unit), None);
        }
    }
    w.finish()
}

/// `assets.yaml`.
pub(crate) fn assets(a: &Assets, unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(0, "固定资产占用情况（上年末）：数量与价值；资产总额由程序计算。");
    amount_unit(&mut w, unit);
    w.key(0, "as_of", Value::opt_text(a.as_of.as_deref()), None);
    if a.declared_total.is_some() {
        w.key(0, "total", fact(&a.declared_total, unit), Some("资产总额（申报值）"));
    }
    for ((key, label), line) in [
        ("buildings", "房屋（平方米）"),
        ("office_buildings", "其中：办公用房（平方米）"),
        ("vehicles", "车辆（台、辆）"),
        ("equipment", "单价在20万元以上的设备"),
        ("other", "其他固定资产"),
    ]
    .into_iter()
    .zip(&a.lines)
    {
        let line = Value::map([
            ("quantity", decimal(&line.quantity)),
            ("value", fact(&line.value, unit)),
        ]);
        w.key(0, key, line, Some(label));
    }
    if a.declared_planned_purchase.is_some() {
        w.key(
            0,
            "planned_purchase",
            fact(&a.declared_planned_purchase, unit),
            Some("本年度拟购置固定资产总额（申报值）"),
        );
    }
    if let Some(note) = &a.note {
        w.key(0, "note", Value::quoted(note), None);
    }
    w.finish()
}

/// `organisation.yaml`.
pub fn organisation(units: &[OrgUnit]) -> String {
    let mut w = Writer::new();
    w.comment(0, "部门机构设置情况：单位名称、单位性质、单位规格、经费保障形式。");
    w.list(
        0,
        "units",
        units.iter().map(|u| {
            Value::map([
                ("code", Value::opt_text(u.code.as_deref())),
                ("name", Value::text(&u.name)),
                ("kind", Value::opt_text(u.kind.as_deref())),
                ("rank", Value::opt_text(u.rank.as_deref())),
                ("funding", Value::opt_text(u.funding.as_deref())),
            ])
        }),
    );
    w.finish()
}

/// `narrative.yaml`. Without reasons of the year-on-year change, their
/// keys are written empty, to be filled in.
pub(crate) fn narrative(n: &Narrative) -> String {
    fn paragraphs(w: &mut Writer, level: usize, key: &'static str, list: &[Located<String>]) {
        if !list.is_empty() {
            w.list(level, key, list.iter().map(|p| Value::quoted(&p.value)));
        }
    }
    fn one(w: &mut Writer, key: &'static str, v: &Option<Located<String>>) {
        if let Some(v) = v {
            w.key(0, key, Value::quoted(&v.value), None);
        }
    }
    let mut w = Writer::new();
    w.comment(
        0,
        "情况说明中不含数字的文字。数字一律由程序从表中引用，请勿在文字中手写金额。",
    );
    paragraphs(&mut w, 0, "preamble", &n.preamble);
    paragraphs(&mut w, 0, "duties", &n.duties);
    paragraphs(&mut w, 0, "overview", &n.overview);
    one(&mut w, "project_purposes", &n.project_purposes);
    let reasons = [
        ("total", &n.change_reason_total),
        ("basic", &n.change_reason_basic),
        ("project", &n.change_reason_project),
    ];
    if reasons.iter().any(|(_, r)| r.is_some()) {
        w.open(0, "change_reasons");
        for (key, r) in reasons {
            let value = r.as_ref().map_or_else(Value::null, |r| Value::quoted(&r.value));
            w.key(1, key, value, None);
        }
    } else {
        w.comment(0, "比上年增减的原因（请按本年度情况填写）：").key(
            0,
            "change_reasons",
            Value::map(reasons.map(|(key, _)| (key, Value::null()))),
            None,
        );
    }
    match &n.sangong_change {
        Some(_) => one(&mut w, "sangong_change", &n.sangong_change),
        None => {
            w.comment(0, "sangong_change: \"“三公”经费增减的原因\"");
        }
    }
    one(&mut w, "running_costs_use", &n.running_costs_use);
    if !n.performance_overall.is_empty() || !n.performance_sub_goals.is_empty() || !n.performance_safeguards.is_empty()
    {
        w.open(0, "performance");
        paragraphs(&mut w, 1, "overall", &n.performance_overall);
        if !n.performance_sub_goals.is_empty() {
            w.open(1, "sub_goals");
            for g in &n.performance_sub_goals {
                let goal = Value::map([
                    ("title", Value::quoted(&g.title.value)),
                    ("goal", Value::quoted(&g.goal.value)),
                    ("indicators", Value::quoted(&g.indicators.value)),
                ]);
                w.item(2, goal, None);
            }
        }
        paragraphs(&mut w, 1, "safeguards", &n.performance_safeguards);
    }
    one(&mut w, "procurement_intro", &n.procurement_intro);
    if !n.glossary.is_empty() {
        w.open(0, "glossary");
        for (term, definition) in &n.glossary {
            let entry = Value::map([
                ("term", Value::quoted(&term.value)),
                ("definition", Value::quoted(&definition.value)),
            ]);
            w.item(1, entry, None);
        }
    }
    paragraphs(&mut w, 0, "other_matters", &n.other_matters);
    w.finish()
}

/// `prior.yaml`: last year's figures for the year-on-year sentences.
pub(crate) fn prior(p: &Prior, unit: AmountUnit) -> String {
    let year = p.year;
    let mut w = Writer::new();
    w.comment(
        0,
        &format!("上年（{year}年）预算数，供“比上年增减”使用；由 gongkai rollover 从{year}年数据生成。"),
    );
    w.key(0, "year", Value::int(year), None);
    for (key, value) in [
        ("total", &p.total),
        ("basic", &p.basic),
        ("project", &p.project),
        ("personnel", &p.personnel),
        ("public", &p.public),
    ] {
        w.key(0, key, fact(value, unit), None);
    }
    let mut sangong = vec![
        ("total", fact(&p.sangong_total, unit)),
        ("abroad", fact(&p.sangong_abroad, unit)),
        ("car_purchase", fact(&p.sangong_car_purchase, unit)),
        ("car_running", fact(&p.sangong_car_running, unit)),
        ("reception", fact(&p.sangong_reception, unit)),
    ];
    for (key, value) in [("meeting", &p.sangong_meeting), ("training", &p.sangong_training)] {
        if value.is_some() {
            sangong.push((key, fact(value, unit)));
        }
    }
    w.key(0, "sangong", Value::map(sangong), None);
    w.finish()
}

/// The head of a new `corrections.yaml`, to which [`correction`] entries are appended.
pub fn corrections_head() -> String {
    let mut w = Writer::new();
    corrections_comment(&mut w);
    w.open(0, "corrections");
    w.finish()
}

/// The comment at the head of `corrections.yaml`.
fn corrections_comment(w: &mut Writer) {
    w.comment(0, "更正说明：每次更正一项，发布时显示在公开文件和网页的开头。");
}

/// One entry of `corrections.yaml`'s `corrections` list.
pub fn correction(c: &Correction) -> String {
    let mut w = Writer::new();
    correction_entry(&mut w, c);
    w.finish()
}

/// One correction notice, an item of `corrections`.
fn correction_entry(w: &mut Writer, c: &Correction) {
    w.item_key(1, "date", Value::quoted(&c.date), None);
    if let Some(note) = &c.note {
        w.key(2, "note", Value::quoted(note), None);
    }
    w.list(2, "changes", c.changes.iter().map(|t| Value::quoted(t)));
}

/// `corrections.yaml`.
pub(crate) fn corrections(list: &[Correction]) -> String {
    let mut w = Writer::new();
    corrections_comment(&mut w);
    if list.is_empty() {
        w.list(0, "corrections", []);
    } else {
        w.open(0, "corrections");
    }
    for c in list {
        correction_entry(&mut w, c);
    }
    w.finish()
}

/// `published.yaml`: each cell with its table, row key, column and the
/// figure as printed (`~` for a cell printed blank).
pub fn published(cells: &[PublishedCell], unit: AmountUnit) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "原表照录：公开文本中各表与按明细计算的表不一致的单元格。检查时逐一比对并报告差异，请核实后更正。",
    );
    amount_unit(&mut w, unit);
    w.open(0, "cells");
    for c in cells {
        w.item_key(1, "table", Value::text(c.table.slug()), Some(c.table.title()))
            .key(2, "row", Value::quoted(&c.row), None)
            .key(2, "column", Value::text(&c.column), None)
            .key(
                2,
                "value",
                fact(&c.value, unit),
                if c.value.is_none() { Some("原表空白") } else { None },
            );
    }
    w.finish()
}
