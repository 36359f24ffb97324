-- podstate SQLite schema, version 2 (PRAGMA user_version = 2, PRAGMA application_id = 0x506f6453).
-- Every TEXT key compares with the BINARY collation (memcmp of the UTF-8 bytes), which is the
-- order SPEC §2.8 sorts by, so every ORDER BY and every range scan below is in that order.
-- Configs and states are the JSON text serde_json makes of the API types, with each record's
-- payload taken out into the *_payload column beside it: its exact text, never parsed.
--
-- Laid out for the fewest B-trees written per call (a durable call's cost is the pages its
-- commit writes): adding a container writes its `object` row with the row's two index entries
-- (ID, name) and one `volume_user` row per named volume (plus two `dependency` entries per
-- dependency); removing it deletes the same. That is plain rusqlite's one table with its two
-- keys, plus the volume users. Every index below serves a read or a foreign key's lookup of
-- child rows; the partial ones get no entry from a plain container.
-- Every statement is `IF NOT EXISTS` so that the upgrade from version 1 (schema.rs, `migrate`)
-- can run it after moving the tables it rebuilds out of the way.
-- Comments stay outside the statements: SQLite keeps each statement's text, comments and all,
-- in the file and parses it again on every connection's first statement (most of what opening
-- a database costs).

-- Containers and pods, in the shared ID and name spaces (SPEC §2.1): one row each, holding the
-- identity the checks read, the record, and for a container its pod and its current networks.
-- A rowid table, so a new row goes at the end of the table, and its ID key an index of its own
-- (prefix lookups are range scans of it). Not WITHOUT ROWID: with rows of ~10 KB its interior
-- pages would hold a kilobyte of each row they point to, and every random insert splits pages
-- of a deep tree (measured: 10.8 pages written per add against 8.9). Small columns come first,
-- so that a read of the identity or of a config does not walk the payloads' overflow pages.
-- `pod` is a container's pod (SPEC §2.3); a pod with members cannot be deleted. `networks` is a
-- container's current networks and their aliases (SPEC §2.6), as a JSON object from network to
-- its sorted aliases (`{"podman":["a","b"]}`); NULL for a pod.
CREATE TABLE IF NOT EXISTS object (
    id             TEXT NOT NULL PRIMARY KEY CHECK (id <> '' AND instr(id, char(0)) = 0),
    kind           TEXT NOT NULL CHECK (kind IN ('container', 'pod')),
    name           TEXT NOT NULL UNIQUE CHECK (name <> '' AND instr(name, char(0)) = 0),
    namespace      TEXT NOT NULL CHECK (instr(namespace, char(0)) = 0),
    pod            TEXT CHECK (pod <> '') REFERENCES object (id),
    networks       TEXT CHECK (networks IS NULL OR json_type(networks) = 'object'),
    config         TEXT NOT NULL,
    state          TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state_payload  TEXT NOT NULL,
    CHECK (kind = 'container' OR (pod IS NULL AND networks IS NULL)),
    CHECK (kind = 'pod' OR networks IS NOT NULL)
) STRICT;
-- Pod members (and the lookup the `pod` foreign key makes when an object goes); a container
-- outside a pod has no entry.
CREATE INDEX IF NOT EXISTS object_pod ON object (pod, id) WHERE pod IS NOT NULL;
-- The pods, for listing them without reading every container; a container has no entry.
CREATE INDEX IF NOT EXISTS object_pods ON object (id) WHERE kind = 'pod';

-- Dependencies (SPEC §1) as edges; the primary key serves the reverse lookup (dependents).
-- A dependency may only go when its dependents go in the same transaction (deferred check:
-- remove_pod_containers deletes members in any order).
CREATE TABLE IF NOT EXISTS dependency (
    ctr TEXT NOT NULL REFERENCES object (id) ON DELETE CASCADE,
    dep TEXT NOT NULL REFERENCES object (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (dep, ctr),
    CHECK (ctr <> dep)
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dependency_ctr ON dependency (ctr);

-- Volumes: config and state, keyed by name (a space of their own).
CREATE TABLE IF NOT EXISTS volume (
    name           TEXT NOT NULL PRIMARY KEY CHECK (name <> '' AND instr(name, char(0)) = 0),
    config         TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_payload  TEXT NOT NULL
) STRICT;

-- Which stored containers use which volume (SPEC §2.4): a used volume cannot be deleted. No
-- foreign key on `ctr` (it would need a second index, written by every add and remove): a
-- container's rows go with it by their keys, read from its config (write.rs), and `verify`
-- checks that every row names a stored container that uses the volume.
CREATE TABLE IF NOT EXISTS volume_user (
    volume TEXT NOT NULL REFERENCES volume (name),
    ctr    TEXT NOT NULL CHECK (ctr <> ''),
    PRIMARY KEY (volume, ctr)
) STRICT, WITHOUT ROWID;

-- The exec session registry (SPEC §2.5): session ID -> container.
CREATE TABLE IF NOT EXISTS exec_session (
    id  TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
    ctr TEXT NOT NULL REFERENCES object (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS exec_session_ctr ON exec_session (ctr, id);

-- The pinned DB config: at most one row.
CREATE TABLE IF NOT EXISTS db_config (
    singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    config    TEXT NOT NULL
) STRICT;
