package image

import "pipette/algorithms/imagein"

// image/DrawBoxes' input, as JSON Schema.
const drawBoxesInputSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["image"],
  "additionalProperties": false,
  "description": "The image and the boxes to draw: in \"boxes\", or as the \"objects\" or \"faces\" of a detector's result merged into the request.",
  "properties": {
    "image": {"type": "string", "description": "the image: ` + imagein.StringForms + ` (a URL when the server fetches them)"},
    "boxes": {
      "description": "a list of boxes, or cv/ObjectDetection's or cv/FaceDetection's whole result",
      "oneOf": [
        {"type": "array", "maxItems": 1000, "items": {"$ref": "#/$defs/item"}},
        {"type": "object", "properties": {"objects": {"type": "array", "items": {"$ref": "#/$defs/item"}}, "faces": {"type": "array", "items": {"$ref": "#/$defs/item"}}}}
      ]
    },
    "objects": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/$defs/item"}, "description": "cv/ObjectDetection's objects"},
    "faces": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/$defs/item"}, "description": "cv/FaceDetection's faces"},
    "width": {"type": "integer", "description": "ignored (a detector's result carries it)"},
    "height": {"type": "integer", "description": "ignored"},
    "line_width": {"type": "integer", "minimum": 0, "maximum": 64, "default": 0, "description": "frame width in pixels; 0 picks one from the image's size"},
    "labels": {"type": "boolean", "default": true, "description": "write each box's label and score on a tag"}
  },
  "$defs": {
    "box": {"type": "object", "required": ["x", "y", "width", "height"], "properties": {
      "x": {"type": "number"}, "y": {"type": "number"}, "width": {"type": "number", "minimum": 0}, "height": {"type": "number", "minimum": 0}}},
    "item": {"type": "object", "properties": {
      "box": {"$ref": "#/$defs/box"},
      "label": {"type": "string", "description": "written on the tag (64 characters at most)"},
      "score": {"type": "number", "minimum": 0, "maximum": 1, "description": "written on the tag, 2 decimals"},
      "class_id": {"type": "integer", "minimum": 0, "description": "picks the colour; without it the label does"},
      "x": {"type": "number"}, "y": {"type": "number"}, "width": {"type": "number"}, "height": {"type": "number"}},
      "description": "a detection with a \"box\", or a bare box with an optional label and score"}
  }
}`
