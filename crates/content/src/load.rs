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

use crate::convert::FileCtx;
use crate::files;
use crate::schema::{self, Text};
use gongkai_model::amount::AmountUnit;
use gongkai_model::codes::{CodeLists, SiteCodes};
use gongkai_model::diag::{Diagnostics, Loc, display_path};
use gongkai_model::disclosure::*;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
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

/// Finds every department-year (a folder with `unit.yaml`) below `content`,
/// in path order.
pub fn find_disclosures(content: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(find_disclosures_with(content, |_, _| ())?
        .found
        .into_iter()
        .map(|(dir, ())| dir)
        .collect())
}

/// What a search of the content folder found.
#[derive(Debug)]
pub struct Found<T> {
    /// The department-year folders with what `visit` made of each, in path order.
    pub found: Vec<(PathBuf, T)>,
    /// Folders that look like a department-year but have no `unit.yaml`
    /// (their files would be skipped without a word otherwise).
    pub strays: Vec<Stray>,
    /// Files of department-year folders named like a content file but not
    /// as one.
    pub misnamed: Vec<Misnamed>,
    /// Folders left by an interrupted write of a department-year folder
    /// ([`is_staging`]): not content, never read, reported.
    pub leftovers: Vec<PathBuf>,
}

/// What the name of a folder gongkai writes a department-year into, before
/// renaming it into place, carries (`.101.gongkai-staging-<pid>-<n>`, beside
/// the folder it becomes).
const STAGING: &str = ".gongkai-staging-";

/// The name of the folder beside `folder_name` that a department-year is
/// written into before it is renamed into place: hidden, and marked so that
/// the content search never reads it ([`is_staging`]). `unique` tells two
/// writes apart.
pub fn staging_name(folder_name: &str, unique: &str) -> String {
    format!(".{folder_name}{STAGING}{unique}")
}

/// Whether a folder's name is one [`staging_name`] makes: a write that was
/// interrupted (the process killed) leaves it behind, beside the folder it
/// was meant to replace, which is intact.
pub fn is_staging(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.') && n.contains(STAGING))
}

/// The finding for a folder left by an interrupted write: a warning, since
/// the folder it was meant to replace is intact and is what is published.
pub fn report_leftover(dir: &Path, diags: &mut Diagnostics) {
    let shown = display_path(dir);
    let file: Arc<Path> = Arc::from(shown.as_path());
    diags
        .warning(
            "write-interrupted",
            Loc::file_start(&file),
            format!(
                "`{}` was left by an interrupted write (`import`, `new` or `rollover` was stopped before it finished); it is not content and nothing in it is published",
                shown.display()
            ),
        )
        .help = Some(
        "the department-year beside it is as it was before that write: remove this folder, and run the command again if its result is still wanted".into(),
    );
}

/// A folder that looks like a department-year but is not one: it holds
/// content files, or a file named like `unit.yaml`, and no `unit.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stray {
    /// The folder.
    pub dir: PathBuf,
    /// The file that was meant as `unit.yaml` (`Unit.yaml`, `unit.yml`,
    /// `unit.yaml.txt`), when there is one.
    pub near_miss: Option<String>,
    /// The content files it holds.
    pub content_files: Vec<String>,
}

impl Stray {
    /// The finding: an error at the folder, naming the near miss.
    pub fn report(&self, diags: &mut Diagnostics) {
        let file: Arc<Path> =
            Arc::from(display_path(&self.dir.join(self.near_miss.as_deref().unwrap_or("unit.yaml"))).as_path());
        let shown = display_path(&self.dir);
        let holds = if self.content_files.is_empty() {
            String::new()
        } else {
            format!(" (it holds {})", self.content_files.join(", "))
        };
        let d = match &self.near_miss {
            Some(name) => diags.error(
                "unit-missing",
                Loc::file_start(&file),
                format!(
                    "`{}` is not a department-year{holds}: its unit file is named `{name}`, and gongkai reads only `unit.yaml`",
                    shown.display()
                ),
            ),
            None => diags.error(
                "unit-missing",
                Loc::file_start(&file),
                format!("`{}` has content files but no unit.yaml{holds}, so nothing in it is published", shown.display()),
            ),
        };
        d.help = Some(match &self.near_miss {
            Some(name) => format!("rename `{name}` to `unit.yaml` (in Windows, show file extensions to see `.txt`)"),
            None => "add unit.yaml (`gongkai new` writes one), or move the files out of the content folder".into(),
        });
    }
}

/// [`find_disclosures`], calling `visit` on each department-year folder
/// with the entries its listing gave (so a caller that looks at its files,
/// the build cache's fingerprint, need not list it again). `visit` runs on
/// the listing threads; its results come back with the folders, in order.
pub fn find_disclosures_with<T: Send>(
    content: &Path,
    visit: impl Fn(&Path, Vec<std::fs::DirEntry>) -> T + Sync,
) -> Result<Found<T>, LoadError> {
    if !content.is_dir() {
        return Err(LoadError::MissingContent(content.to_path_buf()));
    }
    // Level by level, each level's folders listed on I/O threads (a
    // province has tens of thousands of folders; listing one is a few
    // system calls, and a wait on the disk when it is not cached). Sorting
    // the found folders component-wise gives the order of a walk that
    // visits sub-folders in name order.
    let mut found = Vec::new();
    let mut strays = Vec::new();
    let mut misnamed = Vec::new();
    let mut leftovers = Vec::new();
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
            misnamed.extend(listing.misnamed);
            leftovers.extend(listing.leftovers);
            match listing.visited {
                Some(visited) => found.push((listing.dir, visited)),
                None => strays.extend(listing.stray),
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    strays.sort_by(|a, b| a.dir.cmp(&b.dir));
    misnamed.sort_by(|a, b| (&a.dir, &a.name).cmp(&(&b.dir, &b.name)));
    leftovers.sort();
    Ok(Found {
        found,
        strays,
        misnamed,
        leftovers,
    })
}

/// What listing one folder tells: what `visit` made of it when it holds a
/// `unit.yaml`, and its sub-folders.
struct Listing<T> {
    dir: PathBuf,
    visited: Option<T>,
    /// Without a unit.yaml: whether it looks like a department-year.
    stray: Option<Stray>,
    /// With a unit.yaml: its files named like a content file but not as one.
    misnamed: Vec<Misnamed>,
    sub: Vec<PathBuf>,
    /// Sub-folders left by an interrupted write (not listed further).
    leftovers: Vec<PathBuf>,
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
        let mut leftovers = Vec::new();
        let mut entries = Vec::new();
        let mut near_miss = None;
        let mut content_files = Vec::new();
        let mut slips: Vec<(String, &'static str)> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let kind = entry.file_type().map_err(io)?;
            if kind.is_file() && entry.file_name() == "unit.yaml" {
                has_unit = true;
            } else if kind.is_dir() && is_staging(&entry.file_name()) {
                leftovers.push(entry.path());
            } else if kind.is_dir() {
                sub.push(entry.path());
            } else if kind.is_file() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if let Some(meant) = files::meant(&name) {
                    if meant.name == files::UNIT.name {
                        near_miss = Some(name.clone());
                    }
                    slips.push((name, meant.name));
                } else if files::by_name(&name).is_some() {
                    content_files.push(name);
                }
            }
            entries.push(entry);
        }
        content_files.sort();
        // Only a department-year's slips are reported here (a stray's unit
        // file is reported with the stray).
        let misnamed = if has_unit {
            slips
                .into_iter()
                .filter(|(_, meant)| *meant != files::UNIT.name)
                .map(|(name, meant)| Misnamed {
                    dir: dir.clone(),
                    also_there: content_files.iter().any(|c| c == meant),
                    name,
                    meant,
                })
                .collect()
        } else {
            Vec::new()
        };
        let stray = (!has_unit && (near_miss.is_some() || !content_files.is_empty())).then(|| Stray {
            dir: dir.clone(),
            near_miss,
            content_files,
        });
        Ok(Listing {
            dir: dir.clone(),
            visited: has_unit.then(|| visit(dir, entries)),
            stray,
            misnamed,
            sub,
            leftovers,
        })
    })
}

/// Where a department-year's files come from.
#[derive(Clone, Copy)]
pub enum Files<'a> {
    /// A folder on disk.
    Disk(&'a Path),
    /// Named files in memory, named as in a folder (`unit.yaml`,
    /// `sections/duties.md`) → bytes: for the importer's trial and fuzzing.
    Memory(&'a BTreeMap<String, Vec<u8>>),
}

impl Files<'_> {
    /// Reads and parses a YAML file; `None` when it is absent, `Some(None)`
    /// when it is broken (reported).
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

    /// The entries of the `sections/` folder in name order: each as shown
    /// in findings, and its name in the folder.
    fn section_entries(&self) -> Vec<(Arc<Path>, PathBuf)> {
        match self {
            Files::Disk(dir) => {
                let Ok(entries) = std::fs::read_dir(dir.join(files::SECTIONS_DIR)) else {
                    return Vec::new();
                };
                let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                paths.sort();
                paths
                    .into_iter()
                    .filter_map(|path| {
                        let name = PathBuf::from(path.file_name()?);
                        Some((Arc::from(display_path(&path).as_path()), name))
                    })
                    .collect()
            }
            Files::Memory(map) => map
                .keys()
                .filter_map(|key| {
                    let name = key.strip_prefix(files::SECTIONS_DIR)?.strip_prefix('/')?;
                    (!name.is_empty() && !name.contains('/'))
                        .then(|| (Arc::from(Path::new(key.as_str())), PathBuf::from(name)))
                })
                .collect(),
        }
    }

    /// Reads the entry `name` of the `sections/` folder.
    fn section(&self, name: &Path) -> Read {
        match self {
            Files::Disk(dir) => read_file(&dir.join(files::SECTIONS_DIR).join(name)),
            Files::Memory(map) => {
                let key = Path::new(files::SECTIONS_DIR).join(name);
                match key.to_str().and_then(|k| map.get(k)) {
                    Some(bytes) if bytes.len() as u64 > MAX_FILE_BYTES => Read::TooLarge(bytes.len() as u64),
                    Some(bytes) => Read::Bytes(bytes.clone()),
                    None => Read::Absent(std::io::ErrorKind::NotFound.into()),
                }
            }
        }
    }
}

/// A file of a department-year folder whose name is a slip for a content
/// file's (`Assets.yaml`, `assets.yml`, `assets.yaml.txt`): found while the
/// content folder is searched, reported as an error (its figures would
/// silently be left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misnamed {
    /// The department-year folder.
    pub dir: PathBuf,
    /// The file's name as it is.
    pub name: String,
    /// The content file it was meant to be.
    pub meant: &'static str,
    /// Whether that file is in the folder too (then this one is likely an
    /// old copy).
    pub also_there: bool,
}

impl Misnamed {
    /// The finding, at the misnamed file.
    pub fn report(&self, diags: &mut Diagnostics) {
        let file: Arc<Path> = Arc::from(display_path(&self.dir.join(&self.name)).as_path());
        let (name, meant) = (&self.name, self.meant);
        let d = diags.error(
            "file-misnamed",
            Loc::file_start(&file),
            if self.also_there {
                format!("`{name}` is not read (gongkai reads `{meant}`, which is here too): is it an old copy?")
            } else {
                format!("`{name}` is not read: gongkai reads `{meant}`, so its figures would be left out")
            },
        );
        d.help = Some(if self.also_there {
            format!("merge it into `{meant}` and delete it")
        } else {
            format!("rename it to `{meant}` (in Windows, show file extensions to see `.txt`)")
        });
    }
}

/// The unit of a department-year folder, read on its own and quietly (its
/// findings are reported when the folder is loaded): what a site needs to
/// know of a folder before loading it, such as its identity.
pub fn peek_unit(dir: &Path) -> Option<Unit> {
    let mut quiet = Diagnostics::new();
    let (raw, file) = read_yaml::<schema::UnitFile>(&dir.join("unit.yaml"), &mut quiet)?;
    FileCtx::new(file, AmountUnit::Wan, None).unit(&raw, &mut quiet)
}

/// Loads one department-year folder.
pub fn load_disclosure(dir: &Path, site_codes: &SiteCodes, diags: &mut Diagnostics) -> Option<Disclosure> {
    load(Files::Disk(dir), dir, site_codes, diags)
}

/// Loads a department-year from files in memory (named as in a folder).
pub fn load_in_memory(files: &BTreeMap<String, Vec<u8>>, diags: &mut Diagnostics) -> Option<Disclosure> {
    load(Files::Memory(files), Path::new(""), &SiteCodes::default(), diags)
}

/// Loads a department-year from its files (`dir`: the folder they are in,
/// or would be in when they are in memory), checking its codes against the
/// year's lists with the site's additions. `unit.yaml` is read first: it
/// gives the unit amounts are entered in and the year whose code lists the
/// other files are checked against; then every other file
/// [`files::FILES`] declares, in its order.
pub fn load(files: Files<'_>, dir: &Path, site_codes: &SiteCodes, diags: &mut Diagnostics) -> Option<Disclosure> {
    let unit_name = files::UNIT.name;
    let Some(unit) = files.yaml::<schema::UnitFile>(unit_name, diags) else {
        diags.error(
            "missing-file",
            Loc::file_start(&Arc::from(dir.join(unit_name).as_path())),
            format!("{unit_name} is missing"),
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
    let mut loader = Loader {
        files,
        default_unit: unit.amount_unit,
        codes: &codes,
        diags,
        present: Default::default(),
    };
    let mut disclosure = Disclosure::new(dir.to_path_buf(), unit, codes.clone());
    for file in &files::FILES {
        if let Some(load) = file.load {
            load(&mut loader, &mut disclosure);
        }
    }
    disclosure.present = std::mem::take(&mut loader.present);
    disclosure.present.insert(unit_name);
    Some(disclosure)
}

/// A department-year's files being loaded, with what every file but
/// `unit.yaml` is converted with.
pub(crate) struct Loader<'a> {
    files: Files<'a>,
    /// The unit of amounts `unit.yaml` declares.
    default_unit: AmountUnit,
    /// The code lists of the year, with the site's additions.
    codes: &'a CodeLists,
    diags: &'a mut Diagnostics,
    /// The declared files found so far (read or not).
    present: std::collections::BTreeSet<&'static str>,
}

/// Raw files that may declare their own `amount_unit`.
pub(crate) trait HasAmountUnit {
    /// The file's `amount_unit`, if it has one.
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
    schema::PriorFile,
    schema::PublishedFile
);
impl HasAmountUnit for schema::UnitFile {}
impl HasAmountUnit for schema::OrganisationFile {}
impl HasAmountUnit for schema::NarrativeFile {}
impl HasAmountUnit for schema::CorrectionsFile {}

impl<'a> Loader<'a> {
    /// Reads YAML file `name` and converts it in the file's unit; `None`
    /// when it is absent or broken (reported).
    pub(crate) fn yaml<R, M>(
        &mut self,
        name: &str,
        convert: impl FnOnce(&FileCtx<'a>, R, &mut Diagnostics) -> M,
    ) -> Option<M>
    where
        R: DeserializeOwned + HasAmountUnit,
    {
        let read = self.files.yaml::<R>(name, self.diags)?;
        if let Some(file) = files::by_name(name) {
            self.present.insert(file.name);
        }
        let (raw, file) = read?;
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

    /// Reads the author's section texts, `sections/<id>.md`.
    pub(crate) fn sections(&mut self) -> BTreeMap<String, Located<String>> {
        use gongkai_model::disclosure::OVERRIDABLE_SECTIONS as OVERRIDABLE;
        let mut sections = BTreeMap::new();
        let diags = &mut *self.diags;
        for (file, name) in self.files.section_entries() {
            let start = Loc::file_start(&file);
            let Some(id) = name
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|_| name.extension().is_some_and(|e| e == "md"))
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
            let text = match self.files.section(&name) {
                Read::Bytes(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => text,
                    Err(_) => {
                        diags.error(
                            "file-unreadable",
                            start,
                            "cannot read file: stream did not contain valid UTF-8",
                        );
                        continue;
                    }
                },
                Read::TooLarge(_) => {
                    diags.error(
                        "file-too-large",
                        start,
                        format!("section files are limited to {MAX_FILE_BYTES} bytes"),
                    );
                    continue;
                }
                Read::Absent(e) | Read::Failed(e) => {
                    diags.error("file-unreadable", start, format!("cannot read file: {e}"));
                    continue;
                }
            };
            diags.add_source(file.clone(), Arc::from(text.as_str()));
            if text.contains(MARKER_CHARS) {
                diags.error(
                    "file-encoding",
                    start,
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
        sections
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

/// Reports a file over [`MAX_FILE_BYTES`].
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
    if says_nothing(text) {
        diags
            .error(
                "file-empty",
                start,
                "the file is empty (or only comments): an empty file would print as 0.00",
            )
            .help = Some(
            "write its figures; if the department has none, say so in the file's `note` (procurement, assets) or delete the file"
                .into(),
        );
        return None;
    }
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

/// Whether a YAML text holds nothing: blank lines, comments, document
/// markers, or an empty mapping.
fn says_nothing(text: &str) -> bool {
    text.lines()
        .map(|l| l.split_once(" #").map_or(l, |(before, _)| before).trim())
        .all(|l| l.is_empty() || l.starts_with('#') || l == "---" || l == "..." || l == "{}" || l == "~")
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

/// serde's name of an expected type, in a finance officer's words.
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
