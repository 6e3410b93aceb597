//! Proofreading: the slips a reviewer circles in red on a printed
//! disclosure, in the text an author typed (`narrative.yaml` and
//! `sections/*.md`; gongkai's own sentences cannot have them).
//!
//! | rule | what | example |
//! |---|---|---|
//! | `proof-doubled` | the same punctuation twice, or two sentence marks in a row | `。。` `，，` `；。` |
//! | `proof-unbalanced` | a quote or bracket opened and not closed, or closed and not opened | `“三公”经费” ` `（见附表` |
//! | `proof-no-stop` | a paragraph that ends without a sentence mark | `……工作保障措施` |
//! | `proof-empty-reason` | a reason or purpose announced and not given | `主要原因是。` `主要用于：。` |
//!
//! All are warnings: a reviewer must look, nothing is wrong with a figure. A
//! site switches them off with `proofreading = false` in `gongkai.toml`.

use crate::prose::{line_col, locate_at};
use gongkai_model::diag::{Diagnostics, Loc};
use gongkai_model::disclosure::{Disclosure, Located};

/// Punctuation that ends or splits a sentence; two of them in a row is a slip.
const MARKS: [char; 7] = ['。', '，', '；', '：', '、', '！', '？'];

/// What may end a paragraph (a half-width `;` or `:` ends many list items
/// as published; that is a matter of style, not a missing stop).
const STOPS: [char; 11] = ['。', '！', '？', '；', '：', '…', '.', '!', '?', ';', ':'];

/// Closing characters that may follow a paragraph's final stop.
const CLOSERS: [char; 6] = ['”', '’', '）', ')', '》', '」'];

/// Pairs that must balance.
const PAIRS: [(char, char); 5] = [('“', '”'), ('‘', '’'), ('（', '）'), ('(', ')'), ('《', '》')];

/// Words that announce a reason or a purpose.
const ANNOUNCED: [&str; 4] = ["原因是", "原因为", "主要用于", "用于"];

/// The texts of narrative.yaml: whole paragraphs (which end with a stop),
/// then fragments and labels (a reason the template's sentence goes on
/// from, a title, a glossary term), which need not.
fn texts_typed(d: &Disclosure) -> (Vec<&Located<String>>, Vec<&Located<String>>) {
    let n = &d.narrative;
    let mut paragraphs: Vec<&Located<String>> = Vec::new();
    paragraphs.extend(&n.preamble);
    paragraphs.extend(&n.duties);
    paragraphs.extend(&n.overview);
    paragraphs.extend(&n.performance_overall);
    paragraphs.extend(n.performance_sub_goals.iter().flat_map(|g| [&g.goal, &g.indicators]));
    paragraphs.extend(&n.performance_safeguards);
    paragraphs.extend(n.glossary.iter().map(|(_, definition)| definition));
    paragraphs.extend(&n.other_matters);
    let mut fragments: Vec<&Located<String>> = [
        &n.project_purposes,
        &n.change_reason_total,
        &n.change_reason_basic,
        &n.change_reason_project,
        &n.running_costs_use,
        &n.sangong_change,
        &n.procurement_intro,
    ]
    .into_iter()
    .flatten()
    .collect();
    fragments.extend(n.performance_sub_goals.iter().map(|g| &g.title));
    fragments.extend(n.glossary.iter().map(|(term, _)| term));
    (paragraphs, fragments)
}

/// Runs the proofreading rules over every text the author typed.
pub fn check(d: &Disclosure, diags: &mut Diagnostics) {
    let (paragraphs, fragments) = texts_typed(d);
    let texts = paragraphs
        .iter()
        .map(|t| (*t, true))
        .chain(fragments.iter().map(|t| (*t, false)));
    for (text, paragraph) in texts {
        for (start, len, rule, message) in slips(&text.value, paragraph) {
            let loc = locate_at(diags, text, start, len);
            report(diags, loc, rule, message);
        }
    }
    for source in d.sections.values() {
        for (offset, paragraph) in markdown_paragraphs(&source.value) {
            for (start, len, rule, message) in slips(paragraph, true) {
                let (line, column) = line_col(&source.value, offset + start);
                let loc = Loc {
                    file: source.loc.file.clone(),
                    line,
                    column,
                    len: len as u32,
                };
                report(diags, loc, rule, message);
            }
        }
    }
}

fn report(diags: &mut Diagnostics, loc: Loc, rule: &'static str, message: String) {
    let help = match rule {
        "proof-doubled" => "keep one mark",
        "proof-unbalanced" => "close (or remove) the quote or bracket",
        "proof-no-stop" => "end the paragraph with 。",
        _ => "give the reason, or remove the words that announce it",
    };
    diags.warning(rule, loc, message).help = Some(help.into());
}

/// A slip: byte offset, length in characters, rule and message.
type Slip = (usize, usize, &'static str, String);

/// The slips of one paragraph (`paragraph`: it should end with a stop; a
/// glossary term need not).
fn slips(text: &str, paragraph: bool) -> Vec<Slip> {
    let mut out = Vec::new();
    // One pass: doubled marks (an ellipsis `……` and `——` are not marks),
    // and for each pair the open positions and the first stray closer.
    let mut previous: Option<(usize, char)> = None;
    let mut open: [Vec<usize>; PAIRS.len()] = Default::default();
    let mut stray: [Option<usize>; PAIRS.len()] = [None; PAIRS.len()];
    for (at, c) in text.char_indices() {
        if MARKS.contains(&c) {
            if let Some((before, b)) = previous.filter(|(_, b)| MARKS.contains(b))
                && !(b == '：' && c == '“')
            {
                out.push((
                    before,
                    2,
                    "proof-doubled",
                    format!("`{b}{c}`: two punctuation marks in a row"),
                ));
                previous = None;
                continue;
            }
        } else if let Some(i) = PAIRS.iter().position(|(o, _)| *o == c) {
            open[i].push(at);
        } else if let Some(i) = PAIRS.iter().position(|(_, cl)| *cl == c)
            && open[i].pop().is_none()
            && stray[i].is_none()
        {
            stray[i] = Some(at);
        }
        previous = Some((at, c));
    }
    // Unbalanced pairs: the first unmatched closer, or the last unmatched opener.
    for (i, (o, cl)) in PAIRS.iter().enumerate() {
        if let Some(at) = stray[i] {
            out.push((
                at,
                1,
                "proof-unbalanced",
                format!("`{cl}` closes a `{o}` that was never opened"),
            ));
        } else if let Some(&at) = open[i].last() {
            out.push((at, 1, "proof-unbalanced", format!("`{o}` is never closed")));
        }
    }
    // Announced and not given (`用于` inside `主要用于` counted once; the
    // mark after it is part of the same slip, not a doubled mark).
    let mut announced: Vec<(usize, usize)> = Vec::new();
    for word in ANNOUNCED {
        for (at, _) in text.match_indices(word) {
            let end = at + word.len();
            if announced.iter().any(|&(s, e)| s <= at && end <= e) {
                continue;
            }
            let rest = text[end..].trim_start_matches(['：', ':', ' ', '　']);
            if rest.starts_with(['。', '；']) || rest.is_empty() {
                let stop = end + (text[end..].len() - rest.len()) + rest.chars().next().map_or(0, char::len_utf8);
                announced.push((at, stop));
                out.push((
                    at,
                    word.chars().count(),
                    "proof-empty-reason",
                    format!("`{word}` is followed by nothing"),
                ));
            }
        }
    }
    out.retain(|s| s.2 != "proof-doubled" || !announced.iter().any(|&(a, e)| s.0 >= a && s.0 < e));
    // The paragraph's end.
    let trimmed = text.trim_end();
    let last = trimmed.trim_end_matches(CLOSERS).chars().last();
    if paragraph && last.is_some_and(|c| !STOPS.contains(&c)) && !is_title(trimmed) {
        let tail: String = trimmed
            .chars()
            .rev()
            .take(12)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let at = trimmed.len() - trimmed.chars().last().map_or(0, char::len_utf8);
        out.push((
            at,
            1,
            "proof-no-stop",
            format!("the paragraph ends without 。: “…{tail}”"),
        ));
    }
    out.sort_by_key(|s| s.0);
    out
}

/// A heading written as a paragraph (`（一）部门职责`, `1、总体目标`),
/// which needs no stop.
fn is_title(text: &str) -> bool {
    let numbered = text.starts_with(['（', '(', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十'])
        || text.chars().next().is_some_and(|c| c.is_ascii_digit());
    numbered && text.chars().count() <= 20 && !text.contains(['，', '。', '；'])
}

/// The paragraphs of an author's Markdown that are prose: byte offset and
/// text. Headings, tables, lists, fences and template-only lines are left out.
fn markdown_paragraphs(source: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut fenced = false;
    for block in source.split_inclusive("\n\n") {
        let lead = block.len() - block.trim_start().len();
        let body = block.trim();
        // A block inside a fence, or one that opens or closes a fence, is code.
        let fences = body.matches("```").count();
        let code = fenced || fences > 0;
        if fences % 2 == 1 {
            fenced = !fenced;
        }
        let markup = body.is_empty()
            || body.starts_with(['#', '|', '-', '*', '>'])
            || (body.starts_with("{%") && body.ends_with("%}"))
            || (body.starts_with("{#") && body.ends_with("#}"));
        let prose = !code && !markup;
        if prose {
            out.push((offset + lead, body));
        }
        offset += block.len();
    }
    out
}

/// The texts proofreading looks at, for tests.
#[cfg(test)]
fn texts(text: &str) -> Vec<&'static str> {
    slips(text, true).into_iter().map(|s| s.2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_slip_is_found_where_it_is() {
        assert_eq!(texts("经费共计安排。。"), ["proof-doubled"]);
        assert_eq!(texts("其中，，基本支出；。"), ["proof-doubled", "proof-doubled"]);
        assert_eq!(texts("详见“三公”经费”表。"), ["proof-unbalanced"]);
        assert_eq!(texts("（见附表。"), ["proof-unbalanced"]);
        assert_eq!(texts("主要原因是。"), ["proof-empty-reason"]);
        assert_eq!(texts("主要用于：。"), ["proof-empty-reason"]);
        assert_eq!(texts("保障机关正常运转"), ["proof-no-stop"]);
        let slip = &slips("保障运转，，支出", true)[0];
        assert_eq!((slip.0, slip.1), ("保障运转".len(), 2));
    }

    #[test]
    fn near_misses_are_not_slips() {
        for ok in [
            "经费共计安排……。",
            "主要原因是业务量增加。",
            "“三公”经费预算安排10.71万元。",
            "他说：“好。”",
            "（一）部门职责",
            "1、总体目标",
            "工作保障措施：",
            "(一)宪法、法律的遵守和执行;",
            "主要用于办公。",
            "资金用途——保障运转。",
            "其中（含所属单位）合计。",
        ] {
            assert!(texts(ok).is_empty(), "{ok}: {:?}", slips(ok, true));
        }
        assert!(slips("机关运行经费", false).is_empty(), "a glossary term needs no stop");
    }

    #[test]
    fn markdown_prose_only() {
        let md = "## 标题\n\n第一段正文。\n\n| a | b |\n|---|---|\n\n- 列表\n\n{% if x %}\n\n第二段\n没有句号\n";
        let paras: Vec<&str> = markdown_paragraphs(md).into_iter().map(|p| p.1).collect();
        assert_eq!(paras, ["第一段正文。", "第二段\n没有句号"]);
    }
}
