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
//! ## Reproducibility
//! Run `i` draws from [`crate::rng::stream_rng`]`(rng_seed, i)` and writes only its own
//! row of the outputs, so the ensemble is identical for any number of threads.

use crate::graph::{NodeId, SocialGraph};
use crate::model::{Behaviour, CompiledBehaviour, InviteRule};
use crate::rng::{SimRng, below, stream_rng, uniform};
use rayon::prelude::*;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Errors from configuring a run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// More seed users than people, or a seed outside the graph.
    #[error("{0}")]
    BadSeeding(String),
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
        &self.generation_size[run * self.width()..(run + 1) * self.width()]
    }
    /// Invitations by sender generation in run `run`.
    pub fn invitation_row(&self, run: usize) -> &[u64] {
        &self.generation_invitations[run * self.width()..(run + 1) * self.width()]
    }
}

/// One participant of a recorded cascade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Participant {
    /// Who joined.
    pub node: NodeId,
    /// Who recruited them (None for seed users).
    pub recruiter: Option<NodeId>,
    /// Generation (0 = seed users).
    pub generation: u32,
    /// Day of joining.
    pub day: u32,
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

/// Everything the engine tracks about one person in a run, packed in 16 bytes so that
/// visiting a friend costs one cache miss, not one per field (benches/engine.rs:
/// `campaign-viral-ba20k-200runs`).
#[derive(Debug, Clone, Copy)]
struct NodeState {
    /// Tentative or final join day (NONE: not scheduled).
    join_day: u32,
    /// Who recruited them (NONE for seed users).
    recruiter: u32,
    /// Generation (0 = seed users).
    generation: u32,
    /// UNTOUCHED, EXPOSED, PENDING or JOINED.
    state: u8,
    /// Invitations received so far (saturating).
    exposures: u8,
}

const FRESH: NodeState = NodeState { join_day: NONE, recruiter: NONE, generation: 0, state: UNTOUCHED, exposures: 0 };

/// Per-worker scratch, allocated once per worker and reset between runs by undoing
/// only what the last run touched: nothing is allocated per edge, day or run.
pub struct RunScratch {
    nodes: Vec<NodeState>,
    touched: Vec<u32>,
    buckets: Vec<Vec<u32>>,
    order: Vec<u32>,
}

impl RunScratch {
    /// Scratch for `nodes` people and a `days` horizon.
    pub fn new(nodes: usize, days: u32) -> Self {
        Self {
            nodes: vec![FRESH; nodes],
            touched: Vec::new(),
            buckets: vec![Vec::new(); days as usize + 1],
            order: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for &v in &self.touched {
            self.nodes[v as usize] = FRESH;
        }
        self.touched.clear();
        self.order.clear();
        for b in &mut self.buckets {
            b.clear();
        }
    }
}

/// Everything one run reads, prepared once per ensemble.
struct Prepared<'a> {
    graph: &'a SocialGraph,
    behaviour: CompiledBehaviour,
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
        Ok(Self {
            graph,
            behaviour: config.behaviour.compile(),
            delay: config.cycle_time.sampler(),
            seeding: &config.seeding,
            fixed_seeds,
            days: config.days,
            rng_seed: config.rng_seed,
        })
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
        let mut last_scheduled = 0u32;

        let add_seed = |s: &mut RunScratch, v: u32| {
            s.touched.push(v);
            s.nodes[v as usize] =
                NodeState { join_day: 0, recruiter: NONE, generation: 0, state: PENDING, exposures: 0 };
            s.buckets[0].push(v);
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

        let behaviour = &self.behaviour;
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
                let g = node.generation;
                scratch.order.push(u);
                out.reach += 1;
                out.generations = out.generations.max(g + 1);
                out.last_join_day = day;
                daily[day as usize] += 1;
                gen_size[g as usize] += 1;

                if behaviour.share_probability < 1.0 && uniform(&mut rng) >= behaviour.share_probability {
                    continue;
                }
                out.sharers += 1;
                let neighbours = graph.neighbours(NodeId(u));
                let ties = graph.tie_strengths(NodeId(u));
                let degree = neighbours.len();
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
                        let p = behaviour.conversion(ci, node.exposures as u32, ties.map(|w| w[j]));
                        if uniform(rng) >= p {
                            return;
                        }
                        let arrival = day.saturating_add(self.delay.sample(rng));
                        if arrival > self.days {
                            out.is_censored = true;
                            return;
                        }
                        if arrival < node.join_day {
                            node.join_day = arrival;
                            node.recruiter = u;
                            node.generation = g + 1;
                            node.state = PENDING;
                            s.buckets[arrival as usize].push(v);
                            last_scheduled = last_scheduled.max(arrival);
                        }
                    };
                    match channel.invite {
                        InviteRule::All => {
                            for j in 0..degree {
                                visit(j, &mut rng, scratch);
                            }
                        }
                        _ => for_each_reached(degree, p_reach, &mut rng, |j, rng| visit(j, rng, scratch)),
                    }
                }
                out.invitations += invitations;
                gen_invites[g as usize] += invitations;
            }
            bucket.clear();
            scratch.buckets[day as usize] = bucket;
            day += 1;
        }
        out
    }
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
    let mut daily_new = vec![0u32; runs * width];
    let mut generation_size = vec![0u32; runs * width];
    let mut generation_invitations = vec![0u64; runs * width];
    let mut outcomes = vec![RunOutcome::default(); runs];
    let pool: Mutex<Vec<RunScratch>> = Mutex::new(Vec::new());
    let done = AtomicU64::new(0);
    let task = RUNS_PER_TASK * width;
    daily_new
        .par_chunks_mut(task)
        .zip(generation_size.par_chunks_mut(task))
        .zip(generation_invitations.par_chunks_mut(task))
        .zip(outcomes.par_chunks_mut(RUNS_PER_TASK))
        .enumerate()
        .for_each(|(t, (((daily, gens), invites), outs))| {
            let taken = pool.lock().expect("scratch pool lock is never poisoned").pop();
            let mut scratch = taken.unwrap_or_else(|| RunScratch::new(graph.node_count(), config.days));
            for (k, out) in outs.iter_mut().enumerate() {
                let run = (t * RUNS_PER_TASK + k) as u64;
                let row = k * width..(k + 1) * width;
                *out =
                    prepared.run(run, &mut scratch, &mut daily[row.clone()], &mut gens[row.clone()], &mut invites[row]);
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
        generation_size,
        generation_invitations,
        outcomes,
    })
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
    let (mut d, mut g, mut i) = (vec![0; width], vec![0; width], vec![0; width]);
    let outcome = prepared.run(run, &mut scratch, &mut d, &mut g, &mut i);
    let participants = scratch
        .order
        .iter()
        .map(|&v| {
            let n = scratch.nodes[v as usize];
            Participant {
                node: NodeId(v),
                recruiter: (n.recruiter != NONE).then_some(NodeId(n.recruiter)),
                generation: n.generation,
                day: n.join_day,
            }
        })
        .collect();
    Ok(Cascade { participants, outcome })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{GraphModel, GraphSpec, TieStrengths};

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
            behaviour: Behaviour::IndependentCascade { probability: p },
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
