//! The build cache: what each department-year produced last time, so `check`
//! and `build` skip the department-years whose inputs did not change.
//!
//! A department-year is the unit of work. Its record holds the fingerprint of
//! its inputs (every file of its folder: path, length, modification time and
//! content hash), its findings, the [`Summary`] and search entry the site pages
//! need, and — once built — the path and content hash of every file it wrote.
//! The whole cache is void when anything shared changes: the gongkai binary,
//! the site's code lists, the theme, or which folder the content is.
//!
//! A record is reused only when the folder's files have the same content
//! hashes. Hashing is skipped for a file whose length and modification time
//! are unchanged and whose modification time was at least [`RACY_NS`] before
//! the run that recorded it (git's "racily clean" rule: a later edit within
//! the file system's timestamp granularity could otherwise keep the same
//! time). For a build, a record's outputs are reused only if the previous
//! output still holds each file with the recorded hash (see
//! [`Staging::keep`](crate::build::Staging::keep)); anything else renders the
//! department-year again. A missing, unreadable or stale cache is never an
//! error, only a slower run; the cache is written atomically after the run.
//!
//! Where: `.gongkai-cache/<content folder name>.json` next to the content
//! folder (beside `themes/`), never inside what a build publishes: a header
//! (what the records are valid for, the search index's state) and the records
//! in sixteen files by key hash (`<name>.records-<k>.json`, read in parallel;
//! a correction rewrites one), with the
//! search index's per-document signatures in `<content folder
//! name>.search-signatures` (only builds read them; see
//! [`index`](gongkai_portal::search::index)). A run that reuses every record
//! writes nothing. `serve` keeps the same files under its preview folder
//! ([`Options::cache_file`](crate::pipeline::Options::cache_file)), so a
//! preview and `build` never evict each other's records.

use gongkai_model::config::SiteConfig;
use gongkai_model::diag::{Diagnostic, Diagnostics, Loc, Severity};
use gongkai_model::identity::Identity;
use gongkai_portal::Summary;
use gongkai_portal::search::index::{self, State as SearchState};
use gongkai_render::output::{BuiltFile, content_hash};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// Bumped whenever the record layout or its meaning changes.
const FORMAT: u32 = 5;

/// How long before a run a file must have been modified for its time stamp
/// to vouch for its content next time (2 s: the coarsest common granularity).
pub const RACY_NS: u64 = 2_000_000_000;

/// The cache file of a content folder.
pub fn location(content: &Path) -> PathBuf {
    let name = content
        .file_name()
        .map_or_else(|| "content".into(), |n| n.to_string_lossy().into_owned());
    content
        .parent()
        .unwrap_or(Path::new(""))
        .join(".gongkai-cache")
        .join(format!("{name}.json"))
}

/// One input file of a department-year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Input {
    /// Relative to the department-year's folder, `/`-separated.
    path: String,
    len: u64,
    /// Modification time, nanoseconds since the epoch.
    mtime: u64,
    hash: u64,
}

/// The current fingerprint of a department-year's folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs(Vec<Input>);

impl Inputs {
    fn same_content(&self, other: &[Input]) -> bool {
        self.0.len() == other.len()
            && self
                .0
                .iter()
                .zip(other)
                .all(|(a, b)| a.path == b.path && a.hash == b.hash && a.len == b.len)
    }
}

/// A finding, stored with its file relative to the department-year's folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Finding {
    severity: Severity,
    rule: String,
    /// Relative to the folder when inside it, else as reported.
    file: String,
    inside: bool,
    line: u32,
    column: u32,
    len: u32,
    message: String,
    help: Option<String>,
}

/// The files one department-year wrote into a build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Built {
    /// What else the files depend on: which outputs were asked for and the
    /// years the department publishes (its pages link to them).
    pub key: u64,
    pub files: Vec<BuiltFile>,
}

/// What a department-year produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Record {
    inputs: Vec<Input>,
    /// Which department-year the folder is, from `unit.yaml`, when it reads.
    pub unit: Option<Identity>,
    findings: Vec<Finding>,
    pub summary: Option<Summary>,
    /// Its search entry's url and hash (the entry itself is in the index).
    pub search: Option<SearchKey>,
    pub built: Option<Built>,
    /// When the run that recorded it started (from its records file).
    #[serde(skip)]
    recorded: u64,
}

impl Record {
    /// A record of a run over `dir` with these inputs.
    pub fn new(dir: &Path, inputs: &Inputs, unit: Option<Identity>, diags: &Diagnostics) -> Record {
        let findings = diags
            .iter()
            .map(|d| {
                let (file, inside) = match d.loc.file.strip_prefix(dir) {
                    Ok(rel) => (slashed(rel), true),
                    Err(_) => (d.loc.file.to_string_lossy().into_owned(), false),
                };
                Finding {
                    severity: d.severity,
                    rule: d.rule.to_string(),
                    file,
                    inside,
                    line: d.loc.line,
                    column: d.loc.column,
                    len: d.loc.len,
                    message: d.message.clone(),
                    help: d.help.clone(),
                }
            })
            .collect();
        Record {
            inputs: inputs.0.clone(),
            unit,
            findings,
            summary: None,
            search: None,
            recorded: 0,
            built: None,
        }
    }

    /// The findings again, with the lines they quote read from the (unchanged)
    /// files.
    pub fn diagnostics(&self, dir: &Path) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let mut files: BTreeMap<String, Arc<Path>> = BTreeMap::new();
        for f in &self.findings {
            let file = files
                .entry(f.file.clone())
                .or_insert_with(|| {
                    let path: Arc<Path> = if f.inside {
                        Arc::from(dir.join(&f.file).as_path())
                    } else {
                        Arc::from(Path::new(&f.file))
                    };
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        diags.add_source(path.clone(), Arc::from(text));
                    }
                    path
                })
                .clone();
            let loc = Loc {
                file,
                line: f.line,
                column: f.column,
                len: f.len,
            };
            let mut d = Diagnostic::new(f.severity, intern(&f.rule), loc, f.message.clone());
            d.help = f.help.clone();
            diags.push(d);
        }
        diags
    }
}

/// A rule id as the `&'static str` findings carry. Rule ids are a small fixed
/// set, so each distinct one is leaked once.
fn intern(rule: &str) -> &'static str {
    static RULES: Mutex<BTreeMap<String, &'static str>> = Mutex::new(BTreeMap::new());
    let mut rules = RULES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(r) = rules.get(rule) {
        return r;
    }
    let leaked: &'static str = Box::leak(rule.to_string().into_boxed_str());
    rules.insert(rule.to_string(), leaked);
    leaked
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    tool: String,
    site: u64,
    content: String,
    /// When the run that wrote it started, nanoseconds since the epoch.
    started: u64,
    /// The search index last built (its signatures are in a file of their
    /// own, `<name>.search-signatures`, which only builds read).
    index: Option<StoredIndex>,
}

/// One of the [`SHARDS`] records files: the records whose key hashes to it.
#[derive(Serialize, Deserialize)]
struct StoredRecords {
    /// Ties it to the header's format, tool, site and content.
    stamp: u64,
    /// When the run that wrote it started.
    started: u64,
    records: BTreeMap<String, Record>,
}

/// Records files per cache: a correction rewrites one sixteenth of them.
const SHARDS: u64 = 16;

fn shard_of(key: &str) -> u64 {
    content_hash(key.as_bytes()) % SHARDS
}

/// A search index's state and the id tying it to its signatures file.
#[derive(Clone, Serialize, Deserialize)]
struct StoredIndex {
    id: u64,
    state: SearchState,
}

/// A department-year's search entry: its url and content hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchKey {
    pub url: String,
    pub hash: u64,
}

/// The cache of one run: the previous run's records, and this run's.
pub struct Cache {
    path: Option<PathBuf>,
    tool: String,
    site: u64,
    content: String,
    /// The content folder as given, which department-year folders start with.
    given: PathBuf,
    started: u64,
    old: BTreeMap<String, Record>,
    old_index: Option<StoredIndex>,
    /// The previous index with its signatures, read when first needed.
    old_search: std::sync::OnceLock<Option<SearchState>>,
    run: Mutex<RunRecords>,
}

/// What this run keeps: the keys of reused records, and new records.
#[derive(Default)]
struct RunRecords {
    index: Option<SearchState>,
    reused: std::collections::BTreeSet<String>,
    new: BTreeMap<String, Record>,
}

impl Cache {
    /// Opens the cache of `content`; `enabled: false` gives one that never
    /// hits and is never written.
    pub fn open(content: &Path, config: &SiteConfig, enabled: bool) -> Cache {
        Cache::open_at(content, config, enabled.then(|| location(content)))
    }

    /// Opens the cache of `content` kept in the header file `path` instead of
    /// the [`location`] `build` and `check` use (`serve` keeps its own, so
    /// its preview never evicts their records); `None` gives one that never
    /// hits and is never written.
    pub fn open_at(content: &Path, config: &SiteConfig, path: Option<PathBuf>) -> Cache {
        let tool = tool_stamp();
        let site = site_fingerprint(config);
        // The folder itself, however it is named (`content`, `./content`, an
        // absolute path): records hold paths relative to their folder.
        let content_key = std::fs::canonicalize(content)
            .unwrap_or_else(|_| content.to_path_buf())
            .to_string_lossy()
            .into_owned();
        let started = now_ns();
        let stored = path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<Stored>(&bytes).ok())
            .filter(|s| s.format == FORMAT && s.tool == tool && s.site == site && s.content == content_key);
        let stamp = stamp_of(&tool, site, &content_key);
        let old = match (&stored, &path) {
            (Some(_), Some(path)) => read_records(path, stamp),
            _ => BTreeMap::new(),
        };
        let old_index = stored.and_then(|s| s.index);
        Cache {
            path,
            tool,
            site,
            content: content_key,
            given: content.to_path_buf(),
            started,
            old,
            old_index,
            old_search: std::sync::OnceLock::new(),
            run: Mutex::new(RunRecords::default()),
        }
    }

    fn signatures_path(&self) -> Option<PathBuf> {
        self.path.as_ref().map(|p| p.with_extension("search-signatures"))
    }

    /// The search index the last build wrote, with its signatures (`None`
    /// when there is none or its signatures file is missing or stale).
    pub fn previous_index(&self) -> Option<&SearchState> {
        self.old_search
            .get_or_init(|| {
                let stored = self.old_index.as_ref()?;
                let bytes = std::fs::read(self.signatures_path()?).ok()?;
                let (id, words) = bytes.split_at_checked(8)?;
                if u64::from_le_bytes(id.try_into().ok()?) != stored.id {
                    return None;
                }
                let mut state = stored.state.clone();
                state.signatures = index::read_signatures(words);
                Some(state)
            })
            .as_ref()
    }

    /// The cache key of a department-year folder: its path below the content.
    pub fn key(&self, dir: &Path) -> String {
        slashed(dir.strip_prefix(&self.given).unwrap_or(dir))
    }

    /// Whether this cache reads and writes records (not `--no-cache`).
    pub fn enabled(&self) -> bool {
        self.path.is_some()
    }

    /// Fingerprints a folder's files, from the entries its listing gave
    /// (see [`find_disclosures_with`](gongkai_content::load::find_disclosures_with)),
    /// hashing only those whose time stamps cannot vouch for them.
    pub fn inputs_listed(&self, key: &str, entries: Vec<std::fs::DirEntry>) -> std::io::Result<Inputs> {
        let old = self.old.get(key);
        let recorded = old.map_or(0, |r| r.recorded);
        let previous: BTreeMap<&str, &Input> = old
            .map(|r| r.inputs.iter().map(|i| (i.path.as_str(), i)).collect())
            .unwrap_or_default();
        let mut inputs = Vec::new();
        for (path, full, meta) in files_listed(entries, 3)? {
            let len = meta.len();
            let mtime = mtime_ns(&meta);
            let vouched = previous
                .get(path.as_str())
                .filter(|p| p.len == len && p.mtime == mtime && mtime != 0 && mtime.saturating_add(RACY_NS) < recorded);
            let hash = match vouched {
                Some(p) => p.hash,
                None => content_hash(&std::fs::read(&full)?),
            };
            inputs.push(Input { path, len, mtime, hash });
        }
        Ok(Inputs(inputs))
    }

    /// The previous record of a folder, if its inputs have the same content.
    pub fn lookup(&self, key: &str, inputs: &Inputs) -> Option<&Record> {
        self.old.get(key).filter(|r| inputs.same_content(&r.inputs))
    }

    /// The search index this build wrote or kept.
    pub fn set_index(&self, index: SearchState) {
        self.run().index = Some(index);
    }

    /// Keeps the previous record of a folder for the next run, as it is.
    pub fn reuse(&self, key: &str) {
        if self.path.is_some() {
            self.run().reused.insert(key.to_string());
        }
    }

    /// Keeps this run's record of a folder.
    pub fn store(&self, key: String, record: Record) {
        if self.path.is_some() {
            self.run().new.insert(key, record);
        }
    }

    fn run(&self) -> std::sync::MutexGuard<'_, RunRecords> {
        self.run.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes this run's records (only them: folders gone are forgotten),
    /// atomically, unless they are exactly the previous run's. Failing to
    /// write is not an error of the run; the reason is returned for a
    /// warning.
    pub fn save(self) -> Result<(), String> {
        let Some(path) = self.path.clone() else { return Ok(()) };
        let run = std::mem::take(&mut *self.run());
        // A check keeps the last build's index; a build records its own.
        // A new index, or the same one whose signatures were lost.
        let index_changed = run.index.as_ref().is_some_and(|new| {
            self.old_index.as_ref().is_none_or(|old| !old.state.same_files(new)) || self.previous_index().is_none()
        });
        if run.new.is_empty() && run.reused.len() == self.old.len() && !index_changed {
            return Ok(());
        }
        let index = match run.index {
            Some(state) if index_changed => {
                let id = self.started;
                let mut bytes = id.to_le_bytes().to_vec();
                bytes.extend(index::signatures_bytes(&state));
                write_bytes(&path.with_extension("search-signatures"), bytes)?;
                Some(StoredIndex { id, state })
            }
            _ => self.old_index.clone(),
        };
        // Records files whose content changes: a new record, or an old one
        // not kept (its folder gone or changed).
        let mut dirty = std::collections::BTreeSet::new();
        dirty.extend(run.new.keys().map(|k| shard_of(k)));
        dirty.extend(
            self.old
                .keys()
                .filter(|k| !run.reused.contains(*k) && !run.new.contains_key(*k))
                .map(|k| shard_of(k)),
        );
        let stamp = stamp_of(&self.tool, self.site, &self.content);
        let mut shards: BTreeMap<u64, BTreeMap<String, Record>> = dirty.iter().map(|k| (*k, BTreeMap::new())).collect();
        let mut old = self.old;
        for key in run.reused {
            if let Some(shard) = shards.get_mut(&shard_of(&key))
                && let Some(record) = old.remove(&key)
            {
                shard.insert(key, record);
            }
        }
        for (key, record) in run.new {
            if let Some(shard) = shards.get_mut(&shard_of(&key)) {
                shard.insert(key, record);
            }
        }
        // A records file keeps its own start time: the racy rule needs the
        // run that saw the files.
        let started = self.started;
        for (k, records) in shards {
            let file = StoredRecords {
                stamp,
                started,
                records,
            };
            write_json(&records_path(&path, k), &file)?;
        }
        let stored = Stored {
            format: FORMAT,
            tool: self.tool,
            site: self.site,
            content: self.content,
            started,
            index,
        };
        write_json(&path, &stored)
    }
}

/// Ties records files to a header: format, tool, site and content.
fn stamp_of(tool: &str, site: u64, content: &str) -> u64 {
    content_hash(format!("{FORMAT}\0{tool}\0{site}\0{content}").as_bytes())
}

fn records_path(header: &Path, shard: u64) -> PathBuf {
    header.with_extension(format!("records-{shard}.json"))
}

/// Every records file with this stamp, read in parallel; each record
/// remembers when its file was written.
fn read_records(header: &Path, stamp: u64) -> BTreeMap<String, Record> {
    let parts: Vec<BTreeMap<String, Record>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..SHARDS)
            .map(|k| {
                scope.spawn(move || {
                    std::fs::read(records_path(header, k))
                        .ok()
                        .and_then(|bytes| serde_json::from_slice::<StoredRecords>(&bytes).ok())
                        .filter(|f| f.stamp == stamp)
                        .map(|f| {
                            let mut records = f.records;
                            for r in records.values_mut() {
                                r.recorded = f.started;
                            }
                            records
                        })
                        .unwrap_or_default()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    parts.into_iter().flatten().collect()
}

/// Writes `value` as JSON to `path` atomically (a temporary file renamed).
fn write_json(path: &Path, value: &impl Serialize) -> Result<(), String> {
    write_bytes(path, serde_json::to_vec(value).map_err(|e| e.to_string())?)
}

/// Writes `bytes` to `path` atomically (a temporary file renamed).
fn write_bytes(path: &Path, bytes: Vec<u8>) -> Result<(), String> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}

/// The regular files below `dir` (at most `depth` levels), sorted by their
/// `/`-separated relative path, with their metadata. `DirEntry::metadata`
/// stats relative to the open folder, much cheaper than a full path each.
fn files_below(dir: &Path, depth: usize) -> std::io::Result<Vec<(String, PathBuf, std::fs::Metadata)>> {
    files_listed(std::fs::read_dir(dir)?.collect::<Result<_, _>>()?, depth)
}

/// [`files_below`] a folder whose entries were listed already.
fn files_listed(
    mut entries: Vec<std::fs::DirEntry>,
    depth: usize,
) -> std::io::Result<Vec<(String, PathBuf, std::fs::Metadata)>> {
    let mut out = Vec::new();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if kind.is_file() {
            out.push((name, entry.path(), entry.metadata()?));
        } else if kind.is_dir() && depth > 1 {
            for (path, full, meta) in files_below(&entry.path(), depth - 1)? {
                out.push((format!("{name}/{path}"), full, meta));
            }
        }
    }
    Ok(out)
}

/// The key of a department-year's built files besides its inputs.
pub fn built_key(documents: bool, downloads: bool, years: &[u16]) -> u64 {
    let text = format!("{documents}/{downloads}/{years:?}");
    content_hash(text.as_bytes())
}

/// This gongkai: its version and the size and time of its executable, so a
/// rebuilt binary never trusts an older one's records.
fn tool_stamp() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| format!("{}:{}", m.len(), mtime_ns(&m)))
        .unwrap_or_default();
    format!("{} {exe}", env!("CARGO_PKG_VERSION"))
}

/// Everything shared by all department-years: the site's configuration,
/// code lists and theme (document templates and portal), by content.
fn site_fingerprint(config: &SiteConfig) -> u64 {
    let mut text = Vec::new();
    if let Some(file) = &config.file {
        text.extend_from_slice(&content_hash(&std::fs::read(file).unwrap_or_default()).to_le_bytes());
    }
    for dir in [&config.codes, &config.theme] {
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
            if entry.file_type().is_file() {
                text.extend_from_slice(entry.path().to_string_lossy().as_bytes());
                text.push(0);
                text.extend_from_slice(&content_hash(&std::fs::read(entry.path()).unwrap_or_default()).to_le_bytes());
            }
        }
    }
    content_hash(&text)
}

/// A file's modification time in nanoseconds since the epoch (0 if unknown).
fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

fn slashed(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
