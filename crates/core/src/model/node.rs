//! Nodes.

use super::{well_known, Meta, Resources};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TaintEffect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl TaintEffect {
    pub fn parse(s: &str) -> Option<TaintEffect> {
        Some(match s {
            "NoSchedule" => TaintEffect::NoSchedule,
            "PreferNoSchedule" => TaintEffect::PreferNoSchedule,
            "NoExecute" => TaintEffect::NoExecute,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Node {
    pub meta: Meta,
    pub unschedulable: bool,
    pub taints: Vec<Taint>,
    pub allocatable: Resources,
    /// The `kubernetes.io/hostname` label, copied out of `meta.labels` when the node is
    /// stored: local volumes are matched against it for every node in every cycle. The
    /// cluster interns it ([`crate::cluster::Cluster::intern_hostname`]), so the
    /// available-PV index recognises it by address without reading its bytes.
    pub hostname: Option<std::sync::Arc<str>>,
}

impl Node {
    pub fn name(&self) -> &str {
        &self.meta.name
    }

    /// The `kubernetes.io/hostname` label (the kubelet always sets it).
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.meta.labels.get(key)
    }

    /// The zone as the scheduler's node tree groups nodes: `region:\x00:zone` from the GA
    /// labels, falling back to the beta ones (`utilnode.GetZoneKey`). Empty when unlabelled.
    pub fn zone_key(&self) -> String {
        let zone = self
            .label(well_known::LABEL_ZONE)
            .or_else(|| self.label(well_known::LABEL_ZONE_BETA))
            .unwrap_or("");
        let region = self
            .label(well_known::LABEL_REGION)
            .or_else(|| self.label(well_known::LABEL_REGION_BETA))
            .unwrap_or("");
        if zone.is_empty() && region.is_empty() {
            String::new()
        } else {
            format!("{region}:\x00:{zone}")
        }
    }

    /// The zone label value for display (`topology.kubernetes.io/zone`, or the beta label).
    pub fn zone(&self) -> Option<&str> {
        self.label(well_known::LABEL_ZONE)
            .or_else(|| self.label(well_known::LABEL_ZONE_BETA))
    }
}
