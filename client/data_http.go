package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"pipette/data"
)

// dataURL is the API address of a data reference: /v1/data/ and the path,
// each segment escaped. The reference is checked here first, so a bad one
// is refused in the same words as by an in-process store.
func (r *remote) dataURL(uri string) (string, error) {
	if _, err := data.ParseURI(uri); err != nil {
		return "", err
	}
	segs := strings.Split(strings.TrimPrefix(uri, data.Scheme), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return r.base + "/v1/data/" + strings.Join(segs, "/"), nil
}

// dataDo sends one Data API request and returns the answer when it is a
// 2xx; any other answer becomes the error its body or X-Error-Message says.
func (r *remote) dataDo(ctx context.Context, method, u string, body io.Reader, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	r.auth(req)
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, r.transportError(ctx, err)
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return nil, platformError(resp, raw)
}

func (r *remote) dataPut(ctx context.Context, uri string, body io.Reader) error {
	u, err := r.dataURL(uri)
	if err != nil {
		return err
	}
	resp, err := r.dataDo(ctx, http.MethodPut, u, body, http.Header{"Content-Type": {ContentTypeBinary}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (r *remote) dataGet(ctx context.Context, uri string) (io.ReadCloser, error) {
	u, err := r.dataURL(uri)
	if err != nil {
		return nil, err
	}
	resp, err := r.dataDo(ctx, http.MethodGet, u, nil, http.Header{"Accept": {ContentTypeBinary}})
	if err != nil {
		return nil, err
	}
	if resp.Header.Get("X-Data-Type") == "directory" {
		resp.Body.Close()
		return nil, &dataKindError{uri: uri}
	}
	return resp.Body, nil
}

func (r *remote) dataStat(ctx context.Context, uri string) (bool, error) {
	u, err := r.dataURL(uri)
	if err != nil {
		return false, err
	}
	resp, err := r.dataDo(ctx, http.MethodHead, u, nil, nil)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	return resp.Header.Get("X-Data-Type") == "directory", nil
}

func (r *remote) dataRemove(ctx context.Context, uri string, force bool) (int, error) {
	u, err := r.dataURL(uri)
	if err != nil {
		return 0, err
	}
	if force {
		u += "?force=true"
	}
	resp, err := r.dataDo(ctx, http.MethodDelete, u, nil, nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var out struct {
		Result struct {
			Deleted int `json:"deleted"`
		} `json:"result"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return 0, fmt.Errorf("delete %s: the answer is not the Data API's: %w", uri, err)
	}
	return out.Result.Deleted, nil
}

func (r *remote) dataList(ctx context.Context, uri, marker string) (dirPage, error) {
	var page dirPage
	u, err := r.dataURL(uri)
	if err != nil {
		return page, err
	}
	if marker != "" {
		u += "?marker=" + url.QueryEscape(marker)
	}
	resp, err := r.dataDo(ctx, http.MethodGet, u, nil, http.Header{"Accept": {ContentTypeJSON}})
	if err != nil {
		return page, err
	}
	defer resp.Body.Close()
	if resp.Header.Get("X-Data-Type") != "directory" {
		return page, &dataKindError{uri: uri, dir: true}
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxResponse)).Decode(&page); err != nil {
		return page, fmt.Errorf("list %s: the answer is not a Data API listing: %w", uri, err)
	}
	return page, nil
}

func (r *remote) dataMkdir(ctx context.Context, parent, name string, acl *data.ACL) error {
	u, err := r.dataURL(parent)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(struct {
		Name string    `json:"name"`
		ACL  *data.ACL `json:"acl,omitempty"`
	}{name, acl})
	resp, err := r.dataDo(ctx, http.MethodPost, u, bytes.NewReader(body), http.Header{"Content-Type": {ContentTypeJSON}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// dataKindError is a file where a directory was expected, or the reverse.
type dataKindError struct {
	uri string
	dir bool // a directory was expected
}

func (e *dataKindError) Error() string {
	if e.dir {
		return e.uri + " is a file, not a directory"
	}
	return e.uri + " is a directory, not a file"
}
