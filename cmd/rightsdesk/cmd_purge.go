package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func init() { commands = append(commands, (*app).purgeCommand) }

func (a *app) purgeCommand() *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "purge [--dry-run]",
		Short: "Anonymise closed requests older than the retention period (admins)",
		Long: `Anonymise every request closed longer ago than the retention setting
(default 6 years): the patient's and requester's names and contact details,
what was asked, notes, evidence descriptions, attached files and the reasons
staff typed are deleted (the audit trail keeps only the reasons' digests, so
it still verifies); what statistics need stays (reference, kind, channel,
rule, dates, status and outcome). The audit trail records how many were
anonymised, and the deleted text is wiped from the database file. --dry-run
lists what would be anonymised and changes nothing.

Backups made earlier still hold the old requests: delete backups older than
the retention period.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, _, err := a.openSetUp(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			actor, err := a.actor(ctx, st)
			if err != nil {
				return err
			}
			res, err := st.Purge(ctx, actor, a.clock(), dryRun)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			cutoff := fmtDay(res.Cutoff)
			if dryRun {
				if len(res.Candidates) == 0 {
					fmt.Fprintf(out, "Nothing to purge: no request was closed before %s (retention %d years).\n", cutoff, res.Years)
					return nil
				}
				fmt.Fprintf(out, "%d requests closed before %s (retention %d years) would be anonymised:\n", len(res.Candidates), cutoff, res.Years)
				tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "REFERENCE\tKIND\tSTATUS\tRECEIVED\tCLOSED")
				for _, c := range res.Candidates {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Reference, c.Kind, c.Status, fmtDay(c.ReceivedOn), fmtDay(c.ClosedOn))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintln(out, "Nothing was changed. Run rightsdesk purge to anonymise them.")
				return nil
			}
			if res.Purged == 0 {
				fmt.Fprintf(out, "Nothing to purge: no request was closed before %s (retention %d years).\n", cutoff, res.Years)
			} else {
				fmt.Fprintf(out, "Anonymised %d requests closed before %s (retention %d years): personal details deleted, statistics kept.\n", res.Purged, cutoff, res.Years)
			}
			if !res.Wiped {
				fmt.Fprintln(cmd.ErrOrStderr(), "rightsdesk: another desk has the database open, so the deleted text may stay in its write-ahead log until every desk is closed: run rightsdesk purge again then to wipe it.")
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list what would be anonymised; change nothing")
	return cmd
}
