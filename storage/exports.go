package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"rightsdesk/model"
)

// Export kinds, as recorded in the audit trail.
const (
	ExportAcknowledgement = "acknowledgement"
	ExportResponse        = "response"
)

// ExportedFile is one file an export wrote, for the audit trail.
type ExportedFile struct {
	Name   string // the file's base name (made from the reference, no personal data)
	Size   int64
	SHA256 string // hex
}

// exportPermission is what each export kind needs: any staff may hand out
// an acknowledgement; only leads may release a response package.
func exportPermission(kind string) (model.Permission, error) {
	switch kind {
	case ExportAcknowledgement:
		return model.PermExportAck, nil
	case ExportResponse:
		return model.PermExportResponse, nil
	}
	return "", model.Invalid("kind", "unknown export kind", "use acknowledgement or response")
}

// RecordExport appends an "exported" event for files already written and
// in place: the kind, each file's name, size and SHA-256. The actor and
// their permission are checked again inside the transaction.
func (s *Store) RecordExport(ctx context.Context, actor model.Staff, ref, kind string, files []ExportedFile, now time.Time) error {
	perm, err := exportPermission(kind)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("record export: no files")
	}
	parts := make([]string, 0, len(files)+1)
	parts = append(parts, kind)
	for _, f := range files {
		parts = append(parts, fmt.Sprintf("%s %d bytes sha256 %s", model.Clean(f.Name, 120), f.Size, f.SHA256))
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := authorise(tx, actor, perm); err != nil {
			return err
		}
		if _, err := requestID(tx, ref); err != nil {
			return err
		}
		return logEvent(tx, actor, now, string(model.ActExport), ref, strings.Join(parts, "; "))
	})
}
