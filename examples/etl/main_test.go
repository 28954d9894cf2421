package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/generator"
	pipegen "github.com/pipegen/pipegen/runtime"
)

// wantInvalid are the invalid rows of testdata/orders.csv.
var wantInvalid = []string{
	`line 5: date "2024-02-30" is not a date (YYYY-MM-DD)`,
	`line 6: email "barbara-at-example.com" is not an address`,
	`line 9: amount -5.00 is not positive`,
	`line 10: unknown currency "XYZ"`,
	`line 13: 6 fields, want 7`,
}

// golden is the expected output for testdata/orders.csv.
func golden(t *testing.T) string {
	t.Helper()
	want, err := os.ReadFile("testdata/orders.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	return string(want)
}

func TestConvertSample(t *testing.T) {
	var out bytes.Buffer
	sum, err := Convert(context.Background(), strings.NewReader(sampleCSV), &out, false)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != golden(t) {
		t.Errorf("output:\n%s\nwant (testdata/orders.jsonl):\n%s", out.String(), golden(t))
	}
	var invalid []string
	for _, e := range sum.Invalid {
		invalid = append(invalid, e.Error())
		var re *RowError
		if !errors.As(e, &re) {
			t.Errorf("invalid row error %T, want *RowError", e)
		}
	}
	if sum.Written != 7 || !slices.Equal(invalid, wantInvalid) {
		t.Errorf("written %d, invalid:\n%s\nwant 7 and\n%s", sum.Written, strings.Join(invalid, "\n"), strings.Join(wantInvalid, "\n"))
	}
	// Each line is a JSON object of the output form.
	for line := range strings.Lines(out.String()) {
		var o jsonOrder
		dec := json.NewDecoder(strings.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&o); err != nil || o.ID == 0 {
			t.Errorf("line %q: %v", line, err)
		}
	}
}

func TestStrictStopsAtFirstInvalidRow(t *testing.T) {
	var out bytes.Buffer
	_, err := Convert(context.Background(), strings.NewReader(sampleCSV), &out, true)
	var se *pipegen.StageError
	var re *RowError
	if !errors.As(err, &se) || se.Pipeline != "ETLStrict" || se.Stage != "Reject" || !errors.As(err, &re) {
		t.Fatalf("err = %v, want a StageError of Reject wrapping a RowError", err)
	}
	// Reject runs after ordered: the first invalid row in input order,
	// always, though later invalid rows may have been parsed before it.
	if re.Line != 5 || se.Index.Source() != 3 || re.Error() != wantInvalid[0] {
		t.Errorf("stopped at %v (element %v), want %s (element 3)", re, se.Index, wantInvalid[0])
	}
	// What was written is the start of the valid output.
	if !strings.HasPrefix(golden(t), out.String()) {
		t.Errorf("output before the failure is not a prefix of the valid output:\n%s", out.String())
	}
}

func TestStrictWithValidInput(t *testing.T) {
	// The sample without its invalid rows.
	var valid strings.Builder
	for i, line := range slices.Collect(strings.Lines(sampleCSV)) {
		if !slices.ContainsFunc(wantInvalid, func(s string) bool { return strings.HasPrefix(s, fmt.Sprintf("line %d:", i+1)) }) {
			valid.WriteString(line)
		}
	}
	var out bytes.Buffer
	sum, err := Convert(context.Background(), strings.NewReader(valid.String()), &out, true)
	if err != nil || sum.Written != 7 || out.String() != golden(t) {
		t.Fatalf("Convert = %+v, %v, output\n%s", sum, err, out.String())
	}
}

// bigCSV is a CSV file of n orders; with invalid, every seventh one is
// invalid.
func bigCSV(n int, invalid bool) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write([]string{"currency", "amount", "email", "customer", "date", "country", "order_id", "note"}) // any column order, extra columns
	for i := range n {
		amount := fmt.Sprintf("%d.%02d", 1+i%1000, i%100)
		if invalid && i%7 == 3 {
			amount = "-1"
		}
		w.Write([]string{"EUR", amount, fmt.Sprintf("c%d@example.com", i), fmt.Sprintf("customer %d", i), "2024-07-01", "fr", fmt.Sprint(i + 1), "note, with comma"})
	}
	w.Flush()
	return b.String()
}

func TestLargeInputKeepsOrder(t *testing.T) {
	const n = 5000
	input := bigCSV(n, true)
	var out bytes.Buffer
	// More workers than the directive's, through the option (Parse, the
	// first stage).
	sum, err := Convert(context.Background(), strings.NewReader(input), &out, false, pipegen.Workers("Parse", 4))
	if err != nil {
		t.Fatal(err)
	}
	wantInvalid := (n + 3) / 7
	if sum.Written != n-wantInvalid || len(sum.Invalid) != wantInvalid {
		t.Fatalf("written %d, invalid %d; want %d, %d", sum.Written, len(sum.Invalid), n-wantInvalid, wantInvalid)
	}
	prev := 0
	for line := range strings.Lines(out.String()) {
		var o jsonOrder
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatal(err)
		}
		if o.ID <= prev || (o.ID-1)%7 == 3 || o.Customer != fmt.Sprintf("Customer %d", o.ID-1) {
			t.Fatalf("line %q after id %d", line, prev)
		}
		prev = o.ID
	}
	for i, e := range sum.Invalid {
		if want := fmt.Sprintf("line %d: ", 2+3+7*i); !strings.HasPrefix(e.Error(), want) {
			t.Fatalf("invalid row %d: %v, want %s…", i, e, want)
		}
	}
	// convert, unordered, yields the same records.
	rows, err := ReadRows(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	lines := map[int]int{}
	for rec, err := range convert(context.Background(), rows) {
		if err != nil {
			t.Fatal(err)
		}
		lines[rec.Line]++
	}
	if len(lines) != n || slices.Max(slices.Collect(maps.Values(lines))) != 1 {
		t.Errorf("convert yielded %d distinct rows, want %d once each", len(lines), n)
	}
}

func TestBrokenCSVFailsTheRun(t *testing.T) {
	for _, strict := range []bool{false, true} {
		input := bigCSV(200, false) + "1,2024-01-01,\"bad \"quote\",x@example.com,fr,1,EUR\n"
		_, err := Convert(context.Background(), strings.NewReader(input), io.Discard, strict)
		var se *pipegen.StageError
		var pe *csv.ParseError
		if !errors.As(err, &se) || se.Stage != "rows" || se.Worker != -1 || !errors.As(err, &pe) || pe.StartLine != 202 {
			t.Errorf("strict %v: err = %v, want the CSV reader's error on line 202 from input rows", strict, err)
		}
	}
}

func TestBadHeader(t *testing.T) {
	for input, want := range map[string]string{
		"":                     "no header line",
		"order_id,date\n1,2\n": "has no column customer",
		"a,\"b\n":              "extraneous or missing",
	} {
		if _, err := Convert(context.Background(), strings.NewReader(input), io.Discard, false); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("input %q: %v, want %q", input, err, want)
		}
	}
}

func TestRows(t *testing.T) {
	for _, c := range []struct {
		fields []string
		err    string
		json   string
	}{
		{fields: []string{"7", "2023-12-31", " ÉMILE  du  châtelet ", "E@X.ORG", "fr", "0.05", "sek"},
			json: `{"id":7,"date":"2023-12-31","quarter":"2023-Q4","customer":"Émile Du Châtelet","email":"e@x.org","country":"FR","amount":"0.05","currency":"SEK","amount_eur":"0.00"}`},
		{fields: []string{"8", "2024-05-01", "X", "x@y.z", "gb", "10.5", "GBP"},
			json: `{"id":8,"date":"2024-05-01","quarter":"2024-Q2","customer":"X","email":"x@y.z","country":"GB","amount":"10.50","currency":"GBP","amount_eur":"12.29"}`},
		{fields: []string{"x", "2024-13-01", "", "a b <c@d.e>", "fra", "1.234", "EUR"},
			err: `line 9: order_id "x" is not a number; date "2024-13-01" is not a date (YYYY-MM-DD); amount "1.234": want at most two decimals`},
		{fields: []string{"9", "2024-01-01", " ", "a b <c@d.e>", "f1", "0", "EUR"},
			err: `line 9: no customer; email "a b <c@d.e>" is not an address; country "f1" is not a two-letter code; amount 0.00 is not positive`},
		{fields: []string{"9", "2024-01-01", "A", "a@b.c", "fr", "1.", "EUR"},
			err: `line 9: amount "1.": want at most two decimals`},
	} {
		rec, err := Encode(Transform(Validate(Parse(Row{Line: 9, Fields: c.fields}))))
		if err != nil {
			t.Fatal(err)
		}
		if c.err != "" {
			if rec.Err == nil || rec.Err.Error() != c.err || rec.JSON != nil {
				t.Errorf("%q: %v, want %s", c.fields, rec.Err, c.err)
			}
			continue
		}
		if rec.Err != nil || string(rec.JSON) != c.json {
			t.Errorf("%q: %s, %v\nwant %s", c.fields, rec.JSON, rec.Err, c.json)
		}
	}
}

func TestRunWritesTheFileOnlyOnSuccess(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "orders.jsonl")
	var report bytes.Buffer
	if err := run(io.Discard, &report, "", out, false); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != golden(t) {
		t.Errorf("output file: %v\n%s", err, got)
	}
	if !strings.HasPrefix(report.String(), "etl: 7 rows converted, 5 invalid rows skipped") || !strings.Contains(report.String(), wantInvalid[4]) {
		t.Errorf("report:\n%s", report.String())
	}
	// -strict: an error naming the row, and no file.
	os.Remove(out)
	err := run(io.Discard, io.Discard, "", out, true)
	if err == nil || err.Error() != "invalid row, stopping (-strict): "+wantInvalid[0] {
		t.Errorf("strict run: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left after a failed run: %v", entries)
	}
	// -in: a file.
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("order_id,date,customer,email,country,amount,currency\n1,2024-01-01,a,a@b.c,fr,1,EUR\n"), 0o644)
	var stdout bytes.Buffer
	if err := run(&stdout, io.Discard, in, "-", true); err != nil || strings.Count(stdout.String(), "\n") != 1 {
		t.Errorf("run -in: %v, %q", err, stdout.String())
	}
	if err := run(io.Discard, io.Discard, filepath.Join(dir, "nope.csv"), "-", false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("run with a missing -in: %v", err)
	}
}

func TestGeneratedCodeIsFresh(t *testing.T) {
	t.Parallel() // the slowest test: loading the package takes seconds
	stale, err := generator.Check(context.Background(), generator.Config{}, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) > 0 {
		t.Fatalf("stale generated code %v: run go generate ./examples/etl", stale)
	}
}
