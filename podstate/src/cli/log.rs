//! `-v` and `RUST_LOG`: what the library reports to `tracing` (a span per call, lock waits,
//! retries, repairs; see `podstate_api::raw::trace`), printed on stderr.
//!
//! With neither, no subscriber is installed: the command prints only its output and, on
//! failure, its one-line error. `RUST_LOG` (an `EnvFilter` directive such as
//! `podstate=debug`) wins over `-v` when set.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// The filter each count of `-v` stands for: `-v` the events (lock waits, retries, repairs),
/// `-vv` also one line per call as it ends (its span's fields and duration), `-vvv` everything.
fn directive(verbose: u8) -> Option<&'static str> {
    match verbose {
        0 => None,
        1 => Some("podstate=info"),
        2 => Some("podstate=debug"),
        _ => Some("podstate=trace"),
    }
}

/// Installs the stderr subscriber `RUST_LOG` or `verbose` asks for, if any. A `RUST_LOG` that
/// does not parse is reported on one line and ignored (as if unset), not fatal: logging is
/// never a reason for a command to fail.
pub fn init(verbose: u8) {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    let filter = match from_env {
        Some(value) => match EnvFilter::try_new(&value) {
            Ok(filter) => Some(filter),
            Err(e) => {
                eprintln!("podstate: ignoring RUST_LOG={value:?}: {e}");
                directive(verbose).map(EnvFilter::new)
            }
        },
        None => directive(verbose).map(EnvFilter::new),
    };
    let Some(filter) = filter else {
        return;
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_span_events(FmtSpan::CLOSE)
        .init();
}
