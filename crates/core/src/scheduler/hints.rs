//! Queueing hints: given the object an event changed, may it help a pod that a plugin
//! rejected? (`QueueingHintFn`s of the plugins' `EventsToRegister`.)
//!
//! The queue first keeps the plugins that registered the event ([`super::queue::interested`]);
//! these functions then judge the change itself, as upstream's hints do, for the objects
//! the simulation passes along: nodes (added, updated, deleted), claims (added, updated),
//! assigned pods, volumes, StorageClasses and the CSI objects. A plugin without a hint here
//! is taken as interested (its hint returns `Queue`, or Bindery does not model what it
//! looks at).
//!
//! Upstream retries every unschedulable pod after five minutes at the latest
//! (`podMaxInUnschedulablePodsDuration`). Bindery runs that flush only while simulated time
//! moves on for something else (its simulation stops when nothing else is left, where
//! upstream's scheduler keeps retrying), so where an upstream hint (or a missing
//! registration) skips a change that can make the pod schedulable, Bindery retries at once
//! instead of leaving the pod pending for good. Each such place says so.

use super::cache::NodeInfo;
use super::plugins::{
    inter_pod_affinity, names, node_affinity, node_ports, node_resources, pod_topology_spread,
    volume_restrictions, volume_zone,
};
use crate::model::{
    well_known, CsiDriver, CsiNode, CsiStorageCapacity, Node, ObjectKey, PersistentVolume, Pod,
    PodVolumeSource, StorageClass, TaintEffect, VolumeBindingMode,
};
use crate::quantity::Bytes;

/// The storage plugins' queueing hints for a claim's creation or update
/// (`isSchedulableAfterPersistentVolumeClaimChange` of VolumeBinding and VolumeZone,
/// `isSchedulableAfterPersistentVolumeClaimAdded` of VolumeRestrictions,
/// `isSchedulableAfterPVCAdded` of NodeVolumeLimits): only a claim of the pending pod's
/// namespace that one of its volumes names can help it. VolumeBinding and
/// NodeVolumeLimits count a generic ephemeral volume's claim; VolumeRestrictions and
/// VolumeZone look at `persistentVolumeClaim` volumes only. Other plugins have no hint
/// for claims.
pub fn claim_change_may_help(plugin: &str, pod: &Pod, claim: &ObjectKey) -> bool {
    let counts_ephemeral = match plugin {
        names::VOLUME_BINDING | names::NODE_VOLUME_LIMITS => true,
        names::VOLUME_RESTRICTIONS | names::VOLUME_ZONE => false,
        _ => return true,
    };
    *pod.meta.namespace == *claim.namespace
        && if counts_ephemeral {
            pod.claim_names().any(|c| *c == *claim.name)
        } else {
            pvc_names(pod).any(|c| *c == *claim.name)
        }
}

/// The hints for an assigned (or assumed) pod's creation (`old` is `None`), label update,
/// or deletion (`new` is `None`). Every such pod has a node, so the hints' "the other pod
/// is unscheduled" checks do not apply.
/// - InterPodAffinity and PodTopologySpread: see their `pod_change_may_help`.
/// - VolumeRestrictions (deletion, `isSchedulableAfterPodDeleted`): the deleted pod, of the
///   same namespace, mounted an inline disk conflicting with one of the pending pod's, or
///   used one of its `persistentVolumeClaim` claims (by name, without reading the access
///   modes).
/// - NodeVolumeLimits (deletion): the deleted pod had a claim (`persistentVolumeClaim` or
///   ephemeral) or an inline volume CSI migration can take over, which may free an
///   attachment slot.
/// - NodePorts (deletion, `isSchedulableAfterPodDeleted`): the deleted pod held a host port
///   that conflicts with one the pending pod wants.
/// - NodeResourcesFit: any deletion of a pod with a node may free room.
pub fn assigned_pod_change_may_help(
    plugin: &str,
    pending: &Pod,
    old: Option<&Pod>,
    new: Option<&Pod>,
) -> bool {
    match plugin {
        names::INTER_POD_AFFINITY => inter_pod_affinity::pod_change_may_help(pending, old, new),
        names::POD_TOPOLOGY_SPREAD => pod_topology_spread::pod_change_may_help(pending, old, new),
        names::VOLUME_RESTRICTIONS => old.is_none_or(|deleted| {
            *pending.meta.namespace == *deleted.meta.namespace
                && (!volume_restrictions::satisfies_volume_conflicts(
                    pending,
                    std::iter::once(deleted),
                ) || pvc_names(deleted).any(|c| pvc_names(pending).any(|w| w == c)))
        }),
        names::NODE_VOLUME_LIMITS => old.is_none_or(|deleted| {
            deleted.has_claims()
                || deleted
                    .in_tree_disks()
                    .any(|(_, d)| crate::csi_migration::plugin_of(d).is_some())
        }),
        names::NODE_PORTS => {
            old.is_none_or(|deleted| node_ports::deletion_frees_a_wanted_port(pending, deleted))
        }
        _ => true,
    }
}

/// The claims a pod's `persistentVolumeClaim` volumes name (not its ephemeral ones).
fn pvc_names(pod: &Pod) -> impl Iterator<Item = &str> {
    pod.spec.volumes.iter().filter_map(|v| match &v.source {
        PodVolumeSource::PersistentVolumeClaim { claim_name, .. } => Some(claim_name.as_str()),
        _ => None,
    })
}

/// The node plugins' hints for a node's creation (`old` is `None`), update, or deletion
/// (`new` is `None`; only PodTopologySpread registers it). `new` comes as an empty
/// `NodeInfo` (no pods), which is what NodeResourcesFit's `isFit` checks against.
pub fn node_change_may_help(
    plugin: &str,
    pod: &Pod,
    old: Option<&Node>,
    new: Option<&NodeInfo>,
) -> bool {
    if plugin == names::POD_TOPOLOGY_SPREAD {
        return pod_topology_spread::node_change_may_help(pod, old, new.map(|n| &*n.node));
    }
    let Some(empty) = new else {
        return true;
    };
    let new = &*empty.node;
    match plugin {
        // NodeAffinity `isSchedulableAfterNodeChange`: the node matches the pod's required
        // selector and affinity now, and did not before (or is new).
        names::NODE_AFFINITY => {
            node_affinity::pod_matches_node_selector_and_affinity(pod, new)
                && old
                    .is_none_or(|o| !node_affinity::pod_matches_node_selector_and_affinity(pod, o))
        }
        // TaintToleration: the pod had an untolerated NoSchedule/NoExecute taint on the node
        // (a new node counts as having had one) and has none now.
        names::TAINT_TOLERATION => {
            old.is_none_or(|o| has_untolerated_hard_taint(pod, o))
                && !has_untolerated_hard_taint(pod, new)
        }
        // NodeUnschedulable: a schedulable node was added, or the node was uncordoned.
        names::NODE_UNSCHEDULABLE => !new.unschedulable && old.is_none_or(|o| o.unschedulable),
        // NodeResourcesFit: the pod fits the node's allocatable when it is empty (`isFit`),
        // and, for an update, an allocatable the pod requests (or the pod count) grew
        // (`haveAnyRequestedResourcesIncreased`).
        names::NODE_RESOURCES_FIT => {
            node_resources::insufficient_resources(&pod.spec.requests, empty)
                .0
                .is_empty()
                && old.is_none_or(|o| requested_allocatable_grew(pod, o, new))
        }
        names::INTER_POD_AFFINITY => inter_pod_affinity::node_change_may_help(pod, old, new),
        _ => true,
    }
}

fn has_untolerated_hard_taint(pod: &Pod, node: &Node) -> bool {
    node.taints.iter().any(|t| {
        matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute) && !pod.tolerates(t)
    })
}

/// `haveAnyRequestedResourcesIncreased`.
fn requested_allocatable_grew(pod: &Pod, old: &Node, new: &Node) -> bool {
    let (req, was, now) = (&pod.spec.requests, &old.allocatable, &new.allocatable);
    if now.pods > was.pods {
        return true;
    }
    (req.milli_cpu > 0 && now.milli_cpu > was.milli_cpu)
        || (req.memory > 0 && now.memory > was.memory)
        || (req.ephemeral_storage > 0 && now.ephemeral_storage > was.ephemeral_storage)
        || req.scalar.iter().any(|(name, q)| {
            *q != 0
                && now.scalar.get(name).copied().unwrap_or(0)
                    > was.scalar.get(name).copied().unwrap_or(0)
        })
}

/// A volume's creation (`old` is `None`) or update.
/// - VolumeZone (`isSchedulableAfterPersistentVolumeChange`): any new volume; an update
///   only when its zone or region labels (as VolumeZone reads them) changed.
/// - VolumeBinding registers volume events without a hint; NodeVolumeLimits' retry on a
///   new volume is Bindery's (see `queue::interested`).
pub fn volume_change_may_help(
    plugin: &str,
    old: Option<&PersistentVolume>,
    new: &PersistentVolume,
) -> bool {
    match plugin {
        names::VOLUME_ZONE => {
            old.is_none_or(|o| !volume_zone::pv_topologies(o).eq(volume_zone::pv_topologies(new)))
        }
        _ => true,
    }
}

/// A StorageClass's creation (`old` is `None`) or update.
/// - VolumeBinding (`isSchedulableAfterStorageClassChange`): any new class; an update only
///   when `allowedTopologies` changed (the binding mode is immutable).
/// - VolumeZone (`isSchedulableAfterStorageClassAdded`, creation only): a new
///   WaitForFirstConsumer class, as VolumeZone skips unbound claims only of such classes.
pub fn storage_class_change_may_help(
    plugin: &str,
    old: Option<&StorageClass>,
    new: &StorageClass,
) -> bool {
    match plugin {
        names::VOLUME_BINDING => old.is_none_or(|o| o.allowed_topologies != new.allowed_topologies),
        names::VOLUME_ZONE => new.binding_mode == VolumeBindingMode::WaitForFirstConsumer,
        _ => true,
    }
}

/// A CSINode's creation (`old` is `None`), update, or deletion (`new` is `None`).
/// - VolumeBinding (`isSchedulableAfterCSINodeChange`, Add|Update): any new CSINode; an
///   update only when its migrated-plugins annotation changed. A deletion is not
///   registered and cannot help it.
/// - NodeVolumeLimits registers only creation, without a hint; an update or deletion
///   changes the attach limits it reads, so Bindery retries (the five-minute flush).
pub fn csi_node_change_may_help(
    plugin: &str,
    old: Option<&CsiNode>,
    new: Option<&CsiNode>,
) -> bool {
    match plugin {
        names::VOLUME_BINDING => match (old, new) {
            (None, Some(_)) => true,
            (Some(o), Some(n)) => {
                o.meta.annotation(well_known::ANN_MIGRATED_PLUGINS)
                    != n.meta.annotation(well_known::ANN_MIGRATED_PLUGINS)
            }
            _ => false,
        },
        _ => true,
    }
}

/// A CSIDriver's creation (`old` is `None`), update, or deletion (`new` is `None`), for
/// VolumeBinding, which registers updates only (`isSchedulableAfterCSIDriverChange`): the
/// driver's `storageCapacity` was turned off, so capacity no longer limits where its
/// volumes can be provisioned. Upstream's hint asks only for pods with an inline CSI volume
/// of the driver; a claim provisioned by it gains the same, which upstream leaves to the
/// five-minute flush, so Bindery retries any pod. A deleted driver that checked capacity
/// does the same. A new driver can only add a check.
pub fn csi_driver_change_may_help(
    plugin: &str,
    old: Option<&CsiDriver>,
    new: Option<&CsiDriver>,
) -> bool {
    match plugin {
        names::VOLUME_BINDING => {
            old.is_some_and(|o| o.storage_capacity) && new.is_none_or(|n| !n.storage_capacity)
        }
        _ => true,
    }
}

/// A CSIStorageCapacity's creation (`old` is `None`), update, or deletion (`new` is `None`),
/// for VolumeBinding (`isSchedulableAfterCSIStorageCapacityChange`, Add|Update): any new
/// capacity; an update only when its volume limit (`maximumVolumeSize`, else `capacity`)
/// appeared or grew. Less capacity cannot help.
pub fn csi_capacity_change_may_help(
    plugin: &str,
    old: Option<&CsiStorageCapacity>,
    new: Option<&CsiStorageCapacity>,
) -> bool {
    match plugin {
        names::VOLUME_BINDING => match (old, new) {
            (None, Some(_)) => true,
            (Some(o), Some(n)) => {
                volume_limit(n).is_some_and(|grown| volume_limit(o).is_none_or(|was| grown > was))
            }
            _ => false,
        },
        _ => true,
    }
}

/// `volumeLimit` (binder.go): the largest volume the capacity allows.
fn volume_limit(c: &CsiStorageCapacity) -> Option<Bytes> {
    c.maximum_volume_size.or(c.capacity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn capacity(capacity: Option<i128>, maximum: Option<i128>) -> CsiStorageCapacity {
        CsiStorageCapacity {
            capacity: capacity.map(Bytes::new),
            maximum_volume_size: maximum.map(Bytes::new),
            ..Default::default()
        }
    }

    /// csi_test.go `TestCSILimitsQHint` (the deleted pods are assigned ones here).
    #[test]
    fn volume_limits_hint_wants_a_deleted_pod_with_an_attachable_volume() {
        use crate::model::{InTreeDisk, PodVolume};
        let with = |source: Option<PodVolumeSource>| {
            let mut p = Pod::default();
            p.spec.node_name = Some("fake-node".into());
            p.spec.volumes.extend(source.map(|source| PodVolume {
                name: "v".into(),
                source,
            }));
            p
        };
        let pending = with(Some(PodVolumeSource::PersistentVolumeClaim {
            claim_name: "csi-ebs.csi.aws.com-2".into(),
            read_only: false,
        }));
        let nvl = names::NODE_VOLUME_LIMITS;
        let deleted_with_pvc = with(Some(PodVolumeSource::PersistentVolumeClaim {
            claim_name: "placeholder".into(),
            read_only: false,
        }));
        let deleted_with_inline_ebs = with(Some(PodVolumeSource::InTree(Box::new(
            InTreeDisk::AwsEbs {
                volume_id: String::new(),
            },
        ))));
        let deleted_with_iscsi = with(Some(PodVolumeSource::InTree(Box::new(InTreeDisk::Iscsi {
            iqn: "iqn".into(),
            read_only: false,
        }))));
        let deleted_without_volumes = with(None);
        let hint = |deleted: &Pod| assigned_pod_change_may_help(nvl, &pending, Some(deleted), None);
        assert!(hint(&deleted_with_pvc));
        assert!(hint(&deleted_with_inline_ebs));
        assert!(!hint(&deleted_with_iscsi), "not migratable");
        assert!(!hint(&deleted_without_volumes));
    }

    /// volume_binding_test.go `TestIsSchedulableAfterCSIStorageCapacityChange`.
    #[test]
    fn capacity_hint_wants_a_new_or_larger_volume_limit() {
        let vb = names::VOLUME_BINDING;
        let ten = capacity(Some(10), None);
        assert!(csi_capacity_change_may_help(vb, None, Some(&ten)));
        assert!(csi_capacity_change_may_help(
            vb,
            Some(&ten),
            Some(&capacity(Some(20), None))
        ));
        assert!(!csi_capacity_change_may_help(
            vb,
            Some(&ten),
            Some(&capacity(Some(5), None))
        ));
        assert!(!csi_capacity_change_may_help(vb, Some(&ten), Some(&ten)));
        // maximumVolumeSize, where set, is the limit rather than the capacity.
        assert!(!csi_capacity_change_may_help(
            vb,
            Some(&capacity(Some(10), Some(5))),
            Some(&capacity(Some(20), Some(5)))
        ));
        assert!(csi_capacity_change_may_help(
            vb,
            Some(&capacity(None, None)),
            Some(&capacity(Some(1), None))
        ));
        assert!(!csi_capacity_change_may_help(
            vb,
            Some(&capacity(Some(1), None)),
            Some(&capacity(None, None))
        ));
        assert!(!csi_capacity_change_may_help(vb, Some(&ten), None));
    }

    #[test]
    fn driver_hint_wants_storage_capacity_turned_off() {
        let vb = names::VOLUME_BINDING;
        let driver = |storage_capacity| CsiDriver {
            storage_capacity,
            ..Default::default()
        };
        let (on, off) = (driver(true), driver(false));
        assert!(csi_driver_change_may_help(vb, Some(&on), Some(&off)));
        assert!(!csi_driver_change_may_help(vb, Some(&off), Some(&on)));
        assert!(!csi_driver_change_may_help(vb, Some(&on), Some(&on)));
        assert!(!csi_driver_change_may_help(vb, None, Some(&off)));
        assert!(csi_driver_change_may_help(vb, Some(&on), None));
        assert!(!csi_driver_change_may_help(vb, Some(&off), None));
    }

    /// volume_binding_test.go `TestIsSchedulableAfterCSINodeChange`.
    #[test]
    fn csi_node_hint_wants_a_new_node_or_a_migrated_plugins_change() {
        let vb = names::VOLUME_BINDING;
        let annotated = |value: Option<&str>| {
            let mut n = CsiNode::default();
            if let Some(v) = value {
                n.meta
                    .annotations
                    .insert(well_known::ANN_MIGRATED_PLUGINS, v);
            }
            n
        };
        let (none, gce) = (annotated(None), annotated(Some("kubernetes.io/gce-pd")));
        assert!(csi_node_change_may_help(vb, None, Some(&none)));
        assert!(csi_node_change_may_help(vb, Some(&none), Some(&gce)));
        assert!(!csi_node_change_may_help(vb, Some(&gce), Some(&gce)));
        assert!(!csi_node_change_may_help(vb, Some(&gce), None));
        // NodeVolumeLimits reads the limits: every change may help it.
        assert!(csi_node_change_may_help(
            names::NODE_VOLUME_LIMITS,
            Some(&gce),
            Some(&gce)
        ));
    }
}
