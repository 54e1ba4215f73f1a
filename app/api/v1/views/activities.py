from drf_spectacular.utils import extend_schema

from panels.models import Activity

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
    def get(self, request, format=None):
        return self.paginate(Activity.objects.visible_to(request.user), ActivitySerializer)
