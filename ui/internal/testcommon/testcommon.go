// Package testcommon makes the program context a component's tests run
// it in.
package testcommon

import (
	"pipette/themes"
	"pipette/ui/common"
	"pipette/ui/components/graphics"
	"pipette/ui/keys"
)

// New is a program context for a component under test: the palette's
// styles, the default keys, no images.
func New(p themes.Palette) *common.Common {
	return &common.Common{Styles: themes.New(p), Keys: keys.Default(), Graphics: graphics.New(graphics.ImagesOff)}
}
