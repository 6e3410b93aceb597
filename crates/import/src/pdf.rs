//! The PDF front-end: a PDF's text layer read into paragraphs and tables.
//!
//! What is read: the text each page draws (its content streams and the form
//! XObjects they draw), each character code mapped to Unicode through the
//! font's `ToUnicode` CMap, else its encoding (simple fonts), the UCS-2 or
//! GBK meaning of a predefined CJK CMap (composite fonts without
//! `ToUnicode`), and placed by the text and graphics state (text matrix,
//! font size, character and word spacing, horizontal scaling, the CTM and
//! the glyph widths of the font). The ruling lines (stroked lines and
//! rectangles, thin filled rectangles; white ones are not drawn rules) are
//! read too. The PDF is parsed by [lopdf](https://docs.rs/lopdf).
//!
//! The rules, in order:
//!
//! - **lines**: glyphs whose baselines are within 0.3 font size are one
//!   line, left to right; text drawn twice over itself (fake bold) counts
//!   once. A gap of 0.4 font size splits a line into pieces (table cells),
//!   one of 0.15 between Latin letters or digits is a space;
//! - **page furniture** is left out: lines in the top or bottom tenth of a
//!   page that are a page number (`3`, `- 3 -`, `第3页 共9页`), or whose text,
//!   digits aside, recurs there on a third of the pages (at least three);
//! - **tables**: lines inside a drawn grid (touching rules, at least two of
//!   them horizontal) are one table; without a grid, a run of two or more
//!   lines of three or more pieces set wide apart is one. Columns are the
//!   spaces between the grid's vertical rules that cross the body; without
//!   them, the x-ranges the body's pieces cover (the body starts at the
//!   first line holding a figure), plus header pieces standing over no such
//!   range (a column left empty in the body). A piece goes to the column of
//!   its middle (ruled) or the one it overlaps most. A cell's wrapped text
//!   (a line pitch below, in the same column, no rule between, not a figure)
//!   joins the cell above; in a ruled table, lines with no rule between them
//!   and no column filled in both are one row (cells centred beside wrapped
//!   ones). Every other line is a row. A page's first table continues the
//!   previous page's last table when it spans about the same width: its
//!   lines that repeat the first part's header are dropped and its rows
//!   follow on;
//! - **paragraphs**: the other lines, joined — CJK without a separator,
//!   Latin letters and digits with a space. A paragraph ends before a line
//!   that is indented (unless it continues a centred title), numbered or a
//!   heading (`一、`, `（一）`, `1、`, `1.`, `第…部分`, `注：`), after a line
//!   that ends short of the page's right margin, at a blank gap, or where the
//!   font size changes. A paragraph line with a gap of two font sizes keeps
//!   it as a tab (`编制单位：…\t单位：元`).
//!
//! Limits: no OCR (a PDF without text is [`PdfError::NoText`]); vertical
//! writing is read as horizontal; rotated pages (`/Rotate`) and rotated
//! text are read unrotated; reading order is top to bottom on a page, so
//! multi-column prose interleaves; passwords are not supported (an empty
//! user password is). Work is bounded by [`Limits`]: file size, page count,
//! decompressed bytes per stream and in all, operations, characters,
//! form-XObject and graphics-state nesting, ruling lines, cells of one table
//! (2,000,000); lopdf bounds
//! object nesting and reference chains. Over a limit the read fails with
//! [`PdfError::TooLarge`]; nothing recurses on the input without a bound.

mod glyphs;
mod layout;

use super::Source;

/// Why a PDF could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The bytes are not a PDF.
    #[error("not a PDF: {reason}")]
    NotPdf {
        /// What is wrong.
        reason: String,
    },
    /// Over one of the [`Limits`].
    #[error("PDF refused: {reason}")]
    TooLarge {
        /// Which limit, and by how much.
        reason: String,
    },
    /// The file is damaged beyond reading.
    #[error("PDF is damaged: {message}")]
    Malformed {
        /// What could not be read.
        message: String,
    },
    /// Encrypted with a password.
    #[error("the PDF is encrypted with a password: save an unprotected copy first")]
    Encrypted,
    /// Text whose fonts give no way to Unicode.
    #[error(
        "the text of this PDF cannot be mapped to Unicode (fonts without a ToUnicode map): OCR it, or export it again with embedded fonts"
    )]
    Unmapped,
    /// Pages, but no text on them.
    #[error("this PDF has no text (a scan?): OCR it first")]
    NoText,
}

/// Bounds on the work one PDF may cause.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub file_bytes: usize,
    /// Most pages.
    pub pages: usize,
    /// Largest decompressed stream (object, cross-reference, content, font map).
    pub stream_bytes: usize,
    /// Most decompressed content-stream bytes over the whole document.
    pub content_bytes: usize,
    /// Most content-stream operations interpreted over the whole document.
    pub operations: usize,
    /// Most characters drawn over the whole document.
    pub glyphs: usize,
    /// Deepest nesting of form XObjects followed.
    pub form_depth: usize,
    /// Deepest graphics-state stack (`q`) kept.
    pub state_depth: usize,
    /// Most ruling lines kept over the whole document (later ones are
    /// ignored: their tables read as unruled).
    pub rules: usize,
    /// Most entries read from one CID font's width array.
    pub width_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 256 << 20,
            pages: 5_000,
            stream_bytes: 64 << 20,
            content_bytes: 512 << 20,
            operations: 50_000_000,
            glyphs: 10_000_000,
            form_depth: 12,
            state_depth: 256,
            rules: 200_000,
            width_entries: 100_000,
        }
    }
}

/// Reads a PDF into blocks.
pub fn read(bytes: &[u8]) -> Result<Source, PdfError> {
    read_with(bytes, Limits::default())
}

/// Reads a PDF into blocks within `limits`.
pub fn read_with(bytes: &[u8], limits: Limits) -> Result<Source, PdfError> {
    let doc = load(bytes, &limits)?;
    let mut budget = glyphs::Budget::new(limits);
    let mut pages = Vec::new();
    let (mut drawn, mut unmapped) = (0, 0);
    glyphs::pages(&doc, &mut budget, |p| {
        drawn += p.glyphs.len();
        unmapped += p.unmapped;
        pages.push(layout::PageLines::of(p));
        Ok(())
    })?;
    if drawn == 0 {
        return Err(if unmapped > 0 {
            PdfError::Unmapped
        } else {
            PdfError::NoText
        });
    }
    layout::drop_furniture(&mut pages);
    let items = pages.into_iter().map(layout::items).collect();
    layout::blocks(items)
}

fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document, PdfError> {
    if bytes.len() > limits.file_bytes {
        return Err(PdfError::TooLarge {
            reason: format!("the file has {} bytes, more than {}", bytes.len(), limits.file_bytes),
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf {
            reason: "no %PDF- header".into(),
        });
    }
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(limits.stream_bytes),
        ..Default::default()
    };
    lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| match e {
        lopdf::Error::Decompress(e) => PdfError::TooLarge { reason: e.to_string() },
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PdfError::Encrypted,
        e => PdfError::Malformed { message: e.to_string() },
    })
}
