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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::Arc;

use podstate_api::{Container, ContainerConfig, ErrorKind, Result, State, StateError};

use crate::dump::{Dump, dump};
use crate::factory::{BackendFactory, Store};
use crate::model::ModelStore;
use crate::scenarios::demanded;
use crate::scenarios::fixtures::{self, SESSION_IDS};
use crate::scenarios::mirror::{self, Mirror, Seen};
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
}

impl Tester {
    /// A fresh, empty store of `factory`'s backend with both handles open in namespace `""`.
    ///
    /// # Panics
    /// When the backend cannot create the store or open a handle: the scenario fails.
    pub fn new(factory: &dyn BackendFactory) -> Tester {
        let store = factory
            .create()
            .unwrap_or_else(|e| panic!("backend {:?} cannot create a store: {e}", factory.name()));
        fixtures::forget_keys();
        let (model, seen) = (ModelStore::new(), Arc::default());
        let main = open(store.as_ref(), &model, &seen);
        let admin = open(store.as_ref(), &model, &seen);
        Tester {
            main,
            admin,
            store,
            model,
            seen,
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
    pub fn open(&self, ns: &str) -> Box<dyn State> {
        let handle = Box::new(open(self.store.as_ref(), &self.model, &self.seen));
        if !ns.is_empty() {
            handle
                .set_namespace(ns)
                .unwrap_or_else(|e| panic!("set_namespace({ns:?}) on a new handle failed: {e}"));
        }
        handle
    }

    /// Setup: runs `f` on the admin handle; it must succeed.
    pub fn given<T>(&self, f: impl FnOnce(&dyn State) -> Result<T>) -> T {
        f(self.admin()).unwrap_or_else(|e| panic!("scenario setup failed: {e}"))
    }

    /// Moves the main handle to namespace `ns`.
    pub fn set_ns(&self, ns: &str) {
        self.ok(Call::SetNamespace, |s| s.set_namespace(ns));
    }

    /// The current [`Snapshot`], taken through the admin handle.
    pub fn snapshot(&self) -> Snapshot {
        snapshot(self.admin()).unwrap_or_else(|e| panic!("dumping the store failed: {e}"))
    }

    /// Runs `call` on the main handle through `f`; it must succeed. Returns its value.
    pub fn ok<T>(&self, call: Call, f: impl FnOnce(&dyn State) -> Result<T>) -> T {
        self.ok_on(self.main(), call, f)
    }

    /// As [`Tester::ok`], on another handle.
    pub fn ok_on<T>(
        &self,
        h: &dyn State,
        call: Call,
        f: impl FnOnce(&dyn State) -> Result<T>,
    ) -> T {
        demanded::record(call, Outcome::Ok);
        let result = f(h);
        check_allowed(call, &result);
        result.unwrap_or_else(|e| panic!("{} should succeed, got {e}", call.name()))
    }

    /// Runs `call` on the main handle through `f`; it must fail with `kind` and change nothing.
    /// Returns the error, for scenarios that also check its message.
    pub fn fails<T: Debug>(
        &self,
        call: Call,
        kind: ErrorKind,
        f: impl FnOnce(&dyn State) -> Result<T>,
    ) -> StateError {
        self.fails_on(self.main(), call, kind, f)
    }

    /// As [`Tester::fails`], on another handle.
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
        let result = f(h);
        check_allowed(call, &result);
        let err = match result {
            Ok(value) => panic!("{} should fail with {kind}, got Ok({value:?})", call.name()),
            Err(e) => e,
        };
        assert_eq!(
            err.kind(),
            kind,
            "{} should fail with {kind}, got {err}",
            call.name()
        );
        let after = self.snapshot();
        assert_eq!(
            before,
            after,
            "{} failed with {kind} but changed the store",
            call.name()
        );
        self.assert_keys_free(&after, call);
        err
    }

    /// After a failed call: every ID and name the scenario built that no stored container or pod
    /// holds is still free (a failed add must not leave its ID or name reserved). Each one is
    /// taken by a probe container on the admin handle and given back, leaving the store as it
    /// was.
    fn assert_keys_free(&self, now: &Snapshot, call: Call) {
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
                let taken = admin.add_container(&probe);
                assert!(
                    taken.is_ok(),
                    "{} failed, and afterwards {key:?} is not free: {}",
                    call.name(),
                    taken.map_or_else(|e| e.to_string(), |()| String::new())
                );
                admin
                    .remove_container(&probe)
                    .unwrap_or_else(|e| panic!("removing the probe {key:?} failed: {e}"));
            }
        }
    }
}

/// The end of every scenario: what the backend shows must be what the model shows (see the
/// module docs). Skipped when the scenario already failed, so its own message stays the one shown.
impl Drop for Tester {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        if let Err(why) = mirror::compare(self.store.as_ref(), &self.model, &self.seen) {
            panic!("{why}");
        }
    }
}

fn open(store: &dyn Store, model: &ModelStore, seen: &Arc<Seen>) -> Mirror {
    Mirror::open(store, model, seen).unwrap_or_else(|e| panic!("opening a handle failed: {e}"))
}

/// Panics unless SPEC allows `call` to answer what `result` holds.
pub fn check_allowed<T>(call: Call, result: &Result<T>) {
    let outcome = Outcome::of(result);
    if !call.allows(outcome) {
        let message = result.as_ref().err().map(ToString::to_string);
        panic!(
            "{} answered {outcome}, which SPEC does not allow for it ({})",
            call.name(),
            message.unwrap_or_default()
        );
    }
}
