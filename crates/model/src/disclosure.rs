//! The validated model of one department-year: every figure once, typed,
//! exact, and with the position it was typed at.
//!
//! The loader builds this from the YAML schema; derivation and checks read it.
//! Totals are not stored here (except totals *declared* as published, which
//! are kept apart from the leaves so they can be compared with derived ones).

use crate::amount::{Amount, AmountUnit};
use crate::codes::CodeLists;
use crate::diag::Loc;
use crate::identity::{Identity, Phase, Scope};
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Ids of the sections an author may override with `sections/<id>.md`.
pub const OVERRIDABLE_SECTIONS: [&str; 13] = [
    "preamble",
    "duties",
    "overview",
    "income",
    "expenditure",
    "change",
    "running-costs",
    "sangong",
    "performance",
    "procurement",
    "assets",
    "glossary",
    "other",
];

/// Private-use characters reserved for the renderer's figure markers: author
/// text may not contain them (the loader reports any).
pub const MARKER_CHARS: [char; 3] = ['\u{E000}', '\u{E001}', '\u{E002}'];

/// A value with the position it was typed at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub loc: Loc,
}

/// An amount typed into a cell.
pub type Fact = Located<Amount>;

/// Sum of optional facts (an empty cell is zero).
pub(crate) fn sum_facts<'a>(facts: impl IntoIterator<Item = &'a Option<Fact>>) -> Amount {
    facts.into_iter().flatten().map(|f| f.value).sum()
}

/// One department-year disclosure.
#[derive(Clone, Debug)]
pub struct Disclosure {
    /// The folder it was loaded from.
    pub dir: PathBuf,
    pub unit: Unit,
    pub codes: std::sync::Arc<CodeLists>,
    /// `functions.yaml`: absent when the year publishes no tables.
    pub functions: Option<Functions>,
    pub economic: Option<Economic>,
    pub sangong: Option<Sangong>,
    pub projects: Option<Projects>,
    pub procurement: Option<Procurement>,
    pub assets: Option<Assets>,
    pub organisation: Vec<OrgUnit>,
    pub prior: Option<Prior>,
    pub narrative: Narrative,
    /// Author overrides of section texts: `sections/<id>.md`, id → source.
    pub sections: std::collections::BTreeMap<String, Located<String>>,
    /// 更正说明, oldest first.
    pub corrections: Vec<Correction>,
}

impl Disclosure {
    /// A department-year of `unit` whose other files are not read yet: every
    /// part they hold is absent or empty.
    pub fn new(dir: PathBuf, unit: Unit, codes: std::sync::Arc<CodeLists>) -> Disclosure {
        Disclosure {
            dir,
            unit,
            codes,
            functions: None,
            economic: None,
            sangong: None,
            projects: None,
            procurement: None,
            assets: None,
            organisation: Vec::new(),
            prior: None,
            narrative: Narrative::default(),
            sections: std::collections::BTreeMap::new(),
            corrections: Vec::new(),
        }
    }
}

/// One correction notice of a republished disclosure.
#[derive(Clone, Debug)]
pub struct Correction {
    pub date: String,
    pub note: Option<String>,
    pub changes: Vec<String>,
}

/// 单位信息
#[derive(Clone, Debug)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: String,
    pub province: Option<String>,
    pub locality: String,
    pub year: u16,
    /// 区划代码 of the locality, when given.
    pub region: Option<String>,
    /// 预算 or 决算.
    pub phase: Phase,
    /// The department, or one of its units.
    pub scope: Scope,
    pub amount_unit: AmountUnit,
    /// Where `unit.yaml` is, for findings about the disclosure as a whole.
    pub loc: Loc,
}

impl Unit {
    /// Which document this is: year, phase, division, department, scope.
    pub fn identity(&self) -> Identity {
        Identity {
            year: self.year,
            phase: self.phase,
            region: self.region.clone(),
            code: self.code.clone(),
            scope: self.scope.clone(),
        }
    }
}

/// 资金来源: where the money spent under a function code comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    General,
    GovFund,
    StateCapital,
    SpecialAccount,
    Business,
    Operating,
    HigherSubsidy,
    Affiliated,
    Other,
    CarryoverGeneral,
    CarryoverGovFund,
    CarryoverStateCapital,
    CarryoverOther,
}

impl Source {
    pub const ALL: [Source; 13] = [
        Source::General,
        Source::GovFund,
        Source::StateCapital,
        Source::SpecialAccount,
        Source::Business,
        Source::Operating,
        Source::HigherSubsidy,
        Source::Affiliated,
        Source::Other,
        Source::CarryoverGeneral,
        Source::CarryoverGovFund,
        Source::CarryoverStateCapital,
        Source::CarryoverOther,
    ];

    /// The Chinese label used in content files.
    pub fn label(self) -> &'static str {
        match self {
            Source::General => "一般公共预算",
            Source::GovFund => "政府性基金",
            Source::StateCapital => "国有资本经营",
            Source::SpecialAccount => "财政专户",
            Source::Business => "事业收入",
            Source::Operating => "经营收入",
            Source::HigherSubsidy => "上级补助",
            Source::Affiliated => "附属单位上缴",
            Source::Other => "其他收入",
            Source::CarryoverGeneral => "上年结转-一般公共预算",
            Source::CarryoverGovFund => "上年结转-政府性基金",
            Source::CarryoverStateCapital => "上年结转-国有资本经营",
            Source::CarryoverOther => "上年结转-其他",
        }
    }

    /// The English name accepted in content files.
    pub fn name(self) -> &'static str {
        match self {
            Source::General => "general",
            Source::GovFund => "gov_fund",
            Source::StateCapital => "state_capital",
            Source::SpecialAccount => "special_account",
            Source::Business => "business",
            Source::Operating => "operating",
            Source::HigherSubsidy => "higher_subsidy",
            Source::Affiliated => "affiliated",
            Source::Other => "other",
            Source::CarryoverGeneral => "carryover_general",
            Source::CarryoverGovFund => "carryover_gov_fund",
            Source::CarryoverStateCapital => "carryover_state_capital",
            Source::CarryoverOther => "carryover_other",
        }
    }

    pub fn from_label(text: &str) -> Option<Source> {
        let t = text.trim();
        Source::ALL.into_iter().find(|s| s.label() == t || s.name() == t)
    }

    /// The fund of a fiscal appropriation (财政拨款), this year's or carried over.
    pub fn fund(self) -> Option<Fund> {
        match self {
            Source::General | Source::CarryoverGeneral => Some(Fund::General),
            Source::GovFund | Source::CarryoverGovFund => Some(Fund::GovFund),
            Source::StateCapital | Source::CarryoverStateCapital => Some(Fund::StateCapital),
            _ => None,
        }
    }

    pub fn is_carryover(self) -> bool {
        matches!(
            self,
            Source::CarryoverGeneral
                | Source::CarryoverGovFund
                | Source::CarryoverStateCapital
                | Source::CarryoverOther
        )
    }
}

/// The three funds of fiscal appropriation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fund {
    /// 一般公共预算
    General,
    /// 政府性基金预算
    GovFund,
    /// 国有资本经营预算
    StateCapital,
}

impl Fund {
    pub const ALL: [Fund; 3] = [Fund::General, Fund::GovFund, Fund::StateCapital];
}

/// 支出类型: the columns of 部门预算支出总表.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExpType {
    /// 基本支出
    Basic,
    /// 项目支出
    Project,
    /// 经营支出
    Operating,
    /// 上解上级支出
    Remit,
    /// 对附属单位补助支出
    Subsidy,
}

impl ExpType {
    pub const ALL: [ExpType; 5] = [
        ExpType::Basic,
        ExpType::Project,
        ExpType::Operating,
        ExpType::Remit,
        ExpType::Subsidy,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            ExpType::Basic => "基本支出",
            ExpType::Project => "项目支出",
            ExpType::Operating => "经营支出",
            ExpType::Remit => "上解上级支出",
            ExpType::Subsidy => "对附属单位补助支出",
        }
    }
}

/// The function-code fact table.
#[derive(Clone, Debug)]
pub struct Functions {
    pub rows: Vec<FunctionRow>,
    /// 年末结转和结余 by source.
    pub year_end_carryover: Vec<(Source, Fact)>,
}

/// One row of `functions.yaml`.
#[derive(Clone, Debug)]
pub struct FunctionRow {
    /// `None` for a declared 合计 row.
    pub code: Option<Located<String>>,
    pub name: Option<Located<String>>,
    pub source: Source,
    /// Amounts indexed by [`ExpType::index`].
    pub amounts: [Option<Fact>; 5],
    /// Position of the row (its code, or its name on a 合计 row).
    pub loc: Loc,
}

/// Table 6: general-budget basic expenditure by economic code.
#[derive(Clone, Debug)]
pub struct Economic {
    pub rows: Vec<EconomicRow>,
}

#[derive(Clone, Debug)]
pub struct EconomicRow {
    pub code: Option<Located<String>>,
    pub name: Option<Located<String>>,
    /// 人员经费
    pub personnel: Option<Fact>,
    /// 公用经费
    pub public: Option<Fact>,
    pub loc: Loc,
}

/// Amounts per fund, indexed by [`Fund`] order.
#[derive(Clone, Debug, Default)]
pub struct FundFacts(pub [Option<Fact>; 3]);

/// The 三公 items (leaves of table 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SangongItem {
    AbroadTeaching,
    AbroadOther,
    CarPurchase,
    CarRunning,
    Reception,
    Meeting,
    Training,
}

/// Table 9 as entered.
#[derive(Clone, Debug, Default)]
pub struct Sangong {
    pub abroad_teaching: FundFacts,
    pub abroad_other: FundFacts,
    pub car_purchase: FundFacts,
    pub car_running: FundFacts,
    pub reception: FundFacts,
    /// 会议费 / 培训费 rows: `Some` turns on the variant that prints them.
    pub meeting: Option<FundFacts>,
    pub training: Option<FundFacts>,
    pub declared_abroad: Option<FundFacts>,
    pub declared_car: Option<FundFacts>,
    pub declared_subtotal: Option<FundFacts>,
    pub declared_total: Option<FundFacts>,
    pub loc: Option<Loc>,
}

impl Sangong {
    /// Whether the table has the 会议费 and 培训费 rows.
    pub fn has_meeting_training(&self) -> bool {
        self.meeting.is_some() || self.training.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct Projects {
    pub projects: Vec<Project>,
}

/// A project with its performance targets.
#[derive(Clone, Debug)]
pub struct Project {
    pub name: Located<String>,
    pub code: Option<Located<String>>,
    pub unit: Option<String>,
    pub function_code: Option<Located<String>>,
    /// 财政资金
    pub fiscal: Option<Fact>,
    /// 其他资金
    pub other: Option<Fact>,
    /// Declared 预算数.
    pub declared_budget: Option<Fact>,
    /// Whether a budget was given at all.
    pub has_budget: bool,
    pub use_of_funds: Option<String>,
    /// Cumulative % by the end of March, June, October, December.
    pub spending_plan: Option<[Option<Located<Decimal>>; 4]>,
    pub goals: Vec<Located<String>>,
    pub indicators: Vec<Indicator>,
}

impl Project {
    pub fn budget(&self) -> Amount {
        sum_facts([&self.fiscal, &self.other])
    }
}

/// One row of a performance-target table.
#[derive(Clone, Debug)]
pub struct Indicator {
    /// 一级指标 (产出指标 / 效益指标 / 满意度指标)
    pub level1: String,
    /// 二级指标 (数量指标, 成本指标 …)
    pub level2: String,
    /// 三级指标
    pub name: String,
    /// 绩效指标描述
    pub description: String,
    /// 指标值, e.g. `≤35.77万元`
    pub value: Located<String>,
    /// 指标值确定依据
    pub basis: String,
}

/// The procurement table.
#[derive(Clone, Debug)]
pub struct Procurement {
    pub note: Option<String>,
    pub declared_total: Option<Fact>,
    pub declared_small_firms: Option<Fact>,
    pub lines: Vec<ProcurementLine>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct ProcurementLine {
    pub unit: Option<String>,
    pub project: Located<String>,
    pub declared_project_budget: Option<Fact>,
    pub item: String,
    pub catalogue: Located<String>,
    pub measure: Option<String>,
    pub quantity: Option<Located<Decimal>>,
    pub unit_price: Option<Fact>,
    /// Amounts by the fund columns of [`PROCUREMENT_FUNDS`].
    pub funds: [Option<Fact>; 7],
    pub small_firms: Option<Fact>,
    pub loc: Loc,
}

impl ProcurementLine {
    pub fn amount(&self) -> Amount {
        sum_facts(&self.funds)
    }

    /// Catalogue A: goods, which are fixed assets when bought.
    pub fn is_goods(&self) -> bool {
        self.catalogue.value.starts_with('A')
    }
}

/// The fixed-asset categories of 固定资产占用情况表, in printed order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetCategory {
    Buildings,
    OfficeBuildings,
    Vehicles,
    Equipment,
    Other,
}

impl AssetCategory {
    pub const ALL: [AssetCategory; 5] = [
        AssetCategory::Buildings,
        AssetCategory::OfficeBuildings,
        AssetCategory::Vehicles,
        AssetCategory::Equipment,
        AssetCategory::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AssetCategory::Buildings => "1、房屋（平方米）",
            AssetCategory::OfficeBuildings => "　　其中：办公用房（平方米）",
            AssetCategory::Vehicles => "2、车辆（台、辆）",
            AssetCategory::Equipment => "3、单价在20万元以上的设备",
            AssetCategory::Other => "4、其他固定资产",
        }
    }

    /// Whether the category counts towards 资产总额 (办公用房 is part of 房屋).
    pub fn in_total(self) -> bool {
        self != AssetCategory::OfficeBuildings
    }
}

#[derive(Clone, Debug)]
pub struct Assets {
    pub as_of: Option<String>,
    pub declared_total: Option<Fact>,
    /// Indexed by [`AssetCategory`] order.
    pub lines: [AssetLine; 5],
    pub declared_planned_purchase: Option<Fact>,
    pub note: Option<String>,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default)]
pub struct AssetLine {
    pub quantity: Option<Located<Decimal>>,
    pub value: Option<Fact>,
}

/// A row of the 机构设置 table.
#[derive(Clone, Debug)]
pub struct OrgUnit {
    pub code: Option<String>,
    pub name: String,
    pub kind: Option<String>,
    pub rank: Option<String>,
    pub funding: Option<String>,
}

/// Last year's figures, for year-on-year sentences.
#[derive(Clone, Debug)]
pub struct Prior {
    pub year: u16,
    pub total: Option<Fact>,
    pub basic: Option<Fact>,
    pub project: Option<Fact>,
    pub personnel: Option<Fact>,
    pub public: Option<Fact>,
    pub sangong_total: Option<Fact>,
    pub sangong_abroad: Option<Fact>,
    pub sangong_car_purchase: Option<Fact>,
    pub sangong_car_running: Option<Fact>,
    pub sangong_reception: Option<Fact>,
    pub sangong_meeting: Option<Fact>,
    pub sangong_training: Option<Fact>,
}

/// Explanatory texts (see `narrative.yaml` in docs/schema.md).
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    pub preamble: Vec<Located<String>>,
    pub duties: Vec<Located<String>>,
    pub overview: Vec<Located<String>>,
    pub project_purposes: Option<Located<String>>,
    pub change_reason_total: Option<Located<String>>,
    pub change_reason_basic: Option<Located<String>>,
    pub change_reason_project: Option<Located<String>>,
    pub running_costs_use: Option<Located<String>>,
    pub sangong_change: Option<Located<String>>,
    pub performance_overall: Vec<Located<String>>,
    pub performance_sub_goals: Vec<SubGoal>,
    pub performance_safeguards: Vec<Located<String>>,
    pub procurement_intro: Option<Located<String>>,
    pub glossary: Vec<(Located<String>, Located<String>)>,
    pub other_matters: Vec<Located<String>>,
}

#[derive(Clone, Debug)]
pub struct SubGoal {
    pub title: Located<String>,
    pub goal: Located<String>,
    pub indicators: Located<String>,
}
