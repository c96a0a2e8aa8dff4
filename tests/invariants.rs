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
