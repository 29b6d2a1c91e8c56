package builtin_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"image"
	"image/png"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/algorithms/builtin"
	"pipette/client"
	"pipette/server"
)

var memeOut = flag.String("out", "", "also write the captioned astronaut to this PNG file")

// moodTarget is the sentiment a caption should have for a mood: happy wants
// the most upbeat line, the dark moods the bleakest, the rest the flattest.
func moodTarget(mood string) float64 {
	switch mood {
	case "happy":
		return 1
	case "neutral", "surprised":
		return 0
	}
	return -1
}

// meme is the seed article's pipeline on pipette's own models: read the faces,
// find captions for their mood, score the captions, write the one that fits
// best where it covers the faces least. Four calls through the client.
type meme struct {
	mood     string
	faces    []any
	captions []string
	caption  string
	compound float64
	png      []byte
}

func makeMeme(ctx context.Context, t *testing.T, c *client.Client, photo []byte) meme {
	t.Helper()
	var m meme

	faces, err := c.Algo("cv/FaceExpression").Pipe(ctx, photo)
	if err != nil {
		t.Fatalf("cv/FaceExpression: %v", err)
	}
	res := asObj(t, faces.Result)
	m.mood, m.faces = str(t, res, "mood"), list(t, res, "faces")

	hits, err := c.Algo("text/Search").Pipe(ctx, map[string]any{
		"query": m.mood, "tags": []string{m.mood}, "collection": "captions", "limit": 10,
	})
	if err != nil {
		t.Fatalf("text/Search: %v", err)
	}
	for _, h := range hits.Result.([]any) {
		m.captions = append(m.captions, str(t, asObj(t, h), "text"))
	}
	if len(m.captions) == 0 {
		t.Fatalf("no %s caption in the captions collection", m.mood)
	}

	scores, err := c.Algo("nlp/SentimentAnalysis").Pipe(ctx, m.captions)
	if err != nil {
		t.Fatalf("nlp/SentimentAnalysis: %v", err)
	}
	target, best := moodTarget(m.mood), math.Inf(1)
	for _, s := range scores.Result.([]any) {
		s := asObj(t, s)
		if d := math.Abs(num(t, s, "compound") - target); d < best {
			best, m.caption, m.compound = d, str(t, s, "text"), num(t, s, "compound")
		}
	}

	out, err := c.Algo("image/OverlayText").Pipe(ctx, map[string]any{
		"image":    base64.StdEncoding.EncodeToString(photo),
		"text":     m.caption,
		"position": "auto",
		"avoid":    m.faces,
	})
	if err != nil {
		t.Fatalf("image/OverlayText: %v", err)
	}
	m.png = out.Result.([]byte)
	return m
}

func TestMemePipeline(t *testing.T) {
	ctx := context.Background()
	photo := algotest.TestImage(t, "astronaut.png")
	reg := builtin.Registry()
	local := makeMeme(ctx, t, client.NewLocal(reg, reg), photo)
	t.Logf("mood %s; %d captions; chose %q (compound %.4f)", local.mood, len(local.captions), local.caption, local.compound)

	if local.mood != "happy" {
		t.Errorf("the astronaut's mood is %s, want happy", local.mood)
	}
	if local.compound <= 0.5 {
		t.Errorf("chose %q with compound %v, want an upbeat caption over 0.5", local.caption, local.compound)
	}
	for _, path := range []string{filepath.Join(t.TempDir(), "meme.png"), *memeOut} {
		if path == "" {
			continue
		}
		if err := os.WriteFile(path, local.png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}

	src, err := png.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatal(err)
	}
	out, err := png.Decode(bytes.NewReader(local.png))
	if err != nil {
		t.Fatalf("the meme is not a PNG: %v", err)
	}
	if out.Bounds() != image.Rect(0, 0, 512, 512) {
		t.Fatalf("the meme is %v, want 512×512", out.Bounds())
	}
	if len(local.faces) == 0 {
		t.Fatal("no face to keep clear of")
	}
	face := boxRect(t, asObj(t, asObj(t, local.faces[0])["box"]))
	// The reference figure for this portrait (face-api.js in a browser).
	if ref := image.Rect(163, 75, 280, 187); abs(face.Min.X-ref.Min.X) > 2 || abs(face.Min.Y-ref.Min.Y) > 2 ||
		abs(face.Max.X-ref.Max.X) > 2 || abs(face.Max.Y-ref.Max.Y) > 2 {
		t.Errorf("face at %v, want within 2 px of %v", face, ref)
	}
	if f := changedFraction(src, out, face); f > 0 {
		t.Errorf("the caption covers %.1f%% of the face at %v", 100*f, face)
	}
	// The caption sits in a band across the top or the bottom, whichever is
	// clear of the face; that band must have changed, visibly.
	bands := map[string]image.Rectangle{
		"top":    image.Rect(0, 0, 512, face.Min.Y),
		"bottom": image.Rect(0, face.Max.Y, 512, 512),
	}
	changed := map[string]float64{}
	for name, r := range bands {
		changed[name] = changedFraction(src, out, r)
	}
	if max(changed["top"], changed["bottom"]) < 0.03 {
		t.Errorf("caption bands changed %v: no caption written", changed)
	}
	if total := changedFraction(src, out, src.Bounds()); total > 0.3 {
		t.Errorf("%.0f%% of the photo changed: the caption buries it", 100*total)
	}

	// The same four calls over the wire give the same bytes.
	ts := httptest.NewServer(server.New(server.Config{Source: reg, Runner: reg}))
	defer ts.Close()
	remote := makeMeme(ctx, t, client.New(ts.URL, ""), photo)
	if remote.caption != local.caption || !bytes.Equal(remote.png, local.png) {
		t.Errorf("over HTTP the meme differs: caption %q vs %q, %d vs %d bytes", remote.caption, local.caption, len(remote.png), len(local.png))
	}
}

func boxRect(t *testing.T, b map[string]any) image.Rectangle {
	t.Helper()
	x, y := int(num(t, b, "x")), int(num(t, b, "y"))
	return image.Rect(x, y, x+int(math.Ceil(num(t, b, "width"))), y+int(math.Ceil(num(t, b, "height"))))
}

func abs(x int) int { return max(x, -x) }
