//! Rust names for Smithy names: case conversion, keyword escaping, and the names generated
//! code relies on that a shape must not shadow.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};

/// Keywords (strict and reserved, all editions) that need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self"];

/// Type names generated code uses unqualified: a shape with one of these names is renamed
/// (`String` → `StringValue`) so it can never shadow them.
const RESERVED_TYPES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "Default",
    "Debug",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "From",
    "Into",
    "Iterator",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Self",
    "Value",
    "Map",
    "HashMap",
    "BTreeMap",
    "Unknown",
];

/// A field, function or module name: `KmsKeyId` → `kms_key_id`, `Type` → `r#type`.
pub fn snake(name: &str) -> String {
    escape(name.to_snake_case())
}

/// A type name: `LivenessOutputConfig` stays, `String` → `StringValue`.
pub fn type_name(name: &str) -> String {
    let camel = camel(name);
    if RESERVED_TYPES.contains(&camel.as_str()) {
        format!("{camel}Value")
    } else {
        camel
    }
}

/// An enum variant: `IN_PROGRESS` → `InProgress`, `Unknown` → `UnknownValue` (the catch-all
/// variant is `Unknown`).
pub fn variant(name: &str) -> String {
    let camel = camel(name);
    if camel == "Unknown" || camel == "Self" {
        format!("{camel}Value")
    } else {
        camel
    }
}

fn camel(name: &str) -> String {
    let camel = name.to_upper_camel_case();
    if camel.is_empty() || camel.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{camel}")
    } else {
        camel
    }
}

fn escape(ident: String) -> String {
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{ident}")
    } else if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// A crate name for a service's `sdkId` or shape name: `Rekognition` → `rekognition`,
/// `CloudWatch Logs` → `cloudwatch-logs`. A name Cargo refuses, a Rust keyword (a service shape
/// named `Match`) or a built-in crate's name (`Test`, `Core`), gets `-client` after it.
pub fn package(name: &str) -> String {
    let package = name.to_lowercase().replace(' ', "-").to_kebab_case();
    let refused = KEYWORDS.contains(&package.as_str())
        || NOT_RAW.contains(&package.as_str())
        || ["std", "core", "alloc", "proc-macro", "test"].contains(&package.as_str());
    if refused {
        format!("{package}-client")
    } else {
        package
    }
}

/// The identifier without a raw prefix, for building derived names (`set_type`).
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_become_snake_case_with_keywords_escaped() {
        assert_eq!(snake("KmsKeyId"), "kms_key_id");
        assert_eq!(snake("S3KeyPrefix"), "s3_key_prefix");
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(bare("r#type"), "type");
    }

    #[test]
    fn crate_names_are_kebab_case_and_never_refused_by_cargo() {
        assert_eq!(package("Rekognition"), "rekognition");
        assert_eq!(package("CloudWatch Logs"), "cloudwatch-logs");
        assert_eq!(package("Route 53 Domains"), "route-53-domains");
        assert_eq!(package("Match"), "match-client");
        assert_eq!(package("Self"), "self-client");
        assert_eq!(package("Test"), "test-client");
        assert_eq!(package("_Core"), "core-client");
    }

    #[test]
    fn shapes_never_shadow_prelude_types() {
        assert_eq!(type_name("String"), "StringValue");
        assert_eq!(type_name("Option"), "OptionValue");
        assert_eq!(type_name("Float"), "Float");
        assert_eq!(type_name("LivenessOutputConfig"), "LivenessOutputConfig");
    }

    #[test]
    fn enum_variants_are_camel_case() {
        assert_eq!(variant("IN_PROGRESS"), "InProgress");
        assert_eq!(
            variant("FACE_MOVEMENT_AND_LIGHT_CHALLENGE"),
            "FaceMovementAndLightChallenge"
        );
        assert_eq!(variant("UNKNOWN"), "UnknownValue");
        assert_eq!(variant("_1X"), "V1x");
    }
}
