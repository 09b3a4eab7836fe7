package storage

import (
	"context"
	"database/sql"
	"fmt"

	"rightsdesk/model"
)

// evidenceInsert saves one piece of evidence; the import writes many
// rows at once with the same statement (bulkInsert).
const evidenceInsert = `INSERT INTO evidence (request_id, kind, method, document, issuing_country, last4, expiry_checked, photo_matched, strength, description, received_on, checked_by, checked_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// evidenceArgs are evidenceInsert's arguments.
func evidenceArgs(requestID int64, e model.Evidence) []any {
	return []any{requestID, string(e.Kind), string(e.Method), e.Document, e.IssuingCountry, e.Last4, e.ExpiryChecked, e.PhotoMatched, string(e.Strength), e.Description, fmtDate(e.ReceivedOn), nullID(e.CheckedBy), fmtTime(e.CheckedAt)}
}

func insertEvidence(tx rowWriter, requestID int64, e model.Evidence) error {
	if _, err := tx.Exec(evidenceInsert, evidenceArgs(requestID, e)...); err != nil {
		return fmt.Errorf("record evidence: %w", err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

type rowsQueryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func loadEvidence(ctx context.Context, q rowsQueryer, requestID int64) ([]model.Evidence, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.kind, e.method, e.document, e.issuing_country, e.last4, e.expiry_checked, e.photo_matched, e.strength, e.description, e.received_on, coalesce(e.checked_by, 0), coalesce(s.name, ''), e.checked_at
		FROM evidence e LEFT JOIN staff s ON s.id = e.checked_by WHERE e.request_id = ? ORDER BY e.id`, requestID)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer rows.Close()
	var out []model.Evidence
	for rows.Next() {
		var e model.Evidence
		var kind, method, strength, recv, at string
		if err := rows.Scan(&e.ID, &kind, &method, &e.Document, &e.IssuingCountry, &e.Last4, &e.ExpiryChecked, &e.PhotoMatched, &strength, &e.Description, &recv, &e.CheckedBy, &e.CheckedByName, &at); err != nil {
			return nil, fmt.Errorf("read evidence: %w", err)
		}
		e.Kind, e.Method, e.Strength = model.EvidenceKind(kind), model.Method(method), model.Strength(strength)
		e.ReceivedOn, e.CheckedAt = parseDate(recv), parseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
