"""Seed the panel types every PanelApp installation starts with."""
from django.db import migrations

DEFAULT_PANEL_TYPES = (
    ("rare-disease-test-directory", "Rare Disease Test Directory"),
    ("actionable", "Actionable"),
    ("rare-disease-100k", "Rare Disease 100K"),
    ("superpanel", "Superpanel"),
    ("testing", "testing"),
    ("reference", "Reference"),
    ("clingen-curated-genes", "ClinGen Curated genes"),
    ("ga4gh-collaboration", "GA4GH collaboration"),
    ("external-diagnostic-lab", "External Diagnostic Lab"),
    ("cancer-test-directory", "Cancer Test Directory"),
    ("cancer-germline-100k", "Cancer Germline 100K"),
)


def add_types(apps, schema_editor):
    PanelType = apps.get_model("panels", "PanelType")
    for slug, name in DEFAULT_PANEL_TYPES:
        PanelType.objects.get_or_create(slug=slug, defaults={"name": name, "description": name})


def remove_types(apps, schema_editor):
    apps.get_model("panels", "PanelType").objects.filter(slug__in=[s for s, _ in DEFAULT_PANEL_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("panels", "0001_initial")]
    operations = [migrations.RunPython(add_types, remove_types)]
