//! kube-controller-manager's persistent-volume controller and the two protection
//! controllers, as reactions to queued object keys (their workqueues).
//!
//! The PV controller (`pkg/controller/volume/persistentvolume`): binds Immediate claims to
//! the best-fitting volume, honours pre-bound `volumeName`/`claimRef`, leaves
//! WaitForFirstConsumer claims to the scheduler (announcing `WaitForFirstConsumer` /
//! `WaitForPodScheduled`), hands provisioning to the external provisioner
//! (`ExternalProvisioning`), keeps PV/PVC phases, and reclaims released volumes.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{Simulation, Timer};
use crate::events::EventType;
use crate::model::*;
use crate::pv_helpers::{find_matching_volume, is_volume_bound_to_claim};
use crate::scheduler::plugins::volume_binding::is_delay_binding;
use crate::scheduler::queue::ClusterEvent;

pub const PV_CONTROLLER: &str = "persistentvolume-controller";

impl Simulation {
    /// One round over every controller's queued keys.
    pub(crate) fn run_controllers(&mut self) {
        // Ephemeral claims before the PV controller runs: a claim the ephemeral
        // volume controller creates is synced in the same round.
        let pods = std::mem::take(&mut self.work.ephemeral);
        for key in pods {
            self.sync_ephemeral(&key);
        }
        // Then volumes: a volume created with its claim is Available (syncVolume) by the time
        // the claim looks for one, as upstream's volume worker has it within milliseconds of
        // the create, so the claim binds without a spurious FailedBinding or provisioning
        // (provision_test.go 11-22: no ExternalProvisioning when a volume is available).
        let volumes = std::mem::take(&mut self.work.volumes);
        for name in volumes {
            self.sync_volume(&name);
        }
        let claims = std::mem::take(&mut self.work.claims);
        for key in claims {
            self.sync_claim(&key);
        }
        let provision = std::mem::take(&mut self.work.provision);
        for key in provision {
            self.provision(&key);
        }
        let pvcs = std::mem::take(&mut self.work.pvc_protection);
        for key in pvcs {
            self.pvc_protection(&key);
        }
        let pvs = std::mem::take(&mut self.work.pv_protection);
        for name in pvs {
            self.pv_protection(&name);
        }
        let pods = std::mem::take(&mut self.work.kubelet);
        for key in pods {
            self.kubelet_sync(&key);
        }
        self.check_waiting_bindings();
        // Workload controllers last: they see the pods the kubelet just started.
        let touched = std::mem::take(&mut self.cluster.owners_touched);
        self.work.workloads.extend(touched);
        let workloads = std::mem::take(&mut self.work.workloads);
        for (kind, key) in workloads {
            self.sync_workload(kind, &key);
        }
    }

    // --- writes that wake others up ------------------------------------------------------

    /// Stores a claim and wakes what depends on it: pods in PreBind, the kubelet, the
    /// scheduler's attach-limit accounting, and the scheduling queue.
    pub(crate) fn write_pvc(&mut self, pvc: PersistentVolumeClaim) {
        let key = pvc.meta.key();
        self.cluster.put_pvc(Arc::new(pvc));
        self.after_claim_change(&key);
        self.claim_changed(ClusterEvent::PvcUpdate, &key);
    }

    pub(crate) fn after_claim_change(&mut self, key: &ObjectKey) {
        if let Some(pods) = self.waiting_on_claim.get(key) {
            self.binding_check.extend(pods.iter().cloned());
        }
        let users: Vec<Arc<Pod>> = self.cluster.pods_using_claim(key).cloned().collect();
        for p in users {
            let pk = p.meta.key();
            if self.cache.node_of(&pk).is_some() {
                self.cache
                    .refresh_pod(crate::scheduler::cache::PodInfo::new(
                        &self.cluster,
                        p.clone(),
                    ));
            }
            if p.is_assigned() {
                self.work.kubelet.insert(pk);
            }
        }
    }

    pub(crate) fn write_pv(&mut self, pv: PersistentVolume) {
        let claim = pv
            .claim_ref
            .as_ref()
            .map(|r| ObjectKey::new(r.namespace.clone(), r.name.clone()));
        let old = self.cluster.pv(&pv.meta.name).cloned();
        let new = Arc::new(pv);
        self.cluster.put_pv(new.clone());
        if let Some(c) = claim {
            self.after_claim_change(&c);
        }
        self.volume_changed(old.as_deref(), &new);
    }

    fn pv_event(
        &mut self,
        type_: EventType,
        reason: &'static str,
        pv: &str,
        message: impl super::EventMessage,
    ) {
        self.event(
            type_,
            reason,
            Kind::PersistentVolume,
            &ObjectKey::cluster(pv),
            message,
            PV_CONTROLLER,
        );
    }

    fn claim_event(
        &mut self,
        type_: EventType,
        reason: &'static str,
        key: &ObjectKey,
        message: impl super::EventMessage,
    ) {
        self.event(
            type_,
            reason,
            Kind::PersistentVolumeClaim,
            key,
            message,
            PV_CONTROLLER,
        );
    }

    fn set_claim_phase(&mut self, pvc: &PersistentVolumeClaim, phase: PvcPhase) {
        if pvc.phase == phase {
            return;
        }
        let mut new = pvc.clone();
        new.phase = phase;
        if phase != PvcPhase::Bound {
            new.capacity = None;
            new.status_access_modes = Default::default();
        }
        self.write_pvc(new);
    }

    fn set_volume_phase(&mut self, pv: &PersistentVolume, phase: PvPhase, message: &str) {
        if pv.phase == phase && pv.status_message == message {
            return;
        }
        let mut new = pv.clone();
        new.phase = phase;
        new.status_message = message.to_string();
        let class = new.storage_class_name.clone();
        let deleting = new.meta.deletion.is_some();
        let name = new.meta.name.clone();
        self.write_pv(new);
        if phase == PvPhase::Available {
            self.enqueue_unbound_immediate_claims(&class);
        }
        if deleting {
            self.work.pv_protection.insert(name.to_string());
        }
    }

    // --- claims ------------------------------------------------------------------------------

    fn sync_claim(&mut self, key: &ObjectKey) {
        let Some(pvc) = self.cluster.pvc(key).cloned() else {
            return;
        };
        if pvc.meta.deletion.is_some() {
            self.work.pvc_protection.insert(key.clone());
        }
        if pvc
            .meta
            .annotations
            .contains_key(well_known::ANN_BIND_COMPLETED)
        {
            self.sync_bound_claim(&pvc);
        } else {
            self.sync_unbound_claim(&pvc);
        }
    }

    fn sync_unbound_claim(&mut self, pvc: &Arc<PersistentVolumeClaim>) {
        let key = pvc.meta.key();
        let Some(volume_name) = pvc.volume_name.clone() else {
            let delay = is_delay_binding(&self.cluster, pvc);
            match self.find_best_match_for_claim(pvc, delay) {
                Some(pv) => self.bind(&pv, pvc),
                None => {
                    if pvc.storage_class_name.is_none() {
                        // Retroactive default class assignment.
                        if let Some(def) = self.cluster.default_storage_class() {
                            let mut new = (**pvc).clone();
                            new.storage_class_name = Some(def.meta.name.clone());
                            self.write_pvc(new);
                            self.work.claims.insert(key);
                            return;
                        }
                    }
                    if delay && pvc.selected_node().is_none() {
                        self.emit_delay_binding_event(pvc);
                        self.set_claim_phase(pvc, PvcPhase::Pending);
                    } else if !pvc.class_name().is_empty() {
                        self.provision_claim(pvc);
                    } else {
                        self.claim_event(
                            EventType::Normal,
                            "FailedBinding",
                            &key,
                            "no persistent volumes available for this claim and no storage class is set",
                        );
                        self.set_claim_phase(pvc, PvcPhase::Pending);
                    }
                }
            }
            return;
        };
        let Some(pv) = self.cluster.pv(&volume_name).cloned() else {
            self.set_claim_phase(pvc, PvcPhase::Pending);
            return;
        };
        match &pv.claim_ref {
            None => match check_volume_satisfy_claim(&pv, pvc) {
                Err(reason) => {
                    self.claim_event(
                        EventType::Warning,
                        "VolumeMismatch",
                        &key,
                        format!("Cannot bind to requested volume {volume_name:?}: {reason}"),
                    );
                    self.set_claim_phase(pvc, PvcPhase::Pending);
                }
                Ok(()) => self.bind(&pv, pvc),
            },
            Some(_) if is_volume_bound_to_claim(&pv, pvc) => self.bind(&pv, pvc),
            Some(_) => {
                self.claim_event(
                    EventType::Warning,
                    "FailedBinding",
                    &key,
                    format!("volume {volume_name:?} already bound to a different claim."),
                );
                // Upstream resets a user's pre-bound claim to Pending, but a claim the
                // controller bound ("should never happen") only gets the event and an error:
                // its phase stays (binder_test.go 2-6 vs 2-7).
                if !pvc
                    .meta
                    .annotations
                    .contains_key(well_known::ANN_BOUND_BY_CONTROLLER)
                {
                    self.set_claim_phase(pvc, PvcPhase::Pending);
                }
            }
        }
    }

    fn sync_bound_claim(&mut self, pvc: &Arc<PersistentVolumeClaim>) {
        let key = pvc.meta.key();
        let Some(volume_name) = pvc.volume_name.clone() else {
            if pvc.phase != PvcPhase::Lost {
                self.claim_event(
                    EventType::Warning,
                    "ClaimLost",
                    &key,
                    "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
                );
                self.set_claim_phase(pvc, PvcPhase::Lost);
            }
            return;
        };
        let Some(pv) = self.cluster.pv(&volume_name).cloned() else {
            if pvc.phase != PvcPhase::Lost {
                self.claim_event(
                    EventType::Warning,
                    "ClaimLost",
                    &key,
                    "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
                );
                self.set_claim_phase(pvc, PvcPhase::Lost);
            }
            return;
        };
        match &pv.claim_ref {
            None => self.bind(&pv, pvc),
            Some(r) if r.uid == pvc.meta.uid => self.bind(&pv, pvc),
            Some(_) => {
                if pvc.phase != PvcPhase::Lost {
                    self.claim_event(
                        EventType::Warning,
                        "ClaimMisbound",
                        &key,
                        "Two claims are bound to the same volume, this one is bound incorrectly",
                    );
                    self.set_claim_phase(pvc, PvcPhase::Lost);
                }
            }
        }
    }

    /// `findBestMatchForClaim`: per access-mode set that covers the request, fewest modes
    /// first, the smallest fitting volume; pre-bound volumes win within their set.
    fn find_best_match_for_claim(
        &self,
        pvc: &PersistentVolumeClaim,
        delay: bool,
    ) -> Option<Arc<PersistentVolume>> {
        let mut candidates: Vec<&Arc<PersistentVolume>> =
            self.cluster.pvs_claiming(&pvc.meta.key()).collect();
        if !delay {
            candidates.extend(self.cluster.available_pvs_of_class(pvc.class_name()));
        }
        let mut sets: Vec<Vec<AccessMode>> = Vec::new();
        for pv in &candidates {
            let set = crate::pv_helpers::access_mode_set_key(&pv.access_modes);
            if storage::access_modes_contain_all(&set, &pvc.access_modes) && !sets.contains(&set) {
                sets.push(set);
            }
        }
        crate::sort::sort_by(&mut sets, |a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
        let excluded = BTreeSet::new();
        for set in sets {
            let in_set = candidates
                .iter()
                .copied()
                .filter(|pv| crate::pv_helpers::access_mode_set_key(&pv.access_modes) == set);
            if let Some(pv) = find_matching_volume(pvc, in_set, None, &excluded, delay) {
                return Some(pv.clone());
            }
        }
        None
    }

    /// Binds both ways: PV claimRef (+ `bound-by-controller`), phases, PVC volume name and
    /// `bind-completed`.
    fn bind(&mut self, pv: &Arc<PersistentVolume>, pvc: &Arc<PersistentVolumeClaim>) {
        let mut new_pv = (**pv).clone();
        let was_bound = is_volume_bound_to_claim(pv, pvc);
        let ref_matches = pv.claim_ref.as_ref().is_some_and(|r| {
            *r.name == *pvc.meta.name
                && *r.namespace == *pvc.meta.namespace
                && r.uid == pvc.meta.uid
        });
        if !ref_matches {
            new_pv.claim_ref = Some(ClaimRef {
                namespace: pvc.meta.namespace.clone(),
                name: pvc.meta.name.clone(),
                uid: pvc.meta.uid.clone(),
            });
        }
        // `getBindVolumeToClaim` / `bindClaimToVolume` set the annotations only when absent:
        // a value already there (any value) is kept.
        if !was_bound
            && !new_pv
                .meta
                .annotations
                .contains_key(well_known::ANN_BOUND_BY_CONTROLLER)
        {
            new_pv
                .meta
                .annotations
                .insert(well_known::ANN_BOUND_BY_CONTROLLER, "yes");
        }
        new_pv.phase = PvPhase::Bound;
        new_pv.status_message.clear();
        if *pv.as_ref() != new_pv {
            self.write_pv(new_pv.clone());
        }
        let mut new_pvc = (**pvc).clone();
        if new_pvc.volume_name.as_deref() != Some(pv.name()) {
            new_pvc.volume_name = Some(pv.meta.name.clone());
            if !new_pvc
                .meta
                .annotations
                .contains_key(well_known::ANN_BOUND_BY_CONTROLLER)
            {
                new_pvc
                    .meta
                    .annotations
                    .insert(well_known::ANN_BOUND_BY_CONTROLLER, "yes");
            }
        }
        if !new_pvc
            .meta
            .annotations
            .contains_key(well_known::ANN_BIND_COMPLETED)
        {
            new_pvc
                .meta
                .annotations
                .insert(well_known::ANN_BIND_COMPLETED, "yes");
        }
        if new_pvc.phase != PvcPhase::Bound {
            new_pvc.phase = PvcPhase::Bound;
            new_pvc.capacity = Some(new_pv.capacity);
        }
        new_pvc.status_access_modes = new_pv.access_modes;
        if *pvc.as_ref() != new_pvc {
            self.write_pvc(new_pvc);
        }
    }

    /// `emitEventForUnboundDelayBindingClaim`.
    fn emit_delay_binding_event(&mut self, pvc: &PersistentVolumeClaim) {
        let key = pvc.meta.key();
        let waiting: Vec<String> = self
            .cluster
            .pods_using_claim(&key)
            .filter(|p| !p.is_assigned() && !p.is_terminal())
            .map(|p| p.meta.name.to_string())
            .collect();
        let (reason, message) = match waiting.len() {
            0 => (
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".to_string(),
            ),
            1 => (
                "WaitForPodScheduled",
                format!("waiting for pod {} to be scheduled", waiting[0]),
            ),
            _ => (
                "WaitForPodScheduled",
                format!("waiting for pods {} to be scheduled", waiting.join(",")),
            ),
        };
        self.claim_event(EventType::Normal, reason, &key, message);
    }

    /// `provisionClaim`: hand the claim to its external provisioner.
    fn provision_claim(&mut self, pvc: &Arc<PersistentVolumeClaim>) {
        let key = pvc.meta.key();
        let class_name = pvc.class_name().to_string();
        let Some(class) = self.cluster.storage_classes.get(&class_name).cloned() else {
            self.claim_event(
                EventType::Warning,
                "ProvisioningFailed",
                &key,
                format!("storageclass.storage.k8s.io {class_name:?} not found"),
            );
            return;
        };
        // CSI migration (GA, always on): an in-tree name is handed to its CSI driver, whose
        // name the claim's annotations and the event carry (`provisionClaimOperationExternal`;
        // provision_test.go 11-21). `setClaimProvisioner` then looks for migration under the
        // CSI name, which is not an in-tree plugin, so the claim gets no `migrated-to` (11-21's
        // fake plugin manager calls every name migrated and so expects one).
        let migrated = crate::csi_migration::csi_driver_of(&class.provisioner);
        if migrated.is_none() && class.provisioner.starts_with("kubernetes.io/") {
            // No in-tree provisioners are left, `kubernetes.io/no-provisioner` included.
            self.claim_event(
                EventType::Warning,
                "ProvisioningFailed",
                &key,
                format!("no volume plugin matched name: {}", class.provisioner),
            );
            return;
        }
        let name = migrated.unwrap_or(class.provisioner.as_str());
        if pvc.meta.annotation(well_known::ANN_STORAGE_PROVISIONER) != Some(name) {
            let mut new = (**pvc).clone();
            // One copy of the name for both annotations (and the volume's provisioned-by).
            let provisioner = crate::model::str_map::shared(name);
            new.meta
                .annotations
                .insert(well_known::ANN_STORAGE_PROVISIONER, &provisioner);
            new.meta
                .annotations
                .insert(well_known::ANN_STORAGE_PROVISIONER_BETA, provisioner);
            self.write_pvc(new);
        }
        let message = self.version.external_provisioning.replace("{}", name);
        self.claim_event(EventType::Normal, "ExternalProvisioning", &key, message);
        self.work.provision.insert(key);
    }

    // --- volumes -----------------------------------------------------------------------------

    fn sync_volume(&mut self, name: &str) {
        // The external provisioner's volume informer sees the same event.
        self.provisioner_volume_finalizer(name);
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        if pv.meta.deletion.is_some() {
            self.work.pv_protection.insert(name.to_string());
        }
        let Some(r) = pv.claim_ref.clone() else {
            self.set_volume_phase(&pv, PvPhase::Available, "");
            return;
        };
        if r.uid.is_empty() {
            self.set_volume_phase(&pv, PvPhase::Available, "");
            return;
        }
        let claim = self
            .cluster
            .pvc_by(&r.namespace, &r.name)
            .filter(|c| c.meta.uid == r.uid)
            .cloned();
        let Some(claim) = claim else {
            // Released once (a Failed volume stays Failed), then `reclaimVolume` on every
            // sync: a Retain volume whose policy is changed to Delete is deleted then.
            if !matches!(pv.phase, PvPhase::Released | PvPhase::Failed) {
                self.set_volume_phase(&pv, PvPhase::Released, "");
            }
            let pv = self.cluster.pv(name).cloned().unwrap_or(pv);
            self.reclaim_volume(&pv);
            return;
        };
        match claim.volume_name.as_deref() {
            None => {
                if claim.volume_mode != pv.volume_mode {
                    self.pv_event(
                        EventType::Warning,
                        "VolumeMismatch",
                        name,
                        format!(
                            "Cannot bind PersistentVolume to requested PersistentVolumeClaim {:?} due to incompatible volumeMode.",
                            claim.meta.name
                        ),
                    );
                    self.claim_event(
                        EventType::Warning,
                        "VolumeMismatch",
                        &claim.meta.key(),
                        format!(
                            "Cannot bind PersistentVolume {name:?} to requested PersistentVolumeClaim due to incompatible volumeMode."
                        ),
                    );
                } else {
                    self.work.claims.insert(claim.meta.key());
                }
            }
            Some(v) if v == name => self.set_volume_phase(&pv, PvPhase::Bound, ""),
            Some(_) => {
                let provisioned = pv
                    .meta
                    .annotations
                    .contains_key(well_known::ANN_PROVISIONED_BY);
                if provisioned && pv.reclaim_policy == ReclaimPolicy::Delete {
                    if !matches!(pv.phase, PvPhase::Released | PvPhase::Failed) {
                        self.set_volume_phase(&pv, PvPhase::Released, "");
                    }
                    let pv = self.cluster.pv(name).cloned().unwrap_or(pv);
                    self.reclaim_volume(&pv);
                } else {
                    self.unbind_volume(&pv);
                }
            }
        }
    }

    /// `unbindVolume`: a volume the controller bound loses its claimRef (and the
    /// bound-by-controller annotation), a pre-bound one only the claim's UID; it is
    /// `Available` again.
    fn unbind_volume(&mut self, pv: &PersistentVolume) {
        let mut new = pv.clone();
        if pv
            .meta
            .annotations
            .contains_key(well_known::ANN_BOUND_BY_CONTROLLER)
        {
            new.claim_ref = None;
            new.meta
                .annotations
                .remove(well_known::ANN_BOUND_BY_CONTROLLER);
        } else if let Some(r) = new.claim_ref.as_mut() {
            r.uid = Uid::default();
        }
        new.phase = PvPhase::Available;
        let class = new.storage_class_name.clone();
        self.write_pv(new);
        self.enqueue_unbound_immediate_claims(&class);
    }

    /// `reclaimVolume` for a Released volume.
    /// Runs on every sync of a released volume; its failure events come only with the change
    /// to Failed (`updateVolumePhaseWithEvent`).
    fn reclaim_volume(&mut self, pv: &Arc<PersistentVolume>) {
        if pv.meta.annotation("pv.kubernetes.io/migrated-to").is_some() {
            // A migrated volume is the external provisioner's to reclaim.
            return;
        }
        let failing = pv.phase != PvPhase::Failed;
        match pv.reclaim_policy {
            ReclaimPolicy::Retain => {}
            ReclaimPolicy::Recycle
                if matches!(&pv.source, PvSource::HostPath { .. })
                    || matches!(&pv.source, PvSource::Other(t) if t == "nfs") =>
            {
                // `recycleVolumeOperation`: the hostPath and NFS plugins scrub the volume
                // with a recycler pod (not simulated: it is taken to succeed at once), then
                // the volume is made available again.
                self.pv_event(
                    EventType::Normal,
                    "VolumeRecycled",
                    pv.name(),
                    "Volume recycled",
                );
                self.unbind_volume(pv);
            }
            ReclaimPolicy::Recycle => {
                if failing {
                    self.pv_event(
                        EventType::Warning,
                        "VolumeFailedRecycle",
                        pv.name(),
                        "No recycler plugin found for the volume!",
                    );
                }
                self.set_volume_phase(
                    pv,
                    PvPhase::Failed,
                    "No recycler plugin found for the volume!",
                );
            }
            ReclaimPolicy::Delete => {
                let provisioner = pv
                    .meta
                    .annotation(well_known::ANN_PROVISIONED_BY)
                    .map(str::to_string);
                match provisioner {
                    Some(p) if !p.starts_with("kubernetes.io/") => {
                        // The external provisioner that made it deletes it.
                        self.external_delete(pv, &p);
                    }
                    _ if matches!(pv.source, PvSource::Csi { .. }) => {
                        // A CSI volume nobody provisioned: no external deleter claims it.
                    }
                    _ => {
                        let err = match &pv.source {
                            PvSource::HostPath { path }
                                if path.starts_with("/tmp/") && path.len() > 5 =>
                            {
                                None
                            }
                            PvSource::HostPath { path } => Some(format!(
                                "host_path deleter only supports /tmp/.+ but received provided {path}"
                            )),
                            _ => Some(format!(
                                "error getting deleter volume plugin for volume {:?}: no deletable volume plugin matched",
                                pv.name()
                            )),
                        };
                        match err {
                            None => self.delete_volume_object(pv.name()),
                            Some(e) => {
                                if failing {
                                    self.pv_event(
                                        EventType::Warning,
                                        "VolumeFailedDelete",
                                        pv.name(),
                                        e.clone(),
                                    );
                                }
                                self.set_volume_phase(pv, PvPhase::Failed, &e);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Deletes a PV object through the API (protection finalizers still apply).
    pub(crate) fn delete_volume_object(&mut self, name: &str) {
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        let mut new = (*pv).clone();
        new.meta
            .remove_finalizer(well_known::FINALIZER_EXTERNAL_PROVISIONER);
        new.meta.deletion.get_or_insert(self.now);
        if new.meta.finalizers.is_empty() {
            self.cluster.remove_pv(name);
            self.after_pv_removed(&new);
        } else {
            self.write_pv(new);
            self.work.pv_protection.insert(name.to_string());
        }
    }

    // --- protection ----------------------------------------------------------------------------

    /// `kubernetes.io/pvc-protection`: a claim used by a scheduled pod stays Terminating.
    fn pvc_protection(&mut self, key: &ObjectKey) {
        let Some(pvc) = self.cluster.pvc(key).cloned() else {
            return;
        };
        if pvc.meta.deletion.is_none() {
            return;
        }
        // `podUsesPVC`: a scheduled pod naming the claim in a `persistentVolumeClaim`
        // volume, or in a generic ephemeral volume whose claim it controls.
        let in_use = self.cluster.pods_using_claim(key).any(|p| {
            p.is_assigned()
                && p.claim_refs().any(|(claim, ephemeral)| {
                    claim == &*key.name
                        && (!ephemeral || crate::pv_helpers::volume_is_for_pod(p, &pvc).is_ok())
                })
        });
        if in_use {
            return;
        }
        let mut new = (*pvc).clone();
        new.meta
            .remove_finalizer(well_known::FINALIZER_PVC_PROTECTION);
        if new.meta.finalizers.is_empty() {
            self.remove_pvc_now(key);
            self.claim_changed(ClusterEvent::PvcUpdate, key);
        } else {
            self.write_pvc(new);
        }
    }

    /// `kubernetes.io/pv-protection`: a Bound volume stays Terminating.
    fn pv_protection(&mut self, name: &str) {
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        if pv.meta.deletion.is_none() || pv.phase == PvPhase::Bound {
            return;
        }
        let mut new = (*pv).clone();
        new.meta
            .remove_finalizer(well_known::FINALIZER_PV_PROTECTION);
        if new.meta.finalizers.is_empty() {
            self.cluster.remove_pv(name);
            self.after_pv_removed(&new);
        } else if new != *pv {
            self.write_pv(new);
        }
    }

    /// Arms the claim's resync so a pod stuck behind it gets `WaitForPodScheduled`.
    pub(crate) fn arm_claim_resync(&mut self, key: &ObjectKey) {
        if self.resync_armed.insert(key.clone()) {
            let at = self.now.plus_millis(super::CLAIM_RESYNC_MS);
            self.add_timer(at, Timer::ClaimResync { claim: key.clone() });
        }
    }
}

/// `checkVolumeSatisfyClaim` for a claim pre-bound by `volumeName`.
fn check_volume_satisfy_claim(
    pv: &PersistentVolume,
    pvc: &PersistentVolumeClaim,
) -> Result<(), String> {
    if pv.meta.deletion.is_some() {
        return Err(format!("the volume is marked for deletion {:?}", pv.name()));
    }
    if pv.capacity < pvc.request.unwrap_or_default() {
        return Err("requested PV is too small".into());
    }
    if *pv.storage_class_name != *pvc.class_name() {
        return Err("storageClassName does not match".into());
    }
    if pv.volume_mode != pvc.volume_mode {
        return Err("incompatible volumeMode".into());
    }
    if !storage::access_modes_contain_all(&pv.access_modes, &pvc.access_modes) {
        return Err("incompatible accessMode".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::model::{Kind, ObjectKey, PvPhase, PvcPhase};
    use crate::testing::*;

    /// Distinct events about a claim (the PV controller repeats some on every resync).
    fn claim_events(sim: &crate::sim::Simulation, name: &str) -> Vec<(String, String)> {
        let key = ObjectKey::parse(name, true);
        let mut out: Vec<(String, String)> = Vec::new();
        for (_, e) in sim.log().events_for(Kind::PersistentVolumeClaim, &key) {
            let ev = (e.reason.to_string(), e.message.to_string());
            if !out.contains(&ev) {
                out.push(ev);
            }
        }
        out
    }

    fn hostpath_pv(name: &str, modes: &str, size: &str, path: &str, policy: &str) -> String {
        format!("apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: {size}}}\n  accessModes: [{modes}]\n  storageClassName: ''\n  persistentVolumeReclaimPolicy: {policy}\n  hostPath: {{path: {path}}}\n")
    }

    #[test]
    fn immediate_binding_prefers_the_narrowest_access_modes_then_the_smallest() {
        let sim = world(&[
            hostpath_pv(
                "wide-small",
                "ReadWriteOnce, ReadOnlyMany",
                "10Gi",
                "/tmp/a",
                "Retain",
            ),
            hostpath_pv("narrow-big", "ReadWriteOnce", "50Gi", "/tmp/b", "Retain"),
            hostpath_pv("narrow-small", "ReadWriteOnce", "20Gi", "/tmp/c", "Retain"),
            pvc("data", "", "ReadWriteOnce", "5Gi"),
        ]);
        let c = sim.cluster();
        let claim = c.pvc(&ObjectKey::parse("data", true)).unwrap();
        assert_eq!(claim.volume_name.as_deref(), Some("narrow-small"));
        assert_eq!(claim.phase, PvcPhase::Bound);
        assert_eq!(claim.capacity, Some((20i64 << 30).into()));
        assert_eq!(
            claim.meta.annotation("pv.kubernetes.io/bind-completed"),
            Some("yes")
        );
        assert_eq!(
            claim
                .meta
                .annotation("pv.kubernetes.io/bound-by-controller"),
            Some("yes")
        );
        let pv = c.pv("narrow-small").unwrap();
        assert_eq!(pv.phase, PvPhase::Bound);
        assert_eq!(
            pv.meta.annotation("pv.kubernetes.io/bound-by-controller"),
            Some("yes")
        );
        assert_eq!(pv.claim_ref.as_ref().unwrap().uid, claim.meta.uid);
        assert_eq!(c.pv("wide-small").unwrap().phase, PvPhase::Available);
    }

    #[test]
    fn binding_failures_read_like_the_pv_controller() {
        let sim = world(&[
            hostpath_pv("small", "ReadWriteOnce", "1Gi", "/tmp/a", "Retain"),
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: wants-small}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  volumeName: small\n  resources: {requests: {storage: 5Gi}}\n".into(),
            pvc("no-class", "", "ReadWriteMany", "1Gi"),
            pvc("ghost-class", "gold", "ReadWriteOnce", "1Gi"),
            class("manual", "kubernetes.io/no-provisioner", "Immediate", ""),
            pvc("manual", "manual", "ReadWriteOnce", "1Gi"),
        ]);
        assert_eq!(
            claim_events(&sim, "wants-small"),
            vec![(
                "VolumeMismatch".into(),
                "Cannot bind to requested volume \"small\": requested PV is too small".into()
            )]
        );
        assert_eq!(
            claim_events(&sim, "no-class"),
            vec![(
                "FailedBinding".into(),
                "no persistent volumes available for this claim and no storage class is set".into()
            )]
        );
        assert_eq!(
            claim_events(&sim, "ghost-class"),
            vec![(
                "ProvisioningFailed".into(),
                "storageclass.storage.k8s.io \"gold\" not found".into()
            )]
        );
        assert_eq!(
            claim_events(&sim, "manual"),
            vec![(
                "ProvisioningFailed".into(),
                "no volume plugin matched name: kubernetes.io/no-provisioner".into()
            )]
        );
    }

    #[test]
    fn default_class_newest_wins_and_applies_retroactively() {
        let mut sim = world(&[pvc_without_class("early")]);
        add_pending(
            &mut sim,
            &class(
                "old-default",
                "rancher.io/local-path",
                "WaitForFirstConsumer",
                "",
            )
            .replace("metadata: {name: old-default}", "metadata: {name: old-default, annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}"),
        );
        sim.advance_time(5_000);
        let class_of = |sim: &crate::Simulation, n: &str| {
            sim.cluster()
                .pvc(&ObjectKey::parse(n, true))
                .unwrap()
                .storage_class_name
                .clone()
        };
        assert_eq!(
            class_of(&sim, "early"),
            None,
            "the PV controller has no StorageClass handler: not before the claim's resync"
        );
        sim.advance_time(super::super::CLAIM_RESYNC_MS);
        add_pending(
            &mut sim,
            &class("new-default", "rancher.io/local-path", "WaitForFirstConsumer", "")
                .replace("metadata: {name: new-default}", "metadata: {name: new-default, annotations: {storageclass.kubernetes.io/is-default-class: 'true'}}"),
        );
        add_pending(&mut sim, &pvc_without_class("late"));
        add_pending(&mut sim, &pvc("explicit-none", "", "ReadWriteOnce", "1Gi"));
        let class_of = |n: &str| class_of(&sim, n);
        assert_eq!(
            class_of("early").as_deref(),
            Some("old-default"),
            "assigned at the first resync after the first default appeared"
        );
        assert_eq!(
            class_of("late").as_deref(),
            Some("new-default"),
            "the newest default wins"
        );
        assert_eq!(
            class_of("explicit-none").as_deref(),
            Some(""),
            "\"\" means no class"
        );
    }

    fn pvc_without_class(name: &str) -> String {
        format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n")
    }

    #[test]
    fn reclaim_policies() {
        let mut sim = world(&[
            hostpath_pv("keep", "ReadWriteOnce", "1Gi", "/mnt/keep", "Retain"),
            pvc("a", "", "ReadWriteOnce", "1Gi"),
        ]);
        add_pending(
            &mut sim,
            &hostpath_pv("scratch", "ReadWriteOnce", "2Gi", "/tmp/scratch", "Delete"),
        );
        add_pending(&mut sim, &pvc("b", "", "ReadWriteOnce", "2Gi"));
        add_pending(
            &mut sim,
            &hostpath_pv("stuck", "ReadWriteOnce", "3Gi", "/mnt/stuck", "Delete"),
        );
        add_pending(&mut sim, &pvc("c", "", "ReadWriteOnce", "3Gi"));
        for name in ["a", "b", "c"] {
            sim.delete(Kind::PersistentVolumeClaim, &ObjectKey::parse(name, true))
                .unwrap();
        }
        sim.run_until_idle(1000);
        let c = sim.cluster();
        let keep = c.pv("keep").unwrap();
        assert_eq!(keep.phase, PvPhase::Released);
        assert_eq!(
            &*keep.claim_ref.as_ref().unwrap().name,
            "a",
            "Retain keeps the claimRef"
        );
        assert!(c.pv("scratch").is_none(), "hostPath under /tmp is deleted");
        let stuck = c.pv("stuck").unwrap();
        assert_eq!(stuck.phase, PvPhase::Failed);
        assert_eq!(
            stuck.status_message,
            "host_path deleter only supports /tmp/.+ but received provided /mnt/stuck"
        );
        let failed: Vec<_> = sim
            .log()
            .events_for(Kind::PersistentVolume, &ObjectKey::cluster("stuck"))
            .map(|(_, e)| (e.reason, e.message.to_string()))
            .collect();
        assert_eq!(
            failed,
            vec![("VolumeFailedDelete", stuck.status_message.clone())]
        );
    }

    /// A provisioned Delete volume shows `Released` while its provisioner deletes it, and
    /// is gone `VOLUME_DELETION_DELAY_MS` after its claim.
    #[test]
    fn a_provisioned_volume_is_released_then_deleted_by_its_provisioner() {
        let mut sim = world(&[
            node("n1", &[("topology.kubernetes.io/zone", "a")], ""),
            crate::testing::class("fast", "csi.example.com", "Immediate", ""),
            pvc("data", "fast", "ReadWriteOnce", "1Gi"),
        ]);
        let claim = sim.cluster().pvc(&ObjectKey::parse("data", true)).unwrap();
        let volume = claim.volume_name.clone().expect("provisioned and bound");
        sim.delete(Kind::PersistentVolumeClaim, &ObjectKey::parse("data", true))
            .unwrap();
        let released_at = sim.now();
        let mut seen = vec![(sim.now(), sim.cluster().pv(&volume).map(|v| v.phase))];
        for _ in 0..1000 {
            if sim.step() == crate::sim::StepOutcome::Idle {
                break;
            }
            seen.push((sim.now(), sim.cluster().pv(&volume).map(|v| v.phase)));
        }
        assert!(
            seen.iter().any(|(_, p)| *p == Some(PvPhase::Released)),
            "{seen:?}"
        );
        let gone = seen.iter().find(|(_, p)| p.is_none()).expect("deleted");
        assert_eq!(
            gone.0,
            released_at.plus_millis(crate::sim::VOLUME_DELETION_DELAY_MS)
        );
    }

    #[test]
    fn protection_finalizers_hold_objects_in_use() {
        let mut sim = world(&[
            node("n1", &[], ""),
            hostpath_pv("vol", "ReadWriteOnce", "1Gi", "/mnt/vol", "Retain"),
            pvc("data", "", "ReadWriteOnce", "1Gi"),
            pod("user", &["data"], ""),
        ]);
        sim.delete(Kind::PersistentVolumeClaim, &ObjectKey::parse("data", true))
            .unwrap();
        sim.delete(Kind::PersistentVolume, &ObjectKey::cluster("vol"))
            .unwrap();
        sim.run_until_idle(1000);
        let claim = sim.cluster().pvc(&ObjectKey::parse("data", true)).unwrap();
        assert!(
            claim.meta.deletion.is_some() && claim.phase == PvcPhase::Bound,
            "Terminating while used"
        );
        assert!(
            sim.cluster().pv("vol").unwrap().meta.deletion.is_some(),
            "Terminating while bound"
        );
        sim.delete(Kind::Pod, &ObjectKey::parse("user", true))
            .unwrap();
        sim.run_until_idle(1000);
        assert!(sim.cluster().pvc(&ObjectKey::parse("data", true)).is_none());
        assert!(
            sim.cluster().pv("vol").is_none(),
            "released, then pv-protection let go"
        );
    }

    #[test]
    fn local_path_refuses_shared_access_modes() {
        let sim = world(&[
            node("n1", &[], ""),
            class(
                "standard",
                "rancher.io/local-path",
                "WaitForFirstConsumer",
                "",
            ),
            pvc("shared", "standard", "ReadWriteMany", "1Gi"),
            pod("p", &["shared"], ""),
        ]);
        let events = claim_events(&sim, "shared");
        assert!(events.contains(&(
            "ProvisioningFailed".into(),
            "failed to provision volume with StorageClass \"standard\": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes".into()
        )), "{events:?}");
    }
}
