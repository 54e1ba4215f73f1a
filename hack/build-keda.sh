#!/usr/bin/env bash
# Builds KEDA's operator, metrics adapter and admission webhooks from the Go module proxy, on
# demand, into the tools cache: ~/.cache/panelapp-operator/tools/keda-<version>/ (PANELAPP_TOOLS_DIR
# moves it). Only bench/operator/queue_scaling.py needs them; the tests never do. A build takes
# about 30 minutes on a loaded 2-core machine, once per version.
#
#   hack/build-keda.sh [VERSION]      # default v2.21.0; prints the folder of the binaries
set -euo pipefail

version="${1:-v2.21.0}"
tools="${PANELAPP_TOOLS_DIR:-$HOME/.cache/panelapp-operator/tools}"
out="$tools/keda-$version"
if [[ -x "$out/operator" && -x "$out/adapter" && -x "$out/webhooks" ]]; then
  echo "$out"
  exit 0
fi
command -v go >/dev/null || { echo "build-keda.sh: Go (>= 1.26) is needed on PATH" >&2; exit 1; }

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -trimpath -buildvcs=false"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dir="$(go mod download -json "github.com/kedacore/keda/v2@$version" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
mkdir -p "$out.partial"
(cd "$work/src" && nice -n 19 go build -o "$out.partial/" ./cmd/operator ./cmd/adapter ./cmd/webhooks)
rm -rf "$out"
mv "$out.partial" "$out"
echo "$out"
