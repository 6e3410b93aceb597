//! Checks: the relations of DOMAIN.md that hold between tables and parts of a
//! disclosure (within-table sums are reconciled during derivation, codes
//! during loading).
//!
//! | relation | rule ids |
//! |---|---|
//! | 1 within a table | `total-mismatch`, `total-rounding-tail`, `duplicate-row` (derive) |
//! | 2 收支总表 balances and agrees with 收入/支出总表 | `summary-balance`, `summary-agree` |
//! | 3 财政拨款 tables agree; table 5 基本 = table 6 合计 | `appropriation-agree`, `basic-agree` |
//! | 4 三公 groups add up; ≥ 30231 / 30217 | `total-*` (derive), `sangong-basic` |
//! | 5 机关运行经费 = 公用经费 | by construction: the narrative quotes table 6 |
//! | 7 projects | `project-sum`, `project-code-sum`, `project-budget`, `project-cap`, `spending-plan` |
//! | 8 procurement | `procurement-amount`, `procurement-total`, `procurement-small-firms`, `procurement-project` |
//! | 9 assets | `asset-total`, `asset-purchase`, `asset-office` |
//! | 10 codes and names | `code-unknown` (error), `code-not-in-list`, `code-name`, `code-renamed` (warnings), `code-format` (load) |

use crate::derive::Derived;
use gongkai_model::amount::{Agreement, Amount, compare, format_difference, format_wan, to_wan};
use gongkai_model::diag::{Diagnostics, Loc};
use gongkai_model::disclosure::*;
use gongkai_model::table::TableId;
use rust_decimal::Decimal;

/// Runs every relation the data allows.
pub fn check(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    summary(d, derived, diags);
    appropriation(d, derived, diags);
    basic(d, derived, diags);
    sangong(d, derived, diags);
    projects(d, derived, diags);
    procurement(d, derived, diags);
    assets(d, diags);
    completeness(d, derived, diags);
}

/// A full disclosure (the nine tables and the 情况说明) publishes every
/// section: a file left out drops its section, which is said, not silent.
/// A missing projects.yaml while there is 项目支出 drops the performance
/// tables of real money: an error.
fn completeness(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    if !(d.has_file("functions.yaml") && d.has_file("narrative.yaml")) {
        return;
    }
    let project_spending = derived
        .key
        .expenditure_by_type
        .get(&ExpType::Project)
        .filter(|f| !f.amount.is_zero());
    for (file, section) in [
        ("economic.yaml", "表6 一般公共预算财政拨款基本支出表"),
        ("sangong.yaml", "表9 财政拨款“三公”经费支出表"),
        ("organisation.yaml", "一、部门职责及机构设置情况 (机构设置表)"),
        ("projects.yaml", "五、预算绩效信息"),
        ("procurement.yaml", "六、政府采购预算情况"),
        ("assets.yaml", "七、国有资产信息"),
    ] {
        if d.has_file(file) {
            continue;
        }
        match (file, project_spending) {
            ("projects.yaml", Some(spending)) => {
                diags
                    .error(
                        "project-sum",
                        d.unit.loc.clone(),
                        format!(
                            "there is no projects.yaml, but 项目支出 is {} 万元: the performance tables of its projects would be left out",
                            format_wan(spending.shown)
                        ),
                    )
                    .help = Some("add projects.yaml with the projects that make up 项目支出".into());
            }
            _ => {
                diags
                    .warning(
                        "section-missing",
                        d.unit.loc.clone(),
                        format!("there is no {file}: the document leaves out {section}"),
                    )
                    .help = Some(format!(
                    "add {file}; if the department has nothing to report there, the file says so in its `note` (see docs/schema.md)"
                ));
            }
        }
    }
}

/// Reports when two figures that must agree do not (rounding tails are notes).
fn agree(rule: &'static str, loc: &Loc, what: &str, a: Amount, b: Amount, diags: &mut Diagnostics) {
    match compare(a, b) {
        Agreement::Equal => {}
        Agreement::Tail { difference, .. } => {
            diags.note(
                "total-rounding-tail",
                loc.clone(),
                format!(
                    "{what}: {} and {} differ by a rounding tail (尾差 {})",
                    format_wan(a.wan()),
                    format_wan(b.wan()),
                    format_difference(difference)
                ),
            );
        }
        Agreement::Mismatch { difference, .. } => {
            diags.error(
                rule,
                loc.clone(),
                format!(
                    "{what}: {} ≠ {} (off by {})",
                    format_wan(a.wan()),
                    format_wan(b.wan()),
                    format_difference(difference)
                ),
            );
        }
    }
}

fn functions_loc(d: &Disclosure) -> Loc {
    d.functions
        .as_ref()
        .and_then(|f| f.rows.first().map(|r| r.loc.clone()))
        .unwrap_or_else(|| d.unit.loc.clone())
}

/// Relation 2: the summary table balances and agrees with tables 2 and 3.
fn summary(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let (Some(summary), Some(revenue), Some(expenditure)) = (
        derived.table(TableId::Summary),
        derived.table(TableId::Revenue),
        derived.table(TableId::Expenditure),
    ) else {
        return;
    };
    let loc = functions_loc(d);
    if let (Some(income), Some(spending)) = (
        summary.figure("total", "收入预算数"),
        summary.figure("total", "支出预算数"),
    ) {
        agree(
            "summary-balance",
            &loc,
            "收支总表 收入总计 vs 支出总计",
            income.amount,
            spending.amount,
            diags,
        );
    }
    for row in &summary.rows {
        if row.key.len() == 3 {
            let line = summary
                .figure(&row.key, "支出预算数")
                .map_or(Amount::ZERO, |f| f.amount);
            let table3 = expenditure.figure(&row.key, "合计").map_or(Amount::ZERO, |f| f.amount);
            agree(
                "summary-agree",
                &loc,
                &format!("收支总表 {} vs 支出总表", row.key),
                line,
                table3,
                diags,
            );
        }
    }
    if let (Some(this_year), Some(subtotal)) = (
        summary.figure("this-year", "收入预算数"),
        revenue.figure("total", "本年收入小计"),
    ) {
        let year_end: Amount = d
            .functions
            .as_ref()
            .map(|f| f.year_end_carryover.iter().map(|(_, a)| a.value).sum())
            .unwrap_or_default();
        agree(
            "summary-agree",
            &loc,
            "收支总表 本年收入合计 vs 收入总表 本年收入小计",
            this_year.amount,
            subtotal.amount + year_end,
            diags,
        );
    }
}

/// Relation 3: table 4 agrees with tables 5, 7, 8 per fund and per 类.
fn appropriation(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let Some(t4) = derived.table(TableId::Appropriation) else {
        return;
    };
    let loc = functions_loc(d);
    for (id, column) in [
        (TableId::GeneralBudget, "一般公共预算财政拨款"),
        (TableId::GovFund, "政府性基金预算财政拨款"),
        (TableId::StateCapital, "国有资本经营预算财政拨款"),
    ] {
        let Some(fund_table) = derived.table(id) else {
            continue;
        };
        for row in t4.rows.iter().filter(|r| r.key.len() == 3) {
            let a = t4.figure(&row.key, column).map_or(Amount::ZERO, |f| f.amount);
            let b = fund_table.figure(&row.key, "合计").map_or(Amount::ZERO, |f| f.amount);
            agree(
                "appropriation-agree",
                &loc,
                &format!("财政拨款收支总表 {} {column} vs {}", row.key, id.title()),
                a,
                b,
                diags,
            );
        }
    }
}

/// Relation 3: general-budget basic expenditure (table 5) = table 6 合计.
fn basic(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let (Some(t5_basic), Some(t6_total)) = (&derived.key.general_basic, &derived.key.basic_total) else {
        return;
    };
    let Some(economic) = &d.economic else {
        if !t5_basic.amount.is_zero() {
            diags
                .error(
                    "basic-agree",
                    functions_loc(d),
                    format!(
                        "一般公共预算 basic expenditure is {} but economic.yaml (table 6, by economic code) is missing",
                        format_wan(t5_basic.shown)
                    ),
                )
                .help = Some("add economic.yaml: table 6 breaks this basic expenditure down by economic code".into());
        }
        return;
    };
    // Point at the declared 合计 row when there is one, else the first row.
    let total_row = economic
        .rows
        .iter()
        .find(|r| r.code.is_none())
        .or(economic.rows.first());
    let loc = total_row.map_or_else(|| d.unit.loc.clone(), |r| r.loc.clone());
    agree(
        "basic-agree",
        &loc,
        "一般公共预算基本支出: 表5 基本支出合计 vs 表6 合计",
        t5_basic.amount,
        t6_total.amount,
        diags,
    );
}

/// Relation 4: 三公 car running and reception cover the basic table's 30231 / 30217.
fn sangong(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let Some(s) = &d.sangong else { return };
    let file_loc = s.loc.clone().unwrap_or_else(|| d.unit.loc.clone());
    for (item, facts, code, name) in [
        (SangongItem::CarRunning, &s.car_running, "30231", "公务用车运行维护费"),
        (SangongItem::Reception, &s.reception, "30217", "公务接待费"),
    ] {
        let loc = facts
            .0
            .iter()
            .flatten()
            .next()
            .map_or_else(|| file_loc.clone(), |f| f.loc.clone());
        let (Some(sangong), Some(basic)) = (derived.key.sangong.get(&item), derived.key.economic_by_code.get(code))
        else {
            continue;
        };
        if sangong.amount.yuan < basic.amount.yuan && sangong.shown < basic.shown {
            diags.error(
                "sangong-basic",
                loc.clone(),
                format!(
                    "三公 {name} {} is less than the basic expenditure on {code} {name} {} (三公 covers basic and project spending)",
                    format_wan(sangong.shown),
                    format_wan(basic.shown)
                ),
            );
        }
    }
}

/// Relation 7: projects add up to 项目支出, budgets and caps are consistent,
/// spending plans rise to 100%.
fn projects(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let Some(projects) = &d.projects else { return };
    for p in &projects.projects {
        if let Some(declared) = &p.declared_budget
            && (p.fiscal.is_some() || p.other.is_some())
        {
            agree(
                "project-budget",
                &declared.loc,
                &format!("{} 预算数 vs 财政资金 + 其他资金", p.name.value),
                declared.value,
                p.budget(),
                diags,
            );
        }
        let budget = p.declared_budget.as_ref().map_or_else(|| p.budget(), |f| f.value);
        if p.has_budget {
            for ind in p.indicators.iter().filter(|i| i.level2.contains("成本")) {
                if let Some(cap) = money_cap(&ind.value.value)
                    && to_wan(cap) > budget.wan()
                {
                    diags.error(
                        "project-cap",
                        ind.value.loc.clone(),
                        format!(
                            "cost indicator `{}` of {} caps {} 万元, more than the project's budget {}",
                            ind.name,
                            p.name.value,
                            format_wan(to_wan(cap)),
                            format_wan(budget.wan())
                        ),
                    );
                }
            }
        }
        if let Some(plan) = &p.spending_plan {
            spending_plan(p, plan, diags);
        }
    }
    let Some(project_total) = derived.key.expenditure_by_type.get(&ExpType::Project) else {
        return;
    };
    if projects.projects.is_empty() {
        if !project_total.amount.is_zero() {
            diags
                .error(
                    "project-sum",
                    projects.loc.clone(),
                    format!(
                        "projects.yaml lists no project, but 项目支出 is {} 万元: its performance tables would be left out",
                        format_wan(project_total.shown)
                    ),
                )
                .help = Some("list the projects that make up 项目支出, each with its budget and indicators".into());
        }
        return;
    }
    if !projects.projects.iter().all(|p| p.has_budget) {
        return;
    }
    let first = &projects.projects[0].name.loc;
    let sum: Amount = projects.projects.iter().map(project_budget).sum();
    agree(
        "project-sum",
        first,
        "projects' budgets vs 项目支出 of 支出总表",
        sum,
        project_total.amount,
        diags,
    );
    if projects.projects.iter().all(|p| p.function_code.is_some()) {
        for (code, figure) in derived.key.project_by_code.iter().filter(|(c, _)| c.len() == 7) {
            let sum: Amount = projects
                .projects
                .iter()
                .filter(|p| p.function_code.as_ref().is_some_and(|c| &c.value == code))
                .map(project_budget)
                .sum();
            if !(sum.is_zero() && figure.amount.is_zero()) {
                let under: Option<&Loc> = projects
                    .projects
                    .iter()
                    .find_map(|p| p.function_code.as_ref().filter(|c| &c.value == code).map(|c| &c.loc));
                let row = d.functions.as_ref().and_then(|f| {
                    f.rows
                        .iter()
                        .find(|r| r.code.as_ref().is_some_and(|c| &c.value == code))
                        .map(|r| &r.loc)
                });
                let first = under.or(row).unwrap_or(first);
                agree(
                    "project-code-sum",
                    first,
                    &format!("projects under {code} vs 项目支出 of {code}"),
                    sum,
                    figure.amount,
                    diags,
                );
            }
        }
    }
}

fn project_budget(p: &Project) -> Amount {
    p.declared_budget.as_ref().map_or_else(|| p.budget(), |f| f.value)
}

/// The cap of a money-valued indicator such as `≤35.77万元` or `≤3889元`, in 元;
/// rates such as `≤430元/人/天` are not caps on the budget.
pub(crate) fn money_cap(value: &str) -> Option<Decimal> {
    let v = value.trim();
    let rest = v.strip_prefix('≤').or_else(|| v.strip_prefix("<="))?.trim();
    let (number, factor) = if let Some(n) = rest.strip_suffix("万元") {
        (n, Decimal::from(10_000))
    } else if let Some(n) = rest.strip_suffix('元') {
        (n, Decimal::ONE)
    } else {
        return None;
    };
    number.trim().parse::<Decimal>().ok().map(|n| n * factor)
}

fn spending_plan(p: &Project, plan: &[Option<Located<Decimal>>; 4], diags: &mut Diagnostics) {
    let given: Vec<&Located<Decimal>> = plan.iter().flatten().collect();
    let hundred = Decimal::from(100);
    for pair in given.windows(2) {
        if pair[1].value < pair[0].value {
            diags.error(
                "spending-plan",
                pair[1].loc.clone(),
                format!(
                    "spending plan of {} falls from {}% to {}%; it is cumulative and cannot fall",
                    p.name.value, pair[0].value, pair[1].value
                ),
            );
        }
    }
    if let Some(over) = given.iter().find(|v| v.value > hundred) {
        diags.error(
            "spending-plan",
            over.loc.clone(),
            format!("spending plan of {} exceeds 100% ({}%)", p.name.value, over.value),
        );
    }
    match given.last() {
        Some(last) if last.value != hundred => {
            diags.warning(
                "spending-plan",
                last.loc.clone(),
                format!(
                    "spending plan of {} reaches only {}% by its last date; a plan rises to 100%",
                    p.name.value, last.value
                ),
            );
        }
        None => {
            diags.warning(
                "spending-plan",
                p.name.loc.clone(),
                format!("spending plan of {} is empty", p.name.value),
            );
        }
        _ => {}
    }
}

/// Relation 8: procurement lines.
fn procurement(d: &Disclosure, derived: &Derived, diags: &mut Diagnostics) {
    let Some(proc) = &d.procurement else { return };
    if proc.lines.is_empty() && proc.note.is_none() && proc.declared_total.is_none() {
        diags
            .error(
                "procurement-none",
                proc.loc.clone(),
                "procurement.yaml lists no line and gives no note: an empty table must say why it is empty",
            )
            .help = Some("list the lines; a department with no procurement says so in `note:` (e.g. note: 本部门2022年无政府采购预算。)".into());
    }
    let mut total = Amount::ZERO;
    let mut small_total = Amount::ZERO;
    for line in &proc.lines {
        let amount = line.amount();
        total += amount;
        if let Some(small) = &line.small_firms {
            small_total += small.value;
            if small.value.yuan > amount.yuan {
                diags.error(
                    "procurement-small-firms",
                    small.loc.clone(),
                    format!(
                        "share reserved for small firms {} exceeds the line's amount {}",
                        small.value, amount
                    ),
                );
            }
        }
        if let (Some(q), Some(price)) = (&line.quantity, &line.unit_price) {
            let product = q.value * price.value.yuan;
            let slack = q.value.abs() * price.value.radius + price.value.radius;
            if (product - amount.yuan).abs() > slack {
                diags.error(
                    "procurement-amount",
                    line.loc.clone(),
                    format!(
                        "{}: amount {} ≠ quantity {} × unit price {} = {}",
                        line.item,
                        amount,
                        q.value,
                        price.value,
                        format_wan(to_wan(product))
                    ),
                );
            }
        }
        procurement_project(d, derived, line, diags);
    }
    if let Some(declared) = &proc.declared_total {
        agree(
            "procurement-total",
            &declared.loc,
            "政府采购 合计 vs its lines",
            declared.value,
            total,
            diags,
        );
    }
    if let Some(declared) = &proc.declared_small_firms {
        agree(
            "procurement-total",
            &declared.loc,
            "预留中小微企业份额 合计 vs its lines",
            declared.value,
            small_total,
            diags,
        );
    }
}

fn procurement_project(d: &Disclosure, derived: &Derived, line: &ProcurementLine, diags: &mut Diagnostics) {
    let name = line.project.value.as_str();
    let budget = crate::derive::procurement_source_budget(d, derived.key.public, name);
    let known = name == crate::derive::ROUTINE_PROJECT
        || name == "日常公用经费"
        || d.projects
            .as_ref()
            .is_some_and(|ps| ps.projects.iter().any(|p| p.name.value == name));
    if !known && d.projects.is_some() {
        diags
            .warning(
                "procurement-project",
                line.project.loc.clone(),
                format!("procurement source `{name}` is not a project of projects.yaml"),
            )
            .help = Some(format!(
            "use the project's exact name, or `{}` for routine public expenditure",
            crate::derive::ROUTINE_PROJECT
        ));
    }
    if let (Some(budget), Some(declared)) = (budget, &line.declared_project_budget) {
        agree(
            "procurement-project",
            &declared.loc,
            &format!("预算资金 of `{name}`"),
            declared.value,
            budget,
            diags,
        );
    }
}

/// Relation 9: assets add up; planned purchases appear in procurement.
fn assets(d: &Disclosure, diags: &mut Diagnostics) {
    let Some(assets) = &d.assets else { return };
    let stated = assets.declared_total.is_some() || assets.lines.iter().any(|l| l.value.is_some());
    if !stated && assets.note.is_none() {
        diags
            .error(
                "assets-none",
                assets.loc.clone(),
                "assets.yaml states no figure and no note: the section would say nothing, or print 0.00 where nothing was said",
            )
            .help = Some(
            "give the values at the end of last year; a department with no fixed assets says so in `note:` (e.g. note: 本部门无固定资产。)".into(),
        );
    }
    let total: Amount = AssetCategory::ALL
        .iter()
        .zip(&assets.lines)
        .filter(|(c, _)| c.in_total())
        .filter_map(|(_, l)| l.value.as_ref().map(|v| v.value))
        .sum();
    if let Some(declared) = &assets.declared_total {
        agree(
            "asset-total",
            &declared.loc,
            "资产总额 vs its categories",
            declared.value,
            total,
            diags,
        );
    }
    let [buildings, office, ..] = &assets.lines;
    if let (Some(b), Some(o)) = (&buildings.value, &office.value)
        && o.value.yuan > b.value.yuan
    {
        diags.error(
            "asset-office",
            o.loc.clone(),
            format!("办公用房 {} exceeds 房屋 {} it is part of", o.value, b.value),
        );
    }
    if let (Some(declared), Some(proc)) = (&assets.declared_planned_purchase, &d.procurement) {
        let goods: Amount = proc.lines.iter().filter(|l| l.is_goods()).map(|l| l.amount()).sum();
        agree(
            "asset-purchase",
            &declared.loc,
            "拟购置固定资产 vs procurement goods (catalogue A)",
            declared.value,
            goods,
            diags,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_caps_in_wan_and_yuan_but_not_rates() {
        assert_eq!(money_cap("≤35.77万元"), Some(Decimal::from(357_700)));
        assert_eq!(money_cap("≤3889元"), Some(Decimal::from(3889)));
        assert_eq!(money_cap("≤430元/人/天"), None);
        assert_eq!(money_cap("≥2次"), None);
    }
}
