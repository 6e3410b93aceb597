//! The importer: the Word-export text of the two reference documents and of
//! hand-made variants, through `import::text::read` and
//! `import::content::to_content`, then through `gongkai check` and the
//! derivation. The round trips compare with the published reference itself.

use crate::common::{published_tables, reference_000_text, reference_lines};
use gongkai_content::files;
use gongkai_import::content::{Imported, to_content};
use gongkai_import::text;
use gongkai_model::diag::{Diagnostics, Severity};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// A scratch content folder, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let root = std::env::temp_dir().join(format!("gongkai-import-test-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&root).expect("scratch folder");
        Scratch(root)
    }

    fn content(&self) -> PathBuf {
        self.0.join("content")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn import_text(text: &str) -> Imported {
    to_content(&text::read(text)).expect("imports")
}

fn import_fixture(path: &str) -> Imported {
    import_text(&std::fs::read_to_string(path).expect("fixture"))
}

/// Writes the files into `<scratch>/content/<identity path>/`.
fn write(imported: &Imported, scratch: &Scratch) -> PathBuf {
    let dir = scratch.content().join(imported.identity.path());
    std::fs::create_dir_all(&dir).expect("folder");
    for (name, text) in &imported.files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    dir
}

fn check(content: &Path) -> (Vec<gongkai_render::Checked>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let checked = crate::common::check_site(content, &mut diags).expect("content loads");
    (checked, diags)
}

fn file_names(imported: &Imported) -> Vec<&str> {
    imported.files.iter().map(|(n, _)| n.as_str()).collect()
}

// ---------------------------------------------------------------------------
// Round trip 1: the complete 2022 disclosure.

const REFERENCE_000: &str = "tests/fixtures/reference/000_1bd74c4de65820db.txt";
const REFERENCE_001: &str = "tests/fixtures/reference/001_bc3eef0b427b2f27.txt";

fn imported_000() -> (Scratch, Imported, gongkai_render::Checked, Diagnostics) {
    let imported = import_fixture(REFERENCE_000);
    let scratch = Scratch::new("000");
    write(&imported, &scratch);
    let (checked, diags) = check(&scratch.content());
    let one = checked.into_iter().next().expect("one department-year");
    (scratch, imported, one, diags)
}

#[test]
fn reference_000_imports_every_part_in_a_fixed_order() {
    let imported = import_fixture(REFERENCE_000);
    assert_eq!((imported.code.as_str(), imported.year), ("101", 2022));
    // Every YAML file but corrections.yaml (written by `diff`) and
    // published.yaml (made only where the tables disagree, and these agree),
    // in the order the content crate declares them.
    let declared: Vec<&str> = files::yaml_files()
        .map(|f| f.name)
        .filter(|name| *name != files::CORRECTIONS.name && *name != files::PUBLISHED.name)
        .collect();
    assert_eq!(file_names(&imported), declared);
    let unit = imported.file("unit.yaml").expect("unit");
    assert!(unit.contains("name: 张家口市人民代表大会常务委员会办公室"), "{unit}");
    assert!(
        unit.contains("level: 市级") && unit.contains("locality: 张家口市"),
        "{unit}"
    );
    assert!(
        !unit.contains("province"),
        "no province is named in the document: {unit}"
    );
    // Its region is the one division its name names: 张家口市.
    assert!(
        unit.contains("region: \"130700\"   # 区划代码：河北省张家口市（推定自名称，请核对）"),
        "{unit}"
    );
    assert_eq!(imported.identity.path(), Path::new("2022/130700/101"));
    assert!(matches!(
        &imported.region,
        gongkai_import::content::RegionFinding::Found { division, .. } if division.code() == "130700"
    ));
    // The tables agree with each other: no published.yaml.
    assert_eq!(imported.published_cells, 0);
    // Level and locality are inferred: said so.
    assert!(
        imported
            .unplaced
            .iter()
            .any(|u| u.contains("level `市级` and locality `张家口市` were inferred")),
        "{:#?}",
        imported.unplaced
    );
}

#[test]
fn reference_000_round_trip_checks_clean_with_the_302_tail_only() {
    let (_scratch, _imported, _checked, diags) = imported_000();
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let findings: Vec<_> = diags.iter().collect();
    assert_eq!(findings.len(), 1, "{}", diags.render_text());
    assert_eq!(findings[0].severity, Severity::Note);
    assert_eq!(findings[0].rule, "total-rounding-tail");
    assert_eq!(
        findings[0].message,
        "302 公用经费: published 332.85 but its parts add to 332.86 (尾差 0.01, within the rounding bound ±0.075); the table shows the published figure"
    );
    // Laid out like the shipped economic.yaml: the same line and column.
    assert!(findings[0].loc.file.ends_with("economic.yaml"));
    assert_eq!((findings[0].loc.line, findings[0].loc.column), (15, 41));
}

#[test]
fn reference_000_round_trip_derives_the_nine_published_tables_cell_by_cell() {
    let (_scratch, _imported, checked, _diags) = imported_000();
    let published = published_tables(&reference_000_text());
    assert_eq!(checked.derived.tables.len(), 9);
    let mut compared = 0usize;
    let mut mismatches = Vec::new();
    for (table, (title, expected)) in checked.derived.tables.iter().zip(&published) {
        assert_eq!(table.title, title);
        assert_eq!(table.note, expected.note, "{title}: note");
        let actual: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.display().trim().to_string()).collect())
            .collect();
        let expected_rows: Vec<&Vec<String>> = expected
            .rows
            .iter()
            .filter(|r| r.iter().any(|c| !c.is_empty()))
            .collect();
        assert_eq!(actual.len(), expected_rows.len(), "{title}: rows");
        for (r, (a, e)) in actual.iter().zip(&expected_rows).enumerate() {
            assert_eq!(a.len(), e.len(), "{title} row {}", r + 1);
            for (c, (ac, ec)) in a.iter().zip(e.iter()).enumerate() {
                compared += 1;
                if ac != ec {
                    mismatches.push(format!(
                        "{title} row {} column {}: `{ac}`, published `{ec}`",
                        r + 1,
                        c + 1
                    ));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    assert_eq!(compared, 33 * 5 + 19 * 13 + 19 * 9 + 36 * 8 + 19 * 6 + 30 * 6 + 9 * 6);
    // The importer itself found nothing gongkai would print differently.
    let imported = import_fixture(REFERENCE_000);
    let differences: Vec<&String> = imported
        .unplaced
        .iter()
        .filter(|u| u.contains("gongkai prints") || u.contains("not reproduced"))
        .collect();
    assert!(differences.is_empty(), "{differences:#?}");
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
fn reference_000_round_trip_renders_the_narrative_figures_of_sections_two_to_seven() {
    let (_scratch, _imported, checked, _diags) = imported_000();
    let markdown = &checked.document.as_ref().expect("document renders").markdown;
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
    let mut compared = 0;
    for ((n, published), (m, rendered)) in theirs.iter().zip(&ours) {
        assert_eq!(n, m);
        if !["二、", "三、", "四、", "六、", "七、"].contains(&n.as_str()) {
            continue;
        }
        let mut available = numbers(rendered);
        for figure in numbers(published) {
            let found = available.iter().position(|f| *f == figure);
            assert!(
                found.is_some(),
                "section {n}: figure {figure} is not in the document:\n{rendered}"
            );
            available.remove(found.unwrap_or_default());
            compared += 1;
        }
    }
    assert!(compared >= 30, "{compared} figures compared");
    // And the text sections come back word for word.
    let duties = &ours[0].1;
    assert!(
        duties.contains("（十二）") || duties.contains("(十二)法律规定"),
        "{duties}"
    );
    assert!(ours[7].1.contains("10、事业单位经营支出：指事业单位"), "{}", ours[7].1);
    assert!(ours[8].1.contains("我部门无其他需要说明的事项。"));
}

#[test]
fn reference_000_content_equals_the_shipped_transcription_where_both_have_it() {
    let (_scratch, _imported, ours, _diags) = imported_000();
    let (shipped, _) = check(Path::new("content"));
    let shipped = shipped
        .into_iter()
        .find(|c| c.disclosure.unit.year == 2022)
        .expect("shipped 2022");
    let (a, b) = (&ours.disclosure, &shipped.disclosure);
    // Every figure of the nine tables, procurement and assets.
    let shown = |t: &gongkai_model::table::Table| {
        t.rows
            .iter()
            .map(|r| (r.key.clone(), r.cells.iter().map(|c| c.display()).collect::<Vec<_>>()))
            .collect::<Vec<_>>()
    };
    for (x, y) in ours.derived.tables.iter().zip(&shipped.derived.tables) {
        assert_eq!(shown(x), shown(y), "{}", x.title);
    }
    for (x, y) in [
        (&ours.derived.procurement, &shipped.derived.procurement),
        (&ours.derived.assets, &shipped.derived.assets),
    ] {
        let (x, y) = (x.as_ref().expect("ours"), y.as_ref().expect("shipped"));
        assert_eq!(shown(x), shown(y), "{}", x.title);
        assert_eq!(x.note, y.note);
    }
    // Year-on-year figures.
    let pa = a.prior.as_ref().expect("prior");
    let pb = b.prior.as_ref().expect("shipped prior");
    assert_eq!(pa.year, pb.year);
    let wan = |f: &Option<gongkai_model::disclosure::Fact>| f.as_ref().map(|f| f.value.wan());
    for (x, y) in [
        (&pa.total, &pb.total),
        (&pa.basic, &pb.basic),
        (&pa.project, &pb.project),
        (&pa.sangong_total, &pb.sangong_total),
        (&pa.sangong_car_running, &pb.sangong_car_running),
        (&pa.sangong_reception, &pb.sangong_reception),
    ] {
        assert_eq!(wan(x), wan(y));
    }
    // Narrative texts.
    let (na, nb) = (&a.narrative, &b.narrative);
    let texts =
        |v: &[gongkai_model::disclosure::Located<String>]| v.iter().map(|t| t.value.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&na.preamble), texts(&nb.preamble));
    assert_eq!(texts(&na.duties), texts(&nb.duties));
    assert_eq!(texts(&na.overview), texts(&nb.overview));
    assert_eq!(texts(&na.performance_overall), texts(&nb.performance_overall));
    assert_eq!(texts(&na.performance_safeguards), texts(&nb.performance_safeguards));
    assert_eq!(texts(&na.other_matters), texts(&nb.other_matters));
    let opt = |t: &Option<gongkai_model::disclosure::Located<String>>| t.as_ref().map(|t| t.value.clone());
    assert_eq!(opt(&na.project_purposes), opt(&nb.project_purposes));
    assert_eq!(opt(&na.change_reason_basic), opt(&nb.change_reason_basic));
    assert_eq!(opt(&na.change_reason_project), opt(&nb.change_reason_project));
    assert_eq!(opt(&na.running_costs_use), opt(&nb.running_costs_use));
    assert_eq!(opt(&na.sangong_change), opt(&nb.sangong_change));
    assert_eq!(opt(&na.procurement_intro), opt(&nb.procurement_intro));
    assert_eq!(na.glossary.len(), nb.glossary.len());
    for ((ta, da), (tb, db)) in na.glossary.iter().zip(&nb.glossary) {
        assert_eq!((&ta.value, &da.value), (&tb.value, &db.value));
    }
    assert_eq!(na.performance_sub_goals.len(), nb.performance_sub_goals.len());
    for (x, y) in na.performance_sub_goals.iter().zip(&nb.performance_sub_goals) {
        assert_eq!(
            (&x.title.value, &x.goal.value, &x.indicators.value),
            (&y.title.value, &y.goal.value, &y.indicators.value)
        );
    }
    // Projects: names, goals and indicators (the 2022 layout publishes no budgets).
    let (pa, pb) = (
        a.projects.as_ref().expect("projects"),
        b.projects.as_ref().expect("shipped projects"),
    );
    assert_eq!(pa.projects.len(), 8);
    for (x, y) in pa.projects.iter().zip(&pb.projects) {
        assert_eq!(x.name.value, y.name.value);
        assert_eq!(texts(&x.goals), texts(&y.goals), "{}", x.name.value);
        assert_indicators_equal(x, y);
        assert!(!x.has_budget, "no budget is published in the 2022 layout");
    }
}

fn assert_indicators_equal(x: &gongkai_model::disclosure::Project, y: &gongkai_model::disclosure::Project) {
    assert_eq!(x.indicators.len(), y.indicators.len(), "{}", x.name.value);
    for (i, j) in x.indicators.iter().zip(&y.indicators) {
        assert_eq!(
            (&i.level1, &i.level2, &i.name, &i.description, &i.value.value, &i.basis),
            (&j.level1, &j.level2, &j.name, &j.description, &j.value.value, &j.basis),
            "{}",
            x.name.value
        );
    }
}

// ---------------------------------------------------------------------------
// Round trip 2: the 2026 performance targets (newer layout).

#[test]
fn reference_001_round_trip_equals_the_shipped_projects() {
    let imported = import_fixture(REFERENCE_001);
    assert_eq!((imported.code.as_str(), imported.year), ("101", 2026));
    assert_eq!(
        file_names(&imported),
        [files::UNIT.name, files::PROJECTS.name, files::NARRATIVE.name]
    );
    let scratch = Scratch::new("001");
    write(&imported, &scratch);
    let (checked, diags) = check(&scratch.content());
    assert!(diags.is_empty(), "{}", diags.render_text());
    let ours = &checked[0].disclosure;
    assert_eq!(ours.unit.name, "张家口市人民代表大会常务委员会办公室");
    let (shipped, _) = check(Path::new("content"));
    let shipped = &shipped
        .iter()
        .find(|c| c.disclosure.unit.year == 2026)
        .expect("shipped 2026")
        .disclosure;
    let a = &ours.projects.as_ref().expect("projects").projects;
    let b = &shipped.projects.as_ref().expect("shipped projects").projects;
    assert_eq!(a.len(), 6);
    assert_eq!(a.len(), b.len());
    let wan = |f: &Option<gongkai_model::disclosure::Fact>| f.as_ref().map(|f| f.value.wan());
    for (x, y) in a.iter().zip(b) {
        let n = &x.name.value;
        assert_eq!(n, &y.name.value);
        assert_eq!(
            x.code.as_ref().map(|c| &c.value),
            y.code.as_ref().map(|c| &c.value),
            "{n}"
        );
        assert_eq!(x.unit, y.unit, "{n}");
        assert_eq!(
            (wan(&x.fiscal), wan(&x.other), wan(&x.declared_budget)),
            (wan(&y.fiscal), wan(&y.other), wan(&y.declared_budget)),
            "{n}"
        );
        assert!(x.has_budget);
        assert_eq!(x.use_of_funds, y.use_of_funds, "{n}");
        let plan = |p: &gongkai_model::disclosure::Project| {
            p.spending_plan
                .as_ref()
                .map(|s| s.iter().map(|c| c.as_ref().map(|v| v.value)).collect::<Vec<_>>())
        };
        assert_eq!(plan(x), plan(y), "{n}");
        let goals =
            |p: &gongkai_model::disclosure::Project| p.goals.iter().map(|g| g.value.clone()).collect::<Vec<_>>();
        assert_eq!(goals(x), goals(y), "{n}");
        assert_indicators_equal(x, y);
    }
    // The department-level goals as well.
    let (na, nb) = (&ours.narrative, &shipped.narrative);
    let texts =
        |v: &[gongkai_model::disclosure::Located<String>]| v.iter().map(|t| t.value.clone()).collect::<Vec<_>>();
    assert_eq!(texts(&na.performance_overall), texts(&nb.performance_overall));
    assert_eq!(texts(&na.performance_safeguards), texts(&nb.performance_safeguards));
    assert_eq!(na.performance_sub_goals.len(), 6);
    // The inferred code and year are named.
    assert!(
        imported.unplaced.iter().any(|u| u.contains("department code 101")),
        "{:#?}",
        imported.unplaced
    );
    assert!(
        imported.unplaced.iter().any(|u| u.contains("year 2026")),
        "{:#?}",
        imported.unplaced
    );
}

// ---------------------------------------------------------------------------
// Nothing dropped silently.

/// Every decimal number of a text, and every number in a table cell except
/// row numbers (序号, the first cell of a row) and the 栏次 row.
fn published_numbers(text: &str) -> Vec<(Decimal, String)> {
    let mut out = Vec::new();
    let mut index_in_row = 0usize;
    let mut numbering_row = false;
    for line in text.lines() {
        let cell = line.starts_with('\t');
        if !cell {
            index_in_row = 0;
            numbering_row = false;
        }
        let value = line.trim();
        let row_number = cell && index_in_row == 0 && value.chars().all(|c| c.is_ascii_digit());
        if cell && index_in_row == 0 {
            numbering_row = value == "栏次";
        }
        if cell {
            index_in_row += 1;
        }
        if row_number || numbering_row {
            continue;
        }
        let mut current = String::new();
        for c in line.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_digit() || (c == '.' && !current.is_empty()) {
                current.push(c);
            } else if !current.is_empty() {
                let n = current.trim_end_matches('.');
                if (n.contains('.') || cell)
                    && let Ok(d) = n.parse::<Decimal>()
                {
                    out.push((d.normalize(), value.to_string()));
                }
                current.clear();
            }
        }
    }
    out
}

fn assert_every_number_is_kept(path: &str) {
    let text = std::fs::read_to_string(path).expect("reference");
    let imported = import_text(&text);
    let mut kept = String::new();
    for (_, y) in &imported.files {
        kept.push_str(y);
        kept.push('\n');
    }
    for u in &imported.unplaced {
        kept.push_str(u);
        kept.push('\n');
    }
    let available: std::collections::BTreeSet<Decimal> = numbers(&kept).into_iter().collect();
    let missing: Vec<String> = published_numbers(&text)
        .into_iter()
        .filter(|(d, _)| !available.contains(d))
        .map(|(d, line)| format!("{d} in `{line}`"))
        .collect();
    assert!(missing.is_empty(), "{path}: numbers dropped:\n{}", missing.join("\n"));
}

#[test]
fn every_number_of_the_references_is_in_the_content_or_listed() {
    assert_every_number_is_kept(REFERENCE_000);
    assert_every_number_is_kept(REFERENCE_001);
    assert_every_number_is_kept("tests/fixtures/import/variants.txt");
}

#[test]
fn a_dropped_figure_would_be_caught() {
    // The same check on a document with a figure nothing places: an extra
    // column in 支出总表 must show up in `unplaced`.
    let text = std::fs::read_to_string(REFERENCE_000).expect("reference").replacen(
        "\t1030.38\n\t\n\t\n\t\n\t\n\n\t5\n",
        "\t1030.38\n\t\n\t\n\t\n\t\n\t777.77\n\n\t5\n",
        1,
    );
    let imported = import_text(&text);
    assert!(
        imported.unplaced.iter().any(|u| u.contains("777.77")),
        "{:#?}",
        imported.unplaced
    );
}

// ---------------------------------------------------------------------------
// Hand-made variants.

const VARIANTS: &str = "tests/fixtures/import/variants.txt";

#[test]
fn variants_land_where_they_belong() {
    let imported = import_fixture(VARIANTS);
    assert_eq!((imported.code.as_str(), imported.year), ("305", 2023));
    let unit = imported.file("unit.yaml").expect("unit");
    assert!(
        unit.contains("level: 县级") && unit.contains("locality: 蔚县"),
        "{unit}"
    );
    assert!(unit.contains("province: 河北省"), "{unit}");
    assert!(unit.contains("region: \"130726\""), "河北省蔚县: {unit}");

    // 事业收入: the 收入总表 and 财政拨款 tables differ; the difference is a business row.
    let functions = imported.file("functions.yaml").expect("functions");
    assert!(
        functions.contains("{ code: 2050201, name: 学前教育, source: 事业收入, project: 30.00 }"),
        "{functions}"
    );
    assert!(
        functions.contains("{ code: 2050201, name: 学前教育, basic: 100.00, project: 20.00 }"),
        "{functions}"
    );
    // Extra codes are kept; national ones the built-in list has (to 项
    // level) are not sent to the site list.
    assert!(functions.contains("code: 2080506"), "{functions}");
    assert!(
        !imported
            .unplaced
            .iter()
            .any(|u| u.contains("2050201 学前教育") && u.contains("content/codes/function.tsv")),
        "{:#?}",
        imported.unplaced
    );

    // 三公 with 会议费 and 培训费.
    let sangong = imported.file("sangong.yaml").expect("sangong");
    assert!(sangong.contains("meeting: { general: 3.00 }"), "{sangong}");
    assert!(sangong.contains("training: { general: 2.50 }"), "{sangong}");
    assert!(sangong.contains("total: { general: 15.50 }"), "{sangong}");
    assert!(sangong.contains("subtotal: { general: 10.00 }"), "{sangong}");

    // The 31st line 人行科目 is not reproduced: listed.
    assert!(
        imported
            .unplaced
            .iter()
            .any(|u| u.contains("部门预算收支总表") && u.contains("三十一、人行科目")),
        "{:#?}",
        imported.unplaced
    );

    // `--` asset cells are empty, the note is kept.
    let assets = imported.file("assets.yaml").expect("assets");
    assert!(assets.contains("buildings: { quantity: ~, value: ~ }"), "{assets}");
    assert!(assets.contains("vehicles: { quantity: 2, value: 30.00 }"), "{assets}");
    assert!(assets.contains("as_of: 2022-12-31"), "{assets}");

    // An empty procurement table with its note.
    let procurement = imported.file("procurement.yaml").expect("procurement");
    assert!(
        procurement.contains("note: \"注：本部门无政府采购预算，空表列示。\""),
        "{procurement}"
    );
    assert!(procurement.contains("lines: []"), "{procurement}");

    // Year-on-year: “比上年增加1.5万元” → last year's 三公 = this year's − 1.5.
    let prior = imported.file("prior.yaml").expect("prior");
    assert!(prior.contains("total: 8.50"), "{prior}");
    let narrative = imported.file("narrative.yaml").expect("narrative");
    assert!(
        narrative.contains("sangong_change: \"主要原因是公务用车运行成本上涨\""),
        "{narrative}"
    );

    // Page-number lines and bookmarks are not text; a paragraph that types an
    // amount into prose is withheld from narrative.yaml and listed.
    assert!(!narrative.contains("page number"), "{narrative}");
    assert!(
        imported
            .unplaced
            .iter()
            .any(|u| u.contains("other_matters") && u.contains("12.5万元")),
        "{:#?}",
        imported.unplaced
    );
}

#[test]
fn variants_check_without_errors_once_the_site_adds_its_codes() {
    let imported = import_fixture(VARIANTS);
    let scratch = Scratch::new("variants");
    write(&imported, &scratch);
    // The site list the importer asked for.
    let codes = scratch.content().join("codes");
    std::fs::create_dir_all(&codes).expect("codes folder");
    let lines: Vec<String> = imported
        .unplaced
        .iter()
        .filter_map(|u| {
            u.split_once("add `")
                .and_then(|(_, rest)| rest.split_once("` to content/codes/function.tsv"))
        })
        .map(|(line, _)| line.to_string())
        .collect();
    // The variants use national codes only, which the built-in list has: the
    // importer asks for none, and the site file may stay empty.
    std::fs::write(codes.join("function.tsv"), lines.join("\n") + "\n").expect("write");
    let (checked, diags) = check(&scratch.content());
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let c = &checked[0];
    // 收入总表 shows the 事业收入 column, 支出总表 the total.
    let revenue = c
        .derived
        .table(gongkai_model::table::TableId::Revenue)
        .expect("table 2");
    assert_eq!(revenue.figure("2050201", "事业收入").expect("cell").text(), "30.00");
    let t9 = c
        .derived
        .table(gongkai_model::table::TableId::Sangong)
        .expect("table 9");
    assert_eq!(t9.figure("total", "合计").expect("cell").text(), "15.50");
    assert_eq!(t9.figure("meeting", "合计").expect("cell").text(), "3.00");
}

#[test]
fn the_text_reader_keeps_empty_cells_and_drops_noise() {
    use gongkai_import::Block;
    let source = text::read(
        " [bookmark: _Toc_1]部门预算支出总表\n\t101某局\n\t预算年度：2022\n\n\t序号\n\t\n\t合计\n\n\npage number\n注：空表。\n",
    );
    assert_eq!(
        source.blocks,
        vec![
            Block::Paragraph("部门预算支出总表".into()),
            Block::Table(vec![
                vec!["101某局".into(), "预算年度：2022".into()],
                vec!["序号".into(), String::new(), "合计".into()],
            ]),
            Block::Paragraph("注：空表。".into()),
        ]
    );
}

#[test]
fn without_a_unit_line_or_year_the_import_fails() {
    let none = to_content(&text::read("一、部门职责及机构设置情况\n部门职责：\n负责某事。\n"));
    assert!(
        matches!(none, Err(gongkai_import::content::ImportError::NoUnit)),
        "{none:?}"
    );
    let no_year = to_content(&text::read("部门预算支出总表\n\t101某某市某局\n\t单位：万元\n"));
    assert!(
        matches!(no_year, Err(gongkai_import::content::ImportError::NoYear)),
        "{no_year:?}"
    );
}

/// Prints what an import makes of a file:
/// `DUMP=path/to/export.txt cargo test --test import dump -- --ignored --nocapture`.
#[test]
#[ignore]
fn dump() {
    let path = std::env::var("DUMP").unwrap_or_else(|_| VARIANTS.to_string());
    let imported = import_fixture(&path);
    for (n, y) in &imported.files {
        println!("===== {n}\n{y}");
    }
    println!("===== unplaced");
    for u in &imported.unplaced {
        println!("- {u}");
    }
}

#[test]
fn non_appropriation_revenue_that_cannot_be_split_is_listed_not_guessed() {
    let text = std::fs::read_to_string(VARIANTS).expect("fixture");
    // 收入总表: 事业收入 20 and 其他收入 10 for 2050201; 支出总表: 基本 110, 项目 40
    // against 财政拨款 基本 100, 项目 20 — 30 of other sources spread over both types.
    let text = text
        .replacen(
            "\t2050201\n\t学前教育\n\t150.00\n\t150.00\n\t120.00\n\t\n\t30.00\n\t\n\t\n\t\n\t\n\t\n",
            "\t2050201\n\t学前教育\n\t150.00\n\t150.00\n\t120.00\n\t\n\t20.00\n\t\n\t\n\t\n\t10.00\n\t\n",
            1,
        )
        .replacen(
            "\t2050201\n\t学前教育\n\t150.00\n\t100.00\n\t50.00\n",
            "\t2050201\n\t学前教育\n\t150.00\n\t110.00\n\t40.00\n",
            1,
        );
    let imported = import_text(&text);
    let functions = imported.file("functions.yaml").expect("functions");
    assert!(!functions.contains("source: 事业收入"), "{functions}");
    assert!(!functions.contains("source: 其他收入"), "{functions}");
    // The appropriation rows are placed; the rest is listed with its figures.
    assert!(
        functions.contains("{ code: 2050201, name: 学前教育, basic: 100.00, project: 20.00 }"),
        "{functions}"
    );
    let listed = imported
        .unplaced
        .iter()
        .find(|u| u.contains("2050201") && u.contains("cannot be split"))
        .unwrap_or_else(|| panic!("{:#?}", imported.unplaced));
    for figure in ["事业收入 20.00", "其他收入 10.00", "基本 10.00", "项目 20.00"] {
        assert!(listed.contains(figure), "{listed}");
    }
}

#[test]
fn one_other_source_over_one_type_is_split_by_its_amounts() {
    let text = std::fs::read_to_string(VARIANTS).expect("fixture").replacen(
        "\t2050201\n\t学前教育\n\t150.00\n\t150.00\n\t120.00\n\t\n\t30.00\n\t\n\t\n\t\n\t\n\t\n",
        "\t2050201\n\t学前教育\n\t150.00\n\t150.00\n\t120.00\n\t\n\t20.00\n\t\n\t\n\t\n\t10.00\n\t\n",
        1,
    );
    let imported = import_text(&text);
    let functions = imported.file("functions.yaml").expect("functions");
    assert!(functions.contains("source: 事业收入, project: 20.00"), "{functions}");
    assert!(functions.contains("source: 其他收入, project: 10.00"), "{functions}");
}

/// gongkai's own .docx and .xlsx exports import back into content whose nine
/// tables equal the published ones (the exporters and importers agree).
#[test]
fn gongkai_exports_import_back_to_the_same_tables() {
    let (checked, diags) = check(Path::new("content"));
    assert!(!diags.has_errors());
    let c2022 = checked.iter().find(|c| c.disclosure.unit.year == 2022).expect("2022");
    let markdown = &c2022.document.as_ref().expect("document").markdown;
    let meta = gongkai_render::docx::DocxMeta {
        title: "t".into(),
        author: "a".into(),
        created: "2022-01-01T00:00:00Z".into(),
    };
    let docx = gongkai_render::docx::markdown_to_docx(markdown, &meta).expect("docx");
    let xlsx = gongkai_portal::downloads::workbook_xlsx(c2022).expect("xlsx");
    let published = published_tables(&reference_000_text());
    for (name, bytes, format) in [
        ("docx", docx, gongkai_import::Format::Docx),
        ("xlsx", xlsx, gongkai_import::Format::Xlsx),
    ] {
        let imported = gongkai_import::import(&bytes, format).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((imported.code.as_str(), imported.year), ("101", 2022), "{name}");
        let scratch = Scratch::new(name);
        write(&imported, &scratch);
        let (back, diags) = check(&scratch.content());
        let errors: Vec<_> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{name}: {}", diags.render_text());
        let derived = &back[0].derived;
        for (table, (title, expected)) in derived.tables.iter().zip(&published) {
            assert_eq!(table.title, title);
            let rows: Vec<Vec<String>> = table
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|c| c.display().trim().to_string()).collect())
                .collect();
            let expected: Vec<&Vec<String>> = expected
                .rows
                .iter()
                .filter(|r| r.iter().any(|c| !c.is_empty()))
                .collect();
            assert_eq!(rows.len(), expected.len(), "{name}: {title}");
            for (a, e) in rows.iter().zip(expected) {
                assert_eq!(a, e, "{name}: {title}");
            }
        }
    }
}

/// The trial checks the imported files in memory, as every command checks a
/// department-year: when they have errors, it lists them and compares
/// nothing (no table or sentence is derived from files with errors).
#[test]
fn the_trial_lists_the_errors_of_imported_files_and_then_compares_nothing() {
    let text = std::fs::read_to_string(REFERENCE_001).expect("fixture");
    // The first indicator row without its 一级指标 and 二级指标.
    let broken = text.replacen("\t产出指标\n\t成本指标\n", "\t\n\t\n", 1);
    assert_ne!(broken, text);
    let imported = import_text(&broken);
    let projects = imported.file(files::PROJECTS.name).expect("projects");
    assert!(projects.contains("- [~, ~, 人均培训成本"), "{projects}");
    let at = imported
        .unplaced
        .iter()
        .position(|u| u.starts_with("check will report in projects.yaml line ") && u.contains("一级指标"))
        .unwrap_or_else(|| panic!("{:#?}", imported.unplaced));
    assert!(
        imported.unplaced[at + 1..]
            .iter()
            .any(|u| u.contains("were not compared")),
        "{:#?}",
        imported.unplaced
    );
}

// ---------------------------------------------------------------------------
// Identity: phase and scope from what the document calls itself.

#[test]
fn a_final_accounts_document_is_a_juesuan_and_a_unit_budget_names_its_unit() {
    let reference = std::fs::read_to_string(REFERENCE_000).expect("reference");
    // 决算: every title says so.
    let juesuan = import_text(&reference.replace("部门预算", "部门决算"));
    assert_eq!(juesuan.identity.phase, gongkai_model::identity::Phase::FinalAccounts);
    assert_eq!(juesuan.identity.path(), Path::new("2022/juesuan/130700/101"));
    let unit = juesuan.file("unit.yaml").expect("unit");
    assert!(unit.contains("phase: 决算"), "{unit}");
    // 单位预算 with the unit's code in the table headers.
    let unit_budget = import_text(&reference.replace("部门预算", "单位预算").replace(
        "\t101张家口市人民代表大会常务委员会办公室\n",
        "\t101001张家口市人民代表大会常务委员会办公室本级\n",
    ));
    assert_eq!(
        unit_budget.identity.scope,
        gongkai_model::identity::Scope::Unit("101001".into())
    );
    assert_eq!(unit_budget.identity.code, "101");
    assert_eq!(unit_budget.identity.path(), Path::new("2022/130700/101/101001"));
    let unit = unit_budget.file("unit.yaml").expect("unit");
    assert!(
        unit.contains("scope: 单位") && unit.contains("unit_code: \"101001\""),
        "{unit}"
    );
    assert!(
        unit_budget
            .unplaced
            .iter()
            .any(|u| u.contains("unit code 101001 from the table headers")),
        "{:#?}",
        unit_budget.unplaced
    );
    // Both load and check as their own department-years.
    for imported in [&juesuan, &unit_budget] {
        let scratch = Scratch::new("identity");
        write(imported, &scratch);
        let (checked, diags) = check(&scratch.content());
        assert!(!diags.has_errors(), "{}", diags.render_text());
        assert_eq!(checked[0].disclosure.unit.identity(), imported.identity);
    }
}

// ---------------------------------------------------------------------------
// A blank is not zero.

/// A parent-code row left blank above figures (类 201 in tables 3 and 5, 类
/// 301 in table 6) is not declared: gongkai derives it, its blank cells are
/// kept in published.yaml, and `check` warns of each, with no error on the
/// totals above it (a declared 0.00 would have failed 201 and 301 and every
/// total over them).
#[test]
fn parent_rows_printed_blank_are_not_declared_zeros() {
    let mut text = std::fs::read_to_string(REFERENCE_000).expect("reference");
    for (after, from, to) in [
        (
            "部门预算支出总表",
            "\t201\n\t一般公共服务支出\n\t1604.63\n\t1030.38\n\t574.25\n",
            "\t201\n\t一般公共服务支出\n\t\n\t\n\t\n",
        ),
        (
            "部门预算一般公共预算财政拨款支出表",
            "\t201\n\t一般公共服务支出\n\t1604.63\n\t1030.38\n\t574.25\n",
            "\t201\n\t一般公共服务支出\n\t\n\t\n\t\n",
        ),
        (
            "部门预算一般公共预算财政拨款基本支出表",
            "\t301\n\t工资福利支出\n\t1027.44\n\t1027.44\n",
            "\t301\n\t工资福利支出\n\t\n\t\n",
        ),
    ] {
        let start = text.find(after).expect("title");
        let at = start + text[start..].find(from).expect("row");
        text.replace_range(at..at + from.len(), to);
    }
    let imported = import_text(&text);
    let functions = imported.file(files::FUNCTIONS.name).expect("functions");
    assert!(!functions.contains("code: 201,"), "{functions}");
    assert!(functions.contains("code: 2010101,"), "{functions}");
    let economic = imported.file(files::ECONOMIC.name).expect("economic");
    assert!(!economic.contains("code: 301,"), "{economic}");
    assert!(economic.contains("code: 302,"), "{economic}");
    let published = imported.file(files::PUBLISHED.name).expect("published.yaml");
    assert_eq!(published.matches("value: ~").count(), 8, "{published}");
    let scratch = Scratch::new("blank-parents");
    write(&imported, &scratch);
    let (_, diags) = check(&scratch.content());
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let blanks: Vec<&str> = diags
        .iter()
        .filter(|d| d.rule == "published-blank")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(blanks.len(), 8, "{}", diags.render_text());
    assert!(
        blanks.contains(
            &"部门预算支出总表 一般公共服务支出 合计 was printed blank, but the figures under it add to 1604.63"
        ),
        "{blanks:#?}"
    );
    assert!(
        blanks.contains(
            &"部门预算一般公共预算财政拨款基本支出表 工资福利支出 人员经费 was printed blank, but the figures under it add to 1027.44"
        ),
        "{blanks:#?}"
    );
}
