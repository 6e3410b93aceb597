//! The site: everything that works on a whole content folder.
//!
//! - [`pipeline`]: the one pipeline (load → derive → check → render → write)
//!   every command runs;
//! - [`build`]: the output folder, brought up to date and swapped in at once;
//! - [`cache`]: what each department-year produced last time;
//! - [`prefetch`]: reading content ahead of the workers;
//! - [`serve`]: the local preview;
//! - [`diff`]: what a correction changes;
//! - [`draft`]: the draft build, errors marked where they sit;
//! - [`author`]: `new` and `rollover`;
//! - [`folder`]: a department-year folder written all or nothing (`import`,
//!   `new`, `rollover`).

pub mod author;
pub mod build;
pub mod cache;
pub mod diff;
pub mod draft;
pub mod folder;
pub mod pipeline;
pub mod prefetch;
pub mod serve;

use std::path::PathBuf;

/// What stops a run altogether (as opposed to findings in the content).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Load(#[from] gongkai_content::load::LoadError),
    #[error(transparent)]
    Template(#[from] gongkai_render::narrative::TemplateError),
    #[error("cannot write `{path}`: {message}")]
    Docx { path: PathBuf, message: String },
    #[error("portal: {0}")]
    Portal(String),
    /// A draft build aimed at a published output, or a build at a draft.
    #[error("`{path}` {reason}")]
    NotForDrafts {
        /// The output folder.
        path: PathBuf,
        /// What it holds and why that stops the build.
        reason: &'static str,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `path` made absolute (against the working directory), or `fallback`
/// when that cannot be done.
fn absolute_or(path: &std::path::Path, fallback: &std::path::Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| fallback.to_path_buf())
}
