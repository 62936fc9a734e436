//! How a sharer's channels reach friends: per channel, the probability per friend
//! ([`ChannelReach`]), and the chunked selection of 64 sharers' invitations.

use super::*;

/// How a channel's sharer reaches friends, precomputed: the skip scale of a
/// per-degree probability costs a logarithm, so it is tabulated for common degrees.
#[derive(Debug, Clone)]
pub(super) enum ChannelReach {
    /// The same probability for every sharer, with its skip table when skips are
    /// cheaper than a coin per friend.
    Each(Coins, Option<SkipTable>),
    /// min(1, mean / degree): `table[d]` for degrees below its length.
    PerDegree { mean: f64, table: Vec<Coins> },
}

/// Degrees whose per-degree reach is tabulated.
pub(super) const REACH_TABLE_DEGREES: usize = 1024;

impl ChannelReach {
    pub(super) fn new(rule: InviteRule) -> Self {
        match rule {
            InviteRule::MeanPerSharer(mean) => ChannelReach::PerDegree {
                mean,
                table: (0..REACH_TABLE_DEGREES).map(|d| Coins::new(rule.probability(d))).collect(),
            },
            other => {
                let p = other.probability(1);
                ChannelReach::Each(Coins::new(p), SkipTable::new(p).filter(|_| p <= SELECT_COINS_ABOVE))
            }
        }
    }

    /// Replaces `kept` with the friends (indices in `0..degree`) a sharer of `degree`
    /// friends reaches.
    #[inline]
    pub(super) fn select(&self, degree: usize, rng: &mut SimRng, kept: &mut Vec<u32>) {
        kept.clear();
        kept.resize(degree, 0);
        let n = match self {
            ChannelReach::Each(_, Some(table)) => {
                let mut n = 0;
                table.for_each(degree, rng, |j, _| {
                    kept[n] = j as u32;
                    n += 1;
                });
                n
            }
            _ => self.coins(degree).select_into(degree, rng, kept),
        };
        kept.truncate(n);
    }

    #[inline]
    pub(super) fn coins(&self, degree: usize) -> Coins {
        match self {
            ChannelReach::Each(c, _) => *c,
            ChannelReach::PerDegree { mean, table } => {
                table.get(degree).copied().unwrap_or_else(|| Coins::new((mean / degree as f64).min(1.0)))
            }
        }
    }
}

impl<'a> Prepared<'a> {
    /// Writes to `hits`, from index `start`, the invitations a chunk's sharers send
    /// through the channels `reach` (an ordinary or an active sharer's), as (invitee,
    /// tag), and returns where they end: `sharers` holds each sharer and their place
    /// `k` in the chunk, and the tag holds `k` in its upper 16 bits and, in the lower,
    /// the offset in the conversion table of the channel (`channel_base`) and, with tie
    /// classes, of the tie's class. On continuous ties, `s.hit_ties` gets each
    /// invitation's tie strength. The invitees' marks are prefetched.
    ///
    /// The sharers' friend lists are laid end to end, so that each channel picks its
    /// friends over the whole chunk in one go, with no loop exit per sharer to
    /// mispredict: a channel with a reach probability of 0.3 or less (Moments) by one
    /// run of geometric skips over all positions; the others (direct messages, whose
    /// probability depends on the sharer's number of friends) by a coin per position
    /// against its sharer's threshold ([`coin_bits`]), without a branch. Each channel
    /// sets a bit per position it reaches; the invitations come out of the bits in order:
    /// sharer by sharer and, within a sharer, friend by friend, a friend reached by
    /// several channels in channel order (as in [`Prepared::invite_friends`]).
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn select_chunk(
        &self,
        reach: &[ChannelReach],
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        rng: &mut SimRng,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
        start: usize,
    ) -> usize {
        // One version per number of channels and way each picks (coins or skips), so
        // that the loop over positions does only what the channels need.
        let by_coins = |c: usize| match &reach[c] {
            ChannelReach::PerDegree { .. } => true,
            ChannelReach::Each(_, Some(_)) => false,
            ChannelReach::Each(coins, None) => coins.p > SELECT_COINS_ABOVE,
        };
        let a = (reach, sharers, s, rng, channel_base, hits, start);
        match (reach.len(), by_coins(0), reach.len() > 1 && by_coins(1)) {
            (1, true, _) => self.select_chunk_channels::<1, true, false>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (1, false, _) => self.select_chunk_channels::<1, false, false>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (2, true, true) => self.select_chunk_channels::<2, true, true>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (2, true, false) => self.select_chunk_channels::<2, true, false>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (2, false, true) => self.select_chunk_channels::<2, false, true>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (2, false, false) => self.select_chunk_channels::<2, false, false>(a.0, a.1, a.2, a.3, a.4, a.5, a.6),
            (n, ..) => unreachable!("{n} channels; at most {}", crate::model::MAX_CHANNELS),
        }
    }

    // `select_chunk` dispatches on up to two channels; slots are bytes, channels bits.
    const _CHANNELS: () = assert!(crate::model::MAX_CHANNELS == 2 && LOCKSTEP_CHUNK <= 256);

    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn select_chunk_channels<const NC: usize, const COINS_0: bool, const COINS_1: bool>(
        &self,
        reach: &[ChannelReach],
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        rng: &mut SimRng,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
        start: usize,
    ) -> usize {
        let graph = self.graph;
        // Per channel: whether it draws a coin per position (else it picks by skips).
        let coins: [bool; NC] = std::array::from_fn(|c| if c == 0 { COINS_0 } else { COINS_1 });
        // Per sharer slot: what a position adds to for (tag's upper bits, arc), and each
        // coin channel's threshold.
        let mut to_hit = [0u64; LOCKSTEP_CHUNK];
        let mut below = [[0u64; LOCKSTEP_CHUNK]; NC];
        let mut total = 0usize;
        for (slot, &(u, k)) in sharers.iter().enumerate() {
            let first = graph.first_arc(NodeId(u));
            let degree = graph.degree(NodeId(u));
            if degree == 0 {
                continue;
            }
            self.prefetch_arcs(first, degree);
            // (tag << 32) + arc - position, wrapping: adding a position of this
            // sharer gives (tag << 32) + its arc exactly.
            to_hit[slot] = ((k as u64) << 48).wrapping_add(first as u64).wrapping_sub(total as u64);
            let room = total + slots_room::<16>(degree);
            if s.slot_of.len() < room {
                s.slot_of.resize(room.max(2 * s.slot_of.len()), 0);
            }
            fill_slots::<_, 16>(&mut s.slot_of[total..], degree, slot as u8);
            for c in 0..NC {
                if coins[c] {
                    let b = reach[c].coins(degree).below;
                    below[c][slot] = b;
                    let t = &mut s.upper_below[c];
                    if t.len() < room {
                        t.resize(room.max(2 * t.len()), 0);
                    }
                    fill_slots::<_, 16>(&mut t[total..], degree, coin_upper(b));
                }
            }
            total += degree;
        }
        // Per channel, a bit per position (64 to a word), set if the channel reaches
        // that friend: coin channels by a 16-bit coin per position ([`coin_bits`]), skip
        // channels by one run of skips over all positions.
        let words = total.div_ceil(64);
        let RunScratch { slot_of, upper_below, coins16, reached_bits: reached, marks, .. } = s;
        let slot_of = &slot_of[..total];
        // A local copy of the generator stays in registers (through `rng`, its state
        // would be stored and reloaded for every draw: the stores may alias).
        let mut local = rng.clone();
        for c in 0..NC {
            let bits = &mut reached[c];
            bits.clear();
            bits.resize(words, 0);
            if coins[c] {
                let below = &below[c];
                let upper = &mut upper_below[c];
                coin_bits(total, upper, |p| below[slot_of[p] as usize], coins16, bits, &mut local);
            } else {
                let mark = |j: usize, _: &mut SimRng| bits[j / 64] |= 1 << (j % 64);
                match &reach[c] {
                    ChannelReach::Each(_, Some(table)) => table.for_each(total, &mut local, mark),
                    reach => reach.coins(1).for_each(total, &mut local, mark),
                }
            }
        }
        *rng = local;
        // The invitations in order: each position some channel reaches, found bit by
        // bit, gives (invitee, tag) to each channel's place in `hits` (the invitee's mark
        // prefetched; with tie classes or cells of strength the offset of the arc's class
        // or cell is added to the tag's table offset), kept by advancing it when that
        // channel reaches it, without a branch.
        let room = start + NC * total + 1;
        if hits.len() < room {
            hits.resize(room.max(2 * hits.len()), (0, 0));
        }
        let targets = graph.all_targets();
        // Each arc's class or cell, and the table entries per class or cell.
        let classes: Option<(&[u8], u32)> = match (&self.tie_classes, &self.tie_cells) {
            (Some(tie), _) => Some((&tie.class_of_arc, TABLE_EXPOSURES as u32)),
            (None, Some(cells)) => Some((cells, CELL_STRIDE as u32)),
            (None, None) => None,
        };
        let marks = &marks[..];
        let base: [u32; NC] = std::array::from_fn(|c| channel_base[c]);
        let mut n = start;
        for (w, &first) in reached[0][..words].iter().enumerate() {
            let by: [u64; NC] = std::array::from_fn(|c| if c == 0 { first } else { reached[c][w] });
            let mut any = by.iter().fold(0, |a, &b| a | b);
            while any != 0 {
                let i = any.trailing_zeros();
                any &= any - 1;
                let p = 64 * w + i as usize;
                // (Slots are below LOCKSTEP_CHUNK; the remainder lets the compiler drop
                // the bounds checks on the slot arrays.)
                let slot = slot_of[p] as usize % LOCKSTEP_CHUNK;
                let hit = to_hit[slot].wrapping_add(p as u64);
                let arc = hit as u32 as usize;
                let v = targets[arc];
                prefetch(&marks[v as usize]);
                let tag = (hit >> 32) as u32 + classes.map_or(0, |(class, stride)| class[arc] as u32 * stride);
                for c in 0..NC {
                    debug_assert!(n < hits.len());
                    // SAFETY: `n` starts at `start` and grows by at most one per channel
                    // and position, so it stays below `start` + NC × `total` + 1, the room
                    // made above in `hits`. (The
                    // bounds checks cost the Qixi campaign of benches/campaign_vs_ic.rs
                    // 1–2%.)
                    unsafe { *hits.get_unchecked_mut(n) = (v, tag + base[c]) };
                    n += ((by[c] >> i) & 1) as usize;
                }
            }
        }
        n
    }
}
