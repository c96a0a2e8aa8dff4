//! The lesson panel (`?lesson=<id>`, `?learn`): the goal, a live check of it against the
//! simulated state, hints on request, a solution that plays its steps, the lesson list with
//! done marks (kept in localStorage), and the way out to the sandbox (the free playground).

use gloo::storage::{LocalStorage, Storage};
use gloo::timers::callback::Timeout;
use yew::prelude::*;

use super::use_store;
use crate::tutorial::{self, Lesson, LESSONS};
use crate::view_model;

/// Milliseconds between the steps of a solution being played.
const SOLUTION_STEP_MS: u32 = 900;

pub fn done_lessons() -> Vec<String> {
    LocalStorage::get::<String>(tutorial::PROGRESS_KEY)
        .map(|s| tutorial::parse_progress(&s))
        .unwrap_or_default()
}

fn mark_done(id: &str) {
    let mut done = done_lessons();
    if !done.iter().any(|d| d == id) {
        done.push(id.to_string());
        let _ = LocalStorage::set(tutorial::PROGRESS_KEY, done.join(","));
    }
}

#[derive(Properties, PartialEq)]
pub struct LessonProps {
    pub id: AttrValue,
}

#[function_component(LessonPanel)]
pub fn lesson_panel(props: &LessonProps) -> Html {
    let store = use_store();
    let Some(lesson) = tutorial::lesson(&props.id) else {
        return html! {};
    };
    let lesson: &'static Lesson = lesson;
    let solved = lesson.solved(store.run.last());
    let hints_shown = use_state(|| 0usize);
    let playing = use_state(|| None::<usize>);
    let done = use_state(done_lessons);
    {
        let done = done.clone();
        use_effect_with(solved, move |solved| {
            if *solved {
                mark_done(lesson.id);
                done.set(done_lessons());
            }
        });
    }
    // Show solution: one step per tick, through the same actions the controls dispatch.
    {
        let store = store.clone();
        let playing = playing.clone();
        use_effect_with(*playing, move |at| {
            let timer = at.map(|i| {
                Timeout::new(SOLUTION_STEP_MS, move || {
                    if let Some(action) = lesson.solution.get(i).and_then(|s| s.action()) {
                        store.dispatch(action);
                    }
                    playing.set((i + 1 < lesson.solution.len()).then_some(i + 1));
                })
            });
            move || drop(timer)
        });
    }
    let hint = {
        let hints_shown = hints_shown.clone();
        Callback::from(move |_: MouseEvent| {
            hints_shown.set((*hints_shown + 1).min(lesson.hints.len()))
        })
    };
    let show_solution = {
        let playing = playing.clone();
        Callback::from(move |_: MouseEvent| playing.set(Some(0)))
    };
    let next = LESSONS
        .iter()
        .position(|l| l.id == lesson.id)
        .and_then(|i| LESSONS.get(i + 1));
    html! {
        <section class={classes!("lesson", solved.then_some("solved"))} id="lesson" aria-label="Lesson">
            <div class="lesson-main">
                <h2 id="lesson-title">{ lesson.title }</h2>
                <p class="lesson-goal" id="lesson-goal"><strong>{ "Goal: " }</strong>{ prose(lesson.goal) }</p>
                <p class="lesson-status" id="lesson-status" role="status" aria-live="polite">
                    if solved {
                        { "✓ Goal reached. " }
                        if let Some(n) = next {
                            <a href={format!("?lesson={}", n.id)} id="next-lesson">{ format!("Next: {}", n.title) }</a>
                        } else {
                            { "That was the last lesson — the sandbox is yours." }
                        }
                    } else {
                        { "Not yet: the goal is checked against the simulated cluster after every change." }
                    }
                </p>
                <div class="lesson-actions">
                    <button id="lesson-hint" onclick={hint} disabled={*hints_shown >= lesson.hints.len()}>{ "Hint" }</button>
                    <button id="lesson-solution" onclick={show_solution} disabled={playing.is_some()}>{ "Show solution" }</button>
                    <a href={lesson.docs} target="_blank" rel="noopener">{ "Kubernetes docs ↗" }</a>
                    <a href="./" id="sandbox">{ "Sandbox (free playground)" }</a>
                </div>
                if *hints_shown > 0 {
                    <ol class="lesson-hints" id="lesson-hints">
                        { for lesson.hints.iter().take(*hints_shown).map(|h| html! { <li>{ prose(h) }</li> }) }
                    </ol>
                }
                if let Some(i) = *playing {
                    <p class="lesson-step" id="lesson-step">{ format!("Solution step {}/{}: ", i + 1, lesson.solution.len()) }{ prose(&lesson.solution[i].describe()) }</p>
                }
            </div>
            <nav class="lesson-list" aria-label="Lessons">
                <ol>
                    { for LESSONS.iter().map(|l| {
                        let is_done = done.iter().any(|d| d == l.id);
                        html! {
                            <li class={classes!((l.id == lesson.id).then_some("current"))}>
                                <a href={format!("?lesson={}", l.id)} id={format!("lesson-link-{}", l.id)}>{ l.title }</a>
                                if is_done { <span class="done" aria-label="done">{ " ✓" }</span> }
                            </li>
                        }
                    }) }
                </ol>
            </nav>
        </section>
    }
}

/// Lesson text with its `code` spans set as code.
fn prose(text: &str) -> Html {
    view_model::code_spans(text)
        .into_iter()
        .map(|(code, t)| {
            if code {
                html! { <code>{ t }</code> }
            } else {
                html! { { t } }
            }
        })
        .collect()
}
