package server

import (
	"net/http"
	"strconv"

	"pipette/catalog"
	"pipette/client"
)

// writeSuccess answers a result in the API's key order ("result" first). The
// result is already encoded JSON (WireResult) and is written as it is: going
// through json.Marshal again would scan and copy it once more, which for an
// image result is megabytes of base64.
func writeSuccess(w http.ResponseWriter, result []byte, md client.Metadata) {
	m, err := catalog.MarshalJSON(md)
	if err != nil {
		writeJSONBytes(w, http.StatusInternalServerError, []byte(encodeFailed))
		return
	}
	b := make([]byte, 0, len(result)+len(m)+32)
	b = append(b, `{"result":`...)
	b = append(b, result...)
	b = append(b, `,"metadata":`...)
	b = append(b, m...)
	writeJSONBytes(w, http.StatusOK, append(b, '}'))
}

// writeRaw answers output=raw: the result itself, typed by its kind.
func writeRaw(w http.ResponseWriter, v catalog.Value, wire []byte) int {
	var ct string
	var body []byte
	switch v.Kind {
	case catalog.KindText:
		ct, body = client.ContentTypeText+"; charset=utf-8", []byte(v.Text)
	case catalog.KindBinary:
		ct, body = client.ContentTypeBinary, v.Bytes
	case catalog.KindJSON:
		ct, body = client.ContentTypeJSON, wire
	default: // void: nothing to send
		w.WriteHeader(http.StatusNoContent)
		return http.StatusNoContent
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return http.StatusOK
}
