//! A `&serde_json::Value` deserializer that remembers where it failed: the field path
//! (`spec.containers[0].name`) of an import error.
//!
//! Why not serde_path_to_error, which does the same: it wraps every visitor, so each
//! k8s-openapi type's Deserialize code is compiled again for the wrappers — 211 kB of the
//! playground's wasm (92 kB gzip), for a path that is only read when something is wrong.
//! Here only the way into mappings and sequences is ours; scalars and enums are serde_json's
//! own `&Value` deserializer, errors are worded as serde_json words them, and a test checks
//! paths and messages against serde_path_to_error on thousands of broken objects.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

/// One step of a path: a mapping key or a sequence index.
#[derive(Clone, Copy, Debug)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

type Path<'v> = RefCell<Vec<Segment<'v>>>;

/// Deserializes `value`; on failure, the error with the path of the innermost value that
/// failed (empty for the document itself), written as serde_path_to_error writes it.
#[cfg(any(test, target_arch = "wasm32"))]
pub(crate) fn deserialize<T: serde::de::DeserializeOwned>(
    value: &Value,
) -> Result<T, (String, serde_json::Error)> {
    with_path(value, |tracked| T::deserialize(tracked))
}

/// [`deserialize`] for a caller that wraps the deserializer (the native build's
/// serde_ignored): `read` deserializes from what it is given.
pub(crate) fn with_path<'v, R>(
    value: &'v Value,
    read: impl for<'p> FnOnce(Tracked<'v, 'p>) -> Result<R, serde_json::Error>,
) -> Result<R, (String, serde_json::Error)> {
    let path = Path::default();
    read(Tracked { value, path: &path }).map_err(|e| (render(&path.borrow()), e))
}

fn render(path: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

// Not inlined: `child` is compiled once per field type of every k8s-openapi struct, and
// these few lines in each copy were ~80 kB gzip of the playground's wasm.
#[inline(never)]
fn enter<'v>(path: &Path<'v>, step: Segment<'v>) {
    path.borrow_mut().push(step);
}

#[inline(never)]
fn leave(path: &Path<'_>) {
    path.borrow_mut().pop();
}

/// A value and the path to it. A child pushes its step before it is read and pops it
/// only when it was read: after an error the path ends at the value that failed.
#[derive(Clone, Copy)]
pub(crate) struct Tracked<'v, 'p> {
    value: &'v Value,
    path: &'p Path<'v>,
}

impl<'v, 'p> Tracked<'v, 'p> {
    fn child<'de, S: DeserializeSeed<'de>>(
        self,
        step: Segment<'v>,
        value: &'v Value,
        seed: S,
    ) -> Result<S::Value, serde_json::Error>
    where
        'v: 'de,
    {
        enter(self.path, step);
        let out = seed.deserialize(Tracked {
            value,
            path: self.path,
        })?;
        leave(self.path);
        Ok(out)
    }

    fn visit_map<'de, V: Visitor<'de>>(
        self,
        map: &'v Map<String, Value>,
        visitor: V,
    ) -> Result<V::Value, serde_json::Error>
    where
        'v: 'de,
    {
        let mut access = TrackedMap {
            at: self,
            iter: map.iter(),
            pending: None,
        };
        let out = visitor.visit_map(&mut access)?;
        // As serde_json's own: a visitor that stops early is an error.
        if access.iter.len() == 0 {
            Ok(out)
        } else {
            Err(de::Error::invalid_length(
                map.len(),
                &"fewer elements in map",
            ))
        }
    }

    fn visit_seq<'de, V: Visitor<'de>>(
        self,
        items: &'v [Value],
        visitor: V,
    ) -> Result<V::Value, serde_json::Error>
    where
        'v: 'de,
    {
        let mut access = TrackedSeq {
            at: self,
            iter: items.iter().enumerate(),
        };
        let out = visitor.visit_seq(&mut access)?;
        if access.iter.len() == 0 {
            Ok(out)
        } else {
            Err(de::Error::invalid_length(
                items.len(),
                &"fewer elements in array",
            ))
        }
    }
}

struct TrackedMap<'v, 'p> {
    at: Tracked<'v, 'p>,
    iter: serde_json::map::Iter<'v>,
    pending: Option<(&'v str, &'v Value)>,
}

impl<'de, 'v: 'de, 'p> MapAccess<'de> for TrackedMap<'v, 'p> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.pending = Some((key, value));
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        let Some((key, value)) = self.pending.take() else {
            return Err(de::Error::custom("value is missing"));
        };
        self.at.child(Segment::Key(key), value, seed)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct TrackedSeq<'v, 'p> {
    at: Tracked<'v, 'p>,
    iter: std::iter::Enumerate<std::slice::Iter<'v, Value>>,
}

impl<'de, 'v: 'de, 'p> SeqAccess<'de> for TrackedSeq<'v, 'p> {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        match self.iter.next() {
            Some((i, value)) => self.at.child(Segment::Index(i), value, seed).map(Some),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// serde_json's message for a value of the wrong type. Written here rather than calling
/// serde_json's `deserialize_seq` / `_map` / `_struct` / `_any` for it: those also hold
/// serde_json's own way into mappings and sequences, which would compile every k8s type's
/// Deserialize a second time (the reason this module exists).
#[cold]
fn invalid_type(value: &Value, expected: &dyn de::Expected) -> serde_json::Error {
    let unexpected = match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => de::Unexpected::Unsigned(u),
            (None, Some(i)) => de::Unexpected::Signed(i),
            (None, None) => de::Unexpected::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    };
    de::Error::invalid_type(unexpected, expected)
}

/// Methods that read no mapping or sequence: serde_json's own, for its exact messages.
macro_rules! delegate {
    ($($method:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.value.$method(visitor)
        })*
    };
}

impl<'de, 'v: 'de, 'p> Deserializer<'de> for Tracked<'v, 'p> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => self.visit_map(map, visitor),
            Value::Array(items) => self.visit_seq(items, visitor),
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => n.deserialize_any(visitor),
            Value::String(s) => visitor.visit_borrowed_str(s),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Array(items) => self.visit_seq(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => self.visit_map(map, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::Object(map) => self.visit_map(map, visitor),
            Value::Array(items) => self.visit_seq(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.value.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Array(items) => self.visit_seq(items, visitor),
            other => Err(invalid_type(other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_bytes(visitor)
    }

    delegate!(
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_unit,
        deserialize_identifier,
        deserialize_ignored_any,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1 as apps;
    use k8s_openapi::api::core::v1 as core;
    use k8s_openapi::api::policy::v1 as policy;
    use k8s_openapi::api::scheduling::v1 as scheduling;
    use k8s_openapi::api::storage::v1 as storage;

    type Outcome = Option<(String, String)>;

    fn both<T: serde::de::DeserializeOwned>(v: &Value) -> (Outcome, Outcome) {
        let ours = deserialize::<T>(v).err().map(|(p, e)| (p, e.to_string()));
        let theirs = serde_path_to_error::deserialize::<_, T>(v).err().map(|e| {
            let p = e.path().to_string();
            let p = if p == "." { String::new() } else { p };
            (p, e.into_inner().to_string())
        });
        (ours, theirs)
    }

    fn compare(kind: &str, v: &Value) -> (Outcome, Outcome) {
        match kind {
            "Node" => both::<core::Node>(v),
            "PersistentVolume" => both::<core::PersistentVolume>(v),
            "PersistentVolumeClaim" => both::<core::PersistentVolumeClaim>(v),
            "Pod" => both::<core::Pod>(v),
            "StorageClass" => both::<storage::StorageClass>(v),
            "CSINode" => both::<storage::CSINode>(v),
            "CSIDriver" => both::<storage::CSIDriver>(v),
            "CSIStorageCapacity" => both::<storage::CSIStorageCapacity>(v),
            "PriorityClass" => both::<scheduling::PriorityClass>(v),
            "PodDisruptionBudget" => both::<policy::PodDisruptionBudget>(v),
            "StatefulSet" => both::<apps::StatefulSet>(v),
            "Deployment" => both::<apps::Deployment>(v),
            "ReplicaSet" => both::<apps::ReplicaSet>(v),
            other => panic!("kind {other}"),
        }
    }

    /// Every place in `v`, as a list of steps.
    fn places(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
        out.push(at.clone());
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    at.push(Value::String(k.clone()));
                    places(child, at, out);
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    at.push(Value::from(i));
                    places(child, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }

    fn at_mut<'a>(v: &'a mut Value, place: &[Value]) -> &'a mut Value {
        place.iter().fold(v, |v, step| match step {
            Value::String(k) => &mut v[k.as_str()],
            other => &mut v[other.as_u64().expect("index") as usize],
        })
    }

    /// Breaks every object of the built-ins and a generated cluster in every place (each
    /// value replaced by each JSON type, each key removed) and checks that the error —
    /// path and message — is serde_path_to_error's.
    #[test]
    fn paths_and_messages_match_serde_path_to_error() {
        let mut objects: Vec<Value> = Vec::new();
        for b in crate::scenario::builtin::all() {
            let parsed = crate::scenario::parse(&b.text.yaml);
            objects.extend(parsed.manifests.iter().map(|d| d.manifest.to_json()));
        }
        crate::generate::generate_into("storage-mix", 3, 12, 1, &mut |m| objects.push(m.to_json()))
            .expect("generates");
        let replacements = [
            Value::from("x"),
            Value::from(7),
            Value::from(-1.5),
            Value::from(true),
            Value::Null,
            serde_json::json!([1, "a"]),
            serde_json::json!({"a": 1}),
        ];
        let (mut cases, mut errors) = (0, 0);
        for object in &objects {
            let kind = object["kind"].as_str().expect("kind").to_string();
            assert_eq!(compare(&kind, object), (None, None), "{object}");
            let mut all = Vec::new();
            places(object, &mut Vec::new(), &mut all);
            for place in all.iter().filter(|p| !p.is_empty()) {
                let mut variants = Vec::new();
                for r in &replacements {
                    let mut broken = object.clone();
                    *at_mut(&mut broken, place) = r.clone();
                    variants.push(broken);
                }
                let (parent, last) = place.split_at(place.len() - 1);
                let mut removed = object.clone();
                match (at_mut(&mut removed, parent), &last[0]) {
                    (Value::Object(m), Value::String(k)) => {
                        m.shift_remove(k);
                    }
                    (Value::Array(items), i) => {
                        items.remove(i.as_u64().expect("index") as usize);
                    }
                    _ => unreachable!(),
                }
                variants.push(removed);
                for broken in &variants {
                    let (ours, theirs) = compare(&kind, broken);
                    assert_eq!(ours, theirs, "{kind} broken at {place:?}: {broken}");
                    cases += 1;
                    errors += ours.is_some() as usize;
                }
            }
        }
        assert!(
            cases > 10_000 && errors > 2_000,
            "{cases} cases, {errors} errors"
        );
    }
}
