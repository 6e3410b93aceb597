//! `assets.yaml`: 部门固定资产占用情况表 (the table of 七) by category, its
//! 资产总额 kept as a declared total, and the planned purchase of fixed
//! assets the text of 七 states.

use super::Importer;
use crate::document::table::{Num, fit_cells};
use crate::document::words::{amount_after, fmt_as_published, is_number, one_line, row_text, squeeze};
use crate::document::{Kind, Sec};
use gongkai_content::yaml::{Value, Writer};
use std::collections::BTreeMap;

/// Reads the asset table and writes `assets.yaml`; `None` without it.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    let assets = im.assets()?;
    Some(write(&assets, &im.unit.amount_unit))
}

/// The categories of the table, in order.
const CATEGORIES: [&str; 5] = ["buildings", "office_buildings", "vehicles", "equipment", "other"];

/// The asset table as `assets.yaml` holds it.
struct Assets {
    as_of: Option<String>,
    /// The published 资产总额.
    total: Option<Num>,
    /// By category key: quantity (a number or empty), value, the row's label.
    lines: BTreeMap<&'static str, (String, Num, String)>,
    /// 本年度拟购置固定资产总额 as the text writes it.
    planned_purchase: Option<String>,
    note: Option<String>,
}

/// `assets.yaml`.
fn write(a: &Assets, amount_unit: &str) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "部门固定资产占用情况表（“七、国有资产信息”）——由 gongkai import 录入",
    )
    .key(0, "amount_unit", Value::text(amount_unit), None)
    .key(0, "as_of", Value::opt_text(a.as_of.as_deref()), Some("截止时间"));
    if let Some(total) = &a.total {
        w.key(0, "total", total.value(), Some("资产总额（申报值）"));
    }
    for key in CATEGORIES {
        match a.lines.get(key) {
            Some((quantity, value, label)) => {
                let quantity = if quantity.is_empty() {
                    Value::null()
                } else {
                    Value::number(quantity)
                };
                w.key(
                    0,
                    key,
                    Value::map([("quantity", quantity), ("value", value.value())]),
                    Some(label),
                );
            }
            None => {
                let line = Value::map([("quantity", Value::null()), ("value", Value::null())]);
                w.key(0, key, line, Some("（未列示）"));
            }
        }
    }
    if let Some(planned) = &a.planned_purchase {
        w.key(
            0,
            "planned_purchase",
            Value::number(planned),
            Some("本年度拟购置固定资产总额（正文所述，申报值）"),
        );
    }
    if let Some(note) = &a.note {
        w.key(0, "note", Value::quoted(note), None);
    }
    w.finish()
}

impl Importer<'_> {
    /// The asset table, with the planned purchase the text states.
    fn assets(&mut self) -> Option<Assets> {
        let t = self.doc.table(Kind::Assets)?.clone();
        let mut as_of: Option<String> = None;
        for c in t.rows.iter().take(2).flatten() {
            let s = squeeze(c);
            if let Some(pos) = s.find("截止") {
                let rest = &s[pos..];
                let rest = rest
                    .trim_start_matches("截止时间")
                    .trim_start_matches("截止日期")
                    .trim_start_matches("截止");
                let rest = rest.trim_start_matches(['：', ':']);
                if !rest.is_empty() {
                    as_of = Some(rest.to_string());
                }
            }
        }
        // Columns: 数量 and 价值 in header order.
        let head: Vec<String> = t.head_rows().iter().flatten().map(|c| squeeze(c)).collect();
        let qpos = head.iter().position(|c| c.contains("数量"));
        let vpos = head.iter().position(|c| c.contains("价值") || c.contains("金额"));
        let value_first = matches!((qpos, vpos), (Some(q), Some(v)) if v < q);
        let mut lines: BTreeMap<&'static str, (String, Num, String)> = BTreeMap::new();
        let mut total: Option<Num> = None;
        for row in t.data() {
            let label = squeeze(&row[0]);
            let (cells, extra) = fit_cells(&row[1..], 2);
            if !extra.is_empty() {
                self.note(format!(
                    "{}: row `{label}`: cells not placed: {}",
                    t.title,
                    extra.join(" | ")
                ));
            }
            let (quantity, value) = if value_first {
                (&cells[1], &cells[0])
            } else {
                (&cells[0], &cells[1])
            };
            let value_n = Num::of(value);
            if let Num::Bad(text) = &value_n {
                self.note(format!("{}: row `{label}`: value `{text}` is not an amount", t.title));
            }
            let key = if label.contains("资产总额") || label == "合计" {
                if !squeeze(quantity).is_empty() && squeeze(quantity) != "--" {
                    self.note(format!(
                        "{}: 资产总额 quantity `{}` not placed",
                        t.title,
                        one_line(quantity)
                    ));
                }
                total = Some(value_n);
                continue;
            } else if label.contains("办公用房") {
                "office_buildings"
            } else if label.contains("房屋") {
                "buildings"
            } else if label.contains("车辆") {
                "vehicles"
            } else if label.contains("设备") {
                "equipment"
            } else if label.contains("其他") {
                "other"
            } else {
                self.note(format!(
                    "{}: row `{}` is not an asset category; not placed: {}",
                    t.title,
                    one_line(&row[0]),
                    row_text(row)
                ));
                continue;
            };
            let q = squeeze(quantity).replace([',', '，'], "");
            let q = if q.is_empty() || q.chars().all(|c| "-—－".contains(c)) {
                String::new()
            } else if is_number(&q) {
                q
            } else {
                self.note(format!(
                    "{}: row `{label}`: quantity `{q}` is not a number; not placed",
                    t.title
                ));
                String::new()
            };
            lines.insert(key, (q, value_n, one_line(&row[0])));
        }
        // 本年度拟购置固定资产总额为X万元 in the section text.
        let planned_purchase = self.doc.paragraphs(Sec::Assets).iter().find_map(|para| {
            let pos = para.text.find("拟购置固定资产")?;
            let (value, _, _) = amount_after(&para.text, pos)?;
            Some(fmt_as_published(&para.text, value))
        });
        Some(Assets {
            as_of,
            total,
            lines,
            planned_purchase,
            note: t.note.clone(),
        })
    }
}
