//! StorageClasses, PersistentVolumes and PersistentVolumeClaims.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{well_known, LabelSelector, Meta, NodeSelector, TopologySelectorTerm};

use crate::quantity::Bytes;
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadOnlyMany,
    ReadWriteMany,
    ReadWriteOncePod,
}

impl AccessMode {
    pub const ALL: [AccessMode; 4] = [
        AccessMode::ReadWriteOnce,
        AccessMode::ReadOnlyMany,
        AccessMode::ReadWriteMany,
        AccessMode::ReadWriteOncePod,
    ];

    pub fn parse(s: &str) -> Option<AccessMode> {
        AccessMode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "ReadWriteOnce",
            AccessMode::ReadOnlyMany => "ReadOnlyMany",
            AccessMode::ReadWriteMany => "ReadWriteMany",
            AccessMode::ReadWriteOncePod => "ReadWriteOncePod",
        }
    }

    /// The abbreviation `kubectl get pv` prints.
    pub fn short(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "RWO",
            AccessMode::ReadOnlyMany => "ROX",
            AccessMode::ReadWriteMany => "RWX",
            AccessMode::ReadWriteOncePod => "RWOP",
        }
    }
}

/// A volume's or claim's access modes, in their manifest's order and without repeats (the
/// import drops them), so at most the four there are: five bytes inline instead of a list
/// of their own for every volume and claim. Reads as a slice.
#[derive(Clone, Copy)]
pub struct AccessModes {
    len: u8,
    modes: [AccessMode; 4],
}

impl AccessModes {
    pub fn new() -> AccessModes {
        AccessModes {
            len: 0,
            modes: [AccessMode::ReadWriteOnce; 4],
        }
    }

    /// Appends `mode` unless it is already there.
    pub fn push(&mut self, mode: AccessMode) {
        if !self.contains(&mode) {
            self.modes[usize::from(self.len)] = mode;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for AccessModes {
    type Target = [AccessMode];

    fn deref(&self) -> &[AccessMode] {
        &self.modes[..usize::from(self.len)]
    }
}

impl Default for AccessModes {
    fn default() -> AccessModes {
        AccessModes::new()
    }
}

impl PartialEq for AccessModes {
    fn eq(&self, other: &AccessModes) -> bool {
        **self == **other
    }
}

impl Eq for AccessModes {}

impl std::fmt::Debug for AccessModes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl FromIterator<AccessMode> for AccessModes {
    fn from_iter<I: IntoIterator<Item = AccessMode>>(modes: I) -> AccessModes {
        let mut out = AccessModes::new();
        for m in modes {
            out.push(m);
        }
        out
    }
}

/// `CheckAccessModes`: the volume offers every mode the claim requests.
pub fn access_modes_contain_all(volume: &[AccessMode], requested: &[AccessMode]) -> bool {
    requested.iter().all(|m| volume.contains(m))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VolumeMode {
    #[default]
    Filesystem,
    Block,
}

impl VolumeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeMode::Filesystem => "Filesystem",
            VolumeMode::Block => "Block",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VolumeBindingMode {
    Immediate,
    WaitForFirstConsumer,
}

impl VolumeBindingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VolumeBindingMode::Immediate => "Immediate",
            VolumeBindingMode::WaitForFirstConsumer => "WaitForFirstConsumer",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReclaimPolicy {
    Retain,
    #[default]
    Delete,
    Recycle,
}

impl ReclaimPolicy {
    pub fn parse(s: &str) -> Option<ReclaimPolicy> {
        Some(match s {
            "Retain" => ReclaimPolicy::Retain,
            "Delete" => ReclaimPolicy::Delete,
            "Recycle" => ReclaimPolicy::Recycle,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReclaimPolicy::Retain => "Retain",
            ReclaimPolicy::Delete => "Delete",
            ReclaimPolicy::Recycle => "Recycle",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StorageClass {
    pub meta: Meta,
    pub provisioner: String,
    /// Defaulted to Immediate by the API server.
    pub binding_mode: VolumeBindingMode,
    pub allowed_topologies: Vec<TopologySelectorTerm>,
    pub reclaim_policy: ReclaimPolicy,
    pub allow_volume_expansion: bool,
    pub parameters: BTreeMap<String, String>,
}

impl StorageClass {
    pub fn is_default(&self) -> bool {
        self.meta.annotation(well_known::ANN_DEFAULT_STORAGE_CLASS) == Some("true")
            || self
                .meta
                .annotation(well_known::ANN_DEFAULT_STORAGE_CLASS_BETA)
                == Some("true")
    }

    /// Can anything ever provision volumes of this class?
    pub fn is_provisionable(&self) -> bool {
        !self.provisioner.is_empty() && self.provisioner != well_known::PROVISIONER_NONE
    }
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClaimRef {
    /// Shared with the claim's metadata when the binder wrote the reference.
    pub namespace: Arc<str>,
    pub name: Arc<str>,
    /// Empty when an administrator pre-bound the volume by name only.
    pub uid: super::Uid,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PvSource {
    Local {
        path: String,
    },
    HostPath {
        path: String,
    },
    /// Shared strings: the scheduler cache counts attachments by them for every pod on
    /// every node, and volumes of one driver share its name.
    Csi {
        driver: Arc<str>,
        volume_handle: Arc<str>,
    },
    /// An in-tree source CSI migration hands to a CSI driver (`awsElasticBlockStore`,
    /// `gcePersistentDisk`, …): NodeVolumeLimits counts it under that driver.
    InTree(Box<InTreeDisk>),
    /// Another in-tree or unknown source, by its field name (`nfs`, `iscsi`, …).
    Other(String),
}

/// An in-tree disk the scheduler reads, inline in a pod (`spec.volumes[i]`) or as a PV's
/// source: VolumeRestrictions refuses a node where another pod mounts the same GCE PD,
/// AWS EBS volume, iSCSI target or RBD image (`isVolumeConflict`), and NodeVolumeLimits
/// counts the migratable ones under the CSI driver they are translated to
/// ([`crate::csi_migration`]).
#[derive(Clone, Debug, PartialEq)]
pub enum InTreeDisk {
    GcePd {
        pd_name: String,
        read_only: bool,
    },
    AwsEbs {
        volume_id: String,
    },
    Iscsi {
        iqn: String,
        read_only: bool,
    },
    /// `pool` as the API server defaults it (`rbd`).
    Rbd {
        monitors: Vec<String>,
        pool: String,
        image: String,
        read_only: bool,
    },
    AzureDisk {
        disk_uri: String,
    },
    AzureFile,
    Cinder {
        volume_id: String,
    },
    Portworx {
        volume_id: String,
    },
    VsphereVolume,
}

impl InTreeDisk {
    /// The volume source's field name.
    pub fn field_name(&self) -> &'static str {
        match self {
            InTreeDisk::GcePd { .. } => "gcePersistentDisk",
            InTreeDisk::AwsEbs { .. } => "awsElasticBlockStore",
            InTreeDisk::Iscsi { .. } => "iscsi",
            InTreeDisk::Rbd { .. } => "rbd",
            InTreeDisk::AzureDisk { .. } => "azureDisk",
            InTreeDisk::AzureFile => "azureFile",
            InTreeDisk::Cinder { .. } => "cinder",
            InTreeDisk::Portworx { .. } => "portworxVolume",
            InTreeDisk::VsphereVolume => "vsphereVolume",
        }
    }
}

impl PvSource {
    pub fn type_name(&self) -> &str {
        match self {
            PvSource::Local { .. } => "local",
            PvSource::HostPath { .. } => "hostPath",
            PvSource::Csi { .. } => "csi",
            PvSource::InTree(d) => d.field_name(),
            PvSource::Other(k) => k,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PvPhase {
    Pending,
    #[default]
    Available,
    Bound,
    Released,
    Failed,
}

impl PvPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PvPhase::Pending => "Pending",
            PvPhase::Available => "Available",
            PvPhase::Bound => "Bound",
            PvPhase::Released => "Released",
            PvPhase::Failed => "Failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PersistentVolume {
    pub meta: Meta,
    pub capacity: Bytes,
    pub access_modes: AccessModes,
    pub volume_mode: VolumeMode,
    /// `""` means no class. Shared with the StorageClass's name when the class exists.
    pub storage_class_name: Arc<str>,
    /// Shared: volumes of one zone or one host carry the same selector
    /// ([`crate::cluster::Cluster::share_pv_strings`]).
    pub node_affinity: Option<std::sync::Arc<NodeSelector>>,
    pub claim_ref: Option<ClaimRef>,
    pub reclaim_policy: ReclaimPolicy,
    pub source: PvSource,
    /// Rarely set: boxed, 16 bytes instead of 24.
    pub volume_attributes_class_name: Option<Box<str>>,
    pub phase: PvPhase,
    pub status_message: String,
}

impl PersistentVolume {
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    pub fn is_bound_to(&self, namespace: &str, name: &str) -> bool {
        self.claim_ref
            .as_ref()
            .is_some_and(|c| &*c.namespace == namespace && &*c.name == name)
    }

    /// The CSI driver and volume handle, for attach-limit counting.
    pub fn csi(&self) -> Option<(&str, &str)> {
        match &self.source {
            PvSource::Csi {
                driver,
                volume_handle,
            } => Some((driver, volume_handle)),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PvcPhase {
    #[default]
    Pending,
    Bound,
    Lost,
}

impl PvcPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PvcPhase::Pending => "Pending",
            PvcPhase::Bound => "Bound",
            PvcPhase::Lost => "Lost",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PersistentVolumeClaim {
    pub meta: Meta,
    pub access_modes: AccessModes,
    /// `resources.requests.storage` in bytes; absent only in malformed-but-accepted input.
    pub request: Option<Bytes>,
    /// `None`: not set (the default class applies); `Some("")`: explicitly no class.
    /// Shared with the StorageClass's name when the class exists.
    pub storage_class_name: Option<Arc<str>>,
    /// Shared with the volume's name when a binder wrote it.
    pub volume_name: Option<Arc<str>>,
    pub volume_mode: VolumeMode,
    /// Rarely set: boxed, so a claim record is 8 bytes, not 48.
    pub selector: Option<Box<LabelSelector>>,
    /// Rarely set: boxed, 16 bytes instead of 24.
    pub volume_attributes_class_name: Option<Box<str>>,
    pub phase: PvcPhase,
    /// `status.capacity.storage` once bound.
    pub capacity: Option<Bytes>,
    pub status_access_modes: AccessModes,
}

impl PersistentVolumeClaim {
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// The class name as the binder uses it (`storagehelpers.GetPersistentVolumeClaimClass`):
    /// the field, or `""` when unset.
    pub fn class_name(&self) -> &str {
        self.storage_class_name.as_deref().unwrap_or("")
    }

    /// `isPVCFullyBound`: has a volume name and the bind-completed annotation.
    pub fn is_fully_bound(&self) -> bool {
        self.volume_name.as_deref().is_some_and(|v| !v.is_empty())
            && self
                .meta
                .annotations
                .contains_key(well_known::ANN_BIND_COMPLETED)
    }

    pub fn selected_node(&self) -> Option<&str> {
        self.meta.annotation(well_known::ANN_SELECTED_NODE)
    }

    pub fn has_rwop(&self) -> bool {
        self.access_modes.contains(&AccessMode::ReadWriteOncePod)
    }
}
