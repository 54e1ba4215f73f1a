"""API v1 routes. Path segments naming panels or entities accept anything but ``/`` (names such
as ``NAME.1``, spaces, ``$~@#-``); ``.json`` on a route without its trailing slash picks JSON."""

from django.urls import re_path
from rest_framework.urlpatterns import format_suffix_patterns

from .views import activities, entities, panels, root, signed_off

app_name = "v1"

SEGMENT = r"[^/]+"

urlpatterns = format_suffix_patterns(
    [
        re_path(r"^$", root.ApiRoot.as_view(), name="root"),
        re_path(r"^panels/signedoff/$", signed_off.SignedOffList.as_view(), name="signedoff-list"),
        re_path(
            r"^panels/signedoff/(?P<panel_id>[0-9]+)/$", signed_off.SignedOffDetail.as_view(), name="signedoff-detail"
        ),
        re_path(r"^panels/$", panels.PanelList.as_view(), name="panels-list"),
        re_path(rf"^panels/(?P<panel>{SEGMENT})/$", panels.PanelDetail.as_view(), name="panels-detail"),
        re_path(rf"^panels/(?P<panel>{SEGMENT})/versions/$", panels.PanelVersions.as_view(), name="panels-versions"),
        re_path(
            rf"^panels/(?P<panel>{SEGMENT})/activities/$", panels.PanelActivities.as_view(), name="panels-activities"
        ),
        re_path(rf"^panels/(?P<panel>{SEGMENT})/genes/$", entities.PanelGenes.as_view(), name="panel-genes-list"),
        re_path(rf"^panels/(?P<panel>{SEGMENT})/strs/$", entities.PanelSTRs.as_view(), name="panel-strs-list"),
        re_path(rf"^panels/(?P<panel>{SEGMENT})/regions/$", entities.PanelRegions.as_view(), name="panel-regions-list"),
        re_path(
            rf"^panels/(?P<panel>{SEGMENT})/genes/(?P<name>{SEGMENT})/evaluations/$",
            entities.GeneEvaluations.as_view(),
            name="panel-genes-evaluations",
        ),
        re_path(
            rf"^panels/(?P<panel>{SEGMENT})/strs/(?P<name>{SEGMENT})/evaluations/$",
            entities.STREvaluations.as_view(),
            name="panel-strs-evaluations",
        ),
        re_path(
            rf"^panels/(?P<panel>{SEGMENT})/regions/(?P<name>{SEGMENT})/evaluations/$",
            entities.RegionEvaluations.as_view(),
            name="panel-regions-evaluations",
        ),
        re_path(r"^genes/$", entities.GeneSearch.as_view(), name="genes-list"),
        re_path(rf"^genes/(?P<names>{SEGMENT})/$", entities.GeneSearchByName.as_view(), name="genes-detail"),
        re_path(r"^strs/$", entities.STRSearch.as_view(), name="strs-list"),
        re_path(rf"^strs/(?P<names>{SEGMENT})/$", entities.STRSearchByName.as_view(), name="strs-detail"),
        re_path(r"^regions/$", entities.RegionSearch.as_view(), name="regions-list"),
        re_path(rf"^regions/(?P<names>{SEGMENT})/$", entities.RegionSearchByName.as_view(), name="regions-detail"),
        re_path(r"^entities/$", entities.EntityList.as_view(), name="entities-list"),
        re_path(rf"^entities/(?P<names>{SEGMENT})/$", entities.EntityListByName.as_view(), name="entities-detail"),
        re_path(r"^activities/$", activities.ActivityList.as_view(), name="activities-list"),
    ],
    allowed=["json", "api"],
)
