package bench

import (
	"context"
	"strings"
	"testing"

	"github.com/itchyny/gojq"

	"pipette/internal/jqeval"
)

// BenchmarkJQ is what one jq evaluation from a request costs, the way
// util/Transform and chain mappings run them, on util/Transform's first
// sample (a 3-item list reshaped and sorted) and on a chain-mapping-sized
// env holding a 1 MB base64 image:
//
//   - parse+compile+run: the old util/Transform, in-process, compiling on
//     every call (the baseline);
//   - in-process: jqeval's bounded evaluation in this process, program cached;
//   - worker: the same in a pooled worker process with a hard memory limit,
//     which is what runs (the input and outputs cross a pipe as JSON).
func BenchmarkJQ(b *testing.B) {
	program := ".items | map({name, stars: .stargazers_count, url: .html_url}) | sort_by(-.stars)"
	small := map[string]any{"total_count": 3.0, "items": []any{
		map[string]any{"name": "gojq", "stargazers_count": 3400.0, "html_url": "https://github.com/itchyny/gojq", "fork": false},
		map[string]any{"name": "jq", "stargazers_count": 31000.0, "html_url": "https://github.com/jqlang/jq", "fork": false},
		map[string]any{"name": "yq", "stargazers_count": 12500.0, "html_url": "https://github.com/mikefarah/yq", "fork": false},
	}}
	image := map[string]any{"input": strings.Repeat("QUJD", 1<<18), "steps": map[string]any{"faces": []any{map[string]any{"score": 0.9}}}}
	mapping := `{image: .input, n: (.steps.faces | length)}`
	ctx := context.Background()
	for _, c := range []struct {
		name, program string
		input         any
	}{{"small", program, small}, {"1MB-env", mapping, image}} {
		b.Run(c.name+"/parse+compile+run", func(b *testing.B) {
			for b.Loop() {
				q, err := gojq.Parse(c.program)
				if err != nil {
					b.Fatal(err)
				}
				code, err := gojq.Compile(q)
				if err != nil {
					b.Fatal(err)
				}
				if v, _ := code.RunWithContext(ctx, c.input).Next(); v == nil {
					b.Fatal("no output")
				}
			}
		})
		for _, inProcess := range []bool{true, false} {
			name := "worker"
			if inProcess {
				name = "in-process"
			}
			b.Run(c.name+"/"+name, func(b *testing.B) {
				jqeval.InProcess.Store(inProcess)
				defer jqeval.InProcess.Store(false)
				p, err := jqeval.Compile(c.program, nil)
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					res, err := jqeval.Eval(ctx, p, c.input, nil, jqeval.Limits{})
					if err != nil || len(res.Outputs) != 1 {
						b.Fatal(res, err)
					}
				}
			})
		}
	}
}
