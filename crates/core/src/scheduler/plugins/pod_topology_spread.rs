//! PodTopologySpread: keep matching pods spread across topology domains.
//!
//! Filter (DoNotSchedule constraints): for each constraint, count matching pods per domain
//! over the nodes that carry every constraint's key and pass the inclusion policies
//! (nodeAffinityPolicy Honor by default, nodeTaintsPolicy Ignore by default); a node fails
//! when `pods in its domain + (1 if the pod matches its own selector) - global minimum`
//! exceeds `maxSkew` (the minimum counts as 0 while there are fewer than `minDomains`
//! domains). A node without the key fails as unresolvable.
//! Score (ScheduleAnyway constraints): fewer matching pods in the node's domain is better,
//! each constraint weighted by `ln(domain count + 2)`.

use std::collections::{BTreeMap, BTreeSet};

use super::names;
use super::node_affinity::pod_matches_node_selector_and_affinity;
use crate::model::{
    well_known, LabelSelector, Node, Pod, TaintEffect, TopologySpreadConstraint,
    UnsatisfiableAction,
};
use crate::scheduler::cache::{NodeInfo, PodInfo};
use crate::scheduler::framework::{
    Ctx, CycleState, Plugin, Points, PreFilterResult, Status, MAX_NODE_SCORE,
};

pub const NAME: &str = names::POD_TOPOLOGY_SPREAD;

/// `ErrReasonConstraintsNotMatch` (common.go).
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// `ErrReasonNodeLabelNotMatch`.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

/// A constraint with its effective selector (`matchLabelKeys` folded in).
#[derive(Clone, Debug)]
struct Constraint {
    max_skew: i64,
    key: String,
    min_domains: usize,
    selector: Option<LabelSelector>,
    honor_node_affinity: bool,
    honor_node_taints: bool,
}

impl Constraint {
    fn build(c: &TopologySpreadConstraint, pod: &Pod) -> Constraint {
        let mut selector = c.label_selector.clone();
        if let Some(sel) = selector.as_mut() {
            for k in &c.match_label_keys {
                if let Some(v) = pod.meta.labels.get(k) {
                    sel.and_equal(k, v);
                }
            }
        }
        Constraint {
            max_skew: c.max_skew as i64,
            key: c.topology_key.clone(),
            min_domains: c.min_domains.unwrap_or(1).max(1) as usize,
            selector,
            honor_node_affinity: c.honor_node_affinity,
            honor_node_taints: c.honor_node_taints,
        }
    }

    /// `matchNodeInclusionPolicies`.
    fn includes(&self, pod: &Pod, node: &Node) -> bool {
        if self.honor_node_affinity && !pod_matches_node_selector_and_affinity(pod, node) {
            return false;
        }
        if self.honor_node_taints
            && node.taints.iter().any(|t| {
                matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
                    && !pod.tolerates(t)
            })
        {
            return false;
        }
        true
    }

    /// `countPodsMatchSelector`: same namespace, not terminating, selector not empty.
    fn count(&self, pods: &[PodInfo], namespace: &str) -> i64 {
        let Some(sel) = &self.selector else {
            return 0;
        };
        if sel.selects_all() {
            return 0;
        }
        pods.iter()
            .filter(|p| {
                p.pod.meta.deletion.is_none()
                    && *p.pod.meta.namespace == *namespace
                    && sel.matches(&p.pod.meta.labels)
            })
            .count() as i64
    }

    fn matches_pod(&self, pod: &Pod) -> bool {
        self.selector
            .as_ref()
            .is_some_and(|s| s.matches(&pod.meta.labels))
    }
}

fn has_all_keys(node: &Node, constraints: &[Constraint]) -> bool {
    constraints
        .iter()
        .all(|c| node.meta.labels.contains_key(&c.key))
}

#[derive(Clone, Debug, Default)]
pub struct State {
    filter_constraints: Vec<Constraint>,
    /// Per filter constraint: matching pods per domain value.
    tp_value_to_match_num: Vec<BTreeMap<String, i64>>,
    score_constraints: Vec<Constraint>,
    score_require_all: bool,
    score_counts: Vec<BTreeMap<String, i64>>,
    score_weights: Vec<f64>,
    ignored: BTreeSet<String>,
    /// `ignored` in the order of the nodes given to PreScore, for NormalizeScore.
    ignored_in_order: Vec<bool>,
}

impl State {
    fn min_match(&self, i: usize) -> i64 {
        let counts = &self.tp_value_to_match_num[i];
        if counts.len() < self.filter_constraints[i].min_domains {
            return 0;
        }
        counts.values().copied().min().unwrap_or(i32::MAX as i64)
    }
}

pub struct PodTopologySpread;

impl PodTopologySpread {
    fn update_with_pod(state: &mut CycleState, pod: &Pod, other: &Pod, node: &Node, delta: i64) {
        let Some(s) = state.pod_topology_spread.as_mut() else {
            return;
        };
        if other.meta.namespace != pod.meta.namespace || !has_all_keys(node, &s.filter_constraints)
        {
            return;
        }
        for (i, c) in s.filter_constraints.iter().enumerate() {
            if !c.includes(pod, node) || !c.matches_pod(other) {
                continue;
            }
            let value = node.meta.labels[&c.key].to_string();
            *s.tp_value_to_match_num[i].entry(value).or_default() += delta;
        }
    }
}

fn constraints_of(pod: &Pod, action: UnsatisfiableAction) -> Vec<Constraint> {
    pod.spec
        .topology_spread_constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
        .map(|c| Constraint::build(c, pod))
        .collect()
}

/// PodTopologySpread's hint for a pod's creation (`old` is `None`), label update, or
/// deletion (`new` is `None`) (`isSchedulableAfterPodChange`). The changed pod is an
/// assigned pod of `pending`'s namespace, or `pending` itself (its own label change; the
/// queue passes the updated pod as `pending`): worth a retry when it matches one of
/// `pending`'s hard constraints' selectors (added or deleted), or when the update makes it
/// match, or stop matching, one of them.
pub fn pod_change_may_help(pending: &Pod, old: Option<&Pod>, new: Option<&Pod>) -> bool {
    let Some(changed) = new.or(old) else {
        return true;
    };
    if *changed.meta.namespace != *pending.meta.namespace {
        return false;
    }
    let constraints = constraints_of(pending, UnsatisfiableAction::DoNotSchedule);
    match (old, new) {
        (Some(o), Some(n)) => {
            o.meta.labels != n.meta.labels
                && constraints
                    .iter()
                    .any(|c| c.matches_pod(o) != c.matches_pod(n))
        }
        _ => constraints.iter().any(|c| c.matches_pod(changed)),
    }
}

/// PodTopologySpread's hint for a node's creation, update or deletion
/// (`isSchedulableAfterNodeChange`), with the pod's hard constraints: a new node, or a
/// deleted one, that has every topology key; an update that gives or takes a topology key,
/// or that changes a topology value or the taints of a node with every key.
pub fn node_change_may_help(pod: &Pod, old: Option<&Node>, new: Option<&Node>) -> bool {
    let constraints = constraints_of(pod, UnsatisfiableAction::DoNotSchedule);
    let matching = |n: &Node| has_all_keys(n, &constraints);
    match (old, new) {
        (Some(o), Some(n)) => {
            let (was, is) = (matching(o), matching(n));
            was != is
                || (is
                    && (constraints
                        .iter()
                        .any(|c| o.label(&c.key) != n.label(&c.key))
                        || o.taints != n.taints))
        }
        (None, Some(n)) => matching(n),
        (Some(o), None) => matching(o),
        (None, None) => true,
    }
}

/// `systemDefaultConstraints` (defaultingType System): hostname maxSkew 3 and zone maxSkew
/// 5, both ScheduleAnyway.
const SYSTEM_DEFAULT_CONSTRAINTS: [(&str, i64); 2] =
    [(well_known::LABEL_HOSTNAME, 3), (well_known::LABEL_ZONE, 5)];

/// `buildDefaultConstraints`: the system defaults, selecting pods with the selector of the
/// workload that controls the pod (`helper.DefaultSelector`; Bindery has no Services or
/// ReplicationControllers, so only ReplicaSets and StatefulSets contribute). None when
/// that selector is empty.
fn default_constraints(cx: &Ctx, pod: &Pod) -> Vec<Constraint> {
    let selector = crate::cluster::workload_owner(&pod.meta).and_then(|(kind, key)| match kind {
        crate::model::Kind::ReplicaSet => cx
            .cluster
            .replica_sets
            .get(&key)
            .map(|o| o.selector.clone()),
        crate::model::Kind::StatefulSet => cx
            .cluster
            .stateful_sets
            .get(&key)
            .map(|o| o.selector.clone()),
        _ => None,
    });
    let Some(selector) = selector.filter(|s| !s.selects_all()) else {
        return Vec::new();
    };
    SYSTEM_DEFAULT_CONSTRAINTS
        .iter()
        .map(|(key, max_skew)| Constraint {
            max_skew: *max_skew,
            key: key.to_string(),
            min_domains: 1,
            selector: Some(selector.clone()),
            honor_node_affinity: true,
            honor_node_taints: false,
        })
        .collect()
}

impl Plugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER
            | Points::FILTER
            | Points::PRE_FILTER_EXTENSIONS
            | Points::PRE_SCORE
            | Points::SCORE
    }

    fn weight(&self) -> i64 {
        2
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        let constraints = constraints_of(pod, UnsatisfiableAction::DoNotSchedule);
        if constraints.is_empty() {
            return (None, Status::skip());
        }
        // Keyed by the nodes' own label values while counting (a few distinct values over
        // thousands of nodes), owned only at the end.
        let mut counts: Vec<BTreeMap<&str, i64>> = vec![BTreeMap::new(); constraints.len()];
        let mut values: Vec<&str> = Vec::with_capacity(constraints.len());
        for info in cx.cache.nodes() {
            let node = &info.node;
            values.clear();
            for c in &constraints {
                match info.label(&c.key) {
                    Some(v) => values.push(v),
                    None => break,
                }
            }
            if values.len() < constraints.len() {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                if !c.includes(pod, node) {
                    continue;
                }
                let n = if info.pods.is_empty() {
                    0
                } else {
                    c.count(&info.pods, &pod.meta.namespace)
                };
                *counts[i].entry(values[i]).or_default() += n;
            }
        }
        let counts = counts
            .into_iter()
            .map(|m| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
            .collect();
        let s = state.pod_topology_spread.get_or_insert_with(State::default);
        s.filter_constraints = constraints;
        s.tp_value_to_match_num = counts;
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.pod_topology_spread else {
            return Status::success();
        };
        for (i, c) in s.filter_constraints.iter().enumerate() {
            let Some(value) = node.label(&c.key) else {
                return Status::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
            };
            let self_match = i64::from(c.matches_pod(pod));
            let match_num = s.tp_value_to_match_num[i].get(value).copied().unwrap_or(0);
            let skew = match_num + self_match - s.min_match(i);
            if skew > c.max_skew {
                return Status::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
            }
        }
        Status::success()
    }

    fn add_pod(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        added: &PodInfo,
        node: &NodeInfo,
    ) {
        Self::update_with_pod(state, pod, &added.pod, &node.node, 1);
    }

    fn remove_pod(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        removed: &PodInfo,
        node: &NodeInfo,
    ) {
        Self::update_with_pod(state, pod, &removed.pod, &node.node, -1);
    }

    fn pre_score(
        &self,
        cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        nodes: &[&NodeInfo],
    ) -> Status {
        // A pod without constraints of its own gets the system defaults, and then nodes
        // without a zone label still take part in hostname spreading.
        let explicit = !pod.spec.topology_spread_constraints.is_empty();
        let constraints = if explicit {
            constraints_of(pod, UnsatisfiableAction::ScheduleAnyway)
        } else {
            default_constraints(cx, pod)
        };
        if constraints.is_empty() || nodes.is_empty() {
            return Status::skip();
        }
        let require_all = explicit;
        let mut ignored = BTreeSet::new();
        let mut ignored_in_order = Vec::with_capacity(nodes.len());
        let mut counts: Vec<BTreeMap<String, i64>> = vec![BTreeMap::new(); constraints.len()];
        let mut host_domains = 0usize;
        for n in nodes {
            let skip = require_all && !has_all_keys(&n.node, &constraints);
            ignored_in_order.push(skip);
            if skip {
                ignored.insert(n.name().to_string());
                continue;
            }
            host_domains += 1;
            for (i, c) in constraints.iter().enumerate() {
                if c.key == well_known::LABEL_HOSTNAME {
                    continue;
                }
                // Without requireAllTopologies a node lacking the key is in the "" domain.
                let v = n
                    .node
                    .meta
                    .labels
                    .get(&c.key)
                    .unwrap_or_default()
                    .to_string();
                counts[i].entry(v).or_insert(0);
            }
        }
        let weights: Vec<f64> = constraints
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let size = if c.key == well_known::LABEL_HOSTNAME {
                    host_domains
                } else {
                    counts[i].len()
                };
                ((size + 2) as f64).ln()
            })
            .collect();
        for info in cx.cache.nodes() {
            let node = &info.node;
            if require_all && !has_all_keys(node, &constraints) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                if c.key == well_known::LABEL_HOSTNAME || !c.includes(pod, node) {
                    continue;
                }
                let v = node.meta.labels.get(&c.key).unwrap_or("");
                if let Some(slot) = counts[i].get_mut(v) {
                    *slot += c.count(&info.pods, &pod.meta.namespace);
                }
            }
        }
        let s = state.pod_topology_spread.get_or_insert_with(State::default);
        s.score_constraints = constraints;
        s.score_require_all = require_all;
        s.score_counts = counts;
        s.score_weights = weights;
        s.ignored = ignored;
        s.ignored_in_order = ignored_in_order;
        Status::success()
    }

    fn score(&self, _cx: &Ctx, state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        let Some(s) = &state.pod_topology_spread else {
            return 0;
        };
        if s.ignored.contains(node.name()) {
            return 0;
        }
        let mut score = 0.0;
        for (i, c) in s.score_constraints.iter().enumerate() {
            let Some(v) = node.node.meta.labels.get(&c.key) else {
                continue;
            };
            let cnt = if c.key == well_known::LABEL_HOSTNAME {
                c.count(&node.pods, &pod.meta.namespace)
            } else {
                s.score_counts[i].get(v).copied().unwrap_or(0)
            };
            score += cnt as f64 * s.score_weights[i] + (c.max_skew - 1) as f64;
        }
        score.round() as i64
    }

    fn normalize(&self, state: &CycleState, scores: &mut [i64]) {
        let Some(s) = &state.pod_topology_spread else {
            return;
        };
        let ignored = |i: usize| s.ignored_in_order.get(i).copied().unwrap_or(false);
        let mut min = i64::MAX;
        let mut max = 0;
        for (i, sc) in scores.iter().enumerate() {
            if ignored(i) {
                continue;
            }
            min = min.min(*sc);
            max = max.max(*sc);
        }
        for (i, sc) in scores.iter_mut().enumerate() {
            if ignored(i) {
                *sc = 0;
            } else if max == 0 {
                *sc = MAX_NODE_SCORE;
            } else {
                *sc = MAX_NODE_SCORE * (max + min - *sc) / max;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn spread(extra: &str) -> String {
        format!("  schedulingGates: [{{name: hold}}]\n  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector: {{matchLabels: {{app: web}}}}\n{extra}")
    }

    fn web(name: &str, node: &str) -> String {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: web}}}}\nspec:\n  nodeName: {node}\n  containers: [{{name: c, image: pause}}]\n")
    }

    #[test]
    fn skew_missing_label_and_min_domains() {
        let mut sim = world(&[
            node("a1", &[("topology.kubernetes.io/zone", "a")], ""),
            node("b1", &[("topology.kubernetes.io/zone", "b")], ""),
            node("nolabel", &[], ""),
            web("w1", "a1"),
        ]);
        let mut p = pod("new", &[], &spread(""));
        p = p.replace("labels: {app: new}", "labels: {app: web}");
        add_pending(&mut sim, &p);
        let cases = [
            (
                "a1",
                unschedulable("node(s) didn't match pod topology spread constraints"),
            ),
            ("b1", Status::success()),
            (
                "nolabel",
                unresolvable(
                    "node(s) didn't match pod topology spread constraints (missing required label)",
                ),
            ),
        ];
        for (n, want) in cases {
            assert_eq!(verdict(&sim, &PodTopologySpread, "new", n), want, "{n}");
        }
    }

    #[test]
    fn min_domains_treats_the_minimum_as_zero() {
        let mut sim = world(&[
            node("a1", &[("topology.kubernetes.io/zone", "a")], ""),
            node("b1", &[("topology.kubernetes.io/zone", "b")], ""),
            web("w1", "a1"),
            web("w2", "b1"),
        ]);
        let relabel = |p: String, name: &str| {
            p.replace(&format!("labels: {{app: {name}}}"), "labels: {app: web}")
        };
        add_pending(&mut sim, &relabel(pod("two", &[], &spread("")), "two"));
        add_pending(
            &mut sim,
            &relabel(pod("three", &[], &spread("    minDomains: 3\n")), "three"),
        );
        // One pod per zone: 1 + 1 - 1 = 1 fits; with fewer domains than minDomains the
        // minimum counts as 0 and 1 + 1 - 0 = 2 exceeds maxSkew.
        assert!(verdict(&sim, &PodTopologySpread, "two", "b1").is_success());
        assert_eq!(
            verdict(&sim, &PodTopologySpread, "three", "b1"),
            unschedulable("node(s) didn't match pod topology spread constraints")
        );
    }
}
