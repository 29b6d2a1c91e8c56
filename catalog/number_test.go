package catalog

import (
	"math"
	"testing"
)

func TestCheckNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want string // "" for nil
	}{
		{"int within", CheckInt("limit", 1, 1, 100, ""), ""},
		{"int at the top", CheckInt("limit", 100, 1, 100, ""), ""},
		{"int -1", CheckInt("limit", -1, 1, 100, ""), `"limit" is -1; give a whole number from 1 to 100`},
		{"int 2^31", CheckInt("limit", 1<<31, 1, 100, "default 10"), `"limit" is 2147483648; give a whole number from 1 to 100 (default 10)`},
		{"int 2^63-1", CheckInt("k", math.MaxInt64, 1, 16, ""), `"k" is 9223372036854775807; give a whole number from 1 to 16`},
		{"float within", CheckNumber("options.temperature", 0.7, 0, 2, false, ""), ""},
		{"float under", CheckNumber("options.temperature", -0.5, 0, 2, false, ""), `"options.temperature" is -0.5; give a number from 0 to 2`},
		{"float NaN", CheckNumber("gamma", math.NaN(), 0.1, 10, false, ""), `"gamma" is NaN; give a number from 0.1 to 10`},
		{"float huge", CheckNumber("angle", 1e300, -3600, 3600, false, "degrees"), `"angle" is 1e+300; give a number from -3600 to 3600 (degrees)`},
		{"float 2^63", CheckNumber("max_results", 9223372036854775808, 1, 100, true, ""), `"max_results" is 9.223372036854776e+18; give a whole number from 1 to 100`},
		{"not whole", CheckNumber("max_results", 2.5, 1, 100, true, ""), `"max_results" is 2.5; give a whole number from 1 to 100`},
		{"whole float within", CheckNumber("max_results", 3, 1, 100, true, ""), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.want == "" {
				if tc.err != nil {
					t.Fatalf("got %v, want nil", tc.err)
				}
				return
			}
			if ErrorType(tc.err) != InputError || AsError(tc.err).Message != tc.want {
				t.Errorf("got %v\nwant InputError: %s", tc.err, tc.want)
			}
		})
	}
	if got := OutOfRange("gamma", nil, "a number from 0.1 to 10", ""); got != `"gamma" is missing; give a number from 0.1 to 10` {
		t.Errorf("missing: %s", got)
	}
	if got := OutOfRange("options.seed", "x", "a whole number from 0 to 9", ""); got != `"options.seed" is "x"; give a whole number from 0 to 9` {
		t.Errorf("a string: %s", got)
	}
}
