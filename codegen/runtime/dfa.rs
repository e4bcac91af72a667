//! `@pattern` checks compiled at generation time: each pattern is a deterministic automaton over
//! Unicode scalar values, stored as static tables. Matching is one pass over the value with no
//! regular expression engine and no allocation. This file has no dependencies: the generator
//! runs the same code in its tests and benchmarks.

/// A compiled pattern. Transitions hold the target state's row offset (`state × classes`), so
/// a step is a single table load; row 0 is the dead state (no match possible), and `MATCHED`
/// means the pattern has matched and the search stops.
pub(crate) struct Dfa<'a> {
    /// The pattern as written in the model.
    pub(crate) source: &'static str,
    /// The start state's row offset.
    pub(crate) start: u16,
    /// Code-point intervals: interval `i` runs from `starts[i]` up to the next start.
    pub(crate) starts: &'a [u32],
    /// The alphabet class of each interval.
    pub(crate) interval_class: &'a [u8],
    /// The number of classes: the table's row width.
    pub(crate) classes: u16,
    /// The class of each ASCII character.
    pub(crate) ascii: &'a [u8; 128],
    /// Transitions, `states × classes` little-endian `u16` row offsets.
    pub(crate) table: &'a [u8],
    /// Per state: bit 0, the pattern matches here (only the start state can have it: every
    /// transition into such a state is `MATCHED`); bit 1, it matches if the value ends here.
    pub(crate) flags: &'a [u8],
}

/// The transition target meaning "the pattern has matched".
pub(crate) const MATCHED: u16 = u16::MAX;

impl Dfa<'_> {
    /// Whether the pattern matches somewhere in `value` (ECMA-262 search semantics: anchored
    /// only where the pattern says `^` or `$`).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        let classes = usize::from(self.classes);
        let mut row = usize::from(self.start);
        if self.flags[row / classes] & 1 != 0 {
            return true;
        }
        let bytes = value.as_bytes();
        let mut at = 0;
        while let Some(&byte) = bytes.get(at) {
            let class = if byte < 128 {
                at += 1;
                usize::from(self.ascii[usize::from(byte)])
            } else {
                // A multi-byte scalar value: decode it and find its interval.
                let Some(c) = value.get(at..).and_then(|rest| rest.chars().next()) else {
                    return false;
                };
                at += c.len_utf8();
                let interval = self.starts.partition_point(|&start| start <= c as u32) - 1;
                usize::from(self.interval_class[interval])
            };
            let cell = (row + class) * 2;
            let Some(&[low, high]) = self.table.get(cell..cell + 2) else {
                return false;
            };
            match u16::from_le_bytes([low, high]) {
                0 => return false,
                MATCHED => return true,
                next => row = usize::from(next),
            }
        }
        self.flags[row / classes] & 2 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^a+$` by hand: classes other / `a`; states dead, start, seen-a.
    const A_PLUS: Dfa<'static> = Dfa {
        source: "^a+$",
        start: 2,
        starts: &[0, 97, 98],
        interval_class: &[0, 1, 0],
        classes: 2,
        ascii: &{
            let mut classes = [0u8; 128];
            classes[97] = 1;
            classes
        },
        table: &[0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 4, 0],
        flags: &[0, 0, 2],
    };

    /// `b` (unanchored): matching stops at the first `b`.
    const HAS_B: Dfa<'static> = Dfa {
        source: "b",
        start: 2,
        starts: &[0, 98, 99],
        interval_class: &[0, 1, 0],
        classes: 2,
        ascii: &{
            let mut classes = [0u8; 128];
            classes[98] = 1;
            classes
        },
        table: &[0, 0, 0, 0, 2, 0, 0xff, 0xff],
        flags: &[0, 0],
    };

    #[test]
    fn runs_the_tables() {
        assert!(A_PLUS.is_match("a"));
        assert!(A_PLUS.is_match("aaaa"));
        assert!(!A_PLUS.is_match(""));
        assert!(!A_PLUS.is_match("ab"));
        assert!(!A_PLUS.is_match("é"));
        assert!(HAS_B.is_match("ééb"));
        assert!(HAS_B.is_match("b🍔"));
        assert!(!HAS_B.is_match("a🍔c"));
    }
}
