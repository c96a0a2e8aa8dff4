//! Bindery's playground: the engine (`bindery-core`) compiled to wasm, with a Yew UI.
//!
//! - [`script`]: the scenario a person edits and its recorded run (the timeline).
//! - [`state`]: the reducer — every edit re-runs the engine from scratch (or carries the
//!   run on, when the edit only appends `then:` actions).
//! - [`view_model`], [`forms`], [`share`]: pure functions, tested natively.
//! - [`components`]: the views; [`platform`]: storage, URL, clipboard, panic banner.

pub mod components;
pub mod embed;
pub mod forms;
pub mod platform;
pub mod script;
pub mod share;
pub mod state;
pub mod tutorial;
pub mod view_model;

pub use components::App;

/// Mounts the playground on `#app` (or `<body>`), after installing the panic banner hook.
pub fn start() {
    platform::install_panic_hook();
    let root = gloo::utils::document().get_element_by_id("app");
    let root = root.unwrap_or_else(|| gloo::utils::body().into());
    if embed::is_embed(&platform::location_search()) {
        // Embeds are styled by the same stylesheet, scoped under this class.
        let _ = gloo::utils::body().set_attribute("data-embed", "1");
        yew::Renderer::<components::EmbedApp>::with_root(root).render();
    } else {
        yew::Renderer::<App>::with_root(root).render();
    }
}
