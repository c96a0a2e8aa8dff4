//! Applying the scheduler's decisions: Reserve, the binding cycle (PreBind waiting for
//! volumes, then Bind), scheduling failures, and preemption's evictions.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::{PendingBinding, Simulation, Timer};
use crate::events::{EventType, Note};
use crate::model::*;
use crate::scheduler::framework::Code;
use crate::scheduler::plugins::{names, volume_binding};
use crate::scheduler::preemption::Preemption;
use crate::scheduler::queue::ClusterEvent;
use crate::scheduler::{self, Decision, Nomination};
use crate::time::SimTime;

pub const SCHEDULER: &str = "default-scheduler";
/// `validation.NoteLengthLimit`: event notes longer than this are cut with `" ..."`.
pub const NOTE_LENGTH_LIMIT: usize = 1024;

/// `truncateMessage`.
pub fn truncate_message(msg: &str) -> String {
    if msg.len() <= NOTE_LENGTH_LIMIT {
        return msg.to_string();
    }
    let mut end = NOTE_LENGTH_LIMIT - " ...".len();
    while !msg.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} ...", &msg[..end])
}

impl Simulation {
    /// One scheduling cycle for `key`.
    pub(crate) fn schedule_one(&mut self, key: &ObjectKey) {
        let Some(pod) = self.pod_arc(key) else {
            self.queue.remove(key);
            return;
        };
        if pod.is_assigned() || self.bindings.contains_key(key) {
            return;
        }
        if pod.meta.deletion.is_some() {
            self.event(
                EventType::Warning,
                "FailedScheduling",
                Kind::Pod,
                key,
                format!("skip schedule deleting pod: {}/{}", key.namespace, key.name),
                SCHEDULER,
            );
            self.queue.remove(key);
            return;
        }
        self.cache.refresh_order();
        let mut next = self.next_start_node_index;
        let mut rng = self.rng.clone();
        let (decision, state) = {
            let cx = self.ctx();
            scheduler::schedule_pod_with_state(&cx, &self.profile, &pod, &mut next, &mut rng)
        };
        self.next_start_node_index = next;
        self.rng = rng;
        match decision {
            Decision::Fits {
                node, tie_break, ..
            } => {
                if let Some((score, tied, candidates)) = tie_break {
                    self.note(Note::TieBreak {
                        pod: key.clone(),
                        score,
                        tied,
                        candidates,
                        chosen: node.clone(),
                    });
                }
                self.reserve_and_bind(&pod, &node, &state);
            }
            Decision::Unschedulable {
                message,
                code,
                diagnosis,
                nomination,
                preemption,
            } => {
                let mut rejectors: BTreeSet<&'static str> = diagnosis.unschedulable_plugins.clone();
                rejectors.remove("");
                if code == Code::Error || rejectors.is_empty() {
                    rejectors = ["*"].into();
                }
                self.scheduling_failed(&pod, &message, code, nomination, rejectors);
                if let Some(p) = preemption {
                    self.apply_preemption(&pod, p);
                }
            }
        }
    }

    fn reserve_and_bind(
        &mut self,
        pod: &Arc<Pod>,
        node: &str,
        state: &crate::scheduler::framework::CycleState,
    ) {
        let key = pod.meta.key();
        let Some(node_obj) = self.cluster.nodes.get(node).cloned() else {
            return;
        };
        let volumes = match &state.volume_binding {
            Some(s) => {
                let cx = self.ctx();
                match volume_binding::find_pod_volumes(&cx, s, &node_obj) {
                    Ok((_, v)) => v,
                    Err(_) => volume_binding::PodVolumes::default(),
                }
            }
            None => volume_binding::PodVolumes::default(),
        };
        let assumed = volume_binding::assume_pod_volumes(&volumes, &node_obj.meta.name);
        // Assume: the pod counts against the node from now on.
        let info = crate::scheduler::cache::PodInfo::new(&self.cluster, pod.clone());
        self.cache.add_pod(info, node, true);
        self.cache.set_nominated(pod, None);
        if assumed.all_bound() {
            self.bind_pod(&key, node);
            return;
        }
        // bindingCycle: VolumeBinding's PreBindPreFlight is Success (a claim still needs
        // binding), so with NominatedNodeNameForExpectation the pod's nominatedNodeName is
        // set to the chosen node before PreBind runs (the Binding clears it again). The
        // scheduler's own nominator ignores updates of an assumed pod.
        if self.version.nominated_node_name_for_expectation
            && pod.status.nominated_node_name.as_deref() != Some(node)
        {
            if let Some(current) = self.pod_arc(&key) {
                let mut new = (*current).clone();
                new.status.nominated_node_name = Some(node_obj.meta.name.clone());
                self.cluster.put_pod(Arc::new(new));
            }
        }
        // PreBind's API writes: pre-bound volumes and claims to provision.
        for pv in &assumed.pv_updates {
            self.write_pv((**pv).clone());
            self.work.volumes.insert(pv.name().to_string());
        }
        for pvc in &assumed.pvc_updates {
            self.write_pvc((**pvc).clone());
        }
        for claim in &assumed.waiting_for {
            self.work.claims.insert(claim.clone());
            self.waiting_on_claim
                .entry(claim.clone())
                .or_default()
                .insert(key.clone());
        }
        let at = self
            .now
            .plus_millis(volume_binding::BIND_TIMEOUT_SECONDS * 1000);
        let timeout = self.add_timer(at, Timer::BindingTimeout { pod: key.clone() });
        let mut provisioned: Vec<ObjectKey> =
            volumes.provisions.iter().map(|c| c.meta.key()).collect();
        provisioned.sort_unstable();
        provisioned.dedup();
        self.bindings.insert(
            key.clone(),
            PendingBinding {
                node: node_obj.meta.name.clone(),
                waiting_for: assumed.waiting_for,
                provisioned,
                timeout,
            },
        );
        self.assigned_pod_changed(ClusterEvent::AssignedPodAdd, None, Some(pod));
    }

    /// PreBind's `checkBindings` for every pod whose claims changed.
    pub(crate) fn check_waiting_bindings(&mut self) {
        let pods = std::mem::take(&mut self.binding_check);
        for key in pods {
            // Read in place: the pending binding is only borrowed while it is checked.
            let Some(b) = self.bindings.get(&key) else {
                continue;
            };
            let node_name = b.node.clone();
            let Some(node) = self.cluster.nodes.get(&*node_name) else {
                self.binding_failed(
                    &key,
                    &format!(
                        "failed to get node {:?}: node {:?} not found",
                        node_name, node_name
                    ),
                );
                continue;
            };
            match volume_binding::check_bindings(
                &self.cluster,
                &b.waiting_for,
                &b.provisioned,
                node,
            ) {
                Ok(true) => {
                    self.finish_binding_wait(&key);
                    self.bind_pod(&key, &node_name);
                }
                Ok(false) => {}
                Err(e) => self.binding_failed(&key, &format!("binding volumes: {e}")),
            }
        }
    }

    fn finish_binding_wait(&mut self, key: &ObjectKey) {
        if let Some(b) = self.bindings.remove(key) {
            for claim in &b.waiting_for {
                if let Some(set) = self.waiting_on_claim.get_mut(claim) {
                    set.remove(key);
                    if set.is_empty() {
                        self.waiting_on_claim.remove(claim);
                    }
                }
            }
            self.cancel_timer(b.timeout);
        }
    }

    pub(crate) fn binding_timed_out(&mut self, key: &ObjectKey, timer: (SimTime, u64)) {
        if self.bindings.get(key).is_some_and(|b| b.timeout == timer) {
            self.binding_failed(key, "binding volumes: context deadline exceeded");
        }
    }

    /// PreBind failed: Unreserve, report, and requeue.
    fn binding_failed(&mut self, key: &ObjectKey, error: &str) {
        self.finish_binding_wait(key);
        if let Some(assumed) = self.cache.remove_pod(key) {
            self.assigned_pod_deleted(&assumed.pod);
        }
        let Some(pod) = self.pod_arc(key) else {
            return;
        };
        let message = format!(
            "running PreBind plugin {:?}: {error}",
            names::VOLUME_BINDING
        );
        self.scheduling_failed(
            &pod,
            &message,
            Code::Error,
            Nomination::Set(None),
            [names::VOLUME_BINDING].into(),
        );
    }

    /// DefaultBinder: the pod gets its node; the kubelet takes over.
    pub(crate) fn bind_pod(&mut self, key: &ObjectKey, node: &str) {
        let Some(pod) = self.pod_arc(key) else {
            self.cache.remove_pod(key);
            return;
        };
        let mut new = (*pod).clone();
        // The node's own name, shared.
        new.spec.node_name = Some(
            self.cluster
                .nodes
                .get(node)
                .map_or_else(|| node.into(), |n| n.meta.name.clone()),
        );
        new.status.nominated_node_name = None;
        new.set_condition(PodCondition {
            type_: condition::POD_SCHEDULED,
            status: condition::TRUE,
            reason: condition::NO_REASON,
            message: crate::model::pod::no_message(),
            last_transition: self.now,
        });
        let new = Arc::new(new);
        self.cluster.put_pod(new.clone());
        self.cache
            .confirm_pod(crate::scheduler::cache::PodInfo::new(
                &self.cluster,
                new.clone(),
            ));
        self.queue.remove(key);
        self.event(
            EventType::Normal,
            "Scheduled",
            Kind::Pod,
            key,
            format!(
                "Successfully assigned {}/{} to {node}",
                key.namespace, key.name
            ),
            SCHEDULER,
        );
        self.work.kubelet.insert(key.clone());
        self.assigned_pod_changed(ClusterEvent::AssignedPodAdd, None, Some(&new));
    }

    /// `handleSchedulingFailure`: event, condition, nomination, requeue.
    fn scheduling_failed(
        &mut self,
        pod: &Arc<Pod>,
        message: &str,
        code: Code,
        nomination: Nomination,
        rejectors: BTreeSet<&'static str>,
    ) {
        let key = pod.meta.key();
        let reason = if code == Code::Error {
            condition::SCHEDULER_ERROR
        } else {
            condition::UNSCHEDULABLE
        };
        let note = self.log.intern(&truncate_message(message));
        self.event(
            EventType::Warning,
            "FailedScheduling",
            Kind::Pod,
            &key,
            note.clone(),
            SCHEDULER,
        );
        // The condition carries the untruncated text (usually the very same string).
        let message: std::sync::Arc<str> = if note.len() == message.len() {
            note
        } else {
            message.into()
        };
        let Some(current) = self.pod_arc(&key) else {
            return;
        };
        let mut new = (*current).clone();
        new.set_condition(PodCondition {
            type_: condition::POD_SCHEDULED,
            status: condition::FALSE,
            reason,
            message: message.clone(),
            last_transition: self.now,
        });
        if let Nomination::Set(n) = &nomination {
            new.status.nominated_node_name = n.as_deref().map(Into::into);
        }
        let new = Arc::new(new);
        self.cluster.put_pod(new.clone());
        self.cache
            .set_nominated(&new, new.status.nominated_node_name.as_deref());
        self.queue
            .add_unschedulable(key.clone(), rejectors, self.now);
        // The PV controller's next resync tells the claim's story (`WaitForPodScheduled`).
        let delayed: Vec<ObjectKey> = new
            .claim_names()
            .map(|c| ObjectKey::new(key.namespace.clone(), c))
            .filter(|ck| {
                self.cluster.pvc(ck).is_some_and(|c| {
                    c.volume_name.is_none()
                        && c.selected_node().is_none()
                        && volume_binding::is_delay_binding(&self.cluster, c)
                })
            })
            .collect();
        for ck in delayed {
            self.arm_claim_resync(&ck);
        }
    }

    /// Preemption's execution: each victim gets the DisruptionTarget condition, is deleted
    /// and gets a `Preempted` event; lower-priority nominations on the node are cleared.
    fn apply_preemption(&mut self, preemptor: &Arc<Pod>, p: Preemption) {
        // prepareCandidateAsync: a victim already being deleted gets no API call (no
        // condition, no event); when that leaves none, the goroutine that would also clear
        // the lower-priority nominations never starts.
        let mut any = false;
        for victim in &p.victims {
            let vkey = victim.meta.key();
            let Some(current) = self.pod_arc(&vkey) else {
                continue;
            };
            if current.meta.deletion.is_some() {
                continue;
            }
            any = true;
            let mut new = (*current).clone();
            new.set_condition(PodCondition {
                type_: condition::DISRUPTION_TARGET,
                status: condition::TRUE,
                reason: condition::PREEMPTION_BY_SCHEDULER,
                message: format!(
                    "{}: preempting to accommodate a higher priority pod",
                    preemptor.spec.scheduler_name
                )
                .into(),
                last_transition: self.now,
            });
            new.status.preempted = true;
            self.cluster.put_pod(Arc::new(new));
            self.request_pod_deletion(&vkey, true);
            let by = if self.version.preempted_event_uses_uid {
                preemptor.meta.uid.to_string()
            } else {
                preemptor.meta.key().to_string()
            };
            self.event(
                EventType::Normal,
                "Preempted",
                Kind::Pod,
                &vkey,
                format!("Preempted by pod {by} on node {}", p.node),
                SCHEDULER,
            );
        }
        if !any {
            return;
        }
        let lower: Vec<Arc<Pod>> = self
            .cache
            .nominated_on(&p.node)
            .iter()
            .filter(|n| n.spec.priority < preemptor.spec.priority)
            .cloned()
            .collect();
        for n in lower {
            if let Some(current) = self.pod_arc(&n.meta.key()) {
                let mut new = (*current).clone();
                new.status.nominated_node_name = None;
                let new = Arc::new(new);
                self.cluster.put_pod(new.clone());
                self.cache.set_nominated(&new, None);
                // No retry: a status-only update is `UpdatePodOther` to the queue
                // (`PodSchedulingPropertiesChange`), which no default plugin registers, so
                // the pod waits in unschedulablePods for an event its rejectors registered
                // (executor.go's "moves them to the active queue" predates queueing hints).
            }
        }
    }

    /// Deletion as the API server and kubelet carry it out: unscheduled pods go at once,
    /// running pods terminate after their grace period.
    pub(crate) fn request_pod_deletion(&mut self, key: &ObjectKey, preempted: bool) {
        let Some(pod) = self.pod_arc(key) else {
            return;
        };
        if !pod.is_assigned() {
            if self.bindings.contains_key(key) {
                self.finish_binding_wait(key);
                if let Some(assumed) = self.cache.remove_pod(key) {
                    self.assigned_pod_deleted(&assumed.pod);
                }
            }
            self.remove_pod_now(key);
            return;
        }
        if pod.meta.deletion.is_some() {
            return;
        }
        let mut new = (*pod).clone();
        new.meta.deletion = Some(self.now);
        new.status.preempted |= preempted;
        let grace = new.spec.termination_grace_seconds;
        let uid = new.meta.uid.clone();
        let new = Arc::new(new);
        self.cluster.put_pod(new.clone());
        self.cache
            .refresh_pod(crate::scheduler::cache::PodInfo::new(&self.cluster, new));
        self.cluster_event(ClusterEvent::AssignedPodUpdate);
        if grace == 0 {
            self.pod_terminated(key, &uid);
        } else {
            let at = self.now.plus_millis(grace as u64 * 1000);
            self.add_timer(
                at,
                Timer::PodTerminated {
                    pod: key.clone(),
                    uid,
                },
            );
        }
    }

    pub(crate) fn pod_terminated(&mut self, key: &ObjectKey, uid: &Uid) {
        if self.cluster.pod(key).is_some_and(|p| p.meta.uid == *uid) {
            self.remove_pod_now(key);
        }
    }

    /// The pod leaves the API; preempted pods are kept as a record.
    pub(crate) fn remove_pod_now(&mut self, key: &ObjectKey) {
        let Some(pod) = self.cluster.remove_pod(key) else {
            return;
        };
        self.cluster.manifests.remove(&(Kind::Pod, key.clone()));
        self.cluster.generated.remove(&(Kind::Pod, key.clone()));
        self.queue.remove(key);
        self.finish_binding_wait(key);
        self.cache.set_nominated(&pod, None);
        if let Some(info) = self.cache.remove_pod(key) {
            self.assigned_pod_deleted(&info.pod);
        }
        for claim in pod.claim_names() {
            let ck = ObjectKey::new(key.namespace.clone(), claim);
            // A pod the kubelet held back because this one had its ReadWriteOncePod
            // volume mounted can start now (kubelet.rs).
            let held: Vec<ObjectKey> = self
                .cluster
                .pods_using_claim(&ck)
                .filter(|p| p.is_assigned() && p.status.phase == PodPhase::Pending)
                .map(|p| p.meta.key())
                .collect();
            self.work.kubelet.extend(held);
            self.work.pvc_protection.insert(ck);
        }
        self.collect_garbage_of(&pod.meta.uid);
        if pod.status.preempted {
            let mut gone = (*pod).clone();
            gone.status.phase = PodPhase::Failed;
            gone.status.deleted_at = Some(self.now);
            self.cluster.deleted_pods.push(Arc::new(gone));
        }
    }
}
