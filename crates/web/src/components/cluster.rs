//! Zones as columns, nodes as cards with usage bars and local disks, pods as chips.

use yew::prelude::*;

use super::{is_selected, select_on_click, use_store};
use crate::view_model::{self, Bar, Disk, NodeCard, PodChip, NODES_PER_PAGE};

#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let store = use_store();
    let view = super::use_cluster_view(&store);
    let compact = !view.detailed;
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
                    <ZoneColumnView name={z.name.clone()} nodes={z.nodes.clone()} running={z.running_pods} />
                }) }
            </div>
            <PodTray id="pending-tray" title="Pending" empty="No pending pods." pods={view.pending.clone()} />
            if !view.preempted.is_empty() {
                <PodTray id="preempted-tray" title="Preempted (deleted by the scheduler)" empty="" pods={view.preempted.clone()} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ZoneProps {
    name: String,
    nodes: Vec<NodeCard>,
    running: usize,
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
            { for shown.into_iter().map(|n| html! { <NodeCardView card={n.clone()} /> }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct NodeProps {
    card: NodeCard,
}

#[function_component(NodeCardView)]
fn node_card(props: &NodeProps) -> Html {
    let store = use_store();
    let card = &props.card;
    let selected = is_selected(&store, &card.selection);
    let onclick = select_on_click(&store, &card.selection);
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
                    { for card.disks.iter().map(|d| html! { <DiskChip disk={d.clone()} /> }) }
                </div>
            }
            <div class="pods">
                { for card.pods.iter().map(|p| html! { <PodChipView pod={p.clone()} /> }) }
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
}

#[function_component(DiskChip)]
fn disk_chip(props: &DiskProps) -> Html {
    let store = use_store();
    let d = &props.disk;
    let selected = is_selected(&store, &d.selection);
    let onclick = select_on_click(&store, &d.selection);
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
}

#[function_component(PodChipView)]
pub fn pod_chip(props: &PodChipProps) -> Html {
    let store = use_store();
    let p = &props.pod;
    let selected = is_selected(&store, &p.selection);
    let onclick = select_on_click(&store, &p.selection);
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
                    <li>
                        <PodChipView pod={p.clone()} />
                        if let Some(why) = &p.why_pending {
                            <span class="why">{ why }</span>
                        }
                    </li>
                }) }
            </ul>
        </section>
    }
}
