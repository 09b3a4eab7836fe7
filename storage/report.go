package storage

import (
	"context"
	"fmt"
	"time"

	"rightsdesk/model"
)

// Report builds the register's figures for the requests received from
// from to to (inclusive; zero dates leave that end open), as they stand on
// today. It streams the rows through model.ReportBuilder, so memory grows
// only with the days-to-close of answered requests.
func (s *Store) Report(ctx context.Context, from, to, today time.Time) (model.Report, error) {
	b := model.NewReportBuilder(from, to, today)
	if err := s.EachReportItem(ctx, from, to, func(it model.ReportItem) error {
		b.Add(it)
		return nil
	}); err != nil {
		return model.Report{}, err
	}
	return b.Report(), nil
}

// EachReportItem streams what the report needs of every request received
// in the period, oldest first.
func (s *Store) EachReportItem(ctx context.Context, from, to time.Time, fn func(model.ReportItem) error) error {
	q := `SELECT kind, channel, rule, status, received_on, closed_on, effective_due_on, extended, outcome_reason
		FROM requests WHERE received_on >= ? AND received_on <= ? ORDER BY received_on, id`
	lo, hi := "0000-00-00", "9999-99-99"
	if !from.IsZero() {
		lo = fmtDate(model.DateOf(from))
	}
	if !to.IsZero() {
		hi = fmtDate(model.DateOf(to))
	}
	rows, err := s.db.QueryContext(ctx, q, lo, hi)
	if err != nil {
		return fmt.Errorf("read the register for the report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var it model.ReportItem
		var kind, channel, rule, status, recv, closed, due string
		if err := rows.Scan(&kind, &channel, &rule, &status, &recv, &closed, &due, &it.Extended, &it.OutcomeReason); err != nil {
			return fmt.Errorf("read the register for the report: %w", err)
		}
		it.Kind, it.Channel, it.Rule, it.Status = model.Kind(kind), model.Channel(channel), model.Rule(rule), model.Status(status)
		it.ReceivedOn, it.ClosedOn, it.EffectiveDue = parseDate(recv), parseDate(closed), parseDate(due)
		if err := fn(it); err != nil {
			return err
		}
	}
	return rows.Err()
}
