//! Every function the generated code defines is `#[inline]`, so it is compiled in the crate
//! that calls it, and only if it does: a program that calls three of Lambda's 85 operations
//! compiles the code of three (their serializers, parsers, validators and the types they
//! reach), not of 85, and the client crate itself compiles little beyond the runtime. Without
//! the attribute, a library compiles every public function it defines whether anyone calls it
//! or not. (The runtime's functions are shared by every operation and stay as written; the
//! command-line binary and test modules are left alone.)

/// Marks every function with a body in `file` (free, in `impl` blocks, a trait's provided
/// methods, in inline modules) `#[inline]`, except test modules, tests and `main`.
pub fn mark(file: &mut syn::File) {
    mark_items(&mut file.items);
}

fn mark_items(items: &mut [syn::Item]) {
    for item in items {
        match item {
            syn::Item::Fn(f) if f.sig.ident != "main" => mark_attrs(&mut f.attrs),
            syn::Item::Impl(block) => {
                for item in &mut block.items {
                    if let syn::ImplItem::Fn(f) = item {
                        mark_attrs(&mut f.attrs);
                    }
                }
            }
            syn::Item::Trait(block) => {
                for item in &mut block.items {
                    if let syn::TraitItem::Fn(f) = item
                        && f.default.is_some()
                    {
                        mark_attrs(&mut f.attrs);
                    }
                }
            }
            syn::Item::Mod(module) if !is_test(&module.attrs) => {
                if let Some((_, items)) = &mut module.content {
                    mark_items(items);
                }
            }
            _ => {}
        }
    }
}

/// Adds `#[inline]` after the doc comments, unless the function has an inline attribute or is
/// a test.
fn mark_attrs(attrs: &mut Vec<syn::Attribute>) {
    let named = |attr: &syn::Attribute, name: &str| {
        attr.path().segments.last().is_some_and(|s| s.ident == name)
    };
    if attrs.iter().any(|a| named(a, "inline") || named(a, "test")) {
        return;
    }
    let at = attrs
        .iter()
        .position(|a| !a.path().is_ident("doc"))
        .unwrap_or(attrs.len());
    attrs.insert(at, syn::parse_quote!(#[inline]));
}

/// `#[cfg(test)]`.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg")
            && attr
                .parse_args::<syn::Ident>()
                .is_ok_and(|ident| ident == "test")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).expect("parses");
        mark(&mut file);
        prettyplease::unparse(&file)
    }

    #[test]
    fn functions_with_bodies_are_inline_except_tests_main_and_declarations() {
        let text = marked(
            "/// Docs.\npub fn free() {}\n\
             impl S { #[must_use] pub fn method(&self) -> u8 { 1 } }\n\
             trait T { fn required(&self); fn provided(&self) {} }\n\
             mod inner { fn nested() {} }\n\
             #[cfg(test)] mod tests { #[test] fn case() {} fn helper() {} }\n\
             fn main() {}\n\
             #[inline(always)] fn hot() {}",
        );
        let expected = marked(
            "/// Docs.\n#[inline]\npub fn free() {}\n\
             impl S { #[inline] #[must_use] pub fn method(&self) -> u8 { 1 } }\n\
             trait T { fn required(&self); #[inline] fn provided(&self) {} }\n\
             mod inner { #[inline] fn nested() {} }\n\
             #[cfg(test)] mod tests { #[test] fn case() {} fn helper() {} }\n\
             fn main() {}\n\
             #[inline(always)] fn hot() {}",
        );
        assert_eq!(text, expected);
    }
}
