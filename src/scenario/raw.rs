//! `RawScenario`: the TOML file as written. No logic: optional fields with their spans,
//! unknown keys denied. Also used, fully filled in, to print the resolved scenario.

// Each field is a key of the scenario file, documented (meaning, unit, range, default)
// in docs/SCENARIO.md; repeating that here would let the two drift apart.
#![allow(missing_docs)]

use crate::graph::OriginalId;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A value with the byte range it came from (0..0 when filled in by fission).
pub type S<T> = Option<Spanned<T>>;

/// Wraps a resolved value for printing.
pub fn filled<T>(v: T) -> S<T> {
    Some(Spanned::new(0..0, v))
}

/// The whole scenario file.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph: Option<Spanned<RawGraph>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seeding: Option<RawSeeding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<RawModel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub campaign: Option<RawCampaign>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channels: Option<RawChannels>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<RawBehaviour>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewards: Option<Spanned<RawRewards>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<Spanned<RawBudget>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub goal: Option<Spanned<RawGoal>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub simulation: Option<RawSimulation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<RawReport>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawGoal {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_day: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRewards {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_participant: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_referral: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitee: S<f64>,
    /// `[[count, prize], ...]`, checked by hand for clear messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiers: S<toml::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward_end_day: S<u64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBudget {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hard_cap: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_per_participant: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawGraph {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_degree: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub m: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rewire: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_sizes: S<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_degree: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub between_degree: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub degrees: S<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exponent: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_degree: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_degree: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directed: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_column: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strong_tie: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weak_tie: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rng_seed: S<u64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeeding {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nodes: S<Vec<OriginalId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection_model: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection_probability: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epsilon: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ell: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_seed: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_per_friend: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_count: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_fraction: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transmission_rate: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_rate: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub infectious_period_days: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCampaign {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complexity: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fun: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_quality: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle_time_days: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle_time_distribution: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cycle_time_sigma: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub novelty_half_life_days: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_day: S<u64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannels {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct: Option<RawDirect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moments: Option<RawMoments>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<Spanned<RawGroup>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_account: Option<Spanned<RawAccount>>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccount {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers_selection: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followers_file: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_days: S<Vec<u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_week: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_rate: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfollow_per_push: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub promotional: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfollow_frequency_elasticity: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unfollow_promotional_weight: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_on_join: S<bool>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups_per_person: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size_exponent: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_per_sharer: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention_decay: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fission: S<bool>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDirect {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invites_per_sharer: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMoments {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: S<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reach: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attention: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_base: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_reward: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_fun: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_threshold: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_tie: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_reinforcement: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reinforcement_cap: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_base: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_reward: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_fun: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward_reference: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_completion_min: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_completion_max: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_share: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_share_boost: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordinary_share_shift: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_moments_reach: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_invites_per_sharer: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active_share_lever_weight: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_fatigue: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fatigue_onset: S<u64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runs: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rng_seed: S<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub takeoff_multiple: S<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k_population_limit: S<f64>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: S<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: S<String>,
}
