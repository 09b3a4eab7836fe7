// Package export writes the files a patient takes home: the
// acknowledgement at intake and the response package when answered.
package export

import (
	"context"
	"errors"
	"time"

	"rightsdesk/model"
	"rightsdesk/storage"
)

// Options say where and how to write.
type Options struct {
	OutDir   string    // folder to write into (created 0700 if missing)
	Password string    // response only: protect letter.pdf with AES-256 when set
	Now      time.Time // the clock
}

// Result is what was written.
type Result struct {
	Path     string // the PDF (acknowledgement) or ZIP (response)
	TextPath string // acknowledgement only: the plain-text twin for e-mail bodies
	SHA256   string // hex SHA-256 of Path
	Size     int64
	Warnings []string // e.g. a name with characters the font lacks
}

// ErrNotBuilt is returned until the exporters land.
var ErrNotBuilt = errors.New("export is not built yet")

// Acknowledgement writes the acknowledgement PDF and its text twin.
func Acknowledgement(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	return Result{}, ErrNotBuilt
}

// Response writes the response package ZIP (leads).
func Response(ctx context.Context, st *storage.Store, actor model.Staff, ref string, opt Options) (Result, error) {
	return Result{}, ErrNotBuilt
}
