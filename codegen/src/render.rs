//! Render: one file's tokens to text. syn parses them, prettyplease prints them, and [`layout`]
//! spaces the items as a person would.
//!
//! This is the one place that knows the deferred-doc shortcut. Model documentation is most of
//! a generated file's text, and syn and prettyplease would only copy each doc line, at the cost
//! of a literal parsed and printed per line. So while a file is built inside [`collect`], the doc
//! helpers of `tokens` hand each block to [`defer`] and emit one placeholder attribute instead;
//! [`print`] puts the blocks back after printing, at the placeholder's
//! indentation. The text is the same as without the shortcut. Outside [`collect`], the helpers
//! write plain doc attributes.

use std::borrow::Borrow;

/// The doc blocks [`collect`] held aside, in placeholder order.
#[derive(Debug, Default)]
pub struct Deferred(Vec<String>);

impl Deferred {
    /// No blocks: for tokens built outside [`collect`].
    pub fn none() -> Deferred {
        Deferred::default()
    }
}

/// Prints `file` with prettyplease, its imports grouped and its items spaced, the deferred doc
/// blocks put back.
pub fn print(mut file: syn::File, deferred: &Deferred) -> Result<String, String> {
    group_imports(&mut file.items);
    layout(&prettyplease::unparse(&file), &deferred.0)
}

/// Sorts each run of imports (`use` items without attributes, in the file and in inline
/// modules) as rustfmt's `group_imports = "StdExternalCrate"` does: `std`, `core` and `alloc`
/// first, then other crates, then `crate`, `super` and `self`, each group by path; [`layout`]
/// puts a blank line between the groups.
fn group_imports(items: &mut [syn::Item]) {
    let plain_use = |item: &syn::Item| matches!(item, syn::Item::Use(u) if u.attrs.is_empty());
    let mut i = 0;
    while i < items.len() {
        if !plain_use(&items[i]) {
            if let syn::Item::Mod(syn::ItemMod {
                content: Some((_, inner)),
                ..
            }) = &mut items[i]
            {
                group_imports(inner);
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < items.len() && plain_use(&items[i]) {
            i += 1;
        }
        items[start..i].sort_by_cached_key(|item| {
            let syn::Item::Use(u) = item else {
                unreachable!("a run of imports")
            };
            // `a::{B, C}` sorts as `a::B, C`: by path, whatever is braced.
            let path: String = quote::ToTokens::to_token_stream(&u.tree)
                .to_string()
                .chars()
                .filter(|c| !matches!(c, ' ' | '{' | '}'))
                .collect();
            (import_group(&path), path)
        });
    }
}

/// The group of an import whose path (or printed line) starts with `first`'s segment: 0 for
/// the standard library, 1 for other crates, 2 for this crate.
fn import_group(path: &str) -> u8 {
    let first = path
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|segment| !segment.is_empty())
        .unwrap_or_default();
    match first {
        "std" | "core" | "alloc" => 0,
        "crate" | "super" | "self" => 2,
        _ => 1,
    }
}

/// An item line's keyword after its visibility (`pub(crate) static X` → `static`).
fn item_kind(line: &str) -> &str {
    without_visibility(line)
        .split(' ')
        .next()
        .unwrap_or_default()
}

/// A printed item line without its `pub` or `pub(crate)`.
fn without_visibility(line: &str) -> &str {
    line.strip_prefix("pub(crate) ")
        .or_else(|| line.strip_prefix("pub "))
        .unwrap_or(line)
}

/// The import group of a printed `use` line (`use`, `pub use`, `pub(crate) use`), if it is one.
fn use_line_group(line: &str) -> Option<u8> {
    without_visibility(line)
        .strip_prefix("use ")
        .map(import_group)
}

/// The placeholder doc text for block `index`.
pub(crate) fn placeholder(index: usize) -> String {
    format!("{DEFERRED_DOCS_MARK}{index}")
}

/// What a deferred doc comment's placeholder line starts with, after `///` or `//!`. Real doc
/// lines never do: they are empty or start with a space.
pub const DEFERRED_DOCS_MARK: char = '\0';

thread_local! {
    /// The doc blocks of the file being emitted on this thread, when [`collect`] is collecting
    /// them.
    static DEFERRED_DOCS: std::cell::RefCell<Option<Vec<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// Holds a doc block aside for [`collect`]'s caller and returns its index; `None` when nobody
/// is collecting (the doc helpers then write the lines as attributes).
pub(crate) fn defer(lines: &[impl Borrow<str>]) -> Option<usize> {
    DEFERRED_DOCS.with_borrow_mut(|deferred| {
        let deferred = deferred.as_mut()?;
        deferred.push(lines.join("\n"));
        Some(deferred.len() - 1)
    })
}

/// Runs `emit` with doc comments deferred: each doc block becomes one placeholder attribute
/// ([`placeholder`]), and the blocks come back beside the result for [`print`] to
/// put in place.
pub fn collect<T>(emit: impl FnOnce() -> T) -> (T, Deferred) {
    struct Collecting;
    impl Drop for Collecting {
        fn drop(&mut self) {
            DEFERRED_DOCS.set(None);
        }
    }
    debug_assert!(
        DEFERRED_DOCS.with_borrow(Option::is_none),
        "render::collect does not nest"
    );
    DEFERRED_DOCS.set(Some(Vec::new()));
    let collecting = Collecting;
    let result = emit();
    let docs = DEFERRED_DOCS.take().unwrap_or_default();
    drop(collecting);
    (result, Deferred(docs))
}

/// prettyplease puts no blank lines between items; add one between consecutive items (at any
/// depth), after the module docs and after the imports, as a person would. Also puts back the
/// doc blocks that [`collect`] left as placeholders: `docs[i]` replaces the line `///` (or
/// `//!`) + [`DEFERRED_DOCS_MARK`] + `i`, a comment line per doc line at the placeholder's
/// indentation, as prettyplease would have printed them.
fn layout(text: &str, docs: &[String]) -> std::result::Result<String, String> {
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
    // The indentation and import group of the last `use` line, while imports continue.
    let mut last_use: Option<(usize, u8)> = None;
    let mut push_line = |out: &mut String, indent: usize, l: &str| {
        let use_group = use_line_group(l);
        let between_groups = match (use_group, last_use) {
            (Some(group), Some((use_indent, last))) => use_indent == indent && group != last,
            _ => false,
        };
        if let Some(group) = use_group {
            last_use = Some((indent, group));
        } else if last_use.is_some_and(|(use_indent, _)| indent <= use_indent && starts_item(l)) {
            last_use = None;
        }
        if let Some((prev_indent, range)) = &previous {
            let p = &out[range.clone()];
            let same_depth = *prev_indent == indent;
            // An item ends at its closing brace, or on its own line when its body is empty.
            let ends_item = p == "}"
                || p == "};"
                || (p.ends_with("{}") && starts_item(p) && !p.starts_with("//"));
            // (A `use` group continues after a multi-line `use`'s `};`.)
            let is_use = |line: &str| use_line_group(line).is_some();
            let after_item = same_depth && ends_item && starts_item(l) && !(p == "};" && is_use(l));
            let after_docs = p.starts_with("//!") && !l.starts_with("//!");
            // (A `use` continued on the next lines ends at its `;`.)
            let after_uses = same_depth && is_use(p) && p.ends_with(';') && !is_use(l);
            let after_decls = *prev_indent == 0
                && same_depth
                && p.ends_with(';')
                && !p.starts_with("//")
                && !p.starts_with("use ")
                && (l.starts_with("///") || l.starts_with("#[") || l.starts_with("impl"));
            // A one-line item (`struct A;`, `mod a;`) and a different kind of item after it;
            // a list of the same kind (`mod a;` `mod b;`) stays together.
            let after_one_liner = same_depth
                && p.ends_with(';')
                && starts_item(p)
                && !is_use(p)
                && !p.starts_with("//")
                && !p.starts_with("#[")
                && starts_item(l)
                && !l.starts_with("//")
                && !l.starts_with("#[")
                && item_kind(p) != item_kind(l);
            if after_item
                || after_docs
                || after_uses
                || after_decls
                || after_one_liner
                || between_groups
            {
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
            let index = l.strip_prefix(style)?.strip_prefix(DEFERRED_DOCS_MARK)?;
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
        let spaced = layout(
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
        let spaced = layout(
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
        let spaced = layout("///\u{0}0\nstruct A {}\nstruct B;\n", &docs).expect("block 0");
        assert_eq!(
            spaced,
            "/// Default: {}\n///\n/// Next.\nstruct A {}\n\nstruct B;\n"
        );
    }

    #[test]
    fn imports_are_sorted_into_std_external_and_crate_groups() {
        let file: syn::File = syn::parse_str(
            r#"
            use crate::runtime::scan::Scan;
            use serde_json::Value;
            use std::fmt;
            pub use crate::error::Error;
            use crate::runtime::dfa::Dfa;
            use super::Config;
            struct A;
            mod inner {
                use crate::a::B;
                use std::io;
            }
        "#,
        )
        .expect("parses");
        let text = print(file, &Deferred::none()).expect("renders");
        assert_eq!(
            text,
            "use std::fmt;\n\nuse serde_json::Value;\n\npub use crate::error::Error;\nuse crate::runtime::dfa::Dfa;\nuse crate::runtime::scan::Scan;\nuse super::Config;\n\nstruct A;\n\nmod inner {\n    use std::io;\n\n    use crate::a::B;\n}\n"
        );
    }

    #[test]
    fn a_placeholder_without_its_block_is_an_error() {
        let error = layout("///\u{0}3\nstruct A;\n", &[]).expect_err("no block 3");
        assert!(error.contains("\"3\""), "{error}");
    }
}
