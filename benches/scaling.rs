//! How fission's cost grows with the graph (10^4 to 10^7 people) and with the number of
//! runs, on all threads of the current machine. Prints Markdown tables (used by
//! `scripts/bench` and docs/PERFORMANCE.md).
//!
//! Usage: `cargo bench --bench scaling [-- MAX_NODES]` (default 10,000,000).

use fission::engine::{CycleTime, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, Levers};
use std::time::Instant;

fn config(levers: Levers, runs: usize) -> RunConfig {
    RunConfig {
        behaviour: Behaviour::Campaign {
            levers,
            coefficients: Coefficients::default(),
            channels: Channels::default(),
            rewards: Default::default(),
        },
        cycle_time: CycleTime::default(),
        seeding: Seeding::Random { count: 50 },
        runs,
        days: 90,
        rng_seed: 11,
        end_day: None,
        membership: None,
        official_account: None,
    }
}

/// Seconds per run and mean reach of `runs` runs.
fn per_run(g: &SocialGraph, levers: Levers, runs: usize) -> (f64, f64, f64) {
    let start = Instant::now();
    let e = run_ensemble(g, &config(levers, runs), &|_| {}).expect("the configuration fits the graph");
    let wall = start.elapsed().as_secs_f64();
    let reach = e.outcomes.iter().map(|o| o.reach as f64).sum::<f64>() / runs as f64;
    (wall / runs as f64, reach, wall)
}

fn main() {
    // (`cargo bench` adds `--bench`; only the positional arguments count.)
    let max_nodes: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map_or(10_000_000, |s| s.parse().expect("MAX_NODES is a number"));
    let ordinary = Levers::default();
    let viral = Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 };
    println!("threads: {}", rayon::current_num_threads());
    println!();
    println!(
        "| people (BA, m = 5) | generate + freeze (s) | ordinary design: ms/run (mean reach), 1,000 runs | viral design: ms/run (mean reach, share of graph) | viral runs |"
    );
    println!("|---|---|---|---|---|");
    let mut n = 10_000;
    let mut g100k = None;
    while n <= max_nodes {
        let start = Instant::now();
        let g =
            GraphSpec { model: GraphModel::BarabasiAlbert { nodes: n, m: 5 }, tie_strength: TieStrengths::default() }
                .generate(1)
                .expect("the graph generates");
        let build = start.elapsed().as_secs_f64();
        let (o, or, _) = per_run(&g, ordinary, 1000);
        let viral_runs = (2_000_000 / n).clamp(4, 200);
        let (v, vr, _) = per_run(&g, viral, viral_runs);
        println!(
            "| {n} | {build:.2} | {:.3} ({or:.0}) | {:.2} ({vr:.0}, {:.0}%) | {viral_runs} |",
            o * 1e3,
            v * 1e3,
            100.0 * vr / n as f64
        );
        if n == 100_000 {
            g100k = Some(g);
        }
        n *= 10;
    }
    if let Some(g) = g100k {
        println!();
        println!("| runs (BA n = 100,000, ordinary design) | wall (s) | ms/run |");
        println!("|---|---|---|");
        for runs in [100, 1_000, 10_000, 100_000] {
            let (r, _, wall) = per_run(&g, ordinary, runs);
            println!("| {runs} | {wall:.3} | {:.4} |", r * 1e3);
        }
    }
}
