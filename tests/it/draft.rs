//! The draft build: documents and pages rendered for reviewers even where
//! there are errors, each error marked where it sits under a banner, into a
//! folder of their own; the published output is never touched.

use crate::common::{copy_dir, gongkai, snapshot, temp};
use std::path::{Path, PathBuf};

fn site(name: &str) -> PathBuf {
    let root = temp(name);
    copy_dir(Path::new("content"), &root.join("content"), false);
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
fn a_draft_marks_every_error_where_it_sits_and_never_touches_the_published_output() {
    let root = site("draft-errors");
    let (ok, text) = run(&root, &["build"]);
    assert!(ok, "{text}");
    let published = snapshot(&root.join("output"));
    // Two slips: an empty procurement without its note, and an assets
    // figure that the procurement no longer carries.
    std::fs::write(root.join("content/2022/101/procurement.yaml"), "lines: []\n").unwrap();
    let (ok, text) = run(&root, &["build"]);
    assert!(!ok);
    assert!(text.contains("nothing was written"), "{text}");
    let (ok, text) = run(&root, &["build", "--draft"]);
    assert!(!ok, "a draft of content with errors exits 1: {text}");
    assert!(
        text.contains("drafted 2 department-years into output-draft for review"),
        "{text}"
    );
    assert_eq!(
        snapshot(&root.join("output")),
        published,
        "the published output changed"
    );

    let md = std::fs::read_to_string(root.join("output-draft/2022/101/disclosure.md")).unwrap();
    let banner = md.find("> **草稿：2处错误，不得公开**").expect("banner");
    assert!(
        banner < md.find("## 第一部分").unwrap(),
        "the banner is under the title"
    );
    // Each error under the heading of the part it concerns.
    let procurement = md.find("政府采购预算情况").unwrap();
    let assets = md.find("国有资产信息").unwrap();
    let empty = md
        .find("【错误】content/2022/101/procurement.yaml:1:1")
        .expect("procurement note");
    let purchase = md
        .find("【错误】content/2022/101/assets.yaml:9:19")
        .expect("assets note");
    assert!(procurement < empty && empty < assets && assets < purchase, "{md}");
    for page in [
        "output-draft/2022/101/index.html",
        "output-draft/index.html",
        "output-draft/2022/index.html",
    ] {
        let html = std::fs::read_to_string(root.join(page)).unwrap();
        assert!(html.contains("<strong>草稿：2处错误，不得公开</strong>"), "{page}");
    }
    let page = std::fs::read_to_string(root.join("output-draft/2022/101/index.html")).unwrap();
    assert!(
        page.contains("procurement.yaml lists no line and gives no note"),
        "the page lists its findings"
    );
    assert!(root.join("output-draft/2022/101/disclosure.docx").is_file());
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_draft_never_goes_into_a_published_output_nor_a_build_into_a_draft() {
    let root = site("draft-guard");
    assert!(run(&root, &["build"]).0);
    let (ok, text) = run(&root, &["build", "--draft", "-o", "output"]);
    assert!(!ok);
    assert!(
        text.contains("`output` holds a published build: a draft is written into a folder of its own"),
        "{text}"
    );
    assert!(run(&root, &["build", "--draft"]).0, "clean content drafts with exit 0");
    let (ok, text) = run(&root, &["build", "-o", "output-draft"]);
    assert!(!ok);
    assert!(text.contains("`output-draft` holds a draft"), "{text}");
    // A clean draft has no banner.
    let md = std::fs::read_to_string(root.join("output-draft/2022/101/disclosure.md")).unwrap();
    assert!(!md.contains("草稿"), "{md}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_department_year_whose_files_do_not_load_is_still_drafted() {
    let root = site("draft-load-error");
    let functions = root.join("content/2022/101/functions.yaml");
    let text = std::fs::read_to_string(&functions).unwrap();
    std::fs::write(&functions, text.replacen("basic: 1030.38", "basic: 1030.385", 1)).unwrap();
    let (ok, out) = run(&root, &["build", "--draft"]);
    assert!(!ok);
    assert!(out.contains("error[amount-decimals]"), "{out}");
    let md = std::fs::read_to_string(root.join("output-draft/2022/101/disclosure.md")).unwrap();
    assert!(md.contains("> **草稿：1处错误，不得公开**"), "{md}");
    assert!(md.contains("has 3 decimals"), "the load error is shown: {md}");
    let _ = std::fs::remove_dir_all(&root);
}
