package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"rightsdesk/model"
)

var folder = cases.Fold()

// foldKey is how names are matched: NFKC, case-folded, spaces collapsed.
func foldKey(name string) string {
	return strings.Join(strings.Fields(folder.String(norm.NFKC.String(name))), " ")
}

// upsertSubject finds the subject by name and date of birth or adds them,
// and keeps contact details current.
func upsertSubject(tx rowWriter, sub model.Subject) (int64, error) {
	key := foldKey(sub.Name)
	dob := fmtDate(sub.DateOfBirth)
	var id int64
	err := tx.QueryRow(subjectFind, key, dob).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		res, err := tx.Exec(subjectInsert, subjectArgs(sub, key, dob)...)
		if err != nil {
			return 0, fmt.Errorf("add patient: %w", err)
		}
		return res.LastInsertId()
	}
	if err != nil {
		return 0, fmt.Errorf("find patient: %w", err)
	}
	if _, err = tx.Exec(subjectUpdate, subjectUpdateArgs(sub, id)...); err != nil {
		return 0, fmt.Errorf("update patient: %w", err)
	}
	return id, nil
}

// The statements of upsertSubject; the import runs the same ones for many
// patients at once (importWriter).
const (
	// subjectFind finds a patient by folded name and date of birth.
	subjectFind = "SELECT id FROM subjects WHERE name_key = ? AND date_of_birth = ? AND anonymised = 0 ORDER BY id LIMIT 1"
	// subjectFindMany is subjectFind for a JSON array of [name_key,
	// date_of_birth] pairs: each pair's position and patient (or NULL).
	subjectFindMany = `SELECT j.key, (SELECT id FROM subjects WHERE name_key = j.value ->> 0 AND date_of_birth = j.value ->> 1 AND anonymised = 0 ORDER BY id LIMIT 1)
		FROM json_each(?) j`
	// subjectInsert adds a patient.
	subjectInsert = "INSERT INTO subjects (name, name_key, date_of_birth, email, phone, address, restriction) VALUES (?, ?, ?, ?, ?, ?, ?)"
	// subjectUpdate keeps a known patient's contact details, replacing
	// those the request gives.
	subjectUpdate = `UPDATE subjects SET
		email = CASE WHEN ? != '' THEN ? ELSE email END,
		phone = CASE WHEN ? != '' THEN ? ELSE phone END,
		address = CASE WHEN ? != '' THEN ? ELSE address END,
		restriction = CASE WHEN ? != '' THEN ? ELSE restriction END
		WHERE id = ?`
)

func subjectArgs(sub model.Subject, key, dob string) []any {
	return []any{sub.Name, key, dob, sub.Email, sub.Phone, sub.Address, sub.Restriction}
}

func subjectUpdateArgs(sub model.Subject, id int64) []any {
	return []any{sub.Email, sub.Email, sub.Phone, sub.Phone, sub.Address, sub.Address, sub.Restriction, sub.Restriction, id}
}

// DuplicateOpen lists the references of open requests for the same patient
// (name and date of birth), for the desk's duplicate warning.
func (s *Store) DuplicateOpen(ctx context.Context, name string, dob time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.reference FROM subjects p JOIN requests r ON r.subject_id = p.id
		WHERE p.name_key = ? AND p.date_of_birth = ? AND r.open = 1 ORDER BY r.id`, foldKey(name), fmtDate(dob))
	if err != nil {
		return nil, fmt.Errorf("look for duplicates: %w", err)
	}
	defer rows.Close()
	var refs []string
	for rows.Next() {
		var ref string
		if err := rows.Scan(&ref); err != nil {
			return nil, err
		}
		refs = append(refs, ref)
	}
	return refs, rows.Err()
}

// SetRestriction records a limit on who may act for a patient (HIPAA
// personal-representative exceptions); the desk is warned from then on.
func (s *Store) SetRestriction(ctx context.Context, actor model.Staff, ref, restriction string, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermVerify); err != nil {
			return err
		}
		res, err := tx.Exec("UPDATE subjects SET restriction = ? WHERE id = (SELECT subject_id FROM requests WHERE reference = ?)", model.CleanText(restriction, 500), ref)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return logEvent(tx, actor, now, string(model.ActRestrict), ref, "restriction on representatives recorded")
	})
}
