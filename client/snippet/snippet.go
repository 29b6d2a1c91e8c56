// Package snippet writes how to call an algorithm over the API
// (docs/API.md) in curl, Go, Python and JavaScript: the TUI's Code tab shows
// them, and a test runs each against a real server.
package snippet

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/shell"
)

// Languages the snippets are written in, in the order they are offered.
var Languages = []string{"curl", "Go", "Python", "JavaScript"}

// Target is the server a snippet calls.
type Target struct {
	Base string // "http://127.0.0.1:8080"
	Auth bool   // send $PIPETTE_API_KEY
}

// Input is what a snippet sends.
type Input struct {
	Kind catalog.Kind // text, json, binary
	Text string       // text or JSON source
	// File, when set, is the file the snippet reads the body from instead
	// of inlining Text: always for a binary input, and for one too large to
	// read (or copy) in a snippet.
	File string
}

// Write returns how to call ref with in, in lang (one of Languages; "" for
// another).
func Write(lang string, t Target, ref catalog.Ref, in Input) string {
	url := strings.TrimRight(t.Base, "/") + "/v1/algo/" + ref.String()
	ctype := client.ContentTypeOf(in.Kind)
	switch lang {
	case "curl":
		var b strings.Builder
		fmt.Fprintf(&b, "curl -sS -X POST %s \\\n", shell.Quote(url))
		fmt.Fprintf(&b, "  -H %s \\\n", shell.Quote("Content-Type: "+ctype))
		if t.Auth {
			b.WriteString("  -H \"Authorization: Simple $PIPETTE_API_KEY\" \\\n")
		}
		if in.File != "" {
			fmt.Fprintf(&b, "  --data-binary @%s", shell.Quote(in.File))
		} else {
			fmt.Fprintf(&b, "  --data-binary %s", shell.Quote(in.Text))
		}
		return b.String()
	case "Go":
		body := "body := []byte(" + goQuote(in.Text) + ")"
		if in.File != "" {
			body = fmt.Sprintf("body, err := os.ReadFile(%q)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}", in.File)
		}
		return fmt.Sprintf(`package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	%s
	req, err := http.NewRequest("POST", %q, bytes.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", %q)
	if key := os.Getenv("PIPETTE_API_KEY"); key != "" {
		req.Header.Set("Authorization", "Simple "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Result json.RawMessage `+"`json:\"result\"`"+`
		Error  *struct {
			Message   string `+"`json:\"message\"`"+`
			ErrorType string `+"`json:\"error_type\"`"+`
		} `+"`json:\"error\"`"+`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		log.Fatal(err)
	}
	if out.Error != nil {
		log.Fatalf("%%s: %%s", out.Error.ErrorType, out.Error.Message)
	}
	var text string
	if json.Unmarshal(out.Result, &text) == nil {
		fmt.Println(text) // a text (or base64 binary) result
		return
	}
	fmt.Println(string(out.Result))
}`, body, url, ctype)
	case "Python":
		body := "body = " + jsonQuote(in.Text) + ".encode()"
		if in.File != "" {
			body = fmt.Sprintf("with open(%s, \"rb\") as f:\n    body = f.read()", jsonQuote(in.File))
		}
		return fmt.Sprintf(`import json
import os
import requests

%s
headers = {"Content-Type": %s}
if os.environ.get("PIPETTE_API_KEY"):
    headers["Authorization"] = "Simple " + os.environ["PIPETTE_API_KEY"]
r = requests.post(%s, data=body, headers=headers, timeout=300)
out = r.json()
if "error" in out:
    raise SystemExit(out["error"]["error_type"] + ": " + out["error"]["message"])
result = out["result"]
print(result if isinstance(result, str) else json.dumps(result))`, body, jsonQuote(ctype), jsonQuote(url))
	case "JavaScript":
		body := "const body = " + jsonQuote(in.Text) + ";"
		imp := ""
		if in.File != "" {
			imp = "import { readFile } from \"node:fs/promises\";\n\n"
			body = fmt.Sprintf("const body = await readFile(%s);", jsonQuote(in.File))
		}
		return fmt.Sprintf(`// save as call.mjs and run: node call.mjs (Node 18+)
%s%s
const headers = { "Content-Type": %s };
if (process.env.PIPETTE_API_KEY) headers.Authorization = "Simple " + process.env.PIPETTE_API_KEY;
const res = await fetch(%s, { method: "POST", headers, body });
const out = await res.json();
if (out.error) {
  console.error(out.error.error_type + ": " + out.error.message);
  process.exit(1);
}
console.log(typeof out.result === "string" ? out.result : JSON.stringify(out.result));`, imp, body, jsonQuote(ctype), jsonQuote(url))
	}
	return ""
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func goQuote(s string) string {
	if !strings.Contains(s, "`") && !strings.Contains(s, "\r") {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
