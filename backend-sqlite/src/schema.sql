-- podstate SQLite schema, version 1 (PRAGMA user_version = 1, PRAGMA application_id = 0x506f6453).
-- Every TEXT key compares with the BINARY collation (memcmp of the UTF-8 bytes), which is the
-- order SPEC §2.8 sorts by, so every ORDER BY and every range scan below is in that order.
-- Configs and states are the JSON text serde_json makes of the API types, with each record's
-- payload taken out into the *_payload column beside it: its exact text, never parsed.

-- The shared container/pod ID and name spaces (SPEC §2.1): one row per container or pod, holding
-- everything the checks read about an object's identity. Prefix lookups are range scans here.
CREATE TABLE object (
    id        TEXT NOT NULL PRIMARY KEY CHECK (id <> '' AND instr(id, char(0)) = 0),
    kind      TEXT NOT NULL CHECK (kind IN ('container', 'pod')),
    name      TEXT NOT NULL UNIQUE CHECK (name <> '' AND instr(name, char(0)) = 0),
    namespace TEXT NOT NULL CHECK (instr(namespace, char(0)) = 0),
    UNIQUE (id, kind, namespace)
) STRICT, WITHOUT ROWID;

-- Pods: config and state. Deleting the object row deletes the pod.
CREATE TABLE pod (
    id             TEXT NOT NULL PRIMARY KEY,
    kind           TEXT NOT NULL DEFAULT 'pod' CHECK (kind = 'pod'),
    namespace      TEXT NOT NULL,
    config         TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_payload  TEXT NOT NULL,
    UNIQUE (id, namespace),
    FOREIGN KEY (id, kind, namespace) REFERENCES object (id, kind, namespace) ON DELETE CASCADE
) STRICT;

-- Containers: config and state; membership of a pod in the same namespace (SPEC §2.3).
-- Deleting the object row deletes the container and, through the cascades below, every index
-- row it owns.
CREATE TABLE container (
    id             TEXT NOT NULL PRIMARY KEY,
    kind           TEXT NOT NULL DEFAULT 'container' CHECK (kind = 'container'),
    namespace      TEXT NOT NULL,
    pod            TEXT CHECK (pod <> ''),
    config         TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_payload  TEXT NOT NULL,
    FOREIGN KEY (id, kind, namespace) REFERENCES object (id, kind, namespace) ON DELETE CASCADE,
    FOREIGN KEY (pod, namespace) REFERENCES pod (id, namespace)
) STRICT;
CREATE INDEX container_pod ON container (pod, id) WHERE pod IS NOT NULL;

-- Dependencies (SPEC §1) as edges; the primary key serves the reverse lookup (dependents).
-- A dependency may only go when its dependents go in the same transaction (deferred check:
-- remove_pod_containers deletes members in any order).
CREATE TABLE dependency (
    ctr TEXT NOT NULL REFERENCES container (id) ON DELETE CASCADE,
    dep TEXT NOT NULL REFERENCES container (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (dep, ctr),
    CHECK (ctr <> dep)
) STRICT, WITHOUT ROWID;
CREATE INDEX dependency_ctr ON dependency (ctr);

-- Volumes: config and state, keyed by name (a space of their own).
CREATE TABLE volume (
    name           TEXT NOT NULL PRIMARY KEY CHECK (name <> '' AND instr(name, char(0)) = 0),
    config         TEXT NOT NULL,
    config_payload TEXT NOT NULL,
    state          TEXT NOT NULL,
    state_payload  TEXT NOT NULL
) STRICT;

-- Which stored containers use which volume (SPEC §2.4): a used volume cannot be deleted.
CREATE TABLE volume_user (
    volume TEXT NOT NULL REFERENCES volume (name),
    ctr    TEXT NOT NULL REFERENCES container (id) ON DELETE CASCADE,
    PRIMARY KEY (volume, ctr)
) STRICT, WITHOUT ROWID;
CREATE INDEX volume_user_ctr ON volume_user (ctr);

-- The exec session registry (SPEC §2.5): session ID -> container.
CREATE TABLE exec_session (
    id  TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
    ctr TEXT NOT NULL REFERENCES container (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE INDEX exec_session_ctr ON exec_session (ctr, id);

-- Current networks of each container, and their aliases; an alias exists only for a connected
-- network (SPEC §2.6).
CREATE TABLE network (
    ctr     TEXT NOT NULL REFERENCES container (id) ON DELETE CASCADE,
    network TEXT NOT NULL CHECK (network <> ''),
    PRIMARY KEY (ctr, network)
) STRICT, WITHOUT ROWID;

CREATE TABLE network_alias (
    ctr     TEXT NOT NULL,
    network TEXT NOT NULL,
    alias   TEXT NOT NULL CHECK (alias <> ''),
    PRIMARY KEY (ctr, network, alias),
    FOREIGN KEY (ctr, network) REFERENCES network (ctr, network) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The pinned DB config: at most one row.
CREATE TABLE db_config (
    singleton INTEGER NOT NULL PRIMARY KEY CHECK (singleton = 1),
    config    TEXT NOT NULL
) STRICT;
