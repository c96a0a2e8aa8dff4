//! kube-controller-manager's ephemeral volume controller
//! (`pkg/controller/volume/ephemeral`): for every generic ephemeral volume of a pod it
//! creates the claim `<pod>-<volume>` from the volume's `volumeClaimTemplate`, owned by the
//! pod (so the garbage collector removes it with the pod), and re-creates it when someone
//! deletes it while the pod still exists.
//!
//! Upstream reacts to pod adds and claim deletions only (a pod's spec is immutable); a
//! failure is a `FailedBinding` Warning on the pod, and the key is retried with rate-limited
//! backoff. Bindery reports the failure once and retries on the next claim deletion that
//! concerns the pod: the rate-limited retries would only repeat the same event.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use super::workloads::owner_ref_json;
use super::Simulation;
use crate::events::EventType;
use crate::model::*;
use crate::pv_helpers::volume_is_for_pod;
use crate::scenario::Manifest;

/// The controller's event source (`v1.EventSource{Component: "ephemeral_volume"}`).
pub const EPHEMERAL_VOLUME_CONTROLLER: &str = "ephemeral_volume";

impl Simulation {
    /// `enqueuePod`: a pod that is not being deleted and has at least one generic
    /// ephemeral volume.
    pub(crate) fn enqueue_ephemeral(&mut self, pod: &Pod) {
        if pod.meta.deletion.is_none()
            && pod
                .spec
                .volumes
                .iter()
                .any(|v| matches!(v.source, PodVolumeSource::Ephemeral { .. }))
        {
            self.work.ephemeral.insert(pod.meta.key());
        }
    }

    /// `syncHandler`: creates each missing claim in volume order; the first failure is
    /// announced on the pod and ends the sync, as upstream returns on it.
    pub(crate) fn sync_ephemeral(&mut self, key: &ObjectKey) {
        let Some(pod) = self.cluster.pod(key).cloned() else {
            return;
        };
        if pod.meta.deletion.is_some() {
            return;
        }
        for v in &pod.spec.volumes {
            let PodVolumeSource::Ephemeral {
                claim_name,
                template,
            } = &v.source
            else {
                continue;
            };
            if let Err(err) = self.ensure_ephemeral_claim(&pod, claim_name, template) {
                self.event(
                    EventType::Warning,
                    "FailedBinding",
                    Kind::Pod,
                    key,
                    format!("ephemeral volume {}: {err}", v.name),
                    EPHEMERAL_VOLUME_CONTROLLER,
                );
                return;
            }
        }
    }

    /// `handleVolume` for one ephemeral volume.
    fn ensure_ephemeral_claim(
        &mut self,
        pod: &Pod,
        claim_name: &str,
        template: &core::PersistentVolumeClaimTemplate,
    ) -> Result<(), String> {
        let claim_key = ObjectKey::new(pod.meta.namespace.clone(), claim_name);
        if let Some(pvc) = self.cluster.pvc(&claim_key) {
            return volume_is_for_pod(pod, pvc);
        }
        let template_meta = template.metadata.clone().unwrap_or_default();
        let claim = core::PersistentVolumeClaim {
            metadata: metav1::ObjectMeta {
                name: Some(claim_name.to_string()),
                namespace: Some(pod.meta.namespace.to_string()),
                owner_references: Some(vec![owner_ref_json(&OwnerRef::controller_of(
                    Kind::Pod,
                    &pod.meta,
                ))]),
                annotations: template_meta.annotations,
                labels: template_meta.labels,
                ..Default::default()
            },
            spec: Some(template.spec.clone()),
            status: None,
        };
        self.create_generated(Manifest::PersistentVolumeClaim(Box::new(claim)))
            .map_err(|e| format!("create PVC {claim_name}: {}", e.api_message))
    }
}
