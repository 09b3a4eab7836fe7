package storage

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"rightsdesk/model"
)

// DemoPassphrase is the passphrase of every staff member the demo creates.
const DemoPassphrase = "rightsdesk demo"

// DemoPIN is the unlock PIN of every staff member the demo creates, so
// that signing in goes straight to the board.
const DemoPIN = "735924"

// DemoYears is how far back the demo's requests go.
const DemoYears = 10

// DefaultDemoRequests is how many requests a plain `rightsdesk demo` makes.
const DefaultDemoRequests = 300

// demoStaff are the members the demo attributes its work to.
var demoStaff = []struct {
	name string
	role model.Role
}{
	{"Ada Admin", model.RoleAdmin},
	{"Lee Lead", model.RoleLead},
	{"Dee Desk", model.RoleDesk},
	{"Sol Desk", model.RoleDesk},
}

// demoActor signs the events of demo staff it adds to a clinic set up by
// someone else: the audit trail says the generator did it, not a person.
var demoActor = model.Staff{Name: "rightsdesk demo"}

// ErrHasRequests is returned when the demo would mix with real requests.
var ErrHasRequests = errors.New("the register already holds requests: the demo adds made-up ones only to an empty register")

// DemoOptions say what GenerateDemo makes.
type DemoOptions struct {
	Requests int       // how many requests
	Seed     uint64    // the same seed and Now give the same requests
	Now      time.Time // the demo's years end here
	// Force adds demo requests to a register that already holds some.
	Force bool
	// Progress, when set, is told after each batch is written.
	Progress func(done, total int)
}

// DemoStaff is a staff member the demo works as.
type DemoStaff struct {
	model.Staff
	Created bool // made now, with DemoPassphrase
}

// DemoResult says what GenerateDemo made.
type DemoResult struct {
	Requests   int
	Events     int64 // events appended to the audit trail
	Notes      int
	Staff      []DemoStaff
	Passphrase string
	PIN        string
	SetUp      bool // the clinic was set up by the demo

	refused int // actions the domain refused; the generator plans none
}

// demoBatch is how many requests go in one transaction: large enough that
// commits cost little, small enough that the WAL stays modest.
const demoBatch = 10000

// GenerateDemo fills the register with made-up but lawful requests: Requests
// of them received over the DemoYears before Now, of every kind, channel,
// rule and status, with children whose parents proved responsibility,
// representatives with authority, pauses, extensions, notes and about ten
// events each. Every request is driven through the domain (Log and Apply),
// so each obeys the same rules as one logged at the desk, and every event
// joins the hash chain. An empty database is set up first (UK GDPR, the
// clinic policy's defaults) with demo staff whose passphrase is
// DemoPassphrase; a clinic already set up gets the demo staff it lacks.
func (s *Store) GenerateDemo(ctx context.Context, o DemoOptions) (DemoResult, error) {
	res := DemoResult{Passphrase: DemoPassphrase, PIN: DemoPIN}
	if o.Requests < 0 || o.Requests > 10_000_000 {
		return res, model.Invalid("requests", "the number of demo requests must be from 0 to 10,000,000", "choose a smaller number")
	}
	if o.Now.IsZero() {
		return res, errors.New("generate demo: no current time given")
	}
	start := o.Now.AddDate(-DemoYears, 0, 0)
	setUp, err := s.IsSetUp(ctx)
	if err != nil {
		return res, err
	}
	if !setUp {
		admin, err := s.Setup(ctx, model.DefaultSettings(), demoStaff[0].name, DemoPassphrase, start.Add(-time.Hour))
		if err != nil {
			return res, fmt.Errorf("set up the demo clinic: %w", err)
		}
		res.SetUp = true
		if err := s.SetPIN(ctx, admin, DemoPIN, start.Add(-time.Hour)); err != nil {
			return res, fmt.Errorf("set the demo PIN: %w", err)
		}
		admin.HasPIN = true
		res.Staff = append(res.Staff, DemoStaff{admin, true})
	} else if !o.Force {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM requests").Scan(&n); err != nil {
			return res, fmt.Errorf("count requests: %w", err)
		}
		if n > 0 {
			return res, ErrHasRequests
		}
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return res, err
	}
	if err := s.ensureDemoStaff(ctx, &res, start); err != nil {
		return res, err
	}
	g, err := newDemoGen(o, st, res.Staff)
	if err != nil {
		return res, err
	}
	if g.refs, err = s.readReferences(ctx); err != nil {
		return res, err
	}
	times := g.receiptTimes(o.Requests, start)

	// Requests are planned a thousand at a time, then written: measured,
	// this beats planning in a goroutine beside the writer, whose
	// hand-overs and garbage slow SQLite more than the overlap saves.
	var queue []demoItem
	planned := 0

	written := 0
	for done := false; !done; {
		err := s.write(ctx, func(tx *sql.Tx) error {
			// A large page cache keeps the indexes' pages in memory for
			// the whole batch instead of spilling them to the WAL again
			// and again; the connection goes back to the default after.
			if _, err := tx.Exec("PRAGMA cache_size = -262144"); err != nil {
				return err
			}
			defer tx.Exec("PRAGMA cache_size = -2000")
			w, err := newChainWriter(tx)
			if err != nil {
				return err
			}
			defer w.close()
			w.seed = o.Seed
			// The batch's requests are indexed for search once, at its
			// end, as an import's are (search_index.go): the index's
			// trigger, row by row, made it flush at every request.
			searchAfter, err := deferSearch(tx)
			if err != nil {
				return err
			}
			// Each request's statements are prepared once for the batch.
			stx := newStmtTx(tx)
			defer stx.close()
			for n := 0; n < demoBatch; n++ {
				if err := ctx.Err(); err != nil {
					return err
				}
				if len(queue) == 0 {
					queue, planned = g.planSome(times, planned, 1000)
				}
				it := queue[0]
				queue = queue[1:]
				if it.err != nil {
					return it.err
				}
				if err := w.write(stx, g.st, &it); err != nil {
					return fmt.Errorf("demo request %d: %w", written+1, err)
				}
				if it.r.Reference == "" {
					done = true
					if err := fillSearch(tx, searchAfter); err != nil {
						return err
					}
					return g.refs.save(tx, len(times), o.Seed)
				}
				written++
			}
			return fillSearch(tx, searchAfter)
		})
		if err != nil {
			return res, fmt.Errorf("generate demo: %w", err)
		}
		if o.Progress != nil {
			o.Progress(written, len(times))
		}
	}
	res.Requests, res.Events, res.Notes = written, g.events.Load(), int(g.notes.Load())
	res.refused = int(g.refused.Load())
	return res, nil
}

// demoItem is one planned request, with the events due before it was
// received; the last item has no request and carries the events left.
type demoItem struct {
	before []model.Event
	r      model.Request
	notes  []demoNote
	err    error
}

// write appends the item's earlier events, then saves its request.
func (w *chainWriter) write(tx rowWriter, st model.Settings, it *demoItem) error {
	for _, e := range it.before {
		if err := w.append(e); err != nil {
			return err
		}
	}
	if it.r.Reference == "" {
		return nil
	}
	if err := insertRequest(tx, &it.r, st, ""); err != nil {
		return err
	}
	for _, n := range it.notes {
		if _, err := w.notes.Exec(it.r.ID, n.text, n.by, fmtTime(n.at)); err != nil {
			return fmt.Errorf("add note: %w", err)
		}
	}
	return nil
}

// demoRefs hands out references as nextReference would, without asking
// the database for each: the counters and the references already taken
// are read once, and the counters saved at the end.
type demoRefs struct {
	last  map[int]int
	taken map[string]bool
}

func (s *Store) readReferences(ctx context.Context) (*demoRefs, error) {
	refs := &demoRefs{last: map[int]int{}, taken: map[string]bool{}}
	rows, err := s.db.QueryContext(ctx, "SELECT year, last FROM reference_counters")
	if err != nil {
		return nil, fmt.Errorf("read reference counters: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			return nil, fmt.Errorf("read reference counters: %w", err)
		}
		refs.last[y] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read reference counters: %w", err)
	}
	taken, err := s.db.QueryContext(ctx, "SELECT reference FROM requests")
	if err != nil {
		return nil, fmt.Errorf("read references: %w", err)
	}
	defer taken.Close()
	for taken.Next() {
		var ref string
		if err := taken.Scan(&ref); err != nil {
			return nil, fmt.Errorf("read references: %w", err)
		}
		refs.taken[ref] = true
	}
	return refs, taken.Err()
}

func (d *demoRefs) next(year int) string {
	for {
		d.last[year]++
		if ref := model.FormatReference(year, d.last[year]); !d.taken[ref] {
			return ref
		}
	}
}

// save keeps the counters ahead of the demo's references, and notes that
// the register holds a demo.
func (d *demoRefs) save(tx *sql.Tx, n int, seed uint64) error {
	for y, last := range d.last {
		if _, err := tx.Exec("INSERT INTO reference_counters (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = max(last, excluded.last)", y, last); err != nil {
			return fmt.Errorf("save reference counters: %w", err)
		}
	}
	detail := fmt.Sprintf("%d made-up requests, seed %d", n, seed)
	_, err := tx.Exec("INSERT INTO meta (key, value) VALUES ('demo', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", detail)
	return err
}

// planSome plans up to n requests from times[from:], in receipt order;
// after the last it adds an item with the events left.
func (g *demoGen) planSome(times []time.Time, from, n int) ([]demoItem, int) {
	out := make([]demoItem, 0, n+1)
	to := min(len(times), from+n)
	for i := from; i < to; i++ {
		before := g.due(times[i])
		r, notes, err := g.request(i, times[i])
		if err != nil {
			return append(out, demoItem{err: fmt.Errorf("demo request %d: %w", i+1, err)}), to
		}
		out = append(out, demoItem{before: before, r: r, notes: notes})
	}
	if to == len(times) {
		out = append(out, demoItem{before: g.due(time.Time{})})
	}
	return out, to
}

// ensureDemoStaff finds or adds the demo's staff members.
func (s *Store) ensureDemoStaff(ctx context.Context, res *DemoResult, at time.Time) error {
	var admin *model.Staff
	if res.SetUp {
		admin = &res.Staff[0].Staff
	}
	for _, d := range demoStaff {
		if slices.ContainsFunc(res.Staff, func(m DemoStaff) bool { return m.Name == d.name }) {
			continue
		}
		st, err := s.StaffByName(ctx, d.name)
		if err == nil {
			if st.Active {
				res.Staff = append(res.Staff, DemoStaff{st, false})
			}
			continue
		}
		if !model.IsUserError(err) {
			return fmt.Errorf("read staff: %w", err)
		}
		if admin != nil {
			st, err = s.AddStaff(ctx, *admin, d.name, d.role, DemoPassphrase, at)
		} else {
			st, err = s.addDemoStaff(ctx, d.name, d.role, at)
		}
		if err != nil {
			return fmt.Errorf("add demo staff: %w", err)
		}
		if err := s.SetPIN(ctx, st, DemoPIN, at); err != nil {
			return fmt.Errorf("set the demo PIN: %w", err)
		}
		st.HasPIN = true
		res.Staff = append(res.Staff, DemoStaff{st, true})
	}
	return nil
}

// addDemoStaff adds a member to a clinic someone else set up, signed by the
// generator since no admin of theirs asked for it.
func (s *Store) addDemoStaff(ctx context.Context, name string, role model.Role, at time.Time) (model.Staff, error) {
	hash, err := hashSecret(DemoPassphrase)
	if err != nil {
		return model.Staff{}, err
	}
	var st model.Staff
	err = s.write(ctx, func(tx *sql.Tx) error {
		if st, err = insertStaff(tx, name, role, hash, at); err != nil {
			return err
		}
		return logEvent(tx, demoActor, at, "staff_added", "", fmt.Sprintf("staff #%d %s added as %s for the demo", st.ID, st.Name, role))
	})
	return st, err
}

// chainWriter appends events with prepared statements, keeping the chain's
// tail in memory: the same hashing as appendEvent without re-reading the
// tail for each of a million events. It reads the tail once per
// transaction, which is immediate, so no other writer can slip in.
type chainWriter struct {
	tx     *sql.Tx
	seq    int64
	prev   []byte
	events *sql.Stmt
	texts  *sql.Stmt
	notes  *sql.Stmt
	seed   uint64 // the demo's: its texts' salts come from it and seq
}

func newChainWriter(tx *sql.Tx) (*chainWriter, error) {
	w := &chainWriter{tx: tx}
	err := tx.QueryRow("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").Scan(&w.seq, &w.prev)
	if errors.Is(err, sql.ErrNoRows) {
		w.seq, w.prev = 0, make([]byte, model.HashSize)
	} else if err != nil {
		return nil, fmt.Errorf("read the audit trail's tail: %w", err)
	}
	if w.events, err = tx.Prepare(eventInsert); err != nil {
		return nil, fmt.Errorf("prepare events: %w", err)
	}
	if w.texts, err = tx.Prepare(eventTextInsert); err != nil {
		w.events.Close()
		return nil, fmt.Errorf("prepare event texts: %w", err)
	}
	if w.notes, err = tx.Prepare("INSERT INTO notes (request_id, text, by_staff, at) VALUES (?, ?, ?, ?)"); err != nil {
		w.events.Close()
		w.texts.Close()
		return nil, fmt.Errorf("prepare notes: %w", err)
	}
	return w, nil
}

func (w *chainWriter) close() {
	w.events.Close()
	w.texts.Close()
	w.notes.Close()
}

// demoSalt is the salt of a demo event's text: made from the seed, not at
// random, so that the same seed gives the same chain. Made-up texts need
// no secret salt.
func demoSalt(seed uint64, seq int64) []byte {
	sum := sha256.Sum256(fmt.Appendf(nil, "rightsdesk demo salt %d %d", seed, seq))
	return sum[:model.TextSaltSize]
}

func (w *chainWriter) append(e model.Event) error {
	e.Seq = w.seq + 1
	e.At = e.At.UTC()
	e.PrevHash = w.prev
	var salt []byte
	if e.Text != "" {
		salt = demoSalt(w.seed, e.Seq)
	}
	sealText(&e, salt)
	e.Hash = e.ComputeHash(w.prev)
	if _, err := w.events.Exec(eventArgs(e)...); err != nil {
		return fmt.Errorf("append to the audit trail: %w", err)
	}
	if e.Text != "" {
		if _, err := w.texts.Exec(e.Seq, salt, e.Text); err != nil {
			return fmt.Errorf("append to the audit trail: %w", err)
		}
	}
	w.seq, w.prev = e.Seq, e.Hash
	return nil
}

// pendingEvent waits in the queue until the chain reaches its time, so that
// the trail is in time order although requests overlap.
type pendingEvent struct {
	e model.Event
	n int64 // order of planning: keeps one request's events in order
}

type eventQueue []pendingEvent

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if !q[i].e.At.Equal(q[j].e.At) {
		return q[i].e.At.Before(q[j].e.At)
	}
	return q[i].n < q[j].n
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(pendingEvent)) }
func (q *eventQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// demoGen plans requests and their lives.
type demoGen struct {
	rng     *rand.Rand
	st      model.Settings
	loc     *time.Location
	cal     *model.Calendar // the clinic's working days
	now     time.Time
	loggers []model.Staff // anyone who logs and collects evidence
	leads   []model.Staff // who may complete, refuse, extend, re-open
	queue   eventQueue
	planned int64
	refs    *demoRefs
	people  []model.Subject // earlier patients, some of whom ask again
	// Counted by the planner, read when the writer is done.
	events, notes, refused atomic.Int64
}

func newDemoGen(o DemoOptions, st model.Settings, staff []DemoStaff) (*demoGen, error) {
	g := &demoGen{
		rng: rand.New(rand.NewPCG(o.Seed, 0x72696768747364)),
		st:  st,
		loc: st.Location(),
		cal: calendarFor(st.Nation),
		now: o.Now,
	}
	for _, m := range staff {
		if model.Can(m.Role, model.PermLog) {
			g.loggers = append(g.loggers, m.Staff)
		}
		if model.Can(m.Role, model.PermComplete) {
			g.leads = append(g.leads, m.Staff)
		}
	}
	if len(g.loggers) == 0 || len(g.leads) == 0 {
		return nil, model.Refuse("the demo staff are missing or deactivated", "reactivate Ada Admin and Lee Lead, or use an empty database")
	}
	return g, nil
}

func pick[T any](g *demoGen, xs []T) T { return xs[g.rng.IntN(len(xs))] }

// chance is true with probability p.
func (g *demoGen) chance(p float64) bool { return g.rng.Float64() < p }

// receiptTimes spreads n receipts over the years before now, oldest first.
// A few of them fall in the last 60 days so that even a small demo has a
// board of open requests.
func (g *demoGen) receiptTimes(n int, start time.Time) []time.Time {
	recent := min(n/5, 60)
	out := make([]time.Time, 0, n)
	spread := func(k int, from, to time.Time) {
		span := to.Sub(from)
		for i := range k {
			at := from.Add(time.Duration((float64(i) + g.rng.Float64()) / float64(k) * float64(span)))
			y, m, d := at.In(g.loc).Date()
			at = time.Date(y, m, d, 8+g.rng.IntN(11), g.rng.IntN(60), g.rng.IntN(60), 0, g.loc)
			if at.After(g.now) {
				at = g.now.Add(-time.Duration(1+g.rng.IntN(3600)) * time.Second).In(g.loc)
			}
			out = append(out, at)
		}
	}
	spread(n-recent, start, g.now)
	spread(recent, g.now.AddDate(0, 0, -60), g.now)
	slices.SortStableFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// later is a moment on a clinic working day, between minDays and maxDays
// after t, in office hours, and never before t.
func (g *demoGen) later(t time.Time, minDays, maxDays int) time.Time {
	d := t.In(g.loc).AddDate(0, 0, minDays+g.rng.IntN(max(1, maxDays-minDays+1)))
	day := g.cal.NextWorkingDay(model.DateOf(d))
	at := time.Date(day.Year(), day.Month(), day.Day(), 9+g.rng.IntN(8), g.rng.IntN(60), g.rng.IntN(60), 0, g.loc)
	if !at.After(t) {
		at = t.Add(time.Duration(1+g.rng.IntN(90)) * time.Minute)
	}
	return at
}

// due takes every planned event before until (all when until is zero)
// off the queue, in time order.
func (g *demoGen) due(until time.Time) []model.Event {
	var out []model.Event
	for len(g.queue) > 0 && (until.IsZero() || g.queue[0].e.At.Before(until)) {
		out = append(out, heap.Pop(&g.queue).(pendingEvent).e)
	}
	g.events.Add(int64(len(out)))
	return out
}

func (g *demoGen) plan(at time.Time, who model.Staff, ref, action, detail string) {
	g.planText(at, who, ref, action, detail, "")
}

// planText is plan for an event with the reason staff typed.
func (g *demoGen) planText(at time.Time, who model.Staff, ref, action, detail, text string) {
	g.planned++
	heap.Push(&g.queue, pendingEvent{n: g.planned, e: model.Event{At: at, ActorID: who.ID, ActorName: who.Name, Action: action, Reference: ref, Detail: detail, Text: text}})
}

// planChanges queues a domain action's changes as logChanges words them.
func (g *demoGen) planChanges(at time.Time, who model.Staff, ref string, changes []model.Change) {
	for _, ch := range changes {
		detail := ch.Detail
		if ch.From != ch.To && ch.From != "" {
			detail = strings.TrimSpace(fmt.Sprintf("%s → %s; %s", ch.From, ch.To, detail))
			detail = strings.TrimSuffix(detail, ";")
		}
		g.planText(at, who, ref, string(ch.Action), detail, ch.Reason)
	}
}

// life is one request being played forward in time. It stops at the
// first step that would fall after now, leaving the request where a real
// one would stand today.
type life struct {
	g     *demoGen
	r     *model.Request
	t     time.Time
	ended bool
	notes []demoNote
}

type demoNote struct {
	text string
	by   int64
	at   time.Time
}

func (l *life) ctx(at time.Time, who model.Staff) model.Ctx {
	return model.Ctx{Now: at, Actor: who, Settings: l.g.st, Cal: calendarFor(l.r.Nation)}
}

// do applies op at the given moment; false when time ran out or the
// domain refused it.
func (l *life) do(at time.Time, who model.Staff, op model.Op) bool {
	if l.ended || at.After(l.g.now) {
		l.ended = true
		return false
	}
	changes, err := l.r.Apply(op, l.ctx(at, who))
	if err != nil {
		l.g.refused.Add(1)
		return false
	}
	l.t = at
	l.g.planChanges(at, who, l.r.Reference, changes)
	return true
}

// note adds a note as AddNote would.
func (l *life) note(at time.Time, who model.Staff) {
	if l.ended || at.After(l.g.now) {
		l.ended = true
		return
	}
	l.t = at
	l.notes = append(l.notes, demoNote{pick(l.g, demoNotes), who.ID, at})
	l.g.plan(at, who, l.r.Reference, string(model.ActNote), "note added")
}

func (g *demoGen) desk() model.Staff { return pick(g, g.loggers) }
func (g *demoGen) lead() model.Staff { return pick(g, g.leads) }

// request plans request i; its events wait in the queue.
func (g *demoGen) request(i int, at time.Time) (model.Request, []demoNote, error) {
	ref := g.refs.next(at.In(g.loc).Year())
	long := i%500 == 250 // a few requests run long, for the timeline's sake
	r := g.newRequest(ref, at, long)
	logger := g.desk()
	l := &life{g: g, r: &r, t: at}
	changes, err := r.Log(l.ctx(at, logger))
	if err != nil {
		return r, nil, err
	}
	g.planChanges(at, logger, ref, changes)
	g.live(l, long)
	g.notes.Add(int64(len(l.notes)))
	return r, l.notes, nil
}

// newRequest makes up who asked for what, and how.
func (g *demoGen) newRequest(ref string, at time.Time, long bool) model.Request {
	r := model.Request{Reference: ref, ReceivedAt: at}
	r.Kind = weightedPick(g, model.Kinds, 45, 12, 13, 12, 10, 8)
	r.Channel = weightedPick(g, model.Channels, 25, 15, 40, 15, 5)
	r.Rule = g.st.Rule
	if g.chance(0.15) {
		r.Rule = pick(g, model.Rules)
	}
	switch {
	case r.Rule == g.st.Rule:
		r.Nation = g.st.Nation
	case r.Rule == model.RuleHIPAA || r.Rule == model.RuleCCPA:
		r.Nation = model.NationUS
	case r.Rule == model.RuleUKGDPR:
		r.Nation = pick(g, []model.Nation{model.NationEnglandWales, model.NationScotland, model.NationNorthernIreland})
	default:
		r.Nation = model.NationNone
	}
	rel := weightedPick(g, model.Relationships, 80, 7, 3, 8)
	child := rel == model.RelParent || rel == model.RelGuardian || g.chance(0.02)
	if long {
		r.Kind, r.Rule, r.Nation, rel, child = model.KindAccess, g.st.Rule, g.st.Nation, model.RelSelf, false
	}
	r.Subject = g.subject(at, child)
	r.Requester.Relationship = rel
	if rel.ActsForOther() {
		surname := lastWord(r.Subject.Name)
		if rel == model.RelRepresentative {
			surname = g.surname()
		}
		r.Requester.Name = pick(g, demoFirstNames) + " " + surname
		r.Requester.Email = g.email(r.Requester.Name)
		if g.chance(0.5) {
			r.Requester.Phone = g.phone(r.Rule)
		}
	}
	if r.Rule == model.RuleHIPAA && rel.ActsForOther() && g.chance(0.1) {
		r.Subject.Restriction = pick(g, demoRestrictions)
	}
	switch r.Kind {
	case model.KindAccess:
		r.Details.Scope = pick(g, demoAccessScopes)
		r.Details.Format = pick(g, demoFormats)
	case model.KindCorrection:
		r.Details.Wrong = pick(g, demoWrong)
		r.Details.ShouldSay = pick(g, demoShouldSay)
	case model.KindDeletion:
		if g.chance(0.4) {
			r.Details.WholeRecord = true
		} else {
			r.Details.Parts = pick(g, demoParts)
		}
	}
	if g.chance(0.4) {
		r.Details.Summary = pick(g, demoSummaries)
	}
	if r.Channel == model.ChannelDesk && r.Kind != model.KindComplaint && g.chance(0.6) {
		r.Evidence = append(r.Evidence, g.identity(model.MethodInPerson))
	}
	return r
}

// weighted picks from xs with the given weights.
func weightedPick[T any](g *demoGen, xs []T, w ...int) T {
	total := 0
	for _, x := range w {
		total += x
	}
	n := g.rng.IntN(total)
	for i, x := range w {
		if n < x {
			return xs[i]
		}
		n -= x
	}
	return xs[len(xs)-1]
}

func lastWord(name string) string {
	if i := strings.LastIndexByte(name, ' '); i >= 0 {
		return name[i+1:]
	}
	return name
}

// subject is a patient: sometimes one who asked before.
func (g *demoGen) subject(at time.Time, child bool) model.Subject {
	if len(g.people) > 0 && g.chance(0.12) {
		p := pick(g, g.people)
		if age := model.AgeOn(p.DateOfBirth, model.DateOf(at)); (age < g.st.AgeThreshold) == child && age >= 0 {
			return p
		}
	}
	age := 18 + g.rng.IntN(72)
	if child {
		age = g.rng.IntN(g.st.AgeThreshold)
	}
	day := model.DateOf(at.In(g.loc))
	dob := day.AddDate(-age-1, 0, 1+g.rng.IntN(364))
	name := pick(g, demoFirstNames) + " " + g.surname()
	p := model.Subject{Name: name, DateOfBirth: dob, Email: g.email(name)}
	if g.chance(0.6) {
		p.Phone = g.phone(g.st.Rule)
	}
	if g.chance(0.5) {
		p.Address = fmt.Sprintf("%d %s, %s", 1+g.rng.IntN(180), pick(g, demoStreets), pick(g, demoTowns))
	}
	if len(g.people) < 20000 {
		g.people = append(g.people, p)
	} else {
		g.people[g.rng.IntN(len(g.people))] = p
	}
	return p
}

// surname is drawn as a register's are: a few common ones (the first of
// demoSurnames as often as Smith is in Britain, about 1 in 80) and a long
// tail of rarer ones, so that searching for a name finds as many rows as
// it would in a real register.
func (g *demoGen) surname() string {
	if g.chance(0.3) {
		// Weights 1/(rank+10): Smith takes about 4% of these.
		total := 0.0
		for i := range demoSurnames {
			total += 1 / float64(i+11)
		}
		x := g.rng.Float64() * total
		for i, n := range demoSurnames {
			if x -= 1 / float64(i+11); x < 0 {
				return n
			}
		}
		return demoSurnames[len(demoSurnames)-1]
	}
	return pick(g, demoSurnameStarts) + pick(g, demoSurnameEnds)
}

// email makes an address at a reserved example domain.
func (g *demoGen) email(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case (r == ' ' || r == '-') && b.Len() > 0 && !strings.HasSuffix(b.String(), "."):
			b.WriteByte('.')
		}
	}
	local := strings.Trim(b.String(), ".")
	if local == "" {
		local = "patient"
	}
	return fmt.Sprintf("%s%d@%s", local, g.rng.IntN(100), pick(g, []string{"example.org", "example.com", "example.net"}))
}

// phone makes a number from the ranges kept for fiction.
func (g *demoGen) phone(rule model.Rule) string {
	if rule == model.RuleHIPAA || rule == model.RuleCCPA {
		return fmt.Sprintf("+1 202 555 01%02d", g.rng.IntN(100))
	}
	return fmt.Sprintf("+44 7700 900%03d", g.rng.IntN(1000))
}

func (g *demoGen) last4() string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
	b := make([]byte, 4)
	for i := range b {
		b[i] = chars[g.rng.IntN(len(chars))]
	}
	return string(b)
}

// identity is proof of who is asking, as a desk records it.
func (g *demoGen) identity(m model.Method) model.Evidence {
	e := model.Evidence{Kind: model.EvidenceIdentity, Method: m}
	switch m {
	case model.MethodInPerson:
		e.Document = string(weightedPick(g, []model.IDDocument{model.DocPassport, model.DocDrivingLicence, model.DocNationalIDCard, model.DocResidencePermit}, 45, 40, 10, 5))
		e.ExpiryChecked, e.PhotoMatched = true, true
	case model.MethodCopyReceived:
		e.Document = string(weightedPick(g, []model.IDDocument{model.DocPassport, model.DocDrivingLicence, model.DocUtilityBill, model.DocBankStatement}, 30, 25, 30, 15))
		e.ExpiryChecked = g.chance(0.5)
	case model.MethodMatchedRecords:
		e.Document = string(model.DocMatchedRecords)
	default:
		e.Document = string(model.DocKnownToStaff)
	}
	if model.IDDocument(e.Document).HasNumber() {
		e.Last4 = g.last4()
		e.IssuingCountry = pick(g, []string{"GB", "GB", "GB", "IE", "US", "PL", "FR", "DE", "IN"})
	}
	return e
}

// evidenceFor is what arrives to meet a need.
func (g *demoGen) evidenceFor(need model.Need) (model.Evidence, bool) {
	switch need {
	case model.NeedIdentity:
		return g.identity(weightedPick(g, model.Methods, 25, 45, 20, 10)), false
	case model.NeedStrongID:
		return g.identity(model.MethodInPerson), false
	case model.NeedParental:
		e := model.Evidence{Kind: model.EvidenceParental, Document: string(weightedPick(g, model.ParentalDocuments, 70, 5, 5, 3, 5, 3, 3, 3, 3))}
		if e.Document == string(model.ParOther) {
			e.Description = "Letter from the child's school naming the parent"
		}
		return e, false
	case model.NeedAuthority:
		e := model.Evidence{Kind: model.EvidenceAuthority, Document: string(weightedPick(g, model.AuthorityDocuments, 60, 30, 7, 3))}
		if e.Document == string(model.AuthOther) {
			e.Description = "Signed letter from the patient's care home"
		}
		return e, false
	case model.NeedCompetence:
		return model.Evidence{Kind: model.EvidenceCompetence, Description: "Understands what the request means and what the records hold; competent to ask"}, true
	}
	return model.Evidence{}, false
}

// live plays the request from logging to today.
func (g *demoGen) live(l *life, long bool) {
	r := l.r
	if r.Status.Closed() {
		return // a child asked alone and the policy refused it at once
	}
	notes := 2 + g.rng.IntN(10)
	if long {
		notes = 48 + g.rng.IntN(8)
	}
	noteAt := func() {
		if notes > 0 {
			notes--
			l.note(g.later(l.t, 0, 3), g.desk())
		}
	}
	if r.Subject.Restriction != "" {
		l.do(g.later(l.t, 0, 2), g.desk(), model.Op{Action: model.ActRestrict})
	}

	// Verification: what is missing arrives, sometimes after a pause.
	neverVerified := g.chance(0.06) && !long
	for tries := 0; !l.ended && !r.Verified(g.st) && tries < 4; tries++ {
		if r.Status == model.StatusAwaitingVerification && g.chance(0.3) {
			l.do(g.later(l.t, 0, 2), g.desk(), model.Op{Action: model.ActPause, PauseReason: model.PauseAwaitingID})
		}
		if neverVerified {
			break
		}
		miss := r.MissingVerification(g.st)
		if len(miss) == 0 {
			break
		}
		e, byLead := g.evidenceFor(miss[0].Need)
		who := g.desk()
		if byLead {
			who = g.lead()
		}
		noteAt()
		l.do(g.later(l.t, 1, 20), who, model.Op{Action: model.ActEvidence, Evidence: &e})
	}
	if l.ended {
		return
	}
	if !r.Verified(g.st) {
		// Never verified: in time it is withdrawn or refused.
		if g.chance(0.5) {
			l.do(g.later(l.t, 20, 45), g.desk(), model.Op{Action: model.ActWithdraw, Reason: "The requester stopped replying"})
		} else {
			l.do(g.later(l.t, 20, 45), g.lead(), model.Op{Action: model.ActRefuse, Reason: demoRefusals[1]})
		}
		return
	}

	// The work: pauses, notes and sometimes an extension.
	for range 2 {
		noteAt()
	}
	if g.chance(0.1) || long {
		reason := model.PauseAwaitingClarification
		switch {
		case r.Kind == model.KindAccess && r.Rule == model.RuleUKGDPR && g.chance(0.3):
			reason = model.PauseAwaitingFee
		case g.chance(0.15):
			reason = model.PauseOther
		}
		if l.do(g.later(l.t, 1, 5), g.desk(), model.Op{Action: model.ActPause, PauseReason: reason}) {
			noteAt()
			l.do(g.later(l.t, 2, 15), g.desk(), model.Op{Action: model.ActResume})
		}
	}
	if model.ExtensionAllowed(r.Rule, r.Kind) && (g.chance(0.08) || long) {
		dl := r.Deadline(calendarFor(r.Nation))
		told := g.later(l.t, 0, max(0, model.DaysBetween(l.t, dl.NotifyExtensionBy)-3))
		if !model.DateOf(told.In(g.loc)).After(dl.NotifyExtensionBy) {
			l.do(told, g.lead(), model.Op{Action: model.ActExtend, Reason: pick(g, demoExtensions), Date: told})
		}
	}
	for notes > 1 {
		noteAt()
	}
	if l.ended || (!long && r.ReceivedAt.After(g.now.AddDate(-1, 0, 0)) && g.chance(0.03)) {
		return // still open: work that was forgotten shows as overdue
	}

	// The outcome, mostly in time, now and then late.
	g.close(l)
	if l.ended || !r.Status.Closed() || !g.chance(0.015) {
		return
	}
	if l.do(g.later(l.t, 5, 40), g.lead(), model.Op{Action: model.ActReopen, Reason: pick(g, demoReopens)}) {
		noteAt()
		g.close(l)
	}
}

// close answers the request by its deadline (or, rarely, late).
func (g *demoGen) close(l *life) {
	r := l.r
	op := model.Op{Action: model.ActComplete}
	who := g.lead()
	roll := g.rng.Float64()
	switch r.Kind {
	case model.KindStopMarketing:
		// The policy: "we must always comply".
	case model.KindDeletion:
		if roll < 0.45 {
			op = model.Op{Action: model.ActPartial, Reason: demoPartials[0]}
		} else if roll < 0.5 {
			op = model.Op{Action: model.ActRefuse, Reason: demoRefusals[3]}
		}
	case model.KindAccess:
		if roll < 0.06 {
			op = model.Op{Action: model.ActPartial, Reason: pick(g, demoPartials[1:])}
		} else if roll < 0.09 {
			op = model.Op{Action: model.ActRefuse, Reason: pick(g, []string{demoRefusals[0], demoRefusals[4]})}
		}
	case model.KindCorrection:
		if roll < 0.12 {
			op = model.Op{Action: model.ActRefuse, Reason: demoRefusals[2]}
		}
	}
	if op.Action == model.ActComplete && g.chance(0.04) {
		op, who = model.Op{Action: model.ActWithdraw, Reason: "The requester no longer needs it"}, g.desk()
	}
	if r.Status == model.StatusPaused && op.Action != model.ActWithdraw && op.Action != model.ActRefuse {
		l.do(g.later(l.t, 0, 1), g.desk(), model.Op{Action: model.ActResume})
	}
	dl := r.Deadline(calendarFor(r.Nation))
	left := max(1, model.DaysBetween(l.t.In(g.loc), dl.Effective)-1)
	at := g.later(l.t, 1, left)
	if g.chance(0.04) {
		at = g.later(l.t, left+2, left+25)
	}
	l.do(at, who, op)
}
