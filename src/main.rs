//! The `gongkai` command line.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai_content::load::Files;
use gongkai_model::diag::Diagnostics;
use gongkai_site::pipeline::{self, Options, Outputs};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc rather than the system allocator: rendering a department-year
/// makes many short-lived strings on every core, where glibc's malloc spent
/// about a quarter of a build (see README, "Design decisions").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "部门预算公开: budget disclosures from YAML, every figure checked"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check, then render every department-year into the output folder:
    /// `<year>/<code>/disclosure.md` (and .docx). Nothing is written when
    /// any error is found; the new output replaces the old one at once.
    Build {
        /// The content folder.
        #[arg(default_value = "content")]
        dir: PathBuf,
        /// The output folder (default `output`, or `output-draft` for a draft).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write the portal's pages only: no documents, no downloads.
        #[arg(long)]
        pages_only: bool,
        /// A draft for reviewers: render every department-year even where
        /// there are errors, each error marked where it sits under a banner
        /// (草稿：N处错误，不得公开), into `output-draft/` (never the
        /// published output). Exits 1 when there are errors.
        #[arg(long)]
        draft: bool,
        /// Work out every department-year again, ignoring and not writing the
        /// cache of unchanged ones (`.gongkai-cache/` next to the content).
        #[arg(long)]
        no_cache: bool,
    },
    /// Scaffold a department-year with every file and field explained.
    New {
        /// Department code, e.g. 101.
        #[arg(long)]
        code: String,
        /// Department name.
        #[arg(long)]
        name: String,
        /// Budget year.
        #[arg(long)]
        year: u16,
        /// Government level: 省级 / 市级 / 县级 / 区级 / 乡镇级.
        #[arg(long, default_value = "市级")]
        level: String,
        /// Locality, e.g. 张家口市.
        #[arg(long)]
        locality: String,
        /// Province, e.g. 河北省.
        #[arg(long)]
        province: Option<String>,
        /// 区划代码 of the locality, e.g. 130208 (needed when a site holds several localities).
        #[arg(long)]
        region: Option<String>,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// Draft next year's department-year from this year's (DIR is e.g. content/2022/101).
    Rollover {
        dir: PathBuf,
        /// The new year (default: the next one).
        #[arg(long)]
        to: Option<u16>,
        /// Overwrite existing files.
        #[arg(long)]
        force: bool,
    },
    /// List what changed between two content folders (or `git:REV`): every
    /// figure, text and output.
    Diff {
        old: String,
        new: String,
        /// For `git:REV` sides: the content folder's path in the repository.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// Record the figure changes as a 更正说明 (corrections.yaml) in each
        /// changed department-year of NEW.
        #[arg(long)]
        write_corrections: bool,
    },
    /// Import a published disclosure (Word-export text, .docx, .xlsx or .pdf) into
    /// content/<identity path>/ (e.g. content/2023/130208/101/), keeping published
    /// totals as declared values and the published cells where its tables
    /// disagree in published.yaml. Exits 1 when the imported content has errors
    /// (it is written: correct them there), 2 when nothing was imported.
    Import {
        file: PathBuf,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// text, docx, xlsx or pdf (default: from the file's extension).
        #[arg(long)]
        format: Option<String>,
        /// 区划代码 of the department-year (e.g. 130208), instead of the one the
        /// document's names give.
        #[arg(long)]
        region: Option<String>,
        /// Replace the department-year's existing folder (its files the import
        /// does not write are removed with it).
        #[arg(long)]
        force: bool,
    },
    /// Preview the site locally: built into `.gongkai-serve/` next to the
    /// content (not `output/`), rebuilt on every change to content/ and
    /// themes/, open pages reloaded.
    Serve {
        /// The content folder.
        #[arg(default_value = "content")]
        dir: PathBuf,
        /// Address to bind; only this machine can connect by default.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
    },
    /// Load, derive and check a content folder; print every finding.
    Check {
        /// The content folder.
        #[arg(default_value = "content")]
        dir: PathBuf,
        /// Output format of the findings.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Check every department-year again, ignoring and not writing the
        /// cache of unchanged ones (`.gongkai-cache/` next to the content).
        #[arg(long)]
        no_cache: bool,
    },
    /// List the facts narrative text may quote, with their values, per department-year.
    Facts {
        #[arg(default_value = "content")]
        dir: PathBuf,
    },
    /// Print the derived tables of every department-year (as text, or JSON).
    Tables {
        #[arg(default_value = "content")]
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            dir,
            output,
            pages_only,
            no_cache,
            draft,
        } => {
            let output = output.unwrap_or_else(|| PathBuf::from(if draft { "output-draft" } else { "output" }));
            build(&dir, &output, pages_only, !no_cache, draft)
        }
        Command::Serve { dir, bind, port } => serve(dir, bind, port),
        Command::New {
            code,
            name,
            year,
            level,
            locality,
            province,
            region,
            content,
            force,
        } => new_department(
            gongkai_site::author::NewDepartment {
                code,
                name,
                year,
                level,
                province,
                locality,
                region,
            },
            &content,
            force,
        ),
        Command::Rollover { dir, to, force } => rollover(&dir, to, force),
        Command::Import {
            file,
            content,
            format,
            region,
            force,
        } => import(&file, &content, format.as_deref(), region, force),
        Command::Diff {
            old,
            new,
            content,
            write_corrections,
        } => diff(&old, &new, &content, write_corrections),
        Command::Check { dir, format, no_cache } => check(&dir, format, !no_cache),
        Command::Tables { dir, format } => tables(&dir, format),
        Command::Facts { dir } => facts(&dir),
    }
}

fn check(dir: &std::path::Path, format: Format, use_cache: bool) -> ExitCode {
    let progress = progress_bar();
    let options = Options {
        use_cache,
        progress: &progress,
        ..Options::check()
    };
    let report = match pipeline::run(dir, &options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let diags = &report.diags;
    match format {
        Format::Json => println!("{}", diags.render_json()),
        Format::Text => {
            print!("{}", diags.render_text());
            let found = report.found;
            if found == 0 {
                eprintln!(
                    "warning: no department-year in `{}` (a department-year is a folder with a unit.yaml; see docs/schema.md)",
                    dir.display()
                );
            }
            let reused = match report.reused {
                0 => String::new(),
                n => format!(", {n} unchanged since the last run"),
            };
            let summary = format!(
                "checked {found} department-year{}{reused}: {}",
                if found == 1 { "" } else { "s" },
                diags.summary()
            );
            if std::io::stderr().is_terminal() && diags.has_errors() {
                eprintln!("\x1b[1;31m{summary}\x1b[0m");
            } else {
                eprintln!("{summary}");
            }
        }
    }
    if diags.has_errors() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// A progress bar on a terminal for long runs; silent otherwise (CI, pipes).
fn progress_bar() -> impl Fn(usize, usize) + Sync {
    let bar = std::sync::OnceLock::<indicatif::ProgressBar>::new();
    let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    move |done, total| {
        if !interactive || total < 50 {
            return;
        }
        let bar = bar.get_or_init(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} department-years {eta}") {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done as u64);
        if done == total {
            bar.finish_and_clear();
        }
    }
}

fn build(dir: &std::path::Path, output: &std::path::Path, pages_only: bool, use_cache: bool, draft: bool) -> ExitCode {
    let progress = progress_bar();
    // A draft keeps its own cache: its records hold the files of
    // department-years with errors, which a build never publishes.
    let draft_cache = draft.then(|| {
        let mut path = gongkai_site::cache::location(dir);
        path.set_extension("draft.json");
        path
    });
    let options = Options {
        outputs: if pages_only { Outputs::PAGES } else { Outputs::ALL },
        use_cache,
        progress: &progress,
        draft,
        cache_file: draft_cache.as_deref(),
        ..Options::build(output)
    };
    let report = match pipeline::run(dir, &options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}; the previous output is unchanged");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report.diags.render_text());
    if draft {
        let Some(stats) = report.stats else {
            eprintln!("{}; nothing was written", report.diags.summary());
            return ExitCode::FAILURE;
        };
        eprintln!(
            "drafted {} department-year{} into {} for review: {} files written, {} unchanged ({}); a draft is never published",
            report.found,
            if report.found == 1 { "" } else { "s" },
            output.display(),
            stats.written,
            stats.unchanged,
            report.diags.summary()
        );
        return if report.diags.has_errors() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let Some(stats) = report.stats.filter(|_| !report.diags.has_errors()) else {
        eprintln!("{}; nothing was written", report.diags.summary());
        return ExitCode::FAILURE;
    };
    let reused = match report.reused {
        0 => String::new(),
        n => format!(", {n} unchanged since the last build"),
    };
    if !report.gone.is_empty() {
        eprintln!(
            "{} department-year{} published by the last build {} no longer in the content, and {} pages are removed:",
            report.gone.len(),
            if report.gone.len() == 1 { "" } else { "s" },
            if report.gone.len() == 1 { "is" } else { "are" },
            if report.gone.len() == 1 { "its" } else { "their" },
        );
        for (path, name) in &report.gone {
            eprintln!("  - {path}/ {name}");
        }
    }
    eprintln!(
        "built {} department-year{}{reused} into {}: {} files written, {} unchanged ({})",
        report.found,
        if report.found == 1 { "" } else { "s" },
        output.display(),
        stats.written,
        stats.unchanged,
        report.diags.summary()
    );
    ExitCode::SUCCESS
}

fn facts(dir: &std::path::Path) -> ExitCode {
    let (checked, diags) = match pipeline::run(dir, &Options::checked()) {
        Ok(report) => (report.checked, report.diags),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    for c in &checked {
        let u = &c.disclosure.unit;
        println!("== {} {}{}", u.year, u.code, u.name);
        for (id, fact) in c.facts.iter() {
            let cell = fact
                .cell
                .as_ref()
                .map(|r| format!("  [{} / {} / {}]", r.table.title(), r.row, r.column))
                .unwrap_or_default();
            println!("{id:<28} {:>12}  {}{cell}", fact.text(), fact.label);
        }
        println!();
    }
    if diags.has_errors() {
        eprint!("{}", diags.render_text());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn new_department(n: gongkai_site::author::NewDepartment, content: &std::path::Path, force: bool) -> ExitCode {
    let dir = content.join(n.folder());
    let result =
        gongkai_site::author::scaffold(&n).and_then(|files| gongkai_site::author::write_files(&dir, &files, force));
    match result {
        Ok(_) => {
            eprintln!(
                "created {}: fill in the figures, then run `gongkai check {}`",
                dir.display(),
                content.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn rollover(dir: &std::path::Path, to: Option<u16>, force: bool) -> ExitCode {
    // The content folder holds `<year>/<code>/`: its code lists and theme
    // apply to the department-year rolled over.
    let content = dir
        .parent()
        .and_then(|p| p.parent())
        .unwrap_or(std::path::Path::new("."));
    let mut diags = Diagnostics::new();
    let checked = match pipeline::Settings::of_site(content, &mut diags) {
        Ok(settings) => pipeline::check_department(Files::Disk(dir), dir, &settings, &mut diags),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(checked) = checked.filter(|_| !diags.has_errors()) else {
        eprint!("{}", diags.render_text());
        eprintln!(
            "error: `{}` cannot be rolled over: fix the errors above first (a department-year is a folder with a readable unit.yaml)",
            dir.display()
        );
        return ExitCode::FAILURE;
    };
    let from = checked.disclosure.unit.year;
    let to = to.unwrap_or(from + 1);
    let target = content;
    let mut identity = checked.disclosure.unit.identity();
    identity.year = to;
    let out = target.join(identity.path());
    let result = gongkai_site::author::rollover(&checked, to)
        .and_then(|files| gongkai_site::author::write_files(&out, &files, force));
    match result {
        Ok(_) => {
            eprintln!(
                "drafted {} from {from}: figures are last year's drafts, totals are derived again, {from} figures are in prior.yaml",
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `gongkai import`: exits 0 when the imported department-year checks
/// without errors, 1 when it was written but has errors (the user must see
/// and fix them), 2 when nothing was imported.
fn import(
    file: &std::path::Path,
    content: &std::path::Path,
    format: Option<&str>,
    region: Option<String>,
    force: bool,
) -> ExitCode {
    use gongkai_import::place::{Place, place};
    use gongkai_import::{Format, Given, RegionChoice};
    let nothing = ExitCode::from(2);
    let format = match format {
        None => Format::of(file),
        Some("text") => Format::Text,
        Some("docx") => Format::Docx,
        Some("xlsx") => Format::Xlsx,
        Some("pdf") => Format::Pdf,
        Some(other) => {
            eprintln!("error: unknown format `{other}`: text, docx, xlsx or pdf");
            return nothing;
        }
    };
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", file.display());
            return nothing;
        }
    };
    let given_region = region.is_some();
    let mut given = Given {
        region: region.map_or(RegionChoice::FromDocument, RegionChoice::Given),
    };
    let read = |given: &Given| {
        gongkai_import::import_with(&bytes, format, given)
            .map_err(|e| format!("{}: {e}; nothing was imported", file.display()))
    };
    let mut imported = match read(&given) {
        Ok(imported) => imported,
        Err(e) => {
            eprintln!("error: {e}");
            return nothing;
        }
    };
    let mut placed = place(content, &imported, given_region, force);
    if let Ok(Place::Follow { existing }) = &placed {
        eprintln!(
            "note: the site keeps {} {} in `{}`{}; the import follows it",
            imported.identity,
            imported.name,
            existing.dir.display(),
            match &existing.identity.region {
                None => " without a region".to_string(),
                Some(r) => format!(" with region {r}"),
            }
        );
        given.region = RegionChoice::Site(existing.identity.region.clone());
        imported = match read(&given) {
            Ok(imported) => imported,
            Err(e) => {
                eprintln!("error: {e}");
                return nothing;
            }
        };
        placed = place(content, &imported, true, force);
    }
    let (dir, replacing) = match placed {
        Ok(Place::Folder { dir, existing }) => (dir, existing),
        Ok(Place::Follow { existing }) => {
            eprintln!(
                "error: the site keeps this department-year in `{}` and the import cannot follow it; nothing was written",
                existing.dir.display()
            );
            return nothing;
        }
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            if let Some(line) = imported.region.unplaced() {
                eprintln!("  - {line}");
            }
            return nothing;
        }
    };
    let written = match gongkai_site::author::write_files(&dir, &imported.files, force) {
        Ok(written) => written,
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            return nothing;
        }
    };
    eprintln!(
        "imported {} as {} {} into {} ({} files)",
        file.display(),
        imported.identity,
        imported.name,
        dir.display(),
        imported.files.len()
    );
    if let Some(existing) = &replacing {
        eprintln!("replaced {} {}", existing.identity, existing.name);
    }
    if !written.dropped.is_empty() {
        eprintln!(
            "removed with the old folder (the import does not write them): {}",
            written.dropped.join(", ")
        );
    }
    if let Some(leftover) = &written.leftover {
        eprintln!(
            "warning: the old folder could not be removed: remove `{}` (it is not content)",
            leftover.display()
        );
    }
    if imported.published_cells > 0 {
        eprintln!(
            "the published tables disagree in {} cell{}: kept as printed in published.yaml, and reported by the check below",
            imported.published_cells,
            if imported.published_cells == 1 { "" } else { "s" }
        );
    }
    if !imported.unplaced.is_empty() {
        eprintln!("could not place {} item(s); add them by hand:", imported.unplaced.len());
        for item in &imported.unplaced {
            eprintln!("  - {item}");
        }
    }
    // What `gongkai check` reports for the department-year written: the
    // same pipeline, over the whole site (a duplicate identity shows too).
    let report = match pipeline::run(content, &Options::check()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!(
                "error: the imported content could not be checked: {e}; run `gongkai check {}`",
                content.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let own = gongkai_model::diag::display_path(&dir);
    let (mine, rest) = report
        .diags
        .partition(|d| gongkai_model::diag::display_path(&d.loc.file).starts_with(&own));
    print!("{}", mine.render_text());
    eprintln!("check of the imported department-year: {}", mine.summary());
    if rest.has_errors() {
        eprintln!(
            "the rest of `{}` has findings too ({}): `gongkai check {}` lists them",
            content.display(),
            rest.summary(),
            content.display()
        );
    }
    if mine.has_errors() {
        eprintln!(
            "error: the imported content has errors: it is written as published, correct it in `{}` and run `gongkai check`",
            dir.display()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// One side of a diff, checked and built in memory.
struct Side {
    /// A temporary export of a git revision, removed afterwards.
    tmp: Option<PathBuf>,
    checked: Vec<gongkai_render::Checked>,
    files: Vec<gongkai_render::output::OutputFile>,
}

fn diff(old: &str, new: &str, content: &std::path::Path, write_corrections: bool) -> ExitCode {
    let side = |name: &str| -> Result<Side, String> {
        let (dir, tmp) = gongkai_site::diff::resolve_side(name, content)?;
        let report = pipeline::run(&dir, &Options::memory()).map_err(|e| format!("{name}: {e}"))?;
        if report.diags.has_errors() {
            return Err(format!(
                "{}{name}: {}",
                report.diags.render_text(),
                report.diags.summary()
            ));
        }
        Ok(Side {
            tmp,
            checked: report.checked,
            files: report.files,
        })
    };
    let (a, b) = match (side(old), side(new)) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let changes = gongkai_site::diff::diff(&a.checked, &b.checked, &a.files, &b.files);
    for tmp in [&a.tmp, &b.tmp].into_iter().flatten() {
        let _ = std::fs::remove_dir_all(tmp);
    }
    let (figures, outputs): (Vec<_>, Vec<_>) = changes
        .iter()
        .partition(|c| !matches!(c, gongkai_site::diff::Change::Output { .. }));
    for c in &figures {
        println!("{c}");
    }
    for c in &outputs {
        println!("{c}");
    }
    eprintln!("{} changes of content, {} outputs change", figures.len(), outputs.len());
    if write_corrections {
        if b.tmp.is_some() {
            eprintln!("error: --write-corrections needs NEW to be a content folder, not a git revision");
            return ExitCode::FAILURE;
        }
        for c in &b.checked {
            let label = gongkai_site::diff::unit_label(c);
            let mine: Vec<&gongkai_site::diff::Change> = figures
                .iter()
                .copied()
                .filter(|ch| match ch {
                    gongkai_site::diff::Change::Cell { unit, .. } | gongkai_site::diff::Change::Fact { unit, .. } => {
                        *unit == label
                    }
                    _ => false,
                })
                .collect();
            if mine.is_empty() {
                continue;
            }
            let path = c.disclosure.dir.join("corrections.yaml");
            let existing = std::fs::read_to_string(&path).ok();
            let text = gongkai_site::diff::corrections_yaml(existing.as_deref(), &gongkai_site::diff::today(), &mine);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            eprintln!("wrote {}: review the note before republishing", path.display());
        }
    }
    ExitCode::SUCCESS
}

fn serve(dir: PathBuf, bind: std::net::IpAddr, port: u16) -> ExitCode {
    if !bind.is_loopback() {
        eprintln!("warning: serving on {bind}: other machines can reach this preview");
    }
    match gongkai_site::serve::serve(&dir, (bind, port).into()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn tables(dir: &std::path::Path, format: Format) -> ExitCode {
    let (checked, diags) = match pipeline::run(dir, &Options::checked()) {
        Ok(report) => (report.checked, report.diags),
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if diags.has_errors() {
        eprint!("{}", diags.render_text());
        eprintln!("{}", diags.summary());
        return ExitCode::FAILURE;
    }
    for c in &checked {
        let u = &c.disclosure.unit;
        match format {
            Format::Json => println!(
                "{}",
                serde_json::to_string_pretty(&c.derived.tables).unwrap_or_default()
            ),
            Format::Text => {
                for t in &c.derived.tables {
                    println!("== {} {}{} {}", u.year, u.code, u.name, t.title);
                    println!("{}", t.columns.join(" | "));
                    for row in &t.rows {
                        let cells: Vec<String> = row.cells.iter().map(|c| c.display()).collect();
                        println!("{}", cells.join(" | "));
                    }
                    if let Some(note) = &t.note {
                        println!("{note}");
                    }
                    println!();
                }
            }
        }
    }
    ExitCode::SUCCESS
}
