//! The event log: Kubernetes events plus the simulator's own notes, in emission order.
//!
//! Every entry has a sequence number and a simulated time. [`EventLog::render`] gives the
//! stable one-line-per-entry text that golden tests compare byte for byte;
//! [`EventLog::aggregated`] folds repeated events the way the API server's event
//! correlator does (same object, type, reason and message → one event with a count), which
//! is what `kubectl get events` shows.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use foldhash::fast::FixedState;

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

/// An append-only sequence stored in fixed-size chunks; sealed chunks are shared between
/// clones, so a snapshot of the log copies one pointer per chunk.
#[derive(Clone, Debug)]
struct Chunked<T> {
    sealed: Vec<Arc<Vec<T>>>,
    open: Vec<T>,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            sealed: Vec::new(),
            open: Vec::new(),
        }
    }
}

impl<T> Chunked<T> {
    fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.open.len()
    }

    /// Appends `v` and returns its index.
    fn push(&mut self, v: T) -> usize {
        let at = self.len();
        if self.open.capacity() == 0 {
            // A chunk's full size at once, not eight reallocations on the way to it.
            self.open.reserve_exact(CHUNK);
        }
        self.open.push(v);
        if self.open.len() >= CHUNK {
            self.sealed.push(Arc::new(std::mem::take(&mut self.open)));
        }
        at
    }

    fn get(&self, i: usize) -> &T {
        match self.sealed.get(i / CHUNK) {
            Some(chunk) => &chunk[i % CHUNK],
            None => &self.open[i - self.sealed.len() * CHUNK],
        }
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.open.iter())
    }
}

/// What a [`Packed`] entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    /// `a`: object, `b`: message, `code`: (type, reason, source).
    Event,
    /// `a`: object.
    Created,
    /// `a`: object.
    Updated,
    /// `a`: object.
    Deleted,
    /// The clock advanced to the entry's own time.
    Clock,
    Idle,
    /// `b`: index into `EventLog::notes`.
    Other,
    /// A [`Note::TieBreak`]: `a`: the pod (an object), `b`: index into `EventLog::ties`.
    TieBreak,
}

/// An event message in the log's table.
#[derive(Clone, Debug)]
enum Message {
    Text(Arc<str>),
    /// A message naming the event's own object (`Successfully assigned default/pod-7 to
    /// node-3`): the frame `EventLog::frames[id]` around the object's `namespace/name`
    /// (`name` when cluster-scoped). Most of a large run's messages differ only in the
    /// object they are about, so they are stored as a frame id instead of a string each.
    Framed(u32),
}

/// Below this length an object's name is not worth framing a message around.
const MIN_FRAMED_NAME: usize = 8;

/// Most tied node names a packed tie break holds (what the scheduler keeps,
/// [`crate::scheduler::TIE_BREAK_NAMES_KEPT`]); a note naming more is kept whole.
const TIE_NAMES: usize = crate::scheduler::TIE_BREAK_NAMES_KEPT;

/// A [`Note::TieBreak`] without its pod (the entry's object), its node names ids into
/// `EventLog::names`: 56 bytes instead of a note and a `Vec` of names (~230 bytes), and
/// a 150k-pod run breaks a tie for nearly every pod.
#[derive(Clone, Copy, Debug)]
struct PackedTie {
    score: i64,
    tied: usize,
    chosen: u32,
    candidates: [u32; TIE_NAMES],
    len: u8,
}

/// One entry, 24 bytes: a log of a million entries is the biggest single structure of a
/// 150k-pod run, so objects, messages and (type, reason, source) are ids into the log's
/// tables and the sequence number is the entry's position. [`EventLog::entries`] turns
/// them back into [`Entry`] values.
#[derive(Clone, Copy, Debug)]
struct Packed {
    time: SimTime,
    a: u32,
    b: u32,
    code: u16,
    tag: Tag,
}

/// Append-only; sealed chunks are shared between clones, so snapshots are cheap.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    entries: Chunked<Packed>,
    /// Involved objects; an object gets one id per stretch of the log in which it stays
    /// among the recent ones (`recent_objects`), so the table is much shorter than the log
    /// but may name an object more than once: readers compare the references, not the ids.
    objects: Chunked<ObjectRef>,
    /// Event messages, each repeated run of recent ones stored once (`recent_messages`).
    messages: Chunked<Message>,
    /// The (prefix, suffix) pairs of [`Message::Framed`] messages.
    frames: Chunked<(Arc<str>, Arc<str>)>,
    /// Ids in `frames` by a fixed-seed hash of the pair (a pair whose hash names another
    /// pair is stored as text instead). Only looked up, never iterated; shared between
    /// snapshots until a new pair comes.
    frame_ids: Arc<HashMap<u64, u32, FixedState>>,
    /// Notes other than created/updated/deleted, clock, idle and tie breaks (seed, limits).
    notes: Chunked<Note>,
    /// Tie breaks ([`Tag::TieBreak`]).
    ties: Chunked<PackedTie>,
    /// Node names of tie breaks, each shared name once.
    names: Chunked<Arc<str>>,
    /// Ids in `names` by the address of the name's allocation: `names` holds a reference to
    /// each, so an address stays that name's while the log lives. Only looked up, never
    /// iterated; shared between snapshots until a new name comes.
    name_ids: Arc<HashMap<usize, u32, FixedState>>,
    /// The distinct (type, reason, source) triples, a few dozen.
    codes: Arc<Vec<(EventType, &'static str, &'static str)>>,
    /// Recently used strings: repeated messages and names share one allocation. A small
    /// ring, so a clone stays cheap.
    recent: Vec<Arc<str>>,
    recent_next: usize,
    /// Recently logged objects, as (hash of kind, namespace and name; id): a ring, like
    /// `recent`, scanned for every event, so it compares hashes before strings.
    recent_objects: Vec<(u64, u32)>,
    recent_objects_next: usize,
    recent_messages: Vec<u32>,
    recent_messages_next: usize,
}

/// How many recent strings [`EventLog::intern`] remembers.
const RECENT_STRINGS: usize = 48;
/// How many recent objects and messages keep their ids.
const RECENT_IDS: usize = 64;

const CHUNK: usize = 512;

/// Puts `id` in the ring `ring` (of at most `RECENT_IDS`), `next` being its cursor.
fn remember<T>(ring: &mut Vec<T>, next: &mut usize, id: T) {
    if ring.len() < RECENT_IDS {
        ring.push(id);
    } else {
        ring[*next] = id;
        *next = (*next + 1) % RECENT_IDS;
    }
}

fn same_str(a: &Arc<str>, b: &str) -> bool {
    std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() || **a == *b
}

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

    /// An [`ObjectRef`] to `key`'s object (sharing the key's strings).
    pub fn object_ref(&mut self, kind: Kind, key: &ObjectKey) -> ObjectRef {
        ObjectRef::new(kind, key)
    }

    fn object_id(&mut self, object: ObjectRef) -> u32 {
        use std::hash::BuildHasher;
        // A fixed-seed hash, compared only for equality: it decides whether an id is
        // reused (which no reader can tell), never an order.
        let hash = foldhash::fast::FixedState::default().hash_one((
            object.kind,
            &*object.namespace,
            &*object.name,
        ));
        let found = self.recent_objects.iter().find(|&&(h, id)| {
            h == hash && {
                let o = self.objects.get(id as usize);
                o.kind == object.kind
                    && same_str(&o.name, &object.name)
                    && same_str(&o.namespace, &object.namespace)
            }
        });
        if let Some(&(_, id)) = found {
            return id;
        }
        let id = u32::try_from(self.objects.push(object)).expect("fewer than 2^32 objects");
        remember(
            &mut self.recent_objects,
            &mut self.recent_objects_next,
            (hash, id),
        );
        id
    }

    /// Where `message` names `object` (`namespace/name`, or `name` when cluster-scoped):
    /// the byte range of its first mention.
    fn mention(message: &str, object: &ObjectRef) -> Option<(usize, usize)> {
        let (ns, name) = (&*object.namespace, &*object.name);
        if ns.len() + name.len() < MIN_FRAMED_NAME {
            return None;
        }
        message.match_indices(name).find_map(|(at, _)| {
            let end = at + name.len();
            if ns.is_empty() {
                return Some((at, end));
            }
            let start = at.checked_sub(ns.len() + 1)?;
            (message.as_bytes()[at - 1] == b'/' && message.get(start..at - 1) == Some(ns))
                .then_some((start, end))
        })
    }

    /// The id of the frame `(prefix, suffix)`, if it can have one.
    fn frame_id(&mut self, prefix: &str, suffix: &str) -> Option<u32> {
        use std::hash::BuildHasher;
        let hash = FixedState::default().hash_one((prefix, suffix));
        if let Some(&id) = self.frame_ids.get(&hash) {
            let (p, s) = self.frames.get(id as usize);
            return (**p == *prefix && **s == *suffix).then_some(id);
        }
        let id = u32::try_from(self.frames.push((prefix.into(), suffix.into())))
            .expect("fewer than 2^32 frames");
        Arc::make_mut(&mut self.frame_ids).insert(hash, id);
        Some(id)
    }

    /// The text of a message of an event about `object`.
    fn message_text(&self, message: &Message, object: &ObjectRef) -> Arc<str> {
        match message {
            Message::Text(t) => t.clone(),
            Message::Framed(id) => {
                let (prefix, suffix) = self.frames.get(*id as usize);
                let mut s = String::with_capacity(
                    prefix.len() + object.namespace.len() + 1 + object.name.len() + suffix.len(),
                );
                s.push_str(prefix);
                if !object.namespace.is_empty() {
                    s.push_str(&object.namespace);
                    s.push('/');
                }
                s.push_str(&object.name);
                s.push_str(suffix);
                s.into()
            }
        }
    }

    fn message_id(&mut self, message: Arc<str>, object: &ObjectRef) -> u32 {
        if let Some(id) = self.recent_messages.iter().copied().find(|&id| {
            matches!(self.messages.get(id as usize), Message::Text(t) if same_str(t, &message))
        }) {
            return id;
        }
        if let Some((start, end)) = Self::mention(&message, object) {
            if let Some(frame) = self.frame_id(&message[..start], &message[end..]) {
                return u32::try_from(self.messages.push(Message::Framed(frame)))
                    .expect("fewer than 2^32 messages");
            }
        }
        let id = u32::try_from(self.messages.push(Message::Text(message)))
            .expect("fewer than 2^32 messages");
        remember(
            &mut self.recent_messages,
            &mut self.recent_messages_next,
            id,
        );
        id
    }

    /// The id of a node name in `names` (see `name_ids`).
    fn name_id(&mut self, name: &Arc<str>) -> u32 {
        let addr = Arc::as_ptr(name) as *const u8 as usize;
        if let Some(&id) = self.name_ids.get(&addr) {
            return id;
        }
        let id = u32::try_from(self.names.push(name.clone())).expect("fewer than 2^32 names");
        Arc::make_mut(&mut self.name_ids).insert(addr, id);
        id
    }

    fn code(&mut self, type_: EventType, reason: &'static str, source: &'static str) -> u16 {
        let same = |a: &'static str, b: &'static str| {
            std::ptr::eq(a.as_ptr(), b.as_ptr()) && a.len() == b.len() || a == b
        };
        if let Some(i) = self
            .codes
            .iter()
            .position(|&(t, r, s)| t == type_ && same(r, reason) && same(s, source))
        {
            return i as u16;
        }
        let codes = Arc::make_mut(&mut self.codes);
        codes.push((type_, reason, source));
        u16::try_from(codes.len() - 1).expect("fewer than 65536 event kinds")
    }

    pub fn push(&mut self, time: SimTime, kind: EntryKind) {
        let (tag, a, b, code) = match kind {
            EntryKind::Event(e) => {
                let code = self.code(e.type_, e.reason, e.source);
                let b = self.message_id(e.message, &e.object);
                let a = self.object_id(e.object);
                (Tag::Event, a, b, code)
            }
            EntryKind::Note(Note::Applied { object, created }) => {
                let tag = if created { Tag::Created } else { Tag::Updated };
                (tag, self.object_id(object), 0, 0)
            }
            EntryKind::Note(Note::Deleted { object }) => {
                (Tag::Deleted, self.object_id(object), 0, 0)
            }
            EntryKind::Note(Note::Clock { to }) if to == time => (Tag::Clock, 0, 0, 0),
            EntryKind::Note(Note::Idle) => (Tag::Idle, 0, 0, 0),
            EntryKind::Note(Note::TieBreak {
                pod,
                score,
                tied,
                candidates,
                chosen,
            }) if candidates.len() <= TIE_NAMES => {
                let a = self.object_id(ObjectRef::new(Kind::Pod, &pod));
                let mut ids = [0; TIE_NAMES];
                for (id, name) in ids.iter_mut().zip(&candidates) {
                    *id = self.name_id(name);
                }
                let tie = PackedTie {
                    score,
                    tied,
                    chosen: self.name_id(&chosen),
                    candidates: ids,
                    len: candidates.len() as u8,
                };
                let b = u32::try_from(self.ties.push(tie)).expect("fewer than 2^32 ties");
                (Tag::TieBreak, a, b, 0)
            }
            EntryKind::Note(other) => {
                let b = u32::try_from(self.notes.push(other)).expect("fewer than 2^32 notes");
                (Tag::Other, 0, b, 0)
            }
        };
        self.entries.push(Packed {
            time,
            a,
            b,
            code,
            tag,
        });
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.len() == 0
    }

    fn unpack(&self, seq: usize, p: &Packed) -> Entry {
        let kind = match p.tag {
            Tag::Event => EntryKind::Event(self.event_of(p)),
            Tag::Created | Tag::Updated => EntryKind::Note(Note::Applied {
                object: self.objects.get(p.a as usize).clone(),
                created: p.tag == Tag::Created,
            }),
            Tag::Deleted => EntryKind::Note(Note::Deleted {
                object: self.objects.get(p.a as usize).clone(),
            }),
            Tag::Clock => EntryKind::Note(Note::Clock { to: p.time }),
            Tag::Idle => EntryKind::Note(Note::Idle),
            Tag::Other => EntryKind::Note(self.notes.get(p.b as usize).clone()),
            Tag::TieBreak => {
                let pod = self.objects.get(p.a as usize);
                let tie = self.ties.get(p.b as usize);
                EntryKind::Note(Note::TieBreak {
                    pod: ObjectKey {
                        namespace: pod.namespace.clone(),
                        name: pod.name.clone(),
                    },
                    score: tie.score,
                    tied: tie.tied,
                    candidates: tie.candidates[..tie.len as usize]
                        .iter()
                        .map(|&id| self.names.get(id as usize).clone())
                        .collect(),
                    chosen: self.names.get(tie.chosen as usize).clone(),
                })
            }
        };
        Entry {
            seq: seq as u64,
            time: p.time,
            kind,
        }
    }

    /// The event a [`Tag::Event`] entry stands for.
    fn event_of(&self, p: &Packed) -> Event {
        let (type_, reason, source) = self.codes[p.code as usize];
        Event {
            type_,
            reason,
            object: self.objects.get(p.a as usize).clone(),
            message: self.message_text(
                self.messages.get(p.b as usize),
                self.objects.get(p.a as usize),
            ),
            source,
        }
    }

    /// Every entry, in order (built from the compact form as it is read).
    pub fn entries(&self) -> impl Iterator<Item = Entry> + '_ {
        self.entries
            .iter()
            .enumerate()
            .map(|(seq, p)| self.unpack(seq, p))
    }

    /// The event packed at position `seq`, as an entry and as the event itself.
    fn event_entry(&self, seq: usize, p: &Packed) -> (Entry, Event) {
        let ev = self.event_of(p);
        let entry = Entry {
            seq: seq as u64,
            time: p.time,
            kind: EntryKind::Event(ev.clone()),
        };
        (entry, ev)
    }

    pub fn events(&self) -> impl Iterator<Item = (Entry, Event)> + '_ {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, p)| p.tag == Tag::Event)
            .map(|(seq, p)| self.event_entry(seq, p))
    }

    /// Events about one object, in order.
    pub fn events_for<'a>(
        &'a self,
        kind: Kind,
        key: &'a ObjectKey,
    ) -> impl Iterator<Item = (Entry, Event)> + 'a {
        // Which object ids name this object, decided once per id.
        let about: Vec<bool> = self
            .objects
            .iter()
            .map(|o| o.kind == kind && *o.namespace == *key.namespace && *o.name == *key.name)
            .collect();
        self.entries
            .iter()
            .enumerate()
            .filter(move |(_, p)| p.tag == Tag::Event && about[p.a as usize])
            .map(|(seq, p)| self.event_entry(seq, p))
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
        self.aggregate(None)
    }

    /// [`EventLog::aggregated`], only the events of `object` (what `kubectl describe` lists),
    /// without building the text of the others.
    pub fn aggregated_of(&self, object: &ObjectRef) -> Vec<AggregatedEvent> {
        self.aggregate(Some(object))
    }

    fn aggregate(&self, only: Option<&ObjectRef>) -> Vec<AggregatedEvent> {
        // The ids naming `only` (an object may have several, see `objects`): the table is
        // much shorter than the log.
        let wanted: Option<Vec<bool>> =
            only.map(|o| self.objects.iter().map(|object| object == o).collect());
        let mut incarnation: BTreeMap<&ObjectRef, u32> = BTreeMap::new();
        let mut index: BTreeMap<(&ObjectRef, u32, EventType, &str, Arc<str>), usize> =
            BTreeMap::new();
        let mut out: Vec<AggregatedEvent> = Vec::new();
        for (seq, p) in self.entries.iter().enumerate() {
            if !matches!(p.tag, Tag::Event | Tag::Created)
                || wanted.as_ref().is_some_and(|w| !w[p.a as usize])
            {
                continue;
            }
            match p.tag {
                Tag::Event => {}
                Tag::Created => {
                    *incarnation
                        .entry(self.objects.get(p.a as usize))
                        .or_default() += 1;
                    continue;
                }
                _ => continue,
            }
            let object = self.objects.get(p.a as usize);
            let (type_, reason, _) = self.codes[p.code as usize];
            let message = self.message_text(self.messages.get(p.b as usize), object);
            let life = incarnation.get(object).copied().unwrap_or_default();
            let k = (object, life, type_, reason, message);
            match index.get(&k) {
                Some(&i) => {
                    out[i].count += 1;
                    out[i].last = p.time;
                }
                None => {
                    index.insert(k, out.len());
                    out.push(AggregatedEvent {
                        event: self.event_of(p),
                        count: 1,
                        first: p.time,
                        last: p.time,
                        first_seq: seq as u64,
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
    fn one_objects_aggregate_is_that_object_in_the_whole_aggregate() {
        for b in crate::scenario::builtin::all() {
            let run = b.text.run(1, 10_000).expect("built-ins load");
            let log = run.sim.log();
            let all = log.aggregated();
            let objects: std::collections::BTreeSet<&ObjectRef> =
                all.iter().map(|e| &e.event.object).collect();
            for object in objects {
                let expected: Vec<&AggregatedEvent> =
                    all.iter().filter(|e| &e.event.object == object).collect();
                let only = log.aggregated_of(object);
                assert_eq!(
                    only.iter().collect::<Vec<_>>(),
                    expected,
                    "{}: {object:?}",
                    b.id
                );
            }
            let nobody = ObjectRef {
                kind: Kind::Pod,
                namespace: "nowhere".into(),
                name: "nobody".into(),
            };
            assert!(log.aggregated_of(&nobody).is_empty());
        }
    }

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

    #[test]
    fn messages_naming_their_object_read_back_as_pushed() {
        let event = |kind: Kind, ns: &str, name: &str, message: &str| Event {
            type_: EventType::Normal,
            reason: "Scheduled",
            object: ObjectRef {
                kind,
                namespace: ns.into(),
                name: name.into(),
            },
            message: message.into(),
            source: "default-scheduler",
        };
        let pushed = vec![
            event(
                Kind::Pod,
                "default",
                "pod-1234",
                "Successfully assigned default/pod-1234 to node-1",
            ),
            event(
                Kind::Pod,
                "default",
                "pod-1235",
                "Successfully assigned default/pod-1235 to node-1",
            ),
            event(
                Kind::Pod,
                "default",
                "pod-1236",
                "Successfully assigned default/pod-1236 to node-2",
            ),
            // Named without its namespace, twice, in another namespace, at either end.
            event(
                Kind::Pod,
                "default",
                "pod-1237",
                "pod-1237 is pod-1237, not other/pod-1237",
            ),
            event(
                Kind::Pod,
                "other",
                "pod-1237",
                "default/pod-1237 and other/pod-1237",
            ),
            event(Kind::PersistentVolume, "", "pv-local-0001", "pv-local-0001"),
            event(
                Kind::PersistentVolume,
                "",
                "pv-local-0001",
                "volume pv-local-0001 is gone",
            ),
            event(Kind::Pod, "default", "p", "default/p is short"),
            event(
                Kind::Pod,
                "default",
                "pod-1234",
                "Successfully assigned default/pod-1234 to node-1",
            ),
        ];
        let mut log = EventLog::default();
        for (t, e) in pushed.iter().enumerate() {
            log.push(SimTime(t as u64), EntryKind::Event(e.clone()));
        }
        let read: Vec<Event> = log.events().map(|(_, e)| e).collect();
        assert_eq!(read, pushed);
        let agg = log.aggregated();
        assert_eq!(agg.len(), pushed.len() - 1);
        assert_eq!(agg[0].count, 2);
        let key = ObjectKey::new("default", "pod-1236");
        let about: Vec<Event> = log.events_for(Kind::Pod, &key).map(|(_, e)| e).collect();
        assert_eq!(about, vec![pushed[2].clone()]);
    }

    #[test]
    fn tie_breaks_read_back_as_pushed() {
        let names: Vec<Arc<str>> = (0..10).map(|i| format!("node-{i}").into()).collect();
        let tie = |pod: &str, candidates: Vec<Arc<str>>, chosen: &Arc<str>| {
            EntryKind::Note(Note::TieBreak {
                pod: ObjectKey::new("default", pod),
                score: 42,
                tied: candidates.len() + 3,
                candidates,
                chosen: chosen.clone(),
            })
        };
        let pushed = vec![
            tie("a", names[..8].to_vec(), &names[3]),
            // The same names again (shared), a name equal to another but not shared, and
            // more names than a packed tie holds.
            tie("b", vec![names[1].clone(), "node-1".into()], &names[9]),
            tie("c", names.clone(), &names[0]),
            tie("d", Vec::new(), &"elsewhere".into()),
        ];
        let mut log = EventLog::default();
        for (t, kind) in pushed.iter().enumerate() {
            log.push(SimTime(t as u64), kind.clone());
        }
        let snapshot = log.clone();
        log.push(SimTime(9), tie("e", names[5..].to_vec(), &names[6]));
        let read: Vec<EntryKind> = snapshot.entries().map(|e| e.kind).collect();
        assert_eq!(read, pushed);
        assert_eq!(
            log.entries().last().map(|e| e.kind),
            Some(tie("e", names[5..].to_vec(), &names[6]))
        );
    }
}
