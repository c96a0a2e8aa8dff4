//! "Why is my pod Pending?": every Filter plugin's verdict on every node, and the scores.
//!
//! Unlike a scheduling cycle, which stops at the first failing plugin per node and at the
//! first few feasible nodes, the explanation runs every Filter plugin on every node, so a
//! person sees all the reasons at once (as kube-scheduler-simulator's result table does).

use std::sync::Arc;

use super::framework::{Code, Ctx, Plugin, Points};
use super::{prioritize, run_filter_plugins, run_pre_filter};
use crate::model::Pod;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// The plugin rejected the node.
    Failed {
        unresolvable: bool,
        reason: String,
    },
    /// PreFilter found nothing to check for this pod.
    Skipped,
    /// The node was never considered (PreFilter rejected the pod or narrowed the nodes).
    NotRun,
    Error(String),
}

impl Verdict {
    /// Short text for tables: `passed`, the reason, `skip`, `-`.
    pub fn label(&self) -> String {
        match self {
            Verdict::Passed => "passed".to_string(),
            Verdict::Failed { reason, .. } => reason.clone(),
            Verdict::Skipped => "skip".to_string(),
            Verdict::NotRun => "-".to_string(),
            Verdict::Error(e) => format!("error: {e}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct NodeRow {
    pub node: String,
    pub filters: Vec<(&'static str, Verdict)>,
    pub feasible: bool,
    /// Weighted normalized score per scoring plugin, for feasible nodes.
    pub scores: Vec<(&'static str, i64)>,
    pub total: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct Explanation {
    /// Filter plugins in profile order (the table's columns).
    pub plugins: Vec<&'static str>,
    /// PreFilter verdicts per plugin.
    pub pre_filter: Vec<(&'static str, Verdict)>,
    /// Set when PreFilter rejected the pod before any node was looked at.
    pub pre_filter_rejection: Option<String>,
    /// Set when PreFilter narrowed the candidates: the nodes left and the plugins that did it.
    pub pre_filter_nodes: Option<(Vec<String>, Vec<&'static str>)>,
    pub nodes: Vec<NodeRow>,
}

pub fn explain(cx: &Ctx, profile: &[Arc<dyn Plugin>], pod: &Pod) -> Explanation {
    let plugins: Vec<&'static str> = profile
        .iter()
        .filter(|p| p.points().has(Points::FILTER))
        .map(|p| p.name())
        .collect();
    let (mut state, pre, plugins_with_nodes) = run_pre_filter(cx, profile, pod);
    let mut pre_filter = Vec::new();
    for pl in profile
        .iter()
        .filter(|p| p.points().has(Points::PRE_FILTER))
    {
        let v = if state.skip_filter.contains(pl.name()) {
            Verdict::Skipped
        } else {
            Verdict::Passed
        };
        pre_filter.push((pl.name(), v));
    }
    let mut narrowed = None;
    let (eligible, rejection) = match &pre {
        Ok(result) => {
            if let Some(names) = result {
                narrowed = Some((
                    names.iter().cloned().collect(),
                    plugins_with_nodes.iter().copied().collect(),
                ));
            }
            (result.clone(), None)
        }
        Err(s) => {
            if let Some(slot) = pre_filter.iter_mut().find(|(n, _)| *n == s.plugin) {
                slot.1 = Verdict::Failed {
                    unresolvable: s.code == Code::UnschedulableAndUnresolvable,
                    reason: s.message(),
                };
            }
            (None, Some(s.message()))
        }
    };
    let mut nodes = Vec::new();
    for info in cx.cache.nodes() {
        let considered = rejection.is_none()
            && eligible
                .as_ref()
                .is_none_or(|names| names.contains(info.name()));
        let mut filters = Vec::new();
        let mut feasible = considered;
        for pl in profile.iter().filter(|p| p.points().has(Points::FILTER)) {
            let v = if !considered {
                Verdict::NotRun
            } else if state.skip_filter.contains(pl.name()) {
                Verdict::Skipped
            } else {
                let s = pl.filter(cx, &state, pod, info);
                match s.code {
                    Code::Success => Verdict::Passed,
                    Code::Unschedulable | Code::UnschedulableAndUnresolvable => {
                        feasible = false;
                        Verdict::Failed {
                            unresolvable: s.code == Code::UnschedulableAndUnresolvable,
                            reason: s.message(),
                        }
                    }
                    _ => {
                        feasible = false;
                        Verdict::Error(s.message())
                    }
                }
            };
            filters.push((pl.name(), v));
        }
        // Nominated pods can still make a node infeasible; the cycle's own check decides.
        if feasible {
            feasible = run_filter_plugins(cx, profile, &state, pod, info).is_success();
        }
        nodes.push(NodeRow {
            node: info.name().to_string(),
            filters,
            feasible,
            scores: Vec::new(),
            total: None,
        });
    }
    let feasible_infos: Vec<_> = nodes
        .iter()
        .filter(|r| r.feasible)
        .filter_map(|r| cx.cache.node(&r.node))
        .collect();
    if !feasible_infos.is_empty() {
        let scores = prioritize(cx, profile, &mut state, pod, &feasible_infos);
        for (i, row) in nodes.iter_mut().filter(|r| r.feasible).enumerate() {
            row.scores = scores
                .by_plugin
                .iter()
                .map(|(name, s)| (*name, s[i]))
                .collect();
            row.total = Some(scores.totals[i]);
        }
    }
    Explanation {
        plugins,
        pre_filter,
        pre_filter_rejection: rejection,
        pre_filter_nodes: narrowed,
        nodes,
    }
}

impl Explanation {
    /// A plain-text table: one row per node, one column per Filter plugin, then the score.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        if let Some(r) = &self.pre_filter_rejection {
            out.push_str(&format!("PreFilter rejected the pod: {r}\n"));
        }
        if let Some((nodes, plugins)) = &self.pre_filter_nodes {
            out.push_str(&format!(
                "PreFilter ({}) left only these candidates: {} (other nodes: `-`)\n",
                plugins.join(", "),
                nodes.join(", ")
            ));
        }
        for (plugin, v) in &self.pre_filter {
            if let Verdict::Failed { reason, .. } = v {
                out.push_str(&format!("PreFilter {plugin}: {reason}\n"));
            }
        }
        let mut header = vec!["NODE".to_string()];
        header.extend(self.plugins.iter().map(|p| p.to_string()));
        header.push("SCORE".to_string());
        let mut rows = vec![header];
        for n in &self.nodes {
            let mut row = vec![n.node.clone()];
            row.extend(n.filters.iter().map(|(_, v)| v.label()));
            row.push(n.total.map(|t| t.to_string()).unwrap_or_else(|| "-".into()));
            rows.push(row);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
            .collect();
        for r in rows {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(c, cell)| format!("{cell:<w$}", w = widths[c]))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}
