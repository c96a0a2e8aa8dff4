//! The views. Each takes the store from context and lays out what `view_model` computed.

mod charts;
mod cluster;
mod dialogs;
mod embed;
mod events;
mod inspector;
mod measured_canvas;
mod storage;
mod tutorial;
mod workloads;

use bindery_core::scenario::builtin;
use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::platform;
use crate::script::Scenario;
use crate::share;
use crate::state::{Action, AppState, Dialog, Notice, NoticeKind};

pub use embed::EmbedApp;

/// What every view reads and dispatches to.
pub type Store = UseReducerHandle<AppState>;

/// The store's dispatcher, provided apart from the store. It never changes, so a component
/// that only dispatches (a link or chip that selects an object) re-renders when its own
/// props change, not on every change of the store as a reader of [`Store`] does.
pub type Dispatch = UseReducerDispatcher<AppState>;

#[hook]
pub fn use_dispatch() -> Dispatch {
    use_context::<Dispatch>().expect("the App provides the dispatcher")
}

#[hook]
pub fn use_store() -> Store {
    use_context::<Store>().expect("the App provides the store")
}

/// The store as the panes below the cluster (workloads, storage, events, charts) see it.
/// When none of them is on screen, an edit reaches them one frame late: the frame after
/// the click shows the new cluster, and they follow right after it is painted (their
/// thousands of rows cost as much as the cluster cards, for nothing the user can see).
/// When one is on screen, they follow at once, like every other view.
#[derive(Clone)]
pub struct Lagged {
    pub store: Store,
    /// The store's change the panes are to show (see [`use_store_version`]).
    pub tick: u64,
}

impl PartialEq for Lagged {
    fn eq(&self, other: &Self) -> bool {
        self.tick == other.tick
    }
}

/// The store for the panes below the cluster: they re-render when [`Lagged::tick`] moves,
/// and then read the current state.
#[hook]
pub fn use_pane_store() -> Store {
    use_context::<Lagged>()
        .expect("the App provides the panes' store")
        .store
}

/// A number that moves whenever the store's state does (a reducer step makes a new state).
#[hook]
pub fn use_store_version(store: &Store) -> u64 {
    let seen = use_mut_ref(|| (std::ptr::null::<AppState>(), 0u64));
    let state: *const AppState = &**store;
    let mut seen = seen.borrow_mut();
    if seen.0 != state {
        *seen = (state, seen.1 + 1);
    }
    seen.1
}

/// The cluster view of the shown frame, computed once per frame (not on selection,
/// dialogs or notices, and not once per reader): for 1,000 nodes it is the costliest view
/// model.
pub fn cluster_view_of(store: &Store) -> std::rc::Rc<crate::view_model::ClusterView> {
    store.frame().cluster_view()
}

/// How long after a change the autosave is written.
const AUTOSAVE_DELAY_MS: u32 = 250;

/// Larger scenarios are not autosaved: their YAML would not fit localStorage's quota.
const AUTOSAVE_MAX_OBJECTS: usize = 5_000;

/// Milliseconds between frames while playing.
pub(crate) const PLAY_INTERVAL_MS: u32 = 350;

/// The first state: a share link in the URL, else `?scenario=<id>`, else the autosave,
/// else the default built-in. A bad link is reported, never fatal.
/// The lesson this page shows (`?lesson=<id>`; `?learn` opens the first unfinished one).
pub fn lesson_param() -> Option<&'static crate::tutorial::Lesson> {
    if let Some(id) = platform::query_param("lesson") {
        return crate::tutorial::lesson(&id);
    }
    let search = platform::location_search();
    if !crate::embed::query_pairs(&search)
        .iter()
        .any(|(k, _)| k == "learn")
    {
        return None;
    }
    let done = tutorial::done_lessons();
    crate::tutorial::LESSONS
        .iter()
        .find(|l| !done.iter().any(|d| d == l.id))
        .or(crate::tutorial::LESSONS.first())
}

pub fn initial_state() -> AppState {
    if let Some(lesson) = lesson_param() {
        return AppState::new(lesson.start_scenario());
    }
    let default = || Scenario::builtin(builtin::DEFAULT_ID).expect("the default built-in exists");
    let restore = platform::take_restore_flag();
    let mut notice = None;
    let mut candidates: Vec<(Scenario, Option<Notice>)> = Vec::new();
    let hash = platform::location_hash();
    if !restore && share::is_share_fragment(&hash) {
        match share::decode(&hash).and_then(|yaml| {
            Scenario::from_yaml(&yaml)
                .map_err(|e| format!("The shared scenario is not valid:\n{e}"))
        }) {
            Ok((s, _)) => candidates.push((
                s,
                Some(Notice::info("Opened a shared scenario", Vec::new())),
            )),
            Err(e) => {
                notice = Some(Notice::error(
                    "This share link could not be opened — showing your last scenario instead",
                    e.lines().map(str::to_string).collect(),
                ));
            }
        }
    }
    if !restore {
        if let Some(id) = platform::query_param("scenario") {
            if let Some(s) = Scenario::builtin(&id) {
                candidates.push((s, None));
            }
        }
    }
    if let Some(yaml) = platform::saved_scenario() {
        if let Ok((s, _)) = Scenario::from_yaml(&yaml) {
            let n = restore.then(|| Notice::info("Restored the last good state", Vec::new()));
            candidates.push((s, n));
        }
    }
    candidates.push((default(), None));
    for (scenario, n) in candidates {
        if let Ok((scenario, _)) = crate::script::accept(scenario, 1) {
            let mut state = AppState::new(scenario);
            state.notice = notice.or(n);
            return state;
        }
    }
    AppState::new(default())
}

#[function_component(App)]
pub fn app() -> Html {
    let store = use_reducer(initial_state);
    // A lesson works on its own copy: the playground's autosave is left alone.
    let lesson = use_memo((), |_| lesson_param().map(|l| l.id));

    // Autosave every accepted scenario, once per change and a moment after it (so the
    // serialization never delays the paint of the edit); the URL keeps a share link only
    // while it matches. Scenarios past localStorage's few megabytes (the generated
    // 10,000-pod one) are not saved.
    {
        let scenario = store.scenario.clone();
        let in_lesson = lesson.is_some();
        use_effect_with(store.revision, move |rev| {
            if in_lesson {
                return Box::new(|| ()) as Box<dyn FnOnce()>;
            }
            if *rev > 0 {
                platform::clear_hash();
            }
            let save = Timeout::new(AUTOSAVE_DELAY_MS, move || {
                if scenario.docs.len() <= AUTOSAVE_MAX_OBJECTS {
                    platform::save_scenario(&scenario.to_yaml());
                }
            });
            // A newer change cancels a pending save (dropping a Timeout clears it).
            Box::new(move || drop(save)) as Box<dyn FnOnce()>
        });
    }

    // On a narrow screen the inspector sits below the cluster: a selection brings it into
    // view (the first render's restored selection does not move the page).
    {
        let first = use_mut_ref(|| true);
        use_effect_with(store.selection.clone(), move |sel| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) && sel.is_some() {
                platform::after_paint(platform::reveal_inspector_when_stacked);
            }
        });
    }

    // A big scenario's edit showed its outcome first; its timeline follows when idle.
    {
        let dispatcher = store.dispatcher();
        use_effect_with(
            (store.revision, store.timeline_pending),
            move |(revision, pending)| {
                if *pending {
                    let revision = *revision;
                    platform::when_idle(move || {
                        dispatcher.dispatch(Action::CompleteTimeline(revision))
                    });
                }
            },
        );
    }

    // Play: advance one frame per tick.
    {
        let dispatcher = store.dispatcher();
        use_effect_with(store.playing, move |playing| {
            let interval = playing.then(|| {
                Interval::new(PLAY_INTERVAL_MS, move || dispatcher.dispatch(Action::Tick))
            });
            move || drop(interval)
        });
    }

    // Keyboard: Ctrl+Z / Ctrl+Shift+Z (and Ctrl+Y), Escape closes dialogs.
    {
        let dispatcher = store.dispatcher();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                // gloo's listeners are passive by default; these keys must preventDefault.
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&w, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| {
                            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        });
                    let key = e.key().to_lowercase();
                    if (e.ctrl_key() || e.meta_key()) && !typing {
                        if key == "z" && e.shift_key() || key == "y" {
                            e.prevent_default();
                            dispatcher.dispatch(Action::Redo);
                        } else if key == "z" {
                            e.prevent_default();
                            dispatcher.dispatch(Action::Undo);
                        }
                    } else if key == "escape" {
                        dispatcher.dispatch(Action::Close);
                    }
                })
            });
            move || drop(listener)
        });
    }

    // The panes below the cluster follow a change at once while one of them is on screen
    // (or near it), else right after the frame that shows the change is painted.
    let version = use_store_version(&store);
    let shown = use_state_eq(|| version);
    let lower_visible = use_mut_ref(|| true);
    let lower_refs = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    {
        let refs = lower_refs.clone();
        let visible = lower_visible.clone();
        use_effect_with((), move |_| {
            let elements = refs
                .iter()
                .filter_map(|r| r.cast::<web_sys::Element>())
                .collect();
            let watch =
                platform::watch_visibility(elements, move |any| *visible.borrow_mut() = any);
            move || drop(watch)
        });
    }
    {
        let shown = shown.clone();
        use_effect_with(version, move |v| {
            let v = *v;
            platform::after_paint(move || shown.set(v));
        });
    }
    let lagged = Lagged {
        store: store.clone(),
        tick: if *lower_visible.borrow() {
            version
        } else {
            *shown
        },
    };
    let [workloads_ref, storage_ref, events_ref, charts_ref] = lower_refs;
    html! {
        <ContextProvider<Store> context={store.clone()}>
        <ContextProvider<Dispatch> context={store.dispatcher()}>
        <ContextProvider<Lagged> context={lagged}>
            <a class="skip" href="#workspace">{ "Skip to the cluster" }</a>
            <Header />
            <NoticeBar />
            if let Some(id) = *lesson {
                <tutorial::LessonPanel id={id} />
            }
            <Timeline />
            <main id="workspace" class="workspace">
                // The inspector sticks beside the panes it explains and stops where they
                // end: a sticky grid item stays inside its grid container, not its area.
                <div class="beside-inspector">
                    <section class="cluster-pane" aria-label="Cluster">
                        <cluster::ClusterView />
                    </section>
                    <aside class="inspector-pane" aria-label="Inspector">
                        <inspector::Inspector />
                    </aside>
                    <section class="workloads-pane" aria-label="Workloads" ref={workloads_ref}>
                        <workloads::WorkloadsPanel />
                    </section>
                    <section class="storage-pane" aria-label="Storage" ref={storage_ref}>
                        <storage::StoragePanel />
                    </section>
                </div>
                <section class="events-pane" aria-label="Events" ref={events_ref}>
                    <events::EventsTable />
                </section>
                <section class="charts-pane" aria-label="Charts" ref={charts_ref}>
                    <charts::Charts />
                </section>
            </main>
            <dialogs::Dialogs />
            <footer class="footer">
                { format!("Bindery · behaves like Kubernetes {} (default scheduler profile) · everything runs in this tab", bindery_core::version::V1_36.name) }
            </footer>
        </ContextProvider<Lagged>>
        </ContextProvider<Dispatch>>
        </ContextProvider<Store>>
    }
}

#[function_component(Header)]
fn header() -> Html {
    let store = use_store();
    // The description shows two lines; "more" shows the rest. Whether two lines hold it
    // depends on the width, so the clamped paragraph is measured (again on every resize).
    let described_in_full = use_state(|| false);
    let description_ref = use_node_ref();
    let description_overflows = use_state(|| false);
    {
        let (element, observed) = (description_ref.clone(), description_ref.clone());
        let overflows = description_overflows.clone();
        use_effect_with(store.scenario.description.clone(), move |_| {
            let measure = move || {
                if let Some(p) = element.cast::<web_sys::Element>() {
                    // A paragraph shown in full has no overflow: keep the answer its
                    // clamped form gave, so "less" stays.
                    if !p.class_name().split_whitespace().any(|c| c == "in-full") {
                        overflows.set(p.scroll_height() > p.client_height() + 1);
                    }
                }
            };
            measure();
            let callback = Closure::<dyn FnMut()>::new(measure);
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(p)) = (&observer, observed.cast::<web_sys::Element>()) {
                o.observe(&p);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }
    let toggle_description = {
        let full = described_in_full.clone();
        Callback::from(move |_: MouseEvent| full.set(!*full))
    };
    let d = |a: Action| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(a.clone()))
    };
    let share = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = share::encode(&store.scenario.to_yaml());
            match platform::set_hash(&fragment) {
                Some(url) => {
                    platform::copy_to_clipboard(&url);
                    // The link itself is in the address bar: printed here it ran to a dozen
                    // lines and pushed the whole page down.
                    store.dispatch(Action::Notify(Notice::info(
                        format!(
                            "Share link ready ({} characters): copied to the clipboard, and in the address bar",
                            url.len()
                        ),
                        Vec::new(),
                    )));
                }
                None => store.dispatch(Action::Notify(Notice::error(
                    "Could not build a share link",
                    Vec::new(),
                ))),
            }
        })
    };
    let counts = cluster_view_of(&store).counts.clone();
    html! {
        <header class="header">
            <div class="brand">
                <span class="logo" aria-hidden="true">{ "⛁" }</span>
                <span class="name">{ "Bindery" }</span>
            </div>
            <div class="scenario-title">
                <h1 id="scenario-title">{ &store.scenario.title }</h1>
                <p class={classes!("description", described_in_full.then_some("in-full"))} id="scenario-description" ref={description_ref}>{ &store.scenario.description }</p>
                if *description_overflows || *described_in_full {
                    <button class="link more" aria-controls="scenario-description" aria-expanded={described_in_full.to_string()}
                        onclick={toggle_description}>{ if *described_in_full { "less" } else { "more" } }</button>
                }
            </div>
            <div class="summary" aria-live="polite" id="summary">
                { format!("{} · {} running · {} pending · {} preempted · {}/{} claims bound",
                    crate::view_model::counted(counts.nodes, "node"), counts.running, counts.pending, counts.preempted, counts.bound_claims, counts.claims) }
            </div>
            <nav class="actions" aria-label="Scenario">
                <button id="open-gallery" onclick={d(Action::Open(Dialog::Gallery))}>{ "Scenarios" }</button>
                <AddMenu />
                <button id="open-yaml" onclick={d(Action::Open(Dialog::Yaml))}>{ "YAML" }</button>
                <button id="share" onclick={share}>{ "Share" }</button>
                <button id="open-embed" onclick={d(Action::Open(Dialog::Embed))}>{ "Embed" }</button>
                <a class="button" id="open-tutorial" href="?learn">{ "Learn" }</a>
                <button id="undo" aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z)" disabled={store.past.is_empty()} onclick={d(Action::Undo)}>{ "↶ Undo" }</button>
                <button id="redo" aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl+Shift+Z)" disabled={store.future.is_empty()} onclick={d(Action::Redo)}>{ "↷ Redo" }</button>
            </nav>
        </header>
    }
}

#[function_component(AddMenu)]
fn add_menu() -> Html {
    let store = use_store();
    let onchange = {
        let store = store.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let v = select.value();
            select.set_value("");
            if v == "yaml" {
                store.dispatch(Action::Open(Dialog::EditYaml(None)));
            } else if let Some(kind) = bindery_core::model::Kind::parse(&v) {
                store.dispatch(Action::Open(Dialog::Add(kind)));
            }
        })
    };
    html! {
        <select id="add-object" aria-label="Add an object" {onchange}>
            <option value="" selected=true>{ "+ Add…" }</option>
            <option value="Node">{ "Node" }</option>
            <option value="StorageClass">{ "StorageClass" }</option>
            <option value="PersistentVolume">{ "PersistentVolume" }</option>
            <option value="PersistentVolumeClaim">{ "PersistentVolumeClaim" }</option>
            <option value="Pod">{ "Pod" }</option>
            <option value="StatefulSet">{ "StatefulSet" }</option>
            <option value="Deployment">{ "Deployment" }</option>
            <option value="PriorityClass">{ "PriorityClass" }</option>
            <option value="yaml">{ "Any kind, as YAML…" }</option>
        </select>
    }
}

#[function_component(NoticeBar)]
fn notice_bar() -> Html {
    let store = use_store();
    let Some(n) = &store.notice else {
        return html! {};
    };
    let class = match n.kind {
        NoticeKind::Error => "notice error",
        NoticeKind::Info => "notice info",
    };
    let role = if n.kind == NoticeKind::Error {
        "alert"
    } else {
        "status"
    };
    let dismiss = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Dismiss))
    };
    html! {
        <div {class} role={role} id="notice">
            <strong>{ &n.title }</strong>
            if !n.lines.is_empty() {
                <ul>{ for n.lines.iter().map(|l| html! { <li><code>{ l }</code></li> }) }</ul>
            }
            <button class="dismiss" aria-label="Dismiss message" onclick={dismiss}>{ "×" }</button>
        </div>
    }
}

#[function_component(Timeline)]
fn timeline() -> Html {
    let store = use_store();
    let frames = store.run.frames.len();
    let d = |a: Action| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(a.clone()))
    };
    let oninput = {
        let store = store.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if let Ok(v) = input.value().parse::<usize>() {
                    store.dispatch(Action::Seek(v));
                }
            }
        })
    };
    let frame = store.frame();
    let play = if store.playing {
        html! { <button id="pause" aria-label="Pause" onclick={d(Action::Pause)}>{ "⏸ Pause" }</button> }
    } else {
        html! { <button id="play" aria-label="Play the timeline" onclick={d(Action::Play)}>{ "▶ Play" }</button> }
    };
    let stride = if store.run.stride > 1 {
        format!(" (every {} steps)", store.run.stride)
    } else {
        String::new()
    };
    let advance = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Then(
                bindery_core::scenario::builtin::Then::AdvanceSeconds(60),
            ))
        })
    };
    html! {
        <section class="timeline" aria-label="Timeline">
            <button id="to-start" aria-label="Back one step" onclick={d(Action::Back)}>{ "◀" }</button>
            { play }
            <button id="step-cycle" title="Forward to the end of the next scheduling cycle" onclick={d(Action::StepCycle)}>{ "Step cycle" }</button>
            <button id="run-idle" title="Show the state the cluster settles in" onclick={d(Action::ToEnd)}>{ "Run until idle" }</button>
            <button id="advance" title="Let a minute of cluster time pass (a then: action)" onclick={advance}>{ "+60s" }</button>
            <button id="kubectl-apply" title="Apply YAML to the live cluster once it has settled (then: apply), and watch what follows" onclick={d(Action::Open(Dialog::KubectlApply(None)))}>{ "kubectl apply…" }</button>
            <label class="scrubber">
                <span class="visually-hidden">{ "Timeline position" }</span>
                <input id="scrubber" type="range" min="0" max={(frames - 1).to_string()}
                    value={store.cursor.to_string()} {oninput} aria-valuetext={frame.label.clone()} />
            </label>
            <span class="frame-label" id="frame-label">
                { format!("{}/{}{stride} · t={} · {}", store.cursor + 1, frames, frame.sim.now(), frame.label) }
            </span>
            if store.timeline_pending {
                <span class="hint" id="timeline-pending" title="The outcome is shown; the steps in between are recorded when the page is idle">{ "timeline filling in…" }</span>
            }
            <span class="perf" id="sim-ms" title="Time the engine took to re-run the scenario in this tab">
                { format!("re-simulated in {:.1} ms", store.last_run_ms) }
            </span>
        </section>
    }
}

/// A button that selects an object (shared by the views).
#[derive(Properties, PartialEq)]
pub struct SelectLinkProps {
    pub selection: crate::view_model::Selection,
    #[prop_or_default]
    pub label: Option<AttrValue>,
    #[prop_or_default]
    pub class: Classes,
}

#[function_component(SelectLink)]
pub fn select_link(props: &SelectLinkProps) -> Html {
    let dispatch = use_dispatch();
    let sel = props.selection.clone();
    let onclick = dispatch_select_on_click(&dispatch, &sel);
    let text = props
        .label
        .clone()
        .unwrap_or_else(|| AttrValue::from(sel.key.to_string()));
    html! {
        <button class={classes!("link", props.class.clone())} {onclick} title={sel.label()}>{ text }</button>
    }
}

/// Clicking selects `sel` (shows it in the inspector).
pub fn select_on_click(store: &Store, sel: &crate::view_model::Selection) -> Callback<MouseEvent> {
    dispatch_select_on_click(&store.dispatcher(), sel)
}

/// [`select_on_click`] for a component that has only the dispatcher.
pub fn dispatch_select_on_click(
    dispatch: &Dispatch,
    sel: &crate::view_model::Selection,
) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    let sel = sel.clone();
    Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Select(Some(sel.clone()))))
}

pub fn is_selected(store: &Store, sel: &crate::view_model::Selection) -> bool {
    store.selection.as_ref() == Some(sel)
}

/// Long tables render this many rows, then a "show more" button: a 10,000-pod cluster
/// stays a page, not a 100,000-element DOM.
pub const ROWS_PER_PAGE: usize = 200;

#[derive(Properties, PartialEq)]
pub struct ShowMoreProps {
    pub id: AttrValue,
    pub shown: UseStateHandle<usize>,
    pub total: usize,
}

#[function_component(ShowMore)]
pub fn show_more(props: &ShowMoreProps) -> Html {
    let hidden = props.total.saturating_sub(*props.shown);
    if hidden == 0 {
        return html! {};
    }
    let onclick = {
        let shown = props.shown.clone();
        Callback::from(move |_: MouseEvent| shown.set(*shown + ROWS_PER_PAGE))
    };
    html! {
        <p class="show-more">
            <button id={props.id.clone()} {onclick}>{ format!("Show {} more", hidden.min(ROWS_PER_PAGE)) }</button>
            <span class="hint">{ format!(" {} of {} shown", *props.shown, props.total) }</span>
        </p>
    }
}
