//go:build tools

// Package tools pins runc, the OCI runtime containerd's shim calls on the local real node.
package tools

import (
	_ "github.com/opencontainers/runc"
)
