package imagein

// The forms an image given as a string may take (what FromString reads),
// said the same way by every sentence that asks for an image, so that none
// leaves one out.
const (
	// StringForms lists them, for a sentence: "give " + StringForms.
	StringForms = "base64, a data URI, an http(s) URL or a data:// reference such as data://.my/photos/cat.png"
	// Placeholder stands for an image inside an example of a JSON input.
	Placeholder = "<base64, data URI, URL or data://.my/… reference>"
	// FileForms is an image for an algorithm that reads image bytes too.
	FileForms = "PNG, JPEG, GIF, BMP, TIFF or WebP bytes, or as text: " + StringForms
)
