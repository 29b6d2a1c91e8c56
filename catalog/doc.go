// Package catalog describes what exists: algorithm references and versions,
// catalog entries with their docs and samples, the values that cross the API,
// the errors algorithms raise, and the Source and Runner interfaces that the
// rest of pipette is built on. It has no UI and no HTTP server.
package catalog
