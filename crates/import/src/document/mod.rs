//! A published document read into its parts: the segmentation every content
//! builder starts from. A [`Source`] (paragraphs and tables in document
//! order, from any reader) becomes a [`Doc`]: the tables it publishes by
//! kind ([`Kind`], recognised by their titles or, failing that, their
//! contents), the paragraphs of each explanatory section ([`Sec`], by their
//! headings), and the performance-target tables of the projects with the
//! text around them. Nothing here knows a content file.
//!
//! - [`kinds`]: the table titles, section headings and project titles
//!   recognised;
//! - [`table`]: a published table's header and data rows, its columns, its
//!   code rows and amount cells;
//! - [`words`]: white space, list numbers, and figures in sentences.

pub(crate) mod kinds;
pub(crate) mod table;
pub(crate) mod words;

pub(crate) use kinds::{Kind, Sec};
pub(crate) use table::PubTable;

use crate::{Block, Source};
use kinds::{is_header_line, project_title};
use std::collections::BTreeMap;
use words::{is_short_title, row_text, squeeze, trim};

/// A performance-target table and what surrounds it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProjectBlock {
    /// The project's name, from the table's title.
    pub(crate) title: String,
    /// The rows of its tables (the unit line, budget, plan, goals, indicators).
    pub(crate) rows: Vec<Vec<String>>,
    /// Paragraphs between its title and the next part.
    pub(crate) paragraphs: Vec<String>,
}

/// A paragraph of a section; `after_table` once a table of the section was printed.
#[derive(Clone, Debug)]
pub(crate) struct Para {
    pub(crate) text: String,
    pub(crate) after_table: bool,
}

/// The document cut into its parts.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    /// The tables found, by kind (the first of each kind).
    pub(crate) tables: BTreeMap<Kind, PubTable>,
    /// The performance-target tables, in document order.
    pub(crate) projects: Vec<ProjectBlock>,
    /// The paragraphs of each section, in document order.
    pub(crate) sections: BTreeMap<Sec, Vec<Para>>,
    /// Paragraphs in document order (for the year of a performance-only document).
    pub(crate) all_paragraphs: Vec<String>,
    /// What the segmentation could not place (an unknown table, a second
    /// table of a kind, a title without its table).
    pub(crate) unplaced: Vec<String>,
}

impl Doc {
    /// Cuts `source` into its parts.
    pub(crate) fn segment(source: &Source) -> Doc {
        let mut doc = Doc::default();
        let mut sec = Sec::Start;
        let mut pending: Option<(Kind, String)> = None;
        let mut last_table: Option<Kind> = None;
        let mut project: Option<usize> = None;
        let mut section_has_table = false;
        // Header lines (unit, 预算年度, 单位) written as paragraphs between a
        // table's title and the table, as in a .docx; they join the table.
        let mut pending_header: Vec<String> = Vec::new();
        for block in &source.blocks {
            match block {
                Block::Paragraph(p) => {
                    let p = trim(p).to_string();
                    if p.is_empty() {
                        continue;
                    }
                    doc.all_paragraphs.push(p.clone());
                    let s = squeeze(&p);
                    let after_table = last_table.take();
                    if (s.starts_with("注：") || s.starts_with("注:"))
                        && let Some(kind) = after_table
                        && let Some(t) = doc.tables.get_mut(&kind)
                        && t.note.is_none()
                    {
                        t.note = Some(p.clone());
                        continue;
                    }
                    if pending.is_some() {
                        let cells: Vec<String> = p
                            .split('\t')
                            .map(|c| trim(c).to_string())
                            .filter(|c| !c.is_empty())
                            .collect();
                        if cells.iter().all(|c| is_header_line(c)) && !cells.is_empty() {
                            pending_header.extend(cells);
                            continue;
                        }
                    }
                    // Part markers: 第一部分 …情况说明, 部门整体绩效目标, 预算项目绩效目标.
                    if (s.starts_with('第') && s.contains("部分") && is_short_title(&p))
                        || s == "部门整体绩效目标"
                        || s == "预算项目绩效目标"
                    {
                        if s.contains("情况说明") {
                            sec = Sec::Preamble;
                            project = None;
                        } else if s.contains("整体绩效目标") {
                            sec = Sec::Performance;
                            project = None;
                        } else if s.contains("项目绩效目标") {
                            if sec != Sec::Performance {
                                sec = Sec::Performance;
                            }
                            project = None;
                        }
                        continue;
                    }
                    if let Some(next) = Sec::of_heading(&p) {
                        sec = next;
                        project = None;
                        section_has_table = false;
                        pending = None;
                        doc.sections.entry(sec).or_default();
                        if next == Sec::Unknown {
                            doc.unplaced.push(format!(
                                "section heading `{p}`: gongkai has no such section; its text follows"
                            ));
                        }
                        continue;
                    }
                    if let Some(name) = project_title(&p) {
                        doc.projects.push(ProjectBlock {
                            title: name,
                            ..Default::default()
                        });
                        project = Some(doc.projects.len() - 1);
                        if sec != Sec::Performance {
                            sec = Sec::Performance;
                        }
                        continue;
                    }
                    if let Some(kind) = Kind::of_title(&p) {
                        pending = Some((kind, p.clone()));
                        project = None;
                        continue;
                    }
                    if s.contains("情况说明") && is_short_title(&p) && !s.contains('，') {
                        // The explanatory part's own title line.
                        if sec == Sec::Start {
                            sec = Sec::Preamble;
                        }
                        continue;
                    }
                    if let Some(i) = project {
                        doc.projects[i].paragraphs.push(p);
                        continue;
                    }
                    doc.sections.entry(sec).or_default().push(Para {
                        text: p,
                        after_table: section_has_table,
                    });
                }
                Block::Table(rows) => {
                    let mut rows: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| r.iter().map(|c| trim(c).to_string()).collect())
                        .collect();
                    if let (Some(i), None) = (project, &pending) {
                        doc.projects[i].rows.extend(rows);
                        last_table = None;
                        continue;
                    }
                    let titled = pending.take();
                    if titled.is_some() && !pending_header.is_empty() {
                        rows.insert(0, std::mem::take(&mut pending_header));
                    }
                    pending_header.clear();
                    let kind = titled
                        .as_ref()
                        .map(|(k, _)| *k)
                        .or_else(|| Kind::of_content(&rows, sec));
                    section_has_table = true;
                    let Some(kind) = kind else {
                        doc.unplaced.push(format!(
                            "{}: a table that is not recognised ({} rows): {}",
                            sec.label(),
                            rows.len(),
                            rows.iter().map(|r| row_text(r)).collect::<Vec<_>>().join(" / ")
                        ));
                        last_table = None;
                        continue;
                    };
                    if doc.tables.contains_key(&kind) {
                        doc.unplaced.push(format!(
                            "a further table `{}` (the first one was imported; a unit's own tables are not imported): {}",
                            titled.map_or_else(|| kind.label().to_string(), |(_, t)| t),
                            rows.iter().map(|r| row_text(r)).collect::<Vec<_>>().join(" / ")
                        ));
                        last_table = None;
                        continue;
                    }
                    doc.tables.insert(
                        kind,
                        PubTable {
                            kind,
                            title: titled.map_or_else(|| kind.label().to_string(), |(_, t)| t),
                            rows,
                            note: None,
                        },
                    );
                    last_table = Some(kind);
                }
            }
        }
        if let Some((kind, title)) = pending {
            doc.unplaced.push(format!(
                "table title `{title}` ({}) is not followed by a table",
                kind.label()
            ));
        }
        doc
    }

    /// The published table of `kind`.
    pub(crate) fn table(&self, kind: Kind) -> Option<&PubTable> {
        self.tables.get(&kind)
    }

    /// The paragraphs of section `sec`.
    pub(crate) fn paragraphs(&self, sec: Sec) -> &[Para] {
        self.sections.get(&sec).map_or(&[], Vec::as_slice)
    }
}
