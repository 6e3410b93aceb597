//! The search index on disk: sharded so a browser fetches only what a query
//! needs, and patched in place so a one-figure correction rewrites a few
//! small files instead of the whole index.
//!
//! # Files (below `search/` in the output)
//!
//! * `meta.json`: `{"v":2,"docs":D,"shards":S,"chunk":C}`.
//! * `t/<k>.json`, `k < S`: the postings of the tokens whose
//!   [`shard_of`] is `k`: `{"token":[doc,value,doc,value,…],…}`, tokens sorted
//!   (byte order), each list sorted by doc. `doc` is the document's position in
//!   the url-sorted list; `value` is `count × 2 + in_title`.
//! * `d/<c>.json`: documents `c·C … c·C+C−1` in url order:
//!   `[{"u":…,"t":…,"y":…,"d":…,"s":…},…]` (url, title, year, department,
//!   snippet), fetched only for the results shown.
//!
//! # Values
//!
//! A token's `count` is how often it occurs in the document (title,
//! department, year and text, each tokenized separately). A single CJK
//! character's entry is the *sum* of the counts of the document's tokens that
//! contain it (itself included), because a lone character matches inside
//! bigrams (see [`super`]): a query looks up one key per token and never scans
//! the vocabulary. `in_title` says whether the title has the token (for a
//! single character: a title token containing it), which is all the ranking
//! needs from the title, so ranking fetches no documents.
//!
//! # Sharding and patching
//!
//! [`Layout::for_docs`] picks a power-of-two shard count that keeps each
//! shard near 80 documents' worth of postings (≈ 0.5 MB at 10,000
//! departments). [`update`] patches the previous index: it keeps, per
//! document, a signature of its postings in each shard ([`State`]), so a
//! changed document rewrites only the shards where its postings changed and
//! the one document chunk it sits in. When documents are added or removed
//! (positions shift) or the layout changes, every file is rewritten from the
//! previous index's postings plus the changed documents', without needing
//! the unchanged documents' text. Either way the bytes equal those of a fresh
//! [`build`] of the same documents.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::{FastHash, SearchDoc, each_token, is_cjk, snippet};
use gongkai_render::output::content_hash;

/// Folder of the index in the output.
pub(crate) const DIR: &str = "search";
/// Format version in `meta.json`.
const VERSION: u32 = 2;
/// Documents per document chunk.
const CHUNK: u32 = 64;
/// Aim for this many documents' postings per shard.
const DOCS_PER_SHARD: usize = 80;
const MAX_SHARDS: u32 = 1024;

/// How the index is cut into files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// How many token shards (`search/t/<k>.json`), a power of two.
    pub shards: u32,
    pub(crate) chunk: u32,
}

impl Layout {
    /// The layout for an index of `docs` documents.
    pub fn for_docs(docs: usize) -> Layout {
        let shards = docs.div_ceil(DOCS_PER_SHARD).max(1).next_power_of_two();
        Layout {
            shards: u32::try_from(shards).unwrap_or(MAX_SHARDS).min(MAX_SHARDS),
            chunk: CHUNK,
        }
    }

    fn chunks(&self, docs: usize) -> u32 {
        u32::try_from(docs.div_ceil(self.chunk as usize)).unwrap_or(u32::MAX)
    }
}

/// The shard of a token: FNV-1a (32 bit) over its code points, modulo the
/// shard count. search.js computes the same.
pub fn shard_of(token: &str, shards: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in token.chars() {
        h ^= u32::from(c);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % shards.max(1)
}

pub(crate) fn meta_path() -> String {
    format!("{DIR}/meta.json")
}

pub(crate) fn shard_path(k: u32) -> String {
    format!("{DIR}/t/{k}.json")
}

pub(crate) fn chunk_path(c: u32) -> String {
    format!("{DIR}/d/{c}.json")
}

/// A document as the chunks list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ChunkDoc {
    pub(crate) u: String,
    pub(crate) t: String,
    pub(crate) y: u16,
    pub(crate) d: String,
    pub(crate) s: String,
}

impl ChunkDoc {
    fn of(doc: &SearchDoc) -> ChunkDoc {
        ChunkDoc {
            u: doc.url.clone(),
            t: doc.title.clone(),
            y: doc.year,
            d: doc.department.clone(),
            s: snippet(&doc.text),
        }
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Meta {
    pub(crate) v: u32,
    pub(crate) docs: usize,
    pub shards: u32,
    pub(crate) chunk: u32,
}

/// A token as the index builds it: up to eight UTF-8 bytes (a CJK bigram,
/// a single character, a short word: nearly every token) packed into a word,
/// big-endian and zero-padded, so packed tokens hash and compare as
/// integers, in the byte order of their text, and cost no allocation;
/// longer words as text. Tokens never hold a zero byte (it separates).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Token {
    Packed(u64),
    Long(Box<str>),
}

impl Token {
    fn new(text: &str) -> Token {
        match text.len() {
            1..=8 => {
                let mut word = [0u8; 8];
                word[..text.len()].copy_from_slice(text.as_bytes());
                Token::Packed(u64::from_be_bytes(word))
            }
            _ => Token::Long(text.into()),
        }
    }

    /// Calls `f` with the token's text.
    fn with<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Token::Packed(word) => {
                let bytes = word.to_be_bytes();
                let len = 8 - (word.trailing_zeros() / 8) as usize;
                // Packed from a `&str` whole, so the bytes are UTF-8.
                f(std::str::from_utf8(&bytes[..len]).unwrap_or_default())
            }
            Token::Long(text) => f(text),
        }
    }
}

impl Ord for Token {
    fn cmp(&self, other: &Token) -> std::cmp::Ordering {
        match (self, other) {
            (Token::Packed(a), Token::Packed(b)) => a.cmp(b),
            _ => self.with(|a| other.with(|b| a.as_bytes().cmp(b.as_bytes()))),
        }
    }
}

impl PartialOrd for Token {
    fn partial_cmp(&self, other: &Token) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.with(|text| f.write_str(text))
    }
}

/// A JSON object key written from a [`Token`].
struct TokenKey<'a>(&'a Token);

impl Serialize for TokenKey<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.with(|text| s.serialize_str(text))
    }
}

/// One document's postings: token → `count × 2 + in_title`, sorted by token.
///
/// Counted by sorting, not hashing: a document's few thousand tokens are
/// nearly all packed into words ([`Token`]), and sorting those words and
/// counting runs costs less than a hash-map update per token.
fn postings(doc: &SearchDoc) -> Postings {
    let mut packed: Vec<u64> = Vec::with_capacity(doc.text.len() / 2 + 64);
    let mut long: Vec<Token> = Vec::new();
    for field in [&doc.title, &doc.department, &doc.year.to_string(), &doc.text] {
        each_token(field, |token| match Token::new(token) {
            Token::Packed(word) => packed.push(word),
            other => long.push(other),
        });
    }
    packed.sort_unstable();
    long.sort_unstable();
    let mut title: Vec<Token> = Vec::new();
    each_token(&doc.title, |t| title.push(Token::new(t)));
    title.sort_unstable();
    title.dedup();
    // The characters of the title's tokens (normalised as the index sees
    // them): a character posting is in the title exactly when one is.
    let mut title_chars: Vec<char> = Vec::new();
    for token in &title {
        token.with(|t| title_chars.extend(t.chars()));
    }
    title_chars.sort_unstable();
    title_chars.dedup();
    // Each distinct token with its count, in order.
    let mut counted: Vec<(Token, u32)> = Vec::with_capacity(packed.len() / 2 + long.len());
    for run in packed.chunk_by(|a, b| a == b) {
        counted.push((Token::Packed(run[0]), run.len() as u32));
    }
    for run in long.chunk_by(|a, b| a == b) {
        counted.push((run[0].clone(), run.len() as u32));
    }
    // Single characters: the sum over the tokens containing them.
    let mut chars: Vec<(char, u32)> = Vec::with_capacity(counted.len() * 2);
    let mut out: Postings = Vec::with_capacity(counted.len() + counted.len() / 2);
    for (token, count) in counted {
        let single = token.with(|t| {
            let mut seen: [Option<char>; 2] = [None, None];
            for (i, c) in t.chars().filter(|&c| is_cjk(c)).take(2).enumerate() {
                if !seen[..i].contains(&Some(c)) {
                    chars.push((c, count));
                }
                seen[i] = Some(c);
            }
            single_cjk(t).is_some()
        });
        if !single {
            let in_title = title.binary_search(&token).is_ok();
            out.push((token, count.saturating_mul(2) | u32::from(in_title)));
        }
    }
    chars.sort_unstable_by_key(|&(c, _)| c);
    for run in chars.chunk_by(|a, b| a.0 == b.0) {
        let (c, sum) = (run[0].0, run.iter().fold(0u32, |sum, (_, n)| sum.saturating_add(*n)));
        let in_title = title_chars.binary_search(&c).is_ok();
        out.push((
            Token::new(c.encode_utf8(&mut [0u8; 4])),
            sum.saturating_mul(2) | u32::from(in_title),
        ));
    }
    // Sorted runs (packed tokens, long ones, characters): a stable sort
    // merges them in about one pass.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn single_cjk(token: &str) -> Option<char> {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if is_cjk(c) => Some(c),
        _ => None,
    }
}

/// Per shard, a hash of a document's postings in it (0: none there).
fn shard_signatures(postings: &[(Token, u32)], layout: Layout) -> Vec<u64> {
    let mut sigs = vec![0u64; layout.shards as usize];
    for (token, value) in postings {
        token.with(|t| feed(&mut sigs[shard_of(t, layout.shards) as usize], t, *value));
    }
    sigs
}

/// Adds one posting to a running signature: FNV-1a 64 over the token, a
/// zero byte and the value's bytes; 0 stands for "no posting yet".
fn feed(sig: &mut u64, token: &str, value: u32) {
    let mut h = if *sig == 0 { 0xcbf2_9ce4_8422_2325 } else { *sig };
    for b in token.bytes().chain([0]).chain(value.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    *sig = h.max(1);
}

/// A document's postings: `(token, value)`, sorted by token.
type Postings = Vec<(Token, u32)>;

/// A shard's JSON and its documents' signatures (position in the table, value).
type WrittenShard = (Vec<u8>, Vec<(usize, u64)>);

/// A shard being built from scratch (sorted when written).
type BuildingShard = HashMap<Token, Vec<(u32, u32)>, FastHash>;

/// One shard's postings: token → `[(doc, value)]`.
type Shard = BTreeMap<String, Vec<(u32, u32)>>;

fn shard_json(shard: &Shard) -> Vec<u8> {
    sorted_shard_json(shard.iter())
}

/// A shard's JSON from its `(token, list)` pairs in token order.
fn sorted_shard_json<'a, K: Serialize + 'a>(pairs: impl Iterator<Item = (K, &'a Vec<(u32, u32)>)>) -> Vec<u8> {
    struct Flat<'a>(&'a [(u32, u32)]);
    impl Serialize for Flat<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().flat_map(|&(d, v)| [d, v]))
        }
    }
    let map: Vec<(K, Flat)> = pairs.map(|(k, v)| (k, Flat(v))).collect();
    struct Map<'a, K>(Vec<(K, Flat<'a>)>);
    impl<K: Serialize> Serialize for Map<'_, K> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
        }
    }
    // Strings and integers always serialize.
    serde_json::to_vec(&Map(map)).unwrap_or_default()
}

fn parse_shard(bytes: &[u8]) -> Option<Shard> {
    let flat: BTreeMap<String, Vec<u32>> = serde_json::from_slice(bytes).ok()?;
    let mut shard = Shard::new();
    for (token, list) in flat {
        if list.len() % 2 != 0 {
            return None;
        }
        shard.insert(token, list.chunks_exact(2).map(|p| (p[0], p[1])).collect());
    }
    Some(shard)
}

fn meta_json(docs: usize, layout: Layout) -> Vec<u8> {
    let meta = Meta {
        v: VERSION,
        docs,
        shards: layout.shards,
        chunk: layout.chunk,
    };
    serde_json::to_vec(&meta).unwrap_or_default()
}

/// The index files of a set of documents, from scratch: `(path, bytes)`,
/// deterministic whatever the documents' order.
pub fn build(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let mut sorted: Vec<&SearchDoc> = docs.iter().collect();
    sorted.sort_by(|a, b| (&a.url, &a.title, a.year).cmp(&(&b.url, &b.title, b.year)));
    let changed: Vec<Option<&SearchDoc>> = sorted.iter().map(|d| Some(*d)).collect();
    let urls: Vec<&str> = sorted.iter().map(|d| d.url.as_str()).collect();
    let hashes: Vec<u64> = sorted.iter().map(|d| d.hash()).collect();
    let entries: Vec<Entry> = (0..sorted.len())
        .map(|i| Entry {
            url: urls[i],
            hash: hashes[i],
            doc: changed[i],
        })
        .collect();
    match update(None, &entries) {
        Ok(update) => update.write,
        Err(NeedAll) => Vec::new(), // unreachable: every document is given
    }
}

/// What the last build left: enough to patch its index.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub(crate) layout: Option<Layout>,
    /// Documents' urls and entry hashes, in index order.
    pub(crate) urls: Vec<String>,
    pub(crate) hashes: Vec<u64>,
    /// `docs × shards` signatures, row by row (see [`shard_signatures`]).
    #[serde(skip)]
    pub signatures: Vec<u64>,
    /// Every file of the index with its content hash and length.
    pub(crate) files: Vec<gongkai_render::output::BuiltFile>,
}

impl State {
    /// Whether two states describe the same index files and documents.
    pub fn same_files(&self, other: &State) -> bool {
        self.files == other.files && self.urls == other.urls && self.hashes == other.hashes
    }
}

/// One document of the new index, in url order: its entry when it was
/// (re)rendered by this build, else `None` (it must then be in the
/// previous index with the same hash).
pub struct Entry<'a> {
    /// The department-year's page, relative to the site.
    pub url: &'a str,
    /// The hash of its search document.
    pub hash: u64,
    /// Its search document, when it was worked out by this build.
    pub doc: Option<&'a SearchDoc>,
}

/// The previous index: its state and a way to read its files (`None` when a
/// file is missing or not what the state recorded).
pub struct Previous<'a> {
    /// What the last build recorded of its index.
    pub state: &'a State,
    /// Reads one of its files, when it still holds what was recorded.
    pub read: &'a (dyn Fn(&gongkai_render::output::BuiltFile) -> Option<Vec<u8>> + Sync),
}

/// The patched index: files to write, files to keep as they are, new state.
pub struct Update {
    /// Files to write: path below the site and bytes.
    pub write: Vec<(String, Vec<u8>)>,
    /// Files of the last build that stay as they are.
    pub keep: Vec<gongkai_render::output::BuiltFile>,
    /// What the next build is told of this index.
    pub state: State,
}

/// The previous index cannot supply an unchanged document's postings: the
/// caller must give every document's entry.
#[derive(Debug)]
pub struct NeedAll;

/// Above this share of changed documents, patching costs more than
/// building every shard anew.
const PATCH_MAX_CHANGED: usize = 8;

/// Brings the index up to date; see the module documentation.
pub fn update(previous: Option<Previous>, entries: &[Entry]) -> Result<Update, NeedAll> {
    let n = entries.len();
    let layout = Layout::for_docs(n);
    let shards = layout.shards as usize;
    let old_state = previous.as_ref().map(|p| p.state);
    let old_position: HashMap<&str, usize> = old_state
        .map(|s| s.urls.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect())
        .unwrap_or_default();
    // For each new document: its previous position when it is unchanged.
    let mut same: Vec<Option<usize>> = Vec::with_capacity(n);
    for entry in entries {
        let old = old_position
            .get(entry.url)
            .copied()
            .filter(|&i| old_state.is_some_and(|s| s.hashes.get(i) == Some(&entry.hash)));
        if old.is_none() && entry.doc.is_none() {
            return Err(NeedAll);
        }
        same.push(old);
    }
    let changed: Vec<usize> = (0..n).filter(|&i| same[i].is_none()).collect();
    let identity = old_state.is_some_and(|s| {
        s.layout == Some(layout)
            && s.signatures.len() == n * shards
            && s.urls.len() == n
            && s.urls.iter().zip(entries).all(|(a, e)| a == e.url)
    }) && changed.len() <= n / PATCH_MAX_CHANGED;

    let read = |path: &str| -> Result<Vec<u8>, NeedAll> {
        let p = previous.as_ref().ok_or(NeedAll)?;
        let file = p.state.files.iter().find(|f| f.path == path).ok_or(NeedAll)?;
        (p.read)(file).ok_or(NeedAll)
    };
    let old_file = |path: &str| old_state.and_then(|s| s.files.iter().find(|f| f.path == path)).cloned();
    let doc_of = |i: usize| entries[i].doc.ok_or(NeedAll);

    let mut write = Vec::new();
    let mut keep = Vec::new();
    let signatures = if identity {
        let old = old_state.ok_or(NeedAll)?;
        let mut signatures = old.signatures.clone();
        // Per dirty shard: the changed documents whose postings there changed,
        // with those postings.
        let mut dirty: BTreeMap<u32, Vec<(usize, Postings)>> = BTreeMap::new();
        for &i in &changed {
            let postings = postings(doc_of(i)?);
            let sigs = shard_signatures(&postings, layout);
            let row = &mut signatures[i * shards..(i + 1) * shards];
            for k in 0..layout.shards {
                if row[k as usize] != sigs[k as usize] {
                    let here = postings
                        .iter()
                        .filter(|(t, _)| t.with(|t| shard_of(t, layout.shards)) == k)
                        .cloned();
                    dirty.entry(k).or_default().push((i, here.collect()));
                }
            }
            row.copy_from_slice(&sigs);
        }
        for k in 0..layout.shards {
            let path = shard_path(k);
            let Some(docs) = dirty.get(&k) else {
                keep.push(old_file(&path).ok_or(NeedAll)?);
                continue;
            };
            let mut shard = parse_shard(&read(&path)?).ok_or(NeedAll)?;
            for list in shard.values_mut() {
                list.retain(|(d, _)| !docs.iter().any(|(i, _)| *i == *d as usize));
            }
            shard.retain(|_, list| !list.is_empty());
            for (i, postings) in docs {
                add_postings(&mut shard, *i, postings);
            }
            for list in shard.values_mut() {
                list.sort_unstable();
            }
            write.push((path, shard_json(&shard)));
        }
        signatures
    } else {
        // Every shard anew: the unchanged documents' postings from the
        // previous shards (positions remapped), then the changed ones'.
        let mut all: Vec<BuildingShard> = vec![HashMap::default(); shards];
        if same.iter().any(Option::is_some) {
            let old = old_state.ok_or(NeedAll)?;
            let old_layout = old.layout.ok_or(NeedAll)?;
            let mut new_position: Vec<Option<u32>> = vec![None; old.urls.len()];
            for (i, s) in same.iter().enumerate() {
                if let Some(o) = s {
                    new_position[*o] = u32::try_from(i).ok();
                }
            }
            for k in 0..old_layout.shards {
                let shard = parse_shard(&read(&shard_path(k))?).ok_or(NeedAll)?;
                for (token, list) in shard {
                    let kept: Vec<(u32, u32)> = list
                        .into_iter()
                        .filter_map(|(d, v)| new_position.get(d as usize).copied().flatten().map(|i| (i, v)))
                        .collect();
                    if !kept.is_empty() {
                        let target = &mut all[shard_of(&token, layout.shards) as usize];
                        target.entry(Token::new(&token)).or_default().extend(kept);
                    }
                }
            }
        }
        // The changed documents' postings, on every core, merged per shard.
        for &i in &changed {
            doc_of(i)?;
        }
        let threads = gongkai_model::par::threads().clamp(1, changed.len().max(1));
        let parts: Vec<Vec<BuildingShard>> = std::thread::scope(|scope| {
            let handles: Vec<_> = changed
                .chunks(changed.len().div_ceil(threads).max(1))
                .map(|part| {
                    scope.spawn(move || {
                        let mut mine: Vec<BuildingShard> = vec![HashMap::default(); shards];
                        for &i in part {
                            let Some(doc) = entries[i].doc else { continue };
                            let d = u32::try_from(i).unwrap_or(u32::MAX);
                            for (token, value) in postings(doc) {
                                let target = &mut mine[token.with(|t| shard_of(t, layout.shards)) as usize];
                                match target.get_mut(&token) {
                                    Some(list) => list.push((d, value)),
                                    None => {
                                        target.insert(token, vec![(d, value)]);
                                    }
                                }
                            }
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().filter_map(|h| h.join().ok()).collect()
        });
        for part in parts {
            for (target, shard) in all.iter_mut().zip(part) {
                for (token, list) in shard {
                    match target.get_mut(&token) {
                        Some(existing) => existing.extend(list),
                        None => {
                            target.insert(token, list);
                        }
                    }
                }
            }
        }
        // Sorted lists; every document's signatures from the shards (tokens
        // in order, as `shard_signatures` feeds them); shards on every core.
        let done: Vec<WrittenShard> = std::thread::scope(|scope| {
            let per = shards.div_ceil(gongkai_model::par::threads().max(1)).max(1);
            let mut all = all;
            let mut handles = Vec::new();
            let mut first = 0;
            while !all.is_empty() {
                let rest = all.split_off(per.min(all.len()));
                let mine = std::mem::replace(&mut all, rest);
                let start = first;
                first += mine.len();
                handles.push(scope.spawn(move || {
                    mine.into_iter()
                        .enumerate()
                        .map(|(j, shard)| {
                            let k = start + j;
                            let mut shard: Vec<(Token, Vec<(u32, u32)>)> = shard.into_iter().collect();
                            shard.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                            let mut sigs: HashMap<u32, u64, FastHash> = HashMap::default();
                            for (token, list) in shard.iter_mut() {
                                list.sort_unstable();
                                token.with(|t| {
                                    for &(d, v) in list.iter() {
                                        feed(sigs.entry(d).or_default(), t, v);
                                    }
                                });
                            }
                            let json = sorted_shard_json(shard.iter().map(|(t, l)| (TokenKey(t), l)));
                            let sigs = sigs
                                .into_iter()
                                .map(|(d, sig)| (d as usize * shards + k, sig))
                                .collect();
                            (json, sigs)
                        })
                        .collect::<Vec<_>>()
                }));
            }
            handles.into_iter().filter_map(|h| h.join().ok()).flatten().collect()
        });
        let mut signatures = vec![0u64; n * shards];
        for (k, (json, sigs)) in done.into_iter().enumerate() {
            for (at, sig) in sigs {
                if let Some(slot) = signatures.get_mut(at) {
                    *slot = sig;
                }
            }
            write.push((shard_path(k as u32), json));
        }
        signatures
    };

    // Document chunks.
    let chunk = layout.chunk as usize;
    let mut old_chunks: HashMap<u32, Vec<ChunkDoc>> = HashMap::new();
    for c in 0..layout.chunks(n) {
        let range = c as usize * chunk..((c as usize + 1) * chunk).min(n);
        let path = chunk_path(c);
        if identity && !range.clone().any(|i| same[i].is_none()) {
            keep.push(old_file(&path).ok_or(NeedAll)?);
            continue;
        }
        let mut docs = Vec::with_capacity(range.len());
        for i in range {
            match same[i] {
                None => docs.push(ChunkDoc::of(doc_of(i)?)),
                Some(o) => {
                    let old_chunk = u32::try_from(o / chunk).map_err(|_| NeedAll)?;
                    if let std::collections::hash_map::Entry::Vacant(slot) = old_chunks.entry(old_chunk) {
                        let parsed: Vec<ChunkDoc> =
                            serde_json::from_slice(&read(&chunk_path(old_chunk))?).map_err(|_| NeedAll)?;
                        slot.insert(parsed);
                    }
                    let doc = old_chunks
                        .get(&old_chunk)
                        .and_then(|d| d.get(o % chunk))
                        .ok_or(NeedAll)?;
                    docs.push(doc.clone());
                }
            }
        }
        write.push((path, serde_json::to_vec(&docs).unwrap_or_default()));
    }
    let meta = meta_json(n, layout);
    let meta_unchanged = old_file(&meta_path()).filter(|f| f.hash == content_hash(&meta));
    match meta_unchanged {
        Some(file) if identity => keep.push(file),
        _ => write.push((meta_path(), meta)),
    }

    let mut files: Vec<gongkai_render::output::BuiltFile> = keep.clone();
    files.extend(write.iter().map(|(path, bytes)| gongkai_render::output::BuiltFile {
        path: path.clone(),
        hash: content_hash(bytes),
        len: bytes.len() as u64,
    }));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let state = State {
        layout: Some(layout),
        urls: entries.iter().map(|e| e.url.to_string()).collect(),
        hashes: entries.iter().map(|e| e.hash).collect(),
        signatures,
        files,
    };
    Ok(Update { write, keep, state })
}

/// Adds a document's postings to a shard (lists sorted afterwards).
fn add_postings(shard: &mut Shard, doc: usize, postings: &[(Token, u32)]) {
    let d = u32::try_from(doc).unwrap_or(u32::MAX);
    for (token, value) in postings {
        let token = token.to_string();
        match shard.get_mut(&token) {
            Some(list) => list.push((d, *value)),
            None => {
                shard.insert(token, vec![(d, *value)]);
            }
        }
    }
}

/// The signatures of a state, stored beside it as little-endian words.
pub fn signatures_bytes(state: &State) -> Vec<u8> {
    state.signatures.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Reads back [`signatures_bytes`].
pub fn read_signatures(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()))
        .collect()
}

/// Reads an index's files for [`super::search`].
pub trait Files {
    /// The bytes of the index file at `path` (below `search/`), if there is one.
    fn file(&self, path: &str) -> Option<Vec<u8>>;
}

impl Files for [(String, Vec<u8>)] {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.iter().find(|(p, _)| p == path).map(|(_, b)| b.clone())
    }
}

impl Files for Vec<(String, Vec<u8>)> {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        self.as_slice().file(path)
    }
}

impl Files for std::path::Path {
    fn file(&self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(self.join(path)).ok()
    }
}

/// A query's postings lists, read from the index.
pub(super) struct Reader<'a, F: Files + ?Sized> {
    files: &'a F,
    pub(crate) meta: Meta,
    shards: HashMap<u32, Shard>,
}

impl<'a, F: Files + ?Sized> Reader<'a, F> {
    pub(crate) fn open(files: &'a F) -> Option<Self> {
        let meta: Meta = serde_json::from_slice(&files.file(&meta_path())?).ok()?;
        (meta.v == VERSION).then(|| Reader {
            files,
            meta,
            shards: HashMap::new(),
        })
    }

    /// The postings of a token (empty when none or unreadable).
    pub(crate) fn postings(&mut self, token: &str) -> Vec<(u32, u32)> {
        let k = shard_of(token, self.meta.shards);
        if !self.shards.contains_key(&k) {
            let shard = self
                .files
                .file(&shard_path(k))
                .and_then(|b| parse_shard(&b))
                .unwrap_or_default();
            self.shards.insert(k, shard);
        }
        self.shards
            .get(&k)
            .and_then(|s| s.get(token))
            .cloned()
            .unwrap_or_default()
    }

    /// The document at a position.
    pub(crate) fn doc(&self, doc: u32) -> Option<ChunkDoc> {
        let chunk = self.meta.chunk.max(1);
        let list: Vec<ChunkDoc> = serde_json::from_slice(&self.files.file(&chunk_path(doc / chunk))?).ok()?;
        list.into_iter().nth((doc % chunk) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The postings by the rule as the module documentation states it,
    /// with strings and maps: every token's count (title, department, year
    /// and text), a lone CJK character replaced by the sum over the tokens
    /// containing it, and the title bit.
    fn by_the_rule(doc: &SearchDoc) -> Vec<(String, u32)> {
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for field in [&doc.title, &doc.department, &doc.year.to_string(), &doc.text] {
            for token in super::super::tokens(field) {
                *counts.entry(token).or_default() += 1;
            }
        }
        let title = super::super::tokens(&doc.title);
        let mut chars: BTreeMap<char, u32> = BTreeMap::new();
        for (token, count) in &counts {
            let mut cjk: Vec<char> = token.chars().filter(|&c| is_cjk(c)).take(2).collect();
            cjk.dedup();
            for c in cjk {
                *chars.entry(c).or_default() += count;
            }
        }
        let mut out: Vec<(String, u32)> = counts
            .into_iter()
            .filter(|(t, _)| single_cjk(t).is_none())
            .map(|(t, n)| {
                let in_title = title.contains(&t);
                (t, n * 2 + u32::from(in_title))
            })
            .collect();
        for (c, n) in chars {
            let in_title = title.iter().any(|t| t.contains(c));
            out.push((c.to_string(), n * 2 + u32::from(in_title)));
        }
        out.sort();
        out
    }

    #[test]
    fn postings_follow_the_rule_and_the_byte_order() {
        let doc = SearchDoc {
            url: "2025/101/".into(),
            title: "人大常委会办公室2025年部门预算".into(),
            year: 2025,
            department: "张家口市人大常委会办公室".into(),
            // Bigrams, lone characters (年, 项), words of up to eight bytes
            // and longer (packed and not), full-width digits, a repeated
            // character inside one bigram (常常), quotation marks dropped
            // within a run.
            text: "“三公”经费 2025年 项 XBRL abcdefgh abcdefghi 常常委员 ２０２５ 人大人大".into(),
        };
        let postings: Vec<(String, u32)> = postings(&doc).into_iter().map(|(t, v)| (t.to_string(), v)).collect();
        assert_eq!(postings, by_the_rule(&doc));
        // Some figures by hand: 人大 twice in the text, once in the title and
        // once in the department (4, in the title: 9); `abcdefghi` (nine
        // bytes, not packed) once; 常: 大常 ×2 (title, department), 常委 ×3
        // (and the text) and 常常 once, counted once there: 6, in the title.
        let value = |t: &str| postings.iter().find(|(x, _)| x == t).map(|(_, v)| *v);
        assert_eq!(value("人大"), Some(9));
        assert_eq!(value("abcdefghi"), Some(2));
        assert_eq!(value("abcdefgh"), Some(2));
        assert_eq!(value("常"), Some(13));
        assert_eq!(value("2025"), Some(4 * 2 + 1));
        // Sorted by the tokens' bytes, packed and long alike.
        assert!(postings.windows(2).all(|w| w[0].0.as_bytes() < w[1].0.as_bytes()));
    }
}
