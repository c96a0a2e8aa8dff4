fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let parsed = bindery_core::scenario::parse(&text);
    for e in &parsed.errors {
        println!("ERR {e}");
    }
    for w in &parsed.warnings {
        println!("WARN {w}");
    }
    let mut sim = bindery_core::Simulation::new(1);
    for e in sim.load(&parsed) {
        println!("LOADERR {e}");
    }
    let out = sim.run_until_idle(10_000);
    println!("{:?}", out);
    print!("{}", sim.log().render());
}
