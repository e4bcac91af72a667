//! Format: every file of the plan built and rendered to text (see [`crate::render`]), spread
//! over the cores, each given the header.

use std::collections::BTreeMap;

use crate::emit::{self, Output, Part};
use crate::error::{Error, Result};
use crate::ir::Crate;
use crate::tokens::HEADER;

/// Builds and formats every file of `plan`. Building, parsing and pretty-printing are spread
/// over the available cores, a file at a time (the largest first, so the threads finish
/// together); each file's token stream and syntax tree live and die on one thread. The result
/// is keyed by path, so the order of work does not matter.
pub fn format(krate: &Crate, plan: BTreeMap<String, Part>) -> Result<BTreeMap<String, String>> {
    let mut jobs: Vec<(String, Part)> = plan.into_iter().collect();
    // A stable sort: the parts that are usually largest first, then the rest in path order.
    jobs.sort_by_key(|(_, part)| match part {
        Part::Types | Part::Validate | Part::Cli | Part::Protocol | Part::Endpoint => 0,
        Part::Text(_) => 2,
        _ => 1,
    });
    let rendered = crate::pool::map(&jobs, |(path, part)| render(krate, path, part));
    jobs.into_iter()
        .zip(rendered)
        .map(|((path, _), result)| {
            let text = result.unwrap_or_else(|| {
                Err(Error::Emit {
                    file: path.clone(),
                    message: "generation panicked on this file (the message is printed above)"
                        .into(),
                })
            })?;
            Ok((path, text))
        })
        .collect()
}

/// One file: its text, with the header where it is Rust.
fn render(krate: &Crate, path: &str, part: &Part) -> Result<String> {
    let (output, deferred) = crate::render::collect(|| emit::emit(krate, part));
    let tokens = match output? {
        Output::Text(text) if path.ends_with(".rs") => return Ok(format!("// {HEADER}\n\n{text}")),
        Output::Text(text) => return Ok(text),
        Output::Rust(tokens) => tokens,
    };
    let error = |message: String| Error::Emit {
        file: path.to_string(),
        message,
    };
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| error(e.to_string()))?;
    if !matches!(part, Part::Bin) {
        emit::inline::mark(&mut file);
    }
    let text = crate::render::print(file, &deferred).map_err(error)?;
    Ok(format!("// {HEADER}\n\n{text}"))
}
