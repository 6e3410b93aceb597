//! Cells as the sheet displays them: a number cell's text read as the
//! decimal Excel holds (15 significant digits, never through binary floating
//! point), shown through its number format; dates and durations from serial
//! numbers; which formats are dates.
//!
//! Number formats rendered: digits (`0`, `#`, `?`), decimal point, grouping
//! and scaling commas, percent, literal text (quoted, escaped, currency
//! `[$¥-804]`), a section per sign and for zero (`"-"` for zero), `General`
//! and `@`. Formats not rendered here (scientific, fractions, 中文大写
//! `[DBNum]`) fall back to `General`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// What a number format makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Number,
    /// A serial date (days since the epoch, the time as the fraction).
    Date,
    /// Elapsed time (`[h]:mm:ss`).
    Duration,
}

/// A cell's number format: its code and what it makes of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct NumFmt<'a> {
    pub(super) code: &'a str,
    pub(super) kind: Kind,
}

/// The text of a number cell as displayed; `None` when `v` is not a number.
/// A number too large or too small for a [`Decimal`] shows as written.
pub(super) fn number_display(v: &str, format: NumFmt<'_>, date1904: bool) -> Option<String> {
    let value = match excel_decimal(v) {
        Number::Value(d) => d,
        Number::OutOfRange => return Some(v.trim().to_string()),
        Number::Text => return None,
    };
    Some(match format.kind {
        Kind::Date => date_text(value, date1904).unwrap_or_else(|| general(value)),
        Kind::Duration => duration_text(value).unwrap_or_else(|| general(value)),
        Kind::Number => number_text(value, Some(format.code)),
    })
}

/// What a number cell's text holds.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Number {
    Value(Decimal),
    /// A number, but beyond what a `Decimal` holds at 15 digits.
    OutOfRange,
    /// Not a number at all.
    Text,
}

/// Significant digits Excel keeps.
const EXCEL_DIGITS: usize = 15;

/// The decimal Excel shows for a number cell's text (`2100.32`,
/// `2100.3200000000002`, `-1.5E-3`): rounded to its 15 significant digits
/// (half away from zero), trailing zeros dropped. Exact: the text is never
/// read as binary floating point.
pub(super) fn excel_decimal(text: &str) -> Number {
    let s = text.trim();
    let (negative, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_ok = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if int.len() + frac.len() == 0 || !digits_ok(int) || !digits_ok(frac) {
        return Number::Text;
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let body = e.strip_prefix(['+', '-']).unwrap_or(e);
            if body.is_empty() || !digits_ok(body) {
                return Number::Text;
            }
            let body = body.trim_start_matches('0');
            if body.len() > 6 {
                // Beyond any Decimal, unless the digits are all zero.
                let zero = int.bytes().chain(frac.bytes()).all(|b| b == b'0');
                return if zero {
                    Number::Value(Decimal::ZERO)
                } else {
                    Number::OutOfRange
                };
            }
            let n: i64 = body.parse().unwrap_or(0);
            if e.starts_with('-') { -n } else { n }
        }
    };
    let digits = || int.bytes().chain(frac.bytes()).map(|b| b - b'0');
    let Some(lead) = digits().position(|d| d != 0) else {
        return Number::Value(Decimal::ZERO);
    };
    // value = 0.d₁d₂… × 10^point, d₁ the first significant digit; the digit
    // after the fifteenth decides the rounding, the ones after it cannot.
    let mut point = int.len() as i64 - lead as i64 + exponent;
    let mut sig: Vec<u8> = digits().skip(lead).take(EXCEL_DIGITS + 1).collect();
    if sig.len() > EXCEL_DIGITS {
        let up = sig[EXCEL_DIGITS] >= 5;
        sig.truncate(EXCEL_DIGITS);
        if up {
            let mut i = sig.len();
            loop {
                if i == 0 {
                    // 999… rounded up: one more digit.
                    sig.insert(0, 1);
                    sig.truncate(EXCEL_DIGITS);
                    point += 1;
                    break;
                }
                i -= 1;
                if sig[i] == 9 {
                    sig[i] = 0;
                } else {
                    sig[i] += 1;
                    break;
                }
            }
        }
    }
    while sig.last() == Some(&0) {
        sig.pop();
    }
    let mantissa = sig.iter().fold(0i64, |m, &d| m * 10 + i64::from(d));
    let shift = point - sig.len() as i64;
    let value = if shift >= 0 {
        (0..shift).try_fold(Decimal::from(mantissa), |v, _| v.checked_mul(Decimal::TEN))
    } else {
        u32::try_from(-shift)
            .ok()
            .and_then(|scale| Decimal::try_from_i128_with_scale(i128::from(mantissa), scale).ok())
    };
    match value {
        Some(v) if negative => Number::Value(-v.normalize()),
        Some(v) => Number::Value(v.normalize()),
        None => Number::OutOfRange,
    }
}

// ---------------------------------------------------------------------------
// Dates

/// Days from 1970-01-01 to 1899-12-30, the day before serial 1 less Excel's
/// 29 February 1900.
const EPOCH_1900: i64 = -25_569;
/// Days from 1970-01-01 to 1904-01-01, serial 0 of the 1904 system.
const EPOCH_1904: i64 = -24_107;
/// The last serial day Excel shows: 9999-12-31.
const LAST_1900: i64 = 2_958_465;
const LAST_1904: i64 = 2_957_003;

/// The calendar date of a day counted from 1970-01-01 (proleptic Gregorian;
/// H. Hinnant's `civil_from_days`).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A serial date as `2022-01-01`, with ` 08:30:00` when it has a time of
/// day. Excel's 1900 system counts a 29 February 1900 (serial 60) that never
/// was, as Excel shows it. `None` before the epoch or after 9999-12-31.
pub(super) fn date_text(serial: Decimal, date1904: bool) -> Option<String> {
    let day = serial.floor();
    let mut days = day.to_i64()?;
    let millis = ((serial - day) * Decimal::from(86_400_000)).round().to_i64()?;
    let (mut h, mut mi, mut s) = (millis / 3_600_000, millis / 60_000 % 60, millis / 1000 % 60);
    if millis >= 86_400_000 {
        days = days.saturating_add(1);
        (h, mi, s) = (0, 0, 0);
    }
    let last = if date1904 { LAST_1904 } else { LAST_1900 };
    if days < 0 || days > last {
        return None;
    }
    let (y, mo, d) = match (date1904, days) {
        (true, _) => civil(EPOCH_1904 + days),
        (false, 60) => (1900, 2, 29),
        (false, ..60) => civil(EPOCH_1900 + 1 + days),
        (false, _) => civil(EPOCH_1900 + days),
    };
    Some(if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    })
}

/// Elapsed time in days as `h:mm:ss` (`-` before a negative one); `None`
/// past 10^15 seconds.
pub(super) fn duration_text(days: Decimal) -> Option<String> {
    let seconds = days.checked_mul(Decimal::from(86_400))?.round().to_i64()?;
    if seconds.unsigned_abs() > 1_000_000_000_000_000 {
        return None;
    }
    let s = seconds.unsigned_abs();
    let sign = if seconds < 0 { "-" } else { "" };
    Some(format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60))
}

/// Whether a custom format code shows a date, a duration or a number, by
/// its first section: a date or time letter (`d m y h s`, `AM/PM`) outside
/// quotes and brackets makes a date; `[h]`, `[mm]`, `[s]` elapsed time.
/// (After calamine's `detect_custom_number_format`, MIT.)
pub(super) fn date_kind(code: &str) -> Kind {
    let mut escaped = false;
    let mut quoted = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut elapsed = false;
    let mut am = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
        } else if matches!(c, '_' | '\\' | '*') {
            // The next character is a literal (or a width, or a fill).
            escaped = true;
        } else if quoted {
            quoted = c != '"';
        } else {
            match c {
                '"' => quoted = true,
                ';' => return Kind::Number,
                '[' => brackets = brackets.saturating_add(1),
                ']' if brackets == 1 && elapsed => return Kind::Duration,
                ']' => brackets = brackets.saturating_sub(1),
                'a' | 'A' if !am && brackets == 0 => am = true,
                'p' | 'm' | '/' | 'P' | 'M' if am && brackets == 0 => return Kind::Date,
                'd' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S' if !am && brackets == 0 => {
                    return Kind::Date;
                }
                _ => {
                    if !(elapsed && c.eq_ignore_ascii_case(&prev)) {
                        elapsed = prev == '[' && matches!(c, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                    }
                }
            }
        }
        prev = c;
    }
    Kind::Number
}

/// What a built-in format id shows (ECMA-376 18.8.30; 27–36 and 50–58 are
/// the East Asian dates and times).
pub(super) fn builtin_kind(id: u32) -> Kind {
    match id {
        14..=22 | 27..=36 | 45 | 47 | 50..=58 => Kind::Date,
        46 => Kind::Duration,
        _ => Kind::Number,
    }
}

/// The code of a built-in format id (ECMA-376 18.8.30); `None` for ids
/// that are not built in or depend on the locale.
pub(super) fn builtin_code(id: u32) -> Option<&'static str> {
    Some(match id {
        0 => "General",
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mmss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Number formats

/// `General`: the digits, trailing zeros dropped.
fn general(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A number through a format code; `General` for what is not rendered.
fn number_text(value: Decimal, format: Option<&str>) -> String {
    format
        .and_then(|code| formatted(value, code))
        .unwrap_or_else(|| general(value))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    /// `0` (always shown), `#` or `?` (shown when significant).
    Digit(char),
    Point,
    Comma,
    Percent,
    General,
}

/// The sections of a format code, split at `;` outside quotes and brackets.
fn sections(code: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
        } else if quoted {
            quoted = c != '"';
        } else if bracket {
            bracket = c != ']';
        } else {
            match c {
                '"' => quoted = true,
                '[' => bracket = true,
                '\\' => escaped = true,
                ';' => {
                    out.push(String::new());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(current) = out.last_mut() {
            current.push(c);
        }
    }
    out
}

/// The tokens of one section; `None` when it holds what is not rendered
/// here (dates, times, exponents, fractions, other numeral systems).
fn tokens(section: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = section.chars().peekable();
    let literal = |out: &mut Vec<Token>, s: &str| match out.last_mut() {
        Some(Token::Literal(l)) => l.push_str(s),
        _ => out.push(Token::Literal(s.to_string())),
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    s.push(q);
                }
                literal(&mut out, &s);
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                let upper = inner.to_ascii_uppercase();
                // Colours, conditions and locales change nothing here;
                // 中文 numerals and elapsed time are not rendered.
                if upper.starts_with("DBNUM")
                    || upper.starts_with("NATNUM")
                    || matches!(upper.as_str(), "H" | "HH" | "M" | "MM" | "S" | "SS")
                {
                    return None;
                }
                if let Some(currency) = inner.strip_prefix('$') {
                    let symbol = currency.split('-').next().unwrap_or("");
                    literal(&mut out, symbol);
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    literal(&mut out, n.encode_utf8(&mut [0; 4]));
                }
            }
            '_' | '*' => {
                chars.next();
            }
            '0' | '#' | '?' => out.push(Token::Digit(c)),
            '.' => out.push(Token::Point),
            ',' => out.push(Token::Comma),
            '%' => {
                out.push(Token::Percent);
            }
            // Text shown as text; a number under `@` shows as General.
            '@' => out.push(Token::General),
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => return None,
            '/' => return None,
            'G' | 'g' => {
                let rest: String = chars.clone().take(6).collect();
                if rest.eq_ignore_ascii_case("eneral") {
                    for _ in 0..6 {
                        chars.next();
                    }
                    out.push(Token::General);
                } else {
                    return None;
                }
            }
            c if c.is_ascii_alphabetic() => return None,
            c => literal(&mut out, c.encode_utf8(&mut [0; 4])),
        }
    }
    Some(out)
}

/// Groups of three digits separated by commas.
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn formatted(value: Decimal, code: &str) -> Option<String> {
    if code.trim().is_empty() {
        return None;
    }
    let sections = sections(code);
    let negative = value.is_sign_negative() && !value.is_zero();
    let (section, auto_sign) = match (negative, value.is_zero(), sections.as_slice()) {
        (true, _, [_, neg, ..]) if !neg.trim().is_empty() => (neg.as_str(), false),
        (_, true, [_, _, zero, ..]) => (zero.as_str(), false),
        (_, _, [first, ..]) => (first.as_str(), negative),
        (_, _, []) => return None,
    };
    let tokens = tokens(section)?;

    let mut point = false;
    let mut int_zeros = 0usize;
    let mut frac_zeros = 0usize;
    let mut frac_places = 0usize;
    let mut grouping = false;
    let mut scale = 0u32;
    let mut percent = 0u32;
    let mut general_at = None;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Digit(d) if point => {
                frac_places += 1;
                if *d == '0' {
                    frac_zeros = frac_places;
                }
            }
            Token::Digit(d) => {
                if *d == '0' {
                    int_zeros += 1;
                }
            }
            Token::Point => point = true,
            Token::Comma => {
                let before = i > 0 && matches!(tokens.get(i - 1), Some(Token::Digit(_) | Token::Comma));
                let after = matches!(tokens.get(i + 1), Some(Token::Digit(_)));
                if before && after && !point {
                    grouping = true;
                } else if before && !after {
                    scale += 1;
                }
            }
            Token::Percent => percent += 1,
            Token::General => general_at = Some(i),
            Token::Literal(_) => {}
        }
    }
    let has_digits = tokens.iter().any(|t| matches!(t, Token::Digit(_)));

    let mut v = value.abs();
    for _ in 0..percent.min(4) {
        v = v.checked_mul(Decimal::ONE_HUNDRED)?;
    }
    for _ in 0..scale.min(4) {
        v = v.checked_div(Decimal::ONE_THOUSAND)?;
    }
    let places = u32::try_from(frac_places.min(20)).unwrap_or(20);
    let mut rounded = v.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    let digits = rounded.to_string();
    let (int, frac) = digits.split_once('.').unwrap_or((digits.as_str(), ""));
    let mut frac = frac.to_string();
    while frac.len() > frac_zeros && frac.ends_with('0') {
        frac.pop();
    }
    let int = if int == "0" && int_zeros == 0 { "" } else { int };
    let int = if grouping { group(int) } else { int.to_string() };
    let int = format!("{int:0>int_zeros$}");
    let number = if point { format!("{int}.{frac}") } else { int };

    let mut out = String::new();
    let mut placed = false;
    for t in &tokens {
        match t {
            Token::Literal(l) => out.push_str(l),
            Token::Percent => out.push('%'),
            Token::General => out.push_str(&general(v)),
            Token::Digit(_) | Token::Point if !placed => {
                out.push_str(&number);
                placed = true;
            }
            Token::Digit(_) | Token::Point | Token::Comma => {}
        }
    }
    if !has_digits && general_at.is_none() && !point {
        // A section of text only, such as "-" for zero.
        return Some(out.trim().to_string());
    }
    let shown_zero = rounded.is_zero() && general_at.is_none();
    if auto_sign && !shown_zero {
        out.insert(0, '-');
    }
    Some(out.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        match excel_decimal(text) {
            Number::Value(d) => d,
            other => panic!("{text}: {other:?}"),
        }
    }

    /// A number cell's text through a format code.
    fn f(v: &str, code: &str) -> String {
        number_text(d(v), Some(code))
    }

    #[test]
    fn decimals_as_excel_keeps_them() {
        // 0.1 + 0.2 and 2100.32 plus one unit in the last place, as a
        // writer prints the binary double.
        assert_eq!(d("0.30000000000000004").to_string(), "0.3");
        assert_eq!(d("2100.32").to_string(), "2100.32");
        assert_eq!(d("2100.3200000000002").to_string(), "2100.32");
        assert_eq!(d("-0").to_string(), "0");
        assert_eq!(d("  72.90 ").to_string(), "72.9");
        assert_eq!(d("+1.5E-3").to_string(), "0.0015");
        assert_eq!(d("1.23456789012345678e5").to_string(), "123456.789012346");
        assert_eq!(d("99999999999999999").to_string(), "100000000000000000");
        assert_eq!(d("-9.9999999999999999").to_string(), "-10");
        assert_eq!(d("0e999999999").to_string(), "0");
        assert_eq!(d(".5").to_string(), "0.5");
        assert_eq!(d("5.").to_string(), "5");
        assert_eq!(d("4.4562E4").to_string(), "44562");
        assert_eq!(excel_decimal("1e300"), Number::OutOfRange);
        assert_eq!(excel_decimal("1e-40"), Number::OutOfRange);
        assert_eq!(excel_decimal("1e9999999999"), Number::OutOfRange);
        for not in [
            "", "-", ".", "1.2.3", "abc", "1e", "1e+", "NaN", "inf", "0x10", "1,234", "1 2", "--1",
        ] {
            assert_eq!(excel_decimal(not), Number::Text, "{not:?}");
        }
    }

    #[test]
    fn number_formats() {
        assert_eq!(f("72.9", "0.00"), "72.90");
        assert_eq!(f("2100.32", "General"), "2100.32");
        assert_eq!(f("10", "General"), "10");
        assert_eq!(f("2.675", "0.00"), "2.68");
        assert_eq!(f("-2.675", "0.00"), "-2.68");
        assert_eq!(f("-0.001", "0.00"), "0.00");
        assert_eq!(f("1234567.891", "#,##0.00"), "1,234,567.89");
        assert_eq!(f("1234", "#,##0"), "1,234");
        assert_eq!(f("0.125", "0.0%"), "12.5%");
        assert_eq!(f("0.5", "0%"), "50%");
        assert_eq!(f("12", "0.0#"), "12.0");
        assert_eq!(f("12.345", "0.0#"), "12.35");
        assert_eq!(f("-12", "#,##0.00;(#,##0.00)"), "(12.00)");
        assert_eq!(f("-12", "#,##0.00;[Red]-#,##0.00"), "-12.00");
        assert_eq!(f("0", "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "), "-");
        assert_eq!(
            f("1234.5", "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "),
            "1,234.50"
        );
        assert_eq!(
            f("-1234.5", "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ "),
            "-1,234.50"
        );
        assert_eq!(f("5", "0\"人\""), "5人");
        assert_eq!(f("5", "[$¥-804]#,##0.00"), "¥5.00");
        assert_eq!(f("-5", "¥#,##0.00"), "-¥5.00");
        assert_eq!(f("1500", "#,##0,"), "2");
        assert_eq!(f("0.5", "#.##"), ".5");
        assert_eq!(f("7", "000"), "007");
        assert_eq!(f("12345.678", "0.00E+00"), "12345.678");
        assert_eq!(f("3", "[DBNum1]General"), "3");
        assert_eq!(f("3.5", "General\"元\""), "3.5元");
        assert_eq!(f("44562", "yyyy-mm-dd"), "44562");
    }

    #[test]
    fn dates_and_durations() {
        let date = |v: &str| date_text(d(v), false);
        assert_eq!(date("44562").as_deref(), Some("2022-01-01"));
        assert_eq!(date("44562.5").as_deref(), Some("2022-01-01 12:00:00"));
        assert_eq!(date("44562.99999999").as_deref(), Some("2022-01-01 23:59:59"));
        assert_eq!(date("44562.999999999").as_deref(), Some("2022-01-02"));
        assert_eq!(date("1").as_deref(), Some("1900-01-01"));
        assert_eq!(date("59").as_deref(), Some("1900-02-28"));
        assert_eq!(date("60").as_deref(), Some("1900-02-29"));
        assert_eq!(date("61").as_deref(), Some("1900-03-01"));
        assert_eq!(date("0").as_deref(), Some("1899-12-31"));
        assert_eq!(date("2958465").as_deref(), Some("9999-12-31"));
        assert_eq!(date("2958466"), None);
        assert_eq!(date("-1"), None);
        assert_eq!(date_text(d("0"), true).as_deref(), Some("1904-01-01"));
        assert_eq!(date_text(d("43100"), true).as_deref(), Some("2022-01-01"));
        assert_eq!(duration_text(d("1.5")).as_deref(), Some("36:00:00"));
        assert_eq!(duration_text(d("-0.0006944444")).as_deref(), Some("-0:01:00"));
        assert_eq!(duration_text(d("1e14")), None);
        let shown = |v: &str, code: &'static str, kind| number_display(v, NumFmt { code, kind }, false);
        assert_eq!(shown("44562", "yyyy-mm-dd", Kind::Date).as_deref(), Some("2022-01-01"));
        assert_eq!(shown("-3", "yyyy-mm-dd", Kind::Date).as_deref(), Some("-3"));
        assert_eq!(shown("1e300", "0.00", Kind::Number).as_deref(), Some("1e300"));
        assert_eq!(shown("abc", "0.00", Kind::Number), None);
    }

    #[test]
    fn which_formats_are_dates() {
        for (code, kind) in [
            ("DD/MM/YY", Kind::Date),
            ("H:MM:SS;@", Kind::Date),
            ("yyyy\"年\"m\"月\"d\"日\"", Kind::Date),
            ("[h]:mm:ss", Kind::Duration),
            ("[ss]", Kind::Duration),
            ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm", Kind::Duration),
            ("#,##0\\ [$\\u20bd-46D]", Kind::Number),
            ("\"Y: \"0.00\"m\";\"Y: \"-0.00\"m\"", Kind::Number),
            ("0.00", Kind::Number),
            ("_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * \"-\"??_ ;_ @_ ", Kind::Number),
            ("[$-404]e\"\\xfc\"m\"\\xfc\"d\"\\xfc\"", Kind::Date),
            ("\\Y000000", Kind::Number),
            ("General", Kind::Number),
        ] {
            assert_eq!(date_kind(code), kind, "{code}");
        }
        assert_eq!(builtin_kind(14), Kind::Date);
        assert_eq!(builtin_kind(46), Kind::Duration);
        assert_eq!(builtin_kind(4), Kind::Number);
        assert_eq!(builtin_code(2), Some("0.00"));
        assert_eq!(builtin_code(164), None);
    }
}
