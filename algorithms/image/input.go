package image

import "encoding/base64"

// encodeB64 is how samples carry their images inside JSON, as on the wire.
func encodeB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
