//! The Monte Carlo engine: one cascade (a run) simulated day by day, and the parallel
//! runner that produces an [`Ensemble`] of runs.
//!
//! What it must not know: files, terminals, TOML. Progress leaves through a callback.
//!
//! ## One run
//! Seeds join on day 0. When a person joins on day `t` they share with the behaviour's
//! share probability; a sharer reaches friends through each channel, and every
//! reached friend who has not joined yet receives an invitation (an *exposure*). Each
//! invitation converts independently with a probability that depends on the channel,
//! the tie and how many invitations the friend has received. A converted invitation
//! makes the friend join on day `t + D`, `D >= 1` the cycle time, unless an earlier
//! invitation already made them join sooner: join days are first-passage times, and
//! the recruiter is the sender of the earliest converting invitation. The run stops
//! after `days` or when nothing is scheduled. A run whose invitations would still
//! convert after the horizon is marked censored.
//!
//! ## Other processes
//! Linear threshold and complex contagion use the same day-by-day schedule, but a
//! person joins when the weights (or the count) of their participating in-neighbours
//! reach their threshold; the neighbour who tipped them over is the recruiter. SIR is
//! simulated in continuous time, event by event (a priority queue of infection times):
//! an infected person recovers after an exponential or fixed period and transmits to
//! each neighbour after an exponential time with rate β, if that comes first; days
//! are the whole part of the time.
//!
//! ## The uniform independent cascade
//! With one probability on every tie, the friends a participant reaches are found by
//! geometric skips drawn from a table ([`SkipTable`]), so the work follows the
//! successes rather than the ties. With a fixed cycle time everyone reached by
//! generation g joins on day (g + 1) × cycle, and a run goes generation by generation,
//! the order of joining being the queue, with less bookkeeping than the day-by-day
//! schedule; it draws the coins of 64 senders' ties as one list, so its runs are the
//! same process as the day-by-day schedule's (tested), not the same draws. The other
//! invitation processes (the campaign, edge weights, weighted cascade) also go
//! generation by generation with a fixed cycle time. The campaign with chunked
//! conversions (tabulated, or bounded on ties of many strengths) does so in chunks of
//! 64 sharers, drawing their reach before their
//! conversions and resolving invitations without a branch
//! (`Prepared::run_lockstep_campaign`): the same process, not the same draws
//! (tested). The others draw exactly what the day-by-day schedule draws (tested).
//! With a random cycle time the campaign goes day by day, each day's joiners in the
//! same chunks (`Prepared::run_days_campaign`), again the same process as one
//! invitation at a time (tested).
//!
//! ## Reproducibility
//! Run `i` draws from [`crate::rng::stream_rng`]`(rng_seed, i)` and writes only its own
//! row of the outputs, so the ensemble is identical for any number of threads.

use crate::graph::{NodeId, SocialGraph};
use crate::hint::prefetch;
use crate::model::{
    AdoptionThreshold, Behaviour, CompiledBehaviour, EdgeProbability, InfluenceWeights, InviteRule, Recovery,
    TABLE_EXPOSURES,
};
use crate::rng::{SimRng, below, stream_rng, uniform};
use rand::{Rng, RngExt};
use rand_distr::Exp1;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Errors from configuring a run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// More seed users than people, or a seed outside the graph.
    #[error("{0}")]
    BadSeeding(String),
    /// The model does not fit the graph (missing edge weights, incoming weights that
    /// sum above 1, a threshold no one can reach).
    #[error("{0}")]
    ModelDoesNotFitGraph(String),
    /// A horizon longer than the engine can store.
    #[error("a horizon of {0} days is too long (accepted: at most {MAX_DAYS} days)")]
    HorizonTooLong(u32),
}

/// How the delay between joining and one's invitees joining is distributed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelayDistribution {
    /// Geometric on 1, 2, 3, ... days with the given mean (memoryless response).
    Geometric,
    /// Exactly the mean (rounded to whole days): generations move in lockstep, as in
    /// the viral-loop formula.
    Fixed,
}

/// Cycle time: days from a person joining to their invitees joining.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CycleTime {
    /// Mean delay in days, >= 1.
    pub mean_days: f64,
    /// Shape of the delay distribution.
    pub distribution: DelayDistribution,
}

impl Default for CycleTime {
    fn default() -> Self {
        Self { mean_days: 2.0, distribution: DelayDistribution::Geometric }
    }
}

impl CycleTime {
    fn sampler(&self) -> DelaySampler {
        match self.distribution {
            DelayDistribution::Fixed => DelaySampler::Fixed(self.mean_days.round().max(1.0) as u32),
            DelayDistribution::Geometric => {
                let q = 1.0 / self.mean_days.max(1.0);
                if q >= 1.0 {
                    DelaySampler::Fixed(1)
                } else {
                    DelaySampler::Geometric { scale: 1.0 / -(-q).ln_1p(), table: SkipTable::new(q) }
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
enum DelaySampler {
    Fixed(u32),
    /// 1 + a geometric number of failures with success probability q: by the skip
    /// table for q (one draw and a lookup; the exact inverse-CDF skip), or for a q too
    /// small for a table ([`SkipTable::new`]: a cycle of months) 1 + floor(E × scale) with
    /// E ~ Exp(1) and scale = 1 / -ln(1 - q) (an Exp(1) draw by ziggurat is cheaper
    /// than a logarithm). The table takes 2–3% off a run of the ER and Qixi-graph
    /// campaigns with a geometric 2-day cycle (in-process A/B, median of 20 pairs).
    Geometric {
        scale: f64,
        table: Option<SkipTable>,
    },
}

impl DelaySampler {
    #[inline]
    fn sample(&self, rng: &mut SimRng) -> u32 {
        match self {
            DelaySampler::Fixed(d) => *d,
            DelaySampler::Geometric { table: Some(table), .. } => 1 + table.skip(rng).min(u32::MAX as usize / 2) as u32,
            DelaySampler::Geometric { scale, table: None } => {
                let extra = rng.sample::<f64, _>(Exp1) * scale;
                1 + extra.min(u32::MAX as f64 / 2.0) as u32
            }
        }
    }
}

/// Who the first participants are.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "strategy")]
pub enum Seeding {
    /// `count` people drawn uniformly at random, anew in every run.
    Random {
        /// Number of seed users.
        count: usize,
    },
    /// The `count` people with the most friends (ties broken by lower id).
    HighestDegree {
        /// Number of seed users.
        count: usize,
    },
    /// These people (dense ids), in every run.
    Nodes {
        /// The seed users.
        nodes: Vec<NodeId>,
    },
}

impl Seeding {
    /// Number of seed users per run.
    pub fn count(&self) -> usize {
        match self {
            Seeding::Random { count } | Seeding::HighestDegree { count } => *count,
            Seeding::Nodes { nodes } => nodes.len(),
        }
    }
}

/// Everything the engine needs for an ensemble.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunConfig {
    /// The spread model.
    pub behaviour: Behaviour,
    /// Cycle time.
    pub cycle_time: CycleTime,
    /// The first participants.
    pub seeding: Seeding,
    /// Number of Monte Carlo runs.
    pub runs: usize,
    /// Campaign length in days (seeds join on day 0).
    pub days: u32,
    /// Master seed of the random generator.
    pub rng_seed: u64,
}

/// Progress of an ensemble, reported after each run.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Runs finished.
    pub runs_done: u64,
    /// Runs requested.
    pub runs_total: u64,
}

/// Scalar results of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunOutcome {
    /// Participants at the end, seeds included.
    pub reach: u32,
    /// Participants who shared.
    pub sharers: u32,
    /// Invitations sent (direct messages and Moments views reaching a friend).
    pub invitations: u64,
    /// Number of generations reached (1 = only the seeds).
    pub generations: u32,
    /// Last day on which someone joined.
    pub last_join_day: u32,
    /// Whether some invitation would still convert after the horizon.
    pub is_censored: bool,
    /// Σ over participants of (people they recruited)², for the offspring dispersion.
    pub offspring_square_sum: u64,
    /// Mean structural virality (Goel et al. 2016) of the run's recruitment trees with
    /// at least two people; None when every tree is a lone seed.
    pub structural_virality: Option<f64>,
    /// Whether some generation went past the generation rows (SIR only; counted in the
    /// last row).
    pub generations_truncated: bool,
}

/// The results of many runs: per-run scalars plus per-day and per-generation rows.
///
/// Each run's rows are kept only as long as that run needed (a run whose last person
/// joined on day 12 keeps 13 daily entries): entries past the end of a row are zero.
/// This keeps an ensemble of long horizons small (`days = 3650` costs nothing for runs
/// that end in a week).
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    /// Number of runs.
    pub runs: usize,
    /// Horizon in days (day 0 to `days`).
    pub days: u32,
    /// Seed users per run.
    pub seed_count: usize,
    /// People in the graph.
    pub population: usize,
    /// Most generation entries a run can have: `days + 1` (a generation takes at least
    /// a day), more for continuous-time SIR.
    pub generation_width: usize,
    /// Scalars per run.
    pub outcomes: Vec<RunOutcome>,
    /// New participants per day, the runs' rows one after another.
    daily_new: Vec<u32>,
    /// Where run `r`'s daily row starts in `daily_new` (`runs + 1` entries).
    daily_start: Vec<usize>,
    /// Participants per generation (generation 0 = seeds), rows one after another.
    generation_size: Vec<u32>,
    /// Invitations sent by the participants of each generation, parallel to
    /// `generation_size`.
    generation_invitations: Vec<u64>,
    /// Where run `r`'s generation rows start (`runs + 1` entries).
    generation_start: Vec<usize>,
}

impl Ensemble {
    /// Days in the horizon, day 0 included (`days + 1`).
    pub fn width(&self) -> usize {
        self.days as usize + 1
    }
    /// New participants by day in run `run`, from day 0 to the run's last join day
    /// (zero afterwards).
    pub fn daily_row(&self, run: usize) -> &[u32] {
        &self.daily_new[self.daily_start[run]..self.daily_start[run + 1]]
    }
    /// New participants on `day` in run `run` (zero past the run's row).
    #[inline]
    pub fn daily_new(&self, run: usize, day: usize) -> u32 {
        self.daily_row(run).get(day).copied().unwrap_or(0)
    }
    /// Participants by generation in run `run`, up to its last generation.
    pub fn generation_row(&self, run: usize) -> &[u32] {
        &self.generation_size[self.generation_start[run]..self.generation_start[run + 1]]
    }
    /// Invitations by sender generation in run `run`, parallel to
    /// [`Self::generation_row`].
    pub fn invitation_row(&self, run: usize) -> &[u64] {
        &self.generation_invitations[self.generation_start[run]..self.generation_start[run + 1]]
    }
    /// Bytes held by the rows (for the benchmarks and memory estimates).
    pub fn row_bytes(&self) -> usize {
        self.daily_new.len() * 4 + self.generation_size.len() * 12 + self.daily_start.len() * 16
    }
}

/// One participant of a recorded cascade.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Participant {
    /// Who joined.
    pub node: NodeId,
    /// Who recruited them (None for seed users).
    pub recruiter: Option<NodeId>,
    /// Generation (0 = seed users).
    pub generation: u32,
    /// Day of joining.
    pub day: u32,
    /// Time of joining in days: the day, or the exact time for SIR.
    pub time_days: f64,
}

/// One run in full: who recruited whom, in order of joining.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    /// Participants, by day then by the order they were processed.
    pub participants: Vec<Participant>,
    /// Scalars of the run.
    pub outcome: RunOutcome,
}

const UNTOUCHED: u8 = 0;
const EXPOSED: u8 = 1;
const PENDING: u8 = 2;
const JOINED: u8 = 3;
/// The bits of a person's mark that hold their state.
const STATE_BITS: u8 = 3;

/// A mark with one more invitation counted (saturating at 63).
#[inline(always)]
fn count_exposure(mark: u8) -> u8 {
    if mark < u8::MAX - STATE_BITS { mark + (STATE_BITS + 1) } else { mark }
}
const NONE: u32 = u32::MAX;

/// What the engine keeps about a person once an invitation has converted (or, in
/// threshold processes, once they are first reached). Read when they join, not when a
/// friend's invitation merely arrives: the hot check of every invitation reads only
/// the one-byte `state` (scripts/bench-peers; benches/engine.rs `cascade/*`).
/// Eight bytes, so that 100,000 people fit in 800 kB of cache.
#[derive(Debug, Clone, Copy)]
struct Person {
    /// Position of their recruiter in the order of joining (NONE for seed users).
    recruiter: u32,
    /// Scheduled (or, once joined, actual) join day (`days` < [`MAX_DAYS`]).
    join_day: u16,
    /// Generation (0 = seed users), saturating at u16::MAX (a day-based generation is
    /// at most `days`; SIR's generation rows stop at 4096).
    generation: u16,
}

impl Person {
    const FRESH: Person = Person { recruiter: NONE, join_day: u16::MAX, generation: 0 };
}

/// The longest horizon the engine accepts, in days (join days are stored in 16 bits).
pub const MAX_DAYS: u32 = u16::MAX as u32 - 1;

#[inline]
fn next_generation(g: u32) -> u16 {
    (g + 1).min(u16::MAX as u32) as u16
}

/// The recruitment tree of one run, by position in the order of joining (parents
/// before children), as a structure of arrays. The arrays keep the length of the
/// largest run so far and the first `len` entries are this run's, so that a lockstep
/// run can write a reached friend before it knows whether to keep them.
#[derive(Default)]
struct Tree {
    len: usize,
    /// Who joined at each position.
    order: Vec<u32>,
    /// Position of each participant's recruiter (NONE for seed users).
    parent: Vec<u32>,
    // Work arrays of `tree_statistics`.
    /// Per position, the index of its tree among `trees`.
    root: Vec<u32>,
    /// Per position, its subtree's size in the low 32 bits and its offspring in the
    /// high 32 (one add to a recruiter counts both).
    size_children: Vec<u64>,
    /// Per tree (per seed user), its size.
    trees: Vec<u64>,
    /// Per tree, Σ s_v (n − s_v) over its non-roots, in [`WIENER_LANES`] lanes by
    /// position, so that consecutive participants of one tree do not wait on each
    /// other's sum in memory; in 64 bits when no tree is large enough to overflow them
    /// ([`WIENER_64_BELOW`]), else in 128.
    wiener64: Vec<[u64; WIENER_LANES]>,
    wiener128: Vec<[u128; WIENER_LANES]>,
}

/// Lanes of the per-tree sums of [`tree_statistics`] (adding a participant's term to
/// its tree's sum waits for the previous term of the same tree: store to load).
const WIENER_LANES: usize = 4;

/// Runs with fewer participants than this sum each tree's Σ s_v (n − s_v) in 64 bits:
/// a tree of n people sums fewer than n terms of at most n² / 4, below 2^61 per lane.
const WIENER_64_BELOW: usize = 1 << 21;

impl Tree {
    /// Appends a participant; returns their position.
    #[inline]
    fn push(&mut self, node: u32, parent: u32) -> u32 {
        if self.len == self.order.len() {
            self.order.push(node);
            self.parent.push(parent);
        } else {
            self.order[self.len] = node;
            self.parent[self.len] = parent;
        }
        self.len += 1;
        self.len as u32 - 1
    }

    /// This run's participants in the order of joining.
    fn order(&self) -> &[u32] {
        &self.order[..self.len]
    }

    /// This run's recruiters' positions.
    fn parents(&self) -> &[u32] {
        &self.parent[..self.len]
    }

    fn clear(&mut self) {
        self.len = 0;
    }
}

/// One run's per-day and per-generation rows, at full width, cleared after each run
/// by zeroing only what the run wrote.
struct RowScratch {
    daily: Vec<u32>,
    gen_size: Vec<u32>,
    gen_invites: Vec<u64>,
}

impl RowScratch {
    /// Counts a join in the run's scalars and rows.
    #[inline]
    fn record_join(&mut self, out: &mut RunOutcome, day: u32, g: u32) {
        self.record_joins(out, day, g, 1);
    }

    /// Counts `count` joins on day `day` in generation `g`.
    #[inline]
    fn record_joins(&mut self, out: &mut RunOutcome, day: u32, g: u32, count: u32) {
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
    fn record_invitations(&mut self, out: &mut RunOutcome, g: u32, invitations: u64) {
        out.invitations += invitations;
        let row = (g as usize).min(self.gen_invites.len() - 1);
        self.gen_invites[row] += invitations;
    }

    /// Lengths of the rows run `out` wrote.
    fn lengths(&self, out: &RunOutcome) -> (usize, usize) {
        (out.last_join_day as usize + 1, (out.generations as usize).min(self.gen_size.len()))
    }

    /// Appends the written part of the rows to `to` and zeroes it here.
    fn drain_into(&mut self, out: &RunOutcome, to: &mut TaskRows) {
        let (d, g) = self.lengths(out);
        to.daily.extend_from_slice(&self.daily[..d]);
        to.daily_lengths.push(d);
        to.gen_size.extend_from_slice(&self.gen_size[..g]);
        to.gen_invites.extend_from_slice(&self.gen_invites[..g]);
        to.gen_lengths.push(g);
        self.daily[..d].fill(0);
        self.gen_size[..g].fill(0);
        self.gen_invites[..g].fill(0);
    }
}

/// The rows of the runs of one work item, in run order.
#[derive(Default)]
struct TaskRows {
    daily: Vec<u32>,
    daily_lengths: Vec<usize>,
    gen_size: Vec<u32>,
    gen_invites: Vec<u64>,
    gen_lengths: Vec<usize>,
}

/// Per-worker scratch, allocated once per worker and reset between runs by undoing
/// only what the last run touched: nothing is allocated per edge, day or run.
///
/// Person state is a structure of arrays: the one-byte `state` that every arriving
/// invitation checks stays in cache (100 kB for 100,000 people), and the rest is read
/// only when someone is scheduled or joins.
struct RunScratch {
    /// Per person, one byte: the state (UNTOUCHED, EXPOSED, PENDING or JOINED) in the
    /// low two bits and, in the campaign model, the invitations received so far
    /// (saturating at 63) in the upper six, so that an invitation reads and writes one
    /// byte (benches/campaign_vs_ic.rs).
    marks: Vec<u8>,
    people: Vec<Person>,
    /// Threshold processes: the threshold each person has left to reach.
    remaining: Vec<f32>,
    /// People whose `state` left UNTOUCHED in this run.
    touched: Vec<u32>,
    /// The friends the current sharer's channels reach (key: index in their list ×
    /// channels + channel).
    reached: Vec<u32>,
    /// The friends one channel reaches from the current sharer (by index in their list).
    picked_by_channel: Vec<u32>,
    /// Lockstep runs: the successes of a chunk of senders (friend, sender's position).
    hits: Vec<(u32, u32)>,
    /// Chunked runs: per position of the chunk's senders' friend lists laid end to end,
    /// the sender's place in the chunk ([`Prepared::select_chunk`],
    /// [`Prepared::chunk_successes`]).
    slot_of: Vec<u8>,
    /// Chunked campaigns: per coin channel and position of the laid-out friend lists,
    /// the upper 16 bits of the sharer's threshold ([`coin_upper`]).
    upper_below: Vec<Vec<u16>>,
    /// Chunked campaigns: 16-bit coins, one per position.
    coins16: Vec<u16>,
    /// Chunked campaigns: per channel, a bit per position of the laid-out friend lists,
    /// set if the channel reaches that friend.
    reached_bits: Vec<Vec<u64>>,
    buckets: Vec<Vec<u32>>,
    tree: Tree,
    /// SIR: exact tentative infection times (valid while PENDING or JOINED).
    times: Vec<f64>,
    /// SIR: pending infections, earliest first (time bits, node).
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    rows: RowScratch,
}

impl RunScratch {
    fn new(prepared: &Prepared) -> Self {
        let n = prepared.graph.node_count();
        let is_sir = matches!(prepared.process, Process::Sir { .. });
        Self {
            marks: vec![UNTOUCHED; n],
            people: vec![Person::FRESH; n],
            remaining: if matches!(prepared.process, Process::Threshold { .. }) { vec![0.0; n] } else { Vec::new() },
            touched: Vec::new(),
            reached: Vec::new(),
            picked_by_channel: Vec::new(),
            hits: Vec::new(),
            slot_of: Vec::new(),
            upper_below: vec![Vec::new(); prepared.reach.len()],
            coins16: Vec::new(),
            reached_bits: vec![Vec::new(); prepared.reach.len()],
            buckets: if is_sir { Vec::new() } else { vec![Vec::new(); prepared.days as usize + 1] },
            tree: Tree::default(),
            times: if is_sir { vec![0.0; n] } else { Vec::new() },
            heap: BinaryHeap::new(),
            rows: RowScratch {
                daily: vec![0; prepared.days as usize + 1],
                gen_size: vec![0; prepared.generation_width],
                gen_invites: vec![0; prepared.generation_width],
            },
        }
    }

    /// The state of person `v`.
    #[inline(always)]
    fn state(&self, v: usize) -> u8 {
        self.marks[v] & STATE_BITS
    }

    /// Sets the state of person `v`, keeping their invitation count.
    #[inline(always)]
    fn set_state(&mut self, v: usize, state: u8) {
        self.marks[v] = (self.marks[v] & !STATE_BITS) | state;
    }

    fn reset(&mut self) {
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
        // The day buckets need no clearing: a run empties every bucket it fills
        // (it walks every day up to the last one scheduled).
    }
}

/// The positions [`fill_slots`] writes in one fixed-size store, whatever the length.
const FIRST_SLOTS: usize = 64;

/// Writes `slot` at the first `len` positions of `to` (and possibly up to the next
/// multiple of 16, or to [`FIRST_SLOTS`]: the next sender's positions, which the next
/// sender then overwrites). The first [`FIRST_SLOTS`] by one fixed-size store; a
/// loop of 16-byte blocks only beyond, for long friend lists. (A loop over the whole
/// length becomes a call to `memset` per sender, which took a tenth of the cascade's
/// time on BA n = 100,000 at p = 0.05: docs/PERFORMANCE.md.)
#[inline(always)]
fn fill_slots<T: Copy, const FIRST: usize>(to: &mut [T], len: usize, slot: T) {
    to[..FIRST].copy_from_slice(&[slot; FIRST]);
    if len > FIRST {
        for block in to[FIRST..len.next_multiple_of(16)].chunks_exact_mut(16) {
            block.copy_from_slice(&[slot; 16]);
        }
    }
}

/// The room [`fill_slots`] needs past the start of a list of `len`.
#[inline(always)]
fn slots_room<const FIRST: usize>(len: usize) -> usize {
    len.next_multiple_of(16).max(FIRST)
}

/// Senders whose successes a lockstep run draws before checking who among them is new
/// ([`Prepared::run_lockstep`]).
const LOCKSTEP_CHUNK: usize = 64;

// Chunks of 64 senders, the size measured best (docs/PERFORMANCE.md); a sender's place
// in a chunk fits the byte of `RunScratch::slot_of`.
const _: () = assert!(LOCKSTEP_CHUNK == 64);

/// How many people ahead in the day's queue to prefetch (benches/ic_floor.rs: 4 to 16
/// are within noise of each other).
const PREFETCH_DISTANCE: usize = 8;

/// Independent coins with one probability over a list, drawn the cheap way: for small
/// `p` by geometric skips (the work follows the successes, not the list), for large `p`
/// by a coin per item.
#[derive(Debug, Clone, Copy)]
struct Coins {
    p: f64,
    /// 1 / -ln(1 - p): an Exp(1) draw times this, rounded down, is the number of
    /// failures before the next success.
    skip_scale: f64,
    /// [`coin_threshold`]`(p)`: a 32-bit coin below it succeeds.
    below: u64,
}

/// Above this probability a coin per item (one uniform draw, ~1 ns) beats a skip
/// (an Exp(1) draw by ziggurat plus a multiplication) per success.
const COINS_ABOVE: f64 = 0.5;

/// The same when selecting into a list ([`Coins::select`]): branch-free coins cost no
/// mispredicted branches, so they win from a lower probability
/// (benches/campaign_vs_ic.rs).
const SELECT_COINS_ABOVE: f64 = 0.3;

impl Coins {
    fn new(p: f64) -> Self {
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
    fn select_into(&self, len: usize, rng: &mut SimRng, out: &mut [u32]) -> usize {
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
    fn for_each(&self, len: usize, rng: &mut SimRng, mut f: impl FnMut(usize, &mut SimRng)) {
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
    cells: Box<[u16]>,
    /// ln(1 - p) (< 0).
    log_q: f64,
}

impl SkipTable {
    const BITS: u32 = 12;
    const STRADDLES: u16 = u16::MAX;

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
    fn exact_skip(&self, word: u64) -> usize {
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

/// How a channel's sharer reaches friends, precomputed: the skip scale of a
/// per-degree probability costs a logarithm, so it is tabulated for common degrees.
#[derive(Debug, Clone)]
enum ChannelReach {
    /// The same probability for every sharer, with its skip table when skips are
    /// cheaper than a coin per friend.
    Each(Coins, Option<SkipTable>),
    /// min(1, mean / degree): `table[d]` for degrees below its length.
    PerDegree { mean: f64, table: Vec<Coins> },
}

/// Degrees whose per-degree reach is tabulated.
const REACH_TABLE_DEGREES: usize = 1024;

impl ChannelReach {
    fn new(rule: InviteRule) -> Self {
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
    fn select(&self, degree: usize, rng: &mut SimRng, kept: &mut Vec<u32>) {
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
    fn coins(&self, degree: usize) -> Coins {
        match self {
            ChannelReach::Each(c, _) => *c,
            ChannelReach::PerDegree { mean, table } => {
                table.get(degree).copied().unwrap_or_else(|| Coins::new((mean / degree as f64).min(1.0)))
            }
        }
    }
}

/// A campaign on a graph whose ties take few distinct strengths (a stochastic block
/// model's strong and weak ties): each arc's strength class and the conversion table
/// by channel, class and invitations received, so no invitation computes a logistic
/// (benches/campaign_vs_ic.rs).
struct TieClasses {
    class_of_arc: Vec<u8>,
    classes: usize,
    table: Vec<f64>,
}

/// Most distinct tie strengths tabulated; on graphs with more, the thresholds of strengths
/// 0 and 1 bound each conversion ([`ConversionThresholds`]).
const MAX_TIE_CLASSES: usize = crate::graph::analysis::LISTED_STRENGTHS;

impl TieClasses {
    fn new(graph: &SocialGraph, behaviour: &CompiledBehaviour) -> Option<Self> {
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
    fn conversion(&self, channel: usize, arc: usize, exposures: u8) -> f64 {
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
const TIE_CELLS: usize = 64;

/// Each arc's cell of strength ([`TIE_CELLS`]), or None if some strength is outside
/// [0, 1] (or NaN), which no cell holds.
fn cells_of_arcs(weights: &[f32]) -> Option<Vec<u8>> {
    weights
        .iter()
        .map(|&w| (0.0..=1.0).contains(&w).then(|| ((w * TIE_CELLS as f32) as usize).min(TIE_CELLS - 1) as u8))
        .collect()
}

/// p × 2^32, rounded half up: a uniform 32-bit coin below it succeeds with probability
/// p within 1.2e-10. (Adding ½ and truncating, because `round` is a library call on the
/// x86-64 baseline, and continuous ties compute a threshold per invitation.)
#[inline]
fn coin_threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * 4_294_967_296.0 + 0.5) as u64
}

/// The upper 16 bits of a 32-bit coin's threshold `below` (at most 2^32), capped at
/// 65,535: a 16-bit coin below it is below `below` whatever the lower 16 bits, one above
/// it is not, and one equal to it needs the lower 16 bits to decide.
#[inline]
fn coin_upper(below: u64) -> u16 {
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
fn coin_bits(
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
struct ConversionThresholds {
    table: Vec<u64>,
    /// Per channel, the offset of its first entry in the table (an invitation's tag
    /// carries it in its lower 16 bits, the sender's place in the chunk in the upper).
    channel_base: Vec<u32>,
    continuous: bool,
}

impl ConversionThresholds {
    fn new(probabilities: &[f64], classes: usize, channels: usize) -> Self {
        let table = probabilities.iter().map(|&p| coin_threshold(p)).collect();
        let channel_base = (0..channels).map(|ci| (ci * classes * TABLE_EXPOSURES) as u32).collect();
        Self { table, channel_base, continuous: false }
    }

    /// Conversions on ties of any strength in [0, 1]: entry
    /// `channel_base[channel] + cell × CELL_STRIDE + 2 × (min(m, TABLE_EXPOSURES) − 1)` is
    /// the threshold of strength cell / [`TIE_CELLS`] less one, the next entry that of
    /// (cell + 1) / `TIE_CELLS` plus one. The model's conversion rises with the strength,
    /// so the two bound the threshold of every strength in the cell; the margin of one
    /// covers a logistic computed a unit in the last place off (it is not guaranteed
    /// monotone to the last bit), which can move a rounded threshold by one.
    fn continuous(behaviour: &CompiledBehaviour) -> Self {
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
        let channel_base = (0..channels).map(|ci| (ci * TIE_CELLS * CELL_STRIDE) as u32).collect();
        Self { table, channel_base, continuous: true }
    }
}

/// Entries of [`ConversionThresholds::continuous`] per cell of strength: two bounds per
/// number of invitations received.
const CELL_STRIDE: usize = 2 * TABLE_EXPOSURES;

/// How each edge's conversion probability is found in the invitation process.
#[derive(Debug, Clone, Copy)]
enum EdgeRule {
    /// From the compiled behaviour (campaign model).
    Model,
    /// The same probability on every edge, every friend invited (uniform independent
    /// cascade): converting friends are found by geometric skips, so the work follows
    /// the conversions, not the edges (benches/engine.rs: `cascade/ic-er-k10-p0.2`).
    Uniform(Coins),
    /// The edge's weight.
    Weight,
    /// 1 / in-degree of the invitee.
    InverseInDegree,
}

/// Which process a run simulates.
#[derive(Debug, Clone, Copy)]
enum Process {
    Invitation(EdgeRule),
    Threshold { start: StartThreshold, contribution: Contribution },
    Sir { beta: f64, recovery: Recovery },
}

/// A threshold process's threshold for a person, drawn when first reached.
#[derive(Debug, Clone, Copy)]
enum StartThreshold {
    Uniform,
    Count(u32),
    Fraction(f64),
}

/// What a participating in-neighbour contributes towards the threshold.
#[derive(Debug, Clone, Copy)]
enum Contribution {
    One,
    Weight,
    InverseInDegree,
}

/// Everything one run reads, prepared once per ensemble.
struct Prepared<'a> {
    graph: &'a SocialGraph,
    behaviour: CompiledBehaviour,
    process: Process,
    /// Per channel of `behaviour`: how a sharer reaches friends.
    reach: Vec<ChannelReach>,
    /// Campaign conversions by tie class, when the graph's ties take few strengths.
    tie_classes: Option<TieClasses>,
    /// Campaigns on ties of many distinct strengths in [0, 1]: each arc's cell of
    /// strength ([`TIE_CELLS`]), which with the invitations received picks the bounds
    /// of its conversion in the continuous `thresholds`.
    tie_cells: Option<Vec<u8>>,
    /// Campaign conversions as 32-bit coin thresholds (tabulated when the ties have no
    /// strengths or few distinct ones, bounded otherwise): the chunked runs
    /// ([`Prepared::run_lockstep_campaign`], [`Prepared::run_days_campaign`]). None
    /// only for a library caller's tie weight below 0 or strengths outside [0, 1].
    thresholds: Option<ConversionThresholds>,
    /// 1 / in-degree per node (weighted cascade, linear threshold), else empty.
    inverse_in_degree: Vec<f32>,
    /// In-degree per node (Watts fractions), else empty.
    in_degree: Vec<u32>,
    generation_width: usize,
    delay: DelaySampler,
    seeding: &'a Seeding,
    fixed_seeds: Vec<u32>,
    days: u32,
    rng_seed: u64,
    /// The uniform independent cascade's skips by table (probability at most
    /// [`COINS_ABOVE`]).
    skips: Option<SkipTable>,
    /// Some(delay) when a run can go generation by generation: an invitation process
    /// with a fixed cycle time, where everyone reached in generation g joins on day
    /// g × delay ([`Prepared::run_lockstep`] for the uniform independent cascade,
    /// [`Prepared::run_lockstep_campaign`] for the campaign with chunked conversions,
    /// [`Prepared::run_lockstep_invitations`] for the others).
    lockstep: Option<u32>,
    /// Whether the uniform independent cascade with a random cycle time runs day by day
    /// in chunks ([`Prepared::run_days_cascade`]); false only in tests, to compare it
    /// with one sender at a time ([`Prepared::run_days`]).
    chunked_days: bool,
}

impl<'a> Prepared<'a> {
    fn new(graph: &'a SocialGraph, config: &'a RunConfig) -> Result<Self, EngineError> {
        let n = graph.node_count();
        if config.days > MAX_DAYS {
            return Err(EngineError::HorizonTooLong(config.days));
        }
        let count = config.seeding.count();
        if count == 0 || count > n {
            return Err(EngineError::BadSeeding(format!(
                "{count} seed users do not fit a graph of {n} people (accepted: 1 to {n})"
            )));
        }
        let fixed_seeds = match &config.seeding {
            Seeding::Random { .. } => Vec::new(),
            Seeding::HighestDegree { count } => graph.highest_degree(*count),
            Seeding::Nodes { nodes } => {
                let mut seen = std::collections::HashSet::new();
                for v in nodes {
                    if v.0 as usize >= n || !seen.insert(v.0) {
                        return Err(EngineError::BadSeeding(format!(
                            "seed node {} is outside the graph or repeated",
                            v.0
                        )));
                    }
                }
                nodes.iter().map(|v| v.0).collect()
            }
        };
        let (process, need_inverse, need_in_degree) = Self::process(graph, &config.behaviour)?;
        let in_degree = if need_inverse || need_in_degree { graph.in_degrees() } else { Vec::new() };
        let inverse_in_degree = if need_inverse {
            in_degree.iter().map(|&d| if d > 0 { 1.0 / d as f32 } else { 0.0 }).collect()
        } else {
            Vec::new()
        };
        let generation_width = match process {
            // Continuous time allows several generations a day.
            Process::Sir { .. } => (8 * (config.days as usize + 1)).clamp(64, 4096),
            _ => config.days as usize + 1,
        };
        let behaviour = config.behaviour.compile();
        let uses_exposures = matches!(process, Process::Invitation(EdgeRule::Model));
        let delay = config.cycle_time.sampler();
        let skips = match process {
            Process::Invitation(EdgeRule::Uniform(coins)) => SkipTable::new(coins.p).filter(|_| coins.p <= COINS_ABOVE),
            _ => None,
        };
        let lockstep = match (process, &delay) {
            (Process::Invitation(_), &DelaySampler::Fixed(d)) => Some(d),
            _ => None,
        };
        let tie_classes = if uses_exposures { TieClasses::new(graph, &behaviour) } else { None };
        // Many distinct strengths, all in [0, 1], which the conversion heeds the more the
        // stronger: bounded by cells of strength.
        let tie_cells = graph
            .all_weights()
            .filter(|_| uses_exposures && tie_classes.is_none() && behaviour.conversion_rises_with_tie())
            .and_then(cells_of_arcs);
        let thresholds = if !uses_exposures {
            None
        } else if let Some(tie) = &tie_classes {
            Some(ConversionThresholds::new(&tie.table, tie.classes, behaviour.channels.len()))
        } else if !graph.has_weights() {
            let table: Vec<f64> = (0..behaviour.channels.len())
                .flat_map(|ci| (1..=TABLE_EXPOSURES as u32).map(move |m| (ci, m)))
                .map(|(ci, m)| behaviour.conversion(ci, m, None))
                .collect();
            Some(ConversionThresholds::new(&table, 1, behaviour.channels.len()))
        } else if tie_cells.is_some() {
            Some(ConversionThresholds::continuous(&behaviour))
        } else {
            None
        };
        Ok(Self {
            graph,
            reach: behaviour.channels.iter().map(|c| ChannelReach::new(c.invite)).collect(),
            tie_classes,
            tie_cells,
            thresholds,
            behaviour,
            process,
            inverse_in_degree,
            in_degree,
            generation_width,
            delay,
            seeding: &config.seeding,
            fixed_seeds,
            days: config.days,
            rng_seed: config.rng_seed,
            skips,
            lockstep,
            chunked_days: true,
        })
    }

    /// The process of `behaviour` on `graph`, and whether it needs 1/in-degree and
    /// in-degrees; checks that the model fits the graph.
    fn process(graph: &SocialGraph, behaviour: &Behaviour) -> Result<(Process, bool, bool), EngineError> {
        let unfit = |m: String| Err(EngineError::ModelDoesNotFitGraph(m));
        let need_weights = |what: &str| -> Result<(), EngineError> {
            if graph.has_weights() {
                Ok(())
            } else {
                Err(EngineError::ModelDoesNotFitGraph(format!(
                    "{what} needs edge weights, but the graph has none: use an edge list with graph.weight_column = true"
                )))
            }
        };
        Ok(match behaviour {
            Behaviour::Campaign { .. } => (Process::Invitation(EdgeRule::Model), false, false),
            Behaviour::IndependentCascade { probability } => match probability {
                EdgeProbability::Uniform(p) => (Process::Invitation(EdgeRule::Uniform(Coins::new(*p))), false, false),
                EdgeProbability::EdgeWeights => {
                    need_weights("independent-cascade with probability = \"edge-weights\"")?;
                    (Process::Invitation(EdgeRule::Weight), false, false)
                }
                EdgeProbability::WeightedCascade => (Process::Invitation(EdgeRule::InverseInDegree), true, false),
            },
            Behaviour::LinearThreshold { weights } => match weights {
                InfluenceWeights::InDegree => (
                    Process::Threshold { start: StartThreshold::Uniform, contribution: Contribution::InverseInDegree },
                    true,
                    false,
                ),
                InfluenceWeights::EdgeWeights => {
                    need_weights("linear-threshold with weights = \"edge-weights\"")?;
                    let sums = graph.in_weight_sums().expect("checked: the graph has weights");
                    if let Some((v, s)) = sums.iter().enumerate().find(|(_, s)| **s > 1.0 + 1e-6) {
                        return unfit(format!(
                            "linear-threshold needs the weights into each person to sum to at most 1, but those into node {} sum to {s:.4}",
                            graph.original_id(NodeId(v as u32))
                        ));
                    }
                    (
                        Process::Threshold { start: StartThreshold::Uniform, contribution: Contribution::Weight },
                        false,
                        false,
                    )
                }
            },
            Behaviour::ComplexContagion { threshold } => match threshold {
                AdoptionThreshold::Count(c) => {
                    let max_in = graph.in_degrees().into_iter().max().unwrap_or(0);
                    if *c > max_in {
                        return unfit(format!(
                            "complex-contagion threshold_count = {c} is larger than anyone's number of friends (at most {max_in}): no one but the seeds could ever join"
                        ));
                    }
                    (
                        Process::Threshold { start: StartThreshold::Count(*c), contribution: Contribution::One },
                        false,
                        false,
                    )
                }
                AdoptionThreshold::Fraction(f) => (
                    Process::Threshold { start: StartThreshold::Fraction(*f), contribution: Contribution::One },
                    false,
                    true,
                ),
            },
            Behaviour::Sir { transmission_rate, recovery } => {
                (Process::Sir { beta: *transmission_rate, recovery: *recovery }, false, false)
            }
        })
    }

    /// Simulates run `run` into `scratch` (its rows in `scratch.rows`, its tree in
    /// `scratch.tree`) and returns its scalars.
    fn run(&self, run: u64, scratch: &mut RunScratch) -> RunOutcome {
        scratch.reset();
        let mut rng = stream_rng(self.rng_seed, run);
        let n = self.graph.node_count() as u64;
        let mut out = RunOutcome::default();

        let is_sir = matches!(self.process, Process::Sir { .. });
        let add_seed = |s: &mut RunScratch, v: u32| {
            s.touched.push(v);
            s.set_state(v as usize, PENDING);
            s.people[v as usize] = Person { join_day: 0, ..Person::FRESH };
            if is_sir {
                s.times[v as usize] = 0.0;
                s.heap.push(Reverse((0f64.to_bits(), v)));
            } else {
                s.buckets[0].push(v);
            }
        };
        match self.seeding {
            Seeding::Random { count } => {
                // Rejection sampling on the state marks: distinct, no allocation.
                let mut placed = 0;
                while placed < *count {
                    let v = below(&mut rng, n) as u32;
                    if scratch.state(v as usize) == UNTOUCHED {
                        add_seed(scratch, v);
                        placed += 1;
                    }
                }
            }
            _ => {
                for &v in &self.fixed_seeds {
                    add_seed(scratch, v);
                }
            }
        }

        // Chunked campaign conversions: Some(whether bounded on continuous ties).
        let chunked = self.thresholds.as_ref().map(|t| t.continuous);
        match (self.process, self.lockstep, chunked) {
            (Process::Sir { beta, recovery }, ..) => self.run_sir(beta, recovery, scratch, &mut rng, &mut out),
            (Process::Invitation(EdgeRule::Uniform(coins)), Some(delay), _) => {
                self.run_lockstep(coins, delay, scratch, &mut rng, &mut out)
            }
            (Process::Invitation(EdgeRule::Model), Some(delay), Some(true)) => {
                self.run_lockstep_campaign::<true>(delay, scratch, &mut rng, &mut out)
            }
            (Process::Invitation(EdgeRule::Model), Some(delay), Some(false)) => {
                self.run_lockstep_campaign::<false>(delay, scratch, &mut rng, &mut out)
            }
            (Process::Invitation(rule), Some(delay), _) => {
                self.run_lockstep_invitations(rule, delay, scratch, &mut rng, &mut out)
            }
            (Process::Invitation(EdgeRule::Model), None, Some(true)) => {
                self.run_days_campaign::<true>(scratch, &mut rng, &mut out)
            }
            (Process::Invitation(EdgeRule::Model), None, Some(false)) => {
                self.run_days_campaign::<false>(scratch, &mut rng, &mut out)
            }
            (Process::Invitation(EdgeRule::Uniform(coins)), None, _) if self.chunked_days => {
                self.run_days_cascade(coins, scratch, &mut rng, &mut out)
            }
            _ => self.run_days(scratch, &mut rng, &mut out),
        }
        tree_statistics(&mut scratch.tree, &mut out);
        out
    }

    /// Calls `f(j)` for each friend `j` in `0..len` whom a uniform independent cascade's
    /// coins reach.
    #[inline(always)]
    fn for_each_success(&self, coins: Coins, len: usize, rng: &mut SimRng, f: impl FnMut(usize, &mut SimRng)) {
        match &self.skips {
            Some(table) => table.for_each(len, rng, f),
            None => coins.for_each(len, rng, f),
        }
    }

    /// The uniform independent cascade with a fixed cycle time `delay`, generation by
    /// generation: everyone reached by generation g joins on day (g + 1) × delay, in
    /// the order they were reached, so the recruitment tree's order of joining is the
    /// queue and a person's generation and day follow from their position. The same
    /// process as [`Prepared::run_days`] (tested), without day buckets, person
    /// records or a branch per reached friend. With the skip table, one run on ER
    /// n = 100,000, p = 0.2 went from 11–13 ms to 3.1–4.3 ms, and on BA n = 100,000,
    /// m = 5, p = 0.05 from 0.14–0.21 ms to 0.06–0.10 ms (scripts/bench-peers); one
    /// skip loop per chunk of senders instead of one per sender took a further
    /// 17–25% off (fastest of four alternating `fission run`s each).
    fn run_lockstep(&self, coins: Coins, delay: u32, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        let graph = self.graph;
        for &v in &s.buckets[0] {
            s.marks[v as usize] = JOINED;
        }
        let seed_count = s.buckets[0].len();
        self.by_generation(delay, s, out, |s, out, start, end, joins| {
            let mut invitations = 0u64;
            let mut chunk = start;
            while chunk < end {
                let chunk_end = (chunk + LOCKSTEP_CHUNK).min(end);
                // Three passes over the chunk's successes, each prefetching what the
                // next reads: which arcs succeed (the draws alone decide), whom they
                // reach, and, in the same order, who among them is new. The memory
                // reads of 64 senders overlap instead of each waiting behind the
                // last: on BA and ER n = 100,000 one run takes 16–18% less than with
                // one pass per sender and its friend list prefetched
                // (fastest of six alternating runs each).
                // Who shares, and where each sharer's friend list starts in the
                // chunk's friend lists laid end to end (a non-sharer's is empty).
                let mut starts = [u32::MAX; LOCKSTEP_CHUNK];
                let mut first_arcs = [0u32; LOCKSTEP_CHUNK];
                let mut total = 0usize;
                for (k, i) in (chunk..chunk_end).enumerate() {
                    if let Some(&ahead) = s.tree.order().get(i + PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                    }
                    starts[k] = total as u32;
                    if self.behaviour.share_probability < 1.0 && uniform(rng) >= self.behaviour.share_probability {
                        continue;
                    }
                    out.sharers += 1;
                    let u = NodeId(s.tree.order[i]);
                    first_arcs[k] = graph.first_arc(u) as u32;
                    total += graph.degree(u);
                }
                invitations += total as u64;
                let mut hits = std::mem::take(&mut s.hits);
                let count = self.chunk_successes(
                    coins,
                    &starts,
                    &first_arcs,
                    total,
                    chunk as u32,
                    &s.marks,
                    &mut s.slot_of,
                    &mut hits,
                    rng,
                );
                let chunk_hits = &hits[..count];
                if joins {
                    // Room for every hit, so that each is written at the next
                    // position and kept only if new, without a branch.
                    let tree = &mut s.tree;
                    let room = tree.len + count;
                    if tree.order.len() < room {
                        tree.order.resize(room, 0);
                        tree.parent.resize(room, 0);
                    }
                    let (order, parent, marks) = (&mut tree.order[..], &mut tree.parent[..], &mut s.marks[..]);
                    let mut len = tree.len;
                    for &(v, i) in chunk_hits {
                        let fresh = marks[v as usize] == UNTOUCHED;
                        marks[v as usize] = JOINED;
                        order[len] = v;
                        parent[len] = i;
                        len += fresh as usize;
                    }
                    tree.len = len;
                } else {
                    // Past the horizon: the run is censored if a success reaches
                    // someone new.
                    out.is_censored |= chunk_hits.iter().any(|&(v, _)| s.marks[v as usize] == UNTOUCHED);
                }
                s.hits = hits;
                chunk = chunk_end;
            }
            invitations
        });
        // `touched` lists whom the run marked, for the reset.
        let order = &s.tree.order[seed_count..s.tree.len];
        s.touched.extend_from_slice(order);
    }

    /// The uniform cascade's successes from a chunk of senders, written to the start of
    /// `hits` as (invitee, `first` + the sender's place in the chunk) in the senders'
    /// order and, within a sender, friend by friend; returns how many. `starts[k]` is
    /// where sender k's friend list starts in the chunk's friend lists laid end to end
    /// (`total` ties; unused starts u32::MAX), `first_arcs[k]` its first arc; `slot_of`
    /// is scratch (each position's sender).
    ///
    /// Independent coins on every tie of the chunk's senders are the same as coins on
    /// one list of all their ties: one skip loop for the chunk, whose exit is
    /// mispredicted once, not once per sender, and no draw for a sender without
    /// successes. Each success finds its sender in `slot_of`, a byte per position
    /// filled 16 at a time before the skips (as the campaign's chunks do,
    /// [`Prepared::select_chunk`]). A binary search of six steps over `starts` found
    /// it before: its chain of six dependent loads held up every success, and the
    /// lookup takes 21% off a one-day cascade on ER n = 100,000, p = 0.2 (1.91–1.94 →
    /// 1.52–1.53 ms a run, one thread; docs/PERFORMANCE.md), 4% day by day. (Counting
    /// the starts at or before a success, vectorised, had been 25% slower than the
    /// search, and forcing every step to a conditional move 20%.) Two passes, each
    /// prefetching what the next reads: the successes' friend-list entries, then (once
    /// read) the invitees' marks.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn chunk_successes(
        &self,
        coins: Coins,
        starts: &[u32; LOCKSTEP_CHUNK],
        first_arcs: &[u32; LOCKSTEP_CHUNK],
        total: usize,
        first: u32,
        marks: &[u8],
        slot_of: &mut Vec<u8>,
        hits: &mut Vec<(u32, u32)>,
        rng: &mut SimRng,
    ) -> usize {
        let targets = self.graph.all_targets();
        if hits.len() < total {
            hits.resize(total, (0, 0));
        }
        // Each position's sender: the first 64 positions by one store, then blocks of 16
        // (a sender's last store runs into the next sender's list, which the next sender
        // then overwrites). (On BA n = 100,000, p = 0.05, whose hubs' long lists this
        // fills, as fast as the search; a version that searched when the senders had
        // more than 32 friends on average was no faster there.)
        let room = total + FIRST_SLOTS; // (what `fill_slots` may write past the last start)
        if slot_of.len() < room {
            slot_of.resize(room.max(2 * slot_of.len()), 0);
        }
        for k in 0..LOCKSTEP_CHUNK {
            let start = starts[k];
            if start == u32::MAX {
                break;
            }
            let end = if k + 1 < LOCKSTEP_CHUNK { starts[k + 1].min(total as u32) } else { total as u32 };
            let (start, end) = (start as usize, end as usize);
            fill_slots::<_, FIRST_SLOTS>(&mut slot_of[start..], end - start, k as u8);
        }
        let slot_of = &slot_of[..total];
        let slots = &mut hits[..];
        let mut count = 0;
        self.for_each_success(
            coins,
            total,
            rng,
            #[inline(always)]
            |pos, _| {
                let k = slot_of[pos] as usize % LOCKSTEP_CHUNK;
                let pos = pos as u32;
                let arc = (first_arcs[k] + (pos - starts[k])) as usize;
                prefetch(&targets[arc]);
                slots[count] = (arc as u32, first + k as u32);
                count += 1;
            },
        );
        for hit in &mut hits[..count] {
            let v = targets[hit.0 as usize];
            prefetch(&marks[v as usize]);
            hit.0 = v;
        }
        count
    }

    /// An invitation process other than the uniform cascade (edge weights, 1 / in-degree,
    /// the campaign when its conversions are not chunked: a library caller's tie
    /// strengths outside [0, 1]) with a fixed cycle time `delay`, generation by
    /// generation: a converted invitee is appended to the order of joining at once
    /// (state PENDING until their own turn to share), so there are no day buckets and
    /// no person records. Senders share in the order of joining, and a sender's state
    /// becomes JOINED on their turn, exactly as in [`Prepared::run_days`]: the same
    /// run, draw for draw (tested).
    fn run_lockstep_invitations(
        &self,
        rule: EdgeRule,
        delay: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        // The seeds are PENDING since seeded.
        self.by_generation(delay, s, out, |s, out, start, end, joins| {
            let mut invitations = 0u64;
            for i in start..end {
                if let Some(&ahead) = s.tree.order().get(i + PREFETCH_DISTANCE) {
                    self.prefetch_friends(ahead);
                }
                let u = s.tree.order[i];
                s.set_state(u as usize, JOINED);
                if self.behaviour.share_probability < 1.0 && uniform(rng) >= self.behaviour.share_probability {
                    continue;
                }
                out.sharers += 1;
                invitations += self.invite_friends(
                    u,
                    rule,
                    s,
                    rng,
                    #[inline(always)]
                    |v, s, _| {
                        // Already due to join next generation: nothing more to do.
                        if s.state(v as usize) == PENDING {
                            return;
                        }
                        if joins {
                            s.set_state(v as usize, PENDING);
                            s.tree.push(v, i as u32);
                        } else {
                            out.is_censored = true;
                        }
                    },
                );
            }
            invitations
        });
    }

    /// The campaign with a fixed cycle time and chunked conversions (tabulated, or
    /// bounded on `CONTINUOUS` ties), generation by generation in chunks of
    /// [`LOCKSTEP_CHUNK`] senders, each in passes whose memory reads overlap instead of
    /// each waiting behind the last: who shares and which friends each channel reaches
    /// (the draws alone decide, [`Prepared::select_chunk`]; prefetching the friend-list
    /// entries), and who those friends are (prefetching their marks); dropping
    /// the invitations to people already recruited, which change nothing but the
    /// count of invitations; then, in the order of the invitations, each one counted
    /// against its invitee and its conversion drawn, without a branch. The same process
    /// as the day-by-day schedule, not its draws: a sharer's conversions are drawn
    /// after the whole chunk's reach, and an invitation to someone recruited earlier in
    /// the same generation is not counted against them, which nothing reads
    /// (`lockstep_campaign_runs_match_the_day_by_day_schedule`). On ER n = 100,000 and
    /// the Qixi graph (benches/campaign_vs_ic.rs) a run takes 2.5–3× less than with
    /// one sender and one invitation at a time; dropping the invitations to
    /// participants before drawing takes 5–8% of that.
    fn run_lockstep_campaign<const CONTINUOUS: bool>(
        &self,
        delay: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        let Some(thresholds) = &self.thresholds else {
            return self.run_lockstep_invitations(EdgeRule::Model, delay, s, rng, out);
        };
        let graph = self.graph;
        let table = &thresholds.table[..];
        let share_below = coin_threshold(self.behaviour.share_probability);
        let channel_base = &thresholds.channel_base[..];
        self.by_generation(delay, s, out, |s, out, start, end, joins| {
            let mut invitations = 0u64;
            let mut chunk = start;
            while chunk < end {
                let chunk_end = (chunk + LOCKSTEP_CHUNK).min(end);
                let mut hits = std::mem::take(&mut s.hits);
                // Pass 1: who shares (a 32-bit coin each, two per draw, without a
                // branch), and which friends each channel reaches (arcs).
                let mut sharers = [(0u32, 0u32); LOCKSTEP_CHUNK];
                let (mut n, mut word) = (0, 0u64);
                // (Local slices and generator: through `s` and `rng`, their addresses
                // and the generator's state would be reloaded after every store.)
                let (order, marks) = (s.tree.order(), &mut s.marks[..]);
                let mut local = rng.clone();
                for (k, i) in (chunk..chunk_end).enumerate() {
                    if let Some(&ahead) = order.get(i + PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                        prefetch(&marks[ahead as usize]);
                    }
                    let u = order[i];
                    marks[u as usize] = (marks[u as usize] & !STATE_BITS) | JOINED;
                    let coin = if k % 2 == 0 {
                        word = local.next_u64();
                        word & 0xFFFF_FFFF
                    } else {
                        word >> 32
                    };
                    sharers[n] = (u, k as u32);
                    n += (coin < share_below) as usize;
                }
                *rng = local;
                out.sharers += n as u32;
                let count = self.select_chunk(&sharers[..n], s, rng, channel_base, &mut hits);
                let mut hits_all = hits;
                let hits = &mut hits_all[..count];
                invitations += count as u64;
                // Pass 2: invitations to someone already recruited before this chunk
                // change nothing but the count of invitations: drop them, without a
                // branch.
                // (Through a slice: read through `s`, the marks' address and length would
                // be reloaded after every store to `hits`.)
                let marks = &s.marks[..];
                let mut open = 0;
                for i in 0..hits.len() {
                    let hit = hits[i];
                    hits[open] = hit;
                    open += ((marks[hit.0 as usize] & STATE_BITS) < PENDING) as usize;
                }
                let hits = &mut hits[..open];
                // Pass 3: in order, each invitation to someone not yet recruited is
                // counted (their mark's upper six bits) and converts with the
                // probability for that count, channel and tie; written at the next
                // position of the order of joining (and of `touched`) and kept only
                // when it counts, without a branch.
                let tree = &mut s.tree;
                let room = tree.len + count;
                if tree.order.len() < room {
                    tree.order.resize(room, 0);
                    tree.parent.resize(room, 0);
                }
                let touched_len = s.touched.len();
                s.touched.resize(touched_len + count, 0);
                let (order, parent, marks, touched) =
                    (&mut tree.order[..], &mut tree.parent[..], &mut s.marks[..], &mut s.touched[..]);
                let (mut len, mut tl, mut censored) = (tree.len, touched_len, false);
                let recruiter = chunk as u32;
                // (Through `identity` so that the closure can be marked inline: it has
                // three call sites.)
                let mut step = std::convert::identity(
                    #[inline(always)]
                    |(v, tag): (u32, u32), coin: u64| {
                        let vi = v as usize;
                        let mark = marks[vi];
                        let state = mark & STATE_BITS;
                        let e = ((mark >> 2) as usize).min(TABLE_EXPOSURES - 1);
                        let open = state < PENDING;
                        // (The sender, read only for a tie's own strength: `order` is
                        // written at `len`, past this chunk's senders.)
                        let tie = || (order[chunk + (tag >> 16) as usize], v);
                        let converted = open & self.converts::<CONTINUOUS>(table, tag, e, coin, tie);
                        let recruited = converted & joins;
                        censored |= converted & !joins;
                        debug_assert!(tl < touched.len() && len < order.len() && len < parent.len());
                        // SAFETY: `tl` and `len` start at `touched_len` and `tree.len`
                        // and grow by at most one per invitation, of which there are at
                        // most `count`; `touched`, `order` and `parent` were extended to
                        // hold `count` more above. (Without the bounds checks, which
                        // keep three lengths live in the loop, the ER and Qixi
                        // campaigns of benches/campaign_vs_ic.rs take 2–3% less.)
                        unsafe {
                            *touched.get_unchecked_mut(tl) = v;
                            *order.get_unchecked_mut(len) = v;
                            *parent.get_unchecked_mut(len) = recruiter + (tag >> 16);
                        }
                        tl += (state == UNTOUCHED) as usize;
                        len += recruited as usize;
                        let counted = (count_exposure(mark) & !STATE_BITS) | if recruited { PENDING } else { EXPOSED };
                        marks[vi] = if open { counted } else { mark };
                    },
                );
                // Two 32-bit coins per 64-bit draw.
                // (A local copy of the generator, kept in registers.)
                let mut local = rng.clone();
                let mut i = 0;
                while i + 1 < hits.len() {
                    let word = local.next_u64();
                    step(hits[i], word & 0xFFFF_FFFF);
                    step(hits[i + 1], word >> 32);
                    i += 2;
                }
                if i < hits.len() {
                    step(hits[i], local.next_u64() >> 32);
                }
                *rng = local;
                tree.len = len;
                s.touched.truncate(tl);
                out.is_censored |= censored;
                s.hits = hits_all;
                chunk = chunk_end;
            }
            invitations
        });
    }

    /// Starts loading the arcs `first..first + degree` (degree >= 1) of a sharer for
    /// [`Prepared::select_chunk`]: their first and last targets and, with tie classes
    /// or cells, the first one's.
    #[inline(always)]
    fn prefetch_arcs(&self, first: usize, degree: usize) {
        let graph = self.graph;
        let targets = graph.all_targets();
        prefetch(&targets[first]);
        prefetch(&targets[first + degree - 1]);
        match (&self.tie_classes, &self.tie_cells) {
            (Some(tie), _) => prefetch(&tie.class_of_arc[first]),
            (None, Some(cells)) => prefetch(&cells[first]),
            (None, None) => {}
        }
    }

    /// Starts loading the friend list of `u`, who will share soon
    /// ([`Prepared::prefetch_arcs`]: a friend list often straddles two cache lines;
    /// longer ones are read in order, which the hardware prefetcher follows).
    #[inline(always)]
    fn prefetch_friends(&self, u: u32) {
        let degree = self.graph.degree(NodeId(u));
        if degree > 0 {
            self.prefetch_arcs(self.graph.first_arc(NodeId(u)), degree);
        }
    }

    /// Runs a fixed-cycle process generation by generation: the seeds (day 0's bucket)
    /// start the order of joining; then, while the last generation reached anyone,
    /// records its joins on day g × `delay` and calls `spread(s, out, start, end,
    /// joins)` on it (positions `start..end` in the order of joining), which appends
    /// whom it recruits, with `joins` telling whether they would join within the
    /// horizon, and returns the invitations sent.
    #[inline(always)]
    fn by_generation(
        &self,
        delay: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        mut spread: impl FnMut(&mut RunScratch, &mut RunOutcome, usize, usize, bool) -> u64,
    ) {
        let mut seeds = std::mem::take(&mut s.buckets[0]);
        for &v in &seeds {
            s.tree.push(v, NONE);
        }
        seeds.clear();
        s.buckets[0] = seeds;
        let (mut start, mut g) = (0usize, 0u32);
        while start < s.tree.len {
            let end = s.tree.len;
            let day = g * delay; // <= days: checked before the generation was reached
            s.rows.record_joins(out, day, g, (end - start) as u32);
            let joins = day as u64 + delay as u64 <= self.days as u64;
            let invitations = spread(s, out, start, end, joins);
            s.rows.record_invitations(out, g, invitations);
            start = end;
            g += 1;
        }
    }

    /// The next of day `day`'s joiners in `bucket`, from position `next` on (which it
    /// advances past them): stale entries are skipped ([`Prepared::join_from_bucket`]),
    /// and the offsets, records and marks of those further on prefetched. None at the
    /// end of the bucket.
    #[inline(always)]
    fn next_joiner(
        &self,
        bucket: &[u32],
        next: &mut usize,
        day: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
    ) -> Option<Sender> {
        while *next < bucket.len() {
            if let Some(&ahead) = bucket.get(*next + 2 * PREFETCH_DISTANCE) {
                prefetch(self.graph.offset_entry(NodeId(ahead)));
            }
            if let Some(&ahead) = bucket.get(*next + PREFETCH_DISTANCE) {
                prefetch(&s.people[ahead as usize]);
                prefetch(&s.marks[ahead as usize]);
            }
            let u = bucket[*next];
            *next += 1;
            if let Some(at) = self.join_from_bucket(u, day, s, out) {
                return Some(at);
            }
        }
        None
    }

    /// Runs a process day by day: from day 0, while within the horizon and not past the
    /// last day anyone was scheduled to join, calls `spread(s, out, bucket, day,
    /// last_scheduled)` on that day's bucket (which may schedule people on later days,
    /// raising `last_scheduled`), then empties the bucket, keeping its room.
    #[inline(always)]
    fn by_day(
        &self,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        mut spread: impl FnMut(&mut RunScratch, &mut RunOutcome, &[u32], u32, &mut u32),
    ) {
        let mut last_scheduled = 0u32;
        let mut day = 0u32;
        while day <= self.days && day <= last_scheduled {
            let mut bucket = std::mem::take(&mut s.buckets[day as usize]);
            spread(s, out, &bucket, day, &mut last_scheduled);
            bucket.clear();
            s.buckets[day as usize] = bucket;
            day += 1;
        }
        debug_assert!(s.buckets.iter().all(Vec::is_empty), "every scheduled day was processed");
    }

    /// Person `u`, taken from day `day`'s bucket, joins if that is still their day
    /// (lazy deletion: a person may sit in several buckets; only the last day
    /// scheduled counts): their state, place in the order of joining and the day's
    /// row are recorded. Returns them as a sender, or None for a stale entry.
    #[inline(always)]
    fn join_from_bucket(&self, u: u32, day: u32, s: &mut RunScratch, out: &mut RunOutcome) -> Option<Sender> {
        let ui = u as usize;
        let person = s.people[ui];
        if s.state(ui) != PENDING || person.join_day as u32 != day {
            return None;
        }
        s.set_state(ui, JOINED);
        let g = person.generation as u32;
        let position = s.tree.push(u, person.recruiter);
        s.rows.record_join(out, day, g);
        Some(Sender { u, day, g, position })
    }

    /// The day-by-day schedule shared by the invitation and threshold processes.
    fn run_days(&self, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        let graph = self.graph;
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                for (i, &u) in bucket.iter().enumerate() {
                    if let Some(&ahead) = bucket.get(i + 2 * PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                    }
                    if let Some(&ahead) = bucket.get(i + PREFETCH_DISTANCE) {
                        self.prefetch_friends(ahead);
                        prefetch(&s.people[ahead as usize]);
                    }
                    let Some(at) = self.join_from_bucket(u, day, s, out) else {
                        continue;
                    };
                    let invitations = match self.process {
                        Process::Invitation(rule) => self.spread_invitations(at, rule, s, rng, out, last_scheduled),
                        Process::Threshold { start, contribution } => {
                            self.spread_threshold(at, start, contribution, s, rng, out, last_scheduled)
                        }
                        Process::Sir { .. } => unreachable!("SIR runs in continuous time"),
                    };
                    s.rows.record_invitations(out, at.g, invitations);
                }
            },
        );
    }

    /// Writes to the start of `hits` the invitations a chunk's sharers send, as
    /// (invitee, tag), and returns how many: `sharers` holds each sharer and their place
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
    fn select_chunk(
        &self,
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        rng: &mut SimRng,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
    ) -> usize {
        // One version per number of channels and way each picks (coins or skips), so
        // that the loop over positions does only what the channels need.
        let by_coins = |c: usize| match &self.reach[c] {
            ChannelReach::PerDegree { .. } => true,
            ChannelReach::Each(_, Some(_)) => false,
            ChannelReach::Each(coins, None) => coins.p > SELECT_COINS_ABOVE,
        };
        let a = (sharers, s, rng, channel_base, hits);
        match (self.reach.len(), by_coins(0), self.reach.len() > 1 && by_coins(1)) {
            (1, true, _) => self.select_chunk_channels::<1, true, false>(a.0, a.1, a.2, a.3, a.4),
            (1, false, _) => self.select_chunk_channels::<1, false, false>(a.0, a.1, a.2, a.3, a.4),
            (2, true, true) => self.select_chunk_channels::<2, true, true>(a.0, a.1, a.2, a.3, a.4),
            (2, true, false) => self.select_chunk_channels::<2, true, false>(a.0, a.1, a.2, a.3, a.4),
            (2, false, true) => self.select_chunk_channels::<2, false, true>(a.0, a.1, a.2, a.3, a.4),
            (2, false, false) => self.select_chunk_channels::<2, false, false>(a.0, a.1, a.2, a.3, a.4),
            (n, ..) => unreachable!("{n} channels; at most {}", crate::model::MAX_CHANNELS),
        }
    }

    // `select_chunk` dispatches on up to two channels; slots are bytes, channels bits.
    const _CHANNELS: () = assert!(crate::model::MAX_CHANNELS == 2 && LOCKSTEP_CHUNK <= 256);

    #[inline(always)]
    fn select_chunk_channels<const NC: usize, const COINS_0: bool, const COINS_1: bool>(
        &self,
        sharers: &[(u32, u32)],
        s: &mut RunScratch,
        rng: &mut SimRng,
        channel_base: &[u32],
        hits: &mut Vec<(u32, u32)>,
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
                    let b = self.reach[c].coins(degree).below;
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
                match &self.reach[c] {
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
        let room = NC * total + 1;
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
        let mut n = 0;
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
                    // SAFETY: `n` grows by at most one per channel and position, so it
                    // stays below NC × `total` + 1, the room made above in `hits`. (The
                    // bounds checks cost the Qixi campaign of benches/campaign_vs_ic.rs
                    // 1–2%.)
                    unsafe { *hits.get_unchecked_mut(n) = (v, tag + base[c]) };
                    n += ((by[c] >> i) & 1) as usize;
                }
            }
        }
        n
    }

    /// Whether an invitation with tag `tag`, to someone who has received `e`
    /// invitations before it (capped at `TABLE_EXPOSURES - 1`), converts with the
    /// 32-bit coin `coin`: below its threshold in the table, or, on `CONTINUOUS` ties,
    /// below the threshold of the strength of its tie, from sender to invitee as
    /// `tie()` gives them, computed only when the coin falls between the bounds of the
    /// tie's cell of strength (conversion rises with the strength;
    /// [`ConversionThresholds::continuous`]).
    #[inline(always)]
    fn converts<const CONTINUOUS: bool>(
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
    fn converts_on_own_tie(&self, tag: u32, e: usize, u: u32, v: u32, coin: u64) -> bool {
        let graph = self.graph;
        let j = graph.neighbours(NodeId(u)).binary_search(&v).expect("an invitation goes along a tie");
        let channel = (tag & 0xFFFF) as usize / (TIE_CELLS * CELL_STRIDE);
        let tie = graph.weights(NodeId(u)).map(|w| w[j]);
        coin < coin_threshold(self.behaviour.conversion(channel, e as u32 + 1, tie))
    }

    /// The uniform independent cascade with a random cycle time, day by day, each
    /// day's joiners in chunks of [`LOCKSTEP_CHUNK`] as in [`Prepared::run_lockstep`]:
    /// who of the day's bucket joins (lazy deletion, as in [`Prepared::run_days`]) and
    /// which of their ties succeed (one run of skips over the chunk's friend lists laid
    /// end to end, the friend-list entries prefetched); whom the successes reach (their
    /// marks prefetched); dropping, without a branch, those to participants; then each
    /// remaining success in order, scheduled with its own delay ([`Prepared::schedule`]:
    /// first passage, an earlier arrival replaces a later one). The same process as
    /// [`Prepared::run_days`], one sender at a time, not its draws: a sender's delays
    /// are drawn after the whole chunk's successes
    /// (`chunked_cascade_runs_match_the_one_at_a_time_schedule`).
    fn run_days_cascade(&self, coins: Coins, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        debug_assert!(self.behaviour.share_probability >= 1.0, "everyone reached shares in the cascade");
        let graph = self.graph;
        let mut senders = [Sender { u: 0, day: 0, g: 0, position: 0 }; LOCKSTEP_CHUNK];
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                let mut next = 0;
                while next < bucket.len() {
                    // Pass 1: up to a chunk of the day's joiners, and where each one's
                    // friend list starts in the chunk's friend lists laid end to end (the
                    // unused starts are u32::MAX: where the senders end).
                    let mut starts = [u32::MAX; LOCKSTEP_CHUNK];
                    let mut first_arcs = [0u32; LOCKSTEP_CHUNK];
                    let (mut chunk, mut total) = (0, 0usize);
                    while chunk < LOCKSTEP_CHUNK {
                        let Some(at) = self.next_joiner(bucket, &mut next, day, s, out) else {
                            break;
                        };
                        let u = at.u;
                        senders[chunk] = at;
                        starts[chunk] = total as u32;
                        first_arcs[chunk] = graph.first_arc(NodeId(u)) as u32;
                        let degree = graph.degree(NodeId(u));
                        s.rows.record_invitations(out, at.g, degree as u64);
                        total += degree;
                        chunk += 1;
                    }
                    out.sharers += chunk as u32;
                    // Pass 2: the successes, as (invitee, sender's place in the chunk), their
                    // marks prefetched; then those reaching participants dropped without a
                    // branch.
                    let mut hits = std::mem::take(&mut s.hits);
                    let count = self.chunk_successes(
                        coins,
                        &starts,
                        &first_arcs,
                        total,
                        0,
                        &s.marks,
                        &mut s.slot_of,
                        &mut hits,
                        rng,
                    );
                    let marks = &s.marks[..];
                    let mut open = 0;
                    for i in 0..count {
                        let hit = hits[i];
                        hits[open] = hit;
                        open += ((marks[hit.0 as usize] & STATE_BITS) != JOINED) as usize;
                    }
                    // Pass 3: each remaining success in order, with its own delay.
                    for &(v, k) in &hits[..open] {
                        self.schedule(senders[k as usize % LOCKSTEP_CHUNK], v, s, rng, out, last_scheduled);
                    }
                    s.hits = hits;
                }
            },
        );
    }

    /// The campaign with chunked conversions and a random cycle time, day by day,
    /// each day's joiners in chunks of [`LOCKSTEP_CHUNK`] as in
    /// [`Prepared::run_lockstep_campaign`]: who of the day's bucket joins (lazy
    /// deletion, as in [`Prepared::run_days`]), shares and which friends each channel
    /// reaches, and who those friends are (their marks prefetched); dropping invitations
    /// to participants; then each invitation in order, counted against its invitee, its
    /// conversion a 32-bit coin ([`Prepared::converts`]); then the conversions in order,
    /// each scheduled with its own delay (first passage: an earlier arrival replaces a
    /// later one). The same process as the one-invitation-at-a-time schedule, not its
    /// draws (`chunked_campaign_runs_match_the_one_at_a_time_schedule`).
    fn run_days_campaign<const CONTINUOUS: bool>(&self, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        let Some(thresholds) = &self.thresholds else {
            return self.run_days(s, rng, out);
        };
        let table = &thresholds.table[..];
        let share = self.behaviour.share_probability;
        let channel_base = &thresholds.channel_base[..];
        let mut senders = [Sender { u: 0, day: 0, g: 0, position: 0 }; LOCKSTEP_CHUNK];
        let mut ends = [0usize; LOCKSTEP_CHUNK];
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                let mut next = 0;
                while next < bucket.len() {
                    let mut hits = std::mem::take(&mut s.hits);
                    let (mut chunk, mut n_sharers) = (0, 0);
                    let mut sharers = [(0u32, 0u32); LOCKSTEP_CHUNK];
                    // Pass 1: up to a chunk of the day's joiners; who shares, and which
                    // friends each channel reaches (arcs).
                    while chunk < LOCKSTEP_CHUNK {
                        let Some(at) = self.next_joiner(bucket, &mut next, day, s, out) else {
                            break;
                        };
                        let u = at.u;
                        senders[chunk] = at;
                        ends[chunk] = 0;
                        // Kept without a branch (taken as often as people share).
                        let shares = share >= 1.0 || uniform(rng) < share;
                        sharers[n_sharers] = (u, chunk as u32);
                        n_sharers += shares as usize;
                        chunk += 1;
                    }
                    out.sharers += n_sharers as u32;
                    let count = self.select_chunk(&sharers[..n_sharers], s, rng, channel_base, &mut hits);
                    // Each sender's invitations: `hits` holds them sender by sender, in the
                    // order of the chunk, so where each sender's run ends tells how many
                    // there are (plain stores, where counting would wait on the previous
                    // count of the same sender).
                    for (i, &(_, tag)) in hits[..count].iter().enumerate() {
                        ends[(tag >> 16) as usize % LOCKSTEP_CHUNK] = i + 1;
                    }
                    let mut done = 0;
                    for (at, &end) in senders[..chunk].iter().zip(&ends[..chunk]) {
                        let end = end.max(done);
                        s.rows.record_invitations(out, at.g, (end - done) as u64);
                        done = end;
                    }
                    // Pass 2: drop the invitations to participants, which change nothing
                    // but the count of invitations.
                    let marks = &s.marks[..];
                    let mut open = 0;
                    for i in 0..count {
                        let hit = hits[i];
                        hits[open] = hit;
                        open += ((marks[hit.0 as usize] & STATE_BITS) != JOINED) as usize;
                    }
                    // Pass 3: in order, each invitation counted against its invitee (even
                    // one already due to join: an earlier arrival may replace theirs) and
                    // its conversion drawn, two 32-bit coins per 64-bit draw. (Each invitee
                    // is written at the end of `touched`, which is kept only for one who was
                    // untouched, without a branch; `schedule` never sees them untouched.)
                    // The conversions are kept in `hits`, in order and without a branch, and
                    // scheduled after: neither a conversion nor its delay depends on the
                    // others' schedules, and a branch per conversion here was mispredicted
                    // as often as conversions happen.
                    let mut word = 0u64;
                    let mut tl = s.touched.len();
                    s.touched.resize(tl + open, 0);
                    let mut local = rng.clone();
                    let mut converted = 0;
                    // (Local slices: through `s`, the marks' and `touched`'s addresses
                    // and lengths would be reloaded after every store.)
                    let (marks, touched) = (&mut s.marks[..], &mut s.touched[..]);
                    for i in 0..open {
                        let (v, tag) = hits[i];
                        let coin = if i % 2 == 0 {
                            word = local.next_u64();
                            word & 0xFFFF_FFFF
                        } else {
                            word >> 32
                        };
                        let vi = v as usize;
                        let mark = marks[vi];
                        let state = mark & STATE_BITS;
                        debug_assert!(state != JOINED, "pass 2 dropped invitations to participants");
                        touched[tl] = v;
                        tl += (state == UNTOUCHED) as usize;
                        let e = ((mark >> 2) as usize).min(TABLE_EXPOSURES - 1);
                        marks[vi] =
                            (count_exposure(mark) & !STATE_BITS) | if state == UNTOUCHED { EXPOSED } else { state };
                        hits[converted] = (v, tag);
                        let sender = senders[(tag >> 16) as usize % LOCKSTEP_CHUNK].u;
                        converted += self.converts::<CONTINUOUS>(table, tag, e, coin, || (sender, v)) as usize;
                    }
                    s.touched.truncate(tl);
                    for &(v, tag) in &hits[..converted] {
                        self.schedule(senders[(tag >> 16) as usize], v, s, &mut local, out, last_scheduled);
                    }
                    *rng = local;
                    s.hits = hits;
                }
            },
        );
    }

    /// A new participant shares and invites; returns the invitations sent.
    #[inline]
    fn spread_invitations(
        &self,
        at: Sender,
        rule: EdgeRule,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let behaviour = &self.behaviour;
        if behaviour.share_probability < 1.0 && uniform(rng) >= behaviour.share_probability {
            return 0;
        }
        out.sharers += 1;
        let neighbours = self.graph.neighbours(NodeId(at.u));
        let degree = neighbours.len();
        if let EdgeRule::Uniform(coins) = rule {
            self.for_each_success(
                coins,
                degree,
                rng,
                #[inline(always)]
                |j, rng| {
                    let v = neighbours[j];
                    if s.state(v as usize) != JOINED {
                        self.schedule(at, v, s, rng, out, last_scheduled);
                    }
                },
            );
            return degree as u64;
        }
        self.invite_friends(
            at.u,
            rule,
            s,
            rng,
            #[inline(always)]
            |v, s, rng| self.schedule(at, v, s, rng, out, last_scheduled),
        )
    }

    /// `u` (who shares) invites friends through each channel: each invitation counts
    /// towards the invitee's invitations received and converts with the rule's
    /// probability, calling `convert(v)` for an invitee `v` who has not joined yet
    /// (they may already be due to join). Returns the invitations sent.
    #[inline(always)]
    fn invite_friends(
        &self,
        u: u32,
        rule: EdgeRule,
        s: &mut RunScratch,
        rng: &mut SimRng,
        mut convert: impl FnMut(u32, &mut RunScratch, &mut SimRng),
    ) -> u64 {
        let behaviour = &self.behaviour;
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(u));
        let weights = graph.weights(NodeId(u));
        let degree = neighbours.len();
        let mut invitations = 0u64;
        let first_arc = graph.first_arc(NodeId(u));
        // Every channel picks its friends; then they are invited friend by friend, a
        // friend reached by several channels in channel order (as in the chunked runs,
        // [`Prepared::select_chunk`]): key j × channels + channel.
        let channels = self.reach.len();
        let mut reached = std::mem::take(&mut s.reached);
        let mut picked = std::mem::take(&mut s.picked_by_channel);
        reached.clear();
        for (ci, reach) in self.reach.iter().enumerate() {
            reach.select(degree, rng, &mut picked);
            reached.extend(picked.iter().map(|&j| j * channels as u32 + ci as u32));
        }
        s.picked_by_channel = picked;
        if channels > 1 {
            reached.sort_unstable();
        }
        invitations += reached.len() as u64;
        for &key in &reached {
            let (j, ci) = ((key / channels as u32) as usize, (key % channels as u32) as usize);
            let v = neighbours[j];
            let vi = v as usize;
            // One read and one write of the invitee's mark: state and count.
            let mark = s.marks[vi];
            let state = mark & STATE_BITS;
            if state == JOINED {
                continue;
            }
            let mark = if state == UNTOUCHED {
                s.touched.push(v);
                EXPOSED
            } else {
                mark
            };
            let mark = count_exposure(mark);
            s.marks[vi] = mark;
            let p = match rule {
                EdgeRule::Model | EdgeRule::Uniform(_) => {
                    let e = mark >> 2;
                    match &self.tie_classes {
                        Some(tie) => tie.conversion(ci, first_arc + j, e),
                        None => behaviour.conversion(ci, e as u32, weights.map(|w| w[j])),
                    }
                }
                EdgeRule::Weight => weights.map_or(0.0, |w| w[j] as f64),
                EdgeRule::InverseInDegree => self.inverse_in_degree[vi] as f64,
            };
            if uniform(rng) < p {
                convert(v, s, rng);
            }
        }
        s.reached = reached;
        invitations
    }

    /// A converted invitation from `at` to `v` (not yet joined): `v` joins one cycle
    /// later, unless an earlier invitation already makes them join sooner (first
    /// passage). An invitation that would convert after the horizon, and matter,
    /// marks the run censored.
    #[inline(always)]
    fn schedule(
        &self,
        at: Sender,
        v: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) {
        let vi = v as usize;
        let state = s.state(vi);
        // Days are processed in order, so with a fixed delay an earlier schedule is
        // never later than this one: no need to read the person's record.
        if state == PENDING && matches!(self.delay, DelaySampler::Fixed(_)) {
            return;
        }
        let arrival = at.day.saturating_add(self.delay.sample(rng));
        if state == PENDING && s.people[vi].join_day as u32 <= arrival {
            return;
        }
        if arrival > self.days {
            out.is_censored = true;
            return;
        }
        if state == UNTOUCHED {
            s.touched.push(v);
        }
        s.set_state(vi, PENDING);
        let person = &mut s.people[vi];
        person.join_day = arrival as u16;
        person.recruiter = at.position;
        person.generation = next_generation(at.g);
        s.buckets[arrival as usize].push(v);
        *last_scheduled = (*last_scheduled).max(arrival);
    }

    /// A new participant adds their weight to each out-neighbour's threshold; returns
    /// the contributions made (counted as invitations).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn spread_threshold(
        &self,
        at: Sender,
        start: StartThreshold,
        contribution: Contribution,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(at.u));
        let weights = graph.weights(NodeId(at.u));
        out.sharers += 1;
        for (j, &v) in neighbours.iter().enumerate() {
            let vi = v as usize;
            let state = s.state(vi);
            if state == JOINED || state == PENDING {
                continue; // already in, or already tipped over
            }
            if state == UNTOUCHED {
                s.set_state(vi, EXPOSED);
                s.touched.push(v);
                s.remaining[vi] = match start {
                    StartThreshold::Uniform => uniform(rng) as f32,
                    StartThreshold::Count(c) => c as f32,
                    StartThreshold::Fraction(f) => (f * self.in_degree[vi] as f64 - 1e-9).ceil().max(1.0) as f32,
                };
            }
            let left = s.remaining[vi]
                - match contribution {
                    Contribution::One => 1.0,
                    Contribution::Weight => weights.map_or(0.0, |w| w[j]),
                    Contribution::InverseInDegree => self.inverse_in_degree[vi],
                };
            s.remaining[vi] = left;
            if left > 1e-6 {
                continue;
            }
            // Tipped over by the sender: joins one cycle later.
            let arrival = at.day.saturating_add(self.delay.sample(rng));
            s.set_state(vi, PENDING);
            let person = &mut s.people[vi];
            person.join_day = arrival.min(u16::MAX as u32) as u16;
            person.recruiter = at.position;
            person.generation = next_generation(at.g);
            if arrival > self.days {
                out.is_censored = true;
            } else {
                s.buckets[arrival as usize].push(v);
                *last_scheduled = (*last_scheduled).max(arrival);
            }
        }
        neighbours.len() as u64
    }

    /// Continuous-time SIR, event by event (first-passage infection times).
    fn run_sir(&self, beta: f64, recovery: Recovery, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        let graph = self.graph;
        let horizon = self.days as f64 + 1.0; // day d covers [d, d + 1)
        while let Some(Reverse((bits, u))) = s.heap.pop() {
            let t = f64::from_bits(bits);
            let ui = u as usize;
            if s.state(ui) != PENDING || s.times[ui] != t {
                continue; // superseded by an earlier infection time
            }
            if t >= horizon {
                out.is_censored = true;
                break;
            }
            let day = t as u32;
            s.set_state(ui, JOINED);
            let person = &mut s.people[ui];
            person.join_day = day as u16;
            let g = person.generation as u32;
            let position = s.tree.push(u, person.recruiter);
            s.rows.record_join(out, day, g);
            out.sharers += 1;
            let period = match recovery {
                Recovery::Rate(gamma) => rng.sample::<f64, _>(Exp1) / gamma,
                Recovery::FixedPeriodDays(d) => d,
            };
            let mut contacts = 0u64;
            for &v in graph.neighbours(NodeId(u)) {
                let tau = rng.sample::<f64, _>(Exp1) / beta;
                if tau >= period {
                    continue;
                }
                contacts += 1;
                let vi = v as usize;
                let state = s.state(vi);
                if state == JOINED {
                    continue;
                }
                if state == UNTOUCHED {
                    s.touched.push(v);
                }
                let candidate = t + tau;
                if state != PENDING || candidate < s.times[vi] {
                    s.set_state(vi, PENDING);
                    let person = &mut s.people[vi];
                    person.recruiter = position;
                    person.generation = next_generation(g);
                    s.times[vi] = candidate;
                    s.heap.push(Reverse((candidate.to_bits(), v)));
                }
            }
            s.rows.record_invitations(out, g, contacts);
        }
    }
}

/// A participant who has just joined and now spreads.
#[derive(Clone, Copy)]
struct Sender {
    u: u32,
    day: u32,
    g: u32,
    /// Position in the order of joining.
    position: u32,
}

/// Recruitment-tree statistics of the run in `tree` (parents before children):
/// Σ offspring², and the mean structural virality of trees with two or more people,
/// ν = 2 Σ_v s_v (n − s_v) / (n (n − 1)) over non-root v with subtree size s_v
/// (Goel et al. 2016: the mean distance between two people of the tree). O(reach),
/// over compact arrays indexed by position in the order of joining.
fn tree_statistics(t: &mut Tree, out: &mut RunOutcome) {
    let len = t.len;
    let Tree { parent, size_children, root, trees, wiener64, wiener128, .. } = t;
    let parent = &parent[..len];
    // Backwards (children before parents): subtree sizes and offspring counts, both by
    // one add to the recruiter. (Through local slices: through `t`, every store would
    // reload the arrays' addresses.)
    size_children.clear();
    size_children.resize(len, 1);
    let counts = &mut size_children[..];
    for i in (0..len).rev() {
        let p = parent[i];
        if p != NONE {
            counts[p as usize] += (1 << 32) + (counts[i] & 0xFFFF_FFFF);
        }
    }
    // Forwards: each participant's tree (its index among the roots) and, per tree,
    // its size and Σ s_v (n − s_v).
    let counts = &size_children[..];
    // (Every entry is written below: grown, never cleared.)
    if root.len() < len {
        root.resize(len, 0);
    }
    let (mut sum, mut sized) = (0.0, 0u32);
    let mut add = |n: u64, wiener: u128| {
        if n >= 2 {
            let n = n as f64;
            sum += 2.0 * wiener as f64 / (n * (n - 1.0));
            sized += 1;
        }
    };
    out.offspring_square_sum = if len < WIENER_64_BELOW {
        let square_sum = wiener_sums(parent, counts, &mut root[..len], trees, wiener64);
        trees.iter().zip(wiener64.iter()).for_each(|(&n, w)| add(n, w.iter().map(|&x| x as u128).sum()));
        square_sum
    } else {
        let square_sum = wiener_sums(parent, counts, &mut root[..len], trees, wiener128);
        trees.iter().zip(wiener128.iter()).for_each(|(&n, w)| add(n, w.iter().sum()));
        square_sum
    };
    out.structural_virality = (sized > 0).then(|| sum / sized as f64);
}

/// The forward pass of [`tree_statistics`], given each position's subtree size and
/// offspring (`counts`, as in [`Tree::size_children`]): each participant's tree in
/// `root`, each tree's size in `trees` and its Σ s_v (n − s_v) in `lanes`; returns
/// Σ offspring².
#[inline(always)]
fn wiener_sums<T: Copy + Default + std::ops::AddAssign + From<u64>>(
    parent: &[u32],
    counts: &[u64],
    root: &mut [u32],
    trees: &mut Vec<u64>,
    lanes: &mut Vec<[T; WIENER_LANES]>,
) -> u64 {
    trees.clear();
    lanes.clear();
    let mut square_sum = 0u64;
    for (i, (&p, &count)) in parent.iter().zip(counts).enumerate() {
        let (size, c) = (count & 0xFFFF_FFFF, count >> 32);
        square_sum += c * c;
        if p == NONE {
            root[i] = trees.len() as u32;
            trees.push(size);
            lanes.push([T::default(); WIENER_LANES]);
        } else {
            let r = root[p as usize] as usize;
            root[i] = r as u32;
            lanes[r][i % WIENER_LANES] += T::from(size * (trees[r] - size));
        }
    }
    square_sum
}

/// Runs per work item handed to a worker (amortises taking a scratch from the pool).
const RUNS_PER_TASK: usize = 8;

/// Runs the Monte Carlo ensemble in parallel on the current rayon pool.
///
/// # Arguments
/// * `graph` – the frozen social graph.
/// * `config` – behaviour, cycle time, seeding, runs, horizon and master seed.
/// * `progress` – called after every run (from worker threads).
///
/// # Returns
/// An [`Ensemble`] whose content depends only on `graph` and `config`, not on the
/// number of threads.
///
/// # Errors
/// [`EngineError::BadSeeding`] when the seed users do not fit the graph.
///
/// # Complexity
/// O(runs × edges reached) time (O(runs × successes) for the uniform independent
/// cascade); memory O(nodes + days) per worker plus, for the rows, O(days used) per run.
pub fn run_ensemble(
    graph: &SocialGraph,
    config: &RunConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Ensemble, EngineError> {
    let prepared = Prepared::new(graph, config)?;
    let runs = config.runs;
    let mut outcomes = vec![RunOutcome::default(); runs];
    let pool: Mutex<Vec<RunScratch>> = Mutex::new(Vec::new());
    let done = AtomicU64::new(0);
    let tasks: Vec<TaskRows> = outcomes
        .par_chunks_mut(RUNS_PER_TASK)
        .enumerate()
        .map(|(t, outs)| {
            let taken = pool.lock().expect("scratch pool lock is never poisoned").pop();
            let mut scratch = taken.unwrap_or_else(|| RunScratch::new(&prepared));
            let mut rows = TaskRows::default();
            for (k, out) in outs.iter_mut().enumerate() {
                let run = (t * RUNS_PER_TASK + k) as u64;
                *out = prepared.run(run, &mut scratch);
                scratch.rows.drain_into(out, &mut rows);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(Progress { runs_done: finished, runs_total: runs as u64 });
            }
            pool.lock().expect("scratch pool lock is never poisoned").push(scratch);
            rows
        })
        .collect();
    let daily_total = tasks.iter().map(|t| t.daily.len()).sum();
    let gen_total = tasks.iter().map(|t| t.gen_size.len()).sum();
    let mut daily_new = Vec::with_capacity(daily_total);
    let mut generation_size = Vec::with_capacity(gen_total);
    let mut generation_invitations = Vec::with_capacity(gen_total);
    let (mut daily_start, mut generation_start) = (Vec::with_capacity(runs + 1), Vec::with_capacity(runs + 1));
    daily_start.push(0);
    generation_start.push(0);
    for task in tasks {
        daily_new.extend_from_slice(&task.daily);
        generation_size.extend_from_slice(&task.gen_size);
        generation_invitations.extend_from_slice(&task.gen_invites);
        for d in task.daily_lengths {
            daily_start.push(daily_start.last().expect("starts with 0") + d);
        }
        for g in task.gen_lengths {
            generation_start.push(generation_start.last().expect("starts with 0") + g);
        }
    }
    Ok(Ensemble {
        runs,
        days: config.days,
        seed_count: config.seeding.count(),
        population: graph.node_count(),
        generation_width: prepared.generation_width,
        outcomes,
        daily_new,
        daily_start,
        generation_size,
        generation_invitations,
        generation_start,
    })
}

/// Checks that `config` fits `graph` (seed users, edge weights, thresholds) without
/// running anything.
///
/// # Errors
/// As [`run_ensemble`].
pub fn check_config(graph: &SocialGraph, config: &RunConfig) -> Result<(), EngineError> {
    Prepared::new(graph, config).map(|_| ())
}

/// Simulates run `run` of `config` alone and returns its full recruitment tree
/// (the same run as in [`run_ensemble`]).
///
/// # Errors
/// As [`run_ensemble`].
pub fn simulate_cascade(graph: &SocialGraph, config: &RunConfig, run: u64) -> Result<Cascade, EngineError> {
    let prepared = Prepared::new(graph, config)?;
    let mut scratch = RunScratch::new(&prepared);
    let outcome = prepared.run(run, &mut scratch);
    let is_sir = matches!(prepared.process, Process::Sir { .. });
    let (order, parents) = (scratch.tree.order(), scratch.tree.parents());
    // Generations follow the tree (parents come first); the lockstep run keeps no
    // person records, its days follow from the generation.
    let mut generation = vec![0u32; order.len()];
    let participants = order
        .iter()
        .zip(parents)
        .enumerate()
        .map(|(i, (&v, &parent))| {
            if parent != NONE {
                generation[i] = generation[parent as usize] + 1;
            }
            let g = generation[i];
            let day = match prepared.lockstep {
                Some(delay) => g * delay,
                None => scratch.people[v as usize].join_day as u32,
            };
            Participant {
                node: NodeId(v),
                recruiter: (parent != NONE).then(|| NodeId(order[parent as usize])),
                generation: g,
                day,
                time_days: if is_sir { scratch.times[v as usize] } else { day as f64 },
            }
        })
        .collect();
    Ok(Cascade { participants, outcome })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphModel, GraphSpec, TieStrengths};
    use crate::model::EdgeProbability;

    /// A generated graph with neutral ties.
    fn generated(model: GraphModel, seed: u64) -> SocialGraph {
        GraphSpec { model, tie_strength: TieStrengths::default() }.generate(seed).unwrap()
    }

    fn ring(n: usize) -> SocialGraph {
        generated(GraphModel::WattsStrogatz { nodes: n, k: 2, rewire: 0.0 }, 1)
    }

    fn ic(p: f64, seeding: Seeding, days: u32, cycle: CycleTime) -> RunConfig {
        RunConfig {
            behaviour: Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) },
            cycle_time: cycle,
            seeding,
            runs: 40,
            days,
            rng_seed: 9,
        }
    }

    #[test]
    fn probability_one_on_a_ring_reaches_everyone_at_distance_speed() {
        let g = ring(21);
        let cfg = ic(
            1.0,
            Seeding::Nodes { nodes: vec![NodeId(0)] },
            30,
            CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed },
        );
        let c = simulate_cascade(&g, &cfg, 0).unwrap();
        assert_eq!(c.outcome.reach, 21);
        for p in &c.participants {
            let dist = (p.node.0 as i64).min(21 - p.node.0 as i64) as u32;
            assert_eq!(p.day, dist);
            assert_eq!(p.generation, dist);
        }
        assert!(!c.outcome.is_censored);
    }

    #[test]
    fn probability_zero_reaches_only_the_seeds() {
        let g = ring(50);
        let cfg = ic(0.0, Seeding::Random { count: 5 }, 10, CycleTime::default());
        let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
        assert!(e.outcomes.iter().all(|o| o.reach == 5 && o.generations == 1));
    }

    #[test]
    fn horizon_censors_and_fixed_cycle_time_spaces_generations() {
        let g = ring(101);
        let cfg = ic(
            1.0,
            Seeding::Nodes { nodes: vec![NodeId(0)] },
            9,
            CycleTime { mean_days: 3.0, distribution: DelayDistribution::Fixed },
        );
        let c = simulate_cascade(&g, &cfg, 0).unwrap();
        // Days 0, 3, 6, 9: generations 0..=3, two people each after the seed.
        assert_eq!(c.outcome.reach, 1 + 2 * 3);
        assert!(c.outcome.is_censored);
        assert!(c.participants.iter().all(|p| p.day == 3 * p.generation));
    }

    #[test]
    fn recruiters_are_earlier_participants_and_neighbours() {
        let g = generated(GraphModel::ErdosRenyi { nodes: 300, mean_degree: 6.0 }, 4);
        let cfg = ic(0.4, Seeding::Random { count: 3 }, 40, CycleTime::default());
        for run in 0..10 {
            let c = simulate_cascade(&g, &cfg, run).unwrap();
            let mut seen = std::collections::HashMap::new();
            for p in &c.participants {
                if let Some(r) = p.recruiter {
                    let (rg, rd) = seen[&r.0];
                    assert_eq!(p.generation, rg + 1);
                    assert!(p.day > rd);
                    assert!(g.neighbours(r).contains(&p.node.0));
                } else {
                    assert_eq!((p.generation, p.day), (0, 0));
                }
                seen.insert(p.node.0, (p.generation, p.day));
            }
            assert_eq!(seen.len() as u32, c.outcome.reach);
        }
    }

    #[test]
    fn ensemble_rows_match_single_runs() {
        let g = ring(200);
        let cfg = ic(0.7, Seeding::Random { count: 2 }, 25, CycleTime::default());
        let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
        for run in [0usize, 7, 8, 39] {
            let c = simulate_cascade(&g, &cfg, run as u64).unwrap();
            assert_eq!(c.outcome, e.outcomes[run]);
            assert_eq!(e.daily_row(run).iter().sum::<u32>(), c.outcome.reach);
            assert_eq!(e.generation_row(run).iter().sum::<u32>(), c.outcome.reach);
        }
    }

    #[test]
    fn geometric_delay_has_the_requested_distribution() {
        // By the skip table (mean 2.5 days) and by Exp(1) draws (mean 1000 days, q too
        // small for a table): the mean, and P(delay = 1) = q, P(delay = 2) = q (1 - q).
        for (mu, by_table) in [(2.5f64, true), (1000.0, false)] {
            let s = CycleTime { mean_days: mu, distribution: DelayDistribution::Geometric }.sampler();
            assert!(matches!(s, DelaySampler::Geometric { ref table, .. } if table.is_some() == by_table));
            let mut rng = stream_rng(1, 2);
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng) as f64).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            // Geometric with mean mu has variance mu (mu - 1).
            let sd = (mu * (mu - 1.0)).sqrt();
            assert!((mean - mu).abs() < 4.0 * sd / (n as f64).sqrt(), "mean {mean} for {mu}");
            assert!(xs.iter().all(|&x| x >= 1.0));
            let q = 1.0 / mu;
            for (d, p) in [(1.0, q), (2.0, q * (1.0 - q))] {
                let f = xs.iter().filter(|&&x| x == d).count() as f64 / n as f64;
                assert!((f - p).abs() < 4.0 * (p * (1.0 - p) / n as f64).sqrt(), "P({d}) = {f}, not {p}, for {mu}");
            }
        }
    }

    fn weighted_path(weights: &[f32]) -> SocialGraph {
        let mut g = petgraph::Graph::<(), f32, petgraph::Undirected>::new_undirected();
        let nodes: Vec<_> = (0..=weights.len()).map(|_| g.add_node(())).collect();
        for (i, &w) in weights.iter().enumerate() {
            g.add_edge(nodes[i], nodes[i + 1], w);
        }
        SocialGraph::from_petgraph(&g, true, None).unwrap()
    }

    fn campaign() -> Behaviour {
        Behaviour::Campaign {
            levers: crate::model::Levers::default(),
            coefficients: crate::model::Coefficients::default(),
            channels: crate::model::Channels::default(),
        }
    }

    #[test]
    fn tie_class_table_gives_each_arcs_exact_conversion() {
        let g = weighted_path(&[0.8, 0.2, 0.8, 0.5, 0.2, 0.8]);
        let behaviour = campaign().compile();
        let tie = TieClasses::new(&g, &behaviour).expect("three distinct strengths are tabulated");
        assert_eq!(tie.classes, 3);
        for u in 0..g.node_count() as u32 {
            let first = g.first_arc(NodeId(u));
            for (j, &w) in g.weights(NodeId(u)).unwrap().iter().enumerate() {
                for ci in 0..behaviour.channels.len() {
                    for e in [1u8, 2, 7, 16, 40, 63] {
                        let exact = behaviour.conversion(ci, e as u32, Some(w));
                        assert_eq!(
                            tie.conversion(ci, first + j, e),
                            exact,
                            "arc {u}/{j}, channel {ci}, {e} invitations"
                        );
                    }
                }
            }
        }
        // Too many distinct strengths: every conversion is computed instead.
        let many: Vec<f32> = (0..=MAX_TIE_CLASSES).map(|i| i as f32 / 100.0).collect();
        assert!(TieClasses::new(&weighted_path(&many), &behaviour).is_none());
    }

    /// `plain` with each tie's strength drawn from `strengths` (by a hash of its ends).
    fn with_strengths(plain: &SocialGraph, strengths: &[f32]) -> SocialGraph {
        plain.with_strengths(|u, v| {
            strengths[crate::rng::splitmix64((u.0 * 7919 + v.0) as u64) as usize % strengths.len()]
        })
    }

    #[test]
    fn issue_4_each_invitation_reads_its_own_channel_and_tie_entry() {
        // Every invitation a chunk emits carries the table offset of its channel and of
        // its tie's class (or cell of strength): with 3 or 5 classes, adding the class's
        // offset to the channel's by a bitwise or (as until this test) sent Moments
        // invitations to another class's entries.
        let (plain, _, many_ties, viral) = invitation_test_graphs();
        let cfg = with(viral, Seeding::Random { count: 1 }, 5, fixed(1.0));
        let graphs = [
            with_strengths(&plain, &[0.5]),
            with_strengths(&plain, &[0.2, 0.8]),
            with_strengths(&plain, &[0.2, 0.5, 0.8]),
            with_strengths(&plain, &[0.1, 0.3, 0.5, 0.7, 0.9]),
            many_ties,
        ];
        for (case, g) in graphs.iter().enumerate() {
            let prepared = Prepared::new(g, &cfg).unwrap();
            let t = prepared.thresholds.as_ref().expect("chunked conversions");
            // Table entries per channel, and per class or cell.
            let (per_channel, stride, class_of): (usize, usize, &[u8]) =
                match (&prepared.tie_classes, &prepared.tie_cells) {
                    (Some(tie), _) => (tie.classes * TABLE_EXPOSURES, TABLE_EXPOSURES, &tie.class_of_arc),
                    (None, Some(cells)) => (TIE_CELLS * CELL_STRIDE, CELL_STRIDE, cells),
                    (None, None) => unreachable!("the graphs have tie strengths"),
                };
            assert_eq!(t.table.len(), 2 * per_channel, "case {case}");
            let mut s = RunScratch::new(&prepared);
            let mut rng = crate::rng::stream_rng(11, case as u64);
            let mut hits = Vec::new();
            let mut checked = [0usize; 2];
            for start in (0..g.node_count() as u32).step_by(LOCKSTEP_CHUNK) {
                let sharers: Vec<(u32, u32)> = (start..(start + LOCKSTEP_CHUNK as u32).min(g.node_count() as u32))
                    .map(|u| (u, u - start))
                    .collect();
                let count = prepared.select_chunk(&sharers, &mut s, &mut rng, &t.channel_base, &mut hits);
                for &(v, tag) in &hits[..count] {
                    let u = sharers[(tag >> 16) as usize].0;
                    let j = g.neighbours(NodeId(u)).binary_search(&v).expect("invitees are friends");
                    let arc = g.first_arc(NodeId(u)) + j;
                    let offset = (tag & 0xFFFF) as usize;
                    let channel = offset / per_channel;
                    assert!(channel < 2, "case {case}: offset {offset}");
                    assert_eq!(offset, channel * per_channel + class_of[arc] as usize * stride, "case {case}");
                    checked[channel] += 1;
                }
            }
            assert!(checked[0] > 1000 && checked[1] > 1000, "case {case}: {checked:?}");
        }
    }

    /// Recruitment-tree statistics on both sides of the 64-bit limit, against closed
    /// forms: a path of n people from its seed has structural virality (n + 1) / 3, a
    /// star from its centre 2(n − 1) / n (Goel et al. 2016), and their mean is what a
    /// run with the two as its trees reports; Σ offspring² is n − 1 and (n − 1)².
    #[test]
    fn tree_statistics_match_closed_forms_in_64_and_128_bits() {
        for n in [50usize, WIENER_64_BELOW / 2 + 7] {
            let mut t = Tree::default();
            t.push(0, NONE);
            t.push(1, NONE);
            // Path: position 2i (i ≥ 1) is recruited by 2i − 2; star: odd positions by 1.
            for i in 1..n {
                t.push(2 * i as u32, 2 * (i as u32 - 1));
                t.push(2 * i as u32 + 1, 1);
            }
            assert_eq!(t.len >= WIENER_64_BELOW, n > 50, "both sums are tested");
            let mut out = RunOutcome::default();
            tree_statistics(&mut t, &mut out);
            let nf = n as f64;
            let expected = ((nf + 1.0) / 3.0 + 2.0 * (nf - 1.0) / nf) / 2.0;
            let nu = out.structural_virality.expect("two trees of two or more");
            assert!((nu - expected).abs() < 1e-9 * expected, "n = {n}: {nu} against {expected}");
            assert_eq!(out.offspring_square_sum, (n as u64 - 1) + (n as u64 - 1).pow(2));
        }
    }

    #[test]
    fn a_mark_keeps_state_and_invitation_count_apart() {
        let g = ring(4);
        let cfg = ic(0.5, Seeding::Random { count: 1 }, 5, CycleTime::default());
        let prepared = Prepared::new(&g, &cfg).unwrap();
        let mut s = RunScratch::new(&prepared);
        s.set_state(2, EXPOSED);
        for k in 1..=70u32 {
            s.marks[2] = count_exposure(s.marks[2]);
            assert_eq!((s.marks[2] >> 2) as u32, k.min(63));
            assert_eq!(s.state(2), EXPOSED);
        }
        s.set_state(2, PENDING);
        assert_eq!((s.state(2), s.marks[2] >> 2), (PENDING, 63));
        assert_eq!(s.state(1), UNTOUCHED);
    }

    #[test]
    fn coins_keep_each_item_with_their_probability() {
        // Both paths of `select_into` (skips below SELECT_COINS_ABOVE, coins above) and of
        // `for_each`: the count kept out of `len` is Binomial(len, p).
        let mut rng = stream_rng(3, 4);
        let (len, trials) = (37usize, 20_000usize);
        for p in [0.03, 0.2, 0.4, 0.7, 0.95] {
            let coins = Coins::new(p);
            let mut kept = Vec::new();
            let (mut total, mut last_index) = (0usize, 0usize);
            let mut per_index = vec![0usize; len];
            let mut via_for_each = 0usize;
            for _ in 0..trials {
                kept.resize(len, 0);
                let n = coins.select_into(len, &mut rng, &mut kept);
                kept.truncate(n);
                total += kept.len();
                last_index += kept.iter().filter(|&&j| j as usize == len - 1).count();
                for &j in &kept {
                    per_index[j as usize] += 1;
                }
                assert!(kept.windows(2).all(|w| w[0] < w[1]) && kept.iter().all(|&j| (j as usize) < len));
                coins.for_each(len, &mut rng, |_, _| via_for_each += 1);
            }
            let n = (len * trials) as f64;
            let sd = (p * (1.0 - p)).sqrt();
            for (what, x) in [("select", total), ("for_each", via_for_each)] {
                let mean = x as f64 / n;
                assert!((mean - p).abs() < 4.0 * sd / n.sqrt(), "{what} p = {p}: kept {mean}");
            }
            let last = last_index as f64 / trials as f64;
            assert!((last - p).abs() < 4.0 * sd / (trials as f64).sqrt(), "p = {p}: last item kept {last}");
            // Every position (the two halves of a draw among them), at 4.5 SE over
            // 37 positions.
            for (j, &k) in per_index.iter().enumerate() {
                let f = k as f64 / trials as f64;
                assert!((f - p).abs() < 4.5 * sd / (trials as f64).sqrt(), "p = {p}: item {j} kept {f}");
            }
        }
    }

    #[test]
    fn coin_bits_decide_exactly_as_the_32_bit_coin() {
        // Replaying the generator gives each position's 16-bit coin; thresholds are then
        // chosen so that many coins equal their threshold's upper half (a tie, one in
        // 65,536 otherwise), with random lower halves, plus 0, 2^32 and random ones. Each
        // bit must be the 32-bit coin's decision (16-bit coin, then 16 more bits drawn
        // in order of position for the ties), with no bit set past the end.
        let mut seeds = stream_rng(8, 1);
        let (mut ties_seen, mut kept_in_ties) = (0usize, 0usize);
        for total in [1usize, 3, 15, 16, 17, 63, 64, 65, 130, 200] {
            for trial in 0..40u64 {
                let rng0 = stream_rng(trial, total as u64);
                let mut replay = rng0.clone();
                let coins: Vec<u16> = (0..total.div_ceil(4))
                    .flat_map(|_| {
                        let w = replay.next_u64();
                        [w as u16, (w >> 16) as u16, (w >> 32) as u16, (w >> 48) as u16]
                    })
                    .take(total)
                    .collect();
                let below: Vec<u64> = (0..total)
                    .map(|p| match seeds.next_u64() % 5 {
                        0 => 0,
                        1 => 1 << 32,
                        2 => seeds.next_u64() >> 32,
                        _ => ((coins[p] as u64) << 16) | (seeds.next_u64() >> 48),
                    })
                    .collect();
                let mut upper: Vec<u16> = below.iter().map(|&b| coin_upper(b)).collect();
                let mut bits = vec![0u64; total.div_ceil(64)];
                let (mut rng, mut coins16) = (rng0.clone(), Vec::new());
                coin_bits(total, &mut upper, |p| below[p], &mut coins16, &mut bits, &mut rng);
                let mut ties = 0;
                for p in 0..total {
                    let expected = if coins[p] == coin_upper(below[p]) {
                        ties += 1;
                        let coin = ((coins[p] as u64) << 16) | (replay.next_u64() >> 48);
                        kept_in_ties += (coin < below[p]) as usize;
                        coin < below[p]
                    } else {
                        ((coins[p] as u64) << 16) < below[p]
                    };
                    assert_eq!((bits[p / 64] >> (p % 64)) & 1 == 1, expected, "total {total}, trial {trial}, p {p}");
                }
                ties_seen += ties;
                if total % 64 != 0 {
                    assert_eq!(bits[total / 64] >> (total % 64), 0, "total {total}: a padding bit is set");
                }
                // As many draws as the replay: the next ones agree.
                assert_eq!(rng.next_u64(), replay.next_u64(), "total {total}, trial {trial}");
            }
        }
        // The ties were many, and settled both ways.
        assert!(
            ties_seen > 2000 && kept_in_ties > 100 && kept_in_ties + 100 < ties_seen,
            "{kept_in_ties} of {ties_seen}"
        );
    }

    #[test]
    fn below_mask16_compares_unsigned_lanes() {
        let mut rng = stream_rng(9, 9);
        let special = [0u16, 1, 0x7FFF, 0x8000, 0x8001, u16::MAX - 1, u16::MAX];
        for trial in 0..2000 {
            let draw = |rng: &mut SimRng| -> u16 {
                let w = rng.next_u64();
                if w.is_multiple_of(3) { special[(w >> 8) as usize % special.len()] } else { (w >> 32) as u16 }
            };
            let coins: [u16; 16] = std::array::from_fn(|_| draw(&mut rng));
            let mut upper: [u16; 16] = std::array::from_fn(|_| draw(&mut rng));
            if trial % 4 == 0 {
                upper[trial % 16] = coins[trial % 16];
            }
            let expected: u64 = (0..16).map(|i| ((coins[i] < upper[i]) as u64) << i).sum();
            let tie = (0..16).any(|i| coins[i] == upper[i]);
            assert_eq!(crate::hint::below_mask16(&coins, &upper), (expected, tie), "{coins:?} {upper:?}");
        }
    }

    #[test]
    fn skip_table_cells_hold_the_exact_inverse_cdf_skip() {
        // Every cell that holds a skip must give it for the whole cell: the exact skip
        // floor(ln V / ln q) at the cell's top and just inside its bottom.
        for p in [0.02, 0.05, 0.2, 0.5, 0.9] {
            let t = SkipTable::new(p).unwrap();
            let cells = t.cells.len();
            let exact = |v: f64| (v.ln() / (1.0 - p).ln()).floor() as usize;
            for (c, &k) in t.cells.iter().enumerate() {
                if k == SkipTable::STRADDLES {
                    continue;
                }
                let top = 1.0 - c as f64 / cells as f64;
                let bottom = 1.0 - (c + 1) as f64 / cells as f64;
                assert_eq!(exact(top), k as usize, "p = {p}, cell {c} top");
                assert_eq!(exact(bottom + 1e-12), k as usize, "p = {p}, cell {c} bottom");
                // The exact path agrees with the table inside the cell.
                let word = ((c as u64) << (64 - SkipTable::BITS)) | 0x0123_4567_89ab;
                assert_eq!(t.exact_skip(word), k as usize, "p = {p}, cell {c}");
            }
        }
        // Outside (0, 1), or too small for the table to pay: Coins' Exp(1) skips.
        assert!(SkipTable::new(0.0).is_none() && SkipTable::new(1.0).is_none() && SkipTable::new(0.001).is_none());
    }

    #[test]
    fn skip_table_draws_are_geometric() {
        // P(skip = k) = (1 - p)^k p and mean (1 - p) / p, within 4 standard errors,
        // including a p at which an eighth of the cells take the exact path.
        let mut rng = stream_rng(5, 6);
        let draws = 200_000usize;
        for p in [0.3, 0.05, 0.017] {
            let t = SkipTable::new(p).unwrap();
            let mut counts = [0usize; 4];
            let mut sum = 0.0;
            for _ in 0..draws {
                let k = t.skip(&mut rng);
                if k < counts.len() {
                    counts[k] += 1;
                }
                sum += k as f64;
            }
            let q = 1.0 - p;
            let n = draws as f64;
            for (k, &c) in counts.iter().enumerate() {
                let expected = q.powi(k as i32) * p;
                let se = (expected * (1.0 - expected) / n).sqrt().max(1.0 / n);
                assert!((c as f64 / n - expected).abs() < 4.0 * se, "p = {p}: P(skip = {k}) = {}", c as f64 / n);
            }
            let (mean, sd) = (q / p, q.sqrt() / p);
            assert!((sum / n - mean).abs() < 4.0 * sd / n.sqrt(), "p = {p}: mean skip {} vs {mean}", sum / n);
        }
    }

    #[test]
    fn lockstep_runs_match_the_day_by_day_schedule() {
        // The generation-by-generation run of the uniform cascade with a fixed cycle
        // time draws its coins on each chunk's friend lists laid end to end, so it is
        // not the day-by-day run draw for draw; it must be the same process. Each
        // lockstep run is checked exactly (a valid recruitment tree, rows that agree
        // with it, every sharer's friends invited), and the two schedules' mean reach,
        // generation sizes and censored fractions must agree within 4.5 standard
        // errors of their difference.
        let g = generated(GraphModel::BarabasiAlbert { nodes: 3000, m: 3 }, 4);
        let cases = [
            (ic(0.2, Seeding::Random { count: 5 }, 60, fixed(1.0)), 1u32),
            (ic(0.45, Seeding::HighestDegree { count: 3 }, 9, fixed(2.0)), 2), // censored runs
            (ic(0.04, Seeding::Random { count: 40 }, 30, fixed(3.0)), 3),
            (ic(0.7, Seeding::Random { count: 1 }, 4, fixed(1.0)), 1), // coins, not skips
        ];
        const RUNS: u64 = 2000;
        const GENERATIONS: usize = 4;
        let mut censored_runs = 0;
        for (cfg, delay) in &cases {
            let lockstep = Prepared::new(&g, cfg).unwrap();
            assert_eq!(lockstep.lockstep, Some(*delay));
            let mut by_day = Prepared::new(&g, cfg).unwrap();
            by_day.lockstep = None;
            // Per schedule: Σ reach, Σ reach², censored runs, Σ and Σ² of each early
            // generation's size.
            let mut sums = [(0.0, 0.0, 0.0, [(0.0, 0.0); GENERATIONS]); 2];
            for (side, prepared) in [&lockstep, &by_day].into_iter().enumerate() {
                let mut scratch = RunScratch::new(prepared);
                for run in 0..RUNS {
                    let out = prepared.run(run, &mut scratch);
                    let mut rows = TaskRows::default();
                    scratch.rows.drain_into(&out, &mut rows);
                    let sum = &mut sums[side];
                    sum.0 += out.reach as f64;
                    sum.1 += (out.reach as f64).powi(2);
                    sum.2 += out.is_censored as u32 as f64;
                    for (k, acc) in sum.3.iter_mut().enumerate() {
                        let size = rows.gen_size.get(k).copied().unwrap_or(0) as f64;
                        acc.0 += size;
                        acc.1 += size * size;
                    }
                    if side == 1 {
                        continue;
                    }
                    censored_runs += out.is_censored as usize;
                    // Exact checks of the lockstep run.
                    let (order, parents) = (scratch.tree.order(), scratch.tree.parents());
                    assert_eq!(order.len(), out.reach as usize, "run {run}");
                    let mut seen = std::collections::HashSet::new();
                    let mut generation = vec![0u32; order.len()];
                    let mut invited = vec![0u64; rows.gen_invites.len() + 1];
                    for (i, (&v, &p)) in order.iter().zip(parents).enumerate() {
                        assert!(seen.insert(v), "run {run}: {v} joined twice");
                        if p != NONE {
                            let p = p as usize;
                            assert!(p < i, "run {run}: a recruiter joins first");
                            assert!(g.neighbours(NodeId(order[p])).contains(&v), "run {run}: recruiters are friends");
                            generation[i] = generation[p] + 1;
                        }
                    }
                    for (i, &v) in order.iter().enumerate() {
                        invited[generation[i] as usize] += g.degree(NodeId(v)) as u64;
                    }
                    for (k, &size) in rows.gen_size.iter().enumerate() {
                        let members = generation.iter().filter(|&&x| x as usize == k).count();
                        assert_eq!(size as usize, members, "run {run} generation {k}");
                        assert_eq!(rows.daily[k * *delay as usize], size, "run {run} day of generation {k}");
                        // IC shares always and invites every friend.
                        assert_eq!(rows.gen_invites[k], invited[k], "run {run} generation {k}");
                    }
                }
            }
            let n = RUNS as f64;
            let agree = |what: &str, (sa, qa): (f64, f64), (sb, qb): (f64, f64)| {
                let (ma, mb) = (sa / n, sb / n);
                let se = ((qa / n - ma * ma) / n + (qb / n - mb * mb) / n).sqrt();
                assert!((ma - mb).abs() <= 4.5 * se + 1e-9, "{what}: lockstep {ma} vs by day {mb} (SE {se})");
            };
            let [a, b] = sums;
            agree("reach", (a.0, a.1), (b.0, b.1));
            agree("censored", (a.2, a.2), (b.2, b.2));
            for k in 0..GENERATIONS {
                agree(&format!("generation {k}"), a.3[k], b.3[k]);
            }
        }
        assert!(censored_runs > 0, "the cases include censored runs");
        // And the single-run API reports lockstep days from generations.
        let c = simulate_cascade(&g, &cases[2].0, 1).unwrap();
        assert!(c.participants.iter().all(|p| p.day == 3 * p.generation));
    }

    fn fixed(days: f64) -> CycleTime {
        CycleTime { mean_days: days, distribution: DelayDistribution::Fixed }
    }

    fn geometric(days: f64) -> CycleTime {
        CycleTime { mean_days: days, distribution: DelayDistribution::Geometric }
    }

    /// A run of `behaviour` with the test defaults of [`ic`].
    fn with(behaviour: Behaviour, seeding: Seeding, days: u32, cycle: CycleTime) -> RunConfig {
        RunConfig { behaviour, ..ic(0.1, seeding, days, cycle) }
    }

    /// The graphs and campaign of the generation-by-generation invitation tests: a BA
    /// graph without tie strengths, a block model with two strengths (tabulated by
    /// class) and the BA graph with many distinct strengths (no class table); a viral
    /// two-channel campaign.
    fn invitation_test_graphs() -> (SocialGraph, SocialGraph, SocialGraph, Behaviour) {
        use crate::model::{Channels, Coefficients, DirectChannel, Levers, MomentsChannel};
        let plain = generated(GraphModel::BarabasiAlbert { nodes: 2000, m: 4 }, 4);
        let two_ties = GraphSpec {
            model: GraphModel::StochasticBlock { block_sizes: vec![200; 10], within_degree: 10.0, between_degree: 3.0 },
            tie_strength: TieStrengths { strong: 0.8, weak: 0.2 },
        }
        .generate(2)
        .unwrap();
        let many_ties = plain.with_strengths(|u, v| {
            0.05 + 0.9 * (crate::rng::splitmix64((u.0 * 7919 + v.0) as u64) >> 11) as f32 / (1u64 << 53) as f32
        });
        let viral = Behaviour::Campaign {
            levers: Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 },
            coefficients: Coefficients::default(),
            channels: Channels {
                direct: Some(DirectChannel { invites_per_sharer: 6.0, attention: 0.6 }),
                moments: Some(MomentsChannel { reach: 0.15, attention: 0.12 }),
            },
        };
        (plain, two_ties, many_ties, viral)
    }

    /// `plain` with many distinct tie strengths that gate the spread, and a campaign
    /// that heeds them (tie weight 20): ties touching a person whose id is a multiple of
    /// three are below 0.01 (their conversions below 1e-4), the others above 0.99 (at
    /// the channel's attention times the steps' completion). A conversion computed
    /// with another invitation's tie lets the gated people in.
    ///
    /// With `few`, the strengths are 0, 0.004, 0.008 and one less each: six tie classes,
    /// not a power of two (`issue_4_each_invitation_reads_its_own_channel_and_tie_entry`).
    fn gated_ties(plain: &SocialGraph, viral: &Behaviour, few: bool) -> (SocialGraph, Behaviour) {
        let gated = plain.with_strengths(|u, v| {
            let hash = crate::rng::splitmix64((u.0 * 7919 + v.0) as u64);
            let jitter = match few {
                true => 0.004 * (hash % 3) as f32,
                false => 0.01 * (hash >> 40) as f32 / (1u64 << 24) as f32,
            };
            if u.0 % 3 == 0 || v.0 % 3 == 0 { jitter } else { 1.0 - jitter }
        });
        let heeding = match viral {
            Behaviour::Campaign { levers, coefficients, channels } => Behaviour::Campaign {
                levers: *levers,
                coefficients: crate::model::Coefficients { join_tie: 20.0, ..*coefficients },
                channels: *channels,
            },
            _ => unreachable!(),
        };
        (gated, heeding)
    }

    /// `viral` with other channels: `direct` (invitations per sharer) and a Moments
    /// reach, each None for no such channel.
    fn with_channels(viral: &Behaviour, direct: Option<f64>, moments: Option<f64>) -> Behaviour {
        use crate::model::{Channels, DirectChannel, MomentsChannel};
        match viral {
            Behaviour::Campaign { levers, coefficients, .. } => Behaviour::Campaign {
                levers: *levers,
                coefficients: *coefficients,
                channels: Channels {
                    direct: direct.map(|n| DirectChannel { invites_per_sharer: n, attention: 0.6 }),
                    moments: moments.map(|reach| MomentsChannel { reach, attention: 0.3 }),
                },
            },
            _ => unreachable!(),
        }
    }

    #[test]
    fn lockstep_invitation_runs_equal_the_day_by_day_schedule() {
        // The campaign computed one invitation at a time (on ties of many strengths
        // when the chunked runs are switched off, as for a library caller's strengths
        // outside [0, 1]) and the weighted cascades with a fixed cycle time go
        // generation by generation: the same run, draw for draw, as the day-by-day
        // schedule (scalars, rows and recruitment tree), censored runs included.
        let (plain, _, many_ties, viral) = invitation_test_graphs();
        let cases = [
            (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 8, fixed(1.0))),
            (&many_ties, with(viral, Seeding::HighestDegree { count: 3 }, 3, fixed(1.0))),
            (
                &many_ties,
                with(
                    Behaviour::IndependentCascade { probability: EdgeProbability::EdgeWeights },
                    Seeding::Random { count: 3 },
                    6,
                    fixed(1.0),
                ),
            ),
            (
                &plain,
                with(
                    Behaviour::IndependentCascade { probability: EdgeProbability::WeightedCascade },
                    Seeding::Random { count: 20 },
                    20,
                    fixed(2.0),
                ),
            ),
        ];
        let (mut censored, mut spread) = (0, 0);
        for (case, (g, cfg)) in cases.iter().enumerate() {
            let mut lockstep = Prepared::new(g, cfg).unwrap();
            assert!(lockstep.lockstep.is_some() && lockstep.thresholds.is_some() == (case < 2), "case {case}");
            lockstep.thresholds = None;
            let mut by_day = Prepared::new(g, cfg).unwrap();
            (by_day.lockstep, by_day.thresholds) = (None, None);
            let (mut a, mut b) = (RunScratch::new(&lockstep), RunScratch::new(&by_day));
            let (mut rows_a, mut rows_b) = (TaskRows::default(), TaskRows::default());
            for run in 0..40 {
                let (x, y) = (lockstep.run(run, &mut a), by_day.run(run, &mut b));
                assert_eq!(x, y, "case {case} run {run}");
                assert_eq!(a.tree.order(), b.tree.order(), "case {case} run {run}");
                assert_eq!(a.tree.parents(), b.tree.parents(), "case {case} run {run}");
                a.rows.drain_into(&x, &mut rows_a);
                b.rows.drain_into(&y, &mut rows_b);
                censored += x.is_censored as usize;
                spread += (x.generations > 3) as usize;
            }
            assert_eq!(rows_a.daily, rows_b.daily, "case {case}");
            assert_eq!(rows_a.gen_size, rows_b.gen_size, "case {case}");
            assert_eq!(rows_a.gen_invites, rows_b.gen_invites, "case {case}");
        }
        assert!(censored > 0, "the cases include censored runs");
        assert!(spread > 60, "the cases include runs that spread");
    }

    #[test]
    fn conversion_thresholds_are_the_models_conversions() {
        let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
        let behaviour = viral.compile();
        let cfg = RunConfig {
            behaviour: viral.clone(),
            ..ic(
                0.1,
                Seeding::Random { count: 1 },
                5,
                CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed },
            )
        };
        for (g, classes) in [(&plain, Some(1)), (&two_ties, Some(2)), (&many_ties, None)] {
            let prepared = Prepared::new(g, &cfg).unwrap();
            let t = prepared.thresholds.as_ref().expect("chunked conversions");
            assert_eq!(t.continuous, classes.is_none());
            if t.continuous {
                continue;
            }
            let classes_used = prepared.tie_classes.as_ref().map_or(1, |tie| tie.classes);
            assert_eq!(Some(classes_used), classes);
            assert_eq!(t.table.len(), behaviour.channels.len() * classes_used * TABLE_EXPOSURES);
            for u in 0..g.node_count() as u32 {
                let first = g.first_arc(NodeId(u));
                for j in 0..g.degree(NodeId(u)) {
                    let class = prepared.tie_classes.as_ref().map_or(0, |tie| tie.class_of_arc[first + j] as usize);
                    let tie = g.weights(NodeId(u)).map(|w| w[j]);
                    for ci in 0..behaviour.channels.len() {
                        // The engine's index for a person who had `before` invitations.
                        for before in [0usize, 1, 2, 6, 14, 15, 16, 40, 63] {
                            let index =
                                t.channel_base[ci] as usize + class * TABLE_EXPOSURES + before.min(TABLE_EXPOSURES - 1);
                            let exact = behaviour.conversion(ci, (before + 1).min(63) as u32, tie);
                            assert!((t.table[index] as f64 / 4_294_967_296.0 - exact).abs() < 1.2e-10);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn continuous_ties_convert_exactly_as_their_own_threshold() {
        // On ties of many strengths, a coin is compared with the bounds of its tie's
        // cell of strength first, and the tie's own threshold is computed only in
        // between: the decision must be the tie's own threshold's for every arc,
        // exposure count and coin, coins at and beside each threshold and bound
        // included, on strengths spread over [0.05, 0.95] and on strengths at and one
        // unit in the last place beside every cell's ends (0 and 1 included).
        let (_, _, many_ties, viral) = invitation_test_graphs();
        // (One unit in the last place down and up, by the bits: positive floats order
        // as their bits.)
        let (down, up) = (|x: f32| f32::from_bits(x.to_bits() - 1), |x: f32| f32::from_bits(x.to_bits() + 1));
        let mut edges: Vec<f32> = vec![0.0, 1.0, f32::MIN_POSITIVE, down(1.0)];
        for c in 1..TIE_CELLS {
            let end = c as f32 / TIE_CELLS as f32;
            edges.extend([end, down(end), up(end)]);
        }
        let at_cell_ends = weighted_path(&edges);
        let behaviour = viral.compile();
        let cfg = with(viral, Seeding::Random { count: 1 }, 5, fixed(1.0));
        let mut rng = crate::rng::stream_rng(3, 0);
        for (g, step) in [(&many_ties, 7), (&at_cell_ends, 1)] {
            let prepared = Prepared::new(g, &cfg).unwrap();
            let t = prepared.thresholds.as_ref().expect("chunked conversions");
            assert!(t.continuous && t.table.len() == behaviour.channels.len() * TIE_CELLS * CELL_STRIDE);
            let cells = prepared.tie_cells.as_ref().expect("cells of strength");
            assert!(prepared.tie_classes.is_none());
            let weights = g.all_weights().unwrap();
            // Each arc's sender.
            let tails: Vec<u32> =
                (0..g.node_count() as u32).flat_map(|u| std::iter::repeat_n(u, g.degree(NodeId(u)))).collect();
            let (mut computed, mut decided) = (0, 0);
            for arc in (0..weights.len()).step_by(step) {
                let (w, cell) = (weights[arc], cells[arc] as usize);
                // The cell holds the strength.
                assert!(cell as f32 / TIE_CELLS as f32 <= w, "{w} in cell {cell}");
                assert!(w < (cell + 1) as f32 / TIE_CELLS as f32 || (cell == TIE_CELLS - 1 && w == 1.0));
                for ci in 0..behaviour.channels.len() {
                    let tag = (5 << 16) | (t.channel_base[ci] + (cell * CELL_STRIDE) as u32);
                    for e in 0..TABLE_EXPOSURES {
                        let own = coin_threshold(behaviour.conversion(ci, e as u32 + 1, Some(w)));
                        let at = (tag & 0xFFFF) as usize + 2 * e;
                        let (low, high) = (t.table[at], t.table[at + 1]);
                        assert!(low < own && own < high, "w {w} channel {ci} e {e}: {low} {own} {high}");
                        let mut coins = vec![own.saturating_sub(1), own, own + 1, low, high, low.saturating_sub(1)];
                        coins.extend((0..4).map(|_| rng.next_u64() >> 32));
                        for coin in coins {
                            let ends = || (tails[arc], g.all_targets()[arc]);
                            let converts = prepared.converts::<true>(&t.table, tag, e, coin, ends);
                            assert_eq!(converts, coin < own, "w {w} channel {ci} e {e} coin {coin}");
                            if coin >= low && coin < high {
                                computed += 1;
                            } else {
                                decided += 1;
                            }
                        }
                    }
                }
            }
            assert!(computed > 100 && decided > 100, "{computed} {decided}");
        }
        // A library caller's strengths outside [0, 1] fall in no cell: one invitation
        // at a time.
        // (More distinct strengths than the tie classes tabulate.)
        let strengths: Vec<f32> = (0..=MAX_TIE_CLASSES + 8).map(|i| i as f32 / MAX_TIE_CLASSES as f32).collect();
        assert!(*strengths.last().unwrap() > 1.0);
        let outside = weighted_path(&strengths);
        assert!(Prepared::new(&outside, &cfg).unwrap().thresholds.is_none());
        let inside = weighted_path(&strengths[..=MAX_TIE_CLASSES]);
        assert!(Prepared::new(&inside, &cfg).unwrap().thresholds.as_ref().is_some_and(|t| t.continuous));
        let nan = weighted_path(&[strengths.as_slice(), &[f32::NAN]].concat());
        assert!(Prepared::new(&nan, &cfg).unwrap().thresholds.is_none());
    }

    /// Runs `fast` (a chunked campaign run) and `reference` (the same scenario, one
    /// invitation at a time) 1,500 times each. Each fast run is checked exactly: a
    /// valid recruitment tree of friends, rows that agree with it (with a fixed
    /// `delay`, generation g on day g × delay), no more invitations than the sharers'
    /// ties per channel, every participant joined and every marked person listed once
    /// for the reset. The two schedules' mean reach, sharers, invitations, censored
    /// fraction, last and mean join day and first four generations' sizes must agree within 4.5
    /// standard errors of their difference. Returns the fast side's censored runs and
    /// runs that spread past generation 3.
    fn campaign_schedules_agree(
        case: usize,
        g: &SocialGraph,
        fast: &Prepared,
        reference: &Prepared,
        delay: Option<u32>,
    ) -> (usize, usize) {
        const RUNS: u64 = 1500;
        const GENERATIONS: usize = 4;
        const MEANS: usize = 6 + GENERATIONS;
        let names = ["reach", "sharers", "invitations", "censored", "last join day", "mean join day"];
        let channels = fast.reach.len() as u64;
        let (mut censored_runs, mut spread) = (0, 0);
        // Per schedule, Σ and Σ² of each compared quantity.
        let mut sums = [[(0.0f64, 0.0f64); MEANS]; 2];
        for (side, prepared) in [fast, reference].into_iter().enumerate() {
            let mut scratch = RunScratch::new(prepared);
            for run in 0..RUNS {
                let out = prepared.run(run, &mut scratch);
                let mut rows = TaskRows::default();
                scratch.rows.drain_into(&out, &mut rows);
                let mut values = [0.0; MEANS];
                values[0] = out.reach as f64;
                values[1] = out.sharers as f64;
                values[2] = out.invitations as f64;
                values[3] = out.is_censored as u32 as f64;
                values[4] = out.last_join_day as f64;
                // First passage (an earlier conversion replacing a later one) shows in
                // when people join.
                let days: u64 = rows.daily.iter().enumerate().map(|(d, &n)| d as u64 * n as u64).sum();
                values[5] = days as f64 / out.reach as f64;
                for k in 0..GENERATIONS {
                    values[6 + k] = rows.gen_size.get(k).copied().unwrap_or(0) as f64;
                }
                for (acc, x) in sums[side].iter_mut().zip(values) {
                    acc.0 += x;
                    acc.1 += x * x;
                }
                if side == 1 {
                    continue;
                }
                censored_runs += out.is_censored as usize;
                spread += (out.generations > 3) as usize;
                // Exact checks of the fast run.
                let (order, parents) = (scratch.tree.order(), scratch.tree.parents());
                assert_eq!(order.len(), out.reach as usize, "case {case} run {run}");
                assert_eq!(rows.daily.iter().sum::<u32>(), out.reach, "case {case} run {run}");
                assert!(out.sharers <= out.reach, "case {case} run {run}");
                let mut seen = std::collections::HashSet::new();
                let mut generation = vec![0u32; order.len()];
                for (i, (&v, &p)) in order.iter().zip(parents).enumerate() {
                    assert!(seen.insert(v), "case {case} run {run}: {v} joined twice");
                    assert_eq!(scratch.state(v as usize), JOINED, "case {case} run {run}");
                    if p != NONE {
                        let p = p as usize;
                        assert!(p < i, "case {case} run {run}: a recruiter joins first");
                        assert!(g.neighbours(NodeId(order[p])).contains(&v), "case {case} run {run}: friends");
                        generation[i] = generation[p] + 1;
                    }
                }
                let mut ties = vec![0u64; rows.gen_invites.len() + 1];
                for (i, &v) in order.iter().enumerate() {
                    ties[generation[i] as usize] += channels * g.degree(NodeId(v)) as u64;
                }
                for (k, &size) in rows.gen_size.iter().enumerate() {
                    let members = generation.iter().filter(|&&x| x as usize == k).count();
                    assert_eq!(size as usize, members, "case {case} run {run} generation {k}");
                    if let Some(delay) = delay {
                        assert_eq!(rows.daily[k * delay as usize], size, "case {case} run {run} generation {k}");
                    }
                    assert!(rows.gen_invites[k] <= ties[k], "case {case} run {run} generation {k}");
                }
                assert_eq!(rows.gen_invites.iter().sum::<u64>(), out.invitations, "case {case} run {run}");
                let touched: std::collections::HashSet<u32> = scratch.touched.iter().copied().collect();
                assert_eq!(touched.len(), scratch.touched.len(), "case {case} run {run}: touched once");
                let marked = (0..g.node_count() as u32).filter(|&v| scratch.marks[v as usize] != UNTOUCHED);
                assert!(marked.clone().all(|v| touched.contains(&v)), "case {case} run {run}: marks reset");
                assert!(marked.count() >= order.len(), "case {case} run {run}");
            }
        }
        let n = RUNS as f64;
        for (m, (a, b)) in sums[0].iter().zip(&sums[1]).enumerate() {
            let (ma, mb) = (a.0 / n, b.0 / n);
            let se = ((a.1 / n - ma * ma) / n + (b.1 / n - mb * mb) / n).sqrt();
            let what = names.get(m).map_or_else(|| format!("generation {}", m - names.len()), |w| w.to_string());
            assert!(
                (ma - mb).abs() <= 4.5 * se + 1e-9,
                "case {case} {what}: chunked {ma} vs one at a time {mb} (SE {se})"
            );
        }
        (censored_runs, spread)
    }

    #[test]
    fn lockstep_campaign_runs_match_the_day_by_day_schedule() {
        // The campaign with chunked conversions (tabulated, or bounded on ties of many
        // strengths) and a fixed cycle goes generation by generation in chunks, drawing a chunk's reach before its conversions: not the
        // day-by-day run draw for draw, but it must be the same process.
        let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
        let (gated, heeding) = gated_ties(&plain, &viral, false);
        let (gated_classes, _) = gated_ties(&plain, &viral, true);
        let cases = [
            (&plain, with(viral.clone(), Seeding::Random { count: 5 }, 60, fixed(1.0)), 1u32),
            (&gated_classes, with(heeding.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
            (&plain, with(viral.clone(), Seeding::HighestDegree { count: 3 }, 4, fixed(2.0)), 2), // censored
            (&two_ties, with(viral.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
            (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
            (&gated, with(heeding, Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
            (&plain, with(campaign(), Seeding::Random { count: 30 }, 30, fixed(3.0)), 3),
            // Moments alone, by a coin per friend (reach above 0.3).
            (&plain, with(with_channels(&viral, None, Some(0.5)), Seeding::Random { count: 5 }, 40, fixed(1.0)), 1),
        ];
        let (mut censored, mut spread) = (0, 0);
        for (case, (g, cfg, delay)) in cases.iter().enumerate() {
            let lockstep = Prepared::new(g, cfg).unwrap();
            assert!(lockstep.lockstep == Some(*delay) && lockstep.thresholds.is_some(), "case {case}");
            let mut by_day = Prepared::new(g, cfg).unwrap();
            (by_day.lockstep, by_day.thresholds) = (None, None);
            let (c, sp) = campaign_schedules_agree(case, g, &lockstep, &by_day, Some(*delay));
            censored += c;
            spread += sp;
        }
        assert!(censored > 0, "the cases include censored runs");
        assert!(spread > 1000, "the cases include runs that spread");
    }

    #[test]
    fn chunked_campaign_runs_match_the_one_at_a_time_schedule() {
        // The campaign with chunked conversions (tabulated, or bounded on ties of many
        // strengths) and a random cycle goes day by day,
        // each day's joiners in chunks: the same process as one invitation at a time,
        // first passage included (an earlier conversion replaces a later one).
        let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
        let (gated, heeding) = gated_ties(&plain, &viral, false);
        let (gated_classes, _) = gated_ties(&plain, &viral, true);
        let star = star_of_thirty();
        let viral_once = match &viral {
            Behaviour::Campaign { levers, coefficients, channels } => Behaviour::Campaign {
                levers: *levers,
                coefficients: crate::model::Coefficients { join_base: -2.5, ..*coefficients },
                channels: *channels,
            },
            _ => unreachable!(),
        };
        let cases = [
            (&plain, with(viral.clone(), Seeding::Random { count: 5 }, 90, geometric(2.0))),
            (&plain, with(viral.clone(), Seeding::HighestDegree { count: 3 }, 6, geometric(1.5))), // censored
            (&two_ties, with(viral.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
            (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
            (&gated, with(heeding.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
            (&gated_classes, with(heeding, Seeding::Random { count: 10 }, 60, geometric(2.5))),
            // Direct messages, and Moments by skips too long for the table (reach 0.01).
            (
                &plain,
                with(with_channels(&viral, Some(6.0), Some(0.01)), Seeding::Random { count: 5 }, 60, geometric(2.0)),
            ),
            (&plain, with(campaign(), Seeding::Random { count: 30 }, 30, CycleTime::default())),
            // Thirty seed users whose one friend is the same person: that person joins
            // on the earliest of the arrivals their converted invitations draw.
            (&star, with(viral_once, Seeding::Nodes { nodes: (1..=30).map(NodeId).collect() }, 60, geometric(8.0))),
        ];
        day_by_day_schedules_agree(&cases, |p| p.thresholds.is_some(), |p| p.thresholds = None);
    }

    #[test]
    fn chunked_cascade_runs_match_the_one_at_a_time_schedule() {
        // The uniform cascade with a random cycle goes day by day, each day's joiners in
        // chunks: the same process as one sender at a time, first passage included.
        let (plain, two_ties, _, _) = invitation_test_graphs();
        let star = star_of_thirty();
        let cases = [
            (&plain, ic(0.3, Seeding::Random { count: 5 }, 90, geometric(2.0))),
            (&plain, ic(0.3, Seeding::HighestDegree { count: 3 }, 6, geometric(1.5))), // censored
            (&two_ties, ic(0.15, Seeding::Random { count: 10 }, 60, geometric(2.5))),
            // A coin per tie (p above 0.5), and skips by Exp(1) draws (p too small for
            // the table).
            (&two_ties, ic(0.6, Seeding::Random { count: 2 }, 60, geometric(3.0))),
            (&plain, ic(0.002, Seeding::Random { count: 200 }, 60, geometric(2.0))),
            // Thirty seed users whose one friend is the same person, reached by all of
            // them: that person joins on the earliest of thirty arrivals.
            (&star, ic(1.0, Seeding::Nodes { nodes: (1..=30).map(NodeId).collect() }, 60, geometric(8.0))),
        ];
        day_by_day_schedules_agree(
            &cases,
            |p| p.chunked_days && matches!(p.process, Process::Invitation(EdgeRule::Uniform(_))),
            |p| p.chunked_days = false,
        );
    }

    /// A star: node 0 and its thirty friends 1..=30 (seeded, they share one friend).
    fn star_of_thirty() -> SocialGraph {
        let mut pg = petgraph::Graph::<(), f32, petgraph::Undirected>::new_undirected();
        let nodes: Vec<_> = (0..31).map(|_| pg.add_node(())).collect();
        for &leaf in &nodes[1..] {
            pg.add_edge(nodes[0], leaf, 1.0);
        }
        SocialGraph::from_petgraph(&pg, false, None).unwrap()
    }

    /// [`campaign_schedules_agree`] on each case with a random cycle time: its chunked
    /// day-by-day run (`is_chunked`) against the reference that `to_reference` makes of
    /// it (one sender at a time). The cases must include censored runs and runs that
    /// spread.
    fn day_by_day_schedules_agree(
        cases: &[(&SocialGraph, RunConfig)],
        is_chunked: impl Fn(&Prepared) -> bool,
        to_reference: impl Fn(&mut Prepared),
    ) {
        let (mut censored, mut spread) = (0, 0);
        for (case, (g, cfg)) in cases.iter().enumerate() {
            let chunked = Prepared::new(g, cfg).unwrap();
            assert!(chunked.lockstep.is_none() && is_chunked(&chunked), "case {case}");
            let mut one_at_a_time = Prepared::new(g, cfg).unwrap();
            to_reference(&mut one_at_a_time);
            let (c, sp) = campaign_schedules_agree(case, g, &chunked, &one_at_a_time, None);
            censored += c;
            spread += sp;
        }
        assert!(censored > 0, "the cases include censored runs");
        assert!(spread > 1000, "the cases include runs that spread");
    }

    #[test]
    fn rows_are_as_long_as_each_run_needed() {
        let g = ring(200);
        let cfg = ic(0.6, Seeding::Random { count: 2 }, 300, CycleTime::default());
        let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
        for (r, o) in e.outcomes.iter().enumerate() {
            assert_eq!(e.daily_row(r).len(), o.last_join_day as usize + 1);
            assert_eq!(e.generation_row(r).len(), o.generations as usize);
            assert_eq!(e.invitation_row(r).len(), o.generations as usize);
            assert_eq!(e.daily_new(r, o.last_join_day as usize + 5), 0);
            assert!(*e.daily_row(r).last().unwrap() > 0 && *e.generation_row(r).last().unwrap() > 0);
        }
        assert!(e.row_bytes() < e.runs * e.width() * 4, "rows shorter than the horizon");
    }

    #[test]
    fn a_horizon_beyond_sixteen_bits_is_an_error() {
        let g = ring(10);
        let cfg = ic(0.5, Seeding::Random { count: 1 }, MAX_DAYS + 1, CycleTime::default());
        assert!(matches!(run_ensemble(&g, &cfg, &|_| {}), Err(EngineError::HorizonTooLong(_))));
    }

    #[test]
    fn too_many_seeds_is_an_error() {
        let g = ring(10);
        let cfg = ic(0.5, Seeding::Random { count: 11 }, 5, CycleTime::default());
        assert!(run_ensemble(&g, &cfg, &|_| {}).is_err());
    }
}
