//! NodeVolumeLimits: per CSI driver, the volumes attached to a node (counted once however
//! many pods share them) plus the pod's new ones must not exceed the CSINode's
//! `allocatable.count`.

use std::collections::{BTreeMap, BTreeSet};

use super::names;
use crate::model::{Pod, PodVolumeSource};
use crate::scheduler::cache::{csi_volumes_of, NodeInfo};
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::NODE_VOLUME_LIMITS;

/// `ErrReasonMaxVolumeCountExceeded` (csi.go).
pub const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED: &str = "node(s) exceed max volume count";

#[derive(Clone, Debug, Default)]
pub struct State {
    /// The pod's attachable volumes, `(driver, handle)`.
    new_volumes: Vec<(String, String)>,
}

pub struct NodeVolumeLimits;

impl Plugin for NodeVolumeLimits {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        if !pod.has_claims() {
            return (None, Status::skip());
        }
        for v in &pod.spec.volumes {
            if let PodVolumeSource::PersistentVolumeClaim { claim_name, .. } = &v.source {
                if cx.cluster.pvc_by(&pod.meta.namespace, claim_name).is_none() {
                    return (
                        None,
                        Status::unresolvable(format!(
                            "looking up PVC {}/{}: persistentvolumeclaim {:?} not found",
                            pod.meta.namespace, claim_name, claim_name
                        )),
                    );
                }
            }
        }
        state.volume_limits = Some(State {
            new_volumes: csi_volumes_of(cx.cluster, pod),
        });
        (None, Status::success())
    }

    fn filter(&self, cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.volume_limits else {
            return Status::success();
        };
        if s.new_volumes.is_empty() {
            return Status::success();
        }
        let Some(csi_node) = cx.cluster.csi_nodes.get(node.name()) else {
            return Status::success();
        };
        let limits: BTreeMap<&str, i64> = csi_node
            .drivers
            .iter()
            .filter_map(|d| d.allocatable_count.map(|c| (d.name.as_str(), c as i64)))
            .collect();
        if limits.is_empty() {
            return Status::success();
        }
        let attached: BTreeSet<(&str, &str)> = node
            .pods
            .iter()
            .flat_map(|p| p.csi_volumes.iter())
            .map(|(d, h)| (d.as_str(), h.as_str()))
            .collect();
        let new: BTreeSet<(&str, &str)> = s
            .new_volumes
            .iter()
            .map(|(d, h)| (d.as_str(), h.as_str()))
            .filter(|v| !attached.contains(v))
            .collect();
        if new.is_empty() {
            return Status::success();
        }
        let mut attached_count: BTreeMap<&str, i64> = BTreeMap::new();
        for (d, _) in &attached {
            *attached_count.entry(d).or_default() += 1;
        }
        let mut new_count: BTreeMap<&str, i64> = BTreeMap::new();
        for (d, _) in &new {
            *new_count.entry(d).or_default() += 1;
        }
        for (driver, count) in new_count {
            if let Some(limit) = limits.get(driver) {
                if attached_count.get(driver).copied().unwrap_or(0) + count > *limit {
                    return Status::unschedulable(ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
                }
            }
        }
        Status::success()
    }
}
