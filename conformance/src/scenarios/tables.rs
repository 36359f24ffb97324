//! Mechanical, table-driven checks over all 53 calls (they do not count as scenarios).
//!
//! Each table builds the same small world per call, takes the call's baseline arguments (which
//! succeed, as [`every_call_succeeds_with_its_baseline_arguments`] proves), then breaks one thing:
//! the handle is closed (SPEC §3: after `close`, every call answers `DbClosed`), or one string
//! argument from [`slots`] is empty or holds a NUL (SPEC §5 Strings, `InvalidArg`). Every table
//! walks [`Call::ALL`], so no call can be skipped.

use podstate_api::ErrorKind::{DbClosed, InvalidArg};
use podstate_api::{DbConfig, State};

use crate::factory::BackendFactory;
use crate::scenarios::demanded;
use crate::scenarios::fixtures::*;
use crate::scenarios::harness::Tester;
use crate::scenarios::invoke::{Args, invoke};
use crate::scenarios::slots::{Bad, Slot, corrupt, slots};
use crate::{Call, Outcome};

/// This group's scenarios in the suite's order, which `__for_each_scenario!` chains.
#[macro_export]
#[doc(hidden)]
macro_rules! __scenarios_tables {
    ($cb:path, $($args:tt)*) => {
        $cb! { ($($args)*) tables: [
            every_call_succeeds_with_its_baseline_arguments,
            closed_handle_answers_db_closed_to_every_call,
            closed_handle_answers_db_closed_before_checking_arguments,
            close_is_idempotent_and_leaves_other_handles_working,
            empty_strings_are_invalid_arg_for_every_call,
            nul_strings_are_invalid_arg_for_every_call,
            only_list_and_db_calls_take_no_strings,
        ] }
    };
}

/// The world every table starts from: volume `v1` (unused); pod `p1` with member `m1`; empty pod
/// `p2`; container `c1` on `net1` with alias `a1`; container `c2` with exec session `e1`.
fn world(t: &Tester) {
    t.given(|s| {
        s.add_volume(&vol("v1"))?;
        s.add_pod(&pod("p1", "pod1"))?;
        s.add_pod(&pod("p2", "pod2"))?;
        s.add_container_to_pod(&s.pod("p1")?, &ctr("m1", "member1").in_pod("p1"))?;
        let c1 = ctr("c1", "one")
            .with_networks(&["net1"])
            .with_aliases("net1", &["a1"]);
        s.add_container(&c1)?;
        s.add_container(&ctr("c2", "two"))?;
        s.add_exec_session(&s.container("c2")?, &exec("e1", "c2"))
    });
}

/// Arguments with which `call` succeeds on [`world`].
fn baseline(t: &Tester, call: Call) -> Args {
    let s = t.admin();
    let stored = |id: &str| s.container(id).expect("world container");
    let c1 = stored("c1");
    let p1 = s.pod("p1").expect("world pod");
    let mut args = Args {
        ctr: c1.clone(),
        pod: p1.clone(),
        vol: s.volume("v1").expect("world volume"),
        session: exec("e2", "c1"),
        key: "c1".into(),
        network: "net1".into(),
        aliases: strings(&["a2"]),
        ctr_cfg: c1.config,
        pod_cfg: p1.config,
        vol_cfg: s.volume("v1").expect("world volume").config,
        db: DbConfig {
            libpod_root: "/var/lib/containers".into(),
            ..DbConfig::default()
        },
        namespace: "ns1".into(),
    };
    let new_ctr = |id: &str, dep: &str| {
        ctr(id, &format!("name-{id}"))
            .with_deps(&[dep])
            .with_volumes(&["v1"])
            .with_networks(&["net1"])
            .with_aliases("net1", &["a9"])
    };
    match call {
        Call::GetExecSession => args.key = "e1".into(),
        Call::Pod | Call::LookupPod | Call::HasPod => args.key = "p1".into(),
        Call::Volume | Call::LookupVolume | Call::HasVolume => args.key = "v1".into(),
        Call::PodHasContainer => args.key = "m1".into(),
        Call::AddContainer => args.ctr = new_ctr("c9", "c1"),
        Call::AddContainerToPod => args.ctr = new_ctr("m9", "m1").in_pod("p1"),
        Call::RemoveContainerFromPod => args.ctr = stored("m1"),
        Call::RemovePod => args.pod = s.pod("p2").expect("world pod"),
        Call::AddPod => args.pod = pod("p9", "pod9"),
        Call::AddVolume => args.vol = vol("v9"),
        Call::RemoveExecSession => args.session = exec("e1", "c2"),
        Call::NetworkConnect => args.network = "net2".into(),
        _ => {}
    }
    args
}

fn expect(call: Call, state: &dyn State, args: &Args, expected: Outcome) {
    demanded::record(call, expected);
    let got = invoke(call, state, args);
    assert_eq!(got, expected, "{} with {args:?}", call.name());
}

/// The tables mean something only if every call succeeds without the broken argument.
pub fn every_call_succeeds_with_its_baseline_arguments(f: &dyn BackendFactory) {
    for call in Call::ALL {
        let t = Tester::new(f);
        world(&t);
        let args = baseline(&t, *call);
        expect(*call, t.main(), &args, Outcome::Ok);
    }
}

/// SPEC §3: after `close`, every call answers `DbClosed`, except `close` itself - and the closed
/// handle's calls change nothing.
pub fn closed_handle_answers_db_closed_to_every_call(f: &dyn BackendFactory) {
    for call in Call::ALL {
        let t = Tester::new(f);
        world(&t);
        let args = baseline(&t, *call);
        t.ok(Call::Close, |s| s.close());
        let before = t.snapshot();
        let expected = match call {
            Call::Close => Outcome::Ok,
            _ => Outcome::Err(DbClosed),
        };
        expect(*call, t.main(), &args, expected);
        t.unchanged(&before, &format!("{} on a closed handle", call.name()));
    }
}

/// SPEC §4 check order, step 1 before step 2: a closed handle answers `DbClosed` even when an
/// argument is also malformed.
pub fn closed_handle_answers_db_closed_before_checking_arguments(f: &dyn BackendFactory) {
    for call in Call::ALL {
        let t = Tester::new(f);
        world(&t);
        let good = baseline(&t, *call);
        t.ok(Call::Close, |s| s.close());
        for slot in slots(*call) {
            for bad in [Bad::Empty, Bad::Nul] {
                if bad == Bad::Empty && slot.may_be_empty() {
                    continue;
                }
                let mut args = good.clone();
                corrupt(&mut args, slot, bad);
                expect(*call, t.main(), &args, Outcome::Err(DbClosed));
            }
        }
    }
}

/// SPEC §3: `close` affects only its own handle and is idempotent; a new handle works.
pub fn close_is_idempotent_and_leaves_other_handles_working(f: &dyn BackendFactory) {
    let t = Tester::new(f);
    world(&t);
    let before = t.snapshot();
    t.ok(Call::Close, |s| s.close());
    t.ok(Call::Close, |s| s.close());
    t.unchanged(&before, "the admin handle sees the same store");
    let fresh = t.open("");
    let ids = t.ok_on(fresh.as_ref(), Call::AllContainers, |s| s.all_containers());
    assert_eq!(ids.len(), 3);
}

fn bad_strings(f: &dyn BackendFactory, bad: Bad) {
    for call in Call::ALL {
        let t = Tester::new(f);
        world(&t);
        let good = baseline(&t, *call);
        let before = t.snapshot();
        for slot in slots(*call) {
            if bad == Bad::Empty && slot.may_be_empty() {
                continue;
            }
            let mut args = good.clone();
            corrupt(&mut args, slot, bad);
            demanded::record(*call, Outcome::Err(InvalidArg));
            let got = invoke(*call, t.main(), &args);
            assert_eq!(
                got,
                Outcome::Err(InvalidArg),
                "{} with {bad:?} in {slot:?}: {args:?}",
                call.name()
            );
            t.unchanged(&before, &format!("{} changed the store", call.name()));
        }
    }
}

/// SPEC §5 Strings: IDs, names, set sharing fields, `depends_on` entries, volume names, networks
/// and aliases are non-empty - for every string argument of every call (`InvalidArg`).
pub fn empty_strings_are_invalid_arg_for_every_call(f: &dyn BackendFactory) {
    bad_strings(f, Bad::Empty);
}

/// SPEC §5 Strings: ... and without NUL (`InvalidArg` otherwise), namespaces included - for
/// every string argument of every call. The NUL follows a valid value, so a backend truncating at
/// NUL would find a stored object instead.
pub fn nul_strings_are_invalid_arg_for_every_call(f: &dyn BackendFactory) {
    bad_strings(f, Bad::Nul);
}

/// Every call has a slot list; the tables above would silently skip a call whose list were
/// wrongly empty, so the calls without strings are named here.
pub fn only_list_and_db_calls_take_no_strings(_f: &dyn BackendFactory) {
    let without: Vec<&str> = Call::ALL
        .iter()
        .filter(|c| slots(**c).is_empty())
        .map(|c| c.name())
        .collect();
    assert_eq!(
        without,
        [
            "close",
            "refresh",
            "get_db_config",
            "validate_db_config",
            "all_containers",
            "all_pods",
            "all_volumes"
        ]
    );
    assert!(slots(Call::SetNamespace).iter().all(|s| s.may_be_empty()));
    assert_eq!(slots(Call::SetNamespace), [Slot::Namespace]);
}
