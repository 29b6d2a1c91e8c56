package ui

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"

	"pipette/catalog"
	"pipette/themes"
)

// languages the Code tab writes snippets in.
var languages = []string{"curl", "Go", "Python", "JavaScript"}

// codeTarget is the server the snippets call.
type codeTarget struct {
	base string // "http://127.0.0.1:8080"
	auth bool   // send $PIPETTE_API_KEY
	// local is true when the TUI runs the catalog in-process: the snippets
	// need a `pipette serve` to talk to.
	local bool
}

// codeInput is the input the snippet sends.
type codeInput struct {
	kind catalog.Kind // text, json, binary
	text string       // text or JSON source
	file string       // binary: the file the snippet reads
}

// snippet writes how to call ref with in, in lang.
func snippet(lang string, t codeTarget, ref catalog.Ref, in codeInput) string {
	url := strings.TrimRight(t.base, "/") + "/v1/algo/" + ref.String()
	ctype := map[catalog.Kind]string{catalog.KindText: "text/plain", catalog.KindJSON: "application/json", catalog.KindBinary: "application/octet-stream"}[in.kind]
	if ctype == "" {
		ctype = "text/plain"
	}
	switch lang {
	case "curl":
		var b strings.Builder
		fmt.Fprintf(&b, "curl -sS -X POST %s \\\n", shellQuote(url))
		fmt.Fprintf(&b, "  -H %s \\\n", shellQuote("Content-Type: "+ctype))
		if t.auth {
			b.WriteString("  -H \"Authorization: Simple $PIPETTE_API_KEY\" \\\n")
		}
		if in.kind == catalog.KindBinary {
			fmt.Fprintf(&b, "  --data-binary @%s", shellQuote(in.file))
		} else {
			fmt.Fprintf(&b, "  --data-binary %s", shellQuote(in.text))
		}
		return b.String()
	case "Go":
		body := "body := []byte(" + goQuote(in.text) + ")"
		if in.kind == catalog.KindBinary {
			body = fmt.Sprintf("body, err := os.ReadFile(%q)\n\tif err != nil {\n\t\tlog.Fatal(err)\n\t}", in.file)
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
		body := "body = " + jsonQuote(in.text) + ".encode()"
		if in.kind == catalog.KindBinary {
			body = fmt.Sprintf("with open(%s, \"rb\") as f:\n    body = f.read()", jsonQuote(in.file))
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
		body := "const body = " + jsonQuote(in.text) + ";"
		imp := ""
		if in.kind == catalog.KindBinary {
			imp = "import { readFile } from \"node:fs/promises\";\n\n"
			body = fmt.Sprintf("const body = await readFile(%s);", jsonQuote(in.file))
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

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

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

// codePane shows the snippet for the selected language.
type codePane struct {
	st    *themes.Styles
	w, h  int
	lang  int
	vp    viewport.Model
	text  string // the snippet as copied
	shown string // what the viewport holds (cache key)
}

func newCodePane(st *themes.Styles) codePane {
	vp := viewport.New()
	vp.MouseWheelEnabled = true
	vp.SoftWrap = true // a cut-off URL is worse than a wrapped one
	return codePane{st: st, vp: vp}
}

func (c *codePane) SetSize(w, h int) {
	c.w, c.h = w, h
	c.vp.SetWidth(w)
	c.vp.SetHeight(max(1, h-2))
	c.shown = ""
}

// set installs the snippet for the current language.
func (c *codePane) set(text string, t codeTarget) {
	key := fmt.Sprintf("%d|%s|%s", c.w, c.st.Palette.Name, text)
	c.text = text
	if key == c.shown {
		return
	}
	c.shown = key
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = c.st.Text.Render(l)
	}
	note := ""
	if t.local {
		note = c.st.Muted.Render("\n\nStart a server first: pipette serve --addr 127.0.0.1:8080")
	}
	c.vp.SetContent(strings.Join(lines, "\n") + note)
	c.vp.GotoTop()
}

func (c *codePane) View() string {
	var tabs []string
	for i, l := range languages {
		if i == c.lang {
			tabs = append(tabs, c.st.TabActive.Render(l))
		} else {
			tabs = append(tabs, c.st.Tab.Render(l))
		}
	}
	head := ansi.Truncate(strings.Join(tabs, "")+c.st.Muted.Render("  ← → language · y copy"), c.w, c.st.Ellipsis)
	return head + "\n" + c.vp.View()
}
