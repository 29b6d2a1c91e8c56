package ls

import (
	"fmt"
	"io"

	"pipette/catalog"
	"pipette/client"
	"pipette/internal/cli/result"
)

// summaryJSON is an algorithm object of the API without what makes the
// catalog large (the samples' inputs made `ls --json` about 1 MB): the keys
// it keeps read the same as in the whole object, so `jq '.[].name'` works on
// either.
type summaryJSON struct {
	Name         string              `json:"name"`
	Owner        string              `json:"owner"`
	ResourceType string              `json:"resource_type"`
	Details      summaryDetailsJSON  `json:"details"`
	Settings     client.SettingsJSON `json:"settings"`
	VersionInfo  summaryVersionJSON  `json:"version_info"`
	Tags         []string            `json:"tags"`
	InputKind    string              `json:"input_kind"`
	OutputKind   string              `json:"output_kind"`
	SampleNames  []string            `json:"sample_names"` // what `call --sample` takes
	Versions     []string            `json:"versions,omitempty"`
	Unavailable  string              `json:"unavailable,omitempty"`
	Source       string              `json:"source,omitempty"`
	Model        *client.ModelJSON   `json:"model,omitempty"`
	SelfLink     string              `json:"self_link"`
}

type summaryDetailsJSON struct {
	Label   string `json:"label"`
	Tagline string `json:"tagline"`
}

type summaryVersionJSON struct {
	SemanticVersion string `json:"semantic_version"`
}

func summarize(a client.AlgorithmJSON) summaryJSON {
	names := make([]string, 0, len(a.Samples))
	for _, s := range a.Samples {
		names = append(names, s.Name)
	}
	return summaryJSON{
		Name: a.Name, Owner: a.Owner, ResourceType: a.ResourceType,
		Details:     summaryDetailsJSON{Label: a.Details.Label, Tagline: a.Details.Tagline},
		Settings:    a.Settings,
		VersionInfo: summaryVersionJSON{SemanticVersion: a.VersionInfo.SemanticVersion},
		Tags:        a.Tags, InputKind: a.InputKind, OutputKind: a.OutputKind, SampleNames: names,
		Versions: a.Versions, Unavailable: a.Unavailable, Source: a.Source, Model: a.Model, SelfLink: a.SelfLink,
	}
}

// printJSON prints the API's algorithm objects (full) or their summaries,
// made from the same objects so that `ls --json` reads the same whether
// the catalog is in-process or behind a server.
func printJSON(w io.Writer, ix *catalog.Index, matches []catalog.Match, full bool) error {
	objs := make([]any, 0, len(matches))
	for _, m := range matches {
		e := ix.Entry(m.Index)
		a, err := client.EntryToJSON(e, e.Ref.URI())
		if err != nil {
			return err
		}
		if full {
			objs = append(objs, a)
		} else {
			objs = append(objs, summarize(a))
		}
	}
	b, err := result.PrettyJSON(objs)
	if err != nil {
		return fmt.Errorf("encode the catalog: %w", err)
	}
	_, err = w.Write(b)
	return err
}
