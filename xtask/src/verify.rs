//! `cargo xtask verify-model`: our hand-written `model/rekognition.json` must describe exactly
//! what the official model describes for the default operations. Both are generated, every Rust
//! file is lexed, `#[doc]` attributes (doc comments) are dropped, help texts (`docs: "…"` fields
//! and `.docs("…")` calls in the command-line client's tables) are emptied or dropped, and the
//! token streams must be equal; every
//! other file must be byte-identical.
//!
//! The endpoint module is the exception: our model has an endpoint rule set and tests of its
//! own, so `src/endpoint.rs` legitimately differs. Instead, our rule set must resolve every one
//! of the official model's endpoint test cases: a scratch crate is generated from our model with
//! the official `smithy.rules#endpointTests` in place of ours, and its endpoint tests must all
//! pass (`target/verify-model/`).

use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use serde_json::Value;

use crate::{cargo_in, root, user_path, write_scratch_workspace};

/// Generated from different rule sets; checked by running the official endpoint tests instead.
const ENDPOINT_MODULE: &str = "src/endpoint.rs";

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
    let generate = |path: &Path| {
        codegen::Generator::new()
            .operations(operations.clone())
            .generate_file(path)
            .map_err(|e| e.to_string())
    };
    let ours = generate(&ours_path)?;
    let theirs = generate(&official)?;
    let without_endpoints = |files: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        files
            .iter()
            .filter(|(path, _)| path.as_str() != ENDPOINT_MODULE)
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect()
    };
    let compared = compare(
        &without_endpoints(&ours.files),
        &without_endpoints(&theirs.files),
    )?;
    println!(
        "{} matches {} for {}: {compared} files equal once documentation is stripped ({ENDPOINT_MODULE} aside)",
        ours_path.display(),
        official.display(),
        codegen::DEFAULT_OPERATIONS.join(", ")
    );
    let cases = official_endpoint_tests(&ours_path, &official)?;
    println!(
        "our endpoint rule set resolves all {cases} endpoint test cases of {} as expected",
        official.display()
    );
    Ok(())
}

const TESTS_TRAIT: &str = "smithy.rules#endpointTests";

/// The service shape of a parsed model: `(id, shape)`.
fn service_mut(model: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
    model
        .get_mut("shapes")?
        .as_object_mut()?
        .values_mut()
        .find(|s| s.get("type").and_then(Value::as_str) == Some("service"))?
        .as_object_mut()
}

/// Generates our model with the official endpoint tests into `target/verify-model/` and runs
/// them; returns how many passed (all of them, or an error).
fn official_endpoint_tests(ours: &Path, official: &Path) -> Result<usize, String> {
    let read = |path: &Path| -> Result<Value, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let mut model = read(ours)?;
    let mut theirs = read(official)?;
    let tests = service_mut(&mut theirs)
        .and_then(|s| s.get_mut("traits")?.get_mut(TESTS_TRAIT))
        .map(Value::take)
        .ok_or_else(|| format!("{}: the service has no {TESTS_TRAIT}", official.display()))?;
    let cases = tests
        .get("testCases")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let traits = service_mut(&mut model)
        .and_then(|s| s.get_mut("traits")?.as_object_mut())
        .ok_or_else(|| format!("{}: no service with traits", ours.display()))?;
    traits.insert(TESTS_TRAIT.to_string(), tests);

    let scratch = root().join("target/verify-model");
    std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let model_path = scratch.join("model.json");
    let text = serde_json::to_string_pretty(&model).map_err(|e| e.to_string())?;
    std::fs::write(&model_path, text).map_err(|e| format!("{}: {e}", model_path.display()))?;
    let generated = codegen::Generator::new()
        .operations(codegen::default_operations())
        .generate_file(&model_path)
        .map_err(|e| e.to_string())?;
    codegen::write::write(&scratch.join(&generated.package), &generated.files)
        .map_err(|e| e.to_string())?;
    write_scratch_workspace(&scratch, std::slice::from_ref(&generated.package))?;
    let output = cargo_in(&scratch)
        .args(["test", "--lib", "--", "endpoint::tests::"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let passed = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: "))
        .filter_map(|l| {
            l.split("; ")
                .next()?
                .rsplit(' ')
                .nth(1)?
                .parse::<usize>()
                .ok()
        })
        .sum::<usize>();
    if !output.status.success() || passed != cases {
        return Err(format!(
            "our endpoint rule set does not resolve the official test cases ({passed} of {cases} passed):\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(passed)
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
        // `.docs("…")`: a command-line member's help text, dropped whole (a member without
        // help text has no call).
        if let (TokenTree::Punct(dot), Some(TokenTree::Ident(id)), Some(TokenTree::Group(g))) =
            (&tokens[i], tokens.get(i + 1), tokens.get(i + 2))
            && dot.as_char() == '.'
            && id == "docs"
            && g.delimiter() == Delimiter::Parenthesis
            && matches!(
                g.stream().into_iter().collect::<Vec<_>>().as_slice(),
                [TokenTree::Literal(_)] | [TokenTree::Literal(_), TokenTree::Punct(_)]
            )
        {
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
        assert_eq!(
            lex(r#"[Member::new("A", &S).required().docs("ours"), Member::new("B", &S)]"#),
            lex(r#"[Member::new("A", &S).required(), Member::new("B", &S).docs("theirs",)]"#)
        );
        assert_ne!(
            lex(r#"Member::new("A", &S).required().docs("x")"#),
            lex(r#"Member::new("A", &S).docs("x")"#)
        );
    }
}
