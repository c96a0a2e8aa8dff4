//! Read-only views of a simulation for people and programs: the JSON contract the CLI
//! prints (and checks outside this repository rely on), and kubectl-like tables.

use serde_json::{json, Value};

use crate::events::AggregatedEvent;
use crate::model::{Pod, PodPhase};
use crate::quantity::format_bytes;
use crate::sim::Simulation;

fn pod_json(p: &Pod) -> Value {
    json!({
        "namespace": &*p.meta.namespace,
        "name": &*p.meta.name,
        "uid": p.meta.uid.to_string(),
        "nodeName": p.spec.node_name.as_deref(),
        "phase": p.status.phase.as_str(),
        "nominatedNodeName": p.status.nominated_node_name.as_deref(),
        "preempted": p.status.preempted,
        "terminating": p.meta.deletion.is_some() && !p.is_deleted(),
        "priority": p.spec.priority,
        "controlledBy": p.meta.controller().map(|o| json!({"kind": o.kind, "name": &*o.name})),
        "conditions": p.status.conditions.iter().map(|c| json!({
            "type": c.type_.as_str(),
            "status": c.status.as_str(),
            "reason": c.reason.as_str(),
            "message": &*c.message,
        })).collect::<Vec<_>>(),
    })
}

fn event_json(e: &AggregatedEvent) -> Value {
    json!({
        "type": e.event.type_.as_str(),
        "reason": e.event.reason,
        "involvedObject": {
            "kind": e.event.object.kind.as_str(),
            "namespace": &*e.event.object.namespace,
            "name": &*e.event.object.name,
        },
        "message": &*e.event.message,
        "count": e.count,
        "source": e.event.source,
        "firstSeconds": e.first.millis() as f64 / 1000.0,
        "lastSeconds": e.last.millis() as f64 / 1000.0,
    })
}

/// The `bindery run --output json` document.
pub fn json_report(sim: &Simulation) -> Value {
    let c = sim.cluster();
    let mut pods: Vec<&Pod> = c.pods().values().map(|p| p.as_ref()).collect();
    pods.extend(c.deleted_pods.iter().map(|p| p.as_ref()));
    crate::sort::sort_by(&mut pods, |a, b| {
        (&a.meta.namespace, &a.meta.name, a.meta.arrival).cmp(&(
            &b.meta.namespace,
            &b.meta.name,
            b.meta.arrival,
        ))
    });
    json!({
        "kubernetesVersion": sim.version().name,
        "seed": sim.seed(),
        "simulatedSeconds": sim.now().millis() as f64 / 1000.0,
        "steps": sim.steps(),
        "nodes": c.nodes.values().map(|n| {
            let info = sim.scheduler_cache().node(n.name());
            json!({
                "name": n.name(),
                "zone": n.zone(),
                "unschedulable": n.unschedulable,
                "pods": info.map(|i| i.pods.len()).unwrap_or(0),
            })
        }).collect::<Vec<_>>(),
        "pods": pods.iter().map(|p| pod_json(p)).collect::<Vec<_>>(),
        "persistentVolumeClaims": c.pvcs().values().map(|pvc| json!({
            "namespace": &*pvc.meta.namespace,
            "name": &*pvc.meta.name,
            "phase": pvc.phase.as_str(),
            "volumeName": pvc.volume_name.as_deref(),
            "selectedNode": pvc.selected_node(),
            "storageClassName": pvc.storage_class_name.as_deref(),
            "accessModes": pvc.access_modes.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            "terminating": pvc.meta.deletion.is_some(),
        })).collect::<Vec<_>>(),
        "persistentVolumes": c.pvs().values().map(|pv| json!({
            "name": pv.name(),
            "phase": pv.phase.as_str(),
            "claimRef": pv.claim_ref.as_ref().map(|r| format!("{}/{}", r.namespace, r.name)),
            "storageClassName": &*pv.storage_class_name,
            "capacity": format_bytes(pv.capacity),
            "reclaimPolicy": pv.reclaim_policy.as_str(),
            "terminating": pv.meta.deletion.is_some(),
        })).collect::<Vec<_>>(),
        "workloads": workloads_json(sim),
        "events": sim.log().aggregated().iter().map(event_json).collect::<Vec<_>>(),
    })
}

/// StatefulSets, Deployments and ReplicaSets with their desired and observed replicas.
fn workloads_json(sim: &Simulation) -> Vec<Value> {
    let c = sim.cluster();
    let row =
        |kind: &str, meta: &crate::model::Meta, replicas: i32, s: &crate::model::WorkloadStatus| {
            json!({
                "kind": kind,
                "namespace": &*meta.namespace,
                "name": &*meta.name,
                "replicas": replicas,
                "currentReplicas": s.replicas,
                "readyReplicas": s.ready_replicas,
                "updatedReplicas": s.updated_replicas,
            })
        };
    let mut out = Vec::new();
    for s in c.stateful_sets.values() {
        out.push(row("StatefulSet", &s.meta, s.replicas, &s.status));
    }
    for d in c.deployments.values() {
        out.push(row("Deployment", &d.meta, d.replicas, &d.status));
    }
    for rs in c.replica_sets.values() {
        out.push(row("ReplicaSet", &rs.meta, rs.replicas, &rs.status));
    }
    out
}

fn table(rows: Vec<Vec<String>>) -> String {
    let cols = rows.first().map(Vec::len).unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{cell:<w$}", w = widths[i]))
            .collect();
        out.push_str(line.join("   ").trim_end());
        out.push('\n');
    }
    out
}

/// kubectl-like tables of nodes, pods, claims, volumes and events.
pub fn table_report(sim: &Simulation) -> String {
    let c = sim.cluster();
    let mut out = String::new();
    let mut rows = vec![vec![
        "NODE".into(),
        "ZONE".into(),
        "STATUS".into(),
        "PODS".into(),
    ]];
    for n in c.nodes.values() {
        rows.push(vec![
            n.name().to_string(),
            n.zone().unwrap_or("<none>").to_string(),
            if n.unschedulable {
                "Ready,SchedulingDisabled".into()
            } else {
                "Ready".into()
            },
            sim.scheduler_cache()
                .node(n.name())
                .map(|i| i.pods.len())
                .unwrap_or(0)
                .to_string(),
        ]);
    }
    out.push_str(&table(rows));
    out.push('\n');
    let mut rows = vec![vec![
        "NAMESPACE".into(),
        "POD".into(),
        "STATUS".into(),
        "NODE".into(),
        "NOMINATED NODE".into(),
    ]];
    let mut pods: Vec<&Pod> = c.pods().values().map(|p| p.as_ref()).collect();
    pods.extend(c.deleted_pods.iter().map(|p| p.as_ref()));
    for p in pods {
        let status = if p.is_deleted() {
            "Preempted".to_string()
        } else if p.meta.deletion.is_some() {
            "Terminating".to_string()
        } else if p.status.phase == PodPhase::Pending && p.spec.node_name.is_some() {
            "ContainerCreating".to_string()
        } else {
            p.status.phase.as_str().to_string()
        };
        rows.push(vec![
            p.meta.namespace.to_string(),
            p.meta.name.to_string(),
            status,
            p.spec.node_name.as_deref().unwrap_or("<none>").to_string(),
            p.status
                .nominated_node_name
                .as_deref()
                .unwrap_or("<none>")
                .to_string(),
        ]);
    }
    out.push_str(&table(rows));
    out.push('\n');
    let mut rows = vec![vec![
        "NAMESPACE".into(),
        "PVC".into(),
        "STATUS".into(),
        "VOLUME".into(),
        "ACCESS MODES".into(),
        "STORAGECLASS".into(),
    ]];
    for pvc in c.pvcs().values() {
        rows.push(vec![
            pvc.meta.namespace.to_string(),
            pvc.meta.name.to_string(),
            if pvc.meta.deletion.is_some() {
                "Terminating".into()
            } else {
                pvc.phase.as_str().to_string()
            },
            pvc.volume_name.as_deref().unwrap_or_default().to_string(),
            pvc.access_modes
                .iter()
                .map(|m| m.short())
                .collect::<Vec<_>>()
                .join(","),
            pvc.storage_class_name
                .as_deref()
                .unwrap_or_default()
                .to_string(),
        ]);
    }
    out.push_str(&table(rows));
    out.push('\n');
    let mut rows = vec![vec![
        "PV".into(),
        "CAPACITY".into(),
        "ACCESS MODES".into(),
        "RECLAIM POLICY".into(),
        "STATUS".into(),
        "CLAIM".into(),
        "STORAGECLASS".into(),
    ]];
    for pv in c.pvs().values() {
        rows.push(vec![
            pv.name().to_string(),
            format_bytes(pv.capacity),
            pv.access_modes
                .iter()
                .map(|m| m.short())
                .collect::<Vec<_>>()
                .join(","),
            pv.reclaim_policy.as_str().to_string(),
            if pv.meta.deletion.is_some() {
                "Terminating".into()
            } else {
                pv.phase.as_str().to_string()
            },
            pv.claim_ref
                .as_ref()
                .map(|r| format!("{}/{}", r.namespace, r.name))
                .unwrap_or_default(),
            pv.storage_class_name.to_string(),
        ]);
    }
    out.push_str(&table(rows));
    out.push('\n');
    let mut rows = vec![vec![
        "LAST SEEN".into(),
        "TYPE".into(),
        "REASON".into(),
        "OBJECT".into(),
        "MESSAGE".into(),
    ]];
    for e in sim.log().aggregated() {
        let seen = if e.count > 1 {
            format!("{} (x{})", e.last, e.count)
        } else {
            e.last.to_string()
        };
        rows.push(vec![
            seen,
            e.event.type_.as_str().to_string(),
            e.event.reason.to_string(),
            format!(
                "{}/{}",
                e.event.object.kind.as_str().to_lowercase(),
                e.event.object.name
            ),
            e.event.message.to_string(),
        ]);
    }
    out.push_str(&table(rows));
    out
}
