//! gongkai's integration tests: one binary (one link of the workspace on a
//! 2-core machine), one module per area.

mod author;
mod cache;
mod charts;
mod check_fixtures;
mod common;
mod completeness;
mod config;
mod conservation;
mod document;
mod docx;
mod downloads;
mod draft;
mod fast_yaml;
mod hardening;
mod identity;
mod import;
mod import_formats;
mod import_pdf;
mod import_site;
mod portal;
mod reference_tables;
mod search;
mod serve;
mod twins;
