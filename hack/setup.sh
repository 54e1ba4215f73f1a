#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, and is a quick no-op when it is
# all there: Debian packages (PostgreSQL, Chromium), uv and the locked Python environment (.venv),
# and the Go-built control-plane binaries (hack/build-tools.sh, cached outside the repository).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# Debian packages: the real PostgreSQL server and the browser the UI tests drive.
DEBIAN_PACKAGES=(postgresql chromium fonts-dejavu-core ca-certificates curl)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# Python: uv resolves from uv.lock, so every machine gets the same versions in seconds.
UV_VERSION=0.13.9
if ! command -v uv >/dev/null 2>&1 || [[ "$(uv --version | awk '{print $2}')" != "$UV_VERSION" ]]; then
  log "installing uv $UV_VERSION from PyPI"
  python3 -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >&2
fi
log "syncing the Python environment (.venv) from uv.lock"
uv sync --frozen --extra dev -q >&2

# Go-built binaries: etcd, kube-apiserver & co, kubectl, kwok, helm (cached by version).
hack/build-tools.sh
log "ready"
