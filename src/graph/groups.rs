//! Group chats (群聊): which people are in which groups, generated along the social
//! graph or read from a `person,group` file, as arrays both ways.

use super::{NodeId, SocialGraph};
use crate::rng::{SimRng, below, stream_rng, uniform};
use std::collections::HashMap;

/// WeChat's limit on a group's members.
pub const GROUP_CAP: u32 = 500;

/// People's group chats: the members of each group and the groups of each person.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Membership {
    group_start: Vec<u32>,
    members: Vec<u32>,
    person_start: Vec<u32>,
    groups: Vec<u32>,
}

impl Membership {
    /// Groups along `graph` so that a person is in `per_person` groups on average: each
    /// group's size s is drawn from P(s) ∝ s^−`exponent` on 3..=`cap` (many small groups
    /// of family and friends, a few large ones), and it is filled as groups fill on
    /// WeChat, by members bringing in their friends (Qiu et al. 2016): from a random
    /// founder, a random member adds one of their friends not yet in, until the group
    /// has s members or its members have no friend left outside it (then anyone joins).
    /// Stream `stream` of `rng_seed` draws everything: the same groups every time.
    pub fn generate(graph: &SocialGraph, per_person: f64, cap: u32, exponent: f64, rng_seed: u64) -> Self {
        let n = graph.node_count();
        let mut rng = stream_rng(rng_seed, crate::rng::STREAM_GRAPH - 1);
        let cap = cap.clamp(3, GROUP_CAP);
        // Inverse CDF of the size distribution, tabulated.
        let weights: Vec<f64> = (3..=cap).map(|s| (s as f64).powf(-exponent)).collect();
        let total: f64 = weights.iter().sum();
        let mut cdf = Vec::with_capacity(weights.len());
        let mut acc = 0.0;
        for w in &weights {
            acc += w / total;
            cdf.push(acc);
        }
        let size = |rng: &mut SimRng| {
            let u = uniform(rng);
            3 + cdf.partition_point(|&c| c < u).min(cdf.len() - 1) as u32
        };
        let target = (per_person * n as f64).round() as usize;
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(target + cap as usize);
        let mut group = 0u32;
        let mut members: Vec<u32> = Vec::new();
        let mut inside = std::collections::HashSet::new();
        while pairs.len() < target && n >= 3 {
            let s = (size(&mut rng) as usize).min(n);
            members.clear();
            inside.clear();
            let founder = below(&mut rng, n as u64) as u32;
            members.push(founder);
            inside.insert(founder);
            let mut misses = 0;
            while members.len() < s {
                let m = members[below(&mut rng, members.len() as u64) as usize];
                let friends = graph.neighbours(NodeId(m));
                let candidate = if friends.is_empty() || misses > 4 * s {
                    below(&mut rng, n as u64) as u32
                } else {
                    friends[below(&mut rng, friends.len() as u64) as usize]
                };
                if inside.insert(candidate) {
                    members.push(candidate);
                } else {
                    misses += 1;
                }
            }
            pairs.extend(members.iter().map(|&v| (v, group)));
            group += 1;
        }
        Self::from_dense(n, group as usize, pairs)
    }

    /// Groups from `(person, group)` pairs, people by their dense ids and groups by any
    /// number, renumbered in order of first appearance. A pair listed twice counts once.
    ///
    /// # Errors
    /// A group of more than [`GROUP_CAP`] members (its number and size).
    pub fn from_pairs(n: usize, pairs: &[(u32, u64)]) -> Result<Self, String> {
        let mut ids: HashMap<u64, u32> = HashMap::new();
        let mut dense: Vec<(u32, u32)> = Vec::with_capacity(pairs.len());
        for &(v, g) in pairs {
            let next = ids.len() as u32;
            dense.push((v, *ids.entry(g).or_insert(next)));
        }
        dense.sort_unstable_by_key(|&(v, g)| (g, v));
        dense.dedup();
        let m = Self::from_dense(n, ids.len(), dense);
        let mut by_id: Vec<(u64, u32)> = ids.into_iter().collect();
        by_id.sort_unstable_by_key(|&(_, d)| d);
        for (id, d) in by_id {
            let size = m.members(d).len();
            if size > GROUP_CAP as usize {
                return Err(format!("group {id} has {size} members; a WeChat group has at most {GROUP_CAP}"));
            }
        }
        Ok(m)
    }

    fn from_dense(n: usize, group_count: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable_by_key(|&(v, g)| (g, v));
        let mut group_start = vec![0u32; group_count + 1];
        for &(_, g) in &pairs {
            group_start[g as usize + 1] += 1;
        }
        for i in 0..group_count {
            group_start[i + 1] += group_start[i];
        }
        let members = pairs.iter().map(|&(v, _)| v).collect();
        let mut person_start = vec![0u32; n + 1];
        for &(v, _) in &pairs {
            person_start[v as usize + 1] += 1;
        }
        for i in 0..n {
            person_start[i + 1] += person_start[i];
        }
        let mut fill = person_start.clone();
        let mut groups = vec![0u32; pairs.len()];
        for &(v, g) in &pairs {
            groups[fill[v as usize] as usize] = g;
            fill[v as usize] += 1;
        }
        Self { group_start, members, person_start, groups }
    }

    /// Number of groups.
    pub fn group_count(&self) -> usize {
        self.group_start.len().saturating_sub(1)
    }

    /// The members of group `g`.
    #[inline]
    pub fn members(&self, g: u32) -> &[u32] {
        &self.members[self.group_start[g as usize] as usize..self.group_start[g as usize + 1] as usize]
    }

    /// The groups of person `v`.
    #[inline]
    pub fn groups_of(&self, v: u32) -> &[u32] {
        self.person_start.get(v as usize..v as usize + 2).map_or(&[], |r| &self.groups[r[0] as usize..r[1] as usize])
    }

    /// Memberships in all (a person in two groups counts twice).
    pub fn memberships(&self) -> usize {
        self.members.len()
    }

    /// The largest group's size.
    pub fn largest(&self) -> usize {
        (0..self.group_count() as u32).map(|g| self.members(g).len()).max().unwrap_or(0)
    }
}
