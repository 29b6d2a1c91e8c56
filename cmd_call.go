package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"pipette/catalog"
	"pipette/client"
)

// callFlags are `pipette call`'s options. The data flags follow Algorithmia's
// `algo run`: lower case takes the data on the command line, upper case a
// file ("-" is stdin); -d/-D guess the kind, -t/-T are text, -j/-J JSON,
// -B binary.
type callFlags struct {
	data, text, jsonData         string
	dataFile, textFile, jsonFile string
	binFile                      string
	sample                       string
	output                       string
	timeout                      float64
	stdout                       bool
}

// dataFlags lists the input flags in the order they are reported.
var dataFlags = []string{"data", "text", "json", "data-file", "text-file", "json-file", "binary-file", "sample"}

func newCallCmd() *cobra.Command {
	var f callFlags
	cmd := &cobra.Command{
		Use:   "call REF [-d DATA | -t TEXT | -j JSON | -D FILE | -T FILE | -J FILE | -B FILE | --sample N]",
		Short: "Call an algorithm and print its result",
		Long: `Call an algorithm with one input and print its result: JSON pretty-printed, text
as is, binary to -o FILE (or to stdout when piped). With no data flag, the input
is read from stdin when it is piped.

-d and -D guess the kind: JSON if the data parses as JSON, else text if it is
UTF-8, else binary. A FILE of - reads stdin.`,
		Example: `  pipette call nlp/SentimentAnalysis -t "what a great day"
  pipette call nlp/SentimentAnalysis --sample 1
  pipette call nlp/SentimentAnalysis -j '["good", "bad"]'
  echo "what a great day" | pipette call nlp/SentimentAnalysis
  pipette call nlp/Summarize -T article.txt
  pipette call image/Transform --sample 1 -o thumbnail.jpg`,
		Args: oneRef,
		RunE: func(cmd *cobra.Command, args []string) error { return runCall(cmd, args[0], f) },
	}
	fl := cmd.Flags()
	fl.SortFlags = false
	addInputFlags(fl, &f, "input DATA, guessed: JSON if it parses, else text", "input from FILE, guessed: JSON, else text, else binary", "algorithm")
	fl.StringVarP(&f.output, "output", "o", "", "write the result to FILE")
	fl.Float64Var(&f.timeout, "timeout", 300, "give up after SECONDS (max 3000)")
	fl.BoolVar(&f.stdout, "stdout", false, "print what the algorithm logged, on stderr")
	return cmd
}

// addInputFlags adds the data flags and --sample, shared by `call` and
// `run`; guessed is the help of -d and -D, whose guess differs between them,
// and owner says whose samples --sample picks.
func addInputFlags(fl *pflag.FlagSet, f *callFlags, guessData, guessFile, owner string) {
	fl.StringVarP(&f.data, "data", "d", "", guessData)
	fl.StringVarP(&f.text, "text", "t", "", "input TEXT")
	fl.StringVarP(&f.jsonData, "json", "j", "", "input JSON")
	fl.StringVarP(&f.dataFile, "data-file", "D", "", guessFile)
	fl.StringVarP(&f.textFile, "text-file", "T", "", "input from FILE, as text")
	fl.StringVarP(&f.jsonFile, "json-file", "J", "", "input from FILE, as JSON")
	fl.StringVarP(&f.binFile, "binary-file", "B", "", "input from FILE, as binary")
	fl.StringVar(&f.sample, "sample", "", "use the "+owner+"'s sample N (1 is the first; a sample's name works too)")
}

func runCall(cmd *cobra.Command, refArg string, f callFlags) error {
	ref, err := parseRefArg(cmd, refArg)
	if err != nil {
		return err
	}
	if f.timeout <= 0 || f.timeout > 3000 || math.IsNaN(f.timeout) {
		return usageErrorf(cmd, "--timeout %v is out of range: give a number of seconds above 0 and at most 3000", f.timeout)
	}
	c, err := newClient(cmd)
	if err != nil {
		return err
	}
	in, err := callInput(cmd, c, ref, f)
	if err != nil {
		return err
	}
	timeout := time.Duration(f.timeout * float64(time.Second))
	resp, err := c.AlgoRef(ref).WithTimeout(timeout).WithStdout(f.stdout).Pipe(cmd.Context(), in)
	if err != nil {
		return err
	}
	errw := cmd.ErrOrStderr()
	if f.stdout && resp.Stdout != "" {
		fmt.Fprint(errw, resp.Stdout)
		if !strings.HasSuffix(resp.Stdout, "\n") {
			fmt.Fprintln(errw)
		}
	}
	if err := writeResult(cmd, ref, resp, f.output); err != nil {
		return err
	}
	if isTerminal(errw) {
		dim := lipgloss.NewStyle().Faint(true)
		fmt.Fprintln(colorWriter(errw), dim.Render(fmt.Sprintf("%s · %s · %s", ref.Path(), resp.ContentType, roundDuration(resp.Duration))))
	}
	return nil
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d > time.Second:
		return d.Round(10 * time.Millisecond)
	case d > time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(100 * time.Nanosecond)
}

// callInput builds the input value from whichever data flag was given, the
// named sample, or piped stdin.
func callInput(cmd *cobra.Command, c *client.Client, ref catalog.Ref, f callFlags) (catalog.Value, error) {
	guess := func(b []byte) (catalog.Value, error) { return guessKind(b), nil }
	sample := func(which string) (catalog.Value, error) { return sampleInput(cmd, c, ref, which) }
	return readInput(cmd, f, guess, sample)
}

// readInput builds an input value from the data flags (as `call` and `run`
// read them): guess reads the data of -d, -D and piped stdin, whose kind is
// not given, and sample picks --sample.
func readInput(cmd *cobra.Command, f callFlags, guess func([]byte) (catalog.Value, error), sample func(string) (catalog.Value, error)) (catalog.Value, error) {
	var set []string
	for _, name := range dataFlags {
		if cmd.Flags().Changed(name) {
			set = append(set, flagName(cmd.Flags().Lookup(name)))
		}
	}
	if len(set) > 1 {
		return catalog.Value{}, usageErrorf(cmd, "give one input, not %s", strings.Join(set, " and "))
	}
	fl := cmd.Flags()
	stdin := cmd.InOrStdin()
	switch {
	case fl.Changed("data"):
		return guess([]byte(f.data))
	case fl.Changed("text"):
		return catalog.Text(f.text), nil
	case fl.Changed("json"):
		return parseJSONInput(cmd, "-j", []byte(f.jsonData))
	case fl.Changed("data-file"):
		b, err := readInputFile(cmd, f.dataFile)
		if err != nil {
			return catalog.Value{}, err
		}
		return guess(b)
	case fl.Changed("text-file"):
		b, err := readInputFile(cmd, f.textFile)
		if err == nil && !utf8.Valid(b) {
			return catalog.Value{}, usageErrorf(cmd, "-T %s is not UTF-8 text: send it with -B as binary", f.textFile)
		}
		return catalog.Text(string(b)), err
	case fl.Changed("json-file"):
		b, err := readInputFile(cmd, f.jsonFile)
		if err != nil {
			return catalog.Value{}, err
		}
		return parseJSONInput(cmd, "-J "+f.jsonFile, b)
	case fl.Changed("binary-file"):
		b, err := readInputFile(cmd, f.binFile)
		return catalog.Bytes(b), err
	case fl.Changed("sample"):
		return sample(f.sample)
	}
	noInput := usageErrorf(cmd, "no input: give one with -d, -t, -j, -D, -T, -J, -B or --sample N, or pipe it on stdin")
	if isTerminal(stdin) {
		return catalog.Value{}, noInput
	}
	b, err := io.ReadAll(stdin)
	if err != nil {
		return catalog.Value{}, fmt.Errorf("read the input from stdin: %w", err)
	}
	if len(b) == 0 {
		return catalog.Value{}, noInput
	}
	return guess(b)
}

func flagName(f *pflag.Flag) string {
	if f.Shorthand != "" {
		return "-" + f.Shorthand
	}
	return "--" + f.Name
}

// guessKind is `algo run`'s guess: JSON if it parses, else text if it is
// UTF-8, else binary.
func guessKind(b []byte) catalog.Value {
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

func parseJSONInput(cmd *cobra.Command, what string, b []byte) (catalog.Value, error) {
	v, err := catalog.DecodeJSON(bytes.TrimSpace(b))
	if err != nil {
		return catalog.Value{}, usageErrorf(cmd, "%s is not valid JSON (%v): quote strings, or send text with -t", what, err)
	}
	return catalog.JSON(v), nil
}

func readInputFile(cmd *cobra.Command, name string) ([]byte, error) {
	if name == "-" {
		b, err := io.ReadAll(cmd.InOrStdin())
		if err != nil {
			return nil, fmt.Errorf("read the input from stdin: %w", err)
		}
		return b, nil
	}
	b, err := os.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageErrorf(cmd, "input file %s does not exist", name)
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read input file %s: permission denied", name)
	case err != nil:
		return nil, fmt.Errorf("cannot read input file %s: %v", name, osReason(err))
	}
	return b, nil
}

// sampleInput picks a sample of the entry by number (1-based) or name.
func sampleInput(cmd *cobra.Command, c *client.Client, ref catalog.Ref, which string) (catalog.Value, error) {
	e, err := c.Source().Get(cmd.Context(), ref)
	if err != nil {
		return catalog.Value{}, err
	}
	return pickSample(cmd, e, which, fmt.Sprintf("`pipette docs %s` lists them", e.Ref.Path()))
}

// pickSample picks a sample of e by number (1-based) or name; listed says
// where the user can see them.
func pickSample(cmd *cobra.Command, e catalog.Entry, which, listed string) (catalog.Value, error) {
	if len(e.Samples) == 0 {
		return catalog.Value{}, usageErrorf(cmd, "%s has no samples: give an input with -d, -t or -j", e.Ref.Path())
	}
	if n, err := strconv.Atoi(strings.TrimSpace(which)); err == nil {
		if n < 1 || n > len(e.Samples) {
			return catalog.Value{}, usageErrorf(cmd, "%s has %s: use --sample 1 to %d (%s)",
				e.Ref.Path(), plural(len(e.Samples), "sample"), len(e.Samples), listed)
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
	return catalog.Value{}, usageErrorf(cmd, "%s has no sample named %q: use a number from 1 to %d or one of %s",
		e.Ref.Path(), which, len(e.Samples), strings.Join(names, ", "))
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// writeResult prints or saves the result by its content type. Binary data is
// never dumped on a terminal: it goes to -o, or to stdout only when piped.
func writeResult(cmd *cobra.Command, ref catalog.Ref, resp *client.Response, output string) error {
	return writeValue(cmd, ref.Path(), "pipette call "+ref.Path(), resp, output)
}

// writeValue is writeResult for the result of what (an algorithm or a
// chain); again is the command that made it, for the hint to save binary.
func writeValue(cmd *cobra.Command, what, again string, resp *client.Response, output string) error {
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	var body []byte
	switch resp.Value.Kind {
	case catalog.KindText:
		body = []byte(resp.Value.Text)
		if output == "" && !strings.HasSuffix(resp.Value.Text, "\n") {
			body = append(body, '\n')
		}
	case catalog.KindJSON:
		b, err := prettyJSON(resp.Value.JSON)
		if err != nil {
			return fmt.Errorf("print the result of %s: %w", what, err)
		}
		body = b
		if output == "" && isTerminal(out) {
			_, err := io.WriteString(colorWriter(out), jsonStyles(hasDarkBackground(cmd.InOrStdin(), out)).ColorJSON(string(b)))
			return err
		}
	case catalog.KindBinary:
		body = resp.Value.Bytes
		if output == "" && isTerminal(out) {
			fmt.Fprintf(errw, "The result is %s of binary data (%s), not shown on a terminal: save it with -o FILE or pipe it, as in `%s … > result%s`.\n",
				sizeString(len(body)), http.DetectContentType(body), again, extensionFor(body))
			return nil
		}
	default: // void: nothing to print
		if output == "" {
			if isTerminal(errw) {
				fmt.Fprintln(errw, "(no result)")
			}
			return nil
		}
	}
	if output != "" && output != "-" {
		if err := os.WriteFile(output, body, 0o644); err != nil {
			return fmt.Errorf("cannot write the result to %s: %v", output, osReason(err))
		}
		if isTerminal(errw) {
			fmt.Fprintf(errw, "wrote %s (%s) to %s\n", sizeString(len(body)), resp.ContentType, output)
		}
		return nil
	}
	_, err := out.Write(body)
	return err
}

func sizeString(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return plural(n, "byte")
}

// extensionFor suggests a file extension for a binary result.
func extensionFor(b []byte) string {
	switch http.DetectContentType(b) {
	case "image/png":
		return ".png"
	case "image/jpeg":
		return ".jpg"
	case "image/gif":
		return ".gif"
	case "image/webp":
		return ".webp"
	case "image/bmp":
		return ".bmp"
	case "application/pdf":
		return ".pdf"
	}
	return ".bin"
}
