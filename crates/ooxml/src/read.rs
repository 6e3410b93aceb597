//! Reading an OPC package (.docx, .xlsx) from untrusted bytes: the zip
//! opened with limits, parts decompressed with a cap, relationships
//! resolved, and the XML of a part checked before it is parsed.
//!
//! The number of entries is read from the end of central directory record
//! before the archive is parsed; each part is decompressed up to
//! [`MAX_PART_BYTES`] and all parts together up to [`MAX_TOTAL_BYTES`]
//! (counted while decompressing, not trusted from the header). Every
//! failure is a [`FormatError`].

use std::io::{Cursor, Read};

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use zip::ZipArchive;

/// Most entries a package may have.
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Most bytes one part may have once decompressed (64 MiB).
pub(crate) const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes all parts read from one package may have once decompressed (256 MiB).
pub(crate) const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;
/// Deepest element nesting read.
pub const MAX_DEPTH: usize = 512;
/// Widest table row, in cells.
pub const MAX_COLUMNS: usize = 1_000;
/// Most table cells in one document or workbook.
pub const MAX_CELLS: usize = 2_000_000;

/// Why a published document could not be read. `kind` is `.docx` or `.xlsx`.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The bytes are not this kind of file at all.
    #[error("not a {kind}: {reason}")]
    NotThisFormat {
        /// `.docx` or `.xlsx`.
        kind: &'static str,
        /// What gave it away.
        reason: String,
    },
    /// Over one of the limits above.
    #[error("{kind} refused: {reason}")]
    TooLarge {
        /// `.docx` or `.xlsx`.
        kind: &'static str,
        /// Which limit, by how much.
        reason: String,
    },
    /// A part is damaged or not what the format says it is.
    #[error("{kind}: `{part}` is malformed: {message}")]
    Malformed {
        /// `.docx` or `.xlsx`.
        kind: &'static str,
        /// The part (`word/document.xml`).
        part: String,
        /// What is wrong with it.
        message: String,
    },
}

/// A zip package opened with its limits: entries counted from the end of
/// central directory record before the archive is parsed, parts decompressed
/// with a cap.
pub struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    kind: &'static str,
    /// Decompressed bytes still allowed.
    budget: u64,
}

impl<'a> Package<'a> {
    /// Opens the package in `bytes` (a `kind`, `.docx` or `.xlsx`, for
    /// messages), refusing anything that is not a zip or holds too many entries.
    pub fn open(bytes: &'a [u8], kind: &'static str) -> Result<Self, FormatError> {
        if !bytes.starts_with(b"PK") {
            return Err(FormatError::NotThisFormat {
                kind,
                reason: "not a zip archive".into(),
            });
        }
        match declared_entries(bytes) {
            None => {
                return Err(FormatError::NotThisFormat {
                    kind,
                    reason: "not a zip archive (no end of central directory)".into(),
                });
            }
            Some(n) if n > MAX_ENTRIES as u64 => {
                return Err(FormatError::TooLarge {
                    kind,
                    reason: format!("the zip declares {n} entries, more than {MAX_ENTRIES}"),
                });
            }
            Some(_) => {}
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| FormatError::NotThisFormat {
            kind,
            reason: format!("not a readable zip archive: {e}"),
        })?;
        if archive.len() > MAX_ENTRIES {
            return Err(FormatError::TooLarge {
                kind,
                reason: format!("the zip has {} entries, more than {MAX_ENTRIES}", archive.len()),
            });
        }
        Ok(Package {
            archive,
            kind,
            budget: MAX_TOTAL_BYTES,
        })
    }

    /// The archive index of a part name (a leading `/` ignored; exact match
    /// first, then ignoring ASCII case as OPC part names do).
    fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        self.archive.index_for_name(name).or_else(|| {
            self.archive
                .file_names()
                .find(|n| n.eq_ignore_ascii_case(name))
                .and_then(|n| self.archive.index_for_name(n))
        })
    }

    /// The decompressed bytes of a part, `None` when there is no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, FormatError> {
        match self.index(name) {
            Some(i) => self.read_index(i).map(Some),
            None => Ok(None),
        }
    }

    fn read_index(&mut self, i: usize) -> Result<Vec<u8>, FormatError> {
        let kind = self.kind;
        let cap = MAX_PART_BYTES.min(self.budget);
        let mut file = self.archive.by_index(i).map_err(|e| FormatError::Malformed {
            kind,
            part: format!("zip entry {i}"),
            message: e.to_string(),
        })?;
        let name = file.name().to_string();
        let too_large = |what: &str| FormatError::TooLarge {
            kind,
            reason: if cap < MAX_PART_BYTES {
                format!(
                    "`{name}` {what}: the parts together exceed {} MiB",
                    MAX_TOTAL_BYTES >> 20
                )
            } else {
                format!("`{name}` {what} more than {} MiB", MAX_PART_BYTES >> 20)
            },
        };
        if file.size() > cap {
            return Err(too_large("declares"));
        }
        let mut out = Vec::new();
        (&mut file)
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| FormatError::Malformed {
                kind,
                part: name.clone(),
                message: format!("cannot decompress: {e}"),
            })?;
        let len = out.len() as u64;
        if len > cap {
            return Err(too_large("decompresses to"));
        }
        self.budget -= len;
        Ok(out)
    }
}

/// The number of entries the end of central directory record declares (the
/// zip64 record's when there is one): the largest over every candidate
/// record in the last 64 KiB, so no reader can pick a larger one. `None`
/// when there is no record.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    let u16_at =
        |at: usize| -> Option<u64> { Some(u64::from(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))) };
    let u64_at = |at: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?)) };
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let mut found = None;
    let mut pos = bytes.len().checked_sub(22)?;
    loop {
        if bytes.get(pos..pos + 4) == Some(EOCD) {
            let mut entries = u16_at(pos + 10)?.max(u16_at(pos + 8)?);
            // A zip64 locator just before: its record's count is the real one.
            if let Some(loc) = pos.checked_sub(20)
                && bytes.get(loc..loc + 4) == Some(LOCATOR)
                && let Some(offset) = u64_at(loc + 8).and_then(|o| usize::try_from(o).ok())
                && bytes.get(offset..offset.saturating_add(4)) == Some(EOCD64)
            {
                let n64 = u64_at(offset + 32)
                    .unwrap_or(u64::MAX)
                    .max(u64_at(offset + 24).unwrap_or(u64::MAX));
                entries = entries.max(n64);
            }
            found = Some(found.unwrap_or(0).max(entries));
        }
        if pos == tail_start {
            break;
        }
        pos -= 1;
    }
    found
}

impl Package<'_> {
    /// The main part named by `_rels/.rels` (`default` when the
    /// relationships do not say).
    pub fn main_part(&mut self, default: &str) -> Result<String, FormatError> {
        let Some(rels) = self.read("_rels/.rels")? else {
            return Ok(default.into());
        };
        let text = xml_text(rels, self.kind, "_rels/.rels")?;
        let targets = relationship_targets(&text, "/officeDocument", self.kind, "_rels/.rels")?;
        Ok(targets
            .into_iter()
            .next()
            .map(|t| resolve_target("", &t))
            .unwrap_or_else(|| default.into()))
    }
}

/// Targets of the relationships in a `.rels` part whose type ends with
/// `type_suffix`, external ones left out.
pub(crate) fn relationship_targets(
    xml: &str,
    type_suffix: &str,
    kind: &'static str,
    part: &str,
) -> Result<Vec<String>, FormatError> {
    let mut reader = Reader::from_str(xml);
    let mut targets = Vec::new();
    loop {
        match reader.read_event().map_err(|e| malformed(kind, part, &e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"Relationship" => {
                let ty = attr(&e, b"Type").unwrap_or_default();
                let external = attr(&e, b"TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
                if ty.ends_with(type_suffix)
                    && !external
                    && let Some(target) = attr(&e, b"Target")
                {
                    targets.push(target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(targets)
}

/// A relationship target resolved against the folder of its source part:
/// `/xl/a.xml` is absolute, `worksheets/sheet1.xml` relative, `..` pops.
pub fn resolve_target(base_dir: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base_dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in target.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// A part's bytes as text: UTF-8 (a BOM dropped) or UTF-16 with a BOM.
pub fn xml_text(bytes: Vec<u8>, kind: &'static str, part: &str) -> Result<String, FormatError> {
    let utf16 = |bytes: &[u8], le: bool| -> Result<String, FormatError> {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| FormatError::Malformed {
            kind,
            part: part.to_string(),
            message: "invalid UTF-16".into(),
        })
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, rest @ ..] => utf16(rest, true),
        [0xFE, 0xFF, rest @ ..] => utf16(rest, false),
        _ => {
            let mut bytes = bytes;
            if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bytes.drain(..3);
            }
            String::from_utf8(bytes).map_err(|e| FormatError::Malformed {
                kind,
                part: part.to_string(),
                message: format!("not UTF-8 (byte {})", e.utf8_error().valid_up_to()),
            })
        }
    }
}

/// A [`FormatError::Malformed`] for `part`, with `e` as its message.
pub fn malformed(kind: &'static str, part: &str, e: &dyn std::fmt::Display) -> FormatError {
    FormatError::Malformed {
        kind,
        part: part.to_string(),
        message: e.to_string(),
    }
}

/// The text of a character reference (`&#x4E2D;`) or one of XML's five
/// predefined entities (`&amp;`); `None` for any other entity, which has no
/// text here (no DTD is read).
pub fn resolve_reference(r: &BytesRef<'_>) -> Result<Option<String>, quick_xml::Error> {
    Ok(match r.resolve_char_ref()? {
        Some(c) => Some(c.to_string()),
        None => r
            .decode()
            .ok()
            .and_then(|name| quick_xml::escape::resolve_predefined_entity(&name))
            .map(str::to_string),
    })
}

/// The local name of a part's root element.
pub fn root_name(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) => {
                return Some(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// An attribute's unescaped value by qualified name.
pub(crate) fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}
