//! `gongkai import`: published disclosures into content.
//!
//! Four front-ends read a published document into one intermediate form,
//! [`Source`]: a sequence of paragraphs and tables of text cells, in document
//! order. One back-end ([`content`]) recognises the parts of a disclosure in
//! it (the nine tables, the sections, performance targets, procurement,
//! assets) and writes content YAML that keeps the published totals as
//! declared values, so `check` reports mismatches and rounding tails instead
//! of silently correcting them. Everything it cannot place is listed.
//!
//! - [`text`]: the Word-export text form (one tab-indented cell per line, a
//!   blank line between rows, `[bookmark: …]` anchors);
//! - [`docx`]: the .docx file itself (paragraphs and tables of document.xml);
//! - [`xlsx`]: a workbook with the nine tables as sheets;
//! - [`pdf`]: a PDF with a text layer (paragraphs, and tables whose columns
//!   are recovered from where their text stands).

pub mod content;
pub mod docx;
pub mod pdf;
pub mod text;
pub mod xlsx;

/// One block of a published document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph's text (bookmarks and page-number noise removed).
    Paragraph(String),
    /// A table: rows of cell texts, as printed (merged cells repeat or are empty).
    Table(Vec<Vec<String>>),
}

/// A published document read into blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Source {
    pub blocks: Vec<Block>,
}

/// The formats `gongkai import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Word-export text.
    Text,
    Docx,
    Xlsx,
    /// A PDF with a text layer.
    Pdf,
}

impl Format {
    /// The format a file name suggests: `.docx`, `.xlsx`, `.pdf`, else text.
    pub fn of(path: &std::path::Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("docx") => Format::Docx,
            Some("xlsx") => Format::Xlsx,
            Some("pdf") => Format::Pdf,
            _ => Format::Text,
        }
    }
}

/// Why a file could not be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Format(#[from] docx::FormatError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error(transparent)]
    Content(#[from] content::ImportError),
    #[error("the text is not UTF-8 (save the Word export as UTF-8 text)")]
    Encoding,
}

/// Reads a published document in any supported format into content files.
pub fn import(bytes: &[u8], format: Format) -> Result<content::Imported, Error> {
    let source = match format {
        Format::Text => {
            let text = std::str::from_utf8(bytes).map_err(|_| Error::Encoding)?;
            text::read(text.strip_prefix('\u{feff}').unwrap_or(text))
        }
        Format::Docx => docx::read(bytes)?,
        Format::Xlsx => xlsx::read(bytes)?,
        Format::Pdf => pdf::read(bytes)?,
    };
    Ok(content::to_content(&source)?)
}
