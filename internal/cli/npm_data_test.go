package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"pipette/internal/cli/clitest"
	"pipette/internal/testenv"
)

// envAlgorithmiaNPM names the folder holding node_modules/algorithmia, the
// npm client of Algorithmia's own; .ci/run installs it there.
const envAlgorithmiaNPM = "PIPETTE_ALGORITHMIA_NPM"

// TestAlgorithmiaNPMClientDataAPI runs Algorithmia's own npm client's file()
// and dir() calls against `pipette serve`: put (text and binary), exists,
// get, getString, dir().forEach, delete, and dir().delete(force). What the
// real client sees is the contract.
func TestAlgorithmiaNPMClientDataAPI(t *testing.T) {
	testenv.Slow(t) // builds the binary and runs node
	node := testenv.Tool(t, "node")
	modDir := os.Getenv(envAlgorithmiaNPM)
	module := filepath.Join(modDir, "node_modules", "algorithmia")
	if _, err := os.Stat(filepath.Join(module, "package.json")); modDir == "" || err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the npm package algorithmia is not in $%s (%q); .ci/run installs it", envAlgorithmiaNPM, modDir)
		}
		t.Skipf("set $%s to a folder with node_modules/algorithmia (npm install --prefix DIR algorithmia@0.3.10)", envAlgorithmiaNPM)
	}
	bin := binary(t)
	srv := startServe(t, bin, "--api-key", "npm-key")
	script := filepath.Join(clitest.RepoRoot(), "internal", "cli", "testdata", "algorithmia_data.js")
	cmd := exec.Command(node, script, module, srv.url, "npm-key")
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("node: %v\n%s\n%s", err, out, stderr)
	}
	var seen map[string]any
	if err := json.Unmarshal(out, &seen); err != nil {
		t.Fatalf("the script printed %s", out)
	}
	want := map[string]any{
		"create":            map[string]any{},
		"putText":           map[string]any{"result": "data://.my/npm_roundtrip/hello.txt"},
		"putBinary":         map[string]any{"result": "data://.my/npm_roundtrip/bytes.bin"},
		"exists":            true,
		"missingExists":     false,
		"getError":          nil,
		"getBinary":         []any{0.0, 1.0, 2.0, 255.0, 137.0, 80.0},
		"getString":         "hello from node",
		"deleteFile":        map[string]any{"result": map[string]any{"deleted": 1.0}},
		"existsAfterDelete": false,
		"deleteDir":         map[string]any{"result": map[string]any{"deleted": 1.0}},
		"dirExistsAfter":    false,
	}
	for k, w := range want {
		if !reflect.DeepEqual(seen[k], w) {
			t.Errorf("%s: the npm client saw %#v, want %#v", k, seen[k], w)
		}
	}
	// forEach saw both files with their sizes and ISO times.
	listed, _ := seen["listed"].([]any)
	paths := map[string]float64{}
	for _, it := range listed {
		m := it.(map[string]any)
		paths[m["path"].(string)] = m["size"].(float64)
		if _, err := time.Parse("2006-01-02T15:04:05.000Z", m["last_modified"].(string)); err != nil {
			t.Errorf("last_modified %v: %v", m["last_modified"], err)
		}
	}
	if !reflect.DeepEqual(paths, map[string]float64{".my/npm_roundtrip/hello.txt": 15, ".my/npm_roundtrip/bytes.bin": 6}) {
		t.Errorf("forEach listed %v (error %v)", paths, seen["listError"])
	}
	missing, _ := seen["missingGet"].(map[string]any)
	if msg, _ := missing["err"].(map[string]any)["message"].(string); !strings.Contains(msg, "does not exist") {
		t.Errorf("get of a deleted file: %v", seen["missingGet"])
	}
	srv.stop(t)
}
