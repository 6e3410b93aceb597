//! The Word-export text front-end: one tab-indented table cell per line, a
//! blank line after each table row, `[bookmark: …]` Word anchors.
//!
//! Rules, in the order they apply to a line:
//!
//! - a line starting with a tab is a table cell; cells on consecutive lines
//!   form one row, and an empty cell (a tab alone) is kept;
//! - a blank line (or one of spaces only) ends the row; rows separated by a
//!   single blank line form one table, two or more blank lines end it;
//! - a line that is only page-number noise (`page number`, `- 3 -`,
//!   `第3页 共9页`) is dropped and does not split a table;
//! - `[bookmark: …]` prefixes are removed; a line that was only a bookmark
//!   counts as blank;
//! - a line without tab directly below a cell (no blank line between) is the
//!   next paragraph of that cell, as Word writes a multi-paragraph cell; it is
//!   joined to the cell with a line break — unless it starts with a bookmark,
//!   a `注：` note or a numbered section heading, which start a paragraph;
//! - any other line is a paragraph and ends the table.
//!
//! Cells and paragraphs are trimmed of surrounding white space (including
//! the ideographic space U+3000 used for indentation).

use super::{Block, Source};

/// Reads the Word-export text form into blocks.
pub fn read(text: &str) -> Source {
    let mut reader = Reader::default();
    for line in text.lines() {
        reader.line(line.trim_end_matches('\r'));
    }
    reader.finish()
}

#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    table: Vec<Vec<String>>,
    row: Vec<String>,
    /// Blank lines since the last cell line (`None` before any cell of the table).
    blanks: Option<usize>,
    /// A page-number line was seen since the last cell: blank lines around it
    /// do not end the table.
    noise: bool,
}

impl Reader {
    fn line(&mut self, line: &str) {
        if let Some(cell) = line.strip_prefix('\t') {
            self.cell(cell);
            return;
        }
        let (had_bookmark, rest) = strip_bookmarks(line);
        let rest = trim(rest);
        if rest.is_empty() {
            self.blank();
            return;
        }
        if is_page_noise(rest) {
            // Noise between rows: the blank lines around it do not split the table.
            if let Some(b) = self.blanks.as_mut() {
                *b = (*b).min(1);
            }
            self.noise = true;
            return;
        }
        let continues_cell = self.blanks == Some(0) && !self.row.is_empty() && !had_bookmark && !starts_paragraph(rest);
        if continues_cell {
            if let Some(last) = self.row.last_mut() {
                if !last.is_empty() {
                    last.push('\n');
                }
                last.push_str(rest);
            }
            return;
        }
        self.end_table();
        self.noise = false;
        self.blocks.push(Block::Paragraph(rest.to_string()));
    }

    fn cell(&mut self, cell: &str) {
        match self.blanks {
            Some(n) if n >= 2 => self.end_table(),
            Some(n) if n >= 1 => self.end_row(),
            _ => {}
        }
        self.row.push(trim(cell).to_string());
        self.blanks = Some(0);
        self.noise = false;
    }

    fn blank(&mut self) {
        self.end_row();
        if let Some(b) = self.blanks.as_mut() {
            *b = if self.noise { 1 } else { *b + 1 };
        }
    }

    fn end_row(&mut self) {
        if !self.row.is_empty() {
            self.table.push(std::mem::take(&mut self.row));
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        if !self.table.is_empty() {
            self.blocks.push(Block::Table(std::mem::take(&mut self.table)));
        }
        self.blanks = None;
    }

    fn finish(mut self) -> Source {
        self.end_table();
        Source { blocks: self.blocks }
    }
}

/// Trims white space, including the ideographic space and no-break space.
fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}')
}

/// Removes leading `[bookmark: …]` anchors; says whether there was one.
fn strip_bookmarks(line: &str) -> (bool, &str) {
    let mut rest = line;
    let mut found = false;
    loop {
        let t = trim(rest);
        match t
            .strip_prefix("[bookmark:")
            .and_then(|r| r.find(']').map(|end| &r[end + 1..]))
        {
            Some(after) => {
                rest = after;
                found = true;
            }
            None => return (found, if found { t } else { rest }),
        }
    }
}

/// Lines that begin a paragraph even directly below a cell.
fn starts_paragraph(line: &str) -> bool {
    if line.starts_with("注：") || line.starts_with("注:") {
        return true;
    }
    if line.starts_with('第') && line.contains("部分") && line.chars().count() < 60 {
        return true;
    }
    let numeral: String = line
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    !numeral.is_empty() && line[numeral.len()..].starts_with('、')
}

/// Page numbers and the `page number` field text of Word exports.
pub(crate) fn is_page_noise(line: &str) -> bool {
    let lower = line.to_lowercase();
    if lower == "page number" || lower == "page" {
        return true;
    }
    if let Some(rest) = lower.strip_prefix("page") {
        let rest = rest.trim();
        if !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '/' || c.is_alphabetic())
        {
            return rest.chars().any(|c| c.is_ascii_digit());
        }
    }
    let squeezed: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    // `3`, `- 3 -`, `— 3 —`, `3/9`
    let core = squeezed.trim_matches(|c| matches!(c, '-' | '—' | '–' | '－'));
    let numbers: Vec<&str> = core.split('/').collect();
    if numbers.len() <= 2
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()))
    {
        return true;
    }
    // `第3页`, `第3页共9页`, `第 3 页，共 9 页`
    if let Some(rest) = squeezed.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            let after = &rest[digits.len()..];
            if after == "页" {
                return true;
            }
            if let Some(tail) = after.strip_prefix('页') {
                let tail = tail.trim_start_matches([',', '，', '/']);
                if let Some(total) = tail.strip_prefix('共') {
                    let n: String = total.chars().take_while(char::is_ascii_digit).collect();
                    return !n.is_empty() && &total[n.len()..] == "页";
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Block {
        Block::Table(rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
    }

    #[test]
    fn cells_rows_tables_and_paragraphs() {
        let text = " [bookmark: _Toc_1]标题\n\tA\n\t\n\tB\n\n\tC\n\tD\n\n\n\n正文\n";
        let s = read(text);
        assert_eq!(
            s.blocks,
            vec![
                Block::Paragraph("标题".into()),
                table(&[&["A", "", "B"], &["C", "D"]]),
                Block::Paragraph("正文".into()),
            ]
        );
    }

    #[test]
    fn two_blank_lines_split_tables_and_a_cell_may_continue() {
        let text = "\t绩效目标\n\t1.一\n2.二\n\n\n \n\t一级指标\n\t立法、备案审查\n成本\n";
        let s = read(text);
        assert_eq!(
            s.blocks,
            vec![
                table(&[&["绩效目标", "1.一\n2.二"]]),
                table(&[&["一级指标", "立法、备案审查\n成本"]]),
            ]
        );
    }

    #[test]
    fn bookmark_lines_after_a_cell_start_a_paragraph() {
        let text = "\t1\n\t2\n [bookmark: x]部门预算收入总表\n\t3\n";
        let s = read(text);
        assert_eq!(
            s.blocks,
            vec![
                table(&[&["1", "2"]]),
                Block::Paragraph("部门预算收入总表".into()),
                table(&[&["3"]]),
            ]
        );
    }

    #[test]
    fn page_noise_is_dropped_without_splitting_a_table() {
        let text = "\ta\n\npage number\n\n\tb\n\n- 3 -\n第2页 共9页\n正文\n[bookmark: _GoBack] \n";
        let s = read(text);
        assert_eq!(
            s.blocks,
            vec![table(&[&["a"], &["b"]]), Block::Paragraph("正文".into())]
        );
        assert!(is_page_noise("Page 3"));
        assert!(!is_page_noise("2022"));
        assert!(!is_page_noise("page numbers matter"));
    }
}
