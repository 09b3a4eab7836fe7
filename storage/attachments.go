package storage

import (
	"context"
	"errors"
	"time"

	"rightsdesk/model"
)

// Attachment is a file staff attached to a request (a copy of records
// gathered from the clinic's other systems).
type Attachment struct {
	ID           int64
	OriginalName string
	StoredName   string
	Size         int64
	SHA256       string
	AddedBy      string
	AddedAt      time.Time
}

// AttachFile copies the file at src into the store's attachments folder
// and records it as an event. (Stub until the export work lands.)
func (s *Store) AttachFile(ctx context.Context, actor model.Staff, ref, src string, now time.Time) (Attachment, error) {
	return Attachment{}, errors.New("attaching files is not built yet")
}

// Attachments lists a request's attachments.
func (s *Store) Attachments(ctx context.Context, ref string) ([]Attachment, error) {
	return nil, nil
}
