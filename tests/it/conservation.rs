//! Property: derivation conserves money. For random valid leaves (any codes of
//! the list, any sources, amounts in 万元 or 元), every derived total equals
//! the exact sum of the leaves beneath it, in every table that shows it.

use gongkai_model::amount::{Amount, AmountUnit, parse_amount};
use gongkai_model::codes::CodeLists;
use gongkai_model::diag::Diagnostics;
use gongkai_model::disclosure::{ExpType, Source};
use gongkai_model::table::TableId;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone)]
struct Leaf {
    code: String,
    source: Source,
    amounts: [u64; 5], // in fen (0.01 of the unit)
}

fn leaf_codes() -> Vec<String> {
    CodeLists::builtin(2022)
        .function
        .codes()
        .filter(|(c, _)| c.len() == 7)
        .map(|(c, _)| c.to_string())
        .collect()
}

fn economic_codes() -> Vec<String> {
    CodeLists::builtin(2022)
        .economic
        .codes()
        .filter(|(c, _)| c.len() == 5)
        .map(|(c, _)| c.to_string())
        .collect()
}

fn fen(n: u64) -> String {
    format!("{}.{:02}", n / 100, n % 100)
}

fn leaves() -> impl Strategy<Value = Vec<Leaf>> {
    let codes = leaf_codes();
    let sources = vec![
        Source::General,
        Source::GovFund,
        Source::Business,
        Source::Other,
        Source::CarryoverGeneral,
    ];
    prop::collection::btree_map(
        (prop::sample::select(codes), prop::sample::select(sources)),
        prop::array::uniform5(prop_oneof![3 => Just(0u64), 7 => 0u64..50_000_000]),
        1..25,
    )
    .prop_map(|m| {
        m.into_iter()
            .map(|((code, source), mut amounts)| {
                // Appropriations are spent as basic or project expenditure only.
                if source.fund().is_some() {
                    amounts[2..].fill(0);
                }
                Leaf { code, source, amounts }
            })
            .collect()
    })
}

fn economic_leaves() -> impl Strategy<Value = BTreeMap<String, (u64, u64)>> {
    prop::collection::btree_map(
        prop::sample::select(economic_codes()),
        (0u64..9_000_000, 0u64..9_000_000),
        1..20,
    )
}

static CASE: AtomicUsize = AtomicUsize::new(0);

fn write_case(leaves: &[Leaf], economic: &BTreeMap<String, (u64, u64)>, unit: AmountUnit) -> PathBuf {
    let root = std::env::temp_dir().join(format!(
        "gongkai-conservation-{}-{}",
        std::process::id(),
        CASE.fetch_add(1, Ordering::Relaxed)
    ));
    let dir = root.join("2022/101");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("unit.yaml"),
        format!(
            "code: \"101\"\nname: 测试部门\nlevel: 市级\nlocality: 测试市\nyear: 2022\namount_unit: {}\n",
            unit.label()
        ),
    )
    .unwrap();
    let mut functions = String::from("rows:\n");
    for l in leaves {
        functions.push_str(&format!("  - {{ code: {}, source: {}", l.code, l.source.label()));
        for (key, n) in ["basic", "project", "operating", "remit", "subsidy"]
            .iter()
            .zip(l.amounts)
        {
            if n > 0 {
                functions.push_str(&format!(", {key}: {}", fen(n)));
            }
        }
        functions.push_str(" }\n");
    }
    std::fs::write(dir.join("functions.yaml"), functions).unwrap();
    let mut econ = String::from("rows:\n");
    for (code, (p, q)) in economic {
        econ.push_str(&format!(
            "  - {{ code: {code}, personnel: {}, public: {} }}\n",
            fen(*p),
            fen(*q)
        ));
    }
    std::fs::write(dir.join("economic.yaml"), econ).unwrap();
    root
}

fn amount(n: u64, unit: AmountUnit) -> Amount {
    parse_amount(&fen(n), unit).unwrap().unwrap_or_default()
}

fn exact(fig: Option<&gongkai_model::table::Figure>) -> Decimal {
    fig.map_or(Decimal::ZERO, |f| f.amount.yuan)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn derivation_conserves_money(
        leaves in leaves(),
        economic in economic_leaves(),
        in_yuan in any::<bool>(),
    ) {
        let unit = if in_yuan { AmountUnit::Yuan } else { AmountUnit::Wan };
        let root = write_case(&leaves, &economic, unit);
        let mut diags = Diagnostics::new();
        let checked = crate::common::check_site(&root, &mut diags).unwrap();
        let _ = std::fs::remove_dir_all(&root);
        // Leaves only, nothing declared: no error, except that the random
        // table 6 need not match the random general-budget basic expenditure.
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == gongkai_model::diag::Severity::Error && d.rule != "basic-agree")
            .collect();
        prop_assert!(errors.is_empty(), "{}", diags.render_text());
        let derived = &checked[0].derived;
        let t3 = derived.table(TableId::Expenditure).unwrap();
        let t2 = derived.table(TableId::Revenue).unwrap();
        let t1 = derived.table(TableId::Summary).unwrap();

        // Every code row of table 3, per type, is the sum of the leaves beneath it.
        for row in t3.rows.iter().filter(|r| r.key != "total") {
            for (i, ty) in ExpType::ALL.iter().enumerate() {
                let expected: Decimal = leaves
                    .iter()
                    .filter(|l| l.code.starts_with(&row.key))
                    .map(|l| amount(l.amounts[i], unit).yuan)
                    .sum();
                prop_assert_eq!(exact(t3.figure(&row.key, ty.label())), expected, "{} {}", row.key, ty.label());
            }
        }
        // Grand totals agree across tables 1, 2 and 3 and equal all leaves.
        let all: Decimal = leaves.iter().flat_map(|l| l.amounts.iter().map(move |n| amount(*n, unit).yuan)).sum();
        prop_assert_eq!(exact(t3.figure("total", "合计")), all);
        prop_assert_eq!(exact(t2.figure("total", "合计")), all);
        prop_assert_eq!(exact(t1.figure("total", "支出预算数")), all);
        prop_assert_eq!(exact(t1.figure("total", "收入预算数")), all);
        // Revenue by source: each source's leaves.
        for source in [Source::General, Source::GovFund, Source::Business, Source::Other] {
            let expected: Decimal = leaves
                .iter()
                .filter(|l| l.source == source)
                .flat_map(|l| l.amounts.iter().map(move |n| amount(*n, unit).yuan))
                .sum();
            prop_assert_eq!(derived.key.revenue_by_source[&source].amount.yuan, expected, "{:?}", source);
        }
        // Table 6: 合计 = all economic leaves; each 类 = its 款.
        let t6 = derived.table(TableId::BasicEconomic).unwrap();
        let econ_total: Decimal = economic.values().map(|(p, q)| amount(*p, unit).yuan + amount(*q, unit).yuan).sum();
        prop_assert_eq!(exact(t6.figure("total", "合计")), econ_total);
        for row in t6.rows.iter().filter(|r| r.key.len() == 3) {
            let expected: Decimal = economic
                .iter()
                .filter(|(c, _)| c.starts_with(&row.key))
                .map(|(_, (p, _))| amount(*p, unit).yuan)
                .sum();
            prop_assert_eq!(exact(t6.figure(&row.key, "人员经费")), expected);
        }
        // What a table shows is the exact figure rounded half away from zero.
        for row in &t3.rows {
            for cell in &row.cells {
                if let Some(f) = cell.figure() {
                    prop_assert_eq!(f.shown, f.amount.wan());
                }
            }
        }
    }
}
