//! Charts as inline SVG made at build time: no JavaScript, accessible, printable.
//!
//! The markup uses only SVG presentation attributes and a few classes (the
//! portal's Content-Security-Policy forbids inline styles), prints every value
//! as text, and is well-formed XML so it can be checked with an XML parser.

use std::fmt::Write as _;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// One bar of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bar {
    /// Category label, e.g. 一般公共服务支出.
    pub label: String,
    /// The value in 万元 as shown (never negative for a bar; zero allowed).
    pub value: Decimal,
    /// A second value for comparison charts (e.g. last year), if any.
    pub compare: Option<Decimal>,
    /// Link target of the bar (the table cell it comes from), if any.
    pub href: Option<String>,
}

/// A horizontal bar chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarChart {
    /// Unique id within the page (for aria references).
    pub id: String,
    /// Visible title, e.g. 支出按功能分类（类）.
    pub title: String,
    /// Unit shown after values, e.g. 万元.
    pub unit: String,
    /// Legend labels when bars carry a comparison value: (value, compare).
    pub legend: Option<(String, String)>,
    /// The bars, top to bottom.
    pub bars: Vec<Bar>,
}

/// Width of the viewBox in user units.
pub(crate) const WIDTH: f64 = 640.0;
/// Outer margin.
const PAD: f64 = 8.0;
/// Label font size; labels are right-aligned at [`LABEL_X`].
const LABEL_FONT: f64 = 13.0;
/// Value, legend and unit font size.
const SMALL_FONT: f64 = 12.0;
/// Labels longer than this many ems (a CJK character is one em) are cut
/// visually with an ellipsis.
const LABEL_MAX_EM: f64 = 12.0;
/// Right edge of the label column.
const LABEL_X: f64 = PAD + LABEL_MAX_EM * LABEL_FONT;
/// Where bars start (the axis).
pub(crate) const BAR_X: f64 = LABEL_X + 8.0;
/// Gap between the end of a bar and its value.
const VALUE_GAP: f64 = 5.0;
/// Height of the header line (unit, legend) when there is one.
const HEADER: f64 = 28.0;
/// Row height and bar thickness of a simple chart.
const ROW: f64 = 28.0;
const BAR_H: f64 = 16.0;
/// Row height and bar thickness of a comparison chart (two bars a row).
const ROW_COMPARE: f64 = 40.0;
const BAR_H_COMPARE: f64 = 14.0;

/// Text colour: #1f2933 on white is about 14.7:1.
const TEXT: &str = "#1f2933";
/// This year's bars.
const BAR_FILL: &str = "#1d4ed8";
/// Last year's bars: light fill, hatched and outlined in [`BAR_FILL`] so they
/// stand out from white (3:1 for the outline) and from this year's bars in
/// greyscale print.
const COMPARE_FILL: &str = "#93c5fd";
/// The axis line.
const AXIS: &str = "#52606d";
const FONT_FAMILY: &str = "system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', \
     'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";

/// Renders a chart as an inline `<figure>` with an `<svg role="img">`, its
/// `<title>`/`<desc>` text alternative and a `<figcaption>`.
///
/// Bars are horizontal and scaled to the largest value (this year's or the
/// comparison's); zero and negative values draw no bar but still print their
/// value. With no bars the figure says 无数据 instead of drawing a chart.
pub fn bar_chart(chart: &BarChart) -> String {
    let id = escape(&chart.id);
    let title = escape(&chart.title);
    let mut out = String::new();
    let _ = writeln!(out, r#"<figure class="chart" id="{id}">"#);

    if chart.bars.is_empty() {
        let _ = writeln!(out, r#"<p class="chart-empty">无数据</p>"#);
        let _ = writeln!(out, "<figcaption>{title}</figcaption>");
        out.push_str("</figure>");
        return out;
    }

    let compare_mode = chart.bars.iter().any(|b| b.compare.is_some());
    let (this_label, last_label) = match &chart.legend {
        Some((a, b)) => (a.as_str(), b.as_str()),
        None => ("本年", "上年"),
    };
    let has_header = compare_mode || !chart.unit.trim().is_empty();
    let top = if has_header { HEADER } else { PAD };
    let row_h = if compare_mode { ROW_COMPARE } else { ROW };
    let height = top + row_h * chart.bars.len() as f64 + PAD;

    // Scale: the largest value of either series spans the full bar width,
    // which leaves room for the longest printed value after it.
    let max = chart
        .bars
        .iter()
        .flat_map(|b| std::iter::once(b.value).chain(b.compare))
        .fold(Decimal::ZERO, Decimal::max);
    let value_chars = chart
        .bars
        .iter()
        .flat_map(|b| std::iter::once(b.value).chain(b.compare))
        .map(|v| format_value(v).chars().count())
        .max()
        .unwrap_or(4);
    let value_room = VALUE_GAP + value_chars as f64 * SMALL_FONT * 0.6 + PAD;
    let full = (WIDTH - BAR_X - value_room).max(120.0);

    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="100%" font-family="{font}">"#,
        w = num(WIDTH),
        h = num(height),
        font = escape(FONT_FAMILY),
    );
    let _ = writeln!(out, r#"<title id="{id}-title">{title}</title>"#);
    let _ = writeln!(
        out,
        r#"<desc id="{id}-desc">{}</desc>"#,
        escape(&describe(chart, last_label))
    );

    if compare_mode {
        let _ = writeln!(
            out,
            r#"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="{COMPARE_FILL}"/><line x1="0" y1="0" x2="0" y2="6" stroke="{BAR_FILL}" stroke-width="1.2"/></pattern></defs>"#
        );
    }

    // Header: legend on the left (over the bars), unit on the right.
    if compare_mode {
        let y = 8.0;
        let text_y = y + 9.0;
        let mut x = BAR_X;
        for (label, fill, class) in [
            (this_label, BAR_FILL.to_string(), "chart-bar"),
            (last_label, format!("url(#{id}-hatch)"), "chart-bar-compare"),
        ] {
            let _ = writeln!(
                out,
                r#"<g class="chart-legend"><rect class="{class}" x="{x}" y="{y}" width="14" height="10" fill="{fill}" stroke="{BAR_FILL}" stroke-width="1"/><text x="{tx}" y="{ty}" font-size="{fs}" fill="{TEXT}">{label}</text></g>"#,
                x = num(x),
                y = num(y),
                tx = num(x + 19.0),
                ty = num(text_y),
                fs = num(SMALL_FONT),
                label = escape(label),
            );
            x += 19.0 + text_em(label) * SMALL_FONT + 16.0;
        }
    }
    if !chart.unit.trim().is_empty() {
        let _ = writeln!(
            out,
            r#"<text class="chart-unit" x="{x}" y="17" text-anchor="end" font-size="{fs}" fill="{TEXT}">单位：{unit}</text>"#,
            x = num(WIDTH - PAD),
            fs = num(SMALL_FONT),
            unit = escape(&chart.unit),
        );
    }

    // The axis the bars grow from.
    let _ = writeln!(
        out,
        r#"<line class="chart-axis" x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{AXIS}" stroke-width="1"/>"#,
        x = num(BAR_X),
        y1 = num(top),
        y2 = num(height - PAD),
    );

    for (i, bar) in chart.bars.iter().enumerate() {
        let row_top = top + row_h * i as f64;
        let link = bar.href.as_deref().filter(|h| safe_href(h));
        if let Some(href) = link {
            let _ = writeln!(out, r#"<a class="chart-link" href="{}">"#, escape(href));
        }
        let _ = writeln!(out, r#"<g class="chart-row">"#);
        let _ = writeln!(out, "<title>{}</title>", escape(&bar.label));
        let _ = writeln!(
            out,
            r#"<text class="chart-label" x="{x}" y="{y}" text-anchor="end" font-size="{fs}" fill="{TEXT}">{label}</text>"#,
            x = num(LABEL_X),
            y = num(row_top + row_h / 2.0 + LABEL_FONT * 0.35),
            fs = num(LABEL_FONT),
            label = escape(&truncate_label(&bar.label)),
        );
        if compare_mode {
            let gap = 2.0;
            let y0 = row_top + (row_h - 2.0 * BAR_H_COMPARE - gap) / 2.0;
            bar_and_value(&mut out, "chart-bar", BAR_FILL, bar.value, max, full, y0, BAR_H_COMPARE);
            if let Some(c) = bar.compare {
                let fill = format!("url(#{id}-hatch)");
                let y1 = y0 + BAR_H_COMPARE + gap;
                bar_and_value(&mut out, "chart-bar-compare", &fill, c, max, full, y1, BAR_H_COMPARE);
            }
        } else {
            let y0 = row_top + (row_h - BAR_H) / 2.0;
            bar_and_value(&mut out, "chart-bar", BAR_FILL, bar.value, max, full, y0, BAR_H);
        }
        out.push_str("</g>\n");
        if link.is_some() {
            out.push_str("</a>\n");
        }
    }

    out.push_str("</svg>\n");
    let _ = writeln!(out, "<figcaption>{title}</figcaption>");
    out.push_str("</figure>");
    out
}

/// One bar (if its value is positive) and its printed value.
#[allow(clippy::too_many_arguments)]
fn bar_and_value(out: &mut String, class: &str, fill: &str, value: Decimal, max: Decimal, full: f64, y: f64, h: f64) {
    let width = bar_width(value, max, full);
    if width > 0.0 {
        let stroke = if class == "chart-bar-compare" {
            format!(r#" stroke="{BAR_FILL}" stroke-width="1""#)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            r#"<rect class="{class}" x="{x}" y="{y}" width="{w}" height="{h}" fill="{fill}"{stroke}/>"#,
            x = num(BAR_X),
            y = num(y),
            w = num(width),
            h = num(h),
        );
    }
    let value_class = if class == "chart-bar-compare" {
        "chart-value chart-value-compare"
    } else {
        "chart-value"
    };
    let _ = writeln!(
        out,
        r#"<text class="{value_class}" x="{x}" y="{ty}" font-size="{fs}" fill="{TEXT}">{v}</text>"#,
        x = num(BAR_X + width + VALUE_GAP),
        ty = num(y + h / 2.0 + SMALL_FONT * 0.35),
        fs = num(SMALL_FONT),
        v = format_value(value),
    );
}

/// The length of a bar for `value` when `max` spans `full` user units.
fn bar_width(value: Decimal, max: Decimal, full: f64) -> f64 {
    if value <= Decimal::ZERO || max <= Decimal::ZERO {
        return 0.0;
    }
    let ratio = (value / max).to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
    // Rounded as printed, so the markup and the geometry agree.
    (ratio * full * 100.0).round() / 100.0
}

/// The text alternative: every bar's label and value in words.
fn describe(chart: &BarChart, last_label: &str) -> String {
    let unit = chart.unit.trim();
    let parts: Vec<String> = chart
        .bars
        .iter()
        .map(|b| {
            let mut s = format!("{} {}{unit}", clean(&b.label), format_value(b.value));
            if let Some(c) = b.compare {
                let _ = write!(s, "（{} {}{unit}）", clean(last_label), format_value(c));
            }
            s
        })
        .collect();
    format!("{}。", parts.join("；"))
}

/// A value as tables print it: rounded half away from zero, two decimals.
pub(crate) fn format_value(value: Decimal) -> String {
    let v = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let v = if v.is_zero() { Decimal::ZERO } else { v };
    format!("{v:.2}")
}

/// A coordinate with at most two decimals and no trailing zeros.
fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_string() } else { s.to_string() }
}

/// Approximate rendered width of `text` in ems: CJK and other wide
/// characters one em, ASCII about 0.6.
fn text_em(text: &str) -> f64 {
    text.chars().map(char_em).sum()
}

fn char_em(c: char) -> f64 {
    if c.is_ascii() { 0.6 } else { 1.0 }
}

/// The label as drawn: cut with an ellipsis when wider than [`LABEL_MAX_EM`].
fn truncate_label(label: &str) -> String {
    let label = clean(label);
    if text_em(&label) <= LABEL_MAX_EM {
        return label;
    }
    let mut out = String::new();
    let mut width = 0.0;
    for c in label.chars() {
        if width + char_em(c) > LABEL_MAX_EM - 1.0 {
            break;
        }
        width += char_em(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// Drops characters XML 1.0 forbids and turns line breaks and tabs into spaces.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' | '\n' | '\r' => Some(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

/// Escapes text for XML and HTML (text and double- or single-quoted
/// attributes), after dropping characters XML forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a link target is harmless: relative, a fragment, or http(s).
/// Anything with another scheme (`javascript:`, `data:`…) is dropped.
fn safe_href(href: &str) -> bool {
    let end = href.find(['/', '?', '#']).unwrap_or(href.len());
    match href[..end].find(':') {
        None => !href.trim().is_empty(),
        Some(i) => {
            let scheme = href[..i].to_ascii_lowercase();
            scheme == "http" || scheme == "https"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_half_away_from_zero() {
        assert_eq!(format_value(Decimal::new(1005, 3)), "1.01");
        assert_eq!(format_value(Decimal::new(-1, 3)), "0.00");
        assert_eq!(format_value(Decimal::new(160463, 2)), "1604.63");
        assert_eq!(format_value(Decimal::ZERO), "0.00");
    }

    #[test]
    fn long_labels_are_cut() {
        let long = "一二三四五六七八九十甲乙丙丁";
        assert_eq!(truncate_label(long), "一二三四五六七八九十甲…");
        assert_eq!(truncate_label("一般公共服务支出"), "一般公共服务支出");
    }

    #[test]
    fn only_harmless_links() {
        assert!(safe_href("#t3-r2"));
        assert!(safe_href("tables/3.html#r2"));
        assert!(safe_href("https://example.org/a:b"));
        assert!(!safe_href("javascript:alert(1)"));
        assert!(!safe_href(" JavaScript:alert(1)"));
        assert!(!safe_href("data:text/html,x"));
        assert!(!safe_href(""));
    }
}
