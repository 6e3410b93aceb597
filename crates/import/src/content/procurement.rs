//! `procurement.yaml`: the lines of 部门政府采购预算 (the table of 六), by
//! unit (from its 小计 rows), with the project's published 预算资金, the
//! published 合计 kept as declared totals.

use super::Importer;
use crate::document::Kind;
use crate::document::table::{Num, fit_cells};
use crate::document::words::{fmt2, one_line, row_text, squeeze};
use gongkai_content::write::PROCUREMENT_FUND_KEYS;
use gongkai_content::yaml::{Value, Writer};
use rust_decimal::Decimal;

/// Reads the procurement table and writes `procurement.yaml`; `None` without it.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    let table = im.procurement()?;
    Some(write(&table, &im.unit.amount_unit))
}

/// The procurement table as `procurement.yaml` holds it.
struct Table {
    note: Option<String>,
    /// The published 合计 and its share for small firms.
    total: Option<(Num, Num)>,
    lines: Vec<Line>,
}

/// A line of the procurement table.
struct Line {
    unit: Option<String>,
    project: String,
    project_budget: Num,
    item: String,
    catalogue: String,
    measure: String,
    quantity: String,
    unit_price: Num,
    /// The published 合计 of the line.
    amount: Num,
    /// By [`PROCUREMENT_FUND_KEYS`].
    funds: Vec<Num>,
    small_firms: Num,
}

/// `procurement.yaml`.
fn write(t: &Table, amount_unit: &str) -> String {
    let mut w = Writer::new();
    w.comment(0, "部门政府采购预算（“六、政府采购预算情况”下的表）——由 gongkai import 录入")
        .comment(0, "project_budget 为表中“预算资金”公开数（申报值）；general = 一般公共预算拨款，small_firms = 预留中小微企业份额。")
        .key(0, "amount_unit", Value::text(amount_unit), None);
    if let Some(note) = &t.note {
        w.key(0, "note", Value::quoted(note), None);
    }
    if let Some((amount, small)) = &t.total {
        w.key(0, "total", amount.value(), Some("合计（申报值）")).key(
            0,
            "total_small_firms",
            small.value(),
            Some("合计预留中小微企业份额（申报值）"),
        );
    }
    if t.lines.is_empty() {
        w.list(0, "lines", []);
    } else {
        w.open(0, "lines");
    }
    for l in &t.lines {
        w.item_key(1, "unit", Value::opt_text(l.unit.as_deref()), None).key(
            2,
            "project",
            Value::text(&l.project),
            None,
        );
        if !l.project_budget.is_empty() || matches!(l.project_budget, Num::Value(_)) {
            w.key(2, "project_budget", l.project_budget.value(), None);
        }
        let quantity = if l.quantity.is_empty() || l.quantity == "--" {
            Value::null()
        } else {
            Value::text(&l.quantity)
        };
        w.key(2, "item", Value::text(&l.item), None)
            .key(2, "catalogue", Value::text(&l.catalogue), None)
            .key(2, "measure", Value::opt_text(Some(&l.measure)), None)
            .key(2, "quantity", quantity, None)
            .key(2, "unit_price", l.unit_price.value(), None);
        for (name, n) in PROCUREMENT_FUND_KEYS.into_iter().zip(&l.funds) {
            if matches!(n, Num::Value(_)) {
                let total = format!("合计栏 {}", l.amount.shown());
                w.key(2, name, n.value(), (name == "general").then_some(total.as_str()));
            }
        }
        w.key(2, "small_firms", l.small_firms.value(), None);
    }
    w.finish()
}

impl Importer<'_> {
    /// The lines of the procurement table (16 columns), with its 合计.
    fn procurement(&mut self) -> Option<Table> {
        let t = self.doc.table(Kind::Procurement)?.clone();
        let width = 16;
        let mut unit: Option<String> = None;
        let mut lines = Vec::new();
        let mut total: Option<(Num, Num)> = None;
        let mut last_project: Option<(String, String)> = None;
        for row in t.data() {
            let (cells, extra) = fit_cells(row, width);
            let first = squeeze(&cells[0]);
            if !extra.is_empty() {
                self.note(format!(
                    "{}: row `{}`: cells beyond the 16 columns not placed: {}",
                    t.title,
                    one_line(&cells[0]),
                    extra.join(" | ")
                ));
            }
            if first.starts_with("合计") {
                total = Some((Num::of(&cells[7]), Num::of(&cells[15])));
                continue;
            }
            if let Some(u) = first.strip_suffix("小计") {
                unit = Some(
                    one_line(cells[0].trim_end().trim_end_matches("小计"))
                        .trim()
                        .to_string(),
                );
                if u.is_empty() {
                    unit = None;
                }
                continue;
            }
            let item = one_line(&cells[2]);
            let catalogue = squeeze(&cells[3]);
            let mut project = one_line(&cells[0]);
            let mut budget = Num::of(&cells[1]);
            if project.is_empty()
                && let Some((p, b)) = &last_project
            {
                // A merged 项目 cell printed once.
                project = p.clone();
                if budget.is_empty() {
                    budget = Num::of(b);
                }
            }
            if project.is_empty() || item.is_empty() {
                self.note(format!(
                    "{}: row not placed (no project or item): {}",
                    t.title,
                    row_text(row)
                ));
                continue;
            }
            last_project = Some((project.clone(), cells[1].clone()));
            let amount = Num::of(&cells[7]);
            let funds: Vec<Num> = (8..15).map(|j| Num::of(&cells[j])).collect();
            let small = Num::of(&cells[15]);
            let sum: Decimal = funds.iter().map(Num::dec).sum();
            if amount.dec() != sum {
                self.note(format!(
                    "{}: `{item}`: published 合计 {} but its funds add to {}; gongkai prints the sum",
                    t.title,
                    amount.shown(),
                    fmt2(sum)
                ));
            }
            for (j, n) in funds.iter().chain([&budget, &small]).enumerate() {
                if let Num::Bad(text) = n {
                    self.note(format!(
                        "{}: `{item}` cell {}: `{text}` is not an amount",
                        t.title,
                        j + 1
                    ));
                }
            }
            lines.push(Line {
                unit: unit.clone(),
                project,
                project_budget: budget,
                item,
                catalogue,
                measure: one_line(&cells[4]),
                quantity: squeeze(&cells[5]),
                unit_price: Num::of(&cells[6]),
                amount,
                funds,
                small_firms: small,
            });
        }
        Some(Table {
            note: t.note.clone(),
            total,
            lines,
        })
    }
}
