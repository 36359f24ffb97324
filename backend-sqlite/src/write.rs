//! The apply phase: inserts, updates and deletes inside the call's `BEGIN IMMEDIATE`
//! transaction. A container or pod is one `object` row (identity, record, pod, networks);
//! deleting it deletes its dependency edges and exec sessions through the schema's `ON DELETE
//! CASCADE`s, and its volume users by their keys, read from the link fields of its config (the
//! `volume_user` table has no second index for a cascade to use). The foreign keys refuse (as
//! `Corrupt`) any other write that would leave an index row dangling.

use podstate_api::raw::{ContainerLinks, NewContainer, StoreWrite, lifecycle};
use podstate_api::{
    Container, ContainerConfig, ContainerState, DbConfig, ExecSession, Pod, PodConfig, PodState,
    Result, Volume, VolumeConfig, VolumeState,
};
use rusqlite::Params;

use crate::error;
use podstate_api::raw::StoreRead;

use crate::record::{self, Networks, Record, encode, encode_networks, encode_plain};
use crate::store::SqliteTx;

impl SqliteTx<'_> {
    /// Runs one cached statement that changes rows.
    fn exec(&self, sql: &str, params: impl Params) -> Result<()> {
        let conn = &*self.conn;
        conn.sql
            .prepare_cached(sql)
            .and_then(|mut stmt| stmt.execute(params))
            .map(drop)
            .map_err(|e| conn.err(e))
    }

    /// Rewrites every stored state of `table`'s rows that `filter` selects (keyed by `key`)
    /// through `reset`. Payloads are kept, so only the JSON column is read and written.
    fn reset_states<S: Record>(
        &self,
        (table, key, filter): (&str, &str, &str),
        reset: impl Fn(&mut S),
    ) -> Result<()> {
        let conn = &*self.conn;
        let states: Vec<(String, String)> = {
            let mut stmt = conn
                .sql
                .prepare_cached(&format!("SELECT {key}, state FROM {table} WHERE {filter}"))
                .map_err(|e| conn.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| conn.err(e))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| conn.err(e))?
        };
        let update = format!("UPDATE {table} SET state = ?2 WHERE {key} = ?1");
        for (id, json) in states {
            let mut state: S = record::decode(&json, "null")
                .map_err(|e| error::record(&conn.path, &format!("state of {id:?}"), e))?;
            reset(&mut state);
            self.exec(&update, (&id, encode(&state)?))?;
        }
        Ok(())
    }

    /// Stores `networks` as the current networks of container `id`.
    fn set_networks(&self, id: &str, networks: &Networks) -> Result<()> {
        self.exec(
            "UPDATE object SET networks = ?2 WHERE id = ?1 AND kind = 'container'",
            (id, encode_networks(networks)?),
        )
    }
}

impl StoreWrite for SqliteTx<'_> {
    fn insert_container(&mut self, ctr: &Container, new: &NewContainer) -> Result<()> {
        let cfg = &ctr.config;
        let id = cfg.id.as_str();
        let networks: Networks = new
            .networks
            .iter()
            .map(|(network, aliases)| (network.clone(), sorted(aliases)))
            .collect();
        self.exec(
            "INSERT INTO object (id, kind, name, namespace, pod, networks, config, \
             config_payload, state, state_payload) \
             VALUES (?1, 'container', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            (
                id,
                &cfg.name,
                &cfg.namespace,
                &cfg.pod,
                encode_networks(&networks)?,
                encode(cfg)?,
                cfg.payload.as_str(),
                encode(&ctr.state)?,
                ctr.state.payload.as_str(),
            ),
        )?;
        for dep in &new.dependencies {
            self.exec(
                "INSERT INTO dependency (ctr, dep) VALUES (?1, ?2)",
                (id, dep),
            )?;
        }
        for volume in &new.volumes {
            self.exec(
                "INSERT INTO volume_user (volume, ctr) VALUES (?1, ?2)",
                (volume, id),
            )?;
        }
        Ok(())
    }

    fn delete_container(&mut self, id: &str) -> Result<()> {
        // The volume users by their keys (see the module docs), named by the link fields of the
        // config alone; dependency edges and exec sessions go with the row through their
        // foreign keys.
        let config = self.one(
            "SELECT config FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
            |row| self.text(row, 0),
        )?;
        let Some(json) = config else {
            return Ok(());
        };
        let links = ContainerLinks::from_config_json(&json).map_err(|e| {
            error::record(&self.conn.path, &format!("config of container {id:?}"), e)
        })?;
        for volume in &links.volumes {
            self.exec(
                "DELETE FROM volume_user WHERE volume = ?1 AND ctr = ?2",
                (volume, id),
            )?;
        }
        self.exec(
            "DELETE FROM object WHERE id = ?1 AND kind = 'container'",
            [id],
        )
    }

    fn set_container_state(&mut self, id: &str, state: &ContainerState) -> Result<()> {
        self.exec(
            "UPDATE object SET state = ?2, state_payload = ?3 WHERE id = ?1 AND kind = 'container'",
            (id, encode(state)?, state.payload.as_str()),
        )
    }

    fn set_container_config(&mut self, cfg: &ContainerConfig) -> Result<()> {
        self.exec(
            "UPDATE object SET config = ?2, config_payload = ?3 \
             WHERE id = ?1 AND kind = 'container'",
            (&cfg.id, encode(cfg)?, cfg.payload.as_str()),
        )
    }

    fn connect_network(&mut self, id: &str, network: &str, aliases: &[String]) -> Result<()> {
        let mut networks = self.networks(id)?;
        networks.insert(network.to_owned(), sorted(aliases));
        self.set_networks(id, &networks)
    }

    fn disconnect_network(&mut self, id: &str, network: &str) -> Result<()> {
        let mut networks = self.networks(id)?;
        networks.remove(network);
        self.set_networks(id, &networks)
    }

    fn insert_exec_session(&mut self, session: &ExecSession) -> Result<()> {
        self.exec(
            "INSERT INTO exec_session (id, ctr) VALUES (?1, ?2)",
            (&session.id, &session.container_id),
        )
    }

    fn delete_exec_session(&mut self, id: &str) -> Result<()> {
        self.exec("DELETE FROM exec_session WHERE id = ?1", [id])
    }

    fn delete_container_exec_sessions(&mut self, id: &str) -> Result<()> {
        self.exec("DELETE FROM exec_session WHERE ctr = ?1", [id])
    }

    fn insert_pod(&mut self, pod: &Pod) -> Result<()> {
        let cfg = &pod.config;
        self.exec(
            "INSERT INTO object (id, kind, name, namespace, config, config_payload, state, \
             state_payload) VALUES (?1, 'pod', ?2, ?3, ?4, ?5, ?6, ?7)",
            (
                &cfg.id,
                &cfg.name,
                &cfg.namespace,
                encode(cfg)?,
                cfg.payload.as_str(),
                encode(&pod.state)?,
                pod.state.payload.as_str(),
            ),
        )
    }

    fn delete_pod(&mut self, id: &str) -> Result<()> {
        self.exec("DELETE FROM object WHERE id = ?1 AND kind = 'pod'", [id])
    }

    fn set_pod_state(&mut self, id: &str, state: &PodState) -> Result<()> {
        self.exec(
            "UPDATE object SET state = ?2, state_payload = ?3 WHERE id = ?1 AND kind = 'pod'",
            (id, encode(state)?, state.payload.as_str()),
        )
    }

    fn set_pod_config(&mut self, cfg: &PodConfig) -> Result<()> {
        self.exec(
            "UPDATE object SET config = ?2, config_payload = ?3 WHERE id = ?1 AND kind = 'pod'",
            (&cfg.id, encode(cfg)?, cfg.payload.as_str()),
        )
    }

    fn insert_volume(&mut self, vol: &Volume) -> Result<()> {
        self.exec(
            "INSERT INTO volume (name, config, config_payload, state, state_payload) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            (
                vol.name(),
                encode(&vol.config)?,
                vol.config.payload.as_str(),
                encode(&vol.state)?,
                vol.state.payload.as_str(),
            ),
        )
    }

    fn delete_volume(&mut self, name: &str) -> Result<()> {
        self.exec("DELETE FROM volume WHERE name = ?1", [name])
    }

    fn set_volume_state(&mut self, name: &str, state: &VolumeState) -> Result<()> {
        self.exec(
            "UPDATE volume SET state = ?2, state_payload = ?3 WHERE name = ?1",
            (name, encode(state)?, state.payload.as_str()),
        )
    }

    fn set_volume_config(&mut self, cfg: &VolumeConfig) -> Result<()> {
        self.exec(
            "UPDATE volume SET config = ?2, config_payload = ?3 WHERE name = ?1",
            (&cfg.name, encode(cfg)?, cfg.payload.as_str()),
        )
    }

    fn set_db_config(&mut self, cfg: &DbConfig) -> Result<()> {
        self.exec(
            "INSERT INTO db_config (singleton, config) VALUES (1, ?1) \
             ON CONFLICT (singleton) DO UPDATE SET config = excluded.config",
            [encode_plain(cfg)?],
        )
    }

    fn refresh(&mut self) -> Result<()> {
        self.reset_states(
            ("object", "id", "kind = 'container'"),
            lifecycle::reset_container_state,
        )?;
        self.reset_states(("object", "id", "kind = 'pod'"), lifecycle::reset_pod_state)?;
        self.reset_states(("volume", "name", "true"), lifecycle::reset_volume_state)?;
        self.exec("DELETE FROM exec_session", [])
    }
}

/// `aliases` sorted, without duplicates: the order the `networks` column keeps them in.
fn sorted(aliases: &[String]) -> Vec<String> {
    let mut aliases = aliases.to_vec();
    aliases.sort_unstable();
    aliases.dedup();
    aliases
}
