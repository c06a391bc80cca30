// Command grafana-dashboard-check decodes Grafana dashboard JSON files with the dashboard types that Grafana's
// foundation SDK generates from Grafana's own schema (github.com/grafana/grafana-foundation-sdk/go), strictly: a
// field the schema does not declare, a value of the wrong type or a missing required field is an error. Panel
// options and queries are decoded with the types of their panel plugin and datasource (timeseries, stat, piechart,
// prometheus, …), which is why the default plugins are registered first. Then the SDK's own Validate runs.
//
// Usage: grafana-dashboard-check <dashboard.json>... — prints "ok <file>" per valid file, and one line per problem
// ("<file>: <field path>: <message>") on stderr; exits 1 when any file is invalid, 2 on usage or read errors.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// failed tells an error from the SDK's "no error": its strict decoder returns an empty cog.BuildErrors (a typed
// nil inside a non-nil error interface) when nothing is wrong.
func failed(err error) bool {
	var list cog.BuildErrors
	if errors.As(err, &list) {
		return len(list) > 0
	}
	return err != nil
}

func check(file string) ([]string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var problems []string
	var board dashboard.Dashboard
	if err := board.UnmarshalJSONStrict(raw); failed(err) {
		problems = append(problems, err.Error())
		return problems, nil
	}
	if err := board.Validate(); failed(err) {
		problems = append(problems, err.Error())
	}
	return problems, nil
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: grafana-dashboard-check <dashboard.json>...")
		os.Exit(2)
	}
	plugins.RegisterDefaultPlugins()
	invalid := false
	for _, file := range os.Args[1:] {
		problems, err := check(file)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		for _, p := range problems {
			invalid = true
			fmt.Fprintf(os.Stderr, "%s: %s\n", file, p)
		}
		if len(problems) == 0 {
			fmt.Printf("ok %s\n", file)
		}
	}
	if invalid {
		os.Exit(1)
	}
}
