//! CSI migration as the scheduler sees it: which in-tree volumes a node counts under a
//! CSI driver, and the driver and volume handle they are translated to
//! (`k8s.io/csi-translation-lib` and NodeVolumeLimits' `isCSIMigrationOn`).
//!
//! Every cloud plugin's migration is GA in v1.36, so a node counts an AWS EBS, GCE PD,
//! Azure Disk or Cinder volume under its CSI driver as soon as the node has a CSINode.
//! Portworx is gated (on by default) and also needs the CSINode's
//! `storage.alpha.kubernetes.io/migrated-plugins` annotation to name it. Azure File and
//! vSphere are migratable but `isCSIMigrationOn` does not know them, so NodeVolumeLimits
//! never counts them; iSCSI and RBD are not migratable.

use crate::model::selector::{NodeSelectorOperator, NodeSelectorRequirement};
use crate::model::{
    well_known, CsiNode, InTreeDisk, Node, NodeSelector, NodeSelectorTerm, PersistentVolume,
    PvSource,
};

/// The node condition under which a translated volume counts, as a bit of
/// [`node_migration_mask`]: a CSINode exists …
pub const NEEDS_CSINODE: u8 = 1;
/// … and its migrated-plugins annotation names Portworx.
pub const NEEDS_PORTWORX_ANNOTATION: u8 = 2;

pub const AWS_EBS_PLUGIN: &str = "kubernetes.io/aws-ebs";
pub const GCE_PD_PLUGIN: &str = "kubernetes.io/gce-pd";
pub const AZURE_DISK_PLUGIN: &str = "kubernetes.io/azure-disk";
pub const AZURE_FILE_PLUGIN: &str = "kubernetes.io/azure-file";
pub const CINDER_PLUGIN: &str = "kubernetes.io/cinder";
pub const VSPHERE_PLUGIN: &str = "kubernetes.io/vsphere-volume";
pub const PORTWORX_PLUGIN: &str = "kubernetes.io/portworx-volume";

/// `GetCSINameFromInTreeName` for the plugins `IsMigratableIntreePluginByName` knows.
pub fn csi_driver_of(in_tree: &str) -> Option<&'static str> {
    Some(match in_tree {
        AWS_EBS_PLUGIN => "ebs.csi.aws.com",
        GCE_PD_PLUGIN => "pd.csi.storage.gke.io",
        AZURE_DISK_PLUGIN => "disk.csi.azure.com",
        AZURE_FILE_PLUGIN => "file.csi.azure.com",
        CINDER_PLUGIN => "cinder.csi.openstack.org",
        VSPHERE_PLUGIN => "csi.vsphere.vmware.com",
        PORTWORX_PLUGIN => "pxd.portworx.com",
        _ => return None,
    })
}

/// `isCSIMigrationOn` without the node: `None` when it is never on for the plugin (the
/// volume is not counted), else the [`node_migration_mask`] bits a node needs.
pub fn migration_needs(plugin: &str) -> Option<u8> {
    match plugin {
        AWS_EBS_PLUGIN | GCE_PD_PLUGIN | AZURE_DISK_PLUGIN | CINDER_PLUGIN => Some(NEEDS_CSINODE),
        PORTWORX_PLUGIN => Some(NEEDS_CSINODE | NEEDS_PORTWORX_ANNOTATION),
        _ => None,
    }
}

/// The conditions a node fulfils (see [`migration_needs`]).
pub fn node_migration_mask(csi_node: Option<&CsiNode>) -> u8 {
    let Some(c) = csi_node else {
        return 0;
    };
    let portworx = c
        .meta
        .annotation(well_known::ANN_MIGRATED_PLUGINS)
        .is_some_and(|a| a.split(',').any(|p| p == PORTWORX_PLUGIN));
    NEEDS_CSINODE
        | if portworx {
            NEEDS_PORTWORX_ANNOTATION
        } else {
            0
        }
}

/// Does a volume needing `needs` count on a node with `mask`?
pub fn counts_on(needs: u8, mask: u8) -> bool {
    needs & mask == needs
}

/// `GetInTreePluginNameFromSpec` for a migratable disk.
pub fn plugin_of(disk: &InTreeDisk) -> Option<&'static str> {
    Some(match disk {
        InTreeDisk::AwsEbs { .. } => AWS_EBS_PLUGIN,
        InTreeDisk::GcePd { .. } => GCE_PD_PLUGIN,
        InTreeDisk::AzureDisk { .. } => AZURE_DISK_PLUGIN,
        InTreeDisk::AzureFile => AZURE_FILE_PLUGIN,
        InTreeDisk::Cinder { .. } => CINDER_PLUGIN,
        InTreeDisk::VsphereVolume => VSPHERE_PLUGIN,
        InTreeDisk::Portworx { .. } => PORTWORX_PLUGIN,
        InTreeDisk::Iscsi { .. } | InTreeDisk::Rbd { .. } => return None,
    })
}

/// A translated volume: its CSI driver, volume handle and the node conditions under which
/// NodeVolumeLimits counts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translated {
    pub driver: &'static str,
    pub handle: String,
    pub needs: u8,
}

/// `TranslateInTreeInlineVolumeToCSI` for a pod's inline volume, for the plugins whose
/// migration can be on: `None` when the volume is never counted, `Err` with the
/// translator's error (which fails NodeVolumeLimits' Filter where migration is on).
pub fn translate_inline(disk: &InTreeDisk) -> Option<Result<Translated, String>> {
    let needs = migration_needs(plugin_of(disk)?)?;
    // An inline GCE PD has no zone labels: its handle names no zone.
    Some(
        translated_source(disk, "")?.map(|(driver, handle)| Translated {
            driver,
            handle,
            needs,
        }),
    )
}

/// `TranslateInTreePVToCSI` for a PV's in-tree source, as NodeVolumeLimits counts it:
/// `None` when the volume is not counted (not migratable, migration never on, or the
/// translation fails).
pub fn translate_pv(pv: &PersistentVolume, disk: &InTreeDisk) -> Option<Translated> {
    let needs = migration_needs(plugin_of(disk)?)?;
    let (driver, handle) = translate_pv_source(pv, disk)?.ok()?;
    Some(Translated {
        driver,
        handle,
        needs,
    })
}

/// The CSI driver and volume handle `TranslateInTreePVToCSI` gives a PV of a plugin whose
/// migration can be on, or the translator's error. A GCE PD's handle names the zones of
/// its zone label (beta first).
fn translate_pv_source(
    pv: &PersistentVolume,
    disk: &InTreeDisk,
) -> Option<Result<(&'static str, String), String>> {
    let labels = &pv.meta.labels;
    let zones = labels
        .get(well_known::LABEL_ZONE_BETA)
        .filter(|z| !z.is_empty())
        .or_else(|| labels.get(well_known::LABEL_ZONE))
        .unwrap_or("");
    translated_source(disk, zones)
}

/// The CSI driver and volume handle of a migratable disk (`zones`: a GCE PD's zone label,
/// `__`-separated, empty when it has none), or the translator's error.
fn translated_source(
    disk: &InTreeDisk,
    zones: &str,
) -> Option<Result<(&'static str, String), String>> {
    let driver = csi_driver_of(plugin_of(disk)?)?;
    let handle = match disk {
        InTreeDisk::AwsEbs { volume_id } => match ebs_volume_id(volume_id) {
            Ok(id) => id,
            Err(e) => {
                return Some(Err(format!(
                    "failed to translate Kubernetes ID to EBS Volume ID {e}"
                )))
            }
        },
        InTreeDisk::GcePd { pd_name, .. } => {
            let zones: Vec<&str> = zones.split(MULTI_ZONE_DELIMITER).collect();
            match zones.as_slice() {
                [""] => gce_zonal_handle(UNSPECIFIED, pd_name),
                [zone] => gce_zonal_handle(zone, pd_name),
                _ => match gce_region(&zones) {
                    Ok(region) => {
                        format!("projects/{UNSPECIFIED}/regions/{region}/disks/{pd_name}")
                    }
                    Err(e) => return Some(Err(format!("failed to get region from zones: {e}"))),
                },
            }
        }
        InTreeDisk::AzureDisk { disk_uri } => disk_uri.clone(),
        InTreeDisk::Cinder { volume_id } | InTreeDisk::Portworx { volume_id } => volume_id.clone(),
        _ => return None,
    };
    Some(Ok((driver, handle)))
}

/// `labelMultiZoneDelimiter`.
const MULTI_ZONE_DELIMITER: &str = "__";

/// VolumeBinding's node-affinity check of a bound volume on a node
/// (`checkBoundClaims` after `tryTranslatePVToCSI`): where the node's CSINode says the
/// volume's in-tree plugin is migrated, the volume is checked as its CSI translation,
/// whose zone requirement names the CSI driver's topology key (an AWS EBS, GCE PD or
/// Cinder volume then needs a node with `topology.ebs.csi.aws.com/zone`,
/// `topology.gke.io/zone` or `topology.cinder.csi.openstack.org/zone`). `Err` is the
/// translator's error.
pub fn bound_volume_fits_node(
    pv: &PersistentVolume,
    node: &Node,
    csi_node: Option<&CsiNode>,
) -> Result<bool, String> {
    let labels = &node.meta.labels;
    let as_is = || {
        Ok(pv
            .node_affinity
            .as_ref()
            .is_none_or(|a| a.matches(labels, "")))
    };
    let PvSource::InTree(disk) = &pv.source else {
        return as_is();
    };
    let Some(plugin) = plugin_of(disk) else {
        return as_is();
    };
    // `isCSIMigrationOnForPlugin` (the Portworx gate is on by default), then
    // `isPluginMigratedToCSIOnNode`: the annotation must name the plugin.
    let migrated_here = migration_needs(plugin).is_some()
        && csi_node
            .and_then(|c| c.meta.annotation(well_known::ANN_MIGRATED_PLUGINS))
            .is_some_and(|a| a.split(',').any(|p| p == plugin));
    if !migrated_here {
        return as_is();
    }
    if let Some(Err(e)) = translate_pv_source(pv, disk) {
        return Err(format!("could not translate pv: {e}"));
    }
    let topology_key = match &**disk {
        InTreeDisk::AwsEbs { .. } => "topology.ebs.csi.aws.com/zone",
        InTreeDisk::GcePd { .. } => "topology.gke.io/zone",
        InTreeDisk::Cinder { .. } => "topology.cinder.csi.openstack.org/zone",
        // Azure Disk and Portworx translations keep the volume's topology.
        _ => return as_is(),
    };
    Ok(translate_topology(pv, topology_key).is_none_or(|a| a.matches(labels, "")))
}

/// `translateTopologyFromInTreeToCSI`: the volume's node affinity with its zone
/// requirement moved to `csi_key` (or, without one, a requirement built from the zone
/// label), and a beta region requirement renamed to the GA one.
fn translate_topology(pv: &PersistentVolume, csi_key: &str) -> Option<NodeSelector> {
    let mut affinity: Option<NodeSelector> = pv.node_affinity.as_deref().cloned();
    let (zone_label, region_label) = topology_labels(pv);
    if !topology_values(affinity.as_ref(), zone_label).is_empty() {
        rename_key(affinity.as_mut(), zone_label, csi_key);
    } else if let Some(label) = pv.meta.labels.get(zone_label) {
        // `addTopology`: distinct, trimmed, non-empty zones, sorted, added to every term.
        let mut zones: Vec<&str> = label
            .split(MULTI_ZONE_DELIMITER)
            .map(str::trim)
            .filter(|z| !z.is_empty())
            .collect();
        crate::sort::sort(&mut zones);
        zones.dedup();
        if !zones.is_empty() {
            let a = affinity.get_or_insert_with(NodeSelector::default);
            if a.terms.is_empty() {
                a.terms.push(NodeSelectorTerm::default());
            }
            for term in &mut a.terms {
                term.match_expressions.push(NodeSelectorRequirement {
                    key: csi_key.to_string(),
                    operator: NodeSelectorOperator::In,
                    values: zones.iter().map(|z| z.to_string()).collect(),
                });
            }
        }
    }
    if region_label == well_known::LABEL_REGION_BETA
        && !topology_values(affinity.as_ref(), region_label).is_empty()
    {
        rename_key(affinity.as_mut(), region_label, well_known::LABEL_REGION);
    }
    affinity
}

/// `getTopologyLabel`: the zone and region labels the volume uses, GA before beta, its node
/// affinity before its labels; GA when it uses neither.
fn topology_labels(pv: &PersistentVolume) -> (&'static str, &'static str) {
    let in_affinity = |key: &str| {
        pv.node_affinity.as_ref().is_some_and(|a| {
            a.terms
                .iter()
                .any(|t| t.match_expressions.iter().any(|r| r.key == key))
        })
    };
    let ga = (well_known::LABEL_ZONE, well_known::LABEL_REGION);
    let beta = (well_known::LABEL_ZONE_BETA, well_known::LABEL_REGION_BETA);
    if in_affinity(well_known::LABEL_ZONE) {
        ga
    } else if in_affinity(well_known::LABEL_ZONE_BETA) {
        beta
    } else if pv.meta.labels.contains_key(well_known::LABEL_ZONE) {
        ga
    } else if pv.meta.labels.contains_key(well_known::LABEL_ZONE_BETA) {
        beta
    } else {
        ga
    }
}

/// `getTopologyValues`: the values of `key`'s requirements over all terms.
fn topology_values<'a>(affinity: Option<&'a NodeSelector>, key: &str) -> Vec<&'a str> {
    affinity
        .iter()
        .flat_map(|a| &a.terms)
        .flat_map(|t| &t.match_expressions)
        .filter(|r| r.key == key)
        .flat_map(|r| r.values.iter().map(String::as_str))
        .collect()
}

/// `replaceTopology`.
fn rename_key(affinity: Option<&mut NodeSelector>, old: &str, new: &str) {
    for term in affinity.into_iter().flat_map(|a| &mut a.terms) {
        for r in &mut term.match_expressions {
            if r.key == old {
                r.key = new.to_string();
            }
        }
    }
}

/// The translator's `UnspecifiedValue` in GCE PD volume handles.
const UNSPECIFIED: &str = "UNSPECIFIED";

fn gce_zonal_handle(zone: &str, pd_name: &str) -> String {
    format!("projects/{UNSPECIFIED}/zones/{zone}/disks/{pd_name}")
}

/// `getRegionFromZones`: every zone is `{locale}-{region}-{zone}` and all share one region.
fn gce_region(zones: &[&str]) -> Result<String, String> {
    let mut regions = std::collections::BTreeSet::new();
    for zone in zones {
        let parts: Vec<&str> = zone.split('-').collect();
        if parts.len() != 3 {
            return Err(format!(
                "zone in unexpected format, expected: {{locale}}-{{region}}-{{zone}}, got: {zone}"
            ));
        }
        regions.insert(format!("{}-{}", parts[0], parts[1]));
    }
    if regions.len() != 1 {
        // Go prints the `sets.String` as a map, keys sorted.
        let set: Vec<String> = regions.iter().map(|r| format!("{r}:{{}}")).collect();
        return Err(format!(
            "multiple or no regions gotten from zones, got: map[{}]",
            set.join(" ")
        ));
    }
    Ok(regions.into_iter().next().unwrap_or_default())
}

/// `KubernetesVolumeIDToEBSVolumeID`: `aws://<zone>/<vol-…>` or a bare volume ID.
fn ebs_volume_id(id: &str) -> Result<String, String> {
    let Some(rest) = id.strip_prefix("aws://") else {
        return Ok(id.to_string());
    };
    // The URL's path: what follows the host (the zone, possibly empty).
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let vol = path.trim_matches('/');
    if vol.starts_with("vol-") && !vol.contains('/') {
        Ok(vol.to_string())
    } else {
        Err(format!("Invalid format for AWS volume ({id})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ebs_ids_lose_their_url_form() {
        assert_eq!(ebs_volume_id("vol-1").unwrap(), "vol-1");
        assert_eq!(ebs_volume_id("aws://us-east-1a/vol-1").unwrap(), "vol-1");
        assert_eq!(ebs_volume_id("aws:///vol-2").unwrap(), "vol-2");
        assert_eq!(
            ebs_volume_id("aws://us-east-1a/disk-1").unwrap_err(),
            "Invalid format for AWS volume (aws://us-east-1a/disk-1)"
        );
    }

    fn volume(source: PvSource) -> PersistentVolume {
        PersistentVolume {
            meta: Default::default(),
            capacity: Default::default(),
            access_modes: Default::default(),
            volume_mode: Default::default(),
            storage_class_name: "".into(),
            node_affinity: None,
            claim_ref: None,
            reclaim_policy: Default::default(),
            source,
            volume_attributes_class_name: None,
            phase: Default::default(),
            status_message: String::new(),
        }
    }

    /// `translateTopologyFromInTreeToCSI` as VolumeBinding sees it: an AWS EBS volume's
    /// beta zone requirement moves to the driver's key and its beta region requirement to
    /// the GA one, where the CSINode names the plugin as migrated.
    #[test]
    fn a_migrated_volume_is_checked_with_the_drivers_topology_key() {
        let mut pv = volume(PvSource::InTree(Box::new(InTreeDisk::AwsEbs {
            volume_id: "vol-1".into(),
        })));
        let req = |key: &str, value: &str| NodeSelectorRequirement {
            key: key.into(),
            operator: NodeSelectorOperator::In,
            values: vec![value.into()],
        };
        pv.node_affinity = Some(std::sync::Arc::new(NodeSelector {
            terms: vec![NodeSelectorTerm {
                match_expressions: vec![
                    req(well_known::LABEL_ZONE_BETA, "z1"),
                    req(well_known::LABEL_REGION_BETA, "r1"),
                ],
                match_fields: vec![],
            }],
        }));
        let node = |labels: &[(&str, &str)]| {
            let mut n = Node::default();
            for (k, v) in labels {
                n.meta.labels.insert(*k, *v);
            }
            n
        };
        let in_tree_node = node(&[
            (well_known::LABEL_ZONE_BETA, "z1"),
            (well_known::LABEL_REGION_BETA, "r1"),
        ]);
        let csi_node_labels = node(&[
            ("topology.ebs.csi.aws.com/zone", "z1"),
            (well_known::LABEL_REGION, "r1"),
        ]);
        let mut migrated = CsiNode::default();
        migrated
            .meta
            .annotations
            .insert(well_known::ANN_MIGRATED_PLUGINS, AWS_EBS_PLUGIN);
        let fits = |n: &Node, c: Option<&CsiNode>| bound_volume_fits_node(&pv, n, c).unwrap();
        assert!(fits(&in_tree_node, None));
        assert!(
            fits(&in_tree_node, Some(&CsiNode::default())),
            "not annotated"
        );
        assert!(!fits(&in_tree_node, Some(&migrated)));
        assert!(fits(&csi_node_labels, Some(&migrated)));
        assert!(!fits(&csi_node_labels, None));
    }

    #[test]
    fn gce_handles_follow_the_zone_labels() {
        let mut pv = volume(PvSource::Other("none".into()));
        let disk = InTreeDisk::GcePd {
            pd_name: "pd".into(),
            read_only: false,
        };
        let cases = [
            (
                None,
                Some("projects/UNSPECIFIED/zones/UNSPECIFIED/disks/pd"),
            ),
            (
                Some("us-central1-a"),
                Some("projects/UNSPECIFIED/zones/us-central1-a/disks/pd"),
            ),
            (
                Some("us-central1-a__us-central1-b"),
                Some("projects/UNSPECIFIED/regions/us-central1/disks/pd"),
            ),
            // Two regions: the translation fails and the volume is not counted.
            (Some("us-central1-a__europe-west1-b"), None),
        ];
        for (zones, want) in cases {
            if let Some(z) = zones {
                pv.meta.labels.insert(well_known::LABEL_ZONE, z);
            }
            let got = translate_pv(&pv, &disk).map(|t| t.handle);
            assert_eq!(got.as_deref(), want, "{zones:?}");
        }
    }

    #[test]
    fn migration_is_on_per_plugin_and_node() {
        let mut c = CsiNode::default();
        assert_eq!(node_migration_mask(None), 0);
        assert_eq!(node_migration_mask(Some(&c)), NEEDS_CSINODE);
        c.meta.annotations.insert(
            well_known::ANN_MIGRATED_PLUGINS,
            "kubernetes.io/aws-ebs,kubernetes.io/portworx-volume",
        );
        let mask = node_migration_mask(Some(&c));
        assert!(counts_on(migration_needs(PORTWORX_PLUGIN).unwrap(), mask));
        assert!(!counts_on(
            migration_needs(PORTWORX_PLUGIN).unwrap(),
            NEEDS_CSINODE
        ));
        assert!(counts_on(
            migration_needs(GCE_PD_PLUGIN).unwrap(),
            NEEDS_CSINODE
        ));
        assert_eq!(migration_needs(AZURE_FILE_PLUGIN), None);
        assert_eq!(migration_needs(VSPHERE_PLUGIN), None);
    }
}
