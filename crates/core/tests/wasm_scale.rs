//! The workload benchmark in wasm (issue 4's figure): 5000 nodes, 500 StatefulSets of 20
//! replicas with zonal WaitForFirstConsumer claims, simulated to idle. Not part of the test
//! command (it takes minutes); run it with
//! `cargo test --release -p bindery-core --target wasm32-unknown-unknown --test wasm_scale -- --nocapture`.
//! Natively the same run is `cargo run --release -p bindery-core --example scale --
//! statefulsets 5000 10000`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date)]
    fn now() -> f64;
}

/// Linear memory in MB (wasm memory only grows, so this is the peak).
fn memory_mb() -> f64 {
    core::arch::wasm32::memory_size(0) as f64 * 65536.0 / 1e6
}

#[wasm_bindgen_test]
fn statefulsets_5000_nodes_10000_pods() {
    let (nodes, pods) = (5000, 10_000);
    let start = now();
    let mut sim = bindery_core::Simulation::new(1);
    let mut objects = 0;
    bindery_core::generate::generate_into("statefulsets", nodes, pods, 1, &mut |m| {
        objects += 1;
        sim.apply(&m).expect("generated objects are valid");
    })
    .expect("known shape");
    let loaded = now();
    let outcome = sim.run_until_idle(10_000_000);
    let done = now();
    let scheduled = sim
        .cluster()
        .pods()
        .values()
        .filter(|p| p.is_assigned())
        .count();
    console_log!(
        "wasm statefulsets {nodes} nodes / {pods} pods: load {:.2} s ({objects} objects), run {:.2} s ({} steps, idle {}), {scheduled} scheduled, linear memory {:.0} MB",
        (loaded - start) / 1000.0,
        (done - loaded) / 1000.0,
        outcome.steps,
        outcome.idle,
        memory_mb()
    );
    assert!(outcome.idle);
    assert_eq!(scheduled, pods);
}
