"""``panels_reset_stats``: recompute the stored counters of every panel, child panels first, then
super panels (whose counters include their children's entities). The operator's reset-stats
task runs it; it is safe to run at any time."""

from django.core.management.base import BaseCommand

from panels.models import GenePanelSnapshot
from panels.services.stats import recalculate_stats


class Command(BaseCommand):
    help = "Recompute the stats of every panel (child panels first, then super panels)."

    def handle(self, *args, **options):
        snapshots = list(GenePanelSnapshot.objects.prefetch_related("child_panels"))
        children = [snapshot for snapshot in snapshots if not snapshot.is_super_panel()]
        supers = [snapshot for snapshot in snapshots if snapshot.is_super_panel()]
        for snapshot in children + supers:
            recalculate_stats(snapshot)
        self.stdout.write(
            self.style.SUCCESS(f"Stats recomputed for {len(children)} panels and {len(supers)} super panels.")
        )
