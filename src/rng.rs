//! The one random generator used everywhere, and how every stream is seeded.
//!
//! Each stream (the graph generator, run `i` of the Monte Carlo) gets its own
//! generator seeded from `(rng_seed, stream)` through [`derive_seed`], never from the
//! thread, the clock or the order of scheduling. That is what makes results
//! byte-identical for any number of threads.

use rand::SeedableRng;

/// The simulation generator: PCG 64-bit MCG, portable and fast (0.98 ns per `u64`).
pub type SimRng = rand_pcg::Pcg64Mcg;

/// SplitMix64 finaliser: a bijective mix of 64 bits.
///
/// ```
/// assert_ne!(fission::rng::splitmix64(1), fission::rng::splitmix64(2));
/// ```
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stream label for the graph generator.
pub const STREAM_GRAPH: u64 = u64::MAX;

/// The seed of stream `stream` under master seed `rng_seed`.
pub fn derive_seed(rng_seed: u64, stream: u64) -> u64 {
    splitmix64(rng_seed ^ splitmix64(stream))
}

/// A generator for stream `stream` under master seed `rng_seed` (run `i` uses stream `i`).
pub fn stream_rng(rng_seed: u64, stream: u64) -> SimRng {
    SimRng::seed_from_u64(derive_seed(rng_seed, stream))
}

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn uniform(rng: &mut SimRng) -> f64 {
    use rand::Rng;
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `0..n` (n > 0), by Lemire's multiply-shift (the bias is at
/// most n / 2^64, far below anything a simulation can detect).
#[inline]
pub fn below(rng: &mut SimRng, n: u64) -> u64 {
    use rand::Rng;
    ((rng.next_u64() as u128 * n as u128) >> 64) as u64
}

/// The keys of one run's counter-based draws (common random numbers): each decision
/// that does not depend on the design draws from a hash of its key and what it
/// decides about, [`keyed`], so two scenarios that differ only in levers, channel
/// parameters or rewards make the same draws for the same decisions, in any order
/// (docs/MODEL.md §1, "Common random numbers").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keys {
    /// Whether a person shares, and as an active or an ordinary sharer: by person.
    pub share: u64,
    /// Whether a sharer's channel reaches a friend: by arc (channel c takes bits
    /// 32c..32c + 32 of the hash).
    pub reach: u64,
    /// Whether an invitation converts: by (sender, friend), one key per channel.
    pub convert: [u64; 2],
    /// The delay of a converted invitation: by (sender, friend).
    pub delay: u64,
    /// Which of a sharer's groups they post to: by (sharer, draw).
    pub group_pick: u64,
    /// Whether a group post converts a member: by (sharer, member), per group.
    pub group_convert: u64,
    /// Whether a follower opens an official account's push: by (push, follower).
    pub account_open: u64,
    /// Whether a push's reader joins: by (push, follower).
    pub account_convert: u64,
    /// Whether a follower unfollows after a push: by (push, follower).
    pub unfollow: u64,
}

impl Keys {
    /// The keys of run `run` under master seed `rng_seed` (independent of the run's
    /// stream, [`stream_rng`]).
    pub fn for_run(rng_seed: u64, run: u64) -> Self {
        let base = derive_seed(rng_seed, run) ^ 0x6A09_E667_F3BC_C909;
        let key = |purpose: u64| splitmix64(base.wrapping_add(purpose.wrapping_mul(0xD1B5_4A32_D192_ED03)));
        Self {
            share: key(1),
            reach: key(2),
            convert: [key(3), key(4)],
            delay: key(5),
            group_pick: key(6),
            group_convert: key(7),
            account_open: key(8),
            account_convert: key(9),
            unfollow: key(10),
        }
    }
}

/// The draw of decision `index` under `key`: 64 bits, a bijective mix of
/// key ⊕ index·M (M odd), so distinct indices under one key never share an input.
///
/// ```
/// use fission::rng::keyed;
/// assert_eq!(keyed(7, 3), keyed(7, 3));
/// assert_ne!(keyed(7, 3), keyed(7, 4));
/// ```
#[inline(always)]
pub fn keyed(key: u64, index: u64) -> u64 {
    splitmix64(key ^ index.wrapping_mul(0x9FB2_1C65_1E98_DF25))
}

/// The index of the pair (sender `u`, friend `v`) for [`keyed`].
#[inline(always)]
pub fn pair(u: u32, v: u32) -> u64 {
    ((u as u64) << 32) | v as u64
}
