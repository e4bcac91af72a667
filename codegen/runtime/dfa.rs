//! `@pattern` checks compiled at generation time: each pattern is a deterministic automaton over
//! Unicode scalar values, stored as static tables. Matching is one pass over the value with no
//! regular expression engine and no allocation.

use super::validation::{Path, ViolationKind, Violations};

/// A compiled pattern. State 0 is the dead state.
pub(crate) struct Dfa {
    /// The pattern as written in the model.
    pub(crate) source: &'static str,
    pub(crate) start: u16,
    /// Code-point intervals: interval `i` runs from `starts[i]` up to the next start.
    pub(crate) starts: &'static [u32],
    /// The alphabet class of each interval.
    pub(crate) interval_class: &'static [u8],
    /// The number of classes: the table's row width.
    pub(crate) classes: u16,
    /// The class of each ASCII character.
    pub(crate) ascii: &'static [u8; 128],
    /// Transitions, `states × classes`, little-endian `u16`s.
    pub(crate) table: &'static [u8],
    /// Per state: bit 0, the pattern has matched (searching stops); bit 1, it matches if the
    /// value ends here (`$`).
    pub(crate) flags: &'static [u8],
}

impl Dfa {
    fn class(&self, c: char) -> usize {
        let c = c as u32;
        if c < 128 {
            return usize::from(self.ascii[c as usize]);
        }
        usize::from(self.interval_class[self.starts.partition_point(|&start| start <= c) - 1])
    }

    fn next(&self, state: u16, c: char) -> u16 {
        let at = (usize::from(state) * usize::from(self.classes) + self.class(c)) * 2;
        u16::from_le_bytes([self.table[at], self.table[at + 1]])
    }

    /// Whether the pattern matches somewhere in `value` (ECMA-262 search semantics: anchored
    /// only where the pattern says `^` or `$`).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        let mut state = self.start;
        if self.flags[usize::from(state)] & 1 != 0 {
            return true;
        }
        for c in value.chars() {
            state = self.next(state, c);
            if state == 0 {
                return false;
            }
            if self.flags[usize::from(state)] & 1 != 0 {
                return true;
            }
        }
        self.flags[usize::from(state)] & 2 != 0
    }
}

impl Violations {
    /// `@pattern`, compiled.
    pub(crate) fn pattern(&mut self, path: &Path<'_>, value: &str, pattern: &Dfa) {
        if !pattern.is_match(value) {
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

    /// `^a+$` by hand: classes [0,'a'), ['a','b'), ['b',∞); states dead, start, seen-a.
    static A_PLUS: Dfa = Dfa {
        source: "^a+$",
        start: 1,
        starts: &[0, 97, 98],
        interval_class: &[0, 1, 2],
        classes: 3,
        ascii: &{
            let mut classes = [0u8; 128];
            classes[97] = 1;
            let mut i = 98;
            while i < 128 {
                classes[i] = 2;
                i += 1;
            }
            classes
        },
        table: &[0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 2, 0, 0, 0],
        flags: &[0, 0, 2],
    };

    #[test]
    fn runs_the_tables() {
        assert!(A_PLUS.is_match("a"));
        assert!(A_PLUS.is_match("aaaa"));
        assert!(!A_PLUS.is_match(""));
        assert!(!A_PLUS.is_match("ab"));
        assert!(!A_PLUS.is_match("é"));
    }
}
