from typing import Any

from django.views.generic import TemplateView

from homepage.selectors import home_sections

from ..selectors.activity import recent_activity
from ..selectors.panels import home_counts


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panel_count"], context["gene_count"] = home_counts()
        context["recent"] = recent_activity(self.request.user, 10)
        context["sections"] = home_sections()
        return context
