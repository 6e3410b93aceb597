//! Loading: content folder → validated [`model`](gongkai_model::disclosure), with every
//! problem reported at its file, line and column.
//!
//! This is the only module that knows about YAML. Each file is parsed with
//! serde-saphyr into the raw [`schema`](crate::schema) types (values kept as
//! text with positions), then converted value by value: amounts to exact
//! decimals in the file's unit, codes checked against the year's lists,
//! labels to enumerations. Conversion goes on after a bad value, so one run
//! reports every problem it can find; a file whose structure is broken is
//! reported once and the rest of the site is still checked.
//!
//! A file is first read by the fast front end ([`fast`]), which accepts the
//! plain subset of YAML content files are written in and gives up on
//! anything else; serde-saphyr then reads what it gave up on, so errors are
//! always serde-saphyr's. `GONGKAI_FAST_YAML=0` turns the fast front end
//! off ([`fast_yaml`]): every file then goes straight to serde-saphyr, with
//! the same values, positions and findings, only slower.

use crate::schema::{self, Cell, Text};
use gongkai_model::amount::{AmountUnit, parse_amount, parse_percent};
use gongkai_model::codes::{CodeLists, Kind, SiteCodes};
use gongkai_model::diag::{Diagnostics, Loc, display_path};
use gongkai_model::disclosure::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What stops loading altogether (as opposed to findings in the content).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("content folder `{0}` does not exist")]
    MissingContent(PathBuf),
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// All department-years of a content folder.
#[derive(Debug)]
pub struct Site {
    pub root: PathBuf,
    pub disclosures: Vec<Disclosure>,
}

/// Finds every department-year (a folder with `unit.yaml`) below `content`,
/// in path order.
pub fn find_disclosures(content: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(find_disclosures_with(content, |_, _| ())?
        .into_iter()
        .map(|(dir, ())| dir)
        .collect())
}

/// [`find_disclosures`], calling `visit` on each department-year folder
/// with the entries its listing gave (so a caller that looks at its files,
/// the build cache's fingerprint, need not list it again). `visit` runs on
/// the listing threads; its results come back with the folders, in order.
pub fn find_disclosures_with<T: Send>(
    content: &Path,
    visit: impl Fn(&Path, Vec<std::fs::DirEntry>) -> T + Sync,
) -> Result<Vec<(PathBuf, T)>, LoadError> {
    if !content.is_dir() {
        return Err(LoadError::MissingContent(content.to_path_buf()));
    }
    // Level by level, each level's folders listed on I/O threads (a
    // province has tens of thousands of folders; listing one is a few
    // system calls, and a wait on the disk when it is not cached). Sorting
    // the found folders component-wise gives the order of a walk that
    // visits sub-folders in name order.
    let mut found = Vec::new();
    let mut level = vec![content.to_path_buf()];
    for depth in (0..=7).rev() {
        if level.is_empty() {
            break;
        }
        let listed = list_folders(&level, &visit)?;
        level = Vec::new();
        for listing in listed {
            if depth > 0 {
                level.extend(listing.sub);
            }
            if let Some(visited) = listing.visited {
                found.push((listing.dir, visited));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// What listing one folder tells: what `visit` made of it when it holds a
/// `unit.yaml`, and its sub-folders.
struct Listing<T> {
    dir: PathBuf,
    visited: Option<T>,
    sub: Vec<PathBuf>,
}

/// Lists `dirs` on I/O threads; results in the order of `dirs`. Entries'
/// types come from the listing, so no file is statted here.
fn list_folders<T: Send>(
    dirs: &[PathBuf],
    visit: &(impl Fn(&Path, Vec<std::fs::DirEntry>) -> T + Sync),
) -> Result<Vec<Listing<T>>, LoadError> {
    gongkai_model::par::map_on(gongkai_model::par::io_threads(), dirs, &|_, _| {}, |dir| {
        let io = |source| LoadError::Io {
            path: dir.clone(),
            source,
        };
        let mut has_unit = false;
        let mut sub = Vec::new();
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let kind = entry.file_type().map_err(io)?;
            if kind.is_file() && entry.file_name() == "unit.yaml" {
                has_unit = true;
            } else if kind.is_dir() {
                sub.push(entry.path());
            }
            entries.push(entry);
        }
        Ok(Listing {
            dir: dir.clone(),
            visited: has_unit.then(|| visit(dir, entries)),
            sub,
        })
    })
}

/// Loads a whole site. Findings go to `diags`; department-years whose
/// `unit.yaml` cannot be read are left out (and reported).
pub fn load_site(content: &Path, diags: &mut Diagnostics) -> Result<Site, LoadError> {
    let dirs = find_disclosures(content)?;
    let site_codes = SiteCodes::load(content, diags);
    let disclosures = dirs
        .iter()
        .filter_map(|dir| load_disclosure(dir, &site_codes, diags))
        .collect();
    Ok(Site {
        root: content.to_path_buf(),
        disclosures,
    })
}

/// Where a department-year's files come from.
#[derive(Clone, Copy)]
pub enum Files<'a> {
    /// A folder on disk.
    Disk(&'a Path),
    /// Named files in memory (`unit.yaml` → bytes), e.g. for fuzzing.
    Memory(&'a std::collections::BTreeMap<String, Vec<u8>>),
}

impl Files<'_> {
    /// Reads and parses a YAML file; `None` when it is absent or broken (reported).
    fn yaml<T: DeserializeOwned>(&self, name: &str, diags: &mut Diagnostics) -> Option<Option<(T, Arc<Path>)>> {
        match self {
            Files::Disk(dir) => {
                let path = dir.join(name);
                match read_file(&path) {
                    Read::Absent(_) => None,
                    read => Some(parse_read(&path, read, diags)),
                }
            }
            Files::Memory(map) => map
                .get(name)
                .map(|bytes| parse_yaml::<T>(Arc::from(Path::new(name)), bytes, diags)),
        }
    }
}

/// Loads one department-year folder.
pub fn load_disclosure(dir: &Path, site_codes: &SiteCodes, diags: &mut Diagnostics) -> Option<Disclosure> {
    load_from(Files::Disk(dir), dir, site_codes, diags)
}

/// Loads a department-year from files in memory (named as in a folder).
pub fn load_in_memory(
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    diags: &mut Diagnostics,
) -> Option<Disclosure> {
    load_from(Files::Memory(files), Path::new(""), &SiteCodes::default(), diags)
}

fn load_from(files: Files<'_>, dir: &Path, site_codes: &SiteCodes, diags: &mut Diagnostics) -> Option<Disclosure> {
    let Some(unit) = files.yaml::<schema::UnitFile>("unit.yaml", diags) else {
        diags.error(
            "missing-file",
            Loc::file_start(&Arc::from(dir.join("unit.yaml").as_path())),
            "unit.yaml is missing",
        );
        return None;
    };
    let (unit_file, unit_path) = unit?;
    let unit_ctx = FileCtx::new(unit_path.clone(), AmountUnit::Wan, None);
    let unit = unit_ctx.unit(&unit_file, diags)?;
    let code_year = match &unit_file.code_list_year {
        Some(text) => unit_ctx.year(text, diags).unwrap_or(unit.year),
        None => unit.year,
    };
    let codes = CodeLists::for_site(code_year, site_codes);

    let mut loader = FolderLoader {
        files,
        default_unit: unit.amount_unit,
        codes: &codes,
        diags,
    };
    let functions = loader.file("functions.yaml", FileCtx::functions);
    let economic = loader.file("economic.yaml", FileCtx::economic);
    let sangong = loader.file("sangong.yaml", FileCtx::sangong);
    let projects = loader.file("projects.yaml", FileCtx::projects);
    let procurement = loader.file("procurement.yaml", FileCtx::procurement);
    let assets = loader.file("assets.yaml", FileCtx::assets);
    let organisation = loader
        .file("organisation.yaml", FileCtx::organisation)
        .unwrap_or_default();
    let prior = loader.file("prior.yaml", FileCtx::prior);
    let narrative = loader.file("narrative.yaml", FileCtx::narrative).unwrap_or_default();
    let corrections = loader
        .file("corrections.yaml", |ctx, raw: schema::CorrectionsFile, _| {
            raw.corrections
                .iter()
                .map(|c| Correction {
                    date: ctx.text(&c.date).value,
                    note: ctx.plain(&c.note),
                    changes: c.changes.iter().map(|t| ctx.text(t).value).collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let sections = match files {
        Files::Disk(dir) => load_sections(dir, diags),
        Files::Memory(_) => Default::default(),
    };

    Some(Disclosure {
        dir: dir.to_path_buf(),
        unit,
        codes,
        functions,
        economic,
        sangong,
        projects,
        procurement,
        assets,
        organisation,
        prior,
        narrative,
        sections,
        corrections,
    })
}

/// Reads the author's section overrides, `sections/<id>.md`.
fn load_sections(dir: &Path, diags: &mut Diagnostics) -> std::collections::BTreeMap<String, Located<String>> {
    use gongkai_model::disclosure::OVERRIDABLE_SECTIONS as OVERRIDABLE;
    let mut sections = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join("sections")) else {
        return sections;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let file: Arc<Path> = Arc::from(display_path(&path).as_path());
        let start = Loc::file_start(&file);
        let Some(id) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|_| path.extension().is_some_and(|e| e == "md"))
        else {
            diags
                .warning(
                    "unknown-section",
                    start,
                    "only `<section>.md` files belong in sections/",
                )
                .help = Some(format!("sections: {}", OVERRIDABLE.join(", ")));
            continue;
        };
        if !OVERRIDABLE.contains(&id) {
            let hint = suggest(id, &OVERRIDABLE)
                .map(|s| format!("did you mean `{s}.md`? "))
                .unwrap_or_default();
            diags
                .error("unknown-section", start, format!("no section is called `{id}`"))
                .help = Some(format!("{hint}sections: {}", OVERRIDABLE.join(", ")));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(text) if text.len() as u64 <= MAX_FILE_BYTES => {
                diags.add_source(file.clone(), Arc::from(text.as_str()));
                if text.contains(MARKER_CHARS) {
                    diags.error(
                        "file-encoding",
                        start.clone(),
                        "the file contains private-use characters U+E000–U+E002, which gongkai reserves",
                    );
                    continue;
                }
                sections.insert(
                    id.to_string(),
                    Located {
                        value: text,
                        loc: start,
                    },
                );
            }
            Ok(_) => {
                diags.error(
                    "file-too-large",
                    start,
                    format!("section files are limited to {MAX_FILE_BYTES} bytes"),
                );
            }
            Err(e) => {
                diags.error("file-unreadable", start, format!("cannot read file: {e}"));
            }
        }
    }
    sections
}

/// Loads the optional files of one folder.
struct FolderLoader<'a> {
    files: Files<'a>,
    default_unit: AmountUnit,
    codes: &'a CodeLists,
    diags: &'a mut Diagnostics,
}

/// Raw files that may declare their own `amount_unit`.
trait HasAmountUnit {
    fn amount_unit(&self) -> Option<&Text> {
        None
    }
}

macro_rules! has_amount_unit {
    ($($t:ty),*) => {$(
        impl HasAmountUnit for $t {
            fn amount_unit(&self) -> Option<&Text> { self.amount_unit.as_ref() }
        }
    )*};
}
has_amount_unit!(
    schema::FunctionsFile,
    schema::EconomicFile,
    schema::SangongFile,
    schema::ProjectsFile,
    schema::ProcurementFile,
    schema::AssetsFile,
    schema::PriorFile
);
impl HasAmountUnit for schema::OrganisationFile {}
impl HasAmountUnit for schema::NarrativeFile {}
impl HasAmountUnit for schema::CorrectionsFile {}

impl<'a> FolderLoader<'a> {
    fn file<R, M>(&mut self, name: &str, convert: impl FnOnce(&FileCtx<'a>, R, &mut Diagnostics) -> M) -> Option<M>
    where
        R: DeserializeOwned + HasAmountUnit,
    {
        let (raw, file) = self.files.yaml::<R>(name, self.diags)??;
        let mut ctx = FileCtx::new(file, self.default_unit, Some(self.codes));
        if let Some(label) = raw.amount_unit() {
            match AmountUnit::from_label(&label.value) {
                Some(unit) => ctx.unit = unit,
                None => {
                    self.diags
                        .error(
                            "amount-unit",
                            ctx.loc(label),
                            format!("unknown amount unit `{}`", label.value.trim()),
                        )
                        .help = Some("write `amount_unit: 万元` or `amount_unit: 元`".into());
                }
            }
        }
        Some(convert(&ctx, raw, self.diags))
    }
}

/// Reads and parses one YAML file, reporting syntax and structure errors.
pub fn read_yaml<T: DeserializeOwned>(path: &Path, diags: &mut Diagnostics) -> Option<(T, Arc<Path>)> {
    parse_read(path, read_file(path), diags)
}

/// What reading a content file gave.
enum Read {
    Bytes(Vec<u8>),
    /// The file does not exist (the error says so in the system's words).
    Absent(std::io::Error),
    TooLarge(u64),
    Failed(std::io::Error),
}

/// Reads a content file with one open and no path lookups besides it,
/// never more than [`MAX_FILE_BYTES`] and one byte.
fn read_file(path: &Path) -> Read {
    use std::io::Read as _;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Read::Absent(e),
        Err(e) => return Read::Failed(e),
    };
    let len = file.metadata().map_or(0, |m| m.len());
    if len > MAX_FILE_BYTES {
        return Read::TooLarge(len);
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    match (&mut file).take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        Ok(_) if bytes.len() as u64 > MAX_FILE_BYTES => Read::TooLarge(bytes.len() as u64),
        Ok(_) => Read::Bytes(bytes),
        Err(e) => Read::Failed(e),
    }
}

/// Parses what [`read_file`] gave, reporting a file that could not be read.
fn parse_read<T: DeserializeOwned>(path: &Path, read: Read, diags: &mut Diagnostics) -> Option<(T, Arc<Path>)> {
    let file: Arc<Path> = Arc::from(display_path(path).as_path());
    let start = Loc::file_start(&file);
    match read {
        Read::Bytes(bytes) => parse_yaml(file, &bytes, diags),
        Read::TooLarge(len) => {
            too_large(diags, start, len);
            None
        }
        Read::Absent(e) | Read::Failed(e) => {
            diags.error("file-unreadable", start, format!("cannot read file: {e}"));
            None
        }
    }
}

fn too_large(diags: &mut Diagnostics, at: Loc, len: u64) {
    diags.error(
        "file-too-large",
        at,
        format!("file is {len} bytes; content files are limited to {MAX_FILE_BYTES} bytes"),
    );
}

/// Whether [`parse_yaml`] tries the fast front end ([`fast`](crate::fast))
/// before serde-saphyr: yes unless the environment sets
/// `GONGKAI_FAST_YAML=0`, read once per process. Off, every file is parsed
/// by serde-saphyr alone; the result is the same either way (the fast front
/// end gives up on whatever it would read differently), so the switch only
/// measures what the fast front end saves.
pub fn fast_yaml() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("GONGKAI_FAST_YAML").is_none_or(|v| v != "0"))
}

/// Parses the bytes of a YAML file named `file` (UTF-8, an optional BOM):
/// with the fast front end first (see [`fast_yaml`]), then serde-saphyr.
pub fn parse_yaml<T: DeserializeOwned>(
    file: Arc<Path>,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Option<(T, Arc<Path>)> {
    let start = Loc::file_start(&file);
    if bytes.len() as u64 > MAX_FILE_BYTES {
        too_large(diags, start, bytes.len() as u64);
        return None;
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let line = valid.matches('\n').count() as u32 + 1;
            let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            diags
                .error(
                    "file-encoding",
                    Loc {
                        file,
                        line,
                        column,
                        len: 1,
                    },
                    "file is not valid UTF-8",
                )
                .help = Some("save the file as UTF-8 (Excel: CSV UTF-8; Word/Notepad: UTF-8)".into());
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    diags.add_source(file.clone(), Arc::from(text));
    if fast_yaml()
        && let Ok(value) = crate::fast::from_str::<T>(text)
    {
        return Some((value, file));
    }
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<T>(text, options) {
        Ok(value) => Some((value, file)),
        Err(e) => {
            let (rule, message, help) = describe_yaml_error(&e);
            let loc = e.location().map(|l| Loc::from_saphyr(&file, &l)).unwrap_or(start);
            let d = diags.error(rule, loc, message);
            d.help = help;
            None
        }
    }
}

/// Turns a serde-saphyr error into (rule, message, help).
fn describe_yaml_error(e: &serde_saphyr::Error) -> (&'static str, String, Option<String>) {
    use serde_saphyr::Error as E;
    match e.without_snippet() {
        E::SerdeUnknownField { field, .. } if field.chars().all(|c| c.is_ascii_digit() || c == '.') => (
            "amount-format",
            format!(
                "unknown key `{field}`: a comma inside `{{ }}` separates entries, so an amount like `1,{field}` was split in two"
            ),
            Some("write amounts without thousands separators, e.g. 1234.00".into()),
        ),
        E::SerdeUnknownField { field, expected, .. } => {
            let help = match suggest(field, expected) {
                Some(best) => format!("did you mean `{best}`? allowed keys here: {}", expected.join(", ")),
                None => format!("allowed keys here: {}", expected.join(", ")),
            };
            ("unknown-key", format!("unknown key `{field}`"), Some(help))
        }
        E::SerdeMissingField { field, .. } => (
            "missing-key",
            format!("missing required key `{field}`"),
            Some(format!("add `{field}: …` to this mapping")),
        ),
        E::DuplicateMappingKey { .. } => (
            "duplicate-key",
            strip_position(&e.without_snippet().to_string())
                .replace(", set DuplicateKeyPolicy in Options if acceptable", ""),
            Some("each key may appear once in a mapping; remove or rename the repeated one".into()),
        ),
        E::Budget { .. } => (
            "yaml-limit",
            strip_position(&e.without_snippet().to_string()),
            Some("content files are plain data: no deep nesting or alias expansion is needed".into()),
        ),
        E::SerdeInvalidType {
            unexpected, expected, ..
        } => (
            "wrong-type",
            format!("expected {}, found {unexpected}", friendly_expected(expected)),
            None,
        ),
        E::SerdeInvalidLength { len, expected, .. } => {
            ("wrong-type", format!("expected {expected}, found {len} items"), None)
        }
        other => {
            let message = strip_position(&other.to_string());
            if message.contains("expected string scalar") {
                (
                    "wrong-type",
                    "expected a single value (a number or text) here, not a list or mapping".into(),
                    Some(
                        "cells hold one value; lists are written one item per `- ` line only where the schema allows"
                            .into(),
                    ),
                )
            } else {
                (
                    "yaml-syntax",
                    message,
                    Some("see docs/schema.md for the layout of this file".into()),
                )
            }
        }
    }
}

fn friendly_expected(expected: &str) -> String {
    if expected.starts_with("struct ") {
        "a mapping of `key: value` lines".into()
    } else {
        expected.to_string()
    }
}

/// Drops serde-saphyr's `line N column M: ` prefix and ` at line N, column M`
/// suffix (the diagnostic has its own position).
fn strip_position(message: &str) -> String {
    let mut m = message.trim().trim_start_matches("error: ");
    if let Some((_, tail)) = m.strip_prefix("line ").and_then(|rest| rest.split_once(": ")) {
        m = tail;
    }
    if let Some(at) = m.rfind(" at line ") {
        let position = &m[at + " at line ".len()..];
        if position.chars().all(|c| c.is_ascii_digit() || ", column".contains(c)) {
            m = &m[..at];
        }
    }
    m.to_string()
}

/// Chinese labels a finance officer might type as keys, and the key they mean.
const KEY_LABELS: &[(&str, &str)] = &[
    ("科目编码", "code"),
    ("编码", "code"),
    ("科目名称", "name"),
    ("名称", "name"),
    ("项目名称", "name"),
    ("资金来源", "source"),
    ("基本支出", "basic"),
    ("项目支出", "project"),
    ("经营支出", "operating"),
    ("上解上级支出", "remit"),
    ("对附属单位补助支出", "subsidy"),
    ("人员经费", "personnel"),
    ("公用经费", "public"),
    ("一般公共预算", "general"),
    ("政府性基金", "gov_fund"),
    ("国有资本经营", "state_capital"),
    ("单位", "unit"),
    ("预算数", "budget"),
    ("资金用途", "use_of_funds"),
    ("财政资金", "fiscal"),
    ("其他资金", "other"),
    ("绩效目标", "goals"),
    ("绩效指标", "indicators"),
    ("数量", "quantity"),
    ("单价", "unit_price"),
    ("价值", "value"),
    ("合计", "total"),
    ("采购物品名称", "item"),
    ("政府采购目录序号", "catalogue"),
    ("计量单位", "measure"),
    ("预留中小微企业份额", "small_firms"),
    ("年度", "year"),
    ("预算年度", "year"),
];

/// The allowed key closest to `field`: a Chinese label's key, or one within
/// a small edit distance.
pub fn suggest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    if let Some((_, key)) = KEY_LABELS.iter().find(|(label, _)| *label == field)
        && let Some(k) = expected.iter().find(|k| *k == key)
    {
        return Some(k);
    }
    gongkai_model::diag::closest(field, expected)
}

/// Converts the values of one file.
struct FileCtx<'a> {
    file: Arc<Path>,
    unit: AmountUnit,
    codes: Option<&'a CodeLists>,
}

impl<'a> FileCtx<'a> {
    fn new(file: Arc<Path>, unit: AmountUnit, codes: Option<&'a CodeLists>) -> Self {
        FileCtx { file, unit, codes }
    }

    fn loc(&self, text: &Text) -> Loc {
        let mut loc = Loc::at(&self.file, &text.referenced);
        if loc.len == 0 {
            loc.len = text.value.chars().count() as u32;
        }
        loc
    }

    fn text(&self, text: &Text) -> Located<String> {
        Located {
            value: text.value.trim().to_string(),
            loc: self.loc(text),
        }
    }

    fn opt_text(&self, cell: &Cell) -> Option<Located<String>> {
        cell.as_ref().map(|t| self.text(t)).filter(|t| !t.value.is_empty())
    }

    fn plain(&self, cell: &Cell) -> Option<String> {
        self.opt_text(cell).map(|t| t.value)
    }

    fn texts(&self, list: &[Text]) -> Vec<Located<String>> {
        list.iter().map(|t| self.text(t)).collect()
    }

    fn amount(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Fact> {
        let text = cell.as_ref()?;
        match parse_amount(&text.value, self.unit) {
            Ok(value) => {
                let fact = value.map(|value| Located {
                    value,
                    loc: self.loc(text),
                });
                if let Some(f) = fact
                    .as_ref()
                    .filter(|f| f.value.yuan.is_sign_negative() && !f.value.is_zero())
                {
                    diags
                        .warning(
                            "amount-negative",
                            f.loc.clone(),
                            format!("negative amount `{}`", text.value.trim()),
                        )
                        .help = Some("budget tables hold no negative amounts; check the sign".into());
                }
                fact
            }
            Err(e) => {
                let rule = match e {
                    gongkai_model::amount::AmountError::TooManyDecimals { .. } => "amount-decimals",
                    gongkai_model::amount::AmountError::Malformed { .. } => "amount-format",
                };
                diags.error(rule, self.loc(text), e.to_string()).help = Some(e.help());
                None
            }
        }
    }

    fn number(&self, cell: &Cell, what: &str, diags: &mut Diagnostics) -> Option<Located<Decimal>> {
        let text = cell.as_ref()?;
        let t = text.value.trim();
        if t.is_empty() || t == "--" {
            return None;
        }
        match t.parse::<Decimal>() {
            Ok(value) if !t.contains(['e', 'E']) => Some(Located {
                value,
                loc: self.loc(text),
            }),
            _ => {
                diags
                    .error("number-format", self.loc(text), format!("{what} `{t}` is not a number"))
                    .help = Some("write a plain number such as 12 or 0.5".into());
                None
            }
        }
    }

    fn percent(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Located<Decimal>> {
        let text = cell.as_ref()?;
        let t = text.value.trim();
        if t.is_empty() {
            return None;
        }
        match parse_percent(t).or_else(|| t.parse::<Decimal>().ok()) {
            Some(value) => Some(Located {
                value,
                loc: self.loc(text),
            }),
            None => {
                diags
                    .error("percent-format", self.loc(text), format!("`{t}` is not a percentage"))
                    .help = Some("write a share such as 75%".into());
                None
            }
        }
    }

    fn year(&self, text: &Text, diags: &mut Diagnostics) -> Option<u16> {
        match text.value.trim().parse::<u16>() {
            Ok(y) if (1949..=2200).contains(&y) => Some(y),
            _ => {
                diags
                    .error(
                        "year-format",
                        self.loc(text),
                        format!("`{}` is not a year", text.value.trim()),
                    )
                    .help = Some("write the four-digit budget year, e.g. 2022".into());
                None
            }
        }
    }

    /// Checks a code's form and its presence in the year's list; warns when a
    /// given name differs from the list's.
    fn code(
        &self,
        code: &Text,
        name: Option<&Located<String>>,
        kind: Kind,
        diags: &mut Diagnostics,
    ) -> Option<Located<String>> {
        let located = self.text(code);
        let value = &located.value;
        if !value.chars().all(|c| c.is_ascii_digit()) || !kind.valid_length(value.len()) {
            let shape = match kind {
                Kind::Function => "3, 5 or 7 digits (类, 款, 项)",
                Kind::Economic => "3 or 5 digits (类, 款)",
            };
            diags.error(
                "code-format",
                located.loc.clone(),
                format!("`{value}` is not a {}: it must have {shape}", kind.label()),
            );
            return None;
        }
        let codes = self.codes?;
        let list = codes.list(kind);
        match list.name(value) {
            None => {
                diags
                    .error(
                        "code-unknown",
                        located.loc.clone(),
                        format!("{} `{value}` is not in the {} list", kind.label(), list.year),
                    )
                    .help = Some(format!(
                    "check the code; if your locality uses it, add `{value}<TAB>name` to content/codes/{}.tsv",
                    match kind {
                        Kind::Function => "function",
                        Kind::Economic => "economic",
                    }
                ));
            }
            Some(expected) => {
                if let Some(name) = name
                    && name.value != expected
                {
                    diags
                        .warning(
                            "code-name",
                            name.loc.clone(),
                            format!(
                                "name of {value} is `{}`, but the {} list names it `{expected}`",
                                name.value, list.year
                            ),
                        )
                        .help = Some(format!(
                        "write `{expected}`, or rename the code in content/codes/ if your locality uses another name"
                    ));
                }
            }
        }
        Some(located)
    }

    fn unit(&self, raw: &schema::UnitFile, diags: &mut Diagnostics) -> Option<Unit> {
        let year = self.year(&raw.year, diags);
        let amount_unit = match &raw.amount_unit {
            None => AmountUnit::Wan,
            Some(label) => AmountUnit::from_label(&label.value).unwrap_or_else(|| {
                diags
                    .error(
                        "amount-unit",
                        self.loc(label),
                        format!("unknown amount unit `{}`", label.value.trim()),
                    )
                    .help = Some("write `amount_unit: 万元` or `amount_unit: 元`".into());
                AmountUnit::Wan
            }),
        };
        let code = self.text(&raw.code);
        if code.value.is_empty() || !code.value.chars().all(|c| c.is_ascii_alphanumeric()) {
            diags
                .error(
                    "unit-code",
                    code.loc.clone(),
                    format!("department code `{}` must be letters and digits only", code.value),
                )
                .help = Some("the code names folders and web addresses; write it as published, e.g. \"101\"".into());
        }
        const LEVELS: [&str; 5] = ["省级", "市级", "县级", "区级", "乡镇级"];
        let level = self.text(&raw.level);
        if !LEVELS.contains(&level.value.as_str()) {
            diags
                .error(
                    "unit-level",
                    level.loc.clone(),
                    format!("unknown level `{}`", level.value),
                )
                .help = Some(format!("one of {}", LEVELS.join(" / ")));
        }
        Some(Unit {
            code: code.value,
            name: self.text(&raw.name).value,
            level: level.value,
            province: raw.province.as_ref().map(|p| self.text(p).value),
            locality: self.text(&raw.locality).value,
            year: year?,
            amount_unit,
            loc: Loc::file_start(&self.file),
        })
    }

    fn functions(&self, raw: schema::FunctionsFile, diags: &mut Diagnostics) -> Functions {
        let rows = raw
            .rows
            .iter()
            .filter_map(|row| {
                let name = self.opt_text(&row.name);
                let code = match &row.code {
                    Some(code) => Some(self.code(code, name.as_ref(), Kind::Function, diags)?),
                    None => {
                        let cells = [&row.basic, &row.project, &row.operating, &row.remit, &row.subsidy];
                        self.require_total_label(name.as_ref(), &cells, diags)?;
                        None
                    }
                };
                let source = self.source(&row.source, diags)?;
                if source.fund().is_some() {
                    self.appropriation_types(row, source, diags);
                }
                let loc = code.as_ref().or(name.as_ref()).map(|l| l.loc.clone())?;
                Some(FunctionRow {
                    code,
                    name,
                    source,
                    amounts: [
                        self.amount(&row.basic, diags),
                        self.amount(&row.project, diags),
                        self.amount(&row.operating, diags),
                        self.amount(&row.remit, diags),
                        self.amount(&row.subsidy, diags),
                    ],
                    loc,
                })
            })
            .collect();
        let year_end_carryover = raw
            .year_end_carryover
            .iter()
            .flatten()
            .filter_map(|item| {
                let source = self.source(&Some(item.source.clone()), diags)?;
                Some((source, self.amount(&Some(item.amount.clone()), diags)?))
            })
            .collect();
        Functions {
            rows,
            year_end_carryover,
        }
    }

    /// Fiscal appropriations are spent as 基本支出 or 项目支出 only: tables
    /// 5, 7 and 8 have no other columns.
    fn appropriation_types(&self, row: &schema::FunctionRow, source: Source, diags: &mut Diagnostics) {
        for (cell, ty) in [
            (&row.operating, ExpType::Operating),
            (&row.remit, ExpType::Remit),
            (&row.subsidy, ExpType::Subsidy),
        ] {
            if let Some(text) = cell
                .as_ref()
                .filter(|t| !matches!(parse_amount(&t.value, self.unit), Ok(None)))
            {
                diags
                    .error(
                        "appropriation-type",
                        self.loc(text),
                        format!("{} appropriations cannot be spent as {}", source.label(), ty.label()),
                    )
                    .help = Some(
                    "财政拨款 tables show only 基本支出 and 项目支出; give this money its real source (e.g. `source: 事业收入`) or move it to basic/project"
                        .into(),
                );
            }
        }
    }

    /// A row without code must be the 合计 row; a row with neither code nor
    /// name but with figures is an error, never silently dropped.
    fn require_total_label(
        &self,
        name: Option<&Located<String>>,
        cells: &[&Cell],
        diags: &mut Diagnostics,
    ) -> Option<()> {
        let help = "give the row its 科目编码 (`code: …`); only the 合计 row goes without one";
        match name {
            Some(n) if n.value == "合计" => Some(()),
            Some(n) => {
                diags
                    .error(
                        "missing-code",
                        n.loc.clone(),
                        format!("row `{}` has no `code`", n.value),
                    )
                    .help = Some(help.into());
                None
            }
            None => {
                if let Some(first) = cells.iter().find_map(|c| c.as_ref()) {
                    diags
                        .error(
                            "missing-code",
                            self.loc(first),
                            "this row has figures but no `code` (and no name)",
                        )
                        .help = Some(help.into());
                }
                None
            }
        }
    }

    fn source(&self, cell: &Cell, diags: &mut Diagnostics) -> Option<Source> {
        let Some(text) = cell else {
            return Some(Source::General);
        };
        match Source::from_label(&text.value) {
            Some(s) => Some(s),
            None => {
                let labels: Vec<&str> = Source::ALL.iter().map(|s| s.label()).collect();
                let names: Vec<&str> = Source::ALL.iter().map(|s| s.name()).collect();
                let candidates: Vec<&str> = labels.iter().chain(names.iter()).copied().collect();
                let hint = suggest(text.value.trim(), &candidates)
                    .and_then(Source::from_label)
                    .map(|s| format!("did you mean `{}`? ", s.label()))
                    .unwrap_or_default();
                diags
                    .error(
                        "unknown-source",
                        self.loc(text),
                        format!("unknown source of funds `{}`", text.value.trim()),
                    )
                    .help = Some(format!("{hint}one of: {}", labels.join(", ")));
                None
            }
        }
    }

    fn economic(&self, raw: schema::EconomicFile, diags: &mut Diagnostics) -> Economic {
        let rows = raw
            .rows
            .iter()
            .filter_map(|row| {
                let name = self.opt_text(&row.name);
                let code = match &row.code {
                    Some(code) => Some(self.code(code, name.as_ref(), Kind::Economic, diags)?),
                    None => {
                        self.require_total_label(name.as_ref(), &[&row.personnel, &row.public], diags)?;
                        None
                    }
                };
                let loc = code.as_ref().or(name.as_ref()).map(|l| l.loc.clone())?;
                Some(EconomicRow {
                    code,
                    name,
                    personnel: self.amount(&row.personnel, diags),
                    public: self.amount(&row.public, diags),
                    loc,
                })
            })
            .collect();
        Economic { rows }
    }

    fn funds(&self, raw: &Option<schema::FundCells>, diags: &mut Diagnostics) -> Option<FundFacts> {
        raw.as_ref().map(|f| {
            FundFacts([
                self.amount(&f.general, diags),
                self.amount(&f.gov_fund, diags),
                self.amount(&f.state_capital, diags),
            ])
        })
    }

    fn sangong(&self, raw: schema::SangongFile, diags: &mut Diagnostics) -> Sangong {
        Sangong {
            abroad_teaching: self.funds(&raw.abroad_teaching, diags).unwrap_or_default(),
            abroad_other: self.funds(&raw.abroad_other, diags).unwrap_or_default(),
            car_purchase: self.funds(&raw.car_purchase, diags).unwrap_or_default(),
            car_running: self.funds(&raw.car_running, diags).unwrap_or_default(),
            reception: self.funds(&raw.reception, diags).unwrap_or_default(),
            meeting: self.funds(&raw.meeting, diags),
            training: self.funds(&raw.training, diags),
            declared_abroad: self.funds(&raw.abroad, diags),
            declared_car: self.funds(&raw.car, diags),
            declared_subtotal: self.funds(&raw.subtotal, diags),
            declared_total: self.funds(&raw.total, diags),
            loc: Some(Loc::file_start(&self.file)),
        }
    }

    fn projects(&self, raw: schema::ProjectsFile, diags: &mut Diagnostics) -> Projects {
        let projects = raw.projects.iter().map(|p| self.project(p, diags)).collect();
        Projects { projects }
    }

    fn project(&self, p: &schema::ProjectEntry, diags: &mut Diagnostics) -> Project {
        let function_code = p
            .function_code
            .as_ref()
            .and_then(|c| self.code(c, None, Kind::Function, diags));
        let (fiscal, other, declared_budget) = match &p.budget {
            Some(b) => (
                self.amount(&b.fiscal, diags),
                self.amount(&b.other, diags),
                self.amount(&b.total, diags),
            ),
            None => (None, None, None),
        };
        let spending_plan = p
            .spending_plan
            .as_ref()
            .map(|s| [&s.march, &s.june, &s.october, &s.december].map(|cell| self.percent(cell, diags)));
        Project {
            name: self.text(&p.name),
            code: self.opt_text(&p.code),
            unit: self.plain(&p.unit),
            function_code,
            fiscal,
            other,
            declared_budget,
            has_budget: p.budget.is_some(),
            use_of_funds: self.plain(&p.use_of_funds),
            spending_plan,
            goals: self.texts(&p.goals),
            indicators: self.indicators(&p.indicators, diags),
        }
    }

    fn indicators(&self, rows: &[schema::Spanned<Vec<Cell>>], diags: &mut Diagnostics) -> Vec<Indicator> {
        const CELLS: &str = "[一级指标, 二级指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]";
        let mut level1 = String::new();
        let mut level2 = String::new();
        let mut out = Vec::new();
        for row in rows {
            let row_loc = Loc::at(&self.file, &row.referenced);
            if row.value.len() != 6 {
                diags.error(
                    "indicator-row",
                    row_loc,
                    format!("an indicator row has 6 cells {CELLS}; this one has {}", row.value.len()),
                );
                continue;
            }
            let cell = |i: usize| self.plain(&row.value[i]).unwrap_or_default();
            let (l1, l2) = (cell(0), cell(1));
            if !l1.is_empty() {
                level1 = l1;
            }
            if !l2.is_empty() {
                level2 = l2;
            }
            if level1.is_empty() || level2.is_empty() {
                diags.error(
                    "indicator-row",
                    row_loc.clone(),
                    "the first indicator row must name its 一级指标 and 二级指标 (later rows may leave them empty to repeat the row above)",
                );
            }
            let value = match &row.value[4] {
                Some(text) if !text.value.trim().is_empty() => self.text(text),
                _ => {
                    diags.warning(
                        "indicator-value",
                        row_loc.clone(),
                        format!("indicator `{}` has no 指标值", cell(2)),
                    );
                    Located {
                        value: String::new(),
                        loc: row_loc,
                    }
                }
            };
            out.push(Indicator {
                level1: level1.clone(),
                level2: level2.clone(),
                name: cell(2),
                description: cell(3),
                value,
                basis: cell(5),
            });
        }
        out
    }

    fn procurement(&self, raw: schema::ProcurementFile, diags: &mut Diagnostics) -> Procurement {
        let lines = raw
            .lines
            .iter()
            .map(|l| ProcurementLine {
                unit: self.plain(&l.unit),
                project: self.text(&l.project),
                declared_project_budget: self.amount(&l.project_budget, diags),
                item: self.text(&l.item).value,
                catalogue: self.text(&l.catalogue),
                measure: self.plain(&l.measure),
                quantity: self.number(&l.quantity, "quantity", diags),
                unit_price: self.amount(&l.unit_price, diags),
                funds: [
                    self.amount(&l.general, diags),
                    self.amount(&l.gov_fund, diags),
                    self.amount(&l.state_capital, diags),
                    self.amount(&l.special_account, diags),
                    self.amount(&l.unit_funds, diags),
                    self.amount(&l.carryover_appropriation, diags),
                    self.amount(&l.carryover_other, diags),
                ],
                small_firms: self.amount(&l.small_firms, diags),
                loc: self.loc(&l.item),
            })
            .collect();
        Procurement {
            note: self.plain(&raw.note),
            declared_total: self.amount(&raw.total, diags),
            declared_small_firms: self.amount(&raw.total_small_firms, diags),
            lines,
            loc: Loc::file_start(&self.file),
        }
    }

    fn assets(&self, raw: schema::AssetsFile, diags: &mut Diagnostics) -> Assets {
        let mut line = |l: &Option<schema::AssetLine>| match l {
            Some(l) => AssetLine {
                quantity: self.number(&l.quantity, "quantity", diags),
                value: self.amount(&l.value, diags),
            },
            None => AssetLine::default(),
        };
        let lines = [
            line(&raw.buildings),
            line(&raw.office_buildings),
            line(&raw.vehicles),
            line(&raw.equipment),
            line(&raw.other),
        ];
        Assets {
            as_of: self.plain(&raw.as_of),
            declared_total: self.amount(&raw.total, diags),
            lines,
            declared_planned_purchase: self.amount(&raw.planned_purchase, diags),
            note: self.plain(&raw.note),
            loc: Loc::file_start(&self.file),
        }
    }

    fn organisation(&self, raw: schema::OrganisationFile, _diags: &mut Diagnostics) -> Vec<OrgUnit> {
        raw.units
            .iter()
            .map(|u| OrgUnit {
                code: self.plain(&u.code),
                name: self.text(&u.name).value,
                kind: self.plain(&u.kind),
                rank: self.plain(&u.rank),
                funding: self.plain(&u.funding),
            })
            .collect()
    }

    fn prior(&self, raw: schema::PriorFile, diags: &mut Diagnostics) -> Prior {
        let s = raw.sangong.as_ref();
        let sg =
            |diags: &mut Diagnostics, f: fn(&schema::PriorSangong) -> &Cell| s.and_then(|s| self.amount(f(s), diags));
        Prior {
            year: self.year(&raw.year, diags).unwrap_or_default(),
            total: self.amount(&raw.total, diags),
            basic: self.amount(&raw.basic, diags),
            project: self.amount(&raw.project, diags),
            personnel: self.amount(&raw.personnel, diags),
            public: self.amount(&raw.public, diags),
            sangong_total: sg(diags, |s| &s.total),
            sangong_abroad: sg(diags, |s| &s.abroad),
            sangong_car_purchase: sg(diags, |s| &s.car_purchase),
            sangong_car_running: sg(diags, |s| &s.car_running),
            sangong_reception: sg(diags, |s| &s.reception),
            sangong_meeting: sg(diags, |s| &s.meeting),
            sangong_training: sg(diags, |s| &s.training),
        }
    }

    fn narrative(&self, raw: schema::NarrativeFile, _diags: &mut Diagnostics) -> Narrative {
        let reasons = raw.change_reasons.as_ref();
        let perf = raw.performance.as_ref();
        Narrative {
            preamble: self.texts(&raw.preamble),
            duties: self.texts(&raw.duties),
            overview: self.texts(&raw.overview),
            project_purposes: self.opt_text(&raw.project_purposes),
            change_reason_total: reasons.and_then(|r| self.opt_text(&r.total)),
            change_reason_basic: reasons.and_then(|r| self.opt_text(&r.basic)),
            change_reason_project: reasons.and_then(|r| self.opt_text(&r.project)),
            running_costs_use: self.opt_text(&raw.running_costs_use),
            sangong_change: self.opt_text(&raw.sangong_change),
            performance_overall: perf.map(|p| self.texts(&p.overall)).unwrap_or_default(),
            performance_sub_goals: perf
                .map(|p| {
                    p.sub_goals
                        .iter()
                        .map(|g| SubGoal {
                            title: self.text(&g.title),
                            goal: self.text(&g.goal),
                            indicators: self.text(&g.indicators),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            performance_safeguards: perf.map(|p| self.texts(&p.safeguards)).unwrap_or_default(),
            procurement_intro: self.opt_text(&raw.procurement_intro),
            glossary: raw
                .glossary
                .iter()
                .map(|g| (self.text(&g.term), self.text(&g.definition)))
                .collect(),
            other_matters: self.texts(&raw.other_matters),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_department_years_in_name_order_to_the_depth_limit() {
        let root = std::env::temp_dir().join(format!("gongkai-find-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let folders = [
            "2023/9",
            "2023/10",
            "2022/101",
            "2022/101/annex",
            "2022/a-b",
            "2022/a/b",
            "codes",
            "1/2/3/4/5/6/7",
            "1/2/3/4/5/6/7/8",
        ];
        for folder in folders {
            std::fs::create_dir_all(root.join(folder)).unwrap();
            if folder != "codes" {
                std::fs::write(root.join(folder).join("unit.yaml"), "").unwrap();
            }
        }
        // A file named like a folder is not a department-year.
        std::fs::write(root.join("2022/unit.yaml.bak"), "").unwrap();
        let found: Vec<String> = find_disclosures(&root)
            .unwrap()
            .iter()
            .map(|d| d.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        std::fs::remove_dir_all(&root).unwrap();
        // Name order, component by component (a walk visiting sub-folders in
        // name order); a folder before its sub-folders; seven levels down at
        // most.
        assert_eq!(
            found,
            [
                "1/2/3/4/5/6/7",
                "2022/101",
                "2022/101/annex",
                "2022/a/b",
                "2022/a-b",
                "2023/10",
                "2023/9",
            ]
        );
    }

    #[test]
    fn suggests_near_keys_and_chinese_labels() {
        let keys = ["code", "name", "source", "basic", "project"];
        assert_eq!(suggest("nmae", &keys), Some("name"));
        assert_eq!(suggest("projcet", &keys), Some("project"));
        assert_eq!(suggest("基本支出", &keys), Some("basic"));
        assert_eq!(suggest("amount", &keys), None);
    }

    #[test]
    fn strips_saphyr_position_prefix() {
        assert_eq!(strip_position("line 3 column 5: bad thing"), "bad thing");
        assert_eq!(strip_position("error: line 3 column 5: a: b"), "a: b");
        assert_eq!(strip_position("line 4 column 3: bad at line 4, column 12"), "bad");
    }
}
