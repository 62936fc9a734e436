//! The planner: paired comparisons whose intervals cover the truth at their stated
//! rate on a case with a known answer, and that pairing with common random numbers
//! saves most of the variance of a comparison of campaign designs.

mod common;

use common::*;
use fission::engine::{RunConfig, Seeding, run_ensemble};
use fission::model::{Behaviour, Channels, Coefficients, EdgeProbability, Levers, Rewards};
use fission::plan::{DesignRun, compare};
use fission::stats::{AnalysisConfig, analyse};

fn ic(p: f64) -> Behaviour {
    Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }
}

/// One seed user on a random 8-regular graph, K counted on the seed's generation alone:
/// the seed's recruits are Binomial(8, p), so K = 8p exactly and ΔK = 8 (p_b − p_a).
#[test]
fn paired_intervals_cover_the_known_difference_at_their_rate() {
    let g = random_regular(5_000, 8, 3);
    let (pa, pb) = (0.10, 0.13);
    let truth = 8.0 * (pb - pa);
    let config = |b: Behaviour, seed: u64| RunConfig {
        behaviour: b,
        cycle_time: LOCKSTEP,
        seeding: Seeding::Random { count: 1 },
        runs: 300,
        days: 1,
        rng_seed: seed,
        end_day: None,
        membership: None,
        official_account: None,
    };
    // Only the seed's generation counts as parents (K pools generations while at most
    // one person has joined): K = Σ Z₁ / runs.
    let ac = AnalysisConfig { k_population_limit: 1.0 / 5000.0, ..AnalysisConfig::default() };
    let trials = 300;
    let mut covered = 0;
    for t in 0..trials {
        let (a, b) = (
            run_ensemble(&g, &config(ic(pa), t), &|_| {}).unwrap(),
            run_ensemble(&g, &config(ic(pb), t), &|_| {}).unwrap(),
        );
        let (aa, ab) = (analyse(&a, &ac), analyse(&b, &ac));
        let designs = [
            DesignRun { name: "a".into(), file: String::new(), ensemble: &a, analysis: &aa, config: ac },
            DesignRun { name: "b".into(), file: String::new(), ensemble: &b, analysis: &ab, config: ac },
        ];
        let d = &compare(&designs).differences[0].k;
        covered += (d.ci_low <= truth && truth <= d.ci_high) as usize;
    }
    let rate = covered as f64 / trials as f64;
    let se = (0.95f64 * 0.05 / trials as f64).sqrt();
    assert_within_4se("coverage of the paired 95% interval on ΔK", rate, se, 0.95);
}

/// Two campaign designs a yuan apart on one graph: the paired difference is far less
/// noisy than two independent ensembles', and the same design twice differs by nothing.
#[test]
fn common_random_numbers_pair_campaign_designs() {
    let g = fission::graph::GraphSpec {
        model: fission::graph::GraphModel::BarabasiAlbert { nodes: 10_000, m: 20 },
        tie_strength: Default::default(),
    }
    .generate(8)
    .unwrap();
    let design = |reward: f64| Behaviour::Campaign {
        levers: Levers { reward, ..Levers::default() },
        coefficients: Coefficients::default(),
        channels: Channels::default(),
        rewards: Rewards::default(),
    };
    let config = |b: Behaviour| RunConfig {
        behaviour: b,
        cycle_time: LOCKSTEP,
        seeding: Seeding::Random { count: 20 },
        runs: 1000,
        days: 30,
        rng_seed: 4,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let ac = AnalysisConfig::default();
    let (a, b, a2) = (
        run_ensemble(&g, &config(design(5.0)), &|_| {}).unwrap(),
        run_ensemble(&g, &config(design(6.0)), &|_| {}).unwrap(),
        run_ensemble(&g, &config(design(5.0)), &|_| {}).unwrap(),
    );
    let (aa, ab, aa2) = (analyse(&a, &ac), analyse(&b, &ac), analyse(&a2, &ac));
    let run =
        |name: &str, e, an| DesignRun { name: name.into(), file: String::new(), ensemble: e, analysis: an, config: ac };
    let c = compare(&[run("5", &a, &aa), run("6", &b, &ab), run("5 again", &a2, &aa2)]);
    let reward = &c.differences[0];
    assert!(reward.reach.variance_reduction > 5.0, "reach: {}", reward.reach.variance_reduction);
    assert!(reward.k.variance_reduction > 5.0, "K: {}", reward.k.variance_reduction);
    assert!(reward.reach.mean > 0.0 && reward.k.mean > 0.0);
    let same = &c.differences[1];
    assert_eq!((same.reach.mean, same.k.mean, same.reach.p_value), (0.0, 0.0, 1.0));
    assert_eq!(c.variance_reduction.len(), 2);
}

/// K = 8p along p (one seed user, K counted on the seed's generation): it crosses 1 at
/// p = 0.125, and the interval of the sweep's tipping point covers it at least at its
/// stated rate (the band is pointwise: the interval is conservative).
#[test]
fn the_tipping_point_interval_covers_the_known_crossing() {
    use fission::plan::sweep::tipping_point;
    let g = random_regular(5_000, 8, 5);
    let ps = [0.09, 0.11, 0.13, 0.15];
    let ac = AnalysisConfig { k_population_limit: 1.0 / 5000.0, ..AnalysisConfig::default() };
    let trials = 200;
    let (mut covered, mut found) = (0, 0);
    for t in 0..trials {
        let ks: Vec<_> = ps
            .iter()
            .map(|&p| {
                let config = RunConfig {
                    behaviour: ic(p),
                    cycle_time: LOCKSTEP,
                    seeding: Seeding::Random { count: 1 },
                    runs: 400,
                    days: 1,
                    rng_seed: 1000 + t,
                    end_day: None,
                    membership: None,
                    official_account: None,
                };
                analyse(&run_ensemble(&g, &config, &|_| {}).unwrap(), &ac).viral_coefficient
            })
            .collect();
        if let Some(tp) = tipping_point(&ps, &ks) {
            found += 1;
            let (lo, hi) = (tp.ci_low.unwrap_or(f64::NEG_INFINITY), tp.ci_high.unwrap_or(f64::INFINITY));
            covered += (lo <= 0.125 && 0.125 <= hi) as usize;
            assert!(tp.rising);
        }
    }
    assert_eq!(found, trials, "K crosses 1 in every sweep");
    let rate = covered as f64 / trials as f64;
    println!("tipping point 0.125 covered in {covered} of {trials} sweeps");
    assert!(rate >= 0.95 - 4.0 * (0.95f64 * 0.05 / trials as f64).sqrt(), "coverage {rate}");
}

/// On a reward grid, the search picks the design a full grid picks (the smallest reward
/// whose K is at least 1 with 90% confidence at the most runs) with a fraction of its
/// runs.
#[test]
fn optimize_finds_the_full_grids_design_with_a_fraction_of_its_runs() {
    use fission::plan::optimize::{Evaluation, LeverRange, Search, Target, Verdict, optimize};
    let g = fission::graph::GraphSpec {
        model: fission::graph::GraphModel::BarabasiAlbert { nodes: 10_000, m: 20 },
        tie_strength: Default::default(),
    }
    .generate(12)
    .unwrap();
    let rewards: Vec<f64> = (0..=12).map(|i| 5.0 * i as f64).collect();
    let levers = [LeverRange { key: "campaign.reward".into(), values: rewards.clone() }];
    let target = Target::K { k: 1.0, confidence: 0.9 };
    let search = Search { min_runs: 100, max_runs: 800, max_cost: None };
    let ac = AnalysisConfig::default();
    let mut eval = |v: &[f64], runs: usize| -> Result<Evaluation, String> {
        let config = RunConfig {
            behaviour: Behaviour::Campaign {
                levers: Levers { reward: v[0], fun: 0.6, ..Levers::default() },
                coefficients: Coefficients::default(),
                channels: Channels::default(),
                rewards: Rewards::default(),
            },
            cycle_time: LOCKSTEP,
            seeding: Seeding::Random { count: 20 },
            runs,
            days: 30,
            rng_seed: 6,
            end_day: None,
            membership: None,
            official_account: None,
        };
        let a = analyse(&run_ensemble(&g, &config, &|_| {}).unwrap(), &ac);
        Ok(Evaluation { k: a.viral_coefficient, p_goal: None, cost: a.cost.mean_total })
    };
    let found = optimize(&levers, &target, &search, &[0.0], &mut eval).unwrap();
    // The full grid: every reward at the most runs, the same rule.
    let grid =
        rewards.iter().find(|&&r| target.verdict(&eval(&[r], search.max_runs).unwrap()).0 == Verdict::Meets).copied();
    let chosen = found.chosen.as_ref().map(|p| p.values[0]);
    assert!(grid.is_some() && grid != Some(rewards[0]), "the target lies inside the grid: {grid:?}");
    assert_eq!(chosen, grid, "search {chosen:?}, full grid {grid:?}");
    let share = found.runs_spent as f64 / found.grid_runs as f64;
    println!(
        "optimize: reward {chosen:?} with {} of {} runs ({:.0}%)",
        found.runs_spent,
        found.grid_runs,
        share * 100.0
    );
    assert!(share <= 0.3, "{share}");
}
