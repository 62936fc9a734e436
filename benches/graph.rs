//! Graph generation and loading (criterion). Run: `cargo bench --bench graph`.
#![allow(missing_docs)] // criterion_group! generates an undocumented function

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use fission::graph::load::{EdgeListOptions, read_edge_list};
use fission::graph::{GraphModel, GraphSpec, TieStrengths};
use std::hint::black_box;

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    for n in [10_000usize, 100_000] {
        let models = [
            ("barabasi-albert-m5", GraphModel::BarabasiAlbert { nodes: n, m: 5 }),
            ("erdos-renyi-k10", GraphModel::ErdosRenyi { nodes: n, mean_degree: 10.0 }),
            ("watts-strogatz-k10", GraphModel::WattsStrogatz { nodes: n, k: 10, rewire: 0.1 }),
            (
                "stochastic-block-k10",
                GraphModel::StochasticBlock {
                    block_sizes: vec![n / 100; 100],
                    within_degree: 8.0,
                    between_degree: 2.0,
                },
            ),
        ];
        for (name, model) in models {
            let spec = GraphSpec { model, tie_strength: TieStrengths::default() };
            group.bench_with_input(BenchmarkId::new(name, n), &spec, |b, spec| {
                b.iter(|| black_box(spec.generate(1).unwrap()))
            });
        }
    }
    group.finish();
}

fn edge_list(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data/facebook_combined.txt.gz")).unwrap();
    let opts = EdgeListOptions { directed: false, weight_column: false, ..Default::default() };
    let mut group = c.benchmark_group("load");
    group.sample_size(20);
    group.bench_function("ego-facebook-gz", |b| b.iter(|| black_box(read_edge_list(&bytes[..], opts).unwrap())));
    group.finish();
}

criterion_group!(benches, generators, edge_list);
criterion_main!(benches);
