//! The subcommands of `podstate`, one file each; `run` dispatches.

mod check;
mod inspect;
mod progress;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use podstate::{OpenOptions, Store, StoreConfig};

/// Look inside a podstate database, check it, export, import and migrate it.
#[derive(Parser)]
#[command(name = "podstate", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List containers, pods and volumes with their namespaces, pods, dependencies, networks and
    /// exec sessions (opens the database read-only).
    Inspect {
        /// The store: memory:, sqlite:PATH or redb:PATH.
        url: String,
        /// Print JSON for scripts instead of a table.
        #[arg(long)]
        json: bool,
        /// Only containers and pods of this libpod namespace.
        #[arg(long, value_name = "NS")]
        namespace: Option<String>,
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
    /// Write the snapshot in FILE into the empty store URL.
    Import {
        /// An export file.
        file: PathBuf,
        /// The store: memory:, sqlite:PATH or redb:PATH (created if missing; must be empty).
        url: String,
    },
    /// Copy the whole store FROM into TO (another backend, say), then compare both through the
    /// public API.
    Migrate {
        /// The source store (opened read-only).
        from: String,
        /// The target store (created if missing; must be empty unless --force).
        to: String,
        /// Replace a non-empty target: its database file is removed first.
        #[arg(long)]
        force: bool,
    },
}

/// Runs the command; `Err` is a one-line reason.
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Inspect {
            url,
            json,
            namespace,
        } => inspect::run(&url, json, namespace.as_deref()),
        Command::Check { url } => check::run(&url),
        Command::Export { url, file, force } => transfer::export(&url, &file, force),
        Command::Import { file, url } => transfer::import(&file, &url),
        Command::Migrate { from, to, force } => transfer::migrate(&from, &to, force),
    }
}

/// The store `url` names, read-only or not; errors name the URL.
fn open(url: &str, read_only: bool) -> Result<(StoreConfig, Box<dyn Store>), String> {
    let config: StoreConfig = url.parse().map_err(|e| format!("{e}"))?;
    let store = podstate::open_with(&config, OpenOptions::new().read_only(read_only))
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    Ok((config, store))
}
