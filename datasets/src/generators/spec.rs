//! [`GeneratorSpec`]: a generator and its parameters as one short string, `rmat:20` or
//! `grid:100:100`, for command lines and configuration files.
//!
//! Fields are separated by `:`; integers are decimal and non-negative. Parsing validates
//! the whole spec — including the size limits — so that [`GeneratorSpec::generate`] on a
//! parsed spec cannot fail. [`Display`](std::fmt::Display) prints the canonical spec, with
//! every default spelled out, which parses back to an equal value.
//!
//! **Note**: the R-MAT probabilities are an extension of the command-line syntax
//! (`rmat:SCALE:EDGE_FACTOR:SEED:A:B:C`) and appear in the canonical spec only when they
//! differ from Graph500's.

use std::fmt;
use std::num::{IntErrorKind, ParseIntError};
use std::str::FromStr;

use super::rmat::{GRAPH500_A, GRAPH500_B, GRAPH500_C, RMAT_DEFAULT_EDGE_FACTOR};
use super::{classic, erdos_renyi, rmat};
use crate::edgelist::EdgeList;
use crate::error::{Error, Result};

/// The seed of `rmat:` and `er:` specs that give none.
pub const DEFAULT_SEED: u64 = 1;

const RMAT: &str = "rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]]";
const ER: &str = "er:N:M[:SEED]";
const GRID: &str = "grid:ROWS:COLS";
const PATH: &str = "path:N";
const CYCLE: &str = "cycle:N";
const STAR: &str = "star:N";
const COMPLETE: &str = "complete:N";

/// A graph generator and its parameters; parse one from text with [`str::parse`].
///
/// | spec | variant | defaults |
/// | --- | --- | --- |
/// | `rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]]` | [`Rmat`](Self::Rmat) | 16, 1, 0.57:0.19:0.19 |
/// | `er:N:M[:SEED]` | [`ErdosRenyi`](Self::ErdosRenyi) | seed 1 |
/// | `grid:ROWS:COLS` | [`Grid`](Self::Grid) | |
/// | `path:N`, `cycle:N`, `star:N`, `complete:N` | [`Path`](Self::Path), … | |
///
/// See the [module documentation](super) for the edges each one produces.
///
/// # Example
/// ```
/// use eddy_datasets::generators::GeneratorSpec;
///
/// let spec: GeneratorSpec = "er:100:250".parse()?;
/// assert_eq!(spec, GeneratorSpec::ErdosRenyi { n: 100, m: 250, seed: 1 });
/// assert_eq!(spec.to_string(), "er:100:250:1");
/// assert_eq!(spec.generate().len(), 250);
///
/// let err = "rmat:x".parse::<GeneratorSpec>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "invalid generator spec \"rmat:x\": SCALE must be a non-negative integer, got \"x\" \
///      (syntax: rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]])"
/// );
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GeneratorSpec {
    /// [`rmat`](super::rmat)`(scale, edge_factor, a, b, c, seed)`.
    Rmat {
        /// `log2` of the number of vertices.
        scale: u32,
        /// Edges per vertex.
        edge_factor: u64,
        /// The random seed.
        seed: u64,
        /// Probability of quadrant A.
        a: f64,
        /// Probability of quadrant B (target bit set).
        b: f64,
        /// Probability of quadrant C (source bit set).
        c: f64,
    },
    /// [`erdos_renyi`](super::erdos_renyi)`(n, m, seed)`.
    ErdosRenyi {
        /// Number of vertices.
        n: u64,
        /// Number of edges.
        m: u64,
        /// The random seed.
        seed: u64,
    },
    /// [`grid`](super::grid)`(rows, cols)`.
    Grid {
        /// Number of rows.
        rows: u64,
        /// Number of columns.
        cols: u64,
    },
    /// [`path`](super::path)`(n)`.
    Path {
        /// Number of vertices.
        n: u64,
    },
    /// [`cycle`](super::cycle)`(n)`.
    Cycle {
        /// Number of vertices.
        n: u64,
    },
    /// [`star`](super::star)`(n)`.
    Star {
        /// Number of vertices, the centre included.
        n: u64,
    },
    /// [`complete`](super::complete)`(n)`.
    Complete {
        /// Number of vertices.
        n: u64,
    },
}

impl GeneratorSpec {
    /// Checks that the spec describes a graph — probabilities that sum to at most 1, no
    /// more edges than vertex pairs for `er`, at most [`MAX_EDGES`](super::MAX_EDGES)
    /// edges. Parsed specs always pass; call this on a spec built by hand before
    /// [`generate`](Self::generate).
    ///
    /// # Errors
    /// [`Error::InvalidSpec`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        self.check().map(|_| ()).map_err(|reason| Error::InvalidSpec {
            spec: self.to_string(),
            reason: format!("{reason} (syntax: {})", self.syntax()),
        })
    }

    /// The number of edges [`generate`](Self::generate) will produce, or why it refuses.
    fn check(&self) -> std::result::Result<usize, String> {
        match *self {
            Self::Rmat { scale, edge_factor, a, b, c, .. } => rmat::check(scale, edge_factor, a, b, c),
            Self::ErdosRenyi { n, m, .. } => erdos_renyi::check(n, m),
            Self::Grid { rows, cols } => classic::grid_edges(rows, cols),
            Self::Path { n } | Self::Star { n } => classic::path_edges(n),
            Self::Cycle { n } => classic::cycle_edges(n),
            Self::Complete { n } => classic::complete_edges(n),
        }
    }

    fn syntax(&self) -> &'static str {
        match self {
            Self::Rmat { .. } => RMAT,
            Self::ErdosRenyi { .. } => ER,
            Self::Grid { .. } => GRID,
            Self::Path { .. } => PATH,
            Self::Cycle { .. } => CYCLE,
            Self::Star { .. } => STAR,
            Self::Complete { .. } => COMPLETE,
        }
    }

    /// Generates the graph; see each generator function for its conventions.
    ///
    /// # Returns
    /// The edges, identical for equal specs on every platform and run.
    ///
    /// # Panics
    /// If the spec was built by hand and fails [`validate`](Self::validate); a parsed
    /// spec never panics.
    ///
    /// # Complexity
    /// That of the generator: O(edges · scale) for R-MAT, O(edges) or O(m log m) for the
    /// others.
    ///
    /// # Example
    /// ```
    /// use eddy_datasets::generators::GeneratorSpec;
    ///
    /// let edges = GeneratorSpec::Star { n: 4 }.generate();
    /// assert_eq!((edges.src, edges.dst), (vec![0, 0, 0], vec![1, 2, 3]));
    /// ```
    pub fn generate(&self) -> EdgeList {
        let edges = match *self {
            Self::Rmat { scale, edge_factor, seed, a, b, c } => {
                super::rmat(scale, edge_factor, a, b, c, seed)
            }
            Self::ErdosRenyi { n, m, seed } => super::erdos_renyi(n, m, seed),
            Self::Grid { rows, cols } => super::grid(rows, cols),
            Self::Path { n } => super::path(n),
            Self::Cycle { n } => super::cycle(n),
            Self::Star { n } => super::star(n),
            Self::Complete { n } => super::complete(n),
        };
        edges.unwrap_or_else(|e| panic!("generate() on an invalid spec {self}: {e}"))
    }
}

impl FromStr for GeneratorSpec {
    type Err = Error;

    /// Parses `rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]]`, `er:N:M[:SEED]`,
    /// `grid:ROWS:COLS`, `path:N`, `cycle:N`, `star:N` or `complete:N`, and validates
    /// the sizes.
    ///
    /// # Errors
    /// [`Error::InvalidSpec`] with a one-line reason ending in the expected syntax.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = |reason| Error::InvalidSpec { spec: text.to_owned(), reason };
        let mut parts = text.split(':');
        let family = parts.next().unwrap_or_default();
        let fields: Vec<&str> = parts.collect();
        let (syntax, spec) = match family {
            "rmat" => (RMAT, parse_rmat(&fields)),
            "er" => (ER, parse_er(&fields)),
            "grid" => (
                GRID,
                arity(&fields, 2, 2).and_then(|()| {
                    Ok(Self::Grid { rows: int(fields[0], "ROWS")?, cols: int(fields[1], "COLS")? })
                }),
            ),
            "path" => (PATH, one_n(&fields).map(|n| Self::Path { n })),
            "cycle" => (CYCLE, one_n(&fields).map(|n| Self::Cycle { n })),
            "star" => (STAR, one_n(&fields).map(|n| Self::Star { n })),
            "complete" => (COMPLETE, one_n(&fields).map(|n| Self::Complete { n })),
            _ => {
                return Err(invalid(format!(
                    "unknown generator {family:?}; expected one of {RMAT}, {ER}, {GRID}, \
                     {PATH}, {CYCLE}, {STAR}, {COMPLETE}"
                )));
            }
        };
        spec.and_then(|spec| spec.check().map(|_| spec))
            .map_err(|reason| invalid(format!("{reason} (syntax: {syntax})")))
    }
}

impl fmt::Display for GeneratorSpec {
    /// The canonical spec: every field spelled out, R-MAT probabilities only when they
    /// are not Graph500's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Rmat { scale, edge_factor, seed, a, b, c } => {
                write!(f, "rmat:{scale}:{edge_factor}:{seed}")?;
                if (a, b, c) != (GRAPH500_A, GRAPH500_B, GRAPH500_C) {
                    write!(f, ":{a}:{b}:{c}")?;
                }
                Ok(())
            }
            Self::ErdosRenyi { n, m, seed } => write!(f, "er:{n}:{m}:{seed}"),
            Self::Grid { rows, cols } => write!(f, "grid:{rows}:{cols}"),
            Self::Path { n } => write!(f, "path:{n}"),
            Self::Cycle { n } => write!(f, "cycle:{n}"),
            Self::Star { n } => write!(f, "star:{n}"),
            Self::Complete { n } => write!(f, "complete:{n}"),
        }
    }
}

/// A parsed field, or what is wrong with it (also used by the ML generators' specs).
pub(crate) type Parsed<T> = std::result::Result<T, String>;

/// Checks that there are `min..=max` fields.
pub(crate) fn arity(fields: &[&str], min: usize, max: usize) -> Parsed<()> {
    if (min..=max).contains(&fields.len()) {
        return Ok(());
    }
    let wanted = if min == max { format!("{min}") } else { format!("{min} to {max}") };
    let plural = if max == 1 { "" } else { "s" };
    Err(format!("expected {wanted} field{plural} after the name, got {}", fields.len()))
}

fn one_n(fields: &[&str]) -> Parsed<u64> {
    arity(fields, 1, 1)?;
    int(fields[0], "N")
}

/// A non-negative integer field named `name`.
pub(crate) fn int<T: FromStr<Err = ParseIntError>>(field: &str, name: &str) -> Parsed<T> {
    field.parse().map_err(|e: ParseIntError| match e.kind() {
        IntErrorKind::Empty => format!("{name} is empty"),
        IntErrorKind::PosOverflow => format!("{name} {field} is too large"),
        _ => format!("{name} must be a non-negative integer, got {field:?}"),
    })
}

/// A number field named `name`.
pub(crate) fn number(field: &str, name: &str) -> Parsed<f64> {
    field.parse().map_err(|_| format!("{name} must be a number, got {field:?}"))
}

fn parse_rmat(fields: &[&str]) -> Parsed<GeneratorSpec> {
    arity(fields, 1, 6)?;
    if fields.len() > 3 && fields.len() != 6 {
        return Err(format!("give all of A:B:C or none, got {} fields", fields.len()));
    }
    let optional = |i: usize, name, default| fields.get(i).map_or(Ok(default), |f| int(f, name));
    let scale = int(fields[0], "SCALE")?;
    let edge_factor = optional(1, "EDGE_FACTOR", RMAT_DEFAULT_EDGE_FACTOR)?;
    let seed = optional(2, "SEED", DEFAULT_SEED)?;
    let (a, b, c) = match fields.get(3..6) {
        Some(abc) => (number(abc[0], "A")?, number(abc[1], "B")?, number(abc[2], "C")?),
        None => (GRAPH500_A, GRAPH500_B, GRAPH500_C),
    };
    Ok(GeneratorSpec::Rmat { scale, edge_factor, seed, a, b, c })
}

fn parse_er(fields: &[&str]) -> Parsed<GeneratorSpec> {
    arity(fields, 2, 3)?;
    Ok(GeneratorSpec::ErdosRenyi {
        n: int(fields[0], "N")?,
        m: int(fields[1], "M")?,
        seed: fields.get(2).map_or(Ok(DEFAULT_SEED), |f| int(f, "SEED"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> GeneratorSpec {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn error(text: &str) -> String {
        match text.parse::<GeneratorSpec>() {
            Err(e @ Error::InvalidSpec { .. }) => e.to_string(),
            other => panic!("{text}: expected InvalidSpec, got {other:?}"),
        }
    }

    #[test]
    fn parses_with_defaults() {
        let graph500 = |scale, edge_factor, seed| GeneratorSpec::Rmat {
            scale,
            edge_factor,
            seed,
            a: 0.57,
            b: 0.19,
            c: 0.19,
        };
        assert_eq!(parse("rmat:20"), graph500(20, 16, 1));
        assert_eq!(parse("rmat:20:8"), graph500(20, 8, 1));
        assert_eq!(parse("rmat:20:8:99"), graph500(20, 8, 99));
        assert_eq!(
            parse("rmat:4:2:3:0.25:0.25:0.25"),
            GeneratorSpec::Rmat { scale: 4, edge_factor: 2, seed: 3, a: 0.25, b: 0.25, c: 0.25 }
        );
        assert_eq!(parse("er:10:20"), GeneratorSpec::ErdosRenyi { n: 10, m: 20, seed: 1 });
        assert_eq!(parse("er:10:20:5"), GeneratorSpec::ErdosRenyi { n: 10, m: 20, seed: 5 });
        assert_eq!(parse("grid:3:4"), GeneratorSpec::Grid { rows: 3, cols: 4 });
        assert_eq!(parse("path:5"), GeneratorSpec::Path { n: 5 });
        assert_eq!(parse("cycle:5"), GeneratorSpec::Cycle { n: 5 });
        assert_eq!(parse("star:5"), GeneratorSpec::Star { n: 5 });
        assert_eq!(parse("complete:5"), GeneratorSpec::Complete { n: 5 });
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        for (text, canonical) in [
            ("rmat:20", "rmat:20:16:1"),
            ("rmat:20:8", "rmat:20:8:1"),
            ("rmat:4:2:3:0.57:0.19:0.19", "rmat:4:2:3"),
            ("rmat:4:2:3:0.25:0.25:0.3", "rmat:4:2:3:0.25:0.25:0.3"),
            ("er:10:20", "er:10:20:1"),
            ("er:+10:020:7", "er:10:20:7"),
            ("grid:3:4", "grid:3:4"),
            ("path:5", "path:5"),
            ("cycle:5", "cycle:5"),
            ("star:5", "star:5"),
            ("complete:5", "complete:5"),
        ] {
            let spec = parse(text);
            assert_eq!(spec.to_string(), canonical);
            assert_eq!(parse(canonical), spec);
            assert_eq!(spec.validate().ok(), Some(()));
        }
    }

    #[test]
    fn generate_matches_the_functions() {
        assert_eq!(parse("rmat:6:4:9").generate(), super::super::rmat(6, 4, 0.57, 0.19, 0.19, 9).unwrap());
        assert_eq!(parse("er:30:40:2").generate(), super::super::erdos_renyi(30, 40, 2).unwrap());
        assert_eq!(parse("grid:3:4").generate(), super::super::grid(3, 4).unwrap());
        assert_eq!(parse("path:5").generate().len(), 4);
        assert_eq!(parse("cycle:5").generate().len(), 5);
        assert_eq!(parse("star:5").generate().len(), 4);
        assert_eq!(parse("complete:5").generate().len(), 20);
    }

    #[test]
    fn rejects_bad_specs_with_reason_and_syntax() {
        let limit = "more than the limit MAX_EDGES = 4294967296";
        let cases = [
            ("rmat:x", RMAT, r#"SCALE must be a non-negative integer, got "x""#.to_owned()),
            ("rmat", RMAT, "expected 1 to 6 fields after the name, got 0".to_owned()),
            ("rmat:", RMAT, "SCALE is empty".to_owned()),
            ("rmat:10:16:1:0.5", RMAT, "give all of A:B:C or none, got 4 fields".to_owned()),
            ("rmat:10:16:1:0.5:0.5:x", RMAT, r#"C must be a number, got "x""#.to_owned()),
            (
                "rmat:10:16:1:0.5:0.5:0.5",
                RMAT,
                "probabilities must be finite and non-negative with a + b + c <= 1, \
                 got a = 0.5, b = 0.5, c = 0.5"
                    .to_owned(),
            ),
            ("rmat:41", RMAT, "scale 41 exceeds the maximum 40".to_owned()),
            ("rmat:99999999999", RMAT, "SCALE 99999999999 is too large".to_owned()),
            ("rmat:30", RMAT, format!("the graph would have 17179869184 edges, {limit}")),
            ("er:10", ER, "expected 2 to 3 fields after the name, got 1".to_owned()),
            (
                "er:3:7",
                ER,
                "7 edges requested but 3 vertices have only 6 ordered pairs without self-loops".to_owned(),
            ),
            ("grid:3", GRID, "expected 2 fields after the name, got 1".to_owned()),
            ("grid:3:-4", GRID, r#"COLS must be a non-negative integer, got "-4""#.to_owned()),
            ("path:1:2", PATH, "expected 1 field after the name, got 2".to_owned()),
            ("cycle:1.5", CYCLE, r#"N must be a non-negative integer, got "1.5""#.to_owned()),
            ("star: 3", STAR, r#"N must be a non-negative integer, got " 3""#.to_owned()),
            ("complete:100000", COMPLETE, format!("the graph would have 9999900000 edges, {limit}")),
            (
                "complete:18446744073709551615",
                COMPLETE,
                format!("the graph would have 340282366920938463408034375210639556610 edges, {limit}"),
            ),
        ];
        for (text, syntax, reason) in cases {
            let expected = format!("invalid generator spec {text:?}: {reason} (syntax: {syntax})");
            assert_eq!(error(text), expected);
        }
        let families = "rmat:SCALE[:EDGE_FACTOR[:SEED[:A:B:C]]], er:N:M[:SEED], grid:ROWS:COLS, \
                        path:N, cycle:N, star:N, complete:N";
        for text in ["Grid:3:4", "", "gnp:10:0.5"] {
            let family = text.split(':').next().unwrap();
            let expected = format!(
                "invalid generator spec {text:?}: unknown generator {family:?}; expected one of \
                 {families}"
            );
            assert_eq!(error(text), expected);
        }
    }

    #[test]
    fn validate_catches_hand_built_specs() {
        let spec = GeneratorSpec::Complete { n: 1 << 20 };
        let err = spec.validate().unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid generator spec \"complete:1048576\": the graph would have 1099510579200 \
             edges, more than the limit MAX_EDGES = 4294967296 (syntax: complete:N)"
        );
        let spec = GeneratorSpec::Rmat { scale: 4, edge_factor: 1, seed: 1, a: -1.0, b: 0.0, c: 0.0 };
        assert!(spec.validate().is_err());
    }

    #[test]
    #[should_panic(expected = "generate() on an invalid spec complete:1048576")]
    fn generate_panics_on_an_invalid_hand_built_spec() {
        GeneratorSpec::Complete { n: 1 << 20 }.generate();
    }
}
