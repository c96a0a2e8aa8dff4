fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = bindery_core::scenario::parse(&text);
        println!("== {path}");
        for e in &parsed.errors {
            println!("# expect: {e}");
        }
        if parsed.errors.is_empty() {
            let mut sim = bindery_core::Simulation::new(1);
            for e in sim.load(&parsed) {
                println!("# expect: {e}");
            }
        }
        for w in &parsed.warnings {
            println!("# warn: {w}");
        }
    }
}
