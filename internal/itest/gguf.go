package itest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
)

// TinyLlama describes the small random-weight llama model the integration tests load into real
// model servers. No package ships a model small enough for a test, so the tests write one: a
// byte-fallback SentencePiece vocabulary over ASCII (so any ASCII text encodes, and any output is valid UTF-8), a couple
// of layers, float32 weights from a fixed seed. It answers nonsense, deterministically, and is a
// few hundred KB.
type TinyLlama struct {
	Name    string // general.name
	Layers  int
	Embed   int // hidden size
	FF      int // feed-forward size
	Heads   int
	Context int
	Seed    uint64
}

// DefaultTinyLlama is the model the tests use: 2 layers, 64 wide, 512 tokens of context.
var DefaultTinyLlama = TinyLlama{Name: "pipette-tiny", Layers: 2, Embed: 64, FF: 128, Heads: 4, Context: 512, Seed: 1}

// The GGUF value and tensor types used here (ggml/include/gguf.h, ggml.h).
const (
	ggufUint32  = 4
	ggufInt32   = 5
	ggufFloat32 = 6
	ggufString  = 8
	ggufArray   = 9

	ggmlF32 = 0

	ggufAlignment = 32
)

// Token types of a SentencePiece vocabulary in GGUF (llama_token_type).
const (
	tokenNormal  = 1
	tokenUnknown = 2
	tokenControl = 3
	tokenByte    = 6
)

// WriteFile writes the model as a GGUF v3 file at path.
func (m TinyLlama) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := m.Write(w); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

type kv struct {
	key string
	val any // uint32, int32, float32, string, []string, []float32, []int32
}

type tensor struct {
	name string
	dims []uint64 // ne[0] first: the fastest-varying dimension
	data []float32
}

// Write writes the model in GGUF v3 to w.
func (m TinyLlama) Write(w io.Writer) error {
	tokens, scores, types := byteVocab()
	meta := []kv{
		{"general.architecture", "llama"},
		{"general.name", m.Name},
		{"general.alignment", uint32(ggufAlignment)},
		{"general.file_type", uint32(0)}, // all float32
		{"llama.context_length", uint32(m.Context)},
		{"llama.embedding_length", uint32(m.Embed)},
		{"llama.block_count", uint32(m.Layers)},
		{"llama.feed_forward_length", uint32(m.FF)},
		{"llama.attention.head_count", uint32(m.Heads)},
		{"llama.attention.head_count_kv", uint32(m.Heads)},
		{"llama.rope.dimension_count", uint32(m.Embed / m.Heads)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.vocab_size", uint32(len(tokens))},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.unknown_token_id", uint32(0)},
		{"tokenizer.ggml.bos_token_id", uint32(1)},
		{"tokenizer.ggml.eos_token_id", uint32(2)},
		{"tokenizer.chat_template", chatTemplate},
	}
	tensors := m.tensors(len(tokens))

	e := &encoder{w: w}
	e.raw([]byte("GGUF"))
	e.u32(3)
	e.u64(uint64(len(tensors)))
	e.u64(uint64(len(meta)))
	for _, p := range meta {
		e.str(p.key)
		e.value(p.val)
	}
	var offset uint64
	for _, t := range tensors {
		e.str(t.name)
		e.u32(uint32(len(t.dims)))
		for _, d := range t.dims {
			e.u64(d)
		}
		e.u32(ggmlF32)
		e.u64(offset)
		offset = align(offset + uint64(4*len(t.data)))
	}
	e.pad()
	for _, t := range tensors {
		for _, v := range t.data {
			e.u32(math.Float32bits(v))
		}
		e.pad()
	}
	return e.err
}

// chatTemplate is ChatML, which llama-server and Ollama both render.
const chatTemplate = "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"

// byteVocab is <unk>, <s>, </s>, byte tokens for tab, newline and printable ASCII, and "▁"
// (SentencePiece's space marker) — ASCII only, so that whatever the random weights pick decodes to
// valid UTF-8 (servers refuse to send output that is not). Input outside ASCII becomes <unk>.
func byteVocab() (tokens []string, scores []float32, types []int32) {
	tokens = []string{"<unk>", "<s>", "</s>"}
	types = []int32{tokenUnknown, tokenControl, tokenControl}
	for b := 0; b < 0x7f; b++ {
		if b < 0x20 && b != '\t' && b != '\n' {
			continue
		}
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, tokenByte)
	}
	tokens = append(tokens, "\u2581")
	types = append(types, tokenNormal)
	scores = make([]float32, len(tokens))
	scores[len(scores)-1] = -1
	return tokens, scores, types
}

func (m TinyLlama) tensors(vocab int) []tensor {
	rng := rand.New(rand.NewPCG(m.Seed, 0x9e3779b97f4a7c15))
	random := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(rng.NormFloat64() * 0.05)
		}
		return s
	}
	ones := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = 1
		}
		return s
	}
	e, ff, v := uint64(m.Embed), uint64(m.FF), uint64(vocab)
	ts := []tensor{
		{"token_embd.weight", []uint64{e, v}, random(m.Embed * vocab)},
		{"output_norm.weight", []uint64{e}, ones(m.Embed)},
		{"output.weight", []uint64{e, v}, random(m.Embed * vocab)},
	}
	for i := 0; i < m.Layers; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts,
			tensor{p + "attn_norm.weight", []uint64{e}, ones(m.Embed)},
			tensor{p + "attn_q.weight", []uint64{e, e}, random(m.Embed * m.Embed)},
			tensor{p + "attn_k.weight", []uint64{e, e}, random(m.Embed * m.Embed)},
			tensor{p + "attn_v.weight", []uint64{e, e}, random(m.Embed * m.Embed)},
			tensor{p + "attn_output.weight", []uint64{e, e}, random(m.Embed * m.Embed)},
			tensor{p + "ffn_norm.weight", []uint64{e}, ones(m.Embed)},
			tensor{p + "ffn_gate.weight", []uint64{e, ff}, random(m.Embed * m.FF)},
			tensor{p + "ffn_down.weight", []uint64{ff, e}, random(m.FF * m.Embed)},
			tensor{p + "ffn_up.weight", []uint64{e, ff}, random(m.Embed * m.FF)},
		)
	}
	return ts
}

func align(n uint64) uint64 { return (n + ggufAlignment - 1) / ggufAlignment * ggufAlignment }

// encoder writes little-endian GGUF values and remembers the first error.
type encoder struct {
	w   io.Writer
	n   uint64
	err error
}

func (e *encoder) raw(b []byte) {
	if e.err != nil {
		return
	}
	n, err := e.w.Write(b)
	e.n += uint64(n)
	e.err = err
}

func (e *encoder) u32(v uint32) { e.raw(binary.LittleEndian.AppendUint32(nil, v)) }
func (e *encoder) u64(v uint64) { e.raw(binary.LittleEndian.AppendUint64(nil, v)) }
func (e *encoder) str(s string) { e.u64(uint64(len(s))); e.raw([]byte(s)) }
func (e *encoder) pad()         { e.raw(make([]byte, align(e.n)-e.n)) }

func (e *encoder) value(v any) {
	switch v := v.(type) {
	case uint32:
		e.u32(ggufUint32)
		e.u32(v)
	case float32:
		e.u32(ggufFloat32)
		e.u32(math.Float32bits(v))
	case string:
		e.u32(ggufString)
		e.str(v)
	case []string:
		e.u32(ggufArray)
		e.u32(ggufString)
		e.u64(uint64(len(v)))
		for _, s := range v {
			e.str(s)
		}
	case []float32:
		e.u32(ggufArray)
		e.u32(ggufFloat32)
		e.u64(uint64(len(v)))
		for _, f := range v {
			e.u32(math.Float32bits(f))
		}
	case []int32:
		e.u32(ggufArray)
		e.u32(ggufInt32)
		e.u64(uint64(len(v)))
		for _, i := range v {
			e.u32(uint32(i))
		}
	default:
		e.err = fmt.Errorf("gguf: no encoding for %T", v)
	}
}
