//! Kubernetes resource quantities ("10Gi", "500m", "1e3") as integers.
//!
//! Parsing of the numeric value is delegated to the `kube_quantity` crate. That crate is
//! lenient in ways the API server is not (it reads `"Gi"` as zero, accepts `"inf"`, and
//! truncates fractions in its integer conversions), so every string is first checked
//! against upstream's grammar (`k8s.io/apimachinery/pkg/api/resource.ParseQuantity`) and
//! rejected with upstream's own message; only then is the value taken, through
//! `to_bytes_f64`, and rounded up the way `Quantity.Value()` / `MilliValue()` round.

use kube_quantity::ParsedQuantity;

/// The API server's message for a string that is not a quantity (apimachinery
/// `resource.ErrFormatWrong`).
pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// A parsed quantity, kept as the original string plus its value in base units.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    value: f64,
}

impl Quantity {
    /// Parses `s` with upstream's grammar; the error is upstream's text.
    pub fn parse(s: &str) -> Result<Quantity, String> {
        if !matches_upstream_grammar(s) {
            return Err(ERR_FORMAT_WRONG.to_string());
        }
        // `kube_quantity` reads the exa suffixes `E` and `Ei` as an exponent missing its digits
        // and fails; the API server takes them as 10^18 and 2^60 (`resource.ParseQuantity`).
        let (number, factor) = match (s.strip_suffix("Ei"), s.strip_suffix('E')) {
            (Some(n), _) => (n, 2f64.powi(60)),
            (None, Some(n)) => (n, 1e18),
            (None, None) => (s, 1.0),
        };
        let parsed = ParsedQuantity::try_from(number).map_err(|_| ERR_FORMAT_WRONG.to_string())?;
        let value = parsed
            .to_bytes_f64()
            .map(|v| v * factor)
            .filter(|v| v.is_finite())
            .ok_or_else(|| ERR_FORMAT_WRONG.to_string())?;
        Ok(Quantity { value })
    }

    /// `Quantity.Value()`: the value in base units (bytes, cores, count), rounded up.
    pub fn value(&self) -> i64 {
        round_up(self.value)
    }

    /// `Quantity.MilliValue()`: the value in thousandths, rounded up (CPU is kept this way).
    pub fn milli_value(&self) -> i64 {
        round_up(self.value * 1000.0)
    }
}

/// `Quantity.String()` for the common cases: the canonical form the API server prints in
/// field errors (`"0Gi"` → `"0"`, `"1024Mi"` → `"1Gi"`, `"0.5"` → `"500m"`). Binary-suffixed
/// input keeps binary suffixes, plain and decimal-suffixed input decimal ones; anything
/// else (exponents, fractions of a milli) is returned as written.
pub fn canonical(s: &str) -> String {
    let Ok(q) = Quantity::parse(s) else {
        return s.to_string();
    };
    let v = q.value;
    if v == 0.0 {
        return "0".to_string();
    }
    let integral = (v - v.round()).abs() < 1e-9;
    if s.ends_with('i') {
        if integral {
            return format_bytes(v.round() as i64);
        }
        return s.to_string();
    }
    if s.contains(['e', 'E']) {
        return s.to_string();
    }
    if integral {
        let mut n = v.round() as i64;
        for suffix in ["", "k", "M", "G", "T", "P"] {
            if n % 1000 != 0 {
                return format!("{n}{suffix}");
            }
            n /= 1000;
        }
        return format!("{n}E");
    }
    let milli = v * 1000.0;
    if (milli - milli.round()).abs() < 1e-6 {
        return format!("{}m", milli.round() as i64);
    }
    s.to_string()
}

fn round_up(v: f64) -> i64 {
    // Float noise from binary suffix arithmetic must not turn 1.0 into 2 after ceil.
    let nearest = v.round();
    if (v - nearest).abs() < 1e-6 {
        nearest as i64
    } else {
        v.ceil() as i64
    }
}

/// `<signedNumber><suffix>` where the number is `digits`, `digits.digits`, `digits.` or
/// `.digits`, and the suffix is a binary SI suffix, a decimal SI suffix or an exponent.
fn matches_upstream_grammar(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - frac_start;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    let suffix = &s[i..];
    match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T"
        | "P" | "E" => true,
        _ => {
            let rest = suffix
                .strip_prefix('e')
                .or_else(|| suffix.strip_prefix('E'));
            match rest {
                Some(exp) => {
                    let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
                }
                None => false,
            }
        }
    }
}

/// Renders a byte count the way people write storage sizes: the largest binary suffix that
/// divides it exactly ("10Gi", "1536Mi"), else plain bytes.
pub fn format_bytes(bytes: i64) -> String {
    const SUFFIXES: [(&str, i64); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    if bytes != 0 {
        for (suffix, unit) in SUFFIXES {
            if bytes % unit == 0 {
                return format!("{}{suffix}", bytes / unit);
            }
        }
    }
    bytes.to_string()
}

/// Renders milli-CPU as Kubernetes does: whole cores without a suffix, else `<n>m`.
pub fn format_milli(milli: i64) -> String {
    if milli % 1000 == 0 {
        (milli / 1000).to_string()
    } else {
        format!("{milli}m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_the_api_server() {
        let cases: &[(&str, Option<(i64, i64)>)] = &[
            ("10Gi", Some((10 << 30, (10i64 << 30) * 1000))),
            ("1.5Gi", Some((3 << 29, (3i64 << 29) * 1000))),
            ("500m", Some((1, 500))),
            ("100m", Some((1, 100))),
            ("2", Some((2, 2000))),
            ("1e3", Some((1000, 1_000_000))),
            ("128974848", Some((128_974_848, 128_974_848_000))),
            ("1E", Some((1_000_000_000_000_000_000, i64::MAX))),
            ("1.5E", Some((1_500_000_000_000_000_000, i64::MAX))),
            ("2Ei", Some((1 << 61, i64::MAX))),
            ("1E3", Some((1000, 1_000_000))),
            ("1EE", None),
            ("129M", Some((129_000_000, 129_000_000_000))),
            (".5", Some((1, 500))),
            ("5GB!", None),
            ("Gi", None),
            ("", None),
            ("inf", None),
            ("1.2.3Gi", None),
            ("10 Gi", None),
        ];
        for (input, want) in cases {
            let got = Quantity::parse(input)
                .ok()
                .map(|q| (q.value(), q.milli_value()));
            assert_eq!(&got, want, "parse({input:?})");
        }
        assert_eq!(Quantity::parse("5GB!").unwrap_err(), ERR_FORMAT_WRONG);
    }

    #[test]
    fn formats_sizes() {
        assert_eq!(format_bytes(10 << 30), "10Gi");
        assert_eq!(format_bytes(1536 << 20), "1536Mi");
        assert_eq!(format_bytes(1000), "1000");
        assert_eq!(format_milli(1500), "1500m");
        assert_eq!(format_milli(4000), "4");
    }
}
