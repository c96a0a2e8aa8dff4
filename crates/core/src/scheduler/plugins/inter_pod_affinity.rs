//! InterPodAffinity: required pod affinity and anti-affinity (the incoming pod's and the
//! existing pods'), and preferred terms as a score.
//!
//! Mirrors `pkg/scheduler/framework/plugins/interpodaffinity` (v1.36, default gates and
//! args: `hardPodAffinityWeight: 1`, `ignorePreferredTermsOfExistingPods: false`).
//!
//! PreFilter counts, per topology pair (`key`, `value`): the existing pods whose required
//! anti-affinity terms match the incoming pod, the existing pods matching all of the
//! incoming pod's required affinity terms, and those matching each of its required
//! anti-affinity terms. It skips when the pod has no required terms and no existing pod's
//! anti-affinity matches it. Filter then checks, in upstream's order: affinity
//! (UnschedulableAndUnresolvable; a node lacking a term's topology key fails; the first pod
//! of a self-affine group passes when no pod in the cluster matches yet), the pod's own
//! anti-affinity (Unschedulable), existing pods' anti-affinity (Unschedulable).
//! AddPod/RemovePod update the counts, so preemption's what-ifs see victims leave.
//!
//! Namespaces: Bindery has no Namespace objects. A namespace is taken to carry only the
//! label every namespace gets from the API server, `kubernetes.io/metadata.name: <name>`,
//! so a `namespaceSelector` is matched against that label: `{}` selects every namespace,
//! `matchLabels: {kubernetes.io/metadata.name: x}` selects `x`, a selector on any other
//! label selects none.

use std::collections::BTreeMap;

use super::names;
use crate::model::{LabelSelector, Node, Pod, PodAffinity, PodAffinityTerm, StrMap};
use crate::scheduler::cache::{NodeInfo, PodInfo};
use crate::scheduler::framework::{
    Ctx, CycleState, Plugin, Points, PreFilterResult, Status, MAX_NODE_SCORE,
};

pub const NAME: &str = names::INTER_POD_AFFINITY;

/// `ErrReasonExistingAntiAffinityRulesNotMatch` (filtering.go).
pub const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";
/// `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY_RULES_NOT_MATCH: &str = "node(s) didn't match pod affinity rules";
/// `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH: &str =
    "node(s) didn't match pod anti-affinity rules";

/// `DefaultHardPodAffinityWeight` (InterPodAffinityArgs' default).
pub const DEFAULT_HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// The label the API server puts on every namespace (`v1.LabelMetadataName`).
const LABEL_METADATA_NAME: &str = "kubernetes.io/metadata.name";

fn selector_matches_namespace(sel: &LabelSelector, namespace: &str) -> bool {
    if sel.selects_all() {
        return true;
    }
    let labels: StrMap = [(LABEL_METADATA_NAME, namespace)].into();
    sel.matches(&labels)
}

/// `AffinityTerm.Matches`: the pod's namespace is listed (or selected by the namespace
/// selector) and its labels match the term's selector.
pub fn term_matches(term: &PodAffinityTerm, pod: &Pod) -> bool {
    let ns = &*pod.meta.namespace;
    let in_namespace = term.namespaces.iter().any(|n| n == ns)
        || term
            .namespace_selector
            .as_ref()
            .is_some_and(|s| selector_matches_namespace(s, ns));
    in_namespace
        && term
            .selector
            .as_ref()
            .is_some_and(|s| s.matches(&pod.meta.labels))
}

/// `podMatchesAllAffinityTerms`: false for no terms.
pub fn pod_matches_all_terms(terms: &[PodAffinityTerm], pod: &Pod) -> bool {
    !terms.is_empty() && terms.iter().all(|t| term_matches(t, pod))
}

fn affinity_of(pod: &Pod) -> Option<&PodAffinity> {
    pod.spec.pod_affinity.as_deref()
}

fn required_affinity(pod: &Pod) -> &[PodAffinityTerm] {
    affinity_of(pod).map_or(&[], |a| &a.required_affinity)
}

fn required_anti_affinity(pod: &Pod) -> &[PodAffinityTerm] {
    affinity_of(pod).map_or(&[], |a| &a.required_anti_affinity)
}

/// `topologyToMatchedTermCount`: matches per topology key, then value (nested so lookups
/// borrow the node's label instead of building a key). Never holds a zero count or an
/// empty inner map, so `is_empty` is upstream's `len(m) == 0`.
type TopologyCounts = BTreeMap<String, BTreeMap<String, i64>>;

/// `topologyToMatchedTermCount.update`: adds `value` to the node's pair for `key` (if the
/// node has the label), dropping pairs that reach zero.
fn update(m: &mut TopologyCounts, node: &NodeInfo, key: &str, value: i64) {
    let Some(v) = node.label(key) else {
        return;
    };
    let values = match m.get_mut(key) {
        Some(values) => values,
        None => m.entry(key.to_string()).or_default(),
    };
    let n = match values.get_mut(v) {
        Some(n) => n,
        None => values.entry(v.to_string()).or_insert(0),
    };
    *n += value;
    if *n == 0 {
        values.remove(v);
        if values.is_empty() {
            m.remove(key);
        }
    }
}

fn count(m: &TopologyCounts, key: &str, value: &str) -> i64 {
    m.get(key).and_then(|v| v.get(value)).copied().unwrap_or(0)
}

#[derive(Clone, Debug, Default)]
pub struct State {
    /// Existing pods whose required anti-affinity terms match the incoming pod.
    existing_anti_affinity: TopologyCounts,
    /// Existing pods matching all of the incoming pod's required affinity terms.
    affinity: TopologyCounts,
    /// Existing pods matching the incoming pod's required anti-affinity terms.
    anti_affinity: TopologyCounts,
    /// PreScore's `topologyScore`: key, then value, then the summed weights.
    topology_score: BTreeMap<String, BTreeMap<String, i64>>,
}

impl State {
    /// `preFilterState.updateWithPod`.
    fn update_with_pod(&mut self, incoming: &Pod, other: &Pod, node: &NodeInfo, value: i64) {
        for t in required_anti_affinity(other) {
            if term_matches(t, incoming) {
                update(
                    &mut self.existing_anti_affinity,
                    node,
                    &t.topology_key,
                    value,
                );
            }
        }
        let aff = required_affinity(incoming);
        if pod_matches_all_terms(aff, other) {
            for t in aff {
                update(&mut self.affinity, node, &t.topology_key, value);
            }
        }
        for t in required_anti_affinity(incoming) {
            if term_matches(t, other) {
                update(&mut self.anti_affinity, node, &t.topology_key, value);
            }
        }
    }
}

pub struct InterPodAffinity;

/// `nodeTopologyMatchesAffinity` (with `satisfiesSelfAffinityCheck`).
fn satisfies_pod_affinity(s: &State, pod: &Pod, node: &NodeInfo) -> bool {
    let terms = required_affinity(pod);
    if terms.is_empty() {
        return true;
    }
    let mut pods_exist = true;
    for t in terms {
        match node.label(&t.topology_key) {
            Some(v) => {
                if count(&s.affinity, &t.topology_key, v) <= 0 {
                    pods_exist = false;
                }
            }
            // All topology labels must exist on the node, also for self-affinity.
            None => return false,
        }
    }
    // The first pod of a group with affinity to itself: no pod in the cluster matches the
    // terms yet, and the pod matches them itself.
    pods_exist || (s.affinity.is_empty() && pod_matches_all_terms(terms, pod))
}

/// `satisfyPodAntiAffinity`.
fn satisfies_pod_anti_affinity(s: &State, pod: &Pod, node: &NodeInfo) -> bool {
    if s.anti_affinity.is_empty() {
        return true;
    }
    !required_anti_affinity(pod).iter().any(|t| {
        node.label(&t.topology_key)
            .is_some_and(|v| count(&s.anti_affinity, &t.topology_key, v) > 0)
    })
}

/// `satisfyExistingPodsAntiAffinity`.
fn satisfies_existing_pods_anti_affinity(s: &State, node: &NodeInfo) -> bool {
    !s.existing_anti_affinity.iter().any(|(k, values)| {
        node.label(k)
            .is_some_and(|v| values.get(v).is_some_and(|n| *n > 0))
    })
}

/// `scoreMap.processTerm`: adds `weight` to the node's pair for the term's key when `pod`
/// matches the term. Returns whether an entry was touched.
fn process_term(
    m: &mut BTreeMap<String, BTreeMap<String, i64>>,
    term: &PodAffinityTerm,
    weight: i64,
    pod: &Pod,
    node: &NodeInfo,
) -> bool {
    if !term_matches(term, pod) {
        return false;
    }
    let Some(v) = node.label(&term.topology_key) else {
        return false;
    };
    *m.entry(term.topology_key.clone())
        .or_default()
        .entry(v.to_string())
        .or_insert(0) += weight;
    true
}

/// InterPodAffinity's hint for an assigned pod's creation (`old` is `None`), label update, or
/// deletion (`new` is `None`) (`isSchedulableAfterPodChange`): the pod now matches all of
/// `pending`'s required affinity terms, or no longer matches all of its anti-affinity
/// terms; a deleted pod that matched them, or whose own required anti-affinity matched
/// `pending` (upstream's "requeued when deleting the existing pod with podAntiAffinity
/// that matches the target pod").
pub fn pod_change_may_help(pending: &Pod, old: Option<&Pod>, new: Option<&Pod>) -> bool {
    let (terms, anti) = (required_affinity(pending), required_anti_affinity(pending));
    match (old, new) {
        (Some(o), Some(n)) => {
            (!pod_matches_all_terms(terms, o) && pod_matches_all_terms(terms, n))
                || (pod_matches_all_terms(anti, o) && !pod_matches_all_terms(anti, n))
        }
        (None, Some(n)) => pod_matches_all_terms(terms, n),
        (Some(o), None) => {
            pod_matches_all_terms(anti, o)
                || required_anti_affinity(o)
                    .iter()
                    .any(|t| term_matches(t, pending))
        }
        (None, None) => true,
    }
}

/// InterPodAffinity's hint for a node's creation or update (`isSchedulableAfterNodeChange`),
/// over the pod's required terms: an affinity term's topology key appears on the node or
/// changes value; for anti-affinity any new node, or a term's key that leaves the node or
/// changes value.
pub fn node_change_may_help(pod: &Pod, old: Option<&Node>, new: &Node) -> bool {
    let affinity = required_affinity(pod).iter().any(|t| {
        let now = new.label(&t.topology_key);
        now.is_some() && old.is_none_or(|o| o.label(&t.topology_key) != now)
    });
    let anti = required_anti_affinity(pod).iter().any(|t| match old {
        None => true,
        Some(o) => {
            let was = o.label(&t.topology_key);
            was.is_some() && was != new.label(&t.topology_key)
        }
    });
    affinity || anti
}

impl Plugin for InterPodAffinity {
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
        let aff = required_affinity(pod);
        let anti = required_anti_affinity(pod);
        let mut s = State::default();
        if cx.cache.pods_with_affinity() > 0 {
            // getExistingAntiAffinityCounts over the nodes with such pods.
            for info in cx
                .cache
                .nodes()
                .iter()
                .filter(|n| n.pods_with_required_anti_affinity > 0)
            {
                for p in &info.pods {
                    for t in required_anti_affinity(&p.pod) {
                        if term_matches(t, pod) {
                            update(&mut s.existing_anti_affinity, info, &t.topology_key, 1);
                        }
                    }
                }
            }
        }
        if aff.is_empty() && anti.is_empty() {
            if s.existing_anti_affinity.is_empty() {
                return (None, Status::skip());
            }
        } else {
            // getIncomingAffinityAntiAffinityCounts over all nodes and pods.
            for info in cx.cache.nodes() {
                for p in &info.pods {
                    if pod_matches_all_terms(aff, &p.pod) {
                        for t in aff {
                            update(&mut s.affinity, info, &t.topology_key, 1);
                        }
                    }
                    for t in anti {
                        if term_matches(t, &p.pod) {
                            update(&mut s.anti_affinity, info, &t.topology_key, 1);
                        }
                    }
                }
            }
        }
        state.inter_pod_affinity = Some(s);
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.inter_pod_affinity else {
            return Status::success();
        };
        if !satisfies_pod_affinity(s, pod, node) {
            return Status::unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
        }
        if !satisfies_pod_anti_affinity(s, pod, node) {
            return Status::unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
        }
        if !satisfies_existing_pods_anti_affinity(s, node) {
            return Status::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
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
        if let Some(s) = state.inter_pod_affinity.as_mut() {
            s.update_with_pod(pod, &added.pod, node, 1);
        }
    }

    fn remove_pod(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        removed: &PodInfo,
        node: &NodeInfo,
    ) {
        if let Some(s) = state.inter_pod_affinity.as_mut() {
            s.update_with_pod(pod, &removed.pod, node, -1);
        }
    }

    fn pre_score(
        &self,
        cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        let incoming = affinity_of(pod);
        let has_constraints = incoming.is_some_and(|a| {
            !a.preferred_affinity.is_empty() || !a.preferred_anti_affinity.is_empty()
        });
        // Without preferred terms of its own, only pods with affinity can score.
        if !has_constraints && cx.cache.pods_with_affinity() == 0 {
            return Status::skip();
        }
        let mut topology_score: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
        let mut touched = false;
        for info in cx.cache.nodes() {
            if !has_constraints && info.pods_with_affinity == 0 {
                continue;
            }
            if info.node.meta.labels.is_empty() {
                continue;
            }
            for p in &info.pods {
                let existing = affinity_of(&p.pod);
                if !has_constraints && existing.is_none() {
                    continue;
                }
                let m = &mut topology_score;
                if let Some(a) = incoming {
                    for (w, t) in &a.preferred_affinity {
                        touched |= process_term(m, t, *w as i64, &p.pod, info);
                    }
                    for (w, t) in &a.preferred_anti_affinity {
                        touched |= process_term(m, t, -(*w as i64), &p.pod, info);
                    }
                }
                if let Some(e) = existing {
                    for t in &e.required_affinity {
                        touched |= process_term(m, t, DEFAULT_HARD_POD_AFFINITY_WEIGHT, pod, info);
                    }
                    for (w, t) in &e.preferred_affinity {
                        touched |= process_term(m, t, *w as i64, pod, info);
                    }
                    for (w, t) in &e.preferred_anti_affinity {
                        touched |= process_term(m, t, -(*w as i64), pod, info);
                    }
                }
            }
        }
        if !touched {
            return Status::skip();
        }
        state
            .inter_pod_affinity
            .get_or_insert_with(State::default)
            .topology_score = topology_score;
        Status::success()
    }

    fn score(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let Some(s) = &state.inter_pod_affinity else {
            return 0;
        };
        s.topology_score
            .iter()
            .filter_map(|(k, values)| node.label(k).map(|v| values.get(v).copied().unwrap_or(0)))
            .sum()
    }

    fn normalize(&self, state: &CycleState, scores: &mut [i64]) {
        let Some(s) = &state.inter_pod_affinity else {
            return;
        };
        if s.topology_score.is_empty() {
            return;
        }
        let min = scores.iter().copied().min().unwrap_or(0);
        let max = scores.iter().copied().max().unwrap_or(0);
        let diff = max - min;
        for sc in scores.iter_mut() {
            let f = if diff > 0 {
                MAX_NODE_SCORE as f64 * ((*sc - min) as f64 / diff as f64)
            } else {
                0.0
            };
            *sc = f as i64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    fn term(
        yaml_labels: &[(&str, &str)],
        namespaces: &[&str],
        ns_sel: Option<LabelSelector>,
    ) -> PodAffinityTerm {
        let mut sel = LabelSelector::default();
        for (k, v) in yaml_labels {
            sel.and_equal(k, v);
        }
        PodAffinityTerm {
            selector: Some(sel),
            namespaces: namespaces.iter().map(|s| s.to_string()).collect(),
            namespace_selector: ns_sel,
            topology_key: "zone".into(),
        }
    }

    fn pod_in(ns: &str, labels: &[(&str, &str)]) -> Pod {
        let mut p = Pod::default();
        p.meta.namespace = ns.into();
        for (k, v) in labels {
            p.meta.labels.insert(*k, *v);
        }
        p
    }

    #[test]
    fn term_matching_namespaces_and_selectors() {
        let p = pod_in("ns1", &[("app", "web")]);
        assert!(term_matches(&term(&[("app", "web")], &["ns1"], None), &p));
        assert!(!term_matches(&term(&[("app", "web")], &["ns2"], None), &p));
        assert!(!term_matches(&term(&[("app", "db")], &["ns1"], None), &p));
        // An empty namespaceSelector selects every namespace.
        assert!(term_matches(
            &term(&[("app", "web")], &[], Some(LabelSelector::default())),
            &p
        ));
        // Namespaces carry only kubernetes.io/metadata.name.
        let mut by_name = LabelSelector::default();
        by_name.and_equal(LABEL_METADATA_NAME, "ns1");
        assert!(term_matches(
            &term(&[("app", "web")], &[], Some(by_name)),
            &p
        ));
        let mut team = LabelSelector::default();
        team.and_equal("team", "a");
        assert!(!term_matches(&term(&[("app", "web")], &[], Some(team)), &p));
        // A nil labelSelector selects no pods; an empty one all.
        let mut nil = term(&[], &["ns1"], None);
        nil.selector = None;
        assert!(!term_matches(&nil, &p));
        assert!(term_matches(&term(&[], &["ns1"], None), &p));
    }

    #[test]
    fn matching_all_terms_needs_at_least_one() {
        let p = pod_in("default", &[("app", "web"), ("tier", "fe")]);
        assert!(!pod_matches_all_terms(&[], &p));
        let t1 = term(&[("app", "web")], &["default"], None);
        let t2 = term(&[("tier", "fe")], &["default"], None);
        let t3 = term(&[("tier", "be")], &["default"], None);
        assert!(pod_matches_all_terms(&[t1.clone(), t2], &p));
        assert!(!pod_matches_all_terms(&[t1, t3], &p));
    }

    #[test]
    fn counts_drop_pairs_at_zero() {
        let sim = world(&[node("n1", &[("zone", "z1")], "")]);
        let info = sim.scheduler_cache().node("n1").unwrap();
        let mut m = TopologyCounts::new();
        update(&mut m, info, "zone", 1);
        update(&mut m, info, "missing", 1);
        assert_eq!(count(&m, "zone", "z1"), 1);
        assert_eq!(m.len(), 1);
        assert_eq!(m["zone"].len(), 1);
        update(&mut m, info, "zone", -1);
        assert!(m.is_empty());
    }

    #[test]
    fn anti_affinity_filter_and_existing_anti_affinity() {
        let anti = "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {matchLabels: {app: web}}\n        topologyKey: zone\n";
        let mut sim = world(&[
            node("a", &[("zone", "z1")], ""),
            node("b", &[("zone", "z2")], ""),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: w1, labels: {app: web}}\nspec:\n  nodeName: a\n  containers: [{name: c, image: pause}]\n".to_string(),
        ]);
        let p = pod(
            "new",
            &[],
            &format!("  schedulingGates: [{{name: hold}}]\n{anti}"),
        );
        add_pending(
            &mut sim,
            &p.replace("labels: {app: new}", "labels: {app: web}"),
        );
        assert_eq!(
            verdict(&sim, &InterPodAffinity, "new", "a"),
            unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH)
        );
        assert!(verdict(&sim, &InterPodAffinity, "new", "b").is_success());
        // A pod without terms of its own is still kept off w1's zone when w1 rejects it.
        let mut sim = world(&[
            node("a", &[("zone", "z1")], ""),
            node("b", &[("zone", "z2")], ""),
            pod("w1", &[], &format!("  nodeName: a\n{anti}")),
        ]);
        add_pending(
            &mut sim,
            &pod("plain", &[], "  schedulingGates: [{name: hold}]\n")
                .replace("labels: {app: plain}", "labels: {app: web}"),
        );
        assert_eq!(
            verdict(&sim, &InterPodAffinity, "plain", "a"),
            unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH)
        );
        add_pending(
            &mut sim,
            &pod("other", &[], "  schedulingGates: [{name: hold}]\n"),
        );
        assert_eq!(
            verdict(&sim, &InterPodAffinity, "other", "a"),
            crate::scheduler::framework::Status::skip()
        );
    }
}
