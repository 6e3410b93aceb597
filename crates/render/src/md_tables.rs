//! The document's generated tables, read without a Markdown parser.
//!
//! Most of a disclosure's Markdown is tables gongkai generates: the nine
//! tables of part one, the indicator, procurement and asset tables of part
//! two. Their cells are plain text, one row per line. The portal page and
//! the .docx both need the document back in structure, and running the
//! whole text through pulldown-cmark cost a sixth of a pages-only build and
//! about a quarter of the .docx. [`pieces`] cuts such tables out of the text, so
//! only the text between them is parsed.
//!
//! A table is only taken when pulldown-cmark (GFM) would read it exactly
//! as [`Plain`] says: a block between blank lines whose every line starts
//! and ends with `|`, a header row, a delimiter row and body rows of as
//! many cells, and no cell holding anything inline Markdown acts on
//! (outside the ids of figure markers, which are gongkai's). A text that
//! could give a table line another meaning (fenced code, HTML blocks other
//! than one-line comments, link reference definitions) is never cut at
//! all. Everything else is left to pulldown-cmark; `tests` in the portal and
//! the .docx writer compare both ways.

use pulldown_cmark::Alignment;

/// A table of plain cells: header, alignments, body rows.
#[derive(Debug, PartialEq)]
pub struct Plain<'a> {
    /// The header row's cells.
    pub header: Vec<&'a str>,
    /// Each column's alignment, from the delimiter row.
    pub aligns: Vec<Alignment>,
    /// The body rows' cells.
    pub rows: Vec<Vec<&'a str>>,
}

/// A stretch of the document: Markdown text, or a plain table.
#[derive(Debug, PartialEq)]
pub enum Piece<'a> {
    /// Markdown text, for pulldown-cmark.
    Text(&'a str),
    /// A table of plain cells.
    Table(Plain<'a>),
}

/// The document cut into text and plain tables, in order; the texts and
/// tables together cover `md` (a table's text is its block, without the
/// blank lines around it, which stay in the texts). One text, all of `md`,
/// when it cannot be cut safely.
pub fn pieces(md: &str) -> Vec<Piece<'_>> {
    if !splittable(md) {
        return vec![Piece::Text(md)];
    }
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    while at < md.len() {
        let block_end = md[at..].find("\n\n").map_or(md.len(), |i| at + i);
        let block = &md[at..block_end];
        let starts_block = at == 0 || md[..at].ends_with("\n\n");
        if starts_block
            && block.starts_with('|')
            && let Some(table) = plain_table(block)
        {
            if text_start < at {
                out.push(Piece::Text(&md[text_start..at]));
            }
            out.push(Piece::Table(table));
            text_start = block_end;
        }
        at = block_end + 2;
    }
    if text_start < md.len() {
        out.push(Piece::Text(&md[text_start..]));
    }
    out
}

/// Whether tables may be cut out of `md` and the rest parsed in pieces:
/// nothing in it can span a blank line or refer across one. One pass over
/// the bytes; only the few that could start such a thing are looked at.
fn splittable(md: &str) -> bool {
    const TRIGGER: [bool; 256] = byte_set(b"`~]<");
    let bytes = md.as_bytes();
    let mut at = 0;
    while let Some(found) = bytes[at..].iter().position(|&b| TRIGGER[usize::from(b)]) {
        let i = at + found;
        let rest = &bytes[i..];
        let spans = match bytes[i] {
            b'`' => rest.starts_with(b"```"),
            b'~' => rest.starts_with(b"~~~"),
            b']' => rest.starts_with(b"]:"),
            // `<` only in one-line HTML comments (`<!-- pagebreak -->`),
            // which end on the line they start.
            _ => {
                let start = bytes[..i].iter().rposition(|&b| b == b'\n').map_or(0, |n| n + 1);
                let end = rest.iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n);
                let line = md[start..end].trim();
                !(line.starts_with("<!--") && line.ends_with("-->") && line.matches('<').count() == 1)
            }
        };
        if spans {
            return false;
        }
        at = i + 1;
    }
    true
}

/// A 256-entry membership table of bytes.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// The block as a plain table, when it is one (see the module docs).
pub(crate) fn plain_table(block: &str) -> Option<Plain<'_>> {
    let mut lines = block.split('\n');
    let header = cells(lines.next()?)?;
    let delimiter = cells(lines.next()?)?;
    if header.len() != delimiter.len() {
        return None;
    }
    let mut aligns = Vec::with_capacity(delimiter.len());
    for d in &delimiter {
        let left = d.starts_with(':');
        let right = d.len() > 1 && d.ends_with(':');
        let dashes = d.trim_start_matches(':').trim_end_matches(':');
        if dashes.is_empty() || !dashes.bytes().all(|b| b == b'-') {
            return None;
        }
        aligns.push(match (left, right) {
            (true, true) => Alignment::Center,
            (true, false) => Alignment::Left,
            (false, true) => Alignment::Right,
            (false, false) => Alignment::None,
        });
    }
    let mut rows = Vec::new();
    for line in lines {
        let row = cells(line)?;
        if row.len() != header.len() {
            return None;
        }
        rows.push(row);
    }
    header
        .iter()
        .chain(rows.iter().flatten())
        .all(|c| plain(c))
        .then_some(Plain { header, aligns, rows })
}

/// A table line's cells, trimmed as GFM trims them.
fn cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(|c| c.trim_matches(' ')).collect())
}

/// A cell inline Markdown leaves as it is: none of its special characters
/// (a marker's id, between its first two marker characters, is not text).
/// By bytes: the special characters are ASCII, and the markers U+E000 and
/// U+E001 are `EE 80 80` and `EE 80 81` in UTF-8.
fn plain(cell: &str) -> bool {
    const SPECIAL: [bool; 256] = byte_set(b"\\`*_[]!<>&~$\t");
    let bytes = cell.as_bytes();
    let mut in_id = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0xEE if bytes.get(i + 1) == Some(&0x80) => {
                match bytes.get(i + 2) {
                    Some(0x80) => in_id = true,
                    Some(0x81) => in_id = false,
                    _ => {}
                }
                i += 3;
                continue;
            }
            b if !in_id && SPECIAL[usize::from(b)] => return false,
            _ => {}
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_between_blank_lines_are_cut_out() {
        let md = "# 标题\n\n| a | b |\n|---|--:|\n| 1 |  |\n\n注：单位万元。\n";
        let pieces = pieces(md);
        assert_eq!(
            pieces,
            vec![
                Piece::Text("# 标题\n\n"),
                Piece::Table(Plain {
                    header: vec!["a", "b"],
                    aligns: vec![Alignment::None, Alignment::Right],
                    rows: vec![vec!["1", ""]],
                }),
                Piece::Text("\n\n注：单位万元。\n"),
            ]
        );
    }

    #[test]
    fn anything_else_stays_markdown() {
        for md in [
            "| *a* |\n|---|\n| 1 |",
            "| a |\n|---|\n| 1 | 2 |",
            "| a |\n| 1 |",
            "段落\n| a |\n|---|\n| 1 |",
            "| a |\n|---|\n| 1 |\n注",
            "```\n\n| a |\n|---|\n| 1 |\n\n```",
            "<div>\n\n| a |\n|---|\n| 1 |\n\n</div>",
            "[x]: http://a\n\n| a |\n|---|\n| 1 |",
        ] {
            assert_eq!(pieces(md), vec![Piece::Text(md)], "{md}");
        }
        // Special characters count in a figure's text, not in its id.
        assert!(plain("\u{E000}running_costs\u{E001}417.88\u{E002}"));
        assert!(!plain("\u{E000}running_costs\u{E001}417_88\u{E002}"));
        assert!(!plain("a*b") && !plain("a\\b") && plain("“三公”经费 (含) ≥95%"));
        // A one-line comment does not stop the cutting.
        assert_eq!(pieces("<!-- pagebreak -->\n\n| a |\n|---|\n| 1 |").len(), 2);
    }
}
