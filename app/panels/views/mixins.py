from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from accounts.roles import is_curator, is_verified_reviewer

from ..models import ENTITY_MODELS, GenePanelEntrySnapshot, GenePanelSnapshot
from ..visibility import readable_statuses
from ..vocab import EntityType


class RoleRequiredMixin:
    """Anonymous people are sent to log in; signed-in people without the role get a 403."""

    role_check = staticmethod(lambda user: True)
    role_message = "Your account cannot do this."

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.role_check(request.user):
            raise PermissionDenied(self.role_message)
        return super().dispatch(request, *args, **kwargs)


class CuratorRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_curator)
    role_message = "Only Genomics England curators can do this."


class ReviewerRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_verified_reviewer)
    role_message = "Only approved reviewers can do this. A curator approves new reviewers after registration."


class PanelMixin:
    """``self.snapshot``: the live snapshot of the panel in the URL (``pk``)."""

    def get_snapshot(self) -> GenePanelSnapshot:
        if not hasattr(self, "_snapshot"):
            # Internal panels exist for curators only (panels.visibility), here as in the API.
            self._snapshot = get_object_or_404(
                GenePanelSnapshot.objects.select_related("panel", "level4title", "panel__signed_off"),
                panel_id=self.kwargs["pk"],
                panel__status__in=readable_statuses(self.request.user),
            )
        return self._snapshot

    @property
    def snapshot(self) -> GenePanelSnapshot:
        return self.get_snapshot()


class EntityMixin(PanelMixin):
    """``self.entity``: the entity named in the URL (``entity_type``, ``entity_name``)."""

    def get_entity(self):
        if not hasattr(self, "_entity"):
            try:
                entity_type = EntityType(self.kwargs["entity_type"])
            except ValueError:
                from django.http import Http404

                raise Http404("Entity types are gene, str and region.")
            model = ENTITY_MODELS[entity_type]
            lookup = (
                {"gene_core_id": self.kwargs["entity_name"]}
                if model is GenePanelEntrySnapshot
                else {"name": self.kwargs["entity_name"]}
            )
            self._entity = get_object_or_404(model.objects.select_related("panel"), panel=self.snapshot, **lookup)
        return self._entity

    @property
    def entity(self):
        return self.get_entity()
