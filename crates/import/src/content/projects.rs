//! `projects.yaml`: one project per performance-target table, in both
//! layouts (2022: goals and indicators; 2026: 项目编码, 预算数, 资金用途 and
//! 资金支出计划 too), the indicator columns found from their headings.

use super::Importer;
use crate::document::ProjectBlock;
use crate::document::table::Num;
use crate::document::words::{code_and_name, one_line, row_text, squeeze, trim};
use gongkai_content::yaml::{Value, Writer};
use std::collections::BTreeSet;

/// Reads the performance-target tables and writes `projects.yaml`; `None`
/// when the document has none.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    Some(write(&im.projects()?))
}

/// The projects of `projects.yaml`, each with the title of its table.
struct Projects {
    projects: Vec<(String, ParsedProject)>,
    /// Whether every table says its amounts are in 元.
    in_yuan: bool,
}

/// `projects.yaml`.
fn write(p: &Projects) -> String {
    let mut w = Writer::new();
    w.comment(0, "预算项目绩效目标（由 gongkai import 录入，每个绩效目标表一项）")
        .comment(0, "indicators：一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据（~ 为合并单元格，沿用上一行）");
    if p.in_yuan {
        w.key(0, "amount_unit", Value::text("元"), None);
    }
    w.open(0, "projects");
    for (i, (title, parsed)) in p.projects.iter().enumerate() {
        w.blank().comment(1, &format!("{}.{title}绩效目标表", i + 1));
        w.item_key(1, "name", Value::text(&parsed.name), None);
        if let Some(code) = &parsed.code {
            w.key(2, "code", Value::text(code), Some("项目编码"));
        }
        if let Some(unit) = &parsed.unit {
            w.key(2, "unit", Value::text(unit), None);
        }
        if let Some((total, fiscal, other)) = &parsed.budget {
            let budget = Value::map([
                ("fiscal", fiscal.value()),
                ("other", other.value()),
                ("total", total.value()),
            ]);
            w.key(
                2,
                "budget",
                budget,
                Some("其中：财政资金 / 其他资金 / 预算数（申报值）"),
            );
        }
        if let Some(u) = &parsed.use_of_funds {
            w.key(2, "use_of_funds", Value::quoted(u), None);
        }
        if let Some(plan) = &parsed.plan {
            let cell = |s: &str| Value::opt_text(Some(s));
            let plan = Value::map([
                ("march", cell(&plan[0])),
                ("june", cell(&plan[1])),
                ("october", cell(&plan[2])),
                ("december", cell(&plan[3])),
            ]);
            w.key(2, "spending_plan", plan, None);
        }
        if !parsed.goals.is_empty() {
            w.list(2, "goals", parsed.goals.iter().map(|g| Value::quoted(g)));
        }
        if !parsed.indicators.is_empty() {
            let rows = parsed
                .indicators
                .iter()
                .map(|row| Value::seq(row.iter().map(|c| Value::opt_text(Some(c)))));
            w.list(2, "indicators", rows);
        }
    }
    w.finish()
}

impl Importer<'_> {
    /// Every performance-target table of the document.
    fn projects(&mut self) -> Option<Projects> {
        if self.doc.projects.is_empty() {
            return None;
        }
        let projects = self.doc.projects.clone();
        let mut units: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::new();
        let mut without_budget = Vec::new();
        for p in &projects {
            let parsed = self.project(p);
            if let Some(u) = &parsed.amount_unit {
                units.insert(u.clone());
            }
            if parsed.budget.is_none() {
                without_budget.push(parsed.name.clone());
            }
            out.push((p.title.clone(), parsed));
        }
        if !without_budget.is_empty() {
            self.note(format!(
                "projects.yaml: {} of {} performance-target tables publish no 预算数 (the older layout): {}; without budgets and `function_code`, gongkai cannot check that projects add up to 项目支出 — add them if known",
                without_budget.len(),
                projects.len(),
                without_budget.join("、")
            ));
        }
        Some(Projects {
            projects: out,
            in_yuan: units.len() == 1 && units.contains("元"),
        })
    }

    /// One performance-target table, row by row.
    fn project(&mut self, p: &ProjectBlock) -> ParsedProject {
        let mut out = ParsedProject {
            name: p.title.clone(),
            ..Default::default()
        };
        let at = format!("绩效目标表 `{}`", p.title);
        for para in &p.paragraphs {
            self.note(format!("{at}: text not placed: {}", one_line(para)));
        }
        let rows = &p.rows;
        let mut i = 0;
        let mut indicator_columns: Option<Vec<usize>> = None;
        let mut after_budget = false;
        while i < rows.len() {
            let row: Vec<String> = rows[i].iter().map(|c| c.to_string()).collect();
            let squeezed: Vec<String> = row.iter().map(|c| squeeze(c)).collect();
            let first = squeezed.iter().find(|c| !c.is_empty()).cloned().unwrap_or_default();
            let nonempty: Vec<usize> = (0..row.len()).filter(|j| !squeezed[*j].is_empty()).collect();
            i += 1;
            if nonempty.is_empty() {
                continue;
            }
            // The indicator table's header.
            if squeezed.iter().any(|c| c == "一级指标") {
                let find = |keys: &[&str]| squeezed.iter().position(|c| keys.iter().any(|k| c.contains(k)));
                let cols = [
                    find(&["一级指标"]),
                    find(&["二级指标"]),
                    find(&["三级指标"]),
                    find(&["指标描述", "指标内容", "指标说明"]),
                    squeezed
                        .iter()
                        .position(|c| c == "指标值" || c.starts_with("指标值（") || c == "目标值"),
                    find(&["确定依据", "依据"]),
                ];
                let positional: Vec<usize> = (0..6).collect();
                let cols: Vec<usize> = if cols.iter().all(Option::is_some) {
                    cols.iter().flatten().copied().collect()
                } else {
                    positional
                };
                let extra: Vec<&String> = row
                    .iter()
                    .enumerate()
                    .filter(|(j, c)| !cols.contains(j) && !trim(c).is_empty())
                    .map(|(_, c)| c)
                    .collect();
                if !extra.is_empty() {
                    self.note(format!(
                        "{at}: indicator columns gongkai has no place for: {}",
                        extra.iter().map(|c| one_line(c)).collect::<Vec<_>>().join(" | ")
                    ));
                }
                indicator_columns = Some(cols);
                continue;
            }
            if let Some(cols) = &indicator_columns {
                let cells: Vec<String> = cols
                    .iter()
                    .map(|j| row.get(*j).map(|c| one_line(c)).unwrap_or_default())
                    .collect();
                let extra: Vec<String> = row
                    .iter()
                    .enumerate()
                    .filter(|(j, c)| !cols.contains(j) && !trim(c).is_empty())
                    .map(|(_, c)| one_line(c))
                    .collect();
                if !extra.is_empty() {
                    self.note(format!(
                        "{at}: indicator row `{}`: cells not placed: {}",
                        cells[2],
                        extra.join(" | ")
                    ));
                }
                out.indicators.push(cells);
                continue;
            }
            // A unit line and the amount unit above the table.
            if nonempty.len() <= 2
                && squeezed.iter().all(|c| {
                    c.is_empty() || c.starts_with("单位：") || c.starts_with("单位:") || code_and_name(c).is_some()
                })
            {
                for c in &row {
                    let s = squeeze(c);
                    if let Some(u) = s.strip_prefix("单位：").or_else(|| s.strip_prefix("单位:")) {
                        out.amount_unit = Some(u.to_string());
                    } else if !s.is_empty() {
                        out.unit = Some(one_line(c));
                    }
                }
                continue;
            }
            let next_after = |label: &dyn Fn(&str) -> bool| -> Option<(usize, String)> {
                let j = squeezed.iter().position(|c| label(c))?;
                let k = (j + 1..row.len()).find(|k| !squeezed[*k].is_empty() || *k == j + 1)?;
                Some((k, one_line(&row[k])))
            };
            let mut used = false;
            if let Some((_, code)) = next_after(&|c| c == "项目编码") {
                out.code = (!code.is_empty()).then_some(code);
                used = true;
            }
            if let Some((_, name)) = next_after(&|c| c == "项目名称") {
                if !name.is_empty() && name != out.name {
                    if !p.title.is_empty() && squeeze(&name) != squeeze(&p.title) {
                        self.note(format!("{at}: the table names the project `{name}`; that name is used"));
                    }
                    out.name = name;
                }
                used = true;
            }
            if squeezed
                .iter()
                .any(|c| c == "预算数" || c.contains("财政资金") || c == "其他资金")
            {
                let mut budget = (Num::Empty, Num::Empty, Num::Empty);
                for (label, slot) in [("预算数", 0), ("财政资金", 1), ("其他资金", 2)] {
                    if let Some(j) = squeezed.iter().position(|c| c.contains(label)) {
                        let n = row.get(j + 1).map_or(Num::Empty, |c| Num::of(c));
                        if let Num::Bad(text) = &n {
                            self.note(format!("{at}: {label} `{text}` is not an amount"));
                        }
                        match slot {
                            0 => budget.0 = n,
                            1 => budget.1 = n,
                            _ => budget.2 = n,
                        }
                    }
                }
                out.budget = Some(budget);
                after_budget = true;
                continue;
            }
            if let Some((_, text)) = next_after(&|c| c == "资金用途" || c == "项目资金用途") {
                out.use_of_funds = (!text.is_empty()).then_some(text);
                after_budget = false;
                continue;
            }
            if first.starts_with("资金支出计划") {
                let months: Vec<(usize, usize)> = squeezed
                    .iter()
                    .enumerate()
                    .filter_map(|(j, c)| {
                        let m = match c.as_str() {
                            "3月底" | "3月" | "一季度" => 0,
                            "6月底" | "6月" | "二季度" => 1,
                            "10月底" | "9月底" | "10月" => 2,
                            "12月底" | "12月" | "四季度" => 3,
                            _ => return None,
                        };
                        Some((j, m))
                    })
                    .collect();
                let values = rows.get(i).cloned().unwrap_or_default();
                i += 1;
                let mut plan: [String; 4] = Default::default();
                for (j, m) in &months {
                    plan[*m] = values.get(*j).map(|c| squeeze(c)).unwrap_or_default();
                }
                if months.len() < 4 {
                    self.note(format!(
                        "{at}: 资金支出计划 headings not all understood: {} / {}",
                        row_text(&row),
                        row_text(&values)
                    ));
                }
                for (j, v) in values.iter().enumerate() {
                    if !trim(v).is_empty() && !months.iter().any(|(k, _)| *k == j) {
                        self.note(format!("{at}: 资金支出计划 cell `{}` not placed", one_line(v)));
                    }
                }
                out.plan = Some(plan);
                continue;
            }
            if first == "绩效目标" || first == "年度绩效目标" || first == "项目绩效目标" {
                for c in row.iter().skip(nonempty[0] + 1) {
                    for line in c.lines().map(trim).filter(|l| !l.is_empty()) {
                        out.goals.push(line.to_string());
                    }
                }
                continue;
            }
            if used {
                continue;
            }
            // The use of funds printed below the budget without its own label.
            if after_budget && nonempty.len() == 1 {
                out.use_of_funds = Some(one_line(&row[nonempty[0]]));
                after_budget = false;
                continue;
            }
            if nonempty.len() == 2 && squeezed[nonempty[0]].contains("资金用途") {
                out.use_of_funds = Some(one_line(&row[nonempty[1]]));
                continue;
            }
            self.note(format!("{at}: row not placed: {}", row_text(&row)));
        }
        out
    }
}

/// A project as its performance-target table publishes it.
#[derive(Debug, Default)]
struct ParsedProject {
    name: String,
    code: Option<String>,
    unit: Option<String>,
    amount_unit: Option<String>,
    /// (预算数, 财政资金, 其他资金)
    budget: Option<(Num, Num, Num)>,
    use_of_funds: Option<String>,
    plan: Option<[String; 4]>,
    goals: Vec<String>,
    indicators: Vec<Vec<String>>,
}
