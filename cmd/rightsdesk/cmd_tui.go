package main

import (
	"context"
	"fmt"
)

// runTUI opens the desk. Until the desk screens land it opens the
// database, reports its state and exits cleanly.
func (a *app) runTUI(ctx context.Context) error {
	st, err := a.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ok, err := st.IsSetUp(ctx)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(a.stdout, "%s is new: set it up with rightsdesk init --help\n", st.Path())
		return nil
	}
	fmt.Fprintf(a.stdout, "%s is ready.\n", st.Path())
	return nil
}
