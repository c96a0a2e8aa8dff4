//! Matching rules shared by the scheduler's VolumeBinding plugin and the PV controller
//! (`k8s.io/component-helpers/storage/volume/pv_helpers.go`).

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::model::{
    storage::access_modes_contain_all, AccessMode, Node, PersistentVolume, PersistentVolumeClaim,
    Pod, PvPhase,
};

/// `IsVolumeBoundToClaim`: the PV's claimRef names this claim (and its UID, when set).
pub fn is_volume_bound_to_claim(pv: &PersistentVolume, claim: &PersistentVolumeClaim) -> bool {
    match &pv.claim_ref {
        Some(r) => {
            *r.name == *claim.meta.name
                && *r.namespace == *claim.meta.namespace
                && (r.uid.is_empty() || r.uid == claim.meta.uid)
        }
        None => false,
    }
}

/// `CheckNodeAffinity`: a PV without node affinity is reachable from every node.
/// Upstream passes only the node's labels (`CheckNodeAffinity(pv, node.Labels)` matches the
/// terms against a `Node` built from them), so a `matchFields: metadata.name` requirement
/// sees an empty name: `In [node]` never matches, `NotIn` always does.
pub fn check_node_affinity(pv: &PersistentVolume, node: &Node) -> bool {
    match &pv.node_affinity {
        Some(sel) => sel.matches(&node.meta.labels, ""),
        None => true,
    }
}

/// The node-independent part of `FindMatchingVolume`'s per-volume checks.
pub enum Candidate {
    /// Not usable for this claim.
    No,
    /// Pre-bound to this claim: wins outright (if reachable from the node).
    PreBound,
    /// Available and compatible; still subject to node affinity.
    Yes,
}

/// Checks everything `FindMatchingVolume` checks except node affinity and exclusion.
/// `check_access_modes` is the scheduler path (`node != nil`); the PV controller relies
/// on its access-mode index instead.
pub fn classify_volume(
    pv: &PersistentVolume,
    claim: &PersistentVolumeClaim,
    delay_binding_controller_path: bool,
    check_access_modes: bool,
) -> Candidate {
    if pv.claim_ref.is_some() && !is_volume_bound_to_claim(pv, claim) {
        return Candidate::No;
    }
    if pv.capacity < claim.request.unwrap_or_default() {
        return Candidate::No;
    }
    if pv.volume_mode != claim.volume_mode {
        return Candidate::No;
    }
    let claim_vac = claim.volume_attributes_class_name.as_deref().unwrap_or("");
    let pv_vac = pv.volume_attributes_class_name.as_deref().unwrap_or("");
    if claim_vac != pv_vac {
        return Candidate::No;
    }
    if pv.meta.deletion.is_some() {
        return Candidate::No;
    }
    if is_volume_bound_to_claim(pv, claim) {
        return Candidate::PreBound;
    }
    if delay_binding_controller_path {
        return Candidate::No;
    }
    if pv.phase != PvPhase::Available {
        return Candidate::No;
    }
    if let Some(sel) = &claim.selector {
        if !sel.matches(&pv.meta.labels) {
            return Candidate::No;
        }
    }
    if *pv.storage_class_name != *claim.class_name() {
        return Candidate::No;
    }
    if check_access_modes && !access_modes_contain_all(&pv.access_modes, &claim.access_modes) {
        return Candidate::No;
    }
    Candidate::Yes
}

/// `FindMatchingVolume`: the pre-bound volume if there is one, otherwise the smallest
/// volume that satisfies every rule (the first of equal sizes, in the given order).
pub fn find_matching_volume<'a>(
    claim: &PersistentVolumeClaim,
    volumes: impl IntoIterator<Item = &'a Arc<PersistentVolume>>,
    node: Option<&Node>,
    excluded: &BTreeSet<String>,
    delay_binding: bool,
) -> Option<&'a Arc<PersistentVolume>> {
    let mut smallest: Option<&Arc<PersistentVolume>> = None;
    for pv in volumes {
        if excluded.contains(pv.name()) {
            continue;
        }
        let affinity_ok = node.is_none_or(|n| check_node_affinity(pv, n));
        match classify_volume(pv, claim, node.is_none() && delay_binding, node.is_some()) {
            Candidate::No => continue,
            Candidate::PreBound => return affinity_ok.then_some(pv),
            Candidate::Yes => {
                if !affinity_ok {
                    continue;
                }
                if smallest.is_none_or(|s| s.capacity > pv.capacity) {
                    smallest = Some(pv);
                }
            }
        }
    }
    smallest
}

/// The set of access modes as the PV controller's index keys it.
pub fn access_mode_set_key(modes: &[AccessMode]) -> Vec<AccessMode> {
    let mut m = modes.to_vec();
    crate::sort::sort(&mut m);
    m.dedup();
    m
}

/// `ephemeral.VolumeIsForPod`: a generic ephemeral volume's claim must be controlled by the
/// pod; a claim of that name made by anyone else is not its (the scheduler and the
/// ephemeral volume controller both refuse it, with this message).
pub fn volume_is_for_pod(pod: &Pod, pvc: &PersistentVolumeClaim) -> Result<(), String> {
    if pvc.meta.namespace != pod.meta.namespace
        || pvc.meta.controller().is_none_or(|o| o.uid != pod.meta.uid)
    {
        return Err(format!(
            "PVC {}/{} was not created for pod {}/{} (pod is not owner)",
            pvc.meta.namespace, pvc.meta.name, pod.meta.namespace, pod.meta.name
        ));
    }
    Ok(())
}
