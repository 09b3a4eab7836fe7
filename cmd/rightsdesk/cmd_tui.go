package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"rightsdesk/tui"
)

// runTUI opens the desk on the database. A new database starts on the
// first-run screen that sets up the clinic.
func (a *app) runTUI(ctx context.Context) error {
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	in, ok := a.stdin.(*os.File)
	if !ok || !a.isTerminal() {
		// The desk checks the whole file after its first frame; with no
		// frame to show, check it here, so that a damaged database is
		// still what is reported.
		if err := st.QuickCheck(ctx); err != nil {
			return a.adviseRestore(err)
		}
		return usage("the desk needs a terminal; for scripts use the subcommands (see rightsdesk --help)")
	}
	out, _ := a.stdout.(*os.File)
	if out == nil {
		out = os.Stdout
	}
	home, _ := os.UserHomeDir()
	// Ends the desk's background check before the deferred Close.
	deskCtx, stop := context.WithCancel(ctx)
	defer stop()
	m := tui.New(tui.Deps{
		Store:          st,
		Now:            a.clock,
		Profile:        colorprofile.Detect(out, os.Environ()),
		DarkBackground: true,
		ExportDir:      filepath.Join(filepath.Dir(st.Path()), "exports"),
		StartDir:       home,
		RestoreAdvice:  restoreAdvice(st.Path()),
		Context:        deskCtx,
	})
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	if _, err := p.Run(); err != nil && !errors.Is(err, tea.ErrInterrupted) && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("run the desk: %w", err)
	}
	return nil
}
