//! Figure markers: how a rendered figure remembers where it came from.
//!
//! Every figure a renderer prints (a table cell, a fact quoted in prose) is
//! written as `⟨START⟩id⟨SEP⟩text⟨END⟩` with three private-use characters.
//! After a document is assembled, [`extract`] strips the markers and records
//! where each figure landed; [`verify`] then reads every figure back out of the
//! final text and checks it against the model: the right value, in an allowed
//! style, not glued to neighbouring digits. A build never writes a mismatch.

use gongkai_derive::facts::{Style, format_style};
use gongkai_model::disclosure::MARKER_CHARS;
use rust_decimal::Decimal;

const START: char = MARKER_CHARS[0];
const SEP: char = MARKER_CHARS[1];
const END: char = MARKER_CHARS[2];

/// Wraps a figure's text with its id.
pub(crate) fn mark(id: &str, text: &str) -> String {
    format!("{START}{id}{SEP}{text}{END}")
}

/// Splits a string that is exactly one marked figure.
pub(crate) fn parse_marked(s: &str) -> Option<(&str, &str)> {
    let inner = s.strip_prefix(START)?.strip_suffix(END)?;
    let (id, text) = inner.split_once(SEP)?;
    (!id.contains([START, SEP, END]) && !text.contains([START, SEP, END])).then_some((id, text))
}

/// Whether a string contains any marker character (author text may not).
pub fn contains_marker_chars(s: &str) -> bool {
    s.contains([START, SEP, END])
}

/// A figure found in rendered text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The fact or cell id it was marked with.
    pub id: String,
    /// The figure's text as printed.
    pub text: String,
    /// Byte offset of the figure in the clean text.
    pub offset: usize,
}

/// Clean text and the figures placed in it.
#[derive(Clone, Debug, Default)]
pub struct Extracted {
    /// The text without markers.
    pub clean: String,
    /// Every figure it prints, in order.
    pub figures: Vec<Placed>,
}

/// Why marked text is malformed (a template cut a figure apart).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a figure marker is broken near `{context}`: a template split or nested a figure")]
pub struct MarkerError {
    pub(crate) context: String,
}

/// Strips the markers, recording each figure's position.
pub fn extract(marked: &str) -> Result<Extracted, MarkerError> {
    let mut out = Extracted {
        clean: String::with_capacity(marked.len()),
        figures: Vec::new(),
    };
    let mut rest = marked;
    while let Some(start) = rest.find(START) {
        out.clean.push_str(&rest[..start]);
        let after = &rest[start + START.len_utf8()..];
        let broken = || MarkerError {
            context: after
                .chars()
                .take(24)
                .filter(|c| !matches!(*c, START | SEP | END))
                .collect(),
        };
        let end = after.find(END).ok_or_else(broken)?;
        let inner = &after[..end];
        let (id, text) = inner.split_once(SEP).ok_or_else(broken)?;
        if id.contains([START, SEP]) || text.contains([START, SEP]) {
            return Err(broken());
        }
        out.figures.push(Placed {
            id: id.to_string(),
            text: text.to_string(),
            offset: out.clean.len(),
        });
        out.clean.push_str(text);
        rest = &after[end + END.len_utf8()..];
    }
    if rest.contains([SEP, END]) {
        return Err(MarkerError {
            context: rest.chars().take(24).collect(),
        });
    }
    out.clean.push_str(rest);
    Ok(out)
}

/// A figure that does not read back as its fact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Mismatch {
    pub id: String,
    /// What went wrong, in words.
    pub(crate) problem: String,
    pub offset: usize,
}

/// Reads every figure back out of the clean text and checks it: `resolve`
/// gives the shown 万元 value of an id and whether prose styles are allowed
/// (table cells print only in the table style).
pub(crate) fn verify(extracted: &Extracted, resolve: &dyn Fn(&str) -> Option<(Decimal, bool)>) -> Vec<Mismatch> {
    let mut bad = Vec::new();
    for f in &extracted.figures {
        let printed = extracted
            .clean
            .get(f.offset..f.offset + f.text.len())
            .unwrap_or_default();
        let glued = |c: Option<char>| c.filter(|c| c.is_ascii_digit() || *c == '.');
        let before = glued(extracted.clean[..f.offset].chars().next_back());
        let after = glued(extracted.clean[f.offset + printed.len()..].chars().next());
        let problem = match resolve(&f.id) {
            None => Some(format!(
                "prints `{printed}` for `{}`, which is not a fact of this department-year",
                f.id
            )),
            Some((shown, prose)) => {
                let styles: &[Style] = if prose { &Style::ALL } else { &[Style::Table] };
                let empty_zero = !prose && shown.is_zero() && printed.is_empty();
                let reads = empty_zero || styles.iter().any(|s| format_style(shown, *s) == printed);
                if !reads || printed != f.text {
                    let mut allowed: Vec<String> = styles.iter().map(|s| format_style(shown, *s)).collect();
                    allowed.sort();
                    allowed.dedup();
                    Some(format!(
                        "prints `{printed}` for `{}`, whose value is {}",
                        f.id,
                        allowed.join(" / ")
                    ))
                } else if before.is_some() || after.is_some() {
                    let reads = format!(
                        "{}{printed}{}",
                        before.map(String::from).unwrap_or_default(),
                        after.map(String::from).unwrap_or_default()
                    );
                    Some(format!(
                        "prints `{printed}` for `{}` directly next to other digits, so it reads `{reads}`",
                        f.id
                    ))
                } else {
                    None
                }
            }
        };
        if let Some(problem) = problem {
            bad.push(Mismatch {
                id: f.id.clone(),
                problem,
                offset: f.offset,
            });
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(id: &str) -> Option<(Decimal, bool)> {
        match id {
            "sangong.total" => Some(("56.10".parse().unwrap(), true)),
            "change.total" => Some(("-120.10".parse().unwrap(), true)),
            _ => None,
        }
    }

    #[test]
    fn extracts_and_verifies_figures() {
        let text = format!(
            "安排{}万元，减少{}万元。",
            mark("sangong.total", "56.1"),
            mark("change.total", "120.1")
        );
        let e = extract(&text).unwrap();
        assert_eq!(e.clean, "安排56.1万元，减少120.1万元。");
        assert_eq!(e.figures.len(), 2);
        assert!(verify(&e, &resolve).is_empty());
    }

    #[test]
    fn catches_wrong_values_and_glued_digits() {
        let wrong = extract(&format!("{}万元", mark("sangong.total", "56.2"))).unwrap();
        assert_eq!(verify(&wrong, &resolve).len(), 1);
        let glued = extract(&format!("{}3万元", mark("sangong.total", "56.1"))).unwrap();
        assert_eq!(
            verify(&glued, &resolve)[0].problem,
            "prints `56.1` for `sangong.total` directly next to other digits, so it reads `56.13`"
        );
        let unknown = extract(&mark("nope", "1")).unwrap();
        assert_eq!(
            verify(&unknown, &resolve)[0].problem,
            "prints `1` for `nope`, which is not a fact of this department-year"
        );
    }

    #[test]
    fn broken_markers_are_errors() {
        let cut = mark("sangong.total", "56.1");
        assert!(extract(&cut[..cut.len() - 3]).is_err());
        assert!(extract(&format!("{}{}", &cut[..4], cut)).is_err());
    }
}
