//! The cascade model seeds are chosen for: each arc's probability (independent
//! cascade) or influence weight (linear threshold), forward in the graph's arc order
//! and reversed (who can activate each person), and the live-edge "worlds" both models
//! are equivalent to (Kempe, Kleinberg & Tardos 2003, Claims 2.3 and 2.6).

use crate::graph::{NodeId, SocialGraph};

/// The two cascade models the influence-maximisation guarantee covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CascadeKind {
    /// Every arc u → v is live with probability p_uv, independently.
    IndependentCascade,
    /// Every person v keeps at most one incoming arc u → v, with probability b_uv
    /// (none with probability 1 − Σ_u b_uv).
    LinearThreshold,
}

impl CascadeKind {
    /// The scenario's name of the model.
    pub fn name(self) -> &'static str {
        match self {
            CascadeKind::IndependentCascade => "independent-cascade",
            CascadeKind::LinearThreshold => "linear-threshold",
        }
    }
}

/// Where each arc's probability or weight comes from.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ArcRule {
    /// The same value on every arc.
    Uniform(f64),
    /// The edge list's weight column (clamped to [0, 1]).
    EdgeWeights,
    /// 1 / in-degree of the arc's target (the weighted cascade; LT's in-degree weights).
    InverseInDegree,
}

/// A cascade model on a graph: arc values forward and reversed.
#[derive(Debug, Clone)]
pub struct InfluenceGraph {
    kind: CascadeKind,
    /// p_uv or b_uv per arc, in the graph's arc order.
    forward: Vec<f32>,
    /// Reverse CSR: the arcs into v are `rev_sources[rev_offsets[v]..rev_offsets[v + 1]]`.
    rev_offsets: Vec<u32>,
    rev_sources: Vec<u32>,
    rev_values: Vec<f32>,
    /// Per person, the probability that none of their incoming arcs is live
    /// (Π (1 − p_uv); independent cascade only).
    none_live: Vec<f64>,
}

impl InfluenceGraph {
    /// The model `kind` on `graph` with arc values by `rule`.
    ///
    /// # Complexity
    /// O(n + m) time, 12 bytes per arc.
    pub fn new(graph: &SocialGraph, kind: CascadeKind, rule: ArcRule) -> Self {
        let n = graph.node_count();
        let in_degree = graph.in_degrees();
        let mut forward = Vec::with_capacity(graph.arc_count());
        for u in 0..n as u32 {
            let w = graph.weights(NodeId(u));
            for (i, &v) in graph.neighbours(NodeId(u)).iter().enumerate() {
                let x = match rule {
                    ArcRule::Uniform(p) => p,
                    ArcRule::EdgeWeights => w.map_or(1.0, |w| w[i] as f64),
                    ArcRule::InverseInDegree => 1.0 / in_degree[v as usize].max(1) as f64,
                };
                forward.push(x.clamp(0.0, 1.0) as f32);
            }
        }
        let mut rev_offsets = vec![0u32; n + 1];
        for v in 0..n {
            rev_offsets[v + 1] = rev_offsets[v] + in_degree[v];
        }
        let mut fill = rev_offsets.clone();
        let mut rev_sources = vec![0u32; graph.arc_count()];
        let mut rev_values = vec![0f32; graph.arc_count()];
        let mut arc = 0;
        for u in 0..n as u32 {
            for &v in graph.neighbours(NodeId(u)) {
                let slot = &mut fill[v as usize];
                rev_sources[*slot as usize] = u;
                rev_values[*slot as usize] = forward[arc];
                *slot += 1;
                arc += 1;
            }
        }
        let none_live = match kind {
            CascadeKind::IndependentCascade => (0..n)
                .map(|v| {
                    let (s, e) = (rev_offsets[v] as usize, rev_offsets[v + 1] as usize);
                    rev_values[s..e].iter().map(|&p| 1.0 - p as f64).product()
                })
                .collect(),
            CascadeKind::LinearThreshold => Vec::new(),
        };
        Self { kind, forward, rev_offsets, rev_sources, rev_values, none_live }
    }

    /// The model.
    pub fn kind(&self) -> CascadeKind {
        self.kind
    }

    /// Number of people.
    pub fn node_count(&self) -> usize {
        self.rev_offsets.len() - 1
    }

    /// The value of every arc, in the graph's arc order.
    pub fn forward(&self) -> &[f32] {
        &self.forward
    }

    /// The arcs into `v`: their sources and values.
    #[inline]
    pub fn incoming(&self, v: u32) -> (&[u32], &[f32]) {
        let (s, e) = (self.rev_offsets[v as usize] as usize, self.rev_offsets[v as usize + 1] as usize);
        (&self.rev_sources[s..e], &self.rev_values[s..e])
    }

    /// The probability that none of the arcs into `v` is live (independent cascade).
    #[inline]
    pub fn none_live(&self, v: u32) -> f64 {
        self.none_live[v as usize]
    }

    /// The mean arc value (degree discount's p on a graph whose arcs differ).
    pub fn mean_value(&self) -> f64 {
        if self.forward.is_empty() {
            return 0.0;
        }
        self.forward.iter().map(|&x| x as f64).sum::<f64>() / self.forward.len() as f64
    }

    /// Memory held, in bytes.
    pub fn memory_bytes(&self) -> usize {
        (self.forward.len() + self.rev_offsets.len() + self.rev_sources.len() + self.rev_values.len()) * 4
            + self.none_live.len() * 8
    }

    /// Under the linear threshold model, which incoming arc of `v` is live in the
    /// world whose draw for `v` is `x` (uniform in [0, 1)): the source, or None.
    #[inline]
    pub fn lt_choice(&self, v: u32, x: f64) -> Option<u32> {
        let (sources, values) = self.incoming(v);
        let mut acc = 0.0;
        for (&u, &b) in sources.iter().zip(values) {
            acc += b as f64;
            if x < acc {
                return Some(u);
            }
        }
        None
    }
}
