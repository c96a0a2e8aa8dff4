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
        match pod.node_name() {
            Some(n) if n != node.name() => Status::unresolvable(ERR_REASON),
            _ => Status::success(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn filter() {
        let mut sim = world(&[node("n1", &[], "")]);
        add_pending(&mut sim, &pod("anywhere", &[], ""));
        let status = verdict(&sim, &NodeName, "anywhere", "n1");
        assert!(status.is_success() || status.code == crate::scheduler::framework::Code::Skip);
        // A pod naming another node is bound by the kubelet path; the filter itself:
        let mut p = (**sim.cluster().pod(&"anywhere".parse_key()).unwrap()).clone();
        p.spec.node_name = Some("n2".into());
        let cx = sim.ctx();
        let info = sim.scheduler_cache().node("n1").unwrap();
        assert_eq!(
            NodeName.filter(&cx, &Default::default(), &p, info),
            unresolvable("node(s) didn't match the requested node name")
        );
    }

    trait ParseKey {
        fn parse_key(&self) -> crate::model::ObjectKey;
    }

    impl ParseKey for str {
        fn parse_key(&self) -> crate::model::ObjectKey {
            crate::model::ObjectKey::parse(self, true)
        }
    }
}
