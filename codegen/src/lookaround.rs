//! `@pattern`s with lookarounds at the value's edges, as Lambda's names have them
//! (`^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$`: not only digits; `^[0-9A-Za-z\.\-_]*(?<!\.)$`: not ending
//! in a dot). Such a pattern holds exactly when its main part (the pattern without its
//! lookarounds) matches and each lookaround holds: a lookahead right after `^` asks whether a
//! prefix of the value matches it, a lookbehind right before `$` whether a suffix does. Each part
//! is an ordinary pattern, compiled to straight code or an automaton, so these patterns need no
//! ECMAScript engine. A lookaround anywhere else (inside a repetition or an alternative, or in
//! the middle of the value) stays the engine's.

use crate::automaton::{Look, Node};

/// A pattern taken apart at its lookarounds.
#[derive(Debug, Clone)]
pub(crate) struct Split {
    /// The pattern without its lookarounds: the text as written less the lookaround groups, and
    /// its tree with one `^` and one `$` where it had them.
    pub main: (String, Node),
    pub conditions: Vec<Condition>,
}

/// One lookaround, and the pattern that checks it.
#[derive(Debug, Clone)]
pub(crate) struct Condition {
    /// The lookaround as the model writes it (`(?!^[0-9]+$)`).
    pub text: String,
    /// A lookbehind (checked against the value's suffixes), else a lookahead (its prefixes).
    pub behind: bool,
    /// Whether the value must *not* match.
    pub negated: bool,
    /// The pattern a prefix (`^(?:X)`) or a suffix (`(?:X)$`) of the value matches when the
    /// lookaround `X` matches there, as text and tree.
    pub pattern: (String, Node),
}

/// Takes `pattern`, parsed as `node`, apart at its lookarounds, or says why it has one this
/// module does not take (the ECMAScript engine then runs the pattern).
pub(crate) fn split(pattern: &str, node: Node) -> Result<Split, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut items = Vec::new();
    flatten(node, &mut items);
    // The leading `^`s and lookaheads, then the trailing `$`s and lookbehinds.
    let mut looks = Vec::new();
    let (mut anchored_start, mut first) = (false, 0);
    while let Some(item) = items.get(first) {
        match item {
            Node::Start => anchored_start = true,
            Node::Look(look) if !look.behind && anchored_start => looks.push(look),
            _ => break,
        }
        first += 1;
    }
    let (mut anchored_end, mut last) = (false, items.len());
    let mut behind = Vec::new();
    while last > first {
        match &items[last - 1] {
            Node::End => anchored_end = true,
            Node::Look(look) if look.behind && anchored_end => behind.push(look),
            _ => break,
        }
        last -= 1;
    }
    looks.extend(behind.into_iter().rev());
    if items[first..last].iter().any(has_lookaround) {
        return Err(
            "a lookaround is compiled only right after `^` (a lookahead) or right before `$` (a lookbehind)"
                .into(),
        );
    }
    let conditions = looks
        .iter()
        .map(|look| condition(&chars, look))
        .collect::<Result<Vec<_>, _>>()?;
    let text = chars
        .iter()
        .enumerate()
        .filter(|(at, _)| !looks.iter().any(|look| look.span.contains(at)))
        .map(|(_, c)| c)
        .collect();
    let middle = items[first..last].to_vec();
    Ok(Split {
        main: (text, anchor(middle, anchored_start, anchored_end)),
        conditions,
    })
}

fn condition(chars: &[char], look: &Look) -> Result<Condition, String> {
    if has_lookaround(&look.node) {
        return Err("a lookaround inside a lookaround is not compiled".into());
    }
    let text: String = chars[look.span.clone()].iter().collect();
    // The group's inside: after `(?=` / `(?!` or `(?<=` / `(?<!`, before the `)`.
    let opening = if look.behind { 4 } else { 3 };
    let inner: String = chars[look.span.start + opening..look.span.end - 1]
        .iter()
        .collect();
    let mut items = Vec::new();
    flatten(look.node.clone(), &mut items);
    let pattern = if look.behind {
        (format!("(?:{inner})$"), anchor(items, false, true))
    } else {
        (format!("^(?:{inner})"), anchor(items, true, false))
    };
    Ok(Condition {
        text,
        behind: look.behind,
        negated: look.negated,
        pattern,
    })
}

/// `items` in sequence, after one `^` when `start` and before one `$` when `end` (the `^`s
/// already leading them and the `$`s already ending them go: they say nothing more).
fn anchor(mut items: Vec<Node>, start: bool, end: bool) -> Node {
    if start {
        let leading = items
            .iter()
            .take_while(|item| matches!(item, Node::Start))
            .count();
        items.drain(..leading);
        items.insert(0, Node::Start);
    }
    if end {
        while matches!(items.last(), Some(Node::End)) {
            items.pop();
        }
        items.push(Node::End);
    }
    Node::Concat(items)
}

/// The items of `node` read as a sequence: concatenations (groups included) opened up, empty
/// items dropped.
fn flatten(node: Node, out: &mut Vec<Node>) {
    match node {
        Node::Concat(items) => items.into_iter().for_each(|item| flatten(item, out)),
        Node::Empty => {}
        other => out.push(other),
    }
}

/// Whether `node` (parsed by [`crate::automaton::parse_with_lookarounds`]) has a lookaround.
pub(crate) fn has_lookaround(node: &Node) -> bool {
    match node {
        Node::Look(_) => true,
        Node::Concat(items) | Node::Alt(items) => items.iter().any(has_lookaround),
        Node::Repeat { node, .. } => has_lookaround(node),
        Node::Empty | Node::Class(_) | Node::Start | Node::End => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automaton::tests::against_regress;
    use crate::ir::{Matcher, compile_pattern};
    use proptest::prelude::*;

    /// Lambda's four (function names, aliases, environment variable names, layer names).
    const LAMBDA: [&str; 4] = [
        "^((?!^\\d+$)^[0-9a-zA-Z-_]+$)$",
        "^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$",
        "^(^(?!(system\\x2e)))(^[_a-zA-Z0-9])([^$]*)$",
        "^[0-9A-Za-z\\.\\-_]*(?<!\\.)$",
    ];

    /// `pattern` parsed and taken apart; `Ok(None)` when it has no lookaround.
    fn taken_apart(pattern: &str) -> Result<Option<Split>, String> {
        let node = crate::automaton::parse_with_lookarounds(pattern)?;
        if !has_lookaround(&node) {
            return Ok(None);
        }
        split(pattern, node).map(Some)
    }

    fn texts(pattern: &str) -> (String, Vec<(String, String)>) {
        let split = taken_apart(pattern)
            .expect("taken apart")
            .expect("has lookarounds");
        let conditions = split
            .conditions
            .into_iter()
            .map(|c| (c.text, c.pattern.0))
            .collect();
        (split.main.0, conditions)
    }

    #[test]
    fn lookarounds_at_the_edges_become_checks_of_prefixes_and_suffixes() {
        assert_eq!(
            texts(LAMBDA[0]),
            (
                "^(^[0-9a-zA-Z-_]+$)$".to_string(),
                vec![("(?!^\\d+$)".to_string(), "^(?:^\\d+$)".to_string())]
            )
        );
        assert_eq!(
            texts(LAMBDA[2]),
            (
                "^(^)(^[_a-zA-Z0-9])([^$]*)$".to_string(),
                vec![(
                    "(?!(system\\x2e))".to_string(),
                    "^(?:(system\\x2e))".to_string()
                )]
            )
        );
        assert_eq!(
            texts(LAMBDA[3]),
            (
                "^[0-9A-Za-z\\.\\-_]*$".to_string(),
                vec![("(?<!\\.)".to_string(), "(?:\\.)$".to_string())]
            )
        );
        // Several at each edge, positive ones too.
        let (main, conditions) = texts("^(?=a)(?!ab)[a-z]+(?<=z)(?<!yz)$");
        assert_eq!(main, "^[a-z]+$");
        assert_eq!(conditions.len(), 4);
        // Every part of Lambda's four reads as a sequence: straight code, no automaton.
        for pattern in LAMBDA {
            let compiled = compile_pattern(pattern).expect("compiled");
            let Matcher::Lookaround(look) = &compiled.matcher else {
                panic!("{pattern}: not taken apart");
            };
            assert!(matches!(look.main.matcher, Matcher::Scan(_)), "{pattern}");
        }
        assert_eq!(
            taken_apart("^[a-z]+$").expect("parses").map(|s| s.main.0),
            None
        );
    }

    #[test]
    fn lookarounds_elsewhere_are_left_to_the_ecmascript_engine() {
        for pattern in [
            // In the middle of the value, inside a repetition or an alternative.
            "^a(?=b)[a-z]$",
            "^((?!x)[a-z])*$",
            "^(?!a)b$|^c$",
            // Not anchored: the lookahead is at wherever a match starts.
            "(?!a)b",
            "(?<!a)b$",
            // A lookbehind at the start, a lookahead at the end, nested lookarounds.
            "^(?<!a)b$",
            "^b(?!a)$",
            "^(?!a(?=b))c$",
            // Named groups are not lookarounds.
            "^(?<name>a)$",
        ] {
            assert!(
                taken_apart(pattern).is_err() || compile_pattern(pattern).is_none(),
                "{pattern}"
            );
            assert!(compile_pattern(pattern).is_none(), "{pattern}");
        }
    }

    /// Values built of the pattern's own literal runs (`system.`, `arn:`) and characters around
    /// its classes' edges, with hostile ones among them.
    fn values(pattern: &str) -> impl Strategy<Value = String> + use<> {
        let mut tokens: Vec<String> = "a z A Z 0 9 . - _ $ / : é 🍔 \u{0} \n \" \\"
            .split(' ')
            .map(str::to_string)
            .collect();
        tokens.extend(
            pattern
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                .filter(|word| word.len() > 1)
                .map(|word| word.replace("x2e", ".")),
        );
        tokens.extend(
            pattern
                .chars()
                .filter(|c| !c.is_alphanumeric())
                .map(String::from),
        );
        prop::collection::vec(prop::sample::select(tokens), 0..10).prop_map(|parts| parts.concat())
    }

    /// Every pattern with lookarounds this module takes apart, from the default model, the
    /// fixtures, `PATTERN_MODELS` (CI: `../shared/models`) and the tricky ones here, judges
    /// random and hostile values as the ECMAScript engine does.
    #[test]
    fn patterns_taken_apart_agree_with_the_ecmascript_engine() {
        let mut patterns = against_regress::patterns();
        patterns.extend(LAMBDA.iter().map(|p| p.to_string()));
        patterns.extend(
            [
                "^(?=a)(?!ab)[a-z]+(?<=z)(?<!yz)$",
                "^(?!)a$",
                "^(?=)a?$",
                "^(?!aws:)[a-z:]*",
                "^(?!.*--)[a-z-]{1,5}$",
                "^[a-z]*(?<![0-9]{2}|x)$",
                "^(?!a$|b)[a-c]{0,3}$",
                "^(?!^$)(?<!^a)$",
                "^(?<=^)(x|y)+(?<=y)$",
            ]
            .map(String::from),
        );
        let (mut checked, mut left) = (0, 0);
        for pattern in patterns {
            let (Ok(Some(_)) | Err(_)) = taken_apart(&pattern) else {
                continue;
            };
            let Some(compiled) = compile_pattern(&pattern) else {
                // Outside the subset, with or without its lookarounds.
                left += usize::from(crate::automaton::parse_with_lookarounds(&pattern).is_ok());
                continue;
            };
            let regex = regress::Regex::with_flags(&pattern, "u").expect("valid");
            checked += 1;
            against_regress::agree(&pattern, &regex, values(&pattern), 1000, |value| {
                compiled.matcher.is_match(value)
            });
        }
        println!(
            "{checked} patterns with lookarounds agree with the ECMAScript engine; {left} parse but stay the engine's"
        );
        assert!(checked >= 12, "only {checked} checked");
    }
}
