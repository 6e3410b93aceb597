//! [`Spanned<T>`]: a value of a content file together with where it was typed.
//!
//! Both YAML front ends of `gongkai_content::load` produce it: serde-saphyr
//! (through its own `serde_saphyr::Spanned`, converted here) and the fast
//! front end, `gongkai_content::fast`, which hands the position over directly.
//! Which one is driving is told apart by how the deserializer answers
//! `deserialize_newtype_struct(`[`FAST_SPANNED`]`)`: serde-saphyr treats a
//! newtype it does not know as transparent and calls `visit_newtype_struct`
//! (we then delegate to `serde_saphyr::Spanned`, so its behaviour and its
//! errors are exactly what they were), the fast front end calls `visit_seq`
//! with the position first and the value second.

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// The newtype name under which [`Spanned`] asks for its value.
pub const FAST_SPANNED: &str = "__gongkai_spanned";

/// A value with the position of the YAML node it came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    /// The value of the node.
    pub value: T,
    /// Where the node is (for an alias, where the alias is, as serde-saphyr has it).
    pub referenced: Pos,
}

/// The position of a YAML node: 1-based line and column, the characters
/// before it in the text, and its length in characters (all counted in
/// characters, as serde-saphyr counts them). For a quoted scalar the span
/// includes the quotes; for a flow collection it is its opening bracket.
// (Aligned to 8 bytes: moved around packed in `Result<Option<Pos>, _>` on
// the fast front end's hot path, it otherwise costs store-forwarding stalls.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(align(8))]
pub struct Pos {
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
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

    /// The four numbers in one, as the fast front end hands them over.
    fn pack(self) -> u128 {
        u128::from(self.line) << 96
            | u128::from(self.column) << 64
            | u128::from(self.offset) << 32
            | u128::from(self.len)
    }

    fn unpack(n: u128) -> Self {
        Pos {
            line: (n >> 96) as u32,
            column: (n >> 64) as u32,
            offset: (n >> 32) as u32,
            len: n as u32,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(FAST_SPANNED, SpannedVisitor(PhantomData))
    }
}

struct SpannedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
    type Value = Spanned<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value with its position")
    }

    /// serde-saphyr: let its own `Spanned` read the value and the position.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Spanned {
            value: spanned.value,
            referenced: Pos::from_saphyr(&spanned.referenced),
        })
    }

    /// The fast front end: the position, then the value.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let referenced = seq
            .next_element::<Pos>()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let value = seq
            .next_element::<T>()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        Ok(Spanned { value, referenced })
    }
}

/// A [`Pos`] is handed over packed in a `u128` (fast front end only).
impl<'de> Deserialize<'de> for Pos {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PosVisitor;
        impl Visitor<'_> for PosVisitor {
            type Value = Pos;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a position")
            }
            fn visit_u128<E: de::Error>(self, n: u128) -> Result<Pos, E> {
                Ok(Pos::unpack(n))
            }
        }
        deserializer.deserialize_u128(PosVisitor)
    }
}

/// Hands a [`Pos`] to its `Deserialize` impl (used by the fast front end).
pub struct PosDeserializer<E> {
    pos: Pos,
    error: PhantomData<E>,
}

impl<E> PosDeserializer<E> {
    /// A deserializer that hands `pos` over.
    pub fn new(pos: Pos) -> Self {
        PosDeserializer {
            pos,
            error: PhantomData,
        }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for PosDeserializer<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_u128(self.pos.pack())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
