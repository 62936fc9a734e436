//! Choosing seed users: the strategies of `[seeding] strategy` and `fission seeds`.
//!
//! | file | what |
//! |---|---|
//! | `influence.rs` | the cascade model seeds are chosen for (arc probabilities, reversed) |
//! | `heuristics.rs` | highest degree, degree discount, communities by label propagation |
//! | `imm.rs` | IMM: reverse-influence sampling with its (1 − 1/e − ε) guarantee |
//! | `celf.rs` | the Monte Carlo greedy with CELF's lazy evaluations (the yardstick) |
//!
//! Every strategy but `random` chooses its seeds once, before the runs, from the graph
//! and the scenario's seed; the runs then start from the same people.

pub mod celf;
pub mod heuristics;
pub mod imm;
pub mod influence;

pub use imm::{ImmParams, ImmResult};
pub use influence::{ArcRule, CascadeKind, InfluenceGraph};

use crate::graph::{NodeId, SocialGraph};

/// How seed users are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Uniformly at random, anew in every run.
    Random,
    /// The most friends first.
    HighestDegree,
    /// Degree discount (Chen, Wang & Yang 2009).
    DegreeDiscount,
    /// Spread across the graph's communities, best-connected first in each.
    Community,
    /// IMM influence maximisation under a cascade model (Tang, Shi & Xiao 2015).
    InfluenceMax,
    /// The Monte Carlo greedy with CELF (Kempe et al. 2003; Leskovec et al. 2007): slow,
    /// the yardstick of `fission seeds`, not a scenario strategy.
    Celf,
}

impl Strategy {
    /// The scenario strategies, in the order `fission seeds` shows them.
    pub const SCENARIO: [Strategy; 5] = [
        Strategy::Random,
        Strategy::HighestDegree,
        Strategy::DegreeDiscount,
        Strategy::Community,
        Strategy::InfluenceMax,
    ];

    /// The name in scenarios and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::HighestDegree => "highest-degree",
            Strategy::DegreeDiscount => "degree-discount",
            Strategy::Community => "community",
            Strategy::InfluenceMax => "influence-max",
            Strategy::Celf => "celf",
        }
    }

    /// The strategy of a name.
    pub fn parse(name: &str) -> Option<Strategy> {
        Self::SCENARIO.into_iter().chain([Strategy::Celf]).find(|s| s.name() == name)
    }

    /// Whether it uses the cascade model (its probabilities).
    pub fn uses_model(self) -> bool {
        matches!(self, Strategy::DegreeDiscount | Strategy::InfluenceMax | Strategy::Celf)
    }
}

/// What seed users cost: a fixed amount each plus an amount per friend (well-connected
/// people cost more), within an optional budget.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct SeedCost {
    /// Per seed user, in currency units.
    pub per_seed: f64,
    /// Per friend of a seed user (out-degree), in currency units.
    pub per_friend: f64,
    /// The most the seed users may cost together (None: no limit; the count limits).
    pub budget: Option<f64>,
}

impl SeedCost {
    /// Whether seeds cost anything.
    pub fn is_free(&self) -> bool {
        self.per_seed == 0.0 && self.per_friend == 0.0
    }

    /// What person `v` costs.
    pub fn of(&self, graph: &SocialGraph, v: u32) -> f64 {
        self.per_seed + self.per_friend * graph.degree(NodeId(v)) as f64
    }

    /// Everyone's cost, if a budget limits the choice.
    fn table(&self, graph: &SocialGraph) -> Option<Vec<f64>> {
        self.budget.map(|_| (0..graph.node_count() as u32).map(|v| self.of(graph, v)).collect())
    }
}

/// The cascade model seeds are chosen for.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SelectionModel {
    /// Independent cascade or linear threshold.
    pub kind: CascadeKind,
    /// The arcs' probabilities or weights.
    pub rule: ArcRule,
}

/// A strategy with everything it needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeedPlan {
    /// How.
    pub strategy: Strategy,
    /// How many (at most, under a budget).
    pub count: usize,
    /// The cascade model of degree discount, IMM and CELF.
    pub model: SelectionModel,
    /// IMM's ε and ℓ.
    pub imm: ImmParams,
    /// What seed users cost.
    pub cost: SeedCost,
    /// Live-edge worlds of the CELF greedy.
    pub celf_worlds: usize,
}

/// The seeds a strategy chose, and what choosing them took.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Selection {
    /// The strategy.
    pub strategy: Strategy,
    /// The seeds (dense ids), in the order chosen.
    pub seeds: Vec<u32>,
    /// What they cost together.
    pub cost: f64,
    /// Communities found (the community strategy).
    pub communities: Option<usize>,
    /// IMM's figures (the influence-max strategy).
    pub imm: Option<ImmResult>,
    /// CELF's estimate of the spread of its first 1, 2, ... seeds under the selection
    /// model (empty for the other strategies).
    pub celf_spread: Vec<f64>,
    /// Seconds the choice took.
    pub seconds: f64,
}

impl Selection {
    /// CELF's estimate for its first `k` seeds (its greedy order is nested).
    pub fn celf_spread_at(&self, k: usize) -> Option<f64> {
        k.checked_sub(1).and_then(|i| self.celf_spread.get(i)).copied()
    }
}

/// Chooses seeds by `plan` on `graph` (every strategy but `random`, which the engine
/// draws anew in each run: for it, the seeds are empty).
pub fn choose(graph: &SocialGraph, plan: &SeedPlan, rng_seed: u64) -> Selection {
    let started = std::time::Instant::now();
    let costs = plan.cost.table(graph);
    let cost = costs.as_deref().zip(plan.cost.budget);
    let k = plan.count.min(graph.node_count());
    let mut communities = None;
    let mut imm = None;
    let mut celf_spread = Vec::new();
    let model = || InfluenceGraph::new(graph, plan.model.kind, plan.model.rule);
    let seeds = match plan.strategy {
        Strategy::Random => Vec::new(),
        Strategy::HighestDegree => heuristics::highest_degree(graph, k, cost),
        Strategy::DegreeDiscount => {
            let p = match plan.model.rule {
                ArcRule::Uniform(p) => p,
                _ => model().mean_value(),
            };
            heuristics::degree_discount(graph, k, p, cost)
        }
        Strategy::Community => {
            let (s, c) = heuristics::community(graph, k, rng_seed, cost);
            communities = Some(c);
            s
        }
        Strategy::InfluenceMax => {
            let r = imm::imm(&model(), k, plan.imm, cost, rng_seed);
            let s = r.seeds.clone();
            imm = Some(r);
            s
        }
        Strategy::Celf => {
            // (CELF takes no budget: it is the yardstick for the count alone.)
            let r = celf::celf(graph, &model(), k, plan.celf_worlds, rng_seed);
            celf_spread = r.spread;
            r.seeds
        }
    };
    let total = if plan.strategy == Strategy::Random {
        plan.cost.per_seed * k as f64
    } else {
        seeds.iter().map(|&v| plan.cost.of(graph, v)).sum()
    };
    Selection {
        strategy: plan.strategy,
        seeds,
        cost: total,
        communities,
        imm,
        celf_spread,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// A totally ordered f64 for the selection heaps (keys are finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Key(pub f64);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The numbers of seed users of `fission seeds --k`: `A..B` (every number when there
/// are at most 10, else 10 points from A to B, evenly spaced and rounded), `A..B:STEP`,
/// a list `1,5,10`, or one number.
///
/// ```
/// use fission::plan::seeds::parse_counts;
/// assert_eq!(parse_counts("1..5").unwrap(), vec![1, 2, 3, 4, 5]);
/// assert_eq!(parse_counts("1..50").unwrap(), vec![1, 6, 12, 17, 23, 28, 34, 39, 45, 50]);
/// assert_eq!(parse_counts("10..30:10").unwrap(), vec![10, 20, 30]);
/// assert_eq!(parse_counts("5,1,10").unwrap(), vec![1, 5, 10]);
/// assert!(parse_counts("0..5").is_err());
/// ```
pub fn parse_counts(spec: &str) -> Result<Vec<usize>, String> {
    let number = |t: &str| -> Result<usize, String> {
        match t.trim().parse::<usize>() {
            Ok(0) => Err(format!("{spec:?}: the number of seed users must be at least 1")),
            Ok(x) if x > 1_000_000 => Err(format!("{spec:?}: at most 1000000 seed users")),
            Ok(x) => Ok(x),
            Err(_) => Err(format!("{spec:?}: {t:?} is not a whole number (write A..B, A..B:STEP, or 1,5,10)")),
        }
    };
    let mut out = if let Some((a, rest)) = spec.split_once("..") {
        let (b, step) = match rest.split_once(':') {
            Some((b, s)) => (b, Some(number(s)?)),
            None => (rest, None),
        };
        let (a, b) = (number(a)?, number(b)?);
        if b < a {
            return Err(format!("{spec:?}: the range runs backwards ({a} > {b})"));
        }
        match step {
            Some(s) => (a..=b).step_by(s).chain(std::iter::once(b)).collect(),
            None if b - a < 10 => (a..=b).collect(),
            None => (0..10).map(|i| a + ((b - a) as f64 * i as f64 / 9.0).round() as usize).collect::<Vec<_>>(),
        }
    } else {
        spec.split(',').map(number).collect::<Result<Vec<_>, _>>()?
    };
    out.sort_unstable();
    out.dedup();
    if out.len() > 200 {
        return Err(format!("{spec:?}: {} points; at most 200", out.len()));
    }
    Ok(out)
}
