from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="list"),
    path("create/", views.ReleaseCreateView.as_view(), name="create"),
    path("<id:pk>/", views.ReleaseDetailView.as_view(), name="detail"),
    path("<id:pk>/edit/", views.ReleaseEditView.as_view(), name="edit"),
    path("<id:pk>/panels/", views.ReleasePanelsChoicesView.as_view(), name="panels"),
    path("<id:pk>/panels/import/", views.ReleasePanelsImportView.as_view(), name="panels-import"),
    path("<id:pk>/panels/export/", views.ReleasePanelsExportView.as_view(), name="panels-export"),
    path("<id:pk>/deployment/", views.ReleaseDeployView.as_view(), name="deploy"),
]
