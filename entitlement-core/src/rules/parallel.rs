//! Work over many cases on rayon's pool, with the answer of a run in order.

use super::{Local, Ruleset};
use crate::error::Result;

/// `items.iter().map(f).collect()`, on rayon's pool. Which error a parallel collect returns
/// depends on scheduling, so a failed run is replayed in order to report the first failure.
pub(crate) fn par_map<T: Sync, U: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<U> + Sync,
) -> Result<Vec<U>> {
    use rayon::prelude::*;
    match items.par_iter().with_min_len(32).map(&f).collect() {
        Ok(all) => Ok(all),
        Err(_) => items.iter().map(f).collect(),
    }
}

/// [`par_map`] over cases, each share of the run with its own copies of the names the
/// statuses hold ([`Local`]): at most eight shares per thread. The copies' slots cost one per
/// process and entitlement of the rules, so a run whose shares are smaller than that (a few
/// cases against a large ruleset) makes none and shares the ruleset's names: the cost stays
/// linear in the cases.
pub(crate) fn par_map_local<T: Sync, U: Send>(
    rules: &Ruleset,
    items: &[T],
    f: impl Fn(&T, Option<&Local>) -> Result<U> + Sync,
) -> Result<Vec<U>> {
    use rayon::prelude::*;
    let share = items
        .len()
        .div_ceil(rayon::current_num_threads() * 8)
        .max(32);
    if share < rules.processes.len() + rules.entitlements.len() {
        return par_map(items, |item| f(item, None));
    }
    let run = items
        .par_iter()
        .with_min_len(share)
        .map_init(|| Local::of(rules), |local, item| f(item, Some(local)))
        .collect();
    match run {
        Ok(all) => Ok(all),
        Err(_) => {
            let local = Local::of(rules);
            items.iter().map(|item| f(item, Some(&local))).collect()
        }
    }
}
