//! Linear threshold and complex contagion: a person joins when the weight or count
//! of their participating in-neighbours reaches their threshold.

use super::*;

impl<'a> Prepared<'a> {
    /// A new participant adds their weight to each out-neighbour's threshold; returns
    /// the contributions made (counted as invitations).
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(super) fn spread_threshold(
        &self,
        at: Sender,
        start: StartThreshold,
        contribution: Contribution,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
        last_scheduled: &mut u32,
    ) -> u64 {
        let graph = self.graph;
        let neighbours = graph.neighbours(NodeId(at.u));
        let weights = graph.weights(NodeId(at.u));
        out.sharers += 1;
        for (j, &v) in neighbours.iter().enumerate() {
            let vi = v as usize;
            let state = s.state(vi);
            if state == JOINED || state == PENDING {
                continue; // already in, or already tipped over
            }
            if state == UNTOUCHED {
                s.set_state(vi, EXPOSED);
                s.touched.push(v);
                s.remaining[vi] = match start {
                    StartThreshold::Uniform => uniform(rng) as f32,
                    StartThreshold::Count(c) => c as f32,
                    StartThreshold::Fraction(f) => (f * self.in_degree[vi] as f64 - 1e-9).ceil().max(1.0) as f32,
                };
            }
            let left = s.remaining[vi]
                - match contribution {
                    Contribution::One => 1.0,
                    Contribution::Weight => weights.map_or(0.0, |w| w[j]),
                    Contribution::InverseInDegree => self.inverse_in_degree[vi],
                };
            s.remaining[vi] = left;
            if left > 1e-6 {
                continue;
            }
            // Tipped over by the sender: joins one cycle later.
            let arrival = at.day.saturating_add(self.delay.sample(rng));
            s.set_state(vi, PENDING);
            let person = &mut s.people[vi];
            person.join_day = arrival.min(u16::MAX as u32) as u16;
            person.recruiter = at.position;
            person.generation = next_generation(at.g);
            if arrival > self.days {
                out.is_censored = true;
            } else {
                s.buckets[arrival as usize].push(v);
                *last_scheduled = (*last_scheduled).max(arrival);
            }
        }
        neighbours.len() as u64
    }
}
