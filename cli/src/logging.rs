//! Logging: every `eddy` command logs with `tracing` to stderr, never to stdout (which
//! holds the results).
//!
//! What is logged: the global `-v/--verbose` flag when given, else `RUST_LOG` when set
//! (an env_logger-style filter, e.g. `RUST_LOG=eddy_runtime=debug,tonic=info`), else the
//! command's default level — `warn` for every command but the cluster processes
//! (`eddy jobmanager`, `eddy taskmanager`), which log `info`. `-v` logs eddy's own crates
//! (the targets starting with `eddy`) at debug level, `-vv` at trace level, while the
//! other crates stay at the default level; `-vvv` logs every crate (gRPC and HTTP/2
//! included) at trace level.
//!
//! **Note**: colours (ANSI escapes) are used only when stderr is a terminal and
//! `NO_COLOR` is unset or empty, so log files and pipes get plain text.

use std::io::IsTerminal;

use tracing::Level;
use tracing_subscriber::EnvFilter;

/// The levels from the least to the most verbose.
const LEVELS: [Level; 5] = [Level::ERROR, Level::WARN, Level::INFO, Level::DEBUG, Level::TRACE];

/// The `-v` count from which every crate, not only eddy's, logs at trace level.
const TRACE_EVERYTHING: u8 = 3;

/// Where `level` is in [`LEVELS`].
fn rank(level: Level) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0)
}

/// The level of eddy's own crates after `verbose` `-v` flags (at least one): one level
/// more per flag from info, or from the default when that is more verbose; at most trace.
fn eddy_level(default: Level, verbose: u8) -> Level {
    let from = rank(default).max(rank(Level::INFO));
    LEVELS[(from + usize::from(verbose)).min(LEVELS.len() - 1)]
}

/// The filter directives for a command whose default level is `default`, given `-v`
/// `verbose` times and `RUST_LOG` set to `rust_log` (see the module documentation).
fn directives(default: Level, verbose: u8, rust_log: Option<&str>) -> String {
    let name = |level: Level| level.as_str().to_ascii_lowercase();
    if verbose == 0 {
        return match rust_log.map(str::trim).filter(|s| !s.is_empty()) {
            Some(filter) => filter.to_string(),
            None => name(default),
        };
    }
    if verbose >= TRACE_EVERYTHING {
        return name(Level::TRACE);
    }
    format!("{},eddy={}", name(default), name(eddy_level(default, verbose)))
}

/// Installs the `tracing` subscriber for the process: formatted lines on stderr,
/// filtered as the module documentation says. A `RUST_LOG` that does not parse is
/// reported on stderr and ignored.
pub(crate) fn init(default: Level, verbose: u8) {
    let rust_log = std::env::var("RUST_LOG").ok();
    let wanted = directives(default, verbose, rust_log.as_deref());
    let filter = EnvFilter::builder().parse(&wanted).unwrap_or_else(|e| {
        eprintln!("warning: ignoring RUST_LOG={wanted:?}: {e}");
        EnvFilter::new(directives(default, 0, None))
    });
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let ansi = std::io::stderr().is_terminal() && !no_color;
    // Only fails when a subscriber is already installed, which leaves that one in place.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_warn_and_cluster_processes_inform_by_default() {
        assert_eq!(directives(Level::WARN, 0, None), "warn");
        assert_eq!(directives(Level::INFO, 0, None), "info");
        assert_eq!(directives(Level::WARN, 0, Some("  ")), "warn");
    }

    #[test]
    fn each_v_makes_eddy_more_verbose_from_the_default() {
        assert_eq!(directives(Level::WARN, 1, None), "warn,eddy=debug");
        assert_eq!(directives(Level::WARN, 2, None), "warn,eddy=trace");
        assert_eq!(directives(Level::INFO, 1, None), "info,eddy=debug");
        assert_eq!(directives(Level::INFO, 2, None), "info,eddy=trace");
        assert_eq!(directives(Level::WARN, 3, None), "trace");
        assert_eq!(directives(Level::INFO, u8::MAX, None), "trace");
    }

    #[test]
    fn rust_log_decides_without_v_and_v_wins_over_it() {
        assert_eq!(directives(Level::WARN, 0, Some("eddy_runtime=debug")), "eddy_runtime=debug");
        assert_eq!(directives(Level::INFO, 0, Some("warn")), "warn");
        assert_eq!(directives(Level::WARN, 1, Some("error")), "warn,eddy=debug");
    }

    #[test]
    fn every_generated_filter_parses() {
        for default in [Level::WARN, Level::INFO] {
            for verbose in 0..=4 {
                let text = directives(default, verbose, None);
                assert!(EnvFilter::builder().parse(&text).is_ok(), "{text}");
            }
        }
        assert!(EnvFilter::builder().parse("eddy=verbose!").is_err());
    }

    #[test]
    fn levels_step_from_info_or_a_more_verbose_default_and_stop_at_trace() {
        assert_eq!(eddy_level(Level::WARN, 1), Level::DEBUG);
        assert_eq!(eddy_level(Level::ERROR, 2), Level::TRACE);
        assert_eq!(eddy_level(Level::INFO, 1), Level::DEBUG);
        assert_eq!(eddy_level(Level::DEBUG, 1), Level::TRACE);
        assert_eq!(eddy_level(Level::WARN, u8::MAX), Level::TRACE);
    }
}
