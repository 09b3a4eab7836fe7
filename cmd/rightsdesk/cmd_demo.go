package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

func init() { commands = append(commands, (*app).demoCommand) }

func (a *app) demoCommand() *cobra.Command {
	var requests int
	var seed uint64
	var force bool
	cmd := &cobra.Command{
		Use:   "demo [--requests N] [--seed S] [--force]",
		Short: "Fill an empty register with made-up requests, to try the desk",
		Long: `Demo fills the register with made-up requests received over the last ten
years: every kind, channel, rule and status, children whose parents proved
responsibility, representatives with authority, pauses, extensions and notes,
each driven through the same rules as the desk and each change in the audit
trail. The same --seed gives the same requests.

On an empty database it first sets up the clinic with the policy's defaults
and demo staff who share one passphrase and PIN (printed at the end). It refuses a
register that already holds requests: made-up requests cannot be told apart
from real ones afterwards. Use a database of its own:

  rightsdesk --db demo.db demo
  rightsdesk --db demo.db`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if requests < 0 {
				return usage("--requests must be 0 or more")
			}
			if !cmd.Flags().Changed("requests") {
				requests = storage.DefaultDemoRequests
			}
			ctx := cmd.Context()
			st, err := a.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			start := time.Now()
			opts := storage.DemoOptions{Requests: requests, Seed: seed, Now: a.clock(), Force: force}
			if requests >= 20000 {
				opts.Progress = func(done, total int) {
					fmt.Fprintf(a.stderr, "%d of %d requests\n", done, total)
				}
			}
			res, err := st.GenerateDemo(ctx, opts)
			if errors.Is(err, storage.ErrHasRequests) {
				return usage("%v; to add made-up requests anyway pass --force, or use another file: rightsdesk --db demo.db demo", err)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Made %d made-up requests (%d events, %d notes) in %s, in %s.\n",
				res.Requests, res.Events, res.Notes, time.Since(start).Round(100*time.Millisecond), st.Path())
			fmt.Fprintf(out, "Demo staff (passphrase %q, unlock PIN %s):\n", res.Passphrase, res.PIN)
			for _, m := range res.Staff {
				note := ""
				if !m.Created {
					note = " (already here: passphrase unchanged)"
				}
				fmt.Fprintf(out, "  %-10s %s%s\n", m.Role, model.Clean(m.Name, 80), note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&requests, "requests", storage.DefaultDemoRequests, "how many requests to make")
	f.Uint64Var(&seed, "seed", 1, "the same seed gives the same requests")
	f.BoolVar(&force, "force", false, "add made-up requests to a register that holds requests already")
	return cmd
}
