//! `podstate`: look inside a state database, check it, back it up, and move it between backends.
//!
//! Every command takes store URLs: `memory:`, `sqlite:PATH`, `redb:PATH`. `inspect`, `check`
//! and `export` open the database read-only, so they work on a file the user cannot write.
//! `import` and `migrate` replace an existing database inside one write transaction of the live
//! file, and `backup` copies one committed state without holding up writers. `upgrade` brings a
//! database of an older format to this one, in place. `-v` (or `RUST_LOG`) prints what the
//! library reports to `tracing` on stderr.
//! Errors are one line naming the file, and a non-zero exit; nothing is written anywhere
//! unless the whole command succeeds.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(why) => {
            eprintln!("podstate: {}", podstate::error_line(why.as_ref()));
            ExitCode::FAILURE
        }
    }
}
