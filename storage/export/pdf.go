package export

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The PDFs embed Go's own TrueType fonts (BSD-licensed, shipped inside the
// binary): they cover Latin, Greek and Cyrillic, so patients' names in those
// scripts print as written on any machine, with no system fonts needed.

const fontFamily = "go"

var (
	fontsOnce sync.Once
	fonts     []*sfnt.Font // regular and bold: a rune must be in both
	fontsErr  error
)

func loadFonts() ([]*sfnt.Font, error) {
	fontsOnce.Do(func() {
		for _, data := range [][]byte{goregular.TTF, gobold.TTF} {
			f, err := sfnt.Parse(data)
			if err != nil {
				fontsErr = fmt.Errorf("read the embedded font: %w", err)
				return
			}
			fonts = append(fonts, f)
		}
	})
	return fonts, fontsErr
}

// missingGlyphs lists, once each and in order, the runes of s that the
// embedded fonts cannot draw (spaces and line breaks aside).
func missingGlyphs(s string) ([]rune, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	var buf sfnt.Buffer
	var out []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if r == '\n' || r == ' ' || seen[r] {
			continue
		}
		for _, f := range fs {
			if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
				seen[r] = true
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// replaceMissing prints each rune the font lacks as "?".
func replaceMissing(s string, missing []rune) string {
	if len(missing) == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		for _, m := range missing {
			if r == m {
				return '?'
			}
		}
		return r
	}, s)
}

func codePoints(rs []rune) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("U+%04X", r)
	}
	return strings.Join(parts, " ")
}

// forPDF copies d for printing: any rune the font lacks becomes "?", and a
// note right after the block says which characters those were, so nothing
// turns into boxes silently. The warnings say the same for the desk.
func forPDF(d *doc) (*doc, []string, error) {
	out := &doc{title: d.title}
	var warnings []string
	title, err := missingGlyphs(d.title)
	if err != nil {
		return nil, nil, err
	}
	out.title = replaceMissing(d.title, title)
	for _, bl := range d.blocks {
		miss, err := missingGlyphs(bl.label + " " + bl.text)
		if err != nil {
			return nil, nil, err
		}
		c := bl
		c.label, c.text = replaceMissing(bl.label, miss), replaceMissing(bl.text, miss)
		out.blocks = append(out.blocks, c)
		if len(miss) == 0 {
			continue
		}
		where := "the text"
		if bl.label != "" {
			where = "“" + c.label + "”"
		}
		cps := codePoints(miss)
		out.blocks = append(out.blocks, block{kind: bNote, text: fmt.Sprintf(
			"Note: %s includes characters this document's font cannot show (%s); they are printed as “?”. They are recorded correctly, and the plain-text copy shows them as written.", where, cps)})
		warnings = append(warnings, fmt.Sprintf("%s has characters the PDF font cannot show (%s): they are printed as “?” with a note saying so", where, cps))
	}
	return out, warnings, nil
}

// pdfMeta is what the PDF says about itself.
type pdfMeta struct {
	Title, Author, Subject, Footer string
	Letter                         bool // US Letter paper instead of A4
	Now                            time.Time
}

// Layout, in points.
const (
	margin     = 56.0 // about 2 cm
	labelWidth = 150.0
	bodySize   = 10.5
	lineHeight = 14.0
)

// pdfWriter lays a doc out on pages, breaking pages as it goes.
type pdfWriter struct {
	gp     *gopdf.GoPdf
	w, h   float64
	y      float64
	page   int
	footer string
	err    error
	// The font and colour in use, restored after a page break draws the
	// footer in its own.
	bold bool
	size float64
	grey bool
}

// renderPDF prints d (already passed through forPDF) as a PDF.
func renderPDF(d *doc, meta pdfMeta) ([]byte, error) {
	size := *gopdf.PageSizeA4
	if meta.Letter {
		size = *gopdf.PageSizeLetter
	}
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: size})
	// A rune missed by forPDF still prints as "?", never as a box.
	sub := func(rune) rune { return '?' }
	if err := gp.AddTTFFontDataWithOption(fontFamily, goregular.TTF, gopdf.TtfOption{Style: gopdf.Regular, OnGlyphNotFoundSubstitute: sub}); err != nil {
		return nil, fmt.Errorf("embed the font: %w", err)
	}
	if err := gp.AddTTFFontDataWithOption(fontFamily, gobold.TTF, gopdf.TtfOption{Style: gopdf.Bold, OnGlyphNotFoundSubstitute: sub}); err != nil {
		return nil, fmt.Errorf("embed the font: %w", err)
	}
	gp.SetInfo(gopdf.PdfInfo{Title: meta.Title, Author: meta.Author, Subject: meta.Subject, Creator: "rightsdesk", Producer: "rightsdesk", CreationDate: meta.Now})
	p := &pdfWriter{gp: gp, w: size.W, h: size.H, footer: meta.Footer}
	p.newPage()
	p.font(true, 16)
	p.lines(margin, p.w-2*margin, d.title, 20)
	p.y += 6
	prev := bHeading
	for _, bl := range d.blocks {
		switch bl.kind {
		case bHeading:
			p.y += 10
			p.keep(3 * lineHeight)
			p.font(true, 12)
			p.lines(margin, p.w-2*margin, bl.text, 16)
			p.y += 2
		case bPara:
			if prev != bHeading {
				p.y += 6
			}
			p.font(false, bodySize)
			p.lines(margin, p.w-2*margin, bl.text, lineHeight)
		case bNote:
			p.y += 3
			p.colour(true)
			p.font(false, 9)
			p.lines(margin, p.w-2*margin, bl.text, 12)
			p.colour(false)
		case bField:
			if prev == bPara || prev == bNote || prev == bBullet {
				p.y += 4
			}
			p.field(bl.label, bl.text)
		case bBullet:
			if prev != bBullet && prev != bHeading {
				p.y += 4
			}
			p.font(false, bodySize)
			p.keep(lineHeight)
			p.at(margin+6, p.y+lineHeight*0.75, "•")
			p.lines(margin+18, p.w-2*margin-18, bl.text, lineHeight)
		}
		prev = bl.kind
	}
	if p.err != nil {
		return nil, fmt.Errorf("lay out the PDF: %w", p.err)
	}
	b, err := gp.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("make the PDF: %w", err)
	}
	return b, nil
}

func (p *pdfWriter) font(bold bool, size float64) {
	p.bold, p.size = bold, size
	p.setFont(bold, size)
}

func (p *pdfWriter) setFont(bold bool, size float64) {
	style := ""
	if bold {
		style = "B"
	}
	if err := p.gp.SetFont(fontFamily, style, size); err != nil && p.err == nil {
		p.err = err
	}
}

func (p *pdfWriter) newPage() {
	p.gp.AddPage()
	p.page++
	p.y = margin
	if p.footer != "" {
		p.gp.SetTextColor(110, 110, 110)
		p.setFont(false, 8)
		p.at(margin, p.h-margin/2, fmt.Sprintf("%s · page %d", p.footer, p.page))
		p.colour(p.grey)
		if p.size > 0 {
			p.setFont(p.bold, p.size)
		}
	}
}

// colour sets the text colour: grey for notes, else black.
func (p *pdfWriter) colour(grey bool) {
	p.grey = grey
	if grey {
		p.gp.SetTextColor(80, 80, 80)
	} else {
		p.gp.SetTextColor(0, 0, 0)
	}
}

// keep starts a new page unless h more points fit on this one.
func (p *pdfWriter) keep(h float64) {
	if p.y+h > p.h-margin {
		p.newPage()
	}
}

func (p *pdfWriter) at(x, y float64, s string) {
	p.gp.SetXY(x, y)
	if err := p.gp.Text(s); err != nil && p.err == nil {
		p.err = err
	}
}

// lines wraps s to width at x and prints it, line by line.
func (p *pdfWriter) lines(x, width float64, s string, lh float64) {
	for _, l := range p.wrap(s, width) {
		p.keep(lh)
		p.y += lh
		if l != "" {
			p.at(x, p.y-lh*0.25, l)
		}
	}
}

// field prints a bold label in the left column and its value beside it.
func (p *pdfWriter) field(label, value string) {
	p.font(false, bodySize)
	vals := p.wrap(value, p.w-2*margin-labelWidth)
	p.font(true, bodySize)
	labs := p.wrap(label, labelWidth-8)
	n := max(len(vals), len(labs))
	p.keep(float64(min(n, 3)) * lineHeight)
	for i := range n {
		p.keep(lineHeight)
		p.y += lineHeight
		base := p.y - lineHeight*0.25
		if i < len(labs) {
			p.font(true, bodySize)
			p.at(margin, base, labs[i])
		}
		if i < len(vals) {
			p.font(false, bodySize)
			p.at(margin+labelWidth, base, vals[i])
		}
	}
}

// wrap breaks s into lines no wider than width in the current font, at
// spaces where it can, keeping s's own line breaks.
func (p *pdfWriter) wrap(s string, width float64) []string {
	measure := func(t string) float64 {
		w, err := p.gp.MeasureTextWidth(t)
		if err != nil {
			if p.err == nil {
				p.err = err
			}
			return 0
		}
		return w
	}
	var out []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line := ""
		for _, w := range words {
			for measure(w) > width {
				if line != "" {
					out = append(out, line)
					line = ""
				}
				// Cut an over-long word at the last rune that fits. Widths
				// are first summed rune by rune, so a pasted 10,000-character
				// word costs one measure per rune, not one per prefix (which
				// took minutes); a real measure then settles the cut.
				r := []rune(w)
				if len(r) == 1 {
					break // one glyph wider than the line: print it as it is
				}
				n, sum := 0, 0.0
				for n < len(r)-1 {
					if sum += measure(string(r[n])); sum > width {
						break
					}
					n++
				}
				n = max(n, 1)
				for n > 1 && measure(string(r[:n])) > width {
					n--
				}
				out = append(out, string(r[:n]))
				w = string(r[n:])
			}
			if line == "" {
				line = w
			} else if measure(line+" "+w) <= width {
				line += " " + w
			} else {
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
