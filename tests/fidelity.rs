//! Upstream's exact words and outcomes for the situations Bindery exists to show, written
//! by hand from Kubernetes v1.36 sources and observed control planes (not recorded output).

use bindery_core::events::EventType;
use bindery_core::model::{Kind, ObjectKey, PvPhase, PvcPhase};
use bindery_core::report::json_report;
use bindery_core::Simulation;
use bindery_tests::{run_builtin, GOLDEN_SEED};

fn messages(sim: &Simulation, kind: Kind, key: &str, reason: &str) -> Vec<String> {
    let key = ObjectKey::parse(key, kind.namespaced());
    sim.log()
        .events_for(kind, &key)
        .filter(|(_, e)| e.reason == reason)
        .map(|(_, e)| e.message.to_string())
        .collect()
}

const RWOP_V1_36_2: &str = "0/2 nodes are available: 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";

#[test]
fn rwop_conflict_matches_a_real_v1_36_scheduler() {
    let sim = run_builtin("rwop-conflict", GOLDEN_SEED).sim;
    let msgs = messages(&sim, Kind::Pod, "default/writer-2", "FailedScheduling");
    assert_eq!(msgs.last().unwrap(), RWOP_V1_36_2);
    // The condition carries the same text.
    let pod = sim
        .cluster()
        .pod(&ObjectKey::new("default", "writer-2"))
        .unwrap();
    let cond = pod.condition("PodScheduled").unwrap();
    assert_eq!(
        (cond.status.as_str(), cond.reason.as_str()),
        ("False", "Unschedulable")
    );
    assert_eq!(&*cond.message, RWOP_V1_36_2);
    // Before the claim is bound: the PreFilter short form and DRA's missing state.
    assert_eq!(
        msgs[0],
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. not found"
    );
}

#[test]
fn rwop_preemption_evicts_the_holder_and_nominates_its_node() {
    let sim = run_builtin("rwop-preemption", GOLDEN_SEED).sim;
    let first = &messages(&sim, Kind::Pod, "default/online-writer", "FailedScheduling")[0];
    assert_eq!(
        first,
        "0/2 nodes are available: 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod."
    );
    let preemptor_uid = sim
        .cluster()
        .pod(&ObjectKey::new("default", "online-writer"))
        .unwrap()
        .meta
        .uid
        .clone();
    assert_eq!(
        messages(&sim, Kind::Pod, "default/batch-holder", "Preempted"),
        vec![format!("Preempted by pod {preemptor_uid} on node node1")]
    );
    assert_eq!(
        messages(&sim, Kind::Pod, "default/online-writer", "Scheduled"),
        vec!["Successfully assigned default/online-writer to node1".to_string()]
    );
    let report = json_report(&sim);
    let pods = report["pods"].as_array().unwrap();
    let victim = pods.iter().find(|p| p["name"] == "batch-holder").unwrap();
    assert_eq!(victim["preempted"], true);
    let cond = victim["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "DisruptionTarget")
        .unwrap();
    assert_eq!(cond["reason"], "PreemptionByScheduler");
    assert_eq!(
        cond["message"],
        "default-scheduler: preempting to accommodate a higher priority pod"
    );
    let winner = pods.iter().find(|p| p["name"] == "online-writer").unwrap();
    assert_eq!(
        (winner["nodeName"].as_str(), winner["phase"].as_str()),
        (Some("node1"), Some("Running"))
    );
}

#[test]
fn wait_for_first_consumer_binds_the_pv_on_the_chosen_node() {
    let sim = run_builtin("local-pv-wffc", GOLDEN_SEED).sim;
    let c = sim.cluster();
    assert_eq!(
        c.pod(&ObjectKey::new("default", "archiver"))
            .unwrap()
            .node_name(),
        Some("node-2")
    );
    let claim = c.pvc(&ObjectKey::new("default", "data")).unwrap();
    assert_eq!(claim.volume_name.as_deref(), Some("pv-b"));
    assert_eq!(claim.phase, PvcPhase::Bound);
    assert_eq!(c.pv("pv-a").unwrap().phase, PvPhase::Available);
    assert_eq!(
        messages(
            &sim,
            Kind::PersistentVolumeClaim,
            "default/data",
            "WaitForFirstConsumer"
        ),
        vec!["waiting for first consumer to be created before binding".to_string()]
    );
}

#[test]
fn volume_zone_conflict_reads_like_upstream() {
    let sim = run_builtin("zonal-volume-zone", GOLDEN_SEED).sim;
    assert_eq!(
        messages(&sim, Kind::Pod, "default/report-reader-elsewhere", "FailedScheduling")[0],
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had no available volume zone. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn local_path_provisions_a_pinned_host_path_volume() {
    let sim = run_builtin("local-path-provisioning", GOLDEN_SEED).sim;
    let c = sim.cluster();
    let claim = c.pvc(&ObjectKey::new("default", "notes")).unwrap();
    assert_eq!(claim.selected_node(), Some("kind-worker"));
    assert_eq!(
        claim.storage_class_name.as_deref(),
        Some("standard"),
        "the default class was assigned"
    );
    let pv = c.pv(claim.volume_name.as_deref().unwrap()).unwrap();
    assert_eq!(pv.name(), format!("pvc-{}", claim.meta.uid));
    match &pv.source {
        bindery_core::model::PvSource::HostPath { path } => {
            assert_eq!(
                path,
                &format!("/var/local-path-provisioner/{}_default_notes", pv.name())
            )
        }
        other => panic!("expected hostPath, got {other:?}"),
    }
    assert_eq!(
        pv.node_affinity
            .as_ref()
            .unwrap()
            .required_values_of("kubernetes.io/hostname"),
        Some(vec!["kind-worker".to_string()])
    );
    assert_eq!(
        pv.meta.annotation("pv.kubernetes.io/provisioned-by"),
        Some("rancher.io/local-path")
    );
    let provisioning = messages(
        &sim,
        Kind::PersistentVolumeClaim,
        "default/notes",
        "ExternalProvisioning",
    );
    assert_eq!(provisioning[0], "Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.");
    assert_eq!(
        messages(
            &sim,
            Kind::PersistentVolumeClaim,
            "default/notes",
            "Provisioning"
        ),
        vec!["External provisioner is provisioning volume for claim \"default/notes\"".to_string()]
    );
    assert_eq!(
        messages(
            &sim,
            Kind::PersistentVolumeClaim,
            "default/notes",
            "ProvisioningSucceeded"
        ),
        vec![format!("Successfully provisioned volume {}", pv.name())]
    );
    assert!(messages(&sim, Kind::Pod, "default/notes-reader", "FailedScheduling")
        .last()
        .unwrap()
        .starts_with("0/3 nodes are available: 1 node(s) didn't match PersistentVolume's node affinity, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint(s)."));
}

#[test]
fn topology_aware_provisioning_spreads_within_allowed_zones() {
    let sim = run_builtin("topology-aware-provisioning", GOLDEN_SEED).sim;
    let c = sim.cluster();
    let mut per_zone = std::collections::BTreeMap::new();
    for p in c.pods().values() {
        let node = c
            .nodes
            .get(p.node_name().expect("every db pod runs"))
            .unwrap();
        *per_zone
            .entry(node.zone().unwrap().to_string())
            .or_insert(0) += 1;
        // Its volume lives in the same zone.
        let claim = c
            .pvc(&ObjectKey::new("default", format!("data-{}", p.meta.name)))
            .unwrap();
        let pv = c.pv(claim.volume_name.as_deref().unwrap()).unwrap();
        assert_eq!(
            pv.node_affinity
                .as_ref()
                .unwrap()
                .required_values_of("topology.kubernetes.io/zone"),
            Some(vec![node.zone().unwrap().to_string()])
        );
    }
    assert_eq!(
        per_zone,
        [("eu-west-1a".to_string(), 2), ("eu-west-1b".to_string(), 2)].into()
    );
}

#[test]
fn reclaim_retain_keeps_a_released_volume_and_delete_removes_it() {
    let sim = run_builtin("reclaim-and-protection", GOLDEN_SEED).sim;
    let c = sim.cluster();
    let retained = c.pv("retained-data").unwrap();
    assert_eq!(retained.phase, PvPhase::Released);
    assert_eq!(&*retained.claim_ref.as_ref().unwrap().name, "keep-me");
    assert_eq!(c.pvs().len(), 1, "the Delete volume is gone");
    assert!(c.pvcs().is_empty());
}

#[test]
fn pvc_protection_keeps_a_claim_in_use_terminating() {
    let run = run_builtin("reclaim-and-protection", GOLDEN_SEED);
    // Replay up to the claim deletions only.
    let b = bindery_core::scenario::builtin::get("reclaim-and-protection").unwrap();
    let mut text = b.text.clone();
    text.then.truncate(2);
    let partial = text.run(GOLDEN_SEED, 10_000).unwrap().sim;
    let keep = partial
        .cluster()
        .pvc(&ObjectKey::new("default", "keep-me"))
        .unwrap();
    assert!(keep.meta.deletion.is_some(), "deletion was requested");
    assert!(keep.meta.has_finalizer("kubernetes.io/pvc-protection"));
    assert_eq!(keep.phase, PvcPhase::Bound);
    assert!(run.sim.cluster().pvcs().is_empty());
}

#[test]
fn attach_limits_and_capacity_show_in_the_histogram() {
    let sim = run_builtin("attach-limits-and-capacity", GOLDEN_SEED).sim;
    assert_eq!(
        messages(&sim, Kind::Pod, "default/bigger-app", "FailedScheduling")[0],
        "0/4 nodes are available: 1 node(s) exceed max volume count, 3 node(s) did not have enough free storage. no new claims to deallocate, preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
    );
    assert_eq!(
        sim.cluster()
            .pod(&ObjectKey::new("default", "big-app"))
            .unwrap()
            .node_name(),
        Some("node-a2")
    );
}

#[test]
fn failed_scheduling_is_a_warning_from_the_default_scheduler() {
    let sim = run_builtin("rwop-conflict", GOLDEN_SEED).sim;
    let (_, e) = sim
        .log()
        .events()
        .find(|(_, e)| e.reason == "FailedScheduling")
        .unwrap();
    assert_eq!(
        (e.type_, e.source),
        (EventType::Warning, "default-scheduler")
    );
}

#[test]
fn live_rwop_migration_keeps_the_disk_and_rebinds_it_rwop_only() {
    // The documented migration, played live: the volume (bound as it loads) walks Bound → Released →
    // Available (claimRef without uid) → Bound, and is the same disk throughout.
    let b = bindery_core::scenario::builtin::get("rwop-live-migration").unwrap();
    let parsed = bindery_core::scenario::parse(&b.text.yaml);
    let mut phases: Vec<PvPhase> = Vec::new();
    let run = b
        .text
        .run_parsed_observed(parsed, GOLDEN_SEED, 10_000, &mut |sim, _| {
            if let Some(pv) = sim.cluster().pv("pvc-7e1d2c3b-data") {
                if phases.last() != Some(&pv.phase) {
                    phases.push(pv.phase);
                }
            }
        });
    assert!(run.load_errors.is_empty() && run.then_errors.is_empty());
    assert_eq!(
        phases,
        [
            PvPhase::Bound,
            PvPhase::Released,
            PvPhase::Available,
            PvPhase::Bound
        ]
    );
    let sim = &run.sim;
    let pv = sim.cluster().pv("pvc-7e1d2c3b-data").unwrap();
    let claim = sim
        .cluster()
        .pvc(&ObjectKey::new("default", "app-data"))
        .unwrap();
    assert_eq!(
        pv.claim_ref.as_ref().unwrap().uid,
        claim.meta.uid,
        "bound to the new claim"
    );
    assert_eq!(claim.volume_name.as_deref(), Some("pvc-7e1d2c3b-data"));
    // Only one pod may use it now.
    let one_node = "0/1 nodes are available: 1 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.";
    assert_eq!(
        messages(sim, Kind::Pod, "default/backup", "FailedScheduling"),
        [one_node]
    );
    // The re-created pod's events fold apart from its first life's, as the event
    // correlator keys them by UID.
    let scheduled_app = sim
        .log()
        .aggregated()
        .into_iter()
        .filter(|a| a.event.reason == "Scheduled" && &*a.event.object.name == "app")
        .map(|a| a.count)
        .collect::<Vec<_>>();
    assert_eq!(scheduled_app, [1, 1]);
}

/// The beta class annotation (`volume.beta.kubernetes.io/storage-class`) still names the
/// class, ahead of `storageClassName` (`GetPersistentVolumeClaimClass`,
/// `GetPersistentVolumeClass`), and a claim carrying it has a class, so the default class
/// is not given to it (`PersistentVolumeClaimHasClass`), even with an empty value. The
/// resulting state keeps the manifests' fields as written.
#[test]
fn the_beta_storage_class_annotation_names_the_class() {
    let yaml = r#"
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: gold-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: gold
  hostPath: {path: /gold}
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: silver-pv
  annotations: {volume.beta.kubernetes.io/storage-class: silver}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  hostPath: {path: /silver}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: classless-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /none}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: legacy-gold
  annotations: {volume.beta.kubernetes.io/storage-class: gold}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: silver}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: silver
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: legacy-none
  annotations: {volume.beta.kubernetes.io/storage-class: ""}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
"#;
    let sim = bindery_tests::run_yaml(yaml, GOLDEN_SEED);
    let claim = |name: &str| {
        sim.cluster()
            .pvc(&ObjectKey::new("default", name))
            .unwrap()
            .clone()
    };
    for (name, volume, class) in [
        ("legacy-gold", "gold-pv", "gold"),
        ("silver", "silver-pv", "silver"),
        ("legacy-none", "classless-pv", ""),
    ] {
        let c = claim(name);
        assert_eq!(c.phase, PvcPhase::Bound, "{name}");
        assert_eq!(c.volume_name.as_deref(), Some(volume), "{name}");
        assert_eq!(c.class_name(), class, "{name}");
    }
    let state = bindery_core::scenario::export::state_yaml(&sim);
    let doc = |kind: &str, name: &str| {
        state
            .split("\n---\n")
            .find(|d| {
                d.contains(&format!("kind: {kind}\n")) && d.contains(&format!("\n  name: {name}\n"))
            })
            .unwrap_or_else(|| panic!("{name} not exported"))
            .to_string()
    };
    // The annotated claims got neither the default class nor a copy of the annotation's.
    for name in ["legacy-gold", "legacy-none"] {
        let claim = doc("PersistentVolumeClaim", name);
        assert!(!claim.contains("storageClassName"), "{claim}");
    }
    assert!(doc("PersistentVolume", "silver-pv").contains("storageClassName: standard"));
}

/// generic-ephemeral-volumes: one claim per Deployment pod, named `<pod>-<volume>`,
/// owned by its pod, provisioned on that pod's node; scaling down takes one pod's claim
/// and volume away; the pod whose claim name is taken by someone else's claim is reported
/// by the controller and refused by the scheduler with `VolumeIsForPod`'s words.
#[test]
fn generic_ephemeral_volumes_get_a_claim_per_pod() {
    let run = run_builtin("generic-ephemeral-volumes", GOLDEN_SEED);
    assert!(run.load_errors.is_empty() && run.then_errors.is_empty());
    let sim = run.sim;
    let c = sim.cluster();
    let cache: Vec<_> = c
        .pods()
        .values()
        .filter(|p| p.meta.name.starts_with("cache-"))
        .collect();
    assert_eq!(cache.len(), 1, "scaled down to one replica");
    let pod = cache[0];
    let claim = c
        .pvc(&ObjectKey::new(
            "default",
            format!("{}-scratch", pod.meta.name).as_str(),
        ))
        .expect("the pod's ephemeral claim");
    assert_eq!(claim.meta.controller().map(|o| &o.uid), Some(&pod.meta.uid));
    assert_eq!(claim.meta.labels.get("app"), Some("cache"));
    assert_eq!(claim.phase, PvcPhase::Bound);
    assert_eq!(claim.selected_node(), pod.node_name());
    // The scaled-down pod's claim and its Delete volume are gone: one cache claim, one PV.
    let cache_claims = c
        .pvcs()
        .values()
        .filter(|p| p.meta.name.starts_with("cache-"))
        .count();
    assert_eq!((cache_claims, c.pvs().len()), (1, 1));
    // Two claims were made at first, one per pod.
    let created = messages(
        &sim,
        Kind::ReplicaSet,
        "default/cache-77b4d947c",
        "SuccessfulCreate",
    );
    assert_eq!(created.len(), 2, "{created:?}");
    let not_owner =
        "PVC default/report-scratch was not created for pod default/report (pod is not owner)";
    assert_eq!(
        messages(&sim, Kind::Pod, "default/report", "FailedBinding"),
        [format!("ephemeral volume scratch: {not_owner}")]
    );
    assert_eq!(
        messages(&sim, Kind::Pod, "default/report", "FailedScheduling")[0],
        format!("0/2 nodes are available: {not_owner}. not found")
    );
    assert!(c
        .pvc(&ObjectKey::new("default", "report-scratch"))
        .unwrap()
        .meta
        .owners
        .is_empty());
}
