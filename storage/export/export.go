// Package export writes the files a patient takes home: the
// acknowledgement at intake and the response package when answered.
//
// Every file is written atomically into the chosen folder (temporary file,
// fsync, then a new name that never replaces an existing file), mode 0600,
// and recorded as an "exported" event with its SHA-256. A failure leaves no
// partial file behind and says what happened.
package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// Options say where and how to write.
type Options struct {
	OutDir   string    // folder to write into (created 0700 if missing); "" is the current folder
	Password string    // response only: protect letter.pdf with AES-256 when set (see ValidatePassword)
	Now      time.Time // the clock; zero means now
}

// Result is what was written.
type Result struct {
	Path       string // the PDF (acknowledgement) or ZIP (response)
	TextPath   string // acknowledgement only: the plain-text twin for e-mail bodies
	SHA256     string // hex SHA-256 of Path
	TextSHA256 string // hex SHA-256 of TextPath
	Size       int64
	// Taken is the plain name that already existed in the folder when a
	// numbered one ("R-2026-0001 (2).zip") was written instead; "" otherwise.
	Taken    string
	Warnings []string // e.g. a name with characters the font lacks
}

// bundle is everything a document about one request is made from. It is
// read by reference only, so a document can hold no other request's data.
type bundle struct {
	req   model.Request
	set   model.Settings
	dl    model.Deadline
	now   time.Time
	today time.Time
}

func load(ctx context.Context, st *storage.Store, ref string, now time.Time) (bundle, error) {
	set, err := st.Settings(ctx)
	if err != nil {
		return bundle{}, err
	}
	req, err := st.GetRequest(ctx, ref)
	if err != nil {
		return bundle{}, err
	}
	return bundle{
		req:   req,
		set:   set,
		dl:    req.Deadline(storage.CalendarFor(req.Nation)),
		now:   now,
		today: model.DateOf(now.In(set.Location())),
	}, nil
}

func clock(opt Options) time.Time {
	if opt.Now.IsZero() {
		return time.Now()
	}
	return opt.Now
}

func outDir(opt Options) string {
	if opt.OutDir == "" {
		return "."
	}
	return opt.OutDir
}

// fileBase is the reference as a file name: references from older
// registers may hold "/" and the like.
func fileBase(ref string) string {
	ref = strings.NewReplacer("/", "_", `\`, "_").Replace(ref)
	if b := model.SafeFileName(ref, 80); b != "" {
		return b
	}
	return "request"
}

// Acknowledgement writes the acknowledgement PDF and its plain-text twin
// ("R-2026-0001 acknowledgement.pdf" and ".txt"). Any staff may.
func Acknowledgement(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	res, err := acknowledgement(ctx, st, actor, ref, opt)
	if err != nil {
		return Result{}, fmt.Errorf("the acknowledgement for %s was not written: %w", model.Clean(ref, 40), err)
	}
	return res, nil
}

func acknowledgement(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	now := clock(opt)
	if err := st.Authorise(ctx, actor, model.PermExportAck); err != nil {
		return Result{}, err
	}
	if opt.Password != "" {
		return Result{}, model.Invalid("password", "only the response package's letter can be password-protected", "leave the password out for an acknowledgement")
	}
	b, err := load(ctx, st, ref, now)
	if err != nil {
		return Result{}, err
	}
	d := ackDoc(b)
	pd, warnings, err := forPDF(d)
	if err != nil {
		return Result{}, err
	}
	pdf, err := renderPDF(pd, pdfMeta{
		Title:   "Acknowledgement " + b.req.Reference,
		Author:  b.set.ClinicName,
		Subject: "Acknowledgement of a privacy-rights request",
		Footer:  tidy(b.set.ClinicName) + " · " + tidy(b.req.Reference),
		Letter:  usLetter(b),
		Now:     now,
	})
	if err != nil {
		return Result{}, err
	}
	dir := outDir(opt)
	if err := prepareDir(dir); err != nil {
		return Result{}, err
	}
	var tmps []string
	var sums []string
	var sizes []int64
	defer func() {
		removeAll(tmps) // place removes them too; this covers earlier failures
	}()
	for _, content := range [][]byte{pdf, []byte(d.text())} {
		o, err := createOutput(dir)
		if err != nil {
			return Result{}, err
		}
		if _, err := o.Write(content); err != nil {
			o.abort()
			return Result{}, err
		}
		tmp, sum, size, err := o.finish()
		if err != nil {
			return Result{}, err
		}
		tmps, sums, sizes = append(tmps, tmp), append(sums, sum), append(sizes, size)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	base := fileBase(b.req.Reference) + " acknowledgement"
	exts := []string{".pdf", ".txt"}
	paths, n, err := place(dir, tmps, func(i, n int) string { return numbered(base, exts[i], n) })
	if err != nil {
		return Result{}, err
	}
	files := []storage.ExportedFile{
		{Name: numbered(base, ".pdf", n), Size: sizes[0], SHA256: sums[0]},
		{Name: numbered(base, ".txt", n), Size: sizes[1], SHA256: sums[1]},
	}
	if err := st.RecordExport(ctx, actor, b.req.Reference, storage.ExportAcknowledgement, files, now); err != nil {
		unplace(dir, paths)
		return Result{}, err
	}
	res := Result{Path: paths[0], TextPath: paths[1], SHA256: sums[0], TextSHA256: sums[1], Size: sizes[0], Warnings: warnings}
	if n > 1 {
		res.Taken = numbered(base, ".pdf", 1)
	}
	return res, nil
}

// usLetter prints on US Letter paper for clinics on the US calendar.
func usLetter(b bundle) bool {
	return b.set.Nation == model.NationUS || b.req.Rule == model.RuleHIPAA || b.req.Rule == model.RuleCCPA
}
