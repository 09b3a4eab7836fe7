package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"rightsdesk/model"
)

// registerCols are what a row of the register (list --csv) needs: the
// request's own fields, its subject, and its evidence by type only, one
// "kind|document|strength|received_on" line per piece.
const registerCols = `r.reference, r.received_at, r.kind, r.channel, r.rule, r.requester_name, r.relationship,
	p.name, p.date_of_birth, p.email, p.phone, r.status, r.pause_reason, r.closed_on, r.outcome_reason,
	r.extended, r.extension_notified_on, r.extension_reason, r.details, r.notes, r.verified_on,
	coalesce((SELECT group_concat(e.kind || '|' || e.document || '|' || e.strength || '|' || e.received_on, char(10))
		FROM evidence e WHERE e.request_id = r.id), '')`

// EachRegisterRow streams every request the filter matches, in the list's
// order, with what `list --csv` writes: no staff, timeline or notes, and
// evidence by type and date only. One row is held at a time. Anonymised
// (purged) requests are left out: their patient is gone, so they could not
// be imported again, and they are kept only for the report's figures.
func (s *Store) EachRegisterRow(ctx context.Context, f Filter, fn func(model.Request) error) error {
	where, args := f.where()
	if where == "" {
		where = " WHERE r.anonymised = 0"
	} else {
		where += " AND r.anonymised = 0"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+registerCols+" FROM requests r JOIN subjects p ON p.id = r.subject_id"+where+f.order(), args...)
	if err != nil {
		return fmt.Errorf("read the register: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r model.Request
		var received, kind, channel, rule, rel, dob, status, pause, closed, notified, details, verified, evidence string
		if err := rows.Scan(&r.Reference, &received, &kind, &channel, &rule, &r.Requester.Name, &rel,
			&r.Subject.Name, &dob, &r.Subject.Email, &r.Subject.Phone, &status, &pause, &closed, &r.OutcomeReason,
			&r.Extended, &notified, &r.ExtensionReason, &details, &r.Notes, &verified, &evidence); err != nil {
			return fmt.Errorf("read the register: %w", err)
		}
		r.ReceivedAt = parseTime(received)
		r.Kind, r.Channel, r.Rule = model.Kind(kind), model.Channel(channel), model.Rule(rule)
		r.Requester.Relationship = model.Relationship(rel)
		r.Subject.DateOfBirth = parseDate(dob)
		r.Status, r.PauseReason = model.Status(status), model.PauseReason(pause)
		r.ClosedOn, r.ExtensionNotifiedOn, r.VerifiedOn = parseDate(closed), parseDate(notified), parseDate(verified)
		_ = json.Unmarshal([]byte(details), &r.Details)
		if evidence != "" {
			for _, line := range strings.Split(evidence, "\n") {
				f := strings.Split(line, "|")
				if len(f) != 4 {
					continue
				}
				r.Evidence = append(r.Evidence, model.Evidence{Kind: model.EvidenceKind(f[0]), Document: f[1], Strength: model.Strength(f[2]), ReceivedOn: parseDate(f[3])})
			}
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
