//! `new`, `rollover`, `diff`, corrections and incremental writes.

use gongkai_model::diag::Diagnostics;
use gongkai_model::table::TableId;
use gongkai_site::author::{NewDepartment, rollover, scaffold, write_files};
use gongkai_site::diff::{Change, diff};
use std::path::{Path, PathBuf};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-author-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn check(content: &Path) -> (Vec<gongkai_render::Checked>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let checked = crate::common::check_site(content, &mut diags).unwrap();
    (checked, diags)
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

fn education() -> NewDepartment {
    NewDepartment {
        code: "205".into(),
        name: "张家口市教育局".into(),
        year: 2023,
        level: "市级".into(),
        province: Some("河北省".into()),
        locality: "张家口市".into(),
        region: None,
    }
}

#[test]
fn new_scaffold_asks_for_what_it_lacks_and_checks_clean_once_filled_in() {
    let root = temp("new");
    let dir = root.join("content/2023/205");
    write_files(&dir, &scaffold(&education()).unwrap(), false).unwrap();
    // Blank, the scaffold says only what must still be said: the assets
    // (or that there are none) and the procurement (or that there is none);
    // a blank is never published as 0.00.
    let (checked, diags) = check(&root.join("content"));
    let errors: Vec<&str> = diags
        .iter()
        .filter(|d| d.severity == gongkai_model::diag::Severity::Error)
        .map(|d| d.rule)
        .collect();
    assert_eq!(errors, ["procurement-none", "assets-none"], "{}", diags.render_text());
    assert_eq!(checked.len(), 1);

    // Fill in the figures as a finance officer would.
    edit(&dir.join("functions.yaml"), "basic: ~", "basic: 120.00");
    edit(&dir.join("functions.yaml"), "project: ~", "project: 30.00");
    edit(&dir.join("economic.yaml"), "personnel: ~", "personnel: 100.00");
    edit(&dir.join("economic.yaml"), "public: ~", "public: 20.00");
    edit(&dir.join("projects.yaml"), "fiscal: ~", "fiscal: 30.00");
    edit(&dir.join("prior.yaml"), "total: ~", "total: 140.00");
    edit(&dir.join("prior.yaml"), "basic: ~", "basic: 115.00");
    edit(&dir.join("prior.yaml"), "project: ~", "project: 25.00");
    edit(
        &dir.join("assets.yaml"),
        "vehicles: { quantity: ~, value: ~ }",
        "vehicles: { quantity: 2, value: 36.50 }",
    );
    edit(
        &dir.join("procurement.yaml"),
        "note: ~",
        "note: 本部门2023年无政府采购预算。",
    );
    let (checked, diags) = check(&root.join("content"));
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let t3 = checked[0].derived.table(TableId::Expenditure).unwrap();
    assert_eq!(t3.figure("total", "合计").unwrap().text(), "150.00");
    let doc = checked[0].document.as_ref().unwrap();
    assert!(doc.markdown.contains("较2022年增加10万元"), "{}", doc.markdown);

    // A second `new` refuses to overwrite.
    let again = write_files(&dir, &scaffold(&education()).unwrap(), false);
    assert!(matches!(again, Err(gongkai_site::author::AuthorError::Exists { .. })));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn rollover_of_the_shipped_content_checks_and_carries_the_year_over() {
    let (checked, _) = check(Path::new("content"));
    let c2022 = checked.iter().find(|c| c.disclosure.unit.year == 2022).unwrap();
    let files = rollover(c2022, 2023).unwrap();
    let root = temp("rollover");
    copy_dir(Path::new("content"), &root.join("content"));
    write_files(&root.join("content/2023/101"), &files, false).unwrap();

    let (checked, diags) = check(&root.join("content"));
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let c2023 = checked.iter().find(|c| c.disclosure.unit.year == 2023).unwrap();
    // Last year's figures are this year's prior figures.
    for (prior, now) in [
        ("prior.total", "total"),
        ("prior.basic", "expenditure.basic"),
        ("prior.sangong.total", "sangong.subtotal"),
    ] {
        assert_eq!(
            c2023.facts.get(prior).unwrap().text(),
            c2022.facts.get(now).unwrap().text(),
            "{prior}"
        );
    }
    // Published totals are not carried over: only leaves.
    let functions = std::fs::read_to_string(root.join("content/2023/101/functions.yaml")).unwrap();
    assert!(
        !functions.contains("name: 合计") && !functions.contains("code: 201,"),
        "{functions}"
    );
    assert!(
        functions.contains("code: 2010105, name: 人大立法, project: 72.90"),
        "{functions}"
    );
    // Same structure: codes, projects and indicator tables.
    let projects = |c: &gongkai_render::Checked| c.disclosure.projects.as_ref().unwrap().projects.len();
    assert_eq!(projects(c2023), projects(c2022));
    assert_eq!(
        c2023.derived.table(TableId::Expenditure).unwrap().rows.len(),
        c2022.derived.table(TableId::Expenditure).unwrap().rows.len()
    );
    // The 2022 folder was not touched.
    assert_eq!(
        std::fs::read(root.join("content/2022/101/functions.yaml")).unwrap(),
        std::fs::read("content/2022/101/functions.yaml").unwrap()
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// The shipped content with 2010105 人大立法 corrected from 72.90 to 72.95,
/// and its published totals with it.
fn corrected_copy(root: &Path) -> PathBuf {
    let content = root.join("content");
    copy_dir(Path::new("content"), &content);
    let d = content.join("2022/101");
    edit(&d.join("functions.yaml"), "project: 72.90 }", "project: 72.95 }");
    edit(
        &d.join("functions.yaml"),
        "basic: 1030.38, project: 574.25 }",
        "basic: 1030.38, project: 574.30 }",
    );
    edit(
        &d.join("functions.yaml"),
        "{ name: 合计, basic: 1526.07, project: 574.25 }",
        "{ name: 合计, basic: 1526.07, project: 574.30 }",
    );
    edit(
        &d.join("projects.yaml"),
        "budget: { fiscal: 72.90 }",
        "budget: { fiscal: 72.95 }",
    );
    edit(
        &d.join("procurement.yaml"),
        "project_budget: 72.90",
        "project_budget: 72.95",
    );
    content
}

#[test]
fn diff_of_a_one_figure_correction_names_the_figure_every_table_sentence_and_output() {
    let root = temp("diff");
    let new_content = corrected_copy(&root);
    let (old, _) = check(Path::new("content"));
    let (new, diags) = check(&new_content);
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let old_files = crate::common::site_files(Path::new("content")).unwrap();
    let new_files = crate::common::site_files(&new_content).unwrap();
    let changes = diff(&old, &new, &old_files, &new_files);
    let lines: Vec<String> = changes.iter().map(ToString::to_string).collect();
    let has = |needle: &str| lines.iter().any(|l| l.contains(needle));

    // The corrected figure, in every table that shows it or a total above it.
    assert!(
        has("部门预算支出总表 2010105 人大立法 项目支出: 72.90 → 72.95"),
        "{lines:#?}"
    );
    assert!(has("部门预算收入总表 2010105 人大立法 合计: 72.90 → 72.95"));
    assert!(has(
        "部门预算一般公共预算财政拨款支出表 2010105 人大立法 项目支出: 72.90 → 72.95"
    ));
    assert!(has(
        "部门预算收支总表 一、一般公共服务支出 支出预算数: 1604.63 → 1604.68"
    ));
    assert!(has("部门预算财政拨款收支总表 收入总计 收入金额: 2100.32 → 2100.37"));
    // The sentences that quote it.
    assert!(has("(expenditure.project): 574.25 → 574.30"));
    assert!(has("(change.project): -122.35 → -122.30"));
    assert!(has("情况说明 `expenditure`"));
    assert!(has("情况说明 `change`"));
    // Untouched figures are not listed.
    assert!(!has("三公"), "{lines:#?}");
    // Every output that changes, and only those.
    for path in [
        "2022/101/index.html",
        "2022/101/disclosure.md",
        "2022/101/disclosure.docx",
        "2022/101/tables/3-expenditure.csv",
    ] {
        assert!(has(&format!("output changed: {path}")), "{path}");
    }
    assert!(
        !lines.iter().any(|l| l.contains("output") && l.contains("2026/")),
        "{lines:#?}"
    );
    assert!(!has("tables/9-sangong.csv"));

    // The correction notice lists the corrected leaves and is published.
    let leaves: Vec<&Change> = changes.iter().filter(|c| gongkai_site::diff::is_source(c)).collect();
    let yaml = gongkai_site::diff::corrections_yaml(None, "2022-03-01", &leaves);
    std::fs::write(new_content.join("2022/101/corrections.yaml"), &yaml).unwrap();
    let (new, diags) = check(&new_content);
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let markdown = &new
        .iter()
        .find(|c| c.disclosure.unit.year == 2022)
        .unwrap()
        .document
        .as_ref()
        .unwrap()
        .markdown;
    assert!(markdown.contains("## 更正说明"), "{markdown}");
    assert!(markdown.contains("部门预算支出总表 2010105 人大立法 项目支出：由 72.90 更正为 72.95"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_rebuild_writes_only_what_changed() {
    let root = temp("incremental");
    let output = root.join("output");
    let old_files = crate::common::site_files(Path::new("content")).unwrap();
    let first = gongkai_site::build::write_atomically(&output, &old_files).unwrap();
    assert_eq!((first.written, first.unchanged), (old_files.len(), 0));
    let again = gongkai_site::build::write_atomically(&output, &old_files).unwrap();
    assert_eq!((again.written, again.unchanged), (0, old_files.len()));

    let new_content = corrected_copy(&root);
    let new_files = crate::common::site_files(&new_content).unwrap();
    let changed = old_files.iter().zip(&new_files).filter(|(a, b)| a != b).count();
    let stats = gongkai_site::build::write_atomically(&output, &new_files).unwrap();
    assert_eq!(stats.written, changed);
    assert!(stats.unchanged > 0 && stats.written < new_files.len());
    // The output holds exactly the new files.
    for f in &new_files {
        assert_eq!(
            std::fs::read(output.join(&f.path)).unwrap(),
            f.bytes,
            "{}",
            f.path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// The writers are the loader's inverse: every file of the shipped
/// department-years, written from the model through the declaration of the
/// content files, loads back from memory without an error and writes the
/// same text again; every file the folder has is written. A section text
/// and a correction notice go the same way.
#[test]
fn every_declared_file_written_from_the_model_loads_back_the_same() {
    use gongkai_content::files;
    use gongkai_content::load::{Files, load, load_disclosure};
    use gongkai_model::codes::SiteCodes;
    use std::collections::BTreeMap;

    for dir in ["content/2022/101", "content/2026/101"] {
        let dir = Path::new(dir);
        let mut diags = Diagnostics::new();
        let mut d = load_disclosure(dir, &SiteCodes::default(), &mut diags).unwrap();
        assert!(!diags.has_errors(), "{}", diags.render_text());
        d.corrections.push(gongkai_model::disclosure::Correction {
            date: "2022-03-01".into(),
            note: Some("对以下数据进行了更正：\"引号\" # 不是注释".into()),
            changes: vec!["表3 合计：由 1 更正为 2".into(), "a: b\n- c".into()],
        });
        d.sections.insert(
            "other".into(),
            gongkai_model::disclosure::Located {
                value: "我部门无其他需要说明的事项。\n".into(),
                loc: d.unit.loc.clone(),
            },
        );
        let written = files::write_all(&d);
        for file in files::yaml_files() {
            if dir.join(file.name).is_file() {
                assert!(written.iter().any(|(n, _)| n == file.name), "{} not written", file.name);
            }
        }
        let memory: BTreeMap<String, Vec<u8>> = written
            .iter()
            .map(|(name, text)| (name.clone(), text.clone().into_bytes()))
            .collect();
        let mut again = Diagnostics::new();
        let d2 = load(Files::Memory(&memory), dir, &SiteCodes::default(), &mut again).unwrap();
        assert!(!again.has_errors(), "{}", again.render_text());
        assert_eq!(d2.corrections[0].changes, d.corrections[0].changes);
        assert_eq!(d2.sections["other"].value, d.sections["other"].value);
        assert_eq!(files::write_all(&d2), written, "{}", dir.display());
    }
}

/// A department-year folder is written all or nothing: a staging folder
/// left by a write that was killed midway is never read as content (its
/// department-year would claim the same identity as the folder beside it)
/// and is reported until it is removed.
#[test]
fn a_staging_folder_left_by_an_interrupted_write_is_reported_not_read() {
    let root = temp("staging-leftover");
    copy_dir(Path::new("content"), &root.join("content"));
    let left = root
        .join("content/2022")
        .join(gongkai_content::load::staging_name("101", "4242-0"));
    copy_dir(&root.join("content/2022/101"), &left);
    std::fs::remove_file(left.join("projects.yaml")).unwrap();
    let (checked, diags) = check(&root.join("content"));
    assert_eq!(checked.len(), 2, "{}", diags.render_text());
    assert!(!diags.has_errors(), "{}", diags.render_text());
    let warning = diags
        .iter()
        .find(|d| d.rule == "write-interrupted")
        .unwrap_or_else(|| panic!("{}", diags.render_text()));
    assert!(
        warning.message.contains(".101.gongkai-staging-4242-0"),
        "{}",
        warning.message
    );
    assert!(
        warning.message.contains("nothing in it is published"),
        "{}",
        warning.message
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// `gongkai new --region` writes the folder of the department-year's
/// identity, `<year>/<region>/<code>`, as its web address.
#[test]
fn new_with_a_region_writes_the_folder_of_its_identity() {
    let root = temp("new-region");
    let content = root.join("content");
    let out = crate::common::gongkai()
        .args([
            "new",
            "--code",
            "101",
            "--name",
            "唐山市丰润区人民代表大会常务委员会办公室",
            "--year",
            "2023",
            "--level",
            "区级",
            "--locality",
            "丰润区",
            "--region",
            "130208",
            "--content",
        ])
        .arg(&content)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let unit = std::fs::read_to_string(content.join("2023/130208/101/unit.yaml")).unwrap();
    assert!(unit.contains("region: \"130208\""), "{unit}");
    assert!(!content.join("2023/101").exists());
    let _ = std::fs::remove_dir_all(&root);
}
