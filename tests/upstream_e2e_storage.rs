//! Upstream's storage **e2e** tests (`test/e2e/storage/...`), the scheduling and binding
//! expectations only, as Bindery scenarios.
//!
//! Sources (kubernetes/kubernetes, read for their steps and expected outcomes only; the
//! stored copies are older than v1.36 where noted, and v1.36 wording from
//! `crates/core/src/version.rs` is asserted wherever a message is checked):
//! - `test/e2e/storage/testsuites/readwriteoncepod.go` (the v1.29+ form with `f.It`);
//! - `test/e2e/storage/persistent_volumes-local.go` (a v1.27-era copy);
//! - `test/e2e/storage/testsuites/topology.go` (a v1.16-era copy; the steps are unchanged)
//!   and `testsuites/provisioning.go` (`TestBindingWaitForFirstConsumerMultiPVC`);
//! - `test/e2e/storage/volume_provisioning.go` (delayed binding with and without
//!   `allowedTopologies`, reclaim policy Retain, the claim deletion race,
//!   `DynamicProvisioner Default`);
//! - `test/e2e/storage/csi_mock/csi_volume_limit.go` and `csi_mock/csi_storage_capacity.go`
//!   (the "CSIStorageCapacity" table), `testsuites/volumelimits.go` ("should support volume
//!   limits");
//! - `test/e2e/storage/testsuites/ephemeral.go` (the generic ephemeral volume pattern:
//!   read/write volume, two pods with the same volume definition, multiple volumes);
//! - `test/e2e/storage/pvc_protection.go` (a v1.11-era copy), `pv_protection.go`,
//!   `persistent_volumes.go` (`with Single PV - PVC pairs`, `with multiple PVs and PVCs all
//!   in same ns`).
//!
//! How an e2e run maps onto Bindery: `WaitForPodRunning…` is phase `Running` after the
//! simulation settles; `WaitForPodNameUnschedulableInNamespace` is
//! `PodScheduled=False/Unschedulable` (its message is asserted in full: upstream's e2e
//! tests only wait for the condition, and the text is what v1.36's scheduler builds for
//! these clusters); `DeletePodWithWait` is a delete followed by running
//! until idle (the grace period passes in simulated time); a test driver's StorageClass
//! is a class whose provisioner Bindery's zonal CSI provisioner serves (nodes without a
//! zone label get volumes without node affinity, as csi-hostpath's single-node topology
//! amounts to on a one-zone cluster). Upstream picks a random node (`config.randomNode`);
//! here it is a fixed one.
//!
//! Skipped (with why):
//! - readwriteoncepod.go: the `ContainerCreating` waiting reason of the blocked pod's
//!   container (Bindery keeps no container statuses; the pod staying `Pending` with the
//!   kubelet's `FailedMount` event is asserted instead), and the kubelet's retries with
//!   backoff (the event is emitted once per look, not counted up); the data checks of "should
//!   successfully mount a ReadWriteOncePod volume when consumed by a single pod with
//!   multiple containers" (only that the pod runs is ported).
//! - persistent_volumes-local.go: every read/write/fsGroup check (kubelet and mount
//!   behaviour), the per-volume-type repetition (directory, link, bind mount, tmpfs, block,
//!   GCE local SSD: the scheduling is the same for all), "should fail due to non-existent
//!   path" (a mount failure), "Stress with local volumes" (pods that complete after
//!   `sleep 1` and a goroutine that recycles Released PVs: container exit is not modelled).
//! - topology.go / provisioning.go: the data checks and snapshot / clone data sources.
//! - volume_provisioning.go: cloud-specific cases (GCE/AWS/vSphere/Azure parameters, KMS
//!   keys, unmanaged zones, the in-tree plugins' `pv.kubernetes.io/provisioned-by`
//!   checks) and the external nfs-provisioner deployment case.
//! - ephemeral.go: the mount checks (read-only / read-write flags, data not shared between
//!   pods), "should support expansion of pvcs created for ephemeral pvcs" (online
//!   expansion's filesystem resize is not modelled), and the CSI inline volume pattern.
//! - csi_storage_capacity.go's "storage capacity" context (`resourceExhausted` injected
//!   into the mock driver's CreateVolume, the expected gRPC call sequence, the
//!   `selected-node` reset it causes with topology): Bindery has no gRPC layer or error
//!   injection; the reset itself is pinned by the adapted `TestRescheduleProvisioning` in
//!   `upstream_integration_volumescheduling.rs`.
//! - csi_attach_volume.go (VolumeAttachment objects), `volume_limits.go` and
//!   volumelimits.go's "should verify that all csinodes have volume limits" (what nodes
//!   report): Bindery models no VolumeAttachments or kubelet-reported limits.
//! - persistent_volumes.go: the Recycle reclaim policy (deprecated, a recycler pod), NFS
//!   server setup and write checks, "should run through the lifecycle of a PV and a PVC"
//!   (API status patch / list / watch operations).

use std::sync::Arc;

use bindery_core::events::EventType;
use bindery_core::model::{Kind, ObjectKey, Pod, PodPhase, PvPhase, PvcPhase};
use bindery_core::version::V1_36;
use bindery_core::Simulation;

const MAX_STEPS: u64 = 1_000_000;
const NS: &str = "e2e";
const ZONE: &str = "topology.kubernetes.io/zone";

// --- fixtures ----------------------------------------------------------------------------

/// A ready node labelled with its hostname and, optionally, a zone.
fn node(name: &str, zone: Option<&str>) -> String {
    let zone = zone.map(|z| format!(", '{ZONE}': {z}")).unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}{zone}}}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 16Gi, pods: '110'}}\n  conditions: [{{type: Ready, status: 'True'}}]\n"
    )
}

fn class(name: &str, provisioner: &str, mode: &str, extra: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: {mode}\n{extra}"
    )
}

/// A claim in the test namespace; `class` `None` leaves `storageClassName` unset, `Some("")`
/// asks for no class.
fn pvc(name: &str, class: Option<&str>, mode: &str, size: &str, extra: &str) -> String {
    let class = match class {
        Some(c) => format!("  storageClassName: '{c}'\n"),
        None => String::new(),
    };
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}, namespace: {NS}}}\nspec:\n  accessModes: [{mode}]\n{class}  resources: {{requests: {{storage: {size}}}}}\n{extra}"
    )
}

/// `makeLocalPVConfig`: a local PV pinned by hostname, `e2epv.MakePersistentVolume`'s
/// defaults (2Gi, ReadWriteOnce, Retain).
fn local_pv(name: &str, class: &str, node: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n  capacity: {{storage: 2Gi}}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: {class}\n  local: {{path: /tmp/{name}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: kubernetes.io/hostname, operator: In, values: [{node}]}}\n"
    )
}

/// `e2epod.MakeSecPod`: one container, one volume per claim; `spec_extra` is appended to
/// the spec (node name, selector, affinity, priority class).
fn pod(name: &str, claims: &[&str], spec_extra: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {NS}}}\nspec:\n  containers: [{{name: write-pod, image: busybox}}]\n{spec_extra}"
    );
    if !claims.is_empty() {
        s.push_str("  volumes:\n");
        for (i, c) in claims.iter().enumerate() {
            s.push_str(&format!(
                "  - name: volume{}\n    persistentVolumeClaim: {{claimName: {c}}}\n",
                i + 1
            ));
        }
    }
    s
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(NS, name)
}

// --- harness -----------------------------------------------------------------------------

struct Cluster {
    sim: Simulation,
}

impl Cluster {
    fn new(docs: &[String]) -> Self {
        let mut c = Cluster {
            sim: Simulation::new(1),
        };
        c.create(docs);
        c
    }

    /// Creates the objects in order (as a test's API calls are), then settles.
    fn create(&mut self, docs: &[String]) {
        for d in docs {
            let parsed = bindery_core::scenario::parse(d);
            assert!(parsed.errors.is_empty(), "{:?}\n{d}", parsed.errors);
            for m in &parsed.manifests {
                self.sim
                    .create(&m.manifest)
                    .unwrap_or_else(|e| panic!("{e:?}\n{d}"));
            }
        }
        self.settle();
    }

    fn settle(&mut self) {
        self.sim.run_until_idle(MAX_STEPS);
        assert!(self.sim.is_idle(), "did not settle");
    }

    fn delete(&mut self, kind: Kind, key: &ObjectKey) {
        self.sim
            .delete(kind, key)
            .unwrap_or_else(|e| panic!("delete {key:?}: {e:?}"));
        self.settle();
    }

    fn delete_pod(&mut self, name: &str) {
        self.delete(Kind::Pod, &key(name));
        assert!(self.pod(name).is_none(), "pod {name} still exists");
    }

    fn pod(&self, name: &str) -> Option<Arc<Pod>> {
        self.sim.cluster().pod(&key(name)).cloned()
    }

    /// `WaitForPodRunningInNamespace`: returns the pod's node.
    fn running(&self, name: &str) -> String {
        let p = self.pod(name).unwrap_or_else(|| panic!("no pod {name}"));
        assert_eq!(
            p.status.phase,
            PodPhase::Running,
            "pod {name} is not running: {:?}",
            p.condition("PodScheduled")
                .map(|c| (c.reason.to_string(), c.message.to_string()))
        );
        p.node_name().expect("running pod has a node").to_string()
    }

    /// `WaitForPodNameUnschedulableInNamespace`: unassigned, `PodScheduled=False` with
    /// reason `Unschedulable`; returns the condition's message, which the last
    /// `FailedScheduling` event repeats.
    fn unschedulable(&self, name: &str) -> String {
        let p = self.pod(name).unwrap_or_else(|| panic!("no pod {name}"));
        assert_eq!(p.node_name(), None, "pod {name} was scheduled");
        assert_eq!(p.status.phase, PodPhase::Pending);
        let c = p.condition("PodScheduled").expect("PodScheduled condition");
        assert_eq!(
            (&*c.status, &*c.reason),
            ("False", "Unschedulable"),
            "pod {name}"
        );
        assert!(!c.message.is_empty());
        let events = self.events(Kind::Pod, &key(name), "FailedScheduling");
        assert_eq!(
            events.last().map(|(t, m)| (*t, m.as_str())),
            Some((EventType::Warning, &*c.message))
        );
        c.message.to_string()
    }

    fn events(&self, kind: Kind, key: &ObjectKey, reason: &str) -> Vec<(EventType, String)> {
        self.sim
            .log()
            .events_for(kind, key)
            .filter(|(_, e)| e.reason == reason)
            .map(|(_, e)| (e.type_, e.message.to_string()))
            .collect()
    }

    fn pvc_phase(&self, name: &str) -> PvcPhase {
        self.sim
            .cluster()
            .pvc(&key(name))
            .unwrap_or_else(|| panic!("no claim {name}"))
            .phase
    }

    fn pvc_volume(&self, name: &str) -> String {
        let c = self.sim.cluster().pvc(&key(name)).expect("claim");
        assert_eq!(c.phase, PvcPhase::Bound, "claim {name}");
        c.volume_name
            .as_deref()
            .expect("bound claim names its volume")
            .to_string()
    }

    fn pvc_terminating(&self, name: &str) -> bool {
        self.sim
            .cluster()
            .pvc(&key(name))
            .unwrap_or_else(|| panic!("no claim {name}"))
            .meta
            .deletion
            .is_some()
    }

    fn pv_phase(&self, name: &str) -> PvPhase {
        self.sim
            .cluster()
            .pv(name)
            .unwrap_or_else(|| panic!("no volume {name}"))
            .phase
    }

    fn node_label(&self, node: &str, label: &str) -> Option<String> {
        self.sim.cluster().nodes[node]
            .meta
            .labels
            .get(label)
            .map(str::to_string)
    }
}

// --- testsuites/readwriteoncepod.go ------------------------------------------------------

/// The `DefaultFsDynamicPV` pattern with a CSI driver (a WaitForFirstConsumer class
/// here) on a two-node cluster, and `CreateVolumeResourceWithAccessModes`'s
/// ReadWriteOncePod claim.
fn rwop_cluster() -> Cluster {
    Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        class(
            "csi-hostpath-sc",
            "hostpath.csi.k8s.io",
            "WaitForFirstConsumer",
            "",
        ),
        pvc(
            "rwop-pvc",
            Some("csi-hostpath-sc"),
            "ReadWriteOncePod",
            "1Mi",
            "",
        ),
    ])
}

/// readwriteoncepod.go, "should preempt lower priority pods using ReadWriteOncePod
/// volumes": pod1 runs; pod2 (priority 1000) preempts it and runs; pod1 created again is
/// Unschedulable; once pod2 is deleted, pod1 runs.
#[test]
fn rwop_should_preempt_lower_priority_pods_using_the_volume() {
    let mut c = rwop_cluster();
    c.create(&["apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: e2e-test-read-write-once-pod}\nvalue: 1000\n".to_string()]);
    c.create(&[pod("pod1", &["rwop-pvc"], "")]);
    let node1 = c.running("pod1");
    c.create(&[pod(
        "pod2",
        &["rwop-pvc"],
        "  priorityClassName: e2e-test-read-write-once-pod\n",
    )]);
    // WaitForPodNotFoundInNamespace(pod1), then pod2 running.
    assert!(c.pod("pod1").is_none(), "pod1 was not preempted");
    let preempted = c.events(Kind::Pod, &key("pod1"), "Preempted");
    assert_eq!(preempted.len(), 1, "{preempted:?}");
    assert_eq!(c.running("pod2"), node1, "pod2 runs where the victim was");
    // pod1 again: Unschedulable, as pod2 holds the claim and has the higher priority.
    c.create(&[pod("pod1", &["rwop-pvc"], "")]);
    let msg = c.unschedulable("pod1");
    assert!(msg.contains(V1_36.rwop_conflict), "{msg}");
    assert_eq!(
        msg,
        format!(
            "0/2 nodes are available: 2 {}. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.",
            V1_36.rwop_conflict
        )
    );
    // DeletePodWithWait(pod2), then pod1 running.
    c.delete_pod("pod2");
    c.running("pod1");
}

/// readwriteoncepod.go, "should block a second pod from using an in-use ReadWriteOncePod
/// volume on the same node": pod2 bypasses the scheduler with `spec.nodeName` = pod1's
/// node; the kubelet refuses to mount the volume (`FailedMount` with "volume uses the
/// ReadWriteOncePod access mode and is already in use by another pod") and pod2 stays
/// Pending; once pod1 is deleted, pod2 runs.
#[test]
fn rwop_should_block_a_second_pod_from_an_in_use_volume_on_the_same_node() {
    let mut c = rwop_cluster();
    c.create(&[pod("pod1", &["rwop-pvc"], "")]);
    let node1 = c.running("pod1");
    c.create(&[pod(
        "pod2",
        &["rwop-pvc"],
        &format!("  nodeName: {node1}\n"),
    )]);
    let p2 = c.pod("pod2").unwrap();
    assert_eq!(p2.node_name(), Some(node1.as_str()));
    assert_eq!(p2.status.phase, PodPhase::Pending, "pod2 must not start");
    let failed = c.events(Kind::Pod, &key("pod2"), "FailedMount");
    let msg = "volume uses the ReadWriteOncePod access mode and is already in use by another pod";
    assert!(
        failed
            .iter()
            .any(|(t, m)| *t == EventType::Warning && m.contains(msg)),
        "{failed:?}"
    );
    // The kubelet's event text: `MountVolume.SetUp failed for volume "<pv>" : <error>`.
    let pv = c.pvc_volume("rwop-pvc");
    assert_eq!(
        failed[0].1,
        format!("MountVolume.SetUp failed for volume \"{pv}\" : {msg}")
    );
    c.delete_pod("pod1");
    assert_eq!(c.running("pod2"), node1);
}

/// readwriteoncepod.go, "should successfully mount a ReadWriteOncePod volume when consumed
/// by a single pod with multiple containers": two containers of one pod are one user.
#[test]
fn rwop_single_pod_with_multiple_containers_runs() {
    let mut c = rwop_cluster();
    c.create(&["apiVersion: v1\nkind: Pod\nmetadata: {name: pod, namespace: e2e}\nspec:\n  containers:\n  - {name: container-one, image: busybox}\n  - {name: container-two, image: busybox}\n  volumes:\n  - name: volume1\n    persistentVolumeClaim: {claimName: rwop-pvc}\n".to_string()]);
    c.running("pod");
    assert_eq!(c.pvc_phase("rwop-pvc"), PvcPhase::Bound);
    assert!(c.events(Kind::Pod, &key("pod"), "FailedMount").is_empty());
}

// --- persistent_volumes-local.go ---------------------------------------------------------

/// `config.scName` (`local-volume-test-storageclass-<ns>`).
const LOCAL_SC: &str = "local-volume-test-storageclass-e2e";
/// `config.randomNode`: upstream picks one of the (up to five) ready nodes at random.
const RANDOM_NODE: &str = "node-2";
/// `conflictNodeName`: `config.nodes[0]`, or `nodes[1]` when that is the random node.
const CONFLICT_NODE: &str = "node-1";

/// Three ready nodes and the suite's `kubernetes.io/no-provisioner` class in `mode`.
fn local_cluster(mode: &str) -> Cluster {
    Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        node("node-3", None),
        class(LOCAL_SC, "kubernetes.io/no-provisioner", mode, ""),
    ])
}

/// `setupLocalVolumesPVCsPVs(…, node, count, mode)`: `count` local PVs on `node`, each with
/// a claim (`makeLocalPVCConfig`: ReadWriteOnce, e2epv's default 2Gi), not pre-bound. In
/// Immediate mode each pair binds (`verifyLocalVolume`); with WaitForFirstConsumer the
/// claims stay Pending. Returns the (pv, claim) names.
fn setup_local_volumes(
    c: &mut Cluster,
    node: &str,
    count: usize,
    mode: &str,
) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for i in 1..=count {
        let (pv, claim) = (format!("local-pv-{node}-{i}"), format!("pvc-{node}-{i}"));
        c.create(&[
            local_pv(&pv, LOCAL_SC, node),
            pvc(&claim, Some(LOCAL_SC), "ReadWriteOnce", "2Gi", ""),
        ]);
        pairs.push((pv, claim));
    }
    for (pv, claim) in &pairs {
        if mode == "Immediate" {
            assert_eq!(&c.pvc_volume(claim), pv, "claim {claim}");
            assert_eq!(c.pv_phase(pv), PvPhase::Bound);
        } else {
            assert_eq!(c.pvc_phase(claim), PvcPhase::Pending, "claim {claim}");
            assert_eq!(c.pv_phase(pv), PvPhase::Available);
            let ev = c.events(
                Kind::PersistentVolumeClaim,
                &key(claim),
                "WaitForFirstConsumer",
            );
            assert_eq!(
                ev.last().map(|(t, m)| (*t, m.as_str())),
                Some((
                    EventType::Normal,
                    "waiting for first consumer to be created before binding"
                ))
            );
        }
    }
    pairs
}

/// The `[Volume type: dir]` context's BeforeEach: an Immediate class and one bound local
/// volume on the random node.
fn one_local_volume() -> (Cluster, String) {
    let mut c = local_cluster("Immediate");
    let pairs = setup_local_volumes(&mut c, RANDOM_NODE, 1, "Immediate");
    let claim = pairs[0].1.clone();
    (c, claim)
}

/// persistent_volumes-local.go, "[Volume type: dir] One pod requesting one prebound PVC
/// should be able to mount volume and read from pod1" (and "…write from pod1"):
/// `verifyLocalPod` checks pod1 runs on the volume's node.
#[test]
fn local_one_pod_requesting_one_prebound_pvc_runs_on_the_volume_node() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod("pod1", &[&claim], "")]);
    assert_eq!(c.running("pod1"), RANDOM_NODE);
}

/// persistent_volumes-local.go, "Two pods mounting a local volume at the same time should
/// be able to write from pod1 and read from pod2": both run, on the volume's node.
#[test]
fn local_two_pods_mounting_a_volume_at_the_same_time() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod("pod1", &[&claim], "")]);
    assert_eq!(c.running("pod1"), RANDOM_NODE);
    c.create(&[pod("pod2", &[&claim], "")]);
    assert_eq!(c.running("pod2"), RANDOM_NODE);
    assert_eq!(c.running("pod1"), RANDOM_NODE);
}

/// persistent_volumes-local.go, "Two pods mounting a local volume one after the other
/// should be able to write from pod1 and read from pod2": pod1 runs, is deleted, pod2 runs
/// on the same node with the claim still bound.
#[test]
fn local_two_pods_mounting_a_volume_one_after_the_other() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod("pod1", &[&claim], "")]);
    assert_eq!(c.running("pod1"), RANDOM_NODE);
    c.delete(Kind::Pod, &key("pod1"));
    assert!(c.pod("pod1").is_none());
    assert_eq!(c.pvc_phase(&claim), PvcPhase::Bound);
    c.create(&[pod("pod2", &[&claim], "")]);
    assert_eq!(c.running("pod2"), RANDOM_NODE);
}

/// The message both "should fail scheduling due to different …" cases get: the two other
/// nodes fail NodeAffinity, the conflict node VolumeBinding (v1.36 wording); both are
/// UnschedulableAndUnresolvable, so preemption is not helpful anywhere.
fn node_conflict_message() -> String {
    format!(
        "0/3 nodes are available: 1 {}, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
        V1_36.volume_node_affinity_conflict
    )
}

/// persistent_volumes-local.go, "Pod with node different from PV's NodeAffinity should
/// fail scheduling due to different NodeAffinity" (`makeLocalPodWithNodeAffinity`:
/// required `kubernetes.io/hostname In [conflict node]`).
#[test]
fn local_should_fail_scheduling_due_to_different_node_affinity() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod(
        "pod",
        &[&claim],
        &format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {{key: kubernetes.io/hostname, operator: In, values: [{CONFLICT_NODE}]}}\n"),
    )]);
    assert_eq!(c.unschedulable("pod"), node_conflict_message());
}

/// persistent_volumes-local.go, "Pod with node different from PV's NodeAffinity should
/// fail scheduling due to different NodeSelector" (`makeLocalPodWithNodeSelector`).
#[test]
fn local_should_fail_scheduling_due_to_different_node_selector() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod(
        "pod",
        &[&claim],
        &format!("  nodeSelector: {{kubernetes.io/hostname: {CONFLICT_NODE}}}\n"),
    )]);
    assert_eq!(c.unschedulable("pod"), node_conflict_message());
}

/// persistent_volumes-local.go, "Local volume that cannot be mounted should fail due to
/// wrong node": `makeLocalPodWithNodeName` pins the pod with `e2epod.SetNodeAffinity`
/// (`matchFields metadata.name In [node]`) to a node other than the volume's; the pod
/// never runs (the scheduler rejects it). A `metadata.name` field selector lets
/// NodeAffinity's PreFilter narrow the cycle to that node, so the other two are reported
/// as absent from the PreFilter result (`SetAbsentNodesStatus`: "didn't satisfy plugin(s)
/// [NodeAffinity]") rather than by NodeAffinity's Filter.
#[test]
fn local_should_fail_due_to_wrong_node() {
    let (mut c, claim) = one_local_volume();
    c.create(&[pod(
        "pod",
        &[&claim],
        &format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - {{key: metadata.name, operator: In, values: [{CONFLICT_NODE}]}}\n"),
    )]);
    assert_ne!(c.pod("pod").unwrap().status.phase, PodPhase::Running);
    assert_eq!(
        c.unschedulable("pod"),
        format!(
            "0/3 nodes are available: 1 {}, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            V1_36.volume_node_affinity_conflict
        )
    );
}

/// `createStatefulSet(config, 3, volumeCount, anti, parallel)`: `local-volume-statefulset`
/// with claim templates `vol1…volN` (10Mi, the suite's class) and a required pod
/// (anti-)affinity term on `app: local-volume-test` by hostname.
fn local_statefulset(volumes: usize, anti: bool, parallel: bool) -> String {
    let kind = if anti {
        "podAntiAffinity"
    } else {
        "podAffinity"
    };
    let policy = if parallel {
        "  podManagementPolicy: Parallel\n"
    } else {
        ""
    };
    let mut mounts = String::new();
    let mut templates = String::new();
    for i in 1..=volumes {
        mounts.push_str(&format!("        - {{name: vol{i}, mountPath: /vol{i}}}\n"));
        templates.push_str(&format!(
            "  - metadata: {{name: vol{i}}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      storageClassName: {LOCAL_SC}\n      resources: {{requests: {{storage: 10Mi}}}}\n"
        ));
    }
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: local-volume-statefulset, namespace: {NS}}}\nspec:\n  replicas: 3\n  serviceName: test-service\n{policy}  selector: {{matchLabels: {{app: local-volume-test}}}}\n  template:\n    metadata: {{labels: {{app: local-volume-test}}}}\n    spec:\n      affinity:\n        {kind}:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - labelSelector:\n              matchExpressions: [{{key: app, operator: In, values: [local-volume-test]}}]\n            topologyKey: kubernetes.io/hostname\n      containers:\n      - name: nginx\n        image: nginx\n        volumeMounts:\n{mounts}  volumeClaimTemplates:\n{templates}"
    )
}

/// The "StatefulSet with pod affinity [Slow]" context: a WaitForFirstConsumer class and
/// six local volumes per node, each with a claim that no pod uses; then the StatefulSet,
/// `WaitForRunningAndReady`, and `validateStatefulSet`: one node per pod (anti-affinity)
/// or one node for all (affinity), every claim of every pod Bound (to a volume on the
/// pod's node).
fn statefulset_with_local_volumes(volumes: usize, anti: bool, parallel: bool) {
    let mut c = local_cluster("WaitForFirstConsumer");
    let mut unused = Vec::new();
    for n in ["node-1", "node-2", "node-3"] {
        unused.extend(setup_local_volumes(&mut c, n, 6, "WaitForFirstConsumer"));
    }
    c.create(&[local_statefulset(volumes, anti, parallel)]);
    let mut nodes = std::collections::BTreeSet::new();
    for i in 0..3 {
        let name = format!("local-volume-statefulset-{i}");
        let node = c.running(&name);
        for v in 1..=volumes {
            let claim = format!("vol{v}-local-volume-statefulset-{i}");
            let pv = c.pvc_volume(&claim);
            assert!(
                pv.starts_with(&format!("local-pv-{node}-")),
                "{claim} bound to {pv}, pod on {node}"
            );
        }
        nodes.insert(node);
    }
    assert_eq!(nodes.len(), if anti { 3 } else { 1 }, "{nodes:?}");
    // The claims created with the volumes stay Pending: no pod uses them.
    for (_, claim) in &unused {
        assert_eq!(c.pvc_phase(claim), PvcPhase::Pending, "claim {claim}");
    }
}

/// persistent_volumes-local.go, "StatefulSet with pod affinity [Slow] should use volumes
/// spread across nodes when pod has anti-affinity" (six volumes per pod).
#[test]
fn local_statefulset_spreads_across_nodes_with_anti_affinity() {
    statefulset_with_local_volumes(6, true, false);
}

/// persistent_volumes-local.go, "… should use volumes on one node when pod has affinity"
/// (6 / 3 = two volumes per pod: exactly the six volumes of one node).
#[test]
fn local_statefulset_uses_one_node_with_affinity() {
    statefulset_with_local_volumes(2, false, false);
}

/// persistent_volumes-local.go, "… should use volumes spread across nodes when pod
/// management is parallel and pod has anti-affinity".
#[test]
fn local_statefulset_parallel_spreads_across_nodes_with_anti_affinity() {
    statefulset_with_local_volumes(1, true, true);
}

/// persistent_volumes-local.go, "… should use volumes on one node when pod management is
/// parallel and pod has affinity".
#[test]
fn local_statefulset_parallel_uses_one_node_with_affinity() {
    statefulset_with_local_volumes(1, false, true);
}

/// persistent_volumes-local.go, "Pods sharing a single local PV [Serial] all pods should be
/// running": one local PV on the random node naming the suite's class, which this context
/// never creates, so its claim binds as Immediate would (`IsDelayBindingMode` is false for
/// a class that does not exist); two pods using the claim both run.
#[test]
fn local_pods_sharing_a_single_local_pv_all_run() {
    let mut c = Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        node("node-3", None),
    ]);
    c.create(&[local_pv("local-pv-shared", LOCAL_SC, RANDOM_NODE)]);
    c.create(&[pvc(
        "pvc-shared",
        Some(LOCAL_SC),
        "ReadWriteOnce",
        "2Gi",
        "",
    )]);
    c.create(&[
        pod("pod-1", &["pvc-shared"], ""),
        pod("pod-2", &["pvc-shared"], ""),
    ]);
    assert_eq!(c.pvc_volume("pvc-shared"), "local-pv-shared");
    assert_eq!(c.running("pod-1"), RANDOM_NODE);
    assert_eq!(c.running("pod-2"), RANDOM_NODE);
}

// --- testsuites/topology.go, testsuites/provisioning.go, volume_provisioning.go ----------

/// A CSI driver with zonal topology; Bindery's zonal CSI provisioner serves it.
const ZONAL_DRIVER: &str = "pd.csi.storage.gke.io";

/// One node per zone (`getCurrentTopologies` finds three topologies).
fn zonal_cluster() -> Cluster {
    Cluster::new(&[
        node("node-a", Some("zone-a")),
        node("node-b", Some("zone-b")),
        node("node-c", Some("zone-c")),
    ])
}

/// `setAllowedTopologies`: one term per allowed zone.
fn allowed_topologies(zones: &[&str]) -> String {
    let mut s = String::from("allowedTopologies:\n");
    for z in zones {
        s.push_str(&format!(
            "- matchLabelExpressions:\n  - {{key: '{ZONE}', values: [{z}]}}\n"
        ));
    }
    s
}

/// The zone a bound claim's volume is pinned to (its node affinity).
fn volume_zone(c: &Cluster, claim: &str) -> String {
    let pv = c.pvc_volume(claim);
    let pv = c.sim.cluster().pv(&pv).unwrap().clone();
    let affinity = pv.node_affinity.as_ref().expect("zonal volume affinity");
    let reqs: Vec<_> = affinity.terms[0]
        .match_expressions
        .iter()
        .filter(|r| r.key == ZONE)
        .collect();
    assert_eq!(reqs.len(), 1, "{affinity:?}");
    assert_eq!(reqs[0].values.len(), 1);
    reqs[0].values[0].clone()
}

/// topology.go, "should provision a volume and schedule a pod with AllowedTopologies", for
/// the TopologyImmediate and TopologyDelayed patterns: zone-c is excluded; the pod runs in
/// an allowed zone (`verifyNodeTopology`), where its volume is.
fn topology_provision_and_schedule(mode: &str) {
    let mut c = zonal_cluster();
    c.create(&[
        class(
            "topology-sc",
            ZONAL_DRIVER,
            mode,
            &allowed_topologies(&["zone-a", "zone-b"]),
        ),
        pvc("pvc", Some("topology-sc"), "ReadWriteOnce", "1Gi", ""),
        pod("pod", &["pvc"], ""),
    ]);
    let node = c.running("pod");
    let zone = c.node_label(&node, ZONE).unwrap();
    assert!(zone == "zone-a" || zone == "zone-b", "{node} in {zone}");
    assert_eq!(volume_zone(&c, "pvc"), zone);
}

#[test]
fn topology_should_provision_and_schedule_with_allowed_topologies_immediate() {
    topology_provision_and_schedule("Immediate");
}

#[test]
fn topology_should_provision_and_schedule_with_allowed_topologies_delayed() {
    topology_provision_and_schedule("WaitForFirstConsumer");
}

/// The pod's required node affinity to the excluded zone.
fn zone_affinity(zone: &str) -> String {
    format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions:\n          - {{key: '{ZONE}', operator: In, values: [{zone}]}}\n")
}

/// topology.go, "should fail to schedule a pod which has topologies that conflict with
/// AllowedTopologies" (TopologyDelayed): "With delayed binding, the scheduler errors
/// before provisioning": the pod is Unschedulable and the claim stays Pending, unprovisioned.
#[test]
fn topology_should_fail_to_schedule_conflicting_with_allowed_topologies_delayed() {
    let mut c = zonal_cluster();
    c.create(&[
        class(
            "topology-sc",
            ZONAL_DRIVER,
            "WaitForFirstConsumer",
            &allowed_topologies(&["zone-a", "zone-b"]),
        ),
        pvc("pvc", Some("topology-sc"), "ReadWriteOnce", "1Gi", ""),
        pod("pod", &["pvc"], &zone_affinity("zone-c")),
    ]);
    assert_eq!(
        c.unschedulable("pod"),
        "0/3 nodes are available: 1 node(s) didn't find available persistent volumes to bind, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
    assert_eq!(c.pvc_phase("pvc"), PvcPhase::Pending);
    assert!(c.sim.cluster().pvs().is_empty(), "nothing is provisioned");
    assert!(c
        .events(Kind::PersistentVolumeClaim, &key("pvc"), "Provisioning")
        .is_empty());
}

/// topology.go, "should fail to schedule a pod which has topologies that conflict with
/// AllowedTopologies" (TopologyImmediate): "With immediate binding, the volume gets
/// provisioned but cannot be scheduled": the claim is Bound to a volume in an allowed
/// zone and the pod, pinned to the excluded one, is Unschedulable.
#[test]
fn topology_should_fail_to_schedule_conflicting_with_allowed_topologies_immediate() {
    let mut c = zonal_cluster();
    c.create(&[
        class(
            "topology-sc",
            ZONAL_DRIVER,
            "Immediate",
            &allowed_topologies(&["zone-a", "zone-b"]),
        ),
        pvc("pvc", Some("topology-sc"), "ReadWriteOnce", "1Gi", ""),
    ]);
    let zone = volume_zone(&c, "pvc");
    assert_ne!(zone, "zone-c");
    c.create(&[pod("pod", &["pvc"], &zone_affinity("zone-c"))]);
    assert_eq!(
        c.unschedulable("pod"),
        format!(
            "0/3 nodes are available: 1 {}, 2 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
            V1_36.volume_node_affinity_conflict
        )
    );
}

/// volume_provisioning.go `testZonalDelayedBinding` (via provisioning.go
/// `TestBindingWaitForFirstConsumerMultiPVC`): `pvc_count` claims of a
/// WaitForFirstConsumer class stay Pending (`ClaimProvisionShortTimeout`) with the
/// `WaitForFirstConsumer` event; once a pod using all of them is created, it runs and every
/// claim is Bound to a volume in the pod's zone (`checkZoneFromLabelAndAffinity`), which is
/// the allowed zone when `allowedTopologies` names one.
fn zonal_delayed_binding(allowed_zone: Option<&str>, pvc_count: usize) {
    let mut c = zonal_cluster();
    let topo = allowed_zone
        .map(|z| allowed_topologies(&[z]))
        .unwrap_or_default();
    c.create(&[class(
        "delayed-sc",
        ZONAL_DRIVER,
        "WaitForFirstConsumer",
        &topo,
    )]);
    let claims: Vec<String> = (1..=pvc_count).map(|i| format!("pvc-{i}")).collect();
    let docs: Vec<String> = claims
        .iter()
        .map(|n| pvc(n, Some("delayed-sc"), "ReadWriteOnce", "2Gi", ""))
        .collect();
    c.create(&docs);
    for n in &claims {
        assert_eq!(c.pvc_phase(n), PvcPhase::Pending, "claim {n}");
        let ev = c.events(Kind::PersistentVolumeClaim, &key(n), "WaitForFirstConsumer");
        assert_eq!(
            ev.last().map(|(t, m)| (*t, m.as_str())),
            Some((
                EventType::Normal,
                "waiting for first consumer to be created before binding"
            ))
        );
    }
    assert!(c.sim.cluster().pvs().is_empty());
    let names: Vec<&str> = claims.iter().map(String::as_str).collect();
    c.create(&[pod("pvc-tester", &names, "")]);
    let node = c.running("pvc-tester");
    let zone = c.node_label(&node, ZONE).unwrap();
    if let Some(z) = allowed_zone {
        assert_eq!(zone, z);
    }
    for n in &claims {
        assert_eq!(volume_zone(&c, n), zone, "claim {n}");
    }
}

/// volume_provisioning.go, "DynamicProvisioner delayed binding [Slow] should create
/// persistent volumes in the same zone as node after a pod mounting the claims is started"
/// (one claim, then three).
#[test]
fn provisioning_delayed_binding_creates_volumes_in_the_node_zone() {
    zonal_delayed_binding(None, 1);
    zonal_delayed_binding(None, 3);
}

/// volume_provisioning.go, "DynamicProvisioner delayed binding with allowedTopologies
/// [Slow] should create persistent volumes in the same zone as specified in
/// allowedTopologies after a pod mounting the claims is started" (one claim, then three).
#[test]
fn provisioning_delayed_binding_with_allowed_topologies_uses_the_allowed_zone() {
    zonal_delayed_binding(Some("zone-b"), 1);
    zonal_delayed_binding(Some("zone-b"), 3);
}

/// volume_provisioning.go, "DynamicProvisioner Default should be disabled by changing the
/// default annotation" (and "… by removing the default annotation"): with the only
/// default class no longer marked default, a claim without `storageClassName` stays
/// Pending (no class is assigned, nothing provisions it).
#[test]
fn provisioning_default_class_disabled_leaves_the_claim_pending() {
    for annotation in [
        "  annotations: {storageclass.kubernetes.io/is-default-class: 'false'}\n",
        "",
    ] {
        let mut c = zonal_cluster();
        c.create(&[format!(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n{annotation}provisioner: {ZONAL_DRIVER}\nvolumeBindingMode: Immediate\n"
        )]);
        c.create(&[pvc("pvc", None, "ReadWriteOnce", "2Gi", "")]);
        c.sim.advance_time(60_000);
        c.settle();
        let claim = c.sim.cluster().pvc(&key("pvc")).unwrap().clone();
        assert_eq!(claim.phase, PvcPhase::Pending);
        assert_eq!(claim.class_name(), "", "{annotation}");
        assert!(c.sim.cluster().pvs().is_empty());
    }
}

/// volume_provisioning.go, "DynamicProvisioner Default should create and delete default
/// persistent volumes": a claim without `storageClassName` gets the default class and is
/// provisioned; deleting it deletes the volume (the class's default reclaim policy,
/// Delete).
#[test]
fn provisioning_default_class_creates_and_deletes_volumes() {
    let mut c = zonal_cluster();
    c.create(&[format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {{storageclass.kubernetes.io/is-default-class: 'true'}}\nprovisioner: {ZONAL_DRIVER}\nvolumeBindingMode: Immediate\n"
    )]);
    c.create(&[pvc("pvc", None, "ReadWriteOnce", "2Gi", "")]);
    let pv = c.pvc_volume("pvc");
    assert_eq!(
        c.sim.cluster().pvc(&key("pvc")).unwrap().class_name(),
        "standard"
    );
    c.delete(Kind::PersistentVolumeClaim, &key("pvc"));
    assert!(c.sim.cluster().pvc(&key("pvc")).is_none());
    assert!(c.sim.cluster().pv(&pv).is_none(), "volume {pv} not deleted");
}

// --- pvc_protection.go, pv_protection.go -------------------------------------------------

const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
const PV_PROTECTION: &str = "kubernetes.io/pv-protection";

/// pvc_protection.go's BeforeEach: a claim of the default class (dynamically provisioned,
/// Bound) carrying the `kubernetes.io/pvc-protection` finalizer ("Checking that PVC
/// Protection finalizer is set").
fn pvc_protection_cluster() -> Cluster {
    let c = Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        format!("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {{storageclass.kubernetes.io/is-default-class: 'true'}}\nprovisioner: {ZONAL_DRIVER}\nvolumeBindingMode: Immediate\n"),
        pvc("pvc-protection", None, "ReadWriteOnce", "1Gi", ""),
    ]);
    c.pvc_volume("pvc-protection");
    assert!(c
        .sim
        .cluster()
        .pvc(&key("pvc-protection"))
        .unwrap()
        .meta
        .has_finalizer(PVC_PROTECTION));
    c
}

/// pvc_protection.go, `Verify "immediate" deletion of a PVC that is not in active use by a
/// pod`.
#[test]
fn pvc_protection_immediate_deletion_when_not_in_use() {
    let mut c = pvc_protection_cluster();
    c.delete(Kind::PersistentVolumeClaim, &key("pvc-protection"));
    assert!(c.sim.cluster().pvc(&key("pvc-protection")).is_none());
}

/// pvc_protection.go, "Verify that PVC in active use by a pod is not removed immediately":
/// the claim is Terminating while the pod runs, and removed once the pod is gone.
#[test]
fn pvc_protection_in_use_claim_is_not_removed_immediately() {
    let mut c = pvc_protection_cluster();
    c.create(&[pod("pod", &["pvc-protection"], "")]);
    c.running("pod");
    c.delete(Kind::PersistentVolumeClaim, &key("pvc-protection"));
    assert!(c.pvc_terminating("pvc-protection"));
    c.delete_pod("pod");
    assert!(c.sim.cluster().pvc(&key("pvc-protection")).is_none());
}

/// pvc_protection.go, "Verify that scheduling of a pod that uses PVC that is being deleted
/// fails and the pod becomes Unschedulable": a second pod is Unschedulable (VolumeBinding's
/// PreFilter: the claim is being deleted; after a PreFilter rejection the DynamicResources
/// PostFilter reports `not found` and preemption does not run); deleting it leaves the
/// claim Terminating; deleting the first pod removes the claim.
#[test]
fn pvc_protection_pod_using_a_terminating_claim_is_unschedulable() {
    let mut c = pvc_protection_cluster();
    c.create(&[pod("first", &["pvc-protection"], "")]);
    c.running("first");
    c.delete(Kind::PersistentVolumeClaim, &key("pvc-protection"));
    assert!(c.pvc_terminating("pvc-protection"));
    c.create(&[pod("second", &["pvc-protection"], "")]);
    assert_eq!(
        c.unschedulable("second"),
        "0/2 nodes are available: persistentvolumeclaim \"pvc-protection\" is being deleted. not found"
    );
    c.delete_pod("second");
    assert!(c.pvc_terminating("pvc-protection"));
    c.delete_pod("first");
    assert!(c.sim.cluster().pvc(&key("pvc-protection")).is_none());
}

/// pv_protection.go's BeforeEach: a hostPath PV without class, `kubernetes.io/pv-protection`
/// set ("Checking that PV Protection finalizer is set"), Available.
fn pv_protection_cluster() -> Cluster {
    let c = Cluster::new(&[
        node("node-1", None),
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: hostpath-pv}\nspec:\n  capacity: {storage: 2Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: ''\n  hostPath: {path: /tmp/data}\n".to_string(),
    ]);
    let pv = c.sim.cluster().pv("hostpath-pv").unwrap();
    assert!(pv.meta.has_finalizer(PV_PROTECTION));
    assert_eq!(pv.phase, PvPhase::Available);
    c
}

/// pv_protection.go, `Verify "immediate" deletion of a PV that is not bound to a PVC`.
#[test]
fn pv_protection_immediate_deletion_when_not_bound() {
    let mut c = pv_protection_cluster();
    c.delete(Kind::PersistentVolume, &ObjectKey::cluster("hostpath-pv"));
    assert!(c.sim.cluster().pv("hostpath-pv").is_none());
}

/// pv_protection.go, "Verify that PV bound to a PVC is not removed immediately": the PV
/// stays (with a deletion timestamp) while bound; deleting the claim removes it.
#[test]
fn pv_protection_bound_volume_is_not_removed_immediately() {
    let mut c = pv_protection_cluster();
    c.create(&[pvc("pvc", Some(""), "ReadWriteOnce", "2Gi", "")]);
    assert_eq!(c.pvc_volume("pvc"), "hostpath-pv");
    c.delete(Kind::PersistentVolume, &ObjectKey::cluster("hostpath-pv"));
    let pv = c
        .sim
        .cluster()
        .pv("hostpath-pv")
        .expect("still there")
        .clone();
    assert!(pv.meta.deletion.is_some());
    assert_eq!(pv.phase, PvPhase::Bound);
    c.delete(Kind::PersistentVolumeClaim, &key("pvc"));
    assert!(c.sim.cluster().pv("hostpath-pv").is_none());
}

// --- persistent_volumes.go ---------------------------------------------------------------

/// `e2epv.MakePersistentVolume` for the NFS context: 2Gi, ReadWriteOnce, Retain, no class,
/// the pool label the claims select (`e2e-pv-pool: <ns>`); `claim` pre-binds it.
fn nfs_pv(name: &str, claim: Option<&str>) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}, labels: {{e2e-pv-pool: {NS}}}}}\nspec:\n  capacity: {{storage: 2Gi}}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: ''\n  nfs: {{server: 10.0.0.1, path: /exports}}\n"
    );
    if let Some(c) = claim {
        s.push_str(&format!("  claimRef: {{name: {c}, namespace: {NS}}}\n"));
    }
    s
}

/// `e2epv.MakePersistentVolumeClaim` for the NFS context: 2Gi, class `""`, selecting the
/// pool; `volume` pre-binds it.
fn nfs_pvc(name: &str, volume: Option<&str>) -> String {
    let extra = format!(
        "  selector: {{matchLabels: {{e2e-pv-pool: {NS}}}}}\n{}",
        volume
            .map(|v| format!("  volumeName: {v}\n"))
            .unwrap_or_default()
    );
    pvc(name, Some(""), "ReadWriteOnce", "2Gi", &extra)
}

/// `completeTest`: a writer pod using the claim runs; then `deletePVCandValidatePV(…,
/// Released)`: deleting the claim leaves the Retain volume Released.
fn complete_test(c: &mut Cluster, pv: &str, claim: &str) {
    assert_eq!(c.pvc_volume(claim), pv);
    assert_eq!(c.pv_phase(pv), PvPhase::Bound);
    c.create(&[pod("pvc-tester-writer", &[claim], "")]);
    c.running("pvc-tester-writer");
    c.delete_pod("pvc-tester-writer");
    c.delete(Kind::PersistentVolumeClaim, &key(claim));
    assert!(c.sim.cluster().pvc(&key(claim)).is_none());
    assert_eq!(c.pv_phase(pv), PvPhase::Released);
}

fn nfs_cluster() -> Cluster {
    Cluster::new(&[node("node-1", None), node("node-2", None)])
}

/// persistent_volumes.go, "with Single PV - PVC pairs should create a non-pre-bound PV and
/// PVC: test write access".
#[test]
fn pv_single_pair_non_prebound_pv_then_pvc() {
    let mut c = nfs_cluster();
    c.create(&[nfs_pv("nfs-pv", None)]);
    c.create(&[nfs_pvc("pvc", None)]);
    complete_test(&mut c, "nfs-pv", "pvc");
}

/// persistent_volumes.go, "… create a PVC and non-pre-bound PV: test write access".
#[test]
fn pv_single_pair_pvc_then_non_prebound_pv() {
    let mut c = nfs_cluster();
    c.create(&[nfs_pvc("pvc", None)]);
    assert_eq!(c.pvc_phase("pvc"), PvcPhase::Pending);
    c.create(&[nfs_pv("nfs-pv", None)]);
    complete_test(&mut c, "nfs-pv", "pvc");
}

/// persistent_volumes.go, "… create a PVC and a pre-bound PV: test write access".
#[test]
fn pv_single_pair_pvc_and_prebound_pv() {
    let mut c = nfs_cluster();
    c.create(&[nfs_pvc("pvc", None)]);
    c.create(&[nfs_pv("nfs-pv", Some("pvc"))]);
    complete_test(&mut c, "nfs-pv", "pvc");
}

/// persistent_volumes.go, "… create a PV and a pre-bound PVC: test write access".
#[test]
fn pv_single_pair_pv_and_prebound_pvc() {
    let mut c = nfs_cluster();
    c.create(&[nfs_pv("nfs-pv", None)]);
    c.create(&[nfs_pvc("pvc", Some("nfs-pv"))]);
    complete_test(&mut c, "nfs-pv", "pvc");
}

/// persistent_volumes.go, "with multiple PVs and PVCs all in same ns": `CreatePVsPVCs`
/// (volumes first, no pre-binding), `WaitAndVerifyBinds` (min(PVs, PVCs) pairs bound, the
/// surplus claims Pending, the surplus volumes Available), `completeMultiTest(…, Released)`.
fn multi_pvs_pvcs(pvs: usize, pvcs: usize) {
    let mut c = nfs_cluster();
    let pv_names: Vec<String> = (1..=pvs).map(|i| format!("nfs-pv-{i}")).collect();
    let pvc_names: Vec<String> = (1..=pvcs).map(|i| format!("pvc-{i}")).collect();
    c.create(&pv_names.iter().map(|n| nfs_pv(n, None)).collect::<Vec<_>>());
    c.create(
        &pvc_names
            .iter()
            .map(|n| nfs_pvc(n, None))
            .collect::<Vec<_>>(),
    );
    let bound: Vec<&String> = pvc_names
        .iter()
        .filter(|n| c.pvc_phase(n) == PvcPhase::Bound)
        .collect();
    assert_eq!(bound.len(), pvs.min(pvcs));
    let mut used: Vec<String> = bound.iter().map(|n| c.pvc_volume(n)).collect();
    used.sort();
    used.dedup();
    assert_eq!(used.len(), bound.len(), "one volume per claim");
    for n in &pvc_names {
        let phase = c.pvc_phase(n);
        assert!(
            matches!(phase, PvcPhase::Bound | PvcPhase::Pending),
            "{n}: {phase:?}"
        );
    }
    for n in &pv_names {
        let want = if used.contains(n) {
            PvPhase::Bound
        } else {
            PvPhase::Available
        };
        assert_eq!(c.pv_phase(n), want, "volume {n}");
    }
    // completeMultiTest: a writer pod per bound claim runs; then every claim is deleted and
    // each bound volume ends Released.
    for (i, n) in bound.iter().enumerate() {
        let p = format!("writer-{i}");
        c.create(&[pod(&p, &[n.as_str()], "")]);
        c.running(&p);
        c.delete_pod(&p);
    }
    for n in &pvc_names {
        c.delete(Kind::PersistentVolumeClaim, &key(n));
    }
    for n in &pv_names {
        let want = if used.contains(n) {
            PvPhase::Released
        } else {
            PvPhase::Available
        };
        assert_eq!(c.pv_phase(n), want, "volume {n}");
    }
}

/// persistent_volumes.go, "should create 2 PVs and 4 PVCs: test write access".
#[test]
fn pv_multiple_2_pvs_and_4_pvcs() {
    multi_pvs_pvcs(2, 4);
}

/// persistent_volumes.go, "should create 3 PVs and 3 PVCs: test write access".
#[test]
fn pv_multiple_3_pvs_and_3_pvcs() {
    multi_pvs_pvcs(3, 3);
}

/// persistent_volumes.go, "should create 4 PVs and 2 PVCs: test write access".
#[test]
fn pv_multiple_4_pvs_and_2_pvcs() {
    multi_pvs_pvcs(4, 2);
}

// --- csi_mock/csi_volume_limit.go, csi_mock/csi_storage_capacity.go ----------------------

/// The mock driver's unique name (`csi-mock-<namespace>`).
const MOCK_DRIVER: &str = "csi-mock-e2e";
const MOCK_SC: &str = "mock-csi-storage-capacity-e2e";

/// `e2epod.SetNodeSelection` with a node name: required `matchFields metadata.name`.
fn pinned_to(node: &str) -> String {
    format!("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - {{key: metadata.name, operator: In, values: [{node}]}}\n")
}

/// csi_volume_limit.go, "CSI volume limit information using mock driver should report
/// attach limit when limit is bigger than 0": the driver reports `allocatable.count: 2` in
/// the node's CSINode; pods with a claim each, pinned to that node (the mock's
/// `ClientNodeSelection`): two run, the third stays Pending with `PodScheduled=False`, a
/// reason and a message (`waitForMaxVolumeCondition`; older copies matched
/// `max.+volume.+count`).
#[test]
fn csi_volume_limit_reports_attach_limit() {
    let mut c = Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: {MOCK_DRIVER}}}\nspec: {{attachRequired: true}}\n"),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: node-1}}\nspec:\n  drivers:\n  - {{name: {MOCK_DRIVER}, nodeID: node-1, allocatable: {{count: 2}}}}\n"),
        class("mock-sc", MOCK_DRIVER, "Immediate", ""),
    ]);
    for i in 1..=3 {
        let claim = format!("pvc-{i}");
        c.create(&[pvc(&claim, Some("mock-sc"), "ReadWriteOnce", "1Gi", "")]);
        c.pvc_volume(&claim);
        c.create(&[pod(
            &format!("pvc-volume-tester-{i}"),
            &[&claim],
            &pinned_to("node-1"),
        )]);
    }
    assert_eq!(c.running("pvc-volume-tester-1"), "node-1");
    assert_eq!(c.running("pvc-volume-tester-2"), "node-1");
    let msg = c.unschedulable("pvc-volume-tester-3");
    assert_eq!(
        msg,
        "0/2 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity], 1 node(s) exceed max volume count. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
    );
}

/// The mock driver's `startPausePodGenericEphemeral`: volume `my-volume` from a claim
/// template in `mock-sc`, pinned to `node-1`.
fn generic_ephemeral_pod(name: &str) -> String {
    format!(
        "{}  volumes:\n  - name: my-volume\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {{accessModes: [ReadWriteOnce], storageClassName: mock-sc, resources: {{requests: {{storage: 1Gi}}}}}}\n",
        pod(name, &[], &pinned_to("node-1"))
    )
}

/// The mock cluster of csi_volume_limit.go with the driver reporting `allocatable.count: 1`.
fn attach_limit_one() -> Cluster {
    Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: {MOCK_DRIVER}}}\nspec: {{attachRequired: true}}\n"),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: node-1}}\nspec:\n  drivers:\n  - {{name: {MOCK_DRIVER}, nodeID: node-1, allocatable: {{count: 1}}}}\n"),
        class("mock-sc", MOCK_DRIVER, "Immediate", ""),
    ])
}

const ONE_VOLUME_TOO_MANY: &str = "0/2 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity], 1 node(s) exceed max volume count. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.";

/// csi_volume_limit.go, "should report attach limit for generic ephemeral volume when
/// persistent volume is attached": with a limit of 1, a pod with a claim runs; a pod with a
/// generic ephemeral volume (its claim created by the ephemeral volume controller, then
/// provisioned) is refused for the max volume count.
#[test]
fn csi_volume_limit_generic_ephemeral_after_persistent() {
    let mut c = attach_limit_one();
    c.create(&[pvc("pvc-1", Some("mock-sc"), "ReadWriteOnce", "1Gi", "")]);
    c.create(&[pod("pvc-volume-tester-1", &["pvc-1"], &pinned_to("node-1"))]);
    assert_eq!(c.running("pvc-volume-tester-1"), "node-1");
    c.create(&[generic_ephemeral_pod("pvc-volume-tester-2")]);
    // The controller made the claim, owned by the pod, and it bound (Immediate).
    let claim = c
        .sim
        .cluster()
        .pvc(&key("pvc-volume-tester-2-my-volume"))
        .expect("ephemeral claim created");
    let owner = c.sim.cluster().pod(&key("pvc-volume-tester-2")).unwrap();
    assert_eq!(
        claim
            .meta
            .controller()
            .map(|o| (&*o.kind, &*o.name, &o.uid)),
        Some(("Pod", "pvc-volume-tester-2", &owner.meta.uid))
    );
    c.pvc_volume("pvc-volume-tester-2-my-volume");
    assert_eq!(c.unschedulable("pvc-volume-tester-2"), ONE_VOLUME_TOO_MANY);
}

/// csi_volume_limit.go, "should report attach limit for persistent volume when generic
/// ephemeral volume is attached": the same with the order reversed.
#[test]
fn csi_volume_limit_persistent_after_generic_ephemeral() {
    let mut c = attach_limit_one();
    c.create(&[generic_ephemeral_pod("pvc-volume-tester-1")]);
    assert_eq!(c.running("pvc-volume-tester-1"), "node-1");
    c.pvc_volume("pvc-volume-tester-1-my-volume");
    c.create(&[pvc("pvc-2", Some("mock-sc"), "ReadWriteOnce", "1Gi", "")]);
    c.create(&[pod("pvc-volume-tester-2", &["pvc-2"], &pinned_to("node-1"))]);
    assert_eq!(c.unschedulable("pvc-volume-tester-2"), ONE_VOLUME_TOO_MANY);
}

/// csi_storage_capacity.go, the "CSIStorageCapacity" table: a mock driver with
/// WaitForFirstConsumer (`lateBinding`), the CSIDriver's `storageCapacity` unset / false /
/// true, and CSIStorageCapacity objects with an empty node topology (usable by any node)
/// for the class. Where upstream expects failure, the pod does not run and the scheduler
/// reports `node(s) did not have enough free storage` (what `podHasStorage` looks for);
/// otherwise it runs.
fn csi_storage_capacity(storage_capacity: Option<bool>, capacities: &[&str], expect_failure: bool) {
    let sc = storage_capacity
        .map(|b| format!("spec: {{storageCapacity: {b}}}\n"))
        .unwrap_or_else(|| "spec: {}\n".to_string());
    let mut c = Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: {MOCK_DRIVER}}}\n{sc}"),
        class(MOCK_SC, MOCK_DRIVER, "WaitForFirstConsumer", ""),
    ]);
    for (i, cap) in capacities.iter().enumerate() {
        c.create(&[format!(
            "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {{name: fake-capacity-{i}, namespace: {NS}}}\nstorageClassName: {MOCK_SC}\nnodeTopology: {{}}\ncapacity: {cap}\n"
        )]);
    }
    c.create(&[
        pvc("pvc", Some(MOCK_SC), "ReadWriteOnce", "1Gi", ""),
        pod("pvc-volume-tester", &["pvc"], ""),
    ]);
    if expect_failure {
        let msg = c.unschedulable("pvc-volume-tester");
        assert_eq!(
            msg,
            "0/2 nodes are available: 2 node(s) did not have enough free storage. no new claims to deallocate, preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        );
        assert_eq!(c.pvc_phase("pvc"), PvcPhase::Pending);
    } else {
        c.running("pvc-volume-tester");
        c.pvc_volume("pvc");
    }
}

/// csi_storage_capacity.go, "CSIStorageCapacity unused".
#[test]
fn csi_storage_capacity_unused() {
    csi_storage_capacity(None, &[], false);
}

/// csi_storage_capacity.go, "CSIStorageCapacity disabled".
#[test]
fn csi_storage_capacity_disabled() {
    csi_storage_capacity(Some(false), &[], false);
}

/// csi_storage_capacity.go, "CSIStorageCapacity used, no capacity".
#[test]
fn csi_storage_capacity_used_no_capacity() {
    csi_storage_capacity(Some(true), &[], true);
}

/// csi_storage_capacity.go, "CSIStorageCapacity used, insufficient capacity" (1Mi).
#[test]
fn csi_storage_capacity_used_insufficient_capacity() {
    csi_storage_capacity(Some(true), &["1Mi"], true);
}

/// csi_storage_capacity.go, "CSIStorageCapacity used, have capacity" (100Gi).
#[test]
fn csi_storage_capacity_used_have_capacity() {
    csi_storage_capacity(Some(true), &["100Gi"], false);
}

/// volume_provisioning.go, "DynamicProvisioner [Slow] should provision storage with
/// non-default reclaim policy Retain": the provisioned volume carries the class's Retain
/// policy and, once `TestDynamicProvisioning` deletes the claim, is Released (the test then
/// deletes the volume itself).
#[test]
fn provisioning_with_reclaim_policy_retain_leaves_a_released_volume() {
    let mut c = zonal_cluster();
    c.create(&[
        class(
            "reclaimpolicy",
            ZONAL_DRIVER,
            "Immediate",
            "reclaimPolicy: Retain\n",
        ),
        pvc("pvc", Some("reclaimpolicy"), "ReadWriteOnce", "1Gi", ""),
    ]);
    let pv = c.pvc_volume("pvc");
    let volume = c.sim.cluster().pv(&pv).unwrap().clone();
    assert_eq!(
        volume.reclaim_policy,
        bindery_core::model::ReclaimPolicy::Retain
    );
    // The external provisioner keeps its deletion finalizer only on Delete volumes
    // (`handleProtectionFinalizer`), so nothing but pv-protection holds this one.
    assert!(!volume
        .meta
        .has_finalizer("external-provisioner.volume.kubernetes.io/finalizer"));
    c.delete(Kind::PersistentVolumeClaim, &key("pvc"));
    assert_eq!(c.pv_phase(&pv), PvPhase::Released);
    c.delete(Kind::PersistentVolume, &ObjectKey::cluster(pv.as_str()));
    assert!(c.sim.cluster().pv(&pv).is_none());
}

/// volume_provisioning.go, "DynamicProvisioner [Slow] should test that deleting a claim
/// before the volume is provisioned deletes the volume.": claims deleted right after
/// creation (before the provisioner's volume appears) leave no volume behind. Upstream
/// races 100 attempts; the simulation is deterministic, so a few suffice, each deleted once
/// `Provisioning` was announced and before the volume exists. (Upstream's provisioner may
/// still store the volume, which the PV controller then finds Released and deletes; Bindery's
/// drops it when the claim is gone. Both end with no volume, which is what the test checks.)
#[test]
fn provisioning_claim_deleted_before_provisioning_leaves_no_volume() {
    let mut c = zonal_cluster();
    c.create(&[class("race", ZONAL_DRIVER, "Immediate", "")]);
    for i in 0..5 {
        let name = format!("pvc-race-{i}");
        let parsed =
            bindery_core::scenario::parse(&pvc(&name, Some("race"), "ReadWriteOnce", "1Gi", ""));
        c.sim.create(&parsed.manifests[0].manifest).unwrap();
        // Let the PV controller hand the claim to the provisioner, but not the volume appear.
        while c
            .events(Kind::PersistentVolumeClaim, &key(&name), "Provisioning")
            .is_empty()
        {
            assert_ne!(c.sim.step(), bindery_core::StepOutcome::Idle);
        }
        assert!(c.sim.cluster().pvs().is_empty());
        c.delete(Kind::PersistentVolumeClaim, &key(&name));
    }
    let residual: Vec<&String> = c.sim.cluster().pvs().keys().collect();
    assert!(residual.is_empty(), "residual volumes: {residual:?}");
}

/// testsuites/volumelimits.go, "should support volume limits [Serial]" (a driver with a
/// CSINode limit, dynamically provisioned WaitForFirstConsumer volumes): one pod using as
/// many claims as the limit, pinned to the node (`e2epod.SetNodeSelection`), runs with
/// all claims Bound; an extra pod with one more volume on that node stays Pending with
/// `PodScheduled=False/Unschedulable` and a message matching `max.+volume.+count`.
#[test]
fn volumelimits_should_support_volume_limits() {
    let limit = 3;
    let mut c = Cluster::new(&[
        node("node-1", None),
        node("node-2", None),
        format!("apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: node-1}}\nspec:\n  drivers:\n  - {{name: {MOCK_DRIVER}, nodeID: node-1, allocatable: {{count: {limit}}}}}\n"),
        class("limits-sc", MOCK_DRIVER, "WaitForFirstConsumer", ""),
    ]);
    let claims: Vec<String> = (1..=limit).map(|i| format!("pvc-{i}")).collect();
    c.create(
        &claims
            .iter()
            .map(|n| pvc(n, Some("limits-sc"), "ReadWriteOnce", "1Gi", ""))
            .collect::<Vec<_>>(),
    );
    let names: Vec<&str> = claims.iter().map(String::as_str).collect();
    c.create(&[pod("pod-all-pvcs", &names, &pinned_to("node-1"))]);
    for n in &claims {
        c.pvc_volume(n);
    }
    assert_eq!(c.running("pod-all-pvcs"), "node-1");
    c.create(&[
        pvc("pvc-extra", Some("limits-sc"), "ReadWriteOnce", "1Gi", ""),
        pod(
            "volume-limits-exceeded",
            &["pvc-extra"],
            &pinned_to("node-1"),
        ),
    ]);
    let msg = c.unschedulable("volume-limits-exceeded");
    assert!(msg.contains("max volume count"), "{msg}");
    assert_eq!(
        msg,
        "0/2 nodes are available: 1 node(s) didn't satisfy plugin(s) [NodeAffinity], 1 node(s) exceed max volume count. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling."
    );
    assert_eq!(c.pvc_phase("pvc-extra"), PvcPhase::Pending);
}

// --- testsuites/ephemeral.go (generic ephemeral volumes) ---------------------------------

/// `StartInPodWithInlineVolume` with generic ephemeral volumes `my-volume-<i>` from a
/// claim template in `class` (the driver's `VolSource`).
fn inline_volume_pod(name: &str, volumes: usize, class: &str) -> String {
    let mut s = pod(name, &[], "");
    s.push_str("  volumes:\n");
    for i in 0..volumes {
        s.push_str(&format!("  - name: my-volume-{i}\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {{accessModes: [ReadWriteOnce], storageClassName: {class}, resources: {{requests: {{storage: 1Gi}}}}}}\n"));
    }
    s
}

fn ephemeral_cluster() -> Cluster {
    Cluster::new(&[
        node("node-1", Some("zone-a")),
        node("node-2", Some("zone-b")),
        class(
            "csi-late",
            "hostpath.csi.k8s.io",
            "WaitForFirstConsumer",
            "",
        ),
    ])
}

/// Every claim in the test namespace.
fn claims_in_ns(c: &Cluster) -> Vec<String> {
    c.sim
        .cluster()
        .pvcs()
        .keys()
        .filter(|k| &*k.namespace == NS)
        .map(|k| k.name.to_string())
        .collect()
}

/// ephemeral.go "should create read/write inline ephemeral volume" (`TestEphemeral`): the
/// pod runs on its own claim `<pod>-my-volume-0`, bound to a volume in the pod's zone;
/// after `StopPodAndDependents` there are no dangling claims.
#[test]
fn ephemeral_read_write_inline_volume() {
    let mut c = ephemeral_cluster();
    c.create(&[inline_volume_pod(
        "inline-volume-tester-x7k2q",
        1,
        "csi-late",
    )]);
    let node = c.running("inline-volume-tester-x7k2q");
    assert_eq!(claims_in_ns(&c), ["inline-volume-tester-x7k2q-my-volume-0"]);
    let pv = c.pvc_volume("inline-volume-tester-x7k2q-my-volume-0");
    let zone = if node == "node-1" { "zone-a" } else { "zone-b" };
    assert!(c
        .sim
        .cluster()
        .pv(&pv)
        .unwrap()
        .node_affinity
        .as_ref()
        .and_then(|a| a.required_values_of(ZONE))
        .is_some_and(|z| z == [zone.to_string()]));
    c.delete_pod("inline-volume-tester-x7k2q");
    assert!(claims_in_ns(&c).is_empty(), "no dangling PVCs");
}

/// ephemeral.go "should support two pods which have the same volume definition": a second
/// pod with the same volume source, pinned to the first pod's node, runs on a claim of its
/// own.
#[test]
fn ephemeral_two_pods_same_volume_definition() {
    let mut c = ephemeral_cluster();
    c.create(&[inline_volume_pod(
        "inline-volume-tester-x7k2q",
        1,
        "csi-late",
    )]);
    let node = c.running("inline-volume-tester-x7k2q");
    let second = format!(
        "{}  nodeSelector: {{kubernetes.io/hostname: {node}}}\n",
        inline_volume_pod("inline-volume-tester2-p9m4w", 1, "csi-late")
    );
    c.create(&[second]);
    assert_eq!(c.running("inline-volume-tester2-p9m4w"), node);
    let first = c.pvc_volume("inline-volume-tester-x7k2q-my-volume-0");
    let other = c.pvc_volume("inline-volume-tester2-p9m4w-my-volume-0");
    assert_ne!(first, other, "each pod gets its own volume");
    c.delete_pod("inline-volume-tester2-p9m4w");
    c.delete_pod("inline-volume-tester-x7k2q");
    assert!(claims_in_ns(&c).is_empty(), "no dangling PVCs");
}

/// ephemeral.go "should support multiple inline ephemeral volumes" (WaitForFirstConsumer;
/// upstream skips Immediate, whose volumes may land in different zones): both claims are
/// provisioned where the pod runs.
#[test]
fn ephemeral_multiple_inline_volumes() {
    let mut c = ephemeral_cluster();
    c.create(&[inline_volume_pod(
        "inline-volume-tester-x7k2q",
        2,
        "csi-late",
    )]);
    let node = c.running("inline-volume-tester-x7k2q");
    for i in 0..2 {
        let claim = format!("inline-volume-tester-x7k2q-my-volume-{i}");
        c.pvc_volume(&claim);
        let pvc = c.sim.cluster().pvc(&key(&claim)).unwrap();
        assert_eq!(pvc.selected_node(), Some(node.as_str()));
    }
    c.delete_pod("inline-volume-tester-x7k2q");
    assert!(claims_in_ns(&c).is_empty(), "no dangling PVCs");
}
