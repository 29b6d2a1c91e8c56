package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"io"

	"pipette/catalog"
	"pipette/sources/llm"
)

// chatLine is one line of /api/chat's NDJSON answer (and of /api/generate's,
// whose text is in response).
type chatLine struct {
	Message struct {
		Content string `json:"content"`
	} `json:"message"`
	Response        string `json:"response"`
	Done            bool   `json:"done"`
	DoneReason      string `json:"done_reason"`
	PromptEvalCount int64  `json:"prompt_eval_count"`
	EvalCount       int64  `json:"eval_count"`
	Error           string `json:"error"`
}

// Stream calls the model e describes, streaming each piece of text to emit:
// /api/embed for an embedding model; /api/generate for a prompt object
// ({"prompt", "system", "suffix", "raw", "options"}: a completion, fill in
// the middle with suffix, or a prompt sent past the model's template with
// raw); /api/chat for text and conversations.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	id := e.Ref.ModelID()
	if e.Model != nil && e.Model.Kind == catalog.ModelEmbedding {
		return s.embed(ctx, id, in)
	}
	if req, ok, err := llm.ParsePrompt(in); ok {
		if err != nil {
			return catalog.Output{}, err
		}
		body := map[string]any{"model": id, "prompt": req.Prompt, "stream": true}
		if req.System != "" {
			body["system"] = req.System
		}
		if req.Suffix != "" {
			body["suffix"] = req.Suffix
		}
		if req.Raw {
			body["raw"] = true
		}
		return s.stream(ctx, "/api/generate", body, req.Options, emit)
	}
	req, err := llm.ParseChat(in)
	if err != nil {
		return catalog.Output{}, err
	}
	return s.stream(ctx, "/api/chat", map[string]any{"model": id, "messages": req.Messages, "stream": true}, req.Options, emit)
}

// stream posts body (with opts as Ollama's options) to path and reads the
// NDJSON answer, /api/chat's or /api/generate's, a piece at a time.
func (s *Source) stream(ctx context.Context, path string, body map[string]any, opts llm.Options, emit func(catalog.Chunk) error) (catalog.Output, error) {
	if params := opts.Params("num_predict"); len(params) > 0 {
		body["options"] = params
	}
	meter := llm.NewMeter(emit)
	// The context ends the request: closing the connection of a streamed
	// answer is how Ollama learns to stop generating.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := s.c.Open(ctx, path, body, "application/x-ndjson")
	if err != nil {
		return catalog.Output{}, err
	}
	lines := s.c.NewLines(resp)
	defer lines.Close()
	for {
		raw, err := lines.Next()
		if errors.Is(err, io.EOF) {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s ended the answer before it was done", s.c.Who())
		}
		if err != nil {
			return catalog.Output{}, err
		}
		var l chatLine
		if err := json.Unmarshal(raw, &l); err != nil {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s sent a line that is not JSON: %v", s.c.Who(), err)
		}
		if l.Error != "" {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s: %s", s.c.Who(), l.Error)
		}
		if err := meter.Add(l.Message.Content + l.Response); err != nil {
			return catalog.Output{}, err
		}
		if l.Done {
			lines.Done()
			meter.Tokens(l.PromptEvalCount, l.EvalCount)
			meter.Finish(l.DoneReason)
			return catalog.Output{Value: catalog.Text(meter.Text()), Generation: meter.Generation()}, nil
		}
	}
}

func (s *Source) embed(ctx context.Context, id string, in catalog.Value) (catalog.Output, error) {
	input, err := llm.ParseEmbed(in)
	if err != nil {
		return catalog.Output{}, err
	}
	var out struct {
		Embeddings [][]float64 `json:"embeddings"`
	}
	if err := s.c.PostJSON(ctx, "/api/embed", map[string]any{"model": id, "input": input.Wire()}, &out); err != nil {
		return catalog.Output{}, err
	}
	v, err := llm.EmbeddingResult(out.Embeddings, input.Many)
	if err != nil {
		return catalog.Output{}, err
	}
	return catalog.Output{Value: v}, nil
}
