//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) only takes pods that tolerate
//! the `node.kubernetes.io/unschedulable:NoSchedule` taint.

use super::names;
use crate::model::{Pod, Taint, TaintEffect};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, Status};

pub const NAME: &str = names::NODE_UNSCHEDULABLE;

/// `ErrReasonUnschedulable` (node_unschedulable.go).
pub const ERR_REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";

pub const TAINT_NODE_UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// `node.kubernetes.io/unschedulable:NoSchedule`: a pod that tolerates it may land on a
/// cordoned node.
pub fn cordon_taint() -> Taint {
    Taint {
        key: TAINT_NODE_UNSCHEDULABLE.to_string(),
        value: String::new(),
        effect: TaintEffect::NoSchedule,
    }
}

pub struct NodeUnschedulable;

impl Plugin for NodeUnschedulable {
    fn passes_with_fewer_pods(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER
    }

    fn filter(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if !node.hot.unschedulable {
            return Status::success();
        }
        if pod.tolerates(&cordon_taint()) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_UNSCHEDULABLE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn filter() {
        let mut sim = world(&[
            node("open", &[], ""),
            node("cordoned", &[], "unschedulable: true"),
        ]);
        add_pending(
            &mut sim,
            &pod("plain", &[], "  nodeSelector: {nope: nope}\n"),
        );
        add_pending(
            &mut sim,
            &pod(
                "tolerant",
                &[],
                "  nodeSelector: {nope: nope}\n  tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]\n",
            ),
        );
        let cases = [
            ("plain", "open", Status::success()),
            (
                "plain",
                "cordoned",
                unresolvable("node(s) were unschedulable"),
            ),
            ("tolerant", "cordoned", Status::success()),
        ];
        for (p, n, want) in cases {
            assert_eq!(verdict(&sim, &NodeUnschedulable, p, n), want, "{p} on {n}");
        }
    }
}
