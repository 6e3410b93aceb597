//! Prose checks: figures typed into author text, and changes without reasons.
//!
//! **Typed amounts.** In author prose (`narrative.yaml` texts and
//! `sections/*.md`, outside `{{ … }}` / `{% … %}` / `{# … #}`), these are
//! amount-like literals and an error (`prose-literal`), because a typed figure
//! can disagree with the tables:
//!
//! - a number followed by a money unit: `34.66万元`, `18万元`, `0.5亿元`,
//!   `3千元`, `1200元` — but not a rate such as `430元/人/天`;
//! - a percentage after a word of change: `增长12.5%`, `下降3个百分点`.
//!
//! Not amounts, and never flagged: years and dates (`2022年`, `3月底`),
//! document and article numbers (`〔2022〕12号`, `第十二条`), counts of people,
//! meetings and things (`6次`, `1500人次`, `40份`), and plain rates (`100%`).
//!
//! **Reasons.** A clause (between `；` and `。`) of rendered narrative that says
//! a figure rose or fell (增加 / 减少 / 上升 / 下降 / 增长 / 降低) must give a
//! reason (原因 / 主要 / 由于 / 因为 / 用于), else a warning (`change-reason`):
//! inspections ask for it.

use gongkai_model::diag::{Diagnostics, Loc};
use gongkai_model::disclosure::{Disclosure, Located};

const MONEY_UNITS: [&str; 4] = ["万元", "亿元", "千元", "元"];
const CHANGE_WORDS: [&str; 8] = ["增长", "下降", "增加", "减少", "上升", "降低", "提高", "压减"];
const REASON_WORDS: [&str; 6] = ["原因", "主要", "由于", "因为", "用于", "系"];

/// A typed amount found in text: byte range and the literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The literal as typed.
    pub text: String,
}

/// Finds amount-like literals in plain text.
pub fn find_literals(text: &str) -> Vec<Literal> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && (bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_digit() || (bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)))
        {
            i += 1;
        }
        let number_end = i;
        let rest = text[number_end..].trim_start_matches([' ', '\u{3000}']);
        let gap = text.len() - number_end - rest.len();
        if let Some(unit) = MONEY_UNITS.iter().find(|u| rest.starts_with(**u)) {
            let after = &rest[unit.len()..];
            if !after.starts_with(['/', '／']) {
                let end = number_end + gap + unit.len();
                found.push(Literal {
                    start,
                    end,
                    text: text[start..end].to_string(),
                });
                i = end;
                continue;
            }
        }
        let percent = ["%", "％", "个百分点"].iter().find(|p| rest.starts_with(**p));
        if let Some(p) = percent {
            let before: String = text[..start]
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if CHANGE_WORDS.iter().any(|w| before.contains(w)) {
                let end = number_end + gap + p.len();
                found.push(Literal {
                    start,
                    end,
                    text: text[start..end].to_string(),
                });
                i = end;
                continue;
            }
        }
    }
    found
}

/// Byte ranges of template tags, which may hold references but not prose.
fn template_regions(source: &str) -> Vec<(usize, usize)> {
    let mut regions = Vec::new();
    let mut from = 0;
    while let Some(open) = source[from..].find('{').map(|o| from + o) {
        let close = match source.get(open + 1..open + 2) {
            Some("{") => "}}",
            Some("%") => "%}",
            Some("#") => "#}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let end = source[open + 2..]
            .find(close)
            .map_or(source.len(), |e| open + 2 + e + 2);
        regions.push((open, end));
        from = end;
    }
    regions
}

/// Line and column (1-based, in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
    (line, column)
}

fn report(diags: &mut Diagnostics, loc: Loc, literal: &Literal) {
    diags
        .error(
            "prose-literal",
            loc,
            format!("`{}` is a figure typed into the text; it can disagree with the tables", literal.text),
        )
        .help = Some(
        "write a reference to the fact instead, e.g. {{ sangong.total | short }}万元 (facts are listed in docs/templates.md)".into(),
    );
}

/// Checks all author prose of a disclosure for typed amounts.
pub fn check_literals(d: &Disclosure, diags: &mut Diagnostics) {
    for source in d.sections.values() {
        let regions = template_regions(&source.value);
        for literal in find_literals(&source.value) {
            if regions.iter().any(|(s, e)| literal.start >= *s && literal.start < *e) {
                continue;
            }
            let (line, column) = line_col(&source.value, literal.start);
            let loc = Loc {
                file: source.loc.file.clone(),
                line,
                column,
                len: literal.text.chars().count() as u32,
            };
            report(diags, loc, &literal);
        }
    }
    for text in narrative_texts(d) {
        for literal in find_literals(&text.value) {
            let loc = locate_in_scalar(diags, text, &literal);
            report(diags, loc, &literal);
        }
    }
}

/// All narrative.yaml texts an author typed.
pub(crate) fn narrative_texts(d: &Disclosure) -> Vec<&Located<String>> {
    let n = &d.narrative;
    let mut texts: Vec<&Located<String>> = Vec::new();
    texts.extend(&n.preamble);
    texts.extend(&n.duties);
    texts.extend(&n.overview);
    texts.extend(
        [
            &n.project_purposes,
            &n.change_reason_total,
            &n.change_reason_basic,
            &n.change_reason_project,
            &n.running_costs_use,
            &n.sangong_change,
            &n.procurement_intro,
        ]
        .into_iter()
        .flatten(),
    );
    texts.extend(&n.performance_overall);
    for g in &n.performance_sub_goals {
        texts.extend([&g.title, &g.goal, &g.indicators]);
    }
    texts.extend(&n.performance_safeguards);
    for (term, definition) in &n.glossary {
        texts.extend([term, definition]);
    }
    texts.extend(&n.other_matters);
    texts
}

/// The position of a literal inside a one-line YAML scalar (the scalar's start
/// for multi-line ones).
fn locate_in_scalar(diags: &Diagnostics, text: &Located<String>, literal: &Literal) -> Loc {
    locate_at(diags, text, literal.start, literal.text.chars().count())
}

/// The position of the `len` characters at byte `start` of a text typed as
/// one YAML scalar: exact when the scalar is on one line as typed, else the
/// scalar's start.
pub(crate) fn locate_at(diags: &Diagnostics, text: &Located<String>, start: usize, len: usize) -> Loc {
    let mut loc = text.loc.clone();
    loc.len = len as u32;
    let Some(line) = diags.source_line(&loc.file, loc.line) else {
        return loc;
    };
    let scalar: String = line.chars().skip(loc.column.saturating_sub(1) as usize).collect();
    let quoted = scalar.starts_with(['"', '\'']);
    let body = if quoted { &scalar[1..] } else { &scalar[..] };
    let prefix = text.value.get(..start).unwrap_or_default();
    if !prefix.contains('\n') && body.starts_with(prefix) {
        loc.column += prefix.chars().count() as u32 + u32::from(quoted);
    }
    loc
}

/// Warns about clauses that state a rise or fall without a reason.
pub fn check_reasons(d: &Disclosure, sections: &[(String, String)], diags: &mut Diagnostics) {
    for (id, text) in sections {
        if !matches!(
            id.as_str(),
            "change" | "sangong" | "running-costs" | "expenditure" | "income"
        ) && !d.sections.contains_key(id)
        {
            continue;
        }
        for sentence in text.split('。') {
            for clause in sentence.split('；') {
                let changes =
                    CHANGE_WORDS[..6].iter().any(|w| clause.contains(w)) && clause.chars().any(|c| c.is_ascii_digit());
                if changes && !REASON_WORDS.iter().any(|w| clause.contains(w)) {
                    let loc = d.sections.get(id).map_or_else(|| d.unit.loc.clone(), |s| s.loc.clone());
                    diags
                        .warning(
                            "change-reason",
                            loc,
                            format!(
                                "section `{id}` says a figure changed without giving a reason: “{}”",
                                clause.trim()
                            ),
                        )
                        .help = Some(match id.as_str() {
                        "change" => "add the reasons in narrative.yaml `change_reasons` (e.g. basic: 主要是……)".into(),
                        "sangong" => "add the reason in narrative.yaml `sangong_change` (主要原因是……)".into(),
                        _ => "say why, e.g. “主要原因是……”".into(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        find_literals(s).into_iter().map(|l| l.text).collect()
    }

    #[test]
    fn amounts_are_literals() {
        assert_eq!(texts("安排34.66万元，另有18万元"), ["34.66万元", "18万元"]);
        assert_eq!(texts("约0.5亿元"), ["0.5亿元"]);
        assert_eq!(texts("比上年增长12.5%，下降3个百分点"), ["12.5%", "3个百分点"]);
        assert_eq!(texts("支出 1200 元"), ["1200 元"]);
    }

    #[test]
    fn years_counts_rates_and_numbers_are_not() {
        assert!(texts("2022年召开会议6次，1500人次，第12条，〔2022〕12号").is_empty());
        assert!(texts("完成率100%，标准430元/人/天").is_empty());
        assert!(texts("3月底前完成40份报告").is_empty());
    }

    #[test]
    fn template_tags_are_not_prose() {
        let source = "安排{{ sangong.total | short }}万元，{# 18万元 #}共18万元";
        let regions = template_regions(source);
        let outside: Vec<_> = find_literals(source)
            .into_iter()
            .filter(|l| !regions.iter().any(|(s, e)| l.start >= *s && l.start < *e))
            .map(|l| l.text)
            .collect();
        assert_eq!(outside, ["18万元"]);
    }
}
