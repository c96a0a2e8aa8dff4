//! Pods: what the scheduler needs from the spec, plus the status the engine maintains.

use std::sync::Arc;

use thin_vec::ThinVec;

use super::{LabelSelector, Meta, NodeSelector, NodeSelectorTerm, Resources, Taint, TaintEffect};
use crate::time::SimTime;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PreemptionPolicy {
    #[default]
    PreemptLowerPriority,
    Never,
}

impl PreemptionPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PreemptionPolicy::PreemptLowerPriority => "PreemptLowerPriority",
            PreemptionPolicy::Never => "Never",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TolerationOperator {
    #[default]
    Equal,
    Exists,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Toleration {
    pub key: String,
    pub operator: TolerationOperator,
    pub value: String,
    pub effect: Option<TaintEffect>,
}

impl Toleration {
    /// `v1.Toleration.ToleratesTaint`.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if self.effect.is_some_and(|e| e != taint.effect) {
            return false;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator {
            TolerationOperator::Exists => true,
            TolerationOperator::Equal => self.value == taint.value,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnsatisfiableAction {
    #[default]
    DoNotSchedule,
    ScheduleAnyway,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopologySpreadConstraint {
    pub max_skew: i32,
    pub topology_key: String,
    pub when_unsatisfiable: UnsatisfiableAction,
    /// `None` selects no pods.
    pub label_selector: Option<LabelSelector>,
    pub min_domains: Option<i32>,
    /// `nodeAffinityPolicy`: true = Honor (the default).
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy`: true = Honor (the default is Ignore).
    pub honor_node_taints: bool,
    pub match_label_keys: Vec<String>,
}

/// `v1.PodAffinityTerm` as the scheduler sees it (`framework.AffinityTerm`), after the
/// API server folded `matchLabelKeys`/`mismatchLabelKeys` into the selector at creation.
#[derive(Clone, Debug, PartialEq)]
pub struct PodAffinityTerm {
    /// `labelSelector`; `None` (nil) selects no pods, an empty selector every pod.
    pub selector: Option<LabelSelector>,
    /// `namespaces`, or the pod's own namespace when both it and `namespaceSelector` are
    /// unset (`getNamespacesFromPodAffinityTerm`).
    pub namespaces: ThinVec<String>,
    /// `namespaceSelector`; `None` (nil) matches no namespace, empty matches all.
    pub namespace_selector: Option<LabelSelector>,
    pub topology_key: String,
}

/// `spec.affinity.podAffinity` and `podAntiAffinity`: required terms, and preferred terms
/// with their weights.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodAffinity {
    pub required_affinity: Vec<PodAffinityTerm>,
    pub preferred_affinity: Vec<(i32, PodAffinityTerm)>,
    pub required_anti_affinity: Vec<PodAffinityTerm>,
    pub preferred_anti_affinity: Vec<(i32, PodAffinityTerm)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PodVolumeSource {
    PersistentVolumeClaim {
        claim_name: String,
        read_only: bool,
    },
    /// A generic ephemeral volume: its claim is `<pod>-<volume>`, which the ephemeral
    /// volume controller creates from `template` (`volumeClaimTemplate`).
    Ephemeral {
        claim_name: String,
        template: Arc<k8s_openapi::api::core::v1::PersistentVolumeClaimTemplate>,
    },
    /// An in-tree disk: disk conflicts, and attach limits once migrated to CSI.
    InTree(Box<super::storage::InTreeDisk>),
    /// Any other volume type (emptyDir, configMap, …): no scheduling effect.
    Other(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodVolume {
    pub name: String,
    pub source: PodVolumeSource,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub protocol: String,
    pub host_ip: String,
    pub port: i32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PodPhase {
    #[default]
    Pending,
    Running,
    Succeeded,
    Failed,
}

impl PodPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            PodPhase::Pending => "Pending",
            PodPhase::Running => "Running",
            PodPhase::Succeeded => "Succeeded",
            PodPhase::Failed => "Failed",
        }
    }
}

/// The empty condition message, one allocation shared by every condition without one
/// (`Arc::from("")` allocates its counts every time).
pub fn no_message() -> std::sync::Arc<str> {
    static EMPTY: std::sync::LazyLock<std::sync::Arc<str>> =
        std::sync::LazyLock::new(|| std::sync::Arc::from(""));
    EMPTY.clone()
}

/// The words a pod condition's type, status and reason are made of: the engine only ever
/// writes upstream's constants, so a condition stores each as its index here (one byte,
/// not a 16-byte `&str`: a running pod has five conditions).
const CONDITION_WORDS: [&str; 14] = [
    "",
    "True",
    "False",
    "Unknown",
    "PodScheduled",
    "PodReadyToStartContainers",
    "Initialized",
    "ContainersReady",
    "Ready",
    "DisruptionTarget",
    "Unschedulable",
    "SchedulerError",
    "SchedulingGated",
    "PreemptionByScheduler",
];

/// One of [`CONDITION_WORDS`]; reads as the `str` it stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ConditionWord(u8);

impl ConditionWord {
    /// The word `s`. Evaluated at compile time for the constants below, where a word
    /// missing from the table fails the build.
    pub const fn of(s: &str) -> ConditionWord {
        let mut i = 0;
        while i < CONDITION_WORDS.len() {
            let w = CONDITION_WORDS[i].as_bytes();
            let b = s.as_bytes();
            if w.len() == b.len() {
                let mut j = 0;
                while j < w.len() && w[j] == b[j] {
                    j += 1;
                }
                if j == w.len() {
                    return ConditionWord(i as u8);
                }
            }
            i += 1;
        }
        panic!("not a pod condition word")
    }

    pub fn as_str(self) -> &'static str {
        CONDITION_WORDS[self.0 as usize]
    }
}

impl std::ops::Deref for ConditionWord {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for ConditionWord {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ConditionWord {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for ConditionWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for ConditionWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The condition words the engine writes.
pub mod condition {
    use super::ConditionWord;

    pub const NO_REASON: ConditionWord = ConditionWord::of("");
    pub const TRUE: ConditionWord = ConditionWord::of("True");
    pub const FALSE: ConditionWord = ConditionWord::of("False");
    pub const POD_SCHEDULED: ConditionWord = ConditionWord::of("PodScheduled");
    pub const POD_READY_TO_START_CONTAINERS: ConditionWord =
        ConditionWord::of("PodReadyToStartContainers");
    pub const INITIALIZED: ConditionWord = ConditionWord::of("Initialized");
    pub const CONTAINERS_READY: ConditionWord = ConditionWord::of("ContainersReady");
    pub const READY: ConditionWord = ConditionWord::of("Ready");
    pub const DISRUPTION_TARGET: ConditionWord = ConditionWord::of("DisruptionTarget");
    pub const UNSCHEDULABLE: ConditionWord = ConditionWord::of("Unschedulable");
    pub const SCHEDULER_ERROR: ConditionWord = ConditionWord::of("SchedulerError");
    pub const SCHEDULING_GATED: ConditionWord = ConditionWord::of("SchedulingGated");
    pub const PREEMPTION_BY_SCHEDULER: ConditionWord = ConditionWord::of("PreemptionByScheduler");
}

/// A pod condition. Types, statuses and reasons are always upstream constants
/// ([`ConditionWord`]); the message is shared with the event that carried it.
#[derive(Clone, Debug, PartialEq)]
pub struct PodCondition {
    pub type_: ConditionWord,
    pub status: ConditionWord,
    pub reason: ConditionWord,
    pub message: std::sync::Arc<str>,
    pub last_transition: SimTime,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodSpec {
    /// `spec.nodeName`: set in the manifest (bypasses the scheduler) or by binding.
    pub node_name: Option<Arc<str>>,
    pub scheduler_name: Arc<str>,
    pub priority: i32,
    pub priority_class_name: Option<Arc<str>>,
    pub preemption_policy: PreemptionPolicy,
    pub node_selector: super::StrMap,
    pub tolerations: ThinVec<Toleration>,
    pub topology_spread_constraints: ThinVec<TopologySpreadConstraint>,
    /// `spec.affinity.podAffinity`/`podAntiAffinity`: `Some` when either is set
    /// (`PodWithAffinity`). Boxed: almost no pod has one.
    pub pod_affinity: Option<Box<PodAffinity>>,
    pub volumes: ThinVec<PodVolume>,
    /// Effective requests (`resource.PodRequests`: containers, init containers, overhead).
    pub requests: Resources,
    /// Requests with upstream's non-zero defaults (100m CPU, 200Mi memory per container),
    /// used only for scoring.
    pub non_zero_milli_cpu: i64,
    pub non_zero_memory: i64,
    pub termination_grace_seconds: i64,
    /// Fields few pods set, in one box ([`RareSpec`]); `None` when all are empty. Read them
    /// through the accessors of the same names.
    pub rare: Option<Box<RareSpec>>,
}

/// The pod-spec fields few pods set, boxed together: a pod without any of them carries one
/// null pointer instead of 48 bytes (150k pods, and every version of each).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RareSpec {
    pub required_node_affinity: Option<NodeSelector>,
    pub preferred_node_affinity: ThinVec<(i32, NodeSelectorTerm)>,
    pub host_ports: ThinVec<HostPort>,
    pub scheduling_gates: ThinVec<String>,
}

impl PodSpec {
    /// `spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`.
    pub fn required_node_affinity(&self) -> Option<&NodeSelector> {
        self.rare.as_ref()?.required_node_affinity.as_ref()
    }

    /// `…preferredDuringSchedulingIgnoredDuringExecution`, as (weight, term).
    pub fn preferred_node_affinity(&self) -> &[(i32, NodeSelectorTerm)] {
        self.rare
            .as_ref()
            .map_or(&[], |r| &r.preferred_node_affinity)
    }

    /// The host ports the containers ask for.
    pub fn host_ports(&self) -> &[HostPort] {
        self.rare.as_ref().map_or(&[], |r| &r.host_ports)
    }

    /// `spec.schedulingGates`, by name.
    pub fn scheduling_gates(&self) -> &[String] {
        self.rare.as_ref().map_or(&[], |r| &r.scheduling_gates)
    }

    /// Stores `rare`, or nothing when all its fields are empty (so equal specs compare
    /// equal however they were built).
    pub fn set_rare(&mut self, rare: RareSpec) {
        self.rare = (rare != RareSpec::default()).then(|| Box::new(rare));
    }

    pub fn set_scheduling_gates(&mut self, gates: ThinVec<String>) {
        let mut rare = self.rare.take().map(|r| *r).unwrap_or_default();
        rare.scheduling_gates = gates;
        self.set_rare(rare);
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodStatus {
    pub phase: PodPhase,
    pub nominated_node_name: Option<Arc<str>>,
    pub conditions: ThinVec<PodCondition>,
    pub start_time: Option<SimTime>,
    /// The scheduler preempted this pod (it carries a `DisruptionTarget` condition).
    pub preempted: bool,
    /// Set once the pod has terminated and been removed from the API; kept so that the
    /// story stays visible (e.g. preempted pods stay listed).
    pub deleted_at: Option<SimTime>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pod {
    pub meta: Meta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

impl Pod {
    /// Names of the claims the pod's volumes refer to, in volume order.
    pub fn claim_names(&self) -> impl Iterator<Item = &str> {
        self.spec.volumes.iter().filter_map(|v| match &v.source {
            PodVolumeSource::PersistentVolumeClaim { claim_name, .. }
            | PodVolumeSource::Ephemeral { claim_name, .. } => Some(claim_name.as_str()),
            PodVolumeSource::InTree(_) | PodVolumeSource::Other(_) => None,
        })
    }

    /// Each claim the pod's volumes refer to, in volume order, with whether it is a generic
    /// ephemeral volume's (whose claim must also be controlled by the pod,
    /// `pv_helpers::volume_is_for_pod`).
    pub fn claim_refs(&self) -> impl Iterator<Item = (&str, bool)> {
        self.spec.volumes.iter().filter_map(|v| match &v.source {
            PodVolumeSource::PersistentVolumeClaim { claim_name, .. } => {
                Some((claim_name.as_str(), false))
            }
            PodVolumeSource::Ephemeral { claim_name, .. } => Some((claim_name.as_str(), true)),
            PodVolumeSource::InTree(_) | PodVolumeSource::Other(_) => None,
        })
    }

    /// Names of the claims the pod's `persistentVolumeClaim` volumes name (not its generic
    /// ephemeral volumes'): what the scheduler's `PVCRefCounts` count.
    pub fn persistent_claim_names(&self) -> impl Iterator<Item = &str> {
        self.spec.volumes.iter().filter_map(|v| match &v.source {
            PodVolumeSource::PersistentVolumeClaim { claim_name, .. } => Some(claim_name.as_str()),
            _ => None,
        })
    }

    pub fn has_claims(&self) -> bool {
        self.claim_names().next().is_some()
    }

    /// The pod's inline in-tree disks, in volume order, with their volume names.
    pub fn in_tree_disks(&self) -> impl Iterator<Item = (&str, &super::storage::InTreeDisk)> {
        self.spec.volumes.iter().filter_map(|v| match &v.source {
            PodVolumeSource::InTree(d) => Some((v.name.as_str(), &**d)),
            _ => None,
        })
    }

    pub fn node_name(&self) -> Option<&str> {
        self.spec.node_name.as_deref()
    }

    pub fn is_assigned(&self) -> bool {
        self.spec.node_name.is_some()
    }

    /// Gone from the API (terminated after deletion); kept only for the record.
    pub fn is_deleted(&self) -> bool {
        self.status.deleted_at.is_some()
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.status.phase, PodPhase::Succeeded | PodPhase::Failed)
    }

    pub fn condition(&self, type_: &str) -> Option<&PodCondition> {
        self.status.conditions.iter().find(|c| c.type_ == type_)
    }

    /// Adds or replaces a condition; keeps the transition time if the status is unchanged.
    pub fn set_condition(&mut self, mut cond: PodCondition) {
        if let Some(existing) = self
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == cond.type_)
        {
            if existing.status == cond.status {
                cond.last_transition = existing.last_transition;
            }
            *existing = cond;
        } else {
            // Exact: a pod holds at most a handful, and 150k pods each pay for spare slots
            // (a first push would reserve four).
            self.status.conditions.reserve_exact(1);
            self.status.conditions.push(cond);
        }
    }

    /// `v1.TolerationsTolerateTaint` over this pod's tolerations.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        self.spec.tolerations.iter().any(|t| t.tolerates(taint))
    }
}
