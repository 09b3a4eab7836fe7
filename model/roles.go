package model

// Permission is one thing a staff member may do.
type Permission string

const (
	PermLog            Permission = "log"
	PermVerify         Permission = "verify"
	PermPause          Permission = "pause"
	PermNote           Permission = "note"
	PermAttach         Permission = "attach"
	PermWithdraw       Permission = "withdraw"
	PermExportAck      Permission = "export_acknowledgement"
	PermExtend         Permission = "extend"
	PermRefuse         Permission = "refuse"
	PermComplete       Permission = "complete"
	PermReopen         Permission = "reopen"
	PermCompetence     Permission = "assess_competence"
	PermExportResponse Permission = "export_response"
	PermImport         Permission = "import"
	PermReport         Permission = "report"
	PermManageStaff    Permission = "manage_staff"
	PermSettings       Permission = "settings"
	PermPurge          Permission = "purge"
	PermBackup         Permission = "backup"
	PermAudit          Permission = "audit"
)

// permissionRole is the least role that holds each permission. Roles nest,
// so a lead may do all a desk may, and an admin all a lead may.
var permissionRole = map[Permission]Role{
	PermLog:            RoleDesk,
	PermVerify:         RoleDesk,
	PermPause:          RoleDesk,
	PermNote:           RoleDesk,
	PermAttach:         RoleDesk,
	PermWithdraw:       RoleDesk,
	PermExportAck:      RoleDesk,
	PermExtend:         RoleLead,
	PermRefuse:         RoleLead,
	PermComplete:       RoleLead,
	PermReopen:         RoleLead,
	PermCompetence:     RoleLead,
	PermExportResponse: RoleLead,
	PermImport:         RoleLead,
	PermReport:         RoleLead,
	PermManageStaff:    RoleAdmin,
	PermSettings:       RoleAdmin,
	PermPurge:          RoleAdmin,
	PermBackup:         RoleAdmin,
	PermAudit:          RoleAdmin,
}

// Permissions lists every permission.
func Permissions() []Permission {
	return []Permission{PermLog, PermVerify, PermPause, PermNote, PermAttach, PermWithdraw, PermExportAck, PermExtend, PermRefuse, PermComplete, PermReopen, PermCompetence, PermExportResponse, PermImport, PermReport, PermManageStaff, PermSettings, PermPurge, PermBackup, PermAudit}
}

// Label is the permission in plain words ("may not <label>").
func (p Permission) Label() string {
	switch p {
	case PermLog:
		return "log requests"
	case PermVerify:
		return "record verification"
	case PermPause:
		return "pause or resume requests"
	case PermNote:
		return "add notes"
	case PermAttach:
		return "attach files"
	case PermWithdraw:
		return "record a withdrawal"
	case PermExportAck:
		return "export acknowledgements"
	case PermExtend:
		return "extend deadlines"
	case PermRefuse:
		return "refuse requests"
	case PermComplete:
		return "complete requests"
	case PermReopen:
		return "re-open requests"
	case PermCompetence:
		return "assess a child's competence"
	case PermExportResponse:
		return "export response packages"
	case PermImport:
		return "import a register"
	case PermReport:
		return "see reports"
	case PermManageStaff:
		return "manage staff"
	case PermSettings:
		return "change settings"
	case PermPurge:
		return "purge old requests"
	case PermBackup:
		return "back up or restore"
	case PermAudit:
		return "sign audit checkpoints"
	}
	return string(p)
}

func (r Role) rank() int {
	switch r {
	case RoleDesk:
		return 1
	case RoleLead:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Can reports whether role holds permission p.
func Can(role Role, p Permission) bool {
	need, ok := permissionRole[p]
	return ok && role.rank() >= need.rank()
}

// Check returns a ForbiddenError when role may not do p.
func Check(role Role, p Permission) error {
	if Can(role, p) {
		return nil
	}
	return &ForbiddenError{Role: role, Action: p, Needs: permissionRole[p]}
}

// NeededRole is the least role that holds p.
func NeededRole(p Permission) Role { return permissionRole[p] }
