//! The ground state: compact, simulation-friendly mirrors of the Kubernetes objects Bindery
//! understands.
//!
//! These types hold exactly what the scheduler and controllers read and write. They are
//! built from real manifests by [`crate::scenario`] (the only module that knows the YAML
//! shapes) and turned back into manifests on export. Model types are deliberately not
//! `Serialize`: the wire format is Kubernetes' own, owned by `scenario`.

pub mod csi;
pub mod meta;
pub mod node;
pub mod pod;
pub mod policy;
pub mod resources;
pub mod selector;
pub mod storage;
pub mod str_map;
pub mod workload;

pub use csi::{CsiDriver, CsiNode, CsiNodeDriver, CsiStorageCapacity};
pub use meta::{KeyView, Kind, Meta, ObjectKey, OwnerRef, Uid};
pub use node::{Node, Taint, TaintEffect};
pub use pod::{
    condition, ConditionWord, HostPort, Pod, PodAffinity, PodAffinityTerm, PodCondition, PodPhase,
    PodSpec, PodStatus, PodVolume, PodVolumeSource, PreemptionPolicy, RareSpec, Toleration,
    TolerationOperator, TopologySpreadConstraint, UnsatisfiableAction,
};
pub use policy::{IntOrPercent, PodDisruptionBudget, PriorityClass};
pub use resources::Resources;
pub use selector::{LabelSelector, NodeSelector, NodeSelectorTerm, TopologySelectorTerm};
pub use storage::{
    AccessMode, AccessModes, ClaimRef, InTreeDisk, PersistentVolume, PersistentVolumeClaim,
    PvPhase, PvSource, PvcPhase, ReclaimPolicy, StorageClass, VolumeBindingMode, VolumeMode,
};
pub use str_map::StrMap;
pub use workload::{
    ClaimRetention, Deployment, DeploymentStrategy, PodManagementPolicy, ReplicaSet,
    SetUpdateStrategy, StatefulSet, WorkloadStatus,
};

/// Well-known label, annotation and finalizer names.
pub mod well_known {
    pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
    pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";
    pub const LABEL_REGION: &str = "topology.kubernetes.io/region";
    pub const LABEL_ZONE_BETA: &str = "failure-domain.beta.kubernetes.io/zone";
    pub const LABEL_REGION_BETA: &str = "failure-domain.beta.kubernetes.io/region";

    pub const ANN_DEFAULT_STORAGE_CLASS: &str = "storageclass.kubernetes.io/is-default-class";
    pub const ANN_DEFAULT_STORAGE_CLASS_BETA: &str =
        "storageclass.beta.kubernetes.io/is-default-class";
    /// `v1.BetaStorageClassAnnotation`: the class before `storageClassName` existed. Where
    /// present it wins over the field (`GetPersistentVolumeClaimClass`,
    /// `GetPersistentVolumeClass`), and a claim carrying it has a class
    /// (`PersistentVolumeClaimHasClass`) even when the value is empty.
    pub const ANN_STORAGE_CLASS_BETA: &str = "volume.beta.kubernetes.io/storage-class";
    pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
    pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
    pub const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
    pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
    pub const ANN_STORAGE_PROVISIONER_BETA: &str = "volume.beta.kubernetes.io/storage-provisioner";
    pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
    /// `v1.MigratedPluginsAnnotationKey`, on CSINodes: the in-tree plugins migrated to CSI.
    pub const ANN_MIGRATED_PLUGINS: &str = "storage.alpha.kubernetes.io/migrated-plugins";
    pub const ANN_LOCAL_PATH_SELECTED_NODE: &str = "local.path.provisioner/selected-node";

    pub const FINALIZER_PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
    pub const FINALIZER_PV_PROTECTION: &str = "kubernetes.io/pv-protection";
    pub const FINALIZER_EXTERNAL_PROVISIONER: &str =
        "external-provisioner.volume.kubernetes.io/finalizer";

    pub const PROVISIONER_NONE: &str = "kubernetes.io/no-provisioner";
    pub const PROVISIONER_LOCAL_PATH: &str = "rancher.io/local-path";

    pub const LABEL_POD_TEMPLATE_HASH: &str = "pod-template-hash";
    pub const LABEL_STATEFULSET_POD_NAME: &str = "statefulset.kubernetes.io/pod-name";
    pub const LABEL_POD_INDEX: &str = "apps.kubernetes.io/pod-index";
    pub const LABEL_CONTROLLER_REVISION_HASH: &str = "controller-revision-hash";
    pub const ANN_DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
    pub const ANN_MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
    pub const ANN_REVISION: &str = "deployment.kubernetes.io/revision";

    pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";
    pub const DEFAULT_NAMESPACE: &str = "default";
}

#[cfg(all(test, target_pointer_width = "64"))]
mod record_sizes {
    use super::*;

    /// The big clusters hold 150k of each of these, every version a new `Arc`. With the
    /// `Arc`'s 16-byte header each fits an allocator size class (mimalloc's 384, 320 and 256
    /// in 64-bit builds) that growing it by a word would leave for the next one up, 64 bytes
    /// more per object: keep rarely set fields boxed or shared (see `RareSpec`, `Uid`).
    #[test]
    fn records_fit_their_size_classes() {
        assert!(std::mem::size_of::<Pod>() + 16 <= 384);
        assert!(std::mem::size_of::<PersistentVolume>() + 16 <= 320);
        assert!(std::mem::size_of::<PersistentVolumeClaim>() + 16 <= 256);
        assert_eq!(std::mem::size_of::<Uid>(), 24);
    }
}
