//! Upstream's own unit-test tables for the scheduler framework around the plugins, replayed
//! against Bindery (default profile, Kubernetes v1.36):
//!
//! - `pkg/scheduler/framework/types_test.go` `TestFitError_Error` (the
//!   `0/N nodes are available: …` text), through [`fit_error_message`];
//! - `pkg/scheduler/schedule_one_test.go` (`TestNumFeasibleNodesToFind`,
//!   `TestFairEvaluationForNodes`, `TestPreferNominatedNodeFilterCallCounts`,
//!   `TestSchedulerSchedulePod`, the `Scheduled` / `FailedScheduling` events and the
//!   `ErrNoNodesAvailable` path), through `find_nodes_that_fit` or whole scenarios;
//! - `pkg/scheduler/framework/runtime/framework_test.go` (Filter stops at the first
//!   rejecting plugin, PostFilter reasons joined, weighted scores) and
//!   `pkg/scheduler/apis/config/v1/default_plugins.go` (the profile's order and weights);
//! - `pkg/scheduler/backend/queue/{scheduling_queue,backoff_queue}_test.go` (PrioritySort,
//!   backoff 1s doubling to 10s, the one-second backoff ordering window), through
//!   [`SchedulingQueue`].
//!
//! Each test names the upstream test and case it transcribes. Cases that need a fake
//! plugin (FalseFilter, MatchFilter, NumericMap…) are written with real plugins of the
//! default profile that give the same statuses.

use std::collections::BTreeSet;

use bindery_core::model::{Kind, ObjectKey, Pod};
use bindery_core::scheduler::framework::{Code, Ctx, Status};
use bindery_core::scheduler::plugins::{default_profile, names};
use bindery_core::scheduler::queue::{ClusterEvent, SchedulingQueue};
use bindery_core::scheduler::{
    find_nodes_that_fit, fit_error_message, num_feasible_nodes_to_find, Diagnosis,
};
use bindery_core::time::SimTime;
use bindery_core::Simulation;
use bindery_tests::{run_yaml, MAX_STEPS};

// ---------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------

/// A node with room for 110 pods; `labels` and `spec` are flow-mapping bodies.
fn node(name: &str, labels: &str, spec: &str) -> String {
    let labels = if labels.is_empty() {
        format!("kubernetes.io/hostname: {name}")
    } else {
        format!("kubernetes.io/hostname: {name}, {labels}")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec: {{{spec}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 16Gi, pods: '110'}}\n"
    )
}

/// A pod in `default`; `spec` is extra YAML under `spec:` (two-space indented lines).
fn pod(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause}}]\n{spec}"
    )
}

/// Kept pending by a scheduling gate, so `explain` and `find_nodes_that_fit` can look at it.
const GATED: &str = "  schedulingGates: [{name: hold}]\n";

fn run(docs: &[String]) -> Simulation {
    run_yaml(&docs.join("---\n"), 1)
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new("default", name)
}

/// `(type, reason, message, source)` of every event about pod `name`.
fn pod_events(sim: &Simulation, name: &str) -> Vec<(String, String, String, String)> {
    sim.log()
        .events_for(Kind::Pod, &key(name))
        .map(|(_, e)| {
            (
                format!("{:?}", e.type_),
                e.reason.to_string(),
                e.message.to_string(),
                e.source.to_string(),
            )
        })
        .collect()
}

fn failures(sim: &Simulation, name: &str) -> Vec<String> {
    pod_events(sim, name)
        .into_iter()
        .filter(|(_, r, _, _)| r == "FailedScheduling")
        .map(|(_, _, m, _)| m)
        .collect()
}

fn first_failure(sim: &Simulation, name: &str) -> String {
    failures(sim, name)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{name} never failed to schedule"))
}

fn node_of(sim: &Simulation, name: &str) -> Option<String> {
    sim.cluster()
        .pod(&key(name))
        .and_then(|p| p.node_name().map(str::to_string))
}

/// The pending (gated) pod `name` as the scheduler would see it once its gate is gone.
fn ungated(sim: &Simulation, name: &str) -> Pod {
    let mut p = sim.cluster().pod(&key(name)).expect("pod").as_ref().clone();
    p.spec.set_scheduling_gates(Default::default());
    p
}

// ---------------------------------------------------------------------------------------
// types_test.go: TestFitError_Error.
// ---------------------------------------------------------------------------------------

/// One `TestFitError_Error` case: the explicit per-node statuses, the PreFilter and
/// PostFilter messages, and the expected text.
fn fit_error(num_all: usize, statuses: &[&str], pre: &str, post: &str) -> String {
    let statuses: Vec<Status> = statuses
        .iter()
        .map(|r| Status::unschedulable(r.to_string()))
        .collect();
    // Every case's absent-node status is `NewStatus(UnschedulableAndUnresolvable)`: no reason.
    let absent = Status::with_reasons(Code::UnschedulableAndUnresolvable, Vec::new());
    fit_error_message(
        statuses.iter(),
        statuses.len(),
        Some(&absent),
        pre,
        post,
        num_all,
    )
}

#[test]
fn fit_error_nodes_failed_prefilter_plugin() {
    // The framework also records the PreFilter status for every node; the message does not
    // repeat them.
    let pre = "Node(s) failed PreFilter plugin FalsePreFilter";
    assert_eq!(
        fit_error(3, &[pre, pre, pre], pre, ""),
        "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter."
    );
}

#[test]
fn fit_error_nodes_failed_prefilter_plugin_and_the_preemption_also_failed() {
    let pre = "Node(s) failed PreFilter plugin FalsePreFilter";
    assert_eq!(
        fit_error(
            3,
            &[pre, pre, pre],
            pre,
            "Error running PostFilter plugin FailedPostFilter"
        ),
        "0/3 nodes are available: Node(s) failed PreFilter plugin FalsePreFilter. Error running PostFilter plugin FailedPostFilter"
    );
}

#[test]
fn fit_error_nodes_failed_one_filter_plugin() {
    let r = "Node(s) failed Filter plugin FalseFilter-1";
    assert_eq!(
        fit_error(3, &[r, r, r], "", ""),
        "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1."
    );
    assert_eq!(
        fit_error(
            3,
            &[r, r, r],
            "",
            "Error running PostFilter plugin FailedPostFilter"
        ),
        "0/3 nodes are available: 3 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
    );
}

#[test]
fn fit_error_nodes_failed_two_filter_plugins() {
    let one = "Node(s) failed Filter plugin FalseFilter-1";
    let two = "Node(s) failed Filter plugin FalseFilter-2";
    // `sort.Strings` over "count reason": "1 …-2" sorts before "2 …-1".
    assert_eq!(
        fit_error(3, &[one, one, two], "", ""),
        "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1."
    );
    assert_eq!(
        fit_error(
            3,
            &[one, one, two],
            "",
            "Error running PostFilter plugin FailedPostFilter"
        ),
        "0/3 nodes are available: 1 Node(s) failed Filter plugin FalseFilter-2, 2 Node(s) failed Filter plugin FalseFilter-1. Error running PostFilter plugin FailedPostFilter"
    );
}

/// "failed to Permit on node" / "failed to Reserve on node": a FitError over one node.
/// Bindery has no Permit or Reserve rejection, but the text is the same function's.
#[test]
fn fit_error_failed_to_permit_or_reserve_on_node() {
    assert_eq!(
        fit_error(1, &["Node failed Permit plugin Permit-1"], "", ""),
        "0/1 nodes are available: 1 Node failed Permit plugin Permit-1."
    );
    assert_eq!(
        fit_error(1, &["Node failed Reserve plugin Reserve-1"], "", ""),
        "0/1 nodes are available: 1 Node failed Reserve plugin Reserve-1."
    );
}

/// A status with several reasons counts each; nodes without an explicit status count the
/// absent status's reasons (PreFilterResult narrowing).
#[test]
fn fit_error_counts_every_reason_and_the_absent_nodes() {
    let mut d = Diagnosis::default();
    d.node_to_status.insert(
        "node1".into(),
        Status::with_reasons(
            Code::Unschedulable,
            vec!["Insufficient cpu".into(), "Insufficient memory".into()],
        ),
    );
    d.absent_status = Some(Status::unresolvable(
        "node(s) didn't satisfy plugin(s) [NodeAffinity]",
    ));
    assert_eq!(
        d.fit_error(3),
        "0/3 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
    );
}

// ---------------------------------------------------------------------------------------
// schedule_one_test.go.
// ---------------------------------------------------------------------------------------

/// TestNumFeasibleNodesToFind, the cases without a configured percentageOfNodesToScore
/// (Bindery runs the default profile, whose percentage is the adaptive default).
#[test]
fn num_feasible_nodes_to_find_adaptive_default() {
    // "not set percentageOfNodesToScore and nodes number not more than 50"
    assert_eq!(num_feasible_nodes_to_find(10), 10);
    // "not set percentageOfNodesToScore and nodes number more than 50": 50 - 1000/125 = 42%
    assert_eq!(num_feasible_nodes_to_find(1000), 420);
    // "not set percentageOfNodesToScore and nodes number more than 50*125": the 5% floor
    assert_eq!(num_feasible_nodes_to_find(6000), 300);
    // Under minFeasibleNodesToFind all nodes; above it never fewer than 100.
    assert_eq!(num_feasible_nodes_to_find(99), 99);
    assert_eq!(num_feasible_nodes_to_find(100), 100);
    assert_eq!(num_feasible_nodes_to_find(200), 100);
    assert_eq!(num_feasible_nodes_to_find(500), 230);
}

fn many_nodes(n: usize) -> Vec<String> {
    (0..n).map(|i| node(&format!("n{i:03}"), "", "")).collect()
}

/// TestFairEvaluationForNodes: every cycle starts where the last one stopped, so across
/// cycles all nodes are examined. Upstream sets percentageOfNodesToScore to 30; Bindery
/// has the adaptive default, 46% of 500 nodes = 230, which also leaves a remainder.
#[test]
fn fair_evaluation_for_nodes_rotates_the_start_index() {
    let mut docs = many_nodes(500);
    docs.push(pod("p", GATED));
    let sim = run(&docs);
    let p = ungated(&sim, "p");
    let mut cache = sim.scheduler_cache().clone();
    cache.refresh_order();
    let cx = Ctx {
        cluster: sim.cluster(),
        cache: &cache,
        version: sim.version(),
        now: sim.now(),
    };
    let profile = default_profile(sim.version());
    let nodes_to_find = num_feasible_nodes_to_find(500);
    assert_eq!(nodes_to_find, 230);
    let mut next = 0;
    for i in 0..2 * (500 / nodes_to_find + 1) {
        let out = find_nodes_that_fit(&cx, &profile, &p, &mut next);
        assert!(out.error.is_none());
        assert_eq!(out.feasible.len(), nodes_to_find, "cycle {i}");
        assert_eq!(next, (i + 1) * nodes_to_find % 500, "cycle {i}");
        // The window starts at the previous index, in node order.
        let start = i * nodes_to_find % 500;
        let want: Vec<usize> = (0..nodes_to_find).map(|k| (start + k) % 500).collect();
        assert_eq!(out.feasible, want, "cycle {i}");
    }
}

/// TestPreferNominatedNodeFilterCallCounts "pod has the nominated node set, filter is
/// called only once": a nominated node that passes is taken without looking at the others
/// (and the start index does not move); "nominated pod cannot pass the filter, filter is
/// called for each node": then every node is filtered as usual.
#[test]
fn prefer_nominated_node() {
    let sim = run(&[
        node("node1", "", ""),
        node("node2", "", ""),
        node("node3", "", "unschedulable: true"),
        pod("p", GATED),
    ]);
    let mut cache = sim.scheduler_cache().clone();
    cache.refresh_order();
    let cx = Ctx {
        cluster: sim.cluster(),
        cache: &cache,
        version: sim.version(),
        now: sim.now(),
    };
    let profile = default_profile(sim.version());

    let mut p = ungated(&sim, "p");
    p.status.nominated_node_name = Some("node2".into());
    let mut next = 0;
    let out = find_nodes_that_fit(&cx, &profile, &p, &mut next);
    assert_eq!(out.feasible, vec![cache.position("node2").unwrap()]);
    assert_eq!(
        next, 0,
        "the nominated node alone does not advance the start index"
    );

    // Nominated to a node that fails: all three nodes are filtered.
    p.status.nominated_node_name = Some("node3".into());
    let out = find_nodes_that_fit(&cx, &profile, &p, &mut next);
    let feasible: BTreeSet<&str> = out
        .feasible
        .iter()
        .map(|&i| cache.nodes()[i].name())
        .collect();
    assert_eq!(feasible, BTreeSet::from(["node1", "node2"]));
    assert_eq!(next, 0, "3 nodes processed, 3 nodes in the cluster");

    // Without a nomination: all nodes too.
    p.status.nominated_node_name = None;
    let out = find_nodes_that_fit(&cx, &profile, &p, &mut next);
    assert_eq!(out.feasible.len(), 2);
}

/// The `Scheduled` event and the PodScheduled condition after a successful binding
/// (`finishBinding`: Normal, "Scheduled", "Successfully assigned %v/%v to %v").
#[test]
fn scheduled_event() {
    let sim = run(&[node("node1", "", ""), pod("p", "")]);
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
    let scheduled: Vec<_> = pod_events(&sim, "p")
        .into_iter()
        .filter(|(_, r, _, _)| r == "Scheduled")
        .collect();
    assert_eq!(
        scheduled,
        vec![(
            "Normal".to_string(),
            "Scheduled".to_string(),
            "Successfully assigned default/p to node1".to_string(),
            "default-scheduler".to_string()
        )]
    );
    let p = sim.cluster().pod(&key("p")).unwrap();
    let c = p.condition("PodScheduled").expect("PodScheduled");
    assert_eq!(&*c.status, "True");
}

/// ErrNoNodesAvailable: `NewStatus(UnschedulableAndUnresolvable).WithError(err)`, so a
/// Warning FailedScheduling with the error text and reason Unschedulable (a rejection, not
/// SchedulerError).
#[test]
fn no_nodes_available() {
    let sim = run(&[pod("p", "")]);
    let events = pod_events(&sim, "p");
    assert_eq!(
        events[0],
        (
            "Warning".to_string(),
            "FailedScheduling".to_string(),
            "no nodes available to schedule pods".to_string(),
            "default-scheduler".to_string()
        )
    );
    let p = sim.cluster().pod(&key("p")).unwrap();
    let c = p.condition("PodScheduled").expect("PodScheduled");
    assert_eq!(&*c.status, "False");
    assert_eq!(&*c.reason, "Unschedulable");
    assert_eq!(&*c.message, "no nodes available to schedule pods");
    assert_eq!(p.status.nominated_node_name, None);
}

/// After ErrNoNodesAvailable the pod is retried once a node exists (upstream: the pod has
/// no rejecting plugin, so it goes to the error backoff queue and is retried after
/// backoff; Bindery retries such a pod on the next cluster event, here the node's
/// creation).
#[test]
fn no_nodes_available_then_a_node_appears() {
    let text = format!(
        "# then: advance 5s\n# then: create Node node1\n{}---\n{}",
        pod("p", ""),
        node("node1", "", "")
    );
    let script = bindery_core::scenario::builtin::read_header(&text).expect("header");
    let run = script.run(1, MAX_STEPS).expect("loads");
    assert!(run.then_errors.is_empty(), "{:?}", run.then_errors);
    let sim = run.sim;
    // Upstream would also retry it every backoff period meanwhile (more identical
    // FailedScheduling events); Bindery does not retry errors on a timer.
    assert_eq!(
        first_failure(&sim, "p"),
        "no nodes available to schedule pods"
    );
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// `topologySpreadConstraints` over `kubernetes.io/hostname` selecting `foo`.
fn spread(max_skew: u32) -> String {
    format!(
        "  topologySpreadConstraints: [{{maxSkew: {max_skew}, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {{matchExpressions: [{{key: foo, operator: Exists}}]}}}}]\n"
    )
}

fn labelled_pod(name: &str, node_name: &str, spec: &str) -> String {
    let mut s = pod(name, spec).replace(
        "namespace: default}",
        "namespace: default, labels: {foo: ''}}",
    );
    if !node_name.is_empty() {
        s.push_str(&format!("  nodeName: {node_name}\n"));
    }
    s
}

/// TestSchedulerSchedulePod "test podtopologyspread plugin - 2 nodes with maxskew=1".
#[test]
fn schedule_pod_topology_spread_two_nodes_max_skew_1() {
    let sim = run(&[
        node("node1", "", ""),
        node("node2", "", ""),
        labelled_pod("pod1", "node1", ""),
        labelled_pod("p", "", &spread(1)),
    ]);
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node2"));
}

/// TestSchedulerSchedulePod "test podtopologyspread plugin - 3 nodes with maxskew=2":
/// node1 (2 matching pods) is filtered out; node2 and node3 are feasible (upstream scores
/// them equally with a fake prioritizer; the default profile's spreading score prefers
/// the emptier node3).
#[test]
fn schedule_pod_topology_spread_three_nodes_max_skew_2() {
    let sim = run(&[
        node("node1", "", ""),
        node("node2", "", ""),
        node("node3", "", ""),
        labelled_pod("pod1a", "node1", ""),
        labelled_pod("pod1b", "node1", ""),
        labelled_pod("pod2", "node2", ""),
        labelled_pod("p", "", &format!("{GATED}{}", spread(2))),
    ]);
    let ex = sim.explain(&key("p")).expect("pod");
    let feasible: BTreeSet<&str> = ex
        .nodes
        .iter()
        .filter(|r| r.feasible)
        .map(|r| r.node.as_str())
        .collect();
    assert_eq!(feasible, BTreeSet::from(["node2", "node3"]));
    let total = |n: &str| ex.nodes.iter().find(|r| r.node == n).unwrap().total;
    assert!(total("node3") > total("node2"));
}

/// TestSchedulerSchedulePod "unknown PVC": VolumeBinding's PreFilter rejects the pod
/// (UnschedulableAndUnresolvable), so the FitError is the PreFilter short form. PreFilter
/// stopped before DynamicResources wrote its state, so that PostFilter fails with the
/// cycle state's `not found`, an Error that ends the PostFilter phase (DefaultPreemption
/// does not run) and becomes the PostFilter message.
#[test]
fn schedule_pod_unknown_pvc() {
    let sim = run(&[
        node("node1", "", ""),
        node("node2", "", ""),
        pod(
            "ignore",
            "  volumes: [{name: v, persistentVolumeClaim: {claimName: unknownPVC}}]\n",
        ),
    ]);
    assert_eq!(
        first_failure(&sim, "ignore"),
        "0/2 nodes are available: persistentvolumeclaim \"unknownPVC\" not found. not found"
    );
    let p = sim.cluster().pod(&key("ignore")).unwrap();
    assert_eq!(
        &*p.condition("PodScheduled").unwrap().reason,
        "Unschedulable"
    );
}

/// TestSchedulerSchedulePod test 7/8 ("every node rejected, by different plugins") with
/// real plugins, and framework_test.go's RunFilterPlugins: a node's status is that of the
/// first plugin (in profile order) that rejects it — node3 is both cordoned and tainted and
/// only NodeUnschedulable's reason is counted. All rejections are
/// UnschedulableAndUnresolvable, so preemption finds no node where it might help;
/// DynamicResources' PostFilter reason comes first (it runs before DefaultPreemption).
#[test]
fn schedule_pod_every_node_rejected_by_the_first_failing_plugin() {
    let taint = "taints: [{key: dedicated, value: db, effect: NoSchedule}]";
    let sim = run(&[
        node("node1", "", "unschedulable: true"),
        node("node2", "", taint),
        node("node3", "", &format!("unschedulable: true, {taint}")),
        pod("p", ""),
    ]);
    assert_eq!(
        first_failure(&sim, "p"),
        "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) were unschedulable. \
         no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

/// PreFilterResult narrowing (NodeAffinity with `matchFields metadata.name`): the nodes left
/// out get `node(s) didn't satisfy plugin(s) [NodeAffinity]` (UnschedulableAndUnresolvable);
/// the remaining node is filtered as usual.
#[test]
fn schedule_pod_prefilter_result_narrows_the_nodes() {
    let affinity = "  affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [node1]}]}]}}}\n";
    let sim = run(&[
        node("node1", "", "unschedulable: true"),
        node("node2", "", ""),
        node("node3", "", ""),
        pod("p", affinity),
    ]);
    assert_eq!(
        first_failure(&sim, "p"),
        "0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. \
         no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

// ---------------------------------------------------------------------------------------
// framework_test.go / default_plugins.go: the default profile, its order and weights.
// ---------------------------------------------------------------------------------------

/// getDefaultPlugins (v1.36, DynamicResourceAllocation on: DynamicResources right before
/// DefaultPreemption), less the plugins Bindery does not simulate (SchedulingGates and
/// PrioritySort live in the queue; ImageLocality scores every node alike without image
/// data; DefaultPreemption and DefaultBinder are the engine).
#[test]
fn default_profile_order_and_weights() {
    let profile = default_profile(&bindery_core::version::V1_36);
    let got: Vec<(&str, i64)> = profile
        .iter()
        .map(|p| (p.name(), p.weight().max(1)))
        .collect();
    assert_eq!(
        got,
        vec![
            (names::NODE_UNSCHEDULABLE, 1),
            (names::NODE_NAME, 1),
            (names::TAINT_TOLERATION, 3),
            (names::NODE_AFFINITY, 2),
            (names::NODE_PORTS, 1),
            (names::NODE_RESOURCES_FIT, 1),
            (names::VOLUME_RESTRICTIONS, 1),
            (names::NODE_VOLUME_LIMITS, 1),
            (names::VOLUME_BINDING, 1),
            (names::VOLUME_ZONE, 1),
            (names::POD_TOPOLOGY_SPREAD, 2),
            (names::INTER_POD_AFFINITY, 2),
            (names::DYNAMIC_RESOURCES, 1),
            (names::NODE_RESOURCES_BALANCED_ALLOCATION, 1),
        ]
    );
}

/// RunScorePlugins: each plugin's normalized score (0..100) times its weight. A
/// PreferNoSchedule taint the pod does not tolerate: TaintToleration gives the clean node
/// 100 × 3; a preferred node affinity term: NodeAffinity gives the matching node 100 × 2.
#[test]
fn scores_are_normalized_then_weighted() {
    let sim = run(&[
        node("tainted", "disk: ssd", "taints: [{key: k, value: v, effect: PreferNoSchedule}]"),
        node("clean", "", ""),
        pod(
            "p",
            &format!(
                "{GATED}  affinity: {{nodeAffinity: {{preferredDuringSchedulingIgnoredDuringExecution: [{{weight: 10, preference: {{matchExpressions: [{{key: disk, operator: In, values: [ssd]}}]}}}}]}}}}\n"
            ),
        ),
    ]);
    let ex = sim.explain(&key("p")).expect("pod");
    let score = |n: &str, plugin: &str| -> i64 {
        let row = ex.nodes.iter().find(|r| r.node == n).expect("row");
        row.scores
            .iter()
            .find(|(p, _)| *p == plugin)
            .map(|(_, s)| *s)
            .unwrap_or_else(|| panic!("no {plugin} score on {n}"))
    };
    assert_eq!(score("clean", names::TAINT_TOLERATION), 300);
    assert_eq!(score("tainted", names::TAINT_TOLERATION), 0);
    assert_eq!(score("tainted", names::NODE_AFFINITY), 200);
    assert_eq!(score("clean", names::NODE_AFFINITY), 0);
    // The total is the sum of the weighted scores.
    for row in &ex.nodes {
        let sum: i64 = row.scores.iter().map(|(_, s)| s).sum();
        assert_eq!(row.total, Some(sum), "{}", row.node);
    }
}

// ---------------------------------------------------------------------------------------
// The scheduling queue: scheduling_queue_test.go / backoff_queue_test.go.
// ---------------------------------------------------------------------------------------

fn q_key(n: &str) -> ObjectKey {
    ObjectKey::new("default", n)
}

/// A pod that failed one attempt at `failed_at` (rejected by NodeResourcesFit).
fn failed_once(q: &mut SchedulingQueue, name: &str, priority: i32, failed_at: u64) {
    q.add(q_key(name), priority, SimTime(failed_at));
    assert_eq!(q.pop(), Some(q_key(name)));
    q.add_unschedulable(
        q_key(name),
        [names::NODE_RESOURCES_FIT].into(),
        SimTime(failed_at),
    );
}

fn drain(q: &mut SchedulingQueue) -> Vec<String> {
    std::iter::from_fn(|| q.pop())
        .map(|k| k.name.to_string())
        .collect()
}

/// PrioritySort's Less: higher priority first, then the earlier queue timestamp
/// (TestPriorityQueue_Pop / TestPriorityQueue_Add ordering).
#[test]
fn priority_sort_priority_then_timestamp() {
    let mut q = SchedulingQueue::default();
    q.add(q_key("low-late"), 0, SimTime(5_000));
    q.add(q_key("high"), 100, SimTime(6_000));
    q.add(q_key("low-early"), 0, SimTime(3_000));
    q.add(q_key("mid"), 50, SimTime(7_000));
    assert_eq!(drain(&mut q), ["high", "mid", "low-early", "low-late"]);
}

/// TestBackOffFlow: backoff 1s, doubling each unschedulable attempt, capped at 10s.
#[test]
fn backoff_doubles_to_the_cap() {
    let mut q = SchedulingQueue::default();
    let p = q_key("p");
    q.add(p.clone(), 0, SimTime(0));
    let mut now = 100_000;
    for want in [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000] {
        assert_eq!(q.pop(), Some(p.clone()));
        q.add_unschedulable(p.clone(), [names::NODE_RESOURCES_FIT].into(), SimTime(now));
        assert!(q.is_unschedulable(&p));
        assert_eq!(q.on_event(ClusterEvent::NodeAdd, SimTime(now)), 1);
        assert_eq!(q.next_backoff_expiry(), Some(SimTime(now + want)));
        now += 20_000;
    }
}

/// ConsecutiveErrorsCount: a failure without rejecting plugins (an error) goes straight to
/// the backoff queue, backed off by the consecutive errors; an unschedulable attempt
/// resets that count and backs off by UnschedulableCount again.
#[test]
fn errors_back_off_by_consecutive_errors() {
    let mut q = SchedulingQueue::default();
    let p = q_key("p");
    q.add(p.clone(), 0, SimTime(0));
    assert_eq!(q.pop(), Some(p.clone()));
    q.add_unschedulable(p.clone(), BTreeSet::new(), SimTime(10_000));
    assert_eq!(q.next_backoff_expiry(), Some(SimTime(11_000)));
    assert_eq!(q.pop(), Some(p.clone()));
    q.add_unschedulable(p.clone(), BTreeSet::new(), SimTime(20_000));
    assert_eq!(q.next_backoff_expiry(), Some(SimTime(22_000)));
    assert_eq!(q.pop(), Some(p.clone()));
    q.add_unschedulable(p.clone(), [names::NODE_PORTS].into(), SimTime(30_000));
    assert_eq!(q.on_event(ClusterEvent::NodeAdd, SimTime(30_000)), 1);
    assert_eq!(q.next_backoff_expiry(), Some(SimTime(31_000)));
}

/// TestBackoffQueueOrdering "Pods with the same window are ordered by priority if
/// PopFromBackoffQ is enabled" (v1.36: SchedulerPopFromBackoffQ on). Backoff expirations
/// are aligned down to the one-second ordering window, and a pod still backs off while its
/// window has not ended: at N, pod0 (expiring N+1s) and pod1 (N) stay; pod2 (N-1s+1ms),
/// pod3, pod4 (N-1s) and pod5 (N-2s) are done and leave in activeQ's order.
#[test]
fn backoff_ordering_window() {
    let n = 100_000;
    let mut q = SchedulingQueue::default();
    failed_once(&mut q, "pod0", 1, n);
    failed_once(&mut q, "pod1", 1, n - 1_000);
    failed_once(&mut q, "pod2", 2, n - 2_000 + 1);
    failed_once(&mut q, "pod3", 1, n - 2_000);
    failed_once(&mut q, "pod4", 2, n - 2_000);
    failed_once(&mut q, "pod5", 1, n - 3_000);
    assert_eq!(q.on_event(ClusterEvent::NodeAdd, SimTime(n)), 6);
    assert_eq!(q.len_active(), 4, "pod2..pod5 completed their backoff");
    assert_eq!(q.len_backoff(), 2, "pod0 and pod1 are still backing off");
    // activeQ: priority, then the timestamp of the failed attempt; then (PopFromBackoffQ)
    // the backoff queue's head.
    assert_eq!(
        drain(&mut q),
        ["pod4", "pod2", "pod5", "pod3", "pod1", "pod0"]
    );
}

/// Two pods whose backoff ends in the same window leave the backoff queue by priority,
/// not by their exact expiry (lessBackoffCompletedWithPriority).
#[test]
fn backoff_queue_orders_a_window_by_priority() {
    let mut q = SchedulingQueue::default();
    failed_once(&mut q, "low", 1, 100);
    failed_once(&mut q, "high", 2, 500);
    assert_eq!(q.on_event(ClusterEvent::NodeAdd, SimTime(600)), 2);
    assert_eq!(q.len_backoff(), 2);
    assert_eq!(q.next_backoff_expiry(), Some(SimTime(1_000)));
    assert_eq!(drain(&mut q), ["high", "low"]);
}

/// Unschedulable pods wait for an event one of their rejecting plugins registered for
/// (TestPriorityQueue_MoveAllToActiveOrBackoffQueue): NodePorts ignores a node update.
#[test]
fn unschedulable_pods_move_on_interesting_events_only() {
    let mut q = SchedulingQueue::default();
    q.add(q_key("p"), 0, SimTime(0));
    q.pop();
    q.add_unschedulable(q_key("p"), [names::NODE_PORTS].into(), SimTime(0));
    for node_update in [
        ClusterEvent::NodeLabelUpdate,
        ClusterEvent::NodeTaintUpdate,
        ClusterEvent::NodeAllocatableUpdate,
    ] {
        assert_eq!(q.on_event(node_update, SimTime(0)), 0);
    }
    assert_eq!(q.on_event(ClusterEvent::AssignedPodDelete, SimTime(0)), 1);
    assert!(!q.is_unschedulable(&q_key("p")));
}

// ---------------------------------------------------------------------------------------
// The binding cycle: NominatedNodeNameForExpectation (beta, on by default since v1.35).
// ---------------------------------------------------------------------------------------

/// bindingCycle: when PreBind has work to do (VolumeBinding's PreBindPreFlight is Success
/// because a WaitForFirstConsumer claim must be provisioned), the pod's
/// `status.nominatedNodeName` is set to the chosen node while the binding waits; the
/// Binding clears it. A pod whose claims are all bound (PreBindPreFlight Skip) is bound
/// without it.
#[test]
fn nominated_node_name_while_prebind_waits() {
    let class = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n".to_string();
    let claim = "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: local\n  resources: {requests: {storage: 1Gi}}\n".to_string();
    let p = pod(
        "p",
        "  volumes: [{name: v, persistentVolumeClaim: {claimName: data}}]\n",
    );
    let parsed =
        bindery_core::scenario::parse(&[node("node1", "", ""), class, claim, p].join("---\n"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    assert!(sim.load(&parsed).is_empty());
    let mut seen_waiting = false;
    for _ in 0..MAX_STEPS {
        if sim.is_idle() {
            break;
        }
        sim.step();
        if sim.assumed_node(&key("p")).is_some() {
            seen_waiting = true;
            let pod = sim.cluster().pod(&key("p")).unwrap();
            assert_eq!(pod.node_name(), None);
            assert_eq!(pod.status.nominated_node_name.as_deref(), Some("node1"));
        }
    }
    assert!(seen_waiting, "the binding waited for provisioning");
    let pod = sim.cluster().pod(&key("p")).unwrap();
    assert_eq!(pod.node_name(), Some("node1"));
    assert_eq!(pod.status.nominated_node_name, None);
}
