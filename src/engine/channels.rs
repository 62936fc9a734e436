//! How a sharer's channels reach friends: per channel, the probability per friend
//! ([`ChannelReach`]), and the chunked selection of 64 sharers' invitations.

use super::*;

/// How a channel's sharer reaches friends, precomputed: the probability per friend as
/// a 32-bit coin's threshold; a per-degree probability costs a division, so it is
/// tabulated for common degrees.
#[derive(Debug, Clone)]
pub(super) enum ChannelReach {
    /// The same probability for every sharer.
    Each(Coins),
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
            other => ChannelReach::Each(Coins::new(other.probability(1))),
        }
    }

    /// The coins of a sharer with `degree` friends.
    #[inline]
    pub(super) fn coins(&self, degree: usize) -> Coins {
        match self {
            ChannelReach::Each(c) => *c,
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
    /// The sharers' friend lists are laid end to end, so that the channels pick their
    /// friends over the whole chunk in one go, with no loop exit per sharer to
    /// mispredict: each by a coin per position, the arc's keyed draw (common random
    /// numbers, [`crate::rng::Keys`]), against its sharer's threshold, without a branch.
    /// Each channel sets a bit per position it reaches; the invitations come out of the
    /// bits in order:
    /// sharer by sharer and, within a sharer, friend by friend, a friend reached by
    /// several channels in channel order (as in [`Prepared::invite_friends`]).
    #[inline(always)]
    pub(super) fn select_chunk(
        &self,
        reach: &[ChannelReach],
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
        start: usize,
    ) -> usize {
        let a = (reach, sharers, s, channel_base, hits, start);
        match reach.len() {
            1 => self.select_chunk_channels::<1>(a.0, a.1, a.2, a.3, a.4, a.5),
            2 => self.select_chunk_channels::<2>(a.0, a.1, a.2, a.3, a.4, a.5),
            n => unreachable!("{n} channels; at most {}", crate::model::MAX_CHANNELS),
        }
    }

    // `select_chunk` dispatches on up to two channels (each takes 32 bits of a keyed
    // draw); slots are bytes, channels bits.
    const _CHANNELS: () = assert!(crate::model::MAX_CHANNELS == 2 && LOCKSTEP_CHUNK <= 256);

    #[inline(always)]
    pub(super) fn select_chunk_channels<const NC: usize>(
        &self,
        reach: &[ChannelReach],
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
        start: usize,
    ) -> usize {
        let graph = self.graph;
        // Per sharer slot: what a position adds to for (tag's upper bits, arc), each
        // channel's threshold, and whether any channel needs a coin (a reach strictly
        // between 0 and 1).
        let mut to_hit = [0u64; LOCKSTEP_CHUNK];
        let mut below = [[0u64; LOCKSTEP_CHUNK]; NC];
        let mut coins = [false; LOCKSTEP_CHUNK];
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
                let b = reach[c].coins(degree).below;
                below[c][slot] = b;
                coins[slot] |= b > 0 && b < COIN_ONE;
            }
            total += degree;
        }
        // Per channel, a bit per position (64 to a word), set if the channel reaches
        // that friend: its 32-bit coin, bits 32c..32c + 32 of the arc's keyed draw
        // (common random numbers: the same friends whatever the design's levers), below
        // the sharer's threshold. A sharer whose channels reach everyone or no one (an
        // active sharer's, mostly) draws nothing.
        let words = total.div_ceil(64);
        let RunScratch { slot_of, reached_bits: reached, marks, keys, channel_invitations, .. } = s;
        let slot_of = &slot_of[..total];
        let key = keys.reach;
        for bits in reached.iter_mut().take(NC) {
            bits.clear();
            bits.resize(words, 0);
        }
        for (p, &slot) in slot_of.iter().enumerate() {
            let slot = slot as usize % LOCKSTEP_CHUNK;
            let arc = to_hit[slot].wrapping_add(p as u64) as u32;
            let h = if coins[slot] { crate::rng::keyed(key, arc as u64) } else { 0 };
            for c in 0..NC {
                let coin = (h >> (32 * c)) as u32 as u64;
                reached[c][p / 64] |= ((coin < below[c][slot]) as u64) << (p % 64);
            }
        }
        for c in 0..NC {
            channel_invitations[c] += reached[c][..words].iter().map(|w| w.count_ones() as u64).sum::<u64>();
        }
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
