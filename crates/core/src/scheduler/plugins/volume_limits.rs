//! NodeVolumeLimits: per CSI driver, the volumes attached to a node (counted once however
//! many pods share them) plus the pod's new ones must not exceed the CSINode's
//! `allocatable.count`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::names;
use crate::model::Pod;
use crate::pv_helpers::volume_is_for_pod;
use crate::scheduler::cache::{csi_volumes_of, NodeInfo};
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::NODE_VOLUME_LIMITS;

/// `ErrReasonMaxVolumeCountExceeded` (csi.go).
pub const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED: &str = "node(s) exceed max volume count";

#[derive(Clone, Debug, Default)]
pub struct State {
    /// The pod's attachable volumes: distinct handles by driver.
    new_volumes: BTreeMap<Arc<str>, BTreeSet<Arc<str>>>,
    /// How many there are in all.
    total: i64,
    /// What `filterAttachableVolumes` for the new pod fails with, for its first claim in
    /// volume order that does not exist (UnschedulableAndUnresolvable) or, for a generic
    /// ephemeral volume, that the pod does not control (`VolumeIsForPod`, an Error).
    /// Upstream finds it in Filter, so PreFilter passes and every node gets it.
    rejection: Option<Status>,
}

pub struct NodeVolumeLimits;

impl Plugin for NodeVolumeLimits {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        if !pod.has_claims() {
            return (None, Status::skip());
        }
        // Generic ephemeral volumes' claims are looked up the same way (by their computed
        // name), in volume order.
        let rejection = pod.claim_refs().find_map(|(claim, ephemeral)| {
            match cx.cluster.pvc_by(&pod.meta.namespace, claim) {
                None => Some(Status::unresolvable(format!(
                    "looking up PVC {}/{claim}: persistentvolumeclaim {claim:?} not found",
                    pod.meta.namespace
                ))),
                Some(pvc) if ephemeral => volume_is_for_pod(pod, pvc).err().map(Status::error),
                Some(_) => None,
            }
        });
        if rejection.is_some() {
            state.volume_limits = Some(State {
                rejection,
                ..State::default()
            });
            return (None, Status::success());
        }
        let mut new_volumes: BTreeMap<Arc<str>, BTreeSet<Arc<str>>> = BTreeMap::new();
        for (d, h) in csi_volumes_of(cx.cluster, pod) {
            new_volumes.entry(d).or_default().insert(h);
        }
        let total = new_volumes.values().map(|h| h.len() as i64).sum();
        state.volume_limits = Some(State {
            new_volumes,
            total,
            rejection: None,
        });
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.volume_limits else {
            return Status::success();
        };
        if let Some(r) = &s.rejection {
            return r.clone();
        }
        if s.new_volumes.is_empty() {
            return Status::success();
        }
        // Fast path on the node's inline fields (no limits means `min_csi_limit` is
        // `i64::MAX`): even if every new volume were unattached, no driver would be over.
        // The limit and attachment maps live behind pointers; touching them for every
        // node of a 5000-node cluster costs a cache miss each.
        if node.hot.max_csi_attached.saturating_add(s.total) <= node.hot.min_csi_limit {
            return Status::success();
        }
        // Volumes already attached to the node count once, however many pods share them.
        for (driver, handles) in &s.new_volumes {
            let Some(limit) = node.csi_limits.get(&**driver) else {
                continue;
            };
            let attached = node.csi_attached_count(driver);
            if attached + handles.len() as i64 <= *limit {
                continue; // fits even if none of them is attached yet
            }
            let new = handles
                .iter()
                .filter(|h| !node.csi_is_attached(driver, h))
                .count() as i64;
            if new > 0 && attached + new > *limit {
                return Status::unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
            }
        }
        Status::success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn csinode(name: &str, count: i32) -> String {
        format!("apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: {name}}}\nspec:\n  drivers: [{{name: disk.csi.example.com, nodeID: {name}, allocatable: {{count: {count}}}}}]\n")
    }

    #[test]
    fn attach_limit_counts_distinct_volumes() {
        let mut sim = world(&[
            node("n1", &[], ""),
            csinode("n1", 2),
            pv("a", "", "ReadWriteMany", "1Gi", "", ""),
            pvc("a", "", "ReadWriteMany", "1Gi"),
            pv("b", "", "ReadWriteOnce", "1Gi", "", ""),
            pvc("b", "", "ReadWriteOnce", "1Gi"),
            pv("c", "", "ReadWriteOnce", "1Gi", "", ""),
            pvc("c", "", "ReadWriteOnce", "1Gi"),
            pod("uses-a", &["a"], "  nodeName: n1\n"),
            pod("uses-b", &["b"], "  nodeName: n1\n"),
        ]);
        add_pending(
            &mut sim,
            &pod("also-a", &["a"], "  schedulingGates: [{name: hold}]\n"),
        );
        add_pending(
            &mut sim,
            &pod("wants-c", &["c"], "  schedulingGates: [{name: hold}]\n"),
        );
        assert_eq!(
            verdict(&sim, &NodeVolumeLimits, "also-a", "n1"),
            Status::success(),
            "already attached"
        );
        assert_eq!(
            verdict(&sim, &NodeVolumeLimits, "wants-c", "n1"),
            unschedulable("node(s) exceed max volume count")
        );
    }

    #[test]
    fn an_ephemeral_claim_the_pod_does_not_control_is_an_error() {
        // csi_test.go "ephemeral volume not owned": `VolumeIsForPod` fails in Filter, as
        // an error (not a verdict about the node).
        let mut sim = world(&[
            node("n1", &[], ""),
            csinode("n1", 2),
            pvc("abc-xyz", "", "ReadWriteOnce", "1Gi"),
        ]);
        add_pending(
            &mut sim,
            "apiVersion: v1\nkind: Pod\nmetadata: {name: abc}\nspec:\n  schedulingGates: [{name: hold}]\n  containers: [{name: c, image: pause}]\n  volumes:\n  - name: xyz\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources: {requests: {storage: 1Gi}}\n",
        );
        assert_eq!(
            verdict(&sim, &NodeVolumeLimits, "abc", "n1"),
            Status::error(
                "PVC default/abc-xyz was not created for pod default/abc (pod is not owner)"
            )
        );
    }

    #[test]
    fn a_missing_claim_fails_in_filter_as_unresolvable() {
        // csi_test.go "ephemeral volume missing" / "don't skip Filter when the pod has
        // ephemeral volumes": PreFilter passes, Filter reports the lookup error.
        let mut sim = world(&[node("n1", &[], ""), csinode("n1", 2)]);
        add_pending(
            &mut sim,
            &pod("gone", &["nope"], "  schedulingGates: [{name: hold}]\n"),
        );
        // Before the ephemeral volume controller has created `abc-xyz`.
        add_unreacted(
            &mut sim,
            "apiVersion: v1\nkind: Pod\nmetadata: {name: abc}\nspec:\n  schedulingGates: [{name: hold}]\n  containers: [{name: c, image: pause}]\n  volumes:\n  - name: xyz\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources: {requests: {storage: 1Gi}}\n",
        );
        assert_eq!(
            verdict(&sim, &NodeVolumeLimits, "gone", "n1"),
            unresolvable(r#"looking up PVC default/nope: persistentvolumeclaim "nope" not found"#)
        );
        assert_eq!(
            verdict(&sim, &NodeVolumeLimits, "abc", "n1"),
            unresolvable(
                r#"looking up PVC default/abc-xyz: persistentvolumeclaim "abc-xyz" not found"#
            )
        );
    }
}
