//! Queueing hints: given the object an event changed, may it help a pod that a plugin
//! rejected? (`QueueingHintFn`s of the plugins' `EventsToRegister`.)
//!
//! The queue first keeps the plugins that registered the event ([`super::queue::interested`]);
//! these functions then judge the change itself, as upstream's hints do, for the objects
//! the simulation passes along: nodes (added, updated, deleted), claims (added, updated)
//! and deleted assigned pods. A plugin without a hint here is taken as interested (its
//! hint returns `Queue`, or Bindery does not model what it looks at).

use super::cache::NodeInfo;
use super::plugins::{
    inter_pod_affinity, names, node_affinity, node_resources, pod_topology_spread,
};
use crate::model::{Node, ObjectKey, Pod, PodVolumeSource, TaintEffect};

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
///   same namespace, used one of the pending pod's `persistentVolumeClaim` claims (by name,
///   without reading the access modes; in-tree disk conflicts are not simulated).
/// - NodeVolumeLimits (deletion): the deleted pod had a claim (`persistentVolumeClaim` or
///   ephemeral), which may free an attachment slot.
/// - NodeResourcesFit and NodePorts: any deletion of a pod with a node may free room.
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
                && pvc_names(deleted).any(|c| pvc_names(pending).any(|w| w == c))
        }),
        names::NODE_VOLUME_LIMITS => old.is_none_or(Pod::has_claims),
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
