//! CSI objects: per-node attach limits, driver capabilities, published capacity.

use super::{LabelSelector, Meta};
use crate::quantity::Bytes;

#[derive(Clone, Debug, PartialEq)]
pub struct CsiNodeDriver {
    pub name: String,
    pub node_id: String,
    /// `allocatable.count`: the attach limit, when the driver reports one.
    pub allocatable_count: Option<i32>,
    pub topology_keys: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsiNode {
    pub meta: Meta,
    pub drivers: Vec<CsiNodeDriver>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsiDriver {
    pub meta: Meta,
    pub attach_required: bool,
    pub storage_capacity: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsiStorageCapacity {
    pub meta: Meta,
    pub storage_class_name: String,
    /// `None`: the capacity is not accessible from any node.
    pub node_topology: Option<LabelSelector>,
    pub capacity: Option<Bytes>,
    pub maximum_volume_size: Option<Bytes>,
}
