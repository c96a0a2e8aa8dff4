//! Helpers shared by the black-box tests.

use std::path::{Path, PathBuf};

use bindery_core::scenario::builtin::{self, ScriptRun};
use bindery_core::Simulation;

/// The seed golden logs are recorded with.
pub const GOLDEN_SEED: u64 = 1;
pub const MAX_STEPS: u64 = 100_000;

pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Runs a built-in scenario to idle (then its follow-up actions).
pub fn run_builtin(id: &str, seed: u64) -> ScriptRun {
    let b = builtin::get(id).unwrap_or_else(|| panic!("no built-in scenario {id}"));
    let run = b
        .text
        .run(seed, MAX_STEPS)
        .unwrap_or_else(|e| panic!("{id}: {e:?}"));
    assert!(run.load_errors.is_empty(), "{id}: {:?}", run.load_errors);
    assert!(run.then_errors.is_empty(), "{id}: {:?}", run.then_errors);
    assert!(
        run.sim.is_idle(),
        "{id} did not settle within {MAX_STEPS} steps"
    );
    run
}

/// Loads YAML text into a fresh simulation and runs it until idle.
pub fn run_yaml(yaml: &str, seed: u64) -> Simulation {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(seed);
    let errors = sim.load(&parsed);
    assert!(errors.is_empty(), "{errors:?}");
    sim.run_until_idle(MAX_STEPS);
    sim
}

/// Compares `actual` with the file at `path`, or rewrites it when `UPDATE_GOLDEN=1`.
pub fn assert_golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let diff_line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the golden file at line {}:\n  expected: {:?}\n  actual:   {:?}\n(rerun with UPDATE_GOLDEN=1 after checking the change is intended)",
            path.display(),
            diff_line + 1,
            expected.lines().nth(diff_line),
            actual.lines().nth(diff_line)
        );
    }
}

/// Each node's score from `plugin` for the pending pod `pod`, in node order, as the verdict
/// table shows it (`None`: the plugin did not score that node).
pub fn plugin_scores(
    sim: &Simulation,
    pod: &bindery_core::model::ObjectKey,
    plugin: &str,
) -> Vec<(String, Option<i64>)> {
    let ex = sim.explain(pod).expect("the pod exists");
    ex.nodes
        .iter()
        .map(|r| {
            (
                r.node.clone(),
                r.scores.iter().find(|(n, _)| *n == plugin).map(|(_, s)| *s),
            )
        })
        .collect()
}

/// [`plugin_scores`]' form of an expected table in which every listed node was scored.
pub fn scored(pairs: &[(&str, i64)]) -> Vec<(String, Option<i64>)> {
    pairs
        .iter()
        .map(|(n, s)| (n.to_string(), Some(*s)))
        .collect()
}
