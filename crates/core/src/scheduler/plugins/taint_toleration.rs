//! TaintToleration: NoSchedule/NoExecute taints the pod does not tolerate rule a node out;
//! untolerated PreferNoSchedule taints lower its score.

use super::names;
use crate::model::{Pod, TaintEffect, Toleration};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{
    default_normalize_score, Ctx, CycleState, Plugin, Points, Status, MAX_NODE_SCORE,
};

pub const NAME: &str = names::TAINT_TOLERATION;

#[derive(Clone, Debug)]
pub struct State {
    /// Tolerations with an empty effect or `PreferNoSchedule`.
    prefer_tolerations: Vec<Toleration>,
}

pub struct TaintToleration;

impl Plugin for TaintToleration {
    fn passes_with_fewer_pods(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::FILTER | Points::PRE_SCORE | Points::SCORE
    }

    fn weight(&self) -> i64 {
        3
    }

    fn filter(&self, cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        if !node.hot.has_hard_taints {
            return Status::success();
        }
        let untolerated = node.node.taints.iter().find(|t| {
            matches!(t.effect, TaintEffect::NoSchedule | TaintEffect::NoExecute)
                && !pod.tolerates(t)
        });
        match untolerated {
            None => Status::success(),
            Some(t) => Status::unresolvable(match cx.version.untolerated_taint {
                Some(reason) => reason.to_string(),
                None => format!("node(s) had untolerated taint {{{}: {}}}", t.key, t.value),
            }),
        }
    }

    fn pre_score(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        state.taint_toleration = Some(State {
            prefer_tolerations: pod
                .spec
                .tolerations
                .iter()
                .filter(|t| t.effect.is_none() || t.effect == Some(TaintEffect::PreferNoSchedule))
                .cloned()
                .collect(),
        });
        Status::success()
    }

    fn score(&self, _cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        if !node.hot.has_soft_taints {
            return 0;
        }
        let tolerations = state
            .taint_toleration
            .as_ref()
            .map(|s| s.prefer_tolerations.as_slice())
            .unwrap_or_default();
        node.node
            .taints
            .iter()
            .filter(|t| {
                t.effect == TaintEffect::PreferNoSchedule
                    && !tolerations.iter().any(|tol| tol.tolerates(t))
            })
            .count() as i64
    }

    fn normalize(&self, _state: &CycleState, scores: &mut [i64]) {
        default_normalize_score(MAX_NODE_SCORE, true, scores);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn filter_and_score() {
        let mut sim = world(&[
            node("clean", &[], ""),
            node(
                "gpu",
                &[],
                "taints: [{key: gpu, value: 'true', effect: NoSchedule}]",
            ),
            node(
                "soft",
                &[],
                "taints: [{key: spot, effect: PreferNoSchedule}]",
            ),
        ]);
        add_pending(
            &mut sim,
            &pod("plain", &[], "  nodeSelector: {nope: nope}\n"),
        );
        add_pending(
            &mut sim,
            &pod(
                "gpu-job",
                &[],
                "  nodeSelector: {nope: nope}\n  tolerations: [{key: gpu, operator: Equal, value: 'true', effect: NoSchedule}]\n",
            ),
        );
        let cases = [
            ("plain", "clean", Status::success()),
            (
                "plain",
                "gpu",
                unresolvable("node(s) had untolerated taint(s)"),
            ),
            ("plain", "soft", Status::success()),
            ("gpu-job", "gpu", Status::success()),
        ];
        for (p, n, want) in cases {
            assert_eq!(verdict(&sim, &TaintToleration, p, n), want, "{p} on {n}");
        }
        // Scores: untolerated PreferNoSchedule taints count, then normalize in reverse.
        let cx = sim.ctx();
        let p = sim
            .cluster()
            .pod(&crate::model::ObjectKey::parse("plain", true))
            .unwrap()
            .clone();
        let mut state = CycleState::default();
        let nodes: Vec<_> = ["clean", "soft"]
            .iter()
            .map(|n| sim.scheduler_cache().node(n).unwrap())
            .collect();
        TaintToleration.pre_score(&cx, &mut state, &p, &nodes);
        let mut scores: Vec<i64> = nodes
            .iter()
            .map(|n| TaintToleration.score(&cx, &state, &p, n))
            .collect();
        assert_eq!(scores, vec![0, 1]);
        TaintToleration.normalize(&state, &mut scores);
        assert_eq!(scores, vec![100, 0]);
    }
}
