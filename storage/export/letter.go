package export

import (
	"fmt"
	"strings"

	"rightsdesk/model"
)

// letterDoc is the response letter: the outcome in plain words, what was
// done, each refusal with its reason, the files enclosed and the right to
// complain.
func letterDoc(b bundle, files []packFile) *doc {
	r, s := b.req, b.set
	d := &doc{title: "Our answer to your request"}
	clinicHeader(d, b)
	d.field("Your request", kindWords(r.Kind))
	d.field("Received on", longDate(r.ReceivedOn(), s.DateOrder))
	if r.Requester.Relationship.ActsForOther() {
		d.field("Asked by", askedBy(r))
		d.field("For", forWhom(r))
	}

	d.para("Dear " + dearName(r) + ",")
	d.para("This letter is our answer to your request " + r.Reference + ". It says what we decided and what we did, and how to complain if you are unhappy with it.")

	d.heading("The outcome")
	d.field("Outcome", statusWords(r.Status))
	if !r.ClosedOn.IsZero() {
		d.field("Answered on", longDate(r.ClosedOn, s.DateOrder))
	}
	if !b.dl.Effective.IsZero() {
		d.field("Time limit", longDate(b.dl.Effective, s.DateOrder))
	}

	switch r.Status {
	case model.StatusCompleted, model.StatusPartiallyCompleted:
		d.heading("What we did")
		d.para(doneWords(r, len(files)))
	}
	switch r.Status {
	case model.StatusPartiallyCompleted:
		d.heading("What we did not do, and why")
		d.para(reasonWords(r.OutcomeReason))
		d.para("If you disagree with this, you can ask us to look at it again, or complain (see below).")
	case model.StatusRefused:
		d.heading("Why we refused")
		d.para(reasonWords(r.OutcomeReason))
		d.para("If you disagree with this, you can ask us to look at it again, or complain (see below).")
	case model.StatusWithdrawn:
		d.heading("What happened")
		d.para("The request was withdrawn, so we closed it without doing anything further.")
		if r.OutcomeReason != "" {
			d.field("Note", r.OutcomeReason)
		}
	}

	if len(files) > 0 {
		d.heading("Files in this package")
		d.para("These are in the data folder of this package:")
		for _, f := range files {
			d.bullet(fmt.Sprintf("%s (%s)", f.path, humanSize(f.size)))
		}
	}

	complainSection(d, b)

	d.heading("About this package")
	d.para("This package holds this letter (letter.pdf); the record of your request as structured data (request.json); a page you can open in any web browser, even offline (index.html); the files listed above, if any (the data folder); and a list of every file with its size and SHA-256 checksum (manifest.json), so you can check that nothing was changed on the way.")
	return d
}

// doneWords says what was done for each kind of request.
func doneWords(r model.Request, nFiles int) string {
	who := "you"
	if r.Requester.Relationship.ActsForOther() {
		who = "the patient"
	}
	switch r.Kind {
	case model.KindAccess:
		if nFiles == 0 {
			return fmt.Sprintf("We have looked for the personal information we hold about %s. There are no files in this package; the outcome and its reasons are set out in this letter.", who)
		}
		return fmt.Sprintf("We have given you a copy of the personal information we hold about %s: %d %s in the data folder of this package.", who, nFiles, plural(nFiles, "file", "files"))
	case model.KindCorrection:
		return fmt.Sprintf("We have corrected the information about %s that you told us was wrong.", who)
	case model.KindDeletion:
		what := "the information you asked us to delete"
		if r.Details.WholeRecord {
			what = "the whole record, except where the law says we must keep it (see below)"
		}
		return fmt.Sprintf("We have deleted %s, or stopped using it where we must keep it.", what)
	case model.KindStopMarketing:
		return fmt.Sprintf("We have stopped all direct marketing to %s. We will not use these details for marketing again unless %s ask us to.", who, who)
	case model.KindWithdrawConsent:
		return fmt.Sprintf("We have recorded that %s withdrew consent, and stopped the use of the information that relied on it. This does not change what was done lawfully before.", who)
	case model.KindComplaint:
		return "We have looked into your complaint and recorded what we found and did."
	}
	return "We have dealt with your request."
}

func reasonWords(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "The reason was not recorded; please contact us and we will tell you."
	}
	return "The reason: " + reason
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// humanSize writes a size the way people read it: "340 bytes", "12.3 kB".
func humanSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d %s", n, plural(int(n), "byte", "bytes"))
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.1f GB", float64(n)/1e9)
}
