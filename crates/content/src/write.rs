//! Writing content: the model back to YAML files, with Chinese comments that
//! explain each field, for `new` (a blank department-year) and `rollover`
//! (next year's draft from this year's data).
//!
//! Free text is always written as a double-quoted YAML string with escapes, so
//! no text can change the structure of a file. Amounts are written exactly, in
//! the unit the folder declares.

use gongkai_model::amount::{Amount, AmountUnit, format_wan};
use gongkai_model::disclosure::*;
use rust_decimal::Decimal;
use std::fmt::Write as _;

/// A double-quoted YAML scalar.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An amount in a file's unit, exactly (`~` for none).
pub fn amount(value: Option<Amount>, unit: AmountUnit) -> String {
    match value {
        None => "~".into(),
        Some(a) => match unit {
            AmountUnit::Wan => format_wan((a.yuan / Decimal::from(10_000)).round_dp(2)),
            AmountUnit::Yuan => format!("{:.2}", a.yuan),
        },
    }
}

fn fact(f: &Option<Fact>) -> Option<Amount> {
    f.as_ref().map(|f| f.value)
}

fn opt_text(value: &Option<String>) -> String {
    value.as_deref().map_or_else(|| "~".into(), quote)
}

/// `unit.yaml`.
pub fn unit(u: &Unit) -> String {
    let mut out = String::from("# 部门基本信息：各表表头的“部门编码+名称、预算年度、单位”\n");
    let _ = writeln!(out, "code: {}              # 部门编码", quote(&u.code));
    let _ = writeln!(out, "name: {}", quote(&u.name));
    let _ = writeln!(
        out,
        "level: {}             # 省级 / 市级 / 县级 / 区级 / 乡镇级",
        quote(&u.level)
    );
    if let Some(p) = &u.province {
        let _ = writeln!(out, "province: {}", quote(p));
    }
    let _ = writeln!(out, "locality: {}", quote(&u.locality));
    let _ = writeln!(out, "year: {}                # 预算年度", u.year);
    if let Some(region) = &u.region {
        let _ = writeln!(out, "region: {}          # 区划代码", quote(region));
    }
    if u.phase != gongkai_model::identity::Phase::Budget {
        let _ = writeln!(out, "phase: {}               # 预算 / 决算", u.phase.label());
    }
    if let gongkai_model::identity::Scope::Unit(unit_code) = &u.scope {
        let _ = writeln!(out, "scope: 单位               # 部门（汇总）/ 单位");
        let _ = writeln!(out, "unit_code: {}", quote(unit_code));
    }
    let _ = writeln!(
        out,
        "amount_unit: {}       # 金额单位：万元（两位小数）或 元",
        u.amount_unit.label()
    );
    out
}

/// `functions.yaml`: leaf rows only (totals are derived).
pub fn functions(rows: &[&FunctionRow], unit: AmountUnit) -> String {
    let mut out = String::from(
        "# 部门预算支出（按支出功能分类科目）：只填最末级科目，类、款和合计由程序计算。\n\
         # source 为资金来源（默认 一般公共预算）；basic 基本支出，project 项目支出，\n\
         # operating 经营支出，remit 上解上级支出，subsidy 对附属单位补助支出。\n",
    );
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    out.push_str("rows:\n");
    for r in rows {
        let code = r.code.as_ref().map_or("", |c| c.value.as_str());
        let _ = write!(out, "  - {{ code: {code}");
        if let Some(name) = &r.name {
            let _ = write!(out, ", name: {}", quote(&name.value));
        }
        if r.source != Source::General {
            let _ = write!(out, ", source: {}", quote(r.source.label()));
        }
        for (key, value) in ["basic", "project", "operating", "remit", "subsidy"]
            .iter()
            .zip(&r.amounts)
        {
            if value.is_some() {
                let _ = write!(out, ", {key}: {}", amount(fact(value), unit));
            }
        }
        out.push_str(" }\n");
    }
    out
}

/// `economic.yaml`: leaf rows only.
pub fn economic(rows: &[&EconomicRow], unit: AmountUnit) -> String {
    let mut out = String::from(
        "# 一般公共预算财政拨款基本支出（按经济分类科目，表6）：只填款级科目。\n\
         # personnel 人员经费，public 公用经费（机关运行经费）。\n",
    );
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    out.push_str("rows:\n");
    for r in rows {
        let code = r.code.as_ref().map_or("", |c| c.value.as_str());
        let _ = write!(out, "  - {{ code: {code}");
        if let Some(name) = &r.name {
            let _ = write!(out, ", name: {}", quote(&name.value));
        }
        if r.personnel.is_some() {
            let _ = write!(out, ", personnel: {}", amount(fact(&r.personnel), unit));
        }
        if r.public.is_some() {
            let _ = write!(out, ", public: {}", amount(fact(&r.public), unit));
        }
        out.push_str(" }\n");
    }
    out
}

fn funds(f: &FundFacts, unit: AmountUnit) -> String {
    let parts: Vec<String> = ["general", "gov_fund", "state_capital"]
        .iter()
        .zip(&f.0)
        .filter(|(_, v)| v.is_some())
        .map(|(k, v)| format!("{k}: {}", amount(fact(v), unit)))
        .collect();
    format!("{{ {} }}", parts.join(", ")).replace("{  }", "{}")
}

/// `sangong.yaml`: the items only.
pub fn sangong(s: &Sangong, unit: AmountUnit) -> String {
    let mut out = String::from(
        "# 财政拨款“三公”经费（表9）：按资金性质填列，general 一般公共预算，gov_fund 政府性基金，state_capital 国有资本经营。\n",
    );
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    for (key, label, f) in [
        ("abroad_teaching", "教学科研人员因公出国（境）费", &s.abroad_teaching),
        ("abroad_other", "其他因公出国（境）费", &s.abroad_other),
        ("car_purchase", "公务用车购置费", &s.car_purchase),
        ("car_running", "公务用车运行维护费", &s.car_running),
        ("reception", "公务接待费", &s.reception),
    ] {
        let _ = writeln!(out, "{key}: {}   # {label}", funds(f, unit));
    }
    if let Some(m) = &s.meeting {
        let _ = writeln!(out, "meeting: {}   # 会议费", funds(m, unit));
    }
    if let Some(t) = &s.training {
        let _ = writeln!(out, "training: {}   # 培训费", funds(t, unit));
    }
    out
}

/// `projects.yaml`.
pub fn projects(list: &[Project], unit: AmountUnit) -> String {
    let mut out = String::from(
        "# 预算项目及绩效目标。budget：fiscal 财政资金，other 其他资金；spending_plan 为累计支出进度（%）。\n\
         # indicators 每行六格：[一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]，前两格留空（~）表示同上一行。\n",
    );
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    out.push_str("projects:\n");
    for p in list {
        let _ = writeln!(out, "  - name: {}", quote(&p.name.value));
        if let Some(code) = &p.code {
            let _ = writeln!(out, "    code: {}", quote(&code.value));
        }
        if let Some(u) = &p.unit {
            let _ = writeln!(out, "    unit: {}", quote(u));
        }
        if let Some(f) = &p.function_code {
            let _ = writeln!(out, "    function_code: {}", f.value);
        }
        if p.has_budget {
            let _ = writeln!(
                out,
                "    budget: {{ fiscal: {}, other: {} }}",
                amount(fact(&p.fiscal), unit),
                amount(fact(&p.other), unit)
            );
        }
        if let Some(u) = &p.use_of_funds {
            let _ = writeln!(out, "    use_of_funds: {}", quote(u));
        }
        if let Some(plan) = &p.spending_plan {
            let cell = |c: &Option<Located<Decimal>>| {
                c.as_ref()
                    .map_or_else(|| "~".into(), |v| format!("\"{}%\"", v.value.normalize()))
            };
            let _ = writeln!(
                out,
                "    spending_plan: {{ march: {}, june: {}, october: {}, december: {} }}",
                cell(&plan[0]),
                cell(&plan[1]),
                cell(&plan[2]),
                cell(&plan[3])
            );
        }
        out.push_str("    goals:\n");
        for g in &p.goals {
            let _ = writeln!(out, "      - {}", quote(&g.value));
        }
        out.push_str("    indicators:\n");
        let (mut l1, mut l2) = (String::new(), String::new());
        for i in &p.indicators {
            let first = if i.level1 == l1 {
                "~".to_string()
            } else {
                quote(&i.level1)
            };
            let second = if i.level2 == l2 && i.level1 == l1 {
                "~".to_string()
            } else {
                quote(&i.level2)
            };
            l1.clone_from(&i.level1);
            l2.clone_from(&i.level2);
            let _ = writeln!(
                out,
                "      - [{first}, {second}, {}, {}, {}, {}]",
                quote(&i.name),
                quote(&i.description),
                quote(&i.value.value),
                quote(&i.basis)
            );
        }
    }
    out
}

/// `procurement.yaml`.
pub fn procurement(p: &Procurement, unit: AmountUnit) -> String {
    let mut out = String::from("# 政府采购预算：每行一个采购品目；金额按资金来源分列，合计由程序计算。\n");
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    if let Some(note) = &p.note {
        let _ = writeln!(out, "note: {}", quote(note));
    }
    out.push_str("lines:\n");
    const FUNDS: [&str; 7] = [
        "general",
        "gov_fund",
        "state_capital",
        "special_account",
        "unit_funds",
        "carryover_appropriation",
        "carryover_other",
    ];
    for l in &p.lines {
        let _ = writeln!(out, "  - project: {}", quote(&l.project.value));
        if let Some(u) = &l.unit {
            let _ = writeln!(out, "    unit: {}", quote(u));
        }
        let _ = writeln!(out, "    item: {}", quote(&l.item));
        let _ = writeln!(out, "    catalogue: {}", quote(&l.catalogue.value));
        let _ = writeln!(out, "    measure: {}", opt_text(&l.measure));
        let quantity = l
            .quantity
            .as_ref()
            .map_or_else(|| "~".into(), |q| q.value.normalize().to_string());
        let _ = writeln!(out, "    quantity: {quantity}");
        let _ = writeln!(out, "    unit_price: {}", amount(fact(&l.unit_price), unit));
        for (key, value) in FUNDS.iter().zip(&l.funds) {
            if value.is_some() {
                let _ = writeln!(out, "    {key}: {}", amount(fact(value), unit));
            }
        }
        if l.small_firms.is_some() {
            let _ = writeln!(out, "    small_firms: {}", amount(fact(&l.small_firms), unit));
        }
    }
    out
}

/// `assets.yaml`.
pub fn assets(a: &Assets, unit: AmountUnit, as_of: Option<&str>) -> String {
    let mut out = String::from("# 固定资产占用情况（上年末）：数量与价值；资产总额由程序计算。\n");
    let _ = writeln!(out, "amount_unit: {}", unit.label());
    let as_of = as_of.map(str::to_string).or_else(|| a.as_of.clone());
    let _ = writeln!(out, "as_of: {}", opt_text(&as_of));
    for ((key, label), line) in [
        ("buildings", "房屋（平方米）"),
        ("office_buildings", "其中：办公用房（平方米）"),
        ("vehicles", "车辆（台、辆）"),
        ("equipment", "单价在20万元以上的设备"),
        ("other", "其他固定资产"),
    ]
    .iter()
    .zip(&a.lines)
    {
        let quantity = line
            .quantity
            .as_ref()
            .map_or_else(|| "~".into(), |q| q.value.normalize().to_string());
        let _ = writeln!(
            out,
            "{key}: {{ quantity: {quantity}, value: {} }}   # {label}",
            amount(fact(&line.value), unit)
        );
    }
    out
}

/// `organisation.yaml`.
pub fn organisation(units: &[OrgUnit]) -> String {
    let mut out = String::from("# 部门机构设置情况：单位名称、单位性质、单位规格、经费保障形式。\nunits:\n");
    for u in units {
        let _ = writeln!(
            out,
            "  - {{ code: {}, name: {}, kind: {}, rank: {}, funding: {} }}",
            opt_text(&u.code),
            quote(&u.name),
            opt_text(&u.kind),
            opt_text(&u.rank),
            opt_text(&u.funding)
        );
    }
    out
}

fn paragraphs(out: &mut String, key: &str, list: &[Located<String>]) {
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "{key}:");
    for p in list {
        let _ = writeln!(out, "  - {}", quote(&p.value));
    }
}

/// `narrative.yaml`; `keep_reasons` false leaves the year-specific reasons out.
pub fn narrative(n: &Narrative, keep_reasons: bool) -> String {
    let mut out = String::from("# 情况说明中不含数字的文字。数字一律由程序从表中引用，请勿在文字中手写金额。\n");
    paragraphs(&mut out, "preamble", &n.preamble);
    paragraphs(&mut out, "duties", &n.duties);
    paragraphs(&mut out, "overview", &n.overview);
    let one = |out: &mut String, key: &str, v: &Option<Located<String>>| {
        if let Some(v) = v {
            let _ = writeln!(out, "{key}: {}", quote(&v.value));
        }
    };
    one(&mut out, "project_purposes", &n.project_purposes);
    if keep_reasons {
        out.push_str("change_reasons:\n");
        for (key, v) in [
            ("total", &n.change_reason_total),
            ("basic", &n.change_reason_basic),
            ("project", &n.change_reason_project),
        ] {
            let _ = writeln!(
                out,
                "  {key}: {}",
                v.as_ref().map_or_else(|| "~".into(), |v| quote(&v.value))
            );
        }
        one(&mut out, "sangong_change", &n.sangong_change);
    } else {
        out.push_str(
            "# 比上年增减的原因（请按本年度情况填写）：\nchange_reasons: { total: ~, basic: ~, project: ~ }\n",
        );
        out.push_str("# sangong_change: \"“三公”经费增减的原因\"\n");
    }
    one(&mut out, "running_costs_use", &n.running_costs_use);
    if !n.performance_overall.is_empty() || !n.performance_sub_goals.is_empty() || !n.performance_safeguards.is_empty()
    {
        out.push_str("performance:\n");
        if !n.performance_overall.is_empty() {
            out.push_str("  overall:\n");
            for p in &n.performance_overall {
                let _ = writeln!(out, "    - {}", quote(&p.value));
            }
        }
        if !n.performance_sub_goals.is_empty() {
            out.push_str("  sub_goals:\n");
            for g in &n.performance_sub_goals {
                let _ = writeln!(
                    out,
                    "    - {{ title: {}, goal: {}, indicators: {} }}",
                    quote(&g.title.value),
                    quote(&g.goal.value),
                    quote(&g.indicators.value)
                );
            }
        }
        if !n.performance_safeguards.is_empty() {
            out.push_str("  safeguards:\n");
            for p in &n.performance_safeguards {
                let _ = writeln!(out, "    - {}", quote(&p.value));
            }
        }
    }
    one(&mut out, "procurement_intro", &n.procurement_intro);
    if !n.glossary.is_empty() {
        out.push_str("glossary:\n");
        for (term, definition) in &n.glossary {
            let _ = writeln!(
                out,
                "  - {{ term: {}, definition: {} }}",
                quote(&term.value),
                quote(&definition.value)
            );
        }
    }
    paragraphs(&mut out, "other_matters", &n.other_matters);
    out
}

/// `prior.yaml`: last year's figures for the year-on-year sentences.
pub fn prior(p: &Prior) -> String {
    let year = p.year;
    let mut out = format!("# 上年（{year}年）预算数，供“比上年增减”使用；由 gongkai rollover 从{year}年数据生成。\n");
    let _ = writeln!(out, "year: {year}");
    let get = |f: &Option<Fact>| f.as_ref().map_or_else(|| "~".into(), |f| format_wan(f.value.wan()));
    for (key, value) in [
        ("total", &p.total),
        ("basic", &p.basic),
        ("project", &p.project),
        ("personnel", &p.personnel),
        ("public", &p.public),
    ] {
        let _ = writeln!(out, "{key}: {}", get(value));
    }
    let _ = writeln!(
        out,
        "sangong: {{ total: {}, abroad: {}, car_purchase: {}, car_running: {}, reception: {} }}",
        get(&p.sangong_total),
        get(&p.sangong_abroad),
        get(&p.sangong_car_purchase),
        get(&p.sangong_car_running),
        get(&p.sangong_reception)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_text_as_text() {
        assert_eq!(quote("a: b # c"), "\"a: b # c\"");
        assert_eq!(quote("“三公”\"x\"\\"), "\"“三公”\\\"x\\\"\\\\\"");
        assert_eq!(quote("a\nb\u{7}"), "\"a\\nb\\u0007\"");
    }
}
