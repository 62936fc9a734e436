//! The independent cascade's fast paths: generation by generation in chunks of 64
//! senders with a fixed cycle, day by day in chunks otherwise, and the lockstep run
//! of the other invitation processes (edge weights, weighted cascade).

use super::*;

impl<'a> Prepared<'a> {
    /// The uniform independent cascade with a fixed cycle time `delay`, generation by
    /// generation: everyone reached by generation g joins on day (g + 1) × delay, in
    /// the order they were reached, so the recruitment tree's order of joining is the
    /// queue and a person's generation and day follow from their position. The same
    /// process as [`Prepared::run_days`] (tested), without day buckets, person
    /// records or a branch per reached friend. With the skip table, one run on ER
    /// n = 100,000, p = 0.2 went from 11–13 ms to 3.1–4.3 ms, and on BA n = 100,000,
    /// m = 5, p = 0.05 from 0.14–0.21 ms to 0.06–0.10 ms (scripts/bench-peers); one
    /// skip loop per chunk of senders instead of one per sender took a further
    /// 17–25% off (fastest of four alternating `fission run`s each).
    pub(super) fn run_lockstep(
        &self,
        coins: Coins,
        delay: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        let graph = self.graph;
        for &v in &s.buckets[0] {
            s.marks[v as usize] = JOINED;
        }
        let seed_count = s.buckets[0].len();
        self.by_generation(delay, s, out, |s, out, start, end, at| {
            let joins = at.joins;
            let mut invitations = 0u64;
            let mut chunk = start;
            while chunk < end {
                let chunk_end = (chunk + LOCKSTEP_CHUNK).min(end);
                // Three passes over the chunk's successes, each prefetching what the
                // next reads: which arcs succeed (the draws alone decide), whom they
                // reach, and, in the same order, who among them is new. The memory
                // reads of 64 senders overlap instead of each waiting behind the
                // last: on BA and ER n = 100,000 one run takes 16–18% less than with
                // one pass per sender and its friend list prefetched
                // (fastest of six alternating runs each).
                // Who shares, and where each sharer's friend list starts in the
                // chunk's friend lists laid end to end (a non-sharer's is empty).
                let mut starts = [u32::MAX; LOCKSTEP_CHUNK];
                let mut first_arcs = [0u32; LOCKSTEP_CHUNK];
                let mut total = 0usize;
                for (k, i) in (chunk..chunk_end).enumerate() {
                    if let Some(&ahead) = s.tree.order().get(i + PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                    }
                    starts[k] = total as u32;
                    if self.behaviour.share_probability < 1.0 && uniform(rng) >= self.behaviour.share_probability {
                        continue;
                    }
                    out.sharers += 1;
                    let u = NodeId(s.tree.order[i]);
                    first_arcs[k] = graph.first_arc(u) as u32;
                    total += graph.degree(u);
                }
                invitations += total as u64;
                let mut hits = std::mem::take(&mut s.hits);
                let count = self.chunk_successes(
                    coins,
                    &starts,
                    &first_arcs,
                    total,
                    chunk as u32,
                    &s.marks,
                    &mut s.slot_of,
                    &mut hits,
                    rng,
                );
                let chunk_hits = &hits[..count];
                if joins {
                    // Room for every hit, so that each is written at the next
                    // position and kept only if new, without a branch.
                    let tree = &mut s.tree;
                    let room = tree.len + count;
                    if tree.order.len() < room {
                        tree.order.resize(room, 0);
                        tree.parent.resize(room, 0);
                    }
                    let (order, parent, marks) = (&mut tree.order[..], &mut tree.parent[..], &mut s.marks[..]);
                    let mut len = tree.len;
                    for &(v, i) in chunk_hits {
                        let fresh = marks[v as usize] == UNTOUCHED;
                        marks[v as usize] = JOINED;
                        order[len] = v;
                        parent[len] = i;
                        len += fresh as usize;
                    }
                    tree.len = len;
                } else if at.censors {
                    // Past the horizon: the run is censored if a success reaches
                    // someone new.
                    out.is_censored |= chunk_hits.iter().any(|&(v, _)| s.marks[v as usize] == UNTOUCHED);
                }
                s.hits = hits;
                chunk = chunk_end;
            }
            invitations
        });
        // `touched` lists whom the run marked, for the reset.
        let order = &s.tree.order[seed_count..s.tree.len];
        s.touched.extend_from_slice(order);
    }

    /// The uniform cascade's successes from a chunk of senders, written to the start of
    /// `hits` as (invitee, `first` + the sender's place in the chunk) in the senders'
    /// order and, within a sender, friend by friend; returns how many. `starts[k]` is
    /// where sender k's friend list starts in the chunk's friend lists laid end to end
    /// (`total` ties; unused starts u32::MAX), `first_arcs[k]` its first arc; `slot_of`
    /// is scratch (each position's sender).
    ///
    /// Independent coins on every tie of the chunk's senders are the same as coins on
    /// one list of all their ties: one skip loop for the chunk, whose exit is
    /// mispredicted once, not once per sender, and no draw for a sender without
    /// successes. Each success finds its sender in `slot_of`, a byte per position
    /// filled 16 at a time before the skips (as the campaign's chunks do,
    /// [`Prepared::select_chunk`]). A binary search of six steps over `starts` found
    /// it before: its chain of six dependent loads held up every success, and the
    /// lookup takes 21% off a one-day cascade on ER n = 100,000, p = 0.2 (1.91–1.94 →
    /// 1.52–1.53 ms a run, one thread; docs/PERFORMANCE.md), 4% day by day. (Counting
    /// the starts at or before a success, vectorised, had been 25% slower than the
    /// search, and forcing every step to a conditional move 20%.) Two passes, each
    /// prefetching what the next reads: the successes' friend-list entries, then (once
    /// read) the invitees' marks.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    pub(super) fn chunk_successes(
        &self,
        coins: Coins,
        starts: &[u32; LOCKSTEP_CHUNK],
        first_arcs: &[u32; LOCKSTEP_CHUNK],
        total: usize,
        first: u32,
        marks: &[u8],
        slot_of: &mut Vec<u8>,
        hits: &mut Vec<(u32, u32)>,
        rng: &mut SimRng,
    ) -> usize {
        let targets = self.graph.all_targets();
        if hits.len() < total {
            hits.resize(total, (0, 0));
        }
        // Each position's sender: the first 64 positions by one store, then blocks of 16
        // (a sender's last store runs into the next sender's list, which the next sender
        // then overwrites). (On BA n = 100,000, p = 0.05, whose hubs' long lists this
        // fills, as fast as the search; a version that searched when the senders had
        // more than 32 friends on average was no faster there.)
        let room = total + FIRST_SLOTS; // (what `fill_slots` may write past the last start)
        if slot_of.len() < room {
            slot_of.resize(room.max(2 * slot_of.len()), 0);
        }
        for k in 0..LOCKSTEP_CHUNK {
            let start = starts[k];
            if start == u32::MAX {
                break;
            }
            let end = if k + 1 < LOCKSTEP_CHUNK { starts[k + 1].min(total as u32) } else { total as u32 };
            let (start, end) = (start as usize, end as usize);
            fill_slots::<_, FIRST_SLOTS>(&mut slot_of[start..], end - start, k as u8);
        }
        let slot_of = &slot_of[..total];
        let slots = &mut hits[..];
        let mut count = 0;
        self.for_each_success(
            coins,
            total,
            rng,
            #[inline(always)]
            |pos, _| {
                let k = slot_of[pos] as usize % LOCKSTEP_CHUNK;
                let pos = pos as u32;
                let arc = (first_arcs[k] + (pos - starts[k])) as usize;
                prefetch(&targets[arc]);
                slots[count] = (arc as u32, first + k as u32);
                count += 1;
            },
        );
        for hit in &mut hits[..count] {
            let v = targets[hit.0 as usize];
            prefetch(&marks[v as usize]);
            hit.0 = v;
        }
        count
    }

    /// An invitation process other than the uniform cascade (edge weights, 1 / in-degree,
    /// the campaign when its conversions are not chunked: a library caller's tie
    /// strengths outside [0, 1]) with a fixed cycle time `delay`, generation by
    /// generation: a converted invitee is appended to the order of joining at once
    /// (state PENDING until their own turn to share), so there are no day buckets and
    /// no person records. Senders share in the order of joining, and a sender's state
    /// becomes JOINED on their turn, exactly as in [`Prepared::run_days`]: the same
    /// run, draw for draw (tested).
    pub(super) fn run_lockstep_invitations(
        &self,
        rule: EdgeRule,
        delay: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        // The seeds are PENDING since seeded.
        self.by_generation(delay, s, out, |s, out, start, end, at| {
            let joins = at.joins;
            let mut invitations = 0u64;
            for i in start..end {
                if let Some(&ahead) = s.tree.order().get(i + PREFETCH_DISTANCE) {
                    self.prefetch_friends(ahead);
                }
                let u = s.tree.order[i];
                s.set_state(u as usize, JOINED);
                let Some(reach) = self.sharer_reach(u, at.day, s) else {
                    continue;
                };
                out.sharers += 1;
                invitations += self.invite_friends(
                    u,
                    at.day,
                    rule,
                    reach,
                    s,
                    rng,
                    #[inline(always)]
                    |v, channel, s, _| {
                        // Already due to join next generation: nothing more to do.
                        if s.state(v as usize) == PENDING {
                            return;
                        }
                        if joins {
                            s.set_state(v as usize, PENDING);
                            s.tree.push(v, i as u32);
                            s.channel_joins[channel] += 1;
                        } else if at.censors {
                            out.is_censored = true;
                        }
                    },
                );
            }
            invitations
        });
    }

    /// The uniform independent cascade with a random cycle time, day by day, each
    /// day's joiners in chunks of [`LOCKSTEP_CHUNK`] as in [`Prepared::run_lockstep`]:
    /// who of the day's bucket joins (lazy deletion, as in [`Prepared::run_days`]) and
    /// which of their ties succeed (one run of skips over the chunk's friend lists laid
    /// end to end, the friend-list entries prefetched); whom the successes reach (their
    /// marks prefetched); dropping, without a branch, those to participants; then each
    /// remaining success in order, scheduled with its own delay ([`Prepared::schedule`]:
    /// first passage, an earlier arrival replaces a later one). The same process as
    /// [`Prepared::run_days`], one sender at a time, not its draws: a sender's delays
    /// are drawn after the whole chunk's successes
    /// (`chunked_cascade_runs_match_the_one_at_a_time_schedule`).
    pub(super) fn run_days_cascade(&self, coins: Coins, s: &mut RunScratch, rng: &mut SimRng, out: &mut RunOutcome) {
        debug_assert!(self.behaviour.share_probability >= 1.0, "everyone reached shares in the cascade");
        let graph = self.graph;
        let mut senders = [Sender { u: 0, day: 0, g: 0, position: 0 }; LOCKSTEP_CHUNK];
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                let mut next = 0;
                while next < bucket.len() {
                    // Pass 1: up to a chunk of the day's joiners, and where each one's
                    // friend list starts in the chunk's friend lists laid end to end (the
                    // unused starts are u32::MAX: where the senders end).
                    let mut starts = [u32::MAX; LOCKSTEP_CHUNK];
                    let mut first_arcs = [0u32; LOCKSTEP_CHUNK];
                    let (mut chunk, mut total) = (0, 0usize);
                    while chunk < LOCKSTEP_CHUNK {
                        let Some(at) = self.next_joiner(bucket, &mut next, day, s, out) else {
                            break;
                        };
                        let u = at.u;
                        senders[chunk] = at;
                        starts[chunk] = total as u32;
                        first_arcs[chunk] = graph.first_arc(NodeId(u)) as u32;
                        let degree = graph.degree(NodeId(u));
                        s.rows.record_invitations(out, at.g, degree as u64);
                        total += degree;
                        chunk += 1;
                    }
                    out.sharers += chunk as u32;
                    // Pass 2: the successes, as (invitee, sender's place in the chunk), their
                    // marks prefetched; then those reaching participants dropped without a
                    // branch.
                    let mut hits = std::mem::take(&mut s.hits);
                    let count = self.chunk_successes(
                        coins,
                        &starts,
                        &first_arcs,
                        total,
                        0,
                        &s.marks,
                        &mut s.slot_of,
                        &mut hits,
                        rng,
                    );
                    let open = keep_unjoined(&mut hits[..count], &s.marks);
                    // Pass 3: each remaining success in order, with its own delay.
                    for &(v, k) in &hits[..open] {
                        self.schedule(senders[k as usize % LOCKSTEP_CHUNK], v, 0, s, out, last_scheduled);
                    }
                    s.hits = hits;
                }
            },
        );
    }
}
