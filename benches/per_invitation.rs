//! What the default campaign costs per invitation handled, with active and ordinary
//! sharers (the defaults since issue 23) against everyone sharing alike (the model
//! before it, `behaviour.active_share = 0`), one thread, on the graphs of
//! `campaign_vs_ic`, on denser ones where the default campaign spreads (mean degree
//! 35–40, as the examples) and, when `../shared/data` is beside the repository,
//! ego-Facebook. On the sparse graphs the default campaign sends few invitations a run,
//! and a run's fixed cost (seeding, resetting) dominates its time per invitation.
//!
//! Usage: `cargo bench --bench per_invitation [-- RUNS [PAIRS]]` (default 200 runs, 10
//! pairs). The two models are timed alternately, PAIRS times each; the table gives each
//! one's fastest time per invitation and the median of the PAIRS paired ratios with
//! their range. Prints a Markdown table (docs/PERFORMANCE.md).

use fission::engine::{CycleTime, DelayDistribution, RunConfig, Seeding, run_ensemble};
use fission::graph::load::{EdgeListOptions, read_edge_list};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, Levers};
use std::time::Instant;

/// Seconds per invitation of one ensemble, and the invitations per run.
fn per_invitation(g: &SocialGraph, cfg: &RunConfig) -> (f64, f64) {
    let start = Instant::now();
    let e = run_ensemble(g, cfg, &|_| {}).expect("the configuration fits the graph");
    let seconds = start.elapsed().as_secs_f64();
    let invitations: u64 = e.outcomes.iter().map(|o| o.invitations).sum();
    (seconds / invitations.max(1) as f64, invitations as f64 / cfg.runs as f64)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let runs: usize = args.first().map_or(200, |s| s.parse().expect("RUNS is a number"));
    let pairs: usize = args.get(1).map_or(10, |s| s.parse().expect("PAIRS is a number")).max(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a one-thread pool builds");
    // Erdős–Rényi on 100,000 people, and 30 cities of 1,000 (strong ties within, weak
    // across), each at two friend counts: `campaign_vs_ic`'s and the examples'.
    let er = |mean_degree: f64| {
        let model = GraphModel::ErdosRenyi { nodes: 100_000, mean_degree };
        GraphSpec { model, tie_strength: TieStrengths::default() }.generate(1).expect("the graph generates")
    };
    let cities = |within_degree: f64, between_degree: f64| {
        let model = GraphModel::StochasticBlock { block_sizes: vec![1000; 30], within_degree, between_degree };
        GraphSpec { model, tie_strength: TieStrengths { strong: 0.8, weak: 0.2 } }
            .generate(1)
            .expect("the graph generates")
    };
    let mut graphs: Vec<(String, SocialGraph)> = vec![
        ("Erdős–Rényi n=100,000, ⟨k⟩=10".into(), er(10.0)),
        ("Qixi stochastic block n=30,000 (tie strengths 0.8/0.2)".into(), cities(12.0, 3.0)),
        ("Erdős–Rényi n=100,000, ⟨k⟩=40".into(), er(40.0)),
        ("Qixi example graph n=30,000 (28 + 7 friends, tie strengths 0.8/0.2)".into(), cities(28.0, 7.0)),
    ];
    let facebook = std::path::Path::new("../shared/data/facebook_combined.txt.gz");
    if facebook.exists() {
        let file = std::fs::File::open(facebook).expect("ego-Facebook opens");
        let options = EdgeListOptions { directed: false, weight_column: false, ..Default::default() };
        let g = read_edge_list(flate2::read::GzDecoder::new(file), options).expect("ego-Facebook loads");
        graphs.push(("ego-Facebook (4,039 people, 88,234 ties)".into(), g));
    }
    let designs = [
        ("ordinary (`fission init`)", Levers::default()),
        ("viral", Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 }),
    ];
    println!(
        "| graph | design | cycle | everyone alike: invitations/run | ns/invitation | active and ordinary sharers: invitations/run | ns/invitation | ratio (median of {pairs} pairs) | range |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, g) in &graphs {
        for (design, levers) in designs {
            for (cycle, distribution) in
                [("1 day", DelayDistribution::Fixed), ("geometric, mean 2", DelayDistribution::Geometric)]
            {
                let mean_days = if distribution == DelayDistribution::Fixed { 1.0 } else { 2.0 };
                let config = |coefficients: Coefficients| RunConfig {
                    behaviour: Behaviour::Campaign {
                        levers,
                        coefficients,
                        channels: Channels::default(),
                        rewards: Default::default(),
                    },
                    cycle_time: CycleTime { mean_days, distribution },
                    seeding: Seeding::Random { count: 20 },
                    runs,
                    days: 120,
                    rng_seed: 5,
                    end_day: None,
                    membership: None,
                    official_account: None,
                };
                let alike = config(Coefficients { active_share: 0.0, ..Coefficients::default() });
                let classes = config(Coefficients::default());
                let (mut best, mut ratios) = ([f64::INFINITY; 2], Vec::new());
                let mut invitations = [0.0; 2];
                pool.install(|| {
                    for _ in 0..pairs {
                        let (a, ia) = per_invitation(g, &alike);
                        let (b, ib) = per_invitation(g, &classes);
                        best = [best[0].min(a), best[1].min(b)];
                        invitations = [ia, ib];
                        ratios.push(b / a);
                    }
                });
                ratios.sort_by(f64::total_cmp);
                println!(
                    "| {name} | {design} | {cycle} | {:.0} | {:.1} | {:.0} | {:.1} | {:.2} | {:.2}–{:.2} |",
                    invitations[0],
                    best[0] * 1e9,
                    invitations[1],
                    best[1] * 1e9,
                    ratios[ratios.len() / 2],
                    ratios[0],
                    ratios[ratios.len() - 1]
                );
            }
        }
    }
}
