//! Work over many cases on rayon's pool, with the answer of a run in order.

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
