//! Dialogs: the scenario gallery, YAML export/import, forms that add objects, and the YAML
//! editor for one object.

use std::cell::RefCell;
use std::rc::Rc;

use bindery_core::model::Kind;
use bindery_core::scenario::builtin;
use gloo::file::callbacks::FileReader;
use web_sys::{FormData, HtmlFormElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::{use_store, Store};
use crate::forms::{self, FormValues};
use crate::platform;
use crate::script::Scenario;
use crate::state::{Action, Dialog, Notice};

#[function_component(Dialogs)]
pub fn dialogs() -> Html {
    let store = use_store();
    let Some(dialog) = store.dialog.clone() else {
        return html! {};
    };
    let close = {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| store.dispatch(Action::Close))
    };
    let (title, body) = match &dialog {
        Dialog::Gallery => ("Scenarios".to_string(), html! { <Gallery /> }),
        Dialog::Yaml => (
            "YAML: export and import".to_string(),
            html! { <YamlDialog /> },
        ),
        Dialog::Add(kind) => (format!("Add a {kind}"), html! { <AddForm kind={*kind} /> }),
        Dialog::EditYaml(Some((kind, key))) => {
            (format!("Edit {kind} {key}"), html! { <EditYaml /> })
        }
        Dialog::EditYaml(None) => ("Add any object as YAML".to_string(), html! { <EditYaml /> }),
        Dialog::KubectlApply(Some((kind, key))) => (
            format!("kubectl apply: {kind} {key}, after the cluster settles"),
            html! { <KubectlApply /> },
        ),
        Dialog::KubectlApply(None) => (
            "kubectl apply, after the cluster settles".to_string(),
            html! { <KubectlApply /> },
        ),
        Dialog::Embed => (
            "Embed this scenario in a page".to_string(),
            html! { <EmbedDialog /> },
        ),
    };
    html! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" id="dialog">
                <header>
                    <h2 id="dialog-title">{ title }</h2>
                    <button class="dismiss" aria-label="Close" id="close-dialog" onclick={close}>{ "×" }</button>
                </header>
                { body }
                if !store.dialog_errors.is_empty() {
                    <div class="notice error" role="alert" id="dialog-errors">
                        <strong>{ "Rejected — nothing was changed:" }</strong>
                        <ul>{ for store.dialog_errors.iter().map(|e| html! { <li><code>{ e }</code></li> }) }</ul>
                    </div>
                }
            </div>
        </div>
    }
}

#[function_component(Gallery)]
fn gallery() -> Html {
    let store = use_store();
    let load = |scenario: Scenario| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            store.dispatch(Action::Load {
                scenario: scenario.clone(),
                notice: None,
            })
        })
    };
    let generated = |shape: &'static str,
                     nodes: usize,
                     pods: usize,
                     title: &'static str,
                     description: &'static str| {
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            match bindery_core::generate::generate(shape, nodes, pods, 1) {
                Ok(docs) => store.dispatch(Action::Load {
                    scenario: Scenario::of_manifests(title, description, docs),
                    notice: None,
                }),
                Err(e) => {
                    store.dispatch(Action::Notify(Notice::error("Could not generate", vec![e])))
                }
            }
        })
    };
    let medium = generated(
        "storage-mix",
        50,
        400,
        "Generated: 50 nodes, 400 pods, mixed storage",
        "Three zones; local, zonal CSI and RWOP claims; some pods stay Pending. The size of a real team cluster.",
    );
    let large = generated(
        "csi-pvs",
        1000,
        10_000,
        "Generated: 1,000 nodes, 10,000 pods with CSI volumes",
        "scheduler_perf's SchedulingCSIPVs shape, for trying the playground at scale.",
    );
    html! {
        <div class="gallery">
            <ul>
                { for builtin::all().into_iter().map(|b| {
                    let onclick = Scenario::builtin(b.id).map(&load);
                    html! {
                        <li>
                            <button class="gallery-item" data-builtin="true" id={format!("scenario-{}", b.id)} onclick={onclick}>
                                <strong>{ &b.text.title }</strong>
                                <span>{ &b.text.description }</span>
                            </button>
                        </li>
                    }
                }) }
                <li>
                    <button class="gallery-item" id="scenario-empty" onclick={load(Scenario::empty())}>
                        <strong>{ "Empty cluster" }</strong>
                        <span>{ "Start from nothing and build a cluster with the forms." }</span>
                    </button>
                </li>
                <li>
                    <button class="gallery-item" id="scenario-medium" onclick={medium}>
                        <strong>{ "Medium: 50 nodes, 400 pods" }</strong>
                        <span>{ "A generated three-zone cluster with local, zonal and RWOP storage." }</span>
                    </button>
                </li>
                <li>
                    <button class="gallery-item" id="scenario-large" onclick={large}>
                        <strong>{ "Large: 1,000 nodes, 10,000 pods" }</strong>
                        <span>{ "A generated cluster to see how the views scale (takes a few seconds to simulate)." }</span>
                    </button>
                </li>
            </ul>
        </div>
    }
}

#[function_component(YamlDialog)]
fn yaml_dialog() -> Html {
    let store = use_store();
    let tab = use_state(|| "scenario");
    let text = if *tab == "scenario" {
        store.scenario.to_yaml()
    } else {
        bindery_core::scenario::export::state_yaml(&store.frame().sim)
    };
    let import_ref = use_node_ref();
    let reader: Rc<RefCell<Option<FileReader>>> = use_mut_ref(|| None);
    let dragging = use_state(|| false);
    let set_tab = |t: &'static str| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    let copy = {
        let text = text.clone();
        let store = store.clone();
        Callback::from(move |_: MouseEvent| {
            platform::copy_to_clipboard(&text);
            store.dispatch(Action::Notify(Notice::info(
                "Copied to the clipboard",
                Vec::new(),
            )));
        })
    };
    let download = {
        let text = text.clone();
        let name = if *tab == "scenario" {
            "scenario.yaml"
        } else {
            "state.yaml"
        };
        Callback::from(move |_: MouseEvent| platform::download(name, &text))
    };
    let import = {
        let store = store.clone();
        let import_ref = import_ref.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = import_ref.cast::<HtmlTextAreaElement>() {
                store.dispatch(Action::ImportYaml(t.value()));
            }
        })
    };
    let read_file = {
        let store = store.clone();
        let reader = reader.clone();
        move |file: web_sys::File| {
            let store = store.clone();
            let file = gloo::file::File::from(file);
            let task = gloo::file::callbacks::read_as_text(&file, move |r| match r {
                Ok(text) => store.dispatch(Action::ImportYaml(text)),
                Err(e) => store.dispatch(Action::Notify(Notice::error(
                    "Could not read the file",
                    vec![e.to_string()],
                ))),
            });
            *reader.borrow_mut() = Some(task);
        }
    };
    let onfile = {
        let read_file = read_file.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(f);
            }
        })
    };
    let ondrop = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(f) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|l| l.get(0))
            {
                read_file(f);
            }
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    html! {
        <div class="yaml-dialog">
            <div class="tabs" role="tablist">
                <button role="tab" id="tab-scenario" aria-selected={(*tab == "scenario").to_string()} onclick={set_tab("scenario")}>{ "Scenario (inputs)" }</button>
                <button role="tab" id="tab-state" aria-selected={(*tab == "state").to_string()} onclick={set_tab("state")}>{ "Resulting state" }</button>
            </div>
            <textarea class="yaml" id="yaml-export" readonly=true aria-label="YAML" value={text} spellcheck="false" />
            <div class="row">
                <button id="copy-yaml" onclick={copy}>{ "Copy" }</button>
                <button id="download-yaml" onclick={download}>{ "Download" }</button>
            </div>
            <h3>{ "Import" }</h3>
            <p class="hint">{ "Paste manifests (multi-document YAML or a List), pick a file, or drop one here. Your scenario only changes if everything is valid." }</p>
            <div class={classes!("dropzone", dragging.then_some("dragging"))} {ondrop} {ondragover} {ondragleave} id="dropzone">
                <textarea ref={import_ref} id="yaml-import" class="yaml small" aria-label="YAML to import" spellcheck="false"
                    placeholder="apiVersion: v1\nkind: Node\n…" />
            </div>
            <div class="row">
                <button id="import-yaml" class="primary" onclick={import}>{ "Import" }</button>
                <label class="file">{ "or a file: " }<input type="file" id="import-file" accept=".yaml,.yml,.json,text/yaml" onchange={onfile} /></label>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct AddFormProps {
    kind: Kind,
}

/// The form for a new object of `kind`; submitting builds real manifest YAML and hands it
/// to the engine, which accepts it or says why not.
#[function_component(AddForm)]
fn add_form(props: &AddFormProps) -> Html {
    let store = use_store();
    let kind = props.kind;
    // What was submitted last: a rejected form is drawn with it, not with the defaults.
    let posted = use_state(|| None::<forms::FormValues>);
    let defaults = forms::defaults(kind, store.run.last());
    let spec = match &*posted {
        Some(values) => defaults.refilled(values),
        None => defaults,
    };
    let onsubmit = {
        let store = store.clone();
        let posted = posted.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(form) = e.target_dyn_into::<HtmlFormElement>() else {
                return;
            };
            let values = read_form(&form);
            posted.set(Some(values.clone()));
            match forms::manifest_yaml(kind, &values) {
                Ok(yaml) => store.dispatch(Action::PutObjectYaml {
                    yaml,
                    replacing: None,
                }),
                Err(msg) => store.dispatch(Action::DialogProblems(vec![msg])),
            }
        })
    };
    html! {
        <form class="object-form" id={format!("form-{}", kind.as_str().to_lowercase())} {onsubmit}>
            { for spec.fields.iter().map(|f| field(&store, f)) }
            <div class="row">
                <button type="submit" class="primary" id="submit-object">{ format!("Add {kind}") }</button>
            </div>
        </form>
    }
}

fn field(_store: &Store, f: &forms::Field) -> Html {
    let id = format!("f-{}", f.name);
    match &f.input {
        forms::Input::Text { value, placeholder } => html! {
            <label for={id.clone()}>{ &f.label }
                <input id={id.clone()} name={f.name} value={value.clone()} placeholder={placeholder.clone()} />
                if !f.help.is_empty() { <small>{ &f.help }</small> }
            </label>
        },
        forms::Input::Number { value } => html! {
            <label for={id.clone()}>{ &f.label }
                <input id={id.clone()} name={f.name} type="number" value={value.to_string()} />
            </label>
        },
        forms::Input::Select { options, selected } => html! {
            <label for={id.clone()}>{ &f.label }
                <select id={id.clone()} name={f.name}>
                    { for options.iter().map(|(v, label)| html! { <option value={v.clone()} selected={v == selected}>{ label }</option> }) }
                </select>
                if !f.help.is_empty() { <small>{ &f.help }</small> }
            </label>
        },
        forms::Input::Checks { options, checked } => html! {
            <fieldset id={id.clone()}>
                <legend>{ &f.label }</legend>
                { for options.iter().map(|(v, label)| {
                    let cid = format!("{id}-{v}");
                    html! { <label class="check" for={cid.clone()}><input type="checkbox" id={cid} name={f.name} value={v.clone()} checked={checked.contains(v)} />{ label }</label> }
                }) }
            </fieldset>
        },
        forms::Input::Check { checked } => html! {
            <label class="check" for={id.clone()}><input type="checkbox" id={id.clone()} name={f.name} value="true" checked={*checked} />{ &f.label }</label>
        },
    }
}

fn read_form(form: &HtmlFormElement) -> FormValues {
    let mut values = FormValues::default();
    let Ok(data) = FormData::new_with_form(form) else {
        return values;
    };
    let entries = js_sys::try_iter(&data).ok().flatten();
    for entry in entries.into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            values.push(k, v);
        }
    }
    values
}

#[function_component(EditYaml)]
fn edit_yaml() -> Html {
    let store = use_store();
    let target = match &store.dialog {
        Some(Dialog::EditYaml(t)) => t.clone(),
        _ => None,
    };
    let initial = match &target {
        Some((kind, key)) => store
            .scenario
            .index_of(*kind, key)
            .map(|i| store.scenario.docs[i].to_yaml())
            .unwrap_or_default(),
        None => forms::YAML_TEMPLATE.to_string(),
    };
    let area = use_node_ref();
    let save = {
        let store = store.clone();
        let area = area.clone();
        let target = target.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                store.dispatch(Action::PutObjectYaml {
                    yaml: t.value(),
                    replacing: target.clone(),
                });
            }
        })
    };
    html! {
        <div class="edit-yaml">
            <p class="hint">{ "Any kind Bindery supports: Node, StorageClass, PersistentVolume, PersistentVolumeClaim, Pod, PriorityClass, CSINode, CSIDriver, CSIStorageCapacity, PodDisruptionBudget." }</p>
            <textarea ref={area} class="yaml" id="object-yaml" aria-label="Object YAML" spellcheck="false" defaultvalue={initial} />
            <div class="row"><button class="primary" id="save-object" onclick={save}>{ "Save" }</button></div>
        </div>
    }
}

/// `kubectl apply` / `kubectl edit` at the end of the story: the text becomes `then: apply`
/// actions with the objects' next versions, so the change plays out on the timeline.
#[function_component(KubectlApply)]
fn kubectl_apply() -> Html {
    let store = use_store();
    let target = match &store.dialog {
        Some(Dialog::KubectlApply(t)) => t.clone(),
        _ => None,
    };
    let last = store.run.last();
    let initial = crate::script::apply_text(&store.scenario, last, target.as_ref());
    let gone = crate::script::gone_objects(&store.scenario, last);
    let area = use_node_ref();
    let save = {
        let store = store.clone();
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                store.dispatch(Action::KubectlApply(t.value()));
            }
        })
    };
    let load = |id: &(Kind, bindery_core::model::ObjectKey)| {
        let text = crate::script::apply_text(&store.scenario, last, Some(id));
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(t) = area.cast::<HtmlTextAreaElement>() {
                t.set_value(&text);
            }
        })
    };
    html! {
        <div class="edit-yaml kubectl-apply">
            <p class="hint">{ "Applied once the story so far has settled, as " }<code>{ "kubectl apply -f" }</code>{ " (or " }<code>{ "kubectl edit" }</code>{ ") on the live cluster: an object that exists is updated, one that does not is created. Each object becomes a " }<code>{ "then: apply" }</code>{ " step on the timeline; undo takes it back." }</p>
            if !gone.is_empty() {
                <p class="inline" id="gone-objects">{ "Gone by now — start from its last version: " }
                    { for gone.iter().map(|id| html! {
                        <button class="link" onclick={load(id)} data-object={format!("{} {}", id.0, id.1)}>{ format!("{} {}", id.0, id.1) }</button>
                    }) }
                </p>
            }
            <textarea ref={area} class="yaml" id="apply-yaml" aria-label="YAML to apply" spellcheck="false" defaultvalue={initial} />
            <div class="row"><button class="primary" id="kubectl-apply-submit" onclick={save}>{ "kubectl apply" }</button></div>
        </div>
    }
}

/// The "Embed" dialog: pick a view and autoplay, copy an `<iframe>` or the one-tag
/// `<bindery-scenario>` form (with `embed.js`).
#[function_component(EmbedDialog)]
fn embed_dialog() -> Html {
    use crate::embed::{self, EmbedOptions, EmbedView, ScenarioRef};
    let store = use_store();
    let view = use_state(|| EmbedView::Cluster);
    let autoplay = use_state(|| false);
    let scenario_ref = use_memo(store.revision, {
        let scenario = store.scenario.clone();
        move |_| ScenarioRef::of(&scenario)
    });
    let base = platform::page_base();
    let options = EmbedOptions {
        view: *view,
        autoplay: *autoplay,
        pod: store
            .selection
            .as_ref()
            .filter(|s| s.kind == Kind::Pod && *view == EmbedView::Verdict)
            .map(|s| s.key.to_string()),
        id: None,
    };
    let url = embed::embed_url(&base, &scenario_ref, &options);
    let loader = format!(
        "{}embed.js",
        base.rsplit_once('/')
            .map(|(b, _)| format!("{b}/"))
            .unwrap_or_default()
    );
    let iframe = embed::iframe_snippet(&url, &store.scenario.title, 520);
    let element = embed::element_snippet(&loader, &url);
    let on_view = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                view.set(EmbedView::parse(&sel.value()).unwrap_or_default());
            }
        })
    };
    let on_autoplay = {
        let autoplay = autoplay.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                autoplay.set(input.checked());
            }
        })
    };
    let copy =
        |text: String| Callback::from(move |_: MouseEvent| platform::copy_to_clipboard(&text));
    html! {
        <div class="embed-dialog" id="embed-dialog">
            <p>{ "Drop this scenario into any page. The embed runs entirely in the reader's browser; it shows one view with play controls and an “Open in playground” link." }</p>
            <div class="inline">
                <label>{ "View " }
                    <select id="embed-view" onchange={on_view}>
                        { for EmbedView::ALL.iter().map(|v| html! { <option value={v.as_str()} selected={*v == *view}>{ v.label() }</option> }) }
                    </select>
                </label>
                <label><input type="checkbox" id="embed-autoplay" checked={*autoplay} onchange={on_autoplay} />{ " Autoplay" }</label>
            </div>
            <h3>{ "One tag (sizes itself to its content)" }</h3>
            <textarea id="embed-element" readonly=true rows="3" value={element.clone()} />
            <button onclick={copy(element)}>{ "Copy" }</button>
            <h3>{ "Plain iframe" }</h3>
            <textarea id="embed-iframe" readonly=true rows="3" value={iframe.clone()} />
            <button onclick={copy(iframe)}>{ "Copy" }</button>
            <p><a id="embed-preview" href={url} target="_blank" rel="noopener">{ "Open the embed on its own ↗" }</a></p>
        </div>
    }
}
