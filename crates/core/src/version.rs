//! Everything that depends on the Kubernetes release Bindery imitates.
//!
//! User-visible strings that changed between releases, and the feature gates whose defaults
//! change scheduling, live here and nowhere else, so another release can be added as one
//! more [`KubeVersion`] value. Strings that have been stable for many releases stay next
//! to the plugin or controller that emits them, as upstream keeps them.

/// A Kubernetes release as far as Bindery's behaviour is concerned.
#[derive(Debug, PartialEq, Eq)]
pub struct KubeVersion {
    /// `v1.36`.
    pub name: &'static str,
    /// VolumeRestrictions `ErrReasonReadWriteOncePodConflict` (reworded in v1.33, #129145).
    pub rwop_conflict: &'static str,
    /// VolumeBinding `ErrReasonNodeConflict` (reworded in v1.33, #129887).
    pub volume_node_affinity_conflict: &'static str,
    /// TaintToleration's Filter reason; `None` means the pre-v1.35 form
    /// `node(s) had untolerated taint {key: value}` (changed by #134740).
    pub untolerated_taint: Option<&'static str>,
    /// The PV controller's `ExternalProvisioning` format (reworded around v1.28);
    /// `{}` is replaced by the provisioner name.
    pub external_provisioning: &'static str,
    /// The Preempted event names the preemptor by UID (newer releases) instead of ns/name.
    pub preempted_event_uses_uid: bool,
    /// DynamicResources is in the default profile (DRA GA, v1.34+): its PostFilter runs
    /// before DefaultPreemption and contributes `no new claims to deallocate` / `not found`.
    pub dynamic_resources_enabled: bool,
    /// The `StorageCapacityScoring` feature gate default (alpha, off, in v1.33–v1.36).
    pub storage_capacity_scoring: bool,
    /// `ValidateStatefulSetUpdate`'s detail; the list of mutable fields grew over releases.
    pub statefulset_spec_update_forbidden: &'static str,
    /// The deployment controller's `ScalingReplicaSet` message names the old size
    /// (`Scaled up replica set web-x from 1 to 3`; older releases said `… to 3`).
    pub scaling_replica_set_from: bool,
    /// `NominatedNodeNameForExpectation` (beta, on by default since v1.35): before PreBind
    /// does any work (VolumeBinding's `PreBindPreFlight` is Success when some claim still
    /// needs binding), the scheduler sets `status.nominatedNodeName` to the chosen node.
    pub nominated_node_name_for_expectation: bool,
}

/// Kubernetes v1.36, the release Bindery's fidelity is checked against.
pub const V1_36: KubeVersion = KubeVersion {
    name: "v1.36",
    rwop_conflict: "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod",
    volume_node_affinity_conflict: "node(s) didn't match PersistentVolume's node affinity",
    untolerated_taint: Some("node(s) had untolerated taint(s)"),
    external_provisioning: "Waiting for a volume to be created either by the external provisioner '{}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    preempted_event_uses_uid: true,
    dynamic_resources_enabled: true,
    storage_capacity_scoring: false,
    statefulset_spec_update_forbidden: "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    scaling_replica_set_from: true,
    nominated_node_name_for_expectation: true,
};

impl Default for &'static KubeVersion {
    fn default() -> Self {
        &V1_36
    }
}

/// The versions Bindery knows, newest first.
pub const SUPPORTED: &[&KubeVersion] = &[&V1_36];

pub fn by_name(name: &str) -> Option<&'static KubeVersion> {
    let wanted = name.trim_start_matches('v');
    SUPPORTED
        .iter()
        .copied()
        .find(|v| v.name.trim_start_matches('v') == wanted)
}
