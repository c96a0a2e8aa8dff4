//! NodeVolumeLimits: per CSI driver, the volumes attached to a node (counted once however
//! many pods share them) plus the pod's new ones must not exceed the CSINode's
//! `allocatable.count`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::names;
use crate::csi_migration;
use crate::model::{Pod, PodVolumeSource};
use crate::pv_helpers::volume_is_for_pod;
use crate::scheduler::cache::{csi_volumes_of, CsiVolume, NodeInfo};
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::NODE_VOLUME_LIMITS;

/// `ErrReasonMaxVolumeCountExceeded` (csi.go).
pub const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED: &str = "node(s) exceed max volume count";

#[derive(Clone, Debug, Default)]
pub struct State {
    /// The pod's attachable volumes every node counts: distinct handles by driver.
    new_volumes: BTreeMap<Arc<str>, BTreeSet<Arc<str>>>,
    /// Translated in-tree volumes, which count only where CSI migration is on
    /// (`needs`, [`csi_migration::counts_on`]).
    migrated: Vec<CsiVolume>,
    /// How many volumes there are in all (an upper bound for any node).
    total: i64,
    /// What `filterAttachableVolumes` for the new pod fails with, in volume order: a claim
    /// that does not exist (UnschedulableAndUnresolvable); a generic ephemeral volume's
    /// claim the pod does not control (`VolumeIsForPod`, an Error); an inline in-tree
    /// volume the CSI translator refuses, an Error only where migration is on for it. Each
    /// with the migration conditions under which it applies (0: everywhere); a node gets
    /// the first that applies to it. Upstream finds them in Filter, so PreFilter passes.
    rejections: Vec<(u8, Status)>,
}

pub struct NodeVolumeLimits;

impl NodeVolumeLimits {
    /// Would the pod's distinct `handles` of `driver` (`len` of them) take the node over
    /// its `limit`? Volumes already attached there count once.
    fn over_limit<'h>(
        node: &NodeInfo,
        driver: &str,
        len: usize,
        handles: impl Iterator<Item = &'h Arc<str>>,
        limit: i64,
    ) -> bool {
        let attached = node.csi_attached_count(driver);
        if attached + len as i64 <= limit {
            return false; // fits even if none of them is attached yet
        }
        let new = handles.filter(|h| !node.csi_is_attached(driver, h)).count() as i64;
        new > 0 && attached + new > limit
    }
}

impl Plugin for NodeVolumeLimits {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        // `IsInlineMigratable`: an inline volume some CSI driver took over.
        let inline_migratable = || {
            pod.in_tree_disks()
                .any(|(_, d)| csi_migration::plugin_of(d).is_some())
        };
        if !pod.has_claims() && !inline_migratable() {
            return (None, Status::skip());
        }
        let mut rejections = Vec::new();
        for v in &pod.spec.volumes {
            match &v.source {
                PodVolumeSource::PersistentVolumeClaim {
                    claim_name: claim, ..
                }
                | PodVolumeSource::Ephemeral {
                    claim_name: claim, ..
                } => {
                    let ephemeral = matches!(v.source, PodVolumeSource::Ephemeral { .. });
                    match cx.cluster.pvc_by(&pod.meta.namespace, claim) {
                        None => rejections.push((
                            0,
                            Status::unresolvable(format!(
                                "looking up PVC {}/{claim}: persistentvolumeclaim {claim:?} not found",
                                pod.meta.namespace
                            )),
                        )),
                        Some(pvc) if ephemeral => {
                            if let Err(e) = volume_is_for_pod(pod, pvc) {
                                rejections.push((0, Status::error(e)));
                            }
                        }
                        Some(_) => {}
                    }
                }
                PodVolumeSource::InTree(disk) => {
                    if let Some(Err(e)) = csi_migration::translate_inline(disk) {
                        let plugin = csi_migration::plugin_of(disk).unwrap_or_default();
                        let needs = csi_migration::migration_needs(plugin).unwrap_or_default();
                        rejections.push((
                            needs,
                            Status::error(format!(
                                "converting volume({}) from inline to csi: {e}",
                                v.name
                            )),
                        ));
                    }
                }
                PodVolumeSource::Other(_) => {}
            }
            if rejections.last().is_some_and(|(needs, _)| *needs == 0) {
                break; // every node gets this one
            }
        }
        let mut new_volumes: BTreeMap<Arc<str>, BTreeSet<Arc<str>>> = BTreeMap::new();
        let mut migrated = Vec::new();
        let mut total = 0;
        if rejections.iter().all(|(needs, _)| *needs != 0) {
            for (d, h, needs) in csi_volumes_of(cx.cluster, pod) {
                total += 1;
                if needs == 0 {
                    new_volumes.entry(d).or_default().insert(h);
                } else {
                    migrated.push((d, h, needs));
                }
            }
        }
        state.volume_limits = Some(State {
            new_volumes,
            migrated,
            total,
            rejections,
        });
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.volume_limits else {
            return Status::success();
        };
        let mask = node.hot.csi_migration;
        if let Some((_, r)) = s
            .rejections
            .iter()
            .find(|(needs, _)| csi_migration::counts_on(*needs, mask))
        {
            return r.clone();
        }
        if s.total == 0 {
            return Status::success();
        }
        // Fast path on the node's inline fields (no limits means `min_csi_limit` is
        // `i64::MAX`): even if every new volume were unattached, no driver would be over.
        // The limit and attachment maps live behind pointers; touching them for every
        // node of a 5000-node cluster costs a cache miss each.
        if node.hot.max_csi_attached.saturating_add(s.total) <= node.hot.min_csi_limit {
            return Status::success();
        }
        let over = |driver: &str, len: usize, handles: &mut dyn Iterator<Item = &Arc<str>>| {
            node.csi_limits
                .get(driver)
                .is_some_and(|limit| Self::over_limit(node, driver, len, handles, *limit))
        };
        if s.migrated.is_empty() {
            for (driver, handles) in &s.new_volumes {
                if over(driver, handles.len(), &mut handles.iter()) {
                    return Status::unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
                }
            }
            return Status::success();
        }
        // Translated in-tree volumes count only where migration is on; pods with them are
        // rare, so they are gathered per driver in short lists.
        let migrated_here: Vec<&CsiVolume> = s
            .migrated
            .iter()
            .filter(|(_, _, needs)| csi_migration::counts_on(*needs, mask))
            .collect();
        let mut drivers: Vec<&Arc<str>> = s.new_volumes.keys().collect();
        for (d, _, _) in &migrated_here {
            if !drivers.contains(&d) {
                drivers.push(d);
            }
        }
        for driver in drivers {
            let mut handles: Vec<&Arc<str>> =
                s.new_volumes.get(driver).into_iter().flatten().collect();
            for (_, h, _) in migrated_here.iter().filter(|(d, _, _)| d == driver) {
                if !handles.contains(&h) {
                    handles.push(h);
                }
            }
            if over(driver, handles.len(), &mut handles.iter().copied()) {
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
