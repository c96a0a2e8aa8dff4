//! Stable sorts that share one compiled sort.
//!
//! `slice::sort_by` compiles the whole of the standard library's driftsort again for every
//! element type (~4.5 kB of wasm each): the playground had ~30 of them, 140 kB of its code.
//! These functions sort the positions (`u32`) with a comparator behind a `dyn` reference, one
//! instantiation for every caller, and then move the elements into place. The result is the
//! one `slice::sort_by` gives: stable, equal elements keep their order.

use std::cmp::Ordering;

/// `v.sort_by(compare)`.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = order_of(v.len(), &mut |a, b| compare(&v[a], &v[b]));
    permute(v, order);
}

/// `v.sort_by_key(key)`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort_by_cached_key(key)`: each key computed once.
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let order = order_of(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, order);
}

/// `v.sort()`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The positions `0..len` in stable sorted order: `order[i]` is where the element that
/// belongs at `i` is now. The one place that instantiates the standard library's sort.
fn order_of(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    // Slices past u32::MAX elements do not occur (the engine bounds every collection far
    // below); `try_from` keeps that an assertion rather than a silent wrap.
    let len = u32::try_from(len).expect("sorting fewer than 2^32 elements");
    let mut order: Vec<u32> = (0..len).collect();
    #[allow(clippy::disallowed_methods)] // the one instantiation everything else shares
    order.sort_by(|&a, &b| compare(a as usize, b as usize));
    order
}

/// Moves `v[order[i]]` to `i` for every `i`, one cycle of the permutation at a time.
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut i = start;
        // A position whose entry names itself is in place (or was placed by an earlier cycle).
        while order[i] as usize != i {
            let from = order[i] as usize;
            order[i] = i as u32;
            if from == start {
                break;
            }
            // `v[i]` holds the cycle's first element, carried along until its place.
            v.swap(i, from);
            i = from;
        }
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // compared with the standard library's sorts
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_is_stable() {
        // Pairs compared by their first half only: stability shows in the second.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..200 {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state % 7) as u8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            let mut cached = v.clone();
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected, "length {len}");
            sort_by_cached_key(&mut cached, |p| p.0);
            assert_eq!(cached, expected, "length {len}");
            let mut reversed = expected.clone();
            sort_by(&mut reversed, |a, b| b.cmp(a));
            expected.reverse();
            assert_eq!(reversed, expected);
        }
        let mut words = vec!["pod-10", "pod-9", "pod-1", "pod-10"];
        sort(&mut words);
        assert_eq!(words, ["pod-1", "pod-10", "pod-10", "pod-9"]);
    }
}
