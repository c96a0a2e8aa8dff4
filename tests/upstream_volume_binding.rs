//! Upstream's VolumeBinding unit-test tables, case by case, as Bindery scenarios.
//!
//! Sources (kubernetes/kubernetes, read for their inputs and expected results only):
//! - `pkg/scheduler/framework/plugins/volumebinding/volume_binding_test.go` (`TestVolumeBinding`:
//!   PreFilter / Filter / PreScore / Score per case),
//! - `pkg/scheduler/framework/plugins/volumebinding/binder_test.go` (`FindPodVolumes`,
//!   `AssumePodVolumes`, `checkVolumeProvisions`, `TestCapacity`),
//! - `staging/src/k8s.io/component-helpers/storage/volume/pv_helpers.go` (`FindMatchingVolume`).
//!
//! A pod held by a scheduling gate stays pending, so `Simulation::explain` shows the plugin's
//! own verdict on every node (code and reasons) and, for feasible nodes, its score; an
//! ungated pod is scheduled for real, which shows what Reserve chose (the PV a claim binds to,
//! the node a provisioned claim is selected for).
//!
//! Upstream's fixtures bypass API validation; where an object would be invalid (a PVC
//! without a storage request, a PV without capacity, a class without a provisioner) the
//! scenario adds the smallest value that changes nothing the case checks.

use bindery_core::model::{Kind, ObjectKey, PvcPhase};
use bindery_core::scheduler::explain::{Explanation, Verdict};
use bindery_core::version::{KubeVersion, V1_36};
use bindery_core::Simulation;

const VB: &str = "VolumeBinding";

const BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
const NOT_ENOUGH_SPACE: &str = "node(s) did not have enough free storage";
const UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
/// `ErrReasonNodeConflict` as v1.36 words it.
fn node_conflict() -> &'static str {
    V1_36.volume_node_affinity_conflict
}

/// v1.36 with the StorageCapacityScoring gate switched on (upstream's `fts` with
/// `EnableStorageCapacityScoring: true`; the gate is alpha and off by default in v1.36).
static CAPACITY_SCORING: KubeVersion = KubeVersion {
    storage_capacity_scoring: true,
    ..V1_36
};

// --- fixtures ---------------------------------------------------------------------------

fn node(name: &str, labels: &[(&str, &str)]) -> String {
    let mut l = format!("kubernetes.io/hostname: {name}");
    for (k, v) in labels {
        l.push_str(&format!(", {k}: {v}"));
    }
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{l}}}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 8Gi, pods: '110'}}\n"
    )
}

fn class(name: &str, mode: &str, provisioner: &str, extra: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: {mode}\n{extra}"
    )
}

/// `immediate-sc`, `wait-sc`, `wait-hdd-sc` of `volume_binding_test.go` (no provisioner
/// there; `kubernetes.io/no-provisioner` is what validation lets through with the same effect).
fn plugin_test_classes() -> String {
    [
        class(
            "immediate-sc",
            "Immediate",
            "kubernetes.io/no-provisioner",
            "",
        ),
        class(
            "wait-sc",
            "WaitForFirstConsumer",
            "kubernetes.io/no-provisioner",
            "",
        ),
        class(
            "wait-hdd-sc",
            "WaitForFirstConsumer",
            "kubernetes.io/no-provisioner",
            "",
        ),
    ]
    .join("---\n")
}

struct Pvc<'a> {
    name: &'a str,
    class: &'a str,
    size: &'a str,
    /// `spec.volumeName`.
    volume: Option<&'a str>,
    /// `pv.kubernetes.io/bind-completed` (with `volume`: `withBoundPV`).
    bind_completed: bool,
    annotations: &'a [(&'a str, &'a str)],
    extra_meta: &'a str,
}

impl<'a> Pvc<'a> {
    fn new(name: &'a str, class: &'a str) -> Self {
        Pvc {
            name,
            class,
            size: "1Gi",
            volume: None,
            bind_completed: false,
            annotations: &[],
            extra_meta: "",
        }
    }
    fn size(mut self, size: &'a str) -> Self {
        self.size = size;
        self
    }
    /// `withBoundPV`: volumeName and the bind-completed annotation.
    fn bound_to(mut self, pv: &'a str) -> Self {
        self.volume = Some(pv);
        self.bind_completed = true;
        self
    }
    /// Pre-bound: volumeName only.
    fn prebound_to(mut self, pv: &'a str) -> Self {
        self.volume = Some(pv);
        self
    }
    fn annotated(mut self, a: &'a [(&'a str, &'a str)]) -> Self {
        self.annotations = a;
        self
    }
    fn yaml(&self) -> String {
        let mut ann: Vec<String> = self
            .annotations
            .iter()
            .map(|(k, v)| format!("{k}: '{v}'"))
            .collect();
        if self.bind_completed {
            ann.push("pv.kubernetes.io/bind-completed: 'yes'".into());
        }
        let mut s = format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {0}\n  namespace: default\n  uid: uid-{0}\n  annotations: {{{1}}}\n{2}spec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: '{3}'\n  resources: {{requests: {{storage: {4}}}}}\n",
            self.name,
            ann.join(", "),
            self.extra_meta,
            self.class,
            self.size
        );
        if let Some(v) = self.volume {
            s.push_str(&format!("  volumeName: {v}\n"));
        }
        s
    }
}

struct Pv<'a> {
    name: &'a str,
    class: &'a str,
    size: &'a str,
    /// Node-affinity terms, each a list of `(key, values)` `In` requirements.
    affinity: Vec<Vec<(&'a str, &'a str)>>,
    /// claimRef: (name, with the claim's UID).
    claim: Option<(&'a str, bool)>,
    labels: &'a str,
    modes: &'a str,
}

impl<'a> Pv<'a> {
    fn new(name: &'a str, class: &'a str) -> Self {
        Pv {
            name,
            class,
            size: "1Gi",
            affinity: Vec::new(),
            claim: None,
            labels: "",
            modes: "ReadWriteOnce",
        }
    }
    fn size(mut self, size: &'a str) -> Self {
        self.size = size;
        self
    }
    /// One term of `key In [values]` requirements (values comma-separated).
    fn affinity(mut self, reqs: &[(&'a str, &'a str)]) -> Self {
        self.affinity.push(reqs.to_vec());
        self
    }
    fn on_host(self, host: &'a str) -> Self {
        self.affinity(&[("kubernetes.io/hostname", host)])
    }
    /// claimRef to `default/<claim>` with the claim's UID: bound to it.
    fn claimed_by(mut self, claim: &'a str) -> Self {
        self.claim = Some((claim, true));
        self
    }
    fn modes(mut self, modes: &'a str) -> Self {
        self.modes = modes;
        self
    }
    /// claimRef to `default/<claim>` without a UID: pre-bound by the user.
    fn prebound_for(mut self, claim: &'a str) -> Self {
        self.claim = Some((claim, false));
        self
    }
    fn yaml(&self) -> String {
        let mut s = format!(
            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {}, labels: {{{}}}}}\nspec:\n  capacity: {{storage: {}}}\n  accessModes: [{}]\n  storageClassName: '{}'\n  persistentVolumeReclaimPolicy: Retain\n",
            self.name, self.labels, self.size, self.modes, self.class
        );
        if self.affinity.is_empty() {
            s.push_str(&format!(
                "  csi: {{driver: disk.csi.example.com, volumeHandle: {}}}\n",
                self.name
            ));
        } else {
            s.push_str(&format!("  local: {{path: /mnt/{}}}\n", self.name));
            s.push_str("  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n");
            for term in &self.affinity {
                s.push_str("      - matchExpressions:\n");
                for (k, v) in term {
                    s.push_str(&format!(
                        "        - {{key: '{k}', operator: In, values: [{v}]}}\n"
                    ));
                }
            }
        }
        if let Some((name, with_uid)) = self.claim {
            let uid = if with_uid {
                format!(", uid: uid-{name}")
            } else {
                String::new()
            };
            s.push_str(&format!(
                "  claimRef: {{kind: PersistentVolumeClaim, namespace: default, name: {name}{uid}}}\n"
            ));
        }
        s
    }
}

/// A pod using `claims`; `gated` holds it back from scheduling (so it stays pending and
/// `explain` shows the plugins' verdicts).
fn pod(name: &str, claims: &[&str], gated: bool) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  containers: [{{name: c, image: pause}}]\n"
    );
    if gated {
        s.push_str("  schedulingGates: [{name: hold}]\n");
    }
    if !claims.is_empty() {
        s.push_str("  volumes:\n");
        for (i, c) in claims.iter().enumerate() {
            s.push_str(&format!(
                "  - name: vol{i}\n    persistentVolumeClaim: {{claimName: {c}}}\n"
            ));
        }
    }
    s
}

fn run_with(docs: &[String], version: &'static KubeVersion) -> Simulation {
    let yaml = docs.join("---\n");
    let parsed = bindery_core::scenario::parse(&yaml);
    assert!(parsed.errors.is_empty(), "{:?}\n{yaml}", parsed.errors);
    let mut sim = Simulation::with_version(1, version);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}\n{yaml}");
    sim.run_until_idle(100_000);
    assert!(sim.is_idle());
    sim
}

fn run(docs: &[String]) -> Simulation {
    run_with(docs, &V1_36)
}

fn explain(sim: &Simulation, pod: &str) -> Explanation {
    sim.explain(&ObjectKey::new("default", pod))
        .unwrap_or_else(|| panic!("no pod {pod}"))
}

/// VolumeBinding's Filter verdict on `node`.
fn filter(ex: &Explanation, node: &str) -> Verdict {
    let row = ex
        .nodes
        .iter()
        .find(|r| r.node == node)
        .unwrap_or_else(|| panic!("no node {node}"));
    row.filters
        .iter()
        .find(|(p, _)| *p == VB)
        .map(|(_, v)| v.clone())
        .expect("VolumeBinding has a Filter")
}

/// `UnschedulableAndUnresolvable` with these reasons, joined as `Status.Message()` joins them.
fn unresolvable(reasons: &[&str]) -> Verdict {
    Verdict::Failed {
        unresolvable: true,
        reason: reasons.join(", "),
    }
}

/// The PreFilter verdict on the pod. A rejection is whichever plugin rejected first; for a
/// missing claim that is VolumeRestrictions, which precedes VolumeBinding in the profile
/// and fails the same lookup with the same lister error, as upstream's does.
fn pre_filter(ex: &Explanation) -> Verdict {
    if let Some(r) = &ex.pre_filter_rejection {
        return Verdict::Failed {
            unresolvable: ex.pre_filter.iter().any(|(_, v)| {
                matches!(
                    v,
                    Verdict::Failed {
                        unresolvable: true,
                        ..
                    }
                )
            }),
            reason: r.clone(),
        };
    }
    ex.pre_filter
        .iter()
        .find(|(p, _)| *p == VB)
        .map(|(_, v)| v.clone())
        .expect("VolumeBinding has a PreFilter")
}

/// VolumeBinding's score on a feasible node; `None` when PreScore skipped it.
fn score(ex: &Explanation, node: &str) -> Option<i64> {
    let row = ex.nodes.iter().find(|r| r.node == node).unwrap();
    assert!(row.feasible, "{node} is not feasible: {:?}", row.filters);
    row.scores.iter().find(|(p, _)| *p == VB).map(|(_, s)| *s)
}

fn claim_volume(sim: &Simulation, claim: &str) -> Option<String> {
    sim.cluster()
        .pvc(&ObjectKey::new("default", claim))
        .and_then(|c| c.volume_name.as_deref().map(str::to_string))
}

fn failed_scheduling(sim: &Simulation, pod: &str) -> Vec<String> {
    sim.log()
        .events_for(Kind::Pod, &ObjectKey::new("default", pod))
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .map(|(_, e)| e.message.to_string())
        .collect()
}

// --- volume_binding_test.go: TestVolumeBinding --------------------------------------------

#[test]
fn vb_pod_has_no_pvcs() {
    // PreFilter: Skip; Filter passes; PreScore: Skip.
    let sim = run(&[node("node-a", &[]), pod("pod-a", &[], true)]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(pre_filter(&ex), Verdict::Skipped);
    assert_eq!(filter(&ex, "node-a"), Verdict::Skipped);
    assert_eq!(score(&ex, "node-a"), None);
}

#[test]
fn vb_all_bound() {
    let sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc").yaml(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        pod("pod-a", &["pvc-a"], true),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(pre_filter(&ex), Verdict::Passed);
    assert_eq!(ex.pre_filter_nodes, None);
    assert_eq!(filter(&ex, "node-a"), Verdict::Passed);
    assert_eq!(score(&ex, "node-a"), None, "PreScore skips");
}

#[test]
fn vb_all_bound_with_local_volumes() {
    // Since #125398 (v1.32) the case has no wantPreFilterResult: PreFilter no longer narrows
    // the nodes to the bound local PVs' hostnames; Filter checks the affinity on every node.
    let sim = run(&[
        node("node-a", &[]),
        node("node-b", &[]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc").on_host("node-a").yaml(),
        Pv::new("pv-b", "wait-sc").on_host("node-a").yaml(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        Pvc::new("pvc-b", "wait-sc").bound_to("pv-b").yaml(),
        pod("pod-a", &["pvc-a", "pvc-b"], true),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(pre_filter(&ex), Verdict::Passed);
    assert_eq!(ex.pre_filter_nodes, None);
    assert_eq!(filter(&ex, "node-a"), Verdict::Passed);
    assert_eq!(filter(&ex, "node-b"), unresolvable(&[node_conflict()]));
}

#[test]
fn vb_pvc_does_not_exist() {
    // Also "pvc not found".
    let sim = run(&[node("node-a", &[]), pod("pod-a", &["pvc-a"], true)]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(
        pre_filter(&ex),
        unresolvable(&["persistentvolumeclaim \"pvc-a\" not found"])
    );
    assert_eq!(
        ex.pre_filter_rejection.as_deref(),
        Some("persistentvolumeclaim \"pvc-a\" not found")
    );
}

#[test]
fn vb_part_of_pvcs_do_not_exist() {
    let sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc").yaml(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        pod("pod-a", &["pvc-a", "pvc-b"], true),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(
        pre_filter(&ex),
        unresolvable(&["persistentvolumeclaim \"pvc-b\" not found"])
    );
}

#[test]
fn vb_immediate_claims_not_bound() {
    let sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pvc::new("pvc-a", "immediate-sc").yaml(),
        pod("pod-a", &["pvc-a"], false),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(pre_filter(&ex), unresolvable(&[UNBOUND_IMMEDIATE]));
    // The whole pod is rejected at PreFilter: the short form, no preemption attempted
    // beyond DynamicResources' PostFilter text.
    assert_eq!(
        failed_scheduling(&sim, "pod-a")[0],
        "0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
    );
}

#[test]
fn vb_unbound_claims_no_matches() {
    let sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pvc::new("pvc-a", "wait-sc").yaml(),
        pod("pod-a", &["pvc-a"], true),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(pre_filter(&ex), Verdict::Passed);
    assert_eq!(filter(&ex, "node-a"), unresolvable(&[BIND_CONFLICT]));
}

#[test]
fn vb_bound_and_unbound_unsatisfied() {
    // Both reasons, NodeConflict first.
    let sim = run(&[
        node("node-a", &[("foo", "barbar")]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc")
            .affinity(&[("foo", "bar")])
            .yaml(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        Pvc::new("pvc-b", "wait-sc").yaml(),
        pod("pod-a", &["pvc-a", "pvc-b"], true),
    ]);
    let ex = explain(&sim, "pod-a");
    assert_eq!(
        filter(&ex, "node-a"),
        unresolvable(&[node_conflict(), BIND_CONFLICT])
    );
    // Unresolvable: the FailedScheduling text says preemption cannot help. The histogram
    // is sorted as strings ("…find…" before "…match…").
    let sim = run(&[
        node("node-a", &[("foo", "barbar")]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc")
            .affinity(&[("foo", "bar")])
            .yaml(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        Pvc::new("pvc-b", "wait-sc").yaml(),
        pod("pod-a", &["pvc-a", "pvc-b"], false),
    ]);
    assert_eq!(
        failed_scheduling(&sim, "pod-a")[0],
        format!(
            "0/1 nodes are available: 1 {BIND_CONFLICT}, 1 {}. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.",
            node_conflict()
        )
    );
}

#[test]
fn vb_pv_not_found_claim_lost() {
    // A claim bound to a PV that does not exist: the PV controller marks it Lost, and
    // PreFilter then rejects the pod ("pv not found claim lost"). Upstream's "pv not found"
    // case (Filter: ErrReasonPVNotExist) is the moment before the PV controller notices,
    // which a simulation whose controllers settle before the scheduler runs never shows;
    // it is checked on the plugin itself in volume_binding.rs's unit tests.
    let sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pvc::new("pvc-a", "wait-sc").bound_to("pv-a").yaml(),
        pod("pod-a", &["pvc-a"], true),
    ]);
    let claim = sim
        .cluster()
        .pvc(&ObjectKey::new("default", "pvc-a"))
        .unwrap();
    assert_eq!(claim.phase, PvcPhase::Lost);
    let ex = explain(&sim, "pod-a");
    assert_eq!(
        pre_filter(&ex),
        unresolvable(&[
            "persistentvolumeclaim \"pvc-a\" bound to non-existent persistentvolume \"pv-a\""
        ])
    );
}

/// `local volumes with close capacity are preferred`, in the v1.36 default profile: the
/// StorageCapacityScoring gate is off, so there is no scorer and PreScore skips.
fn close_capacity_local(gated_version: &'static KubeVersion) -> Explanation {
    let sim = run_with(
        &[
            node("node-a", &[]),
            node("node-b", &[]),
            node("node-c", &[]),
            plugin_test_classes(),
            Pvc::new("pvc-a", "wait-sc").size("50Gi").yaml(),
            Pv::new("pv-a-0", "wait-sc")
                .size("200Gi")
                .on_host("node-a")
                .yaml(),
            Pv::new("pv-a-1", "wait-sc")
                .size("200Gi")
                .on_host("node-a")
                .yaml(),
            Pv::new("pv-b-0", "wait-sc")
                .size("100Gi")
                .on_host("node-b")
                .yaml(),
            Pv::new("pv-b-1", "wait-sc")
                .size("100Gi")
                .on_host("node-b")
                .yaml(),
            pod("pod-a", &["pvc-a"], true),
        ],
        gated_version,
    );
    explain(&sim, "pod-a")
}

#[test]
fn vb_local_volumes_with_close_capacity_default_gate_scores_nothing() {
    let ex = close_capacity_local(&V1_36);
    assert_eq!(filter(&ex, "node-a"), Verdict::Passed);
    assert_eq!(filter(&ex, "node-b"), Verdict::Passed);
    assert_eq!(filter(&ex, "node-c"), unresolvable(&[BIND_CONFLICT]));
    assert_eq!(score(&ex, "node-a"), None);
    assert_eq!(score(&ex, "node-b"), None);
}

#[test]
fn vb_local_volumes_with_close_capacity_gate_on() {
    // With the gate on, v1.36's default shape is {0% → 10, 100% → 0} (×10): 50Gi of
    // 200Gi (25%) scores 75, 50Gi of 100Gi scores 50: the roomier volume wins.
    let ex = close_capacity_local(&CAPACITY_SCORING);
    assert_eq!(filter(&ex, "node-c"), unresolvable(&[BIND_CONFLICT]));
    assert_eq!(score(&ex, "node-a"), Some(75));
    assert_eq!(score(&ex, "node-b"), Some(50));
}

fn close_capacity_multiple(version: &'static KubeVersion) -> Explanation {
    let mut docs = vec![
        node("node-a", &[]),
        node("node-b", &[]),
        node("node-c", &[]),
        plugin_test_classes(),
        Pvc::new("pvc-0", "wait-sc").size("50Gi").yaml(),
        Pvc::new("pvc-1", "wait-hdd-sc").size("100Gi").yaml(),
        pod("pod-a", &["pvc-0", "pvc-1"], true),
    ];
    for (name, class, size, host) in [
        ("pv-a-0", "wait-sc", "200Gi", "node-a"),
        ("pv-a-1", "wait-sc", "200Gi", "node-a"),
        ("pv-a-2", "wait-hdd-sc", "200Gi", "node-a"),
        ("pv-a-3", "wait-hdd-sc", "200Gi", "node-a"),
        ("pv-b-0", "wait-sc", "100Gi", "node-b"),
        ("pv-b-1", "wait-sc", "100Gi", "node-b"),
        ("pv-b-2", "wait-hdd-sc", "100Gi", "node-b"),
        ("pv-b-3", "wait-hdd-sc", "100Gi", "node-b"),
    ] {
        docs.push(Pv::new(name, class).size(size).on_host(host).yaml());
    }
    let sim = run_with(&docs, version);
    explain(&sim, "pod-a")
}

#[test]
fn vb_local_volumes_with_close_capacity_multiple_pvcs() {
    let ex = close_capacity_multiple(&V1_36);
    assert_eq!(filter(&ex, "node-a"), Verdict::Passed);
    assert_eq!(filter(&ex, "node-b"), Verdict::Passed);
    assert_eq!(filter(&ex, "node-c"), unresolvable(&[BIND_CONFLICT]));
    assert_eq!(score(&ex, "node-a"), None);
    // Gate on: per class, averaged. node-a: wait 25% → 75, hdd 50% → 50: 62.5 → 63.
    // node-b: wait 50% → 50, hdd 100% → 0: 25.
    let ex = close_capacity_multiple(&CAPACITY_SCORING);
    assert_eq!(score(&ex, "node-a"), Some(63));
    assert_eq!(score(&ex, "node-b"), Some(25));
}

fn close_capacity_zonal(version: &'static KubeVersion) -> Explanation {
    let zone = |n: &str, z: &str| {
        node(
            n,
            &[
                ("topology.kubernetes.io/region", &format!("region-{z}")),
                ("topology.kubernetes.io/zone", &format!("zone-{z}")),
            ],
        )
    };
    let mut docs = vec![
        zone("zone-a-node-a", "a"),
        zone("zone-a-node-b", "a"),
        zone("zone-b-node-a", "b"),
        zone("zone-b-node-b", "b"),
        zone("zone-c-node-a", "c"),
        zone("zone-c-node-b", "c"),
        plugin_test_classes(),
        Pvc::new("pvc-a", "wait-sc").size("50Gi").yaml(),
        pod("pod-a", &["pvc-a"], true),
    ];
    for (name, size, z) in [
        ("pv-a-0", "200Gi", "a"),
        ("pv-a-1", "200Gi", "a"),
        ("pv-b-0", "100Gi", "b"),
        ("pv-b-1", "100Gi", "b"),
    ] {
        let region = format!("region-{z}");
        let zone = format!("zone-{z}");
        docs.push(
            Pv::new(name, "wait-sc")
                .size(size)
                .affinity(&[
                    ("topology.kubernetes.io/region", &region),
                    ("topology.kubernetes.io/zone", &zone),
                ])
                .yaml(),
        );
    }
    let sim = run_with(&docs, version);
    explain(&sim, "pod-a")
}

#[test]
fn vb_zonal_volumes_with_close_capacity() {
    let ex = close_capacity_zonal(&V1_36);
    for n in [
        "zone-a-node-a",
        "zone-a-node-b",
        "zone-b-node-a",
        "zone-b-node-b",
    ] {
        assert_eq!(filter(&ex, n), Verdict::Passed, "{n}");
        assert_eq!(score(&ex, n), None, "{n}");
    }
    for n in ["zone-c-node-a", "zone-c-node-b"] {
        assert_eq!(filter(&ex, n), unresolvable(&[BIND_CONFLICT]), "{n}");
    }
    let ex = close_capacity_zonal(&CAPACITY_SCORING);
    for (n, s) in [
        ("zone-a-node-a", 75),
        ("zone-a-node-b", 75),
        ("zone-b-node-a", 50),
        ("zone-b-node-b", 50),
    ] {
        assert_eq!(score(&ex, n), Some(s), "{n}");
    }
}

// --- binder_test.go -----------------------------------------------------------------------
//
// Fixtures: node1 carries `nodeKey: node1`; PVs are pinned with `nodeKey In [node]`;
// `waitClass` (WFFC, no provisioner), `immediateClass`, `waitClassWithProvisioner` (WFFC,
// `test-provisioner`, allowedTopologies nodeKey in [node1, reference-value]),
// `topoMismatchClass` (allowedTopologies nodeKey in [reference-value]); class names are
// spelled in lower case with dashes, as the API server requires.

fn binder_classes() -> String {
    [
        class(
            "wait-class-with-provisioner",
            "WaitForFirstConsumer",
            "test-provisioner",
            "allowedTopologies:\n- matchLabelExpressions: [{key: nodeKey, values: [node1, reference-value]}]\n",
        ),
        class("immediate-class", "Immediate", "kubernetes.io/no-provisioner", ""),
        class(
            "wait-class",
            "WaitForFirstConsumer",
            "kubernetes.io/no-provisioner",
            "",
        ),
        class(
            "topo-mismatch-class",
            "WaitForFirstConsumer",
            "test-provisioner",
            "allowedTopologies:\n- matchLabelExpressions: [{key: nodeKey, values: [reference-value]}]\n",
        ),
    ]
    .join("---\n")
}

fn node1() -> String {
    node("node1", &[("nodeKey", "node1")])
}

fn binder_pv<'a>(name: &'a str, node: &'a str, size: &'a str, class: &'a str) -> Pv<'a> {
    let pv = Pv::new(name, class).size(size);
    if node.is_empty() {
        pv
    } else {
        pv.affinity(&[("nodeKey", node)])
    }
}

/// The three CSIDriver set-ups every FindPodVolumes table runs under.
#[derive(Clone, Copy, Debug)]
enum Driver {
    None,
    WithCapacityTracking,
    WithoutCapacityTracking,
}

const DRIVERS: [Driver; 3] = [
    Driver::None,
    Driver::WithCapacityTracking,
    Driver::WithoutCapacityTracking,
];

fn driver(d: Driver) -> Option<String> {
    let tracking = match d {
        Driver::None => return None,
        Driver::WithCapacityTracking => true,
        Driver::WithoutCapacityTracking => false,
    };
    Some(format!(
        "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: test-provisioner}}\nspec: {{storageCapacity: {tracking}}}\n"
    ))
}

struct Find<'a> {
    pvs: Vec<Pv<'a>>,
    pvcs: Vec<Pvc<'a>>,
    /// Claims of the pod (default: every claim in `pvcs`).
    pod_claims: Option<Vec<&'a str>>,
}

impl<'a> Find<'a> {
    fn new(pvs: Vec<Pv<'a>>, pvcs: Vec<Pvc<'a>>) -> Self {
        Find {
            pvs,
            pvcs,
            pod_claims: None,
        }
    }
    fn docs(&self, d: Driver, gated: bool) -> Vec<String> {
        let mut docs = vec![node1(), binder_classes()];
        docs.extend(driver(d));
        docs.extend(self.pvs.iter().map(Pv::yaml));
        docs.extend(self.pvcs.iter().map(Pvc::yaml));
        let claims: Vec<&str> = match &self.pod_claims {
            Some(c) => c.clone(),
            None => self.pvcs.iter().map(|c| c.name).collect(),
        };
        docs.push(pod("test-pod", &claims, gated));
        docs
    }
    /// VolumeBinding's PreFilter and Filter verdicts on node1.
    fn verdicts(&self, d: Driver) -> (Verdict, Verdict) {
        let sim = run(&self.docs(d, true));
        let ex = explain(&sim, "test-pod");
        (pre_filter(&ex), filter(&ex, "node1"))
    }
    /// Schedules the pod for real: which PV each claim ends up bound to.
    fn bound(&self, d: Driver) -> Simulation {
        run(&self.docs(d, false))
    }
}

fn passes(v: &(Verdict, Verdict)) -> bool {
    v.0 == Verdict::Passed && v.1 == Verdict::Passed
}

#[test]
fn find_pod_volumes_without_provisioning() {
    // "no-volumes", "no-pvcs": nothing to check.
    for d in DRIVERS {
        let mut docs = vec![node1(), binder_classes()];
        docs.extend(driver(d));
        docs.push(pod("test-pod", &[], true));
        docs.push(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: empty-dir, namespace: default}\nspec:\n  schedulingGates: [{name: hold}]\n  containers: [{name: c, image: pause}]\n  volumes: [{name: scratch, emptyDir: {}}]\n".into(),
        );
        let sim = run(&docs);
        for p in ["test-pod", "empty-dir"] {
            let ex = explain(&sim, p);
            assert_eq!(pre_filter(&ex), Verdict::Skipped, "{d:?} {p}");
            assert_eq!(filter(&ex, "node1"), Verdict::Skipped, "{d:?} {p}");
        }
    }
    for d in DRIVERS {
        // "pvc-not-found": an error (PreFilter rejects the pod).
        let case = Find {
            pod_claims: Some(vec!["bound-pvc"]),
            ..Find::new(vec![], vec![])
        };
        assert_eq!(
            case.verdicts(d).0,
            unresolvable(&["persistentvolumeclaim \"bound-pvc\" not found"]),
            "{d:?}"
        );

        // "bound-pvc".
        let case = Find::new(
            vec![binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc")],
            vec![Pvc::new("bound-pvc", "wait-class")
                .size("1G")
                .bound_to("pv-bound")],
        );
        assert!(passes(&case.verdicts(d)), "{d:?}");

        // "prebound-pvc": a claim with volumeName but no bind-completed annotation is an
        // unbound immediate claim.
        let case = Find::new(
            vec![binder_pv("pv-node1a", "node1", "5G", "wait-class").claimed_by("unbound-pvc")],
            vec![Pvc::new("prebound-pvc", "wait-class")
                .size("1G")
                .prebound_to("pv-node1a")],
        );
        // The PV controller may bind it meanwhile; held back, the claim's volume is not ours.
        let v = case.verdicts(d);
        assert!(
            v.0 == unresolvable(&[UNBOUND_IMMEDIATE]) || passes(&v),
            "{d:?} {v:?}"
        );

        // "unbound-pvc,pv-same-node": the smallest fitting PV on the node.
        let case = Find::new(
            vec![
                binder_pv("pv-node2", "node2", "1G", "wait-class"),
                binder_pv("pv-node1a", "node1", "5G", "wait-class"),
                binder_pv("pv-node1b", "node1", "10G", "wait-class"),
            ],
            vec![Pvc::new("unbound-pvc", "wait-class").size("1G")],
        );
        assert!(passes(&case.verdicts(d)), "{d:?}");
        let sim = case.bound(d);
        assert_eq!(
            claim_volume(&sim, "unbound-pvc").as_deref(),
            Some("pv-node1a")
        );

        // "unbound-pvc,pv-different-node".
        let case = Find::new(
            vec![binder_pv("pv-node2", "node2", "1G", "wait-class")],
            vec![Pvc::new("unbound-pvc", "wait-class").size("1G")],
        );
        assert_eq!(case.verdicts(d).1, unresolvable(&[BIND_CONFLICT]), "{d:?}");

        // "two-unbound-pvcs" and "two-unbound-pvcs,order-by-size": claims are matched
        // smallest first, so the 1G claim takes the 5G PV and the 5G claim the 10G one, in
        // either pod order.
        for order in [
            ["unbound-pvc", "unbound-pvc2"],
            ["unbound-pvc2", "unbound-pvc"],
        ] {
            let case = Find {
                pod_claims: Some(order.to_vec()),
                ..Find::new(
                    vec![
                        binder_pv("pv-node1a", "node1", "5G", "wait-class"),
                        binder_pv("pv-node1b", "node1", "10G", "wait-class"),
                    ],
                    vec![
                        Pvc::new("unbound-pvc", "wait-class").size("1G"),
                        Pvc::new("unbound-pvc2", "wait-class").size("5G"),
                    ],
                )
            };
            assert!(passes(&case.verdicts(d)), "{d:?} {order:?}");
            let sim = case.bound(d);
            assert_eq!(
                claim_volume(&sim, "unbound-pvc").as_deref(),
                Some("pv-node1a")
            );
            assert_eq!(
                claim_volume(&sim, "unbound-pvc2").as_deref(),
                Some("pv-node1b")
            );
        }

        // "two-unbound-pvcs,partial-match".
        let case = Find::new(
            vec![binder_pv("pv-node1a", "node1", "5G", "wait-class")],
            vec![
                Pvc::new("unbound-pvc", "wait-class").size("1G"),
                Pvc::new("unbound-pvc2", "wait-class").size("5G"),
            ],
        );
        assert_eq!(case.verdicts(d).1, unresolvable(&[BIND_CONFLICT]), "{d:?}");

        // "one-bound,one-unbound".
        let case = Find::new(
            vec![
                binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc"),
                binder_pv("pv-node1a", "node1", "5G", "wait-class"),
            ],
            vec![
                Pvc::new("unbound-pvc", "wait-class").size("1G"),
                Pvc::new("bound-pvc", "wait-class")
                    .size("1G")
                    .bound_to("pv-bound"),
            ],
        );
        assert!(passes(&case.verdicts(d)), "{d:?}");
        let sim = case.bound(d);
        assert_eq!(
            claim_volume(&sim, "unbound-pvc").as_deref(),
            Some("pv-node1a")
        );

        // "one-bound,one-unbound,no-match".
        let case = Find::new(
            vec![
                binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc"),
                binder_pv("pv-node2", "node2", "1G", "wait-class"),
            ],
            vec![
                Pvc::new("unbound-pvc", "wait-class").size("1G"),
                Pvc::new("bound-pvc", "wait-class")
                    .size("1G")
                    .bound_to("pv-bound"),
            ],
        );
        assert_eq!(case.verdicts(d).1, unresolvable(&[BIND_CONFLICT]), "{d:?}");

        // "immediate-bound-pvc".
        let case = Find::new(
            vec![
                binder_pv("pv-bound-immediate", "node1", "1G", "immediate-class")
                    .claimed_by("immediate-bound-pvc"),
            ],
            vec![Pvc::new("immediate-bound-pvc", "immediate-class")
                .size("1G")
                .bound_to("pv-bound-immediate")],
        );
        assert!(passes(&case.verdicts(d)), "{d:?}");

        // "immediate-bound-pvc-wrong-node": a bound PV pinned elsewhere (not by hostname,
        // so PreFilter does not narrow): the node-affinity conflict.
        let case = Find::new(
            vec![
                binder_pv("pv-bound-immediate", "node2", "1G", "immediate-class")
                    .claimed_by("immediate-bound-pvc"),
            ],
            vec![Pvc::new("immediate-bound-pvc", "immediate-class")
                .size("1G")
                .bound_to("pv-bound-immediate")],
        );
        assert_eq!(
            case.verdicts(d),
            (Verdict::Passed, unresolvable(&[node_conflict()])),
            "{d:?}"
        );

        // "immediate-unbound-pvc", "…,delayed-mode-bound", "…,delayed-mode-unbound".
        for extra in [None, Some("bound"), Some("unbound")] {
            let mut pvs = vec![];
            let mut pvcs = vec![Pvc::new("immediate-unbound-pvc", "immediate-class").size("1G")];
            match extra {
                Some("bound") => {
                    pvs.push(
                        binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc"),
                    );
                    pvcs.push(
                        Pvc::new("bound-pvc", "wait-class")
                            .size("1G")
                            .bound_to("pv-bound"),
                    );
                }
                Some(_) => pvcs.push(Pvc::new("unbound-pvc", "wait-class").size("1G")),
                None => {}
            }
            let case = Find::new(pvs, pvcs);
            assert_eq!(
                case.verdicts(d).0,
                unresolvable(&[UNBOUND_IMMEDIATE]),
                "{d:?} {extra:?}"
            );
        }
    }
}

fn ephemeral_pod(uid_line: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: test-pod, namespace: default{uid_line}}}\nspec:\n  schedulingGates: [{{name: hold}}]\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - name: test-volume\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {{accessModes: [ReadWriteOnce], storageClassName: immediate-class, resources: {{requests: {{storage: 1G}}}}}}\n"
    )
}

#[test]
fn find_pod_volumes_generic_ephemeral() {
    // "generic-ephemeral,no-pvc" (the claim not created yet) is a moment Bindery's
    // controllers never leave the scheduler to see; it is pinned by the plugin's unit test
    // `an_ephemeral_claim_not_yet_created_is_waited_for`.
    let claim = |owned: bool| {
        let owner = if owned {
            "  ownerReferences: [{apiVersion: v1, kind: Pod, name: test-pod, uid: pod-uid-1, controller: true}]\n"
        } else {
            ""
        };
        Pvc {
            extra_meta: owner,
            ..Pvc::new("test-pod-test-volume", "immediate-class")
                .size("1G")
                .bound_to("pv-bound")
        }
        .yaml()
    };
    let pv = binder_pv("pv-bound", "node1", "1G", "immediate-class")
        .claimed_by("test-pod-test-volume")
        .yaml();
    // "generic-ephemeral,with-pvc": the pod owns its claim.
    let sim = run(&[
        node1(),
        binder_classes(),
        pv.clone(),
        claim(true),
        ephemeral_pod(", uid: pod-uid-1"),
    ]);
    let ex = explain(&sim, "test-pod");
    assert_eq!(pre_filter(&ex), Verdict::Passed);
    assert_eq!(filter(&ex, "node1"), Verdict::Passed);
    // "generic-ephemeral,wrong-pvc": a claim of that name the pod does not own
    // (`ephemeral.VolumeIsForPod`).
    let sim = run(&[
        node1(),
        binder_classes(),
        pv,
        claim(false),
        ephemeral_pod(", uid: pod-uid-1"),
    ]);
    assert_eq!(
        pre_filter(&explain(&sim, "test-pod")),
        unresolvable(&[
            "PVC default/test-pod-test-volume was not created for pod default/test-pod (pod is not owner)"
        ])
    );
}

#[test]
fn find_pod_volumes_with_provisioning() {
    for d in DRIVERS {
        // Without CSIStorageCapacity objects, a driver that asks for capacity tracking
        // blocks provisioning: ErrReasonNotEnoughSpace replaces success.
        let needs_capacity = |v: (Verdict, Verdict)| match d {
            Driver::WithCapacityTracking => {
                assert_eq!(
                    v,
                    (Verdict::Passed, unresolvable(&[NOT_ENOUGH_SPACE])),
                    "{d:?}"
                )
            }
            _ => assert!(passes(&v), "{d:?} {v:?}"),
        };
        let provisioned = || Pvc::new("provisioned-pvc", "wait-class-with-provisioner");

        // "one-provisioned".
        needs_capacity(Find::new(vec![], vec![provisioned()]).verdicts(d));

        // "two-unbound-pvcs,one-matched,one-provisioned".
        needs_capacity(
            Find::new(
                vec![binder_pv("pv-node1a", "node1", "5G", "wait-class")],
                vec![
                    Pvc::new("unbound-pvc", "wait-class").size("1G"),
                    provisioned(),
                ],
            )
            .verdicts(d),
        );

        // "one-bound,one-provisioned".
        needs_capacity(
            Find::new(
                vec![binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc")],
                vec![
                    Pvc::new("bound-pvc", "wait-class")
                        .size("1G")
                        .bound_to("pv-bound"),
                    provisioned(),
                ],
            )
            .verdicts(d),
        );

        // "one-binding,one-selected-node": a claim already selected for node1.
        needs_capacity(
            Find::new(
                vec![binder_pv("pv-bound", "node1", "1G", "wait-class").claimed_by("bound-pvc")],
                vec![
                    Pvc::new("bound-pvc", "wait-class")
                        .size("1G")
                        .bound_to("pv-bound"),
                    provisioned().annotated(&[("volume.kubernetes.io/selected-node", "node1")]),
                ],
            )
            .verdicts(d),
        );

        // "immediate-unbound-pvc".
        assert_eq!(
            Find::new(
                vec![],
                vec![Pvc::new("immediate-unbound-pvc", "immediate-class").size("1G")]
            )
            .verdicts(d)
            .0,
            unresolvable(&[UNBOUND_IMMEDIATE])
        );

        // "one-immediate-bound,one-provisioned".
        needs_capacity(
            Find::new(
                vec![
                    binder_pv("pv-bound-immediate", "node1", "1G", "immediate-class")
                        .claimed_by("immediate-bound-pvc"),
                ],
                vec![
                    Pvc::new("immediate-bound-pvc", "immediate-class")
                        .size("1G")
                        .bound_to("pv-bound-immediate"),
                    provisioned(),
                ],
            )
            .verdicts(d),
        );

        // "invalid-provisioner": no PV and a class that cannot provision.
        assert_eq!(
            Find::new(vec![], vec![Pvc::new("no-provisioner-pvc", "wait-class")]).verdicts(d),
            (Verdict::Passed, unresolvable(&[BIND_CONFLICT])),
            "{d:?}"
        );

        // "volume-topology-unsatisfied": allowedTopologies exclude the node; the reason
        // is BindConflict, not a node-affinity one.
        assert_eq!(
            Find::new(
                vec![],
                vec![Pvc::new("topo-mismatch-pvc", "topo-mismatch-class")]
            )
            .verdicts(d),
            (Verdict::Passed, unresolvable(&[BIND_CONFLICT])),
            "{d:?}"
        );
    }
}

#[test]
fn a_selected_node_elsewhere_fails_fast_but_keeps_bound_claim_reasons() {
    // FindPodVolumes' fast path for a claim whose provisioning targets another node
    // returns BindConflict, after the bound claims were checked. The class names an
    // in-tree-looking provisioner Bindery does not run, so the claim stays unprovisioned.
    let docs = vec![
        node1(),
        node("node2", &[("nodeKey", "node2")]),
        binder_classes(),
        class(
            "wait-class-unserved",
            "WaitForFirstConsumer",
            "kubernetes.io/unserved",
            "",
        ),
        binder_pv("pv-bound", "node2", "1G", "wait-class")
            .claimed_by("bound-pvc")
            .yaml(),
        Pvc::new("bound-pvc", "wait-class")
            .size("1G")
            .bound_to("pv-bound")
            .yaml(),
        Pvc::new("provisioned-pvc", "wait-class-unserved")
            .annotated(&[("volume.kubernetes.io/selected-node", "node2")])
            .yaml(),
        pod("test-pod", &["bound-pvc", "provisioned-pvc"], true),
    ];
    let sim = run(&docs);
    let claim = sim
        .cluster()
        .pvc(&ObjectKey::new("default", "provisioned-pvc"))
        .unwrap();
    assert_eq!(claim.selected_node(), Some("node2"));
    assert_eq!(claim.volume_name, None);
    let ex = explain(&sim, "test-pod");
    assert_eq!(
        filter(&ex, "node1"),
        unresolvable(&[node_conflict(), BIND_CONFLICT])
    );
    assert_eq!(filter(&ex, "node2"), Verdict::Passed);
}

/// `TestCapacity`: one provisioned claim (1Gi) and CSIStorageCapacity objects, with the
/// driver opting in (`storageCapacity: true`) or not.
#[test]
fn capacity() {
    let cap = |topology: Option<&str>, class: &str, capacity: &str, max: &str| {
        let mut s = format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {{name: net, namespace: default}}\nstorageClassName: {class}\n"
        );
        match topology {
            Some(n) => s.push_str(&format!(
                "nodeTopology: {{matchLabels: {{nodeKey: {n}}}}}\n"
            )),
            None => s.push_str("nodeTopology: {}\n"),
        }
        if !capacity.is_empty() {
            s.push_str(&format!("capacity: {capacity}\n"));
        }
        if !max.is_empty() {
            s.push_str(&format!("maximumVolumeSize: {max}\n"));
        }
        s
    };
    let with_provisioner = "wait-class-with-provisioner";
    // (name, capacity object, fits)
    let cases: Vec<(&str, Option<String>, bool)> = vec![
        (
            "network-attached",
            Some(cap(None, with_provisioner, "1Gi", "")),
            true,
        ),
        (
            "local-storage",
            Some(cap(Some("node1"), with_provisioner, "1Gi", "")),
            true,
        ),
        ("no-storage", None, false),
        (
            "wrong-node",
            Some(cap(Some("node2"), with_provisioner, "1Gi", "")),
            false,
        ),
        (
            "wrong-storage-class",
            Some(cap(Some("node1"), "wait-class", "1Gi", "")),
            false,
        ),
        (
            "insufficient-storage",
            Some(cap(Some("node1"), with_provisioner, "1Mi", "")),
            false,
        ),
        (
            "insufficient-volume-size",
            Some(cap(Some("node1"), with_provisioner, "1Gi", "1Mi")),
            false,
        ),
        (
            "zero-storage",
            Some(cap(Some("node1"), with_provisioner, "0Mi", "")),
            false,
        ),
        (
            "zero-volume-size",
            Some(cap(Some("node1"), with_provisioner, "", "0Mi")),
            false,
        ),
        (
            "nil-storage",
            Some(cap(Some("node1"), with_provisioner, "", "")),
            false,
        ),
    ];
    for opt_in in [true, false] {
        for (name, capacity, fits) in &cases {
            let d = if opt_in {
                Driver::WithCapacityTracking
            } else {
                Driver::WithoutCapacityTracking
            };
            let mut docs = Find::new(
                vec![],
                vec![Pvc::new("provisioned-pvc", "wait-class-with-provisioner")],
            )
            .docs(d, true);
            docs.extend(capacity.clone());
            let sim = run(&docs);
            let got = filter(&explain(&sim, "test-pod"), "node1");
            let want = if *fits || !opt_in {
                Verdict::Passed
            } else {
                unresolvable(&[NOT_ENOUGH_SPACE])
            };
            assert_eq!(got, want, "{name} opt-in={opt_in}");
        }
    }
    // "multiple": a network-attached and two node-local objects (upstream's three share a
    // name, so only the last, node1's, survives; here they are three objects): it fits.
    let mut docs = Find::new(
        vec![],
        vec![Pvc::new("provisioned-pvc", "wait-class-with-provisioner")],
    )
    .docs(Driver::WithCapacityTracking, true);
    for (i, c) in [
        cap(None, with_provisioner, "1Gi", ""),
        cap(Some("node2"), with_provisioner, "1Gi", ""),
        cap(Some("node1"), with_provisioner, "1Gi", ""),
    ]
    .into_iter()
    .enumerate()
    {
        docs.push(c.replace("name: net", &format!("name: net-{i}")));
    }
    let sim = run(&docs);
    assert_eq!(filter(&explain(&sim, "test-pod"), "node1"), Verdict::Passed);
}

// --- AssumePodVolumes (Reserve) -------------------------------------------------------------

#[test]
fn assume_pod_volumes_prebinds_and_selects_the_node() {
    // "one-binding, one-pvc-provisioned": the static PV gets the claimRef and
    // bound-by-controller; the provisioned claim gets volume.kubernetes.io/selected-node.
    let case = Find::new(
        vec![binder_pv("pv-node1a", "node1", "5G", "wait-class")],
        vec![
            Pvc::new("unbound-pvc", "wait-class").size("1G"),
            Pvc::new("provisioned-pvc", "wait-class-with-provisioner"),
        ],
    );
    let sim = case.bound(Driver::None);
    let c = sim.cluster();
    let pv = c.pv("pv-node1a").unwrap();
    let r = pv.claim_ref.as_ref().expect("claimRef set");
    assert_eq!((&*r.namespace, &*r.name), ("default", "unbound-pvc"));
    assert_eq!(
        pv.meta.annotation("pv.kubernetes.io/bound-by-controller"),
        Some("yes")
    );
    assert_eq!(
        claim_volume(&sim, "unbound-pvc").as_deref(),
        Some("pv-node1a")
    );
    let provisioned = c
        .pvc(&ObjectKey::new("default", "provisioned-pvc"))
        .unwrap();
    assert_eq!(provisioned.selected_node(), Some("node1"));
}

// --- No PreFilterResult (GetEligibleNodes is gone since v1.32) ------------------------------

#[test]
fn bound_local_pvs_do_not_narrow_the_nodes() {
    let base = || {
        vec![
            node("node1", &[]),
            node("node2", &[]),
            node("node3", &[]),
            plugin_test_classes(),
        ]
    };
    // Two bound local PVs on different hosts: every node fails Filter with the
    // node-affinity conflict (upstream v1.27-v1.31 rejected the pod at PreFilter with
    // "node(s) didn't satisfy plugin VolumeBinding").
    let mut docs = base();
    docs.extend([
        Pv::new("pv-1", "wait-sc")
            .on_host("node1")
            .claimed_by("c1")
            .yaml(),
        Pv::new("pv-2", "wait-sc")
            .on_host("node2")
            .claimed_by("c2")
            .yaml(),
        Pvc::new("c1", "wait-sc").bound_to("pv-1").yaml(),
        Pvc::new("c2", "wait-sc").bound_to("pv-2").yaml(),
        pod("p", &["c1", "c2"], false),
    ]);
    let sim = run(&docs);
    assert_eq!(
        failed_scheduling(&sim, "p")[0],
        format!(
            "0/3 nodes are available: 3 {}. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            node_conflict()
        )
    );
    // One bound local PV: the other nodes are still filtered, not excluded.
    let mut docs = base();
    docs.extend([
        Pv::new("pv-1", "wait-sc")
            .on_host("node2")
            .claimed_by("c1")
            .yaml(),
        Pvc::new("c1", "wait-sc").bound_to("pv-1").yaml(),
        pod("p", &["c1"], true),
    ]);
    let ex = explain(&run(&docs), "p");
    assert_eq!(ex.pre_filter_nodes, None);
    assert_eq!(filter(&ex, "node1"), unresolvable(&[node_conflict()]));
    assert_eq!(filter(&ex, "node2"), Verdict::Passed);
    assert_eq!(filter(&ex, "node3"), unresolvable(&[node_conflict()]));
}

// --- FindMatchingVolume (pv_helpers.go) -------------------------------------------------

#[test]
fn matching_takes_a_prebound_pv_of_the_claims_class_only() {
    // A PV pre-bound to the claim wins before the access-mode check (`IsVolumeBoundToClaim`
    // returns before `CheckAccessModes`), but the candidates are only the PVs of the
    // claim's own class (`ListPVs(storageClassName)`). The PV is ReadWriteMany for a
    // ReadWriteOnce claim, so the PV controller's access-mode index never offers it and
    // the scheduler is the one deciding.
    let case = |class: &str| {
        let docs = vec![
            node1(),
            binder_classes(),
            binder_pv("prebound", "node1", "5G", class)
                .modes("ReadWriteMany")
                .prebound_for("unbound-pvc")
                .yaml(),
            Pvc::new("unbound-pvc", "wait-class").size("1G").yaml(),
            pod("test-pod", &["unbound-pvc"], true),
        ];
        let sim = run(&docs);
        assert_eq!(claim_volume(&sim, "unbound-pvc"), None, "still unbound");
        filter(&explain(&sim, "test-pod"), "node1")
    };
    assert_eq!(case("wait-class"), Verdict::Passed);
    assert_eq!(case("immediate-class"), unresolvable(&[BIND_CONFLICT]));
}

#[test]
fn pv_node_affinity_is_checked_against_labels_only() {
    // `CheckNodeAffinity(pv, node.Labels)` builds a node from the labels alone, so a
    // `matchFields metadata.name` term never matches a named node.
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: by-name}\nspec:\n  capacity: {storage: 5G}\n  accessModes: [ReadWriteOnce]\n  storageClassName: wait-class\n  local: {path: /mnt/x}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchFields: [{key: metadata.name, operator: In, values: [node1]}]\n".to_string();
    let docs = vec![
        node1(),
        binder_classes(),
        pv,
        Pvc::new("unbound-pvc", "wait-class").size("1G").yaml(),
        pod("test-pod", &["unbound-pvc"], true),
    ];
    let sim = run(&docs);
    assert_eq!(
        filter(&explain(&sim, "test-pod"), "node1"),
        unresolvable(&[BIND_CONFLICT])
    );
}

// --- StorageCapacityScoring with dynamic provisioning ---------------------------------------

fn provisioning_scores(claims: &[(&str, &str)]) -> Explanation {
    let mut docs = vec![
        node("node-a", &[]),
        node("node-b", &[]),
        class("csi", "WaitForFirstConsumer", "disk.csi.example.com", ""),
        "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: disk.csi.example.com}\nspec: {storageCapacity: true}\n".into(),
    ];
    for (n, size) in [("node-a", "100Gi"), ("node-b", "200Gi")] {
        docs.push(format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {{name: cap-{n}, namespace: default}}\nstorageClassName: csi\nnodeTopology: {{matchLabels: {{kubernetes.io/hostname: {n}}}}}\ncapacity: {size}\n"
        ));
    }
    let names: Vec<&str> = claims.iter().map(|(n, _)| *n).collect();
    for (name, size) in claims {
        docs.push(Pvc::new(name, "csi").size(size).yaml());
    }
    docs.push(pod("pod-a", &names, true));
    explain(&run_with(&docs, &CAPACITY_SCORING), "pod-a")
}

#[test]
fn capacity_scoring_of_claims_to_provision() {
    // Gate on, no static bindings: each class's requests over the node's
    // CSIStorageCapacity. 50Gi of 100Gi → 50; of 200Gi → 75.
    let ex = provisioning_scores(&[("data", "50Gi")]);
    assert_eq!(score(&ex, "node-a"), Some(50));
    assert_eq!(score(&ex, "node-b"), Some(75));
    // Two claims of one class: the requests add up, the node's capacity is counted once.
    let ex = provisioning_scores(&[("data", "50Gi"), ("logs", "50Gi")]);
    assert_eq!(score(&ex, "node-a"), Some(0));
    assert_eq!(score(&ex, "node-b"), Some(50));
}

// --- checkBindings (PreBind) -----------------------------------------------------------------

#[test]
fn prebind_reports_a_rescheduled_provisioning() {
    // TestCheckBindings "provisioning-pvc-selected-node-dropped": the provisioner drops
    // volume.kubernetes.io/selected-node to ask for a new node; the claim keeps its other
    // annotations, so checkBindings fails with "provisioning failed for PVC" (the
    // "selectedNode annotation reset" form is for a claim left with no annotations at
    // all). Here the scheduler trusts maximumVolumeSize (10Gi) while the driver refuses
    // 8Gi out of 5Gi of capacity (ResourceExhausted: reschedule).
    let docs = vec![
        node("node-a", &[("topology.kubernetes.io/zone", "za")]),
        class("csi", "WaitForFirstConsumer", "disk.csi.example.com", ""),
        "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: disk.csi.example.com}\nspec: {storageCapacity: true}\n".into(),
        "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {name: cap-a, namespace: default}\nstorageClassName: csi\nnodeTopology: {matchLabels: {topology.kubernetes.io/zone: za}}\ncapacity: 5Gi\nmaximumVolumeSize: 10Gi\n".into(),
        Pvc::new("data", "csi").size("8Gi").yaml(),
        pod("p", &["data"], false),
    ];
    let sim = run(&docs);
    let msgs = failed_scheduling(&sim, "p");
    assert_eq!(
        msgs[0],
        "running PreBind plugin \"VolumeBinding\": binding volumes: provisioning failed for PVC \"data\""
    );
}

#[test]
fn prebind_times_out_after_the_bind_timeout() {
    // TestBindPodVolumes "binding-times-out": nothing ever provisions the claim, so PreBind
    // gives up after bindTimeoutSeconds (600, the v1.36 default) and the pod is retried.
    let docs = vec![
        node("node-a", &[]),
        class(
            "unserved",
            "WaitForFirstConsumer",
            "kubernetes.io/unserved",
            "",
        ),
        Pvc::new("data", "unserved").yaml(),
        pod("p", &["data"], false),
    ];
    let sim = run(&docs);
    let key = ObjectKey::new("default", "p");
    let (entry, event) = sim
        .log()
        .events_for(Kind::Pod, &key)
        .find(|(_, e)| e.reason == "FailedScheduling")
        .expect("PreBind failed");
    assert_eq!(
        &*event.message,
        "running PreBind plugin \"VolumeBinding\": binding volumes: context deadline exceeded"
    );
    assert_eq!(entry.time.millis(), 600_000);
    // The claim keeps the node it was selected for.
    let claim = sim
        .cluster()
        .pvc(&ObjectKey::new("default", "data"))
        .unwrap();
    assert_eq!(claim.selected_node(), Some("node-a"));
}

#[test]
fn vb_pvc_being_deleted() {
    // podHasPVCs: a claim with a deletionTimestamp (held by pvc-protection while a running
    // pod uses it) rejects new pods at PreFilter.
    let mut sim = run(&[
        node("node-a", &[]),
        plugin_test_classes(),
        Pv::new("pv-a", "wait-sc").on_host("node-a").yaml(),
        Pvc::new("pvc-a", "wait-sc").yaml(),
        pod("user", &["pvc-a"], false),
    ]);
    assert_eq!(claim_volume(&sim, "pvc-a").as_deref(), Some("pv-a"));
    sim.execute(bindery_core::Command::Delete {
        kind: Kind::PersistentVolumeClaim,
        key: ObjectKey::new("default", "pvc-a"),
    })
    .unwrap();
    let parsed = bindery_core::scenario::parse(&pod("pod-a", &["pvc-a"], true));
    assert!(sim.load(&parsed).is_empty());
    sim.run_until_idle(10_000);
    let claim = sim
        .cluster()
        .pvc(&ObjectKey::new("default", "pvc-a"))
        .expect("kept by pvc-protection");
    assert!(claim.meta.deletion.is_some());
    assert_eq!(
        pre_filter(&explain(&sim, "pod-a")),
        unresolvable(&["persistentvolumeclaim \"pvc-a\" is being deleted"])
    );
}

/// One WFFC claim against one candidate PV on node1: does FindMatchingVolume take it?
fn takes(pv: String, claim: Pvc) -> bool {
    let name = claim.name.to_string();
    let docs = vec![
        node1(),
        binder_classes(),
        pv,
        claim.yaml(),
        pod("test-pod", &[&name], true),
    ];
    let sim = run(&docs);
    match filter(&explain(&sim, "test-pod"), "node1") {
        Verdict::Passed => true,
        v if v == unresolvable(&[BIND_CONFLICT]) => false,
        v => panic!("unexpected {v:?}"),
    }
}

#[test]
fn find_matching_volume_rules() {
    let claim = || Pvc::new("c", "wait-class").size("5G");
    let pv = || binder_pv("pv", "node1", "5G", "wait-class");
    // Capacity: equal fits, smaller does not.
    assert!(takes(pv().yaml(), claim()));
    assert!(!takes(pv().size("4G").yaml(), claim()));
    // Class must be equal.
    assert!(!takes(
        binder_pv("pv", "node1", "5G", "wait-class-with-provisioner").yaml(),
        Pvc::new("c", "wait-class").size("5G")
    ));
    // Access modes: the PV must have every mode the claim asks for.
    assert!(takes(
        pv().modes("ReadWriteOnce, ReadOnlyMany").yaml(),
        claim()
    ));
    assert!(!takes(pv().modes("ReadOnlyMany").yaml(), claim()));
    // Node affinity of an unbound PV must match the node.
    assert!(!takes(
        binder_pv("pv", "node2", "5G", "wait-class").yaml(),
        claim()
    ));
    // Volume mode must be equal (nil is Filesystem on both sides).
    assert!(!takes(
        pv().yaml()
            .replace("  accessModes:", "  volumeMode: Block\n  accessModes:"),
        claim()
    ));
    // Claim selector against the PV's labels.
    let with_selector = |labels: &str| {
        let pv = Pv { labels, ..pv() };
        let claim = claim().yaml().replace(
            "  accessModes:",
            "  selector: {matchLabels: {tier: fast}}\n  accessModes:",
        );
        let docs = vec![
            node1(),
            binder_classes(),
            pv.yaml(),
            claim,
            pod("test-pod", &["c"], true),
        ];
        filter(&explain(&run(&docs), "test-pod"), "node1") == Verdict::Passed
    };
    assert!(with_selector("tier: fast"));
    assert!(!with_selector("tier: slow"));
    // A claimRef to another claim (or to this claim's name with another UID) excludes it.
    assert!(!takes(pv().claimed_by("other").yaml(), claim()));
    assert!(!takes(
        pv().yaml() + "  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: c, uid: not-c}\n",
        claim()
    ));
}

/// component-helpers' `MatchTopologySelectorTerms`, which VolumeBinding applies to a
/// class's `allowedTopologies` before provisioning: "nil or empty term selects no
/// objects" (validation accepts the empty term), while a matching term beside it still
/// allows the node.
#[test]
fn vb_empty_allowed_topologies_term_selects_no_node() {
    for (terms, allowed) in [
        ("[{matchLabelExpressions: []}]", false),
        (
            "[{matchLabelExpressions: []}, {matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [z1]}]}]",
            true,
        ),
    ] {
        let sim = run(&[
            node("node-a", &[("topology.kubernetes.io/zone", "z1")]),
            class(
                "topo-sc",
                "WaitForFirstConsumer",
                "example.com/csi",
                &format!("allowedTopologies: {terms}\n"),
            ),
            Pvc::new("pvc-a", "topo-sc").yaml(),
            pod("pod-a", &["pvc-a"], true),
        ]);
        let ex = explain(&sim, "pod-a");
        let want = if allowed {
            Verdict::Passed
        } else {
            unresolvable(&[BIND_CONFLICT])
        };
        assert_eq!(filter(&ex, "node-a"), want, "{terms}");
    }
}

// --- TestFindPodVolumesWithCSIMigration (binder_test.go) ---------------------------------
//
// A claim bound to a GCE PD volume without node affinity, labelled with the beta zone
// `us-east-1` (and beta region `us-east-1a`). Where the node's CSINode names
// `kubernetes.io/gce-pd` as migrated, `tryTranslatePVToCSI` gives the volume the CSI
// driver's zone requirement (`topology.gke.io/zone In [us-east-1]`), which the node's
// `topology.gke.io/zone` label must match; elsewhere the volume is checked as it is.

fn migration_docs(node_zone: &str, csi_node: Option<&str>) -> Vec<String> {
    let mut docs = vec![
        binder_classes(),
        node("node1", &[("topology.gke.io/zone", node_zone)]),
        "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-migration-bound\n  labels: {failure-domain.beta.kubernetes.io/zone: us-east-1, failure-domain.beta.kubernetes.io/region: us-east-1a}\nspec:\n  capacity: {storage: 1G}\n  accessModes: [ReadWriteOnce]\n  storageClassName: wait-class\n  persistentVolumeReclaimPolicy: Retain\n  gcePersistentDisk: {pdName: test-disk, fsType: ext4}\n  claimRef: {kind: PersistentVolumeClaim, namespace: default, name: bound-migration-pvc, uid: uid-bound-migration-pvc}\n".to_string(),
        Pvc::new("bound-migration-pvc", "wait-class")
            .bound_to("pv-migration-bound")
            .yaml(),
        pod("p", &["bound-migration-pvc"], true),
    ];
    if let Some(migrated) = csi_node {
        docs.push(format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata:\n  name: node1\n  annotations: {{storage.alpha.kubernetes.io/migrated-plugins: '{migrated}'}}\nspec: {{drivers: []}}\n"
        ));
    }
    docs
}

#[test]
fn find_pod_volumes_with_csi_migration() {
    let cases = [
        (
            "pvc-bound",
            "us-east-1",
            Some("kubernetes.io/gce-pd"),
            Verdict::Passed,
        ),
        (
            "pvc-bound,csinode-not-migrated",
            "us-east-1",
            Some(""),
            Verdict::Passed,
        ),
        (
            "pvc-bound,missing-csinode",
            "us-east-1",
            None,
            Verdict::Passed,
        ),
        (
            "pvc-bound,node-different-zone",
            "us-east-2",
            Some("kubernetes.io/gce-pd"),
            unresolvable(&[node_conflict()]),
        ),
    ];
    for (name, zone, csi_node, want) in cases {
        let sim = run(&migration_docs(zone, csi_node));
        assert_eq!(filter(&explain(&sim, "p"), "node1"), want, "{name}");
    }
    // Not migrated there, the volume is checked as it is (no node affinity): a node in
    // another zone passes.
    let sim = run(&migration_docs("us-east-2", Some("kubernetes.io/aws-ebs")));
    assert_eq!(filter(&explain(&sim, "p"), "node1"), Verdict::Passed);
}

#[test]
fn a_migrated_volume_the_translator_refuses_is_an_error() {
    // A regional GCE PD whose zones name two regions: `getRegionFromZones` fails, and
    // `checkBoundClaims` returns the error.
    let docs: Vec<String> = migration_docs("us-east-1", Some("kubernetes.io/gce-pd"))
        .into_iter()
        .map(|d| {
            d.replace(
                "failure-domain.beta.kubernetes.io/zone: us-east-1,",
                "failure-domain.beta.kubernetes.io/zone: us-east1-a__europe-west1-b,",
            )
        })
        .collect();
    let sim = run(&docs);
    assert_eq!(
        filter(&explain(&sim, "p"), "node1"),
        Verdict::Error(
            "could not translate pv: failed to get region from zones: multiple or no regions gotten from zones, got: map[europe-west1:{} us-east1:{}]".into()
        )
    );
}
