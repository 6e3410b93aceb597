//! Derivation: the nine tables and the key figures, computed from the leaves.
//!
//! Every total is the sum of its parts. Where the content declares a total as
//! published, the declared figure is compared with the derived one by the
//! interval rule of [`amount::compare`](gongkai_model::amount::compare): equal is
//! silent, a rounding tail is a note and the table shows the figure as
//! published, anything more is an error. Further sums use the figure the table
//! shows, so each printed total is the sum of the printed parts above it.

use gongkai_model::amount::{Agreement, Amount, compare, format_difference, format_wan};
use gongkai_model::diag::{Diagnostics, Loc};
use gongkai_model::disclosure::*;
use gongkai_model::table::{Cell, Figure, Table, TableId};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Everything derived from one disclosure.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// The nine tables in order; empty when the year publishes no tables.
    pub tables: Vec<Table>,
    /// Headline figures, for narrative and checks.
    pub key: KeyFigures,
    /// 政府采购预算 (section 六), when the year publishes procurement.
    pub procurement: Option<Table>,
    /// 固定资产占用情况表 (section 七).
    pub assets: Option<Table>,
    /// 机构设置 (section 一).
    pub organisation: Option<Table>,
}

impl Derived {
    /// Any derived table by id.
    pub fn table(&self, id: TableId) -> Option<&Table> {
        match id {
            TableId::Procurement => self.procurement.as_ref(),
            TableId::Assets => self.assets.as_ref(),
            TableId::Organisation => self.organisation.as_ref(),
            _ => self.tables.iter().find(|t| t.id == id),
        }
    }
}

/// The figures the narrative and the cross-table checks use.
#[derive(Clone, Debug, Default)]
pub struct KeyFigures {
    /// 收入总计 (= 支出总计)
    pub(crate) total: Option<Figure>,
    /// 本年收入合计
    pub(crate) revenue_this_year: Option<Figure>,
    /// Revenue by source, over all codes.
    pub revenue_by_source: BTreeMap<Source, Figure>,
    /// 支出总表 合计 by type.
    pub(crate) expenditure_by_type: BTreeMap<ExpType, Figure>,
    /// 一般公共预算 basic expenditure (table 5 合计 基本支出).
    pub(crate) general_basic: Option<Figure>,
    /// Table 6 合计: 合计, 人员经费, 公用经费.
    pub(crate) basic_total: Option<Figure>,
    pub(crate) personnel: Option<Figure>,
    pub(crate) public: Option<Figure>,
    /// 三公: items, 小计 and 合计 over all funds.
    pub(crate) sangong: BTreeMap<SangongItem, Figure>,
    pub(crate) sangong_abroad: Option<Figure>,
    pub(crate) sangong_car: Option<Figure>,
    pub(crate) sangong_subtotal: Option<Figure>,
    pub(crate) sangong_total: Option<Figure>,
    /// Project expenditure by function code (支出总表, all sources).
    pub(crate) project_by_code: BTreeMap<String, Figure>,
    /// Economic-code figures of table 6 (合计 column), for 三公 cross-checks.
    pub(crate) economic_by_code: BTreeMap<String, Figure>,
    /// 政府采购: 合计, goods (A), works (B), services (C), small-firm share.
    pub(crate) procurement_total: Option<Figure>,
    pub(crate) procurement_goods: Option<Figure>,
    pub(crate) procurement_works: Option<Figure>,
    pub(crate) procurement_services: Option<Figure>,
    pub(crate) procurement_small_firms: Option<Figure>,
    /// 资产总额
    pub(crate) assets_total: Option<Figure>,
}

/// Derives the tables of a disclosure, reporting declared totals that disagree.
pub fn derive(d: &Disclosure, diags: &mut Diagnostics) -> Derived {
    let mut out = Derived {
        organisation: organisation_table(d),
        ..Derived::default()
    };
    out.assets = d.assets.as_ref().map(|a| assets_table(a, &mut out.key));
    let Some(functions) = &d.functions else {
        out.procurement = d
            .procurement
            .as_ref()
            .map(|p| procurement_table(d, p, None, &mut out.key));
        published_cells(d, &mut out, diags);
        return out;
    };
    let trees = FunctionTrees::build(d, functions, diags);
    out.tables.push(summary_table(d, &trees, &mut out.key));
    out.tables.push(revenue_table(&trees));
    out.tables.push(expenditure_table(&trees, &mut out.key));
    out.tables.push(appropriation_table(d, &trees));
    out.tables
        .push(fund_table(TableId::GeneralBudget, Fund::General, &trees, &mut out.key));
    out.tables.push(economic_table(d, diags, &mut out.key));
    out.tables
        .push(fund_table(TableId::GovFund, Fund::GovFund, &trees, &mut out.key));
    out.tables.push(fund_table(
        TableId::StateCapital,
        Fund::StateCapital,
        &trees,
        &mut out.key,
    ));
    out.tables.push(sangong_table(d, diags, &mut out.key));
    let public = out.key.public;
    out.procurement = d
        .procurement
        .as_ref()
        .map(|p| procurement_table(d, p, public, &mut out.key));
    published_cells(d, &mut out, diags);
    out
}

/// Compares each cell the published document printed where its tables
/// disagree with the derived ones (`published.yaml`) with the derived cell,
/// by the same interval rule as a declared total: equal is silent, a
/// rounding tail is a note (and the table shows the published figure), more
/// is an error; a cell printed blank above a figure is a warning (a blank
/// is not a declared 0.00).
fn published_cells(d: &Disclosure, out: &mut Derived, diags: &mut Diagnostics) {
    for cell in &d.published {
        let table = match cell.table {
            TableId::Procurement => out.procurement.as_mut(),
            TableId::Assets => out.assets.as_mut(),
            TableId::Organisation => out.organisation.as_mut(),
            id => out.tables.iter_mut().find(|t| t.id == id),
        };
        let Some(table) = table else {
            diags.error(
                "published-cell",
                cell.loc.clone(),
                format!("this department-year has no {}", cell.table.title()),
            );
            continue;
        };
        let title = table.title;
        let Some(column) = table.columns.iter().position(|c| *c == cell.column) else {
            diags
                .error(
                    "published-cell",
                    cell.loc.clone(),
                    format!("{title} has no column `{}`", cell.column),
                )
                .help = Some(format!("columns: {}", table.columns.join(", ")));
            continue;
        };
        let Some(row) = table.rows.iter_mut().find(|r| r.key == cell.row) else {
            diags
                .error(
                    "published-cell",
                    cell.loc.clone(),
                    format!("{title} has no row `{}`", cell.row),
                )
                .help = Some("rows are named by their code or key, as `gongkai tables --format json` shows".into());
            continue;
        };
        // The row's name: its first text that is not a 序号.
        let label = row.cells.iter().find_map(|c| match c {
            Cell::Text(t) if !t.is_empty() && !t.chars().all(|ch| ch.is_ascii_digit()) => Some(t.clone()),
            _ => None,
        });
        let what = format!("{title} {} {}", label.unwrap_or_else(|| cell.row.clone()), cell.column);
        let derived = row.cells[column].figure().copied();
        match (&cell.value, derived) {
            (None, Some(derived)) if !derived.shown.is_zero() => {
                diags
                    .warning(
                        "published-blank",
                        cell.loc.clone(),
                        format!(
                            "{what} was printed blank, but the figures under it add to {}",
                            format_wan(derived.shown)
                        ),
                    )
                    .help = Some(
                    "a total left blank above figures is a slip of the published document: the table prints the sum"
                        .into(),
                );
            }
            (None, _) => {}
            (Some(published), derived) => {
                let derived_amount = derived.map_or(Amount::ZERO, |f| f.amount);
                let shown = reconcile(Some(published), derived_amount, &|| what.clone(), diags);
                if derived.is_some() && matches!(compare(published.value, derived_amount), Agreement::Tail { .. }) {
                    row.cells[column] = Cell::Amount(shown);
                }
            }
        }
    }
}

/// Compares a declared figure with its derived counterpart and returns the
/// figure the table shows.
fn reconcile(declared: Option<&Fact>, derived: Amount, what: &dyn Fn() -> String, diags: &mut Diagnostics) -> Figure {
    let Some(declared) = declared else {
        return Figure::derived(derived);
    };
    match compare(declared.value, derived) {
        Agreement::Equal => {}
        Agreement::Tail { difference, bound } => {
            diags.note(
                "total-rounding-tail",
                declared.loc.clone(),
                format!(
                    "{}: published {} but its parts add to {} (尾差 {}, within the rounding bound ±{}); the table shows the published figure",
                    what(),
                    format_wan(declared.value.wan()),
                    format_wan(derived.wan()),
                    format_difference(difference),
                    format_difference(bound),
                ),
            );
        }
        Agreement::Mismatch { difference, bound } => {
            diags
                .error(
                    "total-mismatch",
                    declared.loc.clone(),
                    format!(
                        "{}: declared {} but its parts add to {} (off by {}, more than rounding explains: ±{})",
                        what(),
                        format_wan(declared.value.wan()),
                        format_wan(derived.wan()),
                        format_difference(difference),
                        format_difference(bound),
                    ),
                )
                .help =
                Some("correct the parts or the total; a published total must equal the sum of its parts".into());
        }
    }
    Figure {
        amount: declared.value,
        shown: declared.value.wan(),
        declared: true,
    }
}

/// Notes a derived total whose shown figure differs from the sum of its
/// shown parts: amounts entered in 元 round to 万元 one by one.
fn display_tail(figure: &Figure, parts_shown: Decimal, what: &dyn Fn() -> String, loc: &Loc, diags: &mut Diagnostics) {
    if figure.declared || figure.shown == parts_shown {
        return;
    }
    diags.note(
        "display-rounding-tail",
        loc.clone(),
        format!(
            "{}: shown as {} while its parts as shown add to {} (尾差 {} from rounding 元 to 万元)",
            what(),
            format_wan(figure.shown),
            format_wan(parts_shown),
            format_difference(figure.shown - parts_shown),
        ),
    );
}

/// A declared row's cell: an empty cell of a declared row declares zero.
fn declared_cell(row_declared: bool, cell: &Option<Fact>, row_loc: &Loc) -> Option<Fact> {
    match cell {
        Some(f) => Some(f.clone()),
        None if row_declared => Some(Located {
            value: Amount::ZERO,
            loc: row_loc.clone(),
        }),
        None => None,
    }
}

/// Figures being added up: one figure passes through (keeping its declared
/// flag), more are summed.
#[derive(Clone, Copy, Default)]
struct Combined {
    count: usize,
    first: Option<Figure>,
    amount: Amount,
}

impl Combined {
    fn add(&mut self, figure: &Figure) {
        self.count += 1;
        self.first.get_or_insert(*figure);
        self.amount += figure.amount;
    }

    /// No figure is zero; one passes through; more are summed.
    fn figure(&self) -> Figure {
        match (self.count, self.first) {
            (1, Some(only)) => only,
            _ => Figure::derived(self.amount),
        }
    }
}

/// The parent of a code (`2010101` → `20101` → `201`).
fn parent_code(code: &str) -> Option<&str> {
    match code.len() {
        7 => Some(&code[..5]),
        5 => Some(&code[..3]),
        _ => None,
    }
}

/// A hierarchy of codes with per-column figures, built from leaf rows and
/// declared parent rows.
#[derive(Clone, Debug, Default)]
struct CodeTree<const N: usize> {
    nodes: BTreeMap<String, [Figure; N]>,
    total: Option<[Figure; N]>,
}

/// A row going into a [`CodeTree`].
struct TreeRow<'a, const N: usize> {
    code: Option<&'a Located<String>>,
    cells: [&'a Option<Fact>; N],
    loc: &'a Loc,
}

impl<const N: usize> CodeTree<N> {
    /// Builds the tree: leaves are codes without descendants among the rows;
    /// every ancestor is derived; rows for ancestors are declared totals.
    fn build(rows: &[TreeRow<'_, N>], label: &dyn Fn(Option<&str>, usize) -> String, diags: &mut Diagnostics) -> Self {
        let mut by_code: BTreeMap<&str, &TreeRow<N>> = BTreeMap::new();
        let mut total_row: Option<&TreeRow<N>> = None;
        for row in rows {
            let slot = match row.code {
                Some(code) => by_code.get(code.value.as_str()).copied(),
                None => total_row,
            };
            if let Some(first) = slot {
                diags.error(
                    "duplicate-row",
                    row.loc.clone(),
                    format!(
                        "row `{}` appears twice (first at line {})",
                        row.code.map_or("合计", |c| c.value.as_str()),
                        first.loc.line
                    ),
                );
                continue;
            }
            match row.code {
                Some(code) => {
                    by_code.insert(code.value.as_str(), row);
                }
                None => total_row = Some(row),
            }
        }
        let present: BTreeSet<&str> = by_code.keys().copied().collect();
        let is_leaf = |code: &str| !present.iter().any(|c| c.len() > code.len() && c.starts_with(code));
        let mut all: BTreeSet<String> = BTreeSet::new();
        for code in &present {
            let mut c = Some(*code);
            while let Some(code) = c {
                all.insert(code.to_string());
                c = parent_code(code);
            }
        }
        let mut tree = CodeTree::default();
        let mut ordered: Vec<&String> = all.iter().collect();
        ordered.sort_by_key(|c| std::cmp::Reverse(c.len()));
        for code in ordered {
            let row = by_code.get(code.as_str());
            let leaf_row = row.filter(|_| is_leaf(code));
            let figures: [Figure; N] = if let Some(row) = leaf_row {
                std::array::from_fn(|i| Figure::derived(row.cells[i].as_ref().map_or(Amount::ZERO, |f| f.value)))
            } else {
                let children: Vec<&[Figure; N]> = tree
                    .nodes
                    .iter()
                    .filter(|(c, _)| parent_code(c) == Some(code.as_str()))
                    .map(|(_, f)| f)
                    .collect();
                let first_leaf = by_code
                    .iter()
                    .find(|(c, _)| c.starts_with(code.as_str()))
                    .map(|(_, r)| r.loc);
                std::array::from_fn(|i| {
                    let derived: Amount = children.iter().map(|f| f[i].amount).sum();
                    let declared = row.and_then(|r| declared_cell(true, r.cells[i], r.loc));
                    let figure = reconcile(declared.as_ref(), derived, &|| label(Some(code), i), diags);
                    if let (None, Some(loc)) = (&declared, first_leaf) {
                        let shown = children.iter().map(|f| f[i].shown).sum();
                        display_tail(&figure, shown, &|| label(Some(code), i), loc, diags);
                    }
                    figure
                })
            };
            tree.nodes.insert(code.clone(), figures);
        }
        let top: Vec<&[Figure; N]> = tree
            .nodes
            .iter()
            .filter(|(c, _)| parent_code(c).is_none())
            .map(|(_, f)| f)
            .collect();
        tree.total = Some(std::array::from_fn(|i| {
            let derived: Amount = top.iter().map(|f| f[i].amount).sum();
            let declared = total_row.and_then(|r| declared_cell(true, r.cells[i], r.loc));
            reconcile(declared.as_ref(), derived, &|| label(None, i), diags)
        }));
        tree
    }

    fn total(&self) -> [Figure; N] {
        self.total.unwrap_or([Figure::derived(Amount::ZERO); N])
    }
}

/// The function-code trees, one per source of funds.
struct FunctionTrees {
    by_source: BTreeMap<Source, CodeTree<5>>,
    /// Printed names: as given in content, else from the list.
    names: BTreeMap<String, String>,
    year_end: Vec<(Source, Amount)>,
}

impl FunctionTrees {
    fn build(d: &Disclosure, functions: &Functions, diags: &mut Diagnostics) -> Self {
        let mut by_source = BTreeMap::new();
        let sources: BTreeSet<Source> = functions.rows.iter().map(|r| r.source).collect();
        for source in sources {
            let rows: Vec<TreeRow<5>> = functions
                .rows
                .iter()
                .filter(|r| r.source == source)
                .map(|r| TreeRow {
                    code: r.code.as_ref(),
                    cells: [
                        &r.amounts[0],
                        &r.amounts[1],
                        &r.amounts[2],
                        &r.amounts[3],
                        &r.amounts[4],
                    ],
                    loc: &r.loc,
                })
                .collect();
            let label = |code: Option<&str>, i: usize| {
                format!(
                    "{} {} ({})",
                    code.unwrap_or("合计"),
                    ExpType::ALL[i].label(),
                    source.label()
                )
            };
            by_source.insert(source, CodeTree::build(&rows, &label, diags));
        }
        let mut names = BTreeMap::new();
        for tree in by_source.values() {
            for code in tree.nodes.keys() {
                let given = functions
                    .rows
                    .iter()
                    .find(|r| r.code.as_ref().is_some_and(|c| &c.value == code))
                    .and_then(|r| r.name.as_ref().map(|n| n.value.clone()));
                let name = given.or_else(|| d.codes.function.name(code).map(str::to_string));
                names.insert(code.clone(), name.unwrap_or_default());
            }
        }
        let year_end = functions
            .year_end_carryover
            .iter()
            .map(|(s, f)| (*s, f.value))
            .collect();
        FunctionTrees {
            by_source,
            names,
            year_end,
        }
    }

    /// Codes present under any of the given sources, in code order.
    fn codes(&self, sources: &dyn Fn(Source) -> bool) -> BTreeSet<&String> {
        self.by_source
            .iter()
            .filter(|(s, _)| sources(**s))
            .flat_map(|(_, t)| t.nodes.keys())
            .collect()
    }

    /// The figure of `code` (or the 合计 when `None`) for one type, summed over sources.
    fn figure(&self, code: Option<&str>, ty: ExpType, sources: &dyn Fn(Source) -> bool) -> Figure {
        let mut sum = Combined::default();
        self.each_node(code, sources, |node| sum.add(&node[ty.index()]));
        sum.figure()
    }

    /// All types of `code` under the given sources: the one type with a
    /// figure passes through (keeping its declared flag), else the sum.
    fn all_types(&self, code: Option<&str>, sources: &dyn Fn(Source) -> bool) -> Figure {
        let mut by_type: [Combined; ExpType::ALL.len()] = Default::default();
        self.each_node(code, sources, |node| {
            for (sum, figure) in by_type.iter_mut().zip(node) {
                sum.add(figure);
            }
        });
        let mut nonzero = by_type.iter().filter(|t| !t.amount.is_zero());
        match (nonzero.next(), nonzero.next()) {
            (Some(only), None) => only.figure(),
            _ => Figure::derived(by_type.iter().map(|t| t.amount).sum()),
        }
    }

    /// Calls `each` with the figures of `code` (or the 合计) in every tree of
    /// the selected sources that has it.
    fn each_node(&self, code: Option<&str>, sources: &dyn Fn(Source) -> bool, mut each: impl FnMut(&[Figure; 5])) {
        for (source, tree) in &self.by_source {
            if !sources(*source) {
                continue;
            }
            match code {
                Some(code) => {
                    if let Some(node) = tree.nodes.get(code) {
                        each(node);
                    }
                }
                None => each(&tree.total()),
            }
        }
    }

    fn name(&self, code: &str) -> String {
        self.names.get(code).cloned().unwrap_or_default()
    }
}

fn any_source(_: Source) -> bool {
    true
}

/// Chinese numeral for row labels (一 … 九十九).
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => DIGITS[n].into(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// The 收支总表 revenue lines: label and the sources they add up.
const SUMMARY_REVENUE: [(&str, Source); 9] = [
    ("一、一般公共预算拨款收入", Source::General),
    ("二、政府性基金预算拨款收入", Source::GovFund),
    ("三、国有资本经营预算拨款收入", Source::StateCapital),
    ("四、财政专户管理资金收入", Source::SpecialAccount),
    ("五、事业收入", Source::Business),
    ("六、事业单位经营收入", Source::Operating),
    ("七、上级补助收入", Source::HigherSubsidy),
    ("八、附属单位上缴收入", Source::Affiliated),
    ("九、其他收入", Source::Other),
];

/// The 类 lines the summary tables print: the year's list, then any other 类
/// the content uses.
fn lei_lines(d: &Disclosure, trees: &FunctionTrees) -> Vec<(String, String)> {
    let mut lines: Vec<(String, String)> = d
        .codes
        .lei
        .codes()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    for code in trees.codes(&any_source) {
        if code.len() == 3 && !lines.iter().any(|(c, _)| c == code) {
            lines.push((code.clone(), trees.name(code)));
        }
    }
    lines
}

fn summary_table(d: &Disclosure, trees: &FunctionTrees, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(
        TableId::Summary,
        vec!["序号", "收入项目", "收入预算数", "支出项目", "支出预算数"],
    );
    let lei = lei_lines(d, trees);
    let revenue: Vec<Figure> = SUMMARY_REVENUE
        .iter()
        .map(|(_, source)| {
            let this_year = trees.all_types(None, &|s| s == *source);
            let year_end: Amount = trees
                .year_end
                .iter()
                .filter(|(s, _)| s == source)
                .map(|(_, a)| *a)
                .sum();
            if year_end.is_zero() {
                this_year
            } else {
                Figure::derived(this_year.amount + year_end)
            }
        })
        .collect();
    for (source, figure) in SUMMARY_REVENUE.iter().map(|(_, s)| s).zip(&revenue) {
        key.revenue_by_source.insert(*source, *figure);
    }
    let rows = lei.len().max(SUMMARY_REVENUE.len());
    for i in 0..rows {
        let (rev_label, rev) = match (SUMMARY_REVENUE.get(i), revenue.get(i)) {
            (Some((label, _)), Some(figure)) => (Cell::text(*label), Cell::Amount(*figure)),
            _ => (Cell::Blank, Cell::Blank),
        };
        let (exp_label, exp) = match lei.get(i) {
            Some((code, name)) => (
                Cell::text(format!("{}、{}", chinese_number(i + 1), name)),
                Cell::Amount(trees.all_types(Some(code), &any_source)),
            ),
            None => (Cell::Blank, Cell::Blank),
        };
        let row_key = lei.get(i).map_or_else(|| format!("line-{}", i + 1), |(c, _)| c.clone());
        t.push(
            row_key,
            0,
            vec![Cell::text((i + 1).to_string()), rev_label, rev, exp_label, exp],
        );
    }
    let revenue_total = Figure::derived(revenue.iter().map(|f| f.amount).sum());
    let spent = trees.all_types(None, &|s| !s.is_carryover());
    let carried_in = trees.all_types(None, &Source::is_carryover);
    let spent_all = trees.all_types(None, &any_source);
    let year_end = Figure::derived(trees.year_end.iter().map(|(_, a)| *a).sum());
    let _ = spent;
    let income_total = Figure::derived(revenue_total.amount + carried_in.amount);
    let expenditure_total = Figure::derived(spent_all.amount + year_end.amount);
    let n = rows;
    t.push(
        "this-year",
        0,
        vec![
            Cell::text((n + 1).to_string()),
            Cell::text("本年收入合计"),
            Cell::Amount(revenue_total),
            Cell::text("本年支出合计"),
            Cell::Amount(spent_all),
        ],
    );
    t.push(
        "carryover",
        0,
        vec![
            Cell::text((n + 2).to_string()),
            Cell::text("上年结转结余"),
            Cell::Amount(carried_in),
            Cell::text("年终结转结余"),
            Cell::Amount(year_end),
        ],
    );
    t.push(
        "total",
        0,
        vec![
            Cell::text((n + 3).to_string()),
            Cell::text("收入总计"),
            Cell::Amount(income_total),
            Cell::text("支出总计"),
            Cell::Amount(expenditure_total),
        ],
    );
    key.total = Some(income_total);
    key.revenue_this_year = Some(revenue_total);
    t
}

/// Rows of a function-code table: 合计 first, then every code in order.
fn code_rows(
    t: &mut Table,
    trees: &FunctionTrees,
    codes: &BTreeSet<&String>,
    figures: &dyn Fn(Option<&str>) -> Vec<Figure>,
) {
    let push = |t: &mut Table, key: String, code: &str, name: String, figs: Vec<Figure>| {
        let seq = t.rows.len() + 1;
        let mut cells = vec![Cell::text(seq.to_string()), Cell::text(code), Cell::text(name)];
        cells.extend(figs.into_iter().map(Cell::Amount));
        t.push(key, 0, cells);
    };
    push(t, "total".into(), "", "合计".into(), figures(None));
    for code in codes {
        push(t, (*code).clone(), code, trees.name(code), figures(Some(code)));
    }
}

fn revenue_table(trees: &FunctionTrees) -> Table {
    let mut t = Table::new(
        TableId::Revenue,
        vec![
            "序号",
            "科目编码",
            "科目名称",
            "合计",
            "本年收入小计",
            "财政拨款收入",
            "财政专户收入",
            "事业收入",
            "经营收入",
            "上级补助收入",
            "附属单位上缴收入",
            "其他收入",
            "上年结转",
        ],
    );
    let codes = trees.codes(&any_source);
    let columns: [&dyn Fn(Source) -> bool; 10] = [
        &any_source,
        &|s| !s.is_carryover(),
        &|s| matches!(s, Source::General | Source::GovFund | Source::StateCapital),
        &|s| s == Source::SpecialAccount,
        &|s| s == Source::Business,
        &|s| s == Source::Operating,
        &|s| s == Source::HigherSubsidy,
        &|s| s == Source::Affiliated,
        &|s| s == Source::Other,
        &Source::is_carryover,
    ];
    code_rows(&mut t, trees, &codes, &|code| {
        columns.iter().map(|sel| trees.all_types(code, *sel)).collect()
    });
    t
}

fn expenditure_table(trees: &FunctionTrees, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(
        TableId::Expenditure,
        vec![
            "序号",
            "科目编码",
            "科目名称",
            "合计",
            "基本支出",
            "项目支出",
            "经营支出",
            "上解上级支出",
            "对附属单位补助支出",
        ],
    );
    let codes = trees.codes(&any_source);
    code_rows(&mut t, trees, &codes, &|code| {
        let mut figs = vec![trees.all_types(code, &any_source)];
        figs.extend(ExpType::ALL.iter().map(|ty| trees.figure(code, *ty, &any_source)));
        figs
    });
    for ty in ExpType::ALL {
        key.expenditure_by_type.insert(ty, trees.figure(None, ty, &any_source));
    }
    for code in &codes {
        key.project_by_code
            .insert((*code).clone(), trees.figure(Some(code), ExpType::Project, &any_source));
    }
    t
}

fn appropriation_table(d: &Disclosure, trees: &FunctionTrees) -> Table {
    let mut t = Table::new(
        TableId::Appropriation,
        vec![
            "序号",
            "收入项目",
            "收入金额",
            "支出项目",
            "支出合计",
            "一般公共预算财政拨款",
            "政府性基金预算财政拨款",
            "国有资本经营预算财政拨款",
        ],
    );
    let lei = lei_lines(d, trees);
    let this_year = |fund: Fund| trees.all_types(None, &move |s| s.fund() == Some(fund) && !s.is_carryover());
    let carried = |fund: Fund| trees.all_types(None, &move |s| s.fund() == Some(fund) && s.is_carryover());
    let spent = |code: Option<&str>, fund: Fund| trees.all_types(code, &move |s| s.fund() == Some(fund));
    let appropriated = |s: Source| s.fund().is_some();
    let revenue = [
        ("一、一般公共预算拨款", this_year(Fund::General)),
        ("二、政府性基金预算拨款", this_year(Fund::GovFund)),
        ("三、国有资本经营预算拨款", this_year(Fund::StateCapital)),
    ];
    let rows = lei.len().max(revenue.len());
    for i in 0..rows {
        let (rev_label, rev) = match revenue.get(i) {
            Some((label, f)) => (Cell::text(*label), Cell::Amount(*f)),
            None => (Cell::Blank, Cell::Blank),
        };
        let mut cells = vec![Cell::text((i + 1).to_string()), rev_label, rev];
        match lei.get(i) {
            Some((code, name)) => {
                cells.push(Cell::text(format!("{}、{}", chinese_number(i + 1), name)));
                cells.push(Cell::Amount(trees.all_types(Some(code), &appropriated)));
                cells.extend(Fund::ALL.iter().map(|f| Cell::Amount(spent(Some(code), *f))));
            }
            None => cells.extend(std::iter::repeat_n(Cell::Blank, 5)),
        }
        let row_key = lei.get(i).map_or_else(|| format!("line-{}", i + 1), |(c, _)| c.clone());
        t.push(row_key, 0, cells);
    }
    let revenue_total = Figure::derived(revenue.iter().map(|(_, f)| f.amount).sum());
    let mut n = rows;
    let mut seq = || {
        n += 1;
        Cell::text(n.to_string())
    };
    let mut this_year_row = vec![
        seq(),
        Cell::text("本年收入合计"),
        Cell::Amount(revenue_total),
        Cell::text("本年支出合计"),
        Cell::Amount(trees.all_types(None, &appropriated)),
    ];
    this_year_row.extend(Fund::ALL.iter().map(|f| Cell::Amount(spent(None, *f))));
    t.push("this-year", 0, this_year_row);
    let year_end = |fund: Fund| {
        Figure::derived(
            trees
                .year_end
                .iter()
                .filter(|(s, _)| s.fund() == Some(fund))
                .map(|(_, a)| *a)
                .sum(),
        )
    };
    let carried_total = Figure::derived(Fund::ALL.iter().map(|f| carried(*f).amount).sum());
    let year_end_total = Figure::derived(Fund::ALL.iter().map(|f| year_end(*f).amount).sum());
    let mut carry_row = vec![
        seq(),
        Cell::text("年初财政拨款结转和结余"),
        Cell::Amount(carried_total),
        Cell::text("年末财政拨款结转和结余"),
        Cell::Amount(year_end_total),
    ];
    carry_row.extend(Fund::ALL.iter().map(|f| Cell::Amount(year_end(*f))));
    t.push("carryover", 0, carry_row);
    for (fund, (label, _)) in Fund::ALL.iter().zip(revenue.iter()) {
        let mut cells = vec![seq(), Cell::text(*label), Cell::Amount(carried(*fund))];
        cells.extend(std::iter::repeat_n(Cell::Blank, 5));
        t.push(format!("carryover-{}", fund_key(*fund)), 1, cells);
    }
    let mut total_row = vec![
        seq(),
        Cell::text("收入总计"),
        Cell::Amount(Figure::derived(revenue_total.amount + carried_total.amount)),
        Cell::text("支出总计"),
        Cell::Amount(Figure::derived(
            trees.all_types(None, &appropriated).amount + year_end_total.amount,
        )),
    ];
    total_row.extend(
        Fund::ALL
            .iter()
            .map(|f| Cell::Amount(Figure::derived(spent(None, *f).amount + year_end(*f).amount))),
    );
    t.push("total", 0, total_row);
    t
}

fn fund_key(fund: Fund) -> &'static str {
    match fund {
        Fund::General => "general",
        Fund::GovFund => "gov-fund",
        Fund::StateCapital => "state-capital",
    }
}

/// Tables 5, 7 and 8: one fund's appropriation by function code.
fn fund_table(id: TableId, fund: Fund, trees: &FunctionTrees, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(id, vec!["序号", "科目编码", "科目名称", "合计", "基本支出", "项目支出"]);
    let of_fund = move |s: Source| s.fund() == Some(fund);
    let codes = trees.codes(&of_fund);
    if codes.is_empty() {
        t.note = Some(match fund {
            Fund::General => "注：无一般公共预算财政拨款预算，空表列示。".into(),
            Fund::GovFund => "注：无政府基金预算财政拨款预算，空表列示。".into(),
            Fund::StateCapital => "注：无国有资本经营预算财政拨款预算，空表列示。".into(),
        });
        return t;
    }
    let row = |code: Option<&str>| {
        let basic = trees.figure(code, ExpType::Basic, &of_fund);
        let project = trees.figure(code, ExpType::Project, &of_fund);
        vec![combine_columns(&[basic, project]), basic, project]
    };
    code_rows(&mut t, trees, &codes, &row);
    if fund == Fund::General {
        key.general_basic = Some(trees.figure(None, ExpType::Basic, &of_fund));
    }
    t
}

/// A row's 合计 over its columns: one non-empty column passes through.
fn combine_columns(columns: &[Figure]) -> Figure {
    let nonzero: Vec<&Figure> = columns.iter().filter(|f| !f.amount.is_zero()).collect();
    match nonzero.as_slice() {
        [one] => **one,
        _ => Figure::derived(columns.iter().map(|f| f.amount).sum()),
    }
}

fn economic_table(d: &Disclosure, diags: &mut Diagnostics, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(
        TableId::BasicEconomic,
        vec!["序号", "科目编码", "科目名称", "合计", "人员经费", "公用经费"],
    );
    let Some(economic) = &d.economic else {
        t.note = Some("注：无一般公共预算财政拨款基本支出预算，空表列示。".into());
        let zero = Some(Figure::derived(Amount::ZERO));
        (key.basic_total, key.personnel, key.public) = (zero, zero, zero);
        return t;
    };
    let rows: Vec<TreeRow<2>> = economic
        .rows
        .iter()
        .map(|r| TreeRow {
            code: r.code.as_ref(),
            cells: [&r.personnel, &r.public],
            loc: &r.loc,
        })
        .collect();
    let label = |code: Option<&str>, i: usize| {
        format!(
            "{} {}",
            code.unwrap_or("合计"),
            if i == 0 { "人员经费" } else { "公用经费" }
        )
    };
    let tree = CodeTree::build(&rows, &label, diags);
    let name = |code: &str| {
        economic
            .rows
            .iter()
            .find(|r| r.code.as_ref().is_some_and(|c| c.value == code))
            .and_then(|r| r.name.as_ref().map(|n| n.value.clone()))
            .or_else(|| d.codes.economic.name(code).map(str::to_string))
            .unwrap_or_default()
    };
    let total = tree.total();
    let total_sum = combine_columns(&total);
    t.push(
        "total",
        0,
        vec![
            Cell::text("1"),
            Cell::Blank,
            Cell::text("合计"),
            Cell::Amount(total_sum),
            Cell::Amount(total[0]),
            Cell::Amount(total[1]),
        ],
    );
    for (code, figs) in &tree.nodes {
        let seq = t.rows.len() + 1;
        let sum = combine_columns(figs);
        key.economic_by_code.insert(code.clone(), sum);
        t.push(
            code.clone(),
            0,
            vec![
                Cell::text(seq.to_string()),
                Cell::text(code.clone()),
                Cell::text(name(code)),
                Cell::Amount(sum),
                Cell::Amount(figs[0]),
                Cell::Amount(figs[1]),
            ],
        );
    }
    key.basic_total = Some(total_sum);
    key.personnel = Some(total[0]);
    key.public = Some(total[1]);
    t
}

fn sangong_table(d: &Disclosure, diags: &mut Diagnostics, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(
        TableId::Sangong,
        vec![
            "序号",
            "项目",
            "合计",
            "一般公共预算财政拨款",
            "政府性基金预算拨款",
            "国有资本经营预算财政拨款",
        ],
    );
    let empty = Sangong::default();
    let s = d.sangong.as_ref().unwrap_or(&empty);
    let leaf = |f: &FundFacts| -> [Figure; 3] {
        std::array::from_fn(|i| Figure::derived(f.0[i].as_ref().map_or(Amount::ZERO, |x| x.value)))
    };
    let group =
        |parts: &[&[Figure; 3]], declared: &Option<FundFacts>, what: &str, diags: &mut Diagnostics| -> [Figure; 3] {
            std::array::from_fn(|i| {
                let derived: Amount = parts.iter().map(|p| p[i].amount).sum();
                let row_loc = s.loc.clone().unwrap_or_else(|| d.unit.loc.clone());
                let declared = declared.as_ref().and_then(|f| declared_cell(true, &f.0[i], &row_loc));
                reconcile(
                    declared.as_ref(),
                    derived,
                    &|| format!("三公 {what} ({})", ["一般公共预算", "政府性基金", "国有资本经营"][i]),
                    diags,
                )
            })
        };
    let teaching = leaf(&s.abroad_teaching);
    let other = leaf(&s.abroad_other);
    let purchase = leaf(&s.car_purchase);
    let running = leaf(&s.car_running);
    let reception = leaf(&s.reception);
    let meeting = s.meeting.as_ref().map(leaf);
    let training = s.training.as_ref().map(leaf);
    let abroad = group(&[&teaching, &other], &s.declared_abroad, "因公出国（境）费", diags);
    let car = group(&[&purchase, &running], &s.declared_car, "公务用车购置及运维费", diags);
    let subtotal = group(
        &[&abroad, &car, &reception],
        &s.declared_subtotal,
        "“三公”经费小计",
        diags,
    );
    let zero = [Figure::derived(Amount::ZERO); 3];
    let total = group(
        &[
            &subtotal,
            meeting.as_ref().unwrap_or(&zero),
            training.as_ref().unwrap_or(&zero),
        ],
        &s.declared_total,
        "合计",
        diags,
    );
    let mut rows: Vec<(&str, u8, &str, [Figure; 3])> = vec![
        ("total", 0, "合计", total),
        ("subtotal", 0, "“三公”经费小计", subtotal),
        ("abroad", 0, "一、因公出国（境）费", abroad),
        ("abroad-teaching", 1, "其中：教学科研人员因公出国（境）费", teaching),
        ("abroad-other", 2, "其他因公出国（境）费", other),
        ("car", 0, "二、公务用车购置及运维费", car),
        ("car-purchase", 1, "其中：公务用车购置费", purchase),
        ("car-running", 2, "公务用车运行维护费", running),
        ("reception", 0, "三、公务接待费", reception),
    ];
    if s.has_meeting_training() {
        rows.push(("meeting", 0, "四、会议费", meeting.unwrap_or(zero)));
        rows.push(("training", 0, "五、培训费", training.unwrap_or(zero)));
    }
    for (i, (row_key, indent, label, figs)) in rows.iter().enumerate() {
        let sum = combine_columns(figs);
        let mut cells = vec![Cell::text((i + 1).to_string()), Cell::text(*label), Cell::Amount(sum)];
        cells.extend(figs.iter().map(|f| Cell::Amount(*f)));
        t.push(*row_key, *indent, cells);
    }
    let sum = |figs: &[Figure; 3]| combine_columns(figs);
    key.sangong.insert(SangongItem::AbroadTeaching, sum(&teaching));
    key.sangong.insert(SangongItem::AbroadOther, sum(&other));
    key.sangong.insert(SangongItem::CarPurchase, sum(&purchase));
    key.sangong.insert(SangongItem::CarRunning, sum(&running));
    key.sangong.insert(SangongItem::Reception, sum(&reception));
    if let Some(m) = &meeting {
        key.sangong.insert(SangongItem::Meeting, sum(m));
    }
    if let Some(tr) = &training {
        key.sangong.insert(SangongItem::Training, sum(tr));
    }
    key.sangong_abroad = Some(sum(&abroad));
    key.sangong_car = Some(sum(&car));
    key.sangong_subtotal = Some(sum(&subtotal));
    key.sangong_total = Some(sum(&total));
    t
}

/// The name procurement tables give routine public expenditure as a source.
pub(crate) const ROUTINE_PROJECT: &str = "日常公用经费项目";

/// The budget a procurement line's source project has: the project's budget,
/// or 公用经费 for routine expenditure.
pub(crate) fn procurement_source_budget(d: &Disclosure, public: Option<Figure>, name: &str) -> Option<Amount> {
    if name == ROUTINE_PROJECT || name == "日常公用经费" {
        return public.map(|f| f.amount);
    }
    let p = d.projects.as_ref()?.projects.iter().find(|p| p.name.value == name)?;
    if !p.has_budget {
        return None;
    }
    Some(p.declared_budget.as_ref().map_or_else(|| p.budget(), |f| f.value))
}

fn procurement_table(d: &Disclosure, p: &Procurement, public: Option<Figure>, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(
        TableId::Procurement,
        vec![
            "项目名称",
            "预算资金",
            "采购物品名称",
            "政府采购目录序号",
            "计量单位",
            "数量",
            "单价",
            "合计",
            "一般公共预算拨款",
            "基金预算拨款",
            "国有资本经营预算拨款",
            "财政专户核拨",
            "单位资金",
            "财政拨款结转",
            "非财政拨款结转结余",
            "预留中小微企业份额",
        ],
    );
    t.note = p.note.clone();
    let funds_of = |lines: &[&ProcurementLine]| -> [Amount; 7] {
        std::array::from_fn(|i| lines.iter().filter_map(|l| l.funds[i].as_ref().map(|f| f.value)).sum())
    };
    let summary_row = |label: String, lines: &[&ProcurementLine], declared: (Option<&Fact>, Option<&Fact>)| {
        let funds = funds_of(lines);
        let total: Amount = funds.iter().copied().sum();
        let small: Amount = lines
            .iter()
            .filter_map(|l| l.small_firms.as_ref().map(|f| f.value))
            .sum();
        let show = |declared: Option<&Fact>, derived: Amount| match declared {
            Some(f) => Figure {
                amount: f.value,
                shown: f.value.wan(),
                declared: true,
            },
            None => Figure::derived(derived),
        };
        let mut cells = vec![Cell::text(label)];
        cells.extend(std::iter::repeat_n(Cell::Blank, 6));
        cells.push(Cell::Amount(show(declared.0, total)));
        cells.extend(funds.iter().map(|a| Cell::amount(*a)));
        cells.push(Cell::Amount(show(declared.1, small)));
        (cells, total, small)
    };
    let all: Vec<&ProcurementLine> = p.lines.iter().collect();
    let (cells, total, small) = summary_row(
        "合  计".into(),
        &all,
        (p.declared_total.as_ref(), p.declared_small_firms.as_ref()),
    );
    t.push("total", 0, cells);
    let mut units: Vec<Option<&str>> = Vec::new();
    for line in &p.lines {
        if !units.contains(&line.unit.as_deref()) {
            units.push(line.unit.as_deref());
        }
    }
    for (index, unit) in units.iter().enumerate() {
        let lines: Vec<&ProcurementLine> = p.lines.iter().filter(|l| l.unit.as_deref() == *unit).collect();
        if let Some(unit) = unit {
            let (cells, _, _) = summary_row(format!("{unit}小计"), &lines, (None, None));
            t.push(format!("unit-{}", index + 1), 0, cells);
        }
        for line in lines {
            let budget = line
                .declared_project_budget
                .as_ref()
                .map(|f| Figure {
                    amount: f.value,
                    shown: f.value.wan(),
                    declared: true,
                })
                .or_else(|| procurement_source_budget(d, public, &line.project.value).map(Figure::derived));
            let mut cells = vec![
                Cell::text(line.project.value.clone()),
                budget.map_or(Cell::Blank, Cell::Amount),
                Cell::text(line.item.clone()),
                Cell::text(line.catalogue.value.clone()),
                Cell::text(line.measure.clone().unwrap_or_default()),
                Cell::text(
                    line.quantity
                        .as_ref()
                        .map_or_else(String::new, |q| q.value.normalize().to_string()),
                ),
                line.unit_price.as_ref().map_or(Cell::Blank, |f| Cell::amount(f.value)),
                Cell::amount(line.amount()),
            ];
            cells.extend(
                line.funds
                    .iter()
                    .map(|f| f.as_ref().map_or(Cell::Blank, |f| Cell::amount(f.value))),
            );
            cells.push(line.small_firms.as_ref().map_or(Cell::Blank, |f| Cell::amount(f.value)));
            let seq = t.rows.len() + 1;
            t.push(format!("line-{seq}"), 0, cells);
        }
    }
    let kind = |prefix: char| -> Amount {
        p.lines
            .iter()
            .filter(|l| l.catalogue.value.starts_with(prefix))
            .map(|l| l.amount())
            .sum()
    };
    key.procurement_total = Some(p.declared_total.as_ref().map_or_else(
        || Figure::derived(total),
        |f| Figure {
            amount: f.value,
            shown: f.value.wan(),
            declared: true,
        },
    ));
    key.procurement_goods = Some(Figure::derived(kind('A')));
    key.procurement_works = Some(Figure::derived(kind('B')));
    key.procurement_services = Some(Figure::derived(kind('C')));
    key.procurement_small_firms = Some(p.declared_small_firms.as_ref().map_or_else(
        || Figure::derived(small),
        |f| Figure {
            amount: f.value,
            shown: f.value.wan(),
            declared: true,
        },
    ));
    t
}

fn assets_table(a: &Assets, key: &mut KeyFigures) -> Table {
    let mut t = Table::new(TableId::Assets, vec!["项目", "数量", "价值"]);
    t.note = a.note.clone();
    let derived: Amount = AssetCategory::ALL
        .iter()
        .zip(&a.lines)
        .filter(|(c, _)| c.in_total())
        .filter_map(|(_, l)| l.value.as_ref().map(|v| v.value))
        .sum();
    let total = a.declared_total.as_ref().map_or_else(
        || Figure::derived(derived),
        |f| Figure {
            amount: f.value,
            shown: f.value.wan(),
            declared: true,
        },
    );
    // A table that states no figure at all prints no total: a blank is not
    // a 0.00 (the department says why in the table's note).
    let stated = a.declared_total.is_some() || a.lines.iter().any(|l| l.value.is_some());
    t.push(
        "total",
        0,
        vec![
            Cell::text("资产总额"),
            Cell::Blank,
            if stated { Cell::Amount(total) } else { Cell::Blank },
        ],
    );
    let keys = ["buildings", "office-buildings", "vehicles", "equipment", "other"];
    for ((category, line), row_key) in AssetCategory::ALL.iter().zip(&a.lines).zip(keys) {
        let indent = u8::from(*category == AssetCategory::OfficeBuildings);
        t.push(
            row_key,
            indent,
            vec![
                Cell::text(category.label().trim_start_matches('　')),
                Cell::text(
                    line.quantity
                        .as_ref()
                        .map_or_else(String::new, |q| q.value.normalize().to_string()),
                ),
                line.value.as_ref().map_or(Cell::Blank, |v| Cell::amount(v.value)),
            ],
        );
    }
    key.assets_total = stated.then_some(total);
    t
}

fn organisation_table(d: &Disclosure) -> Option<Table> {
    if d.organisation.is_empty() {
        return None;
    }
    let mut t = Table::new(
        TableId::Organisation,
        vec!["单位名称", "单位性质", "单位规格", "经费保障形式"],
    );
    for (i, u) in d.organisation.iter().enumerate() {
        let text = |v: &Option<String>| Cell::text(v.clone().unwrap_or_default());
        t.push(
            u.code.clone().unwrap_or_else(|| format!("unit-{}", i + 1)),
            0,
            vec![
                Cell::text(u.name.clone()),
                text(&u.kind),
                text(&u.rank),
                text(&u.funding),
            ],
        );
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_for_row_labels() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(11), "十一");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(31), "三十一");
    }

    #[test]
    fn parents_of_codes() {
        assert_eq!(parent_code("2010101"), Some("20101"));
        assert_eq!(parent_code("20101"), Some("201"));
        assert_eq!(parent_code("201"), None);
    }
}
