//! A child process that writes into a store in a loop and says what it was told it wrote:
//! what a command that runs beside a live process must not lose.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use podstate::{Container, ContainerConfig};

/// The variable that makes the test binary a writer child on a store URL.
pub const WRITER: &str = "PODSTATE_CLI_TEST_WRITER";

/// The body of the writer child, which each test file that starts one runs as a test named
/// `writer_child` (it does nothing in a normal test run). Adds containers `w-0`, `w-1`... to
/// the store in its variable, printing each number once the add returned; an add that fails
/// prints `err`.
pub fn child() {
    let Ok(url) = std::env::var(WRITER) else {
        return;
    };
    let store = podstate::open(&url).unwrap();
    let state = store.open_handle().unwrap();
    let mut out = std::io::stdout().lock();
    for k in 0.. {
        let ctr = Container::new(ContainerConfig::new(format!("w-{k}"), format!("w-{k}")));
        match state.add_container(&ctr) {
            Ok(()) => writeln!(out, "{k}").unwrap(),
            Err(e) => writeln!(out, "err {:?} {e}", e.kind()).unwrap(),
        }
        out.flush().unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A writer child on `url`, with its acknowledgements coming in on a channel; killed on drop.
pub struct Writer {
    child: Child,
    acks: mpsc::Receiver<String>,
}

impl Writer {
    /// Starts one on `url`.
    pub fn start(url: &str) -> Writer {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["writer_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(WRITER, url)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, acks) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with(|c: char| c.is_ascii_digit() || c == 'e')
                    && tx.send(line).is_err()
                {
                    break;
                }
            }
        });
        Writer { child, acks }
    }

    /// Waits for `n` more lines, answering the numbers acknowledged among them.
    pub fn next(&self, n: usize) -> Vec<u64> {
        (0..n)
            .filter_map(|_| {
                let line = self
                    .acks
                    .recv_timeout(Duration::from_secs(60))
                    .expect("the writer goes on");
                line.parse().ok()
            })
            .collect()
    }

    /// Every line received so far.
    pub fn drain(&self) -> Vec<String> {
        self.acks.try_iter().collect()
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
