//! Money as people read it in an alert: `$1.2M`, `€850k`, `SEK 40k`.

/// The symbol of a common currency; others are written with their code and a space.
fn symbol(code: &str) -> Option<&'static str> {
    Some(match code {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "CNY" => "CN¥",
        "INR" => "₹",
        "CAD" => "CA$",
        "AUD" => "A$",
        "NZD" => "NZ$",
        "HKD" => "HK$",
        "SGD" => "S$",
        "BRL" => "R$",
        "MXN" => "MX$",
        "KRW" => "₩",
        "ILS" => "₪",
        "CHF" => "CHF ",
        _ => return None,
    })
}

/// An amount in `currency` (an ISO 4217 code) to two or three significant figures, with a
/// `k`, `M`, `B` or `T` suffix: `$1.2M`, `$850k`, `€9.5k`, `$740`, `SEK 40k`, `-$1.2M`.
/// Below 10 of a unit one decimal is kept (`$1.2M`), above none (`$850k`); a value that
/// rounds up to 1,000 of a unit is written in the next (`$999,999` is `$1M`, not `$1000k`),
/// so a larger amount never reads smaller. Not a finite number: `None`.
///
/// ```
/// use entitlement_core::rules::money_text;
/// assert_eq!(money_text(1_200_000.0, "USD").as_deref(), Some("$1.2M"));
/// assert_eq!(money_text(850_000.0, "USD").as_deref(), Some("$850k"));
/// assert_eq!(money_text(999_999.0, "USD").as_deref(), Some("$1M"));
/// assert_eq!(money_text(40_000.0, "SEK").as_deref(), Some("SEK 40k"));
/// assert_eq!(money_text(f64::NAN, "USD"), None);
/// ```
pub fn money_text(amount: f64, currency: &str) -> Option<String> {
    if !amount.is_finite() {
        return None;
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    let a = amount.abs();
    const UNITS: [(f64, &str); 5] = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"), (1.0, "")];
    let rounded = |x: f64| {
        if x < 10.0 {
            (x * 10.0).round() / 10.0
        } else {
            x.round()
        }
    };
    // The largest unit the amount reaches; a value that rounds up to 1,000 of it is 1 of the
    // unit above.
    let i = UNITS
        .iter()
        .position(|(unit, _)| a >= *unit)
        .unwrap_or(UNITS.len() - 1);
    let mut r = rounded(a / UNITS[i].0);
    let mut suffix = UNITS[i].1;
    if r >= 1000.0 && i > 0 {
        r = rounded(a / UNITS[i - 1].0);
        suffix = UNITS[i - 1].1;
    }
    let number = if r < 10.0 && r.fract() != 0.0 {
        format!("{r:.1}")
    } else {
        format!("{r:.0}")
    };
    let text = format!("{number}{suffix}");
    Some(match symbol(currency) {
        Some(s) => format!("{sign}{s}{text}"),
        None => format!("{sign}{currency} {text}"),
    })
}

#[cfg(test)]
mod tests {
    use super::money_text;
    use proptest::prelude::*;

    /// The amount a text reads as (the inverse of the format, up to rounding).
    fn read(text: &str) -> f64 {
        let t = text.trim_start_matches('-').trim_start_matches('$');
        let (number, mult) = match t.chars().last() {
            Some('k') => (&t[..t.len() - 1], 1e3),
            Some('M') => (&t[..t.len() - 1], 1e6),
            Some('B') => (&t[..t.len() - 1], 1e9),
            Some('T') => (&t[..t.len() - 1], 1e12),
            _ => (t, 1.0),
        };
        number.parse::<f64>().unwrap() * mult
    }

    #[test]
    fn buckets() {
        let cases = [
            (0.0, "$0"),
            (0.4, "$0.4"),
            (950.0, "$950"),
            (740.0, "$740"),
            (999.4, "$999"),
            (999.6, "$1k"),
            (999_600.0, "$1M"),
            (1_000.0, "$1k"),
            (9_500.0, "$9.5k"),
            (9_960.0, "$10k"),
            (850_000.0, "$850k"),
            (1_200_000.0, "$1.2M"),
            (2_500_000.0, "$2.5M"),
            (3.4e9, "$3.4B"),
            (7e15, "$7000T"),
            (-1_200_000.0, "-$1.2M"),
        ];
        for (amount, text) in cases {
            assert_eq!(money_text(amount, "USD").unwrap(), text, "{amount}");
        }
        assert_eq!(money_text(850_000.0, "EUR").unwrap(), "€850k");
        assert_eq!(money_text(850_000.0, "GBP").unwrap(), "£850k");
        assert_eq!(money_text(850_000.0, "XAU").unwrap(), "XAU 850k");
        assert_eq!(money_text(f64::INFINITY, "USD"), None);
    }

    proptest! {
        /// Never panics, and a larger amount never reads smaller (the buckets are monotone).
        #[test]
        fn monotone(a in 0.0f64..1e16, b in 0.0f64..1e16, code in "[A-Z]{3}") {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let (tl, th) = (money_text(lo, "USD").unwrap(), money_text(hi, "USD").unwrap());
            prop_assert!(read(&tl) <= read(&th), "{lo} -> {tl}, {hi} -> {th}");
            // Within 5% of the amount (two significant figures at least) from $1 up.
            if lo >= 1.0 {
                prop_assert!((read(&tl) - lo).abs() <= 0.05 * lo, "{lo} -> {tl}");
            }
            let _ = money_text(a, &code);
        }

        #[test]
        fn never_panics(a in proptest::num::f64::ANY) {
            let _ = money_text(a, "USD");
        }
    }
}
