//! Work split over threads for big imports and exports in native builds.
//!
//! Only for work whose parts are independent and pure (reading YAML documents, deriving a
//! model object from its manifest, writing YAML): the parts' results are joined in order,
//! so the output is the sequential one and determinism does not depend on scheduling. The
//! engine's own loop (applying, scheduling, controllers) stays sequential. In wasm, on one
//! core, or for small inputs there is nothing to split: callers then do the work in turn.

/// Most threads one piece of work is split over.
#[cfg(not(target_arch = "wasm32"))]
const MAX_THREADS: usize = 8;

/// How many parts to split into now: the available cores, at most [`MAX_THREADS`]; 1 in wasm.
pub(crate) fn parts() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_THREADS)
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// `f` of each part on its own thread, results in the parts' order; `None` when there are
/// fewer than two parts or a thread panicked (the caller then does the work sequentially,
/// which reports the problem in its usual way).
pub(crate) fn map_parts<P: Sync, R: Send>(
    parts: &[P],
    f: impl Fn(&P) -> R + Sync,
) -> Option<Vec<R>> {
    if parts.len() < 2 {
        return None;
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let f = &f;
        std::thread::scope(|scope| {
            let running: Vec<_> = parts.iter().map(|p| scope.spawn(move || f(p))).collect();
            running
                .into_iter()
                .map(|h| h.join())
                .collect::<Result<Vec<_>, _>>()
        })
        .ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let _ = f;
        None
    }
}

/// `f` of every item, computed in [`parts`] contiguous slices on their own threads when
/// there are at least `min_items`; `None` when the work is not split.
pub(crate) fn map_items<T: Sync, R: Send>(
    items: &[T],
    min_items: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Option<Vec<R>> {
    let n = parts();
    if n < 2 || items.len() < min_items.max(2) {
        return None;
    }
    let slices: Vec<&[T]> = items.chunks(items.len().div_ceil(n)).collect();
    let done = map_parts(&slices, |slice| slice.iter().map(&f).collect::<Vec<R>>())?;
    Some(done.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order() {
        let items: Vec<u32> = (0..10_001).collect();
        let out = map_items(&items, 2, |x| x * 2);
        if parts() >= 2 {
            assert_eq!(out, Some(items.iter().map(|x| x * 2).collect()));
        } else {
            assert_eq!(out, None);
        }
        assert_eq!(map_items(&items, 20_000, |x| *x), None, "too few to split");
        assert_eq!(map_parts(&[1], |x| *x), None, "one part is not split");
    }

    #[test]
    fn a_panicking_part_gives_none() {
        if parts() < 2 {
            return;
        }
        let out = map_parts(&[1, 2, 3], |x| {
            if *x == 2 {
                panic!("part 2 fails");
            }
            *x
        });
        assert_eq!(out, None);
    }
}
