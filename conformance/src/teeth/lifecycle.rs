//! Faults in `refresh` and `validate_db_config`.

use podstate_api::{DbConfig, ErrorKind, ExecSession, Result, Volume};

use super::Fault;
use super::handle::FaultyState;

impl FaultyState {
    pub(super) fn faulty_refresh(&self) -> Result<()> {
        let mut registrations = Vec::new();
        if self.is(Fault::RefreshKeepsExecRegistrations) {
            for ctr in self.admin.all_containers()? {
                for id in self.admin.get_container_exec_sessions(&ctr)? {
                    registrations.push((ctr.clone(), ExecSession::new(id, ctr.id())));
                }
            }
        }
        let mounted: Vec<Volume> = match self.is(Fault::RefreshKeepsMountCounts) {
            true => self.admin.all_volumes()?,
            false => Vec::new(),
        };
        self.inner.refresh()?;
        for (ctr, session) in registrations {
            self.admin.add_exec_session(&ctr, &session)?;
        }
        for vol in mounted.into_iter().filter(|v| v.state.mount_count != 0) {
            self.admin.save_volume(&vol)?;
        }
        if self.is(Fault::RefreshClearsExitCode) {
            for mut ctr in self.admin.all_containers()? {
                if ctr.state.exit_code != 0 {
                    ctr.state.exit_code = 0;
                    self.admin.save_container(&ctr)?;
                }
            }
        }
        Ok(())
    }

    pub(super) fn faulty_validate_db_config(&self, cfg: &DbConfig) -> Result<()> {
        let result = self.inner.validate_db_config(cfg);
        let mismatch = matches!(&result, Err(e) if e.kind() == ErrorKind::DbBadConfig);
        if mismatch && self.is(Fault::ValidateDbConfigPinsOnMismatch) {
            let pinned = self.admin.get_db_config()?;
            let mut before_mismatch = DbConfig::default();
            self.pin_until_mismatch(cfg, &pinned, &mut before_mismatch);
            self.admin.validate_db_config(&before_mismatch)?;
        }
        result
    }

    fn pin_until_mismatch(&self, cfg: &DbConfig, pinned: &DbConfig, out: &mut DbConfig) {
        let fields = cfg.fields().into_iter().zip(pinned.fields());
        for (((_, value), (_, old)), (_, slot)) in fields.zip(out.fields_mut()) {
            if !value.is_empty() && !old.is_empty() && value != old {
                return;
            }
            if old.is_empty() {
                *slot = value.to_owned();
            }
        }
    }
}
