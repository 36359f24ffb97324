//! The group over a fake engine whose transactions are lists of writes and whose commit can be
//! held, so that writers queue behind it exactly when a test wants them to.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::*;
use crate::ErrorKind;

#[derive(Debug, Default)]
struct Fake {
    /// Every write of every commit, in commit order.
    committed: Mutex<Vec<String>>,
    /// Commits and answers, in the order they happened.
    log: Mutex<Vec<String>>,
    begins: AtomicUsize,
    commits: AtomicUsize,
    fail_commits: AtomicBool,
    others: AtomicBool,
    /// The next commit says it started, then waits for the go.
    hold: Mutex<Option<(Sender<()>, Receiver<()>)>>,
    /// Another process holds the write lock: a begin times out (the next one once it is
    /// told to go, the others at once).
    locked: AtomicBool,
    /// The next begin says it started, then waits for the go before it times out.
    hold_begin: Mutex<Option<(Sender<()>, Receiver<()>)>>,
    /// What the looks at the write lock's holder find, in turn; later ones find nobody.
    looks: Mutex<Vec<Option<String>>>,
    /// The holder each timed-out begin named, and the wait it said.
    timeouts: Mutex<Vec<(Option<String>, Duration)>>,
    /// The deadline each commit's waits were given, in commit order.
    commit_deadlines: Mutex<Vec<Instant>>,
}

impl Fake {
    fn note(&self, event: String) {
        self.log.lock().unwrap().push(event);
    }

    /// A look at the write lock's holder.
    fn look(&self) -> Option<String> {
        let mut looks = self.looks.lock().unwrap();
        if looks.is_empty() {
            return None;
        }
        looks.remove(0)
    }
}

impl Transactions for Fake {
    type Tx = Vec<String>;

    fn backend(&self) -> &'static str {
        "fake"
    }

    fn file(&self) -> &Path {
        Path::new("fake.db")
    }

    fn begin(&self, turn: &mut TurnWait) -> Result<Vec<String>> {
        self.begins.fetch_add(1, Ordering::SeqCst);
        if !self.locked.load(Ordering::SeqCst) {
            return Ok(Vec::new());
        }
        let hold = self.hold_begin.lock().unwrap().take();
        if let Some((started, go)) = hold {
            started.send(()).unwrap();
            go.recv().unwrap();
        }
        let who = turn.holder(self.look());
        let waited = turn.waited();
        self.timeouts.lock().unwrap().push((who.clone(), waited));
        Err(StateError::new(
            ErrorKind::Io,
            format!("held by {who:?}: gave up after {waited:?}"),
        ))
    }

    fn commit(&self, tx: Vec<String>) -> Result<()> {
        let hold = self.hold.lock().unwrap().take();
        if let Some((started, go)) = hold {
            started.send(()).unwrap();
            go.recv().unwrap();
        }
        self.commits.fetch_add(1, Ordering::SeqCst);
        if self.fail_commits.load(Ordering::SeqCst) {
            return Err(StateError::new(ErrorKind::Io, "the disk is gone"));
        }
        self.note(format!("commit {}", tx.join(" ")));
        self.committed.lock().unwrap().extend(tx);
        Ok(())
    }

    fn commit_within(&self, tx: Vec<String>, turn: &mut TurnWait) -> Result<()> {
        self.commit_deadlines.lock().unwrap().push(turn.deadline());
        self.commit(tx)
    }

    fn abort(&self, _tx: Vec<String>) {}

    fn others_waiting(&self, _tx: &Vec<String>) -> bool {
        self.others.load(Ordering::SeqCst)
    }

    fn turn_timed_out(&self, turn: &mut TurnWait) -> StateError {
        let who = turn.holder(self.look());
        let waited = turn.waited();
        StateError::new(ErrorKind::Io, format!("held up for {waited:?} by {who:?}"))
    }
}

type Group = Arc<WriteGroup<Fake>>;

fn group(limits: GroupLimits) -> Group {
    Arc::new(WriteGroup::new(Fake::default(), limits))
}

fn far() -> TurnWait {
    TurnWait::from_now(Duration::from_secs(60))
}

/// What a call does in the transaction.
#[derive(Debug, Clone, Copy)]
enum Call {
    /// Writes its name and succeeds.
    Add,
    /// Fails its checks: writes nothing.
    Refused,
    /// Writes its name, then meets an I/O error.
    Fault,
    /// Writes its name, then panics.
    Panics,
}

fn call(group: &Group, name: &str, what: Call) -> Result<()> {
    let name = name.to_owned();
    let answer = group.write(far(), |mut tx| match what {
        Call::Add => {
            tx.push(name.clone());
            (tx, Ok(()))
        }
        Call::Refused => (tx, Err(StateError::new(ErrorKind::CtrExists, "taken"))),
        Call::Fault => {
            tx.push(name.clone());
            (tx, Err(StateError::new(ErrorKind::Io, "a write failed")))
        }
        Call::Panics => {
            tx.push(name.clone());
            panic!("a bug in a call")
        }
    });
    group.engine().note(format!("answer {name}"));
    answer
}

/// Starts a writer whose commit holds until the returned sender says go; returns once that
/// commit has started (the writer holds the slot).
fn held_writer(group: &Group) -> (JoinHandle<Result<()>>, Sender<()>) {
    let (started, has_started) = mpsc::channel();
    let (go, wait_for_go) = mpsc::channel();
    *group.engine().hold.lock().unwrap() = Some((started, wait_for_go));
    let g = group.clone();
    let first = thread::spawn(move || call(&g, "first", Call::Add));
    has_started.recv().unwrap();
    (first, go)
}

/// Starts one writer per call, then waits until all of them queue for the slot.
fn queue(group: &Group, calls: &[(&str, Call)]) -> Vec<JoinHandle<Result<()>>> {
    let writers = calls
        .iter()
        .map(|&(name, what)| {
            let (g, name) = (group.clone(), name.to_owned());
            thread::spawn(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&g, &name, what)))
                    .unwrap_or_else(|_| Err(StateError::invalid("panicked")))
            })
        })
        .collect();
    wait_until_queued(group, calls.len());
    writers
}

/// Waits until `writers` writers queue for the slot.
fn wait_until_queued(group: &Group, writers: usize) {
    let give_up = Instant::now() + Duration::from_secs(30);
    while group.queued() < writers {
        assert!(Instant::now() < give_up, "the writers never queued");
        thread::sleep(Duration::from_millis(1));
    }
}

fn answers(writers: Vec<JoinHandle<Result<()>>>) -> Vec<Result<()>> {
    writers.into_iter().map(|w| w.join().unwrap()).collect()
}

fn committed(group: &Group) -> Vec<String> {
    let mut names = group.engine().committed.lock().unwrap().clone();
    names.sort();
    names
}

fn commits(group: &Group) -> usize {
    group.engine().commits.load(Ordering::SeqCst)
}

#[test]
fn a_lone_writer_commits_each_call_at_once() {
    let group = group(GroupLimits::new());
    for i in 0..5 {
        call(&group, &format!("c{i}"), Call::Add).unwrap();
        assert_eq!(commits(&group), i + 1, "call {i} waited for company");
    }
    call(&group, "refused", Call::Refused).unwrap_err();
    assert_eq!(
        commits(&group),
        5,
        "a call that wrote nothing commits nothing"
    );
}

#[test]
fn writers_queued_behind_a_commit_share_the_next_one_and_are_answered_after_it() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(
        &group,
        &[("b", Call::Add), ("c", Call::Add), ("d", Call::Add)],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    for answer in answers(writers) {
        answer.unwrap();
    }
    assert_eq!(commits(&group), 2, "three queued calls, one commit");
    assert_eq!(committed(&group), ["b", "c", "d", "first"]);
    let log = group.engine().log.lock().unwrap().clone();
    let second = log.iter().rposition(|e| e.starts_with("commit")).unwrap();
    for name in ["b", "c", "d"] {
        let answered = log
            .iter()
            .position(|e| e == &format!("answer {name}"))
            .unwrap();
        assert!(
            answered > second,
            "{name} answered before its commit: {log:?}"
        );
    }
}

#[test]
fn a_groups_commit_waits_until_the_latest_deadline_of_its_calls() {
    // No cap on how long the group stays open: a slow wake-up must not split it.
    let group = group(GroupLimits::new().max_open(Duration::from_secs(60)));
    let (first, go) = held_writer(&group);
    let now = Instant::now();
    let deadlines = [60, 120, 90].map(|s| now + Duration::from_secs(s));
    let writers = deadlines
        .iter()
        .enumerate()
        .map(|(k, &deadline)| {
            let g = group.clone();
            thread::spawn(move || {
                g.write(TurnWait::new(now, deadline), |mut tx| {
                    tx.push(format!("w{k}"));
                    (tx, Ok(()))
                })
            })
        })
        .collect();
    wait_until_queued(&group, deadlines.len());
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    for answer in answers(writers) {
        answer.unwrap();
    }
    assert_eq!(commits(&group), 2, "three queued calls, one commit");
    // Ending the commit's waits earlier would fail the later calls before their own lock
    // timeout; the queued calls' group is the second commit.
    let given = group.engine().commit_deadlines.lock().unwrap().clone();
    assert_eq!(given.len(), 2);
    assert_eq!(given[1], deadlines[1]);
}

#[test]
fn a_call_whose_checks_fail_leaves_the_rest_of_its_group_committed() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(
        &group,
        &[("b", Call::Add), ("c", Call::Refused), ("d", Call::Add)],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    let got = answers(writers);
    got[0].as_ref().unwrap();
    assert_eq!(got[1].as_ref().unwrap_err().kind(), ErrorKind::CtrExists);
    got[2].as_ref().unwrap();
    assert_eq!(commits(&group), 2);
    assert_eq!(committed(&group), ["b", "d", "first"]);
}

#[test]
fn a_failed_commit_answers_every_call_of_its_group_io_and_keeps_none() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(
        &group,
        &[("b", Call::Add), ("c", Call::Refused), ("d", Call::Add)],
    );
    group.engine().fail_commits.store(true, Ordering::SeqCst);
    go.send(()).unwrap();
    first.join().unwrap().unwrap_err();
    for answer in answers(writers) {
        let e = answer.unwrap_err();
        // The refused call too, unless it ran first in its group and saw nothing uncommitted.
        assert!(
            matches!(e.kind(), ErrorKind::Io | ErrorKind::CtrExists),
            "{e}"
        );
    }
    assert_eq!(commits(&group), 2);
    assert!(committed(&group).is_empty());
}

#[test]
fn a_fault_while_applying_fails_the_calls_before_it_and_spares_those_after() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(
        &group,
        &[
            ("b", Call::Add),
            ("c", Call::Fault),
            ("d", Call::Add),
            ("e", Call::Add),
        ],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    let got = answers(writers);
    assert_eq!(got[1].as_ref().unwrap_err().message(), "a write failed");
    let kept = committed(&group);
    assert!(!kept.contains(&"c".to_owned()), "{kept:?}");
    for (name, answer) in [("b", &got[0]), ("d", &got[2]), ("e", &got[3])] {
        match answer {
            Ok(()) => assert!(kept.contains(&name.to_owned()), "{name} acknowledged, lost"),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Io, "{e}");
                assert!(!kept.contains(&name.to_owned()), "{name} failed, kept");
            }
        }
    }
}

#[test]
fn a_call_that_panics_fails_its_group_and_the_group_goes_on() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(
        &group,
        &[("b", Call::Add), ("p", Call::Panics), ("d", Call::Add)],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    let got = answers(writers);
    assert_eq!(got[1].as_ref().unwrap_err().message(), "panicked");
    let kept = committed(&group);
    for (name, answer) in [("b", &got[0]), ("d", &got[2])] {
        assert_eq!(
            answer.is_ok(),
            kept.contains(&name.to_owned()),
            "{name}: {answer:?}"
        );
    }
    call(&group, "after", Call::Add).unwrap();
    assert!(committed(&group).contains(&"after".to_owned()));
}

#[test]
fn a_batch_begins_its_own_transaction_and_its_rollback_touches_no_other_call() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let writers = queue(&group, &[("b", Call::Add), ("d", Call::Add)]);
    let batch = {
        let g = group.clone();
        thread::spawn(move || {
            g.batch(far(), |mut tx: Vec<String>| {
                tx.push("batch".to_owned());
                (
                    tx,
                    Err::<(), _>(StateError::new(ErrorKind::NoSuchCtr, "rolled back")),
                )
            })
        })
    };
    while group.queued() < 3 {
        thread::sleep(Duration::from_millis(1));
    }
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    assert_eq!(
        batch.join().unwrap().unwrap_err().kind(),
        ErrorKind::NoSuchCtr
    );
    for answer in answers(writers) {
        answer.unwrap();
    }
    assert_eq!(committed(&group), ["b", "d", "first"]);
}

#[test]
fn groups_stop_at_their_cap_and_when_a_writer_elsewhere_waits() {
    let capped = group(GroupLimits::new().max_calls(2));
    let (first, go) = held_writer(&capped);
    let writers = queue(
        &capped,
        &[("b", Call::Add), ("c", Call::Add), ("d", Call::Add)],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    answers(writers).into_iter().for_each(|a| a.unwrap());
    assert_eq!(commits(&capped), 3, "first, then two calls, then one");

    let polite = group(GroupLimits::new());
    polite.engine().others.store(true, Ordering::SeqCst);
    let (first, go) = held_writer(&polite);
    let writers = queue(
        &polite,
        &[("b", Call::Add), ("c", Call::Add), ("d", Call::Add)],
    );
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    answers(writers).into_iter().for_each(|a| a.unwrap());
    assert_eq!(
        commits(&polite),
        4,
        "each call commits while another process waits"
    );
}

#[test]
fn a_writer_waits_for_the_slot_until_its_deadline_only() {
    let group = group(GroupLimits::new());
    let (first, go) = held_writer(&group);
    let e = group
        .write(TurnWait::from_now(Duration::from_millis(20)), |tx| {
            (tx, Ok(()))
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Io);
    assert!(e.message().starts_with("held up for"), "{e}");
    assert_eq!(group.queued(), 0);
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    call(&group, "after", Call::Add).unwrap();
    assert_eq!(commits(&group), 2);
}

/// Issue 20: a writer queued behind a call whose begin timed out counts its time in the queue
/// toward its lock timeout, and names the holder that call saw when its own look finds nobody
/// (the holder let go between the refusal and the look).
#[test]
fn a_writer_queued_behind_a_timed_out_begin_names_its_whole_wait_and_the_holder_seen() {
    let group = group(GroupLimits::new());
    let engine = group.engine();
    engine.locked.store(true, Ordering::SeqCst);
    *engine.looks.lock().unwrap() = vec![Some("process 42".to_owned())];
    let (started, has_started) = mpsc::channel();
    let (go, wait_for_go) = mpsc::channel();
    *engine.hold_begin.lock().unwrap() = Some((started, wait_for_go));
    let first = {
        let g = group.clone();
        thread::spawn(move || g.write(far(), |tx| (tx, Ok(()))))
    };
    has_started.recv().unwrap();
    let second = {
        let g = group.clone();
        thread::spawn(move || g.write(far(), |tx| (tx, Ok(()))))
    };
    while group.queued() == 0 {
        thread::sleep(Duration::from_millis(1));
    }
    let queued = Instant::now();
    thread::sleep(Duration::from_millis(50));
    let queued_for = queued.elapsed();
    go.send(()).unwrap();
    first.join().unwrap().unwrap_err();
    second.join().unwrap().unwrap_err();
    let timeouts = engine.timeouts.lock().unwrap().clone();
    assert_eq!(timeouts.len(), 2, "{timeouts:?}");
    let (first_holder, _) = &timeouts[0];
    let (second_holder, second_waited) = &timeouts[1];
    assert_eq!(first_holder.as_deref(), Some("process 42"));
    assert_eq!(second_holder.as_deref(), Some("process 42"));
    assert!(
        *second_waited >= queued_for,
        "the second call said it waited {second_waited:?}, but it was queued {queued_for:?}"
    );
}

/// The tooth of the power-cut runs is a real fault: a call is answered while the commit that
/// makes it durable has not finished.
#[cfg(feature = "testing")]
#[test]
fn the_tooth_answers_before_the_commit() {
    let group = group(GroupLimits::new().acknowledging_before_commit());
    let (first, go) = held_writer(&group);
    let writers = queue(&group, &[("b", Call::Add), ("c", Call::Add)]);
    let (started, has_started) = mpsc::channel();
    let (go_again, wait_for_go) = mpsc::channel();
    *group.engine().hold.lock().unwrap() = Some((started, wait_for_go));
    go.send(()).unwrap();
    first.join().unwrap().unwrap();
    has_started.recv().unwrap();
    // The first of the two left the commit to the other: it is answered while that is held.
    let give_up = Instant::now() + Duration::from_secs(30);
    while !writers.iter().any(JoinHandle::is_finished) {
        assert!(
            Instant::now() < give_up,
            "nobody was answered before the commit"
        );
        thread::sleep(Duration::from_millis(1));
    }
    go_again.send(()).unwrap();
    answers(writers).into_iter().for_each(|a| a.unwrap());
}
