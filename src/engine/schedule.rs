//! The day-by-day schedule: who joins on which day, first-passage join days, and
//! the prefetches of the next joiners' friend lists.

use super::*;

/// A participant who has just joined and now spreads.
#[derive(Clone, Copy)]
pub(super) struct Sender {
    pub(super) u: u32,
    pub(super) day: u32,
    pub(super) g: u32,
    /// Position in the order of joining.
    pub(super) position: u32,
}

/// A generation of a fixed-cycle run ([`Prepared::by_generation`]).
#[derive(Clone, Copy)]
pub(super) struct GenerationAt {
    /// The day its members joined (and share).
    pub(super) day: u32,
    /// Whether whom it recruits joins (the next generation's day is within the horizon
    /// and the campaign's last day).
    pub(super) joins: bool,
    /// Whether a recruit who would not join marks the run censored (past the horizon,
    /// not past the campaign's end).
    pub(super) censors: bool,
}

impl<'a> Prepared<'a> {
    /// Starts loading the arcs `first..first + degree` (degree >= 1) of a sharer for
    /// [`Prepared::select_chunk`]: their first and last targets and, with tie classes
    /// or cells, the first one's.
    #[inline(always)]
    pub(super) fn prefetch_arcs(&self, first: usize, degree: usize) {
        let graph = self.graph;
        let targets = graph.all_targets();
        prefetch(&targets[first]);
        prefetch(&targets[first + degree - 1]);
        match (&self.tie_classes, &self.tie_cells) {
            (Some(tie), _) => prefetch(&tie.class_of_arc[first]),
            (None, Some(cells)) => prefetch(&cells[first]),
            (None, None) => {}
        }
    }

    /// Starts loading the friend list of `u`, who will share soon
    /// ([`Prepared::prefetch_arcs`]: a friend list often straddles two cache lines;
    /// longer ones are read in order, which the hardware prefetcher follows).
    #[inline(always)]
    pub(super) fn prefetch_friends(&self, u: u32) {
        let degree = self.graph.degree(NodeId(u));
        if degree > 0 {
            self.prefetch_arcs(self.graph.first_arc(NodeId(u)), degree);
        }
    }

    /// Runs a fixed-cycle process generation by generation: the seeds (day 0's bucket)
    /// start the order of joining; then, while the last generation reached anyone,
    /// records its joins on day g × `delay` and calls `spread(s, out, start, end, at)`
    /// on it (positions `start..end` in the order of joining), which appends whom it
    /// recruits, with `at` telling the generation's day and whether its recruits would
    /// join (within the horizon and the campaign's last day) or, past the horizon only,
    /// mark the run censored, and returns the invitations sent.
    #[inline(always)]
    pub(super) fn by_generation(
        &self,
        delay: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        mut spread: impl FnMut(&mut RunScratch, &mut RunOutcome, usize, usize, GenerationAt) -> u64,
    ) {
        let mut seeds = std::mem::take(&mut s.buckets[0]);
        for &v in &seeds {
            s.tree.push(v, NONE);
        }
        seeds.clear();
        s.buckets[0] = seeds;
        let (mut start, mut g) = (0usize, 0u32);
        while start < s.tree.len {
            let end = s.tree.len;
            let day = g * delay; // <= days: checked before the generation was reached
            s.rows.record_joins(out, day, g, (end - start) as u32);
            let next = day as u64 + delay as u64;
            let joins = next <= self.days as u64 && next <= self.end_day as u64;
            let at = GenerationAt { day, joins, censors: !joins && next <= self.end_day as u64 };
            let invitations = spread(s, out, start, end, at);
            s.rows.record_invitations(out, g, invitations);
            start = end;
            g += 1;
        }
    }

    /// The next of day `day`'s joiners in `bucket`, from position `next` on (which it
    /// advances past them): stale entries are skipped ([`Prepared::join_from_bucket`]),
    /// and the offsets, records and marks of those further on prefetched. None at the
    /// end of the bucket.
    #[inline(always)]
    pub(super) fn next_joiner(
        &self,
        bucket: &[u32],
        next: &mut usize,
        day: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
    ) -> Option<Sender> {
        while *next < bucket.len() {
            if let Some(&ahead) = bucket.get(*next + 2 * PREFETCH_DISTANCE) {
                prefetch(self.graph.offset_entry(NodeId(ahead)));
            }
            if let Some(&ahead) = bucket.get(*next + PREFETCH_DISTANCE) {
                prefetch(&s.people[ahead as usize]);
                prefetch(&s.marks[ahead as usize]);
            }
            let u = bucket[*next];
            *next += 1;
            if let Some(at) = self.join_from_bucket(u, day, s, out) {
                return Some(at);
            }
        }
        None
    }

    /// Runs a process day by day: from day 0, while within the horizon and not past the
    /// last day anyone was scheduled to join, calls `spread(s, out, bucket, day,
    /// last_scheduled)` on that day's bucket (which may schedule people on later days,
    /// raising `last_scheduled`), then empties the bucket, keeping its room.
    #[inline(always)]
    pub(super) fn by_day(
        &self,
        s: &mut RunScratch,
        out: &mut RunOutcome,
        mut spread: impl FnMut(&mut RunScratch, &mut RunOutcome, &[u32], u32, &mut u32),
    ) {
        // An official account's pushes keep the days coming until its last push.
        let mut last_scheduled = self.account.as_ref().map_or(0, |a| a.last_push_day);
        let mut day = 0u32;
        while day <= self.days && day <= last_scheduled {
            let mut bucket = std::mem::take(&mut s.buckets[day as usize]);
            spread(s, out, &bucket, day, &mut last_scheduled);
            bucket.clear();
            s.buckets[day as usize] = bucket;
            day += 1;
        }
        debug_assert!(s.buckets.iter().all(Vec::is_empty), "every scheduled day was processed");
    }

    /// Person `u`, taken from day `day`'s bucket, joins if that is still their day
    /// (lazy deletion: a person may sit in several buckets; only the last day
    /// scheduled counts): their state, place in the order of joining and the day's
    /// row are recorded. Returns them as a sender, or None for a stale entry.
    #[inline(always)]
    pub(super) fn join_from_bucket(
        &self,
        u: u32,
        day: u32,
        s: &mut RunScratch,
        out: &mut RunOutcome,
    ) -> Option<Sender> {
        let ui = u as usize;
        let person = s.people[ui];
        if s.state(ui) != PENDING || person.join_day as u32 != day {
            return None;
        }
        // In a campaign with its own groups, joining is entering one: a full group
        // without fission takes no one (they stay invited, not joined).
        if let Some(cg) = &self.campaign_groups
            && !self.place_in_group(cg, u, day, person.recruiter, s)
        {
            s.set_state(ui, EXPOSED);
            return None;
        }
        s.set_state(ui, JOINED);
        // (A root after day 0 is a push's reader, recruited by the account.)
        if person.recruiter != NONE || day > 0 {
            s.channel_joins[s.via[ui] as usize % crate::model::CHANNEL_SLOTS] += 1;
        }
        let g = person.generation as u32;
        let position = s.tree.push(u, person.recruiter);
        if let Some(ledger) = self.ledger.as_ref().filter(|_| self.ledger_in_run) {
            // A push's reader joins with no recruiter after day 0: a new participant,
            // paid as one, unlike a seed user.
            let external = person.recruiter == NONE && day > 0;
            ledger.pay_join(&mut s.ledger, &mut s.rows.spend, day, position, person.recruiter, external);
        }
        self.follow_on_join(u, day, s);
        s.rows.record_join(out, day, g);
        Some(Sender { u, day, g, position })
    }

    /// The day-by-day schedule shared by the invitation and threshold processes.
    pub(super) fn run_days(&self, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        let graph = self.graph;
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                // An official account pushes in the morning, before the day's joiners share.
                self.push_if_due(day, s, out, last_scheduled);
                for (i, &u) in bucket.iter().enumerate() {
                    if let Some(&ahead) = bucket.get(i + 2 * PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                    }
                    if let Some(&ahead) = bucket.get(i + PREFETCH_DISTANCE) {
                        self.prefetch_friends(ahead);
                        prefetch(&s.people[ahead as usize]);
                    }
                    let Some(at) = self.join_from_bucket(u, day, s, out) else {
                        continue;
                    };
                    let invitations = match self.process {
                        Process::Invitation(rule) => self.spread_invitations(at, rule, s, rng, out, last_scheduled),
                        Process::Threshold { start, contribution } => {
                            self.spread_threshold(at, start, contribution, s, rng, out, last_scheduled)
                        }
                        Process::Sir { .. } => unreachable!("SIR runs in continuous time"),
                    };
                    s.rows.record_invitations(out, at.g, invitations);
                }
            },
        );
    }
}
