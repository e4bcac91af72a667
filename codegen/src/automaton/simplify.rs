//! Rewrites of counted group repetitions whose iterations overlap into patterns that match the
//! same values without them, each checked on automata before it is used: where a group's
//! counter could hold several counts at once, the pattern is otherwise unrolled into a state
//! per count.
//!
//! - A group whose body `X` matches whatever two iterations in a row match (`X X ⊆ X`:
//!   `([!-~]+/)`, where `/` is in `[!-~]`) repeats to nothing more than its minimum does:
//!   `X{n,m}` is `X{n}` (every `X^k`, `k > n`, is inside `X^n`), and `X{0,m}` is `X?`.
//! - After an unbounded repetition of a class, `D*` (`.*`), what follows may lose the counts
//!   above the minimum of its repetitions where `D*` absorbs them: `D* T` is `D* T'` when `T'`
//!   is `T` with repetitions cut to their minimum (so `T' ⊆ T`) and `T ⊆ D* T'`.
//!   `.*[a-z0-9](-*[a-z0-9]){0,255}$` is `.*[a-z0-9]$`. An optional group ending in `D*`,
//!   `(arn:….*)?T`, is split into its two cases first, `T | arn:….*T`.
//!
//! Each inclusion is decided on the automata of the parts, unrolled (no counters): a rewrite
//! whose check does not finish (too many states) is not made.

use super::{Node, Ranges, Tables, build, has_anchor, lengths, negate, size, starts_anchored};
use std::collections::{BTreeSet, HashMap};

/// The largest part (in nodes) whose inclusion is checked.
const MAX_CHECKED: usize = 256;
/// The largest part (in unrolled NFA states, see [`expanded`]) whose inclusion is checked.
const MAX_EXPANDED: usize = 20_000;
/// The most pairs of states an inclusion check visits before giving up.
const MAX_PAIRS: usize = 200_000;

/// `node` rewritten as the module says, or `None` if no rewrite applies. A `search` (a
/// pattern not anchored at its start) may skip any prefix: that is a `D*` before it too.
pub(super) fn simplify(node: &Node, search: bool) -> Option<Node> {
    let rewritten = rewrite(node);
    if !search {
        return rewritten;
    }
    let now = rewritten.as_ref().unwrap_or(node);
    // The skipped prefix is before each alternative (`^` keeps one at the start).
    if let Node::Alt(alternatives) = now {
        let cut: Vec<Option<Node>> = alternatives
            .iter()
            .map(|item| match starts_anchored(item) {
                true => None,
                false => after_any(item),
            })
            .collect();
        if cut.iter().all(Option::is_none) {
            return rewritten;
        }
        return Some(Node::Alt(
            cut.into_iter()
                .zip(alternatives)
                .map(|(cut, item)| cut.unwrap_or_else(|| item.clone()))
                .collect(),
        ));
    }
    after_any(now).or(rewritten)
}

/// `node` searched for (any prefix skipped) as `[^]* T'`, with `T'` as [`cut`] makes it.
fn after_any(node: &Node) -> Option<Node> {
    let items = match node {
        Node::Concat(items) => items.clone(),
        other => vec![other.clone()],
    };
    let any: Ranges = vec![(0, super::MAX_CHAR)];
    let rest = cut(&Node::Class(any.clone()), &items)?;
    let mut all = vec![star(&any)];
    all.extend(rest);
    Some(Node::Concat(all))
}

/// [`simplify`] inside the pattern.
fn rewrite(node: &Node) -> Option<Node> {
    match node {
        Node::Repeat {
            node: body,
            min,
            max,
        } => {
            let inner = rewrite(body);
            let now = inner.as_ref().unwrap_or(body);
            let already = *max == Some(*min) || (*min == 0 && *max == Some(1));
            if !already && closed(now) {
                let n = (*min).max(1);
                return Some(Node::Repeat {
                    node: Box::new(now.clone()),
                    min: *min,
                    max: Some(n),
                });
            }
            inner.map(|body| Node::Repeat {
                node: Box::new(body),
                min: *min,
                max: *max,
            })
        }
        Node::Alt(items) => {
            let turned: Vec<Option<Node>> = items.iter().map(rewrite).collect();
            if turned.iter().all(Option::is_none) {
                return None;
            }
            Some(Node::Alt(
                turned
                    .into_iter()
                    .zip(items)
                    .map(|(turned, item)| turned.unwrap_or_else(|| item.clone()))
                    .collect(),
            ))
        }
        Node::Concat(items) => {
            let turned: Vec<Option<Node>> = items.iter().map(rewrite).collect();
            let changed = turned.iter().any(Option::is_some);
            let items: Vec<Node> = turned
                .into_iter()
                .zip(items)
                .map(|(turned, item)| turned.unwrap_or_else(|| item.clone()))
                .collect();
            match absorbed(&items).or_else(|| intervals(&items)) {
                Some(node) => Some(node),
                None => changed.then_some(Node::Concat(items)),
            }
        }
        Node::Empty | Node::Class(_) | Node::Start | Node::End | Node::Look(_) => None,
    }
}

/// Whether `X X ⊆ X` for the body `X` of a counted group (anchor-free, unbounded in length:
/// a bounded non-empty language never holds its own square).
fn closed(body: &Node) -> bool {
    if matches!(body, Node::Class(_))
        || has_anchor(body)
        || expanded(body) > MAX_EXPANDED
        || lengths(body).1.is_some()
        || size(body, MAX_CHECKED) > MAX_CHECKED
    {
        return false;
    }
    let twice = Node::Concat(vec![body.clone(), body.clone()]);
    included(&twice, body) == Some(true)
}

/// The unbounded class repetition `D{n,}` as its class `D`.
fn unbounded_class(node: &Node) -> Option<&Node> {
    match node {
        Node::Repeat {
            node: class,
            max: None,
            ..
        } if matches!(**class, Node::Class(_)) => Some(class),
        _ => None,
    }
}

/// The sequence `items` with what follows an unbounded class repetition cut to its minimum
/// where that repetition absorbs the rest (see the module), or with an optional group that
/// ends in one split into its two cases where that then applies.
fn absorbed(items: &[Node]) -> Option<Node> {
    for (i, item) in items.iter().enumerate() {
        if let Some(class) = unbounded_class(item)
            && let Some(rest) = cut(class, &items[i + 1..])
        {
            let mut all = items[..=i].to_vec();
            all.extend(rest);
            return Some(Node::Concat(all));
        }
        if let Node::Repeat {
            node: body,
            min: 0,
            max: Some(1),
        } = item
            && let Node::Concat(inner) = &**body
            && inner.last().and_then(unbounded_class).is_some()
        {
            let mut spliced = items[..i].to_vec();
            spliced.extend(inner.iter().cloned());
            let at = spliced.len() - 1;
            let class = unbounded_class(&spliced[at])?.clone();
            let Some(rest) = cut(&class, &items[i + 1..]) else {
                continue;
            };
            spliced.extend(rest);
            let mut without = items[..i].to_vec();
            without.extend(items[i + 1..].iter().cloned());
            return Some(Node::Alt(vec![
                Node::Concat(without),
                Node::Concat(spliced),
            ]));
        }
    }
    None
}

/// A group `(A*B){0,m}` of classes with `A ⊆ B`, as its form by the least number of
/// iterations a value needs, `(A*C){0,m-1}(A*B)?` with `C = B∖A` (a value of `B`s needs one
/// per character outside `A`, and one more if it ends in `A`; any number up to its length
/// will do, so only the least is bounded), whose counter holds one count. Where a class
/// repetition `P{lo,hi}` with `P ⊆ C` comes before it, the class takes as many as it can:
/// with `L(k)` that form for `k`, the pair is `P{hi}L(m) | P{lo,hi-1}((C∖P)L(m-1) | A L(m))?`,
/// each group entered once.
///
/// Why: a value `w` of `B`s splits into `#C(w)` pieces `A*C` and a rest in `A*`; each iteration
/// `A*B` holds at most one `C`, and if `w` ends in `A` its last iteration holds none, so `w`
/// needs at least `#C(w) + [w ends in A]` iterations, and that many will do (the rest, `A+`,
/// is one `A*B` as `A ⊆ B`). So `w ∈ (A*B){0,m}` iff that least number is at most `m`, which
/// is what `L(m)` says. Taking a leading `C` off such a value keeps it in `L(m)`, so the class
/// before it may take all the `P`s it can (`P ⊆ C`): `hi` of them, or fewer, and then the rest
/// starts with a member of `C∖P` (after which `L(m-1)` is left) or of `A` (after which `L(m)`
/// is). Where the automata are small enough the equality is checked on them as well.
fn intervals(items: &[Node]) -> Option<Node> {
    for (i, item) in items.iter().enumerate() {
        let Some((a, b, m)) = overlapping_group(item) else {
            continue;
        };
        // Proved for `A ⊆ B` (and `P ⊆ C`): see the doc.
        if !difference(&a, &b).is_empty() {
            continue;
        }
        let c = difference(&b, &a);
        let least = |k: u32| match k {
            0 => Node::Empty,
            k => Node::Concat(vec![
                Node::Repeat {
                    node: Box::new(Node::Concat(vec![star(&a), Node::Class(c.clone())])),
                    min: 0,
                    max: Some(k - 1),
                },
                Node::Repeat {
                    node: Box::new(Node::Concat(vec![star(&a), Node::Class(b.clone())])),
                    min: 0,
                    max: Some(1),
                },
            ]),
        };
        let before = i.checked_sub(1).and_then(|j| match &items[j] {
            Node::Repeat {
                node: class,
                min,
                max: Some(max),
            } if *max >= 1 => match &**class {
                Node::Class(p) if difference(p, &c).is_empty() => Some((p.clone(), *min, *max)),
                _ => None,
            },
            _ => None,
        });
        let (from, original, candidate) = match before {
            Some((p, lo, hi)) => {
                let class = |min, max| Node::Repeat {
                    node: Box::new(Node::Class(p.clone())),
                    min,
                    max: Some(max),
                };
                // What follows a shorter run of the class starts outside it: with a member of
                // `C∖P` (one iteration spent), or of `A` (none yet: it ends in a later one).
                let first = Node::Alt(vec![
                    Node::Concat(vec![Node::Class(difference(&c, &p)), least(m - 1)]),
                    Node::Concat(vec![Node::Class(a.clone()), least(m)]),
                ]);
                let mut alternatives = vec![Node::Concat(vec![class(hi, hi), least(m)])];
                if lo < hi {
                    alternatives.push(Node::Concat(vec![
                        class(lo, hi - 1),
                        Node::Repeat {
                            node: Box::new(first),
                            min: 0,
                            max: Some(1),
                        },
                    ]));
                }
                (
                    i - 1,
                    Node::Concat(items[i - 1..=i].to_vec()),
                    Node::Alt(alternatives),
                )
            }
            None => (i, item.clone(), least(m)),
        };
        // Checked on the automata too where they are small enough (an interval of counts
        // per prefix unrolls into about `m²/2` states).
        let refuted = expanded(&original) <= MAX_EXPANDED
            && (included(&original, &candidate) == Some(false)
                || included(&candidate, &original) == Some(false));
        if !refuted {
            let mut all = items[..from].to_vec();
            all.push(candidate);
            all.extend(items[i + 1..].iter().cloned());
            return Some(Node::Concat(all));
        }
    }
    None
}

/// `(A*B){0,m}` of classes `A` and `B`, `m` at least 2: `A`, `B` and `m`.
fn overlapping_group(node: &Node) -> Option<(Ranges, Ranges, u32)> {
    let Node::Repeat {
        node: body,
        min: 0,
        max: Some(m),
    } = node
    else {
        return None;
    };
    let Node::Concat(parts) = &**body else {
        return None;
    };
    match parts.as_slice() {
        [
            Node::Repeat {
                node: a,
                min: 0,
                max: None,
            },
            Node::Class(b),
        ] if *m >= 2 => match &**a {
            Node::Class(a) => Some((a.clone(), b.clone(), *m)),
            _ => None,
        },
        _ => None,
    }
}

/// `class*`.
fn star(class: &Ranges) -> Node {
    Node::Repeat {
        node: Box::new(Node::Class(class.clone())),
        min: 0,
        max: None,
    }
}

/// The characters of `a` not in `b`.
fn difference(a: &Ranges, b: &Ranges) -> Ranges {
    let mut outside = negate(a);
    outside.extend(b.iter().copied());
    negate(&outside)
}

/// `rest` (what follows `D*` in a sequence) with its repetitions cut to their minimum, one at
/// a time, each kept where `D*` absorbs the rest still (`T ⊆ D* T'`); `None` if none is. A
/// final `$` stays: `D* T $` is `D* T' $` when `D* T` is `D* T'`.
fn cut(class: &Node, rest: &[Node]) -> Option<Vec<Node>> {
    let (body, end) = match rest.split_last() {
        Some((Node::End, body)) => (body, true),
        _ => (rest, false),
    };
    if body.is_empty() || body.iter().any(has_anchor) {
        return None;
    }
    // `D*` absorbs nothing of a rest whose values start outside `D` (`[a-z]+:…`): then
    // `T ⊆ D* T'` only if `T ⊆ T'`, and no check is worth its time.
    if let Node::Class(d) = class
        && !intersects(d, &firsts(&Node::Concat(body.to_vec())).0)
    {
        return None;
    }
    let original = Node::Concat(body.to_vec());
    if size(&original, MAX_CHECKED) > MAX_CHECKED
        || expanded(&original) > MAX_EXPANDED
        || cuttable(&original) == 0
    {
        return None;
    }
    let star = Node::Repeat {
        node: Box::new(class.clone()),
        min: 0,
        max: None,
    };
    let mut current = original.clone();
    let mut changed = false;
    let mut k = 0;
    while k < cuttable(&current) {
        let candidate = cut_one(&current, &mut { k });
        let absorbing = Node::Concat(vec![star.clone(), candidate.clone()]);
        if included(&original, &absorbing) == Some(true) {
            current = candidate;
            changed = true;
        } else {
            k += 1;
        }
    }
    if !changed {
        return None;
    }
    let mut out = vec![current];
    if end {
        out.push(Node::End);
    }
    Some(out)
}

/// The characters a value of `node` may start with (more, never fewer), and whether it may
/// be empty (anchors and lookarounds count as empty).
fn firsts(node: &Node) -> (Ranges, bool) {
    match node {
        Node::Class(ranges) => (ranges.clone(), false),
        Node::Concat(items) => {
            let mut all = Vec::new();
            for item in items {
                let (chars, empty) = firsts(item);
                all.extend(chars);
                if !empty {
                    return (all, false);
                }
            }
            (all, true)
        }
        Node::Alt(items) => {
            let mut all = Vec::new();
            let mut any_empty = false;
            for item in items {
                let (chars, empty) = firsts(item);
                all.extend(chars);
                any_empty |= empty;
            }
            (all, any_empty)
        }
        Node::Repeat { node, min, .. } => {
            let (chars, empty) = firsts(node);
            (chars, empty || *min == 0)
        }
        Node::Empty | Node::Start | Node::End | Node::Look(_) => (Vec::new(), true),
    }
}

/// Whether two sets of ranges share a character.
fn intersects(a: &Ranges, b: &Ranges) -> bool {
    a.iter()
        .any(|&(a0, a1)| b.iter().any(|&(b0, b1)| a0 <= b1 && b0 <= a1))
}

/// Roughly how many NFA states `node` unrolled has (saturating).
fn expanded(node: &Node) -> usize {
    match node {
        Node::Repeat { node, min, max } => {
            let times = max.map_or(*min as usize + 1, |max| max as usize);
            expanded(node)
                .saturating_mul(times.max(1))
                .saturating_add(1)
        }
        Node::Concat(items) | Node::Alt(items) => items
            .iter()
            .fold(1, |all: usize, item| all.saturating_add(expanded(item))),
        _ => 1,
    }
}

/// How many repetitions in `node` may be cut to their minimum (those not inside another).
fn cuttable(node: &Node) -> usize {
    match node {
        Node::Repeat { min, max, .. } => usize::from(*max != Some(*min)),
        Node::Concat(items) | Node::Alt(items) => items.iter().map(cuttable).sum(),
        _ => 0,
    }
}

/// `node` with its `k`th cuttable repetition (see [`cuttable`]) cut to its minimum.
fn cut_one(node: &Node, k: &mut usize) -> Node {
    match node {
        Node::Repeat {
            node: body,
            min,
            max,
        } if *max != Some(*min) => {
            let this = *k == 0;
            *k = k.wrapping_sub(1);
            match (this, min) {
                (false, _) => node.clone(),
                (true, 0) => Node::Empty,
                (true, min) => Node::Repeat {
                    node: body.clone(),
                    min: *min,
                    max: Some(*min),
                },
            }
        }
        Node::Concat(items) => Node::Concat(items.iter().map(|item| cut_one(item, k)).collect()),
        Node::Alt(items) => Node::Alt(items.iter().map(|item| cut_one(item, k)).collect()),
        _ => node.clone(),
    }
}

/// The automaton of exactly the values `node` (anchor-free) matches, unrolled.
fn whole(node: &Node) -> Option<Tables> {
    let anchored = Node::Concat(vec![Node::Start, node.clone(), Node::End]);
    build(&anchored, false, &BTreeSet::new(), &BTreeSet::new()).ok()
}

/// Whether every value `a` matches whole `b` matches whole (both anchor-free); `None` if
/// either automaton or their product is too large to tell.
pub(super) fn included(a: &Node, b: &Node) -> Option<bool> {
    let (a, b) = (whole(a)?, whole(b)?);
    tables_included(&a, &b)
}

/// A state of an automaton in an inclusion check: a row, or "has matched" (every value from
/// here on is accepted).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum At {
    Row(u16),
    Matched,
}

/// Whether every value `a` accepts `b` accepts, by a walk over pairs of states; `None` past
/// [`MAX_PAIRS`].
fn tables_included(a: &Tables, b: &Tables) -> Option<bool> {
    // The alphabet both tell apart: each interval start of either, with its class in each.
    let starts: BTreeSet<u32> = a.starts.iter().chain(&b.starts).copied().collect();
    let class = |t: &Tables, c: u32| {
        usize::from(t.interval_class[t.starts.partition_point(|&s| s <= c) - 1])
    };
    let letters: Vec<(usize, usize)> = starts
        .into_iter()
        .map(|c| (class(a, c), class(b, c)))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let enter = |t: &Tables, s: u16| match s {
        s if t.accept[usize::from(s)] => At::Matched,
        s => At::Row(s),
    };
    let step = |t: &Tables, at: At, class: usize| match at {
        At::Matched => At::Matched,
        At::Row(s) => enter(t, t.table[usize::from(s) * t.classes + class]),
    };
    let accepts = |t: &Tables, at: At| match at {
        At::Matched => true,
        At::Row(s) => t.accept_at_end[usize::from(s)],
    };
    let start = (enter(a, a.start), enter(b, b.start));
    let mut seen: HashMap<(At, At), ()> = HashMap::from([(start, ())]);
    let mut stack = vec![start];
    while let Some((x, y)) = stack.pop() {
        if x == At::Row(0) || y == At::Matched {
            // Nothing more from `a`, or everything from `b`.
            continue;
        }
        if accepts(a, x) && !accepts(b, y) {
            return Some(false);
        }
        if x == At::Matched && y == At::Row(0) {
            return Some(false);
        }
        for &(ca, cb) in &letters {
            let next = (step(a, x, ca), step(b, y, cb));
            if seen.insert(next, ()).is_none() {
                if seen.len() > MAX_PAIRS {
                    return None;
                }
                stack.push(next);
            }
        }
    }
    Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(pattern: &str) -> Node {
        super::super::parse(pattern).expect("parses")
    }

    #[test]
    fn inclusion_is_decided_on_the_automata() {
        for (a, b, expected) in [
            ("a", "a|b", true),
            ("a|b", "a", false),
            ("([!-~]+/)([!-~]+/)", "[!-~]+/", true),
            ("(-*[a-z])(-*[a-z])", "-*[a-z]", false),
            ("[a-z](-*[a-z]){0,9}", ".*[a-z]", true),
            ("[a-z](-*[a-z]){0,9}", ".*[0-9]", false),
            ("[a-z]*", "[a-z]{0,5}", false),
            ("[a-z]{0,5}", "[a-z]*", true),
        ] {
            assert_eq!(included(&node(a), &node(b)), Some(expected), "{a} ⊆ {b}");
        }
    }
}
