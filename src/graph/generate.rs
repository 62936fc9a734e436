//! Seeded, reproducible graph generators.
//!
//! Erdős–Rényi and Barabási–Albert come from rustworkx-core (O(n + m)); Watts–Strogatz,
//! the stochastic block model and the configuration model are written here because
//! rustworkx-core lacks them (or, for the block model, is O(n²)). Every generator
//! builds a petgraph graph and freezes it with [`SocialGraph::from_petgraph`].

use super::{DegreeSequence, GraphError, GraphModel, NEUTRAL_TIE, SocialGraph, TieStrengths};
use crate::rng::{SimRng, below, derive_seed, uniform};
use petgraph::graph::{NodeIndex, UnGraph};
use rand::SeedableRng;
use std::collections::HashSet;

/// Builds the graph `model` describes, seeded by `rng_seed`.
///
/// # Errors
/// [`GraphError::InvalidParameter`] for parameters no graph can satisfy; edge lists
/// are loaded with [`super::load::read_edge_list`] instead.
pub fn generate(model: &GraphModel, ties: TieStrengths, rng_seed: u64) -> Result<SocialGraph, GraphError> {
    let bad = |m: String| Err(GraphError::InvalidParameter(m));
    match model {
        GraphModel::ErdosRenyi { nodes, mean_degree } => {
            if *nodes < 2 {
                return bad(format!("erdos-renyi needs at least 2 nodes, got {nodes}"));
            }
            let p = mean_degree / (*nodes as f64 - 1.0);
            if !(0.0..=1.0).contains(&p) {
                return bad(format!(
                    "mean_degree {mean_degree} is impossible with {nodes} nodes (at most {})",
                    nodes - 1
                ));
            }
            if p < EXACT_GNP_BELOW {
                return SocialGraph::from_petgraph(&gnp_small_p(*nodes, p, rng_seed), false, None);
            }
            let g: UnGraph<(), f32> =
                rustworkx_core::generators::gnp_random_graph(*nodes, p, Some(rng_seed), || (), || NEUTRAL_TIE)
                    .map_err(|_| GraphError::InvalidParameter("erdos-renyi: invalid input".into()))?;
            SocialGraph::from_petgraph(&g, false, None)
        }
        GraphModel::BarabasiAlbert { nodes, m } => {
            if *m < 1 || m >= nodes {
                return bad(format!("barabasi-albert needs 1 <= m < nodes, got m = {m}, nodes = {nodes}"));
            }
            // rustworkx-core starts from a star of m nodes, which has no edge when m = 1,
            // and then panics choosing from an empty list: start from one edge instead.
            let initial = (*m == 1).then(|| {
                let mut g = UnGraph::<(), f32>::new_undirected();
                let (a, b) = (g.add_node(()), g.add_node(()));
                g.add_edge(a, b, NEUTRAL_TIE);
                g
            });
            let g: UnGraph<(), f32> = rustworkx_core::generators::barabasi_albert_graph(
                *nodes,
                *m,
                Some(rng_seed),
                initial,
                || (),
                || NEUTRAL_TIE,
            )
            .map_err(|_| GraphError::InvalidParameter("barabasi-albert: invalid input".into()))?;
            SocialGraph::from_petgraph(&g, false, None)
        }
        GraphModel::WattsStrogatz { nodes, k, rewire } => watts_strogatz(*nodes, *k, *rewire, ties, rng_seed),
        GraphModel::StochasticBlock { block_sizes, within_degree, between_degree } => {
            stochastic_block(block_sizes, *within_degree, *between_degree, ties, rng_seed)
        }
        GraphModel::Configuration { degrees } => {
            let mut rng = SimRng::seed_from_u64(derive_seed(rng_seed, 1));
            let seq = match degrees {
                DegreeSequence::Given { degrees } => degrees.clone(),
                DegreeSequence::PowerLaw { nodes, exponent, min_degree, max_degree } => {
                    power_law_degrees(*nodes, *exponent, *min_degree, *max_degree, &mut rng)
                }
            };
            configuration(&seq, &mut rng)
        }
        GraphModel::EdgeList { .. } => bad("an edge list is loaded, not generated".into()),
    }
}

/// Watts–Strogatz small world: ring lattice with `k / 2` neighbours on each side, each
/// ring tie `(u, u + j)` rewired to `(u, w)` with probability `rewire`, `w` uniform
/// among people `u` is not yet tied to (as networkx does). Ring ties get the strong
/// tie strength, rewired ties the weak one.
///
/// # Complexity
/// O(n k) expected time, O(n k) memory for the duplicate check.
pub fn watts_strogatz(
    nodes: usize,
    k: usize,
    rewire: f64,
    ties: TieStrengths,
    rng_seed: u64,
) -> Result<SocialGraph, GraphError> {
    if k % 2 == 1 || k == 0 || k >= nodes {
        return Err(GraphError::InvalidParameter(format!(
            "watts-strogatz needs an even k with 2 <= k < nodes, got k = {k}, nodes = {nodes}"
        )));
    }
    let mut rng = SimRng::seed_from_u64(rng_seed);
    let key = |a: usize, b: usize| if a < b { (a as u32, b as u32) } else { (b as u32, a as u32) };
    let mut present: HashSet<(u32, u32)> = HashSet::with_capacity(nodes * k / 2);
    let mut edges: Vec<(usize, usize, f32)> = Vec::with_capacity(nodes * k / 2);
    for u in 0..nodes {
        for j in 1..=k / 2 {
            let v = (u + j) % nodes;
            present.insert(key(u, v));
            edges.push((u, v, ties.strong));
        }
    }
    for edge in edges.iter_mut() {
        let (u, v, _) = *edge;
        if uniform(&mut rng) >= rewire {
            continue;
        }
        // Everyone is already tied to u: keep the tie (networkx does the same).
        if present.len() >= nodes * (nodes - 1) / 2 {
            continue;
        }
        let mut w = below(&mut rng, nodes as u64) as usize;
        let mut tries = 0;
        while w == u || present.contains(&key(u, w)) {
            w = below(&mut rng, nodes as u64) as usize;
            tries += 1;
            if tries > 64 * nodes {
                break;
            }
        }
        if w == u || present.contains(&key(u, w)) {
            continue;
        }
        present.remove(&key(u, v));
        present.insert(key(u, w));
        *edge = (u, w, ties.weak);
    }
    let mut g = UnGraph::<(), f32>::with_capacity(nodes, edges.len());
    for _ in 0..nodes {
        g.add_node(());
    }
    for (u, v, w) in edges {
        g.add_edge(NodeIndex::new(u), NodeIndex::new(v), w);
    }
    SocialGraph::from_petgraph(&g, true, None)
}

/// Below this edge probability, G(n, p) is drawn by [`gnp_small_p`]: rustworkx-core's
/// generator computes ln(1 − p), which keeps only p's first digits below about 1e-6
/// and is 0 below 2^-53, where it then takes every pair (an audit's `mean_degree =
/// 1e-13` on 10,000 people built 49,990,002 edges).
const EXACT_GNP_BELOW: f64 = 1e-6;

/// G(n, p) for a small `p`: each of the n (n − 1) / 2 pairs kept with probability `p`,
/// by geometric skips over the pairs' triangular index ([`for_each_bernoulli_index`]).
///
/// # Complexity
/// O(n + p n²) expected time.
fn gnp_small_p(nodes: usize, p: f64, rng_seed: u64) -> UnGraph<(), f32> {
    let mut rng = SimRng::seed_from_u64(rng_seed);
    let pairs = nodes as u64 * (nodes as u64).saturating_sub(1) / 2;
    let mut g = UnGraph::<(), f32>::with_capacity(nodes, edge_capacity(pairs as f64 * p));
    for _ in 0..nodes {
        g.add_node(());
    }
    for_each_bernoulli_index(pairs, p, &mut rng, |k| {
        let (i, j) = triangle_pair(k);
        g.add_edge(NodeIndex::new(i), NodeIndex::new(j), NEUTRAL_TIE);
    });
    g
}

/// Room to reserve for `expected` edges: a hint, capped so that a huge expectation
/// (which the memory check refuses before building) never overflows a capacity.
fn edge_capacity(expected: f64) -> usize {
    if expected.is_finite() && expected > 0.0 { expected.min((1u64 << 28) as f64) as usize } else { 0 }
}

/// Visits the indices in `0..total` kept independently with probability `p`, by
/// geometric skips (Batagelj & Brandes 2005): O(1 + p·total) draws, not O(total).
///
/// The skip is floor(ln U / ln(1 − p)) with ln(1 − p) computed as `ln_1p(−p)`, which
/// is exact for any tiny p (`(1.0 - p).ln()` is 0 below 2^-53, so every skip would be
/// 0 and every index kept).
fn for_each_bernoulli_index(total: u64, p: f64, rng: &mut SimRng, mut f: impl FnMut(u64)) {
    if p.is_nan() || p <= 0.0 || total == 0 {
        return;
    }
    if p >= 1.0 {
        (0..total).for_each(f);
        return;
    }
    let log_q = (-p).ln_1p();
    let mut i: u64 = 0;
    loop {
        let r = 1.0 - uniform(rng); // in (0, 1]
        let skip = (r.ln() / log_q).floor();
        // (Written so that an infinite or undefined skip ends the walk too.)
        if skip >= (total - i) as f64 || skip.is_nan() {
            return;
        }
        i += skip as u64;
        f(i);
        i += 1;
        if i >= total {
            return;
        }
    }
}

/// Stochastic block model with p_in = within / (s_b − 1) inside block b and
/// p_out = between / (n − n/B) between blocks (B blocks, n people).
///
/// With few blocks, each pair of blocks is walked by geometric skips in turn. With
/// many (B (B − 1) / 2 above n), walking every pair of blocks would cost O(B²) even
/// where no edge is expected (an audit's 10^6 blocks did not finish in ten minutes):
/// then every pair of people is walked once with p_out, and a pair inside one block
/// is passed over (its edge is drawn with p_in), which keeps each pair of people in
/// other blocks with probability p_out and costs O(n + m).
///
/// # Complexity
/// O(n + m + min(B², n)) expected time.
pub fn stochastic_block(
    block_sizes: &[usize],
    within_degree: f64,
    between_degree: f64,
    ties: TieStrengths,
    rng_seed: u64,
) -> Result<SocialGraph, GraphError> {
    let b = block_sizes.len();
    if b == 0 || block_sizes.contains(&0) {
        return Err(GraphError::InvalidParameter("stochastic-block needs blocks of at least one person".into()));
    }
    let n = block_sizes
        .iter()
        .try_fold(0usize, |acc, &s| acc.checked_add(s))
        .filter(|&n| n <= u32::MAX as usize)
        .ok_or_else(|| {
            GraphError::InvalidParameter("stochastic-block: the blocks hold more people than a graph can".into())
        })?;
    let p_out = if b > 1 { between_degree / (n as f64 - n as f64 / b as f64) } else { 0.0 };
    if !(0.0..=1.0).contains(&p_out) {
        return Err(GraphError::InvalidParameter(format!(
            "between_degree {between_degree} is more than the people in other blocks"
        )));
    }
    let mut start = Vec::with_capacity(b);
    let mut acc = 0;
    for s in block_sizes {
        start.push(acc);
        acc += s;
    }
    let mut rng = SimRng::seed_from_u64(rng_seed);
    let mut g = UnGraph::<(), f32>::with_capacity(n, edge_capacity(n as f64 * (within_degree + between_degree) / 2.0));
    for _ in 0..n {
        g.add_node(());
    }
    let block_pairs = b as u64 * (b as u64 - 1) / 2;
    let walk_block_pairs = block_pairs <= n as u64;
    for (bi, &si) in block_sizes.iter().enumerate() {
        let p_in = if si > 1 { within_degree / (si as f64 - 1.0) } else { 0.0 };
        if !(0.0..=1.0).contains(&p_in) && si > 1 {
            return Err(GraphError::InvalidParameter(format!(
                "within_degree {within_degree} is more than a block of {si} people allows (at most {})",
                si - 1
            )));
        }
        // Pairs (i, j), i < j, inside the block, as a triangular index.
        let pairs = (si as u64) * (si as u64 - 1) / 2;
        let base = start[bi];
        for_each_bernoulli_index(pairs, p_in, &mut rng, |k| {
            let (i, j) = triangle_pair(k);
            g.add_edge(NodeIndex::new(base + i), NodeIndex::new(base + j), ties.strong);
        });
        if !walk_block_pairs {
            continue;
        }
        for (bj, &sj) in block_sizes.iter().enumerate().skip(bi + 1) {
            let base_j = start[bj];
            for_each_bernoulli_index(si as u64 * sj as u64, p_out, &mut rng, |k| {
                let (i, j) = ((k / sj as u64) as usize, (k % sj as u64) as usize);
                g.add_edge(NodeIndex::new(base + i), NodeIndex::new(base_j + j), ties.weak);
            });
        }
    }
    if !walk_block_pairs {
        let block_of = |u: usize| start.partition_point(|&s| s <= u) - 1;
        let pairs = n as u64 * (n as u64 - 1) / 2;
        for_each_bernoulli_index(pairs, p_out, &mut rng, |k| {
            let (i, j) = triangle_pair(k);
            if block_of(i) != block_of(j) {
                g.add_edge(NodeIndex::new(i), NodeIndex::new(j), ties.weak);
            }
        });
    }
    SocialGraph::from_petgraph(&g, true, None)
}

/// The `k`-th pair (i, j), i < j, in the order (0,1), (0,2), (1,2), (0,3), ...
fn triangle_pair(k: u64) -> (usize, usize) {
    let mut j = ((1.0 + (1.0 + 8.0 * k as f64).sqrt()) / 2.0).floor() as u64;
    // Correct floating-point error at large k.
    while j * (j - 1) / 2 > k {
        j -= 1;
    }
    while (j + 1) * j / 2 <= k {
        j += 1;
    }
    let i = k - j * (j - 1) / 2;
    (i as usize, j as usize)
}

/// Mean of the discrete power law P(k) ∝ k^-exponent on [min, max].
pub fn power_law_mean(exponent: f64, min: u32, max: u32) -> f64 {
    let (mut z, mut m) = (0.0, 0.0);
    for k in min.max(1)..=max.max(min.max(1)) {
        let w = (k as f64).powf(-exponent);
        z += w;
        m += w * k as f64;
    }
    m / z
}

/// Draws `nodes` degrees from P(k) ∝ k^-exponent on [min, max] (inverse CDF on a
/// cumulative table); if the sum is odd, one draw is redone until it is even.
pub fn power_law_degrees(nodes: usize, exponent: f64, min: u32, max: u32, rng: &mut SimRng) -> Vec<u32> {
    let min = min.max(1);
    let mut cumulative = Vec::with_capacity((max - min + 1) as usize);
    let mut z = 0.0;
    for k in min..=max {
        z += (k as f64).powf(-exponent);
        cumulative.push(z);
    }
    let draw = |rng: &mut SimRng| {
        let u = uniform(rng) * z;
        min + cumulative.partition_point(|&c| c <= u).min(cumulative.len() - 1) as u32
    };
    let mut degrees: Vec<u32> = (0..nodes).map(|_| draw(rng)).collect();
    let mut sum: u64 = degrees.iter().map(|&d| d as u64).sum();
    while sum % 2 == 1 && nodes > 0 {
        let i = below(rng, nodes as u64) as usize;
        sum -= degrees[i] as u64;
        degrees[i] = draw(rng);
        sum += degrees[i] as u64;
    }
    degrees
}

/// Erased configuration model: pair degree stubs uniformly at random, then drop
/// self-loops and repeated pairs (counted in the graph's cleanup report). An odd degree
/// sum leaves one stub unpaired.
///
/// # Complexity
/// O(n + m) time.
pub fn configuration(degrees: &[u32], rng: &mut SimRng) -> Result<SocialGraph, GraphError> {
    let n = degrees.len();
    let total: u64 = degrees.iter().map(|&d| d as u64).sum();
    let mut stubs: Vec<u32> = Vec::with_capacity(total as usize);
    for (u, &d) in degrees.iter().enumerate() {
        stubs.extend(std::iter::repeat_n(u as u32, d as usize));
    }
    // Fisher–Yates shuffle.
    for i in (1..stubs.len()).rev() {
        let j = below(rng, i as u64 + 1) as usize;
        stubs.swap(i, j);
    }
    let mut g = UnGraph::<(), f32>::with_capacity(n, stubs.len() / 2);
    for _ in 0..n {
        g.add_node(());
    }
    for pair in stubs.chunks_exact(2) {
        g.add_edge(NodeIndex::new(pair[0] as usize), NodeIndex::new(pair[1] as usize), NEUTRAL_TIE);
    }
    SocialGraph::from_petgraph(&g, false, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::NodeId;
    use proptest::prelude::*;

    fn degree_sum(g: &SocialGraph) -> usize {
        (0..g.node_count()).map(|u| g.degree(NodeId(u as u32))).sum()
    }

    #[test]
    fn generators_are_reproducible_from_their_seed() {
        let models = [
            GraphModel::ErdosRenyi { nodes: 500, mean_degree: 6.0 },
            GraphModel::BarabasiAlbert { nodes: 500, m: 3 },
            GraphModel::WattsStrogatz { nodes: 500, k: 6, rewire: 0.2 },
            GraphModel::StochasticBlock { block_sizes: vec![250, 250], within_degree: 5.0, between_degree: 1.0 },
            GraphModel::Configuration {
                degrees: DegreeSequence::PowerLaw { nodes: 500, exponent: 2.5, min_degree: 2, max_degree: 22 },
            },
        ];
        for model in models {
            let adjacency = |seed| {
                let g = generate(&model, TieStrengths::default(), seed).unwrap();
                (0..g.node_count()).map(|u| g.neighbours(NodeId(u as u32)).to_vec()).collect::<Vec<_>>()
            };
            assert_eq!(adjacency(5), adjacency(5), "{model:?} with the same seed");
            assert_ne!(adjacency(5), adjacency(6), "{model:?} with another seed");
        }
    }

    #[test]
    fn triangle_pairs_enumerate_in_order() {
        let mut k = 0;
        for j in 1..60usize {
            for i in 0..j {
                assert_eq!(triangle_pair(k), (i, j));
                k += 1;
            }
        }
        let big = 4_000_000_000u64;
        let (i, j) = triangle_pair(big);
        assert!(i < j && (j as u64) * (j as u64 - 1) / 2 + i as u64 == big);
    }

    #[test]
    fn erdos_renyi_mean_degree_matches_request() {
        let m = GraphModel::ErdosRenyi { nodes: 20_000, mean_degree: 8.0 };
        let g = generate(&m, TieStrengths::default(), 7).unwrap();
        // Edges ~ Binomial(C(n,2), p): sd of the mean degree = 2 sqrt(E) / n.
        let sd = 2.0 * (20_000.0f64 * 4.0).sqrt() / 20_000.0;
        let mean = g.arc_count() as f64 / 20_000.0;
        assert!((mean - 8.0).abs() < 4.0 * sd, "mean degree {mean}");
    }

    #[test]
    fn stochastic_block_degrees_match_request() {
        let sizes = vec![500; 20];
        let g = stochastic_block(&sizes, 6.0, 2.0, TieStrengths::default(), 3).unwrap();
        let n = 10_000.0;
        let (mut within, mut between) = (0usize, 0usize);
        for u in 0..g.node_count() {
            for (&v, &w) in g.neighbours(NodeId(u as u32)).iter().zip(g.weights(NodeId(u as u32)).unwrap()) {
                assert_eq!(u / 500 == v as usize / 500, w == 0.8, "tie strength marks within-block ties");
                if u / 500 == v as usize / 500 { within += 1 } else { between += 1 }
            }
        }
        let (mw, mb) = (within as f64 / n, between as f64 / n);
        assert!((mw - 6.0).abs() < 4.0 * 2.0 * (n * 3.0).sqrt() / n, "within {mw}");
        assert!((mb - 2.0).abs() < 4.0 * 2.0 * (n * 1.0).sqrt() / n, "between {mb}");
    }

    #[test]
    fn watts_strogatz_without_rewiring_is_a_ring_lattice() {
        let g = watts_strogatz(10, 4, 0.0, TieStrengths::default(), 1).unwrap();
        assert_eq!(g.neighbours(NodeId(0)), &[1, 2, 8, 9]);
        assert_eq!(g.edge_count(), 20);
    }

    #[test]
    fn power_law_degrees_have_the_requested_mean() {
        let mut rng = SimRng::seed_from_u64(5);
        let d = power_law_degrees(50_000, 2.5, 2, 100, &mut rng);
        let mean = d.iter().map(|&x| x as f64).sum::<f64>() / d.len() as f64;
        let expect = power_law_mean(2.5, 2, 100);
        let var = d.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / d.len() as f64;
        assert!((mean - expect).abs() < 4.0 * (var / d.len() as f64).sqrt());
        assert!(d.iter().all(|&x| (2..=100).contains(&x)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn barabasi_albert_min_degree_and_handshake(n in 10usize..400, m in 1usize..5, seed in 0u64..1000) {
            prop_assume!(m < n);
            let g = generate(&GraphModel::BarabasiAlbert { nodes: n, m }, TieStrengths::default(), seed).unwrap();
            prop_assert_eq!(degree_sum(&g), 2 * g.edge_count());
            for u in 0..n { prop_assert!(g.degree(NodeId(u as u32)) >= m.min(n - 1).min(1)); }
            for u in m..n { prop_assert!(g.degree(NodeId(u as u32)) >= m); }
            prop_assert_eq!(g.cleanup().self_loops_removed, 0);
        }

        #[test]
        fn generators_give_simple_graphs(n in 20usize..300, seed in 0u64..1000) {
            let ws = watts_strogatz(n, 4, 0.3, TieStrengths::default(), seed).unwrap();
            prop_assert_eq!(ws.edge_count(), n * 2);
            let sbm = stochastic_block(&[n / 2, n - n / 2], 4.0, 1.0, TieStrengths::default(), seed).unwrap();
            for g in [&ws, &sbm] {
                prop_assert_eq!(degree_sum(g), 2 * g.edge_count());
                prop_assert_eq!(g.cleanup().duplicate_edges_removed, 0);
                for u in 0..n {
                    let nb = g.neighbours(NodeId(u as u32));
                    prop_assert!(nb.windows(2).all(|w| w[0] < w[1]));
                    prop_assert!(!nb.contains(&(u as u32)));
                }
            }
        }

        #[test]
        fn configuration_model_keeps_degrees_up_to_erasure(seed in 0u64..1000) {
            let mut rng = SimRng::seed_from_u64(seed);
            let degrees = vec![3u32; 200];
            let g = configuration(&degrees, &mut rng).unwrap();
            let removed = g.cleanup().self_loops_removed + g.cleanup().duplicate_edges_removed;
            prop_assert_eq!(g.edge_count() as u64 + removed, 300);
            prop_assert_eq!(degree_sum(&g), 2 * g.edge_count());
        }
    }
}
