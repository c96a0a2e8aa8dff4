//! The workload controllers of kube-controller-manager: StatefulSet, Deployment and
//! ReplicaSet, plus the part of the garbage collector that deletes what they own.
//!
//! Each controller reconciles one object per call, as upstream's `sync` does, and is woken
//! by changes to its own object or to the pods it controls ([`Cluster::owners_touched`]).
//! Pods and claims are stamped out of the templates as manifests and go through the same
//! validation and admission as user objects (priority classes, default storage class).
//!
//! [`Cluster::owners_touched`]: crate::cluster::Cluster

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use super::{ApplyError, Simulation, Timer};
use crate::events::EventType;
use crate::model::*;
use crate::scenario::convert::{pod_from_template, template_hash, to_model};
use crate::scenario::Manifest;
use crate::time::SimTime;

const STATEFULSET_CONTROLLER: &str = "statefulset-controller";
const REPLICASET_CONTROLLER: &str = "replicaset-controller";
const DEPLOYMENT_CONTROLLER: &str = "deployment-controller";
/// `--concurrent-replicaset-syncs`' burst: at most this many pods created per sync.
const BURST_REPLICAS: i32 = 500;
/// Attempts at a free random pod name before giving up for this sync.
const NAME_ATTEMPTS: usize = 16;

fn is_ready(p: &Pod) -> bool {
    p.condition("Ready").is_some_and(|c| c.status == "True")
}

fn is_running_and_ready(p: &Pod) -> bool {
    p.status.phase == PodPhase::Running && is_ready(p)
}

/// When a running, ready pod becomes available (`podutil.IsPodAvailable`): once its Ready
/// condition has been true for `min_ready_seconds`. `None` when it is not running and ready.
fn available_from(p: &Pod, min_ready_seconds: i32) -> Option<SimTime> {
    if p.status.phase != PodPhase::Running {
        return None;
    }
    let ready = p.condition("Ready").filter(|c| c.status == "True")?;
    Some(
        ready
            .last_transition
            .plus_millis(min_ready_seconds.max(0) as u64 * 1000),
    )
}

/// `controller.IsPodActive`.
fn is_active(p: &Pod) -> bool {
    !p.is_terminal() && p.meta.deletion.is_none()
}

pub(super) fn owner_ref_json(o: &OwnerRef) -> metav1::OwnerReference {
    metav1::OwnerReference {
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        name: o.name.to_string(),
        uid: o.uid.to_string(),
        controller: Some(o.controller),
        block_owner_deletion: Some(o.block_owner_deletion),
    }
}

fn pod_ref(meta: &Meta) -> OwnerRef {
    OwnerRef {
        api_version: "v1".into(),
        kind: "Pod".into(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        controller: true,
        block_owner_deletion: true,
    }
}

impl Simulation {
    pub(crate) fn sync_workload(&mut self, kind: Kind, key: &ObjectKey) {
        match kind {
            Kind::StatefulSet => self.sync_stateful_set(key),
            Kind::ReplicaSet => self.sync_replica_set(key),
            Kind::Deployment => self.sync_deployment(key),
            _ => {}
        }
    }

    /// Creates an object a controller made from a template: validated and admitted like any
    /// write, kept as a generated source (not part of the scenario).
    pub(super) fn create_generated(&mut self, m: Manifest) -> Result<(), ApplyError> {
        let kind = m.kind();
        let key = m.key();
        let exists = match kind {
            Kind::Pod => self.cluster.pod(&key).is_some(),
            Kind::PersistentVolumeClaim => self.cluster.pvc(&key).is_some(),
            Kind::ReplicaSet => self.cluster.replica_sets.contains_key(&key),
            _ => false,
        };
        if exists {
            return Err(ApplyError::already_exists(kind, &key));
        }
        let converted = to_model(&m).map_err(|errors| ApplyError::invalid(kind, &key, &errors))?;
        let source = m.to_json_string();
        self.admit_and_store(converted.object, &key)?;
        self.cluster.keep_generated(kind, key, &source);
        Ok(())
    }

    // --- StatefulSet ---------------------------------------------------------------------

    fn sync_stateful_set(&mut self, key: &ObjectKey) {
        let Some(set) = self.cluster.stateful_sets.get(key).cloned() else {
            return;
        };
        if set.meta.deletion.is_none() {
            self.reconcile_stateful_set(&set);
        }
        self.update_stateful_set_status(key);
        if set.meta.deletion.is_none() {
            self.wake_when_available(Kind::StatefulSet, key, set.min_ready_seconds);
        }
    }

    /// `enqueueSSAfter(set, minReadySeconds)` / the ReplicaSet controller's `AddAfter(key,
    /// minReadySeconds)` when a ready replica is not available yet: the workload is looked
    /// at again when the first of them becomes available (the simulated clock has no sync
    /// latency, so that is exactly `minReadySeconds` after it turned ready).
    fn wake_when_available(&mut self, kind: Kind, key: &ObjectKey, min_ready_seconds: i32) {
        if min_ready_seconds == 0 {
            return;
        }
        let next = self
            .cluster
            .pods_owned_by(kind, key)
            .filter(|p| p.meta.deletion.is_none())
            .filter_map(|p| available_from(p, min_ready_seconds))
            .filter(|&at| at > self.now)
            .min();
        if let Some(at) = next {
            if self.workload_wakeups.insert((at, kind, key.clone())) {
                self.add_timer(
                    at,
                    Timer::WorkloadResync {
                        kind,
                        key: key.clone(),
                    },
                );
            }
        }
    }

    /// `isRunningAndAvailable` at the current simulated time (running, ready, and ready for
    /// `min_ready_seconds`).
    fn is_available(&self, p: &Pod, min_ready_seconds: i32) -> bool {
        available_from(p, min_ready_seconds).is_some_and(|at| at <= self.now)
    }

    /// `defaultStatefulSetControl.updateStatefulSet` for one sync: replicas in ordinal
    /// order, then condemned pods from the highest ordinal, then the rolling update. In
    /// OrderedReady mode the first thing that must wait ends the sync.
    fn reconcile_stateful_set(&mut self, set: &StatefulSet) {
        let key = set.meta.key();
        let monotonic = set.pod_management == PodManagementPolicy::OrderedReady;
        let mut replicas: BTreeMap<i32, Arc<Pod>> = BTreeMap::new();
        let mut condemned: Vec<(i32, Arc<Pod>)> = Vec::new();
        for p in self.cluster.pods_owned_by(Kind::StatefulSet, &key) {
            match set.ordinal_of(&p.meta.name) {
                Some(o) if set.wants_ordinal(o) => {
                    replicas.insert(o, p.clone());
                }
                Some(o) => condemned.push((o, p.clone())),
                None => condemned.push((-1, p.clone())),
            }
        }
        crate::sort::sort_by_key(&mut condemned, |c| std::cmp::Reverse(c.0));
        let first_unhealthy: Option<ObjectKey> = replicas
            .values()
            .chain(condemned.iter().map(|(_, p)| p))
            .find(|p| !is_running_and_ready(p) || p.meta.deletion.is_some())
            .map(|p| p.meta.key());

        for ordinal in set.ordinal_start..set.ordinal_start + set.replicas {
            let pod = replicas.get(&ordinal).cloned();
            let wait = match pod {
                Some(p) if p.is_terminal() => {
                    if p.meta.deletion.is_none() {
                        self.delete_stateful_pod(set, &p);
                    }
                    true
                }
                None => {
                    if self.stateful_claim_is_stale(set, ordinal) {
                        if monotonic {
                            return;
                        }
                        continue;
                    }
                    self.create_stateful_pod(set, ordinal);
                    true
                }
                Some(p) => {
                    if p.status.phase == PodPhase::Pending && p.meta.deletion.is_none() {
                        // `createMissingPersistentVolumeClaims`: a claim deleted under a
                        // pending pod is created again; failures were announced and end
                        // this sync.
                        if self
                            .create_stateful_claims(set, &p.meta.name, ordinal)
                            .is_err()
                        {
                            return;
                        }
                        self.update_claim_owners(set, &p.meta, ordinal);
                    }
                    // `processReplica`: an OrderedReady set waits for each replica to be
                    // running and ready, then available (ready for `minReadySeconds`).
                    let wait =
                        p.meta.deletion.is_some() || !self.is_available(&p, set.min_ready_seconds);
                    // `processReplica`: a replica the sync need not wait for has the set's
                    // invariants enforced, its claims' retention-policy owner references
                    // included (`ClaimsMatchRetentionPolicy` / `UpdateStatefulPod`), so a
                    // policy changed on a live set reaches the claims of running pods.
                    if !(wait && monotonic) {
                        self.update_claim_owners(set, &p.meta, ordinal);
                    }
                    wait
                }
            };
            if wait && monotonic {
                return;
            }
        }

        // Claims of condemned pods follow the retention policy before the pods go.
        for (ordinal, p) in &condemned {
            if *ordinal >= 0 {
                self.update_claim_owners(set, &p.meta, *ordinal);
            }
        }
        for (_, p) in &condemned {
            if p.meta.deletion.is_some() {
                if monotonic {
                    return;
                }
                continue;
            }
            if monotonic
                && !is_running_and_ready(p)
                && first_unhealthy.as_ref() != Some(&p.meta.key())
            {
                return;
            }
            self.delete_stateful_pod(set, p);
            if monotonic {
                return;
            }
        }

        if set.update_strategy != SetUpdateStrategy::RollingUpdate {
            return;
        }
        // Rolling update: replace the highest-ordinal pod of an old revision, one at a time.
        for (_, p) in replicas.iter().rev() {
            let revision = p
                .meta
                .labels
                .get(well_known::LABEL_CONTROLLER_REVISION_HASH);
            if revision != Some(set.update_revision.as_str()) && p.meta.deletion.is_none() {
                self.delete_stateful_pod(set, p);
                return;
            }
            if !is_running_and_ready(p) || p.meta.deletion.is_some() {
                return;
            }
        }
    }

    fn set_event(
        &mut self,
        set: &StatefulSet,
        type_: EventType,
        reason: &'static str,
        msg: String,
    ) {
        self.event(
            type_,
            reason,
            Kind::StatefulSet,
            &set.meta.key(),
            msg,
            STATEFULSET_CONTROLLER,
        );
    }

    fn delete_stateful_pod(&mut self, set: &StatefulSet, pod: &Pod) {
        self.set_event(
            set,
            EventType::Normal,
            "SuccessfulDelete",
            format!(
                "delete Pod {} in StatefulSet {} successful",
                pod.meta.name, set.meta.name
            ),
        );
        self.request_pod_deletion(&pod.meta.key(), false);
    }

    /// `PodClaimIsStale`: with `whenScaled: Delete`, a claim still owned by an earlier pod
    /// of this ordinal must be collected before the pod is created again.
    fn stateful_claim_is_stale(&self, set: &StatefulSet, ordinal: i32) -> bool {
        if set.when_scaled == ClaimRetention::Retain {
            return false;
        }
        let pod_name = format!("{}-{ordinal}", set.meta.name);
        set.claim_templates.iter().any(|t| {
            let name = set.claim_name(t.metadata.name.as_deref().unwrap_or(""), ordinal);
            self.cluster
                .pvc_by(&set.meta.namespace, &name)
                .is_some_and(|c| {
                    c.meta.owners.iter().any(|o| {
                        o.kind == "Pod"
                            && *o.name == *pod_name
                            && self
                                .cluster
                                .pod(&ObjectKey::new(
                                    set.meta.namespace.clone(),
                                    pod_name.as_str(),
                                ))
                                .is_none_or(|p| p.meta.uid != o.uid)
                    })
                })
        })
    }

    /// `newVersionedStatefulSetPod`: the template plus identity (name, hostname,
    /// subdomain, pod-name and pod-index labels), revision label and claim volumes.
    fn stateful_pod_manifest(&self, set: &StatefulSet, ordinal: i32) -> core::Pod {
        let name = format!("{}-{ordinal}", set.meta.name);
        let mut pod = pod_from_template(&set.template, &name, &set.meta.namespace);
        pod.metadata.generate_name = Some(format!("{}-", set.meta.name));
        let labels = pod.metadata.labels.get_or_insert_with(Default::default);
        labels.insert(well_known::LABEL_STATEFULSET_POD_NAME.into(), name.clone());
        labels.insert(well_known::LABEL_POD_INDEX.into(), ordinal.to_string());
        labels.insert(
            well_known::LABEL_CONTROLLER_REVISION_HASH.into(),
            set.update_revision.clone(),
        );
        pod.metadata.owner_references = Some(vec![owner_ref_json(&OwnerRef::controller_of(
            Kind::StatefulSet,
            &set.meta,
        ))]);
        let spec = pod.spec.get_or_insert_with(Default::default);
        spec.hostname = Some(name.clone());
        if !set.service_name.is_empty() {
            spec.subdomain = Some(set.service_name.clone());
        }
        let volumes = spec.volumes.get_or_insert_with(Vec::new);
        for t in set.claim_templates.iter() {
            let template_name = t.metadata.name.clone().unwrap_or_default();
            volumes.retain(|v| v.name != template_name);
            volumes.push(core::Volume {
                name: template_name.clone(),
                persistent_volume_claim: Some(core::PersistentVolumeClaimVolumeSource {
                    claim_name: set.claim_name(&template_name, ordinal),
                    read_only: None,
                }),
                ..Default::default()
            });
        }
        pod
    }

    fn create_stateful_pod(&mut self, set: &StatefulSet, ordinal: i32) {
        let manifest = self.stateful_pod_manifest(set, ordinal);
        let pod_name = format!("{}-{ordinal}", set.meta.name);
        if let Err(e) = self.create_stateful_claims(set, &pod_name, ordinal) {
            self.set_event(
                set,
                EventType::Warning,
                "FailedCreate",
                format!(
                    "create Pod {pod_name} in StatefulSet {} failed error: {e}",
                    set.meta.name
                ),
            );
            return;
        }
        match self.create_generated(Manifest::Pod(Box::new(manifest))) {
            Ok(()) => {
                if let Some(meta) = self
                    .cluster
                    .pod(&ObjectKey::new(
                        set.meta.namespace.clone(),
                        pod_name.as_str(),
                    ))
                    .map(|p| p.meta.clone())
                {
                    self.update_claim_owners(set, &meta, ordinal);
                }
                self.set_event(
                    set,
                    EventType::Normal,
                    "SuccessfulCreate",
                    format!(
                        "create Pod {pod_name} in StatefulSet {} successful",
                        set.meta.name
                    ),
                );
            }
            Err(e) => self.set_event(
                set,
                EventType::Warning,
                "FailedCreate",
                format!(
                    "create Pod {pod_name} in StatefulSet {} failed error: {}",
                    set.meta.name, e.api_message
                ),
            ),
        }
    }

    /// `createPersistentVolumeClaims`: each missing claim of the pod's ordinal is created
    /// (and announced); a claim being deleted is an error that blocks the pod.
    fn create_stateful_claims(
        &mut self,
        set: &StatefulSet,
        pod_name: &str,
        ordinal: i32,
    ) -> Result<(), String> {
        let mut errors = Vec::new();
        for t in set.claim_templates.iter() {
            let template_name = t.metadata.name.clone().unwrap_or_default();
            let name = set.claim_name(&template_name, ordinal);
            let key = ObjectKey::new(set.meta.namespace.clone(), name.as_str());
            match self.cluster.pvc(&key) {
                Some(c) => {
                    if c.meta.deletion.is_some() {
                        errors.push(format!("pvc {name} is being deleted"));
                    }
                }
                None => {
                    let mut claim = t.clone();
                    claim.metadata.name = Some(name.clone());
                    claim.metadata.namespace = Some(set.meta.namespace.to_string());
                    let labels = claim.metadata.labels.get_or_insert_with(Default::default);
                    for (k, v) in set.selector_wire.match_labels.iter().flatten() {
                        labels.insert(k.clone(), v.clone());
                    }
                    claim.status = None;
                    match self.create_generated(Manifest::PersistentVolumeClaim(Box::new(claim))) {
                        Ok(()) => self.set_event(
                            set,
                            EventType::Normal,
                            "SuccessfulCreate",
                            format!(
                                "create Claim {name} Pod {pod_name} in StatefulSet {} success",
                                set.meta.name
                            ),
                        ),
                        Err(e) => {
                            self.set_event(
                                set,
                                EventType::Warning,
                                "FailedCreate",
                                format!(
                                    "create Claim {name} for Pod {pod_name} in StatefulSet {} failed error: {}",
                                    set.meta.name, e.api_message
                                ),
                            );
                            errors.push(format!("failed to create PVC {name}: {}", e.api_message));
                        }
                    }
                }
            }
        }
        match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(format!("[{}]", errors.join(", "))),
        }
    }

    /// `updateClaimOwnerRefForSetAndPod`: the owner references the retention policy asks
    /// for (the set for `whenDeleted: Delete`, the pod for `whenScaled: Delete` once it is
    /// condemned), so the garbage collector deletes the claim at the right moment.
    fn update_claim_owners(&mut self, set: &StatefulSet, pod: &Meta, ordinal: i32) {
        let condemned = !set.wants_ordinal(ordinal);
        for t in set.claim_templates.iter() {
            let name = set.claim_name(t.metadata.name.as_deref().unwrap_or(""), ordinal);
            let key = ObjectKey::new(set.meta.namespace.clone(), name.as_str());
            let Some(claim) = self.cluster.pvc(&key).cloned() else {
                continue;
            };
            if claim_owner_up_to_date(&claim.meta.owners, set, pod, condemned) {
                continue;
            }
            let mut owners: Vec<OwnerRef> = claim
                .meta
                .owners
                .iter()
                .filter(|o| !matches_set(o, set) && !matches_pod(o, pod))
                .cloned()
                .collect();
            if !has_unexpected_controller(&claim.meta.owners, set, pod) {
                match (set.when_scaled, set.when_deleted) {
                    (ClaimRetention::Retain, ClaimRetention::Retain) => {}
                    (ClaimRetention::Retain, ClaimRetention::Delete) => {
                        owners.push(OwnerRef::controller_of(Kind::StatefulSet, &set.meta))
                    }
                    (ClaimRetention::Delete, ClaimRetention::Retain) => {
                        if condemned {
                            owners.push(pod_ref(pod));
                        }
                    }
                    (ClaimRetention::Delete, ClaimRetention::Delete) => {
                        if condemned {
                            owners.push(pod_ref(pod));
                        } else {
                            owners.push(OwnerRef::controller_of(Kind::StatefulSet, &set.meta));
                        }
                    }
                }
            }
            if owners[..] != claim.meta.owners[..] {
                let mut new = (*claim).clone();
                new.meta.owners = owners.into();
                self.write_pvc(new);
            }
        }
    }

    fn update_stateful_set_status(&mut self, key: &ObjectKey) {
        let Some(set) = self.cluster.stateful_sets.get(key).cloned() else {
            return;
        };
        let mut status = WorkloadStatus::default();
        for p in self.cluster.pods_owned_by(Kind::StatefulSet, key) {
            status.replicas += 1;
            if is_running_and_ready(p) {
                status.ready_replicas += 1;
            }
            if self.is_available(p, set.min_ready_seconds) {
                status.available_replicas += 1;
            }
            if p.meta
                .labels
                .get(well_known::LABEL_CONTROLLER_REVISION_HASH)
                == Some(&set.update_revision)
            {
                status.updated_replicas += 1;
            }
        }
        if status != set.status {
            let mut new = (*set).clone();
            new.status = status;
            self.cluster
                .stateful_sets
                .insert(key.clone(), Arc::new(new));
        }
    }

    // --- ReplicaSet ----------------------------------------------------------------------

    fn sync_replica_set(&mut self, key: &ObjectKey) {
        let Some(rs) = self.cluster.replica_sets.get(key).cloned() else {
            return;
        };
        let active: Vec<Arc<Pod>> = self
            .cluster
            .pods_owned_by(Kind::ReplicaSet, key)
            .filter(|p| is_active(p))
            .cloned()
            .collect();
        if rs.meta.deletion.is_none() {
            let diff = active.len() as i32 - rs.replicas;
            if diff < 0 {
                for _ in 0..(-diff).min(BURST_REPLICAS) {
                    if !self.create_replica_set_pod(&rs) {
                        break;
                    }
                }
            } else if diff > 0 {
                let doomed = self.pods_to_delete(&rs, &active, diff.min(BURST_REPLICAS) as usize);
                for p in doomed {
                    self.request_pod_deletion(&p.meta.key(), false);
                    self.event(
                        EventType::Normal,
                        "SuccessfulDelete",
                        Kind::ReplicaSet,
                        key,
                        format!("Deleted pod: {}", p.meta.name),
                        REPLICASET_CONTROLLER,
                    );
                }
            }
        }
        // `calculateStatus` over the pods this sync started from.
        let ready = active.iter().filter(|p| is_running_and_ready(p)).count() as i32;
        let available = active
            .iter()
            .filter(|p| self.is_available(p, rs.min_ready_seconds))
            .count() as i32;
        let status = WorkloadStatus {
            replicas: active.len() as i32,
            ready_replicas: ready,
            available_replicas: available,
            updated_replicas: 0,
        };
        if rs.meta.deletion.is_none() {
            self.wake_when_available(Kind::ReplicaSet, key, rs.min_ready_seconds);
        }
        if status != rs.status {
            let mut new = (*rs).clone();
            new.status = status;
            self.cluster.replica_sets.insert(key.clone(), Arc::new(new));
            if let Some(owner) = rs.meta.controller().filter(|o| o.kind == "Deployment") {
                self.work.workloads.insert((
                    Kind::Deployment,
                    ObjectKey::new(key.namespace.clone(), owner.name.clone()),
                ));
            }
        }
        // The Deployment controller's `deletePod`: a Recreate Deployment is synced once none
        // of its pods is left (its ReplicaSets' status no longer changes when a terminating
        // pod finally goes, so the status update above does not wake it).
        if let Some(owner) = rs.meta.controller().filter(|o| o.kind == "Deployment") {
            let dk = ObjectKey::new(key.namespace.clone(), owner.name.clone());
            let recreate = self
                .cluster
                .deployments
                .get(&dk)
                .is_some_and(|d| matches!(d.strategy, DeploymentStrategy::Recreate));
            if recreate
                && self.cluster.replica_sets_of(&dk).all(|r| {
                    self.cluster
                        .pods_owned_by(Kind::ReplicaSet, &r.meta.key())
                        .next()
                        .is_none()
                })
            {
                self.work.workloads.insert((Kind::Deployment, dk));
            }
        }
    }

    /// `names.SimpleNameGenerator`: `<prefix><5 random consonants and digits>`.
    fn generate_name(&mut self, prefix: &str) -> String {
        const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        let suffix: String = (0..5)
            .map(|_| ALPHANUMS[self.name_rng.index(ALPHANUMS.len())] as char)
            .collect();
        format!("{prefix}{suffix}")
    }

    /// `PodControl.CreatePods` for one pod; false when creation failed (stop this burst).
    fn create_replica_set_pod(&mut self, rs: &ReplicaSet) -> bool {
        let key = rs.meta.key();
        let prefix = format!("{}-", rs.meta.name);
        let mut name = None;
        for _ in 0..NAME_ATTEMPTS {
            let candidate = self.generate_name(&prefix);
            if self
                .cluster
                .pod(&ObjectKey::new(key.namespace.clone(), candidate.as_str()))
                .is_none()
            {
                name = Some(candidate);
                break;
            }
        }
        let Some(name) = name else {
            return false;
        };
        let mut pod = pod_from_template(&rs.template, &name, &rs.meta.namespace);
        pod.metadata.generate_name = Some(prefix);
        pod.metadata.owner_references = Some(vec![owner_ref_json(&OwnerRef::controller_of(
            Kind::ReplicaSet,
            &rs.meta,
        ))]);
        match self.create_generated(Manifest::Pod(Box::new(pod))) {
            Ok(()) => {
                self.event(
                    EventType::Normal,
                    "SuccessfulCreate",
                    Kind::ReplicaSet,
                    &key,
                    format!("Created pod: {name}"),
                    REPLICASET_CONTROLLER,
                );
                true
            }
            Err(e) => {
                self.event(
                    EventType::Warning,
                    "FailedCreate",
                    Kind::ReplicaSet,
                    &key,
                    format!("Error creating: {}", e.api_message),
                    REPLICASET_CONTROLLER,
                );
                false
            }
        }
    }

    /// `getPodsToDelete`: pods ranked by `ActivePodsWithRanks` (unassigned, pending, not
    /// ready, more co-located related pods, ready for less time, newer first).
    fn pods_to_delete(&self, rs: &ReplicaSet, active: &[Arc<Pod>], n: usize) -> Vec<Arc<Pod>> {
        if n >= active.len() {
            return active.to_vec();
        }
        // Related pods (`getIndirectlyRelatedPods`): those of every ReplicaSet with the same
        // controller; a ReplicaSet without one has none (`getReplicaSetsWithSameController`
        // returns nil), so co-location does not rank its pods.
        let owner = rs.meta.controller().filter(|o| o.kind == "Deployment");
        let siblings: Vec<ObjectKey> = match owner {
            Some(o) => {
                let dk = ObjectKey::new(rs.meta.namespace.clone(), o.name.clone());
                self.cluster
                    .replica_sets_of(&dk)
                    .map(|r| r.meta.key())
                    .collect()
            }
            None => Vec::new(),
        };
        let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
        for k in &siblings {
            for p in self.cluster.pods_owned_by(Kind::ReplicaSet, k) {
                if is_active(p) {
                    *on_node.entry(p.node_name().unwrap_or("")).or_default() += 1;
                }
            }
        }
        let now = self.now;
        let rank = |p: &Pod| {
            on_node
                .get(p.node_name().unwrap_or(""))
                .copied()
                .unwrap_or(0)
        };
        let phase_ordinal = |p: &Pod| match p.status.phase {
            PodPhase::Pending => 0,
            PodPhase::Running => 2,
            _ => 1,
        };
        let ready_time = |p: &Pod| p.condition("Ready").map(|c| c.last_transition);
        let mut ranked: Vec<Arc<Pod>> = active.to_vec();
        crate::sort::sort_by(&mut ranked, |a, b| {
            use std::cmp::Ordering;
            let unassigned = a.is_assigned().cmp(&b.is_assigned());
            if a.node_name() != b.node_name() && unassigned != Ordering::Equal {
                return unassigned;
            }
            phase_ordinal(a)
                .cmp(&phase_ordinal(b))
                .then(is_ready(a).cmp(&is_ready(b)))
                .then(rank(b).cmp(&rank(a)))
                .then_with(|| {
                    if is_ready(a) && is_ready(b) {
                        newer_first(ready_time(a), ready_time(b), now, a, b)
                    } else {
                        Ordering::Equal
                    }
                })
                .then_with(|| newer_first(Some(a.meta.creation), Some(b.meta.creation), now, a, b))
                .then(a.meta.uid.cmp(&b.meta.uid))
        });
        ranked.truncate(n);
        ranked
    }

    // --- Deployment ----------------------------------------------------------------------

    fn sync_deployment(&mut self, key: &ObjectKey) {
        let Some(d) = self.cluster.deployments.get(key).cloned() else {
            return;
        };
        if d.meta.deletion.is_none() {
            self.reconcile_deployment(&d);
        }
        self.update_deployment_status(key);
    }

    fn replica_sets_by_age(&self, key: &ObjectKey) -> Vec<Arc<ReplicaSet>> {
        let mut all: Vec<Arc<ReplicaSet>> = self.cluster.replica_sets_of(key).cloned().collect();
        crate::sort::sort_by(&mut all, |a, b| {
            (a.meta.creation, a.meta.arrival, &a.meta.name).cmp(&(
                b.meta.creation,
                b.meta.arrival,
                &b.meta.name,
            ))
        });
        all
    }

    fn reconcile_deployment(&mut self, d: &Deployment) {
        let key = d.meta.key();
        let hash = template_hash(&*d.template);
        let all = self.replica_sets_by_age(&key);
        let is_new = |rs: &ReplicaSet| {
            rs.meta.labels.get(well_known::LABEL_POD_TEMPLATE_HASH) == Some(&hash)
        };
        let mut new_rs = all.iter().find(|rs| is_new(rs)).cloned();
        let old: Vec<Arc<ReplicaSet>> = all.iter().filter(|rs| !is_new(rs)).cloned().collect();
        // `getNewReplicaSet`: the new ReplicaSet follows the Deployment's minReadySeconds.
        if let Some(rs) = new_rs
            .as_ref()
            .filter(|rs| rs.min_ready_seconds != d.min_ready_seconds)
        {
            let mut updated = (**rs).clone();
            updated.min_ready_seconds = d.min_ready_seconds;
            let updated = Arc::new(updated);
            self.cluster
                .replica_sets
                .insert(updated.meta.key(), updated.clone());
            self.work
                .workloads
                .insert((Kind::ReplicaSet, updated.meta.key()));
            new_rs = Some(updated);
        }

        // `isScalingEvent`: any active ReplicaSet, new or old (there may be no new one yet),
        // whose desired-replicas annotation is not the Deployment's size.
        let scaling_event = all.iter().filter(|rs| rs.replicas > 0).any(|rs| {
            rs.meta
                .annotations
                .get(well_known::ANN_DESIRED_REPLICAS)
                .and_then(|v| v.parse::<i32>().ok())
                .is_some_and(|desired| desired != d.replicas)
        });
        if d.paused || scaling_event {
            self.scale_deployment(d, new_rs.as_deref(), &old);
            return;
        }
        match d.strategy {
            DeploymentStrategy::Recreate => {
                let mut scaled_down = false;
                for rs in old.iter().filter(|rs| rs.replicas > 0) {
                    scaled_down |= self.scale_replica_set(rs, 0, d);
                }
                if scaled_down {
                    return;
                }
                let old_running = old.iter().any(|rs| {
                    self.cluster
                        .pods_owned_by(Kind::ReplicaSet, &rs.meta.key())
                        .any(|p| !p.is_terminal())
                });
                if old_running {
                    return;
                }
                match new_rs {
                    None => {
                        self.create_new_replica_set(d, &hash, &old, d.replicas);
                    }
                    Some(rs) => {
                        self.scale_replica_set(&rs, d.replicas, d);
                    }
                }
            }
            DeploymentStrategy::RollingUpdate { .. } => {
                let new_rs = match new_rs {
                    Some(rs) => rs,
                    None => {
                        let count = self.new_rs_replicas(d, &all, 0);
                        match self.create_new_replica_set(d, &hash, &old, count) {
                            Some(rs) => rs,
                            None => return,
                        }
                    }
                };
                // reconcileNewReplicaSet
                if new_rs.replicas != d.replicas {
                    let target = if new_rs.replicas > d.replicas {
                        d.replicas
                    } else {
                        let mut everything = old.clone();
                        everything.push(new_rs.clone());
                        self.new_rs_replicas(d, &everything, new_rs.replicas)
                    };
                    if self.scale_replica_set(&new_rs, target, d) {
                        return;
                    }
                }
                self.reconcile_old_replica_sets(d, &new_rs, &old);
            }
        }
    }

    /// `NewRSNewReplicas` for RollingUpdate: grow the new ReplicaSet as far as maxSurge
    /// allows, never past the desired count.
    fn new_rs_replicas(&self, d: &Deployment, all: &[Arc<ReplicaSet>], current: i32) -> i32 {
        let current_pods: i32 = all.iter().map(|rs| rs.replicas).sum();
        let max_total = d.replicas + d.max_surge();
        if current_pods >= max_total {
            return current;
        }
        let scale_up = (max_total - current_pods).min(d.replicas - current);
        current + scale_up.max(0)
    }

    /// `reconcileOldReplicaSets`: scale old ReplicaSets down as far as maxUnavailable
    /// allows, unhealthy replicas first.
    fn reconcile_old_replica_sets(
        &mut self,
        d: &Deployment,
        new_rs: &ReplicaSet,
        old: &[Arc<ReplicaSet>],
    ) {
        let old_pods: i32 = old.iter().map(|rs| rs.replicas).sum();
        if old_pods == 0 {
            return;
        }
        let all_pods = old_pods + new_rs.replicas;
        let min_available = d.replicas - d.max_unavailable();
        let new_unavailable = new_rs.replicas - new_rs.status.available_replicas;
        let max_scaled_down = all_pods - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return;
        }
        // cleanupUnhealthyReplicas
        let mut cleaned = 0;
        let mut old: Vec<Arc<ReplicaSet>> = old.to_vec();
        for rs in old.iter_mut() {
            if cleaned >= max_scaled_down {
                break;
            }
            if rs.replicas == 0 || rs.replicas == rs.status.available_replicas {
                continue;
            }
            let down = (max_scaled_down - cleaned).min(rs.replicas - rs.status.available_replicas);
            let target = rs.replicas - down;
            self.scale_replica_set(rs, target, d);
            cleaned += down;
            if let Some(updated) = self.cluster.replica_sets.get(&rs.meta.key()) {
                *rs = updated.clone();
            }
        }
        // scaleDownOldReplicaSetsForRollingUpdate
        let available: i32 = old
            .iter()
            .map(|rs| rs.status.available_replicas)
            .sum::<i32>()
            + new_rs.status.available_replicas;
        if available <= min_available {
            return;
        }
        let total = available - min_available;
        let mut scaled = 0;
        for rs in &old {
            if scaled >= total {
                break;
            }
            if rs.replicas == 0 {
                continue;
            }
            let down = rs.replicas.min(total - scaled);
            self.scale_replica_set(rs, rs.replicas - down, d);
            scaled += down;
        }
    }

    /// `DeploymentController.scale`: a scaling event (or a paused Deployment) resizes the
    /// ReplicaSets without rolling out.
    fn scale_deployment(
        &mut self,
        d: &Deployment,
        new_rs: Option<&ReplicaSet>,
        old: &[Arc<ReplicaSet>],
    ) {
        let mut olds: Vec<Arc<ReplicaSet>> = old.to_vec();
        crate::sort::sort_by(&mut olds, |a, b| {
            (b.meta.creation, b.meta.arrival).cmp(&(a.meta.creation, a.meta.arrival))
        });
        let mut all: Vec<Arc<ReplicaSet>> = olds.clone();
        if let Some(n) = new_rs {
            all.insert(0, Arc::new(n.clone()));
        }
        let active: Vec<Arc<ReplicaSet>> =
            all.iter().filter(|rs| rs.replicas > 0).cloned().collect();
        // FindActiveOrLatest
        let target = match active.len() {
            0 => all.first().cloned(),
            1 => Some(active[0].clone()),
            _ => None,
        };
        if let Some(rs) = target {
            self.scale_replica_set(&rs, d.replicas, d);
            return;
        }
        // `IsSaturated`: the new ReplicaSet has, wants (its desired-replicas annotation) and
        // makes available the Deployment's full size.
        if let Some(n) = new_rs {
            let desired = n
                .meta
                .annotations
                .get(well_known::ANN_DESIRED_REPLICAS)
                .and_then(|v| v.parse::<i32>().ok());
            if n.replicas == d.replicas
                && desired == Some(d.replicas)
                && n.status.available_replicas == d.replicas
            {
                for rs in olds.iter().filter(|rs| rs.replicas > 0) {
                    self.scale_replica_set(rs, 0, d);
                }
                return;
            }
        }
        // Proportional scaling across the active ReplicaSets, for RollingUpdate only
        // (`IsRollingUpdate`): a Recreate Deployment's sets are left as they are.
        if !matches!(d.strategy, DeploymentStrategy::RollingUpdate { .. }) {
            return;
        }
        let total: i32 = active.iter().map(|rs| rs.replicas).sum();
        let allowed = if d.replicas > 0 {
            d.replicas + d.max_surge()
        } else {
            0
        };
        let to_add = allowed - total;
        let mut ordered = active;
        let key = |rs: &ReplicaSet| (rs.meta.creation, rs.meta.arrival);
        if to_add > 0 {
            crate::sort::sort_by(&mut ordered, |a, b| {
                b.replicas.cmp(&a.replicas).then(key(b).cmp(&key(a)))
            });
        } else {
            crate::sort::sort_by(&mut ordered, |a, b| {
                b.replicas.cmp(&a.replicas).then(key(a).cmp(&key(b)))
            });
        }
        let mut added = 0;
        let mut sizes: Vec<i32> = Vec::with_capacity(ordered.len());
        for rs in &ordered {
            let proportion = if to_add == 0 || to_add == added {
                0
            } else {
                let fraction = if d.replicas == 0 {
                    -rs.replicas
                } else {
                    let before = rs
                        .meta
                        .annotations
                        .get(well_known::ANN_MAX_REPLICAS)
                        .and_then(|v| v.parse::<i32>().ok())
                        .filter(|v| *v > 0)
                        .unwrap_or(d.status.replicas);
                    if before == 0 {
                        0
                    } else {
                        ((rs.replicas as f64 * allowed as f64) / before as f64).round() as i32
                            - rs.replicas
                    }
                };
                let remaining = to_add - added;
                if to_add > 0 {
                    fraction.min(remaining)
                } else {
                    fraction.max(remaining)
                }
            };
            sizes.push(rs.replicas + proportion);
            added += proportion;
        }
        for (i, rs) in ordered.iter().enumerate() {
            let mut size = sizes[i];
            if i == 0 && to_add != 0 {
                size = (size + to_add - added).max(0);
            }
            self.scale_replica_set(rs, size, d);
        }
    }

    /// `scaleReplicaSetAndRecordEvent` (+ the replica annotations); true if the size changed.
    fn scale_replica_set(&mut self, rs: &ReplicaSet, to: i32, d: &Deployment) -> bool {
        let key = rs.meta.key();
        let Some(current) = self.cluster.replica_sets.get(&key).cloned() else {
            return false;
        };
        let desired = d.replicas.to_string();
        let max = (d.replicas + d.max_surge()).to_string();
        let annotations_stale = current
            .meta
            .annotations
            .get(well_known::ANN_DESIRED_REPLICAS)
            != Some(&desired)
            || current.meta.annotations.get(well_known::ANN_MAX_REPLICAS) != Some(&max);
        let resize = current.replicas != to;
        if !resize && !annotations_stale {
            return false;
        }
        let mut new = (*current).clone();
        new.meta
            .annotations
            .insert(well_known::ANN_DESIRED_REPLICAS, desired);
        new.meta
            .annotations
            .insert(well_known::ANN_MAX_REPLICAS, max);
        new.replicas = to;
        self.cluster.replica_sets.insert(key.clone(), Arc::new(new));
        self.work.workloads.insert((Kind::ReplicaSet, key));
        if resize {
            let verb = if current.replicas < to { "up" } else { "down" };
            let message = if self.version.scaling_replica_set_from {
                format!(
                    "Scaled {verb} replica set {} from {} to {to}",
                    rs.meta.name, current.replicas
                )
            } else {
                format!("Scaled {verb} replica set {} to {to}", rs.meta.name)
            };
            self.event(
                EventType::Normal,
                "ScalingReplicaSet",
                Kind::Deployment,
                &d.meta.key(),
                message,
                DEPLOYMENT_CONTROLLER,
            );
        }
        resize
    }

    /// `getNewReplicaSet` with creation: `<deployment>-<pod-template-hash>`, the hash in
    /// its selector, template labels and name, the next revision number.
    fn create_new_replica_set(
        &mut self,
        d: &Deployment,
        hash: &str,
        old: &[Arc<ReplicaSet>],
        replicas: i32,
    ) -> Option<Arc<ReplicaSet>> {
        let name = format!("{}-{hash}", d.meta.name);
        let revision = old
            .iter()
            .filter_map(|rs| rs.meta.annotations.get(well_known::ANN_REVISION))
            .filter_map(|v| v.parse::<i64>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let mut template = (*d.template).clone();
        let tmeta = template.metadata.get_or_insert_with(Default::default);
        tmeta
            .labels
            .get_or_insert_with(Default::default)
            .insert(well_known::LABEL_POD_TEMPLATE_HASH.into(), hash.to_string());
        let labels = tmeta.labels.clone();
        let mut selector = (*d.selector_wire).clone();
        selector
            .match_labels
            .get_or_insert_with(Default::default)
            .insert(well_known::LABEL_POD_TEMPLATE_HASH.into(), hash.to_string());
        let annotations = [
            (
                well_known::ANN_DESIRED_REPLICAS.to_string(),
                d.replicas.to_string(),
            ),
            (
                well_known::ANN_MAX_REPLICAS.to_string(),
                (d.replicas + d.max_surge()).to_string(),
            ),
            (well_known::ANN_REVISION.to_string(), revision.to_string()),
        ]
        .into_iter()
        .collect();
        let manifest = apps::ReplicaSet {
            metadata: metav1::ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(d.meta.namespace.to_string()),
                labels,
                annotations: Some(annotations),
                owner_references: Some(vec![owner_ref_json(&OwnerRef::controller_of(
                    Kind::Deployment,
                    &d.meta,
                ))]),
                ..Default::default()
            },
            spec: Some(apps::ReplicaSetSpec {
                replicas: Some(replicas),
                min_ready_seconds: (d.min_ready_seconds > 0).then_some(d.min_ready_seconds),
                selector,
                template: Some(template),
            }),
            status: None,
        };
        let key = ObjectKey::new(d.meta.namespace.clone(), name.as_str());
        if let Err(e) = self.create_generated(Manifest::ReplicaSet(Box::new(manifest))) {
            self.event(
                EventType::Warning,
                "FailedCreate",
                Kind::Deployment,
                &d.meta.key(),
                format!(
                    "Failed to create new replica set {name:?}: {}",
                    e.api_message
                ),
                DEPLOYMENT_CONTROLLER,
            );
            return None;
        }
        if replicas > 0 {
            self.event(
                EventType::Normal,
                "ScalingReplicaSet",
                Kind::Deployment,
                &d.meta.key(),
                format!("Scaled up replica set {name} from 0 to {replicas}"),
                DEPLOYMENT_CONTROLLER,
            );
        }
        self.cluster.replica_sets.get(&key).cloned()
    }

    fn update_deployment_status(&mut self, key: &ObjectKey) {
        let Some(d) = self.cluster.deployments.get(key).cloned() else {
            return;
        };
        let hash = template_hash(&*d.template);
        let mut status = WorkloadStatus::default();
        for rs in self.cluster.replica_sets_of(key) {
            status.replicas += rs.status.replicas;
            status.ready_replicas += rs.status.ready_replicas;
            status.available_replicas += rs.status.available_replicas;
            if rs.meta.labels.get(well_known::LABEL_POD_TEMPLATE_HASH) == Some(&hash) {
                status.updated_replicas += rs.status.replicas;
            }
        }
        if status != d.status {
            let mut new = (*d).clone();
            new.status = status;
            self.cluster.deployments.insert(key.clone(), Arc::new(new));
        }
    }

    // --- Garbage collection --------------------------------------------------------------

    /// A workload was deleted (background propagation): its dependents go too.
    pub(crate) fn remove_workload(&mut self, kind: Kind, key: &ObjectKey) {
        let uid = match kind {
            Kind::StatefulSet => self
                .cluster
                .stateful_sets
                .remove(key)
                .map(|o| o.meta.uid.clone()),
            Kind::Deployment => self
                .cluster
                .deployments
                .remove(key)
                .map(|o| o.meta.uid.clone()),
            Kind::ReplicaSet => self
                .cluster
                .replica_sets
                .remove(key)
                .map(|o| o.meta.uid.clone()),
            _ => None,
        };
        let Some(uid) = uid else {
            return;
        };
        self.cluster.generated.remove(&(kind, key.clone()));
        if kind == Kind::Deployment {
            let children: Vec<ObjectKey> = self
                .cluster
                .replica_sets
                .values()
                .filter(|rs| {
                    rs.meta.namespace == key.namespace
                        && rs.meta.controller().is_some_and(|o| o.uid == uid)
                })
                .map(|rs| rs.meta.key())
                .collect();
            for rs in children {
                self.remove_workload(Kind::ReplicaSet, &rs);
            }
        } else {
            let pods: Vec<ObjectKey> = self
                .cluster
                .pods_owned_by(kind, key)
                .filter(|p| p.meta.controller().is_some_and(|o| o.uid == uid))
                .map(|p| p.meta.key())
                .collect();
            for p in pods {
                self.request_pod_deletion(&p, false);
            }
        }
        self.collect_garbage_of(&uid);
    }

    /// The owner with this UID is gone: claims it owned are deleted, or lose the dangling
    /// reference when another owner remains.
    pub(crate) fn collect_garbage_of(&mut self, uid: &Uid) {
        let claims: Vec<ObjectKey> = self.cluster.claims_owned_by(uid).cloned().collect();
        for key in claims {
            let Some(claim) = self.cluster.pvc(&key).cloned() else {
                continue;
            };
            if claim.meta.owners.iter().all(|o| o.uid == *uid) {
                self.request_pvc_deletion(&key);
            } else {
                let mut new = (*claim).clone();
                new.meta.owners.retain(|o| o.uid != *uid);
                self.write_pvc(new);
            }
        }
    }
}

/// `matchesRef` against the set: same group/version, kind and name (any UID).
fn matches_set(o: &OwnerRef, set: &StatefulSet) -> bool {
    o.api_version == Kind::StatefulSet.api_version()
        && o.kind == "StatefulSet"
        && o.name == set.meta.name
}

/// `matchesRef` against the pod.
fn matches_pod(o: &OwnerRef, pod: &Meta) -> bool {
    o.api_version == "v1" && o.kind == "Pod" && o.name == pod.name
}

/// `hasUnexpectedController`: with a non-Retain policy, a controller reference that is
/// neither this set nor this pod, or a reference to either by name whose UID is not
/// theirs (a stale one), means the claim is someone else's.
fn has_unexpected_controller(owners: &[OwnerRef], set: &StatefulSet, pod: &Meta) -> bool {
    if set.when_scaled == ClaimRetention::Retain && set.when_deleted == ClaimRetention::Retain {
        return false;
    }
    owners.iter().any(|o| {
        if matches_set(o, set) {
            o.uid != set.meta.uid
        } else if matches_pod(o, pod) {
            o.uid != pod.uid
        } else {
            o.controller
        }
    })
}

/// `isClaimOwnerUpToDate` (pkg/controller/statefulset/stateful_set_utils.go): whether the
/// claim's owner references already agree with the retention policy, so that
/// `updateClaimOwnerRefForSetAndPod` is not called. A stale reference to the set or pod
/// (their name, another UID) leaves the claim untouched; an unexpected controller does
/// too unless the set or pod also owns it (those references are then scrubbed); a set or
/// pod reference that is not a controller is rewritten.
fn claim_owner_up_to_date(
    owners: &[OwnerRef],
    set: &StatefulSet,
    pod: &Meta,
    condemned: bool,
) -> bool {
    let stale = |matches: &dyn Fn(&OwnerRef) -> bool, uid: &Uid| {
        owners
            .iter()
            .find(|o| matches(o))
            .is_some_and(|o| o.uid != *uid)
    };
    if stale(&|o| matches_set(o, set), &set.meta.uid) || stale(&|o| matches_pod(o, pod), &pod.uid) {
        return true;
    }
    let has_set = owners.iter().any(|o| o.uid == set.meta.uid);
    let has_pod = owners.iter().any(|o| o.uid == pod.uid);
    if has_unexpected_controller(owners, set, pod) {
        return !(has_set || has_pod);
    }
    // hasNonControllerOwner
    if owners
        .iter()
        .any(|o| (o.uid == set.meta.uid || o.uid == pod.uid) && !o.controller)
    {
        return false;
    }
    match (set.when_scaled, set.when_deleted) {
        (ClaimRetention::Retain, ClaimRetention::Retain) => !has_set && !has_pod,
        (ClaimRetention::Retain, ClaimRetention::Delete) => has_set && !has_pod,
        (ClaimRetention::Delete, ClaimRetention::Retain) => !has_set && condemned == has_pod,
        (ClaimRetention::Delete, ClaimRetention::Delete) => {
            condemned != has_set && condemned == has_pod
        }
    }
}

/// `ActivePodsWithRanks`' time comparison with LogarithmicScaleDown: times in the same
/// power-of-two bucket of age compare by UID; otherwise the newer one goes first.
fn newer_first(
    a: Option<SimTime>,
    b: Option<SimTime>,
    now: SimTime,
    pa: &Pod,
    pb: &Pod,
) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(x), Some(y)) if x == y => Ordering::Equal,
        (Some(x), Some(y)) => {
            let bucket = |t: SimTime| {
                let age_ns = now.millis().saturating_sub(t.millis()) as f64 * 1e6;
                if age_ns > 0.0 {
                    age_ns.log2() as i64
                } else {
                    -1
                }
            };
            match bucket(x).cmp(&bucket(y)) {
                Ordering::Equal => pa.meta.uid.cmp(&pb.meta.uid),
                other => other,
            }
        }
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EntryKind;
    use crate::sim::StepOutcome;
    use crate::testing::{class, node, world};

    /// A StatefulSet `web` with a `www` claim template on `class`.
    fn stateful_set(replicas: i32, extra_spec: &str, claim_class: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: web}}\nspec:\n  serviceName: web\n  replicas: {replicas}\n{extra_spec}  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      terminationGracePeriodSeconds: 0\n      containers: [{{name: c, image: pause}}]\n  volumeClaimTemplates:\n  - metadata: {{name: www}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      storageClassName: {claim_class}\n      resources: {{requests: {{storage: 1Gi}}}}\n"
        )
    }

    fn deployment(replicas: i32, extra_spec: &str, image: &str) -> String {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app}}\nspec:\n  replicas: {replicas}\n{extra_spec}  selector: {{matchLabels: {{app: app}}}}\n  template:\n    metadata: {{labels: {{app: app}}}}\n    spec:\n      terminationGracePeriodSeconds: 0\n      containers: [{{name: c, image: {image}}}]\n"
        )
    }

    fn base() -> Vec<String> {
        vec![
            class("local", "rancher.io/local-path", "WaitForFirstConsumer", ""),
            node("n1", &[("topology.kubernetes.io/zone", "a")], ""),
            node("n2", &[("topology.kubernetes.io/zone", "b")], ""),
            node("n3", &[("topology.kubernetes.io/zone", "c")], ""),
        ]
    }

    /// `(reason, message)` of the events about one object, in order.
    fn events_of(sim: &Simulation, kind: Kind, key: &str) -> Vec<(String, String)> {
        sim.events_for(kind, &ObjectKey::parse(key, true))
            .into_iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Event(ev) => Some((ev.reason.to_string(), ev.message.to_string())),
                _ => None,
            })
            .collect()
    }

    fn pod_names(sim: &Simulation) -> Vec<String> {
        sim.cluster()
            .pods()
            .values()
            .map(|p| p.meta.name.to_string())
            .collect()
    }

    fn apply_yaml(sim: &mut Simulation, doc: &str) {
        let parsed = crate::scenario::parse(doc);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        for d in &parsed.manifests {
            sim.apply(&d.manifest).unwrap();
        }
        sim.run_until_idle(100_000);
    }

    #[test]
    fn ordered_ready_creates_claim_then_pod_one_ordinal_at_a_time() {
        let mut docs = base();
        docs.push(stateful_set(3, "", "local"));
        let sim = world(&docs);
        assert_eq!(pod_names(&sim), ["web-0", "web-1", "web-2"]);
        let events = events_of(&sim, Kind::StatefulSet, "web");
        let expected: Vec<(String, String)> = (0..3)
            .flat_map(|i| {
                [
                    (
                        "SuccessfulCreate".to_string(),
                        format!("create Claim www-web-{i} Pod web-{i} in StatefulSet web success"),
                    ),
                    (
                        "SuccessfulCreate".to_string(),
                        format!("create Pod web-{i} in StatefulSet web successful"),
                    ),
                ]
            })
            .collect();
        assert_eq!(events, expected);
        // OrderedReady: web-1 was created only once web-0 ran, which took a provisioning.
        let created = |name: &str| {
            sim.cluster()
                .pod(&ObjectKey::parse(name, true))
                .unwrap()
                .meta
                .creation
        };
        assert!(created("web-0") < created("web-1") && created("web-1") < created("web-2"));
        for i in 0..3 {
            let claim = sim
                .cluster()
                .pvc(&ObjectKey::parse(&format!("www-web-{i}"), true))
                .unwrap();
            assert_eq!(claim.phase, PvcPhase::Bound);
            assert_eq!(claim.meta.labels.get("app"), Some("web"));
        }
        let set = &sim.cluster().stateful_sets[&ObjectKey::parse("web", true)];
        assert_eq!((set.status.replicas, set.status.ready_replicas), (3, 3));
    }

    /// `processReplica`: an OrderedReady set waits for each replica to have been ready for
    /// `minReadySeconds` (`isRunningAndAvailable`) before it creates the next one, and the
    /// status counts a replica as available only from then on.
    #[test]
    fn ordered_ready_waits_for_each_replica_to_be_available() {
        let mut docs = base();
        docs.push(stateful_set(2, "  minReadySeconds: 10\n", "local"));
        let mut sim = world(&docs);
        let pod = |sim: &Simulation, name: &str| {
            sim.cluster()
                .pod(&ObjectKey::parse(name, true))
                .cloned()
                .unwrap()
        };
        let ready_at = |p: &Pod| p.condition("Ready").unwrap().last_transition;
        let web0 = pod(&sim, "web-0");
        let web1 = pod(&sim, "web-1");
        assert_eq!(web1.meta.creation, ready_at(&web0).plus_millis(10_000));
        let set =
            |sim: &Simulation| sim.cluster().stateful_sets[&ObjectKey::parse("web", true)].status;
        let status = set(&sim);
        assert_eq!(
            (
                status.replicas,
                status.ready_replicas,
                status.available_replicas
            ),
            (2, 2, 2)
        );
        // A replica that has just turned ready is not available yet: delete web-1 and look
        // at the set right after its replacement runs.
        sim.delete(Kind::Pod, &ObjectKey::parse("web-1", true))
            .unwrap();
        let mut seen = None;
        for _ in 0..10_000 {
            if let StepOutcome::Idle = sim.step() {
                break;
            }
            let p = sim.cluster().pod(&ObjectKey::parse("web-1", true)).cloned();
            if p.is_some_and(|p| is_running_and_ready(&p) && p.meta.deletion.is_none()) {
                seen.get_or_insert(set(&sim));
            }
        }
        let during = seen.expect("web-1 came back");
        assert_eq!((during.ready_replicas, during.available_replicas), (2, 1));
        let after = set(&sim);
        assert_eq!((after.ready_replicas, after.available_replicas), (2, 2));
    }

    #[test]
    fn negative_min_ready_seconds_is_invalid() {
        let bad = stateful_set(1, "  minReadySeconds: -1\n", "local");
        let parsed = crate::scenario::parse(&bad);
        let errs = to_model(&parsed.manifests[0].manifest).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"
        );
    }

    #[test]
    fn parallel_creates_every_ordinal_in_one_sync() {
        let mut docs = base();
        docs.push(stateful_set(
            3,
            "  podManagementPolicy: Parallel\n",
            "local",
        ));
        let sim = world(&docs);
        let created: Vec<SimTime> = sim
            .cluster()
            .pods()
            .values()
            .map(|p| p.meta.creation)
            .collect();
        assert_eq!(created.len(), 3);
        assert!(created.iter().all(|t| *t == created[0]));
    }

    #[test]
    fn a_deleted_pod_comes_back_with_the_same_name_claim_and_node() {
        let mut docs = base();
        docs.push(stateful_set(2, "", "local"));
        let mut sim = world(&docs);
        let key = ObjectKey::parse("web-1", true);
        let before = sim.cluster().pod(&key).unwrap().clone();
        let volume = sim
            .cluster()
            .pvc(&ObjectKey::parse("www-web-1", true))
            .unwrap()
            .volume_name
            .clone();
        sim.delete(Kind::Pod, &key).unwrap();
        sim.run_until_idle(100_000);
        let after = sim.cluster().pod(&key).unwrap();
        assert_ne!(after.meta.uid, before.meta.uid, "a new pod");
        assert_eq!(after.status.phase, PodPhase::Running);
        // The local-path volume pins the claim, so the new pod lands where the data is.
        assert_eq!(after.node_name(), before.node_name());
        let claim = sim
            .cluster()
            .pvc(&ObjectKey::parse("www-web-1", true))
            .unwrap();
        assert_eq!(
            claim.volume_name, volume,
            "the claim was reused, not re-created"
        );
        let creates = events_of(&sim, Kind::StatefulSet, "web")
            .into_iter()
            .filter(|(_, m)| m == "create Pod web-1 in StatefulSet web successful")
            .count();
        assert_eq!(creates, 2);
    }

    #[test]
    fn scale_down_removes_the_highest_ordinal_first_and_retains_claims_by_default() {
        let mut docs = base();
        docs.push(stateful_set(3, "", "local"));
        let mut sim = world(&docs);
        sim.scale(Kind::StatefulSet, &ObjectKey::parse("web", true), 1)
            .unwrap();
        sim.run_until_idle(100_000);
        assert_eq!(pod_names(&sim), ["web-0"]);
        let deletes: Vec<String> = events_of(&sim, Kind::StatefulSet, "web")
            .into_iter()
            .filter(|(r, _)| r == "SuccessfulDelete")
            .map(|(_, m)| m)
            .collect();
        assert_eq!(
            deletes,
            [
                "delete Pod web-2 in StatefulSet web successful",
                "delete Pod web-1 in StatefulSet web successful"
            ]
        );
        assert_eq!(
            sim.cluster().pvcs().len(),
            3,
            "whenScaled: Retain keeps claims"
        );
    }

    #[test]
    fn retention_delete_collects_condemned_and_deleted_set_claims() {
        let mut docs = base();
        docs.push(stateful_set(
            3,
            "  persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}\n",
            "local",
        ));
        let mut sim = world(&docs);
        // Both Delete: live claims are owned by the set.
        let claim = sim
            .cluster()
            .pvc(&ObjectKey::parse("www-web-0", true))
            .unwrap();
        assert_eq!(claim.meta.owners.len(), 1);
        assert_eq!(claim.meta.owners[0].kind, "StatefulSet");
        sim.scale(Kind::StatefulSet, &ObjectKey::parse("web", true), 1)
            .unwrap();
        sim.run_until_idle(100_000);
        let claims: Vec<String> = sim
            .cluster()
            .pvcs()
            .keys()
            .map(|k| k.name.to_string())
            .collect();
        assert_eq!(claims, ["www-web-0"]);
        sim.delete(Kind::StatefulSet, &ObjectKey::parse("web", true))
            .unwrap();
        sim.run_until_idle(100_000);
        assert!(
            sim.cluster().pods().is_empty(),
            "the set's pods are collected"
        );
        assert!(sim.cluster().pvcs().is_empty(), "whenDeleted: Delete");
    }

    #[test]
    fn a_terminating_claim_blocks_its_pod_with_upstream_wording() {
        let mut docs = base();
        docs.push(stateful_set(1, "", "local"));
        let mut sim = world(&docs);
        // The claim is deleted while the pod uses it (protection keeps it), then the pod.
        sim.delete(
            Kind::PersistentVolumeClaim,
            &ObjectKey::parse("www-web-0", true),
        )
        .unwrap();
        sim.delete(Kind::Pod, &ObjectKey::parse("web-0", true))
            .unwrap();
        sim.run_until_idle(100_000);
        let events = events_of(&sim, Kind::StatefulSet, "web");
        // The pod was gone before the claim finished terminating, or the claim was
        // created anew: either way no pod ever mounted a terminating claim.
        let failed = events.iter().any(|(r, m)| {
            r == "FailedCreate"
                && m == "create Pod web-0 in StatefulSet web failed error: pvc www-web-0 is being deleted"
        });
        let recreated = events
            .iter()
            .filter(|(_, m)| m == "create Claim www-web-0 Pod web-0 in StatefulSet web success")
            .count()
            == 2;
        assert!(failed || recreated, "{events:?}");
        assert_eq!(
            sim.cluster()
                .pod(&ObjectKey::parse("web-0", true))
                .unwrap()
                .status
                .phase,
            PodPhase::Running
        );
    }

    #[test]
    fn template_change_rolls_pods_from_the_highest_ordinal() {
        let mut docs = base();
        docs.push(stateful_set(2, "", "local"));
        let mut sim = world(&docs);
        let rev = |sim: &Simulation, name: &str| {
            sim.cluster()
                .pod(&ObjectKey::parse(name, true))
                .unwrap()
                .meta
                .labels[well_known::LABEL_CONTROLLER_REVISION_HASH]
                .to_string()
        };
        let old = rev(&sim, "web-0");
        apply_yaml(
            &mut sim,
            &stateful_set(2, "", "local").replace("image: pause", "image: pause:3.10"),
        );
        assert_ne!(rev(&sim, "web-0"), old);
        assert_ne!(rev(&sim, "web-1"), old);
        let deletes: Vec<String> = events_of(&sim, Kind::StatefulSet, "web")
            .into_iter()
            .filter(|(r, _)| r == "SuccessfulDelete")
            .map(|(_, m)| m)
            .collect();
        assert_eq!(
            deletes,
            [
                "delete Pod web-1 in StatefulSet web successful",
                "delete Pod web-0 in StatefulSet web successful"
            ]
        );
    }

    #[test]
    fn statefulset_validation_and_immutable_fields() {
        let mut docs = base();
        docs.push(stateful_set(1, "", "local"));
        let mut sim = world(&docs);
        let bad = stateful_set(1, "", "local").replace("storage: 1Gi", "storage: 2Gi");
        let parsed = crate::scenario::parse(&bad);
        let err = sim.apply(&parsed.manifests[0].manifest).unwrap_err();
        assert_eq!(err.message, "The StatefulSet \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
        let mismatch =
            stateful_set(1, "", "local").replace("labels: {app: web}", "labels: {app: other}");
        let parsed = crate::scenario::parse(&mismatch);
        let errs = to_model(&parsed.manifests[0].manifest).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn replica_set_creates_generated_names_and_replaces_deleted_pods() {
        let mut docs = base();
        docs.push(deployment(3, "", "pause"));
        let mut sim = world(&docs);
        let d = events_of(&sim, Kind::Deployment, "app");
        assert_eq!(d.len(), 1);
        assert!(
            d[0].1.starts_with("Scaled up replica set app-") && d[0].1.ends_with(" from 0 to 3")
        );
        let rs = sim.cluster().replica_sets.values().next().unwrap().clone();
        let hash = &rs.meta.labels[well_known::LABEL_POD_TEMPLATE_HASH];
        assert_eq!(*rs.meta.name, format!("app-{hash}"));
        let names = pod_names(&sim);
        assert_eq!(names.len(), 3);
        for n in &names {
            let suffix = n.strip_prefix(&format!("{}-", rs.meta.name)).unwrap();
            assert_eq!(suffix.len(), 5);
            assert!(suffix
                .bytes()
                .all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
        }
        // System default spreading: three replicas, three nodes, one each.
        let nodes: std::collections::BTreeSet<&str> = sim
            .cluster()
            .pods()
            .values()
            .filter_map(|p| p.node_name())
            .collect();
        assert_eq!(nodes.len(), 3);
        sim.delete(Kind::Pod, &ObjectKey::parse(&names[0], true))
            .unwrap();
        sim.run_until_idle(100_000);
        let after = pod_names(&sim);
        assert_eq!(after.len(), 3);
        assert!(!after.contains(&names[0]));
        let rs_events = events_of(&sim, Kind::ReplicaSet, &rs.meta.name);
        assert_eq!(rs_events.len(), 4);
        assert!(rs_events
            .iter()
            .all(|(r, m)| r == "SuccessfulCreate" && m.starts_with("Created pod: ")));
    }

    #[test]
    fn scale_down_deletes_pending_pods_before_running_ones() {
        // Two nodes with room for one pod each: replicas three and four stay Pending.
        let mut docs = vec![
            node("n1", &[], "").replace("pods: '10'", "pods: '1'"),
            node("n2", &[], "").replace("pods: '10'", "pods: '1'"),
        ];
        docs.push(deployment(2, "", "pause"));
        let mut sim = world(&docs);
        let running = pod_names(&sim);
        sim.scale(Kind::Deployment, &ObjectKey::parse("app", true), 4)
            .unwrap();
        sim.run_until_idle(100_000);
        let pending = sim
            .cluster()
            .pods()
            .values()
            .filter(|p| p.status.phase == PodPhase::Pending)
            .count();
        assert_eq!((pod_names(&sim).len(), pending), (4, 2));
        sim.scale(Kind::Deployment, &ObjectKey::parse("app", true), 2)
            .unwrap();
        sim.run_until_idle(100_000);
        assert_eq!(pod_names(&sim), running, "the Pending replicas went first");
        let d: Vec<String> = events_of(&sim, Kind::Deployment, "app")
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert!(d[1].ends_with(" from 2 to 4"), "{d:?}");
        assert!(d[2].starts_with("Scaled down replica set app-") && d[2].ends_with(" from 4 to 2"));
    }

    #[test]
    fn rolling_update_surges_then_scales_the_old_replica_set_down() {
        let mut docs = base();
        docs.push(deployment(4, "", "pause"));
        let mut sim = world(&docs);
        apply_yaml(&mut sim, &deployment(4, "", "pause:3.10"));
        let rss = &sim.cluster().replica_sets;
        assert_eq!(rss.len(), 2);
        let sizes: Vec<i32> = rss.values().map(|r| r.replicas).collect();
        assert!(sizes.contains(&0) && sizes.contains(&4), "{sizes:?}");
        let msgs: Vec<String> = events_of(&sim, Kind::Deployment, "app")
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        // maxSurge 25% of 4 = 1 pod over, maxUnavailable 25% = 1 pod under: the new
        // ReplicaSet grows by one and the old one shrinks by one, turn by turn, as
        // `kubectl rollout status` shows on a real cluster.
        let steps: Vec<String> = msgs[1..]
            .iter()
            .map(|m| {
                let (verb, rest) = m.split_at(m.find(" replica set ").unwrap());
                let sizes = rest.rsplit(" from ").next().unwrap();
                let which = if rest.contains(
                    &*sim
                        .cluster()
                        .replica_sets
                        .values()
                        .find(|r| r.replicas == 4)
                        .unwrap()
                        .meta
                        .name,
                ) {
                    "new"
                } else {
                    "old"
                };
                format!("{verb} {which} {sizes}")
            })
            .collect();
        assert_eq!(
            steps,
            [
                "Scaled up new 0 to 1",
                "Scaled down old 4 to 3",
                "Scaled up new 1 to 2",
                "Scaled down old 3 to 2",
                "Scaled up new 2 to 3",
                "Scaled down old 2 to 1",
                "Scaled up new 3 to 4",
                "Scaled down old 1 to 0",
            ]
        );
        assert_eq!(
            sim.cluster()
                .pods()
                .values()
                .filter(|p| p.status.phase == PodPhase::Running)
                .count(),
            4
        );
    }

    /// A Deployment's `minReadySeconds` reaches its ReplicaSets: a new pod counts as
    /// available only once it has been ready that long, so with `maxUnavailable: 0` the
    /// old ReplicaSet is scaled down `minReadySeconds` after the new pod turned ready.
    #[test]
    fn rolling_update_waits_min_ready_seconds_before_scaling_down() {
        let spec =
            "  minReadySeconds: 5\n  strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}\n";
        let mut docs = base();
        docs.push(deployment(1, spec, "pause"));
        let mut sim = world(&docs);
        let old_rs = sim.cluster().replica_sets.values().next().unwrap().clone();
        assert_eq!(old_rs.min_ready_seconds, 5);
        assert_eq!(old_rs.status.available_replicas, 1);
        apply_yaml(&mut sim, &deployment(1, spec, "pause:3.10"));
        let scaled: Vec<(SimTime, String)> = sim
            .events_for(Kind::Deployment, &ObjectKey::parse("app", true))
            .into_iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Event(ev) => Some((e.time, ev.message.to_string())),
                _ => None,
            })
            .collect();
        let new_pod = sim
            .cluster()
            .pods()
            .values()
            .find(|p| p.meta.owners[0].name != old_rs.meta.name)
            .cloned()
            .unwrap();
        let ready = new_pod.condition("Ready").unwrap().last_transition;
        let down = scaled
            .iter()
            .find(|(_, m)| m.starts_with("Scaled down"))
            .expect("the old ReplicaSet was scaled down");
        assert_eq!(down.0, ready.plus_millis(5_000), "{scaled:?}");
        let new_rs = sim
            .cluster()
            .replica_sets
            .values()
            .find(|r| r.meta.name != old_rs.meta.name)
            .unwrap();
        assert_eq!((new_rs.replicas, new_rs.status.available_replicas), (1, 1));
    }

    /// `getNewReplicaSet`: a changed `minReadySeconds` is copied into the Deployment's
    /// current ReplicaSet (no rollout: the pod template did not change) and exported.
    #[test]
    fn a_changed_min_ready_seconds_reaches_the_current_replica_set() {
        let mut docs = base();
        docs.push(deployment(1, "", "pause"));
        let mut sim = world(&docs);
        apply_yaml(&mut sim, &deployment(1, "  minReadySeconds: 7\n", "pause"));
        let rss: Vec<_> = sim.cluster().replica_sets.values().cloned().collect();
        assert_eq!(rss.len(), 1, "no new ReplicaSet");
        assert_eq!(rss[0].min_ready_seconds, 7);
        let state = crate::scenario::export::state_yaml(&sim);
        assert!(state.contains("minReadySeconds: 7"), "{state}");
    }

    #[test]
    fn negative_min_ready_seconds_of_a_deployment_is_invalid() {
        let bad = deployment(1, "  minReadySeconds: -3\n", "pause");
        let parsed = crate::scenario::parse(&bad);
        let errs = to_model(&parsed.manifests[0].manifest).unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "spec.minReadySeconds: Invalid value: -3: must be greater than or equal to 0"
        );
    }

    #[test]
    fn recreate_waits_for_old_pods_to_be_gone() {
        let mut docs = base();
        docs.push(deployment(2, "  strategy: {type: Recreate}\n", "pause"));
        let mut sim = world(&docs);
        apply_yaml(
            &mut sim,
            &deployment(2, "  strategy: {type: Recreate}\n", "pause:3.10"),
        );
        let msgs: Vec<String> = events_of(&sim, Kind::Deployment, "app")
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(msgs[1].starts_with("Scaled down") && msgs[1].ends_with(" from 2 to 0"));
        assert!(msgs[2].starts_with("Scaled up") && msgs[2].ends_with(" from 0 to 2"));
    }

    #[test]
    fn a_preempted_replica_comes_back_and_queues_again() {
        let mut docs = base();
        docs.truncate(2);
        docs[1] = node("n1", &[], "").replace("pods: '10'", "pods: '1'");
        docs.push(deployment(1, "", "pause"));
        docs.push("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n".into());
        let mut sim = world(&docs);
        let victim = pod_names(&sim)[0].clone();
        apply_yaml(
            &mut sim,
            "apiVersion: v1\nkind: Pod\nmetadata: {name: vip}\nspec:\n  priorityClassName: high\n  containers: [{name: c, image: pause}]\n",
        );
        let names = pod_names(&sim);
        assert!(names.contains(&"vip".to_string()));
        assert!(!names.contains(&victim));
        let replacement = names
            .iter()
            .find(|n| n.starts_with("app-"))
            .expect("recreated");
        let p = sim
            .cluster()
            .pod(&ObjectKey::parse(replacement, true))
            .unwrap();
        assert_eq!(p.status.phase, PodPhase::Pending);
        assert!(p
            .condition("PodScheduled")
            .is_some_and(|c| c.reason == "Unschedulable"));
        assert!(sim
            .cluster()
            .deleted_pods
            .iter()
            .any(|d| *d.meta.name == victim && d.status.preempted));
    }
}
