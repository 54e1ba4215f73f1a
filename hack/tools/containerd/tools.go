//go:build tools

// Package tools pins containerd (the container runtime of the local real node), its runc shim
// and ctr, which the harness uses to import images without a registry (see hack/build-tools.sh).
package tools

import (
	_ "github.com/containerd/containerd/v2/cmd/containerd"
	_ "github.com/containerd/containerd/v2/cmd/containerd-shim-runc-v2"
	_ "github.com/containerd/containerd/v2/cmd/ctr"
)
