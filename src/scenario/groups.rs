//! Validation of `[channels.group]` (group chats: the people's groups, posting to them,
//! the campaign's own capped groups and group fission) and `[seeding] groups`, and the
//! building of the people's groups on a built graph.

use super::*;
use crate::graph::groups::{GROUP_CAP, Membership};
use crate::model::{CampaignGroups, GroupChannel};

/// How the people's group chats are made: generated along the graph, or read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupsSpec {
    /// Groups a person is in, on average (generated).
    pub per_person: f64,
    /// The largest group (generated; a file's groups are checked against 500).
    pub cap: u32,
    /// Exponent α of the group sizes, P(s) ∝ s^−α on 3..=cap (generated).
    pub size_exponent: f64,
    /// A `person,group` file instead (resolved path, as written).
    pub file: Option<(PathBuf, String)>,
}

impl Scenario {
    /// The group channel, the campaign's groups and how to make the people's groups,
    /// from `[channels.group]` and `[seeding] groups` (`seeds`: seed users, when known);
    /// every problem goes to `c`.
    pub(super) fn groups_from_raw(
        raw: Option<Spanned<RawGroup>>,
        seed_groups: &S<u64>,
        seeds: Option<usize>,
        kind: &str,
        base_dir: &Path,
        c: &mut Checker,
    ) -> (Option<GroupChannel>, Option<CampaignGroups>, Option<GroupsSpec>) {
        let section = raw.as_ref().map(|r| r.span());
        if let Some(at) = section.clone().filter(|_| kind != "campaign") {
            c.problem(
                Some(&at),
                "channels.group",
                format!("[channels.group] applies to kind = \"campaign\" only, not to kind = \"{kind}\""),
            );
        }
        if let Some(g) = seed_groups.as_ref().filter(|_| kind != "campaign") {
            c.problem(
                Some(&g.span()),
                "seeding.groups",
                format!("seeding.groups applies to kind = \"campaign\" only, not to kind = \"{kind}\""),
            );
        }
        let g = raw.map(|r| r.into_inner()).unwrap_or_default();
        let cap = c.int(
            &g.cap,
            "channels.group.cap",
            GROUP_CAP as u64,
            3,
            GROUP_CAP as u64,
            "members a group holds at most (WeChat: 500)",
        ) as u32;
        let fission = g.fission.as_ref().is_some_and(|f| *f.get_ref());
        let seed_groups = seed_groups.as_ref().map(|_| {
            c.int(seed_groups, "seeding.groups", 1, 1, 1_000_000, "groups the operator opens at launch") as u32
        });
        if let (Some(n), Some(seeds)) = (seed_groups, seeds)
            && seeds as u64 > n as u64 * cap as u64
        {
            c.problem(
                span(&g.cap).as_ref().or(section.as_ref()),
                "seeding.groups",
                format!("{seeds} seed users do not fit {n} groups of at most {cap} members: open more groups"),
            );
        }
        if let (Some(f), None) = (&g.fission, seed_groups) {
            c.problem(
                Some(&f.span()),
                "channels.group.fission",
                "channels.group.fission needs seeding.groups: the campaign's groups that fill and split".into(),
            );
        }
        let campaign_groups = seed_groups.map(|seed_groups| CampaignGroups { seed_groups, cap, fission });
        let enabled = section.is_some() && g.enabled.as_ref().is_none_or(|e| *e.get_ref());
        let channel = GroupChannel {
            posts_per_sharer: c.int(
                &g.posts_per_sharer,
                "channels.group.posts_per_sharer",
                1,
                0,
                1000,
                "groups a sharer posts to",
            ) as u32,
            attention: c.float(
                &g.attention,
                "channels.group.attention",
                0.1,
                0.0,
                1.0,
                "probability a member of a 10-person group notices a post",
            ),
            attention_decay: c.float(
                &g.attention_decay,
                "channels.group.attention_decay",
                0.5,
                0.0,
                3.0,
                "how fast attention falls with the group's size: (10 / size)^decay",
            ),
        };
        let per_person = c.float(
            &g.groups_per_person,
            "channels.group.groups_per_person",
            5.0,
            0.0,
            1000.0,
            "group chats a person is in, on average",
        );
        let size_exponent =
            c.float(&g.size_exponent, "channels.group.size_exponent", 2.0, 0.0, 5.0, "α of group sizes, P(s) ∝ s^−α");
        let file = g.membership.as_ref().map(|m| {
            let path = base_dir.join(m.get_ref());
            if !path.is_file() {
                c.problem(
                    Some(&m.span()),
                    "channels.group.membership",
                    format!("channels.group.membership = {:?}: {}", m.get_ref(), not_a_file(&path)),
                );
            }
            if g.groups_per_person.is_some() || g.size_exponent.is_some() {
                c.problem(
                    Some(&m.span()),
                    "channels.group.membership",
                    "give channels.group.membership (a file) or groups_per_person and size_exponent (generated), not both"
                        .into(),
                );
            }
            (path, m.get_ref().clone())
        });
        let spec = enabled.then_some(GroupsSpec { per_person, cap, size_exponent, file });
        (enabled.then_some(channel), campaign_groups, spec)
    }

    /// The people's group chats on a built graph: generated (from the graph's seed, so
    /// the same every run of the scenario) or read from the membership file, whose ids
    /// are the graph's. None without a group channel.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] for a line of the file that is not `person,group`, a
    /// person not in the graph (with the line) or a group over 500 members.
    pub fn build_membership(&self, graph: &SocialGraph) -> Result<Option<Membership>, ScenarioError> {
        let Some(spec) = &self.groups else { return Ok(None) };
        let Some((path, _)) = &spec.file else {
            return Ok(Some(Membership::generate(
                graph,
                spec.per_person,
                spec.cap,
                spec.size_exponent,
                self.graph_rng_seed(),
            )));
        };
        let label = path.display().to_string();
        let invalid = |line: Option<usize>, message: String| ScenarioError::Invalid {
            file: label.clone(),
            problems: vec![Problem { line, key: "channels.group.membership".into(), message }],
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(None, format!("cannot read: {e}")))?;
        let index = graph.original_id_index();
        let text_ids = graph.has_text_ids();
        let mut pairs = Vec::new();
        let mut groups: HashMapIds = HashMapIds::default();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let mut parts = t.split([',', '\t', ' ']).map(str::trim).filter(|p| !p.is_empty());
            let (Some(person), Some(group), None) = (parts.next(), parts.next(), parts.next()) else {
                return Err(invalid(Some(i + 1), format!("{t:?}: a line must be `person,group`")));
            };
            let person = crate::graph::load::unquote(person);
            let id = match person.parse::<u64>() {
                Ok(x) if !text_ids => OriginalId::Number(x),
                _ => OriginalId::Text(person.into()),
            };
            let Some(v) = index.get(&id) else {
                // The header line, if any, names no person.
                if pairs.is_empty() && i == 0 && person.parse::<u64>().is_err() && !text_ids {
                    continue;
                }
                return Err(invalid(Some(i + 1), format!("person {person:?} is not in the graph")));
            };
            pairs.push((v.0, groups.id(crate::graph::load::unquote(group))));
        }
        if pairs.is_empty() {
            return Err(invalid(None, "the membership file lists no `person,group` pair".into()));
        }
        Membership::from_pairs(graph.node_count(), &pairs).map(Some).map_err(|e| invalid(None, e))
    }
}

/// Group names of a membership file, numbered in order of first appearance.
#[derive(Default)]
struct HashMapIds(std::collections::HashMap<String, u64>);

impl HashMapIds {
    fn id(&mut self, name: &str) -> u64 {
        let next = self.0.len() as u64;
        *self.0.entry(name.to_string()).or_insert(next)
    }
}
