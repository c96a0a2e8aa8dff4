//! Upstream's integration tests for preemption, `test/integration/scheduler/preemption/
//! preemption_test.go` (kubernetes/kubernetes), replayed through the whole engine (default
//! profile, Kubernetes v1.36). The file was read at the newest revision available here
//! (b1ce15c, which runs every case with `SchedulerAsyncPreemption` on and off and has
//! TestAsyncPreemption); cases added to the file later are not covered. The semantics
//! follow v1.36's `framework/preemption/preemption.go` and `default_preemption.go`.
//!
//! Upstream runs a real API server and scheduler and creates pods one after another
//! (`runPausePod` waits for a pod to be scheduled, `createPausePod` does not). Here each
//! step is a `Simulation::apply` followed by [`settle`], which runs everything that
//! happens at the current instant (controllers, scheduling cycles, zero-grace
//! terminations) but does not move the clock, so a victim with the default 30 s grace
//! period is still terminating when the test looks, as it is upstream (the integration
//! tests have no kubelet). Then `run_until_idle` lets simulated time pass: victims go and
//! the preemptor runs where it was nominated.
//!
//! Upstream asserts, per case: which pods are getting evicted (`podIsGettingEvicted`:
//! a deletionTimestamp) and carry the `DisruptionTarget` condition, that the others are
//! not, and that the preemptor gets `status.nominatedNodeName`. Bindery marks victims
//! `preempted` with a `Preempted` event; the tests check those, the condition, the
//! nomination, and where the preemptor runs in the end.
//!
//! Pods get their priority from PriorityClasses `low` (100), `medium` (200) and `high`
//! (300), upstream's `lowPriority`, `mediumPriority` and `highPriority`: upstream's test
//! API server has no Priority admission plugin, so it sets `spec.priority` directly,
//! which Bindery's admission (like a real cluster's) refuses without a class.
//!
//! Every upstream test runs each case twice, with `SchedulerAsyncPreemption` on and off;
//! Bindery models the v1.36 default only, and the outcome upstream asserts is the same
//! for both.
//!
//! Adapted:
//! - TestPreemption "basic pod preemption with filter": the fake `tokenFilter` (one token,
//!   taken by the victim) is replaced by a node with room for one pod, so NodeResourcesFit
//!   rejects the preemptor with `Too many pods` (Unschedulable) until the victim goes, as
//!   the token filter does until RemovePod gives its token back.
//! - TestNominatedNodeCleanUp: upstream force-deletes the terminating victim
//!   (`podNamesToDelete`); here its 30 s grace period runs out instead, or, after the node
//!   deletion, the pod garbage collector removes it with the node. In "… followed by a
//!   high-priority pod with another preemption" the medium pod's nomination is cleared
//!   later than upstream's run clears it (see the test): upstream's pods have no
//!   `startTime`, which decides which victims the high-priority pod picks.
//! - TestPreferNominatedNode: upstream wraps `NextPod` to set `nominatedNodeName: node-1`
//!   on the preemptor before every cycle; Bindery reads no pod status from manifests, so
//!   the nomination comes from a real preemption on node-1 (see the tests).
//!
//! Skipped:
//! - TestPreemption "basic pod preemption with preFilter" and "… with unresolvable filter":
//!   they exercise the fake `tokenFilter`'s PreFilter returning Unschedulable and its
//!   Filter returning UnschedulableAndUnresolvable; no default-profile plugin behaves so
//!   (the unresolvable path is covered by `upstream_node_plugins.rs`,
//!   `post_filter_skips_unresolvable_nodes`).
//! - TestAsyncPreemption: it blocks the preemption goroutine's API calls
//!   (`PreemptPod` wrapped to wait on a channel), drives `ScheduleOne` by hand and reads
//!   the queue's internals (`PodsInActiveQ`, `IsPodRunningPreemption`); Bindery carries a
//!   preemption out within the cycle.
//! - TestDisablePreemption: needs a profile with DefaultPreemption disabled; Bindery runs
//!   the default profile only.
//! - TestNominatedNodeCleanUp "mid-priority pod preempts low-priority pod, but failed the
//!   scheduling unexpectedly": needs the fake `alwaysFail` PreBind plugin.

use std::collections::BTreeSet;

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::sim::StepOutcome;
use bindery_core::{Command, Simulation};
use bindery_tests::MAX_STEPS;

// ---------------------------------------------------------------------------------------
// Fixtures, in the spirit of upstream's initPausePod / st.MakeNode().
// ---------------------------------------------------------------------------------------

/// `lowPriority`, `mediumPriority`, `highPriority`; `high-never` is `highPriority` with
/// `preemptionPolicy: Never` (TestNonPreemption sets it on the pod spec).
const CLASSES: &str = "\
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 100
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: medium}
value: 200
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 300
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high-never}
value: 300
preemptionPolicy: Never
";

const NS: &str = "default";

/// `st.MakeNode().Name(name).Capacity(res)`: `res` is a flow-mapping body; `pods`
/// defaults to 32 as `Capacity` does.
fn node(name: &str, res: &str, labels: &str) -> String {
    let res = if res.contains("pods:") {
        res.to_string()
    } else {
        format!("pods: '32', {res}")
    };
    let labels = if labels.is_empty() {
        format!("kubernetes.io/hostname: {name}")
    } else {
        format!("kubernetes.io/hostname: {name}, {labels}")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nstatus:\n  allocatable: {{{res}}}\n"
    )
}

/// The integration tests' usual node: `pods: 32, cpu: 500m, memory: 500`.
fn node1() -> String {
    node("node1", "cpu: 500m, memory: '500'", "node: node1")
}

/// `initPausePod`: a pause container with `requests` (a flow-mapping body, may be empty),
/// the class `prio`, `labels`, and `extra` YAML lines under `spec:`. No grace period is
/// given, so the API default of 30 s applies.
fn pause_pod(name: &str, prio: &str, requests: &str, labels: &str, extra: &str) -> String {
    pause_pod_in(NS, name, prio, requests, labels, extra)
}

fn pause_pod_in(
    ns: &str,
    name: &str,
    prio: &str,
    requests: &str,
    labels: &str,
    extra: &str,
) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\nspec:\n"
    );
    if !prio.is_empty() {
        s.push_str(&format!("  priorityClassName: {prio}\n"));
    }
    if requests.is_empty() {
        s.push_str("  containers: [{name: pause, image: registry.k8s.io/pause:3.10}]\n");
    } else {
        s.push_str(&format!(
            "  containers: [{{name: pause, image: registry.k8s.io/pause:3.10, resources: {{requests: {{{requests}}}}}}}]\n"
        ));
    }
    s.push_str(extra);
    s
}

/// `defaultPodRes`: 100m cpu, 100 bytes of memory.
const DEFAULT_RES: &str = "cpu: 100m, memory: '100'";

/// A required pod anti-affinity term against pods labelled `pod: <value>` over the
/// `node` topology key.
fn anti_affinity(value: &str) -> String {
    format!(
        "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {{matchExpressions: [{{key: pod, operator: In, values: [{value}]}}]}}\n        topologyKey: node\n"
    )
}

// ---------------------------------------------------------------------------------------
// Driving the simulation.
// ---------------------------------------------------------------------------------------

/// A simulation holding the priority classes and `docs`, settled.
fn cluster(docs: &[String]) -> Simulation {
    let mut all = vec![CLASSES.to_string()];
    all.extend(docs.iter().cloned());
    let parsed = bindery_core::scenario::parse(&all.join("---\n"));
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}");
    settle(&mut sim);
    sim
}

/// Runs everything due at the current instant; stops before the clock would move on.
fn settle(sim: &mut Simulation) {
    for _ in 0..MAX_STEPS {
        let now = sim.now();
        let mut next = sim.snapshot();
        match next.step() {
            StepOutcome::Idle => return,
            StepOutcome::Clock { to } if to > now => return,
            _ => *sim = next,
        }
    }
    panic!("did not settle within {MAX_STEPS} steps");
}

/// `createPausePod`: creates the pod (and whatever else the documents hold) and settles.
fn create(sim: &mut Simulation, yaml: &str) {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply(&d.manifest)
            .unwrap_or_else(|e| panic!("create refused: {e}"));
    }
    settle(sim);
}

/// `runPausePod`: creates the pod and checks that it was scheduled.
fn run_pause_pod(sim: &mut Simulation, yaml: &str) {
    create(sim, yaml);
    let parsed = bindery_core::scenario::parse(yaml);
    let meta = parsed.manifests.last().unwrap().manifest.metadata().clone();
    let key = ObjectKey::new(
        meta.namespace.as_deref().unwrap_or(NS),
        meta.name.as_deref().unwrap_or_default(),
    );
    let scheduled = sim.cluster().pod(&key).is_some_and(|p| p.is_assigned());
    assert!(scheduled, "{key} was not scheduled");
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(NS, name)
}

/// Pods that got a `Preempted` event (`podIsGettingEvicted`), by name.
fn preempted(sim: &Simulation) -> BTreeSet<String> {
    sim.log()
        .events()
        .filter(|(_, e)| e.reason == "Preempted")
        .map(|(_, e)| e.object.name.to_string())
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

/// Checks each expected victim as upstream does: evicted (a deletionTimestamp), marked
/// preempted, with the `DisruptionTarget` condition; and no other pod evicted.
fn assert_victims(sim: &Simulation, victims: &[&str]) {
    assert_eq!(preempted(sim), set(victims));
    for v in victims {
        let p = sim.cluster().pod(&key(v)).expect("victim exists");
        assert!(p.meta.deletion.is_some(), "{v} is not getting evicted");
        assert!(p.status.preempted, "{v} not marked preempted");
        let c = p
            .condition("DisruptionTarget")
            .unwrap_or_else(|| panic!("{v} has no DisruptionTarget condition"));
        assert_eq!(c.status, "True");
        assert_eq!(c.reason, "PreemptionByScheduler");
        assert_eq!(
            &*c.message,
            "default-scheduler: preempting to accommodate a higher priority pod"
        );
    }
}

fn nominated(sim: &Simulation, pod: &str) -> Option<String> {
    sim.cluster()
        .pod(&key(pod))
        .and_then(|p| p.status.nominated_node_name.as_deref().map(str::to_string))
}

fn node_of(sim: &Simulation, pod: &str) -> Option<String> {
    sim.cluster()
        .pod(&key(pod))
        .filter(|p| !p.is_deleted())
        .and_then(|p| p.node_name().map(str::to_string))
}

fn failures(sim: &Simulation, pod: &str) -> Vec<String> {
    sim.log()
        .events_for(Kind::Pod, &key(pod))
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .map(|(_, e)| e.message.to_string())
        .collect()
}

/// `preemption: ` + the dry run's FitError, after DynamicResources' PostFilter text.
fn with_preemption(fit: &str, preemption: &str) -> String {
    format!("{fit} no new claims to deallocate, preemption: {preemption}")
}

// ---------------------------------------------------------------------------------------
// TestReadWriteOncePodPreemption
// ---------------------------------------------------------------------------------------

const RWOP_REASON: &str = "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod";

/// `pv-with-read-write-once-pod-<n>` (hostPath, 1Mi, RWOP) and its claim, created bound
/// (`volumeName` and `pv.kubernetes.io/bind-completed`, as upstream's fixtures).
fn rwop_volume(n: u32) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: pv-with-read-write-once-pod-{n}}}\nspec:\n  accessModes: [ReadWriteOncePod]\n  capacity: {{storage: 1Mi}}\n  hostPath: {{path: /mnt{n}, type: DirectoryOrCreate}}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: pvc-with-read-write-once-pod-{n}\n  namespace: {NS}\n  annotations: {{pv.kubernetes.io/bind-completed: 'true'}}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {{requests: {{storage: 1Mi}}}}\n  volumeName: pv-with-read-write-once-pod-{n}\n"
    )
}

/// Pod volumes using the RWOP claims `claims`, named `volume` when there is one and
/// `volume-<i>` otherwise, as upstream's pods.
fn rwop_volumes(claims: &[u32]) -> String {
    let mut s = String::from("  volumes:\n");
    for (i, c) in claims.iter().enumerate() {
        let name = if claims.len() == 1 {
            "volume".to_string()
        } else {
            format!("volume-{}", i + 1)
        };
        s.push_str(&format!(
            "  - {{name: {name}, persistentVolumeClaim: {{claimName: pvc-with-read-write-once-pod-{c}}}}}\n"
        ));
    }
    s
}

/// One TestReadWriteOncePodPreemption case: `existing` pods (name, claims) run first, then
/// the high-priority preemptor using `preemptor_claims` comes; `victims` are evicted.
fn rwop_case(volumes: &[u32], existing: &[(&str, &[u32])], preemptor_claims: &[u32]) -> Simulation {
    let mut docs = vec![node1()];
    docs.extend(volumes.iter().map(|&n| rwop_volume(n)));
    let mut sim = cluster(&docs);
    for (name, claims) in existing {
        run_pause_pod(
            &mut sim,
            &pause_pod(name, "low", "", "", &rwop_volumes(claims)),
        );
    }
    create(
        &mut sim,
        &pause_pod(
            "preemptor-pod",
            "high",
            "",
            "",
            &rwop_volumes(preemptor_claims),
        ),
    );
    sim
}

/// TestReadWriteOncePodPreemption "preempt single pod".
#[test]
fn rwop_preempt_single_pod() {
    let mut sim = rwop_case(&[1], &[("victim-pod", &[1])], &[1]);
    assert_victims(&sim, &["victim-pod"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    assert_eq!(
        failures(&sim, "preemptor-pod"),
        [format!("0/1 nodes are available: 1 {RWOP_REASON}.")]
    );
    // Once the victim has gone (30 s later), the preemptor runs on its nominated node.
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
    assert_eq!(nominated(&sim, "preemptor-pod"), None);
}

/// TestReadWriteOncePodPreemption "preempt two pods": each holds one of the preemptor's
/// two claims.
#[test]
fn rwop_preempt_two_pods() {
    let mut sim = rwop_case(
        &[1, 2],
        &[("victim-pod-1", &[1]), ("victim-pod-2", &[2])],
        &[1, 2],
    );
    assert_victims(&sim, &["victim-pod-1", "victim-pod-2"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
}

/// TestReadWriteOncePodPreemption "preempt single pod with two volumes".
#[test]
fn rwop_preempt_single_pod_with_two_volumes() {
    let mut sim = rwop_case(&[1, 2], &[("victim-pod", &[1, 2])], &[1, 2]);
    assert_victims(&sim, &["victim-pod"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
}

// ---------------------------------------------------------------------------------------
// TestPreemption (node1: 500m cpu, 500 bytes, 32 pods, label node=node1)
// ---------------------------------------------------------------------------------------

/// One TestPreemption case: `existing` pods run one by one, then `preemptor` is created.
fn preemption_case(node: String, existing: &[String], preemptor: &str) -> Simulation {
    let mut sim = cluster(&[node]);
    for p in existing {
        run_pause_pod(&mut sim, p);
    }
    create(&mut sim, preemptor);
    sim
}

/// TestPreemption "basic pod preemption": the victim (400m) leaves no room for the
/// preemptor (300m).
#[test]
fn preemption_basic() {
    let mut sim = preemption_case(
        node1(),
        &[pause_pod(
            "victim-pod",
            "low",
            "cpu: 400m, memory: '200'",
            "",
            "",
        )],
        &pause_pod("preemptor-pod", "high", "cpu: 300m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["victim-pod"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    assert_eq!(
        failures(&sim, "preemptor-pod"),
        ["0/1 nodes are available: 1 Insufficient cpu."]
    );
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
}

/// TestPreemption "basic pod preemption with filter", adapted: a node with room for one
/// pod plays the one-token `tokenFilter` (see the module docs). Both pods fit by cpu and
/// memory.
#[test]
fn preemption_basic_with_filter() {
    let mut sim = preemption_case(
        node(
            "node1",
            "pods: '1', cpu: 500m, memory: '500'",
            "node: node1",
        ),
        &[pause_pod(
            "victim-pod",
            "low",
            "cpu: 200m, memory: '200'",
            "",
            "",
        )],
        &pause_pod("preemptor-pod", "high", "cpu: 200m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["victim-pod"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    assert_eq!(
        failures(&sim, "preemptor-pod"),
        ["0/1 nodes are available: 1 Too many pods."]
    );
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
}

/// TestPreemption "preemption is performed to satisfy anti-affinity": the preemptor's
/// anti-affinity rejects pod-0 (medium) and pod-1's (low) rejects the preemptor; both are
/// of lower priority, so both go.
#[test]
fn preemption_to_satisfy_anti_affinity() {
    let mut sim = preemption_case(
        node1(),
        &[
            pause_pod("pod-0", "medium", DEFAULT_RES, "pod: p0", ""),
            pause_pod(
                "pod-1",
                "low",
                DEFAULT_RES,
                "pod: p1",
                &anti_affinity("preemptor"),
            ),
        ],
        &pause_pod(
            "preemptor-pod",
            "high",
            DEFAULT_RES,
            "pod: preemptor",
            &anti_affinity("p0"),
        ),
    );
    assert_victims(&sim, &["pod-0", "pod-1"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node1"));
    assert_eq!(
        failures(&sim, "preemptor-pod"),
        ["0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules."]
    );
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
}

/// TestPreemption "preemption is not performed when anti-affinity is not satisfied":
/// pod-1, whose anti-affinity rejects the preemptor, has the preemptor's own priority, so
/// removing every lower-priority pod (pod-0) still leaves the node infeasible.
#[test]
fn preemption_not_performed_when_anti_affinity_is_not_satisfied() {
    let mut sim = preemption_case(
        node1(),
        &[
            pause_pod("pod-0", "medium", DEFAULT_RES, "pod: p0", ""),
            pause_pod(
                "pod-1",
                "high",
                DEFAULT_RES,
                "pod: p1",
                &anti_affinity("preemptor"),
            ),
        ],
        &pause_pod(
            "preemptor-pod",
            "high",
            DEFAULT_RES,
            "pod: preemptor",
            &anti_affinity("p0"),
        ),
    );
    sim.run_until_idle(MAX_STEPS);
    assert_victims(&sim, &[]);
    assert_eq!(nominated(&sim, "preemptor-pod"), None);
    assert_eq!(node_of(&sim, "preemptor-pod"), None);
    assert_eq!(
        failures(&sim, "preemptor-pod"),
        [with_preemption(
            "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.",
            "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules."
        )]
    );
}

// ---------------------------------------------------------------------------------------
// TestNonPreemption
// ---------------------------------------------------------------------------------------

/// TestNonPreemption: the victim (400m) runs; the preemptor (300m) is nominated unless its
/// preemption policy is Never. Upstream's two cases: "pod preemption will happen"
/// (policy nil) and "pod preemption will not happen" (PreemptNever).
#[test]
fn non_preemption() {
    for (class, nominate) in [("high", true), ("high-never", false)] {
        let mut sim = cluster(&[node("node1", "cpu: 500m, memory: '500'", "")]);
        run_pause_pod(
            &mut sim,
            &pause_pod("victim-pod", "low", "cpu: 400m, memory: '200'", "", ""),
        );
        create(
            &mut sim,
            &pause_pod("preemptor-pod", class, "cpu: 300m, memory: '200'", "", ""),
        );
        let want = nominate.then(|| "node1".to_string());
        assert_eq!(nominated(&sim, "preemptor-pod"), want, "{class}");
        if nominate {
            assert_victims(&sim, &["victim-pod"]);
        } else {
            assert_victims(&sim, &[]);
            assert_eq!(
                failures(&sim, "preemptor-pod"),
                [with_preemption(
                    "0/1 nodes are available: 1 Insufficient cpu.",
                    "not eligible due to preemptionPolicy=Never."
                )]
            );
            // Nothing ever makes room: the victim keeps running, the preemptor waits.
            sim.run_until_idle(MAX_STEPS);
            assert_eq!(node_of(&sim, "victim-pod").as_deref(), Some("node1"));
            assert_eq!(node_of(&sim, "preemptor-pod"), None);
        }
    }
}

// ---------------------------------------------------------------------------------------
// TestPodPriorityResolution
// ---------------------------------------------------------------------------------------

/// TestPodPriorityResolution: the system classes exist without being created and give
/// their values; an unknown class is refused by the Priority admission plugin.
#[test]
fn pod_priority_resolution() {
    let mut sim = cluster(&[node("node1", "cpu: 500m, memory: '500'", "")]);
    // "SystemNodeCritical priority class" and "SystemClusterCritical priority class".
    for (name, class, want) in [
        (
            "pod1-system-node-critical",
            "system-node-critical",
            2_000_001_000,
        ),
        (
            "pod2-system-cluster-critical",
            "system-cluster-critical",
            2_000_000_000,
        ),
    ] {
        run_pause_pod(
            &mut sim,
            &pause_pod_in("kube-system", name, class, "", "", ""),
        );
        let pod = sim
            .cluster()
            .pod(&ObjectKey::new("kube-system", name))
            .unwrap();
        assert_eq!(pod.spec.priority, want, "{name}");
    }
    // "Invalid priority class should result in error".
    let parsed = bindery_core::scenario::parse(&pause_pod_in(
        "kube-system",
        "pod3-system-cluster-critical",
        "foo",
        "",
        "",
        "",
    ));
    let err = sim.apply(&parsed.manifests[0].manifest).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pods \"pod3-system-cluster-critical\" is forbidden: no PriorityClass with name foo was found"
    );
}

// ---------------------------------------------------------------------------------------
// TestPreemptionStarvation, TestPreemptionRaces
// ---------------------------------------------------------------------------------------

/// `mkPriorityPodWithGrace(name, mediumPriority, 0)`: 100m, 100 bytes, label `pod: name`,
/// no grace period.
fn medium_pod_without_grace(name: &str) -> String {
    pause_pod(
        name,
        "medium",
        DEFAULT_RES,
        &format!("pod: {name}"),
        "  terminationGracePeriodSeconds: 0\n",
    )
}

/// Applies `yaml` without running anything.
fn apply(sim: &mut Simulation, yaml: &str) {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply(&d.manifest)
            .unwrap_or_else(|e| panic!("create refused: {e}"));
    }
}

/// Steps (at the current instant) until a preemption has been carried out, and returns the
/// preemptor's nomination at that moment (`waitForNominatedNodeName`).
fn step_until_preempted(sim: &mut Simulation, preemptor: &str) -> Option<String> {
    for _ in 0..MAX_STEPS {
        if !preempted(sim).is_empty() {
            return nominated(sim, preemptor);
        }
        let now = sim.now();
        match sim.step() {
            StepOutcome::Idle => break,
            StepOutcome::Clock { to } if to > now => break,
            _ => {}
        }
    }
    panic!("no preemption happened");
}

fn was_ever_scheduled(sim: &Simulation, pod: &str) -> bool {
    sim.log()
        .events_for(Kind::Pod, &key(pod))
        .any(|(_, e)| e.reason == "Scheduled")
}

/// TestPreemptionStarvation "starvation test: higher priority pod is scheduled before the
/// lower priority ones": five running and five pending medium pods; the preemptor is
/// nominated, and scheduled before any pending pod takes the room its victims left.
#[test]
fn preemption_starvation() {
    let mut sim = cluster(&[node("node1", "cpu: 500m, memory: '500'", "")]);
    let running: Vec<String> = (0..5).map(|i| format!("rpod-{i}")).collect();
    let pending: Vec<String> = (0..5).map(|i| format!("ppod-{i}")).collect();
    let docs: Vec<String> = running
        .iter()
        .map(|n| medium_pod_without_grace(n))
        .collect();
    create(&mut sim, &docs.join("---\n"));
    for p in &running {
        assert!(node_of(&sim, p).is_some(), "{p} didn't get scheduled");
    }
    let docs: Vec<String> = pending
        .iter()
        .map(|n| medium_pod_without_grace(n))
        .collect();
    create(&mut sim, &docs.join("---\n"));
    for p in &pending {
        // podUnschedulable: PodScheduled False, reason Unschedulable.
        let pod = sim.cluster().pod(&key(p)).unwrap();
        let c = pod.condition("PodScheduled").expect("condition");
        assert_eq!((&*c.status, &*c.reason), ("False", "Unschedulable"), "{p}");
    }
    apply(
        &mut sim,
        &pause_pod("preemptor-pod", "high", "cpu: 300m, memory: '200'", "", ""),
    );
    assert_eq!(
        step_until_preempted(&mut sim, "preemptor-pod").as_deref(),
        Some("node1")
    );
    // Three of the running pods make room (300m); zero grace, so they are gone at once.
    assert_eq!(preempted(&sim).len(), 3);
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
    for p in &pending {
        assert!(
            !was_ever_scheduled(&sim, p),
            "{p} took the preemptor's room"
        );
    }
}

/// TestPreemptionRaces "ensures that other pods are not scheduled while preemptor is being
/// marked as nominated (issue #72124)" (one repetition: the simulation is deterministic).
/// The twenty medium pods created right after the preemptor never get the room its
/// victim left.
#[test]
fn preemption_races() {
    let mut sim = cluster(&[node("node1", "pods: '100', cpu: 5000m, memory: '5000'", "")]);
    let initial: Vec<String> = (0..2).map(|i| format!("rpod-{i}")).collect();
    let docs: Vec<String> = initial
        .iter()
        .map(|n| medium_pod_without_grace(n))
        .collect();
    create(&mut sim, &docs.join("---\n"));
    for p in &initial {
        assert!(node_of(&sim, p).is_some(), "{p} didn't get scheduled");
    }
    apply(
        &mut sim,
        &pause_pod(
            "preemptor-pod",
            "high",
            "cpu: 4900m, memory: '4900'",
            "",
            "",
        ),
    );
    let additional: Vec<String> = (0..20).map(|i| format!("ppod-{i}")).collect();
    let docs: Vec<String> = additional
        .iter()
        .map(|n| medium_pod_without_grace(n))
        .collect();
    apply(&mut sim, &docs.join("---\n"));
    assert_eq!(
        step_until_preempted(&mut sim, "preemptor-pod").as_deref(),
        Some("node1")
    );
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node1"));
    for p in &additional {
        assert!(!was_ever_scheduled(&sim, p), "{p} is already scheduled");
        let pod = sim.cluster().pod(&key(p)).unwrap();
        let c = pod.condition("PodScheduled").expect("condition");
        assert_eq!(&*c.status, "False", "{p} is no longer unschedulable");
    }
}

// ---------------------------------------------------------------------------------------
// TestNominatedNodeCleanUp (fake-node; pods request cpu only)
// ---------------------------------------------------------------------------------------

fn cpu_pod(name: &str, prio: &str, cpu: u32) -> String {
    pause_pod(name, prio, &format!("cpu: '{cpu}'"), "", "")
}

fn fake_node(cpu: u32) -> String {
    node("fake-node", &format!("cpu: '{cpu}'"), "")
}

/// TestNominatedNodeCleanUp "mid-priority pod preempts low-priority pod, followed by a
/// high-priority pod with another preemption": medium (4 cpu) preempts three of the four
/// lows and is nominated; high (3 cpu) is nominated too; medium's nomination ends up
/// cleared (upstream polls for that).
///
/// How it gets cleared differs from upstream's run. The lows started at the same instant,
/// so `MoreImportantPod` ties and the reprieve keeps node order, which puts the running
/// low first: high's two victims are lows already terminating. prepareCandidateAsync
/// (async preemption, on by default) then makes no API call and starts no goroutine, so
/// the lower-priority nominations are not cleared by this preemption; medium loses its
/// nomination when it is retried after the victims are gone and fails (high now runs
/// there, and even without the last low 4 cpu do not fit). Upstream's integration
/// pods have no `status.startTime` (no kubelet), `GetPodStartTime` answers `time.Now()`
/// at each comparison, and the resulting order makes the running low one of high's
/// victims, whose API call clears the nomination at once.
#[test]
fn nominated_node_cleanup_after_another_preemption() {
    let mut sim = cluster(&[fake_node(5)]);
    let lows: Vec<String> = (1..=4)
        .map(|i| cpu_pod(&format!("low-{i}"), "low", 1))
        .collect();
    create(&mut sim, &lows.join("---\n"));
    for i in 1..=4 {
        assert!(node_of(&sim, &format!("low-{i}")).is_some());
    }
    create(&mut sim, &cpu_pod("medium", "medium", 4));
    assert_eq!(nominated(&sim, "medium").as_deref(), Some("fake-node"));
    let first_victims = preempted(&sim);
    assert_eq!(first_victims.len(), 3);
    create(&mut sim, &cpu_pod("high", "high", 3));
    assert_eq!(nominated(&sim, "high").as_deref(), Some("fake-node"));
    // High's victims were already terminating: no new eviction, nominations untouched.
    assert_eq!(preempted(&sim), first_victims);
    assert_eq!(nominated(&sim, "medium").as_deref(), Some("fake-node"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(nominated(&sim, "medium"), None);
    assert_eq!(node_of(&sim, "high").as_deref(), Some("fake-node"));
    assert_eq!(node_of(&sim, "medium"), None);
    assert_eq!(
        failures(&sim, "medium").last().map(String::as_str),
        Some(
            with_preemption(
                "0/1 nodes are available: 1 Insufficient cpu.",
                "0/1 nodes are available: 1 Insufficient cpu."
            )
            .as_str()
        )
    );
}

/// TestNominatedNodeCleanUp "mid-priority pod preempts low-priority pod, followed by a
/// high-priority pod without additional preemption": the high-priority pod fits beside
/// the terminating victim (a lower-priority nomination reserves nothing for it); once the
/// victim is gone the medium pod no longer fits, cannot preempt the high-priority pod,
/// and its nomination is cleared.
#[test]
fn nominated_node_cleanup_when_the_room_was_taken() {
    let mut sim = cluster(&[fake_node(2)]);
    run_pause_pod(&mut sim, &cpu_pod("low", "low", 1));
    create(&mut sim, &cpu_pod("medium", "medium", 2));
    assert_eq!(nominated(&sim, "medium").as_deref(), Some("fake-node"));
    assert_victims(&sim, &["low"]);
    run_pause_pod(&mut sim, &cpu_pod("high", "high", 1));
    assert_eq!(nominated(&sim, "medium").as_deref(), Some("fake-node"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(nominated(&sim, "medium"), None);
    assert_eq!(node_of(&sim, "medium"), None);
    assert_eq!(
        failures(&sim, "medium").last().map(String::as_str),
        Some(
            with_preemption(
                "0/1 nodes are available: 1 Insufficient cpu.",
                "0/1 nodes are available: 1 No preemption victims found for incoming pod."
            )
            .as_str()
        )
    );
}

/// TestNominatedNodeCleanUp "mid-priority pod preempts low-priority pod, followed by a
/// node deletion": with no node left, the next attempt fails with ErrNoNodesAvailable,
/// which clears the nomination.
#[test]
fn nominated_node_cleanup_after_node_deletion() {
    let mut sim = cluster(&[fake_node(1)]);
    run_pause_pod(&mut sim, &cpu_pod("low", "low", 1));
    create(&mut sim, &cpu_pod("medium", "medium", 1));
    assert_eq!(nominated(&sim, "medium").as_deref(), Some("fake-node"));
    assert_victims(&sim, &["low"]);
    sim.execute(Command::Delete {
        kind: Kind::Node,
        key: ObjectKey::cluster("fake-node"),
    })
    .unwrap();
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(nominated(&sim, "medium"), None);
    assert_eq!(
        failures(&sim, "medium").last().map(String::as_str),
        Some("no nodes available to schedule pods")
    );
}

// ---------------------------------------------------------------------------------------
// TestPDBInPreemption (nodes node-1… with 500m cpu, 500 bytes, 32 pods)
// ---------------------------------------------------------------------------------------

/// `mkMinAvailablePDB(name, ns, uid, minAvailable, matchLabels)`.
fn min_available_pdb(name: &str, min_available: u32, labels: &str) -> String {
    format!(
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: {name}, namespace: {NS}}}\nspec:\n  minAvailable: {min_available}\n  selector: {{matchLabels: {{{labels}}}}}\n"
    )
}

/// A `defaultPodRes` pod run on `node` (empty: scheduled by the scheduler).
fn pdb_pod(name: &str, prio: &str, node: &str, labels: &str) -> String {
    let extra = if node.is_empty() {
        String::new()
    } else {
        format!("  nodeName: {node}\n")
    };
    pause_pod(name, prio, DEFAULT_RES, labels, &extra)
}

/// One TestPDBInPreemption case: `nodes` nodes, `existing` pods run one by one, then the
/// PDBs, then the preemptor.
fn pdb_case(nodes: u32, existing: &[String], pdbs: &[String], preemptor: &str) -> Simulation {
    let docs: Vec<String> = (1..=nodes)
        .map(|i| node(&format!("node-{i}"), "cpu: 500m, memory: '500'", ""))
        .collect();
    let mut sim = cluster(&docs);
    for p in existing {
        run_pause_pod(&mut sim, p);
    }
    create(&mut sim, &pdbs.join("---\n"));
    create(&mut sim, preemptor);
    sim
}

/// TestPDBInPreemption "A non-PDB violating pod is preempted despite its higher
/// priority": evicting either low pod would violate pdb-1 (2 pods, minAvailable 2), so
/// the medium pod goes.
#[test]
fn pdb_non_violating_pod_is_preempted_despite_its_higher_priority() {
    let sim = pdb_case(
        1,
        &[
            pdb_pod("low-pod1", "low", "", "foo: bar"),
            pdb_pod("low-pod2", "low", "", "foo: bar"),
            pdb_pod("mid-pod3", "medium", "", ""),
        ],
        &[min_available_pdb("pdb-1", 2, "foo: bar")],
        &pause_pod("preemptor-pod", "high", "cpu: 300m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["mid-pod3"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node-1"));
}

/// TestPDBInPreemption "A node without any PDB violating pods is preferred for
/// preemption".
#[test]
fn pdb_node_without_violations_is_preferred() {
    let sim = pdb_case(
        2,
        &[
            pdb_pod("low-pod1", "low", "node-1", "foo: bar"),
            pdb_pod("mid-pod2", "medium", "node-2", ""),
        ],
        &[min_available_pdb("pdb-1", 2, "foo: bar")],
        &pause_pod("preemptor-pod", "high", "cpu: 500m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["mid-pod2"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node-2"));
}

/// TestPDBInPreemption "A node with fewer PDB violating pods is preferred for
/// preemption": node-1 would violate pdb-1; node-2 and node-3 violate nothing (pdb-2
/// allows 3 disruptions), and node-3's victims have the lower priority.
#[test]
fn pdb_node_with_fewer_violations_is_preferred() {
    let sim = pdb_case(
        3,
        &[
            pdb_pod("low-pod1", "low", "node-1", "foo1: bar"),
            pdb_pod("mid-pod1", "medium", "node-1", ""),
            pdb_pod("low-pod2", "low", "node-2", "foo2: bar"),
            pdb_pod("mid-pod2", "medium", "node-2", "foo2: bar"),
            pdb_pod("low-pod4", "low", "node-3", "foo2: bar"),
            pdb_pod("low-pod5", "low", "node-3", "foo2: bar"),
            pdb_pod("low-pod6", "low", "node-3", "foo2: bar"),
        ],
        &[
            min_available_pdb("pdb-1", 2, "foo1: bar"),
            min_available_pdb("pdb-2", 2, "foo2: bar"),
        ],
        &pause_pod("preemptor-pod", "high", "cpu: 500m, memory: '400'", "", ""),
    );
    assert_victims(&sim, &["low-pod4", "low-pod5", "low-pod6"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node-3"));
}

// ---------------------------------------------------------------------------------------
// TestPreferNominatedNode (node-1, node-2 with 500m cpu, 500 bytes, 32 pods)
// ---------------------------------------------------------------------------------------

fn two_nodes() -> Simulation {
    cluster(&[
        node("node-1", "cpu: 500m, memory: '500'", ""),
        node("node-2", "cpu: 500m, memory: '500'", ""),
    ])
}

/// TestPreferNominatedNode "nominated node released all resource, preemptor is scheduled
/// to the nominated node", adapted: the nomination to node-1 comes from preempting a
/// victim there (created a second after low-pod1, so node-1's victim is the later-started
/// one `pickOneNodeForPreemption` prefers); once it has gone, node-1 passes every filter
/// and the preemptor runs there. (node-2, with low-pod1's 100m, cannot hold 500m.)
#[test]
fn prefer_nominated_node_that_released_its_resources() {
    let mut sim = two_nodes();
    run_pause_pod(&mut sim, &pdb_pod("low-pod1", "low", "node-2", ""));
    sim.advance_time(1000);
    run_pause_pod(
        &mut sim,
        &pause_pod(
            "victim",
            "low",
            "cpu: 500m, memory: '200'",
            "",
            "  nodeName: node-1\n",
        ),
    );
    create(
        &mut sim,
        &pause_pod("preemptor-pod", "high", "cpu: 500m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["victim"]);
    assert_eq!(nominated(&sim, "preemptor-pod").as_deref(), Some("node-1"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod").as_deref(), Some("node-1"));
}

/// TestPreferNominatedNode "nominated node cannot pass all the filters, preemptor should
/// find a different node", adapted: the preemptor is nominated to node-1 by preempting
/// low-pod there (node-2 holds a pod of its own priority). Before it retries, a pod
/// bound to node-1 takes 100m and node-2's pod is deleted; when the victim has gone,
/// node-1 fails NodeResourcesFit and the preemptor runs on node-2.
#[test]
fn prefer_nominated_node_that_fails_a_filter() {
    let mut sim = two_nodes();
    run_pause_pod(&mut sim, &pdb_pod("low-pod", "low", "node-1", ""));
    run_pause_pod(
        &mut sim,
        &pause_pod(
            "blocker",
            "high",
            "cpu: 500m, memory: '200'",
            "",
            "  nodeName: node-2\n",
        ),
    );
    create(
        &mut sim,
        &pause_pod("preemptor-pod1", "high", "cpu: 500m, memory: '200'", "", ""),
    );
    assert_victims(&sim, &["low-pod"]);
    assert_eq!(nominated(&sim, "preemptor-pod1").as_deref(), Some("node-1"));
    run_pause_pod(
        &mut sim,
        &pause_pod("squatter", "high", DEFAULT_RES, "", "  nodeName: node-1\n"),
    );
    sim.execute(Command::Delete {
        kind: Kind::Pod,
        key: key("blocker"),
    })
    .unwrap();
    settle(&mut sim);
    assert_eq!(nominated(&sim, "preemptor-pod1").as_deref(), Some("node-1"));
    sim.run_until_idle(MAX_STEPS);
    assert_eq!(node_of(&sim, "preemptor-pod1").as_deref(), Some("node-2"));
    assert_eq!(preempted(&sim), set(&["low-pod"]));
}
