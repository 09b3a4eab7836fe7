package main

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"rightsdesk/storage"
	"rightsdesk/tui"
)

// The desk's budgets at 100,000 requests, measured on the model the
// binary runs (tui.New on an opened store), driven the way Bubble Tea
// drives it: each command run, each message handed to Update, then View.

// deskNow is the demo register's "now" (see benchRegister).
var deskNow = time.Date(2026, 3, 16, 10, 30, 0, 0, time.UTC)

func newDesk(st *storage.Store) *tui.Model {
	return tui.New(tui.Deps{Store: st, Now: func() time.Time { return deskNow }, Width: 120, Height: 40,
		Profile: colorprofile.ASCII, DarkBackground: true, IdleCheck: -1})
}

// deskDriver runs commands and routes messages until none are left. A
// command that does not answer within five seconds (a timer) is left
// behind, as a real program would leave it waiting. The whole-file check
// the desk starts after its first frame (about 1.5 s here) is waited for,
// as a person takes longer than that to type a name and passphrase.
type deskDriver struct {
	b *testing.B
	m *tui.Model
	// onMsg, when set, sees each message before Update does.
	onMsg func(tea.Msg)
}

var cmdSliceType = reflect.TypeFor[[]tea.Cmd]()

func (d *deskDriver) run(msgs ...tea.Msg) {
	queue := append([]tea.Msg(nil), msgs...)
	for n := 0; len(queue) > 0; n++ {
		if n > 2000 {
			d.b.Fatal("the desk keeps sending messages")
		}
		msg := queue[0]
		queue = queue[1:]
		if msg == nil {
			continue
		}
		// Batches and sequences are lists of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSliceType) {
			for _, c := range v.Convert(cmdSliceType).Interface().([]tea.Cmd) {
				queue = append(queue, d.do(c))
			}
			continue
		}
		if _, quit := msg.(tea.QuitMsg); quit {
			continue
		}
		if d.onMsg != nil {
			d.onMsg(msg)
		}
		_, cmd := d.m.Update(msg)
		queue = append(queue, d.do(cmd))
	}
}

func (d *deskDriver) do(c tea.Cmd) tea.Msg {
	if c == nil {
		return nil
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(5 * time.Second):
		return nil
	}
}

func (d *deskDriver) typeText(s string) {
	for _, r := range s {
		d.run(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (d *deskDriver) view() string { return d.m.View().Content }

// BenchmarkStartToFirstFrame is `rightsdesk` starting on the register:
// opening the database (which checks its schema and migrates it), building
// the desk, its first messages and its first frame, the sign-in screen.
// The whole-file check starts with that frame and is not part of it.
// Budget: under 50 ms. open-ms is the share spent opening the database,
// after-open-ms the rest.
func BenchmarkStartToFirstFrame(b *testing.B) {
	path := benchRegister(b)
	ctx := context.Background()
	var open, rest time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		st, err := storage.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		opened := time.Now()
		open += opened.Sub(start)
		m := newDesk(st)
		d := &deskDriver{b: b, m: m}
		// Init's own commands (the clinic's settings, the terminal's
		// colours); what they lead to comes after the first frame.
		for _, c := range initCommands(m.Init()) {
			if msg := d.do(c); msg != nil {
				m.Update(msg)
			}
		}
		frame := d.view()
		rest += time.Since(opened)
		b.StopTimer()
		if !strings.Contains(frame, "Sign in") {
			b.Fatalf("the first frame is not the sign-in screen:\n%s", frame)
		}
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(open.Seconds()*1000/float64(b.N), "open-ms")
	b.ReportMetric(rest.Seconds()*1000/float64(b.N), "after-open-ms")
}

func initCommands(c tea.Cmd) []tea.Cmd {
	if c == nil {
		return nil
	}
	msg := c()
	if v := reflect.ValueOf(msg); v.IsValid() && v.Kind() == reflect.Slice && v.Type().ConvertibleTo(cmdSliceType) {
		return v.Convert(cmdSliceType).Interface().([]tea.Cmd)
	}
	return []tea.Cmd{func() tea.Msg { return msg }}
}

// BenchmarkSignInToBoard signs in as a demo lead on the desk and waits for
// the full board: board-ms is from the sign-in being accepted (after the
// argon2id check) to the board drawn with its rows and counts, budget
// under 100 ms; peak-rss-MB is the process's peak resident memory from
// start to the board, budget under 80 MB (this process also holds the
// test framework, so it is a little above the binary's).
func BenchmarkSignInToBoard(b *testing.B) {
	path := benchRegister(b)
	ctx := context.Background()
	var board time.Duration
	var peak uint64
	var heap uint64
	var frame string
	b.ResetTimer()
	for range b.N {
		var accept time.Time
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		p := peakResident(func() {
			st, err := storage.Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			m := newDesk(st)
			d := &deskDriver{b: b, m: m, onMsg: func(msg tea.Msg) {
				if accept.IsZero() && fmt.Sprintf("%T", msg) == "tui.signedInMsg" {
					accept = time.Now()
				}
			}}
			d.run(d.do(m.Init()))
			d.typeText("Lee Lead")
			d.run(tea.KeyPressMsg{Code: tea.KeyTab})
			d.typeText(storage.DemoPassphrase)
			d.run(tea.KeyPressMsg{Code: tea.KeyEnter})
			done := time.Now()
			if accept.IsZero() {
				b.Fatalf("no sign-in was accepted:\n%s", d.view())
			}
			frame = d.view()
			board += done.Sub(accept)
			heap = max(heap, liveHeap())
		})
		peak = max(peak, p)
		b.StopTimer()
		if !strings.Contains(frame, "R-20") {
			b.Fatalf("the board has no rows:\n%s", frame)
		}
		b.StartTimer()
	}
	b.ReportMetric(board.Seconds()*1000/float64(b.N), "board-ms")
	b.ReportMetric(float64(peak)/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
