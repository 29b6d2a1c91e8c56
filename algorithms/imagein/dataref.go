package imagein

import (
	"context"

	"pipette/catalog"
	"pipette/data"
)

// FromDataRef reads an image given as a data:// reference from the store of
// the call's host, as the caller: data://.my/… is the caller's own space,
// another owner's file only if that owner made it public. The download limit
// of the policy applies as it does to URLs.
func FromDataRef(ctx context.Context, ref string) ([]byte, error) {
	a, ok := data.AccessFrom(ctx)
	if !ok {
		return nil, catalog.Errorf(catalog.UnsupportedError, "%s is a data:// reference, and this call has no data store to read it from: send the image itself, or call a pipette server with a data store", ref)
	}
	p, err := data.ParseURI(ref)
	if err != nil {
		return nil, data.ForAlgorithm(err)
	}
	b, err := a.Store.ReadAll(ctx, a.Owner, p, CurrentPolicy().MaxBytes)
	if err != nil {
		return nil, data.ForAlgorithm(err)
	}
	if len(b) == 0 {
		return nil, catalog.InputErrorf("%s is empty: it holds no image", ref)
	}
	return b, nil
}
