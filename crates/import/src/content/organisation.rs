//! `organisation.yaml`: the units of the 机构设置 table of 一, as model
//! values written by the content crate's own writer.

use super::Importer;
use crate::document::Kind;
use crate::document::words::{code_and_name, one_line, row_text, squeeze, trim};
use gongkai_model::disclosure::OrgUnit;

/// Reads the 机构设置 table and writes `organisation.yaml`; `None` without it.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    Some(gongkai_content::write::organisation(&im.organisation()?))
}

impl Importer<'_> {
    /// The units of the 机构设置 table, columns found from its header.
    fn organisation(&mut self) -> Option<Vec<OrgUnit>> {
        let t = self.doc.table(Kind::Organisation)?.clone();
        let head: Vec<String> = t
            .head_rows()
            .last()
            .map(|r| r.iter().map(|c| squeeze(c)).collect())
            .unwrap_or_default();
        let find = |keys: &[&str]| head.iter().position(|c| keys.iter().any(|k| c.contains(k)));
        let code_col = find(&["编码", "代码"]);
        let name_col = find(&["名称"]).unwrap_or(0);
        let kind_col = find(&["性质"]);
        let rank_col = find(&["规格", "级别"]);
        let funding_col = find(&["经费"]);
        let known: Vec<usize> = [code_col, Some(name_col), kind_col, rank_col, funding_col]
            .iter()
            .flatten()
            .copied()
            .collect();
        let mut units = Vec::new();
        for row in t.data() {
            let cell = |c: Option<usize>| c.and_then(|j| row.get(j)).map(|s| one_line(s)).unwrap_or_default();
            let mut name = cell(Some(name_col));
            let mut code = cell(code_col);
            if code.is_empty()
                && let Some((c, n)) = code_and_name(&name)
                && c.len() >= 6
            {
                code = c;
                name = n;
            }
            if name.is_empty() {
                self.note(format!(
                    "{}: row without a unit name not placed: {}",
                    t.title,
                    row_text(row)
                ));
                continue;
            }
            for (j, c) in row.iter().enumerate() {
                if !known.contains(&j) && !trim(c).is_empty() {
                    self.note(format!("{}: `{name}`: cell `{}` not placed", t.title, one_line(c)));
                }
            }
            let opt = |text: String| (!text.is_empty()).then_some(text);
            units.push(OrgUnit {
                code: opt(code),
                name,
                kind: opt(cell(kind_col)),
                rank: opt(cell(rank_col)),
                funding: opt(cell(funding_col)),
            });
        }
        if let Some(note) = &t.note {
            self.note(format!("{}: note not placed: {note}", t.title));
        }
        Some(units)
    }
}
