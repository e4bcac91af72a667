//! A Smithy 2.0 JSON AST → Rust client crate generator.
//!
//! The pipeline reads top to bottom: [`model`] loads the JSON AST, [`select`] takes the chosen
//! operations' shape closure, [`ir`] resolves every Rust name, [`emit`] builds one token stream
//! per output file, [`format`] pretty-prints them, and [`write`] puts them on disk atomically.

pub mod automaton;
pub mod changes;
pub mod conformance;
pub mod context_paths;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod endpoints;
pub mod error;
pub mod format;
pub mod ir;
pub mod model;
pub mod naming;
mod pool;
pub mod scan;
pub mod select;
pub mod tokens;
pub mod write;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::{Error, Result};
pub use model::ModelSource;
pub use select::{Operations, Unsupported};

/// The operations `cargo xtask codegen` generates by default.
pub const DEFAULT_OPERATIONS: &[&str] =
    &["CreateFaceLivenessSession", "GetFaceLivenessSessionResults"];

pub use tokens::HEADER;

/// A generated crate, in memory.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The Cargo package name.
    pub package: String,
    /// File contents keyed by path relative to the crate root (`src/lib.rs`).
    pub files: BTreeMap<String, String>,
    /// What the generator skipped or found questionable, each naming its shape.
    pub warnings: Vec<String>,
    /// One line on how the crate checks `@pattern`s.
    pub summary: String,
    /// Operations an `--all-operations` selection left out, each with the reason (print them
    /// with `Display`: `not supported: SubscribeToShard: event streams`).
    pub unsupported: Vec<Unsupported>,
}

/// Generates a crate for `operations` of the model's only service.
pub fn generate(model: &model::Model, operations: &Operations) -> Result<Generated> {
    generate_service(model, None, operations)
}

/// Generates a crate for `operations` of `service` (a shape id or name; `None`: the only one).
pub fn generate_service(
    model: &model::Model,
    service: Option<&str>,
    operations: &Operations,
) -> Result<Generated> {
    generate_with(model, service, operations, &Options::default())
}

/// Settings beyond the model and the operations.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The partitions file `aws.partition` reads (default: the bundled `model/partitions.json`).
    pub partitions: Option<endpoints::Partitions>,
    /// The model file's name and hash, recorded in the manifest (`None`: not recorded).
    pub source: Option<ModelSource>,
}

/// [`generate_service`] with [`Options`].
pub fn generate_with(
    model: &model::Model,
    service: Option<&str>,
    operations: &Operations,
    options: &Options,
) -> Result<Generated> {
    let mut krate = build_ir(model, service, operations)?;
    let partitions = match &options.partitions {
        Some(p) => p.clone(),
        None => endpoints::Partitions::bundled()?,
    };
    krate.endpoints = endpoints::build(model, &krate, &partitions)?;
    krate.source = options.source.clone();
    let files = format::format(&krate, emit::plan(&krate))?;
    let count = |straight: bool| {
        krate
            .patterns
            .iter()
            .filter(|p| match p.compiled.as_ref().map(|c| &c.matcher) {
                Some(ir::Matcher::Scan(_)) => straight,
                Some(ir::Matcher::Automaton(_)) => !straight,
                None => false,
            })
            .count()
    };
    let (straight, automata) = (count(true), count(false));
    let skipped = krate.skipped_patterns.len();
    let summary = format!(
        "patterns: {straight} checked by straight code, {automata} compiled to automata, {} run by the ECMAScript engine, {skipped} not checked",
        krate.patterns.len() - straight - automata
    );
    Ok(Generated {
        package: krate.package,
        files,
        warnings: krate.warnings,
        summary,
        unsupported: krate.unsupported,
    })
}

/// The IR of a crate: the selected shapes with every Rust name resolved.
pub fn build_ir(
    model: &model::Model,
    service: Option<&str>,
    operations: &Operations,
) -> Result<ir::Crate> {
    let selection = select::select(model, service, operations)?;
    ir::build(model, &selection)
}

/// Loads a model file and generates a crate from it.
pub fn generate_from_file(path: &Path, operations: &Operations) -> Result<Generated> {
    generate(&model::Model::load(path)?, operations)
}

/// The default selection.
pub fn default_operations() -> Operations {
    Operations::Named(DEFAULT_OPERATIONS.iter().map(|s| s.to_string()).collect())
}

/// The runtime modules compiled and tested here as well as in every generated crate.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../runtime"]
mod runtime {
    pub mod aws_credentials;
    pub mod cli;
    pub mod compression;
    pub mod config;
    pub mod credentials;
    pub mod datetime;
    /// The automaton compiler's copy (one module per file).
    pub(crate) use crate::automaton::runtime as dfa;
    pub mod document;
    pub mod endpoint_lib;
    pub mod errors;
    pub mod idempotency;
    pub mod json;
    pub mod orchestrator;
    pub mod paginator;
    pub mod pattern;
    pub mod profile;
    pub mod proxy;
    pub mod retry;
    pub mod sigv4;
    pub mod transport;
    pub mod validation;
    pub mod waiter;
}
