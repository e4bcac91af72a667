//! `src/patterns.rs`: every `@pattern` the validators check, each as a static named after its
//! shape. A pattern that reads as a sequence is straight code over the value (see
//! [`crate::scan`]); one that needs an automaton is its compiled tables; one outside the
//! compiled subset is run by the ECMAScript engine.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Crate, Lookaround, Matcher, PatternDef};
use crate::scan::{Scan, Step};
use crate::tokens::dfa_literal;

pub fn patterns_rs(krate: &Crate) -> TokenStream {
    // Every matcher the statics are built of (a pattern taken apart at its lookarounds is a
    // `Scan` over its parts' matchers).
    let matchers: Vec<&Matcher> = krate
        .patterns
        .iter()
        .filter_map(PatternDef::matcher)
        .flat_map(Matcher::all)
        .collect();
    let uses = |kind: fn(&Matcher) -> bool| matchers.iter().any(|m| kind(m));
    let ascii = uses(|m| match m {
        Matcher::Scan(scan) => scan
            .steps
            .iter()
            .any(|step| matches!(step, Step::Run { class, .. } if crate::scan::ascii_only(class))),
        _ => false,
    });
    let scan_import = uses(Matcher::is_scan).then(|| {
        if ascii {
            quote!(
                use crate::runtime::scan::{Ascii, Scan, Scanner};
            )
        } else {
            quote!(
                use crate::runtime::scan::{Scan, Scanner};
            )
        }
    });
    let dfa_import = uses(|m| matches!(m, Matcher::Automaton(_))).then(|| {
        quote!(
            use crate::runtime::dfa::Dfa;
        )
    });
    let pattern_import = krate
        .patterns
        .iter()
        .any(|p| p.compiled.is_none())
        .then(|| {
            quote!(
                use crate::runtime::pattern::Pattern;
            )
        });
    let statics = krate.patterns.iter().map(pattern_static);
    quote! {
        //! The `@pattern`s the validators check, in the order they are first used.

        #scan_import
        #dfa_import
        #pattern_import

        #(#statics)*
    }
}

/// A pattern's static: straight code, the compiled automaton, its parts when it has
/// lookarounds, or the pattern for the ECMAScript engine.
fn pattern_static(p: &PatternDef) -> TokenStream {
    let name = ident(&p.ident);
    let source = &p.source;
    match p.matcher() {
        Some(matcher) => {
            let vis = quote!(pub(crate));
            matcher_static(&vis, &name, source, matcher, None)
        }
        None => {
            let flags = p.flags;
            let doc = super::doc_line(&format!(
                "{}, run by the ECMAScript engine (outside the compiled subset).",
                code(source)
            ));
            quote! {
                #doc
                pub(crate) static #name: Pattern = Pattern::new(#source, #flags);
            }
        }
    }
}

/// `pattern` as a Markdown code span for a doc comment: control characters written as the
/// escapes that mean them in a pattern (`\t`, `\n`, `\r`, `\uXXXX`), so that a tab in the
/// model is not a tab in the generated source, and fenced with more backticks than any run
/// inside it.
pub(crate) fn code(pattern: &str) -> String {
    let mut text = String::with_capacity(pattern.len() + 2);
    for c in pattern.chars() {
        match c {
            '\t' => text.push_str("\\t"),
            '\n' => text.push_str("\\n"),
            '\r' => text.push_str("\\r"),
            c if c.is_control() => text.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => text.push(c),
        }
    }
    if text.is_empty() {
        // `` would open a code span, not be one.
        return "` `".to_string();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// The static `name` checking `source` with `matcher`, documented as `role` (a lookaround's
/// part) or as the pattern itself.
fn matcher_static(
    vis: &TokenStream,
    name: &proc_macro2::Ident,
    source: &str,
    matcher: &Matcher,
    role: Option<&str>,
) -> TokenStream {
    let what = match role {
        Some(role) => format!("{role} {}", code(source)),
        None => code(source),
    };
    match matcher {
        Matcher::Scan(scan) => {
            let doc = super::doc_line(&what);
            let body = scan_body(scan);
            quote! {
                #doc
                #vis static #name: Scan = Scan::new(#source, #body);
            }
        }
        Matcher::Automaton(tables) => {
            let doc = super::doc_line(&format!(
                "{what}, compiled: {}.",
                crate::automaton::describe(tables)
            ));
            let dfa = dfa_literal(source, tables);
            quote! {
                #doc
                #vis static #name: Dfa<'static> = #dfa;
            }
        }
        Matcher::Lookaround(look) => lookaround_static(vis, name, source, look),
    }
}

/// A pattern with lookarounds at its edges: a `Scan` whose code checks the main part and each
/// lookaround, every part a static of its own inside it.
fn lookaround_static(
    vis: &TokenStream,
    name: &proc_macro2::Ident,
    source: &str,
    look: &Lookaround,
) -> TokenStream {
    let inner = TokenStream::new();
    let main_name = ident("MAIN");
    let main = matcher_static(
        &inner,
        &main_name,
        &look.main.source,
        &look.main.matcher,
        Some("The pattern without its lookarounds:"),
    );
    let mut statics = vec![main];
    let mut checks = vec![quote!(#main_name.is_match(value))];
    let mut clauses = Vec::new();
    for (i, check) in look.conditions.iter().enumerate() {
        let (kind, edge) = if check.behind {
            ("lookbehind", "suffix")
        } else {
            ("lookahead", "prefix")
        };
        let name = ident(&format!(
            "{}{}_{}",
            if check.negated { "NOT_" } else { "" },
            kind.to_uppercase(),
            i + 1
        ));
        let role = format!(
            "The {kind} `{}`: whether a {edge} of the value matches",
            check.text
        );
        statics.push(matcher_static(
            &inner,
            &name,
            &check.part.source,
            &check.part.matcher,
            Some(&role),
        ));
        checks.push(if check.negated {
            quote!(!#name.is_match(value))
        } else {
            quote!(#name.is_match(value))
        });
        clauses.push(code(&check.text));
    }
    let doc = super::doc_line(&format!(
        "{}: the value matches {} and its lookarounds hold ({}), each part checked on its own.",
        code(source),
        code(&look.main.source),
        clauses.join(", ")
    ));
    quote! {
        #doc
        #vis static #name: Scan = Scan::new(#source, |value| {
            #(#statics)*
            (#(#checks)&&*).then_some(())
        });
    }
}

/// The matcher closure: one scanner call per step, each stopping it where the value fails.
fn scan_body(scan: &Scan) -> TokenStream {
    if scan.steps.is_empty() {
        return if scan.to_end {
            quote!(|value| value.is_empty().then_some(()))
        } else {
            quote!(|_| Some(()))
        };
    }
    let steps = scan.steps.iter().map(|step| match step {
        Step::Literal(text) => quote!(s.literal(#text)),
        Step::Run { class, min, max } => {
            // A class of ASCII characters reads bytes through a table built at compile time: no
            // decoding, one lookup per byte.
            let ascii = crate::scan::ascii_only(class);
            let (one, run, at_least, class) = if ascii {
                (
                    quote!(ascii_one),
                    quote!(ascii_run),
                    quote!(ascii_at_least),
                    ascii_set(class),
                )
            } else {
                (
                    quote!(one),
                    quote!(run),
                    quote!(at_least),
                    class_closure(class),
                )
            };
            match (min, max) {
                (1, Some(1)) => quote!(s.#one(#class)),
                (min, Some(max)) => {
                    let (min, max) = (
                        proc_macro2::Literal::u32_unsuffixed(*min),
                        proc_macro2::Literal::u32_unsuffixed(*max),
                    );
                    quote!(s.#run(#min, #max, #class))
                }
                (min, None) => {
                    let min = proc_macro2::Literal::u32_unsuffixed(*min);
                    quote!(s.#at_least(#min, #class))
                }
            }
        }
    });
    let end = if scan.to_end {
        quote!(s.end())
    } else {
        quote!(Some(()))
    };
    quote! {
        |value| {
            let mut s = Scanner::new(value);
            #(#steps?;)*
            #end
        }
    }
}

/// `|c| matches!(c, ...)` over the class's ranges, or `|c| !matches!(c, ...)` over its
/// complement when that is shorter (`\S`, `[^/]`, `.`).
fn class_closure(class: &[(u32, u32)]) -> TokenStream {
    let complement = complement(class);
    let (negated, ranges) = if alternatives(&complement).len() < alternatives(class).len() {
        (true, complement)
    } else {
        (false, class.to_vec())
    };
    if let Some(method) = named_class(&ranges) {
        return if negated {
            quote!(|c| !c.#method())
        } else {
            quote!(|c| c.#method())
        };
    }
    let alternatives = alternatives(&ranges);
    match (negated, alternatives.is_empty()) {
        (false, true) => quote!(|_| false),
        (true, true) => quote!(|_| true),
        (false, false) => quote!(|c| matches!(c, #(#alternatives)|*)),
        (true, false) => quote!(|c| !matches!(c, #(#alternatives)|*)),
    }
}

/// A class of ASCII characters as an `Ascii` table built at compile time
/// (`const { Ascii::ALNUM.chars(b"-_") }`).
fn ascii_set(class: &[(u32, u32)]) -> TokenStream {
    let parts = AsciiParts::of(class);
    let base = match parts.base {
        Some(name) => ident(name),
        None => ident("NONE"),
    };
    let byte = proc_macro2::Literal::byte_character;
    let ranges = parts.ranges.iter().map(|&(low, high)| {
        let (low, high) = (byte(low), byte(high));
        quote!(.range(#low, #high))
    });
    let chars = (!parts.chars.is_empty()).then(|| {
        let text = proc_macro2::Literal::byte_string(&parts.chars);
        quote!(.chars(#text))
    });
    if parts.ranges.is_empty() && chars.is_none() {
        quote!(Ascii::#base)
    } else {
        quote!(const { Ascii::#base #(#ranges)* #chars })
    }
}

/// How an ASCII class is written: the largest named set of the runtime's `Ascii` it contains
/// (`ALNUM`, `ALPHA`, `LOWER`, `UPPER`, `DIGIT`), then its other ranges, then its single
/// characters (punctuation ranges of up to eight characters are listed, as a pattern lists
/// them).
#[derive(Debug, PartialEq)]
struct AsciiParts {
    base: Option<&'static str>,
    ranges: Vec<(u8, u8)>,
    chars: Vec<u8>,
}

impl AsciiParts {
    const NAMED: [(&'static str, &'static [(u32, u32)]); 5] = [
        ("ALNUM", &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)]),
        ("ALPHA", &[(0x41, 0x5A), (0x61, 0x7A)]),
        ("LOWER", &[(0x61, 0x7A)]),
        ("UPPER", &[(0x41, 0x5A)]),
        ("DIGIT", &[(0x30, 0x39)]),
    ];

    fn of(class: &[(u32, u32)]) -> AsciiParts {
        let contains = |c: u32| class.iter().any(|&(low, high)| low <= c && c <= high);
        let (base, named) = Self::NAMED
            .iter()
            .find(|(_, ranges)| ranges.iter().all(|&(l, h)| (l..=h).all(contains)))
            .map_or((None, &[][..]), |&(name, ranges)| (Some(name), ranges));
        let mut parts = AsciiParts {
            base,
            ranges: Vec::new(),
            chars: Vec::new(),
        };
        for (low, high) in pieces(class) {
            // `pieces` cuts at the edges of digits and letters, so a piece is either inside the
            // named set or outside it.
            if named.iter().any(|&(l, h)| l <= low && high <= h) {
                continue;
            }
            let alphanumeric = char::from_u32(low).is_some_and(|c| c.is_ascii_alphanumeric());
            if low == high || (!alphanumeric && high - low < 8) {
                parts.chars.extend((low..=high).map(|c| c as u8));
            } else {
                parts.ranges.push((low as u8, high as u8));
            }
        }
        parts
    }
}

/// The ASCII classes `char` and `u8` have a method for (clippy asks for them, and they read
/// better).
fn named_class(ranges: &[(u32, u32)]) -> Option<TokenStream> {
    match ranges {
        [(0x30, 0x39)] => Some(quote!(is_ascii_digit)),
        [(0x41, 0x5A)] => Some(quote!(is_ascii_uppercase)),
        [(0x61, 0x7A)] => Some(quote!(is_ascii_lowercase)),
        [(0x41, 0x5A), (0x61, 0x7A)] => Some(quote!(is_ascii_alphabetic)),
        [(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)] => Some(quote!(is_ascii_alphanumeric)),
        [(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)] => Some(quote!(is_ascii_hexdigit)),
        _ => None,
    }
}

/// Every scalar value outside `class` (which is sorted and merged).
fn complement(class: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(low, high) in class {
        if low > next {
            out.push((next, low - 1));
        }
        next = high.saturating_add(1);
    }
    if next <= 0x10FFFF {
        out.push((next, 0x10FFFF));
    }
    out
}

/// A class as match-pattern alternatives over `char`.
fn alternatives(class: &[(u32, u32)]) -> Vec<TokenStream> {
    pieces(class)
        .into_iter()
        .filter_map(|(low, high)| Some((char::from_u32(low)?, char::from_u32(high)?)))
        .map(|(low, high)| {
            let (a, b) = (
                proc_macro2::Literal::character(low),
                proc_macro2::Literal::character(high),
            );
            if low == high {
                quote!(#a)
            } else {
                quote!(#a..=#b)
            }
        })
        .collect()
}

/// A class as the ranges a match pattern lists: digits, upper-case and lower-case letters each
/// a range of their own (as a pattern writes them), runs of one or two characters as the
/// characters, surrogates left out (no `char` is one).
fn pieces(class: &[(u32, u32)]) -> Vec<(u32, u32)> {
    const CUTS: [u32; 7] = [0x30, 0x3A, 0x41, 0x5B, 0x61, 0x7B, 0x80];
    let mut out = Vec::new();
    for &(low, high) in class {
        let low = if (0xD800..=0xDFFF).contains(&low) {
            0xE000
        } else {
            low
        };
        let high = if (0xD800..=0xDFFF).contains(&high) {
            0xD7FF
        } else {
            high
        };
        let mut start = low;
        while start <= high {
            let end = CUTS
                .iter()
                .find(|&&cut| cut > start)
                .map_or(high, |&cut| high.min(cut - 1));
            let punctuation = [start, end]
                .iter()
                .all(|&c| char::from_u32(c).is_some_and(|c| c.is_ascii_punctuation()));
            if start == end || (punctuation && end - start < 2) {
                out.extend((start..=end).map(|c| (c, c)));
            } else {
                out.push((start, end));
            }
            start = end + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn patterns_in_doc_comments_have_their_control_characters_escaped_and_backticks_fenced() {
        assert_eq!(super::code("^[a-z]+$"), "`^[a-z]+$`");
        assert_eq!(super::code("^[a\tb]\n$"), "`^[a\\tb]\\n$`");
        assert_eq!(super::code("\u{1}\u{7f}"), "`\\u0001\\u007F`");
        assert_eq!(super::code("a`b"), "``a`b``");
        assert_eq!(super::code("``x"), "``` ``x ```");
        assert_eq!(super::code(""), "` `");
    }

    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever a model's pattern holds (control characters, backtick runs, line
        /// separators), its doc comment renders as one line: a code span fenced with more
        /// backticks than any run inside it, without control characters, holding the pattern
        /// with each control character written as the escape that means it.
        #[test]
        fn any_pattern_renders_as_one_doc_line_holding_a_fenced_code_span(
            pattern in "(\\PC|[`\\\\ \\x00-\\x1f\\x7f-\\x9f\\u{2028}\\u{2029}])*"
        ) {
            let span = code(&pattern);
            prop_assert!(!span.chars().any(char::is_control), "{span:?}");
            if pattern.is_empty() {
                prop_assert_eq!(&span, "` `");
                return Ok(());
            }
            let fence = span.chars().take_while(|&c| c == '`').count();
            prop_assert!(fence >= 1 && span.len() >= 2 * fence);
            prop_assert!(span.ends_with(&"`".repeat(fence)), "{span:?}");
            let inner = &span[fence..span.len() - fence];
            let longest = inner.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            prop_assert!(longest < fence, "{span:?}");
            // A space pads the text only where it starts or ends with a backtick.
            let padded = inner.len() >= 2
                && inner.starts_with(' ')
                && inner.ends_with(' ')
                && (inner[1..].starts_with('`') || inner[..inner.len() - 1].ends_with('`'));
            let mut text = if padded { &inner[1..inner.len() - 1] } else { inner };
            for c in pattern.chars() {
                if c.is_control() {
                    let (escape, rest) = match text.strip_prefix("\\u") {
                        Some(hex) => (
                            hex.get(..4).and_then(|hex| u32::from_str_radix(hex, 16).ok()),
                            hex.get(4..).unwrap_or_default(),
                        ),
                        None => match text.get(..2) {
                            Some("\\t") => (Some(9), &text[2..]),
                            Some("\\n") => (Some(10), &text[2..]),
                            Some("\\r") => (Some(13), &text[2..]),
                            _ => (None, text),
                        },
                    };
                    prop_assert_eq!(escape, Some(u32::from(c)), "{:?} in {:?}", c, span);
                    text = rest;
                } else {
                    prop_assert!(text.starts_with(c), "{:?} in {:?}", c, span);
                    text = &text[c.len_utf8()..];
                }
            }
            prop_assert_eq!(text, "");
            let doc = crate::tokens::doc_line(&span);
            let file = syn::parse2(quote!(#doc pub static X: u8 = 0;)).expect("parses");
            let printed =
                crate::render::print(file, &crate::render::Deferred::none()).expect("prints");
            let docs: Vec<&str> = printed.lines().filter(|l| l.starts_with("///")).collect();
            prop_assert_eq!(docs, vec![format!("/// {span}")], "{}", printed);
            prop_assert!(!printed.contains('\t'));
        }
    }

    #[test]
    fn ascii_classes_read_as_a_named_set_plus_what_the_pattern_adds() {
        // `[A-Za-z0-9:_/+=,@.-]`
        let kms = [
            (0x2B, 0x2F),
            (0x30, 0x3A),
            (0x3D, 0x3D),
            (0x40, 0x5A),
            (0x5F, 0x5F),
            (0x61, 0x7A),
        ];
        assert_eq!(
            ascii_set(&kms).to_string(),
            quote!(const { Ascii::ALNUM.chars(b"+,-./:=@_") }).to_string()
        );
        assert_eq!(
            ascii_set(&[(0x30, 0x39), (0x61, 0x66)]).to_string(),
            quote!(const { Ascii::DIGIT.range(b'a', b'f') }).to_string()
        );
        assert_eq!(
            ascii_set(&[(0x41, 0x5A), (0x61, 0x7A)]).to_string(),
            quote!(Ascii::ALPHA).to_string()
        );
        assert_eq!(
            ascii_set(&[(0x00, 0x1F)]).to_string(),
            quote!(const { Ascii::NONE.range(b'\0', b'\x1F') }).to_string()
        );
    }

    proptest! {
        #[test]
        fn an_ascii_class_is_written_with_exactly_its_characters(
            members in proptest::collection::btree_set(0u32..128, 0..40)
        ) {
            // Sorted and merged, as the generator holds classes.
            let mut class: Vec<(u32, u32)> = Vec::new();
            for c in members.iter().copied() {
                match class.last_mut() {
                    Some(last) if last.1 + 1 == c => last.1 = c,
                    _ => class.push((c, c)),
                }
            }
            let parts = AsciiParts::of(&class);
            let named: &[(u32, u32)] = AsciiParts::NAMED
                .iter()
                .find(|(name, _)| Some(*name) == parts.base)
                .map_or(&[], |(_, ranges)| ranges);
            let written: std::collections::BTreeSet<u32> = named
                .iter()
                .flat_map(|&(low, high)| low..=high)
                .chain(parts.ranges.iter().flat_map(|&(low, high)| u32::from(low)..=u32::from(high)))
                .chain(parts.chars.iter().map(|&c| u32::from(c)))
                .collect();
            prop_assert_eq!(written, members);
        }
    }
}
