//! Kubernetes resource quantities ("10Gi", "500m", "1e3") as integers.
//!
//! Parsing of the numeric value is delegated to the `kube_quantity` crate. That crate is
//! lenient in ways the API server is not (it reads `"Gi"` as zero, accepts `"inf"`, and
//! truncates fractions in its integer conversions), so every string is first checked
//! against upstream's grammar (`k8s.io/apimachinery/pkg/api/resource.ParseQuantity`) and
//! rejected with upstream's own message. The integer values ([`Quantity::bytes`],
//! [`Quantity::value`], [`Quantity::milli_value`]) are then computed exactly from the decimal
//! digits, the suffix and the exponent, rounded up the way `Quantity.Value()` /
//! `MilliValue()` round (upstream keeps an exact `inf.Dec`); the crate's `f64` is only
//! consulted to reject what it cannot read and for [`canonical`].
//!
//! Storage sizes are [`Bytes`]: an exact 128-bit count, since upstream compares quantities
//! exactly (`Quantity.Cmp`) and volumes of hundreds of exabytes exist in its tests
//! (`index_test.go`'s 200E and 800E volumes), beyond `i64`'s 9.2E.

use kube_quantity::ParsedQuantity;

/// The API server's message for a string that is not a quantity (apimachinery
/// `resource.ErrFormatWrong`).
pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// A parsed quantity: its value in base units as `f64` (for [`canonical`]) and exactly, as
/// `digits × 10^exp10 × 2^exp2` with a sign.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    value: f64,
    negative: bool,
    /// The significant digits, integer and fraction part run together; `None` when they do
    /// not fit in `u128` (more than 38 digits), where the `f64` value is used instead.
    digits: Option<u128>,
    exp10: i32,
    exp2: u32,
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
        let (negative, digits, exp10, exp2) = decompose(s);
        Ok(Quantity {
            value,
            negative,
            digits,
            exp10,
            exp2,
        })
    }

    /// The value in base units rounded up (`ceil`, as `Quantity.Value()`), exactly,
    /// as a storage size; saturates at the 128-bit bounds (about 1.7 × 10^38).
    pub fn bytes(&self) -> Bytes {
        Bytes::new(self.scaled(0))
    }

    /// `Quantity.Value()`: the value in base units (bytes, cores, count), rounded up;
    /// saturates at the `i64` bounds.
    pub fn value(&self) -> i64 {
        saturate_i64(self.scaled(0))
    }

    /// `Quantity.MilliValue()`: the value in thousandths, rounded up (CPU is kept this way);
    /// saturates at the `i64` bounds.
    pub fn milli_value(&self) -> i64 {
        saturate_i64(self.scaled(3))
    }

    /// `ceil(value × 10^shift)`, saturating at the `i128` bounds.
    fn scaled(&self, shift: i32) -> i128 {
        // Rounding up is away from zero for positive values, towards it for negative ones.
        let up = !self.negative;
        let magnitude = self
            .digits
            .and_then(|d| exact(d, self.exp10 + shift, self.exp2, up))
            .unwrap_or_else(|| {
                // Beyond 38 significant digits or 2^128: the float is as good as it gets.
                let v = self.value.abs() * 10f64.powi(shift);
                let v = if up { v.ceil() } else { v.floor() };
                if v >= u128::MAX as f64 {
                    u128::MAX
                } else {
                    v as u128
                }
            });
        let magnitude = i128::try_from(magnitude).unwrap_or(i128::MAX);
        if self.negative {
            -magnitude
        } else {
            magnitude
        }
    }
}

fn saturate_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Splits a string already matching upstream's grammar into sign, significant digits
/// (`None` past `u128`), power of ten and power of two.
fn decompose(s: &str) -> (bool, Option<u128>, i32, u32) {
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(end);
    let (mut exp10, exp2): (i64, u32) = match suffix {
        "" => (0, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        // An exponent, `e<int>` / `E<int>` (the grammar check guarantees the shape); one too
        // large for `i32` is far past anything the `f64` check lets through.
        exp => (exp[1..].parse::<i64>().unwrap_or(0), 0),
    };
    let mut digits: Option<u128> = Some(0);
    let mut seen_point = false;
    for b in number.bytes() {
        if b == b'.' {
            seen_point = true;
            continue;
        }
        if seen_point {
            exp10 -= 1;
        }
        digits = digits
            .and_then(|d| d.checked_mul(10))
            .and_then(|d| d.checked_add(u128::from(b - b'0')));
    }
    let exp10 = i32::try_from(exp10).unwrap_or(if exp10 < 0 {
        i32::MIN / 2
    } else {
        i32::MAX / 2
    });
    (negative, digits, exp10, exp2)
}

/// `digits × 10^exp10 × 2^exp2`, rounded up (`up`) or down to an integer; `None` when it
/// does not fit in `u128`.
fn exact(digits: u128, exp10: i32, exp2: u32, up: bool) -> Option<u128> {
    if digits == 0 {
        return Some(0);
    }
    let numerator = digits.checked_mul(1u128.checked_shl(exp2)?)?;
    if exp10 >= 0 {
        return numerator.checked_mul(10u128.checked_pow(exp10.unsigned_abs())?);
    }
    Some(match 10u128.checked_pow(exp10.unsigned_abs()) {
        Some(denominator) if up => numerator.div_ceil(denominator),
        Some(denominator) => numerator / denominator,
        // 10^39 and beyond exceed every `u128` numerator: a positive fraction below one.
        None => u128::from(up),
    })
}

/// A storage size in bytes (PV capacity, claim request, CSIStorageCapacity, …), exact to
/// 128 bits like the `Quantity.Cmp` upstream compares sizes with.
///
/// Two 64-bit halves rather than an `i128`: an `i128` is 16-byte aligned, which would pad
/// the records holding one, and an `Option<i128>` takes 32 bytes where `Option<Bytes>` takes
/// 24. The derived order is the `i128` order: the signed high half first, then the unsigned
/// low half. Arithmetic saturates.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bytes {
    hi: i64,
    lo: u64,
}

impl Bytes {
    pub const ZERO: Bytes = Bytes { hi: 0, lo: 0 };

    pub const fn new(v: i128) -> Bytes {
        Bytes {
            hi: (v >> 64) as i64,
            lo: v as u64,
        }
    }

    pub const fn get(self) -> i128 {
        ((self.hi as i128) << 64) | self.lo as i128
    }

    /// The count as `i64`, saturating (for the few places upstream keeps `int64`).
    pub fn saturating_i64(self) -> i64 {
        saturate_i64(self.get())
    }

    pub fn is_negative(self) -> bool {
        self.hi < 0
    }
}

impl From<i64> for Bytes {
    fn from(v: i64) -> Bytes {
        Bytes::new(v.into())
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.get(), f)
    }
}

impl std::fmt::Display for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.get(), f)
    }
}

impl std::ops::Add for Bytes {
    type Output = Bytes;
    fn add(self, rhs: Bytes) -> Bytes {
        Bytes::new(self.get().saturating_add(rhs.get()))
    }
}

impl std::ops::Sub for Bytes {
    type Output = Bytes;
    fn sub(self, rhs: Bytes) -> Bytes {
        Bytes::new(self.get().saturating_sub(rhs.get()))
    }
}

impl std::ops::Neg for Bytes {
    type Output = Bytes;
    fn neg(self) -> Bytes {
        Bytes::new(self.get().saturating_neg())
    }
}

impl std::ops::AddAssign for Bytes {
    fn add_assign(&mut self, rhs: Bytes) {
        *self = *self + rhs;
    }
}

impl std::ops::SubAssign for Bytes {
    fn sub_assign(&mut self, rhs: Bytes) {
        *self = *self - rhs;
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
            return format_bytes(q.bytes());
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
/// divides it exactly ("10Gi", "1536Mi"), else plain bytes. Counts beyond `i64` (where
/// upstream's `Quantity` keeps its exact decimal) prefer the exa suffixes: `Ei`, then the
/// decimal `E` ("800E"), then the rule above.
pub fn format_bytes(bytes: impl Into<Bytes>) -> String {
    const SUFFIXES: [(&str, i128); 5] = [
        ("Pi", 1 << 50),
        ("Ti", 1 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ];
    const EXA: [(&str, i128); 2] = [("Ei", 1 << 60), ("E", 1_000_000_000_000_000_000)];
    let bytes = bytes.into().get();
    if let Ok(small) = i64::try_from(bytes) {
        // The common case, without i128 division (a library call in wasm: about 1 ms of
        // drawing a 50-node cluster's cards). The units are powers of two, so "divides exactly"
        // is "has at least that many trailing zero bits"; the shift of an exact multiple
        // is its quotient, negative ones included.
        if small != 0 {
            let zeros = small.trailing_zeros();
            for (suffix, shift) in [("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)] {
                if zeros >= shift {
                    return format!("{}{suffix}", small >> shift);
                }
            }
        }
        return small.to_string();
    }
    for (suffix, unit) in EXA {
        if bytes % unit == 0 {
            return format!("{}{suffix}", bytes / unit);
        }
    }
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
    fn byte_counts_are_exact_beyond_i64() {
        let e18: i128 = 1_000_000_000_000_000_000;
        let cases: &[(&str, i128)] = &[
            ("1E", e18),
            ("200E", 200 * e18),
            ("800E", 800 * e18),
            ("950E", 950 * e18),
            ("8Ei", 8 << 60),
            ("9Ei", 9 << 60),
            ("1.5E", 1_500_000_000_000_000_000),
            ("12345678901234567891E", 12_345_678_901_234_567_891 * e18),
            ("9223372036854775807", i64::MAX.into()),
            ("9223372036854775808", 1 << 63),
            ("9007199254740993", 9_007_199_254_740_993),
            (
                "123456789012345678901234567",
                123_456_789_012_345_678_901_234_567,
            ),
            ("1.0000001", 2),
            ("1e21", 1000 * e18),
            ("1000000000000000000000m", e18),
            ("0.5Ki", 512),
            ("1n", 1),
            ("-1.5", -1),
            ("-1Gi", -(1 << 30)),
            // Past 128 bits: saturated.
            ("1000000000000000000000E", i128::MAX),
            ("-1000000000000000000000E", -i128::MAX),
        ];
        for (input, want) in cases {
            let got = Quantity::parse(input).map(|q| q.bytes().get());
            assert_eq!(got, Ok(*want), "parse({input:?})");
        }
        let b = |s: &str| Quantity::parse(s).unwrap().bytes();
        // `index_test.go`'s large volumes and claims, as `Quantity.Cmp` orders them.
        assert!(b("1E") < b("200E"));
        assert!(b("200E") < b("800E"));
        assert_eq!(b("800E"), b("800E"));
        assert!(b("800E") < b("950E"));
        assert!(b("8Ei") < b("800E"));
        assert_eq!(Quantity::parse("8Ei").unwrap().value(), i64::MAX);
        assert_eq!(Quantity::parse("-9Ei").unwrap().value(), i64::MIN);
    }

    #[test]
    fn bytes_order_and_arithmetic_are_i128s() {
        let values = [
            i128::MIN,
            -(1 << 64),
            -1,
            0,
            1,
            1 << 63,
            u64::MAX.into(),
            1 << 64,
            i128::MAX,
        ];
        for a in values {
            assert_eq!(Bytes::new(a).get(), a);
            for c in values {
                assert_eq!(Bytes::new(a).cmp(&Bytes::new(c)), a.cmp(&c), "{a} vs {c}");
                assert_eq!((Bytes::new(a) + Bytes::new(c)).get(), a.saturating_add(c));
                assert_eq!((Bytes::new(a) - Bytes::new(c)).get(), a.saturating_sub(c));
            }
            assert_eq!(Bytes::new(a).is_negative(), a < 0);
        }
        assert_eq!(
            format!("{:?}", Some(Bytes::from(10i64 << 30))),
            "Some(10737418240)"
        );
        assert_eq!(Bytes::new(1 << 70).saturating_i64(), i64::MAX);
        assert_eq!(std::mem::size_of::<Option<Bytes>>(), 24);
    }

    /// The `i64` path (trailing zero bits) agrees with dividing exactly, which is what the
    /// rule says and what the path beyond `i64` does.
    #[test]
    fn formatting_by_bits_is_formatting_by_division() {
        fn by_division(bytes: i64) -> String {
            let b = i128::from(bytes);
            for (suffix, unit) in [
                ("Pi", 1i128 << 50),
                ("Ti", 1 << 40),
                ("Gi", 1 << 30),
                ("Mi", 1 << 20),
                ("Ki", 1 << 10),
            ] {
                if b != 0 && b % unit == 0 {
                    return format!("{}{suffix}", b / unit);
                }
            }
            b.to_string()
        }
        let mut samples = vec![
            0,
            1,
            -1,
            1023,
            1024,
            -1024,
            1025,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ];
        for shift in 0..63 {
            for m in [1i64, 3, 5, 1000, 1023] {
                let v = m.wrapping_shl(shift);
                samples.extend([v, v.wrapping_neg(), v.wrapping_add(1), v.wrapping_sub(1)]);
            }
        }
        for v in samples {
            assert_eq!(format_bytes(v), by_division(v), "{v}");
        }
    }

    #[test]
    fn formats_sizes() {
        assert_eq!(format_bytes(10 << 30), "10Gi");
        assert_eq!(format_bytes(1536 << 20), "1536Mi");
        assert_eq!(format_bytes(1000), "1000");
        // Within `i64`, unchanged: the largest binary suffix up to `Pi`.
        assert_eq!(format_bytes(1i64 << 60), "1024Pi");
        assert_eq!(format_bytes(1_000_000_000_000_000_000), "976562500000000Ki");
        assert_eq!(format_bytes(i64::MAX), "9223372036854775807");
        assert_eq!(format_bytes(-(3i64 << 20)), "-3Mi");
        assert_eq!(format_bytes(i64::MIN), "-8192Pi");
        // Beyond it, exa suffixes first, so the sizes read back as written.
        let e18: i128 = 1_000_000_000_000_000_000;
        assert_eq!(format_bytes(Bytes::new(8 << 60)), "8Ei");
        assert_eq!(format_bytes(Bytes::new(800 * e18)), "800E");
        assert_eq!(format_bytes(Bytes::new(950 * e18)), "950E");
        assert_eq!(
            format_bytes(Bytes::new((1 << 63) + 1024)),
            "9007199254740993Ki"
        );
        assert_eq!(
            format_bytes(Bytes::new((1 << 63) + 1)),
            "9223372036854775809"
        );
        for s in ["200E", "8Ei", "950E", "12345678901234567891E"] {
            let q = Quantity::parse(s).unwrap().bytes();
            assert_eq!(Quantity::parse(&format_bytes(q)).unwrap().bytes(), q, "{s}");
        }
        assert_eq!(format_milli(1500), "1500m");
        assert_eq!(format_milli(4000), "4");
    }
}
