//! VolumeRestrictions: a ReadWriteOncePod claim may be used by one pod in the whole
//! cluster, and an inline GCE PD, AWS EBS volume, iSCSI target or RBD image by one pod per
//! node (read-only mounts of a GCE PD, iSCSI target or RBD image may share).
//!
//! PreFilter counts how many of the pod's RWOP claims are already used by a scheduled (or
//! assumed) pod anywhere. The count is cluster-wide, so while it is above zero every node
//! fails, as Unschedulable: removing the holder (preemption) can fix it, and AddPod /
//! RemovePod keep the count right during preemption's what-ifs.

use std::collections::BTreeSet;

use super::names;
use super::volume_binding::pvc_not_found;
use crate::model::{InTreeDisk, ObjectKey, Pod, PodVolumeSource};
use crate::scheduler::cache::{claim_bit, NodeInfo, PodInfo};
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::VOLUME_RESTRICTIONS;

/// `ErrReasonDiskConflict` (volume_restrictions.go).
pub const ERR_REASON_DISK_CONFLICT: &str = "node(s) had no available disk";

#[derive(Clone, Debug, Default)]
pub struct State {
    /// Names of the pod's claims that have the ReadWriteOncePod access mode.
    rwop_claims: BTreeSet<String>,
    /// Their [`claim_bit`]s.
    rwop_claim_bits: u64,
    /// How many of them are in use by pods in the scheduler's cache.
    pub conflicting_pvc_ref_count: i64,
    /// The pod mounts an inline disk that another pod on the node may conflict with
    /// (`needsRestrictionsCheck`).
    needs_disk_check: bool,
}

/// `needsRestrictionsCheck`: the disks `isVolumeConflict` compares.
fn needs_restrictions_check(disk: &InTreeDisk) -> bool {
    matches!(
        disk,
        InTreeDisk::GcePd { .. }
            | InTreeDisk::AwsEbs { .. }
            | InTreeDisk::Iscsi { .. }
            | InTreeDisk::Rbd { .. }
    )
}

/// `isVolumeConflict`: does `existing`, a pod on the node, mount the same disk as `disk`
/// in a way the two cannot share?
fn is_volume_conflict(disk: &InTreeDisk, existing: &Pod) -> bool {
    existing
        .in_tree_disks()
        .any(|(_, other)| match (disk, other) {
            (
                InTreeDisk::GcePd { pd_name, read_only },
                InTreeDisk::GcePd {
                    pd_name: other_name,
                    read_only: other_read_only,
                },
            ) => pd_name == other_name && !(*read_only && *other_read_only),
            (InTreeDisk::AwsEbs { volume_id }, InTreeDisk::AwsEbs { volume_id: other }) => {
                volume_id == other
            }
            (
                InTreeDisk::Iscsi { iqn, read_only },
                InTreeDisk::Iscsi {
                    iqn: other_iqn,
                    read_only: other_read_only,
                },
            ) => iqn == other_iqn && !(*read_only && *other_read_only),
            (
                InTreeDisk::Rbd {
                    monitors,
                    pool,
                    image,
                    read_only,
                },
                InTreeDisk::Rbd {
                    monitors: other_monitors,
                    pool: other_pool,
                    image: other_image,
                    read_only: other_read_only,
                },
            ) => {
                monitors.iter().any(|m| other_monitors.contains(m))
                    && pool == other_pool
                    && image == other_image
                    && !(*read_only && *other_read_only)
            }
            _ => false,
        })
}

/// `satisfyVolumeConflicts`: none of the pods in `others` conflicts with `pod`'s disks.
pub fn satisfies_volume_conflicts<'a>(
    pod: &Pod,
    mut others: impl Iterator<Item = &'a Pod>,
) -> bool {
    let disks: Vec<&InTreeDisk> = pod
        .in_tree_disks()
        .map(|(_, d)| d)
        .filter(|d| needs_restrictions_check(d))
        .collect();
    disks.is_empty()
        || others.all(|other| {
            other.spec.volumes.is_empty() || !disks.iter().any(|d| is_volume_conflict(d, other))
        })
}

pub struct VolumeRestrictions;

impl VolumeRestrictions {
    /// How many of `other`'s volumes name one of the pod's RWOP claims: what AddPod /
    /// RemovePod add to or take from the count.
    ///
    /// Upstream's `conflictingPVCRefCountForPod` compares claim names only, not namespaces:
    /// a pod of another namespace whose claim has the same name counts too, so
    /// preemption's dry run may take it for the holder (and evict it). Bindery does the
    /// same.
    fn uses(s: &State, _pod: &Pod, other: &Pod) -> i64 {
        if other.spec.volumes.is_empty() {
            return 0;
        }
        let mut n = 0;
        for v in &other.spec.volumes {
            if let PodVolumeSource::PersistentVolumeClaim { claim_name, .. } = &v.source {
                if s.rwop_claims.contains(claim_name) {
                    n += 1;
                }
            }
        }
        n
    }

    fn adjust(state: &mut CycleState, pod: &Pod, other: &Pod, delta: i64) {
        let Some(s) = state.volume_restrictions.as_mut() else {
            return;
        };
        if s.rwop_claims.is_empty() {
            return;
        }
        s.conflicting_pvc_ref_count += delta * Self::uses(s, pod, other);
    }
}

impl Plugin for VolumeRestrictions {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_FILTER_EXTENSIONS
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        let mut s = State {
            needs_disk_check: pod
                .in_tree_disks()
                .any(|(_, d)| needs_restrictions_check(d)),
            ..State::default()
        };
        for v in &pod.spec.volumes {
            let PodVolumeSource::PersistentVolumeClaim { claim_name, .. } = &v.source else {
                continue;
            };
            let Some(pvc) = cx.cluster.pvc_by(&pod.meta.namespace, claim_name) else {
                return (None, Status::unresolvable(pvc_not_found(claim_name)));
            };
            if pvc.has_rwop() {
                s.rwop_claims.insert(claim_name.clone());
                s.rwop_claim_bits |= claim_bit(claim_name);
                if cx.cache.is_pvc_used(&ObjectKey::new(
                    pod.meta.namespace.clone(),
                    claim_name.clone(),
                )) {
                    s.conflicting_pvc_ref_count += 1;
                }
            }
        }
        if !s.needs_disk_check && s.conflicting_pvc_ref_count == 0 {
            state.volume_restrictions = Some(s);
            return (None, Status::skip());
        }
        state.volume_restrictions = Some(s);
        (None, Status::success())
    }

    fn filter(&self, cx: &Ctx, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if state
            .volume_restrictions
            .as_ref()
            .is_some_and(|s| s.needs_disk_check)
            && !satisfies_volume_conflicts(pod, node.pods.iter().map(|p| &*p.pod))
        {
            return Status::unschedulable(ERR_REASON_DISK_CONFLICT);
        }
        match &state.volume_restrictions {
            Some(s) if s.conflicting_pvc_ref_count > 0 => {
                Status::unschedulable(cx.version.rwop_conflict)
            }
            _ => Status::success(),
        }
    }

    /// The count is cluster-wide: the node stays rejected unless the removed pods hold
    /// every conflicting use. A disk conflict is the node's own: left to the what-if.
    fn still_rejects_without(
        &self,
        state: &CycleState,
        pod: &Pod,
        removed: &[&PodInfo],
    ) -> Option<bool> {
        let s = state.volume_restrictions.as_ref()?;
        if s.needs_disk_check {
            return None;
        }
        // Most removed pods share no claim bit with the RWOP claims: they use none of
        // them, and their pods need not be read.
        let left = s.conflicting_pvc_ref_count
            - removed
                .iter()
                .filter(|p| p.claim_bits & s.rwop_claim_bits != 0)
                .map(|p| Self::uses(s, pod, &p.pod))
                .sum::<i64>();
        Some(left > 0)
    }

    fn add_pod(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        added: &PodInfo,
        _node: &NodeInfo,
    ) {
        Self::adjust(state, pod, &added.pod, 1);
    }

    fn remove_pod(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        removed: &PodInfo,
        _node: &NodeInfo,
    ) {
        Self::adjust(state, pod, &removed.pod, -1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;
    use crate::version::V1_36;

    #[test]
    fn rwop_is_enforced_cluster_wide() {
        let mut sim = world(&[
            node("n1", &[], ""),
            node("n2", &[], ""),
            pv("vol-1", "", "ReadWriteOncePod", "1Gi", "", ""),
            pvc("solo", "", "ReadWriteOncePod", "1Gi"),
            pv("vol-2", "", "ReadWriteOnce", "1Gi", "", ""),
            pvc("shared", "", "ReadWriteOnce", "1Gi"),
            pod("holder", &["solo", "shared"], "  nodeName: n1\n"),
        ]);
        add_pending(
            &mut sim,
            &pod("second", &["solo"], "  schedulingGates: [{name: hold}]\n"),
        );
        add_pending(
            &mut sim,
            &pod(
                "rwo-user",
                &["shared"],
                "  schedulingGates: [{name: hold}]\n",
            ),
        );
        add_pending(
            &mut sim,
            &pod(
                "dangling",
                &["missing"],
                "  schedulingGates: [{name: hold}]\n",
            ),
        );
        let conflict = unschedulable(V1_36.rwop_conflict);
        let cases = [
            ("second", "n1", conflict.clone()),
            ("second", "n2", conflict),
            ("rwo-user", "n1", Status::skip()),
            (
                "dangling",
                "n1",
                unresolvable("persistentvolumeclaim \"missing\" not found"),
            ),
        ];
        for (p, n, want) in cases {
            assert_eq!(verdict(&sim, &VolumeRestrictions, p, n), want, "{p} on {n}");
        }
    }
}
