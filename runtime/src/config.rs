//! Runtime configuration: plain, serializable data.
//!
//! **Note**: the only environment variable read is `EDDY_PARALLELISM`, and only by
//! [`RuntimeConfig::from_env`]; [`RuntimeConfig::default`] never looks at the
//! environment.

use eddy_core::{Error, Result};

/// The most worker threads a local job may have (each pair of workers shares a channel).
pub const MAX_LOCAL_PARALLELISM: usize = 1024;

/// How a job is executed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// Number of workers, which is also the number of partitions of every dataset.
    pub parallelism: usize,
    /// Serialize every batch that crosses workers, as a network communicator must. Off by
    /// default (batches are moved); on, it checks locally that a job's records survive
    /// the wire format.
    pub serialize_exchanges: bool,
}

impl Default for RuntimeConfig {
    /// One worker per available core.
    fn default() -> Self {
        RuntimeConfig { parallelism: available_cores(), serialize_exchanges: false }
    }
}

impl RuntimeConfig {
    /// The default, with the parallelism taken from `EDDY_PARALLELISM` when it is set.
    ///
    /// # Errors
    /// `EDDY_PARALLELISM` is set but not a positive integer.
    pub fn from_env() -> Result<Self> {
        let value = std::env::var("EDDY_PARALLELISM").ok();
        let parallelism = parse_parallelism(value.as_deref())?.unwrap_or_else(available_cores);
        Ok(RuntimeConfig { parallelism, ..RuntimeConfig::default() })
    }

    /// Sets the parallelism.
    pub fn with_parallelism(mut self, parallelism: usize) -> Self {
        self.parallelism = parallelism;
        self
    }

    /// Turns serialization of every exchanged batch on or off.
    pub fn with_serialized_exchanges(mut self, on: bool) -> Self {
        self.serialize_exchanges = on;
        self
    }

    /// Checks the configuration.
    ///
    /// # Errors
    /// A parallelism of zero.
    pub fn validate(&self) -> Result<()> {
        if self.parallelism == 0 {
            return Err(Error::InvalidParameter {
                name: "parallelism",
                reason: "must be at least 1 (it is the number of workers and partitions)".into(),
            });
        }
        if self.parallelism > MAX_LOCAL_PARALLELISM {
            return Err(Error::InvalidParameter {
                name: "parallelism",
                reason: format!(
                    "{} worker threads is more than the local runtime's limit of {MAX_LOCAL_PARALLELISM}",
                    self.parallelism
                ),
            });
        }
        Ok(())
    }
}

/// The cores this process may use, asked once: the answer reads cgroup files, which
/// took tens of microseconds of every small job.
pub(crate) fn available_cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// Parses a value of `EDDY_PARALLELISM`; `None` when unset or empty.
fn parse_parallelism(value: Option<&str>) -> Result<Option<usize>> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(Error::InvalidParameter {
            name: "EDDY_PARALLELISM",
            reason: format!("{text:?} is not a positive integer"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_environment_value() {
        assert_eq!(parse_parallelism(None).unwrap(), None);
        assert_eq!(parse_parallelism(Some(" ")).unwrap(), None);
        assert_eq!(parse_parallelism(Some("3")).unwrap(), Some(3));
        let err = parse_parallelism(Some("0")).unwrap_err().to_string();
        assert!(err.contains("EDDY_PARALLELISM") && err.contains("\"0\""), "{err}");
        assert!(parse_parallelism(Some("two")).is_err());
    }

    #[test]
    fn zero_parallelism_is_rejected() {
        let err = RuntimeConfig::default().with_parallelism(0).validate().unwrap_err();
        assert!(err.to_string().contains("parallelism"), "{err}");
        assert!(RuntimeConfig::default().validate().is_ok());
        let err = RuntimeConfig::default().with_parallelism(100_000).validate().unwrap_err().to_string();
        assert!(err.contains("limit of 1024"), "{err}");
    }
}
