//! The content folder: its files, their YAML schema, reading them into the
//! model with every problem located, and writing them.
//!
//! - [`schema`]: the raw YAML types, every value kept as text with its position;
//! - [`load`]: a department-year folder (or its files in memory) → the
//!   validated [`Disclosure`](gongkai_model::disclosure::Disclosure), each
//!   file parsed and then converted value by value (`convert`);
//! - [`fast`]: the fast front end for the plain YAML finance officers write;
//! - [`write`]: the model back to YAML, with Chinese comments;
//! - [`yaml`]: the one YAML writer and its quoting policy, for every file
//!   gongkai writes.
//!
//! This is the only crate that knows YAML.

mod convert;
pub mod fast;
pub mod load;
pub mod schema;
pub mod write;
pub mod yaml;
