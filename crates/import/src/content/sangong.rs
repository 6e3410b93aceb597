//! `sangong.yaml`: the rows of 财政拨款“三公”经费支出表 (table 9) by item and
//! fund, the group rows, 小计 and 合计 kept as declared totals; an older
//! table's group printed without its sub-rows is placed and said so.
//!
//! A group, 小计 or 合计 row is declared only where it was printed: a row
//! left blank, or blank in a fund whose items are not zero, is not declared
//! at all (a blank is not a declared 0.00). The trial then keeps its blank
//! cells in `published.yaml`, so `check` warns of them (`published-blank`)
//! and the totals above it are compared with figures, not with a zero.

use super::Importer;
use crate::document::Kind;
use crate::document::table::{Num, fit_cells, resolve_columns};
use crate::document::words::{is_digits, one_line, row_text, squeeze, strip_number};
use gongkai_content::yaml::{Value, Writer};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Reads table 9 and writes `sangong.yaml`; `None` without it (or without a row of it).
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    let lines = im.sangong()?;
    Some(write(&lines, &im.unit.amount_unit))
}

/// A line of `sangong.yaml`: its key, its amounts by fund, its comment.
struct Line {
    key: &'static str,
    funds: Vec<(&'static str, Num)>,
    comment: String,
}

/// `sangong.yaml`.
fn write(lines: &[Line], amount_unit: &str) -> String {
    let mut w = Writer::new();
    w.comment(0, "财政拨款“三公”经费支出（表9）——由 gongkai import 录入")
        .comment(
            0,
            "各明细项为明细；一、二类、“三公”经费小计和合计为公开数（申报值），供程序核对。",
        )
        .key(0, "amount_unit", Value::text(amount_unit), None);
    for l in lines {
        let funds = l.funds.iter().map(|(name, n)| (*name, n.value()));
        w.key(0, l.key, Value::map(funds), Some(&l.comment));
    }
    w.finish()
}

impl Importer<'_> {
    /// The lines of table 9, in the order of `sangong.yaml`.
    fn sangong(&mut self) -> Option<Vec<Line>> {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        enum Fc {
            Total,
            General,
            GovFund,
            StateCapital,
        }
        let t = self.doc.table(Kind::Sangong)?.clone();
        let mut columns = resolve_columns(
            t.head_rows(),
            &[
                ("一般公共预算", Fc::General),
                ("政府性基金", Fc::GovFund),
                ("国有资本", Fc::StateCapital),
            ],
            Some(Fc::Total),
        );
        if columns.len() <= 1 {
            columns = vec![Fc::Total, Fc::General, Fc::GovFund, Fc::StateCapital];
        }
        // key, comment, declared group
        let mut items: Vec<(&'static str, String, BTreeMap<Fc, Num>)> = Vec::new();
        for row in t.data() {
            // The label is the first cell that is not a row number.
            let Some(li) = row.iter().position(|c| {
                let s = squeeze(c);
                !s.is_empty() && !is_digits(&s)
            }) else {
                self.note(format!("{}: row not understood: {}", t.title, row_text(row)));
                continue;
            };
            let label = squeeze(&row[li]);
            let key = sangong_key(&label);
            let (cells, extra) = fit_cells(&row[li + 1..], columns.len());
            let Some(key) = key else {
                self.note(format!(
                    "{}: row `{}` is not a 三公 item; not placed: {}",
                    t.title,
                    one_line(&row[li]),
                    row_text(row)
                ));
                continue;
            };
            if !extra.is_empty() {
                self.note(format!(
                    "{}: row `{label}` has more cells than columns; not placed: {}",
                    t.title,
                    extra.join(" | ")
                ));
            }
            let map: BTreeMap<Fc, Num> = columns.iter().copied().zip(cells.iter().map(|c| Num::of(c))).collect();
            for (c, n) in &map {
                if let Num::Bad(text) = n {
                    self.note(format!(
                        "{}: row `{label}`, column {c:?}: `{text}` is not an amount",
                        t.title
                    ));
                }
            }
            if items.iter().any(|(k, _, _)| *k == key) {
                self.note(format!(
                    "{}: row `{label}` appears twice; the second is not imported: {}",
                    t.title,
                    row_text(row)
                ));
                continue;
            }
            items.push((key, one_line(&row[li]), map));
        }
        if items.is_empty() {
            return None;
        }
        // Older tables print a group without its sub-rows.
        let has = |items: &[(&str, String, BTreeMap<Fc, Num>)], k: &str| items.iter().any(|(key, _, _)| *key == k);
        let nonzero = |items: &[(&str, String, BTreeMap<Fc, Num>)], k: &str| {
            items
                .iter()
                .any(|(key, _, m)| *key == k && m.iter().any(|(c, n)| *c != Fc::Total && !n.is_empty()))
        };
        if nonzero(&items, "abroad") && !has(&items, "abroad_teaching") && !has(&items, "abroad_other") {
            if let Some((_, label, map)) = items.iter().find(|(k, _, _)| *k == "abroad").cloned() {
                items.push((
                    "abroad_other",
                    format!("{label}（表中未分列，记为其他因公出国（境）费）"),
                    map,
                ));
            }
            self.note(format!(
                "{}: 因公出国（境）费 has no sub-rows; its figures are placed as 其他因公出国（境）费 (abroad_other) — move them to abroad_teaching if they are 教学科研人员",
                t.title
            ));
        }
        if nonzero(&items, "car") && !has(&items, "car_purchase") && !has(&items, "car_running") {
            self.note(format!(
                "{}: 公务用车购置及运维费 has no sub-rows; gongkai needs 购置费 and 运行维护费 separately — add `car_purchase`/`car_running` to sangong.yaml",
                t.title
            ));
        }
        // What the items add to in each fund, under each declared row.
        let fund_columns = [Fc::General, Fc::GovFund, Fc::StateCapital];
        let item = |k: &str, c: Fc| -> Decimal {
            items
                .iter()
                .find(|(key, _, _)| *key == k)
                .and_then(|(_, _, m)| m.get(&c))
                .map_or(Decimal::ZERO, Num::dec)
        };
        let under = |key: &str, c: Fc| -> Decimal {
            let leaves: &[&str] = match key {
                "abroad" => &["abroad_teaching", "abroad_other"],
                "car" => &["car_purchase", "car_running"],
                "subtotal" => &[
                    "abroad_teaching",
                    "abroad_other",
                    "car_purchase",
                    "car_running",
                    "reception",
                ],
                _ => &[
                    "abroad_teaching",
                    "abroad_other",
                    "car_purchase",
                    "car_running",
                    "reception",
                    "meeting",
                    "training",
                ],
            };
            leaves.iter().map(|l| item(l, c)).sum()
        };
        let mut lines = Vec::new();
        let order = [
            "abroad_teaching",
            "abroad_other",
            "car_purchase",
            "car_running",
            "reception",
            "meeting",
            "training",
            "abroad",
            "car",
            "subtotal",
            "total",
        ];
        for key in order {
            let Some((_, label, map)) = items.iter().find(|(k, _, _)| *k == key) else {
                if matches!(
                    key,
                    "abroad_teaching" | "abroad_other" | "car_purchase" | "car_running" | "reception"
                ) {
                    lines.push(Line {
                        key,
                        funds: Vec::new(),
                        comment: "（未列示）".into(),
                    });
                }
                continue;
            };
            let funds: Vec<(&'static str, Num)> = [
                (Fc::General, "general"),
                (Fc::GovFund, "gov_fund"),
                (Fc::StateCapital, "state_capital"),
            ]
            .iter()
            .filter_map(|(c, name)| match map.get(c) {
                Some(n @ Num::Value(_)) => Some((*name, n.clone())),
                _ => None,
            })
            .collect();
            let sum: Decimal = [Fc::General, Fc::GovFund, Fc::StateCapital]
                .iter()
                .filter_map(|c| map.get(c).map(Num::dec))
                .sum();
            // A published 合计 that differs from the funds' sum is compared by
            // the trial (and kept in published.yaml).
            let declared = matches!(key, "abroad" | "car" | "subtotal" | "total");
            // A total printed blank, or blank in a fund with figures under
            // it, is not declared (a blank is not 0.00): gongkai derives it.
            let printed = |c: &Fc| matches!(map.get(c), Some(Num::Value(_)));
            let blank_over_figures = fund_columns.iter().any(|c| !printed(c) && !under(key, *c).is_zero());
            if declared && (!fund_columns.iter().any(printed) || blank_over_figures) {
                let derived: Decimal = fund_columns.iter().map(|c| under(key, *c)).sum();
                self.sangong_values.insert(key, derived);
                continue;
            }
            self.sangong_values.insert(key, sum);
            lines.push(Line {
                key,
                funds,
                comment: format!("{label}{}", if declared { "（申报值）" } else { "" }),
            });
        }
        Some(lines)
    }
}

/// Which 三公 line a label names.
fn sangong_key(label: &str) -> Option<&'static str> {
    let s = label.trim_start_matches("其中：").trim_start_matches("其中:");
    let s = strip_number(s);
    Some(if s.contains("教学科研") {
        "abroad_teaching"
    } else if s.contains("其他因公出国") {
        "abroad_other"
    } else if s.contains("因公出国") {
        "abroad"
    } else if s.contains("购置及运") || s.contains("购置及运行") {
        "car"
    } else if s.contains("公务用车购置") || s.contains("车辆购置") {
        "car_purchase"
    } else if s.contains("运行维护") || s.contains("运行费") {
        "car_running"
    } else if s.contains("公务接待") {
        "reception"
    } else if s.contains("会议费") {
        "meeting"
    } else if s.contains("培训费") {
        "training"
    } else if s.contains("小计") {
        "subtotal"
    } else if s.contains("合计") || s.contains("总计") {
        "total"
    } else {
        return None;
    })
}
