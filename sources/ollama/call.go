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

// Stream calls the model e describes: /api/embed for an embedding model,
// /api/chat for the rest, streaming each piece of text to emit.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	id := e.Ref.ModelID()
	if e.Model != nil && e.Model.Kind == catalog.ModelEmbedding {
		return s.embed(ctx, id, in)
	}
	req, err := llm.ParseChat(in)
	if err != nil {
		return catalog.Output{}, err
	}
	body := map[string]any{"model": id, "messages": req.Messages, "stream": true}
	if opts := req.Options.Params("num_predict"); len(opts) > 0 {
		body["options"] = opts
	}
	meter := llm.NewMeter(emit)
	// The context ends the request: closing the connection of a streamed
	// answer is how Ollama learns to stop generating.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := s.c.Open(ctx, "/api/chat", body, "application/x-ndjson")
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
