//! Workloads: StatefulSets, Deployments and ReplicaSets, whose controllers stamp pods (and
//! a StatefulSet's claims) out of templates.
//!
//! Templates stay in their wire form (`k8s-openapi` types): the controllers copy them into
//! new Pod and PersistentVolumeClaim manifests exactly as upstream's controllers do, and
//! those manifests go through the same validation and conversion as any user object.

use std::sync::Arc;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use super::{IntOrPercent, LabelSelector, Meta};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PodManagementPolicy {
    #[default]
    OrderedReady,
    Parallel,
}

impl PodManagementPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PodManagementPolicy::OrderedReady => "OrderedReady",
            PodManagementPolicy::Parallel => "Parallel",
        }
    }
}

/// `persistentVolumeClaimRetentionPolicy` values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClaimRetention {
    #[default]
    Retain,
    Delete,
}

impl ClaimRetention {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimRetention::Retain => "Retain",
            ClaimRetention::Delete => "Delete",
        }
    }
}

/// `spec.updateStrategy.type` of a StatefulSet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SetUpdateStrategy {
    #[default]
    RollingUpdate,
    OnDelete,
}

/// What the controllers report in `status`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkloadStatus {
    /// Pods (or, for a Deployment, pods of all its ReplicaSets) that exist.
    pub replicas: i32,
    pub ready_replicas: i32,
    pub available_replicas: i32,
    /// Pods made from the current template.
    pub updated_replicas: i32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StatefulSet {
    pub meta: Meta,
    pub replicas: i32,
    pub selector: LabelSelector,
    /// The selector as written (its `matchLabels` are copied onto the claims).
    pub selector_wire: Arc<metav1::LabelSelector>,
    pub service_name: String,
    pub pod_management: PodManagementPolicy,
    pub update_strategy: SetUpdateStrategy,
    /// `spec.ordinals.start`.
    pub ordinal_start: i32,
    /// `spec.minReadySeconds`: how long a replica must have been ready to count as
    /// available (OrderedReady waits for each predecessor to be available).
    pub min_ready_seconds: i32,
    pub when_deleted: ClaimRetention,
    pub when_scaled: ClaimRetention,
    pub template: Arc<core::PodTemplateSpec>,
    pub claim_templates: Arc<Vec<core::PersistentVolumeClaim>>,
    /// The revision name (`<set>-<hash>`) of the current template.
    pub update_revision: String,
    pub status: WorkloadStatus,
}

impl StatefulSet {
    /// Is `ordinal` one of the replicas the set wants (`[start, start + replicas)`)?
    pub fn wants_ordinal(&self, ordinal: i32) -> bool {
        ordinal >= self.ordinal_start && ordinal < self.ordinal_start + self.replicas
    }

    /// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
    pub fn claim_name(&self, template: &str, ordinal: i32) -> String {
        format!("{template}-{}-{ordinal}", self.meta.name)
    }

    /// The ordinal of one of this set's pods (`<set>-<ordinal>`).
    pub fn ordinal_of(&self, pod_name: &str) -> Option<i32> {
        let rest = pod_name.strip_prefix(&*self.meta.name)?.strip_prefix('-')?;
        if rest.is_empty() || (rest.len() > 1 && rest.starts_with('0')) {
            return None;
        }
        rest.parse().ok().filter(|o: &i32| *o >= 0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum DeploymentStrategy {
    Recreate,
    RollingUpdate {
        max_surge: IntOrPercent,
        max_unavailable: IntOrPercent,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Deployment {
    pub meta: Meta,
    pub replicas: i32,
    pub selector: LabelSelector,
    /// The selector as written (a new ReplicaSet's selector adds `pod-template-hash`).
    pub selector_wire: Arc<metav1::LabelSelector>,
    pub strategy: DeploymentStrategy,
    pub min_ready_seconds: i32,
    pub paused: bool,
    pub template: Arc<core::PodTemplateSpec>,
    pub status: WorkloadStatus,
}

impl Deployment {
    /// `deploymentutil.ResolveFenceposts`: (maxSurge, maxUnavailable) in pods.
    pub fn fenceposts(&self) -> (i32, i32) {
        match &self.strategy {
            DeploymentStrategy::Recreate => (0, 0),
            DeploymentStrategy::RollingUpdate {
                max_surge,
                max_unavailable,
            } => {
                let surge = max_surge.scaled_rounding(self.replicas, true);
                let unavailable = max_unavailable.scaled_rounding(self.replicas, false);
                if surge == 0 && unavailable == 0 {
                    (0, 1)
                } else {
                    (surge, unavailable)
                }
            }
        }
    }

    /// `deploymentutil.MaxUnavailable`.
    pub fn max_unavailable(&self) -> i32 {
        if self.replicas == 0 || matches!(self.strategy, DeploymentStrategy::Recreate) {
            return 0;
        }
        self.fenceposts().1.min(self.replicas)
    }

    /// `deploymentutil.MaxSurge`.
    pub fn max_surge(&self) -> i32 {
        if matches!(self.strategy, DeploymentStrategy::Recreate) {
            return 0;
        }
        self.fenceposts().0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaSet {
    pub meta: Meta,
    pub replicas: i32,
    pub selector: LabelSelector,
    /// `spec.minReadySeconds` (a Deployment copies its own into its ReplicaSets).
    pub min_ready_seconds: i32,
    pub template: Arc<core::PodTemplateSpec>,
    pub status: WorkloadStatus,
}
