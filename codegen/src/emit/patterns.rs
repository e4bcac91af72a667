//! `src/patterns.rs`: every `@pattern` the validators check, each as a static named after its
//! shape. A pattern that reads as a sequence is straight code over the value (see
//! [`crate::scan`]); one that needs an automaton is its compiled tables; one outside the
//! compiled subset is run by the ECMAScript engine.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::{Crate, Matcher, PatternDef};
use crate::scan::{Scan, Step};
use crate::tokens::dfa_literal;

pub fn patterns_rs(krate: &Crate) -> TokenStream {
    let uses = |matcher: fn(&PatternDef) -> bool| krate.patterns.iter().any(matcher);
    let scan_import = uses(|p| matches!(p.matcher(), Some(Matcher::Scan(_)))).then(|| {
        quote!(
            use crate::runtime::scan::{Scan, Scanner};
        )
    });
    let dfa_import = uses(|p| matches!(p.matcher(), Some(Matcher::Automaton(_)))).then(|| {
        quote!(
            use crate::runtime::dfa::Dfa;
        )
    });
    let pattern_import = uses(|p| p.compiled.is_none()).then(|| {
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

/// A pattern's static: straight code, the compiled automaton, or the pattern for the
/// ECMAScript engine.
fn pattern_static(p: &PatternDef) -> TokenStream {
    let name = ident(&p.ident);
    let source = &p.source;
    match p.matcher() {
        Some(Matcher::Scan(scan)) => {
            let doc = super::doc_line(&format!("`{source}`"));
            let body = scan_body(scan);
            quote! {
                #doc
                pub(crate) static #name: Scan = Scan::new(#source, #body);
            }
        }
        Some(Matcher::Automaton(tables)) => {
            let doc = super::doc_line(&format!(
                "`{source}`, compiled: {}.",
                crate::automaton::describe(tables)
            ));
            let dfa = dfa_literal(source, tables);
            quote! {
                #doc
                pub(crate) static #name: Dfa<'static> = #dfa;
            }
        }
        None => {
            let flags = p.flags;
            let doc = super::doc_line(&format!(
                "`{source}`, run by the ECMAScript engine (outside the compiled subset)."
            ));
            quote! {
                #doc
                pub(crate) static #name: Pattern = Pattern::new(#source, #flags);
            }
        }
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
            // A class of ASCII characters reads bytes: no decoding, and byte matches compile to
            // bit tests.
            let ascii = crate::scan::ascii_only(class);
            let (one, run, at_least, class) = if ascii {
                (
                    quote!(ascii_one),
                    quote!(ascii_run),
                    quote!(ascii_at_least),
                    byte_closure(class),
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

/// `|b| matches!(b, ...)` over a class of ASCII characters, as bytes.
fn byte_closure(class: &[(u32, u32)]) -> TokenStream {
    if let Some(method) = named_class(class) {
        return quote!(|b| b.#method());
    }
    let byte = |c: u32| proc_macro2::Literal::byte_character(c as u8);
    let alternatives = pieces(class).into_iter().map(|(low, high)| {
        let (low, high) = (byte(low), byte(high));
        if low.to_string() == high.to_string() {
            quote!(#low)
        } else {
            quote!(#low..=#high)
        }
    });
    quote!(|b| matches!(b, #(#alternatives)|*))
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
