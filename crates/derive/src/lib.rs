//! Derivation and checks: from the leaves of a department-year to its nine
//! tables and named facts, and the relations that must hold between them.
//!
//! - [`derive`](mod@derive): the tables and key figures, declared totals reconciled;
//! - [`check`](mod@check): the relations between tables and parts (DOMAIN.md 2–9);
//! - [`facts`]: the named figures narrative text may quote;
//! - [`prose`]: rules on the author's own text (no typed figures, reasons given).

pub mod check;
pub mod derive;
pub mod facts;
pub mod proofread;
pub mod prose;
