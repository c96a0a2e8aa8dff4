//! Upstream's integration tests for preemption, `test/integration/scheduler/preemption/
//! preemption_test.go` (kubernetes/kubernetes; read at a revision with
//! `SchedulerAsyncPreemption`, the layout v1.36 keeps), replayed through the whole engine
//! (default profile, Kubernetes v1.36).
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
//!   (`podNamesToDelete`); here its 30 s grace period runs out instead.
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
        &pause_pod("preemptor-pod", "high", "", "", &rwop_volumes(preemptor_claims)),
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
