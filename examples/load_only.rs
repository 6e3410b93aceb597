//! Loads one department-year repeatedly (for profiling the loader).
fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "content/2022/101".into()));
    let codes = gongkai_model::codes::SiteCodes::default();
    for _ in 0..20 {
        let mut diags = gongkai_model::diag::Diagnostics::new();
        let _ = gongkai_content::load::load_disclosure(&dir, &codes, &mut diags);
    }
}
