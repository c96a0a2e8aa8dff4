//! Bindery's engine: a deterministic simulation of Kubernetes storage scheduling.
//!
//! See ARCHITECTURE.md for the map. The entry point is [`sim::Simulation`]; scenarios
//! come in and go out through [`scenario`].

pub mod cluster;
pub mod csi_migration;
pub mod events;
pub mod generate;
pub mod kept;
pub mod model;
mod parallel;
pub mod pv_helpers;
pub mod quantity;
mod repack;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod scheduler;
pub mod sim;
pub mod small_set;
pub mod sort;
#[cfg(test)]
pub(crate) mod testing;
pub mod time;
pub mod version;

pub use scenario::Manifest;
pub use sim::{Command, Simulation, StepOutcome};
