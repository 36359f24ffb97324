//! `podstate -v` and `RUST_LOG`: the library's spans and events on stderr, only when asked.
#![cfg(all(feature = "sqlite", feature = "redb"))]

mod support;

use support::*;

#[test]
fn quiet_by_default_one_line_per_call_with_vv() {
    for (scheme, name) in [("sqlite", "state.db"), ("redb", "state.redb")] {
        let (dir, _, url) = filled(scheme, name);
        let out = podstate(dir.path(), &["inspect", &url]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "{scheme}: nothing on stderr without -v");

        let out = podstate(dir.path(), &["-vv", "inspect", &url]);
        assert!(out.status.success(), "{}", stderr(&out));
        let log = stderr(&out);
        let calls: Vec<&str> = log
            .lines()
            .filter(|l| l.contains("call{call=\"inventory\"") && l.contains(": close "))
            .collect();
        assert_eq!(calls.len(), 1, "{scheme}: one line for the call:\n{log}");
        for field in [
            format!("backend=\"{scheme}\""),
            "outcome=\"ok\"".to_owned(),
            "duration_us=".to_owned(),
        ] {
            assert!(
                calls[0].contains(&field),
                "{scheme}: {field} in {}",
                calls[0]
            );
        }
        assert!(
            log.contains(&format!("open{{backend=\"{scheme}\"")),
            "{scheme}: the facade's open span:\n{log}"
        );
        // The output itself is unchanged.
        assert_eq!(
            stdout(&out),
            stdout(&podstate(dir.path(), &["inspect", &url]))
        );
    }
}

#[test]
fn rust_log_selects_what_is_printed_and_a_bad_one_is_not_fatal() {
    let (dir, _, url) = filled("sqlite", "state.db");
    let out = podstate_with(
        dir.path(),
        &["inspect", &url],
        &[("RUST_LOG", "podstate_api=debug")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("call{call=\"inventory\""), "{log}");
    assert!(
        !log.contains("open{"),
        "the facade's target is not selected:\n{log}"
    );

    let out = podstate_with(
        dir.path(),
        &["inspect", &url],
        &[("RUST_LOG", "podstate=loud")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert_eq!(log.lines().count(), 1, "{log}");
    assert!(log.starts_with("podstate: ignoring RUST_LOG="), "{log}");
}
