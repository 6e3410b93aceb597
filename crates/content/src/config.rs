//! The site configuration, `gongkai.toml` next to the content folder: what a
//! site says once about itself (its name, the body that publishes it, where
//! its theme and code-list additions are) instead of conventions and
//! environment variables. Every key is optional; a site without the file
//! builds exactly as one with the defaults. See `docs/config.md`.
//!
//! Run-time knobs that are about the machine, not the site, stay
//! environment variables (`GONGKAI_THREADS`, `GONGKAI_PREFETCH`,
//! `GONGKAI_TIMINGS`).

use gongkai_model::diag::{self, Diagnostics, Loc};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use gongkai_model::config::{DEFAULT_TITLE, FILE_NAME, SiteConfig, site_root};

/// The file as written: every key optional, none unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    publisher: Option<String>,
    contact: Option<String>,
    base_url: Option<String>,
    theme: Option<PathBuf>,
    codes: Option<PathBuf>,
    check: Option<CheckRaw>,
}

/// `[check]`: which kinds of rule run.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckRaw {
    proofreading: Option<bool>,
}

/// The keys the file may hold, for "did you mean".
const KEYS: [&str; 8] = [
    "title",
    "publisher",
    "contact",
    "base_url",
    "theme",
    "codes",
    "check",
    "proofreading",
];

/// Reads `gongkai.toml` next to `content` when there is one. A broken
/// file is an error in `diags` at its line and column (the defaults are
/// used meanwhile, so the content is still checked).
pub fn load(content: &Path, diags: &mut Diagnostics) -> SiteConfig {
    let root = site_root(content);
    let path = root.join(FILE_NAME);
    let text = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return SiteConfig::defaults(content),
        Err(e) => {
            let file: Arc<Path> = Arc::from(diag::display_path(&path).as_path());
            diags.error(
                "config",
                Loc::file_start(&file),
                format!("cannot read {FILE_NAME}: {e}"),
            );
            return SiteConfig::defaults(content);
        }
    };
    let mut config = SiteConfig::defaults(content);
    config.file = Some(path.clone());
    let file: Arc<Path> = Arc::from(diag::display_path(&path).as_path());
    let Ok(text) = String::from_utf8(text) else {
        diags
            .error("config", Loc::file_start(&file), format!("{FILE_NAME} is not UTF-8"))
            .help = Some("save it as UTF-8 (in Notepad: 另存为, 编码 UTF-8)".into());
        return config;
    };
    diags.add_source(file.clone(), Arc::from(text.as_str()));
    let raw: Raw = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            report(&file, &text, &e, diags);
            return config;
        }
    };
    let resolve = |p: PathBuf| if p.is_absolute() { p } else { root.join(p) };
    if let Some(title) = raw.title.filter(|t| !t.trim().is_empty()) {
        config.title = title.trim().to_string();
    }
    config.publisher = raw.publisher.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    config.contact = raw.contact.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    config.base_url = match raw.base_url.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()) {
        Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
            let at = locate(&file, &text, "base_url").unwrap_or_else(|| Loc::file_start(&file));
            diags
                .error("config", at, format!("base_url `{url}` is not an http(s) address"))
                .help = Some("write the full address, e.g. base_url = \"https://czj.example.gov.cn/yusuan/\"".into());
            None
        }
        Some(url) if url.ends_with('/') => Some(url),
        Some(url) => Some(url + "/"),
        None => None,
    };
    if let Some(check) = raw.check {
        config.proofreading = check.proofreading.unwrap_or(true);
    }
    for (key, given, target) in [
        ("theme", raw.theme, &mut config.theme),
        ("codes", raw.codes, &mut config.codes),
    ] {
        let Some(dir) = given.map(resolve) else { continue };
        if !dir.is_dir() {
            let at = locate(&file, &text, key).unwrap_or_else(|| Loc::file_start(&file));
            diags.error("config", at, format!("{key} folder `{}` does not exist", dir.display()));
        }
        *target = dir;
    }
    config
}

/// A TOML error as a finding at its line and column.
fn report(file: &Arc<Path>, text: &str, e: &toml::de::Error, diags: &mut Diagnostics) {
    let span = e.span().unwrap_or(0..0);
    let loc = loc_of(file, text, span.start, span.end);
    let message = e.message().trim().to_string();
    let help = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .map(|field| match diag::closest(field, &KEYS) {
            Some(key) => format!("did you mean `{key}`? keys: {}", KEYS.join(", ")),
            None => format!("keys: {}", KEYS.join(", ")),
        });
    let d = diags.error("config", loc, format!("{FILE_NAME}: {message}"));
    d.help = help;
}

/// The position of a top-level key.
fn locate(file: &Arc<Path>, text: &str, key: &str) -> Option<Loc> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(key) {
            let start = offset + (line.len() - line.trim_start().len());
            return Some(loc_of(file, text, start, start + key.len()));
        }
        offset += line.len();
    }
    None
}

/// Line and character column of a byte range.
fn loc_of(file: &Arc<Path>, text: &str, start: usize, end: usize) -> Loc {
    let start = start.min(text.len());
    let before = text.get(..start).unwrap_or_default();
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text.get(line_start..start).unwrap_or_default().chars().count() as u32 + 1;
    let len = text.get(start..end.min(text.len())).unwrap_or_default().chars().count() as u32;
    Loc {
        file: file.clone(),
        line,
        column,
        len,
    }
}
