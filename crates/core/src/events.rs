//! The event log: Kubernetes events plus the simulator's own notes, in emission order.
//!
//! Every entry has a sequence number and a simulated time. [`EventLog::render`] gives the
//! stable one-line-per-entry text that golden tests compare byte for byte;
//! [`EventLog::aggregated`] folds repeated events the way the API server's event
//! correlator does (same object, type, reason and message → one event with a count), which
//! is what `kubectl get events` shows.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::model::{Kind, ObjectKey};
use crate::time::SimTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventType {
    Normal,
    Warning,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// `involvedObject`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: Kind,
    pub namespace: Arc<str>,
    pub name: Arc<str>,
}

impl ObjectRef {
    pub fn new(kind: Kind, key: &ObjectKey) -> ObjectRef {
        ObjectRef {
            kind,
            namespace: key.namespace.clone(),
            name: key.name.clone(),
        }
    }

    pub fn key(&self) -> ObjectKey {
        ObjectKey::new(self.namespace.to_string(), self.name.to_string())
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

/// A Kubernetes event as a component would record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub type_: EventType,
    /// Upstream's reason constant (`FailedScheduling`, `Preempted`, …).
    pub reason: &'static str,
    pub object: ObjectRef,
    /// Shared between identical messages (see [`EventLog::intern`]).
    pub message: Arc<str>,
    /// The reporting component (`default-scheduler`, `persistentvolume-controller`, …).
    pub source: &'static str,
}

/// What the simulator itself did or decided; not a Kubernetes object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The first entry of every log.
    Seed {
        seed: u64,
        version: &'static str,
    },
    Applied {
        object: ObjectRef,
        created: bool,
    },
    Deleted {
        object: ObjectRef,
    },
    /// Equal top scores were broken by the seeded RNG.
    TieBreak {
        pod: ObjectKey,
        score: i64,
        /// How many nodes shared the top score.
        tied: usize,
        /// The first few of them, for the record.
        candidates: Vec<Arc<str>>,
        chosen: Arc<str>,
    },
    /// A bounded loop stopped at its bound.
    LimitReached {
        what: String,
        limit: u64,
    },
    /// The clock jumped to the next timer.
    Clock {
        to: SimTime,
    },
    Idle,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Event(Event),
    Note(Note),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub seq: u64,
    pub time: SimTime,
    pub kind: EntryKind,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:>9} ", self.time.to_string())?;
        match &self.kind {
            EntryKind::Event(e) => write!(
                f,
                "{:<7} {} {}: {}",
                e.type_.as_str(),
                e.reason,
                e.object,
                e.message
            ),
            EntryKind::Note(n) => {
                f.write_str("Bindery ")?;
                match n {
                    Note::Seed { seed, version } => {
                        write!(f, "Seed seed={seed} kubernetes={version}")
                    }
                    Note::Applied { object, created } => write!(
                        f,
                        "{} {object}",
                        if *created { "Created" } else { "Updated" }
                    ),
                    Note::Deleted { object } => write!(f, "Deleted {object}"),
                    Note::TieBreak {
                        pod,
                        score,
                        tied,
                        candidates,
                        chosen,
                    } => write!(
                        f,
                        "TieBreak Pod/{pod}: {tied} nodes share the top score {score} [{}{}]; the seeded RNG chose {chosen}",
                        candidates.join(" "),
                        if *tied > candidates.len() { " …" } else { "" }
                    ),
                    Note::LimitReached { what, limit } => {
                        write!(f, "LimitReached {what} stopped at its bound of {limit}")
                    }
                    Note::Clock { to } => write!(f, "Clock advanced to {to}"),
                    Note::Idle => f.write_str("Idle nothing left to do"),
                }
            }
        }
    }
}

/// Events folded like `kubectl get events`: one row per (object, type, reason, message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AggregatedEvent {
    pub event: Event,
    pub count: u64,
    pub first: SimTime,
    pub last: SimTime,
    pub first_seq: u64,
}

/// Append-only; sealed chunks are shared between clones, so snapshots are cheap.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    sealed: Vec<Arc<Vec<Entry>>>,
    open: Vec<Entry>,
    len: u64,
    /// Recently used strings: repeated messages and names share one allocation. A small
    /// ring, so a clone stays cheap.
    recent: Vec<Arc<str>>,
    recent_next: usize,
}

/// How many recent strings [`EventLog::intern`] remembers.
const RECENT_STRINGS: usize = 48;

const CHUNK: usize = 512;

impl EventLog {
    /// A shared copy of `s`, reusing a recent identical string when there is one.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(found) = self
            .recent
            .iter()
            .find(|r| r.len() == s.len() && ***r == *s)
        {
            return found.clone();
        }
        let new: Arc<str> = s.into();
        if self.recent.len() < RECENT_STRINGS {
            self.recent.push(new.clone());
        } else {
            self.recent[self.recent_next] = new.clone();
            self.recent_next = (self.recent_next + 1) % RECENT_STRINGS;
        }
        new
    }

    /// An [`ObjectRef`] whose strings are interned.
    pub fn object_ref(&mut self, kind: Kind, key: &ObjectKey) -> ObjectRef {
        ObjectRef {
            kind,
            namespace: self.intern(&key.namespace),
            name: self.intern(&key.name),
        }
    }

    pub fn push(&mut self, time: SimTime, kind: EntryKind) {
        self.open.push(Entry {
            seq: self.len,
            time,
            kind,
        });
        self.len += 1;
        if self.open.len() >= CHUNK {
            self.sealed.push(Arc::new(std::mem::take(&mut self.open)));
        }
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.open.iter())
    }

    pub fn events(&self) -> impl Iterator<Item = (&Entry, &Event)> {
        self.entries().filter_map(|e| match &e.kind {
            EntryKind::Event(ev) => Some((e, ev)),
            EntryKind::Note(_) => None,
        })
    }

    /// Events about one object, in order.
    pub fn events_for<'a>(
        &'a self,
        kind: Kind,
        key: &'a ObjectKey,
    ) -> impl Iterator<Item = (&'a Entry, &'a Event)> + 'a {
        self.events().filter(move |(_, e)| {
            e.object.kind == kind
                && *e.object.namespace == *key.namespace
                && *e.object.name == *key.name
        })
    }

    /// The whole log as text, one line per entry.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for e in self.entries() {
            s.push_str(&e.to_string());
            s.push('\n');
        }
        s
    }

    /// Folded events in order of first occurrence. Like the event correlator, whose key
    /// includes the involved object's UID, events of an object deleted and created again
    /// under the same name (a `create` note in between) fold separately.
    pub fn aggregated(&self) -> Vec<AggregatedEvent> {
        let mut incarnation: BTreeMap<&ObjectRef, u32> = BTreeMap::new();
        let mut index: BTreeMap<(&ObjectRef, u32, EventType, &str, &str), usize> = BTreeMap::new();
        let mut out: Vec<AggregatedEvent> = Vec::new();
        for entry in self.entries() {
            let ev = match &entry.kind {
                EntryKind::Event(ev) => ev,
                EntryKind::Note(Note::Applied {
                    object,
                    created: true,
                }) => {
                    *incarnation.entry(object).or_default() += 1;
                    continue;
                }
                EntryKind::Note(_) => continue,
            };
            let life = incarnation.get(&ev.object).copied().unwrap_or_default();
            let k = (&ev.object, life, ev.type_, ev.reason, &*ev.message);
            match index.get(&k) {
                Some(&i) => {
                    out[i].count += 1;
                    out[i].last = entry.time;
                }
                None => {
                    index.insert(k, out.len());
                    out.push(AggregatedEvent {
                        event: ev.clone(),
                        count: 1,
                        first: entry.time,
                        last: entry.time,
                        first_seq: entry.seq,
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_and_renders() {
        let mut log = EventLog::default();
        let obj = ObjectRef {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: "p".into(),
        };
        let ev = Event {
            type_: EventType::Warning,
            reason: "FailedScheduling",
            object: obj.clone(),
            message: "0/1 nodes are available: 1 Too many pods.".into(),
            source: "default-scheduler",
        };
        log.push(
            SimTime(0),
            EntryKind::Note(Note::Seed {
                seed: 7,
                version: "v1.36",
            }),
        );
        for t in [0, 1000, 2000] {
            log.push(SimTime(t), EntryKind::Event(ev.clone()));
        }
        let agg = log.aggregated();
        assert_eq!(agg.len(), 1);
        assert_eq!(
            (agg[0].count, agg[0].first, agg[0].last),
            (3, SimTime(0), SimTime(2000))
        );
        let text = log.render();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "   0.000s Warning FailedScheduling Pod/default/p: 0/1 nodes are available: 1 Too many pods."
        );
        let clone = log.clone();
        assert_eq!(clone.render(), text);
    }
}
