//! Upstream's unit-test tables for the two resource scorers of the default profile and for
//! the choice of preemption candidates, replayed through the whole engine (Kubernetes
//! v1.36, default profile).
//!
//! * `noderesources/balanced_allocation_test.go` TestNodeResourcesBalancedAllocation and
//!   `noderesources/least_allocated_test.go` TestLeastAllocatedScoringStrategy: the same
//!   nodes and pods are written as manifests, the pod under test is held back by a
//!   scheduling gate, and `Simulation::explain` gives each feasible node's
//!   `NodeResourcesBalancedAllocation` / `NodeResourcesFit` score (weight 1 each in the
//!   default profile, and neither plugin normalizes, so the weighted score is the plugin's
//!   own 0-100 score that upstream's table expects).
//! * `defaultpreemption/default_preemption_test.go` TestNodesWherePreemptionMightHelp:
//!   which nodes DefaultPreemption dry-runs, given each node's Filter status code. The table
//!   was last in that file in v1.30; from v1.31 `nodesWherePreemptionMightHelp` is
//!   `NodeToStatus.NodesForStatusCode(nodes, Unschedulable)` (tested by
//!   `framework/types_test.go` TestNodesForStatusCode), the same rule: only nodes whose
//!   status is `Unschedulable` are tried. Here each status is produced by a real Filter of
//!   the default profile, `explain` shows each node's code, and the `preemption: 0/4 nodes
//!   are available: …` suffix of the FailedScheduling message shows how many nodes were
//!   tried (every tried node has no lower-priority pod, so it answers "No preemption victims
//!   found for incoming pod") and how many were not ("Preemption is not helpful for
//!   scheduling").
//!
//! Adaptations (each also noted at its case):
//! * Upstream's `st.MakePod().Obj()` has no containers, so its requests are 0 even for
//!   LeastAllocated's non-zero defaults (which fill in containers *without* requests). A
//!   pod needs a container here, so those pods get one container requesting `cpu: 0,
//!   memory: 0` explicitly: the same zero requests.
//! * Cases whose only non-default part is an extended resource in the scorer's args that
//!   the pod does not request ("node without the scalar resource should skip the scalar
//!   resource", "bypass extended resource if the pod does not request", "if the node
//!   doesn't have a resource") run with the default args: upstream skips a scalar resource
//!   the pod does not request, so the expected scores are the same.
//! * TestNodesWherePreemptionMightHelp feeds hand-made statuses, some with reasons no
//!   default-profile Filter gives with that code (NodeName, which needs `spec.nodeName` and
//!   so never reaches the scheduler; NodeLabel, not in the default profile; NodeUnschedulable's
//!   unknown-condition reason; VolumeRestrictions' disk conflict, which is `Unschedulable`
//!   upstream). Those nodes get another real Filter failure with the same code. Nodes the
//!   v1.30 table leaves without a status were potential nodes; a real FitError has a status
//!   for every node, so they get an `Unschedulable` one ("Too many pods").
//!
//! Skipped:
//! * BalancedAllocation "include scalar resource on a node for balanced resource
//!   allocation" (nvidia.com/gpu in the plugin's resources) and the two "include DRA
//!   resource …" cases (DRAExtendedResource, a DeviceClass with an extended resource name):
//!   Bindery runs only the default args (cpu and memory) and does not model DRA extended
//!   resources.
//! * LeastAllocated "Resources not set, pods scheduled with error" (empty resources in the
//!   args), "nothing scheduled, resources requested with different weight on CPU and
//!   memory, differently sized nodes" (memory weight 2), "resource with negative weight",
//!   "resource with zero weight", "resource weight larger than MaxNodeScore" (args
//!   validation) and "honor extended resource if the pod requests" (an extended resource in
//!   the scored resources): non-default scoring args, which Bindery does not take.
//! * LeastAllocated "requested resources exceed node capacity": Score is called on a node
//!   whose free cpu is smaller than the request; in a scheduling cycle NodeResourcesFit's
//!   Filter rejects that node first, so Score never sees it.
//! * BalancedAllocation "resources requested, pods scheduled with resources if PreScore not
//!   called": the scheduler always runs PreScore; its nodes, pods and expected scores are
//!   those of "resources requested, pods scheduled with resources", asserted below.

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scheduler::explain::Verdict;
use bindery_tests::{plugin_scores, run_yaml, scored};

fn key(name: &str) -> ObjectKey {
    ObjectKey::new("default", name)
}

/// A node with this allocatable (`extra`: more `key: value` pairs) and room for 110 pods.
fn node(name: &str, cpu: &str, mem: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}\nstatus:\n  allocatable: {{cpu: '{cpu}', memory: '{mem}', pods: '110'{extra}}}\n"
    )
}

/// A pod with one container per entry of `containers` (each `cpu, memory` requests, as
/// upstream's `Req(…)`). `node` empty: the pod under test, held back by a scheduling gate
/// so `explain` looks at it as the next cycle would.
fn pod(name: &str, node: &str, containers: &[(&str, &str)]) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  terminationGracePeriodSeconds: 0\n"
    );
    if node.is_empty() {
        s.push_str("  schedulingGates: [{name: hold}]\n");
    } else {
        s.push_str(&format!("  nodeName: {node}\n"));
    }
    let list: Vec<String> = containers
        .iter()
        .enumerate()
        .map(|(i, (cpu, mem))| {
            if cpu.is_empty() && mem.is_empty() {
                format!("{{name: c{i}, image: pause}}")
            } else {
                format!(
                    "{{name: c{i}, image: pause, resources: {{requests: {{cpu: '{cpu}', memory: '{mem}'}}}}}}"
                )
            }
        })
        .collect();
    s.push_str(&format!("  containers: [{}]\n", list.join(", ")));
    s
}

/// Each node's score from `plugin` for the gated pod `p`, in node order (None: the plugin
/// did not score the node).
fn scores(docs: &[String], plugin: &str) -> Vec<(String, Option<i64>)> {
    let sim = run_yaml(&docs.join("---\n"), 1);
    let ex = sim.explain(&key("p")).expect("pod p exists");
    for r in &ex.nodes {
        assert!(r.feasible, "{} is not feasible: {:?}", r.node, r.filters);
    }
    plugin_scores(&sim, &key("p"), plugin)
}

// ---------------------------------------------------------------------------------------
// balanced_allocation_test.go TestNodeResourcesBalancedAllocation. Upstream's `makeNode`
// takes milli-cpu, so the nodes' cpu is in millicores here.
// ---------------------------------------------------------------------------------------

const BA: &str = "NodeResourcesBalancedAllocation";

/// `cpuAndMemory`: 1000m/2000 and 2000m/3000.
const CPU_AND_MEMORY: &[(&str, &str)] = &[("1000m", "2000"), ("2000m", "3000")];
/// `cpuOnly`: 1000m and 2000m, memory explicitly 0.
const CPU_ONLY: &[(&str, &str)] = &[("1000m", "0"), ("2000m", "0")];

/// "nothing scheduled, nothing requested, skip in PreScore": a best-effort pod makes
/// PreScore return Skip, so no node gets a BalancedAllocation score.
#[test]
fn balanced_allocation_nothing_requested_skips_in_pre_score() {
    let got = scores(
        &[
            node("node1", "4000m", "10000", ""),
            node("node2", "4000m", "10000", ""),
            pod("p", "", &[("", "")]),
        ],
        BA,
    );
    assert_eq!(
        got,
        vec![("node1".to_string(), None), ("node2".to_string(), None)]
    );
}

/// "nothing scheduled, resources requested, differently sized nodes".
#[test]
fn balanced_allocation_nothing_scheduled_differently_sized_nodes() {
    let got = scores(
        &[
            node("node1", "4000m", "10000", ""),
            node("node2", "6000m", "10000", ""),
            pod("p", "", CPU_AND_MEMORY),
        ],
        BA,
    );
    assert_eq!(got, scored(&[("node1", 87), ("node2", 100)]));
}

/// "resources requested, pods scheduled with resources" (and "… if PreScore not called",
/// the same nodes, pods and scores).
#[test]
fn balanced_allocation_pods_scheduled_with_resources() {
    let got = scores(
        &[
            node("node1", "10000m", "20000", ""),
            node("node2", "10000m", "20000", ""),
            pod("e1", "node1", CPU_ONLY),
            pod("e2", "node2", CPU_AND_MEMORY),
            pod("p", "", CPU_AND_MEMORY),
        ],
        BA,
    );
    assert_eq!(got, scored(&[("node1", 82), ("node2", 95)]));
}

/// "resources requested, pods scheduled with resources, differently sized nodes".
#[test]
fn balanced_allocation_pods_scheduled_differently_sized_nodes() {
    let got = scores(
        &[
            node("node1", "10000m", "20000", ""),
            node("node2", "10000m", "50000", ""),
            pod("e1", "node1", CPU_ONLY),
            pod("e2", "node2", CPU_AND_MEMORY),
            pod("p", "", CPU_AND_MEMORY),
        ],
        BA,
    );
    assert_eq!(got, scored(&[("node1", 82), ("node2", 80)]));
}

/// "requested resources at node capacity": node1's cpu is fully requested (fraction 1,
/// memory 0: score 50).
#[test]
fn balanced_allocation_requested_resources_at_node_capacity() {
    let got = scores(
        &[
            node("node1", "6000m", "10000", ""),
            node("node2", "6000m", "10000", ""),
            pod("e1", "node1", CPU_ONLY),
            pod("e2", "node2", CPU_AND_MEMORY),
            pod("p", "", CPU_ONLY),
        ],
        BA,
    );
    assert_eq!(got, scored(&[("node1", 50), ("node2", 75)]));
}

/// "node without the scalar resource should skip the scalar resource": node1 has 8
/// nvidia.com/gpu, node2 none; the pod asks for none, so only cpu and memory count
/// (run with the default args, see the header).
#[test]
fn balanced_allocation_node_without_the_scalar_resource() {
    let got = scores(
        &[
            node("node1", "3500m", "40000", "nvidia.com/gpu: '8'"),
            node("node2", "3500m", "40000", ""),
            pod("p", "", CPU_AND_MEMORY),
        ],
        BA,
    );
    assert_eq!(got, scored(&[("node1", 63), ("node2", 63)]));
}

// ---------------------------------------------------------------------------------------
// least_allocated_test.go TestLeastAllocatedScoringStrategy (defaultResources: cpu and
// memory, weight 1). Upstream's capacities here are `"cpu": "4000"`: cores.
// ---------------------------------------------------------------------------------------

const FIT: &str = "NodeResourcesFit";

/// The two-container request `{cpu 1000, memory 2000}` + `{cpu 2000, memory 3000}`.
const REQUESTED: &[(&str, &str)] = &[("1000", "2000"), ("2000", "3000")];
/// Upstream's container-less `st.MakePod().Obj()`: zero requests (see the header).
const NOTHING: &[(&str, &str)] = &[("0", "0")];

/// "nothing scheduled, nothing requested".
#[test]
fn least_allocated_nothing_scheduled_nothing_requested() {
    let got = scores(
        &[
            node("node1", "4000", "10000", ""),
            node("node2", "4000", "10000", ""),
            pod("p", "", NOTHING),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 100), ("node2", 100)]));
}

/// "nothing scheduled, resources requested, differently sized nodes".
#[test]
fn least_allocated_nothing_scheduled_differently_sized_nodes() {
    let got = scores(
        &[
            node("node1", "4000", "10000", ""),
            node("node2", "6000", "10000", ""),
            pod("p", "", REQUESTED),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 37), ("node2", 50)]));
}

/// "no resources requested, pods scheduled": two request-less pods on each node.
#[test]
fn least_allocated_no_resources_requested_pods_scheduled() {
    let got = scores(
        &[
            node("node1", "4000", "10000", ""),
            node("node2", "4000", "10000", ""),
            pod("e1", "node1", NOTHING),
            pod("e2", "node1", NOTHING),
            pod("e3", "node2", NOTHING),
            pod("e4", "node2", NOTHING),
            pod("p", "", NOTHING),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 100), ("node2", 100)]));
}

/// "no resources requested, pods scheduled with resources".
#[test]
fn least_allocated_no_resources_requested_pods_scheduled_with_resources() {
    let got = scores(
        &[
            node("node1", "10000", "20000", ""),
            node("node2", "10000", "20000", ""),
            pod("e1", "node1", &[("3000", "0")]),
            pod("e2", "node1", &[("3000", "0")]),
            pod("e3", "node2", &[("3000", "0")]),
            pod("e4", "node2", &[("3000", "5000")]),
            pod("p", "", NOTHING),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 70), ("node2", 57)]));
}

/// "resources requested, pods scheduled with resources".
#[test]
fn least_allocated_resources_requested_pods_scheduled_with_resources() {
    let got = scores(
        &[
            node("node1", "10000", "20000", ""),
            node("node2", "10000", "20000", ""),
            pod("e1", "node1", &[("3000", "0")]),
            pod("e2", "node2", &[("3000", "5000")]),
            pod("p", "", REQUESTED),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 57), ("node2", 45)]));
}

/// "resources requested, pods scheduled with resources, differently sized nodes".
#[test]
fn least_allocated_resources_requested_differently_sized_nodes() {
    let got = scores(
        &[
            node("node1", "10000", "20000", ""),
            node("node2", "10000", "50000", ""),
            pod("e1", "node1", &[("3000", "0")]),
            pod("e2", "node2", &[("3000", "5000")]),
            pod("p", "", REQUESTED),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 57), ("node2", 60)]));
}

/// "zero node resources, pods scheduled with resources": nodes without cpu or memory
/// score MinNodeScore. (Upstream's nodes have no allocatable at all; here they keep room
/// for pods, so NodeResourcesFit's Filter lets the zero-request pod through to Score.)
#[test]
fn least_allocated_zero_node_resources() {
    let got = scores(
        &[
            node("node1", "0", "0", ""),
            node("node2", "0", "0", ""),
            pod("e1", "node1", &[("3000", "0")]),
            pod("e2", "node2", &[("3000", "5000")]),
            pod("p", "", NOTHING),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 0), ("node2", 0)]));
}

/// "bypass extended resource if the pod does not request": node2's example.com/foo is not
/// scored (default args, see the header).
#[test]
fn least_allocated_bypasses_an_extended_resource_the_pod_does_not_request() {
    let got = scores(
        &[
            node("node1", "6000", "10000", ""),
            node("node2", "6000", "10000", "example.com/foo: '4'"),
            pod("p", "", REQUESTED),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 50), ("node2", 50)]));
}

/// "if the node doesn't have a resource": cpu 50, memory 60 on both nodes, node2's
/// extended resource not requested (default args, see the header).
#[test]
fn least_allocated_if_the_node_does_not_have_a_resource() {
    let got = scores(
        &[
            node("node1", "6000", "10000", ""),
            node("node2", "6000", "10000", "example.com/foo: '4'"),
            pod("p", "", &[("3000", "4000")]),
        ],
        FIT,
    );
    assert_eq!(got, scored(&[("node1", 55), ("node2", 55)]));
}

// ---------------------------------------------------------------------------------------
// default_preemption_test.go TestNodesWherePreemptionMightHelp (v1.30 table; the rule is
// v1.36's NodesForStatusCode(…, Unschedulable)). Four nodes, node1…node4; the pending pod
// `p` has priority 0 and so does every other pod, so a node that is tried has no victims.
// ---------------------------------------------------------------------------------------

/// How a node fails the pod's Filter, and with which code.
#[derive(Clone, Copy, Debug)]
enum Fails {
    /// NodeAffinity: no `ok: 'yes'` label for the pod's nodeSelector (UnschedulableAndUnresolvable).
    Selector,
    /// TaintToleration: an untolerated NoSchedule taint (UnschedulableAndUnresolvable).
    Taint,
    /// NodeUnschedulable: `spec.unschedulable` (UnschedulableAndUnresolvable).
    Cordoned,
    /// NodeResourcesFit: room for one pod, taken by `q-<node>` (Unschedulable, "Too many
    /// pods"). Also stands for the table's nodes without a status.
    Full,
    /// NodeResourcesFit: 1000 bytes, 900 requested by `q-<node>`, the pod asks for 200
    /// (Unschedulable, "Insufficient memory").
    Busy,
    /// InterPodAffinity: `q-<node>` has a required anti-affinity against the pod's `app: p`
    /// label (Unschedulable, existing pods' anti-affinity).
    ExistingAntiAffinity,
    /// InterPodAffinity: an empty node, where the pod's required affinity to an `app: db`
    /// pod finds none (UnschedulableAndUnresolvable).
    NoDbPod,
    /// VolumeBinding: an empty node, not the one the pod's bound volume is on
    /// (UnschedulableAndUnresolvable).
    NotVolumeNode,
    /// PodTopologySpread: one pod `s-<node>` labelled `app: p` already there, while another
    /// node has none (Unschedulable).
    OneMatching,
    /// PodTopologySpread: an empty node without the `zone` label
    /// (UnschedulableAndUnresolvable).
    NoZone,
}

/// The plugin whose Filter rejects the node first, and whether its status is
/// UnschedulableAndUnresolvable.
fn status(f: Fails) -> (&'static str, bool) {
    match f {
        Fails::Selector => ("NodeAffinity", true),
        Fails::Taint => ("TaintToleration", true),
        Fails::Cordoned => ("NodeUnschedulable", true),
        Fails::Full | Fails::Busy => ("NodeResourcesFit", false),
        Fails::ExistingAntiAffinity => ("InterPodAffinity", false),
        Fails::NoDbPod => ("InterPodAffinity", true),
        Fails::NotVolumeNode => ("VolumeBinding", true),
        Fails::OneMatching => ("PodTopologySpread", false),
        Fails::NoZone => ("PodTopologySpread", true),
    }
}

fn case_docs(name: &str, f: Fails) -> Vec<String> {
    let mut labels = format!("kubernetes.io/hostname: {name}");
    if !matches!(f, Fails::Selector) {
        labels.push_str(", ok: 'yes'");
    }
    if !matches!(f, Fails::NoZone) {
        labels.push_str(&format!(", zone: z-{name}"));
    }
    let (pods, mem) = match f {
        Fails::Full => ("1", "10000"),
        Fails::Busy => ("110", "1000"),
        _ => ("110", "10000"),
    };
    let spec = match f {
        Fails::Taint => "taints: [{key: dedicated, value: other, effect: NoSchedule}]",
        Fails::Cordoned => "unschedulable: true",
        _ => "",
    };
    let mut docs = vec![format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec: {{{spec}}}\nstatus:\n  allocatable: {{cpu: '10', memory: '{mem}', pods: '{pods}'}}\n"
    )];
    // The filler pods carry `app: db`, which the pod's affinity in one case looks for.
    let filler = |extra: &str, req: &str| {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: q-{name}, namespace: default, labels: {{app: db}}}}\nspec:\n  nodeName: {name}\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause{req}}}]\n{extra}"
        )
    };
    match f {
        Fails::Full => docs.push(filler("", "")),
        Fails::Busy => docs.push(filler("", ", resources: {requests: {memory: '900'}}")),
        Fails::ExistingAntiAffinity => docs.push(filler(
            "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {matchLabels: {app: p}}\n        topologyKey: kubernetes.io/hostname\n",
            "",
        )),
        Fails::OneMatching => docs.push(format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: s-{name}, namespace: default, labels: {{app: p}}}}\nspec:\n  nodeName: {name}\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause}}]\n"
        )),
        _ => {}
    }
    docs
}

/// Required pod affinity to `app: db` on the same host.
const AFFINITY_TO_DB: &str = "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {matchLabels: {app: db}}\n        topologyKey: kubernetes.io/hostname\n";
/// One pod per host at most skew 1, counting `app: p` pods.
const SPREAD_BY_HOST: &str = "  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: p}}}\n";
/// Spread over `zone`, which a node may lack.
const SPREAD_BY_ZONE: &str = "  topologySpreadConstraints:\n  - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: p}}}\n";
/// The claim `data`, bound to a local volume on node4 only.
const VOLUME_ON_NODE4: &str = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv4}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  persistentVolumeReclaimPolicy: Retain\n  local: {path: /mnt/pv4}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node4]}]\n  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: data}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  volumeName: pv4\n  resources: {requests: {storage: 1Gi}}\n";
const USES_DATA: &str = "  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n";

/// Runs one case: node`i+1` fails as `nodes[i]`; the pod adds `pod_spec` (and `extra`
/// objects). Checks every node's Filter code against the table's, then that exactly the
/// `expected` nodes were tried by preemption.
fn might_help(nodes: [Fails; 4], pod_spec: &str, extra: &str, expected: &[&str]) {
    let mut docs: Vec<String> = Vec::new();
    for (i, f) in nodes.iter().enumerate() {
        docs.extend(case_docs(&format!("node{}", i + 1), *f));
    }
    if !extra.is_empty() {
        docs.push(extra.to_string());
    }
    docs.push(format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: default, labels: {{app: p}}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  nodeSelector: {{ok: 'yes'}}\n  containers: [{{name: c, image: pause, resources: {{requests: {{memory: '200'}}}}}}]\n{pod_spec}"
    ));
    let sim = run_yaml(&docs.join("---\n"), 1);
    assert_eq!(
        sim.cluster().pod(&key("p")).unwrap().node_name(),
        None,
        "p must stay pending"
    );

    // Each node's status as the scheduling cycle has it: the first failing plugin.
    let ex = sim.explain(&key("p")).unwrap();
    let mut tried = Vec::new();
    for (i, row) in ex.nodes.iter().enumerate() {
        let first = row
            .filters
            .iter()
            .find_map(|(plugin, v)| match v {
                Verdict::Failed {
                    unresolvable,
                    reason,
                } => Some((*plugin, *unresolvable, reason.clone())),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{} passes every Filter", row.node));
        assert_eq!(row.node, format!("node{}", i + 1));
        assert_eq!(
            (first.0, first.1),
            status(nodes[i]),
            "{}: {:?} for {:?}",
            row.node,
            first,
            nodes[i]
        );
        if !first.1 {
            tried.push(row.node.clone());
        }
    }
    assert_eq!(tried, expected, "nodes with an Unschedulable status");

    // Through the engine: the tried nodes found no victims, the others were not helpful.
    let message = sim
        .log()
        .events_for(Kind::Pod, &key("p"))
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .map(|(_, e)| e.message.to_string())
        .last()
        .expect("p failed to schedule");
    let suffix = message
        .split(", preemption: ")
        .nth(1)
        .unwrap_or_else(|| panic!("no preemption text in {message:?}"));
    let mut parts = Vec::new();
    if !expected.is_empty() {
        parts.push(format!(
            "{} No preemption victims found for incoming pod",
            expected.len()
        ));
    }
    if expected.len() < 4 {
        parts.push(format!(
            "{} Preemption is not helpful for scheduling",
            4 - expected.len()
        ));
    }
    // Upstream's FitError sorts the "<count> <reason>" strings.
    parts.sort();
    assert_eq!(
        suffix,
        format!("0/4 nodes are available: {}.", parts.join(", "))
    );
}

/// "No node should be attempted": NodeAffinity, NodeName (here a taint), TaintToleration
/// and NodeLabel (here a cordon), all UnschedulableAndUnresolvable.
#[test]
fn might_help_no_node_should_be_attempted() {
    use Fails::*;
    might_help([Selector, Taint, Taint, Cordoned], "", "", &[]);
}

/// "ErrReasonAffinityNotMatch should be tried as it indicates that the pod is
/// unschedulable due to inter-pod affinity or anti-affinity": node1 Unschedulable by
/// inter-pod (anti-)affinity, node2 NodeName (a taint here), node3 cordoned, node4 without
/// a status.
#[test]
fn might_help_inter_pod_affinity_is_tried() {
    use Fails::*;
    might_help(
        [ExistingAntiAffinity, Taint, Cordoned, Full],
        "",
        "",
        &["node1", "node4"],
    );
}

/// "pod with both pod affinity and anti-affinity should be tried".
#[test]
fn might_help_pod_with_affinity_and_anti_affinity_is_tried() {
    use Fails::*;
    might_help(
        [ExistingAntiAffinity, Taint, Full, Full],
        "",
        "",
        &["node1", "node3", "node4"],
    );
}

/// "ErrReasonAffinityRulesNotMatch should not be tried …, but ErrReasonAffinityNotMatch
/// should be tried …": the pod's required affinity to `app: db` fails on node1 (no such
/// pod there: UnschedulableAndUnresolvable); node2's `app: db` pod repels the pod.
#[test]
fn might_help_affinity_rules_not_match_is_not_tried() {
    use Fails::*;
    might_help(
        [NoDbPod, ExistingAntiAffinity, Full, Full],
        AFFINITY_TO_DB,
        "",
        &["node2", "node3", "node4"],
    );
}

/// "Mix of failed predicates works fine": node1 UnschedulableAndUnresolvable (upstream's
/// disk conflict; here NodeAffinity), node2 "Insufficient memory".
#[test]
fn might_help_mix_of_failed_predicates() {
    use Fails::*;
    might_help(
        [Selector, Busy, Full, Full],
        "",
        "",
        &["node2", "node3", "node4"],
    );
}

/// "Node condition errors should be considered unresolvable" (here NodeUnschedulable's
/// cordon).
#[test]
fn might_help_node_condition_errors_are_unresolvable() {
    use Fails::*;
    might_help(
        [Cordoned, Full, Full, Full],
        "",
        "",
        &["node2", "node3", "node4"],
    );
}

/// "ErrVolume... errors should not be tried …": the pod's claim is bound to a volume on
/// node4, so VolumeBinding rejects node1…node3 (volume node affinity conflict,
/// UnschedulableAndUnresolvable).
#[test]
fn might_help_volume_errors_are_not_tried() {
    use Fails::*;
    might_help(
        [NotVolumeNode, NotVolumeNode, NotVolumeNode, Full],
        USES_DATA,
        VOLUME_ON_NODE4,
        &["node4"],
    );
}

/// "ErrReasonConstraintsNotMatch should be tried …": node1 and node3 each hold an
/// `app: p` pod while node4 holds none, so spreading over hosts fails there
/// (Unschedulable); node2 NodeName (here NodeAffinity, which also leaves it out of the
/// spread counts).
#[test]
fn might_help_topology_spread_constraints_are_tried() {
    use Fails::*;
    might_help(
        [OneMatching, Selector, OneMatching, Full],
        SPREAD_BY_HOST,
        "",
        &["node1", "node3", "node4"],
    );
}

/// "UnschedulableAndUnresolvable status should be skipped but Unschedulable should be
/// tried".
#[test]
fn might_help_unresolvable_skipped_unschedulable_tried() {
    use Fails::*;
    might_help([Full, Taint, Busy, Cordoned], "", "", &["node1", "node3"]);
}

/// "ErrReasonNodeLabelNotMatch should not be tried as it indicates that the pod is
/// unschedulable due to node doesn't have the required label": node2 has no `zone` label.
#[test]
fn might_help_missing_topology_label_is_not_tried() {
    use Fails::*;
    might_help(
        [Full, NoZone, Full, Taint],
        SPREAD_BY_ZONE,
        "",
        &["node1", "node3"],
    );
}
