//! `prior.yaml`: last year's figures, worked out from the changes against
//! last year that 二 (收支总计, 基本支出, 项目支出) and 四 (三公) state, and
//! this year's tables. None of them is published as such: each says where
//! it comes from.

use super::Importer;
use super::changes::{parse_change, sangong_change};
use super::functions::{TYPES, Ty};
use super::narrative::{overview_kind, sub_part};
use crate::document::Sec;
use crate::document::words::{fmt2, short};
use gongkai_content::yaml::{Value, Writer};
use rust_decimal::Decimal;

/// Works out last year's figures and writes `prior.yaml`; `None` when the
/// text states no change against last year.
pub(super) fn build(im: &mut Importer<'_>) -> Option<String> {
    Some(write(&im.prior()?))
}

/// A figure of last year: its key, its value, and how it was worked out.
struct Figure {
    key: &'static str,
    value: Decimal,
    how: String,
}

/// Last year's figures as `prior.yaml` holds them.
struct Prior {
    year: u16,
    /// 收支总计, 基本支出, 项目支出.
    figures: Vec<Figure>,
    /// Last year's 三公.
    sangong: Option<PriorSangong>,
}

/// Last year's 三公: how it was worked out, and its items (`None`: not stated).
type PriorSangong = (String, Vec<(&'static str, Option<Decimal>)>);

/// `prior.yaml`.
fn write(p: &Prior) -> String {
    let mut w = Writer::new();
    w.comment(
        0,
        &format!("上年（{}年）数，用于“比上年增减情况”和“三公”经费增减说明", p.year),
    )
    .comment(
        0,
        "以下数字均未直接公开，系由情况说明中的增减数推算（gongkai import）。",
    )
    .key(0, "year", Value::int(p.year), None);
    for f in &p.figures {
        w.comment(0, &f.how).key(0, f.key, Value::number(&fmt2(f.value)), None);
    }
    if let Some((how, items)) = &p.sangong {
        w.comment(0, how).open(0, "sangong");
        for (key, value) in items {
            let value = value.map_or_else(Value::null, |v| Value::number(&fmt2(v)));
            w.key(1, key, value, None);
        }
    }
    w.finish()
}

/// `由“…”推算：now ± delta = now − delta`.
fn worked_out(phrase: &str, now: Decimal, delta: Decimal, tail: &str) -> String {
    format!(
        "由“{phrase}”推算：{} {} {} = {}{tail}",
        fmt2(now),
        if delta.is_sign_negative() { "+" } else { "−" },
        short(delta.abs()),
        fmt2(now - delta)
    )
}

impl Importer<'_> {
    /// Last year's figures from the change sentences of 二 and 四.
    fn prior(&mut self) -> Option<Prior> {
        let year = self.unit.year;
        let mut figures = Vec::new();
        let mut prior_year: Option<u16> = None;
        // 二、3、比上年增减情况
        let overview = self.doc.paragraphs(Sec::Overview).to_vec();
        let mut change = sub_part(&overview, &["比上年", "增减"]);
        if change.is_empty() {
            change = overview
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    !gongkai_derive::prose::find_literals(&p.text).is_empty()
                        && overview_kind(&p.text) == Some("change")
                })
                .map(|(i, p)| (i, p.text.clone()))
                .collect();
        }
        if let Some((index, text)) = change.first() {
            self.used.insert((Sec::Overview, *index));
            let (py, parsed) = parse_change(text, year);
            prior_year = prior_year.or(py);
            let t3 = self.expenditure.clone();
            let this = |ty: Ty| t3.as_ref().map(|t| t.get(&None, ty));
            match parsed.total {
                Some((now, delta, phrase)) => {
                    let now = now.or_else(|| t3.as_ref().map(|t| TYPES.iter().map(|ty| t.get(&None, *ty)).sum()));
                    if let Some(now) = now {
                        figures.push(Figure {
                            key: "total",
                            value: now - delta,
                            how: worked_out(&phrase, now, delta, ""),
                        });
                    }
                }
                None => self.note(format!(
                    "{}: the change against last year was not understood: {}",
                    Sec::Overview.label(),
                    text
                )),
            }
            for (key, ty, part) in [
                ("basic", Ty::Basic, &parsed.basic),
                ("project", Ty::Project, &parsed.project),
            ] {
                if let Some((delta, phrase)) = part
                    && let Some(now) = this(ty)
                {
                    figures.push(Figure {
                        key,
                        value: now - delta,
                        how: worked_out(phrase, now, *delta, ""),
                    });
                }
            }
            for other in &parsed.unknown {
                self.note(format!(
                    "{}: change not placed (gongkai states only 收支总计, 基本支出 and 项目支出): {other}",
                    Sec::Overview.label()
                ));
            }
        }
        // 四、“三公” change against last year.
        let sangong = self.doc.paragraphs(Sec::Sangong).to_vec();
        let mut sangong_prior = None;
        for para in &sangong {
            let Some(change) = sangong_change(&para.text) else {
                continue;
            };
            prior_year = prior_year.or(change.year);
            let now = |k: &str| self.sangong_values.get(k).copied();
            let Some(subtotal) = now("subtotal") else {
                self.note(format!(
                    "{}: the change against last year ({}) was found, but no 三公 table to derive last year's figure from",
                    Sec::Sangong.label(),
                    change.phrase
                ));
                break;
            };
            sangong_prior = Some(match change.delta {
                None => {
                    let mut items = vec![("total", Some(subtotal))];
                    for key in [
                        "abroad",
                        "car_purchase",
                        "car_running",
                        "reception",
                        "meeting",
                        "training",
                    ] {
                        let value = now(key).filter(|v| !v.is_zero());
                        if value.is_some() || !matches!(key, "meeting" | "training") {
                            items.push((key, value));
                        }
                    }
                    (format!("由“{}”推算：上年“三公”经费与本年相同", change.phrase), items)
                }
                Some(delta) => (
                    worked_out(&change.phrase, subtotal, delta, "（明细未公开）"),
                    vec![("total", Some(subtotal - delta))],
                ),
            });
            break;
        }
        if figures.is_empty() && sangong_prior.is_none() {
            return None;
        }
        Some(Prior {
            year: prior_year.unwrap_or(year.saturating_sub(1)),
            figures,
            sangong: sangong_prior,
        })
    }
}
