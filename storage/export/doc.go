package export

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"rightsdesk/model"
)

// A doc is a letter's content, kept apart from its rendering so that the
// PDF, its plain-text twin and the HTML page say exactly the same things.
type doc struct {
	title  string
	blocks []block
}

type blockKind int

const (
	bHeading blockKind = iota // a section heading
	bPara                     // a paragraph
	bField                    // a label and its value
	bBullet                   // an item of a list
	bNote                     // a small explanatory note
)

type block struct {
	kind  blockKind
	label string // bField: the label
	text  string
}

// Every string that reaches a doc passes through tidy: public text is
// untrusted, so control and escape sequences are dropped (model.Clean), and
// it is NFC-normalised so that an accented letter typed as letter plus
// combining mark is drawn with the font's single glyph.
func tidy(s string) string { return norm.NFC.String(model.Clean(s, 0)) }

func tidyText(s string) string { return norm.NFC.String(model.CleanText(s, 0)) }

func (d *doc) heading(s string) { d.blocks = append(d.blocks, block{kind: bHeading, text: tidy(s)}) }
func (d *doc) para(s string)    { d.blocks = append(d.blocks, block{kind: bPara, text: tidyText(s)}) }
func (d *doc) bullet(s string)  { d.blocks = append(d.blocks, block{kind: bBullet, text: tidy(s)}) }
func (d *doc) note(s string)    { d.blocks = append(d.blocks, block{kind: bNote, text: tidyText(s)}) }
func (d *doc) field(label, value string) {
	d.blocks = append(d.blocks, block{kind: bField, label: tidy(label), text: tidy(value)})
}

// text renders the plain-text twin, wrapped at 72 columns for e-mail.
func (d *doc) text() string {
	const width = 72
	var b strings.Builder
	b.WriteString(d.title + "\n")
	b.WriteString(strings.Repeat("=", min(width, utf8.RuneCountInString(d.title))) + "\n")
	prev := bHeading
	for i, bl := range d.blocks {
		switch bl.kind {
		case bHeading:
			b.WriteString("\n" + bl.text + "\n")
			b.WriteString(strings.Repeat("-", min(width, utf8.RuneCountInString(bl.text))) + "\n")
		case bPara, bNote:
			if i > 0 && prev != bHeading {
				b.WriteString("\n")
			}
			for _, l := range wrapText(bl.text, width) {
				b.WriteString(l + "\n")
			}
		case bField:
			if i > 0 && prev != bField && prev != bHeading {
				b.WriteString("\n")
			}
			lines := wrapText(bl.label+": "+bl.text, width-2)
			for j, l := range lines {
				if j > 0 {
					l = "  " + l
				}
				b.WriteString(l + "\n")
			}
		case bBullet:
			if i > 0 && prev != bBullet && prev != bHeading {
				b.WriteString("\n")
			}
			for j, l := range wrapText(bl.text, width-4) {
				if j == 0 {
					b.WriteString("  - " + l + "\n")
				} else {
					b.WriteString("    " + l + "\n")
				}
			}
		}
		prev = bl.kind
	}
	return b.String()
}

// wrapText breaks s into lines of at most width runes at spaces, keeping
// its own line breaks; a word longer than a line is cut.
func wrapText(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := ""
		for _, w := range words {
			for utf8.RuneCountInString(w) > width {
				if line != "" {
					out = append(out, line)
					line = ""
				}
				r := []rune(w)
				out = append(out, string(r[:width]))
				w = string(r[width:])
			}
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
				line += " " + w
			default:
				out = append(out, line)
				line = w
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}
