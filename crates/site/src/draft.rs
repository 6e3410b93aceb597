//! The draft build (`gongkai build --draft`): documents and pages rendered
//! even where there are errors, for the reviewers, into their own folder
//! (`output-draft/` by default), never the published output. Every page and
//! document carries the banner 草稿：N处错误，不得公开, and each finding is set
//! under the heading of the part it concerns ([`gongkai_render::draft`]).
//!
//! This module knows which content file (and which key of `narrative.yaml`)
//! feeds which part of the document.

use crate::Error;
use gongkai_model::diag::{Diagnostic, Diagnostics, Severity};
use gongkai_model::table::TableId;
use gongkai_render::draft::{Anchor, Draft, Note};
use gongkai_render::output::OutputFile;
use std::path::{Path, PathBuf};

/// The file that marks a draft output folder.
pub const MARKER: &str = ".gongkai-draft";

/// The draft marker of a build with `errors` errors.
pub(crate) fn marker(errors: usize) -> OutputFile {
    OutputFile {
        path: PathBuf::from(MARKER),
        bytes: format!("草稿：{errors}处错误，不得公开\n").into_bytes(),
    }
}

/// Refuses a draft build into a folder that holds a published build, and a
/// build into a folder that holds a draft: a draft never reaches the
/// published output, and a published output never sits in a draft folder.
pub(crate) fn guard(output: &Path, draft: bool) -> Result<(), Error> {
    let holds = |name: &str| output.join(name).is_file();
    if draft && holds(crate::build::PUBLISHED) && !holds(MARKER) {
        return Err(Error::NotForDrafts {
            path: output.to_path_buf(),
            reason: "holds a published build: a draft is written into a folder of its own (the default is output-draft)",
        });
    }
    if !draft && holds(MARKER) {
        return Err(Error::NotForDrafts {
            path: output.to_path_buf(),
            reason: "holds a draft: publish into another folder (the default is output), or delete the draft first",
        });
    }
    Ok(())
}

/// The draft of a department-year with these findings: `None` when it has
/// no error (it is then rendered as it would be published).
pub fn of(diags: &Diagnostics) -> Option<Draft> {
    let errors = diags.count(Severity::Error);
    if errors == 0 {
        return None;
    }
    let notes = diags
        .sorted()
        .into_iter()
        .map(|d| Note {
            anchor: anchor(d, diags),
            severity: d.severity.label(),
            text: format!(
                "{}:{}:{}: {}",
                d.loc.file.display(),
                d.loc.line,
                d.loc.column,
                d.message
            ),
        })
        .collect();
    Some(Draft { errors, notes })
}

/// Where a finding is shown: under the part of the document its file
/// feeds.
fn anchor(d: &Diagnostic, diags: &Diagnostics) -> Anchor {
    let file = d.loc.file.as_ref();
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let in_sections = file.parent().and_then(Path::file_name).is_some_and(|p| p == "sections");
    if in_sections {
        return section(name.trim_end_matches(".md"));
    }
    match name {
        "functions.yaml" | "published.yaml" => Anchor::Heading(TableId::Summary.title()),
        "economic.yaml" => Anchor::Heading(TableId::BasicEconomic.title()),
        "sangong.yaml" => Anchor::Heading(TableId::Sangong.title()),
        "projects.yaml" => Anchor::Heading("预算绩效信息"),
        "procurement.yaml" => Anchor::Heading("政府采购预算情况"),
        "assets.yaml" => Anchor::Heading("国有资产信息"),
        "organisation.yaml" => Anchor::Heading("部门职责及机构设置情况"),
        "prior.yaml" => Anchor::Heading("部门预算安排的总体情况"),
        "narrative.yaml" => narrative_key(diags, file, d.loc.line).map_or(Anchor::Top, section),
        _ => Anchor::Top,
    }
}

/// The heading of a section of the 情况说明, by the id author files and
/// narrative keys use.
fn section(id: &str) -> Anchor {
    Anchor::Heading(match id {
        "duties" => "部门职责及机构设置情况",
        "overview" | "income" | "expenditure" | "change" | "project_purposes" | "change_reasons" => {
            "部门预算安排的总体情况"
        }
        "running-costs" | "running_costs_use" => "机关运行经费安排情况",
        "sangong" | "sangong_change" => "财政拨款“三公”经费预算情况",
        "performance" => "预算绩效信息",
        "procurement" | "procurement_intro" => "政府采购预算情况",
        "assets" => "国有资产信息",
        "glossary" => "名词解释",
        "other" | "other_matters" => "其他需要说明的事项",
        _ => "第二部分",
    })
}

/// The top-level key of `narrative.yaml` a line belongs to (the nearest
/// unindented `key:` at or above it), read from the source the findings
/// keep.
fn narrative_key<'a>(diags: &'a Diagnostics, file: &Path, line: u32) -> Option<&'a str> {
    (1..=line).rev().find_map(|l| {
        let text = diags.source_line(file, l)?;
        let key = text.split_once(':')?.0;
        (!text.starts_with([' ', '\t', '-', '#']) && !key.is_empty()).then_some(key.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_model::diag::Loc;
    use std::sync::Arc;

    #[test]
    fn findings_go_under_the_part_their_file_feeds() {
        let mut diags = Diagnostics::new();
        let narrative: Arc<Path> = Arc::from(Path::new("content/2022/101/narrative.yaml"));
        diags.add_source(
            narrative.clone(),
            Arc::from("preamble:\n  - 开头。\nsangong_change: 主要原因是。\nother_matters:\n  - 无。\n"),
        );
        let at = |file: &str, line| Loc {
            file: Arc::from(Path::new(file)),
            line,
            column: 1,
            len: 0,
        };
        diags.error("total-mismatch", at("content/2022/101/assets.yaml", 3), "资产总额");
        diags.warning("proof-empty-reason", at("content/2022/101/narrative.yaml", 3), "原因");
        diags.warning("x", at("content/2022/101/sections/other.md", 1), "其他");
        diags.error("unit-region", at("content/2022/101/unit.yaml", 8), "区划");
        let draft = of(&diags).expect("errors make a draft");
        assert_eq!(draft.errors, 2);
        let anchors: Vec<&Anchor> = draft.notes.iter().map(|n| &n.anchor).collect();
        assert_eq!(
            anchors,
            [
                &Anchor::Heading("国有资产信息"),
                &Anchor::Heading("财政拨款“三公”经费预算情况"),
                &Anchor::Heading("其他需要说明的事项"),
                &Anchor::Top,
            ]
        );
        assert!(of(&Diagnostics::new()).is_none());
    }
}
