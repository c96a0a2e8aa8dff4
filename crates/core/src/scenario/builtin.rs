//! The built-in scenarios, compiled into the library (the web app ships them too).
//!
//! Each file in `crates/core/scenarios/` is real multi-document YAML. Its leading comment
//! lines carry metadata: `# title:`, `# description:`, optionally `# seed:`, and any number
//! of `# then:` lines, which run in order after the manifests have settled (each followed
//! by running until idle again): `create <Kind> <ns/name>` holds that document back until
//! then (it arrives later), `delete <Kind> <ns/name>` deletes an object, `scale <Kind>
//! <ns/name> <N>` sets a workload's replicas (`kubectl scale`), `advance <N>s` moves the
//! clock.

use crate::model::{Kind, ObjectKey};

/// A scenario script: manifests plus what happens afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        [verb @ ("delete" | "create"), kind, key] => {
            let kind = Kind::parse(kind).ok_or_else(|| format!("unknown kind {kind}"))?;
            let key = ObjectKey::parse(key, kind.namespaced());
            Ok(if *verb == "delete" {
                Then::Delete { kind, key }
            } else {
                Then::Create { kind, key }
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
            "expected `create <Kind> <ns/name>`, `delete <Kind> <ns/name>`, `scale <Kind> <ns/name> <N>` or `advance <N>s`, got {v:?}"
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
    "attach-limits-and-capacity",
    "statefulset-zone-spread",
    "deployment-shared-rwop",
    "statefulset-scale-down-retention",
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
    /// `create` names an object that is not in the scenario.
    Missing(String),
    /// `delete` or `scale` failed (usually: the object is already gone).
    DeleteFailed(String),
}

impl ScenarioText {
    /// Plays the `then:` actions on `sim` (whose initial manifests have settled), running
    /// until idle after each. `parsed` holds the held-back documents `create` applies.
    pub fn play_then(
        &self,
        sim: &mut crate::sim::Simulation,
        parsed: &super::Parsed,
        max_steps: u64,
    ) -> Vec<ThenProblem> {
        self.play_then_observed(sim, parsed, max_steps, &mut |_, _| {})
    }

    fn play_then_observed(
        &self,
        sim: &mut crate::sim::Simulation,
        parsed: &super::Parsed,
        max_steps: u64,
        observe: &mut dyn FnMut(&crate::sim::Simulation, Moment),
    ) -> Vec<ThenProblem> {
        let mut problems = Vec::new();
        for (i, t) in self.then.iter().enumerate() {
            match t {
                Then::Create { kind, key } => {
                    let found = parsed
                        .manifests
                        .iter()
                        .find(|d| d.manifest.kind() == *kind && &d.manifest.key() == key);
                    match found {
                        Some(d) => {
                            if let Err(e) = sim.apply(&d.manifest) {
                                problems.extend(
                                    e.import_errors(d.doc)
                                        .into_iter()
                                        .map(ThenProblem::Rejected),
                                );
                            }
                        }
                        None => problems.push(ThenProblem::Missing(format!(
                            "create: no {kind} {key} in the scenario"
                        ))),
                    }
                }
                Then::Delete { kind, key } => {
                    if let Err(e) = sim.delete(*kind, key) {
                        problems.push(ThenProblem::DeleteFailed(e.to_string()));
                    }
                }
                Then::Scale {
                    kind,
                    key,
                    replicas,
                } => {
                    if let Err(e) = sim.scale(*kind, key, *replicas) {
                        problems.push(ThenProblem::DeleteFailed(e.to_string()));
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
        let later = |kind: Kind, key: &ObjectKey| {
            self.then
                .iter()
                .any(|t| matches!(t, Then::Create { kind: k, key: x } if *k == kind && x == key))
        };
        let initial = super::Parsed {
            manifests: parsed
                .manifests
                .iter()
                .filter(|d| !later(d.manifest.kind(), &d.manifest.key()))
                .cloned()
                .collect(),
            ..super::Parsed::default()
        };
        let mut sim = crate::sim::Simulation::new(seed);
        let mut load_errors = sim.load(&initial);
        observe(&sim, Moment::Loaded);
        sim.run_until_idle_observed(max_steps, &mut |s, o| observe(s, Moment::Step(o)));
        let mut then_errors = Vec::new();
        for problem in self.play_then_observed(&mut sim, &parsed, max_steps, observe) {
            match problem {
                ThenProblem::Rejected(e) => load_errors.push(e),
                ThenProblem::Missing(m) | ThenProblem::DeleteFailed(m) => then_errors.push(m),
            }
        }
        ScriptRun {
            sim,
            parsed,
            load_errors,
            then_errors,
        }
    }
}
