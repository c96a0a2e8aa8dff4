//! kube-scheduler's scheduling cycle as pure functions over a [`Ctx`].
//!
//! [`schedule_pod`] is `schedulePod` + PostFilter: PreFilter → (nominated node first) →
//! Filter over a rotating window of nodes, stopping once enough feasible nodes are found
//! (`percentageOfNodesToScore`) → PreScore/Score/NormalizeScore → host selection, or, when
//! nothing fits, the FitError and the PostFilter plugins (DynamicResources, then
//! DefaultPreemption). It decides; the simulation applies the decision (Reserve, binding,
//! preemption's deletions) and records the events.

pub mod cache;
pub mod explain;
pub mod framework;
pub mod hints;
pub mod plugins;
pub mod preemption;
pub mod queue;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cache::{NodeInfo, SchedulerCache};
use framework::{Code, Ctx, CycleState, Plugin, Points, Status};

use crate::model::Pod;
use crate::rng::SimRng;

/// `NoNodeAvailableMsg`.
pub const NO_NODE_AVAILABLE_MSG: &str = "0/{} nodes are available";
/// Scoring weights multiply normalized scores in `[0, MAX_NODE_SCORE]`.
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
pub const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND: usize = 5;
/// The scheduler name upstream stamps on preemption conditions.
pub const DEFAULT_SCHEDULER_NAME: &str = crate::model::well_known::DEFAULT_SCHEDULER_NAME;

/// Why a pod did not fit: `framework.Diagnosis`.
#[derive(Clone, Debug, Default)]
pub struct Diagnosis {
    /// The Filter's explicit per-node statuses, by the node's position in the scheduler
    /// cache's node list, in the order the Filter visited the nodes. Positions hold for the
    /// cycle that recorded them (the cache does not change within a cycle). Kept by
    /// position, not by name: everything that reads them (the FitError message, which only
    /// counts reasons, and preemption, which walks the cache's nodes) needs no name, and a
    /// by-name map cost a copy, a sort and a free of every node's name in every cycle
    /// where no node fits.
    pub filtered: Vec<(usize, Status)>,
    /// Explicit per-node statuses recorded by node name (a node is in at most one of
    /// `filtered` and `node_to_status`).
    pub node_to_status: BTreeMap<Arc<str>, Status>,
    /// The status of nodes not in `node_to_status` (PreFilter rejection, PreFilterResult).
    pub absent_status: Option<Status>,
    pub unschedulable_plugins: BTreeSet<&'static str>,
    pub pre_filter_msg: String,
    pub post_filter_msg: String,
}

impl Diagnosis {
    /// The status a node ended with (`cache`: the cache of the cycle that recorded it).
    pub fn status_of(&self, cache: &SchedulerCache, node: &str) -> Option<&Status> {
        let at = cache.position(node);
        self.filtered
            .iter()
            .find(|(i, _)| Some(*i) == at)
            .map(|(_, s)| s)
            .or_else(|| self.node_to_status.get(node))
            .or(self.absent_status.as_ref())
    }

    /// `FitError.Error()`.
    pub fn fit_error(&self, num_all_nodes: usize) -> String {
        fit_error_message(
            self.filtered
                .iter()
                .map(|(_, s)| s)
                .chain(self.node_to_status.values()),
            self.filtered.len() + self.node_to_status.len(),
            self.absent_status.as_ref(),
            &self.pre_filter_msg,
            &self.post_filter_msg,
            num_all_nodes,
        )
    }
}

/// `FitError.Error()` from the explicit statuses of `explicit` distinct nodes, in any
/// order (the message counts reasons; it names no node), the status of the other nodes,
/// and the PreFilter and PostFilter messages. Callers that only want the message need not
/// build the by-name map of a [`Diagnosis`].
pub fn fit_error_message<'a>(
    statuses: impl Iterator<Item = &'a Status>,
    explicit: usize,
    absent_status: Option<&Status>,
    pre_filter_msg: &str,
    post_filter_msg: &str,
    num_all_nodes: usize,
) -> String {
    {
        let mut msg = format!("0/{num_all_nodes} nodes are available:");
        if !pre_filter_msg.is_empty() {
            msg.push_str(&format!(" {pre_filter_msg}."));
        } else {
            let mut histogram: BTreeMap<&str, usize> = BTreeMap::new();
            // Most nodes share their reasons (the same `&'static str`s): count runs of an
            // identical reason before looking it up.
            let mut run: Option<(&str, usize)> = None;
            for status in statuses {
                for r in &status.reasons {
                    let r: &str = r;
                    match &mut run {
                        Some((prev, n)) if std::ptr::eq(*prev, r) => *n += 1,
                        _ => {
                            if let Some((prev, n)) = run.replace((r, 1)) {
                                *histogram.entry(prev).or_default() += n;
                            }
                        }
                    }
                }
            }
            if let Some((prev, n)) = run {
                *histogram.entry(prev).or_default() += n;
            }
            let absent = num_all_nodes.saturating_sub(explicit);
            if absent > 0 {
                if let Some(s) = absent_status {
                    for r in &s.reasons {
                        *histogram.entry(r).or_default() += absent;
                    }
                }
            }
            // `sort.Strings` over "count reason": lexicographic, digits included.
            let mut entries: Vec<String> = histogram
                .into_iter()
                .map(|(r, n)| format!("{n} {r}"))
                .collect();
            crate::sort::sort(&mut entries);
            if !entries.is_empty() {
                msg.push_str(&format!(" {}.", entries.join(", ")));
            }
        }
        if !post_filter_msg.is_empty() {
            msg.push(' ');
            msg.push_str(post_filter_msg);
        }
        msg
    }
}

/// How a pod's nominated node changes after a failed cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nomination {
    /// Leave `status.nominatedNodeName` as it is.
    Keep,
    /// Set it (preemption chose a node) or clear it (`None`).
    Set(Option<String>),
}

/// The result of one scheduling attempt.
#[derive(Clone, Debug)]
pub enum Decision {
    Fits {
        node: Arc<str>,
        /// Total scores of the feasible nodes, by position in the scheduler cache's node
        /// list (empty when only one node was feasible). Positions, not names: a copy of
        /// each name is a cache miss per feasible node, hundreds per cycle.
        scores: Vec<(usize, i64)>,
        tie_break: Option<TieBreak>,
    },
    /// Nothing fits; `message` is the FitError text (or the error, for `Code::Error`).
    Unschedulable {
        message: String,
        code: Code,
        diagnosis: Box<Diagnosis>,
        nomination: Nomination,
        /// Pods preemption decided to evict, and the node it nominated.
        preemption: Option<preemption::Preemption>,
    },
}

/// `numFeasibleNodesToFind` with the adaptive default `percentageOfNodesToScore`.
pub fn num_feasible_nodes_to_find(num_all_nodes: usize) -> usize {
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all_nodes;
    }
    let percentage = (50i64 - (num_all_nodes as i64) / 125)
        .max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND as i64) as usize;
    (num_all_nodes * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// The profile positions whose Filter runs: FILTER plugins not in `skip` (a bit per
/// position).
pub fn filter_mask(profile: &[Arc<dyn Plugin>], skip: u64) -> u64 {
    profile
        .iter()
        .enumerate()
        .filter(|(i, pl)| skip & (1 << i) == 0 && pl.points().has(Points::FILTER))
        .fold(0, |m, (i, _)| m | 1 << i)
}

/// `RunFilterPlugins`: plugins in order, stopping at the first that does not pass.
pub fn run_filter_plugins(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Status {
    let mask = match state.filter_mask {
        Some(m) => m,
        None => filter_mask(profile, state.skip_filter_mask),
    };
    let mut bits = mask;
    while bits != 0 {
        let i = bits.trailing_zeros() as usize;
        bits &= bits - 1;
        let pl = &profile[i];
        let s = pl.filter(cx, state, pod, node);
        if !s.is_success() {
            let s = if s.is_rejected() {
                s
            } else {
                Status::error(format!(
                    "running {:?} filter plugin: {}",
                    pl.name(),
                    s.message()
                ))
            };
            return s.with_plugin(pl.name());
        }
    }
    Status::success()
}

/// `RunPreFilterExtensionAddPod` / `RemovePod` over the plugins that were not skipped.
pub fn run_pre_filter_extension(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &mut CycleState,
    pod: &Pod,
    other: &cache::PodInfo,
    node: &NodeInfo,
    add: bool,
) {
    for pl in profile {
        if !pl.points().has(Points::PRE_FILTER_EXTENSIONS) || state.skip_filter.contains(pl.name())
        {
            continue;
        }
        if add {
            pl.add_pod(cx, state, pod, other, node);
        } else {
            pl.remove_pod(cx, state, pod, other, node);
        }
    }
}

/// `RunFilterPluginsWithNominatedPods`: first as if nominated pods of equal or higher
/// priority already ran on the node, then (if any were added and that passed) without them.
pub fn run_filter_with_nominated_pods(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &CycleState,
    pod: &Pod,
    node: &NodeInfo,
) -> Status {
    let relevant =
        |p: &&Arc<Pod>| p.spec.priority >= pod.spec.priority && p.meta.uid != pod.meta.uid;
    if !cx.cache.has_nominations()
        || !cx
            .cache
            .nominated_on(node.name())
            .iter()
            .any(|p| relevant(&p))
    {
        return run_filter_plugins(cx, profile, state, pod, node);
    }
    let nominated: Vec<&Arc<Pod>> = cx
        .cache
        .nominated_on(node.name())
        .iter()
        .filter(relevant)
        .collect();
    let mut state_with = state.clone();
    let mut node_with = node.clone();
    for p in nominated {
        let info = cache::PodInfo::new(cx.cluster, p.clone());
        node_with.add_pod(info.clone());
        run_pre_filter_extension(cx, profile, &mut state_with, pod, &info, &node_with, true);
    }
    let status = run_filter_plugins(cx, profile, &state_with, pod, &node_with);
    if !status.is_success() {
        return status;
    }
    run_filter_plugins(cx, profile, state, pod, node)
}

/// A merged PreFilterResult (`None`: all nodes) and the plugins that narrowed it.
pub type PreFilterOutcome = Result<Option<BTreeSet<String>>, Status>;

/// PreFilter over the profile (`RunPreFilterPlugins`): the cycle state, the merged
/// PreFilterResult or the rejecting status, and the plugins that narrowed the nodes. Those
/// plugins count as rejectors of the pod whatever the outcome (`findNodesThatFitPod` starts
/// `diagnosis.UnschedulablePlugins` with them), so their events retry it.
pub fn run_pre_filter(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    pod: &Pod,
) -> (CycleState, PreFilterOutcome, BTreeSet<&'static str>) {
    let mut state = CycleState::default();
    let mut result: Option<BTreeSet<String>> = None;
    let mut plugins_with_nodes: BTreeSet<&'static str> = BTreeSet::new();
    let mut rejected: Option<Status> = None;
    for (i, pl) in profile.iter().enumerate() {
        if !pl.points().has(Points::PRE_FILTER) {
            continue;
        }
        let (r, s) = pl.pre_filter(cx, &mut state, pod);
        match s.code {
            Code::Skip => {
                state.skip_filter.insert(pl.name());
                state.skip_filter_mask |= 1 << i;
                continue;
            }
            Code::Success => {}
            Code::UnschedulableAndUnresolvable => {
                // Upstream returns no plugins with nodes here.
                return (state, Err(s.with_plugin(pl.name())), BTreeSet::new());
            }
            Code::Unschedulable => {
                rejected = Some(s.with_plugin(pl.name()));
                continue;
            }
            Code::Error => {
                let msg = format!("running PreFilter plugin {:?}: {}", pl.name(), s.message());
                return (
                    state,
                    Err(Status::error(msg).with_plugin(pl.name())),
                    BTreeSet::new(),
                );
            }
        }
        if let Some(names) = r {
            plugins_with_nodes.insert(pl.name());
            result = Some(match result {
                None => names,
                Some(prev) => prev.intersection(&names).cloned().collect(),
            });
            if result.as_ref().is_some_and(|r| r.is_empty()) {
                let list: Vec<&str> = plugins_with_nodes.iter().copied().collect();
                let msg = if list.len() == 1 {
                    format!("node(s) didn't satisfy plugin {}", list[0])
                } else {
                    format!(
                        "node(s) didn't satisfy plugin(s) [{}] simultaneously",
                        list.join(" ")
                    )
                };
                return (state, Err(Status::unresolvable(msg)), plugins_with_nodes);
            }
        }
    }
    state.filter_mask = Some(filter_mask(profile, state.skip_filter_mask));
    match rejected {
        Some(s) => (state, Err(s), plugins_with_nodes),
        None => (state, Ok(result), plugins_with_nodes),
    }
}

/// The outcome of the filter phase.
pub struct FilterOutcome {
    pub state: CycleState,
    /// Feasible nodes, as positions in the cache's node list.
    pub feasible: Vec<usize>,
    /// Why nodes were rejected; per-node statuses are filled only when none is feasible.
    pub diagnosis: Diagnosis,
    /// An internal error stops the cycle.
    pub error: Option<String>,
}

/// `findNodesThatFitPod`.
pub fn find_nodes_that_fit(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    pod: &Pod,
    next_start_node_index: &mut usize,
) -> FilterOutcome {
    let mut diagnosis = Diagnosis::default();
    let (state, pre, plugins_with_nodes) = run_pre_filter(cx, profile, pod);
    diagnosis
        .unschedulable_plugins
        .extend(plugins_with_nodes.iter().copied());
    let pre_result = match pre {
        Ok(x) => x,
        Err(s) if s.code == Code::Error => {
            return FilterOutcome {
                state,
                feasible: Vec::new(),
                diagnosis,
                error: Some(s.message()),
            };
        }
        Err(s) => {
            diagnosis.pre_filter_msg = s.message();
            if !s.plugin.is_empty() {
                diagnosis.unschedulable_plugins.insert(s.plugin);
            }
            diagnosis.absent_status = Some(s);
            return FilterOutcome {
                state,
                feasible: Vec::new(),
                diagnosis,
                error: None,
            };
        }
    };
    // A nominated node (from an earlier preemption) is tried alone first.
    if let Some(nominated) = pod.status.nominated_node_name.as_deref() {
        if let Some(info) = cx.cache.node(nominated) {
            let s = run_filter_with_nominated_pods(cx, profile, &state, pod, info);
            if s.is_success() {
                return FilterOutcome {
                    state,
                    feasible: cx.cache.position(nominated).into_iter().collect(),
                    diagnosis,
                    error: None,
                };
            }
        }
    }
    let all = cx.cache.nodes();
    let nodes: Vec<usize> = match &pre_result {
        None => (0..all.len()).collect(),
        Some(names) => {
            let list: Vec<&str> = plugins_with_nodes.iter().copied().collect();
            diagnosis.absent_status = Some(Status::unresolvable(format!(
                "node(s) didn't satisfy plugin(s) [{}]",
                list.join(" ")
            )));
            names.iter().filter_map(|n| cx.cache.position(n)).collect()
        }
    };
    let mut feasible = Vec::new();
    // Rejections are kept by node position and only turned into the by-name diagnosis
    // when nothing fits: most pods fit somewhere, and then the statuses are never read.
    let mut rejected: Vec<(usize, Status)> = Vec::new();
    let mut processed = 0;
    if !nodes.is_empty() {
        let to_find = num_feasible_nodes_to_find(nodes.len());
        for i in 0..nodes.len() {
            let idx = nodes[(*next_start_node_index + i) % nodes.len()];
            let node = &all[idx];
            processed += 1;
            let s = run_filter_with_nominated_pods(cx, profile, &state, pod, node);
            match s.code {
                Code::Success => {
                    feasible.push(idx);
                    if feasible.len() >= to_find {
                        break;
                    }
                }
                Code::Error => {
                    return FilterOutcome {
                        state,
                        feasible: Vec::new(),
                        diagnosis,
                        error: Some(s.message()),
                    };
                }
                _ => rejected.push((idx, s)),
            }
        }
    }
    if feasible.is_empty() {
        let mut last_plugin = None;
        for (_, s) in &rejected {
            if last_plugin != Some(s.plugin) {
                diagnosis.unschedulable_plugins.insert(s.plugin);
                last_plugin = Some(s.plugin);
            }
        }
        // Each node once: `nodes` holds distinct positions.
        diagnosis.filtered = rejected;
    }
    if !all.is_empty() {
        *next_start_node_index = (*next_start_node_index + processed) % all.len();
    }
    FilterOutcome {
        state,
        feasible,
        diagnosis,
        error: None,
    }
}

/// Per-plugin and total scores of the feasible nodes (`prioritizeNodes`).
pub struct Scores {
    /// `(plugin, weighted normalized score per feasible node)`.
    pub by_plugin: Vec<(&'static str, Vec<i64>)>,
    pub totals: Vec<i64>,
}

pub fn prioritize(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    state: &mut CycleState,
    pod: &Pod,
    feasible: &[&NodeInfo],
) -> Scores {
    let mut by_plugin = Vec::new();
    let mut totals = vec![0i64; feasible.len()];
    for pl in profile {
        if !pl.points().has(Points::PRE_SCORE) && !pl.points().has(Points::SCORE) {
            continue;
        }
        if pl.points().has(Points::PRE_SCORE) {
            let s = pl.pre_score(cx, state, pod, feasible);
            if s.code == Code::Skip {
                state.skip_score.insert(pl.name());
                continue;
            }
        }
        if !pl.points().has(Points::SCORE) {
            continue;
        }
        let mut scores: Vec<i64> = feasible
            .iter()
            .map(|n| pl.score(cx, state, pod, n))
            .collect();
        pl.normalize(state, &mut scores);
        let weight = pl.weight().max(1);
        for (t, s) in totals.iter_mut().zip(scores.iter_mut()) {
            *s *= weight;
            *t += *s;
        }
        by_plugin.push((pl.name(), scores));
    }
    Scores { by_plugin, totals }
}

/// How many tied node names a TieBreak note keeps.
pub const TIE_BREAK_NAMES_KEPT: usize = 8;

/// A tie: the score, how many nodes shared it, and the first few names.
pub type TieBreak = (i64, usize, Vec<Arc<str>>);

/// Picks the highest total; equal top scores are broken by the seeded RNG (upstream's heap
/// leaves that choice to arbitrary order; Bindery makes it reproducible).
pub fn select_host(
    names: &[&Arc<str>],
    totals: &[i64],
    rng: &mut SimRng,
) -> (Arc<str>, Option<TieBreak>) {
    let best = totals.iter().copied().max().unwrap_or(0);
    let tied: Vec<&Arc<str>> = names
        .iter()
        .zip(totals)
        .filter(|(_, t)| **t == best)
        .map(|(n, _)| *n)
        .collect();
    if tied.len() == 1 {
        return (tied[0].clone(), None);
    }
    let chosen = tied[rng.index(tied.len())].clone();
    let kept = tied
        .iter()
        .take(TIE_BREAK_NAMES_KEPT)
        .map(|s| (*s).clone())
        .collect();
    (chosen, Some((best, tied.len(), kept)))
}

/// One scheduling attempt for `pod`: a node, or why not and what preemption decided.
pub fn schedule_pod(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    pod: &Pod,
    next_start_node_index: &mut usize,
    rng: &mut SimRng,
) -> Decision {
    schedule_pod_with_state(cx, profile, pod, next_start_node_index, rng).0
}

/// [`schedule_pod`], also returning the cycle state Reserve needs.
pub fn schedule_pod_with_state(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    pod: &Pod,
    next_start_node_index: &mut usize,
    rng: &mut SimRng,
) -> (Decision, CycleState) {
    let (d, s) = schedule_pod_inner(cx, profile, pod, next_start_node_index, rng);
    (d, s)
}

fn schedule_pod_inner(
    cx: &Ctx,
    profile: &[Arc<dyn Plugin>],
    pod: &Pod,
    next_start_node_index: &mut usize,
    rng: &mut SimRng,
) -> (Decision, CycleState) {
    let num_all = cx.cache.num_nodes();
    if num_all == 0 {
        return (
            Decision::Unschedulable {
                message: "no nodes available to schedule pods".to_string(),
                code: Code::UnschedulableAndUnresolvable,
                diagnosis: Box::default(),
                nomination: Nomination::Set(None),
                preemption: None,
            },
            CycleState::default(),
        );
    }
    let FilterOutcome {
        mut state,
        feasible,
        mut diagnosis,
        error,
    } = find_nodes_that_fit(cx, profile, pod, next_start_node_index);
    if let Some(e) = error {
        return (
            Decision::Unschedulable {
                message: e,
                code: Code::Error,
                diagnosis: Box::new(diagnosis),
                nomination: Nomination::Set(None),
                preemption: None,
            },
            state,
        );
    }
    let all = cx.cache.nodes();
    match feasible.len() {
        0 => {}
        1 => {
            return (
                Decision::Fits {
                    node: all[feasible[0]].node.meta.name.clone(),
                    scores: Vec::new(),
                    tie_break: None,
                },
                state,
            )
        }
        _ => {
            let infos: Vec<&NodeInfo> = feasible.iter().map(|&i| &all[i]).collect();
            let names: Vec<&Arc<str>> = infos.iter().map(|n| &n.node.meta.name).collect();
            let scores = prioritize(cx, profile, &mut state, pod, &infos);
            let (node, tie_break) = select_host(&names, &scores.totals, rng);
            return (
                Decision::Fits {
                    node,
                    scores: feasible.into_iter().zip(scores.totals).collect(),
                    tie_break,
                },
                state,
            );
        }
    }
    // PostFilter: DynamicResources first, then DefaultPreemption.
    let mut reasons: Vec<framework::Reason> = Vec::new();
    if cx.version.dynamic_resources_enabled {
        let s = plugins::dynamic_resources::DynamicResources::post_filter(&state);
        if s.code == Code::Error {
            diagnosis.post_filter_msg = s.message();
            return (
                Decision::Unschedulable {
                    message: diagnosis.fit_error(num_all),
                    code: Code::Unschedulable,
                    diagnosis: Box::new(diagnosis),
                    nomination: Nomination::Keep,
                    preemption: None,
                },
                state,
            );
        }
        reasons.extend(s.reasons);
    }
    let outcome = preemption::preempt(cx, profile, &state, pod, &diagnosis, rng);
    let (nomination, preemption) = match outcome {
        preemption::Outcome::Preempted(p) => {
            // Success drops every PostFilter message.
            reasons.clear();
            (Nomination::Set(Some(p.node.clone())), Some(p))
        }
        preemption::Outcome::NotEligible(msg) => {
            reasons.push(format!("preemption: {msg}").into());
            (Nomination::Keep, None)
        }
        preemption::Outcome::NoCandidates(msg) => {
            reasons.push(format!("preemption: {msg}").into());
            (Nomination::Set(None), None)
        }
        preemption::Outcome::Error(msg) => {
            // `RunPostFilterPlugins` returns an Error status alone: the earlier PostFilter
            // reasons are dropped, and no PostFilterResult changes the nomination.
            reasons.clear();
            reasons.push(format!("preemption: {msg}").into());
            (Nomination::Keep, None)
        }
    };
    diagnosis.post_filter_msg = reasons.join(", ");
    (
        Decision::Unschedulable {
            message: diagnosis.fit_error(num_all),
            code: Code::Unschedulable,
            diagnosis: Box::new(diagnosis),
            nomination,
            preemption,
        },
        state,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_percentage_of_nodes_to_score() {
        assert_eq!(num_feasible_nodes_to_find(50), 50);
        assert_eq!(num_feasible_nodes_to_find(100), 100);
        assert_eq!(num_feasible_nodes_to_find(1000), 420);
        assert_eq!(num_feasible_nodes_to_find(5000), 500);
        assert_eq!(num_feasible_nodes_to_find(6000), 300);
    }

    #[test]
    fn fit_error_histogram_is_sorted_as_strings() {
        let mut d = Diagnosis::default();
        for i in 0..10 {
            d.node_to_status.insert(
                format!("a{i}").into(),
                Status::unschedulable("Insufficient cpu"),
            );
        }
        d.node_to_status.insert(
            "b".into(),
            Status::unresolvable("node(s) were unschedulable"),
        );
        d.node_to_status.insert(
            "c".into(),
            Status::unresolvable("node(s) were unschedulable"),
        );
        assert_eq!(
            d.fit_error(12),
            "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable."
        );
        d.post_filter_msg = "no new claims to deallocate, preemption: 0/12 nodes are available: 12 No preemption victims found for incoming pod.".into();
        assert!(d.fit_error(12).ends_with("incoming pod."));
        let pre = Diagnosis {
            pre_filter_msg: "pod has unbound immediate PersistentVolumeClaims".into(),
            post_filter_msg: "not found".into(),
            ..Diagnosis::default()
        };
        assert_eq!(
            pre.fit_error(1),
            "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
        );
    }
}
