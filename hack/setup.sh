#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine, and is a quick no-op when it is
# all there: Debian packages (PostgreSQL, Chromium), uv and the locked Python environment (.venv),
# and the Go-built control-plane binaries (hack/build-tools.sh, cached outside the repository).
# With --python-only it stops after the Python environment (what `make lint` needs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# Debian packages: the real PostgreSQL server and the browser the UI tests drive; buildah and
# debootstrap build the two images without a Docker engine (tests/packaging).
# The real node (hack/localcluster/realnode.py) needs the CNI plugins, iptables and conntrack
# (kube-proxy), iproute2 (its bridge), and libseccomp-dev + pkg-config to build runc with seccomp.
DEBIAN_PACKAGES=(postgresql chromium fonts-dejavu-core ca-certificates curl buildah debootstrap
  containernetworking-plugins iptables conntrack iproute2 libseccomp-dev pkg-config gcc libc6-dev)
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
# The project itself is installed editable; reinstalling it (about a second) picks up a Django app
# or package added since the last sync, which the editable install's package map would not know.
uv sync --frozen --extra dev -q --reinstall-package panelapp-operator >&2
# `make lint` needs only the Python environment: it need not wait for the Go tools on a cold machine.
if [[ "${1:-}" == "--python-only" ]]; then
  log "ready (Python environment only)"
  exit 0
fi

# Go-built binaries: etcd, kube-apiserver & co, kubectl, kwok, helm, kube-score (cached by version).
hack/build-tools.sh

# checkov scans the chart, rendered manifests and Dockerfiles. It pins boto3 and packaging versions
# the app cannot use, so it gets a virtual environment of its own in the tools cache, keyed by
# version like the Go tools; `<dir>/checkov` is what hack/localcluster/tools.py looks for.
# shellcheck source=versions.env
source hack/versions.env
checkov_dir="$(hack/build-tools.sh --print-dir)/checkov-$CHECKOV_VERSION"
if [[ ! -f "$checkov_dir/.complete" ]]; then
  log "installing checkov $CHECKOV_VERSION from PyPI into $checkov_dir"
  rm -rf "$checkov_dir"  # a half-made venv from an interrupted run; venvs cannot be moved into place
  uv venv -q --no-python-downloads --python "$(command -v python3)" "$checkov_dir/venv" >&2
  uv pip install -q --no-python-downloads --python "$checkov_dir/venv/bin/python" "checkov==$CHECKOV_VERSION" >&2
  ln -s venv/bin/checkov "$checkov_dir/checkov"
  touch "$checkov_dir/.complete"
fi

# The images' base, made of Debian packages: there is no registry to pull python:slim from here,
# so buildah builds the Dockerfiles on a Debian root filesystem with the same Python (3.11) and
# the same commands (python, pip, groupadd). Cached by suite and package list (PYTHON_BASE_VERSION).
base_dir="$(hack/build-tools.sh --print-dir)/python-base-$PYTHON_BASE_VERSION"
# The packages come from the machine's own Debian mirror (its apt sources), or PANELAPP_DEBIAN_MIRROR.
if [[ ! -f "$base_dir/.complete" ]]; then
  mirror="$(python3 hack/debian_mirror.py --suite "$PYTHON_BASE_SUITE")" || exit 1
  log "building the Debian $PYTHON_BASE_SUITE base (Python) for image builds into $base_dir from $mirror"
  if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
  "${sudo[@]}" rm -rf "$base_dir" && mkdir -p "$base_dir"
  "${sudo[@]}" debootstrap --variant=minbase --include="$PYTHON_BASE_PACKAGES" "$PYTHON_BASE_SUITE" \
    "$base_dir/rootfs" "$mirror" >"$base_dir/debootstrap.log" 2>&1 \
    || { log "debootstrap failed; see $base_dir/debootstrap.log"; exit 1; }
  "${sudo[@]}" tar -C "$base_dir/rootfs" -cf "$base_dir/rootfs.tar" . && "${sudo[@]}" rm -rf "$base_dir/rootfs"
  touch "$base_dir/.complete"
fi
log "ready"
