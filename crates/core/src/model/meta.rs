//! Object identity and metadata shared by every kind.

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
    StatefulSet,
    Deployment,
    ReplicaSet,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
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
        Kind::ReplicaSet,
        Kind::Deployment,
        Kind::StatefulSet,
    ];

    /// The workload kinds whose controllers create pods.
    pub fn is_workload(self) -> bool {
        matches!(
            self,
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet
        )
    }

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
            Kind::StatefulSet => "StatefulSet",
            Kind::Deployment => "Deployment",
            Kind::ReplicaSet => "ReplicaSet",
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
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet => "apps/v1",
        }
    }

    pub fn namespaced(self) -> bool {
        matches!(
            self,
            Kind::Pod
                | Kind::PersistentVolumeClaim
                | Kind::CSIStorageCapacity
                | Kind::PodDisruptionBudget
                | Kind::StatefulSet
                | Kind::Deployment
                | Kind::ReplicaSet
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
            Kind::StatefulSet => "statefulset.apps",
            Kind::Deployment => "deployment.apps",
            Kind::ReplicaSet => "replicaset.apps",
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
/// Compared as `(namespace, name)`; two keys sharing a string compare it by address (the
/// namespaces are interned, and a key built from an object shares its name), so the
/// indexes' lookups mostly read one string, not two.
#[derive(Clone, Debug, Default)]
pub struct ObjectKey {
    pub namespace: Arc<str>,
    pub name: Arc<str>,
}

/// `a.cmp(b)`, by address first (the same allocation is the same string).
#[inline]
fn cmp_shared(a: &Arc<str>, b: &Arc<str>) -> std::cmp::Ordering {
    if Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        (**a).cmp(&**b)
    }
}

#[inline]
fn eq_shared(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || **a == **b
}

impl PartialEq for ObjectKey {
    #[inline]
    fn eq(&self, other: &ObjectKey) -> bool {
        eq_shared(&self.name, &other.name) && eq_shared(&self.namespace, &other.namespace)
    }
}

impl Eq for ObjectKey {}

/// By value, as equality is (the address only short-cuts equal strings).
impl std::hash::Hash for ObjectKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.namespace.hash(state);
        self.name.hash(state);
    }
}

impl PartialOrd for ObjectKey {
    #[inline]
    fn partial_cmp(&self, other: &ObjectKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ObjectKey {
    #[inline]
    fn cmp(&self, other: &ObjectKey) -> std::cmp::Ordering {
        cmp_shared(&self.namespace, &other.namespace)
            .then_with(|| cmp_shared(&self.name, &other.name))
    }
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

/// A key seen as its two strings, so a map keyed by [`ObjectKey`] can be searched with
/// borrowed ones (`map.get(&("ns", "name") as &dyn KeyView)`) without building a key.
/// Ordered as `ObjectKey` is: namespace, then name.
pub trait KeyView {
    fn key_namespace(&self) -> &str;
    fn key_name(&self) -> &str;
}

impl KeyView for ObjectKey {
    fn key_namespace(&self) -> &str {
        &self.namespace
    }
    fn key_name(&self) -> &str {
        &self.name
    }
}

impl KeyView for (&str, &str) {
    fn key_namespace(&self) -> &str {
        self.0
    }
    fn key_name(&self) -> &str {
        self.1
    }
}

impl<'a> std::borrow::Borrow<dyn KeyView + 'a> for ObjectKey {
    fn borrow(&self) -> &(dyn KeyView + 'a) {
        self
    }
}

impl PartialEq for dyn KeyView + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.key_name() == other.key_name() && self.key_namespace() == other.key_namespace()
    }
}

impl Eq for dyn KeyView + '_ {}

impl PartialOrd for dyn KeyView + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyView + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // Namespaces are interned: the same one is mostly the same allocation.
        let (a, b) = (self.key_namespace(), other.key_namespace());
        let namespace = if std::ptr::eq(a, b) {
            std::cmp::Ordering::Equal
        } else {
            a.cmp(b)
        };
        namespace.then_with(|| self.key_name().cmp(other.key_name()))
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
    pub labels: super::StrMap,
    pub annotations: super::StrMap,
    /// Well-known finalizers are one shared allocation ([`super::str_map::shared`]).
    pub finalizers: Vec<Arc<str>>,
    pub creation: SimTime,
    /// Set when deletion was requested and finalizers (or a grace period) keep the object.
    pub deletion: Option<SimTime>,
    /// Order of arrival in the cluster; breaks ties between equal timestamps.
    pub arrival: u64,
    /// `metadata.ownerReferences`: the garbage collector deletes a dependent once its
    /// owners are gone.
    pub owners: Vec<OwnerRef>,
}

/// One `metadata.ownerReferences` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: Arc<str>,
    pub uid: String,
    pub controller: bool,
    pub block_owner_deletion: bool,
}

impl OwnerRef {
    /// A controller reference to `meta` (`metav1.NewControllerRef`).
    pub fn controller_of(kind: Kind, meta: &Meta) -> OwnerRef {
        OwnerRef {
            api_version: kind.api_version().to_string(),
            kind: kind.as_str().to_string(),
            name: meta.name.clone(),
            uid: meta.uid.clone(),
            controller: true,
            block_owner_deletion: true,
        }
    }
}

impl Meta {
    pub fn key(&self) -> ObjectKey {
        ObjectKey::new(self.namespace.clone(), self.name.clone())
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key)
    }

    pub fn has_finalizer(&self, f: &str) -> bool {
        self.finalizers.iter().any(|x| **x == *f)
    }

    pub fn add_finalizer(&mut self, f: &str) {
        if !self.has_finalizer(f) {
            self.finalizers.push(super::str_map::shared(f));
        }
    }

    pub fn remove_finalizer(&mut self, f: &str) {
        self.finalizers.retain(|x| **x != *f);
    }

    pub fn is_terminating(&self) -> bool {
        self.deletion.is_some()
    }

    /// The owner reference marked `controller: true`, if any.
    pub fn controller(&self) -> Option<&OwnerRef> {
        self.owners.iter().find(|o| o.controller)
    }
}
