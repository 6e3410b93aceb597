//! What the lists in force say of a code given in a disclosure, and of the
//! name given with it: the rules `code-unknown`, `code-not-in-list`,
//! `code-name` and `code-renamed`.
//!
//! The built-in lists are complete at 类 level and, for function codes, at
//! 款 level as far as the transcription goes, but not at 项 level (see
//! `data/README.md`). So a code the list lacks is an error only when its
//! parent (the 款 of a 项, the 类 of a 款) is unknown too; otherwise it is a
//! warning that keeps the name the content gives and stops no other check.

use super::{CodeList, CodeLists, Kind, editions};
use crate::diag::{Diagnostic, Loc, Severity};

/// What the lists say of one code and the name given with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// In the list, with the given name (or none given).
    Listed,
    /// In the list under another name, which no edition gives it.
    NameDiffers {
        /// The name in the list in force.
        expected: String,
    },
    /// In the list under another name; the given one is the code's name in
    /// another edition.
    Renamed {
        /// The name in the list in force.
        expected: String,
        /// The year the name given stopped being used (when it is an older
        /// name) or started being used (when it is a newer one).
        year: u16,
        /// Whether the name given is older than the list's.
        older: bool,
    },
    /// Not in the list, but its parent (the 款 of a 项, the 类 of a 款) is.
    NotListed {
        /// The parent's code and name.
        parent: String,
        parent_name: String,
    },
    /// Neither the code nor its parent is in the list (or it is a 类).
    Unknown,
}

/// Two names are the same when they differ only in the width of their
/// parentheses or in spaces: disclosures print `维修(护)费` and `维修（护）费`
/// alike.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace()).map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
    }
    norm(a).eq(norm(b))
}

impl CodeLists {
    /// Judges a code of `kind` (already of a valid form) and the name given
    /// with it against the lists in force.
    pub(crate) fn judge(&self, kind: Kind, code: &str, name: Option<&str>) -> Verdict {
        let list = self.list(kind);
        match list.name(code) {
            Some(expected) => match name {
                Some(given) if !same_name(given, expected) => match renamed(kind, list, code, given) {
                    Some((year, older)) => Verdict::Renamed {
                        expected: expected.to_string(),
                        year,
                        older,
                    },
                    None => Verdict::NameDiffers {
                        expected: expected.to_string(),
                    },
                },
                _ => Verdict::Listed,
            },
            None => match kind.parent(code).and_then(|p| list.name(p).map(|n| (p, n))) {
                Some((parent, parent_name)) => Verdict::NotListed {
                    parent: parent.to_string(),
                    parent_name: parent_name.to_string(),
                },
                None => Verdict::Unknown,
            },
        }
    }

    /// The finding for a code and its name, if any: an error for an unknown
    /// code, a warning otherwise (on the name when it is the name that
    /// differs). `code_loc` points at the code, `name` at the name given.
    pub fn check(&self, kind: Kind, code: &str, code_loc: &Loc, name: Option<(&str, &Loc)>) -> Option<Diagnostic> {
        let list = self.list(kind);
        // Messages say "the 2016–2018 list": the edition and the years it is in force.
        let year = list.span();
        let label = kind.label();
        let file = kind.site_file();
        let given = name.map(|(n, _)| n);
        let name_loc = name.map_or(code_loc, |(_, loc)| loc).clone();
        match self.judge(kind, code, given) {
            Verdict::Listed => None,
            Verdict::NameDiffers { expected } => Some(
                Diagnostic::new(
                    Severity::Warning,
                    "code-name",
                    name_loc,
                    format!(
                        "name of {code} is `{}`, but the {year} list names it `{expected}`",
                        given.unwrap_or_default()
                    ),
                )
                .with_help(format!(
                    "write `{expected}`, or rename the code in content/codes/ if your locality uses another name"
                )),
            ),
            Verdict::Renamed {
                expected,
                year: changed,
                older,
            } => {
                let given = given.unwrap_or_default();
                let when = if older {
                    format!("the name before {changed}")
                } else {
                    format!("the name from {changed} on")
                };
                Some(
                    Diagnostic::new(
                        Severity::Warning,
                        "code-renamed",
                        name_loc,
                        format!("`{code} {given}` is {when}; the {year} list names {code} `{expected}`"),
                    )
                    .with_help(format!(
                        "the 科目 was renamed: write `{expected}` as the {year} list does (if the spending moved to another code, use that code)"
                    )),
                )
            }
            Verdict::NotListed { parent, parent_name } => {
                let line_name = given.unwrap_or("名称");
                Some(
                    Diagnostic::new(
                        Severity::Warning,
                        "code-not-in-list",
                        code_loc.clone(),
                        format!(
                            "{label} `{code}` is not in the built-in {year} list, which has its parent {parent} {parent_name}; \
                             the name given is kept and every other check runs"
                        ),
                    )
                    .with_help(format!(
                        "the built-in list is not complete below 类 level: check the code against the {year} 《政府收支分类科目》; \
                         if it is right (a national code the list lacks, or a local one), add `{code}<TAB>{line_name}` \
                         to content/codes/{file}"
                    )),
                )
            }
            Verdict::Unknown => Some(
                Diagnostic::new(
                    Severity::Error,
                    "code-unknown",
                    code_loc.clone(),
                    format!("{label} `{code}` is not in the {year} list"),
                )
                .with_help(match kind.parent(code) {
                    Some(parent) => format!(
                        "neither it nor {parent} is in the list: check the code; if it is right, add `{code}<TAB>name` \
                         (and its parent) to content/codes/{file}"
                    ),
                    None => format!("check the code; if it is right, add `{code}<TAB>name` to content/codes/{file}"),
                }),
            ),
        }
    }
}

/// Whether `given` is the name of `code` in another built-in edition than
/// `list`'s: `(year, true)` when it is an older name, dropped in `year`;
/// `(year, false)` when it is a newer one, used from `year` on.
fn renamed(kind: Kind, list: &CodeList, code: &str, given: &str) -> Option<(u16, bool)> {
    let all = editions(kind);
    let has_given = |e: &CodeList| e.name(code).is_some_and(|n| same_name(n, given));
    // An older name: the last older edition that has it, then the first
    // edition after that which names the code otherwise.
    if let Some(last) = all.iter().rposition(|e| e.year < list.year && has_given(e)) {
        let changed = all[last + 1..]
            .iter()
            .find(|e| e.name(code).is_some() && !has_given(e))
            .map_or(list.year, |e| e.year);
        return Some((changed, true));
    }
    all.iter()
        .find(|e| e.year > list.year && has_given(e))
        .map(|e| (e.year, false))
}
