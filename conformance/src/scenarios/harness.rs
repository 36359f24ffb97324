//! The scenario harness: a fresh store per scenario, a handle under test, and assertions that
//! every observed outcome is one SPEC allows and that a failed call left no trace.
//!
//! A [`Tester`] owns one fresh store (from a [`BackendFactory`]) and two handles on it:
//!
//! * the **main** handle, the one the story is about ([`Tester::ok`], [`Tester::fails`]); it starts
//!   in namespace `""` and [`Tester::set_ns`] moves it;
//! * the **admin** handle, always in namespace `""`, used for setup ([`Tester::given`]) and for the
//!   [`Snapshot`]s that prove a failed call changed nothing.
//!
//! Every handle it gives out is a mirror (`mirror.rs`): each call that can change the store
//! also runs on a reference model, and when the `Tester` is dropped at the end of a scenario that
//! has not already failed, the backend must show exactly what the model shows (outcomes, the
//! invariants, the dump from every namespace used, the exec registry), so a scenario checks
//! everything it can see, not only what it asserts.
//!
//! ```
//! use podstate_api::ErrorKind;
//! use podstate_conformance::Call;
//! use podstate_conformance::scenarios::{fixtures::*, harness::Tester};
//! # fn story(f: &dyn podstate_conformance::BackendFactory) {
//! let t = Tester::new(f);
//! t.given(|s| s.add_container(&ctr("c1", "one")));
//! t.fails(Call::AddContainer, ErrorKind::CtrExists, |s| s.add_container(&ctr("c1", "two")));
//! # }
//! ```

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{Debug, Write as _};
use std::panic::Location;
use std::sync::Arc;

use podstate_api::{Container, ContainerConfig, ErrorKind, Result, State, StateError};

use crate::dump::{Dump, describe, dump};
use crate::factory::{BackendFactory, Store};
use crate::model::ModelStore;
use crate::scenarios::fixtures::{self, SESSION_IDS};
use crate::scenarios::mirror::{self, Mirror, Seen};
use crate::scenarios::{demanded, explain};
use crate::{Call, Outcome};

/// Everything the public API shows of a store: the full [`Dump`] plus the exec registry, probed
/// for every ID in [`SESSION_IDS`] (the registry cannot be listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The full dump, taken by a handle in namespace `""`.
    pub dump: Dump,
    /// `get_exec_session` for each probed session ID: the container ID, or the error kind.
    pub sessions: BTreeMap<String, std::result::Result<String, ErrorKind>>,
}

/// Takes a [`Snapshot`] through `state`, which should be in namespace `""`.
pub fn snapshot(state: &dyn State) -> std::result::Result<Snapshot, StateError> {
    let sessions = SESSION_IDS
        .iter()
        .map(|id| {
            (
                (*id).to_owned(),
                state.get_exec_session(id).map_err(|e| e.kind()),
            )
        })
        .collect();
    Ok(Snapshot {
        dump: dump(state)?,
        sessions,
    })
}

/// One fresh store with a handle under test and an admin handle. See the module docs.
pub struct Tester {
    // Field order matters: handles are dropped before the store (and its temporary files).
    main: Mirror,
    admin: Mirror,
    store: Box<dyn Store>,
    /// The reference model the handles mirror their calls to.
    model: ModelStore,
    seen: Arc<Seen>,
    /// Where the scenario made this tester: it names the scenario in failure messages.
    origin: &'static Location<'static>,
    /// Where the call log stood when the call under test began: the calls before it are the
    /// story its failure tells.
    mark: Cell<usize>,
}

impl Tester {
    /// A fresh, empty store of `factory`'s backend with both handles open in namespace `""`.
    ///
    /// # Panics
    /// When the backend cannot create the store or open a handle: the scenario fails.
    #[track_caller]
    pub fn new(factory: &dyn BackendFactory) -> Tester {
        let origin = Location::caller();
        explain::take_explained();
        let setup = |what: String| -> ! {
            panic!("{}", explain::message(origin, origin, &[("setup", what)]))
        };
        let store = match factory.create() {
            Ok(store) => store,
            Err(e) => setup(format!(
                "backend {:?} cannot create a store: {e}",
                factory.name()
            )),
        };
        fixtures::forget_keys();
        let (model, seen) = (ModelStore::new(), Arc::default());
        let (main, admin) = match (
            Mirror::open(store.as_ref(), &model, &seen),
            Mirror::open(store.as_ref(), &model, &seen),
        ) {
            (Ok(main), Ok(admin)) => (main, admin),
            (Err(e), _) | (_, Err(e)) => setup(format!("opening a handle failed: {e}")),
        };
        Tester {
            main,
            admin,
            store,
            model,
            seen,
            origin,
            mark: Cell::new(0),
        }
    }

    /// The handle under test.
    pub fn main(&self) -> &dyn State {
        &self.main
    }

    /// The admin handle (namespace `""`). Stories should not call it directly; it is for setup.
    pub fn admin(&self) -> &dyn State {
        &self.admin
    }

    /// Another handle on the same store, in namespace `ns` (`""` for none).
    #[track_caller]
    pub fn open(&self, ns: &str) -> Box<dyn State> {
        let handle = match Mirror::open(self.store.as_ref(), &self.model, &self.seen) {
            Ok(handle) => Box::new(handle),
            Err(e) => self.fail(&[("setup", format!("opening a handle failed: {e}"))]),
        };
        if !ns.is_empty()
            && let Err(e) = handle.set_namespace(ns)
        {
            self.fail(&[(
                "setup",
                format!("set_namespace({ns:?}) on a new handle failed: {e}"),
            )]);
        }
        handle
    }

    /// Setup: runs `f` on the admin handle; it must succeed.
    #[track_caller]
    pub fn given<T>(&self, f: impl FnOnce(&dyn State) -> Result<T>) -> T {
        let mark = self.seen.mark();
        match f(self.admin()) {
            Ok(value) => value,
            Err(e) => self.fail(&[("setup", self.made(mark, None)), ("got", e.to_string())]),
        }
    }

    /// Moves the main handle to namespace `ns`.
    #[track_caller]
    pub fn set_ns(&self, ns: &str) {
        self.ok(Call::SetNamespace, |s| s.set_namespace(ns));
    }

    /// The current [`Snapshot`], taken through the admin handle.
    #[track_caller]
    pub fn snapshot(&self) -> Snapshot {
        match self.seen.quietly(|| snapshot(self.admin())) {
            Ok(snapshot) => snapshot,
            Err(e) => self.fail(&[("got", format!("dumping the store failed: {e}"))]),
        }
    }

    /// Fails unless the store is still as `before` shows it, naming what changed; `why` says
    /// why it should be.
    #[track_caller]
    pub fn unchanged(&self, before: &Snapshot, why: &str) {
        let now = self.snapshot();
        if *before != now {
            self.mark.set(self.seen.mark());
            self.fail(&[
                ("wanted", format!("the store as it was: {why}")),
                ("got", changes(before, &now)),
            ]);
        }
    }

    /// Runs `call` on the main handle through `f`; it must succeed. Returns its value.
    #[track_caller]
    pub fn ok<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> T {
        self.ok_on(self.main(), call, f)
    }

    /// As [`Tester::ok`], on another handle.
    #[track_caller]
    pub fn ok_on<T>(
        &self,
        h: &dyn State,
        call: Call,
        f: impl FnOnce(&dyn State) -> Result<T>,
    ) -> T {
        demanded::record(call, Outcome::Ok);
        let mark = self.seen.mark();
        let result = f(h);
        let made = self.made(mark, Some(call));
        self.allowed(call, &result, &made);
        match result {
            Ok(value) => value,
            Err(e) => self.fail(&[
                ("call", made),
                ("wanted", "Ok".into()),
                ("got", e.to_string()),
            ]),
        }
    }

    /// Runs `call` on the main handle through `f`; it must fail with `kind` and change nothing.
    /// Returns the error, for scenarios that also check its message.
    #[track_caller]
    pub fn fails<T: Debug>(
        &self,
        call: Call,
        kind: ErrorKind,
        f: impl FnOnce(&dyn State) -> Result<T>,
    ) -> StateError {
        self.fails_on(self.main(), call, kind, f)
    }

    /// As [`Tester::fails`], on another handle.
    #[track_caller]
    pub fn fails_on<T: Debug>(
        &self,
        h: &dyn State,
        call: Call,
        kind: ErrorKind,
        f: impl FnOnce(&dyn State) -> Result<T>,
    ) -> StateError {
        assert!(
            call.allows(Outcome::Err(kind)),
            "scenario bug: {} may not answer {kind}",
            call.name()
        );
        demanded::record(call, Outcome::Err(kind));
        let before = self.snapshot();
        let mark = self.seen.mark();
        let result = f(h);
        let made = self.made(mark, Some(call));
        self.allowed(call, &result, &made);
        let wanted = format!("{kind}, the store left as it was");
        let err = match result {
            Ok(value) => self.fail(&[
                ("call", made),
                ("wanted", wanted),
                ("got", format!("Ok({value:?})")),
            ]),
            Err(e) => e,
        };
        if err.kind() != kind {
            self.fail(&[("call", made), ("wanted", wanted), ("got", err.to_string())]);
        }
        let after = self.snapshot();
        if before != after {
            self.fail(&[
                ("call", made),
                ("wanted", wanted),
                (
                    "got",
                    format!(
                        "{err}\nbut the store changed:\n{}",
                        changes(&before, &after)
                    ),
                ),
            ]);
        }
        self.assert_keys_free(&after, &made);
        err
    }

    /// After a failed call: every ID and name the scenario built that no stored container or pod
    /// holds is still free (a failed add must not leave its ID or name reserved). Each one is
    /// taken by a probe container on the admin handle and given back, leaving the store as it
    /// was.
    #[track_caller]
    fn assert_keys_free(&self, now: &Snapshot, made: &str) {
        let held: BTreeSet<&str> = (now.dump.containers.iter())
            .flat_map(|c| [c.container.config.id.as_str(), &c.container.config.name])
            .chain(
                now.dump
                    .pods
                    .iter()
                    .flat_map(|p| [p.pod.config.id.as_str(), &p.pod.config.name]),
            )
            .collect();
        let admin = self.admin();
        for key in fixtures::built_keys() {
            if held.contains(key.as_str()) || key.is_empty() || key.contains('\0') {
                continue;
            }
            for probe in [
                ContainerConfig::new(key.clone(), "\u{1f50d} probe name"),
                ContainerConfig::new("\u{1f50d} probe id", key.clone()),
            ] {
                let probe = Container::new(probe);
                let taken = self.seen.quietly(|| {
                    admin.add_container(&probe)?;
                    admin.remove_container(&probe)
                });
                if let Err(e) = taken {
                    self.fail(&[
                        ("call", made.to_owned()),
                        ("wanted", format!("an error, and {key:?} free again")),
                        ("got", format!("afterwards {key:?} cannot be taken: {e}")),
                    ]);
                }
            }
        }
    }

    /// Panics with the scenario's failure message (see [`explain`]) at the scenario's line:
    /// the changing calls made before the one that failed, then `what`.
    #[track_caller]
    fn fail(&self, what: &[(&str, String)]) -> ! {
        let mut all = vec![("after", self.story(self.mark.get()))];
        all.retain(|(_, calls)| !calls.is_empty());
        all.extend_from_slice(what);
        panic!(
            "{}",
            explain::message(self.origin, Location::caller(), &all)
        )
    }

    /// The calls made on the tester's handles since `mark`, one a line; `call`'s name when none
    /// was made through them.
    fn made(&self, mark: usize, call: Option<Call>) -> String {
        self.mark.set(mark);
        let made: Vec<String> = self.seen.since(mark).into_iter().map(|c| c.text).collect();
        match (made.is_empty(), call) {
            (false, _) => made.join("\n"),
            (true, Some(call)) => {
                format!("{} (on a handle the harness does not watch)", call.name())
            }
            (true, None) => "(no call)".into(),
        }
    }

    /// Fails unless SPEC allows `call` to answer what `result` holds.
    #[track_caller]
    fn allowed<T>(&self, call: Call, result: &Result<T>, made: &str) {
        let outcome = Outcome::of(result);
        if !call.allows(outcome) {
            let got = result
                .as_ref()
                .err()
                .map_or(outcome.to_string(), ToString::to_string);
            self.fail(&[
                ("call", made.to_owned()),
                (
                    "wanted",
                    format!(
                        "an outcome SPEC §4 Allowed outcomes lists for {}",
                        call.name()
                    ),
                ),
                ("got", got),
            ]);
        }
    }

    /// The first `upto` calls of the scenario that can change the store, numbered, one a line.
    fn story(&self, upto: usize) -> String {
        let calls = self.seen.calls();
        let changing = calls.iter().take(upto).filter(|c| c.changes);
        let lines: Vec<String> = changing
            .enumerate()
            .map(|(i, c)| format!("{}. {}", i + 1, c.text))
            .collect();
        lines.join("\n")
    }
}

/// What differs between two snapshots: objects and fields, then exec registrations.
fn changes(before: &Snapshot, after: &Snapshot) -> String {
    let mut text = String::new();
    if before.dump != after.dump {
        text.push_str(&describe(&before.dump, &after.dump, ("before", "after")));
    }
    for (id, was) in &before.sessions {
        let now = after.sessions.get(id);
        if now != Some(was) {
            let _ = write!(text, "\nexec session {id:?}: before {was:?}, after {now:?}");
        }
    }
    text.trim_start().to_owned()
}

/// The end of every scenario: what the backend shows must be what the model shows (see the
/// module docs). When the scenario already failed, its own message stays the one shown; a
/// failure of the scenario's own assertions gets the scenario's name and clauses beside it.
impl Drop for Tester {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if !explain::explained() && explain::notes_wanted() {
                let note = explain::message(
                    self.origin,
                    self.origin,
                    &[("calls", self.story(usize::MAX))],
                );
                eprintln!("the failure above is in {note}");
            }
            return;
        }
        if let Err(why) = mirror::compare(self.store.as_ref(), &self.model, &self.seen) {
            panic!(
                "{}",
                explain::message(
                    self.origin,
                    self.origin,
                    &[("calls", self.story(usize::MAX)), ("found", why)]
                )
            );
        }
    }
}
