//! The playground in a real browser (headless Chromium through chromedriver, run by
//! `wasm-bindgen-test-runner`): the reducer, YAML round trips and determinism in wasm,
//! and the key components rendered into the DOM. Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use bindery_core::scenario::builtin;
use bindery_web::script::{self, Scenario};
use bindery_web::state::{Action, AppState, NoticeKind};
use bindery_web::{platform, share};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

include!("../../../tests/golden/wasm_golden.rs");

const RWOP_SECOND_POD: &str = "0/2 nodes are available: 2 node(s) unavailable due to PersistentVolumeClaim with ReadWriteOncePod access mode already in-use by another pod. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.";

#[wasm_bindgen_test]
fn the_playground_run_of_every_builtin_matches_the_native_golden_log() {
    let ids: Vec<&str> = GOLDEN.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, builtin::IDS);
    for (id, expected) in GOLDEN {
        let scenario = Scenario::builtin(id).expect("built-in");
        let run = script::run(&scenario, script::MAX_FRAMES);
        assert!(run.problems.is_empty(), "{id}: {:?}", run.problems);
        assert_eq!(
            &run.last().log().render(),
            expected,
            "{id} differs in the browser"
        );
        // Running it again gives the same bytes (no hidden state between runs).
        let again = script::run(&scenario, script::MAX_FRAMES);
        assert_eq!(run.last().log().render(), again.last().log().render());
    }
}

#[wasm_bindgen_test]
fn every_builtin_survives_a_yaml_round_trip_in_wasm() {
    for id in builtin::IDS {
        let scenario = Scenario::builtin(id).expect("built-in");
        let yaml = scenario.to_yaml();
        let (back, warnings) = Scenario::from_yaml(&yaml).expect("own export re-imports");
        assert!(warnings.is_empty(), "{id}: {warnings:?}");
        assert_eq!(
            back.to_yaml(),
            yaml,
            "{id}: export → import → export changed"
        );
        let a = script::run(&scenario, 50);
        let b = script::run(&back, 50);
        assert_eq!(a.last().log().render(), b.last().log().render(), "{id}");
    }
}

#[wasm_bindgen_test]
fn share_links_round_trip_and_hostile_ones_are_refused() {
    let yaml = Scenario::builtin("local-pv-wffc").unwrap().to_yaml();
    let link = share::encode(&yaml);
    assert_eq!(share::decode(&format!("#{link}")).unwrap(), yaml);
    assert!(share::decode("#s=v1.!!!not-base64").is_err());
    assert!(share::decode(&format!("#s=v1.{}", "A".repeat(600_000))).is_err());
}

#[wasm_bindgen_test]
fn reducer_edits_undo_redo_and_a_bad_import_keeps_the_scenario() {
    let state = AppState::new(Scenario::builtin("rwop-conflict").unwrap());
    let pending_before = pending(&state);
    assert_eq!(pending_before, 1);
    assert!(state.last_run_ms >= 0.0);

    let bad = state.apply(Action::ImportYaml(
        "apiVersion: v1\nkind: Pod\nmetadata: [oops\n".into(),
    ));
    assert_eq!(
        bad.scenario.to_yaml(),
        state.scenario.to_yaml(),
        "a bad import changed the scenario"
    );
    assert!(
        bad.dialog_errors.iter().any(|e| e.contains("doc"))
            || bad
                .notice
                .as_ref()
                .is_some_and(|n| n.kind == NoticeKind::Error)
    );

    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: third\n  namespace: default\nspec:\n  containers:\n  - name: c\n    image: busybox\n";
    let added = state.apply(Action::PutObjectYaml {
        yaml: pod.into(),
        replacing: None,
    });
    assert!(added.scenario.to_yaml().contains("name: third"));
    assert_eq!(added.past.len(), 1);
    let undone = added.apply(Action::Undo);
    assert_eq!(undone.scenario.to_yaml(), state.scenario.to_yaml());
    let redone = undone.apply(Action::Redo);
    assert_eq!(redone.scenario.to_yaml(), added.scenario.to_yaml());

    // Seeking to the first frame shows nothing scheduled yet; ToEnd returns to the end.
    let start = state.apply(Action::Seek(0));
    assert_eq!(start.cursor, 0);
    assert!(start.apply(Action::ToEnd).at_end());
}

fn pending(state: &AppState) -> usize {
    bindery_web::view_model::cluster_view(&state.frame().sim)
        .counts
        .pending
}

async fn next_frame() {
    gloo::timers::future::TimeoutFuture::new(30).await;
}

#[wasm_bindgen_test]
async fn the_app_renders_a_shared_scenario_with_its_failed_scheduling_message() {
    let document = gloo::utils::document();
    <gloo::storage::LocalStorage as gloo::storage::Storage>::delete(platform::AUTOSAVE_KEY);
    let yaml = Scenario::builtin("rwop-conflict").unwrap().to_yaml();
    let window = web_sys::window().unwrap();
    window.location().set_hash(&share::encode(&yaml)).unwrap();

    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<bindery_web::App>::with_root(root.clone()).render();
    next_frame().await;

    let title = document
        .get_element_by_id("scenario-title")
        .expect("header rendered");
    assert_eq!(
        title.text_content().unwrap(),
        Scenario::builtin("rwop-conflict").unwrap().title
    );
    let tray = document
        .get_element_by_id("pending-tray")
        .expect("pending tray");
    let text = tray.text_content().unwrap();
    assert!(text.contains(RWOP_SECOND_POD), "pending tray says: {text}");
    let summary = document
        .get_element_by_id("summary")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(summary.contains("1 pending"), "{summary}");
    assert!(
        document.get_element_by_id("binding-graph").is_some(),
        "binding graph drawn"
    );
    assert!(
        document.query_selector(".mode.rwop").unwrap().is_some(),
        "RWOP badge with a lock"
    );
    // The events table lists the warning with upstream's reason.
    let events = document
        .get_element_by_id("events-table")
        .unwrap()
        .text_content()
        .unwrap();
    assert!(events.contains("FailedScheduling"));
    // The charts drew something.
    let canvas = document
        .get_element_by_id("chart-zones")
        .expect("zone chart");
    assert!(canvas.get_attribute("width").is_some());
    // Autosave runs a moment after the scenario was accepted.
    gloo::timers::future::TimeoutFuture::new(400).await;
    assert!(platform::saved_scenario().is_some_and(|s| s.contains("kind: PersistentVolumeClaim")));
    // The charts were drawn after the first paint: the canvas holds more than one colour.
    let drawn = js_sys::eval(
        "(() => { const c = document.getElementById('chart-zones'); \
         const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; \
         for (let i = 4; i < d.length; i += 4) \
           if (d[i] !== d[0] || d[i + 1] !== d[1] || d[i + 2] !== d[2]) return true; \
         return false; })()",
    )
    .unwrap();
    assert_eq!(drawn.as_bool(), Some(true), "the zone chart is blank");

    // Clicking the pending pod opens the verdict table naming VolumeRestrictions.
    let chip: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(
        tray.query_selector("button.pod")
            .unwrap()
            .expect("pending pod chip"),
    )
    .unwrap();
    chip.click();
    next_frame().await;
    let verdicts = document
        .get_element_by_id("verdict-table")
        .expect("verdict table")
        .text_content()
        .unwrap();
    assert!(verdicts.contains("VolumeRestrictions"), "{verdicts}");
    assert!(verdicts.contains("ReadWriteOncePod"), "{verdicts}");
    window.location().set_hash("").unwrap();
}
