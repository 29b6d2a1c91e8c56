package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime/debug"
	"strings"

	"pipette/catalog"
	"pipette/internal/oipv2"
)

// The Open Inference Protocol v2 face of the catalog (docs/API.md, "OIP v2"):
// every algorithm and model is an OIP model, so KServe and Triton clients
// and other OIP tools call pipette's catalog as they call an inference
// server. A model's name is its reference with "~" between owner and name
// (nlp~SentimentAnalysis, ollama~llama3.2:3b): OIP names are one path
// segment, and an owner never holds a "~".

// oipSep joins owner and name in an OIP model name.
const oipSep = "~"

// OIPName is ref's OIP model name.
func OIPName(ref catalog.Ref) string { return ref.Owner + oipSep + ref.Name }

// routeOIP adds the /v2 endpoints to mux. Health answers to anyone, as
// /healthz does; the rest needs the API key, as the catalog does.
func (s *Server) routeOIP(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2", s.authed(s.handleOIPServer))
	mux.HandleFunc("GET /v2/{$}", s.authed(s.handleOIPServer))
	mux.HandleFunc("GET /v2/health/live", s.handleOIPLive)
	mux.HandleFunc("GET /v2/health/ready", s.handleOIPReady)
	mux.HandleFunc("GET /v2/models/{model}", s.authed(s.handleOIPModel))
	mux.HandleFunc("GET /v2/models/{model}/versions/{version}", s.authed(s.handleOIPModel))
	mux.HandleFunc("GET /v2/models/{model}/ready", s.authed(s.handleOIPModelReady))
	mux.HandleFunc("GET /v2/models/{model}/versions/{version}/ready", s.authed(s.handleOIPModelReady))
	mux.HandleFunc("POST /v2/models/{model}/infer", s.authed(s.handleOIPInfer))
	mux.HandleFunc("POST /v2/models/{model}/versions/{version}/infer", s.authed(s.handleOIPInfer))
	mux.HandleFunc("GET /v2/repository/index", s.authed(s.handleOIPIndex))
	mux.HandleFunc("POST /v2/repository/index", s.authed(s.handleOIPIndex))
}

// oipRef reads {model}[/versions/{version}] into a reference.
func oipRef(r *http.Request) (catalog.Ref, *catalog.Error) {
	model := r.PathValue("model")
	owner, name, ok := strings.Cut(model, oipSep)
	if !ok || owner == "" || name == "" {
		return catalog.Ref{}, catalog.NotFound("model %q is not a pipette model name: write owner~name, as in nlp~SentimentAnalysis (GET /v2/repository/index lists them)", model)
	}
	raw := owner + "/" + name
	if v := r.PathValue("version"); v != "" {
		raw += "/" + v
	}
	ref, err := catalog.ParseRef(raw)
	if err != nil {
		return catalog.Ref{}, catalog.NotFound("model %q: %v", model, err)
	}
	return ref, nil
}

// writeOIPError answers e in the protocol's shape, {"error": "…"}, with its
// status: the platform's own, else 400 for what the caller must fix and 500
// for what the model failed at.
func writeOIPError(w http.ResponseWriter, e *catalog.Error) int {
	status := e.Status
	if status == 0 {
		switch e.Type {
		case catalog.InputError, catalog.ParsingError, catalog.UnsupportedError:
			status = http.StatusBadRequest
		case catalog.TooLargeError:
			status = http.StatusRequestEntityTooLarge
		case catalog.EntityNotFoundError:
			status = http.StatusNotFound
		default:
			status = http.StatusInternalServerError
		}
	}
	writeJSON(w, status, oipv2.Error{Error: e.Message})
	return status
}

func (s *Server) handleOIPServer(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, oipv2.ServerMetadata{Name: "pipette", Version: buildVersion(), Extensions: []string{"model_repository"}})
}

// buildVersion is pipette's module version, "(devel)" for a build from a
// checkout.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// handleOIPLive answers 200 with an empty body while the process serves,
// as the protocol asks.
func (s *Server) handleOIPLive(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }

// handleOIPReady answers 200 while the server takes calls and its catalog
// can be listed, 503 while it drains or when the catalog cannot be read.
func (s *Server) handleOIPReady(w http.ResponseWriter, r *http.Request) {
	if s.isDraining() {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if _, err := s.catalog.get(r.Context()); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// oipEntry is the entry an OIP request names.
func (s *Server) oipEntry(w http.ResponseWriter, r *http.Request) (catalog.Entry, bool) {
	ref, perr := oipRef(r)
	if perr != nil {
		writeOIPError(w, perr)
		return catalog.Entry{}, false
	}
	e, err := s.src.Get(r.Context(), ref)
	if err != nil {
		writeOIPError(w, sourceError(err))
		return catalog.Entry{}, false
	}
	return e, true
}

// handleOIPModel is a model's metadata: a tensor model's own tensors; for
// everything else one BYTES input and one BYTES output (see oipInput).
func (s *Server) handleOIPModel(w http.ResponseWriter, r *http.Request) {
	e, ok := s.oipEntry(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, oipMetadata(e))
}

func oipMetadata(e catalog.Entry) oipv2.ModelMetadata {
	md := oipv2.ModelMetadata{Name: OIPName(e.Ref.WithVersion("")), Versions: e.VersionNames(), Platform: "pipette"}
	if m := e.Model; m != nil && m.Kind == catalog.ModelTensor && len(m.Inputs) > 0 {
		md.Platform = orDefault(m.Family, "pipette")
		md.Inputs, md.Outputs = oipTensors(m.Inputs), oipTensors(m.Outputs)
		return md
	}
	md.Inputs = []oipv2.Tensor{{Name: inputTensor, Datatype: "BYTES", Shape: []int64{1}}}
	md.Outputs = []oipv2.Tensor{{Name: outputTensor, Datatype: "BYTES", Shape: []int64{1}}}
	return md
}

func oipTensors(ts []catalog.Tensor) []oipv2.Tensor {
	out := make([]oipv2.Tensor, len(ts))
	for i, t := range ts {
		out[i] = oipv2.Tensor{Name: t.Name, Datatype: t.Datatype, Shape: t.Shape}
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// handleOIPModelReady answers 200 when the model can run here, 400 with the
// reason when it cannot (a tool it needs is missing, its source is down).
func (s *Server) handleOIPModelReady(w http.ResponseWriter, r *http.Request) {
	e, ok := s.oipEntry(w, r)
	if !ok {
		return
	}
	if e.Unavailable != "" {
		writeOIPError(w, &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusBadRequest, Message: e.Unavailable})
		return
	}
	w.WriteHeader(http.StatusOK)
}

// handleOIPIndex is the repository index: every model of the catalog at its
// newest version, READY or UNAVAILABLE with the reason; {"ready": true}
// keeps the ready ones.
func (s *Server) handleOIPIndex(w http.ResponseWriter, r *http.Request) {
	var req oipv2.IndexRequest
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
			writeOIPError(w, badRequest("the index request is not {\"ready\": true|false}: %v", err))
			return
		}
	}
	sn, err := s.catalog.get(r.Context())
	if err != nil {
		writeOIPError(w, sourceError(err))
		return
	}
	out := make([]oipv2.IndexEntry, 0, len(sn.entries))
	for _, e := range sn.entries {
		row := oipv2.IndexEntry{Name: OIPName(e.Ref.WithVersion("")), Version: e.Ref.Version, State: "READY"}
		if e.Unavailable != "" {
			row.State, row.Reason = "UNAVAILABLE", e.Unavailable
		}
		if req.Ready && row.State != "READY" {
			continue
		}
		out = append(out, row)
	}
	writeJSON(w, http.StatusOK, out)
}
