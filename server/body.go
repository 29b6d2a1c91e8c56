package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/human"
)

// bodyChunk is how much of a body of unknown length is read (and taken from
// the body budget) at a time.
const bodyChunk = 64 << 10

// body is a request body read whole, with the share of the body budget it
// holds until release.
type body struct {
	data  []byte
	held  int64
	bytes *semaphore.Weighted
	meter *bodyMeter // the client's budget of body bytes a second
}

func (b *body) release() {
	if b != nil && b.held > 0 {
		b.bytes.Release(b.held)
		b.held = 0
	}
}

// take holds n more bytes of the body budget, or reports false when the
// server already holds as many request bodies as it may.
func (b *body) take(n int64) bool {
	if !b.bytes.TryAcquire(n) {
		return false
	}
	b.held += n
	return true
}

// readInput reads and decodes the request body: a body over the limit is
// refused without being read whole, a Content-Type or charset the API does
// not take without being read at all, and a body that trickles in slower
// than the minimum rate is cut. The body's bytes count against the server's
// body budget until the returned body is released, and against the
// caller's budget of body bytes a second (bodyRates) as they are read.
func (s *Server) readInput(w http.ResponseWriter, r *http.Request, caller string) (catalog.Value, *body, *catalog.Error) {
	if r.ContentLength > s.maxBody {
		return catalog.Value{}, nil, s.tooLarge(w)
	}
	ct := r.Header.Get("Content-Type")
	mt, params, err := parseContentType(ct)
	// Decoding an empty body tells an unsupported Content-Type apart from
	// everything else without reading the body first.
	if err != nil {
		return catalog.Value{}, nil, unsupportedMedia((&client.UnsupportedMediaType{ContentType: ct}).Error())
	} else if _, err := client.DecodeMediaType(mt, ct, nil); err != nil {
		if ume := (*client.UnsupportedMediaType)(nil); errors.As(err, &ume) {
			return catalog.Value{}, nil, unsupportedMedia(ume.Error())
		}
	}
	enc, perr := bodyCharset(mt, params)
	if perr != nil {
		return catalog.Value{}, nil, perr
	}
	b := &body{bytes: s.bodyBytes, meter: s.bodyRates.meter(caller, time.Now())}
	if perr := s.readBody(w, r, b); perr != nil {
		b.release()
		return catalog.Value{}, nil, perr
	}
	if enc != nil {
		if perr := s.transcode(b, enc, params["charset"]); perr != nil {
			b.release()
			return catalog.Value{}, nil, perr
		}
	}
	in, err := client.DecodeMediaType(mt, ct, b.data)
	if err != nil {
		b.release()
		// Malformed JSON: the algorithm never ran, so this is the
		// platform's 400 with error_type ParsingError, not an algorithm's
		// error.
		e := catalog.AsError(err)
		return catalog.Value{}, nil, &catalog.Error{Type: e.Type, Message: e.Message, Status: http.StatusBadRequest}
	}
	return in, b, nil
}

// readBody reads the whole body into b.data, taking its bytes from the body
// budget: all at once when the length is announced, chunk by chunk when it
// is not. A body that falls behind the minimum rate is cut (see
// bodyDeadline); once it is in, nothing watches it.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, b *body) *catalog.Error {
	rc := http.NewResponseController(w)
	dl := newBodyDeadline(&s.sweep, rc, s.timeouts)
	defer dl.lift()
	src := dl.reader(http.MaxBytesReader(w, r.Body, s.maxBody))
	if n := r.ContentLength; n >= 0 {
		if e := s.payBody(r.Context(), w, b.meter, dl, n, false); e != nil {
			return e
		}
		if n > 0 && !b.take(n) {
			return s.busyBodies()
		}
		b.data = make([]byte, n)
		_, err := io.ReadFull(src, b.data)
		if err == nil {
			return nil
		}
		if err == io.EOF { // nothing of an announced body
			err = io.ErrUnexpectedEOF
		}
		return s.bodyError(w, err)
	}
	return s.readChunked(r.Context(), w, src, dl, b)
}

// chunks holds the 64 KiB pieces bodies of unknown length are read into.
// A body is copied once into a slice of its exact size when it is whole;
// one that turns out too large leaves no garbage behind, however often a
// client sends it.
var chunks = sync.Pool{New: func() any { return new([bodyChunk]byte) }}

// readChunked reads a body of unknown length, chunk by chunk, each taken
// from the body budget before it is filled.
func (s *Server) readChunked(ctx context.Context, w http.ResponseWriter, src io.Reader, dl *bodyDeadline, b *body) *catalog.Error {
	var parts []*[bodyChunk]byte
	defer func() {
		for _, c := range parts {
			chunks.Put(c)
		}
	}()
	size, end := 0, 0 // bytes read; bytes the chunks so far may hold
	for {
		if size == end {
			// A chunk, or the part of one up to a byte past the limit (the
			// byte that tells an oversized body).
			room := int(min(bodyChunk, s.maxBody+1-int64(end)))
			if room <= 0 {
				return s.tooLarge(w)
			}
			if e := s.payBody(ctx, w, b.meter, dl, int64(room), size > 0); e != nil {
				return e
			}
			if !b.take(int64(room)) {
				return s.busyBodies()
			}
			parts = append(parts, chunks.Get().(*[bodyChunk]byte))
			end += room
		}
		last := parts[len(parts)-1]
		n, err := src.Read(last[size%bodyChunk : size%bodyChunk+end-size])
		size += n
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return s.bodyError(w, err)
		}
	}
	b.data = make([]byte, 0, size)
	for i := 0; len(b.data) < size; i++ {
		b.data = append(b.data, parts[i][:min(bodyChunk, size-len(b.data))]...)
	}
	// The budget held the chunks; the body holds its own size from now on.
	if unused := b.held - int64(size); unused > 0 {
		b.bytes.Release(unused)
		b.held -= unused
	}
	return nil
}

// bodyError says why a body could not be read: over the limit, too slow, or
// gone.
func (s *Server) bodyError(w http.ResponseWriter, err error) *catalog.Error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return s.tooLarge(w)
	case errors.Is(err, os.ErrDeadlineExceeded):
		w.Header().Set("Connection", "close")
		return &catalog.Error{Type: catalog.InputError, Status: http.StatusRequestTimeout,
			Message: fmt.Sprintf("the request body arrived too slowly: after %s it must come at %s/s or faster; send it in one go", s.timeouts.BodyGrace, human.Bytes(s.timeouts.BodyMinRate))}
	case err == nil, errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body ended before its announced Content-Length")
	}
	return badRequest("could not read the request body: %v", err)
}

func (s *Server) busyBodies() *catalog.Error {
	return &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusServiceUnavailable, Code: CodeOverloaded,
		Message: fmt.Sprintf("the server is overloaded: it holds %s of request bodies, the most it may; retry in a few seconds", human.Bytes(s.bodyBudget))}
}

// tooLarge refuses a body over the limit and closes the connection after
// the answer: the rest of the body is never read (net/http would otherwise
// read up to 256 KiB more of it, hoping to reuse the connection).
func (s *Server) tooLarge(w http.ResponseWriter) *catalog.Error {
	w.Header().Set("Connection", "close")
	return &catalog.Error{Type: catalog.TooLargeError, Status: http.StatusRequestEntityTooLarge,
		Message: fmt.Sprintf("the request body is larger than this server's limit of %s: send less, or raise the server's limit", human.Bytes(s.maxBody))}
}

func unsupportedMedia(msg string) *catalog.Error {
	return &catalog.Error{Type: catalog.UnsupportedError, Status: http.StatusUnsupportedMediaType, Message: msg}
}

// parseContentType is mime.ParseMediaType, without its work (and its
// allocations) for the plain content types most calls send.
func parseContentType(ct string) (mediaType string, params map[string]string, err error) {
	switch ct {
	case client.ContentTypeText, client.ContentTypeJSON, client.ContentTypeBinary:
		return ct, nil, nil
	}
	return mime.ParseMediaType(ct)
}

// bodyCharset returns the encoding a text or JSON body declares with a
// charset parameter, nil for UTF-8 (and its subset US-ASCII), for none, and
// for binary bodies, which have no charset. A charset Go's x/text does not
// know is refused before the body is read.
func bodyCharset(mt string, params map[string]string) (encoding.Encoding, *catalog.Error) {
	if strings.EqualFold(mt, client.ContentTypeBinary) {
		return nil, nil
	}
	name := strings.ToLower(strings.TrimSpace(params["charset"]))
	switch name {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return nil, nil
	}
	enc, err := htmlindex.Get(name)
	if err != nil || enc == encoding.Replacement {
		return nil, unsupportedMedia(fmt.Sprintf("charset=%s is not a character set this server can read: send UTF-8, or name a WHATWG encoding such as windows-1252, iso-8859-2, shift_jis or utf-16le", params["charset"]))
	}
	if n, _ := htmlindex.Name(enc); n == "utf-8" {
		return nil, nil
	}
	return enc, nil
}

// transcode turns b's bytes from enc into UTF-8, taking the extra bytes the
// UTF-8 text needs from the body budget.
func (s *Server) transcode(b *body, enc encoding.Encoding, charset string) *catalog.Error {
	out, err := enc.NewDecoder().Bytes(b.data)
	if err != nil {
		return &catalog.Error{Type: catalog.ParsingError, Status: http.StatusBadRequest,
			Message: fmt.Sprintf("the request body is not valid %s text: %v", charset, err)}
	}
	if extra := int64(len(out)) - b.held; extra > 0 && !b.take(extra) {
		return s.busyBodies()
	}
	b.data = out
	return nil
}
