package storage

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"rightsdesk/model"
)

// TestMigration8OpenOnlyIndexesAndShortKeys: migration 00008 makes the
// queue's indexes hold open requests only and cuts the register's import
// keys to 128 bits, so that a file imported before it is still known
// after it (importing it again adds nothing); and it goes back down.
func TestMigration8OpenOnlyIndexesAndShortKeys(t *testing.T) {
	e := newTestEnv(t)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, e.db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(e.ctx, 7); err != nil {
		t.Fatal(err)
	}
	reqs := impMany(e.Lead, 40)
	src := func(keyLen int) ImportSource {
		return func(c model.Ctx, yield func(model.ImportRow) error) error {
			for i, r := range reqs {
				key := fmt.Sprintf("%x", sha256.Sum256([]byte{byte(i)}))[:keyLen] // a short key is the long one's start
				if err := yield(model.ImportRow{Line: i + 2, Request: r, Key: key, Detail: "d"}); err != nil {
					return err
				}
			}
			return nil
		}
	}
	res, err := e.Import(e.ctx, e.Lead, ImportOptions{}, src(64), testNow)
	if err != nil || res.Added != len(reqs) {
		t.Fatalf("import before the migration: %+v %v", res, err)
	}
	indexes := func() string {
		return impQuery(t, e.Store, "SELECT name, sql FROM sqlite_schema WHERE name IN ('requests_open_due', 'requests_open_status_due') ORDER BY name") +
			impQuery(t, e.Store, "SELECT idx, stat FROM sqlite_stat1 WHERE idx IN ('requests_open_due', 'requests_open_status_due') ORDER BY idx")
	}
	if got := indexes(); strings.Contains(got, "WHERE") || strings.Count(got, "100000 50000") != 2 {
		t.Errorf("before the migration:\n%s", got)
	}
	if _, err := p.Up(e.ctx); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); strings.Count(got, "WHERE open = 1") != 2 || strings.Count(got, "50000 50000") != 2 {
		t.Errorf("after the migration:\n%s", got)
	}
	var long, short int
	if err := e.db.QueryRow("SELECT count(*) FILTER (WHERE length(import_key) = 64), count(*) FILTER (WHERE length(import_key) = 32) FROM requests").Scan(&long, &short); err != nil {
		t.Fatal(err)
	}
	if long != 0 || short != len(reqs) {
		t.Errorf("import keys after the migration: %d of 64 characters, %d of 32", long, short)
	}
	res, err = e.Import(e.ctx, e.Lead, ImportOptions{}, src(32), testNow)
	if err != nil || res.Added != 0 || res.Present != len(reqs) {
		t.Errorf("the same file imported after the migration: %+v %v", res, err)
	}
	if _, err := p.DownTo(e.ctx, 7); err != nil {
		t.Fatal(err)
	}
	if got := indexes(); strings.Contains(got, "WHERE") || strings.Count(got, "100000 50000") != 2 {
		t.Errorf("after going back down:\n%s", got)
	}
}
