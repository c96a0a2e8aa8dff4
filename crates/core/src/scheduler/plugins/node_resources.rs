//! NodeResourcesFit (requests must fit the node's allocatable; LeastAllocated scoring) and
//! NodeResourcesBalancedAllocation (prefer nodes whose CPU and memory use stay balanced).

use super::names;
use crate::model::{Pod, Resources};
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

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
pub fn insufficient_resources(requests: &Resources, node: &NodeInfo) -> (Vec<String>, bool) {
    let alloc = &node.node.allocatable;
    let mut reasons = Vec::new();
    let mut unresolvable = false;
    if node.pods.len() as i64 + 1 > alloc.pods {
        reasons.push(ERR_REASON_TOO_MANY_PODS.to_string());
    }
    if requests.milli_cpu == 0
        && requests.memory == 0
        && requests.ephemeral_storage == 0
        && requests.scalar.values().all(|v| *v == 0)
    {
        return (reasons, false);
    }
    let used = &node.requested;
    let mut check = |name: &str, req: i64, alloc: i64, used: i64| {
        if req > 0 && req > alloc - used {
            reasons.push(format!("Insufficient {name}"));
            if req > alloc {
                unresolvable = true;
            }
        }
    };
    check("cpu", requests.milli_cpu, alloc.milli_cpu, used.milli_cpu);
    check("memory", requests.memory, alloc.memory, used.memory);
    check(
        "ephemeral-storage",
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
            reasons.push(format!("Insufficient {name}"));
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
        let alloc = &node.node.allocatable;
        let mut total = 0;
        let mut weights = 0;
        for (req, cap) in [
            (
                node.non_zero_milli_cpu + pod.spec.non_zero_milli_cpu,
                alloc.milli_cpu,
            ),
            (
                node.non_zero_memory + pod.spec.non_zero_memory,
                alloc.memory,
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
