//! The simulation's only source of randomness: a ChaCha8 stream from the scenario seed.
//!
//! ChaCha8 output is specified bit for bit, so the same seed draws the same numbers on
//! every platform, native and wasm alike.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

#[derive(Clone, Debug)]
pub struct SimRng {
    inner: ChaCha8Rng,
    draws: u64,
}

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        SimRng {
            inner: ChaCha8Rng::seed_from_u64(seed),
            draws: 0,
        }
    }

    /// A uniform index in `0..n` (unbiased, by rejection). `n` must be positive.
    pub fn index(&mut self, n: usize) -> usize {
        assert!(n > 0, "SimRng::index needs a non-empty range");
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            self.draws += 1;
            let v = self.inner.next_u64();
            if v < zone {
                return (v % n) as usize;
            }
        }
    }

    /// How many numbers were drawn so far (a cheap determinism fingerprint).
    pub fn draws(&self) -> u64 {
        self.draws
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let mut a = SimRng::new(42);
        let mut b = SimRng::new(42);
        let xs: Vec<_> = (0..32).map(|_| a.index(7)).collect();
        let ys: Vec<_> = (0..32).map(|_| b.index(7)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().all(|x| *x < 7));
        // Pin the stream: a change of generator would silently change every golden log.
        let mut c = SimRng::new(1);
        let pinned: Vec<_> = (0..6).map(|_| c.index(1000)).collect();
        assert_eq!(pinned, PINNED_SEED_1);
        assert_eq!(c.draws(), 6);
    }

    const PINNED_SEED_1: [usize; 6] = [201, 795, 285, 466, 733, 64];
}
