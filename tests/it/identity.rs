//! Identity: a site of a whole province holds every county's department 101,
//! and two folders never silently claim one department-year.

use crate::common::{copy_dir, gongkai, temp};
use std::path::{Path, PathBuf};

/// The shipped 2022 department-year copied to `content/<folder>`, its
/// unit.yaml edited by `edit`.
fn department(content: &Path, folder: &str, edit: impl Fn(String) -> String) {
    let dir = content.join(folder);
    copy_dir(Path::new("content/2022/101"), &dir, false);
    let unit = std::fs::read_to_string(dir.join("unit.yaml")).unwrap();
    std::fs::write(dir.join("unit.yaml"), edit(unit)).unwrap();
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

fn set_region(region: &'static str, locality: &'static str) -> impl Fn(String) -> String {
    move |unit: String| {
        unit.replace("locality: 张家口市", &format!("locality: {locality}"))
            .replace("year: 2022", &format!("year: 2022\nregion: \"{region}\""))
    }
}

#[test]
fn two_counties_department_101_are_both_published() {
    let root = temp("identity-two-counties");
    let content = root.join("content");
    department(&content, "2022/130208/101", set_region("130208", "丰润区"));
    department(&content, "2022/130532/101", set_region("130532", "平乡县"));
    let (ok, text) = run(&root, &["build"]);
    assert!(ok, "{text}");
    assert!(!text.contains("warning["), "{text}");
    let out = root.join("output");
    for region in ["130208", "130532"] {
        let page = std::fs::read_to_string(out.join(format!("2022/{region}/101/index.html"))).unwrap();
        // Three levels down: links to the site root climb three folders.
        assert!(page.contains("href=\"../../../static/style.css\""), "{region}");
        assert!(out.join(format!("2022/{region}/101/disclosure.docx")).is_file());
    }
    let year = std::fs::read_to_string(out.join("2022/index.html")).unwrap();
    assert!(
        year.contains("href=\"../2022/130208/101/\"") || year.contains("href=\"130208/101/\""),
        "{year}"
    );
    assert_eq!(
        year.matches("/101/\"").count(),
        2,
        "the year page lists each county's 101 once"
    );
    let figures = std::fs::read_to_string(out.join("data/key-figures.csv")).unwrap();
    assert!(figures.contains(",预算,130208,101,部门,,"), "{figures}");
    assert!(figures.contains(",预算,130532,101,部门,,"), "{figures}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_backup_copy_of_a_folder_is_an_error_naming_both_and_nothing_is_published() {
    let root = temp("identity-backup");
    let content = root.join("content");
    department(&content, "2022/101", |u| u);
    department(&content, "2022/101 - 副本", |u| u);
    let (ok, text) = run(&root, &["build"]);
    assert!(!ok);
    assert!(
        text.contains("content/2022/101/unit.yaml:1:1: error[identity-duplicate]: 2022年 101 is also published by `content/2022/101 - 副本`"),
        "{text}"
    );
    assert!(
        text.contains("content/2022/101 - 副本/unit.yaml:1:1: error[identity-duplicate]: 2022年 101 is also published by `content/2022/101`"),
        "{text}"
    );
    assert!(
        text.contains("warning[folder-name]: the folder is named `101 - 副本`"),
        "{text}"
    );
    assert!(
        !root.join("output").exists(),
        "a site with two claims to one department-year was published"
    );
    // check says the same, with or without its cache.
    for args in [&["check"][..], &["check", "--no-cache"][..], &["check"][..]] {
        let (ok, text) = run(&root, args);
        assert!(!ok, "{args:?}");
        assert_eq!(text.matches("error[identity-duplicate]").count(), 2, "{args:?}: {text}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_mistyped_year_is_reported_where_it_was_typed() {
    let root = temp("identity-year");
    let content = root.join("content");
    department(&content, "2022/101", |u| u);
    department(&content, "2023/101", |u| u);
    let (ok, text) = run(&root, &["check"]);
    assert!(!ok);
    assert!(text.contains("content/2023/101/unit.yaml:1:1: warning[folder-name]: the folder is under `2023` but unit.yaml says year 2022"), "{text}");
    assert!(
        text.contains("error[identity-duplicate]: 2022年 101 is also published by `content/2023/101`"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn phase_scope_and_region_are_checked_and_name_the_address() {
    let root = temp("identity-fields");
    let content = root.join("content");
    department(&content, "2022/310107/101/101001", |u| {
        u.replace(
            "year: 2022",
            "year: 2022\nregion: \"310107\"\nphase: 决算\nscope: 单位\nunit_code: \"101001\"",
        )
    });
    department(&content, "2022/bad", |u| {
        u.replace(
            "year: 2022",
            "year: 2022\nregion: \"张北县\"\nphase: 预决算\nscope: 单位",
        )
    });
    let (ok, text) = run(&root, &["check"]);
    assert!(!ok);
    let bad = PathBuf::from("content/2022/bad/unit.yaml").display().to_string();
    assert!(
        text.contains(&format!("{bad}:8:9: error[unit-region]: `张北县` is not a 区划代码")),
        "{text}"
    );
    assert!(
        text.contains(&format!("{bad}:9:8: error[unit-phase]: unknown phase `预决算`")),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{bad}:10:8: error[unit-code]: a 单位 budget needs the unit's code"
        )),
        "{text}"
    );
    std::fs::remove_dir_all(content.join("2022/bad")).unwrap();
    let (ok, text) = run(&root, &["build"]);
    assert!(ok, "{text}");
    let page = root.join("output/2022/juesuan/310107/101/101001/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("2022年单位决算"), "the title names the scope and phase");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_department_year_gone_since_the_last_build_is_named() {
    let root = temp("identity-gone");
    copy_dir(Path::new("content"), &root.join("content"), false);
    let (ok, text) = run(&root, &["build"]);
    assert!(ok, "{text}");
    assert!(!text.contains("no longer in the content"), "{text}");
    std::fs::remove_dir_all(root.join("content/2026/101")).unwrap();
    let (ok, text) = run(&root, &["build"]);
    assert!(ok, "{text}");
    assert!(
        text.contains(
            "1 department-year published by the last build is no longer in the content, and its pages are removed:\n  - 2026/101/ 张家口市人民代表大会常务委员会办公室"
        ),
        "{text}"
    );
    assert!(!root.join("output/2026/101/index.html").exists());
    // Said once: the build after that has nothing to report.
    let (ok, text) = run(&root, &["build"]);
    assert!(ok && !text.contains("no longer in the content"), "{text}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_region_that_is_not_the_locality_is_a_warning() {
    let root = temp("identity-region-locality");
    let content = root.join("content");
    department(&content, "2022/130208/101", set_region("130208", "平乡县"));
    department(&content, "2022/139999/101", set_region("139999", "丰润区"));
    department(&content, "2022/130532/101", set_region("130532", "平乡县"));
    let (ok, text) = run(&root, &["check"]);
    assert!(ok, "warnings only: {text}");
    assert!(
        text.contains("content/2022/130208/101/unit.yaml:8:9: warning[unit-region]: region 130208 is 河北省唐山市丰润区, but locality `平乡县` is 河北省邢台市平乡县 (130532)"),
        "{text}"
    );
    assert!(
        text.contains(
            "content/2022/139999/101/unit.yaml:8:9: warning[unit-region]: `139999` is not in the list of 区划代码"
        ),
        "{text}"
    );
    assert_eq!(text.matches("warning[unit-region]").count(), 2, "{text}");
    let _ = std::fs::remove_dir_all(&root);
}
