//! The scheduling framework: status codes, per-cycle state, and the plugin interface.
//!
//! Mirrors `k8s.io/kube-scheduler/framework`: a plugin implements some extension points
//! (declared by [`Plugin::points`]), returns a [`Status`] whose [`Code`] decides what the
//! scheduler does next, and keeps its per-cycle data in its own slot of [`CycleState`].
//! Upstream keys cycle state by plugin name in a map of `any`; here every plugin owns a
//! typed field, which is the same idea with the compiler checking the types.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::cache::{NodeInfo, PodInfo, SchedulerCache};
use super::plugins::{
    inter_pod_affinity, node_affinity, node_ports, node_resources, pod_topology_spread,
    taint_toleration, volume_binding, volume_limits, volume_restrictions, volume_zone,
};
use crate::cluster::Cluster;
use crate::model::Pod;
use crate::version::KubeVersion;

/// `fwk.Code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    Success,
    /// An internal error: the cycle fails and the pod is retried.
    Error,
    /// The pod does not fit, and preemption might help.
    Unschedulable,
    /// The pod does not fit, and preemption cannot help on this node.
    UnschedulableAndUnresolvable,
    /// The plugin has nothing to do for this pod (PreFilter/PreScore only).
    Skip,
}

/// A reason a node was rejected. Almost all are fixed upstream strings, so they are
/// borrowed; a status is built for every rejected node in every cycle.
pub type Reason = Cow<'static, str>;

/// `fwk.Status`: a code, reasons, and (stamped by the framework) the plugin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub code: Code,
    pub reasons: Vec<Reason>,
    pub plugin: &'static str,
}

impl Status {
    pub fn success() -> Status {
        Status {
            code: Code::Success,
            reasons: Vec::new(),
            plugin: "",
        }
    }

    pub fn skip() -> Status {
        Status {
            code: Code::Skip,
            reasons: Vec::new(),
            plugin: "",
        }
    }

    pub fn new(code: Code, reason: impl Into<Reason>) -> Status {
        Status {
            code,
            reasons: vec![reason.into()],
            plugin: "",
        }
    }

    pub fn with_reasons(code: Code, reasons: Vec<Reason>) -> Status {
        Status {
            code,
            reasons,
            plugin: "",
        }
    }

    pub fn unschedulable(reason: impl Into<Reason>) -> Status {
        Status::new(Code::Unschedulable, reason)
    }

    pub fn unresolvable(reason: impl Into<Reason>) -> Status {
        Status::new(Code::UnschedulableAndUnresolvable, reason)
    }

    pub fn error(reason: impl Into<Reason>) -> Status {
        Status::new(Code::Error, reason)
    }

    pub fn is_success(&self) -> bool {
        self.code == Code::Success
    }

    /// `IsRejected`: Unschedulable or UnschedulableAndUnresolvable.
    pub fn is_rejected(&self) -> bool {
        matches!(
            self.code,
            Code::Unschedulable | Code::UnschedulableAndUnresolvable
        )
    }

    /// `Status.Message()`: the reasons joined by `", "`.
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }

    pub fn with_plugin(mut self, plugin: &'static str) -> Status {
        self.plugin = plugin;
        self
    }
}

/// `PreFilterResult`: `None` means all nodes.
pub type PreFilterResult = Option<BTreeSet<String>>;

/// Per-cycle data, one slot per plugin that needs one. Cloned for preemption's what-ifs.
#[derive(Clone, Debug, Default)]
pub struct CycleState {
    /// Plugins whose PreFilter returned Skip: their Filter (and AddPod/RemovePod) is not run.
    pub skip_filter: BTreeSet<&'static str>,
    /// The same, as a bit per profile position (checked per node, so kept cheap).
    pub skip_filter_mask: u64,
    /// The profile positions whose Filter runs (FILTER plugins not skipped), once the
    /// PreFilter has run (`None` before): the per-node loop then asks no plugin for its
    /// extension points.
    pub filter_mask: Option<u64>,
    /// Plugins whose PreScore returned Skip.
    pub skip_score: BTreeSet<&'static str>,
    pub node_affinity: Option<node_affinity::State>,
    pub node_ports: Option<node_ports::State>,
    pub node_resources: Option<node_resources::State>,
    pub taint_toleration: Option<taint_toleration::State>,
    pub volume_restrictions: Option<volume_restrictions::State>,
    pub volume_limits: Option<volume_limits::State>,
    pub volume_binding: Option<volume_binding::State>,
    pub volume_zone: Option<volume_zone::State>,
    pub pod_topology_spread: Option<pod_topology_spread::State>,
    pub inter_pod_affinity: Option<inter_pod_affinity::State>,
    /// DynamicResources wrote its (empty) PreFilter state: its PostFilter then says
    /// `no new claims to deallocate` instead of failing with `not found`.
    pub dynamic_resources_state: bool,
}

/// Read-only view of the world a plugin sees during a cycle.
pub struct Ctx<'a> {
    pub cluster: &'a Cluster,
    pub cache: &'a SchedulerCache,
    pub version: &'static KubeVersion,
    pub now: crate::time::SimTime,
}

/// The extension points a plugin implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Points(u16);

impl Points {
    pub const PRE_FILTER: Points = Points(1);
    pub const FILTER: Points = Points(2);
    pub const PRE_FILTER_EXTENSIONS: Points = Points(4);
    pub const PRE_SCORE: Points = Points(8);
    pub const SCORE: Points = Points(16);
    pub const RESERVE: Points = Points(32);
    pub const PRE_BIND: Points = Points(64);
    pub const POST_FILTER: Points = Points(128);

    pub const fn union(self, other: Points) -> Points {
        Points(self.0 | other.0)
    }

    pub fn has(self, p: Points) -> bool {
        self.0 & p.0 == p.0
    }
}

impl std::ops::BitOr for Points {
    type Output = Points;
    fn bitor(self, rhs: Points) -> Points {
        self.union(rhs)
    }
}

/// A scheduler plugin. Methods for extension points a plugin does not list in
/// [`Plugin::points`] are never called.
pub trait Plugin: Send + Sync {
    fn name(&self) -> &'static str;
    fn points(&self) -> Points;

    /// Score weight in the default profile (0 for non-scoring plugins).
    fn weight(&self) -> i64 {
        0
    }

    fn pre_filter(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
    ) -> (PreFilterResult, Status) {
        (None, Status::skip())
    }

    fn filter(&self, _cx: &Ctx, _state: &CycleState, _pod: &Pod, _node: &NodeInfo) -> Status {
        Status::success()
    }

    /// `PreFilterExtensions.AddPod`: `added` will run on `node` in this what-if.
    fn add_pod(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _added: &PodInfo,
        _node: &NodeInfo,
    ) {
    }

    /// `PreFilterExtensions.RemovePod`.
    fn remove_pod(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _removed: &PodInfo,
        _node: &NodeInfo,
    ) {
    }

    /// Removing pods from a node never turns this plugin's Filter from passing into
    /// rejecting (it reads only the node, or only gets easier as pods leave). Preemption's
    /// shortcut relies on it for the plugins that run before the one that rejected a node.
    fn passes_with_fewer_pods(&self) -> bool {
        false
    }

    /// Preemption's shortcut: this plugin's Filter rejected a node; would it still reject
    /// it, with the same status, after RemovePod of each of `removed` (the node's pods of
    /// lower priority)? `Some(true)` only when that is certain without a what-if copy of
    /// the node; `None` (the default): run the what-if.
    fn still_rejects_without(
        &self,
        _state: &CycleState,
        _pod: &Pod,
        _removed: &[&PodInfo],
    ) -> Option<bool> {
        None
    }

    fn pre_score(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        Status::skip()
    }

    fn score(&self, _cx: &Ctx, _state: &CycleState, _pod: &Pod, _node: &NodeInfo) -> i64 {
        0
    }

    /// `ScoreExtensions.NormalizeScore`; the default leaves raw scores alone.
    fn normalize(&self, _state: &CycleState, _scores: &mut [i64]) {}
}

/// `MaxNodeScore`.
pub const MAX_NODE_SCORE: i64 = 100;

/// `helper.DefaultNormalizeScore`.
pub fn default_normalize_score(max_priority: i64, reverse: bool, scores: &mut [i64]) {
    let max = scores.iter().copied().max().unwrap_or(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = max_priority);
        }
        return;
    }
    for s in scores.iter_mut() {
        *s = max_priority * *s / max;
        if reverse {
            *s = max_priority - *s;
        }
    }
}
