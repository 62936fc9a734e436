//! The campaign's chunked paths: 64 sharers at a time, generation by generation
//! with a fixed cycle, day by day otherwise; the same process as one invitation at a
//! time (tested).

use super::*;

impl<'a> Prepared<'a> {
    /// The campaign with a fixed cycle time and chunked conversions (tabulated, or
    /// bounded on `CONTINUOUS` ties), generation by generation in chunks of
    /// [`LOCKSTEP_CHUNK`] senders, each in passes whose memory reads overlap instead of
    /// each waiting behind the last: who shares and which friends each channel reaches
    /// (the draws alone decide, [`Prepared::select_chunk`]; prefetching the friend-list
    /// entries), and who those friends are (prefetching their marks); dropping
    /// the invitations to people already recruited, which change nothing but the
    /// count of invitations; then, in the order of the invitations, each one counted
    /// against its invitee and its conversion drawn, without a branch. The same process
    /// as the day-by-day schedule, not its draws: a sharer's conversions are drawn
    /// after the whole chunk's reach, and an invitation to someone recruited earlier in
    /// the same generation is not counted against them, which nothing reads
    /// (`lockstep_campaign_runs_match_the_day_by_day_schedule`). On ER n = 100,000 and
    /// the Qixi graph (benches/campaign_vs_ic.rs) a run takes 2.5–3× less than with
    /// one sender and one invitation at a time; dropping the invitations to
    /// participants before drawing takes 5–8% of that.
    pub(super) fn run_lockstep_campaign<const CONTINUOUS: bool>(
        &self,
        delay: u32,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        let Some(thresholds) = &self.thresholds else {
            return self.run_lockstep_invitations(EdgeRule::Model, delay, s, rng, out);
        };
        let graph = self.graph;
        let table = &thresholds.table[..];
        let (share_below, active_below) = (self.share_below, self.active_below);
        let channel_base = &thresholds.channel_base[..];
        self.by_generation(delay, s, out, |s, out, start, end, at| {
            // The campaign's novelty on the generation's day scales every coin.
            let novelty = self.novelty[at.day as usize];
            let mut invitations = 0u64;
            let mut chunk = start;
            while chunk < end {
                let chunk_end = (chunk + LOCKSTEP_CHUNK).min(end);
                let mut hits = std::mem::take(&mut s.hits);
                // Pass 1: who shares, as an ordinary or an active sharer (a 32-bit coin
                // each, the person's keyed draw, without a branch), and which friends
                // each channel reaches (arcs).
                let mut sharers = [(0u32, 0u32); LOCKSTEP_CHUNK];
                let mut actives = [(0u32, 0u32); LOCKSTEP_CHUNK];
                let (mut n, mut n_active) = (0, 0);
                // (Local slices: through `s`, their addresses would be reloaded after
                // every store.)
                let share_key = s.keys.share;
                let (order, marks) = (s.tree.order(), &mut s.marks[..]);
                for (k, i) in (chunk..chunk_end).enumerate() {
                    if let Some(&ahead) = order.get(i + PREFETCH_DISTANCE) {
                        prefetch(graph.offset_entry(NodeId(ahead)));
                        prefetch(&marks[ahead as usize]);
                    }
                    let u = order[i];
                    marks[u as usize] = (marks[u as usize] & !STATE_BITS) | JOINED;
                    let coin =
                        if share_below >= COIN_ONE { 0 } else { fade(keyed(share_key, u as u64) >> 32, novelty) };
                    let active = coin < active_below;
                    sharers[n] = (u, k as u32);
                    n += (coin < share_below && !active) as usize;
                    actives[n_active] = (u, k as u32);
                    n_active += active as usize;
                }
                out.sharers += (n + n_active) as u32;
                let mut count = self.select_chunk(&self.reach, &sharers[..n], s, channel_base, &mut hits, 0);
                if n_active > 0 {
                    count =
                        self.select_chunk(&self.reach_active, &actives[..n_active], s, channel_base, &mut hits, count);
                }
                let mut hits_all = hits;
                let hits = &mut hits_all[..count];
                invitations += count as u64;
                // Pass 2: invitations to someone already recruited before this chunk
                // change nothing but the count of invitations: drop them, without a
                // branch.
                // (Through a slice: read through `s`, the marks' address and length would
                // be reloaded after every store to `hits`.)
                let marks = &s.marks[..];
                let mut open = 0;
                for i in 0..hits.len() {
                    let hit = hits[i];
                    hits[open] = hit;
                    open += ((marks[hit.0 as usize] & STATE_BITS) < PENDING) as usize;
                }
                let hits = &mut hits[..open];
                // Pass 3: in order, each invitation to someone not yet recruited is
                // counted (their mark's upper six bits) and converts with the
                // probability for that count, channel and tie; written at the next
                // position of the order of joining (and of `touched`) and kept only
                // when it counts, without a branch.
                let tree = &mut s.tree;
                let room = tree.len + count;
                if tree.order.len() < room {
                    tree.order.resize(room, 0);
                    tree.parent.resize(room, 0);
                }
                let touched_len = s.touched.len();
                s.touched.resize(touched_len + count, 0);
                let (order, parent, marks, touched) =
                    (&mut tree.order[..], &mut tree.parent[..], &mut s.marks[..], &mut s.touched[..]);
                let (mut len, mut tl, mut censored) = (tree.len, touched_len, false);
                let recruiter = chunk as u32;
                let convert_keys = s.keys.convert;
                let channel_block = thresholds.channel_block;
                let mut joins_by = [0u32; crate::model::MAX_CHANNELS];
                for &(v, tag) in hits.iter() {
                    {
                        let vi = v as usize;
                        let mark = marks[vi];
                        let state = mark & STATE_BITS;
                        let e = ((mark >> 2) as usize).min(TABLE_EXPOSURES - 1);
                        let open = state < PENDING;
                        // The sender (`order` is written at `len`, past this chunk's
                        // senders) and the channel (by the tag's table offset) key the
                        // invitation's 32-bit coin (common random numbers).
                        let sender = order[chunk + (tag >> 16) as usize];
                        let channel = ((tag & 0xFFFF) >= channel_block) as usize;
                        let key = convert_keys[channel];
                        let coin = fade(keyed(key, pair(sender, v)) >> 32, novelty);
                        let tie = || (sender, v);
                        let converted = open & self.converts::<CONTINUOUS>(table, tag, e, coin, tie);
                        let recruited = converted & at.joins;
                        joins_by[channel] += recruited as u32;
                        censored |= converted & at.censors;
                        debug_assert!(tl < touched.len() && len < order.len() && len < parent.len());
                        // SAFETY: `tl` and `len` start at `touched_len` and `tree.len`
                        // and grow by at most one per invitation, of which there are at
                        // most `count`; `touched`, `order` and `parent` were extended to
                        // hold `count` more above. (Without the bounds checks, which
                        // keep three lengths live in the loop, the ER and Qixi
                        // campaigns of benches/campaign_vs_ic.rs take 2–3% less.)
                        unsafe {
                            *touched.get_unchecked_mut(tl) = v;
                            *order.get_unchecked_mut(len) = v;
                            *parent.get_unchecked_mut(len) = recruiter + (tag >> 16);
                        }
                        tl += (state == UNTOUCHED) as usize;
                        len += recruited as usize;
                        let counted = (count_exposure(mark) & !STATE_BITS) | if recruited { PENDING } else { EXPOSED };
                        marks[vi] = if open { counted } else { mark };
                    }
                }
                tree.len = len;
                for (c, j) in joins_by.iter().enumerate() {
                    s.channel_joins[c] += j;
                }
                s.touched.truncate(tl);
                out.is_censored |= censored;
                s.hits = hits_all;
                chunk = chunk_end;
            }
            invitations
        });
    }

    /// The campaign with chunked conversions and a random cycle time, day by day,
    /// each day's joiners in chunks of [`LOCKSTEP_CHUNK`] as in
    /// [`Prepared::run_lockstep_campaign`]: who of the day's bucket joins (lazy
    /// deletion, as in [`Prepared::run_days`]), shares and which friends each channel
    /// reaches, and who those friends are (their marks prefetched); dropping invitations
    /// to participants; then each invitation in order, counted against its invitee, its
    /// conversion a 32-bit coin ([`Prepared::converts`]); then the conversions in order,
    /// each scheduled with its own delay (first passage: an earlier arrival replaces a
    /// later one). The same process as the one-invitation-at-a-time schedule, not its
    /// draws (`chunked_campaign_runs_match_the_one_at_a_time_schedule`).
    pub(super) fn run_days_campaign<const CONTINUOUS: bool>(
        &self,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        let Some(thresholds) = &self.thresholds else {
            return self.run_days(s, rng, out);
        };
        let table = &thresholds.table[..];
        let (share_below, active_below) = (self.share_below, self.active_below);
        let channel_block = thresholds.channel_block;
        let channel_base = &thresholds.channel_base[..];
        let mut senders = [Sender { u: 0, day: 0, g: 0, position: 0 }; LOCKSTEP_CHUNK];
        let mut ends = [0usize; LOCKSTEP_CHUNK];
        let mut sent = [0usize; LOCKSTEP_CHUNK];
        self.by_day(
            s,
            out,
            #[inline(always)]
            |s, out, bucket, day, last_scheduled| {
                // The campaign's novelty on this day scales every coin.
                let novelty = self.novelty[day as usize];
                let mut next = 0;
                while next < bucket.len() {
                    let mut hits = std::mem::take(&mut s.hits);
                    let (mut chunk, mut n_sharers, mut n_active) = (0, 0, 0);
                    let mut sharers = [(0u32, 0u32); LOCKSTEP_CHUNK];
                    let mut actives = [(0u32, 0u32); LOCKSTEP_CHUNK];
                    // Pass 1: up to a chunk of the day's joiners; who shares (as an
                    // ordinary or an active sharer), and which friends each channel
                    // reaches (arcs).
                    while chunk < LOCKSTEP_CHUNK {
                        let Some(at) = self.next_joiner(bucket, &mut next, day, s, out) else {
                            break;
                        };
                        let u_at = at.u;
                        senders[chunk] = at;
                        ends[chunk] = 0;
                        // Kept without a branch (taken as often as people share); the
                        // person's keyed coin.
                        let coin = if share_below >= COIN_ONE {
                            0
                        } else {
                            fade(keyed(s.keys.share, u_at as u64) >> 32, novelty)
                        };
                        let active = coin < active_below;
                        sharers[n_sharers] = (u_at, chunk as u32);
                        n_sharers += (coin < share_below && !active) as usize;
                        actives[n_active] = (u_at, chunk as u32);
                        n_active += active as usize;
                        chunk += 1;
                    }
                    out.sharers += (n_sharers + n_active) as u32;
                    let ordinary = self.select_chunk(&self.reach, &sharers[..n_sharers], s, channel_base, &mut hits, 0);
                    // Each sender's invitations: `hits` holds the ordinary sharers'
                    // sender by sender, in the order of the chunk, so where each sender's
                    // run ends tells how many there are (plain stores, where counting
                    // would wait on the previous count of the same sender); the active
                    // sharers' follow, counted one by one.
                    for (i, &(_, tag)) in hits[..ordinary].iter().enumerate() {
                        ends[(tag >> 16) as usize % LOCKSTEP_CHUNK] = i + 1;
                    }
                    let mut done = 0;
                    for (sent, end) in sent[..chunk].iter_mut().zip(&ends[..chunk]) {
                        let end = (*end).max(done);
                        *sent = end - done;
                        done = end;
                    }
                    let mut count = ordinary;
                    if n_active > 0 {
                        count = self.select_chunk(
                            &self.reach_active,
                            &actives[..n_active],
                            s,
                            channel_base,
                            &mut hits,
                            ordinary,
                        );
                        for &(_, tag) in &hits[ordinary..count] {
                            sent[(tag >> 16) as usize % LOCKSTEP_CHUNK] += 1;
                        }
                    }
                    for (at, &sent) in senders[..chunk].iter().zip(&sent[..chunk]) {
                        s.rows.record_invitations(out, at.g, sent as u64);
                    }
                    // Pass 2: drop the invitations to participants, which change nothing
                    // but the count of invitations.
                    let open = keep_unjoined(&mut hits[..count], &s.marks);
                    // Pass 3: in order, each invitation counted against its invitee (even
                    // one already due to join: an earlier arrival may replace theirs) and
                    // its conversion drawn, a 32-bit coin keyed by sender, invitee and
                    // channel (common random numbers). (Each invitee
                    // is written at the end of `touched`, which is kept only for one who was
                    // untouched, without a branch; `schedule` never sees them untouched.)
                    // The conversions are kept in `hits`, in order and without a branch, and
                    // scheduled after: neither a conversion nor its delay depends on the
                    // others' schedules, and a branch per conversion here was mispredicted
                    // as often as conversions happen.
                    let mut tl = s.touched.len();
                    s.touched.resize(tl + open, 0);
                    let convert_keys = s.keys.convert;
                    let mut converted = 0;
                    // (Local slices: through `s`, the marks' and `touched`'s addresses
                    // and lengths would be reloaded after every store.)
                    let (marks, touched) = (&mut s.marks[..], &mut s.touched[..]);
                    for i in 0..open {
                        let (v, tag) = hits[i];
                        let sender = senders[(tag >> 16) as usize % LOCKSTEP_CHUNK].u;
                        let key = convert_keys[((tag & 0xFFFF) >= channel_block) as usize];
                        let coin = fade(keyed(key, pair(sender, v)) >> 32, novelty);
                        let vi = v as usize;
                        let mark = marks[vi];
                        let state = mark & STATE_BITS;
                        debug_assert!(state != JOINED, "pass 2 dropped invitations to participants");
                        touched[tl] = v;
                        tl += (state == UNTOUCHED) as usize;
                        let e = ((mark >> 2) as usize).min(TABLE_EXPOSURES - 1);
                        marks[vi] =
                            (count_exposure(mark) & !STATE_BITS) | if state == UNTOUCHED { EXPOSED } else { state };
                        hits[converted] = (v, tag);
                        converted += self.converts::<CONTINUOUS>(table, tag, e, coin, || (sender, v)) as usize;
                    }
                    s.touched.truncate(tl);
                    for &(v, tag) in &hits[..converted] {
                        let channel = ((tag & 0xFFFF) >= channel_block) as usize;
                        self.schedule(senders[(tag >> 16) as usize], v, channel, s, out, last_scheduled);
                    }
                    s.hits = hits;
                }
            },
        );
    }
}
