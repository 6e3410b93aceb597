//! Classification code lists (政府收支分类科目), versioned by year.
//!
//! The built-in lists are embedded from `data/` (see its README for the
//! format and sources). A disclosure of year Y uses, per kind, the list with
//! the greatest year ≤ Y (the oldest list when none is that old). A site may
//! extend or rename codes with `content/codes/{function,economic,lei}.tsv`.

use crate::diag::{Diagnostics, Loc};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Which classification a code belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 支出功能分类科目
    Function,
    /// 部门预算支出经济分类科目
    Economic,
}

impl Kind {
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
}

/// Built-in lists: (kind, year, text).
const FUNCTION_LISTS: &[(u16, &str)] = &[
    (2018, include_str!("data/function-2018.tsv")),
    (2022, include_str!("data/function-2022.tsv")),
];
const ECONOMIC_LISTS: &[(u16, &str)] = &[(2022, include_str!("data/economic-2022.tsv"))];
const LEI_LISTS: &[(u16, &str)] = &[
    (2018, include_str!("data/lei-2018.tsv")),
    (2022, include_str!("data/lei-2022.tsv")),
];

/// One list: code → name, in the official order.
#[derive(Clone, Debug, Default)]
pub struct CodeList {
    /// The year of the built-in list it starts from.
    pub year: u16,
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

    fn insert(&mut self, code: &str, name: &str) {
        if self.names.insert(code.to_string(), name.to_string()).is_none() {
            self.order.push(code.to_string());
        }
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

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

fn pick(lists: &[(u16, &'static str)], year: u16) -> (u16, &'static str) {
    lists
        .iter()
        .rev()
        .find(|(y, _)| *y <= year)
        .or_else(|| lists.first())
        .copied()
        .expect("at least one built-in list per kind")
}

/// The lists in force for one disclosure.
#[derive(Clone, Debug)]
pub struct CodeLists {
    pub function: CodeList,
    pub economic: CodeList,
    /// The 收支总表 expenditure lines: 类 codes in printed order.
    pub lei: CodeList,
}

impl CodeLists {
    /// No lists at all (for summaries that no longer check codes).
    pub fn empty() -> Self {
        CodeLists {
            function: CodeList::default(),
            economic: CodeList::default(),
            lei: CodeList::default(),
        }
    }

    /// The built-in lists for budget year `year`, parsed once per list year
    /// and shared by every disclosure that uses them.
    pub fn builtin(year: u16) -> Arc<Self> {
        static PARSED: std::sync::Mutex<BTreeMap<(u16, u16, u16), Arc<CodeLists>>> =
            std::sync::Mutex::new(BTreeMap::new());
        let (fy, ft) = pick(FUNCTION_LISTS, year);
        let (ey, et) = pick(ECONOMIC_LISTS, year);
        let (ly, lt) = pick(LEI_LISTS, year);
        let mut cache = PARSED.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry((fy, ey, ly))
            .or_insert_with(|| {
                Arc::new(CodeLists {
                    function: CodeList::parse(fy, ft),
                    economic: CodeList::parse(ey, et),
                    lei: CodeList::parse(ly, lt),
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

    pub fn list(&self, kind: Kind) -> &CodeList {
        match kind {
            Kind::Function => &self.function,
            Kind::Economic => &self.economic,
        }
    }

    /// Applies a site's own lists from `<content>/codes/`: new codes are
    /// added, known codes take the site's name.
    pub fn apply_site(&mut self, site: &SiteCodes) {
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
    pub function: Vec<(String, String)>,
    pub economic: Vec<(String, String)>,
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

    #[test]
    fn year_selects_newest_list_not_after_it() {
        assert_eq!(CodeLists::builtin(2022).function.year, 2022);
        assert_eq!(CodeLists::builtin(2026).function.year, 2022);
        assert_eq!(CodeLists::builtin(2020).function.year, 2018);
        assert_eq!(CodeLists::builtin(2010).function.year, 2018);
        let y2018 = CodeLists::builtin(2018);
        assert_eq!(y2018.function.name("210"), Some("医疗卫生与计划生育支出"));
        assert_eq!(CodeLists::builtin(2022).function.name("210"), Some("卫生健康支出"));
    }

    #[test]
    fn lei_list_has_the_thirty_lines_of_the_summary_table() {
        let lists = CodeLists::builtin(2022);
        let lines: Vec<_> = lists.lei.codes().collect();
        assert_eq!(lines.len(), 30);
        assert_eq!(lines[0], ("201", "一般公共服务支出"));
        assert_eq!(lines[29], ("234", "抗疫特别国债安排的支出"));
    }
}
