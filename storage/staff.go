package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
)

// ThrottledError says how long to wait before the next sign-in attempt.
type ThrottledError struct{ Wait time.Duration }

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many wrong attempts for this name: wait %s before trying again", e.Wait.Round(time.Second))
}

// nameKey is how staff names are matched at sign-in: lower case, with runs
// of spaces as one, as ParseName stores them ("Dee  Desk" is Dee Desk).
func nameKey(name string) string { return strings.Join(strings.Fields(strings.ToLower(name)), " ") }

func insertStaff(tx *sql.Tx, name string, role model.Role, hash string, now time.Time) (model.Staff, error) {
	res, err := tx.Exec("INSERT INTO staff (name, name_key, role, pass_hash, created_at) VALUES (?, ?, ?, ?, ?)",
		name, nameKey(name), string(role), hash, fmtTime(now))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return model.Staff{}, ErrStaffExists
		}
		return model.Staff{}, fmt.Errorf("add staff: %w", err)
	}
	id, _ := res.LastInsertId()
	return model.Staff{ID: id, Name: name, Role: role, Active: true, CreatedAt: now}, nil
}

const staffCols = "id, name, role, active, pin_hash != '', created_at"

func scanStaff(row interface{ Scan(...any) error }) (model.Staff, error) {
	var st model.Staff
	var role, created string
	err := row.Scan(&st.ID, &st.Name, &role, &st.Active, &st.HasPIN, &created)
	st.Role = model.Role(role)
	st.CreatedAt = parseTime(created)
	return st, err
}

// checkActor re-reads the acting staff member inside the transaction: the
// role that counts is the one in the database now, not the one the caller
// remembers, and a deactivated member can do nothing.
func checkActor(tx *sql.Tx, actor model.Staff) error {
	st, err := scanStaff(tx.QueryRow("SELECT "+staffCols+" FROM staff WHERE id = ?", actor.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return model.Refuse("you are not a known staff member", "sign in again")
	}
	if err != nil {
		return fmt.Errorf("read staff: %w", err)
	}
	if !st.Active {
		return model.Refuse("your account is deactivated", "ask an admin")
	}
	if st.Role != actor.Role {
		return model.Refuse("your role changed since you signed in", "sign in again")
	}
	return nil
}

// authorise checks the actor and a permission inside a transaction.
func authorise(tx *sql.Tx, actor model.Staff, p model.Permission) error {
	if err := checkActor(tx, actor); err != nil {
		return err
	}
	return model.Check(actor.Role, p)
}

// Authenticate checks a name and passphrase. After five wrong attempts for
// a name each further attempt must wait longer (doubling, up to 15
// minutes); the count lives in the database so a restart does not reset it.
func (s *Store) Authenticate(ctx context.Context, name, passphrase string, now time.Time) (model.Staff, error) {
	return s.checkCredential(ctx, nameKey(name), 0, passphrase, false, now)
}

// UnlockWithPIN lets the same staff member back in after an idle lock.
func (s *Store) UnlockWithPIN(ctx context.Context, staffID int64, pin string, now time.Time) (model.Staff, error) {
	return s.checkCredential(ctx, "", staffID, pin, true, now)
}

// UnlockWithPassphrase lets the same staff member back in by passphrase.
func (s *Store) UnlockWithPassphrase(ctx context.Context, staffID int64, passphrase string, now time.Time) (model.Staff, error) {
	return s.checkCredential(ctx, "", staffID, passphrase, false, now)
}

func (s *Store) checkCredential(ctx context.Context, key string, id int64, secret string, pin bool, now time.Time) (model.Staff, error) {
	var st model.Staff
	var passHash, pinHash, lastFailed string
	var failed int
	row := s.db.QueryRowContext(ctx, "SELECT "+staffCols+", pass_hash, pin_hash, failed_attempts, last_failed_at FROM staff WHERE name_key = ? OR id = ?", key, id)
	var role, created string
	err := row.Scan(&st.ID, &st.Name, &role, &st.Active, &st.HasPIN, &created, &passHash, &pinHash, &failed, &lastFailed)
	st.Role, st.CreatedAt = model.Role(role), parseTime(created)
	if errors.Is(err, sql.ErrNoRows) {
		checkSecret(secret, dummyHash)
		return model.Staff{}, ErrBadLogin
	}
	if err != nil {
		return model.Staff{}, fmt.Errorf("read staff: %w", classify(err))
	}
	if wait := model.ThrottleWait(failed); wait > 0 {
		if until := parseTime(lastFailed).Add(wait); now.Before(until) {
			return model.Staff{}, &ThrottledError{Wait: until.Sub(now)}
		}
	}
	hash := passHash
	if pin {
		hash = pinHash
	}
	ok := hash != "" && checkSecret(secret, hash)
	if !st.Active {
		ok = false
	}
	err = s.write(ctx, func(tx *sql.Tx) error {
		if ok {
			if failed > 0 {
				_, err := tx.Exec("UPDATE staff SET failed_attempts = 0, last_failed_at = '' WHERE id = ?", st.ID)
				return err
			}
			return nil
		}
		if _, err := tx.Exec("UPDATE staff SET failed_attempts = failed_attempts + 1, last_failed_at = ? WHERE id = ?", fmtTime(now), st.ID); err != nil {
			return err
		}
		if failed+1 >= model.MaxFailedAttempts {
			return logEvent(tx, model.Staff{}, now, "sign_in_throttled", "", fmt.Sprintf("staff #%d: %d wrong attempts; next attempt waits %s", st.ID, failed+1, model.ThrottleWait(failed+1)))
		}
		return nil
	})
	if err != nil {
		return model.Staff{}, err
	}
	if !ok {
		return model.Staff{}, ErrBadLogin
	}
	return st, nil
}

// SetPIN sets the signed-in member's own unlock PIN.
func (s *Store) SetPIN(ctx context.Context, actor model.Staff, pin string, now time.Time) error {
	if err := model.ValidatePIN(pin); err != nil {
		return err
	}
	hash, err := hashSecret(pin)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(tx, actor); err != nil {
			return err
		}
		if _, err := tx.Exec("UPDATE staff SET pin_hash = ? WHERE id = ?", hash, actor.ID); err != nil {
			return fmt.Errorf("save PIN: %w", err)
		}
		return logEvent(tx, actor, now, "pin_set", "", fmt.Sprintf("staff #%d set an unlock PIN", actor.ID))
	})
}

// AddStaff adds a staff member (admins).
func (s *Store) AddStaff(ctx context.Context, actor model.Staff, name string, role model.Role, passphrase string, now time.Time) (model.Staff, error) {
	n, err := model.ParseName(name)
	if err != nil {
		return model.Staff{}, err
	}
	if _, err := model.ParseRole(string(role)); err != nil {
		return model.Staff{}, err
	}
	if err := model.ValidatePassphrase(passphrase); err != nil {
		return model.Staff{}, err
	}
	hash, err := hashSecret(passphrase)
	if err != nil {
		return model.Staff{}, err
	}
	var st model.Staff
	err = s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermManageStaff); err != nil {
			return err
		}
		st, err = insertStaff(tx, n, role, hash, now)
		if err != nil {
			return err
		}
		return logEvent(tx, actor, now, "staff_added", "", fmt.Sprintf("staff #%d %s added as %s", st.ID, st.Name, role))
	})
	return st, err
}

// SetRole changes a member's role (admins). An admin cannot demote the
// last active admin.
func (s *Store) SetRole(ctx context.Context, actor model.Staff, staffID int64, role model.Role, now time.Time) error {
	if _, err := model.ParseRole(string(role)); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermManageStaff); err != nil {
			return err
		}
		target, err := scanStaff(tx.QueryRow("SELECT "+staffCols+" FROM staff WHERE id = ?", staffID))
		if err != nil {
			return fmt.Errorf("read staff #%d: %w", staffID, err)
		}
		if target.Role == model.RoleAdmin && role != model.RoleAdmin {
			if err := keepAnAdmin(tx, staffID); err != nil {
				return err
			}
		}
		if _, err := tx.Exec("UPDATE staff SET role = ? WHERE id = ?", string(role), staffID); err != nil {
			return err
		}
		return logEvent(tx, actor, now, "role_changed", "", fmt.Sprintf("staff #%d %s: %s → %s", staffID, target.Name, target.Role, role))
	})
}

func keepAnAdmin(tx *sql.Tx, except int64) error {
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1 AND id != ?", except).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return model.Refuse("this is the last active admin", "make another member admin first")
	}
	return nil
}

// ResetPassphrase sets a new passphrase for a member (admins) and clears
// their PIN and throttle.
func (s *Store) ResetPassphrase(ctx context.Context, actor model.Staff, staffID int64, passphrase string, now time.Time) error {
	if err := model.ValidatePassphrase(passphrase); err != nil {
		return err
	}
	hash, err := hashSecret(passphrase)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermManageStaff); err != nil {
			return err
		}
		res, err := tx.Exec("UPDATE staff SET pass_hash = ?, pin_hash = '', failed_attempts = 0, last_failed_at = '' WHERE id = ?", hash, staffID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Refuse("no such staff member", "choose one from the staff list")
		}
		return logEvent(tx, actor, now, "passphrase_reset", "", fmt.Sprintf("staff #%d", staffID))
	})
}

// SetActive deactivates or reactivates a member (admins). Staff are never
// deleted: the audit trail names them.
func (s *Store) SetActive(ctx context.Context, actor model.Staff, staffID int64, active bool, now time.Time) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, model.PermManageStaff); err != nil {
			return err
		}
		if !active {
			if staffID == actor.ID {
				return model.Refuse("you cannot deactivate yourself", "ask another admin")
			}
			if err := keepAnAdmin(tx, staffID); err != nil {
				var role string
				_ = tx.QueryRow("SELECT role FROM staff WHERE id = ?", staffID).Scan(&role)
				if role == string(model.RoleAdmin) {
					return err
				}
			}
		}
		res, err := tx.Exec("UPDATE staff SET active = ? WHERE id = ?", active, staffID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return model.Refuse("no such staff member", "choose one from the staff list")
		}
		action := "staff_deactivated"
		if active {
			action = "staff_reactivated"
		}
		return logEvent(tx, actor, now, action, "", fmt.Sprintf("staff #%d", staffID))
	})
}

// ListStaff lists every member, active or not.
func (s *Store) ListStaff(ctx context.Context) ([]model.Staff, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+staffCols+" FROM staff ORDER BY name_key")
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var out []model.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// StaffByName finds a member by name.
func (s *Store) StaffByName(ctx context.Context, name string) (model.Staff, error) {
	st, err := scanStaff(s.db.QueryRowContext(ctx, "SELECT "+staffCols+" FROM staff WHERE name_key = ?", nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return st, model.Refuse("no staff member has that name", "check the spelling")
	}
	return st, err
}
