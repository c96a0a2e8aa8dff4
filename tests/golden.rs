//! Every built-in scenario's event log, byte for byte (seed 1). A change in scheduling,
//! controllers or wording shows up here as a diff to review; `UPDATE_GOLDEN=1` re-records.

use bindery_core::report::table_report;
use bindery_core::scenario::builtin;
use bindery_tests::{assert_golden, run_builtin, tests_dir, GOLDEN_SEED};

#[test]
fn builtin_scenarios_match_their_golden_logs() {
    let dir = tests_dir().join("golden");
    for b in builtin::all() {
        let run = run_builtin(b.id, GOLDEN_SEED);
        assert_golden(&dir.join(format!("{}.log", b.id)), &run.sim.log().render());
        assert_golden(
            &dir.join(format!("{}.table", b.id)),
            &table_report(&run.sim),
        );
    }
}

#[test]
fn every_builtin_has_a_title_description_and_golden_log() {
    let dir = tests_dir().join("golden");
    let all = builtin::all();
    assert_eq!(
        all.len(),
        15,
        "ten built-in scenarios (issue 2), three workload ones (issue 4), the live RWOP migration (issue 5) and generic ephemeral volumes"
    );
    for b in all {
        assert!(!b.text.title.is_empty(), "{} has no title", b.id);
        assert!(
            b.text.description.len() > 40,
            "{} needs a description",
            b.id
        );
        assert!(
            dir.join(format!("{}.log", b.id)).exists()
                || std::env::var_os("UPDATE_GOLDEN").is_some()
        );
    }
}
