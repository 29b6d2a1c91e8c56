package ocr

import "encoding/base64"

// base64Std is how samples carry their images inside JSON, as on the wire.
func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
