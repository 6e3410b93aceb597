//! `economic.yaml`: the rows of 一般公共预算财政拨款基本支出表 (table 6) by
//! economic code, parent and 合计 rows kept as declared totals.

use super::{Importer, leaf_keys};
use crate::document::Kind;
use crate::document::table::Num;
use gongkai_content::yaml::{Value, Writer};
use rust_decimal::Decimal;

/// Reads table 6 and writes `economic.yaml`; `None` without it.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    Some(write(&im.economic()?))
}

/// The columns of table 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ec {
    Total,
    Personnel,
    Public,
}

/// A row of `economic.yaml`.
struct Row {
    code: Option<String>,
    name: String,
    personnel: Num,
    public: Num,
    /// 类, 款, 合计, and whether declared: for the comment.
    what: &'static str,
    /// The published 合计 column.
    total: Num,
    /// A 类 or 合计 row: a declared total.
    declared: bool,
}

impl Importer<'_> {
    /// The rows of table 6, the 合计 row first.
    fn economic(&mut self) -> Option<Vec<Row>> {
        let t6 = self.fn_table(
            Kind::Basic,
            &[("人员经费", Ec::Personnel), ("公用经费", Ec::Public)],
            Ec::Total,
            &[Ec::Personnel, Ec::Public],
            true,
        )?;
        let leaves = leaf_keys(&t6.order);
        let mut order = t6.order.clone();
        // The 合计 row first, as in the other files.
        if let Some(i) = order.iter().position(Option::is_none) {
            let total = order.remove(i);
            order.insert(0, total);
        }
        let mut rows = Vec::new();
        for key in &order {
            let personnel = t6.num(key, Ec::Personnel);
            let public = t6.num(key, Ec::Public);
            // A published 合计 column that differs from 人员经费 + 公用经费 is
            // compared by the trial and kept in published.yaml.
            let total = t6.num(key, Ec::Total);
            let what = match key.as_deref().map(str::len) {
                None => "合计（申报值）",
                Some(_) if key.as_ref().is_some_and(|k| !leaves.contains(k)) => "类（申报值）",
                Some(3) => "类",
                _ => "款",
            };
            rows.push(Row {
                code: key.clone(),
                name: t6.names.get(key).map_or("合计", String::as_str).to_string(),
                personnel,
                public,
                what,
                total,
                declared: key.as_ref().is_none_or(|k| !leaves.contains(k)),
            });
        }
        Some(drop_blank_totals(rows))
    }
}

/// The rows without the declared totals (类 and 合计 rows) left blank over
/// figures: a row printed without any figure, or blank in a column where
/// the rows under it have figures, is not declared at all, since a blank is
/// not a declared 0.00. gongkai derives it; the trial keeps its blank cells
/// in published.yaml.
fn drop_blank_totals(rows: Vec<Row>) -> Vec<Row> {
    let under = |total: &Row, column: fn(&Row) -> &Num| -> Decimal {
        rows.iter()
            .filter(|leaf| !leaf.declared)
            .filter(|leaf| match (&total.code, &leaf.code) {
                (None, _) => true,
                (Some(parent), Some(code)) => code.len() > parent.len() && code.starts_with(parent.as_str()),
                (Some(_), None) => false,
            })
            .map(|leaf| column(leaf).dec())
            .sum()
    };
    let columns: [fn(&Row) -> &Num; 2] = [|r| &r.personnel, |r| &r.public];
    let keep: Vec<bool> = rows
        .iter()
        .map(|r| {
            let printed = |column: &fn(&Row) -> &Num| matches!(column(r), Num::Value(_));
            !r.declared || (columns.iter().any(printed) && columns.iter().all(|c| printed(c) || under(r, *c).is_zero()))
        })
        .collect();
    rows.into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect()
}

/// `economic.yaml`.
fn write(rows: &[Row]) -> String {
    let mut w = Writer::new();
    w.comment(0, "一般公共预算财政拨款基本支出（按部门预算支出经济分类科目）——录自表6")
        .comment(
            0,
            "personnel = 人员经费，public = 公用经费。类（3位）和“合计”行为公开数（申报值），供程序核对。",
        )
        .comment(
            0,
            "由 gongkai import 录入；公开数与其明细之和不符时，照录公开数，由程序报告（尾差或错误）。",
        );
    if rows.is_empty() {
        w.list(0, "rows", []);
    } else {
        w.open(0, "rows");
    }
    for r in rows {
        let mut fields = Vec::new();
        if let Some(code) = &r.code {
            fields.push(("code", Value::text(code)));
        }
        fields.push(("name", Value::text(&r.name)));
        if matches!(r.personnel, Num::Value(_)) {
            fields.push(("personnel", r.personnel.value()));
        }
        if matches!(r.public, Num::Value(_)) {
            fields.push(("public", r.public.value()));
        }
        let total = match &r.total {
            Num::Value(v) => v.as_str(),
            _ => "",
        };
        w.item(1, Value::map(fields), Some(&format!("{}，合计栏 {total}", r.what)));
    }
    w.finish()
}
