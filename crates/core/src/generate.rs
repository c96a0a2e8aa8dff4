//! Large, realistic scenarios for benchmarks and stress tests (`bindery generate`).
//!
//! - `csi-pvs`: scheduler_perf's SchedulingCSIPVs — nodes with 4 CPU / 32Gi / 110 pods and
//!   a CSINode limit of 39 `ebs.csi.aws.com` attachments; every pod (100m / 500Mi) uses its
//!   own claim, pre-bound to its own CSI volume.
//! - `storage-mix`: nodes in three zones; pods (with low/medium/high priorities) use static
//!   local PVs (WaitForFirstConsumer), kind-style local-path provisioning, zonal CSI
//!   provisioning, or no volume; 10% of claims are ReadWriteOncePod, some of them shared
//!   by two pods.
//! - `statefulsets`: nodes in three zones and StatefulSets of 20 replicas (the last one
//!   takes the remainder), each spreading over the zones with maxSkew 1 and stamping a
//!   claim per pod from a zonal CSI class that waits for the first consumer.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use k8s_openapi::api::storage::v1 as storage;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use crate::model::well_known;
use crate::rng::SimRng;
use crate::scenario::Manifest;

/// The shapes `generate` knows.
pub const SHAPES: &[&str] = &["csi-pvs", "storage-mix", "statefulsets"];
/// Replicas per StatefulSet in the `statefulsets` shape.
pub const STATEFULSET_REPLICAS: usize = 20;

pub const CSI_DRIVER: &str = "ebs.csi.aws.com";
pub const CSI_ATTACH_LIMIT: i32 = 39;
pub const ZONES: [&str; 3] = ["zone-0", "zone-1", "zone-2"];

pub fn generate(
    shape: &str,
    nodes: usize,
    pods: usize,
    seed: u64,
) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    generate_into(shape, nodes, pods, seed, &mut |m| out.push(m))?;
    Ok(out)
}

/// Streams the objects, each after the ones it refers to, without holding them all (a
/// typed k8s-openapi Pod is a few kilobytes; 150,000 of them would not fit the budget).
pub fn generate_into(
    shape: &str,
    nodes: usize,
    pods: usize,
    seed: u64,
    emit: &mut dyn FnMut(Manifest),
) -> Result<(), String> {
    match shape {
        "csi-pvs" => csi_pvs(nodes, pods, emit),
        "storage-mix" => storage_mix(nodes, pods, seed, emit),
        "statefulsets" => stateful_sets(nodes, pods, emit),
        other => {
            return Err(format!(
                "unknown shape {other:?}; expected one of: {}",
                SHAPES.join(", ")
            ))
        }
    }
    Ok(())
}

fn meta(name: &str, namespace: Option<&str>) -> metav1::ObjectMeta {
    metav1::ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        ..Default::default()
    }
}

fn q(s: &str) -> Quantity {
    Quantity(s.to_string())
}

fn node(name: &str, cpu: &str, memory: &str, zone: Option<&str>) -> Manifest {
    let mut labels = BTreeMap::from([(well_known::LABEL_HOSTNAME.to_string(), name.to_string())]);
    if let Some(z) = zone {
        labels.insert(well_known::LABEL_ZONE.into(), z.into());
        labels.insert(well_known::LABEL_REGION.into(), "region-0".into());
    }
    let alloc = BTreeMap::from([
        ("cpu".to_string(), q(cpu)),
        ("memory".to_string(), q(memory)),
        ("pods".to_string(), q("110")),
    ]);
    Manifest::Node(Box::new(core::Node {
        metadata: metav1::ObjectMeta {
            labels: Some(labels),
            ..meta(name, None)
        },
        status: Some(core::NodeStatus {
            allocatable: Some(alloc.clone()),
            capacity: Some(alloc),
            ..Default::default()
        }),
        ..Default::default()
    }))
}

fn csi_node(name: &str, driver: &str, count: i32) -> Manifest {
    Manifest::CSINode(Box::new(storage::CSINode {
        metadata: meta(name, None),
        spec: storage::CSINodeSpec {
            drivers: vec![storage::CSINodeDriver {
                name: driver.to_string(),
                node_id: name.to_string(),
                allocatable: Some(storage::VolumeNodeResources { count: Some(count) }),
                topology_keys: Some(vec![well_known::LABEL_ZONE.to_string()]),
            }],
        },
    }))
}

fn pod(
    name: &str,
    cpu: &str,
    memory: &str,
    claim: Option<&str>,
    priority_class: Option<&str>,
) -> Manifest {
    let requests = BTreeMap::from([
        ("cpu".to_string(), q(cpu)),
        ("memory".to_string(), q(memory)),
    ]);
    Manifest::Pod(Box::new(core::Pod {
        metadata: meta(name, Some("default")),
        spec: Some(core::PodSpec {
            priority_class_name: priority_class.map(str::to_string),
            containers: vec![core::Container {
                name: "pause".into(),
                image: Some("registry.k8s.io/pause:3.10".into()),
                resources: Some(core::ResourceRequirements {
                    requests: Some(requests),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            volumes: claim.map(|c| {
                vec![core::Volume {
                    name: "data".into(),
                    persistent_volume_claim: Some(core::PersistentVolumeClaimVolumeSource {
                        claim_name: c.to_string(),
                        read_only: None,
                    }),
                    ..Default::default()
                }]
            }),
            ..Default::default()
        }),
        status: None,
    }))
}

fn pvc(name: &str, class: &str, size: &str, mode: &str, volume: Option<&str>) -> Manifest {
    Manifest::PersistentVolumeClaim(Box::new(core::PersistentVolumeClaim {
        metadata: meta(name, Some("default")),
        spec: Some(core::PersistentVolumeClaimSpec {
            access_modes: Some(vec![mode.to_string()]),
            storage_class_name: Some(class.to_string()),
            volume_name: volume.map(str::to_string),
            resources: Some(core::VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_string(), q(size))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        status: None,
    }))
}

fn storage_class(name: &str, provisioner: &str, default: bool) -> Manifest {
    let annotations = default.then(|| {
        BTreeMap::from([(
            well_known::ANN_DEFAULT_STORAGE_CLASS.to_string(),
            "true".to_string(),
        )])
    });
    Manifest::StorageClass(Box::new(storage::StorageClass {
        metadata: metav1::ObjectMeta {
            annotations,
            ..meta(name, None)
        },
        provisioner: provisioner.to_string(),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        reclaim_policy: Some("Delete".into()),
        ..Default::default()
    }))
}

/// scheduler_perf SchedulingCSIPVs.
fn csi_pvs(nodes: usize, pods: usize, out: &mut dyn FnMut(Manifest)) {
    for i in 0..nodes {
        let name = format!("node-{i}");
        out(node(&name, "4", "32Gi", None));
        out(csi_node(&name, CSI_DRIVER, CSI_ATTACH_LIMIT));
    }
    for i in 0..pods {
        let pv_name = format!("pv-{i}");
        let claim = format!("pvc-{i}");
        out(Manifest::PersistentVolume(Box::new(
            core::PersistentVolume {
                metadata: meta(&pv_name, None),
                spec: Some(core::PersistentVolumeSpec {
                    capacity: Some(BTreeMap::from([("storage".to_string(), q("1Gi"))])),
                    access_modes: Some(vec!["ReadWriteOnce".into()]),
                    persistent_volume_reclaim_policy: Some("Retain".into()),
                    storage_class_name: Some(String::new()),
                    claim_ref: Some(core::ObjectReference {
                        namespace: Some("default".into()),
                        name: Some(claim.clone()),
                        ..Default::default()
                    }),
                    csi: Some(core::CSIPersistentVolumeSource {
                        driver: CSI_DRIVER.into(),
                        volume_handle: format!("vol-{i:08x}"),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                status: None,
            },
        )));
        out(pvc(&claim, "", "1Gi", "ReadWriteOnce", Some(&pv_name)));
        out(pod(
            &format!("pod-{i}"),
            "100m",
            "500Mi",
            Some(&claim),
            None,
        ));
    }
}

/// StatefulSets with zonal volume claim templates.
fn stateful_sets(nodes: usize, pods: usize, out: &mut dyn FnMut(Manifest)) {
    use k8s_openapi::api::apps::v1 as apps;
    let mut class = storage_class("zonal", CSI_DRIVER, true);
    if let Manifest::StorageClass(sc) = &mut class {
        sc.allowed_topologies = Some(vec![core::TopologySelectorTerm {
            match_label_expressions: Some(vec![core::TopologySelectorLabelRequirement {
                key: well_known::LABEL_ZONE.into(),
                values: ZONES.iter().map(|z| z.to_string()).collect(),
            }]),
        }]);
    }
    out(class);
    for i in 0..nodes {
        out(node(
            &format!("node-{i}"),
            "4",
            "32Gi",
            Some(ZONES[i % ZONES.len()]),
        ));
    }
    let sets = pods.div_ceil(STATEFULSET_REPLICAS);
    for s in 0..sets {
        let name = format!("db-{s}");
        let replicas = (pods - s * STATEFULSET_REPLICAS).min(STATEFULSET_REPLICAS) as i32;
        let labels = BTreeMap::from([("app".to_string(), name.clone())]);
        let Manifest::Pod(template_pod) = pod("template", "100m", "500Mi", None, None) else {
            continue;
        };
        let mut spec = template_pod.spec.unwrap_or_default();
        spec.topology_spread_constraints = Some(vec![core::TopologySpreadConstraint {
            max_skew: 1,
            topology_key: well_known::LABEL_ZONE.into(),
            when_unsatisfiable: "DoNotSchedule".into(),
            label_selector: Some(metav1::LabelSelector {
                match_labels: Some(labels.clone()),
                ..Default::default()
            }),
            ..Default::default()
        }]);
        out(Manifest::StatefulSet(Box::new(apps::StatefulSet {
            metadata: meta(&name, Some("default")),
            spec: Some(apps::StatefulSetSpec {
                replicas: Some(replicas),
                service_name: Some(name.clone()),
                selector: metav1::LabelSelector {
                    match_labels: Some(labels.clone()),
                    ..Default::default()
                },
                template: core::PodTemplateSpec {
                    metadata: Some(metav1::ObjectMeta {
                        labels: Some(labels),
                        ..Default::default()
                    }),
                    spec: Some(spec),
                },
                volume_claim_templates: Some(vec![core::PersistentVolumeClaim {
                    metadata: metav1::ObjectMeta {
                        name: Some("data".into()),
                        ..Default::default()
                    },
                    spec: Some(core::PersistentVolumeClaimSpec {
                        access_modes: Some(vec!["ReadWriteOnce".into()]),
                        storage_class_name: Some("zonal".into()),
                        resources: Some(core::VolumeResourceRequirements {
                            requests: Some(BTreeMap::from([("storage".to_string(), q("10Gi"))])),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    status: None,
                }]),
                ..Default::default()
            }),
            status: None,
        })));
    }
}

/// Mixed storage on a zoned cluster.
fn storage_mix(nodes: usize, pods: usize, seed: u64, out: &mut dyn FnMut(Manifest)) {
    let mut rng = SimRng::new(seed);
    for (name, value) in [("low", 100), ("medium", 1000), ("high", 10000)] {
        out(Manifest::PriorityClass(Box::new(PriorityClass {
            metadata: meta(name, None),
            value: Some(value),
            ..Default::default()
        })));
    }
    out(Manifest::StorageClass(Box::new(storage::StorageClass {
        metadata: meta("local-storage", None),
        provisioner: well_known::PROVISIONER_NONE.into(),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        reclaim_policy: Some("Retain".into()),
        ..Default::default()
    })));
    out(storage_class(
        "standard",
        well_known::PROVISIONER_LOCAL_PATH,
        true,
    ));
    out(storage_class("zonal-ssd", CSI_DRIVER, false));
    let mut node_names = Vec::with_capacity(nodes);
    for i in 0..nodes {
        let name = format!("node-{i}");
        let zone = ZONES[i % ZONES.len()];
        out(node(&name, "16", "64Gi", Some(zone)));
        out(csi_node(&name, CSI_DRIVER, CSI_ATTACH_LIMIT));
        node_names.push(name);
    }
    let mut local_pv = 0usize;
    let mut rwop_shared: Option<String> = None;
    for i in 0..pods {
        let priority = match rng.index(10) {
            0 => "high",
            1..=3 => "medium",
            _ => "low",
        };
        let kind = rng.index(10);
        let rwop = rng.index(10) == 0;
        let mode = if rwop {
            "ReadWriteOncePod"
        } else {
            "ReadWriteOnce"
        };
        let claim = format!("data-{i}");
        let claim_ref = match kind {
            0 => None,
            1..=3 => {
                // A static local disk on some node, a little larger than asked for.
                if node_names.is_empty() {
                    None
                } else {
                    let host = &node_names[rng.index(node_names.len())];
                    let pv_name = format!("local-pv-{local_pv}");
                    local_pv += 1;
                    out(local_pv_manifest(&pv_name, host, "20Gi", mode));
                    out(pvc(&claim, "local-storage", "10Gi", mode, None));
                    Some(claim.clone())
                }
            }
            4..=6 => {
                out(pvc(&claim, "standard", "5Gi", mode, None));
                Some(claim.clone())
            }
            _ => {
                out(pvc(&claim, "zonal-ssd", "10Gi", mode, None));
                Some(claim.clone())
            }
        };
        // Every tenth RWOP claim is wanted by a second pod as well.
        let mut claim_ref = claim_ref;
        if rwop && claim_ref.is_some() {
            if let Some(shared) = rwop_shared.take() {
                claim_ref = Some(shared);
            } else if rng.index(10) == 0 {
                rwop_shared = claim_ref.clone();
            }
        }
        out(pod(
            &format!("pod-{i}"),
            "100m",
            "256Mi",
            claim_ref.as_deref(),
            Some(priority),
        ));
    }
}

fn local_pv_manifest(name: &str, host: &str, size: &str, mode: &str) -> Manifest {
    Manifest::PersistentVolume(Box::new(core::PersistentVolume {
        metadata: meta(name, None),
        spec: Some(core::PersistentVolumeSpec {
            capacity: Some(BTreeMap::from([("storage".to_string(), q(size))])),
            access_modes: Some(vec![mode.to_string()]),
            persistent_volume_reclaim_policy: Some("Retain".into()),
            storage_class_name: Some("local-storage".into()),
            local: Some(core::LocalVolumeSource {
                path: format!("/mnt/disks/{name}"),
                fs_type: None,
            }),
            node_affinity: Some(core::VolumeNodeAffinity {
                required: Some(core::NodeSelector {
                    node_selector_terms: vec![core::NodeSelectorTerm {
                        match_expressions: Some(vec![core::NodeSelectorRequirement {
                            key: well_known::LABEL_HOSTNAME.into(),
                            operator: "In".into(),
                            values: Some(vec![host.to_string()]),
                        }]),
                        match_fields: None,
                    }],
                }),
            }),
            ..Default::default()
        }),
        status: None,
    }))
}
