//! Group chats: a sharer's posts to their groups (each member may notice and join, the
//! less likely the bigger the group), and the campaign's own capped groups, where each
//! participant is placed, which split by group fission when full.

use super::*;
use crate::graph::groups::Membership;
use crate::model::{CampaignGroups, GroupChannel};
use std::sync::Arc;

/// The group channel, prepared once per ensemble.
pub(super) struct PreparedGroups {
    pub(super) membership: Arc<Membership>,
    pub(super) channel: GroupChannel,
    /// The channel's slot in the per-channel counts (after the friend channels).
    pub(super) slot: usize,
    /// Attention by group size (index = size).
    pub(super) attention: Vec<f64>,
}

impl PreparedGroups {
    pub(super) fn new(membership: Arc<Membership>, channel: GroupChannel, slot: usize) -> Self {
        let largest = membership.largest();
        Self { attention: (0..=largest).map(|s| channel.attention_at(s)).collect(), membership, channel, slot }
    }
}

/// The campaign's groups in one run.
#[derive(Debug, Default)]
pub(super) struct GroupsState {
    /// Per person, their group (valid once they joined).
    pub(super) group_of: Vec<u32>,
    /// Members of each group.
    pub(super) size: Vec<u32>,
    /// The group opened when each group filled (NONE: not yet).
    pub(super) child: Vec<u32>,
    /// Seed users placed so far.
    pub(super) seeds_placed: u32,
    pub(super) created: u32,
    pub(super) refused: u32,
}

impl GroupsState {
    pub(super) fn reset(&mut self) {
        self.size.clear();
        self.child.clear();
        self.seeds_placed = 0;
        self.created = 0;
        self.refused = 0;
    }
}

impl<'a> Prepared<'a> {
    /// Sharer `at.u` posts to `posts_per_sharer` of their groups (chosen by keyed draws,
    /// without repeats); every other member of a posted group receives an invitation
    /// through the group channel, noticed with the attention of the group's size and
    /// joining as any invitee (over a neutral tie), faded by the campaign's novelty.
    /// Returns the invitations sent.
    pub(super) fn post_to_groups(
        &self,
        at: Sender,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let Some(pg) = &self.groups else { return 0 };
        let groups = pg.membership.groups_of(at.u);
        let posts = (pg.channel.posts_per_sharer as usize).min(groups.len());
        if posts == 0 {
            return 0;
        }
        // A partial Fisher–Yates shuffle of the sharer's groups, by keyed draws.
        let mut chosen = std::mem::take(&mut s.reached);
        chosen.clear();
        chosen.extend_from_slice(groups);
        for i in 0..posts {
            let draw = keyed(s.keys.group_pick, pair(at.u, i as u32));
            let j = i + ((draw as u128 * (chosen.len() - i) as u128) >> 64) as usize;
            chosen.swap(i, j);
        }
        let mut invitations = 0u64;
        for &g in &chosen[..posts] {
            let members = pg.membership.members(g);
            let attention = pg.attention[members.len().min(pg.attention.len() - 1)];
            let key = keyed(s.keys.group_convert, g as u64);
            for &v in members {
                if v == at.u {
                    continue;
                }
                invitations += 1;
                let Some(mark) = s.receive_invitation(v) else { continue };
                // Once the rewards have stopped, the design without them decides.
                let behaviour = self.stopped_rewards(s, at.day).map_or(&self.behaviour, |u| &u.behaviour);
                let p = attention * behaviour.join_probability((mark >> 2) as u32);
                if self.fade(keyed(key, pair(at.u, v)) >> 32, at.day) < coin_threshold(p) {
                    self.schedule(at, v, pg.slot, s, out, last_scheduled);
                }
            }
        }
        s.channel_invitations[pg.slot] += invitations;
        s.reached = chosen;
        invitations
    }

    /// Places person `u`, who joins on `day` recruited by the participant at position
    /// `recruiter` (NONE: a seed user), in one of the campaign's groups: a seed user in
    /// the next seed group in turn; a recruit in their recruiter's group, or, when it is
    /// full, in the group opened when it filled (group fission: opened now if none is
    /// yet, and so on down the line). Returns false when the group is full and there is
    /// no fission: the person cannot join.
    pub(super) fn place_in_group(
        &self,
        cg: &CampaignGroups,
        u: u32,
        day: u32,
        recruiter: u32,
        s: &mut RunScratch,
    ) -> bool {
        let RunScratch { groups: st, tree, rows, .. } = s;
        if st.size.is_empty() {
            st.size.resize(cg.seed_groups as usize, 0);
            st.child.resize(cg.seed_groups as usize, NONE);
        }
        let mut g = if recruiter == NONE {
            let g = st.seeds_placed % cg.seed_groups;
            st.seeds_placed += 1;
            g
        } else {
            st.group_of[tree.order()[recruiter as usize] as usize]
        };
        while st.size[g as usize] >= cg.cap {
            if !cg.fission && recruiter != NONE {
                st.refused += 1;
                return false;
            }
            if st.child[g as usize] == NONE {
                st.child[g as usize] = st.size.len() as u32;
                st.size.push(0);
                st.child.push(NONE);
                st.created += 1;
                rows.groups_created[day as usize] += 1;
            }
            g = st.child[g as usize];
        }
        st.size[g as usize] += 1;
        st.group_of[u as usize] = g;
        true
    }

    /// The campaign's groups' figures at the end of a run.
    pub(super) fn record_groups(&self, s: &RunScratch, out: &mut RunOutcome) {
        if self.campaign_groups.is_some() {
            let st = &s.groups;
            out.groups_created = st.created;
            out.groups_max_members = st.size.iter().copied().max().unwrap_or(0);
            out.groups_total = st.size.len() as u32;
            out.groups_members = st.size.iter().sum();
            out.group_joins_refused = st.refused;
        }
    }
}
