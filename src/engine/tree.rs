//! Recruitment trees: who recruited whom in a run, by position in the order of
//! joining, and their statistics (Σ offspring², structural virality) in O(reach).

use super::*;

/// The recruitment tree of one run, by position in the order of joining (parents
/// before children), as a structure of arrays. The arrays keep the length of the
/// largest run so far and the first `len` entries are this run's, so that a lockstep
/// run can write a reached friend before it knows whether to keep them.
#[derive(Default)]
pub(super) struct Tree {
    pub(super) len: usize,
    /// Who joined at each position.
    pub(super) order: Vec<u32>,
    /// Position of each participant's recruiter (NONE for seed users).
    pub(super) parent: Vec<u32>,
    // Work arrays of `tree_statistics`.
    /// Per position, the index of its tree among `trees`.
    pub(super) root: Vec<u32>,
    /// Per position, its subtree's size in the low 32 bits and its offspring in the
    /// high 32 (one add to a recruiter counts both).
    pub(super) size_children: Vec<u64>,
    /// Per tree (per seed user), its size.
    pub(super) trees: Vec<u64>,
    /// Per tree, Σ s_v (n − s_v) over its non-roots, in [`WIENER_LANES`] lanes by
    /// position, so that consecutive participants of one tree do not wait on each
    /// other's sum in memory; in 64 bits when no tree is large enough to overflow them
    /// ([`WIENER_64_BELOW`]), else in 128.
    pub(super) wiener64: Vec<[u64; WIENER_LANES]>,
    pub(super) wiener128: Vec<[u128; WIENER_LANES]>,
}

/// Lanes of the per-tree sums of [`tree_statistics`] (adding a participant's term to
/// its tree's sum waits for the previous term of the same tree: store to load).
pub(super) const WIENER_LANES: usize = 4;

/// Runs with fewer participants than this sum each tree's Σ s_v (n − s_v) in 64 bits:
/// a tree of n people sums fewer than n terms of at most n² / 4, below 2^61 per lane.
pub(super) const WIENER_64_BELOW: usize = 1 << 21;

impl Tree {
    /// Appends a participant; returns their position.
    #[inline]
    pub(super) fn push(&mut self, node: u32, parent: u32) -> u32 {
        if self.len == self.order.len() {
            self.order.push(node);
            self.parent.push(parent);
        } else {
            self.order[self.len] = node;
            self.parent[self.len] = parent;
        }
        self.len += 1;
        self.len as u32 - 1
    }

    /// This run's participants in the order of joining.
    pub(super) fn order(&self) -> &[u32] {
        &self.order[..self.len]
    }

    /// This run's recruiters' positions.
    pub(super) fn parents(&self) -> &[u32] {
        &self.parent[..self.len]
    }

    pub(super) fn clear(&mut self) {
        self.len = 0;
    }
}

/// Recruitment-tree statistics of the run in `tree` (parents before children):
/// Σ offspring², and the mean structural virality of trees with two or more people,
/// ν = 2 Σ_v s_v (n − s_v) / (n (n − 1)) over non-root v with subtree size s_v
/// (Goel et al. 2016: the mean distance between two people of the tree). O(reach),
/// over compact arrays indexed by position in the order of joining.
pub(super) fn tree_statistics(t: &mut Tree, out: &mut RunOutcome) {
    let len = t.len;
    let Tree { parent, size_children, root, trees, wiener64, wiener128, .. } = t;
    let parent = &parent[..len];
    // Backwards (children before parents): subtree sizes and offspring counts, both by
    // one add to the recruiter. (Through local slices: through `t`, every store would
    // reload the arrays' addresses.)
    size_children.clear();
    size_children.resize(len, 1);
    let counts = &mut size_children[..];
    for i in (0..len).rev() {
        let p = parent[i];
        if p != NONE {
            counts[p as usize] += (1 << 32) + (counts[i] & 0xFFFF_FFFF);
        }
    }
    // Forwards: each participant's tree (its index among the roots) and, per tree,
    // its size and Σ s_v (n − s_v).
    let counts = &size_children[..];
    // (Every entry is written below: grown, never cleared.)
    if root.len() < len {
        root.resize(len, 0);
    }
    let (mut sum, mut sized) = (0.0, 0u32);
    let mut add = |n: u64, wiener: u128| {
        if n >= 2 {
            let n = n as f64;
            sum += 2.0 * wiener as f64 / (n * (n - 1.0));
            sized += 1;
        }
    };
    out.offspring_square_sum = if len < WIENER_64_BELOW {
        let square_sum = wiener_sums(parent, counts, &mut root[..len], trees, wiener64);
        trees.iter().zip(wiener64.iter()).for_each(|(&n, w)| add(n, w.iter().map(|&x| x as u128).sum()));
        square_sum
    } else {
        let square_sum = wiener_sums(parent, counts, &mut root[..len], trees, wiener128);
        trees.iter().zip(wiener128.iter()).for_each(|(&n, w)| add(n, w.iter().sum()));
        square_sum
    };
    out.structural_virality = (sized > 0).then(|| sum / sized as f64);
}

/// The forward pass of [`tree_statistics`], given each position's subtree size and
/// offspring (`counts`, as in [`Tree::size_children`]): each participant's tree in
/// `root`, each tree's size in `trees` and its Σ s_v (n − s_v) in `lanes`; returns
/// Σ offspring².
#[inline(always)]
pub(super) fn wiener_sums<T: Copy + Default + std::ops::AddAssign + From<u64>>(
    parent: &[u32],
    counts: &[u64],
    root: &mut [u32],
    trees: &mut Vec<u64>,
    lanes: &mut Vec<[T; WIENER_LANES]>,
) -> u64 {
    trees.clear();
    lanes.clear();
    let mut square_sum = 0u64;
    for (i, (&p, &count)) in parent.iter().zip(counts).enumerate() {
        let (size, c) = (count & 0xFFFF_FFFF, count >> 32);
        square_sum += c * c;
        if p == NONE {
            root[i] = trees.len() as u32;
            trees.push(size);
            lanes.push([T::default(); WIENER_LANES]);
        } else {
            let r = root[p as usize] as usize;
            root[i] = r as u32;
            lanes[r][i % WIENER_LANES] += T::from(size * (trees[r] - size));
        }
    }
    square_sum
}
