//! Estimators against closed forms and coverage checks.

mod common;

use fission::rng::{stream_rng, uniform};
use fission::stats::{proportion_estimate, quantile_sorted, ratio_estimate, viral_loop};

/// The viral-loop formula reproduces Skok's published figures and the reference
/// numbers of the project notes (U0 = 10).
#[test]
fn viral_loop_matches_published_numbers() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.max(1.0);
    assert!(close(viral_loop(10.0, 2.0, 2.0, 20.0), 20_470.0));
    assert!(close(viral_loop(10.0, 2.0, 1.0, 20.0), 20_971_510.0));
    assert!(close(viral_loop(10.0, 2.0, 5.0, 20.0), 310.0));
    assert!(close(viral_loop(10.0, 1.0, 2.0, 20.0), 110.0));
    assert!(close(viral_loop(10.0, 1.2, 3.0, 30.0), 321.504_009_6));
    // K < 1 converges to U0 / (1 − K).
    assert!((viral_loop(10.0, 0.5, 1.0, 200.0) - 20.0).abs() < 1e-9);
}

/// Draws Poisson(lambda) by inversion (small lambda).
fn poisson(rng: &mut fission::rng::SimRng, lambda: f64) -> u64 {
    let (mut k, mut p, u) = (0u64, (-lambda).exp(), uniform(rng));
    let mut cdf = p;
    while u > cdf {
        k += 1;
        p *= lambda / k as f64;
        cdf += p;
    }
    k
}

/// 95% intervals of the ratio (Harris) estimator contain the true offspring mean at a
/// rate within binomial tolerance of 0.95. Each replicate: 300 "runs", each with
/// X ~ 1 + Poisson(4) parents and Y ~ Binomial(6X, 0.2) children (true ratio 1.2).
#[test]
fn ratio_estimator_intervals_cover_the_truth() {
    let mut rng = stream_rng(2024, 0);
    let (replicates, runs, truth) = (2000, 300, 1.2);
    let mut covered = 0;
    let (mut xs, mut ys) = (vec![0.0; runs], vec![0.0; runs]);
    for _ in 0..replicates {
        for r in 0..runs {
            let x = 1 + poisson(&mut rng, 4.0);
            let y = (0..6 * x).filter(|_| uniform(&mut rng) < 0.2).count();
            xs[r] = x as f64;
            ys[r] = y as f64;
        }
        let e = ratio_estimate(&ys, &xs);
        if e.ci_low <= truth && truth <= e.ci_high {
            covered += 1;
        }
    }
    let rate = covered as f64 / replicates as f64;
    let tolerance = 4.0 * (0.95f64 * 0.05 / replicates as f64).sqrt();
    assert!((rate - 0.95).abs() <= tolerance, "coverage {rate}");
}

/// Wilson intervals for a proportion cover at (about) their nominal rate.
#[test]
fn wilson_intervals_cover_the_truth() {
    let mut rng = stream_rng(7, 0);
    let (replicates, n, p) = (4000, 200, 0.3);
    let covered = (0..replicates)
        .filter(|_| {
            let k = (0..n).filter(|_| uniform(&mut rng) < p).count();
            let e = proportion_estimate(k, n);
            e.ci_low <= p && p <= e.ci_high
        })
        .count();
    let rate = covered as f64 / replicates as f64;
    assert!((rate - 0.95).abs() <= 4.0 * (0.95f64 * 0.05 / replicates as f64).sqrt() + 0.01, "coverage {rate}");
}

#[test]
fn quantiles_interpolate_like_r_type_7() {
    let xs = [1.0, 2.0, 4.0, 8.0, 16.0];
    assert_eq!(quantile_sorted(&xs, 0.0), 1.0);
    assert_eq!(quantile_sorted(&xs, 1.0), 16.0);
    assert_eq!(quantile_sorted(&xs, 0.5), 4.0);
    assert_eq!(quantile_sorted(&xs, 0.05), 1.2); // h = 0.2 → 1 + 0.2·(2 − 1)
    assert!(quantile_sorted(&[], 0.5).is_nan());
}

/// An interval of a quantity that cannot be negative stops at 0: 20 runs of one parent
/// each with one child in a single run give K = 0.05 with a standard error of 0.05, and
/// 0.05 − t(0.975, 19)·0.05 = −0.055 would be below any possible K. The upper end is
/// unchanged; means of signed values keep their symmetric interval.
#[test]
fn intervals_of_nonnegative_quantities_stop_at_zero() {
    let xs = vec![1.0; 20];
    let mut ys = vec![0.0; 20];
    ys[0] = 1.0;
    let k = ratio_estimate(&ys, &xs);
    assert!((k.value - 0.05).abs() < 1e-12 && (k.std_error - 0.05).abs() < 1e-12);
    let t = 2.093_024_054_408_263; // t(0.975, 19)
    assert_eq!(k.ci_low, 0.0);
    assert!((k.ci_high - (0.05 + t * 0.05)).abs() < 1e-9);
    let signed = fission::stats::mean_estimate(&[-1.0, 0.5, 1.0]);
    assert!(signed.ci_low < -1.0 && (signed.ci_high - signed.value - (signed.value - signed.ci_low)).abs() < 1e-12);
}

/// P(goal met) and the confidence in a K goal on cases with a known answer: a path
/// reached one person a day (p = 1, from one end), and a cascade with a known K.
#[test]
fn goal_probability_counts_the_reach_by_its_day() {
    use fission::engine::{Seeding, run_ensemble};
    use fission::graph::{NodeId, SocialGraph};
    use fission::model::{Behaviour, EdgeProbability};
    use fission::stats::{Goal, goal_summary};
    let mut path = petgraph::graph::UnGraph::<(), f32>::new_undirected();
    let nodes: Vec<_> = (0..100).map(|_| path.add_node(())).collect();
    for w in nodes.windows(2) {
        path.add_edge(w[0], w[1], 0.5);
    }
    let g = SocialGraph::from_petgraph(&path, false, None).unwrap();
    let config = fission::engine::RunConfig {
        behaviour: Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(1.0) },
        cycle_time: common::LOCKSTEP,
        seeding: Seeding::Nodes { nodes: vec![NodeId(0)] },
        runs: 50,
        days: 40,
        rng_seed: 3,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let e = run_ensemble(&g, &config, &|_| {}).unwrap();
    let k = common::analysis(&e).viral_coefficient;
    // Day d has reached d + 1 people: 11 by day 10, not by day 9.
    let p = |reach, by_day| {
        goal_summary(&e, Goal { reach: Some(reach), by_day: Some(by_day), k: None }, &k).reach_met.unwrap()
    };
    assert_eq!(p(11.0, 10).value, 1.0);
    assert_eq!(p(11.0, 9).value, 0.0);
    assert!(p(11.0, 9).ci_high < 0.08, "Wilson interval of 0 of 50");
    // No day given: the horizon (day 40: 41 people).
    let all = goal_summary(&e, Goal { reach: Some(41.0), by_day: None, k: None }, &k);
    assert_eq!((all.day, all.reach_met.unwrap().value), (40, 1.0));
    // K's confidence: one half at the estimate, rising as the goal falls below it.
    let e = common::ensemble(
        &common::random_regular(20_000, 6, 1),
        Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(0.1) },
        20,
        2000,
        30,
        5,
    );
    let k = common::analysis(&e).viral_coefficient;
    let c = |target| goal_summary(&e, Goal { reach: None, by_day: None, k: Some(target) }, &k).k_confidence.unwrap();
    assert!((c(k.value) - 0.5).abs() < 1e-9);
    assert!(c(k.value - 4.0 * k.std_error) > 0.9999 && c(k.value + 4.0 * k.std_error) < 1e-4);
    let se = k.std_error;
    assert!(c(k.value + se) < 0.5 && 0.5 < c(k.value - se));
}
