//! Saying briefly where two dumps differ, so a report points at the object and the field.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value as Json;

use super::Dump;

/// How many differing objects a description names before it summarizes the rest.
const SHOWN: usize = 6;

/// The differences between dump `a` and dump `b`, one line each (at most a few), naming the
/// sides by `labels` (`("backend", "model")`, `("source", "target")`).
pub fn describe(a: &Dump, b: &Dump, labels: (&str, &str)) -> String {
    let mut lines = Vec::new();
    let mut section = |what: &str, left, right| compare(what, left, right, labels, &mut lines);
    section(
        "container",
        keyed(&a.containers, |c| c.container.id()),
        keyed(&b.containers, |c| c.container.id()),
    );
    section(
        "pod",
        keyed(&a.pods, |p| p.pod.id()),
        keyed(&b.pods, |p| p.pod.id()),
    );
    section(
        "volume",
        keyed(&a.volumes, |v| v.volume.name()),
        keyed(&b.volumes, |v| v.volume.name()),
    );
    if a.db_config != b.db_config {
        let tree = |cfg| serde_json::to_value(cfg).unwrap_or(Json::Null);
        let (left, right) = (tree(&a.db_config), tree(&b.db_config));
        differing_fields("db_config".into(), &left, &right, labels, &mut lines);
    }
    if lines.is_empty() {
        lines.push("the dumps differ in order only".into());
    }
    let more = lines.len().saturating_sub(SHOWN);
    lines.truncate(SHOWN);
    if more > 0 {
        lines.push(format!("... and {more} more"));
    }
    lines.join("\n")
}

/// The innermost fields where the serde forms of `a` and `b` differ, one line each as
/// `path: <label> X <label> Y` (`state.exit_code: found 0 wanted 137`): two objects compared
/// field by field instead of as two whole `Debug` forms. A value that is no object is one line,
/// its path empty.
pub fn fields<A: Serialize + ?Sized, B: Serialize + ?Sized>(
    a: &A,
    b: &B,
    labels: (&str, &str),
) -> Vec<String> {
    let tree =
        |v: Result<Json, serde_json::Error>| v.unwrap_or_else(|e| Json::String(e.to_string()));
    let (a, b) = (tree(serde_json::to_value(a)), tree(serde_json::to_value(b)));
    let mut lines = Vec::new();
    if a != b {
        differing_fields(String::new(), &a, &b, labels, &mut lines);
    }
    lines
}

/// Each item by key, as exact JSON text (payload bytes included) and as a parsed tree to walk.
fn keyed<'a, T: Serialize>(
    items: &'a [T],
    key: impl Fn(&'a T) -> &'a str,
) -> BTreeMap<&'a str, (String, Json)> {
    items
        .iter()
        .map(|item| {
            let text = json(item);
            let tree = serde_json::from_str(&text).unwrap_or(Json::Null);
            (key(item), (text, tree))
        })
        .collect()
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| e.to_string())
}

/// One line per object of kind `what` that differs between `left` and `right`.
fn compare(
    what: &str,
    left: BTreeMap<&str, (String, Json)>,
    right: BTreeMap<&str, (String, Json)>,
    labels: (&str, &str),
    lines: &mut Vec<String>,
) {
    for (key, (l_text, l)) in &left {
        match right.get(key) {
            None => lines.push(format!("{what} {key:?}: only in the {}", labels.0)),
            Some((r_text, r)) if r_text != l_text => {
                let mut paths = Vec::new();
                differing_fields(String::new(), l, r, labels, &mut paths);
                if paths.is_empty() {
                    // Same JSON values, different bytes: a payload was re-encoded.
                    paths.push(format!(
                        "bytes differ: {} {l_text} {} {r_text}",
                        labels.0, labels.1
                    ));
                }
                lines.push(format!("{what} {key:?}: {}", paths.join("; ")));
            }
            Some(_) => {}
        }
    }
    for key in right.keys().filter(|k| !left.contains_key(*k)) {
        lines.push(format!("{what} {key:?}: only in the {}", labels.1));
    }
}

/// The innermost fields where `l` and `r` differ, as `path: <left> X <right> Y`.
fn differing_fields(path: String, l: &Json, r: &Json, labels: (&str, &str), out: &mut Vec<String>) {
    match (l, r) {
        (Json::Object(lo), Json::Object(ro)) => {
            let keys: BTreeSet<&String> = lo.keys().chain(ro.keys()).collect();
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let (lv, rv) = (
                    lo.get(k).unwrap_or(&Json::Null),
                    ro.get(k).unwrap_or(&Json::Null),
                );
                if lv != rv {
                    differing_fields(sub, lv, rv, labels, out);
                }
            }
        }
        _ => out.push(format!("{path}: {} {l} {} {r}", labels.0, labels.1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ContainerState, DbConfig};

    #[test]
    fn two_objects_differ_by_the_fields_named() {
        let (mut a, b) = (ContainerState::default(), ContainerState::default());
        assert!(fields(&a, &b, ("found", "wanted")).is_empty());
        a.exit_code = 137;
        a.pid = 4;
        assert_eq!(
            fields(&a, &b, ("found", "wanted")),
            ["exit_code: found 137 wanted 0", "pid: found 4 wanted 0"]
        );
        assert_eq!(fields("x", "y", ("l", "r")), [r#": l "x" r "y""#]);
    }

    #[test]
    fn a_db_config_differs_by_its_fields() {
        let a = Dump {
            containers: Vec::new(),
            pods: Vec::new(),
            volumes: Vec::new(),
            db_config: DbConfig::default(),
        };
        let mut b = a.clone();
        b.db_config = DbConfig {
            libpod_tmp: "/tmp/libpod".into(),
            ..DbConfig::default()
        };
        assert_eq!(
            describe(&a, &b, ("before", "after")),
            r#"db_config.libpod_tmp: before "" after "/tmp/libpod""#
        );
    }
}
