//! StorageClasses, claims and volumes, and the pod → claim → volume → node binding graph.

use yew::prelude::*;

use super::cluster::badge;
use super::{is_selected, select_on_click, use_pane_store, SelectLink, ShowMore, ROWS_PER_PAGE};
use crate::view_model::{self, Graph, GRAPH_COLUMN_WIDTH};

/// Above this many pods with claims the graph would be an unreadable hairball (and a
/// heavy DOM): the tables, which list everything, take over.
pub const GRAPH_POD_LIMIT: usize = 80;

#[function_component(StoragePanel)]
pub fn storage_panel() -> Html {
    let store = use_pane_store();
    let sim = &store.frame().sim;
    let view = super::cluster_view_of(&store);
    let claim_users = sim
        .cluster()
        .pods()
        .values()
        .filter(|p| p.has_claims())
        .count();
    let claims_shown = use_state(|| ROWS_PER_PAGE);
    let volumes_shown = use_state(|| ROWS_PER_PAGE);
    html! {
        <div class="storage">
            <h2>{ "Storage" }</h2>
            if claim_users <= GRAPH_POD_LIMIT {
                <BindingGraph graph={view_model::binding_graph(sim)} />
            } else {
                <p class="hint" id="graph-too-large">{ format!("{claim_users} pods use claims: the binding graph is drawn up to {GRAPH_POD_LIMIT}. Select a pod, claim or volume to see its chain in the inspector.") }</p>
            }
            <div class="tables">
                <table class="grid" id="classes-table">
                    <caption>{ "StorageClasses" }</caption>
                    <thead><tr><th>{ "Name" }</th><th>{ "Provisioner" }</th><th>{ "Binding mode" }</th><th>{ "Reclaim" }</th></tr></thead>
                    <tbody>
                        { for view.classes.iter().map(|c| html! {
                            <tr class={classes!(is_selected(&store, &c.selection).then_some("selected"))}>
                                <td><SelectLink selection={c.selection.clone()} label={AttrValue::from(c.name.clone())} />
                                    if c.default { <span class="tag">{ "default" }</span> }</td>
                                <td>{ &c.provisioner }</td>
                                <td><span class={classes!("tag", (c.binding_mode == "WaitForFirstConsumer").then_some("wffc"))}>{ c.binding_mode }</span></td>
                                <td>{ c.reclaim }{ if c.expansion { " · expandable" } else { "" } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                <table class="grid" id="claims-table">
                    <caption>{ "PersistentVolumeClaims" }</caption>
                    <thead><tr><th>{ "Name" }</th><th>{ "Status" }</th><th>{ "Volume" }</th><th>{ "Request" }</th><th>{ "Modes" }</th><th>{ "Class" }</th><th>{ "Used by" }</th></tr></thead>
                    <tbody>
                        { for view.claims.iter().take(*claims_shown).map(|c| html! {
                            <ClaimRowView key={c.selection.dom_id()} row={c.clone()} selected={is_selected(&store, &c.selection)} />
                        }) }
                    </tbody>
                </table>
                <ShowMore id="claims-more" shown={claims_shown.clone()} total={view.claims.len()} />
                <table class="grid" id="volumes-table">
                    <caption>{ "PersistentVolumes" }</caption>
                    <thead><tr><th>{ "Name" }</th><th>{ "Status" }</th><th>{ "Claim" }</th><th>{ "Capacity" }</th><th>{ "Modes" }</th><th>{ "Class" }</th><th>{ "Where" }</th><th>{ "Reclaim" }</th></tr></thead>
                    <tbody>
                        { for view.volumes.iter().take(*volumes_shown).map(|v| html! {
                            <VolumeRowView key={v.selection.dom_id()} row={v.clone()} selected={is_selected(&store, &v.selection)} />
                        }) }
                    </tbody>
                </table>
                <ShowMore id="volumes-more" shown={volumes_shown.clone()} total={view.volumes.len()} />
            </div>
        </div>
    }
}

/// One row of a table, as a component: on a selection or an edit, only the rows whose
/// content or selected state changed re-render (their links dispatch through
/// [`super::use_dispatch`], which never changes).
#[derive(Properties, PartialEq)]
struct RowProps<T: PartialEq> {
    row: T,
    selected: bool,
}

#[function_component(ClaimRowView)]
fn claim_row(props: &RowProps<view_model::ClaimRow>) -> Html {
    let c = &props.row;
    html! {
        <tr class={classes!(props.selected.then_some("selected"))} id={c.selection.dom_id()}>
            <td><SelectLink selection={c.selection.clone()} /></td>
            <td><span class={classes!("phase", c.phase.to_lowercase())}>{ c.phase }</span>
                if c.terminating { <span class="tag warn">{ "Terminating" }</span> }
                if let Some(n) = &c.selected_node { <span class="tag" title="volume.kubernetes.io/selected-node">{ format!("→ {n}") }</span> }</td>
            <td>{ c.volume.clone().unwrap_or_default() }</td>
            <td>{ &c.request }</td>
            <td>{ for c.badges.iter().map(badge) }</td>
            <td>{ if c.class.is_empty() { "\"\"".to_string() } else { c.class.clone() } }</td>
            <td>{ for c.users.iter().enumerate().map(|(i, u)| html! { <>
                { if i > 0 { ", " } else { "" } }
                <SelectLink selection={u.clone()} label={AttrValue::from(u.key.name.to_string())} />
            </> }) }</td>
        </tr>
    }
}

#[function_component(VolumeRowView)]
fn volume_row(props: &RowProps<view_model::VolumeRow>) -> Html {
    let v = &props.row;
    html! {
        <tr class={classes!(props.selected.then_some("selected"))}>
            <td><SelectLink selection={v.selection.clone()} label={AttrValue::from(v.name.clone())} /></td>
            <td><span class={classes!("phase", v.phase.to_lowercase())}>{ v.phase }</span>
                if v.terminating { <span class="tag warn">{ "Terminating" }</span> }</td>
            <td>{ for v.claim.iter().map(|c| html! { <SelectLink selection={c.clone()} /> }) }</td>
            <td>{ &v.capacity }</td>
            <td>{ for v.badges.iter().map(badge) }</td>
            <td>{ &v.class }</td>
            <td>{ v.topology.clone().unwrap_or_else(|| "anywhere".to_string()) }</td>
            <td>{ v.reclaim }</td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
struct GraphProps {
    graph: Graph,
}

/// The binding lines: an SVG whose layout `view_model::binding_graph` computed.
#[function_component(BindingGraph)]
fn binding_graph(props: &GraphProps) -> Html {
    let store = use_pane_store();
    let g = &props.graph;
    if g.nodes.is_empty() {
        return html! { <p class="empty">{ "No claims or volumes yet." }</p> };
    }
    let label_width = GRAPH_COLUMN_WIDTH - 46.0;
    html! {
        <figure class="graph" id="binding-graph">
            <figcaption class="visually-hidden">{ "Which pod uses which claim, which volume backs it, and which node it is on" }</figcaption>
            <svg viewBox={format!("0 0 {} {}", g.width, g.height)} width={g.width.to_string()} height={g.height.to_string()} role="img"
                aria-label="Binding graph: pods, claims, volumes and nodes">
                { for g.columns.iter().enumerate().map(|(i, c)| html! {
                    <text class="col" x={(12.0 + i as f64 * GRAPH_COLUMN_WIDTH).to_string()} y="18">{ *c }</text>
                }) }
                { for g.edges.iter().map(|e| {
                    let mid = (e.from.0 + e.to.0) / 2.0;
                    let d = format!("M{},{} C{},{} {},{} {},{}", e.from.0, e.from.1, mid, e.from.1, mid, e.to.1, e.to.0 - 4.0, e.to.1);
                    html! { <path class={classes!("edge", e.css)} d={d}><title>{ &e.title }</title></path> }
                }) }
                { for g.nodes.iter().map(|n| {
                    let store = store.clone();
                    let sel = n.selection.clone();
                    let selected = is_selected(&store, &sel);
                    let onclick = select_on_click(&store, &sel);
                    html! {
                        <g class={classes!("gnode", n.css, selected.then_some("selected"))} {onclick}>
                            <rect x={(n.x - 4.0).to_string()} y={(n.y - 11.0).to_string()} width={label_width.to_string()} height="22" rx="5" />
                            <text x={(n.x + 4.0).to_string()} y={(n.y + 4.0).to_string()}>{ truncate(&n.label, if n.locked { 20 } else { 22 }) }</text>
                            if n.locked {
                                // At the box's right end, where two characters were given up.
                                <g class="glock" transform={format!("translate({} {})", n.x + label_width - 17.0, n.y - 6.0)}>
                                    { lock_shape() }
                                </g>
                            }
                            <title>{ n.selection.label() }</title>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}

/// A padlock in a 10 × 12 box, the SVG twin of the `.lock` mask in `style.css` (an emoji
/// would need an emoji font, which many Linux machines lack: they show an empty box).
/// Colour and stroke come from `.graph .gnode g.glock` there.
fn lock_shape() -> Html {
    html! {
        <>
            <path d="M2.5 5.5V3.5a2.5 2.5 0 0 1 5 0v2" />
            <rect x="1" y="5.5" width="8" height="6" rx="1.2" />
        </>
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
