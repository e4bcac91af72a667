//! `@pattern`s compiled at generation time: an ECMA-262 (Unicode mode) subset is parsed,
//! turned into an NFA and then a DFA over an alphabet of code-point ranges, which the runtime's
//! `dfa.rs` runs from static tables. Anything outside the subset is reported as unsupported and
//! the generated crate falls back to an ECMAScript engine for that pattern.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// The matcher every generated crate runs, compiled here too so tests and benchmarks exercise
/// exactly that code.
#[path = "../runtime/dfa.rs"]
#[allow(dead_code)]
pub(crate) mod runtime;

mod sets;
mod simplify;

/// Code points, as inclusive ranges.
pub(crate) type Ranges = Vec<(u32, u32)>;

const MAX_CHAR: u32 = 0x10FFFF;
/// Beyond this many DFA states the tables get too large to be worth it.
const MAX_STATES: usize = 8192;
const MAX_NFA: usize = 200_000;
/// Larger counted repetitions are left to the ECMAScript engine.
const MAX_REPEAT: u32 = 10_000;
/// Deeper group nesting is left to the ECMAScript engine (and keeps recursion bounded).
const MAX_DEPTH: usize = 100;

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Empty,
    Class(Ranges),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
    /// A lookaround, parsed only for [`crate::lookaround`], which takes those at the value's
    /// edges apart; the automaton itself refuses one.
    Look(Box<Look>),
}

/// `(?=X)`, `(?!X)`, `(?<=X)` or `(?<!X)`.
#[derive(Debug, Clone)]
pub(crate) struct Look {
    /// A lookbehind (`(?<=`, `(?<!`), else a lookahead.
    pub behind: bool,
    pub negated: bool,
    pub node: Node,
    /// Where the group sits in the pattern, in characters (its `(` to its `)` inclusive).
    pub span: std::ops::Range<usize>,
}

/// The compiled tables (see the runtime's `Dfa`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tables {
    pub start: u16,
    /// Code-point intervals: interval `i` runs from `starts[i]` to the next start.
    pub starts: Vec<u32>,
    /// The alphabet class of each interval (intervals that behave alike share a class).
    pub interval_class: Vec<u8>,
    /// The number of classes: the table's row width.
    pub classes: usize,
    pub ascii: [u8; 128],
    /// `states × classes` transitions.
    pub table: Vec<u16>,
    pub accept: Vec<bool>,
    pub accept_at_end: Vec<bool>,
    /// What entering each state does to the counters, by counter.
    pub ops: Vec<Vec<Op>>,
    /// Each counter's bounds (`C{min,max}`).
    pub counters: Vec<(u32, Option<u32>)>,
    /// The shortest and longest (`None`: unbounded) value the pattern's syntax admits, for
    /// automata with counters (see [`length_bounds`]).
    pub bounds: (usize, Option<usize>),
    /// The largest count of a repetition unrolled into a state per count although it counted
    /// past `UNROLLED_COUNTS` (0: none was): past the counters or sets there are, ambiguous as
    /// a group, or unrolled because that made fewer states.
    pub unrolled: u32,
}

/// What entering a state does to one counter: with `bound` 0 the repetition starts afresh (its
/// count is 0); otherwise it took one more character, and when its count reaches `bound` the
/// matcher moves to state `then` (the same state with the count in its next range). A counting
/// set's operation (`set`) has the repetition's minimum as `bound`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Op {
    pub counter: u8,
    pub bound: u16,
    pub then: u16,
    pub set: Option<SetOp>,
}

/// What entering a state does to a counting set (see [`sets`]), the set in `slot`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SetOp {
    pub slot: u8,
    pub action: SetAction,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SetAction {
    /// The repetition is entered afresh, nothing else of it goes on: the set holds 0 only.
    Restart,
    /// The counts go on: one more each. Then the matcher moves to state `rows[regions]` by the
    /// regions the counts are in (0: it stays); with `insert`, the repetition is entered afresh
    /// too: 0 joins the set.
    Shift {
        rows: [u16; runtime::SHIFT_MAX],
        insert: bool,
    },
}

/// The table cells of a counting set's shift: the rows by the regions its counts are in, then
/// its maximum (see the runtime's `Op`).
const SHIFT_CELLS: usize = runtime::SHIFT_MAX + 1;

impl Op {
    /// Whether this is a counting set's shift.
    fn is_shift(&self) -> bool {
        matches!(
            self.set,
            Some(SetOp {
                action: SetAction::Shift { .. },
                ..
            })
        )
    }
}

impl Tables {
    pub fn states(&self) -> usize {
        self.accept.len()
    }

    /// The runtime's tables (see the runtime's `Dfa`): rows of `classes + 2` cells (each
    /// transition as its target's row offset, every transition into a state that has matched
    /// replaced by `MATCHED`, then the info cell and the run-length cell), and the runs the
    /// matcher scans.
    pub fn runtime(&self) -> Runtime {
        let width = self.classes + 2;
        // Per state: 1 + its run's index, and how many characters the run may take from there.
        // Runs with the same set and step are stored once (a UUID's five chains are one).
        let mut distinct: Vec<(u64, u16)> = Vec::new();
        let mut run_of = vec![(0u16, 0u16); self.states()];
        for (states, classes) in self.runs() {
            let looping = states.len() == 1;
            let step = if looping { 0 } else { width as u16 };
            let index = match distinct.iter().position(|&run| run == (classes, step)) {
                Some(index) => index,
                None if distinct.len() < 255 => {
                    distinct.push((classes, step));
                    distinct.len() - 1
                }
                None => continue,
            };
            for s in states.clone() {
                let length = if looping {
                    u16::MAX
                } else {
                    (states.end - s) as u16
                };
                run_of[s] = (index as u16 + 1, length);
            }
        }
        let mut ops = Vec::new();
        let slots = self
            .ops
            .iter()
            .flatten()
            .filter_map(|op| op.set.map(|set| set.slot + 1))
            .max();
        if let Some(slots) = slots {
            ops.push(runtime::Op::sets_used(slots));
        }
        let mut table = Vec::with_capacity(self.states() * width * 2);
        // The counting sets' shift cells, after the rows.
        let mut shift_cells: Vec<u16> = Vec::new();
        for (s, &(run, length)) in run_of.iter().enumerate() {
            let state_ops = &self.ops[s];
            let length = if state_ops.is_empty() {
                length
            } else {
                // A state with counter operations holds where they start instead.
                let first = ops.len() as u16;
                ops.extend(state_ops.iter().map(|op| match op.set {
                    None => runtime::Op {
                        counter: op.counter,
                        kind: 0,
                        bound: op.bound,
                        then: (usize::from(op.then) * width) as u16,
                    },
                    Some(SetOp { slot, action }) => match action {
                        SetAction::Restart => {
                            let max = self.counters[usize::from(op.counter)].1;
                            // Within `SET_LIMIT` when bounded.
                            let max = max.map_or(runtime::UNBOUNDED, |max| max as u16);
                            runtime::Op::set_restart(op.counter, slot, op.bound, max)
                        }
                        SetAction::Shift { rows, insert } => {
                            let at = self.states() * width + shift_cells.len();
                            shift_cells.extend(rows.map(|row| (usize::from(row) * width) as u16));
                            let max = self.counters[usize::from(op.counter)].1;
                            // Within `SET_LIMIT` when bounded.
                            shift_cells.push(max.map_or(runtime::UNBOUNDED, |max| max as u16));
                            match insert {
                                true => runtime::Op::set_shift_insert(
                                    op.counter, slot, op.bound, at as u16,
                                ),
                                false => {
                                    runtime::Op::set_shift(op.counter, slot, op.bound, at as u16)
                                }
                            }
                        }
                    },
                }));
                first
            };
            for &t in &self.table[s * self.classes..(s + 1) * self.classes] {
                let cell = match t {
                    0 => 0,
                    t if self.accept[usize::from(t)] => runtime::MATCHED,
                    t => (usize::from(t) * width) as u16,
                };
                table.extend(cell.to_le_bytes());
            }
            let mut info = run;
            if self.accept[s] {
                info |= runtime::INFO_MATCHED;
            }
            if self.accept_at_end[s] {
                info |= runtime::INFO_AT_END;
            }
            info |= (state_ops.len() as u16) << runtime::OPS_SHIFT;
            table.extend(info.to_le_bytes());
            table.extend(length.to_le_bytes());
        }
        table.extend(shift_cells.iter().flat_map(|cell| cell.to_le_bytes()));
        let runs = distinct
            .into_iter()
            .map(|(classes, step)| runtime::Run {
                bytes: std::array::from_fn(|b| {
                    u8::from(b < 128 && (classes >> self.ascii[b & 127]) & 1 != 0)
                }),
                step,
            })
            .collect();
        let (path, sets) = match self.path() {
            Some(steps) => {
                let mut sets: Vec<u128> = Vec::new();
                let mut path: Vec<runtime::Segment> = Vec::new();
                for (set, accepts) in steps {
                    let index = sets.iter().position(|&s| s == set).unwrap_or_else(|| {
                        sets.push(set);
                        sets.len() - 1
                    });
                    match path.last_mut() {
                        Some(last)
                            if usize::from(last.set) == index
                                && last.accepts == accepts
                                && last.count < u16::MAX =>
                        {
                            last.count += 1
                        }
                        _ => path.push(runtime::Segment {
                            set: index as u8,
                            count: 1,
                            accepts,
                        }),
                    }
                }
                let sets = sets
                    .iter()
                    .map(|&set| std::array::from_fn(|b| u8::from(b < 128 && (set >> b) & 1 != 0)))
                    .collect();
                (path, sets)
            }
            None => (Vec::new(), Vec::new()),
        };
        let short = short_masks(&path, &sets);
        Runtime {
            start: (usize::from(self.start) * width) as u16,
            table,
            ops,
            runs,
            path,
            sets,
            short,
        }
    }

    /// The automaton as one straight path from the start, if it is one: every state on it
    /// (none of them having matched) moves on ASCII characters only, to one next state, never
    /// back; the path ends in a state with no moves. Each step is its ASCII set and whether the
    /// value may end after it. At most 256 distinct sets.
    fn path(&self) -> Option<Vec<(u128, bool)>> {
        if !self.counters.is_empty() {
            return None;
        }
        let classes = self.classes;
        let mut visited = vec![false; self.states()];
        let mut steps = Vec::new();
        let mut distinct: Vec<u128> = Vec::new();
        let mut s = usize::from(self.start);
        loop {
            if self.accept[s] {
                return None;
            }
            visited[s] = true;
            let row = &self.table[s * classes..(s + 1) * classes];
            let mut targets = row.iter().map(|&t| usize::from(t)).filter(|&t| t != 0);
            let Some(next) = targets.next() else {
                break;
            };
            if targets.any(|t| t != next) || visited[next] || self.accept[next] {
                return None;
            }
            // Code points from 128 up lead nowhere.
            let non_ascii_moves = self.starts.iter().enumerate().any(|(i, &start)| {
                let end = self.starts.get(i + 1).map_or(MAX_CHAR, |n| n - 1);
                (start >= 128 || end >= 128) && row[usize::from(self.interval_class[i])] != 0
            });
            if non_ascii_moves {
                return None;
            }
            let set = (0..128u32)
                .filter(|&b| row[usize::from(self.ascii[b as usize])] != 0)
                .fold(0u128, |set, b| set | (1u128 << b));
            if !distinct.contains(&set) {
                if distinct.len() == 256 {
                    return None;
                }
                distinct.push(set);
            }
            steps.push((set, self.accept_at_end[next]));
            s = next;
        }
        (!steps.is_empty()).then_some(steps)
    }

    /// Runs: a state that loops on a set of ASCII characters (one state; if it counts, adding
    /// to one counter at most), or a chain of at least three consecutive states each moving to
    /// the next on the same set, none of them counting or having matched (nor the state after
    /// the chain). Each is `(states, set)`, the set as a bit per class of the ASCII characters
    /// in it. None when there are more than 64 classes.
    fn runs(&self) -> Vec<(std::ops::Range<usize>, u64)> {
        let states = self.states();
        if self.classes > 64 {
            return Vec::new();
        }
        // The classes of the ASCII characters on which state `s` moves to `target`.
        let moving_to = |s: usize, target: usize| -> u64 {
            self.ascii
                .iter()
                .filter(|&&class| {
                    usize::from(self.table[s * self.classes + usize::from(class)]) == target
                })
                .fold(0u64, |set, &class| set | (1u64 << class))
        };
        let mut runs = Vec::new();
        let mut s = 1;
        while s < states {
            // A counting set's state moves on by the counts, which a run does not see.
            if self.accept[s] || self.ops[s].iter().any(|op| op.set.is_some()) {
                s += 1;
                continue;
            }
            let looping = moving_to(s, s);
            if looping != 0 {
                if self.ops[s].iter().filter(|op| op.bound != 0).count() <= 1 {
                    runs.push((s..s + 1, looping));
                }
                s += 1;
                continue;
            }
            if !self.ops[s].is_empty() {
                s += 1;
                continue;
            }
            let set = moving_to(s, s + 1);
            let mut end = s;
            while set != 0
                && end + 1 < states
                && !self.accept[end + 1]
                && self.ops[end + 1].is_empty()
                && moving_to(end, end + 1) == set
                && moving_to(end, end) == 0
            {
                end += 1;
            }
            if end - s >= 3 {
                runs.push((s..end, set));
                s = end;
            } else {
                s += 1;
            }
        }
        runs
    }

    /// The generated crate's matcher (the same source file) over these tables.
    pub fn matcher<'a>(&'a self, runtime: &'a Runtime) -> Matcher<'a> {
        Matcher(runtime::Dfa {
            source: "",
            path: &runtime.path,
            sets: &runtime.sets,
            start: runtime.start,
            starts: &self.starts,
            interval_class: &self.interval_class,
            classes: self.classes as u16,
            ascii: &self.ascii,
            table: &runtime.table,
            ops: &runtime.ops,
            runs: &runtime.runs,
            short: runtime.short.as_ref().map(|short| {
                let groups: Vec<(&[u8], u64)> = short
                    .groups
                    .iter()
                    .map(|(b, m)| (b.as_slice(), *m))
                    .collect();
                runtime::Short::new(&groups, short.ends)
            }),
        })
    }

    /// Whether `value` contains a match, by the generated crate's own matcher.
    pub fn is_match(&self, value: &str) -> bool {
        self.matcher(&self.runtime()).is_match(value)
    }
}

/// The generated crate's matcher, built as a generated static is (see [`Tables::matcher`]).
pub struct Matcher<'a>(runtime::Dfa<'a>);

impl Matcher<'_> {
    /// Whether `value` contains a match.
    pub fn is_match(&self, value: &str) -> bool {
        self.0.is_match(value)
    }
}

/// The tables as the generated crate stores them (see the runtime's `Dfa`).
pub struct Runtime {
    /// The start state's row offset.
    pub start: u16,
    /// Rows of little-endian `u16` cells.
    pub table: Vec<u8>,
    /// The counter operations, each state's together (see the runtime's `Op`).
    pub(crate) ops: Vec<runtime::Op>,
    /// The runs, as the runtime's `Run`.
    pub(crate) runs: Vec<runtime::Run>,
    /// The straight path's segments (empty if the automaton is not one), and their sets.
    pub(crate) path: Vec<runtime::Segment>,
    pub(crate) sets: Vec<[u8; 256]>,
    /// A path of at most 64 characters as the runtime's `Short`.
    pub(crate) short: Option<ShortMasks>,
}

/// The runtime's `Short` as the generator emits it.
pub(crate) struct ShortMasks {
    /// Groups of bytes sharing a mask, ordered by each group's first byte.
    pub(crate) groups: Vec<(Vec<u8>, u64)>,
    pub(crate) ends: u64,
}

/// The bit masks of a straight path of 1 to 64 characters (see the runtime's `Short`).
fn short_masks(path: &[runtime::Segment], sets: &[[u8; 256]]) -> Option<ShortMasks> {
    let steps: usize = path.iter().map(|s| usize::from(s.count)).sum();
    if !(1..=64).contains(&steps) {
        return None;
    }
    let mut masks = [0u64; 256];
    let mut ends = 0u64;
    let mut at = 0;
    for segment in path {
        let set = sets.get(usize::from(segment.set))?;
        for _ in 0..segment.count {
            for (mask, &member) in masks.iter_mut().zip(set) {
                if member != 0 {
                    *mask |= 1 << at;
                }
            }
            if segment.accepts {
                ends |= 1 << at;
            }
            at += 1;
        }
    }
    let mut groups: Vec<(Vec<u8>, u64)> = Vec::new();
    for (byte, &mask) in (0..=255u8).zip(&masks) {
        if mask == 0 {
            continue;
        }
        match groups.iter_mut().find(|(_, m)| *m == mask) {
            Some((bytes, _)) => bytes.push(byte),
            None => groups.push((vec![byte], mask)),
        }
    }
    Some(ShortMasks { groups, ends })
}

/// Parses `pattern`, or says why it is outside the supported subset.
pub(crate) fn parse(pattern: &str) -> Result<Node, String> {
    Parser {
        chars: pattern.chars().collect(),
        at: 0,
        depth: 0,
        lookaround: false,
    }
    .parse()
}

/// Parses `pattern` as [`parse`] does, with its lookarounds as [`Node::Look`]s.
pub(crate) fn parse_with_lookarounds(pattern: &str) -> Result<Node, String> {
    Parser {
        chars: pattern.chars().collect(),
        at: 0,
        depth: 0,
        lookaround: true,
    }
    .parse()
}

/// Compiles `pattern`, or says why it is outside the supported subset. Counted repetitions of
/// a character class (`[a-z]{1,63}`) become counters the matcher keeps beside its state, not a
/// state per count; where a class's counter could hold several values at once (`(a{2,5})*`, a
/// search that may restart inside the repetition), it keeps them as a counting set (see
/// [`sets`]). A counted group whose counter could is rewritten where that provably or
/// checkably matches the same values (see [`simplify`]: a body that holds two iterations in a
/// row, a group after a `.*` or a search, `(A*B){0,m}` with `A ⊆ B`), else unrolled.
pub fn compile(pattern: &str) -> Result<Tables, String> {
    compile_node(parse(pattern)?)
}

/// Compiles a parsed pattern (see [`compile`]).
pub(crate) fn compile_node(mut node: Node) -> Result<Tables, String> {
    searched(&mut node);
    if short_sequence(&node)
        && let Ok(plain) = compile_unrolled_node(&node)
        && plain.path().is_some()
    {
        // A straight path the matcher checks with bit masks, faster than counting. (Where a
        // repetition overlaps what follows it, `[a-z0-9-]{0,61}[a-z0-9]`, unrolling makes no
        // path but a state per count: that counts.)
        return Ok(plain);
    }
    // Counted groups whose iterations overlap, rewritten to match the same values without
    // them where that is checked to hold (see [`simplify`]): a small automaton is taken as it
    // is; else the smaller of the two.
    let Some(simpler) = simplify::simplify(&node, !starts_anchored(&node)) else {
        return compile_turned(&node);
    };
    match compile_turned(&simpler) {
        Ok(tables) if tables.states() <= SIMPLE_ENOUGH => Ok(tables),
        simpler => smaller(compile_turned(&node), simpler),
    }
}

/// A rewritten pattern's automaton of at most this many states is used without compiling
/// the pattern as written (which may unroll a group into thousands).
const SIMPLE_ENOUGH: usize = 100;

/// The automaton with fewer states of two compilations of the same pattern (the first if
/// neither has fewer), or the one that compiled.
fn smaller(
    first: Result<Tables, String>,
    second: Result<Tables, String>,
) -> Result<Tables, String> {
    match (first, second) {
        (Ok(first), Ok(second)) if second.states() < first.states() => Ok(second),
        (Err(_), Ok(second)) => Ok(second),
        (first, _) => first,
    }
}

/// [`compile_counted`], and where a group whose last part may end an iteration or go on,
/// `([0-9a-z][_-]?){1,63}`, counts turned around (see [`rotate`]), the smaller automaton.
fn compile_turned(node: &Node) -> Result<Tables, String> {
    let tables = compile_counted(node);
    match rotate(node) {
        Some(rotated) => smaller(tables, compile_counted(&rotated)),
        None => tables,
    }
}

/// Compiles `node` with its counted repetitions as counters, except those that would be
/// ambiguous, which become counting sets (classes) or are unrolled (groups, or past the sets'
/// limits); where any are, unrolling them all may make fewer states.
fn compile_counted(node: &Node) -> Result<Tables, String> {
    // The counted repetitions (by their order in the pattern) that are counting sets where
    // they can be, and those unrolled after all.
    let (mut sets, mut unrolled) = (BTreeSet::new(), BTreeSet::new());
    // Where more repetitions want counters than there are, the ones with the fewest counts are
    // unrolled (which ones is a matter of size only: any unrolling matches the same values).
    let mut choices = 0;
    let counted = loop {
        match build(node, true, &unrolled, &sets) {
            Ok(tables) => break Some(tables),
            Err(Failure::Ambiguous(repeat)) if sets.insert(repeat) => {}
            Err(Failure::Ambiguous(repeat)) if unrolled.insert(repeat) => {}
            Err(Failure::TooMany(mut wanted)) if choices < 4 => {
                choices += 1;
                wanted.sort_by_key(|&(repeat, count)| (count, repeat));
                let excess = wanted.len() - MAX_COUNTERS;
                unrolled.extend(wanted.iter().take(excess).map(|&(repeat, _)| repeat));
            }
            Err(_) => break None,
        }
    };
    match counted {
        // Counters beside repetitions unrolled for ambiguity, or counting sets, can make more
        // states than unrolling them all: the smaller automaton wins.
        Some(tables) if unrolled.is_empty() && sets.is_empty() => Ok(tables),
        counted => {
            let plain = compile_unrolled_node(node);
            match (counted, plain) {
                (Some(counted), Ok(plain)) if plain.states() <= counted.states() => Ok(plain),
                (Some(counted), _) => Ok(counted),
                (None, plain) => plain,
            }
        }
    }
}

/// Compiles `pattern` with every counted repetition unrolled into states (the form before
/// counters; tests compare the two).
pub fn compile_unrolled(pattern: &str) -> Result<Tables, String> {
    compile_unrolled_node(&parse(pattern)?)
}

fn compile_unrolled_node(node: &Node) -> Result<Tables, String> {
    build(node, false, &BTreeSet::new(), &BTreeSet::new()).map_err(|failure| match failure {
        Failure::Refused(why) => why,
        Failure::Ambiguous(_) | Failure::TooMany(_) => unreachable!("no counters"),
    })
}

/// Whether `node` is a sequence of classes and bounded repetitions of classes at most 64
/// characters long (with anchors): unrolled, its automaton is a straight path.
fn short_sequence(node: &Node) -> bool {
    fn sequence(node: &Node) -> bool {
        match node {
            Node::Empty | Node::Start | Node::End | Node::Class(_) => true,
            Node::Concat(items) => items.iter().all(sequence),
            Node::Repeat { node, max, .. } => max.is_some() && matches!(**node, Node::Class(_)),
            Node::Alt(_) | Node::Look(_) => false,
        }
    }
    sequence(node) && lengths(node).1.is_some_and(|longest| longest <= 64)
}

/// Turns each counted group `(AR){min,max}` around (its first part `A` taking a character,
/// no anchors): `A(RA){min-1,max-1}R` matches the same, and where after `R` an iteration may
/// have ended or go on (`([0-9a-z][_-]?){1,63}`, `(\.[0-9]+){0,126}`), each iteration of `RA`
/// ends plainly, at its `A`. (With `min` 0, that or nothing.) `None` if there is none.
fn rotate(node: &Node) -> Option<Node> {
    match node {
        Node::Concat(items) | Node::Alt(items) => {
            let turned: Vec<Option<Node>> = items.iter().map(rotate).collect();
            if turned.iter().all(Option::is_none) {
                return None;
            }
            let items = turned
                .into_iter()
                .zip(items)
                .map(|(turned, item)| turned.unwrap_or_else(|| item.clone()))
                .collect();
            Some(match node {
                Node::Concat(_) => Node::Concat(items),
                _ => Node::Alt(items),
            })
        }
        Node::Repeat {
            node: body,
            min,
            max,
        } => {
            let inner = rotate(body);
            let now = inner.as_ref().unwrap_or(body);
            if let Node::Concat(items) = now
                && let [first, _, ..] = items.as_slice()
                && max.unwrap_or(*min) > UNROLLED_COUNTS + 1
                && lengths(first).0 >= 1
                && !has_anchor(now)
                && size(now, MAX_TURNED) <= MAX_TURNED
            {
                let rest = items[1..].to_vec();
                let mut again = rest.clone();
                again.push(first.clone());
                let once = Node::Concat(vec![
                    first.clone(),
                    Node::Repeat {
                        node: Box::new(Node::Concat(again)),
                        min: min.saturating_sub(1),
                        max: max.map(|max| max - 1),
                    },
                    Node::Concat(rest),
                ]);
                return Some(match min {
                    0 => Node::Alt(vec![Node::Empty, once]),
                    _ => once,
                });
            }
            inner.map(|body| Node::Repeat {
                node: Box::new(body),
                min: *min,
                max: *max,
            })
        }
        Node::Empty | Node::Class(_) | Node::Start | Node::End | Node::Look(_) => None,
    }
}

/// The largest group [`rotate`] turns around, in nodes: turning copies the group's parts, so
/// nested groups could otherwise double at every level.
const MAX_TURNED: usize = 256;

/// The number of nodes in `node`, counted up to a little past `cap`.
fn size(node: &Node, cap: usize) -> usize {
    match node {
        Node::Concat(items) | Node::Alt(items) => {
            let mut total = 1;
            for item in items {
                if total > cap {
                    break;
                }
                total += size(item, cap - total);
            }
            total
        }
        Node::Repeat { node, .. } => 1 + size(node, cap.saturating_sub(1)),
        Node::Empty | Node::Class(_) | Node::Start | Node::End | Node::Look(_) => 1,
    }
}

/// Whether `node` has a `^` or a `$`.
fn has_anchor(node: &Node) -> bool {
    match node {
        Node::Start | Node::End => true,
        Node::Concat(items) | Node::Alt(items) => items.iter().any(has_anchor),
        Node::Repeat { node, .. } => has_anchor(node),
        Node::Empty | Node::Class(_) | Node::Look(_) => false,
    }
}

/// Only whether a pattern matches somewhere counts: a repetition that a match may start with
/// (where the pattern does not say `^`) or end with (where it does not say `$`) matches where
/// its minimum does, so its maximum goes (`\d{1,12}x` searches as `\dx`).
fn searched(node: &mut Node) {
    fn edge(node: &mut Node, first: bool) {
        match node {
            Node::Repeat {
                node: body,
                min,
                max,
            } if !has_anchor(body) => *max = Some(*min),
            Node::Concat(items) => {
                let item = if first {
                    items.first_mut()
                } else {
                    items.last_mut()
                };
                if let Some(item) = item {
                    edge(item, first);
                }
            }
            Node::Alt(items) => items.iter_mut().for_each(|item| edge(item, first)),
            _ => {}
        }
    }
    edge(node, true);
    edge(node, false);
}

/// Why a pattern did not compile: outside what the automaton takes, or a counted repetition
/// (by its order in the pattern) whose counter could hold two counts at once.
enum Failure {
    Refused(String),
    Ambiguous(usize),
    /// More counted repetitions than `MAX_COUNTERS` would be counters: those past it were
    /// unrolled. Each that got or wanted a counter, by its order in the pattern, with its
    /// largest count.
    TooMany(Vec<(usize, u32)>),
}

impl From<String> for Failure {
    fn from(why: String) -> Failure {
        Failure::Refused(why)
    }
}

impl From<&str> for Failure {
    fn from(why: &str) -> Failure {
        Failure::Refused(why.to_string())
    }
}

fn build(
    node: &Node,
    counted: bool,
    unrolled: &BTreeSet<usize>,
    sets: &BTreeSet<usize>,
) -> Result<Tables, Failure> {
    let mut nfa = Nfa {
        counted,
        unrolled: unrolled.clone(),
        sets: sets.clone(),
        ..Nfa::default()
    };
    let accept = nfa.add();
    let anchored = starts_anchored(node);
    let entry = nfa.build(node, accept)?;
    if nfa.wanted.len() > MAX_COUNTERS {
        return Err(Failure::TooMany(nfa.wanted));
    }
    let start = if anchored {
        entry
    } else {
        // Search semantics: any prefix may be skipped.
        let skip = nfa.add();
        nfa.states[skip].chars.push((vec![(0, MAX_CHAR)], skip));
        nfa.states[skip].eps.push((Edge::Plain, entry));
        skip
    };
    nfa.accept = accept;
    nfa.enclosing = vec![0; nfa.states.len()];
    for (c, counter) in nfa.counters.iter().enumerate() {
        if let Some(group) = &counter.group {
            for s in group.body.clone() {
                nfa.enclosing[s] |= 1 << c;
            }
        }
    }
    let mut tables = determinize(&nfa, start)?;
    tables.bounds = node_bounds(node, anchored);
    tables.unrolled = nfa.unrolled_count;
    Ok(tables)
}

/// Whether `node` has a `$`.
fn has_end(node: &Node) -> bool {
    match node {
        Node::End => true,
        Node::Concat(items) | Node::Alt(items) => items.iter().any(has_end),
        Node::Repeat { node, .. } => has_end(node),
        Node::Empty | Node::Start | Node::Class(_) | Node::Look(_) => false,
    }
}

/// True when every alternative starts with `^`, so no skipping prefix is needed.
fn starts_anchored(node: &Node) -> bool {
    match node {
        Node::Start => true,
        Node::Concat(items) => items.first().is_some_and(starts_anchored),
        Node::Alt(items) => !items.is_empty() && items.iter().all(starts_anchored),
        _ => false,
    }
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
    /// Lookarounds become [`Node::Look`]s (else they are refused).
    lookaround: bool,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn parse(mut self) -> Result<Node, String> {
        let node = self.disjunction()?;
        if self.at != self.chars.len() {
            return Err(format!(
                "unexpected {:?} at {}",
                self.chars[self.at], self.at
            ));
        }
        Ok(node)
    }

    fn disjunction(&mut self) -> Result<Node, String> {
        let mut alternatives = vec![self.alternative()?];
        while self.eat('|') {
            alternatives.push(self.alternative()?);
        }
        Ok(if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Node::Alt(alternatives)
        })
    }

    fn alternative(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.term()?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.remove(0),
            _ => Node::Concat(items),
        })
    }

    fn term(&mut self) -> Result<Node, String> {
        if self.eat('^') {
            return Ok(Node::Start);
        }
        if self.eat('$') {
            return Ok(Node::End);
        }
        let atom = self.atom()?;
        if matches!(atom, Node::Look(_)) {
            // ECMA-262 forbids quantified lookarounds in Unicode mode: leave any to the engine.
            return match self.peek() {
                Some('*' | '+' | '?' | '{') => {
                    Err("a quantified lookaround is not compiled".into())
                }
                _ => Ok(atom),
            };
        }
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.at += 1;
                // Leaves `at` on the `}`, which the common step below passes.
                self.bounds()?
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        // Lazy quantifiers match the same strings as greedy ones when only existence matters.
        self.eat('?');
        if max.is_some_and(|max| max < min) {
            return Err("quantifier range out of order".into());
        }
        if min > MAX_REPEAT || max.is_some_and(|max| max > MAX_REPEAT) {
            return Err(format!(
                "repetition counts above {MAX_REPEAT} are not compiled"
            ));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// `{n}`, `{n,}`, `{n,m}` after the `{`; leaves `at` on the `}`.
    fn bounds(&mut self) -> Result<(u32, Option<u32>), String> {
        let number = |p: &mut Self| -> Result<u32, String> {
            let start = p.at;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.at += 1;
            }
            let digits: String = p.chars[start..p.at].iter().collect();
            digits
                .parse::<u32>()
                .map_err(|_| "bad quantifier".to_string())
        };
        let min = number(self)?;
        let max = if self.eat(',') {
            if self.peek() == Some('}') {
                None
            } else {
                Some(number(self)?)
            }
        } else {
            Some(min)
        };
        if self.peek() != Some('}') {
            return Err("unclosed quantifier".into());
        }
        Ok((min, max))
    }

    fn atom(&mut self) -> Result<Node, String> {
        let c = self.peek().ok_or("unexpected end")?;
        self.at += 1;
        match c {
            '.' => Ok(Node::Class(negate(&[
                (0x0a, 0x0a),
                (0x0d, 0x0d),
                (0x2028, 0x2029),
            ]))),
            '(' => {
                let open = self.at - 1;
                // (lookbehind, negated) for a lookaround.
                let look = if !self.eat('?') || self.eat(':') {
                    None
                } else {
                    let behind = self.eat('<');
                    if self.eat('=') {
                        Some((behind, false))
                    } else if self.eat('!') {
                        Some((behind, true))
                    } else {
                        return Err("named groups are not compiled".into());
                    }
                };
                if look.is_some() && !self.lookaround {
                    return Err("lookaround is not compiled here".into());
                }
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(format!(
                        "groups nested deeper than {MAX_DEPTH} are not compiled"
                    ));
                }
                let inner = self.disjunction()?;
                self.depth -= 1;
                if !self.eat(')') {
                    return Err("unclosed group".into());
                }
                Ok(match look {
                    Some((behind, negated)) => Node::Look(Box::new(Look {
                        behind,
                        negated,
                        node: inner,
                        span: open..self.at,
                    })),
                    None => inner,
                })
            }
            '[' => self.class(),
            '\\' => self.escape(false).map(Node::Class),
            '*' | '+' | '?' | '{' | '}' | ']' | ')' => Err(format!("unexpected {c:?}")),
            c => Ok(Node::Class(vec![(c as u32, c as u32)])),
        }
    }

    /// After a `\`: a class escape, or a single character.
    fn escape(&mut self, in_class: bool) -> Result<Ranges, String> {
        let c = self.peek().ok_or("dangling escape")?;
        self.at += 1;
        let single = |c: u32| Ok(vec![(c, c)]);
        match c {
            'd' => Ok(digit()),
            'D' => Ok(negate(&digit())),
            'w' => Ok(word()),
            'W' => Ok(negate(&word())),
            's' => Ok(space()),
            'S' => Ok(negate(&space())),
            't' => single(0x09),
            'n' => single(0x0a),
            'v' => single(0x0b),
            'f' => single(0x0c),
            'r' => single(0x0d),
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => single(0),
            'b' if in_class => single(0x08),
            'x' => self.hex(2).map(|v| vec![(v, v)]),
            'u' => {
                let code = if self.eat('{') {
                    let start = self.at;
                    while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                        self.at += 1;
                    }
                    let digits: String = self.chars[start..self.at].iter().collect();
                    if !self.eat('}') {
                        return Err("unclosed \\u{".into());
                    }
                    u32::from_str_radix(&digits, 16).map_err(|_| "bad \\u{}".to_string())?
                } else {
                    let high = self.hex(4)?;
                    // A surrogate pair written as two escapes is one code point.
                    if (0xD800..=0xDBFF).contains(&high)
                        && self.chars.get(self.at) == Some(&'\\')
                        && self.chars.get(self.at + 1) == Some(&'u')
                    {
                        let save = self.at;
                        self.at += 2;
                        match self.hex(4) {
                            Ok(low) if (0xDC00..=0xDFFF).contains(&low) => {
                                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                            }
                            _ => {
                                self.at = save;
                                high
                            }
                        }
                    } else {
                        high
                    }
                };
                if (0xD800..=0xDFFF).contains(&code) {
                    return Err("lone surrogate escapes are not compiled".into());
                }
                if code > MAX_CHAR {
                    return Err(format!("\\u{{{code:x}}} is beyond Unicode"));
                }
                single(code)
            }
            '^' | '$' | '\\' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|'
            | '/' => single(c as u32),
            '-' if in_class => single('-' as u32),
            other => Err(format!("escape \\{other} is not compiled")),
        }
    }

    fn hex(&mut self, digits: usize) -> Result<u32, String> {
        let text: String = self
            .chars
            .get(self.at..self.at + digits)
            .ok_or("short hex escape")?
            .iter()
            .collect();
        if !text.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err("bad hex escape".into());
        }
        self.at += digits;
        u32::from_str_radix(&text, 16).map_err(|_| "bad hex escape".to_string())
    }

    /// After `[`.
    fn class(&mut self) -> Result<Node, String> {
        let negated = self.eat('^');
        let mut ranges = Vec::new();
        loop {
            let c = self.peek().ok_or("unclosed class")?;
            if c == ']' {
                self.at += 1;
                break;
            }
            let low = self.class_atom()?;
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                self.at += 1;
                let high = self.class_atom()?;
                match (low.as_slice(), high.as_slice()) {
                    ([(a, b)], [(c, d)]) if a == b && c == d && a <= c => ranges.push((*a, *c)),
                    _ => return Err("invalid class range".into()),
                }
            } else {
                ranges.extend(low);
            }
        }
        let ranges = normalize(ranges);
        Ok(Node::Class(if negated { negate(&ranges) } else { ranges }))
    }

    fn class_atom(&mut self) -> Result<Ranges, String> {
        let c = self.peek().ok_or("unclosed class")?;
        self.at += 1;
        if c == '\\' {
            self.escape(true)
        } else {
            Ok(vec![(c as u32, c as u32)])
        }
    }
}

fn digit() -> Ranges {
    vec![('0' as u32, '9' as u32)]
}

fn word() -> Ranges {
    normalize(vec![
        ('0' as u32, '9' as u32),
        ('A' as u32, 'Z' as u32),
        ('_' as u32, '_' as u32),
        ('a' as u32, 'z' as u32),
    ])
}

/// ECMA-262 `\s`: white space and line terminators.
fn space() -> Ranges {
    normalize(vec![
        (0x09, 0x0d),
        (0x20, 0x20),
        (0xa0, 0xa0),
        (0x1680, 0x1680),
        (0x2000, 0x200a),
        (0x2028, 0x2029),
        (0x202f, 0x202f),
        (0x205f, 0x205f),
        (0x3000, 0x3000),
        (0xfeff, 0xfeff),
    ])
}

fn normalize(mut ranges: Ranges) -> Ranges {
    ranges.sort();
    let mut out: Ranges = Vec::new();
    for (a, b) in ranges {
        match out.last_mut() {
            Some((_, end)) if a <= end.saturating_add(1) => *end = (*end).max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The complement within Unicode scalar values (surrogates never occur in Rust strings).
fn negate(ranges: &[(u32, u32)]) -> Ranges {
    let mut out = Vec::new();
    let mut next = 0u32;
    for &(a, b) in &normalize(ranges.to_vec()) {
        if a > next {
            out.push((next, a - 1));
        }
        next = b + 1;
    }
    if next <= MAX_CHAR {
        out.push((next, MAX_CHAR));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Edge {
    Plain,
    /// `^`: only at the start of the input.
    Start,
    /// `$`: only at the end.
    End,
}

#[derive(Default)]
struct State {
    eps: Vec<(Edge, usize)>,
    chars: Vec<(Ranges, usize)>,
    /// The counter this state counts with: it loops on its class while its count allows and
    /// leaves (to the counter's `next`) once the count has reached the minimum.
    counter: Option<usize>,
    /// The counted group repetition this state is the hub of: entered from outside, the
    /// repetition starts afresh; while the count allows, it moves into the group's body and,
    /// once the count has reached the minimum, on to the counter's `next`.
    hub: Option<usize>,
    /// The counted group repetition whose body ends here: reaching this state completes an
    /// iteration (one more to the count) and moves on as the hub does.
    completes: Option<usize>,
}

/// A counted repetition, `C{min,max}` of a character class or `(…){min,max}` of a group: its
/// count lives beside the automaton's state instead of a state per count. A class's is one NFA
/// state counting the characters it has taken; a group's counts the iterations its body has
/// completed.
struct Counter {
    min: u32,
    max: Option<u32>,
    /// The class's looping state, or the group's hub.
    state: usize,
    next: usize,
    /// The repetition's place in the pattern (among counted repetitions).
    repeat: usize,
    /// For a group: its body.
    group: Option<Group>,
    /// For a counting set (a class counter that may hold several counts at once): its slot
    /// among the matcher's sets.
    slot: Option<u8>,
}

/// The body of a counted group repetition: the NFA states built for it (a range, as they are
/// built in one go), the first of them entered, and the state that completes an iteration.
struct Group {
    entry: usize,
    body: std::ops::Range<usize>,
}

impl Counter {
    /// Which of the count's ranges `count` is in: below the minimum (0), from the minimum up to
    /// below the maximum (1), at the maximum (2). The automaton's states tell these apart; the
    /// count itself lives beside the state.
    fn region(&self, count: u32) -> u8 {
        if count < self.min {
            0
        } else if self.max.is_some_and(|max| count >= max) {
            2
        } else {
            1
        }
    }

    /// The region of a fresh entry's count 0: a counting set's region bit, else the region.
    fn fresh_region(&self) -> u8 {
        match self.slot {
            Some(_) => sets::region(0, self.min, self.max),
            None => self.region(0),
        }
    }

    /// Whether a count in `region` (a counting set's region bits) may leave the repetition.
    fn past_min(&self, region: u8) -> bool {
        match self.slot {
            Some(_) => sets::past_min(region),
            None => region >= 1,
        }
    }

    /// Whether a count in `region` (a counting set's region bits) may take one more.
    fn below_max(&self, region: u8) -> bool {
        match self.slot {
            Some(_) => sets::below_max(region),
            None => region < 2,
        }
    }
}

/// A counter live in a DFA state: the region of its count (a counting set's: the bits of the
/// regions its counts are in), and what the step into the state did to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Active {
    counter: usize,
    region: u8,
    kind: Kind,
    /// For a counting set that the step added to: the regions (below the maximum) its counts
    /// were in before, which tell the regions they may be in now.
    from: u8,
}

/// What a step did to a live counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    /// The repetition was entered afresh: its count is 0.
    Fresh,
    /// One more character (a class's) or completed iteration (a group's).
    Added,
    /// The step stayed inside a group's iteration: the count is unchanged.
    Kept,
    /// A counting set's counts took one more character and the repetition was entered afresh
    /// too: 0 joined them.
    AddedFresh,
}

/// Repetitions counted up to this many stay unrolled: a few states each, and stepping through
/// them is faster than counting (Version's three `\d{0,2}` counted took 3.8 times less than
/// regress, unrolled 9 times).
const UNROLLED_COUNTS: u32 = 4;

/// The most counters a pattern may use (the matcher keeps their counts in an array).
const MAX_COUNTERS: usize = runtime::COUNTERS;

#[derive(Default)]
struct Nfa {
    states: Vec<State>,
    accept: usize,
    /// Whether counted repetitions of a class become counters (else they are unrolled).
    counted: bool,
    /// Those that do not, by their order in the pattern.
    unrolled: BTreeSet<usize>,
    /// Those that are counting sets where they can be (class counters, counts within the
    /// runtime's `SET_LIMIT`, `SETS` of them at most), else unrolled.
    sets: BTreeSet<usize>,
    /// How many counting sets have been built.
    slots: u8,
    /// How many counted repetitions have been built.
    repeats: usize,
    /// The largest count of a repetition unrolled past `UNROLLED_COUNTS` (see
    /// [`Tables::unrolled`]).
    unrolled_count: u32,
    /// The counted repetitions that got or wanted a counter (past `MAX_COUNTERS`, they are
    /// unrolled), with their largest counts.
    wanted: Vec<(usize, u32)>,
    counters: Vec<Counter>,
    /// Per state, a bit for each counted group repetition whose body holds it.
    enclosing: Vec<u32>,
}

impl Nfa {
    fn add(&mut self) -> usize {
        self.states.push(State::default());
        self.states.len() - 1
    }

    /// Builds `node` so that it continues to `next`; returns its entry state.
    fn build(&mut self, node: &Node, next: usize) -> Result<usize, String> {
        if self.states.len() > MAX_NFA {
            return Err("the pattern expands too far".into());
        }
        Ok(match node {
            Node::Look(_) => {
                return Err("a lookaround is compiled only right after `^` or before `$`".into());
            }
            Node::Empty => next,
            Node::Class(ranges) => {
                let s = self.add();
                self.states[s].chars.push((ranges.clone(), next));
                s
            }
            Node::Start | Node::End => {
                let s = self.add();
                let edge = if matches!(node, Node::Start) {
                    Edge::Start
                } else {
                    Edge::End
                };
                self.states[s].eps.push((edge, next));
                s
            }
            Node::Concat(items) => {
                let mut entry = next;
                for item in items.iter().rev() {
                    entry = self.build(item, entry)?;
                }
                entry
            }
            Node::Alt(items) => {
                let s = self.add();
                for item in items {
                    let entry = self.build(item, next)?;
                    self.states[s].eps.push((Edge::Plain, entry));
                }
                s
            }
            Node::Repeat { node, min, max } => {
                // A group is counted when each iteration takes at least one character and has
                // no `$` (an iteration completes only on a character, never in a closure).
                let countable = match &**node {
                    Node::Class(_) => true,
                    body => lengths(body).0 >= 1 && !has_end(body),
                };
                if self.counted && countable && max.unwrap_or(*min) > UNROLLED_COUNTS {
                    let repeat = self.repeats;
                    self.repeats += 1;
                    // A counting set where one is asked for and can be; else unrolled.
                    let fits = matches!(**node, Node::Class(_))
                        && max.unwrap_or(*min) <= u32::from(runtime::SET_LIMIT)
                        && usize::from(self.slots) < runtime::SETS;
                    let wants =
                        !self.unrolled.contains(&repeat) && (fits || !self.sets.contains(&repeat));
                    if wants {
                        self.wanted.push((repeat, max.unwrap_or(*min)));
                    }
                    // Past the counters there are, unrolled (`build` then reports how many
                    // wanted one, for a choice of which to unroll).
                    if wants && self.counters.len() < MAX_COUNTERS {
                        let slot = self.sets.contains(&repeat).then(|| {
                            self.slots += 1;
                            self.slots - 1
                        });
                        let c = self.counters.len();
                        let s = self.add();
                        self.counters.push(Counter {
                            min: *min,
                            max: *max,
                            state: s,
                            next,
                            repeat,
                            group: None,
                            slot,
                        });
                        if let Node::Class(ranges) = &**node {
                            self.states[s].chars.push((ranges.clone(), s));
                            self.states[s].counter = Some(c);
                        } else {
                            self.states[s].hub = Some(c);
                            let completes = self.add();
                            self.states[completes].completes = Some(c);
                            let first = self.states.len();
                            let entry = self.build(node, completes)?;
                            self.counters[c].group = Some(Group {
                                entry,
                                body: first..self.states.len(),
                            });
                        }
                        return Ok(s);
                    }
                }
                if max.unwrap_or(*min) > UNROLLED_COUNTS {
                    self.unrolled_count = self.unrolled_count.max(max.unwrap_or(*min));
                }
                // Optional tail first: either unbounded (a loop) or `max - min` optional copies.
                let mut entry = match max {
                    None => {
                        let hub = self.add();
                        let body = self.build(node, hub)?;
                        self.states[hub].eps.push((Edge::Plain, body));
                        self.states[hub].eps.push((Edge::Plain, next));
                        hub
                    }
                    Some(max) => {
                        let mut entry = next;
                        for _ in *min..*max {
                            let choice = self.add();
                            let body = self.build(node, entry)?;
                            self.states[choice].eps.push((Edge::Plain, body));
                            self.states[choice].eps.push((Edge::Plain, next));
                            entry = choice;
                        }
                        entry
                    }
                };
                for _ in 0..*min {
                    entry = self.build(node, entry)?;
                }
                entry
            }
        })
    }

    /// Epsilon closure of `seeds` and of the class counters in `preset` (their states, at the
    /// given regions), as sorted state numbers and the live counters; `^` edges are followed
    /// only at the start, `$` edges never. A counter state or a group's hub reached by an
    /// epsilon move is entered afresh (count 0). A group's iteration that completes adds one to
    /// the count the group had in `prev` (the live counters of the state the step left), and one
    /// the step stays inside keeps it. Fails when a counter would hold two counts at once: a
    /// group whose iteration both completes and goes on, or is both entered afresh and under
    /// way. `marks` is scratch space as long as the NFA, reused between calls.
    fn close(
        &self,
        seeds: impl IntoIterator<Item = usize>,
        preset: &[Active],
        prev: &[Active],
        at_start: bool,
        marks: &mut Marks,
    ) -> Result<(Vec<usize>, Vec<Active>), Failure> {
        marks.next();
        let mut seen = Vec::new();
        let mut active: Vec<Active> = preset.to_vec();
        // Each state with the groups whose hub the path to it passed (the bits of `enclosing`):
        // inside such a group's body the path is a new iteration, elsewhere in it the one under
        // way.
        let mut stack: Vec<(usize, u32)> = Vec::new();
        for a in preset {
            let counter = &self.counters[a.counter];
            self.visit(counter.state, 0, marks)?;
            self.under_way(counter.state, 0, prev, &mut active)?;
            seen.push(counter.state);
            if counter.past_min(a.region) {
                stack.push((counter.next, 0));
            }
        }
        stack.extend(seeds.into_iter().map(|s| (s, 0)));
        while let Some((s, via)) = stack.pop() {
            let state = &self.states[s];
            if let Some(c) = state.counter {
                let counter = &self.counters[c];
                let fresh = Active {
                    counter: c,
                    region: counter.fresh_region(),
                    kind: Kind::Fresh,
                    from: 0,
                };
                match active.iter_mut().find(|a| a.counter == c) {
                    Some(a) if *a == fresh => {}
                    // A counting set takes the count 0 beside those that go on.
                    Some(a) if counter.slot.is_some() => {
                        a.region |= fresh.region;
                        if a.kind == Kind::Added {
                            a.kind = Kind::AddedFresh;
                        }
                        if counter.past_min(fresh.region) {
                            stack.push((counter.next, via));
                        }
                    }
                    Some(_) => return Err(Failure::Ambiguous(counter.repeat)),
                    None => active.push(fresh),
                }
                if !self.visit(s, via, marks)? {
                    continue;
                }
                self.under_way(s, via, prev, &mut active)?;
                seen.push(s);
                if counter.past_min(fresh.region) {
                    stack.push((counter.next, via));
                }
                continue;
            }
            let (c, entered) = match (state.hub, state.completes) {
                (Some(c), _) => (c, None),
                (None, Some(c)) => {
                    let repeat = self.counters[c].repeat;
                    let before = prev.iter().find(|a| a.counter == c);
                    (c, Some(before.ok_or(Failure::Ambiguous(repeat))?.region))
                }
                (None, None) => {
                    if !self.visit(s, via, marks)? {
                        continue;
                    }
                    seen.push(s);
                    if !state.chars.is_empty() {
                        self.under_way(s, via, prev, &mut active)?;
                    }
                    for &(edge, to) in &state.eps {
                        if edge == Edge::Plain || (edge == Edge::Start && at_start) {
                            stack.push((to, via));
                        }
                    }
                    continue;
                }
            };
            // A group's hub, entered afresh or after an iteration completed.
            let counter = &self.counters[c];
            let (region, kind) = match entered {
                None => (counter.region(0), Kind::Fresh),
                Some(region) => {
                    if self.visit(s, via, marks)? {
                        seen.push(s);
                    }
                    (region, Kind::Added)
                }
            };
            let live = Active {
                counter: c,
                region,
                kind,
                from: 0,
            };
            match active.iter().find(|a| a.counter == c) {
                Some(a) if *a == live => {}
                Some(_) => return Err(Failure::Ambiguous(counter.repeat)),
                None => active.push(live),
            }
            let hub = counter.state;
            if !self.visit(hub, via, marks)? {
                continue;
            }
            seen.push(hub);
            if let Some(group) = &counter.group {
                if region < 2 {
                    stack.push((group.entry, via | (1 << c)));
                }
                if region >= 1 {
                    stack.push((counter.next, via));
                }
            }
        }
        seen.sort_unstable();
        active.sort_unstable();
        Ok((seen, active))
    }

    /// Marks `s` reached by a path that passed the hubs `via`; false if it already was. Fails
    /// when it was by a path that disagrees on whether a group around `s` is in a new iteration.
    fn visit(&self, s: usize, via: u32, marks: &mut Marks) -> Result<bool, Failure> {
        let level = via & self.enclosing.get(s).copied().unwrap_or(0);
        match marks.visit(s, level) {
            None => Ok(true),
            Some(earlier) if earlier == level => Ok(false),
            Some(earlier) => {
                let c = (earlier ^ level).trailing_zeros() as usize;
                Err(Failure::Ambiguous(self.counters[c].repeat))
            }
        }
    }

    /// `s` takes characters: each group around it that the path to it did not enter by its hub
    /// is under way, its count unchanged from `prev`.
    fn under_way(
        &self,
        s: usize,
        via: u32,
        prev: &[Active],
        active: &mut Vec<Active>,
    ) -> Result<(), Failure> {
        let mut groups = self.enclosing.get(s).copied().unwrap_or(0) & !via;
        while groups != 0 {
            let c = groups.trailing_zeros() as usize;
            groups &= groups - 1;
            let repeat = self.counters[c].repeat;
            let before = prev
                .iter()
                .find(|a| a.counter == c)
                .ok_or(Failure::Ambiguous(repeat))?;
            let kept = Active {
                kind: Kind::Kept,
                ..*before
            };
            match active.iter().find(|a| a.counter == c) {
                Some(a) if *a == kept => {}
                Some(_) => return Err(Failure::Ambiguous(repeat)),
                None => active.push(kept),
            }
        }
        Ok(())
    }

    /// Whether the end of input can be accepted from `set` (following `$` edges too), its
    /// counters in `active`.
    fn accepts_at_end(
        &self,
        set: &[usize],
        active: &[Active],
        at_start: bool,
        marks: &mut Marks,
    ) -> bool {
        marks.next();
        // Each state with whether the path to it took a `$` edge: a group's hub reached so
        // is entered afresh, not at the count it has in `set`.
        let mut stack: Vec<(usize, bool)> = set.iter().map(|&s| (s, false)).collect();
        while let Some((s, ended)) = stack.pop() {
            if s == self.accept {
                return true;
            }
            let state = &self.states[s];
            if let Some(c) = state.hub.or(state.completes) {
                let counter = &self.counters[c];
                let live = active.iter().find(|a| a.counter == c && !ended);
                let region = live.map_or(counter.region(0), |a| a.region);
                if region >= 1 {
                    stack.push((counter.next, ended));
                }
                continue;
            }
            if marks.visit(s * 2 + usize::from(ended), 0).is_some() {
                continue;
            }
            if let Some(c) = state.counter {
                // The count in the set, or a fresh entry's 0, must have reached the minimum.
                let counter = &self.counters[c];
                let done = counter.min == 0
                    || active
                        .iter()
                        .any(|a| a.counter == c && counter.past_min(a.region));
                if done {
                    stack.push((counter.next, ended));
                }
                continue;
            }
            for &(edge, to) in &state.eps {
                if edge == Edge::Plain || (edge == Edge::Start && at_start) {
                    stack.push((to, ended));
                } else if edge == Edge::End {
                    stack.push((to, true));
                }
            }
        }
        false
    }
}

/// Which NFA states a closure has reached: a mark per state, valid for the current epoch only,
/// so that starting a new closure costs nothing, with the level it was reached at.
struct Marks {
    epoch: u32,
    marks: Vec<(u32, u32)>,
}

impl Marks {
    fn new(states: usize) -> Marks {
        Marks {
            epoch: 0,
            marks: vec![(0, 0); states],
        }
    }

    fn next(&mut self) {
        self.epoch += 1;
    }

    /// Marks `state` at `level`; the level it was marked at if it already was.
    fn visit(&mut self, state: usize, level: u32) -> Option<u32> {
        let (epoch, earlier) = self.marks[state];
        if epoch == self.epoch {
            return Some(earlier);
        }
        self.marks[state] = (self.epoch, level);
        None
    }
}

/// A fast hasher for the state sets (the Fx hash: rotate, xor, multiply per word); the keys
/// are our own small integers, so SipHash's resistance to chosen keys buys nothing here.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, word: usize) {
        self.write_u64(word as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

fn determinize(nfa: &Nfa, start: usize) -> Result<Tables, Failure> {
    // The alphabet: code-point intervals on which every transition agrees.
    let mut cuts = BTreeSet::from([0u32]);
    for state in &nfa.states {
        for (ranges, _) in &state.chars {
            for &(a, b) in ranges {
                cuts.insert(a);
                if b < MAX_CHAR {
                    cuts.insert(b + 1);
                }
            }
        }
    }
    let starts: Vec<u32> = cuts.into_iter().collect();
    let classes = starts.len();

    // Each DFA state is a set of NFA states with its live counters, and whether it is the
    // initial one (where `^` holds). Only non-initial sets are looked up: no transition leads
    // back to the start.
    type Key = (Vec<usize>, Vec<Active>);
    type Kernel = (Vec<usize>, Vec<Active>, Vec<Active>, bool);
    let mut ids: HashMap<Key, u16, BuildHasherDefault<FxHasher>> = HashMap::default();
    let mut marks = Marks::new(nfa.states.len());
    let mut sets: Vec<(Key, bool)> = vec![((Vec::new(), Vec::new()), false)]; // 0: dead
    sets.push((nfa.close([start], &[], &[], true, &mut marks)?, true));
    // What each state was closed from: the NFA states a step reached, the class counters that
    // took the character, the live counters of the state the step left, and whether it is the
    // initial one. A count reaching a bound closes the same again with the count's next region.
    let mut kernels: Vec<Kernel> = vec![
        (Vec::new(), Vec::new(), Vec::new(), false),
        (vec![start], Vec::new(), Vec::new(), true),
    ];
    // Interns a state reached by a step (or a count reaching a bound).
    let mut intern = |key: Key,
                      kernel: &dyn Fn() -> Kernel,
                      sets: &mut Vec<(Key, bool)>,
                      kernels: &mut Vec<Kernel>|
     -> Result<u16, Failure> {
        if key.0.is_empty() {
            return Ok(0);
        }
        if let Some(&id) = ids.get(&key) {
            return Ok(id);
        }
        if sets.len() >= MAX_STATES {
            return Err(format!("more than {MAX_STATES} automaton states").into());
        }
        let id = sets.len() as u16;
        ids.insert(key.clone(), id);
        sets.push((key, false));
        kernels.push(kernel());
        Ok(id)
    };
    let mut table: Vec<u16> = vec![0; classes]; // the dead state loops on itself
    let mut ops: Vec<Vec<Op>> = vec![Vec::new()];
    let mut next_unprocessed = 1;
    // A state's transitions, by the NFA states (and counters) they reach before closure:
    // intervals that reach the same ones share the closure and the lookup.
    let mut reached: Vec<(Key, u16)> = Vec::new();
    let mut targets: Vec<usize> = Vec::new();
    let mut added: Vec<Active> = Vec::new();
    while next_unprocessed < sets.len() {
        let (set, active) = std::mem::take(&mut sets[next_unprocessed].0);
        reached.clear();
        for &class_start in &starts {
            let holds = |ranges: &Ranges| {
                ranges
                    .iter()
                    .any(|&(a, b)| a <= class_start && class_start <= b)
            };
            targets.clear();
            added.clear();
            for &s in &set {
                let state = &nfa.states[s];
                match state.counter {
                    // A counter takes the character while below its maximum.
                    Some(c) => {
                        let counter = &nfa.counters[c];
                        let a = active.iter().find(|a| a.counter == c);
                        if let Some(&a) = a.filter(|a| counter.below_max(a.region))
                            && state.chars.iter().any(|(ranges, _)| holds(ranges))
                        {
                            added.push(match counter.slot {
                                // The counting set's regions after the step, as assumed (the
                                // matcher moves on from there if they are not).
                                Some(_) => {
                                    let from = a.region & (sets::BELOW | sets::WITHIN);
                                    Active {
                                        counter: c,
                                        region: sets::guess(from, counter.min, counter.max),
                                        kind: Kind::Added,
                                        from,
                                    }
                                }
                                None => Active {
                                    kind: Kind::Added,
                                    ..a
                                },
                            });
                        }
                    }
                    None => targets.extend(
                        state
                            .chars
                            .iter()
                            .filter(|(ranges, _)| holds(ranges))
                            .map(|&(_, to)| to),
                    ),
                }
            }
            if targets.is_empty() && added.is_empty() {
                table.push(0);
                continue;
            }
            if let Some((_, id)) = reached
                .iter()
                .find(|((t, a), _)| *t == targets && *a == added)
            {
                table.push(*id);
                continue;
            }
            let key = nfa.close(targets.iter().copied(), &added, &active, false, &mut marks)?;
            let kernel = || (targets.clone(), added.clone(), active.clone(), false);
            let id = intern(key, &kernel, &mut sets, &mut kernels)?;
            reached.push(((targets.clone(), added.clone()), id));
            table.push(id);
        }
        // What entering the state does to its counters: a fresh entry starts at 0; a count
        // reaching a bound moves to the state where it has (closed again from the same NFA
        // states with the counter in its next region); a group's iteration under way changes
        // nothing.
        let mut state_ops = Vec::new();
        for a in &active {
            let counter = &nfa.counters[a.counter];
            if let Some(slot) = counter.slot {
                // A counting set: restarted, or its counts go on (then the matcher moves to the
                // state closed with the regions they turn out to be in), and 0 may join them.
                let set_op = |action| Op {
                    counter: a.counter as u8,
                    // Within `SET_LIMIT`.
                    bound: counter.min as u16,
                    then: 0,
                    set: Some(SetOp { slot, action }),
                };
                if a.kind == Kind::Fresh {
                    state_ops.push(set_op(SetAction::Restart));
                    continue;
                }
                let (seeds, preset, prev, at_start) = kernels[next_unprocessed].clone();
                let assumed = preset
                    .iter()
                    .find(|p| p.counter == a.counter)
                    .map(|p| p.region);
                let mut rows = [0u16; runtime::SHIFT_MAX];
                for regions in sets::shifted(a.from, counter.min, counter.max) {
                    if Some(regions) == assumed {
                        continue;
                    }
                    let preset: Vec<Active> = preset
                        .iter()
                        .map(|b| match b.counter == a.counter {
                            true => Active {
                                region: regions,
                                ..*b
                            },
                            false => *b,
                        })
                        .collect();
                    let key =
                        nfa.close(seeds.iter().copied(), &preset, &prev, at_start, &mut marks)?;
                    let kernel = || (seeds.clone(), preset.clone(), prev.clone(), at_start);
                    rows[usize::from(regions)] = intern(key, &kernel, &mut sets, &mut kernels)?;
                }
                state_ops.push(set_op(SetAction::Shift {
                    rows,
                    insert: a.kind == Kind::AddedFresh,
                }));
                continue;
            }
            let bound = match (a.kind, a.region, counter.max) {
                (Kind::Kept, _, _) => continue,
                (Kind::Fresh, _, _) => {
                    state_ops.push(Op {
                        counter: a.counter as u8,
                        bound: 0,
                        then: 0,
                        set: None,
                    });
                    continue;
                }
                (Kind::Added, 0, _) => counter.min,
                (Kind::Added, 1, Some(max)) => max,
                _ => continue,
            };
            let region = counter.region(bound);
            let bump = |live: &[Active]| -> Vec<Active> {
                live.iter()
                    .map(|b| match b.counter == a.counter {
                        true => Active { region, ..*b },
                        false => *b,
                    })
                    .collect()
            };
            let (seeds, preset, prev, at_start) = &kernels[next_unprocessed];
            let kernel = (seeds.clone(), bump(preset), bump(prev), *at_start);
            let key = nfa.close(
                kernel.0.iter().copied(),
                &kernel.1,
                &kernel.2,
                kernel.3,
                &mut marks,
            )?;
            let then = intern(key, &|| kernel.clone(), &mut sets, &mut kernels)?;
            state_ops.push(Op {
                counter: a.counter as u8,
                bound: u16::try_from(bound).map_err(|_| "a count beyond 16 bits")?,
                then,
                set: None,
            });
        }
        ops.push(state_ops);
        sets[next_unprocessed].0 = (set, active);
        next_unprocessed += 1;
    }
    let accept = sets
        .iter()
        .map(|((set, _), _)| set.contains(&nfa.accept))
        .collect();
    // Marks for a state reached with and without a `$` edge.
    let mut marks = Marks::new(nfa.states.len() * 2);
    let accept_at_end = sets
        .iter()
        .map(|((set, active), at_start)| nfa.accepts_at_end(set, active, *at_start, &mut marks))
        .collect();
    // Intervals whose column is the same in every state are one class.
    let states = sets.len();
    let mut columns: Vec<Vec<u16>> = Vec::new();
    let mut interval_class = Vec::with_capacity(classes);
    for interval in 0..classes {
        let column: Vec<u16> = (0..states).map(|s| table[s * classes + interval]).collect();
        let class = match columns.iter().position(|c| *c == column) {
            Some(class) => class,
            None => {
                columns.push(column);
                columns.len() - 1
            }
        };
        interval_class.push(u8::try_from(class).map_err(|_| "more than 256 character classes")?);
    }
    let merged = columns.len();
    // Rows are `classes + 2` cells wide (the info and run-length cells); after them, each
    // counting set's shift has nine cells (see the runtime's `Op`).
    let shifts = ops.iter().flatten().filter(|op| op.is_shift()).count();
    if states * (merged + 2) + SHIFT_CELLS * shifts >= usize::from(runtime::MATCHED) {
        return Err(
            format!("{states} states × {merged} classes do not fit the 16-bit tables").into(),
        );
    }
    let table = (0..states)
        .flat_map(|s| columns.iter().map(move |column| column[s]))
        .collect();
    let mut ascii = [0u8; 128];
    for (c, class) in ascii.iter_mut().enumerate() {
        *class = interval_class[starts.partition_point(|&s| s <= c as u32) - 1];
    }
    Ok(Tables {
        start: 1,
        starts,
        interval_class,
        classes: merged,
        ascii,
        table,
        accept,
        accept_at_end,
        ops,
        counters: nfa
            .counters
            .iter()
            .map(|counter| (counter.min, counter.max))
            .collect(),
        bounds: (0, None),
        unrolled: 0,
    })
}

/// The shortest and longest (`None`: unbounded) value the pattern accepts, in characters:
/// exact from the states of an automaton without counters, else from the pattern's syntax.
pub fn length_bounds(tables: &Tables) -> (usize, Option<usize>) {
    if !tables.counters.is_empty() {
        return tables.bounds;
    }
    let classes = tables.classes;
    let states = tables.states();
    let successors = |s: usize| {
        (0..classes)
            .map(move |c| usize::from(tables.table[s * classes + c]))
            .filter(|&t| t != 0)
    };
    let accepting = |s: usize| tables.accept[s] || tables.accept_at_end[s];
    // Shortest: breadth-first search from the start.
    let start = usize::from(tables.start);
    let mut distance = vec![usize::MAX; states];
    distance[start] = 0;
    let mut queue = std::collections::VecDeque::from([start]);
    let mut shortest = None;
    while let Some(s) = queue.pop_front() {
        if accepting(s) && shortest.is_none() {
            shortest = Some(distance[s]);
        }
        for t in successors(s) {
            if distance[t] == usize::MAX {
                distance[t] = distance[s] + 1;
                queue.push_back(t);
            }
        }
    }
    let Some(shortest) = shortest else {
        return (usize::MAX, Some(0));
    };
    // Longest: unbounded once a state that has matched (anything may follow) or a cycle that
    // can still reach acceptance is reachable; else the longest path in the DAG.
    let reachable: Vec<bool> = distance.iter().map(|&d| d != usize::MAX).collect();
    let mut can_accept = vec![false; states];
    let mut changed = true;
    while changed {
        changed = false;
        for s in 0..states {
            if !can_accept[s] && (accepting(s) || successors(s).any(|t| can_accept[t])) {
                can_accept[s] = true;
                changed = true;
            }
        }
    }
    if (0..states).any(|s| reachable[s] && tables.accept[s]) {
        return (shortest, None);
    }
    // Longest path over the states that are reachable and can still accept, in topological
    // order (Kahn); a cycle among them means unbounded.
    let useful: Vec<bool> = (0..states).map(|s| reachable[s] && can_accept[s]).collect();
    let mut incoming = vec![0usize; states];
    for s in (0..states).filter(|&s| useful[s]) {
        for t in successors(s).filter(|&t| useful[t]) {
            incoming[t] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..states)
        .filter(|&s| useful[s] && incoming[s] == 0)
        .collect();
    let mut longest_to = vec![None::<usize>; states];
    longest_to[start] = Some(0);
    let mut ordered = 0;
    let mut best = None::<usize>;
    while let Some(s) = ready.pop() {
        ordered += 1;
        if let Some(length) = longest_to[s].filter(|_| tables.accept_at_end[s]) {
            best = Some(best.map_or(length, |b| b.max(length)));
        }
        for t in successors(s).filter(|&t| useful[t]) {
            if let Some(length) = longest_to[s] {
                longest_to[t] = Some(longest_to[t].map_or(length + 1, |l| l.max(length + 1)));
            }
            incoming[t] -= 1;
            if incoming[t] == 0 {
                ready.push(t);
            }
        }
    }
    if ordered < useful.iter().filter(|&&u| u).count() {
        return (shortest, None);
    }
    (shortest, best)
}

/// The shortest and longest (`None`: unbounded) text `node` itself matches.
fn lengths(node: &Node) -> (usize, Option<usize>) {
    match node {
        Node::Empty | Node::Start | Node::End | Node::Look(_) => (0, Some(0)),
        Node::Class(_) => (1, Some(1)),
        Node::Concat(items) => items.iter().map(lengths).fold((0, Some(0)), |a, b| {
            (
                a.0.saturating_add(b.0),
                a.1.zip(b.1).map(|(x, y)| x.saturating_add(y)),
            )
        }),
        Node::Alt(items) => {
            let all: Vec<_> = items.iter().map(lengths).collect();
            let shortest = all.iter().map(|l| l.0).min().unwrap_or(0);
            let longest = all.iter().try_fold(0, |m, l| l.1.map(|x| x.max(m)));
            (shortest, longest)
        }
        Node::Repeat { node, min, max } => {
            let (low, high) = lengths(node);
            let longest = match (high, max) {
                (Some(0), _) => Some(0),
                (Some(high), Some(max)) => Some(high.saturating_mul(*max as usize)),
                _ => None,
            };
            (low.saturating_mul(*min as usize), longest)
        }
    }
}

/// The shortest and longest (`None`: unbounded) value `node` admits, read from its syntax: a
/// search (`anchored` false) or a pattern that may end before the value does admits any
/// longer value too. Anchors in odd places may make the real language smaller.
fn node_bounds(node: &Node, anchored: bool) -> (usize, Option<usize>) {
    fn ends_anchored(node: &Node) -> bool {
        match node {
            Node::End => true,
            Node::Concat(items) => items.last().is_some_and(ends_anchored),
            Node::Alt(items) => !items.is_empty() && items.iter().all(ends_anchored),
            _ => false,
        }
    }
    let (shortest, longest) = lengths(node);
    let longest = longest.filter(|_| anchored && ends_anchored(node));
    (shortest, longest)
}

/// Characters worth trying against a pattern: every alphabet boundary and its neighbours, plus
/// ASCII and non-ASCII samples (accents, astral, Unicode spaces and line terminators).
pub fn interesting_chars(tables: &Tables) -> Vec<char> {
    let mut chars: BTreeSet<char> = "aZ09 _-.:/@\t\né🍔\u{3000}\u{2028}\u{a0}\u{feff}"
        .chars()
        .collect();
    for &start in &tables.starts {
        for c in [start.wrapping_sub(1), start, start + 1] {
            if let Some(c) = char::from_u32(c) {
                chars.insert(c);
            }
        }
    }
    chars.into_iter().collect()
}

/// The number of distinct alphabet classes actually used (for reports).
pub fn describe(tables: &Tables) -> String {
    let sets = tables
        .ops
        .iter()
        .flatten()
        .filter_map(|op| op.set.map(|set| set.slot))
        .collect::<BTreeSet<u8>>()
        .len();
    let counters = match (tables.counters.len(), sets) {
        (0, _) => String::new(),
        (1, 0) => ", 1 counter".to_string(),
        (1, _) => ", 1 counter (a counting set)".to_string(),
        (n, 0) => format!(", {n} counters"),
        (n, 1) => format!(", {n} counters (1 a counting set)"),
        (n, sets) => format!(", {n} counters ({sets} counting sets)"),
    };
    format!(
        "{} states, {} character classes{counters}",
        tables.states(),
        tables.classes
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn straight_paths_of_at_most_64_characters_get_bit_masks() {
        let uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
        let runtime = compile(uuid).expect("compiles").runtime();
        let short = runtime.short.expect("a 36-character path");
        assert_eq!(short.ends, 1 << 35);
        assert_eq!(
            short.groups,
            vec![
                (b"-".to_vec(), (1 << 8) | (1 << 13) | (1 << 18) | (1 << 23)),
                (
                    b"0123456789abcdef".to_vec(),
                    ((1u64 << 36) - 1) & !((1 << 8) | (1 << 13) | (1 << 18) | (1 << 23))
                ),
            ]
        );
        // KmsKeyId: a path of 2049 characters counts instead (no path, no masks).
        let kms = compile("^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$").expect("compiles");
        let runtime = kms.runtime();
        assert!(runtime.path.is_empty() && runtime.short.is_none());
        assert_eq!(kms.counters, vec![(0, Some(2048))]);
        assert!(kms.is_match(&"a".repeat(2049)));
        assert!(!kms.is_match(&"a".repeat(2050)));
        // Unrolled, it is the straight path of segments.
        let unrolled = compile_unrolled("^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$")
            .expect("compiles")
            .runtime();
        assert!(!unrolled.path.is_empty() && unrolled.short.is_none());
    }

    fn matches(pattern: &str, value: &str) -> bool {
        compile(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e}"))
            .is_match(value)
    }

    #[test]
    fn anchors_and_search() {
        assert!(matches("\\d", "ab1c"));
        assert!(!matches("^\\d", "ab1c"));
        assert!(matches("^[a-z]+$", "abc"));
        assert!(!matches("^[a-z]+$", "abc1"));
        assert!(matches("b$", "ab"));
        assert!(!matches("b$", "ba"));
        assert!(matches("^$", ""));
        assert!(!matches("^$", "x"));
        assert!(matches("", "anything"));
    }

    #[test]
    fn classes_escapes_and_quantifiers() {
        assert!(matches("^[0-9A-Za-z\\.\\-_]*$", "my-bucket.v2_x"));
        assert!(!matches("^[0-9A-Za-z\\.\\-_]*$", "my bucket"));
        assert!(matches("^\\S*$", ""));
        assert!(!matches("^\\S*$", "a\u{3000}b"));
        assert!(matches("^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$", "10.255"));
        assert!(!matches("^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$", "01.2"));
        assert!(matches("^a{2,3}$", "aaa"));
        assert!(!matches("^a{2,3}$", "aaaa"));
        assert!(matches("^[^abc]+$", "xyz"));
        assert!(matches("^\\u00e9.$", "é🍔"));
        assert!(matches("^[\\uD83C\\uDF54]$", "🍔"));
        assert!(!matches("^.$", "\n"));
    }

    #[test]
    fn length_bounds_of_anchored_and_searching_patterns() {
        let bounds = |p: &str| length_bounds(&compile(p).expect("compiles"));
        assert_eq!(
            bounds("^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$"),
            (1, Some(2049))
        );
        assert_eq!(bounds("^[0-9A-Za-z\\.\\-_]*$"), (0, None));
        assert_eq!(bounds("^[0-9a-f]{8}-[0-9a-f]{4}$"), (13, Some(13)));
        assert_eq!(bounds("\\d"), (1, None));
    }

    pub(crate) mod against_regress {
        use super::super::*;
        use proptest::prelude::*;

        /// Patterns of the default model and every fixture, some tricky ones of our own, and
        /// every model in the directory `PATTERN_MODELS` names (CI: `../shared/models`).
        pub(crate) fn patterns() -> Vec<String> {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let mut files = vec![root.join("model/rekognition.json")];
            let mut dirs = vec![root.join("tests/fixtures")];
            if let Ok(extra) = std::env::var("PATTERN_MODELS") {
                dirs.push(root.join(extra));
            }
            for dir in dirs {
                for entry in
                    std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                {
                    files.push(entry.expect("entry").path());
                }
            }
            let mut patterns: BTreeSet<String> = [
                "^(a|ab)(c|bcd)(d*)$",
                "x*y+z?",
                "^[^\\s]{2,4}$",
                "[\\u00e9-\\u00ff]+\\.\\d",
                "^$|^.{3}$",
                "(?:ab){2}|ba",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            for file in files
                .iter()
                .filter(|f| f.extension().is_some_and(|e| e == "json"))
            {
                let text = std::fs::read_to_string(file).expect("readable");
                let value: serde_json::Value = serde_json::from_str(&text).expect("json");
                collect_patterns(&value, &mut patterns);
            }
            patterns.into_iter().collect()
        }

        fn collect_patterns(value: &serde_json::Value, out: &mut BTreeSet<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    for (k, v) in map {
                        match (k.as_str(), v) {
                            ("smithy.api#pattern", serde_json::Value::String(p)) => {
                                out.insert(p.clone());
                            }
                            _ => collect_patterns(v, out),
                        }
                    }
                }
                serde_json::Value::Array(items) => {
                    items.iter().for_each(|v| collect_patterns(v, out))
                }
                _ => {}
            }
        }

        /// Blocks of repeated characters of `alphabet`, each `run` long: they cross the
        /// matcher's scanned runs at every boundary (a chain's end, a loop's exit, a
        /// non-ASCII character inside).
        fn blocks(
            alphabet: &[char],
            run: std::ops::Range<usize>,
        ) -> impl Strategy<Value = String> + use<> {
            prop::collection::vec((prop::sample::select(alphabet.to_vec()), run), 1..5).prop_map(
                |blocks| {
                    blocks
                        .into_iter()
                        .flat_map(|(c, n)| std::iter::repeat_n(c, n))
                        .collect::<String>()
                },
            )
        }

        /// Walks of up to `steps` transitions through `tables` (characters of `alphabet`),
        /// which reach deep states, with an optional stray character at the end.
        fn walks(
            tables: &Tables,
            alphabet: &[char],
            steps: usize,
        ) -> impl Strategy<Value = String> + use<> {
            let mut by_class: Vec<Vec<char>> = vec![Vec::new(); tables.classes];
            for &c in alphabet {
                let interval = tables.starts.partition_point(|&s| s <= c as u32) - 1;
                by_class[usize::from(tables.interval_class[interval])].push(c);
            }
            let t = tables.clone();
            (
                prop::collection::vec(any::<u32>(), 0..steps),
                prop::option::of(prop::sample::select(alphabet.to_vec())),
            )
                .prop_map(move |(choices, stray)| {
                    let mut state = usize::from(t.start);
                    let mut value = String::new();
                    for choice in choices {
                        let live: Vec<usize> = (0..t.classes)
                            .filter(|&c| t.table[state * t.classes + c] != 0)
                            .filter(|&c| !by_class[c].is_empty())
                            .collect();
                        let Some(&class) = live.get(choice as usize % live.len().max(1)) else {
                            break;
                        };
                        let chars = &by_class[class];
                        value.push(chars[(choice as usize / 7) % chars.len()]);
                        state = usize::from(t.table[state * t.classes + class]);
                    }
                    value.extend(stray);
                    value
                })
        }

        /// Sizes over every pattern (`PATTERN_MODELS=../shared/models-all` for the official
        /// models) that is an automaton in a generated crate (not straight code): how many,
        /// how many have more than 100 states, the states in all and the largest.
        /// `AUTOMATON_SIZES=FILE` also writes each one's states. A report, not a check: `cargo
        /// test -p codegen --lib automaton_sizes --release -- --ignored --nocapture`.
        #[test]
        #[ignore]
        fn automaton_sizes() {
            let mut automata = 0;
            let mut large = Vec::new();
            let mut total = 0;
            // Automata with a repetition unrolled into a state per count, by its count.
            let mut unrolled = Vec::new();
            let mut lines = String::new();
            let all = patterns();
            for pattern in &all {
                if crate::scan::plan(pattern).is_some() {
                    continue;
                }
                let Ok(tables) = compile(pattern) else {
                    continue;
                };
                automata += 1;
                total += tables.states();
                if tables.unrolled > 0 {
                    unrolled.push((tables.unrolled, tables.states(), pattern.clone()));
                }
                lines.push_str(&format!("{}\t{}\n", tables.states(), pattern));
                if tables.states() > 100 {
                    large.push((tables.states(), pattern.clone()));
                }
            }
            large.sort();
            for (states, pattern) in &large {
                println!("{states:6} {pattern}");
            }
            println!(
                "{} patterns, {automata} automata: {} over 100 states, {total} states in all, largest {}",
                all.len(),
                large.len(),
                large.last().map_or(0, |l| l.0)
            );
            unrolled.sort();
            for (count, states, pattern) in &unrolled {
                println!("unrolled {count:5} counts, {states:5} states: {pattern}");
            }
            println!(
                "{} automata unroll a repetition of more than {UNROLLED_COUNTS} counts, \
                 the largest {}",
                unrolled.len(),
                unrolled.last().map_or(0, |u| u.0)
            );
            if let Ok(file) = std::env::var("AUTOMATON_SIZES") {
                std::fs::write(file, lines).expect("writable");
            }
        }

        /// The patterns that take longest to compile, with their times (the default model's,
        /// the fixtures' and `PATTERN_MODELS`'s). A report, not a check: `cargo test -p
        /// codegen --lib --release pattern_compile_times -- --ignored --nocapture`.
        #[test]
        #[ignore]
        fn pattern_compile_times() {
            let mut times: Vec<(std::time::Duration, String)> = patterns()
                .into_iter()
                .filter(|pattern| crate::scan::plan(pattern).is_none())
                .map(|pattern| {
                    let start = std::time::Instant::now();
                    let _ = compile(&pattern);
                    (start.elapsed(), pattern)
                })
                .collect();
            times.sort();
            let total: std::time::Duration = times.iter().map(|t| t.0).sum();
            for (time, pattern) in times.iter().rev().take(15) {
                println!("{:8.2} ms {pattern}", time.as_secs_f64() * 1e3);
            }
            println!(
                "{} patterns compiled in {:.1} ms",
                times.len(),
                total.as_secs_f64() * 1e3
            );
        }

        /// Matching time of counted group repetitions against their unrolled automata and the
        /// ECMAScript engine. A report, not a check: `cargo test -p codegen --lib --release
        /// counted_group_speed -- --ignored --nocapture`.
        #[test]
        #[ignore]
        fn counted_group_speed() {
            let cases = [
                (
                    "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$",
                    "my-sagemaker-pipeline--name-2024-12-04-training-job-0001",
                ),
                ("^([0-9a-zA-Z][_-]?){1,63}$", "my_custom-model_v2-2024-12"),
                (
                    "^([0-2])\\.([0-9]|([0-3][0-9]))(\\.([0-9]+)){0,126}$",
                    "1.3.6.1.4.1.311.21.8.1234567.7654321",
                ),
            ];
            let time = |is_match: &dyn Fn(&str) -> bool, value: &str| {
                let rounds = 200_000;
                let start = std::time::Instant::now();
                for _ in 0..rounds {
                    assert!(is_match(std::hint::black_box(value)));
                }
                start.elapsed().as_nanos() as f64 / f64::from(rounds)
            };
            for (pattern, value) in cases {
                let counted = compile(pattern).expect("compiles");
                let unrolled = compile_unrolled(pattern).expect("compiles");
                let (c, u) = (counted.runtime(), unrolled.runtime());
                let (cm, um) = (counted.matcher(&c), unrolled.matcher(&u));
                let regex = regress::Regex::with_flags(pattern, "u").expect("valid");
                println!(
                    "{pattern} on {} characters: counted ({} states) {:.1} ns, unrolled ({} states) {:.1} ns, regress {:.1} ns",
                    value.len(),
                    counted.states(),
                    time(&|v| cm.is_match(v), value),
                    unrolled.states(),
                    time(&|v| um.is_match(v), value),
                    time(&|v| regex.find(v).is_some(), value),
                );
            }
        }

        /// Matching time of counting sets against the unrolled automaton (where it compiles)
        /// and the ECMAScript engine. A report, not a check: `cargo test -p codegen --lib
        /// --release counting_set_speed -- --ignored --nocapture`.
        #[test]
        #[ignore]
        fn counting_set_speed() {
            let cases = [
                (
                    "^https?:\\/\\/(www\\.)?[-a-zA-Z0-9@:%._\\+~#=]{1,256}\\.[a-zA-Z0-9()]{1,6}([-a-zA-Z0-9()@:%_\\+.~#?&\\/=]*)$",
                    "https://www.example-domain.com/some/path?x=1&y=2",
                ),
                (
                    "^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):iam::[0-9]{12}:(role|role\\/service-role)\\/[\\w+=,.@\\-/]{1,1000}$",
                    "arn:aws:iam::123456789012:role/service-role/my-pipeline-execution-role",
                ),
                (
                    "^[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12}|)$",
                    "anthropic.claude-3-5-sonnet-20240620-v1:0",
                ),
                (
                    "^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
                    "ou-ab12-cdefgh34",
                ),
                ("x[a-z]{5,1000}y", &"x".repeat(300)),
            ];
            let time = |is_match: &dyn Fn(&str) -> bool, value: &str| {
                let rounds = 100_000;
                let start = std::time::Instant::now();
                let mut matched = 0;
                for _ in 0..rounds {
                    matched += usize::from(is_match(std::hint::black_box(value)));
                }
                std::hint::black_box(matched);
                start.elapsed().as_nanos() as f64 / f64::from(rounds)
            };
            for (pattern, value) in cases {
                let counted = compile(pattern).expect("compiles");
                let c = counted.runtime();
                let cm = counted.matcher(&c);
                let regex = regress::Regex::with_flags(pattern, "u").expect("valid");
                assert_eq!(cm.is_match(value), regex.find(value).is_some(), "{pattern}");
                let unrolled = match compile_unrolled(pattern) {
                    Ok(unrolled) => {
                        let u = unrolled.runtime();
                        let um = unrolled.matcher(&u);
                        format!(
                            "unrolled ({} states) {:.1} ns",
                            unrolled.states(),
                            time(&|v| um.is_match(v), value)
                        )
                    }
                    Err(why) => format!("unrolled: {why}"),
                };
                println!(
                    "{pattern} on {} characters: counting sets ({} states) {:.1} ns, {unrolled}, regress {:.1} ns",
                    value.len(),
                    counted.states(),
                    time(&|v| cm.is_match(v), value),
                    time(&|v| regex.find(v).is_some(), value),
                );
            }
        }

        /// Every compiled pattern matches what the ECMAScript engine matches, on 500 values
        /// each (over every official model, `PATTERN_MODELS=../shared/models-all`, there are
        /// 4,000 patterns), with progress on stderr.
        ///
        /// The engine backtracks: on some values it takes longer than anyone waits, and a
        /// judgement cannot be stopped from inside the process. So the patterns go to worker
        /// processes (this test binary running [`pattern_worker`]), one per core; a worker
        /// that has not answered within [`PATIENCE`] is killed and the pattern is judged again
        /// on shorter values ([`CAPS`]). The patterns whose values were cut are listed.
        #[test]
        fn every_compiled_pattern_agrees_with_the_ecmascript_engine() {
            let all = patterns();
            let next = std::sync::atomic::AtomicUsize::new(0);
            let results = std::sync::Mutex::new(Judged::default());
            let began = std::time::Instant::now();
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(|| {
                        let mut worker = Worker::start(Mode::Faithful, PATIENCE);
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(pattern) = all.get(i) else {
                                break;
                            };
                            if i.is_multiple_of(500) && i > 0 {
                                eprintln!(
                                    "{i} of {} patterns after {:.0} s",
                                    all.len(),
                                    began.elapsed().as_secs_f64()
                                );
                            }
                            let verdict = worker.judge_with_patience(pattern);
                            results
                                .lock()
                                .expect("no thread failed")
                                .add(pattern, verdict);
                        }
                    });
                }
            });
            let judged = results.into_inner().expect("no thread failed");
            println!(
                "{} compiled patterns agree with the ECMAScript engine on 500 values each ({:.0} s)",
                judged.compiled,
                began.elapsed().as_secs_f64()
            );
            for (pattern, why) in &judged.cut {
                println!("  {why}: {pattern}");
            }
            assert!(
                judged.failed.is_empty(),
                "{} patterns disagree with the engine (their values above): {:#?}",
                judged.failed.len(),
                judged.failed
            );
            assert!(
                judged.compiled >= 10,
                "only {} patterns compiled",
                judged.compiled
            );
        }

        /// How long a worker may take over one pattern's 500 values.
        const PATIENCE: std::time::Duration = std::time::Duration::from_secs(20);

        /// The longest values tried: all of them ([`LONGEST`]), then shorter ones after a
        /// worker ran out of patience.
        const CAPS: [usize; 4] = [LONGEST, 256, 32, 12];

        /// The longest values the pattern tests draw: past every count in the models.
        const LONGEST: usize = 2101;

        #[test]
        fn a_worker_that_disagrees_with_the_engine_fails_the_pattern() {
            let mut worker = Worker::start(Mode::Negated, PATIENCE);
            assert!(matches!(
                worker.judge_with_patience("^[a-z]{2,40}$"),
                Verdict::Failed
            ));
            // The worker put in its place goes on judging.
            assert!(matches!(
                worker.judge_with_patience("^[a-z]+$"),
                Verdict::Failed
            ));
            let mut worker = Worker::start(Mode::Faithful, PATIENCE);
            assert!(matches!(
                worker.judge_with_patience("^[a-z]{2,40}$"),
                Verdict::Agreed { cap: LONGEST, .. }
            ));
            assert!(matches!(
                worker.judge_with_patience("^(?<=a)b"),
                Verdict::Skipped
            ));
        }

        #[test]
        fn a_pattern_the_engine_backtracks_on_for_minutes_is_judged_on_shorter_values() {
            // Over a run of letters and a stray `!`, the engine tries every way of splitting
            // the run into iterations: exponential in the run's length.
            let mut worker = Worker::start(Mode::Faithful, std::time::Duration::from_secs(1));
            match worker.judge_with_patience("^([A-Za-z](-|_|.)?)+$") {
                Verdict::Agreed { cap, .. } => assert!(cap < LONGEST, "{cap}"),
                _ => panic!("the pattern agrees on shorter values"),
            }
        }

        /// A worker's answer about one pattern.
        enum Verdict {
            /// Not compiled, or not taken by the engine.
            Skipped,
            /// Agreed on every value; how many were cut and at which length (see [`agree`]).
            Agreed { cut: usize, cap: usize },
            /// Disagreed on some value: the worker's panic (on stderr) names it.
            Failed,
            /// The engine took longer than [`PATIENCE`] even on the shortest values.
            TooSlow,
        }

        /// What the workers answered, over all patterns.
        #[derive(Default)]
        struct Judged {
            compiled: usize,
            /// Patterns some of whose values were cut, and how.
            cut: Vec<(String, String)>,
            failed: Vec<String>,
        }

        impl Judged {
            fn add(&mut self, pattern: &str, verdict: Verdict) {
                match verdict {
                    Verdict::Skipped => {}
                    Verdict::Agreed { cut, cap } => {
                        self.compiled += 1;
                        let why = if cap < LONGEST {
                            format!(
                                "values cut to {cap} characters (longer ones outlasted the patience)"
                            )
                        } else if cut > 0 {
                            format!("{cut} of 500 values cut where the engine took over 5 ms")
                        } else {
                            return;
                        };
                        self.cut.push((pattern.to_string(), why));
                    }
                    Verdict::Failed => self.failed.push(pattern.to_string()),
                    Verdict::TooSlow => self.failed.push(format!(
                        "{pattern} (the engine took over {PATIENCE:?} on values of {} characters)",
                        CAPS[CAPS.len() - 1]
                    )),
                }
            }
        }

        /// A worker process and the lines it answers with.
        struct Worker {
            child: std::process::Child,
            answers: std::sync::mpsc::Receiver<String>,
            mode: Mode,
            patience: std::time::Duration,
        }

        /// What a worker compares with the engine.
        #[derive(Clone, Copy)]
        enum Mode {
            /// The automaton.
            Faithful,
            /// The automaton's answers turned around: a broken automaton, to show that a
            /// disagreement fails the comparison.
            Negated,
        }

        impl Worker {
            fn start(mode: Mode, patience: std::time::Duration) -> Worker {
                use std::io::BufRead;
                let mut child =
                    std::process::Command::new(std::env::current_exe().expect("the test binary"))
                        .args([
                            "--exact",
                            "automaton::tests::against_regress::pattern_worker",
                            "--ignored",
                            "--nocapture",
                            "--test-threads=1",
                        ])
                        .env(
                            "PATTERN_WORKER",
                            match mode {
                                Mode::Faithful => "faithful",
                                Mode::Negated => "negated",
                            },
                        )
                        .stdin(std::process::Stdio::piped())
                        .stdout(std::process::Stdio::piped())
                        // A faithful worker's panic names the value it disagrees on; a
                        // negated one's is expected.
                        .stderr(match mode {
                            Mode::Faithful => std::process::Stdio::inherit(),
                            Mode::Negated => std::process::Stdio::null(),
                        })
                        .spawn()
                        .expect("the test binary starts");
                let stdout = child.stdout.take().expect("piped");
                let (send, answers) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    for line in std::io::BufReader::new(stdout).lines() {
                        let Ok(line) = line else { break };
                        // The first answer follows the harness's `test … ... ` on its line.
                        if let Some((_, answer)) = line.split_once("VERDICT ")
                            && send.send(answer.to_string()).is_err()
                        {
                            break;
                        }
                    }
                });
                Worker {
                    child,
                    answers,
                    mode,
                    patience,
                }
            }

            /// Ends this worker and starts a fresh one in its place.
            fn restart(&mut self) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                *self = Worker::start(self.mode, self.patience);
            }

            /// Judges `pattern` at each of [`CAPS`] until the worker answers in time.
            fn judge_with_patience(&mut self, pattern: &str) -> Verdict {
                for cap in CAPS {
                    match self.judge(pattern, cap) {
                        Some(verdict) => return verdict,
                        None => self.restart(),
                    }
                }
                Verdict::TooSlow
            }

            /// `None` when the worker did not answer within its patience.
            fn judge(&mut self, pattern: &str, cap: usize) -> Option<Verdict> {
                use std::io::Write;
                let request = format!("{cap}\t{}\n", serde_json::Value::from(pattern));
                let stdin = self.child.stdin.as_mut().expect("piped");
                let sent = stdin
                    .write_all(request.as_bytes())
                    .and_then(|()| stdin.flush());
                let answer = match sent {
                    Ok(()) => self.answers.recv_timeout(self.patience),
                    Err(_) => Err(std::sync::mpsc::RecvTimeoutError::Disconnected),
                };
                match answer {
                    Ok(answer) => Some(match answer.split_once(' ') {
                        Some(("agreed", cut)) => Verdict::Agreed {
                            cut: cut.parse().expect("a count"),
                            cap,
                        },
                        _ => Verdict::Skipped,
                    }),
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                    // The worker panicked: the pattern disagrees (its message is on stderr).
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        self.restart();
                        Some(Verdict::Failed)
                    }
                }
            }
        }

        impl Drop for Worker {
            fn drop(&mut self) {
                // Closing its input ends the worker.
                drop(self.child.stdin.take());
                let _ = self.child.wait();
            }
        }

        /// The worker [`every_compiled_pattern_agrees_with_the_ecmascript_engine`] starts:
        /// reads lines of `cap<TAB>pattern as a JSON string` from stdin and answers each with
        /// `VERDICT agreed <values cut>` or `VERDICT skipped` on stdout; panics on a value
        /// where the automaton and the engine disagree. `PATTERN_WORKER=negated` turns the
        /// automaton's answers around. Does nothing when run by hand.
        #[test]
        #[ignore]
        fn pattern_worker() {
            use std::io::BufRead;
            let negated = match std::env::var("PATTERN_WORKER").as_deref() {
                Ok("faithful") => false,
                Ok("negated") => true,
                _ => return,
            };
            for line in std::io::stdin().lock().lines() {
                let line = line.expect("readable");
                let (cap, pattern) = line.split_once('\t').expect("cap<TAB>pattern");
                let cap: usize = cap.parse().expect("a length");
                let pattern: String = serde_json::from_str(pattern).expect("a JSON string");
                match agrees_with_the_engine(&pattern, cap, negated) {
                    Some(cut) => println!("VERDICT agreed {cut}"),
                    None => println!("VERDICT skipped"),
                }
            }
        }

        /// Compares `pattern`'s automaton with the ECMAScript engine on 500 values of at most
        /// `cap` characters (panics on the first that differs); `None` if either does not
        /// take the pattern, else how many values were cut (see [`agree`]).
        fn agrees_with_the_engine(pattern: &str, cap: usize, negated: bool) -> Option<usize> {
            let tables = compile(pattern).ok()?;
            let regex = regress::Regex::with_flags(pattern, "u").ok()?;
            let runtime = tables.runtime();
            let matcher = tables.matcher(&runtime);
            let alphabet = interesting_chars(&tables);
            let random = prop::collection::vec(prop::sample::select(alphabet.clone()), 0..12)
                .prop_map(|chars| chars.into_iter().collect::<String>());
            let long = (
                prop::sample::select(alphabet.clone()),
                prop::sample::select(alphabet.clone()),
                0usize..LONGEST - 1,
                any::<bool>(),
            )
                .prop_map(|(first, rest, n, tail)| {
                    let mut s = String::from(first);
                    s.extend(std::iter::repeat_n(rest, n));
                    if tail {
                        s.push('!');
                    }
                    s
                });
            // Blocks of repeated characters cross the matcher's scanned runs at every
            // boundary: a chain's end, a loop's exit, a non-ASCII character inside.
            let blocks = blocks(&alphabet, 1..40);
            // Walks through the automaton itself reach deep states (a UUID's last group, a
            // counted repetition's bound), with an optional stray character at the end.
            let walks = walks(&tables, &alphabet, 120);
            let strategy = prop_oneof![4 => random, 1 => long, 2 => blocks, 3 => walks]
                .prop_map(move |value| value.chars().take(cap).collect::<String>());
            Some(agree(pattern, &regex, strategy, 500, |value| {
                matcher.is_match(value) != negated
            }))
        }

        /// The longest values (up to 2,101 characters) the ECMAScript engine judges promptly:
        /// a backtracking engine can take minutes on some patterns (`^(\w+\s?)*$` and kin) over
        /// a long run of one character, with or without a stray one after it, which is what
        /// this tries, at growing lengths, until one judgement takes over 20 ms. The automaton
        /// is linear; only the comparison needs the bound. The counting-set test, which
        /// compares in this process, caps its values with it before [`agree`] cuts them.
        fn engine_bound(regex: &regress::Regex, alphabet: &[char]) -> usize {
            const LENGTHS: [usize; 13] = [8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 2101];
            let mut fine = 0;
            for length in LENGTHS {
                // Eight first characters spread over the alphabet, every one after them.
                for &first in alphabet.iter().step_by((alphabet.len() / 8).max(1)) {
                    for &rest in alphabet {
                        let mut value = String::from(first);
                        value.extend(std::iter::repeat_n(rest, length - 2));
                        for tail in [rest, '!'] {
                            value.push(tail);
                            let started = std::time::Instant::now();
                            let _ = regex.find(&value);
                            if started.elapsed() > std::time::Duration::from_millis(20) {
                                return fine.max(4);
                            }
                            value.pop();
                        }
                    }
                }
                fine = length;
            }
            fine
        }

        /// Runs `is_match` and the ECMAScript engine on `cases` values drawn from `strategy`;
        /// panics on the first value where they differ. Returns how many values were cut.
        ///
        /// A backtracking engine can take minutes on some values: `^(\w+\s?)*$` and kin over
        /// a long run that fails at its end, a search over a value that almost matches
        /// everywhere. So each value is judged at growing lengths, its first 8, 10, 12, …
        /// characters with and without its last one after them, up to the whole value, and
        /// the judging stops where the engine took over 5 ms: the value is cut there rather
        /// than waited for. Every length judged is compared. The automaton is linear; only
        /// the engine needs this.
        pub(crate) fn agree(
            pattern: &str,
            regex: &regress::Regex,
            strategy: impl Strategy<Value = String>,
            cases: u32,
            is_match: impl Fn(&str) -> bool,
        ) -> usize {
            let cut = std::cell::Cell::new(0);
            let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
                failure_persistence: None,
                ..ProptestConfig::with_cases(cases)
            });
            runner
                .run(&strategy, |value| {
                    let chars: Vec<char> = value.chars().collect();
                    for (length, with_last) in growing(chars.len()) {
                        let mut judged: String = chars[..length].iter().collect();
                        if with_last {
                            judged.extend(chars.last());
                        }
                        let started = std::time::Instant::now();
                        let expected = regex.find(&judged).is_some();
                        let slow = started.elapsed() > std::time::Duration::from_millis(5);
                        prop_assert_eq!(is_match(&judged), expected, "{} on {:?}", pattern, judged);
                        if slow && length < chars.len() {
                            cut.set(cut.get() + 1);
                            break;
                        }
                    }
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
            cut.get()
        }

        /// The lengths [`agree`] judges a value of `n` characters at: 8, 10, … 32, then a
        /// quarter longer each time, each without and with the value's last character after
        /// it, then `n`. Small steps where an engine's time can grow exponentially with the
        /// length, so that a judgement past the limit overshoots it by a bounded factor.
        fn growing(n: usize) -> impl Iterator<Item = (usize, bool)> {
            std::iter::successors(Some(8), |&l: &usize| {
                Some(if l < 32 { l + 2 } else { l + l / 4 })
            })
            .take_while(move |&l| l < n)
            .flat_map(|l| [(l, false), (l, true)])
            .chain([(n, false)])
        }

        /// Every pattern that compiles with counters or shortened for a search
        /// (`PATTERN_MODELS=../shared/models-all`: every official one) matches exactly what its
        /// automaton as compiled before both (`compile_unrolled`) matches, on values
        /// that walk the unrolled automaton to its deep states (every count), long runs and
        /// random text. Both are linear, so this runs where the ECMAScript engine would
        /// backtrack for minutes on long values.
        #[test]
        fn every_counting_automaton_agrees_with_its_unrolled_form() {
            let mut counting = 0;
            for pattern in patterns() {
                let Ok(tables) = compile(&pattern) else {
                    continue;
                };
                // Those that count, and those a search shortened.
                let Ok(unrolled) = compile_unrolled(&pattern) else {
                    continue;
                };
                if tables == unrolled {
                    continue;
                }
                counting += 1;
                let runtime = tables.runtime();
                let matcher = tables.matcher(&runtime);
                let unrolled_runtime = unrolled.runtime();
                let unrolled_matcher = unrolled.matcher(&unrolled_runtime);
                let alphabet = interesting_chars(&unrolled);
                let walks = walks(&unrolled, &alphabet, 1200);
                let blocks = blocks(&alphabet, 0..1100);
                let random = prop::collection::vec(prop::sample::select(alphabet), 0..40)
                    .prop_map(|chars| chars.into_iter().collect::<String>());
                let strategy = prop_oneof![4 => walks, 2 => blocks, 1 => random];
                same_as_unrolled(&pattern, &matcher, &unrolled_matcher, &strategy);
            }
            println!(
                "{counting} counting or shortened automata agree with their unrolled forms on 300 values each"
            );
            // The default crate's model and the fixtures have two; the official models many.
            let least = if std::env::var_os("PATTERN_MODELS").is_some() {
                3
            } else {
                1
            };
            assert!(counting >= least, "only {counting} patterns count");
        }

        /// Counted repetitions inside groups and alternations, overlapping what follows them,
        /// restarting while they run (those are unrolled), several at once: the counting
        /// matcher agrees with the ECMAScript engine and with the unrolled automaton on random
        /// and hostile text and on runs around every bound.
        #[test]
        fn counters_agree_with_the_ecmascript_engine_and_with_unrolling() {
            let patterns = [
                "^[^\\x00]{1,20}\\.csv$",
                "^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,6})$",
                "^[a-z][a-z0-9-]{0,9}-[a-z0-9]{5}$",
                "^(a{2,5}|b{3,6}|[ab]{7})c?$",
                "^(x[a-c]{2,5}|[a-c]{4,6}y)+$",
                "^(ab|[a-z]{3,5}){2,3}$",
                "^([a-c]{2,}|c{5})d$",
                "^s3://([a-z0-9][a-z0-9-.]{1,6}[a-z0-9])(/(.{0,10}))?$",
                "\\(([a-z]{3,9}x|[0-9]{1,6}$)",
                ":([a-z:]{3,9}x|[0-9]{1,6}$)",
                "^role/[\\w/-]{1,12}$",
                "a{2,5}b{0,6}$",
                "^(?:[a-b]{1,3}:){2}[é🍔a]{2,5}$",
                "^\\*|[\\w\\-]{1,20}$",
                "^[a-z]{0,5}[a-z]{2,5}$",
                // Counted groups: each iteration's end is plain (an alphanumeric, a `.`, a `:`).
                "^[a-z0-9](-*[a-z0-9]){0,7}$",
                "^[a-z0-9](-*[a-z0-9]){2,7}$",
                "^([a-z0-9]+\\.){1,6}[a-z]{2,3}$",
                "^(?:[a-f0-9]{2}:){5}[a-f0-9]{2}$",
                "^[A-Za-z0-9]((\\.|-+)?[A-Za-z0-9]){0,9}$",
                "^(ab|cd|e){3,9}$",
                "^(é🍔|a){5,9}$",
                // Nested: counted groups and classes inside counted groups.
                "^((ab){2,6}c){1,5}$",
                "^(a(bc){0,5}d){2,6}$",
                "^([a-c]{5,9}\\.){2,6}$",
                "^(-{0,6}[a-z]){5,7}$",
                // Ambiguous: an iteration may end or go on (`a` of `ab`, `-*` after the letter),
                // so these are unrolled, or counted turned around (`[a-z](-*[a-z]){0,6}-*`).
                "^(a|ab){2,7}$",
                "^(a|ab){2,7}c$",
                "^([a-z]-*){0,7}$",
                "^([0-9a-z][-]?){1,7}-[0-9a-z]{3}$",
                "^([a-z][0-9]?-?){5,9}$",
                "^(ab?){0,6}$",
                "^(ab?){6,}c$",
                "^x(ab?){6,8}",
                "^([0-2])\\.([0-9]|([0-3][0-9]))(\\.([0-9]+)){0,7}$",
                "^(a[0-9]*b+){2,7}$",
                "^((ab){2,6}){2,5}$",
                "^(-*[a-z0-9-]){0,6}$",
                // Bodies that can be empty, and anchors inside: unrolled, or entered after a `$`.
                "^(a?b?){2,7}$",
                "^(a*){5,9}x$",
                "^(|ab){5,9}$",
                "(^a|b){5,8}c",
                "^(a$|b){5,8}",
                "(a|b$){5,9}",
                "x(^|y){5,7}",
                "^(a$|b)(cd){0,6}$",
                "^(a$|b)(cd){5,6}$",
                // Searches: the search restarts inside the repetition.
                "(ab){5,8}c",
                "[a-c](xy){5,9}",
                "x(ab){5,7}",
            ];
            for pattern in patterns {
                let regex = regress::Regex::with_flags(pattern, "u").expect("valid");
                let tables = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                let unrolled = compile_unrolled(pattern).expect("compiles");
                let runtime = tables.runtime();
                let matcher = tables.matcher(&runtime);
                let unrolled_runtime = unrolled.runtime();
                let unrolled_matcher = unrolled.matcher(&unrolled_runtime);
                let mut alphabet = interesting_chars(&tables);
                alphabet.extend("abcxyd-/.:()*0159é🍔\u{0}".chars());
                // Blocks of one character each, long enough to cross every bound.
                let blocks = prop::collection::vec(
                    (prop::sample::select(alphabet.clone()), 0usize..14),
                    1..6,
                )
                .prop_map(|blocks| {
                    blocks
                        .into_iter()
                        .flat_map(|(c, n)| std::iter::repeat_n(c, n))
                        .collect::<String>()
                });
                let random = prop::collection::vec(prop::sample::select(alphabet), 0..30)
                    .prop_map(|chars| chars.into_iter().collect::<String>());
                let hostile = "(\\PC|[\"\\\\\\x00-\\x1f])*";
                let strategy = prop_oneof![3 => blocks, 3 => random, 1 => hostile];
                agree(pattern, &regex, strategy, 2000, |value| {
                    let counted = matcher.is_match(value);
                    assert_eq!(
                        counted,
                        unrolled_matcher.is_match(value),
                        "{pattern} on {value:?}: counted and unrolled differ"
                    );
                    counted
                });
            }
        }

        /// Past `MAX_COUNTERS` counted repetitions, those with the fewest counts are unrolled
        /// and the rest keep their counters (before, every repetition was unrolled): Bedrock's
        /// model identifier (20 counted repetitions; 993 states, 1,146 unrolled) and a made
        /// pattern whose two long repetitions sit among sixteen short ones, each checked
        /// against the engine and against unrolling everything. Where the counters make more
        /// states than unrolling (Bedrock Runtime's identifier, 28: 3,692 against 1,393), the
        /// unrolled automaton stays.
        #[test]
        fn past_the_counters_the_repetitions_with_the_fewest_counts_are_unrolled() {
            let patterns = [
                "^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:(([0-9]{12}:custom-model/((imported)|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}))(([:][a-z0-9-]{1,63}){0,2})?/[a-z0-9]{12})|(([0-9]{12}:imported-model/[a-z0-9]{12}))|(:foundation-model/(([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})|([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})))))$|^(([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2}))$|^(([a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})))$",
                "^x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}y[d-w]{1,200}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}x[a-c]{5,6}y[d-w]{1,200}$",
            ];
            for pattern in patterns {
                let tables = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                let unrolled = compile_unrolled(pattern).map_or(usize::MAX, |t| t.states());
                assert!(
                    !tables.counters.is_empty() && tables.states() < unrolled,
                    "{pattern}: {} against {unrolled} unrolled",
                    describe(&tables),
                );
                agrees_with_the_engine_and_unrolling(pattern, &tables, usize::MAX);
            }
        }

        /// Panics where `matcher` (compiled from `pattern`) and `unrolled` (its unrolled
        /// automaton) differ on one of 300 values of `strategy`: both are linear, so values of
        /// any length are judged.
        fn same_as_unrolled(
            pattern: &str,
            matcher: &Matcher,
            unrolled: &Matcher,
            strategy: &impl Strategy<Value = String>,
        ) {
            let mut runner =
                proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
            runner
                .run(strategy, |value| {
                    prop_assert_eq!(
                        matcher.is_match(&value),
                        unrolled.is_match(&value),
                        "{} on {:?}: counted and unrolled differ",
                        pattern,
                        value
                    );
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
        }

        /// Compares `tables`, compiled from `pattern`, with the ECMAScript engine and with the
        /// unrolled automaton (where that compiles) on walks to every count, long runs of one
        /// character, values far longer than any maximum, random text, non-ASCII and NUL
        /// characters and hostile text (quotes, control characters); panics where they differ.
        /// The engine judges values of at most `engine_cap` characters (and its own bound, see
        /// [`engine_bound`]); the unrolled automaton, linear, judges them whole as well.
        fn agrees_with_the_engine_and_unrolling(pattern: &str, tables: &Tables, engine_cap: usize) {
            let regex = regress::Regex::with_flags(pattern, "u").expect("valid");
            let unrolled = compile_unrolled(pattern).ok();
            let runtime = tables.runtime();
            let matcher = tables.matcher(&runtime);
            let unrolled_runtime = unrolled.as_ref().map(Tables::runtime);
            let unrolled_matcher = unrolled
                .as_ref()
                .zip(unrolled_runtime.as_ref())
                .map(|(t, r)| t.matcher(r));
            let mut alphabet = interesting_chars(tables);
            alphabet.extend("abcxyz.:,-/0159é🍔\u{0}".chars());
            let walks = walks(unrolled.as_ref().unwrap_or(tables), &alphabet, 1100);
            let long = blocks(&alphabet, 0..1100);
            let short = blocks(&alphabet, 0..14);
            let random = prop::collection::vec(prop::sample::select(alphabet.clone()), 0..30)
                .prop_map(|chars| chars.into_iter().collect::<String>());
            let hostile = "(\\PC|[\"\\\\\\x00-\\x1f])*";
            let cap = engine_bound(&regex, &alphabet).min(engine_cap);
            let strategy =
                prop_oneof![3 => walks, 2 => long, 3 => short, 2 => random, 1 => hostile];
            if let Some(unrolled) = &unrolled_matcher {
                same_as_unrolled(pattern, &matcher, unrolled, &strategy);
            }
            let strategy =
                strategy.prop_map(move |value| value.chars().take(cap).collect::<String>());
            agree(pattern, &regex, strategy, 600, |value| {
                let counted = matcher.is_match(value);
                if let Some(unrolled) = &unrolled_matcher {
                    assert_eq!(
                        counted,
                        unrolled.is_match(value),
                        "{pattern} on {value:?}: counted and unrolled differ"
                    );
                }
                counted
            });
            // Far longer than any maximum: the counting and unrolled automata alone.
            if let Some(unrolled) = &unrolled_matcher {
                for c in &alphabet {
                    for tail in ["", "a", ".", ":", "y", "🍔"] {
                        let value = format!("{}{tail}", c.to_string().repeat(2100));
                        assert_eq!(
                            matcher.is_match(&value),
                            unrolled.is_match(&value),
                            "{pattern} on 2100 × {c:?} then {tail:?}"
                        );
                    }
                }
            }
        }

        /// Counted repetitions of a class that may hold several counts at once (followed by a
        /// member of their own class, restarted by a search, overlapping another count, inside
        /// a loop, minimum 0, maximum 1,000 and more): compiled with counting sets, they agree
        /// with the ECMAScript engine and with their unrolled automaton (where that compiles)
        /// on long runs of one character, values far longer than the maximum, non-ASCII and NUL
        /// characters, and walks to every count.
        #[test]
        fn counting_sets_agree_with_the_ecmascript_engine_and_with_unrolling() {
            let patterns = [
                // The official models' largest automata before counting sets.
                "^https?:\\/\\/(www\\.)?[-a-zA-Z0-9@:%._\\+~#=]{1,256}\\.[a-zA-Z0-9()]{1,6}([-a-zA-Z0-9()@:%_\\+.~#?&\\/=]*)$",
                "^arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):iam::[0-9]{12}:(role|role\\/service-role)\\/[\\w+=,.@\\-/]{1,1000}$",
                "^[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12}|)$",
                "^(r-[0-9a-z]{4,32})|(\\d{12})|(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$",
                "^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}|arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}$",
                // Followed by a member of their own class.
                "^[a-z.]{1,10}\\.[a-z]{1,3}$",
                "^(www\\.)?[a-z.]{2,8}\\.[a-z]{2,4}$",
                "^[0-9.]{1,8}\\.[0-9]{5,8}$",
                "^[ab]{5,}a[ab]{3}$",
                "^[a-z]{5,7}[a-z]{5,7}$",
                "^[a-z]*[a-z]{5,9}$",
                // Larger counts (where nothing restarts a count, it keeps one value).
                "^[a-z.]{1,60}\\.[a-z]{1,30}$",
                "^(www\\.)?[a-z.]{2,80}\\.[a-z]{2,40}$",
                "^[0-9.]{1,80}\\.[0-9]{5,80}$",
                "^[ab]{50,}a[ab]{3}$",
                "^[a-z]{5,70}[a-z]{5,70}$",
                "^[\\x00-\\x10a]{2,60}\\x00",
                "^(?:[a-z]{1,3}-){2}[a-z-]{4,60}$",
                "^.{0,5}x.{5,9}$",
                // Restarted by a search; the minimum 0; the minimum the maximum.
                ":[a-z:]{0,7}:$",
                "x[a-z]{5,1000}y",
                "a[^b]{2,1000}b",
                "[a-z]{3,6}:[a-z:]{5,1023}$",
                "[a-z]{10,12}$",
                "(^|,)[a-z,]{3,7}(,|$)",
                "é[é🍔a]{3,8}🍔$",
                "^[\\x00-\\x10a]{2,6}\\x00",
                "\\.[^.]{0,6}\\.[a-z.]{5,9}$",
                // Inside loops and alternations: the count restarts as it runs.
                "^(ab|[a-z]{5,9})+$",
                "^([a-z]{5,9}|x)+$",
                "^([a-z.]{2,5}[.])*$",
                "^(a[a-z]{5,}|[a-z]b)*$",
                "^(a[a-z]{2,6}|b[a-z]{3,9})[a-z]{0,5}z$",
                "^(?:[a-z]{1,3}-){2}[a-z-]{4,6}$",
                "^[a-z]{1,8}([.-][a-z0-9.-]{5,9}){0,3}$",
                // Either side of the one-word sets' limits (maximum 63, unbounded minimum 64)
                // and the ring's.
                "x[a-z]{5,63}y",
                "x[a-z]{5,64}y",
                "x[a-z]{64,}y",
                "x[a-z]{65,}y",
                "a[^b]{63}b",
            ];
            let mut counting = 0;
            for pattern in patterns {
                let tables = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                // Where unrolling makes fewer states, the automaton is that.
                if tables.ops.iter().flatten().any(|op| op.set.is_some()) {
                    counting += 1;
                } else {
                    println!("unrolled: {pattern}, {}", describe(&tables));
                }
                agrees_with_the_engine_and_unrolling(pattern, &tables, usize::MAX);
            }
            assert!(counting >= 28, "only {counting} patterns use counting sets");
        }

        /// Counted groups whose iterations overlap (a body that holds two of its iterations in
        /// a row, a group after a `.*` or a search that restarts it, nested, with minimums
        /// above 0, maximums up to the limits) are rewritten to patterns without them (see
        /// `simplify`) where that is checked to match the same: their automata stay small,
        /// and agree with the ECMAScript engine and with unrolling.
        #[test]
        fn counted_groups_whose_iterations_overlap_count_without_a_state_per_count() {
            let small = [
                // The official models' (3,070 and 1,057 states unrolled).
                "^([^/]([!-~]+/){1,511})?[A-Za-z0-9_+=,.@-]{1,64}$",
                "^(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:([0-9]{12}|aws):pipeline/.*)?([a-zA-Z0-9](-*[a-zA-Z0-9]){0,255})$",
                // A body that holds two iterations in a row: the minimum is enough.
                "^([!-~]+/){1,999}x$",
                "^(a[a-c]*c){3,900}$",
                "^([!-~]+/){0,300}[a-z]{1,5}$",
                "^(a[a-c]*c){3,10000}$",
                "^(([a-z.]+\\.){2,700}){1,3}$",
                "^([!-~]+/){1,511}[a-z/]{1,64}$",
                "^[a-c]*(a[a-c]*c){2,800}$",
                // After a `.*`, or a search: the `.*` takes all but the minimum.
                "^a.*([0-9]+,){5,900}$",
                "^(arn:.*)?[a-z](-*[a-z]){0,1023}$",
                "^(x/.*)?[a-z](-*[a-z]){3,600}$",
                "[a-z](-*[a-z]){0,900}x",
                "(-*[a-z0-9]){2,255}\\.$",
                "^(p:[^/]*)?[0-9](-*[0-9]){0,400}$",
                // A search in one alternative (422 states before).
                "^(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:cluster/[a-z0-9]{12})|([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})$",
                "^x{3}|(y[a-z]+/){2,700}z|[0-9](-*[0-9]){0,300}$",
                // `(A*B){0,m}` with `A ⊆ B`: only the least number of iterations is bounded,
                // and a class before it takes as many characters as it can.
                "^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63}$",
                "^[a-z](-*[a-z.-]){0,200}$",
                "^[a-z]{3,40}(-*[a-z-]){0,500}$",
                "^x[a-z]{0,5}(-*[a-z.-]){0,1000}y$",
                "^(-*[a-z-]){0,1023}$",
            ];
            for pattern in small {
                let tables = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                println!("{pattern}: {}", describe(&tables));
                assert!(tables.states() <= 100, "{pattern}: {}", describe(&tables));
                agrees_with_the_engine_and_unrolling(pattern, &tables, 20);
            }
            // Where no rewrite holds, as before.
            for pattern in ["x(ab){5,7}", "^(ab?){6,40}c$"] {
                let tables = compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
                agrees_with_the_engine_and_unrolling(pattern, &tables, 20);
            }
        }

        #[test]
        fn every_straight_pattern_agrees_with_the_ecmascript_engine() {
            let mut straight = 0;
            for pattern in patterns() {
                let Some(scan) = crate::scan::plan(&pattern) else {
                    continue;
                };
                let Ok(regex) = regress::Regex::with_flags(&pattern, "u") else {
                    continue;
                };
                straight += 1;
                // Each class's edges and a character beside each, each literal's characters,
                // and a few strangers.
                let mut alphabet: BTreeSet<char> =
                    ['!', 'a', 'Z', '0', '-', ' ', 'é', '🍔', '\u{3000}']
                        .into_iter()
                        .collect();
                for step in &scan.steps {
                    match step {
                        crate::scan::Step::Literal(text) => alphabet.extend(text.chars()),
                        crate::scan::Step::Run { class, .. } => {
                            for &(low, high) in class {
                                for c in [low.saturating_sub(1), low, high, high.saturating_add(1)]
                                {
                                    alphabet.extend(char::from_u32(c));
                                }
                            }
                        }
                    }
                }
                let alphabet: Vec<char> = alphabet.into_iter().collect();
                // Values that follow the steps (each run a random length around its bounds),
                // with a character changed, dropped or added now and then.
                let steps = scan.steps.clone();
                let alphabet_for_walks = alphabet.clone();
                let walks = (
                    prop::collection::vec(any::<u32>(), 40),
                    prop::option::of((any::<usize>(), prop::sample::select(alphabet.clone()))),
                )
                    .prop_map(move |(choices, edit)| {
                        let mut value = String::new();
                        let mut choice = choices.iter().cycle();
                        for step in &steps {
                            match step {
                                crate::scan::Step::Literal(text) => value.push_str(text),
                                crate::scan::Step::Run { class, min, max } => {
                                    let max = max.unwrap_or(min + 8).min(min + 70);
                                    let n =
                                        min + choice.next().copied().unwrap_or(0) % (max - min + 2);
                                    let members: Vec<char> = alphabet_for_walks
                                        .iter()
                                        .copied()
                                        .filter(|&c| {
                                            class
                                                .iter()
                                                .any(|&(l, h)| (l..=h).contains(&(c as u32)))
                                        })
                                        .collect();
                                    for _ in 0..n {
                                        let pick = choice.next().copied().unwrap_or(0) as usize;
                                        value.extend(members.get(pick % members.len().max(1)));
                                    }
                                }
                            }
                        }
                        if let Some((at, c)) = edit {
                            let mut chars: Vec<char> = value.chars().collect();
                            let at = at % (chars.len() + 1);
                            match at % 3 {
                                0 => chars.insert(at, c),
                                1 if at < chars.len() => drop(chars.remove(at)),
                                _ if at < chars.len() => chars[at] = c,
                                _ => chars.push(c),
                            }
                            value = chars.into_iter().collect();
                        }
                        value
                    });
                let random = prop::collection::vec(prop::sample::select(alphabet), 0..16)
                    .prop_map(|chars| chars.into_iter().collect::<String>());
                let strategy = prop_oneof![1 => random, 3 => walks];
                agree(&pattern, &regex, strategy, 300, |value| {
                    scan.is_match(value)
                });
            }
            println!(
                "{straight} straight patterns agree with the ECMAScript engine on 300 values each"
            );
            assert!(straight >= 5, "only {straight} patterns are straight");
        }
    }

    #[test]
    fn hostile_patterns_are_refused_quickly_without_panics() {
        for pattern in [
            "\\u{110000}",
            "[^\\u{FFFFFFFF}]",
            "(?:){4294967295}",
            "(?:(?:){4294967295}){4294967295}",
            "a{0,20000}",
            &"(".repeat(150_000),
            &format!("{}a{}", "(?:".repeat(500), ")".repeat(500)),
        ] {
            assert!(
                compile(pattern).is_err(),
                "{}",
                &pattern[..pattern.len().min(40)]
            );
        }
    }

    #[test]
    fn nested_counted_groups_are_turned_around_without_doubling_at_every_level() {
        // Each level's group holds the one inside: turning every level around would copy the
        // innermost 2^40 times.
        let deep = format!("^{}b{}$", "(?:a".repeat(40), "-?){9}".repeat(40));
        let start = std::time::Instant::now();
        let _ = compile(&deep);
        assert!(start.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn unsupported_syntax_is_reported() {
        for pattern in [
            "^(?!aws:).*$",
            "(a)\\1",
            "\\p{L}",
            "\\bword",
            "(?<name>x)",
            "[\\w-_]",
        ] {
            assert!(compile(pattern).is_err(), "{pattern}");
        }
    }

    #[test]
    fn a_counted_repetition_is_a_counter_not_a_state_per_count() {
        let tables = compile("^[A-Za-z0-9][A-Za-z0-9:_/+=,@.-]{0,2048}$").expect("compiles");
        assert!(tables.states() <= 6, "{}", describe(&tables));
        assert_eq!(
            tables.classes,
            3,
            "alike intervals share a class: {}",
            describe(&tables)
        );
        assert!(tables.is_match(&format!("a{}", "b".repeat(2048))));
        assert!(!tables.is_match(&format!("a{}", "b".repeat(2049))));
        assert!(!tables.is_match(&format!("a{}é", "b".repeat(100))));
        // Patterns that need an automaton (a run that overlaps what follows it, alternations,
        // several counts): a handful of states whatever the counts, where unrolling made one
        // per count.
        for (pattern, at_most, unrolled_at_least) in [
            ("^[^\\x00]{1,1020}\\.csv$", 20, 5000),
            (
                "^(0|[1-9]\\d{0,20})\\.(0|[1-9]\\d{0,20})\\.(0|[1-9]\\d{0,20})$",
                16,
                50,
            ),
            ("^[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9]{10}$", 20, 1100),
            (
                "^arn:[a-z0-9][-.a-z0-9]{0,62}:kms:([a-z0-9][-.a-z0-9]{0,62})?:([a-z0-9][-.a-z0-9]{0,62})?:key/.{0,1019}$",
                40,
                1200,
            ),
            (
                "^s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])(/(.{0,1024}))?$",
                20,
                1100,
            ),
            // A counted group is a counter too, where every iteration ends plainly: the
            // alphanumeric that ends `-*[a-zA-Z0-9]`, the `.` after `[a-z0-9]+`, the `:`.
            ("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$", 8, 500),
            ("^[A-Za-z0-9]((\\.|-+)?[A-Za-z0-9]){0,252}$", 8, 750),
            ("^([a-z0-9]+\\.){1,100}[a-z]{2,6}$", 16, 200),
            ("^(?:[a-f0-9]{2}:){15}[a-f0-9]{2}$", 8, 45),
            ("^(a(bc){0,50}d){2,60}$", 16, 3000),
        ] {
            let counted = compile(pattern).expect("compiles");
            let unrolled = compile_unrolled(pattern).expect("compiles");
            assert!(!counted.counters.is_empty(), "{pattern}");
            assert!(
                counted.states() <= at_most && unrolled.states() >= unrolled_at_least,
                "{pattern}: {} counted, {} unrolled",
                describe(&counted),
                describe(&unrolled)
            );
        }
        // Where an iteration may end or go on (`a` or the `a` of `ab`), the group is unrolled.
        let ambiguous = compile("^(a|ab){2,7}$").expect("compiles");
        assert!(ambiguous.counters.is_empty(), "{}", describe(&ambiguous));
        // Unless its last part is what may go on: `([0-9a-z][_-]?){1,100}` counts as
        // `[0-9a-z]([_-]?[0-9a-z]){0,99}[_-]?`.
        let turned = compile("^([0-9a-zA-Z][_-]?){1,100}$").expect("compiles");
        let unrolled = compile_unrolled("^([0-9a-zA-Z][_-]?){1,100}$").expect("compiles");
        assert_eq!(
            turned.counters,
            vec![(0, Some(99))],
            "{}",
            describe(&turned)
        );
        assert!(
            turned.states() <= 8 && unrolled.states() >= 200,
            "{} turned, {} unrolled",
            describe(&turned),
            describe(&unrolled)
        );
        // A repetition overlapping what follows it makes no straight path even when short:
        // it counts rather than unrolling to a state per count.
        let overlapping = compile("^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$").expect("compiles");
        assert!(overlapping.states() <= 10, "{}", describe(&overlapping));
        // Where a count could restart while it runs (the search restarts inside `[a-z:]{3,9}`
        // at each `:`), that repetition alone is a counting set.
        let mixed = compile(":([a-z:]{3,9}x|[0-9]{1,40}$)").expect("compiles");
        assert_eq!(
            mixed.counters,
            vec![(3, Some(9)), (1, Some(40))],
            "{}",
            describe(&mixed)
        );
        let sets: BTreeSet<u8> = mixed
            .ops
            .iter()
            .flatten()
            .filter_map(|op| op.set.map(|set| op.counter + 10 * set.slot))
            .collect();
        assert_eq!(sets, BTreeSet::from([0]), "counter 0 in slot 0");
        // A count changed by one changes no state, only the bound.
        let wider = compile("^(0|[1-9]\\d{0,20})\\.(0|[1-9]\\d{0,21})$").expect("compiles");
        let version = compile("^(0|[1-9]\\d{0,20})\\.(0|[1-9]\\d{0,20})$").expect("compiles");
        assert_eq!(wider.table, version.table);
        let bounds = |t: &Tables| {
            t.ops
                .iter()
                .flatten()
                .map(|op| op.bound)
                .collect::<Vec<_>>()
        };
        assert_ne!(bounds(&wider), bounds(&version));
    }

    #[test]
    fn a_search_ignores_the_maximum_of_a_repetition_at_either_end() {
        // `[a-z]{2,9}x` found somewhere is `[a-z]{2}x` found somewhere; `^ab{2,5}` is `^ab{2}`.
        let search = compile("[a-z]{2,9}x").expect("compiles");
        assert!(
            search.counters.is_empty() && search.states() < 8,
            "{}",
            describe(&search)
        );
        assert!(search.is_match("--abcdefghijklmnx") && !search.is_match("ax"));
        let prefix = compile("^ab{2,5000}").expect("compiles");
        assert!(prefix.states() < 8, "{}", describe(&prefix));
        assert!(prefix.is_match("abbbbbbbbc") && !prefix.is_match("abc"));
        // Anchored at both ends, the maximum counts.
        let whole = compile("^(x|ab{2,5})$").expect("compiles");
        assert!(whole.is_match("abbbbb") && !whole.is_match("abbbbbb"));
    }

    #[test]
    fn length_bounds_of_counting_automata_come_from_the_pattern() {
        let bounds = |p: &str| length_bounds(&compile(p).expect("compiles"));
        assert_eq!(bounds("^[^\\x00]{1,1020}\\.csv$"), (5, Some(1024)));
        assert_eq!(
            bounds("^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$"),
            (5, Some(11))
        );
        assert_eq!(bounds("^a{3,2000}x|b$"), (1, None));
        assert_eq!(bounds("^(a{3,2000}x|b)$"), (1, Some(2001)));
    }
}
