package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// verifyScreen records identity evidence, proof of parental
// responsibility, a representative's authority or a lead's competence
// assessment. It says what is still missing in words; recording the last
// missing piece moves the request on (the domain does that in Apply).
type verifyScreen struct {
	s      *session
	ref    string
	req    model.Request
	loaded bool
	err    string
	form   *form
	busy   bool
	done   string
	width  int
	height int
	keys   struct{ Back key.Binding }
}

func newVerifyScreen(s *session, ref string) *verifyScreen {
	v := &verifyScreen{s: s, ref: ref, width: 80}
	v.keys.Back = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back"))
	return v
}

func (v *verifyScreen) Title() string   { return "Verify " + model.Clean(v.ref, 20) }
func (v *verifyScreen) Init() tea.Cmd   { return loadRequestCmd(v.s.store, v.ref) }
func (v *verifyScreen) Capturing() bool { return v.form != nil && v.form.Capturing() }
func (v *verifyScreen) Dirty() bool     { return v.form != nil && v.form.Dirty() }
func (v *verifyScreen) SetSize(w, h int) {
	v.width, v.height = w, h
	if v.form != nil {
		v.form.SetWidth(w)
	}
}

func needKind(n model.Need) model.EvidenceKind {
	switch n {
	case model.NeedParental:
		return model.EvidenceParental
	case model.NeedAuthority:
		return model.EvidenceAuthority
	case model.NeedCompetence:
		return model.EvidenceCompetence
	}
	return model.EvidenceIdentity
}

func (v *verifyScreen) buildForm() {
	set := v.s.settings
	missing := v.req.MissingVerification(set)
	kinds := []option{{string(model.EvidenceIdentity), "identity of the requester"}}
	r := v.req
	if r.UnderThreshold(set) && r.Requester.Relationship.ActsForOther() {
		kinds = append(kinds, option{string(model.EvidenceParental), "proof of parental responsibility"})
	} else if r.Requester.Relationship.ActsForOther() {
		kinds = append(kinds, option{string(model.EvidenceAuthority), "the patient's authority for a representative"})
	}
	if r.ChildOwnRequest(set) && model.Can(v.s.user.Role, model.PermCompetence) {
		kinds = append(kinds, option{string(model.EvidenceCompetence), "competence assessment (lead)"})
	}
	first := string(model.EvidenceIdentity)
	if len(missing) > 0 {
		first = string(needKind(missing[0].Need))
	}
	f := newForm(v.s.styles)
	f.choice("kind", "Record", kinds, first)
	is := func(k model.EvidenceKind) func() bool { return func() bool { return f.Value("kind") == string(k) } }
	method := string(model.MethodInPerson)
	if r.Channel != model.ChannelDesk {
		method = string(model.MethodCopyReceived)
	}
	f.choice("method", "How it was checked", methodOptions(), method).show = is(model.EvidenceIdentity)
	f.choice("doc", "Document", idDocOptions(), string(model.DocPassport)).show = is(model.EvidenceIdentity)
	f.text("country", "Issuing country", "", checkCountry).show = func() bool {
		return is(model.EvidenceIdentity)() && model.IDDocument(f.Value("doc")).HasNumber()
	}
	f.get("country").hint = func() string {
		if f.focus < len(f.fields) && f.fields[f.focus].key == "country" {
			return "two letters, e.g. GB, IE, US"
		}
		return ""
	}
	f.text("last4", "Last 4 of its number", "", func(s string) error {
		if s == "" {
			return nil
		}
		_, err := model.ParseLast4(s)
		return err
	}).show = f.get("country").show
	// Room for a whole number, so that ParseLast4 refuses it with a message
	// rather than the field silently keeping the first four characters.
	f.get("last4").in.CharLimit = 40
	f.toggle("expiry", "Expiry date checked", false).show = f.get("country").show
	f.toggle("photo", "Photo and name match", false).show = is(model.EvidenceIdentity)
	f.choice("pdoc", "Proof seen", parentalDocOptions(), string(model.ParBirthCertificate)).show = is(model.EvidenceParental)
	f.choice("adoc", "Authority seen", authorityDocOptions(), string(model.AuthWrittenAuthority)).show = is(model.EvidenceAuthority)
	f.text("desc", "Description", "", nil).show = func() bool {
		k := f.Value("kind")
		return k == string(model.EvidenceCompetence) ||
			(k == string(model.EvidenceParental) && f.Value("pdoc") == string(model.ParOther)) ||
			(k == string(model.EvidenceAuthority) && f.Value("adoc") == string(model.AuthOther))
	}
	f.text("on", "Seen or received on", v.s.fmtDate(v.s.today()), func(s string) error {
		_, err := model.ParseDate(s, v.s.settings.DateOrder)
		return err
	})
	f.SetWidth(v.width)
	f.FocusFirst()
	v.form = f
}

func checkCountry(s string) error {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if len(s) != 2 || strings.ToUpper(s) != s && strings.ToLower(s) != s {
		return model.Invalid("issuing country", "the issuing country is a two-letter code", "type e.g. GB, IE or US")
	}
	for _, r := range strings.ToUpper(s) {
		if r < 'A' || r > 'Z' {
			return model.Invalid("issuing country", "the issuing country is a two-letter code", "type e.g. GB, IE or US")
		}
	}
	return nil
}

// evidence turns the form into the domain's evidence.
func (v *verifyScreen) evidence() (model.Evidence, error) {
	f := v.form
	on, err := model.ParseDate(f.Value("on"), v.s.settings.DateOrder)
	if err != nil {
		return model.Evidence{}, err
	}
	e := model.Evidence{Kind: model.EvidenceKind(f.Value("kind")), ReceivedOn: on, Description: strings.TrimSpace(f.Value("desc"))}
	switch e.Kind {
	case model.EvidenceIdentity:
		e.Method = model.Method(f.Value("method"))
		e.Document = f.Value("doc")
		if model.IDDocument(e.Document).HasNumber() {
			e.IssuingCountry = strings.ToUpper(strings.TrimSpace(f.Value("country")))
			e.Last4 = strings.TrimSpace(f.Value("last4"))
			e.ExpiryChecked = f.On("expiry")
		}
		e.PhotoMatched = f.On("photo")
	case model.EvidenceParental:
		e.Document = f.Value("pdoc")
	case model.EvidenceAuthority:
		e.Document = f.Value("adoc")
	}
	return e, nil
}

func (v *verifyScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case requestLoadedMsg:
		if msg.ref != v.ref {
			return v, nil
		}
		if msg.err != nil {
			v.err = errText(msg.err)
			return v, nil
		}
		v.req, v.loaded = msg.req, true
		if v.form == nil || !v.form.Dirty() {
			v.buildForm()
		}
		return v, nil
	case actionDoneMsg:
		v.busy = false
		if msg.err != nil {
			v.form.err = errText(msg.err)
			return v, nil
		}
		before := v.req.Status
		v.req = msg.req
		v.buildForm()
		v.done = v.doneText(before)
		return v, flash("Evidence recorded for " + model.Clean(v.ref, 20))
	case tea.KeyPressMsg:
		if v.busy {
			return v, nil
		}
		if v.form == nil {
			if msg.String() == "esc" {
				return v, pop
			}
			return v, nil
		}
		if !v.req.Open() && msg.String() == "esc" {
			return v, pop
		}
	}
	if v.form == nil {
		return v, nil
	}
	res, cmd := v.form.Update(msg)
	switch res {
	case formCancel:
		return v, pop
	case formSubmit:
		if !v.req.Open() {
			v.form.err = "the request is closed: re-open it first (a lead's action)"
			return v, nil
		}
		e, err := v.evidence()
		if err != nil {
			v.form.err = errText(err)
			return v, nil
		}
		v.busy, v.done = true, ""
		st, actor, ref, now := v.s.store, v.s.user, v.ref, v.s.now()
		return v, func() tea.Msg {
			ctx, cancel := dbContext()
			defer cancel()
			r, err := st.Apply(ctx, actor, ref, model.Op{Action: model.ActEvidence, Evidence: &e}, now)
			return actionDoneMsg{act: model.ActEvidence, req: r, err: err}
		}
	}
	return v, cmd
}

// doneText says what the new evidence changed: the request moving on and
// when its clock now starts.
func (v *verifyScreen) doneText(before model.Status) string {
	r := v.req
	if r.Status == before {
		if m := r.MissingVerification(v.s.settings); len(m) > 0 {
			return "Recorded. Still needed: " + m[0].Text
		}
		return "Recorded."
	}
	dl := r.Deadline(storage.CalendarFor(r.Nation))
	s := fmt.Sprintf("Verification complete: the request is now %s. ", r.Status.Label())
	if dl.Start.After(r.ReceivedOn()) {
		s += "The clock starts " + v.s.fmtDate(dl.Start) + " (when the ID arrived); "
	}
	return s + "due " + v.s.fmtDate(dl.Effective) + "."
}

func (v *verifyScreen) View() string {
	st := v.s.styles
	if v.err != "" {
		return st.Error.Render("✗ "+v.err) + "\n\n" + st.Muted.Render("Press esc to go back.")
	}
	if !v.loaded {
		return st.Muted.Render("Loading…")
	}
	r := v.req
	set := v.s.settings
	var b strings.Builder
	who := "the patient themselves"
	if r.Requester.Relationship.ActsForOther() {
		who = "» " + model.Clean(r.Requester.Name, 60) + " (" + string(r.Requester.Relationship) + ")"
	}
	b.WriteString(fmt.Sprintf("%s · %s · patient %s, %d · asked by %s\n", model.Clean(r.Reference, 20), r.Status.Label(), model.Clean(r.Subject.Name, 60), r.SubjectAge(), who))
	missing := r.MissingVerification(set)
	b.WriteString("\n" + st.Section.Render("Still needed") + "\n")
	if r.RefusedAsChild(set) {
		b.WriteString("  " + st.Warn.Render("⚠ "+model.ChildRefusalReason(set)) + "\n")
	} else if len(missing) == 0 {
		b.WriteString("  " + st.OK.Render("✓ nothing: the request is verified") + "\n")
	}
	for _, m := range missing {
		b.WriteString(wrapIndent(st.Warn.Render("• "+m.Text), v.width, 2) + "\n")
	}
	for _, w := range r.Warnings() {
		b.WriteString(wrapIndent(st.Warn.Render("⚠ "+w), v.width, 2) + "\n")
	}
	if len(r.Evidence) > 0 {
		b.WriteString("\n" + st.Section.Render("Recorded") + "\n")
		for _, e := range r.Evidence {
			b.WriteString("  " + e.Label() + " · " + v.s.fmtDate(e.ReceivedOn) + "\n")
		}
	}
	if v.done != "" {
		b.WriteString("\n" + wrapIndent(st.OK.Render(v.done), v.width, 0) + "\n")
	}
	b.WriteString("\n" + st.Section.Render("Record evidence") + "\n")
	b.WriteString(v.form.View())
	if v.busy {
		b.WriteString("\n" + st.Muted.Render("Saving…"))
	}
	return b.String()
}

func (v *verifyScreen) ShortHelp() []key.Binding {
	if v.form != nil {
		return v.form.ShortHelp()
	}
	return []key.Binding{v.keys.Back}
}
func (v *verifyScreen) FullHelp() [][]key.Binding { return [][]key.Binding{v.ShortHelp()} }
