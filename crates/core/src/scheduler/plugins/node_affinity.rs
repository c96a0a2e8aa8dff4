//! NodeAffinity: `spec.nodeSelector` and required node affinity must both match the node;
//! preferred terms add their weights to the score.
//!
//! PreFilter narrows the candidate nodes when every required term pins
//! `metadata.name In [...]` via `matchFields` (a PreFilterResult).

use std::collections::BTreeSet;

use super::names;
use crate::model::{Node, Pod};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{
    default_normalize_score, Ctx, CycleState, Plugin, Points, PreFilterResult, Status,
    MAX_NODE_SCORE,
};

pub const NAME: &str = names::NODE_AFFINITY;

/// `ErrReasonPod` (node_affinity.go).
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// `errReasonConflict`.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";

#[derive(Clone, Debug)]
pub struct State;

pub struct NodeAffinity;

/// `RequiredNodeAffinity.Match`: nodeSelector labels and the required terms.
pub fn pod_matches_node_selector_and_affinity(pod: &Pod, node: &Node) -> bool {
    let labels = &node.meta.labels;
    if !pod
        .spec
        .node_selector
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    match pod.spec.required_node_affinity() {
        Some(sel) => sel.matches(labels, node.name()),
        None => true,
    }
}

impl Plugin for NodeAffinity {
    fn passes_with_fewer_pods(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    fn weight(&self) -> i64 {
        2
    }

    fn pre_filter(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
    ) -> (PreFilterResult, Status) {
        if pod.spec.required_node_affinity().is_none() && pod.spec.node_selector.is_empty() {
            return (None, Status::skip());
        }
        state.node_affinity = Some(State);
        let Some(req) = pod.spec.required_node_affinity() else {
            return (None, Status::success());
        };
        if req.terms.is_empty() {
            return (None, Status::success());
        }
        // Only when every term pins node names can the candidates be narrowed.
        let mut union: BTreeSet<String> = BTreeSet::new();
        for term in &req.terms {
            let mut term_names: Option<BTreeSet<String>> = None;
            for r in term.match_fields.iter().filter(|r| {
                r.key == "metadata.name"
                    && r.operator == crate::model::selector::NodeSelectorOperator::In
            }) {
                let set: BTreeSet<String> = r.values.iter().cloned().collect();
                term_names = Some(match term_names {
                    None => set,
                    Some(prev) => prev.intersection(&set).cloned().collect(),
                });
            }
            match term_names {
                None => return (None, Status::success()),
                Some(names) => union.extend(names),
            }
        }
        if union.is_empty() {
            return (None, Status::unresolvable(ERR_REASON_CONFLICT));
        }
        (Some(union), Status::success())
    }

    fn filter(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if pod_matches_node_selector_and_affinity(pod, &node.node) {
            Status::success()
        } else {
            Status::unresolvable(ERR_REASON_POD)
        }
    }

    fn pre_score(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        if pod.spec.preferred_node_affinity().is_empty() {
            Status::skip()
        } else {
            Status::success()
        }
    }

    fn score(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        pod.spec
            .preferred_node_affinity()
            .iter()
            .filter(|(w, t)| *w != 0 && t.matches(&node.node.meta.labels, node.name()))
            .map(|(w, _)| *w as i64)
            .sum()
    }

    fn normalize(&self, _state: &CycleState, scores: &mut [i64]) {
        default_normalize_score(MAX_NODE_SCORE, false, scores);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn filter_pre_filter_result_and_score() {
        let mut sim = world(&[
            node("ssd-a", &[("disk", "ssd"), ("gen", "5")], ""),
            node("hdd-b", &[("disk", "hdd"), ("gen", "3")], ""),
        ]);
        add_pending(
            &mut sim,
            &pod(
                "wants-ssd",
                &[],
                "  nodeSelector: {disk: ssd}\n  schedulingGates: [{name: hold}]\n",
            ),
        );
        add_pending(&mut sim, &pod("new-gen", &[], "  schedulingGates: [{name: hold}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: gen, operator: Gt, values: ['4']}]\n"));
        add_pending(&mut sim, &pod("by-name", &[], "  schedulingGates: [{name: hold}]\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{key: metadata.name, operator: In, values: [hdd-b]}]\n"));
        let miss = unresolvable("node(s) didn't match Pod's node affinity/selector");
        let cases = [
            ("wants-ssd", "ssd-a", Status::success()),
            ("wants-ssd", "hdd-b", miss.clone()),
            ("new-gen", "ssd-a", Status::success()),
            ("new-gen", "hdd-b", miss),
            (
                "by-name",
                "ssd-a",
                unresolvable("excluded by PreFilterResult"),
            ),
            ("by-name", "hdd-b", Status::success()),
        ];
        for (p, n, want) in cases {
            assert_eq!(verdict(&sim, &NodeAffinity, p, n), want, "{p} on {n}");
        }
    }
}
