//! What a simulation produces, as the estimators and the reports read it: one run's
//! scalars ([`RunOutcome`]), an ensemble of runs with their daily and per-generation
//! rows ([`Ensemble`]), and one traced run ([`Cascade`]). Written by [`crate::engine`];
//! read by [`crate::stats`] and [`crate::report`], which need not import the engine.

use crate::graph::NodeId;

/// Scalar results of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunOutcome {
    /// Participants at the end, seeds included.
    pub reach: u32,
    /// Participants who shared.
    pub sharers: u32,
    /// Invitations sent (direct messages and Moments views reaching a friend).
    pub invitations: u64,
    /// Number of generations reached (1 = only the seeds).
    pub generations: u32,
    /// Last day on which someone joined.
    pub last_join_day: u32,
    /// Whether some invitation would still convert after the horizon.
    pub is_censored: bool,
    /// Σ over participants of (people they recruited)², for the offspring dispersion.
    pub offspring_square_sum: u64,
    /// Mean structural virality (Goel et al. 2016) of the run's recruitment trees with
    /// at least two people; None when every tree is a lone seed.
    pub structural_virality: Option<f64>,
    /// Whether some generation went past the generation rows (SIR only; counted in the
    /// last row).
    pub generations_truncated: bool,
    /// Invitations sent through each channel, in the order of the compiled behaviour's
    /// channels (campaign: direct messages, then Moments, those enabled; the other
    /// invitation models: all friends).
    pub channel_invitations: [u64; crate::model::CHANNEL_SLOTS],
    /// People who joined through each channel (the channel of the invitation that
    /// recruited them), in the same order; they add up to the reach less the seeds.
    pub channel_joins: [u32; crate::model::CHANNEL_SLOTS],
    /// The campaign's groups opened by group fission (beyond the seed groups).
    pub groups_created: u32,
    /// The most members any campaign group had (at most its cap).
    pub groups_max_members: u32,
    /// The campaign's groups at the end (seed groups and those opened).
    pub groups_total: u32,
    /// Participants placed in the campaign's groups.
    pub groups_members: u32,
    /// People who would have joined but found their group full (without fission).
    pub group_joins_refused: u32,
    /// An official account's followers at the end.
    pub followers_end: u32,
    /// Participants who followed the account as they joined.
    pub new_follows: u32,
    /// Followers who unfollowed after a push.
    pub unfollows: u32,
    /// Rewards paid, in currency units (fixed costs not included).
    pub spend: f64,
    /// The same rewards by recipient: to new participants (the per-participant reward
    /// and the invitee's bonus), to referrers (per referral), and tier prizes.
    pub spend_by_recipient: [f64; 3],
    /// The day the budget ran out (under a hard cap, rewards stopped then; without
    /// one, the day the spend first exceeded it). None: it lasted, or there is none.
    pub budget_exhausted_day: Option<u32>,
}

/// The results of many runs: per-run scalars plus per-day and per-generation rows.
///
/// Each run's rows are kept only as long as that run needed (a run whose last person
/// joined on day 12 keeps 13 daily entries): entries past the end of a row are zero.
/// This keeps an ensemble of long horizons small (`days = 3650` costs nothing for runs
/// that end in a week).
#[derive(Debug, Clone, PartialEq)]
pub struct Ensemble {
    /// Number of runs.
    pub runs: usize,
    /// Horizon in days (day 0 to `days`).
    pub days: u32,
    /// Seed users per run.
    pub seed_count: usize,
    /// People in the graph.
    pub population: usize,
    /// Most generation entries a run can have: `days + 1` (a generation takes at least
    /// a day), more for continuous-time SIR.
    pub generation_width: usize,
    /// Scalars per run.
    pub outcomes: Vec<RunOutcome>,
    /// New participants per day, the runs' rows one after another.
    pub(crate) daily_new: Vec<u32>,
    /// Where run `r`'s daily row starts in `daily_new` (`runs + 1` entries).
    pub(crate) daily_start: Vec<usize>,
    /// Rewards paid per day, parallel to `daily_new` (empty when the campaign pays
    /// nothing).
    pub(crate) daily_spend: Vec<f64>,
    /// The campaign's groups opened per day, parallel to `daily_new` (empty without
    /// campaign groups).
    pub(crate) daily_groups_created: Vec<u32>,
    /// An official account's new follows and unfollows per day, every run a full row of
    /// `days + 1` (pushes go on after the last join); empty without an account.
    pub(crate) daily_follows: Vec<u32>,
    pub(crate) daily_unfollows: Vec<u32>,
    /// Participants per generation (generation 0 = seeds), rows one after another.
    pub(crate) generation_size: Vec<u32>,
    /// Invitations sent by the participants of each generation, parallel to
    /// `generation_size`.
    pub(crate) generation_invitations: Vec<u64>,
    /// Where run `r`'s generation rows start (`runs + 1` entries).
    pub(crate) generation_start: Vec<usize>,
    /// Each run's recruitment trees (one per seed user), the runs' rows one after
    /// another.
    pub(crate) trees: Vec<TreeShape>,
    /// Where run `r`'s trees start (`runs + 1` entries).
    pub(crate) tree_start: Vec<usize>,
}

impl Ensemble {
    /// Days in the horizon, day 0 included (`days + 1`).
    pub fn width(&self) -> usize {
        self.days as usize + 1
    }
    /// New participants by day in run `run`, from day 0 to the run's last join day
    /// (zero afterwards).
    pub fn daily_row(&self, run: usize) -> &[u32] {
        &self.daily_new[self.daily_start[run]..self.daily_start[run + 1]]
    }
    /// New participants on `day` in run `run` (zero past the run's row).
    #[inline]
    pub fn daily_new(&self, run: usize, day: usize) -> u32 {
        self.daily_row(run).get(day).copied().unwrap_or(0)
    }
    /// Rewards paid by day in run `run`, parallel to [`Self::daily_row`] (empty when
    /// the campaign pays nothing).
    pub fn spend_row(&self, run: usize) -> &[f64] {
        if self.daily_spend.is_empty() {
            &[]
        } else {
            &self.daily_spend[self.daily_start[run]..self.daily_start[run + 1]]
        }
    }
    /// The campaign's groups opened by day in run `run`, parallel to
    /// [`Self::daily_row`] (empty without campaign groups).
    pub fn groups_created_row(&self, run: usize) -> &[u32] {
        if self.daily_groups_created.is_empty() {
            &[]
        } else {
            &self.daily_groups_created[self.daily_start[run]..self.daily_start[run + 1]]
        }
    }
    /// An official account's new follows by day in run `run` (all `days + 1` days;
    /// empty without an account).
    pub fn follows_row(&self, run: usize) -> &[u32] {
        let w = self.width();
        self.daily_follows.get(run * w..(run + 1) * w).unwrap_or(&[])
    }
    /// An official account's unfollows by day in run `run` (as [`Self::follows_row`]).
    pub fn unfollows_row(&self, run: usize) -> &[u32] {
        let w = self.width();
        self.daily_unfollows.get(run * w..(run + 1) * w).unwrap_or(&[])
    }
    /// Participants by generation in run `run`, up to its last generation.
    pub fn generation_row(&self, run: usize) -> &[u32] {
        &self.generation_size[self.generation_start[run]..self.generation_start[run + 1]]
    }
    /// Invitations by sender generation in run `run`, parallel to
    /// [`Self::generation_row`].
    pub fn invitation_row(&self, run: usize) -> &[u64] {
        &self.generation_invitations[self.generation_start[run]..self.generation_start[run + 1]]
    }
    /// The recruitment trees of run `run`, one per seed user, in the order their roots
    /// joined.
    pub fn tree_row(&self, run: usize) -> &[TreeShape] {
        &self.trees[self.tree_start[run]..self.tree_start[run + 1]]
    }
    /// Every run's trees, with the run's index.
    pub fn trees(&self) -> impl Iterator<Item = (usize, &TreeShape)> {
        (0..self.runs).flat_map(move |r| self.tree_row(r).iter().map(move |t| (r, t)))
    }
    /// Bytes held by the rows (for the benchmarks and memory estimates).
    pub fn row_bytes(&self) -> usize {
        self.daily_new.len() * 4
            + self.generation_size.len() * 12
            + self.daily_start.len() * 24
            + self.trees.len() * std::mem::size_of::<TreeShape>()
    }
}

/// The shape of one recruitment tree: a seed user and everyone recruited through them
/// in one run (a row of `trees.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeShape {
    /// The seed user at its root.
    pub root: NodeId,
    /// People in the tree, the root included.
    pub size: u32,
    /// Its last generation (0: the root alone; 1: a star, everyone recruited by the root).
    pub depth: u32,
    /// The most people one member recruited directly.
    pub max_offspring: u32,
    /// Mean distance between two people of the tree (Goel et al. 2016); None for a tree
    /// of one person.
    pub structural_virality: Option<f64>,
}

impl TreeShape {
    /// Whether everyone joined through the root (depth 1).
    pub fn is_star(&self) -> bool {
        self.depth == 1
    }
}

/// One participant of a recorded cascade.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Participant {
    /// Who joined.
    pub node: NodeId,
    /// Who recruited them (None for seed users).
    pub recruiter: Option<NodeId>,
    /// Generation (0 = seed users).
    pub generation: u32,
    /// Day of joining.
    pub day: u32,
    /// Time of joining in days: the day, or the exact time for SIR.
    pub time_days: f64,
}

/// One run in full: who recruited whom, in order of joining.
#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    /// Participants, by day then by the order they were processed.
    pub participants: Vec<Participant>,
    /// Scalars of the run.
    pub outcome: RunOutcome,
}
