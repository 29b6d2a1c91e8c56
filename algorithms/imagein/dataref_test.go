package imagein

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
	"pipette/data"
)

// A data:// reference is read from the caller's space in the call's store,
// with the caller's permissions and the policy's size limit.
func TestDataRefs(t *testing.T) {
	t.Parallel()
	ctx := algotest.DataContext(t)
	a, _ := data.AccessFrom(ctx)
	img := samplePNG(t)
	p, _ := data.ParseURI("data://.my/photos/cat.png")
	if _, err := a.Store.Put(ctx, a.Owner, p, bytes.NewReader(img)); err != nil {
		t.Fatal(err)
	}
	for _, in := range []catalog.Value{
		catalog.Text("data://.my/photos/cat.png"),
		catalog.JSON("  data://.my/photos/cat.png\n"),
		catalog.Text("data://anonymous/photos/cat.png"),
	} {
		got, err := Bytes(ctx, in)
		if err != nil || !bytes.Equal(got, img) {
			t.Errorf("%v: %d bytes, %v", in, len(got), err)
		}
	}
	if _, _, err := LoadString(ctx, "data://.my/photos/cat.png"); err != nil {
		t.Errorf("LoadString: %v", err)
	}
	other := data.WithAccess(context.Background(), data.Access{Store: a.Store, Owner: "key-other"})
	for _, tt := range []struct {
		ctx   context.Context
		ref   string
		typ   string
		words string
	}{
		{ctx, "data://.my/photos/none.png", catalog.EntityNotFoundError, "data://.my/photos/none.png does not exist"},
		{ctx, "data://.my/photos", catalog.InputError, "is a directory"},
		{ctx, "data://.my/../x.png", catalog.InputError, `".." segment`},
		{ctx, "data:///etc/passwd", catalog.InputError, "absolute path"},
		{other, "data://.my/photos/cat.png", catalog.EntityNotFoundError, "does not exist"},
		{other, "data://anonymous/photos/cat.png", catalog.InputError, "belongs to another owner"},
		{context.Background(), "data://.my/photos/cat.png", catalog.UnsupportedError, "no data store"},
	} {
		_, err := FromString(tt.ctx, tt.ref)
		algotest.WantError(t, err, tt.typ, tt.words)
		if e := catalog.AsError(err); e.Status != 0 {
			t.Errorf("%s: error with HTTP status %d would answer as a platform error", tt.ref, e.Status)
		}
	}
	// The download limit applies as it does to URLs.
	big, _ := data.ParseURI("data://.my/big.bin")
	if _, err := a.Store.Put(ctx, a.Owner, big, strings.NewReader(strings.Repeat("x", int(CurrentPolicy().MaxBytes)+1))); err != nil {
		t.Fatal(err)
	}
	_, err := FromString(ctx, "data://.my/big.bin")
	algotest.WantError(t, err, catalog.TooLargeError, "over the limit")
}
