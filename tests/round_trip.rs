//! Export → import gives the same state; exports parse back without warnings; the schema
//! check with `kubernetes-validate --strict` (PyPI) passes on every export.

use std::collections::BTreeMap;
use std::process::Command;

use bindery_core::model::Kind;
use bindery_core::scenario::builtin;
use bindery_core::scenario::export::{scenario_yaml, state_yaml};
use bindery_core::scenario::parse;
use bindery_core::Simulation;
use bindery_tests::{run_builtin, run_yaml, tests_dir, GOLDEN_SEED};

/// Where each pod runs and what each claim is bound to.
fn placement(sim: &Simulation) -> BTreeMap<String, String> {
    let c = sim.cluster();
    let mut out = BTreeMap::new();
    for p in c.pods().values() {
        out.insert(
            format!("pod {}", p.meta.key()),
            format!("{:?} {}", p.spec.node_name, p.status.phase.as_str()),
        );
    }
    for pvc in c.pvcs().values() {
        out.insert(
            format!("pvc {}", pvc.meta.key()),
            format!("{:?} {}", pvc.volume_name, pvc.phase.as_str()),
        );
    }
    for pv in c.pvs().values() {
        out.insert(
            format!("pv {}", pv.name()),
            format!(
                "{:?} {}",
                pv.claim_ref
                    .as_ref()
                    .map(|r| format!("{}/{}", r.namespace, r.name)),
                pv.phase.as_str()
            ),
        );
    }
    out
}

#[test]
fn state_export_reimports_to_the_same_state() {
    for b in builtin::all() {
        let run = run_builtin(b.id, GOLDEN_SEED);
        let yaml = state_yaml(&run.sim);
        let parsed = parse(&yaml);
        assert!(parsed.errors.is_empty(), "{}: {:?}", b.id, parsed.errors);
        assert!(
            parsed.warnings.is_empty(),
            "{}: {:?}",
            b.id,
            parsed.warnings
        );
        let again = run_yaml(&yaml, GOLDEN_SEED);
        assert_eq!(placement(&run.sim), placement(&again), "{}", b.id);
        // And exporting the re-imported state is a fixed point.
        assert_eq!(
            placement(&again),
            placement(&run_yaml(&state_yaml(&again), 9)),
            "{}",
            b.id
        );
    }
}

#[test]
fn scenario_export_replays_the_same_story() {
    for b in builtin::all()
        .into_iter()
        .filter(|b| b.text.then.is_empty())
    {
        let run = run_builtin(b.id, GOLDEN_SEED);
        let yaml = scenario_yaml(&run.sim);
        let replay = run_yaml(&yaml, GOLDEN_SEED);
        assert_eq!(placement(&run.sim), placement(&replay), "{}", b.id);
    }
}

/// `python3 -m kubernetes_validate` (PyPI `kubernetes-validate`), if installed.
fn kubernetes_validate() -> Option<Command> {
    let ok = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then(|| {
        let mut c = Command::new("python3");
        c.args(["-m", "kubernetes_validate"]);
        c
    })
}

#[test]
fn exports_pass_the_kubernetes_openapi_schema() {
    let Some(mut tool) = kubernetes_validate() else {
        if std::env::var_os("BINDERY_SKIP_SCHEMA_CHECK").is_some() {
            eprintln!("kubernetes-validate not installed; schema check skipped on request");
            return;
        }
        panic!("kubernetes-validate is not installed: run the README test command (it installs it with pip), or set BINDERY_SKIP_SCHEMA_CHECK=1");
    };
    let dir = tests_dir().join("../target/exports");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for b in builtin::all() {
        let run = run_builtin(b.id, GOLDEN_SEED);
        for (what, yaml) in [
            ("scenario", scenario_yaml(&run.sim)),
            ("state", state_yaml(&run.sim)),
        ] {
            let path = dir.join(format!("{}.{what}.yaml", b.id));
            std::fs::write(&path, yaml).unwrap();
            files.push(path);
        }
    }
    for shape in ["storage-mix", "statefulsets"] {
        let generated = bindery_core::generate::generate(shape, 6, 30, 1).unwrap();
        let path = dir.join(format!("generated-{shape}.yaml"));
        std::fs::write(
            &path,
            bindery_core::scenario::export::to_yaml_documents(&generated),
        )
        .unwrap();
        files.push(path);
    }
    let out = tool
        .args(["--strict", "--kubernetes-version", "1.36.0"])
        .args(&files)
        .output()
        .expect("run kubernetes-validate");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "kubernetes-validate --strict failed:\n{stdout}\n{stderr}"
    );
}

#[test]
fn one_object_exports_as_in_the_whole_state_and_edit_text_reapplies() {
    use bindery_core::scenario::export::{edit_yaml, state_manifest, state_manifests};
    for b in builtin::all() {
        let run = run_builtin(b.id, GOLDEN_SEED);
        for m in state_manifests(&run.sim) {
            let (kind, key) = (m.kind(), m.key());
            assert_eq!(
                state_manifest(&run.sim, kind, &key).as_ref(),
                Some(&m),
                "{}: {kind} {key}",
                b.id
            );
            // `kubectl edit` saved without a change is accepted and changes nothing the
            // scheduler or the controllers see.
            let text = edit_yaml(&run.sim, kind, &key).unwrap();
            assert!(!text.contains("\nstatus:") || kind == Kind::Node, "{text}");
            let parsed = parse(&text);
            assert!(parsed.errors.is_empty(), "{}: {:?}", b.id, parsed.errors);
            let mut sim = run.sim.clone();
            sim.apply(&parsed.manifests[0].manifest)
                .unwrap_or_else(|e| panic!("{}: {kind} {key}: {e}", b.id));
            sim.run_until_idle(10_000);
            assert_eq!(
                placement(&run.sim),
                placement(&sim),
                "{}: {kind} {key}",
                b.id
            );
        }
    }
}
