//! Upstream's own unit-test tables for the node plugins and DefaultPreemption, replayed
//! through the whole engine (default profile, Kubernetes v1.36).
//!
//! Each test names the upstream test function and case it transcribes. Upstream's unit
//! tests drive one plugin (or the preemption evaluator) with hand-made inputs; here the
//! same cluster is written as manifests and the default scheduler runs on it, so a case
//! asserts what that plugin decides as it shows through the engine: which node wins,
//! which pods are preempted, the FailedScheduling text (reasons and, through the
//! `preemption:` suffix, whether a node was Unschedulable or UnschedulableAndUnresolvable),
//! or the verdict table and scores of `Simulation::explain`.
//!
//! Where an upstream case feeds the evaluator a status the real Filter would never give
//! (e.g. `Unschedulable` for a request larger than the node), the case is adapted so the
//! Filter gives that status, and the comment says so.

use std::collections::BTreeSet;

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scenario::builtin::read_header;
use bindery_core::scheduler::explain::{Explanation, Verdict};
use bindery_core::{Command, Simulation};
use bindery_tests::{plugin_scores, run_yaml, scored, MAX_STEPS};

// ---------------------------------------------------------------------------------------
// Builders, in the spirit of upstream's st.MakeNode() / st.MakePod().
// ---------------------------------------------------------------------------------------

/// Upstream's priorities: negPriority, lowPriority, midPriority, highPriority,
/// veryHighPriority. `low` is 0, as a pod without a class has.
const PRIORITY_CLASSES: &str = "\
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: neg}
value: -100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 0
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: mid}
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: very-high}
value: 10000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-never}
value: 1000
preemptionPolicy: Never
";

/// `smallRes` … `veryLargeRes` (cpu, memory).
const SMALL: (&str, &str) = ("100m", "100");
const MEDIUM: (&str, &str) = ("200m", "200");
const LARGE: (&str, &str) = ("300m", "300");
const VERY_LARGE: (&str, &str) = ("500m", "500");
const NONE: (&str, &str) = ("", "");

/// A node with `cpu`/`memory` allocatable (empty: 0) and room for `pods` pods.
fn node_doc(name: &str, (cpu, mem): (&str, &str), pods: u32, labels: &str, spec: &str) -> String {
    let cpu = if cpu.is_empty() { "0" } else { cpu };
    let mem = if mem.is_empty() { "0" } else { mem };
    let labels = if labels.is_empty() {
        format!("kubernetes.io/hostname: {name}")
    } else {
        format!("kubernetes.io/hostname: {name}, {labels}")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec: {{{spec}}}\nstatus:\n  allocatable: {{cpu: '{cpu}', memory: '{mem}', pods: '{pods}'}}\n"
    )
}

/// `st.MakeNode().Name(name).Capacity(veryLargeRes)`: 500m, 500 bytes, 32 pods.
fn node(name: &str) -> String {
    node_doc(name, VERY_LARGE, 32, "", "")
}

/// A pod: `node` empty for a pending pod, `prio` a class name (empty: priority 0).
fn pod_doc(
    name: &str,
    node: &str,
    prio: &str,
    (cpu, mem): (&str, &str),
    labels: &str,
    spec: &str,
) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default, labels: {{{labels}}}}}\nspec:\n  terminationGracePeriodSeconds: 0\n"
    );
    if !node.is_empty() {
        s.push_str(&format!("  nodeName: {node}\n"));
    }
    if !prio.is_empty() {
        s.push_str(&format!("  priorityClassName: {prio}\n"));
    }
    let mut req = Vec::new();
    if !cpu.is_empty() {
        req.push(format!("cpu: {cpu}"));
    }
    if !mem.is_empty() {
        req.push(format!("memory: '{mem}'"));
    }
    if req.is_empty() {
        s.push_str("  containers: [{name: c, image: pause}]\n");
    } else {
        s.push_str(&format!(
            "  containers: [{{name: c, image: pause, resources: {{requests: {{{}}}}}}}]\n",
            req.join(", ")
        ));
    }
    s.push_str(spec);
    s
}

fn pod(name: &str, node: &str, prio: &str, res: (&str, &str)) -> String {
    pod_doc(name, node, prio, res, "", "")
}

fn run(docs: &[String]) -> Simulation {
    let mut all = vec![PRIORITY_CLASSES.to_string()];
    all.extend(docs.iter().cloned());
    run_yaml(&all.join("---\n"), 1)
}

/// Runs a scenario whose `# then:` lines create pods one by one, a second apart, so their
/// `status.startTime`s differ as upstream's `StartTime(epochTimeN)` do.
fn run_script(header: &str, docs: &[String]) -> Simulation {
    let mut all = vec![PRIORITY_CLASSES.to_string()];
    all.extend(docs.iter().cloned());
    let text = format!("{header}{}", all.join("---\n"));
    let script = read_header(&text).expect("header");
    let run = script.run(1, MAX_STEPS).expect("loads");
    assert!(run.load_errors.is_empty(), "{:?}", run.load_errors);
    assert!(run.then_errors.is_empty(), "{:?}", run.then_errors);
    run.sim
}

/// `# then:` lines creating `pods` in order, `advance 1s` between them.
fn created_in_order(pods: &[&str]) -> String {
    let mut h = String::new();
    for p in pods {
        h.push_str(&format!(
            "# then: create Pod default/{p}\n# then: advance 1s\n"
        ));
    }
    h
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new("default", name)
}

fn messages(sim: &Simulation, pod: &str, reason: &str) -> Vec<String> {
    let key = key(pod);
    sim.log()
        .events_for(Kind::Pod, &key)
        .filter(|(_, e)| e.reason == reason)
        .map(|(_, e)| e.message.to_string())
        .collect()
}

fn first_failure(sim: &Simulation, pod: &str) -> String {
    messages(sim, pod, "FailedScheduling")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{pod} never failed to schedule"))
}

fn last_failure(sim: &Simulation, pod: &str) -> String {
    messages(sim, pod, "FailedScheduling")
        .pop()
        .unwrap_or_else(|| panic!("{pod} never failed to schedule"))
}

/// Every pod preempted in the run, with the node named by its `Preempted` event.
fn preempted(sim: &Simulation) -> BTreeSet<(String, String)> {
    sim.log()
        .events()
        .filter(|(_, e)| e.reason == "Preempted")
        .map(|(_, e)| {
            let node = e
                .message
                .rsplit(" on node ")
                .next()
                .unwrap_or_default()
                .to_string();
            (e.object.name.to_string(), node)
        })
        .collect()
}

fn victims_on(node: &str, victims: &[&str]) -> BTreeSet<(String, String)> {
    victims
        .iter()
        .map(|v| (v.to_string(), node.to_string()))
        .collect()
}

fn node_of(sim: &Simulation, pod: &str) -> Option<String> {
    sim.cluster()
        .pod(&key(pod))
        .and_then(|p| p.node_name().map(str::to_string))
}

/// `preemption: ` + a FitError over the dry run's statuses, after DynamicResources'
/// PostFilter text, as the scheduler joins them.
fn with_preemption(fit: &str, preemption: &str) -> String {
    format!("{fit} no new claims to deallocate, preemption: {preemption}")
}

// ---------------------------------------------------------------------------------------
// DefaultPreemption: defaultpreemption/default_preemption_test.go (v1.36).
// ---------------------------------------------------------------------------------------

/// `onePodRes` nodes: room for one pod (cpu and memory to spare, so only the pod count
/// decides).
fn one_pod_node(name: &str) -> String {
    node_doc(name, VERY_LARGE, 1, "", "")
}

/// TestPostFilter "pod with higher priority can be made schedulable".
#[test]
fn post_filter_higher_priority_pod_preempts() {
    let sim = run(&[
        one_pod_node("node1"),
        pod("p1", "node1", "", NONE),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["p1"]));
    // Preemption succeeded: no PostFilter text follows the FitError.
    assert_eq!(
        first_failure(&sim, "p"),
        "0/1 nodes are available: 1 Too many pods."
    );
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// TestPostFilter "pod with tied priority is still unschedulable".
#[test]
fn post_filter_tied_priority_finds_no_victims() {
    let sim = run(&[
        one_pod_node("node1"),
        pod("p1", "node1", "", NONE),
        pod("p", "", "", NONE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/1 nodes are available: 1 Too many pods.",
            "0/1 nodes are available: 1 No preemption victims found for incoming pod."
        )
    );
    // The failed preemption clears any nomination.
    let p = sim.cluster().pod(&key("p")).unwrap();
    assert_eq!(p.status.nominated_node_name, None);
}

/// TestPostFilter "preemption should respect filteredNodesStatuses": a node whose Filter
/// status is UnschedulableAndUnresolvable (here an untolerated NoSchedule taint) is never
/// dry-run, even though it holds a lower-priority pod.
#[test]
fn post_filter_skips_unresolvable_nodes() {
    let sim = run(&[
        node_doc(
            "node1",
            VERY_LARGE,
            1,
            "",
            "taints: [{key: dedicated, value: other, effect: NoSchedule}]",
        ),
        pod_doc(
            "p1",
            "node1",
            "",
            NONE,
            "",
            "  tolerations: [{operator: Exists}]\n",
        ),
        pod("p", "", "high", NONE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/1 nodes are available: 1 node(s) had untolerated taint(s).",
            "0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        )
    );
}

/// TestPostFilter "preemption should respect absent NodeToStatusReader entry meaning
/// UnschedulableAndUnresolvable": nodes left out by a PreFilterResult (NodeAffinity's
/// `metadata.name` pin to a node that does not exist) take the absent status.
#[test]
fn post_filter_absent_nodes_are_unresolvable() {
    let sim = run(&[
        one_pod_node("node1"),
        pod("p1", "node1", "", NONE),
        pod_doc(
            "p",
            "",
            "high",
            NONE,
            "",
            "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{key: metadata.name, operator: In, values: [node9]}]\n",
        ),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/1 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity].",
            "0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        )
    );
}

/// TestPostFilter "pod can be made schedulable on one node".
#[test]
fn post_filter_only_the_node_with_lower_priority_pods_is_a_candidate() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        pod("p1", "node1", "high", NONE),
        pod("p2", "node2", "low", NONE),
        pod("p", "", "mid", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["p2"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node2"));
}

/// TestPostFilter "pod can be made schedulable on minHighestPriority node": both nodes
/// violate one PDB each, so the lower highest-priority victim (mid on node2, against
/// high on node1) decides.
#[test]
fn post_filter_min_highest_priority_node_among_equal_pdb_violations() {
    let violating = "test.kubernetes.io/is-violating-pdb: violating";
    let non_violating = "test.kubernetes.io/is-violating-pdb: non-violating";
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: violating-pdb, namespace: default}\nspec:\n  minAvailable: 100%\n  selector: {matchLabels: {test.kubernetes.io/is-violating-pdb: violating}}\n".into(),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: non-violating-pdb, namespace: default}\nspec:\n  minAvailable: 0\n  selector: {matchLabels: {test.kubernetes.io/is-violating-pdb: non-violating}}\n".into(),
        pod_doc("p1", "node1", "high", NONE, non_violating, ""),
        pod_doc("p2", "node1", "low", NONE, violating, ""),
        pod_doc("p3", "node2", "mid", NONE, violating, ""),
        pod("p", "", "very-high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["p3"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node2"));
}

/// TestPostFilter "no candidate nodes found, no enough resource after removing low priority
/// pods". Upstream hands the evaluator `Unschedulable` for nodes of 200m; a real Filter
/// calls a 300m request on a 200m node UnschedulableAndUnresolvable (fit.go marks a
/// request above the node's allocatable unresolvable), so preemption is not even tried.
#[test]
fn post_filter_request_larger_than_the_node_is_unresolvable() {
    let node_res = ("200m", "400");
    let sim = run(&[
        node_doc("node1", node_res, 32, "", ""),
        node_doc("node2", node_res, 32, "", ""),
        pod("p1", "node1", "", NONE),
        pod("p2", "node2", "", NONE),
        pod("p", "", "high", LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/2 nodes are available: 2 Insufficient cpu.",
            "0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        )
    );
}

/// The same case with the status upstream feeds in made real: the nodes are Unschedulable
/// (the request fits the node) but removing the lower-priority pods still leaves too
/// little cpu, because a pod of the preemptor's priority holds the rest. The dry run's
/// own status is the message: "preemption: 0/2 nodes are available: 2 Insufficient cpu."
#[test]
fn post_filter_no_candidate_after_removing_low_priority_pods() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        pod("h1", "node1", "high", ("300m", "100")),
        pod("h2", "node2", "high", ("300m", "100")),
        pod("p1", "node1", "", NONE),
        pod("p2", "node2", "", NONE),
        pod("p", "", "high", LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/2 nodes are available: 2 Insufficient cpu.",
            "0/2 nodes are available: 2 Insufficient cpu."
        )
    );
}

/// TestPostFilter "no candidate nodes found with mixed reasons, no lower priority pod and
/// no enough CPU resource" (node2 made Unschedulable for real, as above).
#[test]
fn post_filter_mixed_dry_run_reasons() {
    let sim = run(&[
        one_pod_node("node1"),
        node("node2"),
        one_pod_node("node3"),
        pod("p1", "node1", "high", NONE),
        pod("h2", "node2", "high", ("300m", "100")),
        pod("p2", "node2", "", NONE),
        pod("p3", "node3", "high", NONE),
        pod("p", "", "high", LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/3 nodes are available: 1 Insufficient cpu, 2 Too many pods.",
            "0/3 nodes are available: 1 Insufficient cpu, 2 No preemption victims found for incoming pod."
        )
    );
}

/// TestPostFilter "no candidate nodes found with mixed reason, 2 UnschedulableAndUnresolvable
/// nodes and 2 nodes don't have enough CPU resource" (node3 and node4 tainted).
#[test]
fn post_filter_unresolvable_nodes_count_as_not_helpful() {
    let taint = "taints: [{key: dedicated, value: other, effect: NoSchedule}]";
    let sim = run(&[
        node("node1"),
        node("node2"),
        node_doc("node3", VERY_LARGE, 32, "", taint),
        node_doc("node4", VERY_LARGE, 32, "", taint),
        pod("h1", "node1", "high", ("300m", "100")),
        pod("h2", "node2", "high", ("300m", "100")),
        pod("p1", "node1", "", NONE),
        pod("p2", "node2", "", NONE),
        pod("p", "", "high", LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/4 nodes are available: 2 Insufficient cpu, 2 node(s) had untolerated taint(s).",
            "0/4 nodes are available: 2 Insufficient cpu, 2 Preemption is not helpful for scheduling."
        )
    );
}

/// TestDryRunPreemption "a pod that fits on both nodes when lower priority pods are
/// preempted": either node is a candidate with its one pod as the victim.
#[test]
fn dry_run_fits_on_both_nodes() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        pod("p1", "node1", "mid", LARGE),
        pod("p2", "node2", "mid", LARGE),
        pod("p", "", "high", LARGE),
    ]);
    let got = preempted(&sim);
    assert!(
        got == victims_on("node1", &["p1"]) || got == victims_on("node2", &["p2"]),
        "{got:?}"
    );
    let on = node_of(&sim, "p").unwrap();
    assert!(got.iter().all(|(_, n)| *n == on));
}

/// TestDryRunPreemption "a pod that would fit on the nodes, but other pods running are
/// higher priority, no preemption would happen".
#[test]
fn dry_run_no_lower_priority_pods() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        pod("p1", "node1", "mid", LARGE),
        pod("p2", "node2", "mid", LARGE),
        pod("p", "", "low", LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory.",
            "0/2 nodes are available: 2 No preemption victims found for incoming pod."
        )
    );
}

/// TestDryRunPreemption "medium priority pod is preempted, but lower priority one stays as
/// it is small": on node1 the small low-priority pod is reprieved.
#[test]
fn dry_run_reprieves_the_small_lower_priority_pod() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        pod("p1.1", "node1", "low", SMALL),
        pod("p1.2", "node1", "mid", LARGE),
        pod("p2", "node2", "mid", LARGE),
        pod("p", "", "high", LARGE),
    ]);
    let got = preempted(&sim);
    assert!(
        got == victims_on("node1", &["p1.2"]) || got == victims_on("node2", &["p2"]),
        "{got:?}"
    );
}

/// The same node alone: node1's victims are exactly p1.2.
#[test]
fn dry_run_reprieves_the_small_lower_priority_pod_node1_alone() {
    let sim = run(&[
        node("node1"),
        pod("p1.1", "node1", "low", SMALL),
        pod("p1.2", "node1", "mid", LARGE),
        pod("p", "", "high", LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["p1.2"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// TestDryRunPreemption "mixed priority pods are preempted".
#[test]
fn dry_run_mixed_priority_pods() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        pod("p1.1", "node1", "mid", SMALL),
        pod("p1.2", "node1", "low", SMALL),
        pod("p1.3", "node1", "mid", MEDIUM),
        pod("p1.4", "node1", "high", SMALL),
        pod("p2", "node2", "high", LARGE),
        pod("p", "", "high", LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["p1.2", "p1.3"]));
}

/// TestDryRunPreemption "mixed priority pods are preempted, pick later StartTime one when
/// priorities are equal": of the two low pods, the one that started later goes.
#[test]
fn dry_run_equal_priority_victims_go_latest_start_first() {
    let header = created_in_order(&["p2", "p1.4", "p1.3", "p1.2", "p1.1", "p"]);
    let sim = run_script(
        &header,
        &[
            node("node1"),
            node("node2"),
            pod("p1.1", "node1", "low", SMALL),
            pod("p1.2", "node1", "low", SMALL),
            pod("p1.3", "node1", "mid", MEDIUM),
            pod("p1.4", "node1", "high", SMALL),
            pod("p2", "node2", "high", LARGE),
            pod("p", "", "high", LARGE),
        ],
    );
    assert_eq!(preempted(&sim), victims_on("node1", &["p1.1", "p1.3"]));
}

/// TestDryRunPreemption "preemption to resolve pod topology spread filter failure":
/// node-a and node-b are candidates with one low-priority victim each.
#[test]
fn dry_run_resolves_topology_spread() {
    let spread = "  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}}\n  - {maxSkew: 1, topologyKey: hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}}\n";
    let sim = run(&[
        node_doc(
            "node-a",
            VERY_LARGE,
            32,
            "hostname: node-a, zone: zone1",
            "",
        ),
        node_doc(
            "node-b",
            VERY_LARGE,
            32,
            "hostname: node-b, zone: zone1",
            "",
        ),
        node_doc(
            "node-x",
            VERY_LARGE,
            32,
            "hostname: node-x, zone: zone2",
            "",
        ),
        pod_doc("pod-a1", "node-a", "mid", NONE, "foo: ''", ""),
        pod_doc("pod-a2", "node-a", "low", NONE, "foo: ''", ""),
        pod_doc("pod-b1", "node-b", "low", NONE, "foo: ''", ""),
        pod_doc("pod-x1", "node-x", "high", NONE, "foo: ''", ""),
        pod_doc("pod-x2", "node-x", "high", NONE, "foo: ''", ""),
        pod_doc("p", "", "high", NONE, "foo: ''", spread),
    ]);
    let got = preempted(&sim);
    assert!(
        got == victims_on("node-a", &["pod-a2"]) || got == victims_on("node-b", &["pod-b1"]),
        "{got:?}"
    );
}

/// TestDryRunPreemption "preemption with violation of same pdb": both pods must go; the
/// PDB (minAvailable 1 of 2: one disruption allowed) is violated once.
#[test]
fn dry_run_violation_of_same_pdb() {
    let sim = run(&[
        node("node1"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: pdb, namespace: default}\nspec:\n  minAvailable: 1\n  selector: {matchLabels: {app: foo}}\n".into(),
        pod_doc("p1.1", "node1", "mid", MEDIUM, "app: foo", ""),
        pod_doc("p1.2", "node1", "mid", MEDIUM, "app: foo", ""),
        pod("p", "", "high", VERY_LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["p1.1", "p1.2"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// TestDryRunPreemption "preemption looks past numCandidates until a non-PDB violating node
/// is found", with the default DefaultPreemptionArgs (all five nodes are dry-run): the
/// node chosen violates no PDB.
#[test]
fn dry_run_prefers_nodes_without_pdb_violations() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        node("node4"),
        node("node5"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: pdb, namespace: default}\nspec:\n  maxUnavailable: 0\n  selector: {matchLabels: {app: foo}}\n".into(),
        pod_doc("p1", "node1", "mid", LARGE, "app: foo", ""),
        pod_doc("p2", "node2", "mid", LARGE, "app: foo", ""),
        pod("p3", "node3", "mid", LARGE),
        pod("p4", "node4", "mid", LARGE),
        pod_doc("p5", "node5", "mid", LARGE, "app: foo", ""),
        pod("p", "", "high", LARGE),
    ]);
    let got = preempted(&sim);
    assert!(
        got == victims_on("node3", &["p3"]) || got == victims_on("node4", &["p4"]),
        "{got:?}"
    );
}

/// TestSelectBestCandidate, every case. Pods created together share a start time
/// (upstream's `epochTime`); the start-time cases create pods a second apart.
#[test]
fn select_best_candidate_min_highest_priority() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        pod("p1.1", "node1", "mid", MEDIUM),
        pod("p1.2", "node1", "mid", LARGE),
        pod("p2.1", "node2", "mid", MEDIUM),
        pod("p2.2", "node2", "low", MEDIUM),
        pod("p3.1", "node3", "low", MEDIUM),
        pod("p3.2", "node3", "low", MEDIUM),
        pod("p", "", "high", VERY_LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node3", &["p3.1", "p3.2"]));
}

#[test]
fn select_best_candidate_min_sum_of_priorities() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        pod("p1.1", "node1", "mid", MEDIUM),
        pod("p1.2", "node1", "mid", LARGE),
        pod("p2.1", "node2", "mid", LARGE),
        pod("p2.2", "node2", "low", MEDIUM),
        pod("p3.1", "node3", "mid", MEDIUM),
        pod("p3.2", "node3", "mid", MEDIUM),
        pod("p", "", "high", VERY_LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["p2.1", "p2.2"]));
}

#[test]
fn select_best_candidate_min_number_of_pods() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        pod("p1.1", "node1", "mid", SMALL),
        pod("p1.2", "node1", "neg", SMALL),
        pod("p1.3", "node1", "mid", SMALL),
        pod("p1.4", "node1", "neg", SMALL),
        pod("p2.1", "node2", "mid", LARGE),
        pod("p2.2", "node2", "neg", MEDIUM),
        pod("p3.1", "node3", "mid", MEDIUM),
        pod("p3.2", "node3", "neg", SMALL),
        pod("p3.3", "node3", "low", SMALL),
        pod("p", "", "high", VERY_LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["p2.1", "p2.2"]));
}

#[test]
fn select_best_candidate_sum_of_adjusted_priorities() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        pod("p1.1", "node1", "mid", SMALL),
        pod("p1.2", "node1", "neg", SMALL),
        pod("p1.3", "node1", "neg", SMALL),
        pod("p2.1", "node2", "mid", LARGE),
        pod("p2.2", "node2", "neg", MEDIUM),
        pod("p3.1", "node3", "mid", MEDIUM),
        pod("p3.2", "node3", "neg", SMALL),
        pod("p3.3", "node3", "low", SMALL),
        pod("p", "", "high", VERY_LARGE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["p2.1", "p2.2"]));
}

#[test]
fn select_best_candidate_non_overlapping_criteria() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        node("node4"),
        pod("p1.1", "node1", "mid", SMALL),
        pod("p1.2", "node1", "low", SMALL),
        pod("p1.3", "node1", "low", SMALL),
        pod("p2.1", "node2", "high", LARGE),
        pod("p3.1", "node3", "mid", MEDIUM),
        pod("p3.2", "node3", "low", SMALL),
        pod("p3.3", "node3", "low", SMALL),
        pod("p3.4", "node3", "low", MEDIUM),
        pod("p4.1", "node4", "mid", MEDIUM),
        pod("p4.2", "node4", "mid", SMALL),
        pod("p4.3", "node4", "mid", SMALL),
        pod("p4.4", "node4", "neg", SMALL),
        pod("p", "", "very-high", VERY_LARGE),
    ]);
    assert_eq!(
        preempted(&sim),
        victims_on("node1", &["p1.1", "p1.2", "p1.3"])
    );
}

#[test]
fn select_best_candidate_latest_start_time_per_node() {
    // p3.x start first (epochTime1), then p1.x (2), then p2.x (3).
    let header = created_in_order(&["p3.1", "p3.2", "p1.1", "p1.2", "p2.1", "p2.2", "p"]);
    let sim = run_script(
        &header,
        &[
            node("node1"),
            node("node2"),
            node("node3"),
            pod("p1.1", "node1", "mid", MEDIUM),
            pod("p1.2", "node1", "mid", MEDIUM),
            pod("p2.1", "node2", "mid", MEDIUM),
            pod("p2.2", "node2", "mid", MEDIUM),
            pod("p3.1", "node3", "mid", MEDIUM),
            pod("p3.2", "node3", "mid", MEDIUM),
            pod("p", "", "high", VERY_LARGE),
        ],
    );
    assert_eq!(preempted(&sim), victims_on("node2", &["p2.1", "p2.2"]));
}

#[test]
fn select_best_candidate_latest_earliest_start_time_of_all_pods() {
    // Start order: p2.2 (1), p1.2 (2), p3.1 (3), p1.1 (4), p2.1 (5), p3.2 (6).
    let header = created_in_order(&["p2.2", "p1.2", "p3.1", "p1.1", "p2.1", "p3.2", "p"]);
    let sim = run_script(
        &header,
        &[
            node("node1"),
            node("node2"),
            node("node3"),
            pod("p1.1", "node1", "mid", MEDIUM),
            pod("p1.2", "node1", "mid", MEDIUM),
            pod("p2.1", "node2", "mid", MEDIUM),
            pod("p2.2", "node2", "mid", MEDIUM),
            pod("p3.1", "node3", "mid", MEDIUM),
            pod("p3.2", "node3", "mid", MEDIUM),
            pod("p", "", "high", VERY_LARGE),
        ],
    );
    assert_eq!(preempted(&sim), victims_on("node3", &["p3.1", "p3.2"]));
}

#[test]
fn select_best_candidate_start_time_of_highest_priority_victims() {
    // Start order: p2.2 (1), p1.2 (2), p3.1 (3), p1.1 (4), p3.2 (5), p2.1 (6).
    let header = created_in_order(&["p2.2", "p1.2", "p3.1", "p1.1", "p3.2", "p2.1", "p"]);
    let sim = run_script(
        &header,
        &[
            node("node1"),
            node("node2"),
            node("node3"),
            pod("p1.1", "node1", "low", MEDIUM),
            pod("p1.2", "node1", "mid", MEDIUM),
            pod("p2.1", "node2", "mid", MEDIUM),
            pod("p2.2", "node2", "low", MEDIUM),
            pod("p3.1", "node3", "low", MEDIUM),
            pod("p3.2", "node3", "mid", MEDIUM),
            pod("p", "", "high", VERY_LARGE),
        ],
    );
    assert_eq!(preempted(&sim), victims_on("node2", &["p2.1", "p2.2"]));
}

/// TestPreempt "basic preemption logic" and "PreemptionPolicy is nil".
#[test]
fn preempt_basic() {
    for policy in ["  preemptionPolicy: PreemptLowerPriority\n", ""] {
        let sim = run(&[
            node("node1"),
            node("node2"),
            node("node3"),
            pod("p1.1", "node1", "low", SMALL),
            pod("p1.2", "node1", "low", SMALL),
            pod("p2.1", "node2", "high", LARGE),
            pod("p3.1", "node3", "mid", MEDIUM),
            pod_doc("p", "", "high", VERY_LARGE, "", policy),
        ]);
        assert_eq!(preempted(&sim), victims_on("node1", &["p1.1", "p1.2"]));
        assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
    }
}

/// TestPreempt "preemption for topology spread constraints".
#[test]
fn preempt_for_topology_spread() {
    let spread = "  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}}\n  - {maxSkew: 1, topologyKey: hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}}\n";
    let sim = run(&[
        node_doc(
            "node-a",
            VERY_LARGE,
            32,
            "hostname: node-a, zone: zone1",
            "",
        ),
        node_doc(
            "node-b",
            VERY_LARGE,
            32,
            "hostname: node-b, zone: zone1",
            "",
        ),
        node_doc(
            "node-x",
            VERY_LARGE,
            32,
            "hostname: node-x, zone: zone2",
            "",
        ),
        pod_doc("p-a1", "node-a", "high", NONE, "foo: ''", ""),
        pod_doc("p-a2", "node-a", "high", NONE, "foo: ''", ""),
        pod_doc("p-b1", "node-b", "low", NONE, "foo: ''", ""),
        pod_doc("p-x1", "node-x", "high", NONE, "foo: ''", ""),
        pod_doc("p-x2", "node-x", "high", NONE, "foo: ''", ""),
        pod_doc("p", "", "high", NONE, "foo: ''", spread),
    ]);
    assert_eq!(preempted(&sim), victims_on("node-b", &["p-b1"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node-b"));
}

/// TestPreempt "no preempting in pod" and TestPodEligibleToPreemptOthers "Pod with
/// 'PreemptNever' preemption policy": nothing is preempted, the pod says why.
#[test]
fn preempt_never() {
    let sim = run(&[
        node("node1"),
        node("node2"),
        node("node3"),
        pod("p1.1", "node1", "low", SMALL),
        pod("p1.2", "node1", "low", SMALL),
        pod("p2.1", "node2", "high", LARGE),
        pod("p3.1", "node3", "mid", MEDIUM),
        pod("p", "", "high-never", VERY_LARGE),
    ]);
    assert!(preempted(&sim).is_empty());
    assert_eq!(
        last_failure(&sim, "p"),
        "0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."
    );
}

/// A victim with a grace period: it stays on the node, terminating, for 30 s.
fn slow_victim(name: &str, node: &str, prio: &str) -> String {
    pod(name, node, prio, NONE).replace(
        "terminationGracePeriodSeconds: 0",
        "terminationGracePeriodSeconds: 30",
    )
}

/// Loads `docs` without running anything.
fn load(docs: &[String]) -> Simulation {
    let mut all = vec![PRIORITY_CLASSES.to_string()];
    all.extend(docs.iter().cloned());
    let parsed = bindery_core::scenario::parse(&all.join("---\n"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}");
    sim
}

/// Steps until the first preemption has been carried out (victims marked and deleted).
fn step_until_preempted(sim: &mut Simulation) {
    for _ in 0..1000 {
        if !preempted(sim).is_empty() {
            return;
        }
        sim.step();
    }
    panic!("no preemption happened");
}

fn apply(sim: &mut Simulation, yaml: &str) {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.execute(Command::Apply(d.manifest.clone())).unwrap();
    }
}

/// After a successful preemption the preemptor waits for its victim to go: the victim's
/// DisruptionTarget condition and deletionTimestamp are pod updates NodeResourcesFit does
/// not register for (fit.go: Pod/Delete and UpdatePodScaleDown only), so no cycle runs
/// until the victim is deleted, 30 s later.
#[test]
fn preemptor_is_not_retried_while_its_victim_terminates() {
    let sim = run(&[
        one_pod_node("node1"),
        slow_victim("v", "node1", "low"),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["v"]));
    assert_eq!(
        messages(&sim, "p", "FailedScheduling"),
        vec!["0/1 nodes are available: 1 Too many pods.".to_string()]
    );
    let scheduled: Vec<_> = sim
        .log()
        .events_for(Kind::Pod, &key("p"))
        .filter(|(_, e)| e.reason == "Scheduled")
        .map(|(entry, _)| entry.time.millis())
        .collect();
    assert_eq!(scheduled, vec![30_000]);
}

/// TestPodEligibleToPreemptOthers "preemption victim pod terminating, as indicated by the
/// dedicated DisruptionTarget condition": retried while its victim still terminates on
/// the nominated node (here because an unrelated scheduled pod was deleted), the
/// preemptor is not eligible to preempt again.
#[test]
fn not_eligible_while_a_victim_terminates_on_the_nominated_node() {
    let mut sim = load(&[
        node_doc("node1", VERY_LARGE, 1, "", ""),
        node_doc("node2", VERY_LARGE, 32, "", ""),
        slow_victim("v", "node1", "low"),
        pod("h2", "node2", "high", VERY_LARGE),
        pod("other", "node2", "high", NONE),
        pod("p", "", "high", SMALL),
    ]);
    step_until_preempted(&mut sim);
    assert_eq!(
        sim.cluster()
            .pod(&key("p"))
            .unwrap()
            .status
            .nominated_node_name
            .as_deref(),
        Some("node1")
    );
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("other"),
    })
    .unwrap();
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(
        messages(&sim, "p", "FailedScheduling"),
        vec![
            "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods.".to_string(),
            with_preemption(
                "0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 Too many pods.",
                "not eligible due to a terminating pod on the nominated node."
            ),
        ]
    );
    assert_eq!(preempted(&sim), victims_on("node1", &["v"]));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// TestPodEligibleToPreemptOthers "Pod with nominated node": when the nominated node has
/// become UnschedulableAndUnresolvable (tainted), a victim still terminating there does
/// not stop the preemptor from preempting elsewhere. (The retry is caused by the deletion
/// of a scheduled pod, an event NodeResourcesFit registers for; a taint alone would not
/// requeue a pod NodeResourcesFit rejected.)
#[test]
fn eligible_again_when_the_nominated_node_became_unresolvable() {
    let taint = "taints: [{key: dedicated, value: other, effect: NoSchedule}]";
    let mut sim = load(&[
        node_doc("node1", VERY_LARGE, 1, "", ""),
        node_doc("node2", VERY_LARGE, 1, "", ""),
        node_doc("node3", VERY_LARGE, 32, "", taint),
        slow_victim("v", "node1", "low"),
        pod("l2", "node2", "mid", NONE),
        pod_doc(
            "other",
            "node3",
            "high",
            NONE,
            "",
            "  tolerations: [{operator: Exists}]\n",
        ),
        pod("p", "", "high", NONE),
    ]);
    step_until_preempted(&mut sim);
    assert_eq!(preempted(&sim), victims_on("node1", &["v"]));
    apply(&mut sim, &node_doc("node1", VERY_LARGE, 1, "", taint));
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("other"),
    })
    .unwrap();
    sim.run_until_idle(MAX_STEPS);
    let mut want = victims_on("node1", &["v"]);
    want.extend(victims_on("node2", &["l2"]));
    assert_eq!(preempted(&sim), want);
    assert_eq!(
        messages(&sim, "p", "FailedScheduling")[1],
        "0/3 nodes are available: 1 Too many pods, 2 node(s) had untolerated taint(s)."
    );
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node2"));
}

/// filterPodsWithPDBViolation as of v1.36.0: a PDB whose selector is empty (`{}`) is
/// skipped (`selector.Empty()`), although policy/v1 says it selects every pod in its
/// namespace. PR #141785, which honours it, was merged after v1.36.0. Here the PDB would
/// protect `v1` (in its namespace, no disruption allowed) and steer preemption to node2;
/// v1.36.0 ignores it and takes the node with the lowest-priority victim.
#[test]
fn pdb_with_an_empty_selector_is_ignored_by_preemption() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: everything, namespace: default}\nspec:\n  minAvailable: 100%\n  selector: {}\n".into(),
        pod_doc("v1", "node1", "low", NONE, "app: a", ""),
        pod_doc("v2", "node2", "mid", NONE, "app: b", "").replace("namespace: default", "namespace: other"),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["v1"]));
}

/// The same rule's other half: a pod without labels never violates a PDB in v1.36.0
/// (`len(pod.Labels) != 0`), even one whose selector (`app DoesNotExist`) matches it.
#[test]
fn unlabeled_pods_never_violate_a_pdb_in_preemption() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: unlabeled, namespace: default}\nspec:\n  minAvailable: 100%\n  selector: {matchExpressions: [{key: app, operator: DoesNotExist}]}\n".into(),
        pod("v1", "node1", "low", NONE),
        pod_doc("v2", "node2", "mid", NONE, "app: b", ""),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node1", &["v1"]));
}

/// Control for the two cases above: a PDB matching `v1` by label does steer preemption to
/// the node whose victim violates no PDB, although its victim has a higher priority.
#[test]
fn pdb_matching_by_label_steers_preemption() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: a, namespace: default}\nspec:\n  minAvailable: 100%\n  selector: {matchLabels: {app: a}}\n".into(),
        pod_doc("v1", "node1", "low", NONE, "app: a", ""),
        pod_doc("v2", "node2", "mid", NONE, "app: b", ""),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["v2"]));
}

// ---------------------------------------------------------------------------------------
// NodeResourcesFit: noderesources/fit_test.go (v1.36).
// ---------------------------------------------------------------------------------------

/// A container with these requests (`key: value` pairs, comma-separated).
fn container(name: &str, requests: &str) -> String {
    if requests.is_empty() {
        format!("{{name: {name}, image: pause}}")
    } else {
        format!("{{name: {name}, image: pause, resources: {{requests: {{{requests}}}}}}}")
    }
}

/// A pod spec (`spec:` body, indented) with these containers and init containers.
fn containers_spec(containers: &[&str], init: &[&str]) -> String {
    let list = |prefix: &str, reqs: &[&str]| -> Vec<String> {
        reqs.iter()
            .enumerate()
            .map(|(i, r)| container(&format!("{prefix}{i}"), r))
            .collect()
    };
    let mut s = format!("  containers: [{}]\n", list("c", containers).join(", "));
    if !init.is_empty() {
        s.push_str(&format!(
            "  initContainers: [{}]\n",
            list("i", init).join(", ")
        ));
    }
    s
}

fn raw_pod(name: &str, node: &str, spec: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  terminationGracePeriodSeconds: 0\n"
    );
    if node.is_empty() {
        // Kept pending: Simulation::explain looks at it as the next cycle would.
        s.push_str("  schedulingGates: [{name: hold}]\n");
    } else {
        s.push_str(&format!("  nodeName: {node}\n"));
    }
    s.push_str(spec);
    s
}

/// The verdict of `plugin` for pod `p` on node `node` in `sim`.
fn verdict(sim: &Simulation, pod: &str, node: &str, plugin: &str) -> Verdict {
    let ex: Explanation = sim.explain(&key(pod)).expect("pod exists");
    let row = ex.nodes.iter().find(|r| r.node == node).expect("node row");
    row.filters
        .iter()
        .find(|(n, _)| *n == plugin)
        .map(|(_, v)| v.clone())
        .expect("plugin column")
}

fn unschedulable(reason: &str) -> Verdict {
    Verdict::Failed {
        unresolvable: false,
        reason: reason.to_string(),
    }
}

fn unresolvable(reason: &str) -> Verdict {
    Verdict::Failed {
        unresolvable: true,
        reason: reason.to_string(),
    }
}

/// TestEnoughRequests' node: cpu 10m, memory 20, 32 pods, example.com/aaa 5,
/// ephemeral-storage 20, hugepages-2Mi 5; one pod already there using `existing`.
/// Returns NodeResourcesFit's verdict for a pod with `spec`.
fn fit_on_enough_node(existing: &str, spec: &str) -> Verdict {
    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n, labels: {kubernetes.io/hostname: n}}\nstatus:\n  allocatable: {cpu: 10m, memory: '20', pods: '32', example.com/aaa: '5', ephemeral-storage: '20', hugepages-2Mi: '5'}\n".to_string();
    let sim = run(&[
        node,
        raw_pod("existing", "n", &containers_spec(&[existing], &[])),
        raw_pod("p", "", spec),
    ]);
    verdict(&sim, "p", "n", "NodeResourcesFit")
}

#[test]
fn enough_requests_cpu_memory_and_init_containers() {
    let cases: &[(&str, &str, String, Verdict)] = &[
        (
            "no resources requested always fits",
            "cpu: 10m, memory: '20'",
            containers_spec(&[""], &[]),
            Verdict::Passed,
        ),
        (
            "too many resources fails",
            "cpu: 10m, memory: '20'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]),
            unschedulable("Insufficient cpu, Insufficient memory"),
        ),
        (
            "too many resources fails due to init container cpu",
            "cpu: 8m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '1'"], &["cpu: 3m, memory: '1'"]),
            unschedulable("Insufficient cpu"),
        ),
        (
            "too many resources fails due to highest init container cpu",
            "cpu: 8m, memory: '19'",
            containers_spec(
                &["cpu: 1m, memory: '1'"],
                &["cpu: 3m, memory: '1'", "cpu: 2m, memory: '1'"],
            ),
            unschedulable("Insufficient cpu"),
        ),
        (
            "too many resources fails due to init container memory",
            "cpu: 9m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '1'"], &["cpu: 1m, memory: '3'"]),
            unschedulable("Insufficient memory"),
        ),
        (
            "too many resources fails due to highest init container memory",
            "cpu: 9m, memory: '19'",
            containers_spec(
                &["cpu: 1m, memory: '1'"],
                &["cpu: 1m, memory: '3'", "cpu: 1m, memory: '2'"],
            ),
            unschedulable("Insufficient memory"),
        ),
        (
            "init container fits because it's the max, not sum, of containers and init containers",
            "cpu: 9m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '1'"], &["cpu: 1m, memory: '1'"]),
            Verdict::Passed,
        ),
        (
            "multiple init containers fit because it's the max, not sum, of containers and init containers",
            "cpu: 9m, memory: '19'",
            containers_spec(
                &["cpu: 1m, memory: '1'"],
                &["cpu: 1m, memory: '1'", "cpu: 1m, memory: '1'"],
            ),
            Verdict::Passed,
        ),
        (
            "both resources fit",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]),
            Verdict::Passed,
        ),
        (
            "one resource memory fits",
            "cpu: 9m, memory: '5'",
            containers_spec(&["cpu: 2m, memory: '1'"], &[]),
            unschedulable("Insufficient cpu"),
        ),
        (
            "one resource cpu fits",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '2'"], &[]),
            unschedulable("Insufficient memory"),
        ),
        (
            "equal edge case",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 5m, memory: '1'"], &[]),
            Verdict::Passed,
        ),
        (
            "equal edge case for init container",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 4m, memory: '1'"], &["cpu: 5m, memory: '1'"]),
            Verdict::Passed,
        ),
        (
            "resources + pod overhead fits",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]) + "  overhead: {cpu: 3m, memory: '13'}\n",
            Verdict::Passed,
        ),
        (
            "requests + overhead does not fit for memory",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]) + "  overhead: {cpu: 1m, memory: '15'}\n",
            unschedulable("Insufficient memory"),
        ),
    ];
    for (name, existing, spec, want) in cases {
        assert_eq!(&fit_on_enough_node(existing, spec), want, "{name}");
    }
}

#[test]
fn enough_requests_extended_and_hugepages() {
    let aaa = "example.com/aaa";
    let cases: &[(&str, &str, String, Verdict)] = &[
        (
            "extended resource fits",
            "",
            containers_spec(&["example.com/aaa: '1'"], &[]),
            Verdict::Passed,
        ),
        (
            "extended resource fits for init container",
            "",
            containers_spec(&[""], &["example.com/aaa: '1'"]),
            Verdict::Passed,
        ),
        (
            "extended resource capacity enforced",
            "",
            containers_spec(&["cpu: 1m, memory: '1', example.com/aaa: '10'"], &[]),
            unresolvable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource capacity enforced for init container",
            "",
            containers_spec(&[""], &["cpu: 1m, memory: '1', example.com/aaa: '10'"]),
            unresolvable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource allocatable enforced",
            "example.com/aaa: '5'",
            containers_spec(&["cpu: 1m, memory: '1', example.com/aaa: '1'"], &[]),
            unschedulable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource allocatable enforced for init container",
            "example.com/aaa: '5'",
            containers_spec(&[""], &["cpu: 1m, memory: '1', example.com/aaa: '1'"]),
            unschedulable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource allocatable enforced for multiple containers",
            "example.com/aaa: '2'",
            containers_spec(
                &[
                    "cpu: 1m, memory: '1', example.com/aaa: '3'",
                    "cpu: 1m, memory: '1', example.com/aaa: '3'",
                ],
                &[],
            ),
            unresolvable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource allocatable admits multiple init containers",
            "example.com/aaa: '2'",
            containers_spec(
                &[""],
                &[
                    "cpu: 1m, memory: '1', example.com/aaa: '3'",
                    "cpu: 1m, memory: '1', example.com/aaa: '3'",
                ],
            ),
            Verdict::Passed,
        ),
        (
            "extended resource allocatable enforced for multiple init containers",
            "example.com/aaa: '2'",
            containers_spec(
                &[""],
                &[
                    "cpu: 1m, memory: '1', example.com/aaa: '6'",
                    "cpu: 1m, memory: '1', example.com/aaa: '3'",
                ],
            ),
            unresolvable(&format!("Insufficient {aaa}")),
        ),
        (
            "extended resource allocatable enforced for unknown resource",
            "",
            containers_spec(&["cpu: 1m, memory: '1', example.com/bbb: '1'"], &[]),
            unresolvable("Insufficient example.com/bbb"),
        ),
        (
            "extended resource allocatable enforced for unknown resource for init container",
            "",
            containers_spec(&[""], &["cpu: 1m, memory: '1', example.com/bbb: '1'"]),
            unresolvable("Insufficient example.com/bbb"),
        ),
        (
            "hugepages resource capacity enforced",
            "",
            containers_spec(&["cpu: 1m, memory: '1', hugepages-2Mi: '10'"], &[]),
            unresolvable("Insufficient hugepages-2Mi"),
        ),
        (
            "hugepages resource capacity enforced for init container",
            "",
            containers_spec(&[""], &["cpu: 1m, memory: '1', hugepages-2Mi: '10'"]),
            unresolvable("Insufficient hugepages-2Mi"),
        ),
        (
            "hugepages resource allocatable enforced for multiple containers",
            "hugepages-2Mi: '2'",
            containers_spec(
                &[
                    "cpu: 1m, memory: '1', hugepages-2Mi: '3'",
                    "cpu: 1m, memory: '1', hugepages-2Mi: '3'",
                ],
                &[],
            ),
            unresolvable("Insufficient hugepages-2Mi"),
        ),
        (
            "skip checking extended resource request with quantity zero",
            "example.com/aaa: '6'",
            containers_spec(&["cpu: 1m, memory: '1', example.com/aaa: '0'"], &[]),
            Verdict::Passed,
        ),
    ];
    for (name, existing, spec, want) in cases {
        assert_eq!(&fit_on_enough_node(existing, spec), want, "{name}");
    }
}

/// The pod-level resources cases (PodLevelResources is beta and on in v1.36).
#[test]
fn enough_requests_pod_level_resources() {
    let cases: &[(&str, &str, String, Verdict)] = &[
        (
            "skip checking resource request with quantity zero",
            "cpu: 20m, memory: '30', example.com/aaa: '1'",
            containers_spec(&["example.com/aaa: '1'"], &[]),
            Verdict::Passed,
        ),
        (
            "both pod-level and container-level resources fit",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[])
                + "  resources: {requests: {cpu: 1m, memory: '2'}}\n",
            Verdict::Passed,
        ),
        (
            "pod-level cpu resource not fit",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[])
                + "  resources: {requests: {cpu: 7m, memory: '2'}}\n",
            unschedulable("Insufficient cpu"),
        ),
        (
            "pod-level memory resource not fit",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[])
                + "  resources: {requests: {cpu: 3m, memory: '2'}}\n",
            unschedulable("Insufficient memory"),
        ),
        (
            "one pod-level cpu resource fits and all init and non-init containers resources fit",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 1m, memory: '1'"], &["cpu: 1m, memory: '1'"])
                + "  resources: {requests: {cpu: 3m, memory: '2'}}\n",
            unschedulable("Insufficient memory"),
        ),
        (
            "pod-level hugepages resource fit",
            "",
            containers_spec(&[""], &[])
                + "  resources: {requests: {cpu: 3m, memory: '2', hugepages-2Mi: '5'}, limits: {hugepages-2Mi: '5'}}\n",
            Verdict::Passed,
        ),
        (
            "both pod-level and container-level hugepages resource fit",
            "",
            containers_spec(&["cpu: 1m, memory: '1', hugepages-2Mi: '3'"], &[])
                + "  resources: {requests: {cpu: 3m, memory: '2', hugepages-2Mi: '5'}, limits: {hugepages-2Mi: '5'}}\n",
            Verdict::Passed,
        ),
        (
            "pod-level hugepages resource not fit",
            "",
            containers_spec(&[""], &[])
                + "  resources: {requests: {cpu: 3m, memory: '2', hugepages-2Mi: '10'}, limits: {hugepages-2Mi: '10'}}\n",
            unresolvable("Insufficient hugepages-2Mi"),
        ),
    ];
    for (name, existing, spec, want) in cases {
        assert_eq!(&fit_on_enough_node(existing, spec), want, "{name}");
    }
}

/// TestNotEnoughRequests: a node with room for one pod, already taken.
#[test]
fn not_enough_requests_too_many_pods() {
    let cases: &[(&str, &str, String)] = &[
        (
            "even without specified resources, predicate fails when there's no space for additional pod",
            "cpu: 10m, memory: '20'",
            containers_spec(&[""], &[]),
        ),
        (
            "even if both resources fit, predicate fails when there's no space for additional pod",
            "cpu: 5m, memory: '5'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]),
        ),
        (
            "even for equal edge case, predicate fails when there's no space for additional pod",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 5m, memory: '1'"], &[]),
        ),
        (
            "even for equal edge case, predicate fails when there's no space for additional pod due to init container",
            "cpu: 5m, memory: '19'",
            containers_spec(&["cpu: 5m, memory: '1'"], &["cpu: 5m, memory: '1'"]),
        ),
    ];
    for (name, existing, spec) in cases {
        let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n, labels: {kubernetes.io/hostname: n}}\nstatus:\n  allocatable: {cpu: 10m, memory: '20', pods: '1'}\n".to_string();
        let sim = run(&[
            node,
            raw_pod("existing", "n", &containers_spec(&[existing], &[])),
            raw_pod("p", "", spec),
        ]);
        assert_eq!(
            verdict(&sim, "p", "n", "NodeResourcesFit"),
            unschedulable("Too many pods"),
            "{name}"
        );
    }
}

/// TestStorageRequests.
#[test]
fn storage_requests() {
    let cases: &[(&str, &str, String, Verdict)] = &[
        (
            "empty storage requested, and pod fits",
            "cpu: 2m, memory: '10'",
            containers_spec(&["cpu: 1m, memory: '1'"], &[]),
            Verdict::Passed,
        ),
        (
            "storage ephemeral local storage request exceeds allocatable",
            "cpu: 2m, memory: '2'",
            containers_spec(&["ephemeral-storage: '25'"], &[]),
            unresolvable("Insufficient ephemeral-storage"),
        ),
        (
            "ephemeral local storage is sufficient",
            "cpu: 2m, memory: '2', ephemeral-storage: '10'",
            containers_spec(&["ephemeral-storage: '5'"], &[]),
            Verdict::Passed,
        ),
        (
            "pod fits",
            "cpu: 2m, memory: '2'",
            containers_spec(&["ephemeral-storage: '10'"], &[]),
            Verdict::Passed,
        ),
    ];
    for (name, existing, spec, want) in cases {
        assert_eq!(&fit_on_enough_node(existing, spec), want, "{name}");
    }
}

/// TestRestartableInitContainers with SidecarContainers on (GA): a sidecar's requests add
/// to the containers'. (The feature-off cases are not modelled.)
#[test]
fn restartable_init_containers() {
    let sidecar = |req: &str| {
        if req.is_empty() {
            "  initContainers: [{name: restartable-init, image: pause, restartPolicy: Always}]\n"
                .to_string()
        } else {
            format!("  initContainers: [{{name: restartable-init, image: pause, restartPolicy: Always, resources: {{requests: {{{req}}}}}}}]\n")
        }
    };
    let cases: &[(&str, String, Verdict)] = &[
        (
            "allow pod without restartable init containers if sidecar containers is enabled",
            containers_spec(&[""], &[]),
            Verdict::Passed,
        ),
        (
            "allow pod with restartable init containers if sidecar containers is enabled",
            containers_spec(&[""], &[]) + &sidecar(""),
            Verdict::Passed,
        ),
        (
            "allow pod if the total requested resources do not exceed the node's allocatable resources",
            containers_spec(&["cpu: 1m"], &[]) + &sidecar("cpu: 1m"),
            Verdict::Passed,
        ),
        (
            "not allow pod if the total requested resources do exceed the node's allocatable resources",
            containers_spec(&["cpu: 1m"], &[]) + &sidecar("cpu: 2m"),
            unresolvable("Insufficient cpu"),
        ),
    ];
    for (name, spec, want) in cases {
        let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n, labels: {kubernetes.io/hostname: n}}\nstatus:\n  allocatable: {cpu: 2m, memory: '0', pods: '1'}\n".to_string();
        let sim = run(&[node, raw_pod("p", "", spec)]);
        assert_eq!(&verdict(&sim, "p", "n", "NodeResourcesFit"), want, "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// Scores: noderesources/least_allocated_test.go, balanced_allocation_test.go and
// fit_test.go TestFitScore (default ScoringStrategy: LeastAllocated, cpu and memory,
// weight 1 each), read from the verdict table's per-plugin (weighted) scores.
// ---------------------------------------------------------------------------------------

/// A node with `cpu` (cores, as upstream's `"4000"`) and `memory` (bytes) allocatable.
fn score_node(name: &str, cpu: &str, mem: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}\nstatus:\n  allocatable: {{cpu: '{cpu}', memory: '{mem}', pods: '110'}}\n"
    )
}

/// Each node's score from `plugin` for the pending pod `p` (None: not scored).
fn scores(sim: &Simulation, plugin: &str) -> Vec<(String, Option<i64>)> {
    plugin_scores(sim, &key("p"), plugin)
}

/// `cpuAndMemory` / the two-container request of the least-allocated tests: 3000 cores,
/// 5000 bytes.
fn cpu_and_memory() -> String {
    containers_spec(
        &["cpu: '1000', memory: '2000'", "cpu: '2000', memory: '3000'"],
        &[],
    )
}

/// `cpuOnly`: 3000 cores, memory explicitly 0.
fn cpu_only() -> String {
    containers_spec(
        &["cpu: '1000', memory: '0'", "cpu: '2000', memory: '0'"],
        &[],
    )
}

#[test]
fn least_allocated_scores() {
    let fit = "NodeResourcesFit";
    // "nothing scheduled, resources requested, differently sized nodes"
    let sim = run(&[
        score_node("node1", "4000", "10000"),
        score_node("node2", "6000", "10000"),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, fit), scored(&[("node1", 37), ("node2", 50)]));
    // "resources requested, pods scheduled with resources"
    let sim = run(&[
        score_node("node1", "10000", "20000"),
        score_node("node2", "10000", "20000"),
        raw_pod(
            "e1",
            "node1",
            &containers_spec(&["cpu: '3000', memory: '0'"], &[]),
        ),
        raw_pod(
            "e2",
            "node2",
            &containers_spec(&["cpu: '3000', memory: '5000'"], &[]),
        ),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, fit), scored(&[("node1", 57), ("node2", 45)]));
    // "resources requested, pods scheduled with resources, differently sized nodes"
    let sim = run(&[
        score_node("node1", "10000", "20000"),
        score_node("node2", "10000", "50000"),
        raw_pod(
            "e1",
            "node1",
            &containers_spec(&["cpu: '3000', memory: '0'"], &[]),
        ),
        raw_pod(
            "e2",
            "node2",
            &containers_spec(&["cpu: '3000', memory: '5000'"], &[]),
        ),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, fit), scored(&[("node1", 57), ("node2", 60)]));
}

/// TestFitScore "test case for ScoringStrategy LeastAllocated" and "... with sidecar
/// container" (a sidecar's requests count on the node).
#[test]
fn fit_score_least_allocated() {
    let fit = "NodeResourcesFit";
    let pod = containers_spec(&["cpu: '1000', memory: '2000'"], &[]);
    let sim = run(&[
        score_node("node1", "4000", "10000"),
        score_node("node2", "6000", "10000"),
        raw_pod(
            "e1",
            "node1",
            &containers_spec(&["cpu: '2000', memory: '4000'"], &[]),
        ),
        raw_pod(
            "e2",
            "node2",
            &containers_spec(&["cpu: '1000', memory: '2000'"], &[]),
        ),
        raw_pod("p", "", &pod),
    ]);
    assert_eq!(scores(&sim, fit), scored(&[("node1", 32), ("node2", 63)]));
    let sim = run(&[
        score_node("node1", "4000", "10000"),
        score_node("node2", "4000", "10000"),
        raw_pod(
            "e1",
            "node1",
            &(containers_spec(&["cpu: '1000', memory: '2000'"], &[])
                + "  initContainers: [{name: sidecar, image: pause, restartPolicy: Always, resources: {requests: {cpu: '1000', memory: '2000'}}}]\n"),
        ),
        raw_pod("e2", "node2", &containers_spec(&["cpu: '1000', memory: '2000'"], &[])),
        raw_pod("p", "", &pod),
    ]);
    assert_eq!(scores(&sim, fit), scored(&[("node1", 32), ("node2", 55)]));
}

#[test]
fn balanced_allocation_scores() {
    let ba = "NodeResourcesBalancedAllocation";
    // "nothing scheduled, nothing requested, skip in PreScore": a best-effort pod.
    let sim = run(&[
        score_node("node1", "4000", "10000"),
        score_node("node2", "4000", "10000"),
        raw_pod("p", "", &containers_spec(&[""], &[])),
    ]);
    assert_eq!(
        scores(&sim, ba),
        vec![("node1".to_string(), None), ("node2".to_string(), None)]
    );
    // "nothing scheduled, resources requested, differently sized nodes"
    let sim = run(&[
        score_node("node1", "4000", "10000"),
        score_node("node2", "6000", "10000"),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, ba), scored(&[("node1", 87), ("node2", 100)]));
    // "resources requested, pods scheduled with resources" (and "... if PreScore not
    // called", the same numbers)
    let sim = run(&[
        score_node("node1", "10000", "20000"),
        score_node("node2", "10000", "20000"),
        raw_pod("e1", "node1", &cpu_only()),
        raw_pod("e2", "node2", &cpu_and_memory()),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, ba), scored(&[("node1", 82), ("node2", 95)]));
    // "resources requested, pods scheduled with resources, differently sized nodes"
    let sim = run(&[
        score_node("node1", "10000", "20000"),
        score_node("node2", "10000", "50000"),
        raw_pod("e1", "node1", &cpu_only()),
        raw_pod("e2", "node2", &cpu_and_memory()),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, ba), scored(&[("node1", 82), ("node2", 80)]));
    // "requested resources at node capacity"
    let sim = run(&[
        score_node("node1", "6000", "10000"),
        score_node("node2", "6000", "10000"),
        raw_pod("e1", "node1", &cpu_only()),
        raw_pod("e2", "node2", &cpu_and_memory()),
        raw_pod("p", "", &cpu_only()),
    ]);
    assert_eq!(scores(&sim, ba), scored(&[("node1", 50), ("node2", 75)]));
    // "node without the scalar resource should skip the scalar resource" (with the
    // default cpu and memory only, the same 63 on both nodes).
    let sim = run(&[
        score_node("node1", "3500", "40000"),
        score_node("node2", "3500", "40000"),
        raw_pod("p", "", &cpu_and_memory()),
    ]);
    assert_eq!(scores(&sim, ba), scored(&[("node1", 63), ("node2", 63)]));
}

// ---------------------------------------------------------------------------------------
// TaintToleration: tainttoleration/taint_toleration_test.go (v1.36). The v1.35+ Filter
// reason is "node(s) had untolerated taint(s)" (#134740), UnschedulableAndUnresolvable.
// The Gt/Lt operator cases need the TaintTolerationComparisonOperators gate (alpha, off).
// ---------------------------------------------------------------------------------------

fn taint_pod(tolerations: &str) -> String {
    let spec = containers_spec(&[""], &[])
        + &if tolerations.is_empty() {
            String::new()
        } else {
            format!("  tolerations: [{tolerations}]\n")
        };
    raw_pod("p", "", &spec)
}

fn tainted_node(name: &str, taints: &str) -> String {
    node_doc(name, VERY_LARGE, 32, "", &format!("taints: [{taints}]"))
}

#[test]
fn taint_toleration_filter() {
    let untolerated = unresolvable("node(s) had untolerated taint(s)");
    let cases: &[(&str, &str, &str, Verdict)] = &[
        (
            "A pod having no tolerations can't be scheduled onto a node with nonempty taints",
            "",
            "{key: dedicated, value: user1, effect: NoSchedule}",
            untolerated.clone(),
        ),
        (
            "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule",
            "{key: dedicated, value: user1, effect: NoSchedule}",
            "{key: dedicated, value: user1, effect: NoSchedule}",
            Verdict::Passed,
        ),
        (
            "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule",
            "{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}",
            "{key: dedicated, value: user1, effect: NoSchedule}",
            untolerated.clone(),
        ),
        (
            "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node",
            "{key: foo, operator: Exists, effect: NoSchedule}",
            "{key: foo, value: bar, effect: NoSchedule}",
            Verdict::Passed,
        ),
        (
            "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node",
            "{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}, {key: foo, operator: Exists, effect: NoSchedule}",
            "{key: dedicated, value: user2, effect: NoSchedule}, {key: foo, value: bar, effect: NoSchedule}",
            Verdict::Passed,
        ),
        (
            "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node",
            "{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}",
            "{key: foo, value: bar, effect: NoSchedule}",
            untolerated.clone(),
        ),
        (
            "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node",
            "{key: foo, operator: Equal, value: bar}",
            "{key: foo, value: bar, effect: NoSchedule}",
            Verdict::Passed,
        ),
        (
            "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            "{key: dedicated, operator: Equal, value: user2, effect: NoSchedule}",
            "{key: dedicated, value: user1, effect: PreferNoSchedule}",
            Verdict::Passed,
        ),
        (
            "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node",
            "",
            "{key: dedicated, value: user1, effect: PreferNoSchedule}",
            Verdict::Passed,
        ),
    ];
    for (name, tolerations, taints, want) in cases {
        let sim = run(&[tainted_node("node-a", taints), taint_pod(tolerations)]);
        assert_eq!(
            &verdict(&sim, "p", "node-a", "TaintToleration"),
            want,
            "{name}"
        );
    }
}

/// TestTaintTolerationScore: normalized (reversed) counts of untolerated PreferNoSchedule
/// taints, times TaintToleration's weight of 3 in the default profile.
#[test]
fn taint_toleration_score() {
    type Case<'a> = (
        &'a str,
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a [(&'a str, i64)],
    );
    let cases: &[Case] = &[
        (
            "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints",
            "{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}",
            &[
                ("node-a", "{key: foo, value: bar, effect: PreferNoSchedule}"),
                ("node-b", "{key: foo, value: blah, effect: PreferNoSchedule}"),
            ],
            &[("node-a", 100), ("node-b", 0)],
        ),
        (
            "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has",
            "{key: cpu-type, operator: Equal, value: arm64, effect: PreferNoSchedule}, {key: disk-type, operator: Equal, value: ssd, effect: PreferNoSchedule}",
            &[
                ("node-a", ""),
                ("node-b", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}"),
                ("node-c", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}"),
            ],
            &[("node-a", 100), ("node-b", 100), ("node-c", 100)],
        ),
        (
            "the more intolerable taints a node has, the lower score it gets.",
            "{key: foo, operator: Equal, value: bar, effect: PreferNoSchedule}",
            &[
                ("node-a", ""),
                ("node-b", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}"),
                ("node-c", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}"),
            ],
            &[("node-a", 100), ("node-b", 50), ("node-c", 0)],
        ),
        (
            "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function",
            "{key: cpu-type, operator: Equal, value: arm64, effect: NoSchedule}, {key: disk-type, operator: Equal, value: ssd, effect: NoSchedule}",
            &[
                ("node-a", ""),
                ("node-b", "{key: cpu-type, value: arm64, effect: NoSchedule}"),
                ("node-c", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}, {key: disk-type, value: ssd, effect: PreferNoSchedule}"),
            ],
            &[("node-a", 100), ("node-b", 100), ("node-c", 0)],
        ),
        (
            "Default behaviour No taints and tolerations, lands on node with no taints",
            "",
            &[
                ("node-a", ""),
                ("node-b", "{key: cpu-type, value: arm64, effect: PreferNoSchedule}"),
            ],
            &[("node-a", 100), ("node-b", 0)],
        ),
    ];
    for (name, tolerations, nodes, want) in cases {
        let mut docs: Vec<String> = nodes
            .iter()
            .map(|(n, taints)| tainted_node(n, taints))
            .collect();
        docs.push(taint_pod(tolerations));
        let sim = run(&docs);
        let want: Vec<(&str, i64)> = want.iter().map(|(n, s)| (*n, s * 3)).collect();
        assert_eq!(scores(&sim, "TaintToleration"), scored(&want), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// NodeAffinity: nodeaffinity/node_affinity_test.go (v1.36). The AddedAffinity (plugin
// args) cases are not configurable in Bindery's default profile and are skipped, as is
// the preferred term with an invalid key (the API server rejects it).
// ---------------------------------------------------------------------------------------

fn affinity_pod(spec: &str) -> String {
    raw_pod("p", "", &(containers_spec(&[""], &[]) + spec))
}

fn labelled_node(name: &str, labels: &str) -> String {
    node_doc(name, VERY_LARGE, 32, labels, "")
}

fn required(terms: &str) -> String {
    format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: {terms}\n")
}

#[test]
fn node_affinity_filter() {
    let no_match = unresolvable("node(s) didn't match Pod's node affinity/selector");
    let cases: &[(&str, &str, String, Verdict)] = &[
        ("missing labels", "", "  nodeSelector: {foo: bar}\n".into(), no_match.clone()),
        ("same labels", "foo: bar", "  nodeSelector: {foo: bar}\n".into(), Verdict::Passed),
        (
            "node labels are superset",
            "foo: bar, baz: blah",
            "  nodeSelector: {foo: bar}\n".into(),
            Verdict::Passed,
        ),
        (
            "node labels are subset",
            "foo: bar",
            "  nodeSelector: {foo: bar, baz: blah}\n".into(),
            no_match.clone(),
        ),
        (
            "Pod with matchExpressions using In operator that matches the existing node",
            "foo: bar",
            required("[{matchExpressions: [{key: foo, operator: In, values: [bar, value2]}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with matchExpressions using Gt operator that matches the existing node",
            "kernel-version: '0206'",
            required("[{matchExpressions: [{key: kernel-version, operator: Gt, values: ['0204']}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with matchExpressions using NotIn operator that matches the existing node",
            "mem-type: DDR3",
            required("[{matchExpressions: [{key: mem-type, operator: NotIn, values: [DDR, DDR2]}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with matchExpressions using Exists operator that matches the existing node",
            "GPU: NVIDIA-GRID-K1",
            required("[{matchExpressions: [{key: GPU, operator: Exists}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with affinity that don't match node's labels won't schedule onto the node",
            "foo: bar",
            required("[{matchExpressions: [{key: foo, operator: In, values: [value1, value2]}]}]"),
            no_match.clone(),
        ),
        (
            "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node",
            "foo: bar",
            required("[{matchExpressions: []}]"),
            no_match.clone(),
        ),
        (
            "Pod with multiple matchExpressions ANDed that matches the existing node",
            "GPU: NVIDIA-GRID-K1",
            required("[{matchExpressions: [{key: GPU, operator: Exists}, {key: GPU, operator: NotIn, values: [AMD, INTER]}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with multiple matchExpressions ANDed that doesn't match the existing node",
            "GPU: NVIDIA-GRID-K1",
            required("[{matchExpressions: [{key: GPU, operator: Exists}, {key: GPU, operator: In, values: [AMD, INTER]}]}]"),
            no_match.clone(),
        ),
        (
            "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node",
            "foo: bar",
            required("[{matchExpressions: [{key: foo, operator: In, values: [bar, value2]}]}, {matchExpressions: [{key: diffkey, operator: In, values: [wrong, value2]}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with an Affinity and a PodSpec.NodeSelector both are satisfied, will schedule onto the node",
            "foo: bar",
            "  nodeSelector: {foo: bar}\n".to_string()
                + &required("[{matchExpressions: [{key: foo, operator: Exists}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied, won't schedule onto the node",
            "foo: barrrrrr",
            "  nodeSelector: {foo: bar}\n".to_string()
                + &required("[{matchExpressions: [{key: foo, operator: Exists}]}]"),
            no_match.clone(),
        ),
        (
            "Pod with an invalid value in Affinity term won't be scheduled onto the node",
            "foo: bar",
            required("[{matchExpressions: [{key: foo, operator: NotIn, values: ['invalid value: ___@#$%^']}]}]"),
            no_match.clone(),
        ),
        (
            "Pod with two terms: matchFields does not match, but matchExpressions matches",
            "foo: bar",
            required("[{matchFields: [{key: metadata.name, operator: In, values: [node1]}, {key: metadata.name, operator: In, values: [node2]}]}, {matchExpressions: [{key: foo, operator: In, values: [bar]}]}]"),
            Verdict::Passed,
        ),
        (
            "Pod with two terms: both matchFields and matchExpressions do not match",
            "foo: bar",
            required("[{matchFields: [{key: metadata.name, operator: In, values: [node1]}]}, {matchExpressions: [{key: foo, operator: In, values: [not-match-to-bar]}]}]"),
            no_match.clone(),
        ),
    ];
    for (name, labels, spec, want) in cases {
        // The node is node2 (the matchFields cases name node1 to miss it).
        let sim = run(&[labelled_node("node2", labels), affinity_pod(spec)]);
        assert_eq!(&verdict(&sim, "p", "node2", "NodeAffinity"), want, "{name}");
    }
}

/// "Pod with no Affinity will schedule onto a node" and "Pod with Affinity but nil
/// NodeSelector will schedule onto a node": PreFilter returns Skip.
#[test]
fn node_affinity_prefilter_skips_pods_without_required_terms() {
    for spec in ["", "  affinity: {nodeAffinity: {}}\n"] {
        let sim = run(&[labelled_node("node1", "foo: bar"), affinity_pod(spec)]);
        assert_eq!(
            verdict(&sim, "p", "node1", "NodeAffinity"),
            Verdict::Skipped
        );
    }
}

/// The PreFilterResult cases: terms that all pin `metadata.name` narrow the candidates to
/// the union of their names; a term whose names conflict leaves none
/// (`errReasonConflict`, UnschedulableAndUnresolvable).
#[test]
fn node_affinity_prefilter_node_names() {
    let run_with = |spec: String| {
        run(&[
            labelled_node("node1", "foo: bar"),
            labelled_node("node2", "foo: bar"),
            affinity_pod(&spec),
        ])
    };
    // "Pod with matchFields using In operator that matches the existing node" / "... does
    // not match": the result is {node1}; node2 is never filtered.
    let sim = run_with(required(
        "[{matchFields: [{key: metadata.name, operator: In, values: [node1]}]}]",
    ));
    let ex = sim.explain(&key("p")).unwrap();
    let (names, plugins) = ex.pre_filter_nodes.clone().unwrap();
    assert_eq!(
        (names, plugins),
        (vec!["node1".to_string()], vec!["NodeAffinity"])
    );
    assert_eq!(verdict(&sim, "p", "node1", "NodeAffinity"), Verdict::Passed);
    assert_eq!(verdict(&sim, "p", "node2", "NodeAffinity"), Verdict::NotRun);
    // "Pod with one term: matchFields does not match, but matchExpressions matches" on
    // node2: {node1}; "... both matchFields and matchExpressions match" on node1.
    let sim = run_with(required(
        "[{matchFields: [{key: metadata.name, operator: In, values: [node1]}], matchExpressions: [{key: foo, operator: In, values: [bar]}]}]",
    ));
    let ex = sim.explain(&key("p")).unwrap();
    assert_eq!(ex.pre_filter_nodes.unwrap().0, vec!["node1".to_string()]);
    assert_eq!(verdict(&sim, "p", "node1", "NodeAffinity"), Verdict::Passed);
    // "Pod with two terms of node.Name affinity": {node1, node2}.
    let sim = run_with(required(
        "[{matchFields: [{key: metadata.name, operator: In, values: [node1]}]}, {matchFields: [{key: metadata.name, operator: In, values: [node2]}]}]",
    ));
    let ex = sim.explain(&key("p")).unwrap();
    assert_eq!(
        ex.pre_filter_nodes.unwrap().0,
        vec!["node1".to_string(), "node2".to_string()]
    );
    // "Pod with two terms: matchFields does not match, but matchExpressions matches": a
    // term without a name pin means every node is a candidate.
    let sim = run_with(required(
        "[{matchFields: [{key: metadata.name, operator: In, values: [node1]}, {key: metadata.name, operator: In, values: [node2]}]}, {matchExpressions: [{key: foo, operator: In, values: [bar]}]}]",
    ));
    assert!(sim.explain(&key("p")).unwrap().pre_filter_nodes.is_none());
    // "Pod with two conflicting mach field requirements": PreFilter rejects the pod.
    let sim = run_with(required(
        "[{matchFields: [{key: metadata.name, operator: In, values: [node1]}, {key: metadata.name, operator: In, values: [node2]}]}]",
    ));
    let ex = sim.explain(&key("p")).unwrap();
    assert_eq!(
        ex.pre_filter_rejection.as_deref(),
        Some("pod affinity terms conflict")
    );
    assert!(ex.pre_filter.contains(&(
        "NodeAffinity",
        Verdict::Failed {
            unresolvable: true,
            reason: "pod affinity terms conflict".into()
        }
    )));
}

/// TestNodeAffinityPriority: preferred terms' weights, normalized to 100, times
/// NodeAffinity's weight of 2 in the default profile.
#[test]
fn node_affinity_priority() {
    let affinity1 = "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 2, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}]}}\n";
    let affinity2 = "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 2, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}]}}\n      - {weight: 4, preference: {matchExpressions: [{key: key, operator: In, values: [value]}]}}\n      - {weight: 5, preference: {matchExpressions: [{key: foo, operator: In, values: [bar]}, {key: key, operator: In, values: [value]}, {key: az, operator: In, values: [az1]}]}}\n";
    let label1 = "foo: bar";
    let label2 = "key: value";
    let label3 = "az: az1";
    let label4 = "abc: az11, def: az22";
    let label5 = "foo: bar, key: value, az: az1";
    let run_on = |nodes: &[(&str, &str)], spec: &str| {
        let mut docs: Vec<String> = nodes.iter().map(|(n, l)| labelled_node(n, l)).collect();
        docs.push(affinity_pod(spec));
        run(&docs)
    };
    let times_weight = |pairs: &[(&str, i64)]| -> Vec<(String, Option<i64>)> {
        pairs
            .iter()
            .map(|(n, s)| (n.to_string(), Some(s * 2)))
            .collect()
    };
    // "Skip is returned in PreScore when NodeAffinity is nil" (and "all nodes are same
    // priority as NodeAffinity is nil"): not scored at all.
    let sim = run_on(
        &[("node1", label1), ("node2", label2), ("node3", label3)],
        "",
    );
    assert!(scores(&sim, "NodeAffinity")
        .iter()
        .all(|(_, s)| s.is_none()));
    // "no node matches preferred scheduling requirements in NodeAffinity of pod so all
    // nodes' priority is zero"
    let sim = run_on(
        &[("node1", label4), ("node2", label2), ("node3", label3)],
        affinity1,
    );
    assert_eq!(
        scores(&sim, "NodeAffinity"),
        times_weight(&[("node1", 0), ("node2", 0), ("node3", 0)])
    );
    // "only node1 matches the preferred scheduling requirements of pod"
    let sim = run_on(
        &[("node1", label1), ("node2", label2), ("node3", label3)],
        affinity1,
    );
    assert_eq!(
        scores(&sim, "NodeAffinity"),
        times_weight(&[("node1", 100), ("node2", 0), ("node3", 0)])
    );
    // "all nodes matches the preferred scheduling requirements of pod but with different
    // priorities"
    let sim = run_on(
        &[("node1", label1), ("node5", label5), ("node2", label2)],
        affinity2,
    );
    let mut got = scores(&sim, "NodeAffinity");
    got.sort();
    let mut want = times_weight(&[("node1", 18), ("node5", 100), ("node2", 36)]);
    want.sort();
    assert_eq!(got, want);
}

// ---------------------------------------------------------------------------------------
// NodeUnschedulable, NodeName, NodePorts: their _test.go tables (v1.36). The queueing
// hint tables (TestIsSchedulableAfterNodeChange, ...) are not transcribed: Bindery keeps
// queueing at plugin granularity.
// ---------------------------------------------------------------------------------------

/// TestNodeUnschedulable.
#[test]
fn node_unschedulable_filter() {
    let cases: &[(&str, &str, &str, Verdict)] = &[
        (
            "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)",
            "unschedulable: true",
            "",
            unresolvable("node(s) were unschedulable"),
        ),
        (
            "Schedule pod to normal node",
            "unschedulable: false",
            "",
            Verdict::Passed,
        ),
        (
            "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)",
            "unschedulable: true",
            "{key: node.kubernetes.io/unschedulable, effect: NoSchedule}",
            Verdict::Passed,
        ),
    ];
    for (name, node_spec, tolerations, want) in cases {
        let sim = run(&[
            node_doc("node1", VERY_LARGE, 32, "", node_spec),
            taint_pod(tolerations),
        ]);
        assert_eq!(
            &verdict(&sim, "p", "node1", "NodeUnschedulable"),
            want,
            "{name}"
        );
    }
}

/// TestNodeName: a pod naming a node other than this one is UnschedulableAndUnresolvable
/// there. (A pod with `spec.nodeName` never enters a scheduling cycle; the verdict table
/// shows what the Filter says.)
#[test]
fn node_name_filter() {
    let sim = run(&[
        node("node1"),
        raw_pod("unnamed", "", &containers_spec(&[""], &[])),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: named, namespace: default}\nspec:\n  nodeName: node1\n  containers: [{name: c, image: pause}]\n".into(),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: elsewhere, namespace: default}\nspec:\n  nodeName: foo\n  containers: [{name: c, image: pause}]\n".into(),
    ]);
    // "no host specified", "host matches", "host doesn't match"
    assert_eq!(
        verdict(&sim, "unnamed", "node1", "NodeName"),
        Verdict::Passed
    );
    assert_eq!(verdict(&sim, "named", "node1", "NodeName"), Verdict::Passed);
    assert_eq!(
        verdict(&sim, "elsewhere", "node1", "NodeName"),
        unresolvable("node(s) didn't match the requested node name")
    );
}

/// `newPod(host, "PROTO/IP/PORT", ...)`: one container with these host ports.
fn ports_spec(ports: &[&str]) -> String {
    let list: Vec<String> = ports
        .iter()
        .map(|p| {
            let parts: Vec<&str> = p.split('/').collect();
            format!(
                "{{containerPort: {port}, hostPort: {port}, hostIP: '{ip}', protocol: {proto}}}",
                proto = parts[0],
                ip = parts[1],
                port = parts[2]
            )
        })
        .collect();
    format!(
        "  containers: [{{name: c, image: pause, ports: [{}]}}]\n",
        list.join(", ")
    )
}

/// TestNodePorts.
#[test]
fn node_ports_filter() {
    let conflict = unschedulable("node(s) didn't have free ports for the requested pod ports");
    let cases: &[(&str, &[&str], &[&str], Verdict)] = &[
        (
            "other port",
            &["UDP/127.0.0.1/8080"],
            &["UDP/127.0.0.1/9090"],
            Verdict::Passed,
        ),
        (
            "same udp port",
            &["UDP/127.0.0.1/8080"],
            &["UDP/127.0.0.1/8080"],
            conflict.clone(),
        ),
        (
            "same tcp port",
            &["TCP/127.0.0.1/8080"],
            &["TCP/127.0.0.1/8080"],
            conflict.clone(),
        ),
        (
            "different host ip",
            &["TCP/127.0.0.1/8080"],
            &["TCP/127.0.0.2/8080"],
            Verdict::Passed,
        ),
        (
            "different protocol",
            &["UDP/127.0.0.1/8080"],
            &["TCP/127.0.0.1/8080"],
            Verdict::Passed,
        ),
        (
            "second udp port conflict",
            &["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
            &["UDP/127.0.0.1/8080"],
            conflict.clone(),
        ),
        (
            "first tcp port conflict",
            &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
            &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
            conflict.clone(),
        ),
        (
            "first tcp port conflict due to 0.0.0.0 hostIP",
            &["TCP/0.0.0.0/8001"],
            &["TCP/127.0.0.1/8001"],
            conflict.clone(),
        ),
        (
            "TCP hostPort conflict due to 0.0.0.0 hostIP",
            &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
            &["TCP/127.0.0.1/8001"],
            conflict.clone(),
        ),
        (
            "second tcp port conflict to 0.0.0.0 hostIP",
            &["TCP/127.0.0.1/8001"],
            &["TCP/0.0.0.0/8001"],
            conflict.clone(),
        ),
        (
            "second different protocol",
            &["UDP/127.0.0.1/8001"],
            &["TCP/0.0.0.0/8001"],
            Verdict::Passed,
        ),
        (
            "UDP hostPort conflict due to 0.0.0.0 hostIP",
            &["UDP/127.0.0.1/8001"],
            &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
            conflict.clone(),
        ),
    ];
    for (name, pod_ports, existing_ports, want) in cases {
        let sim = run(&[
            node("m1"),
            raw_pod("existing", "m1", &ports_spec(existing_ports)),
            raw_pod("p", "", &ports_spec(pod_ports)),
        ]);
        assert_eq!(&verdict(&sim, "p", "m1", "NodePorts"), want, "{name}");
    }
    // "skip filter": a pod without host ports.
    let sim = run(&[node("m1"), raw_pod("p", "", &containers_spec(&[""], &[]))]);
    assert_eq!(verdict(&sim, "p", "m1", "NodePorts"), Verdict::Skipped);
}

/// The PDBs' DisruptionsAllowed, as the disruption controller computes it, behind the PDB
/// violations preemption counts: `maxUnavailable` (and a percentage `minAvailable`)
/// expects as many pods as the matching pods' controllers want; bare pods count for
/// nothing, an expected count of 0 allows no disruption. So `maxUnavailable: 1` over one
/// bare pod still protects it (v2 on node2 goes instead, although its priority is higher).
#[test]
fn pdb_over_bare_pods_with_max_unavailable_allows_nothing() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: foo, namespace: default}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: foo}}\n".into(),
        pod_doc("v1", "node1", "low", NONE, "app: foo", ""),
        pod_doc("v2", "node2", "mid", NONE, "app: bar", ""),
        pod("p", "", "high", NONE),
    ]);
    assert_eq!(preempted(&sim), victims_on("node2", &["v2"]));
}

/// The same budget over a StatefulSet's pod: the set wants 1 replica, so 1 - 1 = 0 must
/// stay healthy and one disruption is allowed: evicting it violates nothing, and its lower
/// priority makes node1 the choice.
#[test]
fn pdb_over_a_controllers_pods_counts_its_replicas() {
    let sim = run(&[
        one_pod_node("node1"),
        one_pod_node("node2"),
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: foo, namespace: default}\nspec:\n  maxUnavailable: 1\n  selector: {matchLabels: {app: foo}}\n".into(),
        pod_doc("v2", "node2", "mid", NONE, "app: bar", ""),
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: default}\nspec:\n  replicas: 1\n  serviceName: db\n  selector: {matchLabels: {app: foo}}\n  template:\n    metadata: {labels: {app: foo}}\n    spec:\n      priorityClassName: low\n      terminationGracePeriodSeconds: 0\n      containers: [{name: c, image: pause}]\n".into(),
    ]);
    assert_eq!(node_of(&sim, "db-0").as_deref(), Some("node1"));
    // The preemptor arrives once the set's pod runs.
    let mut sim = sim;
    let parsed = bindery_core::scenario::parse(&pod("p", "", "high", NONE));
    for d in &parsed.manifests {
        sim.execute(Command::Apply(d.manifest.clone())).unwrap();
    }
    sim.run_until_idle(MAX_STEPS);
    assert!(preempted(&sim).contains(&("db-0".to_string(), "node1".to_string())));
    assert!(!preempted(&sim).iter().any(|(v, _)| v == "v2"));
}

/// TestPodEligibleToPreemptOthers "non-victim Pods terminating", and prepareCandidate's
/// rule that a victim already being deleted gets no API call: a pod deleted by its user
/// (still terminating, not preempted) is chosen as the victim, but gets neither the
/// DisruptionTarget condition nor a Preempted event; retried while it terminates, the
/// preemptor is still eligible (the terminating pod was not preempted) and preempts again,
/// quietly.
#[test]
fn a_victim_already_terminating_gets_no_preemption_call() {
    let mut sim = load(&[
        one_pod_node("node1"),
        node_doc(
            "node2",
            VERY_LARGE,
            32,
            "",
            "taints: [{key: dedicated, value: other, effect: NoSchedule}]",
        ),
        slow_victim("v", "node1", "low"),
        pod_doc(
            "other",
            "node2",
            "high",
            NONE,
            "",
            "  tolerations: [{operator: Exists}]\n",
        ),
    ]);
    sim.run_until_idle(MAX_STEPS);
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("v"),
    })
    .unwrap();
    let parsed = bindery_core::scenario::parse(&pod("p", "", "high", NONE));
    for d in &parsed.manifests {
        sim.execute(Command::Apply(d.manifest.clone())).unwrap();
    }
    // The first cycle: v is the victim, already terminating.
    for _ in 0..100 {
        if sim.step() == (bindery_core::StepOutcome::Scheduled { pod: key("p") }) {
            break;
        }
    }
    assert_eq!(
        sim.cluster()
            .pod(&key("p"))
            .unwrap()
            .status
            .nominated_node_name
            .as_deref(),
        Some("node1")
    );
    let v = sim.cluster().pod(&key("v")).unwrap();
    assert!(v.condition("DisruptionTarget").is_none());
    // A retry while v terminates: still eligible (no "not eligible" text).
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("other"),
    })
    .unwrap();
    sim.run_until_idle(MAX_STEPS);
    assert!(preempted(&sim).is_empty());
    let failures = messages(&sim, "p", "FailedScheduling");
    assert!(failures.len() >= 2, "{failures:?}");
    assert!(failures
        .iter()
        .all(|m| m
            == "0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint(s)."));
    assert_eq!(node_of(&sim, "p").as_deref(), Some("node1"));
}

/// Preempt's results for the nomination: with no candidate the PostFilterResult names no
/// node, which clears the preemptor's nominatedNodeName; when the pod is not eligible the
/// result is nil and the nomination stays.
#[test]
fn failed_preemption_clears_the_nomination_and_ineligibility_keeps_it() {
    let taint = "taints: [{key: dedicated, value: other, effect: NoSchedule}]";
    let setup = || {
        let mut sim = load(&[
            node_doc("node1", VERY_LARGE, 1, "", ""),
            node_doc("node2", VERY_LARGE, 32, "", taint),
            slow_victim("v", "node1", "low"),
            pod_doc(
                "other",
                "node2",
                "high",
                NONE,
                "",
                "  tolerations: [{operator: Exists}]\n",
            ),
            pod("p", "", "high", NONE),
        ]);
        step_until_preempted(&mut sim);
        sim
    };
    let nominated = |sim: &Simulation| {
        sim.cluster()
            .pod(&key("p"))
            .unwrap()
            .status
            .nominated_node_name
            .clone()
    };
    // Retried while its victim terminates: not eligible, still nominated to node1.
    let mut sim = setup();
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("other"),
    })
    .unwrap();
    for _ in 0..100 {
        if sim.step() == (bindery_core::StepOutcome::Scheduled { pod: key("p") }) {
            break;
        }
    }
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/2 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint(s).",
            "not eligible due to a terminating pod on the nominated node."
        )
    );
    assert_eq!(nominated(&sim).as_deref(), Some("node1"));
    // The nominated node tainted meanwhile: eligible again, but no node can be helped; the
    // nomination is cleared.
    let mut sim = setup();
    apply(&mut sim, &node_doc("node1", VERY_LARGE, 1, "", taint));
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("other"),
    })
    .unwrap();
    for _ in 0..100 {
        if sim.step() == (bindery_core::StepOutcome::Scheduled { pod: key("p") }) {
            break;
        }
    }
    assert_eq!(
        last_failure(&sim, "p"),
        with_preemption(
            "0/2 nodes are available: 2 node(s) had untolerated taint(s).",
            "0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        )
    );
    assert_eq!(nominated(&sim), None);
}

/// NodePorts' EventsToRegister (v1.36, queueing hints on): Pod/Delete and Node/Add only. A
/// node's label change does not retry a pod only NodePorts rejected; freeing the port
/// does.
#[test]
fn node_ports_rejection_waits_for_a_pod_deletion() {
    let mut sim = load(&[
        node("m1"),
        raw_pod("existing", "m1", &ports_spec(&["TCP/0.0.0.0/8080"])),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: pause, ports: [{containerPort: 8080, hostPort: 8080}]}]\n".into(),
    ]);
    sim.run_until_idle(MAX_STEPS);
    let reason =
        "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports.";
    let expected = with_preemption(
        reason,
        "0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
    assert_eq!(
        messages(&sim, "p", "FailedScheduling"),
        vec![expected.clone()]
    );
    apply(&mut sim, &node_doc("m1", VERY_LARGE, 32, "team: a", ""));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(messages(&sim, "p", "FailedScheduling"), vec![expected]);
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("existing"),
    })
    .unwrap();
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "p").as_deref(), Some("m1"));
}
