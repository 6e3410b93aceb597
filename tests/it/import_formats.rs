//! The .docx and .xlsx importer front-ends: gongkai's own documents read
//! back equal the published tables, hand-made fixtures give exact blocks,
//! and hostile files give a `FormatError`, never a panic.

#[path = "../fixtures/import-formats/fixtures.rs"]
mod fixtures;

use std::path::Path;
use std::sync::OnceLock;

use crate::common::{PublishedTable, published_tables, reference_000_text};
use gongkai_import::docx::FormatError;
use gongkai_import::{Block, Source, docx, xlsx};
use gongkai_model::diag::Diagnostics;
use gongkai_render::docx::{DocxMeta, markdown_to_docx};

pub(crate) fn shipped_2022() -> &'static gongkai_render::Checked {
    static SITE: OnceLock<Vec<gongkai_render::Checked>> = OnceLock::new();
    let site = SITE.get_or_init(|| {
        let mut diags = Diagnostics::new();
        let checked = crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
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
    let bytes = gongkai_portal::downloads::workbook_xlsx(c).expect("workbook");
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

#[test]
fn xlsx_written_by_hand_as_excel_does() {
    let source = xlsx::read(&fixtures::excel_style_xlsx()).expect("reads");
    let expected = vec![t(&[
        &["项目", "金额", "日期"],
        &["人员经费", "72.90", "2022-01-01"],
        &["回车\r换行", "1,234,567.89", "2022-01-01 12:00:00"],
        &["<小计> & 合计", "公式\r文本", "#DIV/0!"],
        &["FALSE", "12.50%", "文字"],
    ])];
    assert_eq!(source.blocks, expected);
}

/// Every table of the shipped content, written as gongkai's workbook and
/// read back, gives the model's cells: the header, the 栏次 row, then each
/// row that has text as the table prints it (amounts with two decimals,
/// zero empty).
#[test]
fn own_workbook_reads_back_cell_by_cell() {
    let c = shipped_2022();
    let bytes = gongkai_portal::downloads::workbook_xlsx(c).expect("workbook");
    let source = xlsx::read(&bytes).expect("reads back");
    let tables: Vec<&Vec<Vec<String>>> = source
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(rows) => Some(rows),
            Block::Paragraph(_) => None,
        })
        .collect();
    assert_eq!(tables.len(), c.derived.tables.len());
    let mut cells = 0;
    for (rows, table) in tables.into_iter().zip(&c.derived.tables) {
        let mut expected: Vec<Vec<String>> = vec![table.columns.iter().map(|c| c.to_string()).collect()];
        let mut numbering = vec!["栏次".to_string()];
        numbering.extend((1..table.columns.len()).map(|i| i.to_string()));
        expected.push(numbering);
        expected.extend(
            table
                .rows
                .iter()
                .map(|r| {
                    r.cells
                        .iter()
                        .map(|c| c.display().trim().to_string())
                        .collect::<Vec<_>>()
                })
                .filter(|r| r.iter().any(|c| !c.is_empty())),
        );
        assert_eq!(rows, &expected, "{}", table.title);
        cells += expected.iter().map(Vec::len).sum::<usize>();
    }
    assert!(cells > 1000, "{cells} cells compared");
}

/// gongkai's writer and reader agree on text (markup characters, controls,
/// carriage returns, literal `_xHHHH_`, characters XML cannot carry),
/// numbers through their formats, booleans, dates and sheet names.
#[test]
fn own_writer_and_reader_agree() {
    use gongkai_ooxml::xlsx::{Properties, Style, StyleId, Value, Workbook};
    let mut workbook = Workbook::new(Properties {
        title: "标题 <&>".into(),
        author: "作者".into(),
        created: (2022, 1, 1),
    });
    let format = |code: &str| Style {
        number_format: Some(code.into()),
        ..Style::default()
    };
    let two = workbook.add_style(format("0.00"));
    let grouped = workbook.add_style(format("#,##0"));
    let percent = workbook.add_style(format("0.0%"));
    let date = workbook.add_style(format("yyyy-mm-dd"));
    let plain = StyleId::DEFAULT;
    let texts = [
        "a<b>&c\"d'e",
        "控制\u{1}字符\u{1f}",
        "回车\r\n换行\t制表",
        "_x0041_ 不是转义 _x005F_",
        "\u{fffe}\u{ffff}\u{7f}\u{85}",
        "😀 补充平面",
        "  里面  有空格  ",
    ];
    let ws = workbook.add_worksheet("转义 & <测试>").unwrap();
    for (row, text) in (0u32..).zip(texts) {
        ws.write(row, 0, "文", plain).unwrap();
        ws.write(row, 1, text, plain).unwrap();
    }
    let numbers: [(Value, StyleId, &str); 8] = [
        (Value::Number("72.9".parse().unwrap()), two, "72.90"),
        (Value::Number("-0.5".parse().unwrap()), two, "-0.50"),
        (Value::Number("1234".parse().unwrap()), grouped, "1,234"),
        (Value::Number("0.125".parse().unwrap()), percent, "12.5%"),
        (Value::Number("44562".parse().unwrap()), date, "2022-01-01"),
        (Value::Number("2100.32".parse().unwrap()), plain, "2100.32"),
        (
            Value::Number("123456789012.34".parse().unwrap()),
            two,
            "123456789012.34",
        ),
        (Value::Bool(true), plain, "TRUE"),
    ];
    for (row, (value, style, _)) in (100u32..).zip(numbers.iter()) {
        ws.write(row, 0, "数", plain).unwrap();
        ws.write(row, 1, value.clone(), *style).unwrap();
    }
    let bytes = workbook.save().unwrap();

    let mut expected: Vec<Vec<String>> = texts.iter().map(|t| vec!["文".into(), t.trim().into()]).collect();
    expected.extend(numbers.iter().map(|(_, _, shown)| vec!["数".into(), shown.to_string()]));
    let source = xlsx::read(&bytes).expect("reads back");
    assert_eq!(source.blocks, vec![Block::Table(expected)]);

    // The sheet name and the title are escaped where they are written.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.as_slice())).unwrap();
    let mut workbook_xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/workbook.xml").unwrap(), &mut workbook_xml).unwrap();
    assert!(
        workbook_xml.contains("name=\"转义 &amp; &lt;测试&gt;\""),
        "{workbook_xml}"
    );
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

#[test]
fn xlsx_cells_off_the_sheet_or_unreadable_are_refused() {
    let malformed = ".xlsx: `xl/worksheets/sheet1.xml` is malformed: ";
    for (rows, expected) in [
        (
            "<row r=\"1\"><c r=\"spnumFm\"><v>1</v></c></row>",
            "cell reference `spnumFm` is not a cell of the sheet (A1 to XFD1048576)",
        ),
        (
            "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>",
            "cell reference `XFE1` is not a cell of the sheet (A1 to XFD1048576)",
        ),
        (
            "<row r=\"1\"><c r=\"A1048577\"><v>1</v></c></row>",
            "cell reference `A1048577` is not a cell of the sheet (A1 to XFD1048576)",
        ),
        (
            "<row r=\"99999999999999999999\"/>",
            "row number `99999999999999999999` is not a row of the sheet (1 to 1048576)",
        ),
        (
            "<row r=\"1048576\"/><row><c><v>1</v></c></row>",
            "a row without a number after row 1048576",
        ),
        (
            "<row r=\"1\"><c r=\"XFD1\"><v>1</v></c><c><v>2</v></c></row>",
            "a cell without a reference after column XFD in row 1",
        ),
        (
            "<row r=\"1\"><c r=\"B1\" t=\"s\"><v>7</v></c></row>",
            "cell B1: shared string 7 does not exist (the table has 2)",
        ),
        (
            "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>-1</v></c></row>",
            "cell A1: shared string index `-1` is not a number",
        ),
        (
            "<row r=\"1\"><c r=\"A1\" t=\"n\"><v>x</v></c></row>",
            "cell A1: `x` is not a number",
        ),
        (
            "<row r=\"1\"><c r=\"A1\" t=\"b\"><v>2</v></c></row>",
            "cell A1: `2` is not a boolean",
        ),
        (
            "<row r=\"1\"><c r=\"A1\" t=\"zz\"><v>2</v></c></row>",
            "cell A1: unknown cell type `zz`",
        ),
    ] {
        let got = message(xlsx::read(&fixtures::one_sheet_xlsx(rows)));
        assert_eq!(got, format!("{malformed}{expected}"), "{rows}");
    }
    // A hostile reference is cut short in the message.
    let long = format!("<row><c r=\"{}1\"/></row>", "A".repeat(100_000));
    assert_eq!(
        message(xlsx::read(&fixtures::one_sheet_xlsx(&long))),
        format!("{malformed}cell reference `AAAAAAAAAAAAAAAAAAAAAAAA…` is not a cell of the sheet (A1 to XFD1048576)")
    );
    // Nesting.
    let deep = format!("{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
    assert_eq!(
        message(xlsx::read(&fixtures::one_sheet_xlsx(&deep))),
        ".xlsx refused: `xl/worksheets/sheet1.xml` nests elements more than 512 deep"
    );
    // Sizes that lie are checked for a workbook's parts as for a document's.
    assert_eq!(
        message(xlsx::read(&fixtures::declare_size(
            fixtures::formats_xlsx(),
            "xl/worksheets/sheet1.xml",
            0xF000_0000
        ))),
        ".xlsx refused: `xl/worksheets/sheet1.xml` declares more than 64 MiB"
    );
    // What the reader does not need is not read: a cell without text, a
    // `<dimension>` that ends before it starts, a missing hidden sheet.
    let fine = fixtures::one_sheet_xlsx("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"/></row>");
    assert_eq!(xlsx::read(&fine).expect("reads").blocks, vec![p("甲")]);
}

#[test]
fn xlsx_text_repeated_over_many_cells_is_bounded() {
    // One shared string of 1 MiB in 300 cells would be 300 MiB of text.
    let long = "长".repeat(350_000);
    let cells: String = (1..=300)
        .map(|r| format!("<row r=\"{r}\"><c t=\"s\"><v>0</v></c></row>"))
        .collect();
    let bytes = fixtures::one_sheet_with_strings(&[&long], &cells);
    assert!(bytes.len() < 100_000, "{} bytes", bytes.len());
    assert_eq!(
        message(xlsx::read(&bytes)),
        ".xlsx refused: the cells' text exceeds 256 MiB"
    );
}

#[test]
fn the_calamine_findings_read_cleanly() {
    // Both crashed calamine 0.38 (the reader gongkai used before its own).
    let overflow = std::fs::read("fuzz/regressions/import_xlsx/calamine-cell-ref-overflow.xlsx").unwrap();
    assert_eq!(
        message(xlsx::read(&overflow)),
        ".xlsx: `xl/worksheets/sheet1.xml` is malformed: cell reference `spnumFm` is not a cell of the sheet \
         (A1 to XFD1048576)"
    );
    let underflow = std::fs::read("fuzz/regressions/import_xlsx/calamine-dimension-underflow.xlsx").unwrap();
    assert_eq!(xlsx::read(&underflow).expect("no cells, no error").blocks, vec![]);
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
                "import_xlsx" => gongkai_import::import(&bytes, gongkai_import::Format::Xlsx).is_ok(),
                "import_docx" => gongkai_import::import(&bytes, gongkai_import::Format::Docx).is_ok(),
                _ => gongkai_import::import(&bytes, gongkai_import::Format::Text).is_ok(),
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
            gongkai_import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/economic-empty-rows.txt",
            gongkai_import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/control-char-in-comment.txt",
            gongkai_import::Format::Text,
        ),
        (
            "fuzz/regressions/import_text/c1-control-in-quoted-scalar.txt",
            gongkai_import::Format::Text,
        ),
        (
            "fuzz/regressions/import_docx/functions-empty-rows.docx",
            gongkai_import::Format::Docx,
        ),
    ];
    for (path, format) in cases {
        let bytes = std::fs::read(path).expect("reproducer");
        let Ok(imported) = gongkai_import::import(&bytes, format) else {
            continue;
        };
        let files: std::collections::BTreeMap<String, Vec<u8>> = imported
            .files
            .iter()
            .map(|(n, t)| (n.clone(), t.clone().into_bytes()))
            .collect();
        let mut diags = gongkai_model::diag::Diagnostics::new();
        let _ = gongkai_content::load::load_in_memory(&files, &mut diags);
        let syntax: Vec<_> = diags
            .iter()
            .filter(|d| matches!(d.rule, "yaml-syntax" | "file-encoding"))
            .collect();
        assert!(syntax.is_empty(), "{path}: {}", diags.render_text());
    }
}

// ---------------------------------------------------------------------------
// Writer and reader, any content

mod round_trip {
    use gongkai_import::{Block, xlsx};
    use gongkai_ooxml::xlsx::{Properties, Style, StyleId, Value, Workbook};
    use proptest::prelude::*;
    use rust_decimal::{Decimal, RoundingStrategy};

    /// A cell to write and the text the reader must give back.
    #[derive(Debug, Clone)]
    enum Written {
        Text(String),
        /// Mantissa and scale; shown through `0.00` or `General`.
        Number(i64, u32, bool),
        Bool(bool),
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            Just("_x0041_".to_string()),
            Just("_x+FFF_".to_string()),
            Just("_x".to_string()),
            Just("&".to_string()),
            Just("<".to_string()),
            Just("\r\n".to_string()),
            Just(" ".to_string()),
            Just("金额".to_string()),
        ];
        proptest::collection::vec(piece, 0..8).prop_map(|p| p.concat())
    }

    fn written() -> impl Strategy<Value = Written> {
        prop_oneof![
            text().prop_map(Written::Text),
            (-999_999_999_999_999i64..=999_999_999_999_999, 0u32..=6, any::<bool>())
                .prop_map(|(m, s, two)| Written::Number(m, s, two)),
            any::<bool>().prop_map(Written::Bool),
        ]
    }

    fn shown(cell: &Written) -> String {
        match cell {
            Written::Text(t) => t.trim().to_string(),
            Written::Number(m, s, two) => {
                let d = Decimal::new(*m, *s);
                if *two {
                    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
                    r.rescale(2);
                    if r.is_zero() { "0.00".into() } else { r.to_string() }
                } else {
                    d.normalize().to_string()
                }
            }
            Written::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Rows framed by a marker cell on either side (so no row reads as a
        /// title or note line, and every row is as wide as the sheet).
        #[test]
        fn what_is_written_reads_back(rows in proptest::collection::vec(proptest::collection::vec(written(), 1..5), 1..8)) {
            let mut workbook = Workbook::new(Properties {
                title: "t".into(),
                author: "a".into(),
                created: (2022, 1, 1),
            });
            let two = workbook.add_style(Style { number_format: Some("0.00".into()), ..Style::default() });
            let width = rows.iter().map(Vec::len).max().unwrap_or(0) as u16 + 2;
            let ws = workbook.add_worksheet("表").unwrap();
            let mut expected = Vec::new();
            for (r, row) in (0u32..).zip(&rows) {
                ws.write(r, 0, "起", StyleId::DEFAULT).unwrap();
                ws.write(r, width - 1, "止", StyleId::DEFAULT).unwrap();
                let mut line = vec![String::new(); usize::from(width)];
                line[0] = "起".into();
                line[usize::from(width) - 1] = "止".into();
                for (c, cell) in (1u16..).zip(row) {
                    let (value, style) = match cell {
                        Written::Text(t) => (Value::from(t.clone()), StyleId::DEFAULT),
                        Written::Number(m, s, true) => (Value::Number(Decimal::new(*m, *s)), two),
                        Written::Number(m, s, false) => (Value::Number(Decimal::new(*m, *s)), StyleId::DEFAULT),
                        Written::Bool(b) => (Value::Bool(*b), StyleId::DEFAULT),
                    };
                    ws.write(r, c, value, style).unwrap();
                    line[usize::from(c)] = shown(cell);
                }
                expected.push(line);
            }
            let bytes = workbook.save().unwrap();
            let source = xlsx::read(&bytes).unwrap();
            prop_assert_eq!(source.blocks, vec![Block::Table(expected)]);
        }
    }
}
