//! Model → real manifests: the scenario (what the user applied) and the resulting state
//! (every live object with what the controllers and the scheduler wrote).
//!
//! For an object the user created, export starts from the manifest it came from, so fields
//! Bindery does not model (images, commands, …) survive, and overlays the fields the
//! simulation owns (node names, bindings, annotations, finalizers, status). Objects the
//! simulation created (provisioned PVs) are built from the model alone.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;
use serde::de::DeserializeOwned;

use super::Manifest;
use crate::cluster::Cluster;
use crate::model::*;
use crate::quantity::{format_bytes, format_milli};
use crate::sim::Simulation;
use crate::time::SimTime;

/// The kinds in the order manifests are written (dependencies first).
const ORDER: [Kind; 13] = [
    Kind::PriorityClass,
    Kind::StorageClass,
    Kind::CSIDriver,
    Kind::Node,
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

/// Joins documents into one multi-document YAML text.
pub fn to_yaml_documents(manifests: &[Manifest]) -> String {
    // A big export writes its documents on several threads (native builds), joined in order.
    let texts = crate::parallel::map_items(manifests, PARALLEL_MIN_DOCUMENTS, Manifest::to_yaml);
    let mut out = String::new();
    match texts {
        Some(texts) => {
            for t in texts {
                out.push_str("---\n");
                out.push_str(&t);
            }
        }
        None => {
            for m in manifests {
                out.push_str("---\n");
                out.push_str(&m.to_yaml());
            }
        }
    }
    out
}

/// Exports with at least this many documents are written on several threads.
const PARALLEL_MIN_DOCUMENTS: usize = 2_000;

/// The scenario: every object the user created and has not deleted, as written.
pub fn scenario_manifests(sim: &Simulation) -> Vec<Manifest> {
    let cluster = sim.cluster();
    let mut out = Vec::new();
    for kind in ORDER {
        let mut entries: Vec<(&(Kind, ObjectKey), &crate::kept::Kept)> = cluster
            .manifests
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .collect();
        crate::sort::sort_by_key(&mut entries, |((_, key), _)| arrival_of(cluster, kind, key));
        for ((_, _), source) in entries {
            if let Some(m) = manifest_from_json(kind, &source.text()) {
                out.push(m);
            }
        }
    }
    out
}

/// The scenario as multi-document YAML.
pub fn scenario_yaml(sim: &Simulation) -> String {
    to_yaml_documents(&scenario_manifests(sim))
}

/// The resulting state: every live object, with status.
pub fn state_manifests(sim: &Simulation) -> Vec<Manifest> {
    let c = sim.cluster();
    let mut out = Vec::new();
    for pc in c.priority_classes.values() {
        if Cluster::is_user_priority_class(&pc.meta.name) {
            out.push(Manifest::PriorityClass(Box::new(priority_class(c, pc))));
        }
    }
    for sc in c.storage_classes.values() {
        out.push(Manifest::StorageClass(Box::new(storage_class(c, sc))));
    }
    for d in c.csi_drivers.values() {
        out.push(Manifest::CSIDriver(Box::new(csi_driver(c, d))));
    }
    for n in c.nodes.values() {
        out.push(Manifest::Node(Box::new(node(c, n))));
    }
    for n in c.csi_nodes.values() {
        out.push(Manifest::CSINode(Box::new(csi_node(c, n))));
    }
    for cap in c.csi_capacities.values() {
        out.push(Manifest::CSIStorageCapacity(Box::new(csi_capacity(c, cap))));
    }
    // The numerous kinds are written on several threads in a big cluster (native builds).
    let pvs: Vec<_> = c.pvs().values().collect();
    extend_in_order(&mut out, &pvs, |pv| {
        Manifest::PersistentVolume(Box::new(persistent_volume(c, pv)))
    });
    let pvcs: Vec<_> = c.pvcs().values().collect();
    extend_in_order(&mut out, &pvcs, |pvc| {
        Manifest::PersistentVolumeClaim(Box::new(persistent_volume_claim(c, pvc)))
    });
    for pdb in c.pdbs.values() {
        out.push(Manifest::PodDisruptionBudget(Box::new(
            pod_disruption_budget(c, pdb),
        )));
    }
    let pods: Vec<_> = c.pods().values().collect();
    extend_in_order(&mut out, &pods, |p| Manifest::Pod(Box::new(pod(c, p))));
    for rs in c.replica_sets.values() {
        out.push(Manifest::ReplicaSet(Box::new(replica_set(c, rs))));
    }
    for d in c.deployments.values() {
        out.push(Manifest::Deployment(Box::new(deployment(c, d))));
    }
    for s in c.stateful_sets.values() {
        out.push(Manifest::StatefulSet(Box::new(stateful_set(c, s))));
    }
    out
}

/// `out` extended with `write` of every object, in order; split over threads when there
/// are many of them.
fn extend_in_order<T: Sync>(
    out: &mut Vec<Manifest>,
    objects: &[T],
    write: impl Fn(&T) -> Manifest + Sync,
) {
    match crate::parallel::map_items(objects, PARALLEL_MIN_DOCUMENTS, &write) {
        Some(written) => out.extend(written),
        None => out.extend(objects.iter().map(write)),
    }
}

/// One live object as `kubectl get -o yaml` shows it (what `kubectl edit` opens).
pub fn state_manifest(sim: &Simulation, kind: Kind, key: &ObjectKey) -> Option<Manifest> {
    let c = sim.cluster();
    let name = &*key.name;
    Some(match kind {
        Kind::PriorityClass => {
            Manifest::PriorityClass(Box::new(priority_class(c, c.priority_classes.get(name)?)))
        }
        Kind::StorageClass => {
            Manifest::StorageClass(Box::new(storage_class(c, c.storage_classes.get(name)?)))
        }
        Kind::CSIDriver => Manifest::CSIDriver(Box::new(csi_driver(c, c.csi_drivers.get(name)?))),
        Kind::Node => Manifest::Node(Box::new(node(c, c.nodes.get(name)?))),
        Kind::CSINode => Manifest::CSINode(Box::new(csi_node(c, c.csi_nodes.get(name)?))),
        Kind::CSIStorageCapacity => {
            Manifest::CSIStorageCapacity(Box::new(csi_capacity(c, c.csi_capacities.get(key)?)))
        }
        Kind::PersistentVolume => {
            Manifest::PersistentVolume(Box::new(persistent_volume(c, c.pv(name)?)))
        }
        Kind::PersistentVolumeClaim => {
            Manifest::PersistentVolumeClaim(Box::new(persistent_volume_claim(c, c.pvc(key)?)))
        }
        Kind::PodDisruptionBudget => {
            Manifest::PodDisruptionBudget(Box::new(pod_disruption_budget(c, c.pdbs.get(key)?)))
        }
        Kind::Pod => Manifest::Pod(Box::new(pod(c, c.pod(key)?))),
        Kind::ReplicaSet => {
            Manifest::ReplicaSet(Box::new(replica_set(c, c.replica_sets.get(key)?)))
        }
        Kind::Deployment => Manifest::Deployment(Box::new(deployment(c, c.deployments.get(key)?))),
        Kind::StatefulSet => {
            Manifest::StatefulSet(Box::new(stateful_set(c, c.stateful_sets.get(key)?)))
        }
    })
}

/// What `kubectl edit` opens on a live object, as text to edit and apply again: its
/// current spec (controller-set fields like `claimRef.uid` included) without the fields
/// the API server owns (`uid`, `creationTimestamp`, `status`; a Node keeps its status,
/// which is what the kubelet reports). `None` when the object does not exist.
pub fn edit_yaml(sim: &Simulation, kind: Kind, key: &ObjectKey) -> Option<String> {
    let m = state_manifest(sim, kind, key)?;
    let mut v = m.to_json();
    if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        for system in ["uid", "creationTimestamp", "resourceVersion", "generation"] {
            meta.remove(system);
        }
    }
    if kind != Kind::Node {
        if let Some(o) = v.as_object_mut() {
            o.remove("status");
        }
    }
    serde_saphyr::to_string(&v).ok()
}

pub fn state_yaml(sim: &Simulation) -> String {
    to_yaml_documents(&state_manifests(sim))
}

fn arrival_of(c: &Cluster, kind: Kind, key: &ObjectKey) -> (u64, String) {
    let arrival = match kind {
        Kind::Node => c.nodes.get(&*key.name).map(|o| o.meta.arrival),
        Kind::StorageClass => c.storage_classes.get(&*key.name).map(|o| o.meta.arrival),
        Kind::PriorityClass => c.priority_classes.get(&*key.name).map(|o| o.meta.arrival),
        Kind::PersistentVolume => c.pv(&key.name).map(|o| o.meta.arrival),
        Kind::PersistentVolumeClaim => c.pvc(key).map(|o| o.meta.arrival),
        Kind::Pod => c.pod(key).map(|o| o.meta.arrival),
        Kind::CSINode => c.csi_nodes.get(&*key.name).map(|o| o.meta.arrival),
        Kind::CSIDriver => c.csi_drivers.get(&*key.name).map(|o| o.meta.arrival),
        Kind::CSIStorageCapacity => c.csi_capacities.get(key).map(|o| o.meta.arrival),
        Kind::PodDisruptionBudget => c.pdbs.get(key).map(|o| o.meta.arrival),
        Kind::StatefulSet => c.stateful_sets.get(key).map(|o| o.meta.arrival),
        Kind::Deployment => c.deployments.get(key).map(|o| o.meta.arrival),
        Kind::ReplicaSet => c.replica_sets.get(key).map(|o| o.meta.arrival),
    };
    (arrival.unwrap_or(u64::MAX), key.to_string())
}

/// A kept manifest (our own serialization of a typed object) read back.
fn from_kept<T: DeserializeOwned + serde::Serialize>(source: &str) -> Option<Box<T>> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Native: straight from the text. It was written from a typed object, so there
        // are no unknown fields or errors whose paths the import's wrappers would report.
        serde_json::from_str(source).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        from_kept_via_value(source)
    }
}

/// [`from_kept`] through a `Value` and the import's deserializer ([`super::parse::de`]):
/// every k8s-openapi type then has one Deserialize instantiation, which keeps the wasm
/// small. Reads the same object.
fn from_kept_via_value<T: DeserializeOwned + serde::Serialize>(source: &str) -> Option<Box<T>> {
    let value: serde_json::Value = serde_json::from_str(source).ok()?;
    super::parse::de(&value, 0, "", &mut Vec::new()).ok()
}

fn manifest_from_json(kind: Kind, source: &str) -> Option<Manifest> {
    kept_manifest(kind, source, false)
}

/// A kept manifest read back, by [`from_kept`] or (`via_value`, compared in tests) by
/// [`from_kept_via_value`].
fn kept_manifest(kind: Kind, source: &str, via_value: bool) -> Option<Manifest> {
    macro_rules! p {
        ($s:expr) => {
            if via_value {
                from_kept_via_value($s)
            } else {
                from_kept($s)
            }
        };
    }
    Some(match kind {
        Kind::Node => Manifest::Node(p!(source)?),
        Kind::StorageClass => Manifest::StorageClass(p!(source)?),
        Kind::PriorityClass => Manifest::PriorityClass(p!(source)?),
        Kind::PersistentVolume => Manifest::PersistentVolume(p!(source)?),
        Kind::PersistentVolumeClaim => Manifest::PersistentVolumeClaim(p!(source)?),
        Kind::Pod => Manifest::Pod(p!(source)?),
        Kind::CSINode => Manifest::CSINode(p!(source)?),
        Kind::CSIDriver => Manifest::CSIDriver(p!(source)?),
        Kind::CSIStorageCapacity => Manifest::CSIStorageCapacity(p!(source)?),
        Kind::PodDisruptionBudget => Manifest::PodDisruptionBudget(p!(source)?),
        Kind::StatefulSet => Manifest::StatefulSet(p!(source)?),
        Kind::Deployment => Manifest::Deployment(p!(source)?),
        Kind::ReplicaSet => Manifest::ReplicaSet(p!(source)?),
    })
}

/// The user's manifest for this object, as a typed value, or a default one.
fn base<T: DeserializeOwned + serde::Serialize + Default>(
    c: &Cluster,
    kind: Kind,
    key: &ObjectKey,
) -> T {
    c.source_of(kind, key)
        .and_then(|s| from_kept::<T>(&s))
        .map(|b| *b)
        .unwrap_or_default()
}

fn time(t: SimTime) -> metav1::Time {
    metav1::Time(t.to_rfc3339().parse().unwrap_or_default())
}

/// Overlays the simulation-owned metadata onto a manifest's metadata.
fn meta_into(m: &Meta, into: &mut metav1::ObjectMeta) {
    into.name = Some(m.name.to_string());
    into.namespace = (!m.namespace.is_empty()).then(|| m.namespace.to_string());
    into.uid = Some(m.uid.to_string());
    into.labels = (!m.labels.is_empty()).then(|| m.labels.to_btree());
    into.annotations = (!m.annotations.is_empty()).then(|| m.annotations.to_btree());
    into.finalizers =
        (!m.finalizers.is_empty()).then(|| m.finalizers.iter().map(|f| f.to_string()).collect());
    into.creation_timestamp = Some(time(m.creation));
    into.deletion_timestamp = m.deletion.map(time);
    into.owner_references = (!m.owners.is_empty()).then(|| {
        m.owners
            .iter()
            .map(|o| metav1::OwnerReference {
                api_version: o.api_version.clone(),
                kind: o.kind.clone(),
                name: o.name.to_string(),
                uid: o.uid.to_string(),
                controller: o.controller.then_some(true),
                block_owner_deletion: o.block_owner_deletion.then_some(true),
            })
            .collect()
    });
}

fn q(s: String) -> K8sQuantity {
    K8sQuantity(s)
}

fn resources_list(r: &Resources) -> BTreeMap<String, K8sQuantity> {
    let mut m = BTreeMap::new();
    m.insert("cpu".into(), q(format_milli(r.milli_cpu)));
    m.insert("memory".into(), q(format_bytes(r.memory)));
    m.insert(
        "ephemeral-storage".into(),
        q(format_bytes(r.ephemeral_storage)),
    );
    m.insert("pods".into(), q(r.pods.to_string()));
    for (k, v) in &r.scalar {
        m.insert(k.clone(), q(v.to_string()));
    }
    m
}

fn node_selector(s: &NodeSelector) -> core::NodeSelector {
    let req = |r: &crate::model::selector::NodeSelectorRequirement| core::NodeSelectorRequirement {
        key: r.key.clone(),
        operator: format!("{:?}", r.operator),
        values: (!r.values.is_empty()).then(|| r.values.clone()),
    };
    core::NodeSelector {
        node_selector_terms: s
            .terms
            .iter()
            .map(|t| core::NodeSelectorTerm {
                match_expressions: (!t.match_expressions.is_empty())
                    .then(|| t.match_expressions.iter().map(req).collect()),
                match_fields: (!t.match_fields.is_empty())
                    .then(|| t.match_fields.iter().map(req).collect()),
            })
            .collect(),
    }
}

fn node(c: &Cluster, n: &Node) -> core::Node {
    let mut o: core::Node = base(c, Kind::Node, &n.meta.key());
    meta_into(&n.meta, &mut o.metadata);
    let spec = o.spec.get_or_insert_with(Default::default);
    spec.unschedulable = n.unschedulable.then_some(true);
    spec.taints = (!n.taints.is_empty()).then(|| {
        n.taints
            .iter()
            .map(|t| core::Taint {
                key: t.key.clone(),
                value: (!t.value.is_empty()).then(|| t.value.clone()),
                effect: t.effect.as_str().to_string(),
                ..Default::default()
            })
            .collect()
    });
    let status = o.status.get_or_insert_with(Default::default);
    let list = resources_list(&n.allocatable);
    status.allocatable = Some(list.clone());
    status.capacity.get_or_insert(list);
    o
}

fn storage_class(c: &Cluster, sc: &StorageClass) -> k8s_openapi::api::storage::v1::StorageClass {
    let mut o: k8s_openapi::api::storage::v1::StorageClass =
        base(c, Kind::StorageClass, &sc.meta.key());
    meta_into(&sc.meta, &mut o.metadata);
    o.provisioner = sc.provisioner.clone();
    o.volume_binding_mode = Some(sc.binding_mode.as_str().to_string());
    o.reclaim_policy = Some(sc.reclaim_policy.as_str().to_string());
    o
}

fn priority_class(
    c: &Cluster,
    pc: &PriorityClass,
) -> k8s_openapi::api::scheduling::v1::PriorityClass {
    let mut o: k8s_openapi::api::scheduling::v1::PriorityClass =
        base(c, Kind::PriorityClass, &pc.meta.key());
    meta_into(&pc.meta, &mut o.metadata);
    o.value = Some(pc.value);
    o.preemption_policy = Some(pc.preemption_policy.as_str().to_string());
    o
}

fn csi_driver(c: &Cluster, d: &CsiDriver) -> k8s_openapi::api::storage::v1::CSIDriver {
    let mut o: k8s_openapi::api::storage::v1::CSIDriver = base(c, Kind::CSIDriver, &d.meta.key());
    meta_into(&d.meta, &mut o.metadata);
    o
}

fn csi_node(c: &Cluster, n: &CsiNode) -> k8s_openapi::api::storage::v1::CSINode {
    let mut o: k8s_openapi::api::storage::v1::CSINode = base(c, Kind::CSINode, &n.meta.key());
    meta_into(&n.meta, &mut o.metadata);
    o
}

fn csi_capacity(
    c: &Cluster,
    cap: &CsiStorageCapacity,
) -> k8s_openapi::api::storage::v1::CSIStorageCapacity {
    let mut o: k8s_openapi::api::storage::v1::CSIStorageCapacity =
        base(c, Kind::CSIStorageCapacity, &cap.meta.key());
    meta_into(&cap.meta, &mut o.metadata);
    o.storage_class_name = cap.storage_class_name.clone();
    // The provisioner's capacity reports change as volumes come and go.
    o.capacity = cap.capacity.map(|v| q(format_bytes(v)));
    o
}

fn pod_disruption_budget(
    c: &Cluster,
    p: &PodDisruptionBudget,
) -> k8s_openapi::api::policy::v1::PodDisruptionBudget {
    let mut o: k8s_openapi::api::policy::v1::PodDisruptionBudget =
        base(c, Kind::PodDisruptionBudget, &p.meta.key());
    meta_into(&p.meta, &mut o.metadata);
    o
}

fn persistent_volume(c: &Cluster, pv: &PersistentVolume) -> core::PersistentVolume {
    let mut o: core::PersistentVolume = base(c, Kind::PersistentVolume, &pv.meta.key());
    meta_into(&pv.meta, &mut o.metadata);
    let spec = o.spec.get_or_insert_with(Default::default);
    spec.capacity = Some([("storage".to_string(), q(format_bytes(pv.capacity)))].into());
    spec.access_modes = Some(
        pv.access_modes
            .iter()
            .map(|m| m.as_str().to_string())
            .collect(),
    );
    spec.volume_mode = Some(pv.volume_mode.as_str().to_string());
    // With the beta annotation, the model's class is the annotation's; the field stays as
    // written (nothing changes a volume's class).
    if pv
        .meta
        .annotation(well_known::ANN_STORAGE_CLASS_BETA)
        .is_none()
    {
        spec.storage_class_name =
            (!pv.storage_class_name.is_empty()).then(|| pv.storage_class_name.to_string());
    }
    spec.persistent_volume_reclaim_policy = Some(pv.reclaim_policy.as_str().to_string());
    spec.claim_ref = pv.claim_ref.as_ref().map(|r| core::ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        namespace: Some(r.namespace.to_string()),
        name: Some(r.name.to_string()),
        uid: (!r.uid.is_empty()).then(|| r.uid.to_string()),
        ..Default::default()
    });
    if spec.node_affinity.is_none() {
        spec.node_affinity = pv.node_affinity.as_ref().map(|s| core::VolumeNodeAffinity {
            required: Some(node_selector(s)),
        });
    }
    match &pv.source {
        PvSource::HostPath { path } if spec.host_path.is_none() => {
            spec.host_path = Some(core::HostPathVolumeSource {
                path: path.clone(),
                type_: Some("DirectoryOrCreate".into()),
            });
        }
        PvSource::Local { path } if spec.local.is_none() => {
            spec.local = Some(core::LocalVolumeSource {
                path: path.clone(),
                fs_type: None,
            });
        }
        PvSource::Csi {
            driver,
            volume_handle,
        } if spec.csi.is_none() => {
            spec.csi = Some(core::CSIPersistentVolumeSource {
                driver: driver.to_string(),
                volume_handle: volume_handle.to_string(),
                ..Default::default()
            });
        }
        _ => {}
    }
    o.status = Some(core::PersistentVolumeStatus {
        phase: Some(pv.phase.as_str().to_string()),
        message: (!pv.status_message.is_empty()).then(|| pv.status_message.clone()),
        ..Default::default()
    });
    o
}

fn persistent_volume_claim(
    c: &Cluster,
    pvc: &PersistentVolumeClaim,
) -> core::PersistentVolumeClaim {
    let mut o: core::PersistentVolumeClaim = base(c, Kind::PersistentVolumeClaim, &pvc.meta.key());
    meta_into(&pvc.meta, &mut o.metadata);
    let spec = o.spec.get_or_insert_with(Default::default);
    spec.volume_name = pvc.volume_name.as_deref().map(str::to_string);
    // With the beta annotation the claim has a class, which no controller changes: the
    // field stays as written, the model's class is the annotation's.
    if pvc
        .meta
        .annotation(well_known::ANN_STORAGE_CLASS_BETA)
        .is_none()
    {
        spec.storage_class_name = pvc.storage_class_name.as_deref().map(str::to_string);
    }
    spec.volume_mode = Some(pvc.volume_mode.as_str().to_string());
    if let Some(req) = pvc.request {
        let res = spec.resources.get_or_insert_with(Default::default);
        res.requests
            .get_or_insert_with(Default::default)
            .insert("storage".into(), q(format_bytes(req)));
    }
    o.status = Some(core::PersistentVolumeClaimStatus {
        phase: Some(pvc.phase.as_str().to_string()),
        access_modes: (!pvc.status_access_modes.is_empty()).then(|| {
            pvc.status_access_modes
                .iter()
                .map(|m| m.as_str().to_string())
                .collect()
        }),
        capacity: pvc
            .capacity
            .map(|v| [("storage".to_string(), q(format_bytes(v)))].into()),
        ..Default::default()
    });
    o
}

fn pod(c: &Cluster, p: &Pod) -> core::Pod {
    let mut o: core::Pod = base(c, Kind::Pod, &p.meta.key());
    meta_into(&p.meta, &mut o.metadata);
    let spec = o.spec.get_or_insert_with(Default::default);
    spec.node_name = p.spec.node_name.as_deref().map(str::to_string);
    spec.priority = Some(p.spec.priority);
    spec.priority_class_name = p.spec.priority_class_name.as_deref().map(str::to_string);
    spec.preemption_policy = Some(p.spec.preemption_policy.as_str().to_string());
    o.status = Some(core::PodStatus {
        phase: Some(p.status.phase.as_str().to_string()),
        nominated_node_name: p.status.nominated_node_name.as_deref().map(str::to_string),
        start_time: p.status.start_time.map(time),
        conditions: (!p.status.conditions.is_empty()).then(|| {
            p.status
                .conditions
                .iter()
                .map(|cond| core::PodCondition {
                    type_: cond.type_.to_string(),
                    status: cond.status.to_string(),
                    reason: (!cond.reason.is_empty()).then(|| cond.reason.to_string()),
                    message: (!cond.message.is_empty()).then(|| cond.message.to_string()),
                    last_transition_time: Some(time(cond.last_transition)),
                    ..Default::default()
                })
                .collect()
        }),
        ..Default::default()
    });
    o
}

fn replica_set(c: &Cluster, rs: &ReplicaSet) -> k8s_openapi::api::apps::v1::ReplicaSet {
    use k8s_openapi::api::apps::v1 as apps;
    let mut o: apps::ReplicaSet = base(c, Kind::ReplicaSet, &rs.meta.key());
    meta_into(&rs.meta, &mut o.metadata);
    let spec = o.spec.get_or_insert_with(Default::default);
    spec.replicas = Some(rs.replicas);
    if spec.min_ready_seconds.unwrap_or(0) != rs.min_ready_seconds {
        // The Deployment controller copied a changed value over.
        spec.min_ready_seconds = Some(rs.min_ready_seconds);
    }
    o.status = Some(apps::ReplicaSetStatus {
        replicas: rs.status.replicas,
        ready_replicas: Some(rs.status.ready_replicas),
        available_replicas: Some(rs.status.available_replicas),
        fully_labeled_replicas: Some(rs.status.replicas),
        ..Default::default()
    });
    o
}

fn deployment(c: &Cluster, d: &Deployment) -> k8s_openapi::api::apps::v1::Deployment {
    use k8s_openapi::api::apps::v1 as apps;
    let mut o: apps::Deployment = base(c, Kind::Deployment, &d.meta.key());
    meta_into(&d.meta, &mut o.metadata);
    o.status = Some(apps::DeploymentStatus {
        replicas: Some(d.status.replicas),
        ready_replicas: Some(d.status.ready_replicas),
        available_replicas: Some(d.status.available_replicas),
        updated_replicas: Some(d.status.updated_replicas),
        unavailable_replicas: Some((d.replicas - d.status.available_replicas).max(0)),
        ..Default::default()
    });
    o
}

fn stateful_set(c: &Cluster, s: &StatefulSet) -> k8s_openapi::api::apps::v1::StatefulSet {
    use k8s_openapi::api::apps::v1 as apps;
    let mut o: apps::StatefulSet = base(c, Kind::StatefulSet, &s.meta.key());
    meta_into(&s.meta, &mut o.metadata);
    o.status = Some(apps::StatefulSetStatus {
        replicas: s.status.replicas,
        ready_replicas: Some(s.status.ready_replicas),
        available_replicas: Some(s.status.available_replicas),
        current_replicas: Some(s.status.updated_replicas),
        updated_replicas: Some(s.status.updated_replicas),
        current_revision: Some(s.update_revision.clone()),
        update_revision: Some(s.update_revision.clone()),
        ..Default::default()
    });
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtin;

    /// Every scenario these tests read: the built-ins at the end of their stories, and a
    /// generated one with every shape of object the generator makes.
    fn simulations() -> Vec<(String, Simulation)> {
        let mut out: Vec<(String, Simulation)> = builtin::all()
            .into_iter()
            .map(|b| (b.id.to_string(), b.text.run(1, 100_000).expect("runs").sim))
            .collect();
        let mut sim = Simulation::new(1);
        crate::generate::generate_into("storage-mix", 30, 300, 1, &mut |m| {
            sim.apply(&m).expect("applies");
        })
        .expect("generates");
        sim.run_until_idle(1_000_000);
        out.push(("storage-mix 30x300".to_string(), sim));
        out
    }

    /// Native builds skip the `Value` step of JSON/YAML writing and kept-manifest reading
    /// (the wasm build keeps it, for its size); both must give the same bytes and objects.
    /// Kept manifests compacted as deltas (big clusters) and kept whole (the rest) export
    /// the same bytes.
    #[test]
    fn compacted_and_whole_kept_manifests_export_alike() {
        let whole: Vec<(String, String, String)> = simulations()
            .into_iter()
            .map(|(name, sim)| (name, scenario_yaml(&sim), state_yaml(&sim)))
            .collect();
        crate::cluster::KEEP_WHOLE_BELOW_IN_TESTS.with(|n| n.set(0));
        let compacted = simulations();
        crate::cluster::KEEP_WHOLE_BELOW_IN_TESTS.with(|n| n.set(crate::cluster::KEEP_WHOLE_BELOW));
        assert_eq!(whole.len(), compacted.len());
        let mut deltas = 0;
        for ((name, scenario, state), (_, sim)) in whole.iter().zip(&compacted) {
            deltas += sim
                .cluster()
                .manifests
                .values()
                .filter(|k| k.is_delta())
                .count();
            assert_eq!(&scenario_yaml(sim), scenario, "{name}");
            assert_eq!(&state_yaml(sim), state, "{name}");
        }
        assert!(deltas > 100, "only {deltas} manifests were compacted");
    }

    #[test]
    fn direct_and_value_paths_agree() {
        for (name, sim) in simulations() {
            let c = sim.cluster();
            for ((kind, key), source) in &c.manifests {
                let source = source.text();
                let direct = kept_manifest(*kind, &source, false);
                assert!(direct.is_some(), "{name}: {kind} {key} reads back");
                assert_eq!(
                    direct,
                    kept_manifest(*kind, &source, true),
                    "{name}: {kind} {key}"
                );
            }
            for m in scenario_manifests(&sim)
                .iter()
                .chain(&state_manifests(&sim))
            {
                let what = format!("{name}: {} {}", m.kind(), m.key());
                assert_eq!(m.to_json_string(), m.to_json_string_via_value(), "{what}");
                assert_eq!(m.to_yaml(), m.to_yaml_via_value(), "{what}");
            }
        }
    }

    /// A big cluster's state is written on several threads; it must be what writing each
    /// object on its own gives (`state_manifest`, which `kubectl get -o yaml` uses), in the
    /// same order, and its YAML the documents written one by one.
    #[test]
    fn a_big_state_export_is_the_objects_written_one_by_one() {
        let mut sim = Simulation::new(1);
        crate::generate::generate_into("storage-mix", 40, 1200, 1, &mut |m| {
            sim.apply(&m).expect("valid");
        })
        .expect("generates");
        sim.run_until_idle(1_000_000);
        assert!(sim.cluster().pods().len() >= PARALLEL_MIN_DOCUMENTS / 2);
        let state = state_manifests(&sim);
        assert!(state.len() >= PARALLEL_MIN_DOCUMENTS);
        let one_by_one: Vec<String> = state
            .iter()
            .map(|m| {
                state_manifest(&sim, m.kind(), &m.key())
                    .expect("exists")
                    .to_yaml()
            })
            .collect();
        let written: Vec<String> = state.iter().map(Manifest::to_yaml).collect();
        assert_eq!(written, one_by_one);
        let expected: String = written.iter().map(|y| format!("---\n{y}")).collect();
        assert_eq!(to_yaml_documents(&state), expected);
    }
}
