//! Influence maximisation by reverse-influence sampling: IMM (Tang, Shi & Xiao,
//! SIGMOD 2015), with the fix of Chen (2018) to its martingale argument.
//!
//! A random reverse-reachable (RR) set is everyone who would have activated a
//! person chosen uniformly at random, in one random live-edge world. For any seed set
//! S, n × P(S meets an RR set) is S's expected spread σ(S) (Borgs et al. 2014), so
//! choosing seeds that cover the most of θ RR sets is a maximum-coverage problem that
//! greedy solves within 1 − 1/e. IMM picks θ so that with probability at least 1 −
//! n^−ℓ the seeds' spread is at least (1 − 1/e − ε) of the best k seeds' spread:
//!
//! 1. Sampling: for x = n/2, n/4, ...: draw θ_x = λ′/x RR sets with
//!    λ′ = (2 + 2ε′/3)(ln C(n,k) + ℓ ln n + ln log₂ n) n / ε′², ε′ = √2 ε, take greedy's
//!    cover S; stop when n F(S) ≥ (1 + ε′) x and set LB = n F(S) / (1 + ε′) (a lower
//!    bound on the best spread, OPT); LB = 1 if no x passes.
//! 2. θ = λ*/LB with λ* = 2n((1 − 1/e)α + β)² ε⁻², α = √(ℓ ln n + ln 2),
//!    β = √((1 − 1/e)(ln C(n,k) + ℓ ln n + ln 2)).
//! 3. Node selection on θ **fresh** RR sets (Chen 2018: reusing the sampling phase's
//!    sets breaks the martingale argument; fresh sets restore the guarantee).
//!
//! ℓ is raised to ℓ(1 + ln 2 / ln n) first, so that the two phases together fail with
//! probability at most n^−ℓ. RR sets are drawn in blocks of [`BLOCK`], block b from its
//! own random stream: the sets, hence the seeds, are the same on any number of threads.

use super::Key;
use super::influence::{CascadeKind, InfluenceGraph};
use crate::rng::{SimRng, stream_rng, uniform};
use rayon::prelude::*;

/// RR sets per random stream.
pub const BLOCK: usize = 4096;

/// IMM's accuracy parameters.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ImmParams {
    /// ε: the seeds' spread is at least (1 − 1/e − ε) × the best (0 < ε < 1).
    pub epsilon: f64,
    /// ℓ: the guarantee holds with probability at least 1 − n^−ℓ (ℓ > 0).
    pub ell: f64,
}

impl Default for ImmParams {
    fn default() -> Self {
        Self { epsilon: 0.1, ell: 1.0 }
    }
}

/// A collection of RR sets, flat.
#[derive(Debug, Clone, Default)]
pub struct RrSets {
    nodes: Vec<u32>,
    /// Where set i ends in `nodes` (set i starts where set i − 1 ends).
    ends: Vec<u64>,
}

impl RrSets {
    /// Number of sets.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Set i.
    pub fn set(&self, i: usize) -> &[u32] {
        let s = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.nodes[s..self.ends[i] as usize]
    }

    /// Total number of entries (the sum of the sets' sizes).
    pub fn entries(&self) -> usize {
        self.nodes.len()
    }

    /// Memory the sets take, in bytes (their sizes, not the vectors' spare capacity:
    /// the same on any number of threads).
    pub fn memory_bytes(&self) -> usize {
        self.nodes.len() * 4 + self.ends.len() * 8
    }

    /// Adds sets until there are at least `target`, in whole blocks, block b drawn
    /// from stream `(rng_seed, stream_base + b)`.
    pub fn extend_to(&mut self, g: &InfluenceGraph, target: usize, rng_seed: u64, stream_base: u64) {
        let have_blocks = self.len().div_ceil(BLOCK);
        let want_blocks = target.div_ceil(BLOCK);
        if want_blocks <= have_blocks {
            return;
        }
        let n = g.node_count();
        self.ends.reserve((want_blocks - have_blocks) * BLOCK);
        // In batches, so that the blocks waiting to be appended stay a small part of
        // the whole (peak memory), each batch appended in block order.
        let batch = 16 * rayon::current_num_threads().max(1);
        let mut from = have_blocks;
        while from < want_blocks {
            let to = (from + batch).min(want_blocks);
            let blocks: Vec<(Vec<u32>, Vec<u32>)> = (from..to)
                .into_par_iter()
                .map_init(
                    || (vec![0u32; n], 0u32),
                    |(stamp, mark), b| {
                        let mut rng = stream_rng(rng_seed, stream_base + b as u64);
                        let mut nodes = Vec::with_capacity(BLOCK * 2);
                        let mut lens = Vec::with_capacity(BLOCK);
                        for _ in 0..BLOCK {
                            *mark = mark.wrapping_add(1);
                            if *mark == 0 {
                                stamp.fill(0);
                                *mark = 1;
                            }
                            let start = nodes.len();
                            rr_set(g, &mut rng, stamp, *mark, &mut nodes);
                            lens.push((nodes.len() - start) as u32);
                        }
                        (nodes, lens)
                    },
                )
                .collect();
            if self.nodes.capacity() == self.nodes.len() {
                // Room for the rest at this batch's rate of entries per set.
                let per_set = blocks.iter().map(|b| b.0.len()).sum::<usize>() as f64 / ((to - from) * BLOCK) as f64;
                self.nodes.reserve((per_set * 1.05 * ((want_blocks - from) * BLOCK) as f64) as usize);
            }
            for (nodes, lens) in blocks {
                let mut end = self.nodes.len() as u64;
                self.nodes.extend_from_slice(&nodes);
                for l in lens {
                    end += l as u64;
                    self.ends.push(end);
                }
            }
            from = to;
        }
    }
}

/// Appends one random RR set to `out`: a uniform root, then everyone who reaches it
/// through live arcs (each arc's coin flipped when first looked at, which is the same
/// as flipping every coin up front).
fn rr_set(g: &InfluenceGraph, rng: &mut SimRng, stamp: &mut [u32], mark: u32, out: &mut Vec<u32>) {
    let n = g.node_count() as u64;
    let root = crate::rng::below(rng, n) as u32;
    let start = out.len();
    out.push(root);
    stamp[root as usize] = mark;
    match g.kind() {
        CascadeKind::IndependentCascade => {
            let mut i = start;
            while i < out.len() {
                let v = out[i];
                i += 1;
                let (sources, probs) = g.incoming(v);
                // One draw decides whether any arc into v is live (most often none
                // is); if some is, the first live arc is found by inverting its
                // distribution given that one is, and the arcs after it flip their own
                // coins. The same law as a coin per arc, with a fifth of the draws at p = 1%.
                let none = g.none_live(v);
                let x = uniform(rng);
                if x < none || sources.is_empty() {
                    continue;
                }
                // The first live arc i: the first at which Π_{j≤i} (1 − p_j) < 1 − x + none.
                let target = 1.0 - x + none;
                let mut survive = 1.0;
                let mut first = sources.len() - 1;
                for (i, &p) in probs.iter().enumerate() {
                    survive *= 1.0 - p as f64;
                    if survive < target {
                        first = i;
                        break;
                    }
                }
                let mut visit = |u: u32| {
                    if stamp[u as usize] != mark {
                        stamp[u as usize] = mark;
                        out.push(u);
                    }
                };
                visit(sources[first]);
                for (&u, &p) in sources[first + 1..].iter().zip(&probs[first + 1..]) {
                    if uniform(rng) < p as f64 {
                        visit(u);
                    }
                }
            }
        }
        CascadeKind::LinearThreshold => {
            // A reverse random walk: each person's one live incoming arc, until it
            // returns to someone already in the set or stops.
            let mut v = root;
            while let Some(u) = g.lt_choice(v, uniform(rng)) {
                if stamp[u as usize] == mark {
                    break;
                }
                stamp[u as usize] = mark;
                out.push(u);
                v = u;
            }
        }
    }
}

/// Greedy maximum coverage of RR sets: the seeds in the order chosen and the sets
/// covered after each.
#[derive(Debug, Clone, PartialEq)]
pub struct Cover {
    /// The seeds, in the order greedy chose them.
    pub seeds: Vec<u32>,
    /// RR sets covered by the first i + 1 seeds.
    pub covered: Vec<usize>,
}

/// Greedy maximum coverage of `sets` by at most `k` people, each of whom `cost`
/// prices, within `budget` (None: no budget; the count alone limits).
///
/// Without costs: the person covering the most uncovered sets, k times (ties to the
/// lower id), which covers at least 1 − 1/e of the best k. With a budget: the better
/// of the unit-cost greedy (most new sets among those that fit) and the cost-benefit
/// greedy (most new sets per unit of cost), at least ½(1 − 1/e) of the best within
/// the budget (Leskovec et al. 2007, after Khuller, Moss & Naor 1999).
pub fn greedy_cover(sets: &RrSets, n: usize, k: usize, cost: Option<(&[f64], f64)>) -> Cover {
    let index = Inverted::new(sets, n);
    match cost {
        None => index.greedy(sets, k, None, false),
        Some((c, budget)) => {
            let unit = index.greedy(sets, k, Some((c, budget)), false);
            let ratio = index.greedy(sets, k, Some((c, budget)), true);
            let total = |x: &Cover| x.covered.last().copied().unwrap_or(0);
            if total(&ratio) > total(&unit) { ratio } else { unit }
        }
    }
}

/// Which sets each person is in.
struct Inverted {
    offsets: Vec<u64>,
    sets: Vec<u32>,
}

impl Inverted {
    fn new(rr: &RrSets, n: usize) -> Self {
        let mut offsets = vec![0u64; n + 1];
        for &v in &rr.nodes {
            offsets[v as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut fill: Vec<u64> = offsets[..n].to_vec();
        let mut sets = vec![0u32; rr.nodes.len()];
        for i in 0..rr.len() {
            for &v in rr.set(i) {
                sets[fill[v as usize] as usize] = i as u32;
                fill[v as usize] += 1;
            }
        }
        Self { offsets, sets }
    }

    fn of(&self, v: usize) -> &[u32] {
        &self.sets[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    /// Lazy greedy (coverage is submodular: a person's count of uncovered sets only
    /// falls, so a popped entry whose count is current is the maximum).
    fn greedy(&self, rr: &RrSets, k: usize, cost: Option<(&[f64], f64)>, per_cost: bool) -> Cover {
        use std::collections::BinaryHeap;
        let n = self.offsets.len() - 1;
        let mut count: Vec<u32> = (0..n).map(|v| (self.offsets[v + 1] - self.offsets[v]) as u32).collect();
        let key = |c: u32, v: usize| -> f64 {
            match cost {
                Some((costs, _)) if per_cost => c as f64 / costs[v].max(1e-12),
                _ => c as f64,
            }
        };
        // (key, reversed id): the largest key first, then the lowest id.
        let mut heap: BinaryHeap<(Key, std::cmp::Reverse<u32>)> =
            (0..n).map(|v| (Key(key(count[v], v)), std::cmp::Reverse(v as u32))).collect();
        let mut covered = vec![false; rr.len()];
        let mut left = cost.map_or(f64::INFINITY, |(_, b)| b);
        let mut out = Cover { seeds: Vec::new(), covered: Vec::new() };
        let mut total = 0usize;
        while out.seeds.len() < k {
            let Some((Key(kv), std::cmp::Reverse(v))) = heap.pop() else { break };
            let v = v as usize;
            if let Some((costs, _)) = cost
                && costs[v] > left + 1e-9
            {
                continue; // never fits again: what is left only shrinks
            }
            let current = key(count[v], v);
            if current < kv {
                heap.push((Key(current), std::cmp::Reverse(v as u32)));
                continue;
            }
            out.seeds.push(v as u32);
            if let Some((costs, _)) = cost {
                left -= costs[v];
            }
            for &s in self.of(v) {
                if !covered[s as usize] {
                    covered[s as usize] = true;
                    total += 1;
                    for &w in rr.set(s as usize) {
                        count[w as usize] -= 1;
                    }
                }
            }
            out.covered.push(total);
        }
        out
    }
}

/// What IMM chose and what it cost to choose it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImmResult {
    /// The seeds, in the order greedy chose them.
    pub seeds: Vec<u32>,
    /// IMM's estimate of the seeds' expected spread under the cascade model, n × the
    /// share of the final RR sets they cover.
    pub estimated_spread: f64,
    /// The lower bound on the best spread that set θ.
    pub lower_bound: f64,
    /// RR sets drawn in the sampling phase.
    pub sampling_sets: usize,
    /// RR sets the seeds were chosen on (θ).
    pub theta: usize,
    /// Their total size.
    pub entries: usize,
    /// Peak memory of the RR sets and their index, bytes (an estimate from their sizes).
    pub memory_bytes: usize,
}

/// Streams of the sampling phase start here; the final sets' streams at 2^32 + this.
const STREAM_SAMPLING: u64 = 0x1000_0000_0000;

/// IMM: at most `k` seeds (within `cost`'s budget, if any) whose spread under `g`'s
/// cascade model is at least (1 − 1/e − ε) of the best with probability 1 − n^−ℓ
/// (½(1 − 1/e) − ε within a budget).
pub fn imm(g: &InfluenceGraph, k: usize, params: ImmParams, cost: Option<(&[f64], f64)>, rng_seed: u64) -> ImmResult {
    let n = g.node_count();
    let k = k.min(n);
    if n == 0 || k == 0 {
        return ImmResult {
            seeds: Vec::new(),
            estimated_spread: 0.0,
            lower_bound: 0.0,
            sampling_sets: 0,
            theta: 0,
            entries: 0,
            memory_bytes: 0,
        };
    }
    let nf = (n as f64).max(2.0);
    let ln_n = nf.ln();
    let ell = params.ell * (1.0 + std::f64::consts::LN_2 / ln_n);
    let eps = params.epsilon;
    let eps1 = std::f64::consts::SQRT_2 * eps;
    let ln_nk = statrs::function::factorial::ln_binomial(n as u64, k as u64);
    let lambda1 = (2.0 + 2.0 / 3.0 * eps1) * (ln_nk + ell * ln_n + nf.log2().ln()) * nf / (eps1 * eps1);
    let mut sets = RrSets::default();
    let mut lower_bound = 1.0f64;
    let mut peak = 0usize;
    let rounds = nf.log2().floor() as i32;
    for i in 1..rounds {
        let x = nf / 2f64.powi(i);
        let theta_i = (lambda1 / x).ceil() as usize;
        sets.extend_to(g, theta_i, rng_seed, STREAM_SAMPLING);
        let cover = greedy_cover(&sets, n, k, cost);
        peak = peak.max(sets.memory_bytes() + sets.entries() * 4 + (n + 1) * 8);
        let f = cover.covered.last().copied().unwrap_or(0) as f64 / sets.len() as f64;
        if nf * f >= (1.0 + eps1) * x {
            lower_bound = nf * f / (1.0 + eps1);
            break;
        }
    }
    let sampling_sets = sets.len();
    drop(sets);
    let e1 = 1.0 - (-1.0f64).exp();
    let alpha = (ell * ln_n + std::f64::consts::LN_2).sqrt();
    let beta = (e1 * (ln_nk + ell * ln_n + std::f64::consts::LN_2)).sqrt();
    let lambda_star = 2.0 * nf * (e1 * alpha + beta).powi(2) / (eps * eps);
    let theta = ((lambda_star / lower_bound).ceil() as usize).max(1);
    let mut fresh = RrSets::default();
    fresh.extend_to(g, theta, rng_seed, STREAM_SAMPLING + (1 << 32));
    let cover = greedy_cover(&fresh, n, k, cost);
    peak = peak.max(fresh.memory_bytes() + fresh.entries() * 4 + (n + 1) * 8);
    let covered = cover.covered.last().copied().unwrap_or(0) as f64;
    ImmResult {
        estimated_spread: n as f64 * covered / fresh.len() as f64,
        seeds: cover.seeds,
        lower_bound,
        sampling_sets,
        theta: fresh.len(),
        entries: fresh.entries(),
        memory_bytes: peak,
    }
}

/// The expected spread of `seeds` estimated on `count` fresh RR sets (stream base
/// `stream`): n × the share they cover, and its standard error n √(F(1 − F)/count).
pub fn estimate_spread(g: &InfluenceGraph, seeds: &[u32], count: usize, rng_seed: u64, stream: u64) -> (f64, f64) {
    let n = g.node_count();
    let mut sets = RrSets::default();
    sets.extend_to(g, count, rng_seed, stream);
    let mut is_seed = vec![false; n];
    for &s in seeds {
        is_seed[s as usize] = true;
    }
    let hit = (0..sets.len()).filter(|&i| sets.set(i).iter().any(|&v| is_seed[v as usize])).count();
    let f = hit as f64 / sets.len() as f64;
    (n as f64 * f, n as f64 * (f * (1.0 - f) / sets.len() as f64).sqrt())
}
