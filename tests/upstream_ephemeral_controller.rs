//! Upstream's ephemeral volume controller expectations (`<pod>-<volume>` claims for
//! generic ephemeral volumes) as Bindery scenarios.
//!
//! Sources (kubernetes/kubernetes, read for their cases and expected outcomes only):
//! - `pkg/controller/volume/ephemeral/controller.go` (`enqueuePod` on pod add,
//!   `onPVCDelete`, `syncHandler`, `handleVolume`) and `controller_test.go`
//!   (`TestSyncHandler`: "create", "no-such-pod", "pod-deleted", "no-volumes",
//!   "create-with-other-PVC", "wrong-PVC-owner", "create-conflict");
//! - `component-helpers/storage/ephemeral` (`VolumeClaimName`, `VolumeIsForPod`);
//! - the garbage collector's part (the claim is owned by the pod and goes with it) and the
//!   PV controller / scheduler handling the created claim like any other.
//!
//! Adapted (with why):
//! - upstream's fixtures use an empty `volumeClaimTemplate` (the fake client validates
//!   nothing); Bindery admits pods through API validation, which requires the template's
//!   `accessModes` and storage request, so the template here has both.
//! - "no-such-pod" and "pod-deleted" are the controller ignoring a pod that is gone or
//!   terminating: here a deleted pod's claim is garbage-collected and not re-created.
//! - "create-conflict" injects an API conflict into the fake client; Bindery has no error
//!   injection, so a creation the API server refuses (a claim name longer than 253
//!   characters) stands in for it (`upstream_volume_binding.rs`,
//!   `find_pod_volumes_generic_ephemeral`). The rate-limited retries after a failure are
//!   not modelled: the `FailedBinding` event is emitted once per sync.

use bindery_core::events::{EntryKind, EventType};
use bindery_core::model::{Kind, ObjectKey, PodPhase, PvcPhase};
use bindery_core::scenario::export::scenario_yaml;
use bindery_core::Simulation;

const MAX_STEPS: u64 = 100_000;
const NS: &str = "my-namespace";
const CLAIM: &str = "test-pod-ephemeral-volume";

fn node(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}}}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 16Gi, pods: '110'}}\n"
    )
}

fn local_path_class() -> String {
    "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-path}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Delete\n".to_string()
}

/// `testPodWithEphemeral`: pod `test-pod` with volume `ephemeral-volume`; the template
/// carries a label and an annotation the claim must inherit.
fn pod_with_ephemeral() -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: test-pod, namespace: {NS}}}\nspec:\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - name: ephemeral-volume\n    ephemeral:\n      volumeClaimTemplate:\n        metadata:\n          labels: {{type: scratch}}\n          annotations: {{team: storage}}\n        spec: {{accessModes: [ReadWriteOnce], storageClassName: local-path, resources: {{requests: {{storage: 1Gi}}}}}}\n"
    )
}

/// `makePVC(name, namespace, nil)`: a claim nobody owns.
fn unowned_claim(namespace: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {CLAIM}, namespace: {namespace}}}\nspec: {{accessModes: [ReadWriteOnce], storageClassName: local-path, resources: {{requests: {{storage: 1Gi}}}}}}\n"
    )
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(NS, name)
}

struct Run {
    sim: Simulation,
}

impl Run {
    fn new(docs: &[String]) -> Run {
        let mut r = Run {
            sim: Simulation::new(1),
        };
        for d in docs {
            r.apply(d);
        }
        r
    }

    fn apply(&mut self, doc: &str) {
        let parsed = bindery_core::scenario::parse(doc);
        assert!(parsed.errors.is_empty(), "{:?}\n{doc}", parsed.errors);
        for m in &parsed.manifests {
            self.sim
                .apply(&m.manifest)
                .unwrap_or_else(|e| panic!("{e:?}\n{doc}"));
        }
        self.settle();
    }

    fn delete(&mut self, kind: Kind, name: &str) {
        self.sim
            .execute(bindery_core::Command::Delete {
                kind,
                key: key(name),
            })
            .unwrap();
        self.settle();
    }

    fn settle(&mut self) {
        self.sim.run_until_idle(MAX_STEPS);
        assert!(self.sim.is_idle(), "did not settle");
    }

    /// Every claim as `namespace/name`, sorted.
    fn claims(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .sim
            .cluster()
            .pvcs()
            .values()
            .map(|c| format!("{}/{}", c.meta.namespace, c.meta.name))
            .collect();
        v.sort();
        v
    }

    /// `(type, reason, message, source)` of the events about `kind/name`.
    fn events(&self, kind: Kind, name: &str) -> Vec<(EventType, String, String, String)> {
        self.sim
            .events_for(kind, &key(name))
            .iter()
            .filter_map(|e| match &e.kind {
                EntryKind::Event(ev) => Some((
                    ev.type_,
                    ev.reason.to_string(),
                    ev.message.to_string(),
                    ev.source.to_string(),
                )),
                _ => None,
            })
            .collect()
    }

    fn failed_binding(&self) -> Vec<(EventType, String, String, String)> {
        self.events(Kind::Pod, "test-pod")
            .into_iter()
            .filter(|e| e.1 == "FailedBinding")
            .collect()
    }
}

/// "create": the claim `<pod>-<volume>` is created in the pod's namespace, controlled by
/// the pod (`blockOwnerDeletion` too), with the template's labels, annotations and spec;
/// then the PV controller, scheduler and provisioner treat it as any WaitForFirstConsumer
/// claim, and the pod runs.
#[test]
fn create() {
    let r = Run::new(&[node("node-1"), local_path_class(), pod_with_ephemeral()]);
    assert_eq!(r.claims(), [format!("{NS}/{CLAIM}")]);
    let pod = r.sim.cluster().pod(&key("test-pod")).unwrap();
    let claim = r.sim.cluster().pvc(&key(CLAIM)).unwrap();
    let owner = claim.meta.controller().expect("controller reference");
    assert_eq!(
        (
            &*owner.api_version,
            &*owner.kind,
            &*owner.name,
            &owner.uid,
            owner.block_owner_deletion
        ),
        ("v1", "Pod", "test-pod", &pod.meta.uid, true)
    );
    assert_eq!(claim.meta.owners.len(), 1);
    assert_eq!(claim.meta.labels.get("type"), Some("scratch"));
    assert_eq!(claim.meta.annotations.get("team"), Some("storage"));
    assert_eq!(claim.phase, PvcPhase::Bound);
    assert_eq!(pod.status.phase, PodPhase::Running);
    assert_eq!(pod.node_name(), Some("node-1"));
    assert!(r.failed_binding().is_empty());
    // The claim is the controller's work, not part of the scenario: the exported inputs
    // keep the pod with its template and no claim.
    let inputs = scenario_yaml(&r.sim);
    assert!(inputs.contains("volumeClaimTemplate"), "{inputs}");
    assert!(!inputs.contains("kind: PersistentVolumeClaim"), "{inputs}");
}

/// "no-volumes": a pod without ephemeral volumes gets no claim.
#[test]
fn no_volumes() {
    let r = Run::new(&[
        node("node-1"),
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: test-pod, namespace: {NS}}}\nspec:\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - {{name: scratch, emptyDir: {{}}}}\n"
        ),
    ]);
    assert!(r.claims().is_empty());
    assert_eq!(
        r.sim.cluster().pod(&key("test-pod")).unwrap().status.phase,
        PodPhase::Running
    );
}

/// "create-with-other-PVC": a claim of the same name in another namespace is not the
/// pod's; its own is created next to it.
#[test]
fn create_with_other_namespace_claim() {
    let r = Run::new(&[
        node("node-1"),
        local_path_class(),
        unowned_claim("not-my-namespace"),
        pod_with_ephemeral(),
    ]);
    assert_eq!(
        r.claims(),
        [format!("{NS}/{CLAIM}"), format!("not-my-namespace/{CLAIM}")]
    );
    assert!(r.failed_binding().is_empty());
}

/// "wrong-PVC-owner": a claim of that name the pod does not control stays as it is; the
/// controller reports it on the pod, and the scheduler refuses the claim with the same
/// `VolumeIsForPod` error.
#[test]
fn wrong_claim_owner() {
    let r = Run::new(&[
        node("node-1"),
        local_path_class(),
        unowned_claim(NS),
        pod_with_ephemeral(),
    ]);
    assert_eq!(r.claims(), [format!("{NS}/{CLAIM}")]);
    let claim = r.sim.cluster().pvc(&key(CLAIM)).unwrap();
    assert!(claim.meta.owners.is_empty());
    let not_owner =
        format!("PVC {NS}/{CLAIM} was not created for pod {NS}/test-pod (pod is not owner)");
    assert_eq!(
        r.failed_binding(),
        [(
            EventType::Warning,
            "FailedBinding".to_string(),
            format!("ephemeral volume ephemeral-volume: {not_owner}"),
            "ephemeral_volume".to_string(),
        )]
    );
    let pod = r.sim.cluster().pod(&key("test-pod")).unwrap();
    assert_eq!(pod.node_name(), None);
    let scheduled = pod.condition("PodScheduled").expect("PodScheduled");
    assert_eq!(
        (&*scheduled.reason, &*scheduled.message),
        // A PreFilter rejection: the whole message is its reason, then PostFilter's
        // "not found" (as for any PreFilter-rejected pod, `upstream_framework.rs`).
        (
            "Unschedulable",
            &*format!("0/1 nodes are available: {not_owner}. not found")
        )
    );
}

/// `onPVCDelete`: a claim deleted while its pod exists is created again (here: the pod is
/// still Pending, so the claim's protection finalizer does not hold it).
#[test]
fn deleted_claim_is_recreated() {
    // No node: the pod stays Pending and never uses the claim.
    let mut r = Run::new(&[local_path_class(), pod_with_ephemeral()]);
    let first = r.sim.cluster().pvc(&key(CLAIM)).unwrap().meta.uid.clone();
    r.delete(Kind::PersistentVolumeClaim, CLAIM);
    let again = r.sim.cluster().pvc(&key(CLAIM)).expect("re-created");
    assert_ne!(again.meta.uid, first, "a new claim, not the old one");
    assert_eq!(again.meta.deletion, None);
}

/// "pod-deleted" / "no-such-pod": when the pod goes, the garbage collector removes its
/// claim (the pod owns it) and the controller does not bring it back; the provisioned
/// volume follows the class's Delete reclaim policy.
#[test]
fn deleted_pod_takes_its_claim() {
    let mut r = Run::new(&[node("node-1"), local_path_class(), pod_with_ephemeral()]);
    let volume = r
        .sim
        .cluster()
        .pvc(&key(CLAIM))
        .unwrap()
        .volume_name
        .clone()
        .expect("provisioned");
    r.delete(Kind::Pod, "test-pod");
    assert!(r.sim.cluster().pod(&key("test-pod")).is_none());
    assert!(r.claims().is_empty());
    assert!(r.sim.cluster().pv(&volume).is_none(), "reclaimed (Delete)");
}

/// A pod placed with `spec.nodeName` whose ephemeral claim name is held by someone else's
/// claim: the kubelet does not start it on that claim (`VolumeIsForPod` in the volume
/// manager), and the claim is not "in use" for the protection controller (`podUsesPVC`
/// counts an ephemeral volume's claim only when the pod controls it), so deleting it
/// goes through at once; the ephemeral volume controller then creates the pod's own claim,
/// which binds, and the pod starts.
#[test]
fn foreign_claim_deleted_makes_way_for_the_pods_own() {
    let manual = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: manual}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: Immediate\n";
    let pv = |name: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: 1Gi}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: manual\n  hostPath: {{path: /tmp/{name}}}\n"
        )
    };
    let foreign = format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {CLAIM}, namespace: {NS}}}\nspec: {{accessModes: [ReadWriteOnce], storageClassName: manual, volumeName: pv-a, resources: {{requests: {{storage: 1Gi}}}}}}\n"
    );
    let pod = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: test-pod, namespace: {NS}}}\nspec:\n  nodeName: node-1\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - name: ephemeral-volume\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {{accessModes: [ReadWriteOnce], storageClassName: manual, resources: {{requests: {{storage: 1Gi}}}}}}\n"
    );
    let mut r = Run::new(&[
        node("node-1"),
        manual.to_string(),
        pv("pv-a"),
        pv("pv-b"),
        foreign,
        pod,
    ]);
    let claim = r.sim.cluster().pvc(&key(CLAIM)).unwrap();
    assert_eq!(claim.volume_name.as_deref(), Some("pv-a"));
    assert_eq!(r.failed_binding().len(), 1);
    let pending = r.sim.cluster().pod(&key("test-pod")).unwrap();
    assert_eq!(
        pending.status.phase,
        PodPhase::Pending,
        "not started on a claim it does not own"
    );

    r.delete(Kind::PersistentVolumeClaim, CLAIM);
    let own = r
        .sim
        .cluster()
        .pvc(&key(CLAIM))
        .expect("the pod's own claim");
    let pod = r.sim.cluster().pod(&key("test-pod")).unwrap();
    assert_eq!(own.meta.controller().map(|o| &o.uid), Some(&pod.meta.uid));
    assert_eq!(own.volume_name.as_deref(), Some("pv-b"));
    assert_eq!(pod.status.phase, PodPhase::Running);
}

/// The scheduler's claim reference counts (`NodeInfo.PVCRefCounts`, read by
/// VolumeRestrictions' ReadWriteOncePod check) count `persistentVolumeClaim` volumes only:
/// a second pod naming another pod's ReadWriteOncePod ephemeral claim directly is not
/// refused by the scheduler; the kubelet's own ReadWriteOncePod check keeps it from
/// starting.
#[test]
fn rwop_ephemeral_claim_is_not_counted_by_the_scheduler() {
    let owner = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: test-pod, namespace: {NS}}}\nspec:\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - name: ephemeral-volume\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {{accessModes: [ReadWriteOncePod], storageClassName: local-path, resources: {{requests: {{storage: 1Gi}}}}}}\n"
    );
    let borrower = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: borrower, namespace: {NS}}}\nspec:\n  containers: [{{name: c, image: pause}}]\n  volumes:\n  - name: data\n    persistentVolumeClaim: {{claimName: {CLAIM}}}\n"
    );
    let r = Run::new(&[node("node-1"), local_path_class(), owner, borrower]);
    let owner = r.sim.cluster().pod(&key("test-pod")).unwrap();
    assert_eq!(owner.status.phase, PodPhase::Running);
    let borrower = r.sim.cluster().pod(&key("borrower")).unwrap();
    assert_eq!(
        borrower.node_name(),
        Some("node-1"),
        "scheduled: no RWOP conflict seen"
    );
    assert_eq!(borrower.status.phase, PodPhase::Pending);
    let mounts: Vec<_> = r
        .events(Kind::Pod, "borrower")
        .into_iter()
        .filter(|e| e.1 == "FailedMount")
        .collect();
    assert_eq!(mounts.len(), 1, "{mounts:?}");
}
