//! The Monte Carlo engine: one cascade (a run) simulated day by day, and the parallel
//! runner that produces an [`Ensemble`] of runs.
//!
//! What it must not know: files, terminals, TOML. Progress leaves through a callback.
//!
//! ## One run
//! Seeds join on day 0. When a person joins on day `t` they share with the behaviour's
//! share probability, as an active or an ordinary sharer (an active sharer's channels
//! reach more friends), faded by the campaign's novelty on day `t`; a sharer reaches
//! friends through each channel (a list: each with its reach, attention and
//! conversion, and its own counts of invitations and recruits), and every
//! reached friend who has not joined yet receives an invitation (an *exposure*). Each
//! invitation converts independently with a probability that depends on the channel,
//! the tie and how many invitations the friend has received (reinforcement, then
//! fatigue), faded by the campaign's novelty on day `t`. A converted invitation
//! makes the friend join on day `t + D`, `D >= 1` the cycle time, unless an earlier
//! invitation already made them join sooner: join days are first-passage times, and
//! the recruiter is the sender of the earliest converting invitation. The run stops
//! after `days` or when nothing is scheduled. A run whose invitations would still
//! convert after the horizon is marked censored; nobody joins after the campaign's last
//! day (`RunConfig::end_day`), which censors nothing.
//!
//! ## Other processes
//! Linear threshold and complex contagion use the same day-by-day schedule, but a
//! person joins when the weights (or the count) of their participating in-neighbours
//! reach their threshold; the neighbour who tipped them over is the recruiter. SIR is
//! simulated in continuous time, event by event (a priority queue of infection times):
//! an infected person recovers after an exponential or fixed period and transmits to
//! each neighbour after an exponential time with rate β, if that comes first; days
//! are the whole part of the time.
//!
//! ## The uniform independent cascade
//! With one probability on every tie, the friends a participant reaches are found by
//! geometric skips drawn from a table ([`SkipTable`]), so the work follows the
//! successes rather than the ties. With a fixed cycle time everyone reached by
//! generation g joins on day (g + 1) × cycle, and a run goes generation by generation,
//! the order of joining being the queue, with less bookkeeping than the day-by-day
//! schedule; it draws the coins of 64 senders' ties as one list, so its runs are the
//! same process as the day-by-day schedule's (tested), not the same draws. The other
//! invitation processes (the campaign, edge weights, weighted cascade) also go
//! generation by generation with a fixed cycle time. The campaign with chunked
//! conversions (tabulated, or bounded on ties of many strengths) does so in chunks of
//! 64 sharers, drawing their reach before their
//! conversions and resolving invitations without a branch
//! (`Prepared::run_lockstep_campaign`): the same process, not the same draws
//! (tested). The others draw exactly what the day-by-day schedule draws (tested).
//! With a random cycle time the campaign goes day by day, each day's joiners in the
//! same chunks (`Prepared::run_days_campaign`), again the same process as one
//! invitation at a time (tested).
//!
//! ## Reproducibility and common random numbers
//! Run `i` draws its seed users (and the textbook models their randomness) from
//! [`crate::rng::stream_rng`]`(rng_seed, i)` and writes only its own row of the outputs,
//! so the ensemble is identical for any number of threads. The campaign's draws are
//! keyed instead ([`crate::rng::Keys`]): the share coin by person, the reach coins by
//! arc, the conversion coin and the delay by (sender, friend), the same in every path,
//! so that two designs' runs are paired decision by decision.
//!
//! ## Where things are
//! | file | what |
//! |---|---|
//! | `config.rs` | [`RunConfig`], [`CycleTime`] and its delay sampler, [`Seeding`], [`Progress`] |
//! | `runner.rs` | [`run_ensemble`] (threads, per-worker scratch, merging in run order), [`simulate_cascade`] |
//! | `prepared.rs` | what a run reads, prepared once per ensemble; which process and schedule a run takes |
//! | `reference.rs` | the invitation process one invitation at a time, day by day: the specification |
//! | `schedule.rs` | the day-by-day schedule (first-passage join days, the day's queue) |
//! | `cascade.rs` | the independent cascade's chunked paths, generation by generation and day by day |
//! | `campaign.rs` | the campaign's chunked paths, 64 sharers at a time |
//! | `channels.rs` | how each channel reaches a sharer's friends, and the chunked selection |
//! | `conversion.rs` | conversion tables by channel, invitations received and tie strength |
//! | `draws.rs` | coins, geometric skips by table ([`SkipTable`]), coin thresholds |
//! | `threshold.rs`, `sir.rs` | linear threshold and complex contagion; continuous-time SIR |
//! | `tree.rs` | recruitment trees and their statistics |
//! | `scratch.rs` | per-worker state reset between runs |
//!
//! The results ([`Ensemble`], [`RunOutcome`], [`Cascade`]) live in [`crate::outcome`],
//! which the estimators and reports read without this module.

use crate::graph::{NodeId, SocialGraph};
use crate::hint::prefetch;
use crate::model::{
    AdoptionThreshold, Behaviour, CompiledBehaviour, EdgeProbability, InfluenceWeights, InviteRule, Recovery,
    TABLE_EXPOSURES,
};
use crate::rng::{SimRng, below, keyed, pair, stream_rng, uniform};
use rand::{Rng, RngExt};
use rand_distr::Exp1;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

mod account;
mod campaign;
mod cascade;
mod channels;
mod config;
mod conversion;
mod draws;
mod groups;
mod prepared;
mod reference;
mod rewards;
mod runner;
mod schedule;
mod scratch;
mod sir;
mod threshold;
mod tree;

pub use crate::outcome::{Cascade, Ensemble, Participant, RunOutcome, TreeShape};
pub use config::{CycleTime, DelayDistribution, Progress, RunConfig, Seeding};
pub use draws::SkipTable;
pub use runner::{check_config, run_ensemble, simulate_cascade};
pub use scratch::MAX_DAYS;

use account::*;
use channels::*;
use config::*;
use conversion::*;
use draws::*;
use groups::*;
use prepared::*;
use rewards::*;
use schedule::*;
use scratch::*;
use tree::*;

/// Errors from configuring a run.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// More seed users than people, or a seed outside the graph.
    #[error("{0}")]
    BadSeeding(String),
    /// The model does not fit the graph (missing edge weights, incoming weights that
    /// sum above 1, a threshold no one can reach).
    #[error("{0}")]
    ModelDoesNotFitGraph(String),
    /// A horizon longer than the engine can store.
    #[error("a horizon of {0} days is too long (accepted: at most {MAX_DAYS} days)")]
    HorizonTooLong(u32),
}

#[cfg(test)]
mod tests;
