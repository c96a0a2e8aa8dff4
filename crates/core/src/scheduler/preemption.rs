//! DefaultPreemption (PostFilter): evict lower-priority pods so the preemptor fits.
//!
//! 1. Eligibility: `preemptionPolicy: Never` pods never preempt; a pod whose nominated node
//!    still has a victim terminating waits for it.
//! 2. Candidates: only nodes whose Filter status was `Unschedulable` (never the
//!    unresolvable ones). The dry run starts at a random offset and stops once it has
//!    `max(10% of candidates, 100)` candidates, at least one violating no PDB.
//! 3. Per node (`SelectVictimsOnNode`): remove every strictly lower-priority pod; if the
//!    preemptor still does not fit, the node is out. (When the plugin that rejected the
//!    node can tell without a copy of the node that it still would, and the plugins before
//!    it only get easier as pods leave, the node is out with its Filter status, as the
//!    dry run would have found.) Otherwise put victims back, most
//!    important first (PDB-protected ones before the rest), keeping each one that still
//!    leaves room; the rest are the victims.
//! 4. Node choice (`pickOneNodeForPreemption`): fewest PDB violations, then the lowest
//!    highest victim priority, the smallest priority sum, the fewest victims, the latest
//!    start among the highest-priority victims, then the first candidate.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::cache::{NodeInfo, PodInfo};
use super::framework::{Code, Ctx, CycleState, Plugin, Points, Status};
use super::{
    fit_error_message, run_filter_with_nominated_pods, run_pre_filter_extension, Diagnosis,
};
use crate::model::{ObjectKey, Pod, PreemptionPolicy};
use crate::rng::SimRng;
use crate::time::SimTime;

/// `MinCandidateNodesPercentage` / `MinCandidateNodesAbsolute` defaults.
pub const MIN_CANDIDATE_NODES_PERCENTAGE: usize = 10;
pub const MIN_CANDIDATE_NODES_ABSOLUTE: usize = 100;

pub const ERR_NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const ERR_NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const ERR_POLICY_NEVER: &str = "not eligible due to preemptionPolicy=Never.";
pub const ERR_TERMINATING_ON_NOMINATED: &str =
    "not eligible due to a terminating pod on the nominated node.";
/// Condition reason a victim gets.
pub const REASON_PREEMPTION_BY_SCHEDULER: &str = "PreemptionByScheduler";

/// A successful preemption: the node and the pods to evict there.
#[derive(Clone, Debug)]
pub struct Preemption {
    pub node: String,
    pub victims: Vec<Arc<Pod>>,
    pub pdb_violations: usize,
}

pub enum Outcome {
    Preempted(Preemption),
    /// `PodEligibleToPreemptOthers` said no; the message (without `preemption: `).
    NotEligible(String),
    /// No node could be made to fit; the nested FitError text.
    NoCandidates(String),
    /// No candidate, and the dry run failed with an error: `Preempt` returns the error
    /// status (the nomination is left as it is); the message (without `preemption: `).
    Error(String),
}

/// `util.MoreImportantPod`: higher priority, then the one that started earlier.
fn more_important(a: &Pod, b: &Pod, now: SimTime) -> std::cmp::Ordering {
    b.spec.priority.cmp(&a.spec.priority).then(
        a.status
            .start_time
            .unwrap_or(now)
            .cmp(&b.status.start_time.unwrap_or(now)),
    )
}

/// Is this pod terminating because the scheduler preempted it?
fn terminating_by_preemption(p: &Pod) -> bool {
    p.meta.deletion.is_some() && p.status.preempted
}

fn eligible(cx: &Ctx, pod: &Pod, diagnosis: &Diagnosis) -> Result<(), String> {
    if pod.spec.preemption_policy == PreemptionPolicy::Never {
        return Err(ERR_POLICY_NEVER.to_string());
    }
    if let Some(nominated) = pod.status.nominated_node_name.as_deref() {
        if diagnosis
            .status_of(cx.cache, nominated)
            .is_some_and(|s| s.code == Code::UnschedulableAndUnresolvable)
        {
            return Ok(());
        }
        if let Some(info) = cx.cache.node(nominated) {
            if info.pods.iter().any(|p| {
                p.pod.spec.priority < pod.spec.priority && terminating_by_preemption(&p.pod)
            }) {
                return Err(ERR_TERMINATING_ON_NOMINATED.to_string());
            }
        }
    }
    Ok(())
}

/// `DisruptionsAllowed` per PDB, as the disruption controller would publish it
/// (`getExpectedPodCount`, `countHealthyPods`, `updatePdbStatus`): healthy matching pods
/// minus the desired number, and 0 whenever the expected count is 0. An integer
/// `minAvailable` expects every matching pod; a percentage, or any `maxUnavailable`,
/// expects the sum of the matching pods' controllers' replicas (`getExpectedScale`), so
/// pods without a controller count for nothing there, and a controller that cannot be
/// found makes the sync fail (0 allowed).
pub fn disruptions_allowed(cx: &Ctx) -> BTreeMap<ObjectKey, i64> {
    let mut out = BTreeMap::new();
    for (key, pdb) in &cx.cluster.pdbs {
        let Some(sel) = &pdb.selector else {
            out.insert(key.clone(), 0);
            continue;
        };
        let matching: Vec<&Arc<Pod>> = cx
            .cluster
            .pods()
            .values()
            .filter(|p| p.meta.namespace == pdb.meta.namespace && sel.matches(&p.meta.labels))
            .collect();
        let healthy = matching
            .iter()
            .filter(|p| {
                p.status.phase == crate::model::PodPhase::Running && p.meta.deletion.is_none()
            })
            .count() as i64;
        let by_scale = || expected_scale(cx, &pdb.meta.namespace, &matching);
        let (expected, desired) = match (&pdb.min_available, &pdb.max_unavailable) {
            (_, Some(m)) => match by_scale() {
                Some(e) => (e, (e - m.scaled(e as i32) as i64).max(0)),
                None => (0, 0),
            },
            (Some(m @ crate::model::IntOrPercent::Int(_)), None) => {
                (matching.len() as i64, m.scaled(0) as i64)
            }
            (Some(m), None) => match by_scale() {
                Some(e) => (e, m.scaled(e as i32) as i64),
                None => (0, 0),
            },
            (None, None) => (0, 0),
        };
        let allowed = healthy - desired;
        out.insert(
            key.clone(),
            if expected <= 0 || allowed <= 0 {
                0
            } else {
                allowed
            },
        );
    }
    out
}

/// `getExpectedScale`: the replicas of the distinct controllers of `pods` (a Deployment
/// through its ReplicaSet, a ReplicaSet, a StatefulSet); pods without a controller are
/// skipped. `None` when a controller cannot be found (the controller's sync fails).
fn expected_scale(cx: &Ctx, namespace: &str, pods: &[&Arc<Pod>]) -> Option<i64> {
    // Scale by the UID of the controller that owns it (a Deployment, not its ReplicaSet).
    let mut scales: BTreeMap<crate::model::Uid, i64> = BTreeMap::new();
    for p in pods {
        let Some(owner) = p.meta.controller() else {
            continue;
        };
        let key = ObjectKey::new(namespace.to_string(), owner.name.to_string());
        let (uid, scale) = match owner.kind.as_str() {
            "ReplicaSet" => {
                let rs = cx
                    .cluster
                    .replica_sets
                    .get(&key)
                    .filter(|r| r.meta.uid == owner.uid)?;
                match rs.meta.controller().filter(|c| c.kind == "Deployment") {
                    Some(d) => {
                        let dkey = ObjectKey::new(namespace.to_string(), d.name.to_string());
                        let dep = cx
                            .cluster
                            .deployments
                            .get(&dkey)
                            .filter(|x| x.meta.uid == d.uid)?;
                        (dep.meta.uid.clone(), dep.replicas as i64)
                    }
                    None => (rs.meta.uid.clone(), rs.replicas as i64),
                }
            }
            "StatefulSet" => {
                let sts = cx
                    .cluster
                    .stateful_sets
                    .get(&key)
                    .filter(|s| s.meta.uid == owner.uid)?;
                (sts.meta.uid.clone(), sts.replicas as i64)
            }
            _ => return None,
        };
        scales.insert(uid, scale);
    }
    Some(scales.values().sum())
}

/// `filterPodsWithPDBViolation`: splits victims into (violating, non-violating).
fn split_by_pdb<'a>(
    cx: &Ctx,
    pods: &'a [PodInfo],
    allowed: &BTreeMap<ObjectKey, i64>,
) -> (Vec<&'a PodInfo>, Vec<&'a PodInfo>) {
    let mut remaining = allowed.clone();
    let mut violating = Vec::new();
    let mut ok = Vec::new();
    for p in pods {
        let mut violated = false;
        if !p.pod.meta.labels.is_empty() {
            for (key, pdb) in &cx.cluster.pdbs {
                if pdb.meta.namespace != p.pod.meta.namespace {
                    continue;
                }
                let Some(sel) = &pdb.selector else { continue };
                if sel.selects_all() || !sel.matches(&p.pod.meta.labels) {
                    continue;
                }
                let left = remaining.entry(key.clone()).or_insert(0);
                *left -= 1;
                if *left < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(p);
        } else {
            ok.push(p);
        }
    }
    (violating, ok)
}

/// Would `SelectVictimsOnNode`'s first Filter (every pod in `removed` gone) certainly
/// reject the node with `original`, the status the node's Filter gave in this cycle?
/// True when every filter plugin before the one that rejected it only gets easier to pass
/// as pods leave (so it passes again), and that plugin says it still rejects. Then the
/// dry run needs no copy of the node: with an RWOP conflict every node is rejected, and
/// only the holder's node can change its mind.
fn surely_still_rejected(
    profile: &[Arc<dyn Plugin>],
    state: &CycleState,
    pod: &Pod,
    original: &Status,
    removed: &[&PodInfo],
) -> bool {
    for (i, pl) in profile.iter().enumerate() {
        if state.skip_filter_mask & (1 << i) != 0 || !pl.points().has(Points::FILTER) {
            continue;
        }
        if pl.name() == original.plugin {
            return pl.still_rejects_without(state, pod, removed) == Some(true);
        }
        if !pl.passes_with_fewer_pods() {
            return false;
        }
    }
    false
}

/// `SelectVictimsOnNode`. `original` is the node's Filter status in this cycle.
#[allow(clippy::too_many_arguments)]
fn select_victims_on_node(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
    original: Option<&Status>,
    allowed: &BTreeMap<ObjectKey, i64>,
    now: SimTime,
) -> Result<(Vec<Arc<Pod>>, usize), Status> {
    let is_lower = |p: &&PodInfo| p.priority < pod.spec.priority;
    if !node.pods.iter().any(|p| is_lower(&p)) {
        return Err(Status::unresolvable(ERR_NO_VICTIMS));
    }
    let lower: Vec<&PodInfo> = node.pods.iter().filter(is_lower).collect();
    if let Some(original) = original {
        if surely_still_rejected(profile, state, pod, original, &lower) {
            return Err(original.clone());
        }
    }
    let mut potential: Vec<PodInfo> = lower.into_iter().cloned().collect();
    let mut state = state.clone();
    let mut node = node.clone();
    for p in &potential {
        node.remove_pod_info(p);
        run_pre_filter_extension(cx, profile, &mut state, pod, p, &node, false);
    }
    let s = run_filter_with_nominated_pods(cx, profile, &state, pod, &node);
    if !s.is_success() {
        return Err(s);
    }
    crate::sort::sort_by(&mut potential, |a, b| more_important(&a.pod, &b.pod, now));
    let (violating, non_violating) = split_by_pdb(cx, &potential, allowed);
    let mut victims: Vec<Arc<Pod>> = Vec::new();
    let mut num_violating = 0;
    for (group, is_violating) in [(violating, true), (non_violating, false)] {
        for p in group {
            node.add_pod(p.clone());
            run_pre_filter_extension(cx, profile, &mut state, pod, p, &node, true);
            let fits = run_filter_with_nominated_pods(cx, profile, &state, pod, &node).is_success();
            if !fits {
                node.remove_pod_info(p);
                run_pre_filter_extension(cx, profile, &mut state, pod, p, &node, false);
                victims.push(p.pod.clone());
                if is_violating {
                    num_violating += 1;
                }
            }
        }
    }
    crate::sort::sort_by(&mut victims, |a, b| more_important(a, b, now));
    Ok((victims, num_violating))
}

/// `pickOneNodeForPreemption`.
fn pick_one(candidates: &[Preemption], now: SimTime) -> usize {
    let mut idx: Vec<usize> = (0..candidates.len()).collect();
    let keep_min = |idx: &mut Vec<usize>, f: &dyn Fn(&Preemption) -> i128| {
        let best = idx.iter().map(|&i| f(&candidates[i])).min().unwrap_or(0);
        idx.retain(|&i| f(&candidates[i]) == best);
    };
    keep_min(&mut idx, &|c| c.pdb_violations as i128);
    keep_min(&mut idx, &|c| {
        c.victims
            .first()
            .map(|v| v.spec.priority as i128)
            .unwrap_or(i128::MIN)
    });
    keep_min(&mut idx, &|c| {
        c.victims
            .iter()
            .map(|v| v.spec.priority as i128 + i32::MAX as i128 + 1)
            .sum()
    });
    keep_min(&mut idx, &|c| c.victims.len() as i128);
    // Latest start time among each node's highest-priority victims.
    keep_min(&mut idx, &|c| {
        let top = c.victims.first().map(|v| v.spec.priority);
        let earliest = c
            .victims
            .iter()
            .filter(|v| Some(v.spec.priority) == top)
            .map(|v| v.status.start_time.unwrap_or(now).millis() as i128)
            .min()
            .unwrap_or(0);
        -earliest
    });
    idx[0]
}

/// The whole of DefaultPreemption's PostFilter.
pub fn preempt(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &CycleState,
    pod: &Pod,
    diagnosis: &Diagnosis,
    rng: &mut SimRng,
) -> Outcome {
    if let Err(msg) = eligible(cx, pod, diagnosis) {
        return Outcome::NotEligible(msg);
    }
    let now = cx.now;
    let all = cx.cache.nodes();
    // The explicit Filter statuses with the nodes' cache positions: recorded by the
    // Filter in this cycle (the cache has not changed since), and any recorded by name.
    let explicit: Vec<(usize, &Status)> = diagnosis
        .filtered
        .iter()
        .map(|(i, s)| (*i, s))
        .chain(
            diagnosis
                .node_to_status
                .iter()
                .filter_map(|(name, s)| Some((cx.cache.position(name)?, s))),
        )
        .collect();
    // Each potential node with its explicit Filter status (absent: the PreFilter's).
    let potential: Vec<(&NodeInfo, Option<&Status>)> = if diagnosis
        .absent_status
        .as_ref()
        .is_some_and(|s| s.code == Code::Unschedulable)
    {
        let mut status_at: Vec<Option<&Status>> = vec![None; all.len()];
        for (i, s) in explicit {
            status_at[i] = Some(s);
        }
        all.iter()
            .zip(status_at)
            .filter(|(_, s)| {
                s.or(diagnosis.absent_status.as_ref())
                    .is_some_and(|s| s.code == Code::Unschedulable)
            })
            .collect()
    } else {
        // Only nodes with an explicit status can qualify (same order: the cache's).
        let mut at: Vec<(usize, &Status)> = explicit
            .into_iter()
            .filter(|(_, s)| s.code == Code::Unschedulable)
            .collect();
        at.sort_unstable_by_key(|(i, _)| *i);
        at.into_iter().map(|(i, s)| (&all[i], Some(s))).collect()
    };
    // The dry run's rejections, one per node: only their reasons are ever read (the
    // FitError message counts them), so no by-name map is built.
    let mut rejected: Vec<Status> = Vec::new();
    // The dry run's errors, in the order the nodes were visited.
    let mut errors: Vec<String> = Vec::new();
    let mut non_violating = Vec::new();
    let mut violating = Vec::new();
    if !potential.is_empty() {
        let allowed = disruptions_allowed(cx);
        let n = potential.len();
        let offset = rng.index(n);
        let wanted = (n * MIN_CANDIDATE_NODES_PERCENTAGE / 100)
            .max(MIN_CANDIDATE_NODES_ABSOLUTE)
            .min(n);
        for i in 0..n {
            let (node, original) = potential[(offset + i) % n];
            match select_victims_on_node(cx, profile, state, pod, node, original, &allowed, now) {
                Ok((victims, violations)) if !victims.is_empty() => {
                    let c = Preemption {
                        node: node.name().to_string(),
                        victims,
                        pdb_violations: violations,
                    };
                    if violations == 0 {
                        non_violating.push(c);
                    } else {
                        violating.push(c);
                    }
                    if !non_violating.is_empty() && non_violating.len() + violating.len() >= wanted
                    {
                        break;
                    }
                }
                // v1.36.0's DryRunPreemption turns "fits with no victim" into an Error
                // status for the node (PR #135486, which makes it UnschedulableAndUnresolvable
                // "No preemption victims found for incoming pod", was merged after v1.36.0).
                // None of Bindery's filters can get here (they only get easier as pods
                // leave, and no PreFilter returns Unschedulable), but the outcome is upstream's.
                Ok(_) => errors.push(format!(
                    "expected at least one victim pod on node {:?}",
                    node.name()
                )),
                Err(s) => rejected.push(s),
            }
        }
    }
    let mut candidates = non_violating;
    candidates.extend(violating);
    if candidates.is_empty() && !errors.is_empty() {
        // `utilerrors.NewAggregate`: one error is itself; several are deduplicated and
        // bracketed.
        let mut seen = Vec::new();
        for e in errors {
            if !seen.contains(&e) {
                seen.push(e);
            }
        }
        return Outcome::Error(if seen.len() == 1 {
            seen.remove(0)
        } else {
            format!("[{}]", seen.join(", "))
        });
    }
    if candidates.is_empty() {
        return Outcome::NoCandidates(fit_error_message(
            rejected.iter(),
            rejected.len(),
            Some(&Status::unresolvable(ERR_NOT_HELPFUL)),
            "",
            "",
            all.len(),
        ));
    }
    let best = pick_one(&candidates, now);
    Outcome::Preempted(candidates.swap_remove(best))
}

#[cfg(test)]
mod tests {
    use crate::model::ObjectKey;
    use crate::testing::*;

    fn prio(name: &str, value: i32) -> String {
        format!("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: {name}}}\nvalue: {value}\n")
    }

    fn last_failure(sim: &crate::sim::Simulation, pod: &str) -> String {
        let key = ObjectKey::parse(pod, true);
        sim.log()
            .events_for(crate::model::Kind::Pod, &key)
            .filter(|(_, e)| e.reason == "FailedScheduling")
            .map(|(_, e)| e.message.to_string())
            .last()
            .unwrap()
    }

    #[test]
    fn never_policy_and_no_victims() {
        let mut sim = world(&[
            prio("high", 1000),
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: polite}\nvalue: 1000\npreemptionPolicy: Never\n".into(),
            node("n1", &[], ""),
            pod("filler", &[], "  overhead: {cpu: '4'}\n"),
        ]);
        add_pending(&mut sim, &pod("same-prio", &[], "  overhead: {cpu: '1'}\n"));
        add_pending(
            &mut sim,
            &pod(
                "polite",
                &[],
                "  priorityClassName: polite\n  overhead: {cpu: '1'}\n",
            ),
        );
        sim.run_until_idle(1000);
        assert_eq!(
            last_failure(&sim, "same-prio"),
            "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        );
        assert_eq!(
            last_failure(&sim, "polite"),
            "0/1 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."
        );
    }

    #[test]
    fn picks_the_node_with_the_lowest_priority_victims_and_nominates_it() {
        let mut sim = world(&[
            prio("low", 10),
            prio("mid", 100),
            prio("high", 1000),
            node("n1", &[], ""),
            node("n2", &[], ""),
            pod(
                "mid-on-n1",
                &[],
                "  nodeName: n1\n  priorityClassName: mid\n  overhead: {cpu: '4'}\n",
            ),
            pod(
                "low-on-n2",
                &[],
                "  nodeName: n2\n  priorityClassName: low\n  overhead: {cpu: '4'}\n",
            ),
        ]);
        add_pending(
            &mut sim,
            &pod(
                "vip",
                &[],
                "  priorityClassName: high\n  overhead: {cpu: '2'}\n",
            ),
        );
        // One scheduling cycle: preemption evicts low-on-n2 and nominates n2.
        let vip_cycle = crate::sim::StepOutcome::Scheduled {
            pod: ObjectKey::parse("vip", true),
        };
        for _ in 0..100 {
            if sim.step() == vip_cycle {
                break;
            }
        }
        let vip = sim.cluster().pod(&ObjectKey::parse("vip", true)).unwrap();
        assert_eq!(vip.status.nominated_node_name.as_deref(), Some("n2"));
        // Preemption succeeded, so no PostFilter text follows the histogram.
        assert_eq!(
            last_failure(&sim, "vip"),
            "0/2 nodes are available: 2 Insufficient cpu."
        );
        assert!(
            sim.cluster()
                .pod(&ObjectKey::parse("low-on-n2", true))
                .is_none(),
            "grace period 0"
        );
        assert!(sim
            .cluster()
            .pod(&ObjectKey::parse("mid-on-n1", true))
            .is_some());
        sim.run_until_idle(1000);
        let vip = sim.cluster().pod(&ObjectKey::parse("vip", true)).unwrap();
        assert_eq!(vip.node_name(), Some("n2"));
    }

    /// An RWOP conflict rejects every node; evicting lower-priority pods helps only where
    /// they include the claim's holder. The other nodes keep their Filter status without
    /// a what-if copy (the shortcut), and the message says so as the full dry run would.
    #[test]
    fn rwop_conflict_only_the_holders_node_can_be_a_candidate() {
        let rwop = crate::version::V1_36.rwop_conflict;
        let setup = |holder_class: &str| {
            let mut sim = world(&[
                prio("low", 10),
                prio("high", 1000),
                node("n1", &[], ""),
                node("n2", &[], ""),
                node("n3", &[], ""),
                pv("vol-1", "", "ReadWriteOncePod", "1Gi", "", ""),
                pvc("solo", "", "ReadWriteOncePod", "1Gi"),
                pod(
                    "holder",
                    &["solo"],
                    &format!("  nodeName: n2\n  priorityClassName: {holder_class}\n"),
                ),
                pod(
                    "filler-1",
                    &[],
                    "  nodeName: n1\n  priorityClassName: low\n",
                ),
                pod(
                    "filler-2",
                    &[],
                    "  nodeName: n2\n  priorityClassName: low\n",
                ),
            ]);
            add_pending(
                &mut sim,
                &pod("vip", &["solo"], "  priorityClassName: high\n"),
            );
            sim.run_until_idle(1000);
            sim
        };
        // The holder outranks nobody: no node can be helped. n3 has no lower-priority pod.
        let sim = setup("high");
        assert_eq!(
            last_failure(&sim, "vip"),
            format!("0/3 nodes are available: 3 {rwop}. no new claims to deallocate, preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 {rwop}.")
        );
        // A low-priority holder on n2: n2 is the one candidate and the holder its victim.
        let sim = setup("low");
        assert!(sim
            .cluster()
            .pod(&ObjectKey::parse("holder", true))
            .is_none());
        assert!(sim
            .cluster()
            .pod(&ObjectKey::parse("filler-2", true))
            .is_some());
        let vip = sim.cluster().pod(&ObjectKey::parse("vip", true)).unwrap();
        assert_eq!(vip.node_name(), Some("n2"));
    }

    /// A Filter that rejects each node once and then passes: the dry run finds that the
    /// preemptor fits without evicting anyone (upstream's "fits with no preemption" shape).
    struct RejectsOnce(std::sync::Mutex<std::collections::BTreeSet<String>>);

    impl crate::scheduler::framework::Plugin for RejectsOnce {
        fn name(&self) -> &'static str {
            "RejectsOnce"
        }
        fn points(&self) -> crate::scheduler::framework::Points {
            crate::scheduler::framework::Points::FILTER
        }
        fn filter(
            &self,
            _cx: &crate::scheduler::framework::Ctx,
            _state: &crate::scheduler::framework::CycleState,
            _pod: &crate::model::Pod,
            node: &crate::scheduler::cache::NodeInfo,
        ) -> crate::scheduler::framework::Status {
            if self.0.lock().unwrap().insert(node.name().to_string()) {
                crate::scheduler::framework::Status::unschedulable("rejected once")
            } else {
                crate::scheduler::framework::Status::success()
            }
        }
    }

    /// v1.36.0: a node where the preemptor fits with no victim is an Error in the dry run
    /// ("expected at least one victim pod on node ..."); with no candidate, PostFilter
    /// returns that error alone (DynamicResources' text is dropped) and keeps the
    /// nomination.
    #[test]
    fn a_node_that_fits_without_victims_is_an_error_in_v1_36_0() {
        let sim = world(&[
            prio("high", 1000),
            node("n1", &[], ""),
            node("n2", &[], ""),
            pod("low-1", &[], "  nodeName: n1\n"),
            pod("low-2", &[], "  nodeName: n2\n"),
        ]);
        let mut sim = sim;
        add_pending(
            &mut sim,
            &pod(
                "vip",
                &[],
                "  priorityClassName: high\n  schedulingGates: [{name: hold}]\n",
            ),
        );
        let vip = sim
            .cluster()
            .pod(&ObjectKey::parse("vip", true))
            .unwrap()
            .clone();
        let mut profile = crate::scheduler::plugins::default_profile(sim.version());
        profile.push(std::sync::Arc::new(RejectsOnce(Default::default())));
        let cx = sim.ctx();
        let decision = crate::scheduler::schedule_pod(
            &cx,
            &profile,
            &vip,
            &mut 0,
            &mut crate::rng::SimRng::new(1),
        );
        let crate::scheduler::Decision::Unschedulable {
            message,
            nomination,
            preemption,
            ..
        } = decision
        else {
            panic!("expected a failure");
        };
        assert!(preemption.is_none());
        assert_eq!(nomination, crate::scheduler::Nomination::Keep);
        let expected_one = |first: &str, second: &str| {
            format!(
                "0/2 nodes are available: 2 rejected once. preemption: [expected at least one victim pod on node \"{first}\", expected at least one victim pod on node \"{second}\"]"
            )
        };
        assert!(
            message == expected_one("n1", "n2") || message == expected_one("n2", "n1"),
            "{message}"
        );
    }

    #[test]
    fn a_pdb_steers_preemption_elsewhere() {
        let mut sim = world(&[
            prio("low", 10),
            prio("high", 1000),
            node("n1", &[], ""),
            node("n2", &[], ""),
            "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: keep-db}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: db}}\n".into(),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: db, labels: {app: db}}\nspec:\n  nodeName: n1\n  priorityClassName: low\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: pause}]\n  overhead: {cpu: '4'}\n".into(),
            pod("batch", &[], "  nodeName: n2\n  priorityClassName: low\n  overhead: {cpu: '4'}\n"),
        ]);
        add_pending(
            &mut sim,
            &pod(
                "vip",
                &[],
                "  priorityClassName: high\n  overhead: {cpu: '2'}\n",
            ),
        );
        sim.run_until_idle(1000);
        let vip = sim.cluster().pod(&ObjectKey::parse("vip", true)).unwrap();
        assert_eq!(
            vip.node_name(),
            Some("n2"),
            "evicting db would violate its PDB"
        );
        assert!(sim.cluster().pod(&ObjectKey::parse("db", true)).is_some());
    }
}
