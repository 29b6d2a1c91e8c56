package workers

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"pipette/algorithms"
	"pipette/catalog"
)

// An algorithm's error crosses back from a worker as it was: a
// *catalog.Error field by field (a panic as its text, for the host's log),
// a context's error as that error, anything else as its sentence.
func TestErrorsCrossAsTheyWere(t *testing.T) {
	t.Parallel()
	crash := algorithms.CrashError(catalog.Ref{Owner: "image", Name: "Transform", Version: "1.0.0"}, "index out of range", []byte("goroutine 1 [running]:\n"))
	notFound := catalog.NotFound("algorithm %s not found", "algo://image/Nope")
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"input error", catalog.InputErrorf("the width must be positive"), catalog.InputErrorf("the width must be positive")},
		{"platform error", notFound, notFound},
		{"panic", crash, &catalog.Error{Type: crash.Type, Message: crash.Message, Stack: crash.Stack,
			Panic: &catalog.Panic{Value: "index out of range", Stack: crash.Panic.Stack}}},
		{"cancelled", context.Canceled, context.Canceled},
		{"deadline", context.DeadlineExceeded, context.DeadlineExceeded},
		{"other", errors.New("decode the PNG: unexpected EOF"), errors.New("decode the PNG: unexpected EOF")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := wireErr(tc.err).err(context.Background())
			if !reflect.DeepEqual(got, tc.want) && !errors.Is(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

// Values cross with their kind and payload; JSON keeps the text it was
// decoded from.
func TestValuesCrossWhole(t *testing.T) {
	t.Parallel()
	for _, v := range []catalog.Value{
		catalog.Text("héllo"), catalog.Bytes([]byte{0, 1, 2, 255}), catalog.JSON(map[string]any{"b": 1.5, "a": []any{"x", nil}}),
		catalog.JSON(nil), catalog.Void(), {},
	} {
		payload, err := encodeValue(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeValue(v.Kind, payload)
		if err != nil || !got.Equal(v) {
			t.Errorf("%s crossed as %s (%v)", v.Summary(40), got.Summary(40), err)
		}
	}
}
