//! The `gongkai` command line.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::diag::Diagnostics;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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
        /// The output folder.
        #[arg(short, long, default_value = "output")]
        output: PathBuf,
    },
    /// Serve the site locally, rebuilding on changes to content/ and themes/.
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
        Command::Build { dir, output } => build(&dir, &output),
        Command::Serve { dir, bind, port } => serve(dir, bind, port),
        Command::Check { dir, format } => check(&dir, format),
        Command::Tables { dir, format } => tables(&dir, format),
        Command::Facts { dir } => facts(&dir),
    }
}

fn check(dir: &std::path::Path, format: Format) -> ExitCode {
    let mut diags = Diagnostics::new();
    let checked = match gongkai::check_site(dir, &mut diags) {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Json => println!("{}", diags.render_json()),
        Format::Text => {
            print!("{}", diags.render_text());
            let color = std::io::stderr().is_terminal();
            let found = gongkai::load::find_disclosures(dir).map_or(checked.len(), |d| d.len());
            if found == 0 {
                eprintln!(
                    "warning: no department-year in `{}` (a department-year is a folder with a unit.yaml; see docs/schema.md)",
                    dir.display()
                );
            }
            let summary = format!(
                "checked {found} department-year{}: {}",
                if found == 1 { "" } else { "s" },
                diags.summary()
            );
            if color && diags.has_errors() {
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

fn build(dir: &std::path::Path, output: &std::path::Path) -> ExitCode {
    let mut diags = Diagnostics::new();
    let checked = match gongkai::check_site(dir, &mut diags) {
        Ok(checked) => checked,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", diags.render_text());
    if diags.has_errors() {
        eprintln!("{}; nothing was written", diags.summary());
        return ExitCode::FAILURE;
    }
    let files = match gongkai::build::site_files(&checked, dir) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}; the previous output is unchanged");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = gongkai::build::write_atomically(output, &files) {
        eprintln!("error: {e}; the previous output is unchanged");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "built {} department-year{} into {}: {} files ({})",
        checked.len(),
        if checked.len() == 1 { "" } else { "s" },
        output.display(),
        files.len(),
        diags.summary()
    );
    ExitCode::SUCCESS
}

fn facts(dir: &std::path::Path) -> ExitCode {
    let mut diags = Diagnostics::new();
    let checked = match gongkai::check_site(dir, &mut diags) {
        Ok(checked) => checked,
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

fn serve(dir: PathBuf, bind: std::net::IpAddr, port: u16) -> ExitCode {
    if !bind.is_loopback() {
        eprintln!("warning: serving on {bind}: other machines can reach this preview");
    }
    let themes = dir.parent().unwrap_or(std::path::Path::new("")).join("themes");
    let watch = vec![dir.clone(), themes];
    let builder = move || {
        let mut diags = Diagnostics::new();
        let checked = gongkai::check_site(&dir, &mut diags).map_err(|e| format!("error: {e}"))?;
        if diags.has_errors() {
            return Err(format!("{}{}", diags.render_text(), diags.summary()));
        }
        gongkai::build::site_files(&checked, &dir).map_err(|e| format!("error: {e}"))
    };
    match gongkai::serve::serve((bind, port).into(), watch, Box::new(builder)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot serve on {bind}:{port}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn tables(dir: &std::path::Path, format: Format) -> ExitCode {
    let mut diags = Diagnostics::new();
    let checked = match gongkai::check_site(dir, &mut diags) {
        Ok(checked) => checked,
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
