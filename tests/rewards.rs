//! Rewards and the budget: what is paid follows from who recruited whom; a hard cap is
//! never exceeded and nothing is paid after the money is spent; once rewards stop,
//! later decisions follow the design without rewards (K drops to its K).

mod common;

use common::*;
use fission::engine::{CycleTime, DelayDistribution, Ensemble, RunConfig, Seeding, run_ensemble, simulate_cascade};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, Levers, Rewards};
use fission::stats::ratio_estimate;

fn graph() -> SocialGraph {
    GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 20 }, tie_strength: TieStrengths::default() }
        .generate(5)
        .unwrap()
}

/// A campaign whose rewards matter: without them K is about half of K with them.
fn design(reward: f64, rewards: Rewards) -> Behaviour {
    Behaviour::Campaign {
        levers: Levers { threshold: 0.1, complexity: 1, reward, fun: 0.3, page_quality: 0.7 },
        coefficients: Coefficients::default(),
        channels: Channels::default(),
        rewards,
    }
}

fn config(behaviour: Behaviour, cycle: DelayDistribution, runs: usize) -> RunConfig {
    RunConfig {
        behaviour,
        cycle_time: CycleTime {
            mean_days: 1.0 + (cycle != DelayDistribution::Fixed) as u8 as f64,
            distribution: cycle,
        },
        seeding: Seeding::Random { count: 20 },
        runs,
        days: 60,
        rng_seed: 11,
        end_day: None,
        membership: None,
        official_account: None,
    }
}

fn tiered() -> Rewards {
    Rewards { per_referral: 3.0, invitee: 2.0, tiers: vec![(2, 7.0), (5, 20.0)], ..Rewards::default() }
}

#[test]
fn referrer_value_is_the_best_rate_the_tiers_offer() {
    let r = Rewards { per_referral: 1.0, tiers: vec![(3, 10.0), (10, 50.0)], ..Rewards::default() };
    // 10 / 3 for the first tier, (10 + 50) / 10 = 6 for both: the better rate.
    assert!((r.referrer_value() - 7.0).abs() < 1e-12);
    assert_eq!(Rewards::default().referrer_value(), 0.0);
}

#[test]
fn the_spend_is_what_the_recruitment_tree_implies() {
    let g = graph();
    // Both ways a run keeps its account: settled after a run by generation (fixed
    // cycle) and paid as people join (geometric cycle, day by day).
    // With tiers each referrer's count matters; without, every join costs the same.
    let untiered = Rewards { tiers: Vec::new(), ..tiered() };
    for (cycle, rewards) in [DelayDistribution::Fixed, DelayDistribution::Geometric]
        .into_iter()
        .flat_map(|c| [(c, tiered()), (c, untiered.clone())])
    {
        let c = config(design(4.0, rewards.clone()), cycle, 40);
        let mut paid_someone = 0;
        for run in 0..40 {
            let cascade = simulate_cascade(&g, &c, run).unwrap();
            let mut referrals = std::collections::HashMap::new();
            let mut expected = 0.0;
            // By recipient: new participants, referrers, tier prizes.
            let mut parts = [0.0; 3];
            for p in &cascade.participants {
                let Some(r) = p.recruiter else { continue };
                // The joiner: per participant and invitee; the referrer: per referral,
                // then a tier's prize when their referrals reach its count.
                expected += 4.0 + 2.0 + 3.0;
                parts[0] += 4.0 + 2.0;
                parts[1] += 3.0;
                let n = referrals.entry(r).or_insert(0u32);
                *n += 1;
                let prize = rewards.tiers.iter().find(|t| t.0 == *n).map_or(0.0, |t| t.1);
                expected += prize;
                parts[2] += prize;
            }
            for (i, part) in parts.iter().enumerate() {
                let got = cascade.outcome.spend_by_recipient[i];
                assert!((got - part).abs() < 1e-9, "{cycle:?} run {run}: recipient {i} paid {got} against {part}");
            }
            paid_someone += (expected > 0.0) as usize;
            assert!(
                (cascade.outcome.spend - expected).abs() < 1e-9,
                "{cycle:?} run {run}: spend {} against {expected} from the tree",
                cascade.outcome.spend
            );
            assert_eq!(cascade.outcome.budget_exhausted_day, None);
        }
        assert!(paid_someone > 20, "{cycle:?}: only {paid_someone} of 40 runs recruited anyone");
        // The ensemble's rows hold the same runs' spend, day by day.
        let e = run_ensemble(&g, &c, &|_| {}).unwrap();
        for r in 0..e.runs {
            let row: f64 = e.spend_row(r).iter().sum();
            assert!((row - e.outcomes[r].spend).abs() < 1e-9, "run {r}: rows {row}, outcome {}", e.outcomes[r].spend);
        }
    }
}

/// The day the cumulative spend of run `r` first exceeds `budget`.
fn first_day_above(e: &Ensemble, r: usize, budget: f64) -> Option<u32> {
    let mut acc = 0.0;
    e.spend_row(r)
        .iter()
        .position(|x| {
            acc += x;
            acc > budget
        })
        .map(|d| d as u32)
}

#[test]
fn a_hard_cap_is_never_exceeded_and_nothing_is_paid_after_it() {
    let g = graph();
    let budget = 150.0;
    let capped = Rewards { budget: Some(budget), hard_cap: true, ..tiered() };
    for cycle in [DelayDistribution::Fixed, DelayDistribution::Geometric] {
        let e = run_ensemble(&g, &config(design(4.0, capped.clone()), cycle, 400), &|_| {}).unwrap();
        let mut exhausted = 0;
        for (r, o) in e.outcomes.iter().enumerate() {
            assert!(o.spend <= budget + 1e-9, "{cycle:?} run {r}: spent {} of {budget}", o.spend);
            // What each recipient got adds up to the spend, payments cut short included.
            let parts: f64 = o.spend_by_recipient.iter().sum();
            assert!((parts - o.spend).abs() < 1e-9, "{cycle:?} run {r}: parts {parts}, spend {}", o.spend);
            if let Some(day) = o.budget_exhausted_day {
                exhausted += 1;
                let after: f64 = e.spend_row(r).iter().skip(day as usize + 1).sum();
                assert_eq!(after, 0.0, "{cycle:?} run {r}: paid {after} after the budget ran out on day {day}");
                // The next payment did not fit: little is left.
                assert!(o.spend > budget - 30.0, "{cycle:?} run {r}: ran out with {} left", budget - o.spend);
            } else {
                assert!(o.spend + 9.0 + 20.0 > 0.0);
            }
        }
        assert!(exhausted > 40 && exhausted < 360, "{cycle:?}: the budget ran out in {exhausted} of 400 runs");
        // Without a hard cap the same budget is overspent, and the day it is, reported.
        let loose = Rewards { hard_cap: false, ..capped.clone() };
        let e = run_ensemble(&g, &config(design(4.0, loose), cycle, 400), &|_| {}).unwrap();
        let over = e.outcomes.iter().filter(|o| o.spend > budget).count();
        assert!(over > 40, "{cycle:?}: only {over} runs overspent");
        for (r, o) in e.outcomes.iter().enumerate() {
            assert_eq!(o.budget_exhausted_day, first_day_above(&e, r, budget), "{cycle:?} run {r}");
        }
    }
}

/// Σ Z_{g+1} / Σ Z_g over the generations g >= 1 (people who joined on day 1 or later
/// with a one-day cycle), with its standard error: what each such participant recruited.
fn k_after_day_zero(e: &Ensemble) -> (f64, f64) {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for r in 0..e.runs {
        assert!(!e.outcomes[r].is_censored, "run {r} still spreading at the horizon");
        let gens = e.generation_row(r);
        let x: u32 = gens.iter().skip(1).sum();
        let y: u32 = gens.iter().skip(2).sum();
        xs.push(x as f64);
        ys.push(y as f64);
    }
    let k = ratio_estimate(&ys, &xs);
    (k.value, k.std_error)
}

#[test]
fn once_the_money_is_spent_decisions_follow_the_design_without_rewards() {
    let g = graph();
    let rewards = Rewards { per_referral: 20.0, invitee: 10.0, ..Rewards::default() };
    let runs = 10_000;
    let run = |b: Behaviour| run_ensemble(&g, &config(b, DelayDistribution::Fixed, runs), &|_| {}).unwrap();
    // A budget too small for any payment: the rewards stop at the first join after day
    // 0, so from day 1 on every decision is the unrewarded design's, exactly as with
    // rewards that end on day 0 (the draws are common: the same runs).
    let spent_at_once = run(design(5.0, Rewards { budget: Some(0.5), ..rewards.clone() }));
    let ended = run(design(5.0, Rewards { end_day: Some(0), ..rewards.clone() }));
    for r in 0..runs {
        let (a, b) = (&spent_at_once.outcomes[r], &ended.outcomes[r]);
        assert_eq!((a.reach, a.invitations, a.sharers), (b.reach, b.invitations, b.sharers), "run {r}");
        assert_eq!(a.spend, 0.0);
        if a.reach > 20 {
            assert_eq!(a.budget_exhausted_day, Some(1), "run {r}");
        }
    }
    // K of those who joined after the rewards stopped is the unrewarded design's K;
    // with the rewards paid throughout it is clearly higher.
    let (k_stopped, se_stopped) = k_after_day_zero(&spent_at_once);
    let (k_none, se_none) = k_after_day_zero(&run(design(0.0, Rewards::default())));
    let (k_paid, se_paid) = k_after_day_zero(&run(design(5.0, rewards)));
    let se = (se_stopped.powi(2) + se_none.powi(2)).sqrt();
    assert_within_4se("K after the budget is spent, against K without rewards", k_stopped, se, k_none);
    let se_gap = (se_paid.powi(2) + se_none.powi(2)).sqrt();
    assert!(k_paid - k_none > 6.0 * se_gap, "K with rewards {k_paid:.3}, without {k_none:.3} (se {se_gap:.4})");
}
