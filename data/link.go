package data

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"
)

// A link is a URL that serves one stored file to anyone who has it, with no
// API key: what a chain returns so a browser can show its result, as
// Cloudinary's URLs did in the article. It is signed (HMAC-SHA256 over the
// file's owner, path and expiry time with a key kept in the store), so it
// cannot be forged or pointed at another file, and it expires. The key lives
// in the store rather than in the process, so links outlive a restart and
// every server sharing the store honours them; deleting the file ends its
// links, and deleting the key (.pipette/link-key) ends them all.
//
//	{base}/hosted/{owner}/{path}?expires={unix seconds}&signature={base64url}

// HostedPrefix is the URL path under which links are served.
const HostedPrefix = "/hosted/"

// Link lifetimes: the default, and the longest a caller may ask for.
const (
	DefaultLinkTTL = 7 * 24 * time.Hour
	MaxLinkTTL     = 365 * 24 * time.Hour
)

const linkKeyName = metaPrefix + "link-key"

// signingKey returns the store's link key, creating it on first use. Two
// processes creating it at once agree: only one create succeeds and both
// then read the same key.
func (s *Store) signingKey(ctx context.Context) ([]byte, error) {
	s.linkMu.Lock()
	defer s.linkMu.Unlock()
	if s.linkKey != nil {
		return s.linkKey, nil
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	if err := s.b.create(ctx, linkKeyName, fresh); err != nil && !errors.Is(err, errExist) {
		return nil, storeFailed("create the key that signs links", err)
	}
	r, _, err := s.b.open(ctx, linkKeyName)
	if err != nil {
		return nil, storeFailed("read the key that signs links", err)
	}
	defer r.Close()
	k, err := io.ReadAll(io.LimitReader(r, 1024))
	if err != nil || len(k) < 32 {
		return nil, storeFailed("read the key that signs links", errors.New("it is damaged; delete .pipette/link-key in the store to make a new one (old links stop working)"))
	}
	s.linkKey = k
	return k, nil
}

func signature(key []byte, owner, rel string, expires int64) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(owner + "/" + rel + "\n" + strconv.FormatInt(expires, 10)))
	return m.Sum(nil)
}

// Link returns a URL under base ("http://host:port") that serves the file p
// of owner until ttl has passed, and when that is. The file must exist.
func (s *Store) Link(ctx context.Context, owner string, p Path, base string, ttl time.Duration) (string, time.Time, error) {
	if ttl <= 0 || ttl > MaxLinkTTL {
		return "", time.Time{}, badPath("a link lasts from 1 second to %d days", int(MaxLinkTTL/(24*time.Hour)))
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return "", time.Time{}, err
	}
	rel := p.Rel
	expires := time.Now().Add(ttl).Truncate(time.Second)
	sig := signature(key, owner, rel, expires.Unix())
	u := strings.TrimRight(base, "/") + HostedPrefix + url.PathEscape(owner) + "/" + escapePath(rel) +
		"?expires=" + strconv.FormatInt(expires.Unix(), 10) + "&signature=" + encodeSig(sig)
	return u, expires, nil
}

// LocalLink is a file:// URL of the file p of owner, when the store is a
// folder on this machine, or "".
func (s *Store) LocalLink(owner string, p Path) string {
	lp := s.b.localPath(key(owner, p.Rel))
	if lp == "" {
		return ""
	}
	return (&url.URL{Scheme: "file", Path: lp}).String()
}

func escapePath(rel string) string {
	segs := strings.Split(rel, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// OpenLink checks a link's signature and expiry and opens its file. hosted
// is the path after HostedPrefix, unescaped ("owner/dir/file.png").
func (s *Store) OpenLink(ctx context.Context, hosted, expires, sig string) (io.ReadCloser, Info, error) {
	owner, rel, _ := strings.Cut(hosted, "/")
	p, err := ParseURI(Scheme + owner + "/" + rel)
	if err != nil || p.Owner == MyOwner || rel == "" {
		return nil, Info{}, notFound("no such link")
	}
	exp, err := strconv.ParseInt(expires, 10, 64)
	if err != nil {
		return nil, Info{}, forbidden("the link has no valid expires parameter: ask for a new link")
	}
	given, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return nil, Info{}, forbidden("the link's signature is not valid: ask for a new link")
	}
	key, err := s.signingKey(ctx)
	if err != nil {
		return nil, Info{}, err
	}
	if !hmac.Equal(given, signature(key, owner, p.Rel, exp)) {
		return nil, Info{}, forbidden("the link's signature is not valid: ask for a new link")
	}
	if time.Now().Unix() > exp {
		return nil, Info{}, forbidden("the link expired at %s: ask for a new link", time.Unix(exp, 0).UTC().Format(time.RFC3339))
	}
	return s.openOwned(ctx, owner, p)
}

// ContentType is the media type a file is served with: what its first bytes
// show (PNG, JPEG, GIF, WebP, PDF…), else what its name's extension says,
// else application/octet-stream.
func ContentType(name string, head []byte) string {
	sniffed := http.DetectContentType(head)
	if sniffed != "application/octet-stream" && !strings.HasPrefix(sniffed, "text/plain") {
		return sniffed
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return sniffed
}

// Extension is the usual file extension of a media type (parameters
// ignored), ".bin" for one not in its table: a fixed table, so that a
// name does not depend on the machine's mime.types.
func Extension(mediaType string) string {
	mt, _, _ := strings.Cut(mediaType, ";")
	if ext, ok := extensions[strings.TrimSpace(mt)]; ok {
		return ext
	}
	return ".bin"
}

var extensions = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"image/bmp": ".bmp", "image/tiff": ".tiff", "image/svg+xml": ".svg", "application/pdf": ".pdf",
	"text/plain": ".txt", "application/json": ".json", "text/html": ".html", "text/csv": ".csv",
	"audio/mpeg": ".mp3", "audio/wave": ".wav", "video/mp4": ".mp4", "video/webm": ".webm",
	"application/zip": ".zip", "application/x-gzip": ".gz",
}

func encodeSig(sig []byte) string { return base64.RawURLEncoding.EncodeToString(sig) }
