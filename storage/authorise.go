package storage

import (
	"context"
	"database/sql"

	"rightsdesk/model"
)

// Authorise checks, before work that writes no row (such as building an
// export), that actor is still an active member with the same role and
// holds permission p. It runs the same check every write makes, so a
// deactivated member or a stale role is refused the same way.
func (s *Store) Authorise(ctx context.Context, actor model.Staff, p model.Permission) error {
	return s.write(ctx, func(tx *sql.Tx) error { return authorise(tx, actor, p) })
}
