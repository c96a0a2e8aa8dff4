//! Selectors: label selectors (via `kube-core`), node selectors with `Gt`/`Lt` (which
//! `kube-core` does not cover) and StorageClass topology selectors.

use kube_core::{Expression, Selector};

use super::StrMap;

/// A `metav1.LabelSelector`. An empty selector selects everything; an absent one (`None`
/// where the API allows it) selects nothing, as the API conventions say.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LabelSelector {
    /// `kube-core`'s expressions, matched here against a [`StrMap`] exactly as
    /// `kube_core::SelectorExt` matches them against a `BTreeMap`.
    expressions: Vec<Expression>,
}

impl LabelSelector {
    pub fn new(selector: Selector) -> LabelSelector {
        LabelSelector {
            expressions: selector.into_iter().collect(),
        }
    }

    pub fn matches(&self, labels: &StrMap) -> bool {
        self.expressions.iter().all(|e| match e {
            Expression::In(key, values) => labels.get(key).is_some_and(|v| values.contains(v)),
            Expression::NotIn(key, values) => labels.get(key).is_none_or(|v| !values.contains(v)),
            Expression::Exists(key) => labels.contains_key(key),
            Expression::DoesNotExist(key) => !labels.contains_key(key),
            Expression::Equal(key, value) => labels.get(key) == Some(value),
            Expression::NotEqual(key, value) => labels.get(key) != Some(value),
        })
    }

    pub fn selects_all(&self) -> bool {
        self.expressions.is_empty()
    }

    /// Adds a `key notin (value)` requirement (`mismatchLabelKeys`).
    pub fn and_not_equal(&mut self, key: &str, value: &str) {
        self.expressions
            .push(Expression::NotEqual(key.to_string(), value.to_string()));
    }

    /// Adds `key in (value)` requirements (used for `matchLabelKeys`).
    pub fn and_equal(&mut self, key: &str, value: &str) {
        self.expressions
            .push(Expression::Equal(key.to_string(), value.to_string()));
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeSelectorOperator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

impl NodeSelectorOperator {
    pub fn parse(s: &str) -> Option<NodeSelectorOperator> {
        Some(match s {
            "In" => NodeSelectorOperator::In,
            "NotIn" => NodeSelectorOperator::NotIn,
            "Exists" => NodeSelectorOperator::Exists,
            "DoesNotExist" => NodeSelectorOperator::DoesNotExist,
            "Gt" => NodeSelectorOperator::Gt,
            "Lt" => NodeSelectorOperator::Lt,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NodeSelectorRequirement {
    pub key: String,
    pub operator: NodeSelectorOperator,
    pub values: Vec<String>,
}

impl NodeSelectorRequirement {
    fn matches_value(&self, value: Option<&str>) -> bool {
        use NodeSelectorOperator::*;
        match self.operator {
            In => value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            NotIn => !value.is_some_and(|v| self.values.iter().any(|x| x == v)),
            Exists => value.is_some(),
            DoesNotExist => value.is_none(),
            Gt | Lt => {
                let (Some(v), Some(bound)) = (value, self.values.first()) else {
                    return false;
                };
                match (v.parse::<i64>(), bound.parse::<i64>()) {
                    (Ok(v), Ok(b)) => {
                        if self.operator == Gt {
                            v > b
                        } else {
                            v < b
                        }
                    }
                    _ => false,
                }
            }
        }
    }
}

/// `validation.IsValidLabelValue`: at most 63 characters, alphanumerics with `-`, `_`
/// and `.` inside, empty allowed.
fn is_label_value(v: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() {
        return true;
    }
    b.len() <= 63
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// One `nodeSelectorTerms` entry: all requirements must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<NodeSelectorRequirement>,
    /// Only `metadata.name` is a supported field, as upstream.
    pub match_fields: Vec<NodeSelectorRequirement>,
}

impl NodeSelectorTerm {
    /// An empty term matches no node (`NodeSelectorTerm` docs: "A null or empty node
    /// selector term matches no objects").
    pub fn matches(&self, labels: &StrMap, node_name: &str) -> bool {
        if self.match_expressions.is_empty() && self.match_fields.is_empty() {
            return false;
        }
        // component-helpers' nodeaffinity parses the expressions with
        // `labels.NewRequirement`, which rejects an In/NotIn value that is not a valid
        // label value; a term that does not parse matches nothing (the API server does
        // not validate these values). node_affinity_test.go: "Pod with an invalid value
        // in Affinity term won't be scheduled onto the node".
        if self.match_expressions.iter().any(|r| {
            matches!(
                r.operator,
                NodeSelectorOperator::In | NodeSelectorOperator::NotIn
            ) && !r.values.iter().all(|v| is_label_value(v))
        }) {
            return false;
        }
        self.match_expressions
            .iter()
            .all(|r| r.matches_value(labels.get(&r.key)))
            && self.match_fields.iter().all(|r| {
                let v = (r.key == "metadata.name").then_some(node_name);
                r.matches_value(v)
            })
    }

    /// Node names this term pins to via `matchFields metadata.name In [...]`, if any.
    pub fn pinned_node_names(&self) -> Option<Vec<String>> {
        self.match_fields
            .iter()
            .find(|r| r.key == "metadata.name" && r.operator == NodeSelectorOperator::In)
            .map(|r| r.values.clone())
    }
}

/// A `v1.NodeSelector`: the terms are ORed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NodeSelector {
    pub terms: Vec<NodeSelectorTerm>,
}

impl NodeSelector {
    pub fn matches(&self, labels: &StrMap, node_name: &str) -> bool {
        self.terms.iter().any(|t| t.matches(labels, node_name))
    }

    /// Values of `key In [...]` when every term pins `key` to a set of values (e.g. the
    /// `kubernetes.io/hostname` affinity of a local PV). `None` if any term does not.
    pub fn required_values_of(&self, key: &str) -> Option<Vec<String>> {
        if self.terms.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for term in &self.terms {
            let req = term
                .match_expressions
                .iter()
                .find(|r| r.key == key && r.operator == NodeSelectorOperator::In)?;
            out.extend(req.values.iter().cloned());
        }
        crate::sort::sort(&mut out);
        out.dedup();
        Some(out)
    }
}

/// A StorageClass `allowedTopologies` term: every `matchLabelExpressions` entry must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopologySelectorTerm {
    pub match_label_expressions: Vec<(String, Vec<String>)>,
}

impl TopologySelectorTerm {
    /// An empty term matches nothing (component-helpers' `MatchTopologySelectorTerms`: "nil
    /// or empty term selects no objects"; the API server accepts one, core validation
    /// allows empty `matchLabelExpressions`).
    pub fn matches(&self, labels: &StrMap) -> bool {
        !self.match_label_expressions.is_empty()
            && self
                .match_label_expressions
                .iter()
                .all(|(k, vs)| labels.get(k).is_some_and(|v| vs.iter().any(|x| x == v)))
    }
}

/// `MatchTopologySelectorTerms`: no terms matches everything; otherwise any non-empty term.
pub fn match_topology_selector_terms(terms: &[TopologySelectorTerm], labels: &StrMap) -> bool {
    terms.is_empty() || terms.iter().any(|t| t.matches(labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> StrMap {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn req(key: &str, op: NodeSelectorOperator, values: &[&str]) -> NodeSelectorRequirement {
        NodeSelectorRequirement {
            key: key.into(),
            operator: op,
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn node_selector_operators() {
        use NodeSelectorOperator::*;
        let node = labels(&[("zone", "a"), ("gen", "5")]);
        let cases = [
            (req("zone", In, &["a", "b"]), true),
            (req("zone", NotIn, &["a"]), false),
            (req("missing", NotIn, &["a"]), true),
            (req("zone", Exists, &[]), true),
            (req("zone", DoesNotExist, &[]), false),
            (req("gen", Gt, &["4"]), true),
            (req("gen", Lt, &["5"]), false),
            (req("zone", Gt, &["1"]), false),
        ];
        for (r, want) in cases {
            let term = NodeSelectorTerm {
                match_expressions: vec![r.clone()],
                match_fields: vec![],
            };
            assert_eq!(term.matches(&node, "n1"), want, "{r:?}");
        }
        assert!(
            !NodeSelectorTerm::default().matches(&node, "n1"),
            "empty term matches nothing"
        );
        let by_name = NodeSelectorTerm {
            match_expressions: vec![],
            match_fields: vec![req("metadata.name", In, &["n1"])],
        };
        assert!(by_name.matches(&node, "n1"));
        assert!(!by_name.matches(&node, "n2"));
    }

    #[test]
    fn topology_terms() {
        let node = labels(&[("topology.kubernetes.io/zone", "z1")]);
        let t = TopologySelectorTerm {
            match_label_expressions: vec![(
                "topology.kubernetes.io/zone".into(),
                vec!["z1".into()],
            )],
        };
        assert!(match_topology_selector_terms(&[], &node));
        assert!(match_topology_selector_terms(
            std::slice::from_ref(&t),
            &node
        ));
        assert!(!match_topology_selector_terms(
            std::slice::from_ref(&t),
            &labels(&[])
        ));
        // An empty term selects nothing; beside a matching term it changes nothing.
        let empty = TopologySelectorTerm::default();
        assert!(!match_topology_selector_terms(
            std::slice::from_ref(&empty),
            &node
        ));
        assert!(match_topology_selector_terms(&[empty, t], &node));
    }
}
