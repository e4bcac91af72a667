//! The generator's one error type. Every variant names where the problem is:
//! a file and JSON path, a shape id, or an output path.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not JSON at all.
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// The JSON is not a valid Smithy JSON AST at `json_path`.
    Model {
        file: PathBuf,
        json_path: String,
        message: String,
    },
    /// A shape refers to a shape id that is neither defined in the model nor in the prelude.
    DanglingTarget {
        file: PathBuf,
        from: String,
        target: String,
    },
    /// An operation name given on the command line is not in the service.
    UnknownOperation { name: String, known: Vec<String> },
    /// The model uses something the generator does not support (yet); nothing is written.
    Unsupported { shape: String, reason: String },
    /// The generated tokens did not parse as a Rust file (a generator bug).
    Emit { file: String, message: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Syntax {
                file,
                line,
                column,
                message,
            } => {
                write!(
                    f,
                    "{}:{line}:{column}: invalid JSON: {message}",
                    file.display()
                )
            }
            Error::Model {
                file,
                json_path,
                message,
            } => {
                write!(f, "{}: at {json_path}: {message}", file.display())
            }
            Error::DanglingTarget { file, from, target } => write!(
                f,
                "{}: shape `{from}` targets `{target}`, which is not defined in the model or the Smithy prelude",
                file.display()
            ),
            Error::UnknownOperation { name, known } => write!(
                f,
                "unknown operation `{name}`; the service has: {}",
                known.join(", ")
            ),
            Error::Unsupported { shape, reason } => {
                write!(f, "shape `{shape}` is not supported: {reason}")
            }
            Error::Emit { file, message } => {
                write!(
                    f,
                    "internal error: generated {file} is not valid Rust: {message}"
                )
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An [`Error::Model`]: what is wrong at `json_path` of `file`.
pub(crate) fn model_error(file: &Path, json_path: &str, message: impl Into<String>) -> Error {
    Error::Model {
        file: file.to_path_buf(),
        json_path: json_path.to_string(),
        message: message.into(),
    }
}
