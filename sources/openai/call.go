package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"pipette/catalog"
	"pipette/sources/llm"
	"pipette/sources/upstream"
)

// chunk is one server-sent event of a streamed chat completion or
// completion. choices may be null or empty (vLLM's and OpenAI's last,
// usage-only chunk); llama-server adds timings.
type chunk struct {
	Choices []struct {
		Delta struct {
			Content string `json:"content"`
		} `json:"delta"`
		Text         string  `json:"text"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *struct {
		PromptTokens     int64 `json:"prompt_tokens"`
		CompletionTokens int64 `json:"completion_tokens"`
	} `json:"usage"`
	Timings *struct {
		PromptN    int64 `json:"prompt_n"`
		PredictedN int64 `json:"predicted_n"`
	} `json:"timings"`
	Error json.RawMessage `json:"error"`
}

// Stream calls the model e describes: embeddings, a completion or a chat
// completion, streaming text to emit.
func (s *Source) Stream(ctx context.Context, e catalog.Entry, in catalog.Value, emit func(catalog.Chunk) error) (catalog.Output, error) {
	id := e.Ref.ModelID()
	kind := catalog.ModelChat
	if e.Model != nil {
		kind = e.Model.Kind
	}
	switch kind {
	case catalog.ModelEmbedding:
		return s.embed(ctx, id, in)
	case catalog.ModelCompletion:
		req, err := llm.ParseCompletion(in)
		if err != nil {
			return catalog.Output{}, err
		}
		body := requestBody(id, req.Options)
		body["prompt"] = req.Prompt
		return s.stream(ctx, "/completions", body, emit)
	}
	req, err := llm.ParseChat(in)
	if err != nil {
		return catalog.Output{}, err
	}
	body := requestBody(id, req.Options)
	body["messages"] = req.Messages
	return s.stream(ctx, "/chat/completions", body, emit)
}

func requestBody(id string, o llm.Options) map[string]any {
	body := o.Params("max_tokens")
	body["model"], body["stream"] = id, true
	body["stream_options"] = map[string]any{"include_usage": true}
	return body
}

var done = []byte("[DONE]")

// stream posts body and reads the events until [DONE]. Closing the request
// (when emit fails or ctx ends) is how the server learns to stop.
func (s *Source) stream(ctx context.Context, path string, body map[string]any, emit func(catalog.Chunk) error) (catalog.Output, error) {
	meter := llm.NewMeter(emit)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resp, err := s.api.Open(ctx, path, body, "text/event-stream")
	if err != nil {
		return catalog.Output{}, err
	}
	lines := s.api.NewLines(resp)
	defer lines.Close()
	var prompt, tokens int64
	for {
		ev, err := lines.NextEvent()
		if errors.Is(err, io.EOF) {
			break // a server that ends the stream without [DONE] has still said all it had
		}
		if err != nil {
			return catalog.Output{}, err
		}
		if bytes.Equal(bytes.TrimSpace(ev.Data), done) {
			break
		}
		var c chunk
		if err := json.Unmarshal(ev.Data, &c); err != nil {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s sent an event that is not JSON: %v", s.api.Who(), err)
		}
		if len(c.Error) > 0 && string(c.Error) != "null" {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s: %s", s.api.Who(), upstream.ErrorMessage(ev.Data))
		}
		for _, ch := range c.Choices {
			if err := meter.Add(ch.Delta.Content + ch.Text); err != nil {
				return catalog.Output{}, err
			}
			if ch.FinishReason != nil {
				meter.Finish(*ch.FinishReason)
			}
		}
		if c.Usage != nil {
			prompt, tokens = c.Usage.PromptTokens, c.Usage.CompletionTokens
		} else if c.Timings != nil {
			prompt, tokens = c.Timings.PromptN, c.Timings.PredictedN
		}
	}
	lines.Done()
	meter.Tokens(prompt, tokens)
	return catalog.Output{Value: catalog.Text(meter.Text()), Generation: meter.Generation()}, nil
}

func (s *Source) embed(ctx context.Context, id string, in catalog.Value) (catalog.Output, error) {
	input, err := llm.ParseEmbed(in)
	if err != nil {
		return catalog.Output{}, err
	}
	var out struct {
		Data []struct {
			Embedding []float64 `json:"embedding"`
			Index     int       `json:"index"`
		} `json:"data"`
	}
	if err := s.api.PostJSON(ctx, "/embeddings", map[string]any{"model": id, "input": input.Wire(), "encoding_format": "float"}, &out); err != nil {
		return catalog.Output{}, err
	}
	vectors := make([][]float64, len(out.Data))
	for _, d := range out.Data {
		if d.Index < 0 || d.Index >= len(vectors) || vectors[d.Index] != nil {
			return catalog.Output{}, catalog.Errorf(catalog.AlgorithmError, "%s answered embeddings with indexes out of order", s.api.Who())
		}
		vectors[d.Index] = d.Embedding
	}
	v, err := llm.EmbeddingResult(vectors, input.Many)
	if err != nil {
		return catalog.Output{}, err
	}
	return catalog.Output{Value: v}, nil
}
