//! The app's state and every way it changes (a Yew reducer, plain Rust underneath).
//!
//! Edits never mutate the simulation: they produce a new [`Scenario`], which is run from
//! scratch ([`script::accept`]); a scenario the API server rejects leaves everything as
//! it was and shows why. Undo/redo are stacks of scenarios.

use std::rc::Rc;

use bindery_core::model::{Kind, ObjectKey};
use bindery_core::scenario::builtin::Then;
use bindery_core::scenario::Manifest;
use yew::Reducible;

use crate::script::{self, Rejected, Run, Scenario};
use crate::view_model::Selection;

/// Undo steps kept.
pub const HISTORY_LIMIT: usize = 100;

/// How many runs of scenarios shown before are kept for undo and redo (runs hold their
/// timelines' snapshots, so not one per history entry).
pub const RECENT_RUNS: usize = 4;

/// A scenario shown before, with its run.
#[derive(Clone, Debug)]
pub struct RecentRun {
    pub scenario: Rc<Scenario>,
    pub run: Rc<Run>,
    pub timeline_pending: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Error,
    Info,
}

/// A message above the workspace (an import error, a share link, …).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub title: String,
    pub lines: Vec<String>,
}

impl Notice {
    pub fn error(title: impl Into<String>, lines: Vec<String>) -> Notice {
        Notice {
            kind: NoticeKind::Error,
            title: title.into(),
            lines,
        }
    }

    pub fn info(title: impl Into<String>, lines: Vec<String>) -> Notice {
        Notice {
            kind: NoticeKind::Info,
            title: title.into(),
            lines,
        }
    }
}

/// Which dialog is open.
#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    Gallery,
    Yaml,
    /// A form adding an object of this kind.
    Add(Kind),
    /// The YAML editor for one object of the scenario (or a new one when `None`).
    EditYaml(Option<(Kind, ObjectKey)>),
    /// `kubectl apply` / `kubectl edit` at the end of the story: opens on the live object
    /// (or its last version in the scenario, or a template when `None`).
    KubectlApply(Option<(Kind, ObjectKey)>),
    /// Snippets that embed the current scenario in a documentation page.
    Embed,
}

/// Scenarios are shared (`Rc`): every action copies the state, and a deep copy of a
/// 30,000-object scenario and its undo history would cost more than the action.
pub struct AppState {
    pub scenario: Rc<Scenario>,
    pub run: Rc<Run>,
    /// The timeline position shown.
    pub cursor: usize,
    pub playing: bool,
    pub past: Vec<Rc<Scenario>>,
    pub future: Vec<Rc<Scenario>>,
    /// The runs of the last few scenarios shown, newest last: undo and redo reuse them.
    pub recent_runs: Vec<RecentRun>,
    pub selection: Option<Selection>,
    /// Show only this object's events.
    pub event_filter: Option<Selection>,
    pub notice: Option<Notice>,
    pub dialog: Option<Dialog>,
    /// Problems with the form or YAML editor's last submission (kept open until it works).
    pub dialog_errors: Vec<String>,
    /// Milliseconds the last engine run took (`performance.now()` in the browser).
    pub last_run_ms: f64,
    /// Bumped on every accepted scenario, so autosave runs once per change.
    pub revision: u64,
    /// The run shows only its first and last frames so far: an edit of a big scenario
    /// shows its outcome first, and the full timeline (`Action::CompleteTimeline`) once
    /// the browser is idle.
    pub timeline_pending: bool,
}

/// Scenarios with more objects than this show an edit's outcome before its timeline: the
/// snapshots a full timeline keeps cost about as much as the run itself (40% of it at 50
/// nodes / 400 pods).
pub const OUTCOME_FIRST_OBJECTS: usize = 200;

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision
            && self.cursor == other.cursor
            && self.playing == other.playing
            && self.selection == other.selection
            && self.event_filter == other.event_filter
            && self.notice == other.notice
            && self.dialog == other.dialog
            && self.dialog_errors == other.dialog_errors
            && self.timeline_pending == other.timeline_pending
            && Rc::ptr_eq(&self.run, &other.run)
    }
}

#[derive(Clone, Debug)]
pub enum Action {
    /// Replace the scenario (a built-in, an import, a share link); undoable.
    Load {
        scenario: Scenario,
        notice: Option<Notice>,
    },
    /// Read a scenario file; on any problem nothing changes.
    ImportYaml(String),
    /// Add or replace one object.
    PutObject {
        manifest: Manifest,
        replacing: Option<(Kind, ObjectKey)>,
    },
    /// Replace an object and create it only after the rest has settled (`then: create`):
    /// a pod's new priority class, like `kubectl delete` + `kubectl create`.
    Recreate {
        manifest: Manifest,
        replacing: Option<(Kind, ObjectKey)>,
    },
    /// Edit the scenario's YAML text of one object (or add one).
    PutObjectYaml {
        yaml: String,
        replacing: Option<(Kind, ObjectKey)>,
    },
    /// `kubectl apply -f` after the story so far has settled: each object becomes a
    /// `then: apply` of its next version.
    KubectlApply(String),
    /// Remove an object from the scenario (as if it had never been written).
    RemoveObject(Kind, ObjectKey),
    /// Append a `then:` action (`kubectl delete`, time passing).
    Then(Then),
    /// Replace the first-and-last run of this revision by its full timeline (sent when the
    /// browser is idle after an edit of a big scenario; stale revisions are ignored).
    CompleteTimeline(u64),
    SetSeed(u64),
    Undo,
    Redo,
    Seek(usize),
    Play,
    Pause,
    /// One timeline frame forward (the play timer's tick).
    Tick,
    Back,
    /// Forward to the end of the next scheduling cycle.
    StepCycle,
    ToEnd,
    Select(Option<Selection>),
    FilterEvents(Option<Selection>),
    Notify(Notice),
    /// Problems with what an open dialog's form says, shown in the dialog (a page notice
    /// would sit behind it).
    DialogProblems(Vec<String>),
    Dismiss,
    Open(Dialog),
    Close,
}

/// `performance.now()` in the browser; native tests measure nothing.
fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.performance())
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

impl AppState {
    /// A state showing `scenario` (which must be acceptable; built-ins are).
    pub fn new(scenario: Scenario) -> AppState {
        let start = now_ms();
        let run = script::run(&scenario, script::MAX_FRAMES);
        let last_run_ms = now_ms() - start;
        let cursor = run.frames.len() - 1;
        AppState {
            scenario: Rc::new(scenario),
            run: Rc::new(run),
            cursor,
            playing: false,
            past: Vec::new(),
            future: Vec::new(),
            recent_runs: Vec::new(),
            selection: None,
            event_filter: None,
            notice: None,
            dialog: None,
            dialog_errors: Vec::new(),
            last_run_ms,
            revision: 0,
            timeline_pending: false,
        }
    }

    pub fn frame(&self) -> &script::Frame {
        &self.run.frames[self.cursor.min(self.run.frames.len() - 1)]
    }

    pub fn at_end(&self) -> bool {
        self.cursor + 1 >= self.run.frames.len()
    }

    fn copy(&self) -> AppState {
        AppState {
            scenario: self.scenario.clone(),
            run: self.run.clone(),
            cursor: self.cursor,
            playing: self.playing,
            past: self.past.clone(),
            future: self.future.clone(),
            recent_runs: self.recent_runs.clone(),
            selection: self.selection.clone(),
            event_filter: self.event_filter.clone(),
            notice: self.notice.clone(),
            dialog: self.dialog.clone(),
            dialog_errors: self.dialog_errors.clone(),
            last_run_ms: self.last_run_ms,
            revision: self.revision,
            timeline_pending: self.timeline_pending,
        }
    }

    /// Runs `next`; if accepted it becomes the scenario (the old one goes on the undo
    /// stack) and the timeline shows its end: the state a real cluster would reach.
    fn try_scenario(
        &mut self,
        next: impl Into<Rc<Scenario>>,
        record_history: bool,
    ) -> Result<(), Rejected> {
        let scenario: Rc<Scenario> = next.into();
        // A big scenario's timeline is filled in later; one whose frame budget is first and
        // last anyway (10,000 pods) has nothing to fill in.
        let objects = scenario.docs.len();
        let outcome_first = objects > OUTCOME_FIRST_OBJECTS
            && script::frame_budget(objects, script::MAX_FRAMES) > 2;
        let start = now_ms();
        // Undo and redo come back to a scenario shown a moment ago: its run is remembered
        // (a run is a function of its scenario, so it is the run).
        let remembered = self
            .recent_runs
            .iter()
            .position(|r| Rc::ptr_eq(&r.scenario, &scenario))
            .map(|i| self.recent_runs.remove(i));
        if let Some(r) = remembered {
            self.last_run_ms = now_ms() - start;
            self.show(scenario, r.run, r.timeline_pending, record_history);
            return Ok(());
        }
        // An appended `then:` action (kubectl delete / scale / edit) carries the current run
        // on instead of re-running everything; its timeline is as complete as the one it
        // continues.
        let resumed = script::resume(
            &self.scenario,
            &self.run,
            &scenario,
            if self.timeline_pending {
                2
            } else {
                script::MAX_FRAMES
            },
        );
        let outcome_first = match &resumed {
            Some(_) => self.timeline_pending,
            None => outcome_first,
        };
        let run = resumed.unwrap_or_else(|| {
            script::run(
                &scenario,
                if outcome_first { 2 } else { script::MAX_FRAMES },
            )
        });
        self.last_run_ms = now_ms() - start;
        if !run.problems.is_empty() {
            return Err(Rejected(run.problems));
        }
        self.show(scenario, Rc::new(run), outcome_first, record_history);
        Ok(())
    }

    /// Makes `scenario`, whose run is `run`, the one shown (at its end); the one shown
    /// before goes on the undo stack if `record_history`, and its run among the recent
    /// ones.
    fn show(
        &mut self,
        scenario: Rc<Scenario>,
        run: Rc<Run>,
        timeline_pending: bool,
        record_history: bool,
    ) {
        self.recent_runs.push(RecentRun {
            scenario: self.scenario.clone(),
            run: self.run.clone(),
            timeline_pending: self.timeline_pending,
        });
        if self.recent_runs.len() > RECENT_RUNS {
            crate::platform::drop_later(self.recent_runs.remove(0));
        }
        if record_history {
            self.past
                .push(std::mem::replace(&mut self.scenario, scenario));
            if self.past.len() > HISTORY_LIMIT {
                self.past.remove(0);
            }
            self.future.clear();
        } else {
            self.scenario = scenario;
        }
        crate::platform::drop_later(std::mem::replace(&mut self.run, run));
        self.timeline_pending = timeline_pending;
        self.cursor = self.run.frames.len() - 1;
        self.playing = false;
        self.revision += 1;
        // A selection of something that no longer exists is dropped.
        if let Some(sel) = &self.selection {
            if !exists(self.run.last(), sel) {
                self.selection = None;
            }
        }
        if self
            .event_filter
            .as_ref()
            .is_some_and(|s| !exists(self.run.last(), s))
        {
            self.event_filter = None;
        }
        if !self.run.notes.is_empty() {
            self.notice = Some(Notice::info(
                "Some actions had nothing to do",
                self.run.notes.clone(),
            ));
        }
    }

    /// An edited scenario from a form or an inspector action: on success the dialog closes
    /// and the object is selected; a rejection is shown where the edit was made.
    fn put(&mut self, next: Scenario, selection: Selection) {
        match self.try_scenario(next, true) {
            Ok(()) => {
                self.dialog = None;
                self.dialog_errors.clear();
                if exists(self.run.last(), &selection) {
                    self.selection = Some(selection);
                }
            }
            Err(e) if self.dialog.is_some() => self.dialog_errors = e.0,
            Err(e) => self.notice = Some(Notice::error("The change was rejected", e.0)),
        }
    }

    /// Applies one action (the reducer, testable without a browser).
    pub fn apply(&self, action: Action) -> AppState {
        let mut s = self.copy();
        match action {
            Action::Load { scenario, notice } => match s.try_scenario(scenario, true) {
                Ok(()) => {
                    s.selection = None;
                    s.event_filter = None;
                    s.dialog = None;
                    s.notice = notice;
                }
                Err(e) => {
                    s.notice = Some(Notice::error("The scenario was not loaded", e.0));
                }
            },
            Action::ImportYaml(text) => match Scenario::from_yaml(&text) {
                Ok((scenario, warnings)) => match s.try_scenario(scenario, true) {
                    Ok(()) => {
                        s.selection = None;
                        s.event_filter = None;
                        s.dialog = None;
                        s.dialog_errors.clear();
                        s.notice = Some(if warnings.is_empty() {
                            Notice::info(format!("Imported “{}”", s.scenario.title), Vec::new())
                        } else {
                            Notice::info(
                                format!("Imported “{}” with warnings", s.scenario.title),
                                warnings.iter().map(ToString::to_string).collect(),
                            )
                        });
                    }
                    Err(e) => import_failed(&mut s, e),
                },
                Err(e) => import_failed(&mut s, e),
            },
            Action::PutObject {
                manifest,
                replacing,
            } => {
                let selection = Selection::new(manifest.kind(), manifest.key());
                let next = s.scenario.with_object(manifest, replacing);
                s.put(next, selection);
            }
            Action::Recreate {
                manifest,
                replacing,
            } => {
                let selection = Selection::new(manifest.kind(), manifest.key());
                let next = s.scenario.recreated_later(manifest, replacing);
                s.put(next, selection);
            }
            Action::PutObjectYaml { yaml, replacing } => {
                let parsed = bindery_core::scenario::parse(&yaml);
                if !parsed.errors.is_empty() {
                    s.dialog_errors = parsed.errors.iter().map(ToString::to_string).collect();
                } else if parsed.manifests.is_empty() {
                    s.dialog_errors = vec!["expected an object, found none".to_string()];
                } else if replacing.is_some() && parsed.manifests.len() > 1 {
                    s.dialog_errors = vec![format!(
                        "expected exactly one object when editing, found {}",
                        parsed.manifests.len()
                    )];
                } else {
                    let selection = Selection::new(
                        parsed.manifests[0].manifest.kind(),
                        parsed.manifests[0].manifest.key(),
                    );
                    let mut next = (*s.scenario).clone();
                    let ids: Vec<_> = parsed
                        .manifests
                        .iter()
                        .map(|d| (d.manifest.kind(), d.manifest.key()))
                        .collect();
                    for d in parsed.manifests {
                        next = next.with_object(d.manifest, replacing.clone());
                    }
                    // Where the submitted documents sit in the scenario, which is what the
                    // engine's `doc N` counts.
                    let numbers: Vec<Option<usize>> = ids
                        .iter()
                        .map(|(kind, key)| next.index_of(*kind, key).map(|i| i + 1))
                        .collect();
                    match s.try_scenario(next, true) {
                        Ok(()) => {
                            s.dialog = None;
                            s.dialog_errors.clear();
                            if exists(s.run.last(), &selection) {
                                s.selection = Some(selection);
                            }
                        }
                        Err(e) => s.dialog_errors = numbered_as_submitted(e.0, &numbers),
                    }
                }
            }
            Action::KubectlApply(yaml) => {
                let parsed = bindery_core::scenario::parse(&yaml);
                if !parsed.errors.is_empty() {
                    s.dialog_errors = parsed.errors.iter().map(ToString::to_string).collect();
                } else if parsed.manifests.is_empty() {
                    s.dialog_errors = vec!["expected an object, found none".to_string()];
                } else {
                    let first = &parsed.manifests[0].manifest;
                    let selection = Selection::new(first.kind(), first.key());
                    let mut next = (*s.scenario).clone();
                    for d in parsed.manifests {
                        next = next.applied_later(d.manifest);
                    }
                    s.put(next, selection);
                }
            }
            Action::RemoveObject(kind, key) => {
                let next = s.scenario.without_object(kind, &key);
                if let Err(e) = s.try_scenario(next, true) {
                    s.notice = Some(Notice::error("The object could not be removed", e.0));
                }
            }
            Action::Then(t) => {
                let next = s.scenario.with_then(t);
                if let Err(e) = s.try_scenario(next, true) {
                    s.notice = Some(Notice::error("The action was rejected", e.0));
                }
            }
            Action::CompleteTimeline(revision) => {
                if revision == s.revision && s.timeline_pending {
                    // The outcome run went through the same moments: sample at the final
                    // stride from the start (a snapshot per kept frame, not four).
                    let full =
                        script::run_expecting(&s.scenario, script::MAX_FRAMES, Some(s.run.moments));
                    let (old_last, new_last) = (s.run.frames.len() - 1, full.frames.len() - 1);
                    s.cursor = if s.cursor >= old_last {
                        new_last
                    } else {
                        s.cursor * new_last / old_last.max(1)
                    };
                    crate::platform::drop_later(std::mem::replace(&mut s.run, Rc::new(full)));
                    s.timeline_pending = false;
                }
            }
            Action::SetSeed(seed) => {
                let mut next = (*s.scenario).clone();
                next.seed = seed;
                if let Err(e) = s.try_scenario(next, true) {
                    s.notice = Some(Notice::error("The seed was not changed", e.0));
                }
            }
            Action::Undo => {
                if let Some(prev) = s.past.pop() {
                    let current = s.scenario.clone();
                    if s.try_scenario(prev, false).is_ok() {
                        s.future.push(current);
                    }
                }
            }
            Action::Redo => {
                if let Some(next) = s.future.pop() {
                    let current = s.scenario.clone();
                    if s.try_scenario(next, false).is_ok() {
                        s.past.push(current);
                    }
                }
            }
            Action::Seek(i) => {
                s.cursor = i.min(s.run.frames.len() - 1);
                s.playing = false;
            }
            Action::Play => {
                if s.at_end() {
                    s.cursor = 0;
                }
                s.playing = true;
            }
            Action::Pause => s.playing = false,
            Action::Tick => {
                if s.at_end() {
                    s.playing = false;
                } else {
                    s.cursor += 1;
                    if s.at_end() {
                        s.playing = false;
                    }
                }
            }
            Action::Back => {
                s.cursor = s.cursor.saturating_sub(1);
                s.playing = false;
            }
            Action::StepCycle => {
                let next = s.run.frames[s.cursor + 1..]
                    .iter()
                    .position(|f| f.scheduling)
                    .map(|i| s.cursor + 1 + i)
                    .unwrap_or(s.run.frames.len() - 1);
                s.cursor = next;
                s.playing = false;
            }
            Action::ToEnd => {
                s.cursor = s.run.frames.len() - 1;
                s.playing = false;
            }
            Action::Select(sel) => s.selection = sel,
            Action::FilterEvents(sel) => s.event_filter = sel,
            Action::Notify(n) => s.notice = Some(n),
            Action::DialogProblems(lines) => s.dialog_errors = lines,
            Action::Dismiss => s.notice = None,
            Action::Open(d) => {
                s.dialog = Some(d);
                s.dialog_errors.clear();
            }
            Action::Close => {
                s.dialog = None;
                s.dialog_errors.clear();
            }
        }
        s
    }
}

fn import_failed(s: &mut AppState, e: Rejected) {
    let lines = e.0;
    if matches!(s.dialog, Some(Dialog::Yaml)) {
        s.dialog_errors = lines.clone();
    }
    s.notice = Some(Notice::error(
        "Import failed — your scenario is unchanged",
        lines,
    ));
}

/// Whether the object exists in the simulation (live, or a preempted pod still listed).
pub fn exists(sim: &bindery_core::Simulation, sel: &Selection) -> bool {
    let c = sim.cluster();
    match sel.kind {
        Kind::Pod => {
            c.pod(&sel.key).is_some() || c.deleted_pods.iter().any(|p| p.meta.key() == sel.key)
        }
        Kind::PersistentVolumeClaim => c.pvc(&sel.key).is_some(),
        Kind::PersistentVolume => c.pv(&sel.key.name).is_some(),
        Kind::Node => c.nodes.contains_key(&*sel.key.name),
        Kind::StorageClass => c.storage_classes.contains_key(&*sel.key.name),
        Kind::PriorityClass => c.priority_classes.contains_key(&*sel.key.name),
        Kind::StatefulSet => c.stateful_sets.contains_key(&sel.key),
        Kind::Deployment => c.deployments.contains_key(&sel.key),
        Kind::ReplicaSet => c.replica_sets.contains_key(&sel.key),
        _ => true,
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

/// Problems with a form or the YAML editor's text, numbered as the person wrote it: the
/// engine counts documents in the whole scenario (`doc 10: …` for a scenario of nine), but
/// the person submitted one document (the prefix is dropped) or a few (`doc 2: …` for
/// their second). `numbers` are the submitted documents' numbers in the scenario; a
/// problem elsewhere in the scenario keeps its number.
pub fn numbered_as_submitted(errors: Vec<String>, numbers: &[Option<usize>]) -> Vec<String> {
    errors
        .into_iter()
        .map(|e| {
            let Some((n, rest)) = e
                .strip_prefix("doc ")
                .and_then(|r| r.split_once(": "))
                .and_then(|(n, rest)| Some((n.parse::<usize>().ok()?, rest)))
            else {
                return e;
            };
            match numbers.iter().position(|m| *m == Some(n)) {
                Some(_) if numbers.len() == 1 => rest.to_string(),
                Some(i) => format!("doc {}: {rest}", i + 1),
                None => e,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> AppState {
        AppState::new(Scenario::builtin("rwo-vs-rwop").unwrap())
    }

    #[test]
    fn a_rejected_edit_leaves_everything_as_it_was() {
        let s = start().apply(Action::Open(Dialog::EditYaml(None)));
        let before = s.run.last().log().render();
        let s = s.apply(Action::PutObjectYaml {
            yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: x}\nspec:\n  accessModes: [ReadWriteOncePod, ReadWriteMany]\n  resources: {requests: {storage: 1Gi}}\n".into(),
            replacing: None,
        });
        assert_eq!(s.run.last().log().render(), before);
        assert!(s.dialog.is_some());
        assert!(
            s.dialog_errors[0].contains("may not use ReadWriteOncePod with other access modes"),
            "{:?}",
            s.dialog_errors
        );
        assert!(s.past.is_empty());
    }

    /// A form's problems are about the form's object, not "doc 10" of a scenario the
    /// person never numbered; with several submitted documents, they count from 1.
    #[test]
    fn a_rejected_form_names_no_scenario_document_numbers() {
        let open = || start().apply(Action::Open(Dialog::Add(Kind::Node)));
        let node = |name: &str, cpu: &str| {
            format!("apiVersion: v1\nkind: Node\nmetadata: {{name: {name}}}\nstatus: {{allocatable: {{cpu: {cpu}, memory: 1Gi, pods: '10'}}}}\n")
        };
        let one = open().apply(Action::PutObjectYaml {
            yaml: node("n9", "four"),
            replacing: None,
        });
        assert!(
            one.dialog_errors[0].starts_with("status.allocatable[cpu]: Invalid value: \"four\""),
            "{:?}",
            one.dialog_errors
        );
        let two = open().apply(Action::PutObjectYaml {
            yaml: format!("{}---\n{}", node("n9", "1"), node("n10", "four")),
            replacing: None,
        });
        assert!(
            two.dialog_errors[0].starts_with("doc 2: status.allocatable[cpu]"),
            "{:?}",
            two.dialog_errors
        );
        assert_eq!(
            numbered_as_submitted(vec!["doc 3: x: y".into(), "bad YAML".into()], &[Some(7)]),
            ["doc 3: x: y", "bad YAML"]
        );
    }

    #[test]
    fn malformed_import_keeps_the_scenario_and_says_where() {
        let s = start();
        let title = s.scenario.title.clone();
        let s = s.apply(Action::ImportYaml("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, resources: {requests: {cpu: lots}}}]}\n".into()));
        assert_eq!(s.scenario.title, title);
        let n = s.notice.clone().unwrap();
        assert_eq!(n.kind, NoticeKind::Error);
        assert!(
            n.lines[0].starts_with("doc 1: spec.containers[0].resources.requests"),
            "{n:?}"
        );
    }

    #[test]
    fn undo_and_redo_walk_the_history() {
        let s = start();
        let original = s.scenario.clone();
        let s = s.apply(Action::Load {
            scenario: Scenario::builtin("rwop-conflict").unwrap(),
            notice: None,
        });
        assert_ne!(s.scenario, original);
        let s = s.apply(Action::Undo);
        assert_eq!(s.scenario, original);
        let s = s.apply(Action::Redo);
        assert_eq!(
            s.scenario.title,
            Scenario::builtin("rwop-conflict").unwrap().title
        );
        assert_eq!(s.past.len(), 1);
    }

    #[test]
    fn undo_and_redo_show_the_runs_they_showed_and_far_back_ones_run_again() {
        let mut s = start();
        let mut shown = vec![(s.scenario.clone(), s.run.clone())];
        for id in [
            "rwop-conflict",
            "rwop-preemption",
            "local-pv-wffc",
            "zonal-volume-zone",
            "rwop-migration",
            "reclaim-and-protection",
        ] {
            s = s.apply(Action::Load {
                scenario: Scenario::builtin(id).unwrap(),
                notice: None,
            });
            shown.push((s.scenario.clone(), s.run.clone()));
        }
        assert!(s.recent_runs.len() <= RECENT_RUNS);
        // Walk all the way back: the last RECENT_RUNS undos reuse the runs shown, the
        // older ones run again, to the same end.
        let mut put_aside = Vec::new();
        for (back, (scenario, run)) in shown.iter().rev().skip(1).enumerate() {
            put_aside.push(s.run.clone());
            s = s.apply(Action::Undo);
            assert!(Rc::ptr_eq(&s.scenario, scenario));
            assert_eq!(
                Rc::ptr_eq(&s.run, run),
                back < RECENT_RUNS,
                "undo {}",
                back + 1
            );
            assert_eq!(s.run.last().log().render(), run.last().log().render());
            assert!(s.at_end());
        }
        // And forward again: each redo shows the run its undo put aside, while remembered.
        for (step, (scenario, _)) in shown.iter().skip(1).enumerate() {
            s = s.apply(Action::Redo);
            assert!(Rc::ptr_eq(&s.scenario, scenario));
            let aside = &put_aside[put_aside.len() - 1 - step];
            assert_eq!(
                Rc::ptr_eq(&s.run, aside),
                step < RECENT_RUNS,
                "redo {}",
                step + 1
            );
            assert_eq!(s.run.last().log().render(), aside.last().log().render());
        }
    }

    #[test]
    fn the_timeline_plays_and_steps_by_scheduling_cycle() {
        let s = start();
        assert!(s.at_end());
        let s = s.apply(Action::Play);
        assert_eq!(s.cursor, 0);
        assert!(s.playing);
        let s = s.apply(Action::StepCycle);
        assert!(s.frame().scheduling);
        assert!(!s.playing);
        let mut s = s.apply(Action::Play);
        for _ in 0..10_000 {
            if !s.playing {
                break;
            }
            s = s.apply(Action::Tick);
        }
        assert!(s.at_end());
    }

    #[test]
    fn kubectl_delete_is_an_action_after_the_cluster_settled() {
        let s = AppState::new(Scenario::builtin("rwo-vs-rwop").unwrap());
        let pod = s.run.last().cluster().pods().keys().next().unwrap().clone();
        let s = s.apply(Action::Then(Then::Delete {
            kind: Kind::Pod,
            key: pod.clone(),
        }));
        assert!(s.run.last().cluster().pod(&pod).is_none());
        assert!(
            s.scenario.index_of(Kind::Pod, &pod).is_some(),
            "the pod stays in the inputs"
        );
    }

    #[test]
    fn a_new_priority_class_recreates_the_pod_and_it_preempts_the_rwop_holder() {
        let s = AppState::new(Scenario::builtin("rwop-conflict").unwrap());
        let s = s.apply(Action::PutObjectYaml {
            yaml: "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n".into(),
            replacing: None,
        });
        let key = ObjectKey::new("default", "writer-2");
        let Some(Manifest::Pod(mut pod)) = s
            .scenario
            .index_of(Kind::Pod, &key)
            .map(|i| (*s.scenario.docs[i]).clone())
        else {
            panic!("writer-2 is in the scenario");
        };
        pod.spec.as_mut().unwrap().priority_class_name = Some("high".into());
        let s = s.apply(Action::Recreate {
            manifest: Manifest::Pod(pod),
            replacing: Some((Kind::Pod, key.clone())),
        });
        assert!(
            s.notice.is_none() || s.notice.as_ref().unwrap().kind != NoticeKind::Error,
            "{:?}",
            s.notice
        );
        assert!(s
            .scenario
            .then
            .iter()
            .any(|t| matches!(t, Then::Create { key: k, .. } if *k == key)));
        let c = s.run.last().cluster();
        assert!(
            c.pod(&key).and_then(|p| p.node_name()).is_some(),
            "writer-2 runs"
        );
        assert!(
            c.deleted_pods.iter().any(|p| &*p.meta.name == "writer-1"),
            "writer-1 was preempted"
        );
        assert!(s.run.last().log().render().contains("Preempted"));
    }

    #[test]
    fn a_big_scenario_shows_the_outcome_first_and_its_timeline_when_idle() {
        let docs = bindery_core::generate::generate("storage-mix", 20, 200, 1).unwrap();
        assert!(docs.len() > OUTCOME_FIRST_OBJECTS);
        let s = AppState::new(Scenario::empty()).apply(Action::Load {
            scenario: Scenario::of_manifests("big", "", docs),
            notice: None,
        });
        assert!(s.timeline_pending && s.run.frames.len() <= 3 && s.at_end());
        let full = script::run(&s.scenario, script::MAX_FRAMES);
        // A stale revision changes nothing.
        let stale = s.apply(Action::CompleteTimeline(s.revision - 1));
        assert!(stale.timeline_pending);
        let done = s.apply(Action::CompleteTimeline(s.revision));
        assert!(!done.timeline_pending && done.at_end());
        assert_eq!(done.run.frames.len(), full.frames.len());
        assert!(done.run.frames.len() > 3, "{}", done.run.frames.len());
        // Same story either way: the outcome shown first is the timeline's last frame.
        assert_eq!(s.run.last().log().render(), done.run.last().log().render());
        // Small scenarios (built-ins, lessons) get their whole timeline at once.
        let small = AppState::new(Scenario::empty()).apply(Action::Load {
            scenario: Scenario::builtin("rwop-preemption").unwrap(),
            notice: None,
        });
        assert!(!small.timeline_pending);
    }
}
