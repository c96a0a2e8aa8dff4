//! Time and peak memory of one generated workload, loaded then run to idle:
//! `cargo run --release -p bindery-core --example scale -- SHAPE NODES PODS`
//! (e.g. `storage-mix 5000 150000`, `csi-pvs 5000 5000`).
//! `--log FILE` after the sizes writes the event log there (one line per entry), to
//! check that a change leaves it byte-identical; `--trace` prints the heap in use every
//! 10,000 steps and at every clock jump (with the resident set, now and at its peak),
//! to see where in the run the peak falls; `--breakdown` prints what each part of the end
//! state holds.
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// Peak resident set size (`VmHWM`), in MB.
fn rss_mb() -> f64 {
    proc_status_mb("VmHWM:")
}

/// A memory line of `/proc/self/status` (`VmHWM:`, `VmRSS:`), in MB.
fn proc_status_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map(|kb| kb * 1024.0 / 1e6)
        .unwrap_or(0.0)
}

/// The allocator the `bindery` CLI uses (mimalloc), wrapped to count the bytes in use and
/// their peak: the heap figures then do not depend on which allocator runs underneath.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn add(size: usize) {
    let now = IN_USE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is forwarded unchanged to mimalloc; the counters only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            IN_USE.fetch_sub(layout.size(), Relaxed);
            add(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Bytes in use and their peak so far, in MB.
fn heap_mb() -> (f64, f64) {
    (
        IN_USE.load(Relaxed) as f64 / 1e6,
        PEAK.load(Relaxed) as f64 / 1e6,
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (shape, nodes, pods) = (&args[1], args[2].parse().unwrap(), args[3].parse().unwrap());
    let mut sim = bindery_core::Simulation::new(1);
    let t = Instant::now();
    let mut n = 0;
    bindery_core::generate::generate_into(shape, nodes, pods, 1, &mut |m| {
        n += 1;
        sim.apply(&m).unwrap();
    })
    .unwrap();
    let (loaded_heap, _) = heap_mb();
    eprintln!(
        "load: {:?} ({n} objects) peak_rss={:.0}MB heap={loaded_heap:.0}MB",
        t.elapsed(),
        rss_mb()
    );
    let src: usize = sim
        .cluster()
        .manifests
        .values()
        .map(|s| s.text().len())
        .sum();
    eprintln!(
        "manifest sources: {} bytes in {} objects",
        src,
        sim.cluster().manifests.len()
    );
    let t = Instant::now();
    let trace = args.iter().any(|a| a == "--trace");
    let mut step = 0u64;
    let out = sim.run_until_idle_observed(100_000_000, &mut |sim, outcome| {
        step += 1;
        let clock = matches!(outcome, bindery_core::StepOutcome::Clock { .. });
        if trace && (clock || step.is_multiple_of(10_000)) {
            let (heap, heap_peak) = heap_mb();
            eprintln!(
                "step {step:>7} t={} heap={heap:.0}MB (peak {heap_peak:.0}MB) rss={:.0}MB (peak {:.0}MB) pending binds={}",
                sim.now(),
                proc_status_mb("VmRSS:"),
                rss_mb(),
                sim.pending_bindings()
            );
        }
    });
    let el = t.elapsed();
    let running = sim
        .cluster()
        .pods()
        .values()
        .filter(|p| p.is_assigned())
        .count();
    eprintln!(
        "run: {:?} {:?} scheduled={} pods/s={:.0} events={} peak_rss={:.0}MB",
        el,
        out,
        running,
        pods as f64 / el.as_secs_f64(),
        sim.log().len(),
        rss_mb()
    );
    let (heap, heap_peak) = heap_mb();
    eprintln!("heap in use: {heap:.0}MB (peak {heap_peak:.0}MB)");
    if let Some(path) = args.iter().position(|a| a == "--log").map(|i| &args[i + 1]) {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        for e in sim.log().entries() {
            writeln!(w, "{e}").unwrap();
        }
        w.flush().unwrap();
    }
    if args.iter().any(|a| a == "--breakdown") {
        // What each part of the end state holds, by dropping the parts one at a time.
        let c = sim.cluster();
        eprintln!(
            "{} pods, {} claims, {} volumes, {} kept manifests, {} log entries",
            c.pods().len(),
            c.pvcs().len(),
            c.pvs().len(),
            c.manifests.len() + c.generated.len(),
            sim.log().len()
        );
        let mut before = heap_mb().0;
        sim.drop_in_parts(&mut |part| {
            let now = heap_mb().0;
            eprintln!("{:>8.1} MB  {part}", before - now);
            before = now;
        });
        eprintln!("{before:>8.1} MB  left (the rest)");
        return;
    }
    // The process ends here: freeing the simulation's millions of allocations one by one
    // would add seconds to the wall time measured and tell nothing about the engine.
    std::mem::forget(sim);
}
