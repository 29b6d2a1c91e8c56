package image

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"pipette/algorithms"
	"pipette/catalog"
)

// transformRequest is a parsed, validated request.
type transformRequest struct {
	image   string
	ops     []*transformOp
	format  string // "" = keep the input's format when it can be written
	quality int
	orient  bool // apply the EXIF orientation first
}

// parseTransform validates the whole request before any pixel is touched, so
// a typo in step 5 costs nothing and is reported with its step number.
func parseTransform(raw []byte) (*transformRequest, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, catalog.InputErrorf("expected %s: %v", transformExpected, err)
	}
	req := &transformRequest{}
	var fields struct {
		Image      *string          `json:"image"`
		Operations *json.RawMessage `json:"operations"`
		Format     string           `json:"format"`
		Quality    *int             `json:"quality"`
		AutoOrient *bool            `json:"auto_orient"`
	}
	general := map[string]json.RawMessage{}
	inline := map[string]json.RawMessage{}
	for k, v := range top {
		switch k {
		case "image", "operations", "format", "quality", "auto_orient":
			general[k] = v
		default:
			inline[k] = v
		}
	}
	generalRaw, _ := json.Marshal(general)
	if err := algorithms.DecodeJSONBytes(generalRaw, &fields, transformExpected); err != nil {
		return nil, err
	}
	if fields.Image == nil || strings.TrimSpace(*fields.Image) == "" {
		return nil, catalog.InputErrorf(`the "image" field is missing or empty; expected %s`, transformExpected)
	}
	req.image = *fields.Image
	req.orient = fields.AutoOrient == nil || *fields.AutoOrient

	var opsRaw []json.RawMessage
	switch {
	case fields.Operations != nil && len(inline) > 0:
		if _, ok := inline["op"]; ok {
			return nil, catalog.InputErrorf(`give either "operations" (a list) or one inline "op", not both`)
		}
		return nil, catalog.InputErrorf("unknown field %q: operation parameters go inside the objects of \"operations\"", firstKey(inline))
	case fields.Operations != nil:
		if err := json.Unmarshal(*fields.Operations, &opsRaw); err != nil {
			return nil, catalog.InputErrorf(`"operations" should be a list of objects like {"op": "resize", "width": 256}`)
		}
		if len(opsRaw) == 0 {
			return nil, catalog.InputErrorf(`"operations" is empty: list at least one, for example {"op": "resize", "width": 256}`)
		}
	case len(inline) > 0:
		if _, ok := inline["op"]; !ok {
			return nil, catalog.InputErrorf("unknown field %q; expected %s", firstKey(inline), transformExpected)
		}
		one, _ := json.Marshal(inline)
		opsRaw = []json.RawMessage{one}
	default:
		return nil, catalog.InputErrorf(`no operation given: add "operations": [{"op": "resize", "width": 256}] or an inline "op"; the operations are %s`, opNames())
	}
	if len(opsRaw) > maxTransformOps {
		return nil, catalog.InputErrorf("%d operations given; at most %d run in one call (chain two calls for more)", len(opsRaw), maxTransformOps)
	}
	for i, r := range opsRaw {
		op, err := parseOp(r)
		if err != nil {
			return nil, catalog.InputErrorf("operation %d%s: %v", i+1, opLabel(op), err)
		}
		req.ops = append(req.ops, op)
	}

	switch f := strings.ToLower(fields.Format); f {
	case "":
	case "png", "gif":
		req.format = f
	case "jpeg", "jpg":
		req.format = "jpeg"
	default:
		return nil, catalog.InputErrorf(`"format" is %q; pipette writes "png", "jpeg" or "gif"`, fields.Format)
	}
	if fields.Quality != nil {
		q := *fields.Quality
		if err := catalog.CheckInt("quality", int64(q), 1, 100, "1 is smallest, 100 best; default 90"); err != nil {
			return nil, err
		}
		if req.format != "jpeg" && req.format != "" {
			return nil, catalog.InputErrorf(`"quality" applies to JPEG output only; drop it or set "format": "jpeg"`)
		}
		req.quality = q
	}
	return req, nil
}

func opLabel(op *transformOp) string {
	if op == nil || op.Op == "" {
		return ""
	}
	return " (" + op.Op + ")"
}

func firstKey(m map[string]json.RawMessage) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[0]
}

func parseOp(raw json.RawMessage) (*transformOp, error) {
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, fmt.Errorf(`expected an object like {"op": "resize", "width": 256}`)
	}
	var name string
	if err := json.Unmarshal(keys["op"], &name); err != nil || name == "" {
		return nil, fmt.Errorf(`"op" is missing or not a string; the operations are %s`, opNames())
	}
	op := &transformOp{Op: strings.ToLower(name)}
	spec, ok := transformOps[op.Op]
	if !ok {
		return nil, fmt.Errorf("unknown operation %q; the operations are %s", name, opNames())
	}
	var unknown []string
	for k := range keys {
		if k != "op" && !slices.Contains(spec.params, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		if len(spec.params) == 0 {
			return op, fmt.Errorf("%q takes no parameters, but %q was given", op.Op, unknown[0])
		}
		return op, fmt.Errorf("unknown parameter %q; %s takes %s", unknown[0], op.Op, strings.Join(spec.params, ", "))
	}
	if err := json.Unmarshal(raw, op); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			if n, ok := algorithms.OutOfRangeWhole(te); ok {
				return op, fmt.Errorf("%q is %s, far more pixels or degrees than any image has", te.Field, n)
			}
			want := "a number"
			switch te.Type.Kind() {
			case reflect.Int:
				want = "a whole number"
			case reflect.String:
				want = "a string"
			}
			return op, fmt.Errorf("%q should be %s, not JSON %s", te.Field, want, te.Value)
		}
		return op, err
	}
	op.Op = strings.ToLower(name)
	if spec.check != nil {
		if err := spec.check(op); err != nil {
			return op, err
		}
	}
	return op, nil
}

// Transform is image/Transform: resize, crop, rotate, filters and format
