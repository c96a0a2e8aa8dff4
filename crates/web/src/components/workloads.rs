//! StatefulSets, Deployments and ReplicaSets, each with its pods (and a StatefulSet's
//! claims) grouped under it, and the scale controls.

use bindery_core::scenario::builtin::Then;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inspector::doc_of;
use super::{is_selected, select_on_click, use_pane_store, SelectLink};
use crate::state::Action;
use crate::view_model::{self, PodChip, WorkloadCard};

#[function_component(WorkloadsPanel)]
pub fn workloads_panel() -> Html {
    let store = use_pane_store();
    let cards = view_model::workload_cards(&store.frame().sim);
    if cards.is_empty() {
        return html! {};
    }
    html! {
        <div class="workloads" id="workloads">
            <h2>{ "Workloads" }</h2>
            <div class="workload-list">
                { for cards.into_iter().map(|card| html! { <WorkloadCardView {card} /> }) }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    card: WorkloadCard,
}

#[function_component(WorkloadCardView)]
fn workload_card(props: &CardProps) -> Html {
    let store = use_pane_store();
    let w = &props.card;
    let input = use_node_ref();
    let doc = doc_of(&store, &w.selection);
    let desired = doc
        .as_ref()
        .and_then(crate::script::replicas_of)
        .unwrap_or(w.desired);
    let read = {
        let input = input.clone();
        move || {
            input
                .cast::<HtmlInputElement>()
                .and_then(|el| el.value().trim().parse::<i32>().ok())
                .filter(|n| (0..=1000).contains(n))
        }
    };
    // Sets spec.replicas in the scenario: the whole story re-runs with the new size.
    let set_to = {
        let store = store.clone();
        let doc = doc.clone();
        let sel = w.selection.clone();
        move |n: i32| {
            if let Some(m) = doc.as_ref().and_then(|d| crate::script::scaled(d, n)) {
                store.dispatch(Action::PutObject {
                    manifest: m,
                    replacing: Some((sel.kind, sel.key.clone())),
                });
            }
        }
    };
    let minus = {
        let set_to = set_to.clone();
        Callback::from(move |_: MouseEvent| set_to((desired - 1).max(0)))
    };
    let plus = {
        let set_to = set_to.clone();
        Callback::from(move |_: MouseEvent| set_to(desired + 1))
    };
    let apply = {
        let read = read.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(n) = read() {
                set_to(n);
            }
        })
    };
    // `kubectl scale` after the cluster settled: the scale-down (or up) plays out on the
    // timeline, with the retention policy deciding what happens to the claims.
    let scale_later = {
        let store = store.clone();
        let sel = w.selection.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(n) = read() {
                store.dispatch(Action::Then(Then::Scale {
                    kind: sel.kind,
                    key: sel.key.clone(),
                    replicas: n,
                }));
            }
        })
    };
    let id = w.selection.dom_id();
    let selected = is_selected(&store, &w.selection);
    html! {
        <article class={classes!("workload", selected.then_some("selected"))} id={id.clone()}>
            <header>
                <span class="tag">{ w.selection.kind.as_str() }</span>
                <SelectLink selection={w.selection.clone()} label={AttrValue::from(w.name.clone())} />
                <span class="ready" title="ready / desired">{ format!(" {}/{} ready", w.ready, w.desired) }</span>
            </header>
            <p class="detail">{ &w.detail }</p>
            if doc.is_some() {
                <form class="scale inline" onsubmit={apply} aria-label={format!("Scale {}", w.name)}>
                    <button type="button" class="scale-down" aria-label="One replica fewer" onclick={minus}>{ "−" }</button>
                    <input ref={input} type="number" min="0" max="1000" value={desired.to_string()}
                        id={format!("replicas-{id}")} aria-label="Replicas" size="3" />
                    <button type="button" class="scale-up" aria-label="One replica more" onclick={plus}>{ "+" }</button>
                    <button type="submit" class="set-replicas" title="Set spec.replicas in the scenario">{ "Set replicas" }</button>
                    <button type="button" class="scale-later" onclick={scale_later}
                        title="kubectl scale once the cluster has settled (a then: action), so the change plays out on the timeline">{ "kubectl scale" }</button>
                </form>
            }
            <div class="pods" aria-label={format!("Pods of {}", w.name)}>
                { for w.pods.iter().map(|p| html! { <OwnedPod pod={p.clone()} /> }) }
                if w.pods.is_empty() { <span class="empty">{ "no pods" }</span> }
            </div>
            if !w.claims.is_empty() {
                <div class="claims" aria-label={format!("Claims of {}", w.name)}>
                    { for w.claims.iter().map(|(sel, phase)| html! {
                        <span class={classes!("claim-tag", phase.to_lowercase())}>
                            <SelectLink selection={sel.clone()} label={AttrValue::from(sel.key.name.to_string())} />
                            { format!(" {phase}") }
                        </span>
                    }) }
                </div>
            }
            if !w.replica_sets.is_empty() {
                <p class="detail">{ "ReplicaSets: " }
                    { for w.replica_sets.iter().map(|(sel, n)| html! {
                        <span class="rs"><SelectLink selection={sel.clone()} label={AttrValue::from(format!("{} ({n})", sel.key.name))} />{ " " }</span>
                    }) }
                </p>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
struct OwnedPodProps {
    pod: PodChip,
}

/// A pod chip under its owner (the node cards show the same pod where it runs).
#[function_component(OwnedPod)]
fn owned_pod(props: &OwnedPodProps) -> Html {
    let store = use_pane_store();
    let p = &props.pod;
    let onclick = select_on_click(&store, &p.selection);
    let selected = is_selected(&store, &p.selection);
    let place = p.node.clone().unwrap_or_else(|| "Pending".to_string());
    html! {
        <button class={classes!("pod", p.state.css(), selected.then_some("selected"))} {onclick}
            title={p.summary.clone()} aria-label={p.summary.clone()} id={format!("wl-{}", p.selection.dom_id())}>
            if p.rwop { <span class="lock" aria-hidden="true"></span> }
            <span class="pod-name">{ &p.name }</span>
            <span class="prio">{ format!("@{place}") }</span>
        </button>
    }
}
