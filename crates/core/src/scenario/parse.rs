//! YAML text → typed manifests, with document indices and field paths in every message.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::{ImportError, ImportWarning, Manifest};

/// Upper bound on documents (and `List` items) in one input, so hostile input fails fast.
pub const MAX_OBJECTS: usize = 1_000_000;

/// One object read from the input.
#[derive(Clone, Debug)]
pub struct Document {
    /// The 1-based YAML document it came from.
    pub doc: usize,
    /// Where in that document (`items[2]` inside a `List`; empty otherwise).
    pub path: String,
    pub manifest: Manifest,
}

/// A [`Document`] borrowed from wherever its manifest lives: what loading and `then:`
/// actions read, so a caller that keeps its own manifests (the playground, which re-runs
/// a scenario after every edit) does not copy them for each run.
#[derive(Clone, Copy, Debug)]
pub struct DocRef<'a> {
    pub doc: usize,
    pub path: &'a str,
    pub manifest: &'a Manifest,
    /// What applying `manifest` derives from it alone, when the caller remembers it
    /// ([`Prepared::of`] of this very manifest): the playground re-runs the same immutable
    /// documents after every edit, and converting and serializing them again was a quarter
    /// of each run.
    pub prepared: Option<&'a Prepared>,
}

/// What applying a manifest derives from the manifest alone, whatever the cluster holds:
/// its model object (or the field errors that reject it) and the source text the cluster
/// keeps for export. Computed once by a caller that applies the same document in many
/// runs, and passed in its [`DocRef`].
#[derive(Clone, Debug)]
pub struct Prepared {
    pub(crate) object: Result<super::convert::Object, Vec<super::FieldError>>,
    pub(crate) source: String,
}

impl Prepared {
    pub fn of(m: &Manifest) -> Prepared {
        Prepared {
            object: super::convert::to_model(m).map(|c| c.object),
            source: m.kept_source(),
        }
    }
}

impl Prepared {
    /// [`Prepared::of`] every document on several threads, for a big input in a native
    /// build (each is derived from its manifest alone, so the order of work changes
    /// nothing); `None` otherwise, where applying each document derives it in turn without
    /// holding them all at once.
    pub fn in_parallel(docs: &[Document]) -> Option<Vec<Prepared>> {
        crate::parallel::map_items(docs, PARALLEL_MIN_DOCUMENTS, |d| Prepared::of(&d.manifest))
    }
}

/// Inputs with at least this many documents are prepared on several threads.
const PARALLEL_MIN_DOCUMENTS: usize = 2_000;

impl Document {
    pub fn view(&self) -> DocRef<'_> {
        DocRef {
            doc: self.doc,
            path: &self.path,
            manifest: &self.manifest,
            prepared: None,
        }
    }
}

/// The result of reading one YAML text. `errors` is empty when everything was understood.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub manifests: Vec<Document>,
    pub warnings: Vec<ImportWarning>,
    pub errors: Vec<ImportError>,
}

impl Parsed {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Reads multi-document YAML (and `kind: List`) into typed objects.
///
/// Malformed YAML stops the read (libyaml cannot resynchronise); every other problem is
/// reported per document and the remaining documents are still read, so a user sees all
/// errors at once.
pub fn parse(text: &str) -> Parsed {
    if text.len() >= PARALLEL_MIN_BYTES {
        if let Some(parsed) = parse_in_parts(text, crate::parallel::parts()) {
            return parsed;
        }
    }
    let mut out = Parsed::default();
    read_documents(text, 0, &mut out);
    out
}

/// Inputs at least this long are read in parts on several threads (native builds only).
const PARALLEL_MIN_BYTES: usize = 512 * 1024;

/// Reads every document of `text`, numbering them after the `before` documents that came
/// earlier in the input. Returns how many documents it saw.
fn read_documents(text: &str, before: usize, out: &mut Parsed) -> usize {
    let mut seen = 0;
    for (i, doc) in serde_norway::Deserializer::from_str(text).enumerate() {
        seen = i + 1;
        let doc_no = before + i + 1;
        if doc_no > MAX_OBJECTS {
            out.errors.push(ImportError {
                doc: doc_no,
                path: String::new(),
                message: format!("too many documents (the limit is {MAX_OBJECTS})"),
            });
            break;
        }
        let value = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) => {
                out.errors.push(ImportError {
                    doc: doc_no,
                    path: String::new(),
                    message: format!("invalid YAML: {e}"),
                });
                break;
            }
        };
        read_value(doc_no, "", value, out);
    }
    seen
}

/// [`parse`] of a big input on `threads` threads: the text is cut at document-start lines
/// (`---` in column 0, which YAML lets no scalar contain), each part is read on its own, and
/// the parts are joined in order with their documents renumbered, so the result is the
/// sequential one. `None` (read it sequentially) when there is nothing to gain or anything
/// could differ: a directive or document-end line (`%…`, `...`), which binds documents to
/// their neighbours, or any error in any part (the sequential read then words it, with its
/// line numbers and where it stops).
fn parse_in_parts(text: &str, threads: usize) -> Option<Parsed> {
    if threads < 2 {
        return None;
    }
    let cuts = part_boundaries(text, threads)?;
    let ranges: Vec<&str> = cuts.windows(2).map(|w| &text[w[0]..w[1]]).collect();
    let parts = crate::parallel::map_parts(&ranges, |part| {
        let mut out = Parsed::default();
        let seen = read_documents(part, 0, &mut out);
        (out, seen)
    })?;
    if parts.iter().any(|(p, _)| !p.errors.is_empty()) {
        return None;
    }
    let mut out = Parsed::default();
    let mut before = 0;
    for (mut part, seen) in parts {
        for d in &mut part.manifests {
            d.doc += before;
        }
        for w in &mut part.warnings {
            w.doc += before;
        }
        out.manifests.append(&mut part.manifests);
        out.warnings.append(&mut part.warnings);
        before += seen;
    }
    if before > MAX_OBJECTS {
        return None;
    }
    Some(out)
}

/// Byte offsets cutting `text` into up to `parts` pieces of similar length, each after the
/// first starting at a document-start line; `None` if there is no such cut or the text has
/// a directive or document-end line.
fn part_boundaries(text: &str, parts: usize) -> Option<Vec<usize>> {
    let is_marker = |line: &str, m: &str| {
        line.strip_prefix(m)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r']))
    };
    let mut starts = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        if bare.starts_with('%') || is_marker(bare, "...") {
            return None;
        }
        if at > 0 && is_marker(bare, "---") {
            starts.push(at);
        }
        at += line.len();
    }
    let mut cuts = vec![0];
    for k in 1..parts {
        let target = text.len() * k / parts;
        let i = starts.partition_point(|&s| s < target);
        if let Some(&s) = starts.get(i) {
            if s > *cuts.last().expect("starts with 0") {
                cuts.push(s);
            }
        }
    }
    if cuts.len() < 2 {
        return None;
    }
    cuts.push(text.len());
    Some(cuts)
}

fn read_value(doc: usize, prefix: &str, value: Value, out: &mut Parsed) {
    let err = |path: &str, message: String| ImportError {
        doc,
        path: path.to_string(),
        message,
    };
    let obj = match value {
        Value::Null => return,
        Value::Object(o) => o,
        other => {
            out.errors.push(err(
                prefix,
                format!(
                    "expected a Kubernetes object (a mapping with apiVersion and kind), found {}",
                    json_type(&other)
                ),
            ));
            return;
        }
    };
    let api_version = obj.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let Some(kind) = obj.get("kind").and_then(Value::as_str) else {
        out.errors.push(err(
            &super::field::child(prefix, "kind"),
            "Required value: every object needs apiVersion and kind".to_string(),
        ));
        return;
    };
    let kind = kind.to_string();
    let api_version = api_version.to_string();
    if kind == "List" || kind.ends_with("List") && obj.contains_key("items") {
        let items = match obj.get("items") {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => {
                out.errors.push(err(
                    &super::field::child(prefix, "items"),
                    format!("expected a sequence of objects, found {}", json_type(other)),
                ));
                return;
            }
        };
        for (i, item) in items.into_iter().enumerate() {
            let p = format!("{}[{i}]", super::field::child(prefix, "items"));
            read_value(doc, &p, item, out);
        }
        return;
    }
    let value = Value::Object(obj);
    let expected = expected_api_version(&kind);
    match expected {
        None => {
            let message = if kind == "Namespace" {
                "Namespace skipped: namespaces exist implicitly in Bindery".to_string()
            } else {
                format!("{kind} ({api_version}) is not supported by Bindery; skipped")
            };
            out.warnings.push(ImportWarning {
                doc,
                path: prefix.to_string(),
                message,
            });
        }
        Some(want) if want != api_version => {
            out.errors.push(err(
                &super::field::child(prefix, "apiVersion"),
                format!(
                    "Unsupported value: {api_version:?}: supported values: {want:?} (for kind {kind})"
                ),
            ));
        }
        Some(_) => match typed(&kind, value, doc, prefix, &mut out.warnings) {
            Ok(m) => out.manifests.push(Document {
                doc,
                path: prefix.to_string(),
                manifest: m,
            }),
            Err(e) => out.errors.push(e),
        },
    }
}

fn expected_api_version(kind: &str) -> Option<&'static str> {
    crate::model::Kind::parse(kind).map(|k| k.api_version())
}

/// Reads one typed object from its JSON value, with field paths in errors and a warning per
/// unknown field. Export reads kept manifests through this same function: every
/// k8s-openapi type then has one Deserialize instantiation, which keeps the wasm small.
pub(crate) fn de<T: DeserializeOwned + serde::Serialize>(
    value: &Value,
    doc: usize,
    prefix: &str,
    warnings: &mut Vec<ImportWarning>,
) -> Result<Box<T>, ImportError> {
    let (obj, ignored_any): (T, bool) =
        deserialize_noting_ignored(value).map_err(|(path, e)| ImportError {
            doc,
            path: super::field::child(prefix, &path),
            message: e.to_string(),
        })?;
    // Unknown fields: k8s-openapi silently ignores them, so compare what was written
    // with what the typed object serializes back to, which gives exact paths (and finds
    // nothing when nothing was ignored: a typed object writes back every field it read).
    if !ignored_any {
        return Ok(Box::new(obj));
    }
    if let Ok(round_trip) = serde_json::to_value(&obj) {
        let mut unknown = Vec::new();
        unknown_fields(value, &round_trip, prefix, &mut unknown);
        for path in unknown {
            warnings.push(ImportWarning {
                doc,
                path,
                message: "unknown field (ignored)".to_string(),
            });
        }
    }
    Ok(Box::new(obj))
}

/// A deserialization error and the field path where it happened.
type PathError = (String, serde_json::Error);

/// Deserializes with field paths in errors ([`super::tracked`]), and says whether an
/// unknown field may have been ignored (then [`de`] looks for the exact paths).
///
/// Native builds ask serde_ignored, which is cheap next to the round trip [`de`] then
/// skips for most objects.
#[cfg(not(target_arch = "wasm32"))]
fn deserialize_noting_ignored<T: DeserializeOwned>(value: &Value) -> Result<(T, bool), PathError> {
    #[cfg(test)]
    if tests::ALWAYS_COMPARE.with(|c| c.get()) {
        return deserialize_always_comparing(value);
    }
    // serde_ignored only says *whether* something was ignored (it reports `?` for keys
    // of k8s-openapi's generated map visitors); the exact paths come from the round trip.
    let mut ignored_any = false;
    let mut note_ignored = |_: serde_ignored::Path| ignored_any = true;
    // A trait object, not the closure's own type: a closure defined in this generic
    // function is a different type for every `T`, and it is part of the deserializer's
    // type, so every object kind would get its own copy of all the nested code (ObjectMeta
    // once per kind, PodSpec once per kind with a pod template).
    let mut note_ignored: &mut dyn FnMut(serde_ignored::Path) = &mut note_ignored;
    let obj = super::tracked::with_path(value, |tracked| {
        T::deserialize(serde_ignored::Deserializer::new(tracked, &mut note_ignored))
    })?;
    Ok((obj, ignored_any))
}

/// The wasm build does without serde_ignored, whose wrappers around every k8s-openapi
/// Deserialize were ~145 kB of the module (55 kB gzip): every object takes the round trip,
/// which finds the same unknown fields (a test checks both ways give the same result).
#[cfg(target_arch = "wasm32")]
fn deserialize_noting_ignored<T: DeserializeOwned>(value: &Value) -> Result<(T, bool), PathError> {
    deserialize_always_comparing(value)
}

#[cfg(any(test, target_arch = "wasm32"))]
fn deserialize_always_comparing<T: DeserializeOwned>(
    value: &Value,
) -> Result<(T, bool), PathError> {
    Ok((super::tracked::deserialize(value)?, true))
}

fn typed(
    kind: &str,
    value: Value,
    doc: usize,
    prefix: &str,
    warnings: &mut Vec<ImportWarning>,
) -> Result<Manifest, ImportError> {
    Ok(match kind {
        "Node" => Manifest::Node(de(&value, doc, prefix, warnings)?),
        "StorageClass" => Manifest::StorageClass(de(&value, doc, prefix, warnings)?),
        "PriorityClass" => Manifest::PriorityClass(de(&value, doc, prefix, warnings)?),
        "PersistentVolume" => Manifest::PersistentVolume(de(&value, doc, prefix, warnings)?),
        "PersistentVolumeClaim" => {
            Manifest::PersistentVolumeClaim(de(&value, doc, prefix, warnings)?)
        }
        "Pod" => Manifest::Pod(de(&value, doc, prefix, warnings)?),
        "CSINode" => Manifest::CSINode(de(&value, doc, prefix, warnings)?),
        "CSIDriver" => Manifest::CSIDriver(de(&value, doc, prefix, warnings)?),
        "CSIStorageCapacity" => Manifest::CSIStorageCapacity(de(&value, doc, prefix, warnings)?),
        "PodDisruptionBudget" => Manifest::PodDisruptionBudget(de(&value, doc, prefix, warnings)?),
        "StatefulSet" => Manifest::StatefulSet(de(&value, doc, prefix, warnings)?),
        "Deployment" => Manifest::Deployment(de(&value, doc, prefix, warnings)?),
        "ReplicaSet" => Manifest::ReplicaSet(de(&value, doc, prefix, warnings)?),
        other => {
            return Err(ImportError {
                doc,
                path: prefix.to_string(),
                message: format!("kind {other} is not supported"),
            })
        }
    })
}

/// Paths present (and non-null) in `input` but absent from `typed`.
fn unknown_fields(input: &Value, typed: &Value, path: &str, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let p = super::field::child(path, k);
                match b.get(k) {
                    None if !v.is_null() => out.push(p),
                    None => {}
                    Some(tv) => unknown_fields(v, tv, &p, out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                unknown_fields(x, y, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        /// Makes native parsing take the wasm build's way of finding unknown fields.
        pub(super) static ALWAYS_COMPARE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }

    /// Every input the tests know: the built-ins, the invalid-input corpus (errors and
    /// unknown-field warnings), and a generated cluster.
    fn inputs() -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = crate::scenario::builtin::all()
            .into_iter()
            .map(|b| (b.id.to_string(), b.text.yaml.to_string()))
            .collect();
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/invalid");
        let mut files: Vec<_> = std::fs::read_dir(&corpus)
            .expect("the invalid-input corpus")
            .map(|e| e.expect("entry").path())
            .collect();
        crate::sort::sort(&mut files);
        for f in files {
            let text = std::fs::read_to_string(&f).expect("readable");
            out.push((f.display().to_string(), text));
        }
        let mut generated = Vec::new();
        crate::generate::generate_into("storage-mix", 20, 200, 1, &mut |m| generated.push(m))
            .expect("generates");
        out.push((
            "storage-mix 20x200".to_string(),
            crate::scenario::export::to_yaml_documents(&generated),
        ));
        out
    }

    /// Native and wasm builds look for unknown fields differently (serde_ignored first, or
    /// a round trip of every object); they must read the same objects, warnings and errors.
    #[test]
    fn both_ways_of_finding_unknown_fields_agree() {
        let mut warned = 0;
        for (name, text) in inputs() {
            let native = parse(&text);
            ALWAYS_COMPARE.with(|c| c.set(true));
            let wasm_way = parse(&text);
            ALWAYS_COMPARE.with(|c| c.set(false));
            assert_eq!(format!("{native:?}"), format!("{wasm_way:?}"), "{name}");
            warned += native.warnings.len();
        }
        assert!(
            warned > 0,
            "the corpus has unknown-field warnings to compare"
        );
    }

    #[test]
    fn reads_documents_and_lists() {
        let text = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: n2}\n";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let names: Vec<_> = p
            .manifests
            .iter()
            .map(|d| (d.doc, d.manifest.key().name))
            .collect();
        assert_eq!(names, vec![(1, "n1".into()), (3, "n2".into())]);
    }

    #[test]
    fn reports_paths() {
        let p = parse("apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: a lot\n");
        assert_eq!(p.errors[0].path, "value");
        assert!(
            p.errors[0].message.contains("expected i32"),
            "{}",
            p.errors[0].message
        );
        let p = parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeNme: x\n  containers: [{name: c}]\n");
        assert!(p.errors.is_empty());
        assert_eq!(p.warnings[0].path, "spec.nodeNme");
        let p = parse("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\n");
        assert!(p.manifests.is_empty() && p.errors.is_empty());
        assert!(p.warnings[0].message.contains("DaemonSet"));
        let p = parse("a: [1, 2\n");
        assert!(p.errors[0].message.starts_with("invalid YAML"));
    }

    fn sequential(text: &str) -> String {
        let mut out = Parsed::default();
        read_documents(text, 0, &mut out);
        format!("{out:?}")
    }

    /// A big input read in parts on several threads is the sequential read, document
    /// numbers included; inputs it cannot cut safely are left to the sequential read.
    #[test]
    fn reading_in_parts_gives_the_sequential_result() {
        let mut cut_any = false;
        for (name, text) in inputs() {
            for threads in [2, 3, 7] {
                if let Some(p) = parse_in_parts(&text, threads) {
                    cut_any = true;
                    assert_eq!(
                        format!("{p:?}"),
                        sequential(&text),
                        "{name}, {threads} parts"
                    );
                }
            }
        }
        assert!(cut_any, "no input was read in parts");
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: NAME}\nspec:\n  containers: [{name: c, image: x}]\n";
        let docs = |sep: &str| {
            (0..6)
                .map(|i| pod.replace("NAME", &format!("p{i}")))
                .collect::<Vec<_>>()
                .join(sep)
        };
        let cases = [
            // Leading marker, empty documents, a marker with content on its line, CRLF.
            format!("---\n{}", docs("---\n")),
            format!("# comment\n{}---\n---\n", docs("--- \n")),
            format!(
                "{}--- {{apiVersion: v1, kind: Pod, metadata: {{name: flow}}, spec: {{containers: [{{name: c, image: x}}]}}}}\n---\n{}",
                docs("---\n"),
                pod.replace("NAME", "last")
            ),
            docs("---\n").replace('\n', "\r\n"),
            // A block scalar whose indented lines look like markers.
            docs("---\n").replace("kind: Pod\n", "kind: Pod\nnote: |\n  ---\n  ...\n"),
            // Errors and unknown fields in later parts keep their document numbers.
            docs("---\n").replace("metadata: {name: p4}", "metadata: {name: p4}\nbogus: 1"),
        ];
        for text in &cases {
            let p = parse_in_parts(text, 3).unwrap_or_else(|| panic!("not cut: {text}"));
            assert_eq!(format!("{p:?}"), sequential(text), "{text}");
        }
        // Not cut: directives and document ends bind documents together, and a part with an
        // error leaves the wording (and line numbers) to the sequential read.
        for text in [
            format!("%YAML 1.2\n---\n{}", docs("---\n")),
            docs("...\n---\n"),
            docs("---\n").replace("image: x", "image: 'x\n---\n'"),
            docs("---\n").replace(
                "kind: Pod\nmetadata: {name: p5}",
                "kind: Pod\nmetadata: {name: p5",
            ),
            "no markers at all: 1\n".to_string(),
        ] {
            assert!(parse_in_parts(&text, 3).is_none(), "{text}");
        }
        let bad = docs("---\n").replace("metadata: {name: p5}", "metadata: {name: p5");
        assert!(parse(&bad).errors[0].message.starts_with("invalid YAML"));
    }

    /// Loading a big input with its documents prepared on several threads gives the same
    /// cluster and log as preparing each while applying it.
    #[test]
    fn loading_with_documents_prepared_in_parallel_changes_nothing() {
        let mut generated = Vec::new();
        crate::generate::generate_into("storage-mix", 40, 1200, 1, &mut |m| generated.push(m))
            .expect("generates");
        let parsed = parse(&crate::scenario::export::to_yaml_documents(&generated));
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert!(parsed.manifests.len() >= PARALLEL_MIN_DOCUMENTS);
        let run = |parallel: bool| {
            let mut sim = crate::Simulation::new(1);
            let errors = if parallel {
                let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
                assert_eq!(
                    Prepared::in_parallel(&parsed.manifests).is_some(),
                    cores >= 2
                );
                sim.load(&parsed)
            } else {
                let docs: Vec<_> = parsed.manifests.iter().map(|d| d.view()).collect();
                sim.load_documents(&docs)
            };
            assert!(errors.is_empty(), "{errors:?}");
            sim.run_until_idle(1_000_000);
            let log: Vec<String> = sim.log().entries().map(|e| e.to_string()).collect();
            (log, crate::scenario::export::state_yaml(&sim))
        };
        assert_eq!(run(true), run(false));
    }
}
