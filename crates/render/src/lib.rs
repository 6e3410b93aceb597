//! Rendering: formats what derivation holds, never computes a figure.
//!
//! - [`markers`]: every printed figure carries its fact or cell id until the
//!   output is verified;
//! - [`narrative`]: the Tera templates of the explanatory sections;
//! - [`document`]: the canonical Markdown document;
//! - [`docx`]: the same document as a printable .docx;
//! - [`md_tables`]: the document's generated tables read back without a
//!   Markdown parser (for the portal and the .docx);
//! - [`output`]: the files a renderer hands over, and their content hash;
//! - [`draft`]: a document with errors marked for its reviewers.

pub mod document;
pub mod docx;
pub mod draft;
pub mod markers;
pub mod md_tables;
pub mod narrative;
pub mod output;

use gongkai_derive::derive::Derived;
use gongkai_derive::facts::Facts;
use gongkai_model::disclosure::Disclosure;
use output::OutputFile;
use std::path::PathBuf;

/// A department-year loaded, derived, checked and its document rendered:
/// what every output stage takes.
#[derive(Debug)]
pub struct Checked {
    /// The model, as loaded.
    pub disclosure: Disclosure,
    /// The nine tables and key figures.
    pub derived: Derived,
    /// The figures narrative may quote.
    pub facts: Facts,
    /// The document, when it rendered and every figure read back correctly.
    pub document: Option<document::Rendered>,
    /// In a draft build of a department-year with errors: its findings,
    /// which every output shows (the document is marked already).
    pub draft: Option<draft::Draft>,
}

impl Checked {
    /// The folder of this department-year inside the output: its permalink
    /// (see [`Identity::path`](gongkai_model::identity::Identity::path)).
    pub fn output_dir(&self) -> PathBuf {
        self.disclosure.unit.identity().path()
    }
}

/// The document files of a department-year: `disclosure.md` and
/// `disclosure.docx` (none when its document did not render).
pub fn document_files(c: &Checked) -> Result<Vec<OutputFile>, docx::DocxError> {
    let Some(doc) = &c.document else {
        return Ok(Vec::new());
    };
    let dir = c.output_dir();
    let u = &c.disclosure.unit;
    let meta = docx::DocxMeta {
        title: doc
            .markdown
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("# ")
            .to_string(),
        author: u.name.clone(),
        // A fixed date keeps the package byte-identical between builds.
        created: format!("{}-01-01T00:00:00Z", u.year),
    };
    let docx = docx::markdown_to_docx(&doc.markdown, &meta)?;
    Ok(vec![
        OutputFile {
            path: dir.join("disclosure.md"),
            bytes: doc.markdown.clone().into_bytes(),
        },
        OutputFile {
            path: dir.join("disclosure.docx"),
            bytes: docx,
        },
    ])
}
