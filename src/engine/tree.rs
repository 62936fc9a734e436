//! Recruitment trees: who recruited whom in a run, by position in the order of
//! joining, and their statistics in O(reach): per run Σ offspring² and the mean
//! structural virality; per tree (per seed user) its size, depth, structural virality
//! and largest offspring count ([`TreeShape`], the rows of `trees.csv`).

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
    /// Per position, the index of its tree among `trees` in the low 32 bits and its
    /// depth in the tree in the high 32 (a child reads both from its recruiter's entry
    /// in one load).
    pub(super) root_depth: Vec<u64>,
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
    /// Per tree: its root's position, its depth and its largest offspring count.
    pub(super) per_tree: Vec<PerTree>,
    /// This run's trees, in the order of their roots' joining (the output of
    /// [`tree_statistics`]).
    pub(super) shapes: Vec<TreeShape>,
}

/// What [`wiener_sums`] finds of one tree besides its size and sum.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct PerTree {
    root_position: u32,
    depth: u32,
    max_offspring: u32,
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
    let Tree { order, parent, size_children, root_depth, trees, wiener64, wiener128, per_tree, shapes, .. } = t;
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
    // Forwards: each participant's tree and depth and, per tree, its size, Σ s_v (n − s_v),
    // depth and largest offspring count.
    let counts = &size_children[..];
    // (Every entry is written below: grown, never cleared.)
    if root_depth.len() < len {
        root_depth.resize(len, 0);
    }
    out.offspring_square_sum = if len < WIENER_64_BELOW {
        wiener_sums(parent, counts, &mut root_depth[..len], trees, wiener64, per_tree)
    } else {
        wiener_sums(parent, counts, &mut root_depth[..len], trees, wiener128, per_tree)
    };
    // Each tree's shape, and the mean structural virality of those of two or more.
    shapes.clear();
    let (mut sum, mut sized) = (0.0, 0u32);
    for (r, (&size, tree)) in trees.iter().zip(per_tree.iter()).enumerate() {
        let virality = (size >= 2).then(|| {
            let wiener: u128 = if len < WIENER_64_BELOW {
                wiener64[r].iter().map(|&x| x as u128).sum()
            } else {
                wiener128[r].iter().sum()
            };
            let n = size as f64;
            2.0 * wiener as f64 / (n * (n - 1.0))
        });
        if let Some(v) = virality {
            sum += v;
            sized += 1;
        }
        shapes.push(TreeShape {
            root: NodeId(order[tree.root_position as usize]),
            size: size as u32,
            depth: tree.depth,
            max_offspring: tree.max_offspring,
            structural_virality: virality,
        });
    }
    out.structural_virality = (sized > 0).then(|| sum / sized as f64);
}

/// The forward pass of [`tree_statistics`], given each position's subtree size and
/// offspring (`counts`, as in [`Tree::size_children`]): each participant's tree and
/// depth in `root_depth`, each tree's size in `trees`, its Σ s_v (n − s_v) in `lanes`
/// and its root, depth and largest offspring count in `per_tree`; returns Σ offspring².
#[inline(always)]
pub(super) fn wiener_sums<T: Copy + Default + std::ops::AddAssign + From<u64>>(
    parent: &[u32],
    counts: &[u64],
    root_depth: &mut [u64],
    trees: &mut Vec<u64>,
    lanes: &mut Vec<[T; WIENER_LANES]>,
    per_tree: &mut Vec<PerTree>,
) -> u64 {
    trees.clear();
    lanes.clear();
    per_tree.clear();
    let mut square_sum = 0u64;
    for (i, (&p, &count)) in parent.iter().zip(counts).enumerate() {
        let (size, c) = (count & 0xFFFF_FFFF, count >> 32);
        square_sum += c * c;
        let r = if p == NONE {
            let r = trees.len();
            per_tree.push(PerTree { root_position: i as u32, depth: 0, max_offspring: 0 });
            trees.push(size);
            lanes.push([T::default(); WIENER_LANES]);
            root_depth[i] = r as u64;
            r
        } else {
            // The recruiter's tree, and one generation below it.
            let entry = root_depth[p as usize] + (1 << 32);
            root_depth[i] = entry;
            let r = (entry & 0xFFFF_FFFF) as usize;
            lanes[r][i % WIENER_LANES] += T::from(size * (trees[r] - size));
            let tree = &mut per_tree[r];
            tree.depth = tree.depth.max((entry >> 32) as u32);
            r
        };
        let tree = &mut per_tree[r];
        tree.max_offspring = tree.max_offspring.max(c as u32);
    }
    square_sum
}
