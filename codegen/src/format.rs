//! Format: token streams pretty-printed by prettyplease, every file given the header.

use std::collections::BTreeMap;

use crate::HEADER;
use crate::emit::{self, Output, Part};
use crate::error::{Error, Result};
use crate::ir::Crate;

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
    let tokens = match emit::emit(krate, part)? {
        Output::Text(text) if path.ends_with(".rs") => return Ok(format!("// {HEADER}\n\n{text}")),
        Output::Text(text) => return Ok(text),
        Output::Rust(tokens) => tokens,
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| Error::Emit {
        file: path.to_string(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "// {HEADER}\n\n{}",
        space_items(&prettyplease::unparse(&file))
    ))
}

/// prettyplease puts no blank lines between items; add one between consecutive items (at any
/// depth), after the module docs and after the imports, as a person would.
pub(crate) fn space_items(text: &str) -> String {
    const ITEM_STARTS: &[&str] = &[
        "///",
        "#[",
        "pub ",
        "pub(crate) ",
        "impl ",
        "impl<",
        "fn ",
        "struct ",
        "enum ",
        "static ",
        "const ",
        "mod ",
        "use ",
        "type ",
        "trait ",
    ];
    // Each line as (indent, text after the indent); every test below looks at these once.
    fn split(line: &str) -> (usize, &str) {
        let text = line.trim_start_matches(' ');
        (line.len() - text.len(), text)
    }
    let starts_item = |text: &str| ITEM_STARTS.iter().any(|s| text.starts_with(s));
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<(usize, &str)> = None;
    for line in text.lines() {
        let (indent, l) = split(line);
        if let Some((prev_indent, p)) = previous {
            let same_depth = prev_indent == indent;
            let after_item = same_depth && p == "}" && starts_item(l);
            let after_docs = p.starts_with("//!") && !l.starts_with("//!");
            let after_uses = prev_indent == 0 && p.starts_with("use ") && !l.starts_with("use ");
            let after_decls = prev_indent == 0
                && same_depth
                && p.ends_with(';')
                && !p.starts_with("use ")
                && (l.starts_with("///") || l.starts_with("#[") || l.starts_with("impl"));
            if after_item || after_docs || after_uses || after_decls {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some((indent, l));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_separated_by_blank_lines_but_bodies_are_not() {
        let spaced = space_items(
            "//! Docs.\nuse a::b;\nstruct A {\n    x: u8,\n}\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n    /// g\n    fn g() {}\n}\n",
        );
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\n\nstruct A {\n    x: u8,\n}\n\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n\n    /// g\n    fn g() {}\n}\n"
        );
    }
}
