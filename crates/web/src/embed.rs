//! Embedding a scenario in a documentation page: the `?embed=1` URL and its options, and
//! the snippets the "Embed" dialog offers (an `<iframe>`, or the `<bindery-scenario>`
//! element that `embed.js` turns into a self-sizing iframe).
//!
//! Pure functions, tested natively; the embed view itself is `components::embed`.

use bindery_core::scenario::builtin;

use crate::script::Scenario;

/// Which part of the playground an embed shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EmbedView {
    /// Zones, nodes and their pods, the Pending tray.
    #[default]
    Cluster,
    /// `kubectl get events`.
    Events,
    /// One pod's describe panel and per-node × per-plugin verdict table.
    Verdict,
    /// The resulting state as YAML.
    Yaml,
}

impl EmbedView {
    pub const ALL: [EmbedView; 4] = [
        EmbedView::Cluster,
        EmbedView::Events,
        EmbedView::Verdict,
        EmbedView::Yaml,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EmbedView::Cluster => "cluster",
            EmbedView::Events => "events",
            EmbedView::Verdict => "verdict",
            EmbedView::Yaml => "yaml",
        }
    }

    pub fn parse(s: &str) -> Option<EmbedView> {
        EmbedView::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            EmbedView::Cluster => "Cluster",
            EmbedView::Events => "Events",
            EmbedView::Verdict => "Why (verdict table)",
            EmbedView::Yaml => "Resulting YAML",
        }
    }
}

/// The options of an embed, read from (and written to) the query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    pub view: EmbedView,
    /// Play the timeline from the start once loaded.
    pub autoplay: bool,
    /// The pod whose verdicts the verdict view shows (`ns/name`); the first pending pod
    /// (or the first pod) otherwise.
    pub pod: Option<String>,
    /// Echoed in the height messages, so a page with several embeds can tell them apart.
    pub id: Option<String>,
}

/// Percent-decoding for the few characters query values here can carry.
fn unescape(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn escape(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The query parameters of `search` (`?a=1&b=2`), decoded.
pub fn query_pairs(search: &str) -> Vec<(String, String)> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (unescape(k), unescape(v)),
            None => (unescape(kv), String::new()),
        })
        .collect()
}

/// Is this page load an embed (`embed=1`)?
pub fn is_embed(search: &str) -> bool {
    query_pairs(search)
        .iter()
        .any(|(k, v)| k == "embed" && (v == "1" || v == "true"))
}

/// The embed options in a query string; unknown values fall back to the defaults.
pub fn parse_options(search: &str) -> EmbedOptions {
    let mut o = EmbedOptions::default();
    for (k, v) in query_pairs(search) {
        match k.as_str() {
            "view" => o.view = EmbedView::parse(&v).unwrap_or_default(),
            "autoplay" => o.autoplay = v == "1" || v == "true",
            "pod" if !v.is_empty() => o.pod = Some(v),
            "id" if !v.is_empty() => o.id = Some(v),
            _ => {}
        }
    }
    o
}

/// How an embed names its scenario: a built-in by id (short, readable, always current)
/// or the scenario itself in the fragment (`#s=v1.…`, as share links carry it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioRef {
    Builtin(String),
    Encoded(String),
}

impl ScenarioRef {
    /// A built-in's id when the scenario is exactly that built-in, else the encoding.
    pub fn of(scenario: &Scenario) -> ScenarioRef {
        for id in builtin::IDS {
            if Scenario::builtin(id).as_ref() == Some(scenario) {
                return ScenarioRef::Builtin(id.to_string());
            }
        }
        ScenarioRef::Encoded(crate::share::encode(&scenario.to_yaml()))
    }
}

/// The embed URL: `base` is the playground's address (`https://…/bindery/`).
pub fn embed_url(base: &str, scenario: &ScenarioRef, o: &EmbedOptions) -> String {
    let mut q = vec!["embed=1".to_string()];
    if let ScenarioRef::Builtin(id) = scenario {
        q.push(format!("scenario={}", escape(id)));
    }
    q.push(format!("view={}", o.view.as_str()));
    if o.autoplay {
        q.push("autoplay=1".into());
    }
    if let Some(p) = &o.pod {
        q.push(format!("pod={}", escape(p)));
    }
    if let Some(id) = &o.id {
        q.push(format!("id={}", escape(id)));
    }
    let fragment = match scenario {
        ScenarioRef::Encoded(f) => format!("#{f}"),
        ScenarioRef::Builtin(_) => String::new(),
    };
    format!("{base}?{}{fragment}", q.join("&"))
}

/// The playground (not embedded) showing the same scenario: "Open in playground".
pub fn playground_url(base: &str, scenario: &ScenarioRef) -> String {
    match scenario {
        ScenarioRef::Builtin(id) => format!("{base}?scenario={}", escape(id)),
        ScenarioRef::Encoded(f) => format!("{base}#{f}"),
    }
}

fn html_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A plain `<iframe>` (fixed height; works everywhere, no script).
pub fn iframe_snippet(url: &str, title: &str, height_px: u32) -> String {
    format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height_px}\" style=\"border:0;max-width:100%\" loading=\"lazy\"></iframe>",
        html_attr(url),
        html_attr(title)
    )
}

/// The one-tag form: `embed.js` defines `<bindery-scenario>`, which creates the iframe and
/// follows its height.
pub fn element_snippet(loader_url: &str, url: &str) -> String {
    format!(
        "<script type=\"module\" src=\"{}\"></script>\n<bindery-scenario src=\"{}\"></bindery-scenario>",
        html_attr(loader_url),
        html_attr(url)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_round_trip_through_the_url() {
        let o = EmbedOptions {
            view: EmbedView::Verdict,
            autoplay: true,
            pod: Some("default/writer-2".into()),
            id: Some("e1".into()),
        };
        let url = embed_url(
            "https://example.org/bindery/",
            &ScenarioRef::Builtin("rwop-conflict".into()),
            &o,
        );
        assert_eq!(url, "https://example.org/bindery/?embed=1&scenario=rwop-conflict&view=verdict&autoplay=1&pod=default%2Fwriter-2&id=e1");
        let search = url.split_once('?').unwrap().1;
        assert!(is_embed(search));
        assert_eq!(parse_options(search), o);
        assert!(!is_embed("?scenario=rwop-conflict"));
        assert_eq!(
            parse_options("?embed=1&view=nonsense").view,
            EmbedView::Cluster
        );
    }

    #[test]
    fn an_edited_scenario_travels_in_the_fragment() {
        let builtin = Scenario::builtin("rwo-vs-rwop").unwrap();
        assert_eq!(
            ScenarioRef::of(&builtin),
            ScenarioRef::Builtin("rwo-vs-rwop".into())
        );
        let mut edited = builtin.clone();
        edited.seed = 7;
        let r = ScenarioRef::of(&edited);
        let ScenarioRef::Encoded(fragment) = &r else {
            panic!("expected an encoded scenario");
        };
        let url = embed_url("./", &r, &EmbedOptions::default());
        assert!(url.starts_with("./?embed=1&view=cluster#s=v1."));
        let yaml = crate::share::decode(fragment).unwrap();
        assert_eq!(Scenario::from_yaml(&yaml).unwrap().0, edited);
        assert_eq!(playground_url("./", &r), format!("./#{fragment}"));
    }

    #[test]
    fn snippets_escape_attributes() {
        let s = iframe_snippet("./?embed=1&scenario=a", "A \"quoted\" <title>", 480);
        assert!(s.contains("src=\"./?embed=1&amp;scenario=a\""));
        assert!(s.contains("title=\"A &quot;quoted&quot; &lt;title&gt;\""));
        let e = element_snippet("./embed.js", "./?embed=1");
        assert!(e.contains("<bindery-scenario src=\"./?embed=1\"></bindery-scenario>"));
    }
}
