//! Estimators over an ensemble (criterion). Run: `cargo bench --bench stats`.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{Criterion, criterion_group, criterion_main};
use fission::engine::{CycleTime, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, Levers};
use fission::stats::{AnalysisConfig, analyse};
use std::hint::black_box;

fn analysis(c: &mut Criterion) {
    let g =
        GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 5 }, tie_strength: TieStrengths::default() }
            .generate(1)
            .unwrap();
    let cfg = RunConfig {
        behaviour: Behaviour::Campaign {
            levers: Levers::default(),
            coefficients: Coefficients::default(),
            channels: Channels::default(),
            rewards: Default::default(),
        },
        cycle_time: CycleTime::default(),
        seeding: Seeding::Random { count: 50 },
        runs: 10_000,
        days: 30,
        rng_seed: 1,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
    let ac = AnalysisConfig {
        takeoff_multiple: 10.0,
        reward_per_participant: 5.0,
        cycle_time_days: 2.0,
        k_population_limit: 0.1,
        ..Default::default()
    };
    let mut group = c.benchmark_group("analyse");
    group.sample_size(20);
    group.bench_function("10000-runs-30-days", |b| b.iter(|| black_box(analyse(&e, &ac))));
    group.finish();
}

criterion_group!(benches, analysis);
criterion_main!(benches);
