//! Straight-code pattern checks: a pattern that is a sequence of literals and runs of a
//! character class is checked by one call per step on a [`Scanner`], in the pattern's order
//! (see `crate::patterns`), each `None` when the value does not match there. Each run takes as
//! many characters as its class and count allow; the generator only writes this form where
//! that is exact.

/// A pattern checked by straight code.
pub(crate) struct Scan {
    pub(crate) source: &'static str,
    matches: fn(&str) -> Option<()>,
}

impl Scan {
    pub(crate) const fn new(source: &'static str, matches: fn(&str) -> Option<()>) -> Scan {
        Scan { source, matches }
    }

    /// Whether `value` matches the pattern.
    pub(crate) fn is_match(&self, value: &str) -> bool {
        (self.matches)(value).is_some()
    }
}

/// A set of ASCII characters, built at compile time:
/// `Ascii::NONE.range(b'0', b'9').chars(b"-_")`. A membership test is one table lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ascii([bool; 256]);

impl Ascii {
    pub(crate) const NONE: Ascii = Ascii([false; 256]);
    /// `0-9`, as `u8::is_ascii_digit`.
    pub(crate) const DIGIT: Ascii = Ascii::NONE.range(b'0', b'9');
    /// `A-Z`, as `u8::is_ascii_uppercase`.
    pub(crate) const UPPER: Ascii = Ascii::NONE.range(b'A', b'Z');
    /// `a-z`, as `u8::is_ascii_lowercase`.
    pub(crate) const LOWER: Ascii = Ascii::NONE.range(b'a', b'z');
    /// `A-Za-z`, as `u8::is_ascii_alphabetic`.
    pub(crate) const ALPHA: Ascii = Ascii::NONE.range(b'A', b'Z').range(b'a', b'z');
    /// `0-9A-Za-z`, as `u8::is_ascii_alphanumeric`.
    pub(crate) const ALNUM: Ascii = Ascii::ALPHA.range(b'0', b'9');

    /// The set with the characters `low..=high` added; both must be ASCII.
    pub(crate) const fn range(mut self, low: u8, high: u8) -> Ascii {
        assert!(low <= high && high < 128, "an ASCII range");
        let mut c = low;
        while c <= high {
            self.0[c as usize] = true;
            c += 1;
        }
        self
    }

    /// The set with each of `chars` added; all must be ASCII.
    pub(crate) const fn chars(mut self, chars: &[u8]) -> Ascii {
        let mut i = 0;
        while i < chars.len() {
            assert!(chars[i] < 128, "an ASCII character");
            self.0[chars[i] as usize] = true;
            i += 1;
        }
        self
    }

    /// Whether `byte` is one of the set's characters (never a byte of a longer character).
    #[inline(always)]
    pub(crate) const fn contains(&self, byte: u8) -> bool {
        self.0[byte as usize]
    }
}

/// What is left of the value, checked from the front.
pub(crate) struct Scanner<'a> {
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(value: &'a str) -> Scanner<'a> {
        Scanner { rest: value }
    }

    /// Takes `text` if the rest starts with it.
    pub(crate) fn literal(&mut self, text: &str) -> Option<()> {
        self.rest = self.rest.strip_prefix(text)?;
        Some(())
    }

    /// Takes one character of `class`.
    #[inline]
    pub(crate) fn one(&mut self, class: impl Fn(char) -> bool) -> Option<()> {
        let mut chars = self.rest.chars();
        let c = chars.next().filter(|&c| class(c))?;
        self.rest = &self.rest[c.len_utf8()..];
        Some(())
    }

    /// Takes characters of `class` while there are any, at most `max`; `None` when that is
    /// fewer than `min`. ASCII is read a byte at a time; other characters are decoded.
    #[inline]
    pub(crate) fn run(
        &mut self,
        min: usize,
        max: usize,
        class: impl Fn(char) -> bool,
    ) -> Option<()> {
        let bytes = self.rest.as_bytes();
        let mut taken = 0;
        let mut at = 0;
        while taken < max {
            match bytes.get(at) {
                Some(&byte) if byte.is_ascii() => {
                    if !class(char::from(byte)) {
                        break;
                    }
                    at += 1;
                }
                Some(_) => match self.rest[at..].chars().next() {
                    Some(c) if class(c) => at += c.len_utf8(),
                    _ => break,
                },
                None => break,
            }
            taken += 1;
        }
        self.rest = &self.rest[at..];
        (taken >= min).then_some(())
    }

    /// Takes every character of `class` there is; `None` when that is fewer than `min`.
    #[inline]
    pub(crate) fn at_least(&mut self, min: usize, class: impl Fn(char) -> bool) -> Option<()> {
        self.run(min, usize::MAX, class)
    }

    /// Takes one character of the ASCII set `class`.
    #[inline]
    pub(crate) fn ascii_one(&mut self, class: Ascii) -> Option<()> {
        let (&byte, _) = self.rest.as_bytes().split_first()?;
        if !class.contains(byte) {
            return None;
        }
        // An ASCII byte is a whole character.
        self.rest = self.rest.get(1..).unwrap_or_default();
        Some(())
    }

    /// [`Scanner::run`] for a set of ASCII characters: one table lookup per byte, eight bytes
    /// per step, no decoding (the bytes of a longer character are never in the set).
    #[inline(always)]
    pub(crate) fn ascii_run(&mut self, min: usize, max: usize, class: Ascii) -> Option<()> {
        let bytes = self.rest.as_bytes();
        if min == max {
            // A fixed count: all of them, no branch per byte.
            let taken = bytes.get(..min)?;
            if !taken.iter().fold(true, |all, &b| all & class.contains(b)) {
                return None;
            }
            self.rest = self.rest.get(min..).unwrap_or_default();
            return Some(());
        }
        let window = &bytes[..bytes.len().min(max)];
        let mut at = 0;
        // Eight bytes at a time without a branch per byte, then one at a time.
        while let Some(chunk) = window.get(at..at + 8) {
            if !chunk.iter().fold(true, |all, &b| all & class.contains(b)) {
                break;
            }
            at += 8;
        }
        while at < window.len() && class.contains(window[at]) {
            at += 1;
        }
        // Every byte taken is ASCII, so `at` is a character boundary.
        self.rest = self.rest.get(at..).unwrap_or_default();
        (at >= min).then_some(())
    }

    /// [`Scanner::at_least`] for a set of ASCII characters.
    #[inline]
    pub(crate) fn ascii_at_least(&mut self, min: usize, class: Ascii) -> Option<()> {
        self.ascii_run(min, usize::MAX, class)
    }

    /// `Some` when the whole value has been taken.
    pub(crate) fn end(&self) -> Option<()> {
        self.rest.is_empty().then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit(c: char) -> bool {
        c.is_ascii_digit()
    }

    #[test]
    fn a_run_takes_what_its_class_and_count_allow_and_no_more() {
        let mut s = Scanner::new("123ab");
        assert_eq!(s.run(1, 2, digit), Some(()));
        assert_eq!(s.one(digit), Some(()));
        assert_eq!(s.one(digit), None, "a failed step takes nothing");
        assert_eq!(s.literal("ab"), Some(()));
        assert_eq!(s.end(), Some(()));
        // Fewer than the minimum fails; the rest is where the run stopped.
        let mut s = Scanner::new("1x");
        assert_eq!(s.run(2, 5, digit), None);
        assert_eq!(s.literal("x"), Some(()));
        let mut s = Scanner::new("");
        assert_eq!(s.at_least(0, digit), Some(()));
        assert_eq!(s.end(), Some(()));
    }

    #[test]
    fn ascii_runs_stop_at_the_first_byte_outside_the_class_or_outside_ascii() {
        let mut s = Scanner::new("12é3");
        assert_eq!(s.ascii_run(1, 9, Ascii::DIGIT), Some(()));
        assert_eq!(
            s.ascii_one(Ascii::NONE.range(0, 127)),
            None,
            "the first byte of é is no ASCII character"
        );
        assert_eq!(s.one(|c| c == 'é'), Some(()));
        assert_eq!(s.ascii_at_least(1, Ascii::DIGIT), Some(()));
        assert_eq!(s.end(), Some(()));
        let mut s = Scanner::new("1234");
        assert_eq!(s.ascii_run(2, 3, Ascii::DIGIT), Some(()));
        assert_eq!(s.literal("4"), Some(()));
        assert_eq!(Scanner::new("1").ascii_run(2, 3, Ascii::DIGIT), None);
    }

    #[test]
    fn ascii_sets_hold_exactly_the_characters_they_name() {
        let set = Ascii::NONE.range(b'+', b'/').chars(b"_=").range(127, 127);
        for byte in 0..=255u8 {
            let expected = matches!(byte, b'+'..=b'/' | b'_' | b'=' | 127);
            assert_eq!(set.contains(byte), expected, "{byte}");
            assert_eq!(Ascii::DIGIT.contains(byte), byte.is_ascii_digit());
            assert_eq!(Ascii::UPPER.contains(byte), byte.is_ascii_uppercase());
            assert_eq!(Ascii::LOWER.contains(byte), byte.is_ascii_lowercase());
            assert_eq!(Ascii::ALPHA.contains(byte), byte.is_ascii_alphabetic());
            assert_eq!(Ascii::ALNUM.contains(byte), byte.is_ascii_alphanumeric());
            assert!(!Ascii::NONE.contains(byte));
        }
        assert!(!Ascii::NONE.range(0, 127).contains(0x80));
    }

    #[test]
    fn characters_are_unicode_scalar_values_not_bytes() {
        let mut s = Scanner::new("é🍔x");
        assert_eq!(s.run(2, 2, |c| !c.is_ascii()), Some(()));
        assert_eq!(s.one(|c| c == 'x'), Some(()));
        assert_eq!(s.end(), Some(()));
        let scan = Scan::new("^.$", |value| {
            let mut s = Scanner::new(value);
            s.one(|c| c != '\n')?;
            s.end()
        });
        assert!(scan.is_match("🍔") && !scan.is_match("🍔🍔") && !scan.is_match(""));
        assert_eq!(scan.source, "^.$");
    }
}
