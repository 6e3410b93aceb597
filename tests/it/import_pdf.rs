//! The PDF importer front-end: the Shanghai 单位预算 (a real published PDF)
//! reads into whole paragraphs and tables with their columns, tables split
//! across pages joined; a PDF that LibreOffice made from gongkai's own
//! .docx gives the nine tables cell by cell as the .docx front-end does;
//! hostile PDFs give a `PdfError`, never a panic.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::OnceLock;

use crate::common::{published_tables, reference_000_text};
use gongkai_import::pdf::{self, Limits, PdfError};
use gongkai_import::{Block, Source};

const SHANGHAI: &str = "tests/fixtures/reference/shanghai-putuo-sfj-2026-unit.pdf";
/// Pages 1–12 of `gongkai build content`'s 2022/101 disclosure.docx, made
/// once by `soffice --headless --convert-to pdf` (LibreOffice 7.4, Noto CJK
/// fonts): the nine tables and the start of part two.
const OWN: &str = "tests/fixtures/import-formats/own-2022-tables.pdf";

fn shanghai() -> &'static Source {
    static SOURCE: OnceLock<Source> = OnceLock::new();
    SOURCE.get_or_init(|| pdf::read(&std::fs::read(SHANGHAI).expect("fixture")).expect("reads"))
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

/// The table after the paragraph `title` (and the `编制单位` line), and the
/// paragraph that follows the table.
fn table_after<'a>(source: &'a Source, title: &str) -> (&'a [Vec<String>], Option<&'a str>) {
    let at = source
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Paragraph(p) if p == title))
        .unwrap_or_else(|| panic!("no paragraph {title}"));
    let mut rest = source.blocks[at + 1..].iter();
    let table = rest
        .find_map(|b| match b {
            Block::Table(rows) => Some(rows.as_slice()),
            Block::Paragraph(_) => None,
        })
        .unwrap_or_else(|| panic!("no table after {title}"));
    let next = rest.next().and_then(|b| match b {
        Block::Paragraph(p) => Some(p.as_str()),
        Block::Table(_) => None,
    });
    (table, next)
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// Decimal figures and thousands-separated amounts in a text: `8695.94`,
/// `14,348,853.34`, `12,604,173`.
fn figures(text: &str, into: &mut BTreeMap<String, usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == ',' || chars[i] == '.') {
            i += 1;
        }
        let token: String = chars[start..i].iter().collect();
        let token = token.trim_end_matches([',', '.']);
        let grouped = token.contains(',') && {
            let int = token.split('.').next().unwrap_or("");
            let groups: Vec<&str> = int.split(',').collect();
            groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
        };
        let decimal = token.matches('.').count() == 1 && !token.contains(',') && !token.ends_with('.');
        if grouped || decimal {
            *into.entry(token.to_string()).or_default() += 1;
        }
    }
}

fn source_figures(source: &Source) -> BTreeMap<String, usize> {
    let mut found = BTreeMap::new();
    for block in &source.blocks {
        match block {
            Block::Paragraph(p) => figures(p, &mut found),
            Block::Table(rows) => rows.iter().flatten().for_each(|c| figures(c, &mut found)),
        }
    }
    found
}

// ---------------------------------------------------------------------------
// The Shanghai 单位预算

#[test]
fn shanghai_paragraphs_come_out_whole() {
    let paras = paragraphs(shanghai());
    assert!(paras.contains(&"上海市普陀区2026年区级单位预算"), "{paras:?}");
    // Two printed lines, joined without a separator.
    assert!(paras.contains(
        &"2026年，上海市普陀区司法局收入预算8695.94万元，其中：财政拨款收入8695.94万元，比2025年预算增加794.88万元；事业收入0万元；事业单位经营收入0万元；其他收入0万元。"
    ));
    // Numbered items start paragraphs; a figure broken at the line end joins.
    assert!(paras.contains(
        &"1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。主要用于：行政单位的基本支出。2025年当年预算执行数为1690.69万元，2026年预算安排1434.89万元，比2025年预算执行数减少1.10%。主要原因是：支出减少。"
    ));
    assert!(paras.contains(&"（十）完成区委、区政府交办的其他任务。"));
    assert!(paras.contains(&"编制单位：上海市普陀区司法局\t单位：元"));
    // The last line of the document ends its paragraph.
    assert!(
        paras
            .last()
            .is_some_and(|p| p.starts_with("2026年部门预算安排购置车辆0辆") && p.ends_with("0台（套）。")),
        "{:?}",
        paras.last()
    );
}

#[test]
fn shanghai_income_table_has_code_columns_across_its_page_break() {
    let (rows, _) = table_after(shanghai(), "2026年预算单位收入预算总表");
    assert!(rows.iter().all(|r| r.len() == 9), "nine columns: {rows:?}");
    let body: Vec<&Vec<String>> = rows.iter().skip_while(|r| r[0] != "204").collect();
    assert_eq!(body.len(), 22, "21 code rows and 合计: {body:?}");
    assert_eq!(
        *body[2],
        row(&[
            "204",
            "06",
            "01",
            "行政运行",
            "14,348,853.34",
            "14,348,853.34",
            "0.00",
            "0.00",
            "0.00"
        ])
    );
    // Page 10: the rows after the page break, without a repeated header.
    assert_eq!(
        *body[12],
        row(&[
            "208",
            "05",
            "06",
            "机关事业单位职业年金缴费支出",
            "786,150.00",
            "786,150.00",
            "0.00",
            "0.00",
            "0.00"
        ])
    );
    assert_eq!(
        *body[20],
        row(&[
            "221",
            "02",
            "03",
            "购房补贴",
            "2,070,000.00",
            "2,070,000.00",
            "0.00",
            "0.00",
            "0.00"
        ])
    );
    assert_eq!(
        *body[21],
        row(&[
            "",
            "",
            "",
            "合计",
            "86,959,408.34",
            "86,959,408.34",
            "0.00",
            "0.00",
            "0.00"
        ])
    );
    // The wrapped header cell is one.
    assert!(rows.iter().flatten().any(|c| c == "事业单位经营收入"), "{rows:?}");
}

#[test]
fn shanghai_repeated_header_is_dropped_when_a_table_continues() {
    let (rows, _) = table_after(shanghai(), "2026年预算单位一般公共预算支出功能分类预算表");
    let heads = rows.iter().flatten().filter(|c| *c == "功能分类科目名称").count();
    assert_eq!(heads, 1, "{rows:?}");
    let codes: Vec<String> = rows
        .iter()
        .filter(|r| !r[0].is_empty() && r[0].chars().all(|c| c.is_ascii_digit()))
        .map(|r| r[..3].concat())
        .collect();
    assert_eq!(codes.len(), 21, "{codes:?}");
    assert_eq!(codes.first().map(String::as_str), Some("204"));
    assert_eq!(codes.last().map(String::as_str), Some("2210203"));
    assert_eq!(
        rows.last(),
        Some(&row(&[
            "",
            "",
            "",
            "合计",
            "86,959,408.34",
            "22,118,861",
            "64,840,547.00"
        ]))
    );
}

#[test]
fn shanghai_three_public_table_in_wan_yuan() {
    let (rows, _) = table_after(shanghai(), "2026年单位“三公”经费和机关运行经费预算表");
    assert_eq!(
        rows.last(),
        Some(&row(&["10.71", "0.00", "0.73", "9.98", "0.00", "9.98", "184.59"]))
    );
    let cells: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    for head in [
        "合计",
        "因公出国(境)费",
        "公务接待费",
        "小计",
        "购置费",
        "运行费",
        "机关运行经费预算数",
    ] {
        assert!(cells.contains(&head), "{head} in {rows:?}");
    }
    assert!(
        paragraphs(shanghai()).contains(&"编制单位：上海市普陀区司法局\t单位:万元"),
        "the unit line above it"
    );
}

#[test]
fn shanghai_empty_tables_print_none_and_a_note() {
    for (title, note) in [
        (
            "2026年预算单位政府性基金预算支出功能分类预算表",
            "注:本单位2026年无政府性基金预算财政拨款安排的预算，故本表为空表。",
        ),
        (
            "2026年预算单位国有资本经营预算支出功能分类预算表",
            "注:本单位2026年无国有资本经营预算财政拨款安排的预算，故本表为空表。",
        ),
    ] {
        let (rows, next) = table_after(shanghai(), title);
        assert!(
            rows.iter().any(|r| r[0] == "无" && r[1..].iter().all(String::is_empty)),
            "{rows:?}"
        );
        assert!(rows.last().is_some_and(|r| r.contains(&"合计".to_string())), "{rows:?}");
        assert_eq!(next, Some(note));
    }
}

#[test]
fn shanghai_has_nine_tables() {
    let tables = shanghai()
        .blocks
        .iter()
        .filter(|b| matches!(b, Block::Table(_)))
        .count();
    assert_eq!(tables, 9);
    let (rows, _) = table_after(shanghai(), "2026年预算单位财务收支预算总表");
    assert!(rows.contains(&row(&[
        "一、财政拨款收入",
        "86,959,408.34",
        "一、公共安全支出",
        "79,189,400.34",
        "12,604,173",
        "1,744,680",
        "64,840,547"
    ])));
    let (rows, _) = table_after(shanghai(), "2026年预算单位一般公共预算基本支出部门预算经济分类预算表");
    assert!(rows.contains(&row(&["302", "13", "维修(护)费", "40,000.00", "0.00", "40,000.00"])));
}

/// Every figure of the PDF's text, as `pdftotext -layout` (poppler 22.12)
/// shows it, extracted once with the same rule as [`figures`] and kept here:
/// 456 figures, 99 distinct, `figure×count`.
const SHANGHAI_FIGURES: &str = "
0.00×154 0.50×1 0.62×2 0.73×2 0.97×1 0.98×1 1,056,116.00×2 1,160,000.00×6 1,242,900.00×6
1,572,307.00×8 1,744,680×2 1,791,459.00×8 1,831,480.34×2 1,845,880.34×1 1.10×1 1.44×1
10.71×2 11,000.00×2 11,106,477.00×2 114.87×1 118.46×1 12,604,173×1 12.63×1 120,000.00×2
124.29×2 133.84×1 14,348,853.34×10 14,400.00×4 1434.89×2 1446.32×1 1484.2×1 157.23×2
1690.69×1 17.48×1 17.62×1 17.80×1 170.03×1 179.15×2 184.59×2 19,806,781.00×2
2,070,000.00×6 2,278,800.00×6 2,486,040.00×2 2,925,857.00×16 2.27×1 20,000.00×2
20,272,981.00×1 20,374,181×1 205.04×1 21,703,947.00×6 21.74×1 2149.45×1 2170.39×2
22,118,861×2 22,118,861.34×1 22.22×1 227,810.34×2 227.88×2 241.76×1 25,200.00×2
25,540.00×2 260.00×2 277.22×1 3,861,459.00×16 30,000.00×2 3269.3×1 36.44×1 38,454,900.00×6
3845.49×2 4.92×1 40,000.00×2 425,080.00×2 466,200.00×4 5,000.00×2 50.78×1 56.12×1
561,240.00×6 57.43×1 57.8×1 6,160.00×6 60.41×1 64,840,547×2 64,840,547.00×8 640,065.00×2
6484.05×1 66.74×1 7,315.00×2 78.62×2 786,150.00×8 79,189,400.34×11 794.88×3
86,959,408.34×12 8695.94×5 9.98×4 90,000.00×4 93.51×1 98.27×2 982,692.00×24 99,750.00×2
";

#[test]
fn shanghai_every_figure_is_read() {
    let expected: BTreeMap<String, usize> = SHANGHAI_FIGURES
        .split_whitespace()
        .map(|item| {
            let (figure, count) = item.split_once('×').expect("figure×count");
            (figure.to_string(), count.parse().expect("count"))
        })
        .collect();
    assert_eq!(expected.values().sum::<usize>(), 456);
    assert_eq!(source_figures(shanghai()), expected);
}

#[test]
fn shanghai_does_not_import_yet_and_says_why() {
    let bytes = std::fs::read(SHANGHAI).expect("fixture");
    let err = gongkai_import::import(&bytes, gongkai_import::Format::Pdf).expect_err("not this template yet");
    assert!(err.to_string().contains("no department found"), "{err}");
    assert_eq!(
        gongkai_import::Format::of(std::path::Path::new("a/B.PDF")),
        gongkai_import::Format::Pdf
    );
}

// ---------------------------------------------------------------------------
// gongkai's own document, through LibreOffice

#[test]
fn own_pdf_gives_the_nine_tables_as_the_docx_front_end_does() {
    let source = pdf::read(&std::fs::read(OWN).expect("fixture")).expect("reads");
    let published = published_tables(&reference_000_text());
    assert_eq!(published.len(), 9);
    // The .docx front-end on the same document, rendered here.
    let c = crate::import_formats::shipped_2022();
    let doc = c.document.as_ref().expect("the 2022 document renders");
    let meta = gongkai_render::docx::DocxMeta {
        title: "张家口市人大常委会办公室2022年部门预算公开".into(),
        author: c.disclosure.unit.name.clone(),
        created: "2022-01-01T00:00:00Z".into(),
    };
    let docx = gongkai_import::docx::read(&gongkai_render::docx::markdown_to_docx(&doc.markdown, &meta).expect("docx"))
        .expect("reads back");
    let data = |rows: &[Vec<String>]| -> Vec<Vec<String>> {
        rows.iter()
            .skip_while(|r| r.first().is_none_or(|c| c != "栏次"))
            .skip(1)
            .cloned()
            .collect()
    };
    for (title, expected) in &published {
        let (rows, _) = table_after(&source, title);
        let (docx_rows, _) = table_after(&docx, title);
        let width = rows[0].len();
        assert!(rows.iter().all(|r| r.len() == width), "{title}: rows of one width");
        assert_eq!(data(rows), data(docx_rows), "{title}: as the .docx front-end gives");
        let published_rows = if expected.rows.len() == 1 && expected.rows[0].iter().all(String::is_empty) {
            Vec::new()
        } else {
            expected.rows.clone()
        };
        if !data(docx_rows).is_empty() {
            assert_eq!(data(rows), published_rows, "{title}: as published");
        }
    }
    // Every figure of the tables and text.
    let mut docx_figures = BTreeMap::new();
    for block in docx.blocks.iter() {
        if let Block::Table(rows) = block {
            rows.iter().flatten().for_each(|c| figures(c, &mut docx_figures));
        }
    }
    let pdf_table_figures: usize = source
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(rows) => Some(rows),
            Block::Paragraph(_) => None,
        })
        .flatten()
        .flatten()
        .map(|c| {
            let mut m = BTreeMap::new();
            figures(c, &mut m);
            m.values().sum::<usize>()
        })
        .sum();
    assert!(pdf_table_figures > 150, "{pdf_table_figures}");
    // Paragraphs: titles whole, the part-two heading joined across its two lines.
    let paras = paragraphs(&source);
    assert!(
        paras.contains(&"第一部分张家口市人民代表大会常务委员会办公室2022年部门预算表"),
        "{paras:?}"
    );
    assert!(paras.contains(&"注：无政府基金预算财政拨款预算，空表列示。"));
}

#[test]
fn own_pdf_imports_into_content() {
    let bytes = std::fs::read(OWN).expect("fixture");
    let imported = gongkai_import::import(&bytes, gongkai_import::Format::Pdf).expect("imports");
    assert_eq!(imported.year, 2022);
    assert_eq!(imported.code, "101");
}

// ---------------------------------------------------------------------------
// Hostile and odd PDFs

/// A PDF of the given objects (numbered from 1; the first is the catalog),
/// with a correct cross-reference table.
fn pdf_of(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut s = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// One page drawing `content` with a Helvetica font `/F1` and form `/X1`.
fn one_page(content: Vec<u8>, extra: Vec<Vec<u8>>) -> Vec<u8> {
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >> >>".to_vec(),
        content,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(extra);
    pdf_of(&objects)
}

#[test]
fn a_simple_pdf_reads_paragraphs_and_an_unruled_table() {
    let content = b"BT /F1 12 Tf 72 770 Td (Budget of the office) Tj ET
BT /F1 10 Tf 72 700 Td (Item) Tj 200 0 Td (Amount) Tj 100 0 Td (Share) Tj ET
BT /F1 10 Tf 72 686 Td (Salaries) Tj 200 0 Td (1,234.50) Tj 100 0 Td (60.00) Tj ET
BT /F1 10 Tf 72 672 Td (Rent) Tj 200 0 Td (823.00) Tj 100 0 Td (40.00) Tj ET
BT /F1 12 Tf 72 600 Td (The end.) Tj ET";
    let bytes = one_page(stream("", content), vec![stream("/Subtype /Form /BBox [0 0 1 1]", b"")]);
    let source = pdf::read(&bytes).expect("reads");
    assert_eq!(
        source.blocks,
        vec![
            Block::Paragraph("Budget of the office".into()),
            Block::Table(vec![
                row(&["Item", "Amount", "Share"]),
                row(&["Salaries", "1,234.50", "60.00"]),
                row(&["Rent", "823.00", "40.00"]),
            ]),
            Block::Paragraph("The end.".into()),
        ]
    );
}

#[test]
fn a_pdf_without_text_asks_for_ocr() {
    let bytes = one_page(
        stream("", b"0 0 m 100 100 l S"),
        vec![stream("/Subtype /Form /BBox [0 0 1 1]", b"")],
    );
    let err = pdf::read(&bytes).expect_err("no text");
    assert!(matches!(err, PdfError::NoText));
    assert_eq!(err.to_string(), "this PDF has no text (a scan?): OCR it first");
    let via_import = gongkai_import::import(&bytes, gongkai_import::Format::Pdf).expect_err("no text");
    assert!(via_import.to_string().contains("OCR it first"));
}

#[test]
fn not_a_pdf_and_damaged_pdfs_are_errors_not_panics() {
    assert!(matches!(
        pdf::read(b"PK\x03\x04 not a pdf"),
        Err(PdfError::NotPdf { .. })
    ));
    assert!(pdf::read(b"%PDF-1.7\n garbage").is_err());
    // The Shanghai PDF cut short anywhere, or with bytes flipped: an error
    // or a reading, never a panic.
    let bytes = std::fs::read(SHANGHAI).expect("fixture");
    for cut in [10, 1_000, 20_000, 60_000, 120_000, bytes.len() - 200] {
        let _ = pdf::read(&bytes[..cut]);
    }
    let mut flipped = bytes.clone();
    for i in (500..flipped.len()).step_by(997) {
        flipped[i] ^= 0x5a;
    }
    let _ = pdf::read(&flipped);
}

#[test]
fn a_decompression_bomb_is_refused() {
    // 8 MiB of zeros deflated to a few KiB, against a 1 MiB stream limit.
    let bomb = deflate(&vec![b' '; 8 << 20]);
    assert!(bomb.len() < 64 << 10);
    let bytes = one_page(
        stream("/Filter /FlateDecode", &bomb),
        vec![stream("/Subtype /Form /BBox [0 0 1 1]", b"")],
    );
    let limits = Limits {
        stream_bytes: 1 << 20,
        ..Limits::default()
    };
    let err = pdf::read_with(&bytes, limits).expect_err("refused");
    assert!(matches!(err, PdfError::TooLarge { .. }), "{err}");
}

#[test]
fn a_form_drawing_itself_is_bounded() {
    // /X1 draws text and then itself: followed to the nesting limit only.
    let form = stream(
        "/Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /X1 6 0 R >> >>",
        b"BT /F1 10 Tf 72 700 Td (again) Tj ET /X1 Do /X1 Do",
    );
    let bytes = one_page(stream("", b"/X1 Do"), vec![form]);
    match pdf::read(&bytes) {
        Ok(source) => assert!(!source.blocks.is_empty()),
        Err(e) => assert!(matches!(e, PdfError::TooLarge { .. }), "{e}"),
    }
    // With a small operation budget it is refused outright.
    let limits = Limits {
        operations: 1_000,
        ..Limits::default()
    };
    assert!(matches!(pdf::read_with(&bytes, limits), Err(PdfError::TooLarge { .. })));
}

#[test]
fn too_many_pages_are_refused() {
    let bytes = std::fs::read(SHANGHAI).expect("fixture");
    let limits = Limits {
        pages: 5,
        ..Limits::default()
    };
    let err = pdf::read_with(&bytes, limits).expect_err("21 pages");
    assert_eq!(err.to_string(), "PDF refused: it has more than 5 pages");
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let bytes = one_page(
        stream("", format!("BT /F1 10 Tf 72 700 Td {deep} TJ ET").as_bytes()),
        vec![format!("<< /Deep {deep} >>").into_bytes()],
    );
    let _ = pdf::read(&bytes);
}

#[test]
fn a_page_of_many_rules_reads_as_unruled() {
    // 6,000 hairlines (more than a page is searched for grids) and a line
    // of text: the text still reads.
    let mut content = String::from("BT /F1 10 Tf 72 800 Td (Title) Tj ET\n");
    for i in 0..6_000 {
        content.push_str(&format!("{} {} 20 0.5 re f\n", (i % 20) * 25, 100 + (i / 20) * 2));
    }
    let bytes = one_page(
        stream("", content.as_bytes()),
        vec![stream("/Subtype /Form /BBox [0 0 1 1]", b"")],
    );
    let source = pdf::read(&bytes).expect("reads");
    assert_eq!(source.blocks, vec![Block::Paragraph("Title".into())]);
}

#[test]
fn the_cli_imports_a_pdf_and_says_why_it_cannot() {
    let content = crate::common::temp("import-pdf-cli");
    let out = crate::common::gongkai()
        .args(["import", OWN, "--format", "pdf", "--content"])
        .arg(&content)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The PDF holds the nine tables only: the import is written, and its
    // check finds the projects missing (exit 1: the user must add them).
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("error[project-sum]: there is no projects.yaml"),
        "{stderr}"
    );
    // 张家口市 is named in the document: its 区划代码 is part of the folder.
    assert!(content.join("2022/130700/101/unit.yaml").exists(), "{stderr}");
    let out = crate::common::gongkai()
        .args(["import", SHANGHAI, "--content"])
        .arg(&content)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "nothing imported: {stderr}");
    assert!(stderr.contains("no department found"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}
