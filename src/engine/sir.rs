//! Continuous-time SIR, event by event: a priority queue of infection times.

use super::*;

impl<'a> Prepared<'a> {
    /// Continuous-time SIR, event by event (first-passage infection times).
    pub(super) fn run_sir(
        &self,
        beta: f64,
        recovery: Recovery,
        s: &mut RunScratch,
        rng: &mut SimRng,
        out: &mut RunOutcome,
    ) {
        let graph = self.graph;
        let horizon = self.days as f64 + 1.0; // day d covers [d, d + 1)
        while let Some(Reverse((bits, u))) = s.heap.pop() {
            let t = f64::from_bits(bits);
            let ui = u as usize;
            if s.state(ui) != PENDING || s.times[ui] != t {
                continue; // superseded by an earlier infection time
            }
            if t >= horizon {
                out.is_censored = true;
                break;
            }
            let day = t as u32;
            s.set_state(ui, JOINED);
            let person = &mut s.people[ui];
            person.join_day = day as u16;
            let g = person.generation as u32;
            let position = s.tree.push(u, person.recruiter);
            s.rows.record_join(out, day, g);
            out.sharers += 1;
            let period = match recovery {
                Recovery::Rate(gamma) => rng.sample::<f64, _>(Exp1) / gamma,
                Recovery::FixedPeriodDays(d) => d,
            };
            let mut contacts = 0u64;
            for &v in graph.neighbours(NodeId(u)) {
                let tau = rng.sample::<f64, _>(Exp1) / beta;
                if tau >= period {
                    continue;
                }
                contacts += 1;
                let vi = v as usize;
                let state = s.state(vi);
                if state == JOINED {
                    continue;
                }
                if state == UNTOUCHED {
                    s.touched.push(v);
                }
                let candidate = t + tau;
                if state != PENDING || candidate < s.times[vi] {
                    s.set_state(vi, PENDING);
                    let person = &mut s.people[vi];
                    person.recruiter = position;
                    person.generation = next_generation(g);
                    s.times[vi] = candidate;
                    s.heap.push(Reverse((candidate.to_bits(), v)));
                }
            }
            s.rows.record_invitations(out, g, contacts);
        }
    }
}
