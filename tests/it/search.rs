//! Offline search: the tokenizer, the index format, the ranking, and that
//! search.js tokenizes and ranks exactly as Rust (under `node`: without it
//! that test fails, unless `GONGKAI_SKIP_NODE=1` says to skip it).
//! The JavaScript's own test is `node --test tests/search_js.test.js`.

use gongkai_portal::search::{SNIPPET_CHARS, SearchDoc, build_index, search, tokens};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn doc(url: &str, title: &str, year: u16, department: &str, text: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        year,
        department: department.into(),
        text: text.into(),
    }
}

const RENDA: &str = "2022/101/";
const JIAOYU: &str = "2022/201/";
const YEAR: &str = "2022/";

/// A 人大常委会 page whose text mentions “三公”经费 once, a 教育局 page whose
/// text says 三公经费 three times, and a year page with 三公经费 in its title.
fn sample_docs() -> Vec<SearchDoc> {
    vec![
        doc(
            RENDA,
            "张家口市人大常委会办公室2022年部门预算",
            2022,
            "张家口市人民代表大会常务委员会办公室",
            "张家口市人大常委会办公室2022年财政拨款“三公”经费预算安排12.00万元，\
             其中公务接待费3.00万元。项目支出主要为人大会议经费、人大立法经费。",
        ),
        doc(
            JIAOYU,
            "张家口市教育局2022年部门预算",
            2022,
            "张家口市教育局",
            "教育局2022年三公经费预算安排30.00万元。三公经费比上年减少2.00万元，\
             主要原因是厉行节约。三公经费中公务用车运行维护费20.00万元。",
        ),
        doc(
            YEAR,
            "2022年部门预算及三公经费公开",
            2022,
            "",
            "2022年各部门预算公开：张家口市人大常委会办公室、张家口市教育局。",
        ),
    ]
}

#[test]
fn cjk_runs_become_bigrams() {
    assert_eq!(tokens("人大三公经费"), strs(&["人大", "大三", "三公", "公经", "经费"]));
    assert_eq!(tokens("人大"), strs(&["人大"]));
    assert_eq!(
        tokens("经费经费"),
        strs(&["经费", "费经", "经费"]),
        "repeats are kept (they are counted)"
    );
}

/// A lone CJK character between non-CJK is a token of its own; words are
/// lowercased; the switch between a word and CJK separates.
#[test]
fn mixed_text_lone_character_and_words() {
    assert_eq!(tokens("2022年XBRL"), strs(&["2022", "年", "xbrl"]));
    assert_eq!(tokens("XBRL格式"), strs(&["xbrl", "格式"]));
    assert_eq!(tokens("费"), strs(&["费"]));
}

#[test]
fn punctuation_full_width_and_quotes() {
    // Punctuation separates and is dropped.
    assert_eq!(tokens("收入，支出。"), strs(&["收入", "支出"]));
    assert_eq!(tokens("12.50万元"), strs(&["12", "50", "万元"]));
    assert_eq!(tokens("  ，。！  "), Vec::<String>::new());
    assert_eq!(tokens(""), Vec::<String>::new());
    // Quotation and book-title marks are dropped without separating.
    assert_eq!(tokens("“三公”经费"), tokens("三公经费"));
    assert_eq!(tokens("《预算法》"), strs(&["预算", "算法"]));
    // Full-width digits and letters are ASCII words.
    assert_eq!(tokens("２０２２年ＸＢＲＬ"), strs(&["2022", "年", "xbrl"]));
    // 〇 and supplementary-plane ideographs are CJK; kana and hangul are not.
    assert_eq!(tokens("二〇二二"), strs(&["二〇", "〇二", "二二"]));
    assert_eq!(tokens("𠀀𠀁"), strs(&["𠀀𠀁"]));
    assert_eq!(tokens("かな한글café"), strs(&["caf"]));
}

/// The five cases of tests/search_js.test.js, which asserts the same of search.js.
#[test]
fn same_cases_as_the_javascript_test() {
    let cases: [(&str, &[&str]); 5] = [
        ("人大三公经费", &["人大", "大三", "三公", "公经", "经费"]),
        ("2022年XBRL", &["2022", "年", "xbrl"]),
        ("“三公”经费", &["三公", "公经", "经费"]),
        ("２０２２年ＸＢＲＬ", &["2022", "年", "xbrl"]),
        (
            "12.50万元，二〇二二𠀀𠀁",
            &["12", "50", "万元", "二〇", "〇二", "二二", "二𠀀", "𠀀𠀁"],
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(tokens(text), strs(expected), "{text}");
    }
}

#[test]
fn finds_a_department_by_its_name() {
    let idx = build_index(&sample_docs());
    let found = search(&idx, "人大");
    assert_eq!(found.first().map(String::as_str), Some(RENDA), "{found:?}");
    assert!(!found.iter().any(|u| u == JIAOYU), "{found:?}");
    // By department only (not in the title).
    assert_eq!(search(&idx, "人民代表大会"), strs(&[RENDA]));
}

#[test]
fn ranks_title_match_first_then_frequency() {
    let idx = build_index(&sample_docs());
    // Year page: in the title; 教育局: three times in the text; 人大: once,
    // written “三公”经费.
    assert_eq!(search(&idx, "三公经费"), strs(&[YEAR, JIAOYU, RENDA]));
    // The query's own punctuation and case do not matter.
    assert_eq!(search(&idx, "“三公”经费！"), search(&idx, "三公经费"));
}

#[test]
fn all_tokens_must_match() {
    let idx = build_index(&sample_docs());
    assert_eq!(search(&idx, "养老保险"), Vec::<String>::new());
    assert_eq!(search(&idx, "人大 养老"), Vec::<String>::new());
    assert_eq!(search(&idx, "XBRL"), Vec::<String>::new());
    assert_eq!(search(&idx, "，。"), Vec::<String>::new(), "no tokens, no results");
    assert_eq!(search(&idx, ""), Vec::<String>::new());
    assert_eq!(search(&idx, "教育局 节约"), strs(&[JIAOYU]));
    let broken: Vec<(String, Vec<u8>)> = vec![("search/meta.json".into(), b"not json".to_vec())];
    assert_eq!(search(&broken, "人大"), Vec::<String>::new());
}

/// A single character (alone or next to digits) matches inside bigrams.
#[test]
fn lone_character_query_matches_inside_bigrams() {
    let idx = build_index(&sample_docs());
    assert_eq!(search(&idx, "约"), strs(&[JIAOYU]));
    assert_eq!(search(&idx, "2022年").len(), 3);
    let found = search(&idx, "教");
    assert_eq!(found.first().map(String::as_str), Some(JIAOYU));
    assert!(!found.iter().any(|u| u == RENDA), "{found:?}");
}

#[test]
fn index_is_deterministic_whatever_the_input_order() {
    let docs = sample_docs();
    let a = build_index(&docs);
    let mut reversed = docs.clone();
    reversed.reverse();
    assert_eq!(a, build_index(&docs));
    assert_eq!(a, build_index(&reversed));
}

fn file<'a>(idx: &'a [(String, Vec<u8>)], path: &str) -> &'a str {
    let (_, bytes) = idx
        .iter()
        .find(|(p, _)| p == path)
        .unwrap_or_else(|| panic!("{path} missing"));
    std::str::from_utf8(bytes).unwrap()
}

/// Two documents, one shard: the whole format by example. 经 and 费 are
/// sums over the tokens containing them (经费 ×2 and 大经 ×1 → 3 → 6); 人 and
/// 大 are in the title (odd values).
#[test]
fn index_format() {
    let idx = build_index(&[
        doc("b/", "乙", 2023, "", "x"),
        doc("a/", "人大", 2022, "部门", "人大经费 经费"),
    ]);
    let paths: Vec<&str> = idx.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["search/t/0.json", "search/d/0.json", "search/meta.json"]);
    assert_eq!(
        file(&idx, "search/meta.json"),
        r#"{"v":2,"docs":2,"shards":1,"chunk":64}"#
    );
    assert_eq!(
        file(&idx, "search/d/0.json"),
        r#"[{"u":"a/","t":"人大","y":2022,"d":"部门","s":"人大经费 经费"},{"u":"b/","t":"乙","y":2023,"d":"","s":"x"}]"#
    );
    assert_eq!(
        file(&idx, "search/t/0.json"),
        r#"{"2022":[0,2],"2023":[1,2],"x":[1,2],"乙":[1,3],"人":[0,5],"人大":[0,5],"大":[0,7],"大经":[0,2],"经":[0,6],"经费":[0,4],"费":[0,4],"部":[0,2],"部门":[0,2],"门":[0,2]}"#
    );
}

/// Tokens spread over shards by a hash search.js computes the same way.
#[test]
fn shards_by_token_hash() {
    use gongkai_portal::search::index::{Layout, shard_of};
    assert_eq!(Layout::for_docs(0).shards, 1);
    assert_eq!(Layout::for_docs(80).shards, 1);
    assert_eq!(Layout::for_docs(81).shards, 2);
    assert_eq!(Layout::for_docs(10_000).shards, 128);
    // FNV-1a over code points: pinned, search.js must agree (see the node test).
    assert_eq!(shard_of("", 1 << 31), 0x811c_9dc5 % (1 << 31));
    assert_eq!(shard_of("a", 1000), 0xe40c_292c % 1000);
    let docs: Vec<SearchDoc> = (0..200)
        .map(|i| {
            doc(
                &format!("{i:03}/"),
                &format!("部门{i}"),
                2022,
                "某局",
                &format!("经费{i} 三公经费"),
            )
        })
        .collect();
    let idx = build_index(&docs);
    let shards = idx.iter().filter(|(p, _)| p.starts_with("search/t/")).count();
    assert_eq!(shards, 4);
    assert_eq!(idx.iter().filter(|(p, _)| p.starts_with("search/d/")).count(), 4);
    assert_eq!(search(&idx, "三公经费").len(), 200);
    assert_eq!(search(&idx, "部门7"), strs(&["007/"]));
}

/// Patching the index after one document changed writes only the shards
/// where its postings changed and its chunk, and gives the bytes a fresh
/// build gives; adding a document rewrites everything, again as fresh.
#[test]
fn patched_index_equals_a_fresh_one() {
    use gongkai_portal::search::index::{Entry, Previous, update};
    let mut docs: Vec<SearchDoc> = (0..300)
        .map(|i| {
            doc(
                &format!("{i:03}/"),
                &format!("部门{i}"),
                2022,
                "某局",
                &format!("预算{i}万元，三公经费"),
            )
        })
        .collect();
    let entries = |docs: &[SearchDoc], given: &dyn Fn(usize) -> bool| -> Vec<(String, u64, Option<SearchDoc>)> {
        docs.iter()
            .enumerate()
            .map(|(i, d)| (d.url.clone(), d.hash(), given(i).then(|| d.clone())))
            .collect()
    };
    let as_entries =
        |list: &[(String, u64, Option<SearchDoc>)]| -> Vec<(String, u64, Option<SearchDoc>)> { list.to_vec() };
    type Published<'a> = Option<(&'a gongkai_portal::search::index::State, &'a [(String, Vec<u8>)])>;
    let run = |list: &[(String, u64, Option<SearchDoc>)], previous: Published| {
        let entries: Vec<Entry> = list
            .iter()
            .map(|(u, h, d)| Entry {
                url: u,
                hash: *h,
                doc: d.as_ref(),
            })
            .collect();
        let files: Vec<(String, Vec<u8>)> = previous.map(|p| p.1.to_vec()).unwrap_or_default();
        let read = move |f: &gongkai_render::output::BuiltFile| {
            files.iter().find(|(p, _)| *p == f.path).map(|(_, b)| b.clone())
        };
        let previous = previous.map(|(state, _)| Previous { state, read: &read });
        update(previous, &entries).expect("patchable")
    };
    let first = run(&as_entries(&entries(&docs, &|_| true)), None);
    assert_eq!(first.write, build_index(&docs));
    let published = first.write.clone();

    docs[5].text = "预算6万元，三公经费".into();
    let second = run(&entries(&docs, &|i| i == 5), Some((&first.state, &published)));
    let written: Vec<&str> = second.write.iter().map(|(p, _)| p.as_str()).collect();
    assert!(written.contains(&"search/d/0.json"), "{written:?}");
    assert!(written.len() < 4, "only the changed shards: {written:?}");
    let mut combined: Vec<(String, Vec<u8>)> = second.write.clone();
    for kept in &second.keep {
        combined.push(published.iter().find(|(p, _)| *p == kept.path).unwrap().clone());
    }
    combined.sort();
    let mut fresh = build_index(&docs);
    fresh.sort();
    assert_eq!(combined, fresh);

    // A new document shifts positions: everything is rewritten, as fresh.
    docs.push(doc("000a/", "新部门", 2022, "新局", "新增"));
    docs.sort_by(|a, b| a.url.cmp(&b.url));
    let new_at = docs.iter().position(|d| d.url == "000a/").unwrap();
    let third = run(&entries(&docs, &|i| i == new_at), Some((&second.state, &combined)));
    assert!(third.keep.is_empty());
    let mut written = third.write.clone();
    written.sort();
    let mut fresh = build_index(&docs);
    fresh.sort();
    assert_eq!(written, fresh);

    // An unchanged document the previous index cannot supply: NeedAll.
    let entries: Vec<Entry> = docs
        .iter()
        .map(|d| Entry {
            url: &d.url,
            hash: d.hash(),
            doc: None,
        })
        .collect();
    assert!(update(None, &entries).is_err());
}

#[test]
fn snippet_is_collapsed_and_cut() {
    let text = format!("第一段\n\n  第二段{}", "字".repeat(300));
    let idx = build_index(&[doc("a/", "t", 2022, "d", &text)]);
    let value: serde_json::Value = serde_json::from_str(file(&idx, "search/d/0.json")).unwrap();
    let s = value[0]["s"].as_str().unwrap();
    assert!(s.starts_with("第一段 第二段字"), "{s}");
    assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
    assert!(s.ends_with('…'));
}

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped content's text (YAML as it is: keys and comments included),
/// one document per department-year.
fn shipped_docs() -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    for year in ["2022", "2026"] {
        let dir = manifest().join("content").join(year).join("101");
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        let text: String = files.iter().filter_map(|f| std::fs::read_to_string(f).ok()).collect();
        docs.push(doc(
            &format!("{year}/101/"),
            &format!("张家口市人大常委会办公室{year}年部门预算"),
            year.parse().unwrap(),
            "张家口市人民代表大会常务委员会办公室",
            &text,
        ));
    }
    docs
}

fn deflated_len(bytes: &[u8]) -> u64 {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("i.json", options).unwrap();
    writer.write_all(bytes).unwrap();
    let archive = writer.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(archive)).unwrap();
    archive.by_index(0).unwrap().compressed_size()
}

/// Size of an index of the shipped content per KB of text (run with
/// `--nocapture` to see it). Bound loosely so a format regression shows.
#[test]
fn index_size_estimate() {
    let docs = shipped_docs();
    if docs.is_empty() {
        eprintln!("no shipped content; size estimate skipped");
        return;
    }
    let text: usize = docs.iter().map(|d| d.text.len()).sum();
    let idx = build_index(&docs);
    let all: Vec<u8> = idx.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    let gz = deflated_len(&all);
    let per_kb = all.len() as f64 / (text as f64 / 1024.0);
    eprintln!(
        "search index: {} docs, text {} B, index {} B ({per_kb:.0} B per KB of text), deflated {} B",
        docs.len(),
        text,
        all.len(),
        gz
    );
    assert!(all.len() < text * 2, "index {} B for {} B of text", all.len(), text);
    assert!(!search(&idx, "人大立法经费").is_empty());
}

fn node_available() -> bool {
    Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs search.js under node on `input` ({index, texts, queries}), returning
/// {tokens: [[..]], results: [[urls]]}.
fn run_js(script: &Path, input: &serde_json::Value) -> serde_json::Value {
    let program = r#"
        const api = require(process.argv[1]);
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        const files = {};
        for (const [path, text] of Object.entries(input.files)) files[path] = JSON.parse(text);
        process.stdout.write(JSON.stringify({
            tokens: input.texts.map(api.tokens),
            results: input.queries.map((q) => api.search(files, q)),
            shards: input.texts.map((t) => api.shardOf(t, 1021)),
        }));
    "#;
    let mut child = Command::new("node")
        .arg("-e")
        .arg(program)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "node failed");
    serde_json::from_slice(&out.stdout).expect("node printed JSON")
}

/// search.js tokenizes and ranks exactly like Rust. Needs `node` on PATH
/// (`.ci/run` installs it before `cargo test`); without it the test fails,
/// unless `GONGKAI_SKIP_NODE=1` is set to skip it on purpose.
#[test]
fn javascript_matches_rust() {
    if !node_available() {
        if std::env::var("GONGKAI_SKIP_NODE").is_ok_and(|v| v == "1") {
            eprintln!("GONGKAI_SKIP_NODE=1: search.js parity NOT checked (node not found)");
            return;
        }
        panic!(
            "node not found on PATH: the search.js parity test needs it \
             (apt-get install nodejs, or set GONGKAI_SKIP_NODE=1 to skip this test on purpose)"
        );
    }
    let script = manifest().join("themes/default/portal/static/search.js");
    let mut docs = sample_docs();
    docs.extend(shipped_docs());
    let index = build_index(&docs);

    let mut texts: Vec<String> = strs(&[
        "人大三公经费",
        "2022年XBRL",
        "财政拨款“三公”经费预算安排12.00万元",
        "２０２２年ＸＢＲＬ　Ａｂｃ",
        "二〇二二𠀀𠀁丽\u{F900}\u{3400}",
        "かな한글café don't \"x\"y 'z'",
        "《预算法》〈一〉「二」『三』‘四’",
        "",
        "\u{2028}\t\n  ",
    ]);
    texts.extend(docs.iter().map(|d| d.text.clone()));
    let queries = strs(&[
        "人大",
        "三公经费",
        "“三公”经费",
        "养老保险",
        "2022年",
        "教",
        "费",
        "XBRL",
        "人大 经费 2022",
        "公务接待费",
        "项目支出",
        "constructor",
        "__proto__",
        "",
        "，",
    ]);

    let files: serde_json::Map<String, serde_json::Value> = index
        .iter()
        .map(|(p, b)| (p.clone(), String::from_utf8(b.clone()).unwrap().into()))
        .collect();
    let input = serde_json::json!({ "files": files, "texts": texts, "queries": queries });
    let out = run_js(&script, &input);
    let rust_tokens: Vec<Vec<String>> = texts.iter().map(|t| tokens(t)).collect();
    let js_tokens: Vec<Vec<String>> = serde_json::from_value(out["tokens"].clone()).unwrap();
    for ((text, r), j) in texts.iter().zip(&rust_tokens).zip(&js_tokens) {
        assert_eq!(r, j, "tokens of {text:?}");
    }
    let js_shards: Vec<u32> = serde_json::from_value(out["shards"].clone()).unwrap();
    for (text, j) in texts.iter().zip(&js_shards) {
        assert_eq!(
            gongkai_portal::search::index::shard_of(text, 1021),
            *j,
            "shard of {text:?}"
        );
    }
    let js_results: Vec<Vec<String>> = serde_json::from_value(out["results"].clone()).unwrap();
    for (q, j) in queries.iter().zip(&js_results) {
        assert_eq!(&search(&index, q), j, "results for {q:?}");
    }
}
