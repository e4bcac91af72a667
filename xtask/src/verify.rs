//! `cargo xtask verify-model`: our hand-written `model/rekognition.json` must describe exactly
//! what the official model describes for the default operations. Both are generated, every Rust
//! file is lexed, `#[doc]` attributes (doc comments) are dropped, help texts (`docs: "…"` fields
//! of the command-line client's tables) are emptied, and the token streams must be equal; every
//! other file must be byte-identical.

use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::{root, user_path};

pub fn verify_model(args: &[String]) -> Result<(), String> {
    let mut official = root().join("../shared/models/rekognition.json");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--official" => {
                official = user_path(args.next().ok_or("--official needs a path")?);
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if !official.exists() {
        return Err(format!(
            "the official model is not at {} (pass --official PATH)",
            official.display()
        ));
    }
    let official = official.canonicalize().unwrap_or(official);
    let ours_path = root().join("model/rekognition.json");
    let operations = codegen::default_operations();
    let generate =
        |path: &Path| codegen::generate_from_file(path, &operations).map_err(|e| e.to_string());
    let ours = generate(&ours_path)?;
    let theirs = generate(&official)?;
    let compared = compare(&ours.files, &theirs.files)?;
    println!(
        "{} matches {} for {}: {compared} files equal once documentation is stripped",
        ours_path.display(),
        official.display(),
        codegen::DEFAULT_OPERATIONS.join(", ")
    );
    Ok(())
}

/// Compares two generated crates; returns how many files were compared.
pub fn compare(
    ours: &std::collections::BTreeMap<String, String>,
    theirs: &std::collections::BTreeMap<String, String>,
) -> Result<usize, String> {
    let mut problems = Vec::new();
    for path in ours.keys().chain(theirs.keys()) {
        let (Some(a), Some(b)) = (ours.get(path), theirs.get(path)) else {
            problems.push(format!("{path}: generated from only one of the models"));
            continue;
        };
        if !path.ends_with(".rs") {
            if a != b {
                problems.push(format!("{path}: differs"));
            }
            continue;
        }
        let lex = |text: &str| {
            text.parse::<TokenStream>()
                .map(|t| strip_docs(t).to_string())
                .map_err(|e| format!("{path}: does not lex: {e}"))
        };
        let (a, b) = (lex(a)?, lex(b)?);
        if a != b {
            let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let excerpt = |s: &str| {
                s.chars()
                    .skip(at.saturating_sub(80))
                    .take(200)
                    .collect::<String>()
            };
            problems.push(format!(
                "{path}: code differs\n    ours:     …{}…\n    official: …{}…",
                excerpt(&a),
                excerpt(&b)
            ));
        }
    }
    problems.dedup();
    if problems.is_empty() {
        Ok(ours.len())
    } else {
        Err(format!(
            "model/rekognition.json is not faithful to the official model:\n  {}",
            problems.join("\n  ")
        ))
    }
}

/// Removes `#[doc ...]` and `#![doc ...]` attributes at every depth.
pub fn strip_docs(tokens: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let TokenTree::Punct(p) = &tokens[i]
            && p.as_char() == '#'
        {
            let bang = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
            let group_at = if bang { i + 2 } else { i + 1 };
            if let Some(TokenTree::Group(g)) = tokens.get(group_at) {
                let is_doc = g.delimiter() == Delimiter::Bracket
                    && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(id)) if id == "doc");
                if is_doc {
                    i = group_at + 1;
                    continue;
                }
            }
        }
        // `docs: "…"`: the command-line client's help text, documentation too.
        if let (TokenTree::Ident(id), Some(TokenTree::Punct(colon)), Some(TokenTree::Literal(_))) =
            (&tokens[i], tokens.get(i + 1), tokens.get(i + 2))
            && id == "docs"
            && colon.as_char() == ':'
        {
            out.push(tokens[i].clone());
            out.push(tokens[i + 1].clone());
            out.push(TokenTree::Literal(proc_macro2::Literal::string("")));
            i += 3;
            continue;
        }
        out.push(match &tokens[i] {
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), strip_docs(g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other.clone(),
        });
        i += 1;
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comments_and_attributes_are_ignored_but_code_is_not() {
        let a = "//! crate docs\n/// one\npub struct A { /// field\n pub x: u8 }";
        let b = "#![doc = \"other\"]\n#[doc = \"two\"]\npub struct A { pub x: u8 }";
        let lex = |s: &str| strip_docs(s.parse::<TokenStream>().unwrap()).to_string();
        assert_eq!(lex(a), lex(b));
        assert_ne!(lex(a), lex("pub struct A { pub x: u16 }"));
    }

    #[test]
    fn cli_help_texts_are_ignored_but_other_fields_are_not() {
        let lex = |s: &str| strip_docs(s.parse::<TokenStream>().unwrap()).to_string();
        assert_eq!(
            lex(r#"Member { name: "A", docs: "ours" }"#),
            lex(r#"Member { name: "A", docs: "theirs" }"#)
        );
        assert_ne!(
            lex(r#"Member { name: "A", docs: "" }"#),
            lex(r#"Member { name: "B", docs: "" }"#)
        );
    }
}
