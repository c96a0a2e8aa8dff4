//! Rebuilding big `BTreeMap`s and `BTreeSet`s with full nodes.
//!
//! A tree filled by inserts keeps its nodes half to two-thirds full (a full node splits in
//! two), so the 340k-entry maps of a 150k-pod cluster spend a third of their nodes' bytes
//! on empty slots. Collecting the entries again builds the tree bottom-up from the sorted
//! sequence with every node full (`FromIterator` for `BTreeMap` and `BTreeSet`). Contents
//! and iteration order stay the same, so repacking cannot change what the engine does, only
//! how much memory it holds.

use std::collections::{BTreeMap, BTreeSet};

/// Smaller trees are left alone: they hold little and the playground's scenarios (a few
/// hundred objects, re-run on every edit) should not pay for rebuilding them.
pub(crate) const MIN_ENTRIES: usize = 4096;

// Native builds only: in the playground (wasm) clusters stay far smaller than the ones this
// pays off for, and collecting each map type back into a tree compiles a sort and a bulk
// build per type, 40 kB of the gzipped bundle.

pub(crate) fn map<K: Ord, V>(m: &mut BTreeMap<K, V>) {
    #[cfg(not(target_arch = "wasm32"))]
    if m.len() >= MIN_ENTRIES {
        *m = std::mem::take(m).into_iter().collect();
    }
    #[cfg(target_arch = "wasm32")]
    let _ = m;
}

pub(crate) fn set<K: Ord>(s: &mut BTreeSet<K>) {
    #[cfg(not(target_arch = "wasm32"))]
    if s.len() >= MIN_ENTRIES {
        *s = std::mem::take(s).into_iter().collect();
    }
    #[cfg(target_arch = "wasm32")]
    let _ = s;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repacking_keeps_entries_and_order() {
        // Inserted out of order, so the tree has split nodes to repack.
        let mut m: BTreeMap<u32, u32> = (0..10_000u32).map(|i| ((i * 7919) % 10_007, i)).collect();
        for i in 0..5_000 {
            m.insert(20_000 + (i * 31) % 5_003, i);
        }
        let before: Vec<_> = m.iter().map(|(k, v)| (*k, *v)).collect();
        map(&mut m);
        assert_eq!(m.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(), before);
        let mut s: BTreeSet<u32> = before.iter().map(|(k, _)| *k).collect();
        s.insert(99_999);
        let keys: Vec<_> = s.iter().copied().collect();
        set(&mut s);
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), keys);
    }
}
