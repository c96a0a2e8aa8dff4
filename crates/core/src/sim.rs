//! The simulation: a cluster, the components acting on it, a clock and an event log.
//!
//! A closed set of [`Command`]s drives it. [`Simulation::step`] advances by one unit of
//! work, in this order of preference:
//! 1. controllers with queued work (PV controller, provisioners, protection controllers,
//!    the kubelet stand-in) run until their queues are empty;
//! 2. the scheduler takes one pod from its queue through a scheduling cycle;
//! 3. the clock jumps to the next timer (a grace period ending, a provisioning finishing).
//!
//! [`Simulation::run_until_idle`] repeats `step` up to an explicit bound; hitting the bound
//! is logged as an event. Everything is deterministic: the same scenario, commands and seed
//! give a byte-identical event log on every platform.

mod apply;
mod binding;
mod controllers;
mod ephemeral;
mod kubelet;
mod provisioner;
mod workloads;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::cluster::Cluster;
use crate::events::{Entry, EntryKind, Event, EventLog, EventType, Note};
use crate::model::{Kind, ObjectKey, Pod, Uid};
use crate::rng::SimRng;
use crate::scenario::Manifest;
use crate::scheduler::cache::SchedulerCache;
use crate::scheduler::framework::{Ctx, Plugin};
use crate::scheduler::queue::{ClusterEvent, SchedulingQueue};
use crate::time::SimTime;
use crate::version::KubeVersion;

pub use apply::ApplyError;

/// Default bound for [`Simulation::run_until_idle`] callers that have no better one.
pub const DEFAULT_MAX_STEPS: u64 = 1_000_000;
/// How long a provisioner takes to create a volume.
pub const PROVISIONING_DELAY_MS: u64 = 1_000;
/// How long an external provisioner takes to delete a released volume (the volume shows
/// `Released` meanwhile, as on a real cluster).
pub const VOLUME_DELETION_DELAY_MS: u64 = 1_000;
/// The PV controller's resync period (`--pvclaimbinder-sync-period`).
pub const CLAIM_RESYNC_MS: u64 = 15_000;
/// Mixed into the seed for the generated-name stream.
const NAME_STREAM: u64 = 0x6e61_6d65_7321_0001;
/// Bound on controller passes within one step.
pub const MAX_CONTROLLER_ITEMS_PER_STEP: u64 = 10_000_000;

/// Anything an event message can be made from; strings are interned.
pub(crate) trait EventMessage {
    fn into_shared(self, log: &mut EventLog) -> Arc<str>;
}

impl EventMessage for String {
    fn into_shared(self, log: &mut EventLog) -> Arc<str> {
        log.intern(&self)
    }
}

impl EventMessage for &str {
    fn into_shared(self, log: &mut EventLog) -> Arc<str> {
        log.intern(self)
    }
}

impl EventMessage for Arc<str> {
    fn into_shared(self, _log: &mut EventLog) -> Arc<str> {
        self
    }
}

/// The inputs the simulation accepts.
#[derive(Clone, Debug)]
pub enum Command {
    /// Create or update an object, as `kubectl apply` would.
    Apply(Manifest),
    /// Request deletion (graceful for running pods, finalizers honoured).
    Delete { kind: Kind, key: ObjectKey },
    /// One unit of work.
    Step,
    /// Steps until nothing is left to do or `max_steps` were taken.
    RunUntilIdle { max_steps: u64 },
    /// Moves the clock forward, firing timers on the way.
    AdvanceTime { millis: u64 },
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// Controllers processed queued work.
    Controllers,
    /// A scheduling cycle ran for this pod.
    Scheduled { pod: ObjectKey },
    /// The clock jumped to the next timer.
    Clock { to: SimTime },
    /// Nothing left to do.
    Idle,
}

/// How a bounded run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOutcome {
    pub steps: u64,
    pub idle: bool,
}

/// Deferred work at a simulated time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Timer {
    /// A pod's grace period ended: it is gone.
    PodTerminated { pod: ObjectKey, uid: Uid },
    /// A provisioner finishes creating the volume for a claim.
    ProvisionDone { claim: ObjectKey, uid: Uid },
    /// PreBind gives up waiting for a pod's volumes: the pending binding whose `timeout`
    /// is this timer's key (a binding's timer is cancelled when the binding ends, so the
    /// key names one binding of one pod incarnation).
    BindingTimeout { pod: ObjectKey },
    /// The PV controller's periodic resync reaches a claim.
    ClaimResync { claim: ObjectKey },
    /// An external provisioner finishes deleting a released volume it made.
    VolumeDeleteDone { pv: String, uid: Uid },
    /// A workload controller looks at its object again (`enqueueSSAfter`: a StatefulSet's
    /// ready pod becomes available once `minReadySeconds` have passed).
    WorkloadResync { kind: Kind, key: ObjectKey },
}

/// A pod between Reserve and Bind, waiting for its volumes.
#[derive(Clone, Debug)]
pub(crate) struct PendingBinding {
    /// The node's own name (shared with the `Node`).
    pub node: Arc<str>,
    pub waiting_for: Vec<ObjectKey>,
    /// Claims Reserve marked for provisioning (their selected-node must stay), sorted.
    pub provisioned: Vec<ObjectKey>,
    /// The PreBind timeout timer.
    pub timeout: (SimTime, u64),
}

/// Controller work queues (the informers' workqueues).
#[derive(Clone, Debug, Default)]
pub(crate) struct WorkQueues {
    pub claims: BTreeSet<ObjectKey>,
    pub volumes: BTreeSet<String>,
    pub provision: BTreeSet<ObjectKey>,
    /// Claims whose protection finalizer may be removable.
    pub pvc_protection: BTreeSet<ObjectKey>,
    pub pv_protection: BTreeSet<String>,
    /// Pods the kubelet should look at (start, finish binding volumes).
    pub kubelet: BTreeSet<ObjectKey>,
    /// StatefulSets, Deployments and ReplicaSets to reconcile.
    pub workloads: BTreeSet<(Kind, ObjectKey)>,
    /// Pods whose generic ephemeral volumes may need their claims created.
    pub ephemeral: BTreeSet<ObjectKey>,
}

impl WorkQueues {
    pub(crate) fn is_empty(&self) -> bool {
        self.claims.is_empty()
            && self.volumes.is_empty()
            && self.provision.is_empty()
            && self.pvc_protection.is_empty()
            && self.pv_protection.is_empty()
            && self.kubelet.is_empty()
            && self.workloads.is_empty()
            && self.ephemeral.is_empty()
    }
}

/// The whole simulated world. `Clone` is a snapshot: objects are shared `Arc`s and the
/// event log shares its sealed chunks.
#[derive(Clone)]
pub struct Simulation {
    pub(crate) version: &'static KubeVersion,
    seed: u64,
    pub(crate) now: SimTime,
    pub(crate) rng: SimRng,
    /// Draws the random suffixes of generated names (`web-5d8f9-x7k2q`). A stream of its
    /// own, so adding a Deployment does not change the scheduler's tie-breaks elsewhere.
    pub(crate) name_rng: SimRng,
    pub(crate) cluster: Cluster,
    pub(crate) cache: SchedulerCache,
    pub(crate) queue: SchedulingQueue,
    pub(crate) profile: Arc<Vec<Arc<dyn Plugin>>>,
    pub(crate) next_start_node_index: usize,
    pub(crate) bindings: BTreeMap<ObjectKey, PendingBinding>,
    /// Pods in PreBind by the claims they wait for.
    pub(crate) waiting_on_claim: BTreeMap<ObjectKey, crate::small_set::SmallSet<ObjectKey>>,
    timers: BTreeMap<(SimTime, u64), Timer>,
    timer_seq: u64,
    pub(crate) log: EventLog,
    pub(crate) work: WorkQueues,
    /// Claims being provisioned (between `Provisioning` and the PV's creation).
    pub(crate) provisioning: BTreeSet<ObjectKey>,
    /// Claims with an armed resync timer.
    pub(crate) resync_armed: BTreeSet<ObjectKey>,
    /// Released volumes an external provisioner is deleting.
    pub(crate) deleting: BTreeSet<String>,
    /// Workloads with an armed [`Timer::WorkloadResync`], by the time it fires.
    pub(crate) workload_wakeups: BTreeSet<(SimTime, Kind, ObjectKey)>,
    /// Pods in PreBind whose claims changed since the last check.
    pub(crate) binding_check: BTreeSet<ObjectKey>,
    uid_counter: u64,
    steps: u64,
    /// [`Cluster::object_count`] when the big trees were last repacked.
    repacked_at: usize,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("seed", &self.seed)
            .field("now", &self.now)
            .field("steps", &self.steps)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    pub fn new(seed: u64) -> Simulation {
        Simulation::with_version(seed, &crate::version::V1_36)
    }

    pub fn with_version(seed: u64, version: &'static KubeVersion) -> Simulation {
        let mut log = EventLog::default();
        log.push(
            SimTime::ZERO,
            EntryKind::Note(Note::Seed {
                seed,
                version: version.name,
            }),
        );
        Simulation {
            version,
            seed,
            now: SimTime::ZERO,
            rng: SimRng::new(seed),
            name_rng: SimRng::new(seed ^ NAME_STREAM),
            cluster: Cluster::new(),
            cache: SchedulerCache::default(),
            queue: SchedulingQueue::default(),
            profile: Arc::new(crate::scheduler::plugins::default_profile(version)),
            next_start_node_index: 0,
            bindings: BTreeMap::new(),
            waiting_on_claim: BTreeMap::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            log,
            work: WorkQueues::default(),
            provisioning: BTreeSet::new(),
            resync_armed: BTreeSet::new(),
            deleting: BTreeSet::new(),
            workload_wakeups: BTreeSet::new(),
            binding_check: BTreeSet::new(),
            uid_counter: 0,
            steps: 0,
            repacked_at: 0,
        }
    }

    // --- Read access ---------------------------------------------------------------------

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn version(&self) -> &'static KubeVersion {
        self.version
    }

    pub fn now(&self) -> SimTime {
        self.now
    }

    /// How many pods wait in PreBind (their volumes being bound or provisioned).
    pub fn pending_bindings(&self) -> usize {
        self.bindings.len()
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    pub fn scheduler_cache(&self) -> &SchedulerCache {
        &self.cache
    }

    /// A snapshot to come back to (timeline, undo): cheap, shares unchanged objects.
    pub fn snapshot(&self) -> Simulation {
        self.clone()
    }

    /// Where a pod is assumed to run while its binding cycle waits for volumes.
    pub fn assumed_node(&self, pod: &ObjectKey) -> Option<&str> {
        self.bindings.get(pod).map(|b| &*b.node)
    }

    /// Is anything left to do (work, queued pods, timers)?
    pub fn is_idle(&self) -> bool {
        !self.has_controller_work() && self.queue.is_empty() && self.timers.is_empty()
    }

    /// Do controllers have queued work (including workloads whose pods changed)?
    pub(crate) fn has_controller_work(&self) -> bool {
        !self.work.is_empty() || !self.cluster.owners_touched.is_empty()
    }

    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            cluster: &self.cluster,
            cache: &self.cache,
            version: self.version,
            now: self.now,
        }
    }

    /// The per-node, per-plugin verdicts for a pod, as if it were scheduled now.
    pub fn explain(&self, pod: &ObjectKey) -> Option<crate::scheduler::explain::Explanation> {
        let p = self.cluster.pod(pod)?;
        Some(crate::scheduler::explain::explain(
            &self.ctx(),
            &self.profile,
            p,
        ))
    }

    // --- Commands ------------------------------------------------------------------------

    /// Executes one command. Only `Apply` and `Delete` can fail, with the API server's
    /// message; the simulation is unchanged when they do.
    pub fn execute(&mut self, command: Command) -> Result<(), ApplyError> {
        match command {
            Command::Apply(m) => self.apply(&m).map(|_| ()),
            Command::Delete { kind, key } => self.delete(kind, &key),
            Command::Step => {
                self.step();
                Ok(())
            }
            Command::RunUntilIdle { max_steps } => {
                self.run_until_idle(max_steps);
                Ok(())
            }
            Command::AdvanceTime { millis } => {
                self.advance_time(millis);
                Ok(())
            }
        }
    }

    /// Repeats [`Simulation::step`] until idle, at most `max_steps` times.
    pub fn run_until_idle(&mut self, max_steps: u64) -> RunOutcome {
        self.run_until_idle_observed(max_steps, &mut |_, _| {})
    }

    /// [`Simulation::run_until_idle`], showing `observe` the simulation after every step
    /// that did something (the playground records its timeline this way).
    pub fn run_until_idle_observed(
        &mut self,
        max_steps: u64,
        observe: &mut dyn FnMut(&Simulation, &StepOutcome),
    ) -> RunOutcome {
        let mut steps = 0;
        while steps < max_steps {
            let outcome = self.step();
            if outcome == StepOutcome::Idle {
                return RunOutcome { steps, idle: true };
            }
            observe(self, &outcome);
            steps += 1;
        }
        if self.is_idle() {
            return RunOutcome { steps, idle: true };
        }
        self.note(Note::LimitReached {
            what: "run until idle".to_string(),
            limit: max_steps,
        });
        RunOutcome { steps, idle: false }
    }

    /// Rebuilds the big trees with full nodes once the cluster has doubled since they were
    /// last rebuilt ([`crate::repack`]): a big scenario is loaded by inserts, then run, so
    /// its first step packs the trees the run then mostly reads. A cheap comparison on
    /// every other step; amortized linear.
    fn repack_if_grown(&mut self) {
        let count = self.cluster.object_count();
        if count >= crate::repack::MIN_ENTRIES && count >= 2 * self.repacked_at {
            self.repacked_at = count;
            self.cluster.repack();
            self.queue.repack();
            self.cache.repack();
        }
    }

    /// One unit of work; see the module docs for the order.
    pub fn step(&mut self) -> StepOutcome {
        self.repack_if_grown();
        if self.has_controller_work() {
            self.steps += 1;
            self.run_controllers();
            return StepOutcome::Controllers;
        }
        if let Some(pod) = self.queue.pop() {
            self.steps += 1;
            self.schedule_one(&pod);
            return StepOutcome::Scheduled { pod };
        }
        if let Some((&(at, _), _)) = self.timers.first_key_value() {
            self.steps += 1;
            // Pods left unschedulable for five minutes are tried again on the way (only
            // while time moves on for something else: upstream's scheduler never idles,
            // Bindery's stops when nothing but the flush is left).
            let flush = self.queue.next_unschedulable_flush().filter(|f| *f <= at);
            self.now = self.now.max(flush.unwrap_or(at));
            self.note(Note::Clock { to: self.now });
            self.queue.flush_unschedulable_leftover(self.now);
            self.fire_due_timers();
            return StepOutcome::Clock { to: self.now };
        }
        StepOutcome::Idle
    }

    /// Moves the clock forward by `millis`, firing timers that fall due (in order) and
    /// trying again the pods left unschedulable for five minutes on the way.
    pub fn advance_time(&mut self, millis: u64) {
        let target = self.now.plus_millis(millis);
        loop {
            let timer = self.timers.first_key_value().map(|(&(at, _), _)| at);
            let flush = self.queue.next_unschedulable_flush();
            let Some(at) = [timer, flush].into_iter().flatten().min() else {
                break;
            };
            if at > target {
                break;
            }
            self.now = self.now.max(at);
            let flushed = self.queue.flush_unschedulable_leftover(self.now);
            if flushed > 0 {
                // The flushed pods (and any others waiting) are tried once each, at once,
                // as upstream's scheduler would; a pod that fails waits again.
                let _ = self.drain_controllers();
                let waiting = self.queue.len_active() + self.queue.len_backoff();
                for _ in 0..waiting {
                    let Some(pod) = self.queue.pop() else {
                        break;
                    };
                    self.schedule_one(&pod);
                    let _ = self.drain_controllers();
                }
            }
            self.fire_due_timers();
            let _ = self.drain_controllers();
        }
        self.now = target;
        self.note(Note::Clock { to: self.now });
    }

    /// Fires the timers due now, in the order they were set, the controllers carrying
    /// through what each one starts (a provisioned volume's binding, a pod's start) before
    /// the next fires, as each asynchronous completion is handled when it arrives.
    fn fire_due_timers(&mut self) {
        while let Some((&(at, seq), _)) = self.timers.first_key_value() {
            if at > self.now {
                break;
            }
            let Some(timer) = self.timers.remove(&(at, seq)) else {
                break;
            };
            self.fire(timer, (at, seq));
            let _ = self.drain_controllers();
        }
    }

    fn fire(&mut self, timer: Timer, key: (SimTime, u64)) {
        match timer {
            Timer::PodTerminated { pod, uid } => self.pod_terminated(&pod, &uid),
            Timer::ProvisionDone { claim, uid } => self.provision_done(&claim, &uid),
            Timer::BindingTimeout { pod } => self.binding_timed_out(&pod, key),
            Timer::ClaimResync { claim } => {
                self.resync_armed.remove(&claim);
                self.work.claims.insert(claim);
            }
            Timer::VolumeDeleteDone { pv, uid } => {
                self.deleting.remove(&pv);
                self.external_delete_done(&pv, &uid);
            }
            Timer::WorkloadResync { kind, key } => {
                self.workload_wakeups.remove(&(self.now, kind, key.clone()));
                self.work.workloads.insert((kind, key));
            }
        }
    }

    pub(crate) fn add_timer(&mut self, at: SimTime, timer: Timer) -> (SimTime, u64) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), timer);
        (at, self.timer_seq)
    }

    pub(crate) fn cancel_timer(&mut self, key: (SimTime, u64)) {
        self.timers.remove(&key);
    }

    /// Runs controllers until their queues are empty (bounded).
    pub(crate) fn drain_controllers(&mut self) -> bool {
        let mut rounds = 0;
        while self.has_controller_work() {
            rounds += 1;
            if rounds > 1_000 {
                self.note(Note::LimitReached {
                    what: "controller passes".to_string(),
                    limit: 1_000,
                });
                self.work = WorkQueues::default();
                self.cluster.owners_touched.clear();
                return false;
            }
            self.run_controllers();
        }
        true
    }

    // --- Logging ---------------------------------------------------------------------------

    pub(crate) fn note(&mut self, note: Note) {
        self.log.push(self.now, EntryKind::Note(note));
    }

    pub(crate) fn event(
        &mut self,
        type_: EventType,
        reason: &'static str,
        kind: Kind,
        key: &ObjectKey,
        message: impl EventMessage,
        source: &'static str,
    ) {
        let message = message.into_shared(&mut self.log);
        let object = self.log.object_ref(kind, key);
        self.log.push(
            self.now,
            EntryKind::Event(Event {
                type_,
                reason,
                object,
                message,
                source,
            }),
        );
    }

    /// The events recorded about one object, in order.
    pub fn events_for(&self, kind: Kind, key: &ObjectKey) -> Vec<Entry> {
        self.log.events_for(kind, key).map(|(e, _)| e).collect()
    }

    // --- Identity --------------------------------------------------------------------------

    /// A deterministic, UUID-shaped UID derived from the object and a counter.
    pub(crate) fn new_uid(&mut self, kind: Kind, key: &ObjectKey) -> Uid {
        self.uid_counter += 1;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in kind
            .as_str()
            .bytes()
            .chain(key.namespace.bytes())
            .chain([b'/'])
            .chain(key.name.bytes())
            .chain(self.uid_counter.to_le_bytes())
            .chain(self.seed.to_le_bytes())
        {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let lo = self.uid_counter;
        // `{h>>32:08x}-{h>>16 as u16:04x}-4{h>>4 & 0xfff:03x}-8{h & 0xfff:03x}-{lo:012x}`,
        // as the UUID's 128 bits (version 4, variant 8 nibbles in place).
        let h = h as u128;
        Uid::from_bits(
            (h >> 32) << 96
                | ((h >> 16) & 0xffff) << 80
                | 0x4 << 76
                | ((h >> 4) & 0xfff) << 64
                | 0x8 << 60
                | (h & 0xfff) << 48
                | (lo as u128 & 0xffff_ffff_ffff),
        )
    }

    // --- Scheduler events ------------------------------------------------------------------

    pub(crate) fn cluster_event(&mut self, event: ClusterEvent) {
        self.queue.on_event(event, self.now);
    }

    /// `MoveAllToActiveOrBackoffQueue` for `event` with queueing hints: `hint(plugin,
    /// pending)` judges the changed object for each pod a registering plugin rejected.
    fn hinted_event(&mut self, event: ClusterEvent, hint: impl Fn(&str, &Pod) -> bool) {
        let cluster = &self.cluster;
        self.queue.on_event_hinted(event, self.now, |plugin, pod| {
            cluster.pod(pod).is_none_or(|pending| hint(plugin, pending))
        });
    }

    /// A node's creation (`old` is `None`), update (one call per property that changed) or
    /// deletion (`new` is `None`), judged by the node plugins' hints.
    pub(crate) fn node_changed(
        &mut self,
        event: ClusterEvent,
        old: Option<&crate::model::Node>,
        new: Option<&Arc<crate::model::Node>>,
    ) {
        // The new node as an empty NodeInfo, built once for NodeResourcesFit's `isFit`.
        let new = new.map(|n| crate::scheduler::cache::NodeInfo::new(n.clone()));
        self.hinted_event(event, |plugin, pending| {
            crate::scheduler::hints::node_change_may_help(plugin, pending, old, new.as_ref())
        });
    }

    /// A claim's creation or update (`PvcAdd` / `PvcUpdate`), judged by the storage
    /// plugins' hints: it retries only the pods that use the claim.
    pub(crate) fn claim_changed(&mut self, event: ClusterEvent, claim: &ObjectKey) {
        self.hinted_event(event, |plugin, pending| {
            crate::scheduler::hints::claim_change_may_help(plugin, pending, claim)
        });
    }

    /// An assigned (or assumed) pod entered the scheduler's cache (`AssignedPodAdd`),
    /// changed labels there (`AssignedPodLabelUpdate`) or left it (`AssignedPodDelete`),
    /// with the pod before and after for the plugins' hints.
    pub(crate) fn assigned_pod_changed(
        &mut self,
        event: ClusterEvent,
        old: Option<&Pod>,
        new: Option<&Pod>,
    ) {
        self.hinted_event(event, |plugin, pending| {
            crate::scheduler::hints::assigned_pod_change_may_help(plugin, pending, old, new)
        });
    }

    /// `hinted_event` for hints that read only the changed object: judged once per
    /// rejecting plugin, not once per pending pod (a PV controller write is one such event).
    fn object_event(&mut self, event: ClusterEvent, hint: impl Fn(&str) -> bool) {
        self.queue.on_object_event_hinted(event, self.now, hint);
    }

    /// A volume's creation (`old` is `None`, `PvAdd`) or update (`PvUpdate`), judged by
    /// VolumeZone's hint.
    pub(crate) fn volume_changed(
        &mut self,
        old: Option<&crate::model::PersistentVolume>,
        new: &crate::model::PersistentVolume,
    ) {
        let event = if old.is_none() {
            ClusterEvent::PvAdd
        } else {
            ClusterEvent::PvUpdate
        };
        self.object_event(event, |plugin| {
            crate::scheduler::hints::volume_change_may_help(plugin, old, new)
        });
    }

    /// A StorageClass's creation (`old` is `None`) or update, judged by VolumeBinding's and
    /// VolumeZone's hints.
    pub(crate) fn storage_class_changed(
        &mut self,
        old: Option<&crate::model::StorageClass>,
        new: &crate::model::StorageClass,
    ) {
        let event = if old.is_none() {
            ClusterEvent::StorageClassAdd
        } else {
            ClusterEvent::StorageClassUpdate
        };
        self.object_event(event, |plugin| {
            crate::scheduler::hints::storage_class_change_may_help(plugin, old, new)
        });
    }

    /// A CSINode's creation, update or deletion, judged by VolumeBinding's hint.
    pub(crate) fn csi_node_changed(
        &mut self,
        old: Option<&crate::model::CsiNode>,
        new: Option<&crate::model::CsiNode>,
    ) {
        self.object_event(ClusterEvent::CsiNodeChange, |plugin| {
            crate::scheduler::hints::csi_node_change_may_help(plugin, old, new)
        });
    }

    /// A CSIDriver's creation, update or deletion, judged by VolumeBinding's hint.
    pub(crate) fn csi_driver_changed(
        &mut self,
        old: Option<&crate::model::CsiDriver>,
        new: Option<&crate::model::CsiDriver>,
    ) {
        self.object_event(ClusterEvent::CsiDriverChange, |plugin| {
            crate::scheduler::hints::csi_driver_change_may_help(plugin, old, new)
        });
    }

    /// A CSIStorageCapacity's creation, update or deletion, judged by VolumeBinding's hint.
    pub(crate) fn csi_capacity_changed(
        &mut self,
        old: Option<&crate::model::CsiStorageCapacity>,
        new: Option<&crate::model::CsiStorageCapacity>,
    ) {
        self.object_event(ClusterEvent::CsiStorageCapacityChange, |plugin| {
            crate::scheduler::hints::csi_capacity_change_may_help(plugin, old, new)
        });
    }

    pub(crate) fn assigned_pod_deleted(&mut self, deleted: &Pod) {
        self.assigned_pod_changed(ClusterEvent::AssignedPodDelete, Some(deleted), None);
    }

    pub(crate) fn pod_arc(&self, key: &ObjectKey) -> Option<Arc<Pod>> {
        self.cluster.pod(key).cloned()
    }
}

impl Simulation {
    /// Drops the simulation part by part, calling `after` with each part's name once it is
    /// gone, so a heap meter (the `scale` example's counting allocator) can tell what each
    /// part held. A part shared with a later one (an `Arc`'d object in the cluster and the
    /// scheduler cache) is counted where its last holder goes.
    #[doc(hidden)]
    pub fn drop_in_parts(mut self, after: &mut dyn FnMut(&str)) {
        use std::mem::take;
        drop(take(&mut self.log));
        after("event log");
        drop((take(&mut self.work), take(&mut self.timers)));
        after("work queues, timers");
        drop((
            take(&mut self.bindings),
            take(&mut self.waiting_on_claim),
            take(&mut self.provisioning),
            take(&mut self.resync_armed),
            take(&mut self.deleting),
            take(&mut self.workload_wakeups),
            take(&mut self.binding_check),
        ));
        after("pending bindings and controller sets");
        drop(take(&mut self.queue));
        after("scheduling queue");
        drop(take(&mut self.cache));
        after("scheduler cache");
        self.cluster.drop_in_parts(after);
    }
}
