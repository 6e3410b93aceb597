//! The sentences that compare with last year: `较2021年减少120.1万元，其中：
//! 基本支出增加2.25万元，主要为……` in 二 and `与2021年相比持平` in 四. Their
//! figures give last year's (`prior.yaml`) and their reasons are kept as
//! text (`narrative.yaml`).

use crate::document::words::{amount_after, sentences, trim, year_in};
use rust_decimal::Decimal;

/// A change clause: `增加2.25万元` → +2.25, `减少…` → −…, `持平` → 0.
pub(super) fn change_at(text: &str, from: usize) -> Option<(Decimal, usize, usize)> {
    let words = [
        ("增加", 1),
        ("增长", 1),
        ("上升", 1),
        ("减少", -1),
        ("下降", -1),
        ("降低", -1),
        ("压减", -1),
    ];
    let mut best: Option<(usize, i32, usize)> = None;
    for (w, sign) in words {
        if let Some(p) = text[from..].find(w) {
            let p = from + p;
            if best.is_none_or(|(b, _, _)| p < b) {
                best = Some((p, sign, w.len()));
            }
        }
    }
    let flat = text[from..].find("持平").map(|p| from + p);
    match (best, flat) {
        (Some((p, sign, len)), f) if f.is_none_or(|f| p < f) => {
            let (value, start, end) = amount_after(text, p + len)?;
            // The amount must follow the word directly.
            if trim(&text[p + len..start]).is_empty() {
                let signed = if sign < 0 { -value } else { value };
                Some((signed, p, end))
            } else {
                None
            }
        }
        (_, Some(f)) => Some((Decimal::ZERO, f, f + "持平".len())),
        _ => None,
    }
}

/// What the change sentence of 二 says.
#[derive(Debug, Default)]
pub(super) struct ChangeParse {
    /// (this year's total if stated, change, phrase)
    pub(super) total: Option<(Option<Decimal>, Decimal, String)>,
    pub(super) basic: Option<(Decimal, String)>,
    pub(super) project: Option<(Decimal, String)>,
    pub(super) total_reason: Option<String>,
    pub(super) basic_reason: Option<String>,
    pub(super) project_reason: Option<String>,
    pub(super) unknown: Vec<String>,
}

/// The reason after a change: up to `；`, `。` or the next part.
fn reason_after(text: &str, end: usize, stops: &[&str]) -> Option<String> {
    let rest = &text[end..];
    let rest = rest.trim_start_matches(['，', ',']);
    let mut cut = rest.len();
    for s in ["；", "。", ";"].iter().chain(stops) {
        if let Some(p) = rest.find(s) {
            cut = cut.min(p);
        }
    }
    let reason = trim(trim(&rest[..cut]).trim_end_matches(['，', ','])).to_string();
    (!reason.is_empty()).then_some(reason)
}

/// `2022年部门预算收支安排2100.32万元，较2021年减少120.1万元，其中：基本支出增加2.25万元，…；项目支出减少122.35万元，…。`
pub(super) fn parse_change(text: &str, year: u16) -> (Option<u16>, ChangeParse) {
    let mut out = ChangeParse::default();
    let prior_year = {
        let mut found = None;
        let mut from = 0;
        while let Some(p) = text[from..].find('年') {
            let at = from + p;
            let digits: String = text[..at]
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if digits.len() == 4
                && let Ok(y) = digits.parse::<u16>()
                && y < year
            {
                found = Some(y);
                break;
            }
            from = at + '年'.len_utf8();
        }
        found
    };
    let comparison = ["较上年", "比上年", "较", "比", "与"]
        .iter()
        .filter_map(|w| text.find(w))
        .min();
    let parts_at = ["基本支出", "项目支出"]
        .iter()
        .filter_map(|w| text.find(w))
        .min()
        .unwrap_or(text.len());
    if let Some(c) = comparison.filter(|c| *c < parts_at)
        && let Some((delta, start, end)) = change_at(text, c)
        && start < parts_at
    {
        let now = amount_after(text, 0).filter(|(_, s, _)| *s < c).map(|(v, _, _)| v);
        let phrase = trim(&text[c..end]).to_string();
        out.total = Some((now, delta, phrase));
        out.total_reason =
            reason_after(text, end, &["其中", "，基本支出", "，项目支出"]).filter(|r| !r.starts_with("其中"));
    }
    for (word, slot, reason) in [
        ("基本支出", &mut out.basic, &mut out.basic_reason),
        ("项目支出", &mut out.project, &mut out.project_reason),
    ] {
        let Some(p) = text.find(word) else { continue };
        if let Some((delta, start, end)) = change_at(text, p + word.len())
            && trim(&text[p + word.len()..start]).chars().count() <= 2
        {
            *slot = Some((delta, trim(&text[p..end]).to_string()));
            *reason = reason_after(text, end, &["，项目支出", "，基本支出"]);
        }
    }
    for word in ["人员经费", "公用经费", "三公"] {
        if let Some(p) = text.find(word)
            && let Some((_, start, end)) = change_at(text, p + word.len())
            && start - (p + word.len()) <= 6
        {
            out.unknown.push(trim(&text[p..end]).to_string());
        }
    }
    (prior_year, out)
}

/// The sentence of 四 comparing 三公 with last year.
#[derive(Debug)]
pub(super) struct SangongChange {
    pub(super) year: Option<u16>,
    /// None when 持平.
    pub(super) delta: Option<Decimal>,
    pub(super) phrase: String,
    /// The whole comparison sentence onwards (for 持平).
    pub(super) sentence: String,
    /// The reason after the changed amount.
    pub(super) reason: Option<String>,
}

/// The sentence comparing 三公 with last year: `与2021年相比持平，无增减变化。`,
/// `比上年增加5万元，主要原因是……。`
pub(super) fn sangong_change(text: &str) -> Option<SangongChange> {
    let all = sentences(text);
    let index = all.iter().position(|s| {
        (s.contains("上年") || s.contains("相比") || s.contains("同比") || s.contains("较20") || s.contains("比20"))
            && (s.contains("持平") || change_at(s, 0).is_some())
    })?;
    let sentence: String = all[index..].concat();
    let first = &all[index];
    let year = year_in(first);
    match change_at(first, 0) {
        Some((delta, start, end)) if !delta.is_zero() => {
            let phrase_start = ["与", "较", "比", "同比"]
                .iter()
                .filter_map(|w| first[..start].rfind(w))
                .max()
                .unwrap_or(0);
            let tail = format!("{}{}", &first[end..], all[index + 1..].concat());
            let reason = trim(tail.trim_start_matches(['，', ',']))
                .trim_end_matches('。')
                .to_string();
            Some(SangongChange {
                year,
                delta: Some(delta),
                phrase: trim(&first[phrase_start..end]).to_string(),
                sentence,
                reason: (!reason.is_empty()).then_some(reason),
            })
        }
        _ => Some(SangongChange {
            year,
            delta: None,
            phrase: trim(first.trim_end_matches('。')).to_string(),
            sentence,
            reason: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_sentence_gives_prior_figures_and_reasons() {
        let text = "2022年部门预算收支安排2100.32万元，较2021年减少120.1万元，其中：基本支出增加2.25万元，主要为增加人员经费支出；项目支出减少122.35万元，主要是压缩各项目支出成本。";
        let (year, c) = parse_change(text, 2022);
        assert_eq!(year, Some(2021));
        let (now, delta, _) = c.total.expect("total");
        assert_eq!(now, Some("2100.32".parse().expect("d")));
        assert_eq!(delta, "-120.1".parse::<Decimal>().expect("d"));
        assert_eq!(c.basic.expect("basic").0, "2.25".parse::<Decimal>().expect("d"));
        assert_eq!(c.project.expect("project").0, "-122.35".parse::<Decimal>().expect("d"));
        assert_eq!(c.basic_reason.as_deref(), Some("主要为增加人员经费支出"));
        assert_eq!(c.project_reason.as_deref(), Some("主要是压缩各项目支出成本"));
        assert_eq!(c.total_reason, None);
    }

    #[test]
    fn sangong_change_flat_and_increase() {
        let flat = sangong_change("2022年，我部门……公务接待费2.67万元。与2021年相比持平，无增减变化。").expect("flat");
        assert_eq!(flat.delta, None);
        assert_eq!(flat.sentence, "与2021年相比持平，无增减变化。");
        let up = sangong_change("……公务接待费2.67万元。比上年增加5.5万元，主要原因是接待任务增加。").expect("up");
        assert_eq!(up.delta, Some("5.5".parse().expect("d")));
        assert_eq!(up.reason.as_deref(), Some("主要原因是接待任务增加"));
    }
}
