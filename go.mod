module pipette

go 1.26.0

require github.com/sahilm/fuzzy v0.1.3
