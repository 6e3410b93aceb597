//! The nine tables derived from the shipped content equal the published
//! tables of reference 000, cell by cell. The expected figures are read from
//! the reference text itself (a verbatim fixture), not typed into the test.

use crate::common::{PublishedTable, published_tables};
use gongkai_model::diag::Diagnostics;
use gongkai_model::table::{Table, TableId};
use std::path::Path;

fn shipped_2022() -> gongkai_render::Checked {
    let mut diags = Diagnostics::new();
    let checked = crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
    assert!(
        !diags.has_errors(),
        "shipped content has errors:\n{}",
        diags.render_text()
    );
    checked
        .into_iter()
        .find(|c| c.disclosure.unit.year == 2022)
        .expect("a 2022 disclosure in content/")
}

fn reference_000() -> Vec<(String, PublishedTable)> {
    published_tables(&crate::common::reference_000_text())
}

fn model_rows(table: &Table) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.display().trim().to_string()).collect())
        .collect()
}

#[test]
fn reference_has_the_nine_tables_in_order() {
    let published = reference_000();
    let titles: Vec<&str> = published.iter().map(|(t, _)| t.as_str()).collect();
    let expected: Vec<&str> = TableId::ALL.iter().map(|t| t.title()).collect();
    assert_eq!(titles, expected);
    // The parser found the data: 33 rows in the summary table, 19 in table 3.
    assert_eq!(published[0].1.rows.len(), 33);
    assert_eq!(published[2].1.rows.len(), 19);
}

#[test]
fn every_table_equals_the_published_one_cell_by_cell() {
    let checked = shipped_2022();
    let published = reference_000();
    let mut mismatches = Vec::new();
    let mut compared = 0usize;
    for (table, (title, expected)) in checked.derived.tables.iter().zip(&published) {
        assert_eq!(table.title, title, "table order");
        let actual = model_rows(table);
        // An empty table is published with one row of blank cells: no data.
        let blank_rows = expected.rows.iter().filter(|r| r.iter().all(String::is_empty)).count();
        if table.rows.is_empty() {
            assert_eq!(
                (blank_rows, expected.rows.len()),
                (1, 1),
                "{title}: published empty table"
            );
            assert!(table.note.is_some(), "{title}: an empty table carries its note");
            continue;
        }
        if actual.len() != expected.rows.len() {
            mismatches.push(format!(
                "{title}: {} rows, published {}",
                actual.len(),
                expected.rows.len()
            ));
        }
        for (r, (a, e)) in actual.iter().zip(&expected.rows).enumerate() {
            if a.len() != e.len() {
                mismatches.push(format!(
                    "{title} row {}: {} cells {a:?}, published {} {e:?}",
                    r + 1,
                    a.len(),
                    e.len()
                ));
                continue;
            }
            for (c, (ac, ec)) in a.iter().zip(e).enumerate() {
                compared += 1;
                if ac != ec {
                    mismatches.push(format!(
                        "{title} row {} column {} ({}): `{ac}`, published `{ec}`",
                        r + 1,
                        c + 1,
                        table.columns[c]
                    ));
                }
            }
        }
        assert_eq!(table.note, expected.note, "{title}: note under the table");
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // 33×5 + 19×13 + 19×9 + 36×8 + 19×6 + 30×6 + 9×6 cells.
    assert_eq!(compared, 33 * 5 + 19 * 13 + 19 * 9 + 36 * 8 + 19 * 6 + 30 * 6 + 9 * 6);
}

#[test]
fn table_headers_name_the_unit_year_and_amount_unit() {
    let checked = shipped_2022();
    let unit = &checked.disclosure.unit;
    for (title, table) in reference_000() {
        assert_eq!(
            table.header,
            vec![
                format!("{}{}", unit.code, unit.name),
                format!("预算年度：{}", unit.year),
                format!("单位：{}", unit.amount_unit.label()),
            ],
            "{title}"
        );
    }
}

#[test]
fn published_302_total_is_kept_with_its_rounding_tail() {
    let checked = shipped_2022();
    let t6 = checked.derived.table(TableId::BasicEconomic).expect("table 6");
    let f302 = t6.figure("302", "公用经费").expect("302");
    assert_eq!(f302.text(), "332.85");
    assert!(f302.declared);
    let mut diags = Diagnostics::new();
    crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
    let notes: Vec<_> = diags.iter().collect();
    assert_eq!(notes.len(), 1, "{}", diags.render_text());
    assert_eq!(notes[0].rule, "total-rounding-tail");
    assert_eq!(
        notes[0].message,
        "302 公用经费: published 332.85 but its parts add to 332.86 (尾差 0.01, within the rounding bound ±0.075); the table shows the published figure"
    );
    assert_eq!((notes[0].loc.line, notes[0].loc.column), (15, 41));
}
