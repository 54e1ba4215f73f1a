"""``activate_genes``: inactive genes that have Ensembl data become active again (as PanelApp's)."""

from django.core.management.base import BaseCommand

from panels.services.operations import activate_genes


class Command(BaseCommand):
    help = "Activate the inactive genes that have Ensembl data; genes without any stay inactive."

    def handle(self, *args, **options):
        result = activate_genes()
        self.stdout.write(f"Found {result.inactive} inactive genes")
        self.stdout.write(f"Found {result.without_ensembl} inactive genes with empty ensembl_genes")
        self.stdout.write(f"{len(result.activated)} genes should be active")
        for symbol in result.activated:
            self.stdout.write(f"Activated: {symbol}")
