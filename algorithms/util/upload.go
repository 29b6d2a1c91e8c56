package util

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"pipette/algorithms"
	"pipette/algorithms/imagein"
	"pipette/catalog"
	"pipette/data"
	"pipette/internal/human"
)

//go:embed docs/upload.md
var uploadDocs string

const uploadExpected = `the file's bytes, its text, a JSON string (base64, a data URI, an http(s) URL or a data:// reference), or {"file": "…" | "text": "…", "name": "…", "path": "data://.my/…", "expires_in": seconds}`

type uploadRequest struct {
	File      *string  `json:"file"`
	Text      *string  `json:"text"`
	Name      string   `json:"name"`
	Path      string   `json:"path"`
	ExpiresIn *float64 `json:"expires_in"`
}

// UploadResult is what util/Upload returns.
type UploadResult struct {
	Path        string  `json:"path"`
	URL         string  `json:"url"`
	ContentType string  `json:"content_type"`
	Size        int     `json:"size"`
	Expires     *string `json:"expires"`
}

// Upload is util/Upload: the article's UploadFileToCloudinary and
// GetCloudinaryUrl in one, against the Data API's own store. It keeps its
// input under a data:// path and returns that path with a URL that serves
// the file to a browser.
func Upload() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref: catalog.Ref{Owner: "util", Name: "Upload", Version: "1.0.0"},
			Versions: []catalog.VersionInfo{{
				Version:      "1.0.0",
				ReleaseNotes: "First release: store a file in the Data API's store and get its data:// path and a signed link that serves it.",
			}},
			Label:      "Upload",
			Tagline:    "Store a file and get a link that serves it",
			Docs:       uploadDocs,
			Tags:       []string{"utility", "data", "upload", "hosting", "url", "image"},
			InputKind:  catalog.KindAny,
			OutputKind: catalog.KindJSON,
			InputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Raw bytes or text are stored as they are; a JSON string or an object names the file.",
  "oneOf": [
    {"type": "string", "description": "base64, a data URI, an http(s) URL or a data:// reference"},
    {"type": "object", "additionalProperties": false, "properties": {
      "file": {"type": "string", "description": "base64, a data URI, an http(s) URL or a data:// reference"},
      "text": {"type": "string", "description": "the file's content as text (instead of file)"},
      "name": {"type": "string", "description": "a file name; its extension decides the type when the content does not"},
      "path": {"type": "string", "description": "where to store it, data://.my/…; default data://.my/uploads/<hash>.<ext>"},
      "expires_in": {"type": "integer", "minimum": 1, "maximum": 31536000, "default": 604800, "description": "seconds the link serves the file"}
    }}
  ]
}`),
			OutputSchema: json.RawMessage(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object", "required": ["path", "url", "content_type", "size", "expires"],
  "properties": {
    "path": {"type": "string"}, "url": {"type": "string"}, "content_type": {"type": "string"},
    "size": {"type": "integer"}, "expires": {"type": ["string", "null"]}
  }
}`),
			Samples: []catalog.Sample{
				{Name: "upload a photo (binary)", Input: catalog.Bytes(sampleQROnCoffee)},
				algorithms.JSONSample("a named text file, linked for an hour",
					`{"text": "Leader of the Autobots\n", "name": "Optimus_Prime.txt", "path": "data://.my/robots/Optimus_Prime.txt", "expires_in": 3600}`),
				algorithms.JSONSample("a data URI", `{"file": "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==", "name": "pixel.gif"}`),
			},
			License: "MIT",
		},
		Run: runUpload,
	}
}

func runUpload(ctx context.Context, in catalog.Value, stdout io.Writer) (catalog.Value, error) {
	content, req, err := uploadInput(ctx, in)
	if err != nil {
		return catalog.Value{}, err
	}
	ttl := data.DefaultLinkTTL
	if req.ExpiresIn != nil {
		s := *req.ExpiresIn
		if err := catalog.CheckNumber("expires_in", s, 1, data.MaxLinkTTL.Seconds(), true, "seconds; 365 days at most"); err != nil {
			return catalog.Value{}, err
		}
		ttl = time.Duration(s) * time.Second
	}
	head := content[:min(len(content), 512)]
	ct := data.ContentType(req.Name, head)
	p, err := uploadPath(req, content, ct)
	if err != nil {
		return catalog.Value{}, err
	}
	a, ok := data.AccessFrom(ctx)
	if !ok {
		return catalog.Value{}, catalog.Errorf(catalog.UnsupportedError, "util/Upload keeps files in the Data API's store, and this call has none: call it through pipette (its verbs, the TUI or pipette serve), which give it one")
	}
	if _, err := a.Store.Put(ctx, a.Owner, p, bytes.NewReader(content)); err != nil {
		return catalog.Value{}, data.ForAlgorithm(err)
	}
	res := UploadResult{Path: p.String(), ContentType: ct, Size: len(content)}
	own := data.Path{Owner: a.Owner, Rel: p.Rel}
	switch {
	case a.LinkBase != "":
		u, exp, err := a.Store.Link(ctx, a.Owner, own, a.LinkBase, ttl)
		if err != nil {
			return catalog.Value{}, data.ForAlgorithm(err)
		}
		e := exp.UTC().Format(time.RFC3339)
		res.URL, res.Expires = u, &e
	default:
		if res.URL = a.Store.LocalLink(a.Owner, own); res.URL == "" {
			return catalog.Value{}, catalog.Errorf(catalog.UnsupportedError, "stored %s, but an object store has no link outside a server: call util/Upload through pipette serve to get one", p)
		}
	}
	fmt.Fprintf(stdout, "stored %s (%s, %s)\n", p, ct, human.Bytes(int64(len(content))))
	return catalog.JSON(res), nil
}

// uploadInput returns the file's content and the request around it.
func uploadInput(ctx context.Context, in catalog.Value) ([]byte, uploadRequest, error) {
	var req uploadRequest
	switch in.Kind {
	case catalog.KindBinary:
		return nonEmpty(in.Bytes, req)
	case catalog.KindText:
		return nonEmpty([]byte(in.Text), req)
	case catalog.KindJSON:
		switch v := in.JSON.(type) {
		case string:
			b, err := imagein.FromString(ctx, v)
			return b, req, err
		case map[string]any:
			if err := algorithms.DecodeJSONInput(in, &req, uploadExpected); err != nil {
				return nil, req, err
			}
			switch {
			case req.File != nil && req.Text != nil:
				return nil, req, catalog.InputErrorf(`give "file" or "text", not both`)
			case req.Text != nil:
				return nonEmpty([]byte(*req.Text), req)
			case req.File != nil:
				b, err := imagein.FromString(ctx, *req.File)
				return b, req, err
			}
			return nil, req, catalog.InputErrorf(`the object has neither "file" nor "text": expected %s`, uploadExpected)
		}
	}
	return nil, req, catalog.InputErrorf("expected %s", uploadExpected)
}

func nonEmpty(b []byte, req uploadRequest) ([]byte, uploadRequest, error) {
	if len(b) == 0 {
		return nil, req, catalog.InputErrorf("there is nothing to upload: the input is empty")
	}
	return b, req, nil
}

// uploadPath is where the file goes: the path asked for, or a name made from
// the content's hash, so the same file uploaded twice is stored once.
func uploadPath(req uploadRequest, content []byte, contentType string) (data.Path, error) {
	if req.Name != "" && (strings.ContainsAny(req.Name, `/\`) || req.Name == "." || req.Name == "..") {
		return data.Path{}, catalog.InputErrorf(`"name" is %q; give a file name without directories (use "path" to choose where it goes)`, req.Name)
	}
	if req.Path != "" {
		p, err := data.ParseURI(req.Path)
		if err != nil {
			return data.Path{}, data.ForAlgorithm(err)
		}
		if !strings.HasPrefix(req.Path, data.Scheme) || p.Rel == "" {
			return data.Path{}, catalog.InputErrorf(`"path" is %q; write a file's data reference, such as data://.my/memes/cat.png`, req.Path)
		}
		return p, nil
	}
	sum := sha256.Sum256(content)
	name := hex.EncodeToString(sum[:8]) + data.Extension(contentType)
	if req.Name != "" {
		name = hex.EncodeToString(sum[:8]) + "-" + req.Name
	}
	return data.ParseURI(data.Scheme + data.MyOwner + "/uploads/" + name)
}
