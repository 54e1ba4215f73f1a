from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views import View

from accounts.models import User
from accounts.roles import is_curator, is_verified_reviewer

from ..models import GenePanelSnapshot
from ..models.entities import Entity
from ..selectors.entities import entity_on_page
from ..selectors.gene_names import gene_symbol, is_hgnc_id
from ..selectors.panels import live_snapshot
from ..visibility import readable_statuses
from ..vocab import EntityType


class RoleRequiredMixin(View):
    """Anonymous people are sent to log in; signed-in people without the role get a 403."""

    role_check: Callable[[Any], bool] = staticmethod(lambda user: True)
    role_message = "Your account cannot do this."

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not self.role_check(request.user):
            raise PermissionDenied(self.role_message)
        return super().dispatch(request, *args, **kwargs)

    @property
    def signed_in_user(self) -> User:
        """The request's user, signed in with the role (``dispatch`` has turned anyone else away)."""
        user = self.request.user
        assert isinstance(user, User), "dispatch lets only signed-in users through"
        return user


class CuratorRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_curator)
    role_message = "Only Genomics England curators can do this."


class ReviewerRequiredMixin(RoleRequiredMixin):
    role_check = staticmethod(is_verified_reviewer)
    role_message = "Only approved reviewers can do this. A curator approves new reviewers after registration."


class PanelMixin(View):
    """``self.snapshot``: the live snapshot of the panel in the URL (``pk``)."""

    _snapshot: GenePanelSnapshot

    def get_snapshot(self) -> GenePanelSnapshot:
        if not hasattr(self, "_snapshot"):
            # Internal panels exist for curators only (panels.visibility), here as in the API.
            snapshot = live_snapshot(self.kwargs["pk"], readable_statuses(self.request.user))
            if snapshot is None:
                raise Http404("No such panel.")
            self._snapshot = snapshot
        return self._snapshot

    @property
    def snapshot(self) -> GenePanelSnapshot:
        return self.get_snapshot()


class EntityMixin(PanelMixin):
    """``self.entity``: the entity named in the URL (``entity_type``, ``entity_name``)."""

    _entity: Entity

    def get_entity(self) -> Entity:
        if not hasattr(self, "_entity"):
            try:
                entity_type = EntityType(self.kwargs["entity_type"])
            except ValueError:
                raise Http404("Entity types are gene, str and region.") from None
            name = self.kwargs["entity_name"]
            entity = entity_on_page(self.snapshot, entity_type, name)
            if entity is None and entity_type == EntityType.GENE and is_hgnc_id(name):
                entity = entity_on_page(self.snapshot, entity_type, gene_symbol(name))
            if entity is None:
                raise Http404("No such entity on this panel.")
            self._entity = entity
        return self._entity

    @property
    def entity(self) -> Entity:
        return self.get_entity()
