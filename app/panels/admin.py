"""The Django admin for every PanelApp model (staff only).

Panels should normally be changed through the site, which applies the version rules; the admin is
for looking things up and for fixes curators cannot make there.
"""

from django.contrib import admin

from . import models


@admin.register(models.Gene)
class GeneAdmin(admin.ModelAdmin):
    list_display = ("gene_symbol", "gene_name", "hgnc_id", "biotype", "active")
    list_filter = ("active", "biotype")
    search_fields = ("gene_symbol", "gene_name", "hgnc_id")


@admin.register(models.PanelType)
class PanelTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(models.GenePanel)
class GenePanelAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "status", "old_pk")
    list_filter = ("status", "types")
    search_fields = ("name", "old_pk")
    filter_horizontal = ("types",)
    raw_id_fields = ("signed_off",)


@admin.register(models.GenePanelSnapshot)
class GenePanelSnapshotAdmin(admin.ModelAdmin):
    list_display = ("panel_id", "name", "version", "created")
    search_fields = ("level4title__name", "panel__id")
    list_select_related = ("level4title",)
    raw_id_fields = ("panel", "level4title")
    filter_horizontal = ("child_panels",)
    readonly_fields = ("stats", "relevant_disorders_key")


@admin.register(models.HistoricalSnapshot)
class HistoricalSnapshotAdmin(admin.ModelAdmin):
    list_display = ("panel_id", "version", "signed_off_date", "created", "reason")
    list_filter = ("signed_off_date",)
    search_fields = ("panel__name", "panel__id")
    raw_id_fields = ("panel",)
    readonly_fields = ("data",)


@admin.register(models.Level4Title)
class Level4TitleAdmin(admin.ModelAdmin):
    list_display = ("name", "level2title", "level3title")
    search_fields = ("name",)


class _EntityAdmin(admin.ModelAdmin):
    list_display = ("__str__", "panel", "saved_gel_status", "flagged", "ready")
    list_filter = ("saved_gel_status", "flagged", "ready")
    raw_id_fields = ("panel", "gene_core", "evidence", "evaluation", "track", "comments")
    filter_horizontal = ("tags",)
    list_select_related = ("panel__level4title",)


@admin.register(models.GenePanelEntrySnapshot)
class GeneEntityAdmin(_EntityAdmin):
    search_fields = ("gene_core__gene_symbol", "panel__level4title__name")


@admin.register(models.STR)
class STRAdmin(_EntityAdmin):
    search_fields = ("name", "panel__level4title__name")


@admin.register(models.Region)
class RegionAdmin(_EntityAdmin):
    search_fields = ("name", "verbose_name", "panel__level4title__name")


@admin.register(models.Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("name", "rating", "reviewer", "created")
    search_fields = ("name",)
    raw_id_fields = ("reviewer",)


@admin.register(models.Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ("user", "rating", "version", "created")
    list_filter = ("rating",)
    raw_id_fields = ("user", "comments")


@admin.register(models.Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("user", "comment", "created")
    raw_id_fields = ("user",)


@admin.register(models.TrackRecord)
class TrackRecordAdmin(admin.ModelAdmin):
    list_display = ("issue_type", "user", "created")
    raw_id_fields = ("user",)


@admin.register(models.Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created", "panel", "user", "item_type", "entity_name", "text")
    list_filter = ("item_type",)
    search_fields = ("text", "entity_name")
    raw_id_fields = ("panel", "user")


class _UploadAdmin(admin.ModelAdmin):
    list_display = ("pk", "user", "status", "created")
    list_filter = ("status",)
    raw_id_fields = ("user",)
    readonly_fields = ("errors", "summary", "import_log")


for upload_model in (models.UploadedGeneList, models.UploadedPanelList, models.UploadedReviewsList):
    admin.site.register(upload_model, _UploadAdmin)
