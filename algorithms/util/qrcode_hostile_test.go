package util

import (
	"context"
	"fmt"
	"testing"

	"pipette/algorithms/algotest"
	"pipette/catalog"
)

func TestQRCodeHostileNumbers(t *testing.T) {
	for _, n := range algotest.HostileNumbers {
		t.Run(fmt.Sprintf("size=%g", n), func(t *testing.T) {
			in := catalog.JSON(map[string]any{"mode": "encode", "text": "hello", "size": n})
			err := algotest.Hostile(t, QRCode(), context.Background(), in, 64<<20, catalog.InputError)
			if err == nil && (n < minQRSize || n > maxQRSize) {
				t.Errorf("size %g accepted", n)
			}
		})
	}
}
