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
	b := make([]byte, 0, len(result)+96)
	b = append(b, `{"result":`...)
	b = append(b, result...)
	b = append(b, `,"metadata":`...)
	b, err := appendMetadata(b, md)
	if err != nil {
		writeJSONBytes(w, http.StatusInternalServerError, []byte(encodeFailed))
		return
	}
	writeJSONBytes(w, http.StatusOK, append(b, '}'))
}

// appendMetadata appends md as JSON, byte for byte what catalog.MarshalJSON
// writes. The usual metadata (a content type and a duration) is written
// directly, without reflection: it is a part of every answer.
func appendMetadata(b []byte, md client.Metadata) ([]byte, error) {
	if md.Stdout != nil || md.Generation != nil || !plainJSONString(md.ContentType) {
		m, err := catalog.MarshalJSON(md)
		return append(b, m...), err
	}
	b = append(b, '{')
	if md.ContentType != "" {
		b = append(b, `"content_type":"`...)
		b = append(b, md.ContentType...)
		b = append(b, `",`...)
	}
	b = append(b, `"duration":`...)
	return append(catalog.AppendJSONFloat(b, md.Duration), '}'), nil
}

// plainJSONString reports whether s needs no escaping inside JSON quotes.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			return false
		}
	}
	return true
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
