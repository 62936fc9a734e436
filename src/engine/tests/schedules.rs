//! The fast schedules against the reference: generation by generation against day by
//! day, chunks of 64 against one invitation at a time, as distributions over runs.

use super::*;

#[test]
fn lockstep_runs_match_the_day_by_day_schedule() {
    // The generation-by-generation run of the uniform cascade with a fixed cycle
    // time draws its coins on each chunk's friend lists laid end to end, so it is
    // not the day-by-day run draw for draw; it must be the same process. Each
    // lockstep run is checked exactly (a valid recruitment tree, rows that agree
    // with it, every sharer's friends invited), and the two schedules' mean reach,
    // generation sizes and censored fractions must agree within 4.5 standard
    // errors of their difference.
    let g = generated(GraphModel::BarabasiAlbert { nodes: 3000, m: 3 }, 4);
    let cases = [
        (ic(0.2, Seeding::Random { count: 5 }, 60, fixed(1.0)), 1u32),
        (ic(0.45, Seeding::HighestDegree { count: 3 }, 9, fixed(2.0)), 2), // censored runs
        (ic(0.04, Seeding::Random { count: 40 }, 30, fixed(3.0)), 3),
        (ic(0.7, Seeding::Random { count: 1 }, 4, fixed(1.0)), 1), // coins, not skips
    ];
    const RUNS: u64 = 2000;
    const GENERATIONS: usize = 4;
    let mut censored_runs = 0;
    for (cfg, delay) in &cases {
        let lockstep = Prepared::new(&g, cfg).unwrap();
        assert_eq!(lockstep.lockstep, Some(*delay));
        let mut by_day = Prepared::new(&g, cfg).unwrap();
        let Path::CascadeByGeneration { coins, .. } = lockstep.path else { panic!("{:?}", lockstep.path) };
        by_day.path = Path::CascadeByDay { coins };
        // Per schedule: Σ reach, Σ reach², censored runs, Σ and Σ² of each early
        // generation's size.
        let mut sums = [(0.0, 0.0, 0.0, [(0.0, 0.0); GENERATIONS]); 2];
        for (side, prepared) in [&lockstep, &by_day].into_iter().enumerate() {
            let mut scratch = RunScratch::new(prepared);
            for run in 0..RUNS {
                let out = prepared.run(run, &mut scratch);
                let mut rows = TaskRows::default();
                scratch.rows.drain_into(&out, &mut rows);
                let sum = &mut sums[side];
                sum.0 += out.reach as f64;
                sum.1 += (out.reach as f64).powi(2);
                sum.2 += out.is_censored as u32 as f64;
                for (k, acc) in sum.3.iter_mut().enumerate() {
                    let size = rows.gen_size.get(k).copied().unwrap_or(0) as f64;
                    acc.0 += size;
                    acc.1 += size * size;
                }
                if side == 1 {
                    continue;
                }
                censored_runs += out.is_censored as usize;
                // Exact checks of the lockstep run.
                let (order, parents) = (scratch.tree.order(), scratch.tree.parents());
                assert_eq!(order.len(), out.reach as usize, "run {run}");
                let mut seen = std::collections::HashSet::new();
                let mut generation = vec![0u32; order.len()];
                let mut invited = vec![0u64; rows.gen_invites.len() + 1];
                for (i, (&v, &p)) in order.iter().zip(parents).enumerate() {
                    assert!(seen.insert(v), "run {run}: {v} joined twice");
                    if p != NONE {
                        let p = p as usize;
                        assert!(p < i, "run {run}: a recruiter joins first");
                        assert!(g.neighbours(NodeId(order[p])).contains(&v), "run {run}: recruiters are friends");
                        generation[i] = generation[p] + 1;
                    }
                }
                for (i, &v) in order.iter().enumerate() {
                    invited[generation[i] as usize] += g.degree(NodeId(v)) as u64;
                }
                for (k, &size) in rows.gen_size.iter().enumerate() {
                    let members = generation.iter().filter(|&&x| x as usize == k).count();
                    assert_eq!(size as usize, members, "run {run} generation {k}");
                    assert_eq!(rows.daily[k * *delay as usize], size, "run {run} day of generation {k}");
                    // IC shares always and invites every friend.
                    assert_eq!(rows.gen_invites[k], invited[k], "run {run} generation {k}");
                }
            }
        }
        let n = RUNS as f64;
        let agree = |what: &str, (sa, qa): (f64, f64), (sb, qb): (f64, f64)| {
            let (ma, mb) = (sa / n, sb / n);
            let se = ((qa / n - ma * ma) / n + (qb / n - mb * mb) / n).sqrt();
            assert!((ma - mb).abs() <= 4.5 * se + 1e-9, "{what}: lockstep {ma} vs by day {mb} (SE {se})");
        };
        let [a, b] = sums;
        agree("reach", (a.0, a.1), (b.0, b.1));
        agree("censored", (a.2, a.2), (b.2, b.2));
        for k in 0..GENERATIONS {
            agree(&format!("generation {k}"), a.3[k], b.3[k]);
        }
    }
    assert!(censored_runs > 0, "the cases include censored runs");
    // And the single-run API reports lockstep days from generations.
    let c = simulate_cascade(&g, &cases[2].0, 1).unwrap();
    assert!(c.participants.iter().all(|p| p.day == 3 * p.generation));
}

#[test]
fn lockstep_invitation_runs_equal_the_day_by_day_schedule() {
    // The campaign computed one invitation at a time (on ties of many strengths
    // when the chunked runs are switched off, as for a library caller's strengths
    // outside [0, 1]) and the weighted cascades with a fixed cycle time go
    // generation by generation: the same run, draw for draw, as the day-by-day
    // schedule (scalars, rows and recruitment tree), censored runs included.
    let (plain, _, many_ties, viral) = invitation_test_graphs();
    let cases = [
        (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 8, fixed(1.0))),
        (&many_ties, with(viral, Seeding::HighestDegree { count: 3 }, 3, fixed(1.0))),
        (
            &many_ties,
            with(
                Behaviour::IndependentCascade { probability: EdgeProbability::EdgeWeights },
                Seeding::Random { count: 3 },
                6,
                fixed(1.0),
            ),
        ),
        (
            &plain,
            with(
                Behaviour::IndependentCascade { probability: EdgeProbability::WeightedCascade },
                Seeding::Random { count: 20 },
                20,
                fixed(2.0),
            ),
        ),
    ];
    let (mut censored, mut spread) = (0, 0);
    for (case, (g, cfg)) in cases.iter().enumerate() {
        let mut lockstep = Prepared::new(g, cfg).unwrap();
        assert!(lockstep.lockstep.is_some() && lockstep.thresholds.is_some() == (case < 2), "case {case}");
        // The lockstep run without chunked conversions draws what the reference draws.
        let (Process::Invitation(rule), Some(delay)) = (lockstep.process, lockstep.lockstep) else { unreachable!() };
        lockstep.path = Path::InvitationsByGeneration { rule, delay };
        let mut by_day = Prepared::new(g, cfg).unwrap();
        by_day.path = Path::Reference;
        let (mut a, mut b) = (RunScratch::new(&lockstep), RunScratch::new(&by_day));
        let (mut rows_a, mut rows_b) = (TaskRows::default(), TaskRows::default());
        for run in 0..40 {
            let (x, y) = (lockstep.run(run, &mut a), by_day.run(run, &mut b));
            assert_eq!(x, y, "case {case} run {run}");
            assert_eq!(a.tree.order(), b.tree.order(), "case {case} run {run}");
            assert_eq!(a.tree.parents(), b.tree.parents(), "case {case} run {run}");
            a.rows.drain_into(&x, &mut rows_a);
            b.rows.drain_into(&y, &mut rows_b);
            censored += x.is_censored as usize;
            spread += (x.generations > 3) as usize;
        }
        assert_eq!(rows_a.daily, rows_b.daily, "case {case}");
        assert_eq!(rows_a.gen_size, rows_b.gen_size, "case {case}");
        assert_eq!(rows_a.gen_invites, rows_b.gen_invites, "case {case}");
    }
    assert!(censored > 0, "the cases include censored runs");
    assert!(spread > 60, "the cases include runs that spread");
}

#[test]
fn lockstep_campaign_runs_match_the_day_by_day_schedule() {
    // The campaign with chunked conversions (tabulated, or bounded on ties of many
    // strengths) and a fixed cycle goes generation by generation in chunks, drawing a chunk's reach before its conversions: not the
    // day-by-day run draw for draw, but it must be the same process.
    let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
    let (gated, heeding) = gated_ties(&plain, &viral, false);
    let (gated_classes, _) = gated_ties(&plain, &viral, true);
    let cases = [
        (&plain, with(viral.clone(), Seeding::Random { count: 5 }, 60, fixed(1.0)), 1u32),
        (&gated_classes, with(heeding.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
        (&plain, with(viral.clone(), Seeding::HighestDegree { count: 3 }, 4, fixed(2.0)), 2), // censored
        (&two_ties, with(viral.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
        (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
        (&gated, with(heeding, Seeding::Random { count: 10 }, 40, fixed(1.0)), 1),
        (&plain, with(campaign(), Seeding::Random { count: 30 }, 30, fixed(3.0)), 3),
        // Moments alone, by a coin per friend (reach above 0.3).
        (&plain, with(with_channels(&viral, None, Some(0.5)), Seeding::Random { count: 5 }, 40, fixed(1.0)), 1),
        // Everyone alike; active and ordinary sharers (an active sharer's Moments by
        // coins, an ordinary one's by skips), on plain and on many ties.
        (&plain, with(with_classes(&viral, 0.0), Seeding::Random { count: 5 }, 40, fixed(1.0)), 1),
        (&plain, with(with_classes(&campaign(), 0.2), Seeding::Random { count: 20 }, 40, fixed(1.0)), 1),
        (&many_ties, with(with_classes(&viral, 0.1), Seeding::Random { count: 10 }, 40, fixed(2.0)), 2),
    ];
    let (mut censored, mut spread) = (0, 0);
    for (case, (g, cfg, delay)) in cases.iter().enumerate() {
        let lockstep = Prepared::new(g, cfg).unwrap();
        assert!(lockstep.lockstep == Some(*delay) && lockstep.thresholds.is_some(), "case {case}");
        let mut by_day = Prepared::new(g, cfg).unwrap();
        (by_day.lockstep, by_day.thresholds) = (None, None);
        let (c, sp) = campaign_schedules_agree(case, g, &lockstep, &by_day, Some(*delay));
        censored += c;
        spread += sp;
    }
    assert!(censored > 0, "the cases include censored runs");
    assert!(spread > 1000, "the cases include runs that spread");
}

#[test]
fn chunked_campaign_runs_match_the_one_at_a_time_schedule() {
    // The campaign with chunked conversions (tabulated, or bounded on ties of many
    // strengths) and a random cycle goes day by day,
    // each day's joiners in chunks: the same process as one invitation at a time,
    // first passage included (an earlier conversion replaces a later one).
    let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
    let (gated, heeding) = gated_ties(&plain, &viral, false);
    let (gated_classes, _) = gated_ties(&plain, &viral, true);
    let star = star_of_thirty();
    let viral_once = match &viral {
        Behaviour::Campaign { levers, coefficients, channels, rewards } => Behaviour::Campaign {
            rewards: rewards.clone(),
            levers: *levers,
            coefficients: crate::model::Coefficients { join_base: -2.5, ..*coefficients },
            channels: *channels,
        },
        _ => unreachable!(),
    };
    let cases = [
        (&plain, with(viral.clone(), Seeding::Random { count: 5 }, 90, geometric(2.0))),
        (&plain, with(viral.clone(), Seeding::HighestDegree { count: 3 }, 6, geometric(1.5))), // censored
        (&two_ties, with(viral.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
        (&many_ties, with(viral.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
        (&gated, with(heeding.clone(), Seeding::Random { count: 10 }, 60, geometric(2.5))),
        (&gated_classes, with(heeding, Seeding::Random { count: 10 }, 60, geometric(2.5))),
        // Direct messages, and Moments by skips too long for the table (reach 0.01).
        (&plain, with(with_channels(&viral, Some(6.0), Some(0.01)), Seeding::Random { count: 5 }, 60, geometric(2.0))),
        (&plain, with(campaign(), Seeding::Random { count: 30 }, 30, CycleTime::default())),
        // Everyone alike; active and ordinary sharers, on plain and on two ties.
        (&plain, with(with_classes(&viral, 0.0), Seeding::Random { count: 5 }, 60, geometric(2.0))),
        (&plain, with(with_classes(&campaign(), 0.2), Seeding::Random { count: 20 }, 60, geometric(2.0))),
        (&two_ties, with(with_classes(&viral, 0.1), Seeding::Random { count: 10 }, 60, geometric(2.5))),
        // Thirty seed users whose one friend is the same person: that person joins
        // on the earliest of the arrivals their converted invitations draw.
        (&star, with(viral_once, Seeding::Nodes { nodes: (1..=30).map(NodeId).collect() }, 60, geometric(8.0))),
    ];
    day_by_day_schedules_agree(&cases, |p| matches!(p.path, Path::CampaignByDay { .. }), |p| p.path = Path::Reference);
}

#[test]
fn chunked_cascade_runs_match_the_one_at_a_time_schedule() {
    // The uniform cascade with a random cycle goes day by day, each day's joiners in
    // chunks: the same process as one sender at a time, first passage included.
    let (plain, two_ties, _, _) = invitation_test_graphs();
    let star = star_of_thirty();
    let cases = [
        (&plain, ic(0.3, Seeding::Random { count: 5 }, 90, geometric(2.0))),
        (&plain, ic(0.3, Seeding::HighestDegree { count: 3 }, 6, geometric(1.5))), // censored
        (&two_ties, ic(0.15, Seeding::Random { count: 10 }, 60, geometric(2.5))),
        // A coin per tie (p above 0.5), and skips by Exp(1) draws (p too small for
        // the table).
        (&two_ties, ic(0.6, Seeding::Random { count: 2 }, 60, geometric(3.0))),
        (&plain, ic(0.002, Seeding::Random { count: 200 }, 60, geometric(2.0))),
        // Thirty seed users whose one friend is the same person, reached by all of
        // them: that person joins on the earliest of thirty arrivals.
        (&star, ic(1.0, Seeding::Nodes { nodes: (1..=30).map(NodeId).collect() }, 60, geometric(8.0))),
    ];
    day_by_day_schedules_agree(&cases, |p| matches!(p.path, Path::CascadeByDay { .. }), |p| p.path = Path::Reference);
}
