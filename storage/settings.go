package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"rightsdesk/model"
)

// Settings reads the clinic's settings; ErrNotSetUp before first run.
func (s *Store) Settings(ctx context.Context) (model.Settings, error) {
	return readSettings(ctx, s.db)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func readSettings(ctx context.Context, q queryer) (model.Settings, error) {
	var raw string
	err := q.QueryRowContext(ctx, "SELECT json FROM settings WHERE id = 1").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Settings{}, ErrNotSetUp
	}
	if err != nil {
		return model.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	st := model.DefaultSettings()
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return model.Settings{}, fmt.Errorf("read settings: %w", err)
	}
	return st, nil
}

func writeSettings(tx *sql.Tx, st model.Settings) error {
	raw, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("encode settings: %w", err)
	}
	_, err = tx.Exec("INSERT INTO settings (id, json) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET json = excluded.json", string(raw))
	if err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

// IsSetUp is true once the clinic has settings and an admin.
func (s *Store) IsSetUp(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM staff").Scan(&n); err != nil {
		return false, fmt.Errorf("read staff: %w", err)
	}
	return n > 0, nil
}

// Setup creates the clinic's settings and its first admin in one
// transaction. It refuses when the clinic is already set up.
func (s *Store) Setup(ctx context.Context, st model.Settings, adminName, passphrase string, now time.Time) (model.Staff, error) {
	if err := st.Validate(); err != nil {
		return model.Staff{}, err
	}
	name, err := model.ParseName(adminName)
	if err != nil {
		return model.Staff{}, err
	}
	if err := model.ValidatePassphrase(passphrase); err != nil {
		return model.Staff{}, err
	}
	hash, err := hashSecret(passphrase)
	if err != nil {
		return model.Staff{}, err
	}
	var admin model.Staff
	err = s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM staff").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadySetUp
		}
		if err := writeSettings(tx, st); err != nil {
			return err
		}
		admin, err = insertStaff(tx, name, model.RoleAdmin, hash, now)
		if err != nil {
			return err
		}
		return logEvent(tx, admin, now, "clinic_set_up", "", fmt.Sprintf("rule %s; holidays %s; age threshold %d; first admin added", st.Rule, st.Nation, st.AgeThreshold))
	})
	return admin, err
}

// SaveSettings changes the clinic's settings (admins). Requests already
// logged keep their rule set: only new requests take the new one.
func (s *Store) SaveSettings(ctx context.Context, actor model.Staff, st model.Settings, now time.Time) error {
	if err := model.Check(actor.Role, model.PermSettings); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(tx, actor); err != nil {
			return err
		}
		if err := writeSettings(tx, st); err != nil {
			return err
		}
		return logEvent(tx, actor, now, "settings_changed", "", fmt.Sprintf("rule %s; holidays %s; age threshold %d; child policy %s; idle lock %d min; retention %d years", st.Rule, st.Nation, st.AgeThreshold, st.ChildPolicy, st.IdleLockMinutes, st.RetentionYears))
	})
}

// Meta reads a fact about the store (for example when the chain was last
// verified); "" when unset.
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta records a fact about the store.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
		return err
	})
}
