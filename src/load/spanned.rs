//! [`Spanned<T>`]: a value of a content file together with where it was typed.
//!
//! The schema's own type rather than `serde_saphyr::Spanned`, so that the
//! loader does not depend on how a particular YAML parser reports positions.
//! Read through serde-saphyr, it delegates to `serde_saphyr::Spanned` (so
//! values, positions and errors are exactly serde-saphyr's) and keeps the
//! position as a [`Pos`].

use serde::{Deserialize, Deserializer};

/// A value with the position of the YAML node it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    /// Where the node is (for an alias, where the alias is, as serde-saphyr has it).
    pub referenced: Pos,
}

/// The position of a YAML node: 1-based line and column, the characters
/// before it in the text, and its length in characters (all counted in
/// characters, as serde-saphyr counts them). For a quoted scalar the span
/// includes the quotes; for a flow collection it is its opening bracket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    /// Characters before the node, from the start of the text.
    pub offset: u32,
    /// Length of the node in characters.
    pub len: u32,
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Pos {
    /// The position serde-saphyr reports.
    pub fn from_saphyr(loc: &serde_saphyr::Location) -> Self {
        let span = loc.span();
        Pos {
            line: saturate(loc.line()),
            column: saturate(loc.column()),
            offset: saturate(span.offset()),
            len: saturate(span.len()),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: spanned.value,
            referenced: Pos::from_saphyr(&spanned.referenced),
        })
    }
}
