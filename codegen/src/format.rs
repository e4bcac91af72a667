//! Format: token streams pretty-printed by prettyplease, every file given the header.

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
    let (output, docs) = crate::tokens::with_deferred_docs(|| emit::emit(krate, part));
    let tokens = match output? {
        Output::Text(text) if path.ends_with(".rs") => return Ok(format!("// {HEADER}\n\n{text}")),
        Output::Text(text) => return Ok(text),
        Output::Rust(tokens) => tokens,
    };
    let error = |message: String| Error::Emit {
        file: path.to_string(),
        message,
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| error(e.to_string()))?;
    let text = space_items(&prettyplease::unparse(&file), &docs).map_err(error)?;
    Ok(format!("// {HEADER}\n\n{text}"))
}

/// prettyplease puts no blank lines between items; add one between consecutive items (at any
/// depth), after the module docs and after the imports, as a person would. Also puts back the
/// doc blocks that [`crate::tokens::with_deferred_docs`] left as placeholders: `docs[i]` replaces the
/// line `///` (or `//!`) + [`crate::tokens::DEFERRED_DOCS_MARK`] + `i`, a comment line per doc line at
/// the placeholder's indentation, as prettyplease would have printed them.
pub fn space_items(text: &str, docs: &[String]) -> std::result::Result<String, String> {
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
    let starts_item = |text: &str| ITEM_STARTS.iter().any(|s| text.starts_with(s));
    let extra: usize = docs.iter().map(|d| d.len() + 8 * d.lines().count()).sum();
    let mut out = String::with_capacity(text.len() + text.len() / 16 + extra);
    // The previous line: its indentation, and where its text (after the indentation) is in `out`.
    let mut previous: Option<(usize, std::ops::Range<usize>)> = None;
    let mut push_line = |out: &mut String, indent: usize, l: &str| {
        if let Some((prev_indent, range)) = &previous {
            let p = &out[range.clone()];
            let same_depth = *prev_indent == indent;
            // An item ends at its closing brace, or on its own line when its body is empty.
            let ends_item = p == "}"
                || p == "};"
                || (p.ends_with("{}") && starts_item(p) && !p.starts_with("//"));
            // (A `use` group continues after a multi-line `use`'s `};`.)
            let after_item =
                same_depth && ends_item && starts_item(l) && !(p == "};" && l.starts_with("use "));
            let after_docs = p.starts_with("//!") && !l.starts_with("//!");
            // (A `use` continued on the next lines ends at its `;`.)
            let after_uses = *prev_indent == 0
                && p.starts_with("use ")
                && p.ends_with(';')
                && !l.starts_with("use ");
            let after_decls = *prev_indent == 0
                && same_depth
                && p.ends_with(';')
                && !p.starts_with("use ")
                && (l.starts_with("///") || l.starts_with("#[") || l.starts_with("impl"));
            if after_item || after_docs || after_uses || after_decls {
                out.push('\n');
            }
        }
        out.extend(std::iter::repeat_n(' ', indent));
        let start = out.len();
        out.push_str(l);
        previous = Some((indent, start..out.len()));
        out.push('\n');
    };
    let mut doc_line = String::new();
    for line in text.lines() {
        let l = line.trim_start_matches(' ');
        let indent = line.len() - l.len();
        let deferred = ["///", "//!"].into_iter().find_map(|style| {
            let index = l
                .strip_prefix(style)?
                .strip_prefix(crate::tokens::DEFERRED_DOCS_MARK)?;
            Some((style, index))
        });
        let Some((style, index)) = deferred else {
            push_line(&mut out, indent, l);
            continue;
        };
        let block = index
            .parse::<usize>()
            .ok()
            .and_then(|i| docs.get(i))
            .ok_or_else(|| format!("a deferred doc comment ({index:?}) has no documentation"))?;
        for text in block.split('\n') {
            doc_line.clear();
            doc_line.push_str(style);
            let text = text.trim_end_matches(' ');
            if !text.is_empty() {
                doc_line.push(' ');
                doc_line.push_str(text);
            }
            push_line(&mut out, indent, &doc_line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_separated_by_blank_lines_but_bodies_are_not() {
        let spaced = space_items(
            "//! Docs.\nuse a::b;\nstruct A {\n    x: u8,\n}\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n    /// g\n    fn g() {}\n}\n",
            &[],
        )
        .expect("no deferred docs");
        assert_eq!(
            spaced,
            "//! Docs.\n\nuse a::b;\n\nstruct A {\n    x: u8,\n}\n\nimpl A {\n    fn f() {\n        if x {\n        }\n        let y = 1;\n    }\n\n    /// g\n    fn g() {}\n}\n"
        );
    }

    #[test]
    fn deferred_doc_blocks_are_put_back_at_the_placeholders_indentation() {
        let docs = [
            "Docs of `A`.\n\nSecond paragraph.  ".to_string(),
            "Crate.".to_string(),
        ];
        let spaced = space_items(
            "//!\u{0}1\nuse a::b;\n///\u{0}0\nstruct A;\nimpl A {\n    fn f() {}\n    ///\u{0}0\n    fn g() {}\n}\n",
            &docs,
        )
        .expect("every placeholder has its block");
        assert_eq!(
            spaced,
            "//! Crate.\n\nuse a::b;\n\n/// Docs of `A`.\n///\n/// Second paragraph.\nstruct A;\n\nimpl A {\n    fn f() {}\n\n    /// Docs of `A`.\n    ///\n    /// Second paragraph.\n    fn g() {}\n}\n"
        );
    }

    #[test]
    fn doc_lines_ending_in_braces_or_only_spaces_stay_plain_doc_lines() {
        let docs = ["Default: {}\n   \nNext.".to_string()];
        let spaced = space_items("///\u{0}0\nstruct A {}\nstruct B;\n", &docs).expect("block 0");
        assert_eq!(
            spaced,
            "/// Default: {}\n///\n/// Next.\nstruct A {}\n\nstruct B;\n"
        );
    }

    #[test]
    fn a_placeholder_without_its_block_is_an_error() {
        let error = space_items("///\u{0}3\nstruct A;\n", &[]).expect_err("no block 3");
        assert!(error.contains("\"3\""), "{error}");
    }
}
