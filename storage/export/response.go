package export

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// ManifestID names version 1 of manifest.json's layout.
const ManifestID = "rightsdesk/manifest/v1"

// packFile is an attachment as it goes into the package's data folder.
type packFile struct {
	att  storage.Attachment
	path string // "data/<sanitised, unique name>"
	size int64
}

type manifestEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type manifest struct {
	Schema      string          `json:"schema"`
	Reference   string          `json:"reference"`
	GeneratedAt string          `json:"generated_at"`
	Files       []manifestEntry `json:"files"`
}

// ErrAttachmentChanged is returned when an attachment's copy no longer
// matches the SHA-256 recorded when it was attached.
var ErrAttachmentChanged = errors.New("an attached file has changed since it was attached (its SHA-256 no longer matches): restore the attachments folder from a backup, or attach the file again")

// Response writes the response package "R-2026-0001.zip" (leads only) for
// an answered request: letter.pdf, request.json, index.html, the attached
// files under data/ (streamed from disk, never held whole in memory) and
// manifest.json with every file's path, size and SHA-256.
func Response(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	res, err := response(ctx, st, actor, ref, opt)
	if err != nil {
		return Result{}, fmt.Errorf("the response package for %s was not written: %w", model.Clean(ref, 40), err)
	}
	return res, nil
}

func response(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	now := clock(opt)
	if err := st.Authorise(ctx, actor, model.PermExportResponse); err != nil {
		return Result{}, err
	}
	if opt.Password != "" {
		if err := ValidatePassword(opt.Password); err != nil {
			return Result{}, err
		}
	}
	b, err := load(ctx, st, ref, now)
	if err != nil {
		return Result{}, err
	}
	if !b.req.Status.Closed() {
		return Result{}, model.Refuse("the request is still open ("+b.req.Status.Label()+")", "complete, partially complete or refuse it first: the response package is for answered requests")
	}
	atts, err := st.Attachments(ctx, b.req.Reference)
	if err != nil {
		return Result{}, err
	}
	files, err := packFiles(st, atts)
	if err != nil {
		return Result{}, err
	}
	events, err := st.Timeline(ctx, b.req.Reference)
	if err != nil {
		return Result{}, err
	}

	letter := letterDoc(b, files)
	pd, warnings, err := forPDF(letter)
	if err != nil {
		return Result{}, err
	}
	pdf, err := renderPDF(pd, pdfMeta{
		Title:   "Our answer " + b.req.Reference,
		Author:  b.set.ClinicName,
		Subject: "Answer to a privacy-rights request",
		Footer:  tidy(b.set.ClinicName) + " · " + tidy(b.req.Reference),
		Letter:  usLetter(b),
		Now:     now,
	})
	if err != nil {
		return Result{}, err
	}
	if opt.Password != "" {
		if pdf, err = protectPDF(pdf, opt.Password); err != nil {
			return Result{}, err
		}
		warnings = append(warnings, "only letter.pdf is password-protected: the other files in the package are not, so send the package itself by a secure route (or hand it over) and e-mail only the letter")
	}
	if b.req.Kind == model.KindAccess && len(files) == 0 && b.req.Status != model.StatusRefused && b.req.Status != model.StatusWithdrawn {
		warnings = append(warnings, "no files are attached to this access request: the package holds no copy of the patient's data")
	}
	rec := buildRecord(b, events, files)
	recJSON, err := encodeJSON(rec)
	if err != nil {
		return Result{}, err
	}
	index, err := renderIndex(letter, rec, files, opt.Password != "")
	if err != nil {
		return Result{}, err
	}

	dir := outDir(opt)
	if err := prepareDir(dir); err != nil {
		return Result{}, err
	}
	out, err := createOutput(dir)
	if err != nil {
		return Result{}, err
	}
	if err := writeZip(ctx, out, st, now, b.req.Reference, index, pdf, recJSON, files); err != nil {
		out.abort()
		return Result{}, err
	}
	tmp, sum, size, err := out.finish()
	if err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		os.Remove(tmp)
		return Result{}, err
	}
	base := fileBase(b.req.Reference)
	paths, n, err := place(dir, []string{tmp}, func(_, n int) string { return numbered(base, ".zip", n) })
	if err != nil {
		return Result{}, err
	}
	exported := []storage.ExportedFile{{Name: numbered(base, ".zip", n), Size: size, SHA256: sum}}
	if err := st.RecordExport(ctx, actor, b.req.Reference, storage.ExportResponse, exported, now); err != nil {
		unplace(dir, paths)
		return Result{}, err
	}
	res := Result{Path: paths[0], SHA256: sum, Size: size, Warnings: warnings}
	if n > 1 {
		res.Taken = numbered(base, ".zip", 1)
	}
	return res, nil
}

// packFiles names each attachment inside the package and checks, before
// anything is written, that its copy is still there.
func packFiles(st *storage.Store, atts []storage.Attachment) ([]packFile, error) {
	used := map[string]bool{"": true}
	var out []packFile
	for _, a := range atts {
		p, err := st.AttachmentPath(a)
		if err != nil {
			return nil, err
		}
		info, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("attachment #%d: %w", a.ID, storage.ErrAttachmentMissing)
		}
		if err != nil {
			return nil, fmt.Errorf("attachment #%d: %w", a.ID, err)
		}
		if info.Size() != a.Size {
			return nil, fmt.Errorf("attachment #%d: %w", a.ID, ErrAttachmentChanged)
		}
		name := model.SafeFileName(a.OriginalName, 0)
		if name == "" {
			name = fmt.Sprintf("attachment-%d", a.ID)
		}
		// Unique, ignoring case: Windows and macOS would merge "A.pdf" and "a.pdf".
		ext := path.Ext(name)
		if len(ext) > 16 || ext == name {
			ext = ""
		}
		stem := strings.TrimSuffix(name, ext)
		unique := name
		for k := 2; used[strings.ToLower(unique)]; k++ {
			unique = numbered(stem, ext, k)
		}
		used[strings.ToLower(unique)] = true
		out = append(out, packFile{att: a, path: "data/" + unique, size: a.Size})
	}
	return out, nil
}

// writeZip writes the package into w. Each entry's SHA-256 is counted as
// it is written; attachments are streamed from disk in small pieces and
// checked against the SHA-256 recorded when they were attached.
func writeZip(ctx context.Context, w io.Writer, st *storage.Store, now time.Time, ref string, index, letter, recJSON []byte, files []packFile) error {
	zw := zip.NewWriter(w)
	// Fast compression: attachments are often scans or PDFs that do not
	// shrink, and the desk should not wait.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	var entries []manifestEntry
	buf := make([]byte, 256<<10)
	add := func(name string, r io.Reader) (manifestEntry, error) {
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: now}
		hdr.SetMode(0o600)
		ew, err := zw.CreateHeader(hdr)
		if err != nil {
			return manifestEntry{}, diskError(err)
		}
		h := sha256.New()
		n, err := io.CopyBuffer(io.MultiWriter(ew, h), cancelReader{ctx, r}, buf)
		if err != nil {
			return manifestEntry{}, diskError(err)
		}
		e := manifestEntry{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
		entries = append(entries, e)
		return e, nil
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"index.html", index}, {"letter.pdf", letter}, {"request.json", recJSON}} {
		if _, err := add(f.name, bytesReader(f.data)); err != nil {
			return err
		}
	}
	for _, f := range files {
		if err := addAttachment(st, f, add); err != nil {
			return err
		}
	}
	man, err := encodeJSON(manifest{Schema: ManifestID, Reference: tidy(ref), GeneratedAt: now.UTC().Format(time.RFC3339), Files: entries})
	if err != nil {
		return err
	}
	if _, err := add("manifest.json", bytesReader(man)); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return diskError(err)
	}
	return nil
}

func addAttachment(st *storage.Store, f packFile, add func(string, io.Reader) (manifestEntry, error)) error {
	src, err := st.OpenAttachment(f.att)
	if err != nil {
		return err
	}
	defer src.Close()
	e, err := add(f.path, src)
	if err != nil {
		return fmt.Errorf("attachment #%d: %w", f.att.ID, err)
	}
	if e.Size != f.att.Size || e.SHA256 != f.att.SHA256 {
		return fmt.Errorf("attachment #%d: %w", f.att.ID, ErrAttachmentChanged)
	}
	return nil
}

// cancelReader stops a long copy when the context is cancelled.
type cancelReader struct {
	ctx context.Context
	r   io.Reader
}

func (c cancelReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
