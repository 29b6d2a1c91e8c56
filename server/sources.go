package server

import (
	"net/http"

	"pipette/client"
)

// handleSources is GET /v1/sources (pipette): how the catalog's remote
// sources are doing, an empty list when it has none. Keys never appear: a
// source's URL is shown without credentials.
func (s *Server) handleSources(w http.ResponseWriter, r *http.Request) {
	out := []client.SourceJSON{}
	if s.cfg.Sources != nil {
		for _, st := range s.cfg.Sources.Statuses() {
			out = append(out, client.SourceToJSON(st))
		}
	}
	writeJSON(w, http.StatusOK, out)
}
