//! A fast front end for the YAML that finance officers actually write.
//!
//! Parsing with serde-saphyr costs about 3 ms per department-year; most of
//! it is spent on generality the content files never use. This module reads
//! a small, line-oriented subset of YAML into the [`schema`](crate::schema)
//! types (a `serde::Deserializer` that reads the text as serde asks for
//! values, without building a tree or a list of events), and **gives up**
//! on anything outside the subset and on any error at all.
//! [`parse_yaml`](crate::load::parse_yaml) then parses the file again with
//! serde-saphyr, so every error message is serde-saphyr's, and for
//! everything accepted here the result (values and positions) is identical
//! to serde-saphyr's (`tests/fast_yaml.rs` and the `load_fast` fuzz target
//! compare the two).
//!
//! Positions reach [`Spanned`](super::spanned::Spanned) through its own
//! protocol (see [`spanned`](super::spanned)), not serde-saphyr's private one.
//!
//! The subset:
//!
//! - one document whose root is a block mapping; blank lines and comment
//!   lines anywhere, a trailing ` # comment` after any value; `\n` or `\r\n`
//!   line ends (a BOM is stripped by the caller);
//! - block mappings whose keys are plain `[A-Za-z0-9_]+` followed by `:`
//!   and a space or the end of the line;
//! - block sequences (`- item`, one item per line, the item on the dash's
//!   line), also at the same indentation as their key; an item may be a
//!   block mapping starting on the dash's line (`- name: …`);
//! - flow sequences `[a, ~, "b"]` and flow mappings `{ k: v, k2: }`, nested,
//!   opened and closed on one line, with an optional trailing comma;
//! - single-line scalars: plain (`38.37`, `-3.00`, `8%`, `≥96个`, Chinese
//!   text), double-quoted (all YAML escapes except a line continuation),
//!   single-quoted (`''` for a quote); a plain empty value, `~`, `null`,
//!   `Null` and `NULL` are null.
//!
//! It gives up on: tabs, other control characters, C1 controls (U+0080 to
//! U+009F), U+FEFF, U+FFFE and U+FFFF anywhere, a lone `\r`, lines starting
//! with `---`, `...` or `%` (documents, directives), anchors, aliases and tags,
//! block scalars (`|`, `>`), multi-line plain, quoted or flow scalars,
//! quoted or complex keys, a value on the line below its key, `- ` with
//! nothing after it, nested `- - `, a plain scalar containing `: ` (or, in
//! flow, any `:`, `[`, `{` or ` #`), empty flow-sequence entries, an empty
//! document or a root that is not a block mapping, nesting deeper than
//! [`MAX_DEPTH`], more than [`MAX_NODES`] nodes; and on every
//! deserialization error: unknown or duplicate key, missing key, null
//! where text is required, a list where text is required, etc.
//!
//! No `unsafe`, no panics: every input either gives the value or
//! `Err(Bail)`.

use gongkai_model::span::{FAST_SPANNED, Pos, PosDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Deepest nesting of collections accepted (serde-saphyr allows 64).
pub const MAX_DEPTH: u32 = 32;
/// Most nodes (keys included) accepted (serde-saphyr allows 250,000 nodes
/// and 1,000,000 events).
pub const MAX_NODES: usize = 100_000;
/// Longest key accepted, in bytes.
const MAX_KEY: usize = 128;

/// Why the fast front end gave up (for tests and debugging; the caller
/// only needs to know that it did).
/// (A boxed `str`, smaller than a `String`, keeps the `Result`s of the hot
/// paths small.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bail(Box<str>);

impl Bail {
    fn new(why: impl Into<String>) -> Self {
        Bail(why.into().into_boxed_str())
    }
}

impl fmt::Display for Bail {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Bail {}

impl de::Error for Bail {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Bail::new(msg.to_string())
    }
}

#[cold]
fn bail<T>(why: &str) -> Result<T, Bail> {
    Err(Bail::new(why))
}

/// Parses `text` (without BOM) into `T`, or gives up.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Bail> {
    let mut parser = Parser::new(text)?;
    let Some(indent) = parser.indent else {
        return bail("empty document");
    };
    if !parser.key_like() {
        return bail("the root is not a block mapping");
    }
    parser.node = Node::BlockMap(indent);
    let value = T::deserialize(Value(&mut parser))?;
    if parser.indent.is_some() {
        return bail("text after the root mapping");
    }
    Ok(value)
}

/// The next node, as far as it has been read: a scalar is read whole (the
/// cursor is after it), a collection not at all (the cursor is on its `[`,
/// `{`, first `-` or first key).
#[derive(Clone, Copy, Debug, Default)]
enum Node<'a> {
    #[default]
    Null,
    /// A scalar as it is in the text.
    Str(&'a str, Pos),
    /// A scalar with escapes: its text is in [`Parser::owned`].
    Owned(Pos),
    /// With the position of `[`.
    FlowSeq(Pos),
    FlowMap,
    /// With the column of the dashes.
    BlockSeq(usize),
    /// With the column of the keys.
    BlockMap(usize),
}

// Scanning eight bytes at a time (SWAR, no `unsafe`). Each mask sets bit 7
// of a byte that matches; the lowest set bit is always a true match (false
// positives appear only above a true one), so `trailing_zeros` finds the
// first match.
const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `w` equal to `byte`.
#[inline(always)]
fn eq(w: u64, byte: u8) -> u64 {
    let x = w ^ (LO * byte as u64);
    x.wrapping_sub(LO) & !x & HI
}

/// Bytes of `w` below `n` (`n` ≤ 0x80).
#[inline(always)]
fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(LO * n as u64) & !w & HI
}

/// The first byte from `j` for which `hit` holds (`mask` is its word-wise
/// form), or `b.len()`.
#[inline(always)]
fn find(b: &[u8], mut j: usize, mask: impl Fn(u64) -> u64, hit: impl Fn(u8) -> bool) -> usize {
    while let Some(chunk) = b.get(j..j + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let m = mask(u64::from_le_bytes(bytes));
        if m != 0 {
            return j + (m.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && !hit(b[j]) {
        j += 1;
    }
    j.min(b.len())
}

/// The end of the line (`\r` or `\n`; other controls were refused).
fn find_eol(b: &[u8], j: usize) -> usize {
    find(b, j, |w| below(w, 0x20), |c| c < 0x20)
}

/// What ends or interrupts a plain scalar in block context: the line end, a
/// space (before `#`, or trailing), `:`.
fn find_plain_block(b: &[u8], j: usize) -> usize {
    find(b, j, |w| below(w, 0x21) | eq(w, b':'), |c| c <= b' ' || c == b':')
}

/// In flow context also `,[]{}`.
fn find_plain_flow(b: &[u8], j: usize) -> usize {
    find(
        b,
        j,
        |w| below(w, 0x21) | eq(w, b':') | eq(w, b',') | eq(w, b'[') | eq(w, b']') | eq(w, b'{') | eq(w, b'}'),
        |c| c <= b' ' || matches!(c, b':' | b',' | b'[' | b']' | b'{' | b'}'),
    )
}

/// What ends or interrupts a double-quoted scalar: `"`, `\\`, the line end.
fn find_double_quoted(b: &[u8], j: usize) -> usize {
    find(
        b,
        j,
        |w| below(w, 0x20) | eq(w, b'"') | eq(w, b'\\'),
        |c| c < 0x20 || c == b'"' || c == b'\\',
    )
}

/// What ends or interrupts a single-quoted scalar: `'`, the line end.
fn find_single_quoted(b: &[u8], j: usize) -> usize {
    find(b, j, |w| below(w, 0x20) | eq(w, b'\''), |c| c < 0x20 || c == b'\'')
}

/// The commas from `j` to the end of the line.
fn commas_on_line(b: &[u8], mut j: usize) -> usize {
    let mut commas = 0;
    while let Some(chunk) = b.get(j..j + 8) {
        let Ok(bytes) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let w = u64::from_le_bytes(bytes);
        let eol = below(w, 0x20);
        // Exact for every byte (no borrow between bytes), unlike `eq`.
        let x = w ^ (LO * b',' as u64);
        let mut comma = !(((x & !HI) + !HI) | x) & HI;
        if eol != 0 {
            // Only the bytes before the line end.
            comma &= (eol & eol.wrapping_neg()).wrapping_sub(1);
            return commas + ((comma >> 7).wrapping_mul(LO) >> 56) as usize;
        }
        commas += ((comma >> 7).wrapping_mul(LO) >> 56) as usize;
        j += 8;
    }
    let rest = b.get(j..).unwrap_or_default();
    commas + rest.iter().take_while(|&&c| c >= 0x20).filter(|&&c| c == b',').count()
}

/// A document marker or directive at the start of a line.
fn marker(line: &[u8]) -> bool {
    line.starts_with(b"---") || line.starts_with(b"...") || line.starts_with(b"%")
}

/// Whether byte `c`, followed by `n1` and `n2`, starts something
/// [`prescan`] refuses: a control character other than a line end (a tab
/// too), DEL, a C1 control (U+0080–U+009F), U+FEFF, U+FFFE or U+FFFF.
/// (serde-saphyr refuses most of them, and reads U+0085, U+2028 and U+2029
/// as ordinary characters, as the fast front end does; U+FEFF is refused to
/// be safe.) Branch-free, so that the compiler vectorizes [`prescan`].
#[inline(always)]
fn refused(c: u8, n1: u8, n2: u8) -> bool {
    let control = (c < 0x20) & (c != b'\n') & !((c == b'\r') & (n1 == b'\n'));
    let c1 = (c == 0xc2) & (n1 & 0xe0 == 0x80);
    let bom = (c == 0xef) & (n1 == 0xbb) & (n2 == 0xbf);
    let non_character = (c == 0xef) & (n1 == 0xbf) & (n2 & 0xfe == 0xbe);
    control | (c == 0x7f) | c1 | bom | non_character
}

/// Rejects the characters the subset never has (see [`refused`]).
fn prescan(b: &[u8]) -> Result<(), Bail> {
    const BLOCK: usize = 64;
    let mut i = 0;
    while let (Some(here), Some(n1), Some(n2)) = (
        b.get(i..i + BLOCK),
        b.get(i + 1..i + BLOCK + 1),
        b.get(i + 2..i + BLOCK + 2),
    ) {
        let mut any = false;
        for ((&c, &n1), &n2) in here.iter().zip(n1).zip(n2) {
            any |= refused(c, n1, n2);
        }
        if any {
            return bail("control character, C1 control, U+FEFF, U+FFFE or U+FFFF");
        }
        i += BLOCK;
    }
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    if (i..b.len()).any(|k| refused(at(k), at(k + 1), at(k + 2))) {
        return bail("control character, C1 control, U+FEFF, U+FFFE or U+FFFF");
    }
    Ok(())
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Characters of a UTF-8 slice (bytes that are not continuation bytes).
#[inline]
fn chars(b: &[u8]) -> u32 {
    let mut words = b.chunks_exact(8);
    let mut continuation = 0;
    for word in &mut words {
        if let Ok(bytes) = <[u8; 8]>::try_from(word) {
            let w = u64::from_le_bytes(bytes);
            // Bit 7 set and bit 6 clear; then the count of such bytes.
            continuation += ((w & !(w << 1) & HI) >> 7).wrapping_mul(LO) >> 56;
        }
    }
    let tail = words.remainder().iter().filter(|&&c| (c as i8) < -0x40).count() as u64;
    (b.len() as u64 - continuation - tail) as u32
}

fn u32_of(n: usize) -> Result<u32, Bail> {
    u32::try_from(n).or_else(|_| bail("text too long"))
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Byte cursor.
    i: usize,
    /// 1-based line of the cursor.
    line: u32,
    /// Characters before the cursor's line.
    line_start_chars: u32,
    /// Characters before byte `counted_to` (positions are asked for in
    /// increasing order, so counting resumes where it stopped).
    counted_to: usize,
    counted: u32,
    /// Indentation of the line the cursor is on, once
    /// [`Parser::next_significant`] found one; `None` at the end.
    indent: Option<usize>,
    /// Collections open.
    depth: u32,
    /// Nodes and keys read.
    nodes: usize,
    /// The node serde is to read next.
    node: Node<'a>,
    /// The text of a [`Node::Owned`].
    owned: String,
}

impl<'a> Parser<'a> {
    /// Checks the text and moves to its first line with content.
    fn new(src: &'a str) -> Result<Self, Bail> {
        let b = src.as_bytes();
        prescan(b)?;
        u32_of(b.len())?;
        let mut p = Parser {
            src,
            b,
            i: 0,
            line: 1,
            line_start_chars: 0,
            counted_to: 0,
            counted: 0,
            indent: None,
            depth: 0,
            nodes: 0,
            node: Node::Null,
            owned: String::new(),
        };
        p.next_significant()?;
        Ok(p)
    }

    fn at(&self, j: usize) -> u8 {
        self.b.get(j).copied().unwrap_or(0)
    }

    /// End of line (`\n`, `\r\n`: a lone `\r` was refused) or of the text.
    fn eol(&self, j: usize) -> bool {
        j >= self.b.len() || matches!(self.b[j], b'\n' | b'\r')
    }

    #[inline]
    fn count_node(&mut self) -> Result<(), Bail> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return bail("too many nodes");
        }
        Ok(())
    }

    fn enter(&mut self) -> Result<(), Bail> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return bail("nesting too deep");
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    #[inline]
    fn char_index(&mut self, byte: usize) -> u32 {
        if byte > self.counted_to {
            self.counted += chars(self.b.get(self.counted_to..byte).unwrap_or_default());
            self.counted_to = byte;
        }
        self.counted
    }

    /// The position of the token `start..end` on the current line.
    #[inline]
    fn pos(&mut self, start: usize, end: usize) -> Pos {
        let before = self.char_index(start);
        let after = self.char_index(end);
        Pos {
            line: self.line,
            column: before.saturating_sub(self.line_start_chars) + 1,
            offset: before,
            len: after.saturating_sub(before),
        }
    }

    /// Steps over the line end at the cursor (if any) onto the next line.
    fn newline(&mut self) {
        if self.at(self.i) == b'\r' {
            self.i += 1;
        }
        if self.at(self.i) == b'\n' {
            self.i += 1;
            self.line += 1;
            self.line_start_chars = self.char_index(self.i);
        }
    }

    /// From the start of a line: skips blank and comment lines and stops on
    /// the first other character of the next line with content, recording
    /// its indentation (`None` at the end of the text).
    fn next_significant(&mut self) -> Result<(), Bail> {
        loop {
            let start = self.i;
            if matches!(self.at(start), b'-' | b'.' | b'%') && marker(self.b.get(start..).unwrap_or_default()) {
                return bail("document marker or directive");
            }
            while self.at(self.i) == b' ' {
                self.i += 1;
            }
            if self.i >= self.b.len() {
                self.indent = None;
                return Ok(());
            }
            if self.at(self.i) == b'#' {
                self.i = find_eol(self.b, self.i);
            }
            if self.eol(self.i) {
                self.newline();
                continue;
            }
            self.indent = Some(self.i - start);
            return Ok(());
        }
    }

    /// After a value in block context: spaces, an optional comment, the end
    /// of the line; then on to the next line with content.
    fn end_line(&mut self) -> Result<(), Bail> {
        let start = self.i;
        while self.at(self.i) == b' ' {
            self.i += 1;
        }
        if self.at(self.i) == b'#' && self.i > start {
            self.i = find_eol(self.b, self.i);
        }
        if !self.eol(self.i) {
            return bail("unexpected text after a value");
        }
        self.newline();
        self.next_significant()
    }

    /// `key:` followed by a space or the end of the line, at the cursor.
    fn key_like(&self) -> bool {
        let mut j = self.i;
        while j < self.b.len() && is_key_byte(self.b[j]) {
            j += 1;
        }
        j > self.i && j - self.i <= MAX_KEY && self.at(j) == b':' && (self.at(j + 1) == b' ' || self.eol(j + 1))
    }

    /// `-` followed by a space or the end of the line, at the cursor.
    fn dash_like(&self) -> bool {
        self.at(self.i) == b'-' && (self.at(self.i + 1) == b' ' || self.eol(self.i + 1))
    }

    /// Reads `key:` at the cursor; the cursor ends after the colon.
    fn key(&mut self) -> Result<&'a str, Bail> {
        self.count_node()?;
        let start = self.i;
        while self.i < self.b.len() && is_key_byte(self.b[self.i]) {
            self.i += 1;
        }
        if self.i == start || self.i - start > MAX_KEY || self.at(self.i) != b':' {
            return bail("not a plain key");
        }
        let key = self.src.get(start..self.i).ok_or_else(|| Bail::new("key"))?;
        self.i += 1;
        Ok(key)
    }

    /// The value of a block mapping's key (in column `indent`), the cursor
    /// after its colon. `Ok(true)` when the value is on the key's line (the
    /// caller ends the line after it).
    fn map_value(&mut self, indent: usize) -> Result<bool, Bail> {
        let mut j = self.i;
        while self.at(j) == b' ' {
            j += 1;
        }
        if self.eol(j) || (self.at(j) == b'#' && j > self.i) {
            // Nothing on the key's line: a nested block collection or null.
            self.end_line()?;
            self.count_node()?;
            self.node = match self.indent {
                Some(m) if m > indent && self.dash_like() => Node::BlockSeq(m),
                Some(m) if m > indent && self.key_like() => Node::BlockMap(m),
                Some(m) if m > indent => return bail("value on the line below its key"),
                Some(m) if m == indent && self.dash_like() => Node::BlockSeq(m),
                _ => Node::Null,
            };
            return Ok(false);
        }
        if j == self.i {
            return bail("no space after a colon");
        }
        self.i = j;
        self.inline_value()?;
        Ok(true)
    }

    /// An item of a block sequence, the cursor on its dash. `Ok(true)` when
    /// the item ends with its line (the caller ends the line after it).
    fn seq_item(&mut self) -> Result<bool, Bail> {
        self.i += 1; // the dash
        while self.at(self.i) == b' ' {
            self.i += 1;
        }
        if self.eol(self.i) || self.at(self.i) == b'#' {
            return bail("sequence item not on the dash's line");
        }
        if self.key_like() {
            self.count_node()?;
            // No line break before the key, so the column is in bytes.
            let column = self.i - self.line_start();
            self.node = Node::BlockMap(column);
            return Ok(false);
        }
        if self.dash_like() {
            return bail("nested block sequence");
        }
        self.inline_value()?;
        Ok(true)
    }

    /// Byte where the cursor's line starts.
    fn line_start(&self) -> usize {
        self.b
            .get(..self.i)
            .and_then(|before| before.iter().rposition(|&c| c == b'\n'))
            .map_or(0, |nl| nl + 1)
    }

    /// A value on the current line in block context, at a non-space character.
    fn inline_value(&mut self) -> Result<(), Bail> {
        self.count_node()?;
        self.node = match self.at(self.i) {
            b'[' => Node::FlowSeq(self.pos(self.i, self.i + 1)),
            b'{' => Node::FlowMap,
            b'"' => self.double_quoted()?,
            b'\'' => self.single_quoted()?,
            b'-' if self.at(self.i + 1) == b' ' || self.eol(self.i + 1) => {
                return bail("block sequence as an inline value");
            }
            b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
                return bail("indicator at the start of a value");
            }
            _ => self.plain(false)?,
        };
        Ok(())
    }

    /// A value inside a flow collection, at a non-space character.
    #[inline]
    fn flow_value(&mut self) -> Result<(), Bail> {
        self.count_node()?;
        self.node = match self.at(self.i) {
            b'[' => Node::FlowSeq(self.pos(self.i, self.i + 1)),
            b'{' => Node::FlowMap,
            b'"' => self.double_quoted()?,
            b'\'' => self.single_quoted()?,
            b'-' if matches!(self.at(self.i + 1), b' ' | b',' | b']' | b'}') || self.eol(self.i + 1) => {
                return bail("dash alone in a flow collection");
            }
            b'?' | b':' | b',' | b']' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`' => {
                return bail("indicator at the start of a flow value");
            }
            _ => self.plain(true)?,
        };
        Ok(())
    }

    /// A plain scalar at the cursor; in flow context it ends at `,`, `]` or `}`.
    fn plain(&mut self, flow: bool) -> Result<Node<'a>, Bail> {
        let start = self.i;
        let mut end = start;
        let mut j = start;
        loop {
            let k = if flow {
                find_plain_flow(self.b, j)
            } else {
                find_plain_block(self.b, j)
            };
            if k > j {
                end = k;
            }
            j = k;
            if self.eol(j) {
                break;
            }
            match self.b[j] {
                b' ' => {
                    if self.at(j + 1) == b'#' {
                        if flow {
                            return bail("comment inside a flow collection");
                        }
                        break;
                    }
                }
                b':' if flow => return bail("colon in a flow scalar"),
                b':' if self.at(j + 1) == b' ' || self.eol(j + 1) => return bail("`: ` in a plain scalar"),
                b':' => end = j + 1,
                b'[' | b'{' => return bail("bracket in a flow scalar"),
                _ => break, // `,`, `]`, `}` in flow context
            }
            j += 1;
        }
        self.i = j;
        let text = self.src.get(start..end).ok_or_else(|| Bail::new("plain scalar"))?;
        if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
            return Ok(Node::Null);
        }
        Ok(Node::Str(text, self.pos(start, end)))
    }

    fn single_quoted(&mut self) -> Result<Node<'a>, Bail> {
        let start = self.i;
        let mut j = start + 1;
        let mut owned: Option<String> = None;
        let mut run = j;
        loop {
            j = find_single_quoted(self.b, j);
            if self.at(j) != b'\'' {
                return bail("multi-line single-quoted scalar");
            }
            if self.at(j + 1) != b'\'' {
                break;
            }
            let s = owned.get_or_insert_with(String::new);
            s.push_str(self.src.get(run..j).ok_or_else(|| Bail::new("quoted"))?);
            s.push('\'');
            j += 2;
            run = j;
        }
        self.end_quoted(start, run, j, owned)
    }

    /// Ends a quoted scalar whose closing quote is at `j`: the text is
    /// `owned` (what escapes made of the scalar so far) plus the source from
    /// `run` to `j`, or that source alone when nothing was unescaped.
    fn end_quoted(&mut self, start: usize, run: usize, j: usize, owned: Option<String>) -> Result<Node<'a>, Bail> {
        let tail = self.src.get(run..j).ok_or_else(|| Bail::new("quoted"))?;
        self.i = j + 1;
        let pos = self.pos(start, self.i);
        Ok(match owned {
            Some(mut s) => {
                s.push_str(tail);
                self.owned = s;
                Node::Owned(pos)
            }
            None => Node::Str(tail, pos),
        })
    }

    #[inline]
    fn double_quoted(&mut self) -> Result<Node<'a>, Bail> {
        let start = self.i;
        let mut j = start + 1;
        let mut owned: Option<String> = None;
        let mut run = j;
        loop {
            j = find_double_quoted(self.b, j);
            match self.at(j) {
                b'"' => break,
                b'\\' => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.src.get(run..j).ok_or_else(|| Bail::new("quoted"))?);
                    let (c, used) = self.escape(j + 1)?;
                    s.push(c);
                    j += 1 + used;
                    run = j;
                }
                _ => return bail("multi-line double-quoted scalar"),
            }
        }
        self.end_quoted(start, run, j, owned)
    }

    /// The escape after a backslash at `j`: the character and the bytes used.
    fn escape(&self, j: usize) -> Result<(char, usize), Bail> {
        let simple = match self.at(j) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex(j + 1, 2),
            b'u' => return self.hex(j + 1, 4),
            b'U' => return self.hex(j + 1, 8),
            _ => return bail("unsupported escape"),
        };
        Ok((simple, 1))
    }

    fn hex(&self, j: usize, digits: usize) -> Result<(char, usize), Bail> {
        let hex = self
            .b
            .get(j..j + digits)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .ok_or_else(|| Bail::new("bad hex escape"))?;
        let code = u32::from_str_radix(hex, 16).or_else(|_| bail("bad hex escape"))?;
        let c = char::from_u32(code).ok_or_else(|| Bail::new("escape is not a character"))?;
        Ok((c, 1 + digits))
    }

    /// Spaces inside a flow collection (which must not end on this line).
    #[inline]
    fn skip_flow_spaces(&mut self) -> Result<(), Bail> {
        let start = self.i;
        while self.at(self.i) == b' ' {
            self.i += 1;
        }
        if self.eol(self.i) {
            return bail("flow collection not closed on its line");
        }
        if self.at(self.i) == b'#' && (self.i > start || self.at(self.i.wrapping_sub(1)) == b' ') {
            return bail("comment inside a flow collection");
        }
        Ok(())
    }

    /// Before an entry of a flow collection closed by `close`: `Ok(false)`
    /// (and the cursor after `close`) when the collection ends here.
    #[inline]
    fn flow_next(&mut self, close: u8, first: bool) -> Result<bool, Bail> {
        self.skip_flow_spaces()?;
        if !first {
            match self.at(self.i) {
                b',' => {
                    self.i += 1;
                    self.skip_flow_spaces()?;
                }
                c if c == close => {}
                _ => return bail("expected `,` or the end of a flow collection"),
            }
        }
        if self.at(self.i) == close {
            self.i += 1;
            return Ok(false);
        }
        Ok(true)
    }
}

/// The node the parser has read ([`Parser::node`]), for serde.
struct Value<'p, 'a>(&'p mut Parser<'a>);

impl Value<'_, '_> {
    /// Runs `visit` over a collection's entries and checks they were all read.
    fn collection<'de, V: Visitor<'de>>(self, visitor: V, map: bool) -> Result<V::Value, Bail> {
        let p = self.0;
        let kind = match (std::mem::take(&mut p.node), map) {
            (Node::BlockMap(indent), true) => Kind::BlockMap(indent),
            (Node::FlowMap, true) => Kind::FlowMap,
            (Node::BlockSeq(indent), false) => Kind::BlockSeq(indent),
            (Node::FlowSeq(_), false) => Kind::FlowSeq,
            _ => {
                return bail(if map {
                    "expected a mapping"
                } else {
                    "expected a sequence"
                });
            }
        };
        p.enter()?;
        let mut hint = 0;
        if matches!(kind, Kind::FlowMap | Kind::FlowSeq) {
            p.i += 1; // `{` or `[`
            if matches!(kind, Kind::FlowSeq) {
                // Room for as many items as there are commas on the line (a guess).
                hint = commas_on_line(p.b, p.i) + 1;
            }
        }
        let mut access = Entries {
            p,
            kind,
            first: true,
            done: false,
            hint,
        };
        let value = if map {
            visitor.visit_map(&mut access)?
        } else {
            visitor.visit_seq(&mut access)?
        };
        if !access.done {
            return bail("collection not read to its end");
        }
        access.p.leave();
        Ok(value)
    }

    #[inline]
    fn string<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match std::mem::take(&mut self.0.node) {
            Node::Str(s, _) => visitor.visit_str(s),
            Node::Owned(_) => visitor.visit_string(std::mem::take(&mut self.0.owned)),
            _ => bail("expected a scalar"),
        }
    }
}

impl<'de> de::Deserializer<'de> for Value<'_, '_> {
    type Error = Bail;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.0.node {
            Node::Null => visitor.visit_unit(),
            Node::Str(..) | Node::Owned(_) => self.string(visitor),
            Node::BlockMap(_) | Node::FlowMap => self.collection(visitor, true),
            Node::BlockSeq(_) | Node::FlowSeq(_) => self.collection(visitor, false),
        }
    }

    #[inline]
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        match self.0.node {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.string(visitor)
    }

    #[inline]
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.string(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Bail> {
        self.collection(visitor, true)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.collection(visitor, true)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.collection(visitor, false)
    }

    #[inline]
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, Bail> {
        if name != FAST_SPANNED {
            return visitor.visit_newtype_struct(self);
        }
        let pos = match &self.0.node {
            Node::Str(_, pos) | Node::Owned(pos) | Node::FlowSeq(pos) => *pos,
            _ => return bail("no position for this node"),
        };
        let mut access = SpannedAccess {
            pos: Some(pos),
            value: Some(self),
        };
        let value = visitor.visit_seq(&mut access)?;
        if access.value.is_some() {
            return bail("spanned value not read");
        }
        Ok(value)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Bail> {
        self.deserialize_any(de::IgnoredAny)?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct tuple tuple_struct enum identifier
    }
}

#[derive(Clone, Copy)]
enum Kind {
    BlockMap(usize),
    BlockSeq(usize),
    FlowMap,
    FlowSeq,
}

/// The entries of a mapping or the items of a sequence, read as serde asks.
struct Entries<'p, 'a> {
    p: &'p mut Parser<'a>,
    kind: Kind,
    first: bool,
    /// The end of the collection was read.
    done: bool,
    /// Items expected (flow sequences; a guess for `Vec::with_capacity`).
    hint: usize,
}

impl Entries<'_, '_> {
    /// Whether a block collection in column `indent` goes on, after its
    /// previous entry (`dash`: a sequence).
    fn block_continues(&mut self, indent: usize, dash: bool) -> Result<bool, Bail> {
        if self.first {
            return Ok(true);
        }
        match self.p.indent {
            Some(m) if m == indent => {
                if dash {
                    Ok(self.p.dash_like())
                } else if self.p.key_like() {
                    Ok(true)
                } else {
                    bail("not a key where one was expected")
                }
            }
            Some(m) if m > indent => bail("unexpected indentation"),
            _ => Ok(false),
        }
    }
}

impl<'de> MapAccess<'de> for &mut Entries<'_, '_> {
    type Error = Bail;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Bail> {
        if self.done {
            return Ok(None);
        }
        let more = match self.kind {
            Kind::BlockMap(indent) => self.block_continues(indent, false)?,
            Kind::FlowMap => self.p.flow_next(b'}', self.first)?,
            Kind::BlockSeq(_) | Kind::FlowSeq => return bail("a sequence read as a mapping"),
        };
        self.first = false;
        if !more {
            self.done = true;
            return Ok(None);
        }
        let key = self.p.key()?;
        seed.deserialize(de::value::StrDeserializer::<Bail>::new(key)).map(Some)
    }

    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Bail> {
        match self.kind {
            Kind::BlockMap(indent) => {
                let on_line = self.p.map_value(indent)?;
                let value = seed.deserialize(Value(self.p))?;
                if on_line {
                    self.p.end_line()?;
                }
                Ok(value)
            }
            Kind::FlowMap => {
                match self.p.at(self.p.i) {
                    b' ' => {
                        self.p.skip_flow_spaces()?;
                        if matches!(self.p.at(self.p.i), b',' | b'}') {
                            self.p.node = Node::Null;
                        } else {
                            self.p.flow_value()?;
                        }
                    }
                    b',' | b'}' => self.p.node = Node::Null,
                    _ => return bail("no space after a colon in a flow mapping"),
                }
                seed.deserialize(Value(self.p))
            }
            Kind::BlockSeq(_) | Kind::FlowSeq => bail("a sequence read as a mapping"),
        }
    }
}

impl<'de> SeqAccess<'de> for &mut Entries<'_, '_> {
    type Error = Bail;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Bail> {
        if self.done {
            return Ok(None);
        }
        match self.kind {
            Kind::BlockSeq(indent) => {
                let more = self.block_continues(indent, true)?;
                self.first = false;
                if !more {
                    self.done = true;
                    return Ok(None);
                }
                let on_line = self.p.seq_item()?;
                let value = seed.deserialize(Value(self.p))?;
                if on_line {
                    self.p.end_line()?;
                }
                Ok(Some(value))
            }
            Kind::FlowSeq => {
                let more = self.p.flow_next(b']', self.first)?;
                self.first = false;
                if !more {
                    self.done = true;
                    return Ok(None);
                }
                self.p.flow_value()?;
                seed.deserialize(Value(self.p)).map(Some)
            }
            Kind::BlockMap(_) | Kind::FlowMap => bail("a mapping read as a sequence"),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.hint)
    }
}

/// What [`super::spanned::Spanned`] reads from the fast front end: the
/// position, then the value.
struct SpannedAccess<'p, 'a> {
    pos: Option<Pos>,
    value: Option<Value<'p, 'a>>,
}

impl<'de> SeqAccess<'de> for &mut SpannedAccess<'_, '_> {
    type Error = Bail;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Bail> {
        if let Some(pos) = self.pos.take() {
            return seed.deserialize(PosDeserializer::<Bail>::new(pos)).map(Some);
        }
        match self.value.take() {
            Some(value) => seed.deserialize(value).map(Some),
            None => Ok(None),
        }
    }
}

/// What [`compare_with_saphyr`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// The fast front end gave up (why); serde-saphyr alone decides.
    Bailed(Bail),
    /// Both read the file, with the same values and positions.
    Same,
    /// The fast front end accepted the file and serde-saphyr disagrees: a bug.
    Differ(String),
}

/// For the differential test and the `load_fast` fuzz target: reads `text`
/// as the content file `name` (`projects.yaml`, …; `None` for a name
/// [`files`](crate::files) does not declare as YAML) with this front end
/// and, when it accepts, with serde-saphyr as
/// [`parse_yaml`](crate::load::parse_yaml) calls it, and compares the two
/// results through their `Debug` output (values and positions).
pub fn compare_with_saphyr(name: &str, text: &str) -> Option<Comparison> {
    crate::files::by_name(name)?.compare_fast(text)
}

/// [`compare_with_saphyr`] for the schema type `T`.
pub(crate) fn compare<T: DeserializeOwned + fmt::Debug>(text: &str) -> Comparison {
    let fast = match from_str::<T>(text) {
        Ok(value) => value,
        Err(why) => return Comparison::Bailed(why),
    };
    let options = serde_saphyr::options! { with_snippet: false };
    match serde_saphyr::from_str_with_options::<T>(text, options) {
        Ok(saphyr) => {
            let (fast, saphyr) = (format!("{fast:#?}"), format!("{saphyr:#?}"));
            if fast == saphyr {
                Comparison::Same
            } else {
                let line = fast.lines().zip(saphyr.lines()).position(|(a, b)| a != b).unwrap_or(0);
                let show = |s: &str| {
                    s.lines()
                        .skip(line.saturating_sub(8))
                        .take(12)
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                Comparison::Differ(format!("fast:\n{}\nserde-saphyr:\n{}", show(&fast), show(&saphyr)))
            }
        }
        Err(e) => Comparison::Differ(format!("serde-saphyr rejects what the fast front end accepted: {e}")),
    }
}
