//! PriorityClasses and PodDisruptionBudgets.

use super::{LabelSelector, Meta, PreemptionPolicy};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PriorityClass {
    pub meta: Meta,
    pub value: i32,
    pub global_default: bool,
    pub preemption_policy: PreemptionPolicy,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum IntOrPercent {
    Int(i32),
    Percent(i32),
}

impl IntOrPercent {
    /// `intstr.GetScaledValueFromIntOrPercent` with rounding up, as the disruption
    /// controller uses for both minAvailable and maxUnavailable.
    pub fn scaled(&self, total: i32) -> i32 {
        match self {
            IntOrPercent::Int(v) => *v,
            IntOrPercent::Percent(p) => ((*p as i64 * total as i64 + 99) / 100) as i32,
        }
    }

    /// `intstr.GetScaledValueFromIntOrPercent` with the rounding chosen by the caller
    /// (the deployment controller rounds maxSurge up and maxUnavailable down).
    pub fn scaled_rounding(&self, total: i32, round_up: bool) -> i32 {
        match self {
            IntOrPercent::Int(v) => *v,
            IntOrPercent::Percent(p) => {
                let product = *p as i64 * total as i64;
                (if round_up {
                    (product + 99) / 100
                } else {
                    product / 100
                }) as i32
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodDisruptionBudget {
    pub meta: Meta,
    /// `None` selects no pods (policy/v1 semantics).
    pub selector: Option<LabelSelector>,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
}
