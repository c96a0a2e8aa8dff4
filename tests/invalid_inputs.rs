//! The invalid-input corpus: every file in `tests/invalid/` starts with `# expect:` lines,
//! one per error (or `# warn:` lines for accepted input with warnings), and the import must
//! report exactly those, in order, without panicking.

use bindery_core::scenario::parse;
use bindery_core::Simulation;
use bindery_tests::tests_dir;

fn expectations(text: &str, tag: &str) -> Vec<String> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(&format!("# {tag}: ")))
        .map(str::to_string)
        .collect()
}

#[test]
fn corpus_reports_exact_errors() {
    let dir = tests_dir().join("invalid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/invalid exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "the corpus needs at least 30 files, has {}",
        files.len()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let want_errors = expectations(&text, "expect");
        let want_warnings = expectations(&text, "warn");
        assert!(
            !want_errors.is_empty() || !want_warnings.is_empty(),
            "{name} has no # expect: or # warn: line"
        );
        let parsed = parse(&text);
        let mut got: Vec<String> = parsed.errors.iter().map(|e| e.to_string()).collect();
        if got.is_empty() {
            let mut sim = Simulation::new(1);
            got = sim.load(&parsed).iter().map(|e| e.to_string()).collect();
            // The simulation still runs (and terminates) on whatever was accepted.
            sim.run_until_idle(10_000);
        }
        assert_eq!(got, want_errors, "{name}: errors");
        let warnings: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(warnings, want_warnings, "{name}: warnings");
    }
}
