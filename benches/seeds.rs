//! IMM against the CELF greedy (`fission seeds`' yardstick), and IMM's time and memory
//! on a large Barabási–Albert graph: the figures of docs/PERFORMANCE.md and
//! docs/VALIDATION.md (`scripts/bench-seeds` runs it).
//!
//! Usage:
//! - `cargo bench --bench seeds -- celf EDGES P K_MAX WORLDS [EPSILON]`: on the
//!   undirected edge list EDGES with the uniform independent cascade p = P, CELF once
//!   for K_MAX seeds (its greedy order is nested) and IMM for k = 1, 5, 10, ..., K_MAX;
//!   every seed set's spread by 400,000 forward simulations (the same worlds for all).
//!   Prints a line per k: `k imm_spread celf_spread ratio imm_seconds`, then the times.
//! - `cargo bench --bench seeds -- ba NODES M K EPSILON`: IMM under the weighted cascade
//!   on a Barabási–Albert graph; prints its time, RR sets and the memory it held (run it
//!   under `/usr/bin/time -v` for the process's peak).

use fission::graph::load::{EdgeListOptions, read_edge_list};
use fission::graph::{GraphModel, GraphSpec, TieStrengths};
use fission::plan::seeds::celf::{celf, simulate_spread};
use fission::plan::seeds::imm::{ImmParams, estimate_spread, imm};
use fission::plan::seeds::{ArcRule, CascadeKind, InfluenceGraph};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match args.first().map(String::as_str) {
        Some("celf") if args.len() >= 5 => {
            let file = flate2::read::GzDecoder::new(std::fs::File::open(&args[1]).expect("edge list opens"));
            let g = read_edge_list(file, EdgeListOptions { directed: false, ..Default::default() })
                .expect("edge list reads");
            // P: a probability (uniform independent cascade), wc (weighted cascade) or
            // lt (linear threshold, weights 1 / in-degree).
            let (kind, rule) = match args[2].as_str() {
                "wc" => (CascadeKind::IndependentCascade, ArcRule::InverseInDegree),
                "lt" => (CascadeKind::LinearThreshold, ArcRule::InverseInDegree),
                p => (CascadeKind::IndependentCascade, ArcRule::Uniform(p.parse().expect("P"))),
            };
            let p = &args[2];
            let k_max: usize = args[3].parse().expect("K_MAX");
            let worlds: usize = args[4].parse().expect("WORLDS");
            let eps: f64 = args.get(5).map_or(0.1, |e| e.parse().expect("EPSILON"));
            let model = InfluenceGraph::new(&g, kind, rule);
            let t = Instant::now();
            let c = celf(&g, &model, k_max, worlds, 7);
            let celf_seconds = t.elapsed().as_secs_f64();
            println!("# n {} arcs {} p {p} worlds {worlds} epsilon {eps}", g.node_count(), g.arc_count());
            println!(
                "# k imm_spread±se celf_spread±se imm/celf imm_seconds imm_theta (400,000 forward simulations each)"
            );
            let mut imm_total = 0.0;
            let mut ks: Vec<usize> = vec![1];
            ks.extend((5..=k_max).step_by(5));
            for k in ks {
                let t = Instant::now();
                let r = imm(&model, k, ImmParams { epsilon: eps, ell: 1.0 }, None, 11);
                let s = t.elapsed().as_secs_f64();
                imm_total += s;
                let (a, sa) = simulate_spread(&g, &model, &r.seeds, 400_000, 99);
                let (b, sb) = simulate_spread(&g, &model, &c.seeds[..k], 400_000, 99);
                let (rr, _) = estimate_spread(&model, &r.seeds, 1_000_000, 98, 1 << 40);
                println!(
                    "{k} {a:.3}±{sa:.3} {b:.3}±{sb:.3} {:.4} {s:.3} {} (IMM's own estimate {:.3}; fresh RR estimate {rr:.3})",
                    a / b,
                    r.theta,
                    r.estimated_spread
                );
            }
            let t = Instant::now();
            let r = imm(&model, k_max, ImmParams { epsilon: eps, ell: 1.0 }, None, 11);
            let imm_kmax = t.elapsed().as_secs_f64();
            println!(
                "# CELF k={k_max}: {celf_seconds:.2} s ({} evaluations); IMM k={k_max}: {imm_kmax:.3} s ({} RR sets); speed-up {:.1}x; IMM all points {imm_total:.2} s",
                c.evaluations,
                r.theta,
                celf_seconds / imm_kmax
            );
        }
        Some("ba") if args.len() >= 5 => {
            let nodes: usize = args[1].parse().expect("NODES");
            let m: usize = args[2].parse().expect("M");
            let k: usize = args[3].parse().expect("K");
            let eps: f64 = args[4].parse().expect("EPSILON");
            let t = Instant::now();
            let spec =
                GraphSpec { model: GraphModel::BarabasiAlbert { nodes, m }, tie_strength: TieStrengths::default() };
            let g = spec.generate(1).expect("graph generates");
            let graph_seconds = t.elapsed().as_secs_f64();
            let t = Instant::now();
            let model = InfluenceGraph::new(&g, CascadeKind::IndependentCascade, ArcRule::InverseInDegree);
            let r = imm(&model, k, ImmParams { epsilon: eps, ell: 1.0 }, None, 5);
            let seconds = t.elapsed().as_secs_f64();
            println!(
                "ba nodes {nodes} m {m} k {k} epsilon {eps}: graph {graph_seconds:.1} s ({} MB); IMM {seconds:.1} s, estimated spread {:.0}, lower bound {:.0}, sampling sets {}, theta {}, entries {}, RR memory {} MB, model {} MB",
                g.memory_bytes() >> 20,
                r.estimated_spread,
                r.lower_bound,
                r.sampling_sets,
                r.theta,
                r.entries,
                r.memory_bytes >> 20,
                model.memory_bytes() >> 20
            );
        }
        _ => {
            eprintln!("usage: seeds celf EDGES P K_MAX WORLDS [EPSILON] | seeds ba NODES M K EPSILON");
            std::process::exit(2);
        }
    }
}
