//! What a run is asked to do: the cycle time and its sampler, the seed users, the
//! run configuration and the progress callback's record.

use super::*;

/// How the delay between joining and one's invitees joining is distributed.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelayDistribution {
    /// Geometric on 1, 2, 3, ... days with the given mean (memoryless response).
    Geometric,
    /// Exactly the mean (rounded to whole days): generations move in lockstep, as in
    /// the viral-loop formula.
    Fixed,
    /// Heavy-tailed: a lognormal delay X with the given mean and log-scale `sigma`
    /// (ln X ~ Normal(ln mean − σ²/2, σ²)), rounded to whole days and at least one
    /// (most people respond within a day or two, a few weeks later; Doerr, Blenn &
    /// Van Mieghem 2013 measured lognormal infection times on Digg).
    Lognormal {
        /// Standard deviation of ln X.
        sigma: f64,
    },
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
    pub(super) fn sampler(&self) -> DelaySampler {
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
            DelayDistribution::Lognormal { sigma } => {
                DelaySampler::Lognormal { mu: self.mean_days.max(1.0).ln() - sigma * sigma / 2.0, sigma }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum DelaySampler {
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
    /// max(1, round(exp(mu + sigma Z))) with Z standard normal.
    Lognormal {
        mu: f64,
        sigma: f64,
    },
}

impl DelaySampler {
    /// The delay that the 64-bit draw `word` gives: by the inverse CDF (geometric:
    /// the skip table, or 1 + floor(−ln V × scale) with V = (2^64 − word) / 2^64 in
    /// (0, 1]); lognormal by Box–Muller from the word's two halves, each a uniform in
    /// (0, 1]. A keyed draw ([`crate::rng::keyed`]) makes a conversion's delay a
    /// function of who invited whom (common random numbers).
    #[inline]
    pub(super) fn sample_word(&self, word: u64) -> u32 {
        match self {
            DelaySampler::Fixed(d) => *d,
            DelaySampler::Geometric { table: Some(table), .. } => {
                1 + table.skip_of(word).min(u32::MAX as usize / 2) as u32
            }
            DelaySampler::Geometric { scale, table: None } => {
                let v = ((!word) as f64 + 1.0) * (1.0 / 18_446_744_073_709_551_616.0);
                1 + (-v.ln() * scale).min(u32::MAX as f64 / 2.0) as u32
            }
            DelaySampler::Lognormal { mu, sigma } => {
                let half = |x: u64| ((x & 0xFFFF_FFFF) as f64 + 1.0) * (1.0 / 4_294_967_296.0);
                let (u1, u2) = (half(word >> 32), half(word));
                let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                (mu + sigma * z).exp().round().clamp(1.0, u32::MAX as f64 / 2.0) as u32
            }
        }
    }

    #[inline]
    pub(super) fn sample(&self, rng: &mut SimRng) -> u32 {
        match self {
            DelaySampler::Fixed(d) => *d,
            DelaySampler::Geometric { table: Some(table), .. } => 1 + table.skip(rng).min(u32::MAX as usize / 2) as u32,
            DelaySampler::Geometric { scale, table: None } => {
                let extra = rng.sample::<f64, _>(Exp1) * scale;
                1 + extra.min(u32::MAX as f64 / 2.0) as u32
            }
            DelaySampler::Lognormal { mu, sigma } => {
                let z: f64 = rng.sample(rand_distr::StandardNormal);
                (mu + sigma * z).exp().round().clamp(1.0, u32::MAX as f64 / 2.0) as u32
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
    /// The campaign's last day (campaigns only): nobody joins after it, and a run is
    /// not censored by what would have happened after it. None: the campaign lasts
    /// the whole horizon.
    pub end_day: Option<u32>,
    /// People's group chats, for a campaign with a group channel (None: no groups).
    #[serde(skip)]
    pub membership: Option<std::sync::Arc<crate::graph::groups::Membership>>,
    /// An official account that pushes the campaign to its followers (campaigns only).
    pub official_account: Option<crate::model::OfficialAccount>,
}

/// Progress of an ensemble, reported after each run.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// Runs finished.
    pub runs_done: u64,
    /// Runs requested.
    pub runs_total: u64,
}
