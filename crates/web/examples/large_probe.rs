//! Native timing of the playground's work on the generated 1,000-node / 10,000-pod cluster:
//! generating it, the engine run, and each view model the page computes from it.
//! `cargo run --release -p bindery-web --example large_probe`
use bindery_web::script::{self, Scenario};
use bindery_web::view_model;
use std::time::Instant;
fn main() {
    let t = Instant::now();
    let docs = bindery_core::generate::generate("csi-pvs", 1000, 10_000, 1).unwrap();
    println!("generate {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let s = Scenario::of_manifests("x", "", docs);
    let t = Instant::now();
    let run = script::run(&s, script::MAX_FRAMES);
    println!("run {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let sim = run.last();
    let t = Instant::now();
    let v = view_model::cluster_view(sim);
    println!(
        "cluster_view {:.0} ms ({} zones)",
        t.elapsed().as_secs_f64() * 1e3,
        v.zones.len()
    );
    let t = Instant::now();
    let e = view_model::event_rows(sim, None);
    println!(
        "event_rows {:.0} ms ({} rows)",
        t.elapsed().as_secs_f64() * 1e3,
        e.len()
    );
    let t = Instant::now();
    let _ = view_model::pending_running(run.frames.iter().map(|f| &f.sim));
    println!("pending_running {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = view_model::capacity_used(sim);
    println!("capacity_used {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = view_model::zone_spread(sim);
    println!("zone_spread {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let c = s.clone();
    println!(
        "scenario clone {:.0} ms {}",
        t.elapsed().as_secs_f64() * 1e3,
        c.docs.len()
    );
    let t = Instant::now();
    let y = s.to_yaml();
    println!(
        "to_yaml {:.0} ms {}",
        t.elapsed().as_secs_f64() * 1e3,
        y.len()
    );
}
