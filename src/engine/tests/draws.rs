//! The engine's draws and tables: coins, skip tables, coin thresholds and bit masks,
//! conversion tables and cells of strength, marks and tree statistics.

use super::*;

#[test]
fn tie_class_table_gives_each_arcs_exact_conversion() {
    let g = weighted_path(&[0.8, 0.2, 0.8, 0.5, 0.2, 0.8]);
    let behaviour = campaign().compile();
    let tie = TieClasses::new(&g, &behaviour).expect("three distinct strengths are tabulated");
    assert_eq!(tie.classes, 3);
    for u in 0..g.node_count() as u32 {
        let first = g.first_arc(NodeId(u));
        for (j, &w) in g.weights(NodeId(u)).unwrap().iter().enumerate() {
            for ci in 0..behaviour.channels.len() {
                for e in [1u8, 2, 7, 16, 40, 63] {
                    let exact = behaviour.conversion(ci, e as u32, Some(w));
                    assert_eq!(tie.conversion(ci, first + j, e), exact, "arc {u}/{j}, channel {ci}, {e} invitations");
                }
            }
        }
    }
    // Too many distinct strengths: every conversion is computed instead.
    let many: Vec<f32> = (0..=MAX_TIE_CLASSES).map(|i| i as f32 / 100.0).collect();
    assert!(TieClasses::new(&weighted_path(&many), &behaviour).is_none());
}

#[test]
fn issue_4_each_invitation_reads_its_own_channel_and_tie_entry() {
    // Every invitation a chunk emits carries the table offset of its channel and of
    // its tie's class (or cell of strength): with 3 or 5 classes, adding the class's
    // offset to the channel's by a bitwise or (as until this test) sent Moments
    // invitations to another class's entries.
    let (plain, _, many_ties, viral) = invitation_test_graphs();
    let cfg = with(viral, Seeding::Random { count: 1 }, 5, fixed(1.0));
    let graphs = [
        with_strengths(&plain, &[0.5]),
        with_strengths(&plain, &[0.2, 0.8]),
        with_strengths(&plain, &[0.2, 0.5, 0.8]),
        with_strengths(&plain, &[0.1, 0.3, 0.5, 0.7, 0.9]),
        many_ties,
    ];
    for (case, g) in graphs.iter().enumerate() {
        let prepared = Prepared::new(g, &cfg).unwrap();
        let t = prepared.thresholds.as_ref().expect("chunked conversions");
        // Table entries per channel, and per class or cell.
        let (per_channel, stride, class_of): (usize, usize, &[u8]) = match (&prepared.tie_classes, &prepared.tie_cells)
        {
            (Some(tie), _) => (tie.classes * TABLE_EXPOSURES, TABLE_EXPOSURES, &tie.class_of_arc),
            (None, Some(cells)) => (TIE_CELLS * CELL_STRIDE, CELL_STRIDE, cells),
            (None, None) => unreachable!("the graphs have tie strengths"),
        };
        assert_eq!(t.table.len(), 2 * per_channel, "case {case}");
        let mut s = RunScratch::new(&prepared);
        s.keys = crate::rng::Keys::for_run(11, case as u64);
        let mut hits = Vec::new();
        let mut checked = [0usize; 2];
        for start in (0..g.node_count() as u32).step_by(LOCKSTEP_CHUNK) {
            let sharers: Vec<(u32, u32)> =
                (start..(start + LOCKSTEP_CHUNK as u32).min(g.node_count() as u32)).map(|u| (u, u - start)).collect();
            let count = prepared.select_chunk(&prepared.reach, &sharers, &mut s, &t.channel_base, &mut hits, 0);
            // The invitations are exactly those whose keyed reach coin (32 bits of the
            // arc's draw per channel) is below the sharer's threshold, in order of
            // sharer, friend and channel: the draws of the one-at-a-time reference.
            let mut expected = Vec::new();
            for &(u, _) in &sharers {
                let (first, degree) = (g.first_arc(NodeId(u)), g.degree(NodeId(u)));
                for j in 0..degree {
                    let h = crate::rng::keyed(s.keys.reach, (first + j) as u64);
                    for (c, reach) in prepared.reach.iter().enumerate() {
                        let below = reach.coins(degree).below;
                        let coin = (h >> (32 * c)) as u32 as u64;
                        // (A sharer whose channels all reach everyone or no one draws nothing.)
                        if coin < below || below >= COIN_ONE {
                            expected.push((u, g.neighbours(NodeId(u))[j], c));
                        }
                    }
                }
            }
            let got: Vec<(u32, u32, usize)> = hits[..count]
                .iter()
                .map(|&(v, tag)| (sharers[(tag >> 16) as usize].0, v, ((tag & 0xFFFF) as usize) / per_channel))
                .collect();
            assert_eq!(got, expected, "case {case}, chunk at {start}");
            for &(v, tag) in &hits[..count] {
                let u = sharers[(tag >> 16) as usize].0;
                let j = g.neighbours(NodeId(u)).binary_search(&v).expect("invitees are friends");
                let arc = g.first_arc(NodeId(u)) + j;
                let offset = (tag & 0xFFFF) as usize;
                let channel = offset / per_channel;
                assert!(channel < 2, "case {case}: offset {offset}");
                assert_eq!(offset, channel * per_channel + class_of[arc] as usize * stride, "case {case}");
                checked[channel] += 1;
            }
        }
        assert!(checked[0] > 1000 && checked[1] > 1000, "case {case}: {checked:?}");
    }
}

/// Recruitment-tree statistics on both sides of the 64-bit limit, against closed
/// forms: a path of n people from its seed has structural virality (n + 1) / 3, a
/// star from its centre 2(n − 1) / n (Goel et al. 2016), and their mean is what a
/// run with the two as its trees reports; Σ offspring² is n − 1 and (n − 1)².
#[test]
fn tree_statistics_match_closed_forms_in_64_and_128_bits() {
    for n in [50usize, WIENER_64_BELOW / 2 + 7] {
        let mut t = Tree::default();
        t.push(0, NONE);
        t.push(1, NONE);
        // Path: position 2i (i ≥ 1) is recruited by 2i − 2; star: odd positions by 1.
        for i in 1..n {
            t.push(2 * i as u32, 2 * (i as u32 - 1));
            t.push(2 * i as u32 + 1, 1);
        }
        assert_eq!(t.len >= WIENER_64_BELOW, n > 50, "both sums are tested");
        let mut out = RunOutcome::default();
        tree_statistics(&mut t, &mut out);
        let nf = n as f64;
        let expected = ((nf + 1.0) / 3.0 + 2.0 * (nf - 1.0) / nf) / 2.0;
        let nu = out.structural_virality.expect("two trees of two or more");
        assert!((nu - expected).abs() < 1e-9 * expected, "n = {n}: {nu} against {expected}");
        assert_eq!(out.offspring_square_sum, (n as u64 - 1) + (n as u64 - 1).pow(2));
        // Per tree: the path (root 0) and the star (root 1), in the order of their roots.
        let [path, star] = [t.shapes[0], t.shapes[1]];
        assert_eq!(t.shapes.len(), 2);
        assert_eq!((path.root, path.size, path.depth, path.max_offspring), (NodeId(0), n as u32, n as u32 - 1, 1));
        assert_eq!((star.root, star.size, star.depth, star.max_offspring), (NodeId(1), n as u32, 1, n as u32 - 1));
        assert!(star.is_star() && !path.is_star());
        let sv = |s: TreeShape| s.structural_virality.expect("two or more people");
        assert!((sv(path) - (nf + 1.0) / 3.0).abs() < 1e-9 * nf);
        assert!((sv(star) - 2.0 * (nf - 1.0) / nf).abs() < 1e-9);
    }
}

#[test]
fn tree_shapes_of_a_forest_of_singles_and_a_broom() {
    // Seeds 10, 11, 12; 11 recruits 20 and 21; 21 recruits 30, 31 and 32.
    let mut t = Tree::default();
    for (node, parent) in [(10, NONE), (11, NONE), (20, 1), (21, 1), (12, NONE), (30, 3), (31, 3), (32, 3)] {
        t.push(node, parent);
    }
    let mut out = RunOutcome::default();
    tree_statistics(&mut t, &mut out);
    let rows: Vec<(u32, u32, u32, u32)> =
        t.shapes.iter().map(|s| (s.root.0, s.size, s.depth, s.max_offspring)).collect();
    assert_eq!(rows, [(10, 1, 0, 0), (11, 6, 2, 3), (12, 1, 0, 0)]);
    assert_eq!(t.shapes[0].structural_virality, None);
    // The broom of 6: subtree sizes 1, 4, 1, 1, 1 below the root: Σ s (6 − s) = 4·5 + 8 = 28,
    // ν = 2 · 28 / 30.
    let nu = t.shapes[1].structural_virality.unwrap();
    assert!((nu - 56.0 / 30.0).abs() < 1e-12, "{nu}");
    assert_eq!(out.structural_virality, Some(nu));
}

#[test]
fn a_mark_keeps_state_and_invitation_count_apart() {
    let g = ring(4);
    let cfg = ic(0.5, Seeding::Random { count: 1 }, 5, CycleTime::default());
    let prepared = Prepared::new(&g, &cfg).unwrap();
    let mut s = RunScratch::new(&prepared);
    s.set_state(2, EXPOSED);
    for k in 1..=70u32 {
        s.marks[2] = count_exposure(s.marks[2]);
        assert_eq!((s.marks[2] >> 2) as u32, k.min(63));
        assert_eq!(s.state(2), EXPOSED);
    }
    s.set_state(2, PENDING);
    assert_eq!((s.state(2), s.marks[2] >> 2), (PENDING, 63));
    assert_eq!(s.state(1), UNTOUCHED);
}

#[test]
fn coins_keep_each_item_with_their_probability() {
    // Both paths of `for_each` (skips below COINS_ABOVE, coins above): the count kept
    // out of `len` is Binomial(len, p).
    let mut rng = stream_rng(3, 4);
    let (len, trials) = (37usize, 20_000usize);
    for p in [0.03, 0.2, 0.4, 0.7, 0.95] {
        let coins = Coins::new(p);
        let mut kept = 0usize;
        for _ in 0..trials {
            coins.for_each(len, &mut rng, |_, _| kept += 1);
        }
        let n = (len * trials) as f64;
        let sd = (p * (1.0 - p)).sqrt();
        let mean = kept as f64 / n;
        assert!((mean - p).abs() < 4.0 * sd / n.sqrt(), "for_each p = {p}: kept {mean}");
    }
}

/// The keyed draws of the campaign (common random numbers): a channel's reach coin,
/// 32 bits of the arc's draw, keeps each friend with its probability, the two channels'
/// coins of one arc are independent, and neighbouring arcs' and runs' coins too; a
/// conversion coin keyed by (sender, friend) likewise. Over 400 runs' keys × 500 arcs,
/// each frequency within 4.5 standard errors.
#[test]
fn keyed_coins_are_uniform_and_independent() {
    use crate::rng::{Keys, keyed, pair};
    let (runs, arcs) = (400u64, 500u64);
    let n = (runs * arcs) as f64;
    for (p0, p1) in [(0.1, 0.5), (0.03, 0.9), (0.5, 0.5)] {
        let (b0, b1) = (coin_threshold(p0), coin_threshold(p1));
        let (mut k0, mut k1, mut both, mut next, mut convert) = (0usize, 0usize, 0usize, 0usize, 0usize);
        for run in 0..runs {
            let keys = Keys::for_run(11, run);
            for arc in 0..arcs {
                let h = keyed(keys.reach, arc);
                let (c0, c1) = (((h as u32) as u64) < b0, (((h >> 32) as u32) as u64) < b1);
                let c0_next = ((keyed(keys.reach, arc + 1) as u32) as u64) < b0;
                k0 += c0 as usize;
                k1 += c1 as usize;
                both += (c0 && c1) as usize;
                next += (c0 && c0_next) as usize;
                convert += (keyed(keys.convert[0], pair(arc as u32, 7)) >> 32 < b1) as usize;
            }
        }
        for (what, count, p) in [
            ("channel 0", k0, p0),
            ("channel 1", k1, p1),
            ("both channels", both, p0 * p1),
            ("neighbouring arcs", next, p0 * p0),
            ("conversion", convert, p1),
        ] {
            let f = count as f64 / n;
            let se = (p * (1.0 - p) / n).sqrt();
            assert!((f - p).abs() < 4.5 * se, "{what} ({p0}, {p1}): {f} against {p}");
        }
    }
    // Keys differ between runs and purposes.
    let (a, b) = (Keys::for_run(11, 0), Keys::for_run(11, 1));
    assert!(a != b && a.share != a.reach && a.convert[0] != a.convert[1]);
}

#[test]
fn skip_table_cells_hold_the_exact_inverse_cdf_skip() {
    // Every cell that holds a skip must give it for the whole cell: the exact skip
    // floor(ln V / ln q) at the cell's top and just inside its bottom.
    for p in [0.02, 0.05, 0.2, 0.5, 0.9] {
        let t = SkipTable::new(p).unwrap();
        let cells = t.cells.len();
        let exact = |v: f64| (v.ln() / (1.0 - p).ln()).floor() as usize;
        for (c, &k) in t.cells.iter().enumerate() {
            if k == SkipTable::STRADDLES {
                continue;
            }
            let top = 1.0 - c as f64 / cells as f64;
            let bottom = 1.0 - (c + 1) as f64 / cells as f64;
            assert_eq!(exact(top), k as usize, "p = {p}, cell {c} top");
            assert_eq!(exact(bottom + 1e-12), k as usize, "p = {p}, cell {c} bottom");
            // The exact path agrees with the table inside the cell.
            let word = ((c as u64) << (64 - SkipTable::BITS)) | 0x0123_4567_89ab;
            assert_eq!(t.exact_skip(word), k as usize, "p = {p}, cell {c}");
        }
    }
    // Outside (0, 1), or too small for the table to pay: Coins' Exp(1) skips.
    assert!(SkipTable::new(0.0).is_none() && SkipTable::new(1.0).is_none() && SkipTable::new(0.001).is_none());
}

#[test]
fn skip_table_draws_are_geometric() {
    // P(skip = k) = (1 - p)^k p and mean (1 - p) / p, within 4 standard errors,
    // including a p at which an eighth of the cells take the exact path.
    let mut rng = stream_rng(5, 6);
    let draws = 200_000usize;
    for p in [0.3, 0.05, 0.017] {
        let t = SkipTable::new(p).unwrap();
        let mut counts = [0usize; 4];
        let mut sum = 0.0;
        for _ in 0..draws {
            let k = t.skip(&mut rng);
            if k < counts.len() {
                counts[k] += 1;
            }
            sum += k as f64;
        }
        let q = 1.0 - p;
        let n = draws as f64;
        for (k, &c) in counts.iter().enumerate() {
            let expected = q.powi(k as i32) * p;
            let se = (expected * (1.0 - expected) / n).sqrt().max(1.0 / n);
            assert!((c as f64 / n - expected).abs() < 4.0 * se, "p = {p}: P(skip = {k}) = {}", c as f64 / n);
        }
        let (mean, sd) = (q / p, q.sqrt() / p);
        assert!((sum / n - mean).abs() < 4.0 * sd / n.sqrt(), "p = {p}: mean skip {} vs {mean}", sum / n);
    }
}

#[test]
fn conversion_thresholds_are_the_models_conversions() {
    let (plain, two_ties, many_ties, viral) = invitation_test_graphs();
    let behaviour = viral.compile();
    let cfg = RunConfig {
        behaviour: viral.clone(),
        ..ic(0.1, Seeding::Random { count: 1 }, 5, CycleTime { mean_days: 1.0, distribution: DelayDistribution::Fixed })
    };
    for (g, classes) in [(&plain, Some(1)), (&two_ties, Some(2)), (&many_ties, None)] {
        let prepared = Prepared::new(g, &cfg).unwrap();
        let t = prepared.thresholds.as_ref().expect("chunked conversions");
        assert_eq!(t.continuous, classes.is_none());
        if t.continuous {
            continue;
        }
        let classes_used = prepared.tie_classes.as_ref().map_or(1, |tie| tie.classes);
        assert_eq!(Some(classes_used), classes);
        assert_eq!(t.table.len(), behaviour.channels.len() * classes_used * TABLE_EXPOSURES);
        for u in 0..g.node_count() as u32 {
            let first = g.first_arc(NodeId(u));
            for j in 0..g.degree(NodeId(u)) {
                let class = prepared.tie_classes.as_ref().map_or(0, |tie| tie.class_of_arc[first + j] as usize);
                let tie = g.weights(NodeId(u)).map(|w| w[j]);
                for ci in 0..behaviour.channels.len() {
                    // The engine's index for a person who had `before` invitations.
                    for before in [0usize, 1, 2, 6, 14, 15, 16, 40, 63] {
                        let index =
                            t.channel_base[ci] as usize + class * TABLE_EXPOSURES + before.min(TABLE_EXPOSURES - 1);
                        let exact = behaviour.conversion(ci, (before + 1).min(63) as u32, tie);
                        assert!((t.table[index] as f64 / 4_294_967_296.0 - exact).abs() < 1.2e-10);
                    }
                }
            }
        }
    }
}

#[test]
fn continuous_ties_convert_exactly_as_their_own_threshold() {
    // On ties of many strengths, a coin is compared with the bounds of its tie's
    // cell of strength first, and the tie's own threshold is computed only in
    // between: the decision must be the tie's own threshold's for every arc,
    // exposure count and coin, coins at and beside each threshold and bound
    // included, on strengths spread over [0.05, 0.95] and on strengths at and one
    // unit in the last place beside every cell's ends (0 and 1 included).
    let (_, _, many_ties, viral) = invitation_test_graphs();
    // (One unit in the last place down and up, by the bits: positive floats order
    // as their bits.)
    let (down, up) = (|x: f32| f32::from_bits(x.to_bits() - 1), |x: f32| f32::from_bits(x.to_bits() + 1));
    let mut edges: Vec<f32> = vec![0.0, 1.0, f32::MIN_POSITIVE, down(1.0)];
    for c in 1..TIE_CELLS {
        let end = c as f32 / TIE_CELLS as f32;
        edges.extend([end, down(end), up(end)]);
    }
    let at_cell_ends = weighted_path(&edges);
    let behaviour = viral.compile();
    let cfg = with(viral, Seeding::Random { count: 1 }, 5, fixed(1.0));
    let mut rng = crate::rng::stream_rng(3, 0);
    for (g, step) in [(&many_ties, 7), (&at_cell_ends, 1)] {
        let prepared = Prepared::new(g, &cfg).unwrap();
        let t = prepared.thresholds.as_ref().expect("chunked conversions");
        assert!(t.continuous && t.table.len() == behaviour.channels.len() * TIE_CELLS * CELL_STRIDE);
        let cells = prepared.tie_cells.as_ref().expect("cells of strength");
        assert!(prepared.tie_classes.is_none());
        let weights = g.all_weights().unwrap();
        // Each arc's sender.
        let tails: Vec<u32> =
            (0..g.node_count() as u32).flat_map(|u| std::iter::repeat_n(u, g.degree(NodeId(u)))).collect();
        let (mut computed, mut decided) = (0, 0);
        for arc in (0..weights.len()).step_by(step) {
            let (w, cell) = (weights[arc], cells[arc] as usize);
            // The cell holds the strength.
            assert!(cell as f32 / TIE_CELLS as f32 <= w, "{w} in cell {cell}");
            assert!(w < (cell + 1) as f32 / TIE_CELLS as f32 || (cell == TIE_CELLS - 1 && w == 1.0));
            for ci in 0..behaviour.channels.len() {
                let tag = (5 << 16) | (t.channel_base[ci] + (cell * CELL_STRIDE) as u32);
                for e in 0..TABLE_EXPOSURES {
                    let own = coin_threshold(behaviour.conversion(ci, e as u32 + 1, Some(w)));
                    let at = (tag & 0xFFFF) as usize + 2 * e;
                    let (low, high) = (t.table[at], t.table[at + 1]);
                    assert!(low < own && own < high, "w {w} channel {ci} e {e}: {low} {own} {high}");
                    let mut coins = vec![own.saturating_sub(1), own, own + 1, low, high, low.saturating_sub(1)];
                    coins.extend((0..4).map(|_| rng.next_u64() >> 32));
                    for coin in coins {
                        let ends = || (tails[arc], g.all_targets()[arc]);
                        let converts = prepared.converts::<true>(&t.table, tag, e, coin, ends);
                        assert_eq!(converts, coin < own, "w {w} channel {ci} e {e} coin {coin}");
                        if coin >= low && coin < high {
                            computed += 1;
                        } else {
                            decided += 1;
                        }
                    }
                }
            }
        }
        assert!(computed > 100 && decided > 100, "{computed} {decided}");
    }
    // A library caller's strengths outside [0, 1] fall in no cell: one invitation
    // at a time.
    // (More distinct strengths than the tie classes tabulate.)
    let strengths: Vec<f32> = (0..=MAX_TIE_CLASSES + 8).map(|i| i as f32 / MAX_TIE_CLASSES as f32).collect();
    assert!(*strengths.last().unwrap() > 1.0);
    let outside = weighted_path(&strengths);
    assert!(Prepared::new(&outside, &cfg).unwrap().thresholds.is_none());
    let inside = weighted_path(&strengths[..=MAX_TIE_CLASSES]);
    assert!(Prepared::new(&inside, &cfg).unwrap().thresholds.as_ref().is_some_and(|t| t.continuous));
    let nan = weighted_path(&[strengths.as_slice(), &[f32::NAN]].concat());
    assert!(Prepared::new(&nan, &cfg).unwrap().thresholds.is_none());
}
