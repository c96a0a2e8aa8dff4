//! Property tests: on random small clusters, whatever happens, the invariants hold.

use std::collections::BTreeMap;

use bindery_core::model::{AccessMode, PodPhase, PvcPhase};
use bindery_core::scenario::parse;
use bindery_core::Simulation;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Spec {
    nodes: Vec<(u8, u8)>,                // (zone, cpu cores)
    local_pvs: Vec<(usize, u8)>,         // (node index, size Gi)
    claims: Vec<(u8, bool, u8)>,         // (class index, rwop, size Gi)
    pods: Vec<(Option<usize>, u8, u16)>, // (claim index, priority class, cpu millis)
}

const CLASSES: [&str; 4] = ["standard", "zonal", "local", "immediate"];

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..5).prop_flat_map(|n| {
        (
            prop::collection::vec((0u8..3, 1u8..5), n),
            prop::collection::vec((0usize..n, 1u8..20), 0..6),
            prop::collection::vec((0u8..4, any::<bool>(), 1u8..10), 0..6),
        )
            .prop_flat_map(|(nodes, local_pvs, claims)| {
                let c = claims.len();
                let pod = (
                    prop::option::weighted(0.7, 0..c.max(1)),
                    0u8..3,
                    50u16..3000,
                );
                (
                    Just(nodes),
                    Just(local_pvs),
                    Just(claims),
                    prop::collection::vec(pod, 1..9),
                )
            })
            .prop_map(|(nodes, local_pvs, claims, mut pods)| {
                if claims.is_empty() {
                    for p in &mut pods {
                        p.0 = None;
                    }
                }
                Spec {
                    nodes,
                    local_pvs,
                    claims,
                    pods,
                }
            })
    })
}

fn yaml(s: &Spec) -> String {
    let mut y = String::from(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p1}\nvalue: 100\n---\n\
         apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p2}\nvalue: 1000\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: standard}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: zonal}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\nallowedTopologies:\n- matchLabelExpressions:\n  - {key: topology.kubernetes.io/zone, values: [z0, z1]}\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: immediate}\nprovisioner: disk.csi.example.com\n",
    );
    for (i, (zone, cpu)) in s.nodes.iter().enumerate() {
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n{i}\n  labels: {{topology.kubernetes.io/zone: z{zone}}}\nstatus:\n  allocatable: {{cpu: '{cpu}', memory: 8Gi, pods: '10'}}\n"
        ));
    }
    for (i, (node, size)) in s.local_pvs.iter().enumerate() {
        let mode = if i % 3 == 0 {
            "ReadWriteOncePod"
        } else {
            "ReadWriteOnce"
        };
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: lpv{i}}}\nspec:\n  capacity: {{storage: {size}Gi}}\n  accessModes: [{mode}]\n  storageClassName: local\n  local: {{path: /mnt/{i}}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: kubernetes.io/hostname, operator: In, values: [n{node}]}}\n"
        ));
    }
    for (i, (class, rwop, size)) in s.claims.iter().enumerate() {
        let mode = if *rwop {
            "ReadWriteOncePod"
        } else {
            "ReadWriteOnce"
        };
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: c{i}}}\nspec:\n  accessModes: [{mode}]\n  storageClassName: {}\n  resources: {{requests: {{storage: {size}Gi}}}}\n",
            CLASSES[*class as usize]
        ));
    }
    for (i, (claim, prio, cpu)) in s.pods.iter().enumerate() {
        let prio = match prio {
            1 => "  priorityClassName: p1\n",
            2 => "  priorityClassName: p2\n",
            _ => "",
        };
        let volumes = claim
            .map(|c| {
                format!("  volumes:\n  - name: d\n    persistentVolumeClaim: {{claimName: c{c}}}\n")
            })
            .unwrap_or_default();
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata: {{name: pod{i}}}\nspec:\n{prio}  terminationGracePeriodSeconds: 5\n  containers:\n  - name: c\n    image: pause\n    resources: {{requests: {{cpu: {cpu}m}}}}\n{volumes}"
        ));
    }
    y
}

fn check_invariants(sim: &Simulation) -> Result<(), String> {
    let c = sim.cluster();
    // An RWOP claim is used by at most one running pod.
    let mut rwop_users: BTreeMap<String, usize> = BTreeMap::new();
    for p in c.pods().values() {
        if p.status.phase != PodPhase::Running {
            continue;
        }
        for claim in p.claim_names() {
            if let Some(pvc) = c.pvc_by(&p.meta.namespace, claim) {
                if pvc.access_modes.contains(&AccessMode::ReadWriteOncePod) {
                    *rwop_users.entry(claim.to_string()).or_default() += 1;
                }
            }
        }
    }
    if let Some((claim, n)) = rwop_users.iter().find(|(_, n)| **n > 1) {
        return Err(format!("RWOP claim {claim} used by {n} running pods"));
    }
    // Bindings are one-to-one and agree both ways.
    let mut volume_owner: BTreeMap<&str, String> = BTreeMap::new();
    for pvc in c.pvcs().values() {
        if pvc.phase != PvcPhase::Bound {
            continue;
        }
        let v = pvc
            .volume_name
            .as_deref()
            .ok_or("bound claim without volume")?;
        if let Some(other) = volume_owner.insert(v, pvc.meta.key().to_string()) {
            return Err(format!(
                "volume {v} bound to {other} and {}",
                pvc.meta.key()
            ));
        }
        let pv = c
            .pv(v)
            .ok_or(format!("claim bound to missing volume {v}"))?;
        let r = pv
            .claim_ref
            .as_ref()
            .ok_or(format!("{v} has no claimRef"))?;
        if *r.name != *pvc.meta.name || *r.namespace != *pvc.meta.namespace {
            return Err(format!(
                "{v} claimRef {}/{} != {}",
                r.namespace,
                r.name,
                pvc.meta.key()
            ));
        }
    }
    // Node allocatable is never exceeded.
    for info in sim.scheduler_cache().nodes() {
        let a = &info.node.allocatable;
        let r = &info.requested;
        if r.milli_cpu > a.milli_cpu || r.memory > a.memory || info.pods.len() as i64 > a.pods {
            return Err(format!("node {} over-committed", info.name()));
        }
    }
    // Every pod still pending has been told why.
    for p in c.pods().values() {
        if p.is_assigned() || sim.assumed_node(&p.meta.key()).is_some() {
            continue;
        }
        let cond = p
            .condition("PodScheduled")
            .ok_or(format!("{} pending without condition", p.meta.key()))?;
        if cond.status != "False" || cond.message.is_empty() {
            return Err(format!("{} pending without a reason", p.meta.key()));
        }
        let told = sim
            .log()
            .events_for(bindery_core::model::Kind::Pod, &p.meta.key())
            .any(|(_, e)| e.reason == "FailedScheduling");
        if !told {
            return Err(format!(
                "{} pending without a FailedScheduling event",
                p.meta.key()
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, .. ProptestConfig::default() })]

    #[test]
    fn invariants_hold_on_random_clusters(s in spec(), seed in 0u64..1000) {
        let text = yaml(&s);
        let parsed = parse(&text);
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut sim = Simulation::new(seed);
        let errors = sim.load(&parsed);
        prop_assert!(errors.is_empty(), "{:?}", errors);
        // Check along the way, not only at the end.
        for _ in 0..200 {
            if sim.step() == bindery_core::StepOutcome::Idle {
                break;
            }
            let r = check_invariants(&sim);
            prop_assert!(r.is_ok() || r.as_ref().unwrap_err().contains("pending"), "{:?}\n{}", r, text);
        }
        let outcome = sim.run_until_idle(100_000);
        prop_assert!(outcome.idle, "did not settle:\n{}", text);
        let r = check_invariants(&sim);
        prop_assert!(r.is_ok(), "{:?}\n{}\n{}", r, text, sim.log().render());
    }

    #[test]
    fn bounded_runs_always_terminate(s in spec(), bound in 0u64..30) {
        let parsed = parse(&yaml(&s));
        let mut sim = Simulation::new(1);
        sim.load(&parsed);
        let outcome = sim.run_until_idle(bound);
        prop_assert!(outcome.steps <= bound);
        if !outcome.idle {
            prop_assert!(sim.log().render().contains("LimitReached run until idle stopped at its bound"));
        }
    }
}

/// A random workload cluster: a StatefulSet and a Deployment on three zones, then a random
/// sequence of scaling, pod deletions and a priority pod that may preempt replicas.
#[derive(Debug, Clone)]
struct WorkloadSpec {
    parallel: bool,
    when_scaled_delete: bool,
    zonal: bool,
    set_replicas: u8,
    deploy_replicas: u8,
    actions: Vec<(u8, u8)>, // (what, argument)
}

fn workload_spec() -> impl Strategy<Value = WorkloadSpec> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u8..5,
        0u8..4,
        prop::collection::vec((0u8..4, 0u8..5), 0..6),
    )
        .prop_map(
            |(parallel, when_scaled_delete, zonal, set_replicas, deploy_replicas, actions)| {
                WorkloadSpec {
                    parallel,
                    when_scaled_delete,
                    zonal,
                    set_replicas,
                    deploy_replicas,
                    actions,
                }
            },
        )
}

fn workload_yaml(s: &WorkloadSpec) -> String {
    let mut y = String::from(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: standard}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n---\n\
         apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: zonal}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\n",
    );
    for i in 0..3 {
        y.push_str(&format!(
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n{i}\n  labels: {{topology.kubernetes.io/zone: z{i}}}\nstatus:\n  allocatable: {{cpu: '2', memory: 8Gi, pods: '4'}}\n"
        ));
    }
    let policy = if s.parallel {
        "Parallel"
    } else {
        "OrderedReady"
    };
    let scaled = if s.when_scaled_delete {
        "Delete"
    } else {
        "Retain"
    };
    let class = if s.zonal { "zonal" } else { "standard" };
    y.push_str(&format!(
        "---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db}}\nspec:\n  serviceName: db\n  replicas: {}\n  podManagementPolicy: {policy}\n  persistentVolumeClaimRetentionPolicy: {{whenScaled: {scaled}, whenDeleted: Retain}}\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n    metadata: {{labels: {{app: db}}}}\n    spec:\n      terminationGracePeriodSeconds: 5\n      containers: [{{name: c, image: pause, resources: {{requests: {{cpu: 500m}}}}}}]\n  volumeClaimTemplates:\n  - metadata: {{name: data}}\n    spec:\n      accessModes: [ReadWriteOnce]\n      storageClassName: {class}\n      resources: {{requests: {{storage: 1Gi}}}}\n",
        s.set_replicas
    ));
    y.push_str(&format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      terminationGracePeriodSeconds: 5\n      containers: [{{name: c, image: pause, resources: {{requests: {{cpu: 500m}}}}}}]\n",
        s.deploy_replicas
    ));
    y
}

/// The workload invariants: one pod per StatefulSet ordinal, each mounting its own
/// ordinal's claim; a ReplicaSet at rest runs exactly its replicas.
fn check_workloads(sim: &Simulation, at_rest: bool) -> Result<(), String> {
    use bindery_core::model::Kind;
    let c = sim.cluster();
    for set in c.stateful_sets.values() {
        let mut seen = std::collections::BTreeSet::new();
        for p in c.pods().values() {
            let owned = p
                .meta
                .controller()
                .is_some_and(|o| o.kind == "StatefulSet" && o.name == set.meta.name);
            if !owned {
                continue;
            }
            let ordinal = set
                .ordinal_of(&p.meta.name)
                .ok_or(format!("{} is not named <set>-<ordinal>", p.meta.name))?;
            if !seen.insert(ordinal) {
                return Err(format!("two pods with ordinal {ordinal}"));
            }
            let want = format!("data-{}-{ordinal}", set.meta.name);
            if !p.claim_names().any(|n| n == want) {
                return Err(format!("{} does not mount {want}", p.meta.name));
            }
        }
        // At rest every ordinal exists and no other, except that OrderedReady stops behind
        // a pod that cannot run: upstream waits for each predecessor to be Running and
        // Ready before creating the next pod or deleting a condemned one.
        let blocked = set.pod_management == bindery_core::model::PodManagementPolicy::OrderedReady
            && c.pods().values().any(|p| {
                p.meta.controller().is_some_and(|o| o.name == set.meta.name)
                    && p.status.phase != PodPhase::Running
            });
        let expected_ok = seen.len() == set.replicas as usize || blocked;
        if at_rest && !expected_ok {
            let phases: Vec<String> = c
                .pods()
                .values()
                .map(|p| format!("{}={}", p.meta.name, p.status.phase.as_str()))
                .collect();
            return Err(format!(
                "{} has {} pods at rest, wants {} ({phases:?})",
                set.meta.name,
                seen.len(),
                set.replicas
            ));
        }
    }
    if at_rest {
        for rs in c.replica_sets.values() {
            let active = c
                .pods_owned_by(Kind::ReplicaSet, &rs.meta.key())
                .filter(|p| p.meta.deletion.is_none())
                .count();
            if active != rs.replicas as usize {
                return Err(format!(
                    "{} has {active} pods at rest, wants {}",
                    rs.meta.name, rs.replicas
                ));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn workload_invariants_hold(s in workload_spec(), seed in 0u64..1000) {
        use bindery_core::model::{Kind, ObjectKey};
        let text = workload_yaml(&s);
        let parsed = parse(&text);
        prop_assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut sim = Simulation::new(seed);
        prop_assert!(sim.load(&parsed).is_empty());
        prop_assert!(sim.run_until_idle(100_000).idle);
        prop_assert!(check_workloads(&sim, true).is_ok(), "{:?}", check_workloads(&sim, true));
        // Claim identity: with whenScaled Retain a claim, once created, is never replaced.
        let mut claim_uids: BTreeMap<String, bindery_core::model::Uid> = BTreeMap::new();
        let set = ObjectKey::parse("db", true);
        let deploy = ObjectKey::parse("web", true);
        for (what, arg) in &s.actions {
            match what {
                0 => { sim.scale(Kind::StatefulSet, &set, *arg as i32).unwrap(); }
                1 => { sim.scale(Kind::Deployment, &deploy, *arg as i32).unwrap(); }
                2 => {
                    let victim = sim.cluster().pods().keys().nth(*arg as usize).cloned();
                    if let Some(k) = victim { sim.delete(Kind::Pod, &k).unwrap(); }
                }
                _ => {
                    let vip = format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: vip{arg}}}\nspec:\n  priorityClassName: high\n  containers: [{{name: c, image: pause, resources: {{requests: {{cpu: 1500m}}}}}}]\n");
                    let p = parse(&vip);
                    let _ = sim.apply(&p.manifests[0].manifest);
                }
            }
            for _ in 0..2_000 {
                if sim.step() == bindery_core::StepOutcome::Idle {
                    break;
                }
                let r = check_workloads(&sim, false);
                prop_assert!(r.is_ok(), "{:?}\n{}", r, text);
                let r = check_invariants(&sim);
                prop_assert!(r.is_ok() || r.as_ref().unwrap_err().contains("pending"), "{:?}\n{}", r, text);
            }
            prop_assert!(sim.is_idle(), "did not settle:\n{}", text);
            let r = check_workloads(&sim, true);
            prop_assert!(r.is_ok(), "{:?} after {:?}\n{}\n{}", r, (what, arg), text, sim.log().render());
            if !s.when_scaled_delete {
                for pvc in sim.cluster().pvcs().values() {
                    let old = claim_uids.insert(pvc.meta.name.to_string(), pvc.meta.uid.clone());
                    prop_assert!(old.is_none_or(|u| u == pvc.meta.uid), "claim {} was replaced", pvc.meta.name);
                }
            }
        }
        let r = check_invariants(&sim);
        prop_assert!(r.is_ok(), "{:?}\n{}", r, text);
    }
}
