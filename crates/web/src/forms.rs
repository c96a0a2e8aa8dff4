//! The "add an object" forms: their fields with sensible defaults, and the manifest YAML
//! a filled-in form becomes. The engine then validates that YAML like any other input,
//! so the forms never need rules of their own.

use bindery_core::model::{well_known, Kind};
use bindery_core::Simulation;

/// What the form posted: name → values (checkbox groups have several).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    pub fn push(&mut self, k: impl Into<String>, v: impl Into<String>) {
        self.0.push((k.into(), v.into()));
    }

    /// Replaces every value of `k` with `v`.
    pub fn set(&mut self, k: &str, v: impl Into<String>) {
        self.0.retain(|(n, _)| n != k);
        self.push(k, v);
    }

    pub fn get(&self, k: &str) -> String {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }

    pub fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn checked(&self, k: &str) -> bool {
        self.get(k) == "true"
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    Text {
        value: String,
        placeholder: String,
    },
    Number {
        value: i64,
    },
    Select {
        options: Vec<(String, String)>,
        selected: String,
    },
    Checks {
        options: Vec<(String, String)>,
        checked: Vec<String>,
    },
    Check {
        checked: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub help: String,
    pub input: Input,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FormSpec {
    pub fields: Vec<Field>,
}

impl FormSpec {
    /// The form as the person last submitted it: each field shows what was posted instead
    /// of its default. A rejected form is drawn again with the engine's message; Yew keeps
    /// an input's value in step with the one it was given, so drawing the defaults again
    /// would throw away what was typed.
    pub fn refilled(&self, posted: &FormValues) -> FormSpec {
        let raw = |name: &str| {
            posted
                .0
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let fields = self
            .fields
            .iter()
            .map(|f| {
                let mut f = f.clone();
                match &mut f.input {
                    Input::Text { value, .. } => {
                        if let Some(v) = raw(f.name) {
                            *value = v;
                        }
                    }
                    // A number field posts "" for text it cannot read; keep the default then.
                    Input::Number { value } => {
                        if let Some(v) = raw(f.name).and_then(|v| v.trim().parse().ok()) {
                            *value = v;
                        }
                    }
                    Input::Select { selected, .. } => {
                        if let Some(v) = raw(f.name) {
                            *selected = v;
                        }
                    }
                    Input::Checks { checked, .. } => *checked = posted.all(f.name),
                    Input::Check { checked } => *checked = posted.checked(f.name),
                }
                f
            })
            .collect();
        FormSpec { fields }
    }
}

fn text(name: &'static str, label: &str, value: &str, help: &str) -> Field {
    Field {
        name,
        label: label.to_string(),
        help: help.to_string(),
        input: Input::Text {
            value: value.to_string(),
            placeholder: String::new(),
        },
    }
}

fn select(
    name: &'static str,
    label: &str,
    options: &[(&str, &str)],
    selected: &str,
    help: &str,
) -> Field {
    Field {
        name,
        label: label.to_string(),
        help: help.to_string(),
        input: Input::Select {
            options: options
                .iter()
                .map(|(v, l)| (v.to_string(), l.to_string()))
                .collect(),
            selected: selected.to_string(),
        },
    }
}

fn modes(checked: &[&str]) -> Field {
    Field {
        name: "accessModes",
        label: "Access modes".to_string(),
        help: String::new(),
        input: Input::Checks {
            options: [
                ("ReadWriteOnce", "ReadWriteOnce (RWO)"),
                ("ReadOnlyMany", "ReadOnlyMany (ROX)"),
                ("ReadWriteMany", "ReadWriteMany (RWX)"),
                ("ReadWriteOncePod", "ReadWriteOncePod (RWOP)"),
            ]
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect(),
            checked: checked.iter().map(|s| s.to_string()).collect(),
        },
    }
}

fn check(name: &'static str, label: &str, checked: bool) -> Field {
    Field {
        name,
        label: label.to_string(),
        help: String::new(),
        input: Input::Check { checked },
    }
}

/// The priority-class choices: none, or any class with its value.
fn priority_options(sim: &Simulation) -> Vec<(String, String)> {
    std::iter::once((String::new(), "(none)".to_string()))
        .chain(sim.cluster().priority_classes.values().map(|pc| {
            (
                pc.meta.name.to_string(),
                format!("{} ({})", pc.meta.name, pc.value),
            )
        }))
        .collect()
}

/// `storageClassName:` at `indent`, or nothing for “(default)” (the admission plugin
/// fills in the default class).
fn class_line(v: &FormValues, indent: &str) -> String {
    let class = v.get("storageClassName");
    if class == "<default>" {
        String::new()
    } else {
        format!("{indent}storageClassName: {}\n", q(&class))
    }
}

/// A name like `prefix-N` that nothing of that kind uses yet.
fn fresh(prefix: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|i| format!("{prefix}-{i}"))
        .find(|n| !taken(n))
        .unwrap_or_else(|| prefix.to_string())
}

/// The form for `kind`, pre-filled with values that work in the current cluster.
pub fn defaults(kind: Kind, sim: &Simulation) -> FormSpec {
    let c = sim.cluster();
    let classes: Vec<(String, String)> = c
        .storage_classes
        .values()
        .map(|sc| {
            (
                sc.meta.name.to_string(),
                format!("{} ({})", sc.meta.name, sc.provisioner),
            )
        })
        .collect();
    let nodes: Vec<String> = c.nodes.keys().cloned().collect();
    let fields = match kind {
        Kind::Node => {
            let zone = c
                .nodes
                .values()
                .filter_map(|n| n.label(well_known::LABEL_ZONE))
                .next()
                .unwrap_or("zone-a")
                .to_string();
            vec![
                text("name", "Name", &fresh("node", |n| c.nodes.contains_key(n)), ""),
                text("zone", "Zone (topology.kubernetes.io/zone)", &zone, "Leave empty for a node without a zone."),
                text("cpu", "Allocatable cpu", "4", ""),
                text("memory", "Allocatable memory", "16Gi", ""),
                text("pods", "Allocatable pods", "110", ""),
                text("attachLimit", "CSI attach limit (CSINode)", "", "Optional: adds a CSINode for disk.csi.example.com with this count."),
            ]
        }
        Kind::StorageClass => vec![
            text("name", "Name", &fresh("class", |n| c.storage_classes.contains_key(n)), ""),
            select(
                "provisioner",
                "Provisioner",
                &[
                    (well_known::PROVISIONER_LOCAL_PATH, "rancher.io/local-path (kind's standard: a hostPath volume on the chosen node)"),
                    ("disk.csi.example.com", "disk.csi.example.com (a zonal CSI driver)"),
                    (well_known::PROVISIONER_NONE, "kubernetes.io/no-provisioner (static volumes only)"),
                ],
                well_known::PROVISIONER_LOCAL_PATH,
                "",
            ),
            select(
                "volumeBindingMode",
                "Volume binding mode",
                &[("WaitForFirstConsumer", "WaitForFirstConsumer"), ("Immediate", "Immediate")],
                "WaitForFirstConsumer",
                "WaitForFirstConsumer binds after the scheduler picks a node.",
            ),
            select("reclaimPolicy", "Reclaim policy", &[("Delete", "Delete"), ("Retain", "Retain")], "Delete", ""),
            check("allowVolumeExpansion", "Allow volume expansion", false),
            check("default", "Default class", c.default_storage_class().is_none()),
        ],
        Kind::PersistentVolume => {
            let mut node_options: Vec<(String, String)> = vec![(String::new(), "(none: no node affinity)".to_string())];
            node_options.extend(nodes.iter().map(|n| (n.clone(), n.clone())));
            let first_class = classes.first().map(|c| c.0.clone()).unwrap_or_default();
            vec![
                text("name", "Name", &fresh("pv", |n| c.pv(n).is_some()), ""),
                text("capacity", "Capacity", "10Gi", ""),
                modes(&["ReadWriteOnce"]),
                Field {
                    name: "storageClassName",
                    label: "StorageClass".to_string(),
                    help: "Must match the claims that should bind to it.".to_string(),
                    input: Input::Select {
                        options: std::iter::once((String::new(), "\"\" (no class)".to_string()))
                            .chain(classes.iter().cloned())
                            .collect(),
                        selected: first_class,
                    },
                },
                select(
                    "source",
                    "Source",
                    &[("local", "local (a disk on one node)"), ("hostPath", "hostPath"), ("csi", "csi (disk.csi.example.com)")],
                    "local",
                    "",
                ),
                Field {
                    name: "node",
                    label: "Pinned to node (local volumes need one)".to_string(),
                    help: String::new(),
                    input: Input::Select {
                        selected: nodes.first().cloned().unwrap_or_default(),
                        options: node_options,
                    },
                },
                select("reclaimPolicy", "Reclaim policy", &[("Retain", "Retain"), ("Delete", "Delete")], "Retain", ""),
            ]
        }
        Kind::PersistentVolumeClaim => vec![
            text("name", "Name", &fresh("claim", |n| c.pvc_by("default", n).is_some()), ""),
            text("namespace", "Namespace", "default", ""),
            text("request", "Request", "1Gi", ""),
            modes(&["ReadWriteOnce"]),
            Field {
                name: "storageClassName",
                label: "StorageClass".to_string(),
                help: "“(default)” leaves the field out so the default class is assigned; \"\" asks for no class.".to_string(),
                input: Input::Select {
                    options: [("<default>".to_string(), "(default)".to_string()), (String::new(), "\"\" (none)".to_string())]
                        .into_iter()
                        .chain(classes.iter().cloned())
                        .collect(),
                    selected: "<default>".to_string(),
                },
            },
        ],
        Kind::Pod => {
            let prio = priority_options(sim);
            let claims: Vec<(String, String)> = c
                .pvcs()
                .keys()
                .filter(|k| &*k.namespace == "default")
                .map(|k| (k.name.to_string(), k.name.to_string()))
                .collect();
            vec![
                text("name", "Name", &fresh("pod", |n| c.pod(&bindery_core::model::ObjectKey::new("default", n)).is_some()), ""),
                text("namespace", "Namespace", "default", ""),
                text("cpu", "cpu request", "100m", ""),
                text("memory", "memory request", "128Mi", ""),
                Field {
                    name: "claims",
                    label: "Volumes from claims".to_string(),
                    help: String::new(),
                    input: Input::Checks {
                        options: claims,
                        checked: Vec::new(),
                    },
                },
                text(
                    "scratch",
                    "Ephemeral volume size",
                    "",
                    "Optional, e.g. 1Gi: a generic ephemeral volume `scratch`; the ephemeral volume controller creates the claim <pod>-scratch (default class, ReadWriteOnce) and deletes it with the pod.",
                ),
                Field {
                    name: "priorityClassName",
                    label: "Priority class".to_string(),
                    help: String::new(),
                    input: Input::Select {
                        options: prio,
                        selected: String::new(),
                    },
                },
                // Not `nodeName`: a form control named like a DOM property shadows it
                // (`form.nodeName` would be the input).
                text("assignedNode", "nodeName (skips the scheduler)", "", "Optional."),
                text("zone", "Node selector: zone", "", "Optional: topology.kubernetes.io/zone."),
            ]
        }
        Kind::StatefulSet | Kind::Deployment => {
            let priority = Field {
                name: "priorityClassName",
                label: "Priority class".to_string(),
                help: String::new(),
                input: Input::Select { options: priority_options(sim), selected: String::new() },
            };
            let taken = |n: &str| {
                let k = bindery_core::model::ObjectKey::new("default", n);
                c.stateful_sets.contains_key(&k) || c.deployments.contains_key(&k)
            };
            let mut fields = vec![
                text("name", "Name", &fresh(if kind == Kind::StatefulSet { "db" } else { "web" }, taken), ""),
                text("namespace", "Namespace", "default", ""),
                Field {
                    name: "replicas",
                    label: "Replicas".to_string(),
                    help: String::new(),
                    input: Input::Number { value: if kind == Kind::StatefulSet { 3 } else { 2 } },
                },
                text("cpu", "cpu request per pod", "100m", ""),
                text("memory", "memory request per pod", "128Mi", ""),
                check("spreadZones", "Spread across zones (maxSkew 1, DoNotSchedule)", kind == Kind::StatefulSet),
            ];
            if kind == Kind::StatefulSet {
                fields.extend([
                    select(
                        "podManagementPolicy",
                        "Pod management",
                        &[("OrderedReady", "OrderedReady (one at a time, in order)"), ("Parallel", "Parallel")],
                        "OrderedReady",
                        "",
                    ),
                    Field {
                        name: "storageClassName",
                        label: "Claim template: StorageClass".to_string(),
                        help: "Each pod gets its own claim <template>-<set>-<ordinal>.".to_string(),
                        input: Input::Select {
                            options: std::iter::once(("<default>".to_string(), "(default)".to_string()))
                                .chain(classes.iter().cloned())
                                .collect(),
                            selected: "<default>".to_string(),
                        },
                    },
                    text("request", "Claim template: request", "1Gi", ""),
                    select(
                        "accessMode",
                        "Claim template: access mode",
                        &[("ReadWriteOnce", "ReadWriteOnce (RWO)"), ("ReadWriteOncePod", "ReadWriteOncePod (RWOP)"), ("ReadWriteMany", "ReadWriteMany (RWX)")],
                        "ReadWriteOnce",
                        "",
                    ),
                    select("whenScaled", "Claims on scale-down (whenScaled)", &[("Retain", "Retain"), ("Delete", "Delete")], "Retain", ""),
                    select("whenDeleted", "Claims when the set is deleted (whenDeleted)", &[("Retain", "Retain"), ("Delete", "Delete")], "Retain", ""),
                ]);
            } else {
                let mut claims: Vec<(String, String)> = vec![(String::new(), "(none)".to_string())];
                claims.extend(
                    c.pvcs()
                        .keys()
                        .filter(|k| &*k.namespace == "default")
                        .map(|k| (k.name.to_string(), k.name.to_string())),
                );
                fields.extend([
                    select(
                        "strategy",
                        "Strategy",
                        &[("RollingUpdate", "RollingUpdate (25% surge / 25% unavailable)"), ("Recreate", "Recreate")],
                        "RollingUpdate",
                        "",
                    ),
                    Field {
                        name: "claim",
                        label: "Shared claim (every replica mounts it)".to_string(),
                        help: "With ReadWriteOncePod only one replica can run.".to_string(),
                        input: Input::Select { options: claims, selected: String::new() },
                    },
                ]);
            }
            fields.push(priority);
            fields
        }
        Kind::PriorityClass => vec![
            text("name", "Name", &fresh("priority", |n| c.priority_classes.contains_key(n)), ""),
            Field {
                name: "value",
                label: "Value".to_string(),
                help: String::new(),
                input: Input::Number { value: 1000 },
            },
            select(
                "preemptionPolicy",
                "Preemption policy",
                &[("PreemptLowerPriority", "PreemptLowerPriority"), ("Never", "Never")],
                "PreemptLowerPriority",
                "",
            ),
            check("globalDefault", "Global default", false),
        ],
        _ => Vec::new(),
    };
    FormSpec { fields }
}

/// A string as a YAML scalar that reads back as exactly that string.
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn required(v: &FormValues, name: &str, what: &str) -> Result<String, String> {
    let s = v.get(name);
    if s.is_empty() {
        Err(format!("{what}: Required value"))
    } else {
        Ok(s)
    }
}

/// The manifest(s) a filled-in form stands for, as YAML (a Node with an attach limit
/// also gets its CSINode, in a second document).
pub fn manifest_yaml(kind: Kind, v: &FormValues) -> Result<String, String> {
    let name = required(v, "name", "metadata.name")?;
    Ok(match kind {
        Kind::Node => {
            let mut labels = format!("    kubernetes.io/hostname: {}\n", q(&name));
            let zone = v.get("zone");
            if !zone.is_empty() {
                labels.push_str(&format!("    {}: {}\n", well_known::LABEL_ZONE, q(&zone)));
            }
            let mut y = format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: {}\n  labels:\n{labels}status:\n  allocatable: {{cpu: {}, memory: {}, pods: {}}}\n  capacity: {{cpu: {}, memory: {}, pods: {}}}\n",
                q(&name),
                q(&v.get("cpu")), q(&v.get("memory")), q(&v.get("pods")),
                q(&v.get("cpu")), q(&v.get("memory")), q(&v.get("pods")),
            );
            let limit = v.get("attachLimit");
            if !limit.is_empty() {
                let count: i64 = limit
                    .parse()
                    .map_err(|_| format!("attach limit: {limit:?} is not a whole number"))?;
                y.push_str(&format!(
                    "---\napiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata:\n  name: {}\nspec:\n  drivers:\n  - name: disk.csi.example.com\n    nodeID: {}\n    allocatable: {{count: {count}}}\n    topologyKeys: [{}]\n",
                    q(&name),
                    q(&name),
                    well_known::LABEL_ZONE
                ));
            }
            y
        }
        Kind::StorageClass => {
            let mut y = format!(
                "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: {}\n",
                q(&name)
            );
            if v.checked("default") {
                y.push_str(
                    "  annotations:\n    storageclass.kubernetes.io/is-default-class: \"true\"\n",
                );
            }
            y.push_str(&format!(
                "provisioner: {}\nvolumeBindingMode: {}\nreclaimPolicy: {}\n",
                q(&v.get("provisioner")),
                q(&v.get("volumeBindingMode")),
                q(&v.get("reclaimPolicy"))
            ));
            if v.checked("allowVolumeExpansion") {
                y.push_str("allowVolumeExpansion: true\n");
            }
            y
        }
        Kind::PersistentVolume => {
            let modes = v.all("accessModes");
            let node = v.get("node");
            let source = match v.get("source").as_str() {
                "local" => format!("  local: {{path: {}}}\n", q(&format!("/mnt/disks/{name}"))),
                "hostPath" => format!(
                    "  hostPath: {{path: {}}}\n",
                    q(&format!("/var/lib/bindery/{name}"))
                ),
                _ => format!(
                    "  csi: {{driver: disk.csi.example.com, volumeHandle: {}}}\n",
                    q(&name)
                ),
            };
            let affinity = if node.is_empty() {
                String::new()
            } else {
                format!(
                    "  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions:\n        - {{key: kubernetes.io/hostname, operator: In, values: [{}]}}\n",
                    q(&node)
                )
            };
            format!(
                "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {}\nspec:\n  capacity: {{storage: {}}}\n  accessModes: [{}]\n  storageClassName: {}\n  persistentVolumeReclaimPolicy: {}\n{source}{affinity}",
                q(&name),
                q(&v.get("capacity")),
                modes.iter().map(|m| q(m)).collect::<Vec<_>>().join(", "),
                q(&v.get("storageClassName")),
                q(&v.get("reclaimPolicy")),
            )
        }
        Kind::PersistentVolumeClaim => {
            let class_line = class_line(v, "  ");
            format!(
                "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {}\n  namespace: {}\nspec:\n  accessModes: [{}]\n{class_line}  resources:\n    requests: {{storage: {}}}\n",
                q(&name),
                q(&v.get("namespace")),
                v.all("accessModes").iter().map(|m| q(m)).collect::<Vec<_>>().join(", "),
                q(&v.get("request")),
            )
        }
        Kind::Pod => {
            let claims = v.all("claims");
            let mut y = format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {}\n  namespace: {}\nspec:\n  containers:\n  - name: app\n    image: registry.k8s.io/pause:3.10\n    resources:\n      requests: {{cpu: {}, memory: {}}}\n",
                q(&name),
                q(&v.get("namespace")),
                q(&v.get("cpu")),
                q(&v.get("memory")),
            );
            let scratch = v.get("scratch");
            if !claims.is_empty() || !scratch.is_empty() {
                y.push_str("    volumeMounts:\n");
                for (i, _) in claims.iter().enumerate() {
                    y.push_str(&format!("    - {{name: vol-{i}, mountPath: /data/{i}}}\n"));
                }
                if !scratch.is_empty() {
                    y.push_str("    - {name: scratch, mountPath: /scratch}\n");
                }
                y.push_str("  volumes:\n");
                for (i, c) in claims.iter().enumerate() {
                    y.push_str(&format!(
                        "  - name: vol-{i}\n    persistentVolumeClaim: {{claimName: {}}}\n",
                        q(c)
                    ));
                }
                if !scratch.is_empty() {
                    y.push_str(&format!(
                        "  - name: scratch\n    ephemeral:\n      volumeClaimTemplate:\n        spec:\n          accessModes: [ReadWriteOnce]\n          resources: {{requests: {{storage: {}}}}}\n",
                        q(&scratch)
                    ));
                }
            }
            let prio = v.get("priorityClassName");
            if !prio.is_empty() {
                y.push_str(&format!("  priorityClassName: {}\n", q(&prio)));
            }
            let node = v.get("assignedNode");
            if !node.is_empty() {
                y.push_str(&format!("  nodeName: {}\n", q(&node)));
            }
            let zone = v.get("zone");
            if !zone.is_empty() {
                y.push_str(&format!(
                    "  nodeSelector: {{{}: {}}}\n",
                    well_known::LABEL_ZONE,
                    q(&zone)
                ));
            }
            y
        }
        Kind::PriorityClass => {
            let value: i64 = v
                .get("value")
                .parse()
                .map_err(|_| format!("value: {:?} is not a whole number", v.get("value")))?;
            format!(
                "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: {}\nvalue: {value}\npreemptionPolicy: {}\nglobalDefault: {}\n",
                q(&name),
                q(&v.get("preemptionPolicy")),
                v.checked("globalDefault"),
            )
        }
        Kind::StatefulSet | Kind::Deployment => workload_yaml(kind, &name, v)?,
        other => return Err(format!("{other} has no form; use “Any kind, as YAML”")),
    })
}

/// A StatefulSet (with a claim template) or a Deployment (optionally mounting one shared
/// claim), labelled `app: <name>`.
fn workload_yaml(kind: Kind, name: &str, v: &FormValues) -> Result<String, String> {
    let replicas: i64 = v
        .get("replicas")
        .parse()
        .map_err(|_| format!("replicas: {:?} is not a whole number", v.get("replicas")))?;
    let app = q(name);
    let mut pod_spec = String::new();
    let prio = v.get("priorityClassName");
    if !prio.is_empty() {
        pod_spec.push_str(&format!("      priorityClassName: {}\n", q(&prio)));
    }
    if v.checked("spreadZones") {
        pod_spec.push_str(&format!(
            "      topologySpreadConstraints:\n      - maxSkew: 1\n        topologyKey: {}\n        whenUnsatisfiable: DoNotSchedule\n        labelSelector:\n          matchLabels: {{app: {app}}}\n",
            well_known::LABEL_ZONE
        ));
    }
    pod_spec.push_str(&format!(
        "      containers:\n      - name: app\n        image: registry.k8s.io/pause:3.10\n        resources:\n          requests: {{cpu: {}, memory: {}}}\n",
        q(&v.get("cpu")),
        q(&v.get("memory"))
    ));
    let head = |kind: &str| {
        format!(
            "apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {app}\n  namespace: {}\nspec:\n  replicas: {replicas}\n",
            q(&v.get("namespace"))
        )
    };
    let selector_and_labels =
        format!("  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n    spec:\n");
    Ok(if kind == Kind::StatefulSet {
        let class_line = class_line(v, "      ");
        format!(
            "{}  serviceName: {app}\n  podManagementPolicy: {}\n  persistentVolumeClaimRetentionPolicy:\n    whenScaled: {}\n    whenDeleted: {}\n{selector_and_labels}{pod_spec}        volumeMounts:\n        - {{name: data, mountPath: /data}}\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [{}]\n{class_line}      resources:\n        requests: {{storage: {}}}\n",
            head("StatefulSet"),
            q(&v.get("podManagementPolicy")),
            q(&v.get("whenScaled")),
            q(&v.get("whenDeleted")),
            q(&v.get("accessMode")),
            q(&v.get("request")),
        )
    } else {
        let claim = v.get("claim");
        let volumes = if claim.is_empty() {
            String::new()
        } else {
            format!(
                "        volumeMounts:\n        - {{name: data, mountPath: /data}}\n      volumes:\n      - name: data\n        persistentVolumeClaim: {{claimName: {}}}\n",
                q(&claim)
            )
        };
        format!(
            "{}  strategy:\n    type: {}\n{selector_and_labels}{pod_spec}{volumes}",
            head("Deployment"),
            q(&v.get("strategy")),
        )
    })
}

/// What the "any kind" editor starts with.
pub const YAML_TEMPLATE: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: keep-one\n  namespace: default\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels: {app: web}\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::Scenario;

    /// Every kind with a form, in an order where each one's defaults find what they name.
    const FORM_KINDS: [Kind; 8] = [
        Kind::Node,
        Kind::StorageClass,
        Kind::PriorityClass,
        Kind::PersistentVolume,
        Kind::PersistentVolumeClaim,
        Kind::Pod,
        Kind::StatefulSet,
        Kind::Deployment,
    ];

    fn values(pairs: &[(&str, &str)]) -> FormValues {
        let mut v = FormValues::default();
        for (k, val) in pairs {
            v.push(*k, *val);
        }
        v
    }

    fn form_defaults(kind: Kind, sim: &Simulation) -> FormValues {
        posted(defaults(kind, sim))
    }

    /// What the browser posts for the form as drawn.
    fn posted(spec: FormSpec) -> FormValues {
        let mut v = FormValues::default();
        for f in spec.fields {
            match f.input {
                Input::Text { value, .. } => v.push(f.name, value),
                Input::Number { value } => v.push(f.name, value.to_string()),
                Input::Select { selected, .. } => v.push(f.name, selected),
                Input::Checks { checked, .. } => {
                    checked.into_iter().for_each(|c| v.push(f.name, c))
                }
                Input::Check { checked } => {
                    if checked {
                        v.push(f.name, "true")
                    }
                }
            }
        }
        v
    }

    /// A rejected form comes back as it was posted: reading the refilled form posts the
    /// same values again, typed mistakes and cleared checkboxes included.
    #[test]
    fn a_refilled_form_posts_what_was_posted() {
        let sim = crate::script::run(&Scenario::builtin("rwop-preemption").unwrap(), 2)
            .last()
            .clone();
        for kind in FORM_KINDS {
            let spec = defaults(kind, &sim);
            let as_drawn = form_defaults(kind, &sim);
            assert_eq!(
                spec.refilled(&as_drawn),
                spec,
                "{kind}: defaults refill as themselves"
            );
            // Every text field mistyped, every checkbox cleared.
            let mut edited = FormValues::default();
            for f in &spec.fields {
                match &f.input {
                    Input::Text { .. } => edited.push(f.name, format!("ten gigs of {}", f.name)),
                    Input::Number { value } => edited.push(f.name, (value + 1).to_string()),
                    Input::Select { selected, .. } => edited.push(f.name, selected.clone()),
                    Input::Checks { .. } | Input::Check { .. } => {}
                }
            }
            assert_eq!(posted(spec.refilled(&edited)), edited, "{kind}");
        }
    }

    /// Every form, submitted with its defaults, yields manifests the engine accepts.
    #[test]
    fn default_forms_build_valid_objects_in_sequence() {
        let mut scenario = Scenario::empty();
        for kind in FORM_KINDS {
            let sim = crate::script::run(&scenario, 2).last().clone();
            let yaml = manifest_yaml(kind, &form_defaults(kind, &sim)).unwrap();
            let parsed = bindery_core::scenario::parse(&yaml);
            assert!(
                parsed.errors.is_empty() && parsed.warnings.is_empty(),
                "{kind}: {:?} {:?}\n{yaml}",
                parsed.errors,
                parsed.warnings
            );
            for d in parsed.manifests {
                scenario = scenario.with_object(d.manifest, None);
            }
            crate::script::accept(scenario.clone(), 2)
                .unwrap_or_else(|e| panic!("{kind}: {e}\n{yaml}"));
        }
        assert_eq!(scenario.docs.len(), 8);
        // The workloads made their pods (and the StatefulSet its claims).
        let sim = crate::script::run(&scenario, 2).last().clone();
        assert_eq!(sim.cluster().stateful_sets.len(), 1);
        assert_eq!(sim.cluster().deployments.len(), 1);
        assert!(sim
            .cluster()
            .pvcs()
            .keys()
            .any(|k| &*k.name == "data-db-1-0"));
    }

    #[test]
    fn names_and_values_are_quoted_so_yaml_cannot_misread_them() {
        let y = manifest_yaml(
            Kind::Node,
            &values(&[
                ("name", "yes"),
                ("zone", "on"),
                ("cpu", "4"),
                ("memory", "1Gi"),
                ("pods", "10"),
            ]),
        )
        .unwrap();
        let parsed = bindery_core::scenario::parse(&y);
        assert_eq!(parsed.manifests[0].manifest.key().name.as_ref(), "yes");
        assert!(manifest_yaml(Kind::Node, &values(&[]))
            .unwrap_err()
            .contains("Required value"));
    }

    /// The pod form's ephemeral volume: the controller makes `<pod>-scratch`, owned by the
    /// pod; a bad size comes back as the engine's field error.
    #[test]
    fn a_pod_with_an_ephemeral_volume_gets_its_claim() {
        let scenario = Scenario::builtin("local-path-provisioning").unwrap();
        let sim = crate::script::run(&scenario, 2).last().clone();
        let mut v = form_defaults(Kind::Pod, &sim);
        v.set("name", "scratchy");
        v.set("scratch", "2Gi");
        let yaml = manifest_yaml(Kind::Pod, &v).unwrap();
        let parsed = bindery_core::scenario::parse(&yaml);
        assert!(parsed.errors.is_empty(), "{:?}\n{yaml}", parsed.errors);
        let mut with_pod = scenario.clone();
        for d in parsed.manifests {
            with_pod = with_pod.with_object(d.manifest, None);
        }
        let sim = crate::script::run(&with_pod, 2).last().clone();
        let claim = sim
            .cluster()
            .pvc_by("default", "scratchy-scratch")
            .expect("the ephemeral claim");
        let pod = sim
            .cluster()
            .pod(&bindery_core::model::ObjectKey::new("default", "scratchy"))
            .unwrap();
        assert_eq!(claim.meta.controller().map(|o| &o.uid), Some(&pod.meta.uid));
        v.set("scratch", "lots");
        let bad = bindery_core::scenario::parse(&manifest_yaml(Kind::Pod, &v).unwrap());
        let err = crate::script::accept(
            bad.manifests
                .into_iter()
                .fold(scenario, |s, d| s.with_object(d.manifest, None)),
            2,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("ephemeral.volumeClaimTemplate.spec.resources.requests"),
            "{err}"
        );
    }

    #[test]
    fn a_node_with_an_attach_limit_brings_its_csinode() {
        let y = manifest_yaml(
            Kind::Node,
            &values(&[
                ("name", "n1"),
                ("cpu", "4"),
                ("memory", "1Gi"),
                ("pods", "10"),
                ("attachLimit", "2"),
            ]),
        )
        .unwrap();
        let parsed = bindery_core::scenario::parse(&y);
        assert_eq!(parsed.manifests.len(), 2);
        assert_eq!(parsed.manifests[1].manifest.kind(), Kind::CSINode);
    }
}
