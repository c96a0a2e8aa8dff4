//! Native timing of what the playground does on every edit: re-run a scenario and record
//! its timeline. `cargo run --release -p bindery-web --example timeline`
//! (the browser figures come from the e2e run; this separates engine from UI time).
use std::time::Instant;

use bindery_core::scenario::builtin;
use bindery_web::script::{self, Scenario};

fn generated(shape: &str, nodes: usize, pods: usize) -> Scenario {
    Scenario::of_manifests(
        &format!("{shape} {nodes}/{pods}"),
        "",
        bindery_core::generate::generate(shape, nodes, pods, 1).expect("known shape"),
    )
}

fn time(label: &str, scenario: &Scenario, max_frames: usize) {
    let mut best = f64::MAX;
    let mut frames = 0;
    let reps = if scenario.docs.len() > 5000 { 1 } else { 5 };
    for _ in 0..reps {
        let t = Instant::now();
        let run = script::run(scenario, max_frames);
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        frames = run.frames.len();
    }
    println!("{label:<40} max_frames={max_frames:<5} frames={frames:<5} {best:>9.2} ms");
}

fn main() {
    // `timeline medium N [frames]`: only the 50-node scenario, N times, with 2 (default) or
    // the playground's frame budget (`frames`), for a profiler.
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("medium") {
        let n = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
        let frames = if args.get(3).map(String::as_str) == Some("frames") {
            script::MAX_FRAMES
        } else {
            2
        };
        let medium = generated("storage-mix", 50, 400);
        for _ in 0..n {
            std::hint::black_box(script::run(&medium, frames));
        }
        return;
    }
    for id in builtin::IDS {
        time(id, &Scenario::builtin(id).unwrap(), script::MAX_FRAMES);
    }
    let medium = generated("storage-mix", 50, 400);
    time("storage-mix 50/400", &medium, script::MAX_FRAMES);
    time("storage-mix 50/400", &medium, 2);
    // The timeline run that follows an outcome-first one knows its length.
    let moments = script::run(&medium, 2).moments;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(script::run_expecting(
            &medium,
            script::MAX_FRAMES,
            Some(moments),
        ));
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "{:<40} {best:>9.2} ms",
        "storage-mix 50/400 told its length"
    );
    let run = script::run(&medium, 2);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(bindery_web::view_model::cluster_view(run.last()));
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "{:<40} {best:>9.2} ms",
        "cluster_view of storage-mix 50/400"
    );
    if args.get(1).map(String::as_str) == Some("all") {
        let large = generated("csi-pvs", 1000, 10_000);
        time("csi-pvs 1000/10000", &large, 2);
        time("csi-pvs 1000/10000", &large, script::MAX_FRAMES);
    }
}
