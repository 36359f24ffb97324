package podstate

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// Every one of the 53 calls, through the Go layer, on every backend.
func TestEveryCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, store *Store, st *State) {
		// Lifecycle and DB config.
		cfg, err := st.GetDBConfig()
		must(t, err)
		if *cfg != (DBConfig{}) {
			t.Fatalf("a new store pinned %+v", cfg)
		}
		must(t, st.ValidateDBConfig(&DBConfig{LibpodRoot: "/var/lib/containers"}))
		if err := st.ValidateDBConfig(&DBConfig{LibpodRoot: "/elsewhere"}); !errors.Is(err, ErrDBBadConfig) {
			t.Fatalf("ValidateDBConfig: %v", err)
		}

		// Volumes.
		vol := &Volume{Config: VolumeConfig{Name: "data", Payload: Payload(`{"driver":"local"}`)}}
		must(t, st.AddVolume(vol))
		has, err := st.HasVolume("data")
		must(t, err)
		got, err := st.Volume("data")
		must(t, err)
		looked, err := st.LookupVolume("da")
		must(t, err)
		if !has || string(got.Config.Payload) != `{"driver":"local"}` || looked.Name() != "data" {
			t.Fatalf("volume: %v %+v %+v", has, got, looked)
		}
		vol.State.MountCount = 3
		must(t, st.SaveVolume(vol))
		stale := &Volume{Config: vol.Config}
		must(t, st.UpdateVolume(stale))
		if stale.State.MountCount != 3 {
			t.Fatalf("UpdateVolume: %+v", stale.State)
		}
		newVolCfg := vol.Config
		newVolCfg.Payload = Payload(`{"driver":"nfs"}`)
		must(t, st.RewriteVolumeConfig(vol, &newVolCfg))
		vols, err := st.AllVolumes()
		must(t, err)
		if len(vols) != 1 || string(vols[0].Config.Payload) != `{"driver":"nfs"}` {
			t.Fatalf("AllVolumes: %+v", vols)
		}

		// Pods and members.
		pod := &Pod{Config: PodConfig{ID: "b0ca7e11a5e1", Name: "web", Payload: Payload(`{"infra":true}`)}}
		must(t, st.AddPod(pod))
		hasPod, err := st.HasPod(pod.ID())
		must(t, err)
		byID, err := st.Pod(pod.ID())
		must(t, err)
		byName, err := st.LookupPod("web")
		must(t, err)
		if !hasPod || byID.Config.Name != "web" || byName.ID() != pod.ID() {
			t.Fatalf("pod: %v %+v %+v", hasPod, byID, byName)
		}
		app := ctr("a11ce5a11ce5", "web-app")
		app.Config.Pod = str(pod.ID())
		db := ctr("d8a1c0ffee42", "web-db")
		db.Config.Pod = str(pod.ID())
		db.Config.NamedVolumes = []NamedVolume{{Name: "data", Dest: "/var/lib/db"}}
		app.Config.DependsOn = []string{db.ID()}
		must(t, st.AddContainerToPod(pod, db))
		must(t, st.AddContainerToPod(pod, app))
		in, err := st.PodHasContainer(pod, app.ID())
		must(t, err)
		ids, err := st.PodContainersByID(pod)
		must(t, err)
		members, err := st.PodContainers(pod)
		must(t, err)
		if !in || !reflect.DeepEqual(ids, []string{app.ID(), db.ID()}) || len(members) != 2 {
			t.Fatalf("members: %v %v %d", in, ids, len(members))
		}
		users, err := st.VolumeInUse(vol)
		must(t, err)
		dependents, err := st.ContainerInUse(db)
		must(t, err)
		if !reflect.DeepEqual(users, []string{db.ID()}) || !reflect.DeepEqual(dependents, []string{app.ID()}) {
			t.Fatalf("users %v dependents %v", users, dependents)
		}
		pod.State.CgroupPath = "/machine.slice/web"
		must(t, st.SavePod(pod))
		stalePod := &Pod{Config: pod.Config}
		must(t, st.UpdatePod(stalePod))
		newPodCfg := pod.Config
		newPodCfg.LockID = 9
		must(t, st.RewritePodConfig(pod, &newPodCfg))
		pods, err := st.AllPods()
		must(t, err)
		if stalePod.State.CgroupPath != "/machine.slice/web" || len(pods) != 1 || pods[0].Config.LockID != 9 {
			t.Fatalf("pods: %+v %+v", stalePod.State, pods)
		}

		// Containers outside pods, lookups, networks.
		solo := ctr("0b5e55ed0b5e", "nightly")
		must(t, st.AddContainer(solo))
		if err := st.AddContainer(ctr("ffff", "web")); !errors.Is(err, ErrPodExists) {
			t.Fatalf("a name a pod holds: %v", err)
		}
		id, err := st.LookupContainerID("0b5e")
		must(t, err)
		name, err := st.GetName(solo.ID())
		must(t, err)
		hasCtr, err := st.HasContainer(solo.ID())
		must(t, err)
		c, err := st.Container(solo.ID())
		must(t, err)
		lc, err := st.LookupContainer("nightly")
		must(t, err)
		cc, err := st.GetContainerConfig(solo.ID())
		must(t, err)
		if id != solo.ID() || name != "nightly" || !hasCtr || !reflect.DeepEqual(c, solo) ||
			!reflect.DeepEqual(lc, solo) || !reflect.DeepEqual(cc, &solo.Config) {
			t.Fatalf("lookups: %s %s %v\n%+v\n%+v", id, name, hasCtr, c, solo)
		}
		nets, err := st.GetNetworks(solo)
		must(t, err)
		must(t, st.NetworkConnect(solo, "backend", []string{"b2", "b1", "b1"}))
		aliases, err := st.GetNetworkAliases(solo, "backend")
		must(t, err)
		all, err := st.GetAllNetworkAliases(solo)
		must(t, err)
		must(t, st.NetworkDisconnect(solo, "backend"))
		if !reflect.DeepEqual(nets, []string{"podman"}) || !reflect.DeepEqual(aliases, []string{"b1", "b2"}) ||
			len(all) != 2 {
			t.Fatalf("networks: %v %v %v", nets, aliases, all)
		}
		if _, err := st.GetNetworkAliases(solo, "backend"); !errors.Is(err, ErrNoSuchNetwork) {
			t.Fatalf("disconnected: %v", err)
		}

		// Exec sessions.
		session := &ExecSession{ID: "exec-1", ContainerID: solo.ID()}
		must(t, st.AddExecSession(solo, session))
		owner, err := st.GetExecSession("exec-1")
		must(t, err)
		sessions, err := st.GetContainerExecSessions(solo)
		must(t, err)
		if owner != solo.ID() || !reflect.DeepEqual(sessions, []string{"exec-1"}) {
			t.Fatalf("sessions: %s %v", owner, sessions)
		}
		if err := st.RemoveContainer(solo); !errors.Is(err, ErrInUse) {
			t.Fatalf("remove with a session: %v", err)
		}
		must(t, st.RemoveExecSession(session))
		must(t, st.AddExecSession(solo, session))
		must(t, st.RemoveContainerExecSessions(solo))

		// State save / update, rewrite, refresh.
		solo.State.Status = StatusRunning
		solo.State.PID = 4242
		solo.State.ExecSessions = map[string]Payload{"e": Payload(` [ 1 ] `)}
		must(t, st.SaveContainer(solo))
		staleCtr := &Container{Config: solo.Config}
		must(t, st.UpdateContainer(staleCtr))
		if !reflect.DeepEqual(staleCtr.State, solo.State) {
			t.Fatalf("UpdateContainer:\n%+v\n%+v", staleCtr.State, solo.State)
		}
		newCfg := solo.Config
		newCfg.LockID = 7
		must(t, st.RewriteContainerConfig(solo, &newCfg))
		must(t, st.Refresh())
		after, err := st.Container(solo.ID())
		must(t, err)
		if after.State.Status != StatusConfigured || after.State.PID != 0 || after.Config.LockID != 7 {
			t.Fatalf("after refresh: %+v", after)
		}
		every, err := st.AllContainers()
		must(t, err)
		if len(every) != 3 {
			t.Fatalf("AllContainers: %d", len(every))
		}

		// Namespaces.
		must(t, st.SetNamespace("other"))
		if yes, _ := st.HasContainer(solo.ID()); yes {
			t.Fatal("a container of no namespace is invisible in namespace other")
		}
		must(t, st.SetNamespace(""))

		// Removals.
		must(t, st.RemoveContainerFromPod(pod, app))
		must(t, st.RemovePodContainers(pod))
		must(t, st.RemovePod(pod))
		must(t, st.RemoveContainer(solo))
		must(t, st.RemoveVolume(vol))
		violations, err := store.Verify()
		must(t, err)
		if len(violations) != 0 {
			t.Fatalf("violations: %+v", violations)
		}
		must(t, st.Close())
		if _, err := st.AllPods(); !errors.Is(err, ErrDBClosed) {
			t.Fatalf("after Close: %v", err)
		}
	})
}

// The State type has exactly the 53 calls (plus Free and the batch methods Batch and Begin),
// each mapped to a call of the library.
func TestStateHasTheMethodsOfLibpodState(t *testing.T) {
	typ := reflect.TypeOf(&State{})
	var methods []string
	for i := 0; i < typ.NumMethod(); i++ {
		if name := typ.Method(i).Name; name != "Free" && name != "Batch" && name != "Begin" {
			methods = append(methods, name)
		}
	}
	if len(methods) != 53 || len(Calls) != 53 {
		t.Fatalf("%d methods, %d calls: %v", len(methods), len(Calls), methods)
	}
	snake := func(call string) string {
		return strings.ToLower(strings.ReplaceAll(call, "_", ""))
	}
	var want, got []string
	for _, c := range Calls {
		want = append(want, snake(c))
	}
	for _, m := range methods {
		got = append(got, strings.ToLower(m))
	}
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("methods do not match the calls:\n%v\n%v", want, got)
	}
}
