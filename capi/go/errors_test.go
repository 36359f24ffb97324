package podstate

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorsWrapTheSentinelOfTheirKind(t *testing.T) {
	_, st := open(t, "memory")
	must(t, st.AddContainer(ctr("4f2a9c", "web")))
	must(t, st.AddContainer(ctr("4f2b00", "db")))
	cases := []struct {
		err  error
		want error
	}{
		{func() error { _, err := st.LookupContainerID("nope"); return err }(), ErrNoSuchCtr},
		{func() error { _, err := st.LookupContainerID("4f2"); return err }(), ErrAmbiguous},
		{st.AddContainer(ctr("4f2a9c", "x")), ErrCtrExists},
		{func() error { _, err := st.Pod("p"); return err }(), ErrNoSuchPod},
		{func() error { _, err := st.Volume("v"); return err }(), ErrNoSuchVolume},
		{func() error { _, err := st.GetExecSession("e"); return err }(), ErrNoSuchExecSession},
		{func() error { _, err := st.HasContainer(""); return err }(), ErrInvalidArg},
		{st.SetNamespace("a\x00b"), ErrInvalidArg},
		{func() error { _, err := st.HasContainer("\xff"); return err }(), ErrBadRequest},
		{st.AddContainer(ctr("\xfe", "bad")), ErrBadRequest},
	}
	for i, c := range cases {
		if !errors.Is(c.err, c.want) {
			t.Errorf("case %d: %v is not %v", i, c.err, c.want)
		}
		var e *Error
		if !errors.As(c.err, &e) || e.Message == "" || !strings.HasPrefix(c.err.Error(), e.Kind+": ") {
			t.Errorf("case %d: %v", i, c.err)
		}
	}
	if _, err := Open("bolt:/x"); !errors.Is(err, ErrBadURL) {
		t.Fatalf("Open: %v", err)
	}
	st.Free()
	if _, err := st.AllContainers(); !errors.Is(err, ErrDBClosed) {
		t.Fatalf("after Free: %v", err)
	}
}

func TestEveryKindHasItsSentinel(t *testing.T) {
	for kind, sentinel := range kinds {
		err := newError(kind, "m")
		if !errors.Is(err, sentinel) {
			t.Fatalf("%s", kind)
		}
		for other, s := range kinds {
			if other != kind && errors.Is(err, s) {
				t.Fatalf("%s is also %s", kind, other)
			}
		}
	}
	if len(kinds) != 23 {
		t.Fatalf("%d kinds", len(kinds))
	}
}
