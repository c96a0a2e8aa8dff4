//! [`StrMap`]: labels, annotations and other small string maps, as one sorted `Vec`.
//!
//! Objects carry a handful of labels or annotations at most, and a `BTreeMap` spends a
//! whole node (about 550 bytes) on even one entry. A sorted `Vec` holds exactly its entries,
//! keeps the same order (by key), and looks a key up by binary search, so everything that
//! iterated the `BTreeMap` sees the same sequence.

use std::collections::BTreeMap;

/// A map from `String` to `String`, sorted by key, with the `BTreeMap` methods the engine
/// uses.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct StrMap {
    entries: Vec<(String, String)>,
}

impl StrMap {
    pub fn new() -> StrMap {
        StrMap::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`, returning the value it replaced.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
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
    pub fn insert_if_absent(&mut self, key: String, value: impl FnOnce() -> String) {
        if let Err(i) = self.find(&key) {
            self.entries.insert(i, (key, value()));
            self.entries.shrink_to_fit();
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<String> {
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
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &String)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The same entries as a `BTreeMap` (for the wire types).
    pub fn to_btree(&self) -> BTreeMap<String, String> {
        self.entries.iter().cloned().collect()
    }
}

impl FromIterator<(String, String)> for StrMap {
    /// Later duplicates win, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> StrMap {
        let mut entries: Vec<(String, String)> = iter.into_iter().collect();
        // Stable: equal keys keep their order, so the last one is kept below.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, String)> = Vec::with_capacity(entries.len());
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
        let mut entries: Vec<(String, String)> = m.into_iter().collect();
        entries.shrink_to_fit();
        StrMap { entries }
    }
}

impl<const N: usize> From<[(String, String); N]> for StrMap {
    fn from(a: [(String, String); N]) -> StrMap {
        a.into_iter().collect()
    }
}

impl<'a> IntoIterator for &'a StrMap {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for StrMap {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl Extend<(String, String)> for StrMap {
    fn extend<I: IntoIterator<Item = (String, String)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl std::ops::Index<&str> for StrMap {
    type Output = String;

    fn index(&self, key: &str) -> &String {
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
                    m.insert(k.to_string(), v.to_string()),
                    want.insert(k.to_string(), v.to_string())
                ),
                None => assert_eq!(m.remove(k), want.remove(*k)),
            }
            assert!(m.iter().eq(want.iter()));
            assert_eq!(m.len(), want.len());
            assert_eq!(m.get("b"), want.get("b"));
            assert_eq!(m.contains_key("a"), want.contains_key("a"));
        }
        assert_eq!(m.to_btree(), want);
        assert_eq!(StrMap::from(want.clone()), m);
        let dup: StrMap = [("k", "1"), ("j", "0"), ("k", "2")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            dup.to_btree(),
            BTreeMap::from([("j".into(), "0".into()), ("k".into(), "2".into())])
        );
        assert_eq!(dup["k"], "2");
    }
}
