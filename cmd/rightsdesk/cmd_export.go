package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage/export"
)

func init() { commands = append(commands, (*app).exportCommand) }

func (a *app) exportCommand() *cobra.Command {
	var kind, out, passFile string
	cmd := &cobra.Command{
		Use:   "export REF [--kind acknowledgement|response] [--out DIR] [--password-file FILE]",
		Short: "Write a request's acknowledgement (PDF and text) or its response package (ZIP)",
		Long: `Write the files the patient takes home, the same as the desk does:

  acknowledgement  "REF acknowledgement.pdf" and its plain-text twin ".txt"
                   (any staff), for printing or the body of an e-mail
  response         "REF.zip" (leads, answered requests): letter.pdf,
                   request.json, index.html, data/ and manifest.json

Files are written 0600 into --out (default: the current folder), never over
an existing file: "REF (2).zip" is used instead. Each export is recorded in
the audit trail with the file's SHA-256. --password-file protects the
response letter with AES-256; give the patient the password separately.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("export needs one reference: rightsdesk export R-2026-0042 --kind response")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := model.ParseReference(args[0])
			if err != nil {
				return err
			}
			response := false
			switch strings.ToLower(strings.TrimSpace(kind)) {
			case "acknowledgement", "acknowledgment", "ack":
			case "response":
				response = true
			default:
				return usage("--kind %q is not known: use acknowledgement or response", model.Clean(kind, 30))
			}
			var password string
			if passFile != "" {
				if !response {
					return usage("--password-file protects the response letter only: add --kind response, or leave it out")
				}
				if password, err = readSecretFile(passFile, "the letter's password (--password-file)"); err != nil {
					return err
				}
				if err := export.ValidatePassword(password); err != nil {
					return err
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
			opt := export.Options{OutDir: out, Password: password, Now: a.clock()}
			var res export.Result
			if response {
				res, err = export.Response(ctx, st, actor, ref, opt)
			} else {
				res, err = export.Acknowledgement(ctx, st, actor, ref, opt)
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Wrote %s\n  sha256 %s\n", res.Path, res.SHA256)
			if res.TextPath != "" {
				fmt.Fprintf(w, "Wrote %s\n  sha256 %s\n", res.TextPath, res.TextSHA256)
			}
			if res.Taken != "" {
				fmt.Fprintf(w, "%s already exists in %s, so this copy is numbered.\n", res.Taken, filepath.Dir(res.Path))
			}
			for _, warn := range res.Warnings {
				fmt.Fprintln(a.stderr, "warning:", warn)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "acknowledgement", "acknowledgement or response")
	f.StringVar(&out, "out", "", "folder to write into (created 0700 if missing; default: the current folder)")
	f.StringVar(&passFile, "password-file", "", "response only: file holding a password (10–64 plain characters) to protect letter.pdf with AES-256")
	return cmd
}
