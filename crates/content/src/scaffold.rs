//! What `gongkai new` writes for each file of a blank department-year:
//! every field explained in Chinese, a row or two to copy, and figures left
//! empty (`~`), so the blank scaffold checks clean and stays clean once the
//! figures are filled in. [`files`](crate::files) names the template of
//! each file; `unit.yaml` is written from the unit by
//! [`write::unit`](crate::write::unit).

use crate::yaml::Value;
use gongkai_model::disclosure::Unit;

/// `functions.yaml`.
pub(crate) const FUNCTIONS: &str = "# 部门预算支出（按支出功能分类科目）：每行一个最末级科目（7位“项”），类、款和合计由程序计算。\n\
     # 生成表1收支总表、表2收入总表、表3支出总表、表4财政拨款收支总表和表5、7、8。\n\
     # source：资金来源，默认 一般公共预算；其他可填 政府性基金、国有资本经营、财政专户、事业收入、\n\
     #   经营收入、上级补助、附属单位上缴、其他收入、上年结转-一般公共预算 等（见 docs/schema.md）。\n\
     # basic 基本支出，project 项目支出，operating 经营支出，remit 上解上级支出，subsidy 对附属单位补助支出。\n\
     # 金额留空（~）表示没有。\n\
     rows:\n\
     \x20 - { code: 2010101, name: 行政运行, basic: ~ }\n\
     \x20 - { code: 2010102, name: 一般行政管理事务, project: ~ }\n";

/// `economic.yaml`.
pub(crate) const ECONOMIC: &str = "# 一般公共预算财政拨款基本支出（按部门预算支出经济分类科目，表6）：每行一个款级科目（5位）。\n\
     # personnel 人员经费（301、303 类），public 公用经费（302 等，即机关运行经费）。\n\
     # 合计须等于表5“基本支出”合计。\n\
     rows:\n\
     \x20 - { code: 30101, name: 基本工资, personnel: ~ }\n\
     \x20 - { code: 30201, name: 办公费, public: ~ }\n";

/// `sangong.yaml`.
pub(crate) const SANGONG: &str = "# 财政拨款“三公”经费（表9），按资金性质分列：general 一般公共预算，gov_fund 政府性基金，state_capital 国有资本经营。\n\
     abroad_teaching: {}   # 教学科研人员因公出国（境）费\n\
     abroad_other: {}      # 其他因公出国（境）费\n\
     car_purchase: {}      # 公务用车购置费\n\
     car_running: {}       # 公务用车运行维护费（不小于表6的30231）\n\
     reception: {}         # 公务接待费（不小于表6的30217）\n\
     # 部分地区另列：meeting: {}（四、会议费），training: {}（五、培训费）\n";

/// `projects.yaml`.
pub(crate) const PROJECTS: &str = "# 预算项目及绩效目标表。各项目预算之和须等于表3“项目支出”合计。\n\
     # budget：fiscal 财政资金，other 其他资金；spending_plan：3月底、6月底、10月底、12月底的累计支出进度。\n\
     # indicators 每行六格：[一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]，\n\
     #   前两格留空（~）表示同上一行；成本指标中的金额上限不得超过项目预算。\n\
     projects:\n\
     \x20 - name: \"（项目名称）\"\n\
     \x20   function_code: 2010102\n\
     \x20   budget: { fiscal: ~, other: ~ }\n\
     \x20   use_of_funds: \"（资金用途）\"\n\
     \x20   spending_plan: { march: \"25%\", june: \"50%\", october: \"75%\", december: \"100%\" }\n\
     \x20   goals:\n\
     \x20     - \"1.（绩效目标）\"\n\
     \x20   indicators:\n\
     \x20     - [产出指标, 数量指标, \"（指标名称）\", \"（指标描述）\", \"≥1次\", 年初工作计划]\n\
     \x20     - [满意度指标, 服务对象满意度指标, \"（指标名称）\", \"（指标描述）\", \"≥95%\", 意见反馈]\n";

/// `procurement.yaml`.
pub(crate) const PROCUREMENT: &str = "# 政府采购预算：每行一个采购品目。catalogue 为政府采购目录序号（A 货物、B 工程、C 服务）。\n\
     # 金额 = 数量 × 单价；按资金来源分列（general 一般公共预算拨款 等），small_firms 为预留中小企业份额。\n\
     # project 填项目名称，或“日常公用经费项目”。没有采购时保留 lines: [] 并在 note 中说明。\n\
     note: ~\n\
     lines: []\n";

/// `narrative.yaml`.
pub(crate) const NARRATIVE: &str = "# 情况说明中不含数字的文字。收入、支出、三公等含数字的句子由程序根据表格生成；\n\
     # 请勿在文字中手写金额（检查会报错），需要引用数字时在 sections/ 中用 {{ 事实名 }}。\n\
     preamble:\n\
     \x20 - \"按照《中华人民共和国预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，现将本部门预算公开如下：\"\n\
     duties:\n\
     \x20 - \"（部门主要职责）\"\n\
     overview:\n\
     \x20 - \"按照预算管理有关规定，目前部门预算的编制实行综合预算管理，即全部收入和支出都反映在预算中。\"\n\
     project_purposes: \"（项目支出主要用途）\"\n\
     change_reasons:\n\
     \x20 total: ~\n\
     \x20 basic: \"主要原因是（基本支出增减原因）\"\n\
     \x20 project: \"主要原因是（项目支出增减原因）\"\n\
     running_costs_use: \"（机关运行经费主要用途）\"\n\
     sangong_change: \"主要原因是（三公经费增减原因）\"\n\
     procurement_intro: \"具体内容见下表。\"\n\
     other_matters:\n\
     \x20 - \"我部门无其他需要说明的事项。\"\n";

/// `assets.yaml`: as of the end of last year.
pub(crate) fn assets(unit: &Unit) -> String {
    format!(
        "# 固定资产占用情况（截至上年末）：数量与价值（万元）；资产总额由程序计算。\n\
         as_of: {}\n\
         buildings: {{ quantity: ~, value: ~ }}          # 房屋（平方米）\n\
         office_buildings: {{ quantity: ~, value: ~ }}   # 其中：办公用房（平方米）\n\
         vehicles: {{ quantity: ~, value: ~ }}           # 车辆（台、辆）\n\
         equipment: {{ quantity: ~, value: ~ }}          # 单价在20万元以上的设备\n\
         other: {{ quantity: ~, value: ~ }}              # 其他固定资产\n",
        Value::text(&format!("{}-12-31", unit.year.saturating_sub(1))).as_str()
    )
}

/// `organisation.yaml`: the department's own unit (`本级`).
pub(crate) fn organisation(unit: &Unit) -> String {
    format!(
        "# 部门机构设置情况：单位名称、单位性质（行政/参公/事业）、单位规格、经费保障形式。\n\
         units:\n  - {{ code: {}, name: {}, kind: 行政, rank: ~, funding: 财政拨款 }}\n",
        Value::text(&format!("{}001", unit.code)).as_str(),
        Value::text(&format!("{}本级", unit.name)).as_str()
    )
}

/// `prior.yaml`: last year's figures, empty.
pub(crate) fn prior(unit: &Unit) -> String {
    format!(
        "# 上年预算数，供“比上年增减情况”使用（可由 gongkai rollover 自动生成）。\n\
         year: {}\n\
         total: ~      # 收支总计\n\
         basic: ~      # 基本支出\n\
         project: ~    # 项目支出\n\
         sangong: {{ total: ~, abroad: ~, car_purchase: ~, car_running: ~, reception: ~ }}\n",
        unit.year.saturating_sub(1)
    )
}
