//! The summary table a run prints on stdout, one line a figure, in the report's
//! language, its names padded by display width.

use super::{RunReport, labels, text};

impl RunReport<'_> {
    /// The table's first line, in the report's language.
    pub fn header_line(&self) -> String {
        let l = labels(self.scenario.report.language);
        let s = self.scenario;
        (l.header)(&s.name, self.analysis.runs, self.analysis.seed_count, s.simulation.days, s.simulation.rng_seed)
    }

    /// The table's "Files" line.
    pub fn files_line(&self, names: &[&str]) -> String {
        let l = labels(self.scenario.report.language);
        format!("  {} {}\n", text::pad(l.files_word, 34), names.join(", "))
    }

    /// The summary table, one line a figure, in the report's language, its names
    /// padded by display width.
    pub fn table(&self) -> String {
        let a = self.analysis;
        let l = labels(self.scenario.report.language);
        let k = &a.viral_coefficient;
        let cur = &self.scenario.report.currency;
        let mut s = String::new();
        let mut row = |name: &str, value: String| s.push_str(&format!("  {} {value}\n", text::pad(name, 34)));
        row(
            l.table_k,
            if k.ci_low.is_finite() && k.ci_high.is_finite() {
                format!("{:.3}  ({} {:.3} – {:.3})", k.value, l.ci95, k.ci_low, k.ci_high)
            } else {
                format!("{:.3}  ({})", k.value, (l.no_interval)(k.n))
            },
        );
        row(
            l.table_split,
            format!("{:.2} × {:.3}", a.invitations_per_participant.value, a.conversion_per_invitation.value),
        );
        row(
            l.table_reach,
            format!(
                "{:.0}  ({} {:.0}, {} {:.0} – {:.0})",
                a.reach.mean, l.median_word, a.reach.p50, l.runs90, a.reach.p05, a.reach.p95
            ),
        );
        row(
            l.table_takeoff,
            format!(
                "{:.1}%  ({} {:.1} – {:.1}%; {})",
                a.takeoff_probability.value * 100.0,
                l.ci95,
                a.takeoff_probability.ci_low * 100.0,
                a.takeoff_probability.ci_high * 100.0,
                (l.takeoff_people)(a.takeoff_reach)
            ),
        );
        if let Some(g) = &a.goal {
            let mut parts = Vec::new();
            if let (Some(target), Some(p)) = (g.goal.reach, g.reach_met) {
                parts.push((l.goal_reach)(target, g.day, p.value * 100.0, p.ci_low * 100.0, p.ci_high * 100.0));
            }
            if let (Some(k), Some(c)) = (g.goal.k, g.k_confidence) {
                parts.push((l.goal_k)(k, c * 100.0));
            }
            row(l.table_goal, parts.join("; "));
        }
        let half = &a.days_to_half_reach;
        // Day 0 because the seeds are half the reach: say so, or "0 days" reads as instant.
        if half.p50 == 0.0 && a.reach.p50 <= 2.0 * a.seed_count as f64 {
            row(l.table_half, format!("{:.1}  ({} {:.0}: {})", half.mean, l.median_word, half.p50, l.seeds_are_half));
        } else {
            row(l.table_half, format!("{:.1}  ({} {:.0})", half.mean, l.median_word, half.p50));
        }
        row(
            l.table_cost,
            format!("{cur}{:.0}  ({} {cur}{:.0})", a.cost.mean_total.value, l.p95_word, a.cost.total.p95),
        );
        let c = &a.cost;
        if c.mean_total.value > 0.0 && c.per_participant.value.is_finite() {
            row(
                l.table_per_participant,
                format!(
                    "{cur}{:.2}  ({} {cur}{:.2} – {cur}{:.2})",
                    c.per_participant.value, l.ci95, c.per_participant.ci_low, c.per_participant.ci_high
                ),
            );
        }
        if let (Some(budget), Some(p)) = (c.budget, c.budget_exhausted) {
            let day = c.budget_exhausted_day.map(|d| d.p50);
            row(l.table_budget, format!("{cur}{budget:.0}: {}", (l.budget_fate)(p.value * 100.0, day)));
        }
        if let Some(roi) = c.roi {
            row(
                l.table_roi,
                format!(
                    "{:.0}%  ({} {:.0} – {:.0}%)",
                    roi.value * 100.0,
                    l.ci95,
                    roi.ci_low * 100.0,
                    roi.ci_high * 100.0
                ),
            );
        }
        if let Some(a) = self.account_record() {
            let per_push = a.pushes.iter().map(|p| p.unfollows_mean).sum::<f64>() / a.pushes.len().max(1) as f64;
            row(
                l.table_account,
                (l.account_line)(
                    a.followers_at_start,
                    a.followers_at_end.mean,
                    a.new_follows.mean,
                    a.unfollows.mean,
                    per_push,
                    a.pushes.len(),
                ),
            );
        }
        if let Some(g) = self.groups_record() {
            let refused = g.joins_refused_per_run.mean;
            row(
                l.table_groups,
                format!(
                    "{}{}",
                    (l.groups_line)(
                        g.groups_at_end.mean,
                        g.created.mean,
                        g.created.p95,
                        g.members_per_group.mean,
                        g.max_members,
                        g.cap
                    ),
                    if refused > 0.0 { (l.refused)(refused) } else { String::new() }
                ),
            );
        }
        // The campaign's channels, when it has more than one and someone was recruited.
        let channels = self.channel_records();
        if channels.len() > 1 && channels.iter().all(|c| c.share_of_joins.is_some()) {
            let parts: Vec<String> = channels
                .iter()
                .map(|c| format!("{} {:.0}%", (l.channel_name)(&c.name), 100.0 * c.share_of_joins.unwrap_or(0.0)))
                .collect();
            row(l.table_channels, parts.join(", "));
            // Each channel's part of K (person to person: not the account's pushes).
            let parts: Vec<String> = channels
                .iter()
                .filter_map(|c| c.k_contribution.map(|k| format!("{} {:.3}", (l.channel_name)(&c.name), k)))
                .collect();
            if parts.len() > 1 {
                row(l.table_k_channels, parts.join(", "));
            }
        }
        s
    }
}
