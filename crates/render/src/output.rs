//! What a renderer hands over: files for the output folder, by path relative
//! to it, and the content hash every stage agrees on.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A file to write, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

/// One written file as a build records it: path relative to the output
/// (with `/`), content hash, length.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltFile {
    pub path: String,
    pub hash: u64,
    pub len: u64,
}

/// XXH3-64: a stable content hash (a published algorithm, unlike std's
/// hasher, which may change between releases), at memory speed: every
/// output file and every input is hashed on each build.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}
