//! One cascade and Monte Carlo batches (criterion). Run: `cargo bench --bench engine`.
//! Batches run on the global rayon pool (all cores); `RAYON_NUM_THREADS=1` for one.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fission::engine::{CycleTime, DelayDistribution, RunConfig, Seeding, run_ensemble, simulate_cascade};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, EdgeProbability, Levers};
use std::hint::black_box;

fn graph(model: GraphModel) -> SocialGraph {
    GraphSpec { model, tie_strength: TieStrengths::default() }.generate(1).unwrap()
}

/// `g` with each tie's strength uniform on [0, 1] (by a hash of its ends): many
/// distinct strengths, as from an edge list's weight column, so campaigns bound each
/// conversion by the tie's cell of strength.
fn with_random_strengths(g: &SocialGraph) -> SocialGraph {
    g.with_strengths(|u, v| {
        (fission::rng::splitmix64(((u.0 as u64) << 32) | v.0 as u64) >> 40) as f32 / (1u64 << 24) as f32
    })
}

fn config(behaviour: Behaviour, seeds: usize, runs: usize, days: u32) -> RunConfig {
    RunConfig {
        behaviour,
        cycle_time: CycleTime::default(),
        seeding: Seeding::Random { count: seeds },
        runs,
        days,
        rng_seed: 7,
        end_day: None,
        membership: None,
        official_account: None,
    }
}

fn campaign(levers: Levers) -> Behaviour {
    Behaviour::Campaign {
        levers,
        coefficients: Coefficients::default(),
        channels: Channels::default(),
        rewards: Default::default(),
    }
}

fn single_cascade(c: &mut Criterion) {
    let mut group = c.benchmark_group("cascade");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        // Independent cascade reaching most of the graph: the cost of a full spread.
        let g = graph(GraphModel::ErdosRenyi { nodes: n, mean_degree: 10.0 });
        // Ten seeds: with c·p = 2 every one fizzles with probability about 0.2^10.
        let cfg = config(Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(0.2) }, 10, 1, 1000);
        group.throughput(Throughput::Elements(g.arc_count() as u64));
        group.bench_with_input(BenchmarkId::new("ic-er-k10-p0.2", n), &g, |b, g| {
            b.iter(|| black_box(simulate_cascade(g, &cfg, 3).unwrap()))
        });
        // The same with a fixed one-day cycle: generation by generation (lockstep).
        let fixed = RunConfig {
            cycle_time: CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed },
            ..cfg.clone()
        };
        group.bench_with_input(BenchmarkId::new("ic-er-k10-p0.2-fixed-cycle", n), &g, |b, g| {
            b.iter(|| black_box(simulate_cascade(g, &fixed, 3).unwrap()))
        });
    }
    group.finish();
}

fn monte_carlo(c: &mut Criterion) {
    let mut group = c.benchmark_group("monte-carlo");
    group.sample_size(10);
    let g = graph(GraphModel::BarabasiAlbert { nodes: 20_000, m: 5 });
    let runs = 2000;
    group.throughput(Throughput::Elements(runs as u64));
    let ordinary = config(campaign(Levers::default()), 50, runs, 30);
    group.bench_function("campaign-ordinary-ba20k-2000runs", |b| {
        b.iter(|| black_box(run_ensemble(&g, &ordinary, &|_| {}).unwrap()))
    });
    let great = Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 };
    let viral = config(campaign(great), 20, 200, 30);
    group.throughput(Throughput::Elements(200));
    group.bench_function("campaign-viral-ba20k-200runs", |b| {
        b.iter(|| black_box(run_ensemble(&g, &viral, &|_| {}).unwrap()))
    });
    // The same on tie strengths uniform on [0, 1] (cells of strength).
    let weighted = with_random_strengths(&g);
    group.bench_function("campaign-viral-ba20k-strengths-200runs", |b| {
        b.iter(|| black_box(run_ensemble(&weighted, &viral, &|_| {}).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, single_cascade, monte_carlo);
criterion_main!(benches);
