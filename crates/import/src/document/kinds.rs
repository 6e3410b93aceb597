//! What the parts of a published disclosure are called: the titles of its
//! tables ([`Kind`]), the headings of its explanatory sections ([`Sec`]),
//! the titles of its performance-target tables, and the header lines above
//! a table.

use super::words::{code_and_name, has_list_number, is_short_title, squeeze, strip_number, trim};

/// The tables a disclosure publishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Summary,
    Revenue,
    Expenditure,
    Appropriation,
    General,
    Basic,
    GovFund,
    StateCapital,
    Sangong,
    Organisation,
    Procurement,
    Assets,
}

impl Kind {
    /// The nine tables of part one, in order.
    pub(crate) const NINE: [Kind; 9] = [
        Kind::Summary,
        Kind::Revenue,
        Kind::Expenditure,
        Kind::Appropriation,
        Kind::General,
        Kind::Basic,
        Kind::GovFund,
        Kind::StateCapital,
        Kind::Sangong,
    ];

    /// The standard title.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Summary => "部门预算收支总表",
            Kind::Revenue => "部门预算收入总表",
            Kind::Expenditure => "部门预算支出总表",
            Kind::Appropriation => "部门预算财政拨款收支总表",
            Kind::General => "一般公共预算财政拨款支出表",
            Kind::Basic => "一般公共预算财政拨款基本支出表",
            Kind::GovFund => "政府性基金预算财政拨款支出表",
            Kind::StateCapital => "国有资本经营预算财政拨款支出表",
            Kind::Sangong => "财政拨款“三公”经费支出表",
            Kind::Organisation => "部门机构设置情况",
            Kind::Procurement => "部门政府采购预算",
            Kind::Assets => "部门固定资产占用情况表",
        }
    }

    /// The kind a title names.
    pub(crate) fn of_title(title: &str) -> Option<Kind> {
        let t = squeeze(title);
        if !is_short_title(title) || t.ends_with('：') || t.ends_with(':') || t.contains("绩效目标") {
            return None;
        }
        let has = |k: &str| t.contains(k);
        let table = has("表");
        let kind = if has("三公") && table {
            Kind::Sangong
        } else if has("基本支出") && table {
            Kind::Basic
        } else if has("国有资本经营") && has("支出表") {
            Kind::StateCapital
        } else if (has("政府性基金") || has("政府基金") || has("基金预算")) && has("支出表") {
            Kind::GovFund
        } else if has("一般公共预算") && has("支出表") {
            Kind::General
        } else if has("财政拨款收支总表") {
            Kind::Appropriation
        } else if has("收支总表") || has("收支预算总表") {
            Kind::Summary
        } else if has("收入总表") || has("收入预算总表") {
            Kind::Revenue
        } else if has("支出总表") || has("支出预算总表") {
            Kind::Expenditure
        } else if has("采购") && (table || t.ends_with("预算") || has("明细")) && !has("情况") {
            Kind::Procurement
        } else if has("固定资产") && (table || has("情况")) || has("资产") && table {
            Kind::Assets
        } else if has("机构设置") && (table || has("情况")) {
            Kind::Organisation
        } else {
            return None;
        };
        Some(kind)
    }

    /// The kind a table's own text suggests, when it has no title.
    pub(crate) fn of_content(rows: &[Vec<String>], section: Sec) -> Option<Kind> {
        let head: String = rows.iter().take(5).flatten().map(|c| squeeze(c)).collect();
        let all: String = rows.iter().flatten().map(|c| squeeze(c)).collect();
        if head.contains("单位名称") && (head.contains("单位性质") || head.contains("经费保障")) {
            return Some(Kind::Organisation);
        }
        if head.contains("采购目录") || head.contains("采购物品") {
            return Some(Kind::Procurement);
        }
        if all.contains("资产总额") {
            return Some(Kind::Assets);
        }
        if all.contains("教学科研人员") || (all.contains("公务接待费") && all.contains("公务用车")) {
            return Some(Kind::Sangong);
        }
        if head.contains("人员经费") && head.contains("公用经费") {
            return Some(Kind::Basic);
        }
        if head.contains("事业收入") && head.contains("科目") {
            return Some(Kind::Revenue);
        }
        if head.contains("经营支出") && head.contains("基本支出") {
            return Some(Kind::Expenditure);
        }
        if all.contains("年初财政拨款结转") {
            return Some(Kind::Appropriation);
        }
        if all.contains("本年收入合计") {
            return Some(Kind::Summary);
        }
        match section {
            Sec::Duties if head.contains("单位") => Some(Kind::Organisation),
            _ => None,
        }
    }
}

/// The explanatory sections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Sec {
    /// Before the explanatory part (the tables part, or a title page).
    Start,
    Preamble,
    Duties,
    Overview,
    RunningCosts,
    Sangong,
    Performance,
    Procurement,
    Assets,
    Glossary,
    Other,
    /// A numbered section gongkai has no place for.
    Unknown,
}

impl Sec {
    /// The section's standard heading.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Sec::Start => "(before the explanatory text)",
            Sec::Preamble => "(opening of the explanatory text)",
            Sec::Duties => "一、部门职责及机构设置情况",
            Sec::Overview => "二、部门预算安排的总体情况",
            Sec::RunningCosts => "三、机关运行经费安排情况",
            Sec::Sangong => "四、“三公”经费",
            Sec::Performance => "五、预算绩效信息",
            Sec::Procurement => "六、政府采购预算情况",
            Sec::Assets => "七、国有资产信息",
            Sec::Glossary => "八、名词解释",
            Sec::Other => "九、其他需要说明的事项",
            Sec::Unknown => "(unrecognised section)",
        }
    }

    /// A numbered top-level heading such as `四、财政拨款“三公”经费预算情况…`.
    pub(crate) fn of_heading(p: &str) -> Option<Sec> {
        let t = trim(p);
        let numeral: String = t.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
        if numeral.is_empty() || !t[numeral.len()..].starts_with('、') || !is_short_title(t) {
            return None;
        }
        let s = squeeze(t);
        if is_performance_subheading(&s) {
            return None;
        }
        let has = |k: &str| s.contains(k);
        Some(if has("职责") || has("机构设置") {
            Sec::Duties
        } else if has("机关运行") {
            Sec::RunningCosts
        } else if has("三公") {
            Sec::Sangong
        } else if has("绩效") {
            Sec::Performance
        } else if has("采购") {
            Sec::Procurement
        } else if has("资产") {
            Sec::Assets
        } else if has("名词") {
            Sec::Glossary
        } else if has("其他") {
            Sec::Other
        } else if has("总体情况") || has("预算安排") || has("收支") {
            Sec::Overview
        } else {
            Sec::Unknown
        })
    }
}

/// 总体绩效目标 / 分项绩效目标 / 工作保障措施: headings inside 五 (or of a
/// performance-only document), whatever their numbering.
pub(crate) fn is_performance_subheading(squeezed: &str) -> bool {
    squeezed.chars().count() <= 20
        && (squeezed.contains("总体绩效目标")
            || squeezed.contains("分项绩效目标")
            || squeezed.contains("保障措施")
            || squeezed.contains("整体绩效目标"))
}

/// `1、人大代表培训经费绩效目标表` → `人大代表培训经费`.
pub(crate) fn project_title(p: &str) -> Option<String> {
    let s = squeeze(p);
    if !is_short_title(p) && s.chars().count() > 80 {
        return None;
    }
    if is_performance_subheading(&s) {
        return None;
    }
    let numbered = has_list_number(p);
    let name = if let Some(n) = s.strip_suffix("绩效目标表") {
        n
    } else if numbered && let Some(n) = s.strip_suffix("绩效目标") {
        n
    } else {
        return None;
    };
    if s.starts_with('第') && s.contains("部分") {
        return None;
    }
    let name = strip_number(name).to_string();
    (!name.is_empty() && !name.contains("整体") && name != "项目" && name != "部门项目").then_some(name)
}

/// A table header line: the unit (`101张家口…`), `预算年度：…`, `单位：…` or `截止时间：…`.
pub(crate) fn is_header_line(cell: &str) -> bool {
    let s = squeeze(cell);
    ["预算年度", "单位：", "单位:", "截止时间"]
        .iter()
        .any(|p| s.starts_with(p))
        || code_and_name(cell).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_headings() {
        assert_eq!(
            Kind::of_title("部门预算政府基金预算财政拨款支出表"),
            Some(Kind::GovFund)
        );
        assert_eq!(Kind::of_title("部门预算财政拨款收支总表"), Some(Kind::Appropriation));
        assert_eq!(Kind::of_title("部门预算收支总表"), Some(Kind::Summary));
        assert_eq!(Kind::of_title("部门政府采购预算"), Some(Kind::Procurement));
        assert_eq!(Kind::of_title("六、政府采购预算情况"), None);
        assert_eq!(
            Sec::of_heading("四、财政拨款“三公”经费预算情况及增减变化原因"),
            Some(Sec::Sangong)
        );
        assert_eq!(Sec::of_heading("一、总体绩效目标"), None);
        assert_eq!(
            project_title("1.人大代表培训经费绩效目标表"),
            Some("人大代表培训经费".into())
        );
        assert_eq!(project_title("第二部分  预算项目绩效目标"), None);
    }
}
