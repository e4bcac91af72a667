//! `@pattern` checks the generator could not compile to an automaton (lookaround, Unicode
//! property escapes, ...): ECMA-262 regular expressions compiled once by the `regress` engine.
//! Included only in crates that have such patterns.

use super::validation::{Path, ViolationKind, Violations};

/// A model pattern, compiled once on first use.
pub(crate) struct Pattern {
    source: &'static str,
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

impl Violations {
    /// `@pattern` by the ECMAScript engine: a search over the value (anchored only where the
    /// pattern says).
    pub(crate) fn regex(&mut self, path: &Path<'_>, value: &str, pattern: &Pattern) {
        if pattern.regex().find(value).is_none() {
            self.push(
                path,
                ViolationKind::Pattern {
                    pattern: pattern.source,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_search_unless_anchored() {
        static DIGIT: Pattern = Pattern::new("\\d", "u");
        static ANCHORED: Pattern = Pattern::new("^\\d+$", "u");
        let root = Path::Root;
        let p = root.member("S");
        let mut v = Violations::default();
        v.regex(&p, "abc1def", &DIGIT);
        assert!(std::mem::take(&mut v).into_result().is_ok());
        v.regex(&p, "abc1def", &ANCHORED);
        // `\d` is ASCII-only in ECMA-262: an Arabic-Indic digit is not a digit.
        v.regex(&p, "\u{661}", &DIGIT);
        assert_eq!(v.into_result().unwrap_err().violations().len(), 2);
    }
}
