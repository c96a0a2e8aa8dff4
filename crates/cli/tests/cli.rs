//! The `bindery` command line as users and scripts see it.

use std::process::{Command, Output};

fn bindery(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bindery"))
        .args(args)
        .output()
        .expect("run bindery")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bindery-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn json_output_keeps_the_contract() {
    let o = bindery(&[
        "run",
        "builtin:rwop-preemption",
        "--output",
        "json",
        "--seed",
        "3",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["kubernetesVersion"], "v1.36");
    for pod in v["pods"].as_array().unwrap() {
        for k in [
            "namespace",
            "name",
            "nodeName",
            "phase",
            "nominatedNodeName",
            "preempted",
            "conditions",
        ] {
            assert!(pod.get(k).is_some(), "pod lacks {k}: {pod}");
        }
        for c in pod["conditions"].as_array().unwrap() {
            for k in ["type", "status", "reason", "message"] {
                assert!(c.get(k).is_some());
            }
        }
    }
    let victim = v["pods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "batch-holder")
        .unwrap();
    assert_eq!(victim["preempted"], true);
    for pvc in v["persistentVolumeClaims"].as_array().unwrap() {
        for k in ["namespace", "name", "phase", "volumeName", "selectedNode"] {
            assert!(pvc.get(k).is_some());
        }
    }
    for pv in v["persistentVolumes"].as_array().unwrap() {
        for k in ["name", "phase", "claimRef"] {
            assert!(pv.get(k).is_some());
        }
    }
    let preempted = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["reason"] == "Preempted")
        .unwrap();
    assert_eq!(preempted["involvedObject"]["kind"], "Pod");
    assert_eq!(preempted["involvedObject"]["namespace"], "default");
    assert_eq!(preempted["involvedObject"]["name"], "batch-holder");
    assert_eq!(preempted["count"], 1);
    assert_eq!(preempted["type"], "Normal");
}

#[test]
fn invalid_input_exits_2_with_file_doc_and_path() {
    let path = temp_file(
        "bad.yaml",
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec:\n  accessModes: [ReadWriteOnce, ReadWriteOncePod]\n  resources: {requests: {storage: 1Gi}}\n",
    );
    let o = bindery(&["run", path.to_str().unwrap(), "--output", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim(),
        format!(
            "{}:doc 2: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes",
            path.display()
        )
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn malformed_yaml_and_bad_quantities_never_panic() {
    for (name, text) in [
        ("syntax.yaml", "a: [1, 2\n"),
        ("quantity.yaml", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: lots}}\n"),
        ("type.yaml", "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: p}\nvalue: high\n"),
    ] {
        let path = temp_file(name, text);
        let o = bindery(&["run", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
        assert!(stderr(&o).starts_with(&format!("{}:doc 1:", path.display())), "{}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"));
    }
    let o = bindery(&["run", "/no/such/file.yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unsupported_kinds_are_skipped_with_a_warning() {
    let path = temp_file(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: web}\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n",
    );
    let o = bindery(&["run", path.to_str().unwrap(), "--output", "json"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("DaemonSet (apps/v1) is not supported by Bindery; skipped"));
}

#[test]
fn explain_shows_the_verdict_table() {
    let o = bindery(&[
        "explain",
        "builtin:rwop-conflict",
        "--pod",
        "default/writer-2",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("VolumeRestrictions"), "{out}");
    assert!(out.contains("node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod"));
    assert!(out.contains("PodScheduled=False (Unschedulable)"));
    let o = bindery(&["explain", "builtin:rwop-conflict", "--pod", "nope"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn events_output_is_the_stable_log() {
    let a = bindery(&["run", "builtin:local-pv-wffc", "--output", "events"]);
    let b = bindery(&["run", "builtin:local-pv-wffc", "--output", "events"]);
    assert_eq!(stdout(&a), stdout(&b));
    assert!(stdout(&a).contains(
        "Normal  Scheduled Pod/default/archiver: Successfully assigned default/archiver to node-2"
    ));
}

#[test]
fn generate_prints_yaml_that_runs() {
    let o = bindery(&[
        "generate", "--nodes", "5", "--pods", "10", "--shape", "csi-pvs",
    ]);
    assert!(o.status.success());
    let path = temp_file("gen.yaml", &stdout(&o));
    let r = bindery(&["run", path.to_str().unwrap(), "--output", "json"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let v: serde_json::Value = serde_json::from_str(&stdout(&r)).unwrap();
    let placed = v["pods"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["nodeName"].is_null())
        .count();
    assert_eq!(placed, 10);
    let bad = bindery(&["generate", "--nodes", "1", "--pods", "1", "--shape", "nope"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn yaml_outputs_reimport_cleanly() {
    for output in ["yaml", "scenario-yaml"] {
        let o = bindery(&[
            "run",
            "builtin:topology-aware-provisioning",
            "--output",
            output,
        ]);
        assert!(o.status.success());
        let path = temp_file(&format!("{output}.yaml"), &stdout(&o));
        let r = bindery(&["run", path.to_str().unwrap(), "--output", "json"]);
        assert!(r.status.success(), "{output}: {}", stderr(&r));
        assert!(stderr(&r).is_empty(), "{output}: {}", stderr(&r));
    }
}

#[test]
fn scenarios_lists_the_builtins() {
    let o = bindery(&["scenarios"]);
    let out = stdout(&o);
    for id in [
        "rwop-conflict",
        "local-pv-wffc",
        "attach-limits-and-capacity",
    ] {
        assert!(out.contains(id));
    }
    let show = bindery(&["scenarios", "--show", "rwop-conflict"]);
    assert!(stdout(&show).contains("kind: PersistentVolumeClaim"));
}
