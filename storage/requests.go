package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"rightsdesk/model"
)

var (
	calMu     sync.Mutex
	calendars = map[model.Nation]*model.Calendar{}
)

// calendarFor shares one holiday calendar per nation (they cache).
func calendarFor(n model.Nation) *model.Calendar {
	calMu.Lock()
	defer calMu.Unlock()
	c, ok := calendars[n]
	if !ok {
		c = model.NewCalendar(n)
		calendars[n] = c
	}
	return c
}

// CalendarFor is the holiday calendar of a nation.
func CalendarFor(n model.Nation) *model.Calendar { return calendarFor(n) }

// nextReference hands out R-YYYY-NNNN inside the write transaction, so two
// desks never get the same one.
func nextReference(tx *sql.Tx, year int) (string, error) {
	for {
		var last int
		err := tx.QueryRow("INSERT INTO reference_counters (year, last) VALUES (?, 1) ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last", year).Scan(&last)
		if err != nil {
			return "", fmt.Errorf("make reference: %w", err)
		}
		ref := model.FormatReference(year, last)
		// An imported register may already hold this reference.
		var n int
		if err := tx.QueryRow("SELECT count(*) FROM requests WHERE reference = ?", ref).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return ref, nil
		}
	}
}

// derived holds the columns computed from the domain, stored so that the
// board can sort and filter by them with an index.
type derived struct {
	verified                        bool
	missing                         string
	clockStart, due, effective, ext string
}

func derive(r *model.Request, st model.Settings) derived {
	dl := r.Deadline(calendarFor(r.Nation))
	var miss []string
	for _, m := range r.MissingVerification(st) {
		miss = append(miss, m.Text)
	}
	if r.RefusedAsChild(st) {
		miss = append(miss, "A parent or guardian must make this request: the patient is under "+fmt.Sprint(st.AgeThreshold))
	}
	d := derived{
		verified:   r.Verified(st),
		missing:    strings.Join(miss, "\n"),
		clockStart: fmtDate(dl.Start),
		due:        fmtDate(dl.Due),
		effective:  fmtDate(dl.Effective),
	}
	if r.Extended {
		d.ext = fmtDate(dl.ExtendedDue)
	}
	return d
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertRequest writes a new request, its subject and its evidence.
// importKey is "" except for imported rows.
func insertRequest(tx rowWriter, r *model.Request, st model.Settings, importKey string) error {
	subjectID, err := upsertSubject(tx, r.Subject)
	if err != nil {
		return err
	}
	r.Subject.ID = subjectID
	args, err := requestArgs(r, st, importKey)
	if err != nil {
		return err
	}
	res, err := tx.Exec(requestInsert, args...)
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") && strings.Contains(err.Error(), "reference") {
			return model.Invalid("reference", "the reference "+model.Clean(r.Reference, 32)+" is already in the register", "use another reference or leave it blank to make one")
		}
		return fmt.Errorf("save request: %w", err)
	}
	r.ID, _ = res.LastInsertId()
	for _, e := range r.Evidence {
		if err := insertEvidence(tx, r.ID, e); err != nil {
			return err
		}
	}
	return nil
}

// requestInsert saves a new request; the import writes many rows at once
// with the same statement (bulkInsert).
const requestInsert = `INSERT INTO requests (reference, kind, channel, rule, nation, received_at, received_on, subject_id,
		requester_name, requester_key, relationship, requester_email, requester_phone, details, notes,
		status, open, pause_reason, paused_since, paused_days, clarification_days, verified, verified_on, fee_received_on, missing,
		clock_start, due_on, effective_due_on, extended, extended_due_on, extension_reason, extension_notified_on,
		closed_on, outcome_reason, created_by, imported, import_key)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// requestArgs are requestInsert's arguments for r, whose patient is
// r.Subject.ID; importKey is the hash of an imported row, or "".
func requestArgs(r *model.Request, st model.Settings, importKey string) ([]any, error) {
	details, err := json.Marshal(r.Details)
	if err != nil {
		return nil, fmt.Errorf("encode details: %w", err)
	}
	d := derive(r, st)
	var key any
	if importKey != "" {
		key = importKey
	}
	return []any{
		r.Reference, string(r.Kind), string(r.Channel), string(r.Rule), string(r.Nation), r.ReceivedAt.Format(time.RFC3339Nano), fmtDate(r.ReceivedOn()), r.Subject.ID,
		r.Requester.Name, foldKey(r.Requester.Name), string(r.Requester.Relationship), r.Requester.Email, r.Requester.Phone, string(details), r.Notes,
		string(r.Status), boolInt(!r.Status.Closed()), string(r.PauseReason), fmtDate(r.PausedSince), r.PausedDays, r.ClarificationDays, boolInt(d.verified), fmtDate(r.VerifiedOn), fmtDate(r.FeeReceivedOn), d.missing,
		d.clockStart, d.due, d.effective, boolInt(r.Extended), d.ext, r.ExtensionReason, fmtDate(r.ExtensionNotifiedOn),
		fmtDate(r.ClosedOn), r.OutcomeReason, nullID(r.CreatedBy), boolInt(r.Imported), key,
	}, nil
}

// updateRequest writes a request's changing fields back.
func updateRequest(tx *sql.Tx, r *model.Request, st model.Settings) error {
	d := derive(r, st)
	_, err := tx.Exec(`UPDATE requests SET status = ?, open = ?, pause_reason = ?, paused_since = ?, paused_days = ?, clarification_days = ?,
		verified = ?, verified_on = ?, fee_received_on = ?, missing = ?, clock_start = ?, due_on = ?, effective_due_on = ?,
		extended = ?, extended_due_on = ?, extension_reason = ?, extension_notified_on = ?, closed_on = ?, outcome_reason = ?
		WHERE id = ?`,
		string(r.Status), boolInt(!r.Status.Closed()), string(r.PauseReason), fmtDate(r.PausedSince), r.PausedDays, r.ClarificationDays,
		boolInt(d.verified), fmtDate(r.VerifiedOn), fmtDate(r.FeeReceivedOn), d.missing, d.clockStart, d.due, d.effective,
		boolInt(r.Extended), d.ext, r.ExtensionReason, fmtDate(r.ExtensionNotifiedOn), fmtDate(r.ClosedOn), r.OutcomeReason, r.ID)
	if err != nil {
		return fmt.Errorf("save request: %w", err)
	}
	return nil
}

func requestID(tx *sql.Tx, ref string) (int64, error) {
	var id int64
	err := tx.QueryRow("SELECT id FROM requests WHERE reference = ?", ref).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return id, err
}

func logChanges(tx *sql.Tx, actor model.Staff, now time.Time, ref string, changes []model.Change) error {
	for _, ch := range changes {
		detail := ch.Detail
		if ch.From != ch.To && ch.From != "" {
			detail = strings.TrimSpace(fmt.Sprintf("%s → %s; %s", ch.From, ch.To, detail))
			detail = strings.TrimSuffix(detail, ";")
		}
		if err := logEventText(tx, actor, now, string(ch.Action), ref, detail, ch.Reason); err != nil {
			return err
		}
	}
	return nil
}

// LogRequest saves a new request at the desk: the domain validates it and
// settles its status, and the request, its evidence and its events are
// written in one transaction. A blank reference gets the next R-YYYY-NNNN.
func (s *Store) LogRequest(ctx context.Context, actor model.Staff, r model.Request, now time.Time) (model.Request, error) {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(tx, actor); err != nil {
			return err
		}
		st, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		c := model.Ctx{Now: now, Actor: actor, Settings: st, Cal: calendarFor(st.Nation)}
		changes, err := r.Log(c)
		if err != nil {
			return err
		}
		if r.Reference == "" {
			if r.Reference, err = nextReference(tx, r.ReceivedAt.In(st.Location()).Year()); err != nil {
				return err
			}
		} else if r.Reference, err = model.ParseReference(r.Reference); err != nil {
			return err // a given reference is typed text: no spaces or control characters
		}
		if err := insertRequest(tx, &r, st, ""); err != nil {
			return err
		}
		return logChanges(tx, actor, now, r.Reference, changes)
	})
	return r, err
}

// Apply carries out one action on a request in one transaction: the
// domain checks the role, the status table and every guard.
func (s *Store) Apply(ctx context.Context, actor model.Staff, ref string, op model.Op, now time.Time) (model.Request, error) {
	var r model.Request
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := checkActor(tx, actor); err != nil {
			return err
		}
		st, err := readSettings(ctx, tx)
		if err != nil {
			return err
		}
		r, err = loadRequest(ctx, tx, ref)
		if err != nil {
			return err
		}
		before := len(r.Evidence)
		changes, err := r.Apply(op, model.Ctx{Now: now, Actor: actor, Settings: st, Cal: calendarFor(r.Nation)})
		if err != nil {
			return err
		}
		for _, e := range r.Evidence[before:] {
			if err := insertEvidence(tx, r.ID, e); err != nil {
				return err
			}
		}
		if err := updateRequest(tx, &r, st); err != nil {
			return err
		}
		return logChanges(tx, actor, now, ref, changes)
	})
	return r, err
}

const requestCols = `r.id, r.reference, r.kind, r.channel, r.rule, r.nation, r.received_at, r.subject_id,
	p.name, p.date_of_birth, p.email, p.phone, p.address, p.restriction,
	r.requester_name, r.relationship, r.requester_email, r.requester_phone, r.details, r.notes,
	r.status, r.pause_reason, r.paused_since, r.paused_days, r.clarification_days, r.verified_on, r.fee_received_on,
	r.extended, r.extension_reason, r.extension_notified_on, r.closed_on, r.outcome_reason,
	coalesce(r.created_by, 0), coalesce(s.name, ''), r.imported`

type rowQueryer interface {
	rowsQueryer
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func loadRequest(ctx context.Context, q rowQueryer, ref string) (model.Request, error) {
	var r model.Request
	var kind, channel, rule, nation, received, dob, rel, details, status, pause, pausedSince, verifiedOn, feeOn, notified, closed string
	err := q.QueryRowContext(ctx, "SELECT "+requestCols+` FROM requests r JOIN subjects p ON p.id = r.subject_id
		LEFT JOIN staff s ON s.id = r.created_by WHERE r.reference = ?`, ref).Scan(
		&r.ID, &r.Reference, &kind, &channel, &rule, &nation, &received, &r.Subject.ID,
		&r.Subject.Name, &dob, &r.Subject.Email, &r.Subject.Phone, &r.Subject.Address, &r.Subject.Restriction,
		&r.Requester.Name, &rel, &r.Requester.Email, &r.Requester.Phone, &details, &r.Notes,
		&status, &pause, &pausedSince, &r.PausedDays, &r.ClarificationDays, &verifiedOn, &feeOn,
		&r.Extended, &r.ExtensionReason, &notified, &closed, &r.OutcomeReason,
		&r.CreatedBy, &r.OwnerName, &r.Imported)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("read request: %w", err)
	}
	r.Kind, r.Channel, r.Rule, r.Nation = model.Kind(kind), model.Channel(channel), model.Rule(rule), model.Nation(nation)
	r.ReceivedAt = parseTime(received)
	r.Subject.DateOfBirth = parseDate(dob)
	r.Requester.Relationship = model.Relationship(rel)
	_ = json.Unmarshal([]byte(details), &r.Details)
	r.Status, r.PauseReason = model.Status(status), model.PauseReason(pause)
	r.PausedSince, r.VerifiedOn, r.FeeReceivedOn = parseDate(pausedSince), parseDate(verifiedOn), parseDate(feeOn)
	r.ExtensionNotifiedOn, r.ClosedOn = parseDate(notified), parseDate(closed)
	if r.Evidence, err = loadEvidence(ctx, q, r.ID); err != nil {
		return r, err
	}
	return r, nil
}

// GetRequest reads one request in full, with its evidence.
func (s *Store) GetRequest(ctx context.Context, ref string) (model.Request, error) {
	return loadRequest(ctx, s.db, ref)
}

// Scope chooses open, closed or all requests.
type Scope int

const (
	ScopeOpen Scope = iota
	ScopeClosed
	ScopeAll
)

// Filter narrows a list of requests. Limit 0 means no limit.
type Filter struct {
	Scope   Scope
	Status  model.Status
	Kind    model.Kind
	OwnerID int64     // "mine"
	Overdue bool      // open and past the deadline in force on Today
	Today   time.Time // for Overdue
	Search  string    // reference prefix, or part of the patient's or requester's name
	Limit   int
	Offset  int
	// After, Before and FromEnd read a window of the closed list by key
	// rather than by Offset, which steps over every row before the window
	// (paging.go): the rows after a row, the rows before it, the last
	// rows. Each still comes in the list's order. ScopeClosed only.
	After, Before *ListKey
	FromEnd       bool
}

func (f Filter) where() (string, []any) {
	conds, args := f.filterConds()
	if q := strings.TrimSpace(f.Search); q != "" {
		cond, a := searchCondition(q, f.Scope) // by index, not every row: search.go
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// filterConds are the filter's conditions but the search's.
func (f Filter) filterConds() ([]string, []any) {
	var conds []string
	var args []any
	switch f.Scope {
	case ScopeOpen:
		conds = append(conds, "r.open = 1")
	case ScopeClosed:
		conds = append(conds, "r.open = 0")
	}
	if f.Status != "" {
		// A status is open or closed: saying which lets the search use
		// requests_open_status_due whatever the scope.
		if f.Scope == ScopeAll {
			conds = append(conds, "r.open = "+strconv.Itoa(boolInt(!f.Status.Closed())))
		}
		conds = append(conds, "r.status = ?")
		args = append(args, string(f.Status))
	}
	if f.Kind != "" {
		conds = append(conds, "r.kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.OwnerID != 0 {
		conds = append(conds, "r.created_by = ?")
		args = append(args, f.OwnerID)
	}
	if f.Overdue {
		conds = append(conds, "r.open = 1 AND r.status != 'paused' AND r.effective_due_on < ?")
		args = append(args, fmtDate(f.Today))
	}
	return conds, args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (f Filter) order() string {
	if f.Scope == ScopeClosed {
		return " ORDER BY r.closed_on DESC, r.id DESC"
	}
	return " ORDER BY r.open DESC, r.effective_due_on, r.id"
}

const summaryCols = `r.id, r.reference, r.kind, r.channel, r.rule, r.status, r.pause_reason, r.paused_since, r.paused_days,
	r.received_on, r.clock_start, r.due_on, r.effective_due_on, r.extended, r.extended_due_on, r.closed_on,
	p.name, p.date_of_birth, r.requester_name, r.relationship, r.verified, r.missing, coalesce(r.created_by, 0)`

func scanSummary(rows *sql.Rows) (model.Summary, error) {
	var m model.Summary
	var kind, channel, rule, status, pause, pausedSince, recv, clock, due, eff, ext, closed, dob, rel, missing string
	err := rows.Scan(&m.ID, &m.Reference, &kind, &channel, &rule, &status, &pause, &pausedSince, &m.PausedDays,
		&recv, &clock, &due, &eff, &m.Extended, &ext, &closed, &m.SubjectName, &dob, &m.RequesterName, &rel, &m.Verified, &missing, &m.OwnerID)
	m.Kind, m.Channel, m.Rule, m.Status, m.PauseReason = model.Kind(kind), model.Channel(channel), model.Rule(rule), model.Status(status), model.PauseReason(pause)
	m.PausedSince, m.ReceivedOn, m.ClockStart, m.DueOn, m.EffectiveDue = parseDate(pausedSince), parseDate(recv), parseDate(clock), parseDate(due), parseDate(eff)
	m.ExtendedDueOn, m.ClosedOn, m.SubjectDOB = parseDate(ext), parseDate(closed), parseDate(dob)
	m.Relationship = model.Relationship(rel)
	if missing != "" {
		m.Missing = strings.Split(missing, "\n")
	}
	return m, err
}

// ListSummaries lists requests for the board and the list command: the
// open ones most urgent first, closed ones newest first. With a Limit it
// reads only that window, so the board never loads every row.
func (s *Store) ListSummaries(ctx context.Context, f Filter) ([]model.Summary, error) {
	where, args, sorts, err := s.windowWhere(ctx, f) // keyset paging and searches among the closed: paging.go
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	order, backwards := f.windowOrder()
	q := "SELECT " + summaryCols + " FROM requests r JOIN subjects p ON p.id = r.subject_id" + where + order
	switch {
	case f.Limit > 0 && sorts:
		// Only the window's rows are joined to their patients: sorting
		// thousands of matches with every column shown took three times
		// as long as sorting their ids.
		q = "SELECT " + summaryCols + " FROM requests r JOIN subjects p ON p.id = r.subject_id WHERE r.id IN (SELECT r.id FROM requests r" +
			where + order + " LIMIT ? OFFSET ?)" + order
		args = append(args, f.Limit, f.Offset)
	case f.Limit > 0:
		q += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	out, err := s.listSummaries(ctx, q, args)
	if backwards {
		slices.Reverse(out)
	}
	return out, err
}

func (s *Store) listSummaries(ctx context.Context, q string, args []any) ([]model.Summary, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	var out []model.Summary
	for rows.Next() {
		m, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("list requests: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// EachSummary streams every matching request to fn without holding them
// all in memory (for list --json and exports of the register).
func (s *Store) EachSummary(ctx context.Context, f Filter, fn func(model.Summary) error) error {
	where, args := f.where()
	rows, err := s.db.QueryContext(ctx, "SELECT "+summaryCols+" FROM requests r JOIN subjects p ON p.id = r.subject_id"+where+f.order(), args...)
	if err != nil {
		return fmt.Errorf("list requests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanSummary(rows)
		if err != nil {
			return fmt.Errorf("list requests: %w", err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountRequests counts the requests a filter matches.
func (s *Store) CountRequests(ctx context.Context, f Filter) (int, error) {
	where, args := f.where()
	// No filter reads the patient's row (search has its own index), so
	// the count joins nothing: one lookup less for each match.
	q := "SELECT count(*) FROM requests r"
	var n int
	err := s.db.QueryRowContext(ctx, q+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count requests: %w", err)
	}
	return n, nil
}

// BoardCounts are the board header's figures on today.
func (s *Store) BoardCounts(ctx context.Context, today time.Time) (model.Counts, error) {
	var c model.Counts
	week := fmtDate(model.AddDays(today, model.SoonDays))
	t := fmtDate(today)
	err := s.db.QueryRowContext(ctx, `SELECT count(*),
		coalesce(sum(status != 'paused' AND effective_due_on >= ? AND effective_due_on <= ?), 0),
		coalesce(sum(status != 'paused' AND effective_due_on < ?), 0),
		coalesce(sum(status = 'awaiting_verification'), 0),
		coalesce(sum(status = 'paused'), 0)
		FROM requests WHERE open = 1`, t, week, t).Scan(&c.Open, &c.DueThisWeek, &c.Overdue, &c.AwaitingVerification, &c.Paused)
	if err != nil {
		return c, fmt.Errorf("count requests: %w", err)
	}
	return c, nil
}
