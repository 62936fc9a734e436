//! Helpers shared by the integration tests.
#![allow(dead_code)]

use fission::engine::{CycleTime, DelayDistribution, Ensemble, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::Behaviour;
use fission::stats::{Analysis, AnalysisConfig, analyse};
use petgraph::graph::UnGraph;

/// A random d-regular graph (rustworkx-core), frozen.
pub fn random_regular(n: usize, d: usize, seed: u64) -> SocialGraph {
    let g: UnGraph<(), f32> =
        rustworkx_core::generators::random_regular_graph(n, d, Some(seed), || (), || 0.5).expect("valid regular graph");
    SocialGraph::from_petgraph(&g, false, None).expect("freezes")
}

/// An Erdős–Rényi graph with mean degree c.
pub fn erdos_renyi(n: usize, c: f64, seed: u64) -> SocialGraph {
    GraphSpec { model: GraphModel::ErdosRenyi { nodes: n, mean_degree: c }, tie_strength: TieStrengths::default() }
        .generate(seed)
        .expect("valid ER graph")
}

/// One day per generation.
pub const LOCKSTEP: CycleTime = CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed };

/// Runs an ensemble.
pub fn ensemble(
    graph: &SocialGraph,
    behaviour: Behaviour,
    seeds: usize,
    runs: usize,
    days: u32,
    rng_seed: u64,
) -> Ensemble {
    let config = RunConfig {
        behaviour,
        cycle_time: LOCKSTEP,
        seeding: Seeding::Random { count: seeds },
        runs,
        days,
        rng_seed,
        end_day: None,
        membership: None,
        official_account: None,
    };
    run_ensemble(graph, &config, &|_| {}).expect("valid configuration")
}

/// Analyses with neutral settings (K pooled over the first 10% of the graph).
pub fn analysis(e: &Ensemble) -> Analysis {
    analyse(
        e,
        &AnalysisConfig {
            takeoff_multiple: 10.0,
            reward_per_participant: 0.0,
            cycle_time_days: 1.0,
            k_population_limit: 0.1,
            ..Default::default()
        },
    )
}

/// Asserts |measured − expected| <= 4 standard errors (about a 6e-5 false-failure rate).
#[track_caller]
pub fn assert_within_4se(what: &str, measured: f64, se: f64, expected: f64) {
    assert!(se.is_finite() && se > 0.0, "{what}: standard error {se} is not usable");
    // Shown with `--nocapture`; docs/VALIDATION.md quotes these lines.
    println!(
        "{what}: measured {measured:.4} ± {:.4} (95%), theory {expected:.4}, |z| = {:.2}",
        1.96 * se,
        (measured - expected).abs() / se
    );
    assert!(
        (measured - expected).abs() <= 4.0 * se,
        "{what}: measured {measured:.5} ± {se:.5} (se), theory {expected:.5}: off by {:.1} se",
        (measured - expected).abs() / se
    );
}
