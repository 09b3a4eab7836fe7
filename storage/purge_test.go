package storage

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rightsdesk/model"
)

// trustRawBytes reads every file of a closed database: the file, its
// write-ahead log and the attachments folder.
func trustRawBytes(t testing.TB, dbPath string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-journal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	_ = filepath.WalkDir(dbPath+".files", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all = append(all, b...)
		}
		return nil
	})
	return all
}

type purgeFixture struct {
	s                            *Store
	admin, lead                  model.Staff
	old, oldRep, oldShared       model.Request // closed in 2015: purged
	oldOpen, recent, newerShared model.Request // kept
	att                          Attachment
}

// purgeWorld logs requests from 2015 to 2026: three closed more than six
// years before trustNow, one from 2015 still open, one closed last year,
// and a newer open request of a patient whose old one is purged.
func purgeWorld(t *testing.T) *purgeFixture {
	ctx := context.Background()
	s, admin := trustStore(t)
	f := &purgeFixture{s: s, admin: admin, lead: trustStaff(t, s, admin, "Lee Lead", model.RoleLead)}
	in2015 := time.Date(2015, 1, 10, 12, 0, 0, 0, time.UTC)
	closed2015 := time.Date(2015, 2, 1, 12, 0, 0, 0, time.UTC)

	r := trustRequest("Zebedee Quixotic", in2015)
	r.Subject.Email = "zebedee.q@example.org"
	r.Subject.Phone = "+44 7700 900123"
	r.Subject.Address = "12 Quixotic Lane"
	r.Details.Summary = "ZEBEDEE-SUMMARY wants his scans"
	r.Notes = "ZEBEDEE-INTAKE-NOTE"
	f.old = trustLog(t, s, admin, r, in2015)
	if err := s.AddNote(ctx, admin, f.old.Reference, "ZEBEDEE-NOTE called back", in2015); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "zebedee-records.txt")
	os.WriteFile(src, []byte("ZEBEDEE-ATTACHMENT-CONTENT"), 0o600)
	att, err := s.AttachFile(ctx, admin, f.old.Reference, src, in2015)
	if err != nil {
		t.Fatal(err)
	}
	f.att = att

	r = trustRequest("Yolanda Quixotic", in2015)
	r.Requester = model.Requester{Name: "Hortensia Vandersloot", Relationship: model.RelRepresentative, Email: "hortensia@example.org"}
	r.Evidence = append(r.Evidence, model.Evidence{Kind: model.EvidenceAuthority, Document: string(model.AuthOther), Description: "HORTENSIA-LETTER signed"})
	f.oldRep = trustLog(t, s, admin, r, in2015)

	f.oldShared = trustLog(t, s, admin, trustRequest("Barnaby Twicelogged", in2015), in2015)
	if err := s.AddNote(ctx, admin, f.oldShared.Reference, "BARNABY-OLD-NOTE", in2015); err != nil {
		t.Fatal(err)
	}
	// Reasons staff typed may name people: an extension's and an outcome's.
	extended := time.Date(2015, 1, 20, 12, 0, 0, 0, time.UTC)
	if _, err := s.Apply(ctx, f.lead, f.oldShared.Reference, model.Op{Action: model.ActExtend,
		Reason: "WILHELMINA-EXTENSION-REASON: Mrs Fairweather sent more records", Date: extended}, extended); err != nil {
		t.Fatalf("extend: %v", err)
	}
	for _, ref := range []string{f.old.Reference, f.oldRep.Reference, f.oldShared.Reference} {
		op := model.Op{Action: model.ActComplete}
		if ref == f.oldShared.Reference {
			op.Reason = "BARNABY-OUTCOME-REASON: sent to Mrs Fairweather too"
		}
		if _, err := s.Apply(ctx, f.lead, ref, op, closed2015); err != nil {
			t.Fatalf("complete %s: %v", ref, err)
		}
	}
	f.oldOpen = trustLog(t, s, admin, trustRequest("Persephone Openshaw", in2015), in2015)
	in2025 := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	f.recent = trustLog(t, s, admin, trustRequest("Octavia Recentworth", in2025), in2025)
	if _, err := s.Apply(ctx, f.lead, f.recent.Reference, model.Op{Action: model.ActComplete}, in2025.AddDate(0, 0, 5)); err != nil {
		t.Fatal(err)
	}
	f.newerShared = trustLog(t, s, admin, trustRequest("Barnaby Twicelogged", trustNow.Add(-time.Hour)), trustNow)
	return f
}

// purgedText is what must be gone from every file after the purge.
var purgedText = []string{
	"Zebedee", "zebedee", "ZEBEDEE", "900123", "Quixotic Lane", "Yolanda", "yolanda",
	"Hortensia", "hortensia", "Vandersloot", "vandersloot", "HORTENSIA-LETTER", "BARNABY-OLD-NOTE",
	"WILHELMINA-EXTENSION-REASON", "Fairweather", "BARNABY-OUTCOME-REASON",
}

// keptText must still be there: it shows the byte search can find text.
var keptText = []string{"Persephone", "Octavia", "Barnaby"}

func TestPurgeDryRunListsAndChangesNothing(t *testing.T) {
	ctx := context.Background()
	f := purgeWorld(t)
	before := len(trustEvents(t, f.s))
	res, err := f.s.Purge(ctx, f.admin, trustNow, true)
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, c := range res.Candidates {
		refs = append(refs, c.Reference)
		if c.Status != model.StatusCompleted || c.ClosedOn.Year() != 2015 {
			t.Errorf("candidate %+v", c)
		}
	}
	want := []string{f.old.Reference, f.oldRep.Reference, f.oldShared.Reference}
	if strings.Join(refs, ",") != strings.Join(want, ",") {
		t.Fatalf("candidates %v, want %v", refs, want)
	}
	if res.Purged != 0 || res.Years != 6 || fmtDate(res.Cutoff) != "2020-03-02" {
		t.Fatalf("dry run result %+v", res)
	}
	if after := len(trustEvents(t, f.s)); after != before {
		t.Fatalf("a dry run wrote %d events", after-before)
	}
	got, _ := f.s.GetRequest(ctx, f.old.Reference)
	if got.Subject.Name != "Zebedee Quixotic" {
		t.Fatal("a dry run changed a request")
	}
}

func TestPurgeAnonymisesAndWipesTheFile(t *testing.T) {
	ctx := context.Background()
	f := purgeWorld(t)
	s := f.s
	dbPath := s.Path()
	s.Close()
	raw := trustRawBytes(t, dbPath)
	for _, text := range append(purgedText, keptText...) {
		if !bytes.Contains(raw, []byte(text)) {
			t.Fatalf("%q is not in the files before the purge: the search below would prove nothing", text)
		}
	}
	s, err := Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	res, err := s.Purge(ctx, f.admin, trustNow, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Purged != 3 || !res.Wiped {
		t.Fatalf("purge result %+v", res)
	}
	got, err := s.GetRequest(ctx, f.old.Reference)
	if err != nil {
		t.Fatal(err)
	}
	// Statistics stay.
	if got.Kind != model.KindAccess || got.Channel != model.ChannelEmail || got.Rule != model.RuleUKGDPR ||
		got.Status != model.StatusCompleted || !got.ReceivedAt.Equal(f.old.ReceivedAt) || fmtDate(got.ClosedOn) != "2015-02-01" {
		t.Errorf("statistics lost: %+v", got)
	}
	if len(got.Evidence) != 1 || got.Evidence[0].Document != string(model.DocPassport) {
		t.Errorf("evidence type lost: %+v", got.Evidence)
	}
	// Personal data goes.
	if got.Subject.Name != "" || got.Subject.Email != "" || got.Subject.Phone != "" || got.Subject.Address != "" ||
		!got.Subject.DateOfBirth.IsZero() || got.Notes != "" || got.Details != (model.Details{}) || got.Evidence[0].Last4 != "" {
		t.Errorf("personal data kept: %+v", got)
	}
	rep, _ := s.GetRequest(ctx, f.oldRep.Reference)
	if rep.Requester.Name != "" || rep.Requester.Email != "" || rep.Requester.Relationship != model.RelRepresentative || rep.Evidence[1].Description != "" {
		t.Errorf("requester kept: %+v", rep.Requester)
	}
	if notes, _ := s.Notes(ctx, f.old.Reference); len(notes) != 0 {
		t.Errorf("notes kept: %v", notes)
	}
	atts, _ := s.Attachments(ctx, f.old.Reference)
	if len(atts) != 1 || atts[0].OriginalName != "" || atts[0].Size == 0 {
		t.Errorf("attachments after purge: %+v", atts)
	}
	if _, err := os.Stat(filepath.Join(s.AttachmentsDir(), f.att.StoredName)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the attached file is still there: %v", err)
	}
	// Kept requests are whole; the patient with a newer request stays.
	for _, r := range []model.Request{f.oldOpen, f.recent, f.newerShared} {
		k, _ := s.GetRequest(ctx, r.Reference)
		if k.Subject.Name != r.Subject.Name {
			t.Errorf("%s was changed: %q", r.Reference, k.Subject.Name)
		}
	}
	// The reasons are erased, from the request and from its events; the
	// chain, which holds only their digests, still verifies.
	shared, _ := s.GetRequest(ctx, f.oldShared.Reference)
	if shared.OutcomeReason != model.ErasedText || shared.ExtensionReason != model.ErasedText || !shared.Extended {
		t.Errorf("reasons after purge: outcome %q, extension %q", shared.OutcomeReason, shared.ExtensionReason)
	}
	tl, _ := s.Timeline(ctx, f.oldShared.Reference)
	var erased []string
	for _, ev := range tl {
		if ev.Erased() {
			erased = append(erased, ev.Action+": "+ev.Explained())
		}
	}
	if want := "extended: due 2015-04-10; told 2015-01-20; reason: (erased)|completed: in_progress → completed; reason: (erased)"; strings.Join(erased, "|") != want {
		t.Errorf("erased events %q, want %q", erased, want)
	}
	// One event per batch, with the count only.
	res2 := trustChainOK(t, s)
	if res2.Erased != 2 || res2.Texts != 0 {
		t.Errorf("chain after purge: %d texts checked, %d erased; want 0 and 2", res2.Texts, res2.Erased)
	}
	if res2.Last.Action != "purged" || !strings.Contains(res2.Last.Detail, "anonymised 3 requests closed before 2020-03-02") {
		t.Errorf("purge event %+v", res2.Last)
	}
	// Again: nothing left to do.
	if again, err := s.Purge(ctx, f.admin, trustNow, false); err != nil || again.Purged != 0 {
		t.Errorf("second purge: %+v %v", again, err)
	}

	s.Close()
	if info, err := os.Stat(dbPath + "-wal"); err == nil && info.Size() > 0 {
		t.Errorf("the write-ahead log still holds %d bytes", info.Size())
	}
	raw = trustRawBytes(t, dbPath)
	for _, text := range purgedText {
		if i := bytes.Index(raw, []byte(text)); i >= 0 {
			t.Errorf("%q can still be read from the files at byte %d", text, i)
		}
	}
	for _, text := range keptText {
		if !bytes.Contains(raw, []byte(text)) {
			t.Errorf("%q was lost, but its request was not due", text)
		}
	}
}

func TestPurgeNeedsAnAdmin(t *testing.T) {
	s, admin := trustStore(t)
	lead := trustStaff(t, s, admin, "Lee Lead", model.RoleLead)
	for _, dry := range []bool{true, false} {
		_, err := s.Purge(context.Background(), lead, trustNow, dry)
		trustIsForbidden(t, "lead purges", err)
	}
}
