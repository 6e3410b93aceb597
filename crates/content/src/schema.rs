//! The YAML schema of one department-year, exactly as finance officers write it.
//!
//! These types mirror the files of a department-year folder one to one and hold
//! every value as it was typed (`Spanned<String>`), with its position. Nothing
//! here is interpreted: amounts are still text (so they never pass through a
//! float), codes are still text, enumerations are still labels. The loader
//! ([`crate::load`]) turns these into the validated model ([`gongkai_model::disclosure`])
//! and reports every problem with its file, line and column.
//!
//! Unknown keys are rejected (`deny_unknown_fields`) so a misspelt key can
//! never silently drop a figure. The full reference with examples is
//! `docs/schema.md`.

use serde::Deserialize;

pub use gongkai_model::span::Spanned;

/// A typed-in value with its position: amounts, codes, labels.
pub type Text = Spanned<String>;
/// An optional cell; an empty cell (`~`, nothing, or `--`) means "none".
pub type Cell = Option<Text>;

/// `unit.yaml`: who publishes, for which year. Its presence makes a folder a
/// department-year.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitFile {
    /// Department code, e.g. `"101"`.
    pub code: Text,
    /// Full name, e.g. 张家口市人民代表大会常务委员会办公室.
    pub name: Text,
    /// Government level: 省级 / 市级 / 县级 / 区级 / 乡镇级.
    pub level: Text,
    /// Province, e.g. 河北省.
    pub province: Option<Text>,
    /// Locality, e.g. 张家口市.
    pub locality: Text,
    /// Budget year, e.g. 2022.
    pub year: Text,
    /// 区划代码 of the locality, six digits, e.g. `130208` (丰润区). Optional for
    /// a site of one locality; a site of several needs it to tell their 101s apart.
    pub region: Option<Text>,
    /// 预算 (default) or 决算.
    pub phase: Option<Text>,
    /// 部门 (default: the department, consolidated) or 单位 (one unit's budget).
    pub scope: Option<Text>,
    /// The unit's code, when `scope` is 单位 (e.g. `101001`).
    pub unit_code: Option<Text>,
    /// Default unit of amounts for every file of this folder: 万元 (default) or 元.
    pub amount_unit: Option<Text>,
    /// Year of the classification list to check codes against (default: `year`).
    pub code_list_year: Option<Text>,
}

/// The revenue-and-expenditure fact table by function code (`functions.yaml`).
///
/// Each row is one function code financed from one source, with its
/// expenditure split by type. Rows of the deepest codes are the leaves; a row
/// for a parent code (or a 合计 row without code) is a declared total, kept as
/// published and compared with the derived one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionsFile {
    pub amount_unit: Option<Text>,
    /// 年末结转和结余 (usually none), by source.
    pub year_end_carryover: Option<Vec<SourceAmount>>,
    #[serde(default)]
    pub rows: Vec<FunctionRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionRow {
    /// 科目编码: 3, 5 or 7 digits; absent on a 合计 row.
    pub code: Cell,
    /// 科目名称; optional (the classification list supplies it), checked when given.
    pub name: Cell,
    /// 资金来源 (default 一般公共预算); see `docs/schema.md` for the labels.
    pub source: Cell,
    /// 基本支出
    pub basic: Cell,
    /// 项目支出
    pub project: Cell,
    /// 经营支出
    pub operating: Cell,
    /// 上解上级支出
    pub remit: Cell,
    /// 对附属单位补助支出
    pub subsidy: Cell,
}

/// An amount attributed to a source of funds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceAmount {
    pub source: Text,
    pub amount: Text,
}

/// Basic expenditure of the general budget by economic code (`economic.yaml`,
/// table 6). Rows of parent codes and a 合计 row are declared totals.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicFile {
    pub amount_unit: Option<Text>,
    #[serde(default)]
    pub rows: Vec<EconomicRow>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EconomicRow {
    pub code: Cell,
    pub name: Cell,
    /// 人员经费
    pub personnel: Cell,
    /// 公用经费
    pub public: Cell,
}

/// Amounts per fund of appropriation (the columns of the 三公 table).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundCells {
    /// 一般公共预算财政拨款
    pub general: Cell,
    /// 政府性基金预算拨款
    pub gov_fund: Cell,
    /// 国有资本经营预算财政拨款
    pub state_capital: Cell,
}

/// The 三公 table (`sangong.yaml`, table 9). Leaves are the sub-rows; the
/// optional `abroad`, `car`, `subtotal` and `total` are declared totals.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SangongFile {
    pub amount_unit: Option<Text>,
    /// 教学科研人员因公出国（境）费
    pub abroad_teaching: Option<FundCells>,
    /// 其他因公出国（境）费
    pub abroad_other: Option<FundCells>,
    /// 公务用车购置费
    pub car_purchase: Option<FundCells>,
    /// 公务用车运行维护费
    pub car_running: Option<FundCells>,
    /// 公务接待费
    pub reception: Option<FundCells>,
    /// 四、会议费 (variant with two extra rows; present = the table shows them)
    pub meeting: Option<FundCells>,
    /// 五、培训费
    pub training: Option<FundCells>,
    /// Declared 一、因公出国（境）费
    pub abroad: Option<FundCells>,
    /// Declared 二、公务用车购置及运维费
    pub car: Option<FundCells>,
    /// Declared “三公”经费小计
    pub subtotal: Option<FundCells>,
    /// Declared 合计
    pub total: Option<FundCells>,
}

/// Projects and their performance targets (`projects.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectsFile {
    pub amount_unit: Option<Text>,
    #[serde(default)]
    pub projects: Vec<ProjectEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectEntry {
    /// 项目名称
    pub name: Text,
    /// 项目编码 (newer layout)
    pub code: Cell,
    /// The unit (单位) carrying the project, as printed above the table.
    pub unit: Cell,
    /// 支出功能分类科目 the project is budgeted under.
    pub function_code: Cell,
    /// 预算数: 财政资金 + 其他资金.
    pub budget: Option<ProjectBudget>,
    /// 资金用途
    pub use_of_funds: Cell,
    /// 资金支出计划（%）
    pub spending_plan: Option<SpendingPlan>,
    /// 绩效目标, one line each.
    #[serde(default)]
    pub goals: Vec<Text>,
    /// 绩效指标: rows of [一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据];
    /// an empty first or second cell repeats the one above (a merged cell).
    #[serde(default)]
    pub indicators: Vec<Spanned<Vec<Cell>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectBudget {
    /// 财政资金
    pub fiscal: Cell,
    /// 其他资金
    pub other: Cell,
    /// Declared 预算数 (= fiscal + other).
    pub total: Cell,
}

/// Cumulative share of the budget spent by the end of each month named.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendingPlan {
    /// 3月底
    pub march: Cell,
    /// 6月底
    pub june: Cell,
    /// 10月底
    pub october: Cell,
    /// 12月底
    pub december: Cell,
}

/// Government procurement lines (`procurement.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcurementFile {
    pub amount_unit: Option<Text>,
    /// The 注 printed under the table.
    pub note: Cell,
    /// Declared 合计 (amount).
    pub total: Cell,
    /// Declared 合计 of the share reserved for small firms.
    pub total_small_firms: Cell,
    #[serde(default)]
    pub lines: Vec<ProcurementLine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcurementLine {
    /// The unit (单位) whose 小计 this line belongs to.
    pub unit: Cell,
    /// 政府采购项目来源: a project name, or 日常公用经费项目.
    pub project: Text,
    /// Declared 预算资金 of the source project, as published.
    pub project_budget: Cell,
    /// 采购物品名称
    pub item: Text,
    /// 政府采购目录序号 (A… goods, B… works, C… services)
    pub catalogue: Text,
    /// 计量单位
    pub measure: Cell,
    /// 数量
    pub quantity: Cell,
    /// 单价
    pub unit_price: Cell,
    /// 一般公共预算拨款
    pub general: Cell,
    /// 基金预算拨款
    pub gov_fund: Cell,
    /// 国有资本经营预算拨款
    pub state_capital: Cell,
    /// 财政专户核拨
    pub special_account: Cell,
    /// 单位资金
    pub unit_funds: Cell,
    /// 财政拨款结转
    pub carryover_appropriation: Cell,
    /// 非财政拨款结转结余
    pub carryover_other: Cell,
    /// 预留中小微企业份额
    pub small_firms: Cell,
}

/// Fixed assets at the end of last year (`assets.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetsFile {
    pub amount_unit: Option<Text>,
    /// 截止时间, e.g. 2021-12-31.
    pub as_of: Cell,
    /// Declared 资产总额.
    pub total: Cell,
    /// 1、房屋（平方米）
    pub buildings: Option<AssetLine>,
    /// 其中：办公用房（平方米）
    pub office_buildings: Option<AssetLine>,
    /// 2、车辆（台、辆）
    pub vehicles: Option<AssetLine>,
    /// 3、单价在20万元以上的设备
    pub equipment: Option<AssetLine>,
    /// 4、其他固定资产
    pub other: Option<AssetLine>,
    /// Declared 本年度拟购置固定资产总额, as stated in the text.
    pub planned_purchase: Cell,
    /// The 注 printed under the table.
    pub note: Cell,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetLine {
    /// 数量
    pub quantity: Cell,
    /// 价值
    pub value: Cell,
}

/// The 机构设置 table (`organisation.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFile {
    #[serde(default)]
    pub units: Vec<OrgUnit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgUnit {
    /// 单位编码, e.g. 101001.
    pub code: Cell,
    /// 单位名称
    pub name: Text,
    /// 单位性质: 行政 / 参公 / 事业 …
    pub kind: Cell,
    /// 单位规格
    pub rank: Cell,
    /// 经费保障形式
    pub funding: Cell,
}

/// Year-on-year figures of the previous year (`prior.yaml`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorFile {
    pub amount_unit: Option<Text>,
    /// The previous budget year.
    pub year: Text,
    /// 收支总计
    pub total: Cell,
    /// 基本支出
    pub basic: Cell,
    /// 项目支出
    pub project: Cell,
    /// 人员经费
    pub personnel: Cell,
    /// 公用经费 (机关运行经费)
    pub public: Cell,
    pub sangong: Option<PriorSangong>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorSangong {
    /// 三公 小计
    pub total: Cell,
    pub abroad: Cell,
    pub car_purchase: Cell,
    pub car_running: Cell,
    pub reception: Cell,
    pub meeting: Cell,
    pub training: Cell,
}

/// The explanatory texts that are not generated from figures (`narrative.yaml`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeFile {
    /// The opening paragraph(s) before section 一.
    #[serde(default)]
    pub preamble: Vec<Text>,
    /// 一、部门职责: paragraphs.
    #[serde(default)]
    pub duties: Vec<Text>,
    /// 二、the opening paragraph(s) before 收入说明.
    #[serde(default)]
    pub overview: Vec<Text>,
    /// What the project expenditure is mainly for (支出说明: 主要为…).
    pub project_purposes: Cell,
    /// Reasons for the change against last year.
    pub change_reasons: Option<ChangeReasons>,
    /// 三、what the running costs are mainly used for (主要用于…).
    pub running_costs_use: Cell,
    /// 四、the sentence explaining the 三公 change against last year.
    pub sangong_change: Cell,
    /// 五、预算绩效信息 (department-level performance goals).
    pub performance: Option<PerformanceText>,
    /// 六、the sentence after the procurement total (具体内容见下表。).
    pub procurement_intro: Cell,
    /// 八、名词解释
    #[serde(default)]
    pub glossary: Vec<GlossaryEntry>,
    /// 九、其他需要说明的事项
    #[serde(default)]
    pub other_matters: Vec<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeReasons {
    pub total: Cell,
    pub basic: Cell,
    pub project: Cell,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerformanceText {
    /// （一）总体绩效目标: paragraphs.
    #[serde(default)]
    pub overall: Vec<Text>,
    /// （二）分项绩效目标
    #[serde(default)]
    pub sub_goals: Vec<SubGoal>,
    /// （三）工作保障措施: one line each.
    #[serde(default)]
    pub safeguards: Vec<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubGoal {
    pub title: Text,
    /// 绩效目标：…
    pub goal: Text,
    /// 绩效指标：…
    pub indicators: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlossaryEntry {
    pub term: Text,
    pub definition: Text,
}

/// 更正说明 of a republished disclosure (`corrections.yaml`), usually written
/// by `gongkai diff --write-corrections` and edited by the author.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionsFile {
    #[serde(default)]
    pub corrections: Vec<CorrectionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionEntry {
    /// Date of the correction, e.g. 2022-03-01.
    pub date: Text,
    /// What was corrected, in words.
    pub note: Cell,
    /// The figures and texts that changed, one line each.
    #[serde(default)]
    pub changes: Vec<Text>,
}

/// `published.yaml`: table cells as the published document printed them,
/// where its tables disagree with the tables gongkai derives from the
/// leaves (written by `gongkai import`), so `check` reports each
/// disagreement instead of one of the two figures being kept silently.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedFile {
    pub amount_unit: Option<Text>,
    #[serde(default)]
    pub cells: Vec<PublishedEntry>,
}

/// One cell of `published.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublishedEntry {
    /// The table's slug: `summary`, `revenue`, `expenditure`,
    /// `appropriation`, `general-budget`, `basic-economic`, `gov-fund`,
    /// `state-capital`, `sangong`.
    pub table: Text,
    /// The row's key: a code (`201`), or `total`, `this-year` … (as `gongkai
    /// tables --format json` shows).
    pub row: Text,
    /// The column's label, as the table prints it (`合计`, `基本支出` …).
    pub column: Text,
    /// The figure printed; `~` when the cell was printed blank.
    pub value: Cell,
}
