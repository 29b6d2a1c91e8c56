package builtin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"pipette/algorithms/builtin"
	"pipette/algorithms/imagein"
	"pipette/catalog"
	"pipette/client"
	"pipette/data"
	"pipette/internal/testenv"
)

// expected is every algorithm issue 4 promises in the built-in catalog.
var expected = []string{
	"nlp/SentimentAnalysis", "nlp/NamedEntities", "image/OverlayText", "util/Transform",
	"nlp/SentenceSplit", "nlp/Summarize", "nlp/KeywordExtraction", "nlp/Readability",
	"nlp/LanguageDetection", "cv/FaceDetection", "cv/FaceExpression", "ocr/ExtractText",
	"image/Transform", "image/DominantColors", "image/PerceptualHash", "image/Metadata",
	"util/QRCode", "text/Search", "stats/TimeSeries",
	"cv/ObjectDetection", "util/Upload", // issue 11
}

// docSections are the headings every algorithm's docs carry (a heading may
// say more after them: "## Limitations — read before relying on it").
var docSections = []string{"## Input", "## Output", "## Example", "## Limitations", "## Origin and license"}

func TestCatalogListsEveryAlgorithm(t *testing.T) {
	entries, err := builtin.Registry().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 18 {
		t.Errorf("the built-in catalog lists %d algorithms, want at least 18", len(entries))
	}
	have := map[string]bool{}
	for _, e := range entries {
		have[e.Ref.Path()] = true
	}
	for _, ref := range expected {
		if !have[ref] {
			t.Errorf("%s is not in the built-in catalog", ref)
		}
	}
}

func TestEveryEntryMeetsTheStandard(t *testing.T) {
	entries, err := builtin.Registry().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Ref.Path(), func(t *testing.T) {
			if e.Label == "" {
				t.Error("no label")
			}
			if e.Tagline == "" || utf8.RuneCountInString(e.Tagline) >= 60 {
				t.Errorf("tagline %q: want one line under 60 characters", e.Tagline)
			}
			if strings.Contains(e.Tagline, "\n") {
				t.Errorf("tagline %q spans lines", e.Tagline)
			}
			if !strings.HasPrefix(e.Docs, "# ") {
				t.Errorf("docs do not open with a title: %.40q", e.Docs)
			}
			for _, s := range docSections {
				if !hasHeading(e.Docs, s) {
					t.Errorf("docs lack a %q section", s)
				}
			}
			if len(e.Samples) < 2 {
				t.Errorf("%d samples, want at least 2", len(e.Samples))
			}
			for i, s := range e.Samples {
				if s.Name == "" || s.Input.IsZero() {
					t.Errorf("sample %d is unnamed or empty", i+1)
				}
			}
			if e.License == "" {
				t.Error("no license")
			}
			if len(e.Tags) == 0 {
				t.Error("no tags")
			}
			switch e.InputKind {
			case catalog.KindText, catalog.KindJSON, catalog.KindBinary, catalog.KindAny:
			default:
				t.Errorf("input kind %q", e.InputKind)
			}
			if _, err := catalog.ParseKind(string(e.OutputKind)); err != nil {
				t.Errorf("output kind %q", e.OutputKind)
			}
			if e.InputKind == catalog.KindJSON && len(e.InputSchema) == 0 {
				t.Error("JSON input without an input schema")
			}
			if e.Unavailable != "" && !strings.Contains(e.Unavailable, "install") {
				t.Errorf("unavailable without an install hint: %q", e.Unavailable)
			}
			var in *jsonschema.Schema
			if len(e.InputSchema) > 0 {
				in = compileSchema(t, "input", e.InputSchema)
			}
			if len(e.OutputSchema) > 0 {
				compileSchema(t, "output", e.OutputSchema)
			}
			// A JSON sample the input schema refuses would teach users a
			// shape the docs call wrong.
			for i, s := range e.Samples {
				if in == nil || s.Input.Kind != catalog.KindJSON {
					continue
				}
				if err := in.Validate(schemaValue(t, s.Input.JSON)); err != nil {
					t.Errorf("sample %d (%s) does not match the input schema: %v", i+1, s.Name, err)
				}
			}
		})
	}
}

func hasHeading(doc, h string) bool {
	for line := range strings.SplitSeq(doc, "\n") {
		if strings.HasPrefix(line, h) {
			return true
		}
	}
	return false
}

func compileSchema(t *testing.T, which string, raw json.RawMessage) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Errorf("%s schema is not JSON: %v", which, err)
		return nil
	}
	if _, ok := doc.(map[string]any); !ok {
		t.Errorf("%s schema is not a JSON object", which)
		return nil
	}
	c := jsonschema.NewCompiler()
	url := "mem://" + which + ".json"
	if err := c.AddResource(url, doc); err != nil {
		t.Errorf("%s schema: %v", which, err)
		return nil
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Errorf("%s schema is not a valid JSON Schema: %v", which, err)
		return nil
	}
	return s
}

func schemaValue(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	x, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// check asserts that one sample's result makes sense for its algorithm. in
// is the sample's input (normalised), n its 1-based index.
type check func(t *testing.T, c *client.Client, n int, in catalog.Value, r *client.Response)

// checks holds what every algorithm's result must satisfy: not merely "no
// error" but the properties a user relies on.
var checks = map[string]check{
	"nlp/SentimentAnalysis": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		var scores []map[string]any
		if l, ok := r.Result.([]any); ok {
			texts := in.JSON.([]any)
			if len(l) != len(texts) {
				t.Fatalf("%d scores for %d texts", len(l), len(texts))
			}
			for i, x := range l {
				s := asObj(t, x)
				want := texts[i]
				if m, ok := want.(map[string]any); ok { // {"text": …, other fields kept}
					want = m["text"]
				}
				if s["text"] != want {
					t.Errorf("score %d is for %q, not %q", i, s["text"], want)
				}
				scores = append(scores, s)
			}
		} else {
			scores = append(scores, asObj(t, r.Result))
		}
		for _, s := range scores {
			c := num(t, s, "compound")
			if c < -1 || c > 1 {
				t.Errorf("compound %v outside [-1, 1]", c)
			}
			if sum := num(t, s, "positive") + num(t, s, "neutral") + num(t, s, "negative"); math.Abs(sum-1) > 0.01 && sum != 0 {
				t.Errorf("positive+neutral+negative = %v, want 1", sum)
			}
		}
		// "I love this phone, the camera is amazing!"
		if n == 1 && num(t, scores[0], "compound") < 0.5 {
			t.Errorf("a glowing review scored %v", scores[0]["compound"])
		}
		if n == 2 && !(num(t, scores[1], "compound") > 0.5 && num(t, scores[2], "compound") < 0) {
			t.Errorf("best day ever / NOT good scored %v / %v", scores[1]["compound"], scores[2]["compound"])
		}
	},
	"nlp/NamedEntities": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		text := inputText(t, in)
		ents := list(t, asObj(t, r.Result), "entities")
		if len(ents) == 0 {
			t.Fatal("no entities in a sample written to have some")
		}
		labels := map[string]int{}
		for _, x := range ents {
			e := asObj(t, x)
			start, end := int(num(t, e, "start")), int(num(t, e, "end"))
			if start < 0 || end > len(text) || start >= end || text[start:end] != e["text"] {
				t.Errorf("entity %v: byte offsets do not slice back to its text", e)
			}
			labels[str(t, e, "label")]++
		}
		if labels["PERSON"] == 0 || labels["GPE"] == 0 {
			t.Errorf("labels %v: every sample names people and places", labels)
		}
	},
	"image/OverlayText": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		src, out := sameSizedPNG(t, in, r)
		if changed := changedFraction(src, out, src.Bounds()); changed < 0.01 || changed > 0.5 {
			t.Errorf("the caption changed %.1f%% of the pixels, want a visible caption that leaves the photo", 100*changed)
		}
		// Boxes to avoid (faces) must come out untouched.
		avoid, _ := asObj(t, in.JSON)["avoid"].([]any)
		for _, a := range avoid {
			box := boxRect(t, asObj(t, asObj(t, a)["box"]))
			if f := changedFraction(src, out, box); f > 0 {
				t.Errorf("the caption covers %.1f%% of the box to avoid %v", 100*f, box)
			}
		}
	},
	"image/DrawBoxes": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		src, out := sameSizedPNG(t, in, r)
		if changed := changedFraction(src, out, src.Bounds()); changed < 0.01 || changed > 0.3 {
			t.Errorf("the boxes changed %.1f%% of the pixels, want visible frames that leave the photo", 100*changed)
		}
	},
	"util/Transform": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		l, ok := r.Result.([]any)
		if !ok || len(l) == 0 {
			t.Fatalf("result %v: every sample reshapes into a non-empty list", r.Result)
		}
		switch n {
		case 1: // sort by stars, highest first
			last := math.Inf(1)
			for _, x := range l {
				s := num(t, asObj(t, x), "stars")
				if s > last {
					t.Errorf("stars not descending: %v", l)
				}
				last = s
			}
		case 2: // group and sum per team
			total := 0.0
			for _, x := range l {
				total += num(t, asObj(t, x), "points")
			}
			if total == 0 {
				t.Errorf("no points summed: %v", l)
			}
		}
	},
	"nlp/SentenceSplit": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		runes := []rune(inputText(t, in))
		res := asObj(t, r.Result)
		sents := list(t, res, "sentences")
		if len(sents) < 2 || int(num(t, res, "count")) != len(sents) {
			t.Fatalf("count %v for %d sentences", res["count"], len(sents))
		}
		prev := 0
		for _, x := range sents {
			s := asObj(t, x)
			start, end := int(num(t, s, "start")), int(num(t, s, "end"))
			if start < prev || end > len(runes) || start >= end || string(runes[start:end]) != s["text"] {
				t.Errorf("sentence %v: character offsets do not slice back in order", s)
			}
			prev = end
			if tok, ok := s["tokens"]; ok {
				if len(tok.([]any)) != len(list(t, s, "stems")) {
					t.Errorf("tokens and stems differ in length: %v", s)
				}
			}
		}
	},
	"nlp/Summarize": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		sents := list(t, res, "sentences")
		total := int(num(t, res, "sentence_count"))
		if len(sents) == 0 || len(sents) >= total {
			t.Fatalf("picked %d of %d sentences", len(sents), total)
		}
		summary := str(t, res, "summary")
		text := inputText(t, in)
		prev := -1
		for _, x := range sents {
			s := asObj(t, x)
			if i := int(num(t, s, "index")); i <= prev || i >= total {
				t.Errorf("index %d out of original order", i)
			} else {
				prev = i
			}
			st := str(t, s, "text")
			if !strings.Contains(summary, st) || !strings.Contains(normSpace(text), normSpace(st)) {
				t.Errorf("sentence %q is not in the summary and the text", st)
			}
		}
	},
	"nlp/KeywordExtraction": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		text := strings.ToLower(normSpace(inputText(t, in)))
		kws := list(t, asObj(t, r.Result), "keywords")
		if len(kws) < 3 {
			t.Fatalf("%d keywords", len(kws))
		}
		last := math.Inf(1)
		for _, x := range kws {
			k := asObj(t, x)
			if s := num(t, k, "score"); s > last || s <= 0 {
				t.Errorf("score %v after %v: want positive, best first", s, last)
			} else {
				last = s
			}
			if p := str(t, k, "text"); !strings.Contains(text, p) {
				t.Errorf("keyword %q is not in the text", p)
			}
			if num(t, k, "count") < 1 {
				t.Errorf("keyword %v counted less than once", k)
			}
		}
	},
	"nlp/Readability": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		counts := asObj(t, res["counts"])
		if num(t, counts, "words") < 10 || num(t, counts, "sentences") < 1 || num(t, counts, "syllables") < num(t, counts, "words") {
			t.Errorf("counts %v", counts)
		}
		scores := asObj(t, res["scores"])
		for _, k := range []string{"flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog", "ari", "coleman_liau"} {
			if v := num(t, scores, k); math.IsNaN(v) || v < -50 || v > 150 {
				t.Errorf("%s = %v", k, v)
			}
		}
		str(t, res, "ease")
		// The samples run from very easy to very hard: the grade must follow.
		grade := num(t, res, "grade")
		if want := map[int][2]float64{1: {6, 13}, 2: {-5, 3}, 3: {16, 40}}[n]; grade < want[0] || grade > want[1] {
			t.Errorf("grade %v, want within %v", grade, want)
		}
	},
	"nlp/LanguageDetection": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		if want := map[int]string{1: "fr", 2: "ru", 3: "de"}[n]; res["iso639_1"] != want {
			t.Errorf("detected %v, want %s", res["iso639_1"], want)
		}
		if c := num(t, res, "confidence"); c <= 0 || c > 1 {
			t.Errorf("confidence %v", c)
		}
		if first := asObj(t, list(t, res, "candidates")[0]); first["code"] != res["code"] {
			t.Errorf("first candidate %v is not the answer %v", first["code"], res["code"])
		}
		str(t, res, "script")
	},
	"cv/FaceDetection": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		faces := list(t, res, "faces")
		if len(faces) < 1 {
			t.Fatal("no face in a portrait")
		}
		w, h := num(t, res, "width"), num(t, res, "height")
		for _, x := range faces {
			f := asObj(t, x)
			checkBox(t, asObj(t, f["box"]), w, h)
			if s := num(t, f, "score"); s < 0.5 || s > 1 {
				t.Errorf("score %v", s)
			}
		}
		if n == 1 && num(t, asObj(t, faces[0]), "score") < 0.9 {
			t.Errorf("the astronaut's face scored %v, want over 0.9", asObj(t, faces[0])["score"])
		}
	},
	"cv/ObjectDetection": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		objects := list(t, res, "objects")
		if len(objects) < 1 {
			t.Fatal("nothing found in a photo of a cat or a cup")
		}
		for _, x := range objects {
			o := asObj(t, x)
			checkBox(t, asObj(t, o["box"]), num(t, res, "width"), num(t, res, "height"))
			if s := num(t, o, "score"); s <= 0.25 || s > 1 {
				t.Errorf("score %v", s)
			}
			str(t, o, "label")
		}
		if want := []string{"cat", "cup"}[n-1]; asObj(t, objects[0])["label"] != want {
			t.Errorf("sample %d: best is %v, want a %s", n, objects[0], want)
		}
	},
	"cv/FaceExpression": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		faces := list(t, res, "faces")
		if len(faces) < 1 {
			t.Fatal("no face read")
		}
		for _, x := range faces {
			f := asObj(t, x)
			checkBox(t, asObj(t, f["box"]), num(t, res, "width"), num(t, res, "height"))
			ex := asObj(t, f["expressions"])
			if len(ex) != 7 {
				t.Errorf("%d expressions, want the 7", len(ex))
			}
			sum, best, bestP := 0.0, "", -1.0
			for k, v := range ex {
				p := v.(float64)
				sum += p
				if p > bestP {
					best, bestP = k, p
				}
			}
			if math.Abs(sum-1) > 0.01 {
				t.Errorf("probabilities add up to %v", sum)
			}
			if f["expression"] != best {
				t.Errorf("expression %v is not the likeliest (%s)", f["expression"], best)
			}
		}
		if want := map[int]string{1: "happy", 2: "neutral"}[n]; res["mood"] != want {
			t.Errorf("mood %v, want %s", res["mood"], want)
		}
		if n == 1 && num(t, asObj(t, asObj(t, faces[0])["expressions"]), "happy") < 0.99 {
			t.Error("the astronaut is less than 99% happy")
		}
	},
	"ocr/ExtractText": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		text := str(t, res, "text")
		want := map[int][]string{1: {"quick brown fox", "Invoice #4821", "$93.50"}, 2: {"CAFE PIPETTE", "Espresso", "TOTAL EUR 7.80"}}[n]
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("read %q, which lacks %q", text, w)
			}
		}
		if c := num(t, res, "confidence"); c < 70 {
			t.Errorf("confidence %v on clean print", c)
		}
		if len(list(t, res, "words")) < 5 {
			t.Error("no word boxes")
		}
	},
	"image/Transform": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		b, ok := r.Result.([]byte)
		if !ok {
			t.Fatalf("result is %T, want image bytes", r.Result)
		}
		img, format, err := image.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("result does not decode: %v", err)
		}
		req := asObj(t, in.JSON)
		src, srcFormat, err := imagein.LoadString(context.Background(), str(t, req, "image"))
		if err != nil {
			t.Fatal(err)
		}
		wantFormat, _ := req["format"].(string)
		if wantFormat == "" {
			wantFormat = srcFormat
		}
		if format != wantFormat {
			t.Errorf("format %s, want %s", format, wantFormat)
		}
		switch n {
		case 1: // 128×128 grey thumbnail
			if img.Bounds().Dx() != 128 || img.Bounds().Dy() != 128 {
				t.Errorf("thumbnail is %v", img.Bounds().Size())
			}
			if !isGray(img) {
				t.Error("grayscale thumbnail has colour")
			}
		case 2: // rotated 15°: the canvas grows
			if img.Bounds().Dx() <= src.Bounds().Dx() || img.Bounds().Dy() <= src.Bounds().Dy() {
				t.Errorf("rotated image %v is not larger than %v", img.Bounds().Size(), src.Bounds().Size())
			}
		case 3: // mirrored: column x is the source's column w-1-x
			w := src.Bounds().Dx()
			if img.Bounds().Size() != src.Bounds().Size() {
				t.Fatalf("mirror changed the size to %v", img.Bounds().Size())
			}
			for _, p := range [][2]int{{0, 10}, {w / 3, 50}, {w - 1, 100}} {
				if !sameColor(img.At(p[0], p[1]), src.At(w-1-p[0], p[1]), 24) {
					t.Errorf("pixel (%d,%d) is not the mirror of the source", p[0], p[1])
				}
			}
		}
	},
	"image/DominantColors": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		colors := list(t, asObj(t, r.Result), "colors")
		k := 5.0
		if in.Kind == catalog.KindJSON {
			if v, ok := asObj(t, in.JSON)["k"].(float64); ok {
				k = v
			}
		}
		if len(colors) == 0 || float64(len(colors)) > k {
			t.Fatalf("%d colours for k=%v", len(colors), k)
		}
		sum, last := 0.0, 2.0
		hex := regexp.MustCompile(`^#[0-9a-f]{6}$`)
		for _, x := range colors {
			c := asObj(t, x)
			share := num(t, c, "share")
			if share > last || share <= 0 {
				t.Errorf("share %v after %v", share, last)
			}
			sum, last = sum+share, share
			h := str(t, c, "hex")
			rgb := list(t, c, "rgb")
			if !hex.MatchString(h) || len(rgb) != 3 || fmt.Sprintf("#%02x%02x%02x", int(rgb[0].(float64)), int(rgb[1].(float64)), int(rgb[2].(float64))) != h {
				t.Errorf("hex %s and rgb %v disagree", h, rgb)
			}
		}
		if math.Abs(sum-1) > 0.002 {
			t.Errorf("shares add up to %v", sum)
		}
	},
	"image/PerceptualHash": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		for k, prefix := range map[string]string{"ahash": "a:", "dhash": "d:", "phash": "p:"} {
			if h := str(t, res, k); !strings.HasPrefix(h, prefix) || len(h) != 18 {
				t.Errorf("%s = %q", k, h)
			}
		}
		switch n {
		case 1, 2:
			d := asObj(t, res["distance"])
			near := res["near_duplicate"] == true
			if want := n == 1; near != want {
				t.Errorf("near_duplicate %v, want %v (distances %v)", near, want, d)
			}
			if near && num(t, d, "phash") > num(t, res, "threshold") || !near && num(t, d, "phash") <= num(t, res, "threshold") {
				t.Errorf("near_duplicate %v disagrees with phash distance %v and threshold %v", near, d["phash"], res["threshold"])
			}
		case 3:
			if _, ok := res["distance"]; ok {
				t.Error("a distance with only one image")
			}
		}
	},
	"image/Metadata": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		if res["format"] != "jpeg" || num(t, res, "width") <= 0 || num(t, res, "height") <= 0 || res["within_pixel_limit"] != true {
			t.Errorf("header: %v", res)
		}
		switch n {
		case 1: // iPhone photo taken in Stockholm
			ex := asObj(t, res["exif"])
			gps := asObj(t, ex["gps"])
			if lat, lon := num(t, gps, "latitude"), num(t, gps, "longitude"); math.Abs(lat-59.33) > 0.1 || math.Abs(lon-18.06) > 0.1 {
				t.Errorf("GPS %v, %v is not Stockholm", lat, lon)
			}
			if ex["make"] != "Apple" || !strings.HasPrefix(str(t, ex, "date_taken"), "2014-09-01") {
				t.Errorf("camera and date: %v %v", ex["make"], ex["date_taken"])
			}
		case 2:
			if res["exif"] != nil {
				t.Errorf("EXIF %v in a JPEG without any", res["exif"])
			}
		}
	},
	"util/QRCode": func(t *testing.T, c *client.Client, n int, in catalog.Value, r *client.Response) {
		if b, ok := r.Result.([]byte); ok {
			// An encoded code must read back as the text it was made from.
			if _, _, err := image.Decode(bytes.NewReader(b)); err != nil {
				t.Fatalf("QR image does not decode: %v", err)
			}
			want := in.Text
			if in.Kind == catalog.KindJSON {
				want = str(t, asObj(t, in.JSON), "text")
			}
			back, err := c.Algo("util/QRCode").Pipe(context.Background(), b)
			if err != nil {
				t.Fatalf("decoding the code made: %v", err)
			}
			if got := asObj(t, back.Result)["text"]; got != want {
				t.Errorf("code reads back %q, made from %q", got, want)
			}
			return
		}
		res := asObj(t, r.Result)
		if str(t, res, "text") != "pipette: read from a photo" || res["format"] != "QR_CODE" {
			t.Errorf("decoded %v", res)
		}
		if len(list(t, res, "points")) < 3 {
			t.Error("no finder points")
		}
	},
	"util/Upload": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		// In-process over a folder store, the link is the stored file's
		// file:// URL: what it holds must be what was uploaded.
		res := asObj(t, r.Result)
		if !strings.HasPrefix(str(t, res, "path"), "data://.my/") {
			t.Errorf("path %v", res["path"])
		}
		u, err := url.Parse(str(t, res, "url"))
		if err != nil || u.Scheme != "file" {
			t.Fatalf("url %v: want a file:// URL in-process", res["url"])
		}
		stored, err := os.ReadFile(u.Path)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[int]string{1: "image/jpeg", 2: "text/plain; charset=utf-8", 3: "image/gif"}[n]; res["content_type"] != want {
			t.Errorf("content_type %v, want %s", res["content_type"], want)
		}
		if num(t, res, "size") != float64(len(stored)) || (in.Kind == catalog.KindBinary && !bytes.Equal(stored, in.Bytes)) {
			t.Errorf("stored %d bytes, result says %v", len(stored), res["size"])
		}
	},
	"text/Search": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		hits, ok := r.Result.([]any)
		if !ok || len(hits) == 0 {
			t.Fatalf("result %v: want a non-empty list of hits", r.Result)
		}
		req := asObj(t, in.JSON)
		if l, ok := req["limit"].(float64); ok && float64(len(hits)) > l {
			t.Errorf("%d hits over the limit %v", len(hits), l)
		}
		var tags []any
		if x, ok := req["tags"].([]any); ok {
			tags = x
		}
		terms := strings.Fields(strings.ToLower(str(t, req, "query")))
		last := math.Inf(1)
		for _, x := range hits {
			h := asObj(t, x)
			s := num(t, h, "score")
			if s > last || s <= 0 {
				t.Errorf("score %v after %v", s, last)
			}
			last = s
			str(t, h, "id")
			hitTags := list(t, h, "tags")
			if len(tags) > 0 && !slices.ContainsFunc(hitTags, func(x any) bool { return slices.Contains(tags, x) }) {
				t.Errorf("hit %v carries none of the tags %v", h["id"], tags)
			}
			text := strings.ToLower(str(t, h, "text") + " " + fmt.Sprint(hitTags...))
			if !slices.ContainsFunc(terms, func(term string) bool { return strings.Contains(text, term[:min(len(term), 5)]) }) {
				t.Errorf("hit %q matches none of %v", h["text"], terms)
			}
		}
	},
	"stats/TimeSeries": func(t *testing.T, _ *client.Client, n int, in catalog.Value, r *client.Response) {
		res := asObj(t, r.Result)
		values := in.JSON
		if m, ok := values.(map[string]any); ok {
			values = m["values"]
		}
		xs := values.([]any)
		sum := asObj(t, res["summary"])
		if int(num(t, sum, "count")) != len(xs) {
			t.Errorf("count %v for %d values", sum["count"], len(xs))
		}
		if !(num(t, sum, "min") <= num(t, sum, "mean") && num(t, sum, "mean") <= num(t, sum, "max")) {
			t.Errorf("summary %v", sum)
		}
		trend := asObj(t, res["trend"])
		slope, r2 := num(t, trend, "slope"), num(t, trend, "r2")
		if r2 < 0 || r2 > 1 {
			t.Errorf("r² %v", r2)
		}
		anomalies := list(t, res, "anomalies")
		switch n {
		case 1: // growth, a weekly cycle, one spike
			if slope <= 0 {
				t.Errorf("growing visits have slope %v", slope)
			}
			if p := num(t, asObj(t, res["period"]), "period"); math.Abs(p-7) > 0.5 {
				t.Errorf("period %v, want about 7 days", p)
			}
			if len(anomalies) != 1 {
				t.Errorf("anomalies %v, want the one spike", anomalies)
			}
		case 2: // monthly temperatures
			if p := num(t, asObj(t, res["period"]), "period"); math.Abs(p-12) > 1 {
				t.Errorf("period %v, want about 12 months", p)
			}
		case 3: // a rising list with one outlier, 45 at index 9
			if slope <= 0 || len(anomalies) != 1 || num(t, asObj(t, anomalies[0]), "index") != 9 {
				t.Errorf("slope %v, anomalies %v", slope, anomalies)
			}
		}
	},
}

// TestEverySampleGivesASensibleResult runs every sample of every algorithm
// through the in-process client, as `pipette call REF --sample N` does, and
// checks the result with the algorithm's table entry.
func TestEverySampleGivesASensibleResult(t *testing.T) {
	testenv.Slow(t) // every sample of every built-in model
	reg := builtin.Registry()
	dir := t.TempDir()
	c := client.NewLocal(reg, reg, client.WithStore(func() (*data.Store, error) {
		return data.Open(context.Background(), dir, data.Options{})
	}))
	entries, err := reg.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Run(e.Ref.Path(), func(t *testing.T) {
			chk := checks[e.Ref.Path()]
			if chk == nil {
				t.Fatalf("no result checks for %s: add them to the table", e.Ref.Path())
			}
			if e.Ref.Path() == "ocr/ExtractText" {
				if _, err := exec.LookPath("tesseract"); err != nil {
					if os.Getenv("CI") != "" {
						t.Fatal("tesseract is not installed, and CI must run the OCR samples: .ci/run installs it with apt-get")
					}
					t.Skip("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-eng")
				}
			}
			var out *jsonschema.Schema
			if len(e.OutputSchema) > 0 {
				out = compileSchema(t, "output", e.OutputSchema)
			}
			for i, s := range e.Samples {
				t.Run(fmt.Sprint(i+1), func(t *testing.T) {
					ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
					defer cancel()
					r, err := c.AlgoRef(e.Ref).Pipe(ctx, s.Input)
					if err != nil {
						t.Fatalf("sample %q: %v", s.Name, err)
					}
					in, err := s.Input.Normalize()
					if err != nil {
						t.Fatal(err)
					}
					if want := e.OutputKind; want != catalog.KindAny && r.ContentType != string(want) {
						t.Errorf("content type %s, the entry promises %s", r.ContentType, want)
					}
					if out != nil && r.Value.Kind == catalog.KindJSON {
						if err := out.Validate(schemaValue(t, r.Result)); err != nil {
							t.Errorf("result does not match the output schema: %v", err)
						}
					}
					chk(t, c, i+1, in, r)
				})
			}
		})
	}
}

func asObj(t *testing.T, x any) map[string]any {
	t.Helper()
	m, ok := x.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object, got %T %.200v", x, x)
	}
	return m
}

func num(t *testing.T, m map[string]any, k string) float64 {
	t.Helper()
	f, ok := m[k].(float64)
	if !ok {
		t.Fatalf("field %q is %T %v, want a number", k, m[k], m[k])
	}
	return f
}

func str(t *testing.T, m map[string]any, k string) string {
	t.Helper()
	s, ok := m[k].(string)
	if !ok || s == "" {
		t.Fatalf("field %q is %T %v, want a non-empty string", k, m[k], m[k])
	}
	return s
}

func list(t *testing.T, m map[string]any, k string) []any {
	t.Helper()
	l, ok := m[k].([]any)
	if !ok {
		t.Fatalf("field %q is %T %v, want a list", k, m[k], m[k])
	}
	return l
}

// inputText is the text a text algorithm's sample carries, plain or as
// {"text": …}.
func inputText(t *testing.T, in catalog.Value) string {
	t.Helper()
	if in.Kind == catalog.KindText {
		return in.Text
	}
	return str(t, asObj(t, in.JSON), "text")
}

func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func checkBox(t *testing.T, b map[string]any, w, h float64) {
	t.Helper()
	x, y, bw, bh := num(t, b, "x"), num(t, b, "y"), num(t, b, "width"), num(t, b, "height")
	if bw <= 0 || bh <= 0 || x < 0 || y < 0 || x+bw > w+1 || y+bh > h+1 {
		t.Errorf("box %v outside the %v×%v image", b, w, h)
	}
}

func decodePNG(t *testing.T, r *client.Response) image.Image {
	t.Helper()
	b, ok := r.Result.([]byte)
	if !ok {
		t.Fatalf("result is %T, want PNG bytes", r.Result)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("result is not a PNG: %v", err)
	}
	return img
}

// changedFraction is the share of pixels inside rect that differ visibly
// between a and b.
func changedFraction(a, b image.Image, rect image.Rectangle) float64 {
	changed, total := 0, 0
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		for x := rect.Min.X; x < rect.Max.X; x++ {
			total++
			if !sameColor(a.At(x, y), b.At(x, y), 24) {
				changed++
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(changed) / float64(total)
}

func sameColor(a, b interface{ RGBA() (r, g, b, a uint32) }, tol int) bool {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) int { return int(math.Abs(float64(int(x>>8) - int(y>>8)))) }
	return d(r1, r2) <= tol && d(g1, g2) <= tol && d(b1, b2) <= tol
}

func isGray(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)-min(r, g, bl) > 6<<8 {
				return false
			}
		}
	}
	return true
}

// sameSizedPNG decodes a result that is the request's "image" drawn on,
// and checks that it kept the image's size.
func sameSizedPNG(t *testing.T, in catalog.Value, r *client.Response) (src, out image.Image) {
	t.Helper()
	out = decodePNG(t, r)
	src, _, err := imagein.LoadString(context.Background(), str(t, asObj(t, in.JSON), "image"))
	if err != nil {
		t.Fatal(err)
	}
	if out.Bounds().Size() != src.Bounds().Size() {
		t.Fatalf("the result is %v, the original %v", out.Bounds().Size(), src.Bounds().Size())
	}
	return src, out
}

// TestImageSentencesNameDataReferences: every built-in that asks for an
// image, told it sent something else, names every form an image may take,
// the Data API's data:// references among them (issue 11: they are taken
// wherever an image is).
func TestImageSentencesNameDataReferences(t *testing.T) {
	t.Parallel()
	r := builtin.Registry()
	entries, err := r.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	for _, e := range entries {
		// An algorithm that takes images says so when given a number.
		if _, err := r.Run(context.Background(), e.Ref, catalog.JSON(3.0)); err == nil || !strings.Contains(err.Error(), "image") {
			continue
		}
		obj := map[string]any{"image": "%%"}
		switch e.Ref.Path() {
		case "util/QRCode":
			obj["mode"] = "decode"
		case "image/Transform":
			obj["op"] = "grayscale"
		}
		for _, in := range []catalog.Value{catalog.JSON(3.0), catalog.JSON(obj)} {
			_, err := r.Run(context.Background(), e.Ref, in)
			asked++
			if !strings.Contains(err.Error(), "data://") || !strings.Contains(err.Error(), "base64") {
				t.Errorf("%s, given %s: the sentence leaves out a form of image: %v", e.Ref.Path(), in.Kind, err)
			}
		}
	}
	if asked < 22 {
		t.Errorf("only %d sentences asked for an image; want two from each of the 11 image algorithms", asked)
	}
}

// TestDocsCountTheBuiltInModels: a doc that says how many models are built
// in ("22 models · builtin", "the 22 built-in models") says the registry's
// count; a model added without the docs following fails here.
func TestDocsCountTheBuiltInModels(t *testing.T) {
	t.Parallel()
	entries, err := builtin.Registry().List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	count := regexp.MustCompile(`\b(\d+) (?:built-in )?(?:models|algorithms)\b`)
	docs, _ := filepath.Glob("../../*.md")
	more, _ := filepath.Glob("../../docs/*.md")
	docs = append(docs, more...)
	if len(docs) < 3 {
		t.Fatalf("found %d docs in the repository's root and docs/", len(docs))
	}
	for _, path := range docs {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(text), "\n") {
			if !strings.Contains(line, "builtin") && !strings.Contains(line, "built-in") {
				continue
			}
			for _, m := range count.FindAllStringSubmatch(line, -1) {
				if m[1] != fmt.Sprint(len(entries)) {
					t.Errorf("%s:%d says %q; the built-in catalog has %d", path, i+1, m[0], len(entries))
				}
			}
		}
	}
}
