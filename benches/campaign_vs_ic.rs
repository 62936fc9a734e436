//! What the campaign behaviour model costs against the uniform independent cascade on
//! the same graph and at the same mean reach, one thread. The independent cascade's
//! probability is found by bisection so that its mean reach matches the campaign's.
//!
//! Each graph is run with a one-day cycle (both sides generation by generation) and
//! with the scenarios' default cycle, geometric with a mean of two days (both sides day
//! by day).
//!
//! Usage: `cargo bench --bench campaign_vs_ic [-- RUNS [PAIRS]]` (default 200
//! runs, 10 pairs). The two sides are timed alternately, PAIRS times each: the table
//! gives each side's fastest time and the median of the PAIRS paired ratios (campaign
//! / IC, each pair timed within seconds, so that a shared machine's slow spells cancel)
//! with their range. Prints a Markdown table (used by `scripts/bench` and
//! docs/PERFORMANCE.md).

use fission::engine::{CycleTime, DelayDistribution, Ensemble, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, DirectChannel, EdgeProbability, Levers, MomentsChannel};
use std::time::Instant;

fn mean_reach(e: &Ensemble) -> f64 {
    e.outcomes.iter().map(|o| o.reach as f64).sum::<f64>() / e.runs as f64
}

fn timed(g: &SocialGraph, cfg: &RunConfig) -> (f64, Ensemble) {
    let start = Instant::now();
    let e = run_ensemble(g, cfg, &|_| {}).expect("the configuration fits the graph");
    (start.elapsed().as_secs_f64() / cfg.runs as f64, e)
}

/// `g` with each tie's strength uniform on [0, 1] (by a hash of its ends): many
/// distinct strengths, as from an edge list's weight column, so campaigns bound each
/// conversion by the tie's cell of strength.
fn with_random_strengths(g: &SocialGraph) -> SocialGraph {
    g.with_strengths(|u, v| {
        (fission::rng::splitmix64(((u.0 as u64) << 32) | v.0 as u64) >> 40) as f32 / (1u64 << 24) as f32
    })
}

fn main() {
    // (`cargo bench` adds `--bench`; only the positional arguments count.)
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.first().map_or(200, |s| s.parse().expect("RUNS is a number"));
    let pairs: usize = args.get(1).map_or(10, |s| s.parse().expect("PAIRS is a number")).max(1);
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
        group: None,
        campaign_groups: None,
    };
    let base = |behaviour: Behaviour, runs: usize, mean_days: f64| RunConfig {
        behaviour,
        cycle_time: CycleTime { mean_days, distribution: DelayDistribution::Geometric },
        seeding: Seeding::Random { count: 20 },
        runs,
        days: 120,
        rng_seed: 5,
        end_day: None,
        membership: None,
        official_account: None,
    };
    println!(
        "| graph | cycle | campaign ms/run | campaign mean reach | invitations/run | IC p (same reach) | IC ms/run | IC mean reach | campaign / IC (median of {pairs} pairs) | range |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut graphs: Vec<(&str, SocialGraph)> =
        graphs.into_iter().map(|(name, spec)| (name, spec.generate(1).expect("the graph generates"))).collect();
    graphs.push(("The same Erdős–Rényi graph, tie strengths uniform on [0, 1]", with_random_strengths(&graphs[0].1)));
    for (name, g) in graphs {
        for (cycle, mean_days) in [("1 day", 1.0), ("geometric, mean 2 days", 2.0)] {
            pool.install(|| {
                let campaign = base(
                    Behaviour::Campaign {
                        levers,
                        coefficients: Coefficients::default(),
                        channels,
                        rewards: Default::default(),
                    },
                    runs,
                    mean_days,
                );
                let (mut tc, ec) = timed(&g, &campaign);
                let target = mean_reach(&ec);
                let invitations = ec.outcomes.iter().map(|o| o.invitations as f64).sum::<f64>() / runs as f64;
                let ic = |p: f64, runs: usize| {
                    base(Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, runs, mean_days)
                };
                let (mut lo, mut hi) = (0.0f64, 1.0f64);
                for _ in 0..16 {
                    let mid = 0.5 * (lo + hi);
                    let e = run_ensemble(&g, &ic(mid, 100), &|_| {}).expect("the configuration fits the graph");
                    if mean_reach(&e) < target { lo = mid } else { hi = mid }
                }
                let p = 0.5 * (lo + hi);
                let (mut ti, ei) = timed(&g, &ic(p, runs));
                // Alternate the two sides: each pair's ratio compares timings taken
                // seconds apart, so that a slow spell of a shared machine cancels.
                let mut ratios = vec![tc / ti];
                for _ in 1..pairs {
                    let c = timed(&g, &campaign).0;
                    let i = timed(&g, &ic(p, runs)).0;
                    ratios.push(c / i);
                    (tc, ti) = (tc.min(c), ti.min(i));
                }
                ratios.sort_by(f64::total_cmp);
                println!(
                    "| {name} | {cycle} | {:.3} | {:.0} | {:.0} | {:.4} | {:.3} | {:.0} | {:.2} | {:.2}–{:.2} |",
                    tc * 1e3,
                    target,
                    invitations,
                    p,
                    ti * 1e3,
                    mean_reach(&ei),
                    ratios[ratios.len() / 2],
                    ratios[0],
                    ratios[ratios.len() - 1]
                );
            });
        }
    }
}
