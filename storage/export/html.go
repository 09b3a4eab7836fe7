package export

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// index.html is the package's front page: the letter and the record in a
// page any browser opens offline. html/template escapes every value for
// where it appears; the page loads nothing from anywhere (its content
// security policy forbids it) and runs no script.

type htmlBlock struct {
	Heading, Para, Note, Bullet bool
	Label, Text                 string
}

type htmlLink struct {
	Href, Name, Size, SHA256 string
}

type htmlPage struct {
	Title     string
	Reference string
	Letter    []htmlBlock
	Protected bool
	Record    record
	Files     []htmlLink
}

var indexTemplate = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #111; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
dl { display: grid; grid-template-columns: 12em 1fr; gap: .2em 1em; margin: .5em 0; }
dt { font-weight: bold; } dd { margin: 0; }
.note { color: #444; font-size: .9em; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { text-align: left; padding: .3em .5em; border-bottom: 1px solid #ddd; vertical-align: top; }
code { font-size: .85em; word-break: break-all; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>Reference <strong>{{.Reference}}</strong>. This page shows the letter and the record of the request in this package. It works offline.</p>

<h2>Files in this package</h2>
<ul>
<li><a href="letter.pdf">letter.pdf</a>: the letter{{if .Protected}} (protected with a password: the clinic gives it to you separately){{end}}</li>
<li><a href="request.json">request.json</a>: the record of the request as structured data (schema {{.Record.Schema}})</li>
{{range .Files}}<li><a href="{{.Href}}">{{.Name}}</a> ({{.Size}})</li>
{{end}}<li><a href="manifest.json">manifest.json</a>: every file's size and SHA-256 checksum</li>
</ul>

{{if .Protected}}<h2>The letter</h2>
<p>The letter is protected with a password; open letter.pdf and type the password the clinic gave you.</p>
{{else}}{{range .Letter}}{{if .Heading}}<h2>{{.Text}}</h2>
{{else if .Label}}<dl><dt>{{.Label}}</dt><dd>{{.Text}}</dd></dl>
{{else if .Bullet}}<ul><li>{{.Text}}</li></ul>
{{else if .Note}}<p class="note">{{.Text}}</p>
{{else}}<p>{{.Text}}</p>
{{end}}{{end}}{{end}}
<h2>The record</h2>
<dl>
<dt>Reference</dt><dd>{{.Record.Reference}}</dd>
<dt>Request</dt><dd>{{.Record.KindLabel}}</dd>
<dt>In short</dt><dd>{{.Record.Summary}}</dd>
<dt>Patient</dt><dd>{{.Record.Subject.Name}}</dd>
<dt>Asked by</dt><dd>{{.Record.Requester.Name}} ({{.Record.Requester.Relationship}})</dd>
<dt>Rule</dt><dd>{{.Record.RuleLabel}}</dd>
<dt>Received on</dt><dd>{{.Record.Dates.ReceivedOn}}</dd>
{{with .Record.Dates.ClockStart}}<dt>Clock started</dt><dd>{{.}}</dd>
{{end}}{{with .Record.Deadline.EffectiveDueOn}}<dt>Deadline</dt><dd>{{.}}</dd>
{{end}}<dt>Why that deadline</dt><dd>{{.Record.Deadline.Basis}}</dd>
{{with .Record.Dates.ClosedOn}}<dt>Closed on</dt><dd>{{.}}</dd>
{{end}}<dt>Outcome</dt><dd>{{.Record.Outcome.Label}}</dd>
{{with .Record.Outcome.Reason}}<dt>Reason</dt><dd>{{.}}</dd>
{{end}}</dl>

<h2>Evidence checked</h2>
{{if .Record.Evidence}}<ul>
{{range .Record.Evidence}}<li>{{.Label}}{{with .ReceivedOn}} ({{.}}){{end}}</li>
{{end}}</ul>{{else}}<p>None recorded.</p>{{end}}

<h2>Timeline</h2>
<table>
<tr><th>When (UTC)</th><th>What</th><th>Detail</th></tr>
{{range .Record.Timeline}}<tr><td>{{.At}}</td><td>{{.Action}}</td><td>{{.Detail}}</td></tr>
{{end}}</table>

{{if .Files}}<h2>Checksums</h2>
<table>
<tr><th>File</th><th>SHA-256</th></tr>
{{range .Files}}<tr><td>{{.Name}}</td><td><code>{{.SHA256}}</code></td></tr>
{{end}}</table>{{end}}
</body>
</html>
`))

// renderIndex builds index.html from the letter's content and the record.
func renderIndex(letter *doc, rec record, files []packFile, protected bool) ([]byte, error) {
	page := htmlPage{Title: letter.title, Reference: rec.Reference, Protected: protected, Record: rec}
	for _, bl := range letter.blocks {
		hb := htmlBlock{Text: bl.text}
		switch bl.kind {
		case bHeading:
			hb.Heading = true
		case bField:
			hb.Label = bl.label
		case bBullet:
			hb.Bullet = true
		case bNote:
			hb.Note = true
		default:
			hb.Para = true
		}
		page.Letter = append(page.Letter, hb)
	}
	for _, f := range files {
		page.Files = append(page.Files, htmlLink{Href: hrefOf(f.path), Name: f.path, Size: humanSize(f.size), SHA256: f.att.SHA256})
	}
	var buf bytes.Buffer
	if err := indexTemplate.Execute(&buf, page); err != nil {
		return nil, fmt.Errorf("make index.html: %w", err)
	}
	return buf.Bytes(), nil
}

// hrefOf is a relative link to a path in the package, each part escaped so
// that "#", "?" or "%" in a file name cannot break it.
func hrefOf(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
