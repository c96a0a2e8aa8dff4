//! Upstream's unit-test tables for InterPodAffinity, replayed through the whole engine
//! (default profile, Kubernetes v1.36): `interpodaffinity/filtering_test.go`
//! (TestRequiredAffinitySingleNode, TestRequiredAffinityMultipleNodes) and
//! `scoring_test.go` (TestPreferredAffinity), plus end-to-end scenarios (a self-repelling
//! set of three pods on two nodes; preemption of an anti-affine pod).
//!
//! Each test names the upstream case it transcribes. Filter cases read InterPodAffinity's
//! column of `Simulation::explain` for a pending (gated) pod; score cases read its
//! weighted score (weight 2) per node, so the upstream normalized score is half of it.
//!
//! Adapted or skipped upstream cases:
//! - Upstream feeds the plugin terms without a `topologyKey` (e.g. "Does not satisfy the
//!   PodAffinity with labelSelector because of diff Namespace"); the API server rejects
//!   those (`topologyKey: can not be empty`), so the cases use `region`, which changes
//!   nothing in their outcome.
//! - Upstream nodes carry only the labels of the table; Bindery's also carry
//!   `kubernetes.io/hostname` (no case uses it as a topology key, so outcomes match).
//! - Pods upstream places on a node missing from the snapshot (machine2 in "pod matches
//!   its own Label in PodAffinity …") are placed on a node without the `region` label:
//!   the pod is invisible to the term either way.
//! - Skipped: "invalid Affinity fails PreScore" / "invalid AntiAffinity fails PreScore"
//!   (label values like `{{.bad-value.}}` are rejected by validation before a pod exists);
//!   the `ignorePreferredTermsOfExistingPods: true` and `hardPodAffinityWeight` variants
//!   (Bindery runs the default profile with default args only); namespaceSelector cases
//!   that need Namespace objects with labels (`team: team1`): Bindery has no Namespace
//!   objects and gives every namespace only `kubernetes.io/metadata.name`.

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scheduler::explain::Verdict;
use bindery_core::Simulation;
use bindery_tests::run_yaml;

const IPA: &str = "InterPodAffinity";
const AFFINITY: &str = "node(s) didn't match pod affinity rules";
const ANTI: &str = "node(s) didn't match pod anti-affinity rules";
const EXISTING: &str = "node(s) didn't satisfy existing pods anti-affinity rules";

/// A node with room for 32 small pods and the given extra labels.
fn node(name: &str, labels: &str) -> String {
    let labels = if labels.is_empty() {
        format!("kubernetes.io/hostname: {name}")
    } else {
        format!("kubernetes.io/hostname: {name}, {labels}")
    };
    format!(
        "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}, labels: {{{labels}}}}}\nstatus:\n  allocatable: {{cpu: '4', memory: 8Gi, pods: '32'}}\n"
    )
}

/// A pod in `ns` (bound to `node`, or pending and gated when `node` is empty) with
/// `labels` and an `affinity` block (YAML under `spec.affinity`, may be empty).
fn pod(name: &str, ns: &str, node: &str, labels: &str, affinity: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}, labels: {{{labels}}}}}\nspec:\n  terminationGracePeriodSeconds: 0\n  containers: [{{name: c, image: pause}}]\n"
    );
    if node.is_empty() {
        s.push_str("  schedulingGates: [{name: hold}]\n");
    } else {
        s.push_str(&format!("  nodeName: {node}\n"));
    }
    if !affinity.is_empty() {
        s.push_str("  affinity:\n");
        s.push_str(affinity);
    }
    s
}

/// `podAffinity`/`podAntiAffinity` required terms, each a flow-style term.
fn required(affinity: &[&str], anti: &[&str]) -> String {
    let mut s = String::new();
    if !affinity.is_empty() {
        s.push_str("    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n");
        for t in affinity {
            s.push_str(&format!("      - {t}\n"));
        }
    }
    if !anti.is_empty() {
        s.push_str("    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n");
        for t in anti {
            s.push_str(&format!("      - {t}\n"));
        }
    }
    s
}

/// Preferred terms: (weight, term) for podAffinity and podAntiAffinity.
fn preferred(affinity: &[(i32, &str)], anti: &[(i32, &str)]) -> String {
    let mut s = String::new();
    if !affinity.is_empty() {
        s.push_str("    podAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n");
        for (w, t) in affinity {
            s.push_str(&format!("      - {{weight: {w}, podAffinityTerm: {t}}}\n"));
        }
    }
    if !anti.is_empty() {
        s.push_str(
            "    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n",
        );
        for (w, t) in anti {
            s.push_str(&format!("      - {{weight: {w}, podAffinityTerm: {t}}}\n"));
        }
    }
    s
}

/// A term: `selector` is the labelSelector body, `extra` more fields.
fn term(selector: &str, key: &str) -> String {
    format!("{{labelSelector: {{{selector}}}, topologyKey: {key}}}")
}

fn run(docs: &[String]) -> Simulation {
    run_yaml(&docs.join("---\n"), 1)
}

fn key(ns: &str, name: &str) -> ObjectKey {
    ObjectKey::new(ns, name)
}

/// InterPodAffinity's verdict for pending pod `default/p` on `node`.
fn verdict_of(sim: &Simulation, pod: &ObjectKey, node: &str) -> Verdict {
    let ex = sim.explain(pod).expect("pod exists");
    let row = ex.nodes.iter().find(|r| r.node == node).expect("node row");
    row.filters
        .iter()
        .find(|(n, _)| *n == IPA)
        .map(|(_, v)| v.clone())
        .expect("plugin column")
}

fn verdict(sim: &Simulation, node: &str) -> Verdict {
    verdict_of(sim, &key("default", "p"), node)
}

fn unschedulable(reason: &str) -> Verdict {
    Verdict::Failed {
        unresolvable: false,
        reason: reason.to_string(),
    }
}

fn unresolvable(reason: &str) -> Verdict {
    Verdict::Failed {
        unresolvable: true,
        reason: reason.to_string(),
    }
}

/// Passing: Filter ran and passed, or PreFilter skipped the plugin.
fn passes(v: &Verdict) -> bool {
    matches!(v, Verdict::Passed | Verdict::Skipped)
}

/// InterPodAffinity's normalized score per node for pending pod `p` (None: PreScore
/// skipped, so the plugin gave no scores).
fn scores(sim: &Simulation, pod: &ObjectKey) -> Option<Vec<(String, i64)>> {
    let ex = sim.explain(pod).expect("pod exists");
    let mut out = Vec::new();
    for row in &ex.nodes {
        assert!(row.feasible, "{} infeasible", row.node);
        match row.scores.iter().find(|(n, _)| *n == IPA) {
            Some((_, s)) => {
                assert_eq!(s % 2, 0, "weight 2");
                out.push((row.node.clone(), s / 2));
            }
            None => return None,
        }
    }
    out.sort();
    Some(out)
}

fn expect(list: &[(&str, i64)]) -> Option<Vec<(String, i64)>> {
    let mut v: Vec<_> = list.iter().map(|(n, s)| (n.to_string(), *s)).collect();
    v.sort();
    Some(v)
}

// ---------------------------------------------------------------------------------------
// TestRequiredAffinitySingleNode: node1 "machine1" {region: r1, zone: z11}.
// ---------------------------------------------------------------------------------------

const MACHINE1: &str = "region: r1, zone: z11";
const SERVICE_IN: &str =
    "matchExpressions: [{key: service, operator: In, values: [securityscan, value2]}]";
const SERVICE_ANTIVIRUS: &str =
    "matchExpressions: [{key: service, operator: In, values: [antivirusscan, value2]}]";

fn single_node(pod_doc: String, existing: &[String]) -> Simulation {
    let mut docs = vec![node("machine1", MACHINE1)];
    docs.extend(existing.iter().cloned());
    docs.push(pod_doc);
    run(&docs)
}

fn securityscan_on(node: &str) -> String {
    pod("e1", "default", node, "service: securityscan", "")
}

#[test]
fn single_node_no_affinity_schedules_onto_empty_node() {
    // "A pod that has no required pod affinity scheduling rules can schedule onto a node
    // with no existing pods": PreFilter skips.
    let sim = single_node(pod("p", "default", "", "", ""), &[]);
    assert_eq!(verdict(&sim, "machine1"), Verdict::Skipped);
}

#[test]
fn single_node_in_operator_matches_existing_pod() {
    // "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using
    // In operator that matches the existing pod"
    let aff = required(&[&term(SERVICE_IN, "region")], &[]);
    let sim = single_node(
        pod("p", "default", "", "security: S1", &aff),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), Verdict::Passed);
}

#[test]
fn single_node_not_in_operator_matches_existing_pod() {
    // "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in
    // PodAffinity using not in operator in labelSelector that matches the existing pod"
    let sel =
        "matchExpressions: [{key: service, operator: NotIn, values: [securityscan3, value3]}]";
    let aff = required(&[&term(sel, "region")], &[]);
    let sim = single_node(
        pod("p", "default", "", "security: S1", &aff),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), Verdict::Passed);
}

#[test]
fn single_node_diff_namespace_does_not_satisfy() {
    // "Does not satisfy the PodAffinity with labelSelector because of diff Namespace"
    // (topologyKey added, see the header).
    let aff = required(
        &[&format!(
            "{{labelSelector: {{{SERVICE_IN}}}, namespaces: [diffnamespace], topologyKey: region}}"
        )],
        &[],
    );
    let sim = single_node(
        pod("p", "default", "", "security: S1", &aff),
        &[pod("e1", "ns", "machine1", "service: securityscan", "")],
    );
    assert_eq!(verdict(&sim, "machine1"), unresolvable(AFFINITY));
}

#[test]
fn single_node_unmatching_label_selector() {
    // "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the
    // existing pod" (topologyKey added).
    let aff = required(&[&term(SERVICE_ANTIVIRUS, "region")], &[]);
    let sim = single_node(
        pod("p", "default", "", "service: securityscan", &aff),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), unresolvable(AFFINITY));
}

#[test]
fn single_node_different_operators_in_multiple_terms() {
    // "satisfies the PodAffinity with different label Operators in multiple
    // RequiredDuringSchedulingIgnoredDuringExecution "
    let t1 = term(
        "matchExpressions: [{key: service, operator: Exists}, {key: wrongkey, operator: DoesNotExist}]",
        "region",
    );
    let t2 = term(
        "matchExpressions: [{key: service, operator: In, values: [securityscan]}, {key: service, operator: NotIn, values: [WrongValue]}]",
        "region",
    );
    let sim = single_node(
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &required(&[&t1, &t2], &[]),
        ),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), Verdict::Passed);
}

#[test]
fn single_node_match_expressions_are_anded() {
    // "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot
    // schedule onto the node because one of the matchExpression item don't match."
    let t1 = term(
        "matchExpressions: [{key: service, operator: Exists}, {key: wrongkey, operator: DoesNotExist}]",
        "region",
    );
    let t2 = term(
        "matchExpressions: [{key: service, operator: In, values: [securityscan2]}, {key: service, operator: NotIn, values: [WrongValue]}]",
        "region",
    );
    let sim = single_node(
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &required(&[&t1, &t2], &[]),
        ),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), unresolvable(AFFINITY));
}

#[test]
fn single_node_affinity_and_anti_affinity_satisfied() {
    // "satisfies the PodAffinity and PodAntiAffinity with the existing pod"
    let aff = required(
        &[&term(SERVICE_IN, "region")],
        &[&term(SERVICE_ANTIVIRUS, "node")],
    );
    let sim = single_node(
        pod("p", "default", "", "security: S1", &aff),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), Verdict::Passed);
}

#[test]
fn single_node_anti_affinity_symmetry_satisfied() {
    // "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the
    // existing pod"
    let aff = required(
        &[&term(SERVICE_IN, "region")],
        &[&term(SERVICE_ANTIVIRUS, "node")],
    );
    let existing = pod(
        "e1",
        "default",
        "machine1",
        "service: securityscan",
        &required(&[], &[&term(SERVICE_ANTIVIRUS, "node")]),
    );
    let sim = single_node(pod("p", "default", "", "security: S1", &aff), &[existing]);
    assert_eq!(verdict(&sim, "machine1"), Verdict::Passed);
}

#[test]
fn single_node_anti_affinity_not_satisfied() {
    // "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing
    // pod"
    let aff = required(&[&term(SERVICE_IN, "region")], &[&term(SERVICE_IN, "zone")]);
    let sim = single_node(
        pod("p", "default", "", "security: S1", &aff),
        &[securityscan_on("machine1")],
    );
    assert_eq!(verdict(&sim, "machine1"), unschedulable(ANTI));
}

#[test]
fn single_node_anti_affinity_symmetry_not_satisfied() {
    // "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity
    // symmetry with the existing pod"
    let aff = required(
        &[&term(SERVICE_IN, "region")],
        &[&term(SERVICE_ANTIVIRUS, "node")],
    );
    let existing = pod(
        "e1",
        "default",
        "machine1",
        "service: securityscan",
        &required(&[], &[&term(SERVICE_IN, "zone")]),
    );
    let sim = single_node(
        pod("p", "default", "", "service: securityscan", &aff),
        &[existing],
    );
    assert_eq!(verdict(&sim, "machine1"), unschedulable(EXISTING));
}

#[test]
fn single_node_pod_matches_own_label_but_no_existing_pod_in_topology() {
    // "pod matches its own Label in PodAffinity and that matches the existing pod Labels":
    // the term (service NotIn [securityscan, value2]) matches neither the pod itself nor
    // anything in machine1's region.
    let sel = "matchExpressions: [{key: service, operator: NotIn, values: [securityscan, value2]}]";
    let aff = required(&[&term(sel, "region")], &[]);
    let mut docs = vec![node("machine1", MACHINE1), node("machine2", "")];
    docs.push(securityscan_on("machine2"));
    docs.push(pod("p", "default", "", "service: securityscan", &aff));
    let sim = run(&docs);
    assert_eq!(verdict(&sim, "machine1"), unresolvable(AFFINITY));
}

#[test]
fn single_node_existing_anti_affinity_respected_without_own_terms() {
    // "verify that PodAntiAffinity from existing pod is respected when pod has no
    // AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing
    // pod"
    let existing = pod(
        "e1",
        "default",
        "machine1",
        "service: securityscan",
        &required(&[], &[&term(SERVICE_IN, "zone")]),
    );
    let sim = single_node(
        pod("p", "default", "", "service: securityscan", ""),
        &[existing],
    );
    assert_eq!(verdict(&sim, "machine1"), unschedulable(EXISTING));
}

#[test]
fn single_node_existing_anti_affinity_symmetry_satisfied_without_own_terms() {
    // "verify that PodAntiAffinity from existing pod is respected when pod has no
    // AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod"
    let sel = "matchExpressions: [{key: service, operator: NotIn, values: [securityscan, value2]}]";
    let existing = pod(
        "e1",
        "default",
        "machine1",
        "service: securityscan",
        &required(&[], &[&term(sel, "zone")]),
    );
    let sim = single_node(
        pod("p", "default", "", "service: securityscan", ""),
        &[existing],
    );
    assert!(passes(&verdict(&sim, "machine1")));
}

// ---------------------------------------------------------------------------------------
// TestRequiredAffinityMultipleNodes.
// ---------------------------------------------------------------------------------------

const RG_CHINA: &str = "region: China";
const RG_CHINA_AZ1: &str = "region: China, az: az1";
const RG_INDIA: &str = "region: India";

#[test]
fn multiple_nodes_same_topology_value_as_matching_pod() {
    // "A pod can be scheduled onto all the nodes that have the same topology key & label
    // value with one of them has an existing pod that matches the affinity rules"
    let aff = required(
        &[&term(
            "matchExpressions: [{key: foo, operator: In, values: [bar]}]",
            "region",
        )],
        &[],
    );
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_CHINA_AZ1),
        node("node3", RG_INDIA),
        pod("p1", "default", "node1", "foo: bar", ""),
        pod("p", "default", "", "", &aff),
    ]);
    assert_eq!(verdict(&sim, "node1"), Verdict::Passed);
    assert_eq!(verdict(&sim, "node2"), Verdict::Passed);
    assert_eq!(verdict(&sim, "node3"), unresolvable(AFFINITY));
}

fn self_affine(zone_key: &str) -> Simulation {
    let aff = required(
        &[
            &term(
                "matchExpressions: [{key: foo, operator: In, values: [bar]}]",
                "zone",
            ),
            &term(
                "matchExpressions: [{key: service, operator: In, values: [securityscan]}]",
                "zone",
            ),
        ],
        &[],
    );
    run(&[
        node("nodea", &format!("{zone_key}: az1, hostname: h1")),
        node("nodeb", &format!("{zone_key}: az2, hostname: h2")),
        pod("p1", "default", "nodea", "foo: bar", ""),
        pod("p", "default", "", "foo: bar, service: securityscan", &aff),
    ])
}

#[test]
fn multiple_nodes_first_pod_of_collection_not_blocked() {
    // "The affinity rule is to schedule all of the pods of this collection to the same
    // zone. The first pod of the collection should not be blocked from being scheduled onto
    // any node, even there's no existing pod that matches the rule anywhere."
    let sim = self_affine("zone");
    assert_eq!(verdict(&sim, "nodea"), Verdict::Passed);
    assert_eq!(verdict(&sim, "nodeb"), Verdict::Passed);
}

#[test]
fn multiple_nodes_first_pod_needs_topology_keys() {
    // "The first pod of the collection can only be scheduled on nodes labelled with the
    // requested topology keys"
    let sim = self_affine("zoneLabel");
    assert_eq!(verdict(&sim, "nodea"), unresolvable(AFFINITY));
    assert_eq!(verdict(&sim, "nodeb"), unresolvable(AFFINITY));
}

#[test]
fn multiple_nodes_anti_affinity_same_topology_value() {
    // "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that
    // matches the inter pod affinity rule. The pod can not be scheduled onto nodeA and
    // nodeB."
    let aff = required(
        &[],
        &[&term(
            "matchExpressions: [{key: foo, operator: In, values: [abc]}]",
            "region",
        )],
    );
    let sim = run(&[
        node("nodea", "region: r1"),
        node("nodeb", "region: r1"),
        pod("e1", "default", "nodea", "foo: abc", ""),
        pod("p", "default", "", "", &aff),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(ANTI));
    assert_eq!(verdict(&sim, "nodeb"), unschedulable(ANTI));
}

#[test]
fn multiple_nodes_anti_affinity_any_term_matches() {
    // "This test ensures that anti-affinity matches a pod when any term of the
    // anti-affinity rule matches a pod."
    let aff = required(
        &[],
        &[
            &term(
                "matchExpressions: [{key: foo, operator: In, values: [abc]}]",
                "region",
            ),
            &term(
                "matchExpressions: [{key: service, operator: In, values: [securityscan]}]",
                "zone",
            ),
        ],
    );
    let sim = run(&[
        node("nodea", "region: r1, zone: z1"),
        node("nodeb", "region: r1, zone: z2"),
        pod(
            "e1",
            "default",
            "nodea",
            "foo: abc, service: securityscan",
            "",
        ),
        pod("p", "default", "", "", &aff),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(ANTI));
    assert_eq!(verdict(&sim, "nodeb"), unschedulable(ANTI));
}

#[test]
fn multiple_nodes_anti_affinity_other_namespace_ignored() {
    // "NodeA and nodeB have same topologyKey and label value. NodeA has an existing pod that
    // matches the inter pod affinity rule. The pod can not be scheduled onto nodeA, nodeB,
    // but can be scheduled onto nodeC (NodeC has an existing pod that match the inter pod
    // affinity rule but in different namespace)" (namespaces lower-cased: NS1 is not a
    // valid namespace name).
    let aff = required(
        &[],
        &[&term(
            "matchExpressions: [{key: foo, operator: In, values: [bar]}]",
            "region",
        )],
    );
    let other = required(
        &[],
        &[&term(
            "matchExpressions: [{key: foo, operator: In, values: ['123']}]",
            "region",
        )],
    );
    let sim = run(&[
        node("nodea", RG_CHINA),
        node("nodeb", RG_CHINA_AZ1),
        node("nodec", RG_INDIA),
        pod("e1", "ns1", "nodea", "foo: bar", ""),
        pod("e2", "ns2", "nodec", "", &other),
        pod("p", "ns1", "", "foo: '123'", &aff),
    ]);
    let p = key("ns1", "p");
    assert_eq!(verdict_of(&sim, &p, "nodea"), unschedulable(ANTI));
    assert_eq!(verdict_of(&sim, &p, "nodeb"), unschedulable(ANTI));
    assert_eq!(verdict_of(&sim, &p, "nodec"), Verdict::Passed);
}

const AB: &str = "region: r1, zone: z1";
const BB: &str = "region: r1, zone: z2";

fn exists(label: &str, key: &str) -> String {
    term(
        &format!("matchExpressions: [{{key: {label}, operator: Exists}}]"),
        key,
    )
}

#[test]
fn multiple_nodes_existing_term_with_invalid_topology_key() {
    // "Test existing pod's anti-affinity: if an existing pod has a term with invalid
    // topologyKey, labelSelector of the term is firstly checked, and then topologyKey of
    // the term is also checked": PreFilter skips.
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", AB),
        pod(
            "e1",
            "default",
            "nodea",
            "",
            &required(&[], &[&exists("foo", "invalid-node-label")]),
        ),
        pod("p", "default", "", "foo: ''", ""),
    ]);
    assert_eq!(verdict(&sim, "nodea"), Verdict::Skipped);
    assert_eq!(verdict(&sim, "nodeb"), Verdict::Skipped);
}

#[test]
fn multiple_nodes_existing_pods_terms_on_all_nodes() {
    // "Test existing pod's anti-affinity: incoming pod wouldn't considered as a fit as it
    // violates each existingPod's terms on all nodes"
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", BB),
        pod(
            "e1",
            "default",
            "nodea",
            "",
            &required(&[], &[&exists("foo", "zone")]),
        ),
        pod(
            "e2",
            "default",
            "nodea",
            "",
            &required(&[], &[&exists("bar", "region")]),
        ),
        pod("p", "default", "", "foo: '', bar: ''", ""),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(EXISTING));
    assert_eq!(verdict(&sim, "nodeb"), unschedulable(EXISTING));
}

#[test]
fn multiple_nodes_incoming_violates_one_rule() {
    // "Test incoming pod's anti-affinity: incoming pod wouldn't considered as a fit as it
    // at least violates one anti-affinity rule of existingPod"
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", BB),
        pod("e1", "default", "nodea", "foo: ''", ""),
        pod("e2", "default", "nodeb", "bar: ''", ""),
        pod(
            "p",
            "default",
            "",
            "",
            &required(&[], &[&exists("foo", "zone"), &exists("bar", "region")]),
        ),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(ANTI));
    assert_eq!(verdict(&sim, "nodeb"), unschedulable(ANTI));
}

#[test]
fn multiple_nodes_existing_single_term_match_with_invalid_key() {
    // "Test existing pod's anti-affinity: only when labelSelector and topologyKey both
    // match, it's counted as a single term match - case when one term has invalid
    // topologyKey"
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", BB),
        pod(
            "e1",
            "default",
            "nodea",
            "",
            &required(
                &[],
                &[&exists("foo", "invalid-node-label"), &exists("bar", "zone")],
            ),
        ),
        pod("p", "default", "", "foo: '', bar: ''", ""),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(EXISTING));
    assert_eq!(verdict(&sim, "nodeb"), Verdict::Passed);
}

#[test]
fn multiple_nodes_incoming_single_term_match_with_invalid_key() {
    // "Test incoming pod's anti-affinity: only when labelSelector and topologyKey both
    // match, it's counted as a single term match - case when one term has invalid
    // topologyKey"
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", BB),
        pod("poda", "default", "nodea", "foo: '', bar: ''", ""),
        pod(
            "p",
            "default",
            "",
            "",
            &required(
                &[],
                &[&exists("foo", "invalid-node-label"), &exists("bar", "zone")],
            ),
        ),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(ANTI));
    assert_eq!(verdict(&sim, "nodeb"), Verdict::Passed);
}

#[test]
fn multiple_nodes_existing_all_terms_valid() {
    // "Test existing pod's anti-affinity: only when labelSelector and topologyKey both
    // match, it's counted as a single term match - case when all terms have valid
    // topologyKey"
    let sim = run(&[
        node("nodea", AB),
        node("nodeb", BB),
        pod(
            "e1",
            "default",
            "nodea",
            "",
            &required(&[], &[&exists("foo", "region"), &exists("bar", "zone")]),
        ),
        pod("p", "default", "", "foo: '', bar: ''", ""),
    ]);
    assert_eq!(verdict(&sim, "nodea"), unschedulable(EXISTING));
    assert_eq!(verdict(&sim, "nodeb"), unschedulable(EXISTING));
}

// ---------------------------------------------------------------------------------------
// TestPreferredAffinity (scoring_test.go).
// ---------------------------------------------------------------------------------------

const S1_IN: &str = "matchExpressions: [{key: security, operator: In, values: [S1]}]";
const S2_IN: &str = "matchExpressions: [{key: security, operator: In, values: [S2]}]";

fn stay_with_s1_in_region() -> String {
    preferred(&[(5, &term(S1_IN, "region"))], &[])
}

fn stay_with_s2_in_region() -> String {
    preferred(&[(6, &term(S2_IN, "region"))], &[])
}

fn away_from_s1_in_az() -> String {
    preferred(&[], &[(5, &term(S1_IN, "az"))])
}

fn away_from_s2_in_az() -> String {
    preferred(&[], &[(5, &term(S2_IN, "az"))])
}

fn stay_with_s1_in_region_away_from_s2_in_az() -> String {
    preferred(&[(8, &term(S1_IN, "region"))], &[(5, &term(S2_IN, "az"))])
}

fn p() -> ObjectKey {
    key("default", "p")
}

#[test]
fn preferred_all_nodes_same_priority_as_affinity_is_nil() {
    // "all nodes are same priority as Affinity is nil": PreScore skips.
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", "az: az1"),
        pod("p", "default", "", "security: S1", ""),
    ]);
    assert_eq!(scores(&sim, &p()), None);
}

#[test]
fn preferred_affinity_topology_key_and_matching_pods_score_high() {
    // "Affinity: pod that matches topology key & pods in nodes will get high score
    // comparing to otherswhich doesn't match either pods in nodes or in topology key"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", "az: az1"),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node2", "security: S2", ""),
        pod("e3", "default", "node3", "security: S1", ""),
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &stay_with_s1_in_region(),
        ),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 100), ("node2", 0), ("node3", 0)])
    );
}

#[test]
fn preferred_same_topology_value_same_score() {
    // "All the nodes that have the same topology key & label value with one of them has an
    // existing pod that match the affinity rules, have the same score"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_CHINA_AZ1),
        node("node3", RG_INDIA),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("p", "default", "", "", &stay_with_s1_in_region()),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 100), ("node2", 100), ("node3", 0)])
    );
}

#[test]
fn preferred_region_with_more_matches_scores_high() {
    // "Affinity: nodes in one region has more matching pods comparing to other region, so
    // the region which has more matches will get high score"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", RG_CHINA),
        node("node4", RG_CHINA),
        node("node5", RG_INDIA),
        pod("e1", "default", "node1", "security: S2", ""),
        pod("e2", "default", "node1", "security: S2", ""),
        pod("e3", "default", "node2", "security: S2", ""),
        pod("e4", "default", "node3", "security: S2", ""),
        pod("e5", "default", "node4", "security: S2", ""),
        pod("e6", "default", "node5", "security: S2", ""),
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &stay_with_s2_in_region(),
        ),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[
            ("node1", 100),
            ("node2", 0),
            ("node3", 100),
            ("node4", 100),
            ("node5", 0)
        ])
    );
}

#[test]
fn preferred_different_operators_and_values() {
    // "Affinity: different Label operators and values for pod affinity scheduling
    // preference, including some match failures "
    let affinity3 = preferred(
        &[
            (
                8,
                &term(
                    "matchExpressions: [{key: security, operator: NotIn, values: [S1]}, {key: security, operator: In, values: [S2]}]",
                    "region",
                ),
            ),
            (
                2,
                &term(
                    "matchExpressions: [{key: security, operator: Exists}, {key: wrongkey, operator: DoesNotExist}]",
                    "region",
                ),
            ),
        ],
        &[],
    );
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", "az: az1"),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node2", "security: S2", ""),
        pod("e3", "default", "node3", "security: S1", ""),
        pod("p", "default", "", "security: S1", &affinity3),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 20), ("node2", 100), ("node3", 0)])
    );
}

#[test]
fn preferred_affinity_symmetry() {
    // "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution
    // in pod affinity symmetry"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", "az: az1"),
        pod(
            "e1",
            "default",
            "node1",
            "security: S1",
            &stay_with_s1_in_region(),
        ),
        pod(
            "e2",
            "default",
            "node2",
            "security: S2",
            &stay_with_s2_in_region(),
        ),
        pod("p", "default", "", "security: S2", ""),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 0), ("node2", 100), ("node3", 0)])
    );
}

#[test]
fn preferred_required_affinity_symmetry() {
    // "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod
    // affinity symmetry" (hardPodAffinityWeight 1). The existing pods' required terms are
    // satisfied where they run: e1 matches both its own terms; e2 (S2) is placed by name.
    let hard = required(
        &[
            &term(
                "matchExpressions: [{key: security, operator: In, values: [S1, value2]}]",
                "region",
            ),
            &term(
                "matchExpressions: [{key: security, operator: Exists}, {key: wrongkey, operator: DoesNotExist}]",
                "region",
            ),
        ],
        &[],
    );
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_INDIA),
        node("node3", "az: az1"),
        pod("e1", "default", "node1", "security: S1", &hard),
        pod("e2", "default", "node2", "security: S2", &hard),
        pod("p", "default", "", "security: S1", ""),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 100), ("node2", 100), ("node3", 0)])
    );
}

#[test]
fn preferred_anti_affinity_non_matching_node_scores_high() {
    // "Anti Affinity: pod that does not match existing pods in node will get high score "
    let sim = run(&[
        node("node1", "az: az1"),
        node("node2", RG_CHINA),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node2", "security: S2", ""),
        pod("p", "default", "", "security: S1", &away_from_s1_in_az()),
    ]);
    assert_eq!(scores(&sim, &p()), expect(&[("node1", 0), ("node2", 100)]));
}

#[test]
fn preferred_anti_affinity_topology_key_mismatch_scores_high() {
    // "Anti Affinity: pod that does not match topology key & match the pods in nodes will
    // get higher score comparing to others "
    let sim = run(&[
        node("node1", "az: az1"),
        node("node2", RG_CHINA),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node2", "security: S1", ""),
        pod("p", "default", "", "security: S1", &away_from_s1_in_az()),
    ]);
    assert_eq!(scores(&sim, &p()), expect(&[("node1", 0), ("node2", 100)]));
}

#[test]
fn preferred_anti_affinity_symmetry() {
    // "Anti Affinity symmetry: the existing pods in node which has anti affinity match will
    // get high score"
    let sim = run(&[
        node("node1", "az: az1"),
        node("node2", "az: az2"),
        pod(
            "e1",
            "default",
            "node1",
            "security: S1",
            &away_from_s2_in_az(),
        ),
        pod(
            "e2",
            "default",
            "node2",
            "security: S2",
            &away_from_s1_in_az(),
        ),
        pod("p", "default", "", "security: S2", ""),
    ]);
    assert_eq!(scores(&sim, &p()), expect(&[("node1", 0), ("node2", 100)]));
}

#[test]
fn preferred_affinity_and_anti_affinity_same_labels() {
    // "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to
    // schedule and existing pods have the same labels"
    let sim = run(&[
        node("node1", RG_CHINA_AZ1),
        node("node2", RG_INDIA),
        node("node3", RG_CHINA),
        node("node4", RG_CHINA),
        node("node5", RG_INDIA),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node1", "security: S1", ""),
        pod("e3", "default", "node2", "security: S1", ""),
        pod("e4", "default", "node3", "security: S1", ""),
        pod("e5", "default", "node3", "security: S1", ""),
        pod("e6", "default", "node4", "security: S1", ""),
        pod("e7", "default", "node5", "security: S1", ""),
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &stay_with_s1_in_region_away_from_s2_in_az(),
        ),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[
            ("node1", 100),
            ("node2", 0),
            ("node3", 100),
            ("node4", 100),
            ("node5", 0)
        ])
    );
}

#[test]
fn preferred_affinity_anti_affinity_and_symmetry() {
    // "Affinity and Anti Affinity and symmetry: considered only
    // preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity
    // & symmetry"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", "az: az1"),
        node("node3", RG_INDIA),
        node("node4", "az: az2"),
        pod("e1", "default", "node1", "security: S1", ""),
        pod("e2", "default", "node2", "security: S2", ""),
        pod(
            "e3",
            "default",
            "node3",
            "",
            &stay_with_s1_in_region_away_from_s2_in_az(),
        ),
        pod("e4", "default", "node4", "", &away_from_s1_in_az()),
        pod(
            "p",
            "default",
            "",
            "security: S1",
            &stay_with_s1_in_region_away_from_s2_in_az(),
        ),
    ]);
    assert_eq!(
        scores(&sim, &p()),
        expect(&[("node1", 100), ("node2", 0), ("node3", 100), ("node4", 0)])
    );
}

#[test]
fn preferred_partial_nodes_without_affinity_pods() {
    // "Avoid panic when partial nodes in a topology don't have pods with affinity"
    let sim = run(&[
        node("node1", RG_CHINA),
        node("node2", RG_CHINA),
        pod("e1", "default", "node1", "security: S1", ""),
        pod(
            "e2",
            "default",
            "node2",
            "",
            &stay_with_s1_in_region_away_from_s2_in_az(),
        ),
        pod("p", "default", "", "security: S1", ""),
    ]);
    assert_eq!(scores(&sim, &p()), expect(&[("node1", 0), ("node2", 0)]));
}

// ---------------------------------------------------------------------------------------
// End to end.
// ---------------------------------------------------------------------------------------

fn messages(sim: &Simulation, ns: &str, pod: &str, reason: &str) -> Vec<String> {
    let key = key(ns, pod);
    sim.log()
        .events_for(Kind::Pod, &key)
        .filter(|(_, e)| e.reason == reason)
        .map(|(_, e)| e.message.to_string())
        .collect()
}

fn node_of(sim: &Simulation, ns: &str, pod: &str) -> Option<String> {
    sim.cluster()
        .pod(&key(ns, pod))
        .and_then(|p| p.node_name().map(str::to_string))
}

/// A StatefulSet of three replicas that repel each other per host, on two nodes: two run,
/// the third fails with the anti-affinity reason on both nodes, and preemption finds no
/// victims (same priority).
#[test]
fn statefulset_anti_affinity_on_hostname_leaves_third_replica_pending() {
    let sts = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  serviceName: web
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: pause}]
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: web}}
            topologyKey: kubernetes.io/hostname
";
    let sim = run(&[node("n1", ""), node("n2", ""), sts.to_string()]);
    let placed: Vec<_> = ["web-0", "web-1"]
        .iter()
        .map(|p| node_of(&sim, "default", p).expect("scheduled"))
        .collect();
    assert_ne!(placed[0], placed[1]);
    assert_eq!(node_of(&sim, "default", "web-2"), None);
    let failures = messages(&sim, "default", "web-2", "FailedScheduling");
    assert_eq!(
        failures.first().map(String::as_str),
        Some(
            "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        )
    );
}

const PRIORITY: &str =
    "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n";

/// A higher-priority pod whose required anti-affinity matches a lower-priority pod on the
/// only node preempts it (RemovePod takes the victim out of the anti-affinity counts).
#[test]
fn preemption_of_pod_matching_incoming_anti_affinity() {
    let anti = required(
        &[],
        &[&term("matchLabels: {app: db}", "kubernetes.io/hostname")],
    );
    let mut high = pod("p", "default", "", "app: web", &anti).replace(
        "  schedulingGates: [{name: hold}]\n",
        "  priorityClassName: high\n",
    );
    high.push('\n');
    let sim = run(&[
        PRIORITY.to_string(),
        node("n1", ""),
        pod("victim", "default", "n1", "app: db", ""),
        high,
    ]);
    let preempted: Vec<_> = sim
        .log()
        .events()
        .filter(|(_, e)| e.reason == "Preempted")
        .map(|(_, e)| e.object.name.to_string())
        .collect();
    assert_eq!(preempted, ["victim"]);
    assert_eq!(
        messages(&sim, "default", "p", "FailedScheduling")
            .first()
            .map(String::as_str),
        Some("0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.")
    );
    assert_eq!(node_of(&sim, "default", "p").as_deref(), Some("n1"));
}

/// The symmetric case: a lower-priority pod whose anti-affinity rejects the incoming pod
/// is preempted.
#[test]
fn preemption_of_pod_whose_anti_affinity_rejects_incoming() {
    let anti = required(
        &[],
        &[&term("matchLabels: {app: web}", "kubernetes.io/hostname")],
    );
    let high = pod("p", "default", "", "app: web", "").replace(
        "  schedulingGates: [{name: hold}]\n",
        "  priorityClassName: high\n",
    );
    let sim = run(&[
        PRIORITY.to_string(),
        node("n1", ""),
        pod("victim", "default", "n1", "app: db", &anti),
        high,
    ]);
    assert_eq!(
        messages(&sim, "default", "p", "FailedScheduling")
            .first()
            .map(String::as_str),
        Some(
            "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules."
        )
    );
    assert_eq!(node_of(&sim, "default", "p").as_deref(), Some("n1"));
}

// ---------------------------------------------------------------------------------------
// Validation (validatePodAffinityTerm, validateWeightedPodAffinityTerms).
// ---------------------------------------------------------------------------------------

fn create_errors(yaml: &str) -> Vec<String> {
    let parsed = bindery_core::scenario::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let mut sim = Simulation::new(1);
    sim.load(&parsed).iter().map(|e| e.to_string()).collect()
}

#[test]
fn validation_empty_topology_key_and_bad_weight() {
    let aff = "    podAntiAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n      - {weight: 0, podAffinityTerm: {labelSelector: {matchLabels: {a: b}}, topologyKey: ''}}\n";
    let errors = create_errors(&pod("p", "default", "n1", "", aff));
    let path =
        "doc 1: spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]";
    let key = format!("{path}.podAffinityTerm.topologyKey");
    assert_eq!(
        errors,
        [
            format!("{path}.weight: Invalid value: 0: must be in the range 1-100"),
            format!("{key}: Required value: can not be empty"),
            format!("{key}: Invalid value: \"\": name part must be non-empty"),
            format!("{key}: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// matchLabelKeys / mismatchLabelKeys (MatchLabelKeysInPodAffinity, GA since v1.33): the
// API server folds them into the selector at creation (`key in (v)` / `key notin (v)`).
// ---------------------------------------------------------------------------------------

#[test]
fn match_label_keys_narrow_anti_affinity_to_the_same_version() {
    let anti = |extra: &str| {
        required(
            &[],
            &[&format!(
                "{{labelSelector: {{matchLabels: {{app: web}}}}, topologyKey: kubernetes.io/hostname{extra}}}"
            )],
        )
    };
    let docs = |extra: &str| {
        vec![
            node("n1", ""),
            pod("old", "default", "n1", "app: web, version: v1", ""),
            pod("p", "default", "", "app: web, version: v2", &anti(extra)),
        ]
    };
    // Without matchLabelKeys the v1 pod repels the v2 pod; with them it does not.
    assert_eq!(verdict(&run(&docs("")), "n1"), unschedulable(ANTI));
    assert_eq!(
        verdict(&run(&docs(", matchLabelKeys: [version]")), "n1"),
        Verdict::Passed
    );
}

#[test]
fn mismatch_label_keys_require_a_different_tenant() {
    let aff = required(
        &["{labelSelector: {matchLabels: {app: cache}}, topologyKey: region, mismatchLabelKeys: [tenant]}"],
        &[],
    );
    let sim = run(&[
        node("n1", "region: r1"),
        node("n2", "region: r2"),
        pod("c1", "default", "n1", "app: cache, tenant: a", ""),
        pod("c2", "default", "n2", "app: cache, tenant: b", ""),
        pod("p", "default", "", "tenant: a", &aff),
    ]);
    // Only tenant b's cache counts: region r2.
    assert_eq!(verdict(&sim, "n1"), unresolvable(AFFINITY));
    assert_eq!(verdict(&sim, "n2"), Verdict::Passed);
}

/// Requeueing (plugin.go registers Pod Add/UpdatePodLabel/Delete): a pod kept off the only
/// node by anti-affinity schedules once the pod it repels is deleted.
#[test]
fn anti_affine_pod_schedules_after_blocking_pod_is_deleted() {
    let anti = required(
        &[],
        &[&term("matchLabels: {app: db}", "kubernetes.io/hostname")],
    );
    let p = pod("p", "default", "", "app: web", &anti)
        .replace("  schedulingGates: [{name: hold}]\n", "");
    let docs = [
        node("n1", ""),
        pod("blocker", "default", "n1", "app: db", ""),
        p,
    ];
    let text = format!(
        "# then: advance 5s\n# then: delete Pod default/blocker\n# then: advance 5s\n{}",
        docs.join("---\n")
    );
    let script = bindery_core::scenario::builtin::read_header(&text).expect("header");
    let run = script.run(1, bindery_tests::MAX_STEPS).expect("loads");
    assert!(run.load_errors.is_empty(), "{:?}", run.load_errors);
    assert!(run.then_errors.is_empty(), "{:?}", run.then_errors);
    let sim = run.sim;
    assert_eq!(
        messages(&sim, "default", "p", "FailedScheduling")
            .first()
            .map(String::as_str),
        Some("0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    );
    assert_eq!(node_of(&sim, "default", "p").as_deref(), Some("n1"));
}
