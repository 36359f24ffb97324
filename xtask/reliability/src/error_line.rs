//! An error of the runs told on one line, for reports and a child's stderr.

/// `error` on one line: each step's context, then the error that stopped it, `: ` between
/// them, down to the first of podstate's errors (whose message already quotes its cause: the
/// engine's error under it would be said twice) or to a cause the line already says.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            break;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
        if cause.is::<podstate_api::StateError>() || cause.is::<podstate::OpenError>() {
            break;
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;
    use podstate_api::{ErrorKind, StateError};

    #[test]
    fn each_step_is_said_once() {
        let io = || std::io::Error::other("disk I/O error");
        let plain = Err::<(), _>(io()).context("cannot make a trial directory");
        assert_eq!(
            one_line(&plain.unwrap_err()),
            "cannot make a trial directory: disk I/O error"
        );
        let state = StateError::new(ErrorKind::Io, "SQLite database x failed: disk I/O error")
            .with_source(io());
        let nested = Err::<(), _>(state)
            .context("verify failed")
            .context("trial 3");
        assert_eq!(
            one_line(&nested.unwrap_err()),
            "trial 3: verify failed: Io: SQLite database x failed: disk I/O error"
        );
    }
}
