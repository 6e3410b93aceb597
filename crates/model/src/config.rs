//! The site configuration as every stage sees it: what a site says once
//! about itself in `gongkai.toml` (read, with located errors, by
//! `gongkai-content`'s `config::load`). See `docs/config.md`.

use std::path::{Path, PathBuf};

/// The file's name, in the folder that holds the content folder.
pub const FILE_NAME: &str = "gongkai.toml";

/// The portal's name when the site does not give one.
pub const DEFAULT_TITLE: &str = "部门预算公开";

/// A site's configuration, with defaults filled in and paths resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteConfig {
    /// The file it was read from, when there is one.
    pub file: Option<PathBuf>,
    /// The portal's name, shown in every page's header and as the home
    /// page's title (default [`DEFAULT_TITLE`]).
    pub title: String,
    /// The body that publishes the site (主办单位), shown in the footer.
    pub publisher: Option<String>,
    /// How to reach the publisher (a telephone number, an address), shown in
    /// the footer.
    pub contact: Option<String>,
    /// The address the site is published at, ending in `/` (pages link to
    /// each other relatively; this gives each page its canonical address).
    pub base_url: Option<String>,
    /// The theme folder: `document/` holds sentence-template overrides,
    /// `portal/` page-template and static-file overrides (default
    /// `themes/default`).
    pub theme: PathBuf,
    /// The folder of the site's code-list additions (`function.tsv`,
    /// `economic.tsv`, `lei.tsv`; default `<content>/codes`).
    pub codes: PathBuf,
    /// Run the proofreading rules (`proof-*`: doubled punctuation,
    /// unbalanced brackets, a paragraph without a stop); `[check]
    /// proofreading = false` switches them off.
    pub proofreading: bool,
}

impl SiteConfig {
    /// The defaults of a site whose content folder is `content`.
    pub fn defaults(content: &Path) -> SiteConfig {
        let root = site_root(content);
        SiteConfig {
            file: None,
            title: DEFAULT_TITLE.to_string(),
            publisher: None,
            contact: None,
            base_url: None,
            theme: root.join("themes/default"),
            codes: content.join("codes"),
            proofreading: true,
        }
    }
}

/// The folder holding the content folder: where `gongkai.toml` and
/// `themes/` are.
pub fn site_root(content: &Path) -> PathBuf {
    content.parent().unwrap_or(Path::new("")).to_path_buf()
}
