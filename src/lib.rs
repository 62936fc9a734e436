//! # fission: test a viral campaign design before launch
//!
//! fission answers a campaign planner's questions (will this design spread, how far,
//! how fast, at what cost, and how sure are we?) by simulating the campaign many times
//! on a social graph.
//!
//! The pipeline, one module per layer (dependencies point down):
//!
//! 1. [`scenario`] reads a TOML scenario file into a validated [`scenario::Scenario`].
//! 2. [`graph`] builds the social graph with petgraph (generators or an edge list) and
//!    freezes it into a compact [`graph::SocialGraph`].
//! 3. [`model`] turns the campaign levers (threshold, rule complexity, reward, fun,
//!    page quality) into per-person probabilities to notice, join and share.
//! 4. [`engine`] runs the Monte Carlo spread day by day, in parallel and reproducibly.
//!    Its results ([`outcome`]: runs, ensembles, traced cascades) are what the layers
//!    below read.
//! 5. [`stats`] estimates the viral coefficient K, reach, takeoff probability and cost.
//! 6. [`report`] writes JSON, CSV and charts; [`cli`] is the command line.
//!
//! ```
//! use fission::scenario::Scenario;
//! let scenario = Scenario::from_toml_str(
//!     "name = \"demo\"\n[graph]\nkind = \"erdos-renyi\"\nnodes = 500\nmean_degree = 8\n\
//!      [simulation]\nruns = 20\ndays = 30\n",
//!     "demo.toml",
//!     std::path::Path::new("."),
//! ).unwrap();
//! let graph = scenario.build_graph().unwrap();
//! let config = scenario.run_config(scenario.resolve_seeding(&graph).unwrap());
//! let ensemble = fission::engine::run_ensemble(&graph, &config, &|_| {}).unwrap();
//! let analysis = fission::stats::analyse(&ensemble, &scenario.analysis_config());
//! assert!(analysis.reach.mean >= 10.0); // the 10 seed users at least
//! assert!(analysis.viral_coefficient.value > 0.0 && analysis.viral_coefficient.value < 1.0);
//! ```
#![warn(missing_docs)]

pub mod cli;
pub mod engine;
pub mod graph;
mod hint;
pub mod model;
pub mod outcome;
pub mod plan;
pub mod report;

pub mod rng;
pub mod scenario;
pub mod stats;

/// The program version, recorded in every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
