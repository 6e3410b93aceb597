//! `functions.yaml`: the rows of 部门预算支出总表 (table 3), one per function
//! code and source of funds. When the department spends more than 一般公共预算,
//! the rows are split by source from 部门预算收入总表 (table 2) and the
//! appropriation tables 5, 7 and 8, where that split is unambiguous, and
//! listed where it is not. The other function tables are derived from this
//! file, so the trial compares them.

use super::{Importer, leaf_keys};
use crate::document::Kind;
use crate::document::table::{Num, fit_cells, parse_code_row, resolve_columns};
use crate::document::words::{fmt2, row_text};
use gongkai_content::yaml::{Value, Writer};
use gongkai_model::disclosure::Source;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Reads the function tables and writes `functions.yaml`; `None` without
/// a 部门预算支出总表.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    let rows = im.functions()?;
    Some(write(&rows, &im.unit.amount_unit))
}

/// The rows of `functions.yaml`, and whether they all come from 一般公共预算.
pub(super) struct FunctionRows {
    single: bool,
    rows: Vec<OutRow>,
}

/// `functions.yaml`.
fn write(f: &FunctionRows, amount_unit: &str) -> String {
    let mut w = Writer::new();
    w.comment(0, "部门预算支出（按支出功能分类科目）——录自“部门预算支出总表”（表3）")
        .comment(0, "最末级科目为明细；类、款和“合计”行为公开数（申报值），供程序核对。");
    if f.single {
        w.comment(
            0,
            "资金来源均为一般公共预算（默认值，不另写 source）。表1、2、4、5、7、8 均由本文件生成。",
        );
    } else {
        w.comment(
            0,
            "资金来源按“部门预算收入总表”和财政拨款支出表（表5、7、8）拆分，source 标明来源。",
        );
    }
    w.key(0, "amount_unit", Value::text(amount_unit), None);
    if f.rows.is_empty() {
        w.list(0, "rows", []);
    } else {
        w.open(0, "rows");
    }
    for r in &f.rows {
        let mut fields: Vec<(&'static str, Value)> = Vec::new();
        if let Some(code) = &r.code {
            fields.push(("code", Value::text(code)));
        }
        fields.push(("name", Value::text(&r.name)));
        if r.source != Source::General {
            fields.push(("source", Value::text(r.source.label())));
        }
        for (ty, v) in &r.cells {
            fields.push((ty.key(), Value::number(v)));
        }
        let what = match r.code.as_deref().map(str::len) {
            None => "合计",
            Some(3) => "类",
            Some(5) => "款",
            _ => "项",
        };
        let mut comment = what.to_string();
        if r.declared || r.code.is_none() {
            comment.push_str("（申报值）");
        }
        if let Some(t) = &r.total {
            comment.push_str(&format!("，合计栏 {t}"));
        }
        w.item(1, Value::map(fields), Some(&comment));
    }
    w.finish()
}

impl Importer<'_> {
    /// Reads the function- or economic-code table of `kind` into numbers by
    /// row, its columns found from `keywords` in its header (else `total`
    /// and `default`); its codes and names are kept for the trial.
    pub(super) fn fn_table<C: Copy + Ord + PartialEq + std::fmt::Debug>(
        &mut self,
        kind: Kind,
        keywords: &[(&str, C)],
        total: C,
        default: &[C],
        economic: bool,
    ) -> Option<FnTable<C>> {
        let t = self.doc.table(kind)?.clone();
        let mut columns = resolve_columns(t.head_rows(), keywords, Some(total));
        if columns.len() <= 1 {
            columns = std::iter::once(total).chain(default.iter().copied()).collect();
        }
        let mut out = FnTable {
            order: Vec::new(),
            names: BTreeMap::new(),
            cells: BTreeMap::new(),
        };
        for row in t.data() {
            let Some(parsed) = parse_code_row(row, economic) else {
                self.note(format!(
                    "{}: row not understood (no code or 合计): {}",
                    t.title,
                    row_text(row)
                ));
                continue;
            };
            let (cells, extra) = fit_cells(&parsed.cells, columns.len());
            let label = parsed.code.clone().unwrap_or_else(|| "合计".into());
            if !extra.is_empty() {
                self.note(format!(
                    "{}: row {label} has more cells than columns; not placed: {}",
                    t.title,
                    extra.join(" | ")
                ));
            }
            let key = parsed.code.clone();
            if out.cells.contains_key(&key) {
                self.note(format!(
                    "{}: row {label} appears twice; the second is not imported: {}",
                    t.title,
                    row_text(row)
                ));
                continue;
            }
            let mut map = BTreeMap::new();
            for (c, cell) in columns.iter().zip(&cells) {
                let n = Num::of(cell);
                if let Num::Bad(text) = &n {
                    self.note(format!(
                        "{}: row {label}, column {c:?}: `{text}` is not an amount",
                        t.title
                    ));
                }
                map.insert(*c, n);
            }
            if let Some(code) = &parsed.code {
                let names = if economic {
                    &mut self.economic_codes
                } else {
                    &mut self.function_codes
                };
                names.entry(code.clone()).or_insert_with(|| parsed.name.clone());
            }
            out.order.push(key.clone());
            out.names.insert(key.clone(), parsed.name);
            out.cells.insert(key, map);
        }
        Some(out)
    }

    /// The rows of `functions.yaml` from tables 3, 5, 7, 8 and 2.
    fn functions(&mut self) -> Option<FunctionRows> {
        const T3: [(&str, Ty); 8] = [
            ("基本支出", Ty::Basic),
            ("项目支出", Ty::Project),
            ("经营支出", Ty::Operating),
            ("上解上级", Ty::Remit),
            ("上缴上级", Ty::Remit),
            ("对附属单位", Ty::Subsidy),
            ("附属单位补助", Ty::Subsidy),
            ("附属单位", Ty::Subsidy),
        ];
        const T2: [(&str, Rv); 14] = [
            ("上年结转", Rv::Carry),
            ("小计", Rv::Sub),
            ("财政拨款", Rv::Fiscal),
            ("一般公共预算", Rv::General),
            ("政府性基金", Rv::GovFund),
            ("国有资本", Rv::StateCapital),
            ("财政专户", Rv::Special),
            ("事业单位经营", Rv::Operating),
            ("经营收入", Rv::Operating),
            ("事业收入", Rv::Business),
            ("上级补助", Rv::Higher),
            ("附属单位", Rv::Affiliated),
            ("其他收入", Rv::Other),
            ("单位资金", Rv::Other),
        ];
        let t3 = self.fn_table(Kind::Expenditure, &T3, Ty::Total, &TYPES, false)?;
        let t5 = self.fn_table(Kind::General, &T3[..2], Ty::Total, &[Ty::Basic, Ty::Project], false);
        let t7 = self.fn_table(Kind::GovFund, &T3[..2], Ty::Total, &[Ty::Basic, Ty::Project], false);
        let t8 = self.fn_table(
            Kind::StateCapital,
            &T3[..2],
            Ty::Total,
            &[Ty::Basic, Ty::Project],
            false,
        );
        let t2 = self.fn_table(
            Kind::Revenue,
            &T2,
            Rv::Total,
            &[
                Rv::Sub,
                Rv::Fiscal,
                Rv::Special,
                Rv::Business,
                Rv::Operating,
                Rv::Higher,
                Rv::Affiliated,
                Rv::Other,
                Rv::Carry,
            ],
            false,
        );
        self.expenditure = Some(t3.clone());
        // The row total of table 3 is derived; a published one that differs
        // is compared by the trial and kept in published.yaml.
        let non_appropriation = |t2: &FnTable<Rv>| {
            t2.cells.values().any(|m| {
                m.iter().any(|(c, n)| {
                    matches!(
                        c,
                        Rv::Special
                            | Rv::Business
                            | Rv::Operating
                            | Rv::Higher
                            | Rv::Affiliated
                            | Rv::Other
                            | Rv::Carry
                    ) && !n.is_empty()
                })
            })
        };
        let single = t2.as_ref().is_none_or(|t| !non_appropriation(t))
            && t7.as_ref().is_none_or(|t| !t.any_value())
            && t8.as_ref().is_none_or(|t| !t.any_value())
            && t3.order.iter().all(|k| {
                [Ty::Operating, Ty::Remit, Ty::Subsidy]
                    .iter()
                    .all(|ty| t3.get(k, *ty).is_zero())
            })
            && t5.as_ref().is_none_or(|t5| {
                t3.order.iter().all(|k| {
                    [Ty::Basic, Ty::Project]
                        .iter()
                        .all(|ty| t3.get(k, *ty) == t5.get(k, *ty))
                })
            });
        if t5.is_none() {
            self.note("functions.yaml: no 一般公共预算财政拨款支出表 found; every row of 部门预算支出总表 is taken as 一般公共预算");
        }
        let rows: Vec<OutRow> = if single {
            let leaves = leaf_keys(&t3.order);
            t3.order
                .iter()
                .map(|key| OutRow {
                    code: key.clone(),
                    name: t3.names.get(key).cloned().unwrap_or_default(),
                    source: Source::General,
                    cells: TYPES
                        .iter()
                        .filter_map(|ty| {
                            let n = t3.num(key, *ty);
                            (!matches!(n, Num::Empty | Num::Bad(_))).then(|| (*ty, n.shown()))
                        })
                        .collect(),
                    total: match t3.num(key, Ty::Total) {
                        Num::Value(v) => Some(v),
                        _ => None,
                    },
                    declared: key.as_ref().is_none_or(|k| !leaves.contains(k)),
                })
                .collect()
        } else {
            self.split_sources(&t3, t5.as_ref(), t7.as_ref(), t8.as_ref(), t2.as_ref())
        };
        Some(FunctionRows {
            single,
            rows: drop_blank_totals(rows),
        })
    }

    /// Rows by source when the department has more than 一般公共预算.
    fn split_sources(
        &mut self,
        t3: &FnTable<Ty>,
        t5: Option<&FnTable<Ty>>,
        t7: Option<&FnTable<Ty>>,
        t8: Option<&FnTable<Ty>>,
        t2: Option<&FnTable<Rv>>,
    ) -> Vec<OutRow> {
        let leaves = leaf_keys(&t3.order);
        let fund_vec = |t: Option<&FnTable<Ty>>, key: &Option<String>| -> Vector {
            let mut v = [Decimal::ZERO; 5];
            if let Some(t) = t {
                v[0] = t.get(key, Ty::Basic);
                v[1] = t.get(key, Ty::Project);
            }
            v
        };
        let mut by_source: BTreeMap<Source, Vec<(Option<String>, Vector, bool)>> = BTreeMap::new();
        let mut carryover_split = false;
        for key in &t3.order {
            let label = key.clone().unwrap_or_else(|| "合计".into());
            let v3: Vector = std::array::from_fn(|i| t3.get(key, TYPES[i]));
            let funds = [
                (Source::General, fund_vec(t5, key)),
                (Source::GovFund, fund_vec(t7, key)),
                (Source::StateCapital, fund_vec(t8, key)),
            ];
            let approp_total: Decimal = funds.iter().map(|(_, v)| vec_sum(v)).sum();
            let revenue = |c: Rv| t2.map_or(Decimal::ZERO, |t| t.get(key, c));
            let fiscal_now = if t2.is_some_and(|t| t.has(key)) {
                let f = revenue(Rv::Fiscal);
                if f.is_zero() {
                    revenue(Rv::General) + revenue(Rv::GovFund) + revenue(Rv::StateCapital)
                } else {
                    f
                }
            } else {
                approp_total
            };
            let approp_carry = approp_total - fiscal_now;
            let is_leaf = key.as_ref().is_some_and(|k| leaves.contains(k));
            // Appropriations: this year's, and carried over when 收入总表 says so.
            if approp_carry > Decimal::ZERO {
                let nonzero: Vec<&(Source, Vector)> = funds.iter().filter(|(_, v)| !vec_sum(v).is_zero()).collect();
                match nonzero.as_slice() {
                    [(fund, v)] => match split(v, &[(*fund, fiscal_now), (carryover_of(*fund), approp_carry)]) {
                        Some(parts) => {
                            for (s, pv) in parts {
                                by_source.entry(s).or_default().push((key.clone(), pv, false));
                            }
                            carryover_split = true;
                        }
                        None => {
                            self.note(format!(
                                    "functions.yaml: {label}: 财政拨款 {} includes 上年结转 {} (收入总表), but which of 基本/项目支出 is carried over is not published; placed as this year's appropriation — split it into a `source: {}` row",
                                    fmt2(approp_total),
                                    fmt2(approp_carry),
                                    carryover_of(*fund).label()
                                ));
                            by_source.entry(*fund).or_default().push((key.clone(), *v, is_leaf));
                        }
                    },
                    _ => {
                        self.note(format!(
                            "functions.yaml: {label}: 上年结转 {} of 财政拨款 cannot be assigned to one fund; placed as this year's appropriations",
                            fmt2(approp_carry)
                        ));
                        for (s, v) in funds.iter().filter(|(_, v)| !vec_sum(v).is_zero()) {
                            by_source.entry(*s).or_default().push((key.clone(), *v, is_leaf));
                        }
                    }
                }
            } else {
                if approp_carry < Decimal::ZERO && key.is_some() {
                    self.note(format!(
                        "functions.yaml: {label}: 收入总表 shows 财政拨款 {} but the 财政拨款 tables spend {}",
                        fmt2(fiscal_now),
                        fmt2(approp_total)
                    ));
                }
                for (s, v) in funds.iter().filter(|(_, v)| !vec_sum(v).is_zero()) {
                    by_source.entry(*s).or_default().push((key.clone(), *v, is_leaf));
                }
            }
            // The rest of 支出总表 comes from sources other than appropriations.
            let mut rest = v3;
            for (_, v) in &funds {
                for i in 0..5 {
                    rest[i] -= v[i];
                }
            }
            let carry_other = (revenue(Rv::Carry) - approp_carry.max(Decimal::ZERO)).max(Decimal::ZERO);
            let sources = [
                (Source::SpecialAccount, revenue(Rv::Special)),
                (Source::Business, revenue(Rv::Business)),
                (Source::Operating, revenue(Rv::Operating)),
                (Source::HigherSubsidy, revenue(Rv::Higher)),
                (Source::Affiliated, revenue(Rv::Affiliated)),
                (Source::Other, revenue(Rv::Other)),
                (Source::CarryoverOther, carry_other),
            ];
            if rest.iter().any(|d| *d < Decimal::ZERO) {
                self.note(format!(
                    "functions.yaml: {label}: the 财政拨款 tables spend more than 部门预算支出总表 shows ({:?} left); not placed",
                    rest.map(fmt2)
                ));
                continue;
            }
            if vec_sum(&rest).is_zero() {
                continue;
            }
            if key.is_none() || !is_leaf {
                // Parent rows of other sources are derived from their leaves.
                continue;
            }
            let named: Decimal = sources.iter().map(|(_, a)| *a).sum();
            if t2.is_none() || named != vec_sum(&rest) {
                self.note(format!(
                    "functions.yaml: {label}: {} of 部门预算支出总表 is not financed by 财政拨款, but 收入总表 names {} of other sources; not placed (基本 {}, 项目 {}, 经营 {}, 上解 {}, 对附属 {})",
                    fmt2(vec_sum(&rest)),
                    fmt2(named),
                    fmt2(rest[0]),
                    fmt2(rest[1]),
                    fmt2(rest[2]),
                    fmt2(rest[3]),
                    fmt2(rest[4])
                ));
                continue;
            }
            match split(&rest, &sources) {
                Some(parts) => {
                    for (s, pv) in parts {
                        by_source.entry(s).or_default().push((key.clone(), pv, false));
                    }
                }
                None => {
                    let names: Vec<String> = sources
                        .iter()
                        .filter(|(_, a)| !a.is_zero())
                        .map(|(s, a)| format!("{} {}", s.label(), fmt2(*a)))
                        .collect();
                    self.note(format!(
                        "functions.yaml: {label}: {} from {} cannot be split between 基本 {} / 项目 {} / 经营 {} / 上解 {} / 对附属 {} unambiguously; not placed — add one row per source",
                        fmt2(vec_sum(&rest)),
                        names.join(", "),
                        fmt2(rest[0]),
                        fmt2(rest[1]),
                        fmt2(rest[2]),
                        fmt2(rest[3]),
                        fmt2(rest[4])
                    ));
                }
            }
        }
        if t2.is_some() {
            self.revenue_cross_check(t3, t2);
        }
        let mut out = Vec::new();
        for (source, rows) in by_source {
            let appropriation = matches!(source, Source::General | Source::GovFund | Source::StateCapital);
            for (key, v, _) in rows {
                let is_leaf = key.as_ref().is_some_and(|k| leaves.contains(k));
                if !is_leaf && (!appropriation || carryover_split) {
                    continue;
                }
                let published = |ty: Ty| -> Option<String> {
                    let t = match source {
                        Source::General => t5,
                        Source::GovFund => t7,
                        Source::StateCapital => t8,
                        _ => None,
                    }?;
                    match t.num(&key, ty) {
                        Num::Value(s) if !carryover_split => Some(s),
                        _ => None,
                    }
                };
                let cells: BTreeMap<Ty, String> = TYPES
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !v[*i].is_zero())
                    .map(|(i, ty)| (*ty, published(*ty).unwrap_or_else(|| fmt2(v[i]))))
                    .collect();
                let published_total = match t3.num(&key, Ty::Total) {
                    Num::Value(t) => t,
                    _ => fmt2(TYPES.iter().map(|ty| t3.get(&key, *ty)).sum()),
                };
                out.push(OutRow {
                    name: t3.names.get(&key).cloned().unwrap_or_default(),
                    code: key,
                    source,
                    cells,
                    total: Some(format!(
                        "{}（{}部分 {}）",
                        published_total,
                        source.label(),
                        fmt2(vec_sum(&v))
                    )),
                    declared: !is_leaf,
                });
            }
        }
        out
    }

    /// Rows of 收入总表 that 支出总表 lacks: their revenue has no place (a
    /// row total of 收入总表 that differs from 支出总表's is compared by the
    /// trial and kept in published.yaml).
    fn revenue_cross_check(&mut self, t3: &FnTable<Ty>, t2: Option<&FnTable<Rv>>) {
        let Some(t2) = t2 else { return };
        for key in &t2.order {
            if !t3.has(key) {
                self.note(format!(
                    "部门预算收入总表: row {} {} is not in 部门预算支出总表; its revenue is not placed",
                    key.as_deref().unwrap_or("合计"),
                    t2.names.get(key).cloned().unwrap_or_default()
                ));
            }
        }
    }
}

/// The kinds of expenditure (columns of 部门预算支出总表).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ty {
    Total,
    Basic,
    Project,
    Operating,
    Remit,
    Subsidy,
}

/// The expenditure types, in the order of the model's amounts.
pub(super) const TYPES: [Ty; 5] = [Ty::Basic, Ty::Project, Ty::Operating, Ty::Remit, Ty::Subsidy];

impl Ty {
    /// The key of the type in `functions.yaml`.
    fn key(self) -> &'static str {
        match self {
            Ty::Total => "total",
            Ty::Basic => "basic",
            Ty::Project => "project",
            Ty::Operating => "operating",
            Ty::Remit => "remit",
            Ty::Subsidy => "subsidy",
        }
    }
}

/// Revenue columns of 部门预算收入总表.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Rv {
    Total,
    Sub,
    Fiscal,
    General,
    GovFund,
    StateCapital,
    Special,
    Business,
    Operating,
    Higher,
    Affiliated,
    Other,
    Carry,
}

/// A function-code table read into numbers by row key (`None` = 合计).
#[derive(Clone, Debug, Default)]
pub(super) struct FnTable<C: Ord> {
    /// Rows in published order.
    pub(super) order: Vec<Option<String>>,
    /// Row names by row key.
    pub(super) names: BTreeMap<Option<String>, String>,
    cells: BTreeMap<Option<String>, BTreeMap<C, Num>>,
}

impl<C: Ord + Copy> FnTable<C> {
    /// A cell's amount (zero when empty).
    pub(super) fn get(&self, key: &Option<String>, c: C) -> Decimal {
        self.cells
            .get(key)
            .and_then(|m| m.get(&c))
            .map_or(Decimal::ZERO, Num::dec)
    }

    /// A cell as published.
    pub(super) fn num(&self, key: &Option<String>, c: C) -> Num {
        self.cells
            .get(key)
            .and_then(|m| m.get(&c))
            .cloned()
            .unwrap_or(Num::Empty)
    }

    /// Whether the table has the row.
    fn has(&self, key: &Option<String>) -> bool {
        self.cells.contains_key(key)
    }

    /// Whether any cell shows an amount.
    fn any_value(&self) -> bool {
        self.cells.values().flat_map(|m| m.values()).any(|n| !n.is_empty())
    }
}

/// The source a fund's appropriation carried over from last year has.
fn carryover_of(fund: Source) -> Source {
    match fund {
        Source::GovFund => Source::CarryoverGovFund,
        Source::StateCapital => Source::CarryoverStateCapital,
        _ => Source::CarryoverGeneral,
    }
}

/// Amounts by expenditure type ([`TYPES`] order).
type Vector = [Decimal; 5];

/// The total of a [`Vector`].
fn vec_sum(v: &Vector) -> Decimal {
    v.iter().copied().sum()
}

/// Splits an expenditure vector among sources with known amounts, when that
/// is unambiguous: one source takes it all; or the vector has one non-zero
/// type and each source takes its amount there.
fn split(v: &Vector, parts: &[(Source, Decimal)]) -> Option<Vec<(Source, Vector)>> {
    let parts: Vec<(Source, Decimal)> = parts.iter().copied().filter(|(_, a)| !a.is_zero()).collect();
    if vec_sum(v).is_zero() && parts.is_empty() {
        return Some(Vec::new());
    }
    if parts.len() == 1 {
        return (parts[0].1 == vec_sum(v)).then(|| vec![(parts[0].0, *v)]);
    }
    let nonzero: Vec<usize> = (0..5).filter(|i| !v[*i].is_zero()).collect();
    if nonzero.len() == 1 && parts.iter().map(|(_, a)| *a).sum::<Decimal>() == v[nonzero[0]] {
        return Some(
            parts
                .iter()
                .map(|(s, a)| {
                    let mut out = [Decimal::ZERO; 5];
                    out[nonzero[0]] = *a;
                    (*s, out)
                })
                .collect(),
        );
    }
    None
}

/// The rows without the declared totals (parent-code and 合计 rows) left
/// blank over figures: a row printed without any figure, or blank in a
/// column where the leaf rows under it (of its source) have figures, is
/// not declared at all, since a blank is not a declared 0.00. gongkai
/// derives it; the trial keeps its blank cells in published.yaml.
fn drop_blank_totals(rows: Vec<OutRow>) -> Vec<OutRow> {
    let under = |total: &OutRow, ty: Ty| -> Decimal {
        rows.iter()
            .filter(|leaf| !leaf.declared && leaf.source == total.source)
            .filter(|leaf| match (&total.code, &leaf.code) {
                (None, _) => true,
                (Some(parent), Some(code)) => code.len() > parent.len() && code.starts_with(parent.as_str()),
                (Some(_), None) => false,
            })
            .filter_map(|leaf| leaf.cells.get(&ty))
            .map(|v| v.parse::<Decimal>().unwrap_or_default())
            .sum()
    };
    let keep: Vec<bool> = rows
        .iter()
        .map(|r| {
            !r.declared
                || (!r.cells.is_empty()
                    && TYPES
                        .iter()
                        .all(|ty| r.cells.contains_key(ty) || under(r, *ty).is_zero()))
        })
        .collect();
    rows.into_iter()
        .zip(keep)
        .filter_map(|(r, keep)| keep.then_some(r))
        .collect()
}

/// One row of `functions.yaml` being written.
struct OutRow {
    code: Option<String>,
    name: String,
    source: Source,
    /// Cells as they will be written, by type.
    cells: BTreeMap<Ty, String>,
    /// The published 合计 column, for the comment.
    total: Option<String>,
    declared: bool,
}
