//! `kubectl describe` for the selected object, the verdict table for pods, phase history
//! for claims and volumes, and the quick edits (cordon, taint, priority, delete…).

use bindery_core::model::Kind;
use bindery_core::scenario::builtin::Then;
use bindery_core::scenario::Manifest;
use k8s_openapi::api::core::v1 as core;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::{use_store, SelectLink, Store};
use crate::state::{Action, Dialog};
use crate::view_model::{self, Selection};

#[function_component(Inspector)]
pub fn inspector() -> Html {
    let store = use_store();
    let Some(sel) = store.selection.clone() else {
        return html! {
            <div class="inspector empty-inspector">
                <h2>{ "Inspector" }</h2>
                <p>{ "Select a pod, node, claim or volume to see what Kubernetes would say about it: its conditions, its events, and for pods every node's verdict from every scheduler plugin." }</p>
            </div>
        };
    };
    let sim = &store.frame().sim;
    let close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Select(None)))
    };
    let Some(desc) = view_model::describe(sim, &sel) else {
        return html! {
            <div class="inspector">
                <h2>{ sel.label() }</h2>
                <p class="empty">{ "Not present at this point of the timeline." }</p>
                <button onclick={close}>{ "Close" }</button>
            </div>
        };
    };
    let history = matches!(
        sel.kind,
        Kind::PersistentVolumeClaim | Kind::PersistentVolume | Kind::Pod
    )
    .then(|| view_model::phase_history(store.run.frames.iter().map(|f| &f.sim), &sel));
    let bound_to = (sel.kind == Kind::Pod)
        .then(|| {
            sim.cluster()
                .pod(&sel.key)
                .and_then(|p| p.node_name().map(str::to_string))
        })
        .flatten();
    // A bound pod is explained on the frame before the cycle that placed it.
    let decided_at = bound_to.as_ref().and_then(|_| {
        let upto = store.cursor.min(store.run.frames.len().saturating_sub(1));
        view_model::decision_frame(
            store.run.frames[..=upto]
                .iter()
                .map(|f| (&f.sim, f.label.as_str(), f.scheduling)),
            &sel.key,
        )
    });
    let explained_on = decided_at.map_or(sim, |i| &store.run.frames[i].sim);
    let explanation = (sel.kind == Kind::Pod)
        .then(|| explained_on.explain(&sel.key))
        .flatten()
        .map(|e| view_model::verdict_table(&e));
    let bound = bound_to.map(|node| Bound {
        node,
        decided_at: decided_at.map(|i| i + 1),
    });
    html! {
        <div class="inspector" id="inspector">
            <header class="inspector-head">
                <h2 id="inspector-title">{ &desc.title }</h2>
                <button class="dismiss" aria-label="Close the inspector" onclick={close}>{ "×" }</button>
            </header>
            <QuickActions selection={sel.clone()} />
            <dl class="fields">
                { for desc.fields.iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
            </dl>
            if !desc.related.is_empty() {
                <section class="related" id="related">
                    <h3 class="visually-hidden">{ "Related objects" }</h3>
                    <dl>{ for desc.related.iter().map(|g| html! { <>
                        <dt>{ &g.heading }</dt>
                        <dd><ul>
                            { for g.items.iter().map(|i| html! {
                                <li><SelectLink selection={i.selection.clone()} label={AttrValue::from(i.label.clone())} />
                                    if !i.detail.is_empty() { <span class="detail">{ &i.detail }</span> }</li>
                            }) }
                            if g.more > 0 { <li class="more">{ format!("and {} more", g.more) }</li> }
                        </ul></dd>
                    </> }) }</dl>
                </section>
            }
            if !desc.conditions.is_empty() {
                <table class="grid" id="conditions">
                    <caption>{ "Conditions" }</caption>
                    <thead><tr><th>{ "Type" }</th><th>{ "Status" }</th><th>{ "Reason" }</th><th>{ "Message" }</th></tr></thead>
                    <tbody>{ for desc.conditions.iter().map(|c| html! {
                        <tr><td>{ &c[0] }</td><td>{ &c[1] }</td><td>{ &c[2] }</td><td class="message">{ &c[3] }</td></tr>
                    }) }</tbody>
                </table>
            }
            if let Some(t) = explanation {
                <VerdictTableView table={t} bound={bound.clone()} />
            }
            if let Some(h) = history {
                if h.len() > 1 || sel.kind != Kind::Pod {
                    <section class="history" id="phase-history">
                        <h3>{ "Phase history" }</h3>
                        <ol>{ for h.iter().map(|c| {
                            let store = store.clone();
                            let frame = c.frame;
                            let onclick = Callback::from(move |_: MouseEvent| store.dispatch(Action::Seek(frame)));
                            html! { <li><button class="link" {onclick} title="Show this moment">{ format!("t={}", c.time) }</button>{ format!(" {}", c.phase) }</li> }
                        }) }</ol>
                    </section>
                }
            }
            <section class="object-events">
                <h3>{ "Events" }</h3>
                if desc.events.is_empty() {
                    <p class="empty">{ "<none>" }</p>
                } else {
                    <table class="grid events-mini">
                        <thead><tr><th>{ "Type" }</th><th>{ "Reason" }</th><th>{ "Age" }</th><th>{ "From" }</th><th>{ "Message" }</th></tr></thead>
                        <tbody>{ for desc.events.iter().map(|e| html! {
                            <tr class={classes!(e.warning.then_some("warning"))}>
                                <td>{ e.type_ }</td><td>{ e.reason }</td><td>{ e.describe_age() }</td><td>{ e.source }</td><td class="message">{ &*e.message }</td>
                            </tr>
                        }) }</tbody>
                    </table>
                }
            </section>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct VerdictProps {
    table: view_model::VerdictTable,
    /// Set when the pod is already bound.
    bound: Option<Bound>,
}

#[derive(Clone, PartialEq)]
struct Bound {
    node: String,
    /// The frame (counted from 1, as the scrubber shows) whose state the table shows: the
    /// one before the scheduling cycle that placed the pod, when the timeline has it.
    decided_at: Option<usize>,
}

#[function_component(VerdictTableView)]
fn verdict_table(props: &VerdictProps) -> Html {
    let t = &props.table;
    html! {
        <section class="verdicts" id="verdict-table">
            <h3>{ "Why here, why not there: Filter verdicts and scores per node" }</h3>
            if let Some(b) = &props.bound {
                <p class="hint" id="verdict-when">{ match b.decided_at {
                    Some(frame) => format!("Bound to {}: the verdicts as the scheduler saw them just before the cycle that placed the pod (frame {frame}).", b.node),
                    None => format!("Bound to {} without a scheduling cycle on this timeline: the table shows what a new attempt would see now, with this pod counted on its node.", b.node),
                } }</p>
            }
            if let Some(r) = &t.pre_filter_rejection {
                <p class="prefilter">{ format!("PreFilter rejected the pod before any node was considered: {r}") }</p>
            }
            <div class="scroll">
                <table class="grid verdict">
                    <thead><tr>
                        <th>{ "Node" }</th>
                        <th scope="col" class="verdict-summary-head">{ "Verdict" }</th>
                        { for t.plugins.iter().map(|p| html! { <th scope="col">{ *p }</th> }) }
                        { for t.score_plugins.iter().map(|p| html! { <th scope="col" class="score">{ format!("{p} score") }</th> }) }
                        <th class="score">{ "Total" }</th>
                    </tr></thead>
                    <tbody>{ for t.rows.iter().map(|r| html! {
                        <tr class={classes!(r.feasible.then_some("feasible"))}>
                            <th scope="row">{ &r.node }</th>
                            <td class={classes!("verdict-cell", "verdict-summary", r.summary.1)}>{ &r.summary.0 }</td>
                            { for r.cells.iter().map(|(text, css)| html! { <td class={classes!("verdict-cell", *css)}>{ text }</td> }) }
                            { for r.scores.iter().map(|s| html! { <td class="score">{ s }</td> }) }
                            <td class="score">{ &r.total }</td>
                        </tr>
                    }) }</tbody>
                </table>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct QuickProps {
    selection: Selection,
}

/// The scenario's manifest for `sel`, if the user wrote it (provisioned volumes are not).
pub(super) fn doc_of(store: &Store, sel: &Selection) -> Option<Manifest> {
    store
        .scenario
        .index_of(sel.kind, &sel.key)
        .map(|i| (*store.scenario.docs[i]).clone())
}

fn put(store: &Store, sel: &Selection, manifest: Manifest) {
    store.dispatch(Action::PutObject {
        manifest,
        replacing: Some((sel.kind, sel.key.clone())),
    });
}

#[function_component(QuickActions)]
fn quick_actions(props: &QuickProps) -> Html {
    let store = use_store();
    let sel = props.selection.clone();
    let doc = doc_of(&store, &sel);
    let in_scenario = doc.is_some();
    let live = crate::state::exists(store.run.last(), &sel);
    let mut buttons: Vec<Html> = Vec::new();

    // Each button dispatches one action about the selected object.
    let on = |action: Action| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(action.clone()))
    };
    let target = || Some((sel.kind, sel.key.clone()));
    let edit = on(Action::Open(Dialog::EditYaml(target())));
    let remove = on(Action::RemoveObject(sel.kind, sel.key.clone()));
    let kubectl_delete = on(Action::Then(Then::Delete {
        kind: sel.kind,
        key: sel.key.clone(),
    }));
    let filter = on(Action::FilterEvents(Some(sel.clone())));
    let kubectl_edit = on(Action::Open(Dialog::KubectlApply(target())));

    if sel.kind == Kind::Node {
        if let Some(Manifest::Node(node)) = &doc {
            let cordoned = node
                .spec
                .as_ref()
                .and_then(|s| s.unschedulable)
                .unwrap_or(false);
            let toggle = {
                let store = store.clone();
                let sel = sel.clone();
                let node = node.clone();
                Callback::from(move |_: MouseEvent| {
                    let mut n = node.clone();
                    n.spec.get_or_insert_with(Default::default).unschedulable =
                        (!cordoned).then_some(true);
                    put(&store, &sel, Manifest::Node(n));
                })
            };
            let duplicate = {
                let store = store.clone();
                let node = node.clone();
                Callback::from(move |_: MouseEvent| {
                    let base = node.metadata.name.clone().unwrap_or_default();
                    let existing = &store.run.last().cluster().nodes;
                    let name = (2..)
                        .map(|i| format!("{base}-{i}"))
                        .find(|n| !existing.contains_key(n.as_str()))
                        .unwrap_or_default();
                    let mut n = node.clone();
                    n.metadata.name = Some(name.clone());
                    if let Some(labels) = n.metadata.labels.as_mut() {
                        labels.insert("kubernetes.io/hostname".into(), name);
                    }
                    store.dispatch(Action::PutObject {
                        manifest: Manifest::Node(n),
                        replacing: None,
                    });
                })
            };
            buttons.push(html! { <button id="cordon" onclick={toggle}>{ if cordoned { "Uncordon" } else { "Cordon" } }</button> });
            buttons.push(
                html! { <button id="duplicate-node" onclick={duplicate}>{ "Duplicate" }</button> },
            );
            buttons.push(html! { <TaintInput selection={sel.clone()} /> });
        }
    }
    if sel.kind == Kind::Pod {
        if let Some(Manifest::Pod(pod)) = &doc {
            let classes: Vec<String> = store
                .run
                .last()
                .cluster()
                .priority_classes
                .keys()
                .cloned()
                .collect();
            let current = pod
                .spec
                .as_ref()
                .and_then(|s| s.priority_class_name.clone())
                .unwrap_or_default();
            let onchange = {
                let store = store.clone();
                let sel = sel.clone();
                let pod = pod.clone();
                Callback::from(move |e: Event| {
                    let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                        return;
                    };
                    let v = select.value();
                    let mut p = pod.clone();
                    let spec = p.spec.get_or_insert_with(Default::default);
                    spec.priority_class_name = (!v.is_empty()).then_some(v);
                    // The priority admission plugin fills spec.priority from the class.
                    spec.priority = None;
                    // Priority is immutable: the pod is deleted and created again with
                    // the new class once the rest of the cluster has settled.
                    store.dispatch(Action::Recreate {
                        manifest: Manifest::Pod(p),
                        replacing: Some((sel.kind, sel.key.clone())),
                    });
                })
            };
            buttons.push(html! {
                <label class="inline" title="Priority is immutable: the pod is re-created with the new class after the cluster settles (a then: create)">{ "Re-create with priority class " }
                    <select id="priority-class" {onchange}>
                        <option value="" selected={current.is_empty()}>{ "(none)" }</option>
                        { for classes.iter().map(|c| html! { <option value={c.clone()} selected={*c == current}>{ c }</option> }) }
                    </select>
                </label>
            });
        }
    }
    if live
        && matches!(
            sel.kind,
            Kind::Pod | Kind::PersistentVolumeClaim | Kind::PersistentVolume | Kind::Node
        )
    {
        buttons.push(html! {
            <button id="kubectl-delete" onclick={kubectl_delete} title="Delete it now, after the cluster settled, and watch what follows">{ "kubectl delete" }</button>
        });
    }
    if live {
        buttons.push(html! {
            <button id="kubectl-edit" onclick={kubectl_edit} title="Edit the live object after the cluster settled (kubectl edit): the change plays out on the timeline">{ "kubectl edit" }</button>
        });
    }
    if in_scenario {
        buttons.push(html! { <button id="edit-yaml" onclick={edit}>{ "Edit YAML" }</button> });
        buttons.push(html! { <button id="remove-object" class="danger" onclick={remove} title="Remove it from the scenario, as if it had never been applied">{ "Remove" }</button> });
    }
    buttons.push(html! { <button onclick={filter}>{ "Its events only" }</button> });
    html! { <div class="quick-actions" aria-label="Actions">{ for buttons }</div> }
}

#[derive(Properties, PartialEq)]
struct TaintProps {
    selection: Selection,
}

#[function_component(TaintInput)]
fn taint_input(props: &TaintProps) -> Html {
    let store = use_store();
    let input = use_node_ref();
    let onsubmit = {
        let store = store.clone();
        let input = input.clone();
        let sel = props.selection.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(el) = input.cast::<HtmlInputElement>() else {
                return;
            };
            let text = el.value();
            let Some(Manifest::Node(node)) = doc_of(&store, &sel) else {
                return;
            };
            match parse_taint(&text) {
                Ok(t) => {
                    let mut n = node.clone();
                    n.spec
                        .get_or_insert_with(Default::default)
                        .taints
                        .get_or_insert_with(Vec::new)
                        .push(t);
                    el.set_value("");
                    put(&store, &sel, Manifest::Node(n));
                }
                Err(msg) => store.dispatch(Action::Notify(crate::state::Notice::error(
                    "Not a taint",
                    vec![msg],
                ))),
            }
        })
    };
    html! {
        <form class="inline" {onsubmit}>
            <label>{ "Taint " }<input ref={input} id="taint" placeholder="key=value:NoSchedule" size="18" /></label>
            <button type="submit">{ "Add taint" }</button>
        </form>
    }
}

/// `key[=value]:Effect`, as `kubectl taint` writes it.
pub fn parse_taint(text: &str) -> Result<core::Taint, String> {
    let (kv, effect) = text
        .trim()
        .rsplit_once(':')
        .ok_or_else(|| format!("{text:?}: expected key[=value]:Effect"))?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(format!(
            "Unsupported value: {effect:?}: supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
        ));
    }
    let (key, value) = match kv.split_once('=') {
        Some((k, v)) => (k, Some(v.to_string())),
        None => (kv, None),
    };
    if key.is_empty() {
        return Err(format!("{text:?}: the key is empty"));
    }
    Ok(core::Taint {
        key: key.to_string(),
        value,
        effect: effect.to_string(),
        time_added: None,
    })
}
