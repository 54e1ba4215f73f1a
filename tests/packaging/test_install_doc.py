"""docs/install.md stays true: its values table and PanelApp reference are generated from the
chart and the CRD (tests/packaging/install_doc.py), every chart value is documented, and the
values schema knows every value."""

from __future__ import annotations

import json

import yaml

from tests.packaging import install_doc


def test_generated_sections_are_up_to_date():
    text = install_doc.DOC.read_text()
    assert install_doc.rendered(text) == text, (
        "docs/install.md is stale: run `.venv/bin/python -m tests.packaging.install_doc` and commit the result"
    )


def test_every_chart_value_is_documented():
    table = install_doc.values_reference().splitlines()[2:]
    undocumented = [row.split("|")[1].strip() for row in table if not row.rsplit("|", 2)[-2].strip()]
    assert not undocumented, f"add a `# --` comment above these keys in values.yaml: {undocumented}"


def test_the_values_schema_knows_every_value():
    values = yaml.safe_load((install_doc.CHART / "values.yaml").read_text())
    schema = json.loads((install_doc.CHART / "values.schema.json").read_text())
    assert set(values) == set(schema["properties"]) - {"global"}
