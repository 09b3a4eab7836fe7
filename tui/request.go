package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"rightsdesk/model"
	"rightsdesk/storage"
	"rightsdesk/storage/export"
)

// requestScreen shows everything about one request and takes its actions
// by key. Actions the signed-in role may not take stay listed, marked with
// the role that may.
type requestScreen struct {
	s   *session
	ref string

	req     model.Request
	events  []model.Event
	notes   []storage.Note
	atts    []storage.Attachment
	loaded  bool
	loadErr string

	vp   viewport.Model
	keys requestKeys

	// dialog is the open action form, if any.
	dialog    *form
	dialogAct model.Action
	dialogTtl string
	// confirm is an action waiting for y/n.
	confirm model.Action
	busy    bool

	width, height int
}

type requestKeys struct {
	Back, Verify, Pause, Extend, Complete, Partial, Refuse, Withdraw, Reopen  key.Binding
	Note, Attach, ExportAck, ExportResp, Up, Down, PageUp, PageDown, Top, End key.Binding
}

func newRequestKeys() requestKeys {
	return requestKeys{
		Back:       key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Verify:     key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Pause:      key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause/resume")),
		Extend:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "extend")),
		Complete:   key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "complete")),
		Partial:    key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "partly complete")),
		Refuse:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refuse")),
		Withdraw:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "withdraw")),
		Reopen:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "re-open")),
		Note:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "add note")),
		Attach:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "attach file")),
		ExportAck:  key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export acknowledgement")),
		ExportResp: key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "export response")),
		Up:         key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "scroll up")),
		Down:       key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "scroll down")),
		PageUp:     key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:   key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:        key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "top")),
		End:        key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "timeline and notes")),
	}
}

func newRequestScreen(s *session, ref string) *requestScreen {
	return &requestScreen{s: s, ref: ref, keys: newRequestKeys(), vp: viewport.New()}
}

func (v *requestScreen) Title() string { return model.Clean(v.ref, 20) }

func (v *requestScreen) Init() tea.Cmd { return loadRequestCmd(v.s.store, v.ref) }

func (v *requestScreen) Capturing() bool {
	return v.confirm != "" || (v.dialog != nil && v.dialog.Capturing())
}

func (v *requestScreen) Dirty() bool { return v.dialog != nil && v.dialog.Dirty() }

func (v *requestScreen) SetSize(w, h int) {
	v.width, v.height = w, h
	if v.dialog != nil {
		v.dialog.SetWidth(w)
	}
	v.layout()
}

func (v *requestScreen) layout() {
	v.vp.SetWidth(v.width)
	v.vp.SetHeight(max(3, v.height-v.actionLines()-1))
	if v.loaded {
		v.vp.SetContent(v.details())
	}
}

type requestLoadedMsg struct {
	ref    string
	req    model.Request
	events []model.Event
	notes  []storage.Note
	atts   []storage.Attachment
	err    error
}

func loadRequestCmd(st *storage.Store, ref string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		m := requestLoadedMsg{ref: ref}
		if m.req, m.err = st.GetRequest(ctx, ref); m.err != nil {
			return m
		}
		if m.events, m.err = st.Timeline(ctx, ref); m.err != nil {
			return m
		}
		if m.notes, m.err = st.Notes(ctx, ref); m.err != nil {
			return m
		}
		m.atts, m.err = st.Attachments(ctx, ref)
		return m
	}
}

type actionDoneMsg struct {
	act model.Action
	req model.Request
	err error
}

type exportDoneMsg struct {
	what string
	res  export.Result
	err  error
}

// availability says whether an action can be taken now: ok, or why not.
type availability struct {
	shown bool   // makes sense for this request's status
	role  string // "" when the role may; else the role that may
}

func (v *requestScreen) avail(act model.Action, perm model.Permission) availability {
	r := v.req
	a := availability{}
	switch act {
	case model.ActEvidence:
		a.shown = r.Open()
	case model.ActPause:
		_, ok := model.Next(r.Status, model.ActPause)
		a.shown = ok || r.Status == model.StatusPaused
	case model.ActExtend:
		a.shown = r.Open() && !r.Extended && model.ExtensionAllowed(r.Rule, r.Kind)
	case model.ActComplete, model.ActPartial, model.ActRefuse, model.ActWithdraw, model.ActReopen:
		_, a.shown = model.Next(r.Status, act)
	default:
		a.shown = true
	}
	if !model.Can(v.s.user.Role, perm) {
		a.role = string(model.NeededRole(perm))
	}
	return a
}

type actionEntry struct {
	b    key.Binding
	act  model.Action
	perm model.Permission
}

func (v *requestScreen) actions() []actionEntry {
	k := v.keys
	pause := k.Pause
	if v.req.Status == model.StatusPaused {
		pause.SetHelp("p", "resume")
	} else {
		pause.SetHelp("p", "pause")
	}
	return []actionEntry{
		{k.Verify, model.ActEvidence, model.PermVerify},
		{pause, model.ActPause, model.PermPause},
		{k.Extend, model.ActExtend, model.PermExtend},
		{k.Complete, model.ActComplete, model.PermComplete},
		{k.Partial, model.ActPartial, model.PermComplete},
		{k.Refuse, model.ActRefuse, model.PermRefuse},
		{k.Withdraw, model.ActWithdraw, model.PermWithdraw},
		{k.Reopen, model.ActReopen, model.PermReopen},
		{k.Note, model.ActNote, model.PermNote},
		{k.Attach, model.ActAttach, model.PermAttach},
		{k.ExportAck, model.ActExport, model.PermExportAck},
		{k.ExportResp, model.ActExport, model.PermExportResponse},
	}
}

// actionBar lists the actions that fit the request's status: the ones the
// role may take in the accent colour, the others muted with who may.
func (v *requestScreen) actionBar() string {
	st := v.s.styles
	var items []string
	for _, e := range v.actions() {
		a := v.avail(e.act, e.perm)
		if !a.shown {
			continue
		}
		h := e.b.Help()
		if a.role != "" {
			items = append(items, st.Muted.Render(h.Key+" "+h.Desc+" ("+a.role+" only)"))
		} else {
			items = append(items, st.Key.Render(h.Key)+" "+h.Desc)
		}
	}
	return wrapItems(items, v.width)
}

// wrapItems lays items out in lines of at most width cells.
func wrapItems(items []string, width int) string {
	var lines []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = it
		case ansi.StringWidth(cur)+3+ansi.StringWidth(it) <= width:
			cur += " · " + it
		default:
			lines = append(lines, cur)
			cur = it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return strings.Join(lines, "\n")
}

func (v *requestScreen) actionLines() int {
	if !v.loaded {
		return 0
	}
	return strings.Count(v.actionBar(), "\n") + 1
}

func (v *requestScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case requestLoadedMsg:
		if msg.ref != v.ref {
			return v, nil
		}
		if msg.err != nil {
			v.loadErr = errText(msg.err)
			return v, nil
		}
		v.loadErr = ""
		v.req, v.events, v.notes, v.atts, v.loaded = msg.req, msg.events, msg.notes, msg.atts, true
		v.layout()
		return v, nil
	case shownMsg:
		return v, loadRequestCmd(v.s.store, v.ref)
	case actionDoneMsg:
		v.busy = false
		if msg.err != nil {
			if v.dialog != nil {
				v.dialog.err = errText(msg.err)
				return v, nil
			}
			return v, flashErr(msg.err)
		}
		v.dialog, v.confirm = nil, ""
		return v, tea.Batch(loadRequestCmd(v.s.store, v.ref), flash(v.doneText(msg)))
	case exportDoneMsg:
		v.busy = false
		if msg.err != nil {
			return v, flashErr(fmt.Errorf("export %s: %w", msg.what, msg.err))
		}
		return v, flash(fmt.Sprintf("Exported the %s: %s", msg.what, msg.res.Path))
	case tea.KeyPressMsg:
		if v.busy {
			return v, nil
		}
		if v.confirm != "" {
			switch msg.String() {
			case "y", "Y":
				act := v.confirm
				v.confirm = ""
				v.busy = true
				return v, v.applyCmd(model.Op{Action: act})
			case "n", "N", "esc":
				v.confirm = ""
			}
			return v, nil
		}
		if v.dialog != nil {
			return v.updateDialog(msg)
		}
		return v.updateKey(msg)
	}
	if v.dialog != nil {
		_, cmd := v.dialog.Update(msg)
		return v, cmd
	}
	return v, nil
}

func (v *requestScreen) doneText(msg actionDoneMsg) string {
	r := msg.req
	switch msg.act {
	case model.ActExtend:
		return "Extended: now due " + v.s.fmtDate(r.Deadline(storage.CalendarFor(r.Nation)).Effective)
	case model.ActNote:
		return "Note added"
	case model.ActPause:
		return "Paused"
	case model.ActResume:
		return "Resumed: " + r.Status.Label()
	}
	return fmt.Sprintf("%s is now %s", r.Reference, r.Status.Label())
}

func (v *requestScreen) applyCmd(op model.Op) tea.Cmd {
	st, actor, ref, now := v.s.store, v.s.user, v.ref, v.s.now()
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		r, err := st.Apply(ctx, actor, ref, op, now)
		return actionDoneMsg{act: op.Action, req: r, err: err}
	}
}

func (v *requestScreen) noteCmd(text string) tea.Cmd {
	st, actor, ref, now := v.s.store, v.s.user, v.ref, v.s.now()
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		err := st.AddNote(ctx, actor, ref, text, now)
		return actionDoneMsg{act: model.ActNote, req: model.Request{Reference: ref}, err: err}
	}
}

func (v *requestScreen) exportCmd(response bool) tea.Cmd {
	st, actor, ref := v.s.store, v.s.user, v.ref
	opt := export.Options{OutDir: v.s.exportDir, Now: v.s.now()}
	return func() tea.Msg {
		ctx, cancel := dbContext()
		defer cancel()
		if response {
			res, err := export.Response(ctx, st, actor, ref, opt)
			return exportDoneMsg{what: "response package", res: res, err: err}
		}
		res, err := export.Acknowledgement(ctx, st, actor, ref, opt)
		return exportDoneMsg{what: "acknowledgement", res: res, err: err}
	}
}

func reasonCheck(what string) func(string) error {
	return func(v string) error {
		if strings.TrimSpace(v) == "" {
			return model.Invalid("reason", what+" needs a reason", "write it in plain words; it is kept with the request")
		}
		return nil
	}
}

func (v *requestScreen) openDialog(act model.Action, title string, f *form) {
	f.SetWidth(v.width)
	v.dialog, v.dialogAct, v.dialogTtl = f, act, title
}

func (v *requestScreen) updateKey(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	k := v.keys
	switch {
	case key.Matches(msg, k.Back):
		return v, pop
	case key.Matches(msg, k.Up):
		v.vp.ScrollUp(1)
		return v, nil
	case key.Matches(msg, k.Down):
		v.vp.ScrollDown(1)
		return v, nil
	case key.Matches(msg, k.PageUp):
		v.vp.PageUp()
		return v, nil
	case key.Matches(msg, k.PageDown):
		v.vp.PageDown()
		return v, nil
	case key.Matches(msg, k.Top):
		v.vp.GotoTop()
		return v, nil
	case key.Matches(msg, k.End):
		v.vp.GotoBottom()
		return v, nil
	}
	if !v.loaded {
		return v, nil
	}
	for _, e := range v.actions() {
		if !key.Matches(msg, e.b) {
			continue
		}
		a := v.avail(e.act, e.perm)
		if !a.shown {
			return v, flash(fmt.Sprintf("Not possible while the request is %s", v.req.Status.Label()))
		}
		if a.role != "" {
			return v, flashErr(model.Check(v.s.user.Role, e.perm))
		}
		return v.start(e)
	}
	return v, nil
}

// start begins an action: some run at once, some ask y/n, some open a
// small form for a reason or a date.
func (v *requestScreen) start(e actionEntry) (screen, tea.Cmd) {
	st := v.s.styles
	switch e.b.Help().Key {
	case "v":
		return v, push(newVerifyScreen(v.s, v.ref))
	case "f":
		return v, push(newAttachScreen(v.s, v.ref))
	case "x":
		v.busy = true
		return v, v.exportCmd(false)
	case "X":
		v.busy = true
		return v, v.exportCmd(true)
	case "p":
		if v.req.Status == model.StatusPaused {
			v.busy = true
			return v, v.applyCmd(model.Op{Action: model.ActResume})
		}
		f := newForm(st)
		f.choice("why", "Why pause", pauseOptions(), string(model.PauseAwaitingID))
		v.openDialog(model.ActPause, "Pause", f)
	case "e":
		f := newForm(st)
		f.text("reason", "Reasons", "", reasonCheck("an extension"))
		f.text("told", "Requester told on", v.s.fmtDate(v.s.today()), func(s string) error {
			_, err := model.ParseDate(s, v.s.settings.DateOrder)
			return err
		}).hint = func() string { return "dates are typed " + v.s.settings.DateOrder.Pattern() + " or YYYY-MM-DD" }
		v.openDialog(model.ActExtend, "Extend the deadline", f)
	case "c":
		v.confirm = model.ActComplete
	case "h":
		f := newForm(st)
		f.text("reason", "What was not done, why", "", reasonCheck("a partial completion"))
		v.openDialog(model.ActPartial, "Partly complete", f)
	case "r":
		f := newForm(st)
		f.text("reason", "Legal reason", "", reasonCheck("a refusal"))
		v.openDialog(model.ActRefuse, "Refuse", f)
	case "w":
		f := newForm(st)
		f.text("reason", "Reason (optional)", "", nil)
		v.openDialog(model.ActWithdraw, "Record a withdrawal", f)
	case "o":
		f := newForm(st)
		f.text("reason", "Why re-open", "", reasonCheck("re-opening"))
		v.openDialog(model.ActReopen, "Re-open", f)
	case "a":
		f := newForm(st)
		fl := f.text("note", "Note", "", func(s string) error {
			if strings.TrimSpace(s) == "" {
				return model.Invalid("note", "the note is empty", "type the note")
			}
			return nil
		})
		fl.in.CharLimit = 2000
		v.openDialog(model.ActNote, "Add a note", f)
	}
	v.layout()
	return v, nil
}

func (v *requestScreen) updateDialog(msg tea.KeyPressMsg) (screen, tea.Cmd) {
	res, cmd := v.dialog.Update(msg)
	switch res {
	case formCancel:
		v.dialog = nil
		v.layout()
		return v, nil
	case formSubmit:
		f := v.dialog
		op := model.Op{Action: v.dialogAct, Reason: f.Value("reason")}
		switch v.dialogAct {
		case model.ActNote:
			v.busy = true
			return v, v.noteCmd(f.Value("note"))
		case model.ActPause:
			op.PauseReason = model.PauseReason(f.Value("why"))
		case model.ActExtend:
			d, err := model.ParseDate(f.Value("told"), v.s.settings.DateOrder)
			if err != nil {
				f.err = errText(err)
				return v, nil
			}
			op.Date = d
		}
		v.busy = true
		return v, v.applyCmd(op)
	}
	return v, cmd
}

func (v *requestScreen) View() string {
	st := v.s.styles
	if v.loadErr != "" {
		return st.Error.Render("✗ "+v.loadErr) + "\n\n" + st.Muted.Render("Press esc to go back.")
	}
	if !v.loaded {
		return st.Muted.Render("Loading " + model.Clean(v.ref, 20) + "…")
	}
	var b strings.Builder
	switch {
	case v.dialog != nil:
		b.WriteString(v.summaryLine() + "\n\n")
		b.WriteString(st.Section.Render(v.dialogTtl) + "\n\n")
		b.WriteString(v.dialog.View())
		if v.busy {
			b.WriteString("\n" + st.Muted.Render("Saving…"))
		}
		return fitLines(b.String(), v.width, v.height)
	case v.confirm != "":
		b.WriteString(v.summaryLine() + "\n\n")
		b.WriteString(st.Warn.Render(fmt.Sprintf("Mark %s as %s? y = yes, n = no", model.Clean(v.ref, 20), words(string(v.confirm)))) + "\n")
		return b.String()
	}
	b.WriteString(v.vp.View() + "\n")
	b.WriteString(fitLines(v.actionBar(), v.width, v.actionLines()))
	return b.String()
}

func (v *requestScreen) summaryLine() string {
	r := v.req
	dl := r.Deadline(storage.CalendarFor(r.Nation))
	return fmt.Sprintf("%s · %s · %s · due %s", model.Clean(r.Reference, 20), r.Kind.Label(), r.Status.Label(), v.s.fmtDate(dl.Effective))
}

// details is the scrolling body: people, what was asked, evidence (types
// only), status and deadline, the timeline and the notes. Everything a
// person typed goes through model.Clean.
func (v *requestScreen) details() string {
	st := v.s.styles
	r := v.req
	today := v.s.today()
	set := v.s.settings
	dl := r.Deadline(storage.CalendarFor(r.Nation))
	var b strings.Builder
	line := func(label, value string) {
		b.WriteString("  " + st.Label.Render(cell(label, 16)) + " " + value + "\n")
	}
	section := func(s string) { b.WriteString(st.Section.Render(s) + "\n") }

	section("Request " + model.Clean(r.Reference, 20))
	line("Kind", r.Kind.Label())
	line("Asked", model.Clean(r.Summary(), 300))
	line("Came in", fmt.Sprintf("%s by %s", v.s.fmtTime(r.ReceivedAt), r.Channel))
	line("Rule", r.Rule.Label()+" · holidays "+string(r.Nation))
	line("Logged by", model.Clean(r.OwnerName, 60))
	b.WriteString("\n")

	section("People")
	age := ""
	if !r.Subject.DateOfBirth.IsZero() {
		age = fmt.Sprintf(" (born %s, %d when received)", v.s.fmtDate(r.Subject.DateOfBirth), r.SubjectAge())
	}
	line("Patient", model.Clean(r.Subject.Name, 80)+age)
	if c := contact(r.Subject.Email, r.Subject.Phone); c != "" {
		line("", c)
	}
	if r.Requester.Relationship.ActsForOther() {
		line("Requester", "» "+model.Clean(r.Requester.Name, 80)+" ("+string(r.Requester.Relationship)+")")
		if c := contact(r.Requester.Email, r.Requester.Phone); c != "" {
			line("", c)
		}
	} else {
		line("Requester", "the patient themselves")
	}
	for _, w := range r.Warnings() {
		b.WriteString("  " + st.Warn.Render("⚠ "+w) + "\n")
	}
	b.WriteString("\n")

	section("Status and deadline")
	status := r.Status.Label()
	if r.Status == model.StatusPaused {
		status += " (" + words(string(r.PauseReason)) + ")"
	}
	line("Status", status)
	if r.OutcomeReason != "" {
		line("Reason", model.Clean(r.OutcomeReason, 300))
	}
	dueText := v.s.fmtDate(dl.Effective)
	if r.Open() && !dl.Effective.IsZero() && r.Status != model.StatusPaused {
		switch d := dl.DaysLeft(today); {
		case d < 0:
			dueText += " " + st.Late.Render(fmt.Sprintf("! %d days late", -d))
		case d <= model.SoonDays:
			dueText += " " + st.Warn.Render(fmt.Sprintf("~ %d days left", d))
		default:
			dueText += fmt.Sprintf(" (%d days left)", d)
		}
	}
	line("Due", dueText)
	line("Clock started", v.s.fmtDate(dl.Start))
	if r.Extended {
		line("Extended", fmt.Sprintf("first due %s; requester told %s; %s", v.s.fmtDate(dl.Due), v.s.fmtDate(r.ExtensionNotifiedOn), model.Clean(r.ExtensionReason, 200)))
	} else if !dl.NotifyExtensionBy.IsZero() && r.Open() {
		line("Extension", "possible if the requester is told by "+v.s.fmtDate(dl.NotifyExtensionBy))
	}
	if p := r.PausedDaysOn(today); p > 0 || r.Status == model.StatusPaused {
		line("Paused", fmt.Sprintf("%d days in all", p))
	}
	if !r.ClosedOn.IsZero() {
		line("Closed", v.s.fmtDate(r.ClosedOn))
	}
	b.WriteString("  " + st.Muted.Render(ansi.Wrap(dl.Basis, max(20, v.width-4), " ")) + "\n\n")

	section("Verification")
	if len(r.Evidence) == 0 {
		line("Evidence", "none recorded")
	}
	for _, e := range r.Evidence {
		line("", e.Label()+" · "+v.s.fmtDate(e.ReceivedOn)+" · checked by "+model.Clean(e.CheckedByName, 40))
	}
	missing := r.MissingVerification(set)
	if r.RefusedAsChild(set) && r.Open() {
		b.WriteString("  " + st.Warn.Render("⚠ "+model.ChildRefusalReason(set)) + "\n")
	}
	for _, m := range missing {
		b.WriteString("  " + st.Warn.Render("• "+m.Text) + "\n")
	}
	if len(missing) == 0 && len(r.Evidence) > 0 {
		b.WriteString("  " + st.OK.Render("✓ verified") + "\n")
	}
	b.WriteString("\n")

	section("Timeline")
	for _, e := range v.events {
		b.WriteString("  " + v.s.fmtTime(e.At) + "  " + cell(model.Clean(e.ActorName, 24), 18) + " " + words(e.Action))
		if d := e.Explained(); d != "" { // the detail, then the reason from the event's text
			b.WriteString(" — " + model.Clean(d, 300))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	section("Notes")
	if len(v.notes) == 0 {
		b.WriteString("  " + st.Muted.Render("none") + "\n")
	}
	for _, n := range v.notes {
		b.WriteString("  " + v.s.fmtTime(n.At) + "  " + model.Clean(n.ByName, 40) + "\n")
		for _, l := range strings.Split(model.CleanText(n.Text, 5000), "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	if len(v.atts) > 0 {
		b.WriteString("\n")
		section("Attached files")
		for _, a := range v.atts {
			b.WriteString(fmt.Sprintf("  %s  %d bytes  %s\n", model.Clean(a.OriginalName, 80), a.Size, v.s.fmtTime(a.AddedAt)))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

func contact(email, phone string) string {
	var p []string
	if email != "" {
		p = append(p, model.Clean(email, 100))
	}
	if phone != "" {
		p = append(p, model.Clean(phone, 40))
	}
	return strings.Join(p, " · ")
}

func (v *requestScreen) ShortHelp() []key.Binding {
	if v.dialog != nil {
		return v.dialog.ShortHelp()
	}
	return []key.Binding{v.keys.Back, v.keys.Down, v.keys.End}
}

func (v *requestScreen) FullHelp() [][]key.Binding {
	var acts []key.Binding
	for _, e := range v.actions() {
		b := e.b
		if !model.Can(v.s.user.Role, e.perm) {
			h := b.Help()
			b.SetHelp(h.Key, h.Desc+" ("+string(model.NeededRole(e.perm))+" only)")
		}
		acts = append(acts, b)
	}
	k := v.keys
	return [][]key.Binding{{k.Back, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.End}, acts[:6], acts[6:]}
}
