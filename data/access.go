package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
)

// Access is what a call may do with the store: whose space .my is, and where
// links to its files are served. The server puts one in every request's
// context; the in-process verbs put the anonymous owner's in theirs.
type Access struct {
	Store *Store
	Owner string // the caller's owner name
	// LinkBase is the server's address ("http://host:port") for links to
	// stored files; "" when the call runs in-process, where links are file://
	// URLs of a folder store.
	LinkBase string
}

type accessKey struct{}

// WithAccess returns ctx carrying a.
func WithAccess(ctx context.Context, a Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// AccessFrom returns the Access ctx carries, if any.
func AccessFrom(ctx context.Context) (Access, bool) {
	a, ok := ctx.Value(accessKey{}).(Access)
	return a, ok && a.Store != nil
}

// OwnerForKey is the owner name of an API key: a hash of the key, so the
// same key owns the same space across restarts and servers without any
// configuration, and the name reveals nothing usable about the key. No key
// is the anonymous owner.
func OwnerForKey(apiKey string) string {
	if apiKey == "" {
		return AnonymousOwner
	}
	sum := sha256.Sum256([]byte("pipette data owner\x00" + apiKey))
	return "key-" + hex.EncodeToString(sum[:8])
}
