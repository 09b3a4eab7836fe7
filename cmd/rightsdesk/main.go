// Command rightsdesk is the clinic front desk's tool for patients'
// privacy-rights requests: a keyboard-driven terminal app, and commands for
// scripts, registers and audits.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// Exit statuses: 1 when a check finds a problem (bad import rows, a broken
// audit chain), 2 when the command was used wrongly or refused.
const (
	exitProblem = 1
	exitUsage   = 2
)

// usageError marks errors that exit with status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usage(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// problemError marks errors that exit with status 1 after the command has
// already printed its report.
type problemError struct{ msg string }

func (e problemError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program, with its streams passed in so tests can drive it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	err = a.adviseRestore(err)
	var pe problemError
	if errors.As(err, &pe) {
		if pe.msg != "" {
			fmt.Fprintln(stderr, "rightsdesk:", pe.msg)
		}
		return exitProblem
	}
	fmt.Fprintln(stderr, "rightsdesk:", message(err))
	var ue usageError
	if errors.As(err, &ue) || model.IsUserError(err) || errors.Is(err, storage.ErrBadLogin) || isFlagError(err) {
		return exitUsage
	}
	var te *storage.ThrottledError
	if errors.As(err, &te) || errors.Is(err, storage.ErrNotSetUp) || errors.Is(err, storage.ErrAlreadySetUp) || errors.Is(err, storage.ErrStaffExists) || errors.Is(err, storage.ErrNotFound) {
		return exitUsage
	}
	return exitProblem
}

// message is what a person sees of an error.
func message(err error) string { return err.Error() }

type flagError struct{ error }

func isFlagError(err error) bool {
	var fe flagError
	return errors.As(err, &fe)
}

// commands are the subcommands; each file adds its own constructor.
var commands []func(*app) *cobra.Command

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "rightsdesk",
		Short: "Log and see through patients' privacy-rights requests",
		Long: `rightsdesk is the clinic front desk's tool for patients' privacy-rights
requests: see, correct or delete their data, stop marketing, withdraw
consent, or complain. Run it with no command to open the desk.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runTUI(cmd.Context())
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return flagError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "database file (default $"+storage.EnvDB+", else "+storage.DefaultPath()+")")
	root.PersistentFlags().StringVar(&a.asName, "as", "", "act as this staff member (for scripts)")
	root.PersistentFlags().StringVar(&a.asPassFile, "as-passphrase-file", "", "file holding the --as member's passphrase")
	for _, c := range commands {
		root.AddCommand(c(a))
	}
	return root
}
