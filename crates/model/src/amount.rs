//! Exact money: parsing typed amounts, units, display rounding and the
//! precision interval used to compare a declared total with a derived one.
//!
//! Every amount is held internally as an exact [`Decimal`] number of 元
//! together with its *radius*: half a unit of the last decimal it was entered
//! with (0.005 万元 = 50 元 for an amount typed as `12.34` in 万元). Sums add
//! both, so a derived total knows how far it may honestly lie from a published
//! one (the round-to-nearest interval rule of XBRL Calculations 1.1).

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;
use std::ops::{Add, AddAssign};

/// The unit amounts of a file are entered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AmountUnit {
    /// 万元 (10,000 元), as published.
    Wan,
    /// 元, as held by finance systems.
    Yuan,
}

impl AmountUnit {
    /// Parses the label of an `amount_unit` key.
    pub fn from_label(label: &str) -> Option<Self> {
        match label.trim() {
            "万元" | "wan" => Some(Self::Wan),
            "元" | "yuan" => Some(Self::Yuan),
            _ => None,
        }
    }

    /// Yuan per unit.
    fn factor(self) -> Decimal {
        match self {
            Self::Wan => Decimal::from(10_000),
            Self::Yuan => Decimal::ONE,
        }
    }

    /// 万元 or 元, as content files and messages write it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Wan => "万元",
            Self::Yuan => "元",
        }
    }
}

/// Most decimals an amount may be typed with, in either unit.
pub(crate) const MAX_DECIMALS: u32 = 2;

/// An exact amount with its precision radius, both in 元.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amount {
    /// The exact amount in 元.
    pub yuan: Decimal,
    /// Half a unit of the second decimal of the unit typed in, in 元 (50 for
    /// 万元, 0.005 for 元); a sum adds its parts' radii; exact amounts have none.
    pub radius: Decimal,
}

impl Amount {
    /// Nothing, exactly: what a blank cell counts as, and a sum starts from.
    pub const ZERO: Amount = Amount {
        yuan: Decimal::ZERO,
        radius: Decimal::ZERO,
    };

    /// An amount typed in `unit`, with the radius of its two published decimals.
    pub fn entered(value: Decimal, unit: AmountUnit) -> Self {
        let half_step = Decimal::new(5, MAX_DECIMALS + 1); // 0.005 of the unit
        Amount {
            yuan: value * unit.factor(),
            radius: half_step * unit.factor(),
        }
    }

    /// An exact amount in 元 with no rounding uncertainty (a computed ratio, a test).
    pub fn exact_yuan(yuan: Decimal) -> Self {
        Amount {
            yuan,
            radius: Decimal::ZERO,
        }
    }

    /// The amount as shown in a 万元 table: two decimals, rounded half away from zero.
    pub fn wan(&self) -> Decimal {
        to_wan(self.yuan)
    }

    /// Whether the exact amount is zero (whatever its radius).
    pub fn is_zero(&self) -> bool {
        self.yuan.is_zero()
    }
}

impl Add for Amount {
    type Output = Amount;
    fn add(self, other: Amount) -> Amount {
        Amount {
            yuan: self.yuan + other.yuan,
            radius: self.radius + other.radius,
        }
    }
}

impl AddAssign for Amount {
    fn add_assign(&mut self, other: Amount) {
        *self = *self + other;
    }
}

impl std::iter::Sum for Amount {
    fn sum<I: Iterator<Item = Amount>>(iter: I) -> Amount {
        iter.fold(Amount::ZERO, Add::add)
    }
}

/// Converts 元 to the 万元 figure a table shows.
pub fn to_wan(yuan: Decimal) -> Decimal {
    (yuan / Decimal::from(10_000)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Formats a 万元 figure as tables print it: always two decimals.
pub fn format_wan(wan: Decimal) -> String {
    // A shown figure has at most two decimals: print its integer mantissa
    // directly (Decimal's own formatting is several times slower, and a
    // department-year prints thousands of figures). Anything else, and zero
    // (whose sign Decimal keeps), goes through Decimal's formatting.
    let scale = wan.scale();
    let mantissa = wan.mantissa();
    if scale <= 2 && mantissa != 0 {
        let cents = mantissa * 10i128.pow(2 - scale);
        let sign = if cents < 0 { "-" } else { "" };
        let cents = cents.unsigned_abs();
        format!("{sign}{}.{:02}", cents / 100, cents % 100)
    } else {
        format!("{wan:.2}")
    }
}

/// Why a typed amount is not a valid amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// More than two decimals: 万元 are published with two, 元 stop at 分.
    #[error("`{text}` has {decimals} decimals; amounts in {unit} carry at most 2")]
    TooManyDecimals {
        /// The amount as typed, trimmed.
        text: String,
        /// How many decimals it has.
        decimals: u32,
        /// The unit it was typed in: 万元 or 元.
        unit: &'static str,
    },
    /// Not a plain number: separators, an exponent, full-width digits, a unit in the cell ….
    #[error("`{text}` is not an amount: {why}")]
    Malformed {
        /// The amount as typed, trimmed.
        text: String,
        /// What is wrong with it, for the message.
        why: &'static str,
    },
}

impl AmountError {
    /// What would be right, for the diagnostic's help line.
    pub fn help(&self) -> String {
        match self {
            AmountError::TooManyDecimals { unit, .. } if *unit == "万元" => {
                "round to the published two decimals, or enter the file in 元 with `amount_unit: 元`".into()
            }
            AmountError::TooManyDecimals { .. } => "元 amounts stop at 分 (two decimals)".into(),
            AmountError::Malformed { .. } => {
                "write a plain number such as 1234.56; leave the cell empty (~) for none".into()
            }
        }
    }
}

/// Parses a typed amount. `Ok(None)` for an empty cell (``, `~` is handled by
/// YAML, `--`, `-`, `—`, which published tables use for "none").
pub fn parse_amount(text: &str, unit: AmountUnit) -> Result<Option<Amount>, AmountError> {
    let t = text.trim();
    if t.is_empty() || matches!(t, "--" | "-" | "—" | "——" | "－－") {
        return Ok(None);
    }
    let malformed = |why| AmountError::Malformed {
        text: t.to_string(),
        why,
    };
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if digits.contains(',') || digits.contains('，') {
        return Err(malformed("thousands separators are not allowed"));
    }
    if digits.chars().any(|c| ('０'..='９').contains(&c) || c == '．') {
        return Err(malformed("full-width digits; type them as ASCII digits"));
    }
    if digits.contains(['e', 'E']) {
        return Err(malformed("exponents are not allowed"));
    }
    if digits.ends_with("万元") || digits.ends_with('元') || digits.ends_with('%') {
        return Err(malformed("the unit belongs in `amount_unit`, not in the cell"));
    }
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if int_part.is_empty() || !all_digits(int_part) || !all_digits(frac_part) {
        return Err(malformed("only digits and one decimal point are allowed"));
    }
    if digits.contains('.') && frac_part.is_empty() {
        return Err(malformed("a decimal point must be followed by digits"));
    }
    let decimals = frac_part.len() as u32;
    if decimals > MAX_DECIMALS {
        return Err(AmountError::TooManyDecimals {
            text: t.to_string(),
            decimals,
            unit: unit.label(),
        });
    }
    if int_part.len() > 15 {
        return Err(malformed("too large for a budget amount"));
    }
    let mut value: Decimal = digits.parse().map_err(|_| malformed("not a decimal number"))?;
    if negative {
        value = -value;
    }
    Ok(Some(Amount::entered(value, unit)))
}

/// Outcome of comparing a declared total with the one derived from its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// The declared figure is what the parts show.
    Equal,
    /// Off by a rounding tail (尾差) within the interval: the declared figure stands.
    Tail {
        /// Derived minus declared, in 万元.
        difference: Decimal,
        /// The most rounding can explain, in 万元: both radii added.
        bound: Decimal,
    },
    /// Off by more than rounding can explain.
    Mismatch {
        /// Derived minus declared, in 万元.
        difference: Decimal,
        /// The most rounding can explain, in 万元: both radii added.
        bound: Decimal,
    },
}

/// Compares a declared total with the total derived from its parts, in 万元:
/// consistent when |parts − declared| ≤ radius(parts) + radius(declared).
pub fn compare(declared: Amount, derived: Amount) -> Agreement {
    if declared.wan() == derived.wan() {
        return Agreement::Equal;
    }
    let difference = to_wan_exact(derived.yuan - declared.yuan);
    let bound = to_wan_exact(derived.radius + declared.radius);
    if difference.abs() <= bound {
        Agreement::Tail { difference, bound }
    } else {
        Agreement::Mismatch { difference, bound }
    }
}

fn to_wan_exact(yuan: Decimal) -> Decimal {
    (yuan / Decimal::from(10_000)).normalize()
}

/// A difference in 万元 for messages: its size, with at least two decimals.
pub fn format_difference(wan: Decimal) -> String {
    let d = wan.abs().normalize();
    if d.scale() < 2 {
        format!("{d:.2}")
    } else {
        d.to_string()
    }
}

/// A percentage such as `75%` (spending plans, indicator values).
pub fn parse_percent(text: &str) -> Option<Decimal> {
    let t = text.trim().strip_suffix(['%', '％'])?;
    t.trim().parse::<Decimal>().ok()
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_wan(self.wan()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_wan_prints_two_decimals_as_decimal_does() {
        let cases = [
            "0",
            "0.00",
            "-0.00",
            "1",
            "1.5",
            "1.50",
            "-1.5",
            "56.1",
            "1234567.89",
            "-0.01",
            "0.005",
            "12.345",
            "-12.345",
            "7922816251426433759354395.03",
            "100",
            "-100.0",
        ];
        for case in cases {
            let d: Decimal = case.parse().unwrap();
            assert_eq!(format_wan(d), format!("{d:.2}"), "{case}");
        }
        assert_eq!(format_wan("-3.5".parse().unwrap()), "-3.50");
        assert_eq!(format_wan("12".parse().unwrap()), "12.00");
    }

    fn wan(s: &str) -> Amount {
        parse_amount(s, AmountUnit::Wan).unwrap().unwrap()
    }

    #[test]
    fn parses_exactly_without_floats() {
        assert_eq!(wan("2100.32").yuan, Decimal::from(21_003_200));
        assert_eq!(wan("0.1").yuan, Decimal::from(1_000));
        assert_eq!(parse_amount("--", AmountUnit::Wan), Ok(None));
        assert_eq!(parse_amount("  ", AmountUnit::Wan), Ok(None));
        let yuan = parse_amount("12345.67", AmountUnit::Yuan).unwrap().unwrap();
        assert_eq!(yuan.wan(), "1.23".parse::<Decimal>().unwrap());
    }

    #[test]
    fn rejects_what_is_not_a_plain_amount() {
        for bad in ["1e3", "1,234.00", "12万元", "1.", ".5", "１２", "abc", "1.2.3"] {
            assert!(
                matches!(parse_amount(bad, AmountUnit::Wan), Err(AmountError::Malformed { .. })),
                "{bad}"
            );
        }
        assert_eq!(
            parse_amount("1.234", AmountUnit::Wan),
            Err(AmountError::TooManyDecimals {
                text: "1.234".into(),
                decimals: 3,
                unit: "万元"
            })
        );
    }

    #[test]
    fn differences_print_with_two_decimals_or_more() {
        assert_eq!(format_difference("-72.9".parse().unwrap()), "72.90");
        assert_eq!(format_difference("0.005".parse().unwrap()), "0.005");
        assert_eq!(format_difference("0.075".parse().unwrap()), "0.075");
    }

    #[test]
    fn display_rounds_half_away_from_zero() {
        assert_eq!(to_wan(Decimal::from(50)), "0.01".parse::<Decimal>().unwrap());
        assert_eq!(to_wan(Decimal::from(-50)), "-0.01".parse::<Decimal>().unwrap());
        assert_eq!(to_wan(Decimal::from(49)), Decimal::ZERO);
    }

    #[test]
    fn interval_rule_of_xbrl_calculations() {
        // 14 parts shown to 2 decimals: bound (14 + 1) × 0.005 = 0.075.
        let parts: Amount = (0..14).map(|_| wan("1.00")).sum();
        assert_eq!(compare(wan("14.00"), parts), Agreement::Equal);
        assert!(matches!(compare(wan("14.07"), parts), Agreement::Tail { .. }));
        assert!(matches!(compare(wan("14.08"), parts), Agreement::Mismatch { .. }));
    }
}
