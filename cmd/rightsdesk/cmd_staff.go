package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"rightsdesk/model"
)

func init() { commands = append(commands, (*app).staffCommand) }

func (a *app) staffCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "staff",
		Short: "Manage staff (admins)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var name, role, passFile string
	add := &cobra.Command{
		Use:   "add --name NAME --role desk|lead|admin --passphrase-file FILE",
		Short: "Add a staff member",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				return usage("--name is required")
			}
			r, err := model.ParseRole(role)
			if err != nil {
				return err
			}
			pass, err := readSecretFile(passFile, "the new member's passphrase (--passphrase-file)")
			if err != nil {
				return err
			}
			st, _, err := a.openSetUp(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			actor, err := a.actor(cmd.Context(), st)
			if err != nil {
				return err
			}
			s, err := st.AddStaff(cmd.Context(), actor, name, r, pass, a.clock())
			if err != nil {
				return err
			}
			cmd.Printf("Added %s as %s.\n", model.Clean(s.Name, 80), s.Role)
			return nil
		},
	}
	add.Flags().StringVar(&name, "name", "", "the member's name")
	add.Flags().StringVar(&role, "role", "desk", "desk, lead or admin")
	add.Flags().StringVar(&passFile, "passphrase-file", "", "file holding their first passphrase (at least 12 characters)")
	list := &cobra.Command{
		Use:   "list",
		Short: "List staff",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, _, err := a.openSetUp(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			all, err := st.ListStaff(cmd.Context())
			if err != nil {
				return err
			}
			for _, s := range all {
				state := "active"
				if !s.Active {
					state = "deactivated"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-30s %-6s %s\n", model.Clean(s.Name, 30), s.Role, state)
			}
			return nil
		},
	}
	cmd.AddCommand(add, list)
	return cmd
}
