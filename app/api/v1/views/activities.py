from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from panels.selectors.activity import visible_activities

from ..serializers import ActivitySerializer
from .base import PAGE, ReadOnlyView, paginated


class ActivityList(ReadOnlyView):
    @extend_schema(
        operation_id="activities_list",
        summary="The activity feed",
        description="Newest first. Curators (signed in, or with their API token) also see internal panels' activity.",
        parameters=[PAGE],
        responses=paginated(ActivitySerializer, "PaginatedActivityList"),
    )
    def get(self, request: Request, format: str | None = None) -> Response:
        return self.paginate(visible_activities(request.user), ActivitySerializer)
