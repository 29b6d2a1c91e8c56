package params

import (
	"encoding/json"
	"strings"
	"testing"

	"pipette/catalog"
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		f       Fields
		want    string // Summary, or the error's start
		wantErr bool
	}{
		{Fields{}, "", false},
		{Fields{" be brief ", "0.7", "256", `\n\n, END`}, "temp 0.7 · max 256 · stop 2 · system: be brief", false},
		{Fields{"", "0", "", ""}, "temp 0", false},
		{Fields{"", "2", "1048576", ""}, "temp 2 · max 1048576", false},
		{Fields{"", "2.01", "", ""}, `temperature "2.01" is not a number from 0 to 2`, true},
		{Fields{"", "-1", "", ""}, `temperature "-1"`, true},
		{Fields{"", "NaN", "", ""}, `temperature "NaN"`, true},
		{Fields{"", "warm", "", ""}, `temperature "warm"`, true},
		{Fields{"", "", "0", ""}, `max tokens "0" is not a whole number from 1 to 1048576`, true},
		{Fields{"", "", "-1", ""}, `max tokens "-1"`, true},
		{Fields{"", "", "2147483648", ""}, `max tokens "2147483648"`, true},
		{Fields{"", "", "4294967296", ""}, `max tokens "4294967296"`, true},
		{Fields{"", "", "9223372036854775808", ""}, `max tokens "9223372036854775808"`, true},
		{Fields{"", "", "1.5", ""}, `max tokens "1.5"`, true},
		{Fields{"", "", "", strings.Repeat("a,", 17)}, "17 stop sequences: at most 16", true},
	} {
		p, err := Parse(tc.f)
		switch {
		case tc.wantErr && (err == nil || !strings.HasPrefix(err.Error(), tc.want)):
			t.Errorf("%q: error %v, want %q…", tc.f, err, tc.want)
		case !tc.wantErr && err != nil:
			t.Errorf("%q: %v", tc.f, err)
		case !tc.wantErr && p.Summary() != tc.want:
			t.Errorf("%q: %q, want %q", tc.f, p.Summary(), tc.want)
		}
		if err == nil {
			if back, err := Parse(p.Fields()); err != nil || back.Summary() != p.Summary() || len(back.Stop) != len(p.Stop) {
				t.Errorf("%q: does not round-trip through Fields: %+v, %v", tc.f, back, err)
			}
		}
	}
	if p, _ := Parse(Fields{"", "", "", `\n\n, a\\nb`}); len(p.Stop) != 2 || p.Stop[0] != "\n\n" || p.Stop[1] != `a\nb` {
		t.Errorf("escapes: %q", p.Stop)
	}
}

func TestInput(t *testing.T) {
	t.Parallel()
	p := Params{System: "be brief", Temperature: 0.2, HasTemp: true, MaxTokens: 64, Stop: []string{"\n"}}
	for _, tc := range []struct {
		kind catalog.ModelKind
		text string
		p    Params
		want string
	}{
		{catalog.ModelChat, "hi", Params{}, `"hi"`},
		{catalog.ModelChat, "hi", p, `{"messages":[{"content":"hi","role":"user"}],"options":{"max_tokens":64,"stop":["\n"],"temperature":0.2},"system":"be brief"}`},
		{catalog.ModelCompletion, "Once", p, `{"options":{"max_tokens":64,"stop":["\n"],"temperature":0.2},"prompt":"Once","system":"be brief"}`},
		{catalog.ModelChat, `{"messages":[{"role":"user","content":"x"}],"options":{"temperature":1}}`, p, `{"messages":[{"content":"x","role":"user"}],"options":{"max_tokens":64,"stop":["\n"],"temperature":1},"system":"be brief"}`},
		{catalog.ModelEmbedding, "hi", p, `"hi"`},
	} {
		v := Input(tc.kind, tc.text, tc.p)
		var got []byte
		if v.Kind == catalog.KindText {
			got, _ = json.Marshal(v.Text)
		} else {
			got, _ = json.Marshal(v.JSON)
		}
		if string(got) != tc.want {
			t.Errorf("%s %q: %s, want %s", tc.kind, tc.text, got, tc.want)
		}
	}
}
