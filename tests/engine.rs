//! The engine against theory: branching factors, outbreak sizes, final-size equations
//! and closed forms, with tolerances from the standard error (fixed seeds).

mod common;

use common::*;
use fission::engine::{RunConfig, Seeding, run_ensemble};
use fission::graph::{GraphModel, GraphSpec, TieStrengths};
use fission::model::{Behaviour, Channels, Coefficients, DirectChannel, EdgeProbability, Levers, logistic};
use fission::stats::analyse;

/// Independent cascade on a random d-regular graph: the seeds' generation has K_0 = d·p
/// (d friends, each converts with probability p) and the next K_1 = (d − 1)·p (the
/// recruiter is already in). Subcritical, so depletion is negligible at n = 200,000.
#[test]
fn independent_cascade_on_random_regular_graph_has_branching_factors_dp_and_d_minus_1_p() {
    let (n, d, p) = (200_000, 6, 0.15);
    let g = random_regular(n, d, 1);
    let e = ensemble(&g, Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, 1, 20_000, 30, 7);
    let a = analysis(&e);
    let k0 = a.per_generation[0].k;
    let k1 = a.per_generation[1].k;
    assert_within_4se("K_0", k0.value, k0.std_error, d as f64 * p);
    assert_within_4se("K_1", k1.value, k1.std_error, (d - 1) as f64 * p);
}

/// The share probability of everyone alike and the join probability of a first
/// invitation on a neutral tie, from the model's equations (docs/MODEL.md §2), not from
/// the code.
fn share_and_join(levers: Levers, c: Coefficients) -> (f64, f64) {
    let u = (1.0f64 + levers.reward / c.reward_reference).ln();
    let step = c.step_completion_min + (c.step_completion_max - c.step_completion_min) * levers.page_quality;
    let share = logistic(c.share_base + c.share_reward * u + c.share_fun * levers.fun) * step;
    let join =
        logistic(c.join_base + c.join_reward * u + c.join_fun * levers.fun - c.join_threshold * levers.threshold)
            * step.powi(levers.complexity as i32);
    (share, join)
}

/// Direct messages to every friend (up to 100), read with probability 0.7; no Moments.
fn every_friend_messaged() -> Channels {
    Channels {
        direct: Some(DirectChannel { invites_per_sharer: 100.0, attention: 0.7 }),
        moments: None,
        group: None,
        campaign_groups: None,
    }
}

/// The campaign model with every friend messaged, neutral ties and no reinforcement is
/// a fixed join-and-share process: K_0 = d·s·c and K_1 = (d − 1)·s·c with s the share
/// probability and c the conversion of an invitation, both computed here from the
/// model's equations (docs/MODEL.md), not from the code.
#[test]
fn campaign_model_reduces_to_fixed_share_and_join_probabilities() {
    let (n, d) = (200_000, 8);
    let g = random_regular(n, d, 2);
    let levers = Levers { threshold: 0.4, complexity: 2, reward: 8.0, fun: 0.5, page_quality: 0.6 };
    // Everyone alike (`active_share = 0`, the model before issue 23).
    let coefficients = Coefficients {
        join_reinforcement: 0.0,
        active_share: 0.0,
        novelty_half_life_days: 0.0,
        ..Coefficients::default()
    };
    let channels = every_friend_messaged();
    let (share, join) = share_and_join(levers, coefficients);
    let per_edge = share * 0.7 * join;
    let e = ensemble(
        &g,
        Behaviour::Campaign { levers, coefficients, channels, rewards: Default::default() },
        1,
        20_000,
        30,
        3,
    );
    let a = analysis(&e);
    let k0 = a.per_generation[0].k;
    let k1 = a.per_generation[1].k;
    assert_within_4se("K_0", k0.value, k0.std_error, d as f64 * per_edge);
    assert_within_4se("K_1", k1.value, k1.std_error, (d - 1) as f64 * per_edge);
    // Invitations per participant: a sharer invites every friend, joined or not, and
    // each counts: d·s per participant.
    let inv = a.invitations_per_participant;
    assert_within_4se("invitations", inv.value, inv.std_error, d as f64 * share);
}

/// Active and ordinary sharers (issue 23): a share α = σ(logit(a) + γ·L) of people (L
/// the design's share incentives, x − share_base) shares with logit boosted, the rest
/// with logit shifted down, and an active sharer's Moments post reaches r_a of their
/// friends against r_o for an ordinary one. Moments alone, no reinforcement:
/// K_0 = d · c · (A r_a + O r_o) with A = α · logistic(x + boost) · step and
/// O = (1 − α) · logistic(x + shift) · step, c the conversion of a Moments view, all
/// from the model's equations; the share of sharers among participants is A + O.
#[test]
fn active_and_ordinary_sharers_mix_as_the_model_says() {
    let (n, d) = (200_000, 8);
    let g = random_regular(n, d, 5);
    let levers = Levers { threshold: 0.2, complexity: 1, reward: 10.0, fun: 0.6, page_quality: 0.7 };
    let coefficients = Coefficients {
        join_reinforcement: 0.0,
        active_share: 0.1,
        active_share_boost: 3.0,
        ordinary_share_shift: -2.5,
        active_moments_reach: 0.9,
        novelty_half_life_days: 0.0,
        ..Coefficients::default()
    };
    let (reach, attention) = (0.2, 0.5);
    let channels = Channels {
        direct: None,
        moments: Some(fission::model::MomentsChannel { reach, attention }),
        group: None,
        campaign_groups: None,
    };
    let c = coefficients;
    let u = (1.0f64 + levers.reward / c.reward_reference).ln();
    let step = c.step_completion_min + (c.step_completion_max - c.step_completion_min) * levers.page_quality;
    let x = c.share_base + c.share_reward * u + c.share_fun * levers.fun;
    let alpha =
        logistic((c.active_share / (1.0 - c.active_share)).ln() + c.active_share_lever_weight * (x - c.share_base));
    assert!(c.active_share_lever_weight > 0.0 && alpha > c.active_share);
    let active = alpha * logistic(x + c.active_share_boost) * step;
    let ordinary = (1.0 - alpha) * logistic(x + c.ordinary_share_shift) * step;
    let join =
        logistic(c.join_base + c.join_reward * u + c.join_fun * levers.fun - c.join_threshold * levers.threshold)
            * step.powi(levers.complexity as i32);
    let k0 = d as f64 * attention * join * (active * c.active_moments_reach + ordinary * reach);
    let e = ensemble(
        &g,
        Behaviour::Campaign { levers, coefficients, channels, rewards: Default::default() },
        1,
        40_000,
        30,
        9,
    );
    let a = analysis(&e);
    let measured = a.per_generation[0].k;
    assert_within_4se("K_0 with active sharers", measured.value, measured.std_error, k0);
    // Sharers among all participants of all runs: a proportion with mean A + O.
    let people: f64 = e.outcomes.iter().map(|o| o.reach as f64).sum();
    let sharers: f64 = e.outcomes.iter().map(|o| o.sharers as f64).sum();
    let p = active + ordinary;
    assert_within_4se("share of sharers", sharers / people, (p * (1.0 - p) / people).sqrt(), p);
    // Without active sharers the same levers give the homogeneous share probability.
    let plain = Coefficients { active_share: 0.0, ..coefficients };
    let nominal = Behaviour::Campaign { levers, coefficients: plain, channels, rewards: Default::default() }.compile();
    assert!((nominal.share_probability - logistic(x) * step).abs() < 1e-12);
    assert!(nominal.population.is_none());
}

/// Below threshold on Erdős–Rényi G(n, c/n), the mean outbreak from one random seed is
/// 1 / (1 − c·p) (Poisson branching; the notes' reference: c = 4, p = 0.2 → 5).
#[test]
fn subcritical_mean_outbreak_on_erdos_renyi_is_one_over_one_minus_cp() {
    let g = erdos_renyi(200_000, 4.0, 11);
    let c = g.arc_count() as f64 / g.node_count() as f64; // realised mean degree
    let p = 0.2;
    let e = ensemble(&g, Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, 1, 20_000, 200, 5);
    let a = analysis(&e);
    let se = a.reach.std_dev / (a.runs as f64).sqrt();
    assert_within_4se("mean outbreak", a.reach.mean, se, 1.0 / (1.0 - c * p));
}

/// Solves S = 1 − exp(−R S) for S in (0, 1] by bisection (R > 1).
fn final_size(r: f64) -> f64 {
    let (mut lo, mut hi) = (1e-9, 1.0);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if mid - (1.0 - (-r * mid).exp()) < 0.0 { lo = mid } else { hi = mid }
    }
    (lo + hi) / 2.0
}

/// Above threshold on Erdős–Rényi, a single seed starts a large outbreak with
/// probability S and a large outbreak reaches a fraction S of the graph, where
/// S = 1 − exp(−c p S) (bond percolation; c p = 1.5 → S = 0.5828).
#[test]
fn supercritical_erdos_renyi_matches_the_final_size_equation() {
    let n = 50_000;
    let g = erdos_renyi(n, 3.0, 21);
    let c = g.arc_count() as f64 / n as f64;
    let p = 0.5;
    let s = final_size(c * p);
    let runs = 1500;
    let e = ensemble(&g, Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, 1, runs, 400, 9);
    let large: Vec<f64> = e
        .outcomes
        .iter()
        .filter(|o| o.reach as f64 > (n as f64).sqrt() * 10.0)
        .map(|o| o.reach as f64 / n as f64)
        .collect();
    assert!(e.outcomes.iter().all(|o| !o.is_censored), "horizon long enough");
    let share = large.len() as f64 / runs as f64;
    assert_within_4se("P(large outbreak)", share, (s * (1.0 - s) / runs as f64).sqrt(), s);
    let mean = large.iter().sum::<f64>() / large.len() as f64;
    let sd = (large.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (large.len() - 1) as f64).sqrt();
    assert_within_4se("large-outbreak fraction", mean, sd / (large.len() as f64).sqrt(), s);
}

/// With one generation per day on a large random regular graph, mean cumulative
/// participants on day t is the branching-process sum 1 + d p Σ_{g<t} ((d − 1) p)^g:
/// the viral-loop curve of a tree, checked day by day.
#[test]
fn daily_growth_follows_the_branching_process_sum() {
    let (n, d, p) = (400_000, 5, 0.3); // (d − 1) p = 1.2: supercritical but far from saturating in 6 days
    let g = random_regular(n, d, 4);
    let e = ensemble(&g, Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) }, 1, 10_000, 6, 13);
    let a = analysis(&e);
    let mut expected = 1.0;
    for day in 0..=6u32 {
        if day > 0 {
            expected += d as f64 * p * ((d - 1) as f64 * p).powi(day as i32 - 1);
        }
        let cum = a.daily[day as usize].cumulative;
        if day == 0 {
            assert_eq!((cum.mean, cum.std_dev), (1.0, 0.0), "the seed alone on day 0");
            continue;
        }
        assert_within_4se(&format!("day {day}"), cum.mean, cum.std_dev / (a.runs as f64).sqrt(), expected);
    }
}

fn campaign_k(levers: Levers, graph: &fission::graph::SocialGraph, rng_seed: u64) -> fission::stats::Estimate {
    let b = Behaviour::Campaign {
        levers,
        coefficients: Coefficients::default(),
        channels: Channels::default(),
        rewards: Default::default(),
    };
    let config = RunConfig {
        behaviour: b,
        cycle_time: LOCKSTEP,
        seeding: Seeding::Random { count: 20 },
        runs: 3000,
        days: 40,
        rng_seed,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let e = run_ensemble(graph, &config, &|_| {}).unwrap();
    analysis(&e).viral_coefficient
}

/// Every lever acts in the direction practitioners expect: the measured K of the
/// better setting exceeds that of the worse by more than 4 standard errors of the
/// difference (independent ensembles, different seeds).
#[test]
fn each_lever_moves_measured_k_in_the_expected_direction() {
    let g =
        GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 5 }, tie_strength: TieStrengths::default() }
            .generate(8)
            .unwrap();
    let base = Levers::default();
    let cases: [(&str, Levers, Levers); 5] = [
        ("lower threshold", Levers { threshold: 0.6, ..base }, Levers { threshold: 0.1, ..base }),
        ("fewer steps", Levers { complexity: 5, ..base }, Levers { complexity: 2, ..base }),
        ("more reward", Levers { reward: 1.0, ..base }, Levers { reward: 30.0, ..base }),
        ("more fun", Levers { fun: 0.1, ..base }, Levers { fun: 0.7, ..base }),
        ("better page", Levers { page_quality: 0.1, ..base }, Levers { page_quality: 0.9, ..base }),
    ];
    for (i, (what, worse, better)) in cases.into_iter().enumerate() {
        let kw = campaign_k(worse, &g, 100 + i as u64);
        let kb = campaign_k(better, &g, 200 + i as u64);
        let se = (kw.std_error.powi(2) + kb.std_error.powi(2)).sqrt();
        assert!(
            kb.value - kw.value > 4.0 * se,
            "{what}: K {:.4} -> {:.4} (se of difference {se:.4})",
            kw.value,
            kb.value
        );
    }
}

/// Strong ties convert better than weak ones: on a ring where every tie has the same
/// strength, raising that strength raises K.
#[test]
fn strong_ties_raise_k() {
    let k_at = |strength: f32, seed: u64| {
        let g = GraphSpec {
            model: GraphModel::WattsStrogatz { nodes: 20_000, k: 10, rewire: 0.0 },
            tie_strength: TieStrengths { strong: strength, weak: strength },
        }
        .generate(1)
        .unwrap();
        campaign_k(Levers::default(), &g, seed)
    };
    let (weak, strong) = (k_at(0.1, 31), k_at(0.9, 32));
    let se = (weak.std_error.powi(2) + strong.std_error.powi(2)).sqrt();
    assert!(strong.value - weak.value > 4.0 * se, "weak {weak:?} strong {strong:?}");
}

/// Plausible defaults: an ordinary design on a typical graph gives K well below 1
/// (0.1–0.5, what real referral programmes report); one step, a low threshold, high
/// fun and a fair reward exceed 1.
#[test]
fn defaults_are_plausible() {
    // Mean degree 40, as ego-Facebook's 43.7 (WeChat users have hundreds of friends):
    // with active sharers (issue 23) K grows with the friends an active sharer reaches,
    // and on a mean degree of 10 the ordinary design's K is 0.04 and this great one's 0.75.
    let g =
        GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 20_000, m: 20 }, tie_strength: TieStrengths::default() }
            .generate(3)
            .unwrap();
    let ordinary = campaign_k(Levers::default(), &g, 41);
    assert!(ordinary.ci_low > 0.1 && ordinary.ci_high < 0.5, "ordinary design K {ordinary:?}");
    let great = Levers { threshold: 0.05, complexity: 1, reward: 10.0, fun: 0.9, page_quality: 0.8 };
    let k = campaign_k(great, &g, 42);
    assert!(k.ci_low > 1.0, "great design K {k:?}");
}

/// The same ensemble on 1 and 4 threads: identical rows and outcomes.
#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let g = erdos_renyi(5_000, 8.0, 2);
    let config = RunConfig {
        behaviour: Behaviour::Campaign {
            levers: Levers::default(),
            coefficients: Coefficients::default(),
            channels: Channels::default(),
            rewards: Default::default(),
        },
        cycle_time: fission::engine::CycleTime::default(),
        seeding: Seeding::Random { count: 5 },
        runs: 501,
        days: 20,
        rng_seed: 99,
        end_day: None,
        membership: None,
        official_account: None,
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| run_ensemble(&g, &config, &|_| {}).unwrap())
    };
    let (a, b) = (run(1), run(4));
    assert_eq!(a.outcomes, b.outcomes);
    assert_eq!(a, b);
    let cfg = common::analysis;
    assert_eq!(format!("{:?}", cfg(&a)), format!("{:?}", cfg(&b)));
    let _ = analyse;
}

/// Recruitment trees (`trees.csv`, issue 23): an independent cascade seeded at the hub
/// of a star of 30 leaves recruits Bin(30, p) leaves, all directly: every tree of two
/// or more is a star, and the share of trees of at least 10 people is the binomial
/// tail P(Bin(30, p) >= 9), computed here exactly. Generation by generation (fixed
/// cycle) and day by day (geometric cycle); every run's trees add up to its reach.
#[test]
fn trees_of_a_star_seeded_at_its_hub_are_stars_with_binomial_sizes() {
    use fission::engine::{CycleTime, DelayDistribution};
    use fission::graph::{NodeId, SocialGraph};
    let mut g = petgraph::graph::UnGraph::<(), f32>::new_undirected();
    let hub = g.add_node(());
    for _ in 0..30 {
        let leaf = g.add_node(());
        g.add_edge(hub, leaf, 0.5);
    }
    let star = SocialGraph::from_petgraph(&g, false, None).unwrap();
    let p: f64 = 0.3;
    // P(Bin(30, p) >= 9) by summing the probability mass function.
    let choose = |n: u64, k: u64| (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64);
    let tail: f64 = (9..=30).map(|k| choose(30, k) * p.powi(k as i32) * (1.0 - p).powi(30 - k as i32)).sum();
    for distribution in [DelayDistribution::Fixed, DelayDistribution::Geometric] {
        let runs = 4000;
        let config = RunConfig {
            behaviour: Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) },
            cycle_time: CycleTime { mean_days: 2.0, distribution },
            seeding: Seeding::Nodes { nodes: vec![NodeId(0)] },
            runs,
            days: 60,
            rng_seed: 23,
            end_day: None,
            membership: None,
            official_account: None,
        };
        let e = run_ensemble(&star, &config, &|_| {}).unwrap();
        for r in 0..runs {
            let trees = e.tree_row(r);
            assert_eq!(trees.len(), 1);
            assert_eq!(trees[0].root, NodeId(0));
            assert_eq!(trees[0].size, e.outcomes[r].reach, "run {r}");
            assert_eq!(trees[0].is_star(), trees[0].size >= 2, "run {r}");
            assert_eq!(trees[0].max_offspring, trees[0].size - 1);
        }
        let c = analysis(&e).cascades;
        assert_eq!(c.star_share, Some(1.0));
        let share = c.trees_of_10_or_more as f64 / runs as f64;
        let se = (tail * (1.0 - tail) / runs as f64).sqrt();
        assert_within_4se("P(tree of 10 or more)", share, se, tail);
        assert_eq!(c.p_size_100_given_10, Some(0.0));
    }
}

/// Novelty decay (issue 23): with a half-life of h days, the chance to share and each
/// invitation's chance to convert on day t are multiplied by 2^(−t/2h), so K halves every
/// h days. On a random 8-regular graph with every friend messaged, one-day generations
/// (generation g shares on day g) and no reinforcement or fatigue, K_0 = d·s·c and
/// K_g = (d − 1)·s·c·2^(−g/h) for g ≥ 1, s and c from the model's equations; measured
/// for g = 1, 2, 3 with h = 2.
#[test]
fn novelty_halves_k_every_half_life() {
    let (n, d, h) = (200_000, 8, 2.0);
    let g = random_regular(n, d, 4);
    let levers = Levers { threshold: 0.1, complexity: 1, reward: 20.0, fun: 0.8, page_quality: 0.8 };
    let coefficients = Coefficients {
        join_reinforcement: 0.0,
        join_fatigue: 0.0,
        active_share: 0.0,
        novelty_half_life_days: h,
        ..Coefficients::default()
    };
    let channels = every_friend_messaged();
    let (share, join) = share_and_join(levers, coefficients);
    let per_edge = share * 0.7 * join;
    let e = ensemble(
        &g,
        Behaviour::Campaign { levers, coefficients, channels, rewards: Default::default() },
        1,
        20_000,
        30,
        13,
    );
    let a = analysis(&e);
    let k0 = a.per_generation[0].k;
    assert_within_4se("K_0 (day 0)", k0.value, k0.std_error, d as f64 * per_edge);
    for g in 1..=3usize {
        let k = a.per_generation[g].k;
        let expected = (d - 1) as f64 * per_edge * (-(g as f64) / h).exp2();
        assert_within_4se(&format!("K_{g} (day {g})"), k.value, k.std_error, expected);
    }
}

/// The campaign's last day (`campaign.end_day`): nobody joins after it, and a run still
/// spreading then is not censored by it. With common random numbers, the same scenario
/// without an end gives the very same runs up to that day.
#[test]
fn nobody_joins_after_the_campaigns_last_day() {
    use fission::engine::{CycleTime, DelayDistribution};
    let g = random_regular(20_000, 10, 6);
    let levers = Levers { threshold: 0.05, complexity: 1, reward: 20.0, fun: 0.9, page_quality: 0.9 };
    for distribution in [DelayDistribution::Fixed, DelayDistribution::Geometric] {
        let config = |end_day| RunConfig {
            behaviour: Behaviour::Campaign {
                levers,
                coefficients: Coefficients { active_share: 0.0, ..Coefficients::default() },
                channels: Channels::default(),
                rewards: Default::default(),
            },
            cycle_time: CycleTime {
                mean_days: 1.0 + (distribution == DelayDistribution::Geometric) as u8 as f64,
                distribution,
            },
            seeding: Seeding::Random { count: 20 },
            runs: 200,
            days: 20,
            rng_seed: 8,
            end_day,
            membership: None,
            official_account: None,
        };
        let open = run_ensemble(&g, &config(None), &|_| {}).unwrap();
        let ended = run_ensemble(&g, &config(Some(6)), &|_| {}).unwrap();
        assert!(
            open.outcomes.iter().filter(|o| o.last_join_day > 6).count() > 100,
            "{distribution:?}: spreads past day 6"
        );
        for run in 0..200 {
            let (a, b) = (open.daily_row(run), ended.daily_row(run));
            let upto = |row: &[u32]| (0..=6).map(|d| row.get(d).copied().unwrap_or(0)).collect::<Vec<_>>();
            assert_eq!(upto(a), upto(b), "{distribution:?} run {run}: the same run up to the last day");
            assert!(b.iter().skip(7).all(|&x| x == 0), "{distribution:?} run {run}: nobody after day 6");
        }
        assert!(ended.outcomes.iter().all(|o| !o.is_censored && o.last_join_day <= 6), "{distribution:?}");
    }
}
