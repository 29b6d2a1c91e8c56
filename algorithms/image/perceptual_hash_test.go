package image

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"testing"

	"github.com/disintegration/imaging"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func phash(t *testing.T, in catalog.Value) PerceptualHashResult {
	t.Helper()
	return algotest.Result[PerceptualHashResult](t, PerceptualHash(), in)
}

func TestPerceptualHashOneImage(t *testing.T) {
	t.Parallel()
	res := phash(t, catalog.Bytes(algotest.TestImage(t, "astronaut.png")))
	for kind, h := range map[string]string{"p": res.PHash, "a": res.AHash, "d": res.DHash} {
		if !regexp.MustCompile(`^` + kind + `:[0-9a-f]{16}$`).MatchString(h) {
			t.Errorf("hash %q is not %s: and 16 hex digits", h, kind)
		}
	}
	if res.Distance != nil || res.NearDuplicate != nil {
		t.Errorf("comparison fields set without \"other\": %+v", res)
	}
	// The same picture as base64 text hashes the same.
	if again := phash(t, catalog.Text(encodeB64(algotest.TestImage(t, "astronaut.png")))); again.ImageHashes != res.ImageHashes {
		t.Errorf("bytes and base64 of one image hash differently: %+v vs %+v", res.ImageHashes, again.ImageHashes)
	}
}

func TestPerceptualHashNearDuplicates(t *testing.T) {
	t.Parallel()
	astro := sampleAstronaut
	img, err := imaging.Decode(bytes.NewReader(astro))
	if err != nil {
		t.Fatal(err)
	}
	blurred := pngBytes(t, imaging.Blur(img, 2))
	res := phash(t, catalog.JSON(map[string]any{"image": encodeB64(astro), "other": encodeB64(blurred)}))
	if res.Distance.PHash > 6 || !*res.NearDuplicate {
		t.Errorf("astronaut vs blurred astronaut: pHash distance %d, near duplicate %v; want ≤ 6 and true", res.Distance.PHash, *res.NearDuplicate)
	}
	if *res.Threshold != defaultNearDuplicate || *res.Similarity < 0.9 {
		t.Errorf("threshold %d, similarity %.3f; want %d and ≥ 0.9", *res.Threshold, *res.Similarity, defaultNearDuplicate)
	}
	res = phash(t, catalog.JSON(map[string]any{"image": encodeB64(astro), "other": encodeB64(sampleCoffee)}))
	if res.Distance.PHash < 20 || *res.NearDuplicate {
		t.Errorf("astronaut vs coffee: pHash distance %d, near duplicate %v; want ≥ 20 and false", res.Distance.PHash, *res.NearDuplicate)
	}
	if res.Other == nil || res.Other.PHash == res.PHash {
		t.Errorf("the other image's hashes are missing or equal: %+v", res.Other)
	}
	// A strict threshold turns the blurred copy into a non-duplicate only if it differs at all.
	strict := phash(t, catalog.JSON(map[string]any{"image": encodeB64(astro), "other": encodeB64(blurred), "threshold": 0.0}))
	if *strict.NearDuplicate != (strict.Distance.PHash == 0) {
		t.Errorf("threshold 0 with distance %d gave near duplicate %v", strict.Distance.PHash, *strict.NearDuplicate)
	}
}

func TestPerceptualHashBadInput(t *testing.T) {
	t.Parallel()
	src := encodeB64(algotest.TestImage(t, "text.png"))
	for _, c := range []struct {
		in   catalog.Value
		typ  string
		want string
	}{
		{catalog.JSON(map[string]any{"image": src, "threshold": 5.0}), catalog.InputError, `add "other"`},
		{catalog.JSON(map[string]any{"image": src, "other": src, "threshold": 65.0}), catalog.InputError, "0 to 64"},
		{catalog.JSON(map[string]any{"image": src, "other": " "}), catalog.InputError, `"other" is empty`},
		{catalog.JSON(map[string]any{"image": src, "other": "@@@"}), catalog.InputError, `the "other" image`},
		{catalog.JSON(map[string]any{"image": src, "other": "https://example.org/a.png"}), catalog.UnsupportedError, `the "other" image`},
	} {
		_, err := runPerceptualHash(context.Background(), c.in, io.Discard)
		algotest.WantError(t, err, c.typ, c.want)
	}
}

func BenchmarkPerceptualHash(b *testing.B) {
	algotest.BenchmarkSample(b, PerceptualHash(), 0)
}

func TestPerceptualHashUsesEXIFOrientation(t *testing.T) {
	t.Parallel()
	raw, err := imaging.Decode(bytes.NewReader(sampleIPhoneEXIF))
	if err != nil {
		t.Fatal(err)
	}
	// An upright copy, as an editor would save it: PNG, no EXIF.
	uprightCopy := pngBytes(t, imaging.Rotate270(raw))
	res := phash(t, catalog.JSON(map[string]any{"image": encodeB64(sampleIPhoneEXIF), "other": encodeB64(uprightCopy)}))
	if res.Distance.PHash > 4 || !*res.NearDuplicate {
		t.Errorf("sideways-stored photo vs its upright copy: pHash distance %d, want ≤ 4", res.Distance.PHash)
	}
}
