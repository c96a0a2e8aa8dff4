//! Scenarios: real Kubernetes manifests in, real manifests out.
//!
//! This is the only module that knows the wire shapes. [`parse`] reads multi-document YAML
//! (and `kind: List`) into typed `k8s-openapi` objects ([`Manifest`]), reporting unknown
//! fields as warnings and malformed input as [`ImportError`]s that name the document, the
//! field path and what was expected. [`convert`] validates a manifest the way the API server
//! would and turns it into the engine's model; [`export`] goes the other way.

pub mod builtin;
pub mod convert;
pub mod export;
pub mod field;
pub mod parse;
mod tracked;

use std::fmt;

use k8s_openapi::api::{
    apps::v1 as apps, core::v1 as core, policy::v1 as policy, scheduling::v1 as scheduling,
    storage::v1 as storage,
};

use crate::model::{Kind, ObjectKey};

pub use field::{FieldError, FieldErrorType};
pub use parse::{parse, DocRef, Document, Parsed, Prepared};

/// One Kubernetes object as written by the user.
///
/// Compared field by field only natively (tests): in wasm the derived comparison of every
/// k8s-openapi type was ~25 kB of code the playground does not need (it compares documents
/// by their allocation, or by their YAML).
#[derive(Clone, Debug)]
#[cfg_attr(not(target_arch = "wasm32"), derive(PartialEq))]
pub enum Manifest {
    Node(Box<core::Node>),
    StorageClass(Box<storage::StorageClass>),
    PriorityClass(Box<scheduling::PriorityClass>),
    PersistentVolume(Box<core::PersistentVolume>),
    PersistentVolumeClaim(Box<core::PersistentVolumeClaim>),
    Pod(Box<core::Pod>),
    CSINode(Box<storage::CSINode>),
    CSIDriver(Box<storage::CSIDriver>),
    CSIStorageCapacity(Box<storage::CSIStorageCapacity>),
    PodDisruptionBudget(Box<policy::PodDisruptionBudget>),
    StatefulSet(Box<apps::StatefulSet>),
    Deployment(Box<apps::Deployment>),
    ReplicaSet(Box<apps::ReplicaSet>),
}

impl Manifest {
    pub fn kind(&self) -> Kind {
        match self {
            Manifest::Node(_) => Kind::Node,
            Manifest::StorageClass(_) => Kind::StorageClass,
            Manifest::PriorityClass(_) => Kind::PriorityClass,
            Manifest::PersistentVolume(_) => Kind::PersistentVolume,
            Manifest::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
            Manifest::Pod(_) => Kind::Pod,
            Manifest::CSINode(_) => Kind::CSINode,
            Manifest::CSIDriver(_) => Kind::CSIDriver,
            Manifest::CSIStorageCapacity(_) => Kind::CSIStorageCapacity,
            Manifest::PodDisruptionBudget(_) => Kind::PodDisruptionBudget,
            Manifest::StatefulSet(_) => Kind::StatefulSet,
            Manifest::Deployment(_) => Kind::Deployment,
            Manifest::ReplicaSet(_) => Kind::ReplicaSet,
        }
    }

    pub fn metadata(&self) -> &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
        match self {
            Manifest::Node(o) => &o.metadata,
            Manifest::StorageClass(o) => &o.metadata,
            Manifest::PriorityClass(o) => &o.metadata,
            Manifest::PersistentVolume(o) => &o.metadata,
            Manifest::PersistentVolumeClaim(o) => &o.metadata,
            Manifest::Pod(o) => &o.metadata,
            Manifest::CSINode(o) => &o.metadata,
            Manifest::CSIDriver(o) => &o.metadata,
            Manifest::CSIStorageCapacity(o) => &o.metadata,
            Manifest::PodDisruptionBudget(o) => &o.metadata,
            Manifest::StatefulSet(o) => &o.metadata,
            Manifest::Deployment(o) => &o.metadata,
            Manifest::ReplicaSet(o) => &o.metadata,
        }
    }

    /// The object's key, with the namespace defaulted to `default` for namespaced kinds.
    pub fn key(&self) -> ObjectKey {
        let meta = self.metadata();
        let namespace = if self.kind().namespaced() {
            meta.namespace
                .clone()
                .filter(|ns| !ns.is_empty())
                .unwrap_or_else(|| crate::model::well_known::DEFAULT_NAMESPACE.to_string())
        } else {
            String::new()
        };
        ObjectKey::new(namespace, meta.name.clone().unwrap_or_default())
    }

    /// The manifest as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        // Serializing generated k8s-openapi types cannot fail: they hold only strings,
        // numbers, maps with string keys and sequences.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The manifest as compact JSON text (the form kept as an object's source).
    pub fn to_json_string(&self) -> String {
        #[cfg(not(target_arch = "wasm32"))]
        {
            // Native: straight from the typed object, without building a `Value` tree
            // (a third of the allocations of a 10k-object import).
            serde_json::to_string(self).unwrap_or_default()
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.to_json_string_via_value()
        }
    }

    /// [`Manifest::to_json_string`] through a `Value`, so the typed objects have one
    /// Serialize instantiation (the `Value` serializer's): it matters for the wasm size.
    /// Field order is kept (serde_json's preserve_order), so the text is the same.
    pub fn to_json_string_via_value(&self) -> String {
        self.to_json().to_string()
    }

    /// Renders the manifest as one YAML document (without the `---` separator).
    ///
    /// Emitted by serde-saphyr, which quotes strings that YAML 1.1 readers (kubectl's
    /// sigs.k8s.io/yaml, PyYAML) would otherwise read as booleans, numbers or timestamps:
    /// `"yes"` annotations and RFC 3339 times stay strings.
    pub fn to_yaml(&self) -> String {
        #[cfg(not(target_arch = "wasm32"))]
        {
            // Native: straight from the typed object (see `to_json_string`).
            serde_saphyr::to_string(self).unwrap_or_default()
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.to_yaml_via_value()
        }
    }

    /// [`Manifest::to_yaml`] through a `Value` (the wasm build's path; same text).
    pub fn to_yaml_via_value(&self) -> String {
        serde_saphyr::to_string(&self.to_json()).unwrap_or_default()
    }

    /// The text a cluster keeps of an applied manifest, for export: its JSON without
    /// `status` (an object's status is the cluster's, not the manifest's).
    pub fn kept_source(&self) -> String {
        self.without_status().to_json_string()
    }

    /// The manifest as the API server stores it on create: `status` is ignored for every
    /// kind except Node (whose status is what the kubelet reports). Borrows when there is
    /// nothing to strip, which is the common case.
    pub fn without_status(&self) -> std::borrow::Cow<'_, Manifest> {
        use std::borrow::Cow;
        let has_status = match self {
            Manifest::PersistentVolume(o) => o.status.is_some(),
            Manifest::PersistentVolumeClaim(o) => o.status.is_some(),
            Manifest::Pod(o) => o.status.is_some(),
            Manifest::PodDisruptionBudget(o) => o.status.is_some(),
            Manifest::StatefulSet(o) => o.status.is_some(),
            Manifest::Deployment(o) => o.status.is_some(),
            Manifest::ReplicaSet(o) => o.status.is_some(),
            _ => false,
        };
        if !has_status {
            return Cow::Borrowed(self);
        }
        let mut owned = self.clone();
        match &mut owned {
            Manifest::PersistentVolume(o) => o.status = None,
            Manifest::PersistentVolumeClaim(o) => o.status = None,
            Manifest::Pod(o) => o.status = None,
            Manifest::PodDisruptionBudget(o) => o.status = None,
            Manifest::StatefulSet(o) => o.status = None,
            Manifest::Deployment(o) => o.status = None,
            Manifest::ReplicaSet(o) => o.status = None,
            _ => {}
        }
        Cow::Owned(owned)
    }
}

/// A manifest serializes as the Kubernetes object it holds (no wrapper, no tag: `apiVersion`
/// and `kind` are part of every object's own serialization).
impl serde::Serialize for Manifest {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Manifest::Node(o) => o.serialize(serializer),
            Manifest::StorageClass(o) => o.serialize(serializer),
            Manifest::PriorityClass(o) => o.serialize(serializer),
            Manifest::PersistentVolume(o) => o.serialize(serializer),
            Manifest::PersistentVolumeClaim(o) => o.serialize(serializer),
            Manifest::Pod(o) => o.serialize(serializer),
            Manifest::CSINode(o) => o.serialize(serializer),
            Manifest::CSIDriver(o) => o.serialize(serializer),
            Manifest::CSIStorageCapacity(o) => o.serialize(serializer),
            Manifest::PodDisruptionBudget(o) => o.serialize(serializer),
            Manifest::StatefulSet(o) => o.serialize(serializer),
            Manifest::Deployment(o) => o.serialize(serializer),
            Manifest::ReplicaSet(o) => o.serialize(serializer),
        }
    }
}

/// Where in the input something went wrong, and what was expected there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// 1-based index of the YAML document in its file.
    pub doc: usize,
    /// Dotted field path (`spec.accessModes`, `items[2].metadata.name`); empty for the
    /// document as a whole.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "doc {}: {}", self.doc, self.message)
        } else {
            write!(f, "doc {}: {}: {}", self.doc, self.path, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

/// Something accepted but worth telling the user (an unknown field, a skipped kind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportWarning {
    pub doc: usize,
    pub path: String,
    pub message: String,
}

impl fmt::Display for ImportWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "doc {}: {}", self.doc, self.message)
        } else {
            write!(f, "doc {}: {}: {}", self.doc, self.path, self.message)
        }
    }
}
