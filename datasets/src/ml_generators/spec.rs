//! [`FeatureSpec`]: an ML data generator and its parameters as one short string,
//! `blobs:1000:2:3` or `regression:500:10:0.5:7`, for command lines and configuration.
//!
//! Fields are separated by `:`; sizes and seeds are decimal non-negative integers, the
//! noise a finite non-negative number. Parsing validates the whole spec, including the
//! size limits. [`Display`](std::fmt::Display) prints the canonical spec, every default
//! spelled out, which parses back to an equal value.
//!
//! **Note**: the seed defaults to [`DEFAULT_SEED`] = 42 here, not to the graph specs' 1.

use std::fmt;
use std::str::FromStr;

use super::{check_blobs, check_regression, make_blobs, make_classification, make_regression};
use crate::error::{Error, Result};
use crate::features::Table;
use crate::generators::spec::{arity, int, number};

/// The seed of specs that give none.
pub const DEFAULT_SEED: u64 = 42;

const BLOBS: &str = "blobs:N:D:K[:SEED]";
const CLASSIFICATION: &str = "classification:N:D:C[:SEED]";
const REGRESSION: &str = "regression:N:D[:NOISE[:SEED]]";

/// An ML data generator and its parameters; parse one from text with [`str::parse`].
///
/// | spec | variant | defaults |
/// | --- | --- | --- |
/// | `blobs:N:D:K[:SEED]` | [`Blobs`](Self::Blobs) | seed 42, `cluster_std` 1 |
/// | `classification:N:D:C[:SEED]` | [`Classification`](Self::Classification) | seed 42 |
/// | `regression:N:D[:NOISE[:SEED]]` | [`Regression`](Self::Regression) | noise 1, seed 42 |
///
/// # Example
/// ```
/// use eddy_datasets::ml_generators::FeatureSpec;
///
/// let spec: FeatureSpec = "regression:100:3".parse()?;
/// assert_eq!(spec, FeatureSpec::Regression { n: 100, d: 3, noise: 1.0, seed: 42 });
/// assert_eq!(spec.to_string(), "regression:100:3:1:42");
/// let table = spec.generate()?;
/// assert_eq!(table.columns, ["x0", "x1", "x2"]);
/// assert_eq!(table.labels.map(|y| y.len()), Some(100));
///
/// let err = "blobs:10:2".parse::<FeatureSpec>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid generator spec \"blobs:10:2\": expected 3 to 4 fields after the name, got 2 \
///      (syntax: blobs:N:D:K[:SEED])"
/// );
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FeatureSpec {
    /// [`make_blobs`]`(n, d, k, seed, 1.0)`.
    Blobs {
        /// Rows.
        n: usize,
        /// Columns.
        d: usize,
        /// Clusters.
        k: usize,
        /// The random seed.
        seed: u64,
    },
    /// [`make_classification`]`(n, d, classes, seed)`.
    Classification {
        /// Rows.
        n: usize,
        /// Columns.
        d: usize,
        /// Classes.
        classes: usize,
        /// The random seed.
        seed: u64,
    },
    /// [`make_regression`]`(n, d, noise, seed)`.
    Regression {
        /// Rows.
        n: usize,
        /// Columns.
        d: usize,
        /// The standard deviation of the noise added to the targets.
        noise: f64,
        /// The random seed.
        seed: u64,
    },
}

impl FeatureSpec {
    /// Checks that the spec describes a dataset within the limits. Parsed specs always
    /// pass; call this on a spec built by hand.
    ///
    /// # Errors
    /// [`Error::InvalidSpec`] saying what is wrong, ending with the expected syntax.
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|reason| Error::InvalidSpec {
            spec: self.to_string(),
            reason: format!("{reason} (syntax: {})", self.syntax()),
        })
    }

    fn check(&self) -> std::result::Result<(), String> {
        match *self {
            Self::Blobs { n, d, k, .. } => check_blobs(n, d, k, 1.0),
            Self::Classification { n, d, classes, .. } => super::check_classes(n, d, classes, "C", "classes"),
            Self::Regression { n, d, noise, .. } => check_regression(n, d, noise),
        }
    }

    fn syntax(&self) -> &'static str {
        match self {
            Self::Blobs { .. } => BLOBS,
            Self::Classification { .. } => CLASSIFICATION,
            Self::Regression { .. } => REGRESSION,
        }
    }

    /// Generates the data as a [`Table`]: columns `x0`, `x1`, …; labels named `label`
    /// (the class ids) or, for regression, `target` (the `y` values).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] from the generator for a hand-built spec that fails
    /// [`validate`](Self::validate); never for a parsed one.
    ///
    /// # Complexity
    /// O(n · d).
    pub fn generate(&self) -> Result<Table> {
        let (n_columns, features, labels, label_name) = match *self {
            Self::Blobs { n, d, k, seed } => {
                let (x, y) = make_blobs(n, d, k, seed, 1.0)?;
                (d, x, y, "label")
            }
            Self::Classification { n, d, classes, seed } => {
                let (x, y) = make_classification(n, d, classes, seed)?;
                (d, x, y, "label")
            }
            Self::Regression { n, d, noise, seed } => {
                let (x, y, _, _) = make_regression(n, d, noise, seed)?;
                (d, x, y, "target")
            }
        };
        Ok(Table {
            columns: (0..n_columns).map(|j| format!("x{j}")).collect(),
            features,
            labels: Some(labels),
            label_name: Some(label_name.to_owned()),
            label_classes: None,
        })
    }
}

impl FromStr for FeatureSpec {
    type Err = Error;

    /// Parses `blobs:N:D:K[:SEED]`, `classification:N:D:C[:SEED]` or
    /// `regression:N:D[:NOISE[:SEED]]` and validates the sizes.
    ///
    /// # Errors
    /// [`Error::InvalidSpec`] with a one-line reason ending in the expected syntax.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidSpec { spec: text.to_owned(), reason };
        let mut parts = text.split(':');
        let family = parts.next().unwrap_or_default();
        let fields: Vec<&str> = parts.collect();
        let seed = |i: usize| fields.get(i).map_or(Ok(DEFAULT_SEED), |f| int(f, "SEED"));
        let (syntax, spec) = match family {
            "blobs" => (
                BLOBS,
                arity(&fields, 3, 4).and_then(|()| {
                    Ok(Self::Blobs {
                        n: int(fields[0], "N")?,
                        d: int(fields[1], "D")?,
                        k: int(fields[2], "K")?,
                        seed: seed(3)?,
                    })
                }),
            ),
            "classification" => (
                CLASSIFICATION,
                arity(&fields, 3, 4).and_then(|()| {
                    Ok(Self::Classification {
                        n: int(fields[0], "N")?,
                        d: int(fields[1], "D")?,
                        classes: int(fields[2], "C")?,
                        seed: seed(3)?,
                    })
                }),
            ),
            "regression" => (
                REGRESSION,
                arity(&fields, 2, 4).and_then(|()| {
                    Ok(Self::Regression {
                        n: int(fields[0], "N")?,
                        d: int(fields[1], "D")?,
                        noise: fields.get(2).map_or(Ok(1.0), |f| number(f, "NOISE"))?,
                        seed: seed(3)?,
                    })
                }),
            ),
            _ => {
                return Err(invalid(format!(
                    "unknown generator {family:?}; expected one of {BLOBS}, {CLASSIFICATION}, {REGRESSION}"
                )));
            }
        };
        spec.and_then(|spec| spec.check().map(|()| spec))
            .map_err(|reason| invalid(format!("{reason} (syntax: {syntax})")))
    }
}

impl fmt::Display for FeatureSpec {
    /// The canonical spec, every field spelled out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Blobs { n, d, k, seed } => write!(f, "blobs:{n}:{d}:{k}:{seed}"),
            Self::Classification { n, d, classes, seed } => {
                write!(f, "classification:{n}:{d}:{classes}:{seed}")
            }
            Self::Regression { n, d, noise, seed } => write!(f, "regression:{n}:{d}:{noise}:{seed}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FeatureSpec {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_with_defaults_and_round_trips() {
        let cases = [
            ("blobs:100:2:3", FeatureSpec::Blobs { n: 100, d: 2, k: 3, seed: 42 }, "blobs:100:2:3:42"),
            ("blobs:100:2:3:7", FeatureSpec::Blobs { n: 100, d: 2, k: 3, seed: 7 }, "blobs:100:2:3:7"),
            (
                "classification:50:4:2",
                FeatureSpec::Classification { n: 50, d: 4, classes: 2, seed: 42 },
                "classification:50:4:2:42",
            ),
            (
                "classification:+50:04:2:9",
                FeatureSpec::Classification { n: 50, d: 4, classes: 2, seed: 9 },
                "classification:50:4:2:9",
            ),
            (
                "regression:10:3",
                FeatureSpec::Regression { n: 10, d: 3, noise: 1.0, seed: 42 },
                "regression:10:3:1:42",
            ),
            (
                "regression:10:3:0.1",
                FeatureSpec::Regression { n: 10, d: 3, noise: 0.1, seed: 42 },
                "regression:10:3:0.1:42",
            ),
            (
                "regression:10:3:2e-3:5",
                FeatureSpec::Regression { n: 10, d: 3, noise: 0.002, seed: 5 },
                "regression:10:3:0.002:5",
            ),
        ];
        for (text, expected, canonical) in cases {
            let spec = parse(text);
            assert_eq!(spec, expected);
            assert_eq!(spec.to_string(), canonical);
            assert_eq!(parse(canonical), spec);
            assert!(spec.validate().is_ok());
        }
    }

    #[test]
    fn generate_matches_the_functions() {
        let table = parse("blobs:30:2:3:5").generate().unwrap();
        let (x, y) = make_blobs(30, 2, 3, 5, 1.0).unwrap();
        assert_eq!((table.features, table.labels), (x, Some(y)));
        assert_eq!(table.columns, ["x0", "x1"]);
        assert_eq!(table.label_name.as_deref(), Some("label"));
        assert_eq!(table.label_classes, None);
        let table = parse("classification:30:3:2:5").generate().unwrap();
        let (x, y) = make_classification(30, 3, 2, 5).unwrap();
        assert_eq!((table.features, table.labels), (x, Some(y)));
        let table = parse("regression:30:2:0.5:5").generate().unwrap();
        let (x, y, _, _) = make_regression(30, 2, 0.5, 5).unwrap();
        assert_eq!((table.features, table.labels), (x, Some(y)));
        assert_eq!(table.label_name.as_deref(), Some("target"));
    }

    #[test]
    fn rejects_bad_specs_with_reason_and_syntax() {
        let cases = [
            ("blobs:10:2", BLOBS, "expected 3 to 4 fields after the name, got 2"),
            ("blobs:10:2:3:4:5", BLOBS, "expected 3 to 4 fields after the name, got 5"),
            ("blobs:x:2:3", BLOBS, "N must be a non-negative integer, got \"x\""),
            ("blobs:10::3", BLOBS, "D is empty"),
            ("blobs:2:2:3", BLOBS, "n = 2 rows cannot fill 3 clusters; n must be at least k"),
            ("blobs:10:2:0", BLOBS, "k must be at least 1"),
            ("blobs:10:2:2:-1", BLOBS, "SEED must be a non-negative integer, got \"-1\""),
            ("blobs:99999999999999999999:2:2", BLOBS, "N 99999999999999999999 is too large"),
            (
                "blobs:1048576:4096:2",
                BLOBS,
                "n · d = 1048576 · 4096 values exceeds the limit MAX_VALUES = 2147483648",
            ),
            ("classification:10:0:2", CLASSIFICATION, "d must be at least 1"),
            ("classification:10:2:0", CLASSIFICATION, "C must be at least 1"),
            ("regression:10", REGRESSION, "expected 2 to 4 fields after the name, got 1"),
            ("regression:0:2", REGRESSION, "n must be at least 1"),
            ("regression:10:2:loud", REGRESSION, "NOISE must be a number, got \"loud\""),
            ("regression:10:2:-1", REGRESSION, "noise must be finite and non-negative, got -1"),
            ("regression:10:2:inf", REGRESSION, "noise must be finite and non-negative, got inf"),
        ];
        for (text, syntax, reason) in cases {
            match text.parse::<FeatureSpec>() {
                Err(e @ Error::InvalidSpec { .. }) => {
                    assert_eq!(
                        e.to_string(),
                        format!("invalid generator spec {text:?}: {reason} (syntax: {syntax})")
                    )
                }
                other => panic!("{text}: expected InvalidSpec, got {other:?}"),
            }
        }
        for text in ["", "Blobs:1:1:1", "rmat:10"] {
            let family = text.split(':').next().unwrap();
            let expected = format!(
                "invalid generator spec {text:?}: unknown generator {family:?}; expected one of {BLOBS}, \
                 {CLASSIFICATION}, {REGRESSION}"
            );
            assert_eq!(text.parse::<FeatureSpec>().unwrap_err().to_string(), expected);
        }
        let hand_built = FeatureSpec::Blobs { n: 1, d: 1, k: 2, seed: 0 };
        assert_eq!(
            hand_built.validate().unwrap_err().to_string(),
            "invalid generator spec \"blobs:1:1:2:0\": n = 1 rows cannot fill 2 clusters; n must be at least k \
             (syntax: blobs:N:D:K[:SEED])"
        );
        assert!(matches!(hand_built.generate(), Err(Error::InvalidParameter { .. })));
    }
}
