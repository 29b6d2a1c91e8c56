package util

import (
	"encoding/base64"
	"os"
)

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func osReadTestImage(name string) ([]byte, error) { return os.ReadFile("../testdata/images/" + name) }
