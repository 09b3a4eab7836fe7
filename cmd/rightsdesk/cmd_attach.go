package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"rightsdesk/model"
)

func init() { commands = append(commands, (*app).attachCommand) }

func (a *app) attachCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "attach REF FILE",
		Short: "Attach a file (records gathered for the request) to a request",
		Long: `Copy FILE into the attachments folder beside the database and record it on
the request, with its size and SHA-256, in the audit trail. The response
package carries every attached file in its data/ folder.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usage("attach needs a reference and a file: rightsdesk attach R-2026-0042 records.pdf")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := model.ParseReference(args[0])
			if err != nil {
				return err
			}
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
			att, err := st.AttachFile(ctx, actor, ref, args[1], a.clock())
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Attached %s to %s as attachment #%d (%d bytes, sha256 %s).\n",
				model.Clean(att.OriginalName, 120), ref, att.ID, att.Size, att.SHA256)
			return nil
		},
	}
}
