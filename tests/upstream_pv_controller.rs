//! Upstream's PV-controller unit-test tables, case by case, as Bindery scenarios.
//!
//! Sources (kubernetes/kubernetes, read for their inputs and expected results only):
//! - `pkg/controller/volume/persistentvolume/binder_test.go` (`TestSync`, `TestSyncBlockVolume`,
//!   `TestMultiSync`), `provision_test.go` (`TestProvisionSync`, `TestProvisionMultiSync`),
//!   `delete_test.go`, `recycle_test.go`, and `pv_controller.go` for the event texts the
//!   tables check only by type and reason;
//! - `plugin/pkg/admission/storage/storageclass/setdefault/admission_test.go`;
//! - `pkg/controller/volume/pvcprotection`, `pkg/controller/volume/pvprotection`.
//!
//! Upstream calls `syncClaim` / `syncVolume` once on hand-made objects; Bindery runs every
//! controller until the cluster settles, which is upstream's `TestMultiSync` loop. Objects'
//! `status` cannot be written through the API, so a case's initial phase is the one the
//! controller gives a fresh object; the spec (`volumeName`, `claimRef` with or without UID) and
//! the annotations (`bind-completed`, `bound-by-controller`) are set in YAML exactly as in the
//! table. Where a single sync and the settled state differ (the other object's sync runs too),
//! the test says what the second sync does.
//!
//! Upstream's event checks compare only "Type Reason" prefixes and skip the check when no event
//! is expected; the messages asserted here are `pv_controller.go`'s.

use bindery_core::events::EventType;
use bindery_core::model::{Kind, ObjectKey, PvPhase, PvcPhase};
use bindery_core::quantity::Bytes;
use bindery_core::Simulation;
use bindery_tests::{run_yaml, MAX_STEPS};

const BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
const BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
const STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
const STORAGE_PROVISIONER_BETA: &str = "volume.beta.kubernetes.io/storage-provisioner";
const NO_CLASS: &str = "no persistent volumes available for this claim and no storage class is set";

// --- fixtures ---------------------------------------------------------------------------

/// `newVolume`: hostPath (under /tmp, so Delete can succeed), ReadWriteOnce, Retain.
struct Pv<'a> {
    name: &'a str,
    size: &'a str,
    class: &'a str,
    claim: Option<&'a str>,
    uid: Option<&'a str>,
    policy: &'a str,
    annotations: Vec<(&'a str, &'a str)>,
    labels: &'a str,
    mode: Option<&'a str>,
    modes: &'a str,
    source: String,
}

fn pv<'a>(name: &'a str, size: &'a str, class: &'a str) -> Pv<'a> {
    Pv {
        name,
        size,
        class,
        claim: None,
        uid: None,
        policy: "Retain",
        annotations: vec![],
        labels: "",
        mode: None,
        modes: "ReadWriteOnce",
        source: format!("hostPath: {{path: /tmp/{name}}}"),
    }
}

impl<'a> Pv<'a> {
    /// `claimRef` by name (pre-bound) and, with `uid`, by UID.
    fn claim(mut self, name: &'a str, uid: &'a str) -> Self {
        self.claim = Some(name);
        self.uid = (!uid.is_empty()).then_some(uid);
        self
    }
    fn ann(mut self, k: &'a str, v: &'a str) -> Self {
        self.annotations.push((k, v));
        self
    }
    fn by_controller(self) -> Self {
        self.ann(BOUND_BY_CONTROLLER, "yes")
    }
    fn policy(mut self, p: &'a str) -> Self {
        self.policy = p;
        self
    }
    fn labels(mut self, l: &'a str) -> Self {
        self.labels = l;
        self
    }
    fn mode(mut self, m: &'a str) -> Self {
        self.mode = Some(m);
        self
    }
    fn source(mut self, s: &str) -> Self {
        self.source = s.to_string();
        self
    }
    fn yaml(&self) -> String {
        let mut meta = format!("name: {}", self.name);
        if !self.annotations.is_empty() {
            let a: Vec<String> = self
                .annotations
                .iter()
                .map(|(k, v)| format!("{k}: '{v}'"))
                .collect();
            meta.push_str(&format!(", annotations: {{{}}}", a.join(", ")));
        }
        if !self.labels.is_empty() {
            meta.push_str(&format!(", labels: {{{}}}", self.labels));
        }
        let mut spec = format!(
            "  capacity: {{storage: {}}}\n  accessModes: [{}]\n  storageClassName: '{}'\n  persistentVolumeReclaimPolicy: {}\n  {}\n",
            self.size, self.modes, self.class, self.policy, self.source
        );
        if let Some(c) = self.claim {
            let uid = self.uid.map(|u| format!(", uid: {u}")).unwrap_or_default();
            spec.push_str(&format!(
                "  claimRef: {{namespace: default, name: {c}{uid}}}\n"
            ));
        }
        if let Some(m) = self.mode {
            spec.push_str(&format!("  volumeMode: {m}\n"));
        }
        format!("apiVersion: v1\nkind: PersistentVolume\nmetadata: {{{meta}}}\nspec:\n{spec}---\n")
    }
}

/// `newClaim`: ReadWriteOnce, the given UID; `class: None` leaves `storageClassName` unset.
struct Pvc<'a> {
    name: &'a str,
    uid: &'a str,
    size: &'a str,
    volume: Option<&'a str>,
    class: Option<&'a str>,
    annotations: Vec<(&'a str, &'a str)>,
    selector: &'a str,
    mode: Option<&'a str>,
    modes: &'a str,
}

fn pvc<'a>(name: &'a str, uid: &'a str, size: &'a str, class: Option<&'a str>) -> Pvc<'a> {
    Pvc {
        name,
        uid,
        size,
        volume: None,
        class,
        annotations: vec![],
        selector: "",
        mode: None,
        modes: "ReadWriteOnce",
    }
}

impl<'a> Pvc<'a> {
    fn volume(mut self, v: &'a str) -> Self {
        self.volume = Some(v);
        self
    }
    fn ann(mut self, k: &'a str, v: &'a str) -> Self {
        self.annotations.push((k, v));
        self
    }
    fn bind_completed(self) -> Self {
        self.ann(BIND_COMPLETED, "yes")
    }
    fn by_controller(self) -> Self {
        self.ann(BOUND_BY_CONTROLLER, "yes")
    }
    fn selector(mut self, s: &'a str) -> Self {
        self.selector = s;
        self
    }
    fn mode(mut self, m: &'a str) -> Self {
        self.mode = Some(m);
        self
    }
    fn modes(mut self, m: &'a str) -> Self {
        self.modes = m;
        self
    }
    fn yaml(&self) -> String {
        let mut meta = format!("name: {}, uid: {}", self.name, self.uid);
        if !self.annotations.is_empty() {
            let a: Vec<String> = self
                .annotations
                .iter()
                .map(|(k, v)| format!("{k}: '{v}'"))
                .collect();
            meta.push_str(&format!(", annotations: {{{}}}", a.join(", ")));
        }
        let mut spec = format!(
            "  accessModes: [{}]\n  resources: {{requests: {{storage: {}}}}}\n",
            self.modes, self.size
        );
        if let Some(c) = self.class {
            spec.push_str(&format!("  storageClassName: '{c}'\n"));
        }
        if let Some(v) = self.volume {
            spec.push_str(&format!("  volumeName: {v}\n"));
        }
        if !self.selector.is_empty() {
            spec.push_str(&format!(
                "  selector: {{matchLabels: {{{}}}}}\n",
                self.selector
            ));
        }
        if let Some(m) = self.mode {
            spec.push_str(&format!("  volumeMode: {m}\n"));
        }
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{{meta}}}\nspec:\n{spec}---\n"
        )
    }
}

fn class(name: &str, provisioner: &str, mode: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: {mode}\n---\n"
    )
}

fn node(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{kubernetes.io/hostname: {name}, topology.kubernetes.io/zone: z1}}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 8Gi, pods: '110'}}\n---\n"
    )
}

fn run(docs: &[String]) -> Simulation {
    run_yaml(&docs.concat(), 1)
}

fn add(sim: &mut Simulation, yaml: &str) {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}");
    sim.run_until_idle(MAX_STEPS);
}

// --- observations -------------------------------------------------------------------------

struct Claim {
    phase: PvcPhase,
    volume: Option<String>,
    capacity: Option<Bytes>,
    annotations: Vec<(String, String)>,
}

fn claim(sim: &Simulation, name: &str) -> Claim {
    let c = sim
        .cluster()
        .pvc(&ObjectKey::parse(name, true))
        .unwrap_or_else(|| panic!("no claim {name}"));
    Claim {
        phase: c.phase,
        volume: c.volume_name.as_deref().map(str::to_string),
        capacity: c.capacity,
        annotations: c
            .meta
            .annotations
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

impl Claim {
    fn has(&self, k: &str) -> bool {
        self.annotations.iter().any(|(a, _)| a == k)
    }
    fn ann(&self, k: &str) -> Option<&str> {
        self.annotations
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.as_str())
    }
}

struct Volume {
    phase: PvPhase,
    claim: Option<(String, String)>,
    by_controller: bool,
    message: String,
}

fn volume(sim: &Simulation, name: &str) -> Volume {
    let v = sim
        .cluster()
        .pv(name)
        .unwrap_or_else(|| panic!("no volume {name}"));
    Volume {
        phase: v.phase,
        claim: v
            .claim_ref
            .as_ref()
            .map(|r| (r.name.to_string(), r.uid.to_string())),
        by_controller: v.meta.annotation(BOUND_BY_CONTROLLER).is_some(),
        message: v.status_message.to_string(),
    }
}

/// Distinct (type, reason, message) of the events about an object, in order.
fn events(sim: &Simulation, kind: Kind, key: &ObjectKey) -> Vec<(EventType, String, String)> {
    let mut out = Vec::new();
    for (_, e) in sim.log().events_for(kind, key) {
        let ev = (e.type_, e.reason.to_string(), e.message.to_string());
        if !out.contains(&ev) {
            out.push(ev);
        }
    }
    out
}

fn claim_events(sim: &Simulation, name: &str) -> Vec<(EventType, String, String)> {
    events(
        sim,
        Kind::PersistentVolumeClaim,
        &ObjectKey::parse(name, true),
    )
}

fn pv_events(sim: &Simulation, name: &str) -> Vec<(EventType, String, String)> {
    events(sim, Kind::PersistentVolume, &ObjectKey::cluster(name))
}

fn ev(t: EventType, reason: &str, message: &str) -> (EventType, String, String) {
    (t, reason.to_string(), message.to_string())
}

/// The claim and volume are bound to each other as `bind()` leaves them.
fn assert_bound(sim: &Simulation, c: &str, uid: &str, v: &str) {
    let cl = claim(sim, c);
    assert_eq!(cl.phase, PvcPhase::Bound, "{c}");
    assert_eq!(cl.volume.as_deref(), Some(v), "{c}");
    assert!(cl.has(BIND_COMPLETED), "{c}: bind-completed");
    let vol = volume(sim, v);
    assert_eq!(vol.phase, PvPhase::Bound, "{v}");
    assert_eq!(vol.claim, Some((c.to_string(), uid.to_string())), "{v}");
}

fn gi(n: i64) -> Bytes {
    (n << 30).into()
}

// --- TestSync, set 1: the user did not ask for a particular volume -------------------------

#[test]
fn sync_1_1_successful_bind() {
    let sim = run(&[
        pv("volume1-1", "1Gi", "").yaml(),
        pvc("claim1-1", "uid1-1", "1Gi", None).yaml(),
    ]);
    assert_bound(&sim, "claim1-1", "uid1-1", "volume1-1");
    let c = claim(&sim, "claim1-1");
    assert_eq!(c.ann(BOUND_BY_CONTROLLER), Some("yes"));
    assert_eq!(c.ann(BIND_COMPLETED), Some("yes"));
    assert!(volume(&sim, "volume1-1").by_controller);
    assert_eq!(claim_events(&sim, "claim1-1"), vec![]);
}

#[test]
fn sync_1_2_no_matching_volume_is_failed_binding() {
    let sim = run(&[
        pv("volume1-2", "1Gi", "").yaml(),
        pvc("claim1-2", "uid1-2", "10Gi", None).yaml(),
    ]);
    let c = claim(&sim, "claim1-2");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert_eq!(c.volume, None);
    assert_eq!(volume(&sim, "volume1-2").phase, PvPhase::Available);
    assert_eq!(
        claim_events(&sim, "claim1-2"),
        vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
    );
}

#[test]
fn sync_1_4_smallest_volume() {
    let sim = run(&[
        pv("volume1-4-1", "10Gi", "").yaml(),
        pv("volume1-4-2", "1Gi", "").yaml(),
        pvc("claim1-4", "uid1-4", "1Gi", None).yaml(),
    ]);
    assert_bound(&sim, "claim1-4", "uid1-4", "volume1-4-2");
    assert_eq!(volume(&sim, "volume1-4-1").phase, PvPhase::Available);
}

#[test]
fn sync_1_5_and_1_6_prebound_volume_wins_over_a_smaller_one() {
    // 1-5 by name, 1-6 by name and UID.
    for (claim_name, uid, big, small, ref_uid) in [
        ("claim1-5", "uid1-5", "volume1-5-1", "volume1-5-2", ""),
        ("claim1-6", "uid1-6", "volume1-6-1", "volume1-6-2", "uid1-6"),
    ] {
        let sim = run(&[
            pv(big, "10Gi", "").claim(claim_name, ref_uid).yaml(),
            pv(small, "1Gi", "").yaml(),
            pvc(claim_name, uid, "1Gi", None).yaml(),
        ]);
        assert_bound(&sim, claim_name, uid, big);
        let c = claim(&sim, claim_name);
        assert_eq!(c.capacity, Some(gi(10)), "withExpectedCapacity(10Gi)");
        assert!(c.has(BOUND_BY_CONTROLLER) && c.has(BIND_COMPLETED));
        assert!(
            !volume(&sim, big).by_controller,
            "{big}: the user pre-bound it, no bound-by-controller"
        );
        assert_eq!(volume(&sim, small).phase, PvPhase::Available);
    }
}

#[test]
fn sync_1_7_volume_prebound_to_a_claim_of_another_uid() {
    let sim = run(&[
        pv("volume1-7", "10Gi", "")
            .claim("claim1-7", "uid1-777")
            .yaml(),
        pvc("claim1-7", "uid1-7", "1Gi", None).yaml(),
    ]);
    let c = claim(&sim, "claim1-7");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert_eq!(c.volume, None);
    assert_eq!(
        claim_events(&sim, "claim1-7"),
        vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
    );
    // The volume's own sync (4-4): the claim of that name has another UID, so the one it was
    // bound to is gone and the volume is Released, keeping its claimRef.
    let v = volume(&sim, "volume1-7");
    assert_eq!(v.phase, PvPhase::Released);
    assert_eq!(v.claim, Some(("claim1-7".into(), "uid1-777".into())));
}

#[test]
fn sync_1_8_to_1_10_complete_a_bind_interrupted_by_a_crash() {
    // 1-8 / 1-9: the volume's claimRef (with UID) and bound-by-controller were saved.
    let sim = run(&[
        pv("volume1-8", "1Gi", "")
            .claim("claim1-8", "uid1-8")
            .by_controller()
            .yaml(),
        pvc("claim1-8", "uid1-8", "1Gi", None).yaml(),
    ]);
    assert_bound(&sim, "claim1-8", "uid1-8", "volume1-8");
    let c = claim(&sim, "claim1-8");
    assert!(c.has(BOUND_BY_CONTROLLER) && c.has(BIND_COMPLETED));
    // 1-10: the claim's volumeName and both annotations were saved too.
    let sim = run(&[
        pv("volume1-10", "1Gi", "")
            .claim("claim1-10", "uid1-10")
            .by_controller()
            .yaml(),
        pvc("claim1-10", "uid1-10", "1Gi", None)
            .volume("volume1-10")
            .by_controller()
            .bind_completed()
            .yaml(),
    ]);
    assert_bound(&sim, "claim1-10", "uid1-10", "volume1-10");
    assert_eq!(claim_events(&sim, "claim1-10"), vec![]);
}

#[test]
fn bind_keeps_annotation_values_already_there() {
    // `getBindVolumeToClaim` / `bindClaimToVolume` add bound-by-controller and bind-completed
    // only when absent; a value already set (any value) is kept.
    let sim = run(&[
        pv("volume", "1Gi", "")
            .ann(BOUND_BY_CONTROLLER, "kept")
            .yaml(),
        pvc("claim", "uid", "1Gi", None)
            .ann(BOUND_BY_CONTROLLER, "mine")
            .yaml(),
    ]);
    assert_bound(&sim, "claim", "uid", "volume");
    assert_eq!(claim(&sim, "claim").ann(BOUND_BY_CONTROLLER), Some("mine"));
    assert_eq!(
        sim.cluster()
            .pv("volume")
            .unwrap()
            .meta
            .annotation(BOUND_BY_CONTROLLER),
        Some("kept")
    );
}

#[test]
fn sync_1_11_and_1_12_label_selector() {
    let sim = run(&[
        pv("volume1-1", "1Gi", "")
            .labels("foo: 'true', bar: 'false'")
            .yaml(),
        pvc("claim1-1", "uid1-1", "1Gi", None)
            .selector("foo: 'true', bar: 'false'")
            .yaml(),
    ]);
    assert_bound(&sim, "claim1-1", "uid1-1", "volume1-1");
    let sim = run(&[
        pv("volume1-1", "1Gi", "").yaml(),
        pvc("claim1-1", "uid1-1", "1Gi", None)
            .selector("foo: 'true', bar: 'false'")
            .yaml(),
    ]);
    assert_eq!(claim(&sim, "claim1-1").phase, PvcPhase::Pending);
    assert_eq!(
        claim_events(&sim, "claim1-1"),
        vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
    );
}

#[test]
fn sync_1_13_delayed_binding_waits_for_the_first_consumer() {
    let sim = run(&[
        class(
            "wait",
            "kubernetes.io/no-provisioner",
            "WaitForFirstConsumer",
        ),
        pv("volume1-1", "1Gi", "wait").yaml(),
        pvc("claim1-1", "uid1-1", "1Gi", Some("wait")).yaml(),
    ]);
    let c = claim(&sim, "claim1-1");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert_eq!(c.volume, None);
    assert_eq!(volume(&sim, "volume1-1").phase, PvPhase::Available);
    assert_eq!(
        claim_events(&sim, "claim1-1"),
        vec![ev(
            EventType::Normal,
            "WaitForFirstConsumer",
            "waiting for first consumer to be created before binding"
        )]
    );
}

#[test]
fn delayed_binding_names_the_pods_waiting_to_be_scheduled() {
    // `emitEventForUnboundDelayBindingClaim`: WaitForPodScheduled names the claim's
    // unscheduled pods (here they fit no node), joined by commas when there are several.
    let unschedulable = |name: &str| {
        pod(name, "claim1-1", None).replace(
            "  containers:",
            "  nodeSelector: {disk: none}\n  containers:",
        )
    };
    for (pods, message) in [
        (vec!["p1"], "waiting for pod p1 to be scheduled"),
        (vec!["p1", "p2"], "waiting for pods p1,p2 to be scheduled"),
    ] {
        let mut docs = vec![
            node("node1"),
            class(
                "wait",
                "kubernetes.io/no-provisioner",
                "WaitForFirstConsumer",
            ),
            pvc("claim1-1", "uid1-1", "1Gi", Some("wait")).yaml(),
        ];
        docs.extend(pods.iter().map(|p| unschedulable(p)));
        let sim = run(&docs);
        assert_eq!(claim(&sim, "claim1-1").phase, PvcPhase::Pending);
        assert!(
            claim_events(&sim, "claim1-1").contains(&ev(
                EventType::Normal,
                "WaitForPodScheduled",
                message
            )),
            "{:?}",
            claim_events(&sim, "claim1-1")
        );
    }
}

#[test]
fn sync_1_14_delayed_binding_still_binds_a_prebound_volume() {
    let sim = run(&[
        class(
            "wait",
            "kubernetes.io/no-provisioner",
            "WaitForFirstConsumer",
        ),
        pv("volume1-1", "1Gi", "wait").claim("claim1-1", "").yaml(),
        pvc("claim1-1", "uid1-1", "1Gi", Some("wait")).yaml(),
    ]);
    assert_bound(&sim, "claim1-1", "uid1-1", "volume1-1");
    let c = claim(&sim, "claim1-1");
    assert!(c.has(BOUND_BY_CONTROLLER));
    assert!(!volume(&sim, "volume1-1").by_controller);
}

#[test]
fn sync_1_15_prebound_claim_binds_only_its_volume() {
    let sim = run(&[
        pv("volume1-15-1", "10Gi", "").yaml(),
        pv("volume1-15-2", "1Gi", "").yaml(),
        pvc("claim1-15", "uid1-15", "1Gi", None)
            .volume("volume1-15-1")
            .yaml(),
    ]);
    assert_bound(&sim, "claim1-15", "uid1-15", "volume1-15-1");
    let c = claim(&sim, "claim1-15");
    assert_eq!(c.capacity, Some(gi(10)));
    assert!(!c.has(BOUND_BY_CONTROLLER), "the user chose the volume");
    assert!(volume(&sim, "volume1-15-1").by_controller);
    assert_eq!(volume(&sim, "volume1-15-2").phase, PvPhase::Available);
}

#[test]
fn sync_1_16_prebound_claim_with_another_access_mode() {
    let sim = run(&[
        pv("volume1-16", "1Gi", "").yaml(),
        pvc("claim1-16", "uid1-16", "1Gi", None)
            .volume("volume1-16")
            .modes("ReadWriteMany")
            .yaml(),
    ]);
    assert_eq!(claim(&sim, "claim1-16").phase, PvcPhase::Pending);
    assert_eq!(volume(&sim, "volume1-16").phase, PvPhase::Available);
    assert_eq!(
        claim_events(&sim, "claim1-16"),
        vec![ev(
            EventType::Warning,
            "VolumeMismatch",
            "Cannot bind to requested volume \"volume1-16\": incompatible accessMode"
        )]
    );
}

#[test]
fn sync_1_18_prebound_volume_of_a_scheduled_delayed_claim() {
    let sim = run(&[
        class(
            "wait",
            "kubernetes.io/no-provisioner",
            "WaitForFirstConsumer",
        ),
        node("node1"),
        pv("volume1-18", "1Gi", "wait")
            .claim("claim1-18", "uid1-18")
            .yaml(),
        pvc("claim1-18", "uid1-18", "1Gi", Some("wait"))
            .ann("volume.kubernetes.io/selected-node", "node1")
            .yaml(),
    ]);
    assert_bound(&sim, "claim1-18", "uid1-18", "volume1-18");
    assert!(claim(&sim, "claim1-18").has(BOUND_BY_CONTROLLER));
}

// --- TestSync, set 2: the user asked for a particular volume -------------------------------

#[test]
fn sync_2_1_claim_prebound_to_a_missing_volume_waits() {
    let sim = run(&[pvc("claim2-1", "uid2-1", "10Gi", None)
        .volume("volume2-1")
        .yaml()]);
    let c = claim(&sim, "claim2-1");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert_eq!(c.volume.as_deref(), Some("volume2-1"));
    assert_eq!(claim_events(&sim, "claim2-1"), vec![]);
}

#[test]
fn sync_2_3_to_2_5_claim_prebound_to_a_free_or_prebound_volume() {
    // 2-3: the volume is free; the controller sets its claimRef and marks the volume.
    let sim = run(&[
        pv("volume2-3", "1Gi", "").yaml(),
        pvc("claim2-3", "uid2-3", "1Gi", None)
            .volume("volume2-3")
            .yaml(),
    ]);
    assert_bound(&sim, "claim2-3", "uid2-3", "volume2-3");
    assert!(volume(&sim, "volume2-3").by_controller);
    assert!(!claim(&sim, "claim2-3").has(BOUND_BY_CONTROLLER));
    // 2-4 (claimRef by name) and 2-5 (and UID): both sides were the user's.
    for (c, uid, v, ref_uid) in [
        ("claim2-4", "uid2-4", "volume2-4", ""),
        ("claim2-5", "uid2-5", "volume2-5", "uid2-5"),
    ] {
        let sim = run(&[
            pv(v, "1Gi", "").claim(c, ref_uid).yaml(),
            pvc(c, uid, "1Gi", None).volume(v).yaml(),
        ]);
        assert_bound(&sim, c, uid, v);
        assert!(!volume(&sim, v).by_controller, "{v}");
        assert!(!claim(&sim, c).has(BOUND_BY_CONTROLLER), "{c}");
    }
}

#[test]
fn sync_2_6_and_2_7_claim_prebound_to_a_volume_bound_elsewhere() {
    // 2-6: volume2-6 belongs to claim2-6_1 (which exists here, so the volume stays Bound).
    let sim = run(&[
        pv("volume2-6", "1Gi", "")
            .claim("claim2-6-1", "uid2-6-1")
            .yaml(),
        pvc("claim2-6-1", "uid2-6-1", "1Gi", None)
            .volume("volume2-6")
            .yaml(),
        pvc("claim2-6", "uid2-6", "1Gi", None)
            .volume("volume2-6")
            .yaml(),
    ]);
    assert_bound(&sim, "claim2-6-1", "uid2-6-1", "volume2-6");
    assert_eq!(claim(&sim, "claim2-6").phase, PvcPhase::Pending);
    let already = ev(
        EventType::Warning,
        "FailedBinding",
        "volume \"volume2-6\" already bound to a different claim.",
    );
    assert_eq!(claim_events(&sim, "claim2-6"), vec![already]);
    // 2-7: the same with bound-by-controller on the claim ("should never happen"): the same
    // event and an error; the phase is left alone (a fresh claim is Pending anyway).
    let sim = run(&[
        pv("volume2-7", "1Gi", "")
            .claim("claim2-7-1", "uid2-7-1")
            .yaml(),
        pvc("claim2-7-1", "uid2-7-1", "1Gi", None)
            .volume("volume2-7")
            .yaml(),
        pvc("claim2-7", "uid2-7", "1Gi", None)
            .volume("volume2-7")
            .by_controller()
            .yaml(),
    ]);
    let c = claim(&sim, "claim2-7");
    assert_eq!(c.volume.as_deref(), Some("volume2-7"));
    assert!(!c.has(BIND_COMPLETED));
    assert_eq!(
        claim_events(&sim, "claim2-7"),
        vec![ev(
            EventType::Warning,
            "FailedBinding",
            "volume \"volume2-7\" already bound to a different claim."
        )]
    );
}

#[test]
fn sync_2_8_prebound_claim_ignores_its_selector() {
    let sim = run(&[
        pv("volume2-8", "1Gi", "").yaml(),
        pvc("claim2-8", "uid2-8", "1Gi", None)
            .volume("volume2-8")
            .selector("foo: 'true', bar: 'false'")
            .yaml(),
    ]);
    assert_bound(&sim, "claim2-8", "uid2-8", "volume2-8");
    assert!(!claim(&sim, "claim2-8").has(BOUND_BY_CONTROLLER));
}

#[test]
fn sync_2_9_and_2_10_prebound_claim_volume_mismatch() {
    let sim = run(&[
        pv("volume2-9", "1Gi", "").yaml(),
        pvc("claim2-9", "uid2-9", "2Gi", None)
            .volume("volume2-9")
            .yaml(),
    ]);
    assert_eq!(claim(&sim, "claim2-9").phase, PvcPhase::Pending);
    assert_eq!(
        claim_events(&sim, "claim2-9"),
        vec![ev(
            EventType::Warning,
            "VolumeMismatch",
            "Cannot bind to requested volume \"volume2-9\": requested PV is too small"
        )]
    );
    let sim = run(&[
        pv("volume2-10", "1Gi", "gold").yaml(),
        pvc("claim2-10", "uid2-10", "1Gi", None)
            .volume("volume2-10")
            .yaml(),
    ]);
    assert_eq!(claim(&sim, "claim2-10").phase, PvcPhase::Pending);
    assert_eq!(volume(&sim, "volume2-10").phase, PvPhase::Available);
    assert_eq!(
        claim_events(&sim, "claim2-10"),
        vec![ev(
            EventType::Warning,
            "VolumeMismatch",
            "Cannot bind to requested volume \"volume2-10\": storageClassName does not match"
        )]
    );
}

// --- TestSync, set 3: claims that were bound -----------------------------------------------

#[test]
fn sync_3_1_and_3_2_bound_claim_lost_its_volume() {
    let sim = run(&[
        pvc("claim3-1", "uid3-1", "10Gi", None)
            .by_controller()
            .bind_completed()
            .yaml(),
        pvc("claim3-2", "uid3-2", "10Gi", None)
            .volume("volume3-2")
            .by_controller()
            .bind_completed()
            .yaml(),
    ]);
    assert_eq!(claim(&sim, "claim3-1").phase, PvcPhase::Lost);
    assert_eq!(
        claim_events(&sim, "claim3-1"),
        vec![ev(
            EventType::Warning,
            "ClaimLost",
            "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!"
        )]
    );
    assert_eq!(claim(&sim, "claim3-2").phase, PvcPhase::Lost);
    assert_eq!(
        claim_events(&sim, "claim3-2"),
        vec![ev(
            EventType::Warning,
            "ClaimLost",
            "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
        )]
    );
}

#[test]
fn sync_3_3_3_5_3_7_bound_claim_rebinds_its_volume() {
    // 3-3: the volume came unbound; 3-7: the same with a selector that does not match.
    for selector in ["", "foo: 'true', bar: 'false'"] {
        let sim = run(&[
            pv("volume3-3", "10Gi", "").yaml(),
            pvc("claim3-3", "uid3-3", "10Gi", None)
                .volume("volume3-3")
                .by_controller()
                .bind_completed()
                .selector(selector)
                .yaml(),
        ]);
        assert_bound(&sim, "claim3-3", "uid3-3", "volume3-3");
        assert!(volume(&sim, "volume3-3").by_controller);
    }
    // 3-5: both sides already point at each other.
    let sim = run(&[
        pv("volume3-5", "10Gi", "")
            .claim("claim3-5", "uid3-5")
            .yaml(),
        pvc("claim3-5", "uid3-5", "10Gi", None)
            .volume("volume3-5")
            .bind_completed()
            .yaml(),
    ]);
    assert_bound(&sim, "claim3-5", "uid3-5", "volume3-5");
    assert!(!volume(&sim, "volume3-5").by_controller);
    assert_eq!(claim_events(&sim, "claim3-5"), vec![]);
}

#[test]
fn sync_3_4_and_3_6_bound_claim_whose_volume_names_another_claim() {
    let misbound = ev(
        EventType::Warning,
        "ClaimMisbound",
        "Two claims are bound to the same volume, this one is bound incorrectly",
    );
    // 3-4: same claim name, another UID; 3-6: another claim.
    for (v, ref_name, ref_uid, c, uid) in [
        ("volume3-4", "claim3-4", "claim3-4-x", "claim3-4", "uid3-4"),
        ("volume3-6", "claim3-6-x", "uid3-6-x", "claim3-6", "uid3-6"),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "").claim(ref_name, ref_uid).yaml(),
            pvc(c, uid, "10Gi", None)
                .volume(v)
                .by_controller()
                .bind_completed()
                .yaml(),
        ]);
        assert_eq!(claim(&sim, c).phase, PvcPhase::Lost, "{c}");
        assert_eq!(claim_events(&sim, c), vec![misbound.clone()], "{c}");
        assert_eq!(
            volume(&sim, v).claim,
            Some((ref_name.to_string(), ref_uid.to_string())),
            "{v} keeps its claimRef"
        );
    }
}

// --- TestSync, set 4: syncVolume ------------------------------------------------------------

#[test]
fn sync_4_1_to_4_3_volume_phases() {
    let sim = run(&[
        pv("volume4-1", "10Gi", "").yaml(),
        pv("volume4-2", "10Gi", "").claim("claim4-2", "").yaml(),
        pv("volume4-3", "10Gi", "")
            .claim("claim4-3", "uid4-3")
            .yaml(),
    ]);
    assert_eq!(volume(&sim, "volume4-1").phase, PvPhase::Available);
    assert_eq!(
        volume(&sim, "volume4-2").phase,
        PvPhase::Available,
        "pre-bound by name, waiting for its claim"
    );
    let v = volume(&sim, "volume4-3");
    assert_eq!(v.phase, PvPhase::Released, "its claim is gone (Retain)");
    assert_eq!(v.claim, Some(("claim4-3".into(), "uid4-3".into())));
}

#[test]
fn sync_4_4_volume_bound_to_a_claim_with_another_uid_is_released() {
    let sim = run(&[
        pv("volume4-4", "10Gi", "")
            .claim("claim4-4", "uid4-4")
            .yaml(),
        pvc("claim4-4", "uid4-4-x", "10Gi", None)
            .volume("volume4-4")
            .bind_completed()
            .yaml(),
    ]);
    assert_eq!(volume(&sim, "volume4-4").phase, PvPhase::Released);
    // The claim's own sync: its volume names another UID (3-4).
    assert_eq!(claim(&sim, "claim4-4").phase, PvcPhase::Lost);
}

#[test]
fn sync_4_5_volume_bound_to_an_unbound_claim_waits_for_the_claim_sync() {
    for by_controller in [true, false] {
        let mut v = pv("volume4-5", "10Gi", "").claim("claim4-5", "uid4-5");
        if by_controller {
            v = v.by_controller();
        }
        let sim = run(&[v.yaml(), pvc("claim4-5", "uid4-5", "10Gi", None).yaml()]);
        // syncVolume leaves both alone; the claim's sync then finds the volume pre-bound
        // to it by UID and completes the bind.
        assert_bound(&sim, "claim4-5", "uid4-5", "volume4-5");
        assert_eq!(volume(&sim, "volume4-5").by_controller, by_controller);
    }
}

#[test]
fn sync_4_6_volume_bound_to_a_bound_claim_is_bound() {
    let sim = run(&[
        pv("volume4-6", "10Gi", "")
            .claim("claim4-6", "uid4-6")
            .yaml(),
        pvc("claim4-6", "uid4-6", "10Gi", None)
            .volume("volume4-6")
            .yaml(),
    ]);
    assert_bound(&sim, "claim4-6", "uid4-6", "volume4-6");
}

#[test]
fn sync_4_7_and_4_8_volume_whose_claim_is_bound_elsewhere() {
    // The claim names volume4-x-x, which does not exist: it waits Pending.
    // 4-7: the controller bound the volume: claimRef and annotation go, Available.
    let sim = run(&[
        pv("volume4-7", "10Gi", "")
            .claim("claim4-7", "uid4-7")
            .by_controller()
            .yaml(),
        pvc("claim4-7", "uid4-7", "10Gi", None)
            .volume("volume4-7-x")
            .yaml(),
    ]);
    let v = volume(&sim, "volume4-7");
    assert_eq!(v.phase, PvPhase::Available);
    assert_eq!(v.claim, None);
    assert!(!v.by_controller);
    assert_eq!(claim(&sim, "claim4-7").phase, PvcPhase::Pending);
    // 4-8: the user bound it: only the UID is cleared, it stays pre-bound by name.
    let sim = run(&[
        pv("volume4-8", "10Gi", "")
            .claim("claim4-8", "uid4-8")
            .yaml(),
        pvc("claim4-8", "uid4-8", "10Gi", None)
            .volume("volume4-8-x")
            .yaml(),
    ]);
    let v = volume(&sim, "volume4-8");
    assert_eq!(v.phase, PvPhase::Available);
    assert_eq!(v.claim, Some(("claim4-8".into(), String::new())));
}

// --- TestSync, set 13: classes --------------------------------------------------------------

#[test]
fn sync_13_binding_by_class() {
    // 13-1: to the claim's class even though a smaller classless volume exists.
    let sim = run(&[
        pv("volume13-1-1", "1Gi", "").yaml(),
        pv("volume13-1-2", "10Gi", "gold").yaml(),
        pvc("claim13-1", "uid13-1", "1Gi", Some("gold")).yaml(),
    ]);
    assert_bound(&sim, "claim13-1", "uid13-1", "volume13-1-2");
    assert_eq!(claim(&sim, "claim13-1").capacity, Some(gi(10)));
    // 13-2: a claim without a class takes the classless volume.
    let sim = run(&[
        pv("volume13-2-1", "1Gi", "gold").yaml(),
        pv("volume13-2-2", "10Gi", "").yaml(),
        pvc("claim13-2", "uid13-2", "1Gi", None).yaml(),
    ]);
    assert_bound(&sim, "claim13-2", "uid13-2", "volume13-2-2");
    // 13-3: the given class, not another one's smaller volume.
    let sim = run(&[
        pv("volume13-3-1", "1Gi", "silver").yaml(),
        pv("volume13-3-2", "10Gi", "gold").yaml(),
        pvc("claim13-3", "uid13-3", "1Gi", Some("gold")).yaml(),
    ]);
    assert_bound(&sim, "claim13-3", "uid13-3", "volume13-3-2");
    // 13-4 class "" and 13-5 class unset (no default class) bind a classless volume.
    for (c, uid, v, cls) in [
        ("claim13-4", "uid13-4", "volume13-4", Some("")),
        ("claim13-5", "uid13-5", "volume13-5", None),
    ] {
        let sim = run(&[pv(v, "1Gi", "").yaml(), pvc(c, uid, "1Gi", cls).yaml()]);
        assert_bound(&sim, c, uid, v);
    }
}

// --- TestSyncBlockVolume ----------------------------------------------------------------------

#[test]
fn sync_14_volume_modes() {
    // 14-1 / 14-2: matching modes bind.
    for (m, c, uid, v) in [
        ("Block", "claim14-1", "uid14-1", "volume14-1"),
        ("Filesystem", "claim14-2", "uid14-2", "volume14-2"),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "").mode(m).yaml(),
            pvc(c, uid, "10Gi", None).mode(m).yaml(),
        ]);
        assert_bound(&sim, c, uid, v);
    }
    // 14-3 / 14-4: mismatched modes do not match; no class, so FailedBinding.
    for (pm, cm, c) in [
        ("Filesystem", "Block", "claim14-3"),
        ("Block", "Filesystem", "claim14-4"),
    ] {
        let sim = run(&[
            pv("volume", "10Gi", "").mode(pm).yaml(),
            pvc(c, "uid", "10Gi", None).mode(cm).yaml(),
        ]);
        assert_eq!(claim(&sim, c).phase, PvcPhase::Pending);
        assert_eq!(
            claim_events(&sim, c),
            vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
        );
    }
}

#[test]
fn sync_14_5_unmatched_claims_of_a_missing_class_fail_provisioning() {
    // 14-5 (modes differ) and 14-5-1 (classes differ); neither class exists as an object.
    for (pm, pc, cm, cc, c) in [
        ("Filesystem", "gold", "Block", "gold", "claim14-5"),
        ("Filesystem", "gold", "Filesystem", "silver", "claim14-5-1"),
    ] {
        let sim = run(&[
            pv("volume", "10Gi", pc).mode(pm).yaml(),
            pvc(c, "uid", "10Gi", Some(cc)).mode(cm).yaml(),
        ]);
        assert_eq!(claim(&sim, c).phase, PvcPhase::Pending);
        assert_eq!(
            claim_events(&sim, c),
            vec![ev(
                EventType::Warning,
                "ProvisioningFailed",
                &format!("storageclass.storage.k8s.io \"{cc}\" not found")
            )],
            "{c}"
        );
    }
}

#[test]
fn sync_14_prebound_claims_and_volume_modes() {
    // 14-5-2: pre-bound claim, matching modes, other class.
    let sim = run(&[
        pv("volume14-5-2", "10Gi", "gold").mode("Filesystem").yaml(),
        pvc("claim14-5-2", "uid14-5-2", "10Gi", Some("silver"))
            .volume("volume14-5-2")
            .mode("Filesystem")
            .yaml(),
    ]);
    assert_eq!(
        claim_events(&sim, "claim14-5-2"),
        vec![ev(
            EventType::Warning,
            "VolumeMismatch",
            "Cannot bind to requested volume \"volume14-5-2\": storageClassName does not match"
        )]
    );
    // 14-7 / 14-10 / 14-12: volume pre-bound by name, matching modes: bound.
    for (m, c, uid, v) in [
        ("Block", "claim14-7", "uid14-7", "volume14-7"),
        ("Block", "claim14-10", "uid14-10", "volume14-10"),
        ("Filesystem", "claim14-12", "uid14-12", "volume14-12"),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "").mode(m).claim(c, "").yaml(),
            pvc(c, uid, "10Gi", None).mode(m).yaml(),
        ]);
        assert_bound(&sim, c, uid, v);
        assert!(claim(&sim, c).has(BOUND_BY_CONTROLLER));
        assert!(!volume(&sim, v).by_controller);
    }
    // 14-8: pre-bound claim, modes differ.
    let sim = run(&[
        pv("volume14-8", "10Gi", "").mode("Block").yaml(),
        pvc("claim14-8", "uid14-8", "10Gi", None)
            .volume("volume14-8")
            .mode("Filesystem")
            .yaml(),
    ]);
    assert_eq!(
        claim_events(&sim, "claim14-8"),
        vec![ev(
            EventType::Warning,
            "VolumeMismatch",
            "Cannot bind to requested volume \"volume14-8\": incompatible volumeMode"
        )]
    );
    // 14-8-1: volume pre-bound by name (no UID), modes differ: the claim finds nothing.
    let sim = run(&[
        pv("volume14-8-1", "10Gi", "")
            .mode("Block")
            .claim("claim14-8-1", "")
            .yaml(),
        pvc("claim14-8-1", "uid14-8-1", "10Gi", None)
            .mode("Filesystem")
            .yaml(),
    ]);
    assert_eq!(
        claim_events(&sim, "claim14-8-1"),
        vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
    );
    assert_eq!(pv_events(&sim, "volume14-8-1"), vec![]);
    // 14-9 / 14-11: pre-bound claim, matching modes: bound.
    for (m, c, uid, v) in [
        ("Block", "claim14-9", "uid14-9", "volume14-9"),
        ("Filesystem", "claim14-11", "uid14-11", "volume14-11"),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "").mode(m).yaml(),
            pvc(c, uid, "10Gi", None).mode(m).volume(v).yaml(),
        ]);
        assert_bound(&sim, c, uid, v);
        assert!(!claim(&sim, c).has(BOUND_BY_CONTROLLER));
    }
}

#[test]
fn sync_14_13_volume_bound_by_uid_to_a_claim_of_another_mode_warns_both() {
    for (pm, cm, c, uid, v) in [
        (
            "Filesystem",
            "Block",
            "claim14-13",
            "uid14-13",
            "volume14-13",
        ),
        (
            "Block",
            "Filesystem",
            "claim14-13-1",
            "uid14-13-1",
            "volume14-13-1",
        ),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "")
                .mode(pm)
                .claim(c, uid)
                .by_controller()
                .yaml(),
            pvc(c, uid, "10Gi", None).mode(cm).yaml(),
        ]);
        assert_eq!(claim(&sim, c).phase, PvcPhase::Pending);
        // syncVolume returns right after the warnings, without touching the phase: upstream's
        // table keeps its initial Available, a fresh volume here keeps the API's Pending.
        assert_eq!(volume(&sim, v).phase, PvPhase::Pending);
        assert_eq!(
            pv_events(&sim, v),
            vec![ev(
                EventType::Warning,
                "VolumeMismatch",
                &format!("Cannot bind PersistentVolume to requested PersistentVolumeClaim \"{c}\" due to incompatible volumeMode.")
            )]
        );
        assert!(claim_events(&sim, c).contains(&ev(
            EventType::Warning,
            "VolumeMismatch",
            &format!("Cannot bind PersistentVolume \"{v}\" to requested PersistentVolumeClaim due to incompatible volumeMode.")
        )));
    }
    // 14-14: matching modes: no warning, the claim's sync binds.
    for (m, c, uid, v) in [
        ("Block", "claim14-14", "uid14-14", "volume14-14"),
        ("Filesystem", "claim14-14-1", "uid14-14-1", "volume14-14-1"),
    ] {
        let sim = run(&[
            pv(v, "10Gi", "")
                .mode(m)
                .claim(c, uid)
                .by_controller()
                .yaml(),
            pvc(c, uid, "10Gi", None).mode(m).yaml(),
        ]);
        assert_bound(&sim, c, uid, v);
        assert_eq!(pv_events(&sim, v), vec![]);
    }
}

// --- TestMultiSync ------------------------------------------------------------------------------

#[test]
fn multisync_10_2_bind_race_rolls_the_loser_back() {
    let sim = run(&[
        pv("volume10-2-1", "1Gi", "")
            .claim("claim10-2", "uid10-2")
            .by_controller()
            .yaml(),
        pv("volume10-2-2", "1Gi", "")
            .claim("claim10-2", "uid10-2")
            .by_controller()
            .yaml(),
        pvc("claim10-2", "uid10-2", "1Gi", None)
            .volume("volume10-2-1")
            .by_controller()
            .bind_completed()
            .yaml(),
    ]);
    assert_bound(&sim, "claim10-2", "uid10-2", "volume10-2-1");
    let loser = volume(&sim, "volume10-2-2");
    assert_eq!(loser.phase, PvPhase::Available);
    assert_eq!(loser.claim, None);
    assert!(!loser.by_controller);
}

// --- TestProvisionSync ---------------------------------------------------------------------------

fn external_provisioning(name: &str) -> String {
    format!("Waiting for a volume to be created either by the external provisioner '{name}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
}

#[test]
fn provision_11_14_to_11_16_no_provisioning_without_a_usable_class() {
    // 11-14: a class that does not exist.
    let sim = run(&[pvc("claim11-14", "uid11-14", "1Gi", Some("non-existing")).yaml()]);
    let c = claim(&sim, "claim11-14");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert!(!c.has(STORAGE_PROVISIONER));
    assert_eq!(
        claim_events(&sim, "claim11-14"),
        vec![ev(
            EventType::Warning,
            "ProvisioningFailed",
            "storageclass.storage.k8s.io \"non-existing\" not found"
        )]
    );
    // 11-15 class "" and 11-16 class unset (no default): nothing to provision with.
    for cls in [Some(""), None] {
        let sim = run(&[pvc("claim11-15", "uid11-15", "1Gi", cls).yaml()]);
        let c = claim(&sim, "claim11-15");
        assert_eq!(c.phase, PvcPhase::Pending);
        assert!(!c.has(STORAGE_PROVISIONER));
        assert_eq!(
            claim_events(&sim, "claim11-15"),
            vec![ev(EventType::Normal, "FailedBinding", NO_CLASS)]
        );
    }
}

#[test]
fn provision_11_17_external_provisioner() {
    let sim = run(&[
        node("node1"),
        class("external", "vendor.com/my-volume", "Immediate"),
        pvc("claim11-17", "uid11-17", "1Gi", Some("external")).yaml(),
    ]);
    let c = claim(&sim, "claim11-17");
    assert_eq!(c.ann(STORAGE_PROVISIONER), Some("vendor.com/my-volume"));
    assert_eq!(
        c.ann(STORAGE_PROVISIONER_BETA),
        Some("vendor.com/my-volume")
    );
    let events = claim_events(&sim, "claim11-17");
    assert_eq!(
        events[0],
        ev(
            EventType::Normal,
            "ExternalProvisioning",
            &external_provisioning("vendor.com/my-volume")
        )
    );
    // 12-2: the external provisioner's volume is then bound to the claim.
    assert_bound(&sim, "claim11-17", "uid11-17", "pvc-uid11-17");
}

#[test]
fn provision_11_18_unknown_internal_provisioner() {
    let sim = run(&[
        class("unknown-internal", "kubernetes.io/unknown", "Immediate"),
        pvc("claim11-18", "uid11-18", "1Gi", Some("unknown-internal")).yaml(),
    ]);
    let c = claim(&sim, "claim11-18");
    assert_eq!(c.phase, PvcPhase::Pending);
    assert!(!c.has(STORAGE_PROVISIONER) && !c.has(STORAGE_PROVISIONER_BETA));
    assert_eq!(
        claim_events(&sim, "claim11-18"),
        vec![ev(
            EventType::Warning,
            "ProvisioningFailed",
            "no volume plugin matched name: kubernetes.io/unknown"
        )]
    );
}

#[test]
fn provision_11_21_migrated_in_tree_provisioner_goes_to_its_csi_driver() {
    // CSI migration is GA: the claim is handed to the driver's external provisioner under the
    // driver's name (v1.36's csi-translation-lib names).
    for (in_tree, driver) in [
        ("kubernetes.io/aws-ebs", "ebs.csi.aws.com"),
        ("kubernetes.io/gce-pd", "pd.csi.storage.gke.io"),
        ("kubernetes.io/azure-disk", "disk.csi.azure.com"),
        ("kubernetes.io/azure-file", "file.csi.azure.com"),
        ("kubernetes.io/cinder", "cinder.csi.openstack.org"),
        ("kubernetes.io/vsphere-volume", "csi.vsphere.vmware.com"),
        ("kubernetes.io/portworx-volume", "pxd.portworx.com"),
    ] {
        let sim = run(&[
            class("gold", in_tree, "Immediate"),
            pvc("claim11-21", "uid11-21", "1Gi", Some("gold")).yaml(),
        ]);
        let c = claim(&sim, "claim11-21");
        assert_eq!(c.ann(STORAGE_PROVISIONER), Some(driver), "{in_tree}");
        assert_eq!(c.ann(STORAGE_PROVISIONER_BETA), Some(driver), "{in_tree}");
        assert_eq!(
            claim_events(&sim, "claim11-21")[0],
            ev(
                EventType::Normal,
                "ExternalProvisioning",
                &external_provisioning(driver)
            ),
            "{in_tree}"
        );
    }
}

#[test]
fn provision_11_22_available_volume_is_bound_without_provisioning() {
    let sim = run(&[
        class("external", "vendor.com/my-volume", "Immediate"),
        pv("volume11-22", "1Gi", "external").yaml(),
        pvc("claim11-22", "uid11-22", "1Gi", Some("external")).yaml(),
    ]);
    assert_bound(&sim, "claim11-22", "uid11-22", "volume11-22");
    let c = claim(&sim, "claim11-22");
    assert!(!c.has(STORAGE_PROVISIONER));
    assert_eq!(claim_events(&sim, "claim11-22"), vec![]);
}

#[test]
fn provision_11_24_scheduled_delayed_claim_goes_to_the_external_provisioner() {
    let sim = run(&[
        node("node1"),
        class(
            "external-wait",
            "vendor.com/my-volume-wait",
            "WaitForFirstConsumer",
        ),
        pv("volume11-24", "1Gi", "external-wait")
            .policy("Delete")
            .yaml(),
        pvc("claim11-24", "uid11-24", "1Gi", Some("external-wait"))
            .ann("volume.kubernetes.io/selected-node", "node1")
            .yaml(),
    ]);
    let c = claim(&sim, "claim11-24");
    assert_eq!(
        c.ann(STORAGE_PROVISIONER),
        Some("vendor.com/my-volume-wait")
    );
    assert_eq!(
        c.ann(STORAGE_PROVISIONER_BETA),
        Some("vendor.com/my-volume-wait")
    );
    assert_eq!(
        claim_events(&sim, "claim11-24")[0],
        ev(
            EventType::Normal,
            "ExternalProvisioning",
            &external_provisioning("vendor.com/my-volume-wait")
        )
    );
    assert_eq!(
        volume(&sim, "volume11-24").phase,
        PvPhase::Available,
        "the delayed claim skips finding a PV"
    );
}

// --- delete_test.go -------------------------------------------------------------------------------

/// A volume bound to a claim that is then deleted.
fn released(v: Pv<'_>, c: &str, uid: &str) -> Simulation {
    let name = v.name;
    let mut sim = run(&[
        v.claim(c, uid).yaml(),
        pvc(c, uid, "1Gi", None).volume(name).yaml(),
    ]);
    assert_bound(&sim, c, uid, name);
    sim.delete(Kind::PersistentVolumeClaim, &ObjectKey::parse(c, true))
        .unwrap();
    sim.run_until_idle(MAX_STEPS);
    sim
}

#[test]
fn delete_8_1_successful_delete() {
    let sim = released(
        pv("volume8-1", "1Gi", "").policy("Delete"),
        "claim8-1",
        "uid8-1",
    );
    assert!(sim.cluster().pv("volume8-1").is_none());
    assert_eq!(pv_events(&sim, "volume8-1"), vec![]);
}

#[test]
fn delete_8_2_no_deleter_plugin() {
    let sim = released(
        pv("volume8-2", "1Gi", "")
            .policy("Delete")
            .source("nfs: {server: nfs.example.com, path: /exports/8-2}"),
        "claim8-2",
        "uid8-2",
    );
    let message = "error getting deleter volume plugin for volume \"volume8-2\": no deletable volume plugin matched";
    let v = volume(&sim, "volume8-2");
    assert_eq!(v.phase, PvPhase::Failed);
    assert_eq!(v.message, message);
    assert_eq!(
        pv_events(&sim, "volume8-2"),
        vec![ev(EventType::Warning, "VolumeFailedDelete", message)]
    );
}

#[test]
fn delete_8_3_deleter_fails() {
    let sim = released(
        pv("volume8-3", "1Gi", "")
            .policy("Delete")
            .source("hostPath: {path: /mnt/8-3}"),
        "claim8-3",
        "uid8-3",
    );
    let message = "host_path deleter only supports /tmp/.+ but received provided /mnt/8-3";
    assert_eq!(volume(&sim, "volume8-3").phase, PvPhase::Failed);
    assert_eq!(
        pv_events(&sim, "volume8-3"),
        vec![ev(EventType::Warning, "VolumeFailedDelete", message)]
    );
}

#[test]
fn delete_8_10_external_deleter_leaves_the_volume_released() {
    // Provisioned by an external provisioner nobody runs here (no class names it).
    let sim = released(
        pv("volume8-10", "1Gi", "")
            .policy("Delete")
            .ann("pv.kubernetes.io/provisioned-by", "vendor.com/my-volume"),
        "claim8-10",
        "uid8-10",
    );
    assert_eq!(volume(&sim, "volume8-10").phase, PvPhase::Released);
    assert_eq!(pv_events(&sim, "volume8-10"), vec![]);
}

#[test]
fn delete_8_8_provisioned_volume_whose_claim_bound_elsewhere_is_deleted() {
    // The claim is bound to another volume; a dynamically provisioned Delete volume that
    // still points at it is released and deleted (syncVolume's "claim bound elsewhere").
    let sim = run(&[
        pv("volume8-8", "1Gi", "")
            .policy("Delete")
            .claim("claim8-8", "uid8-8")
            .by_controller()
            .ann("pv.kubernetes.io/provisioned-by", "kubernetes.io/host-path")
            .yaml(),
        pv("volume8-8-x", "1Gi", "")
            .claim("claim8-8", "uid8-8")
            .yaml(),
        pvc("claim8-8", "uid8-8", "1Gi", None)
            .volume("volume8-8-x")
            .bind_completed()
            .yaml(),
    ]);
    assert_bound(&sim, "claim8-8", "uid8-8", "volume8-8-x");
    assert!(sim.cluster().pv("volume8-8").is_none());
}

#[test]
fn released_volume_is_reclaimed_when_its_policy_becomes_delete() {
    // reclaimVolume runs on every sync of a released volume, not only on the change to
    // Released: switching a Released Retain volume to Delete deletes it.
    let mut sim = released(pv("volume8-5", "1Gi", ""), "claim8-5", "uid8-5");
    assert_eq!(volume(&sim, "volume8-5").phase, PvPhase::Released);
    add(
        &mut sim,
        &pv("volume8-5", "1Gi", "")
            .policy("Delete")
            .claim("claim8-5", "uid8-5")
            .yaml(),
    );
    assert!(sim.cluster().pv("volume8-5").is_none());
}

// --- recycle_test.go ------------------------------------------------------------------------------

/// "6-1 - successful recycle": a volume the controller bound is scrubbed (hostPath has a
/// recycler) and comes back `Available` without its claimRef.
#[test]
fn recycle_6_1_successful_recycle() {
    let sim = released(
        pv("volume6-1", "1Gi", "")
            .policy("Recycle")
            .ann(BOUND_BY_CONTROLLER, "yes"),
        "claim6-1",
        "uid6-1",
    );
    let v = volume(&sim, "volume6-1");
    assert_eq!(v.phase, PvPhase::Available);
    assert_eq!(v.claim, None);
    assert_eq!(
        pv_events(&sim, "volume6-1"),
        vec![ev(EventType::Normal, "VolumeRecycled", "Volume recycled")]
    );
}

/// "6-2 - successful recycle with prebound volume": a volume pre-bound by the user keeps
/// its claimRef's name and loses only the UID.
#[test]
fn recycle_6_2_successful_recycle_with_prebound_volume() {
    let sim = released(
        pv("volume6-2", "1Gi", "").policy("Recycle"),
        "claim6-2",
        "uid6-2",
    );
    let v = volume(&sim, "volume6-2");
    assert_eq!(v.phase, PvPhase::Available);
    assert_eq!(v.claim, Some(("claim6-2".into(), "".into())));
}

#[test]
fn recycle_without_a_recycler_fails_the_volume() {
    let sim = released(
        pv("volume6-3", "1Gi", "")
            .policy("Recycle")
            .source("csi: {driver: vendor.com/my-volume, volumeHandle: h}"),
        "claim6-3",
        "uid6-3",
    );
    let v = volume(&sim, "volume6-3");
    assert_eq!(v.phase, PvPhase::Failed);
    assert_eq!(v.message, "No recycler plugin found for the volume!");
    assert_eq!(
        pv_events(&sim, "volume6-3"),
        vec![ev(
            EventType::Warning,
            "VolumeFailedRecycle",
            "No recycler plugin found for the volume!"
        )]
    );
}

#[test]
fn retain_keeps_the_released_volume_and_its_claim_ref() {
    let sim = released(pv("volume5-1", "1Gi", ""), "claim5-1", "uid5-1");
    let v = volume(&sim, "volume5-1");
    assert_eq!(v.phase, PvPhase::Released);
    assert_eq!(v.claim, Some(("claim5-1".into(), "uid5-1".into())));
    // A new claim of the same name does not get it back.
    let mut sim = sim;
    add(&mut sim, &pvc("claim5-1", "uid5-1-new", "1Gi", None).yaml());
    assert_eq!(claim(&sim, "claim5-1").phase, PvcPhase::Pending);
    assert_eq!(volume(&sim, "volume5-1").phase, PvPhase::Released);
}

// --- setdefault admission_test.go and the PV controller's retroactive assignment -------------

fn default_class(name: &str, value: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}, annotations: {{storageclass.kubernetes.io/is-default-class: '{value}'}}}}\nprovisioner: {name}.example.com\n---\n"
    )
}

fn class_of(sim: &Simulation, name: &str) -> Option<String> {
    sim.cluster()
        .pvc(&ObjectKey::parse(name, true))
        .unwrap()
        .storage_class_name
        .as_deref()
        .map(str::to_string)
}

#[test]
fn setdefault_admission() {
    let not_defaults = [
        default_class("nondefault1", "false"),
        class("nondefault2", "nondefault1.example.com", "Immediate"),
        default_class("nondefault3", ""),
    ]
    .concat();
    let claims = [
        pvc("claimwithclass", "u1", "1Gi", Some("foo")).yaml(),
        pvc("claimwithemptyclass", "u2", "1Gi", Some("")).yaml(),
        pvc("claimwithnoclass", "u3", "1Gi", None).yaml(),
    ]
    .concat();
    // No default: nothing changes.
    let sim = run_yaml(&format!("{not_defaults}{claims}"), 1);
    assert_eq!(class_of(&sim, "claimwithnoclass"), None);
    assert_eq!(class_of(&sim, "claimwithemptyclass").as_deref(), Some(""));
    // One default: only the claim with class=nil gets it.
    let sim = run_yaml(
        &format!(
            "{}{not_defaults}{claims}",
            default_class("default1", "true")
        ),
        1,
    );
    assert_eq!(
        class_of(&sim, "claimwithnoclass").as_deref(),
        Some("default1")
    );
    assert_eq!(class_of(&sim, "claimwithemptyclass").as_deref(), Some(""));
    assert_eq!(class_of(&sim, "claimwithclass").as_deref(), Some("foo"));
    // Two defaults created at the same time: the smaller name wins, whatever the order.
    for order in [["default1", "default2"], ["default2", "default1"]] {
        let sim = run_yaml(
            &format!(
                "{}{}{not_defaults}{claims}",
                default_class(order[0], "true"),
                default_class(order[1], "true")
            ),
            1,
        );
        assert_eq!(
            class_of(&sim, "claimwithnoclass").as_deref(),
            Some("default1"),
            "{order:?}"
        );
        assert_eq!(class_of(&sim, "claimwithemptyclass").as_deref(), Some(""));
        assert_eq!(class_of(&sim, "claimwithclass").as_deref(), Some("foo"));
    }
    // Two defaults, one newer: the newer wins even with the larger name.
    let mut sim = run_yaml(&default_class("default1", "true"), 1);
    sim.advance_time(2_000);
    add(&mut sim, &default_class("default2", "true"));
    add(&mut sim, &pvc("claimwithnoclass", "u3", "1Gi", None).yaml());
    assert_eq!(
        class_of(&sim, "claimwithnoclass").as_deref(),
        Some("default2")
    );
}

#[test]
fn retroactive_default_class_for_claims_without_one() {
    // A claim created before any default class exists gets it from the PV controller; a claim
    // with class "" never does.
    let mut sim = run(&[
        pvc("early", "u1", "1Gi", None).yaml(),
        pvc("none", "u2", "1Gi", Some("")).yaml(),
    ]);
    assert_eq!(class_of(&sim, "early"), None);
    add(&mut sim, &default_class("default1", "true"));
    assert_eq!(class_of(&sim, "early").as_deref(), Some("default1"));
    assert_eq!(class_of(&sim, "none").as_deref(), Some(""));
}

// --- pvc-protection and pv-protection ------------------------------------------------------------

fn pod(name: &str, claim: &str, node: Option<&str>) -> String {
    let node = node
        .map(|n| format!("  nodeName: {n}\n"))
        .unwrap_or_default();
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n{node}  containers: [{{name: c, image: i}}]\n  volumes: [{{name: v, persistentVolumeClaim: {{claimName: {claim}}}}}]\n---\n"
    )
}

#[test]
fn pvc_protection_keeps_a_claim_a_scheduled_pod_uses() {
    // A scheduled pod using the claim keeps its finalizer; an unscheduled one does not.
    let mut sim = run(&[
        node("node1"),
        pv("vol", "1Gi", "").yaml(),
        pvc("used", "u1", "1Gi", None).yaml(),
        pod("user", "used", None),
    ]);
    let mut unused = run(&[
        pv("vol", "1Gi", "").yaml(),
        pvc("used", "u1", "1Gi", None).yaml(),
        pod("pending", "used", None),
    ]);
    for s in [&mut sim, &mut unused] {
        s.delete(Kind::PersistentVolumeClaim, &ObjectKey::parse("used", true))
            .unwrap();
        s.run_until_idle(MAX_STEPS);
    }
    let kept = sim.cluster().pvc(&ObjectKey::parse("used", true)).unwrap();
    assert!(kept.meta.deletion.is_some());
    assert!(kept
        .meta
        .finalizers
        .iter()
        .any(|f| &**f == "kubernetes.io/pvc-protection"));
    assert!(
        unused
            .cluster()
            .pvc(&ObjectKey::parse("used", true))
            .is_none(),
        "no node has the pod: the claim goes"
    );
}

#[test]
fn pv_protection_keeps_only_bound_volumes() {
    let mut sim = run(&[
        pv("bound", "1Gi", "").yaml(),
        pvc("c", "u1", "1Gi", None).volume("bound").yaml(),
        pv("free", "1Gi", "").claim("nobody", "").yaml(),
    ]);
    for v in ["bound", "free"] {
        sim.delete(Kind::PersistentVolume, &ObjectKey::cluster(v))
            .unwrap();
    }
    sim.run_until_idle(MAX_STEPS);
    let bound = sim.cluster().pv("bound").unwrap();
    assert!(bound.meta.deletion.is_some() && bound.phase == PvPhase::Bound);
    assert!(sim.cluster().pv("free").is_none(), "Available: not in use");
}
