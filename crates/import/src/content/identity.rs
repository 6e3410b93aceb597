//! The identity of the imported department-year beyond its code and year:
//! its administrative division (区划代码), its phase (预算 or 决算) and its
//! scope (a 部门 or one 单位), read from the names and titles the document
//! prints. A division is set only when the document names exactly one
//! (never guessed): an ambiguous name, names of divisions that contradict
//! each other, or no name at all are reported ([`RegionFinding`]) and left
//! for `--region`.

use crate::RegionChoice;
use crate::document::Doc;
use crate::document::words::{is_short_title, squeeze, year_in};
use gongkai_model::identity::Phase;
use gongkai_model::regions::{self, Division, Match};

/// Where the region of an imported department-year came from, or why it
/// was not set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RegionFinding {
    /// Given by the user (`--region`); it wins over the document.
    Given,
    /// As the site already keeps this department-year (with that region, or
    /// without one).
    Site,
    /// The document names this division (the most specific one its names
    /// agree on); `text` is where.
    Found {
        /// The division.
        division: Division,
        /// The printed name that names it.
        text: String,
    },
    /// The document names a division whose name fits several, and nothing in
    /// it tells them apart: none is chosen.
    Ambiguous {
        /// The divisions that fit.
        candidates: Vec<Division>,
        /// The printed name.
        text: String,
    },
    /// The document names divisions that cannot all be its own (on
    /// different branches of the list): none is chosen.
    Conflict(Vec<(Division, String)>),
    /// The document names no division.
    #[default]
    NotFound,
}

impl RegionFinding {
    /// The code the finding sets, if it sets one by itself.
    pub(crate) fn code(&self) -> Option<&'static str> {
        match self {
            RegionFinding::Found { division, .. } => Some(division.code()),
            _ => None,
        }
    }

    /// One line for the list of what was not placed, when the finding is
    /// not a division (`None` when it is, or when the user or the site gave
    /// the region).
    pub fn unplaced(&self) -> Option<String> {
        let list = |ds: &[Division]| ds.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ");
        match self {
            RegionFinding::Given | RegionFinding::Site | RegionFinding::Found { .. } => None,
            RegionFinding::Ambiguous { candidates, text } => Some(format!(
                "unit.yaml: region not set: `{text}` fits {} — give `--region` with the right code (needed when the site holds several localities)",
                list(candidates)
            )),
            RegionFinding::Conflict(named) => Some(format!(
                "unit.yaml: region not set: the document names divisions that cannot all be its own ({}) — give `--region` with the right code",
                named
                    .iter()
                    .map(|(d, text)| format!("{d} in `{text}`"))
                    .collect::<Vec<_>>()
                    .join("; ")
            )),
            RegionFinding::NotFound => Some(
                "unit.yaml: region not set: the document names no 区划 in its unit name, table headers or title — give `--region` (needed when the site holds several localities)"
                    .into(),
            ),
        }
    }
}

/// The title lines of a document: its short lines that name a 部门/单位
/// 预算 or 决算 (the document's own title, the title of its explanatory
/// part), then the titles of its tables.
pub(super) fn titles(doc: &Doc) -> Vec<String> {
    const NAMES: [&str; 4] = ["部门预算", "部门决算", "单位预算", "单位决算"];
    let mut out: Vec<String> = doc
        .all_paragraphs
        .iter()
        .filter(|p| is_short_title(p))
        .filter(|p| {
            let s = squeeze(p);
            NAMES.iter().any(|n| s.contains(n))
                || (year_in(&s).is_some() && (s.contains("预算") || s.contains("决算")) && s.contains("公开"))
        })
        .cloned()
        .collect();
    out.extend(doc.tables.values().map(|t| t.title.clone()));
    out
}

/// 决算 when more of the titles name a 决算 than a 预算 (a fund's name such
/// as 一般公共预算 stands in the titles of a 决算's tables too, so a title
/// naming 决算 counts as one whatever else it says).
pub(super) fn phase(titles: &[String]) -> Phase {
    let final_accounts = titles
        .iter()
        .filter(|t| t.contains("决算") && !t.contains("预决算"))
        .count();
    let budget = titles
        .iter()
        .filter(|t| t.contains("预算") && !t.contains("决算"))
        .count();
    if final_accounts > budget {
        Phase::FinalAccounts
    } else {
        Phase::Budget
    }
}

/// Whether the document is one 单位's budget: a title names a 单位预算 (or
/// 单位决算) and none a 部门预算 (a department's document that appends its
/// units' tables names both).
pub(super) fn unit_scope(titles: &[String]) -> bool {
    let names = |a: &str, b: &str| titles.iter().any(|t| squeeze(t).contains(a) || squeeze(t).contains(b));
    names("单位预算", "单位决算") && !names("部门预算", "部门决算")
}

/// The region of the department-year.
///
/// `name` is the department's name (from the table headers), `others` the
/// other names and titles the document prints. Every text is looked up
/// ([`regions::find`]); the divisions found must lie on one chain (a city
/// and one of its counties), and the most specific is the answer. A name
/// that fits several divisions is narrowed by what the other texts name
/// ([`regions::find_in`], e.g. `唐山市` in the title); if that leaves more
/// than one, or nothing, nothing is chosen.
pub(super) fn find_region(name: &str, others: &[String]) -> RegionFinding {
    let mut texts: Vec<&str> = vec![name];
    for t in others {
        if !texts.contains(&t.as_str()) {
            texts.push(t);
        }
    }
    let matches: Vec<(&str, Match)> = texts.iter().map(|t| (*t, regions::find(t))).collect();
    let found: Vec<(Division, &str)> = matches
        .iter()
        .filter_map(|(t, m)| m.division().map(|d| (d, *t)))
        .collect();
    let ambiguous: Vec<(&str, Vec<Division>)> = matches
        .iter()
        .filter_map(|(t, m)| match m {
            Match::Ambiguous(c) => Some((*t, c.clone())),
            _ => None,
        })
        .collect();
    // The divisions found, narrowed to one chain.
    let deepest = found.iter().map(|(d, _)| *d).max_by_key(|d| (d.level(), d.code()));
    if let Some(deepest) = deepest {
        let off_chain: Vec<(Division, String)> = found
            .iter()
            .filter(|(d, _)| !d.contains(deepest))
            .map(|(d, t)| (*d, t.to_string()))
            .collect();
        if !off_chain.is_empty() {
            let text = found
                .iter()
                .find(|(d, _)| *d == deepest)
                .map_or_else(String::new, |(_, t)| t.to_string());
            let mut named = vec![(deepest, text)];
            named.extend(off_chain);
            named.sort_by(|a, b| a.0.code().cmp(b.0.code()));
            named.dedup_by(|a, b| a.0 == b.0);
            return RegionFinding::Conflict(named);
        }
    }
    // An ambiguous name more specific than what was found: narrowed by it.
    let context: Vec<&str> = found.iter().map(|(d, _)| d.code()).collect();
    for (text, candidates) in &ambiguous {
        let deeper = candidates
            .iter()
            .any(|c| deepest.is_none_or(|d| c.level() > d.level() && d.contains(*c)));
        if !deeper {
            continue;
        }
        return match regions::find_in(text, &context) {
            Match::Found(d) => RegionFinding::Found {
                division: d,
                text: text.to_string(),
            },
            Match::Ambiguous(candidates) => RegionFinding::Ambiguous {
                candidates,
                text: text.to_string(),
            },
            Match::NotFound => RegionFinding::Ambiguous {
                candidates: candidates.clone(),
                text: text.to_string(),
            },
        };
    }
    match (deepest, ambiguous.first()) {
        (Some(division), _) => RegionFinding::Found {
            division,
            text: found
                .iter()
                .find(|(d, _)| *d == division)
                .map_or_else(String::new, |(_, t)| t.to_string()),
        },
        (None, Some((text, candidates))) => RegionFinding::Ambiguous {
            candidates: candidates.clone(),
            text: text.to_string(),
        },
        (None, None) => RegionFinding::NotFound,
    }
}

/// The region the choice and the document give: the code written to
/// unit.yaml (if any) and how it was found.
pub(super) fn region(choice: &RegionChoice, name: &str, others: &[String]) -> (Option<String>, RegionFinding) {
    match choice {
        RegionChoice::Given(code) => (Some(code.trim().to_string()), RegionFinding::Given),
        RegionChoice::Site(code) => (code.clone(), RegionFinding::Site),
        RegionChoice::FromDocument => {
            let finding = find_region(name, others);
            (finding.code().map(str::to_string), finding)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(f: &RegionFinding) -> Option<&'static str> {
        f.code()
    }

    #[test]
    fn the_unit_name_names_the_division() {
        assert_eq!(
            code(&find_region("张家口市人民代表大会常务委员会办公室", &[])),
            Some("130700")
        );
        assert_eq!(code(&find_region("丰润区人大", &[])), Some("130208"));
        assert_eq!(
            code(&find_region("平乡县人民代表大会常务委员会办公室", &[])),
            Some("130532")
        );
        assert_eq!(code(&find_region("河北省蔚县教育局", &[])), Some("130726"));
    }

    #[test]
    fn titles_fill_in_and_narrow() {
        // No place in the name: the title names it.
        let f = find_region(
            "人大常委会办公室",
            &["唐山市丰润区人大常委会办公室2023年部门预算公开".to_string()],
        );
        assert_eq!(code(&f), Some("130208"));
        // 朝阳区 is in 北京 and in 长春: the title's 北京市 tells.
        let f = find_region("朝阳区人大", &["北京市2023年部门预算".to_string()]);
        assert_eq!(code(&f), Some("110105"), "{f:?}");
        // A city in the title and one of its counties in the name agree.
        let f = find_region("丰润区人大", &["唐山市2023年部门预算".to_string()]);
        assert_eq!(code(&f), Some("130208"));
    }

    #[test]
    fn ambiguity_and_contradiction_choose_nothing() {
        let f = find_region("朝阳区人大", &[]);
        assert!(
            matches!(&f, RegionFinding::Ambiguous { candidates, .. } if candidates.len() >= 2),
            "{f:?}"
        );
        assert!(
            f.unplaced()
                .is_some_and(|u| u.contains("110105") && u.contains("--region"))
        );
        let f = find_region("丰润区人大", &["平乡县人大2023年部门预算".to_string()]);
        assert!(
            matches!(&f, RegionFinding::Conflict(named) if named.len() == 2),
            "{f:?}"
        );
        assert_eq!(find_region("人大常委会办公室", &[]), RegionFinding::NotFound);
    }

    #[test]
    fn phase_and_scope_from_the_titles() {
        let budget = vec!["部门预算收支总表".to_string(), "一般公共预算财政拨款支出表".to_string()];
        assert_eq!(phase(&budget), Phase::Budget);
        let accounts = vec![
            "收入支出决算总表".to_string(),
            "一般公共预算财政拨款支出决算表".to_string(),
            "某局2023年部门决算".to_string(),
        ];
        assert_eq!(phase(&accounts), Phase::FinalAccounts);
        assert!(!unit_scope(&budget));
        assert!(unit_scope(&["上海市普陀区司法局本级2026年单位预算".to_string()]));
        assert!(!unit_scope(&[
            "某局2023年部门预算".to_string(),
            "某局本级2023年单位预算".to_string()
        ]));
    }
}
