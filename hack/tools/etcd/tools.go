//go:build tools

// Package tools pins go.etcd.io/etcd/server/v3, built by hack/build-tools.sh.
package tools

import _ "go.etcd.io/etcd/server/v3"
