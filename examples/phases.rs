//! Times each stage of building one department-year, to see where a build's
//! time goes: `cargo run --release --example phases [CONTENT] [REPEAT]`.

use gongkai::diag::Diagnostics;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().unwrap_or_else(|| "content".into()));
    let repeat: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(50);
    let dir = gongkai::load::find_disclosures(&content).expect("content")[0].clone();
    let codes = gongkai::codes::SiteCodes::default();
    let narrator = gongkai::render::narrative::Narrator::new(None).expect("templates");
    let portal = gongkai::portal::Portal::new(&content).expect("theme");
    let mut times: Vec<(&str, f64)> = Vec::new();
    let mut add = |name: &'static str, t: Instant| {
        let ms = t.elapsed().as_secs_f64() * 1000.0 / f64::from(repeat);
        match times.iter_mut().find(|(n, _)| *n == name) {
            Some(e) => e.1 += ms,
            None => times.push((name, ms)),
        }
    };
    for _ in 0..repeat {
        let mut diags = Diagnostics::new();
        let t = Instant::now();
        let d = gongkai::load::load_disclosure(&dir, &codes, &mut diags).expect("loads");
        add("load", t);
        let t = Instant::now();
        let derived = gongkai::derive::derive(&d, &mut diags);
        gongkai::check::check(&d, &derived, &mut diags);
        gongkai::prose::check_literals(&d, &mut diags);
        let facts = gongkai::facts::Facts::build(&d, &derived);
        add("derive + check + facts", t);
        let t = Instant::now();
        let document = gongkai::render::document::render(&d, &derived, &facts, &narrator, &mut diags);
        add("document (Markdown, verified)", t);
        let c = gongkai::Checked {
            disclosure: d,
            derived,
            facts,
            document,
        };
        let markdown = c.document.as_ref().map(|x| x.markdown.clone()).unwrap_or_default();
        let t = Instant::now();
        let meta = gongkai::render::docx::DocxMeta {
            title: "t".into(),
            author: "a".into(),
            created: "2022-01-01T00:00:00Z".into(),
        };
        let _ = gongkai::render::docx::markdown_to_docx(&markdown, &meta);
        add("docx", t);
        let t = Instant::now();
        let _ = gongkai::portal::downloads::workbook_xlsx(&c);
        add("xlsx", t);
        let t = Instant::now();
        for table in &c.derived.tables {
            let _ = gongkai::portal::downloads::table_csv(table);
        }
        add("csv", t);
        let t = Instant::now();
        let _ = gongkai::portal::downloads::model_json(&c);
        add("model.json", t);
        let years = gongkai::portal::years_of([&c.disclosure.unit]);
        let t = Instant::now();
        let _ = portal.department(&c, &years, true);
        add("portal page + downloads (incl. xlsx/csv/json again)", t);
        let t = Instant::now();
        let _ = gongkai::portal::search_doc(&c);
        add("search doc", t);
    }
    for (name, ms) in times {
        println!("{ms:8.2} ms  {name}");
    }
}
