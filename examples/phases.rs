//! Times each stage of building one department-year, to see where a build's
//! time goes: `cargo run --release --example phases [CONTENT] [REPEAT]`.

use gongkai_model::diag::Diagnostics;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().unwrap_or_else(|| "content".into()));
    let repeat: u32 = args.next().and_then(|r| r.parse().ok()).unwrap_or(50);
    let dir = gongkai_content::load::find_disclosures(&content).expect("content")[0].clone();
    let codes = gongkai_model::codes::SiteCodes::default();
    let narrator = gongkai_render::narrative::Narrator::new(None).expect("templates");
    let portal = gongkai_portal::Portal::new(&gongkai_model::config::SiteConfig::defaults(&content)).expect("theme");
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
        let d = gongkai_content::load::load_disclosure(&dir, &codes, &mut diags).expect("loads");
        add("load", t);
        let t = Instant::now();
        let derived = gongkai_derive::derive::derive(&d, &mut diags);
        gongkai_derive::check::check(&d, &derived, &mut diags);
        gongkai_derive::prose::check_literals(&d, &mut diags);
        let facts = gongkai_derive::facts::Facts::build(&d, &derived);
        add("derive + check + facts", t);
        let t = Instant::now();
        let document = gongkai_render::document::render(&d, &derived, &facts, &narrator, &mut diags);
        add("document (Markdown, verified)", t);
        let c = gongkai_render::Checked {
            disclosure: d,
            derived,
            facts,
            document,
            draft: None,
        };
        let markdown = c.document.as_ref().map(|x| x.markdown.clone()).unwrap_or_default();
        let t = Instant::now();
        let meta = gongkai_render::docx::DocxMeta {
            title: "t".into(),
            author: "a".into(),
            created: "2022-01-01T00:00:00Z".into(),
        };
        let _ = gongkai_render::docx::markdown_to_docx(&markdown, &meta);
        add("docx", t);
        let t = Instant::now();
        let _ = gongkai_portal::downloads::workbook_xlsx(&c);
        add("xlsx", t);
        let t = Instant::now();
        for table in &c.derived.tables {
            let _ = gongkai_portal::downloads::table_csv(table);
        }
        add("csv", t);
        let t = Instant::now();
        let _ = gongkai_portal::downloads::model_json(&c);
        add("model.json", t);
        let years = gongkai_portal::years_of([&c.disclosure.unit.identity()]);
        let t = Instant::now();
        let _ = portal.department(&c, &years, true);
        add("portal page + downloads (incl. xlsx/csv/json again)", t);
        let t = Instant::now();
        let _ = gongkai_portal::search_doc(&c);
        add("search doc", t);
    }
    for (name, ms) in times {
        println!("{ms:8.2} ms  {name}");
    }
}
