//! Simulated time: the only clock the engine knows.
//!
//! Nothing in `bindery-core` reads the wall clock; every timestamp is a [`SimTime`] that the
//! simulation advances explicitly (timers for backoff, grace periods, provisioning latency).

use std::fmt;

/// Milliseconds since the start of the simulation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);

    pub fn from_secs(secs: u64) -> SimTime {
        SimTime(secs.saturating_mul(1000))
    }

    pub fn millis(self) -> u64 {
        self.0
    }

    pub fn plus_millis(self, ms: u64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }

    /// RFC 3339 rendering anchored at a fixed, arbitrary epoch (2026-01-01T00:00:00Z), used
    /// where Kubernetes objects need a timestamp (creationTimestamp, conditions) on export.
    pub fn to_rfc3339(self) -> String {
        // Days since 2026-01-01; the simulated runs are short enough that a simple
        // day/month walk over a non-leap year followed by leap-aware years suffices.
        let total_secs = self.0 / 1000;
        let (mut days, rem) = (total_secs / 86_400, total_secs % 86_400);
        let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
        let mut year = 2026u64;
        loop {
            let len = if is_leap(year) { 366 } else { 365 };
            if days < len {
                break;
            }
            days -= len;
            year += 1;
        }
        let month_lengths = [
            31,
            if is_leap(year) { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let mut month = 0usize;
        while days >= month_lengths[month] {
            days -= month_lengths[month];
            month += 1;
        }
        format!(
            "{year:04}-{:02}-{:02}T{h:02}:{m:02}:{s:02}Z",
            month + 1,
            days + 1
        )
    }
}

fn is_leap(y: u64) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

impl fmt::Display for SimTime {
    /// `12.345s`: seconds with millisecond precision, the form used in the event log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}s", self.0 / 1000, self.0 % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_seconds_and_rfc3339() {
        assert_eq!(SimTime(12_345).to_string(), "12.345s");
        assert_eq!(SimTime::ZERO.to_rfc3339(), "2026-01-01T00:00:00Z");
        assert_eq!(
            SimTime::from_secs(86_400 * 59 + 61).to_rfc3339(),
            "2026-03-01T00:01:01Z"
        );
    }
}
