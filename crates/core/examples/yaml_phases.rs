//! Where the time of a 10k-object import + export goes, phase by phase:
//! `cargo run --release -p bindery-core --example yaml_phases [NODES PODS] [ROUNDS]`
//! (defaults: storage-mix 400 nodes / 4400 pods, about 10,500 objects, as the
//! `yaml_import_export_10k` bench; 5 rounds).
/// The `bindery` CLI's allocator, so these figures are what the CLI does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use bindery_core::generate::generate_into;
use bindery_core::scenario::export;
use bindery_core::scenario::parse::parse;
use bindery_core::Simulation;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (nodes, pods, rounds) = (
        *args.first().unwrap_or(&400),
        *args.get(1).unwrap_or(&4400),
        *args.get(2).unwrap_or(&5),
    );
    let mut manifests = Vec::new();
    generate_into("storage-mix", nodes, pods, 1, &mut |m| manifests.push(m)).unwrap();
    let yaml = export::to_yaml_documents(&manifests);
    println!("{} objects, {} bytes of YAML", manifests.len(), yaml.len());
    drop(manifests);
    let mut totals = [Duration::ZERO; 5];
    let names = ["parse", "load", "state_manifests", "to_yaml", "drop"];
    for _ in 0..rounds {
        let t = Instant::now();
        let parsed = parse(&yaml);
        totals[0] += t.elapsed();
        let t = Instant::now();
        let mut sim = Simulation::new(1);
        assert!(sim.load(&parsed).is_empty());
        totals[1] += t.elapsed();
        let t = Instant::now();
        let state = export::state_manifests(&sim);
        totals[2] += t.elapsed();
        let t = Instant::now();
        let out = export::to_yaml_documents(&state);
        totals[3] += t.elapsed();
        let t = Instant::now();
        drop((parsed, sim, state, out));
        totals[4] += t.elapsed();
    }
    let all: Duration = totals.iter().sum();
    for (n, d) in names.iter().zip(totals) {
        println!("{n:16} {:8.1} ms", d.as_secs_f64() * 1e3 / rounds as f64);
    }
    println!(
        "{:16} {:8.1} ms",
        "total",
        all.as_secs_f64() * 1e3 / rounds as f64
    );
}
