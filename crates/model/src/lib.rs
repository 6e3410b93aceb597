//! gongkai's shared vocabulary: what every stage of the pipeline speaks.
//!
//! - [`amount`]: exact money (`rust_decimal`, never `f64`), units, the
//!   rounding interval a published total is compared with;
//! - [`codes`]: the classification code lists (政府收支分类科目) by year, and a
//!   site's additions;
//! - [`diag`]: findings with file, line and column, rendered as text or JSON;
//! - [`span`]: a value of a content file with the position it was typed at;
//! - [`table`]: the nine tables as rows of exact figures;
//! - [`disclosure`]: the validated model of one department-year;
//! - [`identity`]: who published which document (division, department, year, phase, scope);
//! - [`regions`]: the national list of 区划代码 down to the county level, and
//!   finding the division a published text names;
//! - [`par`]: the order-keeping parallel map every stage runs on.
//!
//! Nothing here reads a content folder or writes output; the crates of the
//! pipeline (`gongkai-content` → `gongkai-derive` → `gongkai-render` →
//! `gongkai-portal`, driven by `gongkai-site`) build on these types.

pub mod amount;
pub mod codes;
pub mod config;
pub mod diag;
pub mod disclosure;
pub mod identity;
pub mod par;
pub mod regions;
pub mod span;
pub mod table;
