"""``load_genes FILE``: load the gene table from PanelApp's gene file (JSON or JSON.gz)."""
from django.core.management.base import BaseCommand, CommandError

from panels.imports.gene_records import GeneRecordError, read_json_file, upsert_genes


class Command(BaseCommand):
    help = (
        "Load or refresh the gene table from a JSON or JSON.gz file: PanelApp's genes.json.gz "
        "fixture or a list of gene records. Existing genes are updated, nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to genes.json or genes.json.gz")

    def handle(self, *args, file, **options):
        try:
            records = read_json_file(file)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file")
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file}: not a JSON gene file ({exc})")
        if isinstance(records, dict):
            records = records.get("insert", []) + records.get("update", [])
        if not isinstance(records, list):
            raise CommandError(f"{file}: expected a JSON list of gene records")
        try:
            created, updated = upsert_genes(records)
        except GeneRecordError as exc:
            raise CommandError(f"{file}: {exc}")
        self.stdout.write(self.style.SUCCESS(f"Genes loaded from {file}: {created} new, {updated} updated."))
