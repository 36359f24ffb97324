//! `podstate inspect`: what a store holds, for people (a table in the columns and order of
//! `podman ps`) or for scripts (JSON, or only the IDs). Everything readable is shown even when
//! some records are not: those are marked, and the command then exits 1, as `check` does.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::process::ExitCode;

use anstyle::AnsiColor;
use anyhow::Context;
use podstate::Timestamp;
use podstate::verify::Inventory;

use super::filter::Filters;
use super::listing::{Listing, UNREADABLE, listing};
use super::table::{Cell, Width, section};
use super::words::{counted, minute};

/// How `inspect` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Tables for people.
    #[default]
    Table,
    /// JSON for scripts: every field, full IDs, nothing cut.
    Json,
}

/// What `inspect` was asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Table or JSON.
    pub format: Format,
    /// Which objects to list.
    pub filters: Filters,
    /// Only the keys of the objects listed, one per line.
    pub quiet: bool,
    /// Neither IDs nor lists are cut.
    pub no_trunc: bool,
}

/// Runs `inspect`.
pub fn run(url: &str, options: &Options) -> anyhow::Result<ExitCode> {
    let (_, store) = super::open(url, true)?;
    let bar = super::progress::Phase::start(format!("reading {url}"));
    let inventory = store
        .inventory()
        .with_context(|| format!("cannot read {url}"))?;
    bar.finish();
    let listing = listing(&inventory, &options.filters);
    let mut out = anstream::stdout().lock();
    let printed = match (options.quiet, options.format) {
        (true, _) => {
            let mut keys = (listing.containers.iter().map(|c| &c.id))
                .chain(listing.pods.iter().map(|p| &p.id))
                .chain(listing.volumes.iter().map(|v| &v.name));
            keys.try_for_each(|k| writeln!(out, "{k}"))
        }
        (false, Format::Json) => {
            let text = serde_json::to_string_pretty(&listing)?;
            writeln!(out, "{text}")
        }
        (false, Format::Table) => {
            let width = Width(if options.no_trunc { None } else { Some(40) });
            write!(out, "{}", tables(&listing, width))
        }
    };
    drop(out);
    match printed {
        // A reader that stopped reading (`| head`) is not an error of this command.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("cannot print")?,
    }
    if let Some(hint) = empty_namespaces(&inventory, options.filters.namespaces()) {
        eprintln!("podstate: {hint}");
    }
    if listing.unreadable.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "podstate: {} of {url} cannot be read (`podstate check {url}` lists {})",
        counted(listing.unreadable.len(), "record"),
        if listing.unreadable.len() == 1 {
            "it"
        } else {
            "them"
        }
    );
    Ok(ExitCode::FAILURE)
}

/// A hint when some namespace filtered on holds no container or pod at all.
fn empty_namespaces(inv: &Inventory, wanted: &[String]) -> Option<String> {
    let mut in_use: BTreeSet<&str> = BTreeSet::new();
    in_use.extend(inv.containers.values().map(|c| c.config.namespace.as_str()));
    in_use.extend(inv.pods.values().map(|p| p.config.namespace.as_str()));
    let empty: Vec<&String> = wanted
        .iter()
        .filter(|ns| !in_use.contains(ns.as_str()))
        .collect();
    let first = empty.first()?;
    let used: Vec<String> = in_use.iter().map(|ns| format!("{ns:?}")).collect();
    Some(format!(
        "namespace {first:?} holds no container or pod; namespaces in use: {}",
        if used.is_empty() {
            "none".to_owned()
        } else {
            used.join(", ")
        }
    ))
}

/// A status cell, coloured by what it means.
fn status_cell(status: &str) -> Cell {
    match status {
        "Running" => Cell::coloured(status, AnsiColor::Green),
        "Paused" | "Stopped" | "Exited" | "Removing" => Cell::coloured(status, AnsiColor::Yellow),
        UNREADABLE => Cell::coloured(status, AnsiColor::Red),
        _ => Cell::plain(status),
    }
}

/// The three tables.
fn tables(listing: &Listing, width: Width) -> String {
    let names: BTreeMap<&str, &str> = listing
        .containers
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let name_of = |id: &String| {
        names
            .get(id.as_str())
            .map_or_else(|| width.id(id), |n| (*n).to_owned())
    };
    let when = |t: Option<Timestamp>| t.map_or("-".to_owned(), minute);
    let mut out = String::new();
    let containers: Vec<Vec<Cell>> = listing
        .containers
        .iter()
        .map(|c| {
            let networks: Vec<String> = c
                .networks
                .iter()
                .map(|(net, aliases)| match aliases.as_slice() {
                    [] => net.clone(),
                    aliases => format!("{net} ({})", aliases.join(", ")),
                })
                .collect();
            let deps = sorted(c.dependencies.iter().map(name_of));
            vec![
                Cell::plain(&c.name),
                status_cell(&c.status),
                Cell::plain(c.exit_code.map_or("-".to_owned(), |code| code.to_string())),
                Cell::plain(when(c.when)),
                Cell::plain(c.pod_name.as_deref().unwrap_or("-")),
                Cell::or_dash(&c.namespace),
                Cell::plain(width.id(&c.id)),
                Cell::plain(width.list(&deps)),
                Cell::plain(width.list(&networks)),
                Cell::plain(width.list(&c.exec_sessions)),
            ]
        })
        .collect();
    section(
        &mut out,
        "CONTAINERS",
        &[
            "NAME",
            "STATUS",
            "EXIT",
            "CREATED",
            "POD",
            "NAMESPACE",
            "ID",
            "DEPENDS ON",
            "NETWORKS",
            "EXEC SESSIONS",
        ],
        &containers,
    );
    let pods: Vec<Vec<Cell>> = listing
        .pods
        .iter()
        .map(|p| {
            let members = sorted(p.members.iter().map(name_of));
            vec![
                Cell::plain(&p.name),
                if p.readable {
                    Cell::plain(when(p.when))
                } else {
                    status_cell(UNREADABLE)
                },
                Cell::or_dash(&p.namespace),
                Cell::plain(width.id(&p.id)),
                Cell::plain(width.list(&members)),
            ]
        })
        .collect();
    section(
        &mut out,
        "PODS",
        &["NAME", "CREATED", "NAMESPACE", "ID", "MEMBERS"],
        &pods,
    );
    let volumes: Vec<Vec<Cell>> = listing
        .volumes
        .iter()
        .map(|v| {
            let users = sorted(v.users.iter().map(name_of));
            vec![
                Cell::plain(&v.name),
                if v.readable {
                    Cell::plain(when(v.when))
                } else {
                    status_cell(UNREADABLE)
                },
                Cell::plain(v.mount_count.map_or("-".to_owned(), |n| n.to_string())),
                Cell::plain(width.list(&users)),
            ]
        })
        .collect();
    section(
        &mut out,
        "VOLUMES",
        &["NAME", "CREATED", "MOUNTS", "USERS"],
        &volumes,
    );
    out
}

/// Names as a table lists them: sorted.
fn sorted(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = names.collect();
    names.sort();
    names
}
