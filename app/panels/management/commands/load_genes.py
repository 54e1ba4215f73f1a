"""``load_genes FILE``: load the gene table from PanelApp's gene file (JSON or JSON.gz), a local
path or an ``s3://bucket/key`` object (read with the media storage's credentials and endpoint,
which is how the operator's load-genes task passes it)."""

import tempfile
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from panels.imports.gene_records import GeneRecordError, read_json_file, upsert_genes, without_placeholders


class Command(BaseCommand):
    help = (
        "Load or refresh the gene table from a JSON or JSON.gz file: PanelApp's genes.json.gz "
        "fixture or a list of gene records. Existing genes are updated, nothing is deleted; records "
        "without a gene symbol (the fixture's inactive placeholders) are skipped and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to genes.json or genes.json.gz, or s3://bucket/key")

    def handle(self, *args, file, **options):
        try:
            with local_copy(file) as path:
                records = read_json_file(path)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file") from None
        except (OSError, ValueError) as exc:
            raise CommandError(f"{file}: not a JSON gene file ({exc})") from exc
        if isinstance(records, dict):
            records = records.get("insert", []) + records.get("update", [])
        if not isinstance(records, list):
            raise CommandError(f"{file}: expected a JSON list of gene records")
        records, skipped = without_placeholders(records)
        try:
            created, updated = upsert_genes(records)
        except GeneRecordError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        message = f"Genes loaded from {file}: {created} new, {updated} updated"
        if skipped:
            message += f", {skipped} placeholder record{'s' if skipped != 1 else ''} without a gene symbol skipped"
        self.stdout.write(self.style.SUCCESS(message + "."))


@contextmanager
def local_copy(location: str):
    """The file itself, or an S3 object downloaded to a temporary file (same suffix, so that .gz is
    recognised)."""
    if not location.startswith("s3://"):
        yield location
        return
    bucket, _, key = location[len("s3://") :].partition("/")
    if not bucket or not key:
        raise CommandError(f"{location}: expected s3://bucket/key")
    # Deferred: boto3 is heavy to import and only an s3:// location needs it.
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    storage: dict[str, Any] = settings.STORAGES["default"]
    options: dict[str, Any] = storage.get("OPTIONS", {})
    credentials = {"aws_access_key_id": options.get("access_key"), "aws_secret_access_key": options.get("secret_key")}
    client = boto3.client(
        "s3",
        region_name=options.get("region_name"),
        endpoint_url=options.get("endpoint_url"),
        **{name: value for name, value in credentials.items() if value},
    )
    with tempfile.NamedTemporaryFile(suffix="".join(PurePosixPath(key).suffixes[-2:])) as copy:
        try:
            client.download_fileobj(bucket, key, copy)
        except (ClientError, BotoCoreError) as exc:
            raise CommandError(f"{location}: cannot be read ({exc})") from exc
        copy.flush()
        yield copy.name
