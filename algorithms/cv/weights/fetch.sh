#!/bin/sh
# Re-extracts the face-api.js weights vendored in this folder from the npm
# package they come from, and checks them against the recorded sha256 sums.
# Needs npm, tar and sha256sum. Usage: ./fetch.sh   (run from anywhere)
set -eu

PKG=@vladmandic/face-api
VERSION=1.7.15
TARBALL_SHA256=0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031

dest=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "$PKG@$VERSION" >/dev/null
tarball=$(ls ./*.tgz)
echo "$TARBALL_SHA256  $tarball" | sha256sum -c --quiet -

files="LICENSE
model/tiny_face_detector_model.bin
model/tiny_face_detector_model-weights_manifest.json
model/face_expression_model.bin
model/face_expression_model-weights_manifest.json"

# shellcheck disable=SC2086 # word splitting of the file list is intended
tar -xzf "$tarball" $(echo "$files" | sed 's|^|package/|')
for f in $files; do
	cp "package/$f" "$dest/$(basename "$f")"
done

cd "$dest"
sha256sum -c --quiet <<'SUMS'
9a3442b79acaf4fbc7c2e07b7e2d8f84af9bb3871bf08a69d80304ab00640e9a  LICENSE
b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871  tiny_face_detector_model.bin
5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5  tiny_face_detector_model-weights_manifest.json
9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d  face_expression_model.bin
5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8  face_expression_model-weights_manifest.json
SUMS
echo "face-api $VERSION weights extracted to $dest and verified"
