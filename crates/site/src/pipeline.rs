//! The one pipeline: every command (build, check, serve, diff, facts,
//! tables, rollover, import's re-check) and the tests run content through
//! it. Department-years are loaded, derived, checked, rendered and written
//! one at a time on every core ([`check_department`] is one department-year's
//! part), and only a slim summary of each is kept for the site-level pages, so
//! memory stays bounded by the department-years in flight, not by the size
//! of the site. Where the results go (nowhere, the output folder, memory) is
//! a parameter ([`Target`]), not another copy of the pipeline.
//!
//! Results are gathered in folder order, so output and findings are the same
//! whatever the number of threads.

use crate::build::{Staging, WriteStats};
use crate::cache::{self, Cache, Inputs, Record};
use crate::{Error, prefetch};
use gongkai_content::load::{self, Files};
use gongkai_derive::{derive, facts, prose};
use gongkai_model::codes::SiteCodes;
use gongkai_model::config::SiteConfig;
use gongkai_model::diag::{self, Diagnostics, Severity};
use gongkai_model::identity::Identity;
use gongkai_model::par;
use gongkai_portal::{self as portal, Portal, YearsOf};
use gongkai_render::Checked;
use gongkai_render::narrative::Narrator;
use gongkai_render::output::{BuiltFile, OutputFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What one department-year produced.
struct Done {
    diags: Diagnostics,
    summary: Option<portal::Summary>,
    /// Its search entry when worked out (a reused one stays in the cache
    /// until the index needs it).
    search: Option<portal::search::SearchDoc>,
    search_key: Option<cache::SearchKey>,
    /// Taken from the cache rather than worked out.
    reused: bool,
    /// The checked department-year, when the run keeps them.
    checked: Option<Checked>,
    /// Which department-year it is, when its unit.yaml reads.
    identity: Option<Identity>,
}

/// Which outputs a build writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outputs {
    /// The documents (Markdown and .docx).
    pub documents: bool,
    /// The downloads of each department-year (CSV, .xlsx, JSON).
    pub downloads: bool,
}

impl Outputs {
    /// Documents, pages and downloads: a full build.
    pub const ALL: Outputs = Outputs {
        documents: true,
        downloads: true,
    };
    /// The portal's pages only (the like-for-like comparison with Hugo).
    pub const PAGES: Outputs = Outputs {
        documents: false,
        downloads: false,
    };
}

/// Where a run's outputs go.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// Nowhere: the findings are the result (`check`).
    Check,
    /// The output folder: its spare generation is brought up to date and
    /// swapped in at once, and nothing is written when there is an error.
    Folder(&'a Path),
    /// Memory: every file of the site comes back in [`Report::files`].
    Memory,
}

/// How to run the pipeline over a content folder.
pub struct Options<'a> {
    /// Where the outputs go.
    pub target: Target<'a>,
    /// Which outputs a build writes.
    pub outputs: Outputs,
    /// Skip department-years whose files did not change since the last run,
    /// and record this run (see [`cache`](crate::cache)).
    pub use_cache: bool,
    /// Return every department-year's checked model in [`Report::checked`]
    /// (none is then taken from the cache).
    pub keep_checked: bool,
    /// Called with (done, total) after each department-year.
    pub progress: &'a (dyn Fn(usize, usize) + Sync),
    /// Where the cache lives, when not at [`cache::location`] (`serve` keeps
    /// its own beside its preview).
    pub cache_file: Option<&'a Path>,
    /// A draft build: department-years with errors are rendered too, with
    /// their findings marked (see [`draft`](crate::draft)), and the output is
    /// written whatever the errors. Only ever into a draft folder.
    pub draft: bool,
}

fn no_progress(_: usize, _: usize) {}

impl<'a> Options<'a> {
    /// `check`: findings only, with the cache.
    pub fn check() -> Self {
        Options {
            target: Target::Check,
            outputs: Outputs::ALL,
            use_cache: true,
            keep_checked: false,
            progress: &no_progress,
            cache_file: None,
            draft: false,
        }
    }

    /// `build` into `output`, with the cache.
    pub fn build(output: &'a Path) -> Self {
        Options {
            target: Target::Folder(output),
            ..Options::check()
        }
    }

    /// The whole site in memory, every department-year checked anew and kept
    /// (`diff`, `facts`, `tables`, tests).
    pub fn memory() -> Self {
        Options {
            target: Target::Memory,
            use_cache: false,
            keep_checked: true,
            ..Options::check()
        }
    }

    /// Every department-year checked anew and kept, nothing rendered beyond
    /// the document (`facts`, `tables`).
    pub fn checked() -> Self {
        Options {
            use_cache: false,
            keep_checked: true,
            ..Options::check()
        }
    }
}

/// How a run went.
#[derive(Debug, Default)]
pub struct Report {
    /// Every finding, of the site and of each department-year.
    pub diags: Diagnostics,
    /// Department-years found (folders with a unit.yaml).
    pub found: usize,
    /// Files written or kept, when building into a folder.
    pub stats: Option<WriteStats>,
    /// Department-years taken from the cache.
    pub reused: usize,
    /// The checked department-years in folder order, when kept (those whose
    /// files have errors are missing).
    pub checked: Vec<Checked>,
    /// Every output file, sorted by path, for [`Target::Memory`] (empty when
    /// there is an error).
    pub files: Vec<OutputFile>,
    /// Department-years the last build published that this one does not
    /// (address, name), when building into a folder.
    pub gone: Vec<(String, String)>,
}

/// What every department-year of a site shares: its configuration, the
/// code lists it adds and the narrative templates of its theme.
pub struct Settings {
    /// The site's `gongkai.toml`, defaults filled in.
    pub config: SiteConfig,
    /// The site's code-list additions (`content/codes/`).
    pub site_codes: SiteCodes,
    /// The sentence templates, with the site's overrides.
    pub narrator: Narrator,
}

impl Settings {
    /// The settings of the site whose content folder is `content`; problems
    /// with the site's code lists go to `diags`.
    pub fn of_site(content: &Path, diags: &mut Diagnostics) -> Result<Settings, Error> {
        let config = gongkai_content::config::load(content, diags);
        Ok(Settings {
            site_codes: SiteCodes::load(&config.codes, diags),
            narrator: Narrator::new(Some(&config.theme.join("document")))?,
            config,
        })
    }
}

/// One department-year through load → derive → check → facts → document →
/// prose checks: the part of the pipeline every department-year goes
/// through, whatever the command. `files` are its files (a folder, or named
/// files in memory, with `dir` the folder they would be in). `None` when its
/// files cannot be loaded or have errors: a dropped value would only
/// cascade into misleading total errors, so one note says its relations were
/// not checked.
pub fn check_department(files: Files<'_>, dir: &Path, settings: &Settings, diags: &mut Diagnostics) -> Option<Checked> {
    department_step(files, dir, settings, diags, false)
}

/// [`check_department`], and for a draft, past load errors: a department-year
/// whose files have errors is still derived and rendered from what loaded
/// (what derivation would say of a model with dropped values is not
/// reported: it would only mislead), so its reviewers see it.
fn department_step(
    files: Files<'_>,
    dir: &Path,
    settings: &Settings,
    diags: &mut Diagnostics,
    draft: bool,
) -> Option<Checked> {
    let before = diags.count(Severity::Error);
    let disclosure = load::load(files, dir, &settings.site_codes, diags)?;
    if diags.count(Severity::Error) > before {
        diags.note(
            "not-derived",
            disclosure.unit.loc.clone(),
            "tables and relations of this department-year were not checked: fix the errors in its files first",
        );
        if !draft {
            return None;
        }
        return Some(derive_and_render(disclosure, dir, settings, &mut Diagnostics::new()));
    }
    Some(derive_and_render(disclosure, dir, settings, diags))
}

/// The stages after loading: derive, check, facts, document, prose rules.
fn derive_and_render(
    disclosure: gongkai_model::disclosure::Disclosure,
    dir: &Path,
    settings: &Settings,
    diags: &mut Diagnostics,
) -> Checked {
    folder_names(dir, &disclosure.unit, diags);
    let derived = derive::derive(&disclosure, diags);
    gongkai_derive::check::check(&disclosure, &derived, diags);
    prose::check_literals(&disclosure, diags);
    if settings.config.proofreading {
        gongkai_derive::proofread::check(&disclosure, diags);
    }
    let facts = facts::Facts::build(&disclosure, &derived);
    let document = gongkai_render::document::render(&disclosure, &derived, &facts, &settings.narrator, diags);
    if let Some(doc) = &document {
        prose::check_reasons(&disclosure, &doc.sections, diags);
    }
    Checked {
        disclosure,
        derived,
        facts,
        document,
        draft: None,
    }
}

/// A folder whose name disagrees with its unit.yaml (`2022/101 - 副本`, or
/// `2022/101` holding `year: 2023`) is most often a copy or a slip: a
/// warning says so. The folder's own name should be the department's (or
/// unit's) code, and a year among its two parents the year.
fn folder_names(dir: &Path, unit: &gongkai_model::disclosure::Unit, diags: &mut Diagnostics) {
    let name = |p: Option<&Path>| p.and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let Some(own) = name(Some(dir)) else { return };
    let code = match &unit.scope {
        gongkai_model::identity::Scope::Department => &unit.code,
        gongkai_model::identity::Scope::Unit(unit_code) => unit_code,
    };
    if &own != code {
        diags
            .warning(
                "folder-name",
                unit.loc.clone(),
                format!("the folder is named `{own}` but unit.yaml says code {code}: is it a copy of another folder?"),
            )
            .help = Some(format!(
            "name the folder `{code}`, or correct `code` in its unit.yaml; a copy that is not meant to be published must leave the content folder"
        ));
    }
    for parent in [dir.parent(), dir.parent().and_then(Path::parent)] {
        let Some(year) = name(parent)
            .and_then(|n| n.parse::<u16>().ok())
            .filter(|y| (1990..=2100).contains(y))
        else {
            continue;
        };
        if year != unit.year {
            diags
                .warning(
                    "folder-name",
                    unit.loc.clone(),
                    format!("the folder is under `{year}` but unit.yaml says year {}", unit.year),
                )
                .help = Some(format!(
                "correct `year` in unit.yaml, or move the folder under `{}`",
                unit.year
            ));
        }
        break;
    }
}

/// Where the files of a run go while it runs.
enum Writer {
    Folder(Staging),
    Memory(Mutex<BTreeMap<PathBuf, Vec<u8>>>),
}

impl Writer {
    /// Writes a file; its content hash.
    fn put(&self, file: &OutputFile) -> Result<u64, Error> {
        match self {
            Writer::Folder(staging) => staging.put(file),
            Writer::Memory(files) => {
                let hash = gongkai_render::output::content_hash(&file.bytes);
                files
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(file.path.clone(), file.bytes.clone());
                Ok(hash)
            }
        }
    }

    /// Keeps files of the last build as they are; `false` when it cannot.
    fn keep(&self, files: &[BuiltFile]) -> Result<bool, Error> {
        match self {
            Writer::Folder(staging) => staging.keep(files),
            Writer::Memory(_) => Ok(false),
        }
    }

    /// A file of the last build, when it still holds `hash`.
    fn read_published(&self, key: &str, hash: u64) -> Option<Vec<u8>> {
        match self {
            Writer::Folder(staging) => staging.read_published(key, hash),
            Writer::Memory(_) => None,
        }
    }

    fn abandon(self) {
        if let Writer::Folder(staging) = self {
            staging.abandon();
        }
    }

    /// Finishes the run's output: the folder swapped in, or the files.
    fn commit(self, report: &mut Report) -> Result<(), Error> {
        match self {
            Writer::Folder(staging) => report.stats = Some(staging.commit()?),
            Writer::Memory(files) => {
                report.files = files
                    .into_inner()
                    .unwrap_or_else(|e| e.into_inner())
                    .into_iter()
                    .map(|(path, bytes)| OutputFile { path, bytes })
                    .collect();
            }
        }
        Ok(())
    }
}

/// Runs the pipeline over every department-year of `content`: checks
/// them, and builds the site where [`Options::target`] says. Nothing is
/// written when any department-year has an error. With
/// [`Options::use_cache`], department-years whose files did not change since
/// the last run are not loaded or rendered again (see
/// [`cache`](crate::cache)).
pub fn run(content: &Path, options: &Options) -> Result<Report, Error> {
    let timer = Timer::from_env();
    let mut site_diags = Diagnostics::new();
    let settings = Settings::of_site(content, &mut site_diags)?;
    let building = !matches!(options.target, Target::Check);
    let portal = match building {
        true => Some(Portal::new(&settings.config).map_err(|e| Error::Portal(e.to_string()))?),
        false => None,
    };
    let cache_path = options
        .cache_file
        .map_or_else(|| cache::location(content), Path::to_path_buf);
    let cache = Cache::open_at(
        content,
        &settings.config,
        (options.use_cache && !options.keep_checked).then(|| cache_path.clone()),
    );
    timer.lap("site codes, theme, cache read");
    // The department-year folders, each with its fingerprint (from the
    // entries the search listed) and its unit; the units tell which years
    // each department publishes, which its pages link to. Without a cache
    // (`--no-cache`) a check needs neither: nothing is recorded and no page
    // links years.
    let fingerprint = cache.enabled();
    let units_needed = fingerprint || building;
    let search = load::find_disclosures_with(content, |dir, entries| {
        let key = cache.key(dir);
        let inputs = fingerprint.then(|| cache.inputs_listed(&key, entries).ok()).flatten();
        let previous = inputs.as_ref().and_then(|i| cache.lookup(&key, i));
        let recorded = previous.is_some();
        let unit = match previous {
            Some(record) => record.unit.clone(),
            None if units_needed => load::peek_unit(dir).map(|u| u.identity()),
            None => None,
        };
        Scanned {
            key,
            inputs,
            recorded,
            unit,
        }
    })?;
    for stray in &search.strays {
        stray.report(&mut site_diags);
    }
    for slip in &search.misnamed {
        slip.report(&mut site_diags);
    }
    for leftover in &search.leftovers {
        load::report_leftover(leftover, &mut site_diags);
    }
    let (dirs, scanned): (Vec<PathBuf>, Vec<Scanned>) = search.found.into_iter().unzip();
    timer.lap("find and fingerprint folders");
    let years_of: YearsOf = portal::years_of(scanned.iter().filter_map(|s| s.unit.as_ref()));
    let writer = match options.target {
        Target::Check => None,
        Target::Folder(out) => {
            crate::draft::guard(out, options.draft)?;
            Some(Writer::Folder(Staging::begin(out)?))
        }
        Target::Memory => Some(Writer::Memory(Mutex::default())),
    };
    let context = Context {
        settings: &settings,
        portal: portal.as_ref(),
        years_of: &years_of,
        writer: writer.as_ref(),
        outputs: options.outputs,
        cache: &cache,
        entries: building,
        keep_checked: options.keep_checked,
        draft: options.draft,
    };
    let jobs: Vec<(&PathBuf, &Scanned)> = dirs.iter().zip(&scanned).collect();
    // The folders to be loaded (not answered by the cache) are read ahead
    // of the workers.
    let to_load: Vec<Option<&Path>> = jobs
        .iter()
        .map(|(dir, s)| (!s.recorded).then_some(dir.as_path()))
        .collect();
    let ahead = prefetch::Progress::default();
    let done = prefetch::around(&to_load, &ahead, || {
        par::map(
            &jobs,
            &|done, total| {
                ahead.set(done);
                (options.progress)(done, total);
            },
            |(dir, scanned)| department_or_cached(dir, scanned, &context),
        )
    });
    timer.lap("department-years");
    let done = match done {
        Ok(done) => done,
        Err(e) => {
            if let Some(w) = writer {
                w.abandon();
            }
            return Err(e);
        }
    };
    let mut report = Report {
        diags: site_diags,
        found: dirs.len(),
        ..Report::default()
    };
    let mut summaries = Vec::new();
    let mut searches = Vec::new();
    let mut claimed: BTreeMap<Identity, Vec<&PathBuf>> = BTreeMap::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for ((done, dir), scanned) in done.into_iter().zip(&dirs).zip(&scanned) {
        if let Some(identity) = done.identity.clone().or_else(|| scanned.unit.clone()) {
            if let Some(summary) = &done.summary {
                names.insert(identity.slashed(), summary.name.clone());
            }
            claimed.entry(identity).or_default().push(dir);
        }
        report.diags.extend(done.diags);
        report.reused += usize::from(done.reused);
        summaries.extend(done.summary);
        report.checked.extend(done.checked);
        if let Some(key) = done.search_key {
            searches.push((dir, key, done.search));
        }
    }
    duplicates(&claimed, &mut report.diags);
    let finish = |report: &mut Report, cache: Cache| {
        if let Err(reason) = cache.save() {
            report.diags.warning(
                "cache-not-saved",
                diag::Loc::file_start(&std::sync::Arc::from(cache_path.as_path())),
                format!("the build cache could not be saved ({reason}); the next run will not be faster"),
            );
        }
    };
    let (Some(writer), Some(mut portal)) = (writer, portal) else {
        finish(&mut report, cache);
        return Ok(report);
    };
    if report.diags.has_errors() && !options.draft {
        writer.abandon();
        finish(&mut report, cache);
        return Ok(report);
    }
    if options.draft && report.diags.has_errors() {
        portal.set_draft(report.diags.count(Severity::Error));
    }
    // From here on only the cache and the shared settings are needed.
    let context = Context {
        settings: &settings,
        portal: None,
        years_of: &years_of,
        writer: Some(&writer),
        outputs: options.outputs,
        cache: &cache,
        entries: building,
        keep_checked: false,
        draft: options.draft,
    };
    if let Writer::Folder(staging) = &writer {
        report.gone = staging
            .published_departments()
            .into_iter()
            .filter(|(path, _)| !names.contains_key(path))
            .collect();
    }
    let site = portal
        .site(&summaries, &years_of)
        .map_err(|e| Error::Portal(e.to_string()))
        .and_then(|mut files| {
            // What this build publishes, for the next one to compare with.
            let list: String = names.iter().map(|(path, name)| format!("{path}\t{name}\n")).collect();
            files.push(OutputFile {
                path: PathBuf::from(crate::build::PUBLISHED),
                bytes: list.into_bytes(),
            });
            if options.draft {
                files.push(crate::draft::marker(report.diags.count(Severity::Error)));
            }
            timer.lap("site pages, open data");
            files.extend(search_index(&searches, &context, &writer)?);
            timer.lap("search index");
            Ok(files)
        })
        .and_then(|files| files.iter().try_for_each(|file| writer.put(file).map(drop)));
    if let Err(e) = site {
        writer.abandon();
        finish(&mut report, cache);
        return Err(e);
    }
    timer.lap("site files written");
    finish(&mut report, cache);
    timer.lap("cache write");
    writer.commit(&mut report)?;
    timer.lap("commit (swap in)");
    Ok(report)
}

/// Two folders claiming one department-year (a Windows copy `101 - 副本`, a
/// mistyped `year:`) is an error at each one's unit.yaml naming the others:
/// otherwise the folder that sorts last would be published, silently.
fn duplicates(claimed: &BTreeMap<Identity, Vec<&PathBuf>>, diags: &mut Diagnostics) {
    for (identity, dirs) in claimed.iter().filter(|(_, dirs)| dirs.len() > 1) {
        for dir in dirs {
            let others: Vec<String> = dirs
                .iter()
                .filter(|d| d != &dir)
                .map(|d| format!("`{}`", diag::display_path(d).display()))
                .collect();
            let file: std::sync::Arc<Path> = std::sync::Arc::from(diag::display_path(&dir.join("unit.yaml")).as_path());
            diags
                .error(
                    "identity-duplicate",
                    diag::Loc::file_start(&file),
                    format!(
                        "{identity} is also published by {}: two folders cannot publish one department-year",
                        others.join(", ")
                    ),
                )
                .help = Some(
                "remove the copy, or correct `year`, `code`, `region`, `phase` or `scope` in the unit.yaml of the folder that is not this department-year".into(),
            );
        }
    }
}

/// The site's search index, patched from the last build's: only the files
/// where a changed department-year's entry differs are written (see
/// [`portal::search::index`]). When the last index cannot supply the
/// unchanged entries, they are worked out again and the index is built anew.
fn search_index(
    searches: &[(&PathBuf, cache::SearchKey, Option<portal::search::SearchDoc>)],
    cx: &Context,
    writer: &Writer,
) -> Result<Vec<OutputFile>, Error> {
    use portal::search::index::{self, Entry, Previous};
    let mut order: Vec<usize> = (0..searches.len()).collect();
    order.sort_by(|&a, &b| searches[a].1.url.cmp(&searches[b].1.url));
    let entries: Vec<Entry> = order
        .iter()
        .map(|&i| Entry {
            url: &searches[i].1.url,
            hash: searches[i].1.hash,
            doc: searches[i].2.as_ref(),
        })
        .collect();
    let read = |file: &BuiltFile| writer.read_published(&file.path, file.hash);
    let previous = cx.cache.previous_index().map(|state| Previous { state, read: &read });
    let patched = match index::update(previous, &entries) {
        Ok(update) if writer.keep(&update.keep)? => Some(update),
        _ => None,
    };
    let update = match patched {
        Some(update) => update,
        None => {
            // Work out the entries the cache does not hold, then build anew.
            let quiet = Context {
                portal: None,
                writer: None,
                keep_checked: false,
                ..*cx
            };
            let missing: Vec<(usize, &PathBuf)> = order
                .iter()
                .filter(|&&i| searches[i].2.is_none())
                .map(|&i| (i, searches[i].0))
                .collect();
            let worked: Vec<Option<portal::search::SearchDoc>> = par::map(&missing, &|_, _| {}, |(_, dir)| {
                Ok::<_, Error>(department(dir, &quiet)?.0.search)
            })?;
            let mut docs: Vec<Option<&portal::search::SearchDoc>> = searches.iter().map(|s| s.2.as_ref()).collect();
            for ((i, _), doc) in missing.iter().zip(&worked) {
                docs[*i] = doc.as_ref();
            }
            let hashes: Vec<u64> = docs.iter().map(|d| d.map_or(0, |d| d.hash())).collect();
            let entries: Vec<Entry> = order
                .iter()
                .filter_map(|&i| {
                    docs[i].map(|doc| Entry {
                        url: &doc.url,
                        hash: hashes[i],
                        doc: Some(doc),
                    })
                })
                .collect();
            index::update(None, &entries).map_err(|_| Error::Portal("search index: an entry is missing".into()))?
        }
    };
    cx.cache.set_index(update.state);
    Ok(update
        .write
        .into_iter()
        .map(|(path, bytes)| OutputFile {
            path: PathBuf::from(path),
            bytes,
        })
        .collect())
}

/// Wall time (and resident memory) of each phase on standard error when
/// `GONGKAI_TIMINGS` is set: the profile behind the benchmark figures.
struct Timer(Option<std::cell::Cell<std::time::Instant>>);

impl Timer {
    fn from_env() -> Timer {
        Timer(std::env::var_os("GONGKAI_TIMINGS").map(|_| std::cell::Cell::new(std::time::Instant::now())))
    }

    fn lap(&self, phase: &str) {
        if let Some(start) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!(
                "{:9.1} ms  {phase}{}",
                (now - start.get()).as_secs_f64() * 1000.0,
                memory().unwrap_or_default()
            );
            start.set(now);
        }
    }
}

/// The resident memory now and at its peak so far (Linux), for the timings.
fn memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb / 1024)
    };
    Some(format!(
        "  (RSS {} MiB, peak {} MiB)",
        field("VmRSS:")?,
        field("VmHWM:")?
    ))
}

/// A department-year folder's fingerprint and unit, before any work on it.
struct Scanned {
    key: String,
    /// `None` when its files could not be read (it is then loaded, which
    /// reports why), or when the cache is off.
    inputs: Option<Inputs>,
    /// The cache holds a record of these inputs (the folder is likely not
    /// loaded at all).
    recorded: bool,
    /// Which department-year it is, when `unit.yaml` reads (`None` also
    /// when a check without cache has no use for it yet).
    unit: Option<Identity>,
}

/// What every department-year of a run shares.
#[derive(Clone, Copy)]
struct Context<'a> {
    settings: &'a Settings,
    portal: Option<&'a Portal>,
    years_of: &'a YearsOf,
    writer: Option<&'a Writer>,
    outputs: Outputs,
    cache: &'a Cache,
    /// Work out each department-year's site summary and search entry (a
    /// build's index pages need them; a check does not, and a build never
    /// reuses a record without built files).
    entries: bool,
    /// Keep each department-year's checked model.
    keep_checked: bool,
    /// A draft build (see [`Options::draft`]).
    draft: bool,
}

/// A department-year from the cache when its record still holds, else
/// worked out and recorded.
fn department_or_cached(dir: &Path, scanned: &Scanned, cx: &Context) -> Result<Done, Error> {
    let building = cx.portal.is_some() && cx.writer.is_some();
    let built_key = scanned.unit.as_ref().map(|identity| {
        let years = cx.years_of.get(&identity.series()).map_or(&[][..], Vec::as_slice);
        cache::built_key(cx.outputs.documents, cx.outputs.downloads, years)
    });
    if let Some(inputs) = &scanned.inputs
        && let Some(record) = cx.cache.lookup(&scanned.key, inputs)
    {
        let diags = record.diagnostics(dir);
        // A draft renders a department-year with errors, so a record of one
        // is reused only with the files it built.
        let reusable = if !building || (diags.has_errors() && !cx.draft) {
            true
        } else {
            // The site's search index needs the entry of every department-year.
            let complete = record.summary.is_none() || record.search.is_some();
            match (&record.built, cx.writer) {
                (Some(built), Some(writer)) if complete && Some(built.key) == built_key => writer.keep(&built.files)?,
                _ => false,
            }
        };
        if reusable {
            cx.cache.reuse(&scanned.key);
            return Ok(Done {
                diags,
                summary: record.summary.clone(),
                search: None,
                search_key: record.search.clone(),
                reused: true,
                checked: None,
                identity: record.unit.clone(),
            });
        }
    }
    let (mut done, built) = department(dir, cx)?;
    done.diags.forget_unquoted_sources();
    if let Some(inputs) = &scanned.inputs {
        let mut record = Record::new(dir, inputs, scanned.unit.clone(), &done.diags);
        record.summary = done.summary.clone();
        record.search = done.search_key.clone();
        record.built = built.zip(built_key).map(|(files, key)| cache::Built { key, files });
        cx.cache.store(scanned.key.clone(), record);
    }
    Ok(done)
}

/// One department-year through [`check_department`], its files written
/// when building (and which: `None` when none), its summary and search
/// entry worked out when the site pages need them.
fn department(dir: &Path, cx: &Context) -> Result<(Done, Option<Vec<BuiltFile>>), Error> {
    let mut diags = Diagnostics::new();
    let checked = department_step(Files::Disk(dir), dir, cx.settings, &mut diags, cx.draft);
    let mut done = Done {
        diags,
        summary: None,
        search: None,
        search_key: None,
        reused: false,
        checked: None,
        identity: None,
    };
    let Some(mut checked) = checked else {
        return Ok((done, None));
    };
    done.identity = Some(checked.disclosure.unit.identity());
    if cx.draft
        && let Some(draft) = crate::draft::of(&done.diags)
    {
        if let Some(doc) = &mut checked.document {
            doc.markdown = gongkai_render::draft::mark(&doc.markdown, &draft);
            doc.marked = gongkai_render::draft::mark(&doc.marked, &draft);
        }
        checked.draft = Some(draft);
    }
    let mut built = None;
    if let (Some(portal), Some(writer)) = (cx.portal, cx.writer)
        && (cx.draft || !done.diags.has_errors())
    {
        let mut files: Vec<OutputFile> = if cx.outputs.documents {
            gongkai_render::document_files(&checked).map_err(|e| Error::Docx {
                path: checked.output_dir().join("disclosure.docx"),
                message: e.to_string(),
            })?
        } else {
            Vec::new()
        };
        files.extend(
            portal
                .department(&checked, cx.years_of, cx.outputs.downloads)
                .map_err(|e| Error::Portal(e.to_string()))?,
        );
        let mut written = Vec::with_capacity(files.len());
        for file in &files {
            let hash = writer.put(file)?;
            written.push(BuiltFile {
                path: file.path.to_string_lossy().replace('\\', "/"),
                hash,
                len: file.bytes.len() as u64,
            });
        }
        built = Some(written);
    }
    if cx.entries {
        let search = portal::search_doc(&checked);
        done.summary = Some(portal::Summary::of(&checked));
        done.search_key = Some(cache::SearchKey {
            url: search.url.clone(),
            hash: search.hash(),
        });
        done.search = Some(search);
    }
    if cx.keep_checked {
        done.checked = Some(checked);
    }
    Ok((done, built))
}
