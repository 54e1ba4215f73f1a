from django.views.generic import TemplateView

from ..models import Activity, GenePanelEntrySnapshot, GenePanelSnapshot
from ..vocab import VISIBLE_STATUSES


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panel_count"] = GenePanelSnapshot.objects.filter(panel__status__in=VISIBLE_STATUSES).count()
        context["gene_count"] = GenePanelEntrySnapshot.objects.filter(panel__panel__status__in=VISIBLE_STATUSES).count()
        context["recent"] = Activity.objects.visible_to(self.request.user).filter(panel__isnull=False)[:10]
        return context
