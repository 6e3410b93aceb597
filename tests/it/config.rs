//! The site configuration, `gongkai.toml`: what it changes in the pages, how
//! a slip in it is reported, and that a change to it is never served from
//! the cache.

use crate::common::{copy_dir, gongkai, temp};
use std::path::Path;

/// A copy of the shipped site (content only) in a scratch folder, with
/// `config` as its gongkai.toml when given.
fn site(name: &str, config: Option<&str>) -> std::path::PathBuf {
    let root = temp(name);
    copy_dir(Path::new("content"), &root.join("content"), false);
    if let Some(text) = config {
        std::fs::write(root.join("gongkai.toml"), text).unwrap();
    }
    root
}

fn page(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join("output").join(path)).unwrap()
}

#[test]
fn the_site_names_its_publisher_and_contact_on_every_page() {
    let root = site(
        "config-footer",
        Some(
            "title = \"张家口市部门预算公开\"\npublisher = \"张家口市财政局\"\ncontact = \"0313-1234567\"\nbase_url = \"https://czj.example.gov.cn/yusuan\"\n",
        ),
    );
    let out = gongkai().current_dir(&root).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for path in [
        "index.html",
        "2022/index.html",
        "2022/101/index.html",
        "departments/101/index.html",
    ] {
        let html = page(&root, path);
        assert!(
            html.contains("<p>主办单位：张家口市财政局　联系方式：0313-1234567</p>"),
            "{path}: no publisher in the footer"
        );
        assert!(
            html.contains(">张家口市部门预算公开</a>"),
            "{path}: the header does not name the site"
        );
    }
    assert!(page(&root, "index.html").contains("<title>张家口市部门预算公开</title>"));
    // base_url gains its trailing slash; each page's canonical address is its permalink.
    assert!(
        page(&root, "2022/101/index.html")
            .contains("<link rel=\"canonical\" href=\"https://czj.example.gov.cn/yusuan/2022/101/\">")
    );
    assert!(page(&root, "index.html").contains("<link rel=\"canonical\" href=\"https://czj.example.gov.cn/yusuan/\">"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn without_the_file_the_pages_say_what_they_always_said() {
    let root = site("config-none", None);
    let out = gongkai().current_dir(&root).arg("build").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = page(&root, "2022/101/index.html");
    assert!(!html.contains("主办单位"));
    assert!(!html.contains("rel=\"canonical\""));
    assert!(html.contains("<a class=\"home\" href=\"../../\">部门预算公开</a>"));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_misspelt_key_is_an_error_at_its_line_with_the_key_it_meant() {
    let root = site("config-typo", Some("title = \"x\"\npublsher = \"张家口市财政局\"\n"));
    let out = gongkai().current_dir(&root).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gongkai.toml:2:1: error[config]: gongkai.toml: unknown field `publsher`"),
        "{text}"
    );
    assert!(text.contains("help: did you mean `publisher`?"), "{text}");
    let out = gongkai().current_dir(&root).arg("build").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !root.join("output").exists(),
        "a site with a broken configuration was published"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_missing_theme_folder_and_a_relative_base_url_are_errors_at_their_keys() {
    let root = site(
        "config-paths",
        Some("base_url = \"czj.example.gov.cn\"\ntheme = \"mythemes\"\n"),
    );
    let out = gongkai().current_dir(&root).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gongkai.toml:1:1: error[config]: base_url `czj.example.gov.cn` is not an http(s) address"),
        "{text}"
    );
    assert!(
        text.contains("gongkai.toml:2:1: error[config]: theme folder `"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_changed_configuration_renders_the_pages_again() {
    let root = site("config-cache", Some("publisher = \"甲\"\n"));
    let build = || {
        let out = gongkai().current_dir(&root).arg("build").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    build();
    assert!(page(&root, "2022/101/index.html").contains("主办单位：甲"));
    std::fs::write(root.join("gongkai.toml"), "publisher = \"乙\"\n").unwrap();
    build();
    assert!(
        page(&root, "2022/101/index.html").contains("主办单位：乙"),
        "a cached page kept the old publisher"
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn proofreading_can_be_switched_off_for_a_site() {
    let root = temp("config-proofreading");
    copy_dir(
        Path::new("tests/fixtures/check/proofreading/content"),
        &root.join("content"),
        false,
    );
    let check = || {
        let out = gongkai().current_dir(&root).arg("check").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(check().matches("warning[proof-").count(), 6);
    std::fs::write(root.join("gongkai.toml"), "[check]\nproofreading = false\n").unwrap();
    let text = check();
    assert!(!text.contains("proof-"), "{text}");
    let _ = std::fs::remove_dir_all(&root);
}
