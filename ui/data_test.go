package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"pipette/client"
	"pipette/data"
	"pipette/ui/dialog"
)

// The Data view lists the store a directory at a time, previews the
// selected file, and enter on a file makes it the Try tab's input.
func TestDataView(t *testing.T) {
	reg := testRegistry()
	dir := t.TempDir()
	c := client.NewLocal(reg, reg, client.WithStore(func() (*data.Store, error) {
		return data.Open(context.Background(), dir, data.Options{})
	}))
	ctx := context.Background()
	png := testPNG()
	for uri, content := range map[string][]byte{
		"data://.my/robots/T-800.txt": []byte("Cyberdyne Systems\nSeries 800\n"),
		"data://.my/robots/face.png":  png,
		"data://.my/notes.txt":        []byte("top-level note"),
	} {
		if err := c.File(uri).Put(ctx, content); err != nil {
			t.Fatal(err)
		}
	}
	m := newTestModelWith(t, c, 100, 30, "dark")
	press(t, m, "D")
	_, ok := dialogIs[*dialog.DataBrowser](m)
	if !ok {
		t.Fatalf("D did not open the Data view:\n%s", plainScreen(m))
	}
	s := plainScreen(m)
	for _, want := range []string{"Data data://.my", "robots/", "notes.txt", "14 bytes"} {
		if !strings.Contains(s, want) {
			t.Errorf("the Data view lacks %q:\n%s", want, s)
		}
	}
	assertFits(t, m)
	// Folders come first; moving to the file previews its first lines.
	press(t, m, "down")
	if s = plainScreen(m); !strings.Contains(s, "top-level note") {
		t.Errorf("no preview of notes.txt:\n%s", s)
	}
	// Into robots: the text file's lines, then the image's format and size.
	press(t, m, "up", "enter")
	s = plainScreen(m)
	if !strings.Contains(s, "data://.my/robots") || !strings.Contains(s, "Cyberdyne Systems") || !strings.Contains(s, "Series 800") {
		t.Errorf("robots/ with T-800.txt previewed:\n%s", s)
	}
	press(t, m, "down")
	if s = plainScreen(m); !strings.Contains(s, "png image, 4×4") || !strings.ContainsAny(s, "▀▄") {
		t.Errorf("the image preview (its size, then the picture in half blocks):\n%s", s)
	}
	assertFits(t, m)
	// Up to the parent and back; then use the image as the Try input.
	press(t, m, "backspace")
	if s = plainScreen(m); !strings.Contains(s, "notes.txt") {
		t.Errorf("backspace did not go to the parent:\n%s", s)
	}
	press(t, m, "enter", "down", "enter")
	if _, open := dialogIs[*dialog.DataBrowser](m); open {
		t.Fatalf("enter on a file left the view open:\n%s", plainScreen(m))
	}
	if m.tab != tabTry || !bytes.Equal(m.try.InputBytes(), png) || !strings.Contains(plainScreen(m), "from face.png") {
		t.Errorf("the Try input is %d bytes (tab %v), want face.png:\n%s", len(m.try.InputBytes()), m.tab, plainScreen(m))
	}
	if !strings.Contains(plainScreen(m), "loaded data://.my/robots/face.png") {
		t.Errorf("no status for the loaded file:\n%s", plainScreen(m))
	}
	// Without a store the view says why instead of listing.
	m2 := newTestModel(t, 100, 30, "dark")
	press(t, m2, "D")
	if s := plainScreen(m2); !strings.Contains(s, "no data store") {
		t.Errorf("without a store:\n%s", s)
	}
	press(t, m2, "esc")
	if _, open := dialogIs[*dialog.DataBrowser](m2); open {
		t.Error("esc did not close the Data view")
	}
}
