//! What the views show, computed from a simulation by pure functions (tested natively).
//!
//! Components only lay these structures out; every decision about grouping, state,
//! colour class or wording is made here.

use std::collections::BTreeMap;

use bindery_core::cluster::Cluster;
use bindery_core::events::{EntryKind, EventType, ObjectRef};
use bindery_core::model::well_known;
use bindery_core::model::{
    AccessMode, Kind, Node, ObjectKey, PersistentVolume, PersistentVolumeClaim, Pod, PodPhase,
    PvPhase, PvSource, PvcPhase, TaintEffect, VolumeBindingMode,
};
use bindery_core::quantity::{format_bytes, format_milli, Bytes};
use bindery_core::scheduler::explain::{Explanation, Verdict};
use bindery_core::Simulation;

/// Nodes drawn with their pods; bigger clusters show compact cards, paged per zone.
pub const DETAILED_NODE_LIMIT: usize = 60;
/// Node cards per zone page in compact mode.
pub const NODES_PER_PAGE: usize = 40;

/// Something a person can click to inspect.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Selection {
    pub kind: Kind,
    pub key: ObjectKey,
}

impl Selection {
    pub fn new(kind: Kind, key: ObjectKey) -> Selection {
        Selection { kind, key }
    }

    /// `Pod/default/web`, `PersistentVolume/pv-a`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.kind, self.key)
    }

    /// A DOM id fragment: stable, and only `[a-z0-9-]`.
    pub fn dom_id(&self) -> String {
        let raw = format!("{}-{}", self.kind.as_str(), self.key);
        raw.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    }
}

/// How a pod chip is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    Running,
    /// Bound to a node, waiting for volumes or the kubelet.
    Starting,
    Pending,
    /// Nominated by preemption, waiting for its victims to go.
    Nominated,
    Terminating,
    Preempted,
    Succeeded,
    Failed,
}

impl PodState {
    pub fn of(pod: &Pod) -> PodState {
        if pod.status.preempted {
            return PodState::Preempted;
        }
        if pod.meta.deletion.is_some() {
            return PodState::Terminating;
        }
        match pod.status.phase {
            PodPhase::Running => PodState::Running,
            PodPhase::Succeeded => PodState::Succeeded,
            PodPhase::Failed => PodState::Failed,
            PodPhase::Pending if pod.is_assigned() => PodState::Starting,
            PodPhase::Pending if pod.status.nominated_node_name.is_some() => PodState::Nominated,
            PodPhase::Pending => PodState::Pending,
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            PodState::Running => "running",
            PodState::Starting => "starting",
            PodState::Pending => "pending",
            PodState::Nominated => "nominated",
            PodState::Terminating => "terminating",
            PodState::Preempted => "preempted",
            PodState::Succeeded => "succeeded",
            PodState::Failed => "failed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PodState::Running => "Running",
            PodState::Starting => "ContainerCreating",
            PodState::Pending => "Pending",
            PodState::Nominated => "Pending (nominated)",
            PodState::Terminating => "Terminating",
            PodState::Preempted => "Preempted",
            PodState::Succeeded => "Succeeded",
            PodState::Failed => "Failed",
        }
    }
}

/// An access-mode badge: `RWOP` carries a lock.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModeBadge {
    pub short: &'static str,
    pub long: &'static str,
    pub locked: bool,
}

pub fn badges(modes: &[AccessMode]) -> Vec<ModeBadge> {
    modes
        .iter()
        .map(|m| ModeBadge {
            short: m.short(),
            long: m.as_str(),
            locked: *m == AccessMode::ReadWriteOncePod,
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodChip {
    pub selection: Selection,
    pub name: String,
    pub state: PodState,
    pub priority: i32,
    pub node: Option<String>,
    pub nominated: Option<String>,
    /// One line for the tooltip / accessible name.
    pub summary: String,
    /// Uses a ReadWriteOncePod claim.
    pub rwop: bool,
    /// The FailedScheduling message, for pending pods.
    pub why_pending: Option<String>,
}

/// A usage bar: `used / total` with a label.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: &'static str,
    pub used: i64,
    pub total: i64,
    pub text: String,
}

impl Bar {
    pub fn percent(&self) -> f64 {
        if self.total <= 0 {
            0.0
        } else {
            (self.used as f64 / self.total as f64 * 100.0).clamp(0.0, 100.0)
        }
    }
}

/// A local volume pinned to a node (a "disk" on its card).
#[derive(Clone, Debug, PartialEq)]
pub struct Disk {
    pub selection: Selection,
    pub name: String,
    pub capacity: String,
    pub class: String,
    pub phase: &'static str,
    pub claim: Option<String>,
    pub badges: Vec<ModeBadge>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeCard {
    pub selection: Selection,
    pub name: String,
    pub zone: Option<String>,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    pub bars: Vec<Bar>,
    pub pods: Vec<PodChip>,
    pub disks: Vec<Disk>,
    /// Pods nominated here by preemption.
    pub nominated: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ZoneColumn {
    /// The zone label, or `no zone`.
    pub name: String,
    pub nodes: Vec<NodeCard>,
    pub running_pods: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClassRow {
    pub selection: Selection,
    pub name: String,
    pub provisioner: String,
    pub binding_mode: &'static str,
    pub reclaim: &'static str,
    pub default: bool,
    pub expansion: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClaimRow {
    pub selection: Selection,
    pub name: String,
    pub phase: &'static str,
    pub request: String,
    pub class: String,
    pub volume: Option<String>,
    pub selected_node: Option<String>,
    pub badges: Vec<ModeBadge>,
    pub users: Vec<Selection>,
    pub terminating: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VolumeRow {
    pub selection: Selection,
    pub name: String,
    pub phase: &'static str,
    pub capacity: String,
    pub class: String,
    pub source: String,
    pub reclaim: &'static str,
    pub claim: Option<Selection>,
    /// Where it can be used: a node (local disk) or a zone.
    pub topology: Option<String>,
    pub node: Option<String>,
    pub badges: Vec<ModeBadge>,
    pub terminating: bool,
}

/// Everything the cluster view draws.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub zones: Vec<ZoneColumn>,
    pub pending: Vec<PodChip>,
    /// Pods that are gone after preemption, still listed like the JSON report does.
    pub preempted: Vec<PodChip>,
    pub classes: Vec<ClassRow>,
    pub claims: Vec<ClaimRow>,
    pub volumes: Vec<VolumeRow>,
    pub detailed: bool,
    pub counts: Counts,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub nodes: usize,
    pub running: usize,
    pub pending: usize,
    pub preempted: usize,
    pub bound_claims: usize,
    pub claims: usize,
}

fn zone_of(node: &Node) -> Option<String> {
    node.label(well_known::LABEL_ZONE)
        .or_else(|| node.label(well_known::LABEL_ZONE_BETA))
        .map(str::to_string)
}

/// The node a volume's node affinity pins it to (a single hostname value), without
/// allocating: the cluster view asks this of every volume.
pub fn pinned_node(pv: &PersistentVolume) -> Option<&str> {
    let sel = pv.node_affinity.as_ref()?;
    let mut node = None;
    for term in &sel.terms {
        for req in &term.match_expressions {
            if req.key == well_known::LABEL_HOSTNAME && req.values.len() == 1 {
                node = Some(req.values[0].as_str());
            }
        }
    }
    node
}

/// What sits on each node: its pods, the pods nominated to it, its pinned volumes. Built
/// in one pass over pods and volumes, so a view of N nodes does not scan them N times.
#[derive(Default)]
struct OnNode<'a> {
    pods: Vec<&'a Pod>,
    nominated: Vec<&'a Pod>,
    disks: Vec<&'a PersistentVolume>,
}

fn by_node(sim: &Simulation) -> BTreeMap<&str, OnNode<'_>> {
    let c = sim.cluster();
    let mut out: BTreeMap<&str, OnNode<'_>> = BTreeMap::new();
    for p in c.pods().values() {
        if let Some(n) = p.node_name() {
            out.entry(n).or_default().pods.push(p);
        } else if let Some(n) = p.status.nominated_node_name.as_deref() {
            out.entry(n).or_default().nominated.push(p);
        }
    }
    for pv in c.pvs().values() {
        if let Some(n) = pinned_node(pv) {
            out.entry(n).or_default().disks.push(pv);
        }
    }
    for on in out.values_mut() {
        let by_name = |a: &&Pod, b: &&Pod| {
            natural_cmp(&a.meta.name, &b.meta.name)
                .then_with(|| a.meta.namespace.cmp(&b.meta.namespace))
        };
        bindery_core::sort::sort_by(&mut on.pods, by_name);
        bindery_core::sort::sort_by(&mut on.nominated, by_name);
        bindery_core::sort::sort_by(&mut on.disks, |a, b| natural_cmp(a.name(), b.name()));
    }
    out
}

/// The node a volume is pinned to, or the zone(s) it is limited to.
pub fn volume_topology(pv: &PersistentVolume) -> (Option<String>, Option<String>) {
    let Some(sel) = &pv.node_affinity else {
        return (None, None);
    };
    let mut node = None;
    let mut zones = Vec::new();
    for term in &sel.terms {
        for req in &term.match_expressions {
            if req.key == well_known::LABEL_HOSTNAME && req.values.len() == 1 {
                node = Some(req.values[0].clone());
            } else if req.key == well_known::LABEL_ZONE || req.key == well_known::LABEL_ZONE_BETA {
                zones.extend(req.values.iter().cloned());
            }
        }
    }
    let topology = match (&node, zones.is_empty()) {
        (Some(n), _) => Some(format!("node {n}")),
        (None, false) => Some(format!("zone {}", zones.join(", "))),
        (None, true) => Some("node affinity".to_string()),
    };
    (node, topology)
}

fn pod_uses_rwop(sim: &Simulation, pod: &Pod) -> bool {
    pod.claim_names().any(|c| {
        sim.cluster()
            .pvc_by(&pod.meta.namespace, c)
            .is_some_and(|pvc| pvc.has_rwop())
    })
}

pub fn pod_chip(sim: &Simulation, pod: &Pod) -> PodChip {
    let state = PodState::of(pod);
    let why_pending = pod
        .condition("PodScheduled")
        .filter(|c| c.status == "False")
        .map(|c| c.message.to_string());
    let mut summary = format!("Pod {} — {}", pod.meta.key(), state.label());
    if let Some(n) = pod.node_name() {
        summary.push_str(&format!(" on {n}"));
    }
    if let Some(n) = &pod.status.nominated_node_name {
        summary.push_str(&format!(", nominated to {n}"));
    }
    summary.push_str(&format!(", priority {}", pod.spec.priority));
    PodChip {
        selection: Selection::new(Kind::Pod, pod.meta.key()),
        name: pod.meta.name.to_string(),
        state,
        priority: pod.spec.priority,
        node: pod.node_name().map(str::to_string),
        nominated: pod
            .status
            .nominated_node_name
            .as_deref()
            .map(str::to_string),
        summary,
        rwop: pod_uses_rwop(sim, pod),
        why_pending,
    }
}

fn disk(pv: &PersistentVolume) -> Disk {
    Disk {
        selection: Selection::new(Kind::PersistentVolume, ObjectKey::new("", pv.name())),
        name: pv.name().to_string(),
        capacity: format_bytes(pv.capacity),
        class: pv.storage_class_name.to_string(),
        phase: pv.phase.as_str(),
        claim: pv
            .claim_ref
            .as_ref()
            .map(|c| format!("{}/{}", c.namespace, c.name)),
        badges: badges(&pv.access_modes),
    }
}

fn node_card(sim: &Simulation, node: &Node, on: Option<&OnNode<'_>>) -> NodeCard {
    let info = sim.scheduler_cache().node(node.name());
    let requested = info.map(|i| i.requested.clone()).unwrap_or_default();
    let pod_count = info.map(|i| i.pods.len() as i64).unwrap_or(0);
    let bars = vec![
        Bar {
            label: "cpu",
            used: requested.milli_cpu,
            total: node.allocatable.milli_cpu,
            text: format!(
                "cpu {} / {}",
                format_milli(requested.milli_cpu),
                format_milli(node.allocatable.milli_cpu)
            ),
        },
        Bar {
            label: "memory",
            used: requested.memory,
            total: node.allocatable.memory,
            text: format!(
                "memory {} / {}",
                format_bytes(requested.memory),
                format_bytes(node.allocatable.memory)
            ),
        },
        Bar {
            label: "pods",
            used: pod_count,
            total: node.allocatable.pods,
            text: format!("pods {pod_count} / {}", node.allocatable.pods),
        },
    ];
    let (pods, nominated, disks) = match on {
        Some(on) => (
            on.pods.iter().map(|p| pod_chip(sim, p)).collect(),
            on.nominated
                .iter()
                .map(|p| p.meta.key().to_string())
                .collect(),
            on.disks.iter().map(|pv| disk(pv)).collect(),
        ),
        None => Default::default(),
    };
    NodeCard {
        selection: Selection::new(Kind::Node, ObjectKey::new("", node.name())),
        name: node.name().to_string(),
        zone: zone_of(node),
        unschedulable: node.unschedulable,
        taints: node
            .taints
            .iter()
            .map(|t| {
                let effect = match t.effect {
                    TaintEffect::NoSchedule => "NoSchedule",
                    TaintEffect::PreferNoSchedule => "PreferNoSchedule",
                    TaintEffect::NoExecute => "NoExecute",
                };
                if t.value.is_empty() {
                    format!("{}:{effect}", t.key)
                } else {
                    format!("{}={}:{effect}", t.key, t.value)
                }
            })
            .collect(),
        bars,
        pods,
        disks,
        nominated,
    }
}

pub fn cluster_view(sim: &Simulation) -> ClusterView {
    let c = sim.cluster();
    let detailed = c.nodes.len() <= DETAILED_NODE_LIMIT;
    let on_nodes = if detailed {
        by_node(sim)
    } else {
        BTreeMap::new()
    };
    let nothing = OnNode::default();
    let mut zones: BTreeMap<(bool, String), Vec<NodeCard>> = BTreeMap::new();
    for node in c.nodes.values() {
        let on = if detailed {
            Some(on_nodes.get(node.name()).unwrap_or(&nothing))
        } else {
            None
        };
        let card = node_card(sim, node, on);
        // Zoned columns first (sorted by zone), then nodes without a zone.
        let key = match &card.zone {
            Some(z) => (false, z.clone()),
            None => (true, "no zone".to_string()),
        };
        zones.entry(key).or_default().push(card);
    }
    let mut running_by_node: BTreeMap<&str, usize> = BTreeMap::new();
    let mut counts = Counts {
        nodes: c.nodes.len(),
        ..Counts::default()
    };
    let mut pending = Vec::new();
    for p in c.pods().values() {
        match p.node_name() {
            Some(n) => {
                *running_by_node.entry(n).or_default() += 1;
                if p.status.phase == PodPhase::Running {
                    counts.running += 1;
                }
            }
            None => {
                counts.pending += 1;
                pending.push(pod_chip(sim, p));
            }
        }
    }
    let preempted: Vec<PodChip> = c
        .deleted_pods
        .iter()
        .filter(|p| p.status.preempted)
        .map(|p| pod_chip(sim, p))
        .collect();
    counts.preempted = preempted.len();
    let mut zones: Vec<((bool, String), Vec<NodeCard>)> = zones.into_iter().collect();
    bindery_core::sort::sort_by(&mut zones, |((a_none, a), _), ((b_none, b), _)| {
        a_none.cmp(b_none).then_with(|| natural_cmp(a, b))
    });
    for (_, nodes) in &mut zones {
        bindery_core::sort::sort_by(nodes, |a, b| natural_cmp(&a.name, &b.name));
    }
    bindery_core::sort::sort_by(&mut pending, |a, b| {
        natural_cmp(&a.name, &b.name)
            .then_with(|| a.selection.key.namespace.cmp(&b.selection.key.namespace))
    });
    let zones = zones
        .into_iter()
        .map(|((_, name), nodes)| ZoneColumn {
            running_pods: nodes
                .iter()
                .map(|n| running_by_node.get(n.name.as_str()).copied().unwrap_or(0))
                .sum(),
            name,
            nodes,
        })
        .collect();
    let classes = c
        .storage_classes
        .values()
        .map(|sc| ClassRow {
            selection: Selection::new(Kind::StorageClass, ObjectKey::new("", &*sc.meta.name)),
            name: sc.meta.name.to_string(),
            provisioner: sc.provisioner.clone(),
            binding_mode: match sc.binding_mode {
                VolumeBindingMode::Immediate => "Immediate",
                VolumeBindingMode::WaitForFirstConsumer => "WaitForFirstConsumer",
            },
            reclaim: sc.reclaim_policy.as_str(),
            default: sc.is_default(),
            expansion: sc.allow_volume_expansion,
        })
        .collect();
    let mut claims: Vec<ClaimRow> = c.pvcs().values().map(|pvc| claim_row(sim, pvc)).collect();
    bindery_core::sort::sort_by(&mut claims, |a, b| {
        let (a, b) = (&a.selection.key, &b.selection.key);
        a.namespace
            .cmp(&b.namespace)
            .then_with(|| natural_cmp(&a.name, &b.name))
    });
    counts.claims = claims.len();
    counts.bound_claims = claims.iter().filter(|r| r.phase == "Bound").count();
    let mut volumes: Vec<VolumeRow> = c.pvs().values().map(|pv| volume_row(pv)).collect();
    bindery_core::sort::sort_by(&mut volumes, |a, b| natural_cmp(&a.name, &b.name));
    ClusterView {
        zones,
        pending,
        preempted,
        classes,
        claims,
        volumes,
        detailed,
        counts,
    }
}

/// A StatefulSet, Deployment or stand-alone ReplicaSet with its pods grouped under it.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadCard {
    pub selection: Selection,
    pub name: String,
    pub desired: i32,
    pub ready: i32,
    /// Pods that exist (terminating ones included).
    pub current: usize,
    /// Management policy, strategy, retention: one line.
    pub detail: String,
    pub pods: Vec<PodChip>,
    /// A StatefulSet's claims (`<template>-<set>-<ordinal>`) with their phase.
    pub claims: Vec<(Selection, &'static str)>,
    /// A Deployment's ReplicaSets: name and replicas.
    pub replica_sets: Vec<(Selection, i32)>,
}

fn chips_by_name<'a>(
    sim: &Simulation,
    pods: impl Iterator<Item = &'a std::sync::Arc<Pod>>,
) -> Vec<PodChip> {
    let mut pods: Vec<&std::sync::Arc<Pod>> = pods.collect();
    // `web-2` before `web-10`: ordinals sort as numbers.
    bindery_core::sort::sort_by(&mut pods, |a, b| natural_cmp(&a.meta.name, &b.meta.name));
    pods.into_iter().map(|p| pod_chip(sim, p)).collect()
}

/// A name split so that a numeric suffix compares as a number; the whole name breaks ties
/// (`web-01` and `web-1`).
fn natural_key(name: &str) -> (&str, u64, &str) {
    match name.rsplit_once('-') {
        Some((base, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => {
            // Past u64 (twenty digits), the text decides.
            (base, n.parse().unwrap_or(u64::MAX), name)
        }
        _ => (name, 0, name),
    }
}

/// Names in the order a person expects: `pod-22` before `pod-180` (generated clusters,
/// StatefulSet ordinals, `pvc-…-12`), otherwise as text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    natural_key(a).cmp(&natural_key(b))
}

pub fn workload_cards(sim: &Simulation) -> Vec<WorkloadCard> {
    let c = sim.cluster();
    let mut out = Vec::new();
    for set in c.stateful_sets.values() {
        let key = set.meta.key();
        let retention = format!(
            "claims on scale-down: {}, on delete: {}",
            set.when_scaled.as_str(),
            set.when_deleted.as_str()
        );
        let mut claims: Vec<(Selection, &'static str)> = Vec::new();
        for t in set.claim_templates.iter() {
            let template = t.metadata.name.clone().unwrap_or_default();
            // Claims are keyed by (namespace, name): the set's claims are one range of keys,
            // retained ones of scaled-away ordinals included.
            let prefix = format!("{template}-{}-", set.meta.name);
            let from = ObjectKey::new(key.namespace.clone(), prefix.as_str());
            for (k, pvc) in c.pvcs().range(from..) {
                let Some(rest) = k
                    .name
                    .strip_prefix(&prefix)
                    .filter(|_| k.namespace == key.namespace)
                else {
                    break;
                };
                if rest.parse::<u32>().is_err() {
                    continue;
                }
                let phase = pvc.phase.as_str();
                claims.push((
                    Selection::new(Kind::PersistentVolumeClaim, pvc.meta.key()),
                    phase,
                ));
            }
        }
        bindery_core::sort::sort_by(&mut claims, |a, b| {
            natural_cmp(&a.0.key.name, &b.0.key.name)
        });
        let pods = chips_by_name(sim, c.pods_owned_by(Kind::StatefulSet, &key));
        out.push(WorkloadCard {
            selection: Selection::new(Kind::StatefulSet, key.clone()),
            name: set.meta.name.to_string(),
            desired: set.replicas,
            ready: set.status.ready_replicas,
            current: pods.len(),
            detail: format!("{} · {retention}", set.pod_management.as_str()),
            pods,
            claims,
            replica_sets: Vec::new(),
        });
    }
    for d in c.deployments.values() {
        let key = d.meta.key();
        let rss: Vec<_> = c.replica_sets_of(&key).collect();
        let strategy = match &d.strategy {
            bindery_core::model::DeploymentStrategy::Recreate => "Recreate".to_string(),
            bindery_core::model::DeploymentStrategy::RollingUpdate { .. } => format!(
                "RollingUpdate (maxSurge {}, maxUnavailable {})",
                d.max_surge(),
                d.max_unavailable()
            ),
        };
        let pods = chips_by_name(
            sim,
            rss.iter()
                .flat_map(|rs| c.pods_owned_by(Kind::ReplicaSet, &rs.meta.key())),
        );
        out.push(WorkloadCard {
            selection: Selection::new(Kind::Deployment, key.clone()),
            name: d.meta.name.to_string(),
            desired: d.replicas,
            ready: d.status.ready_replicas,
            current: pods.len(),
            detail: strategy,
            pods,
            claims: Vec::new(),
            replica_sets: rss
                .iter()
                .map(|rs| (Selection::new(Kind::ReplicaSet, rs.meta.key()), rs.replicas))
                .collect(),
        });
    }
    for rs in c.replica_sets.values() {
        if rs.meta.controller().is_some_and(|o| o.kind == "Deployment") {
            continue;
        }
        let key = rs.meta.key();
        let pods = chips_by_name(sim, c.pods_owned_by(Kind::ReplicaSet, &key));
        out.push(WorkloadCard {
            selection: Selection::new(Kind::ReplicaSet, key.clone()),
            name: rs.meta.name.to_string(),
            desired: rs.replicas,
            ready: rs.status.ready_replicas,
            current: pods.len(),
            detail: "ReplicaSet".to_string(),
            pods,
            claims: Vec::new(),
            replica_sets: Vec::new(),
        });
    }
    out
}

fn claim_row(sim: &Simulation, pvc: &PersistentVolumeClaim) -> ClaimRow {
    let key = pvc.meta.key();
    // The cluster's claim → pods index: scanning every pod per claim is quadratic, and
    // ten seconds at 10,000 claims.
    let users = sim
        .cluster()
        .pods_using_claim(&key)
        .map(|p| Selection::new(Kind::Pod, p.meta.key()))
        .collect();
    ClaimRow {
        selection: Selection::new(Kind::PersistentVolumeClaim, key),
        name: pvc.name().to_string(),
        phase: pvc.phase.as_str(),
        request: pvc.request.map(format_bytes).unwrap_or_default(),
        class: pvc.class_name().to_string(),
        volume: pvc.volume_name.as_deref().map(str::to_string),
        selected_node: pvc.selected_node().map(str::to_string),
        badges: badges(&pvc.access_modes),
        users,
        terminating: pvc.meta.deletion.is_some(),
    }
}

fn volume_row(pv: &PersistentVolume) -> VolumeRow {
    let (node, topology) = volume_topology(pv);
    VolumeRow {
        selection: Selection::new(Kind::PersistentVolume, ObjectKey::new("", pv.name())),
        name: pv.name().to_string(),
        phase: pv.phase.as_str(),
        capacity: format_bytes(pv.capacity),
        class: pv.storage_class_name.to_string(),
        source: match &pv.source {
            PvSource::Local { path } => format!("local {path}"),
            PvSource::HostPath { path } => format!("hostPath {path}"),
            PvSource::Csi { driver, .. } => format!("csi {driver}"),
            // A migrated in-tree volume names the CSI driver that serves it.
            PvSource::InTree(d) => match bindery_core::csi_migration::plugin_of(d)
                .and_then(bindery_core::csi_migration::csi_driver_of)
            {
                Some(driver) => format!("{} (csi {driver})", d.field_name()),
                None => d.field_name().to_string(),
            },
            PvSource::Other(k) => k.clone(),
        },
        reclaim: pv.reclaim_policy.as_str(),
        claim: pv.claim_ref.as_ref().map(|c| {
            Selection::new(
                Kind::PersistentVolumeClaim,
                ObjectKey::new(c.namespace.clone(), c.name.clone()),
            )
        }),
        topology,
        node,
        badges: badges(&pv.access_modes),
        terminating: pv.meta.deletion.is_some(),
    }
}

// ---------------------------------------------------------------------------------------
// The binding graph: pod → claim → volume → node, as an SVG with computed coordinates.

#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub selection: Selection,
    pub label: String,
    pub x: f64,
    pub y: f64,
    pub css: &'static str,
    /// A claim with the ReadWriteOncePod access mode: drawn with a lock.
    pub locked: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphEdge {
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// `bound`, `pending` (selected-node, nominated, claim waiting) or `conflict` (RWOP).
    pub css: &'static str,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
    pub columns: [&'static str; 4],
}

pub const GRAPH_COLUMN_WIDTH: f64 = 190.0;
pub const GRAPH_ROW_HEIGHT: f64 = 30.0;

/// Pods that use claims, their claims, the volumes those are bound to, and the nodes the
/// pods and local volumes are on. Each column is sorted; lines join what refers to what.
pub fn binding_graph(sim: &Simulation) -> Graph {
    let c = sim.cluster();
    let mut pods: Vec<&Pod> = c
        .pods()
        .values()
        .filter(|p| p.has_claims())
        .map(|p| p.as_ref())
        .collect();
    bindery_core::sort::sort_by_key(&mut pods, |p| p.meta.key());
    let claims: Vec<&PersistentVolumeClaim> = c.pvcs().values().map(|p| p.as_ref()).collect();
    let volumes: Vec<&PersistentVolume> = c.pvs().values().map(|p| p.as_ref()).collect();
    let mut node_names: Vec<String> = Vec::new();
    for p in &pods {
        if let Some(n) = p.node_name().or(p.status.nominated_node_name.as_deref()) {
            node_names.push(n.to_string());
        }
    }
    for v in &volumes {
        if let Some(n) = pinned_node(v) {
            node_names.push(n.to_string());
        }
    }
    for claim in &claims {
        if let Some(n) = claim.selected_node() {
            node_names.push(n.to_string());
        }
    }
    bindery_core::sort::sort(&mut node_names);
    node_names.dedup();
    let x = |col: usize| 12.0 + col as f64 * GRAPH_COLUMN_WIDTH;
    let y = |row: usize| 40.0 + row as f64 * GRAPH_ROW_HEIGHT;
    let mut nodes = Vec::new();
    let mut pos: BTreeMap<Selection, (f64, f64)> = BTreeMap::new();
    let mut place = |sel: Selection, label: String, (col, row): (usize, usize), css, locked| {
        pos.insert(sel.clone(), (x(col), y(row)));
        nodes.push(GraphNode {
            selection: sel,
            label,
            x: x(col),
            y: y(row),
            css,
            locked,
        });
    };
    for (i, p) in pods.iter().enumerate() {
        place(
            Selection::new(Kind::Pod, p.meta.key()),
            p.meta.name.to_string(),
            (0, i),
            PodState::of(p).css(),
            false,
        );
    }
    for (i, cl) in claims.iter().enumerate() {
        let css = if cl.phase == PvcPhase::Bound {
            "bound"
        } else {
            "pending"
        };
        place(
            Selection::new(Kind::PersistentVolumeClaim, cl.meta.key()),
            cl.name().to_string(),
            (1, i),
            css,
            cl.has_rwop(),
        );
    }
    for (i, v) in volumes.iter().enumerate() {
        let css = match v.phase {
            PvPhase::Bound => "bound",
            PvPhase::Available => "available",
            PvPhase::Released => "released",
            PvPhase::Failed => "failed",
            PvPhase::Pending => "pending",
        };
        place(
            Selection::new(Kind::PersistentVolume, ObjectKey::new("", v.name())),
            format!("{} ({})", v.name(), format_bytes(v.capacity)),
            (2, i),
            css,
            false,
        );
    }
    for (i, n) in node_names.iter().enumerate() {
        place(
            Selection::new(Kind::Node, ObjectKey::new("", n.as_str())),
            n.clone(),
            (3, i),
            "node",
            false,
        );
    }
    let mut edges = Vec::new();
    let anchor_right = |p: (f64, f64)| (p.0 + GRAPH_COLUMN_WIDTH - 40.0, p.1);
    let mut edge = |from: &Selection, to: &Selection, css: &'static str, title: String| {
        if let (Some(a), Some(b)) = (pos.get(from), pos.get(to)) {
            edges.push(GraphEdge {
                from: anchor_right(*a),
                to: *b,
                css,
                title,
            });
        }
    };
    for p in &pods {
        let ps = Selection::new(Kind::Pod, p.meta.key());
        let pending = !p.is_assigned();
        for claim in p.claim_names() {
            let cs = Selection::new(
                Kind::PersistentVolumeClaim,
                ObjectKey::new(&*p.meta.namespace, claim),
            );
            let rwop_conflict = pending
                && c.pvc_by(&p.meta.namespace, claim)
                    .is_some_and(|pvc| pvc.has_rwop())
                && p.condition("PodScheduled")
                    .is_some_and(|cond| cond.message.contains("ReadWriteOncePod"));
            let (css, title) = if rwop_conflict {
                (
                    "conflict",
                    format!(
                        "{} cannot use {claim}: ReadWriteOncePod claim in use",
                        p.meta.name
                    ),
                )
            } else if pending {
                ("pending", format!("{} wants {claim}", p.meta.name))
            } else {
                ("bound", format!("{} uses {claim}", p.meta.name))
            };
            edge(&ps, &cs, css, title);
        }
    }
    for cl in &claims {
        let cs = Selection::new(Kind::PersistentVolumeClaim, cl.meta.key());
        if let Some(v) = &cl.volume_name {
            let css = if cl.phase == PvcPhase::Bound {
                "bound"
            } else {
                "pending"
            };
            edge(
                &cs,
                &Selection::new(Kind::PersistentVolume, ObjectKey::new("", v.clone())),
                css,
                format!("{} → {v}", cl.name()),
            );
        }
    }
    for v in &volumes {
        if let Some(n) = pinned_node(v) {
            edge(
                &Selection::new(Kind::PersistentVolume, ObjectKey::new("", v.name())),
                &Selection::new(Kind::Node, ObjectKey::new("", n)),
                "bound",
                format!("{} is pinned to {n}", v.name()),
            );
        }
    }
    let rows = pods
        .len()
        .max(claims.len())
        .max(volumes.len())
        .max(node_names.len());
    Graph {
        width: x(4),
        height: y(rows) + 4.0,
        nodes,
        edges,
        columns: [
            "Pods",
            "PersistentVolumeClaims",
            "PersistentVolumes",
            "Nodes",
        ],
    }
}

// ---------------------------------------------------------------------------------------
// Events, describe, history.

#[derive(Clone, Debug, PartialEq)]
pub struct EventRow {
    pub warning: bool,
    pub type_: &'static str,
    pub reason: &'static str,
    pub object: Selection,
    /// Shared with the event log (a 50-node run has thousands of rows to make per edit).
    pub message: std::sync::Arc<str>,
    pub count: u64,
    /// Since the last occurrence, in simulated time (`kubectl get events`' LAST SEEN).
    pub age: String,
    /// Milliseconds of simulated time since the first occurrence.
    pub first_ago: u64,
    /// The reporting component (`kubectl describe`'s From).
    pub source: &'static str,
    pub first_seq: u64,
}

impl EventRow {
    /// `kubectl describe`'s Age: since the first occurrence, or for a repeated event
    /// `<since last> (x<count> over <since first>)`.
    pub fn describe_age(&self) -> String {
        if self.count > 1 {
            format!(
                "{} (x{} over {})",
                self.age,
                self.count,
                age(self.first_ago)
            )
        } else {
            age(self.first_ago)
        }
    }
}

/// Prose with `backtick` code spans (lesson goals and hints) cut into its parts, each
/// with whether it is code. An unpaired backtick is kept as text.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else {
            break;
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + len + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// `1 node`, `2 nodes`, `0 pods`: a count with its noun (regular English plurals only).
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// An age as kubectl prints it (apimachinery's `duration.HumanDuration`: about two
/// significant figures): `90s`, `2m30s`, `64m`, `3h5m`, `2d2h`, `400d`, `2y30d`.
pub fn age(millis: u64) -> String {
    let seconds = millis / 1000;
    if seconds < 2 * 60 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        };
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    let (days, years) = (hours / 24, hours / 24 / 365);
    if hours < 8 {
        match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        }
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        match hours % 24 {
            0 => format!("{days}d"),
            h => format!("{days}d{h}h"),
        }
    } else if hours < 24 * 365 * 2 {
        format!("{days}d")
    } else if hours < 24 * 365 * 8 {
        match days % 365 {
            0 => format!("{years}y"),
            d => format!("{years}y{d}d"),
        }
    } else {
        format!("{years}y")
    }
}

/// `kubectl get events`, oldest first, optionally only one object's.
pub fn event_rows(sim: &Simulation, only: Option<&Selection>) -> Vec<EventRow> {
    let now = sim.now().millis();
    let log = sim.log();
    match only {
        Some(sel) => log.aggregated_of(&ObjectRef::new(sel.kind, &sel.key)),
        None => log.aggregated(),
    }
    .into_iter()
    .map(|e| EventRow {
        warning: e.event.type_ == EventType::Warning,
        type_: e.event.type_.as_str(),
        reason: e.event.reason,
        object: Selection::new(e.event.object.kind, e.event.object.key()),
        message: e.event.message.clone(),
        count: e.count,
        age: age(now.saturating_sub(e.last.millis())),
        first_ago: now.saturating_sub(e.first.millis()),
        source: e.event.source,
        first_seq: e.first_seq,
    })
    .collect()
}

/// A `kubectl describe`-like panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Description {
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub conditions: Vec<[String; 4]>,
    pub events: Vec<EventRow>,
    /// What the object refers to and what refers to it, as links: a pod's node, claims
    /// and volumes; a claim's volume and the pods using it (`kubectl describe pvc`'s
    /// "Used By"); a node's pods (`kubectl describe node`'s "Non-terminated Pods") and
    /// local volumes.
    pub related: Vec<RelatedGroup>,
}

/// One heading of [`Description::related`].
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedGroup {
    pub heading: String,
    pub items: Vec<RelatedItem>,
    /// How many more there are than `items` lists (a node of a generated cluster may hold
    /// hundreds of pods; the inspector lists the first [`RELATED_SHOWN`]).
    pub more: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RelatedItem {
    pub selection: Selection,
    pub label: String,
    /// A few words after the link: a pod's state and requests, a claim's phase.
    pub detail: String,
}

/// At most this many links per related group.
pub const RELATED_SHOWN: usize = 60;

fn related_group(
    heading: String,
    items: impl IntoIterator<Item = RelatedItem>,
) -> Option<RelatedGroup> {
    let mut items: Vec<RelatedItem> = items.into_iter().collect();
    if items.is_empty() {
        return None;
    }
    let more = items.len().saturating_sub(RELATED_SHOWN);
    items.truncate(RELATED_SHOWN);
    Some(RelatedGroup {
        heading,
        items,
        more,
    })
}

fn pod_item(pod: &Pod) -> RelatedItem {
    RelatedItem {
        selection: Selection::new(Kind::Pod, pod.meta.key()),
        label: pod.meta.name.to_string(),
        detail: format!(
            "{}, cpu {}, memory {}",
            PodState::of(pod).label(),
            format_milli(pod.spec.requests.milli_cpu),
            format_bytes(pod.spec.requests.memory)
        ),
    }
}

fn node_item(c: &Cluster, name: &str, detail: &str) -> Option<RelatedItem> {
    c.nodes.get(name).map(|_| RelatedItem {
        selection: Selection::new(Kind::Node, ObjectKey::new("", name)),
        label: name.to_string(),
        detail: detail.to_string(),
    })
}

fn volume_item(c: &Cluster, name: &str) -> Option<RelatedItem> {
    c.pv(name).map(|pv| RelatedItem {
        selection: Selection::new(Kind::PersistentVolume, ObjectKey::new("", name)),
        label: name.to_string(),
        detail: format!("{}, {}", pv.phase.as_str(), format_bytes(pv.capacity)),
    })
}

fn claim_item(c: &Cluster, key: &ObjectKey) -> Option<RelatedItem> {
    c.pvc(key).map(|pvc| RelatedItem {
        selection: Selection::new(Kind::PersistentVolumeClaim, key.clone()),
        label: pvc.name().to_string(),
        detail: pvc.phase.as_str().to_string(),
    })
}

/// [`Description::related`] of `sel`; objects that no longer exist are left out. `here`
/// is what is on the node when `sel` is one.
fn related(sim: &Simulation, sel: &Selection, here: &OnNode<'_>) -> Vec<RelatedGroup> {
    let c = sim.cluster();
    let mut out = Vec::new();
    match sel.kind {
        Kind::Pod => {
            let Some(pod) = c.pod(&sel.key) else {
                return out;
            };
            if let Some(owner) = pod.meta.controller() {
                let kind = Kind::parse(&owner.kind).filter(|k| k.is_workload());
                out.extend(related_group(
                    "Controlled By".to_string(),
                    kind.map(|kind| RelatedItem {
                        selection: Selection::new(
                            kind,
                            ObjectKey::new(pod.meta.namespace.clone(), owner.name.clone()),
                        ),
                        label: format!("{kind}/{}", owner.name),
                        detail: String::new(),
                    }),
                ));
            }
            out.extend(related_group(
                "Node".to_string(),
                pod.node_name().and_then(|n| node_item(c, n, "")),
            ));
            out.extend(related_group(
                "Nominated Node Name".to_string(),
                pod.status
                    .nominated_node_name
                    .as_deref()
                    .and_then(|n| node_item(c, n, "by preemption")),
            ));
            let claims: Vec<ObjectKey> = pod
                .claim_names()
                .map(|n| ObjectKey::new(pod.meta.namespace.clone(), n))
                .collect();
            out.extend(related_group(
                "Claims".to_string(),
                claims.iter().filter_map(|k| claim_item(c, k)),
            ));
            out.extend(related_group(
                "Volumes".to_string(),
                claims
                    .iter()
                    .filter_map(|k| c.pvc(k)?.volume_name.as_deref())
                    .filter_map(|v| volume_item(c, v)),
            ));
        }
        Kind::PersistentVolumeClaim => {
            let Some(pvc) = c.pvc(&sel.key) else {
                return out;
            };
            // A generic ephemeral volume's claim is controlled by its pod, and goes with it.
            if let Some(owner) = pvc.meta.controller() {
                let key = ObjectKey::new(pvc.meta.namespace.clone(), owner.name.clone());
                let item = match Kind::parse(&owner.kind) {
                    Some(Kind::Pod) => c
                        .pod(&key)
                        .filter(|p| p.meta.uid == owner.uid)
                        .map(|p| pod_item(p)),
                    Some(kind) if kind.is_workload() => Some(RelatedItem {
                        selection: Selection::new(kind, key),
                        label: format!("{kind}/{}", owner.name),
                        detail: String::new(),
                    }),
                    _ => None,
                };
                out.extend(related_group("Controlled By".to_string(), item));
            }
            out.extend(related_group(
                "Used By".to_string(),
                c.pods_using_claim(&sel.key).map(|p| pod_item(p)),
            ));
            out.extend(related_group(
                "Volume".to_string(),
                pvc.volume_name.as_deref().and_then(|v| volume_item(c, v)),
            ));
            out.extend(related_group(
                "Selected Node".to_string(),
                pvc.selected_node()
                    .and_then(|n| node_item(c, n, "volume.kubernetes.io/selected-node")),
            ));
        }
        Kind::PersistentVolume => {
            let Some(pv) = c.pv(&sel.key.name) else {
                return out;
            };
            out.extend(related_group(
                "Claim".to_string(),
                pv.claim_ref.as_ref().and_then(|r| {
                    claim_item(c, &ObjectKey::new(r.namespace.clone(), r.name.clone()))
                }),
            ));
            out.extend(related_group(
                "Node".to_string(),
                pinned_node(pv).and_then(|n| node_item(c, n, "the volume's node affinity")),
            ));
        }
        Kind::Node => {
            out.extend(related_group(
                format!("Non-terminated Pods ({} in total)", here.pods.len()),
                here.pods.iter().map(|p| pod_item(p)),
            ));
            out.extend(related_group(
                "Nominated Pods".to_string(),
                here.nominated.iter().map(|p| pod_item(p)),
            ));
            out.extend(related_group(
                "Local Volumes".to_string(),
                here.disks.iter().filter_map(|pv| volume_item(c, pv.name())),
            ));
        }
        _ => {}
    }
    out
}

pub fn describe(sim: &Simulation, sel: &Selection) -> Option<Description> {
    let c = sim.cluster();
    // What is on the node, for its fields and its related objects alike (one pass).
    let on_nodes = if sel.kind == Kind::Node {
        by_node(sim)
    } else {
        BTreeMap::new()
    };
    let nothing = OnNode::default();
    let here = on_nodes.get(&*sel.key.name).unwrap_or(&nothing);
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut conditions = Vec::new();
    let f = |k: &str, v: String| (k.to_string(), v);
    match sel.kind {
        Kind::Pod => {
            let pod = c.pod(&sel.key).or_else(|| {
                c.deleted_pods
                    .iter()
                    .rev()
                    .find(|p| p.meta.key() == sel.key)
            })?;
            let state = PodState::of(pod);
            fields.push(f("Namespace", pod.meta.namespace.to_string()));
            fields.push(f("Priority", pod.spec.priority.to_string()));
            if let Some(pc) = &pod.spec.priority_class_name {
                fields.push(f("Priority Class Name", pc.to_string()));
            }
            // A node the pod is on or nominated to is a link among the related objects.
            if pod.node_name().is_none() {
                fields.push(f("Node", "<none>".to_string()));
            }
            fields.push(f("Status", state.label().to_string()));
            fields.push(f(
                "Requests",
                format!(
                    "cpu {}, memory {}",
                    format_milli(pod.spec.requests.milli_cpu),
                    format_bytes(pod.spec.requests.memory)
                ),
            ));
            for cond in &pod.status.conditions {
                conditions.push([
                    cond.type_.to_string(),
                    cond.status.to_string(),
                    cond.reason.to_string(),
                    cond.message.to_string(),
                ]);
            }
        }
        Kind::PersistentVolumeClaim => {
            let pvc = c.pvc(&sel.key)?;
            fields.push(f("Namespace", pvc.meta.namespace.to_string()));
            fields.push(f("StorageClass", pvc.class_name().to_string()));
            fields.push(f("Status", pvc.phase.as_str().to_string()));
            fields.push(f(
                "Volume",
                pvc.volume_name.as_deref().unwrap_or_default().to_string(),
            ));
            fields.push(f(
                "Access Modes",
                pvc.access_modes
                    .iter()
                    .map(|m| m.short())
                    .collect::<Vec<_>>()
                    .join(","),
            ));
            fields.push(f(
                "Request",
                pvc.request.map(format_bytes).unwrap_or_default(),
            ));
            if let Some(n) = pvc.selected_node() {
                fields.push(f("Selected Node", n.to_string()));
            }
            if pvc.meta.deletion.is_some() {
                fields.push(f("Terminating", "kubernetes.io/pvc-protection".to_string()));
            }
            annotations(&mut fields, &pvc.meta.annotations);
        }
        Kind::PersistentVolume => {
            let pv = c.pv(&sel.key.name)?;
            let row = volume_row(pv);
            fields.push(f("Status", row.phase.to_string()));
            fields.push(f(
                "Claim",
                row.claim.map(|c| c.key.to_string()).unwrap_or_default(),
            ));
            fields.push(f("StorageClass", row.class));
            fields.push(f("Capacity", row.capacity));
            fields.push(f(
                "Access Modes",
                pv.access_modes
                    .iter()
                    .map(|m| m.short())
                    .collect::<Vec<_>>()
                    .join(","),
            ));
            fields.push(f("Reclaim Policy", row.reclaim.to_string()));
            fields.push(f("Source", row.source));
            if let Some(t) = row.topology {
                fields.push(f("Node Affinity", t));
            }
            annotations(&mut fields, &pv.meta.annotations);
        }
        Kind::Node => {
            let node = c.nodes.get(&*sel.key.name)?;
            let card = node_card(sim, node, Some(here));
            fields.push(f("Zone", card.zone.unwrap_or_else(|| "<none>".to_string())));
            fields.push(f("Unschedulable", card.unschedulable.to_string()));
            fields.push(f(
                "Taints",
                if card.taints.is_empty() {
                    "<none>".to_string()
                } else {
                    card.taints.join(", ")
                },
            ));
            for b in card.bars {
                // The field names the resource already: `cpu  1 / 4`, not `cpu  cpu 1 / 4`.
                let amount = b.text.strip_prefix(b.label).unwrap_or(&b.text).trim_start();
                fields.push((b.label.to_string(), amount.to_string()));
            }
        }
        Kind::StorageClass => {
            let sc = c.storage_classes.get(&*sel.key.name)?;
            fields.push(f("Provisioner", sc.provisioner.clone()));
            fields.push(f(
                "VolumeBindingMode",
                match sc.binding_mode {
                    VolumeBindingMode::Immediate => "Immediate",
                    VolumeBindingMode::WaitForFirstConsumer => "WaitForFirstConsumer",
                }
                .to_string(),
            ));
            fields.push(f("ReclaimPolicy", sc.reclaim_policy.as_str().to_string()));
            fields.push(f(
                "AllowVolumeExpansion",
                sc.allow_volume_expansion.to_string(),
            ));
            fields.push(f("IsDefaultClass", sc.is_default().to_string()));
        }
        Kind::StatefulSet | Kind::Deployment | Kind::ReplicaSet => {
            let card = workload_cards(sim)
                .into_iter()
                .find(|w| w.selection == *sel)
                .or_else(|| {
                    // A Deployment's ReplicaSet has no card of its own.
                    let rs = c.replica_sets.get(&sel.key)?;
                    Some(WorkloadCard {
                        selection: sel.clone(),
                        name: rs.meta.name.to_string(),
                        desired: rs.replicas,
                        ready: rs.status.ready_replicas,
                        current: c.pods_owned_by(Kind::ReplicaSet, &sel.key).count(),
                        detail: rs
                            .meta
                            .controller()
                            .map(|o| format!("Controlled By: {}/{}", o.kind, o.name))
                            .unwrap_or_default(),
                        pods: Vec::new(),
                        claims: Vec::new(),
                        replica_sets: Vec::new(),
                    })
                })?;
            fields.push(f("Namespace", sel.key.namespace.to_string()));
            fields.push(f(
                "Replicas",
                format!(
                    "{} desired | {} current | {} ready",
                    card.desired, card.current, card.ready
                ),
            ));
            if !card.detail.is_empty() {
                fields.push(f("Policy", card.detail));
            }
            if !card.pods.is_empty() {
                fields.push(f(
                    "Pods",
                    card.pods
                        .iter()
                        .map(|p| format!("{} ({})", p.name, p.state.label()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
            if !card.replica_sets.is_empty() {
                fields.push(f(
                    "ReplicaSets",
                    card.replica_sets
                        .iter()
                        .map(|(s, n)| format!("{} ({n})", s.key.name))
                        .collect::<Vec<_>>()
                        .join(", "),
                ));
            }
        }
        _ => {
            fields.push(f("Kind", sel.kind.to_string()));
        }
    }
    Some(Description {
        title: sel.label(),
        fields,
        conditions,
        events: event_rows(sim, Some(sel)),
        related: related(sim, sel, here),
    })
}

fn annotations(fields: &mut Vec<(String, String)>, ann: &bindery_core::model::StrMap) {
    for (k, v) in ann {
        fields.push((format!("Annotation {k}"), v.to_string()));
    }
}

/// A phase change of a claim or volume across the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseChange {
    pub frame: usize,
    pub time: String,
    pub phase: String,
}

/// The phases an object went through, frame by frame (consecutive repeats folded).
pub fn phase_history<'a>(
    frames: impl Iterator<Item = &'a Simulation>,
    sel: &Selection,
) -> Vec<PhaseChange> {
    let mut out: Vec<PhaseChange> = Vec::new();
    for (i, sim) in frames.enumerate() {
        let c = sim.cluster();
        let phase = match sel.kind {
            Kind::PersistentVolumeClaim => c.pvc(&sel.key).map(|p| {
                let base = p.phase.as_str();
                if p.meta.deletion.is_some() {
                    format!("{base} (Terminating)")
                } else {
                    base.to_string()
                }
            }),
            Kind::PersistentVolume => c.pv(&sel.key.name).map(|p| {
                if p.meta.deletion.is_some() {
                    format!("{} (Terminating)", p.phase.as_str())
                } else {
                    p.phase.as_str().to_string()
                }
            }),
            Kind::Pod => c.pod(&sel.key).map(|p| PodState::of(p).label().to_string()),
            _ => None,
        }
        .unwrap_or_else(|| "(absent)".to_string());
        if out.last().is_none_or(|l| l.phase != phase) {
            out.push(PhaseChange {
                frame: i,
                time: format!("{}", sim.now()),
                phase,
            });
        }
    }
    out
}

/// The per-node × per-plugin verdict table.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictTable {
    pub plugins: Vec<&'static str>,
    pub rows: Vec<VerdictRow>,
    pub pre_filter_rejection: Option<String>,
    pub score_plugins: Vec<&'static str>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VerdictRow {
    pub node: String,
    pub feasible: bool,
    /// `(text, css)` per plugin column.
    pub cells: Vec<(String, &'static str)>,
    /// The row in one cell, shown next to the node name so the answer is not off to the
    /// right of a dozen plugin columns: the first plugin that rejected the node and why
    /// (upstream's Filter stops there), or that the node fits. `(text, css)` like a cell.
    pub summary: (String, &'static str),
    pub scores: Vec<String>,
    pub total: String,
}

/// For a pod already bound to a node: the timeline frame *before* the scheduling cycle that
/// placed it, so the verdict table shows what the scheduler saw when it decided (evaluated
/// on the bound cluster, the pod would count against its own node: an RWOP claim would
/// conflict with itself). `frames` are `(simulation, label, ends a scheduling cycle)` up to
/// the frame on screen. `None` when the pod is not bound yet, was bound without a
/// scheduling cycle (a `nodeName` in its manifest), or the timeline skipped that cycle.
pub fn decision_frame<'a>(
    frames: impl Iterator<Item = (&'a Simulation, &'a str, bool)>,
    pod: &ObjectKey,
) -> Option<usize> {
    let cycle_label = format!("scheduling cycle: {pod}");
    let mut last_cycle = None;
    for (i, (sim, label, scheduling)) in frames.enumerate() {
        if scheduling && label == cycle_label {
            last_cycle = Some(i);
        }
        if sim.cluster().pod(pod).is_some_and(|p| p.is_assigned()) {
            return last_cycle.filter(|&c| c > 0).map(|c| c - 1);
        }
    }
    None
}

/// [`VerdictRow::summary`] for one node's Filter verdicts, in plugin order.
fn verdict_summary(feasible: bool, filters: &[(&'static str, Verdict)]) -> (String, &'static str) {
    let first_rejection = filters.iter().find_map(|(plugin, v)| match v {
        Verdict::Failed { unresolvable, .. } => Some((
            format!("{plugin}: {}", v.label()),
            if *unresolvable {
                "failed unresolvable"
            } else {
                "failed"
            },
        )),
        Verdict::Error(_) => Some((format!("{plugin}: {}", v.label()), "failed")),
        _ => None,
    });
    match first_rejection {
        Some(s) => s,
        None if feasible => ("fits".to_string(), "passed"),
        None => ("not evaluated".to_string(), "notrun"),
    }
}

pub fn verdict_table(explanation: &Explanation) -> VerdictTable {
    let mut score_plugins: Vec<&'static str> = Vec::new();
    for row in &explanation.nodes {
        for (p, _) in &row.scores {
            if !score_plugins.contains(p) {
                score_plugins.push(p);
            }
        }
    }
    let rows = explanation
        .nodes
        .iter()
        .map(|r| VerdictRow {
            node: r.node.clone(),
            feasible: r.feasible,
            summary: verdict_summary(r.feasible, &r.filters),
            cells: explanation
                .plugins
                .iter()
                .map(|p| {
                    let v = r.filters.iter().find(|(n, _)| n == p).map(|(_, v)| v);
                    match v {
                        Some(v @ Verdict::Passed) => (v.label(), "passed"),
                        Some(
                            v @ Verdict::Failed {
                                unresolvable: true, ..
                            },
                        ) => (v.label(), "failed unresolvable"),
                        Some(v @ Verdict::Failed { .. }) => (v.label(), "failed"),
                        Some(v @ Verdict::Skipped) => (v.label(), "skipped"),
                        Some(v @ Verdict::NotRun) | Some(v @ Verdict::Error(_)) => {
                            (v.label(), "notrun")
                        }
                        None => ("-".to_string(), "notrun"),
                    }
                })
                .collect(),
            scores: score_plugins
                .iter()
                .map(|p| {
                    r.scores
                        .iter()
                        .find(|(n, _)| n == p)
                        .map(|(_, s)| s.to_string())
                        .unwrap_or_default()
                })
                .collect(),
            total: r.total.map(|t| t.to_string()).unwrap_or_default(),
        })
        .collect();
    VerdictTable {
        plugins: explanation.plugins.clone(),
        rows,
        pre_filter_rejection: explanation.pre_filter_rejection.clone(),
        score_plugins,
    }
}

// ---------------------------------------------------------------------------------------
// Chart data.

/// Running pods per zone, and the smallest maxSkew among the pods' zone constraints.
pub fn zone_spread(sim: &Simulation) -> (Vec<(String, usize)>, Option<i32>) {
    let view = cluster_view(sim);
    let zones = view
        .zones
        .iter()
        .map(|z| (z.name.clone(), z.running_pods))
        .collect();
    let max_skew = sim
        .cluster()
        .pods()
        .values()
        .flat_map(|p| p.spec.topology_spread_constraints.iter())
        .filter(|c| c.topology_key == well_known::LABEL_ZONE)
        .map(|c| c.max_skew)
        .min();
    (zones, max_skew)
}

/// Pending and running pod counts at each frame (for the timeline chart).
pub fn pending_running<'a>(
    frames: impl Iterator<Item = &'a Simulation>,
) -> Vec<(usize, usize, usize)> {
    frames
        .enumerate()
        .map(|(i, sim)| {
            let pods = sim.cluster().pods();
            let pending = pods.values().filter(|p| !p.is_assigned()).count();
            let running = pods
                .values()
                .filter(|p| p.status.phase == PodPhase::Running)
                .count();
            (i, pending, running)
        })
        .collect()
}

/// Bound volume capacity per node (local disks) and per class, in bytes.
pub fn capacity_used(sim: &Simulation) -> Vec<(String, i128, i128)> {
    let mut by: BTreeMap<String, (Bytes, Bytes)> = BTreeMap::new();
    for pv in sim.cluster().pvs().values() {
        let key = match pinned_node(pv) {
            Some(n) => format!("{n} · {}", pv.storage_class_name),
            None => format!("class {}", pv.storage_class_name),
        };
        let e = by.entry(key).or_default();
        e.1 += pv.capacity;
        if pv.phase == PvPhase::Bound {
            e.0 += pv.capacity;
        }
    }
    by.into_iter()
        .map(|(k, (used, total))| (k, used.get(), total.get()))
        .collect()
}

/// The events a frame added compared with the previous one (for the timeline label).
pub fn new_event_count(prev: &Simulation, next: &Simulation) -> usize {
    let count = |s: &Simulation| {
        s.log()
            .entries()
            .filter(|e| matches!(e.kind, EntryKind::Event(_)))
            .count()
    };
    count(next).saturating_sub(count(prev))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{run, Scenario, MAX_FRAMES};

    fn last(id: &str) -> Simulation {
        run(&Scenario::builtin(id).unwrap(), MAX_FRAMES)
            .last()
            .clone()
    }

    fn last_generated(nodes: usize, pods: usize) -> Simulation {
        let docs = bindery_core::generate::generate("storage-mix", nodes, pods, 1).unwrap();
        run(&Scenario::of_manifests("generated", "", docs), MAX_FRAMES)
            .last()
            .clone()
    }

    #[test]
    fn an_in_tree_volume_names_the_csi_driver_it_migrated_to() {
        let yaml = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: ebs}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  awsElasticBlockStore: {volumeID: vol-1}\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: share}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteMany]\n  nfs: {server: s, path: /}\n";
        let (scenario, _) = Scenario::from_yaml(yaml).unwrap();
        let sim = run(&scenario, MAX_FRAMES).last().clone();
        let sources: Vec<String> = cluster_view(&sim)
            .volumes
            .into_iter()
            .map(|v| v.source)
            .collect();
        assert_eq!(
            sources,
            ["awsElasticBlockStore (csi ebs.csi.aws.com)", "nfs"]
        );
    }

    #[test]
    fn workloads_group_their_pods_and_claims_in_ordinal_order() {
        let sim = last("statefulset-zone-spread");
        let cards = workload_cards(&sim);
        assert_eq!(cards.len(), 1);
        let w = &cards[0];
        assert_eq!(
            (w.name.as_str(), w.desired, w.ready, w.current),
            ("web", 4, 4, 4)
        );
        let pods: Vec<&str> = w.pods.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(pods, ["web-0", "web-1", "web-2", "web-3"]);
        let claims: Vec<(&str, &str)> = w.claims.iter().map(|(s, p)| (&*s.key.name, *p)).collect();
        assert_eq!(
            claims,
            [
                ("www-web-0", "Bound"),
                ("www-web-1", "Bound"),
                ("www-web-2", "Bound"),
                ("www-web-3", "Bound")
            ]
        );
        assert!(w.detail.starts_with("OrderedReady"));
        let desc = describe(&sim, &w.selection).unwrap();
        assert!(desc
            .fields
            .iter()
            .any(|(k, v)| k == "Replicas" && v == "4 desired | 4 current | 4 ready"));
        assert!(desc
            .events
            .iter()
            .any(|e| &*e.message == "create Claim www-web-0 Pod web-0 in StatefulSet web success"));

        // After the scale-down, retained claims of scaled-away ordinals are still listed.
        let sim = last("statefulset-scale-down-retention");
        let claims_of = |name: &str| -> Vec<String> {
            workload_cards(&sim)
                .into_iter()
                .find(|w| w.name == name)
                .unwrap()
                .claims
                .iter()
                .map(|(s, _)| s.key.name.to_string())
                .collect()
        };
        assert_eq!(
            claims_of("keep"),
            ["data-keep-0", "data-keep-1", "data-keep-2"]
        );
        assert_eq!(claims_of("drop"), ["data-drop-0"]);

        let sim = last("deployment-shared-rwop");
        let cards = workload_cards(&sim);
        assert_eq!(
            cards.len(),
            1,
            "the Deployment's ReplicaSet is listed under it"
        );
        let d = &cards[0];
        assert_eq!(
            (d.desired, d.ready, d.current, d.replica_sets.len()),
            (2, 1, 2, 1)
        );
        let states: Vec<PodState> = d.pods.iter().map(|p| p.state).collect();
        assert!(states.contains(&PodState::Running) && states.contains(&PodState::Pending));
        assert!(d.pods.iter().all(|p| p.rwop));
    }

    #[test]
    fn scaling_a_workload_in_the_scenario_re_runs_with_the_new_size() {
        let scenario = Scenario::builtin("statefulset-zone-spread").unwrap();
        let i = scenario
            .index_of(Kind::StatefulSet, &ObjectKey::new("default", "web"))
            .unwrap();
        assert_eq!(crate::script::replicas_of(&scenario.docs[i]), Some(4));
        let bigger = crate::script::scaled(&scenario.docs[i], 6).unwrap();
        let next = scenario.with_object(
            bigger,
            Some((Kind::StatefulSet, ObjectKey::new("default", "web"))),
        );
        let sim = run(&next, MAX_FRAMES).last().clone();
        let w = &workload_cards(&sim)[0];
        assert_eq!((w.desired, w.ready), (6, 6));
        // The spread stays even: three pods per zone, each claim provisioned in its pod's zone.
        let mut per_zone: BTreeMap<String, usize> = BTreeMap::new();
        for p in &w.pods {
            let node = sim.cluster().nodes.get(p.node.as_deref().unwrap()).unwrap();
            *per_zone
                .entry(node.label(well_known::LABEL_ZONE).unwrap().to_string())
                .or_default() += 1;
        }
        assert_eq!(per_zone.values().copied().collect::<Vec<_>>(), [3, 3]);
        assert!(
            crate::script::scaled(&scenario.docs[0], 1).is_none(),
            "a StorageClass has no replicas"
        );
    }

    #[test]
    fn rwop_conflict_shows_one_running_one_pending_with_the_upstream_message() {
        let sim = last("rwop-conflict");
        let v = cluster_view(&sim);
        assert_eq!(v.counts.pending, 1);
        let p = &v.pending[0];
        assert_eq!(p.state, PodState::Pending);
        assert!(p.rwop);
        let why = p.why_pending.as_deref().unwrap();
        assert!(
            why.contains("ReadWriteOncePod access mode already in-use by another pod"),
            "{why}"
        );
        let g = binding_graph(&sim);
        assert!(g.edges.iter().any(|e| e.css == "conflict"));
        // The RWOP claim, and only it, is drawn with a lock.
        let locked: Vec<&str> = g
            .nodes
            .iter()
            .filter(|n| n.locked)
            .map(|n| n.label.as_str())
            .collect();
        assert_eq!(locked, ["single-writer"]);
        let rwo = binding_graph(&last("local-pv-wffc"));
        assert!(rwo
            .nodes
            .iter()
            .any(|n| n.selection.kind == Kind::PersistentVolumeClaim));
        assert!(rwo.nodes.iter().all(|n| !n.locked));
        assert!(v
            .claims
            .iter()
            .any(|c| c.badges.iter().any(|b| b.locked && b.short == "RWOP")));
    }

    #[test]
    fn a_nodes_description_lists_its_usage_once_per_resource() {
        let sim = last("rwop-conflict");
        let node = sim.cluster().nodes.keys().next().unwrap();
        let desc = describe(
            &sim,
            &Selection::new(Kind::Node, ObjectKey::new("", node.as_str())),
        )
        .unwrap();
        for resource in ["cpu", "memory", "pods"] {
            let (_, value) = desc
                .fields
                .iter()
                .find(|(k, _)| k == resource)
                .unwrap_or_else(|| panic!("{resource}: {:?}", desc.fields));
            assert!(value.contains(" / "), "{resource}: {value}");
            assert!(!value.starts_with(resource), "{resource}: {value}");
        }
    }

    /// An ephemeral claim links to the pod that controls it, and the pod to the claim.
    #[test]
    fn an_ephemeral_claim_names_its_pod() {
        let sim = last("generic-ephemeral-volumes");
        let c = sim.cluster();
        let pod = c
            .pods()
            .values()
            .find(|p| p.meta.name.starts_with("cache-"))
            .expect("a cache pod");
        let claim = Selection::new(
            Kind::PersistentVolumeClaim,
            ObjectKey::new("default", format!("{}-scratch", pod.meta.name).as_str()),
        );
        assert_eq!(
            related_of(&sim, &claim, "Controlled By"),
            Some(vec![Selection::new(Kind::Pod, pod.meta.key())])
        );
        // The foreign claim of `report` names no controller.
        let foreign = Selection::new(
            Kind::PersistentVolumeClaim,
            ObjectKey::new("default", "report-scratch"),
        );
        assert_eq!(related_of(&sim, &foreign, "Controlled By"), None);
    }

    /// The selections of `sel`'s related group whose heading starts with `heading`.
    fn related_of(sim: &Simulation, sel: &Selection, heading: &str) -> Option<Vec<Selection>> {
        let desc = describe(sim, sel).unwrap();
        let group = desc
            .related
            .iter()
            .find(|g| g.heading.starts_with(heading))?;
        Some(group.items.iter().map(|i| i.selection.clone()).collect())
    }

    #[test]
    fn related_objects_link_pod_claim_volume_and_node_both_ways() {
        let sim = last("local-pv-wffc");
        let c = sim.cluster();
        let pod = c
            .pods()
            .values()
            .find(|p| p.has_claims() && p.node_name().is_some())
            .expect("a bound pod with a claim");
        let node = pod.node_name().unwrap().to_string();
        let pod_sel = Selection::new(Kind::Pod, pod.meta.key());
        let group = |sel: &Selection, heading: &str| -> Vec<Selection> {
            related_of(&sim, sel, heading).unwrap_or_else(|| panic!("no {heading} of {sel:?}"))
        };
        assert_eq!(
            group(&pod_sel, "Node"),
            [Selection::new(
                Kind::Node,
                ObjectKey::new("", node.as_str())
            )]
        );
        let claims = group(&pod_sel, "Claims");
        assert_eq!(claims.len(), pod.claim_names().count());
        let volumes = group(&pod_sel, "Volumes");
        assert_eq!(volumes.len(), 1, "the local volume the claim bound");
        // Back again: the claim is used by the pod and bound to the volume, the volume
        // is pinned to the pod's node, and the node lists the pod and the volume.
        assert!(group(&claims[0], "Used By").contains(&pod_sel));
        assert_eq!(group(&claims[0], "Volume"), volumes);
        assert_eq!(group(&volumes[0], "Claim"), claims[..1]);
        let node_sel = group(&volumes[0], "Node");
        assert_eq!(node_sel, group(&pod_sel, "Node"));
        assert!(group(&node_sel[0], "Non-terminated Pods").contains(&pod_sel));
        assert!(group(&node_sel[0], "Local Volumes").contains(&volumes[0]));
        let desc = describe(&sim, &node_sel[0]).unwrap();
        let running = c
            .pods()
            .values()
            .filter(|p| p.node_name() == Some(&node))
            .count();
        assert!(desc
            .related
            .iter()
            .any(|g| g.heading == format!("Non-terminated Pods ({running} in total)")));
    }

    #[test]
    fn names_sort_with_their_numbers_as_numbers() {
        let mut names = [
            "pod-180", "pod-22", "web", "pod-3", "pvc-a-10", "pvc-a-9", "pod-03", "a-b",
        ];
        bindery_core::sort::sort_by(&mut names, |a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["a-b", "pod-03", "pod-3", "pod-22", "pod-180", "pvc-a-9", "pvc-a-10", "web"]
        );
        // Past u64 the digits still order, after every smaller number.
        assert_eq!(
            natural_cmp("n-99999999999999999999", "n-5"),
            std::cmp::Ordering::Greater
        );
        // The generated cluster's node cards, claim and volume tables follow that order.
        let sim = last_generated(20, 120);
        let view = cluster_view(&sim);
        let sorted = |names: Vec<&str>| names.windows(2).all(|w| natural_cmp(w[0], w[1]).is_le());
        for zone in &view.zones {
            assert!(
                sorted(zone.nodes.iter().map(|n| n.name.as_str()).collect()),
                "{}",
                zone.name
            );
        }
        assert!(view.zones.iter().any(|z| z.nodes.len() > 4));
        for node in view.zones.iter().flat_map(|z| &z.nodes) {
            assert!(
                sorted(node.pods.iter().map(|p| p.name.as_str()).collect()),
                "{}",
                node.name
            );
            assert!(
                sorted(node.disks.iter().map(|d| d.name.as_str()).collect()),
                "{}",
                node.name
            );
        }
        assert!(sorted(
            view.claims.iter().map(|c| &*c.selection.key.name).collect()
        ));
        assert!(sorted(
            view.volumes.iter().map(|v| v.name.as_str()).collect()
        ));
        assert!(view.claims.len() > 20 && view.volumes.len() > 20);
    }

    #[test]
    fn related_groups_list_a_bounded_number_of_links() {
        let items = (0..RELATED_SHOWN + 7).map(|i| RelatedItem {
            selection: Selection::new(
                Kind::Pod,
                ObjectKey::new("default", format!("p-{i}").as_str()),
            ),
            label: format!("p-{i}"),
            detail: String::new(),
        });
        let g = related_group("Pods".to_string(), items).unwrap();
        assert_eq!((g.items.len(), g.more), (RELATED_SHOWN, 7));
        assert_eq!(related_group("None".to_string(), Vec::new()), None);
    }

    #[test]
    fn describe_ages_events_as_kubectl_describe_does() {
        let row = |count, age_ms: u64, first_ago| EventRow {
            warning: false,
            type_: "Normal",
            reason: "Scheduled",
            object: Selection::new(Kind::Pod, ObjectKey::new("default", "p")),
            message: "m".into(),
            count,
            age: age(age_ms),
            first_ago,
            source: "default-scheduler",
            first_seq: 0,
        };
        assert_eq!(row(1, 5_000, 5_000).describe_age(), "5s");
        assert_eq!(
            row(3, 10_000, 150_000).describe_age(),
            "10s (x3 over 2m30s)"
        );
        // From the engine: the FailedScheduling of a pod that stays Pending repeats.
        let sim = last("rwop-conflict");
        let pending = cluster_view(&sim).pending[0].selection.clone();
        let desc = describe(&sim, &pending).unwrap();
        let failed = desc
            .events
            .iter()
            .find(|e| e.reason == "FailedScheduling")
            .unwrap();
        assert_eq!(failed.source, "default-scheduler");
        assert!(failed.first_ago <= sim.now().millis());
        let scheduled = desc.events.iter().all(|e| e.source == "default-scheduler");
        assert!(scheduled, "{:?}", desc.events);
    }

    #[test]
    fn code_spans_cut_prose_at_paired_backticks() {
        assert_eq!(
            code_spans("`app` uses `keep`, not `x"),
            [
                (true, "app"),
                (false, " uses "),
                (true, "keep"),
                (false, ", not `x")
            ]
        );
        assert_eq!(code_spans("plain"), [(false, "plain")]);
        assert_eq!(code_spans("``"), [(true, "")]);
        assert!(code_spans("").is_empty());
        // Every lesson's text has its backticks paired: none is left in the prose.
        for lesson in crate::tutorial::LESSONS {
            for text in std::iter::once(&lesson.goal).chain(lesson.hints) {
                assert!(
                    code_spans(text)
                        .iter()
                        .all(|(code, t)| *code || !t.contains('`')),
                    "{}: {text}",
                    lesson.id
                );
            }
        }
    }

    #[test]
    fn preemption_lists_the_victim_and_the_preemptor_on_its_node() {
        let sim = last("rwop-preemption");
        let v = cluster_view(&sim);
        assert_eq!(v.counts.preempted, 1, "{:?}", v.preempted);
        assert_eq!(v.preempted[0].state, PodState::Preempted);
        let running: Vec<&PodChip> = v
            .zones
            .iter()
            .flat_map(|z| z.nodes.iter())
            .flat_map(|n| n.pods.iter())
            .collect();
        assert!(running.iter().any(|p| p.priority > v.preempted[0].priority));
    }

    #[test]
    fn local_disks_sit_on_their_nodes_and_zones_are_columns() {
        let sim = last("local-pv-wffc");
        let v = cluster_view(&sim);
        let disks: usize = v
            .zones
            .iter()
            .flat_map(|z| &z.nodes)
            .map(|n| n.disks.len())
            .sum();
        assert!(disks >= 2, "{disks}");
        let sim = last("zonal-volume-zone");
        let v = cluster_view(&sim);
        let names: Vec<&str> = v.zones.iter().map(|z| z.name.as_str()).collect();
        let mut sorted = names.clone();
        bindery_core::sort::sort(&mut sorted);
        assert!(names.len() >= 2);
        assert_eq!(names, sorted);
    }

    #[test]
    fn events_are_filtered_by_object_and_aged_in_sim_time() {
        let sim = last("rwop-conflict");
        let all = event_rows(&sim, None);
        let pending = cluster_view(&sim).pending[0].selection.clone();
        let mine = event_rows(&sim, Some(&pending));
        assert!(!mine.is_empty() && mine.len() < all.len());
        assert!(mine
            .iter()
            .any(|r| r.reason == "FailedScheduling" && r.warning));
    }

    #[test]
    fn counts_take_their_nouns_plural_but_for_one() {
        assert_eq!(counted(0, "pod"), "0 pods");
        assert_eq!(counted(1, "node"), "1 node");
        assert_eq!(counted(50, "node"), "50 nodes");
    }

    #[test]
    fn ages_read_as_kubectl_prints_them() {
        // apimachinery's duration.HumanDuration at each of its boundaries.
        let (s, m, h, d) = (1_000, 60_000, 3_600_000, 86_400_000u64);
        let cases = [
            (0, "0s"),
            (1_999, "1s"),
            (119 * s, "119s"),
            (120 * s, "2m"),
            (150 * s, "2m30s"),
            (9 * m + 59 * s, "9m59s"),
            (10 * m + 30 * s, "10m"),
            (64 * m, "64m"),
            (179 * m + 59 * s, "179m"),
            (3 * h, "3h"),
            (3 * h + 5 * m, "3h5m"),
            (7 * h + 59 * m, "7h59m"),
            (8 * h + 30 * m, "8h"),
            (47 * h, "47h"),
            (2 * d + 2 * h, "2d2h"),
            (3 * d, "3d"),
            (8 * d + 5 * h, "8d"),
            (729 * d, "729d"),
            (730 * d, "2y"),
            (760 * d, "2y30d"),
            (8 * 365 * d, "8y"),
        ];
        for (millis, want) in cases {
            assert_eq!(age(millis), want, "{millis} ms");
        }
    }

    #[test]
    fn verdict_table_names_volume_restrictions_for_the_rwop_loser() {
        let sim = last("rwop-conflict");
        let pending = cluster_view(&sim).pending[0].selection.clone();
        let t = verdict_table(&sim.explain(&pending.key).unwrap());
        let col = t
            .plugins
            .iter()
            .position(|p| *p == "VolumeRestrictions")
            .unwrap();
        assert!(
            t.rows.iter().all(|r| r.cells[col].1.starts_with("failed")),
            "{t:?}"
        );
    }

    #[test]
    fn a_bound_pod_is_explained_as_the_scheduler_saw_it() {
        let s = Scenario::builtin("rwop-conflict").unwrap();
        let r = run(&s, MAX_FRAMES);
        let sim = r.last();
        let running = cluster_view(sim)
            .zones
            .iter()
            .flat_map(|z| z.nodes.iter())
            .flat_map(|n| n.pods.iter())
            .next()
            .map(|p| p.selection.key.clone())
            .unwrap();
        let frames = || {
            r.frames
                .iter()
                .map(|f| (&f.sim, f.label.as_str(), f.scheduling))
        };
        let at = decision_frame(frames(), &running).expect("the cycle that placed it");
        assert!(!r.frames[at]
            .sim
            .cluster()
            .pod(&running)
            .unwrap()
            .is_assigned());
        assert_eq!(
            r.frames[at + 1].label,
            format!("scheduling cycle: {running}")
        );
        // Then its node fits, and the other node too (nothing held the claim yet).
        let t = verdict_table(&r.frames[at].sim.explain(&running).unwrap());
        assert!(t.rows.iter().all(|r| r.summary.0 == "fits"), "{t:?}");
        // On the bound cluster it would conflict with itself.
        let now = verdict_table(&sim.explain(&running).unwrap());
        assert!(
            now.rows.iter().all(|r| r.summary.1.starts_with("failed")),
            "{now:?}"
        );
        // A pending pod has no decision frame.
        let pending = cluster_view(sim).pending[0].selection.key.clone();
        assert_eq!(decision_frame(frames(), &pending), None);
    }

    #[test]
    fn verdict_summary_names_the_first_rejecting_plugin() {
        let sim = last("rwop-conflict");
        let pending = cluster_view(&sim).pending[0].selection.clone();
        let t = verdict_table(&sim.explain(&pending.key).unwrap());
        for r in &t.rows {
            assert!(
                r.summary.0.starts_with("VolumeRestrictions: node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod"),
                "{r:?}"
            );
            assert_eq!(r.summary.1, "failed");
        }
        // A node every plugin passed fits.
        assert_eq!(
            verdict_summary(
                true,
                &[
                    ("NodeUnschedulable", Verdict::Passed),
                    ("VolumeZone", Verdict::Skipped)
                ]
            ),
            ("fits".to_string(), "passed")
        );
        // An unresolvable rejection keeps its mark.
        assert_eq!(
            verdict_summary(
                false,
                &[
                    ("NodeUnschedulable", Verdict::Passed),
                    (
                        "NodeAffinity",
                        Verdict::Failed {
                            reason: "node(s) didn't match Pod's node affinity/selector".into(),
                            unresolvable: true
                        }
                    ),
                    (
                        "NodeResourcesFit",
                        Verdict::Failed {
                            reason: "Insufficient cpu".into(),
                            unresolvable: false
                        }
                    ),
                ]
            ),
            (
                "NodeAffinity: node(s) didn't match Pod's node affinity/selector".to_string(),
                "failed unresolvable"
            )
        );
    }

    #[test]
    fn phase_history_folds_repeats() {
        let s = Scenario::builtin("reclaim-and-protection").unwrap();
        let r = run(&s, MAX_FRAMES);
        let claim = r.last().cluster().pvcs().keys().next().cloned();
        if let Some(key) = claim {
            let h = phase_history(
                r.frames.iter().map(|f| &f.sim),
                &Selection::new(Kind::PersistentVolumeClaim, key),
            );
            assert!(h.windows(2).all(|w| w[0].phase != w[1].phase));
        }
    }

    #[test]
    fn dom_ids_are_safe() {
        let s = Selection::new(Kind::Pod, ObjectKey::new("default", "web.1"));
        assert_eq!(s.dom_id(), "pod-default-web-1");
    }
}
