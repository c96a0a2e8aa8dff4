//! The built-in scenarios, compiled into the library (the web app ships them too).
//!
//! Each file in `crates/core/scenarios/` is real multi-document YAML. Its leading comment
//! lines carry metadata: `# title:`, `# description:`, optionally `# seed:`, and any number
//! of `# then:` lines, which run in order after the manifests have settled (each followed
//! by running until idle again): `create <Kind> <ns/name>` holds that document back until
//! then (it arrives later), `apply <Kind> <ns/name>` applies a later version of an object
//! (`kubectl apply` / `kubectl edit` on the live object), `delete <Kind> <ns/name>` deletes
//! an object, `scale <Kind> <ns/name> <N>` sets a workload's replicas (`kubectl scale`),
//! `advance <N>s` moves the clock.
//!
//! Versions: a file may hold the same object more than once. Each `create` or `apply`
//! naming an object consumes one of its documents, the last ones, in file order; the
//! documents left over (at most one) are what the cluster starts with. So a PV that is
//! edited live appears twice (as it starts, as it is edited), and a pod deleted and
//! created again appears twice too.

use crate::model::{Kind, ObjectKey};

/// A scenario script: manifests plus what happens afterwards.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScenarioText {
    pub title: String,
    pub description: String,
    pub seed: Option<u64>,
    pub then: Vec<Then>,
    pub yaml: String,
}

/// A follow-up action after the manifests settle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    Create {
        kind: Kind,
        key: ObjectKey,
    },
    /// `kubectl apply` of the object's next version: an update if it exists, else a create.
    Apply {
        kind: Kind,
        key: ObjectKey,
    },
    Delete {
        kind: Kind,
        key: ObjectKey,
    },
    Scale {
        kind: Kind,
        key: ObjectKey,
        replicas: i32,
    },
    AdvanceSeconds(u64),
}

/// Reads the metadata comments of a scenario file. Unknown `#` lines are ordinary comments.
pub fn read_header(yaml: &str) -> Result<ScenarioText, String> {
    let mut s = ScenarioText {
        title: String::new(),
        description: String::new(),
        seed: None,
        then: Vec::new(),
        yaml: yaml.to_string(),
    };
    for (i, line) in yaml.lines().enumerate() {
        let Some(rest) = line.strip_prefix('#') else {
            if line.trim().is_empty() || line.starts_with("---") {
                continue;
            }
            break;
        };
        let rest = rest.trim();
        if let Some(v) = rest.strip_prefix("title:") {
            s.title = v.trim().to_string();
        } else if let Some(v) = rest.strip_prefix("description:") {
            s.description = v.trim().to_string();
        } else if let Some(v) = rest.strip_prefix("seed:") {
            s.seed = Some(
                v.trim()
                    .parse()
                    .map_err(|_| format!("line {}: seed: expected an integer", i + 1))?,
            );
        } else if let Some(v) = rest.strip_prefix("then:") {
            s.then
                .push(parse_then(v.trim()).map_err(|e| format!("line {}: then: {e}", i + 1))?);
        }
    }
    Ok(s)
}

fn parse_then(v: &str) -> Result<Then, String> {
    let parts: Vec<&str> = v.split_whitespace().collect();
    match parts.as_slice() {
        [verb @ ("delete" | "create" | "apply"), kind, key] => {
            let kind = Kind::parse(kind).ok_or_else(|| format!("unknown kind {kind}"))?;
            let key = ObjectKey::parse(key, kind.namespaced());
            Ok(match *verb {
                "delete" => Then::Delete { kind, key },
                "create" => Then::Create { kind, key },
                _ => Then::Apply { kind, key },
            })
        }
        ["scale", kind, key, replicas] => {
            let kind = Kind::parse(kind).ok_or_else(|| format!("unknown kind {kind}"))?;
            if !kind.is_workload() {
                return Err(format!("scale: {kind} has no replicas"));
            }
            let replicas = replicas
                .parse()
                .ok()
                .filter(|r: &i32| *r >= 0)
                .ok_or_else(|| format!("scale: expected a replica count, got {replicas:?}"))?;
            Ok(Then::Scale {
                kind,
                key: ObjectKey::parse(key, true),
                replicas,
            })
        }
        ["advance", secs] => secs
            .trim_end_matches('s')
            .parse()
            .map(Then::AdvanceSeconds)
            .map_err(|_| "advance: expected seconds like 30s".to_string()),
        _ => Err(format!(
            "expected `create <Kind> <ns/name>`, `apply <Kind> <ns/name>`, `delete <Kind> <ns/name>`, `scale <Kind> <ns/name> <N>` or `advance <N>s`, got {v:?}"
        )),
    }
}

/// A built-in scenario.
#[derive(Clone, Debug)]
pub struct Builtin {
    pub id: &'static str,
    pub text: ScenarioText,
}

macro_rules! builtins {
    ($($id:literal),* $(,)?) => {
        const FILES: &[(&str, &str)] = &[
            $(($id, include_str!(concat!("../../scenarios/", $id, ".yaml")))),*
        ];
        /// The ids of the built-in scenarios, in teaching order.
        pub const IDS: &[&str] = &[$($id),*];
    };
}

builtins!(
    "rwo-vs-rwop",
    "rwop-conflict",
    "rwop-preemption",
    "local-pv-wffc",
    "local-path-provisioning",
    "zonal-volume-zone",
    "topology-aware-provisioning",
    "reclaim-and-protection",
    "rwop-migration",
    "rwop-live-migration",
    "attach-limits-and-capacity",
    "statefulset-zone-spread",
    "deployment-shared-rwop",
    "statefulset-scale-down-retention",
    "generic-ephemeral-volumes",
);

/// Every built-in scenario, in a teaching order.
pub fn all() -> Vec<Builtin> {
    FILES
        .iter()
        .map(|(id, yaml)| Builtin {
            id,
            text: read_header(yaml).expect("built-in scenario headers are valid"),
        })
        .collect()
}

pub fn get(id: &str) -> Option<Builtin> {
    all().into_iter().find(|b| b.id == id)
}

/// The scenario the playground and `bindery run` open when given none.
pub const DEFAULT_ID: &str = "rwop-preemption";

/// The outcome of loading and running a scenario script.
pub struct ScriptRun {
    pub sim: crate::sim::Simulation,
    pub parsed: super::Parsed,
    pub load_errors: Vec<super::ImportError>,
    /// Follow-up actions that failed (e.g. deleting an object that is gone).
    pub then_errors: Vec<String>,
}

/// When a script run shows the simulation to its observer.
#[derive(Clone, Copy, Debug)]
pub enum Moment<'a> {
    /// The initial manifests were applied (before any step).
    Loaded,
    /// One step did something.
    Step(&'a crate::sim::StepOutcome),
    /// The `then:` action with this index was just carried out.
    Then(usize),
}

/// A `then:` action that could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThenProblem {
    /// The API server rejected a held-back object (its document is named).
    Rejected(super::ImportError),
    /// `create` or `apply` names an object that has no document left for it.
    Missing(String),
    /// `create` of an object that exists, or `delete` / `scale` of one that does not.
    Failed(String),
}

impl Then {
    /// The object a `create` or `apply` brings a document of.
    fn arrival(&self) -> Option<(Kind, &ObjectKey)> {
        match self {
            Then::Create { kind, key } | Then::Apply { kind, key } => Some((*kind, key)),
            _ => None,
        }
    }
}

impl ScenarioText {
    /// Which documents of `parsed` the cluster starts with (`true`) rather than holding
    /// back for a `create` / `apply` action: of each object's documents, the last as many
    /// as there are actions naming it are held back.
    pub fn initial_documents(&self, parsed: &super::Parsed) -> Vec<bool> {
        let docs: Vec<super::DocRef<'_>> = parsed.manifests.iter().map(|d| d.view()).collect();
        self.initial_of(&docs)
    }

    /// [`ScenarioText::initial_documents`] over borrowed documents.
    pub fn initial_of(&self, docs: &[super::DocRef<'_>]) -> Vec<bool> {
        let mut later: std::collections::BTreeMap<(Kind, &ObjectKey), usize> = Default::default();
        for (kind, key) in self.then.iter().filter_map(Then::arrival) {
            *later.entry((kind, key)).or_default() += 1;
        }
        let mut initial = vec![true; docs.len()];
        if later.is_empty() {
            // No action brings a document: all start the cluster. Building every key
            // took ~1.4 ms of a ~40 ms 400-pod re-run in the browser.
            return initial;
        }
        // Walk backwards so the last documents are the held-back ones.
        let keys: Vec<(Kind, ObjectKey)> = docs
            .iter()
            .map(|d| (d.manifest.kind(), d.manifest.key()))
            .collect();
        for (i, (kind, key)) in keys.iter().enumerate().rev() {
            if let Some(n) = later.get_mut(&(*kind, key)) {
                if *n > 0 {
                    *n -= 1;
                    initial[i] = false;
                }
            }
        }
        initial
    }

    /// Plays the `then:` actions on `sim` (whose initial manifests have settled), running
    /// until idle after each. `parsed` holds the held-back documents `create` and `apply`
    /// bring, in file order.
    pub fn play_then(
        &self,
        sim: &mut crate::sim::Simulation,
        parsed: &super::Parsed,
        max_steps: u64,
    ) -> Vec<ThenProblem> {
        let docs: Vec<super::DocRef<'_>> = parsed.manifests.iter().map(|d| d.view()).collect();
        self.play_then_observed(sim, &docs, 0, max_steps, &mut |_, _| {})
    }

    /// Plays the actions from `from` on; the ones before it only take their held-back
    /// documents off the queue (they were played on `sim` already).
    fn play_then_observed(
        &self,
        sim: &mut crate::sim::Simulation,
        docs: &[super::DocRef<'_>],
        from: usize,
        max_steps: u64,
        observe: &mut dyn FnMut(&crate::sim::Simulation, Moment),
    ) -> Vec<ThenProblem> {
        let initial = self.initial_of(docs);
        // Each object's held-back documents, in file order, consumed front to back.
        let mut queued: std::collections::BTreeMap<
            (Kind, ObjectKey),
            std::collections::VecDeque<super::DocRef<'_>>,
        > = Default::default();
        for (d, _) in docs.iter().zip(&initial).filter(|(_, i)| !**i) {
            queued
                .entry((d.manifest.kind(), d.manifest.key()))
                .or_default()
                .push_back(*d);
        }
        let mut problems = Vec::new();
        for (i, t) in self.then.iter().enumerate() {
            if i < from {
                if let Some((kind, key)) = t.arrival() {
                    if let Some(q) = queued.get_mut(&(kind, key.clone())) {
                        q.pop_front();
                    }
                }
                continue;
            }
            match t {
                Then::Create { kind, key } | Then::Apply { kind, key } => {
                    let create = matches!(t, Then::Create { .. });
                    let next = queued
                        .get_mut(&(*kind, key.clone()))
                        .and_then(|q| q.pop_front());
                    match next {
                        Some(d) => {
                            let done = if create {
                                sim.create(d.manifest)
                            } else {
                                sim.apply(d.manifest)
                            };
                            if let Err(e) = done {
                                problems.extend(
                                    e.import_errors(d.doc)
                                        .into_iter()
                                        .map(ThenProblem::Rejected),
                                );
                            }
                        }
                        None => problems.push(ThenProblem::Missing(format!(
                            "{}: no {kind} {key} left in the scenario",
                            if create { "create" } else { "apply" }
                        ))),
                    }
                }
                Then::Delete { kind, key } => {
                    if let Err(e) = sim.delete(*kind, key) {
                        problems.push(ThenProblem::Failed(e.to_string()));
                    }
                }
                Then::Scale {
                    kind,
                    key,
                    replicas,
                } => {
                    if let Err(e) = sim.scale(*kind, key, *replicas) {
                        problems.push(ThenProblem::Failed(e.to_string()));
                    }
                }
                Then::AdvanceSeconds(s) => sim.advance_time(s * 1000),
            }
            observe(sim, Moment::Then(i));
            sim.run_until_idle_observed(max_steps, &mut |s, o| observe(s, Moment::Step(o)));
        }
        problems
    }

    /// Parses, loads, runs until idle, then plays the `then:` actions. Parse errors stop
    /// before anything is applied.
    pub fn run(&self, seed: u64, max_steps: u64) -> Result<ScriptRun, Vec<super::ImportError>> {
        let parsed = super::parse(&self.yaml);
        if !parsed.errors.is_empty() {
            return Err(parsed.errors);
        }
        Ok(self.run_parsed(parsed, seed, max_steps))
    }

    /// Loads already-parsed manifests of this script, runs until idle, then plays the
    /// `then:` actions. This is what re-simulation after an edit costs: the YAML is read
    /// once, the engine runs from the typed manifests every time.
    pub fn run_parsed(&self, parsed: super::Parsed, seed: u64, max_steps: u64) -> ScriptRun {
        self.run_parsed_observed(parsed, seed, max_steps, &mut |_, _| {})
    }

    /// [`ScenarioText::run_parsed`], showing `observe` the simulation after the manifests
    /// are loaded ([`Moment::Loaded`]), after every step, and after each `then:` action.
    pub fn run_parsed_observed(
        &self,
        parsed: super::Parsed,
        seed: u64,
        max_steps: u64,
        observe: &mut dyn FnMut(&crate::sim::Simulation, Moment),
    ) -> ScriptRun {
        let docs: Vec<super::DocRef<'_>> = parsed.manifests.iter().map(|d| d.view()).collect();
        let (sim, load_errors, then_errors) =
            self.run_borrowed_observed(&docs, seed, max_steps, observe);
        ScriptRun {
            sim,
            parsed,
            load_errors,
            then_errors,
        }
    }

    /// The run itself, borrowing the manifests: the simulation, what the API server
    /// rejected, and the `then:` actions that failed. (The playground re-runs one scenario
    /// after every edit and keeps its manifests.)
    pub fn run_borrowed_observed(
        &self,
        docs: &[super::DocRef<'_>],
        seed: u64,
        max_steps: u64,
        observe: &mut dyn FnMut(&crate::sim::Simulation, Moment),
    ) -> (crate::sim::Simulation, Vec<super::ImportError>, Vec<String>) {
        let starts = self.initial_of(docs);
        let initial: Vec<super::DocRef<'_>> = docs
            .iter()
            .zip(&starts)
            .filter(|(_, s)| **s)
            .map(|(d, _)| *d)
            .collect();
        let mut sim = crate::sim::Simulation::new(seed);
        let mut load_errors = sim.load_documents(&initial);
        observe(&sim, Moment::Loaded);
        sim.run_until_idle_observed(max_steps, &mut |s, o| observe(s, Moment::Step(o)));
        let (rejected, then_errors) =
            self.resume_borrowed_observed(&mut sim, docs, 0, max_steps, observe);
        load_errors.extend(rejected);
        (sim, load_errors, then_errors)
    }

    /// Carries on a run of this script from its `then:` action `from` (0-based): `sim` is
    /// where a run of the same documents stood after the actions before `from` (and their
    /// steps until idle). The engine is deterministic and `sim` its whole state, so this
    /// ends exactly where [`ScenarioText::run_borrowed_observed`] would, without replaying
    /// what came before: the playground's `kubectl delete`, `kubectl scale` or `kubectl
    /// edit` appends an action and runs only that. Returns what the API server rejected
    /// and the actions that failed, from `from` on.
    pub fn resume_borrowed_observed(
        &self,
        sim: &mut crate::sim::Simulation,
        docs: &[super::DocRef<'_>],
        from: usize,
        max_steps: u64,
        observe: &mut dyn FnMut(&crate::sim::Simulation, Moment),
    ) -> (Vec<super::ImportError>, Vec<String>) {
        let mut rejected = Vec::new();
        let mut then_errors = Vec::new();
        for problem in self.play_then_observed(sim, docs, from, max_steps, observe) {
            match problem {
                ThenProblem::Rejected(e) => rejected.push(e),
                ThenProblem::Missing(m) | ThenProblem::Failed(m) => then_errors.push(m),
            }
        }
        (rejected, then_errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{node, pod};

    fn script(then: &[&str], docs: &[String]) -> ScenarioText {
        let mut yaml: String = then.iter().map(|t| format!("# then: {t}\n")).collect();
        yaml.push_str(&docs.join("---\n"));
        read_header(&yaml).unwrap()
    }

    fn image(sim: &crate::sim::Simulation, name: &str) -> String {
        let source = sim
            .cluster()
            .manifests
            .get(&(Kind::Pod, ObjectKey::new("default", name)))
            .unwrap()
            .text()
            .into_owned();
        let v: serde_json::Value = serde_json::from_str(&source).unwrap();
        v["spec"]["containers"][0]["image"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Documents applied with what they prepare to ([`crate::scenario::Prepared`], as the
    /// playground remembers it between runs) give the run they give without: same event
    /// log, state, rejections and warnings, on every built-in, a generated cluster and
    /// documents the API server rejects.
    #[test]
    fn prepared_documents_run_as_the_documents_do() {
        use crate::scenario::{DocRef, Prepared};
        let mut scripts: Vec<(String, ScenarioText)> = all()
            .into_iter()
            .map(|b| (b.id.to_string(), b.text.clone()))
            .collect();
        let generated = crate::generate::generate("storage-mix", 12, 80, 3).unwrap();
        scripts.push((
            "generated".into(),
            ScenarioText {
                yaml: generated
                    .iter()
                    .map(|m| format!("---\n{}", m.to_yaml()))
                    .collect(),
                ..ScenarioText::default()
            },
        ));
        scripts.push((
            "rejected".into(),
            ScenarioText {
                yaml: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: both}\nspec:\n  accessModes: [ReadWriteOncePod, ReadWriteOnce]\n  resources: {requests: {storage: 1Gi}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x, resources: {requests: {cpu: \"lots\"}}}]\n".into(),
                ..ScenarioText::default()
            },
        ));
        for (id, text) in &scripts {
            let parsed = crate::scenario::parse(&text.yaml);
            let plain: Vec<DocRef<'_>> = parsed.manifests.iter().map(|d| d.view()).collect();
            let prepared: Vec<Prepared> = parsed
                .manifests
                .iter()
                .map(|d| Prepared::of(&d.manifest))
                .collect();
            let with: Vec<DocRef<'_>> = plain
                .iter()
                .zip(&prepared)
                .map(|(d, p)| DocRef {
                    prepared: Some(p),
                    ..*d
                })
                .collect();
            let run = |docs: &[DocRef<'_>]| {
                let (sim, rejected, failed) =
                    text.run_borrowed_observed(docs, 11, 10_000, &mut |_, _| {});
                let rejected: Vec<String> = rejected.iter().map(ToString::to_string).collect();
                (
                    sim.log().render(),
                    crate::scenario::export::state_yaml(&sim),
                    crate::scenario::export::scenario_yaml(&sim),
                    rejected,
                    failed,
                )
            };
            let (a, b) = (run(&plain), run(&with));
            assert_eq!(a, b, "{id}");
            if id == "rejected" {
                assert_eq!(a.3.len(), 2, "{:?}", a.3);
            }
        }
    }

    /// Resuming from where a run stood before action `k` ends exactly where the whole run
    /// ends: same event log, same state, same problems (the playground relies on it to run
    /// only an appended `kubectl delete`).
    #[test]
    fn resuming_before_any_action_ends_where_the_whole_run_ends() {
        let mut checked = 0;
        for b in all().into_iter().filter(|b| !b.text.then.is_empty()) {
            let parsed = crate::scenario::parse(&b.text.yaml);
            let docs: Vec<crate::scenario::DocRef<'_>> =
                parsed.manifests.iter().map(|d| d.view()).collect();
            // The state before action k is the last one shown before `Moment::Then(k)`.
            let mut before: Vec<crate::sim::Simulation> = Vec::new();
            let mut last: Option<crate::sim::Simulation> = None;
            let (whole, rejected, failed) =
                b.text
                    .run_borrowed_observed(&docs, 7, 10_000, &mut |sim, moment| {
                        if let Moment::Then(_) = moment {
                            before.push(last.take().expect("a state before each action"));
                        }
                        last = Some(sim.snapshot());
                    });
            assert_eq!(before.len(), b.text.then.len(), "{}", b.id);
            let (whole_log, whole_state) = (
                whole.log().render(),
                crate::scenario::export::state_yaml(&whole),
            );
            for (k, start) in before.into_iter().enumerate() {
                let mut sim = start;
                let (r, f) =
                    b.text
                        .resume_borrowed_observed(&mut sim, &docs, k, 10_000, &mut |_, _| {});
                assert_eq!(sim.log().render(), whole_log, "{} resumed at {k}", b.id);
                assert_eq!(
                    crate::scenario::export::state_yaml(&sim),
                    whole_state,
                    "{} resumed at {k}",
                    b.id
                );
                // Problems of the actions before k were reported by the run that played them.
                assert!(
                    r.len() <= rejected.len() && f.len() <= failed.len(),
                    "{} at {k}",
                    b.id
                );
                if k == 0 {
                    assert_eq!((r.len(), &f), (rejected.len(), &failed), "{}", b.id);
                }
                checked += 1;
            }
        }
        assert!(checked >= 10, "only {checked} resumptions checked");
    }

    #[test]
    fn each_create_or_apply_takes_the_next_version_and_the_rest_start() {
        let v1 = pod("app", &[], "");
        let v2 = v1.replace("image: pause", "image: pause-v2");
        let v3 = v1.replace("image: pause", "image: pause-v3");
        let s = script(
            &[
                "apply Pod default/app",
                "delete Pod default/app",
                "create Pod default/app",
            ],
            &[node("n1", &[], ""), v1, v2, v3],
        );
        let parsed = crate::scenario::parse(&s.yaml);
        assert_eq!(s.initial_documents(&parsed), [true, true, false, false]);
        let mut seen = Vec::new();
        let run = s.run_parsed_observed(parsed, 1, 1_000, &mut |sim, m| {
            if let Moment::Then(i) = m {
                seen.push((
                    i,
                    sim.object_exists(Kind::Pod, &ObjectKey::new("default", "app")),
                ));
            }
        });
        assert!(run.load_errors.is_empty() && run.then_errors.is_empty());
        // Grace period 0: the delete removes the pod at once.
        assert_eq!(seen, [(0, true), (1, false), (2, true)]);
        assert_eq!(image(&run.sim, "app"), "pause-v3");
        let pod = run
            .sim
            .cluster()
            .pod(&ObjectKey::new("default", "app"))
            .unwrap();
        assert!(pod.meta.deletion.is_none(), "the created pod is a new one");
    }

    #[test]
    fn create_of_an_existing_object_is_refused_like_kubectl_create() {
        let v1 = pod("app", &[], "");
        let v2 = v1.replace("image: pause", "image: pause-v2");
        let s = script(&["create Pod default/app"], &[node("n1", &[], ""), v1, v2]);
        let run = s.run(1, 1_000).unwrap();
        let msgs: Vec<String> = run.load_errors.iter().map(|e| e.message.clone()).collect();
        assert_eq!(msgs, [r#"pods "app" already exists"#]);
        assert_eq!(run.load_errors[0].doc, 3, "names the held-back document");
        assert_eq!(image(&run.sim, "app"), "pause", "the first version stays");
    }

    #[test]
    fn an_action_without_a_document_left_says_so() {
        let s = script(
            &["apply Pod default/app", "apply Pod default/app"],
            &[node("n1", &[], ""), pod("app", &[], "")],
        );
        let run = s.run(1, 1_000).unwrap();
        assert_eq!(
            run.then_errors,
            ["apply: no Pod default/app left in the scenario"]
        );
        assert!(run.load_errors.is_empty());
        assert!(run
            .sim
            .object_exists(Kind::Pod, &ObjectKey::new("default", "app")));
    }

    #[test]
    fn then_lines_parse_and_reject_with_the_grammar() {
        assert_eq!(
            parse_then("apply PersistentVolume pv-1").unwrap(),
            Then::Apply {
                kind: Kind::PersistentVolume,
                key: ObjectKey::parse("pv-1", false)
            }
        );
        let err = parse_then("patch Pod default/app").unwrap_err();
        assert!(err.contains("`apply <Kind> <ns/name>`"), "{err}");
    }
}
