//go:build tools

// Package tools pins github.com/zegl/kube-score/cmd/kube-score, built by hack/build-tools.sh.
// kube-score lints rendered Kubernetes manifests; it stands in for kube-linter, whose module
// (golang.stackrox.io/kube-linter) the Go module proxy we may use refuses to serve.
package tools

import _ "github.com/zegl/kube-score/cmd/kube-score"
