// Command podstate-bench times the Go package's hot calls for `cargo xtask bench` (which
// builds it and runs it on the data its worker left): podstate-bench URL INPUT [SNAPSHOT].
// INPUT is the worker's JSON (probes, containers to add, rounds); SNAPSHOT, for an in-memory
// store, is restored first. It prints {"figures": [[call, µs per call], ...]}; the call names
// are those of the bench's tables.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"podstate.invalid/podstate"
)

type input struct {
	IDs     []string              `json:"ids"`
	Names   []string              `json:"names"`
	Adds    []*podstate.Container `json:"adds"`
	Rounds  int                   `json:"rounds"`
	AllReps int                   `json:"all_reps"`
	N       int                   `json:"n"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "podstate-bench:", err)
		os.Exit(1)
	}
}

// fastest runs f over n items, rounds times, and answers the fastest round's µs per item.
func fastest(n, rounds int, f func(k int) error) (float64, error) {
	best := -1.0
	for r := 0; r < rounds; r++ {
		start := time.Now()
		for k := 0; k < n; k++ {
			if err := f(k); err != nil {
				return 0, err
			}
		}
		us := float64(time.Since(start).Microseconds()) / float64(n)
		if best < 0 || us < best {
			best = us
		}
	}
	return best, nil
}

func run(args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: podstate-bench URL INPUT [SNAPSHOT]")
	}
	text, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	var in input
	if err := json.Unmarshal(text, &in); err != nil {
		return err
	}
	store, err := podstate.Open(args[0])
	if err != nil {
		return err
	}
	defer store.Close()
	if len(args) > 2 {
		snapshot, err := os.ReadFile(args[2])
		if err != nil {
			return err
		}
		if err := store.Restore(snapshot); err != nil {
			return err
		}
	}
	st, err := store.State()
	if err != nil {
		return err
	}
	defer st.Free()
	var figures [][2]interface{}
	add := func(name string, us float64) { figures = append(figures, [2]interface{}{name, us}) }
	n := len(in.IDs)
	prefixes := make([]string, n)
	for k, id := range in.IDs {
		prefixes[k] = id[:12]
	}
	type phase struct {
		name string
		f    func(k int) error
	}
	phases := []phase{
		{"has_container", func(k int) error {
			yes, err := st.HasContainer(in.IDs[k])
			if err == nil && !yes {
				err = fmt.Errorf("%s is missing", in.IDs[k])
			}
			return err
		}},
		{"lookup_container_id (name)", func(k int) error {
			id, err := st.LookupContainerID(in.Names[k])
			if err == nil && id != in.IDs[k] {
				err = fmt.Errorf("%s resolved to %s", in.Names[k], id)
			}
			return err
		}},
		{"lookup_container (name)", func(k int) error {
			_, err := st.LookupContainer(in.Names[k])
			return err
		}},
		{"lookup_container (prefix)", func(k int) error {
			c, err := st.LookupContainer(prefixes[k])
			if err == nil && c.ID() != in.IDs[k] {
				err = fmt.Errorf("%s resolved to %s", prefixes[k], c.ID())
			}
			return err
		}},
	}
	best := make([]float64, len(phases))
	for r := 0; r < in.Rounds; r++ {
		for i, p := range phases {
			us, err := fastest(n, 1, p.f)
			if err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
			if r == 0 || us < best[i] {
				best[i] = us
			}
		}
	}
	for i, p := range phases {
		add(p.name, best[i])
	}
	all, err := fastest(1, in.AllReps, func(int) error {
		all, err := st.AllContainers()
		if err == nil && len(all) != in.N {
			err = fmt.Errorf("all_containers: %d, expected %d", len(all), in.N)
		}
		return err
	})
	if err != nil {
		return err
	}
	add("all_containers", all)
	adds, err := fastest(len(in.Adds), 1, func(k int) error { return st.AddContainer(in.Adds[k]) })
	if err != nil {
		return fmt.Errorf("add_container: %w", err)
	}
	add("add_container (durable)", adds)
	return json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"figures": figures})
}
