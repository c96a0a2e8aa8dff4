//! [`StrMap`]: labels, annotations and other small string maps, as one sorted `Vec`.
//!
//! Objects carry a handful of labels or annotations at most, and a `BTreeMap` spends a
//! whole node (about 550 bytes) on even one entry. A sorted `Vec` holds exactly its entries,
//! keeps the same order (by key), and looks a key up by binary search, so everything that
//! iterated the `BTreeMap` sees the same sequence.
//!
//! Keys and values are shared strings ([`Arc<str>`]). The well-known ones (the annotations
//! the controllers write, `yes`, `true`, topology label keys) are one allocation for the
//! whole process ([`shared`]), and a value taken from another object (a node's name in
//! `selected-node`) is shared with it: a bound claim's five annotations used to be ten
//! small allocations, copied again on every update of the claim.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use thin_vec::ThinVec;

use super::well_known as wk;

/// The strings [`shared`] hands out one allocation of.
const WELL_KNOWN: [&str; 29] = [
    "",
    "false",
    "true",
    "yes",
    wk::ANN_BIND_COMPLETED,
    wk::ANN_BOUND_BY_CONTROLLER,
    wk::ANN_DEFAULT_STORAGE_CLASS,
    wk::ANN_DEFAULT_STORAGE_CLASS_BETA,
    wk::ANN_DESIRED_REPLICAS,
    wk::ANN_LOCAL_PATH_SELECTED_NODE,
    wk::ANN_MAX_REPLICAS,
    wk::ANN_PROVISIONED_BY,
    wk::ANN_REVISION,
    wk::ANN_SELECTED_NODE,
    wk::ANN_STORAGE_PROVISIONER,
    wk::ANN_STORAGE_PROVISIONER_BETA,
    wk::DEFAULT_SCHEDULER_NAME,
    wk::FINALIZER_EXTERNAL_PROVISIONER,
    wk::FINALIZER_PVC_PROTECTION,
    wk::FINALIZER_PV_PROTECTION,
    wk::LABEL_CONTROLLER_REVISION_HASH,
    wk::LABEL_HOSTNAME,
    wk::LABEL_POD_INDEX,
    wk::LABEL_POD_TEMPLATE_HASH,
    wk::LABEL_REGION,
    wk::LABEL_REGION_BETA,
    wk::LABEL_STATEFULSET_POD_NAME,
    wk::LABEL_ZONE,
    wk::LABEL_ZONE_BETA,
];

static WELL_KNOWN_SHARED: LazyLock<Vec<Arc<str>>> =
    LazyLock::new(|| WELL_KNOWN.iter().map(|s| Arc::from(*s)).collect());

fn well_known_index(s: &str) -> Option<usize> {
    // A linear scan of a short table: cheaper than sorting it at compile time.
    WELL_KNOWN.iter().position(|w| *w == s)
}

/// `s` as a shared string: the process-wide copy for a well-known one, a new one otherwise.
pub fn shared(s: &str) -> Arc<str> {
    match well_known_index(s) {
        Some(i) => WELL_KNOWN_SHARED[i].clone(),
        None => Arc::from(s),
    }
}

/// What [`StrMap`] can store: owned or borrowed text (copied unless well-known) or a
/// shared string (kept as it is, so an object can share another's string).
pub trait IntoShared {
    fn into_shared(self) -> Arc<str>;
}

impl IntoShared for &str {
    fn into_shared(self) -> Arc<str> {
        shared(self)
    }
}

impl IntoShared for String {
    fn into_shared(self) -> Arc<str> {
        shared(&self)
    }
}

impl IntoShared for &String {
    fn into_shared(self) -> Arc<str> {
        shared(self)
    }
}

impl IntoShared for Arc<str> {
    fn into_shared(self) -> Arc<str> {
        match well_known_index(&self) {
            Some(i) => WELL_KNOWN_SHARED[i].clone(),
            None => self,
        }
    }
}

impl IntoShared for &Arc<str> {
    fn into_shared(self) -> Arc<str> {
        self.clone().into_shared()
    }
}

/// A map from string to string, sorted by key, with the `BTreeMap` methods the engine
/// uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StrMap {
    /// A `ThinVec`: every object has two maps, mostly empty, and this is 8 bytes, not 24.
    entries: ThinVec<(Arc<str>, Arc<str>)>,
}

impl StrMap {
    pub fn new() -> StrMap {
        StrMap::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key).ok().map(|i| &*self.entries[i].1)
    }

    /// The value as the shared string it is stored as (to share it with another object).
    pub fn get_shared(&self, key: &str) -> Option<&Arc<str>> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`, returning the value it replaced.
    pub fn insert(&mut self, key: impl IntoShared, value: impl IntoShared) -> Option<Arc<str>> {
        let key = key.into_shared();
        let value = value.into_shared();
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                self.entries.shrink_to_fit();
                None
            }
        }
    }

    /// Sets `key` to `value()` unless it is there (`entry(key).or_insert_with(value)`).
    pub fn insert_if_absent<V: IntoShared>(
        &mut self,
        key: impl IntoShared,
        value: impl FnOnce() -> V,
    ) {
        let key = key.into_shared();
        if let Err(i) = self.find(&key) {
            self.entries.insert(i, (key, value().into_shared()));
            self.entries.shrink_to_fit();
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<Arc<str>> {
        let i = self.find(key).ok()?;
        let (_, v) = self.entries.remove(i);
        self.entries.shrink_to_fit();
        Some(v)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (&**k, &**v))
    }

    /// Entries in key order, as the shared strings they are stored as.
    pub fn iter_shared(&self) -> impl Iterator<Item = (&Arc<str>, &Arc<str>)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }

    /// The same entries as a `BTreeMap` (for the wire types).
    pub fn to_btree(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

impl<K: IntoShared, V: IntoShared> FromIterator<(K, V)> for StrMap {
    /// Later duplicates win, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> StrMap {
        let mut entries: ThinVec<(Arc<str>, Arc<str>)> = iter
            .into_iter()
            .map(|(k, v)| (k.into_shared(), v.into_shared()))
            .collect();
        // Stable: equal keys keep their order, so the last one is kept below.
        crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
        let mut out: ThinVec<(Arc<str>, Arc<str>)> = ThinVec::with_capacity(entries.len());
        for e in entries {
            match out.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => out.push(e),
            }
        }
        out.shrink_to_fit();
        StrMap { entries: out }
    }
}

impl From<BTreeMap<String, String>> for StrMap {
    fn from(m: BTreeMap<String, String>) -> StrMap {
        let mut entries: ThinVec<(Arc<str>, Arc<str>)> = m
            .into_iter()
            .map(|(k, v)| (k.into_shared(), v.into_shared()))
            .collect();
        entries.shrink_to_fit();
        StrMap { entries }
    }
}

impl<K: IntoShared, V: IntoShared, const N: usize> From<[(K, V); N]> for StrMap {
    fn from(a: [(K, V); N]) -> StrMap {
        a.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a StrMap {
    type Item = (&'a str, &'a str);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Arc<str>, Arc<str>)>,
        fn(&'a (Arc<str>, Arc<str>)) -> (&'a str, &'a str),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (&**k, &**v))
    }
}

impl<K: IntoShared, V: IntoShared> Extend<(K, V)> for StrMap {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl std::ops::Index<&str> for StrMap {
    type Output = str;

    fn index(&self, key: &str) -> &str {
        self.get(key).expect("no entry found for key")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_a_btreemap() {
        let ops: &[(&str, Option<&str>)] = &[
            ("b", Some("1")),
            ("a", Some("2")),
            ("c", Some("3")),
            ("b", Some("4")),
            ("a", None),
            ("z", None),
            ("a", Some("5")),
        ];
        let mut m = StrMap::new();
        let mut want: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in ops {
            match v {
                Some(v) => assert_eq!(
                    m.insert(*k, *v).map(|s| s.to_string()),
                    want.insert(k.to_string(), v.to_string())
                ),
                None => assert_eq!(m.remove(k).map(|s| s.to_string()), want.remove(*k)),
            }
            assert!(m
                .iter()
                .eq(want.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
            assert_eq!(m.len(), want.len());
            assert_eq!(m.get("b"), want.get("b").map(String::as_str));
            assert_eq!(m.contains_key("a"), want.contains_key("a"));
        }
        assert_eq!(m.to_btree(), want);
        assert_eq!(StrMap::from(want.clone()), m);
        let dup: StrMap = [("k", "1"), ("j", "0"), ("k", "2")].into_iter().collect();
        assert_eq!(
            dup.to_btree(),
            BTreeMap::from([("j".into(), "0".into()), ("k".into(), "2".into())])
        );
        assert_eq!(&dup["k"], "2");
    }

    #[test]
    fn well_known_strings_are_one_allocation() {
        let mut a = StrMap::new();
        let mut b = StrMap::new();
        a.insert(wk::ANN_BIND_COMPLETED.to_string(), "yes".to_string());
        b.insert(wk::ANN_BIND_COMPLETED, "yes");
        let (ka, va) = (&a.entries[0].0, &a.entries[0].1);
        let (kb, vb) = (&b.entries[0].0, &b.entries[0].1);
        assert!(Arc::ptr_eq(ka, kb) && Arc::ptr_eq(va, vb));
        // Another object's string is kept, not copied.
        let node: Arc<str> = Arc::from("node-7");
        a.insert(wk::ANN_SELECTED_NODE, &node);
        assert!(Arc::ptr_eq(
            a.get_shared(wk::ANN_SELECTED_NODE).unwrap(),
            &node
        ));
        // Anything else is copied as before.
        a.insert("app", "web");
        assert_eq!(a.get("app"), Some("web"));
        assert!(WELL_KNOWN
            .iter()
            .all(|w| Arc::ptr_eq(&shared(w), &shared(w))));
    }
}
