//! Manifest → model, validating what the API server would reject.
//!
//! Each `*_from` function checks the rules of `pkg/apis/core/validation` (and friends) that
//! the simulation depends on, collecting every [`FieldError`] like the API server's
//! `field.ErrorList`, and builds the model object. Defaults the API server would apply
//! (reclaim policy, binding mode, grace period) are applied here too.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{child, index, key, validate_dns1123_subdomain, FieldError};
use super::Manifest;
use crate::model::selector::{NodeSelectorOperator, NodeSelectorRequirement};
use crate::model::*;
use crate::quantity::Quantity;

/// A converted model object. Short-lived (it is stored as an `Arc` right away), so the
/// size difference between variants costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Node(Node),
    StorageClass(StorageClass),
    PriorityClass(PriorityClass),
    PersistentVolume(PersistentVolume),
    PersistentVolumeClaim(PersistentVolumeClaim),
    Pod(Pod),
    CSINode(CsiNode),
    CSIDriver(CsiDriver),
    CSIStorageCapacity(CsiStorageCapacity),
    PodDisruptionBudget(PodDisruptionBudget),
    StatefulSet(StatefulSet),
    Deployment(Deployment),
    ReplicaSet(ReplicaSet),
}

impl Object {
    pub fn meta(&self) -> &Meta {
        match self {
            Object::Node(o) => &o.meta,
            Object::StorageClass(o) => &o.meta,
            Object::PriorityClass(o) => &o.meta,
            Object::PersistentVolume(o) => &o.meta,
            Object::PersistentVolumeClaim(o) => &o.meta,
            Object::Pod(o) => &o.meta,
            Object::CSINode(o) => &o.meta,
            Object::CSIDriver(o) => &o.meta,
            Object::CSIStorageCapacity(o) => &o.meta,
            Object::PodDisruptionBudget(o) => &o.meta,
            Object::StatefulSet(o) => &o.meta,
            Object::Deployment(o) => &o.meta,
            Object::ReplicaSet(o) => &o.meta,
        }
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        match self {
            Object::Node(o) => &mut o.meta,
            Object::StorageClass(o) => &mut o.meta,
            Object::PriorityClass(o) => &mut o.meta,
            Object::PersistentVolume(o) => &mut o.meta,
            Object::PersistentVolumeClaim(o) => &mut o.meta,
            Object::Pod(o) => &mut o.meta,
            Object::CSINode(o) => &mut o.meta,
            Object::CSIDriver(o) => &mut o.meta,
            Object::CSIStorageCapacity(o) => &mut o.meta,
            Object::PodDisruptionBudget(o) => &mut o.meta,
            Object::StatefulSet(o) => &mut o.meta,
            Object::Deployment(o) => &mut o.meta,
            Object::ReplicaSet(o) => &mut o.meta,
        }
    }
}

/// A conversion result: the object plus notes about accepted-but-ignored input.
#[derive(Clone, Debug)]
pub struct Converted {
    pub object: Object,
    /// `(field path, message)`.
    pub warnings: Vec<(String, String)>,
}

/// Validates and converts a manifest.
pub fn to_model(m: &Manifest) -> Result<Converted, Vec<FieldError>> {
    let mut cx = Cx::default();
    let object = match m {
        Manifest::Node(o) => Object::Node(node_from(o, &mut cx)),
        Manifest::StorageClass(o) => Object::StorageClass(storage_class_from(o, &mut cx)),
        Manifest::PriorityClass(o) => Object::PriorityClass(priority_class_from(o, &mut cx)),
        Manifest::PersistentVolume(o) => Object::PersistentVolume(pv_from(o, &mut cx)),
        Manifest::PersistentVolumeClaim(o) => Object::PersistentVolumeClaim(pvc_from(o, &mut cx)),
        Manifest::Pod(o) => Object::Pod(pod_from(o, &mut cx)),
        Manifest::CSINode(o) => Object::CSINode(csi_node_from(o, &mut cx)),
        Manifest::CSIDriver(o) => Object::CSIDriver(csi_driver_from(o, &mut cx)),
        Manifest::CSIStorageCapacity(o) => {
            Object::CSIStorageCapacity(csi_capacity_from(o, &mut cx))
        }
        Manifest::PodDisruptionBudget(o) => Object::PodDisruptionBudget(pdb_from(o, &mut cx)),
        Manifest::StatefulSet(o) => Object::StatefulSet(stateful_set_from(o, &mut cx)),
        Manifest::Deployment(o) => Object::Deployment(deployment_from(o, &mut cx)),
        Manifest::ReplicaSet(o) => Object::ReplicaSet(replica_set_from(o, &mut cx)),
    };
    if cx.errors.is_empty() {
        Ok(Converted {
            object,
            warnings: cx.warnings,
        })
    } else {
        Err(cx.errors)
    }
}

#[derive(Default)]
struct Cx {
    errors: Vec<FieldError>,
    warnings: Vec<(String, String)>,
}

impl Cx {
    fn err(&mut self, e: FieldError) {
        self.errors.push(e);
    }

    fn warn(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.warnings.push((path.into(), msg.into()));
    }

    fn quantity(&mut self, path: &str, q: &K8sQuantity) -> Option<Quantity> {
        match Quantity::parse(&q.0) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.err(FieldError::invalid(path, &q.0, msg));
                None
            }
        }
    }
}

fn meta_from(m: &metav1::ObjectMeta, namespaced: bool, cx: &mut Cx) -> Meta {
    let name = m.name.clone().unwrap_or_default();
    if name.is_empty() {
        cx.err(FieldError::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else if let Some(e) = validate_dns1123_subdomain("metadata.name", &name) {
        cx.err(e);
    }
    let namespace = if namespaced {
        let ns = m
            .namespace
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| well_known::DEFAULT_NAMESPACE.to_string());
        // ValidateNamespaceName is IsDNS1123Label.
        cx.errors.extend(super::field::validate_dns1123_label(
            "metadata.namespace",
            &ns,
        ));
        ns
    } else {
        String::new()
    };
    // ValidateObjectMeta: label keys/values (ValidateLabels), annotation keys
    // (IsQualifiedName of the lower-cased key), in key order.
    if let Some(labels) = &m.labels {
        cx.errors.extend(super::field::validate_labels(
            "metadata.labels",
            labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }
    for k in m.annotations.iter().flatten().map(|(k, _)| k) {
        for msg in super::field::qualified_name_errors(&k.to_lowercase()) {
            cx.err(FieldError::invalid("metadata.annotations", k, msg));
        }
    }
    Meta {
        name: name.into(),
        namespace: namespace.into(),
        uid: m.uid.as_deref().unwrap_or_default().into(),
        labels: m
            .labels
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        annotations: m
            .annotations
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        finalizers: m
            .finalizers
            .iter()
            .flatten()
            .map(|f| crate::model::str_map::shared(f))
            .collect(),
        owners: m
            .owner_references
            .iter()
            .flatten()
            .map(|o| OwnerRef {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.as_str().into(),
                uid: o.uid.as_str().into(),
                controller: o.controller == Some(true),
                block_owner_deletion: o.block_owner_deletion == Some(true),
            })
            .collect(),
        ..Meta::default()
    }
}

const SUPPORTED_ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

fn access_modes(path: &str, modes: &[String], cx: &mut Cx) -> AccessModes {
    let mut out = AccessModes::new();
    for m in modes {
        match AccessMode::parse(m) {
            Some(a) => {
                if !out.contains(&a) {
                    out.push(a)
                }
            }
            None => cx.err(FieldError::not_supported(path, m, &SUPPORTED_ACCESS_MODES)),
        }
    }
    if out.contains(&AccessMode::ReadWriteOncePod) && out.len() > 1 {
        cx.err(FieldError::forbidden(
            path,
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    out
}

fn volume_mode(path: &str, v: Option<&str>, cx: &mut Cx) -> VolumeMode {
    match v {
        None | Some("Filesystem") => VolumeMode::Filesystem,
        Some("Block") => VolumeMode::Block,
        Some(other) => {
            cx.err(FieldError::not_supported(
                path,
                other,
                &["Block", "Filesystem"],
            ));
            VolumeMode::Filesystem
        }
    }
}

pub(crate) fn label_selector(
    path: &str,
    s: &metav1::LabelSelector,
    cx_errors: &mut Vec<FieldError>,
) -> LabelSelector {
    // metav1validation.ValidateLabelSelector: matchLabels is a label map; each requirement's
    // key is a label name and (AllowInvalidLabelValueInSelector off) each value a label value.
    if let Some(ml) = &s.match_labels {
        cx_errors.extend(super::field::validate_labels(
            &child(path, "matchLabels"),
            ml.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }
    for (i, r) in s.match_expressions.iter().flatten().enumerate() {
        let p = index(&child(path, "matchExpressions"), i);
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.as_ref().is_none_or(|v| v.is_empty()) {
                    cx_errors.push(FieldError::required(
                        child(&p, "values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if r.values.as_ref().is_some_and(|v| !v.is_empty()) {
                    cx_errors.push(FieldError::forbidden(
                        child(&p, "values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => cx_errors.push(FieldError::invalid(
                child(&p, "operator"),
                other,
                "not a valid selector operator",
            )),
        }
        cx_errors.extend(super::field::validate_label_name(&child(&p, "key"), &r.key));
        for (j, v) in r.values.iter().flatten().enumerate() {
            for m in super::field::label_value_errors(v) {
                cx_errors.push(FieldError::invalid(index(&child(&p, "values"), j), v, m));
            }
        }
    }
    match kube_core::Selector::try_from(s.clone()) {
        Ok(sel) => LabelSelector::new(sel),
        Err(_) => LabelSelector::default(),
    }
}

fn node_selector_requirement(
    path: &str,
    r: &core::NodeSelectorRequirement,
    cx: &mut Cx,
) -> Option<NodeSelectorRequirement> {
    // ValidateNodeSelectorRequirement: an unknown operator is `Invalid` ("not a valid
    // selector operator"), Gt/Lt only need exactly one value (a value that is not an
    // integer is accepted and matches nothing), and the key must be a label name.
    let Some(op) = NodeSelectorOperator::parse(&r.operator) else {
        cx.err(FieldError::invalid(
            child(path, "operator"),
            &r.operator,
            "not a valid selector operator",
        ));
        cx.errors.extend(super::field::validate_label_name(
            &child(path, "key"),
            &r.key,
        ));
        return None;
    };
    let values = r.values.clone().unwrap_or_default();
    use NodeSelectorOperator::*;
    // Newer API servers also check a required affinity's In/NotIn values as label values
    // (AllowInvalidLabelValueInRequiredNodeAffinity); Bindery accepts them, as upstream's
    // NodeAffinity plugin tables schedule pods with such values (they match nothing).
    match op {
        In | NotIn if values.is_empty() => cx.err(FieldError::required(
            child(path, "values"),
            "must be specified when `operator` is 'In' or 'NotIn'",
        )),
        Exists | DoesNotExist if !values.is_empty() => cx.err(FieldError::forbidden(
            child(path, "values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        Gt | Lt if values.len() != 1 => cx.err(FieldError::required(
            child(path, "values"),
            "must be specified single value when `operator` is 'Lt' or 'Gt'",
        )),
        _ => {}
    }
    cx.errors.extend(super::field::validate_label_name(
        &child(path, "key"),
        &r.key,
    ));
    Some(NodeSelectorRequirement {
        key: r.key.clone(),
        operator: op,
        values,
    })
}

fn node_selector_term(path: &str, t: &core::NodeSelectorTerm, cx: &mut Cx) -> NodeSelectorTerm {
    let mut term = NodeSelectorTerm::default();
    for (i, r) in t.match_expressions.iter().flatten().enumerate() {
        if let Some(r) =
            node_selector_requirement(&index(&child(path, "matchExpressions"), i), r, cx)
        {
            term.match_expressions.push(r);
        }
    }
    for (i, r) in t.match_fields.iter().flatten().enumerate() {
        // ValidateNodeFieldSelectorRequirement: only In/NotIn with exactly one value, only
        // the `metadata.name` key, values that are node names.
        let p = index(&child(path, "matchFields"), i);
        let values = r.values.clone().unwrap_or_default();
        let op = match r.operator.as_str() {
            "In" | "NotIn" => {
                if values.len() != 1 {
                    cx.err(FieldError::required(
                        child(&p, "values"),
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    ));
                }
                NodeSelectorOperator::parse(&r.operator)
            }
            other => {
                cx.err(FieldError::invalid(
                    child(&p, "operator"),
                    other,
                    "not a valid selector operator",
                ));
                None
            }
        };
        if r.key != "metadata.name" {
            cx.err(FieldError::invalid(
                child(&p, "key"),
                &r.key,
                "not a valid field selector key",
            ));
            continue;
        }
        for (j, v) in values.iter().enumerate() {
            if let Some(e) = validate_dns1123_subdomain(&index(&child(&p, "values"), j), v) {
                cx.err(e);
            }
        }
        if let Some(op) = op {
            term.match_fields.push(NodeSelectorRequirement {
                key: r.key.clone(),
                operator: op,
                values,
            });
        }
    }
    term
}

fn node_selector(path: &str, s: &core::NodeSelector, cx: &mut Cx) -> NodeSelector {
    if s.node_selector_terms.is_empty() {
        cx.err(FieldError::required(
            child(path, "nodeSelectorTerms"),
            "must have at least one node selector term",
        ));
    }
    NodeSelector {
        terms: s
            .node_selector_terms
            .iter()
            .enumerate()
            .map(|(i, t)| node_selector_term(&index(&child(path, "nodeSelectorTerms"), i), t, cx))
            .collect(),
    }
}

fn resources_from(
    path: &str,
    list: Option<&BTreeMap<String, K8sQuantity>>,
    cx: &mut Cx,
) -> Resources {
    let mut r = Resources::default();
    for (name, q) in list.into_iter().flatten() {
        let Some(v) = cx.quantity(&key(path, name), q) else {
            continue;
        };
        match name.as_str() {
            "cpu" => r.milli_cpu = v.milli_value(),
            "memory" => r.memory = v.value(),
            "ephemeral-storage" => r.ephemeral_storage = v.value(),
            "pods" => r.pods = v.value(),
            other => {
                r.scalar.insert(other.to_string(), v.value());
            }
        }
    }
    r
}

// ---------------------------------------------------------------------------------------
// Node

/// `validateTaintEffect`'s supported values, in its order (`field.NotSupported` does not sort).
const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// Allocatable assumed for a node whose manifest has no `status` (documented in README).
pub const DEFAULT_NODE_CPU: &str = "4";
pub const DEFAULT_NODE_MEMORY: &str = "16Gi";
pub const DEFAULT_NODE_PODS: &str = "110";
pub const DEFAULT_NODE_EPHEMERAL: &str = "100Gi";

fn node_from(n: &core::Node, cx: &mut Cx) -> Node {
    let mut meta = meta_from(&n.metadata, false, cx);
    // The kubelet always labels its node with its hostname.
    meta.labels
        .insert_if_absent(well_known::LABEL_HOSTNAME.to_string(), || {
            meta.name.to_string()
        });
    let spec = n.spec.clone().unwrap_or_default();
    let mut taints = Vec::new();
    for (i, t) in spec.taints.iter().flatten().enumerate() {
        // validateNodeTaints: key a label name, value a label value, effect required and
        // one of validateTaintEffect's list (in its order, unsorted).
        let p = index("spec.taints", i);
        cx.errors
            .extend(super::field::validate_label_name(&child(&p, "key"), &t.key));
        let value = t.value.clone().unwrap_or_default();
        let value_errors = super::field::label_value_errors(&value);
        if !value_errors.is_empty() {
            cx.err(FieldError::invalid(
                child(&p, "value"),
                &value,
                value_errors.join(";"),
            ));
        }
        match TaintEffect::parse(&t.effect) {
            Some(effect) => taints.push(Taint {
                key: t.key.clone(),
                value,
                effect,
            }),
            None if t.effect.is_empty() => cx.err(FieldError::required(child(&p, "effect"), "")),
            None => cx.err(FieldError::not_supported(
                child(&p, "effect"),
                &t.effect,
                &TAINT_EFFECTS,
            )),
        }
    }
    let status = n.status.clone().unwrap_or_default();
    let source_path;
    let list = if status.allocatable.is_some() {
        source_path = "status.allocatable";
        status.allocatable.as_ref()
    } else {
        source_path = "status.capacity";
        status.capacity.as_ref()
    };
    let mut allocatable = resources_from(source_path, list, cx);
    let given = |k: &str| list.is_some_and(|l| l.contains_key(k));
    let default = |s: &str| Quantity::parse(s).expect("valid default quantity");
    if !given("cpu") {
        allocatable.milli_cpu = default(DEFAULT_NODE_CPU).milli_value();
    }
    if !given("memory") {
        allocatable.memory = default(DEFAULT_NODE_MEMORY).value();
    }
    if !given("pods") {
        allocatable.pods = default(DEFAULT_NODE_PODS).value();
    }
    if !given("ephemeral-storage") {
        allocatable.ephemeral_storage = default(DEFAULT_NODE_EPHEMERAL).value();
    }
    Node {
        hostname: meta.labels.get(well_known::LABEL_HOSTNAME).map(Into::into),
        meta,
        unschedulable: spec.unschedulable.unwrap_or(false),
        taints,
        allocatable,
    }
}

// ---------------------------------------------------------------------------------------
// StorageClass

fn storage_class_from(
    sc: &k8s_openapi::api::storage::v1::StorageClass,
    cx: &mut Cx,
) -> StorageClass {
    let meta = meta_from(&sc.metadata, false, cx);
    if sc.provisioner.is_empty() {
        cx.err(FieldError::required("provisioner", ""));
    } else {
        // validateProvisioner: ValidateQualifiedName of the lower-cased name.
        let lower = sc.provisioner.to_lowercase();
        for m in super::field::qualified_name_errors(&lower) {
            cx.err(FieldError::invalid("provisioner", &lower, m));
        }
    }
    let binding_mode = match sc.volume_binding_mode.as_deref() {
        None | Some("Immediate") => VolumeBindingMode::Immediate,
        Some("WaitForFirstConsumer") => VolumeBindingMode::WaitForFirstConsumer,
        Some(other) => {
            cx.err(FieldError::not_supported(
                "volumeBindingMode",
                other,
                &["Immediate", "WaitForFirstConsumer"],
            ));
            VolumeBindingMode::Immediate
        }
    };
    let reclaim_policy = match sc.reclaim_policy.as_deref() {
        None => ReclaimPolicy::Delete,
        Some(s) => ReclaimPolicy::parse(s).unwrap_or_else(|| {
            cx.err(FieldError::not_supported(
                "reclaimPolicy",
                s,
                &["Delete", "Retain"],
            ));
            ReclaimPolicy::Delete
        }),
    };
    let mut allowed_topologies = Vec::new();
    let mut seen_terms = Vec::new();
    for (i, t) in sc.allowed_topologies.iter().flatten().enumerate() {
        let p = index("allowedTopologies", i);
        // ValidateTopologySelectorTerm: values required and unique, keys label names and
        // unique within the term; a term equal to an earlier one is a duplicate.
        let mut term = TopologySelectorTerm::default();
        let mut keys: Vec<(&str, std::collections::BTreeSet<&str>)> = Vec::new();
        for (j, e) in t.match_label_expressions.iter().flatten().enumerate() {
            let ep = index(&child(&p, "matchLabelExpressions"), j);
            let vp = child(&ep, "values");
            if e.values.is_empty() {
                cx.err(FieldError::required(vp.clone(), ""));
            }
            let mut set = std::collections::BTreeSet::new();
            for (k, v) in e.values.iter().enumerate() {
                if !set.insert(v.as_str()) {
                    cx.err(FieldError::duplicate(index(&vp, k), v, ""));
                }
            }
            cx.errors.extend(super::field::validate_label_name(
                &child(&ep, "key"),
                &e.key,
            ));
            if keys.iter().any(|(k, _)| *k == e.key) {
                cx.err(FieldError::duplicate(child(&ep, "key"), &e.key, ""));
                keys.retain(|(k, _)| *k != e.key);
            }
            keys.push((e.key.as_str(), set));
            term.match_label_expressions
                .push((e.key.clone(), e.values.clone()));
        }
        crate::sort::sort(&mut keys);
        if seen_terms.contains(&keys) {
            cx.err(FieldError::duplicate(
                child(&p, "matchLabelExpressions"),
                "",
                "",
            ));
        }
        seen_terms.push(keys);
        allowed_topologies.push(term);
    }
    StorageClass {
        meta,
        provisioner: sc.provisioner.clone(),
        binding_mode,
        allowed_topologies,
        reclaim_policy,
        allow_volume_expansion: sc.allow_volume_expansion.unwrap_or(false),
        parameters: sc.parameters.clone().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------
// PriorityClass

/// `scheduling.HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;

fn priority_class_from(
    pc: &k8s_openapi::api::scheduling::v1::PriorityClass,
    cx: &mut Cx,
) -> PriorityClass {
    let meta = meta_from(&pc.metadata, false, cx);
    // `value` is a plain int32 in scheduling/v1: a class that leaves it out has value 0,
    // and the API server accepts it (required only in the OpenAPI schema).
    let value = pc.value.unwrap_or(0);
    let system = meta.name.starts_with("system-");
    let global_default = pc.global_default.unwrap_or(false);
    if system {
        // IsKnownSystemPriorityClass: the name, then its value, then globalDefault (false
        // for both system classes); the reason is appended to the Forbidden detail.
        let known = crate::cluster::SYSTEM_PRIORITY_CLASSES
            .iter()
            .find(|(n, _)| *n == &*meta.name);
        let reason = match known {
            None => Some(format!(
                "{} is not a known system priority class",
                meta.name
            )),
            Some((n, v)) if *v != value => Some(format!("value of {n} PriorityClass must be {v}")),
            Some((n, _)) if global_default => {
                Some(format!("globalDefault of {n} PriorityClass must be false"))
            }
            Some(_) => None,
        };
        if let Some(reason) = reason {
            cx.err(FieldError::forbidden(
                "metadata.name",
                format!("priority class names with 'system-' prefix are reserved for system use only. error: {reason}"),
            ));
        }
    }
    if value > HIGHEST_USER_DEFINABLE_PRIORITY && !system {
        cx.err(FieldError::forbidden(
            "value",
            format!(
                "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
            ),
        ));
    }
    PriorityClass {
        meta,
        value,
        global_default,
        preemption_policy: preemption_policy(
            "preemptionPolicy",
            pc.preemption_policy.as_deref(),
            cx,
        ),
        description: pc.description.clone().unwrap_or_default(),
    }
}

fn preemption_policy(path: &str, p: Option<&str>, cx: &mut Cx) -> PreemptionPolicy {
    match p {
        None | Some("PreemptLowerPriority") => PreemptionPolicy::PreemptLowerPriority,
        Some("Never") => PreemptionPolicy::Never,
        Some(other) => {
            cx.err(FieldError::not_supported(
                path,
                other,
                &["Never", "PreemptLowerPriority"],
            ));
            PreemptionPolicy::PreemptLowerPriority
        }
    }
}

// ---------------------------------------------------------------------------------------
// PersistentVolume

fn pv_from(pv: &core::PersistentVolume, cx: &mut Cx) -> PersistentVolume {
    let meta = meta_from(&pv.metadata, false, cx);
    let spec = pv.spec.clone().unwrap_or_default();
    let modes = spec.access_modes.clone().unwrap_or_default();
    if modes.is_empty() {
        cx.err(FieldError::required("spec.accessModes", ""));
    }
    let access_modes = access_modes("spec.accessModes", &modes, cx);
    // ValidatePersistentVolumeSpec: capacity is required, must hold exactly `storage`, and
    // every quantity must be non-negative (validateBasicResource, `Quantity.Value()`
    // printed bare) and positive (ValidatePositiveQuantityValue, `Quantity.String()`).
    let cap_map = spec.capacity.clone().unwrap_or_default();
    if cap_map.is_empty() {
        cx.err(FieldError::required("spec.capacity", ""));
    }
    if !cap_map.contains_key("storage") || cap_map.len() > 1 {
        let rendered = if spec.capacity.is_none() {
            "core.ResourceList(nil)".to_string()
        } else {
            let items: Vec<String> = cap_map
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", go_quantity(&v.0)))
                .collect();
            format!("core.ResourceList{{{}}}", items.join(", "))
        };
        cx.err(FieldError {
            path: "spec.capacity".into(),
            type_: super::FieldErrorType::NotSupported,
            value: Some(rendered),
            detail: "supported values: \"storage\"".into(),
        });
    }
    let mut capacity = crate::quantity::Bytes::ZERO;
    for (name, q) in &cap_map {
        let p = key("spec.capacity", name);
        let Some(v) = cx.quantity(&p, q) else {
            continue;
        };
        if v.value() < 0 {
            cx.err(super::field::invalid_rendered(
                p.clone(),
                v.value().to_string(),
                "must be a valid resource quantity",
            ));
        }
        if v.value() <= 0 {
            cx.err(FieldError::invalid(
                p,
                &crate::quantity::canonical(&q.0),
                "must be greater than zero",
            ));
        }
        if name == "storage" {
            capacity = v.bytes();
        }
    }
    // ValidatePersistentVolumeSpec, in its order: reclaim policy, node affinity, then the
    // volume sources in upstream's order (the first one present is the source; each later
    // one is "more than 1 volume type", and a local volume needs node affinity only when it
    // is the first), then storageClassName and volumeMode below.
    let reclaim_policy = match spec.persistent_volume_reclaim_policy.as_deref() {
        None => ReclaimPolicy::Retain,
        Some(s) => ReclaimPolicy::parse(s).unwrap_or_else(|| {
            cx.err(FieldError::not_supported(
                "spec.persistentVolumeReclaimPolicy",
                s,
                &["Delete", "Recycle", "Retain"],
            ));
            ReclaimPolicy::Retain
        }),
    };
    // validateVolumeNodeAffinity: an affinity without `required` is an error, but still
    // counts as specified.
    let node_affinity_specified = spec.node_affinity.is_some();
    let node_affinity = match spec.node_affinity.as_ref().map(|a| a.required.as_ref()) {
        Some(Some(req)) => Some(Arc::new(node_selector(
            "spec.nodeAffinity.required",
            req,
            cx,
        ))),
        Some(None) => {
            cx.err(FieldError::required(
                "spec.nodeAffinity.required",
                "must specify required node constraints",
            ));
            None
        }
        None => None,
    };
    let present: [(&str, bool); 19] = [
        ("hostPath", spec.host_path.is_some()),
        ("gcePersistentDisk", spec.gce_persistent_disk.is_some()),
        (
            "awsElasticBlockStore",
            spec.aws_elastic_block_store.is_some(),
        ),
        ("glusterfs", spec.glusterfs.is_some()),
        ("flocker", spec.flocker.is_some()),
        ("nfs", spec.nfs.is_some()),
        ("rbd", spec.rbd.is_some()),
        ("quobyte", spec.quobyte.is_some()),
        ("cephFS", spec.cephfs.is_some()),
        ("iscsi", spec.iscsi.is_some()),
        ("cinder", spec.cinder.is_some()),
        ("fc", spec.fc.is_some()),
        ("flexVolume", spec.flex_volume.is_some()),
        ("azureFile", spec.azure_file.is_some()),
        ("vsphereVolume", spec.vsphere_volume.is_some()),
        (
            "photonPersistentDisk",
            spec.photon_persistent_disk.is_some(),
        ),
        ("portworxVolume", spec.portworx_volume.is_some()),
        ("azureDisk", spec.azure_disk.is_some()),
        ("scaleIO", spec.scale_io.is_some()),
    ];
    let mut source: Option<PvSource> = None;
    let more_than_one = |name: &str, cx: &mut Cx, source: &Option<PvSource>| {
        // flexVolume is counted but never refused upstream.
        if source.is_some() && name != "flexVolume" {
            cx.err(FieldError::forbidden(
                child("spec", name),
                "may not specify more than 1 volume type",
            ));
            true
        } else {
            false
        }
    };
    for (name, is_present) in present {
        if !is_present || more_than_one(name, cx, &source) {
            continue;
        }
        if source.is_some() {
            continue;
        }
        source = Some(match (name, &spec.host_path) {
            ("hostPath", Some(h)) => {
                if h.path.is_empty() {
                    cx.err(FieldError::required("spec.hostPath.path", ""));
                }
                PvSource::HostPath {
                    path: h.path.clone(),
                }
            }
            _ => match in_tree_disk_of_pv(name, &spec) {
                Some(disk) => {
                    pv_disk_errors(&spec, cx);
                    PvSource::InTree(Box::new(disk))
                }
                None => PvSource::Other(name.to_string()),
            },
        });
    }
    if let Some(l) = &spec.local {
        if !more_than_one("local", cx, &source) {
            if l.path.is_empty() {
                cx.err(FieldError::required("spec.local.path", ""));
            } else if l.path.split('/').any(|part| part == "..") {
                cx.err(FieldError::invalid(
                    "spec.local.path",
                    &l.path,
                    "must not contain '..'",
                ));
            }
            if !node_affinity_specified {
                cx.err(FieldError::required(
                    "spec.nodeAffinity",
                    "Local volume requires node affinity",
                ));
            }
            source = Some(PvSource::Local {
                path: l.path.clone(),
            });
        }
    }
    if spec.storageos.is_some() && !more_than_one("storageos", cx, &source) {
        source = Some(PvSource::Other("storageos".into()));
    }
    if let Some(c) = &spec.csi {
        if !more_than_one("csi", cx, &source) {
            // Upstream checks the driver with ValidateCSIDriverName (a DNS-1123 subdomain
            // once lower-cased); Bindery only requires it, as upstream's PV controller
            // tables (replayed in upstream_pv_controller.rs) use drivers such as
            // `vendor.com/my-volume`.
            if c.driver.is_empty() {
                cx.err(FieldError::required("spec.csi.driver", ""));
            }
            if c.volume_handle.is_empty() {
                cx.err(FieldError::required("spec.csi.volumeHandle", ""));
            }
            source = Some(PvSource::Csi {
                driver: c.driver.as_str().into(),
                volume_handle: c.volume_handle.as_str().into(),
            });
        }
    }
    if source.is_none() {
        cx.err(FieldError::required("spec", "must specify a volume type"));
    }
    let source = source.unwrap_or(PvSource::Other("none".into()));
    if let PvSource::HostPath { path } = &source {
        let root = !path.is_empty() && path.split('/').all(|p| p.is_empty() || p == ".");
        if root && reclaim_policy == ReclaimPolicy::Recycle {
            cx.err(FieldError::forbidden(
                "spec.persistentVolumeReclaimPolicy",
                "may not be 'recycle' for a hostPath mount of '/'",
            ));
        }
    }
    let claim_ref = spec.claim_ref.as_ref().map(|r| ClaimRef {
        namespace: r
            .namespace
            .clone()
            .filter(|s| !s.is_empty())
            .map_or_else(|| Arc::from(well_known::DEFAULT_NAMESPACE), Arc::from),
        name: r.name.as_deref().unwrap_or_default().into(),
        uid: r.uid.as_deref().unwrap_or_default().into(),
    });
    if let Some(c) = &claim_ref {
        if c.name.is_empty() {
            cx.err(FieldError::required("spec.claimRef.name", ""));
        }
    }
    let class = spec.storage_class_name.clone().unwrap_or_default();
    if !class.is_empty() {
        if let Some(e) = validate_dns1123_subdomain("spec.storageClassName", &class) {
            cx.err(e);
        }
    }
    // The model keeps the class the binder uses: the beta annotation first.
    let class = meta
        .annotation(well_known::ANN_STORAGE_CLASS_BETA)
        .map_or(class, str::to_string);
    PersistentVolume {
        meta,
        capacity,
        access_modes,
        volume_mode: volume_mode("spec.volumeMode", spec.volume_mode.as_deref(), cx),
        storage_class_name: class.into(),
        node_affinity,
        claim_ref,
        reclaim_policy,
        source,
        volume_attributes_class_name: spec.volume_attributes_class_name.as_deref().map(Box::from),
        phase: PvPhase::Pending,
        status_message: String::new(),
    }
}

/// `ValidateTemplateObjectMeta`: a claim template's metadata — annotations, then labels,
/// then every other set field refused (`validateFieldAllowList`, in ObjectMeta's field
/// order, named as upstream lower-cases them).
fn template_meta_only_labels(path: &str, m: &metav1::ObjectMeta, cx: &mut Cx) {
    for k in m.annotations.iter().flatten().map(|(k, _)| k) {
        for msg in super::field::qualified_name_errors(&k.to_lowercase()) {
            cx.err(FieldError::invalid(child(path, "annotations"), k, msg));
        }
    }
    if let Some(labels) = &m.labels {
        cx.errors.extend(super::field::validate_labels(
            &child(path, "labels"),
            labels.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }
    let set = [
        ("name", m.name.as_ref().is_some_and(|v| !v.is_empty())),
        (
            "generateName",
            m.generate_name.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "namespace",
            m.namespace.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "selfLink",
            m.self_link.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        ("uID", m.uid.as_ref().is_some_and(|v| !v.is_empty())),
        (
            "resourceVersion",
            m.resource_version.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        ("generation", m.generation.is_some_and(|v| v != 0)),
        ("creationTimestamp", m.creation_timestamp.is_some()),
        ("deletionTimestamp", m.deletion_timestamp.is_some()),
        (
            "deletionGracePeriodSeconds",
            m.deletion_grace_period_seconds.is_some(),
        ),
        (
            "ownerReferences",
            m.owner_references.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "finalizers",
            m.finalizers.as_ref().is_some_and(|v| !v.is_empty()),
        ),
        (
            "managedFields",
            m.managed_fields.as_ref().is_some_and(|v| !v.is_empty()),
        ),
    ];
    for (field, _) in set.iter().filter(|(_, is_set)| *is_set) {
        cx.err(FieldError::forbidden(child(path, field), "cannot be set"));
    }
}

// ---------------------------------------------------------------------------------------
// PersistentVolumeClaim

fn pvc_from(pvc: &core::PersistentVolumeClaim, cx: &mut Cx) -> PersistentVolumeClaim {
    let meta = meta_from(&pvc.metadata, true, cx);
    let spec = pvc.spec.clone().unwrap_or_default();
    pvc_spec_into(meta, &spec, "spec", cx)
}

fn pvc_spec_into(
    meta: Meta,
    spec: &core::PersistentVolumeClaimSpec,
    path: &str,
    cx: &mut Cx,
) -> PersistentVolumeClaim {
    let modes = spec.access_modes.clone().unwrap_or_default();
    if modes.is_empty() {
        cx.err(FieldError::required(
            child(path, "accessModes"),
            "at least 1 access mode is required",
        ));
    }
    let mut sel_errors = Vec::new();
    let selector = spec
        .selector
        .as_ref()
        .map(|s| label_selector(&child(path, "selector"), s, &mut sel_errors));
    cx.errors.extend(sel_errors);
    let access_modes = access_modes(&child(path, "accessModes"), &modes, cx);
    let request = match spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
    {
        Some(q) => {
            let p = key(&child(path, "resources.requests"), "storage");
            match cx.quantity(&p, q) {
                Some(v) if v.value() <= 0 => {
                    // ValidatePositiveQuantityValue(storage, spec.resources[storage]): the
                    // path skips `requests`, and the value is `Quantity.String()`.
                    cx.err(FieldError::invalid(
                        key(&child(path, "resources"), "storage"),
                        &crate::quantity::canonical(&q.0),
                        "must be greater than zero",
                    ));
                    None
                }
                Some(v) => Some(v.bytes()),
                None => None,
            }
        }
        None => {
            cx.err(FieldError::required(
                key(&child(path, "resources"), "storage"),
                "",
            ));
            None
        }
    };
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        if let Some(e) = validate_dns1123_subdomain(&child(path, "storageClassName"), class) {
            cx.err(e);
        }
    }
    // The model keeps the class the binder uses: the beta annotation first.
    let storage_class_name = meta
        .annotation(well_known::ANN_STORAGE_CLASS_BETA)
        .or(spec.storage_class_name.as_deref())
        .map(Arc::from);
    PersistentVolumeClaim {
        meta,
        access_modes,
        request,
        storage_class_name,
        volume_name: spec
            .volume_name
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(Arc::from),
        volume_mode: volume_mode(&child(path, "volumeMode"), spec.volume_mode.as_deref(), cx),
        selector: selector.map(Box::new),
        volume_attributes_class_name: spec.volume_attributes_class_name.as_deref().map(Box::from),
        phase: PvcPhase::Pending,
        capacity: None,
        status_access_modes: AccessModes::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Pod

/// `schedutil.DefaultMilliCPURequest` / `DefaultMemoryRequest`: what scoring assumes for a
/// container that requests nothing.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// `spec.terminationGracePeriodSeconds` default.
pub const DEFAULT_TERMINATION_GRACE_SECONDS: i64 = 30;

struct ContainerRequests {
    requests: Resources,
    non_zero_cpu: i64,
    non_zero_mem: i64,
    restartable: bool,
}

fn container_requests(path: &str, c: &core::Container, cx: &mut Cx) -> ContainerRequests {
    if c.name.is_empty() {
        cx.err(FieldError::required(child(path, "name"), ""));
    }
    let res = c.resources.clone().unwrap_or_default();
    let limits = resources_from(&child(path, "resources.limits"), res.limits.as_ref(), cx);
    let mut requests = resources_from(
        &child(path, "resources.requests"),
        res.requests.as_ref(),
        cx,
    );
    let has_request = |k: &str| res.requests.as_ref().is_some_and(|r| r.contains_key(k));
    let has_limit = |k: &str| res.limits.as_ref().is_some_and(|r| r.contains_key(k));
    // API defaulting: a limit without a request makes the request equal to the limit.
    if !has_request("cpu") && has_limit("cpu") {
        requests.milli_cpu = limits.milli_cpu;
    }
    if !has_request("memory") && has_limit("memory") {
        requests.memory = limits.memory;
    }
    if !has_request("ephemeral-storage") && has_limit("ephemeral-storage") {
        requests.ephemeral_storage = limits.ephemeral_storage;
    }
    for (k, v) in &limits.scalar {
        requests.scalar.entry(k.clone()).or_insert(*v);
    }
    for (name, req, lim) in [
        ("cpu", requests.milli_cpu, limits.milli_cpu),
        ("memory", requests.memory, limits.memory),
    ] {
        if has_limit(name) && req > lim {
            cx.err(FieldError::invalid(
                key(&child(path, "resources.requests"), name),
                &res.requests
                    .as_ref()
                    .and_then(|r| r.get(name))
                    .map(|q| q.0.clone())
                    .unwrap_or_default(),
                format!(
                    "must be less than or equal to {name} limit of {}",
                    res.limits
                        .as_ref()
                        .and_then(|r| r.get(name))
                        .map(|q| q.0.clone())
                        .unwrap_or_default()
                ),
            ));
        }
    }
    let non_zero_cpu = if has_request("cpu") || has_limit("cpu") {
        requests.milli_cpu
    } else {
        DEFAULT_MILLI_CPU_REQUEST
    };
    let non_zero_mem = if has_request("memory") || has_limit("memory") {
        requests.memory
    } else {
        DEFAULT_MEMORY_REQUEST
    };
    ContainerRequests {
        requests,
        non_zero_cpu,
        non_zero_mem,
        restartable: c.restart_policy.as_deref() == Some("Always"),
    }
}

fn pod_from(p: &core::Pod, cx: &mut Cx) -> Pod {
    let meta = meta_from(&p.metadata, true, cx);
    let Some(spec) = p.spec.as_ref() else {
        cx.err(FieldError::required("spec", ""));
        return Pod {
            meta,
            ..Pod::default()
        };
    };
    if spec.containers.is_empty() {
        cx.err(FieldError::required("spec.containers", ""));
    }
    // resource.PodRequests: containers, then init containers (sidecars add up, regular
    // init containers take a max), then overhead.
    let mut requests = Resources::default();
    let (mut nz_cpu, mut nz_mem) = (0i64, 0i64);
    for (i, c) in spec.containers.iter().enumerate() {
        let r = container_requests(&index("spec.containers", i), c, cx);
        requests.add(&r.requests);
        nz_cpu += r.non_zero_cpu;
        nz_mem += r.non_zero_mem;
    }
    let mut sidecars = Resources::default();
    let (mut sidecar_cpu, mut sidecar_mem) = (0i64, 0i64);
    let mut init_max = Resources::default();
    let (mut init_cpu_max, mut init_mem_max) = (0i64, 0i64);
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let r = container_requests(&index("spec.initContainers", i), c, cx);
        if r.restartable {
            requests.add(&r.requests);
            sidecars.add(&r.requests);
            nz_cpu += r.non_zero_cpu;
            nz_mem += r.non_zero_mem;
            sidecar_cpu += r.non_zero_cpu;
            sidecar_mem += r.non_zero_mem;
            init_max.max_with(&sidecars);
            init_cpu_max = init_cpu_max.max(sidecar_cpu);
            init_mem_max = init_mem_max.max(sidecar_mem);
        } else {
            let mut with_sidecars = r.requests.clone();
            with_sidecars.add(&sidecars);
            init_max.max_with(&with_sidecars);
            init_cpu_max = init_cpu_max.max(r.non_zero_cpu + sidecar_cpu);
            init_mem_max = init_mem_max.max(r.non_zero_mem + sidecar_mem);
        }
    }
    requests.max_with(&init_max);
    nz_cpu = nz_cpu.max(init_cpu_max);
    nz_mem = nz_mem.max(init_mem_max);
    // Pod-level resources (PodLevelResources, beta and on in v1.36) override cpu/memory.
    if let Some(pod_res) = &spec.resources {
        let r = resources_from("spec.resources.requests", pod_res.requests.as_ref(), cx);
        let given = |k: &str| pod_res.requests.as_ref().is_some_and(|m| m.contains_key(k));
        if given("cpu") {
            requests.milli_cpu = r.milli_cpu;
            nz_cpu = r.milli_cpu;
        }
        if given("memory") {
            requests.memory = r.memory;
            nz_mem = r.memory;
        }
        // `IsSupportedPodLevelResource` also takes hugepages-* (component-helpers; the
        // v1.36 fit_test.go "pod-level hugepages resource not fit" case).
        for (name, v) in &r.scalar {
            if name.starts_with("hugepages-") {
                requests.scalar.insert(name.clone(), *v);
            }
        }
    }
    let overhead = resources_from("spec.overhead", spec.overhead.as_ref(), cx);
    requests.add(&overhead);
    nz_cpu += overhead.milli_cpu;
    nz_mem += overhead.memory;

    let mut volumes = Vec::new();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        let p = index("spec.volumes", i);
        // validateVolumes: the name is required and a DNS-1123 label, and unique.
        if v.name.is_empty() {
            cx.err(FieldError::required(child(&p, "name"), ""));
        } else {
            cx.errors.extend(super::field::validate_dns1123_label(
                &child(&p, "name"),
                &v.name,
            ));
        }
        if volumes.iter().any(|x: &PodVolume| x.name == v.name) {
            cx.err(FieldError::duplicate(child(&p, "name"), &v.name, ""));
        }
        let source = if let Some(c) = &v.persistent_volume_claim {
            if c.claim_name.is_empty() {
                cx.err(FieldError::required(
                    child(&p, "persistentVolumeClaim.claimName"),
                    "",
                ));
            }
            PodVolumeSource::PersistentVolumeClaim {
                claim_name: c.claim_name.clone(),
                read_only: c.read_only.unwrap_or(false),
            }
        } else if let Some(e) = &v.ephemeral {
            // validateEphemeralVolumeSource: the template is required; its metadata may only
            // carry labels and annotations; its spec is a claim's spec.
            let template = match &e.volume_claim_template {
                Some(t) => {
                    let tpath = child(&p, "ephemeral.volumeClaimTemplate");
                    template_meta_only_labels(
                        &child(&tpath, "metadata"),
                        t.metadata
                            .as_ref()
                            .unwrap_or(&metav1::ObjectMeta::default()),
                        cx,
                    );
                    pvc_spec_into(Meta::default(), &t.spec, &child(&tpath, "spec"), cx);
                    t.clone()
                }
                None => {
                    cx.err(FieldError::required(
                        child(&p, "ephemeral.volumeClaimTemplate"),
                        "",
                    ));
                    Default::default()
                }
            };
            // The claim the ephemeral volume controller will create must have a valid
            // name, checked here so that the pod is refused rather than stuck.
            let claim_name = format!("{}-{}", meta.name, v.name);
            if !meta.name.is_empty() && !v.name.is_empty() {
                if let Some(e) = super::field::validate_dns1123_subdomain("", &claim_name) {
                    cx.err(FieldError::invalid(
                        child(&p, "name"),
                        &v.name,
                        format!("PVC name {claim_name:?}: {}", e.detail),
                    ));
                }
            }
            PodVolumeSource::Ephemeral {
                claim_name,
                template: std::sync::Arc::new(template),
            }
        } else if let Some(disk) = in_tree_disk_of_volume(v) {
            inline_disk_errors(&p, v, cx);
            PodVolumeSource::InTree(Box::new(disk))
        } else {
            PodVolumeSource::Other(volume_type_name(v).to_string())
        };
        volumes.push(PodVolume {
            name: v.name.clone(),
            source,
        });
    }

    let affinity = spec.affinity.clone().unwrap_or_default();
    let pod_affinity = pod_affinity_from(&affinity, &meta, cx);
    let node_aff = affinity.node_affinity.unwrap_or_default();
    let required_node_affinity = node_aff
        .required_during_scheduling_ignored_during_execution
        .as_ref()
        .map(|s| {
            node_selector(
                "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution",
                s,
                cx,
            )
        });
    let mut preferred_node_affinity = Vec::new();
    for (i, t) in node_aff
        .preferred_during_scheduling_ignored_during_execution
        .iter()
        .flatten()
        .enumerate()
    {
        let p = index(
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            i,
        );
        if !(1..=100).contains(&t.weight) {
            cx.err(FieldError::invalid_number(
                child(&p, "weight"),
                t.weight as i64,
                "must be in the range 1-100",
            ));
        }
        preferred_node_affinity.push((
            t.weight,
            node_selector_term(&child(&p, "preference"), &t.preference, cx),
        ));
    }

    let mut tolerations = Vec::new();
    for (i, t) in spec.tolerations.iter().flatten().enumerate() {
        // ValidateTolerations, in its order: key, empty key needs Exists,
        // tolerationSeconds needs NoExecute, operator and value, effect.
        let p = index("spec.tolerations", i);
        let t_key = t.key.as_deref().unwrap_or_default();
        let t_op = t.operator.as_deref().unwrap_or_default();
        let t_value = t.value.as_deref().unwrap_or_default();
        let t_effect = t.effect.as_deref().unwrap_or_default();
        if !t_key.is_empty() {
            cx.errors
                .extend(super::field::validate_label_name(&child(&p, "key"), t_key));
        }
        if t_key.is_empty() && t_op != "Exists" {
            cx.err(FieldError::invalid(
                child(&p, "operator"),
                t_op,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && t_effect != "NoExecute" {
            cx.err(FieldError::invalid(
                child(&p, "effect"),
                t_effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        let operator = match t_op {
            "Equal" | "" => {
                let errs = super::field::label_value_errors(t_value);
                if !errs.is_empty() {
                    cx.err(FieldError::invalid(
                        child(&p, "operator"),
                        t_value,
                        errs.join(";"),
                    ));
                }
                TolerationOperator::Equal
            }
            "Exists" => {
                if !t_value.is_empty() {
                    // The bad value is the whole toleration, printed with Go's `%#v`.
                    let seconds = match t.toleration_seconds {
                        None => "(*int64)(nil)".to_string(),
                        Some(_) => "(*int64)(0xc000000000)".to_string(),
                    };
                    cx.err(super::field::invalid_rendered(
                        child(&p, "operator"),
                        format!(
                            "core.Toleration{{Key:{t_key:?}, Operator:{t_op:?}, Value:{t_value:?}, Effect:{t_effect:?}, TolerationSeconds:{seconds}}}"
                        ),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
                TolerationOperator::Exists
            }
            other => {
                cx.err(FieldError::not_supported(
                    child(&p, "operator"),
                    other,
                    &["Equal", "Exists"],
                ));
                TolerationOperator::Equal
            }
        };
        let effect = match t_effect {
            "" => None,
            e => match TaintEffect::parse(e) {
                Some(e) => Some(e),
                None => {
                    cx.err(FieldError::not_supported(
                        child(&p, "effect"),
                        e,
                        &TAINT_EFFECTS,
                    ));
                    None
                }
            },
        };
        tolerations.push(Toleration {
            key: t.key.clone().unwrap_or_default(),
            operator,
            value: t.value.clone().unwrap_or_default(),
            effect,
        });
    }

    let mut topology_spread_constraints = Vec::new();
    for (i, c) in spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .enumerate()
    {
        let p = index("spec.topologySpreadConstraints", i);
        if c.max_skew <= 0 {
            cx.err(FieldError::invalid_number(
                child(&p, "maxSkew"),
                c.max_skew as i64,
                "must be greater than zero",
            ));
        }
        if c.topology_key.is_empty() {
            cx.err(FieldError::required(
                child(&p, "topologyKey"),
                "can not be empty",
            ));
        }
        let when_unsatisfiable = match c.when_unsatisfiable.as_str() {
            "DoNotSchedule" => UnsatisfiableAction::DoNotSchedule,
            "ScheduleAnyway" => UnsatisfiableAction::ScheduleAnyway,
            other => {
                cx.err(FieldError::not_supported(
                    child(&p, "whenUnsatisfiable"),
                    other,
                    &["DoNotSchedule", "ScheduleAnyway"],
                ));
                UnsatisfiableAction::DoNotSchedule
            }
        };
        // ValidateSpreadConstraintNotRepeat rejects two constraints with the same
        // {topologyKey, whenUnsatisfiable}. Bindery only warns, with the API server's text:
        // upstream's PodTopologySpread plugin tables (which bypass the API) use such pods,
        // and replaying those cases is how the plugin is checked.
        let constraints = spec
            .topology_spread_constraints
            .as_deref()
            .unwrap_or_default();
        if constraints[i + 1..].iter().any(|o| {
            o.topology_key == c.topology_key && o.when_unsatisfiable == c.when_unsatisfiable
        }) {
            let e = FieldError::duplicate(
                child(&p, "{topologyKey, whenUnsatisfiable}"),
                &format!("{{{}, {}}}", c.topology_key, c.when_unsatisfiable),
                "",
            );
            cx.warn(
                e.path.clone(),
                format!(
                    "{} (the API server rejects this pod; Bindery accepts it)",
                    e.body()
                ),
            );
        }
        // validateMinDomains: both errors can apply, and the second names the action given.
        if let Some(md) = c.min_domains {
            if md <= 0 {
                cx.err(FieldError::invalid_number(
                    child(&p, "minDomains"),
                    md as i64,
                    "must be greater than zero",
                ));
            }
            if c.when_unsatisfiable != "DoNotSchedule" {
                cx.err(FieldError::invalid_number(
                    child(&p, "minDomains"),
                    md as i64,
                    &format!(
                        "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {}",
                        c.when_unsatisfiable
                    ),
                ));
            }
        }
        let policy = |field: &str, v: Option<&str>, default_honor: bool, cx: &mut Cx| match v {
            None => default_honor,
            Some("Honor") => true,
            Some("Ignore") => false,
            Some(other) => {
                cx.err(FieldError::not_supported(
                    child(&p, field),
                    other,
                    &["Honor", "Ignore"],
                ));
                default_honor
            }
        };
        let honor_node_affinity = policy(
            "nodeAffinityPolicy",
            c.node_affinity_policy.as_deref(),
            true,
            cx,
        );
        let honor_node_taints = policy(
            "nodeTaintsPolicy",
            c.node_taints_policy.as_deref(),
            false,
            cx,
        );
        let mut sel_errors = Vec::new();
        let label_selector = c
            .label_selector
            .as_ref()
            .map(|s| label_selector(&child(&p, "labelSelector"), s, &mut sel_errors));
        cx.errors.extend(sel_errors);
        topology_spread_constraints.push(TopologySpreadConstraint {
            max_skew: c.max_skew,
            topology_key: c.topology_key.clone(),
            when_unsatisfiable,
            label_selector,
            min_domains: c.min_domains,
            honor_node_affinity,
            honor_node_taints,
            match_label_keys: c.match_label_keys.clone().unwrap_or_default(),
        });
    }

    let mut host_ports = Vec::new();
    for c in spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
    {
        for port in c.ports.iter().flatten() {
            if let Some(hp) = port.host_port.filter(|p| *p > 0) {
                host_ports.push(HostPort {
                    protocol: port.protocol.clone().unwrap_or_else(|| "TCP".into()),
                    host_ip: port.host_ip.clone().unwrap_or_else(|| "0.0.0.0".into()),
                    port: hp,
                });
            }
        }
    }

    // ValidatePodSpec: nodeName, priorityClassName and schedulerName are DNS-1123
    // subdomains; nodeSelector is a label map.
    for (field, value) in [
        ("spec.nodeName", spec.node_name.as_deref()),
        (
            "spec.priorityClassName",
            spec.priority_class_name.as_deref(),
        ),
        ("spec.schedulerName", spec.scheduler_name.as_deref()),
    ] {
        if let Some(e) = value
            .filter(|v| !v.is_empty())
            .and_then(|v| validate_dns1123_subdomain(field, v))
        {
            cx.err(e);
        }
    }
    if let Some(sel) = &spec.node_selector {
        cx.errors.extend(super::field::validate_labels(
            "spec.nodeSelector",
            sel.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }

    let mut pod_spec = PodSpec {
        node_name: spec
            .node_name
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(Into::into),
        scheduler_name: crate::model::str_map::shared(
            spec.scheduler_name
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(well_known::DEFAULT_SCHEDULER_NAME),
        ),
        priority: spec.priority.unwrap_or(0),
        priority_class_name: spec
            .priority_class_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(Into::into),
        preemption_policy: preemption_policy(
            "spec.preemptionPolicy",
            spec.preemption_policy.as_deref(),
            cx,
        ),
        node_selector: spec.node_selector.iter().flatten().collect(),
        tolerations: tolerations.into(),
        topology_spread_constraints: topology_spread_constraints.into(),
        pod_affinity,
        volumes: volumes.into(),
        requests,
        non_zero_milli_cpu: nz_cpu,
        non_zero_memory: nz_mem,
        termination_grace_seconds: spec
            .termination_grace_period_seconds
            .unwrap_or(DEFAULT_TERMINATION_GRACE_SECONDS)
            .max(0),
        rare: None,
    };
    pod_spec.set_rare(RareSpec {
        required_node_affinity,
        preferred_node_affinity: preferred_node_affinity.into(),
        host_ports: host_ports.into(),
        scheduling_gates: spec
            .scheduling_gates
            .iter()
            .flatten()
            .map(|g| g.name.clone())
            .collect(),
    });
    Pod {
        meta,
        spec: pod_spec,
        status: PodStatus::default(),
    }
}

/// `spec.affinity.podAffinity` and `podAntiAffinity`: `None` when neither is set. Each
/// term's `matchLabelKeys`/`mismatchLabelKeys` are folded into its selector as the API
/// server does at creation (`mutatePodAffinity`; MatchLabelKeysInPodAffinity is GA and
/// locked on since v1.33): `key in (value)` / `key notin (value)` for each key the pod
/// carries, and nothing when the selector is nil (it selects no pods anyway).
fn pod_affinity_from(
    affinity: &core::Affinity,
    meta: &Meta,
    cx: &mut Cx,
) -> Option<Box<PodAffinity>> {
    if affinity.pod_affinity.is_none() && affinity.pod_anti_affinity.is_none() {
        return None;
    }
    let mut out = PodAffinity::default();
    if let Some(a) = &affinity.pod_affinity {
        (out.required_affinity, out.preferred_affinity) = pod_affinity_terms(
            "spec.affinity.podAffinity",
            a.required_during_scheduling_ignored_during_execution
                .as_deref(),
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref(),
            meta,
            cx,
        );
    }
    if let Some(a) = &affinity.pod_anti_affinity {
        (out.required_anti_affinity, out.preferred_anti_affinity) = pod_affinity_terms(
            "spec.affinity.podAntiAffinity",
            a.required_during_scheduling_ignored_during_execution
                .as_deref(),
            a.preferred_during_scheduling_ignored_during_execution
                .as_deref(),
            meta,
            cx,
        );
    }
    Some(Box::new(out))
}

/// The required and the preferred terms of `podAffinity` or `podAntiAffinity` (two API
/// types with the same fields), under `base`.
type AffinityTerms = (Vec<PodAffinityTerm>, Vec<(i32, PodAffinityTerm)>);
fn pod_affinity_terms(
    base: &str,
    required: Option<&[core::PodAffinityTerm]>,
    preferred: Option<&[core::WeightedPodAffinityTerm]>,
    meta: &Meta,
    cx: &mut Cx,
) -> AffinityTerms {
    let required_path = child(base, "requiredDuringSchedulingIgnoredDuringExecution");
    let preferred_path = child(base, "preferredDuringSchedulingIgnoredDuringExecution");
    let required = required
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, t)| pod_affinity_term(&index(&required_path, i), t, meta, cx))
        .collect();
    let preferred = preferred
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            weighted_pod_affinity_term(
                &index(&preferred_path, i),
                t.weight,
                &t.pod_affinity_term,
                meta,
                cx,
            )
        })
        .collect();
    (required, preferred)
}

fn weighted_pod_affinity_term(
    path: &str,
    weight: i32,
    t: &core::PodAffinityTerm,
    meta: &Meta,
    cx: &mut Cx,
) -> (i32, PodAffinityTerm) {
    // validateWeightedPodAffinityTerms.
    if !(1..=100).contains(&weight) {
        cx.err(FieldError::invalid_number(
            child(path, "weight"),
            weight as i64,
            "must be in the range 1-100",
        ));
    }
    (
        weight,
        pod_affinity_term(&child(path, "podAffinityTerm"), t, meta, cx),
    )
}

fn pod_affinity_term(
    path: &str,
    t: &core::PodAffinityTerm,
    meta: &Meta,
    cx: &mut Cx,
) -> PodAffinityTerm {
    let mut selector = t
        .label_selector
        .as_ref()
        .map(|s| label_selector(&child(path, "labelSelector"), s, &mut cx.errors));
    if let Some(sel) = selector.as_mut() {
        for k in t.match_label_keys.iter().flatten() {
            if let Some(v) = meta.labels.get(k) {
                sel.and_equal(k, v);
            }
        }
        for k in t.mismatch_label_keys.iter().flatten() {
            if let Some(v) = meta.labels.get(k) {
                sel.and_not_equal(k, v);
            }
        }
    }
    let namespace_selector = t
        .namespace_selector
        .as_ref()
        .map(|s| label_selector(&child(path, "namespaceSelector"), s, &mut cx.errors));
    let listed: Vec<String> = t.namespaces.clone().unwrap_or_default();
    // validatePodAffinityTerm, after the selectors: each namespace a DNS label (reported
    // at `.namespace`, as upstream does), then the topology key. matchLabelKeys /
    // mismatchLabelKeys are not validated.
    for n in &listed {
        for e in super::field::validate_dns1123_label(&child(path, "namespace"), n) {
            cx.err(e);
        }
    }
    // The topology key is required and (even when empty, as upstream appends both) a
    // label name.
    if t.topology_key.is_empty() {
        cx.err(FieldError::required(
            child(path, "topologyKey"),
            "can not be empty",
        ));
    }
    cx.errors.extend(super::field::validate_label_name(
        &child(path, "topologyKey"),
        &t.topology_key,
    ));

    let namespaces = if listed.is_empty() && namespace_selector.is_none() {
        let own = if meta.namespace.is_empty() {
            "default"
        } else {
            &meta.namespace
        };
        vec![own.to_string()]
    } else {
        listed
    };
    PodAffinityTerm {
        selector,
        namespaces: namespaces.into(),
        namespace_selector,
        topology_key: t.topology_key.clone(),
    }
}

/// The in-tree disk a pod's volume mounts, for the scheduler's disk-conflict and
/// attach-limit checks.
fn in_tree_disk_of_volume(v: &core::Volume) -> Option<InTreeDisk> {
    Some(if let Some(d) = &v.gce_persistent_disk {
        InTreeDisk::GcePd {
            pd_name: d.pd_name.clone(),
            read_only: d.read_only.unwrap_or(false),
        }
    } else if let Some(d) = &v.aws_elastic_block_store {
        InTreeDisk::AwsEbs {
            volume_id: d.volume_id.clone(),
        }
    } else if let Some(d) = &v.iscsi {
        InTreeDisk::Iscsi {
            iqn: d.iqn.clone(),
            read_only: d.read_only.unwrap_or(false),
        }
    } else if let Some(d) = &v.rbd {
        InTreeDisk::Rbd {
            monitors: d.monitors.clone(),
            // SetDefaults_RBDVolumeSource.
            pool: d
                .pool
                .clone()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "rbd".into()),
            image: d.image.clone(),
            read_only: d.read_only.unwrap_or(false),
        }
    } else if let Some(d) = &v.azure_disk {
        InTreeDisk::AzureDisk {
            disk_uri: d.disk_uri.clone(),
        }
    } else if v.azure_file.is_some() {
        InTreeDisk::AzureFile
    } else if let Some(d) = &v.cinder {
        InTreeDisk::Cinder {
            volume_id: d.volume_id.clone(),
        }
    } else if let Some(d) = &v.portworx_volume {
        InTreeDisk::Portworx {
            volume_id: d.volume_id.clone(),
        }
    } else if v.vsphere_volume.is_some() {
        InTreeDisk::VsphereVolume
    } else {
        return None;
    })
}

/// `validateVolumeSource`'s checks of the in-tree disks the scheduler reads, for a pod's
/// volume at `p` (the iSCSI name formats beyond their prefix are not checked).
fn inline_disk_errors(p: &str, v: &core::Volume, cx: &mut Cx) {
    if let Some(d) = &v.gce_persistent_disk {
        gce_pd_errors(&child(p, "gcePersistentDisk"), d, cx);
    }
    if let Some(d) = &v.aws_elastic_block_store {
        aws_ebs_errors(&child(p, "awsElasticBlockStore"), d, cx);
    }
    if let Some(d) = &v.iscsi {
        let p = child(p, "iscsi");
        if d.target_portal.is_empty() {
            cx.err(FieldError::required(child(&p, "targetPortal"), ""));
        }
        if d.iqn.is_empty() {
            cx.err(FieldError::required(child(&p, "iqn"), ""));
        } else if !["iqn", "eui", "naa"].iter().any(|x| d.iqn.starts_with(x)) {
            cx.err(FieldError::invalid(
                child(&p, "iqn"),
                &d.iqn,
                "must be valid format starting with iqn, eui, or naa",
            ));
        }
        if !(0..=255).contains(&d.lun) {
            cx.err(FieldError::invalid_number(
                child(&p, "lun"),
                d.lun.into(),
                "must be between 0 and 255, inclusive",
            ));
        }
    }
    if let Some(d) = &v.rbd {
        let p = child(p, "rbd");
        if d.monitors.is_empty() {
            cx.err(FieldError::required(child(&p, "monitors"), ""));
        }
        if d.image.is_empty() {
            cx.err(FieldError::required(child(&p, "image"), ""));
        }
    }
    if let Some(d) = &v.cinder {
        if d.volume_id.is_empty() {
            cx.err(FieldError::required(child(p, "cinder.volumeID"), ""));
        }
    }
    if let Some(d) = &v.azure_disk {
        azure_disk_errors(&child(p, "azureDisk"), d, cx);
    }
    if let Some(d) = &v.portworx_volume {
        if d.volume_id.is_empty() {
            cx.err(FieldError::required(
                child(p, "portworxVolume.volumeID"),
                "",
            ));
        }
    }
}

/// `ValidatePersistentVolumeSpec`'s checks of the migratable in-tree disks.
fn pv_disk_errors(spec: &core::PersistentVolumeSpec, cx: &mut Cx) {
    if let Some(d) = &spec.gce_persistent_disk {
        gce_pd_errors("spec.gcePersistentDisk", d, cx);
    }
    if let Some(d) = &spec.aws_elastic_block_store {
        aws_ebs_errors("spec.awsElasticBlockStore", d, cx);
    }
    if spec.cinder.as_ref().is_some_and(|d| d.volume_id.is_empty()) {
        cx.err(FieldError::required("spec.cinder.volumeID", ""));
    }
    if spec
        .portworx_volume
        .as_ref()
        .is_some_and(|d| d.volume_id.is_empty())
    {
        cx.err(FieldError::required("spec.portworxVolume.volumeID", ""));
    }
    if let Some(d) = &spec.azure_disk {
        azure_disk_errors("spec.azureDisk", d, cx);
    }
}

/// `validateGCEPersistentDiskVolumeSource`.
fn gce_pd_errors(p: &str, d: &core::GCEPersistentDiskVolumeSource, cx: &mut Cx) {
    if d.pd_name.is_empty() {
        cx.err(FieldError::required(child(p, "pdName"), ""));
    }
    disk_partition_errors(p, d.partition, cx);
}

/// `validateAWSElasticBlockStoreVolumeSource`.
fn aws_ebs_errors(p: &str, d: &core::AWSElasticBlockStoreVolumeSource, cx: &mut Cx) {
    if d.volume_id.is_empty() {
        cx.err(FieldError::required(child(p, "volumeID"), ""));
    }
    disk_partition_errors(p, d.partition, cx);
}

/// A GCE PD's or EBS volume's partition: 0 to 255, refused with upstream's
/// `pdPartitionErrorMsg` (which says 1).
fn disk_partition_errors(p: &str, partition: Option<i32>, cx: &mut Cx) {
    if let Some(n) = partition.filter(|n| !(0..=255).contains(n)) {
        cx.err(FieldError::invalid_number(
            child(p, "partition"),
            n.into(),
            "must be between 1 and 255, inclusive",
        ));
    }
}

/// `validateAzureDisk`'s required fields.
fn azure_disk_errors(p: &str, d: &core::AzureDiskVolumeSource, cx: &mut Cx) {
    if d.disk_name.is_empty() {
        cx.err(FieldError::required(child(p, "diskName"), ""));
    }
    if d.disk_uri.is_empty() {
        cx.err(FieldError::required(child(p, "diskURI"), ""));
    }
}

/// The migratable in-tree disk a PV's source names (`name` is its field).
fn in_tree_disk_of_pv(name: &str, spec: &core::PersistentVolumeSpec) -> Option<InTreeDisk> {
    Some(match name {
        "gcePersistentDisk" => InTreeDisk::GcePd {
            pd_name: spec.gce_persistent_disk.as_ref()?.pd_name.clone(),
            read_only: spec
                .gce_persistent_disk
                .as_ref()?
                .read_only
                .unwrap_or(false),
        },
        "awsElasticBlockStore" => InTreeDisk::AwsEbs {
            volume_id: spec.aws_elastic_block_store.as_ref()?.volume_id.clone(),
        },
        "azureDisk" => InTreeDisk::AzureDisk {
            disk_uri: spec.azure_disk.as_ref()?.disk_uri.clone(),
        },
        "azureFile" => InTreeDisk::AzureFile,
        "cinder" => InTreeDisk::Cinder {
            volume_id: spec.cinder.as_ref()?.volume_id.clone(),
        },
        "portworxVolume" => InTreeDisk::Portworx {
            volume_id: spec.portworx_volume.as_ref()?.volume_id.clone(),
        },
        "vsphereVolume" => InTreeDisk::VsphereVolume,
        _ => return None,
    })
}

fn volume_type_name(v: &core::Volume) -> &'static str {
    if v.empty_dir.is_some() {
        "emptyDir"
    } else if v.config_map.is_some() {
        "configMap"
    } else if v.secret.is_some() {
        "secret"
    } else if v.host_path.is_some() {
        "hostPath"
    } else if v.projected.is_some() {
        "projected"
    } else if v.downward_api.is_some() {
        "downwardAPI"
    } else if v.csi.is_some() {
        "csi"
    } else if v.nfs.is_some() {
        "nfs"
    } else {
        "other"
    }
}

// ---------------------------------------------------------------------------------------
// CSI objects and PDBs

/// `ValidateCSIDriverName`: required, at most 63 characters, and a DNS-1123 subdomain once
/// lower-cased (so an empty name also fails the regex).
fn csi_driver_name_errors(path: &str, name: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if name.is_empty() {
        errs.push(FieldError::required(path, ""));
    }
    if name.len() > 63 {
        errs.push(FieldError {
            path: path.into(),
            type_: super::FieldErrorType::TooLong,
            value: None,
            detail: "must have at most 63 bytes".into(),
        });
    }
    if let Some(mut e) = validate_dns1123_subdomain(path, &name.to_lowercase()) {
        e.value = Some(format!("{name:?}"));
        errs.push(e);
    }
    errs
}

fn csi_node_from(n: &k8s_openapi::api::storage::v1::CSINode, cx: &mut Cx) -> CsiNode {
    let meta = meta_from(&n.metadata, false, cx);
    let mut drivers = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    for (i, d) in n.spec.drivers.iter().enumerate() {
        // validateCSINodeDriver: the name (ValidateCSIDriverName: required, at most 63
        // characters, a DNS-1123 subdomain once lower-cased), the nodeID (required, at most
        // 192 characters), allocatable.count, duplicate names, topology keys.
        let p = index("spec.drivers", i);
        let name_path = child(&p, "name");
        cx.errors
            .extend(csi_driver_name_errors(&name_path, &d.name));
        if d.node_id.is_empty() {
            cx.err(FieldError::required(child(&p, "nodeID"), ""));
        } else if d.node_id.len() > 192 {
            cx.err(FieldError::invalid(
                child(&p, "nodeID"),
                &d.node_id,
                "must be 192 characters or less",
            ));
        }
        let count = d.allocatable.as_ref().and_then(|a| a.count);
        if let Some(c) = count.filter(|c| *c < 0) {
            cx.err(FieldError::invalid_number(
                child(&p, "allocatable.count"),
                c as i64,
                "must be greater than or equal to 0",
            ));
        }
        if !names.insert(d.name.as_str()) {
            cx.err(FieldError::duplicate(name_path, &d.name, ""));
        }
        let mut keys = std::collections::BTreeSet::new();
        for k in d.topology_keys.iter().flatten() {
            if k.is_empty() {
                cx.err(FieldError::required(p.clone(), ""));
            }
            if !keys.insert(k.as_str()) {
                cx.err(FieldError::duplicate(p.clone(), k, ""));
            }
            for m in super::field::qualified_name_errors(k) {
                cx.err(FieldError::invalid(p.clone(), k, m));
            }
        }
        drivers.push(CsiNodeDriver {
            name: d.name.clone(),
            node_id: d.node_id.clone(),
            allocatable_count: count,
            topology_keys: d.topology_keys.clone().unwrap_or_default(),
        });
    }
    CsiNode { meta, drivers }
}

fn csi_driver_from(d: &k8s_openapi::api::storage::v1::CSIDriver, cx: &mut Cx) -> CsiDriver {
    let meta = meta_from(&d.metadata, false, cx);
    CsiDriver {
        meta,
        attach_required: d.spec.attach_required.unwrap_or(true),
        storage_capacity: d.spec.storage_capacity.unwrap_or(false),
    }
}

fn csi_capacity_from(
    c: &k8s_openapi::api::storage::v1::CSIStorageCapacity,
    cx: &mut Cx,
) -> CsiStorageCapacity {
    let meta = meta_from(&c.metadata, true, cx);
    // ValidateCSIStorageCapacity: nodeTopology, then storageClassName as a DNS-1123
    // subdomain (an empty one fails the regex: there is no Required), then a
    // non-negative capacity.
    let mut sel_errors = Vec::new();
    let node_topology = c
        .node_topology
        .as_ref()
        .map(|s| label_selector("nodeTopology", s, &mut sel_errors));
    cx.errors.extend(sel_errors);
    if let Some(e) = validate_dns1123_subdomain("storageClassName", &c.storage_class_name) {
        cx.err(e);
    }
    if let Some(q) = &c.capacity {
        if Quantity::parse(&q.0).is_ok_and(|v| v.value() < 0) {
            cx.err(FieldError::invalid(
                "capacity",
                &crate::quantity::canonical(&q.0),
                "must be greater than or equal to 0",
            ));
        }
    }
    CsiStorageCapacity {
        meta,
        storage_class_name: c.storage_class_name.clone(),
        node_topology,
        capacity: c
            .capacity
            .as_ref()
            .and_then(|q| cx.quantity("capacity", q))
            .map(|q| q.bytes()),
        maximum_volume_size: c
            .maximum_volume_size
            .as_ref()
            .and_then(|q| cx.quantity("maximumVolumeSize", q))
            .map(|q| q.bytes()),
    }
}

/// `ValidatePositiveIntOrPercent`, plus `IsNotMoreThan100Percent` when `at_most_100`. An
/// IntOrString is printed through its `String()` (unquoted), as `field.Error` prints a value
/// whose pointer is a Stringer.
fn int_or_percent(
    path: &str,
    v: &IntOrString,
    at_most_100: bool,
    cx: &mut Cx,
) -> Option<IntOrPercent> {
    match v {
        IntOrString::Int(i) => {
            if *i < 0 {
                cx.err(FieldError::invalid_number(
                    path,
                    *i as i64,
                    "must be greater than or equal to 0",
                ));
            }
            Some(IntOrPercent::Int(*i))
        }
        IntOrString::String(s) => {
            let digits = s.strip_suffix('%').unwrap_or("");
            let valid = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
            if !valid {
                cx.err(super::field::invalid_rendered(
                    path,
                    s.clone(),
                    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                ));
                return None;
            }
            let p = digits.parse::<i64>().unwrap_or(i64::MAX);
            if at_most_100 && p > 100 {
                cx.err(super::field::invalid_rendered(
                    path,
                    s.clone(),
                    "must not be greater than 100%",
                ));
                return None;
            }
            Some(IntOrPercent::Percent(p.min(i32::MAX as i64) as i32))
        }
    }
}

fn pdb_from(
    p: &k8s_openapi::api::policy::v1::PodDisruptionBudget,
    cx: &mut Cx,
) -> PodDisruptionBudget {
    let meta = meta_from(&p.metadata, true, cx);
    let spec = p.spec.clone().unwrap_or_default();
    // ValidatePodDisruptionBudgetSpec: the both-set error comes first (its value is the
    // whole spec, a Go struct with pointers upstream; shown here by the two field names).
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        cx.err(FieldError::invalid(
            "spec",
            "minAvailable and maxUnavailable",
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    let min_available = spec
        .min_available
        .as_ref()
        .and_then(|v| int_or_percent("spec.minAvailable", v, true, cx));
    let max_unavailable = spec
        .max_unavailable
        .as_ref()
        .and_then(|v| int_or_percent("spec.maxUnavailable", v, true, cx));
    let mut sel_errors = Vec::new();
    let selector = spec
        .selector
        .as_ref()
        .map(|s| label_selector("spec.selector", s, &mut sel_errors));
    cx.errors.extend(sel_errors);
    PodDisruptionBudget {
        meta,
        selector,
        min_available,
        max_unavailable,
    }
}

// --- Workloads (apps/v1) ------------------------------------------------------------------

/// A quantity inside Go's `%#v` of a `ResourceList`: the struct is not reproducible byte
/// for byte (it holds pointers), so it is shown by its canonical string.
fn go_quantity(q: &str) -> String {
    format!("{:?}", crate::quantity::canonical(q))
}

/// Go's `%#v` of a `map[string]string`, as `field.Invalid` prints a labels map.
fn go_map(m: &StrMap) -> String {
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", body.join(", "))
}

/// `spec.selector` and `spec.template` of a workload: the selector must be non-empty and
/// select the template's labels; the template must make a valid pod that restarts Always.
fn workload_selector_and_template(
    kind: &str,
    selector: Option<&metav1::LabelSelector>,
    template: &core::PodTemplateSpec,
    name: &str,
    cx: &mut Cx,
) -> LabelSelector {
    let mut sel_errors = Vec::new();
    let selector = match selector {
        None => {
            cx.err(FieldError::required("spec.selector", ""));
            LabelSelector::default()
        }
        Some(s) => {
            let sel = label_selector("spec.selector", s, &mut sel_errors);
            let empty = s.match_labels.as_ref().is_none_or(|m| m.is_empty())
                && s.match_expressions.as_ref().is_none_or(|e| e.is_empty());
            if empty {
                sel_errors.push(FieldError {
                    path: "spec.selector".into(),
                    type_: super::FieldErrorType::Invalid,
                    value: Some("{}".into()),
                    detail: format!("empty selector is invalid for {kind}"),
                });
            } else if sel_errors.is_empty() {
                let labels = template
                    .metadata
                    .as_ref()
                    .and_then(|m| m.labels.clone())
                    .map(StrMap::from)
                    .unwrap_or_default();
                if !sel.matches(&labels) {
                    sel_errors.push(FieldError {
                        path: "spec.template.metadata.labels".into(),
                        type_: super::FieldErrorType::Invalid,
                        value: Some(go_map(&labels)),
                        detail: "`selector` does not match template `labels`".into(),
                    });
                }
            }
            sel
        }
    };
    cx.errors.extend(sel_errors);
    let pod = pod_from_template(template, name, "");
    let mut pod_cx = Cx::default();
    pod_from(&pod, &mut pod_cx);
    for mut e in pod_cx.errors {
        if e.path.starts_with("metadata.name") {
            continue;
        }
        e.path = child("spec.template", &e.path);
        cx.err(e);
    }
    let restart = template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("Always");
    if restart != "Always" {
        cx.err(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            restart,
            &["Always"],
        ));
    }
    selector
}

/// A pod manifest made from a template (`controller.GetPodFromTemplate` without the owner).
pub(crate) fn pod_from_template(
    template: &core::PodTemplateSpec,
    name: &str,
    namespace: &str,
) -> core::Pod {
    let mut metadata = template.metadata.clone().unwrap_or_default();
    metadata.name = Some(name.to_string());
    if !namespace.is_empty() {
        metadata.namespace = Some(namespace.to_string());
    }
    core::Pod {
        metadata,
        spec: template.spec.clone(),
        status: None,
    }
}

fn replicas_field(replicas: Option<i32>, cx: &mut Cx) -> i32 {
    let r = replicas.unwrap_or(1);
    if r < 0 {
        cx.err(FieldError::invalid_number(
            "spec.replicas",
            r as i64,
            "must be greater than or equal to 0",
        ));
    }
    r.max(0)
}

/// The revision name of a template (`<owner>-<hash>`). Upstream hashes the Go object dump
/// with FNV-32a; Bindery hashes the template's JSON the same way, so names have the
/// upstream shape and change exactly when the template does.
pub(crate) fn template_hash<T: serde::Serialize>(template: &T) -> String {
    let json = serde_json::to_value(template)
        .map(|v| v.to_string())
        .unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in json.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    safe_encode(&h.to_string())
}

/// `rand.SafeEncodeString`: maps each byte onto consonants and digits that cannot spell
/// words.
pub(crate) fn safe_encode(s: &str) -> String {
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

fn stateful_set_from(o: &k8s_openapi::api::apps::v1::StatefulSet, cx: &mut Cx) -> StatefulSet {
    let meta = meta_from(&o.metadata, true, cx);
    let spec = o.spec.clone().unwrap_or_default();
    let replicas = replicas_field(spec.replicas, cx);
    let selector = workload_selector_and_template(
        "statefulset",
        Some(&spec.selector),
        &spec.template,
        &format!("{}-0", meta.name),
        cx,
    );
    let pod_management = match spec.pod_management_policy.as_deref() {
        None | Some("OrderedReady") => PodManagementPolicy::OrderedReady,
        Some("Parallel") => PodManagementPolicy::Parallel,
        Some(other) => {
            cx.err(FieldError::not_supported(
                "spec.podManagementPolicy",
                other,
                &["OrderedReady", "Parallel"],
            ));
            PodManagementPolicy::OrderedReady
        }
    };
    let update_strategy = match spec
        .update_strategy
        .as_ref()
        .and_then(|u| u.type_.as_deref())
    {
        None | Some("RollingUpdate") => SetUpdateStrategy::RollingUpdate,
        Some("OnDelete") => SetUpdateStrategy::OnDelete,
        Some(other) => {
            cx.err(FieldError::not_supported(
                "spec.updateStrategy.type",
                other,
                &["OnDelete", "RollingUpdate"],
            ));
            SetUpdateStrategy::RollingUpdate
        }
    };
    let mut retention = |field: &str, v: Option<&str>| match v {
        None | Some("Retain") => ClaimRetention::Retain,
        Some("Delete") => ClaimRetention::Delete,
        Some(other) => {
            cx.err(FieldError::not_supported(
                format!("spec.persistentVolumeClaimRetentionPolicy.{field}"),
                other,
                &["Retain", "Delete"],
            ));
            ClaimRetention::Retain
        }
    };
    let policy = spec.persistent_volume_claim_retention_policy.clone();
    let when_deleted = retention(
        "whenDeleted",
        policy.as_ref().and_then(|p| p.when_deleted.as_deref()),
    );
    let when_scaled = retention(
        "whenScaled",
        policy.as_ref().and_then(|p| p.when_scaled.as_deref()),
    );
    let ordinal_start = spec.ordinals.as_ref().and_then(|o| o.start).unwrap_or(0);
    if ordinal_start < 0 {
        cx.err(FieldError::invalid_number(
            "spec.ordinals.start",
            ordinal_start as i64,
            "must be greater than or equal to 0",
        ));
    }
    let min_ready_seconds = min_ready_seconds_field(spec.min_ready_seconds, cx);
    let claim_templates = spec.volume_claim_templates.clone().unwrap_or_default();
    for (i, t) in claim_templates.iter().enumerate() {
        let path = index("spec.volumeClaimTemplates", i);
        let name = t.metadata.name.clone().unwrap_or_default();
        if name.is_empty() {
            cx.err(FieldError::required(child(&path, "metadata.name"), ""));
        }
        pvc_spec_into(
            Meta::default(),
            &t.spec.clone().unwrap_or_default(),
            &child(&path, "spec"),
            cx,
        );
    }
    let update_revision = format!("{}-{}", meta.name, template_hash(&spec.template));
    StatefulSet {
        meta,
        replicas,
        selector,
        selector_wire: std::sync::Arc::new(spec.selector.clone()),
        service_name: spec.service_name.clone().unwrap_or_default(),
        pod_management,
        update_strategy,
        ordinal_start: ordinal_start.max(0),
        min_ready_seconds,
        when_deleted,
        when_scaled,
        template: std::sync::Arc::new(spec.template),
        claim_templates: std::sync::Arc::new(claim_templates),
        update_revision,
        status: WorkloadStatus::default(),
    }
}

fn deployment_from(o: &k8s_openapi::api::apps::v1::Deployment, cx: &mut Cx) -> Deployment {
    let meta = meta_from(&o.metadata, true, cx);
    let spec = o.spec.clone().unwrap_or_default();
    let replicas = replicas_field(spec.replicas, cx);
    let selector = workload_selector_and_template(
        "deployment",
        Some(&spec.selector),
        &spec.template,
        &meta.name,
        cx,
    );
    let strategy_type = spec
        .strategy
        .as_ref()
        .and_then(|s| s.type_.clone())
        .unwrap_or_else(|| "RollingUpdate".to_string());
    let strategy = match strategy_type.as_str() {
        "Recreate" => {
            if spec
                .strategy
                .as_ref()
                .is_some_and(|s| s.rolling_update.is_some())
            {
                cx.err(FieldError::forbidden(
                    "spec.strategy.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
            DeploymentStrategy::Recreate
        }
        "RollingUpdate" => {
            let ru = spec
                .strategy
                .as_ref()
                .and_then(|s| s.rolling_update.clone())
                .unwrap_or_default();
            let quarter = IntOrString::String("25%".into());
            let max_surge = int_or_percent(
                "spec.strategy.rollingUpdate.maxSurge",
                ru.max_surge.as_ref().unwrap_or(&quarter),
                false,
                cx,
            )
            .unwrap_or(IntOrPercent::Percent(25));
            let max_unavailable = int_or_percent(
                "spec.strategy.rollingUpdate.maxUnavailable",
                ru.max_unavailable.as_ref().unwrap_or(&quarter),
                true,
                cx,
            )
            .unwrap_or(IntOrPercent::Percent(25));
            let zero =
                |v: &IntOrPercent| matches!(v, IntOrPercent::Int(0) | IntOrPercent::Percent(0));
            if zero(&max_surge) && zero(&max_unavailable) {
                cx.err(FieldError::invalid_number(
                    "spec.strategy.rollingUpdate.maxUnavailable",
                    0,
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
            DeploymentStrategy::RollingUpdate {
                max_surge,
                max_unavailable,
            }
        }
        other => {
            cx.err(FieldError::not_supported(
                "spec.strategy.type",
                other,
                &["Recreate", "RollingUpdate"],
            ));
            DeploymentStrategy::Recreate
        }
    };
    Deployment {
        meta,
        replicas,
        selector,
        selector_wire: std::sync::Arc::new(spec.selector.clone()),
        strategy,
        min_ready_seconds: min_ready_seconds_field(spec.min_ready_seconds, cx),
        paused: spec.paused == Some(true),
        template: std::sync::Arc::new(spec.template),
        status: WorkloadStatus::default(),
    }
}

/// `spec.minReadySeconds` of a workload (`ValidateNonnegativeField`); 0 when absent or invalid.
fn min_ready_seconds_field(value: Option<i32>, cx: &mut Cx) -> i32 {
    let v = value.unwrap_or(0);
    if v < 0 {
        cx.err(FieldError::invalid_number(
            "spec.minReadySeconds",
            v as i64,
            "must be greater than or equal to 0",
        ));
        return 0;
    }
    v
}

fn replica_set_from(o: &k8s_openapi::api::apps::v1::ReplicaSet, cx: &mut Cx) -> ReplicaSet {
    let meta = meta_from(&o.metadata, true, cx);
    let spec = o.spec.clone().unwrap_or_default();
    let replicas = replicas_field(spec.replicas, cx);
    let template = spec.template.clone().unwrap_or_default();
    let selector = workload_selector_and_template(
        "replicaset",
        Some(&spec.selector),
        &template,
        &meta.name,
        cx,
    );
    ReplicaSet {
        meta,
        replicas,
        selector,
        min_ready_seconds: min_ready_seconds_field(spec.min_ready_seconds, cx),
        template: std::sync::Arc::new(template),
        status: WorkloadStatus::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    fn convert(yaml: &str) -> Result<Converted, Vec<FieldError>> {
        let p = parse(yaml);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        to_model(&p.manifests[0].manifest)
    }

    fn first_error(yaml: &str) -> String {
        convert(yaml).unwrap_err()[0].to_string()
    }

    #[test]
    fn pvc_validation_matches_the_api_server() {
        let cases = [
            (
                "accessModes: [ReadWriteOnce, ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}",
                "spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            ),
            (
                "accessModes: []\n  resources: {requests: {storage: 1Gi}}",
                "spec.accessModes: Required value: at least 1 access mode is required",
            ),
            (
                "accessModes: [ReadWriteSometimes]\n  resources: {requests: {storage: 1Gi}}",
                "spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"",
            ),
            (
                "accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 5GB!}}",
                "spec.resources.requests[storage]: Invalid value: \"5GB!\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
            (
                "accessModes: [ReadWriteOnce]",
                "spec.resources[storage]: Required value",
            ),
        ];
        for (spec, want) in cases {
            let yaml = format!(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c}}\nspec:\n  {spec}\n"
            );
            assert_eq!(first_error(&yaml), want, "{spec}");
        }
    }

    #[test]
    fn pod_requests_follow_pod_requests_rules() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - {name: i, resources: {requests: {cpu: '2'}}}\n  containers:\n  - {name: a, resources: {requests: {cpu: 500m, memory: 1Gi}}}\n  - {name: b, resources: {limits: {cpu: 250m}}}\n";
        let Object::Pod(p) = convert(yaml).unwrap().object else {
            panic!()
        };
        assert_eq!(p.spec.requests.milli_cpu, 2000, "init container max wins");
        assert_eq!(p.spec.requests.memory, 1 << 30);
        assert_eq!(p.spec.non_zero_memory, (1 << 30) + DEFAULT_MEMORY_REQUEST);
    }

    #[test]
    fn local_pv_needs_node_affinity() {
        let yaml = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  local: {path: /mnt/a}\n";
        assert_eq!(
            first_error(yaml),
            "spec.nodeAffinity: Required value: Local volume requires node affinity"
        );
    }
}
