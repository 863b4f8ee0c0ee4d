//! The compiled index: a calendar's open time as sorted, disjoint UTC intervals with prefix sums
//! of business time, one block per UTC year, built lazily on first use and cached within a
//! memory budget (the total of every compiled year is kept always). `add` and `elapsed` are two binary searches inside a block plus one addition
//! per year crossed, so their cost does not grow with the span in any way that matters (a
//! 10-year `elapsed` reads ten cached totals).
//! Why blocks per year: docs/design.md, "The index".

use std::collections::VecDeque;
use std::ops::Deref;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use chrono::{Datelike, Days, NaiveDate};

use super::Zoned;
use super::holiday::occurrences;
use super::hours::DAY_S;
use super::zone::{local_to_utc, offset_at};
use crate::time::{DAY_US, MAX_YEAR, MIN_YEAR, year_start};

/// One UTC year of open time.
#[derive(Debug, Default)]
pub(crate) struct Block {
    /// The first instant of the next year.
    pub end: i64,
    /// Sorted, disjoint, non-touching open intervals `[start, end)` inside `[self.start, self.end)`.
    pub iv: Vec<(i64, i64)>,
    /// `after[k]`: business time from `self.start` to the end of interval `k`.
    pub after: Vec<i64>,
    /// Business time in the whole year.
    pub total: i64,
}

impl Block {
    fn new(year: i32, mut iv: Vec<(i64, i64)>) -> Block {
        let (start, end) = (year_start(year), year_start(year + 1));
        iv.retain(|&(s, e)| e > start && s < end && e > s);
        for x in &mut iv {
            x.0 = x.0.max(start);
            x.1 = x.1.min(end);
        }
        let iv = merge(iv);
        let mut after = Vec::with_capacity(iv.len());
        let mut total = 0;
        for &(s, e) in &iv {
            total += e - s;
            after.push(total);
        }
        Block {
            end,
            iv,
            after,
            total,
        }
    }

    /// Business time in `[self.start, t)`, for `t` in `[self.start, self.end]`.
    #[inline]
    pub fn cum(&self, t: i64) -> i64 {
        let k = self.iv.partition_point(|iv| iv.0 <= t);
        if k == 0 {
            0
        } else {
            let (_, e) = self.iv[k - 1];
            self.after[k - 1] - (e - t.min(e))
        }
    }

    /// The earliest instant with `cum == target`, for `0 < target <= total`.
    #[inline]
    pub fn earliest_at(&self, target: i64) -> i64 {
        let k = self.after.partition_point(|&x| x < target);
        self.iv[k].1 - (self.after[k] - target)
    }

    /// The latest instant with `cum == target`, for `0 <= target < total`.
    #[inline]
    pub fn latest_at(&self, target: i64) -> i64 {
        let m = self.after.partition_point(|&x| x <= target);
        let before = if m == 0 { 0 } else { self.after[m - 1] };
        self.iv[m].0 + (target - before)
    }

    /// The index of the first interval that ends after `t`.
    #[inline]
    pub fn first_ending_after(&self, t: i64) -> usize {
        self.iv.partition_point(|iv| iv.1 <= t)
    }
}

/// Sorts and merges overlapping or touching intervals.
pub(crate) fn merge(mut iv: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    iv.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(iv.len());
    for (s, e) in iv {
        if e <= s {
            continue;
        }
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

const CHUNK: usize = 128;
const CHUNKS: usize = (MAX_YEAR as usize).div_ceil(CHUNK);

/// The most bytes of compiled years one calendar keeps for its life (about 2,700 years of
/// Mon–Fri 09–12/13–17, or 38 years of 96 openings a day). Years compiled past it are kept
/// only among the four most recent, and their totals are kept always.
pub const MAX_KEPT_BYTES_PER_CALENDAR: usize = 32 << 20;
/// The most bytes of compiled years all the calendars of a process keep together.
pub const MAX_KEPT_BYTES: usize = 256 << 20;
/// Compiled years past the budgets that a calendar still keeps, the most recent first out.
const RECENT: usize = 4;
/// A year whose total is not known yet.
const UNKNOWN: i64 = i64::MIN;

/// The bytes kept by every calendar of the process.
static KEPT: AtomicUsize = AtomicUsize::new(0);

/// One year of the cache: its block while kept, and its total once known (8 bytes a year for
/// good, so that `elapsed` and `add` can cross a year without its block).
struct Slot {
    block: OnceLock<Box<Block>>,
    total: AtomicI64,
}

/// 128 years of lazily built blocks.
type Chunk = Box<[Slot]>;

/// A compiled year: kept for the calendar's life, or one of the few recent ones past the budget.
pub(crate) enum BlockRef<'a> {
    Kept(&'a Block),
    Recent(Arc<Block>),
}

impl Deref for BlockRef<'_> {
    type Target = Block;
    #[inline]
    fn deref(&self) -> &Block {
        match self {
            BlockRef::Kept(b) => b,
            BlockRef::Recent(b) => b,
        }
    }
}

impl Block {
    /// What the block holds on the heap and inline.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Block>()
            + self.iv.capacity() * std::mem::size_of::<(i64, i64)>()
            + self.after.capacity() * std::mem::size_of::<i64>()
    }
}

/// Lazily built blocks for years 1 to 9999, in chunks of 128 years so that an unused calendar
/// costs a few kilobytes. Reads are lock-free once a block is kept. What is kept is bounded by
/// [`MAX_KEPT_BYTES_PER_CALENDAR`] and, over all calendars, [`MAX_KEPT_BYTES`]: without a bound a
/// loop of queries over ten thousand years kept every year, 1.2 MB each at 96 openings a day.
pub(crate) struct BlockCache {
    chunks: Box<[OnceLock<Chunk>]>,
    /// Bytes kept in `chunks`.
    kept: AtomicUsize,
    /// Blocks compiled past the budgets, the newest last.
    recent: Mutex<VecDeque<(i32, Arc<Block>)>>,
}

impl BlockCache {
    pub fn new() -> Self {
        BlockCache {
            chunks: (0..CHUNKS).map(|_| OnceLock::new()).collect(),
            kept: AtomicUsize::new(0),
            recent: Mutex::new(VecDeque::new()),
        }
    }

    #[inline]
    fn slot(&self, year: i32) -> &Slot {
        debug_assert!((MIN_YEAR..=MAX_YEAR).contains(&year));
        let i = (year - MIN_YEAR) as usize;
        let chunk = self.chunks[i / CHUNK].get_or_init(|| {
            (0..CHUNK)
                .map(|_| Slot {
                    block: OnceLock::new(),
                    total: AtomicI64::new(UNKNOWN),
                })
                .collect()
        });
        &chunk[i % CHUNK]
    }

    /// The block of `year` (1 to 9999) if it is kept or recent.
    #[inline]
    pub fn get(&self, year: i32) -> Option<BlockRef<'_>> {
        let slot = self.slot(year);
        if let Some(b) = slot.block.get() {
            return Some(BlockRef::Kept(b));
        }
        if slot.total.load(Ordering::Relaxed) == UNKNOWN {
            return None;
        }
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(y, _)| *y == year)
            .map(|(_, b)| BlockRef::Recent(Arc::clone(b)))
    }

    /// The business time of `year` if it has been compiled.
    #[inline]
    pub fn total(&self, year: i32) -> Option<i64> {
        let slot = self.slot(year);
        if let Some(b) = slot.block.get() {
            return Some(b.total);
        }
        let t = slot.total.load(Ordering::Relaxed);
        (t != UNKNOWN).then_some(t)
    }

    /// Keeps a freshly compiled block while the budgets allow, else among the recent ones.
    pub fn insert(&self, year: i32, block: Block) -> BlockRef<'_> {
        let slot = self.slot(year);
        slot.total.store(block.total, Ordering::Relaxed);
        if let Some(b) = slot.block.get() {
            return BlockRef::Kept(b);
        }
        let size = block.bytes();
        if self.reserve(size) {
            if let Err(_lost) = slot.block.set(Box::new(block)) {
                // Another thread kept the same year first.
                self.release(size);
            }
            if let Some(b) = slot.block.get() {
                return BlockRef::Kept(b);
            }
            unreachable!("a block was just kept");
        }
        let b = Arc::new(block);
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        recent.retain(|(y, _)| *y != year);
        if recent.len() >= RECENT {
            recent.pop_front();
        }
        recent.push_back((year, Arc::clone(&b)));
        BlockRef::Recent(b)
    }

    fn reserve(&self, size: usize) -> bool {
        if self.kept.fetch_add(size, Ordering::Relaxed) + size > MAX_KEPT_BYTES_PER_CALENDAR {
            self.kept.fetch_sub(size, Ordering::Relaxed);
            return false;
        }
        if KEPT.fetch_add(size, Ordering::Relaxed) + size > MAX_KEPT_BYTES {
            KEPT.fetch_sub(size, Ordering::Relaxed);
            self.kept.fetch_sub(size, Ordering::Relaxed);
            return false;
        }
        true
    }

    fn release(&self, size: usize) {
        self.kept.fetch_sub(size, Ordering::Relaxed);
        KEPT.fetch_sub(size, Ordering::Relaxed);
    }
}

impl Drop for BlockCache {
    fn drop(&mut self) {
        KEPT.fetch_sub(*self.kept.get_mut(), Ordering::Relaxed);
    }
}

/// The always-open block of a year.
pub(crate) fn always_open_block(year: i32) -> Block {
    Block::new(year, vec![(year_start(year), year_start(year + 1))])
}

/// The union of several blocks of the same year.
pub(crate) fn union_block(year: i32, parts: &[BlockRef<'_>]) -> Block {
    let mut iv = Vec::with_capacity(parts.iter().map(|b| b.iv.len()).sum());
    iv.extend(parts.iter().flat_map(|b| b.iv.iter().copied()));
    Block::new(year, iv)
}

/// Compiles one UTC year of a zoned calendar.
pub(crate) fn zoned_block(z: &Zoned, year: i32) -> Block {
    // Local dates whose intervals can reach into the UTC year: offsets are within a day and an
    // overnight interval ends at most two days after its start date.
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year - 1, 12, 28),
        NaiveDate::from_ymd_opt(year + 1, 1, 2),
    ) else {
        return Block::new(year, Vec::new());
    };
    let holidays = if z.holidays.is_empty() {
        Vec::new()
    } else {
        occurrences(&z.holidays, first, last)
    };
    // Whole-day holidays by day of the window (at most 372 days). When every day of the window
    // is one and no override opens, the year is closed: the closures of consecutive days chain
    // into one that covers the UTC year, so nothing need be computed. Without this, a calendar
    // closed for centuries by a holiday range took minutes to say so (found by fuzzing).
    let days = usize::try_from((last - first).num_days()).unwrap_or(0) + 1;
    let mut whole = vec![false; days];
    for o in holidays.iter().filter(|o| o.holiday.hours.is_none()) {
        if let Some(w) = usize::try_from((o.date - first).num_days())
            .ok()
            .and_then(|i| whole.get_mut(i))
        {
            *w = true;
        }
    }
    let opens_by_override = z.overrides.range(first..=last).any(|(_, s)| !s.is_empty());
    if !opens_by_override && whole.iter().all(|&w| w) {
        return Block::new(year, Vec::new());
    }
    let mut closed: Vec<(i64, i64, NaiveDate)> = Vec::new();
    // `plain[i]`: day `i` of the window is a whole-day holiday 24 hours long with one offset
    // throughout (no DST shift that day), so its wall times map in order into its closure and an
    // opening inside it is closed entirely: it need not be converted and cut.
    let mut plain = vec![false; days];
    for o in &holidays {
        match &o.holiday.hours {
            None => {
                let next = o.date.checked_add_days(Days::new(1)).unwrap_or(o.date);
                let (c0, c1) = (local_to_utc(z.tz, o.date, 0), local_to_utc(z.tz, next, 0));
                if c1 - c0 == DAY_US
                    && offset_at(z.tz, c0) == offset_at(z.tz, c1 - 1)
                    && let Some(p) = usize::try_from((o.date - first).num_days())
                        .ok()
                        .and_then(|i| plain.get_mut(i))
                {
                    *p = true;
                }
                closed.push((c0, c1, o.date));
            }
            Some(spans) => {
                for span in spans {
                    closed.push((
                        local_to_utc(z.tz, o.date, span.start),
                        local_to_utc(z.tz, o.date, span.end),
                        o.date,
                    ));
                }
            }
        }
    }
    closed.sort_unstable();
    // Open intervals, each with the date of the override that produced it (exempt from that
    // date's holidays).
    let mut open: Vec<(i64, i64, Option<NaiveDate>)> = Vec::with_capacity(800);
    let mut d = first;
    let mut i = 0;
    while d <= last {
        let (spans, exempt) = match z.overrides.get(&d) {
            Some(spans) => (spans.as_slice(), Some(d)),
            None => (
                z.weekly[d.weekday().num_days_from_monday() as usize].as_slice(),
                None,
            ),
        };
        let closed_today = exempt.is_none() && plain[i];
        let closed_tomorrow = plain.get(i + 1).copied().unwrap_or(false);
        for span in spans {
            if closed_today && (span.end <= DAY_S || closed_tomorrow) {
                continue;
            }
            let s = local_to_utc(z.tz, d, span.start);
            let e = local_to_utc(z.tz, d, span.end);
            if e > s {
                open.push((s, e, exempt));
            }
        }
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
        i += 1;
    }
    let mut iv = Vec::with_capacity(open.len());
    // The longest closure: a whole day plus a DST shift, or an overnight partial closure.
    let longest = closed.iter().map(|c| c.1 - c.0).max().unwrap_or(0);
    for (s, e, exempt) in open {
        let mut pieces = vec![(s, e)];
        let from = closed.partition_point(|c| c.0 < s - longest);
        for &(cs, ce, date) in &closed[from..] {
            if cs >= e {
                break;
            }
            if ce <= s || exempt == Some(date) {
                continue;
            }
            pieces = pieces
                .into_iter()
                .flat_map(|(ps, pe)| {
                    if ce <= ps || cs >= pe {
                        vec![(ps, pe)]
                    } else {
                        let mut v = Vec::with_capacity(2);
                        if cs > ps {
                            v.push((ps, cs));
                        }
                        if ce < pe {
                            v.push((ce, pe));
                        }
                        v
                    }
                })
                .collect();
        }
        iv.extend(pieces);
    }
    Block::new(year, iv)
}

impl Block {
    /// A closed year.
    pub(crate) fn default_for(year: i32) -> Block {
        Block::new(year, Vec::new())
    }
}
