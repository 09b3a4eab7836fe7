package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

func init() { commands = append(commands, (*app).listCommand) }

func (a *app) listCommand() *cobra.Command {
	var asJSON, asCSV, overdue, open, closed bool
	var status, kind string
	cmd := &cobra.Command{
		Use:   "list [--json|--csv] [--status S] [--kind K] [--overdue] [--open|--closed]",
		Short: "List the register, one request a row (open first, most urgent first)",
		Long: `List prints the register: every request, or those the filters choose, open
ones first by the deadline in force, then closed ones. The plain table is for
people; --json (an array of objects) and --csv (the import's columns, so the
output imports into another database) are for tools, and are documented in
the README. Rows are streamed, never all held in memory.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON && asCSV {
				return usage("choose one of --json and --csv")
			}
			if open && closed {
				return usage("choose one of --open and --closed")
			}
			if overdue && closed {
				return usage("--overdue lists open requests: it cannot go with --closed")
			}
			f := storage.Filter{Scope: storage.ScopeAll, Overdue: overdue}
			switch {
			case open:
				f.Scope = storage.ScopeOpen
			case closed:
				f.Scope = storage.ScopeClosed
			}
			if status != "" {
				s, err := model.ParseStatus(status)
				if err != nil {
					return err
				}
				f.Status = s
			}
			if kind != "" {
				k, err := model.ParseKind(kind)
				if err != nil {
					return err
				}
				f.Kind = k
			}
			return a.runList(cmd, f, asJSON, asCSV)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&asJSON, "json", false, "write a JSON array (see the README for its fields)")
	fl.BoolVar(&asCSV, "csv", false, "write CSV with the import's columns")
	fl.StringVar(&status, "status", "", "only this status: "+joinIDs(model.Statuses))
	fl.StringVar(&kind, "kind", "", "only this kind: "+joinIDs(model.Kinds))
	fl.BoolVar(&overdue, "overdue", false, "only open requests past the deadline in force (not paused)")
	fl.BoolVar(&open, "open", false, "only open requests")
	fl.BoolVar(&closed, "closed", false, "only closed requests")
	return cmd
}

// noArgs refuses stray arguments with exit status 2.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usage("%s takes no arguments (see %s --help)", cmd.Name(), cmd.CommandPath())
	}
	return nil
}

func joinIDs[T ~string](all []T) string {
	s := make([]string, len(all))
	for i, v := range all {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

func (a *app) runList(cmd *cobra.Command, f storage.Filter, asJSON, asCSV bool) error {
	ctx := cmd.Context()
	st, set, err := a.openSetUp(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	today := model.DateOf(a.clock().In(set.Location()))
	f.Today = today
	w := bufio.NewWriterSize(cmd.OutOrStdout(), 1<<16)
	switch {
	case asJSON:
		err = writeListJSON(ctx, st, f, set, today, w)
	case asCSV:
		err = writeListCSV(ctx, st, f, w)
	default:
		err = writeListTable(ctx, st, f, today, w)
	}
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write the list: %w", err)
	}
	return nil
}

// writeListJSON streams the JSON array element by element: one request's
// bytes are built, written and reused for the next.
func writeListJSON(ctx context.Context, st *storage.Store, f storage.Filter, set model.Settings, today time.Time, w io.Writer) error {
	var buf []byte
	first := true
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	err := st.EachSummary(ctx, f, func(s model.Summary) error {
		buf = buf[:0]
		if first {
			buf = append(buf, '\n')
			first = false
		} else {
			buf = append(buf, ",\n"...)
		}
		buf = appendSummaryJSON(buf, s, set, today)
		_, err := w.Write(buf)
		return err
	})
	if err != nil {
		return err
	}
	end := "\n]\n"
	if first {
		end = "]\n"
	}
	_, err = io.WriteString(w, end)
	return err
}

// appendSummaryJSON writes one list element. The field names are a
// contract (cmd/rightsdesk/schema/list.schema.json): add, never rename.
func appendSummaryJSON(b []byte, s model.Summary, set model.Settings, today time.Time) []byte {
	closed := s.Status.Closed()
	b = append(b, `{"reference":`...)
	b = appendJSONString(b, s.Reference)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(s.Kind))
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(s.Status))
	b = append(b, `,"pause_reason":`...)
	b = appendJSONStringOrNull(b, string(s.PauseReason))
	b = append(b, `,"channel":`...)
	b = appendJSONString(b, string(s.Channel))
	b = append(b, `,"rule":`...)
	b = appendJSONString(b, string(s.Rule))
	b = append(b, `,"received_on":`...)
	b = appendJSONDate(b, s.ReceivedOn)
	b = append(b, `,"clock_started_on":`...)
	b = appendJSONDate(b, s.ClockStart)
	b = append(b, `,"due_on":`...)
	b = appendJSONDate(b, s.DueOn)
	b = append(b, `,"effective_due_on":`...)
	b = appendJSONDate(b, s.EffectiveDue)
	b = append(b, `,"extended":`...)
	b = strconv.AppendBool(b, s.Extended)
	b = append(b, `,"extended_due_on":`...)
	b = appendJSONDate(b, s.ExtendedDueOn)
	b = append(b, `,"days_left":`...)
	if closed || s.EffectiveDue.IsZero() {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(s.DaysLeft(today)), 10)
	}
	b = append(b, `,"overdue":`...)
	b = strconv.AppendBool(b, !closed && s.Status != model.StatusPaused && !s.EffectiveDue.IsZero() && s.EffectiveDue.Before(today))
	b = append(b, `,"paused_days":`...)
	b = strconv.AppendInt(b, int64(s.PausedDaysOn(today)), 10)
	b = append(b, `,"closed_on":`...)
	b = appendJSONDate(b, s.ClosedOn)
	b = append(b, `,"closed_on_time":`...)
	if !closed || s.Status == model.StatusWithdrawn || s.EffectiveDue.IsZero() {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendBool(b, !s.ClosedOn.After(s.EffectiveDue))
	}
	age := model.AgeOn(s.SubjectDOB, s.ReceivedOn)
	b = append(b, `,"subject":{"name":`...)
	b = appendJSONString(b, s.SubjectName)
	b = append(b, `,"date_of_birth":`...)
	b = appendJSONDate(b, s.SubjectDOB)
	b = append(b, `,"age_at_receipt":`...)
	b = strconv.AppendInt(b, int64(age), 10)
	b = append(b, `,"under_threshold":`...)
	b = strconv.AppendBool(b, !s.SubjectDOB.IsZero() && age < set.AgeThreshold)
	b = append(b, `},"requester":{"name":`...)
	b = appendJSONString(b, s.RequesterName)
	b = append(b, `,"relationship":`...)
	b = appendJSONString(b, string(s.Relationship))
	b = append(b, `},"verified":`...)
	b = strconv.AppendBool(b, s.Verified)
	b = append(b, `,"missing":[`...)
	for i, m := range s.Missing {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, m)
	}
	b = append(b, "]}"...)
	return b
}

func appendJSONDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, "2006-01-02")
	return append(b, '"')
}

func appendJSONStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendJSONString(b, s)
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string: quotes, backslashes and
// control characters escaped (so no terminal escape reaches a terminal
// raw), U+2028 and U+2029 escaped for JavaScript, invalid UTF-8 replaced.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' || (r >= 0x80 && r < 0xa0) {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// writeListCSV writes the import's columns, one request a row, each cell
// guarded against formula injection in a way the import undoes
// (model.EscapeCell), so the output imports into the same register.
func writeListCSV(ctx context.Context, st *storage.Store, f storage.Filter, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(model.ImportColumns); err != nil {
		return err
	}
	rec := make([]string, len(model.ImportColumns))
	err := st.EachRegisterRow(ctx, f, func(r model.Request) error {
		for i, v := range r.ImportCells() {
			rec[i] = model.EscapeCell(v)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Table columns and their widths in terminal cells.
var listColumns = []struct {
	title string
	width int
}{
	{"REFERENCE", 14}, {"KIND", 16}, {"STATUS", 21}, {"RECEIVED", 10}, {"DUE/CLOSED", 10}, {"DAYS", 5}, {"SUBJECT", 24}, {"REQUESTER", 24},
}

// writeListTable writes a plain table for people: every field cleaned of
// terminal control sequences and cut to its column.
func writeListTable(ctx context.Context, st *storage.Store, f storage.Filter, today time.Time, w io.Writer) error {
	titles := make([]string, len(listColumns))
	for i, c := range listColumns {
		titles[i] = c.title
	}
	var line []byte
	write := func(cells []string) error {
		line = line[:0]
		for i, c := range listColumns {
			v := model.Clean(cells[i], 0)
			if ansi.StringWidth(v) > c.width {
				v = ansi.Truncate(v, c.width, "…")
			}
			line = append(line, v...)
			if i < len(listColumns)-1 {
				line = append(line, strings.Repeat(" ", c.width-ansi.StringWidth(v)+1)...)
			}
		}
		line = append(strTrimRight(line), '\n')
		_, err := w.Write(line)
		return err
	}
	if err := write(titles); err != nil {
		return err
	}
	n := 0
	err := st.EachSummary(ctx, f, func(s model.Summary) error {
		n++
		due, days := fmtDay(s.EffectiveDue), ""
		switch {
		case s.Status.Closed():
			due = fmtDay(s.ClosedOn)
			days = "done"
		case !s.EffectiveDue.IsZero():
			days = strconv.Itoa(s.DaysLeft(today))
		}
		requester := s.RequesterName
		if s.Relationship.ActsForOther() {
			requester += " (" + string(s.Relationship) + ")"
		} else if requester == "" {
			requester = "(the patient)"
		}
		status := s.Status.Label()
		if s.Status == model.StatusPaused {
			status += fmt.Sprintf(" %dd", s.PausedDaysOn(today))
		}
		return write([]string{s.Reference, s.Kind.Label(), status, fmtDay(s.ReceivedOn), due, days, s.SubjectName, requester})
	})
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = io.WriteString(w, "No requests match.\n")
	}
	return err
}

func strTrimRight(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
