//! SPEC §2 global invariants, checked over the model's own data. The model checker can ask for
//! them after every step: an oracle that broke an invariant would be a wrong oracle.

use super::data::{ModelData, dependencies, volume_names};

impl ModelData {
    /// Every broken invariant, described; empty when all hold.
    pub fn invariant_violations(&self) -> Vec<String> {
        let mut broken = Vec::new();
        self.check_spaces(&mut broken);
        for stored in self.containers.values() {
            let cfg = &stored.container.config;
            for dep in dependencies(cfg) {
                match self.containers.get(&dep) {
                    None => broken.push(format!("{:?} depends on missing {dep:?}", cfg.id)),
                    Some(d) if d.namespace() != cfg.namespace => {
                        broken.push(format!("{:?} depends on {dep:?} across namespaces", cfg.id));
                    }
                    Some(d) if d.pod() != cfg.pod.as_deref() => {
                        broken.push(format!("{:?} depends on {dep:?} across pods", cfg.id));
                    }
                    Some(_) if dep == cfg.id => broken.push(format!("{dep:?} depends on itself")),
                    Some(_) => {}
                }
            }
            if let Some(pod_id) = &cfg.pod {
                match self.pods.get(pod_id) {
                    None => broken.push(format!("{:?} is in missing pod {pod_id:?}", cfg.id)),
                    Some(p) if p.config.namespace != cfg.namespace => {
                        broken.push(format!("{:?} and its pod differ in namespace", cfg.id));
                    }
                    Some(_) => {}
                }
            }
            for vol in volume_names(cfg) {
                if !self.volumes.contains_key(&vol) {
                    broken.push(format!("{:?} uses missing volume {vol:?}", cfg.id));
                }
            }
        }
        for (session, ctr) in &self.exec_sessions {
            if !self.containers.contains_key(ctr) {
                broken.push(format!("session {session:?} points at missing {ctr:?}"));
            }
        }
        broken
    }

    /// SPEC §2.1: keys match IDs and names, IDs and names are unique across containers and pods.
    fn check_spaces(&self, broken: &mut Vec<String>) {
        let mut ids = Vec::new();
        let mut names = Vec::new();
        for (key, stored) in &self.containers {
            let cfg = &stored.container.config;
            if *key != cfg.id {
                broken.push(format!("container key {key:?} holds ID {:?}", cfg.id));
            }
            ids.push(cfg.id.as_str());
            names.push(cfg.name.as_str());
        }
        for (key, pod) in &self.pods {
            if *key != pod.config.id {
                broken.push(format!("pod key {key:?} holds ID {:?}", pod.config.id));
            }
            ids.push(pod.config.id.as_str());
            names.push(pod.config.name.as_str());
        }
        for (key, vol) in &self.volumes {
            if *key != vol.config.name {
                broken.push(format!(
                    "volume key {key:?} holds name {:?}",
                    vol.config.name
                ));
            }
        }
        for (what, mut list) in [("ID", ids), ("name", names)] {
            list.sort_unstable();
            for pair in list.windows(2) {
                if pair[0] == pair[1] {
                    broken.push(format!("{what} {:?} is held twice", pair[0]));
                }
            }
        }
    }
}
