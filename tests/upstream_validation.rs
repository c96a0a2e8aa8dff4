//! Apply-time validation and admission, case by case against upstream.
//!
//! Sources (kubernetes/kubernetes, read for their inputs and expected results only):
//! - `pkg/apis/core/validation/validation_test.go` (`TestValidatePersistentVolumes`,
//!   `TestValidatePersistentVolumeClaim`, `TestValidatePersistentVolumeClaimUpdate`,
//!   `TestValidatePersistentVolumeSourceUpdate`, `TestValidateTolerations`,
//!   `TestValidateTopologySpreadConstraints`, `TestValidateNodeAffinity`, labels) and
//!   `validation.go`, whose `field.Error` values give the exact text;
//! - `pkg/apis/storage/validation/validation_test.go` (`TestValidateStorageClass`,
//!   `TestStorageClassUpdate`, `TestValidateAllowedTopologies`);
//! - `pkg/apis/scheduling/validation/validation_test.go` (`TestValidatePriorityClass`,
//!   `TestValidatePriorityClassUpdate`);
//! - `plugin/pkg/admission/priority/admission_test.go` (`TestPodAdmission`,
//!   `TestPriorityClassAdmission`) and `plugin/pkg/admission/storage/persistentvolume/resize`
//!   (`TestPVCResizeAdmission`).
//!
//! Upstream's tables mostly check the error's type and field; the expected strings here are
//! the `field.Error` texts those errors render to (`<path>: <type>: <value>: <detail>`), and
//! for updates the whole message kubectl prints (`The <Kind> "<name>" is invalid: …`, a
//! multi-error list as `* <error>` lines).

use bindery_core::scenario::parse;
use bindery_core::Simulation;

/// Every error a fresh cluster reports for `yaml`, as the CLI prints them (`doc N: …`).
fn create_errors(yaml: &str) -> Vec<String> {
    let parsed = parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    sim.load(&parsed).iter().map(|e| e.to_string()).collect()
}

fn assert_accepted(yaml: &str) {
    assert_eq!(create_errors(yaml), Vec::<String>::new(), "{yaml}");
}

/// Loads `setup`, lets it settle, then applies the single document `update`: the message
/// kubectl would print for the rejected write.
fn update_error(setup: &str, update: &str) -> String {
    let mut sim = bindery_tests::run_yaml(setup, 1);
    let parsed = parse(update);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    assert_eq!(parsed.manifests.len(), 1);
    match sim.apply(&parsed.manifests[0].manifest) {
        Ok(a) => panic!("update accepted ({a:?}):\n{update}"),
        Err(e) => e.to_string(),
    }
}

fn update_ok(setup: &str, update: &str) {
    let mut sim = bindery_tests::run_yaml(setup, 1);
    let parsed = parse(update);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    if let Err(e) = sim.apply(&parsed.manifests[0].manifest) {
        panic!("update refused: {e}\n{update}");
    }
}

const RWO: &str = "[ReadWriteOnce]";

fn pvc(name: &str, modes: &str, storage: &str, extra: &str) -> String {
    format!(
        "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: {name}}}\nspec:\n  accessModes: {modes}\n  resources: {{requests: {{storage: {storage}}}}}\n{extra}"
    )
}

fn pv(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: PersistentVolume\nmetadata: {{name: {name}}}\nspec:\n{spec}")
}

// -------------------------------------------------------------------------------------
// PersistentVolumeClaim (TestValidatePersistentVolumeClaim, ValidatePersistentVolumeClaimSpec)

#[test]
fn pvc_access_modes() {
    // "missing-access-modes"
    assert_eq!(
        create_errors(&pvc("c", "[]", "10G", "")),
        ["doc 1: spec.accessModes: Required value: at least 1 access mode is required"]
    );
    // "invalid-access-modes"
    assert_eq!(
        create_errors(&pvc("c", "[Foo]", "10G", "")),
        ["doc 1: spec.accessModes: Unsupported value: \"Foo\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""]
    );
    // "invalid-claim-rwop-with-other-modes"
    assert_eq!(
        create_errors(&pvc("c", "[ReadWriteOncePod, ReadWriteMany]", "10G", "")),
        ["doc 1: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]
    );
    // "valid-claim-rwop" and a repeated RWOP (only RWOP modes: no conflict)
    assert_accepted(&pvc("c", "[ReadWriteOncePod]", "10G", ""));
    assert_accepted(&pvc("c", "[ReadWriteOncePod, ReadWriteOncePod]", "10G", ""));
    // An unknown mode beside RWOP: only the unsupported value (it is not "another mode").
    assert_eq!(
        create_errors(&pvc("c", "[ReadWriteOncePod, Foo]", "10G", "")),
        ["doc 1: spec.accessModes: Unsupported value: \"Foo\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""]
    );
}

#[test]
fn pvc_storage_request() {
    // "missing-storage-request"
    assert_eq!(
        create_errors(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {}\n"
        ),
        ["doc 1: spec.resources[storage]: Required value"]
    );
    // "zero-storage-request", "negative-storage-request": ValidatePositiveQuantityValue on
    // spec.resources[storage] (no `requests` in the path), the value as Quantity.String().
    assert_eq!(
        create_errors(&pvc("c", RWO, "0G", "")),
        ["doc 1: spec.resources[storage]: Invalid value: \"0\": must be greater than zero"]
    );
    assert_eq!(
        create_errors(&pvc("c", RWO, "-10G", "")),
        ["doc 1: spec.resources[storage]: Invalid value: \"-10G\": must be greater than zero"]
    );
    assert_eq!(
        create_errors(&pvc("c", RWO, "-1024Mi", "")),
        ["doc 1: spec.resources[storage]: Invalid value: \"-1Gi\": must be greater than zero"]
    );
    // A fraction of a byte is positive.
    assert_accepted(&pvc("c", RWO, "0.5", ""));
}

#[test]
fn pvc_volume_mode_and_class_and_selector() {
    // "invalid-volume-mode"
    assert_eq!(
        create_errors(&pvc("c", RWO, "10G", "  volumeMode: foo\n")),
        ["doc 1: spec.volumeMode: Unsupported value: \"foo\": supported values: \"Block\", \"Filesystem\""]
    );
    assert_accepted(&pvc("c", RWO, "10G", "  volumeMode: Block\n"));
    // "invalid-storage-class-name"
    assert_eq!(
        create_errors(&pvc("c", RWO, "10G", "  storageClassName: -invalid-\n")),
        ["doc 1: spec.storageClassName: Invalid value: \"-invalid-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    );
    // "invalid-label-selector": an unknown operator.
    assert_eq!(
        create_errors(&pvc(
            "c",
            RWO,
            "10G",
            "  selector:\n    matchExpressions: [{key: key2, operator: InvalidOp, values: [value1]}]\n"
        )),
        ["doc 1: spec.selector.matchExpressions[0].operator: Invalid value: \"InvalidOp\": not a valid selector operator"]
    );
    // A selector together with a volumeName is valid ("good-claim" variants).
    assert_accepted(&pvc(
        "c",
        RWO,
        "10G",
        "  volumeName: pv1\n  selector: {matchLabels: {a: b}}\n",
    ));
}

// -------------------------------------------------------------------------------------
// PersistentVolume (TestValidatePersistentVolumes, ValidatePersistentVolumeSpec)

#[test]
fn pv_required_fields() {
    // "missing-accessmodes": Required with no detail (unlike the claim's).
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  hostPath: {path: /foo}\n"
        )),
        ["doc 1: spec.accessModes: Required value"]
    );
    // "missing-capacity": Required, and the map does not hold exactly `storage`.
    assert_eq!(
        create_errors(&pv("p", "  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n")),
        [
            "doc 1: spec.capacity: Required value",
            "doc 1: spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\""
        ]
    );
    // "missing-volume-source"
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n"
        )),
        ["doc 1: spec: Required value: must specify a volume type"]
    );
    // "more-than-1-volume-source": hostPath is checked before nfs.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n  nfs: {server: s, path: /p}\n"
        )),
        ["doc 1: spec.nfs: Forbidden: may not specify more than 1 volume type"]
    );
    // "invalid-accessmode", "invalid-reclaim-policy", "invalid-volume-mode"
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [fakemode]\n  hostPath: {path: /foo}\n"
        )),
        ["doc 1: spec.accessModes: Unsupported value: \"fakemode\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""]
    );
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n  persistentVolumeReclaimPolicy: fakeReclaimPolicy\n"
        )),
        ["doc 1: spec.persistentVolumeReclaimPolicy: Unsupported value: \"fakeReclaimPolicy\": supported values: \"Delete\", \"Recycle\", \"Retain\""]
    );
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n  volumeMode: fakeVolumeMode\n"
        )),
        ["doc 1: spec.volumeMode: Unsupported value: \"fakeVolumeMode\": supported values: \"Block\", \"Filesystem\""]
    );
    // "invalid-storage-class-name"
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n  storageClassName: -invalid-\n"
        )),
        ["doc 1: spec.storageClassName: Invalid value: \"-invalid-\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    );
    // "invalid-rwop-with-other-modes"
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOncePod, ReadWriteMany]\n  hostPath: {path: /foo}\n"
        )),
        ["doc 1: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]
    );
}

#[test]
fn pv_capacity_must_be_positive() {
    // validateBasicResource (Quantity.Value() printed bare) and ValidatePositiveQuantityValue.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 0Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n"
        )),
        ["doc 1: spec.capacity[storage]: Invalid value: \"0\": must be greater than zero"]
    );
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: -1Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /foo}\n"
        )),
        [
            "doc 1: spec.capacity[storage]: Invalid value: -1073741824: must be a valid resource quantity",
            "doc 1: spec.capacity[storage]: Invalid value: \"-1Gi\": must be greater than zero"
        ]
    );
}

#[test]
fn local_pv_needs_node_affinity() {
    // "local-volume-no-node-affinity" (upstream's "inline-local-volume" variants aside)
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  local: {path: /foo}\n"
        )),
        ["doc 1: spec.nodeAffinity: Required value: Local volume requires node affinity"]
    );
    // "local-volume-empty-node-affinity": required is missing; the affinity still counts
    // as specified (validateVolumeNodeAffinity returns true), so no second error.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  local: {path: /foo}\n  nodeAffinity: {}\n"
        )),
        ["doc 1: spec.nodeAffinity.required: Required value: must specify required node constraints"]
    );
    // A local volume after another source is "more than 1 volume type" (hostPath comes
    // first in upstream's order), and then needs no affinity.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  local: {path: /foo}\n  hostPath: {path: /foo}\n"
        )),
        ["doc 1: spec.local: Forbidden: may not specify more than 1 volume type"]
    );
    // "bad-local-path": backsteps.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  local: {path: /foo/../bar}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: k, operator: Exists}]\n"
        )),
        ["doc 1: spec.local.path: Invalid value: \"/foo/../bar\": must not contain '..'"]
    );
    // "valid-local-volume"
    assert_accepted(&pv(
        "p",
        "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  local: {path: /foo}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{key: test-label-key, operator: In, values: [test-label-value]}]\n",
    ));
}

#[test]
fn pv_node_affinity_terms() {
    let with = |expr: &str| {
        pv(
            "p",
            &format!("  capacity: {{storage: 10G}}\n  accessModes: [ReadWriteOnce]\n  hostPath: {{path: /foo}}\n  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - {expr}\n"),
        )
    };
    let at = "doc 1: spec.nodeAffinity.required.nodeSelectorTerms[0]";
    // ValidateNodeSelectorRequirement: an unknown operator is Invalid, not NotSupported.
    assert_eq!(
        create_errors(&with(
            "matchExpressions: [{key: k, operator: Like, values: [v]}]"
        )),
        [format!(
            "{at}.matchExpressions[0].operator: Invalid value: \"Like\": not a valid selector operator"
        )]
    );
    // Gt/Lt need exactly one value; a value that is not a number is not checked here.
    assert_eq!(
        create_errors(&with("matchExpressions: [{key: k, operator: Gt, values: [\"1\", \"2\"]}]")),
        [format!(
            "{at}.matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"
        )]
    );
    assert_accepted(&with(
        "matchExpressions: [{key: k, operator: Lt, values: [abc]}]",
    ));
    // The key must be a qualified name.
    assert_eq!(
        create_errors(&with("matchExpressions: [{key: -k, operator: Exists}]")),
        [format!(
            "{at}.matchExpressions[0].key: Invalid value: \"-k\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        )]
    );
    // matchFields: In/NotIn with one value only, and only metadata.name.
    assert_eq!(
        create_errors(&with(
            "matchFields: [{key: metadata.name, operator: Exists}]"
        )),
        [format!(
            "{at}.matchFields[0].operator: Invalid value: \"Exists\": not a valid selector operator"
        )]
    );
    assert_eq!(
        create_errors(&with(
            "matchFields: [{key: metadata.name, operator: In, values: [a, b]}]"
        )),
        [format!(
            "{at}.matchFields[0].values: Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector"
        )]
    );
    assert_eq!(
        create_errors(&with("matchFields: [{key: metadata.labels, operator: In, values: [a]}]")),
        [format!(
            "{at}.matchFields[0].key: Invalid value: \"metadata.labels\": not a valid field selector key"
        )]
    );
}

// -------------------------------------------------------------------------------------
// Updates of claims and volumes (TestValidatePersistentVolumeClaimUpdate,
// TestValidatePersistentVolumeSourceUpdate, TestPVCResizeAdmission)

/// A bound claim `c` (5Gi, class `fast`) on a static hostPath PV; `expand` says whether the
/// class allows expansion.
fn bound_claim_setup(expand: bool) -> String {
    format!(
        "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: fast}}\nprovisioner: kubernetes.io/no-provisioner\nallowVolumeExpansion: {expand}\n---\n{}---\n{}",
        pv(
            "pv1",
            "  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  storageClassName: fast\n  hostPath: {path: /data}\n"
        ),
        pvc("c", RWO, "5Gi", "  storageClassName: fast\n")
    )
}

#[test]
fn bound_claim_resize_rules() {
    let grow = pvc("c", RWO, "10Gi", "  storageClassName: fast\n");
    // "valid-expand-request" with a class that allows expansion.
    update_ok(&bound_claim_setup(true), &grow);
    // The resize admission refuses a class without allowVolumeExpansion.
    assert_eq!(
        update_error(&bound_claim_setup(false), &grow),
        "persistentvolumeclaims \"c\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
    );
    // "invalid-shrink-request": RecoverVolumeExpansionFailure is GA, so the limit is
    // status.capacity (5Gi), not the previous request.
    assert_eq!(
        update_error(
            &bound_claim_setup(true),
            &pvc("c", RWO, "4Gi", "  storageClassName: fast\n")
        ),
        "The PersistentVolumeClaim \"c\" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"
    );
}

#[test]
fn bound_claim_spec_is_immutable() {
    // "invalid-update-change-access-modes-on-bound-claim"
    assert_eq!(
        update_error(
            &bound_claim_setup(true),
            &pvc("c", "[ReadWriteOnce, ReadWriteMany]", "5Gi", "  storageClassName: fast\n")
        ),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
    // "invalid-update-change-volume-mode": the spec error and the volumeMode error, both.
    assert_eq!(
        update_error(
            &bound_claim_setup(true),
            &pvc("c", RWO, "5Gi", "  storageClassName: fast\n  volumeMode: Block\n")
        ),
        "The PersistentVolumeClaim \"c\" is invalid: \n* spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n* volumeMode: Invalid value: \"Block\": field is immutable"
    );
    // "invalid-update-change-storage-class-annotation-after-creation" (as the field).
    assert_eq!(
        update_error(
            &bound_claim_setup(true),
            &pvc("c", RWO, "5Gi", "  storageClassName: slow\n")
        ),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn unbound_claim_request_is_immutable() {
    // "invalid-update-change-resources-on-unbound-claim" (no PV: the claim stays Pending).
    let setup = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: kubernetes.io/no-provisioner\nallowVolumeExpansion: true\n---\n".to_string()
        + &pvc("c", RWO, "5Gi", "  storageClassName: fast\n");
    assert_eq!(
        update_error(&setup, &pvc("c", RWO, "10Gi", "  storageClassName: fast\n")),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

#[test]
fn pv_source_and_volume_mode_are_immutable() {
    let setup = pv(
        "p",
        "  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /a}\n",
    );
    // TestValidatePersistentVolumeSourceUpdate "change-source" (upstream appends a go-cmp
    // diff to the detail, randomised on purpose; Bindery leaves it out).
    assert_eq!(
        update_error(
            &setup,
            &pv("p", "  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /b}\n")
        ),
        "The PersistentVolume \"p\" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"
    );
    assert_eq!(
        update_error(
            &setup,
            &pv("p", "  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /b}\n  volumeMode: Block\n")
        ),
        "The PersistentVolume \"p\" is invalid: \n* spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n* volumeMode: Invalid value: \"Block\": field is immutable"
    );
    // Capacity and reclaim policy may change.
    update_ok(
        &setup,
        &pv("p", "  capacity: {storage: 6Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /a}\n  persistentVolumeReclaimPolicy: Delete\n"),
    );
}

// -------------------------------------------------------------------------------------
// StorageClass (TestValidateStorageClass, TestStorageClassUpdate, TestValidateAllowedTopologies)

fn sc(body: &str) -> String {
    format!("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {{name: foo}}\n{body}")
}

#[test]
fn storage_class_fields() {
    // "missing provisioner"
    assert_eq!(
        create_errors(&sc("parameters: {a: b}\n")),
        ["doc 1: provisioner: Required value"]
    );
    // "invalid provisioner": a qualified name, checked lower-cased.
    assert_eq!(
        create_errors(&sc("provisioner: kubernetes.io/invalid/provisioner\n")),
        ["doc 1: provisioner: Invalid value: \"kubernetes.io/invalid/provisioner\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    );
    assert_accepted(&sc("provisioner: kubernetes.io/FOO-provisioner\n"));
    // "invalid reclaimpolicy"
    assert_eq!(
        create_errors(&sc("provisioner: kubernetes.io/foo-provisioner\nreclaimPolicy: invalid\n")),
        ["doc 1: reclaimPolicy: Unsupported value: \"invalid\": supported values: \"Delete\", \"Retain\""]
    );
    // TestValidateVolumeBindingModes "invalid mode"
    assert_eq!(
        create_errors(&sc("provisioner: kubernetes.io/foo\nvolumeBindingMode: foo\n")),
        ["doc 1: volumeBindingMode: Unsupported value: \"foo\": supported values: \"Immediate\", \"WaitForFirstConsumer\""]
    );
}

#[test]
fn storage_class_allowed_topologies() {
    let with = |terms: &str| {
        sc(&format!(
            "provisioner: kubernetes.io/foo\nvolumeBindingMode: WaitForFirstConsumer\nallowedTopologies:\n{terms}"
        ))
    };
    // "valid AllowedTopologies"
    assert_accepted(&with(
        "- matchLabelExpressions: [{key: failure-domain.beta.kubernetes.io/zone, values: [zone1]}, {key: kubernetes.io/hostname, values: [node1]}]\n- matchLabelExpressions: [{key: failure-domain.beta.kubernetes.io/zone, values: [zone2]}]\n",
    ));
    // "empty values in AllowedTopologies"
    assert_eq!(
        create_errors(&with(
            "- matchLabelExpressions: [{key: zone, values: []}]\n"
        )),
        ["doc 1: allowedTopologies[0].matchLabelExpressions[0].values: Required value"]
    );
    // "invalid key in AllowedTopologies"
    assert_eq!(
        create_errors(&with("- matchLabelExpressions: [{key: /invalidkey, values: [zone1]}]\n")),
        ["doc 1: allowedTopologies[0].matchLabelExpressions[0].key: Invalid value: \"/invalidkey\": prefix part must be non-empty"]
    );
    // "duplicate values in AllowedTopologies"
    assert_eq!(
        create_errors(&with("- matchLabelExpressions: [{key: zone, values: [zone1, zone1]}]\n")),
        ["doc 1: allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: \"zone1\""]
    );
    // "duplicate keys in AllowedTopologies"
    assert_eq!(
        create_errors(&with(
            "- matchLabelExpressions: [{key: zone, values: [zone1]}, {key: zone, values: [zone2]}]\n"
        )),
        ["doc 1: allowedTopologies[0].matchLabelExpressions[1].key: Duplicate value: \"zone\""]
    );
    // "duplicate MatchLabelExpressions terms in AllowedTopologies"
    assert_eq!(
        create_errors(&with(
            "- matchLabelExpressions: [{key: zone, values: [zone1]}]\n- matchLabelExpressions: [{key: zone, values: [zone1]}]\n"
        )),
        ["doc 1: allowedTopologies[1].matchLabelExpressions: Duplicate value: \"\""]
    );
}

#[test]
fn storage_class_updates() {
    let setup = sc("provisioner: kubernetes.io/foo\nparameters: {kubernetes.io/foo-parameter: free/form/string}\n");
    // TestStorageClassUpdate: parameters and provisioner, both reported.
    assert_eq!(
        update_error(
            &setup,
            &sc("provisioner: kubernetes.io/bar\nparameters: {kubernetes.io/foo-parameter: another}\n")
        ),
        "The StorageClass \"foo\" is invalid: \n* parameters: Forbidden: updates to parameters are forbidden.\n* provisioner: Forbidden: updates to provisioner are forbidden."
    );
    assert_eq!(
        update_error(
            &setup,
            &sc("provisioner: kubernetes.io/foo\nparameters: {kubernetes.io/foo-parameter: free/form/string}\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n")
        ),
        "The StorageClass \"foo\" is invalid: \n* reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.\n* volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable"
    );
    // Labels and allowVolumeExpansion may change.
    update_ok(
        &setup,
        &sc("provisioner: kubernetes.io/foo\nparameters: {kubernetes.io/foo-parameter: free/form/string}\nallowVolumeExpansion: true\n"),
    );
}

// -------------------------------------------------------------------------------------
// PriorityClass (TestValidatePriorityClass, TestValidatePriorityClassUpdate,
// TestPriorityClassAdmission)

fn pc(name: &str, rest: &str) -> String {
    format!(
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {{name: {name}}}\n{rest}"
    )
}

#[test]
fn priority_class_values_and_reserved_names() {
    // "incorrect system class name"
    assert_eq!(
        create_errors(&pc("system-something", "value: 2000001000\n")),
        ["doc 1: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-something is not a known system priority class"]
    );
    // "incorrect system class value"
    assert_eq!(
        create_errors(&pc("system-node-critical", "value: 1000\n")),
        ["doc 1: metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"]
    );
    // "user-defined value above the limit"
    assert_eq!(
        create_errors(&pc("tier1", "value: 1000000001\n")),
        ["doc 1: value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]
    );
    assert_accepted(&pc("tier1", "value: 1000000000\n"));
    // "invalid preemptionPolicy"
    assert_eq!(
        create_errors(&pc("tier1", "value: 100\npreemptionPolicy: Sometimes\n")),
        ["doc 1: preemptionPolicy: Unsupported value: \"Sometimes\": supported values: \"Never\", \"PreemptLowerPriority\""]
    );
}

#[test]
fn priority_class_updates() {
    let setup = pc("tier1", "value: 100\n");
    // "value change": Forbidden; "preemptionPolicy change": immutable.
    assert_eq!(
        update_error(&setup, &pc("tier1", "value: 200\n")),
        "The PriorityClass \"tier1\" is invalid: value: Forbidden: may not be changed in an update."
    );
    assert_eq!(
        update_error(&setup, &pc("tier1", "value: 100\npreemptionPolicy: Never\n")),
        "The PriorityClass \"tier1\" is invalid: preemptionPolicy: Invalid value: \"Never\": field is immutable"
    );
    // Only description and globalDefault (alone) may change.
    update_ok(
        &setup,
        &pc(
            "tier1",
            "value: 100\ndescription: changed\nglobalDefault: true\n",
        ),
    );
    // TestPriorityClassAdmission "one default class already exists": an update that makes
    // a second class the default is refused by admission.
    let two = pc("default-a", "value: 1\nglobalDefault: true\n") + "---\n" + &pc("b", "value: 2\n");
    assert_eq!(
        update_error(&two, &pc("b", "value: 2\nglobalDefault: true\n")),
        "priorityclasses.scheduling.k8s.io \"b\" is forbidden: PriorityClass default-a is already marked as default. Only one default can exist"
    );
    // "updating a default class is allowed".
    update_ok(
        &two,
        &pc(
            "default-a",
            "value: 1\nglobalDefault: true\ndescription: x\n",
        ),
    );
}

// -------------------------------------------------------------------------------------
// Pod priority admission (plugin/pkg/admission/priority TestPodAdmission)

fn pod(name: &str, spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers: [{{name: app, image: nginx}}]\n{spec}"
    )
}

#[test]
fn pod_priority_admission() {
    // "pod with a non-existing priority class"
    assert_eq!(
        create_errors(&pod("p", "  priorityClassName: foo\n")),
        ["doc 1: spec.priorityClassName: pods \"p\" is forbidden: no PriorityClass with name foo was found"]
    );
    // "pod with integer priority" and no class: admission computed 0.
    assert_eq!(
        create_errors(&pod("p", "  priority: 100\n")),
        ["doc 1: spec.priority: pods \"p\" is forbidden: the integer value of priority (100) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name"]
    );
    // "pod with integer priority" under a global default of 1000.
    let with_default = pc("default1", "value: 1000\nglobalDefault: true\n") + "---\n";
    assert_eq!(
        create_errors(&(with_default.clone() + &pod("p", "  priority: 100\n"))),
        ["doc 2: spec.priority: pods \"p\" is forbidden: the integer value of priority (100) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name"]
    );
    assert_accepted(&(with_default + &pod("p", "  priority: 1000\n")));
    // "pod with preemption policy conflicting with its class" (the default class when none).
    let never = pc("nopreempt", "value: 10\npreemptionPolicy: Never\n") + "---\n";
    assert_accepted(
        &(never.clone()
            + &pod(
                "p",
                "  priorityClassName: nopreempt\n  preemptionPolicy: Never\n",
            )),
    );
    let lower = pc("tier1", "value: 10\n") + "---\n";
    assert_eq!(
        create_errors(&(lower + &pod("p", "  priorityClassName: tier1\n  preemptionPolicy: Never\n"))),
        ["doc 2: spec.preemptionPolicy: pods \"p\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name"]
    );
    assert_eq!(
        create_errors(&pod("p", "  preemptionPolicy: Never\n")),
        ["doc 1: spec.preemptionPolicy: pods \"p\" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name"]
    );
}

// -------------------------------------------------------------------------------------
// Pod spec (TestValidateTolerations, TestValidateTopologySpreadConstraints)

#[test]
fn pod_tolerations() {
    let at = "doc 1: spec.tolerations[0]";
    // "invalid effect"
    assert_eq!(
        create_errors(&pod("p", "  tolerations: [{key: foo, operator: Equal, value: bar, effect: NoScheduleAtAll}]\n")),
        [format!("{at}.effect: Unsupported value: \"NoScheduleAtAll\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"")]
    );
    // "empty key with operator Equal"
    assert_eq!(
        create_errors(&pod("p", "  tolerations: [{operator: Equal, value: bar}]\n")),
        [format!("{at}.operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"")]
    );
    // "value must be empty when `operator` is 'Exists'": the bad value is the toleration.
    assert_eq!(
        create_errors(&pod("p", "  tolerations: [{key: foo, operator: Exists, value: bar, effect: NoSchedule}]\n")),
        [format!("{at}.operator: Invalid value: core.Toleration{{Key:\"foo\", Operator:\"Exists\", Value:\"bar\", Effect:\"NoSchedule\", TolerationSeconds:(*int64)(nil)}}: value must be empty when `operator` is 'Exists'")]
    );
    // "tolerationSeconds with an effect other than NoExecute"
    assert_eq!(
        create_errors(&pod("p", "  tolerations: [{key: foo, operator: Exists, effect: NoSchedule, tolerationSeconds: 20}]\n")),
        [format!("{at}.effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set")]
    );
    // "invalid operator"
    assert_eq!(
        create_errors(&pod(
            "p",
            "  tolerations: [{key: foo, operator: In, value: bar}]\n"
        )),
        [format!(
            "{at}.operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\""
        )]
    );
    // "invalid key"
    assert_eq!(
        create_errors(&pod("p", "  tolerations: [{key: nospecialchars^=@, operator: Equal, value: bar}]\n")),
        [format!("{at}.key: Invalid value: \"nospecialchars^=@\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    );
    // Valid: empty key with Exists tolerates everything.
    assert_accepted(&pod("p", "  tolerations: [{operator: Exists}]\n"));
}

#[test]
fn pod_topology_spread_constraints() {
    let at = "doc 1: spec.topologySpreadConstraints";
    let tsc = |c: &str| pod("p", &format!("  topologySpreadConstraints:\n{c}"));
    // "negative maxSkew"
    assert_eq!(
        create_errors(&tsc(
            "  - {maxSkew: -1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}\n"
        )),
        [format!(
            "{at}[0].maxSkew: Invalid value: -1: must be greater than zero"
        )]
    );
    // "empty topologyKey"
    assert_eq!(
        create_errors(&tsc(
            "  - {maxSkew: 1, topologyKey: \"\", whenUnsatisfiable: DoNotSchedule}\n"
        )),
        [format!(
            "{at}[0].topologyKey: Required value: can not be empty"
        )]
    );
    // "unsupported whenUnsatisfiable"
    assert_eq!(
        create_errors(&tsc("  - {maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: N/A}\n")),
        [format!("{at}[0].whenUnsatisfiable: Unsupported value: \"N/A\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"")]
    );
    // "negative minDomains"
    assert_eq!(
        create_errors(&tsc("  - {maxSkew: 1, minDomains: -1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}\n")),
        [format!("{at}[0].minDomains: Invalid value: -1: must be greater than zero")]
    );
    // "cannot use minDomains with ScheduleAnyway"
    assert_eq!(
        create_errors(&tsc("  - {maxSkew: 1, minDomains: 10, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway}\n")),
        [format!("{at}[0].minDomains: Invalid value: 10: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway")]
    );
    // "use negative minDomains with ScheduleAnyway (invalid)": both errors.
    assert_eq!(
        create_errors(&tsc("  - {maxSkew: 1, minDomains: -1, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway}\n")),
        [
            format!("{at}[0].minDomains: Invalid value: -1: must be greater than zero"),
            format!("{at}[0].minDomains: Invalid value: -1: can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"),
        ]
    );
    // "combination of topologyKey and whenUnsatisfiable are duplicated": upstream answers
    // `spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value:
    // "{k8s.io/zone, DoNotSchedule}"`. A known, deliberate deviation: Bindery accepts the pod
    // (upstream's own PodTopologySpread plugin tables, replayed in upstream_volume_plugins.rs,
    // schedule such pods, bypassing the API).
    assert_accepted(&tsc("  - {maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}\n  - {maxSkew: 2, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}\n"));
    // "invalid nodeAffinityPolicy" / "invalid nodeTaintsPolicy"
    assert_eq!(
        create_errors(&tsc("  - {maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule, nodeAffinityPolicy: invalid}\n")),
        [format!("{at}[0].nodeAffinityPolicy: Unsupported value: \"invalid\": supported values: \"Honor\", \"Ignore\"")]
    );
    // "valid" with the same key and a different action.
    assert_accepted(&tsc("  - {maxSkew: 1, topologyKey: k8s.io/zone, whenUnsatisfiable: DoNotSchedule}\n  - {maxSkew: 2, topologyKey: k8s.io/zone, whenUnsatisfiable: ScheduleAnyway}\n"));
}

// -------------------------------------------------------------------------------------
// Metadata (ValidateObjectMeta: names, namespaces, labels, annotations)

#[test]
fn metadata_names_labels_annotations() {
    assert_eq!(
        create_errors("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: a.b}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"),
        ["doc 1: metadata.namespace: Invalid value: \"a.b\": must not contain dots"]
    );
    assert_eq!(
        create_errors("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: A_b}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"),
        ["doc 1: metadata.namespace: Invalid value: \"A_b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]
    );
    assert_eq!(
        create_errors("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  labels: {\"-bad\": ok, good: \"-bad\"}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"),
        [
            "doc 1: metadata.labels: Invalid value: \"-bad\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            "doc 1: metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ]
    );
    assert_eq!(
        create_errors("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  annotations: {\"a/b/c\": x}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n"),
        ["doc 1: metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    );
    // Upper case is fine in annotation keys (checked lower-cased) and label keys.
    assert_accepted("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  labels: {app.kubernetes.io/Name: x}\n  annotations: {Example.COM/Key: x}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n");
}

// -------------------------------------------------------------------------------------
// Pod volumes (validateVolumes)

#[test]
fn pod_volumes() {
    let at = "doc 1: spec.volumes[0]";
    // "name not a DNS label", "empty claimName", "duplicate names"
    assert_eq!(
        create_errors(&pod("p", "  volumes: [{name: Data, persistentVolumeClaim: {claimName: c}}]\n")),
        [format!("{at}.name: Invalid value: \"Data\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]
    );
    assert_eq!(
        create_errors(&pod(
            "p",
            "  volumes: [{name: data, persistentVolumeClaim: {claimName: \"\"}}]\n"
        )),
        [format!(
            "{at}.persistentVolumeClaim.claimName: Required value"
        )]
    );
    assert_eq!(
        create_errors(&pod("p", "  volumes: [{name: data, persistentVolumeClaim: {claimName: a}}, {name: data, persistentVolumeClaim: {claimName: b}}]\n")),
        ["doc 1: spec.volumes[1].name: Duplicate value: \"data\""]
    );
}

/// validation.go `validateEphemeralVolumeSource` / `ValidateTemplateObjectMeta` and the
/// derived claim name check in `validateVolumeSource` (validation_test.go's "ephemeral"
/// volume cases).
#[test]
fn pod_generic_ephemeral_volumes() {
    let at = "doc 1: spec.volumes[0]";
    let template = |meta: &str, spec: &str| {
        format!("  volumes:\n  - name: scratch\n    ephemeral:\n      volumeClaimTemplate:\n{meta}        spec: {spec}\n")
    };
    let good_spec = "{accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}";
    // "ephemeral volume + PVC, no metadata" / "with labels and annotations": accepted.
    assert_accepted(&pod("p", &template("", good_spec)));
    assert_accepted(&pod(
        "p",
        &template(
            "        metadata: {labels: {a: b}, annotations: {c: d}}\n",
            good_spec,
        ),
    ));
    // "ephemeral volume without template".
    assert_eq!(
        create_errors(&pod("p", "  volumes: [{name: scratch, ephemeral: {}}]\n")),
        [format!(
            "{at}.ephemeral.volumeClaimTemplate: Required value"
        )]
    );
    // Only labels and annotations may be set in the template's metadata.
    assert_eq!(
        create_errors(&pod(
            "p",
            &template(
                "        metadata: {name: x, namespace: y, finalizers: [f]}\n",
                good_spec
            )
        )),
        [
            format!("{at}.ephemeral.volumeClaimTemplate.metadata.name: Forbidden: cannot be set"),
            format!(
                "{at}.ephemeral.volumeClaimTemplate.metadata.namespace: Forbidden: cannot be set"
            ),
            format!(
                "{at}.ephemeral.volumeClaimTemplate.metadata.finalizers: Forbidden: cannot be set"
            ),
        ]
    );
    // The template's spec is a claim's spec.
    assert_eq!(
        create_errors(&pod("p", &template("", "{resources: {requests: {storage: 1Gi}}}"))),
        [format!(
            "{at}.ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required"
        )]
    );
    // `<pod>-<volume>` must be a valid claim name.
    let long = "p".repeat(250);
    assert_eq!(
        create_errors(&pod(&long, &template("", good_spec))),
        [format!(
            "{at}.name: Invalid value: \"scratch\": PVC name \"{long}-scratch\": must be no more than 253 characters"
        )]
    );
}

// -------------------------------------------------------------------------------------
// PodDisruptionBudget (pkg/apis/policy/validation TestValidatePodDisruptionBudgetSpec)

fn pdb(spec: &str) -> String {
    format!("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: b}}\nspec:\n  selector: {{matchLabels: {{app: a}}}}\n{spec}")
}

#[test]
fn pdb_spec() {
    // "minAvailable/maxUnavailable" values: ValidatePositiveIntOrPercent and
    // IsNotMoreThan100Percent; an IntOrString prints through String(), unquoted.
    assert_eq!(
        create_errors(&pdb("  minAvailable: -1\n")),
        ["doc 1: spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"]
    );
    assert_eq!(
        create_errors(&pdb("  minAvailable: 101%\n")),
        ["doc 1: spec.minAvailable: Invalid value: 101%: must not be greater than 100%"]
    );
    assert_eq!(
        create_errors(&pdb("  maxUnavailable: \"1.1%\"\n")),
        ["doc 1: spec.maxUnavailable: Invalid value: 1.1%: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]
    );
    assert_accepted(&pdb("  maxUnavailable: 100%\n"));
    // Both set: the both-set error first, then each value's own.
    assert_eq!(
        create_errors(&pdb("  minAvailable: 1\n  maxUnavailable: -1\n")),
        [
            "doc 1: spec: Invalid value: \"minAvailable and maxUnavailable\": minAvailable and maxUnavailable cannot be both set",
            "doc 1: spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn deployment_max_surge_may_exceed_100_percent() {
    // ValidateRollingUpdateDeployment: only maxUnavailable is capped at 100%.
    let d = |ru: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d}}\nspec:\n  replicas: 1\n  selector: {{matchLabels: {{app: a}}}}\n  strategy: {{type: RollingUpdate, rollingUpdate: {{{ru}}}}}\n  template:\n    metadata: {{labels: {{app: a}}}}\n    spec: {{containers: [{{name: c, image: i}}]}}\n")
    };
    assert_accepted(&d("maxSurge: 150%"));
    assert_eq!(
        create_errors(&d("maxUnavailable: 150%")),
        ["doc 1: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 150%: must not be greater than 100%"]
    );
}

// -------------------------------------------------------------------------------------
// CSINode, CSIDriver, CSIStorageCapacity (pkg/apis/storage/validation TestValidateCSINode,
// TestCSIDriverValidationUpdate, TestValidateCSIStorageCapacity(Update))

#[test]
fn csi_node_drivers() {
    let node = |drivers: &str| {
        format!("apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata: {{name: n1}}\nspec:\n  drivers:\n{drivers}")
    };
    assert_accepted(&node("  - {name: io.kubernetes.storage.csi.driver, nodeID: node1, topologyKeys: [company.com/zone1, company.com/zone2]}\n"));
    // "invalid driver name", "empty node ID", "duplicate drivers", "negative count",
    // "duplicate topology keys"
    assert_eq!(
        create_errors(&node("  - {name: \"\", nodeID: node1}\n")),
        [
            "doc 1: spec.drivers[0].name: Required value",
            "doc 1: spec.drivers[0].name: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
        ]
    );
    assert_eq!(
        create_errors(&node("  - {name: driver1, nodeID: \"\"}\n")),
        ["doc 1: spec.drivers[0].nodeID: Required value"]
    );
    assert_eq!(
        create_errors(&node(
            "  - {name: driver1, nodeID: a}\n  - {name: driver1, nodeID: b}\n"
        )),
        ["doc 1: spec.drivers[1].name: Duplicate value: \"driver1\""]
    );
    assert_eq!(
        create_errors(&node("  - {name: driver1, nodeID: a, allocatable: {count: -1}}\n")),
        ["doc 1: spec.drivers[0].allocatable.count: Invalid value: -1: must be greater than or equal to 0"]
    );
    assert_eq!(
        create_errors(&node("  - {name: driver1, nodeID: a, topologyKeys: [company.com/zone1, company.com/zone1]}\n")),
        ["doc 1: spec.drivers[0]: Duplicate value: \"company.com/zone1\""]
    );
}

#[test]
fn csi_driver_and_capacity_updates() {
    let driver = |attach: bool| {
        format!("apiVersion: storage.k8s.io/v1\nkind: CSIDriver\nmetadata: {{name: d.example.com}}\nspec: {{attachRequired: {attach}}}\n")
    };
    assert_eq!(
        update_error(&driver(true), &driver(false)),
        "The CSIDriver \"d.example.com\" is invalid: spec.attachedRequired: Invalid value: false: field is immutable"
    );
    let cap = |class: &str, capacity: &str| {
        format!("apiVersion: storage.k8s.io/v1\nkind: CSIStorageCapacity\nmetadata: {{name: c1}}\nstorageClassName: {class}\ncapacity: {capacity}\n")
    };
    // TestValidateCSIStorageCapacity "bad storage class name" (empty: no Required) and
    // "negative capacity".
    assert_eq!(
        create_errors(&cap("\"\"", "1Gi")),
        ["doc 1: storageClassName: Invalid value: \"\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
    );
    assert_eq!(
        create_errors(&cap("fast", "-1Gi")),
        ["doc 1: capacity: Invalid value: \"-1Gi\": must be greater than or equal to 0"]
    );
    // TestValidateCSIStorageCapacityUpdate "storage class name changed"; capacity may change.
    assert_eq!(
        update_error(&cap("fast", "1Gi"), &cap("slow", "1Gi")),
        "The CSIStorageCapacity \"c1\" is invalid: storageClassName: Invalid value: \"slow\": field is immutable"
    );
    update_ok(&cap("fast", "1Gi"), &cap("fast", "2Gi"));
}

#[test]
fn pod_spec_names_and_node_selector() {
    // ValidatePodSpec "bad nodeName", "bad priorityClassName", "bad nodeSelector".
    let sub = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    assert_eq!(
        create_errors(&pod("p", "  nodeName: Node_1\n")),
        [format!(
            "doc 1: spec.nodeName: Invalid value: \"Node_1\": {sub}"
        )]
    );
    assert_eq!(
        create_errors(&pod("p", "  schedulerName: My_Scheduler\n")),
        [format!(
            "doc 1: spec.schedulerName: Invalid value: \"My_Scheduler\": {sub}"
        )]
    );
    assert_eq!(
        create_errors(&pod("p", "  nodeSelector: {\"disk/type/x\": ssd}\n")),
        ["doc 1: spec.nodeSelector: Invalid value: \"disk/type/x\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    );
}

#[test]
fn label_selectors() {
    // metav1validation.ValidateLabelSelector on a claim's selector: matchLabels keys and
    // values, requirement keys and values.
    assert_eq!(
        create_errors(&pvc("c", RWO, "1Gi", "  selector:\n    matchLabels: {\"a/b/c\": x}\n    matchExpressions: [{key: k, operator: In, values: [\"bad value\"]}]\n")),
        [
            "doc 1: spec.selector.matchLabels: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
            "doc 1: spec.selector.matchExpressions[0].values[0]: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ]
    );
    // "Exists with values"
    assert_eq!(
        create_errors(&pvc("c", RWO, "1Gi", "  selector:\n    matchExpressions: [{key: k, operator: Exists, values: [v]}]\n")),
        ["doc 1: spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]
    );
}

#[test]
fn priority_class_without_value_has_value_zero() {
    // scheduling/v1 PriorityClass.Value is an int32, not a pointer: omitted is 0, valid.
    assert_accepted(&pc("zero", "description: no value\n"));
}

#[test]
fn pv_node_affinity_is_immutable_once_set() {
    // TestValidatePVUpdateWithNodeAffinity (MutablePVNodeAffinity off): setting affinity on a
    // PV without it is allowed; changing or removing it is not.
    let aff = |v: &str| {
        format!("  nodeAffinity:\n    required:\n      nodeSelectorTerms:\n      - matchExpressions: [{{key: zone, operator: In, values: [{v}]}}]\n")
    };
    let base =
        "  capacity: {storage: 5Gi}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /a}\n";
    update_ok(&pv("p", base), &pv("p", &(base.to_string() + &aff("z1"))));
    let with = pv("p", &(base.to_string() + &aff("z1")));
    assert_eq!(
        update_error(&with, &pv("p", &(base.to_string() + &aff("z2")))),
        "The PersistentVolume \"p\" is invalid: nodeAffinity: Invalid value: core.VolumeNodeAffinity{Required:(*core.NodeSelector)(0xc000000000)}: field is immutable"
    );
    assert_eq!(
        update_error(&with, &pv("p", base)),
        "The PersistentVolume \"p\" is invalid: nodeAffinity: Invalid value: \"null\": field is immutable"
    );
}

#[test]
fn pv_host_path_root_recycle_and_csi_source() {
    // "host mount of / with recycle reclaim policy"
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  hostPath: {path: /}\n  persistentVolumeReclaimPolicy: Recycle\n"
        )),
        ["doc 1: spec.persistentVolumeReclaimPolicy: Forbidden: may not be 'recycle' for a hostPath mount of '/'"]
    );
    // validateCSIPersistentVolumeSource: upstream checks the driver with
    // ValidateCSIDriverName (an empty one also fails the DNS-1123 regex). A known,
    // deliberate deviation: Bindery only requires it, so that upstream's PV controller
    // fixtures (drivers like `vendor.com/my-volume`) load.
    assert_eq!(
        create_errors(&pv(
            "p",
            "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  csi: {driver: \"\", volumeHandle: \"\"}\n"
        )),
        [
            "doc 1: spec.csi.driver: Required value",
            "doc 1: spec.csi.volumeHandle: Required value",
        ]
    );
    assert_accepted(&pv(
        "p",
        "  capacity: {storage: 10G}\n  accessModes: [ReadWriteOnce]\n  csi: {driver: Ebs.CSI.aws.com, volumeHandle: vol-1}\n",
    ));
}

#[test]
fn required_node_affinity_values_stay_accepted() {
    // Newer API servers check a required node affinity's In/NotIn values as label values
    // (`values[0]: Invalid value: "a b": a valid label must be …`). A known, deliberate
    // deviation: Bindery accepts them, because upstream's NodeAffinity plugin tables
    // (replayed in upstream_node_plugins.rs) schedule such pods, which match no node.
    assert_accepted(&pod("p", "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchExpressions: [{key: zone, operator: In, values: [\"a b\"]}]\n"));
}

#[test]
fn node_taints() {
    // validateNodeTaints: key a label name, value a label value, effect required and one of
    // validateTaintEffect's values in its (unsorted) order.
    let node = |taint: &str| {
        format!("apiVersion: v1\nkind: Node\nmetadata: {{name: n1}}\nspec:\n  taints: [{taint}]\n")
    };
    assert_eq!(
        create_errors(&node("{key: dedicated, value: x, effect: Sometimes}")),
        ["doc 1: spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""]
    );
    assert_eq!(
        create_errors(&node("{key: dedicated, value: x, effect: \"\"}")),
        ["doc 1: spec.taints[0].effect: Required value"]
    );
    assert_eq!(
        create_errors(&node("{key: \"\", effect: NoSchedule}")),
        [
            "doc 1: spec.taints[0].key: Invalid value: \"\": name part must be non-empty",
            "doc 1: spec.taints[0].key: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ]
    );
}

#[test]
fn pod_updates() {
    let setup = pod("p", "  schedulingGates: [{name: a}, {name: b}]\n");
    // TestValidatePodUpdate: spec changes other than the allowed ones are forbidden (the
    // go-cmp diff upstream appends is randomised on purpose and left out).
    assert_eq!(
        update_error(&setup, &pod("p", "  schedulingGates: [{name: a}, {name: b}]\n  nodeSelector: {disk: ssd}\n")),
        "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
    );
    // Scheduling gates may only be removed.
    assert_eq!(
        update_error(&setup, &pod("p", "  schedulingGates: [{name: a}, {name: b}, {name: c}]\n")),
        "The Pod \"p\" is invalid: spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate"
    );
    update_ok(&setup, &pod("p", "  schedulingGates: [{name: a}]\n"));
}

#[test]
fn claim_class_may_be_set_once_from_nil() {
    // validateStorageClassUpgradeFromNil: with no default class, a claim created without a
    // class may get one later; a class, once set, is part of the immutable spec.
    let setup = pvc("c", RWO, "1Gi", "");
    update_ok(&setup, &pvc("c", RWO, "1Gi", "  storageClassName: fast\n"));
    let with_class = pvc("c", RWO, "1Gi", "  storageClassName: fast\n");
    assert_eq!(
        update_error(&with_class, &pvc("c", RWO, "1Gi", "  storageClassName: slow\n")),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
    // volumeName may be set once; "invalid-update-change-volume-name" once bound.
    assert_eq!(
        update_error(
            &bound_claim_setup(true),
            &pvc("c", RWO, "5Gi", "  storageClassName: fast\n  volumeName: other\n")
        ),
        "The PersistentVolumeClaim \"c\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
    );
}

// -------------------------------------------------------------------------------------
// In-tree disks the scheduler reads (validateVolumeSource, ValidatePersistentVolumeSpec:
// validateGCEPersistentDiskVolumeSource, validateAWSElasticBlockStoreVolumeSource,
// validateISCSIVolumeSource, validateRBDVolumeSource, validateCinderVolumeSource,
// validateAzureDisk, validatePortworxVolumeSource)

#[test]
fn in_tree_disk_fields() {
    let volume = |source: &str| pod("p", &format!("  volumes:\n  - name: d\n    {source}\n"));
    let cases = [
        (
            "gcePersistentDisk: {pdName: '', partition: 256}",
            vec![
                "doc 1: spec.volumes[0].gcePersistentDisk.pdName: Required value",
                "doc 1: spec.volumes[0].gcePersistentDisk.partition: Invalid value: 256: must be between 1 and 255, inclusive",
            ],
        ),
        (
            "awsElasticBlockStore: {volumeID: '', partition: -1}",
            vec![
                "doc 1: spec.volumes[0].awsElasticBlockStore.volumeID: Required value",
                "doc 1: spec.volumes[0].awsElasticBlockStore.partition: Invalid value: -1: must be between 1 and 255, inclusive",
            ],
        ),
        (
            "iscsi: {targetPortal: '', iqn: 'x.2016-12.server:target', lun: 256}",
            vec![
                "doc 1: spec.volumes[0].iscsi.targetPortal: Required value",
                "doc 1: spec.volumes[0].iscsi.iqn: Invalid value: \"x.2016-12.server:target\": must be valid format starting with iqn, eui, or naa",
                "doc 1: spec.volumes[0].iscsi.lun: Invalid value: 256: must be between 0 and 255, inclusive",
            ],
        ),
        (
            "iscsi: {targetPortal: '127.0.0.1:3260', iqn: '', lun: 0}",
            vec!["doc 1: spec.volumes[0].iscsi.iqn: Required value"],
        ),
        (
            "rbd: {monitors: [], image: ''}",
            vec![
                "doc 1: spec.volumes[0].rbd.monitors: Required value",
                "doc 1: spec.volumes[0].rbd.image: Required value",
            ],
        ),
        (
            "cinder: {volumeID: ''}",
            vec!["doc 1: spec.volumes[0].cinder.volumeID: Required value"],
        ),
        (
            "azureDisk: {diskName: '', diskURI: ''}",
            vec![
                "doc 1: spec.volumes[0].azureDisk.diskName: Required value",
                "doc 1: spec.volumes[0].azureDisk.diskURI: Required value",
            ],
        ),
        (
            "portworxVolume: {volumeID: ''}",
            vec!["doc 1: spec.volumes[0].portworxVolume.volumeID: Required value"],
        ),
    ];
    for (source, want) in cases {
        assert_eq!(create_errors(&volume(source)), want, "{source}");
    }
    assert_accepted(&volume("gcePersistentDisk: {pdName: pd, partition: 0}"));
    assert_accepted(&volume(
        "iscsi: {targetPortal: '127.0.0.1:3260', iqn: 'iqn.2016-12.server:storage.target01', lun: 0}",
    ));
    // The same checks on a PV's source.
    let disk_pv = |source: &str| {
        pv(
            "p",
            &format!("  capacity: {{storage: 1Gi}}\n  accessModes: [ReadWriteOnce]\n  {source}\n"),
        )
    };
    assert_eq!(
        create_errors(&disk_pv("awsElasticBlockStore: {volumeID: ''}")),
        ["doc 1: spec.awsElasticBlockStore.volumeID: Required value"]
    );
    assert_eq!(
        create_errors(&disk_pv("gcePersistentDisk: {pdName: pd, partition: 300}")),
        ["doc 1: spec.gcePersistentDisk.partition: Invalid value: 300: must be between 1 and 255, inclusive"]
    );
    assert_accepted(&disk_pv("cinder: {volumeID: v}"));
}
