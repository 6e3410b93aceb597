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
    /// The value as loaded (YAML texts trimmed, amounts exact in 元).
    pub value: T,
    /// Where the value was typed, for the findings that point at it.
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
    /// `unit.yaml`: who publishes, for which year, and the default unit of amounts.
    pub unit: Unit,
    /// The code lists (政府收支分类科目) of the year with the site's additions:
    /// what codes and names were checked against.
    pub codes: std::sync::Arc<CodeLists>,
    /// `functions.yaml`: absent when the year publishes no tables.
    pub functions: Option<Functions>,
    /// `economic.yaml` (table 6); `None` when absent (table 6 prints empty).
    pub economic: Option<Economic>,
    /// `sangong.yaml` (table 9); `None` when absent (table 9 prints empty).
    pub sangong: Option<Sangong>,
    /// `projects.yaml`: the projects and their performance targets (绩效目标表).
    pub projects: Option<Projects>,
    /// `procurement.yaml`: the 政府采购 table of section 六.
    pub procurement: Option<Procurement>,
    /// `assets.yaml`: the fixed assets (固定资产) of section 七.
    pub assets: Option<Assets>,
    /// `organisation.yaml`: the units of the 机构设置 table (empty when absent).
    pub organisation: Vec<OrgUnit>,
    /// `prior.yaml`: last year's figures (上年), for the 比上年增减 sentences.
    pub prior: Option<Prior>,
    /// `narrative.yaml`: the texts of 情况说明 that are not figures (empty when absent).
    pub narrative: Narrative,
    /// Author overrides of section texts: `sections/<id>.md`, id → source.
    pub sections: std::collections::BTreeMap<String, Located<String>>,
    /// 更正说明, oldest first.
    pub corrections: Vec<Correction>,
    /// Cells as the published document printed them where its tables
    /// disagree with the tables derived from the leaves (`published.yaml`):
    /// kept so `check` reports each disagreement.
    pub published: Vec<PublishedCell>,
    /// The content files the folder holds (`functions.yaml` …), whether or
    /// not they read: what tells a section left out from one that failed.
    pub present: std::collections::BTreeSet<&'static str>,
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
            published: Vec::new(),
            present: std::collections::BTreeSet::new(),
        }
    }

    /// Whether the folder holds content file `name` (`assets.yaml`), read
    /// or not: a file that is present but broken is still present.
    pub fn has_file(&self, name: &str) -> bool {
        self.present.contains(name)
    }
}

/// A table cell as the published document printed it (`published.yaml`).
#[derive(Clone, Debug)]
pub struct PublishedCell {
    /// The table.
    pub table: crate::table::TableId,
    /// The row's key in the derived table (a code, `total`, `this-year` …).
    pub row: String,
    /// The column's label.
    pub column: String,
    /// The figure printed; `None` when the cell was printed blank (not a
    /// declared 0.00).
    pub value: Option<Fact>,
    /// Where the cell is in `published.yaml`.
    pub loc: Loc,
}

/// One correction notice of a republished disclosure.
#[derive(Clone, Debug)]
pub struct Correction {
    /// Date of the correction as typed, e.g. `2022-03-01`.
    pub date: String,
    /// What was corrected, in words.
    pub note: Option<String>,
    /// The figures and texts that changed, one line each.
    pub changes: Vec<String>,
}

/// 单位信息
#[derive(Clone, Debug)]
pub struct Unit {
    /// 部门编码, e.g. `101`: local to the division (see [`Unit::identity`]).
    pub code: String,
    /// Full name of the department, e.g. 张家口市人民代表大会常务委员会办公室.
    pub name: String,
    /// Government level: 省级 / 市级 / 县级 / 区级 / 乡镇级.
    pub level: String,
    /// Province, e.g. 河北省, when given.
    pub province: Option<String>,
    /// Locality, e.g. 张家口市.
    pub locality: String,
    /// Budget year, e.g. 2022.
    pub year: u16,
    /// 区划代码 of the locality, when given.
    pub region: Option<String>,
    /// 预算 or 决算.
    pub phase: Phase,
    /// The department, or one of its units.
    pub scope: Scope,
    /// Default unit of amounts for the folder's files (a file may declare its
    /// own); amounts themselves are held in 元 whatever the unit.
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
    /// 一般公共预算, the default (收支总表: 一、一般公共预算拨款收入).
    General,
    /// 政府性基金 (收支总表: 二、政府性基金预算拨款收入).
    GovFund,
    /// 国有资本经营 (收支总表: 三、国有资本经营预算拨款收入).
    StateCapital,
    /// 财政专户 (收支总表: 四、财政专户管理资金收入).
    SpecialAccount,
    /// 事业收入 (收支总表: 五、事业收入).
    Business,
    /// 经营收入 (收支总表: 六、事业单位经营收入).
    Operating,
    /// 上级补助 (收支总表: 七、上级补助收入).
    HigherSubsidy,
    /// 附属单位上缴 (收支总表: 八、附属单位上缴收入).
    Affiliated,
    /// 其他收入 (收支总表: 九、其他收入).
    Other,
    /// 上年结转-一般公共预算: 一般公共预算 appropriation carried over.
    CarryoverGeneral,
    /// 上年结转-政府性基金: 政府性基金 appropriation carried over.
    CarryoverGovFund,
    /// 上年结转-国有资本经营: 国有资本经营 appropriation carried over.
    CarryoverStateCapital,
    /// 上年结转-其他: money other than appropriation carried over (非财政拨款).
    CarryoverOther,
}

impl Source {
    /// Every source: this year's in 收支总表 revenue-line order, then carryovers.
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

    /// The source a content file names, by its Chinese label or its English name.
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

    /// Whether this is money carried over from last year (上年结转).
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
    /// The three funds in column order; the order [`FundFacts`] is indexed by.
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
    /// Every type, in the column order of 部门预算支出总表.
    pub const ALL: [ExpType; 5] = [
        ExpType::Basic,
        ExpType::Project,
        ExpType::Operating,
        ExpType::Remit,
        ExpType::Subsidy,
    ];

    /// The column's position: the index into [`FunctionRow::amounts`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The column heading, e.g. 基本支出.
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
    /// The rows in file order: leaves, and declared parent-code and 合计 rows.
    pub rows: Vec<FunctionRow>,
    /// 年末结转和结余 by source.
    pub year_end_carryover: Vec<(Source, Fact)>,
}

/// One row of `functions.yaml`.
#[derive(Clone, Debug)]
pub struct FunctionRow {
    /// `None` for a declared 合计 row.
    pub code: Option<Located<String>>,
    /// 科目名称 as typed; `None` when left out (the list supplies it).
    pub name: Option<Located<String>>,
    /// 资金来源 of the row (一般公共预算 when not given).
    pub source: Source,
    /// Amounts indexed by [`ExpType::index`].
    pub amounts: [Option<Fact>; 5],
    /// Position of the row (its code, or its name on a 合计 row).
    pub loc: Loc,
}

/// Table 6: general-budget basic expenditure by economic code.
#[derive(Clone, Debug)]
pub struct Economic {
    /// The rows in file order: leaves, and declared parent-code and 合计 rows.
    pub rows: Vec<EconomicRow>,
}

/// One row of `economic.yaml`: an economic code's 人员经费 and 公用经费.
#[derive(Clone, Debug)]
pub struct EconomicRow {
    /// 经济分类科目编码 (3 or 5 digits); `None` for a declared 合计 row.
    pub code: Option<Located<String>>,
    /// 科目名称 as typed; `None` when left out (the list supplies it).
    pub name: Option<Located<String>>,
    /// 人员经费
    pub personnel: Option<Fact>,
    /// 公用经费
    pub public: Option<Fact>,
    /// Position of the row (its code, or its name on a 合计 row).
    pub loc: Loc,
}

/// Amounts per fund, indexed by [`Fund`] order.
#[derive(Clone, Debug, Default)]
pub struct FundFacts(pub [Option<Fact>; 3]);

/// The 三公 items (leaves of table 9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SangongItem {
    /// 教学科研人员因公出国（境）费.
    AbroadTeaching,
    /// 其他因公出国（境）费.
    AbroadOther,
    /// 公务用车购置费.
    CarPurchase,
    /// 公务用车运行维护费.
    CarRunning,
    /// 公务接待费.
    Reception,
    /// 四、会议费, in localities that print it.
    Meeting,
    /// 五、培训费, in localities that print it.
    Training,
}

/// Table 9 as entered.
#[derive(Clone, Debug, Default)]
pub struct Sangong {
    /// 教学科研人员因公出国（境）费, by fund.
    pub abroad_teaching: FundFacts,
    /// 其他因公出国（境）费, by fund.
    pub abroad_other: FundFacts,
    /// 公务用车购置费, by fund.
    pub car_purchase: FundFacts,
    /// 公务用车运行维护费, by fund.
    pub car_running: FundFacts,
    /// 公务接待费, by fund.
    pub reception: FundFacts,
    /// 会议费 / 培训费 rows: `Some` turns on the variant that prints them.
    pub meeting: Option<FundFacts>,
    /// 五、培训费: like `meeting`, `Some` turns on the variant.
    pub training: Option<FundFacts>,
    /// 一、因公出国（境）费 as published, compared with its two sub-rows.
    pub declared_abroad: Option<FundFacts>,
    /// 二、公务用车购置及运维费 as published, compared with purchase + running.
    pub declared_car: Option<FundFacts>,
    /// “三公”经费小计 as published, compared with 一 + 二 + 三.
    pub declared_subtotal: Option<FundFacts>,
    /// 合计 as published, compared with 小计 + 会议费 + 培训费.
    pub declared_total: Option<FundFacts>,
    /// Start of `sangong.yaml`, for findings about the table as a whole (`None`
    /// on the empty default).
    pub loc: Option<Loc>,
}

impl Sangong {
    /// Whether the table has the 会议费 and 培训费 rows.
    pub fn has_meeting_training(&self) -> bool {
        self.meeting.is_some() || self.training.is_some()
    }
}

/// `projects.yaml`: the projects with performance targets.
#[derive(Clone, Debug)]
pub struct Projects {
    /// The projects in file order, the order their 绩效目标表 are numbered in.
    pub projects: Vec<Project>,
    /// Start of `projects.yaml`, for findings about the list as a whole.
    pub loc: Loc,
}

/// A project with its performance targets.
#[derive(Clone, Debug)]
pub struct Project {
    /// 项目名称; procurement lines name their source project by it.
    pub name: Located<String>,
    /// 项目编码 (newer layout), when given.
    pub code: Option<Located<String>>,
    /// The unit (单位) carrying the project, as printed above its table.
    pub unit: Option<String>,
    /// 支出功能分类科目 the budget sits under; when every project gives one, the
    /// budgets under each code must add up to its 项目支出.
    pub function_code: Option<Located<String>>,
    /// 财政资金
    pub fiscal: Option<Fact>,
    /// 其他资金
    pub other: Option<Fact>,
    /// Declared 预算数.
    pub declared_budget: Option<Fact>,
    /// Whether a budget was given at all.
    pub has_budget: bool,
    /// 资金用途, when given.
    pub use_of_funds: Option<String>,
    /// Cumulative % by the end of March, June, October, December.
    pub spending_plan: Option<[Option<Located<Decimal>>; 4]>,
    /// 绩效目标, one line each.
    pub goals: Vec<Located<String>>,
    /// 绩效指标, one per row of the table (blank 一级 / 二级 cells filled from above).
    pub indicators: Vec<Indicator>,
}

impl Project {
    /// 预算数 derived: 财政资金 + 其他资金, a blank being zero (see `declared_budget`).
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
    /// The 注 printed under the table, when given.
    pub note: Option<String>,
    /// 合计 as published, compared with the sum of the lines.
    pub declared_total: Option<Fact>,
    /// 合计 of 预留中小微企业份额 as published, compared with the lines' shares.
    pub declared_small_firms: Option<Fact>,
    /// The lines in file order (the table groups them by unit, first seen first).
    pub lines: Vec<ProcurementLine>,
    /// Start of `procurement.yaml`, for findings about the table as a whole.
    pub loc: Loc,
}

/// One line of the procurement table: an item bought for a project.
#[derive(Clone, Debug)]
pub struct ProcurementLine {
    /// The unit (单位) whose 小计 the line is listed under, if the table has any.
    pub unit: Option<String>,
    /// 政府采购项目来源: a project's name, or 日常公用经费项目 (paid from 公用经费).
    pub project: Located<String>,
    /// 预算资金 of the source project as published, compared with its budget
    /// (or with 公用经费).
    pub declared_project_budget: Option<Fact>,
    /// 采购物品名称.
    pub item: String,
    /// 政府采购目录序号: A… goods, B… works, C… services.
    pub catalogue: Located<String>,
    /// 计量单位, e.g. 份 or 台.
    pub measure: Option<String>,
    /// 数量: a plain number, not an amount.
    pub quantity: Option<Located<Decimal>>,
    /// 单价; the line's amount must be quantity × unit price, within rounding.
    pub unit_price: Option<Fact>,
    /// Amounts by fund column, in printed order: 一般公共预算拨款, 基金预算拨款,
    /// 国有资本经营预算拨款, 财政专户核拨, 单位资金, 财政拨款结转, 非财政拨款结转结余.
    pub funds: [Option<Fact>; 7],
    /// 预留中小微企业份额: the part reserved for small firms, at most the line's amount.
    pub small_firms: Option<Fact>,
    /// Position of the line (its item).
    pub loc: Loc,
}

impl ProcurementLine {
    /// 合计 of the line: the sum of its fund columns (a blank is zero).
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
    /// 1、房屋, quantity in square metres.
    Buildings,
    /// 其中：办公用房, part of 房屋 (so not counted again in 资产总额).
    OfficeBuildings,
    /// 2、车辆, quantity in 台、辆.
    Vehicles,
    /// 3、单价在20万元以上的设备: equipment over 200,000 元 a piece.
    Equipment,
    /// 4、其他固定资产.
    Other,
}

impl AssetCategory {
    /// Every category, in printed order: the order [`Assets::lines`] is indexed by.
    pub const ALL: [AssetCategory; 5] = [
        AssetCategory::Buildings,
        AssetCategory::OfficeBuildings,
        AssetCategory::Vehicles,
        AssetCategory::Equipment,
        AssetCategory::Other,
    ];

    /// The row label as printed, numbering and indentation included.
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

/// `assets.yaml`: fixed assets (固定资产) at the end of last year, section 七.
#[derive(Clone, Debug)]
pub struct Assets {
    /// 截止时间 as typed, e.g. `2021-12-31`.
    pub as_of: Option<String>,
    /// 资产总额 as published, compared with the categories that count towards it.
    pub declared_total: Option<Fact>,
    /// Indexed by [`AssetCategory`] order.
    pub lines: [AssetLine; 5],
    /// 本年度拟购置固定资产总额 as stated, compared with procurement goods (A…).
    pub declared_planned_purchase: Option<Fact>,
    /// The 注 printed under the table, when given.
    pub note: Option<String>,
    /// Start of `assets.yaml`, for findings about the table as a whole.
    pub loc: Loc,
}

/// One category of the asset table.
#[derive(Clone, Debug, Default)]
pub struct AssetLine {
    /// 数量, in the category's measure (平方米, 台、辆 …).
    pub quantity: Option<Located<Decimal>>,
    /// 价值 of the category's assets.
    pub value: Option<Fact>,
}

/// A row of the 机构设置 table.
#[derive(Clone, Debug)]
pub struct OrgUnit {
    /// 单位编码, e.g. `101001`, when given.
    pub code: Option<String>,
    /// 单位名称.
    pub name: String,
    /// 单位性质: 行政 / 参公 / 事业 ….
    pub kind: Option<String>,
    /// 单位规格, e.g. 正厅（地）级.
    pub rank: Option<String>,
    /// 经费保障形式, e.g. 财政拨款.
    pub funding: Option<String>,
}

/// Last year's figures, for year-on-year sentences.
#[derive(Clone, Debug)]
pub struct Prior {
    /// The previous budget year (0 when `year` is not a year, which is reported).
    pub year: u16,
    /// Last year's 收支总计.
    pub total: Option<Fact>,
    /// Last year's 基本支出.
    pub basic: Option<Fact>,
    /// Last year's 项目支出.
    pub project: Option<Fact>,
    /// Last year's 人员经费.
    pub personnel: Option<Fact>,
    /// Last year's 公用经费 (机关运行经费).
    pub public: Option<Fact>,
    /// Last year's “三公”经费小计: the three items, without 会议费 and 培训费.
    pub sangong_total: Option<Fact>,
    /// Last year's 因公出国（境）费, both kinds together.
    pub sangong_abroad: Option<Fact>,
    /// Last year's 公务用车购置费.
    pub sangong_car_purchase: Option<Fact>,
    /// Last year's 公务用车运行维护费.
    pub sangong_car_running: Option<Fact>,
    /// Last year's 公务接待费.
    pub sangong_reception: Option<Fact>,
    /// Last year's 会议费.
    pub sangong_meeting: Option<Fact>,
    /// Last year's 培训费.
    pub sangong_training: Option<Fact>,
}

/// Explanatory texts (see `narrative.yaml` in docs/schema.md).
#[derive(Clone, Debug, Default)]
pub struct Narrative {
    /// Paragraphs before section 一.
    pub preamble: Vec<Located<String>>,
    /// 一、部门职责: paragraphs.
    pub duties: Vec<Located<String>>,
    /// 二、the opening paragraph(s) before 收入说明.
    pub overview: Vec<Located<String>>,
    /// 支出说明: what project expenditure is mainly for (主要为…).
    pub project_purposes: Option<Located<String>>,
    /// Reason for the change of 收支总计 against last year.
    pub change_reason_total: Option<Located<String>>,
    /// Reason for the change of 基本支出 against last year.
    pub change_reason_basic: Option<Located<String>>,
    /// Reason for the change of 项目支出 against last year.
    pub change_reason_project: Option<Located<String>>,
    /// 三、what the running costs (机关运行经费) are mainly used for (主要用于…).
    pub running_costs_use: Option<Located<String>>,
    /// 四、why 三公 changed against last year (主要原因是…).
    pub sangong_change: Option<Located<String>>,
    /// 五、（一）总体绩效目标: paragraphs.
    pub performance_overall: Vec<Located<String>>,
    /// 五、（二）分项绩效目标.
    pub performance_sub_goals: Vec<SubGoal>,
    /// 五、（三）工作保障措施: one line each.
    pub performance_safeguards: Vec<Located<String>>,
    /// 六、the sentence after the procurement total (具体内容见下表。).
    pub procurement_intro: Option<Located<String>>,
    /// 八、名词解释: (term, definition) pairs, in order.
    pub glossary: Vec<(Located<String>, Located<String>)>,
    /// 九、其他需要说明的事项: paragraphs.
    pub other_matters: Vec<Located<String>>,
}

/// One 分项绩效目标 of the department's performance text.
#[derive(Clone, Debug)]
pub struct SubGoal {
    /// Its heading, e.g. 立法工作 (numbered 1、2、… when printed).
    pub title: Located<String>,
    /// 绩效目标：… of the sub-goal.
    pub goal: Located<String>,
    /// 绩效指标：… of the sub-goal, in one text.
    pub indicators: Located<String>,
}
