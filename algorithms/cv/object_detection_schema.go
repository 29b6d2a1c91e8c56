package cv

import "pipette/algorithms/imagein"

// cv/ObjectDetection's input and output, as JSON Schema.
const objectDetectionInputSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "An image (raw bytes, or a string holding ` + imagein.StringForms + `), or an object with the image and options.",
  "oneOf": [
    {"type": "string", "minLength": 1},
    {"type": "object", "required": ["image"], "additionalProperties": false, "properties": {
      "image": {"type": "string", "minLength": 1, "description": "` + imagein.StringForms + `"},
      "min_score": {"type": "number", "minimum": 0, "exclusiveMaximum": 1, "default": 0.25, "description": "keep objects scoring above this"},
      "max_results": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20, "description": "at most this many objects, best first"},
      "classes": {"type": "array", "minItems": 1, "maxItems": 80, "description": "keep only these classes: COCO labels (\"cat\") or class ids (0-79)",
        "items": {"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 0, "maximum": 79}]}}
    }}
  ]
}`

const objectDetectionOutputSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["width", "height", "objects"],
  "properties": {
    "width": {"type": "integer"}, "height": {"type": "integer"},
    "objects": {"type": "array", "description": "best score first", "items": {"$ref": "#/$defs/object"}}
  },
  "$defs": {
    "box": {"type": "object", "required": ["x", "y", "width", "height"], "properties": {
      "x": {"type": "integer"}, "y": {"type": "integer"}, "width": {"type": "integer"}, "height": {"type": "integer"}}},
    "object": {"type": "object", "required": ["label", "class_id", "score", "box"], "properties": {
      "label": {"type": "string", "description": "one of the 80 COCO labels"},
      "class_id": {"type": "integer", "minimum": 0, "maximum": 79},
      "score": {"type": "number", "minimum": 0, "maximum": 1},
      "box": {"$ref": "#/$defs/box"}}}
  }
}`

// objectDetectionSampleOutput is what the first sample gives
// (TestSamples checks it).
const objectDetectionSampleOutput = `{"width":320,"height":213,"objects":[` +
	`{"label":"cat","class_id":15,"score":0.4716,"box":{"x":2,"y":0,"width":310,"height":209}},` +
	`{"label":"dog","class_id":16,"score":0.4307,"box":{"x":1,"y":0,"width":314,"height":210}},` +
	`{"label":"person","class_id":0,"score":0.2987,"box":{"x":2,"y":0,"width":314,"height":211}}]}`
