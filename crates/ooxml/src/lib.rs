//! What the Office Open XML packages gongkai writes have in common: the zip
//! container, its compression policy and the XML escaping of plain text.
//!
//! Used by the .docx writer ([`gongkai_render::docx`]) for its package and by
//! the minimal .xlsx writer ([`xlsx`]) for everything.
//!
//! Compression: a part of at most [`STORE_UP_TO`] bytes is stored, a larger
//! one deflated at the fastest level. Starting a deflate stream costs more
//! time than it saves bytes on a few kilobytes, and level 1 is several times
//! faster than the default level for a few percent more bytes. Every entry
//! carries the same fixed time and permissions, so the same parts always give
//! the same bytes.

pub mod read;
pub mod xlsx;

use std::io::{Cursor, Write};

pub use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The largest part stored without compression.
pub(crate) const STORE_UP_TO: usize = 16 * 1024;

/// The zip options of a part of `len` bytes: stored up to [`STORE_UP_TO`],
/// deflated at level 1 above; fixed time and permissions.
pub(crate) fn part_options(len: usize) -> SimpleFileOptions {
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::DEFAULT)
        .unix_permissions(0o644);
    if len > STORE_UP_TO {
        stored
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1))
    } else {
        stored
    }
}

/// A zip package of `parts` (name, content), in the order given, each
/// compressed as [`part_options`] says. Deterministic.
pub fn zip_package<N: AsRef<str>, C: AsRef<[u8]>>(parts: &[(N, C)]) -> Result<Vec<u8>, ZipError> {
    // Stored parts dominate: the package is about as large as its parts
    // plus a hundred bytes of headers each.
    let capacity = parts
        .iter()
        .map(|(name, content)| content.as_ref().len() + 2 * name.as_ref().len() + 100)
        .sum::<usize>()
        + 22;
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(capacity)));
    for (name, content) in parts {
        let content = content.as_ref();
        zip.start_file(name.as_ref(), part_options(content.len()))?;
        zip.write_all(content)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Whether XML 1.0 can carry `c` at all (in any escaped form): not the C0
/// controls other than tab, line feed and carriage return, nor U+FFFE and
/// U+FFFF.
pub(crate) fn xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Appends `text` escaped for XML content and attribute values: `&`, `<`,
/// `>` and `"` as entities, tab, line feed and carriage return as character
/// references (so an attribute keeps them too), and the characters XML
/// cannot carry ([`xml_char`]) dropped.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `text` escaped as [`escape_into`] does.
#[cfg(test)]
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn escaping() {
        assert_eq!(escape("a&<>\"'b"), "a&amp;&lt;&gt;&quot;'b");
        assert_eq!(escape("x\u{1}\u{b}\u{fffe}\u{ffff}y"), "xy");
        assert_eq!(escape("\t\n\r"), "&#9;&#10;&#13;");
        // C1 controls and DEL are legal XML 1.0 characters.
        assert_eq!(escape("\u{7f}\u{85}中"), "\u{7f}\u{85}中");
    }

    #[test]
    fn small_parts_stored_large_parts_deflated() {
        let small = "a".repeat(STORE_UP_TO);
        let large = "b".repeat(STORE_UP_TO + 1);
        let bytes = zip_package(&[("small.xml", small.as_str()), ("large.xml", large.as_str())]).unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut entry = archive.by_name("small.xml").unwrap();
        assert_eq!(entry.compression(), CompressionMethod::Stored);
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, small);
        drop(entry);
        let mut entry = archive.by_name("large.xml").unwrap();
        assert_eq!(entry.compression(), CompressionMethod::Deflated);
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, large);
        drop(entry);
        // Deterministic.
        let again = zip_package(&[("small.xml", small.as_str()), ("large.xml", large.as_str())]).unwrap();
        assert_eq!(bytes, again);
    }
}
