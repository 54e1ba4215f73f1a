//go:build tools

// Package tools pins the node components of the local real node, from the same Kubernetes
// release as the control plane: the kubelet and kube-proxy (see hack/build-tools.sh).
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
