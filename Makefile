# One entry point for people and CI. Every target sets up what it needs first.
.PHONY: setup tools demo cluster test lint crd clean help
SHELL := /bin/bash
PYTHON := .venv/bin/python

help:
	@echo "make demo     set everything up, start a local control plane, run the operator on an example"
	@echo "              PanelApp and serve PanelApp itself in the browser (Ctrl-C stops it all)"
	@echo "make test     set everything up and run every test"
	@echo "make lint     ruff (lint, format), import contracts, mypy, shellcheck, hadolint"
	@echo "make cluster  set up and start only the local control plane"
	@echo "make tools    build the pinned Go binaries into the cache (PANELAPP_TOOLS_DIR)"
	@echo "make crd      regenerate the CRDs, their copies in the chart, and the references in docs/install.md"

setup:
	@hack/setup.sh

tools:
	@hack/build-tools.sh

demo: setup
	@$(PYTHON) hack/demo.py

cluster: setup
	@$(PYTHON) hack/localcluster up

lint:
	@hack/setup.sh --python-only
	@hack/lint.sh

test: setup
	@$(PYTHON) -m pytest $(PYTEST_ARGS)

# The CRDs are generated from operator/panelapp_operator/spec/ and task_spec.py; tests fail when any
# copy is stale.
crd:
	@$(PYTHON) -m panelapp_operator crd > crds/panelapp.org_panelapps.yaml
	@$(PYTHON) -m panelapp_operator crd --kind PanelAppTask > crds/panelapp.org_panelapptasks.yaml
	@cp crds/panelapp.org_panelapps.yaml crds/panelapp.org_panelapptasks.yaml helm/panelapp-operator/crds/
	@$(PYTHON) -m tests.packaging.install_doc

clean:
	rm -rf .pytest_cache app/_local app/_staticfiles app/_mediafiles .local
