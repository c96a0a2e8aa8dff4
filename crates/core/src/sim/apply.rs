//! The API server's side of `kubectl apply` and `kubectl delete`: validation, admission
//! (defaults, priority, protection finalizers), update rules, and what each write wakes up.

use std::fmt;
use std::sync::Arc;

use super::Simulation;
use crate::events::Note;
use crate::model::*;
use crate::scenario::convert::{to_model, Object};
use crate::scenario::{DocRef, FieldError, ImportError, Manifest, Parsed, Prepared};
use crate::scheduler::plugins::names as plugin_names;
use crate::scheduler::queue::ClusterEvent;

/// A rejected write, worded as kubectl prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError {
    pub kind: Kind,
    pub key: ObjectKey,
    /// The whole message as kubectl prints it.
    pub message: String,
    /// The API server's Status message, as a controller's client returns it (what
    /// controllers put in their events): no `The ` prefix, several field errors as one
    /// bracketed, comma-separated aggregate.
    pub api_message: String,
    /// Each cause as `(field path, what is wrong there)`.
    pub causes: Vec<(String, String)>,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApplyError {}

impl ApplyError {
    /// `The <Kind> "<name>" is invalid: <field errors>`.
    pub fn invalid(kind: Kind, key: &ObjectKey, errors: &[FieldError]) -> ApplyError {
        let body = if errors.len() == 1 {
            errors[0].to_string()
        } else {
            let lines: Vec<String> = errors.iter().map(|e| format!("* {e}")).collect();
            format!("\n{}", lines.join("\n"))
        };
        // `utilerrors.NewAggregate(...).Error()`: one message as is, several (duplicates
        // dropped) in brackets.
        let mut seen = std::collections::BTreeSet::new();
        let distinct: Vec<String> = errors
            .iter()
            .map(|e| e.to_string())
            .filter(|m| seen.insert(m.clone()))
            .collect();
        let aggregate = match distinct.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        ApplyError {
            kind,
            key: key.clone(),
            message: format!("The {} {:?} is invalid: {body}", kind, key.name),
            api_message: format!("{} {:?} is invalid: {aggregate}", kind, key.name),
            causes: errors.iter().map(|e| (e.path.clone(), e.body())).collect(),
        }
    }

    /// `<resource>s "<name>" is forbidden: <reason>` (an admission rejection).
    pub fn forbidden(
        kind: Kind,
        key: &ObjectKey,
        path: &str,
        reason: impl fmt::Display,
    ) -> ApplyError {
        let message = format!("{} {:?} is forbidden: {reason}", plural(kind), key.name);
        ApplyError {
            kind,
            key: key.clone(),
            causes: vec![(path.to_string(), message.clone())],
            api_message: message.clone(),
            message,
        }
    }

    /// `<resource>s "<name>" already exists` (`kubectl create` of an existing object).
    pub fn already_exists(kind: Kind, key: &ObjectKey) -> ApplyError {
        ApplyError::about_object(kind, key, "already exists")
    }

    pub fn not_found(kind: Kind, key: &ObjectKey) -> ApplyError {
        ApplyError::about_object(kind, key, "not found")
    }

    /// `<resource>s "<name>" <what>`, the API server's status message for the object.
    fn about_object(kind: Kind, key: &ObjectKey, what: &str) -> ApplyError {
        let message = format!("{} {:?} {what}", plural(kind), key.name);
        ApplyError {
            kind,
            key: key.clone(),
            causes: vec![(String::new(), message.clone())],
            api_message: message.clone(),
            message,
        }
    }
}

impl ApplyError {
    /// One [`ImportError`] per cause, for document `doc`.
    pub fn import_errors(&self, doc: usize) -> Vec<ImportError> {
        self.causes
            .iter()
            .map(|(path, message)| ImportError {
                doc,
                path: path.clone(),
                message: message.clone(),
            })
            .collect()
    }
}

/// The resource name in API paths and messages (`persistentvolumeclaims`).
pub fn plural(kind: Kind) -> String {
    match kind {
        Kind::StorageClass => "storageclasses.storage.k8s.io".into(),
        Kind::PriorityClass => "priorityclasses.scheduling.k8s.io".into(),
        Kind::CSINode => "csinodes.storage.k8s.io".into(),
        Kind::CSIDriver => "csidrivers.storage.k8s.io".into(),
        Kind::CSIStorageCapacity => "csistoragecapacities.storage.k8s.io".into(),
        Kind::PodDisruptionBudget => "poddisruptionbudgets.policy".into(),
        other => format!("{}s", other.as_str().to_lowercase()),
    }
}

/// Admission's "applied" outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Updated,
    Unchanged,
}

impl Simulation {
    /// Validates, admits and stores one object, then lets the controllers react.
    pub fn apply(&mut self, m: &Manifest) -> Result<Applied, ApplyError> {
        let applied = self.apply_without_reacting(m, None)?;
        self.drain_controllers();
        Ok(applied)
    }

    /// `kubectl create`: [`Simulation::apply`], refused when the object already exists.
    pub fn create(&mut self, m: &Manifest) -> Result<Applied, ApplyError> {
        let (kind, key) = (m.kind(), m.key());
        if self.object_exists(kind, &key) {
            return Err(ApplyError::already_exists(kind, &key));
        }
        self.apply(m)
    }

    /// Whether the API server holds this object (deletion requested or not).
    pub fn object_exists(&self, kind: Kind, key: &ObjectKey) -> bool {
        match kind {
            Kind::Node => self.cluster.nodes.contains_key(&*key.name),
            Kind::StorageClass => self.cluster.storage_classes.contains_key(&*key.name),
            Kind::PriorityClass => self.cluster.priority_classes.contains_key(&*key.name),
            Kind::PersistentVolume => self.cluster.pv(&key.name).is_some(),
            Kind::PersistentVolumeClaim => self.cluster.pvc(key).is_some(),
            Kind::Pod => self.cluster.pod(key).is_some(),
            Kind::CSINode => self.cluster.csi_nodes.contains_key(&*key.name),
            Kind::CSIDriver => self.cluster.csi_drivers.contains_key(&*key.name),
            Kind::CSIStorageCapacity => self.cluster.csi_capacities.contains_key(key),
            Kind::PodDisruptionBudget => self.cluster.pdbs.contains_key(key),
            Kind::StatefulSet => self.cluster.stateful_sets.contains_key(key),
            Kind::Deployment => self.cluster.deployments.contains_key(key),
            Kind::ReplicaSet => self.cluster.replica_sets.contains_key(key),
        }
    }

    /// [`Simulation::apply`] without running the controllers: the object is stored and
    /// their work is queued. `prepared`, when given, is [`Prepared::of`] `m`.
    pub(crate) fn apply_without_reacting(
        &mut self,
        m: &Manifest,
        prepared: Option<&Prepared>,
    ) -> Result<Applied, ApplyError> {
        let kind = m.kind();
        let mut key = m.key();
        let object = match prepared {
            Some(p) => p.object.clone(),
            None => to_model(m).map(|c| c.object),
        };
        let mut object = object.map_err(|errors| ApplyError::invalid(kind, &key, &errors))?;
        // One copy of the name and namespace for the object, its key in every index and
        // queue, its kept manifest and its events (a 150k-pod cluster otherwise holds three
        // copies of each pod's name and one "default" per object).
        let meta = object.meta_mut();
        if *meta.name == *key.name && *meta.namespace == *key.namespace {
            meta.namespace = self.cluster.intern_namespace(&meta.namespace);
            key = meta.key();
        }
        let source = match prepared {
            Some(p) => std::borrow::Cow::Borrowed(p.source.as_str()),
            None => std::borrow::Cow::Owned(m.kept_source()),
        };
        let applied = self.admit_and_store(object, &key)?;
        if applied != Applied::Unchanged {
            self.cluster.keep_manifest(kind, key.clone(), &source);
            let object = self.log.object_ref(kind, &key);
            self.note(Note::Applied {
                object,
                created: applied == Applied::Created,
            });
        }
        Ok(applied)
    }

    /// Applies every manifest of a parsed file in dependency order (classes and nodes
    /// before volumes, claims before pods), stopping at nothing: each failure becomes an
    /// [`ImportError`] naming its document.
    pub fn load(&mut self, parsed: &Parsed) -> Vec<ImportError> {
        // What each document derives on its own is worked out first on several threads for
        // a big native input; applying them stays sequential and in order.
        let prepared = crate::scenario::parse::Prepared::in_parallel(&parsed.manifests);
        let docs: Vec<DocRef<'_>> = match &prepared {
            Some(prepared) => parsed
                .manifests
                .iter()
                .zip(prepared)
                .map(|(d, p)| DocRef {
                    prepared: Some(p),
                    ..d.view()
                })
                .collect(),
            None => parsed.manifests.iter().map(|d| d.view()).collect(),
        };
        self.load_documents(&docs)
    }

    /// [`Simulation::load`] over borrowed documents (a script's initial ones), so a caller
    /// that keeps its manifests does not copy them for every run.
    pub fn load_documents(&mut self, docs: &[DocRef<'_>]) -> Vec<ImportError> {
        let mut errors = Vec::new();
        // The same object twice in one input is almost always a copy-paste slip.
        let mut seen: std::collections::BTreeMap<(Kind, ObjectKey), usize> = Default::default();
        let mut duplicates = std::collections::BTreeSet::new();
        for (i, d) in docs.iter().enumerate() {
            let id = (d.manifest.kind(), d.manifest.key());
            if let Some(first) = seen.get(&id) {
                errors.push(ImportError {
                    doc: d.doc,
                    path: crate::scenario::field::child(d.path, "metadata.name"),
                    message: format!(
                        "Duplicate value: {:?}: {} {} is already defined in doc {first}",
                        id.1.name, id.0, id.1
                    ),
                });
                duplicates.insert(i);
            } else {
                seen.insert(id, d.doc);
            }
        }
        let mut order: Vec<(usize, DocRef<'_>)> = docs
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| !duplicates.contains(i))
            .collect();
        crate::sort::sort_by_key(&mut order, |(i, d)| (apply_rank(d.manifest.kind()), *i));
        // Objects of one rank arrive together before the controllers react, so a bound
        // volume and its claim (as in an exported state) see each other.
        let mut rank = None;
        for (_, d) in order {
            let r = apply_rank(d.manifest.kind());
            if rank.is_some_and(|prev| prev != r) {
                self.drain_controllers();
            }
            rank = Some(r);
            if let Err(e) = self.apply_without_reacting(d.manifest, d.prepared) {
                errors.extend(e.import_errors(d.doc).into_iter().map(|mut ie| {
                    ie.path = crate::scenario::field::child(d.path, &ie.path);
                    ie
                }));
            }
        }
        self.drain_controllers();
        crate::sort::sort_by_key(&mut errors, |e| e.doc);
        errors
    }

    fn stamp(&mut self, meta: &mut Meta, kind: Kind, old: Option<&Meta>) {
        match old {
            Some(o) => {
                meta.uid = o.uid.clone();
                meta.creation = o.creation;
                meta.arrival = o.arrival;
                meta.deletion = o.deletion;
                for f in &o.finalizers {
                    meta.add_finalizer(f);
                }
                // Annotations the controllers set survive an apply that does not mention them.
                for (k, v) in o.annotations.iter_shared() {
                    meta.annotations.insert_if_absent(k, || v);
                }
            }
            None => {
                if meta.uid.is_empty() {
                    meta.uid = self.new_uid(kind, &meta.key());
                }
                meta.creation = self.now;
                meta.arrival = self.cluster.next_arrival();
            }
        }
    }

    pub(crate) fn admit_and_store(
        &mut self,
        object: Object,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        match object {
            Object::Node(n) => Ok(self.store_node(n)),
            Object::StorageClass(sc) => self.store_storage_class(sc, key),
            Object::PriorityClass(pc) => self.store_priority_class(pc, key),
            Object::PersistentVolume(pv) => self.store_pv(pv, key),
            Object::PersistentVolumeClaim(pvc) => self.store_pvc(pvc, key),
            Object::Pod(p) => self.store_pod(p, key),
            Object::CSINode(mut n) => {
                let old = self
                    .cluster
                    .csi_nodes
                    .get(&*key.name)
                    .map(|o| o.meta.clone());
                self.stamp(&mut n.meta, Kind::CSINode, old.as_ref());
                let new = Arc::new(n);
                let replaced = self
                    .cluster
                    .csi_nodes
                    .insert(key.name.to_string(), new.clone());
                self.sync_csi_limits(&key.name);
                self.csi_node_changed(replaced.as_deref(), Some(&new));
                Ok(created_or_updated(old.is_none()))
            }
            Object::CSIDriver(mut d) => {
                // ValidateCSIDriverUpdate: attachRequired is immutable (its path is spelled
                // `attachedRequired` upstream).
                if let Some(o) = self.cluster.csi_drivers.get(&*key.name) {
                    if o.attach_required != d.attach_required {
                        return Err(ApplyError::invalid(
                            Kind::CSIDriver,
                            key,
                            &[crate::scenario::field::invalid_rendered(
                                "spec.attachedRequired",
                                d.attach_required.to_string(),
                                "field is immutable",
                            )],
                        ));
                    }
                }
                let old = self
                    .cluster
                    .csi_drivers
                    .get(&*key.name)
                    .map(|o| o.meta.clone());
                self.stamp(&mut d.meta, Kind::CSIDriver, old.as_ref());
                let new = Arc::new(d);
                let replaced = self
                    .cluster
                    .csi_drivers
                    .insert(key.name.to_string(), new.clone());
                self.csi_driver_changed(replaced.as_deref(), Some(&new));
                Ok(created_or_updated(old.is_none()))
            }
            Object::CSIStorageCapacity(mut c) => {
                // ValidateCSIStorageCapacityUpdate: storageClassName is immutable (nodeTopology
                // too upstream, with the selector's protobuf String() as the value: not
                // checked here).
                if let Some(o) = self.cluster.csi_capacities.get(key) {
                    if o.storage_class_name != c.storage_class_name {
                        return Err(ApplyError::invalid(
                            Kind::CSIStorageCapacity,
                            key,
                            &[FieldError::invalid(
                                "storageClassName",
                                &c.storage_class_name,
                                "field is immutable",
                            )],
                        ));
                    }
                }
                let old = self.cluster.csi_capacities.get(key).map(|o| o.meta.clone());
                self.stamp(&mut c.meta, Kind::CSIStorageCapacity, old.as_ref());
                let new = Arc::new(c);
                let replaced = self.cluster.csi_capacities.insert(key.clone(), new.clone());
                self.csi_capacity_changed(replaced.as_deref(), Some(&new));
                Ok(created_or_updated(old.is_none()))
            }
            Object::PodDisruptionBudget(mut p) => {
                let old = self.cluster.pdbs.get(key).map(|o| o.meta.clone());
                self.stamp(&mut p.meta, Kind::PodDisruptionBudget, old.as_ref());
                self.cluster.pdbs.insert(key.clone(), Arc::new(p));
                Ok(created_or_updated(old.is_none()))
            }
            Object::StatefulSet(mut set) => {
                let old = self.cluster.stateful_sets.get(key).cloned();
                if let Some(o) = &old {
                    let forbidden = set.selector != o.selector
                        || set.service_name != o.service_name
                        || set.pod_management != o.pod_management
                        || set.claim_templates != o.claim_templates;
                    if forbidden {
                        return Err(ApplyError::invalid(
                            Kind::StatefulSet,
                            key,
                            &[FieldError::forbidden(
                                "spec",
                                self.version.statefulset_spec_update_forbidden,
                            )],
                        ));
                    }
                    set.status = o.status;
                }
                self.stamp(
                    &mut set.meta,
                    Kind::StatefulSet,
                    old.as_ref().map(|o| &o.meta),
                );
                self.cluster
                    .stateful_sets
                    .insert(key.clone(), Arc::new(set));
                self.work.workloads.insert((Kind::StatefulSet, key.clone()));
                Ok(created_or_updated(old.is_none()))
            }
            Object::Deployment(mut d) => {
                let old = self.cluster.deployments.get(key).cloned();
                if let Some(o) = &old {
                    d.status = o.status;
                }
                self.stamp(&mut d.meta, Kind::Deployment, old.as_ref().map(|o| &o.meta));
                self.cluster.deployments.insert(key.clone(), Arc::new(d));
                self.work.workloads.insert((Kind::Deployment, key.clone()));
                Ok(created_or_updated(old.is_none()))
            }
            Object::ReplicaSet(mut rs) => {
                let old = self.cluster.replica_sets.get(key).cloned();
                if let Some(o) = &old {
                    rs.status = o.status;
                }
                self.stamp(
                    &mut rs.meta,
                    Kind::ReplicaSet,
                    old.as_ref().map(|o| &o.meta),
                );
                self.cluster.replica_sets.insert(key.clone(), Arc::new(rs));
                self.work.workloads.insert((Kind::ReplicaSet, key.clone()));
                Ok(created_or_updated(old.is_none()))
            }
        }
    }

    fn store_node(&mut self, mut n: Node) -> Applied {
        let old = self.cluster.nodes.get(n.name()).cloned();
        self.stamp(&mut n.meta, Kind::Node, old.as_ref().map(|o| &o.meta));
        n.hostname = n.hostname.map(|h| self.cluster.intern_hostname(&h));
        let name = n.name().to_string();
        let node = Arc::new(n);
        self.cluster.nodes.insert(name.clone(), node.clone());
        self.cache.upsert_node(node.clone());
        self.sync_csi_limits(&name);
        let Some(old) = old else {
            // Pods created with this nodeName before the node existed now land on it.
            let waiting: Vec<Arc<Pod>> = self
                .cluster
                .pods()
                .values()
                .filter(|p| {
                    p.node_name() == Some(name.as_str())
                        && self.cache.node_of(&p.meta.key()).is_none()
                })
                .cloned()
                .collect();
            for p in waiting {
                let info = crate::scheduler::cache::PodInfo::new(&self.cluster, p.clone());
                self.cache.add_pod(info, &name, false);
                self.work.kubelet.insert(p.meta.key());
            }
            self.node_changed(ClusterEvent::NodeAdd, None, Some(&node));
            return Applied::Created;
        };
        // `NodeSchedulingPropertiesChange` (pkg/scheduler/framework/events.go): one event
        // per changed property, in upstream's order; an update that changes none of
        // them (conditions, annotations, an identical re-apply) moves no pod.
        let mut events = Vec::new();
        if old.unschedulable != node.unschedulable {
            events.push(ClusterEvent::NodeTaintUpdate);
        }
        if old.allocatable != node.allocatable {
            events.push(ClusterEvent::NodeAllocatableUpdate);
        }
        if old.meta.labels != node.meta.labels {
            events.push(ClusterEvent::NodeLabelUpdate);
        }
        if old.taints != node.taints {
            events.push(ClusterEvent::NodeTaintUpdate);
        }
        for e in events {
            self.node_changed(e, Some(&old), Some(&node));
        }
        Applied::Updated
    }

    fn store_storage_class(
        &mut self,
        mut sc: StorageClass,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        let old = self.cluster.storage_classes.get(&*key.name).cloned();
        if let Some(o) = &old {
            let mut errors = Vec::new();
            if o.parameters != sc.parameters {
                errors.push(FieldError::forbidden(
                    "parameters",
                    "updates to parameters are forbidden.",
                ));
            }
            if o.provisioner != sc.provisioner {
                errors.push(FieldError::forbidden(
                    "provisioner",
                    "updates to provisioner are forbidden.",
                ));
            }
            if o.reclaim_policy != sc.reclaim_policy {
                errors.push(FieldError::forbidden(
                    "reclaimPolicy",
                    "updates to reclaimPolicy are forbidden.",
                ));
            }
            if o.binding_mode != sc.binding_mode {
                errors.push(FieldError::invalid(
                    "volumeBindingMode",
                    sc.binding_mode.as_str(),
                    "field is immutable",
                ));
            }
            if !errors.is_empty() {
                return Err(ApplyError::invalid(Kind::StorageClass, key, &errors));
            }
        }
        self.stamp(
            &mut sc.meta,
            Kind::StorageClass,
            old.as_ref().map(|o| &o.meta),
        );
        let becomes_default = sc.is_default();
        self.cluster
            .storage_classes
            .insert(key.name.to_string(), Arc::new(sc));
        if becomes_default {
            // Retroactive default assignment: claims created without a class get one when
            // the PV controller next syncs them, which is its periodic resync, as it has no
            // StorageClass event handler (see below).
            let pending: Vec<ObjectKey> = self
                .cluster
                .pvcs()
                .values()
                .filter(|c| c.storage_class_name.is_none() && c.volume_name.is_none())
                .map(|c| c.meta.key())
                .collect();
            for claim in &pending {
                self.arm_claim_resync(claim);
            }
        }
        // Claims of this class may now be provisionable, but the PV controller has no
        // StorageClass event handler (pv_controller_base.go `NewController` only takes the
        // class lister): it sees them at its next periodic resync, not at once.
        let of_class: Vec<ObjectKey> = self
            .cluster
            .pvcs()
            .values()
            .filter(|c| c.class_name() == &*key.name && c.phase == PvcPhase::Pending)
            .map(|c| c.meta.key())
            .collect();
        for claim in &of_class {
            self.arm_claim_resync(claim);
        }
        if let Some(new) = self.cluster.storage_classes.get(&*key.name).cloned() {
            self.storage_class_changed(old.as_deref(), &new);
        }
        Ok(created_or_updated(old.is_none()))
    }

    fn store_priority_class(
        &mut self,
        mut pc: PriorityClass,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        let old = self.cluster.priority_classes.get(&*key.name).cloned();
        if let Some(o) = &old {
            // ValidatePriorityClassUpdate: value and preemptionPolicy are immutable.
            let mut errors = Vec::new();
            if o.value != pc.value {
                errors.push(FieldError::forbidden(
                    "value",
                    "may not be changed in an update.",
                ));
            }
            if o.preemption_policy != pc.preemption_policy {
                errors.push(FieldError::invalid(
                    "preemptionPolicy",
                    pc.preemption_policy.as_str(),
                    "field is immutable",
                ));
            }
            if !errors.is_empty() {
                return Err(ApplyError::invalid(Kind::PriorityClass, key, &errors));
            }
        }
        if pc.global_default {
            if let Some(existing) = self
                .cluster
                .priority_classes
                .values()
                .find(|c| c.global_default && c.meta.name != pc.meta.name)
            {
                return Err(ApplyError::forbidden(
                    Kind::PriorityClass,
                    key,
                    "globalDefault",
                    format!(
                        "PriorityClass {} is already marked as default. Only one default can exist",
                        existing.meta.name
                    ),
                ));
            }
        }
        self.stamp(
            &mut pc.meta,
            Kind::PriorityClass,
            old.as_ref().map(|o| &o.meta),
        );
        self.cluster
            .priority_classes
            .insert(key.name.to_string(), Arc::new(pc));
        self.cluster_event(ClusterEvent::PriorityClassChange);
        Ok(created_or_updated(old.is_none()))
    }

    fn store_pv(
        &mut self,
        mut pv: PersistentVolume,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        let old = self.cluster.pv(&key.name).cloned();
        if let Some(o) = &old {
            // ValidatePersistentVolumeUpdate collects every error: the source (upstream
            // appends a go-cmp diff, randomised on purpose, left out here), volumeMode.
            let mut errors = Vec::new();
            if o.source != pv.source {
                errors.push(FieldError::forbidden(
                    "spec.persistentvolumesource",
                    "spec.persistentvolumesource is immutable after creation",
                ));
            }
            if o.volume_mode != pv.volume_mode {
                errors.push(FieldError::invalid(
                    "volumeMode",
                    pv.volume_mode.as_str(),
                    "field is immutable",
                ));
            }
            // validatePvNodeAffinity: once set, nodeAffinity is immutable while the
            // MutablePVNodeAffinity gate (alpha since v1.35) is off. Upstream prints the new
            // value with `%#v`, a struct holding a pointer whose address is not
            // reproducible; a fixed address stands in for it.
            if o.node_affinity.is_some() && o.node_affinity != pv.node_affinity {
                let rendered = match pv.node_affinity {
                    None => "\"null\"".to_string(),
                    Some(_) => {
                        "core.VolumeNodeAffinity{Required:(*core.NodeSelector)(0xc000000000)}"
                            .to_string()
                    }
                };
                errors.push(crate::scenario::field::invalid_rendered(
                    "nodeAffinity",
                    rendered,
                    "field is immutable",
                ));
            }
            if !errors.is_empty() {
                return Err(ApplyError::invalid(Kind::PersistentVolume, key, &errors));
            }
            if pv.claim_ref.is_none() {
                pv.claim_ref = o.claim_ref.clone();
            }
            pv.phase = o.phase;
            pv.status_message = o.status_message.clone();
        } else {
            pv.meta.add_finalizer(well_known::FINALIZER_PV_PROTECTION);
            pv.phase = PvPhase::Pending;
        }
        self.stamp(
            &mut pv.meta,
            Kind::PersistentVolume,
            old.as_ref().map(|o| &o.meta),
        );
        let claim = pv
            .claim_ref
            .as_ref()
            .map(|r| ObjectKey::new(r.namespace.clone(), r.name.clone()));
        self.cluster.share_pv_strings(&mut pv);
        self.cluster.put_pv(Arc::new(pv));
        self.work.volumes.insert(key.name.to_string());
        if let Some(c) = claim {
            self.work.claims.insert(c);
        }
        // Pending claims may bind to this volume.
        let class = self
            .cluster
            .pv(&key.name)
            .map(|p| p.storage_class_name.clone())
            .unwrap_or_default();
        self.enqueue_unbound_immediate_claims(&class);
        if let Some(new) = self.cluster.pv(&key.name).cloned() {
            self.volume_changed(old.as_deref(), &new);
        }
        Ok(created_or_updated(old.is_none()))
    }

    fn store_pvc(
        &mut self,
        mut pvc: PersistentVolumeClaim,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        let old = self.cluster.pvc(key).cloned();
        match &old {
            Some(o) => self.check_pvc_update(o, &mut pvc, key)?,
            None => {
                // DefaultStorageClass admission: only claims that say nothing get the default.
                if pvc.storage_class_name.is_none() {
                    if let Some(def) = self.cluster.default_storage_class() {
                        pvc.storage_class_name = Some(def.meta.name.clone());
                    }
                }
                pvc.meta.add_finalizer(well_known::FINALIZER_PVC_PROTECTION);
            }
        }
        self.stamp(
            &mut pvc.meta,
            Kind::PersistentVolumeClaim,
            old.as_ref().map(|o| &o.meta),
        );
        self.cluster.share_claim_strings(&mut pvc);
        self.cluster.put_pvc(Arc::new(pvc));
        self.work.claims.insert(key.clone());
        if let Some(pv) = self.cluster.pvc(key).and_then(|c| c.volume_name.clone()) {
            self.work.volumes.insert(pv.to_string());
        }
        self.claim_changed(
            if old.is_none() {
                ClusterEvent::PvcAdd
            } else {
                ClusterEvent::PvcUpdate
            },
            key,
        );
        Ok(created_or_updated(old.is_none()))
    }

    /// `ValidatePersistentVolumeClaimUpdate` + the `PersistentVolumeClaimResize` admission.
    fn check_pvc_update(
        &mut self,
        old: &PersistentVolumeClaim,
        new: &mut PersistentVolumeClaim,
        key: &ObjectKey,
    ) -> Result<(), ApplyError> {
        // Fields the controllers own carry over when the manifest leaves them out.
        if new.volume_name.is_none() {
            new.volume_name = old.volume_name.clone();
        }
        if new.storage_class_name.is_none() {
            new.storage_class_name = old.storage_class_name.clone();
        }
        new.phase = old.phase;
        new.capacity = old.capacity;
        new.status_access_modes = old.status_access_modes;
        // ValidatePersistentVolumeClaimUpdate collects every error, in this order: the
        // spec comparison (volumeMode is part of the spec), the shrink check
        // (RecoverVolumeExpansionFailure, GA: not below status.capacity), volumeMode.
        // Upstream appends a `cmp.Diff` of the specs to the spec error; go-cmp randomises
        // that text on purpose, so it is left out here.
        let bound = old.phase == PvcPhase::Bound;
        let spec_changed = old.access_modes != new.access_modes
            || (old.volume_name.is_some() && old.volume_name != new.volume_name)
            || (old.storage_class_name.is_some()
                && old.storage_class_name != new.storage_class_name)
            || old.selector != new.selector
            || old.volume_mode != new.volume_mode
            || (!bound && old.request != new.request);
        let mut errors = Vec::new();
        if spec_changed {
            errors.push(FieldError::forbidden(
                "spec",
                "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims",
            ));
        }
        let (old_size, new_size) = (
            old.request.unwrap_or_default(),
            new.request.unwrap_or_default(),
        );
        if new_size < old_size && new_size <= old.capacity.unwrap_or_default() {
            errors.push(FieldError::forbidden(
                "spec.resources.requests.storage",
                "field can not be less than status.capacity",
            ));
        }
        if old.volume_mode != new.volume_mode {
            errors.push(FieldError::invalid(
                "volumeMode",
                new.volume_mode.as_str(),
                "field is immutable",
            ));
        }
        if !errors.is_empty() {
            return Err(ApplyError::invalid(
                Kind::PersistentVolumeClaim,
                key,
                &errors,
            ));
        }
        if new_size > old_size {
            let allowed = self
                .cluster
                .storage_classes
                .get(old.class_name())
                .is_some_and(|sc| sc.allow_volume_expansion)
                && !old.class_name().is_empty()
                && old.class_name() == new.class_name();
            if !allowed {
                return Err(ApplyError::forbidden(
                    Kind::PersistentVolumeClaim,
                    key,
                    "spec.resources.requests.storage",
                    "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
                ));
            }
            self.expand_volume(old, new_size);
        }
        Ok(())
    }

    fn store_pod(&mut self, mut pod: Pod, key: &ObjectKey) -> Result<Applied, ApplyError> {
        if let Some(old) = self.cluster.pod(key).cloned() {
            return self.update_pod(&old, pod, key);
        }
        // Priority admission (plugin/pkg/admission/priority): the class named, else the
        // global default, else priority 0 and PreemptLowerPriority; an explicit priority or
        // preemptionPolicy that differs from the computed one is refused. The model keeps
        // no "unset": priority 0 and PreemptLowerPriority count as not given.
        let (priority, policy) = match pod.spec.priority_class_name.clone() {
            Some(name) => {
                let Some(pc) = self.cluster.priority_classes.get(&*name).cloned() else {
                    return Err(ApplyError::forbidden(
                        Kind::Pod,
                        key,
                        "spec.priorityClassName",
                        format!("no PriorityClass with name {name} was found"),
                    ));
                };
                (pc.value, pc.preemption_policy)
            }
            None => match self.cluster.global_default_priority_class().cloned() {
                Some(pc) => {
                    pod.spec.priority_class_name = Some(pc.meta.name.clone());
                    (pc.value, pc.preemption_policy)
                }
                None => (0, PreemptionPolicy::PreemptLowerPriority),
            },
        };
        let explicit = pod.spec.priority;
        if explicit != 0 && explicit != priority {
            return Err(ApplyError::forbidden(
                Kind::Pod,
                key,
                "spec.priority",
                format!("the integer value of priority ({explicit}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"),
            ));
        }
        let explicit_policy = pod.spec.preemption_policy;
        if explicit_policy != PreemptionPolicy::PreemptLowerPriority && explicit_policy != policy {
            return Err(ApplyError::forbidden(
                Kind::Pod,
                key,
                "spec.preemptionPolicy",
                format!(
                    "the string value of PreemptionPolicy ({}) must not be provided in pod spec; priority admission controller computed {} from the given PriorityClass name",
                    explicit_policy.as_str(),
                    policy.as_str()
                ),
            ));
        }
        pod.spec.priority = priority;
        pod.spec.preemption_policy = policy;
        self.stamp(&mut pod.meta, Kind::Pod, None);
        let gated = !pod.spec.scheduling_gates().is_empty();
        if gated {
            pod.set_condition(PodCondition {
                type_: condition::POD_SCHEDULED,
                status: condition::FALSE,
                reason: condition::SCHEDULING_GATED,
                message: "Scheduling is blocked due to non-empty scheduling gates".into(),
                last_transition: self.now,
            });
        }
        let pod = Arc::new(pod);
        self.cluster.put_pod(pod.clone());
        self.enqueue_ephemeral(&pod);
        match pod.node_name() {
            Some(node) => {
                // Bypasses the scheduler: the kubelet on that node takes it.
                if self.cluster.nodes.contains_key(node) {
                    let info = crate::scheduler::cache::PodInfo::new(&self.cluster, pod.clone());
                    self.cache.add_pod(info, node, false);
                    self.assigned_pod_changed(ClusterEvent::AssignedPodAdd, None, Some(&pod));
                }
                self.work.kubelet.insert(key.clone());
            }
            None => {
                if !gated && &*pod.spec.scheduler_name == well_known::DEFAULT_SCHEDULER_NAME {
                    self.queue.add(key.clone(), pod.spec.priority, self.now);
                }
            }
        }
        Ok(Applied::Created)
    }

    /// Pods are mostly immutable: metadata may change, scheduling gates may be removed.
    fn update_pod(
        &mut self,
        old: &Arc<Pod>,
        mut new: Pod,
        key: &ObjectKey,
    ) -> Result<Applied, ApplyError> {
        new.spec.priority = old.spec.priority;
        new.spec.preemption_policy = old.spec.preemption_policy;
        if new.spec.priority_class_name.is_none() {
            new.spec.priority_class_name = old.spec.priority_class_name.clone();
        }
        if new.spec.node_name.is_none() {
            new.spec.node_name = old.spec.node_name.clone();
        }
        let gates_removed = new.spec.scheduling_gates().len() < old.spec.scheduling_gates().len()
            && new
                .spec
                .scheduling_gates()
                .iter()
                .all(|g| old.spec.scheduling_gates().contains(g));
        // validateOnlyAddedTolerations: tolerations may be added, not changed or removed.
        let tolerations_added = new.spec.tolerations.len() > old.spec.tolerations.len()
            && old
                .spec
                .tolerations
                .iter()
                .all(|t| new.spec.tolerations.contains(t));
        let mut comparable = new.spec.clone();
        comparable.set_scheduling_gates(old.spec.scheduling_gates().into());
        if tolerations_added {
            comparable.tolerations = old.spec.tolerations.clone();
        }
        if comparable != old.spec {
            return Err(ApplyError::invalid(
                Kind::Pod,
                key,
                &[FieldError::forbidden(
                    "spec",
                    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
                )],
            ));
        }
        if new.spec.scheduling_gates() != old.spec.scheduling_gates() && !gates_removed {
            return Err(ApplyError::invalid(
                Kind::Pod,
                key,
                &[FieldError::forbidden(
                    "spec.schedulingGates",
                    "only deletion is allowed, but found new scheduling gate",
                )],
            ));
        }
        new.status = old.status.clone();
        self.stamp(&mut new.meta, Kind::Pod, Some(&old.meta));
        let now_ungated = gates_removed && new.spec.scheduling_gates().is_empty();
        if now_ungated {
            new.status
                .conditions
                .retain(|c| c.reason != "SchedulingGated");
        }
        let new = Arc::new(new);
        self.cluster.put_pod(new.clone());
        if self.cache.node_of(key).is_some() {
            self.cache
                .refresh_pod(crate::scheduler::cache::PodInfo::new(
                    &self.cluster,
                    new.clone(),
                ));
            // PodSchedulingPropertiesChange: a label change is `UpdatePodLabel`; an update
            // with no property of interest changed is `UpdatePodOther`.
            if new.meta.labels != old.meta.labels {
                self.assigned_pod_changed(
                    ClusterEvent::AssignedPodLabelUpdate,
                    Some(old),
                    Some(&new),
                );
            } else {
                self.cluster_event(ClusterEvent::AssignedPodUpdate);
            }
        }
        if tolerations_added && !new.is_assigned() {
            // The pending pod's own `UpdatePodToleration`, with the hints of the plugins
            // that register it: TaintToleration queues on any new toleration;
            // NodeUnschedulable once the pod tolerates the cordon taint
            // (`isSchedulableAfterPodTolerationChange`); PodTopologySpread when one of its
            // constraints counts tainted nodes out (`nodeTaintsPolicy: Honor`).
            let tolerates_cordon =
                new.tolerates(&crate::scheduler::plugins::node_unschedulable::cordon_taint());
            let honors_taints = new
                .spec
                .topology_spread_constraints
                .iter()
                .any(|c| c.honor_node_taints);
            self.queue
                .on_own_update_hinted(key, self.now, |plugin| match plugin {
                    plugin_names::TAINT_TOLERATION => true,
                    plugin_names::NODE_UNSCHEDULABLE => tolerates_cordon,
                    plugin_names::POD_TOPOLOGY_SPREAD => honors_taints,
                    _ => false,
                });
        }
        if new.meta.labels != old.meta.labels && !new.is_assigned() {
            // The pending pod's own `UpdatePodLabel`: of the default plugins only
            // PodTopologySpread's hint may queue it (InterPodAffinity's skips an unscheduled
            // pod).
            let spread_changed =
                crate::scheduler::plugins::pod_topology_spread::pod_change_may_help(
                    &new,
                    Some(old),
                    Some(&new),
                );
            self.queue.on_own_update_hinted(key, self.now, |plugin| {
                plugin == plugin_names::POD_TOPOLOGY_SPREAD && spread_changed
            });
        }
        if now_ungated
            && !new.is_assigned()
            && &*new.spec.scheduler_name == well_known::DEFAULT_SCHEDULER_NAME
        {
            self.queue.add(key.clone(), new.spec.priority, self.now);
        }
        Ok(Applied::Updated)
    }

    /// `kubectl scale`: sets a workload's `spec.replicas` and applies it.
    pub fn scale(&mut self, kind: Kind, key: &ObjectKey, replicas: i32) -> Result<(), ApplyError> {
        let source = self
            .cluster
            .source_of(kind, key)
            .filter(|_| kind.is_workload())
            .map(|s| s.into_owned())
            .ok_or_else(|| ApplyError::not_found(kind, key))?;
        let mut value: serde_json::Value =
            serde_json::from_str(&source).map_err(|_| ApplyError::not_found(kind, key))?;
        if let Some(obj) = value.as_object_mut() {
            let spec = obj
                .entry("spec")
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let Some(spec) = spec.as_object_mut() {
                spec.insert("replicas".into(), replicas.into());
            }
        }
        use crate::scenario::parse::de;
        let mut ignored = Vec::new();
        let manifest = match kind {
            Kind::StatefulSet => de(&value, 0, "", &mut ignored).map(Manifest::StatefulSet),
            Kind::Deployment => de(&value, 0, "", &mut ignored).map(Manifest::Deployment),
            _ => de(&value, 0, "", &mut ignored).map(Manifest::ReplicaSet),
        }
        // The kept manifest was read this way before, so this only fails if it vanished.
        .map_err(|_| ApplyError::not_found(kind, key))?;
        self.apply(&manifest).map(|_| ())
    }

    /// Requests deletion; finalizers and grace periods may keep the object a while.
    pub fn delete(&mut self, kind: Kind, key: &ObjectKey) -> Result<(), ApplyError> {
        if !self.object_exists(kind, key) {
            return Err(ApplyError::not_found(kind, key));
        }
        let object = self.log.object_ref(kind, key);
        self.note(Note::Deleted { object });
        match kind {
            Kind::Node => self.delete_node(&key.name),
            Kind::StorageClass => {
                self.cluster.storage_classes.remove(&*key.name);
            }
            Kind::PriorityClass => {
                self.cluster.priority_classes.remove(&*key.name);
            }
            Kind::PersistentVolume => self.request_pv_deletion(&key.name),
            Kind::PersistentVolumeClaim => self.request_pvc_deletion(key),
            Kind::Pod => self.request_pod_deletion(key, false),
            Kind::CSINode => {
                let removed = self.cluster.csi_nodes.remove(&*key.name);
                self.sync_csi_limits(&key.name);
                self.csi_node_changed(removed.as_deref(), None);
            }
            Kind::CSIDriver => {
                let removed = self.cluster.csi_drivers.remove(&*key.name);
                self.csi_driver_changed(removed.as_deref(), None);
            }
            Kind::CSIStorageCapacity => {
                let removed = self.cluster.csi_capacities.remove(key);
                self.csi_capacity_changed(removed.as_deref(), None);
            }
            Kind::PodDisruptionBudget => {
                self.cluster.pdbs.remove(key);
            }
            Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet => {
                self.remove_workload(kind, key);
            }
        }
        self.cluster.manifests.remove(&(kind, key.clone()));
        self.cluster.generated.remove(&(kind, key.clone()));
        self.drain_controllers();
        Ok(())
    }

    /// Copies a CSINode's attach limits and CSI migration state into the scheduler's node
    /// info.
    fn sync_csi_limits(&mut self, node: &str) {
        let csi_node = self.cluster.csi_nodes.get(node);
        let limits = csi_node
            .map(|c| {
                c.drivers
                    .iter()
                    .filter_map(|d| d.allocatable_count.map(|n| (d.name.clone(), n as i64)))
                    .collect()
            })
            .unwrap_or_default();
        let migration = crate::csi_migration::node_migration_mask(csi_node.map(|c| &**c));
        self.cache.set_csi_limits(node, limits, migration);
    }

    fn delete_node(&mut self, name: &str) {
        let removed = self.cluster.nodes.remove(name);
        self.cache.remove_node(name);
        self.cluster.csi_nodes.remove(name);
        // The pod garbage collector removes pods bound to a node that no longer exists.
        let orphans: Vec<Arc<Pod>> = self
            .cluster
            .pods()
            .values()
            .filter(|p| p.node_name() == Some(name))
            .cloned()
            .collect();
        for pod in &orphans {
            self.remove_pod_now(&pod.meta.key());
        }
        // deleteNodeFromCache: Node/Delete (only PodTopologySpread registers it). The
        // orphans left the cache with their node, so their deletions (PodGC's, upstream)
        // are raised here: `AssignedPodDelete` for the plugins a freed pod can help.
        self.node_changed(ClusterEvent::NodeDelete, removed.as_deref(), None);
        for pod in &orphans {
            self.assigned_pod_deleted(pod);
        }
    }

    fn request_pv_deletion(&mut self, name: &str) {
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        if pv.meta.finalizers.is_empty() {
            self.cluster.remove_pv(name);
            self.after_pv_removed(&pv);
            return;
        }
        let mut new = (*pv).clone();
        new.meta.deletion.get_or_insert(self.now);
        self.cluster.put_pv(Arc::new(new));
        self.work.pv_protection.insert(name.to_string());
    }

    pub(crate) fn request_pvc_deletion(&mut self, key: &ObjectKey) {
        let Some(pvc) = self.cluster.pvc(key).cloned() else {
            return;
        };
        if pvc.meta.finalizers.is_empty() {
            self.remove_pvc_now(key);
            return;
        }
        let mut new = (*pvc).clone();
        new.meta.deletion.get_or_insert(self.now);
        self.cluster.put_pvc(Arc::new(new));
        self.work.pvc_protection.insert(key.clone());
        self.claim_changed(ClusterEvent::PvcUpdate, key);
    }

    pub(crate) fn remove_pvc_now(&mut self, key: &ObjectKey) {
        if let Some(pvc) = self.cluster.remove_pvc(key) {
            let id = (Kind::PersistentVolumeClaim, key.clone());
            self.cluster.manifests.remove(&id);
            self.cluster.generated.remove(&id);
            if let Some(v) = &pvc.volume_name {
                self.work.volumes.insert(v.to_string());
            }
            for pv in self.cluster.pvs_claiming(key) {
                self.work.volumes.insert(pv.name().to_string());
            }
            self.provisioning.remove(key);
            // `onPVCDelete`: a pod still using the claim as its ephemeral volume gets it
            // re-created.
            let users: Vec<Arc<Pod>> = self.cluster.pods_using_claim(key).cloned().collect();
            for pod in users {
                self.enqueue_ephemeral(&pod);
            }
        }
    }

    pub(crate) fn after_pv_removed(&mut self, pv: &PersistentVolume) {
        self.cluster
            .manifests
            .remove(&(Kind::PersistentVolume, pv.meta.key()));
        if let Some(r) = &pv.claim_ref {
            self.work
                .claims
                .insert(ObjectKey::new(r.namespace.clone(), r.name.clone()));
        }
        self.cluster_event(ClusterEvent::PvUpdate);
    }

    /// Queues the class's unbound claims the PV controller binds itself (not
    /// WaitForFirstConsumer ones, which the scheduler binds): a volume may now fit them.
    pub(crate) fn enqueue_unbound_immediate_claims(&mut self, class: &str) {
        let delayed = self
            .cluster
            .storage_classes
            .get(class)
            .is_some_and(|sc| sc.binding_mode == VolumeBindingMode::WaitForFirstConsumer);
        if delayed {
            return;
        }
        let keys: Vec<ObjectKey> = self
            .cluster
            .unbound_claims_of_class(class)
            .cloned()
            .collect();
        self.work.claims.extend(keys);
    }
}

fn created_or_updated(created: bool) -> Applied {
    if created {
        Applied::Created
    } else {
        Applied::Updated
    }
}

/// The order `load` applies kinds in, like Helm's install order.
fn apply_rank(kind: Kind) -> u8 {
    match kind {
        Kind::PriorityClass => 0,
        Kind::StorageClass => 1,
        Kind::CSIDriver => 2,
        Kind::Node => 3,
        Kind::CSINode => 4,
        Kind::CSIStorageCapacity => 5,
        Kind::PersistentVolume | Kind::PersistentVolumeClaim => 6,
        Kind::PodDisruptionBudget => 7,
        Kind::Pod => 8,
        // After pods, so a state export's pods are adopted back by their owners instead of
        // being created a second time.
        Kind::ReplicaSet => 9,
        Kind::Deployment => 10,
        Kind::StatefulSet => 11,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_message_is_the_status_message_a_client_returns() {
        let key = ObjectKey::new("default", "c");
        let one = [FieldError::required("spec.accessModes", "")];
        let e = ApplyError::invalid(Kind::PersistentVolumeClaim, &key, &one);
        assert_eq!(
            e.message,
            "The PersistentVolumeClaim \"c\" is invalid: spec.accessModes: Required value"
        );
        assert_eq!(
            e.api_message,
            "PersistentVolumeClaim \"c\" is invalid: spec.accessModes: Required value"
        );
        // Several errors: kubectl lists them on lines, the API's aggregate brackets them
        // (and drops repeats).
        let two = [
            FieldError::required("spec.accessModes", ""),
            FieldError::forbidden("metadata.name", "cannot be set"),
            FieldError::required("spec.accessModes", ""),
        ];
        let e = ApplyError::invalid(Kind::PersistentVolumeClaim, &key, &two);
        assert_eq!(
            e.api_message,
            "PersistentVolumeClaim \"c\" is invalid: [spec.accessModes: Required value, metadata.name: Forbidden: cannot be set]"
        );
        assert!(e
            .message
            .contains("\n* spec.accessModes: Required value\n* metadata.name"));
        let e = ApplyError::already_exists(Kind::PersistentVolumeClaim, &key);
        assert_eq!(e.api_message, e.message);
    }
}
