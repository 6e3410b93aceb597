//! Offline search for Chinese text: an index built at build time.
//!
//! The portal is static files only (no server, no external requests), so the
//! build writes a JSON index, `search/` at the site root, and
//! `themes/default/portal/static/search.js` searches it in the browser. The
//! Rust [`search`] here runs the same algorithm, for tests and a future CLI;
//! `tests/search.rs` checks, when `node` is installed, that the two agree.
//!
//! # Tokens
//!
//! Chinese has no spaces between words, so the index holds character bigrams
//! rather than words ([`tokens`] is the one rule, for the index and the query):
//!
//! * CJK ideographs (U+3007 〇, U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF,
//!   U+20000–323AF) form runs; a run of two or more characters gives its
//!   overlapping bigrams (人大常委 → 人大, 大常, 常委), a run of one character
//!   gives that character alone (`2022年XBRL` → `2022`, `年`, `xbrl`).
//! * ASCII letters and digits, and their full-width forms (２０２２, ＸＢＲＬ),
//!   form words, lowercased.
//! * Quotation and book-title marks (`"` ＂ “ ” ‘ ’ 「 」 『 』 《 》 〈 〉) are
//!   dropped *without* separating: disclosures write 财政拨款“三公”经费, and a
//!   search for 三公经费 must find it (the run is 三公经费, bigram 公经 included).
//! * Everything else (punctuation, spaces, other scripts) separates tokens and
//!   is dropped. A switch between CJK and a word also separates.
//!
//! # Search
//!
//! The query is tokenized the same way, repeated tokens counted once. A
//! document matches when it contains **every** query token. A query token that
//! is a single CJK character (a one-character query, or a lone character such
//! as 年 in `2022年`) matches every index token containing that character, since
//! the index holds it inside bigrams (年度, 度预) and alone only where it
//! stood alone; otherwise a query token matches the equal index token only. A
//! query token's frequency in a document is the sum of the counts of the index
//! tokens it matches. Matches are ranked by
//!
//! 1. title hits, descending: how many query tokens match a token of the title;
//! 2. frequency, descending: the sum over the query tokens;
//! 3. document index, ascending (the index holds documents sorted by url).
//!
//! # Index format
//!
//! Sharded JSON files below `search/`, described in [`index`]: the browser
//! fetches `meta.json`, then one shard per query token and the document
//! chunks of the results it shows. A single CJK character's postings already
//! sum the tokens containing it and every posting says whether the title has
//! the token, so a query reads one list per token and nothing else to rank.

pub mod index;

pub use index::build as build_index;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Characters of a document's text kept as its snippet source (`s`).
pub const SNIPPET_CHARS: usize = 200;

/// A page to index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Url relative to the site root, e.g. `2022/101/`.
    pub url: String,
    /// Page title, e.g. 张家口市人大常委会办公室2022年部门预算.
    pub title: String,
    /// Budget year.
    pub year: u16,
    /// Department name.
    pub department: String,
    /// The page's visible text.
    pub text: String,
}

impl SearchDoc {
    /// A stable hash of the entry, so an unchanged index can be recognised
    /// without the entries.
    pub fn hash(&self) -> u64 {
        let mut bytes = Vec::with_capacity(self.text.len() + 256);
        for field in [&self.url, &self.title, &self.department, &self.text] {
            bytes.extend_from_slice(field.as_bytes());
            bytes.push(0);
        }
        bytes.extend_from_slice(&self.year.to_le_bytes());
        gongkai_render::output::content_hash(&bytes)
    }
}

/// FxHash (rustc's): tokens are short and not attacker-chosen at build time,
/// so a fast hash beats SipHash's flood resistance here.
#[derive(Clone, Copy, Default)]
struct FastHash;

impl std::hash::BuildHasher for FastHash {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The snippet source: whitespace collapsed, the first [`SNIPPET_CHARS`]
/// characters, `…` when cut.
fn snippet(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.chars();
    let mut out: String = chars.by_ref().take(SNIPPET_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// Whether `c` is a CJK ideograph for tokenizing (the ranges search.js uses).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(u32::from(c), 0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x323AF)
}

enum Class {
    Cjk(char),
    Word(char),
    /// Quotation and book-title marks: dropped, the run goes on.
    Transparent,
    Separator,
}

/// Whether `c` is dropped without ending a run (the marks search.js skips).
pub(crate) fn is_transparent(c: char) -> bool {
    matches!(
        c,
        '"' | '＂' | '“' | '”' | '‘' | '’' | '「' | '」' | '『' | '』' | '《' | '》' | '〈' | '〉'
    )
}

fn classify(c: char) -> Class {
    let c = match u32::from(c) {
        // Full-width digits and Latin letters → ASCII.
        cp @ (0xFF10..=0xFF19 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A) => char::from_u32(cp - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii_alphanumeric() {
        Class::Word(c.to_ascii_lowercase())
    } else if is_cjk(c) {
        Class::Cjk(c)
    } else if is_transparent(c) {
        Class::Transparent
    } else {
        Class::Separator
    }
}

/// Calls `emit` with each token of a text (see [`tokens`]), borrowing
/// scratch space instead of allocating a string per token.
fn each_token(text: &str, mut emit: impl FnMut(&str)) {
    fn flush_run(run: &mut Vec<char>, emit: &mut impl FnMut(&str)) {
        let mut buf = [0u8; 8];
        match run.as_slice() {
            [] => {}
            [c] => emit(c.encode_utf8(&mut buf)),
            chars => {
                for w in chars.windows(2) {
                    let first = w[0].len_utf8();
                    w[0].encode_utf8(&mut buf);
                    let second = w[1].encode_utf8(&mut buf[first..]).len();
                    // Two whole chars were encoded, so the bytes are UTF-8.
                    emit(std::str::from_utf8(&buf[..first + second]).unwrap_or_default());
                }
            }
        }
        run.clear();
    }
    fn flush_word(word: &mut String, emit: &mut impl FnMut(&str)) {
        if !word.is_empty() {
            emit(word);
            word.clear();
        }
    }
    let mut run: Vec<char> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        match classify(c) {
            Class::Cjk(c) => {
                flush_word(&mut word, &mut emit);
                run.push(c);
            }
            Class::Word(c) => {
                flush_run(&mut run, &mut emit);
                word.push(c);
            }
            Class::Transparent => {}
            Class::Separator => {
                flush_run(&mut run, &mut emit);
                flush_word(&mut word, &mut emit);
            }
        }
    }
    flush_run(&mut run, &mut emit);
    flush_word(&mut word, &mut emit);
}

/// The tokens of a text as the index and the query both see them, in text
/// order with repeats: CJK runs as overlapping character bigrams (a one-character
/// run as that character), ASCII (and full-width) letters/digits as lowercase
/// words; quotation marks dropped within a run, other punctuation and
/// characters dropped as separators. search.js implements the
/// same rule; see the module documentation.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, |t| out.push(t.to_string()));
    out
}

/// The query's tokens, repeats removed, first occurrence order.
fn query_tokens(query: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    tokens(query).into_iter().filter(|t| seen.insert(t.clone())).collect()
}

/// Search in Rust (the algorithm of search.js): the urls of the documents
/// containing all query tokens, best first (title hits, then frequency, then
/// index order). No tokens, no match or an unreadable index: empty.
pub fn search<F: index::Files + ?Sized>(files: &F, query: &str) -> Vec<String> {
    let Some(mut reader) = index::Reader::open(files) else {
        return Vec::new();
    };
    let query = query_tokens(query);
    if query.is_empty() {
        return Vec::new();
    }
    // docIndex → (summed frequency, title hits), narrowed token by token.
    let mut found: Option<BTreeMap<u32, (u64, usize)>> = None;
    for q in &query {
        let this: BTreeMap<u32, (u64, usize)> = reader
            .postings(q)
            .into_iter()
            .map(|(doc, value)| (doc, (u64::from(value >> 1), (value & 1) as usize)))
            .collect();
        found = Some(match found {
            None => this,
            Some(prev) => prev
                .into_iter()
                .filter_map(|(doc, (f, h))| this.get(&doc).map(|(g, k)| (doc, (f + g, h + k))))
                .collect(),
        });
    }
    let mut ranked: Vec<(usize, u64, u32)> = found
        .unwrap_or_default()
        .into_iter()
        .filter(|&(doc, _)| (doc as usize) < reader.meta.docs)
        .map(|(doc, (freq, hits))| (hits, freq, doc))
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    ranked
        .into_iter()
        .filter_map(|(_, _, doc)| reader.doc(doc).map(|d| d.u))
        .collect()
}
