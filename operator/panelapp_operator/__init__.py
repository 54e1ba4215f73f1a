"""The PanelApp operator: one `PanelApp` resource in, a safely upgraded PanelApp on Kubernetes out.

Modules, from the API inwards:
- spec: pydantic models of the resource (the single source of truth), a package by concern;
  rules: cross-field rules.
- crd: the CRD built from spec.
- names: the names, labels and annotations of every child (render names them, the rest finds them).
- render: pure functions from a spec (and observed facts) to Kubernetes manifests.
- reconcile: the state machine (observe -> decide -> act -> status).
- kube: the only module that talks to the API server.
- handlers: kopf wiring that feeds the work queue; controller: queue, cache and workers.
"""
