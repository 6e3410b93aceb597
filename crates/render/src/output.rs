//! What a renderer hands over: files for the output folder, by path relative
//! to it, and the content hash every stage agrees on.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output folder.
    pub path: PathBuf,
    /// What it holds.
    pub bytes: Vec<u8>,
}

/// One written file as a build records it: path relative to the output
/// (with `/`), content hash, length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltFile {
    /// Relative to the output folder, with `/`.
    pub path: String,
    /// Its [`content_hash`].
    pub hash: u64,
    /// Its length in bytes.
    pub len: u64,
}

/// XXH3-64: a stable content hash (a published algorithm, unlike std's
/// hasher, which may change between releases), at memory speed: every
/// output file and every input is hashed on each build.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
