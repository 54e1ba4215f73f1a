#!/usr/bin/env bash
# Builds the pinned control-plane and CLI binaries from the Go module proxy into a cache folder
# outside the repository, one folder per tool group and version:
#   ${PANELAPP_TOOLS_DIR:-~/.cache/panelapp-operator/tools}/<group>-<version>/
# A group is rebuilt only when its version changes (its folder holds a .complete stamp), so a
# second run is a no-op. Progress goes to stderr; `--print-dir` prints the cache folder and exits.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
tools_dir="${PANELAPP_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/panelapp-operator/tools}"

if [[ "${1:-}" == "--print-dir" ]]; then echo "$tools_dir"; exit 0; fi
# Go's own tarball installs under /usr/local/go; a non-login shell may not have it on PATH.
command -v go >/dev/null || { [[ -x /usr/local/go/bin/go ]] && PATH="$PATH:/usr/local/go/bin"; }
command -v go >/dev/null || { echo "build-tools: 'go' is not on PATH; install Go >= 1.26" >&2; exit 1; }

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-mod=mod -trimpath -buildvcs=false"
mkdir -p "$tools_dir"

log() { printf '[build-tools] %s\n' "$*" >&2; }

# build GROUP VERSION LDFLAGS PACKAGE... : one `go build` per group so shared packages compile once.
build() {
  local group="$1" version="$2" ldflags="$3"; shift 3
  local out="$tools_dir/$group-$version"
  if [[ -f "$out/.complete" ]]; then
    log "$group $version: cached in $out"
    return
  fi
  log "$group $version: building $(printf '%s ' "${@##*/}")(cold builds take minutes on 2 cores)"
  local start=$SECONDS tmp="$out.partial"
  rm -rf "$tmp" && mkdir -p "$tmp"
  # BUILD_CGO=1 and BUILD_TAGS are set by the caller for the node runtime (containerd, runc),
  # which needs cgo (seccomp, the shim's mount helpers).
  ( cd "$here/tools/$group" && CGO_ENABLED="${BUILD_CGO:-0}" \
      go build ${BUILD_TAGS:+-tags "$BUILD_TAGS"} -ldflags "$ldflags" -o "$tmp/" "$@" ) &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    if (( (SECONDS - start) % 30 == 0 )) && kill -0 "$pid" 2>/dev/null; then
      log "$group: still building ($((SECONDS - start)) s)"
    fi
  done
  if ! wait "$pid"; then
    log "$group $version: build FAILED after $((SECONDS - start)) s"
    exit 1
  fi
  # etcd's main package is go.etcd.io/etcd/server/v3, so go names its binary "server".
  [[ -f "$tmp/server" ]] && mv "$tmp/server" "$tmp/etcd"
  echo "$((SECONDS - start))" > "$tmp/.build-seconds"
  touch "$tmp/.complete"
  rm -rf "$out" && mv "$tmp" "$out"
  log "$group $version: built in $((SECONDS - start)) s"
}

# The sandbox ("pause") image of the real node: there is no registry to pull it from, so compile
# Kubernetes' own pause.c (shipped in the k8s.io/kubernetes module) statically and wrap it in an
# OCI archive that the harness imports into containerd under PAUSE_IMAGE.
build_pause() {
  local out="$tools_dir/pause-$PAUSE_VERSION"
  if [[ -f "$out/.complete" ]]; then log "pause $PAUSE_VERSION: cached in $out"; return; fi
  log "pause $PAUSE_VERSION: compiling pause.c and building the image"
  local tmp="$out.partial" src
  rm -rf "$tmp" && mkdir -p "$tmp/context"
  src="$(cd "$here/tools/kubernetes" && go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" \
        | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -f "$src/build/pause/linux/pause.c" ]] || { log "pause.c not found in the k8s.io/kubernetes module ($src)"; exit 1; }
  gcc -Os -static -DVERSION="$PAUSE_VERSION" -o "$tmp/context/pause" "$src/build/pause/linux/pause.c"
  strip "$tmp/context/pause"
  printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' > "$tmp/context/Containerfile"
  # A private buildah store, so the machine's own container storage is never touched.
  local name="localhost/panelapp-pause-build:$PAUSE_VERSION"
  local -a buildah=(buildah --root "$tmp/storage" --runroot "$tmp/run" --storage-driver vfs)
  "${buildah[@]}" build --isolation=chroot -q -t "$name" -f "$tmp/context/Containerfile" "$tmp/context" >/dev/null
  "${buildah[@]}" push -q "$name" "oci-archive:$tmp/pause.oci.tar:$PAUSE_IMAGE" >/dev/null
  "${buildah[@]}" rmi --all --force >/dev/null || true
  rm -rf "$tmp/context" "$tmp/storage" "$tmp/run" && touch "$tmp/.complete" && rm -rf "$out" && mv "$tmp" "$out"
  log "pause $PAUSE_VERSION: built"
}

k8s_minor="${KUBERNETES_VERSION#v1.}"; k8s_minor="${k8s_minor%%.*}"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
# Without these stamps the binaries report v0.0.0-master, which breaks Helm's kubeVersion checks.
k8s_ldflags="-s -w \
 -X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION \
 -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$k8s_minor \
 -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=$build_date \
 -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION \
 -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$k8s_minor"
helm_ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor \
 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor"

containerd_ldflags="-s -w -X github.com/containerd/containerd/v2/version.Version=$CONTAINERD_VERSION"
runc_ldflags="-s -w -X main.version=${RUNC_VERSION#v}"

# The real node (tests/realnode, make demo) needs the node groups too: kubernetes-node (kubelet,
# kube-proxy), containerd, runc and the pause image.
want="${*:-etcd kwok kubernetes helm kube-score kubernetes-node containerd runc pause}"
for group in $want; do
  case "$group" in
    etcd) build etcd "$ETCD_VERSION" "-s -w" go.etcd.io/etcd/server/v3 ;;
    kwok) build kwok "$KWOK_VERSION" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" sigs.k8s.io/kwok/cmd/kwok ;;
    kubernetes) build kubernetes "$KUBERNETES_VERSION" "$k8s_ldflags" \
        k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
        k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl ;;
    helm) build helm "$HELM_VERSION" "$helm_ldflags" helm.sh/helm/v3/cmd/helm ;;
    kubernetes-node) build kubernetes-node "$KUBERNETES_VERSION" "$k8s_ldflags" \
        k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy ;;
    containerd) BUILD_CGO=1 BUILD_TAGS="no_btrfs no_devmapper no_zfs" build containerd "$CONTAINERD_VERSION" \
        "$containerd_ldflags" github.com/containerd/containerd/v2/cmd/containerd \
        github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2 github.com/containerd/containerd/v2/cmd/ctr ;;
    runc) BUILD_CGO=1 BUILD_TAGS="seccomp" build runc "$RUNC_VERSION" "$runc_ldflags" github.com/opencontainers/runc ;;
    pause) build_pause ;;
    kube-score) build kube-score "$KUBE_SCORE_VERSION" "-s -w -X main.version=$KUBE_SCORE_VERSION" \
        github.com/zegl/kube-score/cmd/kube-score ;;
    *) log "unknown tool group '$group' (known: etcd kwok kubernetes helm kube-score kubernetes-node containerd runc pause)"; exit 2 ;;
  esac
done
log "all tools ready in $tools_dir"
