package client

import (
	"context"
	"io"

	"pipette/data"
)

// localData is the Data API on an in-process store, as its anonymous owner.
type localData struct{ st *data.Store }

const localOwner = data.AnonymousOwner

func (l localData) dataPut(ctx context.Context, uri string, r io.Reader) error {
	p, err := data.ParseURI(uri)
	if err != nil {
		return err
	}
	_, err = l.st.Put(ctx, localOwner, p, r)
	return err
}

func (l localData) dataGet(ctx context.Context, uri string) (io.ReadCloser, error) {
	p, err := data.ParseURI(uri)
	if err != nil {
		return nil, err
	}
	r, _, err := l.st.Open(ctx, localOwner, p)
	return r, err
}

func (l localData) dataStat(ctx context.Context, uri string) (bool, error) {
	p, err := data.ParseURI(uri)
	if err != nil {
		return false, err
	}
	info, err := l.st.Stat(ctx, localOwner, p)
	return info.Dir, err
}

func (l localData) dataRemove(ctx context.Context, uri string, force bool) (int, error) {
	p, err := data.ParseURI(uri)
	if err != nil {
		return 0, err
	}
	info, err := l.st.Stat(ctx, localOwner, p)
	if err != nil {
		return 0, err
	}
	if info.Dir {
		return l.st.RemoveDir(ctx, localOwner, p, force)
	}
	return 1, l.st.Delete(ctx, localOwner, p)
}

func (l localData) dataList(ctx context.Context, uri, marker string) (dirPage, error) {
	var page dirPage
	p, err := data.ParseURI(uri)
	if err != nil {
		return page, err
	}
	listing, err := l.st.List(ctx, localOwner, p, marker)
	if err != nil {
		return page, err
	}
	for _, f := range listing.Folders {
		page.Folders = append(page.Folders, struct {
			Name string `json:"name"`
		}{f})
	}
	for _, f := range listing.Files {
		page.Files = append(page.Files, dirFile{Filename: f.Path.Name(), LastModified: f.Modified, Size: f.Size})
	}
	page.Marker = listing.Marker
	return page, nil
}

func (l localData) dataMkdir(ctx context.Context, parent, name string, acl *data.ACL) error {
	p, err := data.ParseURI(parent)
	if err != nil {
		return err
	}
	return l.st.MakeDir(ctx, localOwner, p, name, acl)
}
