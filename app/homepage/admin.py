from django.contrib import admin

from .models import HomeText


@admin.register(HomeText)
class HomeTextAdmin(admin.ModelAdmin):
    list_display = ("section", "title", "href")
    list_display_links = ("title",)
    ordering = ("section", "pk")
    search_fields = ("title", "text")
