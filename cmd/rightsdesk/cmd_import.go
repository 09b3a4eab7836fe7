package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"rightsdesk/model"
	"rightsdesk/storage"
)

func init() { commands = append(commands, (*app).importCommand) }

func (a *app) importCommand() *cobra.Command {
	var dryRun bool
	var dateFormat string
	cmd := &cobra.Command{
		Use:   "import FILE.csv [--dry-run] [--date-format iso|dmy|mdy]",
		Short: "Bring in a register kept elsewhere (leads), all or nothing",
		Long: `Import reads a CSV register (a header row, then one request a row) and adds
every request to the database in one transaction. Each row passes the desk's
own rules; one bad row and nothing is written, and every bad row is listed
with its line, column and what to fix (exit status 1). Rows already imported
are skipped, so importing the same file again adds nothing twice. The
columns are listed in the README.`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usage("import needs one file: rightsdesk import FILE.csv")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			order, err := model.ParseDateOrder(dateFormat)
			if err != nil {
				return err
			}
			return a.runImport(cmd, args[0], order, dryRun)
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check everything and report, writing nothing")
	cmd.Flags().StringVar(&dateFormat, "date-format", "iso", "how the file writes dates: iso (2026-09-03), dmy (03/09/2026) or mdy (09/03/2026)")
	return cmd
}

func (a *app) runImport(cmd *cobra.Command, path string, order model.DateOrder, dryRun bool) error {
	ctx := cmd.Context()
	// Read the file once before signing in, so a file that cannot be read
	// is reported before a passphrase is asked for.
	scan, err := prescanRegister(path)
	if err != nil {
		return err
	}
	st, _, err := a.openSetUp(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	actor, err := a.actor(ctx, st)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if len(scan.problems) > 0 {
		return reportImportProblems(out, scan.problems, 0)
	}
	src := func(c model.Ctx, yield func(model.ImportRow) error) error {
		return parseRegister(path, model.ImportOptions{Ctx: c, DateOrder: order}, yield)
	}
	opt := storage.ImportOptions{DryRun: dryRun, Reserved: scan.refs, Source: "file SHA-256 " + scan.sum, Rows: scan.rows}
	res, err := st.Import(ctx, actor, opt, src, a.clock())
	if err != nil {
		return err
	}
	if importTimed != nil {
		importTimed(res.Timing)
	}
	if len(res.Problems) > 0 {
		return reportImportProblems(out, res.Problems, res.Rows)
	}
	switch {
	case dryRun:
		fmt.Fprintf(out, "Dry run: %d rows read; %d requests would be added, %d are already in the register. Nothing was written.\n", res.Rows, res.Added, res.Present)
	case res.Added == 0:
		fmt.Fprintf(out, "Nothing to add: all %d rows are already in the register.\n", res.Rows)
	default:
		fmt.Fprintf(out, "Imported %d requests from %d rows (%d were already in the register).\n", res.Added, res.Rows, res.Present)
	}
	return nil
}

// importTimed, when set (by BenchmarkImport100k), is told how long each
// part of an import took.
var importTimed func(storage.ImportTiming)

// errStopped ends the reading goroutine when the import stops early.
var errStopped = errors.New("import stopped")

// parseRegister reads and parses the file in a goroutine, a batch of rows
// at a time, while yield (the database's side) works on the batch before:
// parsing and writing each take about half the time, and run on two cores.
// Rows reach yield in the file's order.
func parseRegister(path string, opt model.ImportOptions, yield func(model.ImportRow) error) error {
	const batchSize = 256
	batches := make(chan []model.ImportRow, 8)
	done := make(chan struct{})
	var readErr error
	go func() {
		defer close(batches)
		var h model.ImportHeader
		batch := make([]model.ImportRow, 0, batchSize)
		send := func() bool {
			select {
			case batches <- batch:
				batch = make([]model.ImportRow, 0, batchSize)
				return true
			case <-done:
				return false
			}
		}
		p, err := readRegister(path, func(line int, rec []string) error {
			if line == 0 {
				h, _ = model.ParseImportHeader(rec)
				return nil
			}
			batch = append(batch, h.ParseRow(line, rec, opt))
			if len(batch) == batchSize && !send() {
				return errStopped
			}
			return nil
		})
		if p != nil {
			batch = append(batch, model.ImportRow{Line: p.Line, Problems: []model.ImportProblem{*p}})
		}
		if err != nil {
			readErr = err
			return
		}
		if len(batch) > 0 {
			send()
		}
	}()
	var yieldErr error
	for batch := range batches {
		if yieldErr != nil {
			continue // drain, so the reader can finish
		}
		for _, row := range batch {
			if yieldErr = yield(row); yieldErr != nil {
				close(done)
				break
			}
		}
	}
	if yieldErr != nil {
		return yieldErr
	}
	if readErr != nil && !errors.Is(readErr, errStopped) {
		return readErr
	}
	return nil
}

// reportImportProblems prints every problem and ends with status 1.
func reportImportProblems(out io.Writer, problems []model.ImportProblem, rows int) error {
	w := bufio.NewWriter(out)
	lines := map[int]bool{}
	for _, p := range problems {
		lines[p.Line] = true
		fmt.Fprintln(w, model.Clean(p.String(), 0))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write the import report: %w", err)
	}
	what := fmt.Sprintf("%d problems on %d lines", len(problems), len(lines))
	if len(problems) == 1 {
		what = "1 problem"
	}
	if rows > 0 {
		what += fmt.Sprintf(" (%d rows read)", rows)
	}
	return problemError{"import refused, nothing was written: " + what + "; fix them and import the file again"}
}

// registerScan is what a first read of the file finds: its header's
// problems, the references it gives (which made references must avoid)
// and its SHA-256 for the audit trail.
type registerScan struct {
	problems []model.ImportProblem
	refs     map[string]bool
	sum      string
	rows     int // data rows, blank ones included
}

func prescanRegister(path string) (registerScan, error) {
	scan := registerScan{refs: map[string]bool{}}
	h := sha256.New()
	refCol := -1
	p, err := readRegisterFrom(path, h, func(line int, rec []string) error {
		if line == 0 {
			hdr, problems := model.ParseImportHeader(rec)
			scan.problems = problems
			refCol = hdr.Index(model.ColReference)
			return nil
		}
		scan.rows++
		if refCol >= 0 && refCol < len(rec) {
			if ref, err := model.ParseReference(model.UnescapeCell(rec[refCol])); err == nil {
				scan.refs[ref] = true
			}
		}
		return nil
	})
	if err != nil {
		return scan, err
	}
	if p != nil {
		scan.problems = append(scan.problems, *p)
	}
	scan.sum = hex.EncodeToString(h.Sum(nil))
	return scan, nil
}

func readRegister(path string, fn func(line int, rec []string) error) (*model.ImportProblem, error) {
	return readRegisterFrom(path, nil, fn)
}

// readRegisterFrom reads the CSV file at path, calling fn with line 0 for
// the header and then each data row with the line it starts on. A UTF-8
// byte order mark is dropped; rows with every cell blank are skipped. A
// malformed file (a quote left open) gives a problem, not an error; errors
// are for files that cannot be read. Every byte read is also written to
// tee when it is not nil.
func readRegisterFrom(path string, tee io.Writer, fn func(line int, rec []string) error) (*model.ImportProblem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usage("cannot read the register: %v", errors.Unwrap(err))
	}
	defer f.Close()
	var src io.Reader = f
	if tee != nil {
		src = io.TeeReader(f, tee)
	}
	br := bufio.NewReaderSize(src, 1<<16)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		_, _ = br.Discard(3)
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1 // rows of the wrong width are reported per row
	r.ReuseRecord = true
	header := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &model.ImportProblem{Line: pe.StartLine, Problem: "the CSV is malformed from here (" + pe.Err.Error() + ")",
					Fix: "check for a quote left open or a stray quote in a cell; cells with commas, quotes or line breaks must be in double quotes"}, nil
			}
			return nil, fmt.Errorf("read the register: %w", err)
		}
		line, _ := r.FieldPos(0)
		if header {
			header = false
			if err := fn(0, rec); err != nil {
				return nil, err
			}
			continue
		}
		if blankRecord(rec) {
			continue
		}
		if err := fn(line, rec); err != nil {
			return nil, err
		}
	}
	if header {
		return &model.ImportProblem{Line: 1, Problem: "the file is empty", Fix: "the first row names the columns: " + strings.Join(model.ImportColumns, ",")}, nil
	}
	return nil, nil
}

func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
