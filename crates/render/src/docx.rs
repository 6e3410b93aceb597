//! The disclosure document as .docx (WordprocessingML), written from the
//! canonical Markdown.
//!
//! The layout follows GB/T 9704 (党政机关公文格式) where it applies to a
//! budget disclosure: A4 portrait, margins 37/35/28/26 mm, body text 仿宋
//! 三号 (16 pt) on a fixed 28 pt line with a two-character first-line indent,
//! page numbers "— 1 —" centred in the footer. Tables are 宋体 10.5 pt
//! (9 pt or 7.5 pt when they have many columns), bordered, as wide as the
//! type area, with the header row repeated on every page.
//!
//! Markdown conventions (see [`markdown_to_docx`]):
//!
//! | Markdown | Word |
//! | --- | --- |
//! | `# 标题` | style `Title`: 宋体 bold 18 pt, centred |
//! | `## 第一部分 …` | `Heading1`: 黑体 16 pt, centred |
//! | `### 一、…` | `Heading2`: 黑体 16 pt |
//! | `### 部门预算收支总表` (no enumerator, a table follows) | `TableTitle`: 宋体 bold 16 pt, centred |
//! | paragraphs between such a title and its table | `TableMeta`: 宋体 10.5 pt; two or three lines are set on one line, left / centre / right |
//! | `#### 1、…` | `Heading3`: 楷体 bold 16 pt |
//! | `#####`, `######` | `Heading4`: 仿宋 bold 16 pt |
//! | paragraph | `Normal` |
//! | `注：…` right after a table | `Note`: 宋体 10.5 pt |
//! | pipe table | `TableGrid` table; header cells in `TH` (Table Header: centred, bold), amounts in `TN` (Table Number: right), other cells in `TD` (Table Text: 宋体 10.5 pt, left; `TDC` / `TDR` for a column centred / right-aligned in the Markdown) |
//! | `<!-- pagebreak -->` | page break |
//!
//! Every table cell names its paragraph style, so those style ids are short;
//! Word shows the names. A table smaller than 10.5 pt sets its size with a
//! character style on each run (`S18`, `S15`: 9 pt, 7.5 pt).
//!
//! Any other raw HTML is dropped (an inline `<br>` becomes a line break).
//! The output is deterministic: the same Markdown and [`DocxMeta`] always
//! give the same bytes.

use std::borrow::Cow;

use crate::md_tables::Piece;
use pulldown_cmark::{Alignment, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Document properties written to `docProps/core.xml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocxMeta {
    /// `dc:title`.
    pub title: String,
    /// `dc:creator`: the department.
    pub author: String,
    /// `dcterms:created` (and `dcterms:modified`), a W3C date-time such as
    /// `2022-01-01T00:00:00Z`. Fixed by the caller so output is reproducible.
    pub created: String,
}

/// Why a .docx could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// `DocxMeta::created` is not a W3C date-time (Word refuses such a file).
    #[error("created date {0:?} is not a W3C date-time such as 2022-01-01T00:00:00Z")]
    InvalidCreated(String),
    /// The zip container could not be written.
    #[error("writing the .docx package: {0}")]
    Zip(#[from] gongkai_ooxml::ZipError),
    /// Writing into the in-memory buffer failed.
    #[error("writing the .docx package: {0}")]
    Io(#[from] std::io::Error),
}

/// Renders the canonical Markdown of a disclosure as a .docx file.
///
/// Markdown is parsed with pulldown-cmark (GFM tables on, nothing else).
/// Soft line breaks add no space next to CJK text (a space only between two
/// Latin characters); hard breaks become `w:br`.
pub fn markdown_to_docx(markdown: &str, meta: &DocxMeta) -> Result<Vec<u8>, DocxError> {
    if !is_w3cdtf(&meta.created) {
        return Err(DocxError::InvalidCreated(meta.created.clone()));
    }
    let blocks = parse(markdown);
    // The XML is some six times the Markdown; room to spare costs nothing
    // until it is written.
    let document = render_document(&blocks, markdown.len() * 8 + 4096);

    let parts: [(&str, String); 10] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("docProps/core.xml", core_xml(meta)),
        ("docProps/app.xml", APP_XML.to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", SETTINGS_XML.to_string()),
        ("word/fontTable.xml", FONT_TABLE_XML.to_string()),
        ("word/footer1.xml", FOOTER_XML.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
    ];
    // Small parts stored, large ones deflated at the fast level.
    Ok(gongkai_ooxml::zip_package(&parts)?)
}

// ---------------------------------------------------------------------------
// Page geometry (twips: 1/20 pt; 1 mm ≈ 56.7 twips)

const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
const MARGIN_TOP: u32 = 2098;
const MARGIN_BOTTOM: u32 = 1984;
const MARGIN_LEFT: u32 = 1587;
const MARGIN_RIGHT: u32 = 1474;
/// Width of the type area (版心): 156 mm.
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;

const LATIN: &str = "Times New Roman";

// ---------------------------------------------------------------------------
// Intermediate form: blocks of inline runs

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Format {
    bold: bool,
    italic: bool,
}

/// Text borrows from the Markdown where it can: most of it is never
/// copied before it is escaped into the XML.
#[derive(Debug, Clone, PartialEq)]
enum Inline<'a> {
    Text(Cow<'a, str>, Format),
    /// Hard break (`w:br`).
    Break,
    /// Soft break: a space between Latin words, nothing next to CJK.
    Soft,
}

#[derive(Debug)]
struct TableRow<'a> {
    header: bool,
    cells: Vec<Vec<Inline<'a>>>,
}

#[derive(Debug)]
enum Block<'a> {
    Heading {
        level: u8,
        inlines: Vec<Inline<'a>>,
    },
    Paragraph {
        inlines: Vec<Inline<'a>>,
        plain: bool,
    },
    Table {
        aligns: Vec<Alignment>,
        rows: Vec<TableRow<'a>>,
    },
    PageBreak,
}

/// The text of some inlines, borrowed when they are one text run (most
/// table cells).
fn cell_text<'s>(inlines: &'s [Inline<'_>]) -> Cow<'s, str> {
    match inlines {
        [] => Cow::Borrowed(""),
        [Inline::Text(t, _)] => Cow::Borrowed(t.as_ref()),
        _ => Cow::Owned(inline_text(inlines)),
    }
}

fn inline_text(inlines: &[Inline<'_>]) -> String {
    let mut s = String::new();
    for inline in inlines {
        if let Inline::Text(t, _) = inline {
            s.push_str(t);
        }
    }
    s
}

fn is_blank(inlines: &[Inline<'_>]) -> bool {
    inlines.iter().all(|i| match i {
        Inline::Text(t, _) => t.trim().is_empty(),
        Inline::Break | Inline::Soft => true,
    })
}

fn push_text<'a>(buf: &mut Vec<Inline<'a>>, text: Cow<'a, str>, fmt: Format) {
    if text.is_empty() {
        return;
    }
    if let Some(Inline::Text(prev, prev_fmt)) = buf.last_mut()
        && *prev_fmt == fmt
    {
        prev.to_mut().push_str(&text);
        return;
    }
    buf.push(Inline::Text(text, fmt));
}

#[derive(Default)]
struct TableBuilder<'a> {
    aligns: Vec<Alignment>,
    rows: Vec<TableRow<'a>>,
    row: Vec<Vec<Inline<'a>>>,
    cell: Option<Vec<Inline<'a>>>,
}

#[derive(Default)]
struct Collector<'a> {
    blocks: Vec<Block<'a>>,
    /// The paragraph, heading or list item being filled.
    inlines: Option<Vec<Inline<'a>>>,
    heading: Option<u8>,
    /// Number text of the list item whose first paragraph has not started.
    item_prefix: Option<String>,
    /// Next number for each open list (`None`: bullet list).
    lists: Vec<Option<u64>>,
    table: Option<TableBuilder<'a>>,
    html: Option<String>,
    code: Option<String>,
    bold: u32,
    italic: u32,
    /// Inside an image: its alt text is not shown.
    image: u32,
}

impl<'a> Collector<'a> {
    fn format(&self) -> Format {
        Format {
            bold: self.bold > 0,
            italic: self.italic > 0,
        }
    }

    /// The inline buffer text goes to, opened on demand.
    fn target(&mut self) -> &mut Vec<Inline<'a>> {
        if let Some(table) = self.table.as_mut() {
            return table.cell.get_or_insert_with(Vec::new);
        }
        let item_prefix = &mut self.item_prefix;
        self.inlines.get_or_insert_with(|| {
            let mut v = Vec::new();
            if let Some(prefix) = item_prefix.take() {
                v.push(Inline::Text(Cow::Owned(prefix), Format::default()));
            }
            v
        })
    }

    fn text(&mut self, text: CowStr<'a>) {
        if self.image > 0 {
            return;
        }
        if let Some(code) = self.code.as_mut() {
            code.push_str(&text);
            return;
        }
        let text = match text {
            CowStr::Borrowed(t) => Cow::Borrowed(t),
            other => Cow::Owned(other.into_string()),
        };
        let fmt = self.format();
        let buf = self.target();
        // "1." before a Latin word gets a space; before CJK it does not.
        if let [Inline::Text(prefix, f)] = buf.as_mut_slice()
            && *f == Format::default()
            && prefix.ends_with('.')
            && text.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        {
            prefix.to_mut().push(' ');
        }
        push_text(buf, text, fmt);
    }

    fn flush(&mut self) {
        let level = self.heading.take();
        if let Some(inlines) = self.inlines.take()
            && !is_blank(&inlines)
        {
            self.blocks.push(match level {
                Some(level) => Block::Heading { level, inlines },
                None => Block::Paragraph { inlines, plain: false },
            });
        }
    }

    fn event(&mut self, event: Event<'a>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => self.text(t),
            Event::Html(html) => {
                if let Some(h) = self.html.as_mut() {
                    h.push_str(&html);
                }
            }
            Event::InlineHtml(html) => {
                if is_br_tag(&html) && self.image == 0 {
                    self.target().push(Inline::Break);
                }
            }
            Event::SoftBreak => {
                if let Some(code) = self.code.as_mut() {
                    code.push('\n');
                } else if self.image == 0 {
                    self.target().push(Inline::Soft);
                }
            }
            Event::HardBreak => {
                if self.image == 0 {
                    self.target().push(Inline::Break);
                }
            }
            Event::Rule | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.heading = Some(heading_level(level));
                self.inlines = Some(Vec::new());
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some(String::new());
            }
            Tag::HtmlBlock => {
                self.flush();
                self.html = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                self.item_prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let prefix = format!("{n}.");
                        *n += 1;
                        Some(prefix)
                    }
                    _ => None,
                };
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(TableBuilder {
                    aligns,
                    ..TableBuilder::default()
                });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.row = Vec::with_capacity(t.aligns.len());
                }
            }
            Tag::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    t.cell = Some(Vec::new());
                }
            }
            Tag::Strong => self.bold += 1,
            Tag::Emphasis => self.italic += 1,
            Tag::Image { .. } => self.image += 1,
            Tag::BlockQuote(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => self.flush(),
            Tag::Strikethrough | Tag::Superscript | Tag::Subscript | Tag::Link { .. } | Tag::MetadataBlock(_) => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                self.item_prefix = None;
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    let mut inlines = Vec::new();
                    for (i, line) in code.trim_end_matches('\n').split('\n').enumerate() {
                        if i > 0 {
                            inlines.push(Inline::Break);
                        }
                        push_text(&mut inlines, Cow::Owned(line.to_string()), Format::default());
                    }
                    if !is_blank(&inlines) {
                        self.blocks.push(Block::Paragraph { inlines, plain: true });
                    }
                }
            }
            TagEnd::HtmlBlock => {
                if let Some(html) = self.html.take() {
                    for line in html.lines() {
                        if is_pagebreak(line) {
                            self.blocks.push(Block::PageBreak);
                        }
                    }
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    let cells = std::mem::take(&mut t.row);
                    t.rows.push(TableRow {
                        header: tag == TagEnd::TableHead,
                        cells,
                    });
                }
            }
            TagEnd::TableCell => {
                if let Some(t) = self.table.as_mut() {
                    let cell = t.cell.take().unwrap_or_default();
                    t.row.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.blocks.push(Block::Table {
                        aligns: t.aligns,
                        rows: t.rows,
                    });
                }
            }
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            TagEnd::BlockQuote(_)
            | TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => self.flush(),
            TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::MetadataBlock(_) => {}
        }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// `<!-- pagebreak -->` (any case and inner spacing).
fn is_pagebreak(line: &str) -> bool {
    let line = line.trim();
    line.strip_prefix("<!--")
        .and_then(|l| l.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim().eq_ignore_ascii_case("pagebreak"))
}

/// `<br>`, `<br/>`, `<br />`.
fn is_br_tag(html: &str) -> bool {
    let inner = html
        .trim()
        .strip_prefix('<')
        .and_then(|h| h.strip_suffix('>'))
        .map(|h| h.trim_end_matches('/').trim());
    inner.is_some_and(|h| h.eq_ignore_ascii_case("br"))
}

fn parse(markdown: &str) -> Vec<Block<'_>> {
    let mut collector = Collector::default();
    // The generated tables of plain cells are taken as they are; only the
    // text between them goes through pulldown-cmark (see `md_tables`).
    for piece in crate::md_tables::pieces(markdown) {
        match piece {
            Piece::Text(text) => {
                for event in Parser::new_ext(text, Options::ENABLE_TABLES) {
                    collector.event(event);
                }
            }
            Piece::Table(table) => {
                collector.flush();
                let mut rows = Vec::with_capacity(table.rows.len() + 1);
                rows.push(plain_row(true, &table.header));
                rows.extend(table.rows.iter().map(|r| plain_row(false, r)));
                collector.blocks.push(Block::Table {
                    aligns: table.aligns,
                    rows,
                });
            }
        }
    }
    collector.flush();
    with_stars_paired(collector.blocks)
}

/// The blocks with [`pair_leftover_stars`] applied to their text.
fn with_stars_paired(mut blocks: Vec<Block<'_>>) -> Vec<Block<'_>> {
    for block in &mut blocks {
        match block {
            Block::Heading { inlines, .. } | Block::Paragraph { inlines, plain: false } => pair_leftover_stars(inlines),
            Block::Table { rows, .. } => {
                for cell in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                    pair_leftover_stars(cell);
                }
            }
            Block::Paragraph { plain: true, .. } | Block::PageBreak => {}
        }
    }
    blocks
}

/// A row of plain cells, as the collector would have built it.
fn plain_row<'a>(header: bool, cells: &[&'a str]) -> TableRow<'a> {
    TableRow {
        header,
        cells: cells
            .iter()
            .map(|c| match *c {
                "" => Vec::new(),
                text => vec![Inline::Text(Cow::Borrowed(text), Format::default())],
            })
            .collect(),
    }
}

/// CommonMark does not close `**` between CJK punctuation and a letter
/// (`**（一）机关运行经费。**2022年`): its flanking rules were made for
/// spaced scripts. Such `**` come through as text; pairs of them inside one
/// text run are taken as the bold the writer meant.
fn pair_leftover_stars(inlines: &mut Vec<Inline<'_>>) {
    if !inlines
        .iter()
        .any(|i| matches!(i, Inline::Text(t, _) if t.contains('*') && t.matches("**").count() >= 2))
    {
        return;
    }
    let mut out = Vec::with_capacity(inlines.len());
    for inline in inlines.drain(..) {
        match inline {
            Inline::Text(t, fmt) if t.matches("**").count() >= 2 => {
                let parts: Vec<&str> = t.split("**").collect();
                // An odd `**` out stays literal at the end.
                let paired = if parts.len() % 2 == 1 {
                    parts.len()
                } else {
                    parts.len() - 1
                };
                for (k, part) in parts[..paired].iter().enumerate() {
                    let bold = fmt.bold || k % 2 == 1;
                    push_text(&mut out, Cow::Owned(part.to_string()), Format { bold, ..fmt });
                }
                if paired < parts.len() {
                    push_text(&mut out, Cow::Owned(format!("**{}", parts[paired])), fmt);
                }
            }
            other => out.push(other),
        }
    }
    *inlines = out;
}

// ---------------------------------------------------------------------------
// Text measures

/// Wide (full-width) characters: CJK ideographs, kana, hangul, CJK and
/// full-width punctuation.
fn is_wide(c: char) -> bool {
    c >= '\u{1100}'
        && matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// Width in half-ems (a CJK character is 2, a Latin one 1).
fn display_width(s: &str) -> u32 {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// A line's width, the width of its widest unbreakable stretch (Latin
/// words and numbers do not break; CJK breaks anywhere), both in half-ems,
/// and whether it has wide characters: one pass for what
/// [`display_width`] and [`is_wide`] would tell.
fn measure(line: &str) -> (u32, u32, bool) {
    let (mut width, mut word, mut widest, mut any_wide) = (0, 0, 0, false);
    for c in line.chars() {
        let wide = is_wide(c);
        width += if wide { 2 } else { 1 };
        if wide || c.is_whitespace() {
            any_wide |= wide;
            widest = widest.max(word);
            word = 0;
        } else {
            word += 1;
        }
    }
    (width, widest.max(word), any_wide)
}

/// Whether a soft break between `a` and `b` is a space.
fn soft_space(a: char, b: char) -> bool {
    !a.is_whitespace() && !b.is_whitespace() && !is_wide(a) && !is_wide(b)
}

/// A cell whose whole text is an amount: `2100.32`, `-1,234`, `12.5%`.
fn is_number(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix(['-', '+', '−']).unwrap_or(s);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.starts_with(|c: char| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// Headings numbered like 一、 （一） 1、 1. 第一部分 are section headings,
/// never table titles.
fn is_enumerated(s: &str) -> bool {
    let s = s.trim_start();
    if s.starts_with(['（', '(']) || s.starts_with('第') {
        return true;
    }
    let lead: String = s
        .chars()
        .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(*c))
        .collect();
    !lead.is_empty() && s[lead.len()..].starts_with(['、', '.', '．', ' ', '　'])
}

fn is_note(s: &str) -> bool {
    let s = s.trim_start();
    s.starts_with("注：") || s.starts_with("注:")
}

// ---------------------------------------------------------------------------
// XML

/// Escapes text for XML content and attribute values and drops characters
/// XML 1.0 does not allow (C0 controls other than tab/LF/CR, U+FFFE, U+FFFF)
/// as well as C1 controls and DEL.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_esc(&mut out, s, false);
    out
}

/// Appends `s` escaped as [`esc`] does, copying the stretches that need no
/// change in one go; `drop_cr` also drops carriage returns.
fn push_esc(out: &mut String, s: &str, drop_cr: bool) {
    let bytes = s.as_bytes();
    // `start..i` is the stretch still to copy. It only ever ends before an
    // ASCII byte or the first byte of a character, so it is valid UTF-8.
    let mut start = 0;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (len, replacement) = match b {
            b'&' => (1, "&amp;"),
            b'<' => (1, "&lt;"),
            b'>' => (1, "&gt;"),
            b'"' => (1, "&quot;"),
            b'\'' => (1, "&apos;"),
            b'\r' if drop_cr => (1, ""),
            b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            0x00..=0x1F | 0x7F => (1, ""),
            // C1 controls: U+0080..U+009F.
            0xC2 if bytes.get(i + 1).is_some_and(|c| (0x80..=0x9F).contains(c)) => (2, ""),
            // U+FFFE, U+FFFF.
            0xEF if bytes.get(i + 1) == Some(&0xBF) && matches!(bytes.get(i + 2), Some(0xBE | 0xBF)) => (3, ""),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(s.get(start..i).unwrap_or_default());
        out.push_str(replacement);
        i += len;
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// Run content: `w:t` for text, `w:tab` for tabs, `w:br` for newlines.
/// `xml:space="preserve"` only where white space would otherwise be lost:
/// at either end of the text, or two spaces in a row.
fn write_text(out: &mut String, mut text: &str) {
    loop {
        let cut = text.bytes().position(|b| b == b'\n' || b == b'\t');
        let part = cut.and_then(|c| text.get(..c)).unwrap_or(text);
        let open = out.len();
        out.push_str("<w:t>");
        let start = out.len();
        push_esc(out, part, true);
        let written = &out[start..];
        if written.is_empty() {
            out.truncate(open);
        } else {
            if written.starts_with(char::is_whitespace)
                || written.ends_with(char::is_whitespace)
                || (written.contains(' ') && written.contains("  "))
            {
                // Rare: moving the text a few bytes costs less than a second pass.
                out.insert_str(open + "<w:t".len(), " xml:space=\"preserve\"");
            }
            out.push_str("</w:t>");
        }
        let Some(cut) = cut else { break };
        out.push_str(if text.as_bytes().get(cut) == Some(&b'\t') {
            "<w:tab/>"
        } else {
            "<w:br/>"
        });
        text = text.get(cut + 1..).unwrap_or_default();
    }
}

fn rfonts(east_asia: &str) -> String {
    format!(
        "<w:rFonts w:ascii=\"{LATIN}\" w:hAnsi=\"{LATIN}\" w:eastAsia=\"{east_asia}\" w:cs=\"{LATIN}\" w:hint=\"eastAsia\"/>"
    )
}

/// Run properties added on top of the paragraph style.
#[derive(Debug, Clone, Copy, Default)]
struct RunProps<'a> {
    /// The paragraph style is bold already: bold text needs nothing more.
    style_bold: bool,
    /// Character style of every run (the size of a small table), if any.
    char_style: Option<&'a str>,
}

fn run(out: &mut String, text: &str, fmt: Format, base: RunProps<'_>) {
    out.push_str("<w:r>");
    let bold = fmt.bold && !base.style_bold;
    if bold || fmt.italic || base.char_style.is_some() {
        out.push_str("<w:rPr>");
        if let Some(style) = base.char_style {
            out.push_str("<w:rStyle w:val=\"");
            out.push_str(style);
            out.push_str("\"/>");
        }
        if bold {
            out.push_str("<w:b/><w:bCs/>");
        }
        if fmt.italic {
            out.push_str("<w:i/><w:iCs/>");
        }
        out.push_str("</w:rPr>");
    }
    write_text(out, text);
    out.push_str("</w:r>");
}

fn runs(out: &mut String, inlines: &[Inline], base: RunProps<'_>) {
    for (i, inline) in inlines.iter().enumerate() {
        match inline {
            Inline::Text(t, fmt) => run(out, t, *fmt, base),
            Inline::Break => out.push_str("<w:r><w:br/></w:r>"),
            Inline::Soft => {
                let before = inlines[..i].iter().rev().find_map(|x| match x {
                    Inline::Text(t, _) => t.chars().next_back(),
                    _ => None,
                });
                let after = inlines[i + 1..].iter().find_map(|x| match x {
                    Inline::Text(t, _) => t.chars().next(),
                    _ => None,
                });
                if let (Some(a), Some(b)) = (before, after)
                    && soft_space(a, b)
                {
                    run(out, " ", Format::default(), base);
                }
            }
        }
    }
}

/// A paragraph in style `style`; `ppr` is more of its `w:pPr`. `Normal`,
/// the default paragraph style, goes without saying.
fn paragraph(out: &mut String, style: &str, ppr: &str, inlines: &[Inline], base: RunProps<'_>) {
    let named = style != "Normal";
    if named || !ppr.is_empty() {
        out.push_str("<w:p><w:pPr>");
        if named {
            push_pstyle(out, style);
        }
        out.push_str(ppr);
        out.push_str("</w:pPr>");
    } else {
        out.push_str("<w:p>");
    }
    runs(out, inlines, base);
    out.push_str("</w:p>");
}

fn push_pstyle(out: &mut String, id: &str) {
    out.push_str("<w:pStyle w:val=\"");
    out.push_str(id);
    out.push_str("\"/>");
}

// ---------------------------------------------------------------------------
// document.xml

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Styled(&'static str),
    TableTitle,
    Meta,
    Note,
    Plain,
    Body,
    Table,
    PageBreak,
}

/// Index of the table a level-3 heading at `i` is the title of: the table
/// follows after at most three paragraphs (the header lines).
fn titled_table(blocks: &[Block], i: usize) -> Option<usize> {
    let mut paragraphs = 0;
    for (j, block) in blocks.iter().enumerate().skip(i + 1) {
        match block {
            Block::Paragraph { .. } if paragraphs < 3 => paragraphs += 1,
            Block::Table { .. } => return Some(j),
            _ => return None,
        }
    }
    None
}

fn roles(blocks: &[Block]) -> Vec<Role> {
    let mut roles = Vec::with_capacity(blocks.len());
    let mut meta_until = 0;
    for (i, block) in blocks.iter().enumerate() {
        let role = match block {
            Block::Heading { level: 1, .. } => Role::Styled("Title"),
            Block::Heading { level: 2, .. } => Role::Styled("Heading1"),
            Block::Heading { level: 3, inlines } => match titled_table(blocks, i) {
                Some(table) if !is_enumerated(&inline_text(inlines)) => {
                    meta_until = table;
                    Role::TableTitle
                }
                _ => Role::Styled("Heading2"),
            },
            Block::Heading { level: 4, .. } => Role::Styled("Heading3"),
            Block::Heading { .. } => Role::Styled("Heading4"),
            Block::Paragraph { .. } if i < meta_until => Role::Meta,
            Block::Paragraph { inlines, .. }
                if i > 0 && matches!(blocks[i - 1], Block::Table { .. }) && is_note(&inline_text(inlines)) =>
            {
                Role::Note
            }
            Block::Paragraph { plain: true, .. } => Role::Plain,
            Block::Paragraph { .. } => Role::Body,
            Block::Table { .. } => Role::Table,
            Block::PageBreak => Role::PageBreak,
        };
        roles.push(role);
    }
    roles
}

/// `word/document.xml`, written into one buffer of about `capacity` bytes.
fn render_document(blocks: &[Block], capacity: usize) -> String {
    let roles = roles(blocks);
    let mut out = String::with_capacity(capacity);
    out.push_str(XML_DECL);
    out.push_str("<w:document xmlns:w=\"");
    out.push_str(NS_W);
    out.push_str("\" xmlns:r=\"");
    out.push_str(NS_R);
    out.push_str("\"><w:body>");
    let body = &mut out;
    let mut i = 0;
    while i < blocks.len() {
        match (&blocks[i], roles[i]) {
            (Block::Heading { inlines, .. }, Role::Styled(style)) => {
                paragraph(body, style, "", inlines, RunProps::default());
            }
            (Block::Heading { inlines, .. }, _) => {
                paragraph(body, "TableTitle", "", inlines, RunProps::default());
            }
            (Block::Paragraph { .. }, Role::Meta) => {
                let start = i;
                while i + 1 < blocks.len() && roles[i + 1] == Role::Meta {
                    i += 1;
                }
                table_meta(body, &blocks[start..=i]);
            }
            (Block::Paragraph { inlines, .. }, role) => {
                let (style, ppr) = match role {
                    Role::Note => ("Note", ""),
                    Role::Plain => (
                        "Normal",
                        "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"left\"/>",
                    ),
                    _ => ("Normal", ""),
                };
                paragraph(body, style, ppr, inlines, RunProps::default());
            }
            (Block::Table { aligns, rows }, _) => table(body, aligns, rows),
            (Block::PageBreak, _) => body.push_str(PAGE_BREAK),
        }
        i += 1;
    }
    // Word wants a paragraph after a final table, and at least one paragraph.
    if matches!(blocks.last(), None | Some(Block::Table { .. })) {
        out.push_str("<w:p/>");
    }
    out.push_str(&sect_pr());
    out.push_str("</w:body></w:document>");
    out
}

/// A page break in a paragraph of its own, kept 1 pt high so the paragraph
/// mark that lands on the next page takes no room.
const PAGE_BREAK: &str = "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr><w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr><w:r><w:br w:type=\"page\"/></w:r></w:p>";

fn sect_pr() -> String {
    format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/>\
         <w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" w:left=\"{MARGIN_LEFT}\" w:header=\"851\" w:footer=\"1134\" w:gutter=\"0\"/>\
         <w:pgNumType w:fmt=\"decimal\"/><w:cols w:space=\"425\"/><w:docGrid w:linePitch=\"312\"/></w:sectPr>"
    )
}

/// The table sizes below the 10.5 pt of `TD` (Table Text), in half-points, with
/// the character style that sets them and its name.
const SMALL_TABLE_SIZES: [(u32, &str, &str); 2] = [(18, "S18", "Table Text 9 pt"), (15, "S15", "Table Text 7.5 pt")];

/// Table size in half-points and cell side margin, by column count; long
/// tables (such as the 33-line 收支总表) step down one size to fit a page.
fn table_font(columns: usize, rows: usize) -> (u32, u32) {
    match (columns, rows > 28) {
        (0..=6, false) => (21, 85),
        (0..=6, true) | (7..=9, _) => (18, 57),
        _ => (15, 40),
    }
}

/// Header lines of a table (部门, 预算年度, 单位). Two or three short lines
/// share one line: left, centre (or right), right. Otherwise each is a
/// line of its own.
fn table_meta(out: &mut String, blocks: &[Block]) {
    let mut lines: Vec<Vec<Inline>> = vec![Vec::new()];
    for block in blocks {
        if let Block::Paragraph { inlines, .. } = block {
            if lines.last().is_some_and(|l| !l.is_empty()) {
                lines.push(Vec::new());
            }
            for inline in inlines {
                match inline {
                    Inline::Break | Inline::Soft => lines.push(Vec::new()),
                    text => {
                        if let Some(line) = lines.last_mut() {
                            line.push(text.clone());
                        }
                    }
                }
            }
        }
    }
    lines.retain(|l| !is_blank(l));
    let base = RunProps::default();
    // 10.5 pt: a half-em is 105 twips.
    let widths: Vec<u32> = lines.iter().map(|l| display_width(&inline_text(l)) * 105).collect();
    let gap = 420;
    let tabs = match widths.as_slice() {
        [a, b] if a + gap + b <= TEXT_W => {
            Some(format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{TEXT_W}\"/></w:tabs>"))
        }
        [a, b, c] => {
            let centre = (TEXT_W / 2).max(a + gap + b / 2);
            (centre + b / 2 + gap + c <= TEXT_W).then(|| {
                format!(
                    "<w:tabs><w:tab w:val=\"center\" w:pos=\"{centre}\"/><w:tab w:val=\"right\" w:pos=\"{TEXT_W}\"/></w:tabs>"
                )
            })
        }
        _ => None,
    };
    match tabs {
        Some(tabs) => {
            out.push_str("<w:p><w:pPr>");
            push_pstyle(out, "TableMeta");
            out.push_str(&tabs);
            out.push_str("</w:pPr>");
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    out.push_str("<w:r><w:tab/></w:r>");
                }
                runs(out, line, base);
            }
            out.push_str("</w:p>");
        }
        None => {
            for line in &lines {
                paragraph(out, "TableMeta", "", line, base);
            }
        }
    }
}

/// Column widths (twips) summing to the type area, after the CSS automatic
/// table layout. Each column has three widths: its unbreakable minimum, its
/// width with header cells wrapped onto two lines, and its full width. The
/// largest level whose sum fits is taken, and the room left is shared in
/// proportion to how much wider each column would like to be.
///
/// `numbers` says which cells are amounts, row by row, `columns` a row.
fn column_widths(rows: &[TableRow], numbers: &[bool], columns: usize, size: u32, margin: u32) -> Vec<u32> {
    let half_em = size * 10 / 2; // twips per half-em at `size` half-points
    let pad = 2 * margin + 60;
    let mut full = vec![0u32; columns];
    let mut wrapped = vec![0u32; columns];
    let mut minimum = vec![0u32; columns];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate().take(columns) {
            let mut nat = 0;
            let mut min = 0;
            for line in cell.split(|i| *i == Inline::Break) {
                let (width, word, wide) = measure(&cell_text(line));
                nat = nat.max(width);
                min = min.max(word);
                if wide {
                    min = min.max(if row.header { 4 } else { 2 });
                }
            }
            if numbers.get(r * columns + c).copied().unwrap_or(false) {
                min = nat;
            }
            // A header on two lines: half its width, in whole CJK characters.
            let wrap = if row.header { min.max(nat.div_ceil(4) * 2) } else { nat };
            full[c] = full[c].max(nat * half_em + pad);
            wrapped[c] = wrapped[c].max(wrap * half_em + pad);
            minimum[c] = minimum[c].max(min * half_em + pad);
        }
    }
    let sum = |v: &[u32]| v.iter().map(|w| u64::from(*w)).sum::<u64>();
    let avail = u64::from(TEXT_W);
    // `base` plus the room left, shared in proportion to `want - base`.
    let grow = |base: &[u32], want: &[u32]| -> Vec<u32> {
        let extra = avail.saturating_sub(sum(base));
        let wish: u64 = want
            .iter()
            .zip(base)
            .map(|(w, b)| u64::from(w.saturating_sub(*b)))
            .sum();
        base.iter()
            .zip(want)
            .map(|(b, w)| {
                let share = (extra * u64::from(w.saturating_sub(*b)))
                    .checked_div(wish)
                    .unwrap_or(extra / base.len().max(1) as u64);
                b + u32::try_from(share).unwrap_or(0)
            })
            .collect()
    };
    let scale = |v: &[u32]| -> Vec<u32> {
        let total = sum(v).max(1);
        v.iter()
            .map(|w| u32::try_from(u64::from(*w) * avail / total).unwrap_or(0))
            .collect()
    };
    for c in 0..columns {
        wrapped[c] = wrapped[c].max(minimum[c]).min(full[c].max(minimum[c]));
    }
    let mut widths = if sum(&full) <= avail {
        scale(&full)
    } else if sum(&wrapped) <= avail {
        grow(&wrapped, &full)
    } else if sum(&minimum) <= avail {
        grow(&minimum, &wrapped)
    } else {
        scale(&minimum)
    };
    let total: u32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last = (*last + TEXT_W).saturating_sub(total);
    }
    widths
}

/// Paragraph style of a table cell: header cells are centred and bold,
/// amounts right-aligned, other text as the Markdown column says (left by
/// default). Each style carries its alignment and weight (see
/// [`styles_xml`]), so a cell repeats none of it.
fn cell_style(header: bool, amount: bool, align: Option<&Alignment>) -> &'static str {
    if header {
        "TH"
    } else if amount {
        "TN"
    } else {
        match align {
            Some(Alignment::Center) => "TDC",
            Some(Alignment::Right) => "TDR",
            _ => "TD",
        }
    }
}

/// A table in style `TableGrid` (single borders, cells centred vertically),
/// with the cell margins of its size, fixed layout on a grid of the computed
/// column widths; each cell one paragraph in its [`cell_style`].
fn table(out: &mut String, aligns: &[Alignment], rows: &[TableRow]) {
    let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(aligns.len());
    if columns == 0 {
        return;
    }
    let (size, margin) = table_font(columns, rows.len());
    let numbers: Vec<bool> = rows
        .iter()
        .flat_map(|row| (0..columns).map(|c| row.cells.get(c).is_some_and(|cell| is_number(&cell_text(cell)))))
        .collect();
    let widths = column_widths(rows, &numbers, columns, size, margin);
    out.push_str("<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/>");
    out.push_str(&format!(
        "<w:tblLayout w:type=\"fixed\"/><w:tblCellMar><w:left w:w=\"{margin}\" w:type=\"dxa\"/><w:right w:w=\"{margin}\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" w:firstColumn=\"1\" w:lastColumn=\"0\" w:noHBand=\"0\" w:noVBand=\"1\"/></w:tblPr>"
    ));
    out.push_str("<w:tblGrid>");
    for w in &widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    // The size of a small table is a character style on each run, not part
    // of the cell styles: the paragraph mark keeps the 10.5 pt of `TD`, as
    // it always had, and Word counts the mark in the height of a cell's
    // last line.
    let char_style = SMALL_TABLE_SIZES.iter().find(|s| s.0 == size).map(|s| s.1);
    // 科目编码 and the like are identifiers, not amounts: kept left.
    let code_column: Vec<bool> = (0..columns)
        .map(|c| {
            rows.iter().filter(|r| r.header).any(|r| {
                r.cells
                    .get(c)
                    .is_some_and(|h| ["编码", "代码", "编号"].iter().any(|k| cell_text(h).contains(k)))
            })
        })
        .collect();
    let empty: Vec<Inline> = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        out.push_str("<w:tr><w:trPr><w:cantSplit/>");
        if row.header {
            out.push_str("<w:tblHeader/>");
        }
        out.push_str("</w:trPr>");
        for (c, code) in code_column.iter().enumerate() {
            let cell = row.cells.get(c).unwrap_or(&empty);
            let amount = !row.header && !code && numbers.get(r * columns + c).copied().unwrap_or(false);
            let style = cell_style(row.header, amount, aligns.get(c));
            out.push_str("<w:tc><w:p><w:pPr><w:pStyle w:val=\"");
            out.push_str(style);
            out.push_str("\"/></w:pPr>");
            runs(
                out,
                cell,
                RunProps {
                    style_bold: row.header,
                    char_style,
                },
            );
            out.push_str("</w:p></w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

// ---------------------------------------------------------------------------
// The other parts

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    "<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>",
    "<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>",
    "<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>",
    "<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>",
    "<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>",
    "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
    "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    "</Types>"
);

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "</Relationships>"
);

const DOCUMENT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>",
    "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>",
    "</Relationships>"
);

const APP_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" ",
    "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">",
    "<Application>gongkai</Application><DocSecurity>0</DocSecurity></Properties>"
);

const SETTINGS_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:zoom w:percent=\"100\"/>",
    "<w:defaultTabStop w:val=\"420\"/>",
    "<w:characterSpacingControl w:val=\"compressPunctuation\"/>",
    "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>",
    "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>",
    "<w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>",
    "</w:compat>",
    "<w:themeFontLang w:val=\"en-US\" w:eastAsia=\"zh-CN\"/>",
    "<w:decimalSymbol w:val=\".\"/><w:listSeparator w:val=\",\"/>",
    "</w:settings>"
);

const FONT_TABLE_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">",
    "<w:font w:name=\"Times New Roman\"><w:charset w:val=\"00\"/><w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font>",
    "<w:font w:name=\"宋体\"><w:altName w:val=\"SimSun\"/><w:charset w:val=\"86\"/><w:family w:val=\"auto\"/><w:pitch w:val=\"variable\"/></w:font>",
    "<w:font w:name=\"仿宋\"><w:altName w:val=\"FangSong\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>",
    "<w:font w:name=\"黑体\"><w:altName w:val=\"SimHei\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>",
    "<w:font w:name=\"楷体\"><w:altName w:val=\"KaiTi\"/><w:charset w:val=\"86\"/><w:family w:val=\"modern\"/><w:pitch w:val=\"fixed\"/></w:font>",
    "</w:fonts>"
);

/// Page number "— 1 —", 宋体 四号 (14 pt), centred.
const FOOTER_XML: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" ",
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">",
    "<w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>",
    "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
    "<w:r><w:t>1</w:t></w:r>",
    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
    "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r>",
    "</w:p></w:ftr>"
);

fn core_xml(meta: &DocxMeta) -> String {
    let title = esc(&meta.title);
    let author = esc(&meta.author);
    let created = esc(&meta.created);
    format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{title}</dc:title><dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>\
         <dc:language>zh-CN</dc:language>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified></cp:coreProperties>"
    )
}

/// Paragraph style: `ppr` and `rpr` are the inner XML of `w:pPr`/`w:rPr`.
fn paragraph_style(id: &str, name: &str, based_on: Option<&str>, ppr: &str, rpr: &str) -> String {
    let based = based_on
        .map(|b| format!("<w:basedOn w:val=\"{b}\"/><w:next w:val=\"Normal\"/>"))
        .unwrap_or_default();
    let default = if id == "Normal" { " w:default=\"1\"" } else { "" };
    format!(
        "<w:style w:type=\"paragraph\"{default} w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>{based}<w:qFormat/>\
         <w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
    )
}

fn styles_xml() -> String {
    const NO_INDENT: &str = "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>";
    const SINGLE: &str = "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>";
    let size = |hp: u32| format!("<w:sz w:val=\"{hp}\"/><w:szCs w:val=\"{hp}\"/>");
    let bold = "<w:b/><w:bCs/>";
    let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"";
    let styles = [
        paragraph_style(
            "Normal",
            "Normal",
            None,
            "<w:widowControl/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"560\" w:lineRule=\"exact\"/>\
             <w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc w:val=\"both\"/>",
            &format!("{}{}", rfonts("仿宋"), size(32)),
        ),
        paragraph_style(
            "Title",
            "Title",
            Some("Normal"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"0\" w:after=\"560\" w:line=\"640\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/>"
            ),
            &format!("{}{bold}{}", rfonts("宋体"), size(36)),
        ),
        paragraph_style(
            "Heading1",
            "heading 1",
            Some("Normal"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"280\" w:after=\"280\" w:line=\"560\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/>"
            ),
            &format!("{}{}", rfonts("黑体"), size(32)),
        ),
        paragraph_style(
            "Heading2",
            "heading 2",
            Some("Normal"),
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"1\"/>",
            &format!("{}{}", rfonts("黑体"), size(32)),
        ),
        paragraph_style(
            "Heading3",
            "heading 3",
            Some("Normal"),
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>",
            &format!("{}{bold}{}", rfonts("楷体"), size(32)),
        ),
        paragraph_style(
            "Heading4",
            "heading 4",
            Some("Normal"),
            "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"3\"/>",
            &format!("{}{bold}{}", rfonts("仿宋"), size(32)),
        ),
        paragraph_style(
            "TableTitle",
            "Table Title",
            Some("Normal"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"280\" w:after=\"120\" w:line=\"560\" w:lineRule=\"exact\"/>{NO_INDENT}<w:jc w:val=\"center\"/><w:outlineLvl w:val=\"1\"/>"
            ),
            &format!("{}{bold}{}", rfonts("宋体"), size(32)),
        ),
        paragraph_style(
            "TableMeta",
            "Table Meta",
            Some("Normal"),
            &format!(
                "<w:keepNext/><w:keepLines/><w:spacing w:before=\"0\" w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/>{NO_INDENT}<w:jc w:val=\"left\"/>"
            ),
            &format!("{}{}", rfonts("宋体"), size(21)),
        ),
        paragraph_style(
            "TD",
            "Table Text",
            Some("Normal"),
            &format!("{SINGLE}{NO_INDENT}<w:jc w:val=\"left\"/>"),
            &format!("{}{}", rfonts("宋体"), size(21)),
        ),
        // Table cells by role: the alignment and weight a cell would
        // otherwise repeat. Sizes below 10.5 pt are character styles on the
        // runs (see `table`).
        paragraph_style("TH", "Table Header", Some("TD"), "<w:jc w:val=\"center\"/>", bold),
        paragraph_style("TN", "Table Number", Some("TD"), "<w:jc w:val=\"right\"/>", ""),
        paragraph_style("TDC", "Table Text Center", Some("TD"), "<w:jc w:val=\"center\"/>", ""),
        paragraph_style("TDR", "Table Text Right", Some("TD"), "<w:jc w:val=\"right\"/>", ""),
        paragraph_style(
            "Note",
            "Table Note",
            Some("Normal"),
            &format!("<w:spacing w:before=\"60\" w:after=\"240\" w:line=\"240\" w:lineRule=\"auto\"/>{NO_INDENT}"),
            &format!("{}{}", rfonts("宋体"), size(21)),
        ),
        paragraph_style(
            "Footer",
            "footer",
            Some("Normal"),
            &format!("{SINGLE}{NO_INDENT}<w:jc w:val=\"center\"/>"),
            &format!("{}{}", rfonts("宋体"), size(28)),
        ),
    ];
    let mut xml = format!(
        "{XML_DECL}<w:styles xmlns:w=\"{NS_W}\">\
         <w:docDefaults><w:rPrDefault><w:rPr>{}<w:kern w:val=\"2\"/>{}<w:lang w:val=\"en-US\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr>{SINGLE}</w:pPr></w:pPrDefault></w:docDefaults>",
        rfonts("仿宋"),
        size(32)
    );
    for style in &styles {
        xml.push_str(style);
    }
    for (hp, id, name) in SMALL_TABLE_SIZES {
        xml.push_str(&format!(
            "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
             <w:basedOn w:val=\"DefaultParagraphFont\"/><w:uiPriority w:val=\"1\"/><w:rPr>{}</w:rPr></w:style>",
            size(hp)
        ));
    }
    xml.push_str(
        "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/>\
         <w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
         <w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>",
    );
    xml.push_str(&format!(
        "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:basedOn w:val=\"TableNormal\"/><w:uiPriority w:val=\"59\"/>\
         <w:pPr>{SINGLE}{NO_INDENT}</w:pPr><w:rPr>{}{}</w:rPr>\
         <w:tblPr><w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/><w:insideH {border}/><w:insideV {border}/></w:tblBorders></w:tblPr>\
         <w:tcPr><w:vAlign w:val=\"center\"/></w:tcPr></w:style>",
        rfonts("宋体"),
        size(21)
    ));
    xml.push_str("</w:styles>");
    xml
}

// ---------------------------------------------------------------------------
// Dates

/// W3CDTF: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or `YYYY-MM-DDThh:mm[:ss[.s+]]TZD`
/// with TZD `Z` or `±hh:mm`.
fn is_w3cdtf(s: &str) -> bool {
    fn num(s: &str, range: std::ops::RangeInclusive<u32>) -> bool {
        s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse().is_ok_and(|n| range.contains(&n))
    }
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = match parts.as_slice() {
        [y] => y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()),
        [y, m] => y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && num(m, 1..=12),
        [y, m, d] => y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && num(m, 1..=12) && num(d, 1..=31),
        _ => false,
    };
    let Some(time) = time else {
        return date_ok;
    };
    if parts.len() != 3 || !date_ok {
        return false;
    }
    let (clock, zone_ok) = if let Some(c) = time.strip_suffix('Z') {
        (c, true)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let zone = &time[i + 1..];
        let ok = zone
            .split_once(':')
            .is_some_and(|(h, m)| num(h, 0..=23) && num(m, 0..=59));
        (&time[..i], ok)
    } else {
        (time, false)
    };
    let (clock, frac) = match clock.split_once('.') {
        Some((c, f)) => (c, Some(f)),
        None => (clock, None),
    };
    let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    let fields: Vec<&str> = clock.split(':').collect();
    let clock_ok = match fields.as_slice() {
        [h, m] => num(h, 0..=23) && num(m, 0..=59) && frac.is_none(),
        [h, m, sec] => num(h, 0..=23) && num(m, 0..=59) && num(sec, 0..=60),
        _ => false,
    };
    zone_ok && frac_ok && clock_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks as pulldown-cmark alone reads them.
    fn parsed_by_pulldown(markdown: &str) -> Vec<Block<'_>> {
        let mut collector = Collector::default();
        for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
            collector.event(event);
        }
        collector.flush();
        with_stars_paired(collector.blocks)
    }

    #[test]
    fn plain_tables_read_as_pulldown_reads_them() {
        // The shipped disclosure (tables, page breaks, headings, lists) and
        // tables that must fall back to pulldown-cmark.
        let shipped = include_str!("../../../tests/snapshots/disclosure-2022-101.md");
        let cases = [
            shipped,
            "| a | b |\n|:--|--:|\n| 1 |  |\n\n1. 一\n2. 二\n\n| c |\n|---|\n| 3 |\n",
            "| **粗** | b |\n|---|---|\n| 1 | 2 |\n",
            "| a | b |\n|---|---|\n| 1 |\n",
        ];
        for md in cases {
            let (fast, slow) = (parse(md), parsed_by_pulldown(md));
            assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
        assert!(
            crate::md_tables::pieces(shipped).len() > 9,
            "the shipped document's tables are cut out"
        );
    }

    #[test]
    fn numbers() {
        for yes in ["2100.32", "0.00", "-12.5", "1,234.50", "12%", "7"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "-", ".5", "1.", "2022年", "合计", "1.2.3", "abc"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn measure_is_the_three_measures_in_one_pass() {
        for line in [
            "",
            "合计",
            "2100.32",
            "一般公共预算 拨款收入",
            "a\u{3000}bc 1,234.50",
            "  x  ",
            "Ａ１ word",
            "x\u{11000}y",
        ] {
            let words = line
                .split(|c: char| c.is_whitespace() || is_wide(c))
                .map(display_width)
                .max()
                .unwrap_or(0);
            let expected = (display_width(line), words, line.chars().any(is_wide));
            assert_eq!(measure(line), expected, "{line:?}");
        }
    }

    #[test]
    fn dates() {
        for yes in [
            "2022-01-01T00:00:00Z",
            "2022-01-01",
            "2022",
            "2022-01-01T08:00:00+08:00",
            "2022-01-01T00:00:00.5Z",
        ] {
            assert!(is_w3cdtf(yes), "{yes}");
        }
        for no in [
            "",
            "2022-13-01",
            "yesterday",
            "2022-01-01T00:00:00",
            "2022-01-01T25:00Z",
        ] {
            assert!(!is_w3cdtf(no), "{no}");
        }
    }

    #[test]
    fn enumerated_headings() {
        assert!(is_enumerated("一、部门职责"));
        assert!(is_enumerated("（一）收入"));
        assert!(is_enumerated("十二、其他"));
        assert!(is_enumerated("第一部分"));
        assert!(!is_enumerated("部门预算收支总表"));
        assert!(!is_enumerated("一般公共预算支出表"));
    }

    #[test]
    fn escaping() {
        assert_eq!(esc("a&<>\"'\u{1}\u{b}\u{fffe}b"), "a&amp;&lt;&gt;&quot;&apos;b");
    }

    /// The byte-wise escaper against the rules applied one character at a
    /// time: the bytes of C1 controls, U+FFFE / U+FFFF and their neighbours
    /// (U+00A0, U+FFFD, U+FEFF) are where a slip would show.
    #[test]
    fn escaping_matches_the_rules_char_by_char() {
        fn reference(s: &str, drop_cr: bool) -> String {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    '\r' if drop_cr => {}
                    '\t' | '\n' | '\r' => out.push(c),
                    c if !matches!(c as u32, 0x00..=0x1F | 0x7F..=0x9F | 0xFFFE | 0xFFFF) => out.push(c),
                    _ => {}
                }
            }
            out
        }
        let alphabet = [
            "a",
            " ",
            "&",
            "<",
            ">",
            "\"",
            "'",
            "\t",
            "\n",
            "\r",
            "\u{0}",
            "\u{1f}",
            "\u{7e}",
            "\u{7f}",
            "\u{80}",
            "\u{85}",
            "\u{9f}",
            "\u{a0}",
            "\u{ff}",
            "中",
            "\u{fefe}",
            "\u{feff}",
            "\u{fffd}",
            "\u{fffe}",
            "\u{ffff}",
            "\u{10000}",
            "\u{10fffe}",
        ];
        // Every string of up to three pieces.
        let mut samples = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = samples
                .iter()
                .flat_map(|s| alphabet.iter().map(move |a| format!("{s}{a}")))
                .collect();
            samples.extend(longer);
        }
        for sample in &samples {
            for drop_cr in [false, true] {
                let mut out = String::from("x");
                push_esc(&mut out, sample, drop_cr);
                assert_eq!(out, format!("x{}", reference(sample, drop_cr)), "{sample:?}");
            }
        }
    }
}
