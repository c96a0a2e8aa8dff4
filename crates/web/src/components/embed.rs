//! `?embed=1`: one view of one scenario for a documentation page, with minimal chrome
//! (title, play / run-to-end, "Open in playground") and no autosave. The document reports
//! its height to the embedding page whenever it changes (see `embed.js`).

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scenario::builtin;
use gloo::timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::{cluster, events, inspector, Store};
use crate::embed::{self, EmbedView, ScenarioRef};
use crate::platform;
use crate::script::Scenario;
use crate::share;
use crate::state::{Action, AppState, Notice};
use crate::view_model::Selection;

/// The embed's scenario: the fragment (`#s=v1.…`), else `?scenario=<id>`, else the default
/// built-in. The playground's autosave is neither read nor written.
fn initial_state() -> AppState {
    let hash = platform::location_hash();
    let mut notice = None;
    let mut scenario = None;
    if share::is_share_fragment(&hash) {
        match share::decode(&hash).and_then(|yaml| {
            Scenario::from_yaml(&yaml)
                .map_err(|e| format!("The embedded scenario is not valid:\n{e}"))
        }) {
            Ok((s, _)) => scenario = Some(s),
            Err(e) => {
                notice = Some(Notice::error(
                    "This embed's scenario could not be read",
                    e.lines().map(str::to_string).collect(),
                ))
            }
        }
    }
    if scenario.is_none() {
        scenario = platform::query_param("scenario").and_then(|id| Scenario::builtin(&id));
    }
    let scenario = scenario
        .and_then(|s| {
            crate::script::accept(s, crate::script::MAX_FRAMES)
                .ok()
                .map(|(s, _)| s)
        })
        .unwrap_or_else(|| {
            Scenario::builtin(builtin::DEFAULT_ID).expect("the default built-in exists")
        });
    let mut state = AppState::new(scenario);
    state.notice = notice;
    state
}

/// The pod the verdict view explains: the one named, else the first pending, else the first.
fn verdict_pod(state: &AppState, named: Option<&str>) -> Option<Selection> {
    let c = state.run.last().cluster();
    if let Some(key) = named.map(|n| ObjectKey::parse(n, true)) {
        if c.pod(&key).is_some() {
            return Some(Selection::new(Kind::Pod, key));
        }
    }
    c.pods()
        .values()
        .find(|p| !p.is_assigned())
        .or_else(|| c.pods().values().next())
        .map(|p| Selection::new(Kind::Pod, p.meta.key()))
}

#[function_component(EmbedApp)]
pub fn embed_app() -> Html {
    let options = use_memo((), |_| embed::parse_options(&platform::location_search()));
    let store = use_reducer(initial_state);

    // Once: select the pod to explain, rewind for autoplay.
    {
        let store = store.clone();
        let options = options.clone();
        use_effect_with((), move |_| {
            if options.view == EmbedView::Verdict {
                if let Some(sel) = verdict_pod(&store, options.pod.as_deref()) {
                    store.dispatch(Action::Select(Some(sel)));
                }
            }
            if options.autoplay {
                store.dispatch(Action::Seek(0));
                store.dispatch(Action::Play);
            }
        });
    }
    // Play: one frame per tick, as in the playground.
    {
        let dispatcher = store.dispatcher();
        use_effect_with(store.playing, move |playing| {
            let interval = playing.then(|| {
                Interval::new(super::PLAY_INTERVAL_MS, move || {
                    dispatcher.dispatch(Action::Tick)
                })
            });
            move || drop(interval)
        });
    }
    // Report the height after every render and whenever the layout changes size.
    {
        let id = options.id.clone();
        use_effect(move || platform::post_height(id.as_deref()));
    }
    {
        let id = options.id.clone();
        use_effect_with((), move |_| {
            let callback =
                Closure::<dyn FnMut()>::new(move || platform::post_height(id.as_deref()));
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(body)) = (&observer, gloo::utils::document().body()) {
                o.observe(&body);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }

    let scenario_ref = use_memo(store.revision, {
        let scenario = store.scenario.clone();
        move |_| ScenarioRef::of(&scenario)
    });
    let open_url = embed::playground_url(&platform::page_base(), &scenario_ref);
    let d = |a: Action| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(a.clone()))
    };
    let frame = store.frame();
    // The embed's one view is always on screen: its panes follow every change at once.
    let lagged = super::Lagged {
        store: store.clone(),
        tick: super::use_store_version(&store),
    };
    html! {
        <ContextProvider<Store> context={store.clone()}>
        <ContextProvider<super::Dispatch> context={store.dispatcher()}>
        <ContextProvider<super::Lagged> context={lagged}>
            <div class={classes!("embed", format!("embed-{}", options.view.as_str()))} id="embed">
                <header class="embed-head">
                    <strong class="embed-title">{ &store.scenario.title }</strong>
                    <span class="embed-controls" aria-label="Timeline">
                        if store.playing {
                            <button id="embed-pause" onclick={d(Action::Pause)}>{ "❚❚ Pause" }</button>
                        } else {
                            <button id="embed-play" onclick={d(Action::Play)}>{ "▶ Play" }</button>
                        }
                        <button id="embed-end" onclick={d(Action::ToEnd)}>{ "Run until idle" }</button>
                        <span class="embed-time" id="embed-time">{ format!("{}/{} · {}", store.cursor.min(store.run.frames.len() - 1) + 1, store.run.frames.len(), frame.label) }</span>
                    </span>
                    <a class="embed-open" id="embed-open" href={open_url} target="_blank" rel="noopener">{ "Open in playground ↗" }</a>
                </header>
                if let Some(n) = &store.notice {
                    <p class="notice error" role="alert">{ &n.title }</p>
                }
                <div class="embed-body">
                    { match options.view {
                        EmbedView::Cluster => html! { <cluster::ClusterView /> },
                        EmbedView::Events => html! { <events::EventsTable /> },
                        EmbedView::Verdict => html! { <inspector::Inspector /> },
                        EmbedView::Yaml => html! { <EmbedYaml /> },
                    } }
                </div>
            </div>
        </ContextProvider<super::Lagged>>
        </ContextProvider<super::Dispatch>>
        </ContextProvider<Store>>
    }
}

#[function_component(EmbedYaml)]
fn embed_yaml() -> Html {
    let store = super::use_store();
    let yaml = use_memo((store.revision, store.cursor), {
        let sim = store.frame().sim.clone();
        move |_| bindery_core::scenario::export::state_yaml(&sim)
    });
    html! { <pre class="embed-yaml" id="embed-yaml" tabindex="0">{ yaml.as_str() }</pre> }
}
