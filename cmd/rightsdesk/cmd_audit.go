package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

func init() { commands = append(commands, (*app).auditCommand) }

// Meta keys the desk reads to show when the chain was last verified.
const (
	metaChainVerifiedAt  = "chain_verified_at"
	metaChainVerifiedSeq = "chain_verified_seq"
)

func (a *app) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Verify the audit trail, and sign checkpoints of it",
		Long: `The audit trail is hash-chained: each event's hash covers the one before.
audit verify re-walks the chain; audit checkpoint signs its tail with a key
kept away from the database, so that later nothing before that point can be
changed, removed or cut off unnoticed (audit verify --checkpoint).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.auditVerifyCommand(), a.auditCheckpointCommand(), a.auditKeygenCommand())
	return cmd
}

func (a *app) auditVerifyCommand() *cobra.Command {
	var cpFile, pubFile string
	cmd := &cobra.Command{
		Use:   "verify [--checkpoint FILE [--pub FILE]]",
		Short: "Re-walk the hash chain; exit status 1 names the first event that does not match",
		Long: `Re-walk the audit trail's hash chain from the first event. It prints
"verified N events, through #N at TIME", or names the first event that does
not match and exits with status 1.

With --checkpoint it also checks a checkpoint signed earlier: the event it
covers must still be there with the hash that was signed, which proves that
nothing up to it was changed, removed or inserted, and that the trail was not
cut short. --pub names the public key the checkpoint must be signed with (the
.pub file from audit keygen); without it the key inside the checkpoint is
used and its fingerprint printed, to compare with the one you keep.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cp *storage.Checkpoint
			var pub ed25519.PublicKey
			if cpFile != "" {
				b, err := readSmallFile(cpFile, "the checkpoint", 64<<10)
				if err != nil {
					return err
				}
				c, err := storage.ParseCheckpoint(b)
				if err != nil {
					return err
				}
				cp = &c
			}
			if pubFile != "" {
				if cp == nil {
					return usage("--pub goes with --checkpoint")
				}
				b, err := readSmallFile(pubFile, "the public key", 64<<10)
				if err != nil {
					return err
				}
				if pub, err = storage.ParseAuditPublicKey(b); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			st, set, err := a.openSetUp(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			out := cmd.OutOrStdout()
			res, err := st.VerifyChain(ctx)
			if err != nil {
				return err
			}
			if !res.OK() {
				fmt.Fprintf(out, "FAILED at event #%d: %s\n", res.BadSeq, res.Problem)
				if res.Count > 0 {
					fmt.Fprintf(out, "events #1 to #%d before it match.\n", res.Count)
				}
				return problemError{fmt.Sprintf("the audit trail does not verify: event #%d does not match", res.BadSeq)}
			}
			if cp != nil {
				m, err := st.MatchCheckpoint(ctx, *cp, pub)
				if err != nil {
					return err
				}
				if !m.OK {
					fmt.Fprintf(out, "FAILED against the checkpoint of event #%d: %s\n", cp.Seq, m.Problem)
					return problemError{"the audit trail does not match the checkpoint"}
				}
				signedBy := "the key given"
				if pub == nil {
					signedBy = "key " + cp.KeyID() + " (compare it with your copy of the public key)"
				}
				fmt.Fprintf(out, "checkpoint: events #1 to #%d are as signed on %s by %s.\n", cp.Seq, fmtWhen(cp.SignedAt, set), signedBy)
				if m.Note != "" {
					fmt.Fprintf(out, "note: %s.\n", m.Note)
				}
			}
			fmt.Fprintf(out, "verified %d events, through #%d at %s\n", res.Count, res.Last.Seq, fmtWhen(res.Last.At, set))
			if res.Texts+res.Erased > 0 {
				// Reasons staff typed are kept beside the chain, which holds their digests.
				fmt.Fprintf(out, "reasons: %d match their digests, %d erased with their requests' personal data\n", res.Texts, res.Erased)
			}
			// Recorded for the desk's status line; the check itself stands
			// even when the file cannot be written.
			now := a.clock().UTC().Format(time.RFC3339)
			err = st.SetMeta(ctx, metaChainVerifiedSeq, strconv.FormatInt(res.Last.Seq, 10))
			if err == nil {
				err = st.SetMeta(ctx, metaChainVerifiedAt, now)
			}
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "rightsdesk: the verification could not be recorded in the database: %v\n", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cpFile, "checkpoint", "", "a checkpoint file from audit checkpoint to check the trail against")
	cmd.Flags().StringVar(&pubFile, "pub", "", "the public key (.pub) the checkpoint must be signed with")
	return cmd
}

func (a *app) auditCheckpointCommand() *cobra.Command {
	var keyFile, outFile string
	cmd := &cobra.Command{
		Use:   "checkpoint --key FILE [--out FILE]",
		Short: "Sign the audit trail's tail with a key kept away from the database (admins)",
		Long: `Sign (clinic, last event number, last event's hash) with the Ed25519 private
key in FILE (from audit keygen) and write the signed checkpoint to --out
(default rightsdesk-checkpoint-N.txt in the current folder). Keep the key
away from the database, on a stick in the safe: whoever can write both can
forge a checkpoint. Keep the checkpoint apart too (print it, e-mail it to
your auditor). The checkpoint itself is an event in the trail.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if keyFile == "" {
				return usage("--key is required: the .key file from rightsdesk audit keygen")
			}
			b, err := readSmallFile(keyFile, "the key", 64<<10)
			if err != nil {
				return err
			}
			key, err := storage.ParseAuditPrivateKey(b)
			if err != nil {
				return err
			}
			if outFile != "" {
				if _, err := os.Stat(outFile); err == nil {
					return usage("%s already exists: give another --out", outFile)
				}
			}
			warn := cmd.ErrOrStderr()
			if info, err := os.Stat(keyFile); err == nil && info.Mode().Perm()&0o077 != 0 {
				fmt.Fprintf(warn, "rightsdesk: warning: others can read the key file: chmod 600 %s\n", keyFile)
			}
			if kd, err := filepath.Abs(filepath.Dir(keyFile)); err == nil {
				if dd, err := filepath.Abs(filepath.Dir(a.dbPath())); err == nil && kd == dd {
					fmt.Fprintln(warn, "rightsdesk: warning: the key is in the database's folder; anyone who can change the database can then sign too: keep it elsewhere")
				}
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
			c, err := st.Checkpoint(ctx, actor, key, a.clock())
			if err != nil {
				return err
			}
			if outFile == "" {
				outFile = fmt.Sprintf("rightsdesk-checkpoint-%d.txt", c.Seq)
			}
			if err := writeNewFile(outFile, c.Marshal(), 0o644); err != nil {
				// The checkpoint is made and recorded: do not lose it.
				cmd.OutOrStdout().Write(c.Marshal())
				return fmt.Errorf("write the checkpoint to %s: %w (it is printed above: save it)", outFile, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Signed checkpoint of events #1 to #%d with key %s, written to %s.\nKeep it apart from the database; check it later with rightsdesk audit verify --checkpoint %s\n",
				c.Seq, c.KeyID(), outFile, outFile)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the private key file (.key) from audit keygen")
	cmd.Flags().StringVar(&outFile, "out", "", "where to write the checkpoint (default rightsdesk-checkpoint-N.txt)")
	return cmd
}

func (a *app) auditKeygenCommand() *cobra.Command {
	var prefix string
	cmd := &cobra.Command{
		Use:   "keygen --out PREFIX",
		Short: "Make an Ed25519 key pair for signing checkpoints: PREFIX.key and PREFIX.pub",
		Long: `Write a new Ed25519 key pair: PREFIX.key (the private key, mode 0600) and
PREFIX.pub (the public key). Both are PEM, as openssl reads them. Keep the
.key file away from the database; give the .pub file to whoever checks the
trail. Existing files are never overwritten.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if prefix == "" {
				return usage("--out is required: the key files are PREFIX.key and PREFIX.pub")
			}
			keyPath, pubPath := prefix+".key", prefix+".pub"
			for _, p := range []string{keyPath, pubPath} {
				if _, err := os.Stat(p); err == nil {
					return usage("%s already exists: keys are never overwritten; choose another --out", p)
				}
			}
			priv, pub, err := storage.GenerateAuditKey()
			if err != nil {
				return err
			}
			if err := writeNewFile(keyPath, priv, 0o600); err != nil {
				return fmt.Errorf("write %s: %w", keyPath, err)
			}
			if err := writeNewFile(pubPath, pub, 0o644); err != nil {
				os.Remove(keyPath)
				return fmt.Errorf("write %s: %w", pubPath, err)
			}
			k, _ := storage.ParseAuditPublicKey(pub)
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s (private: keep it away from the database) and %s (public).\nKey fingerprint: %s\n",
				keyPath, pubPath, storage.KeyID(k))
			return nil
		},
	}
	cmd.Flags().StringVar(&prefix, "out", "", "file name prefix for PREFIX.key and PREFIX.pub")
	return cmd
}

// fmtWhen shows an instant in the clinic's time zone.
func fmtWhen(t time.Time, set model.Settings) string {
	if t.IsZero() {
		return "(no events)"
	}
	return t.In(set.Location()).Format("2006-01-02 15:04:05 MST")
}

// readSmallFile reads a file a person named, refusing huge ones; a missing
// or unreadable file is a usage error.
func readSmallFile(path, what string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, usage("read %s from %s: %v", what, path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if info.Size() > max {
		return nil, usage("%s in %s is too large to be one", what, path)
	}
	b := make([]byte, info.Size())
	if _, err := f.ReadAt(b, 0); err != nil && info.Size() > 0 {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}

// writeNewFile writes data to a new file (never replacing one) and syncs it.
func writeNewFile(path string, data []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
