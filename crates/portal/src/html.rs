//! HTML fragments of a department page: tables with a stable anchor on every
//! row and cell, and the narrative with every figure linked to the table cell
//! it comes from.
//!
//! All text is escaped here; raw HTML in author Markdown is dropped, never
//! passed through.

use gongkai_derive::facts::Facts;
use gongkai_model::table::{Cell, Table, TableId};
use gongkai_render::markers;
use gongkai_render::md_tables::{self, Piece, Plain};
use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` to `out`, escaped as [`escape`] does.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.push_str(&rest[..at]);
        out.push_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// A stable fragment-safe token for ids: ASCII alphanumerics and `-`; other
/// characters are hex-encoded.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_slug(&mut out, text);
    out
}

fn push_slug(out: &mut String, text: &str) {
    use std::fmt::Write;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '-' {
            out.push(c);
        } else {
            let _ = write!(out, "_{:x}", c as u32);
        }
    }
}

/// The id of a table cell: `c-<table>-<row>-<column>`.
pub(crate) fn cell_id(table: TableId, row: &str, column: usize) -> String {
    format!("c-{}-{}-{column}", table.slug(), slug(row))
}

/// The cell a marker id points at (`cell:<slug>:<row>:<col>` or a fact id).
fn target_of(id: &str, facts: &Facts, tables: &[&Table]) -> Option<String> {
    if let Some(rest) = id.strip_prefix("cell:") {
        let (head, column) = rest.rsplit_once(':')?;
        let (table_slug, row) = head.split_once(':')?;
        let table = tables.iter().find(|t| t.id.slug() == table_slug)?;
        return Some(cell_id(table.id, row, column.parse().ok()?));
    }
    let cell = facts.get(id)?.cell.as_ref()?;
    let table = tables.iter().find(|t| t.id == cell.table)?;
    let column = table.columns.iter().position(|c| *c == cell.column)?;
    Some(cell_id(cell.table, &cell.row, column))
}

/// A table as semantic HTML: caption, column headers with scope, the label
/// cell of each row as a row header, ids on rows and cells.
pub(crate) fn table(table: &Table, caption: &str, numbered: bool) -> String {
    use std::fmt::Write;
    let slug = table.id.slug();
    let mut out = String::with_capacity(256 + table.rows.len() * table.columns.len() * 48);
    let _ = write!(
        out,
        "<div class=\"table-scroll\" role=\"region\" aria-labelledby=\"cap-{slug}\" tabindex=\"0\"><table id=\"t-{slug}\" class=\"budget\"><caption id=\"cap-{slug}\">"
    );
    push_escaped(&mut out, caption);
    out.push_str("</caption><thead><tr>");
    for column in &table.columns {
        out.push_str("<th scope=\"col\">");
        push_escaped(&mut out, display_header(column));
        out.push_str("</th>");
    }
    out.push_str("</tr>");
    if numbered {
        out.push_str("<tr class=\"lanci\"><th scope=\"row\">栏次</th>");
        for i in 1..table.columns.len() {
            let _ = write!(out, "<td>{i}</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</thead><tbody>");
    let label_column = label_column(table);
    // `<table>-<row>`: the part the row's id and its cells' ids share.
    let mut row_part = String::new();
    for row in &table.rows {
        row_part.clear();
        row_part.push_str(slug);
        row_part.push('-');
        push_slug(&mut row_part, &row.key);
        let class = if row.key == "total" || row.key == "this-year" || row.key == "subtotal" {
            " class=\"total\""
        } else {
            ""
        };
        let _ = write!(out, "<tr id=\"r-{row_part}\"{class}>");
        for (i, cell) in row.cells.iter().enumerate() {
            match cell {
                Cell::Amount(f) => {
                    let declared = if f.declared { " declared" } else { "" };
                    let _ = write!(
                        out,
                        "<td id=\"c-{row_part}-{i}\" class=\"num{declared}\">{}</td>",
                        f.text()
                    );
                }
                Cell::Text(s) if i == label_column => {
                    let _ = write!(
                        out,
                        "<th scope=\"row\" id=\"c-{row_part}-{i}\" class=\"indent-{}\">",
                        row.indent
                    );
                    push_escaped(&mut out, s);
                    out.push_str("</th>");
                }
                Cell::Text(s) => {
                    let _ = write!(out, "<td id=\"c-{row_part}-{i}\">");
                    push_escaped(&mut out, s);
                    out.push_str("</td>");
                }
                Cell::Blank => {
                    let _ = write!(out, "<td id=\"c-{row_part}-{i}\"></td>");
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    if let Some(note) = &table.note {
        out.push_str("<p class=\"note\">");
        push_escaped(&mut out, note);
        out.push_str("</p>");
    }
    out
}

/// The column holding a row's name (科目名称, 项目 …).
fn label_column(table: &Table) -> usize {
    ["科目名称", "收入项目", "项目", "单位名称", "项目名称"]
        .iter()
        .find_map(|label| table.columns.iter().position(|c| c == label))
        .unwrap_or(0)
}

fn display_header(column: &str) -> &str {
    match column {
        "收入预算数" | "支出预算数" => "预算数",
        "收入金额" => "金额",
        "支出合计" => "合计",
        other => other,
    }
}

/// Renders narrative Markdown (from the document) to HTML. Figures become
/// links to their cells; raw HTML is dropped; table headers get a scope.
///
/// The document's generated tables of plain cells are written here
/// directly, in exactly the HTML pulldown-cmark gives them, and only the
/// text between them is parsed (see [`md_tables`]).
pub(crate) fn narrative(markdown_with_markers: &str, facts: &Facts, tables: &[&Table]) -> String {
    let mut html = String::with_capacity(markdown_with_markers.len() * 2);
    for piece in md_tables::pieces(markdown_with_markers) {
        match piece {
            Piece::Text(text) => push_markdown(&mut html, text, facts, tables),
            Piece::Table(table) => plain_table(&mut html, &table, facts, tables),
        }
    }
    html
}

/// Markdown to HTML through pulldown-cmark, as [`narrative`] renders it.
fn push_markdown(html: &mut String, markdown_with_markers: &str, facts: &Facts, tables: &[&Table]) {
    if markdown_with_markers.trim().is_empty() {
        return;
    }
    // Whether each open link or image is kept (see [`safe_link`]).
    let mut kept: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown_with_markers, Options::ENABLE_TABLES).filter_map(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => None,
        Event::Start(Tag::Link { ref dest_url, .. }) | Event::Start(Tag::Image { ref dest_url, .. }) => {
            let image = matches!(event, Event::Start(Tag::Image { .. }));
            let safe = if image {
                is_relative(dest_url)
            } else {
                safe_link(dest_url)
            };
            kept.push(safe);
            safe.then_some(event)
        }
        Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => kept.pop().unwrap_or(false).then_some(event),
        Event::Text(text) if markers::contains_marker_chars(&text) => {
            Some(Event::InlineHtml(figures(&text, facts, tables).into()))
        }
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level: shifted(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(shifted(level)))),
        other => Some(other),
    });
    let start = html.len();
    pulldown_cmark::html::push_html(html, events);
    if html[start..].contains("<table>") {
        let rewritten = html[start..]
            .replace("<th>", "<th scope=\"col\">")
            .replace("<table>", TABLE_OPEN)
            .replace("</table>", "</table></div>");
        html.truncate(start);
        html.push_str(&rewritten);
    }
}

/// Whether an author's link may stay a link: a web or mail address, or a
/// place in the site (a relative path or an anchor). Anything else
/// (`javascript:`, `data:`, `vbscript:`, `file:` …) is dropped and its text
/// kept as text, whatever the page's Content-Security-Policy would do.
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s)) || is_relative(url)
}

/// A URL without a scheme: a path in the site or an anchor (`a:b` before
/// any `/`, `?` or `#` would be a scheme). Images may only be these: the
/// site loads nothing from elsewhere.
fn is_relative(url: &str) -> bool {
    let url = url.trim();
    let head = url.split(['/', '?', '#']).next().unwrap_or_default();
    !head.contains(':') && !url.starts_with("//") && !url.starts_with('\\')
}

/// How a narrative table opens: scrollable, styled as the budget tables.
const TABLE_OPEN: &str = "<div class=\"table-scroll\" tabindex=\"0\"><table class=\"budget\">";

/// Headings of the document shift one level down under the page's h1/h2.
fn shifted(level: pulldown_cmark::HeadingLevel) -> pulldown_cmark::HeadingLevel {
    use pulldown_cmark::HeadingLevel::{H3, H4, H5, H6};
    match level as usize + 1 {
        1..=3 => H3,
        4 => H4,
        5 => H5,
        _ => H6,
    }
}

/// Writes a plain table as pulldown-cmark (GFM) would, with
/// [`narrative`]'s rewrites.
fn plain_table(out: &mut String, table: &Plain, facts: &Facts, tables: &[&Table]) {
    let open = |out: &mut String, tag: &str, align: Alignment| {
        out.push('<');
        out.push_str(tag);
        out.push_str(match align {
            Alignment::None if tag == "th" => " scope=\"col\">",
            Alignment::None => ">",
            Alignment::Left => " style=\"text-align: left\">",
            Alignment::Center => " style=\"text-align: center\">",
            Alignment::Right => " style=\"text-align: right\">",
        });
    };
    let cell = |out: &mut String, text: &str| {
        if markers::contains_marker_chars(text) {
            out.push_str(&figures(text, facts, tables));
        } else {
            // Plain: nothing for HTML to escape either (no `&`, `<`, `>`).
            out.push_str(text);
        }
    };
    out.push_str(TABLE_OPEN);
    out.push_str("<thead><tr>");
    for (text, align) in table.header.iter().zip(&table.aligns) {
        open(out, "th", *align);
        cell(out, text);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (text, align) in row.iter().zip(&table.aligns) {
            open(out, "td", *align);
            cell(out, text);
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// Text with figure markers → escaped HTML with each figure linked.
fn figures(text: &str, facts: &Facts, tables: &[&Table]) -> String {
    let Ok(extracted) = markers::extract(text) else {
        return escape(
            &text
                .chars()
                .filter(|c| !markers::contains_marker_chars(&c.to_string()))
                .collect::<String>(),
        );
    };
    let mut out = String::new();
    let mut at = 0;
    for f in &extracted.figures {
        out.push_str(&escape(&extracted.clean[at..f.offset]));
        let label = facts.get(&f.id).map(|x| x.label).unwrap_or_default();
        match target_of(&f.id, facts, tables) {
            Some(target) if f.id.starts_with("cell:") => out.push_str(&format!(
                "<span class=\"cellref\" id=\"{target}\">{}</span>",
                escape(&f.text)
            )),
            Some(target) => out.push_str(&format!(
                "<a class=\"fig\" href=\"#{target}\" data-cell=\"{target}\" title=\"{}：见表格\">{}</a>",
                escape(label),
                escape(&f.text)
            )),
            None => out.push_str(&format!(
                "<span class=\"fig derived\" title=\"{}\">{}</span>",
                escape(label),
                escape(&f.text)
            )),
        }
        at = f.offset + f.text.len();
    }
    out.push_str(&escape(&extracted.clean[at..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fragment_safe() {
        assert_eq!(cell_id(TableId::Summary, "201", 2), "c-summary-201-2");
        assert_eq!(slug("a b"), "a_20b");
    }

    #[test]
    fn only_web_mail_and_site_links_stay_links() {
        let html = through_pulldown(
            "[甲](javascript:alert(1)) [乙](JavaScript:x) [丙]( data:text/html,x) [丁](vbscript:x) \
             [戊](https://czj.example.gov.cn/) [己](mailto:a@b.cn) [庚](../2022/) [辛](#t-1) \
             ![图](http://evil.example/t.png) ![图2](img/a.png) [壬](//evil.example/)",
        );
        for text in ["甲", "乙", "丙", "丁", "壬"] {
            assert!(html.contains(text), "{text}: the link's text is kept");
        }
        for bad in ["javascript:", "JavaScript:", "data:", "vbscript:", "evil.example"] {
            assert!(!html.contains(bad), "`{bad}` reached the page: {html}");
        }
        for good in [
            "<a href=\"https://czj.example.gov.cn/\">戊</a>",
            "<a href=\"mailto:a@b.cn\">己</a>",
            "<a href=\"../2022/\">庚</a>",
            "<a href=\"#t-1\">辛</a>",
            "<img src=\"img/a.png\" alt=\"图2\" />",
        ] {
            assert!(html.contains(good), "`{good}` missing: {html}");
        }
    }

    /// The narrative as pulldown-cmark alone renders it.
    fn through_pulldown(md: &str) -> String {
        let mut html = String::new();
        push_markdown(&mut html, md, &Facts::default(), &[]);
        html
    }

    #[test]
    fn tables_written_directly_equal_pulldowns() {
        let cases = [
            // Plain tables between text, aligned columns, empty cells.
            "## 一、收支\n\n说明文字。\n\n| 项目 | 金额 |\n|---|---:|\n| 办公费 | 12.00 |\n| 差旅费 |  |\n\n注：单位万元。\n",
            "| a | b | c |\n|:---|:---:|---:|\n| 1 | 2 | 3 |",
            "前文\n\n| 一级指标 | 指标值 |\n|---|---|\n| 产出指标 | ≥32次 |\n| 成本指标 | ≤205.23万元 |\n\n##### 2、下一个表\n\n| x |\n|---|\n| y |\n",
            // Falls back to pulldown: inline Markdown in a cell, uneven rows,
            // text glued to the table, a table in a paragraph, no delimiter.
            "| *强调* | b |\n|---|---|\n| 1 | 2 |\n",
            "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n",
            "| a | b |\n|---|---|\n| 1 | 2 |\n注：紧接表格的文字\n",
            "段落\n| a | b |\n|---|---|\n| 1 | 2 |\n",
            "| a | b |\n| 1 | 2 |\n\n| a |\n|-x-|\n| 1 |\n",
            "| a\\|b | c |\n|---|---|\n| 1 | 2 |\n",
            "| &amp; | <b>x</b> |\n|---|---|\n| 1 | 2 |\n",
            "```\n\n| a |\n|---|\n| 1 |\n\n```\n",
            "| a | b |\n|---|---|\n\n\n\n| 1 | 2 |\n",
            // Figures in cells, ids with `_` and `:` (the markers' ids are
            // gongkai's, not Markdown).
            "| 项目 | 金额 |\n|---|---:|\n| 机关运行经费 | \u{E000}running_costs\u{E001}417.88\u{E002} |\n| 采购 | \u{E000}cell:procurement:total:7\u{E001}599.05\u{E002} |\n",
        ];
        for md in cases {
            assert_eq!(narrative(md, &Facts::default(), &[]), through_pulldown(md), "{md}");
        }
        // The first three take the direct path (a table cut out of the text).
        for md in &cases[..3] {
            assert!(
                md_tables::pieces(md).iter().any(|p| matches!(p, Piece::Table(_))),
                "{md}"
            );
        }
    }

    #[test]
    fn raw_html_in_markdown_is_dropped_and_text_escaped() {
        let html = narrative(
            "<script>alert(1)</script>\n\n段落 <b>粗</b> & \\<i\\>",
            &Facts::default(),
            &[],
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
        assert!(html.contains("&lt;i&gt;"), "{html}");
    }
}
