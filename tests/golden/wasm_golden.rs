// The native golden event logs, compiled into the wasm tests (`include!`d by
// crates/core/tests/wasm.rs and crates/web/tests/browser.rs). `include_str!` needs literal
// paths, hence the list; both tests check it equals `builtin::IDS`.
macro_rules! golden {
    ($($id:literal),* $(,)?) => {
        const GOLDEN: &[(&str, &str)] = &[$(($id, include_str!(concat!($id, ".log")))),*];
    };
}

golden!(
    "rwo-vs-rwop",
    "rwop-conflict",
    "rwop-preemption",
    "local-pv-wffc",
    "local-path-provisioning",
    "zonal-volume-zone",
    "topology-aware-provisioning",
    "reclaim-and-protection",
    "rwop-migration",
    "rwop-live-migration",
    "attach-limits-and-capacity",
    "statefulset-zone-spread",
    "deployment-shared-rwop",
    "statefulset-scale-down-retention",
    "generic-ephemeral-volumes",
);
