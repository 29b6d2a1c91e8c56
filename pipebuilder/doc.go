// Package pipebuilder is pipette's chains: the Chain model and its YAML file
// format (docs/DESIGN.md, "Chains"), jq input mappings compiled once at
// load, validation with file:line:column, running a chain step by step with a
// trace, and export as YAML, a standalone Go program or a shell script.
//
// A chain is a list of steps. Each step calls one algorithm. Its input is the
// previous step's result (the first step: the chain's input) unless the step
// maps it with a jq expression (`input`, or `each` to run the step once per
// element of a list) over {input, steps: {id: result}}, where binary values
// appear as base64 strings, exactly as on the wire.
//
// The life of a chain file:
//
//	c, err := pipebuilder.Load("meme.yaml")        // syntax, fields, ids, jq: Errors with file:line:col
//	err = c.Validate(ctx, cl.Source())              // algorithms, versions, kinds against a catalog
//	tr, err := pipebuilder.Run(ctx, cl, c, in, pipebuilder.Options{OnStep: show})
//	yaml, err := c.Marshal()                        // or ExportGo(c, …), ExportShell(c)
//	yaml, kept, err := c.MarshalOnto(src)           // saved over src, keeping its comments and layout
//
// A folder of chains is published with LoadLibrary: its Combined() is the
// base catalog plus the chains, as a catalog.Source and catalog.Runner for
// the server. The builder edits a chain in memory (NewChain, AddStep,
// MoveStep, RenameStep, RemoveStep, or the fields directly followed by
// Compile) and previews a mapping over the last run with Trace.Preview.
package pipebuilder
