//! Counting sets: a counted repetition of a class whose counter may hold several counts at once
//! (`[a-z.]{1,63}` right before a `.`: the count goes on, or the next part has started and the
//! repetition may be entered afresh). Instead of a state per count, the matcher keeps the set
//! of counts (the runtime's `CountingSet`) and the automaton's state records only which regions
//! the counts occupy, a bit each: below the minimum ([`BELOW`]), from the minimum up to below
//! the maximum ([`WITHIN`]), at the maximum ([`AT_MAX`]). A step that adds one to the counts
//! lands in a state closed with a guess of the regions after it ([`guess`]); the runtime
//! computes the real ones and moves to the state closed with those, among the ones
//! [`shifted`] says may occur.

/// Counts below the minimum.
pub(super) const BELOW: u8 = 1;
/// Counts from the minimum up to below the maximum (unbounded: from the minimum on).
pub(super) const WITHIN: u8 = 2;
/// A count at the maximum.
pub(super) const AT_MAX: u8 = 4;

/// The region bit of a count of `count`.
pub(super) fn region(count: u32, min: u32, max: Option<u32>) -> u8 {
    if count < min {
        BELOW
    } else if max.is_some_and(|max| count >= max) {
        AT_MAX
    } else {
        WITHIN
    }
}

/// Whether some count has reached the minimum: the repetition may be left.
pub(super) fn past_min(regions: u8) -> bool {
    regions & (WITHIN | AT_MAX) != 0
}

/// Whether some count is below the maximum: the repetition may take another character.
pub(super) fn below_max(regions: u8) -> bool {
    regions & (BELOW | WITHIN) != 0
}

/// The regions counts in each of `from`'s may move to when one is added to every count: from
/// below the minimum, below it still (a minimum of 2 or more) or at it; from the minimum on,
/// further (unless that is the maximum) or at the maximum. A count at the maximum drops out.
fn moves(min: u32, max: Option<u32>) -> (u8, u8) {
    let below = if min >= 2 { BELOW } else { 0 } | region(min, min, max);
    let within = match max {
        None => WITHIN,
        Some(max) if max >= min + 2 => WITHIN | AT_MAX,
        Some(_) => AT_MAX,
    };
    (below, within)
}

/// Every region set the counts of a set in the regions `from` may be in after one is added to
/// each (a count in each of `from`'s regions below the maximum goes on).
pub(super) fn shifted(from: u8, min: u32, max: Option<u32>) -> Vec<u8> {
    let (below, within) = moves(min, max);
    (1..8u8)
        .filter(|&to| {
            let reach = |set: u8, part: u8| from & set == 0 || to & part != 0;
            let covered = [(BELOW, below), (WITHIN, within)]
                .iter()
                .filter(|(set, _)| from & set != 0)
                .fold(0, |all, (_, part)| all | part);
            to & !covered == 0 && reach(BELOW, below) && reach(WITHIN, within)
        })
        .collect()
}

/// The regions the determinizer assumes after one is added to counts in `from`: each stays in
/// its region where it can, else moves to the next. The lowest of [`shifted`]: whatever the
/// counts turn out to be, the repetition may be left at least as much as assumed, so what the
/// assumed state did on entering it is also done in the real one.
pub(super) fn guess(from: u8, min: u32, max: Option<u32>) -> u8 {
    let (below, within) = moves(min, max);
    let lowest = |part: u8| part & part.wrapping_neg();
    let mut to = 0;
    if from & BELOW != 0 {
        to |= lowest(below);
    }
    if from & WITHIN != 0 {
        to |= lowest(within);
    }
    to
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `shifted` and `guess` against sets of counts moved by hand.
    #[test]
    fn regions_after_a_shift_are_those_of_some_counts() {
        for (min, max) in [
            (0, Some(5)),
            (1, Some(5)),
            (2, Some(3)),
            (3, Some(3)),
            (5, None),
        ] {
            let limit = max.unwrap_or(min + 3);
            // Every set of counts up to `limit` (as bits).
            for counts in 1u32..(1 << (limit + 1)) {
                let members: Vec<u32> = (0..=limit).filter(|v| counts >> v & 1 != 0).collect();
                let regions =
                    |counts: &[u32]| counts.iter().fold(0, |all, &v| all | region(v, min, max));
                let from = regions(&members) & (BELOW | WITHIN);
                if from == 0 {
                    continue;
                }
                let after: Vec<u32> = members
                    .iter()
                    .map(|v| v + 1)
                    .filter(|&v| max.is_none_or(|max| v <= max))
                    .collect();
                let to = regions(&after);
                let possible = shifted(from, min, max);
                assert!(possible.contains(&to), "{min} {max:?} {members:?}: {to}");
                let assumed = guess(from, min, max);
                assert!(possible.contains(&assumed));
                assert!(
                    !past_min(assumed) || past_min(to),
                    "{min} {max:?} {members:?}"
                );
            }
        }
    }
}
