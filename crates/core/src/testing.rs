//! Test fixtures: a cluster built from short manifests, and direct access to one plugin's
//! verdict on one node, in the spirit of kube-scheduler's `st.MakePod()` builders.

use crate::model::ObjectKey;
use crate::scenario::parse;
use crate::scheduler::framework::{Code, CycleState, Plugin, Status};
use crate::sim::Simulation;

pub fn node(name: &str, labels: &[(&str, &str)], extra_spec: &str) -> String {
    let mut l = format!("kubernetes.io/hostname: {name}");
    for (k, v) in labels {
        l.push_str(&format!(", {k}: '{v}'"));
    }
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{l}}}}}\nspec: {{{extra_spec}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 8Gi, pods: '10'}}\n"
    )
}

pub fn class(name: &str, provisioner: &str, mode: &str, extra: &str) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: {name}}}\nprovisioner: {provisioner}\nvolumeBindingMode: {mode}\n{extra}"
    )
}

pub fn pvc(name: &str, class: &str, modes: &str, size: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  accessModes: [{modes}]\n  storageClassName: '{class}'\n  resources: {{requests: {{storage: {size}}}}}\n"
    )
}

/// A local PV pinned to `host` (or a CSI PV without affinity when `host` is empty).
pub fn pv(name: &str, class: &str, modes: &str, size: &str, host: &str, labels: &str) -> String {
    let source = if host.is_empty() {
        format!("  csi: {{driver: disk.csi.example.com, volumeHandle: {name}}}\n")
    } else {
        format!("  local: {{path: /mnt/{name}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: kubernetes.io/hostname, operator: In, values: [{host}]}}\n")
    };
    format!(
        "apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nspec:\n  capacity: {{storage: {size}}}\n  accessModes: [{modes}]\n  storageClassName: '{class}'\n{source}"
    )
}

/// A pod using `claims`, with extra `spec` lines (indented by two spaces).
pub fn pod(name: &str, claims: &[&str], spec: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause}}]\n{spec}"
    );
    if !claims.is_empty() {
        s.push_str("  volumes:\n");
        for (i, c) in claims.iter().enumerate() {
            s.push_str(&format!(
                "  - name: v{i}\n    persistentVolumeClaim: {{claimName: {c}}}\n"
            ));
        }
    }
    s
}

/// A simulation loaded with `docs` and run until idle.
pub fn world(docs: &[String]) -> Simulation {
    let text = docs.join("---\n");
    let parsed = parse(&text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}");
    sim.run_until_idle(10_000);
    sim
}

/// Adds `doc` without letting the scheduler run (the pod stays pending).
pub fn add_pending(sim: &mut Simulation, doc: &str) {
    let parsed = parse(doc);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply(&d.manifest).unwrap();
    }
}

/// Adds `doc` before any controller reacts to it: the scheduler's view in the moment
/// between a pod's creation and, say, the ephemeral volume controller creating its claims
/// (upstream's plugin tests build exactly such listers by hand).
pub fn add_unreacted(sim: &mut Simulation, doc: &str) {
    let parsed = parse(doc);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    for d in &parsed.manifests {
        sim.apply_without_reacting(&d.manifest, None).unwrap();
    }
}

/// PreFilter then `plugin`'s Filter for `pod` on `node`: the PreFilter status if PreFilter
/// did not pass, otherwise the Filter status (Skip when the plugin skipped itself).
pub fn verdict(sim: &Simulation, plugin: &dyn Plugin, pod: &str, node: &str) -> Status {
    let mut state = CycleState::default();
    let cx = sim.ctx();
    let p = sim
        .cluster()
        .pod(&ObjectKey::parse(pod, true))
        .expect("pod exists")
        .clone();
    let (r, s) = if plugin
        .points()
        .has(crate::scheduler::framework::Points::PRE_FILTER)
    {
        plugin.pre_filter(&cx, &mut state, &p)
    } else {
        (None, Status::success())
    };
    if s.code == Code::Skip {
        return s;
    }
    if !s.is_success() {
        return s;
    }
    if let Some(names) = r {
        if !names.contains(node) {
            return Status::unresolvable("excluded by PreFilterResult");
        }
    }
    let info = sim.scheduler_cache().node(node).expect("node exists");
    plugin.filter(&cx, &state, &p, info)
}

pub fn unschedulable(reason: &str) -> Status {
    Status::unschedulable(reason.to_string())
}

pub fn unresolvable(reason: &str) -> Status {
    Status::unresolvable(reason.to_string())
}
