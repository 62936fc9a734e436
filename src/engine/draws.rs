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

/// The same when selecting into a list ([`Coins::select`]): branch-free coins cost no
/// mispredicted branches, so they win from a lower probability
/// (benches/campaign_vs_ic.rs).
pub(super) const SELECT_COINS_ABOVE: f64 = 0.3;

impl Coins {
    pub(super) fn new(p: f64) -> Self {
        // ln(1 - p) as ln_1p(-p): `(1.0 - p).ln()` is 0 for p below 2^-53, which made
        // every skip 0 and took every item (issue 22). For a p so small that the scale
        // is infinite, every skip is past the list.
        let skip_scale = if p > 0.0 && p < 1.0 { 1.0 / -(-p).ln_1p() } else { 0.0 };
        Self { p, skip_scale, below: coin_threshold(p) }
    }

    /// Writes each `j` in `0..len` kept independently with probability `p`, in
    /// increasing order, to the start of `out` (room for `len` items) and returns how
    /// many.
    #[inline(always)]
    pub(super) fn select_into(&self, len: usize, rng: &mut SimRng, out: &mut [u32]) -> usize {
        let out = &mut out[..len];
        if self.p > SELECT_COINS_ABOVE && self.p < 1.0 {
            // Branch-free: write every index, advance over the kept ones only. Two
            // 32-bit coins per 64-bit draw, each kept when below p rounded to a
            // multiple of 2^-32.
            let below = self.below;
            let mut n = 0;
            let mut j = 0;
            while j + 1 < len {
                let word = rng.next_u64();
                out[n] = j as u32;
                n += ((word & 0xFFFF_FFFF) < below) as usize;
                out[n] = j as u32 + 1;
                n += ((word >> 32) < below) as usize;
                j += 2;
            }
            if j < len {
                out[n] = j as u32;
                n += ((rng.next_u64() & 0xFFFF_FFFF) < below) as usize;
            }
            n
        } else {
            let mut n = 0;
            self.for_each(len, rng, |j, _| {
                out[n] = j as u32;
                n += 1;
            });
            n
        }
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
        let word = rng.next_u64();
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

/// p × 2^32, rounded half up: a uniform 32-bit coin below it succeeds with probability
/// p within 1.2e-10. (Adding ½ and truncating, because `round` is a library call on the
/// x86-64 baseline, and continuous ties compute a threshold per invitation.)
#[inline]
pub(super) fn coin_threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 4_294_967_296.0 + 0.5) as u64
}

/// The upper 16 bits of a 32-bit coin's threshold `below` (at most 2^32), capped at
/// 65,535: a 16-bit coin below it is below `below` whatever the lower 16 bits, one above
/// it is not, and one equal to it needs the lower 16 bits to decide.
#[inline]
pub(super) fn coin_upper(below: u64) -> u16 {
    (below >> 16).min(u16::MAX as u64) as u16
}

/// Sets bit p of `bits` (64 to a word) for each position p in `0..total` kept with
/// probability `below(p)` / 2^32 (`below(p)` at most 2^32, `upper[p]` its
/// [`coin_upper`]): a 16-bit coin per position, four per draw, compared 16 at a time
/// with `upper` without a branch; a coin equal to it (one in 65,536) is settled by 16
/// more bits, in order of position, so the decision is exactly that of the 32-bit coin
/// (16-bit coin, 16 more bits) against `below(p)`. `upper` is padded, and `coins16`
/// filled, to the next multiple of 64 positions.
#[inline(always)]
pub(super) fn coin_bits(
    total: usize,
    upper: &mut Vec<u16>,
    below: impl Fn(usize) -> u64,
    coins16: &mut Vec<u16>,
    bits: &mut [u64],
    rng: &mut SimRng,
) {
    let padded = total.next_multiple_of(64);
    coins16.resize(padded.max(coins16.len()), 0);
    for block in coins16[..total.next_multiple_of(4)].chunks_exact_mut(4) {
        let w = rng.next_u64();
        block.copy_from_slice(&[w as u16, (w >> 16) as u16, (w >> 32) as u16, (w >> 48) as u16]);
    }
    // Padding: a coin of 65,535 against a threshold of 0 is neither below it nor equal.
    coins16[total..padded].fill(u16::MAX);
    upper.resize(upper.len().max(padded), 0);
    upper[total..padded].fill(0);
    let mut ties = false;
    for (i, (coin, up)) in coins16[..padded].chunks_exact(16).zip(upper[..padded].chunks_exact(16)).enumerate() {
        let (mask, tie) =
            crate::hint::below_mask16(coin.try_into().expect("blocks of 16"), up.try_into().expect("blocks of 16"));
        bits[i / 4] |= mask << (16 * (i % 4));
        ties |= tie;
    }
    if ties {
        for p in 0..total {
            if coins16[p] == upper[p] {
                let coin = ((coins16[p] as u64) << 16) | (rng.next_u64() >> 48);
                bits[p / 64] |= ((coin < below(p)) as u64) << (p % 64);
            }
        }
    }
}
