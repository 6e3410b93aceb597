//! Downloads: CSV per table, JSON of the model, an .xlsx workbook, and the
//! site-wide open-data file.
//!
//! Everything here walks the derived tables and facts; nothing is added up
//! again. Amounts leave as the 万元 figures the tables print, as text with two
//! decimals (CSV, JSON) or, in the workbook only, as numbers formatted `0.00`.
//! Every output is deterministic: the same content gives the same bytes.

use gongkai_derive::facts::FactEntry;
use gongkai_model::amount::format_wan;
use gongkai_model::disclosure::{Located, Project};
use gongkai_model::table::{Cell, Figure, Table, TableId};
use gongkai_ooxml::xlsx::{Align, Properties, Style, StyleId, Value, Workbook, Worksheet, Writer, XlsxError};
use gongkai_render::Checked;
use gongkai_render::output::OutputFile;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Why a download could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The department-year publishes none of the nine tables (a year of
    /// performance targets only): there is no workbook to make.
    #[error("{code} {year}: no budget tables to put in a workbook")]
    NoTables {
        /// Department code.
        code: String,
        /// Budget year.
        year: u16,
    },
    /// The workbook writer failed.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// Whether a table is one of the nine standard tables (which carry a 栏次 row).
fn is_numbered(id: TableId) -> bool {
    TableId::ALL.contains(&id)
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

const BOM: &str = "\u{feff}";

/// One CSV field, quoted per RFC 4180 when it holds a comma, a quote or a
/// line break (quotes doubled). Text a spreadsheet would run as a formula is
/// neutralised first (see [`neutralise_formula`]).
fn csv_field(text: &str) -> String {
    let text = neutralise_formula(text);
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.into_owned()
    }
}

/// OWASP's rule against CSV injection: a cell that starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is read by Excel and LibreOffice as
/// a formula (`=HYPERLINK(…)`, `@SUM(…)`), so it is prefixed with `'`, which
/// makes the spreadsheet show it as text. A number (`-120.10`, a negative
/// change) is left alone: it is data, and a formula cannot hide in it.
fn neutralise_formula(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = text.strip_prefix(['-', '+']).is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.') && rest.matches('.').count() <= 1
    });
    if risky && !number {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Appends one CSV record ending in CRLF.
fn csv_record<S: AsRef<str>>(out: &mut String, fields: impl IntoIterator<Item = S>) {
    let fields: Vec<String> = fields.into_iter().map(|f| csv_field(f.as_ref())).collect();
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// The 栏次 line: `栏次,1,2,…` over the columns after the first.
fn numbering_row(columns: usize) -> Vec<String> {
    let mut cells = vec!["栏次".to_string()];
    cells.extend((1..columns).map(|i| i.to_string()));
    cells
}

/// CSV of one table: UTF-8 with BOM (Excel opens it as is), CRLF line ends,
/// RFC 4180 quoting; header row = `table.columns`; for the nine tables a
/// second row `栏次,1,2,…`; then the rows as printed (amount cells as
/// `2100.32`, zero as empty, text as is); a final line with the table's note
/// if any.
pub fn table_csv(table: &Table) -> Vec<u8> {
    let mut out = String::from(BOM);
    csv_record(&mut out, table.columns.iter());
    if is_numbered(table.id) {
        csv_record(&mut out, numbering_row(table.columns.len()));
    }
    for row in &table.rows {
        csv_record(&mut out, row.cells.iter().map(Cell::display));
    }
    if let Some(note) = &table.note {
        csv_record(&mut out, [note]);
    }
    out.into_bytes()
}

// ---------------------------------------------------------------------------
// JSON of the model
// ---------------------------------------------------------------------------

/// Version of the JSON layout (see docs/json.md): raised on any change that
/// could break a reader; fields may be added without raising it.
pub(crate) const MODEL_JSON_VERSION: u32 = 1;

/// A 万元 figure as text with two decimals: `2100.32`, `0.00`, `-120.10`.
fn wan(figure: &Figure) -> String {
    format_wan(figure.shown)
}

/// An entered amount (in the folder's unit) as a 万元 figure with two decimals.
fn fact_wan(fact: &Option<Located<gongkai_model::amount::Amount>>) -> Option<String> {
    fact.as_ref().map(|f| format_wan(f.value.wan()))
}

/// An exact decimal (a percentage) as text, trailing zeros dropped.
fn decimal_text(value: Decimal) -> String {
    let v = value.normalize();
    if v.is_zero() { "0".into() } else { v.to_string() }
}

#[derive(Serialize)]
struct ModelJson<'a> {
    format: &'static str,
    version: u32,
    unit: UnitJson<'a>,
    tables: Vec<TableJson<'a>>,
    facts: BTreeMap<&'a str, FactJson<'a>>,
    projects: Vec<ProjectJson<'a>>,
    procurement: Option<TableJson<'a>>,
    assets: Option<AssetsJson<'a>>,
    organisation: Option<TableJson<'a>>,
    prior: Option<PriorJson>,
    narrative: NarrativeJson<'a>,
}

#[derive(Serialize)]
struct UnitJson<'a> {
    code: &'a str,
    name: &'a str,
    level: &'a str,
    province: Option<&'a str>,
    locality: &'a str,
    year: u16,
    /// 区划代码, when the content gives it.
    region: Option<&'a str>,
    /// 预算 or 决算.
    phase: &'static str,
    /// 部门 or 单位.
    scope: &'static str,
    /// The unit's code when `scope` is 单位.
    unit_code: Option<&'a str>,
    /// The unit of every amount in this file: always 万元.
    amount_unit: &'static str,
    /// The unit the content was entered in (万元 or 元).
    entered_in: &'static str,
}

#[derive(Serialize)]
struct TableJson<'a> {
    id: &'static str,
    /// 1–9 for the nine tables, null for the others.
    number: Option<usize>,
    title: &'static str,
    columns: &'a [&'static str],
    rows: Vec<RowJson<'a>>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct RowJson<'a> {
    key: &'a str,
    indent: u8,
    cells: Vec<CellJson<'a>>,
}

/// A cell: a string (text), `{value, declared}` (amount) or null (blank).
#[derive(Serialize)]
#[serde(untagged)]
enum CellJson<'a> {
    Text(&'a str),
    Amount { value: String, declared: bool },
    Blank,
}

#[derive(Serialize)]
struct FactJson<'a> {
    value: String,
    label: &'static str,
    cell: Option<CellRefJson<'a>>,
}

#[derive(Serialize)]
struct CellRefJson<'a> {
    table: &'static str,
    row: &'a str,
    column: &'static str,
}

#[derive(Serialize)]
struct ProjectJson<'a> {
    name: &'a str,
    code: Option<&'a str>,
    unit: Option<&'a str>,
    function_code: Option<&'a str>,
    budget: Option<BudgetJson>,
    use_of_funds: Option<&'a str>,
    spending_plan: Option<SpendingPlanJson>,
    goals: Vec<&'a str>,
    indicators: Vec<IndicatorJson<'a>>,
}

#[derive(Serialize)]
struct BudgetJson {
    /// 预算数: the declared figure if any, else 财政资金 + 其他资金.
    total: String,
    declared: bool,
    fiscal: Option<String>,
    other: Option<String>,
}

/// Cumulative spending in % by the end of March, June, October, December.
#[derive(Serialize)]
struct SpendingPlanJson {
    march: Option<String>,
    june: Option<String>,
    october: Option<String>,
    december: Option<String>,
}

#[derive(Serialize)]
struct IndicatorJson<'a> {
    level1: &'a str,
    level2: &'a str,
    name: &'a str,
    description: &'a str,
    value: &'a str,
    basis: &'a str,
}

#[derive(Serialize)]
struct AssetsJson<'a> {
    as_of: Option<&'a str>,
    #[serde(flatten)]
    table: TableJson<'a>,
}

#[derive(Serialize)]
struct PriorJson {
    year: u16,
    total: Option<String>,
    basic: Option<String>,
    project: Option<String>,
    personnel: Option<String>,
    public: Option<String>,
    sangong_total: Option<String>,
    sangong_abroad: Option<String>,
    sangong_car_purchase: Option<String>,
    sangong_car_running: Option<String>,
    sangong_reception: Option<String>,
    sangong_meeting: Option<String>,
    sangong_training: Option<String>,
}

#[derive(Serialize)]
struct NarrativeJson<'a> {
    preamble: Vec<&'a str>,
    duties: Vec<&'a str>,
    overview: Vec<&'a str>,
    project_purposes: Option<&'a str>,
    change_reasons: ChangeReasonsJson<'a>,
    running_costs_use: Option<&'a str>,
    sangong_change: Option<&'a str>,
    performance: PerformanceJson<'a>,
    procurement_intro: Option<&'a str>,
    glossary: Vec<GlossaryJson<'a>>,
    other_matters: Vec<&'a str>,
    /// The rendered sections of the document (generated sentences included),
    /// in document order; empty when the document did not render.
    sections: Vec<SectionJson<'a>>,
}

#[derive(Serialize)]
struct ChangeReasonsJson<'a> {
    total: Option<&'a str>,
    basic: Option<&'a str>,
    project: Option<&'a str>,
}

#[derive(Serialize)]
struct PerformanceJson<'a> {
    overall: Vec<&'a str>,
    sub_goals: Vec<SubGoalJson<'a>>,
    safeguards: Vec<&'a str>,
}

#[derive(Serialize)]
struct SubGoalJson<'a> {
    title: &'a str,
    goal: &'a str,
    indicators: &'a str,
}

#[derive(Serialize)]
struct GlossaryJson<'a> {
    term: &'a str,
    definition: &'a str,
}

#[derive(Serialize)]
struct SectionJson<'a> {
    id: &'a str,
    text: &'a str,
}

fn table_json(table: &Table) -> TableJson<'_> {
    TableJson {
        id: table.id.slug(),
        number: is_numbered(table.id).then(|| table.id.number()),
        title: table.title,
        columns: &table.columns,
        rows: table
            .rows
            .iter()
            .map(|row| RowJson {
                key: &row.key,
                indent: row.indent,
                cells: row
                    .cells
                    .iter()
                    .map(|cell| match cell {
                        Cell::Text(s) => CellJson::Text(s),
                        Cell::Amount(f) => CellJson::Amount {
                            value: wan(f),
                            declared: f.declared,
                        },
                        Cell::Blank => CellJson::Blank,
                    })
                    .collect(),
            })
            .collect(),
        note: table.note.as_deref(),
    }
}

fn fact_json(entry: &FactEntry) -> FactJson<'_> {
    FactJson {
        value: entry.text(),
        label: entry.label,
        cell: entry.cell.as_ref().map(|c| CellRefJson {
            table: c.table.slug(),
            row: &c.row,
            column: c.column,
        }),
    }
}

fn project_json(p: &Project) -> ProjectJson<'_> {
    let budget = p.has_budget.then(|| {
        let (total, declared) = match &p.declared_budget {
            Some(f) => (f.value, true),
            None => (p.budget(), false),
        };
        BudgetJson {
            total: format_wan(total.wan()),
            declared,
            fiscal: fact_wan(&p.fiscal),
            other: fact_wan(&p.other),
        }
    });
    let spending_plan = p.spending_plan.as_ref().map(|plan| {
        let pct = |i: usize| plan[i].as_ref().map(|v| decimal_text(v.value));
        SpendingPlanJson {
            march: pct(0),
            june: pct(1),
            october: pct(2),
            december: pct(3),
        }
    });
    ProjectJson {
        name: &p.name.value,
        code: p.code.as_ref().map(|c| c.value.as_str()),
        unit: p.unit.as_deref(),
        function_code: p.function_code.as_ref().map(|c| c.value.as_str()),
        budget,
        use_of_funds: p.use_of_funds.as_deref(),
        spending_plan,
        goals: p.goals.iter().map(|g| g.value.as_str()).collect(),
        indicators: p
            .indicators
            .iter()
            .map(|i| IndicatorJson {
                level1: &i.level1,
                level2: &i.level2,
                name: &i.name,
                description: &i.description,
                value: &i.value.value,
                basis: &i.basis,
            })
            .collect(),
    }
}

fn texts(lines: &[Located<String>]) -> Vec<&str> {
    lines.iter().map(|l| l.value.as_str()).collect()
}

fn text(line: &Option<Located<String>>) -> Option<&str> {
    line.as_ref().map(|l| l.value.as_str())
}

/// The whole model of one department-year as pretty JSON (layout in
/// docs/json.md): unit, the nine tables, facts, projects, procurement,
/// assets, organisation, prior-year figures and narrative texts. Keys come in
/// a fixed order; every amount is a string of 万元 with two decimals, never a
/// JSON number.
pub fn model_json(c: &Checked) -> String {
    let d = &c.disclosure;
    let u = &d.unit;
    let n = &d.narrative;
    let model = ModelJson {
        format: "gongkai-model",
        version: MODEL_JSON_VERSION,
        unit: UnitJson {
            code: &u.code,
            name: &u.name,
            level: &u.level,
            province: u.province.as_deref(),
            locality: &u.locality,
            year: u.year,
            region: u.region.as_deref(),
            phase: u.phase.label(),
            scope: u.scope.label(),
            unit_code: match &u.scope {
                gongkai_model::identity::Scope::Unit(code) => Some(code),
                gongkai_model::identity::Scope::Department => None,
            },
            amount_unit: "万元",
            entered_in: u.amount_unit.label(),
        },
        tables: c.derived.tables.iter().map(table_json).collect(),
        facts: c.facts.iter().map(|(id, e)| (id, fact_json(e))).collect(),
        projects: d
            .projects
            .as_ref()
            .map(|p| p.projects.iter().map(project_json).collect())
            .unwrap_or_default(),
        procurement: c.derived.procurement.as_ref().map(table_json),
        assets: c.derived.assets.as_ref().map(|t| AssetsJson {
            as_of: d.assets.as_ref().and_then(|a| a.as_of.as_deref()),
            table: table_json(t),
        }),
        organisation: c.derived.organisation.as_ref().map(table_json),
        prior: d.prior.as_ref().map(|p| PriorJson {
            year: p.year,
            total: fact_wan(&p.total),
            basic: fact_wan(&p.basic),
            project: fact_wan(&p.project),
            personnel: fact_wan(&p.personnel),
            public: fact_wan(&p.public),
            sangong_total: fact_wan(&p.sangong_total),
            sangong_abroad: fact_wan(&p.sangong_abroad),
            sangong_car_purchase: fact_wan(&p.sangong_car_purchase),
            sangong_car_running: fact_wan(&p.sangong_car_running),
            sangong_reception: fact_wan(&p.sangong_reception),
            sangong_meeting: fact_wan(&p.sangong_meeting),
            sangong_training: fact_wan(&p.sangong_training),
        }),
        narrative: NarrativeJson {
            preamble: texts(&n.preamble),
            duties: texts(&n.duties),
            overview: texts(&n.overview),
            project_purposes: text(&n.project_purposes),
            change_reasons: ChangeReasonsJson {
                total: text(&n.change_reason_total),
                basic: text(&n.change_reason_basic),
                project: text(&n.change_reason_project),
            },
            running_costs_use: text(&n.running_costs_use),
            sangong_change: text(&n.sangong_change),
            performance: PerformanceJson {
                overall: texts(&n.performance_overall),
                sub_goals: n
                    .performance_sub_goals
                    .iter()
                    .map(|g| SubGoalJson {
                        title: &g.title.value,
                        goal: &g.goal.value,
                        indicators: &g.indicators.value,
                    })
                    .collect(),
                safeguards: texts(&n.performance_safeguards),
            },
            procurement_intro: text(&n.procurement_intro),
            glossary: n
                .glossary
                .iter()
                .map(|(term, definition)| GlossaryJson {
                    term: &term.value,
                    definition: &definition.value,
                })
                .collect(),
            other_matters: texts(&n.other_matters),
            sections: c
                .document
                .as_ref()
                .map(|doc| doc.sections.iter().map(|(id, text)| SectionJson { id, text }).collect())
                .unwrap_or_default(),
        },
    };
    // Compact: a third of the pretty-printed size, and the model is the
    // largest file of a department-year (`jq .` prints it indented).
    let mut json = serde_json::to_string(&model).expect("the model serialises: plain strings and maps");
    json.push('\n');
    json
}

// ---------------------------------------------------------------------------
// Workbook
// ---------------------------------------------------------------------------

/// The worksheet name of each of the nine tables: short (Excel allows 31
/// characters) and free of the characters Excel forbids (`[]:*?/\`).
pub fn sheet_name(id: TableId) -> &'static str {
    match id {
        TableId::Summary => "表1 收支总表",
        TableId::Revenue => "表2 收入总表",
        TableId::Expenditure => "表3 支出总表",
        TableId::Appropriation => "表4 财政拨款收支总表",
        TableId::GeneralBudget => "表5 一般公共预算支出表",
        TableId::BasicEconomic => "表6 一般公共预算基本支出表",
        TableId::GovFund => "表7 政府性基金预算支出表",
        TableId::StateCapital => "表8 国有资本经营预算支出表",
        TableId::Sangong => "表9 三公经费支出表",
        TableId::Procurement => "政府采购预算",
        TableId::Assets => "固定资产占用情况表",
        TableId::Organisation => "机构设置情况",
    }
}

/// The cell styles of a table sheet.
struct Styles {
    title: StyleId,
    unit_right: StyleId,
    header: StyleId,
    numbering: StyleId,
    /// Text cells by indent level (0, 1, 2).
    text: [StyleId; 3],
    amount: StyleId,
    note: StyleId,
}

impl Styles {
    fn new(wb: &mut Workbook<'_>) -> Self {
        let cell = Style {
            border: true,
            ..Style::default()
        };
        let mut text = |indent: u8| wb.add_style(Style { indent, ..cell.clone() });
        let text = [text(0), text(1), text(2)];
        Styles {
            title: wb.add_style(Style {
                bold: true,
                size: Some(16),
                align: Align::Center,
                ..Style::default()
            }),
            unit_right: wb.add_style(Style {
                align: Align::Right,
                ..Style::default()
            }),
            header: wb.add_style(Style {
                bold: true,
                wrap: true,
                align: Align::Center,
                vertical_center: true,
                ..cell.clone()
            }),
            numbering: wb.add_style(Style {
                align: Align::Center,
                ..cell.clone()
            }),
            text,
            amount: wb.add_style(Style {
                number_format: Some("0.00".into()),
                ..cell
            }),
            note: wb.add_style(Style {
                wrap: true,
                ..Style::default()
            }),
        }
    }
}

/// Width of a text in Excel character units: CJK and other wide characters
/// take two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Characters of an amount as the table prints it, with two decimals
/// (`-2100.32` is 8; zero prints nothing), counted without printing it.
fn amount_width(amount: Decimal) -> usize {
    if amount.is_zero() {
        return 0;
    }
    let whole = amount.abs().round_dp(2).trunc().mantissa();
    let digits = std::iter::successors(Some(whole), |n| (*n >= 10).then_some(n / 10)).count();
    usize::from(amount.is_sign_negative() && !amount.is_zero()) + digits + 3
}

/// Writes `text` over the columns `first..=last` of `row`, merged if more than one.
fn write_across<'a>(
    ws: &mut Worksheet<'a>,
    row: u32,
    first: u16,
    last: u16,
    text: impl Into<Value<'a>>,
    style: StyleId,
) -> Result<(), DownloadError> {
    ws.merge((row, first), (row, last), text, style)?;
    Ok(())
}

/// One table as a sheet: title, unit line, header, 栏次, data, note.
fn write_table_sheet<'a>(
    ws: &mut Worksheet<'a>,
    table: &'a Table,
    c: &Checked,
    s: &Styles,
) -> Result<(), DownloadError> {
    let u = &c.disclosure.unit;
    let columns = u16::try_from(table.columns.len()).unwrap_or(u16::MAX).max(1);
    let last = columns - 1;
    let mut widths: Vec<usize> = table.columns.iter().map(|c| display_width(c)).collect();

    ws.set_row_height(0, 28)?;
    write_across(ws, 0, 0, last, table.title, s.title)?;
    let unit = format!("{}{}", u.code, u.name);
    let year = format!("预算年度：{}", u.year);
    if columns >= 3 {
        write_across(ws, 1, 0, last - 2, unit, StyleId::DEFAULT)?;
        // Wide enough not to clip (a right-aligned string may not overflow).
        for (col, text) in [(last - 1, year.as_str()), (last, "单位：万元")] {
            let width = &mut widths[usize::from(col)];
            *width = (*width).max(display_width(text));
        }
        ws.write(1, last - 1, year, s.unit_right)?;
        ws.write(1, last, "单位：万元", s.unit_right)?;
    } else {
        write_across(ws, 1, 0, last, format!("{unit}　{year}　单位：万元"), StyleId::DEFAULT)?;
    }

    for (col, label) in (0u16..).zip(&table.columns) {
        ws.write(2, col, *label, s.header)?;
    }
    let mut row_index: u32 = 3;
    if is_numbered(table.id) {
        for (col, label) in (0u16..).zip(numbering_row(table.columns.len())) {
            ws.write(row_index, col, label, s.numbering)?;
        }
        row_index += 1;
    }
    ws.freeze_rows(row_index)?;

    let numbered_rows = table.columns.first() == Some(&"序号");
    for row in &table.rows {
        // The row's indent applies to its label: the first text that is not
        // the 序号.
        let label = row
            .cells
            .iter()
            .enumerate()
            .position(|(i, cell)| matches!(cell, Cell::Text(s) if !(i == 0 && numbered_rows)));
        for (col, cell) in (0u16..).zip(&row.cells) {
            match cell {
                Cell::Text(text) if col == 0 && numbered_rows => {
                    ws.write(row_index, col, text.as_str(), s.numbering)?;
                }
                Cell::Text(text) => {
                    let indent = if label == Some(usize::from(col)) { row.indent } else { 0 };
                    ws.write(row_index, col, text.as_str(), s.text[usize::from(indent).min(2)])?;
                }
                Cell::Amount(figure) if figure.shown.is_zero() => {
                    ws.write(row_index, col, Value::Blank, s.amount)?;
                }
                Cell::Amount(figure) => {
                    // The exact 万元 figure, written as its decimal text;
                    // the `0.00` format shows its two decimals.
                    ws.write(row_index, col, figure.shown, s.amount)?;
                }
                Cell::Blank => {
                    ws.write(row_index, col, Value::Blank, s.text[0])?;
                }
            }
            if let Some(width) = widths.get_mut(usize::from(col)) {
                let indent = if label == Some(usize::from(col)) {
                    2 * usize::from(row.indent)
                } else {
                    0
                };
                let shown = match cell {
                    Cell::Text(text) => display_width(text),
                    // Digits, sign and point: all one wide.
                    Cell::Amount(figure) => amount_width(figure.shown),
                    Cell::Blank => 0,
                };
                *width = (*width).max(shown + indent);
            }
        }
        row_index += 1;
    }

    if let Some(note) = &table.note {
        write_across(ws, row_index, 0, last, note.as_str(), s.note)?;
    }
    for (col, width) in (0u16..).zip(&widths) {
        // Padding of two; wide columns wrap their header instead of growing.
        let width = (*width + 2).clamp(6, 48);
        ws.set_column_width(col, u16::try_from(width).unwrap_or(48))?;
    }
    if columns > 6 {
        ws.set_landscape();
    }
    ws.fit_to_width();
    Ok(())
}

/// An .xlsx workbook with the nine tables as sheets (named by [`sheet_name`]),
/// each with a title row, the unit / 预算年度 / 单位 line, the header, the 栏次
/// row, the data (amounts as numbers formatted `0.00`, zero cells empty) and
/// the note row. Written by gongkai's own [`gongkai_ooxml::xlsx`] writer,
/// or by rust_xlsxwriter when `GONGKAI_OWN_XLSX=0`
/// ([`Writer::configured`]); see [`workbook_xlsx_with`].
///
/// Deterministic: the document's creation (and modification) date is fixed
/// to 1 January of the budget year, and the zip entries carry a fixed time,
/// so two builds give identical bytes.
pub fn workbook_xlsx(c: &Checked) -> Result<Vec<u8>, DownloadError> {
    workbook_xlsx_with(c, Writer::configured())
}

/// [`workbook_xlsx`] written by `writer`: the workbook is composed once,
/// the same for both writers, and only its package is written differently.
pub fn workbook_xlsx_with(c: &Checked, writer: Writer) -> Result<Vec<u8>, DownloadError> {
    let u = &c.disclosure.unit;
    if c.derived.tables.is_empty() {
        return Err(DownloadError::NoTables {
            code: u.code.clone(),
            year: u.year,
        });
    }
    let mut workbook = Workbook::new(Properties {
        title: format!("{}{}年部门预算", u.name, u.year),
        author: u.name.clone(),
        created: (u.year, 1, 1),
    });
    let styles = Styles::new(&mut workbook);
    for table in &c.derived.tables {
        let ws = workbook.add_worksheet(sheet_name(table.id))?;
        write_table_sheet(ws, table, c, &styles)?;
    }
    Ok(workbook.save_with(writer)?)
}

// ---------------------------------------------------------------------------
// Open data
// ---------------------------------------------------------------------------

/// The figure columns of `key-figures.csv`: field name, fact id, Chinese
/// title, English description.
const KEY_FIGURES: [(&str, &str, &str, &str); 8] = [
    (
        "total",
        "total",
        "收支总计",
        "Total budget (revenue total = expenditure total)",
    ),
    (
        "expenditure_basic",
        "expenditure.basic",
        "基本支出",
        "Basic expenditure",
    ),
    (
        "expenditure_project",
        "expenditure.project",
        "项目支出",
        "Project expenditure",
    ),
    (
        "personnel",
        "basic.personnel",
        "人员经费",
        "Personnel costs (general-budget basic expenditure)",
    ),
    (
        "public",
        "basic.public",
        "公用经费",
        "Public (running) costs (general-budget basic expenditure)",
    ),
    (
        "sangong",
        "sangong.subtotal",
        "三公经费",
        "The \"three public\" costs: official travel abroad, official vehicles, official receptions",
    ),
    (
        "procurement",
        "procurement.total",
        "政府采购",
        "Government procurement budget",
    ),
    (
        "assets",
        "assets.total",
        "资产总额",
        "Fixed assets at the end of last year",
    ),
];

/// The descriptive columns of `key-figures.csv`: name, type, Chinese title,
/// English description.
const KEY_COLUMNS: [(&str, &str, &str, &str); 9] = [
    ("year", "year", "预算年度", "Budget year"),
    ("phase", "string", "预算/决算", "预算 (budget) or 决算 (final accounts)"),
    (
        "region",
        "string",
        "区划代码",
        "Administrative division code (six digits; empty when the site does not give it)",
    ),
    (
        "code",
        "string",
        "部门编码",
        "Department code (text: keeps leading zeros)",
    ),
    (
        "scope",
        "string",
        "部门/单位",
        "部门 (the department, consolidated) or 单位 (one unit)",
    ),
    ("unit_code", "string", "单位编码", "The unit's code when scope is 单位"),
    ("name", "string", "部门名称", "Department name"),
    ("level", "string", "级次", "Level of government (省级, 市级, 县级 …)"),
    ("locality", "string", "地区", "Locality"),
];

#[derive(Serialize)]
struct DataPackage {
    profile: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    resources: Vec<DataResource>,
}

#[derive(Serialize)]
struct DataResource {
    profile: &'static str,
    name: &'static str,
    path: &'static str,
    title: &'static str,
    description: &'static str,
    format: &'static str,
    mediatype: &'static str,
    encoding: &'static str,
    dialect: CsvDialect,
    schema: TableSchema,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CsvDialect {
    delimiter: &'static str,
    line_terminator: &'static str,
    quote_char: &'static str,
    double_quote: bool,
    header: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TableSchema {
    fields: Vec<SchemaField>,
    primary_key: [&'static str; 2],
    missing_values: [&'static str; 1],
}

#[derive(Serialize)]
struct SchemaField {
    name: &'static str,
    title: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    constraints: Option<FieldConstraints>,
}

#[derive(Serialize)]
struct FieldConstraints {
    required: bool,
}

const KEY_FIGURES_DESCRIPTION: &str = "每个部门预算年度一行，金额单位万元，两位小数；空值表示该年度未公开此项。\
只公开绩效目标、不含任何关键数据的年度不列行。\
One row per department-year, amounts in 万元 (10,000 yuan) with two decimals; an empty cell means the \
figure is not published that year. A department-year that publishes none of these figures (a year of \
performance targets only) has no row.";

/// The table schema of `key-figures.csv`.
fn key_figures_schema() -> TableSchema {
    let mut fields: Vec<SchemaField> = KEY_COLUMNS
        .iter()
        .map(|(name, kind, title, en)| SchemaField {
            name,
            title,
            kind,
            description: format!("{title}。{en}."),
            constraints: matches!(*name, "year" | "code" | "name").then_some(FieldConstraints { required: true }),
        })
        .collect();
    fields.extend(KEY_FIGURES.iter().map(|(name, fact, title, en)| SchemaField {
        name,
        title,
        kind: "number",
        description: format!("{title}（万元，两位小数；事实 `{fact}`）。{en}, in 万元 (10,000 yuan), two decimals."),
        constraints: None,
    }));
    TableSchema {
        fields,
        primary_key: ["year", "code"],
        missing_values: [""],
    }
}

/// Site-wide open data, a Frictionless (tabular) Data Package:
/// `data/datapackage.json` describing `data/key-figures.csv`, one row per
/// department-year with its key figures (收支总计, 基本支出, 项目支出, 人员经费,
/// 公用经费, 三公经费, 政府采购, 资产总额) from the facts.
///
/// A figure a department-year does not publish is an empty cell; a zero is
/// `0.00`. A department-year with none of the figures (a year that publishes
/// only performance targets) gets no row: it would be all empty. Rows are in
/// year, then department-code order. The CSV is plain UTF-8 without a BOM
/// (for data tools; the per-table CSVs carry one for Excel), CRLF line ends.
pub fn open_data(summaries: &[super::Summary]) -> Vec<OutputFile> {
    let schema = key_figures_schema();
    let mut csv = String::new();
    csv_record(&mut csv, schema.fields.iter().map(|f| f.name));
    let mut rows: Vec<&super::Summary> = summaries
        .iter()
        .filter(|s| KEY_FIGURES.iter().any(|(_, fact, _, _)| s.figure(fact).is_some()))
        .collect();
    rows.sort_by(|a, b| a.identity.cmp(&b.identity));
    for u in rows {
        let id = &u.identity;
        let mut record = vec![
            u.year.to_string(),
            id.phase.label().to_string(),
            id.region.clone().unwrap_or_default(),
            u.code.clone(),
            id.scope.label().to_string(),
            match &id.scope {
                gongkai_model::identity::Scope::Unit(code) => code.clone(),
                gongkai_model::identity::Scope::Department => String::new(),
            },
            u.name.clone(),
            u.level.clone(),
            u.locality.clone(),
        ];
        record.extend(
            KEY_FIGURES
                .iter()
                .map(|(_, fact, _, _)| u.figure(fact).unwrap_or_default().to_string()),
        );
        csv_record(&mut csv, record);
    }
    let package = DataPackage {
        profile: "tabular-data-package",
        name: "gongkai-key-figures",
        title: "部门预算关键数据 Key figures of department budgets",
        description: "部门预算公开中的关键数据，取自各部门预算表。Key figures of the published department budgets \
                      (部门预算公开), taken from the budget tables.",
        resources: vec![DataResource {
            profile: "tabular-data-resource",
            name: "key-figures",
            path: "key-figures.csv",
            title: "部门预算关键数据 Key figures",
            description: KEY_FIGURES_DESCRIPTION,
            format: "csv",
            mediatype: "text/csv",
            encoding: "utf-8",
            dialect: CsvDialect {
                delimiter: ",",
                line_terminator: "\r\n",
                quote_char: "\"",
                double_quote: true,
                header: true,
            },
            schema,
        }],
    };
    let mut json = serde_json::to_string_pretty(&package).expect("the data package serialises");
    json.push('\n');
    vec![
        OutputFile {
            path: PathBuf::from("data/datapackage.json"),
            bytes: json.into_bytes(),
        },
        OutputFile {
            path: PathBuf::from("data/key-figures.csv"),
            bytes: csv.into_bytes(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised_and_numbers_are_not() {
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_field("@SUM(A1:A2)"), "'@SUM(A1:A2)");
        assert_eq!(csv_field("-2+3"), "'-2+3");
        assert_eq!(csv_field("\tx"), "'\tx");
        assert_eq!(csv_field("-"), "'-");
        assert_eq!(csv_field("-120.10"), "-120.10");
        assert_eq!(csv_field("+5"), "+5");
        assert_eq!(csv_field("2100.32"), "2100.32");
        assert_eq!(csv_field("行政运行"), "行政运行");
    }
    use gongkai_model::table::Figure;

    #[test]
    fn amount_width_is_the_printed_width() {
        for text in [
            "0",
            "0.00",
            "0.01",
            "-0.5",
            "9.99",
            "10",
            "2100.32",
            "-123456789.1",
            "99999999999.99",
        ] {
            let amount: Decimal = text.parse().unwrap();
            let yuan = gongkai_model::amount::Amount::exact_yuan(amount * Decimal::from(10_000));
            let printed = Cell::Amount(Figure::derived(yuan)).display();
            assert_eq!(
                amount_width(amount),
                printed.chars().count(),
                "{text} prints {printed:?}"
            );
        }
    }
}
