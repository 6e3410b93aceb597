//! The .docx writer: package layout, well-formed XML, content, determinism,
//! and hostile input.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use gongkai_render::docx::{DocxError, DocxMeta, markdown_to_docx};
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

fn meta() -> DocxMeta {
    DocxMeta {
        title: "张家口市人大常委会办公室2022年部门预算公开".to_string(),
        author: "101张家口市人民代表大会常务委员会办公室".to_string(),
        created: "2022-01-01T00:00:00Z".to_string(),
    }
}

const SAMPLE: &str = "\
# 张家口市人大常委会办公室2022年部门预算

## 第一部分 部门预算公开

### 一、部门职责及机构设置情况

本部门2022年收入预算2100.32万元，其中一般公共预算拨款收入
2100.32万元，**比上年增加**12.50万元。

### 部门预算收支总表

101张家口市人民代表大会常务委员会办公室  
预算年度：2022  
单位：万元

| 项目 | 预算数 | 备注 |
| --- | --- | --- |
| 一般公共预算拨款收入 | 2100.32 | 无 |
| 政府性基金预算拨款收入 | 0.00 | 无 |
| 收入总计 | 2100.32 | 合计 |

注：本表为空的，说明无此项收支。

<!-- pagebreak -->

#### 1、收入说明

1. 第一项
2. 第二项
";

/// Everything a test wants to know about an XML part, read with quick-xml.
#[derive(Default, Debug)]
struct Xml {
    /// Text of every `w:t`, in order.
    texts: Vec<String>,
    /// Element name → how many start or empty tags.
    counts: HashMap<String, usize>,
    /// (name, attributes) of every element, in order.
    elements: Vec<(String, HashMap<String, String>)>,
}

impl Xml {
    fn count(&self, name: &str) -> usize {
        self.counts.get(name).copied().unwrap_or(0)
    }

    fn all_text(&self) -> String {
        self.texts.concat()
    }

    fn find(&self, name: &str) -> Vec<&HashMap<String, String>> {
        self.elements
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, a)| a)
            .collect()
    }
}

fn allowed(c: char) -> bool {
    matches!(c as u32, 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF)
}

fn element(e: &BytesStart<'_>) -> (String, HashMap<String, String>) {
    let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8 name");
    let mut attrs = HashMap::new();
    for a in e.attributes() {
        let a = a.expect("well-formed attribute");
        let key = String::from_utf8(a.key.as_ref().to_vec()).expect("utf-8 key");
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .expect("attribute escapes")
            .into_owned();
        assert!(value.chars().all(allowed), "bad char in attribute {key}");
        attrs.insert(key, value);
    }
    (name, attrs)
}

/// Reads a whole part with quick-xml, checking it is well-formed: one root,
/// balanced and matching tags, only predefined or character references,
/// only XML 1.0 characters.
fn parse_xml(xml: &str) -> Xml {
    assert!(xml.chars().all(allowed), "a character XML 1.0 forbids");
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out = Xml::default();
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut in_t = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let (name, attrs) = element(&e);
                if stack.is_empty() {
                    roots += 1;
                }
                *out.counts.entry(name.clone()).or_default() += 1;
                if name == "w:t" {
                    in_t = true;
                    out.texts.push(String::new());
                }
                out.elements.push((name.clone(), attrs));
                stack.push(name);
            }
            Event::Empty(e) => {
                let (name, attrs) = element(&e);
                if stack.is_empty() {
                    roots += 1;
                }
                *out.counts.entry(name.clone()).or_default() += 1;
                out.elements.push((name, attrs));
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8");
                assert_eq!(stack.pop().as_deref(), Some(name.as_str()));
                if name == "w:t" {
                    in_t = false;
                }
            }
            Event::Text(t) => {
                let text = t.decode().expect("utf-8 text");
                assert!(!text.contains('<') && !text.contains('&'), "unescaped markup in text");
                if in_t {
                    if let Some(last) = out.texts.last_mut() {
                        last.push_str(&text);
                    }
                } else if let Some(parent) = stack.last()
                    && parent.starts_with("w:")
                    && parent != "w:instrText"
                {
                    assert!(text.trim().is_empty(), "text in {parent}: {text:?}");
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().expect("valid char ref") {
                    Some(c) => {
                        assert!(allowed(c), "char ref to a forbidden character");
                        c.to_string()
                    }
                    None => {
                        let name = r.decode().expect("utf-8 ref").into_owned();
                        match name.as_str() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            other => panic!("undefined entity &{other};"),
                        }
                        .to_string()
                    }
                };
                if in_t && let Some(last) = out.texts.last_mut() {
                    last.push_str(&resolved);
                }
            }
            Event::CData(_) | Event::DocType(_) => panic!("unexpected CDATA or DOCTYPE"),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
    assert_eq!(roots, 1, "exactly one root element");
    out
}

fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let mut content = String::new();
        file.read_to_string(&mut content).expect("utf-8 entry");
        entries.push((file.name().to_string(), content));
    }
    entries
}

fn part<'a>(entries: &'a [(String, String)], name: &str) -> &'a str {
    entries
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c.as_str())
        .unwrap_or_else(|| panic!("no {name} in the package"))
}

#[test]
fn sample_document_has_parts_text_tables_and_page_layout() {
    let bytes = markdown_to_docx(SAMPLE, &meta()).expect("renders");
    let entries = unzip(&bytes);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
        "word/settings.xml",
        "word/footer1.xml",
        "word/_rels/document.xml.rels",
        "docProps/core.xml",
        "docProps/app.xml",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    // Every part is well-formed.
    for (name, content) in &entries {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            parse_xml(content);
        }
    }

    let doc = parse_xml(part(&entries, "word/document.xml"));
    let text = doc.all_text();
    // Soft break inside CJK text adds nothing; bold text is kept.
    assert!(
        text.contains("本部门2022年收入预算2100.32万元，其中一般公共预算拨款收入2100.32万元，比上年增加12.50万元。"),
        "{text}"
    );
    for cell in [
        "项目",
        "预算数",
        "备注",
        "一般公共预算拨款收入",
        "2100.32",
        "无",
        "政府性基金预算拨款收入",
        "0.00",
        "收入总计",
        "合计",
    ] {
        assert!(doc.texts.iter().any(|t| t == cell), "cell {cell} not a run");
    }
    assert!(text.contains("1.第一项"), "ordered list keeps its number");
    assert!(text.contains("预算年度：2022"));
    assert!(!text.contains("pagebreak"), "the comment is not text");

    // One table: 4 rows of 3 cells, header repeated.
    assert_eq!(doc.count("w:tbl"), 1);
    assert_eq!(doc.count("w:tr"), 4);
    assert_eq!(doc.count("w:tc"), 12);
    assert_eq!(doc.count("w:gridCol"), 3);
    assert_eq!(doc.count("w:tblHeader"), 1);
    let tbl_w = doc.find("w:tblW");
    assert_eq!(tbl_w[0].get("w:type").map(String::as_str), Some("pct"));
    assert_eq!(tbl_w[0].get("w:w").map(String::as_str), Some("5000"));
    // Borders come from the table style.
    assert_eq!(doc.count("w:tblBorders"), 0);
    let styles = parse_xml(part(&entries, "word/styles.xml"));
    for side in ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"] {
        let borders = styles.find(side);
        assert!(
            borders
                .iter()
                .any(|b| b.get("w:val").map(String::as_str) == Some("single")),
            "{side} border"
        );
    }
    let numbers = doc
        .find("w:pStyle")
        .iter()
        .filter(|a| a.get("w:val").map(String::as_str) == Some("TN"))
        .count();
    assert_eq!(numbers, 3, "the three amounts are in the right-aligned style");

    // Page break, A4, GB/T 9704 margins, footer with a PAGE field.
    let page_breaks = doc
        .find("w:br")
        .iter()
        .filter(|a| a.get("w:type").map(String::as_str) == Some("page"))
        .count();
    assert_eq!(page_breaks, 1);
    let pg_sz = doc.find("w:pgSz");
    assert_eq!(pg_sz.len(), 1);
    assert_eq!(pg_sz[0].get("w:w").map(String::as_str), Some("11906"));
    assert_eq!(pg_sz[0].get("w:h").map(String::as_str), Some("16838"));
    let pg_mar = doc.find("w:pgMar");
    for (side, value) in [
        ("w:top", "2098"),
        ("w:bottom", "1984"),
        ("w:left", "1587"),
        ("w:right", "1474"),
    ] {
        assert_eq!(pg_mar[0].get(side).map(String::as_str), Some(value), "{side}");
    }
    let footer = parse_xml(part(&entries, "word/footer1.xml"));
    assert_eq!(footer.count("w:instrText"), 1);
    assert!(part(&entries, "word/footer1.xml").contains(" PAGE "));
    assert!(part(&entries, "word/_rels/document.xml.rels").contains("footer1.xml"));

    // Styles are defined and used.
    let styles = parse_xml(part(&entries, "word/styles.xml"));
    let defined: Vec<&str> = styles
        .find("w:style")
        .iter()
        .filter_map(|a| a.get("w:styleId").map(String::as_str))
        .collect();
    let used: Vec<&str> = doc
        .find("w:pStyle")
        .into_iter()
        .chain(doc.find("w:tblStyle"))
        .chain(doc.find("w:rStyle"))
        .filter_map(|a| a.get("w:val").map(String::as_str))
        .collect();
    for style in [
        "Title",
        "Heading1",
        "Heading2",
        "Heading3",
        "TableGrid",
        "TH",
        "TD",
        "TN",
    ] {
        assert!(defined.contains(&style), "{style} not defined");
        assert!(used.contains(&style), "{style} not used");
    }
    // Body text is in the default paragraph style, which goes unnamed.
    assert!(
        styles
            .find("w:style")
            .iter()
            .any(|a| a.get("w:styleId").map(String::as_str) == Some("Normal")
                && a.get("w:default").map(String::as_str) == Some("1")),
        "Normal is the default paragraph style"
    );
    for style in &used {
        assert!(defined.contains(style), "{style} used but not defined");
    }
    assert!(used.contains(&"TableTitle"), "部门预算收支总表 is a table title");
    assert!(used.contains(&"Note"), "注： after the table is a note");
    // Body text: 仿宋 16 pt, fixed 28 pt lines, eastAsia font set.
    let styles_xml = part(&entries, "word/styles.xml");
    assert!(styles_xml.contains("w:eastAsia=\"仿宋\""));
    assert!(styles_xml.contains("w:line=\"560\" w:lineRule=\"exact\""));

    let core = part(&entries, "docProps/core.xml");
    let core_doc = parse_xml(core);
    assert_eq!(core_doc.count("dc:title"), 1);
    assert!(core.contains(">张家口市人大常委会办公室2022年部门预算公开</dc:title>"));
    assert!(core.contains(">101张家口市人民代表大会常务委员会办公室</dc:creator>"));
    assert!(core.contains(">2022-01-01T00:00:00Z</dcterms:created>"));
}

#[test]
fn same_markdown_gives_identical_bytes() {
    let a = markdown_to_docx(SAMPLE, &meta()).expect("renders");
    let b = markdown_to_docx(SAMPLE, &meta()).expect("renders");
    assert_eq!(a, b);
    // Entries carry the fixed 1980-01-01 time.
    let mut archive = zip::ZipArchive::new(Cursor::new(&a)).expect("zip");
    for i in 0..archive.len() {
        let file = archive.by_index(i).expect("entry");
        let t = file.last_modified().expect("a time");
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1), "{}", file.name());
    }
    let names: Vec<String> = unzip(&a).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "[Content_Types].xml");
}

#[test]
fn hostile_text_stays_text() {
    let markdown = "\
# Title <script>alert(1)</script> & \"quotes\"

<script>document.write('x')</script>

<div onclick=\"evil()\">raw block</div>

Text with <script>inline()</script> & ampersand, a \u{1} bell\u{7}, a \u{b} tab, \u{fffe}, ]]> and <!-- comment -->.

| a & b | <b>c</b> |
| --- | --- |
| x\u{0}y | 1 < 2 |
";
    let hostile_meta = DocxMeta {
        title: "<script>&\u{1}".to_string(),
        author: "\"a\" & 'b' <c>".to_string(),
        created: "2022-01-01T00:00:00Z".to_string(),
    };
    let bytes = markdown_to_docx(markdown, &hostile_meta).expect("renders");
    let entries = unzip(&bytes);
    for (name, content) in &entries {
        let xml = parse_xml(content);
        for (element, _) in &xml.elements {
            assert!(
                !element.eq_ignore_ascii_case("script") && !element.eq_ignore_ascii_case("div"),
                "raw HTML element {element} in {name}"
            );
        }
        assert!(!content.contains("<script"), "{name}");
    }
    let doc = parse_xml(part(&entries, "word/document.xml"));
    let text = doc.all_text();
    assert!(text.contains("& ampersand"), "{text}");
    assert!(text.contains("]]> and"), "{text}");
    assert!(text.contains("a & b"));
    assert!(text.contains("1 < 2"));
    assert!(text.contains("xy"), "NUL dropped: {text}");
    assert!(!text.contains("document.write"), "HTML blocks are dropped");
    assert!(!text.contains("raw block"));
    assert!(!text.contains("comment"));
    assert_eq!(doc.count("w:tbl"), 1);
    let core = parse_xml(part(&entries, "docProps/core.xml"));
    assert!(core.count("dc:title") == 1);
}

#[test]
fn empty_markdown_is_still_a_document() {
    let bytes = markdown_to_docx("", &meta()).expect("renders");
    let entries = unzip(&bytes);
    let doc = parse_xml(part(&entries, "word/document.xml"));
    assert_eq!(doc.count("w:body"), 1);
    assert_eq!(doc.count("w:sectPr"), 1);
}

#[test]
fn soft_break_between_latin_words_is_a_space() {
    let bytes = markdown_to_docx("Budget\nreport 中文\n文字", &meta()).expect("renders");
    let entries = unzip(&bytes);
    let doc = parse_xml(part(&entries, "word/document.xml"));
    assert_eq!(doc.all_text(), "Budget report 中文文字");
}

#[test]
fn a_bad_created_date_is_an_error() {
    let mut bad = meta();
    bad.created = "2022年1月1日".to_string();
    assert!(matches!(markdown_to_docx("x", &bad), Err(DocxError::InvalidCreated(_))));
}

fn document(markdown: &str) -> Xml {
    let bytes = markdown_to_docx(markdown, &meta()).expect("renders");
    parse_xml(part(&unzip(&bytes), "word/document.xml"))
}

#[test]
fn pagebreak_comment_interrupts_a_paragraph_and_ends_a_table() {
    let doc = document("| a |\n| --- |\n| 1 |\n<!-- pagebreak -->\n段落\n<!--  PageBreak -->\n后文");
    let breaks = doc
        .find("w:br")
        .iter()
        .filter(|a| a.get("w:type").map(String::as_str) == Some("page"))
        .count();
    assert_eq!(breaks, 2);
    assert_eq!(doc.count("w:tr"), 2);
    assert_eq!(doc.all_text(), "a1段落后文");
}

#[test]
fn bold_next_to_cjk_punctuation_is_bold() {
    // CommonMark leaves this `**` unmatched; the writer pairs it.
    let doc = document("**（一）机关运行经费。**2022年本部门机关运行经费预算332.85万元。");
    assert!(!doc.all_text().contains("**"), "{}", doc.all_text());
    assert_eq!(doc.count("w:b"), 1);
    assert_eq!(doc.texts[0], "（一）机关运行经费。");
}

#[test]
fn codes_stay_left_and_hard_breaks_are_breaks() {
    let doc = document(
        "| 科目编码 | 科目名称 | 合计 |\n| --- | --- | --- |\n| 2010101 | 行政运行 | 1530.12 |\n\n第一行  \n第二行",
    );
    let styles: Vec<&str> = doc
        .find("w:pStyle")
        .iter()
        .filter_map(|a| a.get("w:val").map(String::as_str))
        .collect();
    // Header cells centred, then code left, name left, amount right.
    assert_eq!(styles, ["TH", "TH", "TH", "TD", "TD", "TN"], "{styles:?}");
    assert_eq!(doc.count("w:br"), 1);
}

/// A paragraph or character style's own alignment, weight and size, and
/// its parent.
#[derive(Debug, Default)]
struct StyleDef {
    based_on: Option<String>,
    jc: Option<String>,
    bold: Option<bool>,
    /// Half-points.
    size: Option<String>,
}

/// `w:b` and the like: on unless `w:val` says 0 / false / off.
fn toggle(attrs: &HashMap<String, String>) -> bool {
    !matches!(attrs.get("w:val").map(String::as_str), Some("0" | "false" | "off"))
}

/// The paragraph and character styles of `word/styles.xml` by id.
fn styles_by_id(xml: &str) -> HashMap<String, StyleDef> {
    let mut styles = HashMap::new();
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut current: Option<(String, StyleDef)> = None;
    loop {
        let (e, empty) = match reader.read_event().expect("well-formed styles") {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                if path.pop().as_deref() == Some("w:style")
                    && let Some((id, def)) = current.take()
                {
                    styles.insert(id, def);
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let (name, attrs) = element(&e);
        let parent = path.last().map(String::as_str);
        match (name.as_str(), parent) {
            ("w:style", _) if matches!(attrs.get("w:type").map(String::as_str), Some("paragraph" | "character")) => {
                current = attrs.get("w:styleId").map(|id| (id.clone(), StyleDef::default()));
            }
            ("w:basedOn", Some("w:style")) => {
                if let Some((_, def)) = current.as_mut() {
                    def.based_on = attrs.get("w:val").cloned();
                }
            }
            ("w:jc", Some("w:pPr")) => {
                if let Some((_, def)) = current.as_mut() {
                    def.jc = attrs.get("w:val").cloned();
                }
            }
            ("w:b", Some("w:rPr")) => {
                if let Some((_, def)) = current.as_mut() {
                    def.bold = Some(toggle(&attrs));
                }
            }
            ("w:sz", Some("w:rPr")) => {
                if let Some((_, def)) = current.as_mut() {
                    def.size = attrs.get("w:val").cloned();
                }
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    styles
}

/// A property as the style chain resolves it: the nearest style that sets it.
fn resolve<T: Clone>(styles: &HashMap<String, StyleDef>, id: &str, get: impl Fn(&StyleDef) -> Option<T>) -> Option<T> {
    let mut id = Some(id.to_string());
    for _ in 0..16 {
        let def = styles.get(id.as_deref()?)?;
        if let Some(v) = get(def) {
            return Some(v);
        }
        id = def.based_on.clone();
    }
    None
}

/// One table cell of `word/document.xml` as Word would format it.
#[derive(Debug, Default)]
struct Cell {
    text: String,
    style: Option<String>,
    /// `w:jc` set on the paragraph itself.
    direct_jc: Option<String>,
    /// `w:b` set on each run, `None` where a run leaves it to the style.
    run_bold: Vec<Option<bool>>,
    /// The character style of each run.
    run_style: Vec<Option<String>>,
}

fn cells(xml: &str) -> Vec<Cell> {
    let mut out: Vec<Cell> = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    loop {
        let (e, empty) = match reader.read_event().expect("well-formed document") {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Text(t) => {
                if path.last().map(String::as_str) == Some("w:t")
                    && let Some(cell) = out.last_mut()
                {
                    cell.text.push_str(&t.decode().expect("utf-8"));
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let (name, attrs) = element(&e);
        let parent = path.last().map(String::as_str);
        let in_cell = path.iter().any(|p| p == "w:tc");
        match (name.as_str(), parent) {
            ("w:tc", _) => out.push(Cell::default()),
            ("w:pStyle", Some("w:pPr")) if in_cell => {
                if let Some(cell) = out.last_mut() {
                    cell.style = attrs.get("w:val").cloned();
                }
            }
            ("w:jc", Some("w:pPr")) if in_cell => {
                if let Some(cell) = out.last_mut() {
                    cell.direct_jc = attrs.get("w:val").cloned();
                }
            }
            ("w:r", _) if in_cell => {
                if let Some(cell) = out.last_mut() {
                    cell.run_bold.push(None);
                    cell.run_style.push(None);
                }
            }
            ("w:rStyle", Some("w:rPr")) if in_cell => {
                if let Some(s) = out.last_mut().and_then(|c| c.run_style.last_mut()) {
                    *s = attrs.get("w:val").cloned();
                }
            }
            ("w:b", Some("w:rPr")) if in_cell && path.iter().any(|p| p == "w:r") => {
                if let Some(b) = out.last_mut().and_then(|c| c.run_bold.last_mut()) {
                    *b = Some(toggle(&attrs));
                }
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    out
}

#[test]
fn header_cells_are_bold_and_amounts_right_aligned_through_the_style_chain() {
    // 10.5 pt, 9 pt and 7.5 pt tables alike.
    for (columns, rows, size) in [(3, 10, "21"), (8, 40, "18"), (12, 40, "15")] {
        let mut markdown = String::from("|");
        for c in 0..columns {
            markdown.push_str(&format!(" 栏目{c} |"));
        }
        markdown.push_str("\n|");
        markdown.push_str(&" --- |".repeat(columns));
        for r in 0..rows {
            markdown.push_str("\n| 项目 |");
            for c in 1..columns {
                markdown.push_str(&format!(" {r}{c}.50 |"));
            }
        }
        let entries = unzip(&markdown_to_docx(&markdown, &meta()).expect("renders"));
        let styles = styles_by_id(part(&entries, "word/styles.xml"));
        let cells = cells(part(&entries, "word/document.xml"));
        assert_eq!(cells.len(), columns * (rows + 1));
        for (i, cell) in cells.iter().enumerate() {
            let style = cell.style.as_deref().unwrap_or("Normal");
            let jc = cell
                .direct_jc
                .clone()
                .or_else(|| resolve(&styles, style, |d| d.jc.clone()));
            let style_bold = resolve(&styles, style, |d| d.bold).unwrap_or(false);
            let bold = cell.run_bold.iter().all(|b| b.unwrap_or(style_bold));
            assert!(!cell.run_style.is_empty(), "cell {i} has text");
            for run_style in &cell.run_style {
                let run_size = match run_style {
                    Some(r) => resolve(&styles, r, |d| d.size.clone()),
                    None => resolve(&styles, style, |d| d.size.clone()),
                };
                assert_eq!(run_size.as_deref(), Some(size), "size of {:?} ({style})", cell.text);
            }
            let header = i < columns;
            if header {
                assert!(bold, "header cell {:?} ({style}) is not bold", cell.text);
                assert_eq!(jc.as_deref(), Some("center"), "header cell {:?}", cell.text);
            } else if i % columns == 0 {
                assert_eq!(jc.as_deref(), Some("left"), "text cell {:?}", cell.text);
                assert!(!bold, "text cell {:?} is bold", cell.text);
            } else {
                assert_eq!(jc.as_deref(), Some("right"), "amount {:?} ({style})", cell.text);
                assert!(!bold, "amount {:?} is bold", cell.text);
            }
        }
    }
}

#[test]
fn space_is_preserved_only_where_it_would_be_lost() {
    let bytes = markdown_to_docx("Budget\nreport a  b\n\n| x |\n| --- |\n| 12.50 |", &meta()).expect("renders");
    let entries = unzip(&bytes);
    let xml = part(&entries, "word/document.xml");
    assert!(xml.contains("<w:t>Budget</w:t>"), "{xml}");
    assert!(
        xml.contains("<w:t xml:space=\"preserve\"> </w:t>"),
        "the soft break's space"
    );
    assert!(
        xml.contains("<w:t xml:space=\"preserve\">report a  b</w:t>"),
        "two spaces in a row"
    );
    assert!(xml.contains("<w:t>12.50</w:t>"));
    assert_eq!(parse_xml(xml).all_text(), "Budget report a  bx12.50");
}
