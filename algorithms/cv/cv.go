// Package cv holds the built-in computer-vision algorithms (owner "cv"):
// face detection and face expression, pure-Go ports of face-api.js networks
// running on its MIT-licensed weights, embedded in the binary.
package cv

import "pipette/algorithms"

// All returns every algorithm of this package, one constructor per file.
func All() []algorithms.Algorithm {
	return []algorithms.Algorithm{
		FaceDetection(),
		FaceExpression(),
		ObjectDetection(),
	}
}
