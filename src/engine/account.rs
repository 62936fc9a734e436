//! Official-account pushes: on each push day every current follower may open the push
//! (an invitation through the account: a reader joins as an invitee does) and may
//! unfollow; participants follow the account as they join.

use super::*;
use crate::model::OfficialAccount;

/// The channel slot of official-account pushes in the per-channel counts.
pub(super) const ACCOUNT_SLOT: usize = crate::model::CHANNEL_SLOTS - 1;

/// The account, prepared once per ensemble.
pub(super) struct PreparedAccount {
    pub(super) oa: OfficialAccount,
    /// Coin thresholds: opening a push, and unfollowing after push k.
    pub(super) open_below: u64,
    pub(super) unfollow_below: Vec<u64>,
    /// Push index by day (u32::MAX: no push).
    pub(super) push_on: Vec<u32>,
    pub(super) last_push_day: u32,
}

impl PreparedAccount {
    pub(super) fn new(oa: &OfficialAccount, days: u32) -> Self {
        let mut push_on = vec![u32::MAX; days as usize + 1];
        for (k, &d) in oa.push_days.iter().enumerate() {
            if let Some(slot) = push_on.get_mut(d as usize) {
                *slot = k as u32;
            }
        }
        Self {
            open_below: coin_threshold(oa.open_rate),
            unfollow_below: (0..oa.push_days.len()).map(|k| coin_threshold(oa.unfollow_rate(k))).collect(),
            push_on,
            last_push_day: oa.push_days.iter().copied().filter(|&d| d <= days).max().unwrap_or(0),
            oa: oa.clone(),
        }
    }
}

/// The account's followers in one run, and its follows and unfollows by day.
#[derive(Debug, Default)]
pub(super) struct AccountState {
    /// Per person, whether they follow the account now.
    pub(super) following: Vec<bool>,
    /// Everyone who followed it in this run (some no longer do).
    pub(super) list: Vec<u32>,
    pub(super) follows: Vec<u32>,
    pub(super) unfollows: Vec<u32>,
    pub(super) count: u32,
}

impl<'a> Prepared<'a> {
    /// Starts a run's account: the followers at launch, no follow or unfollow yet.
    pub(super) fn reset_account(&self, s: &mut RunScratch) {
        let Some(pa) = &self.account else { return };
        let st = &mut s.account;
        for &v in &st.list {
            st.following[v as usize] = false;
        }
        st.list.clear();
        st.follows.fill(0);
        st.unfollows.fill(0);
        for &v in &pa.oa.followers {
            st.following[v as usize] = true;
        }
        st.list.extend_from_slice(&pa.oa.followers);
        st.count = pa.oa.followers.len() as u32;
    }

    /// A participant who joins on `day` follows the account, if joining means following.
    #[inline]
    pub(super) fn follow_on_join(&self, u: u32, day: u32, s: &mut RunScratch) {
        let Some(pa) = &self.account else { return };
        let st = &mut s.account;
        if pa.oa.follow_on_join && !st.following[u as usize] {
            st.following[u as usize] = true;
            st.list.push(u);
            st.follows[day as usize] += 1;
            st.count += 1;
        }
    }

    /// The push of `day`, if the account pushes then: every current follower opens it
    /// with the open rate (a keyed coin by push and follower); a reader who has not
    /// joined counts an invitation and joins as an invitee does (over a neutral tie, the
    /// campaign's novelty on the day), one cycle later, as a root of the recruitment
    /// trees (generation 0, no recruiter); then every follower unfollows with the push's
    /// rate.
    pub(super) fn push_if_due(&self, day: u32, s: &mut RunScratch, out: &mut RunOutcome, last_scheduled: &mut u32) {
        let Some(pa) = &self.account else { return };
        let Some(&k) = pa.push_on.get(day as usize).filter(|&&k| k != u32::MAX) else { return };
        let keys = s.keys;
        let unfollow_below = pa.unfollow_below[k as usize];
        let mut list = std::mem::take(&mut s.account.list);
        let mut opened = 0u64;
        for &v in &list {
            let vi = v as usize;
            if !s.account.following[vi] {
                continue;
            }
            let index = pair(k, v);
            // A reader who has not joined counts an invitation.
            if (keyed(keys.account_open, index) >> 32) < pa.open_below
                && let Some(mark) = s.receive_invitation(v)
            {
                opened += 1;
                let behaviour = self.stopped_rewards(s, day).map_or(&self.behaviour, |u| &u.behaviour);
                let p = behaviour.join_probability((mark >> 2) as u32);
                if self.fade(keyed(keys.account_convert, index) >> 32, day) < coin_threshold(p) {
                    self.schedule_reader(day, k, v, s, out, last_scheduled);
                }
            }
            if (keyed(keys.unfollow, index) >> 32) < unfollow_below {
                s.account.following[vi] = false;
                s.account.unfollows[day as usize] += 1;
                s.account.count -= 1;
            }
        }
        // Keep only those who still follow.
        let following = &s.account.following;
        list.retain(|&v| following[v as usize]);
        s.account.list = list;
        s.channel_invitations[ACCOUNT_SLOT] += opened;
    }

    /// A reader `v` of push `k` (on `day`) converted: they join one cycle later, as a root
    /// (first passage, as [`Prepared::schedule`]).
    fn schedule_reader(
        &self,
        day: u32,
        k: u32,
        v: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) {
        let vi = v as usize;
        let state = s.state(vi);
        // The delay: keyed by (push, reader), apart from every (sender, friend) pair.
        let arrival = day.saturating_add(self.delay.sample_word(keyed(s.keys.delay ^ 0xA5A5_5A5A, pair(k, v))));
        if state == PENDING && s.people[vi].join_day as u32 <= arrival {
            return;
        }
        if arrival > self.end_day {
            return;
        }
        if arrival > self.days {
            out.is_censored = true;
            return;
        }
        s.set_state(vi, PENDING);
        s.via[vi] = ACCOUNT_SLOT as u8;
        let person = &mut s.people[vi];
        person.join_day = arrival as u16;
        person.recruiter = NONE;
        person.generation = 0;
        s.buckets[arrival as usize].push(v);
        *last_scheduled = (*last_scheduled).max(arrival);
    }

    /// The account's figures at the end of a run.
    pub(super) fn record_account(&self, s: &RunScratch, out: &mut RunOutcome) {
        if self.account.is_some() {
            let st = &s.account;
            out.followers_end = st.count;
            out.new_follows = st.follows.iter().sum();
            out.unfollows = st.unfollows.iter().sum();
        }
    }
}
