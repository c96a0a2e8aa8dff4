//! Object identity and metadata shared by every kind.

use std::fmt;
use std::sync::Arc;

use thin_vec::ThinVec;

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

/// `metadata.uid`. A canonical UUID (`8-4-4-4-12` lowercase hex, what the engine generates
/// and what real clusters write) is held as its 16 bytes; any other text as a shared string.
/// Every constructor goes through [`Uid::from`], so one text has one representation and the
/// derived equality is equality of the texts; ordering is the texts' ordering too.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Uid(UidRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum UidRepr {
    /// The 128 bits as two halves, high first: a `u128` would align the `Uid` — and every
    /// record, key and timer holding one — to 16 bytes, making it 32 bytes instead of 24.
    Uuid([u64; 2]),
    Text(Arc<str>),
}

fn halves(bits: u128) -> [u64; 2] {
    [(bits >> 64) as u64, bits as u64]
}

impl Default for Uid {
    fn default() -> Uid {
        Uid(UidRepr::Text(super::str_map::shared("")))
    }
}

impl Uid {
    /// The UUID with these 128 bits.
    pub fn from_bits(bits: u128) -> Uid {
        Uid(UidRepr::Uuid(halves(bits)))
    }

    pub fn is_empty(&self) -> bool {
        matches!(&self.0, UidRepr::Text(t) if t.is_empty())
    }

    /// The text, formatted into `buf` when held as bytes.
    fn text<'a>(&'a self, buf: &'a mut [u8; 36]) -> &'a str {
        match &self.0 {
            UidRepr::Text(t) => t,
            UidRepr::Uuid([hi, lo]) => {
                let bits = u128::from(*hi) << 64 | u128::from(*lo);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let mut nibble = 0;
                for (i, b) in buf.iter_mut().enumerate() {
                    if matches!(i, 8 | 13 | 18 | 23) {
                        *b = b'-';
                    } else {
                        *b = HEX[((bits >> (124 - 4 * nibble)) & 0xf) as usize];
                        nibble += 1;
                    }
                }
                std::str::from_utf8(buf).expect("ASCII")
            }
        }
    }
}

/// The 128 bits of a canonical UUID text, if `s` is one.
fn parse_uuid(s: &str) -> Option<u128> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    let mut bits: u128 = 0;
    for (i, &c) in b.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            _ => return None,
        };
        bits = bits << 4 | v as u128;
    }
    Some(bits)
}

impl From<&str> for Uid {
    fn from(s: &str) -> Uid {
        match parse_uuid(s) {
            Some(bits) => Uid::from_bits(bits),
            None => Uid(UidRepr::Text(super::str_map::shared(s))),
        }
    }
}

impl From<String> for Uid {
    fn from(s: String) -> Uid {
        Uid::from(s.as_str())
    }
}

impl PartialEq<str> for Uid {
    fn eq(&self, other: &str) -> bool {
        self.text(&mut [0; 36]) == other
    }
}

impl PartialEq<&str> for Uid {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

impl PartialOrd for Uid {
    fn partial_cmp(&self, other: &Uid) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Uid {
    fn cmp(&self, other: &Uid) -> std::cmp::Ordering {
        match (&self.0, &other.0) {
            // Fixed-width lowercase hex orders as its value (high half first).
            (UidRepr::Uuid(a), UidRepr::Uuid(b)) => a.cmp(b),
            _ => self.text(&mut [0; 36]).cmp(other.text(&mut [0; 36])),
        }
    }
}

impl fmt::Display for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text(&mut [0; 36]))
    }
}

impl fmt::Debug for Uid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.text(&mut [0; 36]), f)
    }
}

/// The metadata the engine reads or maintains.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub name: Arc<str>,
    /// Empty for cluster-scoped kinds.
    pub namespace: Arc<str>,
    pub uid: Uid,
    pub labels: super::StrMap,
    pub annotations: super::StrMap,
    /// Well-known finalizers are one shared allocation ([`super::str_map::shared`]).
    pub finalizers: ThinVec<Arc<str>>,
    pub creation: SimTime,
    /// Set when deletion was requested and finalizers (or a grace period) keep the object.
    pub deletion: Option<SimTime>,
    /// Order of arrival in the cluster; breaks ties between equal timestamps.
    pub arrival: u64,
    /// `metadata.ownerReferences`: the garbage collector deletes a dependent once its
    /// owners are gone.
    pub owners: ThinVec<OwnerRef>,
}

/// One `metadata.ownerReferences` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: Arc<str>,
    pub uid: Uid,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uid_reads_as_its_text_whatever_it_is_held_as() {
        let texts = [
            "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            "00000000-0000-4000-8000-000000000000",
            "not-a-uuid",
            "0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0",
            "",
            "system-priority-class-x",
        ];
        for t in texts {
            let u = Uid::from(t);
            assert_eq!(u.to_string(), t);
            assert!(u == *t);
            assert_eq!(u.is_empty(), t.is_empty());
        }
        assert!(matches!(Uid::from(texts[0]).0, UidRepr::Uuid(_)));
        assert!(matches!(Uid::from(texts[3]).0, UidRepr::Text(_)));
        // Ordered as the texts are, across both representations.
        for a in texts {
            for b in texts {
                let (ua, ub) = (Uid::from(a), Uid::from(b));
                assert_eq!(ua.cmp(&ub), a.cmp(b), "{a} vs {b}");
                assert_eq!(ua == ub, a == b);
            }
        }
    }
}
