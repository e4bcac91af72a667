//! `@pattern`s that read as a sequence, checked by straight code: most AWS patterns (names,
//! identifiers, ARNs, UUIDs, KMS key ids, bucket names) are `^`, then literals and runs of a
//! character class with counts, then `$`. Such a pattern becomes a few calls on the runtime's
//! `Scanner` (`scan.rs`), one per step, each class an `Ascii` set or a `matches!` over its
//! character ranges, so
//! the generated code reads like the pattern and a one-character change to the pattern changes
//! one line of it. Only patterns where taking as many characters as each run allows is exact
//! qualify: a run whose count varies must not share a character with what can follow it
//! (`^[a-z]*[a-z0-9]$` would need to give one back, so it goes to the automaton).

use crate::automaton::{self, Node, Ranges};

/// The runtime scanner generated crates run, compiled here so tests exercise that code.
#[path = "../runtime/scan.rs"]
#[allow(dead_code)]
pub(crate) mod runtime;

/// A pattern as straight steps: anchored at the start, then `steps`, then the end of the value
/// when `to_end` (the pattern ends in `$`), else anything.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub steps: Vec<Step>,
    pub to_end: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// These characters, in order.
    Literal(String),
    /// At least `min` and at most `max` (`None`: any number) characters of `class`, as many as
    /// there are.
    Run {
        class: Ranges,
        min: u32,
        max: Option<u32>,
    },
}

impl Step {
    fn first(&self) -> Ranges {
        match self {
            Step::Literal(text) => text
                .chars()
                .next()
                .map(|c| vec![(c as u32, c as u32)])
                .unwrap_or_default(),
            Step::Run { class, .. } => class.clone(),
        }
    }

    fn may_be_empty(&self) -> bool {
        match self {
            Step::Literal(text) => text.is_empty(),
            Step::Run { min, .. } => *min == 0,
        }
    }
}

/// The straight form of `pattern`, or `None` when it is not a sequence that straight code
/// checks exactly (it may still compile to an automaton).
pub fn plan(pattern: &str) -> Option<Scan> {
    plan_node(&automaton::parse(pattern).ok()?)
}

/// The straight form of a parsed pattern (see [`plan`]).
pub(crate) fn plan_node(node: &Node) -> Option<Scan> {
    let mut items = Vec::new();
    flatten(node, &mut items);
    let Some(Node::Start) = items.first() else {
        return None;
    };
    items.remove(0);
    let to_end = matches!(items.last(), Some(Node::End));
    if to_end {
        items.pop();
    }
    let mut steps: Vec<Step> = Vec::new();
    for item in items {
        let (class, min, max) = match item {
            Node::Class(class) => (class, 1, Some(1)),
            Node::Repeat { node, min, max } => match &**node {
                Node::Class(class) => (class, *min, *max),
                _ => return None,
            },
            _ => return None,
        };
        if max == Some(0) {
            continue;
        }
        if let ([(low, high)], 1, Some(1)) = (class.as_slice(), min, max)
            && low == high
            && let Some(c) = char::from_u32(*low)
        {
            if let Some(Step::Literal(text)) = steps.last_mut() {
                text.push(c);
            } else {
                steps.push(Step::Literal(c.to_string()));
            }
            continue;
        }
        steps.push(Step::Run {
            class: class.clone(),
            min,
            max,
        });
    }
    // Greedy is exact when no run that may stop early can take a character the rest could
    // start with.
    for (i, step) in steps.iter().enumerate() {
        if let Step::Run { class, min, max } = step
            && Some(*min) != *max
        {
            let mut follow = Vec::new();
            for next in &steps[i + 1..] {
                follow.extend(next.first());
                if !next.may_be_empty() {
                    break;
                }
            }
            if overlaps(class, &follow) {
                return None;
            }
        }
    }
    Some(Scan { steps, to_end })
}

fn flatten<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match node {
        Node::Concat(items) => items.iter().for_each(|item| flatten(item, out)),
        Node::Empty => {}
        other => out.push(other),
    }
}

fn overlaps(a: &Ranges, b: &Ranges) -> bool {
    a.iter().any(|&(a_low, a_high)| {
        b.iter()
            .any(|&(b_low, b_high)| a_low <= b_high && b_low <= a_high)
    })
}

impl Scan {
    /// The shortest and longest (`None`: unbounded) value the pattern admits.
    pub fn length_bounds(&self) -> (usize, Option<usize>) {
        let mut shortest = 0usize;
        let mut longest = Some(0usize);
        for step in &self.steps {
            let (min, max) = match step {
                Step::Literal(text) => {
                    let n = text.chars().count();
                    (n, Some(n))
                }
                Step::Run { min, max, .. } => (*min as usize, max.map(|m| m as usize)),
            };
            shortest = shortest.saturating_add(min);
            longest = longest.zip(max).map(|(a, b)| a.saturating_add(b));
        }
        (shortest, if self.to_end { longest } else { None })
    }

    /// Runs the steps with the runtime's scanner (the generated code does the same with each
    /// class written out as an `Ascii` set or a `matches!`).
    pub fn is_match(&self, value: &str) -> bool {
        let mut scanner = runtime::Scanner::new(value);
        for step in &self.steps {
            let ok = match step {
                Step::Literal(text) => scanner.literal(text),
                Step::Run { class, min, max } => {
                    let max = max.map_or(usize::MAX, |m| m as usize);
                    // As the generated code does: bytes for a class of ASCII characters.
                    if ascii_only(class) {
                        scanner.ascii_run(*min as usize, max, ascii_set(class))
                    } else {
                        scanner.run(*min as usize, max, |c| in_class(class, c))
                    }
                }
            };
            if ok.is_none() {
                return false;
            }
        }
        !self.to_end || scanner.end().is_some()
    }
}

/// Whether every character of `class` is ASCII (the generated code then reads bytes).
pub fn ascii_only(class: &Ranges) -> bool {
    class.iter().all(|&(_, high)| high < 0x80)
}

/// A class of ASCII characters as the runtime's `Ascii` table.
fn ascii_set(class: &Ranges) -> runtime::Ascii {
    class
        .iter()
        .fold(runtime::Ascii::NONE, |set, &(low, high)| {
            set.range(low as u8, high as u8)
        })
}

fn in_class(class: &Ranges, c: char) -> bool {
    let c = c as u32;
    class.iter().any(|&(low, high)| low <= c && c <= high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_of_literals_and_counted_runs_are_planned() {
        let kms = plan("^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$").expect("straight");
        assert_eq!(kms.steps.len(), 2);
        assert_eq!(kms.length_bounds(), (1, Some(2049)));
        assert!(kms.is_match(&format!("a{}", "b".repeat(2048))));
        assert!(!kms.is_match(&format!("a{}", "b".repeat(2049))));
        assert!(!kms.is_match(""));
        let uuid = plan("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
            .expect("straight");
        assert_eq!(uuid.steps.len(), 9);
        assert!(uuid.is_match("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        assert!(!uuid.is_match("3f2504e0-4f89-11d3-9a0c-0305e82c330"));
        let arn = plan("^arn:aws:kms:[a-z0-9-]+:\\d{12}:key/.+$").expect("straight");
        assert_eq!(arn.steps[0], Step::Literal("arn:aws:kms:".into()));
        assert!(arn.is_match("arn:aws:kms:us-east-1:123456789012:key/abc"));
        assert!(!arn.is_match("arn:aws:kms:us-east-1:12345678901:key/abc"));
        // Without `$`, anything may follow.
        let prefix = plan("^ab+").expect("straight");
        assert!(prefix.is_match("abbbx") && !prefix.is_match("ax"));
        assert_eq!(prefix.length_bounds(), (2, None));
    }

    #[test]
    fn patterns_that_would_need_to_give_characters_back_are_not_planned() {
        for pattern in [
            "^[a-z]*[a-z0-9]$",
            "^.*\\.json$",
            "^\\d{1,3}5$",
            "^a?a$",
            "^[a-z]{2,}[a-c]?z$",
        ] {
            assert_eq!(plan(pattern), None, "{pattern}");
        }
        // A run of fixed length may touch what follows: it never stops early.
        assert!(plan("^[a-z]{3}[a-z0-9]+$").is_some());
        // Other shapes are the automaton's.
        for pattern in ["[a-z]+", "^(a|b)$", "^(ab)+$", "^a$|^b$", "^a^b$"] {
            assert_eq!(plan(pattern), None, "{pattern}");
        }
    }

    proptest::proptest! {
        /// Any text, quotes, backslashes, control characters and all, is scanned without a
        /// panic and judged as the ECMAScript engine judges it.
        #[test]
        fn hostile_text_is_judged_as_the_ecmascript_engine_judges_it(
            pattern in proptest::sample::select(vec![
                "^[a-z]{2,4}\\.\\S*$",
                "^\"[^\"\\\\]*\"$",
                "^\\d{3}-.+$",
                "^[\\u0000-\\u001f]{1,3}x",
                "^[^/]{0,5}/\\s*$",
            ]),
            value in "(\\PC|[\"\\\\\\x00-\\x1f\\u{7f}é🍔])*",
        ) {
            let scan = plan(pattern).expect("straight");
            let regex = regress::Regex::with_flags(pattern, "u").expect("valid");
            proptest::prop_assert_eq!(scan.is_match(&value), regex.find(&value).is_some());
        }
    }
}
