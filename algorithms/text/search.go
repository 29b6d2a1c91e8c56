package text

import (
	"context"
	"embed"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/goccy/go-yaml"

	"pipette/algorithms"
	"pipette/catalog"
)

//go:embed docs/search.md
var searchDocs string

//go:embed collections/*.yaml
var collectionFiles embed.FS

const (
	searchDefaultLimit = 10
	searchMaxLimit     = 10_000
	searchMaxDocuments = 100_000
	defaultCollection  = "captions"
)

// collectionFile is the YAML layout of a shipped collection: documents
// grouped under shared tags, each with an optional id (else group-NNN).
type collectionFile struct {
	Description string `yaml:"description"`
	Groups      []struct {
		Name  string   `yaml:"name"`
		Tags  []string `yaml:"tags"`
		Items []string `yaml:"items"`
	} `yaml:"groups"`
}

type collection struct {
	name, description string
	index             *bm25Index
}

// collections loads and indexes every shipped collection once, on first
// use; a broken file is a build defect the package tests catch.
var collections = sync.OnceValues(func() (map[string]*collection, error) {
	entries, err := collectionFiles.ReadDir("collections")
	if err != nil {
		return nil, fmt.Errorf("read shipped collections: %w", err)
	}
	out := map[string]*collection{}
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), path.Ext(e.Name()))
		raw, err := collectionFiles.ReadFile("collections/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read collection %s: %w", name, err)
		}
		var f collectionFile
		if err := yaml.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("parse collection %s: %w", name, err)
		}
		var docs []document
		for _, g := range f.Groups {
			for i, item := range g.Items {
				docs = append(docs, document{
					ID:   fmt.Sprintf("%s-%03d", g.Name, i+1),
					Text: strings.TrimSpace(item),
					Tags: slices.Clone(g.Tags),
				})
			}
		}
		ix, err := newBM25Index(context.Background(), docs)
		if err != nil {
			return nil, err
		}
		out[name] = &collection{name: name, description: f.Description, index: ix}
	}
	return out, nil
})

// collectionList names the shipped collections with what they hold, for
// the error that answers an unknown collection name.
func collectionList() string {
	cols, err := collections()
	if err != nil {
		return "none could be loaded"
	}
	names := make([]string, 0, len(cols))
	for n := range cols {
		names = append(names, n)
	}
	sort.Strings(names)
	for i, n := range names {
		names[i] = fmt.Sprintf("%q (%s, %d documents)", n, strings.ToLower(cols[n].description), len(cols[n].index.docs))
	}
	return strings.Join(names, ", ")
}

type searchRequest struct {
	Query      *string  `json:"query"`
	Documents  []any    `json:"documents"`
	Collection string   `json:"collection"`
	Tags       []string `json:"tags"`
	Limit      *int     `json:"limit"`
}

type searchHit struct {
	ID    string   `json:"id"`
	Text  string   `json:"text"`
	Score float64  `json:"score"`
	Tags  []string `json:"tags"`
}

const searchSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "Search input (or send the query as plain text to search the captions)",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "query": {"type": "string", "description": "words to look for; may be empty when tags are given"},
    "documents": {"type": "array", "maxItems": 100000, "description": "documents to search instead of a collection",
      "items": {"oneOf": [
        {"type": "string"},
        {"type": "object", "required": ["text"], "additionalProperties": false, "properties": {
          "id": {"type": ["string", "number"]}, "text": {"type": "string"},
          "tags": {"type": "array", "items": {"type": "string"}}}}
      ]}},
    "collection": {"type": "string", "enum": ["captions"], "default": "captions", "description": "a collection shipped with pipette"},
    "tags": {"type": "array", "items": {"type": "string"}, "description": "keep only documents with at least one of these tags"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 10}
  }
}`

// Search is text/Search: BM25 ranking over documents passed in or over a
// collection shipped with pipette.
func Search() algorithms.Algorithm {
	return algorithms.Algorithm{
		Entry: catalog.Entry{
			Ref:         catalog.Ref{Owner: "text", Name: "Search", Version: "1.0.0"},
			Versions:    []catalog.VersionInfo{{Version: "1.0.0", ReleaseNotes: "First release: BM25 over passed documents or the shipped captions collection, with tag filters."}},
			Label:       "Search",
			Tagline:     "Full-text search (BM25) over documents or captions",
			Docs:        searchDocs,
			Tags:        []string{"text", "search", "bm25", "captions"},
			InputKind:   catalog.KindAny,
			OutputKind:  catalog.KindJSON,
			InputSchema: []byte(searchSchema),
			License:     "MIT",
			Samples: []catalog.Sample{
				algorithms.JSONSample("Captions for a happy cat", `{"query": "cat happy", "limit": 5}`),
				algorithms.JSONSample("Your own documents", `{"query": "rocket launch delayed", "documents": [
  {"id": "a", "text": "The rocket launch was delayed by high winds over the pad.", "tags": ["space"]},
  {"id": "b", "text": "Bakery opens a second shop; the launch party is on Friday.", "tags": ["food"]},
  {"id": "c", "text": "Engineers test the rocket engine again after Tuesday's abort.", "tags": ["space"]},
  "Trains delayed all morning after a signal failure."
], "limit": 3}`),
				algorithms.JSONSample("Surprised captions about coffee", `{"query": "coffee", "collection": "captions", "tags": ["surprised", "fearful"], "limit": 5}`),
			},
		},
		Run: runSearch,
	}
}

const searchExpected = `{"query": "...", "documents": ["..." or {"id", "text", "tags"}], "limit": 10} or {"query": "...", "collection": "captions", "tags": ["happy"]}`

func runSearch(ctx context.Context, in catalog.Value, _ io.Writer) (catalog.Value, error) {
	var req searchRequest
	switch in.Kind {
	case catalog.KindText:
		req.Query = &in.Text
	case catalog.KindJSON:
		if s, ok := in.JSON.(string); ok {
			req.Query = &s
			break
		}
		if err := algorithms.DecodeJSONInput(in, &req, searchExpected); err != nil {
			return catalog.Value{}, err
		}
	default:
		return catalog.Value{}, catalog.InputErrorf("expected a query as text, or JSON %s; got %s input", searchExpected, in.Kind)
	}
	limit := searchDefaultLimit
	if req.Limit != nil {
		limit = *req.Limit
		if err := catalog.CheckInt("limit", int64(limit), 1, searchMaxLimit, ""); err != nil {
			return catalog.Value{}, err
		}
	}
	query := ""
	if req.Query != nil {
		query = *req.Query
	}
	terms := queryTerms(query)
	if len(terms) == 0 && len(req.Tags) == 0 {
		return catalog.Value{}, catalog.InputErrorf(`the query has no words to search for; send words in "query", or "tags" to list the documents with those tags`)
	}

	var ix *bm25Index
	if req.Documents != nil {
		if req.Collection != "" {
			return catalog.Value{}, catalog.InputErrorf(`give either "documents" or "collection", not both`)
		}
		docs, err := parseDocuments(req.Documents)
		if err != nil {
			return catalog.Value{}, err
		}
		if ix, err = newBM25Index(ctx, docs); err != nil {
			return catalog.Value{}, err
		}
	} else {
		cols, err := collections()
		if err != nil {
			return catalog.Value{}, catalog.Errorf(catalog.InitializationError, "%v", err)
		}
		name := req.Collection
		if name == "" {
			name = defaultCollection
		}
		col, ok := cols[name]
		if !ok {
			return catalog.Value{}, catalog.InputErrorf("there is no collection %q; the collections shipped with pipette are: %s; or pass your own \"documents\"", name, collectionList())
		}
		ix = col.index
	}

	var keep func(document) bool
	if len(req.Tags) > 0 {
		want := map[string]bool{}
		for _, t := range req.Tags {
			want[strings.ToLower(strings.TrimSpace(t))] = true
		}
		keep = func(d document) bool {
			return slices.ContainsFunc(d.Tags, func(t string) bool { return want[strings.ToLower(t)] })
		}
	}
	hits, err := ix.search(ctx, terms, keep, limit)
	if err != nil {
		return catalog.Value{}, err
	}
	out := make([]searchHit, len(hits))
	for i, h := range hits {
		d := ix.docs[h.doc]
		tags := d.Tags
		if tags == nil {
			tags = []string{}
		}
		out[i] = searchHit{ID: d.ID, Text: d.Text, Score: algorithms.Round(h.score, 4), Tags: tags}
	}
	return catalog.JSON(out), nil
}

// parseDocuments reads the "documents" list: strings, or objects with
// text and optional id and tags. Missing ids are the item's position.
func parseDocuments(items []any) ([]document, error) {
	if len(items) > searchMaxDocuments {
		return nil, catalog.InputErrorf(`"documents" has %d items; the limit is %d: index fewer, or search them in batches`, len(items), searchMaxDocuments)
	}
	docs := make([]document, len(items))
	seen := map[string]int{}
	for i, item := range items {
		d := document{ID: strconv.Itoa(i)}
		switch v := item.(type) {
		case string:
			d.Text = v
		case map[string]any:
			for k, val := range v {
				switch k {
				case "id":
					switch id := val.(type) {
					case string:
						d.ID = id
					case float64:
						d.ID = strconv.FormatFloat(id, 'f', -1, 64)
					default:
						return nil, catalog.InputErrorf(`documents[%d].id should be a string or a number`, i)
					}
				case "text":
					s, ok := val.(string)
					if !ok {
						return nil, catalog.InputErrorf(`documents[%d].text should be a string`, i)
					}
					d.Text = s
				case "tags":
					list, ok := val.([]any)
					if !ok {
						return nil, catalog.InputErrorf(`documents[%d].tags should be a list of strings`, i)
					}
					for _, t := range list {
						s, ok := t.(string)
						if !ok {
							return nil, catalog.InputErrorf(`documents[%d].tags should be a list of strings`, i)
						}
						d.Tags = append(d.Tags, s)
					}
				default:
					return nil, catalog.InputErrorf(`documents[%d] has an unknown field %q; a document is a string or {"id", "text", "tags"}`, i, k)
				}
			}
			if _, ok := v["text"]; !ok {
				return nil, catalog.InputErrorf(`documents[%d] has no "text"; a document is a string or {"id", "text", "tags"}`, i)
			}
		default:
			return nil, catalog.InputErrorf(`documents[%d] should be a string or an object {"id", "text", "tags"}`, i)
		}
		if j, dup := seen[d.ID]; dup {
			return nil, catalog.InputErrorf(`documents[%d] and documents[%d] share the id %q; ids must be unique`, j, i, d.ID)
		}
		seen[d.ID] = i
		docs[i] = d
	}
	return docs, nil
}
