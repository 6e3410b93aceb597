//! `gongkai import`: published disclosures into content.
//!
//! Three front-ends read a published document into one intermediate form,
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
//! - [`xlsx`]: a workbook with the nine tables as sheets.

pub mod content;
pub mod docx;
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
