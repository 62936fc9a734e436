//! The quick seed heuristics: highest degree, degree discount (Chen, Wang & Yang,
//! KDD 2009) and spreading seeds across communities (label propagation, Raghavan,
//! Albert & Kumara 2007).

use super::Key;
use crate::graph::{NodeId, SocialGraph};
use crate::rng::{stream_rng, uniform};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Who may still be chosen: a cost per person and what is left of a budget.
pub(super) struct Purse<'a> {
    cost: Option<&'a [f64]>,
    left: f64,
}

impl<'a> Purse<'a> {
    pub(super) fn new(cost: Option<(&'a [f64], f64)>) -> Self {
        Self { cost: cost.map(|c| c.0), left: cost.map_or(f64::INFINITY, |c| c.1) }
    }
    /// Takes `v` if they fit, and says whether they did.
    pub(super) fn take(&mut self, v: u32) -> bool {
        let c = self.cost.map_or(0.0, |c| c[v as usize]);
        if c > self.left + 1e-9 {
            return false;
        }
        self.left -= c;
        true
    }
}

/// The `k` people with the most friends that fit the budget, most first (ties to the
/// lower id).
pub fn highest_degree(graph: &SocialGraph, k: usize, cost: Option<(&[f64], f64)>) -> Vec<u32> {
    let mut purse = Purse::new(cost);
    let mut order: Vec<u32> = (0..graph.node_count() as u32).collect();
    order.sort_unstable_by_key(|&u| (Reverse(graph.degree(NodeId(u))), u));
    order.into_iter().filter(|&u| purse.take(u)).take(k).collect()
}

/// DegreeDiscountIC (Chen, Wang & Yang 2009, Algorithm 4): choose the person with the
/// largest discounted degree dd_v = d_v − 2 t_v − (d_v − t_v) t_v p, where t_v counts
/// v's chosen in-neighbours, then update the people they reach. Derived for the
/// independent cascade with a small uniform p; on a graph whose arcs differ, p is their
/// mean.
pub fn degree_discount(graph: &SocialGraph, k: usize, p: f64, cost: Option<(&[f64], f64)>) -> Vec<u32> {
    let n = graph.node_count();
    let d: Vec<f64> = (0..n as u32).map(|u| graph.degree(NodeId(u)) as f64).collect();
    let mut t = vec![0u32; n];
    let mut chosen = vec![false; n];
    let dd = |v: usize, t: u32| {
        let t = t as f64;
        d[v] - 2.0 * t - (d[v] - t) * t * p
    };
    let mut heap: BinaryHeap<(Key, Reverse<u32>, u32)> = (0..n).map(|v| (Key(d[v]), Reverse(v as u32), 0)).collect();
    let mut purse = Purse::new(cost);
    let mut out = Vec::with_capacity(k.min(n));
    while out.len() < k {
        let Some((_, Reverse(u), version)) = heap.pop() else { break };
        let ui = u as usize;
        if chosen[ui] || version != t[ui] {
            continue; // stale: a newer entry carries the current discount
        }
        if !purse.take(u) {
            chosen[ui] = true; // never fits: the budget only shrinks
            continue;
        }
        chosen[ui] = true;
        out.push(u);
        for &v in graph.neighbours(NodeId(u)) {
            let vi = v as usize;
            if !chosen[vi] {
                t[vi] += 1;
                heap.push((Key(dd(vi, t[vi])), Reverse(v), t[vi]));
            }
        }
    }
    out
}

/// Communities by asynchronous label propagation on the friendships (both directions
/// of a directed graph): everyone starts in their own community and, in a random order
/// each sweep, joins the community most of their friends are in (ties broken at
/// random; staying put when the current one is among the most), until a sweep changes
/// nothing (at most 100 sweeps). Returns each person's community, numbered 0.. by first
/// member.
pub fn label_propagation(graph: &SocialGraph, rng_seed: u64) -> Vec<u32> {
    let view;
    let g = if graph.is_directed() {
        view = graph.undirected_view();
        &view
    } else {
        graph
    };
    let n = g.node_count();
    let mut label: Vec<u32> = (0..n as u32).collect();
    let mut order: Vec<u32> = (0..n as u32).collect();
    let mut count = vec![0u32; n];
    let mut touched: Vec<u32> = Vec::new();
    let mut best: Vec<u32> = Vec::new();
    let mut rng = stream_rng(rng_seed, 0x1AB_E100);
    for _ in 0..100 {
        // Fisher–Yates with the shared generator.
        for i in (1..n).rev() {
            let j = crate::rng::below(&mut rng, i as u64 + 1) as usize;
            order.swap(i, j);
        }
        let mut changed = false;
        for &v in &order {
            let friends = g.neighbours(NodeId(v));
            if friends.is_empty() {
                continue;
            }
            for &u in friends {
                let l = label[u as usize];
                if count[l as usize] == 0 {
                    touched.push(l);
                }
                count[l as usize] += 1;
            }
            let top = touched.iter().map(|&l| count[l as usize]).max().unwrap_or(0);
            best.clear();
            best.extend(touched.iter().copied().filter(|&l| count[l as usize] == top));
            let current = label[v as usize];
            if !best.contains(&current) {
                best.sort_unstable();
                let pick = best[(uniform(&mut rng) * best.len() as f64) as usize % best.len()];
                label[v as usize] = pick;
                changed = true;
            }
            for &l in &touched {
                count[l as usize] = 0;
            }
            touched.clear();
        }
        if !changed {
            break;
        }
    }
    // Renumber by first member.
    let mut number = vec![u32::MAX; n];
    let mut next = 0;
    for l in label.iter_mut() {
        if number[*l as usize] == u32::MAX {
            number[*l as usize] = next;
            next += 1;
        }
        *l = number[*l as usize];
    }
    label
}

/// Seeds spread across the communities of [`label_propagation`]: each community gets
/// a share of the `k` seeds proportional to its size (largest remainders; a community
/// gets no more seeds than members), its best-connected members first. The seeds are
/// listed round by round (the largest community's first seed, the next community's
/// first, ...).
pub fn community(graph: &SocialGraph, k: usize, rng_seed: u64, cost: Option<(&[f64], f64)>) -> (Vec<u32>, usize) {
    let n = graph.node_count();
    let label = label_propagation(graph, rng_seed);
    let communities = label.iter().map(|&l| l as usize + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); communities];
    for (v, &l) in label.iter().enumerate() {
        members[l as usize].push(v as u32);
    }
    for m in &mut members {
        m.sort_unstable_by_key(|&u| (Reverse(graph.degree(NodeId(u))), u));
    }
    // Largest first (ties: the community numbered first).
    let mut rank: Vec<usize> = (0..communities).collect();
    rank.sort_by_key(|&c| (Reverse(members[c].len()), c));
    let k = k.min(n);
    let mut quota = vec![0usize; communities];
    let mut rest: Vec<(f64, usize)> = Vec::with_capacity(communities);
    let mut given = 0;
    for &c in &rank {
        let exact = k as f64 * members[c].len() as f64 / n.max(1) as f64;
        quota[c] = (exact.floor() as usize).min(members[c].len());
        given += quota[c];
        rest.push((exact - exact.floor(), c));
    }
    let mut position = vec![0usize; communities];
    for (i, &c) in rank.iter().enumerate() {
        position[c] = i;
    }
    rest.sort_by(|a, b| b.0.total_cmp(&a.0).then(position[a.1].cmp(&position[b.1])));
    let mut i = 0;
    while given < k && !rest.is_empty() {
        let c = rest[i % rest.len()].1;
        if quota[c] < members[c].len() {
            quota[c] += 1;
            given += 1;
        }
        i += 1;
        if i > rest.len() * (k + 1) {
            break;
        }
    }
    let mut purse = Purse::new(cost);
    let mut next = vec![0usize; communities];
    let mut taken = vec![0usize; communities];
    let mut out = Vec::with_capacity(k);
    // Round by round; a member that does not fit the budget is passed over for the
    // community's next one.
    loop {
        let mut progressed = false;
        for &c in &rank {
            while next[c] < members[c].len() && taken[c] < quota[c] {
                let v = members[c][next[c]];
                next[c] += 1;
                if purse.take(v) {
                    out.push(v);
                    taken[c] += 1;
                    progressed = true;
                    break;
                }
            }
        }
        if !progressed || out.len() >= k {
            break;
        }
    }
    (out, communities)
}
