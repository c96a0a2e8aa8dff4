//! Zones as columns, nodes as cards with usage bars and local disks, pods as chips.
//!
//! Only [`ClusterView`] reads the store. Cards and chips get their data and whether they
//! hold the selection as props, and dispatch through [`use_dispatch`] (which never
//! changes), so after an edit Yew re-renders only the cards and chips whose content
//! changed. Were they to read the store, every one of them would re-render on every change.

use yew::prelude::*;

use super::{dispatch_select_on_click as select_on_click, use_dispatch, use_store};
use crate::view_model::{self, Bar, Disk, NodeCard, PodChip, Selection, NODES_PER_PAGE};

/// The selection, if it is this card's node or one of its pods or disks: a card re-renders
/// when the selection moves in or out of it, not on every selection change.
fn selection_within(card: &NodeCard, selection: &Option<Selection>) -> Option<Selection> {
    let sel = selection.as_ref()?;
    let within = card.selection == *sel
        || card.pods.iter().any(|p| p.selection == *sel)
        || card.disks.iter().any(|d| d.selection == *sel);
    within.then(|| sel.clone())
}

#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let store = use_store();
    let view = super::cluster_view_of(&store);
    let compact = !view.detailed;
    let selection = store.selection.clone();
    html! {
        <div class="cluster">
            <h2>{ "Cluster" }</h2>
            if compact {
                <p class="hint" id="compact-note">
                    { format!("{} nodes: compact cards (pods are counted, not drawn); {} per zone page.", view.counts.nodes, NODES_PER_PAGE) }
                </p>
            }
            if view.zones.is_empty() {
                <p class="empty">{ "No nodes yet — add one with “＋ Add… → Node”, or open a scenario." }</p>
            }
            <div class="zones">
                { for view.zones.iter().map(|z| html! {
                    <ZoneColumnView key={z.name.clone()} name={z.name.clone()} nodes={z.nodes.clone()} running={z.running_pods}
                        selection={selection.clone()} />
                }) }
            </div>
            <PodTray id="pending-tray" title="Pending" empty="No pending pods." pods={view.pending.clone()}
                selection={selection.clone()} />
            if !view.preempted.is_empty() {
                <PodTray id="preempted-tray" title="Preempted (deleted by the scheduler)" empty="" pods={view.preempted.clone()}
                    selection={selection.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ZoneProps {
    name: String,
    nodes: Vec<NodeCard>,
    running: usize,
    selection: Option<Selection>,
}

#[function_component(ZoneColumnView)]
fn zone_column(props: &ZoneProps) -> Html {
    let page = use_state(|| 0usize);
    let pages = props.nodes.len().div_ceil(NODES_PER_PAGE).max(1);
    let paged = props.nodes.len() > NODES_PER_PAGE;
    let shown: Vec<&NodeCard> = if paged {
        props
            .nodes
            .iter()
            .skip(*page * NODES_PER_PAGE)
            .take(NODES_PER_PAGE)
            .collect()
    } else {
        props.nodes.iter().collect()
    };
    let prev = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set(page.saturating_sub(1)))
    };
    let next = {
        let page = page.clone();
        Callback::from(move |_: MouseEvent| page.set((*page + 1).min(pages - 1)))
    };
    html! {
        <section class="zone" aria-label={format!("Zone {}", props.name)}>
            <h3>{ &props.name } <span class="count">{ format!("{} nodes · {} pods", props.nodes.len(), props.running) }</span></h3>
            if paged {
                <div class="pager">
                    <button onclick={prev} disabled={*page == 0} aria-label="Previous nodes">{ "‹" }</button>
                    <span>{ format!("{}/{}", *page + 1, pages) }</span>
                    <button onclick={next} disabled={*page + 1 >= pages} aria-label="Next nodes">{ "›" }</button>
                </div>
            }
            { for shown.into_iter().map(|n| html! {
                <NodeCardView key={n.name.clone()} card={n.clone()}
                    selected={selection_within(n, &props.selection)} />
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    card: NodeCard,
    /// The selection if it is within this card (see [`selection_within`]).
    selected: Option<Selection>,
}

#[function_component(NodeCardView)]
fn node_card(props: &NodeProps) -> Html {
    let dispatch = use_dispatch();
    let card = &props.card;
    let is = |sel: &Selection| props.selected.as_ref() == Some(sel);
    let selected = is(&card.selection);
    let onclick = select_on_click(&dispatch, &card.selection);
    html! {
        <article class={classes!("node", selected.then_some("selected"), card.unschedulable.then_some("cordoned"))}
            id={card.selection.dom_id()}>
            <header>
                <button class="node-name link" {onclick} aria-label={format!("Node {}", card.name)}>{ &card.name }</button>
                if card.unschedulable { <span class="tag warn">{ "cordoned" }</span> }
                { for card.taints.iter().map(|t| html! { <span class="tag taint" title="taint">{ t }</span> }) }
            </header>
            <div class="bars">{ for card.bars.iter().map(bar) }</div>
            if !card.disks.is_empty() {
                <div class="disks" aria-label="Local volumes">
                    { for card.disks.iter().map(|d| html! {
                        <DiskChip key={d.name.clone()} disk={d.clone()} selected={is(&d.selection)} />
                    }) }
                </div>
            }
            <div class="pods">
                { for card.pods.iter().map(|p| html! {
                    <PodChipView key={p.selection.dom_id()} pod={p.clone()} selected={is(&p.selection)} />
                }) }
            </div>
            if !card.nominated.is_empty() {
                <p class="nominated">{ format!("nominated here: {}", card.nominated.join(", ")) }</p>
            }
        </article>
    }
}

fn bar(b: &Bar) -> Html {
    let pct = b.percent();
    let level = if pct >= 90.0 {
        "high"
    } else if pct >= 60.0 {
        "mid"
    } else {
        "low"
    };
    html! {
        <div class="bar" title={b.text.clone()}>
            <span class="bar-label">{ &b.text }</span>
            <span class="bar-track" role="meter" aria-label={b.label} aria-valuemin="0" aria-valuemax="100" aria-valuenow={format!("{pct:.0}")}>
                <span class={classes!("bar-fill", level)} style={format!("width:{pct:.1}%")}></span>
            </span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DiskProps {
    disk: Disk,
    selected: bool,
}

#[function_component(DiskChip)]
fn disk_chip(props: &DiskProps) -> Html {
    let dispatch = use_dispatch();
    let d = &props.disk;
    let selected = props.selected;
    let onclick = select_on_click(&dispatch, &d.selection);
    let title = format!(
        "PersistentVolume {} — {} {}, {}{}",
        d.name,
        d.capacity,
        d.class,
        d.phase,
        d.claim
            .as_ref()
            .map(|c| format!(", bound to {c}"))
            .unwrap_or_default()
    );
    html! {
        <button class={classes!("disk", d.phase.to_lowercase(), selected.then_some("selected"))} {onclick} title={title.clone()} aria-label={title}
            id={d.selection.dom_id()}>
            <span aria-hidden="true">{ "⛁ " }</span>{ &d.name }<span class="disk-size">{ format!(" {}", d.capacity) }</span>
            { for d.badges.iter().map(badge) }
        </button>
    }
}

pub fn badge(b: &view_model::ModeBadge) -> Html {
    html! {
        <span class={classes!("mode", b.locked.then_some("rwop"))} title={b.long}>
            if b.locked { <span aria-hidden="true">{ "🔒" }</span> }
            { b.short }
        </span>
    }
}

#[derive(Properties, PartialEq)]
pub struct PodChipProps {
    pub pod: PodChip,
    pub selected: bool,
}

#[function_component(PodChipView)]
pub fn pod_chip(props: &PodChipProps) -> Html {
    let dispatch = use_dispatch();
    let p = &props.pod;
    let selected = props.selected;
    let onclick = select_on_click(&dispatch, &p.selection);
    html! {
        <button class={classes!("pod", p.state.css(), selected.then_some("selected"))} {onclick}
            title={p.summary.clone()} aria-label={p.summary.clone()} id={p.selection.dom_id()}>
            if p.rwop { <span class="lock" aria-hidden="true">{ "🔒" }</span> }
            <span class="pod-name">{ &p.name }</span>
            <span class="prio">{ format!("p{}", p.priority) }</span>
        </button>
    }
}

#[derive(Properties, PartialEq)]
struct TrayProps {
    id: AttrValue,
    title: AttrValue,
    empty: AttrValue,
    pods: Vec<PodChip>,
    selection: Option<Selection>,
}

#[function_component(PodTray)]
fn pod_tray(props: &TrayProps) -> Html {
    html! {
        <section class="tray" id={props.id.clone()} aria-label={props.title.clone()}>
            <h3>{ &props.title } <span class="count">{ props.pods.len() }</span></h3>
            if props.pods.is_empty() {
                <p class="empty">{ &props.empty }</p>
            }
            <ul class="tray-list">
                { for props.pods.iter().map(|p| html! {
                    <li key={p.selection.dom_id()}>
                        <PodChipView pod={p.clone()} selected={props.selection.as_ref() == Some(&p.selection)} />
                        if let Some(why) = &p.why_pending {
                            <span class="why">{ why }</span>
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}
