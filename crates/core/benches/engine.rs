//! The benchmark workloads (run: `cargo bench -p bindery-core`).
//!
//! - `csi_pvs_5000`: scheduler_perf SchedulingCSIPVs — 5000 nodes, 5000 pods each with a
//!   bound CSI volume, attach limit 39 (the run after loading; pods/s = 5000 / time).
//! - `builtin/*`: each built-in scenario from parsed manifests to idle (plus its `then:`
//!   script); `builtin_from_yaml/*` includes reading the YAML.
//! - `yaml_import_export_10k`: parse + load a ~10,000-object YAML file, then export state.
//! - `storage_mix`: the mixed-storage cluster at `BINDERY_MIX_NODES` × `BINDERY_MIX_PODS`
//!   (default 500 × 15,000; the 5000 × 150,000 with
//!   `BINDERY_MIX_NODES=5000 BINDERY_MIX_PODS=150000`). Peak memory for the same workload:
//!   `cargo run --release -p bindery-core --example scale -- storage-mix 5000 150000`.

/// The `bindery` CLI's allocator, so these figures are what the CLI does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bindery_core::generate::generate_into;
use bindery_core::scenario::{builtin, export, parse};
use bindery_core::Simulation;

fn main() {
    divan::main();
}

fn loaded(shape: &str, nodes: usize, pods: usize) -> Simulation {
    let mut sim = Simulation::new(1);
    generate_into(shape, nodes, pods, 1, &mut |m| {
        sim.apply(&m).expect("generated objects are valid");
    })
    .expect("known shape");
    sim
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn csi_pvs_5000(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| loaded("csi-pvs", 5000, 5000))
        .bench_local_values(|mut sim| {
            let out = sim.run_until_idle(u64::MAX);
            assert!(out.idle);
            sim
        });
}

/// The engine on a built-in scenario: load the typed manifests, run to idle, play the
/// script's follow-up actions (what every edit in the playground re-runs).
#[divan::bench(args = builtin::IDS)]
fn builtin(bencher: divan::Bencher, id: &str) {
    let text = builtin::get(id).expect("built-in").text;
    let parsed = parse(&text.yaml);
    bencher
        .with_inputs(|| parsed.clone())
        .bench_local_values(|parsed| text.run_parsed(parsed, 1, 100_000));
}

/// The same, starting from the YAML text (what `bindery run builtin:<id>` does once).
#[divan::bench(args = builtin::IDS)]
fn builtin_from_yaml(bencher: divan::Bencher, id: &str) {
    let text = builtin::get(id).expect("built-in").text;
    bencher.bench(|| text.run(1, 100_000).expect("runs"));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn yaml_import_export_10k(bencher: divan::Bencher) {
    let mut manifests = Vec::new();
    generate_into("storage-mix", 400, 4400, 1, &mut |m| manifests.push(m)).unwrap();
    let yaml = export::to_yaml_documents(&manifests);
    assert!(manifests.len() >= 10_000, "{} objects", manifests.len());
    drop(manifests);
    bencher.bench(|| {
        let parsed = parse(&yaml);
        assert!(parsed.errors.is_empty());
        let mut sim = Simulation::new(1);
        assert!(sim.load(&parsed).is_empty());
        export::state_yaml(&sim)
    });
}

fn mix_size() -> (usize, usize) {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    (
        env("BINDERY_MIX_NODES", 500),
        env("BINDERY_MIX_PODS", 15_000),
    )
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn storage_mix(bencher: divan::Bencher) {
    let (nodes, pods) = mix_size();
    bencher
        .with_inputs(|| loaded("storage-mix", nodes, pods))
        .bench_local_values(|mut sim| {
            let out = sim.run_until_idle(u64::MAX);
            assert!(out.idle);
            sim
        });
}
