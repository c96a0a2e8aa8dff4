//! [`SmallSet`]: an ordered set kept as a sorted `Vec`, for index entries that hold one or
//! two members (the pods using one claim, the PVs naming one claim).
//!
//! A `BTreeSet` allocates a whole node (hundreds of bytes) for its first member; 150,000
//! claims each with a one-member set made that a noticeable part of a large run's heap.
//! Membership changes shift the `Vec`, so this is only for sets that stay small.

use std::borrow::Borrow;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmallSet<T> {
    items: Vec<T>,
}

impl<T> Default for SmallSet<T> {
    fn default() -> Self {
        SmallSet { items: Vec::new() }
    }
}

impl<T: Ord> SmallSet<T> {
    /// Adds `value`; false if it was there.
    pub fn insert(&mut self, value: T) -> bool {
        match self.items.binary_search(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.reserve_exact(1);
                self.items.insert(i, value);
                true
            }
        }
    }

    /// Removes `value`; false if it was not there.
    pub fn remove<Q: Ord + ?Sized>(&mut self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.items.binary_search_by(|x| x.borrow().cmp(value)) {
            Ok(i) => {
                self.items.remove(i);
                true
            }
            Err(_) => false,
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, value: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.items
            .binary_search_by(|x| x.borrow().cmp(value))
            .is_ok()
    }
}

impl<T> SmallSet<T> {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Members in ascending order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<'a, T> IntoIterator for &'a SmallSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn behaves_like_a_btreeset() {
        let mut s: SmallSet<String> = SmallSet::default();
        let mut want: BTreeSet<String> = BTreeSet::new();
        for (op, v) in [
            (1, "b"),
            (1, "a"),
            (1, "b"),
            (0, "c"),
            (1, "c"),
            (0, "a"),
            (1, "d"),
        ] {
            if op == 1 {
                assert_eq!(s.insert(v.to_string()), want.insert(v.to_string()));
            } else {
                assert_eq!(s.remove(v), want.remove(v));
            }
            assert!(s.iter().eq(want.iter()));
            assert_eq!(s.len(), want.len());
            assert_eq!(s.contains("b"), want.contains("b"));
        }
    }
}
