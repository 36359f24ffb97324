//! Saying briefly where two dumps differ, so a divergence report points at the object and field.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use crate::dump::Dump;

/// The differences between the backend's dump and the model's, one line each (at most a few).
pub fn describe(backend: &Dump, model: &Dump) -> String {
    let mut lines = Vec::new();
    section(
        "container",
        keyed(&backend.containers, |c| c.container.id()),
        keyed(&model.containers, |c| c.container.id()),
        &mut lines,
    );
    section(
        "pod",
        keyed(&backend.pods, |p| p.pod.id()),
        keyed(&model.pods, |p| p.pod.id()),
        &mut lines,
    );
    section(
        "volume",
        keyed(&backend.volumes, |v| v.volume.name()),
        keyed(&model.volumes, |v| v.volume.name()),
        &mut lines,
    );
    if backend.db_config != model.db_config {
        lines.push(format!(
            "db_config: backend {} model {}",
            json(&backend.db_config),
            json(&model.db_config)
        ));
    }
    if lines.is_empty() {
        lines.push("the dumps differ in order only".into());
    }
    const SHOWN: usize = 6;
    let more = lines.len().saturating_sub(SHOWN);
    lines.truncate(SHOWN);
    if more > 0 {
        lines.push(format!("... and {more} more"));
    }
    lines.join("\n")
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

fn section(
    what: &str,
    backend: BTreeMap<&str, (String, Json)>,
    model: BTreeMap<&str, (String, Json)>,
    lines: &mut Vec<String>,
) {
    for (key, (b_text, b)) in &backend {
        match model.get(key) {
            None => lines.push(format!("{what} {key:?}: only in the backend")),
            Some((m_text, m)) if m_text != b_text => {
                let mut paths = Vec::new();
                differing_fields(String::new(), b, m, &mut paths);
                if paths.is_empty() {
                    // Same JSON values, different bytes: a payload was re-encoded.
                    paths.push(format!("bytes differ: backend {b_text} model {m_text}"));
                }
                lines.push(format!("{what} {key:?}: {}", paths.join("; ")));
            }
            Some(_) => {}
        }
    }
    for key in model.keys().filter(|k| !backend.contains_key(*k)) {
        lines.push(format!("{what} {key:?}: only in the model"));
    }
}

/// The innermost fields where `b` and `m` differ, as `path: backend X model Y`.
fn differing_fields(path: String, b: &Json, m: &Json, out: &mut Vec<String>) {
    match (b, m) {
        (Json::Object(bo), Json::Object(mo)) => {
            let keys: std::collections::BTreeSet<&String> = bo.keys().chain(mo.keys()).collect();
            for k in keys {
                let sub = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let (bv, mv) = (
                    bo.get(k).unwrap_or(&Json::Null),
                    mo.get(k).unwrap_or(&Json::Null),
                );
                if bv != mv {
                    differing_fields(sub, bv, mv, out);
                }
            }
        }
        _ => out.push(format!("{path}: backend {b} model {m}")),
    }
}
