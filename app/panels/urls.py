from django.urls import path, re_path

from .views import (
    activity_pages,
    bulk_downloads,
    clearing_pages,
    comment_pages,
    compare_pages,
    copy_pages,
    downloads,
    entity_pages,
    gene_pages,
    legacy,
    panel_pages,
    uploads,
)

app_name = "panels"

# <id:...> is runtime.ids.IdConverter (registered in panelapp.urls): a 64-bit id or a 404.

ENTITY = "<id:pk>/<str:entity_type>/<str:entity_name>"

urlpatterns = [
    path("", panel_pages.PanelListView.as_view(), name="index"),
    path("create/", panel_pages.PanelCreateView.as_view(), name="create"),
    path("compare/", compare_pages.CompareFormView.as_view(), name="compare_form"),
    path("compare/<id:first>/<id:second>", compare_pages.ComparePanelsView.as_view(), name="compare"),
    path("compare/<id:first>/<id:second>/<str:name>", compare_pages.CompareEntityView.as_view(), name="compare_entity"),
    path("copy/<id:first>/<id:second>", copy_pages.CopyReviewsView.as_view(), name="copy_reviews"),
    path("entities/", gene_pages.EntityIndexView.as_view(), name="entities"),
    path("entities/<str:name>", gene_pages.EntityAcrossPanelsView.as_view(), name="entity_panels"),
    path("genes/", legacy.genes_index, name="genes_index"),
    path("genes/<str:name>", gene_pages.gene_redirect, name="gene_redirect"),
    path("activity/", activity_pages.ActivityView.as_view(), name="activity"),
    path("admin/", uploads.ImportToolsView.as_view(), name="import_tools"),
    path("download_genes/", bulk_downloads.DownloadAllGenesView.as_view(), name="download_genes"),
    path("download_strs/", bulk_downloads.DownloadAllSTRsView.as_view(), name="download_strs"),
    path("download_regions/", bulk_downloads.DownloadAllRegionsView.as_view(), name="download_regions"),
    path("download_panel/", bulk_downloads.DownloadAllPanelsView.as_view(), name="download_panels"),
    path("upload/<str:kind>/", uploads.UploadView.as_view(), name="upload"),
    path("uploads/<str:kind>/<id:pk>/", uploads.UploadStatusView.as_view(), name="upload_status"),
    path("<id:pk>/", panel_pages.PanelDetailView.as_view(), name="detail"),
    path("<id:pk>/update", panel_pages.PanelUpdateView.as_view(), name="update"),
    path("<id:pk>/promote", panel_pages.PanelPromoteView.as_view(), name="promote"),
    path("<id:pk>/status", panel_pages.PanelStatusView.as_view(), name="status"),
    path("<id:pk>/mark_not_ready", panel_pages.PanelMarkNotReadyView.as_view(), name="mark_not_ready"),
    path("<id:pk>/download/<str:categories>/", downloads.DownloadPanelView.as_view(), name="download"),
    path("<id:pk>/download_version/", downloads.DownloadVersionView.as_view(), name="download_version"),
    path("<id:pk>/<str:entity_type>/add", entity_pages.EntityAddView.as_view(), name="add_entity"),
    path(f"{ENTITY}/", entity_pages.EntityDetailView.as_view(), name="entity"),
    path(f"{ENTITY}/edit", entity_pages.EntityEditView.as_view(), name="edit_entity"),
    path(f"{ENTITY}/review", entity_pages.ReviewView.as_view(), name="review"),
    path(f"{ENTITY}/approve", entity_pages.ApproveEntityView.as_view(), name="approve_entity"),
    path(f"{ENTITY}/delete", entity_pages.DeleteEntityView.as_view(), name="delete_entity"),
    path(
        f"{ENTITY}/delete_evaluation/<id:evaluation_id>/", entity_pages.DeleteReviewView.as_view(), name="delete_review"
    ),
    path(f"{ENTITY}/edit_comment/<id:comment_id>/", comment_pages.EditCommentView.as_view(), name="edit_comment"),
    path(
        f"{ENTITY}/submit_edit_comment/<id:comment_id>/",
        comment_pages.EditCommentView.as_view(),
        name="submit_edit_comment",
    ),
    path(f"{ENTITY}/delete_comment/<id:comment_id>/", comment_pages.DeleteCommentView.as_view(), name="delete_comment"),
    path(f"{ENTITY}/clear_entity_sources", clearing_pages.ClearSourcesView.as_view(), name="clear_sources"),
    path(
        f"{ENTITY}/clear_entity_source/<path:source>/", clearing_pages.ClearSourcesView.as_view(), name="clear_source"
    ),
    path(f"{ENTITY}/clear_entity_<str:field>", clearing_pages.ClearFieldView.as_view(), name="clear_field"),
    path(f"{ENTITY}/curate/<str:action>/", entity_pages.EntityFeedbackView.as_view(), name="curate"),
    # The entity page's address before STRs and regions: /panels/<id>/<gene symbol>/.
    re_path(r"^(?P<pk>[0-9]{1,19})/(?P<entity_name>[\w\-.$~@# :]+)/$", legacy.panel_gene, name="panel_gene"),
    # Addresses from PanelApp v1 used the 24-hex legacy id.
    re_path(r"^(?P<old_pk>[0-9a-f]{24})/(?P<rest>.*)$", panel_pages.legacy_panel_redirect, name="legacy_redirect"),
]
