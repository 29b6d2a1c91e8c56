//go:build !cloud

package data

import (
	"context"
	"strings"
	"testing"
)

// Without -tags cloud the object-store drivers are not linked in; a URL naming one says how to
// get it instead of gocloud's "no driver registered".
func TestOpenCloudWithoutDriver(t *testing.T) {
	t.Parallel()
	for _, where := range []string{"s3://bucket?region=eu-west-1", "gs://bucket", "azblob://container"} {
		_, err := Open(context.Background(), where, Options{})
		if err == nil || !strings.Contains(err.Error(), "go build -tags cloud") {
			t.Errorf("Open(%q) = %v, want a sentence naming -tags cloud", where, err)
		}
	}
	if _, err := Open(context.Background(), "ftp://host/dir", Options{}); err == nil || !strings.Contains(err.Error(), "not a store pipette knows") {
		t.Errorf("Open(ftp://) = %v", err)
	}
}
