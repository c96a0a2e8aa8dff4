//! A stand-in for the kubelets: a pod bound to a node starts running once every claim it
//! mounts is bound (and no other running pod on the node has its ReadWriteOncePod-only
//! volume mounted); volume expansion completes as a CSI resizer would report.

use std::sync::Arc;

use thin_vec::ThinVec;

use super::Simulation;
use crate::events::EventType;
use crate::model::*;
use crate::quantity::Bytes;

impl Simulation {
    pub(crate) fn kubelet_sync(&mut self, key: &ObjectKey) {
        let Some(pod) = self.pod_arc(key) else {
            return;
        };
        let Some(node) = pod.node_name() else {
            return;
        };
        if !self.cluster.nodes.contains_key(node)
            || pod.meta.deletion.is_some()
            || pod.status.phase != PodPhase::Pending
        {
            return;
        }
        // Volumes must be bound before containers can start; a generic ephemeral volume's
        // claim must also be the pod's own (the volume manager refuses another's,
        // `ephemeral.VolumeIsForPod`; its mount-timeout event is not simulated).
        let ready = pod.claim_refs().all(|(claim, ephemeral)| {
            self.cluster
                .pvc_by(&key.namespace, claim)
                .is_some_and(|pvc| {
                    pvc.phase == PvcPhase::Bound
                        && (!ephemeral || crate::pv_helpers::volume_is_for_pod(&pod, pvc).is_ok())
                })
        });
        if !ready {
            return;
        }
        // The kubelet's own ReadWriteOncePod check (operation_generator.go,
        // GenerateMountVolumeFunc): a volume whose only access mode is ReadWriteOncePod and
        // that another pod on this node has mounted is not set up for this pod, which stays
        // in ContainerCreating with a FailedMount event. The scheduler enforces the same
        // rule; this only matters for a pod that bypasses it with `spec.nodeName`
        // (e2e readwriteoncepod.go "should block a second pod…"). The kubelet retries with
        // backoff; here the pod is looked at again when the other pod is gone.
        if let Some(pv) = self.rwop_volume_mounted_elsewhere(&pod, node) {
            self.event(
                EventType::Warning,
                "FailedMount",
                Kind::Pod,
                key,
                format!(
                    "MountVolume.SetUp failed for volume \"{pv}\" : volume uses the ReadWriteOncePod access mode and is already in use by another pod"
                ),
                "kubelet",
            );
            return;
        }
        let mut new = (*pod).clone();
        new.status.phase = PodPhase::Running;
        new.status.start_time = Some(self.now);
        // The kubelet rewrites the conditions it owns, in its own order, after the others
        // (generateAPIPodStatus); one that was already True keeps its transition time (the
        // status manager's updateLastTransitionTime).
        const KUBELET_OWNED: [ConditionWord; 5] = [
            condition::POD_READY_TO_START_CONTAINERS,
            condition::INITIALIZED,
            condition::READY,
            condition::CONTAINERS_READY,
            condition::POD_SCHEDULED,
        ];
        let before = std::mem::take(&mut new.status.conditions);
        let others = before.iter().filter(|c| !KUBELET_OWNED.contains(&c.type_));
        // Exactly sized: pushing five onto a collected list would double it to eight
        // slots, 96 bytes more in every running pod (14 MB at 150k pods).
        let mut conditions = ThinVec::with_capacity(others.clone().count() + KUBELET_OWNED.len());
        conditions.extend(others.cloned());
        new.status.conditions = conditions;
        for type_ in KUBELET_OWNED {
            let last_transition = before
                .iter()
                .find(|c| c.type_ == type_ && c.status == condition::TRUE)
                .map_or(self.now, |c| c.last_transition);
            new.status.conditions.push(PodCondition {
                type_,
                status: condition::TRUE,
                reason: condition::NO_REASON,
                message: crate::model::pod::no_message(),
                last_transition,
            });
        }
        let new = Arc::new(new);
        self.cluster.put_pod(new.clone());
        if self.cache.node_of(key).is_some() {
            self.cache
                .refresh_pod(crate::scheduler::cache::PodInfo::new(&self.cluster, new));
        }
    }

    /// The first of the pod's volumes whose only access mode is ReadWriteOncePod and that
    /// another pod on `node` has mounted (is running with), as `IsVolumeMountedElsewhere`
    /// sees the kubelet's actual state of the world.
    fn rwop_volume_mounted_elsewhere(&self, pod: &Pod, node: &str) -> Option<String> {
        let ns = &pod.meta.namespace;
        pod.claim_names().find_map(|c| {
            let pv = self
                .cluster
                .pvc_by(ns, c)?
                .volume_name
                .as_deref()
                .and_then(|v| self.cluster.pv(v))?;
            if pv.access_modes[..] != [AccessMode::ReadWriteOncePod] {
                return None;
            }
            let claim = ObjectKey::new(ns.clone(), c);
            self.cluster
                .pods_using_claim(&claim)
                .any(|p| {
                    p.meta.uid != pod.meta.uid
                        && p.node_name() == Some(node)
                        && p.status.phase == PodPhase::Running
                })
                .then(|| pv.name().to_string())
        })
    }

    /// An allowed expansion: the CSI resizer grows the volume and the claim's capacity.
    pub(crate) fn expand_volume(&mut self, pvc: &PersistentVolumeClaim, new_size: Bytes) {
        let key = pvc.meta.key();
        self.event(
            EventType::Normal,
            "ExternalExpanding",
            Kind::PersistentVolumeClaim,
            &key,
            "waiting for an external controller to expand this PVC",
            "volume_expand",
        );
        if let Some(pv) = pvc
            .volume_name
            .as_deref()
            .and_then(|v| self.cluster.pv(v))
            .cloned()
        {
            let mut new = (*pv).clone();
            new.capacity = new.capacity.max(new_size);
            self.write_pv(new);
        }
        let mut grown = pvc.clone();
        grown.capacity = Some(new_size.max(pvc.capacity.unwrap_or_default()));
        grown.request = Some(new_size);
        self.cluster.put_pvc(Arc::new(grown));
    }
}

#[cfg(test)]
mod tests {
    use crate::model::PodPhase;
    use crate::time::SimTime;

    #[test]
    fn a_running_pods_conditions_are_in_the_kubelets_order() {
        // As `kubectl describe pod` lists them on a v1.36 node.
        let run = crate::scenario::builtin::all()
            .into_iter()
            .find(|b| b.id == "local-pv-wffc")
            .unwrap()
            .text
            .run(1, 10_000)
            .unwrap();
        let pods = run.sim.cluster().pods();
        let pod = pods.values().find(|p| p.status.phase == PodPhase::Running);
        let pod = pod.expect("a running pod");
        let types: Vec<&str> = pod.status.conditions.iter().map(|c| &*c.type_).collect();
        assert_eq!(
            types,
            [
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled"
            ]
        );
        assert!(pod.status.conditions.iter().all(|c| c.status == "True"));
        // No spare slots: every running pod holds this list.
        assert_eq!(pod.status.conditions.capacity(), 5);
        // PodScheduled keeps the time of the binding, no later than the start.
        let at = |t: &str| -> SimTime {
            pod.status
                .conditions
                .iter()
                .find(|c| c.type_ == t)
                .unwrap()
                .last_transition
        };
        assert!(at("PodScheduled") <= at("Ready"));
    }
}
