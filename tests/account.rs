//! Official-account pushes: each current follower opens a push at the stated rate, each
//! unfollows at the push's rate (rising with the pushes of the week and with how
//! promotional they are), and readers join as invitees do.

mod common;

use common::assert_within_4se;
use fission::engine::{CycleTime, DelayDistribution, RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, Levers, OfficialAccount, Rewards};

fn graph() -> SocialGraph {
    GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 10 }, tie_strength: TieStrengths::default() }
        .generate(4)
        .unwrap()
}

fn campaign(join_base: f64) -> Behaviour {
    Behaviour::Campaign {
        levers: Levers::default(),
        coefficients: Coefficients { join_base, ..Coefficients::default() },
        channels: Channels::default(),
        rewards: Rewards::default(),
    }
}

fn account(push_days: Vec<u32>, open_rate: f64, unfollow: f64, promotional: f64) -> OfficialAccount {
    OfficialAccount {
        followers: (0..5000).map(|i| i * 4).collect(),
        push_days,
        open_rate,
        unfollow_per_push: unfollow,
        promotional,
        frequency_elasticity: 0.5,
        promotional_weight: 2.0,
        follow_on_join: true,
    }
}

fn config(behaviour: Behaviour, oa: OfficialAccount, runs: usize) -> RunConfig {
    RunConfig {
        behaviour,
        cycle_time: CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed },
        seeding: Seeding::Random { count: 1 },
        runs,
        days: 20,
        rng_seed: 21,
        end_day: None,
        membership: None,
        official_account: Some(oa),
    }
}

/// Mean and standard error of a per-run figure.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (v / n).sqrt())
}

#[test]
fn the_unfollow_rate_rises_with_the_weeks_pushes_and_promotion() {
    let a = account(vec![0, 1, 2, 3, 10], 0.1, 0.01, 0.5);
    // u₀ · f^0.5 · (1 + 2 · 0.5), f = pushes in the 7 days ending on the push.
    for (k, f) in [(0, 1.0), (1, 2.0), (3, 4.0), (4, 1.0)] {
        assert!((a.unfollow_rate(k) - 0.01 * f64::sqrt(f) * 2.0).abs() < 1e-12, "push {k}");
    }
    assert_eq!(account(vec![0], 0.1, 0.9, 1.0).unfollow_rate(0), 1.0);
}

#[test]
fn each_follower_opens_and_unfollows_at_the_stated_rates() {
    let g = graph();
    // Nobody joins (join utility −20): the followers only open pushes and unfollow.
    // Weekly pushes: each push's unfollow rate is u₀ = 0.01.
    let (open, u) = (0.1, 0.01);
    let e = run_ensemble(&g, &config(campaign(-20.0), account(vec![0, 7, 14], open, u, 0.0), 400), &|_| {}).unwrap();
    let opened: Vec<f64> = e.outcomes.iter().map(|o| o.channel_invitations[3] as f64).collect();
    let unfollows: Vec<f64> = e.outcomes.iter().map(|o| o.unfollows as f64).collect();
    // Push k reaches the followers left after k pushes: 5000 (1 − u)^k in expectation.
    let f = 5000.0;
    let left = |k: i32| f * (1.0f64 - u).powi(k);
    let (m, se) = mean_se(&opened);
    assert_within_4se("pushes opened per run", m, se, open * (left(0) + left(1) + left(2)));
    let (m, se) = mean_se(&unfollows);
    assert_within_4se("unfollows per run", m, se, f - left(3));
    for o in &e.outcomes {
        // Only the seed user joined, and follows now if they did not.
        assert!(o.reach == 1 && o.new_follows <= 1);
        assert_eq!(o.followers_end, 5000 + o.new_follows - o.unfollows);
    }
    // Unfollows happen on push days only, and the rows hold them.
    for r in 0..e.runs {
        let row = e.unfollows_row(r);
        assert_eq!(row.iter().sum::<u32>(), e.outcomes[r].unfollows);
        assert!(row.iter().enumerate().all(|(d, &x)| x == 0 || [0, 7, 14].contains(&d)));
    }
    // Daily pushes of a fully promotional article: push k's rate is u₀ · (k + 1)^0.5 · 3.
    let daily = account((0..5).collect(), open, u, 1.0);
    let rates: Vec<f64> = (0..5).map(|k| daily.unfollow_rate(k)).collect();
    let e = run_ensemble(&g, &config(campaign(-20.0), daily, 400), &|_| {}).unwrap();
    let (m, se) = mean_se(&e.outcomes.iter().map(|o| o.unfollows as f64).collect::<Vec<_>>());
    let kept: f64 = rates.iter().map(|r| 1.0 - r).product();
    assert_within_4se("unfollows with daily promotional pushes", m, se, f * (1.0 - kept));
}

#[test]
fn readers_join_follow_and_every_channel_adds_up() {
    let g = graph();
    let e = run_ensemble(&g, &config(campaign(-1.0), account(vec![0, 3, 6], 0.1, 0.002, 0.0), 200), &|_| {}).unwrap();
    let mut readers = 0;
    for o in &e.outcomes {
        assert_eq!(o.channel_joins.iter().sum::<u32>(), o.reach - 1);
        readers += o.channel_joins[3];
        // Participants who did not follow before follow now (the seed too, if new).
        assert!(o.new_follows <= o.reach);
        assert_eq!(o.followers_end, 5000 + o.new_follows - o.unfollows);
    }
    assert!(readers > 100 * 200, "push readers joined {readers} times in 200 runs");
}
