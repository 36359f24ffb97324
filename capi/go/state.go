package podstate

// The 53 calls, with libpod's State method names, argument order and return shapes. Each is
// one request to the library's call entry point, by the call's snake-case name; payloads
// travel beside the JSON, so they come back byte for byte.

// Calls are the names of the 53 calls, as the library's entry point takes them.
var Calls = []string{
	"close", "refresh", "get_db_config", "validate_db_config", "set_namespace",
	"get_name", "container", "lookup_container_id", "lookup_container", "has_container",
	"get_container_config", "add_container", "remove_container", "update_container",
	"save_container", "container_in_use", "all_containers", "rewrite_container_config",
	"get_networks", "get_network_aliases", "get_all_network_aliases", "network_connect",
	"network_disconnect", "add_exec_session", "get_exec_session", "remove_exec_session",
	"get_container_exec_sessions", "remove_container_exec_sessions", "pod", "lookup_pod",
	"has_pod", "pod_has_container", "pod_containers_by_id", "pod_containers", "add_pod",
	"remove_pod", "remove_pod_containers", "add_container_to_pod",
	"remove_container_from_pod", "update_pod", "save_pod", "all_pods", "rewrite_pod_config",
	"volume", "lookup_volume", "has_volume", "volume_in_use", "add_volume", "remove_volume",
	"update_volume", "save_volume", "all_volumes", "rewrite_volume_config",
}

// into decodes a plain answer (no payloads) into out.
func into(out interface{}) func(r *reply) error {
	return func(r *reply) error { return unmarshal(r, out) }
}

// withString runs a call whose arguments are one string.
func (st *State) withString(name, key, value string, decode func(r *reply) error) error {
	args, err := oneString(key, value)
	if err != nil {
		return err
	}
	return st.do(name, args, nil, decode)
}

// withObjects runs a call whose arguments hold objects with payloads (written by e).
func (st *State) withObjects(name string, e *encoder, args interface{}, decode func(r *reply) error) error {
	b, err := marshal(args)
	if err != nil {
		return err
	}
	return st.do(name, b, e.payloads, decode)
}

func (st *State) ctrCall(name string, ctr *Container, decode func(r *reply) error) error {
	var e encoder
	return st.withObjects(name, &e, struct {
		Ctr *Container `json:"ctr"`
	}{e.container(ctr)}, decode)
}

func (st *State) podCall(name string, pod *Pod, decode func(r *reply) error) error {
	var e encoder
	return st.withObjects(name, &e, struct {
		Pod *Pod `json:"pod"`
	}{e.pod(pod)}, decode)
}

func (st *State) volCall(name string, vol *Volume, decode func(r *reply) error) error {
	var e encoder
	return st.withObjects(name, &e, struct {
		Vol *Volume `json:"vol"`
	}{e.volume(vol)}, decode)
}

func oneContainer(out **Container) func(r *reply) error {
	return func(r *reply) error {
		if fast, ok := fastContainers(r, newDecoder(r), false); ok {
			*out = fast[0]
			return nil
		}
		c := new(Container)
		if err := unmarshal(r, c); err != nil {
			return err
		}
		*out = c
		return newDecoder(r).container(c)
	}
}

func containers(out *[]*Container) func(r *reply) error {
	return func(r *reply) error {
		if fast, ok := fastContainers(r, newDecoder(r), true); ok {
			*out = fast
			return nil
		}
		var all []*Container
		if err := unmarshal(r, &all); err != nil {
			return err
		}
		d := newDecoder(r)
		for _, c := range all {
			if err := d.container(c); err != nil {
				return err
			}
		}
		*out = all
		return nil
	}
}

func onePod(out **Pod) func(r *reply) error {
	return func(r *reply) error {
		p := new(Pod)
		if err := unmarshal(r, p); err != nil {
			return err
		}
		*out = p
		return newDecoder(r).pod(p)
	}
}

func oneVolume(out **Volume) func(r *reply) error {
	return func(r *reply) error {
		v := new(Volume)
		if err := unmarshal(r, v); err != nil {
			return err
		}
		*out = v
		return newDecoder(r).volume(v)
	}
}

// Close closes the handle: every later call fails with ErrDBClosed. Other handles are not
// affected; closing again succeeds.
func (st *State) Close() error { return st.do("close", nil, nil, nil) }

// Refresh resets run-time state after a reboot, in every namespace.
func (st *State) Refresh() error { return st.do("refresh", nil, nil, nil) }

// GetDBConfig is the pinned DB config (empty where a field is not pinned).
func (st *State) GetDBConfig() (*DBConfig, error) {
	cfg := new(DBConfig)
	if err := st.do("get_db_config", nil, nil, into(cfg)); err != nil {
		return nil, err
	}
	return cfg, nil
}

// ValidateDBConfig checks cfg against the pinned values and pins its non-empty unpinned ones.
func (st *State) ValidateDBConfig(cfg *DBConfig) error {
	args, err := marshal(struct {
		Cfg *DBConfig `json:"cfg"`
	}{cfg})
	if err != nil {
		return err
	}
	return st.do("validate_db_config", args, nil, nil)
}

// SetNamespace sets this handle's namespace; "" sees everything.
func (st *State) SetNamespace(ns string) error {
	return st.withString("set_namespace", "ns", ns, nil)
}

// GetName is the name of the visible container or pod whose ID is id.
func (st *State) GetName(id string) (string, error) {
	var name string
	err := st.withString("get_name", "id", id, into(&name))
	return name, err
}

// Container is the container whose ID is exactly id.
func (st *State) Container(id string) (*Container, error) {
	var c *Container
	err := st.withString("container", "id", id, oneContainer(&c))
	return c, err
}

// LookupContainerID resolves idOrName (exact ID, exact name, unique ID prefix) to a full ID.
func (st *State) LookupContainerID(idOrName string) (string, error) {
	var id string
	err := st.withString("lookup_container_id", "id_or_name", idOrName, into(&id))
	return id, err
}

// LookupContainer resolves idOrName as LookupContainerID does, to the container.
func (st *State) LookupContainer(idOrName string) (*Container, error) {
	var c *Container
	err := st.withString("lookup_container", "id_or_name", idOrName, oneContainer(&c))
	return c, err
}

// HasContainer says whether a visible container has exactly this ID.
func (st *State) HasContainer(id string) (bool, error) {
	var yes bool
	err := st.withString("has_container", "id", id, into(&yes))
	return yes, err
}

// AddContainer adds a container that is in no pod.
func (st *State) AddContainer(ctr *Container) error {
	return st.ctrCall("add_container", ctr, nil)
}

// RemoveContainer removes a container that is in no pod.
func (st *State) RemoveContainer(ctr *Container) error {
	return st.ctrCall("remove_container", ctr, nil)
}

// UpdateContainer replaces ctr.State with the stored state.
func (st *State) UpdateContainer(ctr *Container) error {
	var s ContainerState
	err := st.ctrCall("update_container", ctr, func(r *reply) error {
		if err := unmarshal(r, &s); err != nil {
			return err
		}
		return newDecoder(r).containerState(&s)
	})
	if err == nil {
		ctr.State = s
	}
	return err
}

// SaveContainer stores ctr.State.
func (st *State) SaveContainer(ctr *Container) error {
	return st.ctrCall("save_container", ctr, nil)
}

// ContainerInUse is the IDs of the containers that depend on ctr.
func (st *State) ContainerInUse(ctr *Container) ([]string, error) {
	var ids []string
	err := st.ctrCall("container_in_use", ctr, into(&ids))
	return ids, err
}

// AllContainers is every visible container.
func (st *State) AllContainers() ([]*Container, error) {
	var all []*Container
	err := st.do("all_containers", nil, nil, containers(&all))
	return all, err
}

// GetNetworks is the networks ctr is connected to now.
func (st *State) GetNetworks(ctr *Container) ([]string, error) {
	var nets []string
	err := st.ctrCall("get_networks", ctr, into(&nets))
	return nets, err
}

// GetNetworkAliases is ctr's aliases on network.
func (st *State) GetNetworkAliases(ctr *Container, network string) ([]string, error) {
	var e encoder
	var aliases []string
	err := st.withObjects("get_network_aliases", &e, struct {
		Ctr     *Container `json:"ctr"`
		Network string     `json:"network"`
	}{e.container(ctr), network}, into(&aliases))
	return aliases, err
}

// GetAllNetworkAliases is every network ctr is connected to, with its aliases there.
func (st *State) GetAllNetworkAliases(ctr *Container) (map[string][]string, error) {
	var all map[string][]string
	err := st.ctrCall("get_all_network_aliases", ctr, into(&all))
	return all, err
}

// NetworkConnect connects ctr to network with aliases.
func (st *State) NetworkConnect(ctr *Container, network string, aliases []string) error {
	var e encoder
	return st.withObjects("network_connect", &e, struct {
		Ctr     *Container `json:"ctr"`
		Network string     `json:"network"`
		Aliases []string   `json:"aliases"`
	}{e.container(ctr), network, strs(aliases)}, nil)
}

// NetworkDisconnect disconnects ctr from network.
func (st *State) NetworkDisconnect(ctr *Container, network string) error {
	var e encoder
	return st.withObjects("network_disconnect", &e, struct {
		Ctr     *Container `json:"ctr"`
		Network string     `json:"network"`
	}{e.container(ctr), network}, nil)
}

// GetContainerConfig is the config of the container whose ID is exactly id.
func (st *State) GetContainerConfig(id string) (*ContainerConfig, error) {
	var cfg *ContainerConfig
	err := st.withString("get_container_config", "id", id, func(r *reply) error {
		c := new(ContainerConfig)
		if err := unmarshal(r, c); err != nil {
			return err
		}
		cfg = c
		return newDecoder(r).containerConfig(c)
	})
	return cfg, err
}

// AddExecSession registers session for ctr.
func (st *State) AddExecSession(ctr *Container, session *ExecSession) error {
	var e encoder
	return st.withObjects("add_exec_session", &e, struct {
		Ctr     *Container   `json:"ctr"`
		Session *ExecSession `json:"session"`
	}{e.container(ctr), session}, nil)
}

// GetExecSession is the ID of the container session id is registered to.
func (st *State) GetExecSession(id string) (string, error) {
	var ctr string
	err := st.withString("get_exec_session", "id", id, into(&ctr))
	return ctr, err
}

// RemoveExecSession drops the registration of session.
func (st *State) RemoveExecSession(session *ExecSession) error {
	args, err := marshal(struct {
		Session *ExecSession `json:"session"`
	}{session})
	if err != nil {
		return err
	}
	return st.do("remove_exec_session", args, nil, nil)
}

// GetContainerExecSessions is the IDs of the sessions registered to ctr.
func (st *State) GetContainerExecSessions(ctr *Container) ([]string, error) {
	var ids []string
	err := st.ctrCall("get_container_exec_sessions", ctr, into(&ids))
	return ids, err
}

// RemoveContainerExecSessions drops every session registered to ctr.
func (st *State) RemoveContainerExecSessions(ctr *Container) error {
	return st.ctrCall("remove_container_exec_sessions", ctr, nil)
}

// RewriteContainerConfig replaces ctr's stored config with newCfg.
func (st *State) RewriteContainerConfig(ctr *Container, newCfg *ContainerConfig) error {
	var e encoder
	return st.withObjects("rewrite_container_config", &e, struct {
		Ctr *Container       `json:"ctr"`
		Cfg *ContainerConfig `json:"cfg"`
	}{e.container(ctr), e.containerConfig(newCfg)}, nil)
}

// RewritePodConfig replaces pod's stored config with newCfg.
func (st *State) RewritePodConfig(pod *Pod, newCfg *PodConfig) error {
	var e encoder
	return st.withObjects("rewrite_pod_config", &e, struct {
		Pod *Pod       `json:"pod"`
		Cfg *PodConfig `json:"cfg"`
	}{e.pod(pod), e.podConfig(newCfg)}, nil)
}

// RewriteVolumeConfig replaces volume's stored config with newCfg.
func (st *State) RewriteVolumeConfig(volume *Volume, newCfg *VolumeConfig) error {
	var e encoder
	return st.withObjects("rewrite_volume_config", &e, struct {
		Vol *Volume       `json:"vol"`
		Cfg *VolumeConfig `json:"cfg"`
	}{e.volume(volume), e.volumeConfig(newCfg)}, nil)
}

// Pod is the pod whose ID is exactly id.
func (st *State) Pod(id string) (*Pod, error) {
	var p *Pod
	err := st.withString("pod", "id", id, onePod(&p))
	return p, err
}

// LookupPod resolves idOrName (exact ID, exact name, unique ID prefix) to a pod.
func (st *State) LookupPod(idOrName string) (*Pod, error) {
	var p *Pod
	err := st.withString("lookup_pod", "id_or_name", idOrName, onePod(&p))
	return p, err
}

// HasPod says whether a visible pod has exactly this ID.
func (st *State) HasPod(id string) (bool, error) {
	var yes bool
	err := st.withString("has_pod", "id", id, into(&yes))
	return yes, err
}

// PodHasContainer says whether the container whose ID is exactly ctrID is a member of pod.
func (st *State) PodHasContainer(pod *Pod, ctrID string) (bool, error) {
	var e encoder
	var yes bool
	err := st.withObjects("pod_has_container", &e, struct {
		Pod   *Pod   `json:"pod"`
		CtrID string `json:"ctr_id"`
	}{e.pod(pod), ctrID}, into(&yes))
	return yes, err
}

// PodContainersByID is the IDs of pod's members.
func (st *State) PodContainersByID(pod *Pod) ([]string, error) {
	var ids []string
	err := st.podCall("pod_containers_by_id", pod, into(&ids))
	return ids, err
}

// PodContainers is pod's members.
func (st *State) PodContainers(pod *Pod) ([]*Container, error) {
	var members []*Container
	err := st.podCall("pod_containers", pod, containers(&members))
	return members, err
}

// AddPod adds a pod.
func (st *State) AddPod(pod *Pod) error { return st.podCall("add_pod", pod, nil) }

// RemovePod removes a pod that has no members.
func (st *State) RemovePod(pod *Pod) error { return st.podCall("remove_pod", pod, nil) }

// RemovePodContainers removes every member of pod at once.
func (st *State) RemovePodContainers(pod *Pod) error {
	return st.podCall("remove_pod_containers", pod, nil)
}

// AddContainerToPod adds ctr as a member of pod.
func (st *State) AddContainerToPod(pod *Pod, ctr *Container) error {
	var e encoder
	return st.withObjects("add_container_to_pod", &e, struct {
		Pod *Pod       `json:"pod"`
		Ctr *Container `json:"ctr"`
	}{e.pod(pod), e.container(ctr)}, nil)
}

// RemoveContainerFromPod removes member ctr of pod.
func (st *State) RemoveContainerFromPod(pod *Pod, ctr *Container) error {
	var e encoder
	return st.withObjects("remove_container_from_pod", &e, struct {
		Pod *Pod       `json:"pod"`
		Ctr *Container `json:"ctr"`
	}{e.pod(pod), e.container(ctr)}, nil)
}

// UpdatePod replaces pod.State with the stored state.
func (st *State) UpdatePod(pod *Pod) error {
	var s PodState
	err := st.podCall("update_pod", pod, func(r *reply) error {
		if err := unmarshal(r, &s); err != nil {
			return err
		}
		return newDecoder(r).podState(&s)
	})
	if err == nil {
		pod.State = s
	}
	return err
}

// SavePod stores pod.State.
func (st *State) SavePod(pod *Pod) error { return st.podCall("save_pod", pod, nil) }

// AllPods is every visible pod.
func (st *State) AllPods() ([]*Pod, error) {
	var all []*Pod
	err := st.do("all_pods", nil, nil, func(r *reply) error {
		if err := unmarshal(r, &all); err != nil {
			return err
		}
		d := newDecoder(r)
		for _, p := range all {
			if err := d.pod(p); err != nil {
				return err
			}
		}
		return nil
	})
	return all, err
}

// Volume is the volume named exactly volName.
func (st *State) Volume(volName string) (*Volume, error) {
	var v *Volume
	err := st.withString("volume", "name", volName, oneVolume(&v))
	return v, err
}

// LookupVolume resolves name (exact name, unique name prefix) to a volume.
func (st *State) LookupVolume(name string) (*Volume, error) {
	var v *Volume
	err := st.withString("lookup_volume", "name", name, oneVolume(&v))
	return v, err
}

// HasVolume says whether a volume is named exactly volName.
func (st *State) HasVolume(volName string) (bool, error) {
	var yes bool
	err := st.withString("has_volume", "name", volName, into(&yes))
	return yes, err
}

// VolumeInUse is the IDs of every stored container that uses volume.
func (st *State) VolumeInUse(volume *Volume) ([]string, error) {
	var ids []string
	err := st.volCall("volume_in_use", volume, into(&ids))
	return ids, err
}

// AddVolume adds a volume.
func (st *State) AddVolume(volume *Volume) error { return st.volCall("add_volume", volume, nil) }

// RemoveVolume removes a volume no stored container uses.
func (st *State) RemoveVolume(volume *Volume) error {
	return st.volCall("remove_volume", volume, nil)
}

// UpdateVolume replaces volume.State with the stored state.
func (st *State) UpdateVolume(volume *Volume) error {
	var s VolumeState
	err := st.volCall("update_volume", volume, func(r *reply) error {
		if err := unmarshal(r, &s); err != nil {
			return err
		}
		return newDecoder(r).volumeState(&s)
	})
	if err == nil {
		volume.State = s
	}
	return err
}

// SaveVolume stores volume.State.
func (st *State) SaveVolume(volume *Volume) error { return st.volCall("save_volume", volume, nil) }

// AllVolumes is every volume.
func (st *State) AllVolumes() ([]*Volume, error) {
	var all []*Volume
	err := st.do("all_volumes", nil, nil, func(r *reply) error {
		if err := unmarshal(r, &all); err != nil {
			return err
		}
		d := newDecoder(r)
		for _, v := range all {
			if err := d.volume(v); err != nil {
				return err
			}
		}
		return nil
	})
	return all, err
}
