package storage

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// searchCondition is the board's search as SQL on requests r. What was
// typed with a digit in it is the start of a reference (a name has no
// digits), found by a range of the index on (open, reference). Anything
// else is a name, found in the full-text index, or the start of a
// reference without digits (from an older register); fewer than three
// characters ("R", "R-") are not taken as a reference's start, since they
// match nearly every one. None of these reads every row.
func searchCondition(typed string, scope Scope) (string, []any) {
	like := escapeLike(typed) + "%"
	if digits := countDigits(typed); digits >= 4 {
		return `r.reference LIKE ? ESCAPE '\'`, []any{like}
	} else if digits > 0 {
		// With fewer than four digits ("R-20") the prefix matches decades of
		// requests: reading them in the board's order and stopping at a
		// window is quicker than finding them all by the index and sorting.
		// The + keeps SQLite from the range; a count still reads the index.
		return `+r.reference LIKE ? ESCAPE '\'`, []any{like}
	}
	match, like, _ := nameSearch(typed, scope)
	names := "r.id IN (SELECT rowid FROM request_search WHERE request_search MATCH ?)"
	if like == "" {
		return names, []any{match}
	}
	return "(" + names + ` OR r.reference LIKE ? ESCAPE '\')`, []any{match, like}
}

// nameSearch is how typed text without a digit is looked up: the
// full-text query of its words (match) and, from three characters, the
// start of an older register's reference without digits (like, "" for
// shorter text). ok is false for text with a digit: a reference's start.
func nameSearch(typed string, scope Scope) (match, like string, ok bool) {
	if countDigits(typed) > 0 {
		return "", "", false
	}
	if utf8.RuneCountInString(typed) >= 3 {
		like = escapeLike(typed) + "%"
	}
	return searchMatch(typed, scope), like, true
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// searchNothing is an FTS5 query that matches no request: no name holds
// three bars.
const searchNothing = `names : "|||"`

// searchMatch turns what was typed in the board's search into an FTS5
// query over request_search (see migrations 00002 and 00003): every typed
// word in the patient's or the requester's name, among the open requests
// when scope says so. A word of three or more characters
// matches anywhere in a name ("smi" finds Smith and Goldsmith); one or two
// characters match the start of a word ("sm" finds Smith), since a
// substring that short matches most of the register and its trigrams
// cannot be looked up.
func searchMatch(typed string, scope Scope) string {
	// The bars mark the start of a word in the index, a double quote ends
	// an FTS5 phrase and a NUL ends FTS5's reading of the query: none is
	// part of a name.
	clean := strings.Map(func(r rune) rune {
		if r == '|' || r == '"' || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, typed)
	var words []string
	for _, w := range strings.Fields(foldKey(clean)) {
		switch utf8.RuneCountInString(w) {
		case 1:
			words = append(words, `starts : "||`+w+`"`)
		case 2:
			words = append(words, `starts : "|`+w+`"`)
		default:
			words = append(words, `names : "`+w+`"`)
		}
	}
	if len(words) == 0 {
		return searchNothing
	}
	match := strings.Join(words, " AND ")
	// Only the open requests are few enough for their mark to narrow the
	// search; SQL drops the few open ones from a search of closed ones.
	if scope == ScopeOpen {
		return `scope : "#o#" AND ` + match
	}
	return match
}
