//! The compiled index: a calendar's open time as sorted, disjoint UTC intervals with prefix sums
//! of business time, one block per UTC year, built lazily on first use and cached within a
//! memory budget (the total of every compiled year is kept always). `add` and `elapsed` are two
//! binary searches inside a block; the years between are crossed by a running total of business
//! time over the longest run of consecutive compiled years (the window, [`BlockCache::years_total`]),
//! so a 10-year span reads two blocks and two running totals, like a 1-hour one. Years outside
//! the window are crossed one total at a time, as before the window existed.
//! Why blocks per year: docs/design.md, "The index".

use std::collections::VecDeque;
use std::ops::Deref;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering, fence};
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
/// good, so that `elapsed` and `add` can cross a year without its block), and, inside the
/// window, its running total (8 bytes more).
struct Slot {
    block: OnceLock<Box<Block>>,
    total: AtomicI64,
    /// Inside the window: the business time from the start of the window's anchor year to the
    /// start of this year (negative below the anchor). Meaningless outside the window.
    before: AtomicI64,
}

/// The window of running totals: the longest run of consecutive years whose totals are known,
/// found so far. Readers take no lock: `window` grows by a release store once the new years'
/// running totals are written; when a longer run replaces the window (its running totals are
/// rewritten), `seq` is odd meanwhile and changes, and a reader that saw it change walks the
/// years one by one instead (a sequence lock).
struct Running {
    seq: AtomicU64,
    /// The first year in the high 32 bits, the last in the low 32 bits; [`NO_WINDOW`] when none.
    window: AtomicU64,
    /// Serialises the writers: they run when a year is compiled, a cold path.
    writer: Mutex<()>,
}

const NO_WINDOW: u64 = u64::MAX;

#[inline]
fn pack(first: i32, last: i32) -> u64 {
    ((first as u32 as u64) << 32) | last as u32 as u64
}

#[inline]
fn unpack(w: u64) -> Option<(i32, i32)> {
    (w != NO_WINDOW).then_some(((w >> 32) as i32, w as u32 as i32))
}

/// Where a running total reaches a target, from [`BlockCache::reach_up`] / [`BlockCache::reach_down`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// The target is reached inside `year`; `before` is the business time of the years crossed
    /// before it.
    At { year: i32, before: i64 },
    /// The years up to `year` (the window's edge or the limit) hold only `sum`.
    Short { year: i32, sum: i64 },
}

/// The smallest `k` in `0..=n` with `f(k) >= target` for `f` non-decreasing, searched from
/// `guess` outwards (a good guess costs two probes); `Err(f(n))` when `f(n) < target`.
#[inline]
fn first_at_least(n: i32, guess: i32, target: i64, f: impl Fn(i32) -> i64) -> Result<i32, i64> {
    let g = guess.clamp(0, n);
    let (mut lo, mut hi);
    if f(g) >= target {
        hi = g;
        lo = 0;
        let mut step = 1;
        while hi > 0 {
            let p = (g - step).max(0);
            if f(p) < target {
                lo = p + 1;
                break;
            }
            hi = p;
            step = step.saturating_mul(2);
        }
    } else {
        lo = g + 1;
        let mut step = 1;
        loop {
            if lo > n {
                return Err(f(n));
            }
            let p = g.saturating_add(step).min(n);
            if f(p) >= target {
                hi = p;
                break;
            }
            lo = p + 1;
            step = step.saturating_mul(2);
        }
    }
    while lo < hi {
        let m = lo + (hi - lo) / 2;
        if f(m) >= target {
            hi = m;
        } else {
            lo = m + 1;
        }
    }
    Ok(lo)
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
    running: Running,
}

impl BlockCache {
    pub fn new() -> Self {
        BlockCache {
            chunks: (0..CHUNKS).map(|_| OnceLock::new()).collect(),
            kept: AtomicUsize::new(0),
            recent: Mutex::new(VecDeque::new()),
            running: Running {
                seq: AtomicU64::new(0),
                window: AtomicU64::new(NO_WINDOW),
                writer: Mutex::new(()),
            },
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
                    before: AtomicI64::new(0),
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

    /// The slot of `year` if its chunk exists, without creating it.
    #[inline]
    fn existing_slot(&self, year: i32) -> Option<&Slot> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return None;
        }
        let i = (year - MIN_YEAR) as usize;
        self.chunks[i / CHUNK].get().map(|c| &c[i % CHUNK])
    }

    /// The total of `year` if known, without creating its chunk.
    #[inline]
    fn known_total(&self, year: i32) -> Option<i64> {
        let t = self.existing_slot(year)?.total.load(Ordering::Relaxed);
        (t != UNKNOWN).then_some(t)
    }

    /// A year's running total and total; `(0, 0)` for a year whose chunk does not exist
    /// (never one of the window).
    #[inline]
    fn at(&self, y: i32) -> (i64, i64) {
        match self.existing_slot(y) {
            Some(slot) => (
                slot.before.load(Ordering::Relaxed),
                slot.total.load(Ordering::Relaxed),
            ),
            None => (0, 0),
        }
    }

    /// Runs `read` over the window (its first and last year) unless the window is being
    /// rewritten; `None` then, or when `read` says so, or when the window was rewritten
    /// meanwhile (what `read` saw is then discarded).
    #[inline]
    fn read_window<T>(&self, read: impl FnOnce(i32, i32) -> Option<T>) -> Option<T> {
        let r = &self.running;
        let s1 = r.seq.load(Ordering::Acquire);
        if s1 & 1 == 1 {
            return None;
        }
        let (first, last) = unpack(r.window.load(Ordering::Acquire))?;
        let out = read(first, last);
        fence(Ordering::Acquire);
        (r.seq.load(Ordering::Relaxed) == s1)
            .then_some(out)
            .flatten()
    }

    /// The business time of the years `a..=b` when they all lie in the window (`Some(0)` when
    /// `a > b`); `None` when they do not (walk them one by one then).
    #[inline]
    pub fn years_total(&self, a: i32, b: i32) -> Option<i64> {
        if a > b {
            return Some(0);
        }
        self.read_window(|first, last| {
            if a < first || b > last {
                return None;
            }
            let (before_b, total_b) = self.at(b);
            Some(before_b + total_b - self.at(a).0)
        })
    }

    /// From the start of year `from` (in the window) forwards, over the years up to `limit`
    /// and the window's last year: the first year at whose end the business time reaches
    /// `target` (> 0), or how much there is when it does not. `None` when `from` is not in the
    /// window.
    // Kept out of `shift`, so that the one-year path stays small.
    #[inline(never)]
    pub fn reach_up(&self, from: i32, limit: i32, target: i64) -> Option<Reach> {
        self.read_window(|first, last| {
            let to = last.min(limit);
            if from < first || from > to {
                return None;
            }
            let (base, rate) = self.at(from);
            let sum = |k: i32| {
                let (b, t) = self.at(from + k);
                b + t - base
            };
            let guess = i32::try_from((target - 1) / rate.max(1)).unwrap_or(i32::MAX);
            Some(match first_at_least(to - from, guess, target, sum) {
                Ok(k) => Reach::At {
                    year: from + k,
                    before: self.at(from + k).0 - base,
                },
                Err(sum) => Reach::Short { year: to, sum },
            })
        })
    }

    /// From the end of year `from` (in the window) backwards, over the years down to `limit`
    /// and the window's first year: the first year at whose start the business time reaches
    /// `need` (> 0), with `before` the business time of the years after it, or how much there
    /// is when it does not. `None` when `from` is not in the window.
    // Kept out of `shift`, so that the one-year path stays small.
    #[inline(never)]
    pub fn reach_down(&self, from: i32, limit: i32, need: i64) -> Option<Reach> {
        self.read_window(|first, last| {
            let to = first.max(limit);
            if from > last || from < to {
                return None;
            }
            let (b, t) = self.at(from);
            let (end, rate) = (b + t, t);
            let sum = |k: i32| end - self.at(from - k).0;
            let guess = i32::try_from((need - 1) / rate.max(1)).unwrap_or(i32::MAX);
            Some(match first_at_least(from - to, guess, need, sum) {
                Ok(k) => {
                    let (b, t) = self.at(from - k);
                    Reach::At {
                        year: from - k,
                        before: end - b - t,
                    }
                }
                Err(sum) => Reach::Short { year: to, sum },
            })
        })
    }

    /// Takes a newly known year into the window: extends it when adjacent (and then every
    /// known year that follows), or makes the run of known years around it the window when that
    /// run is longer. Each step is bounded by the 9,999 years; a year is compiled at most once
    /// while kept, and a replaced window is shorter than its successor.
    fn note_known(&self, year: i32) {
        let r = &self.running;
        let _writer = r.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let Some((mut first, mut last)) = unpack(r.window.load(Ordering::Relaxed)) else {
            self.rewrite(year, year);
            return self.absorb();
        };
        if (first..=last).contains(&year) {
            return;
        }
        let put = |y: i32, before: i64| {
            if let Some(slot) = self.existing_slot(y) {
                slot.before.store(before, Ordering::Relaxed);
            }
        };
        if year == last + 1 {
            let (b, t) = self.at(last);
            put(year, b + t);
            last = year;
        } else if year == first - 1 {
            let b = self.at(first).0;
            put(year, b - self.known_total(year).unwrap_or(0));
            first = year;
        } else {
            let (a, b) = self.known_run(year);
            if b - a > last - first {
                self.rewrite(a, b);
            }
            return;
        }
        r.window.store(pack(first, last), Ordering::Release);
        self.absorb();
    }

    /// The run of consecutive known years around `year` (known itself).
    fn known_run(&self, year: i32) -> (i32, i32) {
        let (mut a, mut b) = (year, year);
        while self.known_total(a - 1).is_some() {
            a -= 1;
        }
        while self.known_total(b + 1).is_some() {
            b += 1;
        }
        (a, b)
    }

    /// Extends the window over the known years adjacent to it.
    fn absorb(&self) {
        let r = &self.running;
        let Some((mut first, mut last)) = unpack(r.window.load(Ordering::Relaxed)) else {
            return;
        };
        let (f0, l0) = (first, last);
        while self.known_total(last + 1).is_some() {
            let (b, tl) = self.at(last);
            if let Some(slot) = self.existing_slot(last + 1) {
                slot.before.store(b + tl, Ordering::Relaxed);
            }
            last += 1;
        }
        while let Some(t) = self.known_total(first - 1) {
            let b = self.at(first).0;
            if let Some(slot) = self.existing_slot(first - 1) {
                slot.before.store(b - t, Ordering::Relaxed);
            }
            first -= 1;
        }
        if (first, last) != (f0, l0) {
            r.window.store(pack(first, last), Ordering::Release);
        }
    }

    /// Makes the known years `a..=b` the window, anchored at `a`, under the sequence lock.
    fn rewrite(&self, a: i32, b: i32) {
        let r = &self.running;
        let s = r.seq.load(Ordering::Relaxed);
        r.seq.store(s + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        let mut before = 0;
        for y in a..=b {
            if let Some(slot) = self.existing_slot(y) {
                slot.before.store(before, Ordering::Relaxed);
                before += slot.total.load(Ordering::Relaxed);
            }
        }
        r.window.store(pack(a, b), Ordering::Relaxed);
        r.seq.store(s + 2, Ordering::Release);
    }

    /// Keeps a freshly compiled block while the budgets allow, else among the recent ones.
    pub fn insert(&self, year: i32, block: Block) -> BlockRef<'_> {
        let slot = self.slot(year);
        slot.total.store(block.total, Ordering::Relaxed);
        self.note_known(year);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A year of `hours` hours of business time from its start.
    fn block(year: i32, hours: i64) -> Block {
        let s = year_start(year);
        Block::new(year, vec![(s, s + hours * 3_600_000_000)])
    }

    #[test]
    fn first_at_least_finds_the_first_from_any_guess() {
        let f = |k: i32| i64::from(k / 3);
        for n in 0..40 {
            for target in 0..=i64::from(n / 3) + 1 {
                let want = (0..=n).find(|&k| f(k) >= target).ok_or(f(n));
                for guess in -3..n + 3 {
                    assert_eq!(
                        first_at_least(n, guess, target, f),
                        want,
                        "{n} {target} {guess}"
                    );
                }
            }
        }
    }

    /// Years compiled in a scrambled order: the window is always the longest run of known
    /// years, and its running totals add up as the years' totals do.
    #[test]
    fn the_window_is_the_longest_run_and_adds_up() {
        let cache = BlockCache::new();
        let hours = |y: i32| i64::from(y % 7) * 10;
        let mut years: Vec<i32> = (2000..2040).collect();
        // A fixed scramble: multiples of 17 modulo 40.
        years.sort_by_key(|y| (y * 17) % 40);
        let mut known = std::collections::BTreeSet::new();
        for y in years {
            cache.insert(y, block(y, hours(y)));
            known.insert(y);
            // The longest run of known years.
            let (mut best, mut run) = ((0, -1), (0, -1));
            for &k in &known {
                run = if k == run.1 + 1 { (run.0, k) } else { (k, k) };
                if run.1 - run.0 > best.1 - best.0 {
                    best = run;
                }
            }
            let (first, last) = unpack(cache.running.window.load(Ordering::Relaxed)).unwrap();
            assert_eq!(last - first, best.1 - best.0, "after {y}");
            for a in first..=last {
                for b in a..=last {
                    let want: i64 = (a..=b).map(|y| hours(y) * 3_600_000_000).sum();
                    assert_eq!(cache.years_total(a, b), Some(want));
                }
            }
            assert_eq!(cache.years_total(first - 1, last), None);
        }
        let h = 3_600_000_000;
        // 2000..=2039 all known: 2001 holds 60 h, 2002 none, 2003 10 h.
        assert_eq!(
            cache.reach_up(2001, 9999, 65 * h),
            Some(Reach::At {
                year: 2003,
                before: 60 * h
            })
        );
        assert_eq!(
            cache.reach_up(2001, 2002, 61 * h),
            Some(Reach::Short {
                year: 2002,
                sum: 60 * h
            })
        );
        assert_eq!(
            cache.reach_down(2003, 1, 15 * h),
            Some(Reach::At {
                year: 2001,
                before: 10 * h
            })
        );
        assert_eq!(cache.reach_up(2040, 9999, h), None);
    }
}
