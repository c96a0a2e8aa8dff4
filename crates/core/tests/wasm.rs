//! The engine compiled to wasm32 gives byte-identical event logs to the native build: every
//! built-in scenario is replayed and compared with the golden logs recorded natively.
//! Runs under `wasm-bindgen-test-runner` (Node); natively this file is empty.
#![cfg(target_arch = "wasm32")]

use bindery_core::scenario::builtin;
use wasm_bindgen_test::wasm_bindgen_test;

include!("../../../tests/golden/wasm_golden.rs");

#[wasm_bindgen_test]
fn wasm_event_logs_match_native_golden_logs() {
    let ids: Vec<&str> = GOLDEN.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, builtin::IDS);
    for (id, expected) in GOLDEN {
        let b = builtin::get(id).expect("built-in scenario");
        let run = b.text.run(1, 100_000).expect("scenario runs");
        assert_eq!(&run.sim.log().render(), expected, "{id} differs in wasm");
    }
}

#[wasm_bindgen_test]
fn wasm_generated_scenario_is_deterministic() {
    let run = |seed| {
        let mut sim = bindery_core::Simulation::new(seed);
        for m in bindery_core::generate::generate("storage-mix", 20, 200, 3).unwrap() {
            sim.apply(&m).unwrap();
        }
        sim.run_until_idle(100_000);
        sim.log().render()
    };
    assert_eq!(run(4), run(4));
}
