"""``set_panel_types CSV``: add panel types from a ``panel_id,panel_type_slug`` file (header first)."""

from django.core.management.base import BaseCommand, CommandError

from panels.services.operations import OperationRefused, set_panel_types


class Command(BaseCommand):
    help = (
        "Add panel types to panels from a CSV of panel_id,panel_type_slug (first line a header). Types are "
        "added, never removed, without a new version; a file with any bad row changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file")

    def handle(self, *args, csv_file, **options):
        try:
            with open(csv_file, encoding="utf-8-sig", newline="") as handle:
                result = set_panel_types(handle)
        except OSError as error:
            raise CommandError(f"cannot read {csv_file}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{csv_file} is not UTF-8 text") from None
        except OperationRefused as error:
            raise CommandError(f"nothing was changed: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"All done: {result.added} type(s) added to {result.panels} panel(s) from {result.rows} row(s)."
            )
        )
