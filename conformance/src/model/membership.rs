//! Adding a container to a pod and removing it from one (SPEC §5 Pods). Step 1 (closed) is the
//! handle's.

use podstate_api::{Container, Pod, Result};

use super::checks;
use super::containers;
use super::data::ModelData;

/// `add_container_to_pod`. The target is the pod; the container is new.
pub(super) fn add(data: &mut ModelData, ns: &str, pod: &Pod, ctr: &Container) -> Result<()> {
    let cfg = &ctr.config;
    // 2. The passed pod's strings, the whole new config, and its pod field naming this pod.
    checks::passed_pod(pod)?;
    checks::new_container_config(cfg)?;
    checks::pod_is(cfg, pod.id())?;
    // 3. Passed namespaces against the handle: pod, then container.
    checks::passed_namespace(ns, "pod", pod.id(), &pod.config.namespace)?;
    checks::passed_namespace(ns, "container", &cfg.id, &cfg.namespace)?;
    // 4. The pod exists; its stored namespace against the handle, then the container's namespace
    //    against the pod's.
    let stored = checks::existing_pod(data, pod.id())?;
    checks::stored_namespace(ns, "pod", pod.id(), &stored.config.namespace)?;
    checks::same_namespace_as_pod(cfg, &stored.config)?;
    // 5. As add_container after its pod rule, dependencies confined to this pod.
    containers::new_container_rules(data, cfg, Some(pod.id()))?;
    containers::insert(data, ctr);
    Ok(())
}

/// `remove_container_from_pod`.
pub(super) fn remove(data: &mut ModelData, ns: &str, pod: &Pod, ctr: &Container) -> Result<()> {
    let id = ctr.id();
    // 2. Both passed objects' strings, and the passed container's pod naming this pod.
    checks::passed_pod(pod)?;
    checks::passed_container(ctr)?;
    checks::pod_is(&ctr.config, pod.id())?;
    // 3. Passed namespaces: pod, then container.
    checks::passed_namespace(ns, "pod", pod.id(), &pod.config.namespace)?;
    checks::passed_namespace(ns, "container", id, &ctr.config.namespace)?;
    // 4. Existence (pod, container), stored namespaces (pod, container), stored pod field.
    let stored_pod = checks::existing_pod(data, pod.id())?;
    let stored_ctr = checks::existing_container(data, id)?;
    checks::stored_namespace(ns, "pod", pod.id(), &stored_pod.config.namespace)?;
    checks::stored_namespace(ns, "container", id, stored_ctr.namespace())?;
    checks::pod_is(&stored_ctr.container.config, pod.id())?;
    // 5. As remove_container after its pod rule; membership goes with the container.
    containers::removable(data, id)?;
    data.drop_container(id);
    Ok(())
}
