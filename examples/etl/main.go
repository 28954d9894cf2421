// Command etl converts a CSV file of orders to JSON lines with a pipegen
// pipeline: it parses each row into a typed Order, validates it,
// normalises it and encodes it, and writes the lines in input order.
//
//	go run ./examples/etl [-in orders.csv] [-out orders.jsonl] [-strict]
//
// Without -in it reads the sample in testdata/orders.csv, embedded in the
// program; without -out it writes to standard output. What it did, and
// the rows it rejected, go to standard error.
//
// The rows flow through
//
//	ETL(rows)       = convert | ordered
//	ETLStrict(rows) = convert | ordered | Reject
//	convert(rows)   = Parse | Validate | Transform | Encode
//
// convert is a pipeline of its own, inlined in the other two. Its four
// stages run two workers each, so rows come out of it in any order;
// ordered restores the input order, streaming, so the output is written as
// it comes and memory stays bounded however long the input is.
//
// An invalid row (a field that does not parse, or fails validation) is
// not an error of the pipeline: its Record carries the reason, Err, and
// Transform and Encode pass it along untouched. Then
//
//   - by default (ETL) the program skips it and reports it: the output has
//     the valid rows and the report lists the invalid ones, by line;
//   - with -strict (ETLStrict) the stage Reject turns the reason into a
//     stage error, which stops the whole run. Reject comes after ordered,
//     so the row reported is the first invalid row of the input, whatever
//     the timing. The output file (-out) is written only when the run
//     succeeds; on standard output, the lines before the invalid row
//     that were already converted may have been written.
//
// A CSV file that is not well-formed (a stray quote, say) fails the run in
// both modes, as an error of the input: past a syntax error, the rows
// cannot be trusted.
//
// Regenerate the pipeline code after changing a directive with
//
//	go generate ./examples/etl
package main

//go:generate go run github.com/pipegen/pipegen/cmd/pipegen

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	pipegen "github.com/pipegen/pipegen/runtime"
)

//go:embed testdata/orders.csv
var sampleCSV string

// columns are the columns the input must have, in the order of
// Row.Fields. The file may have them in any order, and more.
var columns = []string{"order_id", "date", "customer", "email", "country", "amount", "currency"}

// Column positions in Row.Fields.
const (
	colID = iota
	colDate
	colCustomer
	colEmail
	colCountry
	colAmount
	colCurrency
)

// Row is one row of the CSV file, its fields in the order of columns.
type Row struct {
	Line   int // where the row starts in the file, from 1
	Fields []string
}

// Order is a row as typed values.
type Order struct {
	ID       int
	Date     time.Time
	Customer string
	Email    string
	Country  string
	Amount   int64 // in cents
	Currency string
	// EURAmount is Amount converted to euro cents; set by Transform.
	EURAmount int64
}

// Record is a row on its way through the pipeline.
type Record struct {
	Line  int
	Order Order
	// JSON is the output line, without its newline; set by Encode.
	JSON []byte
	// Err is why the row is invalid, a *RowError; nil for a valid row.
	Err error
}

// RowError is what is wrong with an invalid row.
type RowError struct {
	Line int
	Err  error // one problem, or several joined by errors.Join
}

// Error gives the line and the problems, separated by "; ".
func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, strings.ReplaceAll(e.Err.Error(), "\n", "; "))
}

// Unwrap returns the problems.
func (e *RowError) Unwrap() error { return e.Err }

// eurRates are the currencies accepted, with what one unit is worth in
// euros, in millionths (fixed rates: the example needs the same output
// every day).
var eurRates = map[string]int64{
	"EUR": 1_000_000,
	"GBP": 1_170_000,
	"USD": 920_000,
	"CHF": 1_050_000,
	"SEK": 88_000,
}

// Parse types the fields of a row. A field that does not parse makes the
// row invalid: the record carries the reason, every field's.
//
//pipegen:map workers=2
func Parse(row Row) Record {
	rec := Record{Line: row.Line}
	if len(row.Fields) != len(columns) {
		rec.Err = &RowError{row.Line, fmt.Errorf("%d fields, want %d", len(row.Fields), len(columns))}
		return rec
	}
	f := row.Fields
	var errs []error
	o := &rec.Order
	var err error
	if o.ID, err = strconv.Atoi(strings.TrimSpace(f[colID])); err != nil {
		errs = append(errs, fmt.Errorf("order_id %q is not a number", f[colID]))
	}
	if o.Date, err = time.Parse(time.DateOnly, strings.TrimSpace(f[colDate])); err != nil {
		errs = append(errs, fmt.Errorf("date %q is not a date (YYYY-MM-DD)", f[colDate]))
	}
	if o.Amount, err = parseCents(strings.TrimSpace(f[colAmount])); err != nil {
		errs = append(errs, fmt.Errorf("amount %q: %v", f[colAmount], err))
	}
	o.Customer = f[colCustomer]
	o.Email = strings.TrimSpace(f[colEmail])
	o.Country = strings.TrimSpace(f[colCountry])
	o.Currency = strings.ToUpper(strings.TrimSpace(f[colCurrency]))
	if errs != nil {
		rec.Err = &RowError{row.Line, errors.Join(errs...)}
	}
	return rec
}

// parseCents parses a decimal amount with at most two decimals, such as
// "-12", "12.5" or "12.50", into cents, without rounding through a float.
func parseCents(s string) (int64, error) {
	units, frac, dot := strings.Cut(s, ".")
	if dot && (len(frac) == 0 || len(frac) > 2) {
		return 0, errors.New("want at most two decimals")
	}
	neg := strings.HasPrefix(units, "-")
	u, err := strconv.ParseUint(strings.TrimPrefix(units, "-"), 10, 40)
	if err != nil {
		return 0, errors.New("not an amount")
	}
	c := uint64(0)
	if frac != "" {
		if c, err = strconv.ParseUint(frac, 10, 8); err != nil {
			return 0, errors.New("not an amount")
		}
		if len(frac) == 1 {
			c *= 10
		}
	}
	cents := int64(u*100 + c)
	if neg {
		cents = -cents
	}
	return cents, nil
}

// Validate checks the rules a parsed order must follow, and makes the row
// invalid if it breaks any (all of them are listed). A row that did not
// parse passes unchanged.
//
//pipegen:map workers=2
func Validate(rec Record) Record {
	if rec.Err != nil {
		return rec
	}
	o := rec.Order
	var errs []error
	if strings.TrimSpace(o.Customer) == "" {
		errs = append(errs, errors.New("no customer"))
	}
	if a, err := mail.ParseAddress(o.Email); err != nil || a.Address != o.Email {
		errs = append(errs, fmt.Errorf("email %q is not an address", o.Email))
	}
	if len(o.Country) != 2 || strings.IndexFunc(o.Country, func(r rune) bool { return !unicode.IsLetter(r) || r >= utf8.RuneSelf }) >= 0 {
		errs = append(errs, fmt.Errorf("country %q is not a two-letter code", o.Country))
	}
	if _, ok := eurRates[o.Currency]; !ok {
		errs = append(errs, fmt.Errorf("unknown currency %q", o.Currency))
	}
	if o.Amount <= 0 {
		errs = append(errs, fmt.Errorf("amount %s is not positive", cents(o.Amount)))
	}
	if errs != nil {
		rec.Err = &RowError{rec.Line, errors.Join(errs...)}
	}
	return rec
}

// Transform normalises a valid order: names in title case with single
// spaces, the email address in lower case, the country code in upper
// case, and the amount converted to euros. An invalid row passes
// unchanged.
//
//pipegen:map workers=2
func Transform(rec Record) Record {
	if rec.Err != nil {
		return rec
	}
	o := &rec.Order
	words := strings.Fields(o.Customer)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToTitle(r)) + strings.ToLower(w[n:])
	}
	o.Customer = strings.Join(words, " ")
	o.Email = strings.ToLower(o.Email)
	o.Country = strings.ToUpper(o.Country)
	// Round half up, to the cent (Validate made sure the amount is
	// positive).
	o.EURAmount = (o.Amount*eurRates[o.Currency] + 500_000) / 1_000_000
	return rec
}

// jsonOrder is the output form of an Order.
type jsonOrder struct {
	ID       int    `json:"id"`
	Date     string `json:"date"`
	Quarter  string `json:"quarter"`
	Customer string `json:"customer"`
	Email    string `json:"email"`
	Country  string `json:"country"`
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
	EUR      string `json:"amount_eur"`
}

// Encode encodes a valid order as a line of JSON. Amounts are strings,
// as money should be, so that no reader takes them for floats. An
// invalid row passes unchanged.
//
//pipegen:map workers=2
func Encode(rec Record) (Record, error) {
	if rec.Err != nil {
		return rec, nil
	}
	o := rec.Order
	var err error
	rec.JSON, err = json.Marshal(jsonOrder{
		ID:       o.ID,
		Date:     o.Date.Format(time.DateOnly),
		Quarter:  fmt.Sprintf("%d-Q%d", o.Date.Year(), (o.Date.Month()+2)/3),
		Customer: o.Customer,
		Email:    o.Email,
		Country:  o.Country,
		Amount:   cents(o.Amount),
		Currency: o.Currency,
		EUR:      cents(o.EURAmount),
	})
	return rec, err
}

// cents formats an amount in cents as a decimal, "-12.05".
func cents(c int64) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Reject fails on an invalid row, with its *RowError: the strict mode.
//
//pipegen:map
func Reject(rec Record) (Record, error) {
	return rec, rec.Err
}

// convert turns rows into records, each with its JSON line or the reason
// it is invalid.
//
//pipegen:pipeline convert(rows) = Parse | Validate | Transform | Encode

// ETL converts rows in input order; invalid rows flow through too, with
// their Err set.
//
//pipegen:pipeline ETL(rows) = convert | ordered

// ETLStrict converts rows in input order and fails on the first invalid
// one.
//
//pipegen:pipeline ETLStrict(rows) = convert | ordered | Reject

// ReadRows reads the header of a CSV file and returns the rest of the
// file as a sequence of rows, with their fields in the order of columns.
// A syntax error further on is the sequence's last element, which fails
// the pipeline that reads it.
func ReadRows(r io.Reader) (iter.Seq2[Row, error], error) {
	cr := csv.NewReader(r)
	// Parse checks the number of fields, so that a short row is an
	// invalid row, not a broken file.
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("no header line")
	}
	if err != nil {
		return nil, err
	}
	pos := make([]int, len(columns))
	for i, c := range columns {
		pos[i] = -1
		for j, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), c) {
				pos[i] = j
			}
		}
		if pos[i] < 0 {
			return nil, fmt.Errorf("header %q has no column %s", strings.Join(header, ","), c)
		}
	}
	return func(yield func(Row, error) bool) {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Row{}, err)
				return
			}
			line, _ := cr.FieldPos(0)
			row := Row{Line: line, Fields: rec}
			if len(rec) == len(header) {
				row.Fields = make([]string, len(columns))
				for i, p := range pos {
					row.Fields[i] = rec[p]
				}
			}
			if !yield(row, nil) {
				return
			}
		}
	}, nil
}

// Summary is what a conversion did.
type Summary struct {
	Written int
	// Invalid are the rows skipped, in input order: *RowError values.
	Invalid []error
}

// Convert reads CSV from r and writes a JSON line to w for each valid
// row, in input order. An invalid row is skipped and listed in the
// summary or, when strict, stops the conversion: the error is then a
// *pipegen.StageError of stage Reject wrapping the row's *RowError.
func Convert(ctx context.Context, r io.Reader, w io.Writer, strict bool, opts ...pipegen.Option) (Summary, error) {
	var sum Summary
	rows, err := ReadRows(r)
	if err != nil {
		return sum, err
	}
	records := ETL(ctx, rows, opts...)
	if strict {
		records = ETLStrict(ctx, rows, opts...)
	}
	bw := bufio.NewWriter(w)
	for rec, err := range records {
		if err != nil {
			bw.Flush() // what is converted is good: keep it
			return sum, err
		}
		if rec.Err != nil {
			sum.Invalid = append(sum.Invalid, rec.Err)
			continue
		}
		bw.Write(rec.JSON)
		if err := bw.WriteByte('\n'); err != nil {
			// bufio keeps the first write error: this is it.
			return sum, err
		}
		sum.Written++
	}
	return sum, bw.Flush()
}

func main() {
	in := flag.String("in", "", "CSV file to read (default: the embedded testdata/orders.csv)")
	out := flag.String("out", "-", "JSON lines file to write; - for standard output")
	strict := flag.Bool("strict", false, "stop at the first invalid row, instead of skipping it")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: etl [-in file.csv] [-out file.jsonl] [-strict]\n\nConverts a CSV file of orders to JSON lines.")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(os.Stdout, os.Stderr, *in, *out, *strict); err != nil {
		fmt.Fprintln(os.Stderr, "etl:", err)
		os.Exit(1)
	}
}

// run does what main says: it converts in to out, writing to stdout when
// out is "-", and reports to report.
func run(stdout, report io.Writer, in, out string, strict bool) error {
	var r io.Reader = strings.NewReader(sampleCSV)
	if in != "" {
		f, err := os.Open(in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	if out == "-" {
		return convertTo(stdout, report, r, strict)
	}
	// Write a temporary file next to out and rename it at the end: out
	// appears only if the conversion succeeds.
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return err
	}
	err = convertTo(f, report, r, strict)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), out)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// convertTo converts r to w and reports what it did to report.
func convertTo(w, report io.Writer, r io.Reader, strict bool) error {
	start := time.Now()
	sum, err := Convert(context.Background(), r, w, strict)
	if err != nil {
		var re *RowError
		if errors.As(err, &re) {
			// The row's own words; the StageError around it would add
			// pipeline, stage, worker and element.
			return fmt.Errorf("invalid row, stopping (-strict): %w", re)
		}
		return err
	}
	fmt.Fprintf(report, "etl: %d rows converted, %d invalid rows skipped, in %v\n", sum.Written, len(sum.Invalid), time.Since(start).Round(time.Microsecond))
	for _, e := range sum.Invalid {
		fmt.Fprintf(report, "  %v\n", e)
	}
	return nil
}
