package main

import (
	"github.com/spf13/cobra"

	"rightsdesk/model"
)

func init() { commands = append(commands, (*app).initCommand) }

func (a *app) initCommand() *cobra.Command {
	var clinic, admin, passFile, rule, holidays, email string
	var age int
	cmd := &cobra.Command{
		Use:   "init --clinic NAME --admin NAME --passphrase-file FILE",
		Short: "Set up a new database without the desk (for scripted installs)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := model.DefaultSettings()
			if clinic == "" || admin == "" {
				return usage("--clinic and --admin are required")
			}
			set.ClinicName = clinic
			if email != "" {
				set.ClinicEmail = email
			}
			r, err := model.ParseRule(rule)
			if err != nil {
				return err
			}
			set.Rule = r
			n, err := model.ParseNation(holidays)
			if err != nil {
				return err
			}
			set.Nation = n
			set.AgeThreshold = age
			if n == model.NationUS {
				set.DateOrder = model.DateMDY
				set.TimeZone = "America/Los_Angeles"
			}
			pass, err := readSecretFile(passFile, "the admin's passphrase (--passphrase-file)")
			if err != nil {
				return err
			}
			st, err := a.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			staff, err := st.Setup(cmd.Context(), set, admin, pass, a.clock())
			if err != nil {
				return err
			}
			cmd.Printf("Set up %s in %s; %s is the first admin.\n", model.Clean(set.ClinicName, 80), st.Path(), model.Clean(staff.Name, 80))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&clinic, "clinic", "", "the clinic's name")
	f.StringVar(&email, "email", "", "the clinic's contact e-mail for patients")
	f.StringVar(&admin, "admin", "", "the first admin's name")
	f.StringVar(&passFile, "passphrase-file", "", "file holding the admin's passphrase (at least 12 characters)")
	f.StringVar(&rule, "rule", string(model.RuleUKGDPR), "rule set: uk-gdpr, eu-gdpr, hipaa or ccpa")
	f.StringVar(&holidays, "holidays", string(model.NationEnglandWales), "holiday calendar: england-and-wales, scotland, northern-ireland, us or none")
	f.IntVar(&age, "age-threshold", 16, "age under which a parent's proof is needed")
	return cmd
}
