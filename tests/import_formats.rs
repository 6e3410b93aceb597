//! The .docx and .xlsx importer front-ends: gongkai's own documents read
//! back equal the published tables, hand-made fixtures give exact blocks,
//! and hostile files give a `FormatError`, never a panic.

mod common;
#[path = "fixtures/import-formats/fixtures.rs"]
mod fixtures;

use std::path::Path;
use std::sync::OnceLock;

use common::{PublishedTable, published_tables, reference_000_text};
use gongkai::diag::Diagnostics;
use gongkai::import::docx::FormatError;
use gongkai::import::{Block, Source, docx, xlsx};
use gongkai::render::docx::{DocxMeta, markdown_to_docx};

fn shipped_2022() -> &'static gongkai::Checked {
    static SITE: OnceLock<Vec<gongkai::Checked>> = OnceLock::new();
    let site = SITE.get_or_init(|| {
        let mut diags = Diagnostics::new();
        let checked = gongkai::check_site(Path::new("content"), &mut diags).expect("content loads");
        assert!(
            !diags.has_errors(),
            "shipped content has errors:\n{}",
            diags.render_text()
        );
        checked
    });
    site.iter()
        .find(|c| c.disclosure.unit.year == 2022)
        .expect("a 2022 disclosure in content/")
}

fn p(text: &str) -> Block {
    Block::Paragraph(text.to_string())
}

fn t(rows: &[&[&str]]) -> Block {
    Block::Table(rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
}

fn paragraphs(source: &Source) -> Vec<&str> {
    source
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(s) => Some(s.as_str()),
            Block::Table(_) => None,
        })
        .collect()
}

/// The rows after the 栏次 row.
fn data_rows<'a>(rows: &'a [Vec<String>], title: &str) -> &'a [Vec<String>] {
    let at = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "栏次"))
        .unwrap_or_else(|| panic!("{title}: no 栏次 row in {rows:?}"));
    &rows[at + 1..]
}

/// Data rows read back equal the published ones; an empty table is
/// published as one row of blank cells.
fn assert_same_data(title: &str, actual: &[Vec<String>], expected: &PublishedTable) {
    if actual.is_empty() {
        assert!(
            expected.rows.len() == 1 && expected.rows[0].iter().all(String::is_empty),
            "{title}: no data rows read back, published {:?}",
            expected.rows
        );
        return;
    }
    assert_eq!(actual, expected.rows.as_slice(), "{title}: data rows");
}

// ---------------------------------------------------------------------------
// gongkai's own .docx

#[test]
fn own_docx_reads_back_the_published_tables_and_sections() {
    let c = shipped_2022();
    let doc = c.document.as_ref().expect("the 2022 document renders");
    let meta = DocxMeta {
        title: "张家口市人大常委会办公室2022年部门预算公开".into(),
        author: c.disclosure.unit.name.clone(),
        created: "2022-01-01T00:00:00Z".into(),
    };
    let bytes = markdown_to_docx(&doc.markdown, &meta).expect("docx");
    let source = docx::read(&bytes).expect("reads back");

    let published = published_tables(&reference_000_text());
    assert_eq!(published.len(), 9);
    let mut at = 0;
    for (title, expected) in &published {
        let found = source.blocks[at..]
            .iter()
            .position(|b| *b == Block::Paragraph(title.clone()))
            .unwrap_or_else(|| panic!("title {title} after block {at}"));
        at += found + 1;
        // The header lines (one paragraph, tab-separated) and then the table.
        let mut between = Vec::new();
        while let Some(Block::Paragraph(s)) = source.blocks.get(at) {
            between.push(s.as_str());
            at += 1;
        }
        assert_eq!(between, [expected.header.join("\t").as_str()], "{title}: header line");
        let Some(Block::Table(rows)) = source.blocks.get(at) else {
            panic!("{title}: no table after its title");
        };
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{title}: rows of one width");
        assert_same_data(title, data_rows(rows, title), expected);
        at += 1;
    }

    // The section headings of part two, in order, after the tables.
    let headings: Vec<String> = reference_000_text()
        .lines()
        .filter_map(|l| l.trim().strip_prefix("[bookmark: _Toc_3_3_"))
        .filter_map(|l| l.split_once(']').map(|(_, h)| h.trim().to_string()))
        .collect();
    assert_eq!(headings.len(), 9, "{headings:?}");
    assert_eq!(headings[0], "一、部门职责及机构设置情况");
    let texts = paragraphs(&source);
    let mut from = 0;
    for heading in &headings {
        let i = texts[from..]
            .iter()
            .position(|p| p == heading)
            .unwrap_or_else(|| panic!("section heading {heading}"));
        from += i + 1;
    }
    // Body text made it too, and no paragraph is empty or padded.
    assert!(texts.iter().any(|p| p.contains("2100.32万元")));
    assert!(texts.iter().all(|p| !p.is_empty() && p.trim() == *p));
}

// ---------------------------------------------------------------------------
// gongkai's own .xlsx

#[test]
fn own_workbook_reads_back_the_published_tables() {
    let c = shipped_2022();
    let bytes = gongkai::portal::downloads::workbook_xlsx(c).expect("workbook");
    let source = xlsx::read(&bytes).expect("reads back");
    let published = published_tables(&reference_000_text());

    let tables: Vec<(usize, &Vec<Vec<String>>)> = source
        .blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Table(rows) => Some((i, rows)),
            Block::Paragraph(_) => None,
        })
        .collect();
    assert_eq!(tables.len(), 9);
    for (((i, rows), (title, expected)), table) in tables.iter().zip(&published).zip(&c.derived.tables) {
        // Title lines above: the title, the department, 预算年度, 单位.
        assert!(*i >= 4, "{title}: title lines");
        let mut lines = vec![p(title)];
        lines.extend(expected.header.iter().map(|h| p(h)));
        assert_eq!(&source.blocks[i - 4..*i], lines.as_slice(), "{title}: title lines");
        assert!(rows.iter().all(|r| r.len() == table.columns.len()), "{title}: width");
        assert_eq!(rows[0], table.columns, "{title}: header row");
        assert_same_data(title, data_rows(rows, title), expected);
        // The note, if any, right after.
        if let Some(note) = &table.note {
            assert_eq!(source.blocks.get(i + 1), Some(&p(note)), "{title}: note");
        }
    }
    // Amounts read as the sheet shows them, never as binary floating point.
    let all: Vec<&str> = tables
        .iter()
        .flat_map(|(_, rows)| rows.iter().flatten())
        .map(String::as_str)
        .collect();
    assert!(all.contains(&"2100.32") && all.contains(&"72.90") && all.contains(&"122.50"));
    assert!(all.iter().all(|c| !c.contains("0000")), "float noise in {all:?}");
}

// ---------------------------------------------------------------------------
// Hand-made fixtures

#[test]
fn merged_fixture() {
    let source = docx::read(&fixtures::merged_docx()).expect("reads");
    let expected = vec![
        p("目录"),
        p("部门预算收支总表"),
        p("101张家口市人民代表大会常务委员会办公室\t预算年度：2022\t单位：万元"),
        t(&[
            &["序号", "收入", "", "支出", ""],
            &["", "项  目", "预算数", "项  目", "财政拨款\n收入"],
            &["栏次", "1", "2", "3", "4"],
            &[
                "1",
                "一、一般公共预算拨款收入",
                "2100.32",
                "一、一般公共服务支出",
                "1604.63",
            ],
            &["收入总计", "", "2100.32", "支出总计", ""],
            &["说明\n第二行\n甲\n乙", "", "", "", ""],
        ]),
        p("注：详见表一。"),
        p("一、部门职责及机构设置情况"),
        p("本部门负责审议预算。"),
        p("图示：\n框内一\n框内二"),
        p("收入&支出、合计<1>"),
        p("二、部门预算安排的总体情况"),
    ];
    assert_eq!(source.blocks, expected);
}

#[test]
fn docx_in_utf16_with_a_default_namespace() {
    // No `w:` prefix: the namespace is the default one.
    let xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\
        <document xmlns=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><body>\
        <p><r><t>甲</t><tab/><t>乙</t></r></p>\
        <tbl><tr><tc><p><r><t>1</t></r></p></tc></tr></tbl></body></document>";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let bytes = fixtures::zip(&[("word/document.xml", &utf16)], zip::CompressionMethod::Deflated);
    let source = docx::read(&bytes).expect("reads");
    assert_eq!(source.blocks, vec![p("甲\t乙"), t(&[&["1"]])]);
}

#[test]
fn xlsx_cells_as_displayed() {
    let source = xlsx::read(&fixtures::formats_xlsx()).expect("reads");
    let expected = vec![
        p("部门预算收支总表"),
        p("101张家口市人民代表大会常务委员会办公室"),
        p("预算年度：2022"),
        p("单位：万元"),
        t(&[
            &["序号", "项目", "预算数", "数量", "备注"],
            &["栏次", "1", "2", "3", "4"],
            &["1", "浮点和", "0.30", "10", "--"],
            &["2", "金额", "2100.32", "3", ""],
            &["3", "未设格式", "0.3", "2100.32", "前后有空格"],
            &["4", "千分位", "1,234,567.89", "12.5%", "TRUE"],
            &["5", "负数与日期", "-72.90", "72.90", "2022-01-01"],
        ]),
        p("注：本表金额单位为万元。"),
        // The hidden sheet is not read; a sheet without title lines is a table.
        t(&[&["a", "b"], &["1", "2.5"]]),
    ];
    assert_eq!(source.blocks, expected);
}

#[test]
fn xlsx_cells_far_apart_do_not_fill_the_sheet() {
    let source = xlsx::read(&fixtures::far_apart_xlsx()).expect("reads");
    assert_eq!(source.blocks, vec![p("左上"), p("右下")]);
}

// ---------------------------------------------------------------------------
// Hostile input

fn message(result: Result<Source, FormatError>) -> String {
    match result {
        Ok(source) => panic!("read as {} blocks", source.blocks.len()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn random_bytes_are_refused() {
    for (seed, len) in [(1, 0), (2, 1), (3, 100), (4, 10_000)] {
        let bytes = fixtures::random_bytes(seed, len);
        assert_eq!(message(docx::read(&bytes)), "not a .docx: not a zip archive");
        assert_eq!(message(xlsx::read(&bytes)), "not a .xlsx: not a zip archive");
    }
    // Starts like a zip, is none.
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.extend(fixtures::random_bytes(5, 5_000));
    assert!(message(docx::read(&bytes)).starts_with("not a .docx: not a"));
    assert!(message(xlsx::read(&bytes)).starts_with("not a .xlsx: not a"));
}

#[test]
fn a_package_without_its_main_part_is_refused() {
    assert_eq!(
        message(docx::read(&fixtures::without_document())),
        "not a .docx: word/document.xml missing"
    );
    assert_eq!(
        message(xlsx::read(&fixtures::without_workbook())),
        "not a .xlsx: xl/workbook.xml missing"
    );
    // A workbook is not a document, nor the other way round.
    assert_eq!(
        message(docx::read(&fixtures::formats_xlsx())),
        "not a .docx: `xl/workbook.xml` is not a Word document"
    );
    assert_eq!(
        message(xlsx::read(&fixtures::merged_docx())),
        "not a .xlsx: `word/document.xml` is not a workbook"
    );
}

#[test]
fn declared_sizes_and_counts_are_checked() {
    let huge = message(docx::read(&fixtures::declared_huge()));
    assert_eq!(huge, ".docx refused: `word/document.xml` declares more than 64 MiB");
    let many = message(docx::read(&fixtures::many_entries()));
    assert_eq!(many, ".docx refused: the zip declares 60000 entries, more than 10000");
}

#[test]
fn decompressed_size_is_counted_not_trusted() {
    let lying = message(docx::read(&fixtures::lying_size()));
    assert_eq!(
        lying,
        ".docx refused: `word/document.xml` decompresses to more than 64 MiB"
    );
}

#[test]
fn nesting_spans_and_cell_counts_are_limited() {
    assert_eq!(
        message(docx::read(&fixtures::deep_nesting())),
        ".docx refused: `word/document.xml` nests elements more than 512 deep"
    );
    assert_eq!(
        message(docx::read(&fixtures::wide_span())),
        ".docx refused: `word/document.xml` has a table row wider than 1000 cells"
    );
    assert_eq!(
        message(docx::read(&fixtures::cell_bomb())),
        ".docx refused: more than 2000000 table cells"
    );
    let broken = message(docx::read(&fixtures::broken_xml()));
    assert!(
        broken.starts_with(".docx: `word/document.xml` is malformed: "),
        "{broken}"
    );
}

#[test]
fn damaged_packages_never_panic() {
    // Every truncation and a sweep of flipped bytes of both kinds of file:
    // each reads or fails with a FormatError.
    for bytes in [fixtures::merged_docx(), fixtures::formats_xlsx()] {
        let step = (bytes.len() / 150).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            let _ = docx::read(&bytes[..cut]);
            let _ = xlsx::read(&bytes[..cut]);
        }
        for at in (0..bytes.len()).step_by(step) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x5A;
            let _ = docx::read(&damaged);
            let _ = xlsx::read(&damaged);
        }
    }
}

/// Writes the fixtures to `target/import-formats/` to open them in Word or
/// Excel.
#[test]
#[ignore]
fn write_fixture_files() {
    let dir = Path::new("target/import-formats");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("merged.docx"), fixtures::merged_docx()).unwrap();
    std::fs::write(dir.join("formats.xlsx"), fixtures::formats_xlsx()).unwrap();
}

/// Every reproducer `cargo fuzz` found (fuzz/regressions/<target>/) is
/// refused with an error or handled, never a panic.
#[test]
fn fuzz_regressions_never_panic() {
    let root = std::path::Path::new("fuzz/regressions");
    let mut seen = 0;
    for target in ["import_xlsx", "import_docx", "import_text"] {
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for path in paths {
            let bytes = std::fs::read(&path).expect("reproducer");
            let outcome = std::panic::catch_unwind(|| match target {
                "import_xlsx" => gongkai::import::import(&bytes, gongkai::import::Format::Xlsx).is_ok(),
                "import_docx" => gongkai::import::import(&bytes, gongkai::import::Format::Docx).is_ok(),
                _ => gongkai::import::import(&bytes, gongkai::import::Format::Text).is_ok(),
            });
            assert!(outcome.is_ok(), "{} panics", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 2, "the committed reproducers were found ({seen})");
}

/// Fuzzing found imports that wrote YAML the loader rejects (an empty table
/// as `rows:` with nothing, control characters in comments and quoted
/// strings). Whatever the importer writes must parse.
#[test]
fn fuzz_regressions_import_to_yaml_that_parses() {
    let cases = [
        (
            "fuzz/regressions/import_text/functions-empty-rows.txt",
            gongkai::import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/economic-empty-rows.txt",
            gongkai::import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/control-char-in-comment.txt",
            gongkai::import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/c1-control-in-quoted-scalar.txt",
            gongkai::import::Format::Text,
        ),
        (
            "fuzz/regressions/import_docx/functions-empty-rows.docx",
            gongkai::import::Format::Docx,
        ),
    ];
    for (path, format) in cases {
        let bytes = std::fs::read(path).expect("reproducer");
        let Ok(imported) = gongkai::import::import(&bytes, format) else {
            continue;
        };
        let files: std::collections::BTreeMap<String, Vec<u8>> = imported
            .files
            .iter()
            .map(|(n, t)| (n.clone(), t.clone().into_bytes()))
            .collect();
        let mut diags = gongkai::diag::Diagnostics::new();
        let _ = gongkai::load::load_in_memory(&files, &mut diags);
        let syntax: Vec<_> = diags
            .iter()
            .filter(|d| matches!(d.rule, "yaml-syntax" | "file-encoding"))
            .collect();
        assert!(syntax.is_empty(), "{path}: {}", diags.render_text());
    }
}
