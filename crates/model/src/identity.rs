//! Who published which document: the identity of a department-year.
//!
//! Department codes are local: in nearly every county the people's congress
//! office is department 101. A published document is one department's (or
//! one unit's) budget (预算) or final accounts (决算) of one year, in one
//! administrative division (区划代码). Its [`Identity`] names all of that, and
//! its permalink ([`Identity::path`]) is built from it, so a province's
//! site holds every county's 101 side by side.
//!
//! A site of one locality need not say its division: without a `region`,
//! paths are `<year>/<code>/`, as before identities existed.

use std::fmt;
use std::path::PathBuf;

/// 预算 (the budget, published in spring) or 决算 (the final accounts,
/// published in summer).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Phase {
    /// 预算.
    #[default]
    Budget,
    /// 决算.
    FinalAccounts,
}

impl Phase {
    /// The labels unit.yaml accepts, with the phase each names.
    pub(crate) const LABELS: [(&'static str, Phase); 2] = [("预算", Phase::Budget), ("决算", Phase::FinalAccounts)];

    /// 预算 or 决算.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Budget => "预算",
            Phase::FinalAccounts => "决算",
        }
    }

    /// The phase a label names.
    pub fn from_label(label: &str) -> Option<Phase> {
        Phase::LABELS.iter().find(|(l, _)| *l == label.trim()).map(|(_, p)| *p)
    }

    /// The path segment of a phase other than the budget (`juesuan`).
    fn segment(self) -> Option<&'static str> {
        match self {
            Phase::Budget => None,
            Phase::FinalAccounts => Some("juesuan"),
        }
    }
}

/// Whose budget: a 部门 (the department with all its units, consolidated) or
/// one 单位 (as Shanghai publishes for each unit too).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// 部门: the department, consolidated.
    #[default]
    Department,
    /// 单位: one unit of the department, by its unit code (e.g. `101001`).
    Unit(String),
}

impl Scope {
    /// 部门 or 单位.
    pub fn label(&self) -> &'static str {
        match self {
            Scope::Department => "部门",
            Scope::Unit(_) => "单位",
        }
    }
}

/// The identity of a department-year: which year, phase, division,
/// department and scope a document is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    /// Budget year.
    pub year: u16,
    /// 预算 or 决算.
    pub phase: Phase,
    /// 区划代码 (6 digits), when the site says it.
    pub region: Option<String>,
    /// Department code (local: 101 in nearly every county).
    pub code: String,
    /// 部门 or one 单位.
    pub scope: Scope,
}

impl Identity {
    /// The department's series across years: the identity without the year.
    pub fn series(&self) -> Series {
        Series {
            phase: self.phase,
            region: self.region.clone(),
            code: self.code.clone(),
            scope: self.scope.clone(),
        }
    }

    /// The permalink folder: `<year>/[juesuan/][<region>/]<code>[/<unit>]`.
    pub fn path(&self) -> PathBuf {
        PathBuf::from(self.year.to_string()).join(self.series().path())
    }

    /// [`Identity::path`] with `/` separators, for URLs and keys.
    pub fn slashed(&self) -> String {
        format!("{}/{}", self.year, self.series().slashed())
    }
}

impl fmt::Display for Identity {
    /// `2023年 预算 130208 部门 101`, leaving out what is the default.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年", self.year)?;
        if self.phase != Phase::Budget {
            write!(f, "{}", self.phase.label())?;
        }
        write!(f, " {}", self.series().describe())
    }
}

/// A department (or unit) across years: what its comparison page is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// 预算 or 决算.
    pub phase: Phase,
    /// 区划代码, when known.
    pub region: Option<String>,
    /// Department code.
    pub code: String,
    /// 部门 or one 单位.
    pub scope: Scope,
}

impl Series {
    /// `[juesuan/][<region>/]<code>[/<unit>]`.
    pub fn path(&self) -> PathBuf {
        PathBuf::from(self.slashed())
    }

    /// [`Series::path`] with `/` separators.
    pub fn slashed(&self) -> String {
        let mut parts: Vec<&str> = Vec::with_capacity(4);
        parts.extend(self.phase.segment());
        parts.extend(self.region.as_deref());
        parts.push(&self.code);
        if let Scope::Unit(unit) = &self.scope {
            parts.push(unit);
        }
        parts.join("/")
    }

    /// `130208 101` or `101 单位 101001`, for messages.
    fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(region) = &self.region {
            out.push_str(region);
            out.push(' ');
        }
        out.push_str(&self.code);
        if let Scope::Unit(unit) = &self.scope {
            out.push_str(" 单位 ");
            out.push_str(unit);
        }
        out
    }
}

/// Whether `text` is a 区划代码: six digits, the first two a province
/// (11 北京 … 65 新疆, 71 台湾, 81 香港, 82 澳门).
pub fn is_region_code(text: &str) -> bool {
    text.len() == 6
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(
            text[..2].parse::<u8>(),
            Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(region: Option<&str>, phase: Phase, scope: Scope) -> Identity {
        Identity {
            year: 2023,
            phase,
            region: region.map(String::from),
            code: "101".into(),
            scope,
        }
    }

    #[test]
    fn paths_name_every_part_that_is_not_the_default() {
        let plain = identity(None, Phase::Budget, Scope::Department);
        assert_eq!(plain.slashed(), "2023/101");
        assert_eq!(plain.path(), PathBuf::from("2023/101"));
        assert_eq!(
            identity(Some("130208"), Phase::Budget, Scope::Department).slashed(),
            "2023/130208/101"
        );
        assert_eq!(
            identity(Some("310107"), Phase::FinalAccounts, Scope::Unit("101001".into())).slashed(),
            "2023/juesuan/310107/101/101001"
        );
        assert_eq!(
            identity(Some("130208"), Phase::Budget, Scope::Department)
                .series()
                .slashed(),
            "130208/101"
        );
    }

    #[test]
    fn two_counties_101_are_two_identities() {
        let fengrun = identity(Some("130208"), Phase::Budget, Scope::Department);
        let pingxiang = identity(Some("130532"), Phase::Budget, Scope::Department);
        assert_ne!(fengrun, pingxiang);
        assert_ne!(fengrun.path(), pingxiang.path());
        assert_eq!(fengrun.to_string(), "2023年 130208 101");
        assert_eq!(
            identity(None, Phase::FinalAccounts, Scope::Unit("101001".into())).to_string(),
            "2023年决算 101 单位 101001"
        );
    }

    #[test]
    fn region_codes() {
        for ok in ["130208", "130532", "310107", "110101", "650102"] {
            assert!(is_region_code(ok), "{ok}");
        }
        for bad in ["13020", "1302080", "990101", "13020a", "000000", "张北县"] {
            assert!(!is_region_code(bad), "{bad}");
        }
    }
}
