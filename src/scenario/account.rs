//! Validation of `[channels.official_account]`: the followers, the push schedule within
//! the platform's limits, opens and unfollows; and the followers on a built graph.

use super::*;
use crate::model::OfficialAccount;

/// Who follows the account at launch.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowersSpec {
    /// This many people drawn at random (once per scenario: the same in every run).
    Random(usize),
    /// The best-connected people.
    HighestDegree(usize),
    /// The ids of a file, one a line (resolved path, as written).
    File(PathBuf, String),
}

/// An official account as the scenario states it (followers resolved on the graph).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSpec {
    /// `subscription` (one push a day at most) or `service` (four a month).
    pub account_type: String,
    /// Who follows at launch.
    pub followers: FollowersSpec,
    /// `per_week` when the schedule was given so (for the resolved scenario).
    pub per_week: Option<f64>,
    /// Everything else, `followers` left empty.
    pub account: OfficialAccount,
}

impl Scenario {
    /// `[channels.official_account]` for a model of kind `kind` lasting `days`; every
    /// problem goes to `c`.
    pub(super) fn account_from_raw(
        raw: Option<Spanned<RawAccount>>,
        kind: &str,
        days: u32,
        nodes: Option<u64>,
        base_dir: &Path,
        c: &mut Checker,
    ) -> Option<AccountSpec> {
        let raw = raw?;
        let section = raw.span();
        if kind != "campaign" {
            c.problem(
                Some(&section),
                "channels.official_account",
                format!("[channels.official_account] applies to kind = \"campaign\" only, not to kind = \"{kind}\""),
            );
        }
        let a = raw.into_inner();
        if a.enabled.as_ref().is_some_and(|e| !*e.get_ref()) {
            return None;
        }
        let key = |k: &str| format!("channels.official_account.{k}");
        let account_type =
            c.choice(&a.account_type, &key("account_type"), "subscription", &["subscription", "service"]);
        let max = nodes.unwrap_or(u64::MAX / 2);
        let followers = match (&a.followers, &a.followers_file) {
            (Some(_), Some(f)) => {
                c.problem(
                    Some(&f.span()),
                    &key("followers_file"),
                    "give channels.official_account.followers (a count) or followers_file, not both".into(),
                );
                FollowersSpec::Random(0)
            }
            (None, Some(f)) => {
                let path = base_dir.join(f.get_ref());
                if !path.is_file() {
                    c.problem(
                        Some(&f.span()),
                        &key("followers_file"),
                        format!("{} = {:?}: {}", key("followers_file"), f.get_ref(), not_a_file(&path)),
                    );
                }
                if let Some(sel) = &a.followers_selection {
                    c.problem(
                        Some(&sel.span()),
                        &key("followers_selection"),
                        "followers_selection applies to a count of followers, not to a file".into(),
                    );
                }
                FollowersSpec::File(path, f.get_ref().clone())
            }
            (Some(_), None) => {
                let count = c.int(
                    &a.followers,
                    &key("followers"),
                    1,
                    1,
                    max,
                    "followers at launch, at most the number of people",
                ) as usize;
                match c.choice(
                    &a.followers_selection,
                    &key("followers_selection"),
                    "random",
                    &["random", "highest-degree"],
                ) {
                    "highest-degree" => FollowersSpec::HighestDegree(count),
                    _ => FollowersSpec::Random(count),
                }
            }
            (None, None) => {
                c.problem(
                    Some(&section),
                    &key("followers"),
                    "channels.official_account needs followers (a count) or followers_file (their ids)".into(),
                );
                FollowersSpec::Random(0)
            }
        };
        let push_days: Vec<u32> = match (&a.push_days, &a.per_week) {
            (Some(list), None) => {
                let mut days_list: Vec<u32> = Vec::new();
                for &d in list.get_ref() {
                    if d > days as u64 {
                        c.problem(
                            Some(&list.span()),
                            &key("push_days"),
                            format!("push day {d} is after the horizon, simulation.days = {days}"),
                        );
                        break;
                    }
                    if days_list.last().is_some_and(|&p| p as u64 >= d) {
                        c.problem(
                            Some(&list.span()),
                            &key("push_days"),
                            format!("push days must rise, each day once (a subscription account pushes at most once a day): {d} follows {}", days_list.last().copied().unwrap_or(0)),
                        );
                        break;
                    }
                    days_list.push(d as u32);
                }
                if list.get_ref().is_empty() {
                    c.problem(
                        Some(&list.span()),
                        &key("push_days"),
                        "push_days is empty: list the days the account pushes".into(),
                    );
                }
                days_list
            }
            (None, Some(_)) => {
                let per_week =
                    c.float(&a.per_week, &key("per_week"), 1.0, 0.01, 7.0, "pushes a week; at most one a day");
                // Evenly spaced: push i on day floor(7i / per_week).
                (0..).map(|i: u32| (7.0 * i as f64 / per_week).floor() as u32).take_while(|&d| d <= days).collect()
            }
            (Some(list), Some(_)) => {
                c.problem(Some(&list.span()), &key("push_days"), "give push_days or per_week, not both".into());
                Vec::new()
            }
            (None, None) => {
                c.problem(
                    Some(&section),
                    &key("push_days"),
                    "channels.official_account needs push_days = [0, 2, 4] or per_week = 3".into(),
                );
                Vec::new()
            }
        };
        // The platform's limits: a service account pushes four times a month; any 31
        // days hold at most four pushes, so no calendar month can hold more, whatever
        // day the campaign starts.
        if account_type == "service"
            && let Some(w) = push_days.windows(5).find(|w| w[4] - w[0] < 31)
        {
            let at = a.push_days.as_ref().map(|p| p.span()).or(a.per_week.as_ref().map(|p| p.span()));
            c.problem(
                at.as_ref(),
                &key("push_days"),
                format!(
                    "a service account pushes at most 4 times a month, but days {} to {} hold 5 pushes (a subscription account may push once a day)",
                    w[0], w[4]
                ),
            );
        }
        let per_week = a.per_week.as_ref().map(|p| *p.get_ref());
        let account = OfficialAccount {
            followers: Vec::new(),
            push_days,
            open_rate: c.float(&a.open_rate, &key("open_rate"), 0.05, 0.0, 1.0, "probability a follower opens a push"),
            unfollow_per_push: c.float(
                &a.unfollow_per_push,
                &key("unfollow_per_push"),
                0.002,
                0.0,
                1.0,
                "probability a follower unfollows after a push, at one push a week, not promotional",
            ),
            promotional: c.float(
                &a.promotional,
                &key("promotional"),
                0.0,
                0.0,
                1.0,
                "0 = pure content, 1 = pure advertising",
            ),
            frequency_elasticity: c.float(
                &a.unfollow_frequency_elasticity,
                &key("unfollow_frequency_elasticity"),
                0.5,
                0.0,
                3.0,
                "unfollows grow as (pushes in the last 7 days)^this",
            ),
            promotional_weight: c.float(
                &a.unfollow_promotional_weight,
                &key("unfollow_promotional_weight"),
                2.0,
                0.0,
                100.0,
                "a fully promotional push multiplies unfollows by 1 + this",
            ),
            follow_on_join: a.follow_on_join.as_ref().is_none_or(|f| *f.get_ref()),
        };
        Some(AccountSpec { account_type: account_type.to_string(), followers, per_week, account })
    }

    /// The official account with its followers resolved on a built graph (random
    /// followers drawn once from the scenario's seed), or None.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] for more followers than people, or a followers file
    /// with an id not in the graph (naming its line).
    pub fn official_account_on(&self, graph: &SocialGraph) -> Result<Option<OfficialAccount>, ScenarioError> {
        let Some(spec) = &self.official_account else { return Ok(None) };
        let n = graph.node_count();
        let invalid = |file: String, line: Option<usize>, message: String| ScenarioError::Invalid {
            file,
            problems: vec![Problem { line, key: "channels.official_account.followers".into(), message }],
        };
        let followers: Vec<u32> = match &spec.followers {
            FollowersSpec::Random(k) | FollowersSpec::HighestDegree(k) if *k > n => {
                return Err(invalid(
                    self.file_label.clone(),
                    None,
                    format!("{k} followers but the graph has only {n} people"),
                ));
            }
            FollowersSpec::Random(k) => {
                // A partial Fisher–Yates shuffle from the scenario's seed.
                let mut rng = crate::rng::stream_rng(self.simulation.rng_seed, crate::rng::STREAM_GRAPH - 2);
                let mut all: Vec<u32> = (0..n as u32).collect();
                for i in 0..*k {
                    let j = i + crate::rng::below(&mut rng, (n - i) as u64) as usize;
                    all.swap(i, j);
                }
                all.truncate(*k);
                all
            }
            FollowersSpec::HighestDegree(k) => graph.highest_degree(*k),
            FollowersSpec::File(path, _) => {
                let label = path.display().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|e| invalid(label.clone(), None, format!("cannot read: {e}")))?;
                let index = graph.original_id_index();
                let text_ids = graph.has_text_ids();
                let mut seen = std::collections::HashSet::new();
                let mut out = Vec::new();
                for (i, line) in text.lines().enumerate() {
                    let t = crate::graph::load::unquote(line.trim());
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    let id = match t.parse::<u64>() {
                        Ok(x) if !text_ids => OriginalId::Number(x),
                        _ => OriginalId::Text(t.into()),
                    };
                    let v = index.get(&id).ok_or_else(|| {
                        invalid(label.clone(), Some(i + 1), format!("follower {t:?} is not in the graph"))
                    })?;
                    if seen.insert(v.0) {
                        out.push(v.0);
                    }
                }
                if out.is_empty() {
                    return Err(invalid(label, None, "the followers file lists nobody".into()));
                }
                out
            }
        };
        Ok(Some(OfficialAccount { followers, ..spec.account.clone() }))
    }
}
