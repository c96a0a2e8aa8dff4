//! VolumeBinding: a pod's claims must be bound, bindable or provisionable on the node.
//!
//! Walk-through (upstream `volume_binding.go` + `binder.go`):
//! 1. PreFilter classifies the pod's claims: bound (volume name + `bind-completed`),
//!    unbound with delayed binding (WaitForFirstConsumer class, no volume name), or
//!    unbound immediate (anything else). Any immediate claim rejects the pod outright:
//!    the PV controller, not the scheduler, must bind it first. No PreFilterResult: since
//!    v1.32 (#125398, hostname labels need not equal node names) bound PVs' node affinity
//!    is checked by Filter on every node, never by narrowing the candidates.
//! 2. Filter (`FindPodVolumes`), per node: bound PVs' node affinity must match; delayed
//!    claims are matched, smallest request first, to the smallest fitting available PV
//!    reachable from the node (a PV chosen for one claim is excluded for the next);
//!    claims without a match must be provisionable here (a provisioner, allowedTopologies
//!    matching the node, CSIStorageCapacity when the driver asks for capacity tracking).
//!    A claim already carrying `volume.kubernetes.io/selected-node` only fits that node.
//! 3. Reserve (`AssumePodVolumes`) pre-binds each chosen PV (claimRef, `bound-by-controller`)
//!    and marks each claim to provision with the selected node; PreBind then waits until
//!    the PV controller and the provisioner have bound every claim.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::names;
use crate::cluster::{ClaimNeeds, Cluster, HostKey};
use crate::model::{
    well_known, ClaimRef, CsiStorageCapacity, Node, ObjectKey, PersistentVolume,
    PersistentVolumeClaim, Pod, PvSource, PvcPhase, StorageClass, VolumeBindingMode,
};
use crate::pv_helpers::{
    check_node_affinity, classify_volume, is_volume_bound_to_claim, volume_is_for_pod, Candidate,
};
use crate::quantity::Bytes;
use crate::scheduler::cache::NodeInfo;
use crate::scheduler::framework::{
    Code, Ctx, CycleState, Plugin, Points, PreFilterResult, Reason, Status,
};

pub const NAME: &str = names::VOLUME_BINDING;

/// `ErrReasonBindConflict` (binder.go).
pub const ERR_REASON_BIND_CONFLICT: &str =
    "node(s) didn't find available persistent volumes to bind";
/// `ErrReasonNotEnoughSpace`.
pub const ERR_REASON_NOT_ENOUGH_SPACE: &str = "node(s) did not have enough free storage";
/// `ErrReasonPVNotExist`.
pub const ERR_REASON_PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
/// PreFilter rejection for claims the PV controller has not bound yet.
pub const ERR_REASON_UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
/// `DefaultBindTimeoutSeconds`.
pub const BIND_TIMEOUT_SECONDS: u64 = 600;

#[derive(Clone, Debug, Default)]
pub struct State {
    pub bound_claims: Vec<Arc<PersistentVolumeClaim>>,
    /// The bound claims' volumes, looked up once per cycle (`None`: missing).
    pub bound_volumes: Vec<Option<Arc<PersistentVolume>>>,
    /// Unbound WaitForFirstConsumer claims, smallest request first.
    pub delay_claims: Vec<Arc<PersistentVolumeClaim>>,
    /// Per delay claim, the volumes whose claimRef names it (looked up once per cycle).
    pub prebound: Vec<Vec<Arc<PersistentVolume>>>,
    /// Per delay claim (same order), what every node's Filter asks about it, looked up
    /// once per cycle.
    pub delay_facts: Vec<DelayClaimFacts>,
}

/// What Filter needs to know about one delay-binding claim, independent of the node.
#[derive(Clone, Debug, Default)]
pub struct DelayClaimFacts {
    /// `volume.kubernetes.io/selected-node`.
    pub selected_node: Option<String>,
    /// Its StorageClass (`None`: missing, which Filter reports as an error).
    pub class: Option<Arc<StorageClass>>,
    /// Whether any available, unclaimed PV of the class exists at all.
    pub class_has_available_pvs: bool,
    /// Whether provisioning it depends on CSIStorageCapacity (a request, and a CSIDriver
    /// for the class's provisioner with `storageCapacity`): otherwise
    /// [`has_enough_capacity`] is true on every node.
    pub capacity_tracked: bool,
}

/// What binding the pod's volumes on one node takes.
#[derive(Clone, Debug, Default)]
pub struct PodVolumes {
    pub static_bindings: Vec<(Arc<PersistentVolume>, Arc<PersistentVolumeClaim>)>,
    pub provisions: Vec<Arc<PersistentVolumeClaim>>,
}

pub struct VolumeBinding {
    /// The StorageCapacityScoring feature gate.
    pub capacity_scoring: bool,
}

/// `persistentvolumeclaim "x" not found`, as the lister's NotFound error reads.
pub fn pvc_not_found(name: &str) -> String {
    format!("persistentvolumeclaim {name:?} not found")
}

/// `IsDelayBindingMode`: a WaitForFirstConsumer class that exists.
pub fn is_delay_binding(cluster: &Cluster, pvc: &PersistentVolumeClaim) -> bool {
    let class = pvc.class_name();
    !class.is_empty()
        && cluster
            .storage_classes
            .get(class)
            .is_some_and(|sc| sc.binding_mode == VolumeBindingMode::WaitForFirstConsumer)
}

impl VolumeBinding {
    /// `podHasPVCs` + `GetPodVolumeClaims`.
    fn classify(cx: &Ctx, pod: &Pod) -> Result<(State, Vec<Arc<PersistentVolumeClaim>>), Status> {
        let mut state = State::default();
        let mut immediate = Vec::new();
        for (claim, ephemeral) in pod.claim_refs() {
            let Some(pvc) = cx.cluster.pvc_by(&pod.meta.namespace, claim) else {
                return Err(Status::unresolvable(if ephemeral {
                    format!(
                        "waiting for ephemeral volume controller to create the persistentvolumeclaim {claim:?}"
                    )
                } else {
                    pvc_not_found(claim)
                }));
            };
            if pvc.phase == PvcPhase::Lost {
                return Err(Status::unresolvable(format!(
                    "persistentvolumeclaim {:?} bound to non-existent persistentvolume {:?}",
                    pvc.meta.name,
                    pvc.volume_name.clone().unwrap_or_default()
                )));
            }
            if pvc.meta.deletion.is_some() {
                return Err(Status::unresolvable(format!(
                    "persistentvolumeclaim {:?} is being deleted",
                    pvc.meta.name
                )));
            }
            // `ephemeral.VolumeIsForPod`: a generic ephemeral volume's claim must be
            // controlled by the pod (a claim of that name made by anyone else is not its).
            if ephemeral {
                volume_is_for_pod(pod, pvc).map_err(Status::unresolvable)?;
            }
            if pvc.is_fully_bound() {
                state.bound_claims.push(pvc.clone());
            } else if pvc.volume_name.is_none() && is_delay_binding(cx.cluster, pvc) {
                state.delay_claims.push(pvc.clone());
            } else {
                immediate.push(pvc.clone());
            }
        }
        // `sort.Sort(byPVCSize)`; stable here, so equal sizes keep volume order.
        crate::sort::sort_by_key(&mut state.delay_claims, |c| c.request.unwrap_or_default());
        state.delay_facts = state
            .delay_claims
            .iter()
            .map(|c| DelayClaimFacts {
                selected_node: c.selected_node().map(str::to_string),
                class: cx.cluster.storage_classes.get(c.class_name()).cloned(),
                class_has_available_pvs: cx.cluster.has_available_pvs(c.class_name()),
                capacity_tracked: c.request.is_some()
                    && cx
                        .cluster
                        .storage_classes
                        .get(c.class_name())
                        .and_then(|sc| cx.cluster.csi_drivers.get(&sc.provisioner))
                        .is_some_and(|d| d.storage_capacity),
            })
            .collect();
        Ok((state, immediate))
    }
}

/// `FindMatchingVolume` on the scheduler path, using the cluster's index of available
/// volumes: pre-bound volumes first, then the smallest available one reachable from `node`.
pub fn find_matching_volume_for_node<'a>(
    cluster: &'a Cluster,
    claim: &PersistentVolumeClaim,
    prebound: &'a [Arc<PersistentVolume>],
    node: &Node,
    hostname: Option<HostKey<'_>>,
    excluded: &[&Arc<PersistentVolume>],
) -> Option<&'a Arc<PersistentVolume>> {
    let is_excluded = |pv: &PersistentVolume| excluded.iter().any(|x| x.name() == pv.name());
    for pv in prebound {
        if is_excluded(pv) {
            continue;
        }
        if let Candidate::PreBound = classify_volume(pv, claim, false, true) {
            return check_node_affinity(pv, node).then_some(pv);
        }
    }
    let request = claim.request.unwrap_or_default();
    let needs = ClaimNeeds::of(claim);
    cluster.first_available_pv_for_host(
        claim.class_name(),
        hostname,
        request,
        needs,
        |pv, pinned, suits| {
            debug_assert!(
                !suits || matches!(classify_volume(pv, claim, false, true), Candidate::Yes)
            );
            // The Filter's common case, decided without reading the PV: its address is
            // all the caller keeps, and reading it is a cache miss per node.
            if suits && pinned && excluded.is_empty() {
                return true;
            }
            !is_excluded(pv)
                && (suits || matches!(classify_volume(pv, claim, false, true), Candidate::Yes))
                && (pinned || check_node_affinity(pv, node))
        },
    )
}

/// `hasEnoughCapacity`.
pub fn has_enough_capacity(
    cluster: &Cluster,
    class: &StorageClass,
    claim: &PersistentVolumeClaim,
    node: &Node,
) -> bool {
    node_capacity(cluster, class, claim, node).is_ok()
}

/// The CSIStorageCapacity object `hasEnoughCapacity` settles on for a claim on a node (what
/// upstream keeps as `DynamicProvision.NodeCapacity`): `Ok(None)` when capacity is not
/// tracked for the claim (no request, or the class's provisioner is not a CSIDriver with
/// `storageCapacity: true`), `Err(())` when it is and no object has room on this node.
fn node_capacity<'a>(
    cluster: &'a Cluster,
    class: &StorageClass,
    claim: &PersistentVolumeClaim,
    node: &Node,
) -> Result<Option<&'a Arc<CsiStorageCapacity>>, ()> {
    let Some(size) = claim.request else {
        return Ok(None);
    };
    let Some(driver) = cluster.csi_drivers.get(&class.provisioner) else {
        return Ok(None);
    };
    if !driver.storage_capacity {
        return Ok(None);
    }
    cluster
        .csi_capacities
        .values()
        .find(|c| {
            c.storage_class_name == *class.meta.name
                && c.maximum_volume_size
                    .or(c.capacity)
                    .is_some_and(|limit| limit >= size)
                && c.node_topology
                    .as_ref()
                    .is_some_and(|t| t.matches(&node.meta.labels))
        })
        .map(Some)
        .ok_or(())
}

/// How one node fared in `FindPodVolumes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fit {
    bound_satisfied: bool,
    bound_pvs_found: bool,
    unbound_satisfied: bool,
    sufficient_storage: bool,
}

impl Fit {
    const OK: Fit = Fit {
        bound_satisfied: true,
        bound_pvs_found: true,
        unbound_satisfied: true,
        sufficient_storage: true,
    };

    fn is_ok(self) -> bool {
        self == Fit::OK
    }

    /// The reasons, in the order upstream appends them.
    fn reasons(self, cx: &Ctx) -> Vec<Reason> {
        let mut r = Vec::new();
        if !self.bound_satisfied {
            r.push(Reason::Borrowed(cx.version.volume_node_affinity_conflict));
        }
        if !self.unbound_satisfied {
            r.push(Reason::Borrowed(ERR_REASON_BIND_CONFLICT));
        }
        if !self.sufficient_storage {
            r.push(Reason::Borrowed(ERR_REASON_NOT_ENOUGH_SPACE));
        }
        if !self.bound_pvs_found {
            r.push(Reason::Borrowed(ERR_REASON_PV_NOT_EXIST));
        }
        r
    }
}

/// `FindPodVolumes` for one node: the reasons it fails (in upstream's order), or what
/// binding would take. `Err` is an internal error (a class that vanished).
pub fn find_pod_volumes(
    cx: &Ctx,
    state: &State,
    node: &Node,
) -> Result<(Vec<Reason>, PodVolumes), String> {
    let mut volumes = PodVolumes::default();
    let host = node.hostname().map(HostKey::new);
    let fit = evaluate(cx, state, node, host, Some(&mut volumes))?;
    if !fit.is_ok() {
        volumes = PodVolumes::default();
    }
    Ok((fit.reasons(cx), volumes))
}

/// The Filter's verdict without building anything (the per-node hot path). The hostname
/// comes from the node's inline fields: most nodes are rejected without touching the
/// `Node` itself.
fn fits(cx: &Ctx, state: &State, node: &NodeInfo) -> Result<Fit, String> {
    let host = node.hot.hostname.as_deref().map(|name| HostKey {
        hash: node.hot.hostname_hash,
        name,
    });
    evaluate(cx, state, &node.node, host, None)
}

/// `CheckNodeAffinity` of a volume a claim is bound to, after `tryTranslatePVToCSI`: an
/// in-tree volume is checked as its CSI translation where the node's CSINode says its
/// plugin is migrated (`Err`: the translator's error).
fn bound_volume_fits(
    cluster: &Cluster,
    pv: &PersistentVolume,
    node: &Node,
) -> Result<bool, String> {
    if !matches!(pv.source, PvSource::InTree(_)) {
        return Ok(check_node_affinity(pv, node));
    }
    let csi_node = cluster.csi_nodes.get(node.name()).map(|c| &**c);
    crate::csi_migration::bound_volume_fits_node(pv, node, csi_node)
}

/// The body of `FindPodVolumes`. With `out`, records the chosen static bindings and the
/// claims to provision.
fn evaluate(
    cx: &Ctx,
    state: &State,
    node: &Node,
    hostname: Option<HostKey<'_>>,
    mut out: Option<&mut PodVolumes>,
) -> Result<Fit, String> {
    let mut fit = Fit::OK;
    for pv in &state.bound_volumes {
        match pv {
            None => {
                fit.bound_pvs_found = false;
                break;
            }
            Some(pv) => {
                if !bound_volume_fits(cx.cluster, pv, node)? {
                    fit.bound_satisfied = false;
                    break;
                }
            }
        }
    }
    if state.delay_claims.is_empty() {
        return Ok(fit);
    }
    let no_facts = DelayClaimFacts::default();
    let facts = |i: usize| state.delay_facts.get(i).unwrap_or(&no_facts);
    // A claim whose provisioning already targets another node rules this one out. The
    // node's name is read only when some claim has a selected node: the `Node` is
    // otherwise untouched here, and reading it is a cache miss per node.
    if state.delay_facts.iter().any(|f| f.selected_node.is_some()) {
        let name = node.name();
        for i in 0..state.delay_claims.len() {
            if facts(i)
                .selected_node
                .as_deref()
                .is_some_and(|sel| sel != name)
            {
                fit.unbound_satisfied = false;
                return Ok(fit);
            }
        }
    }
    // Static matching, smallest claim first; unmatched claims go on to provisioning,
    // after the claims that already have this node selected.
    let mut chosen: Vec<&Arc<PersistentVolume>> = Vec::new();
    // Unmatched claims by index: a bit set for the first 128 (no allocation per node),
    // then a list; both ascending, so the order is the claims' order.
    let mut unmatched: u128 = 0;
    let mut unmatched_rest: Vec<usize> = Vec::new();
    let mut any_unmatched = false;
    for (i, claim) in state.delay_claims.iter().enumerate() {
        if facts(i).selected_node.is_some() {
            continue;
        }
        let prebound = state.prebound.get(i).map(Vec::as_slice).unwrap_or_default();
        let found = if prebound.is_empty() && !facts(i).class_has_available_pvs {
            None
        } else {
            find_matching_volume_for_node(cx.cluster, claim, prebound, node, hostname, &chosen)
        };
        match found {
            Some(pv) => {
                if let Some(out) = out.as_deref_mut() {
                    out.static_bindings.push((pv.clone(), claim.clone()));
                }
                chosen.push(pv);
            }
            None => {
                any_unmatched = true;
                if i < 128 {
                    unmatched |= 1 << i;
                } else {
                    unmatched_rest.push(i);
                }
            }
        }
    }
    if any_unmatched {
        fit.unbound_satisfied = false;
    }
    let to_provision = (0..state.delay_claims.len())
        .filter(|&i| facts(i).selected_node.is_some())
        .chain((0..state.delay_claims.len().min(128)).filter(|&i| unmatched & (1 << i) != 0))
        .chain(unmatched_rest.iter().copied());
    let mut provisions: Vec<Arc<PersistentVolumeClaim>> = Vec::new();
    let mut any = false;
    for i in to_provision {
        let claim = &state.delay_claims[i];
        any = true;
        match check_volume_provision(cx.cluster, claim, facts(i), node)? {
            Provision::Ok => {
                if out.is_some() {
                    provisions.push(claim.clone());
                }
            }
            Provision::NotProvisionable => {
                fit.unbound_satisfied = false;
                fit.sufficient_storage = true;
                return Ok(fit);
            }
            Provision::NotEnoughSpace => {
                fit.unbound_satisfied = true;
                fit.sufficient_storage = false;
                return Ok(fit);
            }
        }
    }
    if any {
        fit.unbound_satisfied = true;
        fit.sufficient_storage = true;
    }
    if let Some(out) = out {
        out.provisions = provisions;
    }
    Ok(fit)
}

enum Provision {
    Ok,
    NotProvisionable,
    NotEnoughSpace,
}

/// One claim of `checkVolumeProvisions`.
fn check_volume_provision(
    cluster: &Cluster,
    claim: &PersistentVolumeClaim,
    facts: &DelayClaimFacts,
    node: &Node,
) -> Result<Provision, String> {
    let class = facts.class.as_ref();
    let class_name = claim.class_name();
    if class_name.is_empty() {
        return Err(format!(
            "no class for claim {:?}",
            claim.meta.key().to_string()
        ));
    }
    let Some(class) = class else {
        return Err(format!("failed to find storage class {class_name:?}"));
    };
    if !class.is_provisionable()
        || !crate::model::selector::match_topology_selector_terms(
            &class.allowed_topologies,
            &node.meta.labels,
        )
    {
        return Ok(Provision::NotProvisionable);
    }
    if facts.capacity_tracked && !has_enough_capacity(cluster, class, claim, node) {
        return Ok(Provision::NotEnoughSpace);
    }
    Ok(Provision::Ok)
}

/// What Reserve writes, for the simulation to apply: pre-bound PVs and claims marked for
/// provisioning on the node.
#[derive(Clone, Debug, Default)]
pub struct Assumed {
    pub pv_updates: Vec<Arc<PersistentVolume>>,
    pub pvc_updates: Vec<Arc<PersistentVolumeClaim>>,
    /// Claims whose binding PreBind waits for.
    pub waiting_for: Vec<ObjectKey>,
}

impl Assumed {
    pub fn all_bound(&self) -> bool {
        self.waiting_for.is_empty()
    }
}

/// `AssumePodVolumes`: `GetBindVolumeToClaim` for static bindings, the selected-node
/// annotation for provisioning.
/// `node` is the node's own name: the claims' `selected-node` annotations share it.
pub fn assume_pod_volumes(volumes: &PodVolumes, node: &Arc<str>) -> Assumed {
    let mut out = Assumed::default();
    for (pv, pvc) in &volumes.static_bindings {
        let mut new_pv = (**pv).clone();
        let already = is_volume_bound_to_claim(pv, pvc);
        new_pv.claim_ref = Some(ClaimRef {
            namespace: pvc.meta.namespace.clone(),
            name: pvc.meta.name.clone(),
            uid: pvc.meta.uid.clone(),
        });
        if !already {
            new_pv
                .meta
                .annotations
                .insert(well_known::ANN_BOUND_BY_CONTROLLER, "yes");
        }
        out.pv_updates.push(Arc::new(new_pv));
        out.waiting_for.push(pvc.meta.key());
    }
    for pvc in &volumes.provisions {
        if pvc.selected_node() != Some(&**node) {
            let mut new_pvc = (**pvc).clone();
            new_pvc
                .meta
                .annotations
                .insert(well_known::ANN_SELECTED_NODE, node);
            out.pvc_updates.push(Arc::new(new_pvc));
        }
        out.waiting_for.push(pvc.meta.key());
    }
    out
}

/// `checkBindings`: `Ok(true)` once every claim is fully bound, `Err` when binding can no
/// longer succeed (the message PreBind fails with). Like upstream's poll, it stops at the
/// first claim that is not bound yet: static bindings first, then claims to provision.
pub fn check_bindings(
    cluster: &Cluster,
    waiting_for: &[ObjectKey],
    provisioned: &[ObjectKey],
    node: &Node,
) -> Result<bool, String> {
    // The assume cache's `ErrNotFound`.
    let claim_not_found = |key: &ObjectKey| {
        format!(
            "could not find v1.PersistentVolumeClaim {:?}",
            key.to_string()
        )
    };
    let affinity_error = |pv_name: &str| {
        format!(
            "pv {pv_name:?} node affinity doesn't match node {:?}: no matching NodeSelectorTerms",
            node.name()
        )
    };
    for key in waiting_for {
        let provisioning = provisioned.binary_search(key).is_ok();
        let Some(pvc) = cluster.pvc(key) else {
            return Err(if provisioning {
                format!("failed to check provisioning pvc: {}", claim_not_found(key))
            } else {
                format!("failed to check binding: {}", claim_not_found(key))
            });
        };
        if provisioning {
            // The external provisioner drops the selected node to ask for a new
            // decision; a claim left with no annotations at all reads as a reset.
            if pvc.meta.annotations.is_empty() {
                return Err(format!(
                    "selectedNode annotation reset for PVC {:?}",
                    key.name
                ));
            }
            if pvc.selected_node() != Some(node.name()) {
                return Err(format!("provisioning failed for PVC {:?}", key.name));
            }
            if let Some(pv_name) = pvc.volume_name.as_deref() {
                // A PV not seen yet is tolerated: the next check looks again.
                let Some(pv) = cluster.pv(pv_name) else {
                    return Ok(false);
                };
                if !bound_volume_fits(cluster, pv, node)
                    .map_err(|e| format!("failed to translate pv to csi: {e}"))?
                {
                    return Err(affinity_error(pv_name));
                }
            }
        } else if let Some(pv_name) = pvc.volume_name.as_deref() {
            let Some(pv) = cluster.pv(pv_name) else {
                return Err(format!(
                    "failed to check binding: could not find v1.PersistentVolume {pv_name:?}"
                ));
            };
            if !bound_volume_fits(cluster, pv, node)
                .map_err(|e| format!("failed to translate pv to csi: {e}"))?
            {
                return Err(affinity_error(pv_name));
            }
            if pv.claim_ref.as_ref().is_none_or(|r| r.uid.is_empty()) {
                return Err(format!("ClaimRef got reset for pv {pv_name:?}"));
            }
        }
        if !pvc.is_fully_bound() {
            return Ok(false);
        }
    }
    Ok(true)
}

impl Plugin for VolumeBinding {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER
            | Points::FILTER
            | Points::PRE_SCORE
            | Points::SCORE
            | Points::RESERVE
            | Points::PRE_BIND
    }

    fn pre_filter(&self, cx: &Ctx, state: &mut CycleState, pod: &Pod) -> (PreFilterResult, Status) {
        if !pod.has_claims() {
            state.volume_binding = Some(State::default());
            return (None, Status::skip());
        }
        let (s, immediate) = match Self::classify(cx, pod) {
            Ok(x) => x,
            Err(status) => return (None, status),
        };
        if !immediate.is_empty() {
            return (None, Status::unresolvable(ERR_REASON_UNBOUND_IMMEDIATE));
        }
        let mut s = s;
        // `FindMatchingVolume` only sees `ListPVs(storageClassName)`, the PVs of the
        // claim's own class: a PV of another class whose claimRef names the claim is no match.
        s.prebound = s
            .delay_claims
            .iter()
            .map(|c| {
                cx.cluster
                    .pvs_claiming(&c.meta.key())
                    .filter(|pv| *pv.storage_class_name == *c.class_name())
                    .cloned()
                    .collect()
            })
            .collect();
        s.bound_volumes = s
            .bound_claims
            .iter()
            .map(|c| {
                c.volume_name
                    .as_deref()
                    .and_then(|n| cx.cluster.pv(n))
                    .cloned()
            })
            .collect();
        state.volume_binding = Some(s);
        // Upstream returned GetEligibleNodes (hostnames of bound local PVs) as a
        // PreFilterResult from v1.27 until #125398 (v1.32, backported to 1.29-1.31) removed
        // it: those were hostname label values, not node names.
        (None, Status::success())
    }

    fn filter(&self, cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> Status {
        let Some(s) = &state.volume_binding else {
            return Status::success();
        };
        // Common fast path: every claim bound to a volume reachable from anywhere.
        if s.delay_claims.is_empty()
            && s.bound_volumes.iter().all(|pv| {
                pv.as_ref().is_some_and(|pv| {
                    // A migrated in-tree volume may gain a zone requirement.
                    pv.node_affinity.is_none() && !matches!(pv.source, PvSource::InTree(_))
                })
            })
        {
            return Status::success();
        }
        match fits(cx, s, node) {
            Ok(fit) if fit.is_ok() => Status::success(),
            Ok(fit) => Status::with_reasons(Code::UnschedulableAndUnresolvable, fit.reasons(cx)),
            Err(e) => Status::error(e),
        }
    }

    /// Without the StorageCapacityScoring gate (off in v1.36) there is no scorer.
    fn pre_score(
        &self,
        _cx: &Ctx,
        _state: &mut CycleState,
        _pod: &Pod,
        _nodes: &[&NodeInfo],
    ) -> Status {
        if self.capacity_scoring {
            Status::success()
        } else {
            Status::skip()
        }
    }

    /// StorageCapacityScoring (alpha): per class, the utilization the pod's volumes would
    /// cause (static PVs: request over PV capacity; otherwise claims to provision: request
    /// over the matching CSIStorageCapacity), through the default shape 0% used → 100,
    /// 100% → 0, averaged over classes.
    fn score(&self, cx: &Ctx, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let Some(s) = &state.volume_binding else {
            return 0;
        };
        let Ok((reasons, volumes)) = find_pod_volumes(cx, s, &node.node) else {
            return 0;
        };
        if !reasons.is_empty() {
            return 0;
        }
        // (requested, capacity) per class.
        let mut by_class: BTreeMap<String, (Bytes, Bytes)> = BTreeMap::new();
        for (pv, pvc) in &volumes.static_bindings {
            let e = by_class.entry(pvc.class_name().to_string()).or_default();
            e.0 += pvc.request.unwrap_or_default();
            e.1 += pv.capacity;
        }
        // Without static bindings, the claims to provision are scored against the
        // CSIStorageCapacity that let them through Filter (KEP-4049). The capacity is
        // assigned, not summed: two claims of a class share the node's one pool.
        if volumes.static_bindings.is_empty() {
            for pvc in &volumes.provisions {
                let Some(class) = cx.cluster.storage_classes.get(pvc.class_name()) else {
                    continue;
                };
                let Ok(Some(cap)) = node_capacity(cx.cluster, class, pvc, &node.node) else {
                    continue;
                };
                let e = by_class.entry(pvc.class_name().to_string()).or_default();
                e.1 = cap.capacity.unwrap_or_default();
                e.0 += pvc.request.unwrap_or_default();
            }
        }
        if by_class.is_empty() {
            return 0;
        }
        let total: f64 = by_class
            .values()
            .map(|(req, cap)| {
                let util = if *cap == Bytes::ZERO || req > cap {
                    100
                } else {
                    req.get().saturating_mul(100) / cap.get()
                };
                (100 - util) as f64
            })
            .sum();
        (total / by_class.len() as f64).round() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::Simulation;
    use crate::testing::*;
    use crate::version::V1_36;

    fn gated(name: &str, claims: &[&str]) -> String {
        pod(name, claims, "  schedulingGates: [{name: hold}]\n")
    }

    /// volume_binding_test.go "generic-ephemeral,no-pvc": the scheduler looks at the pod
    /// before the ephemeral volume controller has created its claim; once the controller
    /// has run, the claim exists and PreFilter passes it on (a WaitForFirstConsumer claim).
    #[test]
    fn an_ephemeral_claim_not_yet_created_is_waited_for() {
        let mut sim = world(&[
            node("n1", &[], ""),
            class(
                "late",
                "kubernetes.io/no-provisioner",
                "WaitForFirstConsumer",
                "",
            ),
        ]);
        let doc = "apiVersion: v1\nkind: Pod\nmetadata: {name: test-pod}\nspec:\n  schedulingGates: [{name: hold}]\n  containers: [{name: c, image: pause}]\n  volumes:\n  - name: test-volume\n    ephemeral:\n      volumeClaimTemplate:\n        spec: {accessModes: [ReadWriteOnce], storageClassName: late, resources: {requests: {storage: 1G}}}\n";
        add_unreacted(&mut sim, doc);
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        assert_eq!(
            verdict(&sim, &vb, "test-pod", "n1"),
            unresolvable("waiting for ephemeral volume controller to create the persistentvolumeclaim \"test-pod-test-volume\"")
        );
        sim.run_until_idle(100);
        assert!(sim
            .cluster()
            .pvc_by("default", "test-pod-test-volume")
            .is_some());
        assert_eq!(
            verdict(&sim, &vb, "test-pod", "n1"),
            unresolvable("node(s) didn't find available persistent volumes to bind")
        );
    }

    #[test]
    fn pre_filter_classifies_claims() {
        let mut sim = world(&[
            node("n1", &[], ""),
            class("manual", "kubernetes.io/no-provisioner", "Immediate", ""),
            class(
                "late",
                "kubernetes.io/no-provisioner",
                "WaitForFirstConsumer",
                "",
            ),
            pvc("immediate", "manual", "ReadWriteOnce", "1Gi"),
            pvc("delayed", "late", "ReadWriteOnce", "1Gi"),
        ]);
        // Nothing can bind `immediate`: no volume exists and nothing provisions.
        add_pending(&mut sim, &gated("a", &["immediate"]));
        add_pending(&mut sim, &gated("b", &["delayed"]));
        add_pending(&mut sim, &gated("c", &["ghost"]));
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        assert_eq!(
            verdict(&sim, &vb, "a", "n1"),
            unresolvable("pod has unbound immediate PersistentVolumeClaims")
        );
        assert_eq!(
            verdict(&sim, &vb, "b", "n1"),
            unresolvable("node(s) didn't find available persistent volumes to bind")
        );
        assert_eq!(
            verdict(&sim, &vb, "c", "n1"),
            unresolvable("persistentvolumeclaim \"ghost\" not found")
        );
    }

    #[test]
    fn static_binding_picks_the_smallest_fit_and_respects_affinity() {
        let mut sim = world(&[
            node("n1", &[], ""),
            node("n2", &[], ""),
            class(
                "local",
                "kubernetes.io/no-provisioner",
                "WaitForFirstConsumer",
                "",
            ),
            pv("big-n1", "local", "ReadWriteOnce", "100Gi", "n1", ""),
            pv("small-n1", "local", "ReadWriteOnce", "10Gi", "n1", ""),
            pv("tiny-n1", "local", "ReadWriteOnce", "1Gi", "n1", ""),
            pv("rwop-n2", "local", "ReadWriteOncePod", "50Gi", "n2", ""),
            pvc("data", "local", "ReadWriteOnce", "5Gi"),
            pvc("logs", "local", "ReadWriteOnce", "2Gi"),
        ]);
        add_pending(&mut sim, &gated("p", &["data", "logs"]));
        let cx = sim.ctx();
        let p = sim
            .cluster()
            .pod(&ObjectKey::parse("p", true))
            .unwrap()
            .clone();
        let mut state = CycleState::default();
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        vb.pre_filter(&cx, &mut state, &p);
        let s = state.volume_binding.as_ref().unwrap();
        // Claims are matched smallest first: logs (2Gi) takes small-n1, data (5Gi) big-n1.
        let n1 = &sim.cluster().nodes["n1"];
        let (reasons, volumes) = find_pod_volumes(&cx, s, n1).unwrap();
        assert!(reasons.is_empty());
        let chosen: Vec<(String, String)> = volumes
            .static_bindings
            .iter()
            .map(|(pv, pvc)| (pvc.meta.name.to_string(), pv.name().to_string()))
            .collect();
        assert_eq!(
            chosen,
            vec![
                ("logs".into(), "small-n1".into()),
                ("data".into(), "big-n1".into())
            ]
        );
        // n2's only PV is RWOP, which a RWO claim cannot use.
        let n2 = &sim.cluster().nodes["n2"];
        assert_eq!(
            find_pod_volumes(&cx, s, n2).unwrap().0,
            vec!["node(s) didn't find available persistent volumes to bind".to_string()]
        );
    }

    #[test]
    fn bound_volume_affinity_and_missing_volumes() {
        let mut sim = world(&[
            node("n1", &[], ""),
            node("n2", &[], ""),
            pv("pinned", "", "ReadWriteOnce", "1Gi", "n1", ""),
            pvc("data", "", "ReadWriteOnce", "1Gi"),
            pod("first", &["data"], ""),
        ]);
        add_pending(&mut sim, &gated("second", &["data"]));
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        assert_eq!(verdict(&sim, &vb, "second", "n1"), Status::success());
        // A hostname-pinned bound PV does not narrow the candidates (no PreFilterResult
        // since v1.32): Filter itself reports the affinity conflict on the other node.
        let cx = sim.ctx();
        let p = sim
            .cluster()
            .pod(&ObjectKey::parse("second", true))
            .unwrap()
            .clone();
        let mut state = CycleState::default();
        assert_eq!(
            vb.pre_filter(&cx, &mut state, &p),
            (None, Status::success())
        );
        assert_eq!(
            verdict(&sim, &vb, "second", "n2"),
            unresolvable(V1_36.volume_node_affinity_conflict)
        );
    }

    #[test]
    fn bound_claims_to_missing_volumes() {
        // volume_binding_test.go "pv not found": a bound claim whose PV is gone (before the
        // PV controller marks the claim Lost) fails Filter with ErrReasonPVNotExist.
        let mut sim = world(&[
            node("n1", &[], ""),
            node("n2", &[], ""),
            pv("pinned", "", "ReadWriteOnce", "1Gi", "n1", ""),
            pv("gone", "", "ReadWriteOnce", "2Gi", "", ""),
            pvc("a", "", "ReadWriteOnce", "1Gi"),
            pvc("b", "", "ReadWriteOnce", "2Gi"),
        ]);
        let bound_to = |sim: &Simulation, c: &str| {
            sim.cluster()
                .pvc(&ObjectKey::parse(c, true))
                .and_then(|c| c.volume_name.clone())
        };
        assert_eq!(bound_to(&sim, "a").as_deref(), Some("pinned"));
        assert_eq!(bound_to(&sim, "b").as_deref(), Some("gone"));
        sim.cluster.remove_pv("gone");
        add_pending(&mut sim, &gated("missing-first", &["b", "a"]));
        add_pending(&mut sim, &gated("pinned-first", &["a", "b"]));
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        let not_exist = unresolvable(ERR_REASON_PV_NOT_EXIST);
        // Bound claims are checked in the pod's order, the first failure decides.
        assert_eq!(verdict(&sim, &vb, "missing-first", "n1"), not_exist);
        assert_eq!(verdict(&sim, &vb, "missing-first", "n2"), not_exist);
        assert_eq!(verdict(&sim, &vb, "pinned-first", "n1"), not_exist);
        assert_eq!(
            verdict(&sim, &vb, "pinned-first", "n2"),
            unresolvable(V1_36.volume_node_affinity_conflict)
        );
    }

    #[test]
    fn provisioning_checks_topology_and_capacity() {
        let mut sim = world(&[
            node("a", &[("topology.kubernetes.io/zone", "za")], ""),
            node("b", &[("topology.kubernetes.io/zone", "zb")], ""),
            node("c", &[("topology.kubernetes.io/zone", "zc")], ""),
            "apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {name: disk.csi.example.com}\nspec: {storageCapacity: true}\n".into(),
            class(
                "zonal",
                "disk.csi.example.com",
                "WaitForFirstConsumer",
                "allowedTopologies:\n- matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [za, zb]}]\n",
            ),
            "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {name: cap-a, namespace: kube-system}\nstorageClassName: zonal\ncapacity: 100Gi\nnodeTopology: {matchLabels: {topology.kubernetes.io/zone: za}}\n".into(),
            "apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {name: cap-b, namespace: kube-system}\nstorageClassName: zonal\ncapacity: 1Gi\nmaximumVolumeSize: 1Gi\nnodeTopology: {matchLabels: {topology.kubernetes.io/zone: zb}}\n".into(),
            pvc("data", "zonal", "ReadWriteOnce", "10Gi"),
        ]);
        add_pending(&mut sim, &gated("p", &["data"]));
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        let cases = [
            ("a", Status::success()),
            (
                "b",
                unresolvable("node(s) did not have enough free storage"),
            ),
            (
                "c",
                unresolvable("node(s) didn't find available persistent volumes to bind"),
            ),
        ];
        for (n, want) in cases {
            assert_eq!(verdict(&sim, &vb, "p", n), want, "{n}");
        }
    }

    #[test]
    fn a_selected_node_rules_out_every_other_node() {
        let mut sim = world(&[
            node("n1", &[], ""),
            node("n2", &[], ""),
            class(
                "standard",
                "rancher.io/local-path",
                "WaitForFirstConsumer",
                "",
            ),
            pvc("data", "standard", "ReadWriteOnce", "1Gi"),
        ]);
        let mut claim = (**sim.cluster().pvc(&ObjectKey::parse("data", true)).unwrap()).clone();
        claim
            .meta
            .annotations
            .insert(well_known::ANN_SELECTED_NODE, "n2");
        sim.cluster.put_pvc(Arc::new(claim));
        add_pending(&mut sim, &gated("p", &["data"]));
        let vb = VolumeBinding {
            capacity_scoring: false,
        };
        assert_eq!(
            verdict(&sim, &vb, "p", "n1"),
            unresolvable("node(s) didn't find available persistent volumes to bind")
        );
        assert_eq!(verdict(&sim, &vb, "p", "n2"), Status::success());
    }
}
