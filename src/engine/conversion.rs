//! Whether an invitation converts: tables by channel, invitations received and tie
//! class, cells of tie strength for continuous strengths, and the coin's decision.

use super::*;

/// A campaign on a graph whose ties take few distinct strengths (a stochastic block
/// model's strong and weak ties): each arc's strength class and the conversion table
/// by channel, class and invitations received, so no invitation computes a logistic
/// (benches/campaign_vs_ic.rs).
pub(super) struct TieClasses {
    pub(super) class_of_arc: Vec<u8>,
    pub(super) classes: usize,
    pub(super) table: Vec<f64>,
}

/// Most distinct tie strengths tabulated; on graphs with more, the thresholds of strengths
/// 0 and 1 bound each conversion ([`ConversionThresholds`]).
pub(super) const MAX_TIE_CLASSES: usize = crate::graph::analysis::LISTED_STRENGTHS;

impl TieClasses {
    pub(super) fn new(graph: &SocialGraph, behaviour: &CompiledBehaviour) -> Option<Self> {
        let weights = graph.all_weights()?;
        let mut values: Vec<u32> = Vec::new();
        let mut class_of_arc = Vec::with_capacity(weights.len());
        for w in weights {
            let bits = w.to_bits();
            let class = match values.iter().position(|&v| v == bits) {
                Some(c) => c,
                None if values.len() < MAX_TIE_CLASSES => {
                    values.push(bits);
                    values.len() - 1
                }
                None => return None,
            };
            class_of_arc.push(class as u8);
        }
        let ties: Vec<f32> = values.iter().map(|&b| f32::from_bits(b)).collect();
        Some(Self { class_of_arc, classes: ties.len(), table: behaviour.tie_table(&ties) })
    }

    #[inline]
    pub(super) fn conversion(&self, channel: usize, arc: usize, exposures: u8) -> f64 {
        let class = self.class_of_arc[arc] as usize;
        self.table[(channel * self.classes + class) * TABLE_EXPOSURES + (exposures as usize).min(TABLE_EXPOSURES) - 1]
    }
}

/// Cells of tie strength for a campaign on ties of many distinct strengths in [0, 1]:
/// cell c holds the strengths in [c / TIE_CELLS, (c + 1) / TIE_CELLS) (the last one
/// also 1). Each arc's cell is a byte read beside its friend-list entry, and the
/// conversion thresholds of the cell's two ends bound those of every strength in it, so
/// that only a coin falling between them (at most about 1 in 400 open invitations on
/// uniform strengths) reads the tie's own strength and computes its logistic.
/// 64 cells keep the table of bounds at 32 kB for two channels.
pub(super) const TIE_CELLS: usize = 64;

/// Each arc's cell of strength ([`TIE_CELLS`]), or None if some strength is outside
/// [0, 1] (or NaN), which no cell holds.
pub(super) fn cells_of_arcs(weights: &[f32]) -> Option<Vec<u8>> {
    weights
        .iter()
        .map(|&w| (0.0..=1.0).contains(&w).then(|| ((w * TIE_CELLS as f32) as usize).min(TIE_CELLS - 1) as u8))
        .collect()
}

/// Campaign conversions as thresholds for a 32-bit coin: entry
/// `(channel × classes + class) × TABLE_EXPOSURES + min(m, TABLE_EXPOSURES) − 1` is the
/// conversion of a person's m-th invitation through that channel over a tie of that
/// class, times 2^32 and rounded (an error below 1.2e-10 in the probability).
///
/// On a graph whose ties take many distinct strengths in [0, 1] (an edge list's weight
/// column), `continuous` is set and the table holds, per channel, cell of strength
/// ([`TIE_CELLS`]) and invitations received, the thresholds of the cell's two ends
/// side by side, each widened by one: a coin below the first converts, one at or above
/// the second does not, and only in between is the invitation's own threshold computed
/// from its tie ([`CompiledBehaviour::conversion`], one logistic).
#[derive(Debug, Clone)]
pub(super) struct ConversionThresholds {
    pub(super) table: Vec<u64>,
    /// Per channel, the offset of its first entry in the table (an invitation's tag
    /// carries it in its lower 16 bits, the sender's place in the chunk in the upper).
    pub(super) channel_base: Vec<u32>,
    /// The second channel's offset (u32::MAX with one channel): a tag's table offset at
    /// or above it is the second channel's, which keys its coin.
    pub(super) channel_block: u32,
    pub(super) continuous: bool,
}

impl ConversionThresholds {
    pub(super) fn new(probabilities: &[f64], classes: usize, channels: usize) -> Self {
        let table = probabilities.iter().map(|&p| coin_threshold(p)).collect();
        let channel_base: Vec<u32> = (0..channels).map(|ci| (ci * classes * TABLE_EXPOSURES) as u32).collect();
        Self { table, channel_block: channel_base.get(1).copied().unwrap_or(u32::MAX), channel_base, continuous: false }
    }

    /// Conversions on ties of any strength in [0, 1]: entry
    /// `channel_base[channel] + cell × CELL_STRIDE + 2 × (min(m, TABLE_EXPOSURES) − 1)` is
    /// the threshold of strength cell / [`TIE_CELLS`] less one, the next entry that of
    /// (cell + 1) / `TIE_CELLS` plus one. The model's conversion rises with the strength,
    /// so the two bound the threshold of every strength in the cell; the margin of one
    /// covers a logistic computed a unit in the last place off (it is not guaranteed
    /// monotone to the last bit), which can move a rounded threshold by one.
    pub(super) fn continuous(behaviour: &CompiledBehaviour) -> Self {
        let channels = behaviour.channels.len();
        let mut table = Vec::with_capacity(channels * TIE_CELLS * CELL_STRIDE);
        for ci in 0..channels {
            for cell in 0..TIE_CELLS {
                let (low, high) = (cell as f32 / TIE_CELLS as f32, (cell + 1) as f32 / TIE_CELLS as f32);
                for m in 1..=TABLE_EXPOSURES as u32 {
                    table.push(coin_threshold(behaviour.conversion(ci, m, Some(low))).saturating_sub(1));
                    table.push(coin_threshold(behaviour.conversion(ci, m, Some(high))) + 1);
                }
            }
        }
        let channel_base: Vec<u32> = (0..channels).map(|ci| (ci * TIE_CELLS * CELL_STRIDE) as u32).collect();
        Self { table, channel_block: channel_base.get(1).copied().unwrap_or(u32::MAX), channel_base, continuous: true }
    }
}

/// Entries of [`ConversionThresholds::continuous`] per cell of strength: two bounds per
/// number of invitations received.
pub(super) const CELL_STRIDE: usize = 2 * TABLE_EXPOSURES;

impl<'a> Prepared<'a> {
    /// Whether an invitation with tag `tag`, to someone who has received `e`
    /// invitations before it (capped at `TABLE_EXPOSURES - 1`), converts with the
    /// 32-bit coin `coin`: below its threshold in the table, or, on `CONTINUOUS` ties,
    /// below the threshold of the strength of its tie, from sender to invitee as
    /// `tie()` gives them, computed only when the coin falls between the bounds of the
    /// tie's cell of strength (conversion rises with the strength;
    /// [`ConversionThresholds::continuous`]).
    #[inline(always)]
    pub(super) fn converts<const CONTINUOUS: bool>(
        &self,
        table: &[u64],
        tag: u32,
        e: usize,
        coin: u64,
        tie: impl FnOnce() -> (u32, u32),
    ) -> bool {
        if CONTINUOUS {
            let at = (tag & 0xFFFF) as usize + 2 * e;
            let (low, high) = (table[at], table[at + 1]);
            // low <= coin < high in one comparison (high >= low), so that the only
            // branch is the rare one: `coin >= low && coin < high` compiled to a
            // branch on `coin < low`, taken as often as invitations convert, which
            // the processor mispredicted.
            if coin.wrapping_sub(low) < high - low {
                let (u, v) = tie();
                self.converts_on_own_tie(tag, e, u, v, coin)
            } else {
                coin < low
            }
        } else {
            coin < table[(tag & 0xFFFF) as usize + e]
        }
    }

    /// The rare case of [`Prepared::converts`] on continuous ties: the coin against the
    /// threshold of the strength of the tie from `u` to `v` (found in `u`'s sorted
    /// friend list; one logistic). Kept out of line, so that the conversion loop stays
    /// small, and found from the two people rather than carried with every invitation:
    /// carrying each invitation's arc through the passes cost more than these rare
    /// searches.
    #[cold]
    #[inline(never)]
    pub(super) fn converts_on_own_tie(&self, tag: u32, e: usize, u: u32, v: u32, coin: u64) -> bool {
        let graph = self.graph;
        let j = graph.neighbours(NodeId(u)).binary_search(&v).expect("an invitation goes along a tie");
        let channel = (tag & 0xFFFF) as usize / (TIE_CELLS * CELL_STRIDE);
        let tie = graph.weights(NodeId(u)).map(|w| w[j]);
        coin < coin_threshold(self.behaviour.conversion(channel, e as u32 + 1, tie))
    }
}
