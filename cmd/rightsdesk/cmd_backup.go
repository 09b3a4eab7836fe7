package main

import (
	"fmt"
	"strings"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"rightsdesk/storage"
)

func init() {
	commands = append(commands, (*app).backupCommand, (*app).restoreCommand)
}

func (a *app) backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DEST",
		Short: "Write a checked snapshot of the database while desks keep working (admins)",
		Long: `Write a consistent snapshot of the database to DEST: a new file, or a folder,
which gets rightsdesk-YYYYMMDD-HHMMSS.backup.db. Desks may go on working
meanwhile. The snapshot is checked (integrity_check and the audit chain),
synced to disk and only then given its name, mode 0600, so a backup is never
half-written. Attached files are copied into DEST.files beside it.

Backups kept beside the database (*.backup.db) are the ones rightsdesk
offers to restore if the database is ever damaged. A backup holds personal
data: keep it as safe as the database, and delete backups older than the
retention period, which purge cannot reach.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("backup needs where to write: rightsdesk backup /media/backups")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
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
			res, err := st.Backup(ctx, actor, args[0], a.clock())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Backed up %d requests and the audit trail through event #%d to %s (%s), checked.\n",
				res.Requests, res.LastSeq, res.Path, humanize.IBytes(uint64(res.Size)))
			if res.Attachments > 0 {
				fmt.Fprintf(out, "%d attached files are in %s.files.\n", res.Attachments, res.Path)
			}
			if res.MissingAttachments > 0 {
				return problemError{fmt.Sprintf("%d attached files were missing from the attachments folder, or damaged, and are not in the backup", res.MissingAttachments)}
			}
			return nil
		},
	}
}

func (a *app) restoreCommand() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "restore SRC [--yes]",
		Short: "Replace the database with a backup, after checking the backup",
		Long: `Replace the database with the backup SRC. Nothing is replaced until a copy
of SRC passes integrity_check and its audit chain verifies; then the copy is
swapped in with one rename, and the replaced file is kept as
DATABASE.replaced until the next restore. Attached files come back from
SRC.files. Close every desk first: restore refuses while the database is
open. Work done since the backup is lost, so restore asks you to confirm
(type yes); scripts pass --yes. The restore is the first new event of the
restored audit trail.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("restore needs the backup file: rightsdesk restore rightsdesk-20260301-180000.backup.db")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			src, dbPath := args[0], a.dbPath()
			if !yes {
				if !a.isTerminal() {
					return usage("restore replaces the database %s: pass --yes to confirm", dbPath)
				}
				answer, err := a.prompt(fmt.Sprintf("Replace %s with %s? Work done since the backup is lost. Type yes to go on: ", dbPath, src), false)
				if err != nil {
					return err
				}
				if strings.ToLower(strings.TrimSpace(answer)) != "yes" {
					return usage("nothing was restored")
				}
			}
			res, err := storage.Restore(cmd.Context(), src, dbPath, a.clock())
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Restored %s from %s: %d requests; the audit trail verified through event #%d.\n", dbPath, src, res.Requests, res.LastSeq)
			if res.Attachments > 0 {
				fmt.Fprintf(out, "%d attached files are in place.\n", res.Attachments)
			}
			if res.Replaced != "" {
				fmt.Fprintf(out, "The replaced database is kept as %s; delete it once you are satisfied.\n", res.Replaced)
			}
			if res.MissingAttachments > 0 {
				return problemError{fmt.Sprintf("%d attached files were missing from the backup's folder, or damaged: their requests show them as missing", res.MissingAttachments)}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return cmd
}
