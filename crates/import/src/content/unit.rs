//! `unit.yaml`: the department, its year and unit of amounts, from the
//! header lines of the tables (`101张家口市…`, `预算年度：2022`,
//! `单位：万元`), or, in a document of performance targets only, from the
//! unit line above them and the first year of the text; its level and
//! locality inferred from its name; its region (区划代码), phase and scope
//! from the names and titles it prints (`identity`), or its region as the
//! user gives it (`--region`).

use super::identity::{self, RegionFinding};
use super::{ImportError, Importer};
use crate::document::Kind;
use crate::document::words::{code_and_name, squeeze, year_in};
use gongkai_content::yaml::{Value, Writer};
use gongkai_model::identity::{Identity, Phase, Scope};

/// What `unit.yaml` says.
#[derive(Clone, Debug, Default)]
pub(super) struct UnitInfo {
    pub(super) code: String,
    pub(super) name: String,
    pub(super) year: u16,
    /// `万元` or `元`.
    pub(super) amount_unit: String,
    pub(super) level: String,
    pub(super) province: Option<String>,
    pub(super) locality: String,
    /// 区划代码, when the document names one division or the user gives it.
    pub(super) region: Option<String>,
    /// How the region was found, or why not.
    pub(super) region_finding: RegionFinding,
    /// 预算 or 决算.
    pub(super) phase: Phase,
    /// 部门, or one 单位 with its code.
    pub(super) scope: Scope,
}

impl UnitInfo {
    /// The department-year's identity (its folder and web address).
    pub(super) fn identity(&self) -> Identity {
        Identity {
            year: self.year,
            phase: self.phase,
            region: self.region.clone(),
            code: self.code.clone(),
            scope: self.scope.clone(),
        }
    }
}

/// Finds the department and its year; an error when either is missing.
pub(super) fn build(im: &mut Importer<'_>) -> Result<UnitInfo, ImportError> {
    im.unit_info()
}

impl Importer<'_> {
    /// The department, year and unit of amounts; each guess is listed.
    fn unit_info(&mut self) -> Result<UnitInfo, ImportError> {
        let mut found: Option<(String, String)> = None;
        let mut year: Option<u16> = None;
        let mut amount_unit: Option<String> = None;
        let mut headers: Vec<(String, Vec<String>)> = Vec::new();
        // Every name the headers print (for the region).
        let mut names: Vec<String> = Vec::new();
        let order = Kind::NINE
            .iter()
            .chain(&[Kind::Procurement, Kind::Assets])
            .filter_map(|k| self.doc.table(*k));
        for t in order {
            headers.push((t.title.clone(), t.header().to_vec()));
        }
        for (title, header) in &headers {
            for cell in header {
                let s = squeeze(cell);
                if let Some(y) = s.strip_prefix("预算年度：").or_else(|| s.strip_prefix("预算年度:")) {
                    let y: String = y.chars().take_while(char::is_ascii_digit).collect();
                    if let Ok(y) = y.parse::<u16>() {
                        match year {
                            None => year = Some(y),
                            Some(first) if first != y => {
                                self.note(format!("{title}: header says 预算年度：{y}, other tables {first}"));
                            }
                            _ => {}
                        }
                    }
                } else if let Some(u) = s.strip_prefix("单位：").or_else(|| s.strip_prefix("单位:")) {
                    amount_unit.get_or_insert_with(|| u.to_string());
                } else if let Some((code, name)) = code_and_name(cell) {
                    if !names.contains(&name) {
                        names.push(name.clone());
                    }
                    match &found {
                        None => found = Some((code, name)),
                        Some((c, n)) if *c != code || *n != name => {
                            self.note(format!("{title}: header names `{code}{name}`, other tables `{c}{n}`"));
                        }
                        _ => {}
                    }
                }
            }
        }
        if found.is_none() {
            // A performance-only document: `101001…本级` above the project tables.
            let units: Vec<(String, String)> = self
                .doc
                .projects
                .iter()
                .filter_map(|p| p.rows.first())
                .flat_map(|r| r.iter())
                .filter_map(|c| code_and_name(c))
                .filter(|(c, _)| c.len() >= 6)
                .collect();
            let chosen = units
                .iter()
                .find(|(_, n)| n.ends_with("本级"))
                .or_else(|| units.first())
                .cloned();
            if let Some((unit_code, unit_name)) = chosen {
                let name = unit_name.strip_suffix("本级").unwrap_or(&unit_name).to_string();
                let code: String = unit_code.chars().take(3).collect();
                self.note(format!(
                    "unit.yaml: department code {code} and name taken from the unit line `{unit_code}{unit_name}` (first 3 digits; `本级` dropped); confirm them"
                ));
                found = Some((code, name));
            }
        }
        let (mut code, name) = found.ok_or(ImportError::NoUnit)?;
        if year.is_none() {
            year = self.doc.all_paragraphs.iter().find_map(|p| year_in(p));
            if let Some(y) = year {
                self.note(format!(
                    "unit.yaml: year {y} taken from the first `{y}年` of the text (no `预算年度：` header); confirm it"
                ));
            }
        }
        let year = year.ok_or(ImportError::NoYear)?;
        let amount_unit = match amount_unit.as_deref() {
            Some("元") => "元".to_string(),
            Some("万元") | None => "万元".to_string(),
            Some(other) => {
                self.note(format!(
                    "unit.yaml: tables are in `{other}`, which gongkai does not know; 万元 assumed"
                ));
                "万元".to_string()
            }
        };
        let titles = identity::titles(self.doc);
        let phase = identity::phase(&titles);
        let scope = self.scope(&titles, &mut code);
        let mut others: Vec<String> = names.into_iter().filter(|n| *n != name).collect();
        others.extend(titles);
        let (region, region_finding) = identity::region(&self.given.region, &name, &others);
        if let Some(line) = region_finding.unplaced() {
            self.note(line);
        }
        // Level and locality: the region's division when there is one (so
        // that the two agree), else what the name suggests.
        let (mut level, province, mut locality) = infer_locality(&name);
        let division = region.as_deref().and_then(gongkai_model::regions::division);
        if let Some(d) = division {
            level = Some(level_of(d).to_string());
            locality = Some(d.name().to_string());
        }
        let from = division.map_or_else(
            || "the name".to_string(),
            |d| format!("region {} ({})", d.code(), d.full_name()),
        );
        match (&level, &locality) {
            (Some(level), Some(locality)) => self.note(format!(
                "unit.yaml: level `{level}` and locality `{locality}` were inferred from {from}{}; {}",
                province.as_ref().map(|p| format!(", province `{p}` from the name")).unwrap_or_default(),
                if province.is_none() { "add `province:` if wanted and check them" } else { "check them" }
            )),
            _ => self.note(
                "unit.yaml: level and locality could not be inferred from the name (no 省/市/县/区 in it): set `level:` and `locality:`",
            ),
        }
        Ok(UnitInfo {
            code,
            name,
            year,
            amount_unit,
            level: level.unwrap_or_else(|| "市级".into()),
            province,
            locality: locality.unwrap_or_default(),
            region,
            region_finding,
            phase,
            scope,
        })
    }

    /// The scope: one 单位 when the titles name a 单位预算, with the unit
    /// code the header prints (`101001…`, the department code then its first
    /// three digits) or the one unit line of the project tables; without a
    /// printed unit code, the 部门 scope is kept and that is listed.
    fn scope(&mut self, titles: &[String], code: &mut String) -> Scope {
        if !identity::unit_scope(titles) {
            return Scope::Department;
        }
        let department: String = code.chars().take(3).collect();
        if code.len() >= 6 {
            let unit = std::mem::replace(code, department);
            self.note(format!(
                "unit.yaml: a 单位预算: unit code {unit} from the table headers, department code {code} its first three digits; confirm them"
            ));
            return Scope::Unit(unit);
        }
        let mut printed: Vec<String> = self
            .doc
            .projects
            .iter()
            .flat_map(|p| p.rows.iter().flatten())
            .filter_map(|c| code_and_name(c))
            .map(|(c, _)| c)
            .filter(|c| c.len() >= 6 && c.starts_with(code.as_str()))
            .collect();
        printed.sort();
        printed.dedup();
        match printed.as_slice() {
            [unit] => {
                self.note(format!(
                    "unit.yaml: a 单位预算: unit code {unit} from the unit line of the performance-target tables; confirm it"
                ));
                Scope::Unit(unit.clone())
            }
            _ => {
                self.note(
                    "unit.yaml: the titles name a 单位预算 but no unit code is printed: written as the 部门's budget — add `scope: 单位` and `unit_code:` to unit.yaml",
                );
                Scope::Department
            }
        }
    }
}

/// `unit.yaml`.
pub(super) fn write(u: &UnitInfo) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        "部门基本信息：各表表头的“部门编码+名称、预算年度、单位”（由 gongkai import 录入）",
    )
    .key(0, "code", Value::quoted(&u.code), Some("部门编码"))
    .key(0, "name", Value::text(&u.name), None)
    .key(0, "level", Value::text(&u.level), Some("推算自名称，请核对"));
    if let Some(p) = &u.province {
        w.key(0, "province", Value::text(p), None);
    }
    // A locality that could not be inferred is an empty text to fill in
    // (`~` would not load: unit.yaml needs a text there).
    let locality = if u.locality.is_empty() {
        Value::quoted("")
    } else {
        Value::text(&u.locality)
    };
    let comment = u.locality.is_empty().then_some("所在地区：未能从名称推定，请填写");
    w.key(0, "locality", locality, comment)
        .key(0, "year", Value::int(u.year), Some("预算年度"));
    if let Some(region) = &u.region {
        let how = match &u.region_finding {
            RegionFinding::Given => "区划代码（导入时指定）".to_string(),
            RegionFinding::Found { division, .. } => {
                format!("区划代码：{}（推定自名称，请核对）", division.full_name())
            }
            _ => "区划代码".to_string(),
        };
        w.key(0, "region", Value::quoted(region), Some(&how));
    }
    if u.phase != Phase::Budget {
        w.key(0, "phase", Value::text(u.phase.label()), Some("预算 / 决算"));
    }
    if let Scope::Unit(unit_code) = &u.scope {
        w.key(0, "scope", Value::text("单位"), Some("单位预算")).key(
            0,
            "unit_code",
            Value::quoted(unit_code),
            Some("单位编码"),
        );
    }
    w.key(
        0,
        "amount_unit",
        Value::text(&u.amount_unit),
        Some("本文件夹各文件金额单位"),
    );
    w.finish()
}

/// The level of a department of a division: 省级, 市级 (a prefecture-level
/// city, 地区, 自治州 or 盟), 区级 (a district) or 县级 (a county, a
/// county-level city, a banner).
fn level_of(d: gongkai_model::regions::Division) -> &'static str {
    use gongkai_model::regions::Level;
    match d.level() {
        Level::Province => "省级",
        Level::Prefecture => "市级",
        Level::County if d.name().ends_with('区') => "区级",
        Level::County => "县级",
    }
}

/// (level, province, locality) from a department's name.
pub(super) fn infer_locality(name: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut rest = name;
    let mut province = None;
    for marker in ["自治区", "省"] {
        if let Some(pos) = rest.find(marker)
            && rest[..pos].chars().count() <= 6
        {
            let end = pos + marker.len();
            province = Some(rest[..end].to_string());
            rest = &rest[end..];
            break;
        }
    }
    let first = rest
        .char_indices()
        .find(|(_, c)| matches!(c, '市' | '县' | '区'))
        .filter(|(i, _)| rest[..*i].chars().count() <= 8);
    match first {
        Some((i, c)) => {
            let locality = rest[..i + c.len_utf8()].to_string();
            let level = match c {
                '市' => "市级",
                '县' => "县级",
                _ => "区级",
            };
            (Some(level.into()), province, Some(locality))
        }
        None => match &province {
            Some(p) => (Some("省级".into()), province.clone(), Some(p.clone())),
            None => (None, None, None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locality_from_name() {
        assert_eq!(
            infer_locality("张家口市人民代表大会常务委员会办公室"),
            (Some("市级".into()), None, Some("张家口市".into()))
        );
        assert_eq!(
            infer_locality("河北省张家口市财政局"),
            (Some("市级".into()), Some("河北省".into()), Some("张家口市".into()))
        );
        assert_eq!(infer_locality("崇礼区教育局").2, Some("崇礼区".into()));
        assert_eq!(infer_locality("办公室").0, None);
    }
}
