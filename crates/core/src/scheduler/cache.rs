//! The scheduler's cache: per-node aggregates of the pods assigned (or assumed) there.
//!
//! Kept incrementally in step with the cluster so a scheduling cycle never rescans every
//! pod. Node order follows upstream's node tree: zones in the order they first appeared,
//! nodes interleaved across zones (zone A's first node, zone B's first node, …), which is
//! the order the scheduler walks nodes in.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::cluster::Cluster;
use crate::csi_migration;
use crate::model::{HostPort, KeyView, Node, ObjectKey, Pod, PodVolumeSource, PvSource, Resources};

/// An attachable volume: CSI driver, volume handle, and the [`csi_migration`] conditions
/// under which a node counts it (0 for a CSI volume: always).
pub type CsiVolume = (Arc<str>, Arc<str>, u8);
/// The CSI volumes a pod attaches, sharing the volumes' own strings.
pub type CsiVolumes = Arc<[CsiVolume]>;

/// A pod as the cache holds it, with the CSI volumes it attaches precomputed.
#[derive(Clone, Debug)]
pub struct PodInfo {
    pub pod: Arc<Pod>,
    /// `spec.priority` (immutable once admitted), inline for preemption's scan of every
    /// node's pods.
    pub priority: i32,
    /// `(driver, volume handle)` per attachable CSI volume; unbound claims get a
    /// placeholder handle from their class's provisioner, as NodeVolumeLimits does.
    pub csi_volumes: CsiVolumes,
    /// [`claim_bit`] of every claim the pod's volumes name (the spec is immutable). A pod
    /// whose bits share none with a set of claims' bits uses none of those claims, which
    /// preemption's dry run tells for every pod of every node without reading the pod.
    pub claim_bits: u64,
}

/// A claim name's bit in [`PodInfo::claim_bits`]: one of 64, by a fixed-seed hash (the
/// same in every process and in wasm).
pub fn claim_bit(claim: &str) -> u64 {
    1 << (crate::cluster::host_hash(claim) & 63)
}

impl PodInfo {
    pub fn new(cluster: &Cluster, pod: Arc<Pod>) -> PodInfo {
        let csi_volumes = csi_volumes_of(cluster, &pod);
        // Most pods attach no CSI volume: they share one empty list instead of allocating
        // an `Arc` header each.
        static NONE: std::sync::LazyLock<CsiVolumes> = std::sync::LazyLock::new(|| Arc::from([]));
        let csi_volumes = if csi_volumes.is_empty() {
            NONE.clone()
        } else {
            csi_volumes.into()
        };
        PodInfo {
            priority: pod.spec.priority,
            claim_bits: pod.claim_names().fold(0, |bits, c| bits | claim_bit(c)),
            pod,
            csi_volumes,
        }
    }

    pub fn key(&self) -> ObjectKey {
        self.pod.meta.key()
    }

    /// Is this the pod `key` names? (Without building a key.)
    pub fn is(&self, key: &ObjectKey) -> bool {
        *self.pod.meta.name == *key.name && *self.pod.meta.namespace == *key.namespace
    }
}

/// `filterAttachableVolumes` for one pod: CSI driver and handle of every claim's volume
/// and of every inline in-tree volume CSI migration translates, with the
/// [`csi_migration`] conditions a node must meet to count it (0: always). An inline
/// volume the translator refuses is left out here; NodeVolumeLimits' PreFilter reports it
/// for the pod being scheduled.
pub fn csi_volumes_of(cluster: &Cluster, pod: &Pod) -> Vec<CsiVolume> {
    let mut out = Vec::new();
    for v in &pod.spec.volumes {
        let claim = match &v.source {
            PodVolumeSource::PersistentVolumeClaim { claim_name, .. }
            | PodVolumeSource::Ephemeral { claim_name, .. } => claim_name,
            PodVolumeSource::InTree(disk) => {
                if let Some(Ok(t)) = csi_migration::translate_inline(disk) {
                    out.push((t.driver.into(), t.handle.into(), t.needs));
                }
                continue;
            }
            PodVolumeSource::Other(_) => continue,
        };
        let Some(pvc) = cluster.pvc_by(&pod.meta.namespace, claim) else {
            continue;
        };
        let bound_pv = pvc.volume_name.as_deref().and_then(|v| cluster.pv(v));
        match bound_pv {
            Some(pv) => match &pv.source {
                PvSource::Csi {
                    driver,
                    volume_handle,
                } => out.push((driver.clone(), volume_handle.clone(), 0)),
                PvSource::InTree(disk) => {
                    if let Some(t) = csi_migration::translate_pv(pv, disk) {
                        out.push((t.driver.into(), t.handle.into(), t.needs));
                    }
                }
                _ => {}
            },
            None => {
                let class = pvc.class_name();
                if class.is_empty() {
                    continue;
                }
                if let Some(sc) = cluster.storage_classes.get(class) {
                    // `getCSIDriverInfoFromSC`: an in-tree provisioner counts under its
                    // CSI driver where migration is on, and nowhere if it never is.
                    let (driver, needs): (Arc<str>, u8) =
                        match csi_migration::csi_driver_of(&sc.provisioner) {
                            Some(d) => match csi_migration::migration_needs(&sc.provisioner) {
                                Some(needs) => (d.into(), needs),
                                None => continue,
                            },
                            None => (sc.provisioner.as_str().into(), 0),
                        };
                    out.push((
                        driver,
                        format!("placeholder-{}/{}", pod.meta.namespace, claim).into(),
                        needs,
                    ));
                }
            }
        }
    }
    out
}

/// See [`NodeInfo::hot`].
#[derive(Clone, Debug, Default)]
pub struct HotFields {
    /// The node's `kubernetes.io/hostname` label (local volumes are matched against it).
    pub hostname: Option<Arc<str>>,
    /// [`crate::cluster::host_hash`] of `hostname`, so index lookups need not read it.
    pub hostname_hash: u64,
    /// The node's `topology.kubernetes.io/zone` label (zone spreading reads it for every
    /// node in every cycle).
    pub zone: Option<String>,
    pub unschedulable: bool,
    /// The node has NoSchedule or NoExecute taints.
    pub has_hard_taints: bool,
    /// The node has PreferNoSchedule taints.
    pub has_soft_taints: bool,
    pub allocatable_milli_cpu: i64,
    pub allocatable_memory: i64,
    pub allocatable_pods: i64,
    /// The smallest attach limit over the node's CSI drivers (`i64::MAX` without limits).
    pub min_csi_limit: i64,
    /// The most volumes attached for any one driver.
    pub max_csi_attached: i64,
    /// Where CSI migration is on for this node ([`csi_migration::node_migration_mask`]
    /// of its CSINode): which translated in-tree volumes it counts.
    pub csi_migration: u8,
}

#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub node: Arc<Node>,
    pub pods: Vec<PodInfo>,
    /// Distinct attached CSI volumes, by driver then handle, with how many of the node's
    /// pods use each.
    pub csi_attached: BTreeMap<Arc<str>, BTreeMap<Arc<str>, u32>>,
    /// The CSINode's attach limits, by driver.
    pub csi_limits: Arc<BTreeMap<String, i64>>,
    /// Copies of hot node fields kept inline, so the per-node filter loop reads one
    /// contiguous record instead of chasing pointers into the Node and its maps.
    pub hot: HotFields,
    /// Sum of the pods' effective requests.
    pub requested: Resources,
    /// Sum with upstream's non-zero defaults, for scoring.
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub used_ports: Vec<HostPort>,
    /// How many of `pods` have pod affinity or anti-affinity (`PodsWithAffinity`) …
    pub pods_with_affinity: u32,
    /// … and how many required anti-affinity (`PodsWithRequiredAntiAffinity`).
    pub pods_with_required_anti_affinity: u32,
}

/// (`PodWithAffinity`, `PodWithRequiredAntiAffinity`) of a pod, as counts.
fn affinity_counts(pod: &Pod) -> (u32, u32) {
    match pod.spec.pod_affinity.as_deref() {
        None => (0, 0),
        Some(a) => (1, u32::from(!a.required_anti_affinity.is_empty())),
    }
}

impl NodeInfo {
    /// A node label, read from the inline copies for the zone and hostname keys.
    pub fn label(&self, key: &str) -> Option<&str> {
        match key {
            crate::model::well_known::LABEL_ZONE => self.hot.zone.as_deref(),
            crate::model::well_known::LABEL_HOSTNAME => self.hot.hostname.as_deref(),
            _ => self.node.meta.labels.get(key),
        }
    }

    pub fn new(node: Arc<Node>) -> NodeInfo {
        let mut info = NodeInfo {
            hot: HotFields::default(),
            node,
            pods: Vec::new(),
            csi_attached: BTreeMap::new(),
            csi_limits: Arc::default(),
            requested: Resources::default(),
            non_zero_milli_cpu: 0,
            non_zero_memory: 0,
            used_ports: Vec::new(),
            pods_with_affinity: 0,
            pods_with_required_anti_affinity: 0,
        };
        info.refresh_hot();
        info
    }

    /// Recomputes [`NodeInfo::hot`] from the node, its limits and its volumes.
    pub fn refresh_hot(&mut self) {
        let n = &self.node;
        self.hot.hostname = n.hostname.clone();
        self.hot.zone = n
            .meta
            .labels
            .get(crate::model::well_known::LABEL_ZONE)
            .map(str::to_string);
        self.hot.hostname_hash = n.hostname.as_deref().map_or(0, crate::cluster::host_hash);
        self.hot.unschedulable = n.unschedulable;
        self.hot.has_hard_taints = n.taints.iter().any(|t| {
            matches!(
                t.effect,
                crate::model::TaintEffect::NoSchedule | crate::model::TaintEffect::NoExecute
            )
        });
        self.hot.has_soft_taints = n
            .taints
            .iter()
            .any(|t| t.effect == crate::model::TaintEffect::PreferNoSchedule);
        self.hot.allocatable_milli_cpu = n.allocatable.milli_cpu;
        self.hot.allocatable_memory = n.allocatable.memory;
        self.hot.allocatable_pods = n.allocatable.pods;
        self.hot.min_csi_limit = self.csi_limits.values().copied().min().unwrap_or(i64::MAX);
        self.refresh_attached();
    }

    /// The part of [`NodeInfo::hot`] that adding or removing a pod changes.
    fn refresh_attached(&mut self) {
        self.hot.max_csi_attached = self
            .csi_attached
            .values()
            .map(|h| h.len() as i64)
            .max()
            .unwrap_or(0);
    }

    pub fn name(&self) -> &str {
        self.node.name()
    }

    pub fn add_pod(&mut self, info: PodInfo) {
        let spec = &info.pod.spec;
        self.requested.add(&spec.requests);
        self.non_zero_milli_cpu += spec.non_zero_milli_cpu;
        self.non_zero_memory += spec.non_zero_memory;
        self.used_ports.extend(spec.host_ports().iter().cloned());
        let (with_affinity, with_anti) = affinity_counts(&info.pod);
        self.pods_with_affinity += with_affinity;
        self.pods_with_required_anti_affinity += with_anti;
        self.remember_csi_volumes(&info.csi_volumes);
        self.pods.push(info);
        self.refresh_attached();
    }

    /// Distinct attached CSI volumes of `driver`.
    pub fn csi_attached_count(&self, driver: &str) -> i64 {
        self.csi_attached.get(driver).map_or(0, |h| h.len() as i64)
    }

    pub fn csi_is_attached(&self, driver: &str, handle: &str) -> bool {
        self.csi_attached
            .get(driver)
            .is_some_and(|h| h.contains_key(handle))
    }

    fn remember_csi_volumes(&mut self, volumes: &[CsiVolume]) {
        for (d, h, needs) in volumes {
            if !csi_migration::counts_on(*needs, self.hot.csi_migration) {
                continue;
            }
            *self
                .csi_attached
                .entry(d.clone())
                .or_default()
                .entry(h.clone())
                .or_default() += 1;
        }
    }

    fn forget_csi_volumes(&mut self, volumes: &[CsiVolume]) {
        for (d, h, needs) in volumes {
            if !csi_migration::counts_on(*needs, self.hot.csi_migration) {
                continue;
            }
            if let Some(handles) = self.csi_attached.get_mut(d) {
                if let Some(n) = handles.get_mut(h) {
                    *n -= 1;
                    if *n == 0 {
                        handles.remove(h);
                    }
                }
                if handles.is_empty() {
                    self.csi_attached.remove(d);
                }
            }
        }
    }

    /// Swaps in a new copy of a pod already on this node (same requests).
    pub fn replace_pod(&mut self, info: PodInfo) {
        // Claim and volume writes refresh every pod using the claim, mostly with the very
        // pod already cached and the same volumes: found by pointer, without reading the
        // node's pods' names, that changes nothing.
        if let Some(i) = self
            .pods
            .iter()
            .position(|p| Arc::ptr_eq(&p.pod, &info.pod))
        {
            if self.pods[i].csi_volumes == info.csi_volumes {
                return;
            }
        }
        let key = info.key();
        if let Some(i) = self.pods.iter().position(|p| p.is(&key)) {
            let old = std::mem::replace(&mut self.pods[i], info);
            self.forget_csi_volumes(&old.csi_volumes);
            let new = self.pods[i].csi_volumes.clone();
            self.remember_csi_volumes(&new);
            self.refresh_attached();
        }
    }

    pub fn remove_pod(&mut self, key: &ObjectKey) -> Option<PodInfo> {
        let i = self.pods.iter().position(|p| p.is(key))?;
        Some(self.remove_at(i))
    }

    /// Removes the pod `info` describes (one of this node's own `PodInfo`s, as preemption
    /// copies them): found by pointer first, without reading the pods' names.
    pub fn remove_pod_info(&mut self, info: &PodInfo) -> Option<PodInfo> {
        match self
            .pods
            .iter()
            .position(|p| Arc::ptr_eq(&p.pod, &info.pod))
        {
            Some(i) => Some(self.remove_at(i)),
            None => self.remove_pod(&info.key()),
        }
    }

    fn remove_at(&mut self, i: usize) -> PodInfo {
        let info = self.pods.remove(i);
        self.forget_csi_volumes(&info.csi_volumes);
        self.refresh_attached();
        let (with_affinity, with_anti) = affinity_counts(&info.pod);
        self.pods_with_affinity -= with_affinity;
        self.pods_with_required_anti_affinity -= with_anti;
        let spec = &info.pod.spec;
        self.requested.sub(&spec.requests);
        self.non_zero_milli_cpu -= spec.non_zero_milli_cpu;
        self.non_zero_memory -= spec.non_zero_memory;
        for hp in spec.host_ports() {
            if let Some(j) = self.used_ports.iter().position(|x| x == hp) {
                self.used_ports.remove(j);
            }
        }
        info
    }
}

#[derive(Clone, Debug, Default)]
pub struct SchedulerCache {
    /// Node infos in node-tree order.
    nodes: Vec<NodeInfo>,
    index: BTreeMap<String, usize>,
    /// Zone keys in first-seen order, with their node names in insertion order.
    zones: Vec<(String, Vec<String>)>,
    /// Where each cached pod runs (or is assumed to): the node's own name.
    pod_node: BTreeMap<ObjectKey, Arc<str>>,
    assumed: BTreeSet<ObjectKey>,
    /// Cached pods per claim key: `IsPVCUsedByPods`.
    pvc_users: BTreeMap<ObjectKey, u32>,
    /// New nodes were appended; `refresh_order` restores node-tree order.
    order_dirty: bool,
    /// Pods nominated to a node by preemption, by node name (the queue's nominator).
    nominated: BTreeMap<String, Vec<Arc<Pod>>>,
    /// Cached pods with pod affinity or anti-affinity, over all nodes (InterPodAffinity
    /// skips its scans while there are none).
    pods_with_affinity: u64,
}

impl SchedulerCache {
    /// Rebuilds the cache's big maps with full nodes ([`crate::repack`]).
    pub(crate) fn repack(&mut self) {
        crate::repack::map(&mut self.pod_node);
        crate::repack::map(&mut self.pvc_users);
        crate::repack::set(&mut self.assumed);
    }

    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    pub fn node(&self, name: &str) -> Option<&NodeInfo> {
        self.index.get(name).map(|&i| &self.nodes[i])
    }

    /// A node's position in [`SchedulerCache::nodes`].
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }

    pub fn node_of(&self, pod: &ObjectKey) -> Option<&str> {
        self.pod_node.get(pod).map(|n| &**n)
    }

    pub fn is_assumed(&self, pod: &ObjectKey) -> bool {
        self.assumed.contains(pod)
    }

    /// `StorageInfos().IsPVCUsedByPods`.
    pub fn is_pvc_used(&self, claim: &ObjectKey) -> bool {
        self.pvc_users.get(claim).is_some_and(|n| *n > 0)
    }

    /// Cached pods with pod affinity or anti-affinity, on any node.
    pub fn pods_with_affinity(&self) -> u64 {
        self.pods_with_affinity
    }

    pub fn has_nominations(&self) -> bool {
        !self.nominated.is_empty()
    }

    /// Pods nominated to run on `node`.
    pub fn nominated_on(&self, node: &str) -> &[Arc<Pod>] {
        self.nominated
            .get(node)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Records (or moves) a pod's nomination; `None` clears it.
    pub fn set_nominated(&mut self, pod: &Arc<Pod>, node: Option<&str>) {
        let key = pod.meta.key();
        self.nominated.retain(|_, pods| {
            pods.retain(|p| p.meta.key() != key);
            !pods.is_empty()
        });
        if let Some(n) = node {
            self.nominated
                .entry(n.to_string())
                .or_default()
                .push(pod.clone());
        }
    }

    /// All nominations, by node.
    pub fn nominations(&self) -> &BTreeMap<String, Vec<Arc<Pod>>> {
        &self.nominated
    }

    /// Adds or updates a node, keeping its pods.
    pub fn upsert_node(&mut self, node: Arc<Node>) {
        let name = node.name().to_string();
        let zone = node.zone_key();
        if let Some(&i) = self.index.get(&name) {
            let old_zone = self.nodes[i].node.zone_key();
            self.nodes[i].node = node;
            self.nodes[i].refresh_hot();
            if old_zone != zone {
                self.remove_from_zones(&name, &old_zone);
                self.add_to_zones(&name, zone);
                self.reorder();
            }
            return;
        }
        self.add_to_zones(&name, zone);
        self.index.insert(name, self.nodes.len());
        self.nodes.push(NodeInfo::new(node));
        self.order_dirty = true;
    }

    /// Restores node-tree order after nodes were added (deferred, so that adding N nodes
    /// costs one sort instead of N).
    pub fn refresh_order(&mut self) {
        if self.order_dirty {
            self.reorder();
        }
    }

    /// Removes a node; its pods stay recorded against it until they are removed.
    pub fn remove_node(&mut self, name: &str) {
        let Some(&i) = self.index.get(name) else {
            return;
        };
        let zone = self.nodes[i].node.zone_key();
        self.remove_from_zones(name, &zone);
        let info = self.nodes.remove(i);
        self.pods_with_affinity -= u64::from(info.pods_with_affinity);
        for p in &info.pods {
            let key = p.key();
            self.pod_node.remove(&key);
            self.assumed.remove(&key);
            self.release_claims(&p.pod);
        }
        self.reorder();
    }

    fn add_to_zones(&mut self, name: &str, zone: String) {
        match self.zones.iter_mut().find(|(z, _)| *z == zone) {
            Some((_, names)) => names.push(name.to_string()),
            None => self.zones.push((zone, vec![name.to_string()])),
        }
    }

    fn remove_from_zones(&mut self, name: &str, zone: &str) {
        if let Some(i) = self.zones.iter().position(|(z, _)| z == zone) {
            self.zones[i].1.retain(|n| n != name);
            if self.zones[i].1.is_empty() {
                self.zones.remove(i);
            }
        }
    }

    /// Rebuilds node-tree order: round-robin over zones.
    fn reorder(&mut self) {
        self.order_dirty = false;
        let mut order = Vec::with_capacity(self.nodes.len());
        let longest = self.zones.iter().map(|(_, n)| n.len()).max().unwrap_or(0);
        for i in 0..longest {
            for (_, names) in &self.zones {
                if let Some(n) = names.get(i) {
                    order.push(n.clone());
                }
            }
        }
        let mut by_name: BTreeMap<String, NodeInfo> = std::mem::take(&mut self.nodes)
            .into_iter()
            .map(|n| (n.name().to_string(), n))
            .collect();
        self.nodes = order.iter().filter_map(|n| by_name.remove(n)).collect();
        self.index = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name().to_string(), i))
            .collect();
    }

    /// Adds a pod to a node (bound, or assumed during its binding cycle).
    pub fn add_pod(&mut self, info: PodInfo, node: &str, assumed: bool) {
        let key = info.key();
        if self.pod_node.contains_key(&key) {
            self.remove_pod(&key);
        }
        let Some(&i) = self.index.get(node) else {
            return;
        };
        // `NodeInfo.PVCRefCounts`: `persistentVolumeClaim` volumes only.
        for claim in info.pod.persistent_claim_names() {
            let ck = (&*info.pod.meta.namespace, claim);
            match self.pvc_users.get_mut(&ck as &dyn KeyView) {
                Some(n) => *n += 1,
                None => {
                    self.pvc_users
                        .insert(ObjectKey::new(info.pod.meta.namespace.clone(), claim), 1);
                }
            }
        }
        self.pods_with_affinity += u64::from(affinity_counts(&info.pod).0);
        self.nodes[i].add_pod(info);
        self.pod_node
            .insert(key.clone(), self.nodes[i].node.meta.name.clone());
        if assumed {
            self.assumed.insert(key);
        } else {
            self.assumed.remove(&key);
        }
    }

    /// Marks an assumed pod as bound (its spec now carries the node).
    pub fn confirm_pod(&mut self, info: PodInfo) {
        let key = info.key();
        let Some(node) = self.pod_node.get(&key).cloned() else {
            return;
        };
        self.assumed.remove(&key);
        if let Some(&i) = self.index.get(&*node) {
            self.nodes[i].replace_pod(info);
        }
    }

    /// Replaces the cached copy of a pod (same node, same requests) after a status change.
    pub fn refresh_pod(&mut self, info: PodInfo) {
        let key = info.key();
        if let Some(node) = self.pod_node.get(&key) {
            if let Some(&i) = self.index.get(&**node) {
                self.nodes[i].replace_pod(info);
            }
        }
    }

    /// Sets a node's attach limits and CSI migration state from its CSINode.
    pub fn set_csi_limits(&mut self, node: &str, limits: BTreeMap<String, i64>, migration: u8) {
        if let Some(&i) = self.index.get(node) {
            let n = &mut self.nodes[i];
            n.csi_limits = Arc::new(limits);
            if n.hot.csi_migration != migration {
                // Which of the pods' in-tree volumes count changes: recount them all.
                n.hot.csi_migration = migration;
                n.csi_attached.clear();
                let pods = std::mem::take(&mut n.pods);
                for p in &pods {
                    n.remember_csi_volumes(&p.csi_volumes);
                }
                n.pods = pods;
            }
            n.refresh_hot();
        }
    }

    pub fn remove_pod(&mut self, key: &ObjectKey) -> Option<PodInfo> {
        let node = self.pod_node.remove(key)?;
        self.assumed.remove(key);
        let i = *self.index.get(&*node)?;
        let info = self.nodes[i].remove_pod(key)?;
        self.pods_with_affinity -= u64::from(affinity_counts(&info.pod).0);
        self.release_claims(&info.pod);
        Some(info)
    }

    fn release_claims(&mut self, pod: &Pod) {
        for claim in pod.persistent_claim_names() {
            let ck = (&*pod.meta.namespace, claim);
            let ck = &ck as &dyn KeyView;
            if let Some(n) = self.pvc_users.get_mut(ck) {
                *n -= 1;
                if *n == 0 {
                    self.pvc_users.remove(ck);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{well_known, Meta};

    fn node(name: &str, zone: &str) -> Arc<Node> {
        let mut meta = Meta {
            name: name.into(),
            ..Meta::default()
        };
        if !zone.is_empty() {
            meta.labels.insert(well_known::LABEL_ZONE, zone);
        }
        Arc::new(Node {
            meta,
            ..Node::default()
        })
    }

    #[test]
    fn node_tree_interleaves_zones() {
        let mut c = SchedulerCache::default();
        for (n, z) in [
            ("a1", "a"),
            ("a2", "a"),
            ("b1", "b"),
            ("a3", "a"),
            ("x", ""),
        ] {
            c.upsert_node(node(n, z));
        }
        c.refresh_order();
        let order: Vec<_> = c.nodes().iter().map(|n| n.name().to_string()).collect();
        assert_eq!(order, ["a1", "b1", "x", "a2", "a3"]);
        c.remove_node("b1");
        let order: Vec<_> = c.nodes().iter().map(|n| n.name().to_string()).collect();
        assert_eq!(order, ["a1", "x", "a2", "a3"]);
    }
}
