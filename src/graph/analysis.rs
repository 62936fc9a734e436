//! Statistics of a frozen graph, so a planner sees the network they simulate: degrees,
//! clustering, connected components, the epidemic threshold and tie strengths.

use super::{CleanupReport, NodeId, SocialGraph};

/// Summary statistics of a graph (for `fission graph`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphStats {
    /// People.
    pub nodes: u64,
    /// Friendships (undirected) or arcs (directed).
    pub edges: u64,
    /// Whether edges have a direction.
    pub directed: bool,
    /// What building the graph removed (self-loops, repeats) and merged.
    pub cleanup: CleanupReport,
    /// Mean out-degree ⟨k⟩.
    pub mean_degree: f64,
    /// Mean squared out-degree ⟨k²⟩.
    pub mean_square_degree: f64,
    /// Median out-degree.
    pub median_degree: u64,
    /// 90th percentile of the out-degree.
    pub p90_degree: u64,
    /// 99th percentile of the out-degree.
    pub p99_degree: u64,
    /// Largest out-degree.
    pub max_degree: u64,
    /// People with no tie at all.
    pub isolated_nodes: u64,
    /// The people with the most friends (out-degree), at most [`HUBS`], most first (ties:
    /// the lower id first): who `strategy = "highest-degree"` seeds.
    pub hubs: Vec<Hub>,
    /// Number of people with each out-degree: `degree_counts[k]`.
    pub degree_counts: Vec<u64>,
    /// Mean local clustering coefficient (undirected view; nodes of degree < 2 count 0),
    /// exact or estimated from a sample of nodes.
    pub average_clustering: f64,
    /// Global transitivity: 3 × triangles / connected triples (undirected view).
    pub transitivity: f64,
    /// Nodes the clustering figures rest on (all, or a sample on large graphs).
    pub clustering_sample: u64,
    /// Connected components (weakly connected, for a directed graph).
    pub components: u64,
    /// People in the largest component.
    pub largest_component: u64,
    /// Bond-percolation threshold of a random graph with these degrees: an independent
    /// cascade needs a per-edge probability above it to take off. Undirected,
    /// ⟨k⟩ / (⟨k²⟩ − ⟨k⟩) (a person reached along a tie passes it on along the other
    /// k − 1); directed, ⟨k⟩ / ⟨k_in·k_out⟩ (a person is reached in proportion to their
    /// in-degree and passes it on along all their out-arcs; Newman, Strogatz & Watts,
    /// PRE 64, 026118, 2001). Infinite (null in JSON) when nobody reached can pass it on.
    pub epidemic_threshold: f64,
    /// The ties' strengths, when the graph has them (an edge list's weight column, a
    /// block model's strong and weak ties); None when every tie is neutral.
    pub tie_strengths: Option<TieStrengthStats>,
}

/// How many of the best-connected people [`GraphStats::hubs`] lists.
pub const HUBS: usize = 5;

/// One of the best-connected people.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Hub {
    /// Their id as in the edge list (or the generated graph's node number).
    pub id: super::OriginalId,
    /// Their friends (out-degree).
    pub degree: u64,
}

impl GraphStats {
    /// The formula of [`GraphStats::epidemic_threshold`] for this graph's kind, in
    /// mathematical notation or, with `ascii`, in ASCII brackets and minus sign (for a
    /// font without ⟨⟩ and −, such as the charts' CJK font).
    pub fn threshold_formula(&self, ascii: bool) -> &'static str {
        match (ascii, self.directed) {
            (false, false) => "⟨k⟩/(⟨k²⟩ − ⟨k⟩)",
            (false, true) => "⟨k⟩/⟨k_in·k_out⟩",
            (true, false) => "<k>/(<k²> - <k>)",
            (true, true) => "<k>/<k_in·k_out>",
        }
    }
}

/// Summary of tie strengths: one value per friendship (per arc when directed).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TieStrengthStats {
    /// Mean strength.
    pub mean: f64,
    /// Smallest strength.
    pub min: f32,
    /// 10th percentile.
    pub p10: f32,
    /// Median.
    pub median: f32,
    /// 90th percentile.
    pub p90: f32,
    /// Largest strength.
    pub max: f32,
    /// Number of distinct strengths.
    pub distinct_count: u64,
    /// The distinct strengths, ascending, when there are at most [`LISTED_STRENGTHS`]
    /// (the campaign then tabulates its conversions by strength); else empty.
    pub distinct: Vec<f32>,
}

/// Most distinct tie strengths listed (and tabulated by the campaign engine).
pub const LISTED_STRENGTHS: usize = 32;

/// Tie strengths of `g`, each friendship once (each arc when directed).
fn tie_strength_stats(g: &SocialGraph) -> Option<TieStrengthStats> {
    g.all_weights()?;
    let mut values = Vec::with_capacity(g.edge_count());
    for u in 0..g.node_count() as u32 {
        let (friends, weights) = (g.neighbours(NodeId(u)), g.weights(NodeId(u))?);
        for (&v, &w) in friends.iter().zip(weights) {
            if g.is_directed() || v > u {
                values.push(w);
            }
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f32::total_cmp);
    let pick = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    let mut distinct_count = 0usize;
    let mut distinct = Vec::new();
    for (i, &w) in values.iter().enumerate() {
        if i == 0 || values[i - 1] != w {
            distinct_count += 1;
            if distinct_count <= LISTED_STRENGTHS {
                distinct.push(w);
            }
        }
    }
    if distinct_count > LISTED_STRENGTHS {
        distinct.clear();
    }
    Some(TieStrengthStats {
        mean: values.iter().map(|&w| w as f64).sum::<f64>() / values.len() as f64,
        min: values[0],
        p10: pick(0.1),
        median: pick(0.5),
        p90: pick(0.9),
        max: values[values.len() - 1],
        distinct_count: distinct_count as u64,
        distinct,
    })
}

/// Nodes sampled for clustering when the graph has more (exact below).
pub const CLUSTERING_SAMPLE: usize = 200_000;

/// Computes [`GraphStats`]. Clustering is exact for graphs of up to
/// [`CLUSTERING_SAMPLE`] nodes and estimated from that many evenly spaced nodes above.
///
/// # Complexity
/// O(n + m) for degrees and components; O(Σ_sampled d²) worst case for clustering, with
/// sorted-list intersections.
pub fn graph_stats(g: &SocialGraph) -> GraphStats {
    let n = g.node_count();
    let undirected = if g.is_directed() { Some(g.undirected_view()) } else { None };
    let u = undirected.as_ref().unwrap_or(g);
    let mut degrees: Vec<u64> = (0..n).map(|v| g.degree(NodeId(v as u32)) as u64).collect();
    let sum: f64 = degrees.iter().map(|&d| d as f64).sum();
    let sum_sq: f64 = degrees.iter().map(|&d| (d * d) as f64).sum();
    let max_degree = degrees.iter().copied().max().unwrap_or(0);
    let mut degree_counts = vec![0u64; max_degree as usize + 1];
    for &d in &degrees {
        degree_counts[d as usize] += 1;
    }
    let isolated_nodes = (0..n).filter(|&v| u.degree(NodeId(v as u32)) == 0).count() as u64;
    let hubs = (g.highest_degree(HUBS).into_iter())
        .map(|v| Hub { id: g.original_id(NodeId(v)), degree: degrees[v as usize] })
        .collect();
    degrees.sort_unstable();
    let pick = |q: f64| degrees.get(((n as f64 - 1.0) * q).round() as usize).copied().unwrap_or(0);
    let (mean, mean_sq) = (sum / n.max(1) as f64, sum_sq / n.max(1) as f64);
    // The mean offspring of a person reached along a tie, per unit of transmission
    // probability: ⟨k(k − 1)⟩ / ⟨k⟩ undirected, ⟨k_in·k_out⟩ / ⟨k⟩ directed.
    let onward = if g.is_directed() {
        let mut in_degree = vec![0u32; n];
        for &v in g.all_targets() {
            in_degree[v as usize] += 1;
        }
        (0..n).map(|v| in_degree[v] as f64 * g.degree(NodeId(v as u32)) as f64).sum::<f64>() / n.max(1) as f64
    } else {
        mean_sq - mean
    };

    // Clustering on the undirected view.
    let step = n.div_ceil(CLUSTERING_SAMPLE).max(1);
    let (mut local_sum, mut triangles, mut triples, mut sampled) = (0.0, 0f64, 0f64, 0u64);
    for v in (0..n).step_by(step) {
        sampled += 1;
        let nb = u.neighbours(NodeId(v as u32));
        let d = nb.len();
        if d < 2 {
            continue;
        }
        let mut t = 0u64;
        for (i, &a) in nb.iter().enumerate() {
            t += sorted_intersection(&nb[i + 1..], u.neighbours(NodeId(a))) as u64;
        }
        let pairs = (d * (d - 1) / 2) as f64;
        local_sum += t as f64 / pairs;
        triangles += t as f64;
        triples += pairs;
    }

    // Components by breadth-first search on the undirected view.
    let mut label = vec![u32::MAX; n];
    let (mut components, mut largest) = (0u64, 0u64);
    let mut queue = Vec::new();
    for s in 0..n {
        if label[s] != u32::MAX {
            continue;
        }
        label[s] = components as u32;
        queue.clear();
        queue.push(s as u32);
        let mut head = 0;
        while head < queue.len() {
            let x = queue[head];
            head += 1;
            for &y in u.neighbours(NodeId(x)) {
                if label[y as usize] == u32::MAX {
                    label[y as usize] = components as u32;
                    queue.push(y);
                }
            }
        }
        largest = largest.max(queue.len() as u64);
        components += 1;
    }

    GraphStats {
        nodes: n as u64,
        edges: g.edge_count() as u64,
        directed: g.is_directed(),
        cleanup: g.cleanup(),
        mean_degree: mean,
        mean_square_degree: mean_sq,
        median_degree: pick(0.5),
        p90_degree: pick(0.9),
        p99_degree: pick(0.99),
        max_degree,
        isolated_nodes,
        hubs,
        degree_counts,
        average_clustering: local_sum / sampled.max(1) as f64,
        transitivity: if triples > 0.0 { triangles / triples } else { 0.0 },
        clustering_sample: sampled,
        components,
        largest_component: largest,
        epidemic_threshold: if onward > 0.0 { mean / onward } else { f64::INFINITY },
        tie_strengths: tie_strength_stats(g),
    }
}

/// Number of common elements of two sorted lists.
fn sorted_intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut c) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                c += 1;
                i += 1;
                j += 1;
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::load::{EdgeListOptions, read_edge_list};

    fn undirected(text: &str) -> SocialGraph {
        read_edge_list(text.as_bytes(), EdgeListOptions { directed: false, weight_column: false, ..Default::default() })
            .unwrap()
    }

    #[test]
    fn triangle_plus_tail_has_known_statistics() {
        // Triangle 1-2-3 with a tail 3-4, and a separate edge 5-6.
        let g = undirected("1 2\n2 3\n3 1\n3 4\n5 6\n");
        let s = graph_stats(&g);
        assert_eq!((s.nodes, s.edges, s.components, s.largest_component), (6, 5, 2, 4));
        // Local clustering: 1 and 2 have 1, node 3 has 1/3, the rest 0: mean (2 + 1/3)/6.
        assert!((s.average_clustering - (2.0 + 1.0 / 3.0) / 6.0).abs() < 1e-12);
        // Transitivity: 3 triangles-at-nodes / (1 + 1 + 3) triples = 3/5.
        assert!((s.transitivity - 0.6).abs() < 1e-12);
        assert_eq!(s.max_degree, 3);
        assert_eq!(s.degree_counts, vec![0, 3, 2, 1]);
        // <k> = 10/6, <k²> = (1+4+4+9+1+1)/6 = 20/6: threshold (10/6)/(10/6) = 1.
        assert!((s.epidemic_threshold - 1.0).abs() < 1e-12);
    }

    #[test]
    fn hubs_are_the_best_connected_with_their_edge_list_ids() {
        // Degrees by edge-list id: 70 → 4, 50 → 3, 60 → 3, 90 → 2, 10 → 2, 20 → 2,
        // 30 → 1, 40 → 1, 80 → 1, 11 → 1, 12 → 1. Ties go to the one read first (the
        // lower dense id), as `highest-degree` seeding picks them.
        let text = "70 50\n70 60\n70 90\n70 30\n50 60\n50 40\n60 80\n90 10\n10 20\n20 11\n12 13\n";
        let g = undirected(text);
        let hubs: Vec<(u64, u64)> =
            graph_stats(&g).hubs.iter().map(|h| (h.id.to_string().parse().unwrap(), h.degree)).collect();
        assert_eq!(hubs, [(70, 4), (50, 3), (60, 3), (90, 2), (10, 2)]);
        // Fewer people than HUBS: all of them.
        assert_eq!(graph_stats(&undirected("5 6\n")).hubs.len(), 2);
    }

    #[test]
    fn directed_graphs_use_weakly_connected_components() {
        let g = read_edge_list(
            "1 2\n3 2\n4 5\n".as_bytes(),
            EdgeListOptions { directed: true, weight_column: false, ..Default::default() },
        )
        .unwrap();
        let s = graph_stats(&g);
        assert_eq!((s.components, s.largest_component, s.isolated_nodes), (2, 3, 0));
        assert_eq!(s.edges, 3);
        // Nobody reached along an arc has an arc onward: no cascade goes past one step.
        assert_eq!(s.epidemic_threshold, f64::INFINITY);
    }

    #[test]
    fn directed_epidemic_threshold_counts_in_and_out_degrees() {
        let directed = |text: &str| {
            read_edge_list(
                text.as_bytes(),
                EdgeListOptions { directed: true, weight_column: false, ..Default::default() },
            )
            .unwrap()
        };
        // A directed ring where each person points to the next k: a branching process
        // with k children each, critical at p = 1/k (the undirected formula on the
        // out-degrees would say 1/(k − 1)).
        for k in [1usize, 2, 3, 5] {
            let text: String = (0..40).flat_map(|a| (1..=k).map(move |d| format!("{a} {}\n", (a + d) % 40))).collect();
            let s = graph_stats(&directed(&text));
            assert!((s.epidemic_threshold - 1.0 / k as f64).abs() < 1e-12, "k {k}: {}", s.epidemic_threshold);
        }
        // Out-degrees (2, 1, 1, 0) and in-degrees (1, 1, 1, 1): ⟨k⟩ = 1, ⟨k_in·k_out⟩ = 1.
        let s = graph_stats(&directed("0 1\n0 2\n1 3\n2 0\n"));
        assert!((s.epidemic_threshold - 1.0).abs() < 1e-12);
        // Out-degrees (2, 1, 1, 0), in-degrees (0, 2, 1, 1): ⟨k_in·k_out⟩ = 3/4, threshold 4/3.
        let s = graph_stats(&directed("0 1\n0 2\n2 1\n1 3\n"));
        assert!((s.epidemic_threshold - 4.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn tie_strengths_are_counted_once_per_friendship() {
        let weighted = |text: &str, directed: bool| {
            read_edge_list(text.as_bytes(), EdgeListOptions { directed, weight_column: true, ..Default::default() })
                .unwrap()
        };
        assert_eq!(graph_stats(&undirected("1 2\n2 3\n")).tie_strengths, None);
        // Eleven friendships of strengths 0, 0.1, ..., 1 (each stored as two arcs).
        let text: String = (0..=10).map(|i| format!("{i} {} {}\n", i + 1, i as f32 / 10.0)).collect();
        let t = graph_stats(&weighted(&text, false)).tie_strengths.unwrap();
        assert!((t.mean - 0.5).abs() < 1e-7);
        assert_eq!((t.min, t.p10, t.median, t.p90, t.max), (0.0, 0.1, 0.5, 0.9, 1.0));
        assert_eq!((t.distinct_count, t.distinct.len()), (11, 11));
        // Directed: one value per arc; two strengths are listed.
        let t = graph_stats(&weighted("1 2 0.8\n2 1 0.2\n2 3 0.2\n", true)).tie_strengths.unwrap();
        assert_eq!((t.distinct_count, t.distinct.clone(), t.median), (2, vec![0.2, 0.8], 0.2));
        assert!((t.mean - 0.4).abs() < 1e-7);
        // More strengths than the campaign tabulates are counted, not listed.
        let text: String = (0..=LISTED_STRENGTHS).map(|i| format!("{i} {} {}\n", i + 1, i as f32 / 100.0)).collect();
        let t = graph_stats(&weighted(&text, false)).tie_strengths.unwrap();
        assert_eq!((t.distinct_count, t.distinct.len()), (LISTED_STRENGTHS as u64 + 1, 0));
    }

    #[test]
    fn complete_graph_clusters_fully() {
        let text: String = (0..6).flat_map(|a| (a + 1..6).map(move |b| format!("{a} {b}\n"))).collect();
        let s = graph_stats(&undirected(&text));
        assert_eq!((s.average_clustering, s.transitivity), (1.0, 1.0));
    }
}
