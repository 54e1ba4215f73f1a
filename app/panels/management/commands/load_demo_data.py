"""``load_demo_data``: a realistic PanelApp to explore, and the logins to explore it with.

Safe to run again: an existing demo data set is kept, and the demo logins are reset.
"""

from django.core.management.base import BaseCommand

from panels.demo import CURATOR, REVIEWER, load_demo_data


class Command(BaseCommand):
    help = "Load demonstration panels, genes, reviews and versions, with a demo curator and reviewer."

    def handle(self, *args, **options):
        result = load_demo_data()
        if result["created"]:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {result['panels']} panels."))
        else:
            self.stdout.write(f"Demo data already present ({result['panels']} panels); left as it is.")
        self.stdout.write(f"Demo curator login:  username {CURATOR[0]}  password {CURATOR[1]}")
        self.stdout.write(f"Demo reviewer login: username {REVIEWER[0]}  password {REVIEWER[1]}")
