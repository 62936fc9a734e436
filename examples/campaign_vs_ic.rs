//! What the campaign behaviour model costs against the uniform independent cascade on
//! the same graph and at the same mean reach, one thread. The independent cascade's
//! probability is found by bisection so that its mean reach matches the campaign's.
//!
//! Usage: `cargo run --release --example campaign_vs_ic [-- RUNS]` (default 200 runs;
//! each side is timed five times, alternating, and its fastest time kept).
//! Prints a Markdown table (used by `scripts/bench` and docs/PERFORMANCE.md).

use fission::engine::{CycleTime, DelayDistribution, Ensemble, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, NodeId, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, DirectChannel, EdgeProbability, Levers, MomentsChannel};
use std::time::Instant;

/// Extra timings of each side, alternating.
const REPEATS: usize = 4;

fn mean_reach(e: &Ensemble) -> f64 {
    e.outcomes.iter().map(|o| o.reach as f64).sum::<f64>() / e.runs as f64
}

fn timed(g: &SocialGraph, cfg: &RunConfig) -> (f64, Ensemble) {
    let start = Instant::now();
    let e = run_ensemble(g, cfg, &|_| {}).expect("the configuration fits the graph");
    (start.elapsed().as_secs_f64() / cfg.runs as f64, e)
}

/// `g` with each tie's strength drawn uniformly on [0, 1] (a weighted edge list's many
/// distinct strengths: the campaign computes conversions from them, with no class table).
fn with_random_strengths(g: &SocialGraph) -> SocialGraph {
    let mut pg = petgraph::Graph::<(), f32, petgraph::Undirected>::new_undirected();
    let nodes: Vec<_> = (0..g.node_count()).map(|_| pg.add_node(())).collect();
    for u in 0..g.node_count() {
        for &v in g.neighbours(NodeId(u as u32)) {
            if v as usize > u {
                let bits = fission::rng::splitmix64(((u as u64) << 32) | v as u64) >> 40;
                pg.add_edge(nodes[u], nodes[v as usize], bits as f32 / (1u64 << 24) as f32);
            }
        }
    }
    SocialGraph::from_petgraph(&pg, true, None).expect("the graph fits")
}

fn main() {
    let runs: usize = std::env::args().nth(1).map_or(200, |s| s.parse().expect("RUNS is a number"));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool builds");
    let graphs = [
        (
            "Erdős–Rényi n=100,000, ⟨k⟩=10, no tie strengths",
            GraphSpec {
                model: GraphModel::ErdosRenyi { nodes: 100_000, mean_degree: 10.0 },
                tie_strength: TieStrengths::default(),
            },
        ),
        (
            "Qixi stochastic block n=30,000 (tie strengths 0.8/0.2)",
            GraphSpec {
                model: GraphModel::StochasticBlock {
                    block_sizes: vec![1000; 30],
                    within_degree: 12.0,
                    between_degree: 3.0,
                },
                tie_strength: TieStrengths { strong: 0.8, weak: 0.2 },
            },
        ),
    ];
    let levers = Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 };
    let channels = Channels {
        direct: Some(DirectChannel { invites_per_sharer: 6.0, attention: 0.6 }),
        moments: Some(MomentsChannel { reach: 0.15, attention: 0.12 }),
    };
    let base = |behaviour: Behaviour, runs: usize| RunConfig {
        behaviour,
        cycle_time: CycleTime { mean_days: 1.0, distribution: DelayDistribution::Geometric },
        seeding: Seeding::Random { count: 20 },
        runs,
        days: 120,
        rng_seed: 5,
    };
    println!(
        "| graph | campaign ms/run | campaign mean reach | invitations/run | IC p (same reach) | IC ms/run | IC mean reach | campaign / IC |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut graphs: Vec<(&str, SocialGraph)> =
        graphs.into_iter().map(|(name, spec)| (name, spec.generate(1).expect("the graph generates"))).collect();
    graphs.push(("The same Erdős–Rényi graph, tie strengths uniform on [0, 1]", with_random_strengths(&graphs[0].1)));
    for (name, g) in graphs {
        pool.install(|| {
            let campaign = base(Behaviour::Campaign { levers, coefficients: Coefficients::default(), channels }, runs);
            let (mut tc, ec) = timed(&g, &campaign);
            let target = mean_reach(&ec);
            let invitations = ec.outcomes.iter().map(|o| o.invitations as f64).sum::<f64>() / runs as f64;
            let ic = |p: f64, runs: usize| {
                base(Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, runs)
            };
            let (mut lo, mut hi) = (0.0f64, 1.0f64);
            for _ in 0..16 {
                let mid = 0.5 * (lo + hi);
                let e = run_ensemble(&g, &ic(mid, 100), &|_| {}).expect("the configuration fits the graph");
                if mean_reach(&e) < target { lo = mid } else { hi = mid }
            }
            let p = 0.5 * (lo + hi);
            let (mut ti, ei) = timed(&g, &ic(p, runs));
            // Alternate further repetitions and keep each side's fastest, so that a
            // slow spell of a shared machine does not land on one side only.
            for _ in 0..REPEATS {
                tc = tc.min(timed(&g, &campaign).0);
                ti = ti.min(timed(&g, &ic(p, runs)).0);
            }
            println!(
                "| {name} | {:.3} | {:.0} | {:.0} | {:.4} | {:.3} | {:.0} | {:.2} |",
                tc * 1e3,
                target,
                invitations,
                p,
                ti * 1e3,
                mean_reach(&ei),
                tc / ti
            );
        });
    }
}
