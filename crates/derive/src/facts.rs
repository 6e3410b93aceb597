//! Facts: the named figures narrative text may quote.
//!
//! Each fact is a figure the model already holds (a table cell, a prior-year
//! figure, or a difference of two of them), under a stable dotted id such as
//! `sangong.total` or `change.project`. Templates and author Markdown refer to
//! facts by id; they never type numbers. A fact that shows in a table carries
//! the cell it comes from, so the portal can link a sentence's figure to it.

use crate::derive::Derived;
use gongkai_model::amount::{Amount, format_wan};
use gongkai_model::disclosure::{Disclosure, Fact as ModelFact, Source};
use gongkai_model::table::{Figure, TableId};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where a fact shows in a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellRef {
    /// The table.
    pub table: TableId,
    /// The row key (see [`gongkai_model::table::Row::key`]).
    pub row: String,
    /// The column label.
    pub column: &'static str,
}

/// A quotable figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactEntry {
    /// The figure, exact, as the table shows it.
    pub figure: Figure,
    /// The table cell showing it, if any.
    pub cell: Option<CellRef>,
    /// What it is, in Chinese, for messages and documentation.
    pub label: &'static str,
}

impl FactEntry {
    /// The 万元 figure as a table prints it: `56.10`.
    pub fn text(&self) -> String {
        format_wan(self.figure.shown)
    }
}

/// The formats a fact may be printed in; each is checked on read-back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Two decimals, as in tables: `56.10`.
    Table,
    /// Trailing zeros dropped, as prose often writes: `56.1`, `0`.
    Short,
    /// Magnitude only (for changes, whose direction a word says): `120.10`.
    AbsTable,
    /// Magnitude, short: `120.1`.
    AbsShort,
}

impl Style {
    /// Every style, for the read-back's list of what a figure may look like.
    pub const ALL: [Style; 4] = [Style::Table, Style::Short, Style::AbsTable, Style::AbsShort];
}

/// Formats a shown 万元 figure in a style.
pub fn format_style(shown: Decimal, style: Style) -> String {
    let value = match style {
        Style::Table | Style::Short => shown,
        Style::AbsTable | Style::AbsShort => shown.abs(),
    };
    match style {
        Style::Table | Style::AbsTable => format_wan(value),
        Style::Short | Style::AbsShort => {
            let v = value.normalize();
            if v.is_zero() { "0".into() } else { v.to_string() }
        }
    }
}

/// Fact namespaces present in every template context, even when empty.
const NAMESPACES: [&str; 10] = [
    "revenue",
    "expenditure",
    "basic",
    "sangong",
    "procurement",
    "assets",
    "project",
    "prior.sangong",
    "change.sangong",
    "text",
];

/// All facts of one disclosure.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    entries: BTreeMap<String, FactEntry>,
}

impl Facts {
    /// The fact with this id (`sangong.total`), when the department-year has it.
    pub fn get(&self, id: &str) -> Option<&FactEntry> {
        self.entries.get(id)
    }

    /// Every fact, by id in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FactEntry)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    fn put(&mut self, id: &str, label: &'static str, figure: Figure, cell: Option<CellRef>) {
        self.entries.insert(id.to_string(), FactEntry { figure, cell, label });
    }

    fn put_cell(
        &mut self,
        derived: &Derived,
        id: &str,
        label: &'static str,
        table: TableId,
        row: &str,
        column: &'static str,
    ) {
        if let Some(figure) = derived.table(table).and_then(|t| t.figure(row, column)) {
            let cell = CellRef {
                table,
                row: row.to_string(),
                column,
            };
            self.put(id, label, *figure, Some(cell));
        }
    }

    /// Collects the facts of a derived disclosure.
    pub fn build(d: &Disclosure, derived: &Derived) -> Facts {
        let mut f = Facts::default();
        use TableId::*;
        f.put_cell(derived, "total", "收支总计", Summary, "total", "收入预算数");
        f.put_cell(
            derived,
            "revenue.this_year",
            "本年收入合计",
            Summary,
            "this-year",
            "收入预算数",
        );
        f.put_cell(
            derived,
            "revenue.carryover",
            "上年结转结余",
            Summary,
            "carryover",
            "收入预算数",
        );
        if let Some(summary) = derived.table(Summary) {
            let lines = [
                ("revenue.general", "一般公共预算拨款收入"),
                ("revenue.gov_fund", "政府性基金预算拨款收入"),
                ("revenue.state_capital", "国有资本经营预算拨款收入"),
                ("revenue.special_account", "财政专户管理资金收入"),
                ("revenue.business", "事业收入"),
                ("revenue.operating", "事业单位经营收入"),
                ("revenue.higher_subsidy", "上级补助收入"),
                ("revenue.affiliated", "附属单位上缴收入"),
                ("revenue.other", "其他收入"),
            ];
            for ((id, label), row) in lines.iter().zip(&summary.rows) {
                let key = row.key.clone();
                f.put_cell(derived, id, label, Summary, &key, "收入预算数");
            }
        }
        let unit_funds: Amount = [
            Source::Business,
            Source::Operating,
            Source::HigherSubsidy,
            Source::Affiliated,
            Source::Other,
        ]
        .iter()
        .filter_map(|s| derived.key.revenue_by_source.get(s).map(|fig| fig.amount))
        .sum();
        if derived.table(Summary).is_some() {
            f.put("revenue.unit_funds", "单位资金收入", Figure::derived(unit_funds), None);
        }
        f.put_cell(derived, "expenditure.total", "支出合计", Expenditure, "total", "合计");
        f.put_cell(
            derived,
            "expenditure.basic",
            "基本支出",
            Expenditure,
            "total",
            "基本支出",
        );
        f.put_cell(
            derived,
            "expenditure.project",
            "项目支出",
            Expenditure,
            "total",
            "项目支出",
        );
        for (id, label, column, figure) in [
            ("basic.total", "一般公共预算基本支出", "合计", derived.key.basic_total),
            ("basic.personnel", "人员经费", "人员经费", derived.key.personnel),
            ("basic.public", "公用经费", "公用经费", derived.key.public),
            ("running_costs", "机关运行经费", "公用经费", derived.key.public),
        ] {
            f.put_cell(derived, id, label, BasicEconomic, "total", column);
            // An empty table 6 still states its figures: zero.
            if let (None, Some(figure)) = (f.get(id), figure) {
                f.put(id, label, figure, None);
            }
        }
        for (id, label, row) in [
            ("sangong.total", "三公经费合计", "total"),
            ("sangong.subtotal", "“三公”经费小计", "subtotal"),
            ("sangong.abroad", "因公出国（境）费", "abroad"),
            (
                "sangong.abroad_teaching",
                "教学科研人员因公出国（境）费",
                "abroad-teaching",
            ),
            ("sangong.abroad_other", "其他因公出国（境）费", "abroad-other"),
            ("sangong.car", "公务用车购置及运维费", "car"),
            ("sangong.car_purchase", "公务用车购置费", "car-purchase"),
            ("sangong.car_running", "公务用车运行维护费", "car-running"),
            ("sangong.reception", "公务接待费", "reception"),
            ("sangong.meeting", "会议费", "meeting"),
            ("sangong.training", "培训费", "training"),
        ] {
            f.put_cell(derived, id, label, Sangong, row, "合计");
        }
        f.put_cell(
            derived,
            "procurement.total",
            "政府采购预算",
            Procurement,
            "total",
            "合计",
        );
        f.put_cell(
            derived,
            "procurement.small_firms",
            "预留中小企业份额",
            Procurement,
            "total",
            "预留中小微企业份额",
        );
        for (id, label, fig) in [
            ("procurement.goods", "货物类采购", derived.key.procurement_goods),
            ("procurement.works", "工程类采购", derived.key.procurement_works),
            ("procurement.services", "服务类采购", derived.key.procurement_services),
            (
                "assets.planned_purchase",
                "拟购置固定资产",
                derived.key.procurement_goods,
            ),
        ] {
            if let Some(fig) = fig {
                f.put(id, label, fig, None);
            }
        }
        f.put_cell(derived, "assets.total", "上年末固定资产金额", Assets, "total", "价值");
        if let Some(projects) = &d.projects {
            for (i, p) in projects.projects.iter().enumerate().filter(|(_, p)| p.has_budget) {
                let budget = p.declared_budget.as_ref().map_or_else(|| p.budget(), |f| f.value);
                let value =
                    |fact: &Option<ModelFact>| Figure::derived(fact.as_ref().map(|f| f.value).unwrap_or_default());
                f.put(
                    &format!("project.{}.budget", i + 1),
                    "项目预算数",
                    Figure::derived(budget),
                    None,
                );
                f.put(&format!("project.{}.fiscal", i + 1), "财政资金", value(&p.fiscal), None);
                f.put(&format!("project.{}.other", i + 1), "其他资金", value(&p.other), None);
            }
        }
        f.prior(d);
        f
    }

    /// Last year's figures and the changes against them.
    fn prior(&mut self, d: &Disclosure) {
        let Some(prior) = &d.prior else { return };
        let pairs: [(&str, &str, &'static str, &'static str, &Option<ModelFact>); 12] = [
            ("total", "total", "上年收支总计", "收支总计增减", &prior.total),
            (
                "basic",
                "expenditure.basic",
                "上年基本支出",
                "基本支出增减",
                &prior.basic,
            ),
            (
                "project",
                "expenditure.project",
                "上年项目支出",
                "项目支出增减",
                &prior.project,
            ),
            (
                "personnel",
                "basic.personnel",
                "上年人员经费",
                "人员经费增减",
                &prior.personnel,
            ),
            ("public", "basic.public", "上年公用经费", "公用经费增减", &prior.public),
            (
                "sangong.total",
                "sangong.subtotal",
                "上年三公经费",
                "三公经费增减",
                &prior.sangong_total,
            ),
            (
                "sangong.abroad",
                "sangong.abroad",
                "上年因公出国（境）费",
                "因公出国（境）费增减",
                &prior.sangong_abroad,
            ),
            (
                "sangong.car_purchase",
                "sangong.car_purchase",
                "上年公务用车购置费",
                "公务用车购置费增减",
                &prior.sangong_car_purchase,
            ),
            (
                "sangong.car_running",
                "sangong.car_running",
                "上年公务用车运行维护费",
                "公务用车运行维护费增减",
                &prior.sangong_car_running,
            ),
            (
                "sangong.reception",
                "sangong.reception",
                "上年公务接待费",
                "公务接待费增减",
                &prior.sangong_reception,
            ),
            (
                "sangong.meeting",
                "sangong.meeting",
                "上年会议费",
                "会议费增减",
                &prior.sangong_meeting,
            ),
            (
                "sangong.training",
                "sangong.training",
                "上年培训费",
                "培训费增减",
                &prior.sangong_training,
            ),
        ];
        for (id, current, prior_label, change_label, fact) in pairs {
            let Some(fact) = fact else { continue };
            let last = Figure {
                amount: fact.value,
                shown: fact.value.wan(),
                declared: true,
            };
            self.put(&format!("prior.{id}"), prior_label, last, None);
            if let Some(now) = self.get(current).map(|e| e.figure) {
                let change = Figure {
                    amount: Amount {
                        yuan: now.amount.yuan - last.amount.yuan,
                        radius: now.amount.radius + last.amount.radius,
                    },
                    shown: now.shown - last.shown,
                    declared: false,
                };
                self.put(&format!("change.{id}"), change_label, change, None);
            }
        }
    }

    /// The facts as a nested map of figures for templates, each figure's
    /// text as `mark(id, text)` makes it (the renderer marks them so they
    /// can be read back).
    pub fn to_context(&self, mark: impl Fn(&str, &str) -> String) -> serde_json::Value {
        fn insert(node: &mut serde_json::Map<String, serde_json::Value>, path: &[&str], value: serde_json::Value) {
            match path {
                [] => {}
                [last] => {
                    node.insert((*last).to_string(), value);
                }
                [first, rest @ ..] => {
                    let child = node
                        .entry((*first).to_string())
                        .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
                    if let Some(map) = child.as_object_mut() {
                        insert(map, rest, value);
                    }
                }
            }
        }
        let mut root = serde_json::Map::new();
        // Namespaces always exist, so templates may test `{% if change.sangong.total %}`.
        for path in NAMESPACES {
            let parts: Vec<&str> = path.split('.').collect();
            insert(&mut root, &parts, serde_json::Value::Object(serde_json::Map::new()));
        }
        for (id, entry) in &self.entries {
            let path: Vec<&str> = id.split('.').collect();
            let marked = mark(id, &entry.text());
            insert(&mut root, &path, serde_json::Value::String(marked));
        }
        serde_json::Value::Object(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_of_a_figure() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(format_style(d("56.10"), Style::Table), "56.10");
        assert_eq!(format_style(d("56.10"), Style::Short), "56.1");
        assert_eq!(format_style(d("0.00"), Style::Short), "0");
        assert_eq!(format_style(d("-120.10"), Style::AbsShort), "120.1");
        assert_eq!(format_style(d("-120.10"), Style::AbsTable), "120.10");
        assert_eq!(format_style(d("2100.32"), Style::Short), "2100.32");
    }
}
