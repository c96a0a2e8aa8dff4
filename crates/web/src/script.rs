//! The scenario a person edits, and running it into a timeline.
//!
//! A scenario is what `crates/core/scenarios/*.yaml` holds: manifests plus `then:` actions
//! that happen after the manifests have settled (a held-back object arriving, a
//! `kubectl delete`, the clock moving on). Every edit produces a new scenario, which is
//! run from scratch by the deterministic engine; the run is recorded as frames for the
//! timeline. Nothing here touches the DOM, so it is tested natively.

use std::collections::HashMap;
use std::rc::{Rc, Weak};

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scenario::builtin::{self, Moment, ScenarioText, Then};
use bindery_core::scenario::{export, parse, DocRef, ImportWarning, Manifest, Prepared};
use bindery_core::sim::StepOutcome;
use bindery_core::Simulation;

/// Steps one run may take before the engine stops and logs `LimitReached`.
pub const MAX_STEPS: u64 = 200_000;
/// Timeline frames kept per run; longer runs keep every n-th step.
pub const MAX_FRAMES: usize = 1_500;

/// What the user is editing. Equal when everything but the documents is, and each
/// document is the same one or exports the same YAML ([`same_document`]).
#[derive(Clone, Debug)]
pub struct Scenario {
    pub title: String,
    pub description: String,
    pub seed: u64,
    /// Every manifest, in document order (held-back ones included). Shared: every edit
    /// makes a new scenario (undo keeps the old), and copying a 50-node scenario's 450
    /// manifests on each would cost more than re-running it.
    pub docs: Vec<Rc<Manifest>>,
    pub then: Vec<Then>,
}

impl PartialEq for Scenario {
    fn eq(&self, other: &Self) -> bool {
        self.title == other.title
            && self.description == other.description
            && self.seed == other.seed
            && self.then == other.then
            && self.docs.len() == other.docs.len()
            && self
                .docs
                .iter()
                .zip(&other.docs)
                .all(|(a, b)| same_document(a, b))
    }
}

/// The same document, or one that exports the same YAML. (Not `Manifest`'s field-by-field
/// comparison, which the wasm build leaves out; the YAML of a document is remembered.)
pub fn same_document(a: &Rc<Manifest>, b: &Rc<Manifest>) -> bool {
    Rc::ptr_eq(a, b) || document_yaml(a) == document_yaml(b)
}

/// What is remembered of one document (see [`remembered`]), with the document it was
/// derived from.
struct Remembered {
    document: Weak<Manifest>,
    yaml: Option<Rc<str>>,
    prepared: Option<Rc<Prepared>>,
}

thread_local! {
    /// What is derived from each document alone, by the document's allocation. Documents
    /// are immutable and shared between a scenario and its edits, so after an edit the
    /// autosave (and a share link, the YAML dialog) writes only the documents that changed,
    /// and the re-run converts and serializes only those ([`Prepared`]). The `Weak` tells a
    /// live document from a new one at a reused address.
    static REMEMBERED: std::cell::RefCell<HashMap<*const Manifest, Remembered>> =
        Default::default();
}

/// Runs `read` on what is remembered of `m`, starting afresh for a document not seen.
fn remembered<T>(m: &Rc<Manifest>, read: impl FnOnce(&mut Remembered) -> T) -> T {
    REMEMBERED.with(|cache| {
        let mut cache = cache.borrow_mut();
        let key = Rc::as_ptr(m);
        let live = cache
            .get(&key)
            .is_some_and(|r| r.document.upgrade().is_some_and(|d| Rc::ptr_eq(&d, m)));
        if !live {
            // Forget dead documents now and then, so the cache stays the size of the live ones.
            if cache.len() >= 64 && cache.len().is_power_of_two() {
                cache.retain(|_, r| r.document.strong_count() > 0);
            }
            cache.insert(
                key,
                Remembered {
                    document: Rc::downgrade(m),
                    yaml: None,
                    prepared: None,
                },
            );
        }
        read(cache.get_mut(&key).expect("just inserted"))
    })
}

/// `m.to_yaml()`, remembered for as long as the document lives.
fn document_yaml(m: &Rc<Manifest>) -> Rc<str> {
    remembered(m, |r| {
        r.yaml.get_or_insert_with(|| Rc::from(m.to_yaml())).clone()
    })
}

/// [`Prepared::of`] `m`, remembered for as long as the document lives.
fn document_prepared(m: &Rc<Manifest>) -> Rc<Prepared> {
    remembered(m, |r| {
        r.prepared
            .get_or_insert_with(|| Rc::new(Prepared::of(m)))
            .clone()
    })
}

/// A failed import or edit: what to show, one line per problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected(pub Vec<String>);

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl Scenario {
    pub fn empty() -> Scenario {
        Scenario {
            title: "Untitled".to_string(),
            description: String::new(),
            seed: 1,
            docs: Vec::new(),
            then: Vec::new(),
        }
    }

    /// A scenario of these manifests (seed 1, no `then:` actions): generated clusters.
    pub fn of_manifests(title: &str, description: &str, docs: Vec<Manifest>) -> Scenario {
        Scenario {
            title: title.to_string(),
            description: description.to_string(),
            seed: 1,
            docs: docs.into_iter().map(Rc::new).collect(),
            then: Vec::new(),
        }
    }

    pub fn builtin(id: &str) -> Option<Scenario> {
        let b = builtin::get(id)?;
        Scenario::from_yaml(&b.text.yaml).ok().map(|(s, _)| s)
    }

    /// Reads a scenario file: multi-document YAML with optional `# title:`, `# seed:`,
    /// `# then:` header lines. Whether the API server accepts the objects is [`accept`]'s
    /// question.
    pub fn from_yaml(text: &str) -> Result<(Scenario, Vec<ImportWarning>), Rejected> {
        let header = builtin::read_header(text).map_err(|e| Rejected(vec![e]))?;
        let parsed = parse(text);
        if !parsed.errors.is_empty() {
            return Err(Rejected(
                parsed.errors.iter().map(ToString::to_string).collect(),
            ));
        }
        let scenario = Scenario {
            title: if header.title.is_empty() {
                "Imported scenario".to_string()
            } else {
                header.title
            },
            description: header.description,
            seed: header.seed.unwrap_or(1),
            docs: parsed
                .manifests
                .iter()
                .map(|d| Rc::new(d.manifest.clone()))
                .collect(),
            then: header.then,
        };
        Ok((scenario, parsed.warnings))
    }

    /// The scenario as a file `from_yaml` reads back to the same scenario.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!("# title: {}\n", one_line(&self.title)));
        if !self.description.is_empty() {
            out.push_str(&format!("# description: {}\n", one_line(&self.description)));
        }
        out.push_str(&format!("# seed: {}\n", self.seed));
        for t in &self.then {
            out.push_str(&format!("# then: {}\n", then_text(t)));
        }
        for m in &self.docs {
            out.push_str("---\n");
            out.push_str(&document_yaml(m));
        }
        out
    }

    fn text(&self) -> ScenarioText {
        ScenarioText {
            title: self.title.clone(),
            description: self.description.clone(),
            seed: Some(self.seed),
            then: self.then.clone(),
            yaml: String::new(),
        }
    }

    /// The object's first document: the version the cluster starts with (or, when every
    /// version is held back, the first to arrive). Editing the scenario edits this one.
    pub fn index_of(&self, kind: Kind, key: &ObjectKey) -> Option<usize> {
        self.docs
            .iter()
            .position(|m| m.kind() == kind && &m.key() == key)
    }

    /// The object's last document: what it looks like after every `create` / `apply`.
    pub fn latest_index_of(&self, kind: Kind, key: &ObjectKey) -> Option<usize> {
        self.docs
            .iter()
            .rposition(|m| m.kind() == kind && &m.key() == key)
    }

    /// Adds `manifest`, or replaces the object of the same kind and name (or the one named
    /// by `replacing`, when an edit renamed it).
    pub fn with_object(
        &self,
        manifest: Manifest,
        replacing: Option<(Kind, ObjectKey)>,
    ) -> Scenario {
        let mut next = self.clone();
        let target = replacing
            .and_then(|(k, key)| next.index_of(k, &key))
            .or_else(|| next.index_of(manifest.kind(), &manifest.key()));
        match target {
            Some(i) => {
                let old = (next.docs[i].kind(), next.docs[i].key());
                let new = (manifest.kind(), manifest.key());
                next.docs[i] = Rc::new(manifest);
                // The actions follow a renamed object, unless other versions keep the name.
                if old != new && next.index_of(old.0, &old.1).is_none() {
                    rename_in_then(&mut next.then, &old, &new);
                }
            }
            None => next.docs.push(Rc::new(manifest)),
        }
        next
    }

    /// Removes an object from the scenario altogether (it never existed).
    pub fn without_object(&self, kind: Kind, key: &ObjectKey) -> Scenario {
        let mut next = self.clone();
        next.docs.retain(|m| !(m.kind() == kind && &m.key() == key));
        next.then.retain(|t| match t {
            Then::Create { kind: k, key: x }
            | Then::Apply { kind: k, key: x }
            | Then::Delete { kind: k, key: x }
            | Then::Scale {
                kind: k, key: x, ..
            } => !(*k == kind && x == key),
            Then::AdvanceSeconds(_) => true,
        });
        next
    }

    /// Replaces an object and holds it back until the rest has settled (a `then: create`),
    /// as `kubectl delete` + `kubectl create` would: how a pod gets a new priority, which is
    /// immutable once the pod exists.
    pub fn recreated_later(
        &self,
        manifest: Manifest,
        replacing: Option<(Kind, ObjectKey)>,
    ) -> Scenario {
        let (kind, key) = (manifest.kind(), manifest.key());
        let mut next = self.with_object(manifest, replacing);
        let held_back = next
            .then
            .iter()
            .any(|t| matches!(t, Then::Create { kind: k, key: x } if *k == kind && *x == key));
        if !held_back {
            next.then.push(Then::Create { kind, key });
        }
        next
    }

    /// `kubectl apply` once the story so far has settled: `manifest` becomes the object's
    /// next version (a new last document) and a `then: apply` brings it. An update if the
    /// object exists by then, a create if not.
    pub fn applied_later(&self, manifest: Manifest) -> Scenario {
        let mut next = self.clone();
        next.then.push(Then::Apply {
            kind: manifest.kind(),
            key: manifest.key(),
        });
        next.docs.push(Rc::new(manifest));
        next
    }

    /// Appends a `then:` action (a `kubectl delete`, or the clock moving on).
    pub fn with_then(&self, action: Then) -> Scenario {
        let mut next = self.clone();
        next.then.push(action);
        next
    }
}

/// The workload manifest with `spec.replicas` set (what `kubectl scale` writes); `None`
/// for kinds without replicas.
pub fn scaled(manifest: &Manifest, replicas: i32) -> Option<Manifest> {
    let mut m = manifest.clone();
    match &mut m {
        Manifest::StatefulSet(o) => {
            o.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Manifest::Deployment(o) => {
            o.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        Manifest::ReplicaSet(o) => {
            o.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
        }
        _ => return None,
    }
    Some(m)
}

/// A workload manifest's `spec.replicas` (1 when unset, as the API server defaults it).
pub fn replicas_of(manifest: &Manifest) -> Option<i32> {
    let r = match manifest {
        Manifest::StatefulSet(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Manifest::Deployment(o) => o.spec.as_ref().and_then(|s| s.replicas),
        Manifest::ReplicaSet(o) => o.spec.as_ref().and_then(|s| s.replicas),
        _ => return None,
    };
    Some(r.unwrap_or(1))
}

/// The text the "kubectl apply" dialog opens with: what `kubectl edit` shows of `target`
/// when it exists at the end of the story, else its last version in the scenario (to
/// create it again), else a template.
pub fn apply_text(
    scenario: &Scenario,
    last: &Simulation,
    target: Option<&(Kind, ObjectKey)>,
) -> String {
    let Some((kind, key)) = target else {
        return crate::forms::YAML_TEMPLATE.to_string();
    };
    export::edit_yaml(last, *kind, key)
        .or_else(|| {
            scenario
                .latest_index_of(*kind, key)
                .map(|i| scenario.docs[i].to_yaml())
        })
        .unwrap_or_else(|| crate::forms::YAML_TEMPLATE.to_string())
}

/// Objects the scenario wrote that no longer exist at the end of the story (deleted along
/// the way, or not yet arrived): what one may want to `kubectl apply` again.
pub fn gone_objects(scenario: &Scenario, last: &Simulation) -> Vec<(Kind, ObjectKey)> {
    let mut out: Vec<(Kind, ObjectKey)> = Vec::new();
    for m in &scenario.docs {
        let id = (m.kind(), m.key());
        if !last.object_exists(id.0, &id.1) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

fn rename_in_then(then: &mut [Then], old: &(Kind, ObjectKey), new: &(Kind, ObjectKey)) {
    for t in then {
        if let Then::Create { kind, key }
        | Then::Apply { kind, key }
        | Then::Delete { kind, key }
        | Then::Scale { kind, key, .. } = t
        {
            if (*kind, key.clone()) == *old {
                *kind = new.0;
                *key = new.1.clone();
            }
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A `then:` action as its header line writes it.
pub fn then_text(t: &Then) -> String {
    match t {
        Then::Create { kind, key } => format!("create {kind} {key}"),
        Then::Apply { kind, key } => format!("apply {kind} {key}"),
        Then::Delete { kind, key } => format!("delete {kind} {key}"),
        Then::Scale {
            kind,
            key,
            replicas,
        } => format!("scale {kind} {key} {replicas}"),
        Then::AdvanceSeconds(s) => format!("advance {s}s"),
    }
}

/// One point of the timeline.
#[derive(Clone, Debug)]
pub struct Frame {
    pub sim: Simulation,
    /// What just happened, for the scrubber's label.
    pub label: String,
    /// Whether this frame ends a scheduling cycle ("step one scheduling cycle" stops here).
    pub scheduling: bool,
    /// What the cluster view draws of it, computed on first use: the header, the cluster
    /// and the storage tables all read it, and a run carried on keeps it for the frames
    /// before.
    cluster_view: std::cell::OnceCell<Rc<crate::view_model::ClusterView>>,
}

impl Frame {
    pub fn new(sim: Simulation, label: String, scheduling: bool) -> Frame {
        Frame {
            sim,
            label,
            scheduling,
            cluster_view: Default::default(),
        }
    }

    pub fn cluster_view(&self) -> Rc<crate::view_model::ClusterView> {
        self.cluster_view
            .get_or_init(|| Rc::new(crate::view_model::cluster_view(&self.sim)))
            .clone()
    }
}

/// A recorded run of a scenario.
#[derive(Clone, Debug)]
pub struct Run {
    /// Shared, so a run carried on from another ([`resume`]) keeps the frames before.
    pub frames: Vec<Rc<Frame>>,
    /// How many engine steps each kept frame stands for (1 unless the run was long).
    pub stride: usize,
    /// What the API server rejected (`doc N: path: message`) and `then: create` / `apply`
    /// actions that name no object: a scenario with problems is not accepted.
    pub problems: Vec<String>,
    /// `then:` actions that did nothing (deleting what is already gone): shown, not fatal.
    pub notes: Vec<String>,
    /// How many moments (the load, steps, actions) the engine went through. Another run of
    /// the same scenario goes through the same ones (the engine is deterministic), so the
    /// timeline run that follows an outcome-first one knows its length in advance.
    pub moments: usize,
}

impl Run {
    pub fn last(&self) -> &Simulation {
        &self
            .frames
            .last()
            .expect("a run has at least one frame")
            .sim
    }
}

/// Frames are whole snapshots, so a big scenario keeps fewer of them: about this many
/// objects across all frames: a 1,000-object cluster keeps 20, a 10,000-object one only
/// the first and last, a built-in every step. (Snapshots are deep copies; in a 50-node,
/// 400-pod scenario a hundred of them cost three times the simulation itself.)
pub const FRAME_OBJECT_BUDGET: usize = 20_000;

/// How many frames a scenario of `objects` objects may keep (at least first and last).
pub fn frame_budget(objects: usize, max_frames: usize) -> usize {
    (FRAME_OBJECT_BUDGET / objects.max(1)).clamp(2, max_frames.max(2))
}

/// Keeps the frames of a run as the engine shows them: every step until there are more
/// than the budget, then every other one, and so on (actions always).
struct Recorder {
    frames: Vec<Rc<Frame>>,
    stride: usize,
    seen: usize,
    max_frames: usize,
    then: Vec<Then>,
    /// Moments of the run this one carries on ([`resume`]), for [`Run::moments`].
    moments_before: usize,
}

impl Recorder {
    fn observe(&mut self, sim: &Simulation, moment: Moment) {
        // A budget of two frames (the outcome-first run, a huge scenario) is the first and
        // the last: a step sampled between would be dropped or arbitrary, and each costs a
        // snapshot of the whole cluster.
        let keep = match moment {
            Moment::Step(_) if self.max_frames <= 2 => false,
            Moment::Step(_) => self.seen.is_multiple_of(self.stride),
            _ => true,
        };
        self.seen += 1;
        if !keep {
            return;
        }
        let (label, scheduling) = match moment {
            Moment::Loaded => ("manifests applied".to_string(), false),
            Moment::Step(StepOutcome::Scheduled { pod }) => {
                (format!("scheduling cycle: {pod}"), true)
            }
            Moment::Step(StepOutcome::Controllers) => ("controllers".to_string(), false),
            Moment::Step(StepOutcome::Clock { to }) => (format!("clock → {to}"), false),
            Moment::Step(StepOutcome::Idle) => ("idle".to_string(), false),
            Moment::Then(i) => (
                self.then
                    .get(i)
                    .map(|t| format!("then: {}", then_text(t)))
                    .unwrap_or_default(),
                false,
            ),
        };
        self.frames
            .push(Rc::new(Frame::new(sim.snapshot(), label, scheduling)));
        if self.frames.len() > self.max_frames {
            // Keep the first frame and every other one after it; later steps are sampled
            // twice as sparsely.
            let mut i = 0;
            self.frames.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
            self.stride *= 2;
        }
    }

    /// The run ending in `sim` (added as the last frame unless it is one already).
    fn finish(
        mut self,
        sim: Simulation,
        problems: Vec<String>,
        then_errors: Vec<String>,
        mut notes: Vec<String>,
    ) -> Run {
        let last_is_final = self.frames.last().is_some_and(|f| {
            // The log too: a run that hit its step bound notes it after the last step.
            f.sim.steps() == sim.steps()
                && f.sim.now() == sim.now()
                && f.sim.log().len() == sim.log().len()
        });
        if !last_is_final {
            self.frames
                .push(Rc::new(Frame::new(sim, "idle".to_string(), false)));
        }
        let mut problems = problems;
        let (missing, failed): (Vec<String>, Vec<String>) = then_errors
            .into_iter()
            .partition(|e| e.starts_with("create:") || e.starts_with("apply:"));
        problems.extend(missing);
        notes.extend(failed);
        Run {
            frames: self.frames,
            stride: self.stride,
            problems,
            notes,
            moments: self.moments_before + self.seen,
        }
    }
}

/// What each document of `scenario` prepares to (remembered across runs: an edit changes
/// one document or a few, and the re-run prepares only those).
fn prepared_docs(scenario: &Scenario) -> Vec<Rc<Prepared>> {
    scenario.docs.iter().map(document_prepared).collect()
}

/// The manifests of `scenario`, borrowed, not copied: a 50-node scenario's 450 documents
/// cost more to clone than to schedule. `prepared`, when given, is [`prepared_docs`].
fn doc_refs<'a>(scenario: &'a Scenario, prepared: Option<&'a [Rc<Prepared>]>) -> Vec<DocRef<'a>> {
    scenario
        .docs
        .iter()
        .enumerate()
        .map(|(i, m)| DocRef {
            doc: i + 1,
            path: "",
            manifest: m,
            prepared: prepared.map(|p| &*p[i]),
        })
        .collect()
}

/// Runs `scenario` from scratch, keeping at most `max_frames` frames (the first, the last,
/// and evenly spaced ones between).
pub fn run(scenario: &Scenario, max_frames: usize) -> Run {
    run_expecting(scenario, max_frames, None)
}

/// [`run`], told how many moments the run will have (the [`Run::moments`] of an earlier
/// run of the same scenario): it samples at the final stride from the start, so it takes
/// about as many snapshots as it keeps, where [`run`] doubles its stride as the run grows
/// and takes several times more (each a deep copy of the cluster). The frames differ, the
/// end does not.
pub fn run_expecting(scenario: &Scenario, max_frames: usize, moments: Option<usize>) -> Run {
    let max_frames = frame_budget(scenario.docs.len(), max_frames);
    let stride = match moments {
        Some(m) if max_frames > 2 => m.div_ceil(max_frames - 1).max(1).next_power_of_two(),
        _ => 1,
    };
    let mut recorder = Recorder {
        frames: Vec::new(),
        stride,
        seen: 0,
        max_frames,
        then: scenario.then.clone(),
        moments_before: 0,
    };
    let prepared = prepared_docs(scenario);
    let docs = doc_refs(scenario, Some(&prepared));
    let (sim, load_errors, then_errors) = scenario.text().run_borrowed_observed(
        &docs,
        scenario.seed,
        MAX_STEPS,
        &mut |sim, moment| recorder.observe(sim, moment),
    );
    let problems = load_errors.iter().map(ToString::to_string).collect();
    recorder.finish(sim, problems, then_errors, Vec::new())
}

/// The run of `next` carried on from `prev`, the run of `before`, when `next` only adds
/// `then:` actions (and the held-back documents they bring) to `before`: the usual
/// `kubectl delete`, `kubectl scale` or `kubectl edit` from the inspector. The engine plays
/// only the new actions from where `prev` ended, and the frames before stay as they were;
/// the outcome is the one [`run`] would reach (the engine is deterministic and a frame is
/// its whole state). `None` when `next` changes anything else: then it is run from scratch.
pub fn resume(before: &Scenario, prev: &Run, next: &Scenario, max_frames: usize) -> Option<Run> {
    let (old_docs, old_then) = (before.docs.len(), before.then.len());
    let appends_only = prev.problems.is_empty()
        && next.seed == before.seed
        && next.docs.len() >= old_docs
        && next.then.len() > old_then
        && next.then[..old_then] == before.then[..]
        && next.docs[..old_docs]
            .iter()
            .zip(&before.docs)
            .all(|(a, b)| same_document(a, b));
    if !appends_only {
        return None;
    }
    // The documents the cluster started with must be the same, and the new ones all held
    // back for the new actions.
    // Only held-back documents are applied from here on, by the `then:` player, which
    // takes them as they are: nothing to prepare.
    let docs = doc_refs(next, None);
    let initial = next.text().initial_of(&docs);
    if initial[old_docs..].iter().any(|&i| i)
        || initial[..old_docs] != before.text().initial_of(&docs[..old_docs])[..]
    {
        return None;
    }
    let mut recorder = Recorder {
        frames: prev.frames.clone(),
        stride: prev.stride,
        seen: 0,
        moments_before: prev.moments,
        max_frames: frame_budget(next.docs.len(), max_frames).max(prev.frames.len()),
        then: next.then.clone(),
    };
    let mut sim = prev.last().snapshot();
    let (rejected, then_errors) = next.text().resume_borrowed_observed(
        &mut sim,
        &docs,
        old_then,
        MAX_STEPS,
        &mut |sim, moment| recorder.observe(sim, moment),
    );
    let problems = rejected.iter().map(ToString::to_string).collect();
    Some(recorder.finish(sim, problems, then_errors, prev.notes.clone()))
}

/// Runs `scenario` and keeps it only if the API server accepts every object in it.
pub fn accept(scenario: Scenario, max_frames: usize) -> Result<(Scenario, Run), Rejected> {
    let recorded = run(&scenario, max_frames);
    if recorded.problems.is_empty() {
        Ok((scenario, recorded))
    } else {
        Err(Rejected(recorded.problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_round_trips_through_its_file_form() {
        for b in builtin::all() {
            let s = Scenario::builtin(b.id).expect(b.id);
            let (again, _) = Scenario::from_yaml(&s.to_yaml()).expect(b.id);
            assert_eq!(again, s, "{}", b.id);
        }
    }

    /// A re-run after an edit reuses what the unchanged documents prepared to, and prepares
    /// the edited one afresh: it ends where the engine ends on the same documents read
    /// without any remembering.
    #[test]
    fn a_rerun_after_an_edit_ends_where_a_plain_run_ends() {
        let plain = |s: &Scenario| {
            let docs = doc_refs(s, None);
            let (sim, _, _) =
                s.text()
                    .run_borrowed_observed(&docs, s.seed, MAX_STEPS, &mut |_, _| {});
            (sim.log().render(), export::state_yaml(&sim))
        };
        let shown = |r: &Run| (r.last().log().render(), export::state_yaml(r.last()));
        for id in [
            "rwop-preemption",
            "local-pv-wffc",
            "zonal-volume-zone",
            "statefulset-zone-spread",
        ] {
            let mut s = Scenario::builtin(id).unwrap();
            assert_eq!(shown(&run(&s, MAX_FRAMES)), plain(&s), "{id}");
            // Cordon each node in turn: every edit replaces one document.
            let nodes: Vec<usize> = (0..s.docs.len())
                .filter(|&i| s.docs[i].kind() == Kind::Node)
                .collect();
            assert!(!nodes.is_empty(), "{id}");
            for i in nodes {
                let mut next = (*s.docs[i]).clone();
                if let Manifest::Node(n) = &mut next {
                    n.spec.get_or_insert_with(Default::default).unschedulable = Some(true);
                }
                let replacing = Some((Kind::Node, s.docs[i].key()));
                s = s.with_object(next, replacing);
                assert_eq!(
                    shown(&run(&s, MAX_FRAMES)),
                    plain(&s),
                    "{id} after cordoning doc {i}"
                );
            }
        }
    }

    #[test]
    fn remembered_document_yaml_follows_every_edit() {
        let fresh = |s: &Scenario| -> String {
            s.docs
                .iter()
                .map(|m| format!("---\n{}", m.to_yaml()))
                .collect()
        };
        let mut s = Scenario::builtin("rwop-preemption").unwrap();
        for round in 0..3 {
            let yaml = s.to_yaml();
            assert!(yaml.ends_with(&fresh(&s)), "round {round}");
            // Edit the first pod (a new document in place of the old one).
            let i = s.docs.iter().position(|m| m.kind() == Kind::Pod).unwrap();
            let mut next = (*s.docs[i]).clone();
            if let Manifest::Pod(p) = &mut next {
                p.metadata
                    .labels
                    .get_or_insert_with(Default::default)
                    .insert("round".to_string(), round.to_string());
            }
            let replacing = Some((Kind::Pod, s.docs[i].key()));
            s = s.with_object(next, replacing);
            assert!(
                s.to_yaml().contains(&format!("round: \"{round}\"")),
                "{}",
                s.to_yaml()
            );
            assert!(s.to_yaml().ends_with(&fresh(&s)));
        }
    }

    /// A two-frame budget (the outcome-first run) keeps the first and the last state, with no
    /// sampled step between, and ends where the whole timeline ends.
    #[test]
    fn an_outcome_run_keeps_first_and_last_only() {
        let docs = bindery_core::generate::generate("storage-mix", 20, 150, 1).unwrap();
        let s = Scenario::of_manifests("", "", docs);
        let outcome = run(&s, 2);
        let whole = run(&s, MAX_FRAMES);
        assert_eq!(outcome.frames.len(), 2);
        assert_eq!(outcome.frames[0].label, "manifests applied");
        assert_eq!(outcome.last().log().render(), whole.last().log().render());
        assert_eq!(
            outcome.frames[0].sim.log().render(),
            whole.frames[0].sim.log().render()
        );
    }

    /// A timeline run told the outcome run's length keeps its frame budget, goes through the
    /// same moments and ends in the same place as one that is not told; so does one told a
    /// wrong length (it only samples differently).
    #[test]
    fn a_run_told_its_length_ends_where_any_run_ends() {
        let docs = bindery_core::generate::generate("storage-mix", 20, 150, 1).unwrap();
        let generated = Scenario::of_manifests("", "", docs);
        for s in [generated, Scenario::builtin("rwop-preemption").unwrap()] {
            let budget = frame_budget(s.docs.len(), MAX_FRAMES);
            let outcome = run(&s, 2);
            let plain = run(&s, MAX_FRAMES);
            assert_eq!(outcome.moments, plain.moments);
            for told in [outcome.moments, 1, outcome.moments * 8] {
                let r = run_expecting(&s, MAX_FRAMES, Some(told));
                assert_eq!(r.moments, plain.moments);
                assert!(
                    r.frames.len() <= budget + 1,
                    "{} > {budget}",
                    r.frames.len()
                );
                assert_eq!(r.last().log().render(), plain.last().log().render());
                assert_eq!(r.frames[0].label, "manifests applied");
            }
            let told = run_expecting(&s, MAX_FRAMES, Some(outcome.moments));
            // Sampled from the start, it keeps most of its budget when the run is long.
            if plain.stride > 1 {
                assert!(
                    told.frames.len() * 2 >= budget,
                    "{} of {budget}",
                    told.frames.len()
                );
            } else {
                assert_eq!(told.frames.len(), plain.frames.len());
            }
        }
    }

    #[test]
    fn big_scenarios_keep_fewer_frames_but_the_same_end() {
        assert_eq!(frame_budget(10, MAX_FRAMES), MAX_FRAMES);
        assert_eq!(frame_budget(1_000, MAX_FRAMES), 20);
        assert_eq!(frame_budget(1_000_000, MAX_FRAMES), 2);
        let docs = bindery_core::generate::generate("storage-mix", 20, 150, 1).unwrap();
        let s = Scenario::of_manifests("", "", docs);
        let budget = frame_budget(s.docs.len(), MAX_FRAMES);
        let sparse = run(&s, MAX_FRAMES);
        let dense = run(&s, usize::MAX);
        assert!(
            sparse.frames.len() <= budget + 1,
            "{} frames > {budget}",
            sparse.frames.len()
        );
        assert!(sparse.stride > 1);
        assert_eq!(sparse.last().log().render(), dense.last().log().render());
    }

    #[test]
    fn the_last_frame_is_what_the_cli_computes() {
        for b in builtin::all() {
            let s = Scenario::builtin(b.id).unwrap();
            let run = run(&s, MAX_FRAMES);
            let cli = b.text.run(s.seed, MAX_STEPS).unwrap();
            assert_eq!(
                run.last().log().render(),
                cli.sim.log().render(),
                "{}",
                b.id
            );
            assert_eq!(run.stride, 1);
            assert_eq!(run.frames[0].label, "manifests applied");
        }
    }

    /// The outcome of a run: what the final frame shows and what was reported.
    fn outcome(run: &Run) -> (String, String, Vec<String>, Vec<String>) {
        (
            run.last().log().render(),
            bindery_core::scenario::export::state_yaml(run.last()),
            run.problems.clone(),
            run.notes.clone(),
        )
    }

    #[test]
    fn an_appended_action_carries_the_run_on_to_the_same_end() {
        let medium = Scenario::of_manifests(
            "",
            "",
            bindery_core::generate::generate("storage-mix", 20, 150, 1).unwrap(),
        );
        let mut scenarios: Vec<Scenario> = builtin::IDS
            .iter()
            .map(|id| Scenario::builtin(id).unwrap())
            .collect();
        scenarios.push(medium);
        let mut resumed = 0;
        for before in &scenarios {
            for max_frames in [MAX_FRAMES, 2] {
                let prev = run(before, max_frames);
                let last = prev.last().cluster();
                // kubectl delete of a running pod, of one already gone (a note), of a
                // claim; kubectl edit (a new version of a class, applied later).
                let mut nexts = Vec::new();
                if let Some(key) = last.pods().keys().nth(1) {
                    let delete = Then::Delete {
                        kind: Kind::Pod,
                        key: key.clone(),
                    };
                    nexts.push(before.with_then(delete.clone()));
                    nexts.push(before.with_then(delete.clone()).with_then(delete));
                }
                if let Some(key) = last.pvcs().keys().next() {
                    nexts.push(before.with_then(Then::Delete {
                        kind: Kind::PersistentVolumeClaim,
                        key: key.clone(),
                    }));
                }
                if let Some(doc) = before.docs.iter().find(|m| m.kind() == Kind::StorageClass) {
                    nexts.push(before.applied_later((**doc).clone()));
                }
                for next in nexts {
                    // From the run before, and from a run that itself was resumed.
                    let carried = resume(before, &prev, &next, max_frames)
                        .unwrap_or_else(|| panic!("{}: not resumed", before.title));
                    let scratch = run(&next, MAX_FRAMES);
                    assert_eq!(outcome(&carried), outcome(&scratch), "{}", before.title);
                    assert_eq!(carried.moments, scratch.moments, "{}", before.title);
                    assert_eq!(carried.frames[0].label, "manifests applied");
                    let again = next.with_then(Then::AdvanceSeconds(60));
                    let twice = resume(&next, &carried, &again, max_frames).unwrap();
                    assert_eq!(outcome(&twice), outcome(&run(&again, MAX_FRAMES)));
                    resumed += 1;
                }
            }
        }
        assert!(resumed > 40, "only {resumed} resumed runs checked");
    }

    #[test]
    fn anything_but_an_appended_action_runs_from_scratch() {
        let before = Scenario::builtin("rwo-vs-rwop").unwrap();
        assert!(before.then.is_empty());
        let prev = run(&before, MAX_FRAMES);
        let pod = prev.last().cluster().pods().keys().next().unwrap().clone();
        let delete = Then::Delete {
            kind: Kind::Pod,
            key: pod.clone(),
        };
        // An edit of a document the cluster starts with.
        let edited = before.without_object(Kind::Pod, &pod);
        assert!(resume(
            &before,
            &prev,
            &edited.with_then(delete.clone()),
            MAX_FRAMES
        )
        .is_none());
        // Another seed.
        let mut reseeded = before.with_then(delete.clone());
        reseeded.seed += 1;
        assert!(resume(&before, &prev, &reseeded, MAX_FRAMES).is_none());
        // A `then: create` of an object the cluster started with holds its document back.
        let held = before.with_then(Then::Create {
            kind: Kind::Pod,
            key: pod.clone(),
        });
        assert!(resume(&before, &prev, &held, MAX_FRAMES).is_none());
        // Nothing appended.
        assert!(resume(&before, &prev, &before, MAX_FRAMES).is_none());
        // A run with problems is not carried on.
        let mut rejected = prev.clone();
        rejected.problems.push("doc 1: bad".to_string());
        assert!(resume(&before, &rejected, &before.with_then(delete), MAX_FRAMES).is_none());
    }

    #[test]
    fn long_runs_are_sampled_but_keep_first_and_last() {
        let s = Scenario::builtin("topology-aware-provisioning").unwrap();
        let full = run(&s, MAX_FRAMES);
        let sampled = run(&s, 4);
        assert!(sampled.frames.len() <= 5, "{}", sampled.frames.len());
        assert!(sampled.stride > 1);
        assert_eq!(sampled.last().log().render(), full.last().log().render());
    }

    #[test]
    fn invalid_edits_are_rejected_with_the_api_servers_words() {
        let s = Scenario::builtin("rwo-vs-rwop").unwrap();
        let bad = parse(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: mixed}\nspec:\n  accessModes: [ReadWriteOncePod, ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n",
        );
        let err = accept(s.with_object(bad.manifests[0].manifest.clone(), None), 10).unwrap_err();
        assert!(
            err.0[0].contains("may not use ReadWriteOncePod with other access modes"),
            "{err}"
        );
    }

    #[test]
    fn import_of_malformed_yaml_names_the_document() {
        let err =
            Scenario::from_yaml("apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\nkind: [\n")
                .unwrap_err();
        assert!(err.0[0].starts_with("doc 2: invalid YAML"), "{err}");
    }

    #[test]
    fn renaming_an_object_keeps_its_then_actions() {
        let s = Scenario::builtin("rwop-preemption").unwrap();
        let Some(Then::Create { kind, key }) = s.then.first().cloned() else {
            panic!("rwop-preemption creates its preemptor later: {:?}", s.then);
        };
        let i = s.index_of(kind, &key).unwrap();
        let mut renamed = (*s.docs[i]).clone();
        if let Manifest::Pod(p) = &mut renamed {
            p.metadata.name = Some("renamed".into());
        }
        let (next, _) = accept(s.with_object(renamed, Some((kind, key))), 10).unwrap();
        assert!(matches!(&next.then[0], Then::Create { key, .. } if &*key.name == "renamed"));
    }

    #[test]
    fn a_live_apply_is_a_new_version_that_survives_the_file_form() {
        let s = Scenario::builtin("rwo-vs-rwop").unwrap();
        let sc = s
            .docs
            .iter()
            .find(|m| m.kind() == Kind::Pod)
            .map(|m| (**m).clone())
            .unwrap();
        let (kind, key) = (sc.kind(), sc.key());
        let next = s
            .with_then(Then::Delete {
                kind,
                key: key.clone(),
            })
            .applied_later(sc.clone());
        assert_eq!(next.docs.len(), s.docs.len() + 1);
        assert_eq!(next.index_of(kind, &key), s.index_of(kind, &key));
        assert_eq!(next.latest_index_of(kind, &key), Some(s.docs.len()));
        let (back, _) = Scenario::from_yaml(&next.to_yaml()).unwrap();
        assert_eq!(back.then, next.then);
        assert_eq!(back.docs.len(), next.docs.len());
        let (_, run) = accept(next.clone(), MAX_FRAMES).unwrap();
        assert!(run.last().object_exists(kind, &key), "created again");
        assert!(gone_objects(&next, run.last()).is_empty());
        // Removing the object removes every version and every action naming it.
        let removed = next.without_object(kind, &key);
        assert!(removed.index_of(kind, &key).is_none() && removed.then.is_empty());
    }
}
