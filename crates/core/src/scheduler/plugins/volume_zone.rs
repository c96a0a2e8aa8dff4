//! VolumeZone: a bound PV labelled with zones or regions can only be used from nodes in
//! one of them. Nodes without any topology label pass (single-zone clusters).

use std::collections::BTreeSet;

use super::names;
use super::volume_binding::pvc_not_found;
use crate::model::{well_known, PersistentVolume, Pod, PodVolumeSource, VolumeBindingMode};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::VOLUME_ZONE;

/// `ErrReasonConflict` (volume_zone.go).
pub const ERR_REASON_CONFLICT: &str = "node(s) had no available volume zone";

/// The PV labels VolumeZone reads, in upstream's order.
const TOPOLOGY_LABELS: [&str; 4] = [
    well_known::LABEL_ZONE_BETA,
    well_known::LABEL_REGION_BETA,
    well_known::LABEL_ZONE,
    well_known::LABEL_REGION,
];

#[derive(Clone, Debug, Default)]
pub struct State {
    /// `(label key, allowed values)` per bound PV label.
    topologies: Vec<(&'static str, BTreeSet<String>)>,
}

pub struct VolumeZone;

/// The GA key a beta topology key maps to.
fn ga_key(key: &str) -> &str {
    match key {
        well_known::LABEL_ZONE_BETA => well_known::LABEL_ZONE,
        well_known::LABEL_REGION_BETA => well_known::LABEL_REGION,
        other => other,
    }
}

/// `getPVTopologies`: the zone and region labels of a volume, each with its set of values
/// (`za__zb` is two zones). The PreFilter state and the volume-update queueing hint read them.
pub(crate) fn pv_topologies(
    pv: &PersistentVolume,
) -> impl Iterator<Item = (&'static str, BTreeSet<String>)> + '_ {
    TOPOLOGY_LABELS.into_iter().filter_map(|key| {
        let values: BTreeSet<String> = pv
            .meta
            .labels
            .get(key)?
            .split("__")
            .map(|z| z.trim().to_string())
            .collect();
        // `LabelZonesToSet` rejects a list with an empty element, and `getPVTopologies`
        // then ignores the label ("failed to parse PV's topology label").
        (!values.contains("")).then_some((key, values))
    })
}

impl Plugin for VolumeZone {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        let mut s = State::default();
        for v in &pod.spec.volumes {
            let PodVolumeSource::PersistentVolumeClaim { claim_name, .. } = &v.source else {
                continue;
            };
            if claim_name.is_empty() {
                return (
                    None,
                    Status::unresolvable("PersistentVolumeClaim had no name"),
                );
            }
            let Some(pvc) = cx.cluster.pvc_by(&pod.meta.namespace, claim_name) else {
                return (None, Status::unresolvable(pvc_not_found(claim_name)));
            };
            let Some(pv_name) = pvc.volume_name.as_deref() else {
                let class = pvc.class_name();
                if class.is_empty() {
                    return (
                        None,
                        Status::unresolvable(
                            "PersistentVolumeClaim had no pv name and storageClass name",
                        ),
                    );
                }
                let Some(sc) = cx.cluster.storage_classes.get(class) else {
                    return (
                        None,
                        Status::unresolvable(format!(
                            "storageclass.storage.k8s.io {class:?} not found"
                        )),
                    );
                };
                if sc.binding_mode == VolumeBindingMode::WaitForFirstConsumer {
                    continue;
                }
                return (None, Status::unresolvable("PersistentVolume had no name"));
            };
            let Some(pv) = cx.cluster.pv(pv_name) else {
                return (
                    None,
                    Status::unresolvable(format!("persistentvolume {pv_name:?} not found")),
                );
            };
            s.topologies.extend(pv_topologies(pv));
        }
        if s.topologies.is_empty() {
            return (None, Status::skip());
        }
        state.volume_zone = Some(s);
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.volume_zone else {
            return Status::success();
        };
        let labels = &node.node.meta.labels;
        if !TOPOLOGY_LABELS.iter().any(|k| labels.contains_key(k)) {
            return Status::success();
        }
        for (key, values) in &s.topologies {
            let value = labels.get(key).or_else(|| labels.get(ga_key(key)));
            match value {
                Some(v) if values.contains(v) => {}
                _ => return Status::unresolvable(ERR_REASON_CONFLICT),
            }
        }
        Status::success()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn zonal_volumes_rule_out_other_zones() {
        let mut sim = world(&[
            node("a", &[("topology.kubernetes.io/zone", "za")], ""),
            node("b", &[("topology.kubernetes.io/zone", "zb")], ""),
            node("plain", &[], ""),
            pv(
                "disk",
                "",
                "ReadWriteOnce",
                "1Gi",
                "",
                "topology.kubernetes.io/zone: za__zc",
            ),
            pvc("data", "", "ReadWriteOnce", "1Gi"),
        ]);
        add_pending(
            &mut sim,
            &pod("p", &["data"], "  schedulingGates: [{name: hold}]\n"),
        );
        let cases = [
            ("a", Status::success()),
            ("b", unresolvable("node(s) had no available volume zone")),
            ("plain", Status::success()),
        ];
        for (n, want) in cases {
            assert_eq!(verdict(&sim, &VolumeZone, "p", n), want, "{n}");
        }
    }
}
