//! From positioned glyphs to blocks: text lines, page furniture, table
//! regions, columns and rows, paragraphs. See the module documentation of
//! [`super`] for the rules.

use super::PdfError;
use super::glyphs::{Glyph, Page, Rule};
use crate::{Block, Source};

/// Baselines closer than this many font sizes are one text line.
const SAME_LINE: f32 = 0.3;
/// A gap of this many font sizes splits a line into pieces (table cells).
const PIECE_GAP: f32 = 0.4;
/// A gap of this many font sizes between Latin letters or digits is a space.
const SPACE_GAP: f32 = 0.15;
/// A gap of this many font sizes in a paragraph line is a tab.
const TAB_GAP: f32 = 2.0;
/// Lines of one table cell (wrapped text) are at most this many font sizes
/// apart, where no ruling line tells.
const WRAP_PITCH: f32 = 1.5;
/// The same, where no ruling line tells (wrapped lines and rows alike).
const UNRULED_WRAP_PITCH: f32 = 1.3;
/// A page with more rules than this is read as unruled (grids are found by
/// comparing rules pairwise).
const MAX_GRID_RULES: usize = 5_000;
/// Most grids taken from one page.
const MAX_GRIDS: usize = 100;
/// How many rows up wrapped text looks for the cell it continues.
const WRAP_LOOKBACK: usize = 64;
/// Most cells (rows × columns) of one table.
pub(crate) const MAX_CELLS: usize = 2_000_000;

/// A run of glyphs without a wide gap.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    pub(crate) text: String,
}

/// One text line of a page.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub(crate) y: f32,
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    pub(crate) size: f32,
    pub(crate) pieces: Vec<Piece>,
}

impl Line {
    /// The text as a paragraph line: wide gaps as tabs.
    fn text(&self) -> String {
        let mut out = String::new();
        for (i, p) in self.pieces.iter().enumerate() {
            if i > 0 {
                let gap = p.x0 - self.pieces[i - 1].x1;
                if gap >= TAB_GAP * self.size {
                    out.push('\t');
                } else {
                    join_into(&mut out, &p.text);
                    continue;
                }
            }
            out.push_str(&p.text);
        }
        out
    }

    fn plain(&self) -> String {
        self.pieces
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Appends `next` to `out` as the continuation of a line or piece: a space
/// between two words of Latin letters or digits, nothing next to CJK.
fn join_into(out: &mut String, next: &str) {
    let (Some(a), Some(b)) = (out.chars().next_back(), next.chars().next()) else {
        out.push_str(next);
        return;
    };
    if !is_cjk(a) && !is_cjk(b) && !a.is_whitespace() && !b.is_whitespace() {
        out.push(' ');
    }
    out.push_str(next);
}

/// Groups a page's glyphs into lines, top to bottom, each left to right.
pub(crate) fn lines(glyphs: &[Glyph]) -> Vec<Line> {
    let mut order: Vec<&Glyph> = glyphs.iter().collect();
    order.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<&Glyph>> = Vec::new();
    for g in order {
        match groups.last_mut() {
            Some(line)
                if {
                    let first = line[0];
                    (g.y - first.y).abs() <= SAME_LINE * g.size.max(first.size)
                } =>
            {
                line.push(g)
            }
            _ => groups.push(vec![g]),
        }
    }
    groups.into_iter().filter_map(line_of).collect()
}

fn line_of(mut glyphs: Vec<&Glyph>) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    // Text drawn twice over itself (fake bold) counts once.
    let mut kept: Vec<&Glyph> = Vec::with_capacity(glyphs.len());
    for g in glyphs {
        let twice = kept
            .iter()
            .rev()
            .take(4)
            .any(|k| k.text == g.text && (k.x0 - g.x0).abs() < 0.2 * g.size && (k.y - g.y).abs() < 0.2 * g.size);
        if !twice {
            kept.push(g);
        }
    }
    let first = *kept.first()?;
    let size = kept.iter().map(|g| g.size).fold(0.0f32, f32::max);
    let y = kept.iter().map(|g| g.y).sum::<f32>() / kept.len() as f32;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut last: Option<&Glyph> = None;
    for g in kept.iter().copied() {
        let em = last.map_or(g.size, |l| l.size.min(g.size)).max(1.0);
        let gap = last.map_or(f32::MAX, |l| g.x0 - l.x1);
        match pieces.last_mut() {
            Some(p) if gap < PIECE_GAP * em => {
                if gap >= SPACE_GAP * em {
                    join_into(&mut p.text, &g.text);
                } else {
                    p.text.push_str(&g.text);
                }
                p.x1 = p.x1.max(g.x1);
            }
            _ => pieces.push(Piece {
                x0: g.x0,
                x1: g.x1,
                text: g.text.clone(),
            }),
        }
        last = Some(g);
    }
    let x1 = pieces.iter().map(|p| p.x1).fold(f32::MIN, f32::max);
    Some(Line {
        y,
        x0: first.x0,
        x1,
        size,
        pieces,
    })
}

// ---------------------------------------------------------------------------
// Pages: furniture, table regions

/// What a page holds, top to bottom.
#[derive(Debug)]
pub(crate) enum Item {
    Line(Line),
    Table(Region),
}

/// The lines of one table, with the horizontal rules drawn across it.
#[derive(Debug, Default)]
pub(crate) struct Region {
    pub(crate) lines: Vec<Line>,
    /// Horizontal rules: `(y, x0, x1)`.
    pub(crate) rules: Vec<(f32, f32, f32)>,
    /// Vertical rules: `(x, y0, y1)`.
    pub(crate) verticals: Vec<(f32, f32, f32)>,
    pub(crate) x0: f32,
    pub(crate) x1: f32,
    /// Ruled (a grid was drawn) rather than found from text alone.
    pub(crate) ruled: bool,
}

/// A page's lines and rules, before furniture is taken out.
pub(crate) struct PageLines {
    pub(crate) height: f32,
    pub(crate) lines: Vec<Line>,
    pub(crate) rules: Vec<Rule>,
}

impl PageLines {
    /// The lines, words and rules of a page's glyphs and strokes.
    pub(crate) fn of(page: Page) -> Self {
        PageLines {
            height: page.height,
            lines: lines(&page.glyphs),
            rules: page.rules,
        }
    }
}

/// Key of a line for furniture: its text with digits as `#`.
fn furniture_key(line: &Line) -> String {
    line.plain()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect()
}

/// Takes out page numbers and running headers and footers: lines in the top
/// or bottom tenth of a page that are page-number noise, or whose text (digits
/// aside) recurs in that band on at least a third of the pages (and three).
pub(crate) fn drop_furniture(pages: &mut [PageLines]) {
    use std::collections::HashMap;
    let band = |p: &PageLines, l: &Line| l.y < p.height * 0.1 || l.y > p.height * 0.9;
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in pages.iter() {
        let mut keys: Vec<String> = p.lines.iter().filter(|l| band(p, l)).map(furniture_key).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *seen.entry(k).or_default() += 1;
        }
    }
    let recurring = (pages.len() / 3).max(3);
    for p in pages.iter_mut() {
        let height = p.height;
        p.lines.retain(|l| {
            let in_band = l.y < height * 0.1 || l.y > height * 0.9;
            !(in_band
                && (crate::text::is_page_noise(&l.plain())
                    || seen.get(&furniture_key(l)).is_some_and(|n| *n >= recurring)))
        });
    }
}

/// A page's items: lines inside a drawn grid (or, without one, in a run of
/// lines of several wide-spaced pieces) form table regions.
pub(crate) fn items(page: PageLines) -> Vec<Item> {
    let grids = grids(&page.rules);
    let mut regions: Vec<Region> = grids
        .iter()
        .map(|g| Region {
            rules: page
                .rules
                .iter()
                .filter(|r| r.horizontal() && r.x1 >= g.0 && r.x0 <= g.2 && r.y0 >= g.1 - 1.0 && r.y0 <= g.3 + 1.0)
                .map(|r| (r.y0, r.x0, r.x1))
                .collect(),
            verticals: page
                .rules
                .iter()
                .filter(|r| !r.horizontal() && r.x0 >= g.0 - 1.0 && r.x0 <= g.2 + 1.0 && r.y1 >= g.1 && r.y0 <= g.3)
                .map(|r| (r.x0, r.y0, r.y1))
                .collect(),
            x0: g.0,
            x1: g.2,
            ruled: true,
            ..Region::default()
        })
        .collect();
    let mut items: Vec<(f32, Item)> = Vec::new();
    let mut loose: Vec<Line> = Vec::new();
    for line in page.lines {
        let mid = (line.x0 + line.x1) / 2.0;
        let at = grids
            .iter()
            .position(|g| line.y - line.size * 0.35 > g.1 && line.y < g.3 && mid > g.0 && mid < g.2);
        match at {
            Some(i) => regions[i].lines.push(line),
            None => loose.push(line),
        }
    }
    for r in regions.into_iter().filter(|r| !r.lines.is_empty()) {
        items.push((r.lines[0].y, Item::Table(r)));
    }
    // Unruled tables: runs of at least two lines with three or more pieces
    // wide apart.
    let wide = |l: &Line| {
        l.pieces.len() >= 3
            && l.pieces
                .windows(2)
                .filter(|w| w[1].x0 - w[0].x1 >= 1.0 * l.size)
                .count()
                >= 2
    };
    let mut i = 0;
    while i < loose.len() {
        let mut j = i;
        while j < loose.len() && wide(&loose[j]) {
            j += 1;
        }
        if j - i >= 2 {
            let lines: Vec<Line> = loose.drain(i..j).collect();
            let x0 = lines.iter().map(|l| l.x0).fold(f32::MAX, f32::min);
            let x1 = lines.iter().map(|l| l.x1).fold(f32::MIN, f32::max);
            items.push((
                lines[0].y,
                Item::Table(Region {
                    lines,
                    x0,
                    x1,
                    ..Region::default()
                }),
            ));
        } else {
            i = j.max(i + 1);
        }
    }
    items.extend(loose.into_iter().map(|l| (l.y, Item::Line(l))));
    items.sort_by(|a, b| a.0.total_cmp(&b.0));
    items.into_iter().map(|(_, i)| i).collect()
}

/// Grids drawn on a page: groups of touching rules with at least two
/// horizontal ones, as `(x0, y0, x1, y1)`.
fn grids(rules: &[Rule]) -> Vec<(f32, f32, f32, f32)> {
    const TOUCH: f32 = 2.0;
    if rules.len() > MAX_GRID_RULES {
        return Vec::new();
    }
    // (box, horizontal rules, vertical rules): open groups, and those no
    // later rule can touch (rules come top to bottom).
    let mut groups: Vec<([f32; 4], usize, usize)> = Vec::new();
    let mut done: Vec<([f32; 4], usize, usize)> = Vec::new();
    let mut sorted: Vec<&Rule> = rules.iter().collect();
    sorted.sort_by(|a, b| a.y0.min(a.y1).total_cmp(&b.y0.min(b.y1)));
    for r in sorted {
        let b = [r.x0.min(r.x1), r.y0.min(r.y1), r.x0.max(r.x1), r.y0.max(r.y1)];
        let (closed, open): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(g, _, _)| g[3] + TOUCH < b[1]);
        done.extend(closed);
        groups = open;
        let (h, v) = if r.horizontal() { (1, 0) } else { (0, 1) };
        let mut merged = (b, h, v);
        groups.retain(|(g, gh, gv)| {
            let touches = b[0] <= g[2] + TOUCH && b[2] >= g[0] - TOUCH && b[1] <= g[3] + TOUCH && b[3] >= g[1] - TOUCH;
            if touches {
                merged.0 = [
                    merged.0[0].min(g[0]),
                    merged.0[1].min(g[1]),
                    merged.0[2].max(g[2]),
                    merged.0[3].max(g[3]),
                ];
                merged.1 += gh;
                merged.2 += gv;
            }
            !touches
        });
        groups.push(merged);
    }
    done.extend(groups);
    done.into_iter()
        .filter(|(b, h, v)| *h >= 2 && (*v >= 2 || *h >= 3) && b[3] - b[1] >= 4.0)
        .map(|(b, _, _)| (b[0], b[1], b[2], b[3]))
        .take(MAX_GRIDS)
        .collect()
}

// ---------------------------------------------------------------------------
// The document: tables joined across pages, paragraphs, table cells

/// Blocks of the whole document from each page's items.
pub(crate) fn blocks(pages: Vec<Vec<Item>>) -> Result<Source, PdfError> {
    // Tables continued on the next page join their first part.
    // Each item with its page's right margin (where its lines end at most).
    let mut flat: Vec<(Item, f32)> = Vec::new();
    for items in pages {
        let right = items
            .iter()
            .filter_map(|i| match i {
                Item::Line(l) => Some(l.x1),
                Item::Table(_) => None,
            })
            .fold(0.0f32, f32::max);
        let mut first = true;
        for item in items {
            if first
                && let (Item::Table(next), Some((Item::Table(prev), _))) = (&item, flat.last_mut())
                && continues(prev, next)
            {
                let Item::Table(next) = item else { continue };
                join(prev, next);
                first = false;
                continue;
            }
            first = false;
            flat.push((item, right));
        }
    }
    let mut blocks = Vec::new();
    let mut para = Paragraph::default();
    for (item, right) in flat {
        match item {
            Item::Line(line) => {
                para.right = right;
                para.line(line, &mut blocks)
            }
            Item::Table(region) => {
                para.end(&mut blocks);
                let rows = table(&region)?;
                if !rows.is_empty() {
                    blocks.push(Block::Table(rows));
                }
            }
        }
    }
    para.end(&mut blocks);
    Ok(Source { blocks })
}

/// The next page's first table continues this one: it spans about the same
/// width.
fn continues(prev: &Region, next: &Region) -> bool {
    let overlap = prev.x1.min(next.x1) - prev.x0.max(next.x0);
    let width = (prev.x1 - prev.x0).max(next.x1 - next.x0);
    width > 0.0 && overlap >= 0.8 * width
}

/// Appends a continuation, without the header lines it repeats; its lines
/// and rules are shifted below the first part's.
fn join(prev: &mut Region, mut next: Region) {
    let repeated = next
        .lines
        .iter()
        .zip(&prev.lines)
        .take_while(|(a, b)| a.plain() == b.plain())
        .count();
    // Only a repeated header: not body rows that happen to read the same.
    let repeated = if repeated > 0 && repeated < next.lines.len() {
        repeated
    } else {
        0
    };
    let base = prev.lines.last().map_or(0.0, |l| l.y) + prev.rules.iter().map(|r| r.0).fold(0.0f32, f32::max) + 100.0;
    let cut = next.lines.get(repeated).map(|l| l.y - l.size).unwrap_or(f32::MIN);
    prev.lines.extend(next.lines.drain(repeated..).map(|mut l| {
        l.y += base;
        l
    }));
    prev.rules.extend(
        next.rules
            .into_iter()
            .filter(|r| r.0 >= cut)
            .map(|(y, x0, x1)| (y + base, x0, x1)),
    );
    prev.verticals.extend(
        next.verticals
            .into_iter()
            .filter(|r| r.2 >= cut)
            .map(|(x, y0, y1)| (x, y0.max(cut) + base, y1 + base)),
    );
    // A rule between the parts: the page break ends a row.
    prev.rules.push((base - 50.0, prev.x0, prev.x1));
    prev.x0 = prev.x0.min(next.x0);
    prev.x1 = prev.x1.max(next.x1);
}

#[derive(Default)]
struct Paragraph {
    text: String,
    last: Option<Line>,
    /// The page's right margin: where its longest lines end.
    right: f32,
}

impl Paragraph {
    fn line(&mut self, line: Line, blocks: &mut Vec<Block>) {
        let text = line.text();
        if let Some(prev) = &self.last {
            let em = prev.size.max(line.size);
            let new_page = line.y < prev.y;
            let gap = line.y - prev.y;
            let full = prev.x1 >= self.right - 2.0 * em;
            // A centred title's next line: shorter at both ends, same middle.
            let centred = (line.x0 + line.x1 - prev.x0 - prev.x1).abs() < em && line.x1 < prev.x1 - em;
            let breaks = starts_paragraph(&text)
                || (!new_page && gap > 2.2 * em)
                || !full
                || (line.x0 > prev.x0 + 0.9 * em && !centred)
                || (line.size - prev.size).abs() > 0.2 * em
                || prev.pieces.len() > 1 && text.contains('\t');
            if breaks {
                self.end(blocks);
            }
        }
        if self.text.is_empty() {
            self.text = text;
        } else {
            join_into(&mut self.text, &text);
        }
        self.last = Some(line);
    }

    fn end(&mut self, blocks: &mut Vec<Block>) {
        let text = std::mem::take(&mut self.text);
        let text = text.trim();
        if !text.is_empty() {
            blocks.push(Block::Paragraph(text.to_string()));
        }
        self.last = None;
    }
}

/// Lines that begin a paragraph: numbered headings and items, notes.
fn starts_paragraph(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with("注：") || t.starts_with("注:") {
        return true;
    }
    if t.starts_with('第') && t.contains("部分") && t.chars().count() < 60 {
        return true;
    }
    let numeral = |s: &str| -> usize {
        s.chars()
            .take_while(|c| "一二三四五六七八九十".contains(*c) || c.is_ascii_digit())
            .map(char::len_utf8)
            .sum()
    };
    // 一、 1、 1. 1．
    let n = numeral(t);
    if n > 0 {
        let rest = &t[n..];
        if rest.starts_with('、')
            || rest.starts_with('．')
            || (rest.starts_with('.') && !rest[1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            return true;
        }
    }
    // （一） (一) （1）
    for open in ['（', '('] {
        if let Some(rest) = t.strip_prefix(open) {
            let n = numeral(rest);
            if n > 0 && (rest[n..].starts_with('）') || rest[n..].starts_with(')')) {
                return true;
            }
        }
    }
    false
}

// ---------------------------------------------------------------------------
// Tables

/// A decimal figure or other number, as a cell of a table body holds.
fn numeric(s: &str) -> bool {
    let t = s.trim().trim_end_matches('%');
    let t = t.strip_prefix('-').unwrap_or(t);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && t.chars().any(|c| c.is_ascii_digit())
}

/// The rows of a table region: columns from the x-ranges its text covers,
/// wrapped cell text merged, one row per remaining line.
fn table(region: &Region) -> Result<Vec<Vec<String>>, PdfError> {
    let lines = &region.lines;
    if lines.is_empty() {
        return Ok(Vec::new());
    }
    // The body starts at the first line holding a figure (an amount), after
    // any line with only code-like short numbers.
    let body_start = lines
        .iter()
        .position(|l| l.pieces.iter().any(|p| numeric(&p.text) && p.text.contains('.')))
        .or_else(|| lines.iter().position(|l| l.pieces.iter().any(|p| numeric(&p.text))))
        .unwrap_or(0);
    let columns = ruled_columns(region, &lines[body_start..])
        .unwrap_or_else(|| columns(&lines[body_start..], &lines[..body_start]));
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    if lines.len().saturating_mul(columns.len()) > MAX_CELLS {
        return Err(PdfError::TooLarge {
            reason: format!(
                "a table of {} lines and {} columns, more than {MAX_CELLS} cells",
                lines.len(),
                columns.len()
            ),
        });
    }
    let ruled = region.ruled && !region.verticals.is_empty();
    let column_of = |p: &Piece| -> usize {
        if ruled {
            // Between the vertical rules: by the piece's middle.
            let mid = (p.x0 + p.x1) / 2.0;
            return columns
                .iter()
                .position(|(c0, c1)| mid >= *c0 && mid < *c1)
                .unwrap_or(if mid < columns[0].0 { 0 } else { columns.len() - 1 });
        }
        let mut best = (0usize, f32::MIN);
        for (i, (c0, c1)) in columns.iter().enumerate() {
            let overlap = p.x1.min(*c1) - p.x0.max(*c0);
            let score = if overlap > 0.0 {
                overlap
            } else {
                // No overlap: nearest column, by distance (negative score).
                overlap.min(0.0) - 0.001
            };
            if score > best.1 {
                best = (i, score);
            }
        }
        best.0
    };
    // Cells per line.
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        let mut cells = vec![String::new(); columns.len()];
        for p in &line.pieces {
            let c = column_of(p);
            if cells[c].is_empty() {
                cells[c] = p.text.clone();
            } else {
                join_into(&mut cells[c], &p.text);
            }
        }
        rows.push((li, cells));
    }
    // Wrapped cell text: a cell that continues text above it in the same
    // column (the nearest row with text there, a line pitch away, no rule
    // between, neither a figure) joins that cell. In a ruled table any cell
    // of a line may; without rules, only a line whose every cell does.
    let pitch = if region.ruled { WRAP_PITCH } else { UNRULED_WRAP_PITCH };
    let mut merged: Vec<(usize, Vec<String>)> = Vec::new();
    for (li, mut cells) in rows {
        let b = &lines[li];
        let targets: Vec<Option<(usize, usize)>> = cells
            .iter()
            .enumerate()
            .map(|(c, text)| {
                if text.is_empty() || (li == body_start && !region.ruled) {
                    return None;
                }
                let (ri, (pi, prev)) = merged
                    .iter()
                    .enumerate()
                    .rev()
                    .take(WRAP_LOOKBACK)
                    .find(|(_, (_, r))| !r[c].is_empty())?;
                let a = &lines[*pi];
                let close = b.y - a.y <= pitch * a.size.max(b.size);
                let ok = close && !numeric(text) && !numeric(&prev[c]) && !ruled_between(region, a, b, columns[c]);
                ok.then_some((c, ri))
            })
            .collect();
        let filled = cells.iter().filter(|t| !t.is_empty()).count();
        let movable = targets.iter().flatten().count();
        if movable > 0 && (region.ruled || movable == filled) {
            for (c, ri) in targets.into_iter().flatten() {
                let text = std::mem::take(&mut cells[c]);
                let (pi, row) = &mut merged[ri];
                join_into(&mut row[c], &text);
                *pi = (*pi).max(li);
            }
            if movable == filled {
                continue;
            }
        }
        merged.push((li, cells));
    }
    // A ruled table's row: lines with no rule between them over their text
    // and no column filled in both (cells centred beside wrapped ones).
    if region.ruled {
        let mut bands: Vec<(usize, usize, Vec<String>)> = Vec::new();
        for (li, cells) in merged {
            if let Some((first, last, row)) = bands.last_mut() {
                let (a, b) = (&lines[*last], &lines[li]);
                let disjoint = row.iter().zip(&cells).all(|(x, y)| x.is_empty() || y.is_empty());
                let used: Vec<(f32, f32)> = columns
                    .iter()
                    .zip(row.iter().zip(&cells))
                    .filter(|(_, (x, y))| !x.is_empty() || !y.is_empty())
                    .map(|(c, _)| *c)
                    .collect();
                let top = &lines[*first];
                let apart = used
                    .iter()
                    .any(|c| ruled_between(region, a, b, *c) || ruled_between(region, top, b, *c));
                if disjoint && !apart {
                    for (x, y) in row.iter_mut().zip(cells) {
                        if x.is_empty() {
                            *x = y;
                        }
                    }
                    *last = li;
                    continue;
                }
            }
            bands.push((li, li, cells));
        }
        return Ok(bands.into_iter().map(|(_, _, cells)| cells).collect());
    }
    Ok(merged.into_iter().map(|(_, cells)| cells).collect())
}

/// A horizontal rule lies between two lines over a column.
fn ruled_between(region: &Region, a: &Line, b: &Line, column: (f32, f32)) -> bool {
    region
        .rules
        .iter()
        .any(|(y, x0, x1)| *y > a.y && *y < b.y - b.size * 0.7 && *x0 < column.1 && *x1 > column.0)
}

/// Columns between the vertical rules that cross the body's lines (all
/// lines when there is no body), if there are at least two such rules.
fn ruled_columns(region: &Region, body: &[Line]) -> Option<Vec<(f32, f32)>> {
    if !region.ruled {
        return None;
    }
    let lines = if body.is_empty() { &region.lines[..] } else { body };
    let mut xs: Vec<f32> = region
        .verticals
        .iter()
        .filter(|(_, y0, y1)| lines.iter().any(|l| *y0 <= l.y && *y1 >= l.y - l.size * 0.5))
        .map(|(x, _, _)| *x)
        .collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    if xs.len() < 2 {
        return None;
    }
    let columns: Vec<(f32, f32)> = xs
        .windows(2)
        .filter(|w| w[1] - w[0] >= 3.0)
        .map(|w| (w[0], w[1]))
        .collect();
    (!columns.is_empty()).then_some(columns)
}

/// Column x-ranges: where body pieces stand (x positions covered by more
/// than a tenth of the body lines), plus header pieces over no such range
/// (columns left empty in the body).
fn columns(body: &[Line], header: &[Line]) -> Vec<(f32, f32)> {
    let all = body.iter().chain(header).flat_map(|l| &l.pieces);
    let (lo, hi) = all.fold((f32::MAX, f32::MIN), |(lo, hi), p| (lo.min(p.x0), hi.max(p.x1)));
    if lo >= hi {
        return Vec::new();
    }
    let bins = ((hi - lo).ceil() as usize + 1).min(100_000);
    let scale = bins as f32 / (hi - lo + 1.0);
    let bin = |x: f32| (((x - lo) * scale) as usize).min(bins - 1);
    // How many pieces cover each bin: +1 where a piece starts, -1 past its end.
    let mut delta = vec![0isize; bins + 1];
    for l in body {
        for p in &l.pieces {
            delta[bin(p.x0)] += 1;
            delta[bin(p.x1) + 1] -= 1;
        }
    }
    let cover: Vec<usize> = delta[..bins]
        .iter()
        .scan(0isize, |sum, d| {
            *sum += d;
            Some((*sum).max(0) as usize)
        })
        .collect();
    let tolerance = body.len() / 10;
    let mut columns: Vec<(f32, f32)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in cover.iter().enumerate() {
        match (start, *c > tolerance) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                columns.push((lo + s as f32 / scale, lo + i as f32 / scale));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        columns.push((lo + s as f32 / scale, hi));
    }
    // Header pieces over no column: a header centred over figures set to
    // the right of their cell belongs to the column just right of it;
    // others name columns empty in the body. The lowest header line names
    // the leaf columns, so it is taken first.
    let body_columns = columns.len();
    for l in header.iter().rev() {
        for p in &l.pieces {
            let over = columns.iter().any(|(c0, c1)| p.x1 > *c0 && p.x0 < *c1);
            let right = columns[..body_columns]
                .iter()
                .any(|(c0, _)| *c0 >= p.x1 && *c0 - p.x1 < 2.0 * l.size);
            if !over && !right {
                columns.push((p.x0, p.x1));
            }
        }
    }
    columns.sort_by(|a, b| a.0.total_cmp(&b.0));
    columns
}
