//! Every file accounted for: a folder that looks like a department-year
//! without a readable unit.yaml, a misnamed file, an empty file, a section
//! left out. None of them may build with exit 0 while dropping or
//! inventing a figure.

use crate::common::{copy_dir, gongkai, temp};
use std::path::{Path, PathBuf};

/// A copy of the shipped site in a scratch folder, `edit` applied to its
/// 2022 department-year.
fn site(name: &str, edit: impl Fn(&Path)) -> PathBuf {
    let root = temp(name);
    copy_dir(Path::new("content"), &root.join("content"), false);
    edit(&root.join("content/2022/101"));
    root
}

fn run(root: &Path, args: &[&str]) -> (bool, String) {
    let out = gongkai().current_dir(root).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn a_misnamed_unit_yaml_is_an_error_naming_it_not_a_skipped_folder() {
    for misnamed in ["unit.yml", "Unit.yaml", "unit.yaml.txt", "UNIT.YAML"] {
        let root = site(&format!("unit-misnamed-{}", misnamed.replace('.', "_")), |d| {
            std::fs::rename(d.join("unit.yaml"), d.join(misnamed)).unwrap();
        });
        let (ok, text) = run(&root, &["build"]);
        assert!(!ok, "{misnamed}: {text}");
        assert!(
            text.contains(&format!(
                "content/2022/101/{misnamed}:1:1: error[unit-missing]: `content/2022/101` is not a department-year (it holds assets.yaml, economic.yaml"
            )),
            "{misnamed}: {text}"
        );
        assert!(text.contains(&format!("its unit file is named `{misnamed}`")), "{text}");
        assert!(
            text.contains(&format!("help: rename `{misnamed}` to `unit.yaml`")),
            "{text}"
        );
        assert!(
            !root.join("output").exists(),
            "{misnamed}: published without the department-year"
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}

#[test]
fn content_files_without_any_unit_file_are_an_error() {
    let root = site("unit-absent", |d| std::fs::remove_file(d.join("unit.yaml")).unwrap());
    let (ok, text) = run(&root, &["check"]);
    assert!(!ok);
    assert!(
        text.contains("error[unit-missing]: `content/2022/101` has content files but no unit.yaml"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_misnamed_content_file_is_an_error_and_a_missing_one_a_warning() {
    let root = site("file-misnamed", |d| {
        std::fs::rename(d.join("assets.yaml"), d.join("Assets.yml")).unwrap();
        std::fs::rename(d.join("organisation.yaml"), d.join("organisation.yaml.txt")).unwrap();
    });
    let (ok, text) = run(&root, &["check"]);
    assert!(!ok);
    assert!(
        text.contains("content/2022/101/Assets.yml:1:1: error[file-misnamed]: `Assets.yml` is not read: gongkai reads `assets.yaml`"),
        "{text}"
    );
    assert!(
        text.contains("error[file-misnamed]: `organisation.yaml.txt` is not read: gongkai reads `organisation.yaml`"),
        "{text}"
    );
    std::fs::remove_file(root.join("content/2022/101/Assets.yml")).unwrap();
    std::fs::remove_file(root.join("content/2022/101/organisation.yaml.txt")).unwrap();
    let (ok, text) = run(&root, &["check"]);
    assert!(ok, "a section left out is a warning: {text}");
    assert!(
        text.contains("warning[section-missing]: there is no assets.yaml: the document leaves out 七、国有资产信息"),
        "{text}"
    );
    assert!(
        text.contains("warning[section-missing]: there is no organisation.yaml"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn an_empty_or_blank_assets_file_never_prints_zero() {
    for (case, text) in [
        ("empty", ""),
        ("comments", "# 固定资产\n# total: 12.00\n"),
        ("null-total", "as_of: \"2021-12-31\"\ntotal: ~\n"),
    ] {
        let root = site(&format!("assets-{case}"), |d| {
            std::fs::write(d.join("assets.yaml"), text).unwrap()
        });
        let (ok, out) = run(&root, &["build"]);
        assert!(!ok, "{case}: {out}");
        let rule = if case == "null-total" {
            "assets-none"
        } else {
            "file-empty"
        };
        assert!(
            out.contains(&format!("content/2022/101/assets.yaml:1:1: error[{rule}]")),
            "{case}: {out}"
        );
        assert!(!root.join("output").exists());
        let _ = std::fs::remove_dir_all(&root);
    }
    // Said explicitly, the department publishes its note, not a 0.00.
    let root = site("assets-none-said", |d| {
        std::fs::write(
            d.join("assets.yaml"),
            "as_of: \"2021-12-31\"\nnote: 本部门无固定资产。\n",
        )
        .unwrap()
    });
    let (ok, out) = run(&root, &["build"]);
    assert!(ok, "{out}");
    let doc = std::fs::read_to_string(root.join("output/2022/101/disclosure.md")).unwrap();
    let section = &doc[doc.find("国有资产信息").unwrap()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    assert!(section.contains("本部门无固定资产。"), "{section}");
    assert!(!section.contains("0.00"), "a blank became 0.00: {section}");
    assert!(!section.contains("上年末固定资产金额为"), "{section}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn projects_must_account_for_project_spending() {
    let root = site("projects-empty", |d| {
        std::fs::write(d.join("projects.yaml"), "projects: []\n").unwrap()
    });
    let (ok, out) = run(&root, &["build"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("content/2022/101/projects.yaml:1:1: error[project-sum]: projects.yaml lists no project, but 项目支出 is 574.25 万元"),
        "{out}"
    );
    std::fs::remove_file(root.join("content/2022/101/projects.yaml")).unwrap();
    let (ok, out) = run(&root, &["check"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("error[project-sum]: there is no projects.yaml, but 项目支出 is 574.25 万元"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn empty_procurement_must_say_why() {
    let root = site("procurement-empty", |d| {
        std::fs::write(d.join("procurement.yaml"), "lines: []\n").unwrap();
        // The assets sentence points to procurement for its planned purchase.
        let assets = std::fs::read_to_string(d.join("assets.yaml")).unwrap();
        let kept: String = assets
            .lines()
            .filter(|l| !l.starts_with("planned_purchase"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(d.join("assets.yaml"), kept).unwrap();
    });
    let (ok, out) = run(&root, &["check"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("content/2022/101/procurement.yaml:1:1: error[procurement-none]"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&root);
}
