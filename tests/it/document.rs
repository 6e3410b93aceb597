//! The rendered document against the published reference: every table
//! figure in the same table, row and column; every section heading in the
//! same order; every narrative figure of the reference in its section; a
//! snapshot of the whole document; and the .docx as a valid package.

use crate::common::{published_tables, reference_000_text, reference_lines};
use gongkai_model::diag::Diagnostics;
use gongkai_model::table::TableId;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rust_decimal::Decimal;
use std::io::Read as _;
use std::path::Path;

fn shipped() -> Vec<gongkai_render::Checked> {
    let mut diags = Diagnostics::new();
    let checked = crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
    assert!(!diags.has_errors(), "{}", diags.render_text());
    checked
}

fn markdown_2022() -> String {
    let checked = shipped();
    let c = checked.iter().find(|c| c.disclosure.unit.year == 2022).expect("2022");
    c.document.as_ref().expect("2022 document renders").markdown.clone()
}

/// Headings (level ≥ 3) and the tables that follow them, read back from Markdown.
#[derive(Default, Debug)]
struct ReadBack {
    headings: Vec<String>,
    /// (heading above, rows of cells)
    tables: Vec<(String, Vec<Vec<String>>)>,
}

fn read_back(markdown: &str) -> ReadBack {
    let mut out = ReadBack::default();
    let mut text = String::new();
    let mut in_heading = false;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) if level as usize >= 3 => {
                in_heading = true;
                text.clear();
            }
            Event::End(TagEnd::Heading(_)) if in_heading => {
                in_heading = false;
                out.headings.push(text.clone());
            }
            Event::Start(Tag::TableCell) => text.clear(),
            Event::End(TagEnd::TableCell) => row.push(text.trim().to_string()),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Table) => {
                let heading = out.headings.last().cloned().unwrap_or_default();
                out.tables.push((heading, std::mem::take(&mut rows)));
            }
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            _ => {}
        }
    }
    out
}

#[test]
fn markdown_tables_reproduce_every_published_figure() {
    let read = read_back(&markdown_2022());
    let published = published_tables(&reference_000_text());
    let mut compared = 0;
    for (title, expected) in &published {
        let (_, rows) = read
            .tables
            .iter()
            .find(|(heading, _)| heading == title)
            .unwrap_or_else(|| panic!("no table under heading {title}"));
        assert_eq!(rows[1][0], "栏次", "{title}: the 栏次 row follows the header");
        let data: Vec<&Vec<String>> = rows[2..].iter().collect();
        let expected: Vec<&Vec<String>> = expected
            .rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        assert_eq!(data.len(), expected.len(), "{title}: rows");
        for (r, (a, e)) in data.iter().zip(&expected).enumerate() {
            assert_eq!(a, e, "{title} row {}", r + 1);
            compared += a.len();
        }
    }
    assert_eq!(compared, 1219, "cells compared");
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn section_headings_follow_the_published_order() {
    let read = read_back(&markdown_2022());
    let reference: Vec<String> = reference_lines(&reference_000_text())
        .iter()
        .map(|l| squeeze(l))
        .collect();
    let mut at = 0;
    for heading in &read.headings {
        let h = squeeze(heading);
        match reference[at..].iter().position(|l| *l == h) {
            Some(p) => at += p + 1,
            None => panic!("heading `{heading}` is not in the reference after line {at}"),
        }
    }
    // And every numbered section of the reference is a heading here.
    let sections: Vec<&String> = reference
        .iter()
        .filter(|l| {
            ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"]
                .iter()
                .any(|n| l.starts_with(n))
                && l.len() < 90
        })
        .collect();
    assert_eq!(sections.len(), 9, "{sections:?}");
    let ours: Vec<String> = read.headings.iter().map(|h| squeeze(h)).collect();
    for s in sections {
        assert!(ours.contains(s), "section heading {s} missing");
    }
}

/// Decimal numbers in a text, as values.
fn numbers(text: &str) -> Vec<Decimal> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
            current.push(c);
        } else if !current.is_empty() {
            if let Ok(d) = current.trim_end_matches('.').parse::<Decimal>() {
                out.push(d.normalize());
            }
            current.clear();
        }
    }
    out
}

/// The text of each section 一 … 九, keyed by its number.
fn sections_of(lines: &[String]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in lines {
        let l = line.trim_start_matches('#').trim();
        if let Some(n) = ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"]
            .iter()
            .find(|n| l.starts_with(**n))
            && l.len() < 90
        {
            out.push((n.to_string(), String::new()));
            continue;
        }
        if let Some((_, text)) = out.last_mut() {
            text.push_str(l);
            text.push('\n');
        }
    }
    out
}

#[test]
fn narrative_figures_of_the_reference_appear_in_their_sections() {
    let markdown = markdown_2022();
    let second_part = &markdown[markdown.find("## 第二部分").expect("part 2")..];
    let ours: Vec<String> = second_part
        .lines()
        .filter(|l| !l.starts_with('|'))
        .map(str::to_string)
        .collect();
    let reference = reference_lines(&reference_000_text());
    let start = reference
        .iter()
        .position(|l| l.starts_with("按照《中华人民共和国预算法》"))
        .expect("preamble");
    let theirs = sections_of(&reference[start..]);
    let ours = sections_of(&ours);
    assert_eq!(theirs.len(), 9);
    assert_eq!(ours.len(), 9);
    for ((n, published), (m, rendered)) in theirs.iter().zip(&ours) {
        assert_eq!(n, m);
        // Sections 二–四, 六 and 七 carry the figures; 五 and 八 are plain text.
        if !["二、", "三、", "四、", "六、", "七、"].contains(&n.as_str()) {
            continue;
        }
        let mut available = numbers(rendered);
        for figure in numbers(published) {
            let found = available.iter().position(|f| *f == figure);
            assert!(
                found.is_some(),
                "section {n}: figure {figure} of the reference is not in the document:\n{rendered}"
            );
            available.remove(found.unwrap_or_default());
        }
    }
}

/// The whole 2022 document against `tests/snapshots/disclosure-2022-101.md`
/// (a snapbox snapshot: `SNAPSHOTS=overwrite` rewrites it, see
/// docs/testing.md; the .docx writer's unit tests read the same file).
#[test]
fn whole_document_snapshot() {
    crate::common::assert_snapshot(&markdown_2022(), Path::new("tests/snapshots/disclosure-2022-101.md"));
}

#[test]
fn build_is_deterministic_and_the_docx_is_a_valid_package() {
    let first = crate::common::document_files(&shipped());
    let second = crate::common::document_files(&shipped());
    assert_eq!(first, second, "two builds of the same content differ");
    let docx = first
        .iter()
        .find(|f| f.path == Path::new("2022/101/disclosure.docx"))
        .expect("2022 docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx.bytes)).expect("docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    // Parse the whole part and collect its text.
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut text = String::new();
    let mut tables = 0;
    loop {
        match reader.read_event().expect("well-formed document.xml") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"w:tbl" => tables += 1,
            quick_xml::events::Event::Text(t) => text.push_str(&t.decode().expect("text")),
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    // Nine tables, organisation, eight performance tables, procurement, assets
    // (plus the small spending-plan tables, none in 2022).
    assert_eq!(tables, 9 + 1 + 8 + 2);
    for figure in [
        "2100.32", "1604.63", "1526.07", "332.85", "56.10", "39.99", "424.19", "13.60",
    ] {
        assert!(text.contains(figure), "{figure} missing from the .docx text");
    }
    let checked = shipped();
    let t9 = checked[0].derived.table(TableId::Sangong).expect("table 9");
    assert_eq!(t9.figure("car-running", "合计").expect("cell").text(), "53.43");
}
