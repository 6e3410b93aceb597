//! `gongkai import`: published disclosures into content.
//!
//! An import goes through four stages, each with its own modules:
//!
//! 1. a reader reads a published document into one intermediate form,
//!    [`Source`]: a sequence of paragraphs and tables of text cells, in
//!    document order —
//!    [`text`] the Word-export text form (one tab-indented cell per line, a
//!    blank line between rows, `[bookmark: …]` anchors), [`docx`] the .docx
//!    file itself (paragraphs and tables of document.xml), [`xlsx`] a
//!    workbook with the nine tables as sheets, [`pdf`] a PDF with a text
//!    layer (paragraphs, and tables whose columns come from the drawn grid
//!    or from where their text stands);
//! 2. `document` segments it: the tables by kind, the paragraphs of each
//!    explanatory section, the performance-target tables;
//! 3. [`content`] builds each content file from the parts it holds, one
//!    module per file, keeping published totals as declared values (so
//!    `check` reports mismatches and rounding tails instead of silently
//!    correcting them) and listing everything it cannot place; each file is
//!    written through the content crate's one YAML writer;
//! 4. `trial` checks the files in memory as every command checks a
//!    department-year and compares what gongkai prints from them with the
//!    published document; published cells that disagree are kept in
//!    `published.yaml`.
//!
//! [`place`] then says where in a site the department-year goes (the folder
//! of its identity, or the one the site already keeps it in), and when an
//! existing one must not be replaced.

pub mod content;
mod document;
pub mod docx;
pub mod pdf;
pub mod place;
pub mod text;
mod trial;
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
    /// Paragraphs and tables in document order.
    pub blocks: Vec<Block>,
}

/// The formats `gongkai import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Word-export text.
    Text,
    /// A Word document (.docx).
    Docx,
    /// A workbook with the nine tables as sheets (.xlsx).
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
    /// The .docx or .xlsx package cannot be read.
    #[error(transparent)]
    Format(#[from] docx::FormatError),
    /// The PDF cannot be read.
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    /// The document is read but is not recognised as a disclosure.
    #[error(transparent)]
    Content(#[from] content::ImportError),
    /// The text form is not UTF-8.
    #[error("the text is not UTF-8 (save the Word export as UTF-8 text)")]
    Encoding,
}

/// What the user tells an import that the document may not say
/// (`gongkai import --region`), or what the site already holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Given {
    /// Where the department-year's region (区划代码) comes from.
    pub region: RegionChoice,
}

/// Where the region (区划代码) of an imported department-year comes from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RegionChoice {
    /// Read from the names the document prints (the default): set only when
    /// they name exactly one division.
    #[default]
    FromDocument,
    /// Given by the user (`--region 130208`): wins over the document.
    Given(String),
    /// As the site already keeps this department-year: with this region, or
    /// without one (a site of one locality).
    Site(Option<String>),
}

/// Reads a published document in any supported format into content files,
/// its region read from the document.
pub fn import(bytes: &[u8], format: Format) -> Result<content::Imported, Error> {
    import_with(bytes, format, &Given::default())
}

/// [`import`], with what the user or the site says (`--region`).
pub fn import_with(bytes: &[u8], format: Format, given: &Given) -> Result<content::Imported, Error> {
    let source = match format {
        Format::Text => {
            let text = std::str::from_utf8(bytes).map_err(|_| Error::Encoding)?;
            text::read(text.strip_prefix('\u{feff}').unwrap_or(text))
        }
        Format::Docx => docx::read(bytes)?,
        Format::Xlsx => xlsx::read(bytes)?,
        Format::Pdf => pdf::read(bytes)?,
    };
    Ok(content::to_content_with(&source, given)?)
}
