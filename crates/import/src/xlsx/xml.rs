//! One XML part of a workbook read as a stream of events, within limits:
//! nesting deeper than [`MAX_DEPTH`] is refused, end tags must match their
//! start tags, text comes decoded (entities and character references
//! resolved, line ends normalised) and every failure is a [`FormatError`]
//! naming the part. Nothing here recurses on the input.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::KIND;
use gongkai_ooxml::read::{FormatError, MAX_DEPTH, resolve_reference};

/// What the stream gives: elements by their start tag, ends, text.
pub(super) enum Ev<'a> {
    Start(BytesStart<'a>),
    Empty(BytesStart<'a>),
    End,
    Text(Cow<'a, str>),
    Eof,
}

/// An event stream over one part's text.
pub(super) struct Xml<'a> {
    reader: Reader<&'a [u8]>,
    part: &'a str,
    depth: usize,
}

impl<'a> Xml<'a> {
    pub(super) fn new(xml: &'a str, part: &'a str) -> Self {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        Xml { reader, part, depth: 0 }
    }

    /// How many elements are open.
    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    /// A [`FormatError::Malformed`] for this part.
    pub(super) fn malformed(&self, message: impl std::fmt::Display) -> FormatError {
        FormatError::Malformed {
            kind: KIND,
            part: self.part.to_string(),
            message: message.to_string(),
        }
    }

    /// The next element, end or text; comments, declarations and processing
    /// instructions are passed over, an unknown entity is dropped.
    pub(super) fn next(&mut self) -> Result<Ev<'a>, FormatError> {
        loop {
            let event = self.reader.read_event().map_err(|e| self.malformed(e))?;
            return Ok(match event {
                Event::Start(e) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(FormatError::TooLarge {
                            kind: KIND,
                            reason: format!("`{}` nests elements more than {MAX_DEPTH} deep", self.part),
                        });
                    }
                    Ev::Start(e)
                }
                Event::Empty(e) => Ev::Empty(e),
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    Ev::End
                }
                Event::Text(t) => Ev::Text(t.xml10_content().map_err(|e| self.malformed(e))?),
                Event::CData(t) => Ev::Text(t.decode().map_err(|e| self.malformed(e))?),
                Event::GeneralRef(r) => match resolve_reference(&r).map_err(|e| self.malformed(e))? {
                    Some(s) => Ev::Text(Cow::Owned(s)),
                    None => continue,
                },
                Event::Eof => Ev::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            });
        }
    }

    /// Passes over the rest of the element whose start tag was just read.
    pub(super) fn skip(&mut self) -> Result<(), FormatError> {
        let inside = self.depth;
        while self.depth >= inside {
            if let Ev::Eof = self.next()? {
                break;
            }
        }
        Ok(())
    }

    /// The text of the element whose start tag was just read, up to its end
    /// (the text of elements inside it included).
    pub(super) fn text(&mut self) -> Result<String, FormatError> {
        let inside = self.depth;
        let mut out = String::new();
        while self.depth >= inside {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::Eof => break,
                Ev::Start(_) | Ev::Empty(_) | Ev::End => {}
            }
        }
        Ok(out)
    }
}

/// An attribute's value by local name (`r:id` and `id` alike), unescaped.
pub(super) fn attr<'e>(e: &'e BytesStart<'_>, local: &[u8]) -> Option<Cow<'e, str>> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
}
