//! The browser around the app: storage, the URL, the clipboard, downloads, the panic
//! banner. Every function degrades to "nothing happened" when an API is unavailable.

use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;

/// The autosaved scenario file.
pub const AUTOSAVE_KEY: &str = "bindery.scenario.v1";
/// Set by the panic banner's button: start from the last good autosave, ignoring the URL.
pub const RESTORE_FLAG: &str = "bindery.restore-last-good";

pub fn save_scenario(yaml: &str) {
    let _ = LocalStorage::set(AUTOSAVE_KEY, yaml);
}

pub fn saved_scenario() -> Option<String> {
    LocalStorage::get::<String>(AUTOSAVE_KEY).ok()
}

/// Whether this page load follows "reload last good state" (the flag is consumed).
pub fn take_restore_flag() -> bool {
    let window = web_sys::window();
    let Some(storage) = window.and_then(|w| w.session_storage().ok().flatten()) else {
        return false;
    };
    let set = storage.get_item(RESTORE_FLAG).ok().flatten().is_some();
    let _ = storage.remove_item(RESTORE_FLAG);
    set
}

pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// A query parameter of the page URL (`?scenario=local-pv-wffc`).
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Puts `fragment` in the address bar without reloading or adding a history entry;
/// returns the full URL.
pub fn set_hash(fragment: &str) -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let base = format!(
        "{}{}{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        location.search().ok()?
    );
    let url = format!("{base}#{fragment}");
    let _ =
        window
            .history()
            .ok()?
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    Some(url)
}

pub fn clear_hash() {
    if let Some(window) = web_sys::window() {
        let location = window.location();
        // Called after every edit: a history write costs milliseconds, so only when there
        // is a fragment to drop.
        if location.hash().map(|h| h.is_empty()).unwrap_or(true) {
            return;
        }
        if let (Ok(origin), Ok(path), Ok(search)) =
            (location.origin(), location.pathname(), location.search())
        {
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&format!("{origin}{path}{search}")),
                );
            }
        }
    }
}

pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Offers `text` as a file download.
pub fn download(filename: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document.create_element("a") {
        if let Ok(a) = a.dyn_into::<web_sys::HtmlAnchorElement>() {
            a.set_href(&url);
            a.set_download(filename);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Replaces the default panic output with the banner in `index.html` (hidden until then),
/// whose button reloads from the last good autosave. The page never goes blank silently.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        gloo::console::error!(format!("Bindery crashed: {message}"));
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(text) = document.get_element_by_id("panic-message") {
            text.set_text_content(Some(&message));
        }
        if let Some(banner) = document.get_element_by_id("panic-banner") {
            let _ = banner.remove_attribute("hidden");
        }
    }));
}

/// The user's colour-scheme preference (the stylesheet follows it by itself; charts ask).
/// The width below which `style.css` stacks the inspector under the cluster
/// (its `@media (max-width: 900px)` rule).
const STACKED_LAYOUT_QUERY: &str = "(max-width: 900px)";

/// Scrolls the inspector into view when the layout is stacked and its top is off screen or
/// low on it; a wide layout keeps it beside the cluster, always visible.
pub fn reveal_inspector_when_stacked() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let stacked = window
        .match_media(STACKED_LAYOUT_QUERY)
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let inspector = window
        .document()
        .and_then(|d| d.get_element_by_id("inspector"));
    let (true, Some(inspector)) = (stacked, inspector) else {
        return;
    };
    let top = inspector.get_bounding_client_rect().top();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if top < 0.0 || top > height * 0.6 {
        inspector.scroll_into_view_with_bool(true);
    }
}

pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// The page's query string (`?embed=1&view=events`), empty when unavailable.
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// The playground's own address without query or fragment (`https://host/bindery/`).
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| {
            let l = w.location();
            Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
        })
        .unwrap_or_else(|| "./".to_string())
}

/// Tells the embedding page how tall this document is (`{type: "bindery:height", id,
/// height}`), so `<bindery-scenario>` can size its iframe. Only a height is sent, so any
/// target origin may read it; the receiver checks where it came from.
pub fn post_height(id: Option<&str>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(Some(parent)) = window.parent() else {
        return;
    };
    // The embed's own box, not the document: the document is at least as tall as the
    // iframe, so it could grow with the iframe but never shrink.
    let Some(height) = window
        .document()
        .and_then(|d| {
            d.get_element_by_id("embed")
                .or_else(|| d.document_element())
        })
        .map(|e| e.get_bounding_client_rect().height().ceil() as i32)
    else {
        return;
    };
    let message = js_sys::Object::new();
    let set = |k: &str, v: wasm_bindgen::JsValue| {
        let _ = js_sys::Reflect::set(&message, &k.into(), &v);
    };
    set("type", "bindery:height".into());
    set("height", (height as f64).into());
    set(
        "id",
        id.map(wasm_bindgen::JsValue::from_str)
            .unwrap_or(wasm_bindgen::JsValue::NULL),
    );
    let _ = parent.post_message(&message, "*");
}

/// Frees `value` once the browser is idle after the event that replaced it (after the
/// paint): dropping a run's timeline (every frame a whole simulation) takes milliseconds an
/// edit should not wait for.
pub fn drop_later<T: 'static>(value: T) {
    when_idle(move || drop(value));
}

/// Runs `f` right after the next frame is painted (a timeout queued from an animation
/// frame callback): work the frame need not wait for, such as redrawing the charts at the
/// bottom of the page. Natively (tests) at once.
pub fn after_paint(f: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        let queued = web_sys::window().map(|w| {
            let callback = wasm_bindgen::closure::Closure::once_into_js(move || {
                gloo::timers::callback::Timeout::new(0, f).forget();
            });
            w.request_animation_frame(callback.unchecked_ref())
        });
        if !matches!(queued, Some(Ok(_))) {
            gloo::console::warn!("no animation frame: a deferred redraw was skipped");
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    f();
}

/// Runs `f` once the browser is idle: `requestIdleCallback` where the browser has it, else
/// a short timeout; natively (tests) at once.
pub fn when_idle(f: impl FnOnce() + 'static) {
    #[cfg(target_arch = "wasm32")]
    {
        let idle = web_sys::window().filter(|w| {
            js_sys::Reflect::has(w, &wasm_bindgen::JsValue::from_str("requestIdleCallback"))
                .unwrap_or(false)
        });
        match idle {
            Some(w) => {
                let callback = wasm_bindgen::closure::Closure::once_into_js(f);
                let _ = w.request_idle_callback(callback.unchecked_ref());
            }
            None => {
                gloo::timers::callback::Timeout::new(50, f).forget();
            }
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    f();
}

/// Keeps an `IntersectionObserver` watching (see [`watch_visibility`]); dropping it stops.
pub struct VisibilityWatch {
    #[cfg(target_arch = "wasm32")]
    observer: wasm_bindgen::JsValue,
    #[cfg(target_arch = "wasm32")]
    _callback: wasm_bindgen::closure::Closure<dyn FnMut(js_sys::Array)>,
}

impl Drop for VisibilityWatch {
    fn drop(&mut self) {
        #[cfg(target_arch = "wasm32")]
        if let Ok(disconnect) = js_sys::Reflect::get(&self.observer, &"disconnect".into())
            .and_then(|f| f.dyn_into::<js_sys::Function>())
        {
            let _ = disconnect.call0(&self.observer);
        }
    }
}

/// Calls `on_change(any)` with whether any of `elements` is on screen or within 200 px of
/// it, whenever that may have changed (an `IntersectionObserver`: no layout is forced).
/// Until the first report, and where the browser has no such observer, they count as on
/// screen. Natively (tests) nothing is watched.
pub fn watch_visibility(
    elements: Vec<web_sys::Element>,
    on_change: impl Fn(bool) + 'static,
) -> Option<VisibilityWatch> {
    #[cfg(target_arch = "wasm32")]
    {
        use js_sys::Reflect;
        use wasm_bindgen::JsValue;
        let window = web_sys::window()?;
        let ctor = Reflect::get(&window, &"IntersectionObserver".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        let watched = elements.clone();
        let mut shown = vec![true; watched.len()];
        let callback = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
            move |entries: js_sys::Array| {
                for entry in entries.iter() {
                    let target = Reflect::get(&entry, &"target".into()).unwrap_or(JsValue::NULL);
                    let hit = Reflect::get(&entry, &"isIntersecting".into())
                        .ok()
                        .and_then(|v| v.as_bool())
                        .unwrap_or(true);
                    if let Some(i) = watched.iter().position(|e| js_sys::Object::is(e, &target)) {
                        shown[i] = hit;
                    }
                }
                on_change(shown.iter().any(|s| *s));
            },
        );
        let options = js_sys::Object::new();
        Reflect::set(&options, &"rootMargin".into(), &"200px".into()).ok()?;
        let observer =
            Reflect::construct(&ctor, &js_sys::Array::of2(callback.as_ref(), &options)).ok()?;
        let observe = Reflect::get(&observer, &"observe".into())
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        let watch = VisibilityWatch {
            observer,
            _callback: callback,
        };
        for element in &elements {
            observe.call1(&watch.observer, element).ok()?;
        }
        Some(watch)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (elements, on_change);
        None
    }
}
