//! `kubectl get events`, filterable by object; clicking a row selects its object.

use yew::prelude::*;

use super::{is_selected, use_pane_store, ShowMore, ROWS_PER_PAGE};
use crate::state::Action;
use crate::view_model;

#[function_component(EventsTable)]
pub fn events_table() -> Html {
    let store = use_pane_store();
    // Aggregating tens of thousands of events is too slow to redo on every selection.
    let rows = {
        let run = store.run.clone();
        let cursor = store.cursor.min(run.frames.len() - 1);
        let filter = store.event_filter.clone();
        use_memo(
            (store.revision, cursor, filter),
            move |(_, cursor, filter)| {
                view_model::event_rows(&run.frames[*cursor].sim, filter.as_ref())
            },
        )
    };
    let shown = use_state(|| ROWS_PER_PAGE);
    let clear = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::FilterEvents(None)))
    };
    let only_selected = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::FilterEvents(store.selection.clone()))
        })
    };
    html! {
        <div class="events">
            <h2>{ "Events" }</h2>
            <div class="events-filter">
                if let Some(f) = &store.event_filter {
                    <span>{ format!("Only {} ", f.label()) }</span>
                    <button id="clear-event-filter" onclick={clear}>{ "Show all" }</button>
                } else {
                    <span>{ crate::view_model::counted(rows.len(), "event") }</span>
                    <button id="filter-selected" disabled={store.selection.is_none()} onclick={only_selected}
                        title={ if store.selection.is_none() { "Select a pod, node, claim or volume first" } else { "Show only its events" } }>
                        { "Only the selected object" }
                    </button>
                }
            </div>
            <div class="scroll">
                <table class="grid events-table" id="events-table">
                    <thead><tr><th>{ "LAST SEEN" }</th><th>{ "TYPE" }</th><th>{ "REASON" }</th><th>{ "OBJECT" }</th><th>{ "MESSAGE" }</th><th>{ "COUNT" }</th></tr></thead>
                    <tbody>
                        { for rows.iter().rev().take(*shown).map(|r| html! {
                            <EventRowView key={r.first_seq} row={r.clone()} selected={is_selected(&store, &r.object)} />
                        }) }
                    </tbody>
                </table>
            </div>
            <ShowMore id="events-more" shown={shown.clone()} total={rows.len()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct EventRowProps {
    row: view_model::EventRow,
    selected: bool,
}

/// One event, as a component: a selection re-renders the rows it enters or leaves, not
/// the whole table (its link dispatches through [`super::use_dispatch`]).
#[function_component(EventRowView)]
fn event_row(props: &EventRowProps) -> Html {
    let dispatch = super::use_dispatch();
    let r = &props.row;
    let onclick = super::dispatch_select_on_click(&dispatch, &r.object);
    html! {
        <tr class={classes!(r.warning.then_some("warning"), props.selected.then_some("selected"))}>
            <td>{ &r.age }</td>
            <td>{ r.type_ }</td>
            <td class="reason">{ r.reason }</td>
            <td><button class="link" {onclick}>{ r.object.label() }</button></td>
            <td class="message">{ &*r.message }</td>
            <td>{ r.count }</td>
        </tr>
    }
}
