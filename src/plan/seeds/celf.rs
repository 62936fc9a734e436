//! The Monte Carlo greedy of Kempe, Kleinberg & Tardos (2003) with the lazy
//! evaluations of CELF (Leskovec et al. 2007): the yardstick IMM is measured against.
//!
//! σ(S) is estimated on R live-edge worlds (Kempe et al.'s equivalence: a run of the
//! cascade is reachability in a random graph keeping each arc with its probability,
//! or for the linear threshold model one incoming arc per person). The worlds are
//! fixed for the whole selection (common random numbers across candidates, as in
//! StaticGreedy, Cheng et al. 2013), and no world is stored: world j's coin for arc a
//! is a hash of (j, a). Each candidate's marginal gain is the mean, over the worlds,
//! of the people it reaches that the chosen seeds do not; the seeds' reach in every
//! world is kept as a bitset. Greedy's (1 − 1/e) holds for the estimate σ̂, which
//! converges to σ as R grows (R = 10,000 in Kempe et al.).

use super::influence::{CascadeKind, InfluenceGraph};
use crate::graph::{NodeId, SocialGraph};
use crate::rng::{derive_seed, splitmix64};
use rayon::prelude::*;

/// What CELF chose.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CelfResult {
    /// The seeds, in the order chosen.
    pub seeds: Vec<u32>,
    /// σ̂ of the first i + 1 seeds (mean reach over the worlds).
    pub spread: Vec<f64>,
    /// Marginal-gain evaluations (each one R world searches).
    pub evaluations: usize,
}

struct Worlds<'a> {
    graph: &'a SocialGraph,
    model: &'a InfluenceGraph,
    /// Per arc: the coin threshold in 53-bit units (independent cascade).
    threshold: Vec<u64>,
    keys: Vec<u64>,
}

#[inline]
fn unit53(x: u64) -> u64 {
    x >> 11
}

impl Worlds<'_> {
    /// Whether arc `arc` (u → v) is live in world `j`.
    #[inline]
    fn live(&self, j: usize, u: u32, v: u32, arc: usize) -> bool {
        match self.model.kind() {
            CascadeKind::IndependentCascade => unit53(splitmix64(self.keys[j] ^ arc as u64)) < self.threshold[arc],
            CascadeKind::LinearThreshold => {
                let x = unit53(splitmix64(self.keys[j] ^ ((v as u64) << 32) ^ 0x5eed)) as f64 / (1u64 << 53) as f64;
                self.model.lt_choice(v, x) == Some(u)
            }
        }
    }

    /// Searches world `j` from `root`, through people not in `reached`: how many it
    /// finds (they are left in `scratch.queue`).
    fn search(&self, j: usize, root: u32, reached: &[u64], scratch: &mut Search) -> usize {
        let is = |r: &[u64], v: u32| r[v as usize / 64] >> (v % 64) & 1 == 1;
        scratch.queue.clear();
        if is(reached, root) {
            return 0;
        }
        scratch.next();
        let mark = scratch.mark;
        scratch.queue.push(root);
        scratch.stamp[root as usize] = mark;
        let mut i = 0;
        while i < scratch.queue.len() {
            let u = scratch.queue[i];
            i += 1;
            let first = self.graph.first_arc(NodeId(u));
            for (o, &v) in self.graph.neighbours(NodeId(u)).iter().enumerate() {
                if scratch.stamp[v as usize] != mark && !is(reached, v) && self.live(j, u, v, first + o) {
                    scratch.stamp[v as usize] = mark;
                    scratch.queue.push(v);
                }
            }
        }
        scratch.queue.len()
    }
}

struct Search {
    stamp: Vec<u32>,
    mark: u32,
    queue: Vec<u32>,
}

impl Search {
    fn new(n: usize) -> Self {
        Self { stamp: vec![0; n], mark: 0, queue: Vec::new() }
    }
    fn next(&mut self) {
        self.mark = self.mark.wrapping_add(1);
        if self.mark == 0 {
            self.stamp.fill(0);
            self.mark = 1;
        }
    }
}

/// CELF greedy: `k` seeds on `worlds` live-edge worlds drawn from `rng_seed`.
///
/// # Complexity
/// Memory R × n / 8 bytes for the reached sets (10,000 worlds of 10,000 people:
/// 12.5 MB); time R × (n + the lazy re-evaluations) searches.
pub fn celf(graph: &SocialGraph, model: &InfluenceGraph, k: usize, worlds: usize, rng_seed: u64) -> CelfResult {
    use std::collections::BinaryHeap;
    let n = graph.node_count();
    let k = k.min(n);
    let w = Worlds {
        graph,
        model,
        threshold: model.forward().iter().map(|&p| (p as f64 * (1u64 << 53) as f64) as u64).collect(),
        keys: (0..worlds as u64).map(|j| derive_seed(rng_seed, 0xCE1F_0000_0000 + j)).collect(),
    };
    let words = n.div_ceil(64);
    let mut reached = vec![0u64; words * worlds];
    let gain = |v: u32, reached: &[u64]| -> u64 {
        reached.par_chunks(words).enumerate().map_init(|| Search::new(n), |s, (j, r)| w.search(j, v, r, s) as u64).sum()
    };
    // First pass: every candidate's spread, in parallel over candidates.
    let empty = vec![0u64; words];
    let first: Vec<u64> = (0..n as u32)
        .into_par_iter()
        .map_init(|| Search::new(n), |s, v| (0..worlds).map(|j| w.search(j, v, &empty, s) as u64).sum())
        .collect();
    let mut evaluations = n;
    let mut heap: BinaryHeap<(u64, std::cmp::Reverse<u32>, usize)> =
        first.iter().enumerate().map(|(v, &g)| (g, std::cmp::Reverse(v as u32), 0)).collect();
    let mut out = CelfResult { seeds: Vec::new(), spread: Vec::new(), evaluations: 0 };
    let mut total = 0u64;
    while out.seeds.len() < k {
        let Some((g, std::cmp::Reverse(v), round)) = heap.pop() else { break };
        if round < out.seeds.len() {
            let fresh = gain(v, &reached);
            evaluations += 1;
            heap.push((fresh, std::cmp::Reverse(v), out.seeds.len()));
            continue;
        }
        total += g;
        out.seeds.push(v);
        out.spread.push(total as f64 / worlds as f64);
        reached.par_chunks_mut(words).enumerate().for_each_init(
            || Search::new(n),
            |s, (j, r)| {
                w.search(j, v, r, s);
                for &x in &s.queue {
                    r[x as usize / 64] |= 1 << (x % 64);
                }
            },
        );
    }
    out.evaluations = evaluations;
    out
}

/// The expected spread of `seeds` by forward simulation: the mean number reached over
/// `worlds` live-edge worlds drawn from `rng_seed` (independent of CELF's), with its
/// standard error.
pub fn simulate_spread(
    graph: &SocialGraph,
    model: &InfluenceGraph,
    seeds: &[u32],
    worlds: usize,
    rng_seed: u64,
) -> (f64, f64) {
    let w = Worlds {
        graph,
        model,
        threshold: model.forward().iter().map(|&p| (p as f64 * (1u64 << 53) as f64) as u64).collect(),
        keys: (0..worlds as u64).map(|j| derive_seed(rng_seed, 0x5111_0000_0000 + j)).collect(),
    };
    let n = graph.node_count();
    let empty = vec![0u64; n.div_ceil(64)];
    let (sum, sum_sq) = (0..worlds)
        .into_par_iter()
        .map_init(
            || (Search::new(n), vec![0u64; n.div_ceil(64)]),
            |(s, reached), j| {
                // The seeds one after another, each searching past those reached.
                reached.copy_from_slice(&empty);
                let mut total = 0u64;
                for &v in seeds {
                    total += w.search(j, v, reached, s) as u64;
                    for &x in &s.queue {
                        reached[x as usize / 64] |= 1 << (x % 64);
                    }
                }
                (total as f64, (total * total) as f64)
            },
        )
        .reduce(|| (0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let m = sum / worlds as f64;
    let var = (sum_sq / worlds as f64 - m * m).max(0.0);
    (m, (var / worlds as f64).sqrt())
}
