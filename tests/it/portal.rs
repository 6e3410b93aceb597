//! The portal's pages, read as files: permalinks, provenance links that all
//! resolve to the right cell, the safety rules (CSP, nothing off-site, no
//! inline script or style), page weight, and byte-identical builds.

use gongkai_render::output::OutputFile;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;

fn site() -> Vec<OutputFile> {
    crate::common::site_files(Path::new("content")).expect("site builds")
}

fn pages(files: &[OutputFile]) -> BTreeMap<String, String> {
    files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "html"))
        .map(|f| {
            (
                f.path.display().to_string(),
                String::from_utf8(f.bytes.clone()).expect("utf-8 page"),
            )
        })
        .collect()
}

/// Values of an attribute in an HTML text.
fn attributes<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .filter_map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// The text of the element with `id` (up to its first closing tag).
fn element_text<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let at = html.find(&format!(" id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

#[test]
fn permalinks_carry_the_year() {
    let files = site();
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    for expected in [
        "index.html",
        "2022/index.html",
        "2022/101/index.html",
        "2026/101/index.html",
        "departments/101/index.html",
        "2022/101/tables/1-summary.csv",
        "2022/101/tables.xlsx",
        "2022/101/model.json",
        "2022/101/disclosure.docx",
        "search/meta.json",
        "search/t/0.json",
        "search/d/0.json",
        "data/datapackage.json",
    ] {
        assert!(paths.iter().any(|p| p == expected), "{expected} missing");
    }
}

#[test]
fn every_page_is_locked_down() {
    for (path, html) in pages(&site()) {
        assert!(
            html.contains("http-equiv=\"Content-Security-Policy\""),
            "{path}: no CSP"
        );
        assert!(html.contains("script-src 'self'"), "{path}: CSP allows foreign scripts");
        assert!(!html.contains(" style=\""), "{path}: inline style");
        assert!(!html.contains("<script>"), "{path}: inline script");
        for handler in ["onclick", "onload", "onerror", "onmouseover", "onfocus"] {
            assert!(attributes(&html, handler).is_empty(), "{path}: {handler} handler");
        }
        for attr in ["href", "src", "action"] {
            for value in attributes(&html, attr) {
                let external = value.starts_with("http:") || value.starts_with("https:") || value.starts_with("//");
                assert!(!external, "{path}: {attr}={value} leaves the site");
            }
        }
    }
}

#[test]
fn every_narrative_figure_links_to_a_cell_showing_it() {
    let pages = pages(&site());
    let page = &pages["2022/101/index.html"];
    let links: Vec<&str> = page
        .match_indices("<a class=\"fig\"")
        .map(|(at, _)| &page[at..at + page[at..].find("</a>").expect("closed link")])
        .collect();
    // Six headline figures and the figures of sections 二, 三, 四, 六 and 七.
    assert!(links.len() >= 25, "only {} linked figures", links.len());
    for link in links {
        let href = attributes(link, "href")[0];
        let shown = &link[link.rfind('>').expect("link text") + 1..];
        let id = href.strip_prefix('#').expect("fragment link");
        let cell = element_text(page, id).unwrap_or_else(|| panic!("{href} does not resolve"));
        let (a, b): (Decimal, Decimal) = (shown.parse().expect("number"), cell.parse().unwrap_or_default());
        assert_eq!(a, b, "figure {shown} links to {href} which shows `{cell}`");
    }
}

#[test]
fn department_page_stays_under_150_kb() {
    let pages = pages(&site());
    let size = pages["2022/101/index.html"].len();
    assert!(size < 150 * 1024, "department page is {size} bytes");
}

#[test]
fn two_builds_are_byte_identical() {
    assert_eq!(site(), site());
}

#[test]
fn a_site_overrides_theme_files_one_by_one() {
    let root = std::env::temp_dir().join(format!("gongkai-theme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let content = root.join("content/2022/101");
    std::fs::create_dir_all(&content).unwrap();
    for entry in std::fs::read_dir("content/2022/101").unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), content.join(entry.file_name())).unwrap();
    }
    let theme = root.join("themes/default/portal/static");
    std::fs::create_dir_all(&theme).unwrap();
    std::fs::write(theme.join("style.css"), "/* the bureau's own style */\n").unwrap();
    let files = crate::common::site_files(&root.join("content")).unwrap();
    let _ = std::fs::remove_dir_all(&root);
    let css = files.iter().find(|f| f.path == Path::new("static/style.css")).unwrap();
    assert_eq!(css.bytes, b"/* the bureau's own style */\n");
    // Files the site did not override come from the default theme.
    let js = files.iter().find(|f| f.path == Path::new("static/fig.js")).unwrap();
    assert!(String::from_utf8_lossy(&js.bytes).contains("Progressive enhancement"));
}
