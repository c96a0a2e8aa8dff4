//! Upstream's unit-test tables for VolumeRestrictions, NodeVolumeLimits, VolumeZone and
//! PodTopologySpread (kubernetes/kubernetes v1.36, pkg/scheduler/framework/plugins/…
//! `*_test.go`), case by case, as Bindery scenarios.
//!
//! Each case builds the cluster the upstream table describes (nodes, claims, volumes,
//! existing pods bound with `nodeName`), keeps the pod under test pending with a
//! scheduling gate, and reads the plugin's PreFilter and Filter verdicts (and scores) from
//! [`Simulation::explain`], which runs the whole default profile. Where a case's outcome
//! decides whether preemption is tried, the pod is also run ungated and the
//! FailedScheduling message is checked.
//!
//! Upstream unit tests use fake listers whose NotFound errors name the plural resource
//! (`persistentvolumeclaims "x" not found`); a real scheduler's informer listers name the
//! singular one (`persistentvolumeclaim "x" not found`), which is what Bindery prints and
//! what these tests expect.

use bindery_core::events::EventType;
use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scheduler::explain::{Explanation, Verdict};
use bindery_core::scheduler::framework::{Code, Ctx, CycleState, Plugin, Status};
use bindery_core::Simulation;
use bindery_tests::run_yaml;

// --- Manifests ------------------------------------------------------------------------

fn node(name: &str, labels: &[(&str, &str)]) -> String {
    node_with(name, labels, "")
}

/// A node with extra `spec` fields (inline YAML flow entries, e.g. `taints: [...]`).
fn node_with(name: &str, labels: &[(&str, &str)], spec: &str) -> String {
    let mut l = String::new();
    for (k, v) in labels {
        if !l.is_empty() {
            l.push_str(", ");
        }
        l.push_str(&format!("{k}: '{v}'"));
    }
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{l}}}}}\nspec: {{{spec}}}\nstatus:\n  allocatable: {{cpu: '32', memory: 64Gi, pods: '110'}}\n"
    )
}

/// A CSINode listing `drivers` with their `allocatable.count` (None: no limit reported).
fn csinode(name: &str, drivers: &[(&str, Option<i32>)]) -> String {
    let mut s = format!(
        "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: {name}}}\nspec:\n  drivers:\n"
    );
    for (d, count) in drivers {
        s.push_str(&format!("  - name: {d}\n    nodeID: {name}\n"));
        if let Some(c) = count {
            s.push_str(&format!("    allocatable: {{count: {c}}}\n"));
        }
    }
    s
}

fn class(name: &str, provisioner: &str, mode: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: {mode}\n"
    )
}

/// A claim in `default` pre-bound to `pv` (which may not exist), or unbound when `pv` is
/// empty; `class` None leaves `storageClassName` out.
fn claim(name: &str, modes: &str, class: Option<&str>, pv: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}, namespace: default}}\nspec:\n  accessModes: [{modes}]\n  resources: {{requests: {{storage: 1Gi}}}}\n"
    );
    if let Some(c) = class {
        s.push_str(&format!("  storageClassName: '{c}'\n"));
    }
    if !pv.is_empty() {
        s.push_str(&format!("  volumeName: {pv}\n"));
    }
    s
}

/// A CSI PV of `driver` with `labels` (flow entries), pre-bound to claim `default/claim`.
fn csi_pv(
    name: &str,
    driver: &str,
    handle: &str,
    modes: &str,
    labels: &str,
    claim: &str,
) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec:\n  capacity: {{storage: 1Gi}}\n  accessModes: [{modes}]\n  storageClassName: ''\n  claimRef: {{namespace: default, name: {claim}}}\n  csi: {{driver: {driver}, volumeHandle: {handle}}}\n"
    )
}

/// A claim and its CSI volume, bound to each other.
fn bound(claim_name: &str, driver: &str, modes: &str, pv_labels: &str) -> String {
    let pv = format!("pv-{claim_name}");
    [
        csi_pv(&pv, driver, &pv, modes, pv_labels, claim_name),
        claim(claim_name, modes, Some(""), &pv),
    ]
    .join("---\n")
}

/// A pod in `default` with `labels` (flow entries), the claims as `persistentVolumeClaim`
/// volumes, and extra `spec` lines (indented by two spaces).
fn pod(name: &str, labels: &str, claims: &[&str], spec: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default, labels: {{{labels}}}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause}}]\n{spec}"
    );
    let mut volumes = String::new();
    for (i, c) in claims.iter().enumerate() {
        volumes.push_str(&format!(
            "  - name: v{i}\n    persistentVolumeClaim: {{claimName: {c}}}\n"
        ));
    }
    if !volumes.is_empty() && !spec.contains("  volumes:\n") {
        s.push_str("  volumes:\n");
    }
    s.push_str(&volumes);
    s
}

/// A pod already running on `node` (bound by `nodeName`, as upstream's existing pods).
fn on(name: &str, node: &str, claims: &[&str]) -> String {
    pod(name, "", claims, &format!("  nodeName: {node}\n"))
}

/// The pod under test, kept pending by a scheduling gate.
fn pending(name: &str, claims: &[&str]) -> String {
    pod(name, "", claims, GATED)
}

const GATED: &str = "  schedulingGates: [{name: hold}]\n";

fn world(docs: &[String]) -> Simulation {
    run_yaml(&docs.join("---\n"), 1)
}

// --- Reading verdicts -----------------------------------------------------------------

fn explain(sim: &Simulation, pod: &str) -> Explanation {
    sim.explain(&ObjectKey::new("default", pod))
        .unwrap_or_else(|| panic!("no pod {pod}"))
}

fn pre_filter(e: &Explanation, plugin: &str) -> Verdict {
    e.pre_filter
        .iter()
        .find(|(p, _)| *p == plugin)
        .unwrap_or_else(|| panic!("{plugin} has no PreFilter"))
        .1
        .clone()
}

fn filter(e: &Explanation, node: &str, plugin: &str) -> Verdict {
    e.nodes
        .iter()
        .find(|r| r.node == node)
        .unwrap_or_else(|| panic!("no node {node}"))
        .filters
        .iter()
        .find(|(p, _)| *p == plugin)
        .unwrap_or_else(|| panic!("{plugin} has no Filter"))
        .1
        .clone()
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

/// One plugin on its own, as upstream's unit tests call it: PreFilter, then (when it
/// passed) Filter on `node`.
fn plugin_verdict(
    sim: &Simulation,
    plugin: &dyn Plugin,
    pod: &str,
    node: &str,
) -> (Status, Option<Status>) {
    let cx = Ctx {
        cluster: sim.cluster(),
        cache: sim.scheduler_cache(),
        version: sim.version(),
        now: sim.now(),
    };
    let p = sim
        .cluster()
        .pod(&ObjectKey::new("default", pod))
        .expect("pod exists")
        .clone();
    let mut state = CycleState::default();
    let (_, pre) = plugin.pre_filter(&cx, &mut state, &p);
    if !pre.is_success() {
        return (pre, None);
    }
    let info = sim.scheduler_cache().node(node).expect("node exists");
    (pre, Some(plugin.filter(&cx, &state, &p, info)))
}

fn failed_scheduling(sim: &Simulation, pod: &str) -> Vec<String> {
    let key = ObjectKey::new("default", pod);
    sim.log()
        .events_for(Kind::Pod, &key)
        .filter(|(_, e)| e.reason == "FailedScheduling")
        .inspect(|(_, e)| assert_eq!(e.type_, EventType::Warning))
        .map(|(_, e)| e.message.to_string())
        .collect()
}

// === VolumeRestrictions (volumerestrictions/volume_restrictions_test.go) ===============

mod volume_restrictions {
    use super::*;

    const VR: &str = "VolumeRestrictions";
    const RWOP: &str = "node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod";

    /// TestAccessModeConflicts' fixtures: node-1, RWOP claims 1 and 2 and an RWX claim, all
    /// bound.
    fn cluster(extra: &[String]) -> Simulation {
        let mut docs = vec![
            node("node-1", &[]),
            bound(
                "claim-with-rwop-1",
                "disk.csi.example.com",
                "ReadWriteOncePod",
                "",
            ),
            bound(
                "claim-with-rwop-2",
                "disk.csi.example.com",
                "ReadWriteOncePod",
                "",
            ),
            bound(
                "claim-with-rwx",
                "disk.csi.example.com",
                "ReadWriteMany",
                "",
            ),
        ];
        docs.extend_from_slice(extra);
        world(&docs)
    }

    #[test]
    fn nothing() {
        // A pod without volumes: PreFilter Skip (and so no Filter).
        let sim = cluster(&[pending("p", &[])]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VR), Verdict::Skipped);
        assert_eq!(filter(&e, "node-1", VR), Verdict::Skipped);
    }

    #[test]
    fn failed_to_get_pvc() {
        let sim = world(&[node("node-1", &[]), pending("p", &["claim-with-rwop-1"])]);
        let e = explain(&sim, "p");
        assert_eq!(
            pre_filter(&e, VR),
            unresolvable(r#"persistentvolumeclaim "claim-with-rwop-1" not found"#)
        );
        assert_eq!(
            e.pre_filter_rejection.as_deref(),
            Some(r#"persistentvolumeclaim "claim-with-rwop-1" not found"#)
        );
        assert_eq!(filter(&e, "node-1", VR), Verdict::NotRun);
    }

    #[test]
    fn no_access_mode_conflict() {
        // The RWOP claim is unused; another pod on the node uses the RWX claim.
        let sim = cluster(&[
            on("pod-with-rwx", "node-1", &["claim-with-rwx"]),
            pending("p", &["claim-with-rwop-1"]),
        ]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VR), Verdict::Skipped);
        assert_eq!(filter(&e, "node-1", VR), Verdict::Skipped);
    }

    #[test]
    fn access_mode_conflict_unschedulable() {
        let sim = cluster(&[
            on("pod-with-one-pvc", "node-1", &["claim-with-rwop-1"]),
            on("pod-with-rwx", "node-1", &["claim-with-rwx"]),
            pending("p", &["claim-with-rwop-1"]),
        ]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VR), Verdict::Passed);
        assert_eq!(filter(&e, "node-1", VR), unschedulable(RWOP));
    }

    #[test]
    fn two_conflicts_unschedulable() {
        let sim = cluster(&[
            on(
                "pod-with-two-pvcs",
                "node-1",
                &["claim-with-rwop-1", "claim-with-rwop-2"],
            ),
            on("pod-with-rwx", "node-1", &["claim-with-rwx"]),
            pending("p", &["claim-with-rwop-1", "claim-with-rwop-2"]),
        ]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VR), Verdict::Passed);
        assert_eq!(filter(&e, "node-1", VR), unschedulable(RWOP));
    }

    #[test]
    fn the_conflict_is_cluster_wide_and_unschedulable_so_preemption_is_tried() {
        // Unschedulable, not UnschedulableAndUnresolvable: every node carries the reason
        // and preemption looks for victims (none here: same priority).
        let sim = world(&[
            node("node-1", &[]),
            node("node-2", &[]),
            bound(
                "claim-with-rwop-1",
                "disk.csi.example.com",
                "ReadWriteOncePod",
                "",
            ),
            on("holder", "node-1", &["claim-with-rwop-1"]),
            pod("p", "", &["claim-with-rwop-1"], ""),
        ]);
        let e = explain(&sim, "p");
        assert_eq!(filter(&e, "node-1", VR), unschedulable(RWOP));
        assert_eq!(filter(&e, "node-2", VR), unschedulable(RWOP));
        assert_eq!(
            failed_scheduling(&sim, "p").last().unwrap(),
            &format!("0/2 nodes are available: 2 {RWOP}. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.")
        );
    }

    /// volume_restrictions.go `conflictingPVCRefCountForPod`: AddPod / RemovePod count the
    /// pod's volumes that name one of the RWOP claims, by claim name only; the namespace is
    /// not compared. So preemption's dry run on a node takes a lower-priority pod of another
    /// namespace, using a claim of the same name, for the holder, and picks it as a victim.
    #[test]
    fn remove_pod_matches_claims_by_name_in_any_namespace() {
        let sim = world(&[
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n".to_string(),
            node("node-1", &[]),
            node("node-2", &[]),
            bound("data", "disk.csi.example.com", "ReadWriteOncePod", ""),
            // The holder cannot be preempted: same priority as the preemptor.
            pod("holder", "", &["data"], "  nodeName: node-1\n  priorityClassName: high\n"),
            // Another namespace's claim that happens to be called "data".
            "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-b-data}\nspec:\n  capacity: {storage: 1Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  claimRef: {namespace: b, name: data}\n  csi: {driver: disk.csi.example.com, volumeHandle: pv-b-data}\n".to_string(),
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: b}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  volumeName: pv-b-data\n  resources: {requests: {storage: 1Gi}}\n".to_string(),
            "apiVersion: v1\nkind: Pod\nmetadata: {name: bystander, namespace: b}\nspec:\n  nodeName: node-2\n  terminationGracePeriodSeconds: 0\n  containers: [{name: c, image: pause}]\n  volumes:\n  - name: v\n    persistentVolumeClaim: {claimName: data}\n".to_string(),
            pod("p", "", &["data"], "  priorityClassName: high\n"),
        ]);
        let msgs = failed_scheduling(&sim, "p");
        let preempted: Vec<String> = sim
            .log()
            .events_for(Kind::Pod, &ObjectKey::new("b", "bystander"))
            .filter(|(_, e)| e.reason == "Preempted")
            .map(|(_, e)| e.message.to_string())
            .collect();
        let preemptor = sim
            .cluster()
            .pod(&ObjectKey::new("default", "p"))
            .unwrap()
            .meta
            .uid
            .clone();
        assert_eq!(
            preempted,
            [format!("Preempted by pod {preemptor} on node node-2")]
        );
        // The bystander's deletion does not retry `p`: VolumeRestrictions' hint
        // (`isSchedulableAfterPodDeleted`) compares namespaces first. So `p` stays pending,
        // nominated to the node it freed, with its one FailedScheduling.
        assert_eq!(msgs, [format!("0/2 nodes are available: 2 {RWOP}.")]);
        assert!(sim
            .cluster()
            .pod(&ObjectKey::new("b", "bystander"))
            .is_none_or(|p| p.is_deleted()));
        let p = sim.cluster().pod(&ObjectKey::new("default", "p")).unwrap();
        assert_eq!(p.node_name(), None);
        assert_eq!(p.status.nominated_node_name.as_deref(), Some("node-2"));
    }

    #[test]
    fn a_claim_without_rwop_is_not_restricted() {
        // Two pods may share an RWX claim (no conflict counted).
        let sim = cluster(&[
            on("pod-with-rwx", "node-1", &["claim-with-rwx"]),
            pending("p", &["claim-with-rwx"]),
        ]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VR), Verdict::Skipped);
    }

    // --- In-tree disk conflicts (TestGCEDiskConflicts, TestAWSDiskConflicts,
    // TestRBDDiskConflicts, TestISCSIDiskConflicts) ----------------------------------

    const DISK_CONFLICT: &str = "node(s) had no available disk";

    /// A pod with one inline volume `source` (a YAML flow mapping entry), pending under a
    /// gate or on `node-1`.
    fn disk_pod(name: &str, source: &str, on_node: bool) -> String {
        let spec = if on_node {
            "  nodeName: node-1\n"
        } else {
            GATED
        };
        pod(
            name,
            "",
            &[],
            &format!("{spec}  volumes:\n  - name: disk\n    {source}\n"),
        )
    }

    /// The table's four rows for one disk type: the pod's `mine`, the node's pod with
    /// `theirs` (None: the node has a pod without volumes).
    fn disk_case(mine: &str, theirs: Option<&str>) -> (Verdict, Verdict) {
        let mut docs = vec![disk_pod("p", mine, false)];
        match theirs {
            Some(t) => docs.push(disk_pod("existing", t, true)),
            None => docs.push(on("existing", "node-1", &[])),
        }
        let sim = cluster(&docs);
        let e = explain(&sim, "p");
        (pre_filter(&e, VR), filter(&e, "node-1", VR))
    }

    fn check_disk_table(state: &str, state2: &str) {
        // "one state": a pod without volumes skips, whatever the node holds.
        let sim = cluster(&[pending("p", &[]), disk_pod("existing", state, true)]);
        assert_eq!(pre_filter(&explain(&sim, "p"), VR), Verdict::Skipped);
        assert_eq!(
            disk_case(state, Some(state)),
            (Verdict::Passed, unschedulable(DISK_CONFLICT)),
            "same state"
        );
        assert_eq!(
            disk_case(state2, Some(state)),
            (Verdict::Passed, Verdict::Passed),
            "different state"
        );
        assert_eq!(
            disk_case(state, None),
            (Verdict::Passed, Verdict::Passed),
            "a node pod without volumes"
        );
        // "pod with a volume that doesn't have restrictions".
        let sim = cluster(&[disk_pod("p", "emptyDir: {}", false)]);
        assert_eq!(pre_filter(&explain(&sim, "p"), VR), Verdict::Skipped);
    }

    #[test]
    fn gce_disk_conflicts() {
        check_disk_table(
            "gcePersistentDisk: {pdName: foo}",
            "gcePersistentDisk: {pdName: bar}",
        );
    }

    #[test]
    fn aws_disk_conflicts() {
        check_disk_table(
            "awsElasticBlockStore: {volumeID: foo}",
            "awsElasticBlockStore: {volumeID: bar}",
        );
    }

    #[test]
    fn rbd_disk_conflicts() {
        check_disk_table(
            "rbd: {monitors: [a, b], pool: foo, image: bar}",
            "rbd: {monitors: [c, d], pool: foo, image: bar}",
        );
    }

    #[test]
    fn iscsi_disk_conflicts() {
        check_disk_table(
            "iscsi: {targetPortal: '127.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target01', lun: 0}",
            "iscsi: {targetPortal: '127.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target02', lun: 0}",
        );
    }

    #[test]
    fn read_only_mounts_share_a_gce_pd_iscsi_target_or_rbd_image_but_not_an_ebs_volume() {
        // `isVolumeConflict`: GCE PD, iSCSI and RBD conflict unless both mounts are
        // read-only; AWS EBS always does. RBD pools default to `rbd`, and one shared
        // monitor is enough.
        let cases = [
            (
                "gcePersistentDisk: {pdName: foo, readOnly: true}",
                "gcePersistentDisk: {pdName: foo, readOnly: true}",
                Verdict::Passed,
            ),
            (
                "gcePersistentDisk: {pdName: foo, readOnly: true}",
                "gcePersistentDisk: {pdName: foo}",
                unschedulable(DISK_CONFLICT),
            ),
            (
                "iscsi: {targetPortal: p, iqn: iqn.2016-12.server:t, lun: 0, readOnly: true}",
                "iscsi: {targetPortal: p, iqn: iqn.2016-12.server:t, lun: 0, readOnly: true}",
                Verdict::Passed,
            ),
            (
                "rbd: {monitors: [a], image: i, readOnly: true}",
                "rbd: {monitors: [a, b], pool: rbd, image: i, readOnly: true}",
                Verdict::Passed,
            ),
            (
                "rbd: {monitors: [a], image: i}",
                "rbd: {monitors: [b, a], pool: rbd, image: i, readOnly: true}",
                unschedulable(DISK_CONFLICT),
            ),
            (
                "rbd: {monitors: [a], image: i}",
                "rbd: {monitors: [a], pool: other, image: i}",
                Verdict::Passed,
            ),
            (
                "awsElasticBlockStore: {volumeID: foo, readOnly: true}",
                "awsElasticBlockStore: {volumeID: foo, readOnly: true}",
                unschedulable(DISK_CONFLICT),
            ),
            // Different disk types never conflict.
            (
                "awsElasticBlockStore: {volumeID: foo}",
                "gcePersistentDisk: {pdName: foo}",
                Verdict::Passed,
            ),
        ];
        for (mine, theirs, want) in cases {
            assert_eq!(disk_case(mine, Some(theirs)).1, want, "{mine} vs {theirs}");
        }
    }

    #[test]
    fn a_disk_conflict_is_unschedulable_so_preemption_evicts_the_holder() {
        // The conflict is the node's own: evicting the lower-priority pod that mounts the
        // disk frees the node.
        let sim = cluster(&[
            "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n".to_string(),
            disk_pod("existing", "gcePersistentDisk: {pdName: foo}", true),
            pod(
                "p",
                "",
                &[],
                "  priorityClassName: high\n  volumes:\n  - name: disk\n    gcePersistentDisk: {pdName: foo}\n",
            ),
        ]);
        let events = failed_scheduling(&sim, "p");
        // Preemption succeeded, so the message carries no preemption note.
        assert_eq!(
            events,
            ["0/1 nodes are available: 1 node(s) had no available disk."]
        );
        assert!(
            sim.cluster()
                .pod(&ObjectKey::new("default", "existing"))
                .is_none(),
            "the holder was preempted"
        );
        let p = sim.cluster().pod(&ObjectKey::new("default", "p")).unwrap();
        assert_eq!(p.node_name(), Some("node-1"));
    }

    #[test]
    fn deleting_the_pod_that_mounts_the_disk_requeues_the_waiting_pod() {
        // `isSchedulableAfterPodDeleted`: the deleted pod's disk conflicted.
        use bindery_core::scheduler::hints::assigned_pod_change_may_help;
        let sim = cluster(&[
            disk_pod("existing", "awsElasticBlockStore: {volumeID: foo}", true),
            disk_pod("other", "awsElasticBlockStore: {volumeID: bar}", true),
            disk_pod("p", "awsElasticBlockStore: {volumeID: foo}", false),
        ]);
        let get = |n: &str| {
            sim.cluster()
                .pod(&ObjectKey::new("default", n))
                .unwrap()
                .clone()
        };
        let p = get("p");
        assert!(assigned_pod_change_may_help(
            VR,
            &p,
            Some(&get("existing")),
            None
        ));
        assert!(!assigned_pod_change_may_help(
            VR,
            &p,
            Some(&get("other")),
            None
        ));
    }
}

// === NodeVolumeLimits (nodevolumelimits/csi_test.go, TestCSILimits) ====================

mod node_volume_limits {
    use super::*;

    const NVL: &str = "NodeVolumeLimits";
    const EXCEEDED: &str = "node(s) exceed max volume count";
    const EBS: &str = "ebs.csi.aws.com";
    const GCE: &str = "pd.csi.storage.gke.io";

    /// The table's listers: per driver, claims `csi-<driver>-0..3` bound to CSI volumes;
    /// `csi-4` unbound in `csi-sc` (the first driver's class); `csi-5` unbound without a
    /// class; `csi-6` pre-bound to a volume that does not exist, in `csi-sc`. The node is
    /// `node-name`; `limits` is its CSINode (None: no CSINode).
    fn cluster(
        drivers: &[&str],
        limits: Option<&[(&str, Option<i32>)]>,
        extra: &[String],
    ) -> Simulation {
        let mut docs = vec![
            node("node-name", &[]),
            class("csi-sc", drivers[0], "WaitForFirstConsumer"),
            claim("csi-4", "ReadWriteOnce", Some("csi-sc"), ""),
            claim("csi-5", "ReadWriteOnce", None, ""),
            claim(
                "csi-6",
                "ReadWriteOnce",
                Some("csi-sc"),
                "missing-in-action",
            ),
        ];
        for d in drivers {
            for j in 0..4 {
                docs.push(bound(&format!("csi-{d}-{j}"), d, "ReadWriteOnce", ""));
            }
        }
        if let Some(l) = limits {
            docs.push(csinode("node-name", l));
        }
        docs.extend_from_slice(extra);
        world(&docs)
    }

    fn ebs(j: usize) -> String {
        format!("csi-{EBS}-{j}")
    }

    fn gce(j: usize) -> String {
        format!("csi-{GCE}-{j}")
    }

    /// `runningPod`, `csiEBSTwoVolPod` and friends, on the node.
    fn running_pod() -> String {
        on("running", "node-name", &[&ebs(3)])
    }

    fn ebs_two_vol_pod() -> String {
        on("ebs-two", "node-name", &[&ebs(1), &ebs(2)])
    }

    /// The verdict for the pending pod `p` on the node.
    fn verdict(sim: &Simulation) -> Verdict {
        filter(&explain(sim, "p"), "node-name", NVL)
    }

    fn ebs_limit(n: i32) -> Vec<(&'static str, Option<i32>)> {
        vec![(EBS, Some(n))]
    }

    #[test]
    fn fits_when_node_volume_limit_ge_new_pods_csi_volume() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(4)),
            &[running_pod(), ebs_two_vol_pod(), pending("p", &[&ebs(0)])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn doesnt_when_node_volume_limit_le_pods_csi_volume() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[running_pod(), ebs_two_vol_pod(), pending("p", &[&ebs(0)])],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn passes_when_driver_does_not_report_volume_limits() {
        // limitSource "csinode-with-no-limit".
        let sim = cluster(
            &[EBS],
            Some(&[(EBS, None)]),
            &[running_pod(), ebs_two_vol_pod(), pending("p", &[&ebs(0)])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn passes_without_a_csinode() {
        let sim = cluster(
            &[EBS],
            None,
            &[running_pod(), ebs_two_vol_pod(), pending("p", &[&ebs(0)])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn count_pending_pvcs_towards_volume_limit() {
        // An existing pod's unbound claim counts, by its class's provisioner.
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                on("pending-volume", "node-name", &["csi-4"]),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn two_pods_with_the_same_pending_pvc_count_once() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(4)),
            &[
                on("pending-volume", "node-name", &["csi-4"]),
                on("unbound-pvc-2", "node-name", &["csi-4"]),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn count_pvcs_with_invalid_pv_name_but_valid_sc() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                on("missing-pv", "node-name", &["csi-6"]),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn dont_count_pvcs_with_missing_sc() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                running_pod(),
                on("no-sc", "node-name", &["csi-5"]),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn count_pvcs_with_the_same_type_towards_volume_limit() {
        let sim = cluster(
            &[EBS, GCE],
            Some(&[(EBS, Some(2)), (GCE, Some(2))]),
            &[
                on("gce-two", "node-name", &[&gce(1), &gce(2)]),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn dont_count_pvcs_with_different_type_towards_volume_limit() {
        let sim = cluster(
            &[EBS, GCE],
            Some(&[(EBS, Some(2)), (GCE, Some(2))]),
            &[
                ebs_two_vol_pod(),
                running_pod(),
                pending("p", &[&gce(1), &gce(2)]),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    /// `ephemeralVolumePod`-like: a pod with generic ephemeral volumes in class `csi-sc`,
    /// and their claims `<pod>-<volume>` (the table's `extraClaims`, unbound; the
    /// ephemeral volume controller finds them controlled by the pod and leaves them).
    fn ephemeral_pod(name: &str, volumes: &[&str], spec: &str) -> String {
        let mut s = String::from("  volumes:\n");
        let mut docs = Vec::new();
        for v in volumes {
            s.push_str(&format!("  - name: {v}\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          storageClassName: csi-sc\n          resources: {{requests: {{storage: 1Gi}}}}\n"));
            // Owned by the pod, as upstream's `ephemeralClaim` is: VolumeBinding rejects an
            // ephemeral volume's claim the pod does not control.
            docs.push(
                claim(&format!("{name}-{v}"), "ReadWriteOnce", Some("csi-sc"), "").replacen(
                    "namespace: default}",
                    &format!("namespace: default, ownerReferences: [{{apiVersion: v1, kind: Pod, name: {name}, uid: {name}-uid, controller: true}}]}}"),
                    1,
                ),
            );
        }
        docs.push(pod(name, "", &[], &format!("{spec}{s}")).replacen(
            "namespace: default,",
            &format!("namespace: default, uid: {name}-uid,"),
            1,
        ));
        docs.join("---\n")
    }

    #[test]
    fn ephemeral_volume_unbound() {
        let sim = cluster(
            &[EBS],
            Some(&[(EBS, None)]),
            &[ephemeral_pod("p", &["xyz"], GATED)],
        );
        assert_eq!(pre_filter(&explain(&sim, "p"), NVL), Verdict::Passed);
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn ephemeral_doesnt_when_node_volume_limit_le_pods_csi_volume() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                running_pod(),
                ebs_two_vol_pod(),
                ephemeral_pod("p", &["xyz"], GATED),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn ephemeral_doesnt_when_node_volume_limit_le_pods_ephemeral_csi_volume() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                running_pod(),
                ephemeral_pod("abc", &["x", "y"], "  nodeName: node-name\n"),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn persistent_doesnt_when_node_volume_limit_le_ephemeral_plus_persistent() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(3)),
            &[
                running_pod(),
                ephemeral_pod("abc", &["xyz"], "  nodeName: node-name\n"),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn persistent_okay_when_node_volume_limit_gt_ephemeral_plus_persistent() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(5)),
            &[
                running_pod(),
                ephemeral_pod("abc", &["xyz"], "  nodeName: node-name\n"),
                ebs_two_vol_pod(),
                pending("p", &[&ebs(0)]),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn skip_filter_when_the_pod_only_uses_secrets_and_configmaps() {
        let spec = format!("{GATED}  volumes:\n  - name: cm\n    configMap: {{name: cm}}\n  - name: s\n    secret: {{secretName: s}}\n");
        let sim = cluster(&[EBS], Some(&ebs_limit(2)), &[pod("p", "", &[], &spec)]);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, NVL), Verdict::Skipped);
        assert_eq!(filter(&e, "node-name", NVL), Verdict::Skipped);
    }

    #[test]
    fn dont_skip_filter_when_the_pod_has_pvcs() {
        let spec = format!("{GATED}  volumes:\n  - name: cm\n    configMap: {{name: cm}}\n  - name: s\n    secret: {{secretName: s}}\n");
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[pod("p", "", &[&ebs(0)], &spec)],
        );
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, NVL), Verdict::Passed);
        assert_eq!(filter(&e, "node-name", NVL), Verdict::Passed);
    }

    #[test]
    fn a_volume_already_attached_to_the_node_is_not_counted_again() {
        // Shared volumes count once (the new pod's volume is the running pod's).
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(3)),
            &[running_pod(), ebs_two_vol_pod(), pending("p", &[&ebs(3)])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn exceeding_the_limit_is_unschedulable_so_preemption_is_tried() {
        let sim = cluster(
            &[EBS],
            Some(&ebs_limit(2)),
            &[
                running_pod(),
                ebs_two_vol_pod(),
                pod("p", "", &[&ebs(0)], ""),
            ],
        );
        assert_eq!(
            failed_scheduling(&sim, "p").last().unwrap(),
            &format!("0/1 nodes are available: 1 {EXCEEDED}. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
        );
    }

    // --- In-tree volume migration (the table's `migrationEnabled` cases) ----------------
    //
    // The table's in-tree "drivers" `kubernetes.io/aws-ebs` and `kubernetes.io/hostpath`
    // give claims `csi-kubernetes.io/aws-ebs-<j>` bound to `awsElasticBlockStore` and
    // `hostPath` volumes. A claim name cannot hold a `/`, and neither can a CSINode driver
    // name, so here the claims are `csi-aws-ebs-<j>` / `csi-hostpath-<j>` and the CSINode
    // lists only the CSI driver (the in-tree names' limits are never looked up: their
    // volumes count under `ebs.csi.aws.com`). The CSINode carries the migrated-plugins
    // annotation, as `enableMigrationOnNode` sets it (GA plugins do not need it).

    const AWS_IN_TREE: &str = "kubernetes.io/aws-ebs";

    fn in_tree(j: usize) -> String {
        format!("csi-aws-ebs-{j}")
    }

    /// The table's cluster for `driverNames: [kubernetes.io/aws-ebs (or hostpath),
    /// ebs.csi.aws.com]`: EBS CSI claims as in [`cluster`], in-tree claims bound to
    /// `source` volumes, `csi-sc` provisioned by the in-tree plugin (the first driver).
    fn migration_cluster(
        in_tree_source: fn(usize) -> String,
        prefix: &str,
        limits: Option<&[(&str, Option<i32>)]>,
        extra: &[String],
    ) -> Simulation {
        let mut docs = vec![
            node("node-name", &[]),
            class("csi-sc", AWS_IN_TREE, "WaitForFirstConsumer"),
            claim("csi-4", "ReadWriteOnce", Some("csi-sc"), ""),
        ];
        for j in 0..4 {
            docs.push(bound(&ebs(j), EBS, "ReadWriteOnce", ""));
            let c = format!("{prefix}-{j}");
            let pv = format!("pv-{c}");
            docs.push(format!(
                "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {pv}}}\nspec:\n  capacity: {{storage: 1Gi}}\n  accessModes: [ReadWriteOnce]\n  storageClassName: ''\n  claimRef: {{namespace: default, name: {c}}}\n  {}\n",
                in_tree_source(j)
            ));
            docs.push(claim(&c, "ReadWriteOnce", Some(""), &pv));
        }
        if let Some(l) = limits {
            docs.push(csinode("node-name", l).replacen(
                "metadata: {name: node-name}",
                "metadata: {name: node-name, annotations: {storage.alpha.kubernetes.io/migrated-plugins: kubernetes.io/aws-ebs}}",
                1,
            ));
        }
        docs.extend_from_slice(extra);
        world(&docs)
    }

    fn aws_source(j: usize) -> String {
        format!("awsElasticBlockStore: {{volumeID: 'csi-kubernetes.io/aws-ebs-{j}'}}")
    }

    fn host_path_source(_: usize) -> String {
        "hostPath: {path: /tmp}".into()
    }

    fn aws(limits: Option<&[(&str, Option<i32>)]>, extra: &[String]) -> Simulation {
        migration_cluster(aws_source, "csi-aws-ebs", limits, extra)
    }

    /// `inTreeTwoVolPod` on the node.
    fn in_tree_two_vol_pod() -> String {
        on("in-tree-two", "node-name", &[&in_tree(1), &in_tree(2)])
    }

    /// A pod with an inline `awsElasticBlockStore` volume (`inTreeInlineVolPod`), extra
    /// spec lines first.
    fn inline_aws_pod(name: &str, volume_id: &str, spec: &str) -> String {
        pod(
            name,
            "",
            &[],
            &format!("{spec}  volumes:\n  - name: aws\n    awsElasticBlockStore: {{volumeID: '{volume_id}'}}\n"),
        )
    }

    #[test]
    fn should_count_in_tree_volumes_if_migration_is_enabled() {
        let sim = aws(
            Some(&ebs_limit(2)),
            &[in_tree_two_vol_pod(), pending("p", &[&in_tree(0)])],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn nil_csi_node() {
        let sim = aws(
            None,
            &[
                in_tree_two_vol_pod(),
                inline_aws_pod("p", "aws-inline1", GATED),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn should_count_unbound_in_tree_volumes_if_migration_is_enabled() {
        // `csi-sc`'s in-tree provisioner counts under the CSI driver it migrated to.
        let sim = aws(
            Some(&ebs_limit(2)),
            &[in_tree_two_vol_pod(), pending("p", &["csi-4"])],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn should_not_limit_pod_if_volume_used_does_not_report_limits() {
        let sim = aws(
            Some(&[(EBS, None)]),
            &[in_tree_two_vol_pod(), pending("p", &[&in_tree(0)])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn should_not_count_non_migratable_in_tree_volumes() {
        let sim = migration_cluster(
            host_path_source,
            "csi-hostpath",
            Some(&ebs_limit(2)),
            &[ebs_two_vol_pod(), pending("p", &["csi-hostpath-0"])],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn should_count_in_tree_inline_volumes_if_migration_is_enabled() {
        let sim = aws(
            Some(&ebs_limit(2)),
            &[
                in_tree_two_vol_pod(),
                inline_aws_pod("p", "aws-inline1", GATED),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn should_count_in_tree_and_csi_volumes_when_scheduling_in_tree_volumes() {
        let sim = aws(
            Some(&ebs_limit(2)),
            &[ebs_two_vol_pod(), pending("p", &[&in_tree(0)])],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn should_count_in_tree_inline_and_csi_volumes_when_scheduling_in_tree_volumes() {
        let sim = aws(
            Some(&ebs_limit(3)),
            &[
                ebs_two_vol_pod(),
                on("in-tree-one", "node-name", &[&in_tree(0)]),
                inline_aws_pod("p", "aws-inline1", GATED),
            ],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn should_not_count_an_inline_volume_with_the_same_csi_volume_id() {
        // `inTreeInlineVolPodWithSameCSIVolumeID`: the inline EBS volume is the CSI
        // volume `ebsTwoVolPod` already attached (here its handle is the PV's name).
        let sim = aws(
            Some(&ebs_limit(3)),
            &[
                ebs_two_vol_pod(),
                on("in-tree-one", "node-name", &[&in_tree(0)]),
                inline_aws_pod("p", &format!("pv-{}", ebs(1)), GATED),
            ],
        );
        assert_eq!(verdict(&sim), Verdict::Passed);
    }

    #[test]
    fn should_count_in_tree_and_csi_volumes_when_scheduling_csi_volumes() {
        let sim = aws(
            Some(&ebs_limit(2)),
            &[in_tree_two_vol_pod(), pending("p", &[&ebs(0)])],
        );
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }

    #[test]
    fn dont_skip_filter_when_the_pod_has_inline_migratable_volumes() {
        let spec = format!("{GATED}  volumes:\n  - name: cm\n    configMap: {{name: cm}}\n  - name: s\n    secret: {{secretName: s}}\n");
        let sim = aws(
            Some(&ebs_limit(2)),
            &[
                in_tree_two_vol_pod(),
                pod("p", "", &[], &spec).replace(
                    "secretName: s}\n",
                    "secretName: s}\n  - name: aws\n    awsElasticBlockStore: {volumeID: aws-inline1}\n",
                ),
            ],
        );
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, NVL), Verdict::Passed);
        assert_eq!(filter(&e, "node-name", NVL), unschedulable(EXCEEDED));
    }

    #[test]
    fn an_inline_volume_the_translator_refuses_is_an_error_where_migration_is_on() {
        // `checkAttachableInlineVolume`: translation runs only where migration is on.
        let bad = "aws://us-east-1a/not-a-volume";
        let with = aws(Some(&ebs_limit(2)), &[inline_aws_pod("p", bad, GATED)]);
        let Verdict::Error(message) = verdict(&with) else {
            panic!("{:?}", verdict(&with));
        };
        assert_eq!(
            message,
            "converting volume(aws) from inline to csi: failed to translate Kubernetes ID to EBS Volume ID Invalid format for AWS volume (aws://us-east-1a/not-a-volume)"
        );
        let without = aws(None, &[inline_aws_pod("p", bad, GATED)]);
        assert_eq!(verdict(&without), Verdict::Passed);
    }

    #[test]
    fn a_csinode_arriving_later_makes_the_node_count_in_tree_volumes() {
        // The in-tree pods were on the node before its CSINode: once the CSINode exists,
        // their volumes count (the scheduler cache recounts the node).
        let mut sim = aws(None, &[in_tree_two_vol_pod(), pending("p", &[&in_tree(0)])]);
        assert_eq!(verdict(&sim), Verdict::Passed);
        let parsed = bindery_core::scenario::parse(&csinode("node-name", &ebs_limit(2)));
        for d in &parsed.manifests {
            sim.apply(&d.manifest).unwrap();
        }
        assert_eq!(verdict(&sim), unschedulable(EXCEEDED));
    }
}

// === VolumeZone (volumezone/volume_zone_test.go) =======================================

mod volume_zone {
    use super::*;
    use bindery_core::scheduler::plugins::volume_zone::VolumeZone;

    const VZ: &str = "VolumeZone";
    const CONFLICT: &str = "node(s) had no available volume zone";
    const BETA_ZONE: &str = "failure-domain.beta.kubernetes.io/zone";
    const BETA_REGION: &str = "failure-domain.beta.kubernetes.io/region";
    const ZONE: &str = "topology.kubernetes.io/zone";
    const REGION: &str = "topology.kubernetes.io/region";

    /// TestSingleZone's and TestMultiZone's volumes, each bound to claim `pvc-<n>`.
    fn volumes() -> Vec<String> {
        let d = "disk.csi.example.com";
        vec![
            bound(
                "pvc-1",
                d,
                "ReadWriteOnce",
                &format!("{BETA_ZONE}: us-west1-a"),
            ),
            bound(
                "pvc-2",
                d,
                "ReadWriteOnce",
                &format!("{BETA_REGION}: us-west1, uselessLabel: none"),
            ),
            bound(
                "pvc-3",
                d,
                "ReadWriteOnce",
                &format!("{BETA_REGION}: us-west1"),
            ),
            bound(
                "pvc-stable-1",
                d,
                "ReadWriteOnce",
                &format!("{ZONE}: us-west1-a"),
            ),
            bound(
                "pvc-stable-2",
                d,
                "ReadWriteOnce",
                &format!("{REGION}: us-west1, uselessLabel: none"),
            ),
            bound(
                "pvc-stable-3",
                d,
                "ReadWriteOnce",
                &format!("{ZONE}: us-west1-a, {REGION}: us-west1-a"),
            ),
            bound(
                "pvc-multi-beta",
                d,
                "ReadWriteOnce",
                &format!("{BETA_ZONE}: us-west1-c__us-west1-a"),
            ),
            bound(
                "pvc-multi-stable",
                d,
                "ReadWriteOnce",
                &format!("{ZONE}: us-west1-c__us-west1-a"),
            ),
        ]
    }

    /// The VolumeZone verdict for a pending pod using `claim` on a lone node `host1`
    /// labelled `labels`.
    fn verdict(claim: &str, labels: &[(&str, &str)]) -> Verdict {
        let mut docs = volumes();
        docs.push(node("host1", labels));
        docs.push(pending("p", &[claim]));
        let sim = world(&docs);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VZ), Verdict::Passed);
        filter(&e, "host1", VZ)
    }

    fn conflict() -> Verdict {
        unresolvable(CONFLICT)
    }

    /// (case name, claim, node labels, VolumeZone's verdict).
    type ZoneCase = (
        &'static str,
        &'static str,
        Vec<(&'static str, &'static str)>,
        Verdict,
    );

    #[test]
    fn single_zone_table() {
        let useless = ("uselessLabel", "none");
        let cases: Vec<ZoneCase> = vec![
            ("node without labels", "pvc-1", vec![], Verdict::Passed),
            (
                "beta zone label matched",
                "pvc-1",
                vec![(BETA_ZONE, "us-west1-a"), useless],
                Verdict::Passed,
            ),
            (
                "beta region label matched",
                "pvc-2",
                vec![(BETA_REGION, "us-west1"), useless],
                Verdict::Passed,
            ),
            (
                "beta region label doesn't match",
                "pvc-2",
                vec![(BETA_REGION, "no_us-west1"), useless],
                conflict(),
            ),
            (
                "beta zone label doesn't match",
                "pvc-1",
                vec![(BETA_ZONE, "no_us-west1-a"), useless],
                conflict(),
            ),
            (
                "zone label matched",
                "pvc-stable-1",
                vec![(ZONE, "us-west1-a"), useless],
                Verdict::Passed,
            ),
            (
                "region label matched",
                "pvc-stable-2",
                vec![(REGION, "us-west1"), useless],
                Verdict::Passed,
            ),
            (
                "region label doesn't match",
                "pvc-stable-2",
                vec![(REGION, "no_us-west1"), useless],
                conflict(),
            ),
            (
                "zone label doesn't match",
                "pvc-stable-1",
                vec![(ZONE, "no_us-west1-a"), useless],
                conflict(),
            ),
            (
                "pv with zone and region, node with only zone",
                "pvc-stable-3",
                vec![(ZONE, "us-west1-a")],
                conflict(),
            ),
            (
                "pv with zone,node with beta zone",
                "pvc-stable-1",
                vec![(BETA_ZONE, "us-west1-a")],
                conflict(),
            ),
            (
                "pv with beta label,node with ga label, matched",
                "pvc-1",
                vec![(ZONE, "us-west1-a")],
                Verdict::Passed,
            ),
            (
                "pv with beta label,node with ga label, don't match",
                "pvc-1",
                vec![(ZONE, "us-west1-b")],
                conflict(),
            ),
        ];
        for (name, claim, labels, want) in cases {
            assert_eq!(verdict(claim, &labels), want, "{name}");
        }
    }

    #[test]
    fn pod_without_volume_skips() {
        let mut docs = volumes();
        docs.push(node("host1", &[(BETA_ZONE, "us-west1-a")]));
        docs.push(pending("p", &[]));
        let sim = world(&docs);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VZ), Verdict::Skipped);
        assert_eq!(filter(&e, "host1", VZ), Verdict::Skipped);
    }

    #[test]
    fn multi_zone_table() {
        let useless = ("uselessLabel", "none");
        let cases: Vec<ZoneCase> = vec![
            (
                "node without labels",
                "pvc-multi-beta",
                vec![],
                Verdict::Passed,
            ),
            (
                "beta zone label matched",
                "pvc-multi-beta",
                vec![(BETA_ZONE, "us-west1-a"), useless],
                Verdict::Passed,
            ),
            (
                "beta zone label doesn't match",
                "pvc-1",
                vec![(BETA_ZONE, "us-west1-b"), useless],
                conflict(),
            ),
            (
                "zone label matched",
                "pvc-multi-stable",
                vec![(ZONE, "us-west1-a"), useless],
                Verdict::Passed,
            ),
            (
                "zone label doesn't match",
                "pvc-stable-1",
                vec![(ZONE, "us-west1-b"), useless],
                conflict(),
            ),
        ];
        for (name, claim, labels, want) in cases {
            assert_eq!(verdict(claim, &labels), want, "{name}");
        }
    }

    #[test]
    fn a_volume_zone_conflict_is_unresolvable_so_preemption_does_not_help() {
        let mut docs = volumes();
        docs.push(node("host1", &[(ZONE, "us-west1-b")]));
        docs.push(pod("p", "", &["pvc-stable-1"], ""));
        let sim = world(&docs);
        assert_eq!(
            failed_scheduling(&sim, "p").last().unwrap(),
            &format!("0/1 nodes are available: 1 {CONFLICT}. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.")
        );
    }

    /// TestWithBinding: unbound claims. `Class_0` is missing, `class-wait` is
    /// WaitForFirstConsumer, `class-immediate` Immediate.
    fn binding_world() -> Simulation {
        let mut docs = volumes();
        docs.extend([
            node(
                "host1",
                &[(BETA_ZONE, "us-west1-a"), ("uselessLabel", "none")],
            ),
            class("class-wait", "disk.csi.example.com", "WaitForFirstConsumer"),
            class(
                "class-immediate",
                "kubernetes.io/no-provisioner",
                "Immediate",
            ),
            claim("pvc-nosc", "ReadWriteOnce", Some("class-0"), ""),
            claim("pvc-emptysc", "ReadWriteOnce", Some(""), ""),
            claim("pvc-waitsc", "ReadWriteOnce", Some("class-wait"), ""),
            claim(
                "pvc-immediatesc",
                "ReadWriteOnce",
                Some("class-immediate"),
                "",
            ),
        ]);
        for c in [
            "pvc-1",
            "pvc-nosc",
            "pvc-emptysc",
            "pvc-waitsc",
            "pvc-immediatesc",
        ] {
            docs.push(pending(&format!("p-{c}"), &[c]));
        }
        world(&docs)
    }

    #[test]
    fn with_binding_table() {
        let sim = binding_world();
        let pre = |claim: &str| plugin_verdict(&sim, &VolumeZone, &format!("p-{claim}"), "host1");
        assert_eq!(
            pre("pvc-1"),
            (Status::success(), Some(Status::success())),
            "label zone failure domain matched"
        );
        assert_eq!(
            pre("pvc-emptysc").0,
            Status::unresolvable("PersistentVolumeClaim had no pv name and storageClass name"),
            "unbound volume empty storage class"
        );
        assert_eq!(
            pre("pvc-nosc").0,
            Status::unresolvable(r#"storageclass.storage.k8s.io "class-0" not found"#),
            "unbound volume no storage class"
        );
        // An Immediate class: upstream's table has a class without volumeBindingMode
        // ("VolumeBindingMode not set"), which the API server never stores (it defaults
        // the mode to Immediate); an unbound Immediate claim is "PersistentVolume had no
        // name".
        assert_eq!(
            pre("pvc-immediatesc").0,
            Status::unresolvable("PersistentVolume had no name"),
            "unbound volume immediate binding mode"
        );
        assert_eq!(
            pre("pvc-waitsc").0,
            Status::skip(),
            "unbound volume wait binding mode"
        );
        // In the whole profile the WaitForFirstConsumer claim reaches VolumeZone, which
        // skips.
        let e = explain(&sim, "p-pvc-waitsc");
        assert_eq!(pre_filter(&e, VZ), Verdict::Skipped);
        assert_eq!(filter(&e, "host1", VZ), Verdict::Skipped);
        assert_eq!(pre("pvc-waitsc").0.code, Code::Skip);
    }

    #[test]
    fn a_claim_bound_to_a_missing_volume() {
        // PVC_4 in the tables: bound to a volume that does not exist.
        let docs = vec![
            node("host1", &[(ZONE, "us-west1-a")]),
            claim("pvc-4", "ReadWriteOnce", Some(""), "vol-not-exist"),
            pending("p", &["pvc-4"]),
        ];
        let sim = world(&docs);
        assert_eq!(
            plugin_verdict(&sim, &VolumeZone, "p", "host1").0,
            Status::unresolvable(r#"persistentvolume "vol-not-exist" not found"#)
        );
    }

    #[test]
    fn a_multi_zone_value_with_an_empty_zone_is_ignored() {
        // LabelZonesToSet fails on an empty element ("a____b" splits into a, "", b) and
        // getPVTopologies skips that label, so the volume constrains nothing.
        let docs = vec![
            node("host1", &[(ZONE, "us-west1-b")]),
            bound(
                "pvc-odd",
                "disk.csi.example.com",
                "ReadWriteOnce",
                &format!("{ZONE}: us-west1-a____us-west1-c"),
            ),
            pending("p", &["pvc-odd"]),
        ];
        let sim = world(&docs);
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, VZ), Verdict::Skipped);
    }
}

// === PodTopologySpread filtering (podtopologyspread/filtering_test.go) =================

mod pod_topology_spread_filter {
    use super::*;

    pub(super) const PTS: &str = "PodTopologySpread";
    const NOT_MATCH: &str = "node(s) didn't match pod topology spread constraints";
    const MISSING_LABEL: &str =
        "node(s) didn't match pod topology spread constraints (missing required label)";

    /// `SpreadConstraint(maxSkew, key, DoNotSchedule|ScheduleAnyway, selector, minDomains,
    /// nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys)` as YAML list items.
    pub(super) struct C {
        pub skew: i32,
        pub key: &'static str,
        pub hard: bool,
        /// `Exists` on this label key; None: no labelSelector.
        pub exists: Option<&'static str>,
        pub min_domains: Option<i32>,
        pub affinity_policy: Option<&'static str>,
        pub taints_policy: Option<&'static str>,
    }

    pub(super) fn c(skew: i32, key: &'static str, exists: &'static str) -> C {
        C {
            skew,
            key,
            hard: true,
            exists: Some(exists),
            min_domains: None,
            affinity_policy: None,
            taints_policy: None,
        }
    }

    pub(super) fn constraints_yaml(cs: &[C]) -> String {
        let mut s = String::from("  topologySpreadConstraints:\n");
        for c in cs {
            let when = if c.hard {
                "DoNotSchedule"
            } else {
                "ScheduleAnyway"
            };
            s.push_str(&format!(
                "  - {{maxSkew: {}, topologyKey: {}, whenUnsatisfiable: {when}",
                c.skew, c.key
            ));
            if let Some(k) = c.exists {
                s.push_str(&format!(
                    ", labelSelector: {{matchExpressions: [{{key: {k}, operator: Exists}}]}}"
                ));
            }
            if let Some(m) = c.min_domains {
                s.push_str(&format!(", minDomains: {m}"));
            }
            if let Some(p) = c.affinity_policy {
                s.push_str(&format!(", nodeAffinityPolicy: {p}"));
            }
            if let Some(p) = c.taints_policy {
                s.push_str(&format!(", nodeTaintsPolicy: {p}"));
            }
            s.push_str("}\n");
        }
        s
    }

    /// `labels` as `k: ''` flow entries (the tables' labels all have empty values).
    pub(super) fn flags(labels: &[&str]) -> String {
        labels
            .iter()
            .map(|l| format!("{l}: ''"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `st.MakeNode().Name(n).Label("zone", z).Label("node", n)`.
    pub(super) fn zn(name: &str, zone: &str) -> String {
        node(name, &[("zone", zone), ("node", name)])
    }

    /// `st.MakeNode().Name(n).Label("node", n)`.
    pub(super) fn n(name: &str) -> String {
        node(name, &[("node", name)])
    }

    /// An existing pod on `node`, in `default` unless `ns` says otherwise.
    pub(super) fn ex(name: &str, node: &str, labels: &[&str]) -> String {
        ex_ns(name, "default", node, labels)
    }

    pub(super) fn ex_ns(name: &str, ns: &str, node: &str, labels: &[&str]) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{}}}}}\nspec:\n  nodeName: {node}\n  terminationGracePeriodSeconds: 30\n  containers: [{{name: c, image: pause}}]\n",
            flags(labels)
        )
    }

    /// The incoming pod `p` (gated), with `labels`, extra spec lines and constraints.
    pub(super) fn incoming(labels: &[&str], spec: &str, cs: &[C]) -> String {
        pod(
            "p",
            &flags(labels),
            &[],
            &format!("{GATED}{spec}{}", constraints_yaml(cs)),
        )
    }

    fn code(v: &Verdict) -> Code {
        match v {
            Verdict::Passed => Code::Success,
            Verdict::Failed {
                unresolvable: true,
                reason,
            } => {
                assert_eq!(reason, MISSING_LABEL);
                Code::UnschedulableAndUnresolvable
            }
            Verdict::Failed {
                unresolvable: false,
                reason,
            } => {
                assert_eq!(reason, NOT_MATCH);
                Code::Unschedulable
            }
            other => panic!("unexpected verdict {other:?}"),
        }
    }

    use Code::{Success as S, Unschedulable as U, UnschedulableAndUnresolvable as UU};

    /// Runs a table case: PreFilter must pass, then each node's Filter code.
    fn check(name: &str, docs: Vec<String>, want: &[(&str, Code)]) {
        let sim = world(&docs);
        check_sim(name, &sim, want);
    }

    fn check_sim(name: &str, sim: &Simulation, want: &[(&str, Code)]) {
        let e = explain(sim, "p");
        assert_eq!(pre_filter(&e, PTS), Verdict::Passed, "{name}: PreFilter");
        for (node, w) in want {
            assert_eq!(code(&filter(&e, node, PTS)), *w, "{name}: {node}");
        }
    }

    fn four_zoned() -> Vec<String> {
        vec![
            zn("node-a", "zone1"),
            zn("node-b", "zone1"),
            zn("node-x", "zone2"),
            zn("node-y", "zone2"),
        ]
    }

    fn with(mut docs: Vec<String>, more: Vec<String>) -> Vec<String> {
        docs.extend(more);
        docs
    }

    /// Existing pods 2/1/0/3 on node-a/b/x/y, labelled foo.
    fn spread_2_1_0_3() -> Vec<String> {
        vec![
            ex("p-a1", "node-a", &["foo"]),
            ex("p-a2", "node-a", &["foo"]),
            ex("p-b1", "node-b", &["foo"]),
            ex("p-y1", "node-y", &["foo"]),
            ex("p-y2", "node-y", &["foo"]),
            ex("p-y3", "node-y", &["foo"]),
        ]
    }

    #[test]
    fn single_constraint_table() {
        let all = |c| [("node-a", c), ("node-b", c), ("node-x", c), ("node-y", c)];
        check(
            "no existing pods",
            with(
                four_zoned(),
                vec![incoming(&["foo"], "", &[c(1, "zone", "foo")])],
            ),
            &all(S),
        );
        check(
            "no existing pods, incoming pod doesn't match itself",
            with(
                four_zoned(),
                vec![incoming(&["foo"], "", &[c(1, "zone", "bar")])],
            ),
            &all(S),
        );
        check(
            "existing pods in a different namespace do not count",
            with(
                four_zoned(),
                vec![
                    ex_ns("p-a1", "ns1", "node-a", &["foo"]),
                    ex_ns("p-b1", "ns2", "node-a", &["foo"]),
                    ex("p-x1", "node-x", &["foo"]),
                    ex("p-y1", "node-y", &["foo"]),
                    incoming(&["foo"], "", &[c(1, "zone", "foo")]),
                ],
            ),
            &[("node-a", S), ("node-b", S), ("node-x", U), ("node-y", U)],
        );
        let mut null_selector = c(1, "zone", "foo");
        null_selector.exists = None;
        check(
            "existing pods do not match null selector",
            with(
                four_zoned(),
                vec![
                    ex("p-x1", "node-x", &["foo"]),
                    ex("p-y1", "node-y", &["foo"]),
                    incoming(&["foo"], "", &[null_selector]),
                ],
            ),
            &all(S),
        );
        check(
            "pods spread across zones as 3/3, all nodes fit",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["foo"], "", &[c(1, "zone", "foo")])],
            ),
            &all(S),
        );
        check(
            "pods spread across zones as 1/2 due to absence of label 'zone' on node-b",
            vec![
                zn("node-a", "zone1"),
                node("node-b", &[("zon", "zone1"), ("node", "node-b")]),
                zn("node-x", "zone2"),
                zn("node-y", "zone2"),
                ex("p-a1", "node-a", &["foo"]),
                ex("p-b1", "node-b", &["foo"]),
                ex("p-x1", "node-x", &["foo"]),
                ex("p-y1", "node-y", &["foo"]),
                incoming(&["foo"], "", &[c(1, "zone", "foo")]),
            ],
            &[("node-a", S), ("node-b", UU), ("node-x", U), ("node-y", U)],
        );
        check(
            "pod cannot be scheduled as all nodes don't have label 'rack'",
            vec![
                zn("node-a", "zone1"),
                zn("node-x", "zone2"),
                incoming(&["foo"], "", &[c(1, "rack", "foo")]),
            ],
            &[("node-a", UU), ("node-x", UU)],
        );
        check(
            "pods spread across nodes as 2/1/0/3, only node-x fits",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["foo"], "", &[c(1, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        check(
            "pods spread across nodes as 2/1/0/3, maxSkew is 2, node-b and node-x fit",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["foo"], "", &[c(2, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", S), ("node-x", S), ("node-y", U)],
        );
        check(
            "pods spread across nodes as 2/1/0/3, but pod doesn't match itself",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["bar"], "", &[c(1, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", S), ("node-x", S), ("node-y", U)],
        );
        let affinity_in = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: node, operator: In, values: [node-a, node-y]}]\n";
        check(
            "incoming pod has nodeAffinity, pods spread as 2/~1~/~0~/3, hence node-a fits",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["foo"], affinity_in, &[c(1, "node", "foo")])],
            ),
            &[("node-a", S), ("node-b", S), ("node-x", S), ("node-y", U)],
        );
        let affinity_not_in = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: node, operator: NotIn, values: [node-b]}]\n";
        check(
            "incoming pod has nodeAffinity, pods spread as 0/~2~/0/1, hence node-a fits",
            with(
                four_zoned(),
                vec![
                    ex("p-b1", "node-b", &["foo"]),
                    ex("p-b2", "node-b", &["foo"]),
                    ex("p-y1", "node-y", &["foo"]),
                    incoming(&["foo"], affinity_not_in, &[c(1, "zone", "foo")]),
                ],
            ),
            &[("node-a", S), ("node-b", S), ("node-x", U), ("node-y", U)],
        );
    }

    #[test]
    fn terminating_pods_should_be_excluded() {
        let mut sim = world(&[
            n("node-a"),
            n("node-b"),
            ex("p-a", "node-a", &["foo"]),
            ex("p-b", "node-b", &["foo"]),
            incoming(&["foo"], "", &[c(1, "node", "foo")]),
        ]);
        // p-a is deleted with a 30 s grace period: terminating, still on its node.
        sim.delete(Kind::Pod, &ObjectKey::new("default", "p-a"))
            .unwrap();
        let p_a = sim
            .cluster()
            .pod(&ObjectKey::new("default", "p-a"))
            .unwrap();
        assert!(p_a.meta.deletion.is_some(), "p-a is terminating");
        check_sim(
            "terminating Pods should be excluded",
            &sim,
            &[("node-a", S), ("node-b", U)],
        );
    }

    /// Three nodes labelled only `node`, pods 2/2/1.
    fn nodes_2_2_1() -> Vec<String> {
        vec![
            n("node-a"),
            n("node-b"),
            n("node-c"),
            ex("p-a1", "node-a", &["foo"]),
            ex("p-a2", "node-a", &["foo"]),
            ex("p-b1", "node-b", &["foo"]),
            ex("p-b2", "node-b", &["foo"]),
            ex("p-c1", "node-c", &["foo"]),
        ]
    }

    fn zones_2_1() -> Vec<String> {
        with(
            four_zoned(),
            vec![
                ex("p-b1", "node-a", &["foo"]),
                ex("p-b2", "node-b", &["foo"]),
                ex("p-y1", "node-y", &["foo"]),
            ],
        )
    }

    #[test]
    fn min_domains_table() {
        let mut four = c(2, "node", "foo");
        four.min_domains = Some(4);
        check(
            "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains < minDomains, then the third node fits",
            with(nodes_2_2_1(), vec![incoming(&["foo"], "", &[four])]),
            &[("node-a", U), ("node-b", U), ("node-c", S)],
        );
        let mut two = c(2, "node", "foo");
        two.min_domains = Some(2);
        check(
            "pods spread across nodes as 2/2/1, maxSkew is 2, and the number of domains > minDomains, then the all nodes fit",
            with(nodes_2_2_1(), vec![incoming(&["foo"], "", &[two])]),
            &[("node-a", S), ("node-b", S), ("node-c", S)],
        );
        let mut three = c(2, "zone", "foo");
        three.min_domains = Some(3);
        check(
            "pods spread across zone as 2/1, maxSkew is 2 and the number of domains < minDomains, then the third and fourth nodes fit",
            with(zones_2_1(), vec![incoming(&["foo"], "", &[three])]),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)],
        );
        let mut one = c(2, "zone", "foo");
        one.min_domains = Some(1);
        check(
            "pods spread across zone as 2/1, maxSkew is 2 and the number of domains > minDomains, then the all nodes fit",
            with(zones_2_1(), vec![incoming(&["foo"], "", &[one])]),
            &[("node-a", S), ("node-b", S), ("node-x", S), ("node-y", S)],
        );
    }

    /// node-a/b/x labelled foo, node-y not (or tainted), pods 1/1/0/1.
    fn inclusion_nodes(y: String) -> Vec<String> {
        vec![
            node("node-a", &[("node", "node-a"), ("foo", "")]),
            node("node-b", &[("node", "node-b"), ("foo", "")]),
            node("node-x", &[("node", "node-x"), ("foo", "")]),
            y,
            ex("p-b1", "node-a", &["foo"]),
            ex("p-b2", "node-b", &["foo"]),
            ex("p-y1", "node-y", &["foo"]),
        ]
    }

    const UNSCHEDULABLE_TAINT: &str =
        "taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]";

    #[test]
    fn node_inclusion_policy_table() {
        let plain_y = || node("node-y", &[("node", "node-y")]);
        let tainted_y = || node_with("node-y", &[("node", "node-y")], UNSCHEDULABLE_TAINT);
        let selector = "  nodeSelector: {foo: ''}\n";
        let affinity = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: foo, operator: In, values: ['']}]\n";
        let ignore = |mut x: C| {
            x.affinity_policy = Some("Ignore");
            x
        };
        check(
            "NodeAffinityPolicy honored with labelSelectors",
            with(
                inclusion_nodes(plain_y()),
                vec![incoming(&["foo"], selector, &[c(1, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)],
        );
        check(
            "NodeAffinityPolicy ignored with labelSelectors",
            with(
                inclusion_nodes(plain_y()),
                vec![incoming(&["foo"], selector, &[ignore(c(1, "node", "foo"))])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        check(
            "NodeAffinityPolicy honored with nodeAffinity",
            with(
                inclusion_nodes(plain_y()),
                vec![incoming(&["foo"], affinity, &[c(1, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)],
        );
        check(
            "NodeAffinityPolicy ignored with nodeAffinity",
            with(
                inclusion_nodes(plain_y()),
                vec![incoming(&["foo"], affinity, &[ignore(c(1, "node", "foo"))])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        let mut honor_taints = c(1, "node", "foo");
        honor_taints.taints_policy = Some("Honor");
        check(
            "NodeTaintsPolicy honored",
            with(
                inclusion_nodes(tainted_y()),
                vec![incoming(&["foo"], "", &[honor_taints])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)],
        );
        check(
            "NodeTaintsPolicy ignored",
            with(
                inclusion_nodes(tainted_y()),
                vec![incoming(&["foo"], "", &[c(1, "node", "foo")])],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
    }

    #[test]
    fn multiple_constraints_table() {
        let zone_node = || [c(1, "zone", "foo"), c(1, "node", "foo")];
        let foo_bar = || [c(1, "zone", "foo"), c(1, "node", "bar")];
        check(
            "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![incoming(&["foo"], "", &zone_node())],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        check(
            "two Constraints on zone and node, spreads = [3/4, 2/1/0/4]",
            with(
                with(four_zoned(), spread_2_1_0_3()),
                vec![
                    ex("p-y4", "node-y", &["foo"]),
                    incoming(&["foo"], "", &zone_node()),
                ],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", U), ("node-y", U)],
        );
        check(
            "Constraints hold different labelSelectors, spreads = [1/0, 1/0/0/1]",
            with(
                four_zoned(),
                vec![
                    ex("p-a1", "node-a", &["foo"]),
                    ex("p-y1", "node-y", &["bar"]),
                    incoming(&["foo", "bar"], "", &foo_bar()),
                ],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        check(
            "Constraints hold different labelSelectors, spreads = [1/0, 0/0/1/1]",
            with(
                four_zoned(),
                vec![
                    ex("p-a1", "node-a", &["foo"]),
                    ex("p-x1", "node-x", &["bar"]),
                    ex("p-y1", "node-y", &["bar"]),
                    incoming(&["foo", "bar"], "", &foo_bar()),
                ],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", U), ("node-y", U)],
        );
        check(
            "Constraints hold different labelSelectors, spreads = [2/3, 1/0/0/1]",
            with(
                four_zoned(),
                vec![
                    ex("p-a1", "node-a", &["foo"]),
                    ex("p-a2", "node-a", &["foo", "bar"]),
                    ex("p-y1", "node-y", &["foo"]),
                    ex("p-y2", "node-y", &["foo", "bar"]),
                    ex("p-y3", "node-y", &["foo"]),
                    incoming(&["foo", "bar"], "", &foo_bar()),
                ],
            ),
            &[("node-a", U), ("node-b", S), ("node-x", U), ("node-y", U)],
        );
        check(
            "Constraints hold different labelSelectors but pod doesn't match itself on 'zone' constraint",
            with(
                four_zoned(),
                vec![
                    ex("p-a1", "node-a", &["foo"]),
                    ex("p-x1", "node-x", &["bar"]),
                    ex("p-y1", "node-y", &["bar"]),
                    incoming(&["bar"], "", &foo_bar()),
                ],
            ),
            &[("node-a", S), ("node-b", S), ("node-x", U), ("node-y", U)],
        );
        check(
            "two Constraints on zone and node, absence of label 'node' on node-x, spreads = [1/1, 1/0/0/1]",
            vec![
                zn("node-a", "zone1"),
                zn("node-b", "zone1"),
                node("node-x", &[("zone", "zone2")]),
                zn("node-y", "zone2"),
                ex("p-a1", "node-a", &["foo"]),
                ex("p-y3", "node-y", &["foo"]),
                incoming(&["foo"], "", &zone_node()),
            ],
            &[("node-a", U), ("node-b", S), ("node-x", UU), ("node-y", U)],
        );
        let bar_foo_zone = || [c(1, "zone", "bar"), c(1, "zone", "foo")];
        let zone_pods = || {
            vec![
                ex("p-a1", "node-a", &["foo", "bar"]),
                ex("p-a2", "node-a", &["foo"]),
                ex("p-b1", "node-b", &["foo", "bar"]),
                ex("p-y1", "node-y", &["foo"]),
                ex("p-y2", "node-y", &["foo", "bar"]),
                ex("p-y3", "node-y", &["foo"]),
            ]
        };
        check(
            "two Constraints on zone, spreads = [3/3, 2/1]",
            with(
                with(four_zoned(), zone_pods()),
                vec![incoming(&["foo", "bar"], "", &bar_foo_zone())],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)],
        );
        check(
            "two Constraints on zone, spreads = [3/4, 2/1]",
            with(
                with(four_zoned(), zone_pods()),
                vec![
                    ex("p-y4", "node-y", &["foo"]),
                    incoming(&["foo", "bar"], "", &bar_foo_zone()),
                ],
            ),
            &[("node-a", U), ("node-b", U), ("node-x", U), ("node-y", U)],
        );
    }

    #[test]
    fn multiple_constraints_with_node_inclusion_policies() {
        let zoned_foo =
            |name: &str, zone: &str| node(name, &[("zone", zone), ("node", name), ("foo", "")]);
        let pods = || {
            vec![
                ex("p-a1", "node-a", &["foo"]),
                ex("p-b1", "node-b", &["foo"]),
                ex("p-y1", "node-y", &["foo"]),
            ]
        };
        let selector = "  nodeSelector: {foo: ''}\n";
        let mut ignore_node = c(1, "node", "foo");
        ignore_node.affinity_policy = Some("Ignore");
        check(
            "two node inclusion Constraints, zone: honor/ignore, node: ignore/ignore",
            with(
                vec![
                    zoned_foo("node-a", "zone1"),
                    zoned_foo("node-b", "zone1"),
                    zoned_foo("node-x", "zone2"),
                    zn("node-y", "zone2"),
                ],
                with(
                    pods(),
                    vec![incoming(
                        &["foo"],
                        selector,
                        &[c(1, "zone", "foo"), ignore_node],
                    )],
                ),
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        let mut honor_zone = c(1, "zone", "foo");
        honor_zone.taints_policy = Some("Honor");
        check(
            "two node inclusion Constraints, zone: honor/honor, node: honor/ignore",
            with(
                vec![
                    zoned_foo("node-a", "zone1"),
                    zoned_foo("node-b", "zone1"),
                    zoned_foo("node-x", "zone2"),
                    node_with(
                        "node-y",
                        &[("zone", "zone2"), ("node", "node-y")],
                        UNSCHEDULABLE_TAINT,
                    ),
                ],
                with(
                    pods(),
                    vec![incoming(&["foo"], "", &[honor_zone, c(1, "node", "foo")])],
                ),
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
        let tainted_foo_y = || {
            node_with(
                "node-y",
                &[("zone", "zone2"), ("node", "node-y"), ("foo", "")],
                UNSCHEDULABLE_TAINT,
            )
        };
        check(
            "two node inclusion Constraints, zone: honor/ignore, node: honor/ignore",
            with(
                vec![
                    zoned_foo("node-a", "zone1"),
                    zn("node-b", "zone1"),
                    zoned_foo("node-x", "zone2"),
                    tainted_foo_y(),
                ],
                with(
                    pods(),
                    vec![incoming(
                        &["foo"],
                        selector,
                        &[c(1, "zone", "foo"), c(1, "node", "foo")],
                    )],
                ),
            ),
            &[("node-a", U), ("node-b", S), ("node-x", S), ("node-y", U)],
        );
        let mut honor_zone = c(1, "zone", "foo");
        honor_zone.taints_policy = Some("Honor");
        let mut ignore_node = c(1, "node", "foo");
        ignore_node.affinity_policy = Some("Ignore");
        check(
            "two node inclusion Constraints, zone: honor/honor, node: ignore/ignore",
            with(
                vec![
                    zoned_foo("node-a", "zone1"),
                    zn("node-b", "zone1"),
                    zoned_foo("node-x", "zone2"),
                    tainted_foo_y(),
                ],
                with(
                    pods(),
                    vec![incoming(&["foo"], selector, &[honor_zone, ignore_node])],
                ),
            ),
            &[("node-a", U), ("node-b", U), ("node-x", S), ("node-y", U)],
        );
    }

    /// TestPreFilterState's matchLabelKeys cases, read through Filter: existing pods
    /// foo=a on node-a (2), node-b (1), node-y (2), unless given.
    #[test]
    fn match_label_keys_from_pre_filter_state() {
        let labelled = |name: &str, node: &str, labels: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: default, labels: {{{labels}}}}}\nspec:\n  nodeName: {node}\n  containers: [{{name: c, image: pause}}]\n"
            )
        };
        let foo_a = || {
            vec![
                labelled("p-a1", "node-a", "foo: a"),
                labelled("p-a2", "node-a", "foo: a"),
                labelled("p-b1", "node-b", "foo: a"),
                labelled("p-y1", "node-y", "foo: a"),
                labelled("p-y2", "node-y", "foo: a"),
            ]
        };
        let gated = |labels: &str, constraint: &str| {
            pod(
                "p",
                labels,
                &[],
                &format!("{GATED}  topologySpreadConstraints:\n  - {{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule{constraint}}}\n"),
            )
        };
        let zone1_out = [("node-a", U), ("node-b", U), ("node-x", S), ("node-y", S)];
        let all_in = [("node-a", S), ("node-b", S), ("node-x", S), ("node-y", S)];
        // Selector {} ANDed with foo=a: zones count 3/2.
        check(
            "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
            with(
                with(four_zoned(), foo_a()),
                vec![gated(
                    "foo: a",
                    ", labelSelector: {}, matchLabelKeys: [foo]",
                )],
            ),
            &zone1_out,
        );
        // foo Exists ANDed with bar=a: zones count 1/1.
        check(
            "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
            with(
                four_zoned(),
                vec![
                    labelled("p-a1", "node-a", "foo: ''"),
                    labelled("p-a2", "node-a", "foo: '', bar: a"),
                    labelled("p-b1", "node-b", "foo: ''"),
                    labelled("p-y1", "node-y", "foo: '', bar: a"),
                    labelled("p-y2", "node-y", "bar: ''"),
                    gated(
                        "foo: '', bar: a",
                        ", labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}, matchLabelKeys: [bar]",
                    ),
                ],
            ),
            &all_in,
        );
        // A key the pod does not carry is ignored: foo Exists alone, zones 3/2.
        check(
            "key in matchLabelKeys is ignored when it isn't exist in pod.labels",
            with(
                with(four_zoned(), foo_a()),
                vec![gated(
                    "foo: ''",
                    ", labelSelector: {matchExpressions: [{key: foo, operator: Exists}]}, matchLabelKeys: [bar]",
                )],
            ),
            &zone1_out,
        );
    }

    #[test]
    fn a_pod_without_hard_constraints_skips_filter() {
        let mut soft = c(1, "zone", "foo");
        soft.hard = false;
        let sim = world(&with(four_zoned(), vec![incoming(&["foo"], "", &[soft])]));
        let e = explain(&sim, "p");
        assert_eq!(pre_filter(&e, PTS), Verdict::Skipped);
        assert_eq!(filter(&e, "node-a", PTS), Verdict::Skipped);
    }

    #[test]
    fn skew_is_unschedulable_and_a_missing_label_unresolvable_for_preemption() {
        // Preemption may help with a skew (Unschedulable) but not with a missing label.
        // One zone of the three minDomains asks for: the global minimum counts as 0.
        let mut three = c(1, "zone", "foo");
        three.min_domains = Some(3);
        let sim = world(&[
            zn("node-a", "zone1"),
            node("node-b", &[("node", "node-b")]),
            ex("p-a1", "node-a", &["foo"]),
            pod("p", &flags(&["foo"]), &[], &constraints_yaml(&[three])),
        ]);
        assert_eq!(
            failed_scheduling(&sim, "p").last().unwrap(),
            &format!("0/2 nodes are available: 1 {NOT_MATCH}, 1 {MISSING_LABEL}. no new claims to deallocate, preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.")
        );
    }
}

// === PodTopologySpread scoring (podtopologyspread/scoring_test.go) =====================

mod pod_topology_spread_score {
    use super::pod_topology_spread_filter::{c, constraints_yaml, ex, ex_ns, flags, C, PTS};
    use super::*;
    use bindery_core::scheduler::plugins::pod_topology_spread::PodTopologySpread;

    const HOST: &str = "kubernetes.io/hostname";

    fn hn(name: &str) -> String {
        node(name, &[(HOST, name)])
    }

    fn zhn(name: &str, zone: &str) -> String {
        node(name, &[("zone", zone), (HOST, name)])
    }

    fn soft(skew: i32, key: &'static str, exists: &'static str) -> C {
        let mut x = c(skew, key, exists);
        x.hard = false;
        x
    }

    fn incoming(labels: &[&str], spec: &str, cs: &[C]) -> String {
        pod(
            "p",
            &flags(labels),
            &[],
            &format!("{GATED}{spec}{}", constraints_yaml(cs)),
        )
    }

    /// TestPodTopologySpreadScore's loop: PreScore with the candidate `nodes` (the rest of
    /// the cluster's nodes are its `failedNodes`), Score each, NormalizeScore.
    fn scores(sim: &Simulation, nodes: &[&str]) -> Vec<(String, i64)> {
        let cx = Ctx {
            cluster: sim.cluster(),
            cache: sim.scheduler_cache(),
            version: sim.version(),
            now: sim.now(),
        };
        let p = sim
            .cluster()
            .pod(&ObjectKey::new("default", "p"))
            .unwrap()
            .clone();
        let infos: Vec<_> = nodes
            .iter()
            .map(|n| sim.scheduler_cache().node(n).unwrap())
            .collect();
        let mut state = CycleState::default();
        let s = PodTopologySpread.pre_score(&cx, &mut state, &p, &infos);
        assert!(s.is_success(), "PreScore: {s:?}");
        let mut got: Vec<i64> = infos
            .iter()
            .map(|n| PodTopologySpread.score(&cx, &state, &p, n))
            .collect();
        PodTopologySpread.normalize(&state, &mut got);
        nodes.iter().map(|n| n.to_string()).zip(got).collect()
    }

    fn want(w: &[(&str, i64)]) -> Vec<(String, i64)> {
        w.iter().map(|(n, s)| (n.to_string(), *s)).collect()
    }

    fn case(name: &str, docs: Vec<String>, nodes: &[&str], expect: &[(&str, i64)]) {
        let sim = world(&docs);
        assert_eq!(scores(&sim, nodes), want(expect), "{name}");
    }

    fn pods(spec: &[(&str, &str, &[&str])]) -> Vec<String> {
        spec.iter().map(|(n, node, l)| ex(n, node, l)).collect()
    }

    fn all(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
        a.extend(b);
        a
    }

    const FOO: &[&str] = &["foo"];
    const FOO_BAR: &[&str] = &["foo", "bar"];
    const BAR: &[&str] = &["bar"];

    #[test]
    fn one_constraint_on_hostname() {
        let host = || vec![incoming(FOO, "", &[soft(1, HOST, "foo")])];
        case(
            "one constraint on node, no existing pods",
            all(vec![hn("node-a"), hn("node-b")], host()),
            &["node-a", "node-b"],
            &[("node-a", 100), ("node-b", 100)],
        );
        case(
            "one constraint on node, only one node is candidate",
            all(
                vec![hn("node-a"), hn("node-b")],
                all(
                    pods(&[
                        ("p-a1", "node-a", FOO),
                        ("p-a2", "node-a", FOO),
                        ("p-b1", "node-b", FOO),
                    ]),
                    host(),
                ),
            ),
            &["node-a"],
            &[("node-a", 100)],
        );
        case(
            "one constraint on node, all nodes have the same number of matching pods",
            all(
                vec![hn("node-a"), hn("node-b")],
                all(
                    pods(&[("p-a1", "node-a", FOO), ("p-b1", "node-b", FOO)]),
                    host(),
                ),
            ),
            &["node-a", "node-b"],
            &[("node-a", 100), ("node-b", 100)],
        );
        let four = || vec![hn("node-a"), hn("node-b"), hn("node-c"), hn("node-d")];
        let p_2_1_0_3 = || {
            pods(&[
                ("p-a1", "node-a", FOO),
                ("p-a2", "node-a", FOO),
                ("p-b1", "node-b", FOO),
                ("p-d1", "node-d", FOO),
                ("p-d2", "node-d", FOO),
                ("p-d3", "node-d", FOO),
            ])
        };
        let abcd = ["node-a", "node-b", "node-c", "node-d"];
        case(
            "one constraint on node, all 4 nodes are candidates",
            all(all(four(), p_2_1_0_3()), host()),
            &abcd,
            &[
                ("node-a", 20),
                ("node-b", 60),
                ("node-c", 100),
                ("node-d", 0),
            ],
        );
        let mut null = soft(1, HOST, "foo");
        null.exists = None;
        case(
            "one constraint on node, null selector",
            all(all(four(), p_2_1_0_3()), vec![incoming(FOO, "", &[null])]),
            &abcd,
            &[
                ("node-a", 100),
                ("node-b", 100),
                ("node-c", 100),
                ("node-d", 100),
            ],
        );
        case(
            "one constraint on node, all 4 nodes are candidates, maxSkew=2",
            all(
                all(four(), p_2_1_0_3()),
                vec![incoming(FOO, "", &[soft(2, HOST, "foo")])],
            ),
            &abcd,
            &[
                ("node-a", 33),
                ("node-b", 66),
                ("node-c", 100),
                ("node-d", 16),
            ],
        );
        let p_4_3_2_1 = || {
            pods(&[
                ("p-a1", "node-a", FOO),
                ("p-a2", "node-a", FOO),
                ("p-a3", "node-a", FOO),
                ("p-a4", "node-a", FOO),
                ("p-b1", "node-b", FOO),
                ("p-b2", "node-b", FOO),
                ("p-b3", "node-b", FOO),
                ("p-c1", "node-c", FOO),
                ("p-c2", "node-c", FOO),
                ("p-d1", "node-d", FOO),
            ])
        };
        case(
            "one constraint on node, all 4 nodes are candidates, maxSkew=3",
            all(
                all(four(), p_4_3_2_1()),
                vec![incoming(FOO, "", &[soft(3, HOST, "foo")])],
            ),
            &abcd,
            &[
                ("node-a", 44),
                ("node-b", 66),
                ("node-c", 77),
                ("node-d", 100),
            ],
        );
        let p_4_2_1_3 = || {
            pods(&[
                ("p-a1", "node-a", FOO),
                ("p-a2", "node-a", FOO),
                ("p-a3", "node-a", FOO),
                ("p-a4", "node-a", FOO),
                ("p-b1", "node-b", FOO),
                ("p-b2", "node-b", FOO),
                ("p-x1", "node-x", FOO),
                ("p-y1", "node-y", FOO),
                ("p-y2", "node-y", FOO),
                ("p-y3", "node-y", FOO),
            ])
        };
        case(
            "one constraint on node, 3 out of 4 nodes are candidates",
            all(
                all(
                    vec![hn("node-a"), hn("node-b"), hn("node-x"), hn("node-y")],
                    p_4_2_1_3(),
                ),
                host(),
            ),
            &["node-a", "node-b", "node-x"],
            &[("node-a", 33), ("node-b", 83), ("node-x", 100)],
        );
        // "… one node doesn't match topology key" (node-b without kubernetes.io/hostname)
        // cannot be built: the kubelet labels every node with its hostname, and Bindery's
        // nodes get the label as the kubelet would set it.
        case(
            "one constraint on zone, 3 out of 4 nodes are candidates",
            all(
                all(
                    vec![
                        zhn("node-a", "zone1"),
                        zhn("node-b", "zone1"),
                        zhn("node-x", "zone2"),
                        zhn("node-y", "zone2"),
                    ],
                    p_4_2_1_3(),
                ),
                vec![incoming(FOO, "", &[soft(1, "zone", "foo")])],
            ),
            &["node-a", "node-b", "node-x"],
            &[("node-a", 75), ("node-b", 75), ("node-x", 100)],
        );
        case(
            "existing pods in a different namespace do not count",
            all(
                vec![
                    hn("node-a"),
                    hn("node-b"),
                    ex_ns("p-a1", "ns1", "node-a", FOO),
                    ex("p-a2", "node-a", FOO),
                    ex("p-b1", "node-b", FOO),
                    ex("p-b2", "node-b", FOO),
                ],
                host(),
            ),
            &["node-a", "node-b"],
            &[("node-a", 100), ("node-b", 33)],
        );
    }

    #[test]
    fn terminating_pods_should_be_excluded() {
        let mut sim = world(&[
            hn("node-a"),
            hn("node-b"),
            ex("p-a", "node-a", FOO),
            ex("p-b", "node-b", FOO),
            incoming(FOO, "", &[soft(1, HOST, "foo")]),
        ]);
        sim.delete(Kind::Pod, &ObjectKey::new("default", "p-a"))
            .unwrap();
        assert!(sim
            .cluster()
            .pod(&ObjectKey::new("default", "p-a"))
            .unwrap()
            .meta
            .deletion
            .is_some());
        assert_eq!(
            scores(&sim, &["node-a", "node-b"]),
            want(&[("node-a", 100), ("node-b", 0)])
        );
    }

    #[test]
    fn two_constraints() {
        let zone_host = [soft(1, "zone", "foo"), soft(1, HOST, "foo")];
        case(
            "two Constraints on zone and node, 2 out of 4 nodes are candidates",
            all(
                vec![
                    zhn("node-a", "zone1"),
                    zhn("node-b", "zone1"),
                    zhn("node-x", "zone2"),
                    zhn("node-y", "zone2"),
                ],
                all(
                    pods(&[
                        ("p-a1", "node-a", FOO),
                        ("p-a2", "node-a", FOO),
                        ("p-b1", "node-b", FOO),
                        ("p-x1", "node-x", FOO),
                        ("p-x2", "node-x", FOO),
                        ("p-y1", "node-y", FOO),
                        ("p-y2", "node-y", FOO),
                        ("p-y3", "node-y", FOO),
                        ("p-y4", "node-y", FOO),
                    ]),
                    vec![incoming(FOO, "", &zone_host)],
                ),
            ),
            &["node-a", "node-x"],
            &[("node-a", 100), ("node-x", 63)],
        );
        case(
            "two Constraints on zone, 2 out of 4 nodes are candidates",
            all(
                vec![
                    node("node-a", &[("zone", "zone1")]),
                    node("node-b", &[("zone", "zone1")]),
                    node("node-x", &[("zone", "zone2")]),
                    node("node-y", &[("zone", "zone2")]),
                ],
                all(
                    pods(&[
                        ("p-a1", "node-a", FOO_BAR),
                        ("p-a2", "node-a", FOO),
                        ("p-b1", "node-b", FOO_BAR),
                        ("p-y1", "node-y", FOO),
                        ("p-y2", "node-y", FOO_BAR),
                        ("p-y3", "node-y", FOO),
                    ]),
                    vec![incoming(
                        FOO_BAR,
                        "",
                        &[soft(1, "zone", "foo"), soft(1, "zone", "bar")],
                    )],
                ),
            ),
            &["node-a", "node-x"],
            &[("node-a", 85), ("node-x", 100)],
        );
        let four_zoned = || {
            vec![
                zhn("node-a", "zone1"),
                zhn("node-b", "zone1"),
                zhn("node-x", "zone2"),
                zhn("node-y", "zone2"),
            ]
        };
        let foo_bar = || [soft(1, "zone", "foo"), soft(1, HOST, "bar")];
        let different = || {
            pods(&[
                ("p-a1", "node-a", FOO),
                ("p-b1", "node-b", FOO_BAR),
                ("p-y1", "node-y", FOO),
                ("p-y2", "node-y", BAR),
            ])
        };
        case(
            "two Constraints on zone and node, with different labelSelectors",
            all(
                all(four_zoned(), different()),
                vec![incoming(FOO_BAR, "", &foo_bar())],
            ),
            &["node-a", "node-b", "node-x", "node-y"],
            &[
                ("node-a", 60),
                ("node-b", 20),
                ("node-x", 100),
                ("node-y", 60),
            ],
        );
        case(
            "two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
            all(
                all(
                    four_zoned(),
                    pods(&[
                        ("p-b1", "node-b", BAR),
                        ("p-x1", "node-x", FOO),
                        ("p-y1", "node-y", FOO_BAR),
                    ]),
                ),
                vec![incoming(FOO_BAR, "", &foo_bar())],
            ),
            &["node-a", "node-b", "node-x", "node-y"],
            &[("node-a", 100), ("node-b", 60), ("node-x", 40), ("node-y", 0)],
        );
        case(
            "two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
            all(
                all(four_zoned(), different()),
                vec![incoming(FOO_BAR, "", &foo_bar())],
            ),
            &["node-a", "node-b", "node-x"],
            &[("node-a", 50), ("node-b", 25), ("node-x", 100)],
        );
    }

    #[test]
    fn min_domains_has_no_effect_when_schedule_anyway() {
        // Upstream sets minDomains 10 on a ScheduleAnyway constraint, which the API server
        // rejects ("can only use minDomains if whenUnsatisfiable=DoNotSchedule"); without it
        // the scores are those the table expects.
        let nodes = || {
            vec![
                node("node-a", &[("node", "node-a")]),
                node("node-b", &[("node", "node-b")]),
                node("node-c", &[("node", "node-c")]),
            ]
        };
        case(
            "minDomains has no effect when ScheduleAnyway",
            all(
                all(
                    nodes(),
                    pods(&[
                        ("p-a1", "node-a", FOO),
                        ("p-a2", "node-a", FOO),
                        ("p-b1", "node-b", FOO),
                        ("p-b2", "node-b", FOO),
                        ("p-c1", "node-c", FOO),
                    ]),
                ),
                vec![incoming(FOO, "", &[soft(2, "node", "foo")])],
            ),
            &["node-a", "node-b", "node-c"],
            &[("node-a", 75), ("node-b", 75), ("node-c", 100)],
        );
        // And the API server's rejection.
        let mut bad = soft(2, "node", "foo");
        bad.min_domains = Some(10);
        let parsed = bindery_core::scenario::parse(&incoming(FOO, "", &[bad]));
        let mut sim = Simulation::new(1);
        let errors = sim.load(&parsed);
        assert!(
            format!("{errors:?}").contains(
                "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"
            ),
            "{errors:?}"
        );
    }

    #[test]
    fn node_inclusion_policies() {
        let nodes = |c_taint: bool| {
            vec![
                node("node-a", &[("node", "node-a"), ("foo", "")]),
                node("node-b", &[("node", "node-b"), ("foo", "")]),
                if c_taint {
                    node_with(
                        "node-c",
                        &[("node", "node-c")],
                        "taints: [{key: node.kubernetes.io/unschedulable, effect: NoSchedule}]",
                    )
                } else {
                    node("node-c", &[("node", "node-c")])
                },
                ex("p-a1", "node-a", FOO),
                ex("p-a2", "node-a", FOO),
                ex("p-b1", "node-b", FOO),
                ex("p-c1", "node-c", FOO),
            ]
        };
        let abc = ["node-a", "node-b", "node-c"];
        let selector = "  nodeSelector: {foo: ''}\n";
        let affinity = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: foo, operator: In, values: ['']}]\n";
        let ignore = || {
            let mut x = soft(1, "node", "foo");
            x.affinity_policy = Some("Ignore");
            x
        };
        let honored = [("node-a", 0), ("node-b", 33), ("node-c", 100)];
        let ignored = [("node-a", 66), ("node-b", 100), ("node-c", 100)];
        for (name, spec, cs, expect) in [
            (
                "NodeAffinityPolicy honoed with labelSelectors",
                selector,
                soft(1, "node", "foo"),
                honored,
            ),
            (
                "NodeAffinityPolicy ignored with labelSelectors",
                selector,
                ignore(),
                ignored,
            ),
            (
                "NodeAffinityPolicy honoed with nodeAffinity",
                affinity,
                soft(1, "node", "foo"),
                honored,
            ),
            (
                "NodeAffinityPolicy ignored with nodeAffinity",
                affinity,
                ignore(),
                ignored,
            ),
        ] {
            case(
                name,
                all(nodes(false), vec![incoming(FOO, spec, &[cs])]),
                &abc,
                &expect,
            );
        }
        let mut honor_taints = soft(1, "node", "foo");
        honor_taints.taints_policy = Some("Honor");
        case(
            "NodeTaintsPolicy honored",
            all(nodes(true), vec![incoming(FOO, "", &[honor_taints])]),
            &abc,
            &honored,
        );
        case(
            "NodeTaintsPolicy ignored",
            all(
                nodes(true),
                vec![incoming(FOO, "", &[soft(1, "node", "foo")])],
            ),
            &abc,
            &ignored,
        );
    }

    /// A constraint with `matchLabelKeys` (and the selector given as flow YAML).
    fn with_keys(skew: i32, key: &str, selector: &str, keys: &str) -> String {
        format!("  - {{maxSkew: {skew}, topologyKey: {key}, whenUnsatisfiable: ScheduleAnyway, labelSelector: {selector}, matchLabelKeys: [{keys}]}}\n")
    }

    #[test]
    fn match_label_keys() {
        let nodes = || {
            vec![
                zhn("node-a", "zone1"),
                zhn("node-b", "zone1"),
                zhn("node-c", "zone2"),
                zhn("node-d", "zone2"),
            ]
        };
        let abcd = ["node-a", "node-b", "node-c", "node-d"];
        let expect = [
            ("node-a", 60),
            ("node-b", 20),
            ("node-c", 60),
            ("node-d", 100),
        ];
        let spec = format!(
            "{GATED}  topologySpreadConstraints:\n{}{}",
            with_keys(1, "zone", "{}", "foo"),
            with_keys(1, HOST, "{}", "bar")
        );
        case(
            "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
            all(
                all(
                    nodes(),
                    pods(&[
                        ("p-a1", "node-a", FOO),
                        ("p-b1", "node-b", FOO_BAR),
                        ("p-y1", "node-c", FOO),
                        ("p-y2", "node-c", BAR),
                    ]),
                ),
                vec![pod("p", &flags(FOO_BAR), &[], &spec)],
            ),
            &abcd,
            &expect,
        );
        let spec = format!(
            "{GATED}  topologySpreadConstraints:\n  - {{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {{matchExpressions: [{{key: foo, operator: Exists}}]}}}}\n{}",
            with_keys(1, HOST, "{matchExpressions: [{key: bar, operator: Exists}]}", "baz")
        );
        case(
            "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
            all(
                all(
                    nodes(),
                    pods(&[
                        ("p-a1", "node-a", FOO),
                        ("p-b1", "node-b", &["foo", "bar", "baz"]),
                        ("p-c1", "node-c", FOO),
                        ("p-c2", "node-c", BAR),
                        ("p-d3", "node-c", &["bar", "baz"]),
                    ]),
                ),
                vec![pod("p", &flags(&["foo", "bar", "baz"]), &[], &spec)],
            ),
            &abcd,
            &expect,
        );
    }

    #[test]
    fn pre_score_skips_a_pod_without_soft_constraints() {
        // TestPreScoreSkip "the pod doesn't have soft topology spread Constraints" (no
        // owner, so no system default constraints either).
        let sim = world(&[hn("node-a"), hn("node-b"), pending("p", &[])]);
        let cx = Ctx {
            cluster: sim.cluster(),
            cache: sim.scheduler_cache(),
            version: sim.version(),
            now: sim.now(),
        };
        let p = sim
            .cluster()
            .pod(&ObjectKey::new("default", "p"))
            .unwrap()
            .clone();
        let infos: Vec<_> = ["node-a", "node-b"]
            .iter()
            .map(|n| sim.scheduler_cache().node(n).unwrap())
            .collect();
        let mut state = CycleState::default();
        assert_eq!(
            PodTopologySpread
                .pre_score(&cx, &mut state, &p, &infos)
                .code,
            Code::Skip
        );
    }

    #[test]
    fn the_whole_profile_weighs_the_normalized_score_twice() {
        // "one constraint on node, all 4 nodes are candidates" through the scheduler's own
        // scoring: PodTopologySpread's weight in the default profile is 2.
        let sim = world(&all(
            vec![hn("node-a"), hn("node-b"), hn("node-c"), hn("node-d")],
            all(
                pods(&[
                    ("p-a1", "node-a", FOO),
                    ("p-a2", "node-a", FOO),
                    ("p-b1", "node-b", FOO),
                    ("p-d1", "node-d", FOO),
                    ("p-d2", "node-d", FOO),
                    ("p-d3", "node-d", FOO),
                ]),
                vec![incoming(FOO, "", &[soft(1, HOST, "foo")])],
            ),
        ));
        let e = explain(&sim, "p");
        let got: Vec<(String, i64)> = e
            .nodes
            .iter()
            .map(|r| {
                let s = r.scores.iter().find(|(p, _)| *p == PTS).unwrap().1;
                (r.node.clone(), s)
            })
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .collect();
        assert_eq!(
            got,
            want(&[
                ("node-a", 40),
                ("node-b", 120),
                ("node-c", 200),
                ("node-d", 0)
            ])
        );
    }

    #[test]
    fn system_defaulting_spreads_a_replicasets_pods_by_hostname() {
        // "system defaulting, nodes don't have zone, pods match service": Bindery has no
        // Services; the same selector comes from the ReplicaSet controlling the pod
        // (DefaultSelector), with the system default constraints (hostname maxSkew 3, zone
        // maxSkew 5). Nodes without a zone still take part: the zone constraint adds nothing.
        let rs = "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: rs1, namespace: default}\nspec:\n  replicas: 1\n  selector: {matchExpressions: [{key: foo, operator: Exists}]}\n  template:\n    metadata: {labels: {foo: ''}}\n    spec:\n      schedulingGates: [{name: hold}]\n      containers: [{name: c, image: pause}]\n".to_string();
        let mut docs = vec![hn("node-a"), hn("node-b"), hn("node-c"), hn("node-d")];
        // The existing pods are not the set's (no owner), but its selector matches them.
        for (name, n) in [
            ("p-a1", "node-a"),
            ("p-a2", "node-a"),
            ("p-a3", "node-a"),
            ("p-a4", "node-a"),
            ("p-b1", "node-b"),
            ("p-b2", "node-b"),
            ("p-b3", "node-b"),
            ("p-c1", "node-c"),
            ("p-c2", "node-c"),
            ("p-d1", "node-d"),
        ] {
            docs.push(ex(name, n, &["foo", "x"]));
        }
        docs.push(rs);
        let sim = world(&docs);
        let owned = sim
            .cluster()
            .pods()
            .values()
            .find(|p| p.meta.name.starts_with("rs1-"))
            .expect("the set made its pod")
            .meta
            .name
            .to_string();
        let e = explain(&sim, &owned);
        let mut got: Vec<(String, i64)> = e
            .nodes
            .iter()
            .map(|r| {
                let s = r.scores.iter().find(|(p, _)| *p == PTS).unwrap().1;
                (r.node.clone(), s / 2)
            })
            .collect();
        got.sort();
        assert_eq!(
            got,
            want(&[
                ("node-a", 44),
                ("node-b", 66),
                ("node-c", 77),
                ("node-d", 100)
            ])
        );
    }
}
