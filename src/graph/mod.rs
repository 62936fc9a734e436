//! The social graph: what a scenario asks for ([`GraphSpec`]), how it is built
//! (generators in [`generate`], edge lists in [`load`], both through petgraph), and the
//! frozen form the engine reads ([`SocialGraph`], compact CSR arrays with `u32` ids).
//!
//! This module knows nothing of TOML, files on disk or terminals: [`load`] reads any
//! `impl Read`, and the caller opens the file.

pub mod analysis;
pub mod generate;
pub mod groups;
pub mod load;

use petgraph::EdgeType;
use petgraph::graph::Graph;
use petgraph::visit::EdgeRef;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::PathBuf;

/// A node of the frozen graph: a dense index `0..node_count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

/// A person's id in the input: an edge list's integer or text id, or a generated
/// graph's node number. Serialized as a JSON number or string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(untagged)]
pub enum OriginalId {
    /// An integer id (edge lists read with integer ids, generated graphs).
    Number(u64),
    /// A text id (edge lists read with text ids, e.g. WeChat openids), as written.
    Text(Box<str>),
}

impl std::fmt::Display for OriginalId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginalId::Number(id) => write!(f, "{id}"),
            OriginalId::Text(id) => f.write_str(id),
        }
    }
}

impl PartialEq<u64> for OriginalId {
    fn eq(&self, other: &u64) -> bool {
        *self == OriginalId::Number(*other)
    }
}

impl<'de> serde::Deserialize<'de> for OriginalId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = OriginalId;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a node id: a non-negative integer, or a string for text ids")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OriginalId, E> {
                Ok(OriginalId::Number(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OriginalId, E> {
                u64::try_from(v)
                    .map(OriginalId::Number)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OriginalId, E> {
                Ok(OriginalId::Text(v.into()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// The ids people had in the input, by dense id.
#[derive(Debug, Clone, PartialEq)]
pub enum OriginalIds {
    /// Integer ids.
    Numbers(Vec<u64>),
    /// Text ids.
    Text(Vec<Box<str>>),
}

impl OriginalIds {
    /// Heap bytes held.
    fn memory_bytes(&self) -> usize {
        match self {
            OriginalIds::Numbers(ids) => ids.len() * 8,
            // The box, and its text's allocation: with the allocator's 8-byte header,
            // rounded up to 16 bytes, at least 32 (as `load::EdgeListSize` counts).
            OriginalIds::Text(ids) => ids.iter().map(|id| 16 + ((id.len() + 8).div_ceil(16) * 16).max(32)).sum(),
        }
    }
}

/// Tie strength given to edges of a graph that has no notion of strong and weak ties:
/// the neutral value of the behaviour model (it neither helps nor hurts conversion).
pub const NEUTRAL_TIE: f32 = 0.5;

/// Errors from building, loading or freezing a graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// A generator parameter is out of its accepted range.
    #[error("{0}")]
    InvalidParameter(String),
    /// A line of an edge list could not be read.
    #[error("line {line}: {message}")]
    BadLine {
        /// 1-based line number in the edge list.
        line: u64,
        /// What was wrong and what is accepted.
        message: String,
    },
    /// Reading the edge list failed (I/O or gzip error). The message is the I/O
    /// error's own: whoever reports it says what was being read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The graph is larger than the `u32` indices of the frozen form allow.
    #[error("the graph is too large: {0}")]
    TooLarge(String),
    /// The edge list had no edges.
    #[error("the edge list has no edges")]
    Empty,
}

/// Which graph to build, with its parameters (validated by `scenario`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum GraphModel {
    /// G(n, p) with p = mean_degree / (n - 1) (Erdős–Rényi), via rustworkx-core.
    ErdosRenyi {
        /// Number of people.
        nodes: usize,
        /// Expected number of friends per person.
        mean_degree: f64,
    },
    /// Preferential attachment (Barabási–Albert), via rustworkx-core: each newcomer
    /// befriends `m` existing people, chosen in proportion to their degree.
    BarabasiAlbert {
        /// Number of people.
        nodes: usize,
        /// Edges added per new node (mean degree is about 2m).
        m: usize,
    },
    /// Small world (Watts–Strogatz): a ring where each person knows `k` neighbours,
    /// with each tie rewired to a random person with probability `rewire`.
    /// Ring ties are strong, rewired ties weak.
    WattsStrogatz {
        /// Number of people.
        nodes: usize,
        /// Friends per person on the ring (even).
        k: usize,
        /// Probability that a tie is rewired, in [0, 1].
        rewire: f64,
    },
    /// Communities (stochastic block model): friend circles, cities or departments.
    /// Ties within a block are strong, ties between blocks weak.
    StochasticBlock {
        /// Size of each block.
        block_sizes: Vec<usize>,
        /// Expected friends inside one's own block.
        within_degree: f64,
        /// Expected friends in other blocks.
        between_degree: f64,
    },
    /// Configuration model (erased: self-loops and repeated ties dropped) with a given
    /// degree sequence or a power-law one.
    Configuration {
        /// The degree sequence to realise.
        degrees: DegreeSequence,
    },
    /// A real graph from an edge list file.
    EdgeList {
        /// The file (plain or gzip).
        path: PathBuf,
        /// Whether `a b` means only a can reach b (true) or a friendship (false).
        directed: bool,
        /// Whether a third column holds the tie strength in [0, 1].
        weight_column: bool,
        /// What the ids are: integers or text.
        ids: load::IdFormat,
    },
}

/// Degree sequence of the configuration model.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum DegreeSequence {
    /// Degrees given one per node.
    Given {
        /// The degrees.
        degrees: Vec<u32>,
    },
    /// Degrees drawn from P(k) proportional to k^-exponent on [min_degree, max_degree].
    PowerLaw {
        /// Number of people.
        nodes: usize,
        /// The power-law exponent (typically 2..3.5).
        exponent: f64,
        /// Smallest degree.
        min_degree: u32,
        /// Largest degree.
        max_degree: u32,
    },
}

/// Tie strengths given to the strong and weak ties of generators that have them
/// (Watts–Strogatz ring vs rewired ties, stochastic-block within vs between ties).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TieStrengths {
    /// Strength of a strong tie, in [0, 1].
    pub strong: f32,
    /// Strength of a weak tie, in [0, 1].
    pub weak: f32,
}

impl Default for TieStrengths {
    /// Strong 0.8, weak 0.2: symmetric around the neutral 0.5.
    fn default() -> Self {
        Self { strong: 0.8, weak: 0.2 }
    }
}

/// A graph request: the model and its tie strengths.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphSpec {
    /// What to build.
    #[serde(flatten)]
    pub model: GraphModel,
    /// Strong and weak tie strengths for generators with community structure.
    pub tie_strength: TieStrengths,
}

impl GraphSpec {
    /// Builds a generated graph with the given generator seed.
    ///
    /// # Errors
    /// [`GraphError::InvalidParameter`] for impossible parameters; an edge-list model
    /// cannot be built here (the caller opens the file and uses [`load::read_edge_list`]).
    pub fn generate(&self, rng_seed: u64) -> Result<SocialGraph, GraphError> {
        generate::generate(&self.model, self.tie_strength, rng_seed)
    }

    /// Rough memory needed to build and freeze the graph, in bytes, and its edge count
    /// (expected, for random generators), before anything is built.
    pub fn estimate_size(&self) -> (f64, f64) {
        let (nodes, edges) = match &self.model {
            GraphModel::ErdosRenyi { nodes, mean_degree } => (*nodes as f64, *nodes as f64 * mean_degree / 2.0),
            GraphModel::BarabasiAlbert { nodes, m } => (*nodes as f64, (*nodes * *m) as f64),
            GraphModel::WattsStrogatz { nodes, k, .. } => (*nodes as f64, (*nodes * *k) as f64 / 2.0),
            GraphModel::StochasticBlock { block_sizes, within_degree, between_degree } => {
                let n: usize = block_sizes.iter().sum();
                (n as f64, n as f64 * (within_degree + between_degree) / 2.0)
            }
            GraphModel::Configuration { degrees } => match degrees {
                DegreeSequence::Given { degrees } => {
                    (degrees.len() as f64, degrees.iter().map(|&d| d as f64).sum::<f64>() / 2.0)
                }
                DegreeSequence::PowerLaw { nodes, exponent, min_degree, max_degree } => {
                    let mean = generate::power_law_mean(*exponent, *min_degree, *max_degree);
                    (*nodes as f64, *nodes as f64 * mean / 2.0)
                }
            },
            GraphModel::EdgeList { .. } => return (f64::NAN, f64::NAN),
        };
        // Measured peaks (`/usr/bin/time -v`, 10^6 people, 5 x 10^6 edges, one thread):
        // ER 161 MB and BA 160 MB against 220 MB here; the block model 277 MB and
        // Watts–Strogatz 351 MB, which also keep a tie strength per arc while freezing
        // (16 bytes an edge more), and Watts–Strogatz its ring edges (24 bytes an edge)
        // and the hash set of present pairs (9 bytes a bucket) beside the petgraph graph.
        let extra = match &self.model {
            GraphModel::StochasticBlock { .. } => edges * 16.0,
            GraphModel::WattsStrogatz { .. } => {
                let buckets = ((edges * 8.0 / 7.0).max(1.0)).log2().ceil().exp2();
                edges * (16.0 + 24.0) + buckets * 9.0
            }
            _ => 0.0,
        };
        (memory_estimate(nodes, edges) + extra, edges)
    }
}

/// Bytes needed to build (petgraph, about 24 bytes an edge and 16 a node) and freeze
/// (8 bytes an arc with tie strengths, 2 arcs an edge) a graph.
pub fn memory_estimate(nodes: f64, edges: f64) -> f64 {
    nodes * 16.0 + edges * 24.0 + edges * 2.0 * 8.0 + nodes * 4.0
}

/// What freezing removed from the input graph: reported, not silently dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct CleanupReport {
    /// Self-loops removed (a person cannot invite themselves).
    pub self_loops_removed: u64,
    /// Repeated edges removed (the first one read is kept), other than the second
    /// listings counted in `listed_both_ways`.
    pub duplicate_edges_removed: u64,
    /// Undirected edge lists: friendships listed once as `a b` and again as `b a` (the
    /// SNAP convention for undirected graphs), merged into one. Always 0 for a directed
    /// graph (there, `a b` and `b a` are two arcs) and for generated graphs (their
    /// repeated ties are all `duplicate_edges_removed`).
    pub listed_both_ways: u64,
    /// Edge lists with weights: repeated listings (of either kind) whose weight differs
    /// from the first one read, which is the weight kept.
    pub weight_conflicts: u64,
}

impl std::fmt::Display for CleanupReport {
    /// `12 self-loops and 0 repeated edges removed; 14484 listed both ways (a b and
    /// b a), merged`, with the both-ways and weight-conflict parts only when nonzero.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} and {} removed",
            plural(self.self_loops_removed, "self-loop", "self-loops"),
            plural(self.duplicate_edges_removed, "repeated edge", "repeated edges")
        )?;
        if self.listed_both_ways > 0 {
            write!(
                f,
                "; {} both ways (a b and b a), merged",
                plural(self.listed_both_ways, "friendship listed", "friendships listed")
            )?;
        }
        if self.weight_conflicts > 0 {
            write!(
                f,
                "; {} a different weight from the first listing, whose weight is kept",
                plural(self.weight_conflicts, "repeat has", "repeats have")
            )?;
        }
        Ok(())
    }
}

/// The frozen social graph: compact CSR arrays that the engine iterates as plain slices.
///
/// For an undirected graph every friendship is stored as two arcs. Neighbours of each
/// node are sorted by id, so simulation results do not depend on how the graph was built.
#[derive(Debug, Clone)]
pub struct SocialGraph {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    weights: Option<Vec<f32>>,
    directed: bool,
    original_ids: Option<OriginalIds>,
    cleanup: CleanupReport,
}

impl SocialGraph {
    /// Freezes a petgraph graph whose edge weights are tie strengths.
    ///
    /// Self-loops and repeated edges are removed and counted. `has_weights` says
    /// whether the weights mean anything (otherwise every tie is neutral).
    /// `original_ids` maps dense ids back to the ids of an edge list (None: identity).
    ///
    /// # Errors
    /// [`GraphError::TooLarge`] when the arcs do not fit `u32` offsets.
    ///
    /// # Complexity
    /// O(n + m log d) time (counting sort, then sorting each adjacency).
    pub fn from_petgraph<Ty: EdgeType + Sync>(
        graph: &Graph<(), f32, Ty>,
        has_weights: bool,
        original_ids: Option<OriginalIds>,
    ) -> Result<Self, GraphError> {
        let n = graph.node_count();
        if n >= u32::MAX as usize {
            return Err(GraphError::TooLarge(format!("{n} nodes; at most {} fit", u32::MAX - 1)));
        }
        let edges =
            || graph.edge_references().map(|e| (e.source().index() as u32, e.target().index() as u32, *e.weight()));
        Self::freeze(n, Ty::is_directed(), has_weights, false, original_ids, edges, None)
    }

    /// Freezes `n` nodes and the edges `edges()` yields (source, target, weight) into CSR
    /// arrays. The edge-list loader calls this directly: building a petgraph graph first
    /// took half of the loading time of a 20-million-line file (docs/PERFORMANCE.md).
    /// With `both_ways` (undirected edge lists), a friendship listed as `a b` and again
    /// as `b a` is counted in [`CleanupReport::listed_both_ways`] rather than as a
    /// repeat.
    ///
    /// The people are cut into `parts` ranges (None: one per worker thread of rayon's
    /// current pool, or one for a graph of fewer than [`PARALLEL_FREEZE`] people) that
    /// are counted, placed, sorted and deduplicated in parallel, each part reading every
    /// edge (`edges()` is called twice per part) and keeping the arcs of its own people.
    /// The graph is the same for any number of parts.
    ///
    /// # Errors
    /// [`GraphError::TooLarge`] when the arcs do not fit `u32` offsets.
    ///
    /// # Complexity
    /// O(n + p·m + m log d) time for p parts (counting sort, each part reading every
    /// edge, then sorting each adjacency); each part writes and sorts about m / p arcs.
    pub(crate) fn freeze<I: Iterator<Item = (u32, u32, f32)>>(
        n: usize,
        directed: bool,
        has_weights: bool,
        both_ways: bool,
        original_ids: Option<OriginalIds>,
        edges: impl Fn() -> I + Sync,
        parts: Option<usize>,
    ) -> Result<Self, GraphError> {
        let parts = parts.unwrap_or_else(|| if n < PARALLEL_FREEZE { 1 } else { rayon::current_num_threads() }).max(1);
        let mut cleanup = CleanupReport::default();
        let mut degree = vec![0u64; n];
        // Degrees, by equal ranges of people.
        let mut counts = Vec::with_capacity(parts);
        let mut rest = &mut degree[..];
        for k in 0..parts {
            let lo = n * k / parts;
            let (head, tail) = rest.split_at_mut(n * (k + 1) / parts - lo);
            counts.push((lo as u32, head));
            rest = tail;
        }
        cleanup.self_loops_removed = counts
            .into_par_iter()
            .map(|(lo, degree)| {
                let (span, mut loops) = (degree.len() as u32, 0);
                for (s, t, _) in edges() {
                    let i = s.wrapping_sub(lo);
                    if s == t {
                        loops += (i < span) as u64;
                        continue;
                    }
                    if i < span {
                        degree[i as usize] += 1;
                    }
                    let j = t.wrapping_sub(lo);
                    if !directed && j < span {
                        degree[j as usize] += 1;
                    }
                }
                loops
            })
            .sum();
        let total: u64 = degree.iter().sum();
        if total >= u32::MAX as u64 {
            return Err(GraphError::TooLarge(format!("{total} arcs; at most {} fit", u32::MAX - 1)));
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut acc = 0u32;
        for d in &degree {
            offsets.push(acc);
            acc += *d as u32;
        }
        offsets.push(acc);
        drop(degree);
        // Placing and sorting: ranges of people with about equal numbers of arcs.
        let bounds: Vec<usize> = (0..=parts)
            .map(|k| match k {
                k if k == parts => n,
                k => offsets[..n].partition_point(|&o| (o as u64) * (parts as u64) < acc as u64 * k as u64),
            })
            .collect();
        // An undirected friendship's arc in its second-named person's list carries
        // REVERSED in its target's top bit, so that the dedupe below tells `a b` read
        // twice from `a b` and `b a` (ids below 2^31: a larger graph could not be held
        // in memory anyway; it would count every repeat as a plain one). Without the
        // flag (0) nothing is masked, so ids of any size stay whole.
        let flag = if both_ways && !directed && n <= REVERSED as usize { REVERSED } else { 0 };
        let mark = |reversed: bool| if reversed { flag } else { 0 };
        // Unweighted graphs sort bare targets (half the memory and time of pairs).
        let (offsets, targets, weights, dedupe) = if has_weights {
            let mut arcs: Vec<(u32, f32)> = vec![(0, 0.0); acc as usize];
            place_arcs(&offsets, &bounds, &mut arcs, directed, &edges, |t, w, reversed| (t | mark(reversed), w));
            let (offsets, dedupe) = sort_and_dedupe(
                &offsets,
                &bounds,
                &mut arcs,
                directed,
                |a| a.0 & !flag,
                |a| a.0 & flag != 0,
                |a| a.1.to_bits(),
                |a| (a.0 & !flag, a.1),
            );
            (offsets, arcs.iter().map(|a| a.0).collect(), Some(arcs.iter().map(|a| a.1).collect()), dedupe)
        } else {
            let mut arcs: Vec<u32> = vec![0; acc as usize];
            place_arcs(&offsets, &bounds, &mut arcs, directed, &edges, |t, _, reversed| t | mark(reversed));
            let (offsets, dedupe) = sort_and_dedupe(
                &offsets,
                &bounds,
                &mut arcs,
                directed,
                |&a| a & !flag,
                |&a| a & flag != 0,
                |_| 0,
                |a| a & !flag,
            );
            (offsets, arcs, None, dedupe)
        };
        cleanup.duplicate_edges_removed = dedupe.repeats - dedupe.both_ways;
        cleanup.listed_both_ways = dedupe.both_ways;
        cleanup.weight_conflicts = if has_weights { dedupe.weight_conflicts } else { 0 };
        Ok(Self { offsets, targets, weights, directed, original_ids, cleanup })
    }

    /// Number of people.
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of stored arcs (two per friendship in an undirected graph).
    pub fn arc_count(&self) -> usize {
        self.targets.len()
    }

    /// Number of edges: friendships (undirected) or arcs (directed).
    pub fn edge_count(&self) -> usize {
        if self.directed { self.targets.len() } else { self.targets.len() / 2 }
    }

    /// Whether edges have a direction.
    pub fn is_directed(&self) -> bool {
        self.directed
    }

    /// Whether edges carry a weight.
    pub fn has_weights(&self) -> bool {
        self.weights.is_some()
    }

    /// What freezing removed.
    pub fn cleanup(&self) -> CleanupReport {
        self.cleanup
    }

    /// The same people and ties, each tie's strength (weight) set to `strength(u, v)`:
    /// on an undirected graph called once per friendship with `u < v`, so that both of
    /// its arcs get the same strength; on a directed graph once per arc from `u` to `v`.
    /// For benchmarks and experiments on strengths a graph does not come with (the
    /// engine's cells of strength, `benches/campaign_vs_ic.rs`).
    ///
    /// # Complexity
    /// O(n + m log d): a binary search in `v`'s sorted list finds each friendship's
    /// second arc.
    pub fn with_strengths(&self, strength: impl Fn(NodeId, NodeId) -> f32) -> SocialGraph {
        let mut weights = vec![0.0f32; self.targets.len()];
        for u in 0..self.node_count() as u32 {
            let first = self.first_arc(NodeId(u));
            for (j, &v) in self.neighbours(NodeId(u)).iter().enumerate() {
                if self.directed {
                    weights[first + j] = strength(NodeId(u), NodeId(v));
                } else if u < v {
                    let w = strength(NodeId(u), NodeId(v));
                    weights[first + j] = w;
                    let back = self.neighbours(NodeId(v)).binary_search(&u).expect("friendships go both ways");
                    weights[self.first_arc(NodeId(v)) + back] = w;
                }
            }
        }
        SocialGraph {
            offsets: self.offsets.clone(),
            targets: self.targets.clone(),
            weights: Some(weights),
            directed: self.directed,
            original_ids: self.original_ids.clone(),
            cleanup: self.cleanup,
        }
    }

    /// People `u` can reach (out-neighbours), sorted by id.
    #[inline]
    pub fn neighbours(&self, u: NodeId) -> &[u32] {
        let (s, e) = self.range(u);
        &self.targets[s..e]
    }

    /// Edge weights parallel to [`Self::neighbours`], if the graph has them: tie
    /// strengths for the campaign model, probabilities or influence weights for the
    /// textbook models.
    #[inline]
    pub fn weights(&self, u: NodeId) -> Option<&[f32]> {
        let (s, e) = self.range(u);
        self.weights.as_ref().map(|w| &w[s..e])
    }

    /// Index of `u`'s first arc in the arc arrays (targets, weights).
    #[inline]
    pub(crate) fn first_arc(&self, u: NodeId) -> usize {
        self.offsets[u.0 as usize] as usize
    }

    /// Every arc's target, in arc order (`neighbours(u)` is
    /// `all_targets()[first_arc(u)..first_arc(u) + degree(u)]`).
    #[inline]
    pub(crate) fn all_targets(&self) -> &[u32] {
        &self.targets
    }

    /// Every arc's weight, in arc order, if the graph has weights.
    pub(crate) fn all_weights(&self) -> Option<&[f32]> {
        self.weights.as_deref()
    }

    /// Where `u`'s friend list starts in the offsets array (for the engine's prefetch).
    #[inline]
    pub(crate) fn offset_entry(&self, u: NodeId) -> &u32 {
        &self.offsets[u.0 as usize]
    }

    #[inline]
    fn range(&self, u: NodeId) -> (usize, usize) {
        let i = u.0 as usize;
        (self.offsets[i] as usize, self.offsets[i + 1] as usize)
    }

    /// Out-degree of `u`.
    #[inline]
    pub fn degree(&self, u: NodeId) -> usize {
        let (s, e) = self.range(u);
        e - s
    }

    /// The `count` people with the most friends (out-degree), most first; ties go to
    /// the lower id (the one read first from an edge list). Who `highest-degree`
    /// seeding picks, and the hubs `fission graph` lists.
    ///
    /// # Complexity
    /// O(n + count log count).
    pub fn highest_degree(&self, count: usize) -> Vec<u32> {
        let n = self.node_count();
        let count = count.min(n);
        // (The id in the key makes it unique: the same order as a full sort's.)
        let key = |&u: &u32| (std::cmp::Reverse(self.degree(NodeId(u))), u);
        let mut ids: Vec<u32> = (0..n as u32).collect();
        if count == 0 {
            return Vec::new();
        }
        if count < n {
            ids.select_nth_unstable_by_key(count - 1, key);
            ids.truncate(count);
        }
        ids.sort_unstable_by_key(key);
        ids
    }

    /// The id `u` had in the input (edge-list id, or the dense id for generators).
    pub fn original_id(&self, u: NodeId) -> OriginalId {
        match &self.original_ids {
            Some(OriginalIds::Numbers(ids)) => OriginalId::Number(ids[u.0 as usize]),
            Some(OriginalIds::Text(ids)) => OriginalId::Text(ids[u.0 as usize].clone()),
            None => OriginalId::Number(u.0 as u64),
        }
    }

    /// Whether the input named people by text ids.
    pub fn has_text_ids(&self) -> bool {
        matches!(self.original_ids, Some(OriginalIds::Text(_)))
    }

    /// A map from input ids to dense ids (built on each call; use once).
    pub fn original_id_index(&self) -> HashMap<OriginalId, NodeId> {
        (0..self.node_count() as u32).map(|i| (self.original_id(NodeId(i)), NodeId(i))).collect()
    }

    /// The undirected view of a directed graph (every arc in both directions, repeats
    /// merged); a copy of an undirected graph.
    pub fn undirected_view(&self) -> SocialGraph {
        let n = self.node_count();
        let mut g = petgraph::graph::UnGraph::<(), f32>::with_capacity(n, self.targets.len());
        for _ in 0..n {
            g.add_node(());
        }
        for u in 0..n {
            for &v in self.neighbours(NodeId(u as u32)) {
                if !self.directed && (v as usize) < u {
                    continue;
                }
                g.add_edge(
                    petgraph::graph::NodeIndex::new(u),
                    petgraph::graph::NodeIndex::new(v as usize),
                    NEUTRAL_TIE,
                );
            }
        }
        let mut view = SocialGraph::from_petgraph(&g, false, self.original_ids.clone())
            .expect("an undirected view has no more arcs than twice the graph's");
        view.cleanup = self.cleanup;
        view
    }

    /// In-degree of every node (the degree, for an undirected graph).
    pub fn in_degrees(&self) -> Vec<u32> {
        let mut d = vec![0u32; self.node_count()];
        for &v in &self.targets {
            d[v as usize] += 1;
        }
        d
    }

    /// Sum of the weights on each node's incoming edges (None without weights).
    pub fn in_weight_sums(&self) -> Option<Vec<f64>> {
        let w = self.weights.as_ref()?;
        let mut sums = vec![0f64; self.node_count()];
        for (&v, &x) in self.targets.iter().zip(w) {
            sums[v as usize] += x as f64;
        }
        Some(sums)
    }

    /// Memory held by the frozen arrays, in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.len() * 4
            + self.targets.len() * 4
            + self.weights.as_ref().map_or(0, |w| w.len() * 4)
            + self.original_ids.as_ref().map_or(0, OriginalIds::memory_bytes)
    }

    /// Summary statistics: nodes, edges, degrees, isolated nodes.
    pub fn info(&self) -> GraphInfo {
        let n = self.node_count();
        let mut max_degree = 0;
        let mut isolated = 0;
        let mut sum_sq = 0f64;
        for u in 0..n {
            let d = self.degree(NodeId(u as u32));
            max_degree = max_degree.max(d);
            if d == 0 {
                isolated += 1;
            }
            sum_sq += (d * d) as f64;
        }
        let mean = self.arc_count() as f64 / n.max(1) as f64;
        GraphInfo {
            nodes: n as u64,
            edges: self.edge_count() as u64,
            directed: self.directed,
            mean_degree: mean,
            mean_square_degree: sum_sq / n.max(1) as f64,
            max_degree: max_degree as u64,
            isolated_nodes: isolated,
            has_edge_weights: self.has_weights(),
            cleanup: self.cleanup,
        }
    }
}

/// Summary of a frozen graph, for reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GraphInfo {
    /// Number of people.
    pub nodes: u64,
    /// Friendships (undirected) or arcs (directed).
    pub edges: u64,
    /// Whether edges have a direction.
    pub directed: bool,
    /// Mean out-degree.
    pub mean_degree: f64,
    /// Mean of the squared out-degree (for the epidemic threshold ⟨k⟩/(⟨k²⟩ − ⟨k⟩)).
    pub mean_square_degree: f64,
    /// Largest out-degree.
    pub max_degree: u64,
    /// People with no one to invite.
    pub isolated_nodes: u64,
    /// Whether edges carry a weight (tie strength, probability or influence).
    pub has_edge_weights: bool,
    /// What freezing removed.
    pub cleanup: CleanupReport,
}

/// The top bit of an arc's target while freezing: the arc was placed in the list of the
/// edge's second-named person ([`SocialGraph::freeze`]).
const REVERSED: u32 = 1 << 31;

/// What [`sort_and_dedupe`] dropped, counted once per edge (on an undirected graph,
/// in the list of the edge's lower-numbered end).
#[derive(Debug, Default)]
struct Dedupe {
    /// Arcs dropped as repeats of an arc already in the list.
    repeats: u64,
    /// Of those, edges whose listings ran in both directions (one per such edge).
    both_ways: u64,
    /// Dropped arcs whose weight (bits) differs from the kept one's.
    weight_conflicts: u64,
}

/// People from whom freezing runs in parallel parts (below, one part: starting the
/// threads would cost more than it saves).
const PARALLEL_FREEZE: usize = 1 << 16;

/// Cuts `arcs` into the slices of the people `bounds[k]..bounds[k + 1]`, each with its
/// first person.
fn pieces<'a, A>(offsets: &[u32], bounds: &[usize], mut arcs: &'a mut [A]) -> Vec<(usize, &'a mut [A])> {
    let mut pieces = Vec::with_capacity(bounds.len() - 1);
    for w in bounds.windows(2) {
        let (head, tail) = arcs.split_at_mut((offsets[w[1]] - offsets[w[0]]) as usize);
        pieces.push((w[0], head));
        arcs = tail;
    }
    pieces
}

/// Places every edge's arcs in their owners' lists, in the order `edges()` yields them
/// (`place(target, weight, reversed)` makes an arc; `reversed`: placed from an
/// undirected edge's second-named end). Each part of [`pieces`] reads every edge and
/// writes only its own people's arcs, so the lists are the same for any parts.
fn place_arcs<A: Send, I: Iterator<Item = (u32, u32, f32)>>(
    offsets: &[u32],
    bounds: &[usize],
    arcs: &mut [A],
    directed: bool,
    edges: &(impl Fn() -> I + Sync),
    place: impl Fn(u32, f32, bool) -> A + Sync,
) {
    pieces(offsets, bounds, arcs).into_par_iter().enumerate().for_each(|(k, (lo, piece))| {
        let base = offsets[lo];
        let mut cursor: Vec<u32> = offsets[lo..bounds[k + 1]].iter().map(|&o| o - base).collect();
        let (lo, span) = (lo as u32, cursor.len() as u32);
        for (s, t, w) in edges() {
            if s == t {
                continue;
            }
            let i = s.wrapping_sub(lo);
            if i < span {
                piece[cursor[i as usize] as usize] = place(t, w, false);
                cursor[i as usize] += 1;
            }
            let j = t.wrapping_sub(lo);
            if !directed && j < span {
                piece[cursor[j as usize] as usize] = place(s, w, true);
                cursor[j as usize] += 1;
            }
        }
    });
}

/// Sorts each adjacency `arcs[offsets[u]..offsets[u + 1]]` by `target` (stable: of
/// repeated edges the first one read comes first and is kept, with its weight) and
/// drops repeated targets, compacting; kept arcs pass through `strip`. Returns the new
/// offsets and what it dropped. `reversed` tells an undirected arc placed from the
/// edge's second-named end; `weight` gives the bits compared for conflicts. The parts
/// of [`pieces`] are sorted in parallel, each compacted in place, then moved together.
#[allow(clippy::too_many_arguments)]
fn sort_and_dedupe<A: Copy + Send>(
    offsets: &[u32],
    bounds: &[usize],
    arcs: &mut Vec<A>,
    directed: bool,
    target: impl Fn(&A) -> u32 + Sync,
    reversed: impl Fn(&A) -> bool + Sync,
    weight: impl Fn(&A) -> u32 + Sync,
    strip: impl Fn(A) -> A + Sync,
) -> (Vec<u32>, Dedupe) {
    let n = offsets.len() - 1;
    let parts: Vec<(Vec<u32>, usize, Dedupe)> = pieces(offsets, bounds, arcs)
        .into_par_iter()
        .enumerate()
        .map(|(k, (lo, piece))| {
            let base = offsets[lo] as usize;
            let mut write = 0usize;
            let mut starts = Vec::with_capacity(bounds[k + 1] - lo);
            let mut dropped = Dedupe::default();
            for u in lo..bounds[k + 1] {
                starts.push(write as u32);
                let (start, end) = (offsets[u] as usize - base, offsets[u + 1] as usize - base);
                piece[start..end].sort_by_key(&target);
                let mut i = start;
                while i < end {
                    let kept = piece[i];
                    let t = target(&kept);
                    let mut j = i + 1;
                    while j < end && target(&piece[j]) == t {
                        j += 1;
                    }
                    // An undirected edge's listings form a group in both ends' lists:
                    // count it at the lower end.
                    if j > i + 1 && (directed || u < t as usize) {
                        let group = &piece[i..j];
                        dropped.repeats += (j - i - 1) as u64;
                        let first = reversed(&kept);
                        dropped.both_ways += group.iter().any(|a| reversed(a) != first) as u64;
                        dropped.weight_conflicts += group.iter().filter(|a| weight(a) != weight(&kept)).count() as u64;
                    }
                    piece[write] = strip(kept);
                    write += 1;
                    i = j;
                }
            }
            (starts, write, dropped)
        })
        .collect();
    let mut new_offsets = Vec::with_capacity(n + 1);
    let (mut write, mut dropped) = (0usize, Dedupe::default());
    for (k, (starts, len, part)) in parts.into_iter().enumerate() {
        let from = offsets[bounds[k]] as usize;
        arcs.copy_within(from..from + len, write);
        new_offsets.extend(starts.iter().map(|&o| o + write as u32));
        write += len;
        dropped.repeats += part.repeats;
        dropped.both_ways += part.both_ways;
        dropped.weight_conflicts += part.weight_conflicts;
    }
    new_offsets.push(write as u32);
    arcs.truncate(write);
    arcs.shrink_to_fit();
    (new_offsets, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_strengths_gives_both_arcs_of_a_friendship_one_strength() {
        let strength = |u: NodeId, v: NodeId| (u.0 * 1000 + v.0) as f32;
        let g =
            GraphSpec { model: GraphModel::BarabasiAlbert { nodes: 300, m: 3 }, tie_strength: TieStrengths::default() }
                .generate(1)
                .unwrap();
        let w = g.with_strengths(strength);
        assert_eq!(w.node_count(), g.node_count());
        let mut arcs = 0;
        for u in 0..g.node_count() as u32 {
            assert_eq!(w.neighbours(NodeId(u)), g.neighbours(NodeId(u)));
            for (&v, &s) in w.neighbours(NodeId(u)).iter().zip(w.weights(NodeId(u)).unwrap()) {
                assert_eq!(s, strength(NodeId(u.min(v)), NodeId(u.max(v))));
                arcs += 1;
            }
        }
        assert_eq!(arcs, 2 * g.edge_count());
        let directed = listed(4, true, &[(0, 1, 0.5), (1, 0, 0.5), (2, 3, 0.5)]).with_strengths(strength);
        assert_eq!(directed.weights(NodeId(0)).unwrap(), [1.0]);
        assert_eq!(directed.weights(NodeId(1)).unwrap(), [1000.0]);
        assert_eq!(directed.weights(NodeId(2)).unwrap(), [2003.0]);
    }
    use petgraph::graph::{DiGraph, UnGraph};

    #[test]
    fn freeze_removes_and_counts_loops_and_duplicates() {
        let mut g = UnGraph::<(), f32>::new_undirected();
        let n: Vec<_> = (0..4).map(|_| g.add_node(())).collect();
        g.add_edge(n[0], n[1], 0.5);
        g.add_edge(n[1], n[0], 0.5); // duplicate friendship
        g.add_edge(n[2], n[2], 0.5); // self-loop
        g.add_edge(n[2], n[3], 0.5);
        let s = SocialGraph::from_petgraph(&g, false, None).unwrap();
        assert_eq!(s.edge_count(), 2);
        assert_eq!(s.cleanup().self_loops_removed, 1);
        // A generated graph's repeated ties are plain repeats, whatever their order.
        assert_eq!((s.cleanup().duplicate_edges_removed, s.cleanup().listed_both_ways), (1, 0));
        assert_eq!(s.neighbours(NodeId(0)), &[1]);
        assert_eq!(s.neighbours(NodeId(2)), &[3]);
        assert_eq!(s.neighbours(NodeId(3)), &[2]);
    }

    /// Freezes `edges` as an edge list would (both directions told apart).
    fn listed(n: usize, directed: bool, edges: &[(u32, u32, f32)]) -> SocialGraph {
        SocialGraph::freeze(n, directed, true, true, None, || edges.iter().copied(), None).unwrap()
    }

    #[test]
    fn an_edge_list_tells_both_directions_from_repeats() {
        let edges = [
            (0, 1, 0.3),
            (1, 0, 0.3), // the same friendship listed the other way
            (0, 1, 0.7), // and again, with another weight
            (2, 3, 0.5),
            (2, 3, 0.5), // a plain repeat
            (3, 4, 0.5),
            (4, 4, 0.5), // a self-loop
        ];
        let g = listed(5, false, &edges);
        let c = g.cleanup();
        assert_eq!((g.edge_count(), c.self_loops_removed), (3, 1));
        assert_eq!((c.listed_both_ways, c.duplicate_edges_removed, c.weight_conflicts), (1, 2, 1));
        // The first listing's weight is kept, on both sides; no flag bit leaks out.
        assert_eq!((g.neighbours(NodeId(0)), g.weights(NodeId(0)).unwrap()), (&[1u32][..], &[0.3f32][..]));
        assert_eq!((g.neighbours(NodeId(1)), g.weights(NodeId(1)).unwrap()), (&[0u32][..], &[0.3f32][..]));
        assert_eq!(g.neighbours(NodeId(3)), &[2, 4]);
        assert_eq!(
            c.to_string(),
            "1 self-loop and 2 repeated edges removed; 1 friendship listed both ways (a b and b a), merged; \
             1 repeat has a different weight from the first listing, whose weight is kept"
        );
        // Directed, `a b` and `b a` are two arcs.
        let d = listed(5, true, &edges);
        let c = d.cleanup();
        assert_eq!((d.edge_count(), c.listed_both_ways, c.duplicate_edges_removed, c.weight_conflicts), (4, 0, 2, 1));
        assert_eq!(d.neighbours(NodeId(1)), &[0]);
        // Unweighted, the same counts and no weights compared.
        let g = SocialGraph::freeze(5, false, false, true, None, || edges.iter().copied(), None).unwrap();
        let c = g.cleanup();
        assert_eq!((c.listed_both_ways, c.duplicate_edges_removed, c.weight_conflicts), (1, 2, 0));
        assert_eq!((g.neighbours(NodeId(0)), g.neighbours(NodeId(1))), (&[1u32][..], &[0u32][..]));
        assert_eq!(
            c.to_string(),
            "1 self-loop and 2 repeated edges removed; 1 friendship listed both ways (a b and b a), merged"
        );
    }

    #[test]
    fn freezing_in_parts_gives_the_graph_of_a_plain_reading() {
        use std::collections::BTreeMap;
        // Many repeats, both-way listings, self-loops and conflicting weights, and
        // people with no tie at all.
        let n = 300u32;
        let mut rng = crate::rng::stream_rng(5, 0);
        let edges: Vec<(u32, u32, f32)> = (0..4000)
            .map(|_| {
                let a = crate::rng::below(&mut rng, n as u64 / 2) as u32 * 2;
                let b = crate::rng::below(&mut rng, n as u64 / 2) as u32 * 2;
                (a, b, crate::rng::below(&mut rng, 3) as f32 / 4.0)
            })
            .collect();
        for directed in [false, true] {
            // The graph as the documentation describes it, built from ordered maps: each
            // person's friends in id order, each tie with its first listing's weight.
            let mut lists: Vec<BTreeMap<u32, f32>> = vec![BTreeMap::new(); n as usize];
            let (mut loops, mut repeats) = (0, 0);
            for &(a, b, w) in &edges {
                if a == b {
                    loops += 1;
                    continue;
                }
                repeats += lists[a as usize].contains_key(&b) as u64;
                lists[a as usize].entry(b).or_insert(w);
                if !directed {
                    lists[b as usize].entry(a).or_insert(w);
                }
            }
            for weights in [true, false] {
                for parts in [1, 2, 3, 7, 400] {
                    let g = SocialGraph::freeze(
                        n as usize,
                        directed,
                        weights,
                        true,
                        None,
                        || edges.iter().copied(),
                        Some(parts),
                    )
                    .unwrap();
                    let what = format!("directed {directed}, weights {weights}, {parts} parts");
                    for (u, list) in lists.iter().enumerate() {
                        let u = NodeId(u as u32);
                        assert_eq!(g.neighbours(u), list.keys().copied().collect::<Vec<_>>(), "{what}");
                        if weights {
                            assert_eq!(g.weights(u).unwrap(), list.values().copied().collect::<Vec<_>>(), "{what}");
                        }
                    }
                    let c = g.cleanup();
                    assert_eq!(c.self_loops_removed, loops, "{what}");
                    assert_eq!(c.duplicate_edges_removed + c.listed_both_ways, repeats, "{what}");
                }
            }
        }
    }

    #[test]
    fn highest_degree_is_the_head_of_the_full_sort() {
        let g = GraphSpec {
            model: GraphModel::BarabasiAlbert { nodes: 2000, m: 3 },
            tie_strength: TieStrengths::default(),
        }
        .generate(7)
        .unwrap();
        let mut all: Vec<u32> = (0..2000).collect();
        all.sort_by_key(|&u| (std::cmp::Reverse(g.degree(NodeId(u))), u));
        for count in [0, 1, 5, 37, 1999, 2000, 5000] {
            assert_eq!(g.highest_degree(count), all[..count.min(2000)], "count {count}");
        }
    }

    #[test]
    fn directed_freeze_keeps_direction_and_sorts() {
        let mut g = DiGraph::<(), f32>::new();
        let n: Vec<_> = (0..3).map(|_| g.add_node(())).collect();
        g.add_edge(n[0], n[2], 0.9);
        g.add_edge(n[0], n[1], 0.1);
        let s = SocialGraph::from_petgraph(&g, true, None).unwrap();
        assert_eq!(s.neighbours(NodeId(0)), &[1, 2]);
        assert_eq!(s.weights(NodeId(0)).unwrap(), &[0.1, 0.9]);
        assert!(s.neighbours(NodeId(2)).is_empty());
        assert_eq!(s.edge_count(), 2);
    }
}
