package podstate

import (
	"time"
)

// Payload is opaque JSON text the store keeps with an object and gives back byte for byte
// (whitespace, key order, escapes, number spelling). The package never passes a payload
// through encoding/json's encoder, which compacts and HTML-escapes raw JSON: payloads travel
// beside the JSON of a call. A nil Payload is sent as {} (the default payload).
type Payload []byte

// MarshalJSON writes the payload's text as it is (or {} for a nil payload). Note that
// json.Marshal then compacts it; the package itself never marshals payloads.
func (p Payload) MarshalJSON() ([]byte, error) {
	return p.text(), nil
}

// UnmarshalJSON keeps a copy of the raw JSON text.
func (p *Payload) UnmarshalJSON(b []byte) error {
	*p = append((*p)[:0], b...)
	return nil
}

func (p Payload) text() []byte {
	if p == nil {
		return []byte("{}")
	}
	return p
}

// Timestamp is a UTC instant with nanosecond precision, as the store keeps it (dates before
// 1970 have negative seconds).
type Timestamp struct {
	Secs  int64  `json:"secs"`
	Nanos uint32 `json:"nanos"`
}

// TimestampOf is t as a Timestamp.
func TimestampOf(t time.Time) Timestamp {
	return Timestamp{Secs: t.Unix(), Nanos: uint32(t.Nanosecond())}
}

// Time is the timestamp as a time.Time in UTC.
func (t Timestamp) Time() time.Time {
	return time.Unix(t.Secs, int64(t.Nanos)).UTC()
}

// NamedVolume is a named volume a container mounts; the store reads only its name.
type NamedVolume struct {
	Name    string   `json:"name"`
	Dest    string   `json:"dest"`
	Options []string `json:"options"`
}

// ContainerConfig is a container's configuration, fixed when it is added and replaced only
// by RewriteContainerConfig.
type ContainerConfig struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	Pod            *string             `json:"pod"`
	Namespace      string              `json:"namespace"`
	LockID         uint32              `json:"lock_id"`
	IPCNsCtr       *string             `json:"ipc_ns_ctr"`
	MountNsCtr     *string             `json:"mount_ns_ctr"`
	NetNsCtr       *string             `json:"net_ns_ctr"`
	PIDNsCtr       *string             `json:"pid_ns_ctr"`
	UserNsCtr      *string             `json:"user_ns_ctr"`
	UTSNsCtr       *string             `json:"uts_ns_ctr"`
	CgroupNsCtr    *string             `json:"cgroup_ns_ctr"`
	DependsOn      []string            `json:"depends_on"`
	NamedVolumes   []NamedVolume       `json:"named_volumes"`
	Networks       []string            `json:"networks"`
	NetworkAliases map[string][]string `json:"network_aliases"`
	Created        Timestamp           `json:"created"`
	Payload        Payload             `json:"payload"`
}

// ContainerStatus is a container's lifecycle status.
type ContainerStatus string

// The statuses; the empty status is sent as StatusConfigured (the default).
const (
	StatusUnknown    ContainerStatus = "Unknown"
	StatusConfigured ContainerStatus = "Configured"
	StatusCreated    ContainerStatus = "Created"
	StatusRunning    ContainerStatus = "Running"
	StatusStopped    ContainerStatus = "Stopped"
	StatusPaused     ContainerStatus = "Paused"
	StatusExited     ContainerStatus = "Exited"
	StatusRemoving   ContainerStatus = "Removing"
)

// ContainerState is a container's mutable state, written by SaveContainer and reset by
// Refresh.
type ContainerState struct {
	Status             ContainerStatus    `json:"status"`
	PID                uint32             `json:"pid"`
	ConmonPID          uint32             `json:"conmon_pid"`
	Mountpoint         string             `json:"mountpoint"`
	Mounted            bool               `json:"mounted"`
	ExecSessions       map[string]Payload `json:"exec_sessions"`
	BindMounts         map[string]string  `json:"bind_mounts"`
	StoppedByUser      bool               `json:"stopped_by_user"`
	RestartPolicyMatch bool               `json:"restart_policy_match"`
	RestartCount       uint32             `json:"restart_count"`
	ExitCode           int32              `json:"exit_code"`
	Exited             bool               `json:"exited"`
	OOMKilled          bool               `json:"oom_killed"`
	StartedAt          *Timestamp         `json:"started_at"`
	FinishedAt         *Timestamp         `json:"finished_at"`
	NetNSPath          *string            `json:"netns_path"`
	Payload            Payload            `json:"payload"`
}

// Container is a container's config and state. Every retrieval returns a copy of its own.
type Container struct {
	Config ContainerConfig `json:"config"`
	State  ContainerState  `json:"state"`
}

// ID is the container's ID.
func (c *Container) ID() string { return c.Config.ID }

// PodConfig is a pod's configuration.
type PodConfig struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Namespace string    `json:"namespace"`
	LockID    uint32    `json:"lock_id"`
	Created   Timestamp `json:"created"`
	Payload   Payload   `json:"payload"`
}

// PodState is a pod's mutable state.
type PodState struct {
	CgroupPath       string  `json:"cgroup_path"`
	InfraContainerID string  `json:"infra_container_id"`
	Payload          Payload `json:"payload"`
}

// Pod is a pod's config and state.
type Pod struct {
	Config PodConfig `json:"config"`
	State  PodState  `json:"state"`
}

// ID is the pod's ID.
func (p *Pod) ID() string { return p.Config.ID }

// VolumeConfig is a volume's configuration; the name is the volume's key.
type VolumeConfig struct {
	Name    string    `json:"name"`
	LockID  uint32    `json:"lock_id"`
	Created Timestamp `json:"created"`
	Payload Payload   `json:"payload"`
}

// VolumeState is a volume's mutable state.
type VolumeState struct {
	MountCount uint32  `json:"mount_count"`
	Payload    Payload `json:"payload"`
}

// Volume is a volume's config and state.
type Volume struct {
	Config VolumeConfig `json:"config"`
	State  VolumeState  `json:"state"`
}

// Name is the volume's name.
func (v *Volume) Name() string { return v.Config.Name }

// ExecSession is an exec session as the store registers it: its ID and its container's.
type ExecSession struct {
	ID          string `json:"id"`
	ContainerID string `json:"container_id"`
}

// DBConfig holds the paths and names a runtime pins in the database, in the order
// ValidateDBConfig checks them.
type DBConfig struct {
	LibpodRoot  string `json:"libpod_root"`
	LibpodTmp   string `json:"libpod_tmp"`
	StorageRoot string `json:"storage_root"`
	StorageTmp  string `json:"storage_tmp"`
	GraphDriver string `json:"graph_driver"`
	VolumePath  string `json:"volume_path"`
}

// Violation is one thing wrong with a store, as Store.Verify finds it.
type Violation struct {
	// Invariant names the rule broken: a clause of the contract's section 2
	// ("SharedSpaces", "Dependencies", "Pods", "Volumes", "ExecSessions",
	// "Aliases", "NothingDangles", "Order") or "Unreadable", "Visibility",
	// "Unattributed".
	Invariant string   `json:"invariant"`
	Objects   []string `json:"objects"`
	Message   string   `json:"message"`
}

// Capabilities say what a store can do.
type Capabilities struct {
	Persistent    bool `json:"persistent"`
	Reopen        bool `json:"reopen"`
	SharedHandles bool `json:"shared_handles"`
}
