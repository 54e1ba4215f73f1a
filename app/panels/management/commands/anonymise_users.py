"""``anonymise_users --confirm DATABASE``: make a non-production copy safe to share (docs/domain.md)."""

from django.core.management.base import BaseCommand, CommandError

from panels.services.operations import OperationRefused, anonymise_users


class Command(BaseCommand):
    help = (
        "Replace every user's name, username, email, affiliation and password (and the names in activity, "
        "history and version comments); delete sessions, API tokens and login records. Only on an installation "
        "marked PANELAPP_NON_PRODUCTION=true (or the embedded default), and only with --confirm DATABASE_NAME."
    )

    def add_arguments(self, parser):
        parser.add_argument("--confirm", default="", help="the name of the database to anonymise")
        parser.add_argument("--password", default=None, help="one password for every account (default: none)")

    def handle(self, *args, confirm, password, **options):
        try:
            result = anonymise_users(confirm=confirm, password=password)
        except OperationRefused as error:
            raise CommandError(f"Refused, nothing was changed: {error}") from None
        rewritten = ", ".join(f"{count} {what}" for what, count in result.rewritten.items())
        cleared = ", ".join(f"{count} {what}" for what, count in result.cleared.items())
        self.stdout.write(
            self.style.SUCCESS(f"Anonymised {result.users} users; rewrote {rewritten}; deleted {cleared}.")
        )
