//! The subcommands of `podstate`, one file each; `run` dispatches.

mod backup;
mod check;
mod files;
mod filter;
mod inspect;
mod listing;
mod log;
mod progress;
mod table;
mod target;
mod transfer;
mod words;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use podstate::{OpenOptions, Store, StoreConfig};

/// Look inside a podstate database, check it, back it up, export, import and migrate it.
#[derive(Parser)]
#[command(name = "podstate", version)]
pub struct Cli {
    /// Report what the library does on stderr: -v lock waits, retries and repairs; -vv also
    /// one line per call (its backend, namespace, outcome and duration); -vvv everything.
    /// RUST_LOG (e.g. RUST_LOG=podstate=debug) overrides it.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List containers, pods and volumes with their status, pods, namespaces, dependencies,
    /// networks and exec sessions, as tables or JSON (opens the database read-only). Records
    /// that cannot be read are marked, and then the exit status is 1.
    Inspect {
        /// The store: memory:, sqlite:PATH or redb:PATH.
        url: String,
        /// How to print: tables for people, or JSON for scripts (every field, full IDs).
        #[arg(long, value_enum, default_value_t)]
        format: inspect::Format,
        /// The same as --format json.
        #[arg(long)]
        json: bool,
        /// List only what matches KEY=VALUE, as podman ps: keys namespace, pod (name or ID),
        /// status, name (a part of it); repeat a key for alternatives, give several keys to
        /// narrow down. Kinds without the attribute are not listed (no pods under a status
        /// filter, no volumes under namespace, pod or status).
        #[arg(long = "filter", short = 'f', value_name = "KEY=VALUE")]
        filters: Vec<filter::Filters>,
        /// The same as --filter namespace=NS.
        #[arg(long, value_name = "NS")]
        namespace: Option<String>,
        /// Print only the IDs of the containers and pods listed, then the volumes' names, one
        /// per line.
        #[arg(short, long)]
        quiet: bool,
        /// Print full IDs and whole lists (tables cut IDs to 12 characters and long lists to a
        /// count).
        #[arg(long)]
        no_trunc: bool,
    },
    /// Walk the stored data and list every violation of the contract's invariants and every
    /// unreadable record; exit 1 if there is any (opens the database read-only).
    Check {
        /// The store: memory:, sqlite:PATH or redb:PATH.
        url: String,
    },
    /// Write the whole store to FILE as a versioned JSON snapshot (opens the database
    /// read-only).
    Export {
        /// The store: memory:, sqlite:PATH or redb:PATH.
        url: String,
        /// The file to write (refused if it exists, unless --force).
        file: PathBuf,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write the snapshot in FILE into the store URL, which must be empty unless --force.
    Import {
        /// An export file.
        file: PathBuf,
        /// The store: memory:, sqlite:PATH or redb:PATH (created if missing; must be empty
        /// unless --force).
        url: String,
        /// Replace what a non-empty store holds.
        #[arg(long)]
        force: bool,
    },
    /// Copy a live database to the file DEST, safely (unlike cp): one committed state, read
    /// without holding up writers (SQLite: the online backup API; redb: a snapshot restored into
    /// a new file), written beside DEST, checked as check does, then renamed into place.
    Backup {
        /// The store: sqlite:PATH or redb:PATH.
        from: String,
        /// The backup file (refused if it exists, unless --force); of the source's backend.
        dest: PathBuf,
        /// Replace DEST if it exists (never a database another process has open).
        #[arg(long)]
        force: bool,
    },
    /// Upgrade a database written by an older podstate to this podstate's format, in place and
    /// in one transaction (what any writable open does; a read-only open of an older file is
    /// refused and names this command). A database already in this format is left as it is.
    Upgrade {
        /// The store: sqlite:PATH or redb:PATH (must exist).
        url: String,
    },
    /// Copy the whole store FROM into TO (another backend, say), then compare both through the
    /// public API.
    Migrate {
        /// The source store (opened read-only).
        from: String,
        /// The target store (created if missing; must be empty unless --force).
        to: String,
        /// Replace what a non-empty target holds (in one write transaction of the live
        /// database, so that processes using it lose nothing they write).
        #[arg(long)]
        force: bool,
    },
}

/// Runs the command; `Err` says what failed, each step adding what it was doing
/// ([`podstate::error_line`] prints it).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    log::init(cli.verbose);
    match cli.command {
        Command::Inspect {
            url,
            format,
            json,
            filters,
            namespace,
            quiet,
            no_trunc,
        } => {
            let mut filters = filter::Filters::merge(filters);
            if let Some(ns) = namespace {
                filters.add(&format!("namespace={ns}"))?;
            }
            let options = inspect::Options {
                format: if json { inspect::Format::Json } else { format },
                filters,
                quiet,
                no_trunc,
            };
            inspect::run(&url, &options)
        }
        Command::Check { url } => check::run(&url),
        Command::Export { url, file, force } => transfer::export(&url, &file, force),
        Command::Import { file, url, force } => transfer::import(&file, &url, force),
        Command::Migrate { from, to, force } => transfer::migrate(&from, &to, force),
        Command::Backup { from, dest, force } => backup::run(&from, &dest, force),
        Command::Upgrade { url } => upgrade(&url),
    }
}

/// The store `url` names, read-only or not; errors name the URL.
fn open(url: &str, read_only: bool) -> anyhow::Result<(StoreConfig, Box<dyn Store>)> {
    let config: StoreConfig = url.parse()?;
    let store = podstate::open_with(&config, OpenOptions::new().read_only(read_only))
        .with_context(|| format!("cannot open {url}"))?;
    Ok((config, store))
}

/// `podstate upgrade URL`: a writable open upgrades an older file in place (and creates
/// nothing: a missing file is refused first).
fn upgrade(url: &str) -> anyhow::Result<ExitCode> {
    let config: StoreConfig = url.parse()?;
    match config.path() {
        None => bail!("{url}: an in-memory store has nothing to upgrade"),
        Some(path) if !path.exists() => bail!("{url}: no such file"),
        Some(_) => {}
    }
    let (_, store) = open(url, false)?;
    drop(store);
    println!("{url}: in the format of this podstate (upgraded in place if it was older)");
    Ok(ExitCode::SUCCESS)
}
