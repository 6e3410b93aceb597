//! Rendering: formats what derivation holds, never computes a figure.
//!
//! - [`markers`]: every printed figure carries its fact or cell id until the
//!   output is verified;
//! - [`narrative`]: the Tera templates of the explanatory sections;
//! - [`document`]: the canonical Markdown document;
//! - [`docx`]: the same document as a printable .docx;
//! - [`md_tables`]: the document's generated tables read back without a
//!   Markdown parser (for the portal and the .docx).

pub mod document;
pub mod docx;
pub mod markers;
pub mod md_tables;
pub mod narrative;
