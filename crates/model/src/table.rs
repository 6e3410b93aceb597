//! The nine standard tables as derived facts: rows of cells, each amount cell
//! holding the exact figure it shows and whether it was declared as published.
//!
//! Renderers (document, portal, exports) only walk these; they never add
//! anything up themselves.

use crate::amount::{Amount, format_wan};
use rust_decimal::Decimal;
use serde::Serialize;

/// The nine tables of 第一部分, in published order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableId {
    /// 1 部门预算收支总表
    Summary,
    /// 2 部门预算收入总表
    Revenue,
    /// 3 部门预算支出总表
    Expenditure,
    /// 4 部门预算财政拨款收支总表
    Appropriation,
    /// 5 一般公共预算财政拨款支出表
    GeneralBudget,
    /// 6 一般公共预算财政拨款基本支出表
    BasicEconomic,
    /// 7 政府性基金预算财政拨款支出表
    GovFund,
    /// 8 国有资本经营预算财政拨款支出表
    StateCapital,
    /// 9 财政拨款“三公”经费支出表
    Sangong,
    /// 部门政府采购预算 (section 六)
    Procurement,
    /// 部门固定资产占用情况表 (section 七)
    Assets,
    /// 部门机构设置情况 (section 一)
    Organisation,
}

impl TableId {
    /// The nine tables of 第一部分, in published order (not those of 第二部分).
    pub const ALL: [TableId; 9] = [
        TableId::Summary,
        TableId::Revenue,
        TableId::Expenditure,
        TableId::Appropriation,
        TableId::GeneralBudget,
        TableId::BasicEconomic,
        TableId::GovFund,
        TableId::StateCapital,
        TableId::Sangong,
    ];

    /// 1-based number in the document (the nine tables).
    pub fn number(self) -> usize {
        self as usize + 1
    }

    /// The title as published.
    pub fn title(self) -> &'static str {
        match self {
            TableId::Summary => "部门预算收支总表",
            TableId::Revenue => "部门预算收入总表",
            TableId::Expenditure => "部门预算支出总表",
            TableId::Appropriation => "部门预算财政拨款收支总表",
            TableId::GeneralBudget => "部门预算一般公共预算财政拨款支出表",
            TableId::BasicEconomic => "部门预算一般公共预算财政拨款基本支出表",
            TableId::GovFund => "部门预算政府基金预算财政拨款支出表",
            TableId::StateCapital => "部门预算国有资本经营预算财政拨款支出表",
            TableId::Sangong => "部门预算财政拨款“三公”经费支出表",
            TableId::Procurement => "部门政府采购预算",
            TableId::Assets => "部门固定资产占用情况表",
            TableId::Organisation => "部门机构设置情况",
        }
    }

    /// The table whose [`slug`](TableId::slug) this is.
    pub fn from_slug(slug: &str) -> Option<TableId> {
        [
            TableId::Summary,
            TableId::Revenue,
            TableId::Expenditure,
            TableId::Appropriation,
            TableId::GeneralBudget,
            TableId::BasicEconomic,
            TableId::GovFund,
            TableId::StateCapital,
            TableId::Sangong,
            TableId::Procurement,
            TableId::Assets,
            TableId::Organisation,
        ]
        .into_iter()
        .find(|t| t.slug() == slug.trim())
    }

    /// Stable identifier for anchors, file names and JSON.
    pub fn slug(self) -> &'static str {
        match self {
            TableId::Summary => "summary",
            TableId::Revenue => "revenue",
            TableId::Expenditure => "expenditure",
            TableId::Appropriation => "appropriation",
            TableId::GeneralBudget => "general-budget",
            TableId::BasicEconomic => "basic-economic",
            TableId::GovFund => "gov-fund",
            TableId::StateCapital => "state-capital",
            TableId::Sangong => "sangong",
            TableId::Procurement => "procurement",
            TableId::Assets => "assets",
            TableId::Organisation => "organisation",
        }
    }
}

/// A figure shown in a table cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Figure {
    /// The value used in further sums: the declared figure where one was
    /// declared, else the exact derived one.
    #[serde(skip)]
    pub amount: Amount,
    /// What the cell shows, in 万元 with two decimals.
    #[serde(serialize_with = "serialize_fixed2")]
    pub shown: Decimal,
    /// Whether the shown figure is one declared as published.
    pub declared: bool,
}

fn serialize_fixed2<S: serde::Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_wan(*value))
}

impl Figure {
    /// A figure computed from its parts: exact, shown rounded to 万元.
    pub fn derived(amount: Amount) -> Self {
        Figure {
            amount,
            shown: amount.wan(),
            declared: false,
        }
    }

    /// The printed text; zero prints as an empty cell.
    pub fn text(&self) -> String {
        if self.shown.is_zero() {
            String::new()
        } else {
            format_wan(self.shown)
        }
    }
}

/// One cell of a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A label, code, or row number.
    Text(String),
    /// An amount (zero shows empty).
    Amount(Figure),
    /// An empty cell of the layout.
    Blank,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    /// A cell with a derived amount.
    pub fn amount(amount: Amount) -> Cell {
        Cell::Amount(Figure::derived(amount))
    }

    /// The printed text of the cell.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Amount(f) => f.text(),
            Cell::Blank => String::new(),
        }
    }

    /// The figure of an amount cell; `None` for text and blank cells.
    pub fn figure(&self) -> Option<&Figure> {
        match self {
            Cell::Amount(f) => Some(f),
            _ => None,
        }
    }
}

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Stable key within the table (a code, or a fixed label key), for anchors.
    pub key: String,
    /// Indentation level of the label (其中 rows).
    pub indent: u8,
    /// The cells, one per column.
    pub cells: Vec<Cell>,
}

/// A derived table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    /// Which table this is.
    pub id: TableId,
    /// The title as published.
    pub title: &'static str,
    /// Column labels, one per cell (the 栏次 line of the header).
    pub columns: Vec<&'static str>,
    /// The rows in printed order.
    pub rows: Vec<Row>,
    /// The 注 printed under an empty table.
    pub note: Option<String>,
}

impl Table {
    /// An empty table with the published title of `id` and these column labels.
    pub fn new(id: TableId, columns: Vec<&'static str>) -> Self {
        Table {
            id,
            title: id.title(),
            columns,
            rows: Vec::new(),
            note: None,
        }
    }

    /// Appends a row under `key`; `cells` has one cell per column.
    pub fn push(&mut self, key: impl Into<String>, indent: u8, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "row width of {}", self.title);
        self.rows.push(Row {
            key: key.into(),
            indent,
            cells,
        });
    }

    /// The row with `key`.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The figure in row `key`, column labelled `column`.
    pub fn figure(&self, key: &str, column: &str) -> Option<&Figure> {
        let index = self.columns.iter().position(|c| *c == column)?;
        self.row(key)?.cells.get(index)?.figure()
    }
}
