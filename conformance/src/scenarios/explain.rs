//! What a failing scenario says about itself. Its message must read without this repository at
//! hand (a backend author sees it in their own crate's test output): which scenario failed and
//! where, each SPEC clause its doc line cites with the clause's titles and first sentence, the
//! call with its arguments, what was wanted and what came, and what differs in the store, object
//! by object and field by field.
//!
//! The scenario is found from where its [`Tester`](super::harness::Tester) was made: the group
//! is the file, the scenario the `pub fn` around that line, read from the scenario sources
//! compiled into this crate, doc line included.

use std::cell::Cell;
use std::fmt::{Debug, Write as _};
use std::panic::Location;

use serde::Serialize;
use serde_json::Value;

use crate::citations::{self, Clause};

/// A scenario as its source shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct About {
    /// Its group (module), e.g. `"containers"`.
    pub group: &'static str,
    /// Its function's name.
    pub name: &'static str,
    /// Its source file, as this crate was compiled from it.
    pub file: String,
    /// The line of its `pub fn`, counted from 1.
    pub line: usize,
    /// Its doc comment, lines joined.
    pub doc: String,
    /// The clauses the doc cites, in order.
    pub clauses: Vec<Clause>,
}

/// The scenario whose function holds `location`, when it is in one of the scenario groups.
pub fn scenario_at(location: &Location<'_>) -> Option<About> {
    let file = location.file().replace('\\', "/");
    let (dir, stem) = file.strip_suffix(".rs")?.rsplit_once('/')?;
    if !dir.ends_with("scenarios") {
        return None;
    }
    let (group, source) = super::sources().iter().find(|(g, _)| *g == stem)?;
    let lines: Vec<&'static str> = source.lines().collect();
    let upto = (location.line() as usize).min(lines.len());
    let at = (0..upto).rev().find(|&i| lines[i].starts_with("pub fn "))?;
    about(group, &lines, at)
}

/// The scenario `name` of `group`.
pub fn scenario(group: &str, name: &str) -> Option<About> {
    let (group, source) = super::sources().iter().find(|(g, _)| *g == group)?;
    let lines: Vec<&'static str> = source.lines().collect();
    let head = format!("pub fn {name}(");
    let at = lines.iter().position(|l| l.starts_with(&head))?;
    about(group, &lines, at)
}

/// The scenario whose `pub fn` is line `at` (0-based) of `lines`.
fn about(group: &'static str, lines: &[&'static str], at: usize) -> Option<About> {
    let rest = lines[at].strip_prefix("pub fn ")?;
    let name = rest.split('(').next()?;
    let doc: Vec<&str> = lines[..at]
        .iter()
        .rev()
        .take_while(|l| l.starts_with("///"))
        .map(|l| l.trim_start_matches('/').trim())
        .collect();
    let doc = doc.into_iter().rev().collect::<Vec<_>>().join(" ");
    let clauses = citations::find(&doc)
        .into_iter()
        .map(|c| narrowed(c.clause, &doc))
        .collect();
    // This file's directory holds every group's file.
    let dir = file!().rsplit_once(['/', '\\']).map_or("", |(dir, _)| dir);
    Some(About {
        group,
        name,
        file: format!("{dir}/{group}.rs"),
        line: at + 1,
        doc,
        clauses,
    })
}

/// A whole section cited by a doc line that names one of the section's entries in code style
/// (`SPEC §5: \`remove_container\` - ...`) is that entry: the message can quote its rule.
fn narrowed(clause: Clause, doc: &str) -> Clause {
    let Clause::Section(n) = clause else {
        return clause;
    };
    let named = doc.split('`').skip(1).step_by(2).find_map(|code| {
        let name = code.split('(').next().unwrap_or_default();
        let entry = Clause::Name(n, name.to_owned());
        (!name.is_empty() && entry.exists()).then_some(entry)
    });
    named.unwrap_or(clause)
}

impl About {
    /// The head of a failure message: the scenario, where it failed (`at`, else where it
    /// begins), what it checks.
    pub fn header(&self, at: Option<&Location<'_>>) -> String {
        let mut text = format!("scenario {}::{} failed\n", self.group, self.name);
        let place = at.map_or(format!("{}:{}", self.file, self.line), |at| {
            format!("{}:{}", at.file(), at.line())
        });
        line(&mut text, "at", &place);
        for clause in &self.clauses {
            line(&mut text, "checks", &clause.titled());
            // A whole section's first sentence says little; the doc line below says the rest.
            if let Some(words) = clause
                .words()
                .filter(|_| !matches!(clause, Clause::Section(_)))
            {
                line(&mut text, "", &format!("\"{words}\""));
            }
        }
        line(&mut text, "its doc", &self.doc);
        text
    }
}

/// A failure message: the header of the scenario around `origin` (where its `Tester` was
/// made; a bare location when that is no scenario's), then each `(label, text)`.
pub fn message(origin: &Location<'_>, at: &Location<'_>, what: &[(&str, String)]) -> String {
    let mut text = match scenario_at(origin) {
        Some(about) => about.header(Some(at)),
        None => format!("a scenario failed at {}:{}\n", at.file(), at.line()),
    };
    for (label, body) in what {
        line(&mut text, label, body);
    }
    EXPLAINED.with(|e| e.set(true));
    text
}

/// Appends `label` and `body`, the body's further lines indented under the first.
fn line(text: &mut String, label: &str, body: &str) {
    let mut lines = body.lines();
    let _ = writeln!(text, "  {label:<8} {}", lines.next().unwrap_or_default());
    for more in lines {
        let _ = writeln!(text, "  {:<8} {more}", "");
    }
}

thread_local! {
    /// Whether this thread's last failure message was built by [`message`] (so it already names
    /// the scenario).
    static EXPLAINED: Cell<bool> = const { Cell::new(false) };
    /// Whether a scenario's own failed assertion gets a note naming the scenario on stderr
    /// (off under [`run`](super::run), whose answer names it).
    static NOTES: Cell<bool> = const { Cell::new(true) };
}

/// Whether the failure this thread is panicking with was explained by [`message`]; resets it.
pub fn take_explained() -> bool {
    EXPLAINED.with(|e| e.replace(false))
}

/// Whether the failure this thread is panicking with was explained by [`message`].
pub(super) fn explained() -> bool {
    EXPLAINED.with(Cell::get)
}

/// Whether a failed assertion of a scenario's own should be noted on stderr.
pub(super) fn notes_wanted() -> bool {
    NOTES.with(Cell::get)
}

/// Runs `f` with the notes of [`notes_wanted`] off.
pub(super) fn without_notes<T>(f: impl FnOnce() -> T) -> T {
    let was = NOTES.with(|n| n.replace(false));
    let result = f();
    NOTES.with(|n| n.set(was));
    result
}

/// The two sides of a scenario's `assert_eq!` (the macro of `mod.rs` that shadows the standard
/// one), told apart field by field when both have a serde form ([`ByFields`]), by their `Debug`
/// forms otherwise ([`ByDebug`]). The macro calls `(&&Sides(found, wanted)).differ()`: method
/// lookup tries `&&Sides` first, where only the serde impl applies, so it wins whenever its
/// bounds hold (autoref specialization).
pub struct Sides<'a, A: ?Sized, B: ?Sized>(pub &'a A, pub &'a B);

/// The differing fields of two sides that have a serde form.
pub trait ByFields {
    /// One line per differing field: `path: found X wanted Y`.
    fn differ(&self) -> Vec<String>;
}

impl<A, B> ByFields for &Sides<'_, A, B>
where
    A: Serialize + Debug + ?Sized,
    B: Serialize + Debug + ?Sized,
{
    fn differ(&self) -> Vec<String> {
        let lines = podstate_api::dump::fields(self.0, self.1, ("found", "wanted"));
        let lines: Vec<String> = (lines.into_iter())
            .map(|l| l.strip_prefix(": ").map(str::to_owned).unwrap_or(l))
            .collect();
        match lines.is_empty() {
            // Equal serde forms, unequal values: only the `Debug` forms can tell.
            true => Sides(self.0, self.1).differ_by_debug(),
            false => lines,
        }
    }
}

/// Two sides without a serde form (a `Result` holding a `StateError`).
pub trait ByDebug {
    /// `found X wanted Y`, in their `Debug` forms.
    fn differ(&self) -> Vec<String>;
}

impl<A: Debug + ?Sized, B: Debug + ?Sized> ByDebug for Sides<'_, A, B> {
    fn differ(&self) -> Vec<String> {
        self.differ_by_debug()
    }
}

impl<A: Debug + ?Sized, B: Debug + ?Sized> Sides<'_, A, B> {
    fn differ_by_debug(&self) -> Vec<String> {
        vec![format!("found {:?} wanted {:?}", self.0, self.1)]
    }
}

/// Fails a scenario's `assert_eq!`: the scenario and its clauses (found from the caller's
/// line), what it asserts, and `differ`.
#[track_caller]
pub fn unequal(differ: Vec<String>, context: Option<String>) -> ! {
    let at = Location::caller();
    let mut what = vec![("differs", differ.join("\n"))];
    if let Some(context) = context {
        what.insert(0, ("asserts", context));
    }
    panic!("{}", message(at, at, &what))
}

/// An argument as a call's line shows it: its serde form as JSON, without the fields at their
/// defaults (`null`, `""`, `0`, `false`, empty lists and maps), so a container reads as the few
/// fields its scenario set. Payloads are shown whole.
pub fn brief<T: Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(mut json) => {
            if json.is_object() {
                prune(&mut json);
            }
            json.to_string()
        }
        Err(e) => format!("<cannot show: {e}>"),
    }
}

/// Drops default-valued fields of every object in `json`, innermost first.
fn prune(json: &mut Value) {
    match json {
        Value::Object(fields) => {
            // A payload is the runtime's own JSON, shown as it is.
            fields
                .iter_mut()
                .filter(|(k, _)| *k != "payload")
                .for_each(|(_, v)| prune(v));
            fields.retain(|_, v| !is_default(v));
        }
        Value::Array(items) => items.iter_mut().for_each(prune),
        _ => {}
    }
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::fixtures::{CtrExt, ctr};

    #[test]
    fn a_scenario_is_found_by_name_with_its_doc_and_clauses() {
        let about = scenario(
            "containers",
            "add_container_with_name_of_a_container_is_ctr_exists",
        )
        .expect("the scenario exists");
        std::assert_eq!(about.clauses, [Clause::Item(2, 1)]);
        assert!(
            about.doc.starts_with("SPEC §2.1: one name space"),
            "{}",
            about.doc
        );
        assert!(
            about.file.ends_with("scenarios/containers.rs"),
            "{}",
            about.file
        );
        let header = about.header(None);
        assert!(
            header.contains(&format!("at       {}:{}", about.file, about.line)),
            "{header}"
        );
        assert!(
            header.contains("checks   SPEC §2.1 (Global invariants: Shared spaces)"),
            "{header}"
        );
        assert!(
            header.contains("\"Containers and pods draw their IDs"),
            "{header}"
        );
    }

    #[test]
    fn an_argument_shows_only_the_fields_set() {
        let c = ctr("c1", "web").with_deps(&["c0"]);
        let shown = brief(&c);
        assert!(shown.contains(r#""id":"c1""#), "{shown}");
        assert!(shown.contains(r#""depends_on":["c0"]"#), "{shown}");
        assert!(!shown.contains("null") && !shown.contains(":0,"), "{shown}");
        assert_eq!(brief("web"), r#""web""#);
        assert_eq!(brief(&["a".to_owned()][..]), r#"["a"]"#);
    }
}
