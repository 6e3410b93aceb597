//! The content folder: its files, their YAML schema, reading them into the
//! model with every problem located, and writing them.
//!
//! - [`files`]: the files of a department-year, each declared once: name,
//!   schema type, how it is loaded, written and scaffolded;
//! - [`schema`]: the raw YAML types, every value kept as text with its position;
//! - [`load`]: a department-year folder (or its files in memory) → the
//!   validated [`Disclosure`](gongkai_model::disclosure::Disclosure), each
//!   file parsed and then converted value by value (`convert`);
//! - [`fast`]: the fast front end for the plain YAML finance officers write;
//! - [`write`]: the model back to YAML, with Chinese comments;
//! - [`yaml`]: the one YAML writer and its quoting policy, for every file
//!   gongkai writes;
//! - [`config`]: the site configuration, `gongkai.toml` (TOML, not YAML).
//!
//! This is the only crate that knows YAML.

pub mod config;
mod convert;
pub mod fast;
pub mod files;
pub mod load;
mod scaffold;
pub mod schema;
pub mod write;
pub mod yaml;
