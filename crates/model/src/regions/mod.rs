//! 区划代码: the national list of administrative divisions down to the
//! county level, and finding the division a published text names.
//!
//! This module owns the built-in list (embedded from `data/`, see its README
//! for the source, edition and recent changes): 34 province-level, 333
//! prefecture-level and 2,845 county-level divisions in force at 2025-12-31,
//! plus the county-level codes retired since 2019, so that a document of
//! those years still resolves to the division that published it.
//!
//! Department codes are local (every county's people's congress office is
//! 101), so an importer must read the division from the names a document
//! prints: [`find`] reads `唐山市丰润区人民代表大会常务委员会办公室`,
//! `101丰润区人大` or `平乡县…` and answers [`Match::Found`] with the most
//! specific division the text names, or [`Match::Ambiguous`] with every
//! candidate when a name fits several divisions (`朝阳区` is in 北京 and in
//! 长春) — it never picks one of them. [`find_in`] narrows by a province or
//! city the caller knows; [`agrees`] checks a unit.yaml's `region` against its
//! `locality`.
//!
//! The index is built once, on first use, and a look-up costs a few hash
//! probes per character of the text.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// The divisions in force, in the official order.
const REGIONS: &str = include_str!("data/regions.tsv");
/// County-level divisions whose code or name went out of use since 2019.
const FORMER: &str = include_str!("data/former.tsv");

/// What the built-in list transcribes.
pub const EDITION: &str = "民政部《中华人民共和国县以上行政区划代码》, state at 2025-12-31";

/// Ethnic names that autonomous divisions carry between their place name and
/// `自治县`/`自治州`/…, longest first; short forms drop them (`青龙满族自治县`
/// → `青龙县`).
const ETHNIC: &[&str] = &[
    "哈萨克族",
    "柯尔克孜",
    "达斡尔族",
    "鄂温克族",
    "蒙古族",
    "朝鲜族",
    "土家族",
    "布依族",
    "哈尼族",
    "傈僳族",
    "拉祜族",
    "东乡族",
    "纳西族",
    "景颇族",
    "仫佬族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "普米族",
    "保安族",
    "裕固族",
    "独龙族",
    "维吾尔",
    "哈萨克",
    "塔吉克",
    "鄂伦春",
    "蒙古",
    "锡伯",
    "回族",
    "藏族",
    "苗族",
    "彝族",
    "壮族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "傣族",
    "黎族",
    "佤族",
    "畲族",
    "水族",
    "土族",
    "羌族",
    "怒族",
    "各族",
];

/// The level of a division.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 省级: province, autonomous region, municipality, SAR (`PP0000`).
    Province,
    /// 地级: prefecture-level city, 地区, 自治州, 盟 (`PPCC00`).
    Prefecture,
    /// 县级: district, county, county-level city, banner, … (`PPCCXX`).
    County,
}

impl Level {
    /// 省级, 地级 or 县级.
    pub fn label(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::Prefecture => "地级",
            Level::County => "县级",
        }
    }

    /// The level a 6-digit code denotes by its trailing zeros.
    fn of(code: &str) -> Level {
        if code.ends_with("0000") {
            Level::Province
        } else if code.ends_with("00") {
            Level::Prefecture
        } else {
            Level::County
        }
    }
}

/// One division of the built-in list: in force, or retired (see
/// [`Division::until`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Division(u32);

impl Division {
    fn entry(self) -> &'static Entry {
        &index().entries[self.0 as usize]
    }

    /// The 6-digit 区划代码 (`130208`).
    pub fn code(self) -> &'static str {
        &self.entry().code
    }

    /// The name as the list prints it (`丰润区`).
    pub fn name(self) -> &'static str {
        &self.entry().name
    }

    /// The name with its parents' (`河北省唐山市丰润区`, `上海市普陀区`).
    pub fn full_name(self) -> &'static str {
        &self.entry().full_name
    }

    /// 省级, 地级 or 县级.
    pub fn level(self) -> Level {
        self.entry().level
    }

    /// For a retired division, the year its code or name went out of use (a
    /// document of that year or earlier may print it); `None` for one in force.
    pub fn until(self) -> Option<u16> {
        self.entry().until
    }

    /// The province or prefecture the division belongs to.
    pub fn parent(self) -> Option<Division> {
        self.entry().parent.map(Division)
    }

    /// The division's parents and itself, the province first.
    pub fn chain(self) -> Vec<Division> {
        let mut chain = vec![self];
        while let Some(parent) = chain.last().and_then(|d| d.parent()) {
            chain.push(parent);
        }
        chain.reverse();
        chain
    }

    /// Whether `other` is this division or lies within it.
    pub fn contains(self, other: Division) -> bool {
        other.chain().contains(&self)
    }

    /// For a retired division, the divisions in force that hold its territory
    /// now; empty for one in force.
    pub fn successors(self) -> Vec<Division> {
        self.entry().successors.iter().map(|&i| Division(i)).collect()
    }
}

impl fmt::Debug for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Division({self})")
    }
}

impl fmt::Display for Division {
    /// `130208 河北省唐山市丰润区`, and `(until 2025)` after a retired one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code(), self.full_name())?;
        if let Some(year) = self.until() {
            write!(f, " (until {year})")?;
        }
        Ok(())
    }
}

/// What [`find`] read in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    /// The text names this division (the most specific one it names).
    Found(Division),
    /// The text names a division whose name fits several: all of them, in
    /// the official order. None is preferred; give a context ([`find_in`]).
    Ambiguous(Vec<Division>),
    /// The text names no division (within the context, when one is given).
    NotFound,
}

impl Match {
    /// The division found, if exactly one was.
    pub fn division(&self) -> Option<Division> {
        match self {
            Match::Found(d) => Some(*d),
            _ => None,
        }
    }

    /// Every division the text may name: one when found, the candidates when
    /// ambiguous, none when not found.
    pub fn candidates(&self) -> Vec<Division> {
        match self {
            Match::Found(d) => vec![*d],
            Match::Ambiguous(candidates) => candidates.clone(),
            Match::NotFound => Vec::new(),
        }
    }
}

/// The division in force with this code, else the retired one.
pub fn division(code: &str) -> Option<Division> {
    let index = index();
    index
        .by_code
        .get(code.trim())
        .or_else(|| index.former_by_code.get(code.trim()))
        .map(|&i| Division(i))
}

/// The full name of a code (`河北省唐山市丰润区`), the names of its parent
/// chain joined; a retired code's name as it was.
pub fn name(code: &str) -> Option<&'static str> {
    division(code).map(Division::full_name)
}

/// The parent chain of a code, the province first, the division itself last.
pub fn chain(code: &str) -> Vec<Division> {
    division(code).map(Division::chain).unwrap_or_default()
}

/// The divisions in force, in the official order.
pub fn all() -> impl Iterator<Item = Division> {
    (0..index().current as u32).map(Division)
}

/// The retired divisions, by code.
pub fn former() -> impl Iterator<Item = Division> {
    (index().current as u32..index().entries.len() as u32).map(Division)
}

/// The division a piece of published text names: a department name
/// (`唐山市丰润区人民代表大会常务委员会办公室`), a header line
/// (`101丰润区人大`), a locality (`张北县`, `河北省唐山市丰润区`).
///
/// Every name of the list in the text is read, longest first; names the
/// text chains (`上海市` `普陀区`) narrow each other, and the most specific
/// division the most names agree on is the answer. A name that fits several
/// divisions with nothing in the text to tell them apart is
/// [`Match::Ambiguous`]. Short forms of autonomous divisions (`孟村县`,
/// `延边州`, `内蒙古`) are read when no other division has that name.
pub fn find(text: &str) -> Match {
    find_in(text, &[])
}

/// [`find`], narrowed by what the caller knows: each context item is a
/// division's name or code (`河北省`, `唐山市`, `130200`), and only divisions
/// on a chain with every item (within it, or containing it) are kept. An item
/// that names no division is ignored.
pub fn find_in(text: &str, context: &[&str]) -> Match {
    let index = index();
    let context: Vec<Vec<u32>> = context
        .iter()
        .map(|item| index.resolve(item))
        .filter(|s| !s.is_empty())
        .collect();
    index.find(text, &context)
}

/// Whether a unit.yaml's `region` (a code) and its `locality` (a name)
/// agree: the locality names that division, or is a name that fits it among
/// others (`朝阳区` for `110105`).
pub fn agrees(code: &str, locality: &str) -> bool {
    find(locality).candidates().iter().any(|d| d.code() == code.trim())
}

/// One line of a data file, with what the index derives from it.
struct Entry {
    code: String,
    name: String,
    full_name: String,
    level: Level,
    until: Option<u16>,
    parent: Option<u32>,
    successors: Vec<u32>,
}

/// The names of one piece of text, found at `start..end` (in chars).
struct Mention {
    start: usize,
    end: usize,
    name: String,
    candidates: Vec<u32>,
}

/// The built-in list and the look-up tables built from it.
struct Index {
    /// Divisions in force (the first `current`, in the official order), then
    /// retired ones by code.
    entries: Vec<Entry>,
    current: usize,
    by_code: HashMap<String, u32>,
    former_by_code: HashMap<String, u32>,
    /// A name or unambiguous short form → the divisions it names.
    names: HashMap<String, Vec<u32>>,
    /// For each character a name starts with, the longest such name in chars.
    first: HashMap<char, usize>,
    /// Names that are also common nouns (`城区`, `郊区`, `矿区`, `东区`):
    /// read only right after their parent's name, or alone.
    weak: HashSet<String>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}

/// The data lines of a file: comments and blank lines skipped, fields split
/// at tabs.
fn lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

/// The short form of an autonomous division's name: the place name without
/// the ethnic names (`围场满族蒙古族自治县` → `围场县`, `延边朝鲜族自治州` →
/// `延边州`, `广西壮族自治区` → `广西`, `管城回族区` → `管城区`). `None` when
/// the name has no such form or no place name is left without the ethnic
/// name (`东乡族自治县`, `鄂伦春自治旗`).
fn short_form(name: &str) -> Option<String> {
    let (stem, suffix) = [("自治县", "县"), ("自治旗", "旗"), ("自治州", "州"), ("自治区", "")]
        .iter()
        .find_map(|(long, short)| name.strip_suffix(long).map(|stem| (stem, *short)))
        .or_else(|| {
            name.strip_suffix('区')
                .filter(|stem| stem.ends_with('族'))
                .map(|stem| (stem, "区"))
        })?;
    let mut base = stem;
    while let Some(rest) = ETHNIC
        .iter()
        .find_map(|e| base.strip_suffix(e))
        .filter(|rest| rest.chars().count() >= 2)
    {
        base = rest;
    }
    // 自治区 keep their place name as it is (内蒙古, 西藏); other names must
    // have lost their ethnic names.
    (suffix.is_empty() || base != stem).then(|| format!("{base}{suffix}"))
}

impl Index {
    fn build() -> Index {
        let mut index = Index {
            entries: Vec::new(),
            current: 0,
            by_code: HashMap::new(),
            former_by_code: HashMap::new(),
            names: HashMap::new(),
            first: HashMap::new(),
            weak: HashSet::new(),
        };
        for fields in lines(REGIONS) {
            let [code, name] = fields[..] else { continue };
            index.by_code.insert(code.to_string(), index.entries.len() as u32);
            index.push(code, name, None);
        }
        index.current = index.entries.len();
        for fields in lines(FORMER) {
            let [code, name, year, successors] = fields[..] else {
                continue;
            };
            let Ok(year) = year.parse::<u16>() else { continue };
            index
                .former_by_code
                .insert(code.to_string(), index.entries.len() as u32);
            index.push(code, name, Some(year));
            let successors = successors
                .split(',')
                .filter_map(|c| index.by_code.get(c.trim()).copied())
                .collect();
            if let Some(entry) = index.entries.last_mut() {
                entry.successors = successors;
            }
        }
        index.index_names();
        index
    }

    /// Adds a division; its parent (in force) must be in already.
    fn push(&mut self, code: &str, name: &str, until: Option<u16>) {
        let level = Level::of(code);
        let parent = match level {
            Level::Province => None,
            Level::Prefecture => code.get(..2).and_then(|p| self.by_code.get(&format!("{p}0000"))),
            Level::County => code
                .get(..4)
                .and_then(|p| self.by_code.get(&format!("{p}00")))
                .or_else(|| code.get(..2).and_then(|p| self.by_code.get(&format!("{p}0000")))),
        }
        .copied();
        let full_name = match parent {
            Some(p) => format!("{}{name}", self.entries[p as usize].full_name),
            None => name.to_string(),
        };
        self.entries.push(Entry {
            code: code.to_string(),
            name: name.to_string(),
            full_name,
            level,
            until,
            parent,
            successors: Vec::new(),
        });
    }

    /// Fills `names`, `first` and `weak`.
    fn index_names(&mut self) {
        for (i, entry) in self.entries.iter().enumerate() {
            // A retired division that lives on under the same name (崇川区
            // merged into a new 崇川区, 公主岭市 moved to 长春市) is the one
            // in force for a reader.
            let continued = entry
                .successors
                .iter()
                .any(|&s| self.entries[s as usize].name == entry.name);
            if entry.until.is_none() || !continued {
                self.names.entry(entry.name.clone()).or_default().push(i as u32);
            }
        }
        let mut short: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, entry) in self.entries[..self.current].iter().enumerate() {
            if let Some(form) = short_form(&entry.name) {
                short.entry(form).or_default().push(i as u32);
            }
        }
        for (form, divisions) in short {
            if divisions.len() == 1 && !self.names.contains_key(&form) {
                self.names.insert(form, divisions);
            }
        }
        for (name, divisions) in &self.names {
            if let Some(c) = name.chars().next() {
                let len = name.chars().count();
                let longest = self.first.entry(c).or_default();
                *longest = (*longest).max(len);
            }
            let county = divisions
                .iter()
                .all(|&d| self.entries[d as usize].level == Level::County);
            if county && name.chars().count() == 2 && name.ends_with('区') {
                self.weak.insert(name.clone());
            }
        }
    }

    /// The division and its parents.
    fn chain(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(Some(i), |&d| self.entries[d as usize].parent)
    }

    /// Whether two divisions lie on one chain (one contains the other).
    fn related(&self, a: u32, b: u32) -> bool {
        self.chain(a).any(|d| d == b) || self.chain(b).any(|d| d == a)
    }

    /// The divisions a context item names: a code, or a name (`河北省`,
    /// `唐山市`, also `河北` for `河北省`).
    fn resolve(&self, item: &str) -> Vec<u32> {
        let item = item.trim();
        if let Some(&i) = self.by_code.get(item).or_else(|| self.former_by_code.get(item)) {
            return vec![i];
        }
        for candidate in [item.to_string(), format!("{item}省"), format!("{item}市")] {
            let found = self.find(&candidate, &[]).candidates();
            if !found.is_empty() {
                return found.into_iter().map(|d| d.0).collect();
            }
        }
        Vec::new()
    }

    /// The names of the list in `text`, leftmost-longest, not overlapping.
    fn mentions(&self, text: &str) -> Vec<Mention> {
        let at: Vec<usize> = text.char_indices().map(|(b, _)| b).chain([text.len()]).collect();
        let chars: Vec<char> = text.chars().collect();
        let mut mentions = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let longest = self.first.get(&chars[i]).map_or(0, |&l| l.min(chars.len() - i));
            let hit = (2..=longest).rev().find_map(|len| {
                let name = &text[at[i]..at[i + len]];
                self.names.get(name).map(|d| (len, name, d))
            });
            match hit {
                Some((len, name, divisions)) => {
                    mentions.push(Mention {
                        start: i,
                        end: i + len,
                        name: name.to_string(),
                        candidates: divisions.clone(),
                    });
                    i += len;
                }
                None => i += 1,
            }
        }
        self.keep_weak(text, mentions)
    }

    /// Drops a weak name (`城区`) unless its parent's name comes right before
    /// it (`阳泉市城区`, narrowed to that parent's) or it is the whole text.
    fn keep_weak(&self, text: &str, mentions: Vec<Mention>) -> Vec<Mention> {
        let mut kept: Vec<Mention> = Vec::with_capacity(mentions.len());
        for mut m in mentions {
            if self.weak.contains(&m.name) && text.trim() != m.name {
                let parents: Vec<u32> = kept
                    .last()
                    .filter(|prev| prev.end == m.start)
                    .map(|prev| prev.candidates.clone())
                    .unwrap_or_default();
                m.candidates
                    .retain(|&c| self.entries[c as usize].parent.is_some_and(|p| parents.contains(&p)));
                if m.candidates.is_empty() {
                    continue;
                }
            }
            kept.push(m);
        }
        kept
    }

    /// [`find_in`] with the context resolved to sets of divisions.
    fn find(&self, text: &str, context: &[Vec<u32>]) -> Match {
        let mut mentions = self.mentions(text);
        for m in &mut mentions {
            m.candidates
                .retain(|&c| context.iter().all(|set| set.iter().any(|&s| self.related(c, s))));
        }
        mentions.retain(|m| !m.candidates.is_empty());
        // Each candidate scores the names of the text that name it or one of
        // its parents: 普陀区 in 上海市普陀区 scores 2 for 310107, 1 for
        // 舟山市's 330903.
        let mut scored: Vec<(u32, usize)> = Vec::new();
        for m in &mentions {
            for &c in &m.candidates {
                if scored.iter().any(|(d, _)| *d == c) {
                    continue;
                }
                let score = mentions
                    .iter()
                    .filter(|n| n.candidates.iter().any(|&d| self.chain(c).any(|p| p == d)))
                    .count();
                scored.push((c, score));
            }
        }
        let Some(best) = scored.iter().map(|(_, s)| *s).max() else {
            return Match::NotFound;
        };
        scored.retain(|(_, s)| *s == best);
        let Some(deepest) = scored.iter().map(|(d, _)| self.entries[*d as usize].level).max() else {
            return Match::NotFound;
        };
        let mut best: Vec<Division> = scored
            .iter()
            .filter(|(d, _)| self.entries[*d as usize].level == deepest)
            .map(|(d, _)| Division(*d))
            .collect();
        best.sort_by(|a, b| a.code().cmp(b.code()).then(a.cmp(b)));
        match best[..] {
            [one] => Match::Found(one),
            _ => Match::Ambiguous(best),
        }
    }
}

#[cfg(test)]
mod tests;
