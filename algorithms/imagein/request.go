package imagein

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"pipette/algorithms"
	"pipette/catalog"
	"pipette/internal/bounded"
	"pipette/internal/human"
)

// Request reads the input of an algorithm that takes an image by itself (any
// form Bytes accepts) or a JSON object {"image": …, options}. The object's
// fields are decoded strictly into opts (a pointer to the algorithm's options
// struct), and image points at its "image" field. what is the algorithm's
// description of its input, for error sentences. It returns the encoded image.
func Request(ctx context.Context, in catalog.Value, opts any, image *string, what string) ([]byte, error) {
	raw, isObject, err := Object(in, what)
	if err != nil {
		return nil, err
	}
	if !isObject {
		return Bytes(ctx, in)
	}
	if err := algorithms.DecodeJSONBytes(raw, opts, what); err != nil {
		return nil, err
	}
	if strings.TrimSpace(*image) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, what)
	}
	return FromString(ctx, *image)
}

// Object returns the JSON text of an input that is a request object rather
// than an image: a JSON object, text holding one (a request typed into a text
// box), or bytes holding one (an uploaded request.json, which no image format
// can be). A JSON string is an image (base64, a data URI or a URL), so it is
// not an object; any other JSON value is refused with a sentence naming what,
// because no image algorithm reads numbers or lists.
func Object(in catalog.Value, what string) (raw []byte, isObject bool, err error) {
	switch in.Kind {
	case catalog.KindJSON:
		switch in.JSON.(type) {
		case map[string]any:
			if raw, ok := in.WireJSON(); ok {
				return raw, true, nil // as it came, rather than encoded again
			}
			raw, err := json.Marshal(in.JSON)
			if err != nil {
				return nil, false, catalog.InputErrorf("the JSON input cannot be read: %v", err)
			}
			return raw, true, nil
		case string:
			return nil, false, nil
		}
		return nil, false, catalog.InputErrorf("expected %s; got %s", what, algorithms.JSONKind(in.JSON))
	case catalog.KindText:
		if t := strings.TrimSpace(in.Text); strings.HasPrefix(t, "{") {
			return []byte(t), true, nil
		}
	case catalog.KindBinary:
		if t := bytes.TrimSpace(in.Bytes); len(t) > 0 && t[0] == '{' && json.Valid(t) {
			return t, true, nil
		}
	}
	return nil, false, nil
}

var errPrivate = errors.New("private address")

// Fetch downloads an image URL if the policy allows it. Addresses that do
// not belong to the public internet (see isPublic) are refused at connect
// time, after DNS resolution and on every redirect, so that no host name can
// smuggle them in, unless the policy allows private URLs. Errors say what
// went wrong in the URL's own terms and never name this machine's resolver
// or other internal addresses.
func Fetch(ctx context.Context, rawURL string) ([]byte, error) {
	p := CurrentPolicy()
	if !p.AllowURLs {
		return nil, catalog.Errorf(catalog.UnsupportedError, "this server does not fetch image URLs: send the image bytes, base64 or a data:// reference instead (or start it with --allow-url-fetch)")
	}
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, catalog.InputErrorf("%q is not an http(s) URL", shorten(rawURL))
	}
	shown := shorten(u.Redacted())
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if !p.AllowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !isPublic(ap.Addr()) {
				return errPrivate
			}
			return nil
		}
	}
	hc := &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{DialContext: dialer.DialContext, Proxy: nil, TLSHandshakeTimeout: 10 * time.Second},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, catalog.InputErrorf("%s is not a URL pipette can fetch", shown)
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fetchError(shown, u.Hostname(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, catalog.InputErrorf("could not fetch the image at %s: the server answered %s", shown, resp.Status)
	}
	data, err := bounded.ReadAll(resp.Body, p.MaxBytes)
	var tl *bounded.TooLargeError
	switch {
	case errors.As(err, &tl):
		return nil, catalog.Errorf(catalog.TooLargeError, "the image at %s is larger than the download limit of %s", shown, human.Bytes(p.MaxBytes))
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		return nil, catalog.InputErrorf("could not read the image at %s: the download broke off", shown)
	}
	return data, nil
}

// fetchError says why a URL could not be fetched, in one sentence about the
// URL. The errors of net and net/http name the resolver that was asked
// ("lookup x on 10.0.0.2:53") and the addresses dialled; none of that is the
// caller's business, or safe to tell a stranger about this network.
func fetchError(shown, host string, err error) error {
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var hostErr x509.HostnameError
	var ne net.Error
	switch {
	case errors.Is(err, errPrivate):
		return catalog.InputErrorf("refusing to fetch %s: it points at a loopback, private or reserved address (allow it with --allow-private-urls)", shown)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return catalog.InputErrorf("could not fetch the image at %s: the host name %s does not exist", shown, shorten(host))
	case errors.As(err, &dnsErr):
		return catalog.InputErrorf("could not fetch the image at %s: the host name %s could not be looked up; try again later", shown, shorten(host))
	case errors.Is(err, syscall.ECONNREFUSED):
		return catalog.InputErrorf("could not fetch the image at %s: the server refused the connection", shown)
	case errors.As(err, &certErr), errors.As(err, &hostErr):
		return catalog.InputErrorf("could not fetch the image at %s: its TLS certificate is not valid for %s", shown, shorten(host))
	case errors.As(err, &ne) && ne.Timeout():
		return catalog.InputErrorf("could not fetch the image at %s: the server did not answer in time", shown)
	}
	return catalog.InputErrorf("could not fetch the image at %s: the connection failed", shown)
}

// shorten keeps a URL or host short enough for an error sentence: a data
// URI or a megabyte-long URL would otherwise come back whole.
func shorten(s string) string {
	const most = 120
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// notPublic are the address blocks that are not the public internet, from
// IANA's special-purpose registries (RFC 6890 and its updates): this host,
// private and shared networks, link-local, documentation and benchmarking
// ranges, multicast, reserved space, and the IPv6 ranges that carry an IPv4
// address inside (NAT64, 6to4, Teredo), which could reach any of the others.
var notPublic = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
		"192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/32", "2001:2::/48",
		"2001:db8::/32", "2002::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// isPublic reports whether ip is an address of the public internet. An
// IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged as its IPv4 address.
func isPublic(ip netip.Addr) bool {
	if !ip.IsValid() || ip.Zone() != "" {
		return false
	}
	ip = ip.Unmap()
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
