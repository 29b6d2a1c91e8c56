package catalog

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Every number a caller sends (a limit, a size, an option) is checked
// against what it may be with these, so that every algorithm and source
// says the same sentence when one is outside it:
//
//	"limit" is 5000; give a whole number from 1 to 100
//	"options.temperature" is -1; give a number from 0 to 2
//	"quality" is 0; give a whole number from 1 to 100 (1 is smallest, 100 best; default 90)

// CheckInt is nil when n is within [lo, hi], else the InputError that says
// so. note, when not empty, follows the sentence in parentheses (the
// default, what the number means).
func CheckInt(field string, n, lo, hi int64, note string) error {
	if n >= lo && n <= hi {
		return nil
	}
	return InputErrorf("%s", OutOfRange(field, n, wantNumber(float64(lo), float64(hi), true), note))
}

// CheckNumber is CheckInt for a real number: nil when f is within [lo, hi]
// (and whole, when whole is set), else the InputError. NaN and the
// infinities are never within.
func CheckNumber(field string, f, lo, hi float64, whole bool, note string) error {
	if f >= lo && f <= hi && (!whole || f == math.Trunc(f)) {
		return nil
	}
	return InputErrorf("%s", OutOfRange(field, f, wantNumber(lo, hi, whole), note))
}

// JSONNumber is CheckNumber for a decoded JSON value (a float64 when it is a
// number): the number, or the InputError, which shows a value that is not a
// number as it was sent.
func JSONNumber(field string, v any, lo, hi float64, whole bool, note string) (float64, error) {
	f, ok := v.(float64)
	if !ok {
		return 0, InputErrorf("%s", OutOfRange(field, v, wantNumber(lo, hi, whole), note))
	}
	return f, CheckNumber(field, f, lo, hi, whole, note)
}

// OutOfRange is the sentence itself: field was sent got (a number, or any
// JSON value, shown as the caller wrote it; nil means it was missing) and
// takes want ("a whole number from 1 to 100").
func OutOfRange(field string, got any, want, note string) string {
	shown := "missing"
	if got != nil {
		shown = FormatNumber(got)
	}
	msg := fmt.Sprintf("%q is %s; give %s", field, shown, want)
	if note != "" {
		msg += " (" + note + ")"
	}
	return msg
}

// wantNumber is "a number from lo to hi", or "a whole number …".
func wantNumber(lo, hi float64, whole bool) string {
	kind := "a number"
	if whole {
		kind = "a whole number"
	}
	return fmt.Sprintf("%s from %s to %s", kind, FormatNumber(lo), FormatNumber(hi))
}

// FormatNumber writes a number as a person reads it: 3, 0.25, -1,
// 9223372036854775807 for an integer; a float64 in plain digits while they
// are exact (below 10^15, or a whole number up to 2^53), else as
// 9.223372036854776e+18 or 1e+300, never 300 digits; any other value as
// JSON.
func FormatNumber(v any) string {
	switch n := v.(type) {
	case int:
		return strconv.Itoa(n)
	case int64:
		return strconv.FormatInt(n, 10)
	case float64:
		if math.Abs(n) < 1e15 || (n == math.Trunc(n) && math.Abs(n) <= 1<<53) {
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
		return strconv.FormatFloat(n, 'g', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
