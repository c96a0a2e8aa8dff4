//! NodeName: a pod that names a node in `spec.nodeName` fits only that node.

use super::names;
use crate::model::Pod;
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, Status};

pub const NAME: &str = names::NODE_NAME;

/// `ErrReason` (node_name.go).
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

pub struct NodeName;

impl Plugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER
    }

    fn filter(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        match pod.node_name() {
            Some(n) if n != node.name() => Status::unresolvable(ERR_REASON),
            _ => Status::success(),
        }
    }
}
