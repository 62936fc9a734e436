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
//! ## Reproducibility
//! Run `i` draws from [`crate::rng::stream_rng`]`(rng_seed, i)` and writes only its own
//! row of the outputs, so the ensemble is identical for any number of threads.

use crate::graph::{NodeId, SocialGraph};
use crate::model::{
    AdoptionThreshold, Behaviour, CompiledBehaviour, EdgeProbability, InfluenceWeights, InviteRule, Recovery,
};
use crate::rng::{SimRng, below, stream_rng, uniform};
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
                    DelaySampler::Geometric { inv_log_1mq: 1.0 / (1.0 - q).ln() }
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum DelaySampler {
    Fixed(u32),
    Geometric { inv_log_1mq: f64 },
}

impl DelaySampler {
    #[inline]
    fn sample(&self, rng: &mut SimRng) -> u32 {
        match *self {
            DelaySampler::Fixed(d) => d,
            DelaySampler::Geometric { inv_log_1mq } => {
                let u = 1.0 - uniform(rng); // (0, 1]
                let extra = (u.ln() * inv_log_1mq).floor();
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
#[derive(Debug, Clone)]
pub struct Ensemble {
    /// Number of runs.
    pub runs: usize,
    /// Horizon in days; rows have `days + 1` entries (day 0 to `days`).
    pub days: u32,
    /// Seed users per run.
    pub seed_count: usize,
    /// People in the graph.
    pub population: usize,
    /// New participants per run and day (row-major, `runs × (days + 1)`).
    pub daily_new: Vec<u32>,
    /// Entries of a generation row: `days + 1` (a generation takes at least a day),
    /// more for continuous-time SIR.
    pub generation_width: usize,
    /// Participants per run and generation (generation 0 = seeds).
    pub generation_size: Vec<u32>,
    /// Invitations sent per run by the participants of each generation.
    pub generation_invitations: Vec<u64>,
    /// Scalars per run.
    pub outcomes: Vec<RunOutcome>,
}

impl Ensemble {
    /// Width of a row (days + 1).
    pub fn width(&self) -> usize {
        self.days as usize + 1
    }
    /// New participants by day in run `run`.
    pub fn daily_row(&self, run: usize) -> &[u32] {
        &self.daily_new[run * self.width()..(run + 1) * self.width()]
    }
    /// Participants by generation in run `run`.
    pub fn generation_row(&self, run: usize) -> &[u32] {
        let w = self.generation_width;
        &self.generation_size[run * w..(run + 1) * w]
    }
    /// Invitations by sender generation in run `run`.
    pub fn invitation_row(&self, run: usize) -> &[u64] {
        let w = self.generation_width;
        &self.generation_invitations[run * w..(run + 1) * w]
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
const NONE: u32 = u32::MAX;

/// Everything the engine tracks about one person in a run, packed in 16 bytes (a
/// quarter of a cache line) so that visiting a friend costs one cache miss, not one
/// per field (scripts/bench-peers; benches/engine.rs `cascade/ic-er-k10-p0.2`).
#[derive(Debug, Clone, Copy)]
struct NodeState {
    /// Tentative or final join day (NONE: not scheduled).
    join_day: u32,
    /// Who recruited them (NONE for seed users).
    recruiter: u32,
    /// Before joining, in threshold processes: the threshold left to reach (f32 bits).
    /// Once joined: their position in the order of joining (for the tree statistics).
    slot: u32,
    /// Generation (0 = seed users), saturating at u16::MAX (a day-based generation is
    /// at most `days` <= 3650; SIR's generation rows stop at 4096).
    generation: u16,
    /// UNTOUCHED, EXPOSED, PENDING or JOINED.
    state: u8,
    /// Invitations received so far (saturating).
    exposures: u8,
}

impl NodeState {
    #[inline]
    fn remaining(&self) -> f32 {
        f32::from_bits(self.slot)
    }
    #[inline]
    fn set_remaining(&mut self, x: f32) {
        self.slot = x.to_bits();
    }
    #[inline]
    fn generation(&self) -> u32 {
        self.generation as u32
    }
    #[inline]
    fn set_generation(&mut self, g: u32) {
        self.generation = g.min(u16::MAX as u32) as u16;
    }
}

const FRESH: NodeState =
    NodeState { join_day: NONE, recruiter: NONE, slot: 0, generation: 0, state: UNTOUCHED, exposures: 0 };

/// Per participant, by position in the order of joining, for the tree statistics.
#[derive(Debug, Clone, Copy, Default)]
struct TreeAux {
    /// Position of the recruiter (NONE for seed users).
    parent: u32,
    size: u32,
    root: u32,
    children: u32,
    wiener: f64,
}

/// Per-worker scratch, allocated once per worker and reset between runs by undoing
/// only what the last run touched: nothing is allocated per edge, day or run.
pub struct RunScratch {
    nodes: Vec<NodeState>,
    touched: Vec<u32>,
    buckets: Vec<Vec<u32>>,
    order: Vec<u32>,
    tree: Vec<TreeAux>,
    /// SIR: exact tentative infection times (valid while PENDING or JOINED).
    times: Vec<f64>,
    /// SIR: pending infections, earliest first (time bits, node).
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl RunScratch {
    /// Scratch for `nodes` people and a `days` horizon.
    pub fn new(nodes: usize, days: u32) -> Self {
        Self {
            nodes: vec![FRESH; nodes],
            touched: Vec::new(),
            buckets: vec![Vec::new(); days as usize + 1],
            order: Vec::new(),
            tree: Vec::new(),
            times: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.nodes[v as usize] = FRESH;
        }
        self.touched.clear();
        self.order.clear();
        self.tree.clear();
        self.heap.clear();
        // The day buckets need no clearing: a run empties every bucket it fills
        // (it walks every day up to the last one scheduled).
    }
}

/// How each edge's conversion probability is found in the invitation process.
#[derive(Debug, Clone, Copy)]
enum EdgeRule {
    /// From the compiled behaviour (campaign model).
    Model,
    /// The same probability on every edge, every friend invited (uniform independent
    /// cascade): converting friends are found by geometric skips, so the work follows
    /// the conversions, not the edges (benches/engine.rs: `cascade/ic-er-k10-p0.2`).
    Uniform(f64),
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
}

impl<'a> Prepared<'a> {
    fn new(graph: &'a SocialGraph, config: &'a RunConfig) -> Result<Self, EngineError> {
        let n = graph.node_count();
        let count = config.seeding.count();
        if count == 0 || count > n {
            return Err(EngineError::BadSeeding(format!(
                "{count} seed users do not fit a graph of {n} people (accepted: 1 to {n})"
            )));
        }
        let fixed_seeds = match &config.seeding {
            Seeding::Random { .. } => Vec::new(),
            Seeding::HighestDegree { count } => {
                let mut ids: Vec<u32> = (0..n as u32).collect();
                ids.sort_by_key(|&u| (std::cmp::Reverse(graph.degree(NodeId(u))), u));
                ids.truncate(*count);
                ids
            }
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
        Ok(Self {
            graph,
            behaviour: config.behaviour.compile(),
            process,
            inverse_in_degree,
            in_degree,
            generation_width,
            delay: config.cycle_time.sampler(),
            seeding: &config.seeding,
            fixed_seeds,
            days: config.days,
            rng_seed: config.rng_seed,
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
                EdgeProbability::Uniform(p) => (Process::Invitation(EdgeRule::Uniform(*p)), false, false),
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

    /// Counts a join in the run's scalars and rows.
    #[inline]
    fn record_join(&self, out: &mut RunOutcome, daily: &mut [u32], gen_size: &mut [u32], day: u32, g: u32) {
        out.reach += 1;
        out.generations = out.generations.max(g + 1);
        out.last_join_day = out.last_join_day.max(day);
        daily[day as usize] += 1;
        let row = (g as usize).min(self.generation_width - 1);
        if row != g as usize {
            out.generations_truncated = true;
        }
        gen_size[row] += 1;
    }

    /// Simulates run `run` into `scratch`, writing its rows and returning its scalars.
    fn run(
        &self,
        run: u64,
        scratch: &mut RunScratch,
        daily: &mut [u32],
        gen_size: &mut [u32],
        gen_invites: &mut [u64],
    ) -> RunOutcome {
        scratch.reset();
        let mut rng = stream_rng(self.rng_seed, run);
        let graph = self.graph;
        let n = graph.node_count() as u64;
        let mut out = RunOutcome::default();

        let is_sir = matches!(self.process, Process::Sir { .. });
        if is_sir && scratch.times.len() != graph.node_count() {
            scratch.times = vec![0.0; graph.node_count()];
        }
        let add_seed = |s: &mut RunScratch, v: u32| {
            s.touched.push(v);
            s.nodes[v as usize] = NodeState { join_day: 0, state: PENDING, ..FRESH };
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
                    if scratch.nodes[v as usize].state == UNTOUCHED {
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

        let rows = Rows { daily, gen_size, gen_invites };
        match self.process {
            Process::Sir { beta, recovery } => self.run_sir(beta, recovery, scratch, &mut rng, &mut out, rows),
            _ => self.run_days(scratch, &mut rng, &mut out, rows),
        }
        tree_statistics(scratch, &mut out);
        out
    }

    /// The day-by-day schedule shared by the invitation and threshold processes.
    fn run_days(&self, scratch: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome, rows: Rows) {
        let mut last_scheduled = 0u32;
        let mut day = 0u32;
        while day <= self.days && day <= last_scheduled {
            let mut bucket = std::mem::take(&mut scratch.buckets[day as usize]);
            for &u in &bucket {
                let ui = u as usize;
                // Lazy deletion: a node may sit in several buckets; only its final day counts.
                let node = &mut scratch.nodes[ui];
                if node.state != PENDING || node.join_day != day {
                    continue;
                }
                node.state = JOINED;
                let g = node.generation();
                let recruiter = node.recruiter;
                join_order(scratch, u, recruiter);
                self.record_join(out, rows.daily, rows.gen_size, day, g);
                let at = Sender { u, day, g };
                let invitations = match self.process {
                    Process::Invitation(rule) => {
                        self.spread_invitations(at, rule, scratch, rng, out, &mut last_scheduled)
                    }
                    Process::Threshold { start, contribution } => {
                        self.spread_threshold(at, start, contribution, scratch, rng, out, &mut last_scheduled)
                    }
                    Process::Sir { .. } => unreachable!("SIR runs in continuous time"),
                };
                out.invitations += invitations;
                rows.gen_invites[(g as usize).min(self.generation_width - 1)] += invitations;
            }
            bucket.clear();
            scratch.buckets[day as usize] = bucket;
            day += 1;
        }
        debug_assert!(scratch.buckets.iter().all(Vec::is_empty), "every scheduled day was processed");
    }

    /// A new participant shares and invites; returns the invitations sent.
    #[inline]
    fn spread_invitations(
        &self,
        at: Sender,
        rule: EdgeRule,
        scratch: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let u = at.u;
        let behaviour = &self.behaviour;
        if behaviour.share_probability < 1.0 && uniform(rng) >= behaviour.share_probability {
            return 0;
        }
        out.sharers += 1;
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(u));
        let weights = graph.weights(NodeId(u));
        let degree = neighbours.len();
        if let EdgeRule::Uniform(p) = rule {
            for_each_reached(degree, p, rng, |j, rng| {
                let v = neighbours[j];
                let node = &mut scratch.nodes[v as usize];
                if node.state == JOINED {
                    return;
                }
                if node.state == UNTOUCHED {
                    node.state = EXPOSED;
                    scratch.touched.push(v);
                }
                self.schedule(at, v, node, &mut scratch.buckets, rng, out, last_scheduled);
            });
            return degree as u64;
        }
        let mut invitations = 0u64;
        for (ci, channel) in behaviour.channels.iter().enumerate() {
            let p_reach = channel.invite.probability(degree);
            let mut visit = |j: usize, rng: &mut SimRng, s: &mut RunScratch| {
                invitations += 1;
                let v = neighbours[j];
                let node = &mut s.nodes[v as usize];
                if node.state == JOINED {
                    return;
                }
                if node.state == UNTOUCHED {
                    node.state = EXPOSED;
                    s.touched.push(v);
                }
                node.exposures = node.exposures.saturating_add(1);
                let p = match rule {
                    EdgeRule::Model | EdgeRule::Uniform(_) => {
                        behaviour.conversion(ci, node.exposures as u32, weights.map(|w| w[j]))
                    }
                    EdgeRule::Weight => weights.map_or(0.0, |w| w[j] as f64),
                    EdgeRule::InverseInDegree => self.inverse_in_degree[v as usize] as f64,
                };
                if uniform(rng) >= p {
                    return;
                }
                self.schedule(at, v, node, &mut s.buckets, rng, out, last_scheduled);
            };
            match channel.invite {
                InviteRule::All => {
                    for j in 0..degree {
                        visit(j, rng, scratch);
                    }
                }
                _ => for_each_reached(degree, p_reach, rng, |j, rng| visit(j, rng, scratch)),
            }
        }
        invitations
    }

    /// A converted invitation from `at` to `v`: `v` joins one cycle later, unless an
    /// earlier invitation already makes them join sooner (first passage).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn schedule(
        &self,
        at: Sender,
        v: u32,
        node: &mut NodeState,
        buckets: &mut [Vec<u32>],
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) {
        let arrival = at.day.saturating_add(self.delay.sample(rng));
        if arrival > self.days {
            out.is_censored = true;
            return;
        }
        if arrival < node.join_day {
            node.join_day = arrival;
            node.recruiter = at.u;
            node.set_generation(at.g + 1);
            node.state = PENDING;
            buckets[arrival as usize].push(v);
            *last_scheduled = (*last_scheduled).max(arrival);
        }
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
        let Sender { u, day, g } = at;
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(u));
        let weights = graph.weights(NodeId(u));
        out.sharers += 1;
        for (j, &v) in neighbours.iter().enumerate() {
            let node = &mut s.nodes[v as usize];
            if node.state == JOINED || node.state == PENDING {
                continue; // already in, or already tipped over
            }
            if node.state == UNTOUCHED {
                node.state = EXPOSED;
                s.touched.push(v);
                let start_value = match start {
                    StartThreshold::Uniform => uniform(rng) as f32,
                    StartThreshold::Count(c) => c as f32,
                    StartThreshold::Fraction(f) => {
                        (f * self.in_degree[v as usize] as f64 - 1e-9).ceil().max(1.0) as f32
                    }
                };
                node.set_remaining(start_value);
            }
            let left = node.remaining()
                - match contribution {
                    Contribution::One => 1.0,
                    Contribution::Weight => weights.map_or(0.0, |w| w[j]),
                    Contribution::InverseInDegree => self.inverse_in_degree[v as usize],
                };
            node.set_remaining(left);
            if left > 1e-6 {
                continue;
            }
            // Tipped over by u: joins one cycle later.
            let arrival = day.saturating_add(self.delay.sample(rng));
            node.state = PENDING;
            node.join_day = arrival;
            node.recruiter = u;
            node.set_generation(g + 1);
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
    fn run_sir(
        &self,
        beta: f64,
        recovery: Recovery,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        rows: Rows,
    ) {
        let graph = self.graph;
        let horizon = self.days as f64 + 1.0; // day d covers [d, d + 1)
        while let Some(Reverse((bits, u))) = s.heap.pop() {
            let t = f64::from_bits(bits);
            let ui = u as usize;
            if s.nodes[ui].state != PENDING || s.times[ui] != t {
                continue; // superseded by an earlier infection time
            }
            if t >= horizon {
                out.is_censored = true;
                break;
            }
            let day = t as u32;
            let node = &mut s.nodes[ui];
            node.state = JOINED;
            node.join_day = day;
            let g = node.generation();
            let recruiter = node.recruiter;
            join_order(s, u, recruiter);
            self.record_join(out, rows.daily, rows.gen_size, day, g);
            out.sharers += 1;
            let period = match recovery {
                Recovery::Rate(gamma) => -(1.0 - uniform(rng)).ln() / gamma,
                Recovery::FixedPeriodDays(d) => d,
            };
            let mut contacts = 0u64;
            for &v in graph.neighbours(NodeId(u)) {
                let tau = -(1.0 - uniform(rng)).ln() / beta;
                if tau >= period {
                    continue;
                }
                contacts += 1;
                let vi = v as usize;
                let vnode = &mut s.nodes[vi];
                if vnode.state == JOINED {
                    continue;
                }
                if vnode.state == UNTOUCHED {
                    vnode.state = EXPOSED;
                    s.touched.push(v);
                }
                let candidate = t + tau;
                if vnode.state != PENDING || candidate < s.times[vi] {
                    vnode.state = PENDING;
                    vnode.recruiter = u;
                    vnode.set_generation(g + 1);
                    s.times[vi] = candidate;
                    s.heap.push(Reverse((candidate.to_bits(), v)));
                }
            }
            out.invitations += contacts;
            rows.gen_invites[(g as usize).min(self.generation_width - 1)] += contacts;
        }
    }
}

/// The rows one run writes.
struct Rows<'r> {
    daily: &'r mut [u32],
    gen_size: &'r mut [u32],
    gen_invites: &'r mut [u64],
}

/// A participant who has just joined and now spreads.
#[derive(Clone, Copy)]
struct Sender {
    u: u32,
    day: u32,
    g: u32,
}

/// Appends a new participant to the order of joining, noting the position of their
/// recruiter (already joined, so already placed).
#[inline]
fn join_order(s: &mut RunScratch, v: u32, recruiter: u32) {
    let position = s.order.len() as u32;
    s.nodes[v as usize].slot = position;
    let parent = if recruiter == NONE { NONE } else { s.nodes[recruiter as usize].slot };
    s.order.push(v);
    s.tree.push(TreeAux { parent, size: 1, root: position, children: 0, wiener: 0.0 });
}

/// Recruitment-tree statistics of the run in `scratch.tree` (parents before children):
/// Σ offspring², and the mean structural virality of trees with two or more people,
/// ν = 2 Σ_v s_v (n − s_v) / (n (n − 1)) over non-root v with subtree size s_v
/// (Goel et al. 2016: the mean distance between two people of the tree). O(reach),
/// over a compact array indexed by position in the order of joining.
fn tree_statistics(s: &mut RunScratch, out: &mut RunOutcome) {
    let t = &mut s.tree;
    for i in 0..t.len() {
        let p = t[i].parent;
        if p != NONE {
            t[i].root = t[p as usize].root;
            t[p as usize].children += 1;
        }
    }
    for i in (0..t.len()).rev() {
        let p = t[i].parent;
        if p != NONE {
            let size = t[i].size;
            t[p as usize].size += size;
        }
    }
    let mut square_sum = 0u64;
    for i in 0..t.len() {
        let aux = t[i];
        square_sum += aux.children as u64 * aux.children as u64;
        if aux.parent != NONE {
            let n = t[aux.root as usize].size as f64;
            let k = aux.size as f64;
            t[aux.root as usize].wiener += k * (n - k);
        }
    }
    let (mut sum, mut trees) = (0.0, 0u32);
    for aux in t.iter().filter(|a| a.parent == NONE && a.size >= 2) {
        let n = aux.size as f64;
        sum += 2.0 * aux.wiener / (n * (n - 1.0));
        trees += 1;
    }
    out.offspring_square_sum = square_sum;
    out.structural_virality = (trees > 0).then(|| sum / trees as f64);
}

/// Calls `f(j)` for each index `j` in `0..len` kept independently with probability `p`:
/// for small `p` by geometric skips, so the work follows the friends reached, not the
/// degree.
#[inline]
fn for_each_reached(len: usize, p: f64, rng: &mut SimRng, mut f: impl FnMut(usize, &mut SimRng)) {
    if p <= 0.0 || len == 0 {
        return;
    }
    if p >= 1.0 {
        for j in 0..len {
            f(j, rng);
        }
        return;
    }
    // A skip costs a logarithm (~20 ns), a coin a uniform draw (~1 ns): below
    // p = 0.1 skipping wins, above it flipping a coin per friend does.
    if p >= 0.1 {
        for j in 0..len {
            if uniform(rng) < p {
                f(j, rng);
            }
        }
        return;
    }
    let inv_log_q = 1.0 / (1.0 - p).ln();
    let mut j = 0usize;
    loop {
        let u = 1.0 - uniform(rng); // (0, 1]
        let skip = (u.ln() * inv_log_q).floor();
        if skip >= (len - j) as f64 {
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
/// O(runs × (edges reached + days)) time; memory O(nodes) per worker plus
/// O(runs × days) for the rows.
pub fn run_ensemble(
    graph: &SocialGraph,
    config: &RunConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Ensemble, EngineError> {
    let prepared = Prepared::new(graph, config)?;
    let runs = config.runs;
    let width = config.days as usize + 1;
    let gen_width = prepared.generation_width;
    let mut daily_new = vec![0u32; runs * width];
    let mut generation_size = vec![0u32; runs * gen_width];
    let mut generation_invitations = vec![0u64; runs * gen_width];
    let mut outcomes = vec![RunOutcome::default(); runs];
    let pool: Mutex<Vec<RunScratch>> = Mutex::new(Vec::new());
    let done = AtomicU64::new(0);
    daily_new
        .par_chunks_mut(RUNS_PER_TASK * width)
        .zip(generation_size.par_chunks_mut(RUNS_PER_TASK * gen_width))
        .zip(generation_invitations.par_chunks_mut(RUNS_PER_TASK * gen_width))
        .zip(outcomes.par_chunks_mut(RUNS_PER_TASK))
        .enumerate()
        .for_each(|(t, (((daily, gens), invites), outs))| {
            let taken = pool.lock().expect("scratch pool lock is never poisoned").pop();
            let mut scratch = taken.unwrap_or_else(|| RunScratch::new(graph.node_count(), config.days));
            for (k, out) in outs.iter_mut().enumerate() {
                let run = (t * RUNS_PER_TASK + k) as u64;
                let row = k * width..(k + 1) * width;
                let gen_row = k * gen_width..(k + 1) * gen_width;
                *out =
                    prepared.run(run, &mut scratch, &mut daily[row], &mut gens[gen_row.clone()], &mut invites[gen_row]);
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(Progress { runs_done: finished, runs_total: runs as u64 });
            }
            pool.lock().expect("scratch pool lock is never poisoned").push(scratch);
        });
    Ok(Ensemble {
        runs,
        days: config.days,
        seed_count: config.seeding.count(),
        population: graph.node_count(),
        daily_new,
        generation_width: gen_width,
        generation_size,
        generation_invitations,
        outcomes,
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
    let width = config.days as usize + 1;
    let mut scratch = RunScratch::new(graph.node_count(), config.days);
    let gw = prepared.generation_width;
    let (mut d, mut g, mut i) = (vec![0; width], vec![0; gw], vec![0; gw]);
    let outcome = prepared.run(run, &mut scratch, &mut d, &mut g, &mut i);
    let participants = scratch
        .order
        .iter()
        .map(|&v| {
            let n = scratch.nodes[v as usize];
            Participant {
                node: NodeId(v),
                recruiter: (n.recruiter != NONE).then_some(NodeId(n.recruiter)),
                generation: n.generation(),
                day: n.join_day,
                time_days: if scratch.times.len() == graph.node_count() {
                    scratch.times[v as usize]
                } else {
                    n.join_day as f64
                },
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

    fn ring(n: usize) -> SocialGraph {
        GraphSpec {
            model: GraphModel::WattsStrogatz { nodes: n, k: 2, rewire: 0.0 },
            tie_strength: TieStrengths::default(),
        }
        .generate(1)
        .unwrap()
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
        let g = GraphSpec {
            model: GraphModel::ErdosRenyi { nodes: 300, mean_degree: 6.0 },
            tie_strength: TieStrengths::default(),
        }
        .generate(4)
        .unwrap();
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
    fn geometric_delay_has_the_requested_mean() {
        let s = CycleTime { mean_days: 2.5, distribution: DelayDistribution::Geometric }.sampler();
        let mut rng = stream_rng(1, 2);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng) as f64).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        // Geometric with mean mu has variance mu (mu - 1).
        let sd = (2.5f64 * 1.5).sqrt();
        assert!((mean - 2.5).abs() < 4.0 * sd / (n as f64).sqrt(), "mean {mean}");
        assert!(xs.iter().all(|&x| x >= 1.0));
    }

    #[test]
    fn too_many_seeds_is_an_error() {
        let g = ring(10);
        let cfg = ic(0.5, Seeding::Random { count: 11 }, 5, CycleTime::default());
        assert!(run_ensemble(&g, &cfg, &|_| {}).is_err());
    }
}
