//! The invitation process one invitation at a time, day by day: each sharer's
//! channels, each reached friend's invitation and its conversion, written plainly.
//! The chunked paths are shown to be the same process by tests against it.

use super::*;

impl<'a> Prepared<'a> {
    /// A new participant shares and invites; returns the invitations sent.
    #[inline]
    pub(super) fn spread_invitations(
        &self,
        at: Sender,
        rule: EdgeRule,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let Some(reach) = self.sharer_reach(at.u, at.day, s) else {
            return 0;
        };
        out.sharers += 1;
        let neighbours = self.graph.neighbours(NodeId(at.u));
        let degree = neighbours.len();
        if let EdgeRule::Uniform(coins) = rule {
            self.for_each_success(
                coins,
                degree,
                rng,
                #[inline(always)]
                |j, _| {
                    let v = neighbours[j];
                    if s.state(v as usize) != JOINED {
                        self.schedule(at, v, 0, s, out, last_scheduled);
                    }
                },
            );
            return degree as u64;
        }
        let sent = self.invite_friends(
            at.u,
            at.day,
            rule,
            reach,
            s,
            rng,
            #[inline(always)]
            |v, channel, s, _| self.schedule(at, v, channel, s, out, last_scheduled),
        );
        sent + self.post_to_groups(at, s, out, last_scheduled)
    }

    /// Whether participant `u`, who joined on day `day`, shares, and if so, whom their
    /// channels reach: an ordinary sharer's or (when people differ) an active sharer's.
    /// One 32-bit coin, `u`'s keyed draw (common random numbers), faded by the
    /// campaign's age ([`Prepared::fade`]): below the active sharers' threshold an active
    /// sharer, below the share threshold an ordinary one.
    #[inline(always)]
    pub(super) fn sharer_reach(&self, u: u32, day: u32, s: &RunScratch) -> Option<&[ChannelReach]> {
        // Once the rewards have stopped, the design without them decides.
        let (share_below, active_below) = match self.stopped_rewards(s, day) {
            Some(u) => (u.share_below, u.active_below),
            None => (self.share_below, self.active_below),
        };
        if share_below >= COIN_ONE {
            return Some(&self.reach);
        }
        let coin = self.fade(keyed(s.keys.share, u as u64) >> 32, day);
        if coin < active_below {
            Some(&self.reach_active)
        } else if coin < share_below {
            Some(&self.reach)
        } else {
            None
        }
    }

    /// `u` (who shares) invites friends through each channel (`reach`: an ordinary or an
    /// active sharer's): each invitation counts
    /// towards the invitee's invitations received and converts with the rule's
    /// probability, calling `convert(v)` for an invitee `v` who has not joined yet
    /// (they may already be due to join). Returns the invitations sent.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    pub(super) fn invite_friends(
        &self,
        u: u32,
        day: u32,
        rule: EdgeRule,
        reach: &[ChannelReach],
        s: &mut RunScratch,
        rng: &mut SimRng,
        mut convert: impl FnMut(u32, usize, &mut RunScratch, &mut SimRng),
    ) -> u64 {
        let behaviour = &self.behaviour;
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(u));
        let weights = graph.weights(NodeId(u));
        let degree = neighbours.len();
        let mut invitations = 0u64;
        let first_arc = graph.first_arc(NodeId(u));
        // Every channel picks its friends, each by a coin, 32 bits of the arc's keyed
        // draw (common random numbers); they are invited friend by friend, a friend
        // reached by several channels in channel order (as in the chunked runs,
        // [`Prepared::select_chunk`]): key j × channels + channel.
        let channels = reach.len();
        let mut reached = std::mem::take(&mut s.reached);
        reached.clear();
        let mut below = [0u64; crate::model::MAX_CHANNELS];
        for (c, r) in reach.iter().enumerate() {
            below[c] = r.coins(degree).below;
        }
        let below = &below[..channels];
        let coins = below.iter().any(|&b| b > 0 && b < COIN_ONE);
        for j in 0..degree {
            let h = if coins { keyed(s.keys.reach, (first_arc + j) as u64) } else { 0 };
            for (c, &b) in below.iter().enumerate() {
                if ((h >> (32 * c)) as u32 as u64) < b {
                    reached.push((j * channels + c) as u32);
                }
            }
        }
        invitations += reached.len() as u64;
        for &key in &reached {
            let (j, ci) = ((key / channels as u32) as usize, (key % channels as u32) as usize);
            s.channel_invitations[ci] += 1;
            let v = neighbours[j];
            let vi = v as usize;
            let Some(mark) = s.receive_invitation(v) else { continue };
            let p = match rule {
                EdgeRule::Model | EdgeRule::Uniform(_) => {
                    let e = mark >> 2;
                    // Once the rewards have stopped, the design without them decides.
                    let (behaviour, tie_classes) = match self.stopped_rewards(s, day) {
                        Some(u) => (&u.behaviour, &u.tie_classes),
                        None => (behaviour, &self.tie_classes),
                    };
                    match tie_classes {
                        Some(tie) => tie.conversion(ci, first_arc + j, e),
                        None => behaviour.conversion(ci, e as u32, weights.map(|w| w[j])),
                    }
                }
                EdgeRule::Weight => weights.map_or(0.0, |w| w[j] as f64),
                EdgeRule::InverseInDegree => self.inverse_in_degree[vi] as f64,
            };
            // The invitation's coin: 32 bits of the (sender, friend) pair's keyed draw
            // for this channel.
            if self.fade(keyed(s.keys.convert[ci], pair(u, v)) >> 32, day) < coin_threshold(p) {
                convert(v, ci, s, rng);
            }
        }
        s.reached = reached;
        invitations
    }

    /// A converted invitation from `at` to `v` (not yet joined): `v` joins one cycle
    /// later, unless an earlier invitation already makes them join sooner (first
    /// passage). An invitation that would convert after the horizon, and matter,
    /// marks the run censored.
    #[inline(always)]
    pub(super) fn schedule(
        &self,
        at: Sender,
        v: u32,
        channel: usize,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) {
        let vi = v as usize;
        let state = s.state(vi);
        // Days are processed in order, so with a fixed delay an earlier schedule is
        // never later than this one: no need to read the person's record.
        if state == PENDING && matches!(self.delay, DelaySampler::Fixed(_)) {
            return;
        }
        // The delay: the (sender, friend) pair's keyed draw (common random numbers).
        let arrival = at.day.saturating_add(self.delay.sample_word(keyed(s.keys.delay, pair(at.u, v))));
        if state == PENDING && s.people[vi].join_day as u32 <= arrival {
            return;
        }
        // After the campaign's last day nobody joins, and nothing is censored.
        if arrival > self.end_day {
            return;
        }
        if arrival > self.days {
            out.is_censored = true;
            return;
        }
        if state == UNTOUCHED {
            s.touched.push(v);
        }
        s.set_state(vi, PENDING);
        s.via[vi] = channel as u8;
        let person = &mut s.people[vi];
        person.join_day = arrival as u16;
        person.recruiter = at.position;
        person.generation = next_generation(at.g);
        s.buckets[arrival as usize].push(v);
        *last_scheduled = (*last_scheduled).max(arrival);
    }
}
