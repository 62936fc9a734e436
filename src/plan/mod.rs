//! Planning on top of the engine and the estimators: designs compared with common
//! random numbers (paired differences, the variance the pairing saves).
//!
//! | file | what |
//! |---|---|
//! | `paired.rs` | paired differences of means and of ratio estimates, their tests |
//! | `compare.rs` | `fission compare`: each design against the first |
//! | `optimize.rs` | `fission optimize`: the cheapest design meeting a target, by bisection with adaptive runs |
//! | `sensitivity.rs` | `fission sensitivity`: the levers, their steps and effects |
//! | `seeds/` | seed users: degree discount, communities, IMM, CELF (`[seeding] strategy`, `fission seeds`) |
//! | `sweep.rs` | `fission sweep`: varied keys, their points, the tipping point |

pub mod compare;
pub mod optimize;
pub mod paired;
pub mod seeds;
pub mod sensitivity;
pub mod sweep;

pub use compare::{Comparison, DesignRun, compare};
pub use paired::{Difference, mean_difference, ratio_difference};
