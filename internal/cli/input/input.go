// Package input reads the one input of `call` and `run` from their data
// flags, which follow Algorithmia's `algo run`: lower case takes the data on
// the command line, upper case a file ("-" is stdin); -d/-D leave the kind
// to the verb, -t/-T are text, -j/-J JSON, -B binary; --sample picks a
// sample; with none of them, piped stdin is read.
package input

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"pipette/catalog"
	"pipette/internal/cli/command"
	"pipette/internal/cli/iostreams"
	"pipette/internal/human"
)

// Flags are the data flags and --sample. After Resolve, Given names the one
// that was set.
type Flags struct {
	Data, Text, JSON             string
	DataFile, TextFile, JSONFile string
	BinaryFile                   string
	Sample                       string

	// Given is the long name of the flag the input comes from ("" for stdin).
	Given string
}

// names lists the input flags in the order they are reported.
var names = []string{"data", "text", "json", "data-file", "text-file", "json-file", "binary-file", "sample"}

// Add adds the data flags and --sample to fl; guessData and guessFile are
// the help of -d and -D, whose kind each verb decides, and owner says whose
// samples --sample picks.
func (f *Flags) Add(fl *pflag.FlagSet, guessData, guessFile, owner string) {
	fl.StringVarP(&f.Data, "data", "d", "", guessData)
	fl.StringVarP(&f.Text, "text", "t", "", "input TEXT")
	fl.StringVarP(&f.JSON, "json", "j", "", "input JSON")
	fl.StringVarP(&f.DataFile, "data-file", "D", "", guessFile)
	fl.StringVarP(&f.TextFile, "text-file", "T", "", "input from FILE, as text")
	fl.StringVarP(&f.JSONFile, "json-file", "J", "", "input from FILE, as JSON")
	fl.StringVarP(&f.BinaryFile, "binary-file", "B", "", "input from FILE, as binary")
	fl.StringVar(&f.Sample, "sample", "", "use the "+owner+"'s sample N (1 is the first; a sample's name works too)")
}

// Resolve records in Given which input flag fl holds, refusing more than one.
func (f *Flags) Resolve(fl *pflag.FlagSet) error {
	var set []string
	for _, name := range names {
		if fl.Changed(name) {
			set = append(set, flagName(fl.Lookup(name)))
			f.Given = name
		}
	}
	if len(set) > 1 {
		return command.UsageErrorf("give one input, not %s", strings.Join(set, " and "))
	}
	return nil
}

func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}

// Read builds the input value from the flag Resolve found, or from piped
// stdin: guess reads the data of -d, -D and stdin, whose kind is not given,
// and sample picks --sample.
func (f *Flags) Read(ios *iostreams.IOStreams, guess func([]byte) (catalog.Value, error), sample func(string) (catalog.Value, error)) (catalog.Value, error) {
	switch f.Given {
	case "data":
		return guess([]byte(f.Data))
	case "text":
		return catalog.Text(f.Text), nil
	case "json":
		return parseJSON("-j", []byte(f.JSON))
	case "data-file":
		b, err := readFile(ios, f.DataFile)
		if err != nil {
			return catalog.Value{}, err
		}
		return guess(b)
	case "text-file":
		b, err := readFile(ios, f.TextFile)
		if err == nil && !utf8.Valid(b) {
			return catalog.Value{}, command.UsageErrorf("-T %s is not UTF-8 text: send it with -B as binary", f.TextFile)
		}
		return catalog.Text(string(b)), err
	case "json-file":
		b, err := readFile(ios, f.JSONFile)
		if err != nil {
			return catalog.Value{}, err
		}
		return parseJSON("-J "+f.JSONFile, b)
	case "binary-file":
		b, err := readFile(ios, f.BinaryFile)
		return catalog.Bytes(b), err
	case "sample":
		return sample(f.Sample)
	}
	noInput := command.UsageErrorf("no input: give one with -d, -t, -j, -D, -T, -J, -B or --sample N, or pipe it on stdin")
	if ios.IsStdinTTY() {
		return catalog.Value{}, noInput
	}
	b, err := io.ReadAll(ios.In)
	if err != nil {
		return catalog.Value{}, fmt.Errorf("read the input from stdin: %w", err)
	}
	if len(b) == 0 {
		return catalog.Value{}, noInput
	}
	return guess(b)
}

// GuessKind is `algo run`'s guess: JSON if it parses, else text if it is
// UTF-8, else binary.
func GuessKind(b []byte) catalog.Value {
	if t := bytes.TrimSpace(b); len(t) > 0 {
		if v, err := catalog.DecodeJSON(t); err == nil {
			return catalog.JSON(v)
		}
	}
	if utf8.Valid(b) {
		return catalog.Text(string(b))
	}
	return catalog.Bytes(b)
}

func parseJSON(what string, b []byte) (catalog.Value, error) {
	v, err := catalog.DecodeJSON(bytes.TrimSpace(b))
	if err != nil {
		return catalog.Value{}, command.UsageErrorf("%s is not valid JSON (%v): quote strings, or send text with -t", what, err)
	}
	return catalog.JSON(v), nil
}

// PickSample picks a sample of e by number (1-based) or name; listed says
// where the user can see them.
func PickSample(e catalog.Entry, which, listed string) (catalog.Value, error) {
	if len(e.Samples) == 0 {
		return catalog.Value{}, command.UsageErrorf("%s has no samples: give an input with -d, -t or -j", e.Ref.Path())
	}
	if n, err := strconv.Atoi(strings.TrimSpace(which)); err == nil {
		if n < 1 || n > len(e.Samples) {
			return catalog.Value{}, command.UsageErrorf("%s has %s: use --sample 1 to %d (%s)",
				e.Ref.Path(), human.Plural(len(e.Samples), "sample"), len(e.Samples), listed)
		}
		return e.Samples[n-1].Input, nil
	}
	var names []string
	for _, s := range e.Samples {
		if strings.EqualFold(s.Name, which) {
			return s.Input, nil
		}
		names = append(names, strconv.Quote(s.Name))
	}
	return catalog.Value{}, command.UsageErrorf("%s has no sample named %q: use a number from 1 to %d or one of %s",
		e.Ref.Path(), which, len(e.Samples), strings.Join(names, ", "))
}
