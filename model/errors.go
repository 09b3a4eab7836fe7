package model

import (
	"errors"
	"fmt"
)

// InputError is a mistake a person can make and fix: it says which field,
// what is wrong, and how to fix it, in plain words. It never quotes more of
// the input than needed (no personal data in logs).
type InputError struct {
	Field   string // the field or column, e.g. "date of birth"
	Problem string // what is wrong
	Fix     string // how to fix it
}

func (e *InputError) Error() string {
	msg := e.Problem
	if e.Field != "" && msg == "" {
		msg = e.Field + " is not valid"
	}
	if e.Fix != "" {
		msg += ": " + e.Fix
	}
	return msg
}

// Invalid builds an InputError.
func Invalid(field, problem, fix string) *InputError {
	return &InputError{Field: field, Problem: problem, Fix: fix}
}

// RuleError is a domain rule that refuses an action (for example completing
// an unverified request). It says why and what would allow it.
type RuleError struct {
	Problem string
	Fix     string
}

func (e *RuleError) Error() string {
	if e.Fix == "" {
		return e.Problem
	}
	return e.Problem + ": " + e.Fix
}

// Refuse builds a RuleError.
func Refuse(problem, fix string) *RuleError { return &RuleError{Problem: problem, Fix: fix} }

// ErrForbidden is returned when the signed-in role may not take an action.
var ErrForbidden = errors.New("not allowed for your role")

// ForbiddenError says which action the role may not take and who may.
type ForbiddenError struct {
	Role   Role
	Action Permission
	Needs  Role
}

func (e *ForbiddenError) Error() string {
	who := "a " + string(e.Needs)
	switch e.Needs {
	case RoleAdmin:
		who = "an admin"
	case "":
		who = "an admin" // an unknown action: an admin can say what is allowed
	}
	return fmt.Sprintf("%s staff may not %s: ask %s", e.Role, e.Action.Label(), who)
}

func (e *ForbiddenError) Unwrap() error { return ErrForbidden }

// IsUserError is true for errors that a person caused and can fix, whose
// message is safe and useful to show as it is.
func IsUserError(err error) bool {
	var ie *InputError
	var re *RuleError
	var fe *ForbiddenError
	return errors.As(err, &ie) || errors.As(err, &re) || errors.As(err, &fe)
}
