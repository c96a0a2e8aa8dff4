//! The object store: every object the simulated API server holds, plus the indexes the
//! controllers and the scheduler need to stay fast on large clusters.
//!
//! All maps are `BTreeMap`s keyed by name (or namespace/name), so every iteration is in a
//! deterministic order. Objects are `Arc`s: cloning a `Cluster` (a snapshot) copies
//! pointers, and writers replace an object with a new `Arc`, never mutate a shared one.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use foldhash::fast::FixedState;
use std::sync::Arc;

use crate::kept::{Kept, KeptEncoder};
use crate::model::*;
use crate::quantity::Bytes;
use crate::small_set::SmallSet;

/// PriorityClasses every cluster has (`scheduling.SystemPriorityClasses`).
pub const SYSTEM_PRIORITY_CLASSES: [(&str, i32); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// Available PVs of one class, smallest first (ties by name).
#[derive(Clone, Debug, Default)]
struct AvailableIndex {
    /// PVs whose node affinity is exactly `kubernetes.io/hostname In [host]`, by the
    /// host's [`HostKey::hash`]. Hashed, not ordered: it is only looked up (once per node
    /// per cycle) or collected and sorted. Keying by the hash lets the scheduler reject a
    /// node without reading its hostname's bytes (a cache miss per node at 5000 nodes);
    /// on a hit the hostname is compared once. The host is stored in the map's slot, not
    /// behind another pointer: the scheduler probes this map for hundreds of nodes per
    /// cycle, and every pointer chased is a cache miss.
    by_host: HashMap<u64, HostPvs, FixedState>,
    /// Hosts whose hash equals that of a different host in `by_host` (a 64-bit collision:
    /// in practice never, but the index must stay right). A host is here only while
    /// `by_host` holds another host under its hash.
    collided: Vec<HostPvs>,
    other: BTreeMap<(Bytes, String), AvailablePv>,
}

/// The available PVs pinned to one host, smallest first (ties by name): a sorted `Vec`,
/// as a host has a handful of disks and the Filter reads them for every node it visits.
#[derive(Clone, Debug)]
struct HostPvs {
    /// Interned ([`Cluster::intern_hostname`]).
    host: Arc<str>,
    /// A copy of `pvs[0].traits` (`pvs` is never empty): the smallest PV is the one most
    /// probes take, and with its traits at hand they take it without reading `pvs`'s
    /// buffer, a cache miss per node.
    smallest: PvTraits,
    /// The union of the PVs' access-mode bits: a claim wanting a mode none of them has
    /// (a ReadWriteOncePod claim on a host of ReadWriteOnce disks) is turned away without
    /// reading `pvs`.
    access_modes_any: u8,
    pvs: Vec<AvailablePv>,
}

impl HostPvs {
    fn new(host: Arc<str>, pv: AvailablePv) -> HostPvs {
        HostPvs {
            host,
            smallest: pv.traits,
            access_modes_any: pv.traits.access_modes,
            pvs: vec![pv],
        }
    }

    /// Where the PV `(capacity, name)` is or would go.
    fn search(&self, capacity: Bytes, name: &str) -> Result<usize, usize> {
        self.pvs
            .binary_search_by(|e| (e.traits.capacity, e.pv.name()).cmp(&(capacity, name)))
    }

    fn insert(&mut self, pv: AvailablePv) {
        let at = self
            .search(pv.traits.capacity, pv.pv.name())
            .unwrap_or_else(|at| at);
        self.access_modes_any |= pv.traits.access_modes;
        self.pvs.insert(at, pv);
        self.smallest = self.pvs[0].traits;
    }

    /// Removes the PV `(capacity, name)`; false when that leaves none.
    fn remove(&mut self, capacity: Bytes, name: &str) -> bool {
        if let Ok(at) = self.search(capacity, name) {
            self.pvs.remove(at);
        }
        self.access_modes_any = self
            .pvs
            .iter()
            .fold(0, |bits, e| bits | e.traits.access_modes);
        match self.pvs.first() {
            Some(first) => {
                self.smallest = first.traits;
                true
            }
            None => false,
        }
    }

    /// The traits of `pvs[i]`, from the inline copy for the first.
    fn traits(&self, i: usize) -> PvTraits {
        if i == 0 {
            self.smallest
        } else {
            self.pvs[i].traits
        }
    }

    /// The index of the first PV with at least `min_capacity` (`pvs.len()`: none).
    fn first_at_least(&self, min_capacity: Bytes) -> usize {
        if self.smallest.capacity >= min_capacity {
            0
        } else {
            self.pvs
                .partition_point(|e| e.traits.capacity < min_capacity)
        }
    }
}

impl AvailableIndex {
    /// The PVs pinned to `host`.
    fn host(&self, hash: u64, host: &str) -> Option<&HostPvs> {
        let first = self.by_host.get(&hash)?;
        if same_host(&first.host, host) {
            return Some(first);
        }
        self.collided.iter().find(|h| *h.host == *host)
    }

    /// Adds `pv` under `host`, which must be interned.
    fn insert_pinned(&mut self, host: Arc<str>, pv: AvailablePv) {
        match self.by_host.entry(host_hash(&host)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(HostPvs::new(host, pv));
            }
            std::collections::hash_map::Entry::Occupied(mut o) if *o.get().host == *host => {
                o.get_mut().insert(pv)
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                match self.collided.iter_mut().find(|h| *h.host == *host) {
                    Some(h) => h.insert(pv),
                    None => self.collided.push(HostPvs::new(host, pv)),
                }
            }
        }
    }

    fn remove_pinned(&mut self, host: &str, capacity: Bytes, name: &str) {
        let hash = host_hash(host);
        let Some(first) = self.by_host.get_mut(&hash) else {
            return;
        };
        if *first.host == *host {
            if !first.remove(capacity, name) {
                // A collided host with the same hash takes the emptied slot.
                match self
                    .collided
                    .iter()
                    .position(|h| host_hash(&h.host) == hash)
                {
                    Some(at) => *first = self.collided.swap_remove(at),
                    None => {
                        self.by_host.remove(&hash);
                    }
                }
            }
        } else if let Some(at) = self.collided.iter().position(|h| *h.host == *host) {
            if !self.collided[at].remove(capacity, name) {
                self.collided.swap_remove(at);
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.by_host.is_empty() && self.other.is_empty()
    }
}

/// One entry of the available-PV index: the PV, and inline what the scheduler's Filter
/// rejects most candidates on, so scanning a node's disks does not chase the PVs' pointers.
#[derive(Clone, Debug)]
struct AvailablePv {
    traits: PvTraits,
    pv: Arc<PersistentVolume>,
}

/// What the index keeps of a PV besides the PV itself.
#[derive(Clone, Copy, Debug)]
struct PvTraits {
    capacity: Bytes,
    /// Bit `1 << (mode as u8)` for each of the PV's access modes.
    access_modes: u8,
    volume_mode: VolumeMode,
    deleting: bool,
    /// No VolumeAttributesClass.
    no_vac: bool,
}

impl AvailablePv {
    fn new(pv: &Arc<PersistentVolume>) -> AvailablePv {
        AvailablePv {
            traits: PvTraits {
                capacity: pv.capacity,
                access_modes: access_mode_bits(&pv.access_modes),
                volume_mode: pv.volume_mode,
                deleting: pv.meta.deletion.is_some(),
                no_vac: pv
                    .volume_attributes_class_name
                    .as_deref()
                    .unwrap_or("")
                    .is_empty(),
            },
            pv: pv.clone(),
        }
    }
}

impl PvTraits {
    /// A necessary condition of `classify_volume(pv, claim, false, true)` being
    /// `Candidate::Yes` (access modes, volume mode, deletion), read without the PV.
    fn may_suit(&self, want: &ClaimNeeds) -> bool {
        self.access_modes & want.access_modes == want.access_modes
            && self.volume_mode == want.volume_mode
            && !self.deleting
    }

    /// Given [`Self::may_suit`], is `classify_volume` certainly `Candidate::Yes`? The index
    /// holds only Available PVs without a claimRef, under their class and capacity, so
    /// what is left is the VolumeAttributesClass and the claim's selector.
    fn surely_suits(&self, want: &ClaimNeeds) -> bool {
        want.plain && self.no_vac
    }
}

/// What a claim asks of every candidate volume, in the index's inline form.
#[derive(Clone, Copy, Debug)]
pub struct ClaimNeeds {
    access_modes: u8,
    volume_mode: VolumeMode,
    /// No selector and no VolumeAttributesClass.
    plain: bool,
}

impl ClaimNeeds {
    pub fn of(claim: &PersistentVolumeClaim) -> ClaimNeeds {
        ClaimNeeds {
            access_modes: access_mode_bits(&claim.access_modes),
            volume_mode: claim.volume_mode,
            plain: claim.selector.is_none()
                && claim
                    .volume_attributes_class_name
                    .as_deref()
                    .unwrap_or("")
                    .is_empty(),
        }
    }
}

fn access_mode_bits(modes: &[AccessMode]) -> u8 {
    modes.iter().fold(0, |bits, m| bits | 1 << (*m as u8))
}

/// A hostname with its hash, as the available-PV index looks it up.
#[derive(Clone, Copy, Debug)]
pub struct HostKey<'a> {
    pub hash: u64,
    pub name: &'a str,
}

impl<'a> HostKey<'a> {
    pub fn new(name: &'a str) -> HostKey<'a> {
        HostKey {
            hash: host_hash(name),
            name,
        }
    }
}

/// The fixed-seed hash of a hostname (the same in every process and in wasm).
pub fn host_hash(name: &str) -> u64 {
    use std::hash::BuildHasher;
    FixedState::default().hash_one(name)
}

/// Is `node_host` (a node's hostname) `indexed` (a host of the available-PV index)?
/// Both are interned by the cluster, so equal names are normally one allocation and
/// comparing addresses spares reading two strings (two cache misses per node probed);
/// names from elsewhere are compared by their bytes.
fn same_host(indexed: &str, node_host: &str) -> bool {
    std::ptr::eq(indexed, node_host) || indexed == node_host
}

/// The host a PV is pinned to when its node affinity is a single hostname requirement.
fn pinned_host(pv: &PersistentVolume) -> Option<&str> {
    let sel = pv.node_affinity.as_ref()?;
    let [term] = sel.terms.as_slice() else {
        return None;
    };
    let [req] = term.match_expressions.as_slice() else {
        return None;
    };
    if !term.match_fields.is_empty()
        || req.key != well_known::LABEL_HOSTNAME
        || req.operator != crate::model::selector::NodeSelectorOperator::In
        || req.values.len() != 1
    {
        return None;
    }
    Some(&req.values[0])
}

#[derive(Clone, Debug, Default)]
pub struct Cluster {
    pub nodes: BTreeMap<String, Arc<Node>>,
    pub storage_classes: BTreeMap<String, Arc<StorageClass>>,
    pub priority_classes: BTreeMap<String, Arc<PriorityClass>>,
    pub csi_nodes: BTreeMap<String, Arc<CsiNode>>,
    pub csi_drivers: BTreeMap<String, Arc<CsiDriver>>,
    pub csi_capacities: BTreeMap<ObjectKey, Arc<CsiStorageCapacity>>,
    pub pdbs: BTreeMap<ObjectKey, Arc<PodDisruptionBudget>>,
    pvs: BTreeMap<String, Arc<PersistentVolume>>,
    pvcs: BTreeMap<ObjectKey, Arc<PersistentVolumeClaim>>,
    pods: BTreeMap<ObjectKey, Arc<Pod>>,
    /// Pods that terminated and left the API, kept so their story stays visible.
    pub deleted_pods: Vec<Arc<Pod>>,
    /// The manifest each user object was created from (compact JSON, stored as a delta
    /// against a like one: [`crate::kept`]), so that export keeps fields the engine does not
    /// model (container images, commands, …). Written by [`Cluster::keep_manifest`].
    pub manifests: BTreeMap<(Kind, ObjectKey), Kept>,
    /// Available, unclaimed PVs by class: the binders' candidate lists.
    available_by_class: BTreeMap<Arc<str>, AvailableIndex>,
    /// PV names (each PV's own) by the claim (`ns/name`) their claimRef names; the key
    /// shares the claim's strings when the claim exists ([`Cluster::claim_key`]).
    pvs_by_claim_ref: BTreeMap<ObjectKey, SmallSet<Arc<str>>>,
    /// Claims without a volume name, by class name (`""` for none).
    unbound_claims_by_class: BTreeMap<String, BTreeSet<ObjectKey>>,
    /// Pod keys by the claim key (`ns/claim`) their volumes reference (keys as in
    /// `pvs_by_claim_ref`).
    pods_by_claim: BTreeMap<ObjectKey, SmallSet<ObjectKey>>,
    pub stateful_sets: BTreeMap<ObjectKey, Arc<StatefulSet>>,
    pub deployments: BTreeMap<ObjectKey, Arc<Deployment>>,
    pub replica_sets: BTreeMap<ObjectKey, Arc<ReplicaSet>>,
    /// Pods by the workload (`kind`, `ns/name`) their controller reference names.
    pods_by_owner: BTreeMap<(Kind, ObjectKey), BTreeSet<ObjectKey>>,
    /// Claims by the UID of each owner their ownerReferences name (the garbage
    /// collector's view of a StatefulSet's claims).
    claims_by_owner_uid: BTreeMap<Uid, BTreeSet<ObjectKey>>,
    /// Workloads one of whose pods changed since their controller last looked: the
    /// informer events that wake the workload controllers.
    pub(crate) owners_touched: BTreeSet<(Kind, ObjectKey)>,
    /// The manifest each object a controller created came from (a pod or claim stamped out
    /// of a template), so export can write the whole object. Not part of the scenario.
    pub generated: BTreeMap<(Kind, ObjectKey), Kept>,
    /// The bases `manifests` and `generated` are stored against.
    kept_encoder: KeptEncoder,
    /// Every hostname seen on a node or a hostname-pinned PV, one allocation each, shared
    /// by the nodes and the available-PV index (see [`same_host`]). Never shrinks: it
    /// holds one short string per host the cluster ever had.
    hostnames: BTreeSet<Arc<str>>,
    /// Every namespace an applied object named, one allocation each (a few strings),
    /// shared by the objects and their keys in every index.
    namespaces: BTreeSet<Arc<str>>,
    /// The CSI driver name of every CSI volume, one allocation each, shared by the volumes.
    csi_driver_names: BTreeSet<Arc<str>>,
    /// Every distinct PV node affinity seen, one allocation each, shared by the volumes
    /// that carry it (all volumes of a zone, or of a host). Only looked up, never iterated;
    /// never shrinks; shared between snapshots until a new selector comes.
    node_affinities: Arc<HashSet<Arc<NodeSelector>, FixedState>>,
    next_arrival: u64,
}

/// The one shared copy of `name` in `hostnames` (or another set of interned names).
fn intern(hostnames: &mut BTreeSet<Arc<str>>, name: &str) -> Arc<str> {
    if let Some(found) = hostnames.get(name) {
        return found.clone();
    }
    let new: Arc<str> = name.into();
    hostnames.insert(new.clone());
    new
}

/// The workload controlling a pod, as `(kind, ns/name)`, if it is one Bindery runs.
/// See [`Cluster::keep`].
pub const KEEP_WHOLE_BELOW: usize = 5_000;

#[cfg(test)]
thread_local! {
    /// [`KEEP_WHOLE_BELOW`], which a test may lower to compact small clusters too.
    pub(crate) static KEEP_WHOLE_BELOW_IN_TESTS: std::cell::Cell<usize> =
        const { std::cell::Cell::new(KEEP_WHOLE_BELOW) };
}

pub fn workload_owner(meta: &Meta) -> Option<(Kind, ObjectKey)> {
    let owner = meta.controller()?;
    let kind = Kind::parse(&owner.kind).filter(|k| k.is_workload())?;
    Some((
        kind,
        ObjectKey::new(meta.namespace.clone(), owner.name.clone()),
    ))
}

impl Cluster {
    /// Rebuilds the big maps and indexes with full nodes ([`crate::repack`]).
    pub(crate) fn repack(&mut self) {
        crate::repack::map(&mut self.manifests);
        crate::repack::map(&mut self.generated);
        crate::repack::map(&mut self.pods);
        crate::repack::map(&mut self.pvcs);
        crate::repack::map(&mut self.pvs);
        crate::repack::map(&mut self.pods_by_claim);
        crate::repack::map(&mut self.pvs_by_claim_ref);
        crate::repack::map(&mut self.pods_by_owner);
        crate::repack::map(&mut self.claims_by_owner_uid);
        for claims in self.unbound_claims_by_class.values_mut() {
            crate::repack::set(claims);
        }
        for pods in self.pods_by_owner.values_mut() {
            crate::repack::set(pods);
        }
    }

    /// The number of objects the big maps hold, which decides when to repack them.
    pub(crate) fn object_count(&self) -> usize {
        self.pods.len() + self.pvcs.len() + self.pvs.len() + self.manifests.len()
    }

    /// See [`crate::Simulation::drop_in_parts`].
    pub(crate) fn drop_in_parts(mut self, after: &mut dyn FnMut(&str)) {
        use std::mem::take;
        drop((
            take(&mut self.manifests),
            take(&mut self.generated),
            take(&mut self.kept_encoder),
        ));
        after("kept manifests");
        drop((
            take(&mut self.available_by_class),
            take(&mut self.pvs_by_claim_ref),
            take(&mut self.unbound_claims_by_class),
            take(&mut self.pods_by_claim),
            take(&mut self.pods_by_owner),
            take(&mut self.claims_by_owner_uid),
            take(&mut self.owners_touched),
        ));
        after("cluster indexes");
        drop((take(&mut self.pods), take(&mut self.deleted_pods)));
        after("pods");
        drop(take(&mut self.pvcs));
        after("claims");
        drop(take(&mut self.pvs));
        after("volumes");
        drop(self);
        after("rest (nodes, classes, interned strings)");
    }

    pub fn new() -> Cluster {
        let mut c = Cluster::default();
        for (name, value) in SYSTEM_PRIORITY_CLASSES {
            c.priority_classes.insert(
                name.to_string(),
                Arc::new(PriorityClass {
                    meta: Meta {
                        name: name.into(),
                        uid: format!("system-priority-class-{name}").into(),
                        ..Meta::default()
                    },
                    value,
                    global_default: false,
                    preemption_policy: PreemptionPolicy::PreemptLowerPriority,
                    description: "Built-in system priority class".to_string(),
                }),
            );
        }
        c
    }

    /// The shared copy of the hostname `name` (see [`Node::hostname`]).
    pub fn intern_hostname(&mut self, name: &str) -> Arc<str> {
        intern(&mut self.hostnames, name)
    }

    /// The one shared copy of a namespace's name.
    pub fn intern_namespace(&mut self, namespace: &str) -> Arc<str> {
        intern(&mut self.namespaces, namespace)
    }

    /// A strictly increasing number stamped on objects as they arrive.
    pub fn next_arrival(&mut self) -> u64 {
        self.next_arrival += 1;
        self.next_arrival
    }

    // --- PersistentVolumes ----------------------------------------------------------------

    pub fn pvs(&self) -> &BTreeMap<String, Arc<PersistentVolume>> {
        &self.pvs
    }

    pub fn pv(&self, name: &str) -> Option<&Arc<PersistentVolume>> {
        self.pvs.get(name)
    }

    pub fn put_pv(&mut self, pv: Arc<PersistentVolume>) {
        if let Some(old) = self.pvs.get(pv.name()).cloned() {
            self.unindex_pv(&old);
        }
        self.index_pv(&pv);
        self.pvs.insert(pv.name().to_string(), pv);
    }

    pub fn remove_pv(&mut self, name: &str) -> Option<Arc<PersistentVolume>> {
        let pv = self.pvs.remove(name)?;
        self.unindex_pv(&pv);
        Some(pv)
    }

    fn index_pv(&mut self, pv: &Arc<PersistentVolume>) {
        if let Some(r) = &pv.claim_ref {
            let key = self.claim_key_of(r);
            self.pvs_by_claim_ref
                .entry(key)
                .or_default()
                .insert(pv.meta.name.clone());
        } else if pv.phase == PvPhase::Available {
            let idx = self
                .available_by_class
                .entry(pv.storage_class_name.clone())
                .or_default();
            match pinned_host(pv) {
                Some(host) => {
                    let host = intern(&mut self.hostnames, host);
                    idx.insert_pinned(host, AvailablePv::new(pv))
                }
                None => {
                    idx.other
                        .insert((pv.capacity, pv.name().to_string()), AvailablePv::new(pv));
                }
            }
        }
    }

    fn unindex_pv(&mut self, pv: &PersistentVolume) {
        if let Some(r) = &pv.claim_ref {
            let k = (&*r.namespace, &*r.name);
            let k = &k as &dyn KeyView;
            if let Some(set) = self.pvs_by_claim_ref.get_mut(k) {
                set.remove(pv.name());
                if set.is_empty() {
                    self.pvs_by_claim_ref.remove(k);
                }
            }
        } else if pv.phase == PvPhase::Available {
            if let Some(idx) = self.available_by_class.get_mut(&pv.storage_class_name) {
                match pinned_host(pv) {
                    Some(host) => idx.remove_pinned(host, pv.capacity, pv.name()),
                    None => {
                        idx.other.remove(&(pv.capacity, pv.name().to_string()));
                    }
                }
                if idx.is_empty() {
                    self.available_by_class.remove(&pv.storage_class_name);
                }
            }
        }
    }

    /// The first available, unclaimed PV of `class` with capacity of at least `min_capacity`
    /// that a node with hostname label `host` could reach and that `accept` takes, trying
    /// smallest first (ties by name): PVs pinned to `host` and PVs whose node affinity is
    /// not a plain hostname pin (still to be checked by `accept`), merged lazily. PVs that
    /// cannot suit a claim with `needs` are skipped without asking `accept`. `accept` is
    /// told whether the PV is pinned to `host` (its affinity is known to match) and whether
    /// the index already knows it passes `classify_volume` (so `accept` need not read it).
    pub fn first_available_pv_for_host(
        &self,
        class: &str,
        host: Option<HostKey<'_>>,
        min_capacity: Bytes,
        needs: ClaimNeeds,
        mut accept: impl FnMut(&Arc<PersistentVolume>, bool, bool) -> bool,
    ) -> Option<&Arc<PersistentVolume>> {
        let idx = self.available_by_class.get(class)?;
        let pinned = host.and_then(|h| idx.host(h.hash, h.name));
        let pinned_pvs = pinned.map_or(&[][..], |h| &h.pvs[..]);
        // The next pinned PV to look at, by index, so that the first one's traits come
        // from the slot's inline copy ([`HostPvs::smallest`]).
        let mut at = pinned.map_or(0, |h| h.first_at_least(min_capacity));
        let next_pinned = |at: &mut usize| -> Option<(usize, PvTraits)> {
            let h = pinned?;
            if h.access_modes_any & needs.access_modes != needs.access_modes {
                return None;
            }
            while *at < h.pvs.len() {
                let traits = h.traits(*at);
                if traits.may_suit(&needs) {
                    return Some((*at, traits));
                }
                *at += 1;
            }
            None
        };
        // `(min_capacity, "")` sorts before every PV of that capacity.
        let from = (min_capacity, String::new());
        let mut other = idx
            .other
            .range(&from..)
            .filter(|e| e.1.traits.may_suit(&needs))
            .peekable();
        loop {
            let candidate = next_pinned(&mut at);
            let take_pinned = match (candidate, other.peek()) {
                (None, None) => return None,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (Some((i, traits)), Some(((capacity, name), _))) => {
                    (traits.capacity, pinned_pvs[i].pv.name()) <= (*capacity, name.as_str())
                }
            };
            // Only the PV's address is taken here: it is read only if `accept` must.
            let (pv, traits) = match candidate {
                Some((i, traits)) if take_pinned => {
                    at = i + 1;
                    (&pinned_pvs[i].pv, traits)
                }
                _ => {
                    let e = other.next()?.1;
                    (&e.pv, e.traits)
                }
            };
            if accept(pv, take_pinned, traits.surely_suits(&needs)) {
                return Some(pv);
            }
        }
    }

    /// Are there available, unclaimed PVs of `class` at all?
    pub fn has_available_pvs(&self, class: &str) -> bool {
        self.available_by_class.contains_key(class)
    }

    /// Every available, unclaimed PV of `class`, smallest first.
    pub fn available_pvs_of_class(&self, class: &str) -> Vec<&Arc<PersistentVolume>> {
        let Some(idx) = self.available_by_class.get(class) else {
            return Vec::new();
        };
        let mut all: Vec<&AvailablePv> = idx
            .other
            .values()
            .chain(
                idx.by_host
                    .values()
                    .chain(&idx.collided)
                    .flat_map(|h| &h.pvs),
            )
            .collect();
        crate::sort::sort_by(&mut all, |a, b| {
            (a.traits.capacity, a.pv.name()).cmp(&(b.traits.capacity, b.pv.name()))
        });
        all.into_iter().map(|e| &e.pv).collect()
    }

    /// PVs whose claimRef names the claim `key` (pre-bound or bound), by name.
    pub fn pvs_claiming(&self, key: &ObjectKey) -> impl Iterator<Item = &Arc<PersistentVolume>> {
        self.pvs_by_claim_ref
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|n| self.pvs.get(&**n))
    }

    // --- PersistentVolumeClaims -----------------------------------------------------------

    pub fn pvcs(&self) -> &BTreeMap<ObjectKey, Arc<PersistentVolumeClaim>> {
        &self.pvcs
    }

    pub fn pvc(&self, key: &ObjectKey) -> Option<&Arc<PersistentVolumeClaim>> {
        self.pvcs.get(key)
    }

    pub fn pvc_by(&self, namespace: &str, name: &str) -> Option<&Arc<PersistentVolumeClaim>> {
        self.pvcs.get(&(namespace, name) as &dyn KeyView)
    }

    pub fn put_pvc(&mut self, pvc: Arc<PersistentVolumeClaim>) {
        let key = pvc.meta.key();
        if let Some(old) = self.pvcs.get(&key).cloned() {
            self.unindex_pvc(&old);
        }
        if pvc.volume_name.is_none() {
            self.unbound_claims_by_class
                .entry(pvc.class_name().to_string())
                .or_default()
                .insert(key.clone());
        }
        for o in &pvc.meta.owners {
            self.claims_by_owner_uid
                .entry(o.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        self.pvcs.insert(key, pvc);
    }

    pub fn remove_pvc(&mut self, key: &ObjectKey) -> Option<Arc<PersistentVolumeClaim>> {
        let pvc = self.pvcs.remove(key)?;
        self.unindex_pvc(&pvc);
        Some(pvc)
    }

    fn unindex_pvc(&mut self, pvc: &PersistentVolumeClaim) {
        for o in &pvc.meta.owners {
            if let Some(set) = self.claims_by_owner_uid.get_mut(&o.uid) {
                set.remove(&pvc.meta.key());
                if set.is_empty() {
                    self.claims_by_owner_uid.remove(&o.uid);
                }
            }
        }
        let class = pvc.class_name();
        if let Some(set) = self.unbound_claims_by_class.get_mut(class) {
            set.remove(&pvc.meta.key());
            if set.is_empty() {
                self.unbound_claims_by_class.remove(class);
            }
        }
    }

    /// The key of the claim `namespace/name` for an index: the stored claim's own key when
    /// the claim exists (its strings shared, no allocation), else a new one.
    fn claim_key(&self, namespace: &str, name: &str) -> ObjectKey {
        match self.pvcs.get_key_value(&(namespace, name) as &dyn KeyView) {
            Some((k, _)) => k.clone(),
            None => ObjectKey::new(namespace, name),
        }
    }

    /// The key of the claim `r` names: the claim's own when it exists (see
    /// [`Cluster::claim_key`]), else one sharing `r`'s strings.
    fn claim_key_of(&self, r: &crate::model::ClaimRef) -> ObjectKey {
        match self
            .pvcs
            .get_key_value(&(&*r.namespace, &*r.name) as &dyn KeyView)
        {
            Some((k, _)) => k.clone(),
            None => ObjectKey::new(r.namespace.clone(), r.name.clone()),
        }
    }

    /// Claims whose ownerReferences name the owner with this UID.
    pub fn claims_owned_by(&self, uid: &Uid) -> impl Iterator<Item = &ObjectKey> {
        self.claims_by_owner_uid.get(uid).into_iter().flatten()
    }

    /// Claims of `class` that have no volume name yet.
    pub fn unbound_claims_of_class(&self, class: &str) -> impl Iterator<Item = &ObjectKey> {
        self.unbound_claims_by_class
            .get(class)
            .into_iter()
            .flatten()
    }

    // --- Pods -------------------------------------------------------------------------------

    pub fn pods(&self) -> &BTreeMap<ObjectKey, Arc<Pod>> {
        &self.pods
    }

    pub fn pod(&self, key: &ObjectKey) -> Option<&Arc<Pod>> {
        self.pods.get(key)
    }

    pub fn put_pod(&mut self, pod: Arc<Pod>) {
        let key = pod.meta.key();
        if let Some(old) = self.pods.get(&key) {
            let owner = workload_owner(&pod.meta);
            if owner == workload_owner(&old.meta) && old.claim_names().eq(pod.claim_names()) {
                // A status, binding or label update (a pod's volumes are immutable): the
                // indexes hold the pod where they did. Taking it out and back in emptied
                // and re-created their sets, a few allocations per pod write.
                if let Some(owner) = owner {
                    self.owners_touched.insert(owner);
                }
                self.pods.insert(key, pod);
                return;
            }
            let old = old.clone();
            self.unindex_pod(&old);
        }
        for claim in pod.claim_names() {
            let claim_key = self.claim_key(&pod.meta.namespace, claim);
            self.pods_by_claim
                .entry(claim_key)
                .or_default()
                .insert(key.clone());
        }
        if let Some(owner) = workload_owner(&pod.meta) {
            self.pods_by_owner
                .entry(owner.clone())
                .or_default()
                .insert(key.clone());
            self.owners_touched.insert(owner);
        }
        self.pods.insert(key, pod);
    }

    pub fn remove_pod(&mut self, key: &ObjectKey) -> Option<Arc<Pod>> {
        let pod = self.pods.remove(key)?;
        self.unindex_pod(&pod);
        Some(pod)
    }

    fn unindex_pod(&mut self, pod: &Pod) {
        let key = pod.meta.key();
        if let Some(owner) = workload_owner(&pod.meta) {
            if let Some(set) = self.pods_by_owner.get_mut(&owner) {
                set.remove(&key);
                if set.is_empty() {
                    self.pods_by_owner.remove(&owner);
                }
            }
            self.owners_touched.insert(owner);
        }
        for claim in pod.claim_names() {
            let ck = (&*pod.meta.namespace, claim);
            let ck = &ck as &dyn KeyView;
            if let Some(set) = self.pods_by_claim.get_mut(ck) {
                set.remove(&key);
                if set.is_empty() {
                    self.pods_by_claim.remove(ck);
                }
            }
        }
    }

    /// Live pods whose volumes reference the claim `key`, by pod key.
    pub fn pods_using_claim<'a>(
        &'a self,
        key: &ObjectKey,
    ) -> impl Iterator<Item = &'a Arc<Pod>> + 'a {
        self.pods_by_claim
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|k| self.pods.get(k))
    }

    /// Live pods whose controller reference names the workload `owner`, by pod key.
    pub fn pods_owned_by<'a>(
        &'a self,
        kind: Kind,
        owner: &ObjectKey,
    ) -> impl Iterator<Item = &'a Arc<Pod>> + 'a {
        self.pods_by_owner
            .get(&(kind, owner.clone()))
            .into_iter()
            .flatten()
            .filter_map(|k| self.pods.get(k))
    }

    /// ReplicaSets whose controller reference names the Deployment `owner`, by name.
    pub fn replica_sets_of<'a>(
        &'a self,
        owner: &'a ObjectKey,
    ) -> impl Iterator<Item = &'a Arc<ReplicaSet>> + 'a {
        self.replica_sets.values().filter(move |rs| {
            rs.meta.namespace == owner.namespace
                && rs
                    .meta
                    .controller()
                    .is_some_and(|o| o.kind == "Deployment" && o.name == owner.name)
        })
    }

    /// The source manifest of an object: the user's, or the template-made one of an object a
    /// controller created.
    pub fn source_of(&self, kind: Kind, key: &ObjectKey) -> Option<Cow<'_, str>> {
        let id = (kind, key.clone());
        self.manifests
            .get(&id)
            .or_else(|| self.generated.get(&id))
            .map(Kept::text)
    }

    /// Makes `pv`'s strings shared copies: its node affinity the one copy of that selector,
    /// its class name the StorageClass's, its claimRef's namespace the interned one and its
    /// name the claim's (when they exist). 150k volumes then hold no copies of their own.
    pub fn share_pv_strings(&mut self, pv: &mut PersistentVolume) {
        self.share_node_affinity(pv);
        if let crate::model::PvSource::Csi { driver, .. } = &mut pv.source {
            *driver = intern(&mut self.csi_driver_names, driver);
        }
        if let Some(class) = self.storage_classes.get(&*pv.storage_class_name) {
            pv.storage_class_name = class.meta.name.clone();
        }
        if let Some(r) = &mut pv.claim_ref {
            let key = self.claim_key_of(r);
            r.name = key.name;
            r.namespace = match self.namespaces.get(&*key.namespace) {
                Some(interned) => interned.clone(),
                None => key.namespace,
            };
        }
    }

    /// Makes `pvc`'s class name the StorageClass's and its volume name the volume's (when
    /// they exist).
    pub fn share_claim_strings(&self, pvc: &mut PersistentVolumeClaim) {
        if let Some(class) = &mut pvc.storage_class_name {
            if let Some(c) = self.storage_classes.get(&**class) {
                *class = c.meta.name.clone();
            }
        }
        if let Some(volume) = &mut pvc.volume_name {
            if let Some(pv) = self.pvs.get(&**volume) {
                *volume = pv.meta.name.clone();
            }
        }
    }

    /// Makes `pv`'s node affinity the one shared copy of that selector.
    fn share_node_affinity(&mut self, pv: &mut PersistentVolume) {
        let Some(sel) = &mut pv.node_affinity else {
            return;
        };
        match self.node_affinities.get(&**sel) {
            Some(shared) => *sel = shared.clone(),
            None => {
                Arc::make_mut(&mut self.node_affinities).insert(sel.clone());
            }
        }
    }

    /// Keeps the manifest a user object was applied from (see `manifests`).
    pub fn keep_manifest(&mut self, kind: Kind, key: ObjectKey, source: &str) {
        let kept = self.keep(kind, source);
        self.manifests.insert((kind, key), kept);
    }

    /// Keeps the manifest a controller made an object from (see `generated`).
    pub fn keep_generated(&mut self, kind: Kind, key: ObjectKey, source: &str) {
        let kept = self.keep(kind, source);
        self.generated.insert((kind, key), kept);
    }

    /// A cluster keeps its first [`KEEP_WHOLE_BELOW`] manifests whole and compacts the
    /// rest: deltas pay off in big clusters, while encoding them costs every run (the
    /// playground re-runs a few hundred objects on every edit; encoding was ~6% of that).
    fn keep(&mut self, kind: Kind, source: &str) -> Kept {
        #[cfg(test)]
        let below = KEEP_WHOLE_BELOW_IN_TESTS.with(|n| n.get());
        #[cfg(not(test))]
        let below = KEEP_WHOLE_BELOW;
        if self.manifests.len() + self.generated.len() < below {
            Kept::whole(source)
        } else {
            self.kept_encoder.keep(kind, source)
        }
    }

    // --- Lookups ----------------------------------------------------------------------------

    /// `GetDefaultClass`: among classes annotated default, the newest wins, then the name.
    pub fn default_storage_class(&self) -> Option<&Arc<StorageClass>> {
        // Upstream's `GetDefaultClass` (used by the DefaultStorageClass admission plugin and
        // the PV controller's retroactive assignment): newest creationTimestamp first, then
        // the smaller name. creationTimestamp is stored at whole seconds, so classes created
        // within the same second tie and the name decides (setdefault's admission_test.go:
        // "two defaults with same creation time, choose the one with smaller name").
        self.storage_classes
            .values()
            .filter(|sc| sc.is_default())
            .min_by(|a, b| {
                (b.meta.creation.millis() / 1000)
                    .cmp(&(a.meta.creation.millis() / 1000))
                    .then(a.meta.name.cmp(&b.meta.name))
            })
    }

    /// The PriorityClass marked `globalDefault` (the oldest, if several).
    pub fn global_default_priority_class(&self) -> Option<&Arc<PriorityClass>> {
        self.priority_classes
            .values()
            .filter(|pc| pc.global_default)
            .min_by_key(|pc| (pc.meta.creation, pc.meta.arrival))
    }

    pub fn is_user_priority_class(name: &str) -> bool {
        !SYSTEM_PRIORITY_CLASSES.iter().any(|(n, _)| *n == name)
    }
}
