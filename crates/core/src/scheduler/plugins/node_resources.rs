//! NodeResourcesFit (requests must fit the node's allocatable; LeastAllocated scoring) and
//! NodeResourcesBalancedAllocation (prefer nodes whose CPU and memory use stay balanced).

use super::names;
use crate::model::{Pod, Resources};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{
    Ctx, CycleState, Plugin, Points, PreFilterResult, Reason, Status,
};

pub const NAME: &str = names::NODE_RESOURCES_FIT;
pub const BALANCED_NAME: &str = names::NODE_RESOURCES_BALANCED_ALLOCATION;

/// `"Too many pods"` (fit.go).
pub const ERR_REASON_TOO_MANY_PODS: &str = "Too many pods";

#[derive(Clone, Debug)]
pub struct State {
    requests: Resources,
}

pub struct NodeResourcesFit;

/// `fitsRequest`: every reason, and whether any is unresolvable (the request exceeds the
/// node's whole allocatable, so no amount of preemption frees enough).
pub fn insufficient_resources(requests: &Resources, node: &NodeInfo) -> (Vec<Reason>, bool) {
    let mut reasons = Vec::new();
    let mut unresolvable = false;
    // Pods, cpu and memory come from the inline copies: the `Node` is read only for the
    // rarer resources, as reading it is a cache miss per node the Filter visits.
    if node.pods.len() as i64 + 1 > node.hot.allocatable_pods {
        reasons.push(Reason::Borrowed(ERR_REASON_TOO_MANY_PODS));
    }
    if requests.milli_cpu == 0
        && requests.memory == 0
        && requests.ephemeral_storage == 0
        && requests.scalar.values().all(|v| *v == 0)
    {
        return (reasons, false);
    }
    let used = &node.requested;
    let mut check = |reason: &'static str, req: i64, alloc: i64, used: i64| {
        if req > 0 && req > alloc - used {
            reasons.push(Reason::Borrowed(reason));
            if req > alloc {
                unresolvable = true;
            }
        }
    };
    check(
        "Insufficient cpu",
        requests.milli_cpu,
        node.hot.allocatable_milli_cpu,
        used.milli_cpu,
    );
    check(
        "Insufficient memory",
        requests.memory,
        node.hot.allocatable_memory,
        used.memory,
    );
    if requests.ephemeral_storage == 0 && requests.scalar.values().all(|v| *v == 0) {
        return (reasons, unresolvable);
    }
    let alloc = &node.node.allocatable;
    check(
        "Insufficient ephemeral-storage",
        requests.ephemeral_storage,
        alloc.ephemeral_storage,
        used.ephemeral_storage,
    );
    for (name, req) in &requests.scalar {
        if *req == 0 {
            continue;
        }
        let a = alloc.scalar.get(name).copied().unwrap_or(0);
        let u = used.scalar.get(name).copied().unwrap_or(0);
        if *req > a - u {
            reasons.push(Reason::Owned(format!("Insufficient {name}")));
            if *req > a {
                unresolvable = true;
            }
        }
    }
    (reasons, unresolvable)
}

/// LeastAllocated for one resource: `(capacity - requested) * 100 / capacity`.
fn least_allocated(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * 100 / capacity
}

impl Plugin for NodeResourcesFit {
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
        1
    }

    fn pre_filter(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        pod: &Pod,
    ) -> (PreFilterResult, Status) {
        state.node_resources = Some(State {
            requests: pod.spec.requests.clone(),
        });
        (None, Status::success())
    }

    fn filter(&self, _cx: &Ctx, state: &CycleState, pod: &Pod, node: &NodeInfo) -> Status {
        let requests = state
            .node_resources
            .as_ref()
            .map(|s| &s.requests)
            .unwrap_or(&pod.spec.requests);
        // Fast path on the node's inline fields: pods, cpu and memory only.
        if requests.ephemeral_storage == 0 && requests.scalar.is_empty() {
            let h = &node.hot;
            if (node.pods.len() as i64) < h.allocatable_pods
                && (requests.milli_cpu == 0
                    || requests.milli_cpu <= h.allocatable_milli_cpu - node.requested.milli_cpu)
                && (requests.memory == 0
                    || requests.memory <= h.allocatable_memory - node.requested.memory)
            {
                return Status::success();
            }
        }
        let (reasons, unresolvable) = insufficient_resources(requests, node);
        if reasons.is_empty() {
            Status::success()
        } else if unresolvable {
            Status::with_reasons(
                crate::scheduler::framework::Code::UnschedulableAndUnresolvable,
                reasons,
            )
        } else {
            Status::with_reasons(crate::scheduler::framework::Code::Unschedulable, reasons)
        }
    }

    fn pre_score(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        Status::success()
    }

    /// LeastAllocated over cpu and memory, weight 1 each, with non-zero request defaults.
    fn score(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        let mut total = 0;
        let mut weights = 0;
        for (req, cap) in [
            (
                node.non_zero_milli_cpu + pod.spec.non_zero_milli_cpu,
                node.hot.allocatable_milli_cpu,
            ),
            (
                node.non_zero_memory + pod.spec.non_zero_memory,
                node.hot.allocatable_memory,
            ),
        ] {
            if cap == 0 {
                continue;
            }
            total += least_allocated(req, cap);
            weights += 1;
        }
        if weights == 0 {
            0
        } else {
            total / weights
        }
    }
}

pub struct NodeResourcesBalancedAllocation;

impl Plugin for NodeResourcesBalancedAllocation {
    fn name(&self) -> &'static str {
        BALANCED_NAME
    }

    fn points(&self) -> Points {
        Points::PRE_SCORE | Points::SCORE
    }

    fn weight(&self) -> i64 {
        1
    }

    /// Skips best-effort pods (no cpu and no memory request).
    fn pre_score(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        if pod.spec.requests.milli_cpu == 0 && pod.spec.requests.memory == 0 {
            Status::skip()
        } else {
            Status::success()
        }
    }

    /// `(1 - std) * 100` of the cpu and memory fractions requested, including this pod.
    fn score(&self, _cx: &Ctx, _state: &CycleState, pod: &Pod, node: &NodeInfo) -> i64 {
        let mut fractions = [0.0f64; 2];
        let mut n = 0;
        for (req, cap) in [
            (
                node.requested.milli_cpu + pod.spec.requests.milli_cpu,
                node.hot.allocatable_milli_cpu,
            ),
            (
                node.requested.memory + pod.spec.requests.memory,
                node.hot.allocatable_memory,
            ),
        ] {
            if cap == 0 {
                continue;
            }
            fractions[n] = (req as f64 / cap as f64).min(1.0);
            n += 1;
        }
        let std = if n == 2 {
            (fractions[0] - fractions[1]).abs() / 2.0
        } else {
            0.0
        };
        ((1.0 - std) * 100.0) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::framework::Code;
    use crate::testing::*;

    #[test]
    fn fit_reasons_and_codes() {
        let mut sim = world(&[node("n1", &[], "")]);
        add_pending(
            &mut sim,
            &pod("small", &[], "  schedulingGates: [{name: hold}]\n"),
        );
        add_pending(
            &mut sim,
            &pod(
                "cpu-hog",
                &[],
                "  schedulingGates: [{name: hold}]\n  overhead: {cpu: '3'}\n",
            ),
        );
        add_pending(
            &mut sim,
            &pod(
                "giant",
                &[],
                "  schedulingGates: [{name: hold}]\n  overhead: {cpu: '5', memory: 1Gi}\n",
            ),
        );
        // Two running pods using 2 CPUs.
        for i in 0..2 {
            add_pending(
                &mut sim,
                &pod(
                    &format!("run{i}"),
                    &[],
                    "  nodeName: n1\n  overhead: {cpu: '1'}\n",
                ),
            );
        }
        sim.run_until_idle(1000);
        assert_eq!(
            verdict(&sim, &NodeResourcesFit, "small", "n1"),
            Status::success()
        );
        assert_eq!(
            verdict(&sim, &NodeResourcesFit, "cpu-hog", "n1"),
            unschedulable("Insufficient cpu")
        );
        let giant = verdict(&sim, &NodeResourcesFit, "giant", "n1");
        assert_eq!(
            giant.code,
            Code::UnschedulableAndUnresolvable,
            "more than the node has"
        );
        assert_eq!(giant.reasons, vec!["Insufficient cpu"]);
        // Pod count.
        for i in 2..10 {
            add_pending(&mut sim, &pod(&format!("run{i}"), &[], "  nodeName: n1\n"));
        }
        sim.run_until_idle(1000);
        assert_eq!(
            verdict(&sim, &NodeResourcesFit, "small", "n1"),
            unschedulable("Too many pods")
        );
    }

    #[test]
    fn least_allocated_and_balanced_scores() {
        let mut sim = world(&[node("n1", &[], "")]);
        add_pending(
            &mut sim,
            &pod(
                "p",
                &[],
                "  schedulingGates: [{name: hold}]\n  overhead: {cpu: '1', memory: 4Gi}\n",
            ),
        );
        let cx = sim.ctx();
        let p = sim
            .cluster()
            .pod(&crate::model::ObjectKey::parse("p", true))
            .unwrap()
            .clone();
        let info = sim.scheduler_cache().node("n1").unwrap();
        // Non-zero requests: 1 CPU + 100m default container, 4Gi + 200Mi.
        // cpu: (4000-1100)*100/4000 = 72; memory: (8Gi-4296Mi)*100/8Gi = 47; mean 59.
        assert_eq!(
            NodeResourcesFit.score(&cx, &CycleState::default(), &p, info),
            59
        );
        // Balanced: fractions 0.25 and 0.5 → std 0.125 → 87.
        assert_eq!(
            NodeResourcesBalancedAllocation.score(&cx, &CycleState::default(), &p, info),
            87
        );
    }
}
