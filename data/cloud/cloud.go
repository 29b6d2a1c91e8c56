// Package cloud links the object-store drivers into the binary: importing it
// lets data.Open take s3://, gs:// and azblob:// URLs, with credentials found
// the way each provider's own tools find them (environment, config files,
// instance metadata). It is imported by the command, not by the data package,
// so that packages which only read the store (the algorithms, their tests) do
// not compile three cloud SDKs.
package cloud

import (
	_ "gocloud.dev/blob/azureblob" // azblob://container
	_ "gocloud.dev/blob/gcsblob"   // gs://bucket
	_ "gocloud.dev/blob/s3blob"    // s3://bucket?region=…
)
