package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
	"rightsdesk/storage"
	"rightsdesk/storage/export"
)

// wizard logs a new request in short steps: who is asking → the patient →
// what they ask → how and when it came in → identity → parental proof or
// authority when someone acts for the patient → check and save. Steps
// that do not apply are skipped; the age rule is worked out as soon as the
// date of birth is typed.
type wizard struct {
	s     *session
	pages []*wizPage
	page  int // len(pages) is the review step
	keys  wizardKeys

	dups    []string
	dupKey  string
	busy    bool
	saveErr string
	saved   *model.Request
	result  string
	width   int
	height  int
}

type wizPage struct {
	title string
	intro string
	form  *form
	show  func() bool
}

type wizardKeys struct {
	Save, Back, Leave, Export, Open, Board key.Binding
}

func newWizard(s *session) *wizard {
	w := &wizard{s: s, width: 80}
	w.keys = wizardKeys{
		Save:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save")),
		Back:   key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous step")),
		Leave:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave")),
		Export: key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export acknowledgement")),
		Open:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open the request")),
		Board:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back to the board")),
	}
	w.build()
	return w
}

func (w *wizard) val(key string) string {
	for _, p := range w.pages {
		if fl := p.form.get(key); fl != nil {
			return fl.value()
		}
	}
	return ""
}

func (w *wizard) rel() model.Relationship { return model.Relationship(w.val("rel")) }

func (w *wizard) dob() (time.Time, bool) {
	d, err := model.ParseDate(w.val("dob"), w.s.settings.DateOrder)
	return d, err == nil
}

func (w *wizard) received() (time.Time, error) {
	return model.ParseDateTime(w.val("received"), w.s.settings.DateOrder, w.s.settings.Location())
}

func (w *wizard) receivedOn() time.Time {
	if t, err := w.received(); err == nil {
		return model.DateOf(t)
	}
	return w.s.today()
}

// under is true when the patient is under the clinic's age threshold on
// the day the request came in.
func (w *wizard) under() bool {
	d, ok := w.dob()
	return ok && model.AgeOn(d, w.receivedOn()) < w.s.settings.AgeThreshold
}

func (w *wizard) childRefused() bool {
	return w.under() && w.rel() == model.RelSelf && w.s.settings.ChildPolicy == model.ChildRefuse &&
		!model.Kind(w.val("kind")).Absolute()
}

func checkName(s string) error { _, err := model.ParseName(s); return err }

func optional(parse func(string) (string, error)) func(string) error {
	return func(s string) error {
		if strings.TrimSpace(s) == "" {
			return nil
		}
		_, err := parse(s)
		return err
	}
}

func (w *wizard) build() {
	st := w.s.styles
	set := w.s.settings
	order := set.DateOrder

	who := newForm(st)
	who.choice("rel", "Who is asking", relationshipOptions(), string(model.RelSelf))
	actsForOther := func() bool { return w.rel().ActsForOther() }
	who.text("rname", "Their name", "", checkName).show = actsForOther
	who.text("remail", "Their e-mail", "", optional(model.ParseEmail)).show = actsForOther
	who.text("rphone", "Their phone", "", optional(model.ParsePhone)).show = actsForOther

	pat := newForm(st)
	pat.text("name", "Patient's name", "", checkName)
	pat.text("dob", "Date of birth", "", func(s string) error {
		d, err := model.ParseDate(s, order)
		if err != nil {
			return err
		}
		if d.After(w.s.today()) {
			return model.Invalid("date of birth", "the date of birth is in the future", "check the year")
		}
		return nil
	}).hint = w.ageHint
	pat.get("dob").in.Placeholder = order.Pattern()
	pat.text("email", "Patient's e-mail", "", optional(model.ParseEmail))
	pat.text("phone", "Patient's phone", "", optional(model.ParsePhone))

	what := newForm(st)
	what.choice("kind", "They ask to", kindOptions(), string(model.KindAccess))
	isKind := func(k model.Kind) func() bool { return func() bool { return w.val("kind") == string(k) } }
	what.text("scope", "What data", "", nil).show = isKind(model.KindAccess)
	what.text("format", "Preferred format", "", nil).show = isKind(model.KindAccess)
	what.text("wrong", "What is wrong", "", nil).show = isKind(model.KindCorrection)
	what.text("should", "What it should say", "", nil).show = isKind(model.KindCorrection)
	what.toggle("whole", "The whole record", false).show = isKind(model.KindDeletion)
	what.text("parts", "Which parts", "", nil).show = func() bool { return isKind(model.KindDeletion)() && !what.On("whole") }
	what.text("summary", "In their words", "", nil)

	how := newForm(st)
	how.choice("channel", "Came in", channelOptions(), string(model.ChannelDesk))
	now := w.s.now().In(set.Location())
	how.text("received", "Received", model.FormatDate(now, order)+" "+now.Format("15:04"), func(s string) error {
		t, err := model.ParseDateTime(s, order, set.Location())
		if err != nil {
			return err
		}
		if t.After(w.s.now().Add(5 * time.Minute)) {
			return model.Invalid("received", "the time received is in the future", "type when the request came in")
		}
		return nil
	}).hint = func() string {
		return "now by default; for a letter, the day it arrived (" + order.Pattern() + " HH:MM)"
	}

	id := newForm(st)
	id.choice("id", "Identity", []option{{"now", "seen now: record it"}, {"later", "not yet: record it later (v)"}}, "now")
	idNow := func() bool { return id.Value("id") == "now" }
	id.choice("method", "How it was checked", methodOptions(), string(model.MethodInPerson)).show = idNow
	id.choice("doc", "Document", idDocOptions(), string(model.DocPassport)).show = idNow
	hasNumber := func() bool { return idNow() && model.IDDocument(id.Value("doc")).HasNumber() }
	id.text("country", "Issuing country", "", checkCountry).show = hasNumber
	id.text("last4", "Last 4 of its number", "", optional(model.ParseLast4)).show = hasNumber
	// Room for a whole number, so that ParseLast4 refuses it with a message
	// rather than the field silently keeping the first four characters.
	id.get("last4").in.CharLimit = 40
	id.toggle("expiry", "Expiry date checked", false).show = hasNumber
	id.toggle("photo", "Photo and name match", false).show = idNow

	par := newForm(st)
	par.choice("proof", "Parental proof", []option{{"later", "not yet: the request waits for it"}, {"now", "seen now: record it"}}, "later")
	parNow := func() bool { return par.Value("proof") == "now" }
	par.choice("pdoc", "Proof seen", parentalDocOptions(), string(model.ParBirthCertificate)).show = parNow
	par.text("pdesc", "Description", "", nil).show = func() bool { return parNow() && par.Value("pdoc") == string(model.ParOther) }

	auth := newForm(st)
	auth.choice("auth", "Authority", []option{{"later", "not yet: the request waits for it"}, {"now", "seen now: record it"}}, "later")
	authNow := func() bool { return auth.Value("auth") == "now" }
	auth.choice("adoc", "Authority seen", authorityDocOptions(), string(model.AuthWrittenAuthority)).show = authNow
	auth.text("adesc", "Description", "", nil).show = func() bool { return authNow() && auth.Value("adoc") == string(model.AuthOther) }

	w.pages = []*wizPage{
		{title: "1 · Who is asking", form: who},
		{title: "2 · The patient", form: pat},
		{title: "3 · What they ask", form: what},
		{title: "4 · How and when it came in", form: how},
		{title: "5 · Identity", intro: "Ask only what is reasonable: record the type of document, never a copy.", form: id,
			show: func() bool { return w.val("kind") != string(model.KindComplaint) && !w.childRefused() }},
		{title: "6 · Parental responsibility", form: par, intro: "",
			show: func() bool { return w.under() && w.rel().ActsForOther() }},
		{title: "6 · Authority to act", form: auth, intro: "Someone acting for an adult needs the patient's written authority or a power of attorney.",
			show: func() bool { return !w.under() && w.rel().ActsForOther() }},
	}
	w.pages[5].intro = ""
	for _, p := range w.pages {
		p.form.SetWidth(w.width)
	}
}

// ageHint is the live note under the date of birth.
func (w *wizard) ageHint() string {
	d, ok := w.dob()
	if !ok {
		return "typed " + w.s.settings.DateOrder.Pattern() + " or YYYY-MM-DD"
	}
	set := w.s.settings
	age := model.AgeOn(d, w.receivedOn())
	if age >= set.AgeThreshold {
		return fmt.Sprintf("age %d", age)
	}
	s := fmt.Sprintf("age %d: under %d. ", age, set.AgeThreshold)
	switch {
	case w.rel().ActsForOther():
		return s + "Proof of parental responsibility is needed before the request can go on."
	case set.ChildPolicy == model.ChildRefuse:
		return s + "A child's own request: under the clinic's policy it will be logged as refused (a request to stop marketing is always honoured)."
	default:
		return s + "A child's own request: a lead must record a competence assessment."
	}
}

func (w *wizard) Title() string { return "New request" }
func (w *wizard) Init() tea.Cmd { return nil }

func (w *wizard) Capturing() bool {
	if w.page < len(w.pages) {
		return w.pages[w.page].form.Capturing()
	}
	return false
}

func (w *wizard) Dirty() bool {
	if w.saved != nil {
		return false
	}
	for _, p := range w.pages {
		if p.form.Dirty() {
			return true
		}
	}
	return false
}

func (w *wizard) SetSize(width, h int) {
	w.width, w.height = width, h
	for _, p := range w.pages {
		p.form.SetWidth(width)
	}
}

func (w *wizard) pageShown(i int) bool {
	p := w.pages[i]
	return p.show == nil || p.show()
}

// step moves to the next (or previous) step that applies.
func (w *wizard) step(dir int) tea.Cmd {
	i := w.page + dir
	for i >= 0 && i < len(w.pages) && !w.pageShown(i) {
		i += dir
	}
	if i < 0 {
		return nil
	}
	w.page = i
	if i < len(w.pages) {
		f := w.pages[i].form
		if dir < 0 {
			f.FocusFirst()
		} else {
			f.FocusFirst()
		}
		return nil
	}
	return w.dupCmd()
}

type dupMsg struct {
	key  string
	refs []string
}

// dupCmd looks for open requests for the same patient before saving.
func (w *wizard) dupCmd() tea.Cmd {
	d, ok := w.dob()
	name, err := model.ParseName(w.val("name"))
	if !ok || err != nil {
		return nil
	}
	st := w.s.store
	k := name + "|" + d.Format(time.DateOnly)
	w.dupKey = k
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		refs, err := st.DuplicateOpen(ctx, name, d)
		if err != nil {
			return dupMsg{key: k}
		}
		return dupMsg{key: k, refs: refs}
	}
}

// request builds the domain request from every step that applies.
func (w *wizard) request() (model.Request, error) {
	set := w.s.settings
	var r model.Request
	r.Rule = set.Rule
	r.Nation = set.Nation
	r.Kind = model.Kind(w.val("kind"))
	r.Channel = model.Channel(w.val("channel"))
	recv, err := w.received()
	if err != nil {
		return r, err
	}
	r.ReceivedAt = recv
	name, err := model.ParseName(w.val("name"))
	if err != nil {
		return r, err
	}
	r.Subject.Name = name
	if d, ok := w.dob(); ok {
		r.Subject.DateOfBirth = d
	}
	r.Subject.Email = strings.TrimSpace(w.val("email"))
	r.Subject.Phone = strings.TrimSpace(w.val("phone"))
	r.Requester.Relationship = w.rel()
	if r.Requester.Relationship.ActsForOther() {
		r.Requester.Name = strings.TrimSpace(w.val("rname"))
		r.Requester.Email = strings.TrimSpace(w.val("remail"))
		r.Requester.Phone = strings.TrimSpace(w.val("rphone"))
	} else {
		r.Requester.Name = name
	}
	switch r.Kind {
	case model.KindAccess:
		r.Details.Scope, r.Details.Format = strings.TrimSpace(w.val("scope")), strings.TrimSpace(w.val("format"))
	case model.KindCorrection:
		r.Details.Wrong, r.Details.ShouldSay = strings.TrimSpace(w.val("wrong")), strings.TrimSpace(w.val("should"))
	case model.KindDeletion:
		r.Details.WholeRecord = w.val("whole") == "yes"
		if !r.Details.WholeRecord {
			r.Details.Parts = strings.TrimSpace(w.val("parts"))
		}
	}
	r.Details.Summary = strings.TrimSpace(w.val("summary"))
	if w.pageShown(4) && w.val("id") == "now" {
		e := model.Evidence{Kind: model.EvidenceIdentity, Method: model.Method(w.val("method")), Document: w.val("doc"), PhotoMatched: w.val("photo") == "yes"}
		if model.IDDocument(e.Document).HasNumber() {
			e.IssuingCountry = strings.ToUpper(strings.TrimSpace(w.val("country")))
			e.Last4 = strings.TrimSpace(w.val("last4"))
			e.ExpiryChecked = w.val("expiry") == "yes"
		}
		r.Evidence = append(r.Evidence, e)
	}
	if w.pageShown(5) && w.val("proof") == "now" {
		r.Evidence = append(r.Evidence, model.Evidence{Kind: model.EvidenceParental, Document: w.val("pdoc"), Description: strings.TrimSpace(w.val("pdesc"))})
	}
	if w.pageShown(6) && w.val("auth") == "now" {
		r.Evidence = append(r.Evidence, model.Evidence{Kind: model.EvidenceAuthority, Document: w.val("adoc"), Description: strings.TrimSpace(w.val("adesc"))})
	}
	return r, nil
}

type savedMsg struct {
	req model.Request
	err error
}

func (w *wizard) saveCmd(r model.Request) tea.Cmd {
	st, actor, now := w.s.store, w.s.user, w.s.now()
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		saved, err := st.LogRequest(ctx, actor, r, now)
		return savedMsg{req: saved, err: err}
	}
}

func (w *wizard) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case dupMsg:
		if msg.key == w.dupKey {
			w.dups = msg.refs
		}
		return w, nil
	case savedMsg:
		w.busy = false
		if msg.err != nil {
			w.saveErr = errText(msg.err)
			return w, nil
		}
		w.saved = &msg.req
		return w, flash("Logged " + msg.req.Reference)
	case exportDoneMsg:
		w.busy = false
		if msg.err != nil {
			w.result = "✗ export " + msg.what + ": " + errText(msg.err)
		} else {
			w.result = "Exported the " + msg.what + ": " + msg.res.Path
		}
		return w, nil
	case tea.KeyPressMsg:
		if w.busy {
			return w, nil
		}
		if w.saved != nil {
			return w.updateDone(msg)
		}
		if w.page == len(w.pages) {
			return w.updateReview(msg)
		}
		f := w.pages[w.page].form
		if msg.String() == "shift+tab" && f.AtFirst() && w.page > 0 {
			return w, w.step(-1)
		}
	}
	if w.page >= len(w.pages) || w.saved != nil {
		return w, nil
	}
	res, cmd := w.pages[w.page].form.Update(msg)
	switch res {
	case formSubmit:
		return w, tea.Batch(cmd, w.step(1))
	case formCancel:
		return w, pop
	}
	return w, cmd
}

func (w *wizard) confirmingLeave() bool { return w.saveErr == "leave?" }

func (w *wizard) updateReview(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	if w.confirmingLeave() {
		switch msg.String() {
		case "y", "Y":
			return w, pop
		case "n", "N", "esc":
			w.saveErr = ""
		}
		return w, nil
	}
	switch msg.String() {
	case "enter":
		r, err := w.request()
		if err != nil {
			w.saveErr = errText(err)
			return w, nil
		}
		w.busy, w.saveErr = true, ""
		return w, w.saveCmd(r)
	case "shift+tab", "backspace":
		return w, w.step(-1)
	case "esc":
		w.saveErr = "leave?"
	}
	return w, nil
}

func (w *wizard) updateDone(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	switch msg.String() {
	case "x":
		if !model.Can(w.s.user.Role, model.PermExportAck) {
			return w, flashErr(model.Check(w.s.user.Role, model.PermExportAck))
		}
		w.busy = true
		st, actor, ref := w.s.store, w.s.user, w.saved.Reference
		opt := export.Options{OutDir: w.s.exportDir, Now: w.s.now()}
		return w, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			res, err := export.Acknowledgement(ctx, st, actor, ref, opt)
			return exportDoneMsg{what: "acknowledgement", res: res, err: err}
		}
	case "enter":
		return w, replace(newRequestScreen(w.s, w.saved.Reference))
	case "esc", "q":
		return w, pop
	}
	return w, nil
}

func (w *wizard) View() string {
	st := w.s.styles
	var b strings.Builder
	if w.saved != nil {
		return w.doneView()
	}
	if w.page == len(w.pages) {
		return w.reviewView()
	}
	p := w.pages[w.page]
	b.WriteString(st.Section.Render(p.title) + "\n")
	if p.intro != "" {
		b.WriteString(st.Muted.Render(p.intro) + "\n")
	}
	if w.page == 5 {
		d, _ := w.dob()
		b.WriteString(st.Warn.Render(fmt.Sprintf("Proof of parental responsibility is needed: the patient is %d.", model.AgeOn(d, w.receivedOn()))) + "\n")
		b.WriteString(st.Muted.Render("Birth certificate, adoption order, PR agreement or order, child arrangements order, special guardianship, guardianship or care order.") + "\n")
	}
	b.WriteString("\n" + p.form.View())
	return b.String()
}

func (w *wizard) reviewView() string {
	st := w.s.styles
	set := w.s.settings
	var b strings.Builder
	b.WriteString(st.Section.Render("Check and save") + "\n\n")
	r, err := w.request()
	if err != nil {
		b.WriteString(st.Error.Render("✗ "+errText(err)) + "\n" + st.Muted.Render("shift+tab goes back to fix it.") + "\n")
		return b.String()
	}
	asker := "the patient themselves"
	if r.Requester.Relationship.ActsForOther() {
		asker = "» " + model.Clean(r.Requester.Name, 60) + " (" + string(r.Requester.Relationship) + ")"
	}
	line := func(l, v string) { b.WriteString("  " + st.Label.Render(cell(l, 14)) + " " + v + "\n") }
	line("Patient", fmt.Sprintf("%s, born %s (%d)", model.Clean(r.Subject.Name, 60), w.s.fmtDate(r.Subject.DateOfBirth), r.SubjectAge()))
	line("Asked by", asker)
	line("Asks", model.Clean(r.Summary(), 200))
	line("Came in", fmt.Sprintf("%s, %s", w.s.fmtTime(r.ReceivedAt), r.Channel))
	ev := "none yet"
	if len(r.Evidence) > 0 {
		var l []string
		for _, e := range r.Evidence {
			l = append(l, e.Label())
		}
		ev = strings.Join(l, "; ")
	}
	line("Evidence", ev)
	r.Status = model.StatusAwaitingVerification
	dl := r.Deadline(storage.CalendarFor(set.Nation))
	line("Due", w.s.fmtDate(dl.Effective)+" ("+r.Rule.Label()+")")
	b.WriteString("\n")
	if r.RefusedAsChild(set) {
		b.WriteString(wrapIndent(st.Warn.Render("⚠ This is a child's own request. It will be logged as refused: "+model.ChildRefusalReason(set)+"."), w.width, 0) + "\n")
	} else {
		for _, m := range r.MissingVerification(set) {
			b.WriteString(wrapIndent(st.Warn.Render("• "+m.Text), w.width, 0) + "\n")
		}
	}
	for _, x := range r.Warnings() {
		b.WriteString(st.Warn.Render("⚠ "+x) + "\n")
	}
	if len(w.dups) > 0 {
		b.WriteString(wrapIndent(st.Warn.Render("⚠ Possible duplicate: this patient already has open requests "+strings.Join(w.dups, ", ")+". Save only if this is a new request."), w.width, 0) + "\n")
	}
	if w.saveErr != "" && !w.confirmingLeave() {
		b.WriteString("\n" + wrapIndent(st.Error.Render("✗ "+w.saveErr), w.width, 0) + "\n" + st.Muted.Render("Nothing was saved; what you typed is kept.") + "\n")
	}
	if w.confirmingLeave() {
		b.WriteString("\n" + st.Warn.Render("Leave and lose what you typed? y = leave, n = stay") + "\n")
	} else if w.busy {
		b.WriteString("\n" + st.Muted.Render("Saving…") + "\n")
	} else {
		b.WriteString("\n" + st.Accent.Render("Press enter to save.") + "\n")
	}
	return b.String()
}

func (w *wizard) doneView() string {
	st := w.s.styles
	r := *w.saved
	dl := r.Deadline(storage.CalendarFor(r.Nation))
	var b strings.Builder
	b.WriteString(st.Section.Render("Logged") + "\n\n")
	b.WriteString("  Reference  " + st.Title.Render(model.Clean(r.Reference, 20)) + "\n")
	b.WriteString("  Status     " + r.Status.Label() + "\n")
	if r.Status.Closed() {
		b.WriteString("  Reason     " + model.Clean(r.OutcomeReason, 300) + "\n")
	} else {
		b.WriteString(fmt.Sprintf("  Due        %s (%d days)\n", w.s.fmtDate(dl.Effective), dl.DaysLeft(w.s.today())))
	}
	for _, m := range r.MissingVerification(w.s.settings) {
		if r.Open() {
			b.WriteString(wrapIndent(st.Warn.Render("• "+m.Text), w.width, 2) + "\n")
		}
	}
	b.WriteString("\n  Give the patient the reference. Press x to export the acknowledgement for them.\n")
	if w.result != "" {
		b.WriteString("\n" + wrapIndent(w.result, w.width, 2) + "\n")
	}
	return b.String()
}

func (w *wizard) ShortHelp() []key.Binding {
	switch {
	case w.saved != nil:
		return []key.Binding{w.keys.Export, w.keys.Open, w.keys.Board}
	case w.page == len(w.pages):
		return []key.Binding{w.keys.Save, w.keys.Back, w.keys.Leave}
	}
	return w.pages[w.page].form.ShortHelp()
}

func (w *wizard) FullHelp() [][]key.Binding { return [][]key.Binding{w.ShortHelp()} }
