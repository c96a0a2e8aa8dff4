//! External provisioners (sig-storage-lib-external-provisioner's controller loop).
//!
//! Two behaviours, chosen by the StorageClass's provisioner name:
//! - `rancher.io/local-path` (kind's `standard` class): a hostPath PV under
//!   `/var/local-path-provisioner`, pinned to the selected node by hostname, no capacity
//!   check, ReadWriteOnce and ReadWriteOncePod only.
//! - any other non-`kubernetes.io/` name: a zonal CSI driver. The PV gets the selected
//!   node's zone (or, for Immediate classes, a zone from `allowedTopologies` / the nodes)
//!   as node affinity; published CSIStorageCapacity is checked and then reduced by the new
//!   volume, as the driver's capacity reporting would.
//!
//! `Provisioning` is announced at once; the PV appears [`super::PROVISIONING_DELAY_MS`] later.
//! A released Delete volume is deleted [`super::VOLUME_DELETION_DELAY_MS`] after it is released.

use std::sync::Arc;

use super::{Simulation, Timer, PROVISIONING_DELAY_MS, VOLUME_DELETION_DELAY_MS};
use crate::events::EventType;
use crate::model::selector::{NodeSelectorOperator, NodeSelectorRequirement};
use crate::model::*;
use crate::quantity::Bytes;

pub const LOCAL_PATH_BASE: &str = "/var/local-path-provisioner";

enum Failure {
    /// Give up on this attempt; the claim keeps its selected node.
    Final(String),
    /// Remove the selected node so the scheduler picks again (`ProvisioningReschedule`).
    Reschedule(String),
}

impl Simulation {
    fn provisioner_source(provisioner: &str) -> &'static str {
        if provisioner == well_known::PROVISIONER_LOCAL_PATH {
            "rancher.io/local-path"
        } else {
            "external-provisioner"
        }
    }

    /// One claim through `provisionClaimOperation`.
    pub(crate) fn provision(&mut self, key: &ObjectKey) {
        let Some(pvc) = self.cluster.pvc(key).cloned() else {
            return;
        };
        if pvc.volume_name.is_some()
            || pvc.meta.deletion.is_some()
            || self.provisioning.contains(key)
        {
            return;
        }
        let Some(provisioner) = pvc
            .meta
            .annotation(well_known::ANN_STORAGE_PROVISIONER)
            .map(str::to_string)
        else {
            return;
        };
        let Some(class) = self.cluster.storage_classes.get(pvc.class_name()).cloned() else {
            return;
        };
        if class.provisioner != provisioner {
            return;
        }
        if self.cluster.pv(&pv_name_for(&pvc)).is_some() {
            return;
        }
        let delayed = class.binding_mode == VolumeBindingMode::WaitForFirstConsumer;
        let selected = pvc.selected_node().map(str::to_string);
        if delayed && selected.is_none() {
            return;
        }
        let source = Self::provisioner_source(&provisioner);
        let local_path = provisioner == well_known::PROVISIONER_LOCAL_PATH;
        if local_path && pvc.volume_mode == VolumeMode::Block {
            self.event(
                EventType::Warning,
                "ProvisioningFailed",
                Kind::PersistentVolumeClaim,
                key,
                format!("{provisioner} does not support block volume provisioning"),
                source,
            );
            return;
        }
        let node = match &selected {
            Some(n) => match self.cluster.nodes.get(n).cloned() {
                Some(node) => Some(node),
                None => {
                    self.provisioning_failed(
                        &pvc,
                        &class,
                        source,
                        Failure::Reschedule(format!("nodes {n:?} not found")),
                    );
                    return;
                }
            },
            None => None,
        };
        self.event(
            EventType::Normal,
            "Provisioning",
            Kind::PersistentVolumeClaim,
            key,
            format!(
                "External provisioner is provisioning volume for claim {:?}",
                key.to_string()
            ),
            source,
        );
        let check = if local_path {
            check_local_path(&pvc, node.as_deref())
        } else {
            self.check_csi_capacity(&pvc, &class, node.as_deref())
        };
        if let Err(f) = check {
            self.provisioning_failed(&pvc, &class, source, f);
            return;
        }
        if !local_path {
            // The driver takes the space when it accepts CreateVolume; its next capacity
            // report shows less, which the scheduler sees for later pods.
            let pv = self.csi_pv(&pvc, &class, node.as_deref());
            self.consume_capacity(&class, &pv);
        }
        self.provisioning.insert(key.clone());
        let at = self.now.plus_millis(PROVISIONING_DELAY_MS);
        self.add_timer(
            at,
            Timer::ProvisionDone {
                claim: key.clone(),
                uid: pvc.meta.uid.clone(),
            },
        );
    }

    fn provisioning_failed(
        &mut self,
        pvc: &PersistentVolumeClaim,
        class: &StorageClass,
        source: &'static str,
        failure: Failure,
    ) {
        let (msg, reschedule) = match failure {
            Failure::Final(m) => (m, false),
            Failure::Reschedule(m) => (m, true),
        };
        self.event(
            EventType::Warning,
            "ProvisioningFailed",
            Kind::PersistentVolumeClaim,
            &pvc.meta.key(),
            format!(
                "failed to provision volume with StorageClass {:?}: {msg}",
                class.meta.name
            ),
            source,
        );
        if reschedule && pvc.selected_node().is_some() {
            let mut new = pvc.clone();
            new.meta.annotations.remove(well_known::ANN_SELECTED_NODE);
            self.write_pvc(new);
        }
    }

    /// A zonal CSI driver refuses a volume no published capacity can hold.
    fn check_csi_capacity(
        &self,
        pvc: &PersistentVolumeClaim,
        class: &StorageClass,
        node: Option<&Node>,
    ) -> Result<(), Failure> {
        let Some(driver) = self.cluster.csi_drivers.get(&class.provisioner) else {
            return Ok(());
        };
        if !driver.storage_capacity {
            return Ok(());
        }
        let size = pvc.request.unwrap_or_default();
        let fits = self.cluster.csi_capacities.values().any(|c| {
            c.storage_class_name == *class.meta.name
                && c.capacity.is_some_and(|cap| cap >= size)
                && node.is_none_or(|n| {
                    c.node_topology
                        .as_ref()
                        .is_some_and(|t| t.matches(&n.meta.labels))
                })
        });
        if fits {
            Ok(())
        } else {
            Err(Failure::Reschedule(
                "rpc error: code = ResourceExhausted desc = insufficient capacity".to_string(),
            ))
        }
    }

    /// The provisioner finished: the PV exists and the PV controller can bind it.
    pub(crate) fn provision_done(&mut self, key: &ObjectKey, uid: &Uid) {
        self.provisioning.remove(key);
        let Some(pvc) = self.cluster.pvc(key).cloned() else {
            return;
        };
        if pvc.meta.uid != *uid || pvc.volume_name.is_some() {
            return;
        }
        let Some(class) = self.cluster.storage_classes.get(pvc.class_name()).cloned() else {
            return;
        };
        let node = pvc
            .selected_node()
            .and_then(|n| self.cluster.nodes.get(n).cloned());
        let local_path = class.provisioner == well_known::PROVISIONER_LOCAL_PATH;
        let pv = if local_path {
            let Some(node) = node else { return };
            local_path_pv(&pvc, &class, &node)
        } else {
            self.csi_pv(&pvc, &class, node.as_deref())
        };
        let name = pv.meta.name.clone();
        let mut pv = pv;
        pv.meta.uid = self.new_uid(Kind::PersistentVolume, &ObjectKey::cluster(name.clone()));
        pv.meta.creation = self.now;
        pv.meta.arrival = self.cluster.next_arrival();
        self.cluster.share_pv_strings(&mut pv);
        self.cluster.put_pv(Arc::new(pv));
        self.event(
            EventType::Normal,
            "ProvisioningSucceeded",
            Kind::PersistentVolumeClaim,
            key,
            format!("Successfully provisioned volume {name}"),
            Self::provisioner_source(&class.provisioner),
        );
        self.work.volumes.insert(name.to_string());
        self.work.claims.insert(key.clone());
        if let Some(new) = self.cluster.pv(&name).cloned() {
            self.volume_changed(None, &new);
        }
    }

    fn csi_pv(
        &self,
        pvc: &PersistentVolumeClaim,
        class: &StorageClass,
        node: Option<&Node>,
    ) -> PersistentVolume {
        let keys: Vec<String> = node
            .and_then(|n| self.cluster.csi_nodes.get(n.name()))
            .and_then(|c| c.drivers.iter().find(|d| d.name == class.provisioner))
            .map(|d| d.topology_keys.clone())
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| vec![well_known::LABEL_ZONE.to_string()]);
        let mut term = NodeSelectorTerm::default();
        match node {
            Some(n) => {
                for k in &keys {
                    if let Some(v) = n.label(k) {
                        term.match_expressions.push(NodeSelectorRequirement {
                            key: k.clone(),
                            operator: NodeSelectorOperator::In,
                            values: vec![v.to_string()],
                        });
                    }
                }
            }
            None => {
                if let Some((k, v)) = self.immediate_topology(pvc, class, &keys[0]) {
                    term.match_expressions.push(NodeSelectorRequirement {
                        key: k,
                        operator: NodeSelectorOperator::In,
                        values: vec![v],
                    });
                }
            }
        }
        let mut pv = base_pv(pvc, class);
        pv.source = PvSource::Csi {
            driver: class.provisioner.as_str().into(),
            volume_handle: format!("vol-{}", pvc.meta.uid.to_string().replace('-', "")).into(),
        };
        if !term.match_expressions.is_empty() {
            pv.node_affinity = Some(Arc::new(NodeSelector { terms: vec![term] }));
        }
        pv.meta
            .add_finalizer(well_known::FINALIZER_EXTERNAL_PROVISIONER);
        pv
    }

    /// For an Immediate class: the allowed topologies (or every zone nodes are in),
    /// rotated by a hash of the claim name, as external-provisioner's preferred list is.
    fn immediate_topology(
        &self,
        pvc: &PersistentVolumeClaim,
        class: &StorageClass,
        key: &str,
    ) -> Option<(String, String)> {
        let mut values: Vec<String> = class
            .allowed_topologies
            .iter()
            .flat_map(|t| t.match_label_expressions.iter())
            .filter(|(k, _)| k == key)
            .flat_map(|(_, vs)| vs.iter().cloned())
            .collect();
        if values.is_empty() {
            values = self
                .cluster
                .nodes
                .values()
                .filter_map(|n| n.label(key).map(str::to_string))
                .collect();
        }
        crate::sort::sort(&mut values);
        values.dedup();
        if values.is_empty() {
            return None;
        }
        let h = pvc
            .meta
            .name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
        Some((
            key.to_string(),
            values[(h % values.len() as u64) as usize].clone(),
        ))
    }

    /// The driver's capacity report shrinks by the new volume in its topology segment.
    fn consume_capacity(&mut self, class: &StorageClass, pv: &PersistentVolume) {
        let Some(driver) = self.cluster.csi_drivers.get(&class.provisioner) else {
            return;
        };
        if !driver.storage_capacity {
            return;
        }
        self.adjust_reported_capacity(&class.meta.name, pv, -pv.capacity);
    }

    /// Changes by `delta` the capacity of the first CSIStorageCapacity of `class` whose
    /// topology covers the volume's node affinity (and, when taking space, that has room),
    /// as the driver's next capacity report would.
    fn adjust_reported_capacity(&mut self, class: &str, pv: &PersistentVolume, delta: Bytes) {
        let labels: crate::model::StrMap = pv
            .node_affinity
            .iter()
            .flat_map(|s| s.terms.iter())
            .flat_map(|t| t.match_expressions.iter())
            .filter_map(|r| r.values.first().map(|v| (r.key.clone(), v.clone())))
            .collect();
        let key = self
            .cluster
            .csi_capacities
            .iter()
            .find(|(_, c)| {
                c.storage_class_name == class
                    && (!delta.is_negative()
                        || c.capacity.is_some_and(|cap| !(cap + delta).is_negative()))
                    && c.node_topology.as_ref().is_some_and(|t| t.matches(&labels))
            })
            .map(|(k, _)| k.clone());
        if let Some(k) = key {
            let old = self.cluster.csi_capacities[&k].clone();
            let mut c = (*old).clone();
            c.capacity = c.capacity.map(|cap| cap + delta);
            let new = Arc::new(c);
            self.cluster.csi_capacities.insert(k, new.clone());
            self.csi_capacity_changed(Some(&old), Some(&new));
        }
    }

    /// The provisioner deletes a Released volume it made (reclaim policy Delete).
    pub(crate) fn external_delete(&mut self, pv: &Arc<PersistentVolume>, provisioner: &str) {
        let ours = self
            .cluster
            .storage_classes
            .values()
            .any(|sc| sc.provisioner == provisioner);
        if !ours {
            return;
        }
        // `deleteVolumeOperation` calls the driver, then deletes the PV object: the volume
        // stays `Released` until then.
        if self.deleting.insert(pv.name().to_string()) {
            let at = self.now.plus_millis(VOLUME_DELETION_DELAY_MS);
            self.add_timer(
                at,
                Timer::VolumeDeleteDone {
                    pv: pv.name().to_string(),
                    uid: pv.meta.uid.clone(),
                },
            );
        }
    }

    /// The driver has deleted the volume: the freed space is reported again and the PV
    /// object goes, if it is still the released Delete volume the deletion started on
    /// (`shouldDelete`).
    pub(crate) fn external_delete_done(&mut self, name: &str, uid: &Uid) {
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        if pv.meta.uid != *uid
            || pv.phase != PvPhase::Released
            || pv.reclaim_policy != ReclaimPolicy::Delete
        {
            return;
        }
        if let (Some(driver), Some(class)) = (
            pv.meta
                .annotation(well_known::ANN_PROVISIONED_BY)
                .and_then(|p| self.cluster.csi_drivers.get(p).cloned()),
            self.cluster
                .storage_classes
                .get(&*pv.storage_class_name)
                .cloned(),
        ) {
            if driver.storage_capacity {
                // The freed space shows up in the driver's capacity report again.
                self.adjust_reported_capacity(&class.meta.name, &pv, pv.capacity);
            }
        }
        self.delete_volume_object(pv.name());
    }
}

impl Simulation {
    /// sig-storage-lib-external-provisioner's `handleProtectionFinalizer`, which its
    /// `syncVolume` runs on every event of a volume the provisioner is responsible for:
    /// `external-provisioner.volume.kubernetes.io/finalizer` is removed once the reclaim
    /// policy is Retain or Recycle (a provisioned Retain volume loses it right after
    /// creation, so deleting it later is not blocked) and added back to a Bound,
    /// not-deleted volume whose policy is Delete. Only volumes this provisioner made are
    /// looked at (upstream also adopts static CSI volumes of its driver: not modelled).
    pub(crate) fn provisioner_volume_finalizer(&mut self, name: &str) {
        let Some(pv) = self.cluster.pv(name).cloned() else {
            return;
        };
        let Some(p) = pv.meta.annotation(well_known::ANN_PROVISIONED_BY) else {
            return;
        };
        if p.starts_with("kubernetes.io/")
            || p == well_known::PROVISIONER_LOCAL_PATH
            || !self
                .cluster
                .storage_classes
                .values()
                .any(|sc| sc.provisioner == p)
        {
            return;
        }
        let has = pv
            .meta
            .has_finalizer(well_known::FINALIZER_EXTERNAL_PROVISIONER);
        let want = match pv.reclaim_policy {
            ReclaimPolicy::Delete => {
                has || (pv.meta.deletion.is_none() && pv.phase == PvPhase::Bound)
            }
            ReclaimPolicy::Retain | ReclaimPolicy::Recycle => false,
        };
        if want == has {
            return;
        }
        let mut new = (*pv).clone();
        if want {
            new.meta
                .add_finalizer(well_known::FINALIZER_EXTERNAL_PROVISIONER);
        } else {
            new.meta
                .remove_finalizer(well_known::FINALIZER_EXTERNAL_PROVISIONER);
        }
        if new.meta.deletion.is_some() && new.meta.finalizers.is_empty() {
            self.cluster.remove_pv(name);
            self.after_pv_removed(&new);
        } else {
            self.write_pv(new);
        }
    }
}

/// `pvc-<claim uid>`, the provisioner library's default volume name.
fn pv_name_for(pvc: &PersistentVolumeClaim) -> String {
    format!("pvc-{}", pvc.meta.uid)
}

fn check_local_path(pvc: &PersistentVolumeClaim, node: Option<&Node>) -> Result<(), Failure> {
    if pvc.selector.is_some() {
        return Err(Failure::Final(
            "claim.Spec.Selector is not supported".into(),
        ));
    }
    if pvc
        .access_modes
        .iter()
        .any(|m| !matches!(m, AccessMode::ReadWriteOnce | AccessMode::ReadWriteOncePod))
    {
        return Err(Failure::Final(
            "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes".into(),
        ));
    }
    if node.is_none() {
        return Err(Failure::Final(
            "configuration error, no node was specified".into(),
        ));
    }
    Ok(())
}

fn base_pv(pvc: &PersistentVolumeClaim, class: &StorageClass) -> PersistentVolume {
    let mut meta = Meta {
        name: pv_name_for(pvc).into(),
        ..Meta::default()
    };
    // The claim's storage-provisioner annotation holds the same name: share it.
    match pvc
        .meta
        .annotations
        .get_shared(well_known::ANN_STORAGE_PROVISIONER)
        .filter(|p| ***p == *class.provisioner)
    {
        Some(p) => meta.annotations.insert(well_known::ANN_PROVISIONED_BY, p),
        None => meta
            .annotations
            .insert(well_known::ANN_PROVISIONED_BY, &class.provisioner),
    };
    meta.add_finalizer(well_known::FINALIZER_PV_PROTECTION);
    PersistentVolume {
        meta,
        capacity: pvc.request.unwrap_or_default(),
        access_modes: pvc.access_modes,
        volume_mode: pvc.volume_mode,
        storage_class_name: class.meta.name.clone(),
        node_affinity: None,
        claim_ref: Some(ClaimRef {
            namespace: pvc.meta.namespace.clone(),
            name: pvc.meta.name.clone(),
            uid: pvc.meta.uid.clone(),
        }),
        reclaim_policy: class.reclaim_policy,
        source: PvSource::Other("none".into()),
        volume_attributes_class_name: pvc.volume_attributes_class_name.clone(),
        phase: PvPhase::Pending,
        status_message: String::new(),
    }
}

fn local_path_pv(
    pvc: &PersistentVolumeClaim,
    class: &StorageClass,
    node: &Node,
) -> PersistentVolume {
    let mut pv = base_pv(pvc, class);
    let name = pv.meta.name.clone();
    pv.source = PvSource::HostPath {
        path: format!(
            "{LOCAL_PATH_BASE}/{name}_{}_{}",
            pvc.meta.namespace, pvc.meta.name
        ),
    };
    pv.volume_mode = VolumeMode::Filesystem;
    let host = node
        .label(well_known::LABEL_HOSTNAME)
        .unwrap_or(node.name())
        .to_string();
    pv.meta
        .annotations
        .insert(well_known::ANN_LOCAL_PATH_SELECTED_NODE, &node.meta.name);
    pv.node_affinity = Some(Arc::new(NodeSelector {
        terms: vec![NodeSelectorTerm {
            match_expressions: vec![NodeSelectorRequirement {
                key: well_known::LABEL_HOSTNAME.to_string(),
                operator: NodeSelectorOperator::In,
                values: vec![host],
            }],
            match_fields: vec![],
        }],
    }));
    pv
}
