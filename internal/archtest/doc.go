// Package archtest holds the test that keeps the import direction of
// docs/DESIGN.md: which parts of pipette may import which, and which may
// never import the terminal UI libraries.
package archtest
