package imagein

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

// samplePNG is a small real PNG whose base64 differs between the standard
// and URL alphabets, so each encoding is really exercised.
func samplePNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 7, 5))
	for i := range img.Pix {
		img.Pix[i] = byte(i*37 + 251)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	s := base64.StdEncoding.EncodeToString(buf.Bytes())
	if !strings.ContainsAny(s, "+/") {
		t.Fatal("sample PNG's base64 has no + or /: the URL alphabet would go untested")
	}
	return buf.Bytes()
}

// usePolicy sets the process-wide policy for one test and restores the
// defaults after it. Tests that call it must not run in parallel.
func usePolicy(t *testing.T, p Policy) {
	t.Helper()
	SetPolicy(p)
	t.Cleanup(func() { SetPolicy(Policy{}) })
}

func TestBytesAcceptsEveryEncoding(t *testing.T) {
	ctx := context.Background()
	raw := samplePNG(t)
	std := base64.StdEncoding.EncodeToString(raw)
	wrapped := ""
	for i := 0; i < len(std); i += 60 { // MIME-style lines, as base64(1) writes them
		wrapped += std[i:min(i+60, len(std))] + "\r\n"
	}
	cases := map[string]catalog.Value{
		"bytes":            catalog.Bytes(raw),
		"std base64 text":  catalog.Text(std),
		"raw std base64":   catalog.Text(base64.RawStdEncoding.EncodeToString(raw)),
		"url base64":       catalog.Text(base64.URLEncoding.EncodeToString(raw)),
		"raw url base64":   catalog.JSON(base64.RawURLEncoding.EncodeToString(raw)),
		"wrapped base64":   catalog.Text(wrapped),
		"data URI in JSON": catalog.JSON("data:image/png;base64," + std),
		"padded data URI":  catalog.Text("  data:image/png;base64," + std + "\n"),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Bytes(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, raw) {
				t.Fatalf("got %d bytes that differ from the %d sent", len(got), len(raw))
			}
			img, format, err := Decode(got)
			if err != nil || format != "png" || img.Bounds().Dx() != 7 {
				t.Fatalf("decode: %v %s %v", err, format, img)
			}
		})
	}
}

func TestBadInputGetsASentence(t *testing.T) {
	ctx := context.Background()
	raw := samplePNG(t)
	cases := []struct {
		name  string
		in    catalog.Value
		words []string
	}{
		{"empty bytes", catalog.Bytes(nil), []string{"empty", "PNG"}},
		{"blank text", catalog.Text("   "), []string{"empty", "data:// reference such as data://.my/"}},
		{"not base64", catalog.Text("this is not an image!"), []string{"not valid base64", "a data URI, an http(s) URL or a data:// reference"}},
		{"truncated base64", catalog.Text("iVBORw0KGgo*"), []string{"not valid base64"}},
		{"data URI without base64", catalog.Text("data:image/png,\x89PNG"), []string{"not base64", "data:image/png;base64,"}},
		{"data URI with broken base64", catalog.Text("data:image/png;base64,%%%"), []string{"not valid base64"}},
		{"JSON object", catalog.JSON(map[string]any{"img": "x"}), []string{"expected an image", "base64", "data://"}},
		{"JSON number", catalog.JSON(3.0), []string{"expected an image"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Bytes(ctx, c.in)
			algotest.WantError(t, err, catalog.InputError, c.words...)
		})
	}
	t.Run("bytes that are no image", func(t *testing.T) {
		_, _, err := Decode([]byte("plain text, not a picture"))
		algotest.WantError(t, err, catalog.InputError, "not an image pipette can read")
	})
	t.Run("damaged PNG", func(t *testing.T) {
		_, _, err := Decode(raw[:len(raw)-20])
		algotest.WantError(t, err, catalog.InputError, "png image is damaged")
	})
}

// pngHeader is a PNG signature and a valid IHDR chunk (CRC included) claiming
// w×h pixels, and nothing else: a decoder that went past the header would fail.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := make([]byte, 0, 17)
	chunk = append(chunk, "IHDR"...)
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 2, 0, 0, 0) // 8-bit RGB, deflate, no filter, no interlace
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestHugeImageRefusedBeforeDecoding(t *testing.T) {
	data := pngHeader(100000, 100000)
	if _, err := png.DecodeConfig(bytes.NewReader(data)); err != nil {
		t.Fatalf("the crafted header is not a valid PNG header: %v", err)
	}
	start := time.Now()
	_, _, err := Decode(data)
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("refusing took %v: the pixels were decoded", d)
	}
	algotest.WantError(t, err, catalog.TooLargeError, "100000×100000", "10000.0 megapixels", "40.0 megapixels", "scale it down")

	// Through base64 in JSON, as a client would send it.
	_, _, err = LoadString(context.Background(), base64.StdEncoding.EncodeToString(data))
	algotest.WantError(t, err, catalog.TooLargeError)
}

func TestPixelLimitIsConfigurable(t *testing.T) {
	raw := samplePNG(t) // 7×5 = 35 pixels
	usePolicy(t, Policy{MaxPixels: 34})
	_, _, err := Decode(raw)
	algotest.WantError(t, err, catalog.TooLargeError, "7×5")
	usePolicy(t, Policy{MaxPixels: 35})
	if _, _, err := Decode(raw); err != nil {
		t.Fatalf("an image exactly at the limit: %v", err)
	}
	if err := CheckPixels(0, 10); err == nil {
		t.Error("an image without pixels passed")
	}
}

func TestPolicyDefaults(t *testing.T) {
	usePolicy(t, Policy{})
	p := CurrentPolicy()
	if p.AllowURLs || p.AllowPrivate || DefaultMaxPixels != 40_000_000 || p.MaxPixels != DefaultMaxPixels || p.MaxBytes != 50<<20 {
		t.Errorf("defaults %+v", p)
	}
	usePolicy(t, Policy{AllowURLs: true, MaxPixels: 1000, MaxBytes: -1})
	p = CurrentPolicy()
	if !p.AllowURLs || p.MaxPixels != 1000 || p.MaxBytes != 50<<20 {
		t.Errorf("set %+v", p)
	}
}

func imageServer(t *testing.T, body []byte) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing.png" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestURLFetching(t *testing.T) {
	ctx := context.Background()
	raw := samplePNG(t)
	srv := imageServer(t, raw)
	url := srv.URL + "/astronaut.png"

	t.Run("off by default", func(t *testing.T) {
		usePolicy(t, Policy{})
		_, err := Bytes(ctx, catalog.Text(url))
		algotest.WantError(t, err, catalog.UnsupportedError, "does not fetch image URLs", "--allow-url-fetch")
	})
	t.Run("loopback refused without AllowPrivate", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true})
		for _, u := range []string{url, strings.Replace(url, "127.0.0.1", "localhost", 1)} {
			_, err := Bytes(ctx, catalog.JSON(u))
			algotest.WantError(t, err, catalog.InputError, "loopback, private or reserved address", "--allow-private-urls")
		}
	})
	t.Run("fetched when allowed", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true, AllowPrivate: true})
		got, err := Bytes(ctx, catalog.JSON(url))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, raw) {
			t.Fatal("fetched bytes differ from the served image")
		}
		img, _, err := Load(ctx, catalog.Text(url))
		if err != nil || img.Bounds().Dx() != 7 {
			t.Fatalf("Load: %v", err)
		}
	})
	t.Run("error status", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true, AllowPrivate: true})
		_, err := Fetch(ctx, srv.URL+"/missing.png")
		algotest.WantError(t, err, catalog.InputError, "404")
	})
	t.Run("download over MaxBytes", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true, AllowPrivate: true, MaxBytes: int64(len(raw) - 1)})
		_, err := Fetch(ctx, url)
		algotest.WantError(t, err, catalog.TooLargeError, fmt.Sprintf("larger than the download limit of %d bytes", len(raw)-1))
		usePolicy(t, Policy{AllowURLs: true, AllowPrivate: true, MaxBytes: int64(len(raw))})
		if _, err := Fetch(ctx, url); err != nil {
			t.Errorf("a download exactly at the limit: %v", err)
		}
	})
	t.Run("not http", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true})
		_, err := Fetch(ctx, "ftp://example.org/a.png")
		algotest.WantError(t, err, catalog.InputError, "not an http(s) URL")
	})
	t.Run("cancelled", func(t *testing.T) {
		usePolicy(t, Policy{AllowURLs: true, AllowPrivate: true})
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := Fetch(cctx, url); err == nil {
			t.Error("a cancelled fetch succeeded")
		}
	})
}

func TestIsPublic(t *testing.T) {
	for ip, want := range map[string]bool{
		// This host, private and shared networks, link-local.
		"127.0.0.1": false, "127.255.255.254": false, "::1": false, "10.1.2.3": false, "192.168.0.1": false,
		"172.16.5.4": false, "172.31.255.255": false, "169.254.169.254": false, "0.0.0.0": false, "0.1.2.3": false,
		"100.64.0.1": false, "100.127.255.255": false, "fe80::1": false, "fd00::1": false, "fc00::1": false, "::": false,
		// Benchmarking, documentation, reserved, multicast, broadcast.
		"198.18.0.1": false, "198.19.255.255": false, "192.0.2.7": false, "198.51.100.1": false, "203.0.113.9": false,
		"240.0.0.1": false, "255.255.255.255": false, "224.0.0.1": false, "239.255.255.250": false, "ff02::1": false,
		"2001:db8::1": false, "192.0.0.8": false,
		// IPv4 inside IPv6: mapped, compatible, NAT64, 6to4, Teredo.
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "::127.0.0.1": false, "64:ff9b::7f00:1": false,
		"64:ff9b::808:808": false, "64:ff9b:1::a00:1": false, "2002:7f00:1::1": false, "2001:0:4136:e378::1": false,
		// The public internet.
		"8.8.8.8": true, "1.1.1.1": true, "2001:4860:4860::8888": true, "100.128.0.1": true, "100.63.255.255": true,
		"198.20.0.1": true, "172.32.0.1": true, "::ffff:8.8.8.8": true, "2606:4700::1111": true, "223.255.255.255": true,
	} {
		if got := isPublic(netip.MustParseAddr(ip)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", ip, got, want)
		}
	}
	if isPublic(netip.Addr{}) || isPublic(netip.MustParseAddr("fe80::1%eth0")) {
		t.Error("an invalid or zoned address counts as public")
	}
}

// Fetch errors name the URL, never the resolver this machine asked or the
// addresses it dialled.
func TestFetchErrorsNameNoInternals(t *testing.T) {
	const shown = "http://img.example/a.png"
	internal := "10.0.0.53:53"
	tests := []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Get", URL: shown, Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "img.example", Server: internal, IsNotFound: true}}},
			"the host name img.example does not exist"},
		{&url.Error{Op: "Get", URL: shown, Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "img.example", Server: internal, IsTemporary: true}}},
			"could not be looked up"},
		{&url.Error{Op: "Get", URL: shown, Err: &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.ParseIP("10.9.8.7"), Port: 80}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}},
			"refused the connection"},
		{&url.Error{Op: "Get", URL: shown, Err: &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.ParseIP("10.9.8.7"), Port: 80}, Err: os.NewSyscallError("connect", syscall.EHOSTUNREACH)}},
			"the connection failed"},
		{&url.Error{Op: "Get", URL: shown, Err: errPrivate}, "loopback, private or reserved address"},
		{&url.Error{Op: "Get", URL: shown, Err: os.ErrDeadlineExceeded}, "did not answer in time"},
	}
	for _, tc := range tests {
		err := fetchError(shown, "img.example", tc.err)
		algotest.WantError(t, err, catalog.InputError, tc.want, shown)
		if msg := err.Error(); strings.Contains(msg, "10.") || strings.Contains(msg, ":53") {
			t.Errorf("%q names an internal address", msg)
		}
	}
	// A real lookup of a name that cannot exist.
	usePolicy(t, Policy{AllowURLs: true})
	_, err := Fetch(context.Background(), "http://no-such-host.invalid/a.png")
	algotest.WantError(t, err, catalog.InputError, "no-such-host.invalid")
	if strings.Contains(err.Error(), "lookup") || strings.Contains(err.Error(), ":53") {
		t.Errorf("%q names the resolver", err)
	}
	// A huge URL is not repeated whole.
	_, err = Fetch(context.Background(), "http://"+strings.Repeat("a", 100000)+".invalid/")
	if err == nil || len(err.Error()) > 400 {
		t.Errorf("error for a 100 KB URL is %d bytes long", len(err.Error()))
	}
}
