use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shape = &args[1];
    let nodes: usize = args[2].parse().unwrap();
    let pods: usize = args[3].parse().unwrap();
    let t = Instant::now();
    let manifests = bindery_core::generate::generate(shape, nodes, pods, 1).unwrap();
    eprintln!("generate: {:?} ({} objects)", t.elapsed(), manifests.len());
    let mut sim = bindery_core::Simulation::new(1);
    let t = Instant::now();
    let doc = bindery_core::scenario::Parsed { manifests: manifests.into_iter().enumerate().map(|(i, m)| bindery_core::scenario::Document { doc: i + 1, path: String::new(), manifest: m }).collect(), ..Default::default() };
    let errs = sim.load(&doc);
    eprintln!("load: {:?} errors={}", t.elapsed(), errs.len());
    let t = Instant::now();
    let out = sim.run_until_idle(100_000_000);
    let el = t.elapsed();
    let running = sim.cluster().pods().values().filter(|p| p.is_assigned()).count();
    eprintln!("run: {:?} {:?} scheduled={} pods/s={:.0} events={}", el, out, running, pods as f64 / el.as_secs_f64(), sim.log().len());
}
