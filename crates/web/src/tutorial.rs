//! The guided tutorial: lessons that open a starting cluster, state a goal, and check it
//! against the simulated state (a predicate over the engine's `Simulation`, never the UI's
//! text). Each lesson carries hints and a solution: edits the playground itself could make,
//! played one after another by "Show solution".
//!
//! Native tests check, for every lesson, that the start does not meet the goal and that
//! the solution does.

use bindery_core::events::{EntryKind, Note};
use bindery_core::model::{AccessMode, Kind, ObjectKey, PodPhase, PvPhase, PvSource};
use bindery_core::scenario::builtin::Then;
use bindery_core::time::SimTime;
use bindery_core::Simulation;

use crate::script::Scenario;

/// One edit of a solution, as the playground's own controls would make it.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Replace (or add) an object with this YAML (the inspector's "Edit YAML").
    Put {
        yaml: &'static str,
        replacing: Option<(Kind, &'static str)>,
    },
    /// Re-create a pod after the cluster settled (the priority-class control).
    Recreate {
        yaml: &'static str,
        replacing: (Kind, &'static str),
    },
    /// `kubectl delete` after the cluster settled.
    Delete(Kind, &'static str),
    /// `kubectl apply` (or `kubectl edit`) after the cluster settled: the object's next
    /// version, a `then: apply`.
    Apply { yaml: &'static str },
}

impl Step {
    /// What the step does, shown while the solution plays.
    pub fn describe(&self) -> String {
        match self {
            Step::Put {
                replacing: Some((k, n)),
                ..
            } => format!("Edit {k} {n}"),
            Step::Put { yaml, .. } => {
                let kind = yaml
                    .lines()
                    .find_map(|l| l.strip_prefix("kind: "))
                    .unwrap_or("object");
                format!("Add a {kind}")
            }
            Step::Recreate {
                replacing: (k, n), ..
            } => {
                format!("Re-create {k} {n} after the cluster settled")
            }
            Step::Delete(k, n) => format!("kubectl delete {k} {n}"),
            Step::Apply { yaml } => {
                let line = |field: &str| {
                    yaml.lines()
                        .find_map(|l| l.strip_prefix(field))
                        .unwrap_or("")
                        .trim()
                        .to_string()
                };
                let name = line("metadata: {name: ");
                let name = name.split([',', '}']).next().unwrap_or("");
                format!("kubectl apply {} {name}", line("kind: "))
            }
        }
    }

    /// The playground action that makes this edit.
    pub fn action(&self) -> Option<crate::state::Action> {
        use crate::state::Action;
        let key = |k: Kind, n: &str| ObjectKey::parse(n, k.namespaced());
        Some(match self {
            Step::Put { yaml, replacing } => Action::PutObjectYaml {
                yaml: yaml.to_string(),
                replacing: replacing.map(|(k, n)| (k, key(k, n))),
            },
            Step::Recreate { yaml, replacing } => Action::Recreate {
                manifest: bindery_core::scenario::parse(yaml)
                    .manifests
                    .into_iter()
                    .next()?
                    .manifest,
                replacing: Some((replacing.0, key(replacing.0, replacing.1))),
            },
            Step::Delete(k, n) => Action::Then(Then::Delete {
                kind: *k,
                key: key(*k, n),
            }),
            Step::Apply { yaml } => Action::KubectlApply(yaml.to_string()),
        })
    }

    /// The scenario after this step (what the reducer does with the matching action).
    pub fn apply(&self, scenario: &Scenario) -> Result<Scenario, String> {
        let key = |k: Kind, n: &str| ObjectKey::parse(n, k.namespaced());
        let manifest = |yaml: &str| {
            let parsed = bindery_core::scenario::parse(yaml);
            match (
                parsed.errors.is_empty(),
                parsed.manifests.into_iter().next(),
            ) {
                (true, Some(d)) => Ok(d.manifest),
                _ => Err(format!("a solution step does not parse: {yaml}")),
            }
        };
        Ok(match self {
            Step::Put { yaml, replacing } => {
                scenario.with_object(manifest(yaml)?, replacing.map(|(k, n)| (k, key(k, n))))
            }
            Step::Recreate { yaml, replacing } => scenario.recreated_later(
                manifest(yaml)?,
                Some((replacing.0, key(replacing.0, replacing.1))),
            ),
            Step::Delete(k, n) => scenario.with_then(Then::Delete {
                kind: *k,
                key: key(*k, n),
            }),
            Step::Apply { yaml } => scenario.applied_later(manifest(yaml)?),
        })
    }
}

pub struct Lesson {
    pub id: &'static str,
    pub title: &'static str,
    /// The goal, in plain words.
    pub goal: &'static str,
    /// The Kubernetes documentation page this lesson is about.
    pub docs: &'static str,
    pub start: &'static str,
    pub hints: &'static [&'static str],
    pub solution: &'static [Step],
    /// Is the goal met in this (settled) state?
    pub check: fn(&Simulation) -> bool,
}

impl Lesson {
    pub fn start_scenario(&self) -> Scenario {
        Scenario::from_yaml(self.start)
            .map(|(s, _)| s)
            .unwrap_or_else(|_| Scenario::empty())
    }

    pub fn solved(&self, sim: &Simulation) -> bool {
        (self.check)(sim)
    }
}

// --- Predicates --------------------------------------------------------------------------

fn pod_phase(sim: &Simulation, name: &str) -> Option<PodPhase> {
    sim.cluster()
        .pod(&ObjectKey::new("default", name))
        .filter(|p| p.meta.deletion.is_none())
        .map(|p| p.status.phase)
}

fn running(sim: &Simulation, name: &str) -> bool {
    pod_phase(sim, name) == Some(PodPhase::Running)
}

fn all_running(sim: &Simulation) -> bool {
    let pods = sim.cluster().pods();
    !pods.is_empty() && pods.values().all(|p| p.status.phase == PodPhase::Running)
}

fn claim_modes(sim: &Simulation, name: &str) -> Vec<AccessMode> {
    sim.cluster()
        .pvc(&ObjectKey::new("default", name))
        .map(|c| c.access_modes.to_vec())
        .unwrap_or_default()
}

/// Whether the claim `default/<name>` was deleted along the way (a `kubectl delete` in the
/// log), so the one bound now is a new claim rather than the start rewritten.
fn old_claim_deleted(sim: &Simulation, name: &str) -> bool {
    sim.log().entries().any(|e| {
        matches!(&e.kind, EntryKind::Note(Note::Deleted { object })
            if object.kind == Kind::PersistentVolumeClaim
                && &*object.namespace == "default"
                && &*object.name == name)
    })
}

/// The StatefulSet runs `replicas` pods in as many zones, each claim bound to a volume of
/// its pod's zone.
fn stateful_set_spread(sim: &Simulation, name: &str, replicas: usize) -> bool {
    let c = sim.cluster();
    let Some(set) = c.stateful_sets.get(&ObjectKey::new("default", name)) else {
        return false;
    };
    let zone_of_node = |n: &str| {
        c.nodes
            .get(n)
            .and_then(|n| n.label(bindery_core::model::well_known::LABEL_ZONE))
            .map(str::to_string)
    };
    let mut zones = std::collections::BTreeSet::new();
    for p in c.pods_owned_by(Kind::StatefulSet, &set.meta.key()) {
        if p.status.phase != PodPhase::Running {
            return false;
        }
        let Some(zone) = p.node_name().and_then(zone_of_node) else {
            return false;
        };
        let volume_in_zone = p.claim_names().all(|claim| {
            c.pvc_by("default", claim)
                .and_then(|pvc| pvc.volume_name.as_deref())
                .and_then(|v| c.pv(v))
                .and_then(|pv| pv.node_affinity.as_ref())
                .is_some_and(|a| {
                    a.terms.iter().all(|t| {
                        t.match_expressions.iter().any(|r| {
                            r.key == bindery_core::model::well_known::LABEL_ZONE
                                && r.values == [zone.clone()]
                        })
                    })
                })
        });
        if !volume_in_zone {
            return false;
        }
        zones.insert(zone);
    }
    zones.len() == replicas
}

fn preempted(sim: &Simulation, name: &str) -> bool {
    sim.cluster()
        .deleted_pods
        .iter()
        .any(|p| &*p.meta.name == name && p.status.preempted)
}

// --- The lessons -------------------------------------------------------------------------

pub const LESSONS: &[Lesson] = &[
    Lesson {
        id: "access-modes",
        title: "1. Access modes: RWO is per node, RWOP is per pod",
        goal: "Both pods share the claim `shared` on one node: that is ReadWriteOnce. Switch `shared` to ReadWriteOncePod and watch `reader` fail with the scheduler's message — then make both pods run while `shared` stays ReadWriteOncePod.",
        docs: "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes",
        start: concat!(
            "# title: Lesson 1 — access modes\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: shared, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: writer, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: shared}}]\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: reader, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: shared}}]\n",
        ),
        hints: &[
            "Select the claim `shared`, Edit YAML, and set `accessModes: [ReadWriteOncePod]`. The reader goes Pending: “… ReadWriteOncePod access mode already in-use by another pod”.",
            "RWOP allows one pod in the whole cluster. Give `reader` a claim of its own (+ Add… → PersistentVolumeClaim) and point its volume at it.",
        ],
        solution: &[
            Step::Put {
                yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: shared, namespace: default}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n",
                replacing: Some((Kind::PersistentVolumeClaim, "default/shared")),
            },
            Step::Put {
                yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: reader-data, namespace: default}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n",
                replacing: None,
            },
            Step::Put {
                yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: reader, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: reader-data}}]\n",
                replacing: Some((Kind::Pod, "default/reader")),
            },
        ],
        check: |sim| {
            claim_modes(sim, "shared") == [AccessMode::ReadWriteOncePod]
                && running(sim, "writer")
                && running(sim, "reader")
        },
    },
    Lesson {
        id: "rwop-priority",
        title: "2. RWOP and priority: preemption takes the claim",
        goal: "`writer-2` waits for the ReadWriteOncePod claim that `writer-1` holds. Make `writer-2` run by preemption: `writer-1` must be preempted, not deleted by hand. (Preemption helps here because removing a lower-priority pod frees the claim; it cannot help a pod whose volume is in another zone.)",
        docs: "https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/",
        start: concat!(
            "# title: Lesson 2 — RWOP and priority\n",
            "---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: single, namespace: default}\nspec:\n  accessModes: [ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: writer-1, namespace: default}\nspec:\n  terminationGracePeriodSeconds: 5\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: single}}]\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: writer-2, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: single}}]\n",
        ),
        hints: &[
            "Priority is immutable: select `writer-2` and use “Re-create with priority class” → high.",
            "Watch the verdict table: VolumeRestrictions rejects every node, and DefaultPreemption finds `writer-1` as the victim.",
        ],
        solution: &[Step::Recreate {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: writer-2, namespace: default}\nspec:\n  priorityClassName: high\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: single}}]\n",
            replacing: (Kind::Pod, "default/writer-2"),
        }],
        check: |sim| running(sim, "writer-2") && preempted(sim, "writer-1"),
    },
    Lesson {
        id: "rwop-migration",
        title: "3. Migrating an existing volume to ReadWriteOncePod",
        goal: "`app` writes to the ReadWriteOnce claim `data`, dynamically provisioned as the volume `data-pv` (reclaim policy Delete). Migrate them live, keeping the disk: in the end `data-pv` — the same volume object, never deleted — and `data` are both ReadWriteOncePod only, bound to each other, with `app` running, and the old claim was deleted, not rewritten. (Mixing ReadWriteOncePod with another mode is rejected: try it.)",
        docs: "https://kubernetes.io/blog/2023/04/20/read-write-once-pod-access-mode-beta/#migrating-existing-persistentvolumes",
        start: concat!(
            "# title: Lesson 3 — RWOP migration\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: disk}\nprovisioner: disk.csi.example.com\nreclaimPolicy: Delete\nvolumeBindingMode: Immediate\n",
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: data-pv\n  annotations: {pv.kubernetes.io/provisioned-by: disk.csi.example.com}\nspec:\n  capacity: {storage: 10Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Delete\n  storageClassName: disk\n  claimRef: {namespace: default, name: data}\n  csi: {driver: disk.csi.example.com, volumeHandle: vol-1}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: disk\n  volumeName: data-pv\n  resources: {requests: {storage: 10Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
        ),
        hints: &[
            "Everything here happens on the live cluster: “kubectl delete” and “kubectl edit” in the inspector, “kubectl apply…” under the timeline. First, kubectl edit `data-pv`: `persistentVolumeReclaimPolicy: Retain` — with Delete, deleting the claim deletes the disk (undo is your friend).",
            "Stop `app` and delete the claim `data`: with Retain the volume becomes Released and keeps its data. A Released volume will not bind again while its claimRef still carries the old claim's uid.",
            "kubectl edit `data-pv` again: delete the `uid:` line under claimRef and set `accessModes: [ReadWriteOncePod]` — it becomes Available, reserved for `data`. (`[ReadWriteOnce, ReadWriteOncePod]` is refused: “may not use ReadWriteOncePod with other access modes”.)",
            "kubectl apply the claim again with `accessModes: [ReadWriteOncePod]` and `volumeName: data-pv`, then the pod (both are listed under “Gone by now” in the apply dialog).",
        ],
        solution: &[
            Step::Apply {
                yaml: "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: data-pv}\nspec:\n  capacity: {storage: 10Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: disk\n  csi: {driver: disk.csi.example.com, volumeHandle: vol-1}\n",
            },
            Step::Delete(Kind::Pod, "default/app"),
            Step::Delete(Kind::PersistentVolumeClaim, "default/data"),
            Step::Apply {
                yaml: "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: data-pv}\nspec:\n  capacity: {storage: 10Gi}\n  accessModes: [ReadWriteOncePod]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: disk\n  claimRef: {namespace: default, name: data}\n  csi: {driver: disk.csi.example.com, volumeHandle: vol-1}\n",
            },
            Step::Apply {
                yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOncePod]\n  storageClassName: disk\n  volumeName: data-pv\n  resources: {requests: {storage: 10Gi}}\n",
            },
            Step::Apply {
                yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
            },
        ],
        check: |sim| {
            let c = sim.cluster();
            let claim = c.pvc(&ObjectKey::new("default", "data"));
            // Never deleted: a volume object created again later (after a Delete reclaim
            // removed the disk) would carry a later creation time.
            let same_disk_rwop = c.pv("data-pv").is_some_and(|pv| {
                pv.meta.creation == SimTime::ZERO
                    && pv.access_modes[..] == [AccessMode::ReadWriteOncePod]
                    && pv.phase == PvPhase::Bound
                    && matches!(&pv.source, PvSource::Csi { volume_handle, .. } if &**volume_handle == "vol-1")
                    && claim.is_some_and(|c| pv.claim_ref.as_ref().is_some_and(|r| r.uid == c.meta.uid))
            });
            same_disk_rwop
                && claim_modes(sim, "data") == [AccessMode::ReadWriteOncePod]
                && running(sim, "app")
                && old_claim_deleted(sim, "data")
        },
    },
    Lesson {
        id: "local-wffc",
        title: "4. Local volumes need WaitForFirstConsumer",
        goal: "The pod `archiver` must run on an HDD node, but its claim was bound at once to the smallest local volume, an SSD on node-1: the pod is stranded. Make `archiver` run.",
        docs: "https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode",
        start: concat!(
            "# title: Lesson 4 — local volumes and delayed binding\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-storage}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: Immediate\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1, disk: ssd}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-2\n  labels: {kubernetes.io/hostname: node-2, disk: hdd}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-3\n  labels: {kubernetes.io/hostname: node-3}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-a}\nspec:\n  capacity: {storage: 100Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local-storage\n  local: {path: /mnt/disks/ssd1}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-1]}]\n",
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv-b}\nspec:\n  capacity: {storage: 500Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: local-storage\n  local: {path: /mnt/disks/hdd1}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [node-2]}]\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: local-storage\n  resources: {requests: {storage: 50Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: archiver, namespace: default}\nspec:\n  nodeSelector: {disk: hdd}\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
        ),
        hints: &[
            "Read the pending message: one node has the wrong disk label, the others conflict with the volume's node affinity.",
            "Edit the StorageClass `local-storage`: `volumeBindingMode: WaitForFirstConsumer` lets the scheduler pick the node first.",
        ],
        solution: &[Step::Put {
            yaml: "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: local-storage}\nprovisioner: kubernetes.io/no-provisioner\nvolumeBindingMode: WaitForFirstConsumer\n",
            replacing: Some((Kind::StorageClass, "local-storage")),
        }],
        check: |sim| running(sim, "archiver"),
    },
    Lesson {
        id: "kind-provisioning",
        title: "5. Dynamic provisioning the kind way",
        goal: "kind's `standard` class (local-path) provisioned `data` on the node of the first pod, and pinned the volume there. `second` is forced onto the other node and cannot reach it. Make both pods run, still sharing `data`.",
        docs: "https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/",
        start: concat!(
            "# title: Lesson 5 — dynamic provisioning\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Delete\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker\n  labels: {kubernetes.io/hostname: kind-worker}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker2\n  labels: {kubernetes.io/hostname: kind-worker2}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: first, namespace: default}\nspec:\n  nodeSelector: {kubernetes.io/hostname: kind-worker}\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: second, namespace: default}\nspec:\n  nodeSelector: {kubernetes.io/hostname: kind-worker2}\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
        ),
        hints: &[
            "Select the volume: its node affinity names one node (`local.path.provisioner/selected-node`).",
            "A local-path volume exists on one node only. Remove `second`'s nodeSelector (Edit YAML) so it can go where the data is.",
        ],
        solution: &[Step::Put {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: second, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n",
            replacing: Some((Kind::Pod, "default/second")),
        }],
        check: |sim| running(sim, "first") && running(sim, "second"),
    },
    Lesson {
        id: "zones",
        title: "6. Zones: a zonal volume rules out other zones",
        goal: "`db`'s volume lives in zone-a, but the pod asks for zone-b: VolumeZone rejects every node. Make `db` run with its data. Then add a StatefulSet `web` of two replicas whose claims come from the class `zonal` (topology-aware: WaitForFirstConsumer, allowedTopologies zone-a and zone-b), spread one per zone with maxSkew 1.",
        docs: "https://kubernetes.io/docs/setup/best-practices/multiple-zones/#storage-access-for-zones",
        start: concat!(
            "# title: Lesson 6 — zones\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: zonal}\nprovisioner: ebs.csi.aws.com\nvolumeBindingMode: WaitForFirstConsumer\nallowedTopologies:\n- matchLabelExpressions:\n  - {key: topology.kubernetes.io/zone, values: [zone-a, zone-b]}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\n  labels: {kubernetes.io/hostname: node-a, topology.kubernetes.io/zone: zone-a}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-b\n  labels: {kubernetes.io/hostname: node-b, topology.kubernetes.io/zone: zone-b}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: disk-a\n  labels: {topology.kubernetes.io/zone: zone-a}\nspec:\n  capacity: {storage: 10Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  csi: {driver: disk.csi.example.com, volumeHandle: disk-a}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}]\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: db-data, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  volumeName: disk-a\n  resources: {requests: {storage: 10Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: default}\nspec:\n  nodeSelector: {topology.kubernetes.io/zone: zone-b}\n  containers: [{name: app, image: postgres}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: db-data}}]\n",
        ),
        hints: &[
            "The verdict table shows VolumeZone (or VolumeBinding's node affinity) failing on node-a's zone neighbours and NodeAffinity on the others.",
            "Disks do not move between zones: point `db`'s nodeSelector at zone-a.",
            "+ Add… → StatefulSet: name `web`, 2 replicas, “Spread across zones” checked, claim template class `zonal`. Each claim is provisioned in the zone of the node its pod was scheduled to.",
        ],
        solution: &[Step::Put {
            yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: default}\nspec:\n  nodeSelector: {topology.kubernetes.io/zone: zone-a}\n  containers: [{name: app, image: postgres}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: db-data}}]\n",
            replacing: Some((Kind::Pod, "default/db")),
        },
        Step::Put {
            yaml: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web, namespace: default}\nspec:\n  serviceName: web\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      topologySpreadConstraints:\n      - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}\n      containers: [{name: app, image: nginx}]\n  volumeClaimTemplates:\n  - metadata: {name: www}\n    spec:\n      accessModes: [ReadWriteOnce]\n      storageClassName: zonal\n      resources: {requests: {storage: 1Gi}}\n",
            replacing: None,
        }],
        check: |sim| running(sim, "db") && stateful_set_spread(sim, "web", 2),
    },
    Lesson {
        id: "reclaim",
        title: "7. Reclaim and protection",
        goal: "`app` uses two claims: `keep` (a hand-made volume with reclaim policy Retain) and `scratch` (provisioned by local-path, reclaim policy Delete). Delete both claims while `app` still uses them (they stay Terminating: pvc-protection), then delete `app`. In the end `keep-pv` must be Released (and will not bind again), the scratch volume deleted, and both claims gone.",
        docs: "https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming",
        start: concat!(
            "# title: Lesson 7 — reclaim and protection\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: keep-pv}\nspec:\n  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: \"\"\n  hostPath: {path: /srv/keep}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: keep, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: \"\"\n  resources: {requests: {storage: 5Gi}}\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: standard}\nprovisioner: rancher.io/local-path\nvolumeBindingMode: WaitForFirstConsumer\nreclaimPolicy: Delete\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: scratch, namespace: default}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: standard\n  resources: {requests: {storage: 1Gi}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: default}\nspec:\n  terminationGracePeriodSeconds: 10\n  containers: [{name: app, image: busybox}]\n  volumes:\n  - {name: data, persistentVolumeClaim: {claimName: keep}}\n  - {name: tmp, persistentVolumeClaim: {claimName: scratch}}\n",
        ),
        hints: &[
            "Select the claim and press “kubectl delete”: it stays Terminating while the pod runs.",
            "Then “kubectl delete” the pod: after its grace period the claim goes, and Retain leaves the volume Released (with its claimRef, so it will not bind again).",
        ],
        solution: &[
            Step::Delete(Kind::PersistentVolumeClaim, "default/keep"),
            Step::Delete(Kind::PersistentVolumeClaim, "default/scratch"),
            Step::Delete(Kind::Pod, "default/app"),
        ],
        check: |sim| {
            let c = sim.cluster();
            c.pv("keep-pv").is_some_and(|pv| pv.phase == PvPhase::Released)
                && c.pvcs().is_empty()
                && c.pvs().len() == 1
        },
    },
    Lesson {
        id: "capacity-limits",
        title: "8. Capacity and attach limits",
        goal: "Three pods each need their own CSI volume, but node-1 may attach only two and node-2 reports no capacity for the class. Read the `0/2 nodes are available` histogram, then make every pod run.",
        docs: "https://kubernetes.io/docs/concepts/storage/storage-limits/",
        start: concat!(
            "# title: Lesson 8 — capacity and limits\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: disk.csi.example.com}\nspec: {storageCapacity: true}\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: disk.csi.example.com\nvolumeBindingMode: WaitForFirstConsumer\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  labels: {kubernetes.io/hostname: node-1, topology.kubernetes.io/zone: zone-a}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-2\n  labels: {kubernetes.io/hostname: node-2, topology.kubernetes.io/zone: zone-b}\nstatus:\n  allocatable: {cpu: \"4\", memory: 8Gi, pods: \"110\"}\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {name: node-1}\nspec:\n  drivers:\n  - {name: disk.csi.example.com, nodeID: node-1, allocatable: {count: 2}, topologyKeys: [topology.kubernetes.io/zone]}\n",
            "---\napiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {name: fast-zone-a, namespace: default}\nstorageClassName: fast\ncapacity: 100Gi\nnodeTopology:\n  matchLabels: {topology.kubernetes.io/zone: zone-a}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c1, namespace: default}\nspec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 10Gi}}}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c2, namespace: default}\nspec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 10Gi}}}\n",
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c3, namespace: default}\nspec: {accessModes: [ReadWriteOnce], storageClassName: fast, resources: {requests: {storage: 10Gi}}}\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p1, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: c1}}]\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p2, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: c2}}]\n",
            "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p3, namespace: default}\nspec:\n  containers: [{name: app, image: busybox}]\n  volumes: [{name: data, persistentVolumeClaim: {claimName: c3}}]\n",
        ),
        hints: &[
            "The third pod's message counts node-1 as “exceed max volume count” and node-2 as “did not have enough free storage”.",
            "Raise node-1's attach limit (Edit YAML on the CSINode: `allocatable: {count: 3}`), or publish capacity for zone-b.",
        ],
        solution: &[Step::Put {
            yaml: "apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {name: node-1}\nspec:\n  drivers:\n  - {name: disk.csi.example.com, nodeID: node-1, allocatable: {count: 3}, topologyKeys: [topology.kubernetes.io/zone]}\n",
            replacing: Some((Kind::CSINode, "node-1")),
        }],
        check: all_running,
    },
];

pub fn lesson(id: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.id == id)
}

/// Where finished lessons are remembered (`localStorage`, comma-separated ids).
pub const PROGRESS_KEY: &str = "bindery.tutorial.done.v1";

pub fn parse_progress(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|id| lesson(id).is_some())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{run, MAX_FRAMES};

    fn settled(s: &Scenario) -> Simulation {
        crate::script::accept(s.clone(), MAX_FRAMES).unwrap_or_else(|e| panic!("{e}"));
        run(s, MAX_FRAMES).last().clone()
    }

    #[test]
    fn every_lesson_starts_unsolved_and_its_solution_solves_it() {
        assert_eq!(LESSONS.len(), 8);
        for l in LESSONS {
            let start = l.start_scenario();
            assert!(!start.docs.is_empty(), "{}: the start does not parse", l.id);
            let sim = settled(&start);
            assert!(!l.solved(&sim), "{}: solved before any step", l.id);
            let mut s = start;
            for step in l.solution {
                s = step.apply(&s).unwrap_or_else(|e| panic!("{}: {e}", l.id));
            }
            let sim = settled(&s);
            assert!(
                l.solved(&sim),
                "{}: the solution does not solve it\n{}",
                l.id,
                sim.log().render()
            );
            assert!(!l.hints.is_empty() && l.docs.starts_with("https://kubernetes.io/"));
        }
    }

    #[test]
    fn solution_steps_through_the_reducer_solve_every_lesson() {
        for l in LESSONS {
            let mut state = crate::state::AppState::new(l.start_scenario());
            for step in l.solution {
                state = state.apply(step.action().expect("an action"));
                assert!(
                    state.dialog_errors.is_empty(),
                    "{}: {:?}",
                    l.id,
                    state.dialog_errors
                );
            }
            assert!(l.solved(state.run.last()), "{}", l.id);
        }
        assert_eq!(parse_progress("zones, nope,reclaim"), ["zones", "reclaim"]);
    }

    #[test]
    fn lesson_3_without_retain_loses_the_disk_and_is_not_solved() {
        // Deleting the claim under reclaim policy Delete deletes the volume; applying the
        // volume object again afterwards is a new volume, so the lesson is not solved.
        let l = lesson("rwop-migration").unwrap();
        let mut s = l.start_scenario();
        for step in &l.solution[1..3] {
            s = step.apply(&s).unwrap();
        }
        let sim = settled(&s);
        assert!(
            sim.cluster().pv("data-pv").is_none(),
            "the Delete reclaim removed it"
        );
        for step in &l.solution[3..] {
            s = step.apply(&s).unwrap();
        }
        let sim = settled(&s);
        assert!(
            running(&sim, "app") && claim_modes(&sim, "data") == [AccessMode::ReadWriteOncePod]
        );
        assert!(
            !l.solved(&sim),
            "a re-created volume object is not the migrated disk"
        );
    }

    #[test]
    fn lesson_3_by_hand_with_kubectl_edit_text() {
        // What a person does in the UI: set Retain, delete pod and claim, open "kubectl edit" on the
        // volume (its live text carries claimRef.uid), remove the uid, switch the mode, and
        // apply the claim and pod again from their last versions with the mode changed.
        let l = lesson("rwop-migration").unwrap();
        let mut state = crate::state::AppState::new(l.start_scenario());
        // Retain first (the solution's first step), then delete the pod and the claim.
        for step in &l.solution[..3] {
            state = state.apply(step.action().unwrap());
        }
        let pv = (Kind::PersistentVolume, ObjectKey::parse("data-pv", false));
        let text = crate::script::apply_text(&state.scenario, state.run.last(), Some(&pv));
        assert!(
            text.contains("claimRef:") && text.contains("  uid: "),
            "{text}"
        );
        let edited: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("uid:"))
            .map(|line| {
                format!(
                    "{}\n",
                    line.replace("- ReadWriteOnce", "- ReadWriteOncePod")
                )
            })
            .collect();
        state = state.apply(crate::state::Action::KubectlApply(edited));
        assert!(state.dialog_errors.is_empty(), "{:?}", state.dialog_errors);
        let released = state.run.last().cluster().pv("data-pv").unwrap().phase;
        assert_eq!(
            released,
            PvPhase::Available,
            "reserved for the claim's name"
        );
        let gone = crate::script::gone_objects(&state.scenario, state.run.last());
        assert_eq!(gone.len(), 2, "{gone:?}");
        for id in gone {
            let text = crate::script::apply_text(&state.scenario, state.run.last(), Some(&id))
                .replace("- ReadWriteOnce\n", "- ReadWriteOncePod\n");
            state = state.apply(crate::state::Action::KubectlApply(text));
            assert!(state.dialog_errors.is_empty(), "{:?}", state.dialog_errors);
        }
        assert!(l.solved(state.run.last()));
    }

    #[test]
    fn the_lessons_show_what_they_promise() {
        // Lesson 1: switching to RWOP alone leaves the reader with the upstream message.
        let l = lesson("access-modes").unwrap();
        let s = l.solution[0].apply(&l.start_scenario()).unwrap();
        let sim = settled(&s);
        let reader = sim
            .cluster()
            .pod(&ObjectKey::new("default", "reader"))
            .unwrap();
        assert!(reader
            .condition("PodScheduled")
            .unwrap()
            .message
            .contains("ReadWriteOncePod access mode already in-use by another pod"));
        // Lesson 3: mixing RWOP with another mode is refused by validation.
        let l = lesson("rwop-migration").unwrap();
        let mixed = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: data-pv}\nspec:\n  capacity: {storage: 10Gi}\n  accessModes: [ReadWriteOnce, ReadWriteOncePod]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: \"\"\n  csi: {driver: disk.csi.example.com, volumeHandle: vol-1}\n";
        let step = Step::Apply { yaml: mixed };
        let s = step.apply(&l.start_scenario()).unwrap();
        let err = crate::script::accept(s, 2).unwrap_err().to_string();
        assert!(
            err.contains("may not use ReadWriteOncePod with other access modes"),
            "{err}"
        );
        // The same through the reducer: the dialog shows it and nothing changes.
        let state = crate::state::AppState::new(l.start_scenario()).apply(
            crate::state::Action::Open(crate::state::Dialog::KubectlApply(None)),
        );
        let after = state.apply(step.action().unwrap());
        assert!(
            after
                .dialog_errors
                .iter()
                .any(|e| e.contains("may not use ReadWriteOncePod")),
            "{:?}",
            after.dialog_errors
        );
        assert_eq!(after.scenario, state.scenario);
        // Rewriting the start instead of migrating live does not count.
        let mut rewritten = l.start_scenario();
        for (kind, name) in [
            (Kind::PersistentVolume, "data-pv"),
            (Kind::PersistentVolumeClaim, "default/data"),
        ] {
            let key = ObjectKey::parse(name, kind.namespaced());
            let i = rewritten.index_of(kind, &key).unwrap();
            let yaml = rewritten.docs[i]
                .to_yaml()
                .replace("- ReadWriteOnce\n", "- ReadWriteOncePod\n");
            let m = bindery_core::scenario::parse(&yaml)
                .manifests
                .remove(0)
                .manifest;
            rewritten = rewritten.with_object(m, None);
        }
        let sim = settled(&rewritten);
        assert!(
            running(&sim, "app") && claim_modes(&sim, "data") == [AccessMode::ReadWriteOncePod]
        );
        assert!(!l.solved(&sim), "the old claim was never deleted");
        // Lesson 8: the histogram names both reasons.
        let l = lesson("capacity-limits").unwrap();
        let sim = settled(&l.start_scenario());
        let pending = sim
            .cluster()
            .pods()
            .values()
            .find(|p| p.status.phase != PodPhase::Running)
            .unwrap();
        let msg = &pending.condition("PodScheduled").unwrap().message;
        assert!(msg.starts_with("0/2 nodes are available"), "{msg}");
    }
}
