//! The off switches of the two hand-written twins of maintained crates:
//!
//! - `GONGKAI_FAST_YAML=0`: every content file is parsed by serde-saphyr
//!   alone, without the fast front end (`gongkai_content::fast`); `check`
//!   prints the same findings at the same positions and `build` writes the
//!   same site, byte for byte;
//! - `GONGKAI_OWN_XLSX=0`: `tables.xlsx` is written by rust_xlsxwriter
//!   instead of gongkai's own writer (`gongkai_ooxml::xlsx`); the workbook
//!   reads back with the same cells, and its package carries the same
//!   styles, merged ranges, widths, frozen rows, page setup, hidden sheets
//!   and properties; the same input gives the same bytes.
//!
//! The switches are read once per process, so they are tested through the
//! binary; the writers are also called directly ([`Writer`]).

use crate::common::{copy_dir, gongkai, snapshot, temp};
use gongkai_import::xlsx;
use gongkai_model::diag::Diagnostics;
use gongkai_ooxml::xlsx::{Align, Properties, Style, StyleId, Value, Workbook, Writer};
use gongkai_portal::downloads::workbook_xlsx_with;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

/// Runs the binary with `env` set (and the other switch unset).
fn run(env: &[(&str, &str)], args: &[&std::ffi::OsStr]) -> Output {
    let mut command = gongkai();
    command.env_remove("GONGKAI_FAST_YAML").env_remove("GONGKAI_OWN_XLSX");
    for (k, v) in env {
        command.env(k, v);
    }
    command.args(args).output().expect("gongkai runs")
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

// ---------------------------------------------------------------------------
// GONGKAI_FAST_YAML=0

/// The content folders checked: the shipped site and every check fixture
/// (each one class of bad input, so most findings and every YAML error).
fn checked_folders() -> Vec<PathBuf> {
    let mut folders = vec![PathBuf::from("content")];
    let mut cases: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/check")
        .expect("fixtures")
        .map(|e| e.expect("entry").path().join("content"))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    folders.extend(cases);
    folders
}

#[test]
fn without_the_fast_yaml_front_end_check_finds_the_same() {
    let folders = checked_folders();
    assert!(folders.len() > 30, "{folders:?}");
    for dir in folders {
        let args = [
            os("check"),
            os("--no-cache"),
            os("--format"),
            os("json"),
            dir.as_os_str(),
        ];
        let fast = run(&[], &args);
        let saphyr = run(&[("GONGKAI_FAST_YAML", "0")], &args);
        let shown = |o: &Output| {
            format!(
                "{}\n{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            )
        };
        assert_eq!(fast.status.code(), saphyr.status.code(), "{}", dir.display());
        assert_eq!(
            shown(&fast),
            shown(&saphyr),
            "{}: findings differ without the fast front end",
            dir.display()
        );
    }
}

#[test]
fn without_the_fast_yaml_front_end_build_writes_the_same_site() {
    let root = temp("twins-yaml");
    let fast_out = root.join("fast");
    let saphyr_out = root.join("saphyr");
    for (env, out) in [(None, &fast_out), (Some(("GONGKAI_FAST_YAML", "0")), &saphyr_out)] {
        let env: Vec<(&str, &str)> = env.into_iter().collect();
        let o = run(
            &env,
            &[os("build"), os("--no-cache"), os("content"), os("-o"), out.as_os_str()],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let fast = snapshot(&fast_out);
    assert!(fast.len() > 20, "{} files", fast.len());
    assert!(fast == snapshot(&saphyr_out), "the sites differ");
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------
// GONGKAI_OWN_XLSX=0

fn shipped() -> &'static [gongkai_render::Checked] {
    static SITE: OnceLock<Vec<gongkai_render::Checked>> = OnceLock::new();
    SITE.get_or_init(|| {
        let mut diags = Diagnostics::new();
        let checked = crate::common::check_site(Path::new("content"), &mut diags).expect("content loads");
        assert!(!diags.has_errors(), "{}", diags.render_text());
        checked
    })
}

/// The department-years of the shipped content that have tables.
fn with_tables() -> Vec<&'static gongkai_render::Checked> {
    let years: Vec<_> = shipped().iter().filter(|c| !c.derived.tables.is_empty()).collect();
    assert!(!years.is_empty());
    years
}

#[test]
fn both_xlsx_writers_give_the_same_cells_for_the_shipped_content() {
    for c in with_tables() {
        let own = workbook_xlsx_with(c, Writer::Own).expect("own writer");
        let library = workbook_xlsx_with(c, Writer::RustXlsxwriter).expect("rust_xlsxwriter");
        assert_ne!(own, library, "two writers, two packages");
        // gongkai's own reader: the cells as displayed, sheet by sheet.
        let own_read = xlsx::read(&own).expect("own workbook reads back");
        let library_read = xlsx::read(&library).expect("rust_xlsxwriter workbook reads back");
        assert!(own_read.blocks.len() > 9 * 4, "{} blocks", own_read.blocks.len());
        assert_eq!(own_read.blocks.len(), library_read.blocks.len());
        for (i, (a, b)) in own_read.blocks.iter().zip(&library_read.blocks).enumerate() {
            assert_eq!(a, b, "block {i}");
        }
        // And the package: every cell's value and look, merges, widths, …
        let own = Package::read(&own);
        let library = Package::read(&library);
        assert_eq!(own.sheets.len(), c.derived.tables.len());
        assert_same_package(&own, &library);
    }
}

/// A workbook with every feature the writers offer: a hidden first sheet,
/// each kind of value, every style option, merges (a blank one, a tall one),
/// widths, heights, frozen rows and the page setup.
fn every_feature<'a>() -> Workbook<'a> {
    let mut wb = Workbook::new(Properties {
        title: "标题 <&> \"quoted\"".into(),
        author: "作者".into(),
        created: (2024, 2, 29),
    });
    let bold = wb.add_style(Style {
        bold: true,
        size: Some(16),
        align: Align::Center,
        ..Style::default()
    });
    let boxed = wb.add_style(Style {
        border: true,
        wrap: true,
        vertical_center: true,
        align: Align::Right,
        ..Style::default()
    });
    let indented = wb.add_style(Style {
        indent: 2,
        border: true,
        ..Style::default()
    });
    let money = wb.add_style(Style {
        number_format: Some("#,##0.00;[Red]-#,##0.00".into()),
        ..Style::default()
    });
    let left = wb.add_style(Style {
        align: Align::Left,
        size: Some(9),
        number_format: Some("0.00".into()),
        ..Style::default()
    });
    let hidden = wb.add_worksheet("隐藏").unwrap();
    hidden.write(0, 0, "not shown", StyleId::DEFAULT).unwrap();
    hidden.hide();
    let ws = wb.add_worksheet("表 A").unwrap();
    ws.merge((0, 0), (0, 4), "标题", bold).unwrap();
    ws.merge((1, 0), (3, 1), Value::Blank, boxed).unwrap();
    ws.merge((1, 2), (2, 3), Decimal::new(210_032, 2), money).unwrap();
    ws.merge((5, 0), (5, 1), Value::Blank, StyleId::DEFAULT).unwrap();
    ws.write(4, 0, "  padded\tand\nnew line _x0041_ \u{1}", indented)
        .unwrap();
    ws.write(4, 1, Decimal::new(-7290, 2), left).unwrap();
    ws.write(4, 2, true, boxed).unwrap();
    ws.write(4, 3, false, StyleId::DEFAULT).unwrap();
    ws.write(4, 4, Value::Blank, boxed).unwrap();
    ws.write(6, 2, Decimal::new(1, 6), StyleId::DEFAULT).unwrap();
    ws.write(6, 3, Decimal::new(1_234_567_890_123_456, 2), money).unwrap();
    ws.write(6, 3, "written twice", money).unwrap();
    ws.write(30, 27, "AB31", StyleId::DEFAULT).unwrap();
    ws.set_column_width(0, 12).unwrap();
    ws.set_column_width(3, 48).unwrap();
    ws.set_column_width(27, 6).unwrap();
    ws.set_row_height(0, 28).unwrap();
    ws.set_row_height(40, 20).unwrap();
    ws.freeze_rows(4).unwrap();
    ws.set_landscape();
    ws.fit_to_width();
    let plain = wb.add_worksheet("plain").unwrap();
    plain.write(2, 1, "only", StyleId::DEFAULT).unwrap();
    plain.fit_to_width();
    wb
}

#[test]
fn both_xlsx_writers_carry_every_feature() {
    let wb = every_feature();
    let own = wb.save_with(Writer::Own).expect("own writer");
    let library = wb.save_with(Writer::RustXlsxwriter).expect("rust_xlsxwriter");
    assert_eq!(xlsx::read(&own).expect("own"), xlsx::read(&library).expect("library"));
    let own = Package::read(&own);
    let library = Package::read(&library);
    assert_eq!(own.sheets.len(), 3);
    assert!(own.sheets[0].hidden && own.active == 1, "{:?}", own.sheets[0]);
    assert_same_package(&own, &library);
}

#[test]
fn the_rust_xlsxwriter_path_is_deterministic() {
    // In one process: the same workbook twice.
    let wb = every_feature();
    let first = wb.save_with(Writer::RustXlsxwriter).unwrap();
    assert_eq!(first, every_feature().save_with(Writer::RustXlsxwriter).unwrap());
    for c in with_tables() {
        assert_eq!(
            workbook_xlsx_with(c, Writer::RustXlsxwriter).unwrap(),
            workbook_xlsx_with(c, Writer::RustXlsxwriter).unwrap()
        );
    }
    // Across processes, through the switch: two builds give the same site,
    // and it differs from the default build in the workbooks only.
    let root = temp("twins-xlsx");
    copy_dir(Path::new("content"), &root.join("content"), false);
    let build = |env: &[(&str, &str)], out: &str| {
        let out = root.join(out);
        let o = run(
            env,
            &[
                os("build"),
                os("--no-cache"),
                root.join("content").as_os_str(),
                os("-o"),
                out.as_os_str(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        snapshot(&out)
    };
    let off = [("GONGKAI_OWN_XLSX", "0")];
    let a = build(&off, "a");
    let b = build(&off, "b");
    let own = build(&[], "own");
    assert!(a == b, "two builds with GONGKAI_OWN_XLSX=0 differ");
    let xlsx_files = a.iter().filter(|(p, _)| p.ends_with("tables.xlsx")).count();
    assert_eq!(xlsx_files, with_tables().len());
    let own: HashMap<&PathBuf, &Vec<u8>> = own.iter().map(|(p, b)| (p, b)).collect();
    assert_eq!(own.len(), a.len());
    for (path, bytes) in &a {
        let same = own.get(path) == Some(&bytes);
        // The manifest lists every output's hash.
        let expected = path.ends_with("tables.xlsx") || path.ends_with(".gongkai-manifest");
        assert_eq!(!same, expected, "{}", path.display());
    }
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------------------
// What a package says, read from its XML

/// How a cell looks, resolved through `styles.xml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Look {
    number_format: String,
    bold: bool,
    size: String,
    border: bool,
    horizontal: String,
    vertical: String,
    wrap: bool,
    indent: String,
}

/// A cell's value as stored (numbers compared as doubles).
#[derive(Debug, Clone, PartialEq)]
enum Stored {
    Text(String),
    Number(f64),
    Bool(bool),
    Blank,
}

#[derive(Debug, Default, PartialEq)]
struct Sheet {
    name: String,
    hidden: bool,
    cells: BTreeMap<(u32, u32), (Stored, Look)>,
    merges: Vec<String>,
    /// Column (from 1) → width in hundredths of a character.
    widths: BTreeMap<u32, i64>,
    /// Row (from 1) → height in points, rounded.
    heights: BTreeMap<u32, i64>,
    /// (ySplit, topLeftCell, state) of the pane.
    pane: Option<(String, String, String)>,
    landscape: bool,
    fit_to_page: bool,
    /// fitToWidth (default 1) and fitToHeight (default 1) of the page setup.
    fit: (String, String),
}

#[derive(Debug)]
struct Package {
    title: String,
    creator: String,
    created: String,
    modified: String,
    active: usize,
    sheets: Vec<Sheet>,
}

fn assert_same_package(own: &Package, library: &Package) {
    assert_eq!(own.title, library.title);
    assert_eq!(own.creator, library.creator);
    assert_eq!(own.created, library.created);
    assert_eq!(own.modified, library.modified);
    assert_eq!(own.active, library.active, "active sheet");
    assert_eq!(own.sheets.len(), library.sheets.len());
    for (a, b) in own.sheets.iter().zip(&library.sheets) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.hidden, b.hidden, "{}", a.name);
        assert_eq!(a.merges, b.merges, "{}: merges", a.name);
        assert_eq!(a.widths, b.widths, "{}: widths", a.name);
        assert_eq!(a.heights, b.heights, "{}: heights", a.name);
        assert_eq!(a.pane, b.pane, "{}: frozen rows", a.name);
        assert_eq!(a.landscape, b.landscape, "{}: orientation", a.name);
        assert_eq!(a.fit_to_page, b.fit_to_page, "{}: fit to page", a.name);
        assert_eq!(a.fit, b.fit, "{}: fit to width", a.name);
        let keys = |s: &Sheet| s.cells.keys().copied().collect::<Vec<_>>();
        assert_eq!(keys(a), keys(b), "{}: cells", a.name);
        for (at, cell) in &a.cells {
            assert_eq!(Some(cell), b.cells.get(at), "{}: cell {at:?}", a.name);
        }
    }
}

fn element(e: &BytesStart<'_>) -> (String, HashMap<String, String>) {
    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
    let attrs = e
        .attributes()
        .map(|a| {
            let a = a.expect("attribute");
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = a.normalized_value(XmlVersion::Implicit1_0).expect("value").into_owned();
            (key, value)
        })
        .collect();
    (name, attrs)
}

/// The elements of a part in document order: (name, attributes, text
/// directly inside, depth); an empty element counts as start and end.
fn elements(xml: &str) -> Vec<(String, HashMap<String, String>, String)> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<(String, HashMap<String, String>, String)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let (name, attrs) = element(&e);
                out.push((name, attrs, String::new()));
                open.push(out.len() - 1);
            }
            Event::Empty(e) => {
                let (name, attrs) = element(&e);
                out.push((name, attrs, String::new()));
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&t.decode().expect("text"));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let name = r.decode().expect("reference");
                    let c = match name.as_ref() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => {
                            let code = other.strip_prefix("#x").map_or_else(
                                || other.trim_start_matches('#').parse::<u32>().expect("reference"),
                                |hex| u32::from_str_radix(hex, 16).expect("reference"),
                            );
                            char::from_u32(code).expect("character").to_string()
                        }
                    };
                    out[i].2.push_str(&c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Excel's built-in number formats the writers may use instead of a code.
fn builtin_format(id: &str) -> Option<&'static str> {
    Some(match id {
        "0" => "General",
        "1" => "0",
        "2" => "0.00",
        "3" => "#,##0",
        "4" => "#,##0.00",
        "9" => "0%",
        "10" => "0.00%",
        "49" => "@",
        _ => return None,
    })
}

/// Each cell format of `styles.xml` as a [`Look`].
fn looks(xml: &str) -> Vec<Look> {
    let elements = elements(xml);
    let mut formats: HashMap<String, String> = HashMap::new();
    let mut fonts: Vec<(bool, String)> = Vec::new();
    let mut borders: Vec<bool> = Vec::new();
    let mut looks: Vec<Look> = Vec::new();
    let mut section = String::new();
    for (name, attrs, _) in &elements {
        match name.as_str() {
            "numFmt" => {
                formats.insert(attrs["numFmtId"].clone(), attrs["formatCode"].clone());
            }
            "fonts" | "borders" | "cellXfs" | "cellStyleXfs" | "dxfs" => section = name.clone(),
            "font" if section == "fonts" => fonts.push((false, String::new())),
            "b" if section == "fonts" => fonts.last_mut().expect("font").0 = true,
            "sz" if section == "fonts" => fonts.last_mut().expect("font").1 = attrs["val"].clone(),
            "border" if section == "borders" => borders.push(true),
            "left" | "right" | "top" | "bottom" if section == "borders" => {
                let thin = attrs.get("style").map(String::as_str) == Some("thin");
                let last = borders.last_mut().expect("border");
                *last = *last && thin;
            }
            "xf" if section == "cellXfs" => {
                let id = &attrs["numFmtId"];
                let number_format = formats
                    .get(id)
                    .cloned()
                    .or_else(|| builtin_format(id).map(str::to_string))
                    .unwrap_or_else(|| format!("builtin {id}"));
                let font = &fonts[attrs["fontId"].parse::<usize>().expect("font id")];
                let border = attrs
                    .get("borderId")
                    .map_or(0, |b| b.parse::<usize>().expect("border id"));
                looks.push(Look {
                    number_format,
                    bold: font.0,
                    size: font.1.clone(),
                    border: borders[border],
                    ..Look::default()
                });
            }
            "alignment" if section == "cellXfs" => {
                let look = looks.last_mut().expect("xf");
                let get = |k: &str| attrs.get(k).cloned().unwrap_or_default();
                look.horizontal = get("horizontal");
                look.vertical = get("vertical");
                look.wrap = get("wrapText") == "1";
                look.indent = get("indent");
            }
            _ => {}
        }
    }
    looks
}

impl Package {
    fn read(bytes: &[u8]) -> Package {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
        let mut parts: HashMap<String, String> = HashMap::new();
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).expect("entry");
            let mut content = String::new();
            file.read_to_string(&mut content).expect("utf-8 entry");
            parts.insert(file.name().to_string(), content);
        }
        let part = |name: &str| parts.get(name).unwrap_or_else(|| panic!("no {name}")).as_str();

        let core = elements(part("docProps/core.xml"));
        let text_of = |name: &str| {
            core.iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, _, t)| t.clone())
                .unwrap_or_default()
        };
        let strings: Vec<String> = {
            let mut out = Vec::new();
            for (name, _, text) in elements(part("xl/sharedStrings.xml")) {
                match name.as_str() {
                    "si" => out.push(String::new()),
                    "t" => out.last_mut().expect("si").push_str(&text),
                    _ => {}
                }
            }
            out
        };
        let looks = looks(part("xl/styles.xml"));
        let rels: HashMap<String, String> = elements(part("xl/_rels/workbook.xml.rels"))
            .into_iter()
            .filter(|(n, _, _)| n == "Relationship")
            .map(|(_, a, _)| (a["Id"].clone(), a["Target"].clone()))
            .collect();
        let workbook = elements(part("xl/workbook.xml"));
        let active = workbook
            .iter()
            .find(|(n, _, _)| n == "workbookView")
            .and_then(|(_, a, _)| a.get("activeTab"))
            .map_or(0, |t| t.parse().expect("activeTab"));
        let mut sheets = Vec::new();
        for (name, attrs, _) in &workbook {
            if name != "sheet" {
                continue;
            }
            let target = rels[&attrs["r:id"]].trim_start_matches("/xl/").to_string();
            let mut sheet = Sheet {
                name: attrs["name"].clone(),
                hidden: attrs.get("state").is_some_and(|s| s == "hidden"),
                fit: ("1".into(), "1".into()),
                ..Sheet::default()
            };
            read_sheet(part(&format!("xl/{target}")), &strings, &looks, &mut sheet);
            sheets.push(sheet);
        }
        Package {
            title: text_of("dc:title"),
            creator: text_of("dc:creator"),
            created: text_of("dcterms:created"),
            modified: text_of("dcterms:modified"),
            active,
            sheets,
        }
    }
}

fn read_sheet(xml: &str, strings: &[String], looks: &[Look], sheet: &mut Sheet) {
    let elements = elements(xml);
    let mut i = 0;
    while i < elements.len() {
        let (name, attrs, _) = &elements[i];
        let get = |k: &str| attrs.get(k).cloned().unwrap_or_default();
        match name.as_str() {
            "col" => {
                let width: f64 = get("width").parse().expect("width");
                let (min, max): (u32, u32) = (get("min").parse().expect("min"), get("max").parse().expect("max"));
                for col in min..=max {
                    sheet.widths.insert(col, (width * 100.0).round() as i64);
                }
            }
            "row" if attrs.contains_key("ht") => {
                let points: f64 = get("ht").parse().expect("ht");
                sheet
                    .heights
                    .insert(get("r").parse().expect("r"), points.round() as i64);
            }
            "c" => {
                let (row, col) = gongkai_ooxml::xlsx::parse_cell_ref(&get("r")).expect("cell reference");
                let look = looks[attrs.get("s").map_or(0, |s| s.parse::<usize>().expect("style"))].clone();
                // The value: the next <v> (or inline text) before the next cell.
                let v = elements[i + 1..]
                    .iter()
                    .take_while(|(n, _, _)| n != "c" && n != "row")
                    .find(|(n, _, _)| n == "v")
                    .map(|(_, _, t)| t.clone());
                let stored = match (get("t").as_str(), v) {
                    (_, None) => Stored::Blank,
                    // rust_xlsxwriter writes an empty text as a blank
                    // cell; Excel shows the two alike.
                    ("s", Some(v)) if strings[v.parse::<usize>().expect("string index")].is_empty() => Stored::Blank,
                    ("s", Some(v)) => Stored::Text(strings[v.parse::<usize>().expect("string index")].clone()),
                    ("b", Some(v)) => Stored::Bool(v == "1"),
                    ("", Some(v)) | ("n", Some(v)) => Stored::Number(v.parse().expect("number")),
                    (t, Some(v)) => panic!("cell type {t} ({v})"),
                };
                sheet.cells.insert((row, col), (stored, look));
            }
            "mergeCell" => sheet.merges.push(get("ref")),
            "pane" => sheet.pane = Some((get("ySplit"), get("topLeftCell"), get("state"))),
            "pageSetUpPr" => sheet.fit_to_page = get("fitToPage") == "1",
            "pageSetup" => {
                sheet.landscape = get("orientation") == "landscape";
                let or_one = |k: &str| attrs.get(k).cloned().unwrap_or_else(|| "1".into());
                sheet.fit = (or_one("fitToWidth"), or_one("fitToHeight"));
            }
            _ => {}
        }
        i += 1;
    }
    sheet.merges.sort();
}
