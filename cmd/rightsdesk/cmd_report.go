package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rightsdesk/model"
)

func init() { commands = append(commands, (*app).reportCommand) }

func (a *app) reportCommand() *cobra.Command {
	var asJSON bool
	var fromFlag, toFlag string
	cmd := &cobra.Command{
		Use:   "report [--json] [--from DATE] [--to DATE]",
		Short: "The register's figures for requests received in a period",
		Long: `Report counts the requests received in a period (both ends included; all of
them without --from and --to): by kind, channel, rule and month; closed on
time and late; median and 90th percentile days to close; extensions used;
refusals by reason; those open and overdue today; and per kind the figures
CCPA's yearly metrics ask for. Dates are YYYY-MM-DD or the clinic's order.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			st, set, err := a.openSetUp(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			from, err := reportDate("--from", fromFlag, set.DateOrder)
			if err != nil {
				return err
			}
			to, err := reportDate("--to", toFlag, set.DateOrder)
			if err != nil {
				return err
			}
			if !from.IsZero() && !to.IsZero() && to.Before(from) {
				return usage("--to is before --from: give the period's first day with --from and its last with --to")
			}
			today := model.DateOf(a.clock().In(set.Location()))
			rep, err := st.Report(ctx, from, to, today)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(reportView(rep))
			}
			return writeReportText(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "write JSON (see the README for its fields)")
	cmd.Flags().StringVar(&fromFlag, "from", "", "first day of the period (requests received on or after it)")
	cmd.Flags().StringVar(&toFlag, "to", "", "last day of the period (requests received on or before it)")
	return cmd
}

func reportDate(flag, v string, order model.DateOrder) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := model.ParseDate(v, order)
	if err != nil {
		return time.Time{}, usage("%s: %v", flag, err)
	}
	return d, nil
}

// The report --json document. Field names are a contract
// (schema/report.schema.json): add, never rename.
type reportJSON struct {
	From              jsonDate          `json:"from"`
	To                jsonDate          `json:"to"`
	Today             jsonDate          `json:"today"`
	Received          int               `json:"received"`
	ByKind            []countJSON       `json:"by_kind"`
	ByChannel         []countJSON       `json:"by_channel"`
	ByRule            []countJSON       `json:"by_rule"`
	ByStatus          []countJSON       `json:"by_status"`
	ByMonth           []countJSON       `json:"by_month"`
	Closed            int               `json:"closed"`
	Answered          int               `json:"answered"`
	Withdrawn         int               `json:"withdrawn"`
	OnTime            int               `json:"on_time"`
	Late              int               `json:"late"`
	OnTimePercent     float64           `json:"on_time_percent"`
	LatePercent       float64           `json:"late_percent"`
	MedianDaysToClose *int              `json:"median_days_to_close"`
	P90DaysToClose    *int              `json:"p90_days_to_close"`
	Extended          int               `json:"extensions_used"`
	ExtendedPercent   float64           `json:"extensions_percent"`
	Refused           int               `json:"refused"`
	PartiallyDone     int               `json:"partially_completed"`
	RefusalsByReason  []reasonJSON      `json:"refusals_by_reason"`
	OpenNow           int               `json:"open_now"`
	OverdueNow        int               `json:"overdue_now"`
	ByKindMetrics     []kindMetricsJSON `json:"by_kind_metrics"`
}

type countJSON struct {
	Key     string  `json:"key"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

type reasonJSON struct {
	Reason             string `json:"reason"`
	Refused            int    `json:"refused"`
	PartiallyCompleted int    `json:"partially_completed"`
	Total              int    `json:"total"`
}

type kindMetricsJSON struct {
	Kind               model.Kind `json:"kind"`
	Received           int        `json:"received"`
	Completed          int        `json:"completed"`
	PartiallyCompleted int        `json:"partially_completed"`
	Refused            int        `json:"refused"`
	Withdrawn          int        `json:"withdrawn"`
	Open               int        `json:"open"`
	MedianDaysToClose  *int       `json:"median_days_to_close"`
}

func countsJSON(cs []model.Count) []countJSON {
	out := make([]countJSON, len(cs))
	for i, c := range cs {
		out[i] = countJSON{Key: c.Key, Count: c.N, Percent: c.Percent}
	}
	return out
}

func intIf(ok bool, n int) *int {
	if !ok {
		return nil
	}
	return &n
}

func reportView(r model.Report) reportJSON {
	v := reportJSON{
		From: jsonDate(r.From), To: jsonDate(r.To), Today: jsonDate(r.Today),
		Received: r.Received, ByKind: countsJSON(r.ByKind), ByChannel: countsJSON(r.ByChannel),
		ByRule: countsJSON(r.ByRule), ByStatus: countsJSON(r.ByStatus), ByMonth: countsJSON(r.ByMonth),
		Closed: r.Closed, Answered: r.Answered, Withdrawn: r.Withdrawn, OnTime: r.OnTime, Late: r.Late,
		OnTimePercent: r.OnTimePercent, LatePercent: r.LatePercent,
		MedianDaysToClose: intIf(r.Answered > 0, r.MedianDaysToClose), P90DaysToClose: intIf(r.Answered > 0, r.P90DaysToClose),
		Extended: r.Extended, ExtendedPercent: r.ExtendedPercent, Refused: r.Refused, PartiallyDone: r.PartiallyDone,
		RefusalsByReason: make([]reasonJSON, 0, len(r.RefusalsByReason)),
		OpenNow:          r.OpenNow, OverdueNow: r.OverdueNow,
		ByKindMetrics: make([]kindMetricsJSON, 0, len(r.ByKindMetrics)),
	}
	for _, rc := range r.RefusalsByReason {
		v.RefusalsByReason = append(v.RefusalsByReason, reasonJSON{Reason: rc.Reason, Refused: rc.Refused, PartiallyCompleted: rc.Partially, Total: rc.Total})
	}
	for _, m := range r.ByKindMetrics {
		v.ByKindMetrics = append(v.ByKindMetrics, kindMetricsJSON{
			Kind: m.Kind, Received: m.Received, Completed: m.Completed, PartiallyCompleted: m.PartiallyCompleted,
			Refused: m.Refused, Withdrawn: m.Withdrawn, Open: m.Open, MedianDaysToClose: intIf(m.Answered > 0, m.MedianDaysToClose),
		})
	}
	return v
}

// writeReportText is the report for people.
func writeReportText(w io.Writer, r model.Report) error {
	var b strings.Builder
	period := "all requests"
	switch {
	case !r.From.IsZero() && !r.To.IsZero():
		period = fmt.Sprintf("requests received %s to %s", fmtDay(r.From), fmtDay(r.To))
	case !r.From.IsZero():
		period = "requests received from " + fmtDay(r.From)
	case !r.To.IsZero():
		period = "requests received up to " + fmtDay(r.To)
	}
	fmt.Fprintf(&b, "Register report: %s, as of %s\n\n", period, fmtDay(r.Today))
	fmt.Fprintf(&b, "Received               %d\n", r.Received)
	fmt.Fprintf(&b, "Open now               %d (%d overdue)\n", r.OpenNow, r.OverdueNow)
	fmt.Fprintf(&b, "Closed                 %d (%d answered, %d withdrawn)\n", r.Closed, r.Answered, r.Withdrawn)
	if r.Answered > 0 {
		fmt.Fprintf(&b, "  on time              %d (%.1f%%)\n", r.OnTime, r.OnTimePercent)
		fmt.Fprintf(&b, "  late                 %d (%.1f%%)\n", r.Late, r.LatePercent)
		fmt.Fprintf(&b, "  days to close        median %d, 90th percentile %d\n", r.MedianDaysToClose, r.P90DaysToClose)
	}
	fmt.Fprintf(&b, "Extensions used        %d (%.1f%%)\n", r.Extended, r.ExtendedPercent)
	fmt.Fprintf(&b, "Refused                %d, partially completed %d\n", r.Refused, r.PartiallyDone)
	section := func(title string, cs []model.Count, label func(string) string) {
		fmt.Fprintf(&b, "\n%s\n", title)
		for _, c := range cs {
			fmt.Fprintf(&b, "  %-26s %7d  %5.1f%%\n", label(c.Key), c.N, c.Percent)
		}
	}
	section("By kind", r.ByKind, func(k string) string { return model.Kind(k).Label() })
	section("By channel", r.ByChannel, func(k string) string { return k })
	section("By rule", r.ByRule, func(k string) string { return model.Rule(k).Label() })
	section("By status", r.ByStatus, func(k string) string { return model.Status(k).Label() })
	section("By month received", r.ByMonth, func(k string) string { return k })
	if len(r.RefusalsByReason) > 0 {
		b.WriteString("\nRefusals by reason (whole / partial)\n")
		for _, rc := range r.RefusalsByReason {
			fmt.Fprintf(&b, "  %5d / %-5d %s\n", rc.Refused, rc.Partially, model.Clean(rc.Reason, 100))
		}
	}
	b.WriteString("\nPer kind (CCPA metrics: received, complied in whole / in part, denied, median days)\n")
	for _, m := range r.ByKindMetrics {
		med := "-"
		if m.Answered > 0 {
			med = fmt.Sprint(m.MedianDaysToClose)
		}
		fmt.Fprintf(&b, "  %-26s %6d %6d %6d %6d %6s\n", m.Kind.Label(), m.Received, m.Completed, m.PartiallyCompleted, m.Refused, med)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
