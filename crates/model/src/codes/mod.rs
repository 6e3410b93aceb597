//! Classification code lists (政府收支分类科目), versioned by year.
//!
//! The built-in lists are embedded from `data/` (see its README for the
//! format, editions and sources). A disclosure of year Y uses, per kind, the
//! edition with the greatest year ≤ Y (the oldest edition when none is that
//! old). A site may extend or rename codes with
//! `content/codes/{function,economic,lei}.tsv`. What a code given in a
//! disclosure is judged to be (listed, renamed, missing from the list, or
//! unknown) is worked out in `verdict` and reported by [`CodeLists::check`].

pub(crate) mod verdict;

use crate::diag::{Diagnostics, Loc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// Which classification a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 支出功能分类科目
    Function,
    /// 支出经济分类科目 (部门预算 301–399 and, from 2018, 政府预算 501–599)
    Economic,
}

impl Kind {
    /// The classification's name, e.g. 支出功能分类科目.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Function => "支出功能分类科目",
            Kind::Economic => "支出经济分类科目",
        }
    }

    /// Valid code lengths: 类, 款, and for function codes 项.
    pub fn valid_length(self, len: usize) -> bool {
        match self {
            Kind::Function => matches!(len, 3 | 5 | 7),
            Kind::Economic => matches!(len, 3 | 5),
        }
    }

    /// The site file that extends this kind's list, under `content/codes/`.
    pub(crate) fn site_file(self) -> &'static str {
        match self {
            Kind::Function => "function.tsv",
            Kind::Economic => "economic.tsv",
        }
    }

    /// The code's parent: a 项's 款, a 款's 类; none for a 类.
    pub(crate) fn parent(self, code: &str) -> Option<&str> {
        match code.len() {
            7 if self == Kind::Function => code.get(..5),
            5 => code.get(..3),
            _ => None,
        }
    }
}

/// Built-in editions of the 支出功能分类科目: (first year, text).
const FUNCTION_LISTS: &[(u16, &str)] = &[
    (2016, include_str!("data/function-2016.tsv")),
    (2019, include_str!("data/function-2019.tsv")),
    (2020, include_str!("data/function-2020.tsv")),
    (2022, include_str!("data/function-2022.tsv")),
];
/// Built-in editions of the 部门预算支出经济分类科目.
const ECONOMIC_LISTS: &[(u16, &str)] = &[
    (2016, include_str!("data/economic-2016.tsv")),
    (2018, include_str!("data/economic-2018.tsv")),
    (2022, include_str!("data/economic-2022.tsv")),
];
/// Built-in editions of the 政府预算支出经济分类科目 (501–599), which exists
/// from 2018 on: merged into the economic list of those years only.
const ECONOMIC_GOV_LISTS: &[(u16, &str)] = &[(2018, include_str!("data/economic-gov-2018.tsv"))];
/// Built-in editions of the 收支总表's expenditure lines (every 类).
const LEI_LISTS: &[(u16, &str)] = &[
    (2016, include_str!("data/lei-2016.tsv")),
    (2019, include_str!("data/lei-2019.tsv")),
    (2020, include_str!("data/lei-2020.tsv")),
];

/// One list: code → name, in the official order.
#[derive(Clone, Debug, Default)]
pub struct CodeList {
    /// The year of the built-in list it starts from.
    pub year: u16,
    /// The last year that edition is in force, when a newer one follows.
    pub(crate) until: Option<u16>,
    names: BTreeMap<String, String>,
    order: Vec<String>,
}

impl CodeList {
    fn parse(year: u16, text: &str) -> Self {
        let mut list = CodeList {
            year,
            ..Default::default()
        };
        for (code, name) in entries(text) {
            list.insert(code, name);
        }
        list
    }

    /// Adds the codes of `text` that the list lacks (a second classification
    /// merged into the same kind, such as 政府预算支出经济分类).
    fn merge(&mut self, text: &str) {
        for (code, name) in entries(text) {
            if !self.contains(code) {
                self.insert(code, name);
            }
        }
    }

    fn insert(&mut self, code: &str, name: &str) {
        if self.names.insert(code.to_string(), name.to_string()).is_none() {
            self.order.push(code.to_string());
        }
    }

    /// The years the list is in force, as messages name it: `2016–2018`, or
    /// `2022` for the newest edition or one in force a single year.
    pub(crate) fn span(&self) -> String {
        match self.until {
            Some(until) if until > self.year => format!("{}–{until}", self.year),
            _ => self.year.to_string(),
        }
    }

    /// Sets the last year in force: the year before the next edition of any
    /// of `lists`, which together make this list.
    fn in_force_until(mut self, lists: &[&[(u16, &str)]]) -> Self {
        self.until = lists
            .iter()
            .flat_map(|l| l.iter().map(|(y, _)| *y))
            .filter(|y| *y > self.year)
            .min()
            .map(|y| y - 1);
        self
    }

    /// The name `code` has in this list, if listed.
    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// Whether `code` is in this list.
    pub fn contains(&self, code: &str) -> bool {
        self.names.contains_key(code)
    }

    /// Codes in list order.
    pub fn codes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.order.iter().map(|c| (c.as_str(), self.names[c].as_str()))
    }
}

fn entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(c, n)| (c.trim(), n.trim()))
}

/// The edition in force in `year`: the newest not after it, or the oldest.
fn pick(lists: &[(u16, &'static str)], year: u16) -> (u16, &'static str) {
    lists
        .iter()
        .rev()
        .find(|(y, _)| *y <= year)
        .or_else(|| lists.first())
        .copied()
        .expect("at least one built-in list per kind")
}

/// The edition in force in `year` of a list that does not exist before its
/// first edition.
fn pick_since(lists: &[(u16, &'static str)], year: u16) -> Option<(u16, &'static str)> {
    lists.iter().rev().find(|(y, _)| *y <= year).copied()
}

/// Every built-in edition of a kind, oldest first, parsed once: what
/// [`Verdict`](verdict::Verdict) searches for a name a code had in another edition.
pub(crate) fn editions(kind: Kind) -> &'static [CodeList] {
    static FUNCTION: OnceLock<Vec<CodeList>> = OnceLock::new();
    static ECONOMIC: OnceLock<Vec<CodeList>> = OnceLock::new();
    match kind {
        Kind::Function => FUNCTION.get_or_init(|| {
            FUNCTION_LISTS
                .iter()
                .map(|(year, text)| CodeList::parse(*year, text).in_force_until(&[FUNCTION_LISTS]))
                .collect()
        }),
        Kind::Economic => ECONOMIC.get_or_init(|| {
            let mut years: Vec<u16> = ECONOMIC_LISTS
                .iter()
                .chain(ECONOMIC_GOV_LISTS)
                .map(|(year, _)| *year)
                .collect();
            years.sort_unstable();
            years.dedup();
            years.into_iter().map(economic_list).collect()
        }),
    }
}

/// The economic list in force in `year`: the departmental edition, with the
/// government edition merged in from 2018. Its year is the newer of the two.
fn economic_list(year: u16) -> CodeList {
    let (ey, et) = pick(ECONOMIC_LISTS, year);
    let gov = pick_since(ECONOMIC_GOV_LISTS, year);
    let mut list =
        CodeList::parse(ey.max(gov.map_or(0, |(y, _)| y)), et).in_force_until(&[ECONOMIC_LISTS, ECONOMIC_GOV_LISTS]);
    if let Some((_, text)) = gov {
        list.merge(text);
    }
    list
}

/// The lists in force for one disclosure.
#[derive(Clone, Debug)]
pub struct CodeLists {
    /// 支出功能分类科目: 类 / 款 / 项.
    pub function: CodeList,
    /// 支出经济分类科目: 类 / 款 (部门预算 301–399, from 2018 also 政府预算 501–599).
    pub economic: CodeList,
    /// The 收支总表 expenditure lines: 类 codes in printed order.
    pub lei: CodeList,
}

impl CodeLists {
    /// The built-in lists for budget year `year`, parsed once per list year
    /// and shared by every disclosure that uses them.
    pub fn builtin(year: u16) -> Arc<Self> {
        /// The editions a year uses: function, economic, government economic
        /// (0 before 2018), lei.
        type Editions = (u16, u16, u16, u16);
        static PARSED: std::sync::Mutex<BTreeMap<Editions, Arc<CodeLists>>> = std::sync::Mutex::new(BTreeMap::new());
        let (fy, ft) = pick(FUNCTION_LISTS, year);
        let ey = pick(ECONOMIC_LISTS, year).0;
        let gy = pick_since(ECONOMIC_GOV_LISTS, year).map_or(0, |(y, _)| y);
        let (ly, lt) = pick(LEI_LISTS, year);
        let mut cache = PARSED.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((fy, ey, gy, ly))
            .or_insert_with(|| {
                Arc::new(CodeLists {
                    function: CodeList::parse(fy, ft).in_force_until(&[FUNCTION_LISTS]),
                    economic: economic_list(year),
                    lei: CodeList::parse(ly, lt).in_force_until(&[LEI_LISTS]),
                })
            })
            .clone()
    }

    /// The lists in force for budget year `year` on a site: the built-in
    /// ones with the site's additions, worked out once per list year.
    pub fn for_site(year: u16, site: &SiteCodes) -> Arc<Self> {
        let builtin = Self::builtin(year);
        if site.function.is_empty() && site.economic.is_empty() && site.lei.is_empty() {
            return builtin;
        }
        let mut applied = site.applied.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, lists)) = applied.iter().find(|(base, _)| Arc::ptr_eq(base, &builtin)) {
            return lists.clone();
        }
        let mut lists = CodeLists::clone(&builtin);
        lists.apply_site(site);
        let lists = Arc::new(lists);
        applied.push((builtin, lists.clone()));
        lists
    }

    /// The list of one kind (function, economic, or the 收支总表 lines).
    pub fn list(&self, kind: Kind) -> &CodeList {
        match kind {
            Kind::Function => &self.function,
            Kind::Economic => &self.economic,
        }
    }

    /// Applies a site's own lists from `<content>/codes/`: new codes are
    /// added, known codes take the site's name.
    pub(crate) fn apply_site(&mut self, site: &SiteCodes) {
        for (code, name) in &site.function {
            self.function.insert(code, name);
        }
        for (code, name) in &site.economic {
            self.economic.insert(code, name);
        }
        for (code, name) in &site.lei {
            self.lei.insert(code, name);
        }
    }
}

/// A site's additions to the built-in lists.
#[derive(Debug, Default)]
pub struct SiteCodes {
    /// (code, name) lines of `function.tsv`: new codes, or new names for listed ones.
    pub function: Vec<(String, String)>,
    /// (code, name) lines of `economic.tsv`, likewise.
    pub economic: Vec<(String, String)>,
    /// (code, name) lines of `lei.tsv` (the 收支总表 lines), likewise.
    pub lei: Vec<(String, String)>,
    /// The built-in lists with these additions applied, by the built-in
    /// lists they start from (see [`CodeLists::for_site`]).
    applied: std::sync::Mutex<Vec<(Arc<CodeLists>, Arc<CodeLists>)>>,
}

impl Clone for SiteCodes {
    fn clone(&self) -> Self {
        SiteCodes {
            function: self.function.clone(),
            economic: self.economic.clone(),
            lei: self.lei.clone(),
            applied: Default::default(),
        }
    }
}

impl SiteCodes {
    /// Reads the site's additions from `dir` (`function.tsv`, `economic.tsv`,
    /// `lei.tsv`, each optional), reporting malformed lines.
    pub fn load(dir: &Path, diags: &mut Diagnostics) -> Self {
        let mut site = SiteCodes::default();
        for (name, target) in [
            ("function.tsv", &mut site.function),
            ("economic.tsv", &mut site.economic),
            ("lei.tsv", &mut site.lei),
        ] {
            let path = dir.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let file: Arc<Path> = Arc::from(crate::diag::display_path(&path).as_path());
            diags.add_source(file.clone(), Arc::from(text.as_str()));
            for (index, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let loc = Loc {
                    file: file.clone(),
                    line: index as u32 + 1,
                    column: 1,
                    len: line.chars().count() as u32,
                };
                match line.split_once('\t') {
                    Some((code, label))
                        if !code.trim().is_empty()
                            && code.trim().chars().all(|c| c.is_ascii_digit())
                            && !label.trim().is_empty() =>
                    {
                        target.push((code.trim().to_string(), label.trim().to_string()))
                    }
                    _ => {
                        diags
                            .error("code-list-format", loc, "a code list line must be `code<TAB>name`")
                            .help = Some("digits, one tab, then the name; `#` starts a comment".into());
                    }
                }
            }
        }
        site
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use verdict::Verdict;

    /// Every built-in file with its kind: (file label, kind, text).
    fn all_files() -> Vec<(String, Option<Kind>, &'static str)> {
        let mut files = Vec::new();
        for (prefix, kind, lists) in [
            ("function", Some(Kind::Function), FUNCTION_LISTS),
            ("economic", Some(Kind::Economic), ECONOMIC_LISTS),
            ("economic-gov", Some(Kind::Economic), ECONOMIC_GOV_LISTS),
            ("lei", None, LEI_LISTS),
        ] {
            for (year, text) in lists {
                files.push((format!("{prefix}-{year}"), kind, *text));
            }
        }
        files
    }

    #[test]
    fn every_list_is_well_formed() {
        for (file, kind, text) in all_files() {
            let mut seen = std::collections::BTreeSet::new();
            let mut previous: Option<&str> = None;
            assert!(
                text.starts_with("# "),
                "{file}: the first line says what the file transcribes"
            );
            for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
                let (code, name) = line
                    .split_once('\t')
                    .unwrap_or_else(|| panic!("{file}: `{line}` is not code<TAB>name"));
                assert!(code.chars().all(|c| c.is_ascii_digit()), "{file}: code `{code}`");
                assert!(!name.trim().is_empty() && name == name.trim(), "{file}: name of {code}");
                match kind {
                    Some(kind) => assert!(kind.valid_length(code.len()), "{file}: length of {code}"),
                    None => assert_eq!(code.len(), 3, "{file}: {code} is not a 类"),
                }
                assert!(seen.insert(code), "{file}: {code} twice");
                // Official order: a 类, its 款, each 款 followed by its 项, codes
                // ascending; so each line sorts after the one before.
                if let Some(previous) = previous {
                    assert!(previous < code, "{file}: {code} after {previous}");
                }
                previous = Some(code);
                if let Some(kind) = kind
                    && let Some(parent) = kind.parent(code)
                {
                    assert!(seen.contains(parent), "{file}: {code} without its parent {parent}");
                }
            }
            assert!(seen.len() >= 28, "{file}: only {} codes", seen.len());
        }
    }

    #[test]
    fn lei_lists_are_the_lei_of_the_function_lists() {
        for (year, function) in FUNCTION_LISTS {
            let lei: Vec<_> = CodeList::parse(*year, pick(LEI_LISTS, *year).1)
                .codes()
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .collect();
            let function_lei: Vec<_> = CodeList::parse(*year, function)
                .codes()
                .filter(|(c, _)| c.len() == 3)
                .map(|(c, n)| (c.to_string(), n.to_string()))
                .collect();
            assert_eq!(lei, function_lei, "lei list in force in {year}");
        }
    }

    #[test]
    fn each_year_selects_its_editions() {
        let expected = [
            (2010, 2016, 2016, 2016),
            (2016, 2016, 2016, 2016),
            (2017, 2016, 2016, 2016),
            (2018, 2016, 2018, 2016),
            (2019, 2019, 2018, 2019),
            (2020, 2020, 2018, 2020),
            (2021, 2020, 2018, 2020),
            (2022, 2022, 2022, 2020),
            (2023, 2022, 2022, 2020),
            (2026, 2022, 2022, 2020),
        ];
        for (year, function, economic, lei) in expected {
            let lists = CodeLists::builtin(year);
            assert_eq!(
                (lists.function.year, lists.economic.year, lists.lei.year),
                (function, economic, lei),
                "editions for {year}"
            );
        }
        // The 政府预算支出经济分类 (501–599) exists from 2018 on only.
        assert!(!CodeLists::builtin(2017).economic.contains("501"));
        assert_eq!(CodeLists::builtin(2018).economic.name("50101"), Some("工资奖金津补贴"));
        assert_eq!(CodeLists::builtin(2017).function.span(), "2016–2018");
        assert_eq!(CodeLists::builtin(2019).function.span(), "2019");
        assert_eq!(CodeLists::builtin(2024).function.span(), "2022");
        assert_eq!(CodeLists::builtin(2019).economic.span(), "2018–2021");
        assert_eq!(
            CodeLists::builtin(2017).function.name("210"),
            Some("医疗卫生与计划生育支出")
        );
        assert_eq!(
            CodeLists::builtin(2018).function.name("210"),
            Some("医疗卫生与计划生育支出")
        );
        assert_eq!(CodeLists::builtin(2019).function.name("210"), Some("卫生健康支出"));
        assert_eq!(CodeLists::builtin(2022).function.name("2013201"), Some("行政运行"));
        assert_eq!(
            CodeLists::builtin(2022).function.name("2013202"),
            Some("一般行政管理事务")
        );
    }

    #[test]
    fn lei_list_has_the_thirty_lines_of_the_summary_table() {
        let lists = CodeLists::builtin(2022);
        let lines: Vec<_> = lists.lei.codes().collect();
        assert_eq!(lines.len(), 30);
        assert_eq!(lines[0], ("201", "一般公共服务支出"));
        assert_eq!(lines[29], ("234", "抗疫特别国债安排的支出"));
        assert_eq!(CodeLists::builtin(2017).lei.codes().count(), 28);
        assert_eq!(CodeLists::builtin(2019).lei.codes().count(), 29);
    }

    #[test]
    fn renames_are_found_both_ways() {
        let y2022 = CodeLists::builtin(2022);
        assert_eq!(
            y2022.judge(Kind::Function, "210", Some("医疗卫生与计划生育支出")),
            Verdict::Renamed {
                expected: "卫生健康支出".into(),
                year: 2019,
                older: true
            }
        );
        assert_eq!(
            y2022.judge(Kind::Function, "207", Some("文化体育与传媒支出")),
            Verdict::Renamed {
                expected: "文化旅游体育与传媒支出".into(),
                year: 2019,
                older: true
            }
        );
        let y2017 = CodeLists::builtin(2017);
        assert_eq!(
            y2017.judge(Kind::Function, "210", Some("卫生健康支出")),
            Verdict::Renamed {
                expected: "医疗卫生与计划生育支出".into(),
                year: 2019,
                older: false
            }
        );
        // 扶贫 became 巩固脱贫衔接乡村振兴 in the 2022 edition.
        assert_eq!(
            CodeLists::builtin(2021).judge(Kind::Function, "21305", Some("巩固脱贫衔接乡村振兴")),
            Verdict::Renamed {
                expected: "扶贫".into(),
                year: 2022,
                older: false
            }
        );
        assert_eq!(
            y2022.judge(Kind::Economic, "30307", Some("医疗费")),
            Verdict::Renamed {
                expected: "医疗费补助".into(),
                year: 2018,
                older: true
            }
        );
        // A name no edition gives is only a different name.
        assert_eq!(
            y2022.judge(Kind::Function, "2010101", Some("行政运行费")),
            Verdict::NameDiffers {
                expected: "行政运行".into()
            }
        );
    }

    #[test]
    fn a_code_missing_under_a_known_parent_is_not_unknown() {
        let y2022 = CodeLists::builtin(2022);
        assert_eq!(
            y2022.judge(Kind::Function, "2013201", Some("行政运行")),
            Verdict::Listed
        );
        assert_eq!(
            y2022.judge(Kind::Function, "2013205", None),
            Verdict::NotListed {
                parent: "20132".into(),
                parent_name: "组织事务".into()
            }
        );
        assert_eq!(
            y2022.judge(Kind::Function, "20139", None),
            Verdict::NotListed {
                parent: "201".into(),
                parent_name: "一般公共服务支出".into()
            }
        );
        assert_eq!(
            y2022.judge(Kind::Economic, "30198", None),
            Verdict::NotListed {
                parent: "301".into(),
                parent_name: "工资福利支出".into()
            }
        );
        // A 项 under an unknown 款, a 款 under an unknown 类, an unknown 类.
        assert_eq!(y2022.judge(Kind::Function, "2013905", None), Verdict::Unknown);
        assert_eq!(y2022.judge(Kind::Function, "29901", None), Verdict::Unknown);
        assert_eq!(y2022.judge(Kind::Function, "299", None), Verdict::Unknown);
        assert_eq!(
            CodeLists::builtin(2017).judge(Kind::Economic, "50101", None),
            Verdict::Unknown
        );
    }

    #[test]
    fn names_differing_in_parenthesis_width_are_the_same() {
        assert!(verdict::same_name("维修(护)费", "维修（护）费"));
        assert!(verdict::same_name("中医（民族）医院", "中医(民族)医院"));
        assert!(!verdict::same_name("行政运行费", "行政运行"));
        let y2022 = CodeLists::builtin(2022);
        assert_eq!(
            y2022.judge(Kind::Economic, "30213", Some("维修（护）费")),
            Verdict::Listed
        );
    }
}
