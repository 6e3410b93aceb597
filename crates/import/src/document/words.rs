//! Reading published wording: white space of every kind, cells printed on
//! several lines, list numbers (`1、`, `（三）`), short titles, numbers and
//! amounts in sentences (`2.67万元`), years, and the code-and-name of a
//! unit line (`101张家口市…`).

use rust_decimal::Decimal;

/// Removes all white space (also the ideographic and no-break spaces).
pub(crate) fn squeeze(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}' && *c != '\u{a0}')
        .collect()
}

/// Trims white space, also ideographic and no-break spaces and a BOM.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}')
}

/// A cell's text on one line: the lines of a multi-paragraph cell joined
/// (without a separator between CJK text, with a space between Latin words).
pub(crate) fn one_line(s: &str) -> String {
    let mut out = String::new();
    for line in s.lines().map(trim).filter(|l| !l.is_empty()) {
        let latin_join = out.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
            && line.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if latin_join {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// ASCII digits only (and at least one).
pub(crate) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// A plain decimal such as `12`, `0.5`, `-3.00`.
pub(crate) fn is_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    match s.split_once('.') {
        Some((a, b)) => is_digits(a) && is_digits(b),
        None => is_digits(s),
    }
}

/// Two decimals, as amounts are printed.
pub(crate) fn fmt2(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// A number without trailing zeros (`56.10` → `56.1`, `0.00` → `0`).
pub(crate) fn short(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() { "0".into() } else { n.to_string() }
}

/// The first amount written as `<number>万元` at or after byte `from`:
/// (value, start, end of `万元`).
pub(crate) fn amount_after(text: &str, from: usize) -> Option<(Decimal, usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_digit() || bytes[i - 1] == b'.')) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            let number = text[start..i].trim_end_matches('.');
            let rest = &text[i..];
            let gap = rest.len() - rest.trim_start().len();
            if rest.trim_start().starts_with("万元")
                && let Ok(d) = number.parse::<Decimal>()
            {
                return Some((d, start, i + gap + "万元".len()));
            }
        } else {
            i += 1;
        }
    }
    None
}

/// Strips a leading list number: `1、`, `2.`, `（三）`, `(3)`.
pub(crate) fn strip_number(s: &str) -> &str {
    let t = trim(s);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if !digits.is_empty() {
        let rest = &t[digits.len()..];
        for sep in ['、', '.', '．', '，', ' '] {
            if let Some(r) = rest.strip_prefix(sep) {
                return trim(r);
            }
        }
        return t;
    }
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let inner = &rest[..end];
            if inner
                .chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
            {
                return trim(&rest[end + close.len_utf8()..]);
            }
        }
    }
    let numeral: String = t.chars().take_while(|c| "一二三四五六七八九十".contains(*c)).collect();
    if !numeral.is_empty()
        && let Some(rest) = t[numeral.len()..].strip_prefix('、')
    {
        return trim(rest);
    }
    t
}

/// `1、立法工作` style: a list number, then a short title.
pub(crate) fn has_list_number(s: &str) -> bool {
    strip_number(s).len() < trim(s).len()
}

/// A heading-like line: short and not a sentence.
pub(crate) fn is_short_title(s: &str) -> bool {
    let t = trim(s);
    t.chars().count() <= 50 && !t.ends_with('。') && !t.ends_with('；')
}

/// A row's cells on one line, for messages.
pub(crate) fn row_text(row: &[String]) -> String {
    row.iter().map(|c| one_line(c)).collect::<Vec<_>>().join(" | ")
}

/// `101张家口市…` → ("101", "张家口市…"): a code of 3 to 12 digits, then a name.
pub(crate) fn code_and_name(cell: &str) -> Option<(String, String)> {
    let t = trim(cell);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest = one_line(&t[digits.len()..]);
    let ok = (3..=12).contains(&digits.len())
        && rest
            .chars()
            .next()
            .is_some_and(|c| !c.is_ascii_digit() && !c.is_ascii_punctuation() && !c.is_whitespace())
        && !rest.starts_with('年')
        && !rest.starts_with("万元");
    ok.then_some((digits, rest))
}

/// The first `20xx年` of a text.
pub(crate) fn year_in(text: &str) -> Option<u16> {
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let digits: String = chars[i..i + 4].iter().collect();
        if is_digits(&digits)
            && chars.get(i + 4) == Some(&'年')
            && (i == 0 || !chars[i - 1].is_ascii_digit())
            && let Ok(y) = digits.parse::<u16>()
            && (1990..=2100).contains(&y)
        {
            return Some(y);
        }
    }
    None
}

/// A text cut into sentences, each keeping its `。`.
pub(crate) fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if c == '。' {
            out.push(std::mem::take(&mut current));
        }
    }
    if !trim(&current).is_empty() {
        out.push(current);
    }
    out
}

/// Text after one of `markers` (which follow `after` when given), up to the end of its sentence.
pub(crate) fn after_marker(text: &str, after: &str, markers: &[&str]) -> Option<String> {
    let from = if after.is_empty() { 0 } else { text.find(after)? };
    let (pos, marker) = markers
        .iter()
        .filter_map(|m| text[from..].find(m).map(|p| (from + p, *m)))
        .min_by_key(|(p, _)| *p)?;
    let rest = &text[pos + marker.len()..];
    let end = rest.find('。').unwrap_or(rest.len());
    let out = trim(&rest[..end]).trim_end_matches(['；', ';', '，']).to_string();
    (!out.is_empty()).then_some(out)
}

/// An amount as the text wrote it (`11.10` stays `11.10`).
pub(crate) fn fmt_as_published(text: &str, value: Decimal) -> String {
    for candidate in [fmt2(value), value.to_string(), short(value)] {
        if text.contains(&format!("{candidate}万元")) {
            return candidate;
        }
    }
    value.to_string()
}
