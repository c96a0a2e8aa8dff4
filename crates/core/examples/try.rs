fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    let script = bindery_core::scenario::builtin::read_header(&text).unwrap();
    let run = match script.run(1, 100_000) {
        Ok(r) => r,
        Err(e) => {
            for x in e {
                println!("ERR {x}");
            }
            return;
        }
    };
    for w in &run.parsed.warnings {
        println!("WARN {w}");
    }
    for e in &run.load_errors {
        println!("LOADERR {e}");
    }
    for e in &run.then_errors {
        println!("THENERR {e}");
    }
    print!("{}", run.sim.log().render());
    print!("{}", bindery_core::report::table_report(&run.sim));
}
