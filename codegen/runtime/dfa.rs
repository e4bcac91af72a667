//! `@pattern` checks compiled at generation time: each pattern is a deterministic automaton over
//! Unicode scalar values, stored as static tables. Matching is one pass over the value with no
//! regular expression engine and no allocation. This file has no dependencies: the generator
//! runs the same code in its tests and benchmarks.

/// A compiled pattern. A state is a row of `classes + 2` little-endian `u16` cells: one
/// transition per character class, holding the target row's offset (so a step is a single
/// table load), then an info cell and a run-length cell. Row 0 is the dead state (no match
/// possible); the target `MATCHED` means the pattern has matched and the search stops.
pub(crate) struct Dfa<'a> {
    /// The pattern as written in the model.
    pub(crate) source: &'static str,
    /// The start state's row offset.
    pub(crate) start: u16,
    /// Code-point intervals: interval `i` runs from `starts[i]` up to the next start.
    pub(crate) starts: &'a [u32],
    /// The alphabet class of each interval.
    pub(crate) interval_class: &'a [u8],
    /// The number of character classes (a row has two more cells).
    pub(crate) classes: u16,
    /// The class of each ASCII character.
    pub(crate) ascii: &'a [u8; 128],
    /// The rows. Info cell: bits 0–7, 1 + the index of the state's run in `runs` (0: none);
    /// bit 8, the pattern matches here (only the start state can have it: every transition into
    /// such a state is `MATCHED`); bit 9, it matches if the value ends here. Run-length cell:
    /// how many characters the run may consume from this state at most.
    pub(crate) table: &'a [u8],
    /// Stretches of the automaton that consume a set of ASCII characters without branching.
    pub(crate) runs: &'a [Run],
    /// When the automaton is one straight path from the start (a fixed or bounded sequence of
    /// ASCII sets, such as a UUID), that path as segments; the matcher then checks the value
    /// segment by segment without the table. Empty otherwise.
    pub(crate) path: &'a [Segment],
    /// The byte sets the segments refer to: non-zero for a byte in the set.
    pub(crate) sets: &'a [[u8; 256]],
    /// The path again, as bit masks, when it is at most 64 characters long: the matcher then
    /// uses these instead of the segments.
    pub(crate) short: Option<Short>,
    /// The counter operations: a state's info cell holds how many it has (`info >> OPS_SHIFT`)
    /// and its run-length cell where they start.
    pub(crate) ops: &'a [Op],
}

/// What entering a state does to a counter (a counted repetition of a character class,
/// `[a-z]{1,63}`, counts its characters instead of having a state per count). With `kind` 0 the
/// counter holds one count: with `bound` 0 the repetition starts afresh (its count is 0);
/// otherwise it took one more character, and when its count reaches `bound` the matcher moves
/// to the row `then` (the same state, with the count past its minimum or at its maximum), whose
/// operations on later counters and restarts follow.
///
/// Any other `kind` is a counting set's operation (a counter that may hold several counts at
/// once, `[a-z.]{1,256}` right before a `.`): `kind & SET_KIND` says which (`SET_RESTART`,
/// `SET_SHIFT`, `SET_SHIFT_INSERT`), `kind >> SLOT_SHIFT` is the set's slot and `bound` its
/// minimum. A restart's `then` is the maximum (`UNBOUNDED`: none); a shift's is the table cell
/// where its nine cells start: the rows to move to by the regions the set occupies after the
/// shift (see [`CountingSet::regions`]; 0: stay), then the maximum.
pub(crate) struct Op {
    pub(crate) counter: u8,
    pub(crate) kind: u8,
    pub(crate) bound: u16,
    pub(crate) then: u16,
}

impl Op {
    /// Entering the state starts `counter`'s repetition afresh.
    pub(crate) const fn restart(counter: u8) -> Op {
        Op {
            counter,
            kind: 0,
            bound: 0,
            then: 0,
        }
    }

    /// Entering the state adds one to `counter`; at `bound`, the matcher moves to row `then`.
    pub(crate) const fn add(counter: u8, bound: u16, then: u16) -> Op {
        Op {
            counter,
            kind: 0,
            bound,
            then,
        }
    }

    /// Entering the state starts the counting set in `slot` (of `counter`, from `min` to `max`
    /// times, `UNBOUNDED`: no maximum) afresh: it holds the count 0 only.
    pub(crate) const fn set_restart(counter: u8, slot: u8, min: u16, max: u16) -> Op {
        Op {
            counter,
            kind: SET_RESTART | (slot << SLOT_SHIFT),
            bound: min,
            then: max,
        }
    }

    /// Entering the state adds one to every count of the counting set in `slot` (dropping any
    /// past the maximum); the cells from `table` say where the matcher moves by the regions
    /// the counts are in then.
    pub(crate) const fn set_shift(counter: u8, slot: u8, min: u16, table: u16) -> Op {
        Op {
            counter,
            kind: SET_SHIFT | (slot << SLOT_SHIFT),
            bound: min,
            then: table,
        }
    }

    /// [`Op::set_shift`], then (in the state the matcher has moved to, whose operation on the
    /// set says so) the count 0 joins the set: the repetition is entered afresh too while
    /// earlier entries go on. After a move the shift is not done again, only the insertion.
    pub(crate) const fn set_shift_insert(counter: u8, slot: u8, min: u16, table: u16) -> Op {
        Op {
            counter,
            kind: SET_SHIFT_INSERT | (slot << SLOT_SHIFT),
            bound: min,
            then: table,
        }
    }

    /// The first of the operations of an automaton with `count` counting sets (no state refers
    /// to it): the matcher then keeps that many sets, which automata without them need not
    /// clear.
    pub(crate) const fn sets_used(count: u8) -> Op {
        Op {
            counter: 0,
            kind: SET_RESTART,
            bound: count as u16,
            then: 0,
        }
    }
}

/// Where a counting set's maximum sits among a shift's cells, after the eight rows (one per
/// combination of regions, [`CountingSet::regions`]).
pub(crate) const SHIFT_MAX: usize = 8;

/// The kinds of counting-set operations (in an [`Op`]'s `kind`, under `SET_KIND`).
pub(crate) const SET_RESTART: u8 = 1;
pub(crate) const SET_SHIFT: u8 = 2;
pub(crate) const SET_SHIFT_INSERT: u8 = 3;
pub(crate) const SET_KIND: u8 = 3;
/// An [`Op`]'s `kind` holds the counting set's slot from this bit up.
pub(crate) const SLOT_SHIFT: u8 = 2;
/// The most counting sets a pattern uses.
pub(crate) const SETS: usize = 8;
/// The words of a counting set's bits: counts up to `64 * SET_WORDS - 1`.
const SET_WORDS: usize = 16;
/// The largest maximum (or, unbounded, minimum) a counting set takes.
pub(crate) const SET_LIMIT: u16 = (64 * SET_WORDS - 1) as u16;
/// A counting set's maximum when it has none.
pub(crate) const UNBOUNDED: u16 = u16::MAX;

/// The counts a counted repetition of a class is at when it may be at several at once (Turoňová
/// et al., counting-set automata). Which of three regions hold counts is all the automaton
/// needs to know: below the minimum, from it to below the maximum (unbounded: whether any has
/// reached the minimum, which it then keeps), at the maximum.
///
/// A small set (maximum below 64; unbounded, minimum up to 64) is one word, bit `c` the count
/// `c`: adding one to every count is a shift, and the regions are three masks. A larger one
/// keeps each count as a bit at a position that moves with the set's clock, so that adding
/// one to every count is one tick of it and a few bit tests, and counts how many counts each
/// region holds.
#[derive(Clone, Copy)]
pub(crate) struct CountingSet {
    /// A small set's counts (unbounded: those below the minimum).
    small: u64,
    /// Unbounded, small: whether a count has reached the minimum.
    reached: bool,
    clock: usize,
    below: u16,
    within: u16,
    at_max: bool,
    bits: [u64; SET_WORDS],
}

/// Whether a set of counts from `min` to `max` is small (see [`CountingSet`]).
const fn is_small(min: u16, max: u16) -> bool {
    if max == UNBOUNDED {
        min <= 64
    } else {
        max < 64
    }
}

/// The bits below bit `k` (all of them from 64 on).
const fn low_bits(k: u16) -> u64 {
    if k >= 64 { u64::MAX } else { (1 << k) - 1 }
}

impl CountingSet {
    pub(crate) const EMPTY: CountingSet = CountingSet {
        small: 0,
        reached: false,
        clock: 0,
        below: 0,
        within: 0,
        at_max: false,
        bits: [0; SET_WORDS],
    };

    /// The bit of `count`: its word and its mask there.
    fn bit(&self, count: usize) -> (usize, u64) {
        let at = self.clock.wrapping_sub(count) & (64 * SET_WORDS - 1);
        (at / 64, 1 << (at % 64))
    }

    fn has(&self, count: usize) -> bool {
        let (word, mask) = self.bit(count);
        self.bits.get(word).is_some_and(|bits| bits & mask != 0)
    }

    fn clear(&mut self, count: usize) {
        let (word, mask) = self.bit(count);
        if let Some(bits) = self.bits.get_mut(word) {
            *bits &= !mask;
        }
    }

    /// Adds the count 0 (the repetition, from `min` to `max` times, entered afresh).
    fn insert(&mut self, min: u16, max: u16) {
        if is_small(min, max) {
            if max == UNBOUNDED && min == 0 {
                self.reached = true;
            } else {
                self.small |= 1;
            }
            return;
        }
        let (word, mask) = self.bit(0);
        if let Some(bits) = self.bits.get_mut(word)
            && *bits & mask == 0
        {
            *bits |= mask;
            if min == 0 {
                self.within += 1;
            } else {
                self.below += 1;
            }
        }
    }

    /// Holds the count 0 only.
    fn restart(&mut self, min: u16, max: u16) {
        if is_small(min, max) {
            self.small = 0;
            self.reached = false;
        } else if self.below != 0 || self.within != 0 || self.at_max {
            *self = CountingSet::EMPTY;
        }
        self.insert(min, max);
    }

    /// Adds one to every count: those at `max` drop out, those reaching `min` or `max` move to
    /// the next region.
    fn shift(&mut self, min: u16, max: u16) {
        if is_small(min, max) {
            if max == UNBOUNDED {
                // Past the minimum a count stays past it: one is as good as many.
                if min >= 1 && (self.small >> (min - 1)) & 1 != 0 {
                    self.reached = true;
                }
                self.small = (self.small << 1) & low_bits(min);
            } else {
                self.small = (self.small << 1) & low_bits(max + 1);
            }
            return;
        }
        let min = usize::from(min);
        if max == UNBOUNDED {
            if min >= 1 && self.has(min - 1) {
                self.clear(min - 1);
                self.below = self.below.saturating_sub(1);
                self.within = 1;
            }
        } else {
            let max = usize::from(max);
            if self.has(max) {
                self.clear(max);
                self.at_max = false;
            }
            if max >= 1 && self.has(max - 1) {
                if max > min {
                    self.within = self.within.saturating_sub(1);
                } else {
                    self.below = self.below.saturating_sub(1);
                }
                self.at_max = true;
            }
            if min >= 1 && min < max && self.has(min - 1) {
                self.below = self.below.saturating_sub(1);
                self.within += 1;
            }
        }
        self.clock = self.clock.wrapping_add(1);
    }

    /// Which regions the counts (from `min` to `max`) are in, a bit each: below the minimum
    /// (1), from the minimum up to below the maximum (2), at the maximum (4).
    pub(crate) fn regions(&self, min: u16, max: u16) -> usize {
        if is_small(min, max) {
            if max == UNBOUNDED {
                return usize::from(self.small != 0) | (usize::from(self.reached) << 1);
            }
            let below = self.small & low_bits(min);
            let within = self.small & low_bits(max) & !low_bits(min);
            let at_max = (self.small >> max) & 1;
            return usize::from(below != 0)
                | (usize::from(within != 0) << 1)
                | ((at_max as usize) << 2);
        }
        usize::from(self.below != 0)
            | (usize::from(self.within != 0) << 1)
            | (usize::from(self.at_max) << 2)
    }
}

/// The most counters a pattern uses.
pub(crate) const COUNTERS: usize = 16;

/// A straight path of at most 64 characters as bit masks: bit `i` of `masks[b]` says whether
/// byte `b` may be the value's `i`th (from 0), bit `n - 1` of `ends` whether the value may end
/// after `n` bytes. Each byte is checked with one load and no state carried over from the
/// previous byte, so the checks overlap in the processor.
pub(crate) struct Short {
    pub(crate) masks: [u64; 256],
    pub(crate) ends: u64,
}

/// `count` characters in a row from the set `sets[set]`; the value may end after any of them
/// iff `accepts`.
pub(crate) struct Segment {
    pub(crate) set: u8,
    pub(crate) count: u16,
    pub(crate) accepts: bool,
}

/// States that loop on a set of ASCII characters (`[a-z]*`), or a chain of states each moving
/// to the next on the same set (`[0-9a-f]{8}`): the matcher consumes such characters in a tight
/// scan instead of one dependent table load per character.
pub(crate) struct Run {
    /// Non-zero for the bytes that continue the run (ASCII characters only: a multi-byte
    /// character always ends the scan).
    pub(crate) bytes: [u8; 256],
    /// Row offset added per character: 0 for a loop, the row width for a chain.
    pub(crate) step: u16,
}

/// A byte table with 1 for each of `members` and 0 elsewhere (the form of [`Run::bytes`] and
/// [`Dfa::sets`]). A `const fn`, so generated statics list the characters, not 256 cells.
pub(crate) const fn byte_set(members: &[u8]) -> [u8; 256] {
    let mut set = [0u8; 256];
    let mut i = 0;
    while i < members.len() {
        set[members[i] as usize] = 1;
        i += 1;
    }
    set
}

/// The class of each ASCII character (the form of [`Dfa::ascii`]) from groups of characters
/// that share a class; characters in no group are class 0. A `const fn`, like [`byte_set`].
pub(crate) const fn ascii_classes(groups: &[(&[u8], u8)]) -> [u8; 128] {
    let mut classes = [0u8; 128];
    let mut g = 0;
    while g < groups.len() {
        let (members, class) = groups[g];
        let mut i = 0;
        while i < members.len() {
            classes[members[i] as usize] = class;
            i += 1;
        }
        g += 1;
    }
    classes
}

/// The transition target meaning "the pattern has matched".
pub(crate) const MATCHED: u16 = u16::MAX;
/// Info cell bits.
pub(crate) const INFO_RUN: u16 = 0xff;
pub(crate) const INFO_MATCHED: u16 = 1 << 8;
pub(crate) const INFO_AT_END: u16 = 1 << 9;
/// The info cell's bits from this one up count the state's counter operations.
pub(crate) const OPS_SHIFT: u16 = 10;

impl Dfa<'_> {
    /// Whether the pattern matches somewhere in `value` (ECMA-262 search semantics: anchored
    /// only where the pattern says `^` or `$`).
    pub(crate) fn is_match(&self, value: &str) -> bool {
        let bytes = value.as_bytes();
        if !bytes.is_empty() {
            if let Some(short) = &self.short {
                return short.matches(bytes);
            }
            if !self.path.is_empty() {
                return self.follow_path(bytes);
            }
        }
        // Counting sets are cleared only for the automata that use them, as many as they use.
        const EMPTY: CountingSet = CountingSet::EMPTY;
        match self.ops.first() {
            Some(op) if op.kind != 0 => match op.bound {
                1 => self.search::<true>(value, &mut [EMPTY; 1]),
                2 => self.search::<true>(value, &mut [EMPTY; 2]),
                3 | 4 => self.search::<true>(value, &mut [EMPTY; 4]),
                _ => self.search::<true>(value, &mut [EMPTY; SETS]),
            },
            _ => self.search::<false>(value, &mut []),
        }
    }

    /// [`Dfa::is_match`] over the table, with `sets` for the counting sets (`SETS_USED` false:
    /// there are none, and the matcher compiled for that has no code for them).
    fn search<const SETS_USED: bool>(&self, value: &str, sets: &mut [CountingSet]) -> bool {
        let bytes = value.as_bytes();
        let classes = usize::from(self.classes);
        let cell = |offset: usize| self.cell(offset);
        let mut counts = [0u16; COUNTERS];
        let mut row = usize::from(self.start);
        if cell(row + classes) & INFO_MATCHED != 0 {
            return true;
        }
        let mut at = 0;
        loop {
            let mut info = cell(row + classes);
            if info >> OPS_SHIFT != 0 {
                row = self.count::<SETS_USED>(row, &mut counts, sets, None);
                info = cell(row + classes);
                if info & INFO_MATCHED != 0 {
                    return true;
                }
            }
            if let Some(run) = self.runs.get(usize::from(info & INFO_RUN).wrapping_sub(1)) {
                let rest = bytes.get(at..).unwrap_or_default();
                // A counting loop takes characters until its count reaches its bound.
                let adding = self
                    .ops_of(row)
                    .iter()
                    .find(|op| op.kind == 0 && op.bound != 0);
                let limit = match adding {
                    Some(op) => {
                        let count = counts.get(usize::from(op.counter)).copied().unwrap_or(0);
                        usize::from(op.bound.saturating_sub(count))
                    }
                    None if info >> OPS_SHIFT != 0 => usize::MAX,
                    None => usize::from(cell(row + classes + 1)),
                };
                let limit = limit.min(rest.len());
                let continues = |byte: u8| run.bytes[usize::from(byte)] != 0;
                // Eight characters at a time, without a branch per character, then one by one.
                let mut taken = 0;
                while let Some(chunk) = rest[..limit].get(taken..taken + 8) {
                    if !chunk.iter().fold(true, |all, &byte| all & continues(byte)) {
                        break;
                    }
                    taken += 8;
                }
                taken += rest[taken..limit]
                    .iter()
                    .position(|&byte| !continues(byte))
                    .unwrap_or(limit - taken);
                at += taken;
                row += taken * usize::from(run.step);
                if let Some(op) = adding
                    && let Some(count) = counts.get_mut(usize::from(op.counter))
                {
                    // `taken` is at most what the bound leaves.
                    *count = count.wrapping_add(taken as u16);
                    if *count == op.bound {
                        row = self.count::<SETS_USED>(
                            usize::from(op.then),
                            &mut counts,
                            sets,
                            Some(op.counter),
                        );
                        if cell(row + classes) & INFO_MATCHED != 0 {
                            return true;
                        }
                    }
                }
            }
            let Some(&byte) = bytes.get(at) else {
                return cell(row + classes) & INFO_AT_END != 0;
            };
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
            match cell(row + class) {
                0 => return false,
                MATCHED => return true,
                next => row = usize::from(next),
            }
        }
    }

    /// The table cell at `offset` (0, the dead state's, outside the table).
    fn cell(&self, offset: usize) -> u16 {
        match self.table.get(offset * 2..offset * 2 + 2) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => 0,
        }
    }

    /// The counter operations of the state at `row`.
    fn ops_of(&self, row: usize) -> &[Op] {
        let classes = usize::from(self.classes);
        let n = usize::from(self.cell(row + classes) >> OPS_SHIFT);
        let first = usize::from(self.cell(row + classes + 1));
        self.ops.get(first..first + n).unwrap_or_default()
    }

    /// Applies the counter operations of the state at `row`, just entered, and returns the row
    /// of the state the value is in after them (a count reaching its bound moves it on). After
    /// such a move (`past`: the counter that moved it) the new state's restarts and its
    /// operations on later counters follow; earlier ones have been applied.
    /// A counting set's shift moves the same way, to the row its table names for the regions
    /// the set is in after it; restarts and insertions into sets follow after a move as
    /// restarts do (doing one twice changes nothing).
    fn count<const SETS_USED: bool>(
        &self,
        mut row: usize,
        counts: &mut [u16; COUNTERS],
        sets: &mut [CountingSet],
        mut past: Option<u8>,
    ) -> usize {
        'state: loop {
            for op in self.ops_of(row) {
                if SETS_USED && op.kind != 0 {
                    let Some(set) = sets.get_mut(usize::from(op.kind >> SLOT_SHIFT)) else {
                        continue;
                    };
                    let kind = op.kind & SET_KIND;
                    if kind == SET_RESTART {
                        set.restart(op.bound, op.then);
                        continue;
                    }
                    let table = usize::from(op.then);
                    let max = self.cell(table + SHIFT_MAX);
                    if past.is_none_or(|past| op.counter > past) {
                        set.shift(op.bound, max);
                        let next = self.cell(table + set.regions(op.bound, max));
                        if next != 0 {
                            row = usize::from(next);
                            past = Some(op.counter);
                            continue 'state;
                        }
                    }
                    if kind == SET_SHIFT_INSERT {
                        set.insert(op.bound, max);
                    }
                    continue;
                }
                let Some(count) = counts.get_mut(usize::from(op.counter)) else {
                    continue;
                };
                if op.bound == 0 {
                    *count = 0;
                    continue;
                }
                if past.is_some_and(|past| op.counter <= past) {
                    continue;
                }
                *count = count.wrapping_add(1);
                if *count == op.bound {
                    row = usize::from(op.then);
                    past = Some(op.counter);
                    continue 'state;
                }
            }
            return row;
        }
    }
}

impl Dfa<'_> {
    /// [`Dfa::is_match`] for straight-path automata: each segment's characters are checked
    /// without a branch per character; the value (not empty) must end where the path accepts.
    fn follow_path(&self, bytes: &[u8]) -> bool {
        let mut at = 0;
        for segment in self.path {
            let Some(set) = self.sets.get(usize::from(segment.set)) else {
                return false;
            };
            let end = (at + usize::from(segment.count)).min(bytes.len());
            if !bytes[at..end]
                .iter()
                .fold(true, |all, &byte| all & (set[usize::from(byte)] != 0))
            {
                return false;
            }
            at = end;
            if at == bytes.len() {
                return segment.accepts;
            }
        }
        // Longer than the path.
        false
    }
}

impl Short {
    /// The masks from groups of bytes that share one (bytes not listed get 0: allowed nowhere),
    /// and `ends`. A `const fn`, so generated statics hold the finished table.
    pub(crate) const fn new(groups: &[(&[u8], u64)], ends: u64) -> Short {
        let mut masks = [0u64; 256];
        let mut g = 0;
        while g < groups.len() {
            let (bytes, mask) = groups[g];
            let mut i = 0;
            while i < bytes.len() {
                masks[bytes[i] as usize] = mask;
                i += 1;
            }
            g += 1;
        }
        Short { masks, ends }
    }

    /// `bytes` (not empty) against the masks. Eight bytes are checked at once, each against
    /// its own position's bit, so their loads overlap and a mismatch stops within eight bytes.
    fn matches(&self, bytes: &[u8]) -> bool {
        let n = bytes.len();
        if n > 64 || (self.ends >> (n - 1)) & 1 == 0 {
            return false;
        }
        // The bit of the position being checked.
        let mut bit = 1u64;
        let (chunks, rest) = bytes.as_chunks::<8>();
        for chunk in chunks {
            let at = |k: usize| self.masks[usize::from(chunk[k])] & (bit << k);
            let found = at(0) | at(1) | at(2) | at(3) | at(4) | at(5) | at(6) | at(7);
            if found != bit.wrapping_mul(0xff) {
                return false;
            }
            bit <<= 8;
        }
        rest.iter().all(|&byte| {
            let allowed = self.masks[usize::from(byte)] & bit != 0;
            bit <<= 1;
            allowed
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sets_and_ascii_classes_hold_exactly_the_listed_characters() {
        const DIGITS: [u8; 256] = byte_set(b"0123456789");
        for b in 0..=255u8 {
            assert_eq!(
                DIGITS[usize::from(b)],
                u8::from(b.is_ascii_digit()),
                "byte {b}"
            );
        }
        assert_eq!(byte_set(b""), [0u8; 256]);
        const CLASSES: [u8; 128] = ascii_classes(&[(b"-", 1), (b"0123456789abcdef", 2)]);
        for c in 0..128u8 {
            let expected = match c {
                b'-' => 1,
                b'0'..=b'9' | b'a'..=b'f' => 2,
                _ => 0,
            };
            assert_eq!(CLASSES[usize::from(c)], expected, "character {c}");
        }
    }

    /// `^a+$` by hand: classes other / `a`; states dead, start, seen-a (which loops on `a`: a
    /// run). Rows are 4 cells wide.
    const A_PLUS: Dfa<'static> = Dfa {
        source: "^a+$",
        start: 4,
        starts: &[0, 97, 98],
        interval_class: &[0, 1, 0],
        classes: 2,
        ascii: &ascii_classes(&[(b"a", 1)]),
        table: &[
            0, 0, 0, 0, 0, 0, 0, 0, // dead
            0, 0, 8, 0, 0, 0, 0, 0, // start
            0, 0, 8, 0, 1, 2, 0xff, 0xff, // seen-a: run 1, matches at the end
        ],
        runs: &[Run {
            bytes: byte_set(b"a"),
            step: 0,
        }],
        path: &[],
        sets: &[],
        short: None,
        ops: &[],
    };

    /// `b` (unanchored): matching stops at the first `b`.
    const HAS_B: Dfa<'static> = Dfa {
        source: "b",
        start: 4,
        starts: &[0, 98, 99],
        interval_class: &[0, 1, 0],
        classes: 2,
        ascii: &ascii_classes(&[(b"b", 1)]),
        table: &[0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0xff, 0xff, 0, 0, 0, 0],
        runs: &[],
        path: &[],
        sets: &[],
        short: None,
        ops: &[],
    };

    /// `^[ab]{2,3}$` as a path: two characters that may not end, then one that may.
    const AB_2_3: Dfa<'static> = Dfa {
        source: "^[ab]{2,3}$",
        start: 0,
        starts: &[0],
        interval_class: &[0],
        classes: 1,
        ascii: &[0; 128],
        table: &[0, 0, 0, 0, 0, 0],
        runs: &[],
        path: &[
            Segment {
                set: 0,
                count: 1,
                accepts: false,
            },
            Segment {
                set: 0,
                count: 2,
                accepts: true,
            },
        ],
        sets: &[byte_set(b"ab")],
        short: None,
        ops: &[],
    };

    /// The same path, matched by its bit masks.
    const AB_2_3_SHORT: Dfa<'static> = Dfa {
        short: Some(Short::new(&[(b"ab", 0b111)], 0b110)),
        ..AB_2_3
    };

    #[test]
    fn runs_the_tables() {
        assert!(A_PLUS.is_match("a"));
        assert!(A_PLUS.is_match("aaaa"));
        assert!(!A_PLUS.is_match(""));
        assert!(!A_PLUS.is_match("ab"));
        assert!(!A_PLUS.is_match("aaé"));
        assert!(!A_PLUS.is_match("é"));
        assert!(HAS_B.is_match("ééb"));
        assert!(HAS_B.is_match("b🍔"));
        assert!(!HAS_B.is_match("a🍔c"));
        assert!(!AB_2_3.is_match(""));
        assert!(!AB_2_3.is_match("a"));
        assert!(AB_2_3.is_match("ab"));
        assert!(AB_2_3.is_match("bab"));
        assert!(!AB_2_3.is_match("abab"));
        assert!(!AB_2_3.is_match("aé"));
    }

    #[test]
    fn bit_masks_agree_with_segments_across_chunk_boundaries_up_to_64_characters() {
        // `^[ab]{1,64}$`, as segments and as masks.
        let segments = Dfa {
            path: &[Segment {
                set: 0,
                count: 64,
                accepts: true,
            }],
            ..AB_2_3
        };
        let masks = Dfa {
            short: Some(Short::new(&[(b"ab", u64::MAX)], u64::MAX)),
            ..segments
        };
        for n in [1, 7, 8, 9, 15, 16, 63, 64, 65, 66] {
            let good = "ab".repeat(n).chars().take(n).collect::<String>();
            assert_eq!(masks.is_match(&good), n <= 64, "{n}");
            assert_eq!(segments.is_match(&good), n <= 64, "{n}");
            for at in [0, n / 2, n - 1] {
                for odd in ["c", "é"] {
                    let mut bad = good.clone();
                    bad.replace_range(at..=at, odd);
                    assert!(!masks.is_match(&bad), "{n} {at} {odd}");
                    assert!(!segments.is_match(&bad), "{n} {at} {odd}");
                }
            }
        }
    }

    #[test]
    fn short_paths_are_matched_by_their_bit_masks_like_the_segments() {
        let short = AB_2_3_SHORT.short.as_ref().expect("masks");
        assert_eq!(short.masks[usize::from(b'b')], 0b111);
        assert_eq!(short.masks[usize::from(b'c')], 0);
        for value in ["", "a", "ab", "ba", "bab", "abab", "abc", "aé", "é", "cab"] {
            assert_eq!(
                AB_2_3_SHORT.is_match(value),
                AB_2_3.is_match(value),
                "{value:?}"
            );
        }
    }

    /// Both forms of a counting set (one word, the ring) against a plain list of counts, over
    /// long pseudo-random runs of restarts, insertions and shifts, with bounds either side of
    /// the one-word form's limits and at the ring's.
    #[test]
    fn counting_sets_hold_the_regions_a_list_of_counts_holds() {
        let bounds = [
            (0, 0),
            (0, 1),
            (1, 1),
            (1, 63),
            (63, 63),
            (5, 64),
            (1, 256),
            (0, 1023),
            (1023, 1023),
            (0, UNBOUNDED),
            (1, UNBOUNDED),
            (64, UNBOUNDED),
            (65, UNBOUNDED),
            (1023, UNBOUNDED),
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for (min, max) in bounds {
            let mut set = CountingSet::EMPTY;
            // Unbounded, counts past the minimum are one.
            let mut counts: Vec<u16> = Vec::new();
            // Restarts rare enough for counts to reach the bounds.
            let period = 2 * u64::from(if max == UNBOUNDED { min } else { max }) + 64;
            for step in 0..20_000 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                match (seed % period, seed >> 60) {
                    (0, _) => {
                        set.restart(min, max);
                        counts = vec![0];
                    }
                    (_, 0) => {
                        set.insert(min, max);
                        counts.push(0);
                    }
                    _ => {
                        set.shift(min, max);
                        for count in &mut counts {
                            *count = match max {
                                UNBOUNDED => (*count + 1).min(min),
                                _ => *count + 1,
                            };
                        }
                        counts.retain(|&count| max == UNBOUNDED || count <= max);
                    }
                }
                counts.sort_unstable();
                counts.dedup();
                let expected = usize::from(counts.iter().any(|&c| c < min))
                    | (usize::from(counts.iter().any(|&c| c >= min && c < max)) << 1)
                    | (usize::from(max != UNBOUNDED && counts.contains(&max)) << 2);
                assert_eq!(
                    set.regions(min, max),
                    expected,
                    "{{{min},{max}}} after {step} steps, counts {counts:?}"
                );
            }
        }
    }
}
