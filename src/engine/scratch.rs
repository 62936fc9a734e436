//! Per-worker scratch state, allocated once and reset between runs: each person's
//! byte of state and record, the day's rows, and the slots helpers of the chunked paths.

use super::*;

pub(super) const UNTOUCHED: u8 = 0;
pub(super) const EXPOSED: u8 = 1;
pub(super) const PENDING: u8 = 2;
pub(super) const JOINED: u8 = 3;
/// The bits of a person's mark that hold their state.
pub(super) const STATE_BITS: u8 = 3;

/// A mark with one more invitation counted (saturating at 63).
#[inline(always)]
pub(super) fn count_exposure(mark: u8) -> u8 {
    if mark < u8::MAX - STATE_BITS { mark + (STATE_BITS + 1) } else { mark }
}
pub(super) const NONE: u32 = u32::MAX;

/// What the engine keeps about a person once an invitation has converted (or, in
/// threshold processes, once they are first reached). Read when they join, not when a
/// friend's invitation merely arrives: the hot check of every invitation reads only
/// the one-byte `state` (scripts/bench-peers; benches/engine.rs `cascade/*`).
/// Eight bytes, so that 100,000 people fit in 800 kB of cache.
#[derive(Debug, Clone, Copy)]
pub(super) struct Person {
    /// Position of their recruiter in the order of joining (NONE for seed users).
    pub(super) recruiter: u32,
    /// Scheduled (or, once joined, actual) join day (`days` < [`MAX_DAYS`]).
    pub(super) join_day: u16,
    /// Generation (0 = seed users), saturating at u16::MAX (a day-based generation is
    /// at most `days`; SIR's generation rows stop at 4096).
    pub(super) generation: u16,
}

impl Person {
    pub(super) const FRESH: Person = Person { recruiter: NONE, join_day: u16::MAX, generation: 0 };
}

/// The longest horizon the engine accepts, in days (join days are stored in 16 bits).
pub const MAX_DAYS: u32 = u16::MAX as u32 - 1;

#[inline]
pub(super) fn next_generation(g: u32) -> u16 {
    (g + 1).min(u16::MAX as u32) as u16
}

/// One run's per-day and per-generation rows, at full width, cleared after each run
/// by zeroing only what the run wrote.
pub(super) struct RowScratch {
    pub(super) daily: Vec<u32>,
    pub(super) gen_size: Vec<u32>,
    pub(super) gen_invites: Vec<u64>,
    /// Rewards paid per day (empty when the campaign pays nothing).
    pub(super) spend: Vec<f64>,
    /// The campaign's groups opened per day (empty without campaign groups).
    pub(super) groups_created: Vec<u32>,
}

impl RowScratch {
    /// Counts a join in the run's scalars and rows.
    #[inline]
    pub(super) fn record_join(&mut self, out: &mut RunOutcome, day: u32, g: u32) {
        self.record_joins(out, day, g, 1);
    }

    /// Counts `count` joins on day `day` in generation `g`.
    #[inline]
    pub(super) fn record_joins(&mut self, out: &mut RunOutcome, day: u32, g: u32, count: u32) {
        out.reach += count;
        out.generations = out.generations.max(g + 1);
        out.last_join_day = out.last_join_day.max(day);
        self.daily[day as usize] += count;
        let row = (g as usize).min(self.gen_size.len() - 1);
        if row != g as usize {
            out.generations_truncated = true;
        }
        self.gen_size[row] += count;
    }

    #[inline]
    pub(super) fn record_invitations(&mut self, out: &mut RunOutcome, g: u32, invitations: u64) {
        out.invitations += invitations;
        let row = (g as usize).min(self.gen_invites.len() - 1);
        self.gen_invites[row] += invitations;
    }

    /// Lengths of the rows run `out` wrote.
    pub(super) fn lengths(&self, out: &RunOutcome) -> (usize, usize) {
        (out.last_join_day as usize + 1, (out.generations as usize).min(self.gen_size.len()))
    }

    /// Appends the written part of the rows to `to` and zeroes it here.
    pub(super) fn drain_into(&mut self, out: &RunOutcome, to: &mut TaskRows) {
        let (d, g) = self.lengths(out);
        to.daily.extend_from_slice(&self.daily[..d]);
        to.daily_lengths.push(d);
        to.gen_size.extend_from_slice(&self.gen_size[..g]);
        to.gen_invites.extend_from_slice(&self.gen_invites[..g]);
        to.gen_lengths.push(g);
        self.daily[..d].fill(0);
        self.gen_size[..g].fill(0);
        self.gen_invites[..g].fill(0);
        // Rewards are paid when people join: within the daily row.
        if !self.spend.is_empty() {
            to.spend.extend_from_slice(&self.spend[..d]);
            self.spend[..d].fill(0.0);
        }
        // Groups open when people join: within the daily row.
        if !self.groups_created.is_empty() {
            to.groups_created.extend_from_slice(&self.groups_created[..d]);
            self.groups_created[..d].fill(0);
        }
    }
}

/// The rows of the runs of one work item, in run order.
#[derive(Default)]
pub(super) struct TaskRows {
    pub(super) daily: Vec<u32>,
    pub(super) daily_lengths: Vec<usize>,
    pub(super) gen_size: Vec<u32>,
    pub(super) gen_invites: Vec<u64>,
    pub(super) gen_lengths: Vec<usize>,
    pub(super) spend: Vec<f64>,
    pub(super) groups_created: Vec<u32>,
    pub(super) follows: Vec<u32>,
    pub(super) unfollows: Vec<u32>,
    pub(super) trees: Vec<TreeShape>,
    pub(super) tree_lengths: Vec<usize>,
}

/// Per-worker scratch, allocated once per worker and reset between runs by undoing
/// only what the last run touched: nothing is allocated per edge, day or run.
///
/// Person state is a structure of arrays: the one-byte `state` that every arriving
/// invitation checks stays in cache (100 kB for 100,000 people), and the rest is read
/// only when someone is scheduled or joins.
pub(super) struct RunScratch {
    /// Per person, one byte: the state (UNTOUCHED, EXPOSED, PENDING or JOINED) in the
    /// low two bits and, in the campaign model, the invitations received so far
    /// (saturating at 63) in the upper six, so that an invitation reads and writes one
    /// byte (benches/campaign_vs_ic.rs).
    pub(super) marks: Vec<u8>,
    pub(super) people: Vec<Person>,
    /// Threshold processes: the threshold each person has left to reach.
    pub(super) remaining: Vec<f32>,
    /// People whose `state` left UNTOUCHED in this run.
    pub(super) touched: Vec<u32>,
    /// The friends the current sharer's channels reach (key: index in their list ×
    /// channels + channel).
    pub(super) reached: Vec<u32>,
    /// Lockstep runs: the successes of a chunk of senders (friend, sender's position).
    pub(super) hits: Vec<(u32, u32)>,
    /// Chunked runs: per position of the chunk's senders' friend lists laid end to end,
    /// the sender's place in the chunk ([`Prepared::select_chunk`],
    /// [`Prepared::chunk_successes`]).
    pub(super) slot_of: Vec<u8>,
    /// Chunked campaigns: per channel, a bit per position of the laid-out friend lists,
    /// set if the channel reaches that friend.
    pub(super) reached_bits: Vec<Vec<u64>>,
    pub(super) buckets: Vec<Vec<u32>>,
    pub(super) tree: Tree,
    /// SIR: exact tentative infection times (valid while PENDING or JOINED).
    pub(super) times: Vec<f64>,
    /// SIR: pending infections, earliest first (time bits, node).
    pub(super) heap: BinaryHeap<Reverse<(u64, u32)>>,
    pub(super) rows: RowScratch,
    /// The keys of this run's counter-based draws (common random numbers; campaigns).
    pub(super) keys: crate::rng::Keys,
    /// Per person, the channel of the invitation that will recruit them (valid while
    /// PENDING in a campaign).
    pub(super) via: Vec<u8>,
    /// This run's invitations and joins per channel (campaigns).
    pub(super) channel_invitations: [u64; crate::model::CHANNEL_SLOTS],
    pub(super) channel_joins: [u32; crate::model::CHANNEL_SLOTS],
    /// The campaign's groups in this run.
    pub(super) groups: GroupsState,
    /// An official account's followers in this run.
    pub(super) account: AccountState,
    /// This run's account of rewards paid.
    pub(super) ledger: LedgerState,
}

impl RunScratch {
    pub(super) fn new(prepared: &Prepared) -> Self {
        let n = prepared.graph.node_count();
        let is_sir = matches!(prepared.process, Process::Sir { .. });
        Self {
            marks: vec![UNTOUCHED; n],
            people: vec![Person::FRESH; n],
            remaining: if matches!(prepared.process, Process::Threshold { .. }) { vec![0.0; n] } else { Vec::new() },
            touched: Vec::new(),
            reached: Vec::new(),
            hits: Vec::new(),
            slot_of: Vec::new(),
            reached_bits: vec![Vec::new(); prepared.reach.len()],
            buckets: if is_sir { Vec::new() } else { vec![Vec::new(); prepared.days as usize + 1] },
            tree: Tree::default(),
            times: if is_sir { vec![0.0; n] } else { Vec::new() },
            heap: BinaryHeap::new(),
            rows: RowScratch {
                daily: vec![0; prepared.days as usize + 1],
                gen_size: vec![0; prepared.generation_width],
                gen_invites: vec![0; prepared.generation_width],
                spend: if prepared.ledger.is_some() { vec![0.0; prepared.days as usize + 1] } else { Vec::new() },
                groups_created: if prepared.campaign_groups.is_some() {
                    vec![0; prepared.days as usize + 1]
                } else {
                    Vec::new()
                },
            },
            keys: crate::rng::Keys::default(),
            via: vec![0; n],
            channel_invitations: [0; crate::model::CHANNEL_SLOTS],
            channel_joins: [0; crate::model::CHANNEL_SLOTS],
            groups: GroupsState {
                group_of: if prepared.campaign_groups.is_some() { vec![0; n] } else { Vec::new() },
                ..GroupsState::default()
            },
            account: match &prepared.account {
                Some(_) => AccountState {
                    following: vec![false; n],
                    follows: vec![0; prepared.days as usize + 1],
                    unfollows: vec![0; prepared.days as usize + 1],
                    ..AccountState::default()
                },
                None => AccountState::default(),
            },
            ledger: LedgerState::default(),
        }
    }

    /// The state of person `v`.
    #[inline(always)]
    pub(super) fn state(&self, v: usize) -> u8 {
        self.marks[v] & STATE_BITS
    }

    /// An invitation reaches person `v`: unless they have joined, it is counted against
    /// them (their state becomes EXPOSED if they were untouched) and their new mark is
    /// returned, its upper six bits the invitations received. One read and one write of
    /// the mark.
    #[inline(always)]
    pub(super) fn receive_invitation(&mut self, v: u32) -> Option<u8> {
        let vi = v as usize;
        let mark = self.marks[vi];
        let state = mark & STATE_BITS;
        if state == JOINED {
            return None;
        }
        let mark = if state == UNTOUCHED {
            self.touched.push(v);
            EXPOSED
        } else {
            mark
        };
        let mark = count_exposure(mark);
        self.marks[vi] = mark;
        Some(mark)
    }

    /// Sets the state of person `v`, keeping their invitation count.
    #[inline(always)]
    pub(super) fn set_state(&mut self, v: usize, state: u8) {
        self.marks[v] = (self.marks[v] & !STATE_BITS) | state;
    }

    pub(super) fn reset(&mut self) {
        // `people` needs no reset: a person's record is written whenever their state
        // leaves UNTOUCHED. Past an eighth of the graph, one sweep beats scattered writes.
        if self.touched.len() > self.marks.len() / 8 {
            self.marks.fill(UNTOUCHED);
        } else {
            for &v in &self.touched {
                self.marks[v as usize] = UNTOUCHED;
            }
        }
        self.touched.clear();
        self.tree.clear();
        self.heap.clear();
        self.channel_invitations = [0; crate::model::CHANNEL_SLOTS];
        self.channel_joins = [0; crate::model::CHANNEL_SLOTS];
        self.groups.reset();
        self.ledger.reset();
        // The day buckets need no clearing: a run empties every bucket it fills
        // (it walks every day up to the last one scheduled).
    }
}

/// Moves the invitations `(invitee, tag)` to people who have not joined to the front
/// of `hits`, in order, and returns how many there are: one to a participant changes
/// nothing but the count of invitations. Written and kept without a branch.
#[inline(always)]
pub(super) fn keep_unjoined(hits: &mut [(u32, u32)], marks: &[u8]) -> usize {
    let mut open = 0;
    for i in 0..hits.len() {
        let hit = hits[i];
        hits[open] = hit;
        open += ((marks[hit.0 as usize] & STATE_BITS) != JOINED) as usize;
    }
    open
}

/// The positions [`fill_slots`] writes in one fixed-size store, whatever the length.
pub(super) const FIRST_SLOTS: usize = 64;

/// Writes `slot` at the first `len` positions of `to` (and possibly up to the next
/// multiple of 16, or to [`FIRST_SLOTS`]: the next sender's positions, which the next
/// sender then overwrites). The first [`FIRST_SLOTS`] by one fixed-size store; a
/// loop of 16-byte blocks only beyond, for long friend lists. (A loop over the whole
/// length becomes a call to `memset` per sender, which took a tenth of the cascade's
/// time on BA n = 100,000 at p = 0.05: docs/PERFORMANCE.md.)
#[inline(always)]
pub(super) fn fill_slots<T: Copy, const FIRST: usize>(to: &mut [T], len: usize, slot: T) {
    to[..FIRST].copy_from_slice(&[slot; FIRST]);
    if len > FIRST {
        for block in to[FIRST..len.next_multiple_of(16)].chunks_exact_mut(16) {
            block.copy_from_slice(&[slot; 16]);
        }
    }
}

/// The room [`fill_slots`] needs past the start of a list of `len`.
#[inline(always)]
pub(super) fn slots_room<const FIRST: usize>(len: usize) -> usize {
    len.next_multiple_of(16).max(FIRST)
}
