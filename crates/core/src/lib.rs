//! Bindery's engine. See ARCHITECTURE.md for the map.
pub mod cluster;
pub mod model;
pub mod scenario;
pub mod version;
pub mod quantity;
pub mod time;
