package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestShowMatchesSchema shows every request of a register (imported and
// logged at the desk) as JSON, checked against the documented schema, and
// as text; evidence appears by type only.
func TestShowMatchesSchema(t *testing.T) {
	e := newRegEnv(t)
	sch := regSchema(t, "show.schema.json")
	var gen bytes.Buffer
	regGenerate(&gen, 12, 21)
	if code, out, errs := e.importCSV(gen.String()); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	regDeskRequests(t, e)
	refs := regRefs(t, e)
	if len(refs) != 19 {
		t.Fatalf("%d references", len(refs))
	}
	for _, ref := range refs {
		js := e.mustRun("show", ref, "--json")
		v := regValidate(t, sch, "show "+ref, js).(map[string]any)
		if v["reference"] != ref {
			t.Errorf("show %s gives %v", ref, v["reference"])
		}
		text := e.mustRun("show", ref)
		for _, out := range []string{js, text} {
			// The desk's passports were recorded with last 4 "9876" and
			// issuing country GB: neither is shown.
			if strings.Contains(out, "9876") || strings.Contains(out, `"GB"`) || strings.Contains(out, "issuing") {
				t.Errorf("show %s shows more than the evidence's type:\n%s", ref, out)
			}
		}
		if !strings.Contains(text, "Timeline") || strings.ContainsAny(text, "\x1b\r") {
			t.Errorf("show %s text:\n%s", ref, text)
		}
	}
	tim := e.mustRun("show", regRefOf(t, e, "Tim Roe"), "--json")
	for _, want := range []string{`"document": "birth_certificate"`, `"action": "extended"`, `"under_threshold": true`, `"notify_extension_by": "`, `"logged_by": "Lee Lead"`} {
		if !strings.Contains(tim, want) {
			t.Errorf("the parent's request lacks %s:\n%s", want, tim)
		}
	}
	if code, _, errs := e.run("show", "R-1999-0001"); code != exitUsage || !strings.Contains(errs, "no such request") {
		t.Errorf("an unknown reference: %d %s", code, errs)
	}
	if code, _, _ := e.run("show", "R 1"); code != exitUsage {
		t.Errorf("a malformed reference: %d", code)
	}
	if code, _, _ := e.run("show"); code != exitUsage {
		t.Errorf("no reference: %d", code)
	}
}

// regRefs lists every reference in the register.
func regRefs(t *testing.T, e *regEnv) []string {
	t.Helper()
	var refs []string
	for _, l := range strings.Split(e.mustRun("list", "--csv"), "\n")[1:] {
		if ref, _, ok := strings.Cut(l, ","); ok && (strings.HasPrefix(ref, "R-") || strings.HasPrefix(ref, "GEN-")) {
			refs = append(refs, ref)
		}
	}
	return refs
}

// regRefOf is the reference of the (first) request about a patient.
func regRefOf(t *testing.T, e *regEnv, subject string) string {
	t.Helper()
	for _, l := range strings.Split(e.mustRun("list", "--csv"), "\n")[1:] {
		cells := strings.Split(l, ",")
		if len(cells) > 8 && cells[7] == subject {
			return cells[0]
		}
	}
	t.Fatalf("no request about %s", subject)
	return ""
}
