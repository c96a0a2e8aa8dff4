//! `bindery`: run Kubernetes storage-scheduling scenarios from the command line.
//!
//! Exit codes: 0 success, 2 invalid input (every problem is printed as
//! `file:doc N: field.path: what was expected`), 1 anything else.

use std::io::Write;

/// mimalloc rather than glibc malloc: importing and exporting YAML allocates many small
/// strings and maps, and glibc's free path was a quarter of that time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use bindery_core::model::ObjectKey;
use bindery_core::scenario::builtin::{self, ScenarioText, ThenProblem};
use bindery_core::scenario::{export, parse, ImportError, Parsed};
use bindery_core::{report, sim::DEFAULT_MAX_STEPS, Simulation};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "bindery",
    version,
    about = "A deterministic simulator of Kubernetes storage scheduling (kube-scheduler + PV controller, Kubernetes v1.36)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum Output {
    /// The JSON report (pods, claims, volumes, events).
    Json,
    /// The event log, one line per event.
    Events,
    /// The resulting state as multi-document YAML manifests.
    Yaml,
    /// The scenario (the inputs) as multi-document YAML manifests.
    ScenarioYaml,
    /// kubectl-like tables.
    Table,
}

#[derive(Subcommand)]
enum Command {
    /// Import manifests, run until idle, print the outcome.
    Run {
        /// YAML files (multi-document, `kind: List` allowed). `builtin:<id>` names a
        /// built-in scenario; with no file, the default built-in scenario runs.
        files: Vec<String>,
        #[arg(long, short, value_enum, default_value = "table")]
        output: Output,
        /// Seed of the RNG that breaks ties between equally scored nodes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Bound on simulation steps.
        #[arg(long, default_value_t = DEFAULT_MAX_STEPS)]
        max_steps: u64,
    },
    /// Show, for one pod, every Filter plugin's verdict on every node and the scores.
    Explain {
        files: Vec<String>,
        /// The pod, as `namespace/name` (or `name` in `default`).
        #[arg(long)]
        pod: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = DEFAULT_MAX_STEPS)]
        max_steps: u64,
    },
    /// Print a large generated scenario as YAML.
    Generate {
        #[arg(long)]
        nodes: usize,
        #[arg(long)]
        pods: usize,
        /// `csi-pvs` (scheduler_perf SchedulingCSIPVs), `storage-mix` or `statefulsets` (20 replicas each).
        #[arg(long)]
        shape: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// List the built-in scenarios, or print one.
    Scenarios {
        /// Print this scenario's YAML.
        #[arg(long)]
        show: Option<String>,
    },
}

/// Exits with 2 and the input errors, as the contract says.
struct InputErrors(Vec<String>);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run {
            files,
            output,
            seed,
            max_steps,
        } => run(&files, output, seed, max_steps),
        Command::Explain {
            files,
            pod,
            seed,
            max_steps,
        } => explain(&files, &pod, seed, max_steps),
        Command::Generate {
            nodes,
            pods,
            shape,
            seed,
        } => generate(&shape, nodes, pods, seed),
        Command::Scenarios { show } => scenarios(show.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(InputErrors(lines)) => {
            let mut err = std::io::stderr().lock();
            for l in lines {
                let _ = writeln!(err, "{l}");
            }
            ExitCode::from(2)
        }
    }
}

/// One input file, read and parsed.
struct Input {
    name: String,
    text: ScenarioText,
    parsed: Parsed,
}

fn read_inputs(files: &[String]) -> Result<Vec<Input>, InputErrors> {
    let files: Vec<String> = if files.is_empty() {
        vec![format!("builtin:{}", builtin::DEFAULT_ID)]
    } else {
        files.to_vec()
    };
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for f in files {
        let raw = match f.strip_prefix("builtin:") {
            Some(id) => match builtin::get(id) {
                Some(b) => b.text.yaml.clone(),
                None => {
                    let ids: Vec<_> = builtin::all().iter().map(|b| b.id).collect();
                    errors.push(format!(
                        "{f}: no such built-in scenario; expected one of: {}",
                        ids.join(", ")
                    ));
                    continue;
                }
            },
            None => match std::fs::read(&f) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(_) => {
                        errors.push(format!("{f}: not UTF-8 text"));
                        continue;
                    }
                },
                Err(e) => {
                    errors.push(format!("{f}: {e}"));
                    continue;
                }
            },
        };
        let text = match builtin::read_header(&raw) {
            Ok(t) => t,
            Err(e) => {
                errors.push(format!("{f}: {e}"));
                continue;
            }
        };
        let parsed = parse(&raw);
        for e in &parsed.errors {
            errors.push(format!("{f}:{e}"));
        }
        inputs.push(Input {
            name: f,
            text,
            parsed,
        });
    }
    if errors.is_empty() {
        Ok(inputs)
    } else {
        Err(InputErrors(errors))
    }
}

fn prefixed(file: &str, e: &ImportError) -> String {
    format!("{file}:{e}")
}

/// Loads every file (in dependency order across files), runs until idle, then plays the
/// files' `then:` actions.
fn simulate(inputs: &[Input], seed: u64, max_steps: u64) -> Result<Simulation, InputErrors> {
    let mut stderr = std::io::stderr().lock();
    for input in inputs {
        for w in &input.parsed.warnings {
            let _ = writeln!(stderr, "warning: {}:{w}", input.name);
        }
    }
    // One combined, globally numbered list so kinds apply in dependency order across files.
    let mut combined = Parsed::default();
    let mut origin: Vec<(usize, usize)> = Vec::new();
    for (fi, input) in inputs.iter().enumerate() {
        let starts = input.text.initial_documents(&input.parsed);
        for (d, _) in input
            .parsed
            .manifests
            .iter()
            .zip(starts)
            .filter(|(_, s)| *s)
        {
            origin.push((fi, d.doc));
            combined.manifests.push(bindery_core::scenario::Document {
                doc: origin.len(),
                ..d.clone()
            });
        }
    }
    let mut sim = Simulation::new(seed);
    let mut errors: Vec<String> = sim
        .load(&combined)
        .into_iter()
        .map(|e| {
            let (fi, doc) = origin[e.doc - 1];
            prefixed(&inputs[fi].name, &ImportError { doc, ..e })
        })
        .collect();
    if !errors.is_empty() {
        return Err(InputErrors(errors));
    }
    sim.run_until_idle(max_steps);
    for input in inputs {
        for problem in input.text.play_then(&mut sim, &input.parsed, max_steps) {
            match problem {
                ThenProblem::Rejected(e) => errors.push(prefixed(&input.name, &e)),
                ThenProblem::Missing(m) => errors.push(format!("{}: then: {m}", input.name)),
                ThenProblem::Failed(m) => {
                    let _ = writeln!(stderr, "warning: {}: then: {m}", input.name);
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(sim)
    } else {
        Err(InputErrors(errors))
    }
}

fn run(files: &[String], output: Output, seed: u64, max_steps: u64) -> Result<(), InputErrors> {
    let inputs = read_inputs(files)?;
    let sim = simulate(&inputs, seed, max_steps)?;
    let text = match output {
        Output::Json => {
            let mut s = serde_json::to_string_pretty(&report::json_report(&sim))
                .unwrap_or_else(|e| format!("{{\"error\": {:?}}}", e.to_string()));
            s.push('\n');
            s
        }
        Output::Events => sim.log().render(),
        Output::Yaml => export::state_yaml(&sim),
        Output::ScenarioYaml => export::scenario_yaml(&sim),
        Output::Table => report::table_report(&sim),
    };
    print_out(&text);
    Ok(())
}

fn explain(files: &[String], pod: &str, seed: u64, max_steps: u64) -> Result<(), InputErrors> {
    let inputs = read_inputs(files)?;
    let sim = simulate(&inputs, seed, max_steps)?;
    let key = ObjectKey::parse(pod, true);
    let Some(explanation) = sim.explain(&key) else {
        return Err(InputErrors(vec![format!("pod {key} not found")]));
    };
    let p = sim.cluster().pod(&key).cloned();
    let mut out = String::new();
    if let Some(p) = p {
        out.push_str(&format!(
            "Pod {key}: {}{}\n",
            p.status.phase.as_str(),
            p.spec
                .node_name
                .as_deref()
                .map(|n| format!(" on {n}"))
                .unwrap_or_default()
        ));
        if let Some(c) = p.condition("PodScheduled").filter(|c| c.status == "False") {
            out.push_str(&format!(
                "PodScheduled=False ({}): {}\n",
                c.reason, c.message
            ));
        }
        if p.is_assigned() {
            out.push_str(
                "The pod is already bound; the table shows what a new attempt would see now.\n",
            );
        }
        out.push('\n');
    }
    out.push_str(&explanation.render_table());
    print_out(&out);
    Ok(())
}

fn generate(shape: &str, nodes: usize, pods: usize, seed: u64) -> Result<(), InputErrors> {
    let manifests = bindery_core::generate::generate(shape, nodes, pods, seed)
        .map_err(|e| InputErrors(vec![e]))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for m in &manifests {
        if writeln!(out, "---\n{}", m.to_yaml().trim_end()).is_err() {
            break;
        }
    }
    let _ = out.flush();
    Ok(())
}

fn scenarios(show: Option<&str>) -> Result<(), InputErrors> {
    match show {
        Some(id) => match builtin::get(id) {
            Some(b) => {
                print_out(&b.text.yaml);
                Ok(())
            }
            None => Err(InputErrors(vec![format!("no built-in scenario {id:?}")])),
        },
        None => {
            let mut out = String::new();
            for b in builtin::all() {
                out.push_str(&format!(
                    "{}\n  {}\n  {}\n\n",
                    b.id, b.text.title, b.text.description
                ));
            }
            print_out(&out);
            Ok(())
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`bindery … | head`).
fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
