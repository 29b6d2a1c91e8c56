package cli_test

import (
	"bytes"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/internal/testenv"
	"pipette/internal/workerpool"
)

// The real `pipette serve` runs image/Transform in a worker process at nice
// 19, a child of the server, and in the server itself with --isolate=false;
// the first line says which.
func TestServeIsolatesHeavyImageCalls(t *testing.T) {
	testenv.Slow(t) // builds the binary
	if !workerpool.Supported {
		t.Skip("workers run on Linux only")
	}
	bin := binary(t)
	for _, tc := range []struct {
		flags   []string
		workers bool
	}{{nil, true}, {[]string{"--isolate=false"}, false}} {
		t.Run(fmt.Sprint(tc.flags), func(t *testing.T) {
			srv := startServe(t, bin, tc.flags...)
			pid, url := srv.cmd.Process.Pid, srv.url
			if said := strings.Contains(srv.first, "worker processes at nice 19"); said != tc.workers {
				t.Errorf("first line %q", srv.first)
			}
			body := `{"image": "` + algotest.GradientPNG(t, 64, 64) + `", "op": "resize", "width": 700, "height": 700}`
			resp, err := http.Post(url+"/v1/algo/image/Transform?output=raw", "application/json", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			out, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("Transform: %d %s %v", resp.StatusCode, out, err)
			}
			if cfg, err := png.DecodeConfig(bytes.NewReader(out)); err != nil || cfg.Width != 700 || cfg.Height != 700 {
				t.Errorf("Transform gave %+v, %v; want a 700×700 PNG", cfg, err)
			}
			children := workerChildren(t, pid)
			if !tc.workers {
				if len(children) != 0 {
					t.Errorf("workers %v with --isolate=false", children)
				}
				return
			}
			if len(children) == 0 {
				t.Fatal("no worker process under the server after a Transform call")
			}
			for _, child := range children {
				nice, err := workerpool.ThreadNice(child)
				if err != nil {
					t.Fatal(err)
				}
				for task, n := range nice {
					if n != 19 {
						t.Errorf("worker %d thread %s at nice %d, want 19", child, task, n)
					}
				}
			}
		})
	}
}

// workerChildren are the processes whose parent is pid and whose
// environment marks them as algorithm workers.
func workerChildren(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		env, _ := os.ReadFile(fmt.Sprintf("/proc/%d/environ", child))
		if bytes.Contains(env, []byte("PIPETTE_ALGO_WORKER=1\x00")) {
			out = append(out, child)
		}
	}
	return out
}
