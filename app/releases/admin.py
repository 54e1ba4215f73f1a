from django.contrib import admin
from django.http import HttpRequest

from .models import Release, ReleaseDeployment


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are made and deployed on their own pages; the admin lists them."""

    list_display = ("name", "created", "created_by")
    search_fields = ("name",)
    readonly_fields = ("created", "created_by")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReleaseDeployment)
class ReleaseDeploymentAdmin(admin.ModelAdmin):
    list_display = ("release", "state", "start", "end", "user")
    list_filter = ("state",)
    readonly_fields = ("release", "user", "state", "start", "end", "error")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
