// Package oip is a server of the Open Inference Protocol v2 (KServe's "V2
// inference protocol", spoken by KServe, Triton, MLServer, Seldon and
// pipette's own /v2 face) as a pipette source: /v2/repository/index lists
// its models, /v2/models/{m}[/versions/{v}] gives each one's tensors, and
// /v2/models/{m}[/versions/{v}]/infer calls it. The types follow the
// published REST description (docs/predict-api/v2/rest_predict_v2.yaml of
// github.com/kserve/kserve) and Triton's model repository extension.
package oip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"pipette/catalog"
	"pipette/internal/oipv2"
	"pipette/sources/llm"
	"pipette/sources/upstream"
)

// metadataConcurrency bounds the metadata requests of one listing.
const metadataConcurrency = 4

// Source is one OIP v2 server.
type Source struct {
	name string
	c    *upstream.Client
}

// New returns the OIP server at url (its root: /v2 is added) as the source
// named name.
func New(name, url, key string, hc *http.Client) (*Source, error) {
	c, err := upstream.New("oip", strings.TrimSuffix(strings.TrimRight(url, "/"), "/v2"), key, hc)
	if err != nil {
		return nil, err
	}
	return &Source{name: name, c: c}, nil
}

// The protocol's objects, as pipette's own /v2 face writes them.
type (
	ServerMetadata = oipv2.ServerMetadata
	IndexEntry     = oipv2.IndexEntry
	ModelMetadata  = oipv2.ModelMetadata
	TensorMeta     = oipv2.Tensor
)

// Probe asks GET /v2, the server metadata every OIP server has.
func (s *Source) Probe(ctx context.Context) (string, error) {
	var md ServerMetadata
	if err := s.c.GetJSON(ctx, "/v2", &md); err != nil {
		return "", err
	}
	return strings.TrimSpace(md.Name + " " + md.Version), nil
}

// index reads the repository index: POST (Triton, MLServer) and, for a
// server that takes only GET, GET.
func (s *Source) index(ctx context.Context) ([]IndexEntry, error) {
	var rows []IndexEntry
	err := s.c.PostJSON(ctx, "/v2/repository/index", map[string]any{}, &rows)
	if err != nil && !upstream.IsUnreachable(err) {
		if gerr := s.c.GetJSON(ctx, "/v2/repository/index", &rows); gerr == nil {
			return rows, nil
		}
	}
	return rows, err
}

// List is every model of the repository index (one entry per name, at its
// newest version), each with its tensors. A model the index says is not
// ready is listed, unavailable, with the index's reason.
func (s *Source) List(ctx context.Context) ([]catalog.Entry, error) {
	rows, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	state := map[string]IndexEntry{}
	for _, r := range rows {
		if r.Name == "" {
			continue
		}
		if _, seen := state[r.Name]; !seen {
			names = append(names, r.Name)
		}
		if old, ok := state[r.Name]; !ok || strings.EqualFold(r.State, "READY") || !strings.EqualFold(old.State, "READY") {
			state[r.Name] = r
		}
	}
	metas := make([]*ModelMetadata, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, metadataConcurrency)
	for i, n := range names {
		if st := state[n].State; st != "" && !strings.EqualFold(st, "READY") {
			continue // an unloaded model has no metadata to give
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			metas[i], _ = s.metadata(ctx, n, "")
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]catalog.Entry, 0, len(names))
	for i, n := range names {
		md := metas[i]
		if md == nil {
			md = &ModelMetadata{Name: n}
		}
		e := s.entry(md, false)
		if st := state[n]; st.State != "" && !strings.EqualFold(st.State, "READY") {
			e.Unavailable = fmt.Sprintf("the server says it is %s", strings.ToLower(st.State))
			if st.Reason != "" {
				e.Unavailable += ": " + st.Reason
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// Get is one model's metadata, with docs.
func (s *Source) Get(ctx context.Context, id string) (catalog.Entry, error) {
	md, err := s.metadata(ctx, id, "")
	if err != nil {
		return catalog.Entry{}, err
	}
	return s.entry(md, true), nil
}

func (s *Source) metadata(ctx context.Context, name, version string) (*ModelMetadata, error) {
	var md ModelMetadata
	if err := s.c.GetJSON(ctx, modelPath(name, version), &md); err != nil {
		var ce *catalog.Error
		if errors.As(err, &ce) && ce.Type == catalog.InputError { // Triton answers 400 for an unknown model
			return nil, catalog.NotFound("%s has no model %q: %s", s.c.Who(), name, ce.Message)
		}
		return nil, err
	}
	if md.Name == "" {
		md.Name = name
	}
	return &md, nil
}

// modelPath is /v2/models/{m}[/versions/{v}].
func modelPath(name, version string) string {
	p := "/v2/models/" + url.PathEscape(name)
	if version != "" {
		p += "/versions/" + url.PathEscape(version)
	}
	return p
}

func (s *Source) entry(md *ModelMetadata, withDocs bool) catalog.Entry {
	m := catalog.Model{ID: md.Name, Kind: catalog.ModelTensor, Family: md.Platform, Inputs: tensors(md.Inputs), Outputs: tensors(md.Outputs), Versions: md.Versions}
	docs := ""
	if withDocs {
		docs = modelDocs(md)
	}
	e := llm.NewEntry(s.name, m, docs)
	e.Tagline = tagline(md)
	if sample, ok := Sample(md.Inputs); ok {
		e.Samples = []catalog.Sample{{Name: "from the tensor metadata", Input: catalog.JSON(sample)}}
	}
	versions := semverOf(md.Versions)
	catalog.SortVersions(versions) // newest first
	for _, v := range versions {
		e.Versions = append(e.Versions, catalog.VersionInfo{Version: v})
	}
	if len(e.Versions) > 0 {
		e.Ref.Version = e.Versions[0].Version
	}
	return e
}

// semverOf maps OIP's integer versions ("1", "2") to pipette's "1.0.0",
// "2.0.0", so the usual ranges resolve them; other version names cannot be
// named in a reference and are left to the server's default.
func semverOf(versions []string) []string {
	var out []string
	for _, v := range versions {
		if n, err := strconv.ParseUint(v, 10, 31); err == nil && strconv.FormatUint(n, 10) == v {
			out = append(out, fmt.Sprintf("%d.0.0", n))
		}
	}
	return out
}

// oipVersion is the OIP version a pipette version stands for.
func oipVersion(v string) string {
	if major, rest, ok := strings.Cut(v, "."); ok && rest == "0.0" {
		return major
	}
	return ""
}

func tensors(ts []TensorMeta) []catalog.Tensor {
	out := make([]catalog.Tensor, 0, len(ts))
	for _, t := range ts {
		out = append(out, catalog.Tensor{Name: t.Name, Datatype: t.Datatype, Shape: t.Shape})
	}
	return out
}

// tagline is "tensor, platform, input0 FP32[-1,4] -> output0 FP32[-1,3]".
func tagline(md *ModelMetadata) string {
	parts := []string{"tensor"}
	if md.Platform != "" {
		parts = append(parts, md.Platform)
	}
	sig := func(ts []TensorMeta) string {
		var s []string
		for _, t := range ts {
			s = append(s, fmt.Sprintf("%s %s%s", t.Name, t.Datatype, shapeString(t.Shape)))
		}
		return strings.Join(s, ", ")
	}
	if len(md.Inputs) > 0 || len(md.Outputs) > 0 {
		parts = append(parts, sig(md.Inputs)+" -> "+sig(md.Outputs))
	}
	return strings.Join(parts, ", ")
}

func shapeString(shape []int64) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.FormatInt(d, 10)
	}
	return "[" + strings.Join(s, ",") + "]"
}
