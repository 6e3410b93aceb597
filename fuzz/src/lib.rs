//! Helpers shared by the fuzz targets: how a fuzz input is turned into the
//! files or packages gongkai reads. Kept here so the layouts are written
//! once (`make-corpus.py` writes seeds in the same layouts).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// The separator between the files of a `load` input and between the parts
/// of a structured `import_xlsx` input.
pub const SEP: u8 = 0;

/// The files of a department-year in the order of a `load` / `load_fast`
/// input: the YAML files `gongkai_content::files::FILES` declares, in its
/// order (keep `FILES` in `make-corpus.py` in step).
pub fn load_files() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| gongkai_content::files::yaml_files().map(|f| f.name).collect())
}

/// A `load` / `load_fast` input as the named files of a department-year in
/// memory (see [`load_files`]).
pub fn department_files(data: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    split_named(data, load_files())
        .into_iter()
        .map(|(name, bytes)| (name.to_string(), bytes.to_vec()))
        .collect()
}

/// Splits `data` on [`SEP`] and pairs the chunks with `names`, in order;
/// empty chunks (and names past the last chunk) are absent.
pub fn split_named<'a>(data: &'a [u8], names: &[&'static str]) -> Vec<(&'static str, &'a [u8])> {
    names
        .iter()
        .zip(data.split(|&b| b == SEP))
        .filter(|(_, chunk)| !chunk.is_empty())
        .map(|(name, chunk)| (*name, chunk))
        .collect()
}

/// A zip of `parts`, stored (not compressed), deterministic.
pub fn stored_zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::DEFAULT);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(*name, options).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

pub const DOCX_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

pub const DOCX_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A .docx package around `document` (`word/document.xml`).
pub fn docx(document: &[u8]) -> Vec<u8> {
    stored_zip(&[
        ("[Content_Types].xml", DOCX_CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", DOCX_RELS.as_bytes()),
        ("word/document.xml", document),
    ])
}

pub const XLSX_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

pub const XLSX_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

pub const XLSX_WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

pub const XLSX_WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

/// The parts of a structured `import_xlsx` input, in order.
pub const XLSX_PARTS: [&str; 4] = [
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
];

/// A workbook package from a structured input: the NUL-separated parts of
/// [`XLSX_PARTS`] (an absent workbook is one visible sheet, `sheet1.xml`).
pub fn xlsx(data: &[u8]) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", XLSX_CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", XLSX_RELS.as_bytes()),
        ("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS.as_bytes()),
    ];
    let given = split_named(data, &XLSX_PARTS);
    if !given.iter().any(|(name, _)| *name == "xl/workbook.xml") {
        parts.push(("xl/workbook.xml", XLSX_WORKBOOK.as_bytes()));
    }
    parts.extend(given);
    stored_zip(&parts)
}

/// Whether `GONGKAI_FUZZ_VERBOSE` is set: the targets then print how far an
/// input got (for triage, and for `-runs=0` sweeps over a corpus).
pub fn verbose() -> bool {
    static VERBOSE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *VERBOSE.get_or_init(|| std::env::var_os("GONGKAI_FUZZ_VERBOSE").is_some())
}

/// Rules that mean a file is not well-formed content at all (as opposed to
/// content whose figures or codes `check` disputes).
pub const SHAPE_RULES: &[&str] = &[
    "yaml-syntax",
    "yaml-limit",
    "file-encoding",
    "unknown-key",
    "missing-key",
    "duplicate-key",
    "wrong-type",
    "amount-format",
];

/// The import's own output must at least be well-formed content: loads the
/// files `to_content` wrote (in memory) and returns the diagnostics of
/// [`SHAPE_RULES`], each as `rule file:line:column message`.
pub fn misshapen_import(imported: &gongkai_import::content::Imported) -> Vec<String> {
    let files: std::collections::BTreeMap<String, Vec<u8>> = imported
        .files
        .iter()
        .map(|(name, text)| (name.clone(), text.as_bytes().to_vec()))
        .collect();
    let mut diags = gongkai_model::diag::Diagnostics::new();
    let _ = gongkai_content::load::load_in_memory(&files, &mut diags);
    diags
        .iter()
        .filter(|d| SHAPE_RULES.contains(&d.rule))
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d.rule,
                d.loc.file.display(),
                d.loc.line,
                d.loc.column,
                d.message
            )
        })
        .collect()
}

/// `GONGKAI_FUZZ_STRICT`: the import targets then also require the
/// import's output to be well-formed content, and panic ("misshapen
/// import") when it is not, so libFuzzer keeps, and `cargo fuzz tmin`
/// minimizes, such inputs. `1` means any misshapen file; any other value
/// only the findings that contain it (e.g. `economic.yaml`, `unexpected
/// character`), to minimize one kind at a time.
pub fn strict() -> Option<&'static str> {
    static STRICT: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    STRICT
        .get_or_init(|| {
            std::env::var("GONGKAI_FUZZ_STRICT")
                .ok()
                .map(|v| if v == "1" { String::new() } else { v })
        })
        .as_deref()
}

/// For the import targets: in verbose mode, reports what the import made
/// and whether its files are well-formed content (`MISSHAPEN` lines); with
/// `GONGKAI_FUZZ_DUMP=DIR`, writes the files into DIR; in strict mode,
/// panics on misshapen output.
pub fn report_import(
    result: &Result<gongkai_import::content::Imported, gongkai_import::content::ImportError>,
) {
    if !verbose() && strict().is_none() {
        return;
    }
    match result {
        Err(e) => {
            if verbose() {
                eprintln!("import: {e}");
            }
        }
        Ok(im) => {
            let misshapen = misshapen_import(im);
            if verbose() {
                let names: Vec<&str> = im.files.iter().map(|(n, _)| n.as_str()).collect();
                eprintln!("import: {} {} files {names:?}, {} unplaced", im.code, im.year, im.unplaced.len());
                for m in &misshapen {
                    eprintln!("MISSHAPEN {m}");
                }
            }
            if let Some(dir) = std::env::var_os("GONGKAI_FUZZ_DUMP") {
                let dir = std::path::Path::new(&dir);
                let _ = std::fs::create_dir_all(dir);
                for (name, text) in &im.files {
                    let _ = std::fs::write(dir.join(name), text);
                }
            }
            if let Some(only) = strict()
                && misshapen.iter().any(|m| m.contains(only))
            {
                panic!("misshapen import: {}", misshapen.join("; "));
            }
        }
    }
}
