//! The layout of a podstate database and its version: what marks a file as podstate's, how a
//! new one is laid out, and how a file of another version or another application is refused.
//!
//! A podstate database has `PRAGMA application_id` = [`APPLICATION_ID`] and `PRAGMA
//! user_version` = the schema version it was laid out with ([`SCHEMA_VERSION`] for this
//! build). Opening checks both through SQLite itself, before anything writes:
//!
//! * an empty database (a new or zero-length file: no application ID, no version, no schema
//!   object) is laid out with [`SCHEMA`] in one `BEGIN IMMEDIATE` transaction, so two processes
//!   creating one file at once lay it out once;
//! * a newer version is refused with `Io` naming both versions (nothing is damaged; a newer
//!   podstate reads it);
//! * an older one (down to [`OLDEST_VERSION`]) is upgraded by a writable open in place, inside
//!   one `BEGIN IMMEDIATE` transaction (this module's `migrate`), and refused by a read-only
//!   open with one line naming the command that upgrades it (see the crate docs, "Versions and
//!   upgrades");
//! * anything else (another application's database, a file that is not SQLite at all) is
//!   refused with `Corrupt` naming the file, and is never written to.

use podstate_api::{ErrorKind, Result, StateError};

use crate::conn::Conn;
use crate::error;

/// The schema of version [`SCHEMA_VERSION`], as run on an empty database.
pub const SCHEMA: &str = include_str!("schema.sql");

/// `PRAGMA application_id` of every podstate database: `"PodS"` in ASCII.
pub const APPLICATION_ID: i32 = 0x506f_6453;

/// The schema version this build lays out and understands.
pub const SCHEMA_VERSION: i32 = 2;

/// The oldest schema version this build upgrades. Version 0 is synthetic: version 1's schema
/// stamped `user_version = 0` (no podstate release wrote it); it was made to write and test the
/// upgrade path while there was one real version, and is kept so that the chain of steps
/// starts there. Its migration to 1 only restamps the version; 1 to 2 rebuilds the tables.
pub const OLDEST_VERSION: i32 = 0;

/// The tables and indexes of [`SCHEMA`] (SQLite's own automatic indexes aside), sorted: a
/// database that claims to be podstate's but lacks one is refused as damaged (an open reads
/// them when the schema cookie says the schema may have changed: see [`LAID_OUT_COOKIE`]).
const OBJECTS: [&str; 10] = [
    "db_config",
    "dependency",
    "dependency_ctr",
    "exec_session",
    "exec_session_ctr",
    "object",
    "object_pod",
    "object_pods",
    "volume",
    "volume_user",
];

/// The tables and indexes of version 1's schema, sorted as [`OBJECTS`]: the step to version 2
/// runs only on exactly these.
const V1_OBJECTS: [&str; 14] = [
    "container",
    "container_pod",
    "db_config",
    "dependency",
    "dependency_ctr",
    "exec_session",
    "exec_session_ctr",
    "network",
    "network_alias",
    "object",
    "pod",
    "volume",
    "volume_user",
    "volume_user_ctr",
];

/// The first half of the step from version 1 to 2, run before [`SCHEMA`]: version 1 kept an
/// object's identity in `object`, its record in `container` or `pod` (each with a second
/// index), its networks and aliases in two tables of their own, and a second index on
/// `volume_user`; version 2 keeps one `object` row per container or pod (see schema.sql). The
/// tables version 2 rebuilds are renamed out of the way (their indexes dropped, as version 2
/// reuses the names), then [`SCHEMA`] creates what is missing (`volume` and `db_config` are
/// kept as they are).
const V1_TO_V2_MOVE: &str = "
    DROP INDEX container_pod;
    DROP INDEX dependency_ctr;
    DROP INDEX volume_user_ctr;
    DROP INDEX exec_session_ctr;
    ALTER TABLE object RENAME TO v1_object;
    ALTER TABLE dependency RENAME TO v1_dependency;
    ALTER TABLE volume_user RENAME TO v1_volume_user;
    ALTER TABLE exec_session RENAME TO v1_exec_session;";

/// The second half of the step from version 1 to 2, run after [`SCHEMA`]: every row copied
/// into the new tables, parents before children (the foreign keys are on and check the copy),
/// then the old tables dropped, children before parents. A container's networks become the
/// JSON object of its `networks` column, networks and aliases sorted.
const V1_TO_V2: &str = "
    INSERT INTO object (id, kind, name, namespace, pod, networks, config, state,
                        config_payload, state_payload)
        SELECT o.id, 'pod', o.name, o.namespace, NULL, NULL,
               p.config, p.state, p.config_payload, p.state_payload
        FROM v1_object o JOIN pod p ON p.id = o.id
        WHERE o.kind = 'pod';
    INSERT INTO object (id, kind, name, namespace, pod, networks, config, state,
                        config_payload, state_payload)
        SELECT o.id, 'container', o.name, o.namespace, c.pod,
               (SELECT json_group_object(n.network, json(
                           (SELECT json_group_array(a.alias ORDER BY a.alias)
                            FROM network_alias a
                            WHERE a.ctr = n.ctr AND a.network = n.network))
                           ORDER BY n.network)
                FROM network n WHERE n.ctr = o.id),
               c.config, c.state, c.config_payload, c.state_payload
        FROM v1_object o JOIN container c ON c.id = o.id
        WHERE o.kind = 'container';
    INSERT INTO dependency (ctr, dep) SELECT ctr, dep FROM v1_dependency;
    INSERT INTO volume_user (volume, ctr) SELECT volume, ctr FROM v1_volume_user;
    INSERT INTO exec_session (id, ctr) SELECT id, ctr FROM v1_exec_session;
    DROP TABLE network_alias;
    DROP TABLE network;
    DROP TABLE v1_exec_session;
    DROP TABLE v1_volume_user;
    DROP TABLE v1_dependency;
    DROP TABLE container;
    DROP TABLE pod;";

/// What a database file holds, as far as opening it is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    /// Nothing yet: to be laid out.
    Empty,
    /// A podstate database of this version.
    Current,
    /// A podstate database of an older version this build upgrades.
    Older(i32),
}

/// Makes sure the database of a read-only `conn` is a podstate database of this version: it
/// cannot lay out an empty one.
pub(crate) fn expect_current(conn: &Conn) -> Result<()> {
    match identify(conn)? {
        Identity::Current => Ok(()),
        Identity::Older(version) => Err(StateError::new(
            ErrorKind::Io,
            format!(
                "podstate database {file} has schema version {version}, older than version \
                 {SCHEMA_VERSION} that this podstate reads, and is opened read-only: upgrade it \
                 in place with `podstate upgrade sqlite:{file}`",
                file = conn.path.display()
            ),
        )),
        Identity::Empty => Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "SQLite database {} is empty, not a podstate database (opened read-only, so \
                 nothing was laid out)",
                conn.path.display()
            ),
        )),
    }
}

/// Makes sure the database of `conn` is a podstate database of this version, laying out an
/// empty one and upgrading an older one ([`migrate`]), each in one transaction that identifies
/// the file again first (another process may have done it meanwhile). Runs before anything
/// else touches the file.
pub(crate) fn prepare(conn: &Conn) -> Result<()> {
    if identify(conn)? == Identity::Current {
        return Ok(());
    }
    conn.retry_sql(|| conn.sql.execute_batch("BEGIN IMMEDIATE"))?;
    let mut upgraded = None;
    let laid_out = identify(conn).and_then(|identity| match identity {
        Identity::Current => Ok(false),
        Identity::Older(version) => {
            migrate(conn, version)?;
            // The upgraded file must be what this build lays out, or the commit would leave a
            // file that every later open refuses: checked before committing.
            if identify(conn)? != Identity::Current {
                return Err(damaged(conn, "it does not identify as upgraded".to_owned()));
            }
            upgraded = Some(version);
            Ok(false)
        }
        Identity::Empty => {
            conn.sql
                .execute_batch(SCHEMA)
                .and_then(|()| {
                    conn.sql.execute_batch(&format!(
                        "PRAGMA application_id = {APPLICATION_ID}; \
                         PRAGMA user_version = {SCHEMA_VERSION};"
                    ))
                })
                .map_err(|e| conn.err(e))?;
            Ok(true)
        }
    });
    match laid_out {
        Ok(laid_out) => {
            conn.retry_sql(|| conn.sql.execute_batch("COMMIT"))?;
            if let Some(from) = upgraded {
                tracing::info!(
                    file = %conn.path.display(),
                    from,
                    to = SCHEMA_VERSION,
                    "upgraded the podstate database in place"
                );
            }
            if laid_out {
                conn.sync_directory()?;
                tracing::info!(
                    file = %conn.path.display(),
                    version = SCHEMA_VERSION,
                    "laid out a new podstate database"
                );
            }
            Ok(())
        }
        Err(e) => {
            conn.rollback();
            Err(e)
        }
    }
}

/// Upgrades the database of `conn`, at schema `version` (older than [`SCHEMA_VERSION`]), to
/// [`SCHEMA_VERSION`] inside the caller's write transaction, one version at a time, and stamps
/// the new version. A later version adds its step here (its DDL and data rewrites) and keeps
/// every older one, so any older file upgrades step by step; nothing ever downgrades.
fn migrate(conn: &Conn, version: i32) -> Result<()> {
    for from in version..SCHEMA_VERSION {
        match from {
            // 0 -> 1: version 0 has version 1's schema (see OLDEST_VERSION): nothing to rewrite.
            0 => {}
            1 => v1_to_v2(conn)?,
            _ => {
                return Err(StateError::new(
                    ErrorKind::Io,
                    format!(
                        "podstate database {} has schema version {from}, which this podstate \
                         cannot upgrade",
                        conn.path.display()
                    ),
                ));
            }
        }
    }
    conn.sql
        .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION};"))
        .map_err(|e| conn.err(e))
}

/// The step from version 1 to 2 ([`V1_TO_V2_MOVE`], [`SCHEMA`], [`V1_TO_V2`]), inside the
/// caller's transaction. A version 1 file whose `object` rows do not each have their record
/// (a damaged file: `podstate check` of the older podstate reports it), or with a volume use
/// its container's config does not back, is refused as `Corrupt` rather than upgraded.
fn v1_to_v2(conn: &Conn) -> Result<()> {
    // What the copy below relies on: version 1's objects, all of them, and rows its foreign
    // keys tie together (a record without its object row, or networks of a removed container,
    // would be dropped by the copy's joins). A file written with the foreign keys off, or cut
    // by another tool, fails here, before anything moves.
    let (names, broken) = v1_shape(conn).map_err(|e| conn.err(e))?;
    if names != V1_OBJECTS {
        return Err(damaged(
            conn,
            format!("its schema holds {names:?}, version 1 has {V1_OBJECTS:?}"),
        ));
    }
    if broken > 0 {
        return Err(damaged(
            conn,
            format!("{broken} of its rows refer to rows that are not there"),
        ));
    }
    let unbacked = v1_unbacked_volume_users(conn).map_err(|e| conn.err(e))?;
    if let Some((volume, ctr)) = unbacked.first() {
        return Err(damaged(
            conn,
            format!(
                "{} of its volume_user rows are not backed by their container's config (the \
                 first: volume {volume:?} used by container {ctr:?}, whose stored config does \
                 not list that volume among its named volumes, or which is not stored)",
                unbacked.len()
            ),
        ));
    }
    let steps = || -> rusqlite::Result<(i64, i64)> {
        conn.sql.execute_batch(V1_TO_V2_MOVE)?;
        conn.sql.execute_batch(SCHEMA)?;
        conn.sql.execute_batch(V1_TO_V2)?;
        let count = |sql| conn.sql.query_row(sql, [], |r| r.get::<_, i64>(0));
        let counts = (
            count("SELECT count(*) FROM v1_object")?,
            count("SELECT count(*) FROM object")?,
        );
        conn.sql.execute_batch("DROP TABLE v1_object")?;
        Ok(counts)
    };
    let (before, after) = steps().map_err(|e| conn.err(e))?;
    if before != after {
        return Err(damaged(
            conn,
            format!(
                "{} of its {before} containers and pods have no record",
                before - after
            ),
        ));
    }
    Ok(())
}

/// The names of the schema objects of `conn`'s database (SQLite's own left out), sorted, and
/// how many rows `PRAGMA foreign_key_check` finds that refer to missing rows.
fn v1_shape(conn: &Conn) -> rusqlite::Result<(Vec<String>, usize)> {
    let mut names = conn
        .sql
        .prepare("SELECT name FROM sqlite_schema ORDER BY name")?;
    let names = names
        .query_map([], |r| r.get::<_, String>(0))?
        .filter(|name| !name.as_ref().is_ok_and(|n| n.starts_with("sqlite_")))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut check = conn.sql.prepare("PRAGMA foreign_key_check")?;
    let broken = check.query_map([], |_| Ok(()))?.count();
    Ok((names, broken))
}

/// Version 1's volume uses (`volume, ctr`) that no stored container config backs: the
/// container is not stored, or its config (valid JSON or not) does not list the volume among
/// its `named_volumes`. Version 1 kept such a row harmlessly (its key cascaded it away with
/// the container), but version 2 deletes a container's uses by the volume names of its config,
/// so a copied one would outlive the container and keep the volume in use for ever.
fn v1_unbacked_volume_users(conn: &Conn) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.sql.prepare(
        "SELECT u.volume, u.ctr FROM volume_user u \
         WHERE NOT EXISTS ( \
             SELECT 1 FROM container c, json_each( \
                 CASE WHEN json_valid(c.config) THEN c.config ELSE '{}' END, \
                 '$.named_volumes') v \
             WHERE c.id = u.ctr AND json_extract(v.value, '$.name') = u.volume) \
         ORDER BY u.ctr, u.volume",
    )?;
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// `Corrupt`: `conn`'s older database is damaged (`why`), so it is not upgraded; the caller's
/// transaction rolls back, leaving it as it was.
fn damaged(conn: &Conn, why: String) -> StateError {
    StateError::new(
        ErrorKind::Corrupt,
        format!(
            "podstate database {} is damaged: {why}, so it is not upgraded to schema version \
             {SCHEMA_VERSION} (`podstate check` of the podstate that wrote it names the damage)",
            conn.path.display()
        ),
    )
}

/// The schema cookie (`PRAGMA schema_version`) of a database this build laid out: SQLite adds
/// one for each of [`SCHEMA`]'s statements that creates an object, and for nothing else
/// ([`OBJECTS`]: ten). Any later change to the schema (a `DROP INDEX` in `sqlite3`, a `VACUUM`,
/// a restore) moves the cookie on; only `PRAGMA schema_version = N`, which SQLite documents
/// as corrupting, sets it back.
pub(crate) const LAID_OUT_COOKIE: i32 = OBJECTS.len() as i32;

/// Whether the database of `conn` is what most opens find: a podstate database of this
/// version, laid out by this build and unchanged since (see [`LAID_OUT_COOKIE`]), already in
/// WAL mode. Its four reads run in one read transaction, so they take the file's locks once
/// rather than once per statement (a CLI pays for each on every open). `false` sends the open
/// the long way ([`prepare`] or [`expect_current`], then the journal mode), which reads them
/// again and says what is wrong.
pub(crate) fn current_in_wal(conn: &Conn) -> Result<bool> {
    conn.run("BEGIN")?;
    let read = (|| -> Result<bool> {
        let header: (i32, i32, i32) = (
            pragma(conn, "PRAGMA application_id")?,
            pragma(conn, "PRAGMA user_version")?,
            pragma(conn, "PRAGMA schema_version")?,
        );
        let mode: String = pragma(conn, "PRAGMA journal_mode")?;
        Ok(header == (APPLICATION_ID, SCHEMA_VERSION, LAID_OUT_COOKIE)
            && mode.eq_ignore_ascii_case("wal"))
    })();
    match read.and_then(|current| conn.run("COMMIT").map(|()| current)) {
        Ok(current) => Ok(current),
        Err(e) => {
            conn.rollback();
            Err(e)
        }
    }
}

/// The one value `sql` (a pragma) answers, through the statement cache: `BEGIN`, `COMMIT` and
/// the version are the statements of every read transaction (begin.rs), which then finds them
/// prepared.
fn pragma<T: rusqlite::types::FromSql>(conn: &Conn, sql: &str) -> Result<T> {
    conn.retry_sql(|| conn.sql.prepare_cached(sql)?.query_row([], |r| r.get(0)))
}

/// Reads the application ID, the version and the schema's names through SQLite. The names are
/// read only when the schema may have changed since this build laid it out (its cookie is not
/// [`LAID_OUT_COOKIE`]): most opens are of a file laid out by podstate and never altered, and
/// the names cost a statement over the whole schema table on every open (a CLI pays it each
/// time).
fn identify(conn: &Conn) -> Result<Identity> {
    let read = || -> rusqlite::Result<(i32, i32, Option<Vec<String>>)> {
        let app = conn
            .sql
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version = conn
            .sql
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if (app, version) == (APPLICATION_ID, SCHEMA_VERSION) {
            let cookie: i32 = conn
                .sql
                .query_row("PRAGMA schema_version", [], |r| r.get(0))?;
            if cookie == LAID_OUT_COOKIE {
                return Ok((app, version, None));
            }
        }
        // Sorted here, not by `ORDER BY`: a sorter costs SQLite more to prepare and run than
        // the dozen names cost Rust (a few µs of every open), and `String`'s order is the
        // byte order `BINARY` sorts by.
        let mut stmt = conn.sql.prepare("SELECT name FROM sqlite_schema")?;
        let mut names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        names.sort_unstable();
        Ok((app, version, Some(names)))
    };
    let (app, version, names) = conn.retry_sql(read)?;
    let Some(names) = names else {
        // This build's own layout, unchanged since (see LAID_OUT_COOKIE).
        return Ok(Identity::Current);
    };
    if app == 0 && version == 0 && names.is_empty() {
        return Ok(Identity::Empty);
    }
    if app != APPLICATION_ID {
        let why = if app == 0 {
            format!(
                "an SQLite database of another application ({} schema objects, no podstate \
                 application ID)",
                names.len()
            )
        } else {
            format!("an SQLite database of another application (application ID {app:#x})")
        };
        return Err(error::foreign(&conn.path, &why));
    }
    if (OLDEST_VERSION..SCHEMA_VERSION).contains(&version) {
        // Its objects are checked once it has been upgraded.
        return Ok(Identity::Older(version));
    }
    check_version(conn, version)?;
    let own: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !n.starts_with("sqlite_"))
        .collect();
    if own != OBJECTS {
        return Err(StateError::new(
            ErrorKind::Corrupt,
            format!(
                "podstate database {} is damaged: its schema holds {own:?}, version \
                 {SCHEMA_VERSION} has {:?}",
                conn.path.display(),
                OBJECTS
            ),
        ));
    }
    Ok(Identity::Current)
}

/// Refuses a database of another schema version than this build's.
pub(crate) fn check_version(conn: &Conn, version: i32) -> Result<()> {
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    let file = conn.path.display();
    let message = if version > SCHEMA_VERSION {
        format!(
            "podstate database {file} has schema version {version}, newer than version \
             {SCHEMA_VERSION} that this podstate understands: use a podstate that knows version \
             {version}"
        )
    } else {
        format!(
            "podstate database {file} has schema version {version}, older than version \
             {SCHEMA_VERSION} that this podstate understands: reopen it to upgrade it"
        )
    };
    Err(StateError::new(ErrorKind::Io, message))
}
