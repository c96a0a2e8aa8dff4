//! The in-tree plugins of the default profile, one file each, named as upstream names them.

pub mod dynamic_resources;
pub mod inter_pod_affinity;
pub mod names;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod taint_toleration;
pub mod volume_binding;
pub mod volume_limits;
pub mod volume_restrictions;
pub mod volume_zone;

use std::sync::Arc;

use super::framework::Plugin;
use crate::version::KubeVersion;

/// The default profile's plugins in upstream's MultiPoint order
/// (`pkg/scheduler/apis/config/v1/default_plugins.go`). Extension points run plugins in
/// this order. ImageLocality is not simulated: Bindery has no image data, for which it
/// scores all nodes alike.
pub fn default_profile(version: &'static KubeVersion) -> Vec<Arc<dyn Plugin>> {
    let mut plugins: Vec<Arc<dyn Plugin>> = vec![
        Arc::new(node_unschedulable::NodeUnschedulable),
        Arc::new(node_name::NodeName),
        Arc::new(taint_toleration::TaintToleration),
        Arc::new(node_affinity::NodeAffinity),
        Arc::new(node_ports::NodePorts),
        Arc::new(node_resources::NodeResourcesFit),
        Arc::new(volume_restrictions::VolumeRestrictions),
        Arc::new(volume_limits::NodeVolumeLimits),
        Arc::new(volume_binding::VolumeBinding {
            capacity_scoring: version.storage_capacity_scoring,
        }),
        Arc::new(volume_zone::VolumeZone),
        Arc::new(pod_topology_spread::PodTopologySpread),
        Arc::new(inter_pod_affinity::InterPodAffinity),
    ];
    if version.dynamic_resources_enabled {
        plugins.push(Arc::new(dynamic_resources::DynamicResources));
    }
    plugins.push(Arc::new(node_resources::NodeResourcesBalancedAllocation));
    plugins
}
