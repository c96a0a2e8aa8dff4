//! NodePorts: a pod's host ports must be free on the node.

use super::names;
use crate::model::{HostPort, Pod};
use crate::scheduler::cache::{NodeInfo, PodInfo};
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::NODE_PORTS;

/// `ErrReason` (node_ports.go).
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

#[derive(Clone, Debug)]
pub struct State {
    ports: Vec<HostPort>,
}

pub struct NodePorts;

fn conflicts(a: &HostPort, b: &HostPort) -> bool {
    a.port == b.port
        && a.protocol == b.protocol
        && (a.host_ip == b.host_ip || a.host_ip == "0.0.0.0" || b.host_ip == "0.0.0.0")
}

/// NodePorts' queueing hint for an assigned pod's deletion (`isSchedulableAfterPodDeleted`):
/// the deleted pod held a host port that conflicts with one the pending pod wants.
pub fn deletion_frees_a_wanted_port(pending: &Pod, deleted: &Pod) -> bool {
    let wanted = pending.spec.host_ports();
    deleted
        .spec
        .host_ports()
        .iter()
        .any(|used| wanted.iter().any(|w| conflicts(w, used)))
}

impl Plugin for NodePorts {
    fn passes_with_fewer_pods(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    fn pre_filter(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
    ) -> (PreFilterResult, Status) {
        if pod.spec.host_ports().is_empty() {
            return (None, Status::skip());
        }
        state.node_ports = Some(State {
            ports: pod.spec.host_ports().to_vec(),
        });
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.node_ports else {
            return Status::success();
        };
        if s.ports
            .iter()
            .any(|p| node.used_ports.iter().any(|u| conflicts(p, u)))
        {
            Status::unschedulable(ERR_REASON)
        } else {
            Status::success()
        }
    }

    fn add_pod(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _added: &PodInfo,
        _node: &NodeInfo,
    ) {
        // Ports live in the node info itself, which the what-if already updated.
    }
}
