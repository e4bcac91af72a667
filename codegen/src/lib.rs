//! A Smithy 2.0 JSON AST → Rust client crate generator.
//!
//! The pipeline reads top to bottom: [`model`] loads the JSON AST, [`select`] takes the chosen
//! operations' shape closure, [`ir`] resolves every Rust name, [`emit`] builds one token stream
//! per output file, [`format`] renders them to text ([`render`]: syn, prettyplease, spacing), and [`write`] puts them on disk atomically.

pub mod automaton;
pub mod changes;
pub mod conformance;
pub mod context_paths;
pub mod customize;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod endpoints;
pub mod error;
pub mod format;
pub mod http;
pub mod ir;
mod lookaround;
pub mod model;
pub mod naming;
mod pool;
pub mod protocol;
pub mod render;
pub mod scan;
pub mod select;
pub mod tokens;
pub mod write;

use std::collections::BTreeMap;
use std::path::Path;

pub use error::{Error, Result};
pub use model::ModelSource;
pub use select::Operations;

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
}

/// What to generate from a model, set step by step (in the spirit of prost-build's `Config`):
/// by default every operation of the model's only service, endpoint rules against the bundled
/// partitions, and no record of the model file.
///
/// ```no_run
/// # fn main() -> codegen::Result<()> {
/// let model = codegen::model::Model::load("model/rekognition.json".as_ref())?;
/// let generated = codegen::Generator::new()
///     .operations(codegen::default_operations())
///     .generate(&model)?;
/// println!("{} files", generated.files.len());
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    service: Option<String>,
    operations: Operations,
    partitions: Option<endpoints::Partitions>,
    source: Option<ModelSource>,
}

impl Default for Generator {
    fn default() -> Self {
        Generator::new()
    }
}

impl Generator {
    pub fn new() -> Generator {
        Generator {
            service: None,
            operations: Operations::All,
            partitions: None,
            source: None,
        }
    }

    /// The service to generate, by shape id or name (for models that define several).
    pub fn service(mut self, service: impl Into<String>) -> Generator {
        self.service = Some(service.into());
        self
    }

    /// The operations to generate, with the shapes they reach.
    pub fn operations(mut self, operations: Operations) -> Generator {
        self.operations = operations;
        self
    }

    /// The partitions `aws.partition` reads (instead of the bundled `model/partitions.json`).
    pub fn partitions(mut self, partitions: endpoints::Partitions) -> Generator {
        self.partitions = Some(partitions);
        self
    }

    /// The model file, recorded in the generated manifest (see [`ModelSource`]).
    pub fn source(mut self, source: ModelSource) -> Generator {
        self.source = Some(source);
        self
    }

    /// The service chosen with [`Generator::service`], if any.
    pub fn selected_service(&self) -> Option<&str> {
        self.service.as_deref()
    }

    /// The operations chosen with [`Generator::operations`].
    pub fn selected_operations(&self) -> &Operations {
        &self.operations
    }

    /// The finished IR: the selected shapes with every Rust name resolved, the endpoint rules
    /// and the model's record. Nothing after this changes it.
    pub fn build_ir(&self, model: &model::Model) -> Result<ir::Crate> {
        let selection = select::select(model, self.service.as_deref(), &self.operations)?;
        let krate = ir::build(model, &selection)?;
        let partitions = match &self.partitions {
            Some(p) => p.clone(),
            None => endpoints::Partitions::bundled()?,
        };
        let endpoints = endpoints::build(model, &krate, &partitions)?;
        Ok(ir::Crate {
            endpoints,
            source: self.source.clone(),
            ..krate
        })
    }

    /// Generates the crate, in memory.
    pub fn generate(&self, model: &model::Model) -> Result<Generated> {
        let krate = self.build_ir(model)?;
        let files = format::format(&krate, emit::plan(&krate))?;
        let count = |straight: bool| {
            krate
                .patterns
                .iter()
                .filter(|p| match p.matcher() {
                    // A pattern with lookarounds counts as its main part.
                    Some(ir::Matcher::Lookaround(look)) => {
                        matches!(look.main.matcher, ir::Matcher::Scan(_)) == straight
                    }
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
        })
    }

    /// Loads the model file at `path` and generates the crate.
    pub fn generate_file(&self, path: &Path) -> Result<Generated> {
        self.generate(&model::Model::load(path)?)
    }
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
    pub mod byte_stream;
    pub mod checksum;
    // (Generated crates' `cli` feature implies their `default-https-client`.)
    #[cfg(feature = "default-https-client")]
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
    pub mod event_receiver;
    pub mod event_sender;
    pub mod event_signing;
    pub mod event_stream;
    pub mod http_bindings;
    pub mod idempotency;
    pub mod jmespath_search;
    pub mod json;
    pub mod orchestrator;
    pub mod paginator;
    pub mod pattern;
    pub mod profile;
    pub mod proxy;
    pub mod retry;
    pub mod sigv4;
    pub mod transport;
    pub mod tree_hash;
    pub mod validation;
    pub mod waiter;
}
