//! Group chats: the people's groups as generated, posts to them, and the campaign's own
//! capped groups with and without group fission.

mod common;

use fission::engine::{CycleTime, DelayDistribution, RunConfig, Seeding, run_ensemble};
use fission::graph::groups::{GROUP_CAP, Membership};
use fission::graph::{GraphModel, GraphSpec, SocialGraph, TieStrengths};
use fission::model::{Behaviour, CampaignGroups, Channels, Coefficients, GroupChannel, Levers, Rewards};
use std::sync::Arc;

fn graph() -> SocialGraph {
    GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 20 }, tie_strength: TieStrengths::default() }
        .generate(3)
        .unwrap()
}

fn viral(group: Option<GroupChannel>, campaign_groups: Option<CampaignGroups>) -> Behaviour {
    Behaviour::Campaign {
        levers: Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.8, page_quality: 0.8 },
        coefficients: Coefficients::default(),
        channels: Channels { group, campaign_groups, ..Channels::default() },
        rewards: Rewards::default(),
    }
}

fn config(behaviour: Behaviour, membership: Option<Arc<Membership>>, runs: usize) -> RunConfig {
    RunConfig {
        behaviour,
        cycle_time: CycleTime { mean_days: 2.0, distribution: DelayDistribution::Geometric },
        seeding: Seeding::Random { count: 20 },
        runs,
        days: 40,
        rng_seed: 9,
        end_day: None,
        membership,
        official_account: None,
    }
}

#[test]
fn generated_groups_have_the_stated_memberships_and_sizes() {
    let g = graph();
    let m = Membership::generate(&g, 5.0, 500, 2.0, 1);
    let per_person = m.memberships() as f64 / g.node_count() as f64;
    assert!((per_person - 5.0).abs() < 0.05, "{per_person} groups per person");
    assert!(m.largest() <= 500);
    let sizes: Vec<usize> = (0..m.group_count() as u32).map(|x| m.members(x).len()).collect();
    assert!(sizes.iter().all(|&s| s >= 3));
    // P(s) ∝ s^-2 on 3..=500: mean Σ s^-1 / Σ s^-2 over that range.
    let (h1, h2): (f64, f64) =
        (3..=500).map(|s| (1.0 / s as f64, 1.0 / (s * s) as f64)).fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let mean = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    let var = sizes.iter().map(|&s| (s as f64 - mean).powi(2)).sum::<f64>() / sizes.len() as f64;
    let se = (var / sizes.len() as f64).sqrt();
    common::assert_within_4se("mean group size", mean, se, h1 / h2);
    // Each person's groups and each group's members agree.
    for v in (0..g.node_count() as u32).step_by(97) {
        for &grp in m.groups_of(v) {
            assert!(m.members(grp).contains(&v));
        }
    }
    // The same seed, the same groups.
    assert_eq!(m, Membership::generate(&g, 5.0, 500, 2.0, 1));
    // A file's group over 500 members is refused.
    let big: Vec<(u32, u64)> = (0..=GROUP_CAP).map(|v| (v, 7)).collect();
    assert!(Membership::from_pairs(1000, &big).unwrap_err().contains("group 7 has 501 members"));
}

#[test]
fn no_campaign_group_ever_exceeds_its_cap_and_fission_opens_new_ones() {
    let g = graph();
    let cap = 40;
    let with = |fission| viral(None, Some(CampaignGroups { seed_groups: 2, cap, fission }));
    let split = run_ensemble(&g, &config(with(true), None, 300), &|_| {}).unwrap();
    let full = run_ensemble(&g, &config(with(false), None, 300), &|_| {}).unwrap();
    let mut opened = 0;
    for (a, b) in split.outcomes.iter().zip(&full.outcomes) {
        assert!(a.groups_max_members <= cap && b.groups_max_members <= cap);
        assert_eq!(a.groups_members, a.reach, "everyone who joined is in a group");
        assert_eq!(a.groups_total, 2 + a.groups_created);
        // Without fission the two groups hold everyone: the campaign stops at 2 × cap.
        assert!(b.reach <= 2 * cap && b.groups_created == 0);
        opened += a.groups_created;
    }
    let refused: u32 = full.outcomes.iter().map(|o| o.group_joins_refused).sum();
    assert!(opened > 300 && refused > 300, "opened {opened}, refused {refused}");
    let mean = |e: &fission::engine::Ensemble| e.outcomes.iter().map(|o| o.reach as f64).sum::<f64>() / e.runs as f64;
    assert!(mean(&split) > 2.0 * mean(&full), "fission {} against {}", mean(&split), mean(&full));
}

#[test]
fn group_posts_recruit_and_every_channel_adds_up() {
    let g = graph();
    let m = Arc::new(Membership::generate(&g, 5.0, 500, 2.0, 2));
    let posting = GroupChannel { posts_per_sharer: 2, attention: 0.2, attention_decay: 0.5 };
    let e = run_ensemble(&g, &config(viral(Some(posting), None), Some(m.clone()), 200), &|_| {}).unwrap();
    let mut group_joins = 0;
    for o in &e.outcomes {
        assert_eq!(o.channel_invitations.iter().sum::<u64>(), o.invitations);
        assert_eq!(o.channel_joins.iter().sum::<u32>(), o.reach - 20);
        group_joins += o.channel_joins[2];
    }
    assert!(group_joins > 0, "group posts recruited nobody");
    // Without the people's groups the engine refuses the group channel.
    assert!(run_ensemble(&g, &config(viral(Some(posting), None), None, 1), &|_| {}).is_err());
    // Posting adds reach: more than the same design without it (common random numbers).
    let without = run_ensemble(&g, &config(viral(None, None), None, 200), &|_| {}).unwrap();
    let mean = |e: &fission::engine::Ensemble| e.outcomes.iter().map(|o| o.reach as f64).sum::<f64>() / e.runs as f64;
    assert!(mean(&e) > mean(&without));
}
