//! The fast YAML front end (`load::fast`) against serde-saphyr: whatever the
//! fast front end accepts must come out exactly as serde-saphyr reads it
//! (values and positions, compared through `Debug`), and it must accept
//! the content files gongkai ships.

use gongkai_content::fast::{Comparison, compare_with_saphyr};
use gongkai_content::files::{self, Front};
use std::path::{Path, PathBuf};

fn yaml_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.strip_prefix('\u{feff}').unwrap_or(&text).to_string()
}

fn compare(name: &str, text: &str) -> Comparison {
    compare_with_saphyr(name, text).unwrap_or_else(|| panic!("no schema type for {name}"))
}

/// Every content file and fixture: the two agree wherever the fast front
/// end accepts, and it accepts every shipped content file.
#[test]
fn agrees_with_saphyr_on_every_repository_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut accepted = 0;
    let mut bailed = Vec::new();
    let mut seen_types = std::collections::BTreeSet::new();
    for dir in ["content", "tests/fixtures"] {
        for path in yaml_files(&root.join(dir)) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            // `parse_yaml` refuses a file that is not UTF-8 before any parser sees it.
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let Some(result) = compare_with_saphyr(name, text) else {
                continue;
            };
            seen_types.insert(name.to_string());
            match result {
                Comparison::Same => accepted += 1,
                Comparison::Differ(how) => panic!("{}: the two front ends differ\n{how}", path.display()),
                Comparison::Bailed(why) => {
                    // Shipped content is written in the subset.
                    assert!(
                        dir != "content",
                        "{}: the fast front end gave up: {why}",
                        path.display()
                    );
                    bailed.push(format!("{}: {why}", path.display()));
                }
            }
        }
    }
    eprintln!(
        "accepted {accepted}, gave up on {}:\n{}",
        bailed.len(),
        bailed.join("\n")
    );
    assert!(accepted >= 100, "only {accepted} files accepted");
    assert!(seen_types.len() >= 10, "file types seen: {seen_types:?}");
}

/// The YAML files of the repository (`content/`, `tests/fixtures/`) that
/// have a schema type: (path, file name, text without BOM). Not-UTF-8
/// files are left out: `parse_yaml` refuses them before any parser sees them.
fn repository_corpus() -> Vec<(PathBuf, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = Vec::new();
    for dir in ["content", "tests/fixtures"] {
        for path in yaml_files(&root.join(dir)) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if !files::yaml_files().any(|f| f.name == name) {
                continue;
            }
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
            corpus.push((path, name, text));
        }
    }
    corpus
}

/// Swaps the quotes of simple quoted scalars ("a" ↔ 'a': no quote or
/// backslash inside), where a scalar starts: after `: `, `- `, `[`, `{`,
/// `,` or at the start of the line; stops at a comment. The same value.
fn requote_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let before = chars[..i].iter().rev().find(|c| **c != ' ');
        let starts_scalar = matches!(before, None | Some(':' | '-' | '[' | '{' | ','));
        if c == '#' && (i == 0 || chars[i - 1] == ' ') {
            out.extend(&chars[i..]);
            break;
        }
        if (c == '"' || c == '\'') && starts_scalar {
            let Some(len) = chars[i + 1..].iter().position(|x| *x == c) else {
                out.extend(&chars[i..]);
                break;
            };
            let inner = &chars[i + 1..i + 1 + len];
            let next = chars.get(i + 2 + len);
            if inner.iter().any(|x| matches!(x, '"' | '\'' | '\\')) || next == Some(&c) {
                // An escape or a doubled quote: leave the rest as it is.
                out.extend(&chars[i..]);
                break;
            }
            let other = if c == '"' { '\'' } else { '"' };
            out.push(other);
            out.extend(inner);
            out.push(other);
            i += len + 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Rewrites every line with `f`, keeping the line endings.
fn per_line(text: &str, f: impl Fn(&str) -> String) -> String {
    text.split_inclusive('\n')
        .map(|l| match l.strip_suffix('\n') {
            Some(body) => format!("{}\n", f(body)),
            None => f(l),
        })
        .collect()
}

/// Copies of a file written differently, meaning the same in YAML.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    let trailing_comment = |l: &str| {
        if l.trim().is_empty() {
            l.to_string()
        } else {
            format!("{l}   # 变体：行尾注释")
        }
    };
    let spaced = |l: &str| match l.find(": ") {
        Some(at) if !l[..at].contains(['"', '\'', '#']) => format!("{}:    {}", &l[..at], &l[at + 2..]),
        _ => l.to_string(),
    };
    let comment_lines = |t: &str| per_line(t, |l| format!("{l}\n# 变体：整行注释"));
    let framed = |t: &str| format!("# 变体：首行注释\n\n{t}\n\n# 变体：末行注释\n");
    let everything = {
        let t = per_line(text, requote_line);
        let t = per_line(&t, spaced);
        let t = per_line(&t, trailing_comment);
        let t = comment_lines(&t);
        framed(&t).replace('\n', "\r\n")
    };
    vec![
        ("crlf", text.replace('\n', "\r\n")),
        (
            "final newline toggled",
            match text.strip_suffix('\n') {
                Some(body) => body.to_string(),
                None => format!("{text}\n"),
            },
        ),
        ("framed by comments", framed(text)),
        ("comment lines", comment_lines(text)),
        ("trailing comments", per_line(text, trailing_comment)),
        ("trailing spaces", per_line(text, |l| format!("{l}  "))),
        ("spaced after colon", per_line(text, spaced)),
        ("requoted", per_line(text, requote_line)),
        ("all at once", everything),
    ]
}

#[test]
fn requoting_keeps_escapes_and_comments() {
    assert_eq!(requote_line("name: \"a b\""), "name: 'a b'");
    assert_eq!(requote_line("- ['x', \"y\", z'q']"), "- [\"x\", 'y', z'q']");
    assert_eq!(requote_line("a: 'it''s' # \"c\""), "a: 'it''s' # \"c\"");
    assert_eq!(requote_line("a: \"\\t\""), "a: \"\\t\"");
    assert_eq!(requote_line("a: b # 'c'"), "a: b # 'c'");
}

/// Every YAML file of the repository and copies of it rewritten in-process
/// (line endings, comments, spacing, quoting): the two front ends never
/// disagree, the fast one accepts every rewrite of the shipped content, and
/// enough comparisons are made that the test cannot pass by comparing
/// nothing. Generated content (bench/gen_content.py) is compared too when it
/// is there.
#[test]
fn agrees_with_saphyr_on_rewritten_copies_of_every_repository_file() {
    let corpus = repository_corpus();
    let shipped = corpus
        .iter()
        .filter(|(p, _, _)| p.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("content")))
        .count();
    assert!(shipped >= 10, "only {shipped} content files found");
    assert!(corpus.len() >= 100, "only {} repository files found", corpus.len());

    let mut same: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut bailed = 0;
    for (path, name, text) in &corpus {
        let is_content = path.starts_with(Path::new(env!("CARGO_MANIFEST_DIR")).join("content"));
        for (kind, variant) in variants(text) {
            if &variant == text {
                // Nothing to rewrite (no quotes, say): compared as it is by the test above.
                continue;
            }
            match compare(name, &variant) {
                Comparison::Same => *same.entry(kind).or_default() += 1,
                Comparison::Differ(how) => {
                    panic!("{} ({kind} copy): the two front ends differ\n{how}", path.display())
                }
                Comparison::Bailed(why) => {
                    assert!(
                        !is_content,
                        "{} ({kind} copy): the fast front end gave up: {why}",
                        path.display()
                    );
                    bailed += 1;
                }
            }
        }
    }
    let compared: usize = same.values().sum();
    eprintln!(
        "{} files, compared {compared} copies {same:?}, gave up on {bailed}",
        corpus.len()
    );
    // About 100 accepted repository files, 41 of them with quoted scalars
    // (counts when written): each kind of copy must be compared that often.
    for (kind, _) in variants("a: b\n") {
        let n = same.get(kind).copied().unwrap_or(0);
        let floor = if kind == "requoted" { 30 } else { 90 };
        assert!(
            n >= floor,
            "only {n} {kind} copies compared (at least {floor} expected)"
        );
    }
    assert!(compared >= 800, "only {compared} copies compared");

    // The large generated corpus, an extra when it is there.
    let generated = Path::new("/tmp/gongkai-bench/gk-1000/2025");
    if generated.is_dir() {
        let mut accepted = 0;
        for path in yaml_files(generated).into_iter().take(2000) {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            match compare(name, &read(&path)) {
                Comparison::Same => accepted += 1,
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        assert!(accepted > 0, "nothing compared under {}", generated.display());
        eprintln!("generated corpus: {accepted} files compared");
    } else {
        eprintln!(
            "{} is absent (bench/gen_content.py makes it): extra corpus not compared",
            generated.display()
        );
    }
}

/// Accepted, and the same as serde-saphyr.
#[track_caller]
fn same(name: &str, text: &str) {
    match compare(name, text) {
        Comparison::Same => {}
        other => panic!("{text:?}: {other:?}"),
    }
}

/// Given up on (serde-saphyr decides).
#[track_caller]
fn bails(name: &str, text: &str) {
    match compare(name, text) {
        Comparison::Bailed(_) => {}
        other => panic!("{text:?}: expected the fast front end to give up, got {other:?}"),
    }
}

/// Either way, as long as the two never disagree.
#[track_caller]
fn consistent(name: &str, text: &str) {
    if let Comparison::Differ(how) = compare(name, text) {
        panic!("{text:?}: {how}");
    }
}

const UNIT: &str = "code: \"101\"\nname: 某部门\nlevel: 市级\nlocality: 某市\nyear: 2022\n";

#[test]
fn scalars_comments_and_nulls() {
    same("unit.yaml", UNIT);
    same(
        "unit.yaml",
        "# 部门基本信息\ncode: \"101\"   # 部门编码\nname: 张家口市 办公室  \nlevel: '市级'\nprovince: ~\nlocality: \"~\"\nyear: 2022 # 年\namount_unit:\ncode_list_year: null\n",
    );
    same("unit.yaml", &UNIT.replace('\n', "\r\n"));
    same("unit.yaml", &format!("{UNIT}amount_unit:   # no value\n"));
    same("unit.yaml", &format!("\n\n  # leading comment\n{UNIT}\n\n# trailing\n"));
    same(
        "unit.yaml",
        &UNIT.replace("某部门", "\"a \\\"quoted\\\" \\\\ name \\u00e9 \\t \\x41 \\U0001F600\""),
    );
    same("unit.yaml", &UNIT.replace("某部门", "'it''s ''quoted'''"));
    same("unit.yaml", &UNIT.replace("某部门", "a#b c:d e,f [g] {h} 'i' \"j\""));
    same("unit.yaml", &UNIT.replace("某部门", "\"\""));
    same("unit.yaml", &UNIT.replace("某部门", "''"));
    same("unit.yaml", &UNIT.replace("某部门", "--"));
    same("unit.yaml", &UNIT.replace("某部门", "-3.00"));
    same("unit.yaml", &UNIT.replace("某部门", "+38.37"));
    same("unit.yaml", &UNIT.replace("某部门", "≥96个 ≤1.5万元 8% 😀"));
    same("unit.yaml", &UNIT.replace("某部门", "true"));
    same("unit.yaml", &UNIT.replace("某部门", "0x1F"));
    same("unit.yaml", &UNIT.replace("某部门", "2024-12-31"));
    same("unit.yaml", &UNIT.replace("某部门", &"很长的名称".repeat(400)));
    // Keys in another order, a key indented as a whole document.
    same(
        "unit.yaml",
        "year: 2022\nlocality: 某市\nlevel: 市级\nname: x\ncode: \"101\"\n",
    );
    same(
        "unit.yaml",
        &UNIT.lines().map(|l| format!("  {l}\n")).collect::<String>(),
    );
}

/// Characters serde-saphyr reads as ordinary ones (U+2028, U+2029, full-width
/// forms, astral), escapes, and long scalars, in every context.
#[test]
fn unicode_escapes_and_long_scalars() {
    let long = "长".repeat(1500);
    for value in [
        "a\u{2028}b",
        "\u{2029}",
        "￥100 ｡ ｢x｣",
        "\"\\u2028 \\x80 \\xff \\u00a0 \\U0010FFFF \\u3000\"",
        "'a\u{2028}''b'",
        "\"\u{3000}x\u{3000}\"",
        &long,
        &format!("\"{long}\""),
    ] {
        same("unit.yaml", &UNIT.replace("某部门", value));
        same("unit.yaml", &format!("{UNIT}# {value}\n"));
        same(
            "projects.yaml",
            &format!(
                "projects:\n  - name: n   # {value}\n    goals:\n      - {value}\n    indicators:\n      - [x, {value}, y]\n"
            ),
        );
    }
    // C1 controls (U+0085 too), U+FEFF, U+FFFE/U+FFFF: given up on.
    for value in ["a\u{85}b", "a\u{9c}b", "a\u{feff}b", "a\u{fffe}", "a\u{ffff}"] {
        bails("unit.yaml", &UNIT.replace("某部门", value));
        bails("unit.yaml", &format!("{UNIT}# {value}\n"));
    }
}

#[test]
fn flow_collections_and_cells() {
    let indicators = "projects:\n  - name: 项目\n    budget: { fiscal: 38.07, other: ~, total: \"38.07\" }   # 推算\n    spending_plan: {march: 8%, june: 50%,october: 73%, december: }\n    goals:\n      - 1.通过培训，提高水平。\n      - \"2.加强管理\"\n    indicators:\n      #  一级指标, 二级指标\n      - [产出指标, 数量指标, 培训次数, 组织培训次数, ≥2次, 年初工作计划]\n      - [~, \"~\", '', 培训人次,   ≥200人次  , 年初工作计划, ]\n      - [a#b, c d, \"e\"  , 'f', ≤0.8万元, null]\n      - []\n";
    same("projects.yaml", indicators);
    same("projects.yaml", &indicators.replace('\n', "\r\n"));
    same("projects.yaml", &format!("amount_unit: 元\n{indicators}"));
    // A sequence at the indentation of its key.
    same(
        "projects.yaml",
        "projects:\n- name: a\n  goals:\n  - x\n  - y\n  indicators:\n  - [a, b]\n- name: b\n",
    );
    same(
        "sangong.yaml",
        "abroad_teaching: {}\ncar_running: { general: 53.43 }\nreception: {general: 2.67,}\ntotal:\n  general: 56.10\n  gov_fund:\n",
    );
    same(
        "functions.yaml",
        "rows:\n  - { name: \"合计\", basic: 1898.66, project: 837.94 }\n  - { code: \"201\", name: 一般公共服务支出, basic: -3.00 }\nyear_end_carryover:\n  - { source: 一般公共预算, amount: 1.00 }\n",
    );
    same("functions.yaml", "rows: []\nyear_end_carryover: ~\n");
    same(
        "prior.yaml",
        "year: 2024\ntotal: 2681.89\nsangong: { total: 48.83, abroad: ~, car_purchase: , car_running: 21.70 }\n",
    );
    same(
        "narrative.yaml",
        "preamble:\n  - \"按照《预算法》规定：\"\nchange_reasons:\n  total: 主要是新增任务\n  basic: ~\nglossary:\n  - term: 三公\n    definition: 因公出国（境）费\n  -   term: b\n      definition: c\n",
    );
    same(
        "organisation.yaml",
        "units:\n  - { code: \"100101001\", name: \"本级\", kind: \"行政\", rank: \"正处级\", funding: \"财政拨款\" }\n",
    );
    same(
        "corrections.yaml",
        "corrections:\n  - date: 2022-03-01\n    note: 更正\n    changes:\n      - a\n",
    );
    same(
        "assets.yaml",
        "as_of: 2024-12-31\nbuildings: { quantity: 4078, value: 1019.50 }\nequipment: { quantity: ~, value: ~ }\n",
    );
    same(
        "procurement.yaml",
        "note: \"注：均符合标准。\"\nlines:\n  - unit: \"本级\"\n    project: \"代表工作经费\"\n    item: 多功能一体机\n    catalogue: \"A020204\"\n    quantity: 2\n",
    );
}

#[test]
fn gives_up_outside_the_subset_and_on_every_error() {
    // Errors: serde-saphyr must report them.
    bails("unit.yaml", &format!("{UNIT}colour: red\n")); // unknown key
    bails("unit.yaml", &format!("{UNIT}name: again\n")); // duplicate key
    bails("unit.yaml", &UNIT.replace("year: 2022\n", "")); // missing key
    bails("unit.yaml", &UNIT.replace("某部门", "~")); // null into text
    bails("unit.yaml", &UNIT.replace("某部门", "")); // empty into text
    bails("unit.yaml", &UNIT.replace("某部门", "[a, b]")); // list into text
    bails("unit.yaml", &UNIT.replace("某部门", "a: b")); // mapping value in a scalar
    bails("unit.yaml", &UNIT.replace("某部门", "a\tb")); // tab
    bails("unit.yaml", &UNIT.replace("name:", "name:\t")); // tab
    bails("unit.yaml", &format!("{UNIT}编码: 1\n")); // Chinese (unknown) key
    bails("functions.yaml", "rows:\n"); // null into a list
    bails("functions.yaml", "rows:\n  - { code: 1, 科目: x }\n");
    bails(
        "projects.yaml",
        "projects:\n  - name: a\n    indicators:\n      - [a, , b]\n",
    );
    // Outside the subset.
    bails("unit.yaml", &format!("---\n{UNIT}"));
    bails("unit.yaml", &format!("{UNIT}...\n"));
    bails("unit.yaml", &format!("%YAML 1.2\n---\n{UNIT}"));
    bails("unit.yaml", &UNIT.replace("某部门", "&a 某部门"));
    bails("unit.yaml", &UNIT.replace("某部门", "!!str 某部门"));
    bails("unit.yaml", &UNIT.replace("某部门", "|\n  某部门"));
    bails("unit.yaml", &UNIT.replace("某部门", ">\n  某部门"));
    bails("unit.yaml", &UNIT.replace("某部门", "某\n  部门")); // multi-line plain
    bails("unit.yaml", &UNIT.replace("某部门", "\"某\n  部门\"")); // multi-line quoted
    bails("unit.yaml", &UNIT.replace("某部门", "\n  某部门")); // value on the next line
    bails("unit.yaml", &UNIT.replace("name:", "\"name\":"));
    bails("unit.yaml", &UNIT.replace('\n', "\r"));
    bails("unit.yaml", "");
    bails("unit.yaml", "# only a comment\n");
    bails("unit.yaml", &UNIT.replace("某部门", "\"\\q\""));
    bails(
        "projects.yaml",
        "projects:\n  - name: a\n    indicators:\n      - - a\n        - b\n",
    );
    bails(
        "projects.yaml",
        "projects:\n  - name: a\n    indicators:\n      - [a,\n         b]\n",
    );
    bails(
        "projects.yaml",
        "projects:\n  - name: a\n    goals: &g\n      - x\n  - name: b\n    goals: *g\n",
    );
    let deep = format!(
        "projects:\n  - name: a\n    indicators:\n      - {}{}\n",
        "[".repeat(40),
        "]".repeat(40)
    );
    bails("projects.yaml", &deep);
}

/// Near-misses of the subset: whatever the fast front end decides, it never
/// disagrees with serde-saphyr.
#[test]
fn never_disagrees_on_near_misses() {
    for value in [
        "a:b",
        "a :b",
        "a: ",
        "a #b",
        "a#",
        "- a",
        "-a",
        "?a",
        ":a",
        "a?",
        "a,",
        "a]",
        "[a]b",
        "{a: b}c",
        "\"a\"b",
        "'a'b",
        "\"a\" #c",
        "'a'#c",
        "a  ",
        "~ # c",
        "null",
        "NULL",
        "Null",
        "nULL",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\N\\_\\L\\P\\e\\0\\a\\b\\v\\f\\r\\n\\/\\ \"",
        "@a",
        "`a",
        "a@",
        "%a",
        "*a",
        "!a",
        "|",
        ">",
        "{a: 1}",
        "[a, b]",
        "[]",
        "{}",
        "[~]",
        "[a, [b]]",
        "{x: {y: 1}}",
        "\u{3000}a\u{3000}",
    ] {
        consistent("unit.yaml", &UNIT.replace("某部门", value));
        consistent("unit.yaml", &UNIT.replace("某部门", value).replace('\n', "\r\n"));
        consistent(
            "projects.yaml",
            &format!(
                "projects:\n  - name: n\n    goals:\n      - {value}\n    indicators:\n      - [{value}]\n      - [x, {value}, y]\n"
            ),
        );
        consistent(
            "prior.yaml",
            &format!("year: 1\nsangong: {{ total: {value}, abroad: x }}\n"),
        );
    }
    for doc in [
        "code: 1\nname: 2\n  level: 3\n",
        "code: 1\n name: 2\n",
        " code: 1\nname: 2\n",
        "code: 1\nname: 2\nlevel: 3\nlocality: 4\nyear: 5\n\n\n",
        "code: 1\nname: 2\nlevel: 3\nlocality: 4\nyear: 5\n  # indented comment\n",
        "code: 1\nname: 2\nlevel: 3\nlocality: 4\nyear: 5\n- x\n",
        "code: 1\nname: 2\nlevel: 3\nlocality: 4\nyear:   5   \n",
        "code:  1\nname:    2\nlevel: 3\nlocality: 4\nyear: 5",
    ] {
        consistent("unit.yaml", doc);
    }
    for doc in [
        "projects:\n- name: a\n  goals:\n  - x\n  name: b\n",
        "projects:\n  - name: a\n    goals:\n    - x\n   - y\n",
        "projects:\n  - name: a\n   goals: [x]\n",
        "projects:\n  -   name: a\n      goals: [x]\n",
        "projects:\n  - name: a\n    goals:\n  - name: b\n",
        "projects:\n  - name: a\n    goals:\n\n      # c\n      - x\n",
        "projects:\n  - name: a\n    goals: []\n    indicators: [[a, b], [c]]\n",
        "projects:\n  - name: a\n    indicators:\n      - [a, b] # c\n      - [a, b]#c\n",
        "projects:\n  -\n    name: a\n",
        "projects:\n  - # c\n    name: a\n",
        "projects: []\namount_unit: 万元\n",
    ] {
        consistent("projects.yaml", doc);
    }
}

/// Timing, not a test: `cargo test --release --test fast_yaml -- --ignored
/// --nocapture timing` (`GONGKAI_TIMING_DIR` picks another folder). Prints
/// the median of 200 runs of each front end over `projects.yaml` alone and
/// over every file of the folder, the two front ends taking turns; the
/// results are dropped outside the timed part (the same code for both).
#[test]
#[ignore]
fn timing() {
    use std::any::Any;
    use std::time::Instant;

    type Parse = fn(&str, &str) -> Box<dyn Any>;
    fn by_name(front: Front, name: &str, text: &str) -> Box<dyn Any> {
        match files::by_name(name).and_then(|file| file.parse(text, front)) {
            Some(parsed) => parsed.unwrap_or_else(|e| panic!("{name}: {front:?} refuses it: {e}")),
            None => Box::new(()),
        }
    }
    let fast: Parse = |name, text| by_name(Front::Fast, name, text);
    let saphyr: Parse = |name, text| by_name(Front::Saphyr, name, text);
    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    }

    let folder =
        std::env::var("GONGKAI_TIMING_DIR").unwrap_or_else(|_| "/tmp/gongkai-bench/gk-1000/2025/100101".into());
    let files: Vec<(String, String)> = files::yaml_files()
        .filter_map(|file| Some((file.name.to_string(), read_opt(&Path::new(&folder).join(file.name))?)))
        .collect();
    assert!(!files.is_empty(), "no files in {folder}");
    let projects: Vec<(String, String)> = files.iter().filter(|(n, _)| n == "projects.yaml").cloned().collect();
    for (label, set) in [("projects.yaml", &projects), ("whole folder", &files)] {
        let bytes: usize = set.iter().map(|(_, t)| t.len()).sum();
        let mut times = [Vec::new(), Vec::new()];
        for _ in 0..200 {
            for (k, parse) in [fast, saphyr].into_iter().enumerate() {
                let start = Instant::now();
                let results: Vec<Box<dyn Any>> = set.iter().map(|(name, text)| parse(name, text)).collect();
                times[k].push(start.elapsed().as_secs_f64() * 1e6);
                drop(std::hint::black_box(results));
            }
        }
        let [f, s] = times.map(median);
        eprintln!(
            "{label} ({} files, {bytes} bytes): fast {f:.0} µs, serde-saphyr {s:.0} µs (medians of 200): {:.1}×",
            set.len(),
            s / f
        );
    }
}

fn read_opt(path: &Path) -> Option<String> {
    path.is_file().then(|| read(path))
}
