//! The hot-spot workload: a handful of IDs and names that every thread works on at once, so
//! that calls meet on the same objects. Writers add, remove, rewrite and save four containers
//! and register exec sessions on them; readers look them up by name, ID and ID prefix, list
//! them and ask for their sessions and dependents, from namespace `""` and from `"blue"`.
//!
//! The collisions are on purpose: `c0ffee00a1` and `c0ffee00b2` share the prefix `c0ffee00`
//! and both draw their names from `hot-1`/`hot-2`; `c0ffee0c3` lives in namespace `blue` and
//! takes `hot-1` or `hot-3`; `c0ffee00d4` depends on `c0ffee00a1`, so removing `a1` races with
//! adding `d4`; sessions `s1`/`s2` move between `a1` and `b2` and block their removal.
//!
//! One writer round in ten runs its call in a batch with one or two more writes: the search
//! places a batch as one operation, so a reader that sees part of a batch, or any of one that
//! rolled back, makes the window fail.

use podstate_api::{Container, ContainerConfig, ExecSession, Payload};
use proptest::prelude::RngExt;
use proptest::test_runner::TestRng;

use crate::checker::{HandleOp, Op, case_rng};

/// What a thread mostly does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Adds, removes, rewrites and saves the hot containers and registers sessions on them, with
    /// a read now and then.
    Writer,
    /// Only reads: lookups by name, ID and prefix, lists, sessions, dependents.
    Reader,
}

impl Role {
    /// The role of thread `thread` of a run: even threads write, odd ones read, so that every
    /// run of two or more threads has both.
    pub fn of(thread: usize) -> Role {
        match thread % 2 {
            0 => Role::Writer,
            _ => Role::Reader,
        }
    }
}

/// The hot container IDs (see the module docs).
pub const HOT_IDS: [&str; 4] = ["c0ffee00a1", "c0ffee00b2", "c0ffee0c3", "c0ffee00d4"];

/// The prefixes the readers look up for each hot container: its own, then shared ones.
const PREFIXES: [[&str; 3]; 4] = [
    ["c0ffee00a", "c0ffee00", "c0ffee"],
    ["c0ffee00b", "c0ffee00", "c0ffee"],
    ["c0ffee0c", "c0ffee0", "c0ffee"],
    ["c0ffee00d", "c0ffee00", "c0ffee0"],
];

/// The names each hot container may have.
const NAMES: [&[&str]; 4] = [
    &["hot-1", "hot-2"],
    &["hot-1", "hot-2"],
    &["hot-1", "hot-3"],
    &["hot-4"],
];

/// The exec sessions.
const SESSIONS: [&str; 2] = ["s1", "s2"];

/// Hot container `which` (an index into [`HOT_IDS`]) with one of its names, drawn, and payload
/// variant `variant`.
fn container(rng: &mut TestRng, which: usize, variant: u32) -> Container {
    let names = NAMES[which];
    let mut cfg = ContainerConfig::new(HOT_IDS[which], names[rng.random_range(0..names.len())]);
    if which == 2 {
        cfg.namespace = "blue".to_owned();
    }
    if which == 3 {
        cfg.depends_on = vec![HOT_IDS[0].to_owned()];
    }
    cfg.payload = Payload::from_json(format!(r#"{{"v":{variant}}}"#)).unwrap_or_default();
    Container::new(cfg)
}

/// A hot container, `a1` and `b2` the hottest.
fn hot_one(rng: &mut TestRng) -> usize {
    [0, 0, 0, 1, 1, 2, 3][rng.random_range(0..7)]
}

/// The `ops` calls of thread `thread` of a run seeded with `seed`, in `role`, all on the thread's
/// handle 0. A reader starts in namespace `blue` one time in four.
///
/// The `i`-th calls of all threads of a run mostly concern one container, the *focus* of round
/// `i`, drawn from the seed alone: where calls start together (a lockstep window), a removal
/// meets the lookups of what it removes.
pub fn hot_ops(seed: u64, thread: usize, role: Role, ops: usize) -> Vec<HandleOp> {
    let mut rng = case_rng(seed ^ 0x00c0_ffee, thread);
    let mut focus = case_rng(seed ^ 0x0f0c_0500, 0);
    // Batches come from a source of their own, so that the calls drawn above stay as they were
    // without batches: a batch wraps the call of its round.
    let mut batching = case_rng(seed ^ 0x0ba7_c400, thread);
    let mut out = Vec::with_capacity(ops);
    if role == Role::Reader && rng.random_range(0..4) == 0 {
        out.push(Op::SetNamespace { ns: "blue".into() });
    }
    while out.len() < ops {
        let focused = hot_one(&mut focus);
        let which = match rng.random_range(0..5) {
            0 => hot_one(&mut rng),
            _ => focused,
        };
        let op = match role {
            Role::Writer if batching.random_range(0..100) < BATCH_PERCENT => {
                batch_around(&mut batching, write(&mut rng, which))
            }
            Role::Writer => write(&mut rng, which),
            Role::Reader => read(&mut rng, which),
        };
        out.push(op);
    }
    out.into_iter().map(HandleOp::first).collect()
}

/// The share of a writer's rounds (in percent) that run their call in a batch.
const BATCH_PERCENT: u32 = 10;

/// A batch of `first` and one or two more writes on hot containers, rolled back one time in
/// five: one operation for the search, which must place all of it at one instant or, rolled
/// back, none of it (SPEC §3 Batches). A container's add and the session registered on it in
/// one batch are never seen apart.
fn batch_around(rng: &mut TestRng, first: Op) -> Op {
    let mut ops = vec![first];
    for _ in 0..rng.random_range(1..=2) {
        let which = hot_one(rng);
        ops.push(write(rng, which));
    }
    Op::Batch {
        ops,
        rollback: rng.random_range(0..5) == 0,
    }
}

/// One writer's call on hot container `which`: mostly the adds and removals that make the
/// readers' objects come and go.
fn write(rng: &mut TestRng, which: usize) -> Op {
    let variant = rng.random_range(0..3);
    let ctr = container(rng, which, variant);
    match rng.random_range(0..100) {
        0..30 => Op::AddContainer { ctr },
        30..55 => Op::RemoveContainer { ctr },
        55..67 => {
            let mut cfg = ctr.config.clone();
            cfg.payload =
                Payload::from_json(format!(r#"{{"v":{}}}"#, variant + 1)).unwrap_or_default();
            Op::RewriteContainerConfig { ctr, cfg }
        }
        67..73 => {
            let mut ctr = ctr;
            ctr.state.exit_code = rng.random_range(0..3);
            Op::SaveContainer { ctr }
        }
        73..85 => {
            let session = ExecSession::new(SESSIONS[rng.random_range(0..2)], ctr.id());
            Op::AddExecSession { ctr, session }
        }
        85..93 => Op::RemoveExecSession {
            session: ExecSession::new(SESSIONS[rng.random_range(0..2)], ctr.id()),
        },
        _ => read(rng, which),
    }
}

/// One reader's call about hot container `which`.
fn read(rng: &mut TestRng, which: usize) -> Op {
    let id = HOT_IDS[which].to_owned();
    let names = NAMES[which];
    let name = names[rng.random_range(0..names.len())].to_owned();
    let prefix = PREFIXES[which][rng.random_range(0..3)].to_owned();
    // Mostly calls that resolve a name or prefix and then read what they found: the calls a
    // torn read or a stale cache answers wrongly.
    match rng.random_range(0..100) {
        0..28 => Op::LookupContainer { id_or_name: name },
        28..46 => Op::LookupContainer { id_or_name: prefix },
        46..54 => Op::LookupContainerId { id_or_name: prefix },
        54..64 => Op::Container { id },
        64..74 => Op::AllContainers,
        74..77 => Op::HasContainer { id },
        77..80 => Op::GetName { id },
        80..88 => Op::GetContainerExecSessions {
            ctr: container(rng, which, 0),
        },
        88..93 => Op::GetExecSession {
            id: SESSIONS[rng.random_range(0..2)].to_owned(),
        },
        _ => Op::ContainerInUse {
            ctr: container(rng, which, 0),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_meet_on_the_same_objects_and_readers_only_read() {
        let writer = hot_ops(1, 0, Role::Writer, 200);
        let reader = hot_ops(1, 1, Role::Reader, 200);
        assert_eq!((writer.len(), reader.len()), (200, 200));
        assert!(reader.iter().all(|s| !s.op.may_write()));
        let adds = writer
            .iter()
            .filter(|s| matches!(&s.op, Op::AddContainer { ctr } if ctr.id() == HOT_IDS[0]))
            .count();
        let removes = writer
            .iter()
            .filter(|s| matches!(&s.op, Op::RemoveContainer { ctr } if ctr.id() == HOT_IDS[0]))
            .count();
        assert!(adds > 15 && removes > 15, "{adds} adds, {removes} removes");
        assert_eq!(
            hot_ops(1, 0, Role::Writer, 200),
            writer,
            "a thread's calls depend on the seed alone"
        );
        assert_ne!(hot_ops(2, 0, Role::Writer, 200), writer);
        let batches = writer.iter().filter(|s| s.op.batched().is_some()).count();
        assert!(
            (8..=40).contains(&batches),
            "{batches} batches in 200 rounds"
        );
    }
}
