//! Object identity and metadata shared by every kind.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::time::SimTime;

/// The kinds Bindery simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Node,
    StorageClass,
    PriorityClass,
    PersistentVolume,
    PersistentVolumeClaim,
    Pod,
    CSINode,
    CSIDriver,
    CSIStorageCapacity,
    PodDisruptionBudget,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Node,
        Kind::StorageClass,
        Kind::PriorityClass,
        Kind::CSIDriver,
        Kind::CSINode,
        Kind::CSIStorageCapacity,
        Kind::PersistentVolume,
        Kind::PersistentVolumeClaim,
        Kind::PodDisruptionBudget,
        Kind::Pod,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Node => "Node",
            Kind::StorageClass => "StorageClass",
            Kind::PriorityClass => "PriorityClass",
            Kind::PersistentVolume => "PersistentVolume",
            Kind::PersistentVolumeClaim => "PersistentVolumeClaim",
            Kind::Pod => "Pod",
            Kind::CSINode => "CSINode",
            Kind::CSIDriver => "CSIDriver",
            Kind::CSIStorageCapacity => "CSIStorageCapacity",
            Kind::PodDisruptionBudget => "PodDisruptionBudget",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Kind::Node | Kind::PersistentVolume | Kind::PersistentVolumeClaim | Kind::Pod => "v1",
            Kind::StorageClass | Kind::CSINode | Kind::CSIDriver | Kind::CSIStorageCapacity => {
                "storage.k8s.io/v1"
            }
            Kind::PriorityClass => "scheduling.k8s.io/v1",
            Kind::PodDisruptionBudget => "policy/v1",
        }
    }

    pub fn namespaced(self) -> bool {
        matches!(
            self,
            Kind::Pod
                | Kind::PersistentVolumeClaim
                | Kind::CSIStorageCapacity
                | Kind::PodDisruptionBudget
        )
    }

    /// The resource name as the API server spells it in messages
    /// (`persistentvolumeclaim "x" not found`).
    pub fn resource_singular(self) -> &'static str {
        match self {
            Kind::Node => "node",
            Kind::StorageClass => "storageclass.storage.k8s.io",
            Kind::PriorityClass => "priorityclass.scheduling.k8s.io",
            Kind::PersistentVolume => "persistentvolume",
            Kind::PersistentVolumeClaim => "persistentvolumeclaim",
            Kind::Pod => "pod",
            Kind::CSINode => "csinode.storage.k8s.io",
            Kind::CSIDriver => "csidriver.storage.k8s.io",
            Kind::CSIStorageCapacity => "csistoragecapacity.storage.k8s.io",
            Kind::PodDisruptionBudget => "poddisruptionbudget.policy",
        }
    }

    pub fn parse(kind: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == kind)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `namespace/name` for namespaced objects, `name` for cluster-scoped ones (empty namespace).
/// The strings are shared (`Arc<str>`): keys are copied into many indexes and queues.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
}

impl ObjectKey {
    pub fn new(namespace: impl Into<Arc<str>>, name: impl Into<Arc<str>>) -> ObjectKey {
        ObjectKey {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    pub fn cluster(name: impl Into<Arc<str>>) -> ObjectKey {
        ObjectKey::new("", name)
    }

    /// Parses `ns/name`, or a bare `name` (namespace `default` when `namespaced`).
    pub fn parse(s: &str, namespaced: bool) -> ObjectKey {
        match s.split_once('/') {
            Some((ns, name)) => ObjectKey::new(ns, name),
            None if namespaced => ObjectKey::new(super::well_known::DEFAULT_NAMESPACE, s),
            None => ObjectKey::cluster(s),
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// The metadata the engine reads or maintains.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub name: Arc<str>,
    /// Empty for cluster-scoped kinds.
    pub namespace: Arc<str>,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
    pub creation: SimTime,
    /// Set when deletion was requested and finalizers (or a grace period) keep the object.
    pub deletion: Option<SimTime>,
    /// Order of arrival in the cluster; breaks ties between equal timestamps.
    pub arrival: u64,
}

impl Meta {
    pub fn key(&self) -> ObjectKey {
        ObjectKey::new(self.namespace.clone(), self.name.clone())
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }

    pub fn has_finalizer(&self, f: &str) -> bool {
        self.finalizers.iter().any(|x| x == f)
    }

    pub fn add_finalizer(&mut self, f: &str) {
        if !self.has_finalizer(f) {
            self.finalizers.push(f.to_string());
        }
    }

    pub fn remove_finalizer(&mut self, f: &str) {
        self.finalizers.retain(|x| x != f);
    }

    pub fn is_terminating(&self) -> bool {
        self.deletion.is_some()
    }
}
