// Package cloud links the object-store drivers into the binary when it is built with
// `-tags cloud`: importing it then lets data.Open take s3://, gs:// and azblob:// URLs, with
// credentials found the way each provider's own tools find them (environment, config files,
// instance metadata).
//
// The drivers are behind a build tag because the three cloud SDKs weigh 38 MB of a stripped
// binary of 88 MB and add about 3 ms of package initialisers to every start — every
// `pipette ls` paid for storage it never opened. A team that keeps its Data API in object
// storage builds its server with `go build -tags cloud`; data.Open says so when a URL names a
// driver this binary lacks.
package cloud
