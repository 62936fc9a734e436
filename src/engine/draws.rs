//! Random draws the engine makes cheaply: independent coins over a list ([`Coins`]),
//! geometric skips by table ([`SkipTable`]), 32-bit coin thresholds and bit masks.

use super::*;

/// Senders whose successes a lockstep run draws before checking who among them is new
/// ([`Prepared::run_lockstep`]).
pub(super) const LOCKSTEP_CHUNK: usize = 64;

// Chunks of 64 senders, the size measured best (docs/PERFORMANCE.md); a sender's place
// in a chunk fits the byte of `RunScratch::slot_of`.
const _: () = assert!(LOCKSTEP_CHUNK == 64);

/// How many people ahead in the day's queue to prefetch (benches/ic_floor.rs: 4 to 16
/// are within noise of each other).
pub(super) const PREFETCH_DISTANCE: usize = 8;

/// Independent coins with one probability over a list, drawn the cheap way: for small
/// `p` by geometric skips (the work follows the successes, not the list), for large `p`
/// by a coin per item.
#[derive(Debug, Clone, Copy)]
pub(super) struct Coins {
    pub(super) p: f64,
    /// 1 / -ln(1 - p): an Exp(1) draw times this, rounded down, is the number of
    /// failures before the next success.
    pub(super) skip_scale: f64,
    /// [`coin_threshold`]`(p)`: a 32-bit coin below it succeeds.
    pub(super) below: u64,
}

/// Above this probability a coin per item (one uniform draw, ~1 ns) beats a skip
/// (an Exp(1) draw by ziggurat plus a multiplication) per success.
pub(super) const COINS_ABOVE: f64 = 0.5;

impl Coins {
    pub(super) fn new(p: f64) -> Self {
        // ln(1 - p) as ln_1p(-p): `(1.0 - p).ln()` is 0 for p below 2^-53, which made
        // every skip 0 and took every item (issue 22). For a p so small that the scale
        // is infinite, every skip is past the list.
        let skip_scale = if p > 0.0 && p < 1.0 { 1.0 / -(-p).ln_1p() } else { 0.0 };
        Self { p, skip_scale, below: coin_threshold(p) }
    }

    /// Calls `f(j)` for each `j` in `0..len` kept independently with probability `p`.
    #[inline(always)]
    pub(super) fn for_each(&self, len: usize, rng: &mut SimRng, mut f: impl FnMut(usize, &mut SimRng)) {
        let p = self.p;
        if p <= 0.0 || len == 0 {
            return;
        }
        if p >= 1.0 {
            for j in 0..len {
                f(j, rng);
            }
            return;
        }
        if p > COINS_ABOVE {
            for j in 0..len {
                if uniform(rng) < p {
                    f(j, rng);
                }
            }
            return;
        }
        let mut j = 0usize;
        loop {
            let e: f64 = rng.sample(Exp1);
            let skip = e * self.skip_scale;
            // (Also ends on an undefined skip: 0 × an infinite scale.)
            if skip >= (len - j) as f64 || skip.is_nan() {
                return;
            }
            j += skip as usize;
            f(j, rng);
            j += 1;
            if j >= len {
                return;
            }
        }
    }
}

/// Geometric skips by table lookup: the number of failures before the next success of
/// a coin with probability `p`, drawn from one 64-bit word. Its top 12 bits pick one of
/// 4,096 equal cells of the inverse distribution function; a cell that maps to a single
/// skip (4,061 of 4,096 at p = 0.2) holds it, and the rare cell that straddles two
/// skips is resolved exactly from the word's other 52 bits and a logarithm. The result
/// is the inverse-CDF draw floor(ln V / ln(1 - p)) with V the 64-bit uniform on (0, 1],
/// with no Exp(1) draw and no float on the common path: the bare cascade of
/// `benches/ic_floor.rs` on ER n = 100,000, p = 0.2 goes from 7.3–8.4 ms to
/// 5.0–5.4 ms a run. 8 kB, so it stays in the first-level cache.
#[derive(Debug, Clone)]
pub struct SkipTable {
    /// Per cell, its skip, or [`SkipTable::STRADDLES`].
    pub(super) cells: Box<[u16]>,
    /// ln(1 - p) (< 0).
    pub(super) log_q: f64,
}

impl SkipTable {
    pub(super) const BITS: u32 = 12;
    pub(super) const STRADDLES: u16 = u16::MAX;

    /// The table for probability `p`, or None when `p` is outside (0, 1) or so small
    /// that more than an eighth of the cells straddle two skips (p below about 0.016:
    /// the skips are then long and rare, and an Exp(1) draw per skip costs little).
    ///
    /// ```
    /// use fission::engine::SkipTable;
    /// let table = SkipTable::new(0.2).unwrap();
    /// let mut rng = fission::rng::stream_rng(1, 0);
    /// let mean = (0..100_000).map(|_| table.skip(&mut rng) as f64).sum::<f64>() / 1e5;
    /// assert!((mean - 4.0).abs() < 0.1); // (1 - p) / p
    /// assert!(SkipTable::new(0.001).is_none());
    /// ```
    pub fn new(p: f64) -> Option<Self> {
        if !(p > 0.0 && p < 1.0) {
            return None;
        }
        let log_q = (-p).ln_1p();
        let cells = 1u32 << Self::BITS;
        let scale = 1.0 / cells as f64;
        let cells = (0..cells)
            .map(|c| {
                // Cell c covers V in (1 - (c + 1) / 4096, 1 - c / 4096], where the skip
                // floor(ln V / ln q) runs from x_top up to (not including) x_bottom.
                let top = 1.0 - c as f64 * scale;
                let bottom = 1.0 - (c + 1) as f64 * scale;
                if bottom <= 0.0 {
                    return Self::STRADDLES;
                }
                // Margins keep a cell whose edge lies within rounding of a skip
                // boundary on the exact path.
                let low = if c == 0 { 0.0 } else { top.ln() / log_q - 1e-9 };
                let high = bottom.ln() / log_q + 1e-9;
                let k = low.floor();
                if k == high.floor() && k < Self::STRADDLES as f64 { k as u16 } else { Self::STRADDLES }
            })
            .collect::<Box<[u16]>>();
        let straddling = cells.iter().filter(|&&k| k == Self::STRADDLES).count();
        (straddling <= cells.len() / 8).then_some(Self { cells, log_q })
    }

    /// One skip (saturating far beyond any friend list for a tiny `p`).
    #[inline(always)]
    pub fn skip(&self, rng: &mut SimRng) -> usize {
        self.skip_of(rng.next_u64())
    }

    /// The skip that the 64-bit draw `word` gives (the inverse CDF at
    /// V = (2^64 − word) / 2^64, by the table or exactly).
    #[inline(always)]
    pub fn skip_of(&self, word: u64) -> usize {
        let k = self.cells[(word >> (64 - Self::BITS)) as usize];
        if k != Self::STRADDLES { k as usize } else { self.exact_skip(word) }
    }

    /// The skip of `word` computed exactly: V = (2^64 - word) / 2^64.
    #[cold]
    pub(super) fn exact_skip(&self, word: u64) -> usize {
        let v = ((!word) as f64 + 1.0) * (1.0 / 18_446_744_073_709_551_616.0);
        (v.ln() / self.log_q).min((usize::MAX / 4) as f64) as usize
    }

    /// Calls `f(j)` for each `j` in `0..len` kept independently with probability `p`.
    #[inline(always)]
    pub fn for_each(&self, len: usize, rng: &mut SimRng, mut f: impl FnMut(usize, &mut SimRng)) {
        let mut j = 0usize;
        loop {
            let skip = self.skip(rng);
            if skip >= len - j {
                return;
            }
            j += skip;
            f(j, rng);
            j += 1;
        }
    }
}

/// The threshold of a coin that always succeeds: 2^32, above every 32-bit coin.
pub(super) const COIN_ONE: u64 = 1 << 32;

/// p × 2^32, rounded half up: a uniform 32-bit coin below it succeeds with probability
/// p within 1.2e-10. (Adding ½ and truncating, because `round` is a library call on the
/// x86-64 baseline, and continuous ties compute a threshold per invitation.)
#[inline]
pub(super) fn coin_threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 4_294_967_296.0 + 0.5) as u64
}
