//! An error told on one line, for a command's message or a report: the `podstate` command's
//! errors and the reliability runs' both end here.

use std::error::Error;

/// `error` on one line: what was being done, then each cause, `: ` between them, down to the
/// first error of podstate's own (its message is whole: it says its cause in its own words,
/// `SQLite database x failed: database is locked`, and its sources are the engine's detail). A
/// cause that the line already says is left out too, with its own causes.
///
/// An `anyhow::Error` is given as `error.as_ref()`: its context steps are its causes.
pub fn error_line(error: &(dyn Error + 'static)) -> String {
    let mut line = String::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let text = cause.to_string();
        if line.contains(&text) {
            break;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
        if says_its_cause(cause) {
            break;
        }
        next = cause.source();
    }
    line
}

/// Whether `error` is one of podstate's, whose message already says what its sources would.
fn says_its_cause(error: &(dyn Error + 'static)) -> bool {
    error.is::<crate::OpenError>()
        || error.is::<crate::StateError>()
        || error.is::<crate::export::ExportError>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, StateError};

    /// A step of a command, as `anyhow`'s context adds one.
    #[derive(Debug, thiserror::Error)]
    #[error("{what}")]
    struct Step {
        what: &'static str,
        #[source]
        source: Box<dyn Error + 'static>,
    }

    fn step(what: &'static str, source: impl Error + 'static) -> Step {
        Step {
            what,
            source: Box::new(source),
        }
    }

    /// A library error that quotes its cause in its message, as podstate's errors do.
    #[derive(Debug, thiserror::Error)]
    #[error("not a podstate export file: {0}")]
    struct Quoting(#[source] std::io::Error);

    fn io() -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no such file")
    }

    #[test]
    fn each_step_and_cause_is_said_once() {
        let plain = step("cannot read x.json", io());
        assert_eq!(error_line(&plain), "cannot read x.json: no such file");
        let quoting = step("x.json", Quoting(io()));
        assert_eq!(
            error_line(&quoting),
            "x.json: not a podstate export file: no such file"
        );
    }

    #[test]
    fn the_line_stops_at_podstates_own_error() {
        // An engine's error under podstate's, which said it in its own words.
        let state = StateError::new(ErrorKind::Corrupt, "x.db is not a database").with_source(io());
        let opening = step("trial 3", step("cannot open sqlite:x.db", state));
        assert_eq!(
            error_line(&opening),
            "trial 3: cannot open sqlite:x.db: Corrupt: x.db is not a database"
        );
    }
}
