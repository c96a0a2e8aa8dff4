//! The scheduling queue: activeQ ordered like PrioritySort, a backoff queue, and the
//! unschedulable pods waiting for a cluster event that might help them.
//!
//! Upstream moves an unschedulable pod back when an event arrives that one of the plugins
//! that rejected it registered for (queueing hints). Bindery keeps that rule at plugin
//! granularity ([`interested`]) and then asks the rejecting plugin's hint for the object that
//! changed where Bindery has it (`super::hints`: nodes, claims, deleted pods, the rejected
//! pod's own updates). Backoff grows 1s, 2s, 4s, 8s, 10s with the number of
//! unschedulable attempts; with `SchedulerPopFromBackoffQ` (on by default) an idle activeQ
//! takes the head of the backoff queue early, so backoff only orders retries. With that gate
//! upstream also aligns backoff expirations to a one-second ordering window
//! (`backoffQOrderingWindowDuration`): pods whose backoff ends in the same window leave in
//! PrioritySort order, and a pod is still backing off while its window has not ended.

use std::collections::{BTreeMap, BTreeSet};

use super::plugins::names;
use crate::model::ObjectKey;
use crate::time::SimTime;

pub const INITIAL_BACKOFF_MS: u64 = 1_000;
pub const MAX_BACKOFF_MS: u64 = 10_000;
/// `podMaxInUnschedulablePodsDuration`: a pod left this long in the unschedulable pool is
/// tried again whatever happened (`flushUnschedulablePodsLeftover`) …
pub const MAX_IN_UNSCHEDULABLE_MS: u64 = 5 * 60 * 1_000;
/// … which the scheduler checks every 30 s from its start.
pub const UNSCHEDULABLE_FLUSH_PERIOD_MS: u64 = 30_000;
/// `backoffQOrderingWindowDuration`.
pub const BACKOFF_ORDERING_WINDOW_MS: u64 = 1_000;

/// `alignToWindow`: the start of the ordering window `t` falls in.
fn align_to_window(t: SimTime) -> SimTime {
    SimTime(t.0 - t.0 % BACKOFF_ORDERING_WINDOW_MS)
}

/// Cluster changes that can make an unschedulable pod schedulable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterEvent {
    NodeAdd,
    /// A node's labels changed (`UpdateNodeLabel`).
    NodeLabelUpdate,
    /// A node's taints or `spec.unschedulable` changed (`UpdateNodeTaint`).
    NodeTaintUpdate,
    /// A node's allocatable changed (`UpdateNodeAllocatable`).
    NodeAllocatableUpdate,
    NodeDelete,
    AssignedPodAdd,
    /// An assigned pod's labels changed (`UpdatePodLabel`).
    AssignedPodLabelUpdate,
    /// Any other update of an assigned pod (`UpdatePodOther`, e.g. a preempted victim's
    /// DisruptionTarget condition and deletionTimestamp).
    AssignedPodUpdate,
    AssignedPodDelete,
    PvAdd,
    PvUpdate,
    PvcAdd,
    PvcUpdate,
    StorageClassAdd,
    StorageClassUpdate,
    CsiNodeChange,
    CsiDriverChange,
    CsiStorageCapacityChange,
    PriorityClassChange,
}

/// `EventsToRegister`, coarsened to plugin level: does `plugin` care about `event`?
///
/// Node events are split as upstream's `NodeSchedulingPropertiesChange` splits a node
/// update, and each plugin takes the node actions it registers with queueing hints on
/// (since v1.32 the plugins no longer add `UpdateNodeTaint` for the old preCheck; see
/// volume_binding.go's note on kubernetes/kubernetes#109437). Node deletion interests only
/// PodTopologySpread.
pub fn interested(plugin: &str, event: ClusterEvent) -> bool {
    use ClusterEvent::*;
    match plugin {
        // node_unschedulable.go, taint_toleration.go: Node Add|UpdateNodeTaint (a change of
        // `spec.unschedulable` is an `UpdateNodeTaint`). Both also register
        // UnscheduledPod/UpdatePodToleration (the rejected pod itself gained a toleration),
        // as does PodTopologySpread: `Simulation::update_pod` asks their hints directly
        // (`on_own_update_hinted`), as the event concerns that one pod.
        names::TAINT_TOLERATION => matches!(event, NodeAdd | NodeTaintUpdate),
        names::NODE_UNSCHEDULABLE => matches!(event, NodeAdd | NodeTaintUpdate),
        names::NODE_NAME => matches!(event, NodeAdd),
        // node_affinity.go: Node Add|UpdateNodeLabel.
        names::NODE_AFFINITY => matches!(event, NodeAdd | NodeLabelUpdate),
        // fit.go registers Node Add|UpdateNodeAllocatable, Pod/Delete and UpdatePodScaleDown
        // (an in-place resize that lowers requests, which Bindery has no way to make);
        // node_ports.go Pod/Delete only, and with queueing hints (on since v1.32) Node/Add
        // only. So an assigned pod's other updates (labels, a preempted victim's
        // DisruptionTarget and deletionTimestamp) do not requeue pods these two rejected.
        names::NODE_RESOURCES_FIT => {
            matches!(event, NodeAdd | NodeAllocatableUpdate | AssignedPodDelete)
        }
        names::NODE_PORTS => matches!(event, NodeAdd | AssignedPodDelete),
        // volume_restrictions.go: Pod Delete, Node Add, PersistentVolumeClaim Add (the
        // claim's access modes are read when it exists; a claim's updates do not retry).
        names::VOLUME_RESTRICTIONS => matches!(event, NodeAdd | AssignedPodDelete | PvcAdd),
        names::NODE_VOLUME_LIMITS => matches!(
            event,
            CsiNodeChange | AssignedPodDelete | PvcAdd | PvAdd | StorageClassAdd | NodeAdd
        ),
        // volume_binding.go: Node Add|UpdateNodeLabel with queueing hints.
        names::VOLUME_BINDING => matches!(
            event,
            NodeAdd
                | NodeLabelUpdate
                | PvAdd
                | PvUpdate
                | PvcAdd
                | PvcUpdate
                | StorageClassAdd
                | StorageClassUpdate
                | CsiNodeChange
                | CsiDriverChange
                | CsiStorageCapacityChange
        ),
        // volume_zone.go: Node Add|UpdateNodeLabel with queueing hints.
        names::VOLUME_ZONE => matches!(
            event,
            NodeAdd | NodeLabelUpdate | PvAdd | PvUpdate | PvcAdd | PvcUpdate | StorageClassAdd
        ),
        // interpodaffinity/plugin.go and podtopologyspread/plugin.go: Pod
        // Add|UpdatePodLabel|Delete (an assigned pod's other updates are `UpdatePodOther`,
        // which neither registers for: a victim's DisruptionTarget condition and
        // deletionTimestamp do not retry its preemptor, its deletion does); Node
        // Add|UpdateNodeLabel for InterPodAffinity, Add|UpdateNodeLabel|UpdateNodeTaint|Delete
        // for PodTopologySpread (its nodeTaintsPolicy can count a node in or out).
        names::INTER_POD_AFFINITY => matches!(
            event,
            NodeAdd | NodeLabelUpdate | AssignedPodAdd | AssignedPodLabelUpdate | AssignedPodDelete
        ),
        names::POD_TOPOLOGY_SPREAD => matches!(
            event,
            NodeAdd
                | NodeLabelUpdate
                | NodeTaintUpdate
                | NodeDelete
                | AssignedPodAdd
                | AssignedPodLabelUpdate
                | AssignedPodDelete
        ),
        // Pods rejected without a plugin (errors), or by a PostFilter, retry on anything.
        _ => true,
    }
}

/// PrioritySort's order: higher priority first, then earlier queue timestamp. The
/// sequence number orders pods queued at the same simulated instant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ActiveKey {
    neg_priority: i64,
    timestamp: SimTime,
    seq: u64,
    pod: ObjectKey,
}

/// `lessBackoffCompletedWithPriority`: the (window-aligned) backoff expiry, then as activeQ
/// orders pods (priority, then queue timestamp).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct BackoffKey {
    expiry: SimTime,
    neg_priority: i64,
    timestamp: SimTime,
    seq: u64,
    pod: ObjectKey,
}

#[derive(Clone, Debug)]
enum Place {
    Active(ActiveKey),
    Backoff(BackoffKey),
    Unschedulable,
    /// Popped and being scheduled or bound.
    InFlight,
}

#[derive(Clone, Debug)]
struct Entry {
    priority: i32,
    place: Place,
    timestamp: SimTime,
    /// Failed attempts with rejecting plugins (`UnschedulableCount`).
    unschedulable_count: u32,
    consecutive_errors: u32,
    rejectors: BTreeSet<&'static str>,
}

#[derive(Clone, Debug, Default)]
pub struct SchedulingQueue {
    active: BTreeSet<ActiveKey>,
    backoff: BTreeSet<BackoffKey>,
    /// Pods waiting for a cluster event, by a plugin that rejected them (`*` for errors),
    /// so an event only looks at the pods its interested plugins turned away.
    unschedulable: BTreeMap<&'static str, BTreeSet<ObjectKey>>,
    unschedulable_count: usize,
    entries: BTreeMap<ObjectKey, Entry>,
    seq: u64,
}

impl SchedulingQueue {
    /// Rebuilds the queue's big trees with full nodes ([`crate::repack`]).
    pub(crate) fn repack(&mut self) {
        crate::repack::set(&mut self.active);
        crate::repack::map(&mut self.entries);
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn contains(&self, pod: &ObjectKey) -> bool {
        self.entries.contains_key(pod)
    }

    pub fn len_active(&self) -> usize {
        self.active.len()
    }

    pub fn len_backoff(&self) -> usize {
        self.backoff.len()
    }

    pub fn len_unschedulable(&self) -> usize {
        self.unschedulable_count
    }

    fn unindex_unschedulable(&mut self, pod: &ObjectKey) {
        let Some(e) = self.entries.get(pod) else {
            return;
        };
        if !matches!(e.place, Place::Unschedulable) {
            return;
        }
        for r in &e.rejectors {
            if let Some(set) = self.unschedulable.get_mut(r) {
                set.remove(pod);
                if set.is_empty() {
                    self.unschedulable.remove(r);
                }
            }
        }
        self.unschedulable_count -= 1;
    }

    pub fn is_empty(&self) -> bool {
        self.active.is_empty() && self.backoff.is_empty()
    }

    /// A new pod (or one whose spec changed) goes straight to activeQ.
    pub fn add(&mut self, pod: ObjectKey, priority: i32, now: SimTime) {
        self.remove(&pod);
        let seq = self.next_seq();
        let key = ActiveKey {
            neg_priority: -(priority as i64),
            timestamp: now,
            seq,
            pod: pod.clone(),
        };
        self.active.insert(key.clone());
        self.entries.insert(
            pod,
            Entry {
                priority,
                place: Place::Active(key),
                timestamp: now,
                unschedulable_count: 0,
                consecutive_errors: 0,
                rejectors: BTreeSet::new(),
            },
        );
    }

    pub fn remove(&mut self, pod: &ObjectKey) {
        self.unindex_unschedulable(pod);
        if let Some(e) = self.entries.remove(pod) {
            match e.place {
                Place::Active(k) => {
                    self.active.remove(&k);
                }
                Place::Backoff(k) => {
                    self.backoff.remove(&k);
                }
                Place::Unschedulable | Place::InFlight => {}
            }
        }
    }

    /// Pops the next pod: activeQ first, else the backoff queue's head (PopFromBackoffQ).
    pub fn pop(&mut self) -> Option<ObjectKey> {
        let pod = if let Some(k) = self.active.pop_first() {
            k.pod
        } else {
            self.backoff.pop_first()?.pod
        };
        if let Some(e) = self.entries.get_mut(&pod) {
            e.place = Place::InFlight;
            e.rejectors.clear();
        }
        Some(pod)
    }

    fn backoff_ms(e: &Entry) -> u64 {
        let count = if e.consecutive_errors > 0 {
            e.consecutive_errors
        } else {
            e.unschedulable_count
        };
        if count == 0 {
            return 0;
        }
        let shift = (count - 1).min(16);
        (INITIAL_BACKOFF_MS << shift).min(MAX_BACKOFF_MS)
    }

    /// `AddUnschedulableIfNotPresent` after a failed attempt. No rejecting plugin means an
    /// error: the pod retries after backoff without waiting for an event.
    pub fn add_unschedulable(
        &mut self,
        pod: ObjectKey,
        rejectors: BTreeSet<&'static str>,
        now: SimTime,
    ) {
        let Some(e) = self.entries.get_mut(&pod) else {
            return;
        };
        e.timestamp = now;
        if rejectors.is_empty() {
            e.consecutive_errors += 1;
            e.rejectors.clear();
        } else {
            e.unschedulable_count += 1;
            e.consecutive_errors = 0;
            e.rejectors = rejectors;
        }
        if e.rejectors.is_empty() {
            self.move_to_backoff(&pod, now);
        } else {
            e.place = Place::Unschedulable;
            for r in e.rejectors.clone() {
                self.unschedulable.entry(r).or_default().insert(pod.clone());
            }
            self.unschedulable_count += 1;
        }
    }

    fn move_to_backoff(&mut self, pod: &ObjectKey, now: SimTime) {
        self.unindex_unschedulable(pod);
        let seq = self.next_seq();
        let Some(e) = self.entries.get_mut(pod) else {
            return;
        };
        let backoff = Self::backoff_ms(e);
        let expiry = align_to_window(e.timestamp.plus_millis(backoff));
        // `isPodBackingoff`: a pod backs off until the window holding its expiry has ended.
        // The queue timestamp stays that of the failed attempt, which is what PrioritySort
        // compares once the pod is back in activeQ.
        if backoff == 0 || expiry < align_to_window(now) {
            let key = ActiveKey {
                neg_priority: -(e.priority as i64),
                timestamp: e.timestamp,
                seq,
                pod: pod.clone(),
            };
            e.place = Place::Active(key.clone());
            self.active.insert(key);
        } else {
            let key = BackoffKey {
                expiry,
                neg_priority: -(e.priority as i64),
                timestamp: e.timestamp,
                seq,
                pod: pod.clone(),
            };
            e.place = Place::Backoff(key.clone());
            self.backoff.insert(key);
        }
    }

    /// `MoveAllToActiveOrBackoffQueue` for one event; returns how many pods moved.
    pub fn on_event(&mut self, event: ClusterEvent, now: SimTime) -> usize {
        self.on_event_hinted(event, now, |_, _| true)
    }

    /// [`on_event`](Self::on_event) with queueing hints: a pod moves when one of the
    /// plugins that rejected it registers the event and `worth(plugin, pod)` holds.
    pub fn on_event_hinted(
        &mut self,
        event: ClusterEvent,
        now: SimTime,
        worth: impl Fn(&str, &ObjectKey) -> bool,
    ) -> usize {
        let movable: BTreeSet<ObjectKey> = self
            .unschedulable
            .iter()
            .filter(|(plugin, _)| interested(plugin, event))
            .flat_map(|(plugin, pods)| pods.iter().filter(|pod| worth(plugin, pod)))
            .cloned()
            .collect();
        for pod in &movable {
            self.move_to_backoff(pod, now);
        }
        movable.len()
    }

    /// `on_event_hinted` for a hint that reads only the changed object (a volume, class or
    /// CSI object), not the pending pod: `worth(plugin)` is asked once per rejecting
    /// plugin, and all the pods that plugin rejected move when it holds.
    pub fn on_object_event_hinted(
        &mut self,
        event: ClusterEvent,
        now: SimTime,
        worth: impl Fn(&str) -> bool,
    ) -> usize {
        let movable: BTreeSet<ObjectKey> = self
            .unschedulable
            .iter()
            .filter(|(plugin, _)| interested(plugin, event) && worth(plugin))
            .flat_map(|(_, pods)| pods.iter())
            .cloned()
            .collect();
        for pod in &movable {
            self.move_to_backoff(pod, now);
        }
        movable.len()
    }

    /// The pending pod's own update, with each rejecting plugin's queueing hint for it:
    /// moves it back when `worth(plugin)` holds for any plugin that rejected it.
    pub fn on_own_update_hinted(
        &mut self,
        pod: &ObjectKey,
        now: SimTime,
        worth: impl Fn(&str) -> bool,
    ) {
        let Some(e) = self.entries.get(pod) else {
            return;
        };
        if matches!(e.place, Place::Unschedulable) && e.rejectors.iter().any(|r| worth(r)) {
            self.move_to_backoff(pod, now);
        }
    }

    /// The unschedulable pods with the time they entered the pool (a scan: the flush is
    /// looked for only when the clock moves).
    fn unschedulable_since(&self) -> impl Iterator<Item = (&ObjectKey, SimTime)> {
        self.entries
            .iter()
            .filter(|(_, e)| matches!(e.place, Place::Unschedulable))
            .map(|(k, e)| (k, e.timestamp))
    }

    /// When `flushUnschedulablePodsLeftover` next finds a pod that has waited in the
    /// unschedulable pool for more than five minutes: the first 30-second tick after that.
    pub fn next_unschedulable_flush(&self) -> Option<SimTime> {
        if self.unschedulable_count == 0 {
            return None;
        }
        let since = self.unschedulable_since().map(|(_, t)| t).min()?;
        let due = since.millis() + MAX_IN_UNSCHEDULABLE_MS;
        Some(SimTime(
            (due / UNSCHEDULABLE_FLUSH_PERIOD_MS + 1) * UNSCHEDULABLE_FLUSH_PERIOD_MS,
        ))
    }

    /// `flushUnschedulablePodsLeftover` at `now`: every pod in the unschedulable pool for
    /// more than five minutes moves back (event `UnschedulableTimeout`, a wildcard no hint
    /// filters). Returns how many moved.
    pub fn flush_unschedulable_leftover(&mut self, now: SimTime) -> usize {
        if self.unschedulable_count == 0 {
            return 0;
        }
        let due: Vec<ObjectKey> = self
            .unschedulable_since()
            .filter(|(_, since)| {
                now.millis().saturating_sub(since.millis()) > MAX_IN_UNSCHEDULABLE_MS
            })
            .map(|(pod, _)| pod.clone())
            .collect();
        for pod in &due {
            self.move_to_backoff(pod, now);
        }
        due.len()
    }

    /// The earliest backoff expiry, if any pod waits in the backoff queue.
    pub fn next_backoff_expiry(&self) -> Option<SimTime> {
        self.backoff.first().map(|k| k.expiry)
    }

    pub fn is_unschedulable(&self, pod: &ObjectKey) -> bool {
        matches!(
            self.entries.get(pod).map(|e| &e.place),
            Some(Place::Unschedulable)
        )
    }

    /// Pods waiting in the queue (any place but in flight), by key.
    pub fn pending(&self) -> impl Iterator<Item = &ObjectKey> {
        self.entries
            .iter()
            .filter(|(_, e)| !matches!(e.place, Place::InFlight))
            .map(|(k, _)| k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: &str) -> ObjectKey {
        ObjectKey::new("default", n)
    }

    #[test]
    fn priority_then_fifo() {
        let mut q = SchedulingQueue::default();
        q.add(key("low"), 0, SimTime(0));
        q.add(key("high"), 100, SimTime(0));
        q.add(key("low2"), 0, SimTime(0));
        assert_eq!(q.pop(), Some(key("high")));
        assert_eq!(q.pop(), Some(key("low")));
        assert_eq!(q.pop(), Some(key("low2")));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn unschedulable_pods_wait_for_interesting_events() {
        let mut q = SchedulingQueue::default();
        q.add(key("p"), 0, SimTime(0));
        q.pop();
        q.add_unschedulable(key("p"), [names::VOLUME_RESTRICTIONS].into(), SimTime(0));
        assert_eq!(q.on_event(ClusterEvent::NodeLabelUpdate, SimTime(0)), 0);
        assert!(q.is_unschedulable(&key("p")));
        assert_eq!(q.on_event(ClusterEvent::AssignedPodDelete, SimTime(0)), 1);
        assert_eq!(q.next_backoff_expiry(), Some(SimTime(1000)));
        assert_eq!(
            q.pop(),
            Some(key("p")),
            "an idle activeQ pops from backoff early"
        );
    }

    /// InterPodAffinity and PodTopologySpread register Pod Add|UpdatePodLabel|Delete: an
    /// assigned pod's other updates (a victim's DisruptionTarget condition and
    /// deletionTimestamp) leave their rejected pods where they are.
    #[test]
    fn pod_affinity_rejections_wait_for_label_updates_not_other_updates() {
        for plugin in [names::INTER_POD_AFFINITY, names::POD_TOPOLOGY_SPREAD] {
            let mut q = SchedulingQueue::default();
            q.add(key("p"), 0, SimTime(0));
            q.pop();
            q.add_unschedulable(key("p"), [plugin].into(), SimTime(0));
            assert_eq!(q.on_event(ClusterEvent::AssignedPodUpdate, SimTime(0)), 0);
            assert!(q.is_unschedulable(&key("p")), "{plugin}");
            assert_eq!(
                q.on_event(ClusterEvent::AssignedPodLabelUpdate, SimTime(0)),
                1
            );
        }
    }
}
