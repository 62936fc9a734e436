//! The textbook models against theory: structural virality closed forms and a brute
//! force, linear threshold against its live-edge formulation, complex contagion exact
//! cases, SIR against independent cascade (bond percolation, Kenah & Robins), Reed–Frost
//! on a complete graph, weighted cascade. Fixed seeds; tolerances from standard errors.

mod common;

use common::*;
use fission::engine::{RunConfig, Seeding, run_ensemble, simulate_cascade};
use fission::graph::load::{EdgeListOptions, read_edge_list};
use fission::graph::{GraphModel, GraphSpec, NodeId, SocialGraph, TieStrengths};
use fission::model::{AdoptionThreshold, Behaviour, EdgeProbability, InfluenceWeights, Recovery};
use fission::rng::{stream_rng, uniform};

fn edge_list(text: &str, weights: bool) -> SocialGraph {
    read_edge_list(text.as_bytes(), EdgeListOptions { directed: false, weight_column: weights, ..Default::default() })
        .unwrap()
}

fn config(behaviour: Behaviour, seeding: Seeding, runs: usize, days: u32, rng_seed: u64) -> RunConfig {
    RunConfig {
        behaviour,
        cycle_time: LOCKSTEP,
        seeding,
        runs,
        days,
        rng_seed,
        end_day: None,
        membership: None,
        official_account: None,
    }
}

fn ic(p: f64) -> Behaviour {
    Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }
}

/// Structural virality of a star of n people seeded at its centre is 2(n − 1)/n, of a
/// path seeded at one end (n + 1)/3 (Goel et al. 2016; the notes' reference numbers).
#[test]
fn structural_virality_of_star_and_path_matches_closed_forms() {
    for n in [2usize, 3, 10, 100, 1000] {
        let star: String = (1..n).map(|i| format!("0 {i}\n")).collect();
        let path: String = (1..n).map(|i| format!("{} {i}\n", i - 1)).collect();
        for (text, expected) in [(star, 2.0 * (n as f64 - 1.0) / n as f64), (path, (n as f64 + 1.0) / 3.0)] {
            let g = edge_list(&text, false);
            let c = simulate_cascade(&g, &config(ic(1.0), Seeding::Nodes { nodes: vec![NodeId(0)] }, 1, 5000, 1), 0)
                .unwrap();
            assert_eq!(c.outcome.reach as usize, n);
            let nu = c.outcome.structural_virality.unwrap();
            assert!((nu - expected).abs() < 1e-9, "n = {n}: {nu} vs {expected}");
        }
    }
}

/// The linear-time structural virality equals the mean pairwise tree distance computed
/// by brute force (BFS from every participant of the recruitment tree).
#[test]
fn structural_virality_matches_brute_force_on_random_cascades() {
    let g = erdos_renyi(3000, 4.0, 8);
    let cfg = config(ic(0.3), Seeding::Random { count: 3 }, 1, 60, 17);
    let mut checked = 0;
    for run in 0..40 {
        let c = simulate_cascade(&g, &cfg, run).unwrap();
        // Tree adjacency over participants.
        let index: std::collections::HashMap<u32, usize> =
            c.participants.iter().enumerate().map(|(i, p)| (p.node.0, i)).collect();
        let mut adj = vec![Vec::new(); c.participants.len()];
        for (i, p) in c.participants.iter().enumerate() {
            if let Some(r) = p.recruiter {
                adj[i].push(index[&r.0]);
                adj[index[&r.0]].push(i);
            }
        }
        let (mut sum, mut trees) = (0.0, 0);
        for (root, p) in c.participants.iter().enumerate() {
            if p.recruiter.is_some() {
                continue;
            }
            // Members of this tree, then all-pairs distances by BFS from each.
            let mut members = vec![root];
            let mut k = 0;
            let mut seen = vec![false; adj.len()];
            seen[root] = true;
            while k < members.len() {
                for &w in &adj[members[k]] {
                    if !seen[w] {
                        seen[w] = true;
                        members.push(w);
                    }
                }
                k += 1;
            }
            let n = members.len();
            if n < 2 {
                continue;
            }
            let mut total = 0usize;
            for &src in &members {
                let mut dist = vec![usize::MAX; adj.len()];
                dist[src] = 0;
                let mut queue = std::collections::VecDeque::from([src]);
                while let Some(x) = queue.pop_front() {
                    for &w in &adj[x] {
                        if dist[w] == usize::MAX {
                            dist[w] = dist[x] + 1;
                            queue.push_back(w);
                        }
                    }
                }
                total += members.iter().map(|&m| dist[m]).sum::<usize>();
            }
            sum += total as f64 / (n * (n - 1)) as f64;
            trees += 1;
        }
        match c.outcome.structural_virality {
            Some(nu) => {
                assert!((nu - sum / trees as f64).abs() < 1e-9, "run {run}: {nu} vs {}", sum / trees as f64);
                checked += 1;
            }
            None => assert_eq!(trees, 0),
        }
    }
    assert!(checked >= 20, "enough non-trivial cascades ({checked})");
}

/// Mean final size of the live-edge formulation of linear threshold (Kempe et al.):
/// every person keeps at most one incoming edge, (u, v) with probability b_uv; the
/// active set is what the seeds reach. Computed here, independently of the engine.
fn live_edge_mean(g: &SocialGraph, b: impl Fn(u32, u32, usize) -> f64, seeds: usize, samples: usize) -> (f64, f64) {
    let n = g.node_count();
    // Incoming lists: for each v, its in-neighbours u with b_uv.
    let mut incoming: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for u in 0..n as u32 {
        for (j, &v) in g.neighbours(NodeId(u)).iter().enumerate() {
            incoming[v as usize].push((u, b(u, v, j)));
        }
    }
    let mut rng = stream_rng(4242, 1);
    let mut sizes = Vec::with_capacity(samples);
    let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
    for _ in 0..samples {
        for c in children.iter_mut() {
            c.clear();
        }
        for (v, into_v) in incoming.iter().enumerate() {
            let x = uniform(&mut rng);
            let mut acc = 0.0;
            for &(u, w) in into_v {
                acc += w;
                if x < acc {
                    children[u as usize].push(v as u32);
                    break;
                }
            }
        }
        let mut active = vec![false; n];
        let mut stack = Vec::new();
        let mut placed = 0;
        while placed < seeds {
            let v = fission::rng::below(&mut rng, n as u64) as usize;
            if !active[v] {
                active[v] = true;
                stack.push(v as u32);
                placed += 1;
            }
        }
        let mut size = seeds;
        while let Some(u) = stack.pop() {
            for &v in &children[u as usize] {
                if !active[v as usize] {
                    active[v as usize] = true;
                    size += 1;
                    stack.push(v);
                }
            }
        }
        sizes.push(size as f64);
    }
    let mean = sizes.iter().sum::<f64>() / samples as f64;
    let var = sizes.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (samples - 1) as f64;
    (mean, (var / samples as f64).sqrt())
}

#[test]
fn linear_threshold_equals_its_live_edge_formulation() {
    // In-degree weights b_uv = 1/d_v on a sparse random graph.
    let g = erdos_renyi(400, 3.0, 5);
    let runs = 20_000;
    let cfg = config(
        Behaviour::LinearThreshold { weights: InfluenceWeights::InDegree },
        Seeding::Random { count: 3 },
        runs,
        400,
        3,
    );
    let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
    assert!(e.outcomes.iter().all(|o| !o.is_censored));
    let a = common::analysis(&e);
    let degree: Vec<usize> = (0..g.node_count()).map(|v| g.degree(NodeId(v as u32))).collect();
    let (mean, se) = live_edge_mean(&g, |_, v, _| 1.0 / degree[v as usize] as f64, 3, runs);
    let se_engine = a.reach.std_dev / (runs as f64).sqrt();
    assert_within_4se("LT (in-degree) vs live edge", a.reach.mean, (se * se + se_engine * se_engine).sqrt(), mean);

    // Edge weights from the file: 0.6 / degree of the receiver, so incoming sums are 0.6.
    let text: String = (0..g.node_count() as u32)
        .flat_map(|u| g.neighbours(NodeId(u)).iter().filter(move |&&v| v > u).map(move |&v| (u, v)))
        .map(|(u, v)| format!("{u} {v} 0.1\n"))
        .collect();
    // Undirected files carry one weight per friendship; with 0.1 everywhere, incoming
    // sums are 0.1 × degree, at most 1 only for degree ≤ 10: check, then compare.
    let wg = edge_list(&text, true);
    let max_degree = (0..wg.node_count()).map(|v| wg.degree(NodeId(v as u32))).max().unwrap();
    assert!(max_degree <= 10, "weights must sum to at most 1 for this check");
    let cfg = config(
        Behaviour::LinearThreshold { weights: InfluenceWeights::EdgeWeights },
        Seeding::Random { count: 3 },
        runs,
        400,
        4,
    );
    let e = run_ensemble(&wg, &cfg, &|_| {}).unwrap();
    let a = common::analysis(&e);
    let (mean, se) = live_edge_mean(&wg, |_, _, _| 0.1, 3, runs);
    let se_engine = a.reach.std_dev / (runs as f64).sqrt();
    assert_within_4se("LT (edge weights) vs live edge", a.reach.mean, (se * se + se_engine * se_engine).sqrt(), mean);
}

#[test]
fn complex_contagion_exact_cases() {
    // Ring lattice, each person knows 2 on each side; 2 adopted friends are needed.
    let ring = GraphSpec {
        model: GraphModel::WattsStrogatz { nodes: 100, k: 4, rewire: 0.0 },
        tie_strength: TieStrengths::default(),
    }
    .generate(1)
    .unwrap();
    let cc = |t| Behaviour::ComplexContagion { threshold: t };
    let reach = |g: &SocialGraph, b: Behaviour, seeds: Vec<u32>| {
        let nodes = seeds.into_iter().map(NodeId).collect();
        simulate_cascade(g, &config(b, Seeding::Nodes { nodes }, 1, 500, 1), 0).unwrap().outcome.reach
    };
    // Two adjacent seeds: everyone has two adopted friends in turn (a wide bridge).
    assert_eq!(reach(&ring, cc(AdoptionThreshold::Count(2)), vec![0, 1]), 100);
    // Two seeds five apart share no friend: nobody else ever has two adopted friends.
    assert_eq!(reach(&ring, cc(AdoptionThreshold::Count(2)), vec![0, 5]), 2);
    // Watts' fractional rule on a star: leaves need 1 of 1; the centre needs half of 20.
    let star: String = (1..=20).map(|i| format!("0 {i}\n")).collect();
    let g = edge_list(&star, false);
    assert_eq!(reach(&g, cc(AdoptionThreshold::Fraction(0.5)), (1..=9).collect()), 9);
    assert_eq!(reach(&g, cc(AdoptionThreshold::Fraction(0.5)), (1..=10).collect()), 21);
    // A threshold above every degree is refused, not silently useless.
    let cfg = config(cc(AdoptionThreshold::Count(5)), Seeding::Random { count: 1 }, 1, 10, 1);
    assert!(
        run_ensemble(&ring, &cfg, &|_| {}).unwrap_err().to_string().contains("larger than anyone's number of friends")
    );
}

fn sir(beta: f64, recovery: Recovery) -> Behaviour {
    Behaviour::Sir { transmission_rate: beta, recovery }
}

fn proportion(e: &fission::engine::Ensemble, cut: u32) -> f64 {
    e.outcomes.iter().filter(|o| o.reach > cut).count() as f64 / e.runs as f64
}

fn large_mean(e: &fission::engine::Ensemble, cut: u32) -> (f64, f64) {
    let xs: Vec<f64> = e.outcomes.iter().filter(|o| o.reach > cut).map(|o| o.reach as f64).collect();
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
    (m, (v / xs.len() as f64).sqrt())
}

/// SIR with a fixed infectious period D is bond percolation with T = 1 − exp(−βD),
/// exactly as the independent cascade with p = T: the same final-size distribution
/// (checked: mean, takeoff probability, mean large-outbreak size, and the quartiles).
#[test]
fn sir_with_fixed_period_has_the_final_size_distribution_of_independent_cascade() {
    let g = erdos_renyi(5000, 3.0, 12);
    let (beta, period): (f64, f64) = (0.6, 1.0);
    let t = 1.0 - (-beta * period).exp();
    let runs = 6000;
    let seeding = Seeding::Random { count: 1 };
    let e_ic = run_ensemble(&g, &config(ic(t), seeding.clone(), runs, 500, 1), &|_| {}).unwrap();
    let e_sir = run_ensemble(&g, &config(sir(beta, Recovery::FixedPeriodDays(period)), seeding, runs, 500, 2), &|_| {})
        .unwrap();
    let (a, b) = (common::analysis(&e_ic), common::analysis(&e_sir));
    let se = |x: &fission::stats::Analysis| x.reach.std_dev / (runs as f64).sqrt();
    assert_within_4se("mean final size", b.reach.mean, (se(&a).powi(2) + se(&b).powi(2)).sqrt(), a.reach.mean);
    let cut = 100;
    let (pa, pb) = (proportion(&e_ic, cut), proportion(&e_sir, cut));
    assert_within_4se("takeoff", pb, (pa * (1.0 - pa) * 2.0 / runs as f64).sqrt(), pa);
    let ((ma, sa), (mb, sb)) = (large_mean(&e_ic, cut), large_mean(&e_sir, cut));
    assert_within_4se("large outbreak size", mb, (sa * sa + sb * sb).sqrt(), ma);
}

/// Markovian SIR (exponential infectious period) with T = β/(β + γ) has the epidemic
/// threshold and mean large-outbreak size of bond percolation, but a lower probability
/// of a large outbreak (Kenah & Robins 2007). On Erdős–Rényi with mean degree c and
/// β = γ, the outbreak probability is 1 − q with q = (1 − e^{−a})/a, a = c(1 − q).
#[test]
fn markovian_sir_matches_percolation_size_but_not_its_outbreak_probability() {
    let n = 20_000;
    let g = erdos_renyi(n, 4.0, 13);
    let c = g.arc_count() as f64 / n as f64;
    let (beta, gamma) = (1.0, 1.0);
    let t = beta / (beta + gamma);
    let runs = 4000;
    let seeding = Seeding::Random { count: 1 };
    let e_ic = run_ensemble(&g, &config(ic(t), seeding.clone(), runs, 500, 5), &|_| {}).unwrap();
    let e_sir = run_ensemble(&g, &config(sir(beta, Recovery::Rate(gamma)), seeding, runs, 500, 6), &|_| {}).unwrap();
    assert!(e_sir.outcomes.iter().all(|o| !o.is_censored));
    let cut = 500;
    // Final size of large outbreaks: the same for both (percolation).
    let ((ma, sa), (mb, sb)) = (large_mean(&e_ic, cut), large_mean(&e_sir, cut));
    assert_within_4se("large outbreak size", mb, (sa * sa + sb * sb).sqrt(), ma);
    // Outbreak probability: bond percolation S(cT) for IC, the fixed point above for SIR.
    let mut s = 0.5;
    for _ in 0..500 {
        s = 1.0 - (-c * t * s).exp();
    }
    let mut q = 0.5;
    for _ in 0..500 {
        let a = c * (1.0 - q);
        q = (1.0 - (-a).exp()) / a;
    }
    let (pa, pb) = (proportion(&e_ic, cut), proportion(&e_sir, cut));
    assert_within_4se("IC outbreak probability", pa, (s * (1.0 - s) / runs as f64).sqrt(), s);
    assert_within_4se("Markovian SIR outbreak probability", pb, ((1.0 - q) * q / runs as f64).sqrt(), 1.0 - q);
    assert!(s - (1.0 - q) > 0.05, "the two differ: {s} vs {}", 1.0 - q);
}

/// On a complete graph, the independent cascade is the Reed–Frost chain binomial: the
/// final-size distribution is computed exactly here by dynamic programming over
/// (susceptible, infected) and compared size by size.
#[test]
fn complete_graph_final_sizes_follow_reed_frost() {
    let n = 12usize;
    let p: f64 = 0.15;
    let g = GraphSpec {
        model: GraphModel::ErdosRenyi { nodes: n, mean_degree: (n - 1) as f64 },
        tie_strength: TieStrengths::default(),
    }
    .generate(1)
    .unwrap();
    assert_eq!(g.edge_count(), n * (n - 1) / 2);
    // prob[s][i]: probability of a generation with s susceptible and i newly infected.
    let binom = |k: usize, j: usize, q: f64| -> f64 {
        let mut c = 1.0;
        for x in 0..j {
            c *= (k - x) as f64 / (x + 1) as f64;
        }
        c * q.powi(j as i32) * (1.0 - q).powi((k - j) as i32)
    };
    let mut final_size = vec![0.0; n + 1];
    let mut states = vec![vec![0.0; n + 1]; n + 1];
    states[n - 1][1] = 1.0;
    for s in (0..n).rev() {
        for i in 1..=n {
            let pr = states[s][i];
            if pr == 0.0 {
                continue;
            }
            let q = 1.0 - (1.0 - p).powi(i as i32);
            for j in 0..=s {
                let w = pr * binom(s, j, q);
                if j == 0 {
                    final_size[n - s] += w;
                } else {
                    states[s - j][j] += w;
                }
            }
        }
    }
    let runs = 40_000;
    let e = run_ensemble(&g, &config(ic(p), Seeding::Random { count: 1 }, runs, 50, 21), &|_| {}).unwrap();
    for (k, &expected) in final_size.iter().enumerate().skip(1) {
        let measured = e.outcomes.iter().filter(|o| o.reach as usize == k).count() as f64 / runs as f64;
        let se = (expected * (1.0 - expected) / runs as f64).sqrt().max(1.0 / runs as f64);
        assert_within_4se(&format!("P(final size = {k})"), measured, se, expected);
    }
}

/// Weighted cascade (p_uv = 1/deg v): from a random seed the expected number of
/// direct recruits is (1/n) Σ_u Σ_{v ~ u} 1/d_v = the share of people with a friend.
#[test]
fn weighted_cascade_seed_generation_recruits_one_on_average() {
    let g =
        GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 3 }, tie_strength: TieStrengths::default() }
            .generate(2)
            .unwrap();
    let cfg = config(
        Behaviour::IndependentCascade { probability: EdgeProbability::WeightedCascade },
        Seeding::Random { count: 1 },
        20_000,
        50,
        8,
    );
    let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
    let k0 = common::analysis(&e).per_generation[0].k;
    assert_within_4se("weighted cascade K_0", k0.value, k0.std_error, 1.0);
}

/// Edge-weight probabilities read from the file: on a ring where every tie has weight
/// 0.3, a seed's two friends each join with probability 0.3 (K_0 = 0.6).
#[test]
fn edge_weight_probabilities_are_used() {
    let text: String = (0..5000).map(|i| format!("{i} {} 0.3\n", (i + 1) % 5000)).collect();
    let g = edge_list(&text, true);
    let cfg = config(
        Behaviour::IndependentCascade { probability: EdgeProbability::EdgeWeights },
        Seeding::Random { count: 1 },
        20_000,
        100,
        9,
    );
    let e = run_ensemble(&g, &cfg, &|_| {}).unwrap();
    let k0 = common::analysis(&e).per_generation[0].k;
    assert_within_4se("edge-weight K_0", k0.value, k0.std_error, 0.6);
    // Without weights the model is refused with a clear message.
    let unweighted = edge_list("1 2\n", false);
    let err = run_ensemble(&unweighted, &cfg, &|_| {}).unwrap_err().to_string();
    assert!(err.contains("needs edge weights"), "{err}");
}

/// Linear threshold refuses incoming weights that sum above 1.
#[test]
fn linear_threshold_rejects_weights_summing_above_one() {
    let g = edge_list("1 2 0.7\n3 2 0.7\n", true);
    let cfg = config(
        Behaviour::LinearThreshold { weights: InfluenceWeights::EdgeWeights },
        Seeding::Random { count: 1 },
        1,
        5,
        1,
    );
    let err = run_ensemble(&g, &cfg, &|_| {}).unwrap_err().to_string();
    assert!(err.contains("those into node 2 sum to 1.4000"), "{err}");
}
