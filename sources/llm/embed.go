package llm

import (
	"pipette/catalog"
)

// maxEmbedInputs bounds how many texts one embedding call may carry.
const maxEmbedInputs = 2048

// EmbedInput is what an embedding model was given: one text, or several
// embedded in one call.
type EmbedInput struct {
	Texts []string
	Many  bool // a list was given (even of one): the answer is a list too
}

// Wire is the input as embedding APIs take it (Ollama's /api/embed and
// OpenAI's /v1/embeddings alike): a string, or a list of strings.
func (in EmbedInput) Wire() any {
	if in.Many {
		return in.Texts
	}
	return in.Texts[0]
}

// ParseEmbed reads an embedding model's input: text (or a JSON string) is
// one text; a JSON list of strings is several, embedded in one call.
func ParseEmbed(in catalog.Value) (EmbedInput, error) {
	texts, many, err := parseEmbed(in)
	return EmbedInput{Texts: texts, Many: many}, err
}

func parseEmbed(in catalog.Value) (texts []string, many bool, err error) {
	switch in.Kind {
	case catalog.KindText:
		return []string{in.Text}, false, nil
	case catalog.KindJSON:
		switch t := in.JSON.(type) {
		case string:
			return []string{t}, false, nil
		case []any:
			if len(t) == 0 || len(t) > maxEmbedInputs {
				return nil, false, catalog.InputErrorf("give from 1 to %d texts to embed, got %d", maxEmbedInputs, len(t))
			}
			out := make([]string, len(t))
			for i, x := range t {
				s, ok := x.(string)
				if !ok {
					return nil, false, catalog.InputErrorf("element %d of the list is not a string: an embedding input is text or a list of texts", i)
				}
				out[i] = s
			}
			return out, true, nil
		}
	}
	return nil, false, catalog.InputErrorf("an embedding model takes text or a JSON list of texts")
}

// EmbeddingResult is what an embedding call answers: the vector's
// dimensions and the vector, or the vectors of a list.
//
//	{"dimensions": 768, "embedding": [0.01, …]}
//	{"dimensions": 768, "embeddings": [[…], […]]}
func EmbeddingResult(vectors [][]float64, many bool) (catalog.Value, error) {
	if len(vectors) == 0 {
		return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "the server answered no embedding")
	}
	dims := len(vectors[0])
	for _, v := range vectors {
		if len(v) != dims {
			return catalog.Value{}, catalog.Errorf(catalog.AlgorithmError, "the server answered embeddings of different sizes (%d and %d)", dims, len(v))
		}
	}
	if !many {
		return catalog.JSON(map[string]any{"dimensions": float64(dims), "embedding": floats(vectors[0])}), nil
	}
	list := make([]any, len(vectors))
	for i, v := range vectors {
		list[i] = floats(v)
	}
	return catalog.JSON(map[string]any{"dimensions": float64(dims), "embeddings": list}), nil
}

func floats(v []float64) []any {
	out := make([]any, len(v))
	for i, f := range v {
		out[i] = f
	}
	return out
}
