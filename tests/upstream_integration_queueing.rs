//! Upstream's **requeueing integration cases**, `CoreResourceEnqueueTestCases` of
//! `test/integration/scheduler/queueing/queue.go` (driven by `queue_test.go`,
//! kubernetes/kubernetes, read at 055fd39), for the storage and node plugins: VolumeBinding,
//! VolumeRestrictions, NodeVolumeLimits, VolumeZone, NodeResourcesFit, NodeUnschedulable,
//! TaintToleration, NodeAffinity, NodePorts, PodTopologySpread and InterPodAffinity.
//!
//! How the harness maps onto Bindery:
//! - Upstream creates the initial objects, then the pods, pops each pod once
//!   (`ScheduleOne`), fires the trigger and reads which pods moved to activeQ
//!   (`WantRequeuedPods`). Bindery has no view of the queue from outside, so a requeue is
//!   read from what happens next: a requeued pod gets another attempt (it is bound, or a
//!   new `FailedScheduling` event is recorded for it); a pod left in the unschedulable pool
//!   records nothing more (the 5-minute flush runs only while time moves on for something
//!   else, and no case waits that long, so `run_until_idle` ends).
//!   Where upstream's comments say a requeued pod becomes schedulable, the test also checks
//!   it is bound.
//! - Upstream enables only the plugins a case names (plus PrioritySort and DefaultBinder);
//!   Bindery always runs the default profile. The fixtures are upstream's, and the other
//!   default plugins accept them, except where noted.
//! - Upstream's scheduler integration harness runs no PV controller; Bindery's always runs.
//! - `st.MakeNode()` gives `pods: 32`; Bindery nodes also carry `kubernetes.io/hostname`,
//!   which no case uses. Pod deletions are graceful (30 s of simulated time) where upstream
//!   deletes with a zero grace period; only the deletion itself is a requeue event in both.
//!
//! Bindery requeues as upstream does with queueing hints on: the queue keeps the plugins
//! that registered the event (`interested()` in `scheduler/queue.rs`, node updates split
//! into label, taint and allocatable changes as upstream splits them), then asks the
//! rejecting plugin's hint about the object that changed (`scheduler/hints.rs`: nodes,
//! claims, assigned pods, volumes, StorageClasses, the CSI objects, and the rejected pod's
//! own toleration and label changes). The
//! harness reads a requeue from the pod's next attempt, so it also sees what follows the
//! trigger; two cases are ported with `wanted_requeued` (upstream's requeued pods are
//! tried again, the others stay pending) because of that:
//! - InterPodAffinity "… updating the node with the topologyKey label of the pod affinity":
//!   pod3 is tried again once pod2 lands, as pod2 matches its affinity term (an
//!   `AssignedPodAdd` after the trigger, which upstream's check of the queue right after
//!   the trigger does not see).
//! - PodTopologySpread "… when a Node with a topology label is deleted": pod3 is tried again
//!   when the deleted node's pod2, which matches its selector, is deleted with its node.
//!
//! Known differences (not ported):
//! - "Pod rejected by the NodeResourcesFit plugin is requeued when the Pod is updated to
//!   scale down": Bindery has no in-place resize.
//! - VolumeBinding "requeued when the PVC is created" / "… the PVC is updated" / "… the
//!   StorageClass is created" / "… the StorageClass's AllowedTopologies is updated" / "… is
//!   not requeued when the StorageClass is updated but the AllowedTopologies is same" /
//!   "… the CSINode is created" / "… the CSINode's MigratedPluginsAnnotation is updated" /
//!   "… the CSIDriver's StorageCapacity gets disabled" / "… not requeued when the CSIDriver
//!   is updated …" / the three CSIStorageCapacity cases: each starts from an unbound claim
//!   the pod cannot use because no PV controller runs upstream; Bindery's PV controller
//!   binds it to the matching PV first, so the pod schedules at its first attempt. The
//!   AllowedTopologies, CSIDriver, CSIStorageCapacity and MigratedPluginsAnnotation cases
//!   are kept with their triggers and expectations on a claim that stays unbound
//!   (`unbound_claim_case`).
//! - VolumeBinding "requeued when the PV is created" (deletes the bound pv1 and creates it
//!   again) and "… the PV is updated" (rewrites its nodeAffinity from the beta zone label to
//!   the GA one): Bindery keeps a bound PV until its claim releases it and refuses any
//!   change of a PV's nodeAffinity as immutable.
//! - VolumeZone "requeued when the PV is added" is ported for its requeue only: pod2 is tried again, but
//!   Bindery's PV controller has marked pvc2 `Lost` (bound to a PV that did not exist), so
//!   it stays unschedulable; upstream (no PV controller, only VolumeZone enabled) would
//!   bind it at that attempt.
//! - The NodeVolumeLimits VolumeAttachment cases: Bindery models no VolumeAttachment objects.
//!
//! Not covered: the DRA / extended-resource / DeviceClass NodeResourcesFit cases (DRA is not
//! modelled), NodeDeclaredFeatures and GangScheduling cases.

use std::collections::BTreeMap;

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::Simulation;

const MAX_STEPS: u64 = 100_000;
const NS: &str = "default";

// ---------------------------------------------------------------------------------------
// Fixtures: st.MakeNode() / st.MakePod() / st.MakePersistentVolume() … in YAML.
// ---------------------------------------------------------------------------------------

/// `st.MakeNode().Name(name)`: allocatable and capacity `pods: 32` plus `res` (a
/// flow-mapping body, may name `pods` itself), `labels` (flow-mapping body) and `spec`
/// lines (taints, unschedulable).
fn node(name: &str, labels: &str, res: &str, spec: &str) -> String {
    let labels = if labels.is_empty() {
        format!("kubernetes.io/hostname: {name}")
    } else {
        format!("kubernetes.io/hostname: {name}, {labels}")
    };
    let res = if res.contains("pods:") {
        res.to_string()
    } else if res.is_empty() {
        "pods: '32'".to_string()
    } else {
        format!("pods: '32', {res}")
    };
    let mut s =
        format!("apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\n");
    if !spec.is_empty() {
        s.push_str("spec:\n");
        s.push_str(spec);
    }
    s.push_str(&format!(
        "status:\n  allocatable: {{{res}}}\n  capacity: {{{res}}}\n"
    ));
    s
}

/// A `NoSchedule` taint `key` (with `value` if not empty), as a `spec` line.
fn taint(key: &str, value: &str) -> String {
    if value.is_empty() {
        format!("  taints: [{{key: {key}, effect: NoSchedule}}]\n")
    } else {
        format!("  taints: [{{key: {key}, value: {value}, effect: NoSchedule}}]\n")
    }
}

const NOT_READY: &str = "node.kubernetes.io/not-ready";
const ZONE: &str = "topology.kubernetes.io/zone";

/// `st.MakePod().Name(name).Container("image")` with `labels` (flow-mapping body),
/// `requests` (flow-mapping body, may be empty) and `extra` lines under `spec:`.
fn pod(name: &str, labels: &str, requests: &str, extra: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {NS}, labels: {{{labels}}}}}\nspec:\n"
    );
    if requests.is_empty() {
        s.push_str("  containers: [{name: container, image: image}]\n");
    } else {
        s.push_str(&format!(
            "  containers: [{{name: container, image: image, resources: {{requests: {{{requests}}}}}}}]\n"
        ));
    }
    s.push_str(extra);
    s
}

/// `.Node(node)`: created bound, as upstream's initial pods.
fn on(node: &str) -> String {
    format!("  nodeName: {node}\n")
}

/// `.Toleration(key)`: `Exists`, `NoSchedule`.
fn tolerate(key: &str) -> String {
    format!("  tolerations: [{{key: {key}, operator: Exists, effect: NoSchedule}}]\n")
}

/// `.PVC(claim)`.
fn claim(claim: &str) -> String {
    format!("  volumes: [{{name: volume, persistentVolumeClaim: {{claimName: {claim}}}}}]\n")
}

/// `spec.affinity` made of `parts` (the blocks below).
fn affinity(parts: &[String]) -> String {
    format!("  affinity:\n{}", parts.concat())
}

/// `PodAffinityExists` / `PodAntiAffinityExists(key, topology, …Required…)`.
fn pod_term(anti: bool, key: &str, topology: &str) -> String {
    let kind = if anti {
        "podAntiAffinity"
    } else {
        "podAffinity"
    };
    format!(
        "    {kind}:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {{matchExpressions: [{{key: {key}, operator: Exists}}]}}\n        topologyKey: {topology}\n"
    )
}

fn anti(key: &str, topology: &str) -> String {
    affinity(&[pod_term(true, key, topology)])
}

/// `NodeAffinityIn(key, values, NodeSelectorTypeMatchExpressions)`.
fn node_in(key: &str, values: &str) -> String {
    format!(
        "    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{{key: {key}, operator: In, values: [{values}]}}]\n"
    )
}

/// `SpreadConstraint(1, topology, DoNotSchedule, Exists(key), minDomains, nil, nil, nil)`.
fn spread(topology: &str, key: &str, min_domains: Option<u32>) -> String {
    let mut s = format!(
        "  topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: {topology}\n    whenUnsatisfiable: DoNotSchedule\n    labelSelector: {{matchExpressions: [{{key: {key}, operator: Exists}}]}}\n"
    );
    if let Some(m) = min_domains {
        s.push_str(&format!("    minDomains: {m}\n"));
    }
    s
}

/// `st.MakePersistentVolume()`: 1Mi, `modes`, `labels` (flow-mapping body) and `spec`
/// lines (its source: hostPath `/tmp` unless `spec` names a `csi` one; class; affinity).
fn pv(name: &str, labels: &str, modes: &str, spec: &str) -> String {
    let source = if spec.contains("csi:") {
        ""
    } else {
        "  hostPath: {path: /tmp, type: DirectoryOrCreate}\n"
    };
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec:\n  accessModes: [{modes}]\n  capacity: {{storage: 1Mi}}\n{source}{spec}"
    )
}

/// `NodeAffinityIn(key, [value])` of a PV.
fn pv_affinity(key: &str, value: &str) -> String {
    format!(
        "  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{{key: {key}, operator: In, values: [{value}]}}]\n"
    )
}

fn csi_source(handle: &str) -> String {
    format!("  csi: {{driver: csidriver, volumeHandle: {handle}}}\n")
}

/// `st.MakePersistentVolumeClaim()`: 1Mi, `modes`; bound (`volumeName` and
/// `pv.kubernetes.io/bind-completed`) to `volume` if any; `class` if any.
fn pvc(name: &str, modes: &str, volume: Option<&str>, class: Option<&str>) -> String {
    let mut s = format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\n  namespace: {NS}\n");
    if volume.is_some() {
        s.push_str("  annotations: {pv.kubernetes.io/bind-completed: 'true'}\n");
    }
    s.push_str(&format!(
        "spec:\n  accessModes: [{modes}]\n  resources: {{requests: {{storage: 1Mi}}}}\n"
    ));
    if let Some(v) = volume {
        s.push_str(&format!("  volumeName: {v}\n"));
    }
    if let Some(c) = class {
        s.push_str(&format!("  storageClassName: {c}\n"));
    }
    s
}

/// `st.MakeStorageClass().Name(name).Provisioner("p")` with `mode` and `extra` lines.
fn storage_class(name: &str, mode: &str, extra: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: p\nvolumeBindingMode: {mode}\n{extra}"
    )
}

/// A CSINode `name` whose `csidriver` entry (if `count` is set) allows `count` volumes.
fn csi_node(name: &str, count: Option<u32>) -> String {
    match count {
        Some(c) => format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: {name}}}\nspec:\n  drivers:\n  - {{name: csidriver, nodeID: {name}, allocatable: {{count: {c}}}}}\n"
        ),
        None => format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: {name}}}\nspec: {{drivers: []}}\n"
        ),
    }
}

fn csi_driver(storage_capacity: bool) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: csidriver}}\nspec: {{storageCapacity: {storage_capacity}}}\n"
    )
}

// ---------------------------------------------------------------------------------------
// Driving the simulation.
// ---------------------------------------------------------------------------------------

fn run(sim: &mut Simulation) {
    let outcome = sim.run_until_idle(MAX_STEPS);
    assert!(outcome.idle, "did not settle within {MAX_STEPS} steps");
}

/// Creates (or updates) every object of `yaml`, one after another, running until idle
/// after each.
fn create(sim: &mut Simulation, yaml: &str) {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply(&d.manifest)
            .unwrap_or_else(|e| panic!("create refused: {e}"));
        run(sim);
    }
}

fn delete(sim: &mut Simulation, kind: Kind, ns: &str, name: &str) {
    sim.delete(kind, &ObjectKey::new(ns, name))
        .unwrap_or_else(|e| panic!("delete refused: {e}"));
    run(sim);
}

/// One CoreResourceEnqueueTestCase after its pods' first scheduling attempt.
struct Case {
    sim: Simulation,
    pods: Vec<&'static str>,
    /// FailedScheduling events per pod before the trigger.
    before: BTreeMap<&'static str, usize>,
}

fn attempts(sim: &Simulation, name: &str) -> usize {
    sim.log()
        .events_for(Kind::Pod, &ObjectKey::new(NS, name))
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .count()
}

fn node_of(sim: &Simulation, name: &str) -> Option<String> {
    sim.cluster()
        .pod(&ObjectKey::new(NS, name))
        .unwrap_or_else(|| panic!("no pod {name}"))
        .node_name()
        .map(str::to_string)
}

/// `initial` objects in upstream's order (nodes, CSINodes, capacities, CSIDrivers,
/// classes, PVs, PVCs, then the bound initial pods), one by one; then `pods` (named
/// `names`), which must all be rejected once.
fn start(initial: &[String], names: &[&'static str], pods: &[String]) -> Case {
    let mut sim = Simulation::new(1);
    for d in initial {
        create(&mut sim, d);
    }
    let parsed = bindery_core::scenario::parse(&pods.join("---\n"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply(&d.manifest)
            .unwrap_or_else(|e| panic!("create refused: {e}"));
    }
    run(&mut sim);
    let mut before = BTreeMap::new();
    for &n in names {
        assert_eq!(node_of(&sim, n), None, "{n} scheduled at once");
        let a = attempts(&sim, n);
        assert!(a >= 1, "{n} was never attempted");
        before.insert(n, a);
    }
    Case {
        sim,
        pods: names.to_vec(),
        before,
    }
}

impl Case {
    fn trigger(mut self, f: impl FnOnce(&mut Simulation)) -> Self {
        f(&mut self.sim);
        self
    }

    /// Whether `name` got another scheduling attempt after the trigger.
    fn retried(&self, name: &str) -> bool {
        node_of(&self.sim, name).is_some() || attempts(&self.sim, name) > self.before[name]
    }

    /// `WantRequeuedPods`: exactly these pods were tried again.
    fn requeued(self, want: &[&str]) -> Self {
        for &p in &self.pods {
            assert_eq!(
                self.retried(p),
                want.contains(&p),
                "{p}: retried after the trigger? (attempts {} -> {}, node {:?})",
                self.before[p],
                attempts(&self.sim, p),
                node_of(&self.sim, p)
            );
        }
        self
    }

    /// The pods upstream requeues are tried again and the others stay pending; Bindery
    /// may try the others again too (a plugin-granularity requeue, see the module doc).
    fn wanted_requeued(self, want: &[&str]) -> Self {
        for &p in want {
            assert!(
                self.retried(p),
                "{p} was not retried after the trigger (attempts {})",
                self.before[p]
            );
        }
        for &p in &self.pods {
            if !want.contains(&p) {
                assert_eq!(node_of(&self.sim, p), None, "{p} got scheduled");
            }
        }
        self
    }

    /// Those requeued pods upstream's comments say become schedulable are bound; the
    /// others are still pending.
    fn scheduled(self, names: &[&str]) -> Self {
        for &p in &self.pods {
            assert_eq!(
                node_of(&self.sim, p).is_some(),
                names.contains(&p),
                "{p}: bound after the trigger?"
            );
        }
        self
    }

    fn on_node(self, name: &str, node: &str) -> Self {
        assert_eq!(node_of(&self.sim, name).as_deref(), Some(node));
        self
    }
}

// =======================================================================================
// TaintToleration, NodeResourcesFit, NodeAffinity, NodeUnschedulable
// =======================================================================================

/// "Pod without a required toleration to a node isn't requeued to activeQ".
#[test]
fn toleration_missing_pod_is_not_requeued_on_allocatable_update() {
    let n = |cpu: &str| {
        node(
            "fake-node",
            "",
            &format!("cpu: '{cpu}'"),
            &taint(NOT_READY, ""),
        )
    };
    start(
        &[n("2")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "cpu: '4'", ""),
            pod("pod2", "", "cpu: '4'", &tolerate(NOT_READY)),
        ],
    )
    .trigger(|sim| create(sim, &n("4")))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected by the NodeAffinity plugin is requeued when a Node's label is updated".
#[test]
fn node_affinity_requeued_on_node_label_update() {
    start(
        &[node("fake-node1", "group: a", "", "")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "", &affinity(&[node_in("group", "b")])),
            pod("pod2", "", "", &affinity(&[node_in("group", "c")])),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node1", "group: b", "", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeAffinity plugin is requeued when a Node is added".
#[test]
fn node_affinity_requeued_on_node_add() {
    start(
        &[node("fake-node1", "group: a", "", "")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "", &affinity(&[node_in("group", "b")])),
            pod("pod2", "", "", &affinity(&[node_in("group", "c")])),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "group: b", "", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeAffinity plugin is not requeued when an updated Node haven't
/// changed the 'match' verdict": node1 already matched pod1's affinity (NodeResourcesFit
/// blocked it there); the update adds a label and, as upstream's `st.MakeNode()` rewrite
/// does, drops the cpu capacity (`cpu: '0'`: Bindery would default a missing cpu to 4), so
/// neither plugin's hint queues pod1.
#[test]
fn node_affinity_not_requeued_when_the_match_is_unchanged() {
    start(
        &[
            node("node1", "group: a", "cpu: '2'", ""),
            node("node2", "group: b", "", ""),
        ],
        &["pod1"],
        &[pod(
            "pod1",
            "",
            "cpu: '4'",
            &affinity(&[node_in("group", "a")]),
        )],
    )
    .trigger(|sim| {
        create(
            sim,
            &node("node1", "group: a, node: fake-node", "cpu: '0'", ""),
        )
    })
    .requeued(&[]);
}

/// "Pod updated with toleration requeued to activeQ": pod1 gains the toleration (an
/// addition, which the API allows) and is retried; pod2 is not.
#[test]
fn toleration_added_to_pending_pod() {
    start(
        &[node("fake-node", "", "", &taint("taint-key", ""))],
        &["pod1", "pod2"],
        &[pod("pod1", "", "", ""), pod("pod2", "", "", "")],
    )
    .trigger(|sim| create(sim, &pod("pod1", "", "", &tolerate("taint-key"))))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// NodeUnschedulable registers the pending pod's own `UpdatePodToleration` with
/// `isSchedulableAfterPodTolerationChange` (node_unschedulable.go): a pod a cordoned node
/// rejected is retried once it tolerates `node.kubernetes.io/unschedulable:NoSchedule`,
/// and not for another new toleration.
#[test]
fn node_unschedulable_requeued_when_the_pod_tolerates_the_cordon() {
    start(
        &[node("fake-node", "", "", "  unschedulable: true\n")],
        &["pod1", "pod2"],
        &[pod("pod1", "", "", ""), pod("pod2", "", "", "")],
    )
    .trigger(|sim| {
        create(
            sim,
            &pod(
                "pod1",
                "",
                "",
                &tolerate("node.kubernetes.io/unschedulable"),
            ),
        );
        create(sim, &pod("pod2", "", "", &tolerate("taint-key")));
    })
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the TaintToleration plugin is requeued when the Node's taint is
/// updated".
#[test]
fn taint_toleration_requeued_on_taint_update() {
    start(
        &[node("fake-node", "", "", &taint(NOT_READY, ""))],
        &["pod1", "pod2", "pod3"],
        &[
            pod("pod1", "", "", &tolerate("taint-key")),
            pod("pod2", "", "", &tolerate("taint-key2")),
            pod("pod3", "", "", ""),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node", "", "", &taint("taint-key", ""))))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the TaintToleration plugin is requeued when a Node that has the
/// correspoding taint is added".
#[test]
fn taint_toleration_requeued_on_tainted_node_add() {
    start(
        &[node("fake-node1", "", "", &taint(NOT_READY, ""))],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "", &tolerate("taint-key")),
            pod("pod2", "", "", ""),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "", "", &taint("taint-key", ""))))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeResourcesFit plugin is requeued when a Pod is deleted".
#[test]
fn fit_requeued_on_assigned_pod_delete() {
    start(
        &[
            node("fake-node", "", "cpu: '2'", ""),
            pod("pod1", "", "cpu: '2'", &on("fake-node")),
        ],
        &["pod2"],
        &[pod("pod2", "", "cpu: '2'", "")],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected by the NodeResourcesFit plugin is requeued when a Node is created".
#[test]
fn fit_requeued_on_node_add() {
    start(
        &[node("fake-node1", "", "cpu: '2'", "")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "cpu: '4'", ""),
            pod("pod2", "", "cpu: '5'", ""),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "", "cpu: '4'", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeResourcesFit plugin is requeued when a Node is updated".
#[test]
fn fit_requeued_on_node_allocatable_update() {
    start(
        &[node("fake-node", "", "cpu: '2'", "")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "cpu: '4'", ""),
            pod("pod2", "", "cpu: '5'", ""),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node", "", "cpu: '4'", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeResourcesFit plugin is requeued when a Node is updated with
/// increase in the requested resources": requeued, still unschedulable (fake-node1 lacks
/// the label).
#[test]
fn fit_requeued_on_requested_allocatable_increase() {
    start(
        &[
            node("fake-node1", "", "cpu: '4'", ""),
            node("fake-node2", "group: b", "cpu: '2'", ""),
        ],
        &["pod1"],
        &[pod(
            "pod1",
            "",
            "cpu: '4'",
            &affinity(&[node_in("group", "b")]),
        )],
    )
    .trigger(|sim| create(sim, &node("fake-node1", "", "cpu: '5'", "")))
    .requeued(&["pod1"])
    .scheduled(&[]);
}

/// "Pod rejected by the NodeResourcesFit plugin isn't requeued when a Node is updated without
/// increase in the requested resources": fake-node1 gains memory, which pod1 does not
/// request.
#[test]
fn fit_not_requeued_on_unrequested_allocatable_increase() {
    start(
        &[
            node("fake-node1", "", "cpu: '4'", ""),
            node("fake-node2", "group: b", "cpu: '2'", ""),
        ],
        &["pod1"],
        &[pod(
            "pod1",
            "",
            "cpu: '4'",
            &affinity(&[node_in("group", "b")]),
        )],
    )
    .trigger(|sim| create(sim, &node("fake-node1", "", "cpu: '4', memory: '4000'", "")))
    .requeued(&[]);
}

/// "Pod rejected by the NodeResourcesFit plugin is requeued when a Node is updated with
/// increase in the allowed pods number": requeued, still unschedulable.
#[test]
fn fit_requeued_on_pods_allocatable_increase() {
    start(
        &[
            node("fake-node1", "", "pods: '2'", ""),
            node("fake-node2", "group: b", "pods: '1'", ""),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", affinity(&[node_in("group", "b")]), on("fake-node2")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &affinity(&[node_in("group", "b")]))],
    )
    .trigger(|sim| create(sim, &node("fake-node1", "", "pods: '3'", "")))
    .requeued(&["pod2"])
    .scheduled(&[]);
}

/// "Updating pod label doesn't retry scheduling if the Pod was rejected by
/// TaintToleration".
#[test]
fn taint_toleration_not_requeued_on_own_label_update() {
    start(
        &[node("fake-node", "", "", &taint(NOT_READY, ""))],
        &["pod1"],
        &[pod("pod1", "", "", "")],
    )
    .trigger(|sim| create(sim, &pod("pod1", "key: val", "", "")))
    .requeued(&[]);
}

/// "Pod rejected by the PreFilter of NodeAffinity plugin and Filter of NodeResourcesFit is
/// requeued based on both plugins".
#[test]
fn prefilter_node_affinity_and_fit_requeued_on_allocatable_update() {
    let match_fields = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{key: metadata.name, operator: In, values: [fake-node]}]\n";
    start(
        &[
            node("fake-node", "node: fake-node", "cpu: '2'", ""),
            node(
                "fake-node2",
                "node: fake-node2, zone: zone1",
                "cpu: '2'",
                "",
            ),
        ],
        &["pod1"],
        &[pod(
            "pod1",
            "unscheduled: plugins",
            "cpu: '4'",
            match_fields,
        )],
    )
    .trigger(|sim| {
        create(
            sim,
            &node(
                "fake-node",
                "node: fake-node, metadata.name: fake-node",
                "cpu: '4'",
                "",
            ),
        )
    })
    .requeued(&["pod1"])
    .on_node("pod1", "fake-node");
}

/// Not an upstream integration case: a plugin that narrows the nodes in PreFilter is one of
/// the pod's rejectors (`findNodesThatFitPod` starts `UnschedulablePlugins` with the
/// plugins that returned node names). pod1's `matchFields` name a node that does not exist,
/// so no node is tried; it waits for NodeAffinity's events, not for any event.
fn ghost_affinity() -> String {
    "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields: [{key: metadata.name, operator: In, values: [ghost]}]\n".to_string()
}

#[test]
fn prefilter_narrowed_pod_not_requeued_on_unrelated_event() {
    start(
        &[node("fake-node", "", "", "")],
        &["pod1"],
        &[pod("pod1", "", "", &ghost_affinity())],
    )
    .trigger(|sim| create(sim, &pvc("pvc1", "ReadWriteOnce", None, Some("sc"))))
    .requeued(&[]);
}

#[test]
fn prefilter_narrowed_pod_requeued_when_its_node_is_added() {
    start(
        &[node("fake-node", "", "", "")],
        &["pod1"],
        &[pod("pod1", "", "", &ghost_affinity())],
    )
    .trigger(|sim| create(sim, &node("ghost", "", "", "")))
    .requeued(&["pod1"])
    .on_node("pod1", "ghost");
}

/// "Pod rejected by the NodeUnschedulable plugin is requeued when the node is turned to
/// ready".
#[test]
fn node_unschedulable_requeued_when_node_turns_schedulable() {
    start(
        &[node("fake-node", "", "", "  unschedulable: true\n")],
        &["pod1"],
        &[pod("pod1", "", "", "")],
    )
    .trigger(|sim| create(sim, &node("fake-node", "", "", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

/// "Pod rejected by the NodeUnschedulable plugin is requeued when a new node is created".
#[test]
fn node_unschedulable_requeued_on_node_add() {
    start(
        &[node("fake-node1", "", "", "  unschedulable: true\n")],
        &["pod1"],
        &[pod("pod1", "", "", "")],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "", "", "")))
    .requeued(&["pod1"])
    .on_node("pod1", "fake-node2");
}

/// "Pod rejected by the NodeUnschedulable plugin isn't requeued when another unschedulable
/// node is created".
#[test]
fn node_unschedulable_not_requeued_on_unschedulable_node_add() {
    start(
        &[node("fake-node1", "", "", "  unschedulable: true\n")],
        &["pod1"],
        &[pod("pod1", "", "", "")],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "", "", "  unschedulable: true\n")))
    .requeued(&[]);
}

// =======================================================================================
// NodePorts
// =======================================================================================

/// `st.MakePod().Name(name).Container("image").ContainerPort([{8080, hostPort}])`, on `node`
/// if any.
fn port_pod(name: &str, host_port: u16, node: Option<&str>) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {NS}}}\nspec:\n  containers: [{{name: container, image: image, ports: [{{containerPort: 8080, hostPort: {host_port}}}]}}]\n"
    );
    if let Some(n) = node {
        s.push_str(&on(n));
    }
    s
}

/// "Pod rejected with hostport by the NodePorts plugin is requeued when pod with common
/// hostport is deleted": pod4 wants 8081, which pod1 did not hold.
#[test]
fn node_ports_requeued_when_a_pod_with_a_common_host_port_is_deleted() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            port_pod("pod1", 8080, Some("fake-node")),
            port_pod("pod2", 8081, Some("fake-node")),
        ],
        &["pod3", "pod4"],
        &[port_pod("pod3", 8080, None), port_pod("pod4", 8081, None)],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod3"])
    .scheduled(&["pod3"]);
}

/// "Pod rejected with hostport by the NodePorts plugin is requeued when new node is
/// created".
#[test]
fn node_ports_requeued_on_node_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            port_pod("pod1", 8080, Some("fake-node")),
        ],
        &["pod2"],
        &[port_pod("pod2", 8080, None)],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "node: fake-node2", "", "")))
    .requeued(&["pod2"])
    .on_node("pod2", "fake-node2");
}

// =======================================================================================
// InterPodAffinity
// =======================================================================================

/// "Pod rejected by the PodAffinity plugin is requeued when a new Node is created".
#[test]
fn inter_pod_affinity_requeued_on_node_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "cpu: '2'", ""),
            pod(
                "pod1",
                "anti: anti",
                "",
                &format!("{}{}", anti("anti", "node"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "anti: anti", "", &anti("anti", "node"))],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "node: fake-node2", "cpu: '2'", "")))
    .requeued(&["pod2"])
    .on_node("pod2", "fake-node2");
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when deleting the existed
/// pod's label that matches the podAntiAffinity".
#[test]
fn inter_pod_affinity_requeued_on_label_removal() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod("pod1", "anti1: anti1, anti2: anti2", "", &on("fake-node")),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "anti1: anti1", "", &anti("anti1", "node")),
            pod("pod3", "anti2: anti2", "", &anti("anti2", "node")),
        ],
    )
    .trigger(|sim| create(sim, &pod("pod1", "anti2: anti2", "", &on("fake-node"))))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when deleting the existing pod
/// that matches the target podAntiAffinity".
#[test]
fn inter_pod_affinity_requeued_on_matching_pod_delete() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod("pod1", "anti1: anti1", "", &on("fake-node")),
            pod("pod2", "anti2: anti2", "", &on("fake-node")),
        ],
        &["pod3", "pod4"],
        &[
            pod("pod3", "anti1: anti1", "", &anti("anti1", "node")),
            pod("pod4", "anti2: anti2", "", &anti("anti2", "node")),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod3"])
    .scheduled(&["pod3"]);
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when deleting the existing pod
/// with podAntiAffinity that matches the target pod".
#[test]
fn inter_pod_affinity_requeued_on_anti_affinity_pod_delete() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", anti("anti1", "node"), on("fake-node")),
            ),
            pod(
                "pod2",
                "",
                "",
                &format!("{}{}", anti("anti2", "node"), on("fake-node")),
            ),
        ],
        &["pod3", "pod4"],
        &[
            pod("pod3", "anti1: anti1", "", ""),
            pod("pod4", "anti2: anti2", "", ""),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod3"])
    .scheduled(&["pod3"]);
}

/// "Pod rejected by the PodAffinity plugin is requeued when updating the existed pod's
/// label to make it match the pod's podAffinity".
#[test]
fn pod_affinity_requeued_on_label_update_to_match() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod("pod1", "", "", &on("fake-node")),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "", "", &affinity(&[pod_term(false, "aaa", "node")])),
            pod("pod3", "", "", &affinity(&[pod_term(false, "bbb", "node")])),
        ],
    )
    .trigger(|sim| create(sim, &pod("pod1", "aaa: bbb", "", &on("fake-node"))))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when creating the node with
/// the topologyKey label of the pod affinity": requeued, still unschedulable (no pod
/// matches its term).
#[test]
fn pod_affinity_requeued_on_node_add_with_topology_key() {
    start(
        &[node("fake-node1", "aaa: fake-node", "", "")],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "", &affinity(&[pod_term(false, "bbb", "zone")])),
            pod(
                "pod2",
                "",
                "",
                &affinity(&[pod_term(false, "ccc", "region")]),
            ),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "zone: zone1", "", "")))
    .requeued(&["pod1"])
    .scheduled(&[]);
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when updating the node with
/// the topologyKey label of the pod affinity".
#[test]
fn pod_affinity_requeued_on_node_topology_label_update() {
    start(
        &[
            node("fake-node", "region: region-1", "", ""),
            node("fake-node2", "region: region-2, group: b", "", ""),
            pod("pod1", "affinity1: affinity1", "", &on("fake-node")),
        ],
        &["pod2", "pod3", "pod4"],
        &[
            pod(
                "pod2",
                "affinity1: affinity1",
                "",
                &affinity(&[pod_term(false, "affinity1", "node")]),
            ),
            pod(
                "pod3",
                "affinity1: affinity1",
                "",
                &affinity(&[pod_term(false, "affinity1", "other")]),
            ),
            pod(
                "pod4",
                "",
                "",
                &affinity(&[
                    pod_term(false, "affinity1", "region"),
                    node_in("group", "b"),
                ]),
            ),
        ],
    )
    .trigger(|sim| {
        create(
            sim,
            &node("fake-node", "node: fake-node, region: region-2", "", ""),
        )
    })
    .wanted_requeued(&["pod2", "pod4"])
    .scheduled(&["pod2", "pod4"])
    .on_node("pod4", "fake-node2");
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when updating the node with
/// the topologyKey label of the pod anti affinity": pod2 schedules (the node lost its
/// `node` label); pod3 is retried and still conflicts (pod1 is on the same node).
#[test]
fn pod_anti_affinity_requeued_on_node_topology_label_update() {
    start(
        &[
            node(
                "fake-node",
                "node: fake-node, service: service-a, other: fake-node",
                "",
                "",
            ),
            pod("pod1", "anti1: anti1", "", &on("fake-node")),
        ],
        &["pod2", "pod3", "pod4"],
        &[
            pod("pod2", "anti1: anti1", "", &anti("anti1", "node")),
            pod("pod3", "anti1: anti1", "", &anti("anti1", "service")),
            pod("pod4", "anti1: anti1", "", &anti("anti1", "other")),
        ],
    )
    .trigger(|sim| {
        create(
            sim,
            &node(
                "fake-node",
                "service: service-b, region: fake-node, other: fake-node",
                "",
                "",
            ),
        )
    })
    .requeued(&["pod2", "pod3"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected by the InterPodAffinity plugin is requeued when creating the node with
/// the topologyKey label of the pod anti affinity": pod3 lands on the new node (it has no
/// `node` label); pod2 is retried and still conflicts (same zone).
#[test]
fn pod_anti_affinity_requeued_on_node_add_with_topology_key() {
    start(
        &[
            node("fake-node1", "zone: fake-node, node: fake-node", "", ""),
            pod("pod1", "anti1: anti1", "", &on("fake-node1")),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "", "", &anti("anti1", "zone")),
            pod("pod3", "", "", &anti("anti1", "node")),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node2", "zone: fake-node", "", "")))
    .requeued(&["pod2", "pod3"])
    .scheduled(&["pod3"])
    .on_node("pod3", "fake-node2");
}

// =======================================================================================
// PodTopologySpread
// =======================================================================================

fn spread_pod(name: &str, key: &str, topology: &str, min_domains: Option<u32>) -> String {
    pod(
        name,
        &format!("{key}: val"),
        "",
        &spread(topology, key, min_domains),
    )
}

/// "Pods with PodTopologySpread should be requeued when a Pod with matching label is
/// scheduled": requeued, still unschedulable (minDomains 3, one domain).
#[test]
fn spread_requeued_on_matching_assigned_pod_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "cpu: '2'", ""),
            pod("pod1", "key1: val", "", &on("fake-node")),
            pod("pod2", "key2: val", "", &on("fake-node")),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(3)),
            spread_pod("pod4", "key2", "node", Some(3)),
        ],
    )
    .trigger(|sim| create(sim, &pod("pod5", "key1: val", "", &on("fake-node"))))
    .requeued(&["pod3"])
    .scheduled(&[]);
}

/// Not an upstream integration case: PodTopologySpread's hint for the rejected pod's own
/// label change (`isSchedulableAfterPodChange` with the pod itself as the updated pod).
/// pod3 stops matching its own selector, which lowers the skew it would add: requeued and
/// scheduled.
#[test]
fn spread_requeued_on_own_label_change_that_changes_the_match() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod("pod1", "key1: val", "", &on("fake-node")),
        ],
        &["pod3"],
        &[spread_pod("pod3", "key1", "node", Some(2))],
    )
    .trigger(|sim| {
        create(
            sim,
            &pod("pod3", "other: val", "", &spread("node", "key1", Some(2))),
        )
    })
    .requeued(&["pod3"])
    .scheduled(&["pod3"]);
}

/// The same hint for a label change that leaves the pod's match as it was: not requeued.
#[test]
fn spread_not_requeued_on_own_unrelated_label_change() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod("pod1", "key1: val", "", &on("fake-node")),
        ],
        &["pod3"],
        &[spread_pod("pod3", "key1", "node", Some(2))],
    )
    .trigger(|sim| {
        create(
            sim,
            &pod(
                "pod3",
                "key1: val, extra: x",
                "",
                &spread("node", "key1", Some(2)),
            ),
        )
    })
    .requeued(&[]);
}

/// "Pods with PodTopologySpread should be requeued when a scheduled Pod label is updated to
/// match the selector".
#[test]
fn spread_requeued_on_assigned_pod_label_update() {
    start(
        &[
            node("fake-node", "node: fake-node", "cpu: '2'", ""),
            pod("pod1", "key1: val", "", &on("fake-node")),
            pod("pod2", "key2: val", "", &on("fake-node")),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(3)),
            spread_pod("pod4", "key2", "node", Some(3)),
        ],
    )
    .trigger(|sim| create(sim, &pod("pod1", "key3: val", "", &on("fake-node"))))
    .requeued(&["pod3"]);
}

/// "Pods with PodTopologySpread should be requeued when a scheduled Pod with matching
/// label is deleted".
#[test]
fn spread_requeued_on_matching_assigned_pod_delete() {
    start(
        &[
            node("fake-node", "node: fake-node", "cpu: '2'", ""),
            pod("pod1", "key1: val", "", &on("fake-node")),
            pod("pod2", "key2: val", "", &on("fake-node")),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(2)),
            spread_pod("pod4", "key2", "node", Some(3)),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod3"]);
}

/// "Pods with PodTopologySpread should be requeued when a Node with topology label is
/// created".
#[test]
fn spread_requeued_on_node_add_with_topology_label() {
    start(
        &[
            node("fake-node1", "node: fake-node", "", ""),
            node("fake-node2", "zone: fake-zone", "", ""),
            pod("pod1", "key1: val", "", &on("fake-node1")),
            pod("pod2", "key1: val", "", &on("fake-node2")),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(2)),
            spread_pod("pod4", "key1", "zone", Some(2)),
        ],
    )
    .trigger(|sim| create(sim, &node("fake-node3", "node: fake-node", "", "")))
    .requeued(&["pod3"]);
}

/// "Pods with PodTopologySpread should be requeued when a Node is updated to have the
/// topology label".
#[test]
fn spread_requeued_on_node_topology_label_update() {
    let labels = "node: fake-node, region: fake-node, service: service-a";
    start(
        &[
            node("fake-node1", labels, "", ""),
            node("fake-node2", labels, "", ""),
            pod(
                "pod1",
                "key1: val",
                "",
                &format!("{}{}", spread("node", "key1", None), on("fake-node1")),
            ),
            pod(
                "pod2",
                "key1: val",
                "",
                &format!("{}{}", spread("zone", "key1", None), on("fake-node2")),
            ),
            pod(
                "pod3",
                "key1: val",
                "",
                &format!("{}{}", spread("region", "key1", None), on("fake-node2")),
            ),
            pod(
                "pod4",
                "key1: val",
                "",
                &format!("{}{}", spread("service", "key1", None), on("fake-node2")),
            ),
        ],
        &["pod5", "pod6", "pod7", "pod8", "pod9"],
        &[
            spread_pod("pod5", "key1", "node", Some(3)),
            spread_pod("pod6", "key1", "zone", Some(3)),
            spread_pod("pod7", "key1", "region", Some(3)),
            spread_pod("pod8", "key1", "other", Some(3)),
            spread_pod("pod9", "key1", "service", Some(3)),
        ],
    )
    .trigger(|sim| {
        create(
            sim,
            &node(
                "fake-node2",
                "zone: fake-node, region: fake-node, service: service-b",
                "",
                "",
            ),
        )
    })
    .requeued(&["pod5", "pod6", "pod9"]);
}

/// "Pods with PodTopologySpread should be requeued when a Node with a topology label is
/// deleted".
#[test]
fn spread_requeued_on_node_delete() {
    start(
        &[
            node("fake-node1", "node: fake-node", "", ""),
            node("fake-node2", "zone: fake-node", "", ""),
            pod(
                "pod1",
                "key1: val",
                "",
                &format!("{}{}", spread("node", "key1", None), on("fake-node1")),
            ),
            pod(
                "pod2",
                "key1: val",
                "",
                &format!("{}{}", spread("zone", "key1", None), on("fake-node2")),
            ),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(3)),
            spread_pod("pod4", "key1", "zone", Some(3)),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Node, "", "fake-node2"))
    .wanted_requeued(&["pod4"]);
}

/// "Pods with PodTopologySpread should be requeued when a NodeTaint of a Node with a
/// topology label has been updated".
#[test]
fn spread_requeued_on_node_taint_update() {
    start(
        &[
            node("fake-node1", "node: fake-node", "", ""),
            node("fake-node2", "zone: fake-node", "", ""),
            node("fake-node3", "zone: fake-node", "", &taint(NOT_READY, "")),
            pod(
                "pod1",
                "key1: val",
                "",
                &format!("{}{}", spread("node", "key1", None), on("fake-node1")),
            ),
            pod(
                "pod2",
                "key1: val",
                "",
                &format!("{}{}", spread("node", "key1", None), on("fake-node2")),
            ),
        ],
        &["pod3", "pod4"],
        &[
            spread_pod("pod3", "key1", "node", Some(3)),
            pod(
                "pod4",
                "key1: val",
                "",
                &format!("{}{}", spread("zone", "key1", Some(3)), tolerate("aaa")),
            ),
        ],
    )
    .trigger(|sim| {
        create(
            sim,
            &node("fake-node3", "zone: fake-node", "", &taint("aaa", "bbb")),
        )
    })
    .requeued(&["pod4"]);
}

// =======================================================================================
// VolumeZone
// =======================================================================================

fn zone_node() -> String {
    node(
        "fake-node",
        &format!("node: fake-node, {ZONE}: us-west1-a"),
        "",
        "",
    )
}

fn zone_pv(name: &str, zone: &str) -> String {
    pv(name, &format!("{ZONE}: {zone}"), "ReadOnlyMany", "")
}

fn rwop_pvc(name: &str, volume: &str) -> String {
    pvc(name, "ReadWriteOncePod", Some(volume), None)
}

/// "Pod rejected with node by the VolumeZone plugin is requeued when the PV is added".
#[test]
fn volume_zone_requeued_on_pv_add() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| create(sim, &zone_pv("pv2", "us-west1-a")))
    .requeued(&["pod2"]);
}

/// "Pod rejected with node by the VolumeZone plugin is requeued when the PV is updated".
#[test]
fn volume_zone_requeued_on_pv_update() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            zone_pv("pv2", "us-east1"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| create(sim, &zone_pv("pv2", "us-west1-a")))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected with node by the VolumeZone plugin is not requeued when the PV is updated
/// but the topology is same": pv2 gains an unrelated label, its zone stays.
#[test]
fn volume_zone_not_requeued_on_pv_update_with_the_same_topology() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            zone_pv("pv2", "us-east1"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| {
        create(
            sim,
            &pv(
                "pv2",
                &format!("{ZONE}: us-east1, unrelated: unrelated"),
                "ReadOnlyMany",
                "",
            ),
        )
    })
    .requeued(&[]);
}

/// "Pod rejected with node by the VolumeZone plugin is requeued when the PVC bound to the
/// pod is added".
#[test]
fn volume_zone_requeued_on_pvc_add() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            zone_pv("pv2", "us-east1"),
            rwop_pvc("pvc1", "pv1"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "", "", &claim("pvc2")),
            pod("pod3", "", "", &claim("pvc3")),
        ],
    )
    .trigger(|sim| create(sim, &rwop_pvc("pvc2", "pv2")))
    .requeued(&["pod2"]);
}

/// "Pod rejected with node by the VolumeZone plugin is requeued when the PVC bound to the
/// pod is updated".
#[test]
fn volume_zone_requeued_on_pvc_update() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            zone_pv("pv2", "us-east1"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "", "", &claim("pvc2")),
            pod("pod3", "", "", &claim("pvc3")),
        ],
    )
    .trigger(|sim| create(sim, &rwop_pvc("pvc2", "pv2")))
    .requeued(&["pod2"]);
}

/// "Pod rejected with node by the VolumeZone plugin is requeued when the Storage class is
/// added".
#[test]
fn volume_zone_requeued_on_storage_class_add() {
    start(
        &[
            zone_node(),
            zone_pv("pv1", "us-west1-a"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| create(sim, &storage_class("sc1", "WaitForFirstConsumer", "")))
    .requeued(&["pod2"]);
}

// =======================================================================================
// VolumeRestrictions
// =======================================================================================

/// "Pod rejected by the VolumeRestriction plugin is requeued when the PVC bound to the pod
/// is added".
#[test]
fn volume_restrictions_requeued_on_pvc_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pv("pv1", "", "ReadWriteOnce", ""),
        ],
        &["pod1", "pod2"],
        &[
            pod("pod1", "", "", &claim("pvc1")),
            pod("pod2", "", "", &claim("pvc2")),
        ],
    )
    .trigger(|sim| create(sim, &rwop_pvc("pvc1", "pv1")))
    .requeued(&["pod1"]);
}

/// "Pod rejected by the VolumeRestriction plugin is requeued when the pod is deleted".
#[test]
fn volume_restrictions_requeued_on_pod_delete() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pv("pv1", "", "ReadWriteOnce", ""),
            rwop_pvc("pvc1", "pv1"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2", "pod3"],
        &[
            pod("pod2", "", "", &claim("pvc1")),
            pod("pod3", "", "", &claim("pvc2")),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// Not an upstream case: a pod rejected for an inline GCE PD another pod on the node mounts
/// is tried again when that pod is deleted (`isSchedulableAfterPodDeleted`'s disk-conflict
/// check), and one whose disk is another is not.
#[test]
fn volume_restrictions_requeued_on_deleting_the_pod_with_the_conflicting_disk() {
    let gce =
        |pd: &str| format!("  volumes:\n  - name: vol1\n    gcePersistentDisk: {{pdName: {pd}}}\n");
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", gce("pd1"), on("fake-node")),
            ),
            pod(
                "pod2",
                "",
                "",
                &format!("{}{}", gce("pd2"), on("fake-node")),
            ),
        ],
        &["pod3", "pod4"],
        &[
            pod("pod3", "", "", &gce("pd1")),
            pod("pod4", "", "", &gce("pd2")),
        ],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod3"])
    .scheduled(&["pod3"]);
}

// =======================================================================================
// VolumeBinding
// =======================================================================================

/// "Pod rejected with node by the VolumeBinding plugin is requeued when the Node is
/// created".
#[test]
fn volume_binding_requeued_on_node_add() {
    start(
        &[
            node(
                "fake-node",
                &format!("node: fake-node, {ZONE}: us-east-1b"),
                "",
                "",
            ),
            pv("pv1", "", "ReadOnlyMany", &pv_affinity(ZONE, "us-east-1a")),
            pvc("pvc1", "ReadOnlyMany", Some("pv1"), None),
        ],
        &["pod1"],
        &[pod("pod1", "", "", &claim("pvc1"))],
    )
    .trigger(|sim| {
        create(
            sim,
            &node("fake-node2", &format!("{ZONE}: us-east-1a"), "", ""),
        )
    })
    .requeued(&["pod1"])
    .on_node("pod1", "fake-node2");
}

/// "Pod rejected with node by the VolumeBinding plugin is requeued when the Node is
/// updated".
#[test]
fn volume_binding_requeued_on_node_update() {
    start(
        &[
            node("fake-node", "node: fake-node, aaa: bbb", "", ""),
            pv("pv1", "", "ReadWriteMany", &pv_affinity("aaa", "ccc")),
            pvc("pvc1", "ReadWriteMany", Some("pv1"), None),
        ],
        &["pod1"],
        &[pod("pod1", "", "", &claim("pvc1"))],
    )
    .trigger(|sim| create(sim, &node("fake-node", "node: fake-node, aaa: ccc", "", "")))
    .requeued(&["pod1"])
    .scheduled(&["pod1"]);
}

// The upstream VolumeBinding cases for StorageClass, CSINode, CSIDriver and
// CSIStorageCapacity events start from a claim Bindery's PV controller binds at once (see
// the module doc). These cases keep their triggers and expectations with a claim that
// stays unbound: a WaitForFirstConsumer claim whose class the CSI driver `csidriver`
// provisions, rejected by VolumeBinding for capacity (or for the class's
// allowedTopologies) until the trigger.

/// A WaitForFirstConsumer class provisioned by `csidriver`, with `extra` lines.
fn csi_class(extra: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: sc1}}\nprovisioner: csidriver\nvolumeBindingMode: WaitForFirstConsumer\n{extra}"
    )
}

/// CSIStorageCapacity `csc` of class sc1 on fake-node, `capacity` bytes.
fn capacity(capacity: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {{name: csc, namespace: {NS}}}\nstorageClassName: sc1\nnodeTopology: {{matchLabels: {{node: fake-node}}}}\ncapacity: '{capacity}'\n"
    )
}

fn csi_node_annotated(annotations: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: fake-node, annotations: {{{annotations}}}}}\nspec: {{drivers: []}}\n"
    )
}

/// fake-node, the class (`class_extra`), `csidriver` (`storage_capacity`), the capacities
/// in `more`, and pod1 with its unbound 1Mi claim pvc1 of class sc1.
fn unbound_claim_case(class_extra: &str, storage_capacity: bool, more: &[String]) -> Case {
    let mut initial = vec![
        node("fake-node", "node: fake-node", "", ""),
        csi_class(class_extra),
        csi_driver(storage_capacity),
        pvc("pvc1", "ReadWriteOnce", None, Some("sc1")),
    ];
    initial.extend_from_slice(more);
    start(&initial, &["pod1"], &[pod("pod1", "", "", &claim("pvc1"))])
}

/// Upstream "… requeued when the CSIStorageCapacity is created".
#[test]
fn volume_binding_requeued_on_csi_storage_capacity_add() {
    unbound_claim_case("", true, &[])
        .trigger(|sim| create(sim, &capacity("10Mi")))
        .requeued(&["pod1"])
        .scheduled(&["pod1"]);
}

/// Upstream "… requeued when the CSIStorageCapacity is increased".
#[test]
fn volume_binding_requeued_on_csi_storage_capacity_increase() {
    unbound_claim_case("", true, &[capacity("10")])
        .trigger(|sim| create(sim, &capacity("20Mi")))
        .requeued(&["pod1"])
        .scheduled(&["pod1"]);
}

/// Upstream "… not requeued when the CSIStorageCapacity is updated but the volumelimit is
/// not increased".
#[test]
fn volume_binding_not_requeued_on_csi_storage_capacity_decrease() {
    unbound_claim_case("", true, &[capacity("10")])
        .trigger(|sim| create(sim, &capacity("5")))
        .requeued(&[]);
}

/// Upstream "… requeued when the CSIDriver's StorageCapacity gets disabled" (upstream's pod
/// has an inline CSI volume of the driver; here the claim's provisioner is the driver, which
/// upstream leaves to the five-minute flush and Bindery retries at once).
#[test]
fn volume_binding_requeued_when_the_driver_stops_checking_capacity() {
    unbound_claim_case("", true, &[])
        .trigger(|sim| create(sim, &csi_driver(false)))
        .requeued(&["pod1"])
        .scheduled(&["pod1"]);
}

/// Upstream "… not requeued when the CSIDriver is updated but the storage capacity is
/// originally enabled" (turned on: a new check cannot help). The pod is rejected by the
/// class's allowedTopologies here.
#[test]
fn volume_binding_not_requeued_when_the_driver_starts_checking_capacity() {
    unbound_claim_case(
        "allowedTopologies: [{matchLabelExpressions: [{key: node, values: [other-node]}]}]\n",
        false,
        &[],
    )
    .trigger(|sim| create(sim, &csi_driver(true)))
    .requeued(&[]);
}

const OTHER_NODE_ONLY: &str =
    "allowedTopologies: [{matchLabelExpressions: [{key: node, values: [other-node]}]}]\n";

/// Upstream "… requeued when the StorageClass's AllowedTopologies is updated".
#[test]
fn volume_binding_requeued_on_allowed_topologies_update() {
    unbound_claim_case(OTHER_NODE_ONLY, false, &[])
        .trigger(|sim| {
            create(
                sim,
                &csi_class(
                    "allowedTopologies: [{matchLabelExpressions: [{key: node, values: [fake-node]}]}]\n",
                ),
            )
        })
        .requeued(&["pod1"])
        .scheduled(&["pod1"]);
}

/// Upstream "… not requeued when the StorageClass is updated but the AllowedTopologies is
/// same".
#[test]
fn volume_binding_not_requeued_on_storage_class_update_with_the_same_topologies() {
    unbound_claim_case(OTHER_NODE_ONLY, false, &[])
        .trigger(|sim| {
            create(
                sim,
                &csi_class(&format!("allowVolumeExpansion: true\n{OTHER_NODE_ONLY}")),
            )
        })
        .requeued(&[]);
}

/// Upstream "… requeued when the CSINode's MigratedPluginsAnnotation is updated", and not
/// for another annotation (`isSchedulableAfterCSINodeChange`).
#[test]
fn volume_binding_requeued_only_on_the_migrated_plugins_annotation_update() {
    let case = unbound_claim_case("", true, &[csi_node_annotated("")])
        .trigger(|sim| create(sim, &csi_node_annotated("unrelated: unrelated")))
        .requeued(&[]);
    case.trigger(|sim| {
        create(
            sim,
            &csi_node_annotated(
                "storage.alpha.kubernetes.io/migrated-plugins: kubernetes.io/gce-pd",
            ),
        )
    })
    .requeued(&["pod1"]);
}

// =======================================================================================
// NodeVolumeLimits
// =======================================================================================

fn csi_pv(name: &str, handle: &str) -> String {
    pv(name, "", "ReadWriteMany", &csi_source(handle))
}

/// "Pod rejected the CSI NodeVolumeLimits plugin is requeued when the CSINode is added":
/// requeued, still over the limit.
#[test]
fn node_volume_limits_requeued_on_csi_node_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            csi_node("fake-node", Some(0)),
            csi_driver(true),
            csi_pv("pv1", "volumehandle"),
            pvc("pvc1", "ReadWriteMany", Some("pv1"), None),
        ],
        &["pod1"],
        &[pod("pod1", "", "", &claim("pvc1"))],
    )
    .trigger(|sim| create(sim, &csi_node("csinode", None)))
    .requeued(&["pod1"])
    .scheduled(&[]);
}

/// "Pod rejected with PVC by the CSI NodeVolumeLimits plugin is requeued when the pod
/// having related PVC is deleted".
#[test]
fn node_volume_limits_requeued_on_pod_delete() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            csi_node("fake-node", Some(1)),
            csi_driver(true),
            csi_pv("pv1", "volumehandle1"),
            csi_pv("pv2", "volumehandle2"),
            rwop_pvc("pvc1", "pv1"),
            rwop_pvc("pvc2", "pv2"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| delete(sim, Kind::Pod, NS, "pod1"))
    .requeued(&["pod2"])
    .scheduled(&["pod2"]);
}

/// "Pod rejected with PVC by the CSI NodeVolumeLimits plugin is requeued when the related
/// PVC is added": requeued, still over the limit.
#[test]
fn node_volume_limits_requeued_on_pvc_add() {
    start(
        &[
            node("fake-node", "node: fake-node", "", ""),
            csi_node("fake-node", Some(1)),
            csi_driver(true),
            csi_pv("pv1", "volumehandle1"),
            csi_pv("pv2", "volumehandle2"),
            rwop_pvc("pvc1", "pv1"),
            pod(
                "pod1",
                "",
                "",
                &format!("{}{}", claim("pvc1"), on("fake-node")),
            ),
        ],
        &["pod2"],
        &[pod("pod2", "", "", &claim("pvc2"))],
    )
    .trigger(|sim| create(sim, &rwop_pvc("pvc2", "pv2")))
    .requeued(&["pod2"])
    .scheduled(&[]);
}

// =======================================================================================
// The unschedulable pool's flush (not an upstream table case)
// =======================================================================================

/// Times (in simulated seconds) of the pod's FailedScheduling attempts.
fn attempt_times(sim: &Simulation, name: &str) -> Vec<u64> {
    sim.log()
        .events_for(Kind::Pod, &ObjectKey::new(NS, name))
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .map(|(entry, _)| entry.time.millis() / 1000)
        .collect()
}

/// `flushUnschedulablePodsLeftover` (every 30 s) moves a pod that has waited in the
/// unschedulable pool for more than `podMaxInUnschedulablePodsDuration` (5 min) back,
/// whatever its plugins' hints say: a pod rejected at 0 s is tried again at 330 s (300 s is
/// not more than five minutes) and at 660 s, while the clock moves on.
#[test]
fn a_pod_left_unschedulable_for_five_minutes_is_tried_again() {
    let mut case = start(
        &[node("fake-node", "", "cpu: '1'", "")],
        &["pod1"],
        &[pod("pod1", "", "cpu: '2'", "")],
    );
    assert_eq!(attempt_times(&case.sim, "pod1"), [0]);
    case.sim.advance_time(11 * 60 * 1000);
    run(&mut case.sim);
    assert_eq!(attempt_times(&case.sim, "pod1"), [0, 330, 660]);
    // Nothing but the flush left to do: the simulation stops rather than retry forever.
    assert!(case.sim.is_idle());
}

/// The flush also happens on the way to a later timer: the pod is tried again at 330 s
/// before a pod deletion whose grace period ends at 400 s frees the node.
#[test]
fn the_flush_happens_on_the_way_to_a_later_timer() {
    let case = start(
        &[
            node("fake-node", "", "cpu: '2'", ""),
            pod(
                "big",
                "",
                "cpu: '2'",
                &format!("{}  terminationGracePeriodSeconds: 400\n", on("fake-node")),
            ),
        ],
        &["pod1"],
        &[pod("pod1", "", "cpu: '1'", "")],
    )
    .trigger(|sim| {
        // Deleting `big` at 0 s: its grace period ends at 400 s. The deletion itself
        // (a terminating pod still holds its resources) does not make room yet.
        delete(sim, Kind::Pod, NS, "big");
    });
    assert_eq!(attempt_times(&case.sim, "pod1"), [0, 330]);
    assert_eq!(node_of(&case.sim, "pod1").as_deref(), Some("fake-node"));
}
