//! Share links: the scenario file, deflated and base64url-encoded, in the URL fragment.
//!
//! `#s=v1.<base64url(deflate(yaml))>`. The version prefix lets the format change later;
//! both directions are bounded so a hostile link cannot make the page allocate without
//! limit (a "zip bomb" stops at [`MAX_YAML_BYTES`]).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

/// The fragment key and format version.
pub const PREFIX: &str = "s=v1.";
/// Longest fragment accepted (browsers allow more, but such links are not shareable).
pub const MAX_FRAGMENT_CHARS: usize = 512 * 1024;
/// Largest scenario file a link may expand to.
pub const MAX_YAML_BYTES: usize = 4 * 1024 * 1024;

/// The URL fragment (without `#`) for a scenario file.
pub fn encode(yaml: &str) -> String {
    let compressed = miniz_oxide::deflate::compress_to_vec(yaml.as_bytes(), 9);
    format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// Whether a fragment is meant to be a share link (so a failure should be reported).
pub fn is_share_fragment(fragment: &str) -> bool {
    fragment.trim_start_matches('#').starts_with("s=")
}

/// The scenario file in a fragment, or why the link is unusable.
pub fn decode(fragment: &str) -> Result<String, String> {
    let fragment = fragment.trim_start_matches('#');
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(format!(
            "This share link is too long ({} characters; the limit is {MAX_FRAGMENT_CHARS}).",
            fragment.len()
        ));
    }
    let Some(payload) = fragment.strip_prefix(PREFIX) else {
        return Err(if fragment.starts_with("s=") {
            "This share link was made by a newer or unknown version of Bindery (expected `s=v1.`)."
                .to_string()
        } else {
            "This is not a Bindery share link.".to_string()
        });
    };
    let compressed = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| format!("This share link is damaged (not base64url: {e})."))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_YAML_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => format!(
                "This share link expands to more than {} MB; it was not opened.",
                MAX_YAML_BYTES / (1024 * 1024)
            ),
            _ => "This share link is damaged (the compressed data is corrupt).".to_string(),
        })?;
    String::from_utf8(bytes).map_err(|_| "This share link is damaged (not UTF-8 text).".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_builtin() {
        for b in bindery_core::scenario::builtin::all() {
            let link = encode(&b.text.yaml);
            assert!(link.len() < b.text.yaml.len(), "{} compresses", b.id);
            assert_eq!(decode(&format!("#{link}")).unwrap(), b.text.yaml);
        }
    }

    #[test]
    fn hostile_links_get_a_clear_message() {
        assert!(decode("s=v1.!!!").unwrap_err().contains("damaged"));
        assert!(decode("s=v1.AAAA").unwrap_err().contains("damaged"));
        assert!(decode("s=v9.AAAA").unwrap_err().contains("unknown version"));
        assert!(decode(&"s=v1.".repeat(200_000))
            .unwrap_err()
            .contains("too long"));
        // 64 MB of zeros compresses to a few kB.
        let bomb = encode(&"0".repeat(64 * 1024 * 1024));
        assert!(bomb.len() < MAX_FRAGMENT_CHARS);
        assert!(decode(&bomb).unwrap_err().contains("expands to more than"));
        assert!(is_share_fragment("#s=v1.x") && !is_share_fragment("#top"));
    }
}
