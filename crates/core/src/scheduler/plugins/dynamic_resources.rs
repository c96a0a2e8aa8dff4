//! DynamicResources: in the default profile since DRA went GA. Bindery does not model
//! ResourceClaims, so every pod is claim-less here, and the plugin's only visible effect is
//! its PostFilter text, which runs before DefaultPreemption's and so appears in every
//! FailedScheduling message: `no new claims to deallocate` when its PreFilter ran, or
//! `not found` (its missing cycle state, an Error that also stops preemption) when an
//! earlier PreFilter rejected the pod.

use super::names;
use crate::model::Pod;
use crate::scheduler::framework::{Code, Ctx, CycleState, Plugin, Points, PreFilterResult, Status};

pub const NAME: &str = names::DYNAMIC_RESOURCES;

/// PostFilter reason for a pod without claims.
pub const NO_NEW_CLAIMS: &str = "no new claims to deallocate";
/// `fwk.ErrNotFound`: reading cycle state that PreFilter never wrote.
pub const STATE_NOT_FOUND: &str = "not found";

pub struct DynamicResources;

impl DynamicResources {
    /// PostFilter: Unschedulable with its reason, or Error when PreFilter never ran.
    pub fn post_filter(state: &CycleState) -> Status {
        if state.dynamic_resources_state {
            Status::new(Code::Unschedulable, NO_NEW_CLAIMS)
        } else {
            Status::new(Code::Error, STATE_NOT_FOUND)
        }
    }
}

impl Plugin for DynamicResources {
    fn name(&self) -> &'static str {
        NAME
    }

    fn points(&self) -> Points {
        Points::PRE_FILTER | Points::POST_FILTER
    }

    /// Writes its (empty) state, then skips: the pod has no resource claims.
    fn pre_filter(
        &self,
        _cx: &Ctx,
        state: &mut CycleState,
        _pod: &Pod,
    ) -> (PreFilterResult, Status) {
        state.dynamic_resources_state = true;
        (None, Status::skip())
    }
}
