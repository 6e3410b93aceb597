//! Draft marks: a document with errors, rendered for its reviewers, never
//! for publication. A banner under the title says how many errors it has and
//! that it must not be published (草稿：N处错误，不得公开), and each finding is
//! set in a box under the heading of the part of the document it concerns:
//! the reviewer reads the draft and sees every error where it sits.
//!
//! What the marks need of a finding is where it goes ([`Anchor`]) and its
//! text; which file or key feeds which part of the document is the caller's
//! knowledge (`gongkai-site`'s draft build).

use std::fmt::Write as _;

/// Where in the document a finding is shown.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Anchor {
    /// Under the title: the department-year as a whole.
    Top,
    /// Under the heading that holds this text (`国有资产信息`,
    /// `部门预算财政拨款“三公”经费支出表`); under the title when the document
    /// has no such heading.
    Heading(&'static str),
}

/// One finding as the draft shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where it goes.
    pub anchor: Anchor,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// `file:line:column: message`, as `check` prints it.
    pub text: String,
}

/// What a draft says of itself: its errors, and every finding with its place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// How many errors the department-year has.
    pub errors: usize,
    /// Every finding, in the order `check` prints them.
    pub notes: Vec<Note>,
}

impl Draft {
    /// The banner's words: 草稿：N处错误，不得公开.
    pub fn banner(&self) -> String {
        format!("草稿：{}处错误，不得公开", self.errors)
    }
}

/// `markdown` (plain or with figure markers) with the draft's banner under
/// its title and each note in a box under its heading.
pub fn mark(markdown: &str, draft: &Draft) -> String {
    let mut out = String::with_capacity(markdown.len() + 256 * (draft.notes.len() + 1));
    let mut placed = vec![false; draft.notes.len()];
    let mut title_done = false;
    for block in markdown.split_inclusive("\n\n") {
        out.push_str(block);
        let line = block.trim_end();
        if !title_done && line.starts_with("# ") {
            title_done = true;
            let _ = write!(out, "> **{}**\n\n", draft.banner());
            let top: Vec<&Note> = draft
                .notes
                .iter()
                .enumerate()
                .filter(|(i, n)| {
                    let unplaceable = match n.anchor {
                        Anchor::Top => true,
                        Anchor::Heading(h) => !has_heading(markdown, h),
                    };
                    if unplaceable {
                        placed[*i] = true;
                    }
                    unplaceable
                })
                .map(|(_, n)| n)
                .collect();
            push_box(&mut out, &top);
            continue;
        }
        if let Some(heading) = line.strip_prefix('#').map(|h| h.trim_start_matches('#').trim()) {
            let here: Vec<&Note> = draft
                .notes
                .iter()
                .enumerate()
                .filter(|(i, n)| match n.anchor {
                    Anchor::Heading(h) if !placed[*i] && heading.contains(h) => {
                        placed[*i] = true;
                        true
                    }
                    _ => false,
                })
                .map(|(_, n)| n)
                .collect();
            push_box(&mut out, &here);
        }
    }
    out
}

/// Whether a heading of `markdown` holds `text`.
fn has_heading(markdown: &str, text: &str) -> bool {
    markdown
        .lines()
        .any(|l| l.starts_with('#') && l.trim_start_matches('#').contains(text))
}

/// A box of notes: a quoted block, one line each.
fn push_box(out: &mut String, notes: &[&Note]) {
    if notes.is_empty() {
        return;
    }
    out.push_str("> 草稿待改：\n>\n");
    for n in notes {
        let label = match n.severity {
            "error" => "错误",
            "warning" => "警告",
            _ => "提示",
        };
        let _ = writeln!(out, "> - 【{label}】{}", escape_line(&n.text));
    }
    out.push('\n');
}

/// A finding's text as one Markdown line: no line breaks, no markup.
fn escape_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(anchor: Anchor, text: &str) -> Note {
        Note {
            anchor,
            severity: "error",
            text: text.into(),
        }
    }

    #[test]
    fn the_banner_goes_under_the_title_and_each_note_under_its_heading() {
        let md = "# 某部门2022年部门预算信息公开\n\n## 第一部分 表\n\n### 部门预算收支总表\n\n| a |\n|---|\n\n### 七、国有资产信息\n\n正文。\n";
        let draft = Draft {
            errors: 2,
            notes: vec![
                note(Anchor::Heading("国有资产信息"), "assets.yaml:3:1: 资产总额 <不符>"),
                note(Anchor::Heading("收支总表"), "functions.yaml:9:2: 合计不符"),
                note(Anchor::Heading("名词解释"), "narrative.yaml:40:3: 无此节"),
                note(Anchor::Top, "unit.yaml:1:1: 整体"),
            ],
        };
        let marked = mark(md, &draft);
        let title = marked.find("**草稿：2处错误，不得公开**").unwrap();
        let whole = marked.find("unit.yaml:1:1").unwrap();
        let nowhere = marked.find("narrative.yaml:40:3").unwrap();
        let table = marked.find("functions.yaml:9:2").unwrap();
        let assets = marked.find("assets.yaml:3:1").unwrap();
        assert!(
            title < whole && whole < table && nowhere < table && table < assets,
            "{marked}"
        );
        assert!(marked[..table].contains("### 部门预算收支总表"));
        assert!(marked.contains("资产总额 \\<不符\\>"), "markup in a message is escaped");
        assert_eq!(marked.matches("草稿待改").count(), 3, "{marked}");
        // Without marks the document is untouched.
        assert!(marked.contains("正文。"));
    }
}
