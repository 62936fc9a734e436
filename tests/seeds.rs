//! Seed users: IMM's estimate against forward simulation, its guarantee against the
//! best seeds on a small graph, degree discount and communities on graphs whose answer
//! is known, budgets, reproducibility, `fission seeds` and every option's errors.

mod common;

use assert_cmd::Command;
use fission::engine::{RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, NodeId, SocialGraph, TieStrengths};
use fission::model::{Behaviour, EdgeProbability, InfluenceWeights};
use fission::plan::seeds::celf::{celf, simulate_spread};
use fission::plan::seeds::heuristics::{community, degree_discount, highest_degree, label_propagation};
use fission::plan::seeds::imm::{ImmParams, estimate_spread, imm};
use fission::plan::seeds::{ArcRule, CascadeKind, InfluenceGraph};
use fission::scenario::Scenario;
use petgraph::graph::UnGraph;
use std::path::Path;

fn ba(n: usize, m: usize, seed: u64) -> SocialGraph {
    GraphSpec { model: GraphModel::BarabasiAlbert { nodes: n, m }, tie_strength: TieStrengths::default() }
        .generate(seed)
        .expect("valid BA graph")
}

fn from_edges(n: usize, edges: &[(u32, u32)]) -> SocialGraph {
    let mut g = UnGraph::<(), f32>::with_capacity(n, edges.len());
    for _ in 0..n {
        g.add_node(());
    }
    for &(a, b) in edges {
        g.add_edge(a.into(), b.into(), 0.5);
    }
    SocialGraph::from_petgraph(&g, false, None).expect("freezes")
}

/// The engine's mean final reach from `seeds` under `behaviour` (a generation a day,
/// long enough for every cascade to end), and its standard error.
fn forward(graph: &SocialGraph, behaviour: Behaviour, seeds: &[u32], runs: usize) -> (f64, f64) {
    let config = RunConfig {
        behaviour,
        cycle_time: common::LOCKSTEP,
        seeding: Seeding::Nodes { nodes: seeds.iter().map(|&v| NodeId(v)).collect() },
        runs,
        days: 400,
        rng_seed: 77,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let e = run_ensemble(graph, &config, &|_| {}).expect("valid configuration");
    let reach: Vec<f64> = e.outcomes.iter().map(|o| o.reach as f64).collect();
    let m = reach.iter().sum::<f64>() / runs as f64;
    let var = reach.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (runs - 1) as f64;
    assert!(e.outcomes.iter().all(|o| !o.is_censored), "every cascade ended within the horizon");
    (m, (var / runs as f64).sqrt())
}

#[test]
fn imm_spread_agrees_with_forward_simulation_under_both_cascade_models() {
    // Borgs et al.: n × P(S meets a random RR set) = σ(S). Fresh RR sets estimate the
    // chosen seeds' spread without selection bias; the engine simulates it forward.
    let g = ba(3000, 3, 4);
    for (kind, rule, behaviour) in [
        (
            CascadeKind::IndependentCascade,
            ArcRule::InverseInDegree,
            Behaviour::IndependentCascade { probability: EdgeProbability::WeightedCascade },
        ),
        (
            CascadeKind::LinearThreshold,
            ArcRule::InverseInDegree,
            Behaviour::LinearThreshold { weights: InfluenceWeights::InDegree },
        ),
        (
            CascadeKind::IndependentCascade,
            ArcRule::Uniform(0.05),
            Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(0.05) },
        ),
    ] {
        let model = InfluenceGraph::new(&g, kind, rule);
        let params = ImmParams { epsilon: 0.1, ell: 1.0 };
        let r = imm(&model, 10, params, None, 3);
        assert_eq!(r.seeds.len(), 10);
        let (fwd, fwd_se) = forward(&g, behaviour, &r.seeds, 20_000);
        let (rr, rr_se) = estimate_spread(&model, &r.seeds, 400_000, 5, 1 << 40);
        let z = (rr - fwd) / (fwd_se.powi(2) + rr_se.powi(2)).sqrt();
        assert!(z.abs() < 4.0, "{kind:?}: RR estimate {rr:.2} ± {rr_se:.2} vs forward {fwd:.2} ± {fwd_se:.2}");
        // IMM's own estimate (on the sets it chose from) is within its ε of the truth.
        let rel = (r.estimated_spread - fwd).abs() / fwd;
        assert!(rel < params.epsilon, "{kind:?}: IMM estimate {:.2} vs forward {fwd:.2}", r.estimated_spread);
        // The snapshot worlds of CELF simulate the same model.
        let (w, w_se) = simulate_spread(&g, &model, &r.seeds, 20_000, 9);
        let z = (w - fwd) / (fwd_se.powi(2) + w_se.powi(2)).sqrt();
        assert!(z.abs() < 4.0, "{kind:?}: worlds {w:.2} ± {w_se:.2} vs engine {fwd:.2} ± {fwd_se:.2}");
    }
}

#[test]
fn imm_keeps_its_guarantee_against_the_best_seeds_of_a_small_graph() {
    // Every pair of a 40-person graph, each pair's spread simulated on the same worlds:
    // IMM's pair must reach at least (1 − 1/e − ε) of the best pair's (and in practice
    // much closer), and CELF's too.
    let g = ba(40, 2, 8);
    let model = InfluenceGraph::new(&g, CascadeKind::IndependentCascade, ArcRule::Uniform(0.2));
    let spread = |s: &[u32]| simulate_spread(&g, &model, s, 20_000, 21).0;
    let mut best = 0.0f64;
    for a in 0..40u32 {
        for b in a + 1..40 {
            best = best.max(spread(&[a, b]));
        }
    }
    let r = imm(&model, 2, ImmParams { epsilon: 0.1, ell: 1.0 }, None, 1);
    let got = spread(&r.seeds);
    assert!(got >= (1.0 - (-1.0f64).exp() - 0.1) * best, "IMM {got:.2} vs best {best:.2}");
    assert!(got >= 0.95 * best, "IMM {got:.2} should be near the best {best:.2} on so small a graph");
    let c = celf(&g, &model, 2, 20_000, 2);
    assert!(spread(&c.seeds) >= 0.95 * best);
}

#[test]
fn imm_and_celf_choose_the_hub_of_a_star_first() {
    let edges: Vec<(u32, u32)> = (1..30).map(|v| (0, v)).chain([(30, 31), (31, 32)]).collect();
    let g = from_edges(33, &edges);
    let model = InfluenceGraph::new(&g, CascadeKind::IndependentCascade, ArcRule::Uniform(0.3));
    assert_eq!(imm(&model, 1, ImmParams::default(), None, 4).seeds, vec![0]);
    let c = celf(&g, &model, 2, 5_000, 4);
    assert_eq!(c.seeds[0], 0);
    // The hub reaches itself and 0.3 of 29 leaves (and a little more): 1 + 8.7 + ...
    assert!((c.spread[0] - (1.0 + 0.3 * 29.0)).abs() < 0.3, "{}", c.spread[0]);
}

#[test]
fn degree_discount_passes_over_a_hubs_friend() {
    // 0 has 4 friends (1–4); 1 has 3 (0, 5, 6); 7 has 3 (8, 9, 10). Highest degree takes
    // 0 then 1 (a tie with 7, to the lower id); degree discount discounts 1, a friend of
    // the chosen 0: dd_1 = 3 − 2 − (3 − 1)·1·0.1 = 0.8 < dd_7 = 3, so it takes 7.
    let g = from_edges(11, &[(0, 1), (0, 2), (0, 3), (0, 4), (1, 5), (1, 6), (7, 8), (7, 9), (7, 10)]);
    assert_eq!(highest_degree(&g, 2, None), vec![0, 1]);
    assert_eq!(degree_discount(&g, 2, 0.1, None), vec![0, 7]);
}

#[test]
fn community_seeds_go_to_every_community() {
    // Three cliques of 20, 20 and 10 joined in a chain by one tie each: label propagation
    // finds the three; five seeds split 2, 2, 1 by size.
    let mut edges = Vec::new();
    for (start, size) in [(0u32, 20u32), (20, 20), (40, 10)] {
        for a in start..start + size {
            for b in a + 1..start + size {
                edges.push((a, b));
            }
        }
    }
    edges.extend([(19, 20), (39, 40)]);
    let g = from_edges(50, &edges);
    let labels = label_propagation(&g, 1);
    assert_eq!(labels.iter().max(), Some(&2), "three communities: {labels:?}");
    assert!(labels[..20].iter().all(|&l| l == labels[0]) && labels[20..40].iter().all(|&l| l == labels[20]));
    let (seeds, communities) = community(&g, 5, 1, None);
    assert_eq!(communities, 3);
    let per = |lo: u32, hi: u32| seeds.iter().filter(|&&s| (lo..hi).contains(&s)).count();
    assert_eq!((per(0, 20), per(20, 40), per(40, 50)), (2, 2, 1), "{seeds:?}");
}

#[test]
fn a_seed_budget_is_never_exceeded_and_is_used_up() {
    let g = ba(2000, 3, 6);
    let cost: Vec<f64> = (0..2000u32).map(|v| 10.0 + 2.0 * g.degree(NodeId(v)) as f64).collect();
    let budget = 400.0;
    let model = InfluenceGraph::new(&g, CascadeKind::IndependentCascade, ArcRule::InverseInDegree);
    let pay = |s: &[u32]| s.iter().map(|&v| cost[v as usize]).sum::<f64>();
    let params = ImmParams { epsilon: 0.2, ell: 1.0 };
    let by_imm = imm(&model, 2000, params, Some((&cost, budget)), 2);
    for (name, seeds) in [
        ("highest-degree", highest_degree(&g, 2000, Some((&cost, budget)))),
        ("degree-discount", degree_discount(&g, 2000, 0.05, Some((&cost, budget)))),
        ("community", community(&g, 2000, 3, Some((&cost, budget))).0),
        ("influence-max", by_imm.seeds.clone()),
    ] {
        assert!(!seeds.is_empty(), "{name}");
        let spent = pay(&seeds);
        assert!(spent <= budget + 1e-9, "{name}: {spent} > {budget}");
        // Every strategy keeps choosing while someone fits: what is left buys no one.
        let cheapest_left =
            (0..2000u32).filter(|v| !seeds.contains(v)).map(|v| cost[v as usize]).fold(f64::MAX, f64::min);
        assert!(budget - spent < cheapest_left, "{name}: {} left, someone costs {cheapest_left}", budget - spent);
    }
    // IMM's estimate of its budgeted seeds holds up in forward simulation.
    let (a, _) = simulate_spread(&g, &model, &by_imm.seeds, 20_000, 4);
    assert!((by_imm.estimated_spread - a).abs() / a < params.epsilon, "{} vs {a}", by_imm.estimated_spread);
}

#[test]
fn seeds_are_the_same_on_any_number_of_threads() {
    let g = ba(5000, 4, 2);
    let model = InfluenceGraph::new(&g, CascadeKind::IndependentCascade, ArcRule::InverseInDegree);
    let on = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| (imm(&model, 20, ImmParams::default(), None, 9), celf(&g, &model, 5, 500, 9).seeds))
    };
    assert_eq!(on(1), on(2));
}

const SCENARIO: &str = "name = \"seeds\"\n[graph]\nkind = \"barabasi-albert\"\nnodes = 3000\nm = 3\n\
    [model]\nkind = \"independent-cascade\"\nweights = \"weighted-cascade\"\n\
    [campaign]\ncycle_time_days = 1.0\ncycle_time_distribution = \"fixed\"\n\
    [simulation]\nruns = 200\ndays = 200\nrng_seed = 4\n";

fn scenario(extra: &str) -> Result<Scenario, String> {
    Scenario::from_toml_str(&format!("{SCENARIO}{extra}"), "s.toml", Path::new(".")).map_err(|e| e.to_string())
}

#[test]
fn a_scenarios_strategy_chooses_its_seeds_once_and_records_them() {
    let s = scenario("[seeding]\nstrategy = \"influence-max\"\ncount = 8\ncost_per_seed = 5\ncost_per_friend = 1\n")
        .unwrap();
    let g = s.build_graph().unwrap();
    let p = s.prepare(&g).unwrap();
    let chosen = p.seeds.as_ref().expect("influence-max chooses once");
    assert_eq!(chosen.seeds.len(), 8);
    let Seeding::Nodes { nodes } = &p.config.seeding else { panic!("chosen seeds are listed") };
    assert_eq!(nodes.iter().map(|v| v.0).collect::<Vec<_>>(), chosen.seeds);
    let cost: f64 = chosen.seeds.iter().map(|&v| 5.0 + g.degree(NodeId(v)) as f64).sum();
    assert!((p.seed_cost - cost).abs() < 1e-9);
    // The seed users' cost is a fixed cost of the campaign.
    assert!((p.analysis.fixed_costs - cost).abs() < 1e-9);
    // The resolved scenario reads back to the same.
    let again = Scenario::from_toml_str(&s.to_resolved_toml(), "again.toml", Path::new(".")).unwrap();
    assert_eq!(again.seeding, s.seeding);
    assert_eq!(again.seed_options, s.seed_options);
}

#[test]
fn every_seeding_option_is_checked() {
    let cases: &[(&str, &str)] = &[
        (
            "[seeding]\nstrategy = \"best\"\n",
            "must be one of random, highest-degree, degree-discount, community, influence-max",
        ),
        ("[seeding]\nstrategy = \"influence-max\"\nepsilon = 0\n", "seeding.epsilon = 0: must be in [0.01, 0.9]"),
        ("[seeding]\nstrategy = \"influence-max\"\nell = 20\n", "seeding.ell = 20: must be in [0.1, 10]"),
        (
            "[seeding]\nstrategy = \"highest-degree\"\nepsilon = 0.2\n",
            "seeding.epsilon is used by seeding.strategy = influence-max only",
        ),
        (
            "[seeding]\nstrategy = \"community\"\nselection_probability = 0.1\n",
            "used by seeding.strategy = degree-discount or influence-max only",
        ),
        (
            "[seeding]\nstrategy = \"influence-max\"\nselection_model = \"sir\"\n",
            "must be one of independent-cascade, linear-threshold",
        ),
        (
            "[seeding]\nstrategy = \"influence-max\"\nselection_model = \"linear-threshold\"\nselection_probability = 0.1\n",
            "is the independent cascade's",
        ),
        (
            "[seeding]\nstrategy = \"influence-max\"\nselection_probability = 1.5\n",
            "seeding.selection_probability = 1.5: must be in",
        ),
        (
            "[seeding]\nstrategy = \"influence-max\"\nbudget = 100\n",
            "give seeding.cost_per_seed or seeding.cost_per_friend too",
        ),
        ("[seeding]\nstrategy = \"random\"\ncost_per_friend = 1\n", "random seeds differ from run to run"),
        (
            "[seeding]\nstrategy = \"random\"\ncost_per_seed = 1\nbudget = 5\n",
            "seeding.budget is used by seeding.strategy = highest-degree or degree-discount or community or influence-max only",
        ),
        (
            "[seeding]\nstrategy = \"degree-discount\"\ncost_per_seed = -1\n",
            "seeding.cost_per_seed = -1: must be in [0, 1000000000000]",
        ),
        ("[seeding]\nnodes = [1, 2]\nepsilon = 0.2\n", "this scenario's seeds: listed"),
    ];
    for (extra, expected) in cases {
        let err = scenario(extra).expect_err(extra);
        assert!(err.contains(expected), "{extra:?}: expected {expected:?} in\n{err}");
        assert!(err.contains("s.toml:"), "{extra:?}: names the file and line\n{err}");
    }
    // Problems found on the graph.
    let on_graph = |extra: &str| {
        let s = scenario(extra).unwrap();
        let g = s.build_graph().unwrap();
        s.prepare(&g).map(|_| ()).unwrap_err().to_string()
    };
    let err = scenario("[seeding]\nstrategy = \"community\"\ncount = 3001\n").unwrap_err();
    assert!(err.contains("must be an integer from 1 to 3000"), "{err}");
    assert!(
        on_graph("[seeding]\nstrategy = \"highest-degree\"\ncost_per_seed = 50\nbudget = 10\n")
            .contains("no seed user fits seeding.budget")
    );
}

fn fission() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fission"))
}

#[test]
fn fission_seeds_compares_strategies_reproducibly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    let run = |threads: &str, out: &str| {
        fission()
            .args(["seeds"])
            .arg(&path)
            .args([
                "--k",
                "1,5,10",
                "--strategies",
                "random,highest-degree,degree-discount,community,influence-max,celf",
            ])
            .args(["--celf-worlds", "500", "--runs", "300", "--quiet", "--threads", threads, "--out"])
            .arg(dir.path().join(out))
            .assert()
            .success();
        std::fs::read(dir.path().join(out).join("seeds.csv")).unwrap()
    };
    let one = run("1", "a");
    assert_eq!(one, run("2", "b"), "byte-identical on 1 and 2 threads");
    let text = String::from_utf8(one).unwrap();
    assert_eq!(text.lines().count(), 1 + 6 * 3);
    let reach = |strategy: &str, k: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(&format!("{strategy},{k},"))).unwrap();
        line.split(',').nth(3).unwrap().parse().unwrap()
    };
    // The weighted cascade on a BA graph: chosen seeds reach much further than random ones.
    for s in ["highest-degree", "degree-discount", "influence-max", "celf"] {
        assert!(reach(s, "10") > 2.0 * reach("random", "10"), "{s}");
    }
    for name in ["seeds.json", "seeds.png", "seeds.svg"] {
        assert!(dir.path().join("a").join(name).is_file(), "{name}");
    }
    // Bad options are refused before anything runs.
    for (args, expected) in [
        (vec!["--k", "0..5"], "at least 1"),
        (vec!["--k", "5..1"], "runs backwards"),
        (vec!["--strategies", "best"], "is not a strategy"),
        (vec!["--k", "4000"], "more seed users than the graph's 3000 people"),
    ] {
        let out = fission()
            .arg("seeds")
            .arg(&path)
            .args(&args)
            .args(["--quiet", "--out"])
            .arg(dir.path().join("x"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}
