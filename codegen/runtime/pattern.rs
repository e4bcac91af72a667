//! `@pattern` checks the generator could not compile (a lookaround away from the value's edges,
//! Unicode property escapes, ...): ECMA-262 regular expressions compiled once by the `regress` engine.
//! Included only in crates that have such patterns.

/// A model pattern, compiled once on first use.
pub(crate) struct Pattern {
    pub(crate) source: &'static str,
    flags: &'static str,
    compiled: std::sync::OnceLock<regress::Regex>,
}

impl Pattern {
    pub(crate) const fn new(source: &'static str, flags: &'static str) -> Self {
        Pattern {
            source,
            flags,
            compiled: std::sync::OnceLock::new(),
        }
    }

    fn regex(&self) -> &regress::Regex {
        self.compiled.get_or_init(|| {
            // The generator compiled this exact pattern with these flags before emitting it.
            regress::Regex::with_flags(self.source, self.flags)
                .expect("pattern was verified at generation time")
        })
    }
}

impl Pattern {
    /// Whether the pattern matches somewhere in `value` (a search, anchored only where the
    /// pattern says).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        self.regex().find(value).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_search_unless_anchored() {
        static DIGIT: Pattern = Pattern::new("\\d", "u");
        static ANCHORED: Pattern = Pattern::new("^\\d+$", "u");
        static LOOKAHEAD: Pattern = Pattern::new("^(?!aws:).*$", "u");
        assert!(DIGIT.is_match("abc1def"));
        assert!(!ANCHORED.is_match("abc1def"));
        // `\d` is ASCII-only in ECMA-262: an Arabic-Indic digit is not a digit.
        assert!(!DIGIT.is_match("\u{661}"));
        assert!(LOOKAHEAD.is_match("tag"));
        assert!(!LOOKAHEAD.is_match("aws:tag"));
    }
}
