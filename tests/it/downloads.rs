//! Downloads made from the shipped content: CSV per table, the JSON model,
//! the .xlsx workbook and the site-wide open data.

use gongkai_model::diag::Diagnostics;
use gongkai_model::table::{Cell, Table, TableId};
use gongkai_portal::downloads::{DownloadError, model_json, open_data, sheet_name, table_csv, workbook_xlsx};
use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::OnceLock;

fn site() -> &'static [gongkai_render::Checked] {
    static SITE: OnceLock<Vec<gongkai_render::Checked>> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut diags = Diagnostics::new();
        let checked = crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
        assert!(
            !diags.has_errors(),
            "shipped content has errors:\n{}",
            diags.render_text()
        );
        checked
    })
}

fn year(y: u16) -> &'static gongkai_render::Checked {
    site()
        .iter()
        .find(|c| c.disclosure.unit.year == y)
        .unwrap_or_else(|| panic!("a {y} disclosure in content/"))
}

fn shipped_2022() -> &'static gongkai_render::Checked {
    year(2022)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Splits CSV text (BOM removed) into records of fields, per RFC 4180.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR outside quotes must start CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            '\n' => panic!("bare LF line end outside quotes"),
            c => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quote");
    assert!(field.is_empty() && record.is_empty(), "last record without CRLF");
    records
}

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    parse_csv(text.strip_prefix('\u{feff}').unwrap_or(text))
}

#[test]
fn csv_of_the_summary_table() {
    let c = shipped_2022();
    let table = c.derived.table(TableId::Summary).unwrap();
    let bytes = table_csv(table);
    assert!(bytes.starts_with(BOM), "UTF-8 BOM for Excel");
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("2100.32"));
    let records = csv_records(&bytes);
    assert_eq!(records[0], table.columns);
    assert_eq!(records[1], ["栏次", "1", "2", "3", "4"]);
    let data = &records[2..];
    assert_eq!(data.len(), 33, "33 data rows, as published");
    assert_eq!(table.note, None);
    // Rows as printed: amounts with two decimals, zero empty.
    let total = data.last().unwrap();
    assert_eq!(total[1], "收入总计");
    assert_eq!(total[2], "2100.32");
    let gov_fund = &data[1];
    assert_eq!(gov_fund[1], "二、政府性基金预算拨款收入");
    assert_eq!(gov_fund[2], "", "zero prints empty");
    for (record, row) in data.iter().zip(&table.rows) {
        let printed: Vec<String> = row.cells.iter().map(Cell::display).collect();
        assert_eq!(record, &printed);
    }
}

#[test]
fn csv_of_every_table_has_header_numbering_and_note() {
    let c = shipped_2022();
    assert_eq!(c.derived.tables.len(), 9);
    for table in &c.derived.tables {
        let records = csv_records(&table_csv(table));
        assert_eq!(records[0], table.columns, "{}", table.title);
        assert_eq!(records[1][0], "栏次");
        assert_eq!(records[1].len(), table.columns.len());
        let note_lines = usize::from(table.note.is_some());
        assert_eq!(records.len(), 2 + table.rows.len() + note_lines, "{}", table.title);
        if let Some(note) = &table.note {
            assert_eq!(records.last().unwrap(), std::slice::from_ref(note));
        }
    }
    // Tables outside the nine have no 栏次 row.
    let procurement = c.derived.procurement.as_ref().unwrap();
    let records = csv_records(&table_csv(procurement));
    assert_eq!(records[0], procurement.columns);
    assert_ne!(records[1][0], "栏次");
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let mut table = Table::new(TableId::Organisation, vec!["单位名称", "单位性质"]);
    table.push("a", 0, vec![Cell::text("甲, \"乙\"\n丙"), Cell::text("plain")]);
    table.push("b", 0, vec![Cell::text("a\r\nb"), Cell::Blank]);
    table.note = Some("注：x,y".into());
    let bytes = table_csv(&table);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert_eq!(
        text,
        "\u{feff}单位名称,单位性质\r\n\"甲, \"\"乙\"\"\n丙\",plain\r\n\"a\r\nb\",\r\n\"注：x,y\"\r\n"
    );
    let records = csv_records(&bytes);
    assert_eq!(records[1], ["甲, \"乙\"\n丙", "plain"]);
    assert_eq!(records[2], ["a\r\nb", ""]);
    assert_eq!(records[3], ["注：x,y"]);
}

/// Every key named `value` holds a string, and no JSON number stands where
/// an amount could: numbers appear only under the keys listed.
fn check_no_numeric_amounts(value: &serde_json::Value, path: &str, numbers: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{path}.{key}");
                if key == "value" {
                    assert!(v.is_string(), "{here} is not a string: {v}");
                }
                check_no_numeric_amounts(v, &here, numbers);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                check_no_numeric_amounts(v, &format!("{path}[{i}]"), numbers);
            }
        }
        serde_json::Value::Number(_) => numbers.push(path.to_string()),
        _ => {}
    }
}

#[test]
fn json_model_parses_with_string_amounts() {
    let c = shipped_2022();
    let text = model_json(c);
    let json: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["format"], "gongkai-model");
    assert_eq!(json["version"], 1);
    assert_eq!(json["facts"]["total"]["value"], "2100.32");
    assert_eq!(json["facts"]["total"]["label"], "收支总计");
    assert_eq!(json["facts"]["total"]["cell"]["table"], "summary");
    assert_eq!(json["facts"]["total"]["cell"]["row"], "total");
    assert_eq!(json["unit"]["code"], "101");
    assert_eq!(json["unit"]["year"], 2022);
    assert_eq!(json["unit"]["amount_unit"], "万元");

    let tables = json["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 9);
    assert_eq!(tables[0]["id"], "summary");
    assert_eq!(tables[0]["number"], 1);
    assert_eq!(tables[0]["rows"].as_array().unwrap().len(), 33);
    let total_row = tables[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "total")
        .unwrap();
    assert_eq!(total_row["cells"][1], "收入总计");
    assert_eq!(total_row["cells"][2]["value"], "2100.32");
    assert!(total_row["cells"][2]["declared"].is_boolean());
    // A zero amount is "0.00" in JSON (exact), not empty.
    assert_eq!(tables[0]["rows"][1]["cells"][2]["value"], "0.00");

    let projects = json["projects"].as_array().unwrap();
    assert!(!projects.is_empty());
    assert_eq!(projects[0]["name"], "人大代表培训经费");
    assert_eq!(projects[0]["budget"]["total"], "38.07");
    assert!(projects[0]["indicators"].as_array().is_some_and(|i| !i.is_empty()));
    assert_eq!(json["prior"]["year"], 2021);
    assert_eq!(json["prior"]["total"], "2220.42");
    assert_eq!(json["facts"]["change.total"]["value"], "-120.10");
    assert!(json["procurement"]["rows"].is_array());
    assert!(json["assets"]["rows"].is_array());
    assert!(json["organisation"]["rows"].is_array());
    assert!(json["narrative"]["duties"].as_array().is_some_and(|d| !d.is_empty()));

    // No amount is a JSON number: the only numbers are the years, the table
    // numbers, the row indents and the format version.
    let mut numbers = Vec::new();
    check_no_numeric_amounts(&json, "$", &mut numbers);
    for path in &numbers {
        let key = path.rsplit('.').next().unwrap();
        assert!(
            matches!(key, "year" | "number" | "indent" | "version"),
            "a JSON number at {path}"
        );
    }
    // Deterministic, compact, one line ending with a newline (docs/json.md).
    assert_eq!(text, model_json(c));
    assert_eq!(text.find('\n'), Some(text.len() - 1));
}

#[test]
fn json_model_of_a_performance_only_year() {
    let c = year(2026);
    let json: serde_json::Value = serde_json::from_str(&model_json(c)).unwrap();
    assert_eq!(json["tables"], serde_json::json!([]));
    assert!(json["procurement"].is_null());
    assert!(!json["projects"].as_array().unwrap().is_empty());
    let mut numbers = Vec::new();
    check_no_numeric_amounts(&json, "$", &mut numbers);
}

fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<&[u8]>> {
    zip::ZipArchive::new(Cursor::new(bytes)).expect("the workbook is a zip")
}

fn entry(archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> String {
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} in the package"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn workbook_has_the_nine_tables() {
    let c = shipped_2022();
    let bytes = workbook_xlsx(c).expect("workbook");
    let mut archive = unzip(&bytes);
    let sheets: Vec<String> = archive
        .file_names()
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .map(str::to_string)
        .collect();
    assert_eq!(sheets.len(), 9, "{sheets:?}");
    for i in 1..=9 {
        assert!(sheets.contains(&format!("xl/worksheets/sheet{i}.xml")));
    }
    let workbook = entry(&mut archive, "xl/workbook.xml");
    for id in TableId::ALL {
        let name = sheet_name(id);
        assert!(name.chars().count() <= 31, "{name} too long for Excel");
        assert!(!name.contains(['[', ']', ':', '*', '?', '/', '\\']), "{name}");
        assert!(workbook.contains(&format!("name=\"{name}\"")), "sheet {name}");
    }
    let sheet1 = entry(&mut archive, "xl/worksheets/sheet1.xml");
    assert!(sheet1.contains("<v>2100.32</v>"), "numeric 2100.32 in sheet1");
    // Column widths and the 0.00 number format.
    assert!(sheet1.contains("<cols>"));
    let styles = entry(&mut archive, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.00\""));
    // The creation date is 1 January of the budget year.
    let core = entry(&mut archive, "docProps/core.xml");
    assert!(core.contains("2022-01-01T00:00:00Z"), "{core}");
}

#[test]
fn workbook_is_byte_identical_between_builds() {
    let c = shipped_2022();
    let first = workbook_xlsx(c).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = workbook_xlsx(c).unwrap();
    assert!(first == second, "two builds differ");
}

#[test]
fn no_workbook_without_tables() {
    let err = workbook_xlsx(year(2026)).unwrap_err();
    assert!(matches!(err, DownloadError::NoTables { year: 2026, .. }), "{err}");
}

#[test]
fn open_data_package_describes_its_csv() {
    let summaries: Vec<gongkai_portal::Summary> = site().iter().map(gongkai_portal::Summary::of).collect();
    let files = open_data(&summaries);
    let paths: Vec<String> = files.iter().map(|f| f.path.display().to_string()).collect();
    assert_eq!(paths, ["data/datapackage.json", "data/key-figures.csv"]);
    let package: serde_json::Value = serde_json::from_slice(&files[0].bytes).expect("valid JSON");
    assert_eq!(package["profile"], "tabular-data-package");
    let resource = &package["resources"][0];
    assert_eq!(resource["path"], "key-figures.csv");
    let fields = resource["schema"]["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    for f in fields {
        let kind = f["type"].as_str().unwrap();
        assert!(matches!(kind, "string" | "number" | "integer" | "year"), "{kind}");
        let description = f["description"].as_str().unwrap();
        assert!(description.chars().any(|c| c > '\u{3000}'), "Chinese in {description}");
        assert!(
            description.chars().any(|c| c.is_ascii_alphabetic()),
            "English in {description}"
        );
    }

    assert!(!files[1].bytes.starts_with(BOM), "plain UTF-8 for data tools");
    let records = csv_records(&files[1].bytes);
    assert_eq!(records[0], names, "schema fields match the CSV header");
    // One row per department-year with figures: 2022. The 2026 year publishes
    // performance targets only, none of the figures, and has no row.
    assert_eq!(records.len(), 2);
    let row = &records[1];
    assert!(records.iter().all(|r| r.len() == names.len()));
    let field = |name: &str| row[names.iter().position(|n| *n == name).unwrap()].as_str();
    assert_eq!(field("year"), "2022");
    assert_eq!(field("code"), "101");
    assert_eq!(field("total"), "2100.32");
    let c = shipped_2022();
    for (name, fact) in [
        ("expenditure_basic", "expenditure.basic"),
        ("expenditure_project", "expenditure.project"),
        ("personnel", "basic.personnel"),
        ("public", "basic.public"),
        ("sangong", "sangong.subtotal"),
        ("procurement", "procurement.total"),
        ("assets", "assets.total"),
    ] {
        let expected = c.facts.get(fact).map(|e| e.text()).unwrap_or_default();
        assert_eq!(field(name), expected, "{name}");
    }
    assert_eq!(field("expenditure_basic"), "1526.07");
    assert_eq!(field("expenditure_project"), "574.25");
    assert_eq!(field("sangong"), "56.10");
}
