//! Zones as columns, nodes as cards with usage bars and local disks, pods as chips.
//!
//! Only [`ClusterView`] reads the store. Cards and chips get their data and whether they
//! hold the selection as props, and dispatch through [`use_dispatch`] (which never
//! changes), so after an edit Yew re-renders only the cards and chips whose content
//! changed. Were they to read the store, every one of them would re-render on every change.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{dispatch_select_on_click as select_on_click, use_dispatch, use_store};
use crate::state::Action;
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
                <p class="empty">{ "No nodes yet — add one with “+ Add… → Node”, or open a scenario." }</p>
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
            <h3>{ &props.name } <span class="count">{ format!("{} · {}", view_model::counted(props.nodes.len(), "node"), view_model::counted(props.running, "pod")) }</span></h3>
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
    let on_chip = {
        let dispatch = dispatch.clone();
        let pods: Vec<Selection> = card.pods.iter().map(|p| p.selection.clone()).collect();
        let disks: Vec<Selection> = card.disks.iter().map(|d| d.selection.clone()).collect();
        Callback::from(move |e: MouseEvent| {
            let sel = match chip_target(&e) {
                Some(Chip::Pod(i)) => pods.get(i),
                Some(Chip::Disk(i)) => disks.get(i),
                None => None,
            };
            if let Some(sel) = sel {
                dispatch.dispatch(Action::Select(Some(sel.clone())));
            }
        })
    };
    html! {
        <article class={classes!("node", selected.then_some("selected"), card.unschedulable.then_some("cordoned"))}
            id={card.selection.dom_id()} onclick={on_chip}>
            <header>
                <button class="node-name link" {onclick} aria-label={format!("Node {}", card.name)}>{ &card.name }</button>
                if card.unschedulable { <span class="tag warn">{ "cordoned" }</span> }
                { for card.taints.iter().map(|t| html! { <span class="tag taint" title="taint">{ t }</span> }) }
            </header>
            <div class="bars">{ for card.bars.iter().map(bar) }</div>
            // Disk and pod chips as markup (see `chips_markup`); a click on one selects its
            // volume or pod through the card's `onclick` above.
            if !card.disks.is_empty() {
                { Html::from_html_unchecked(disks_markup(&card.disks, props.selected.as_ref()).into()) }
            }
            { Html::from_html_unchecked(chips_markup(&card.pods, props.selected.as_ref()).into()) }
            if !card.nominated.is_empty() {
                <p class="nominated">{ format!("nominated here: {}", card.nominated.join(", ")) }</p>
            }
        </article>
    }
}

/// A node's pod chips as markup: the same buttons [`PodChipView`] draws, each with its
/// position in `pods` as `data-chip`.
///
/// An edit such as a cordon moves most pods to other nodes, and chips drawn as components
/// (or as Yew elements) are then destroyed and created one element, attribute and text at
/// a time: in the 50-node scenario ~400 chips, thousands of calls from wasm into the DOM,
/// each converting its strings. One string per card is one call, and the browser's parser
/// builds the chips. Every text is escaped ([`escape_into`]).
pub fn chips_markup(pods: &[PodChip], selected: Option<&Selection>) -> String {
    let mut out = String::with_capacity(32 + pods.len() * 200);
    out.push_str(r#"<div class="pods">"#);
    for (i, p) in pods.iter().enumerate() {
        out.push_str(r#"<button class="pod "#);
        out.push_str(p.state.css());
        if selected == Some(&p.selection) {
            out.push_str(" selected");
        }
        out.push_str(r#"" title=""#);
        escape_into(&mut out, &p.summary);
        out.push_str(r#"" aria-label=""#);
        escape_into(&mut out, &p.summary);
        out.push_str(r#"" id=""#);
        escape_into(&mut out, &p.selection.dom_id());
        out.push_str(&format!(r#"" data-chip="{i}">"#));
        if p.rwop {
            out.push_str(r#"<span class="lock" aria-hidden="true"></span>"#);
        }
        out.push_str(r#"<span class="pod-name">"#);
        escape_into(&mut out, &p.name);
        out.push_str(&format!(
            r#"</span><span class="prio">p{}</span></button>"#,
            p.priority
        ));
    }
    out.push_str("</div>");
    out
}

/// A node's local volumes as markup: the buttons the disk chips were, each with its
/// position in `disks` as `data-disk` (see [`chips_markup`]: a re-run names provisioned
/// volumes anew, so an edit recreates most of them too).
pub fn disks_markup(disks: &[Disk], selected: Option<&Selection>) -> String {
    let mut out = String::with_capacity(64 + disks.len() * 300);
    out.push_str(r#"<div class="disks" aria-label="Local volumes">"#);
    for (i, d) in disks.iter().enumerate() {
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
        out.push_str(r#"<button class="disk "#);
        escape_into(&mut out, &d.phase.to_lowercase());
        if selected == Some(&d.selection) {
            out.push_str(" selected");
        }
        out.push_str(r#"" title=""#);
        escape_into(&mut out, &title);
        out.push_str(r#"" aria-label=""#);
        escape_into(&mut out, &title);
        out.push_str(r#"" id=""#);
        escape_into(&mut out, &d.selection.dom_id());
        out.push_str(&format!(
            r#"" data-disk="{i}"><span aria-hidden="true">⛁ </span>"#
        ));
        escape_into(&mut out, &d.name);
        out.push_str(r#"<span class="disk-size"> "#);
        escape_into(&mut out, &d.capacity);
        out.push_str("</span>");
        for b in &d.badges {
            out.push_str(if b.locked {
                r#"<span class="mode rwop" title=""#
            } else {
                r#"<span class="mode" title=""#
            });
            escape_into(&mut out, b.long);
            out.push_str(r#"">"#);
            if b.locked {
                out.push_str(r#"<span class="lock" aria-hidden="true"></span>"#);
            }
            escape_into(&mut out, b.short);
            out.push_str("</span>");
        }
        out.push_str("</button>");
    }
    out.push_str("</div>");
    out
}

/// Appends `text` to markup, escaped for both element content and quoted attribute values.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// A chip drawn by [`chips_markup`] or [`disks_markup`], by its position.
enum Chip {
    Pod(usize),
    Disk(usize),
}

/// The chip a click landed in, if it landed in one.
fn chip_target(e: &MouseEvent) -> Option<Chip> {
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let chip = target.closest("[data-chip], [data-disk]").ok()??;
    if let Some(i) = chip.get_attribute("data-chip") {
        return i.parse().ok().map(Chip::Pod);
    }
    chip.get_attribute("data-disk")?
        .parse()
        .ok()
        .map(Chip::Disk)
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

pub fn badge(b: &view_model::ModeBadge) -> Html {
    html! {
        <span class={classes!("mode", b.locked.then_some("rwop"))} title={b.long}>
            if b.locked { <span class="lock" aria-hidden="true"></span> }
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
            if p.rwop { <span class="lock" aria-hidden="true"></span> }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_model::PodState;
    use bindery_core::model::{Kind, ObjectKey};

    fn chip(name: &str, summary: &str, rwop: bool) -> PodChip {
        PodChip {
            selection: Selection::new(Kind::Pod, ObjectKey::new("default", name)),
            name: name.to_string(),
            state: PodState::Running,
            priority: 7,
            node: Some("n1".to_string()),
            nominated: None,
            summary: summary.to_string(),
            rwop,
            why_pending: None,
        }
    }

    #[test]
    fn chips_markup_is_the_chip_buttons_with_their_positions() {
        let pods = [
            chip("a", "Pod default/a", false),
            chip("b.1", "Pod default/b.1", true),
        ];
        let sel = pods[1].selection.clone();
        assert_eq!(
            chips_markup(&pods, Some(&sel)),
            concat!(
                r#"<div class="pods">"#,
                r#"<button class="pod running" title="Pod default/a" aria-label="Pod default/a" id="pod-default-a" data-chip="0">"#,
                r#"<span class="pod-name">a</span><span class="prio">p7</span></button>"#,
                r#"<button class="pod running selected" title="Pod default/b.1" aria-label="Pod default/b.1" id="pod-default-b-1" data-chip="1">"#,
                r#"<span class="lock" aria-hidden="true"></span><span class="pod-name">b.1</span><span class="prio">p7</span></button>"#,
                "</div>"
            )
        );
        assert_eq!(chips_markup(&[], None), r#"<div class="pods"></div>"#);
    }

    #[test]
    fn disks_markup_is_the_disk_buttons_with_their_positions() {
        let disk = Disk {
            selection: Selection::new(Kind::PersistentVolume, ObjectKey::new("", "pv-1")),
            name: "pv-1".to_string(),
            capacity: "5Gi".to_string(),
            class: "local".to_string(),
            phase: "Bound",
            claim: Some("default/<c>".to_string()),
            badges: crate::view_model::badges(&[bindery_core::model::AccessMode::ReadWriteOncePod]),
        };
        let html = disks_markup(std::slice::from_ref(&disk), Some(&disk.selection));
        assert!(html.starts_with(concat!(
            r#"<div class="disks" aria-label="Local volumes"><button class="disk bound selected" "#,
            r#"title="PersistentVolume pv-1 — 5Gi local, Bound, bound to default/&lt;c&gt;" "#,
        )), "{html}");
        assert!(html.contains(r#"id="persistentvolume-pv-1" data-disk="0"><span aria-hidden="true">⛁ </span>pv-1<span class="disk-size"> 5Gi</span><span class="mode rwop" title=""#), "{html}");
        assert!(html.ends_with(r#"RWOP</span></button></div>"#), "{html}");
    }

    #[test]
    fn chips_markup_escapes_every_text() {
        let pods = [chip(
            r#"<img src=x onerror="a">&'"#,
            r#"say "hi" <b>&'"#,
            false,
        )];
        let html = chips_markup(&pods, None);
        assert!(
            html.contains(r#"title="say &quot;hi&quot; &lt;b&gt;&amp;&#39;""#),
            "{html}"
        );
        assert!(
            html.contains(
                r#"<span class="pod-name">&lt;img src=x onerror=&quot;a&quot;&gt;&amp;&#39;</span>"#
            ),
            "{html}"
        );
        assert!(!html.contains("<img") && !html.contains("<b>"), "{html}");
    }
}
